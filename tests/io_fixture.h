/* A solved basis and its bias, with the weyl_io_basis describing them: the
 * input of the writer tests (test_io.c, test_io_files.c). */
#ifndef WEYL_TEST_IO_FIXTURE_H
#define WEYL_TEST_IO_FIXTURE_H

#include <criterion/criterion.h>

#include "weyl/io.h"

typedef struct {
  weyl_group *g;
  weyl_rep *in, *out;
  weyl_basis *b, *bias;
  weyl_io_basis io;
} solved;

static inline solved solve_in(weyl_group *g, const char *in, const char *out) {
  solved s = {.g = g};
  cr_assert_eq(weyl_rep_parse(g, in, &s.in), WEYL_OK, "%s", weyl_status_last_error());
  cr_assert_eq(weyl_rep_parse(g, out, &s.out), WEYL_OK, "%s", weyl_status_last_error());
  cr_assert_eq(weyl_basis_solve(s.in, s.out, NULL, &s.b), WEYL_OK, "%s", weyl_status_last_error());
  cr_assert_eq(weyl_basis_solve_bias(s.out, NULL, &s.bias), WEYL_OK, "%s",
               weyl_status_last_error());
  s.io = (weyl_io_basis){weyl_group_name(g), in, out, s.b, s.bias, NULL, 0};
  return s;
}

static inline solved solve(const char *group, const char *in, const char *out) {
  weyl_group *g = NULL;
  cr_assert_eq(weyl_group_builtin(group, &g), WEYL_OK, "%s", weyl_status_last_error());
  return solve_in(g, in, out);
}

static inline void release(solved *s) {
  weyl_basis_free(s->bias);
  weyl_basis_free(s->b);
  weyl_rep_free(s->in);
  weyl_rep_free(s->out);
  weyl_group_free(s->g);
}

#endif
