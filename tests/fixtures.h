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

/* All elements of b as rows of a new dim x n array (free it). */
static inline double *basis_elements(const weyl_basis *b, size_t n) {
  int dim = weyl_basis_dim(b);
  double *E = malloc(sizeof(double) * (dim > 0 ? dim : 1) * n);
  for (int k = 0; k < dim; k++)
    cr_assert_eq(weyl_basis_element(b, k, E + k * n), WEYL_OK);
  return E;
}

#endif
