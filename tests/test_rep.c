/* Representation trees against matrices built directly in the test. */
#include <criterion/criterion.h>
#include <string.h>

#include "helpers.h"
#include "weyl/repfile.h"

/* A non-orthogonal discrete generator (so the dual differs from the rep) and
 * an algebra generator, on a 2-dimensional V; plus a 3-point permutation rep. */
static const char *text =
    "group shear\n"
    "generators a\n"
    "algebra X\n"
    "rep V 2\n"
    "  a matrix 2 1 0 1\n"
    "  X matrix 0 1 -3 1/2\n"
    "rep P 3\n"
    "  a perm 1 2 0\n"
    "  X zero\n";

static const double A[4] = {2, 1, 0, 1}, X[4] = {0, 1, -3, 0.5};

static weyl_group *group(void) {
  weyl_group *g = NULL;
  cr_assert_eq(weyl_repfile_parse(text, strlen(text), "shear.rep", &g), WEYL_OK, "%s",
               weyl_status_last_error());
  return g;
}

static void mat_of(weyl_group *g, const char *expr, int disc, double *out, int dim) {
  weyl_rep *r = NULL;
  cr_assert_eq(weyl_rep_parse(g, expr, &r), WEYL_OK, "%s", weyl_status_last_error());
  cr_assert_eq(weyl_rep_dim(r), dim, "%s", expr);
  cr_assert_eq(disc ? weyl_rep_rho(r, 0, out) : weyl_rep_drho(r, 0, out), WEYL_OK);
  weyl_rep_free(r);
}

static void assert_mat_eq(const double *got, const double *want, int n) {
  for (int i = 0; i < n * n; i++) cr_assert_float_eq(got[i], want[i], 1e-14, "entry %d", i);
}

Test(rep, dual_is_inverse_transpose_and_negative_transpose) {
  weyl_group *g = group();
  double m[4];
  /* inverse of [[2,1],[0,1]] is [[1/2,-1/2],[0,1]]; its transpose: */
  const double inv_t[4] = {0.5, 0, -0.5, 1};
  mat_of(g, "V.T", 1, m, 2);
  assert_mat_eq(m, inv_t, 2);
  const double neg_t[4] = {0, 3, -1, -0.5};
  mat_of(g, "V.T", 0, m, 2);
  assert_mat_eq(m, neg_t, 2);
  weyl_group_free(g);
}

Test(rep, sum_is_block_diagonal) {
  weyl_group *g = group();
  double m[25], want[25] = {0};
  mat_of(g, "V + Scalar + V", 1, m, 5);
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++) {
      want[i * 5 + j] = A[i * 2 + j];
      want[(3 + i) * 5 + 3 + j] = A[i * 2 + j];
    }
  want[2 * 5 + 2] = 1;
  assert_mat_eq(m, want, 5);
  weyl_group_free(g);
}

Test(rep, tensor_is_kronecker_with_left_index_major) {
  weyl_group *g = group();
  double m[36], want[36];
  mat_of(g, "V*P", 1, m, 6);
  double P[9] = {0};
  int p[3] = {1, 2, 0};
  for (int i = 0; i < 3; i++) P[p[i] * 3 + i] = 1; /* sends e_i to e_p[i] */
  for (int a = 0; a < 2; a++)
    for (int b = 0; b < 3; b++)
      for (int c = 0; c < 2; c++)
        for (int d = 0; d < 3; d++) want[(a * 3 + b) * 6 + c * 3 + d] = A[a * 2 + c] * P[b * 3 + d];
  assert_mat_eq(m, want, 6);
  /* algebra: X (x) I + I (x) 0 */
  mat_of(g, "V*P", 0, m, 6);
  for (int a = 0; a < 2; a++)
    for (int b = 0; b < 3; b++)
      for (int c = 0; c < 2; c++)
        for (int d = 0; d < 3; d++) want[(a * 3 + b) * 6 + c * 3 + d] = X[a * 2 + c] * (b == d);
  assert_mat_eq(m, want, 6);
  weyl_group_free(g);
}

