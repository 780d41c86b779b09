/* Criterion fixtures shared by the test files: a group or rep that must
 * build, or the test stops with the library's message. */
#ifndef WEYL_TEST_FIXTURES_H
#define WEYL_TEST_FIXTURES_H

#include <criterion/criterion.h>

#include <stdlib.h>

#include "weyl/basis.h"
#include "weyl/group.h"
#include "weyl/rep.h"
#include "weyl/status.h"
#include "helpers.h"

static inline weyl_group *builtin(const char *name) {
  weyl_group *g = NULL;
  cr_assert_eq(weyl_group_builtin(name, &g), WEYL_OK, "%s: %s", name, weyl_status_last_error());
  return g;
}

static inline weyl_rep *parse(weyl_group *g, const char *expr) {
  weyl_rep *r = NULL;
  cr_assert_eq(weyl_rep_parse(g, expr, &r), WEYL_OK, "%s: %s", expr, weyl_status_last_error());
  return r;
}

/* The dimension of Hom(in, out) for g, solved with the default options.
 * With check set, every element is checked against the constraint by plain
 * loops (ref_residual, helpers.h, relative to |W|), so a wrong basis cannot
 * pass as a count; leave it off for badly scaled reps, where that residual
 * measures the scale of rho rather than the error. */
static inline int hom_dim_of(weyl_group *g, const char *in, const char *out, int check) {
  weyl_rep *a = parse(g, in), *b = parse(g, out);
  weyl_basis *B = NULL;
  cr_assert_eq(weyl_basis_solve(a, b, NULL, &B), WEYL_OK, "%s -> %s: %s", in, out,
               weyl_status_last_error());
  int d = weyl_basis_dim(B);
  double *W = malloc(sizeof(double) * (size_t)weyl_rep_dim(a) * (size_t)weyl_rep_dim(b));
  for (int k = 0; check && k < d; k++) {
    cr_assert_eq(weyl_basis_element(B, k, W), WEYL_OK);
    cr_assert_lt(ref_residual(a, b, W), 1e-9, "%s -> %s element %d", in, out, k);
  }
  free(W);
  weyl_basis_free(B);
  weyl_rep_free(a);
  weyl_rep_free(b);
  return d;
}

/* hom_dim_of with every element checked. */
static inline int hom_dim(weyl_group *g, const char *in, const char *out) {
  return hom_dim_of(g, in, out, 1);
}

/* All elements of b as rows of a new dim x n array (free it). */
static inline double *basis_elements(const weyl_basis *b, size_t n) {
  int dim = weyl_basis_dim(b);
  double *E = malloc(sizeof(double) * (dim > 0 ? dim : 1) * n);
  for (int k = 0; k < dim; k++)
    cr_assert_eq(weyl_basis_element(b, k, E + k * n), WEYL_OK);
  return E;
}

#endif
