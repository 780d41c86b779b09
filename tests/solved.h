/* A solved problem for tests: a built-in group, two reps parsed from
 * expressions and (optionally) the basis between them, freed together. */
#ifndef WEYL_TEST_SOLVED_H
#define WEYL_TEST_SOLVED_H

#include <criterion/criterion.h>

#include "weyl/basis.h"

typedef struct {
  weyl_group *g;
  weyl_rep *in, *out;
  weyl_basis *b; /* NULL until solved */
} solved;

/* The group and reps only. */
static inline solved solved_reps(const char *group, const char *in, const char *out) {
  solved s = {NULL, NULL, NULL, NULL};
  cr_assert_eq(weyl_group_builtin(group, &s.g), WEYL_OK, "%s", weyl_status_last_error());
  cr_assert_eq(weyl_rep_parse(s.g, in, &s.in), WEYL_OK, "%s", weyl_status_last_error());
  cr_assert_eq(weyl_rep_parse(s.g, out, &s.out), WEYL_OK, "%s", weyl_status_last_error());
  return s;
}

/* Also the basis in -> out (opts may be NULL). */
static inline solved solved_basis(const char *group, const char *in, const char *out,
                                  const weyl_basis_opts *opts) {
  solved s = solved_reps(group, in, out);
  cr_assert_eq(weyl_basis_solve(s.in, s.out, opts, &s.b), WEYL_OK, "%s", weyl_status_last_error());
  return s;
}

static inline void solved_free(solved *s) {
  weyl_basis_free(s->b);
  weyl_rep_free(s->in);
  weyl_rep_free(s->out);
  weyl_group_free(s->g);
}

#endif