Test(rep, tensor_power_and_copies_have_the_right_size) {
  weyl_group *g = group();
  weyl_rep *r = NULL;
  cr_assert_eq(weyl_rep_parse(g, "3*V**2 + V.T*P + Scalar", &r), WEYL_OK, "%s",
               weyl_status_last_error());
  cr_assert_eq(weyl_rep_dim(r), 3 * 4 + 6 + 1);
  weyl_rep **parts = NULL;
  int n = 0;
  cr_assert_eq(weyl_rep_summands(r, &parts, &n), WEYL_OK);
  cr_assert_eq(n, 5);
  int dims[5] = {4, 4, 4, 6, 1}, total = 0;
  for (int i = 0; i < n; i++) {
    cr_assert_eq(weyl_rep_dim(parts[i]), dims[i]);
    total += weyl_rep_dim(parts[i]);
  }
  cr_assert_eq(total, weyl_rep_dim(r));
  weyl_rep_parts_free(parts, n);
  weyl_rep_free(r);
  weyl_group_free(g);
}

/* (A+B)*C splits into A*C + B*C without reordering indices. */
Test(rep, left_distributed_tensor_keeps_index_order) {
  weyl_group *g = group();
  double whole[100], part[36];
  mat_of(g, "(V + P)*V", 1, whole, 10);
  mat_of(g, "V*V", 1, part, 4);
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) cr_assert_float_eq(whole[i * 10 + j], part[i * 4 + j], 1e-15);
  mat_of(g, "P*V", 1, part, 6);
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 6; j++)
      cr_assert_float_eq(whole[(4 + i) * 10 + 4 + j], part[i * 6 + j], 1e-15);
  weyl_group_free(g);
}

Test(rep, permutation_reps_are_detected_and_kept_as_permutations) {
  weyl_group *g = group();
  weyl_rep *r = NULL;
  cr_assert_eq(weyl_rep_parse(g, "P*P + Scalar + P.T", &r), WEYL_OK);
  cr_assert(weyl_rep_is_perm(r));
  int perm[13];
  cr_assert_eq(weyl_rep_perm(r, 0, perm), WEYL_OK);
  double m[169];
  cr_assert_eq(weyl_rep_rho(r, 0, m), WEYL_OK);
  for (int i = 0; i < 13; i++) cr_assert_float_eq(m[perm[i] * 13 + i], 1.0, 0);
  weyl_rep_free(r);
  cr_assert_eq(weyl_rep_parse(g, "P + V", &r), WEYL_OK);
  cr_assert(!weyl_rep_is_perm(r));
  cr_assert_eq(weyl_rep_perm(r, 0, perm), WEYL_EINVAL);
  weyl_rep_free(r);
  weyl_group_free(g);
}

static void expect_parse_error(weyl_group *g, const char *expr, weyl_status want,
                               const char *phrase) {
  weyl_rep *r = NULL;
  weyl_status s = weyl_rep_parse(g, expr, &r);
  cr_assert_eq(s, want, "'%s' gave %d: %s", expr, s, weyl_status_last_error());
  cr_assert_null(r);
  cr_assert(strstr(weyl_status_last_error(), phrase), "'%s': message '%s' lacks '%s'", expr,
            weyl_status_last_error(), phrase);
}

Test(rep, malformed_expressions_are_refused_with_a_position) {
  weyl_group *g = group();
  expect_parse_error(g, "V + W", WEYL_EPARSE, "unknown representation 'W'");
  expect_parse_error(g, "V + W", WEYL_EPARSE, "column 5");
  expect_parse_error(g, "(V + P", WEYL_EPARSE, "expected ')'");
  expect_parse_error(g, "V +", WEYL_EPARSE, "ends too early");
  expect_parse_error(g, "V V", WEYL_EPARSE, "unexpected text");
  expect_parse_error(g, "V**", WEYL_EPARSE, "whole number");
  expect_parse_error(g, "0*V", WEYL_EPARSE, "at least 1");
  expect_parse_error(g, "", WEYL_EPARSE, "ends too early");
  expect_parse_error(g, "V**40", WEYL_ELIMIT, "limit");
  expect_parse_error(g, "V**99999999", WEYL_EPARSE, "too large");
  expect_parse_error(g, "regular", WEYL_EPARSE, "algebra");
  expect_parse_error(g, "rot(1)", WEYL_EPARSE, "rot");
  weyl_group_free(g);
}

Test(rep, null_and_mismatched_arguments_are_refused) {
  weyl_group *g = group(), *h = NULL;
  cr_assert_eq(weyl_group_builtin("Z(3)", &h), WEYL_OK);
  weyl_rep *a = NULL, *b = NULL, *c = NULL;
  cr_assert_eq(weyl_rep_parse(NULL, "V", &a), WEYL_EINVAL);
  cr_assert_eq(weyl_rep_parse(g, NULL, &a), WEYL_EINVAL);
  cr_assert_eq(weyl_rep_parse(g, "V", &a), WEYL_OK);
  cr_assert_eq(weyl_rep_parse(h, "V", &b), WEYL_OK);
  cr_assert_eq(weyl_rep_sum(a, b, &c), WEYL_EINVAL);
  cr_assert_eq(weyl_rep_tensor(a, NULL, &c), WEYL_EINVAL);
  cr_assert_eq(weyl_rep_copies(a, 0, &c), WEYL_EINVAL);
  cr_assert_eq(weyl_rep_rho(a, 5, (double[4]){0}), WEYL_EINVAL);
  weyl_rep_free(a);
  weyl_rep_free(b);
  weyl_group_free(g);
  weyl_group_free(h);
}

Test(rep, regular_rep_of_a_finite_group_has_its_order) {
  weyl_group *g = NULL;
  cr_assert_eq(weyl_group_builtin("D(5)", &g), WEYL_OK);
  weyl_rep *r = NULL;
  cr_assert_eq(weyl_rep_parse(g, "regular", &r), WEYL_OK, "%s", weyl_status_last_error());
  cr_assert_eq(weyl_rep_dim(r), 10);
  cr_assert(weyl_rep_is_perm(r));
  weyl_rep_free(r);
  weyl_group_free(g);
}

Test(rep, rotation_rep_of_Cn_turns_by_2pi_over_n) {
  weyl_group *g = NULL;
  cr_assert_eq(weyl_group_builtin("Z(6)", &g), WEYL_OK);
  double m[4];
  mat_of(g, "rot(1)", 1, m, 2);
  double pi = acos(-1.0), c = cos(2 * pi / 6), s = sin(2 * pi / 6);
  const double want[4] = {c, -s, s, c};
  assert_mat_eq(m, want, 2);
  weyl_group_free(g);
}

/* weyl_rep_equal compares generator matrices: O(3)'s V is its own dual
 * (orthogonal), SO(1,3)'s is not (boosts are symmetric); Scalar (x) V is V;
 * V (x) V.T and V.T (x) V are the same space with the factors swapped, not
 * the same matrices; V and V**1 agree; dimensions must match. */
Test(rep, equal_compares_generator_matrices) {
  static const struct {
    const char *group, *a, *b;
    int equal;
  } cases[] = {
      {"O(3)", "V", "V.T", 1},          {"SO(1,3)", "V", "V.T", 0},
      {"SO(1,3)", "Scalar*V", "V", 1},  {"SO(1,3)", "V*V.T", "V.T*V", 0},
      {"SO(1,3)", "V*V.T", "V*V.T", 1}, {"S(4)", "V", "V.T", 1},
      {"Z(5)", "rot(1)", "rot(2)", 0},  {"O(3)", "V", "Scalar", 0},
      {"O(3)", "V**2", "V*V.T", 1},     {"Sp(4)", "V", "V.T", 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    weyl_group *g = NULL;
    weyl_rep *a = NULL, *b = NULL;
    cr_assert_eq(weyl_group_builtin(cases[i].group, &g), WEYL_OK);
    cr_assert_eq(weyl_rep_parse(g, cases[i].a, &a), WEYL_OK);
    cr_assert_eq(weyl_rep_parse(g, cases[i].b, &b), WEYL_OK);
    int eq = -1;
    cr_expect_eq(weyl_rep_equal(a, b, 1e-12, &eq), WEYL_OK);
    cr_expect_eq(eq, cases[i].equal, "%s: %s vs %s", cases[i].group, cases[i].a, cases[i].b);
    cr_expect_eq(weyl_rep_equal(a, b, -1, &eq), WEYL_EINVAL);
    cr_expect_eq(weyl_rep_equal(a, NULL, 1e-12, &eq), WEYL_EINVAL);
    weyl_rep_free(a), weyl_rep_free(b);
    weyl_group_free(g);
  }
}
