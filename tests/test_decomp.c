/* The isotypic decomposition (weyl/decomp.h) against Clebsch-Gordan counts,
 * known splits of SO(2), SO(4) and SU(2) reps, plain-loop checks of the
 * change of basis, and the dense solver's dimension of Hom(in, out). */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "helpers.h"
#include "weyl/decomp.h"

static weyl_decomp *decompose(weyl_rep *r) {
  weyl_decomp *d = NULL;
  cr_assert_eq(weyl_decomp_new(r, &d), WEYL_OK, "%s", weyl_status_last_error());
  return d;
}

/* Expects the types (dim, mult, end) in order, and sum mult * dim = n. */
static void expect_types(const char *group, const char *expr, int nt, const int (*want)[3]) {
  weyl_group *g = builtin(group);
  weyl_rep *r = parse(g, expr);
  weyl_decomp *d = decompose(r);
  cr_assert_eq(weyl_decomp_ntypes(d), nt, "%s %s: %d types, want %d", group, expr,
               weyl_decomp_ntypes(d), nt);
  int total = 0, copies = 0;
  for (int t = 0; t < nt; t++) {
    cr_expect_eq(weyl_decomp_type_dim(d, t), want[t][0], "%s %s type %d dim", group, expr, t);
    cr_expect_eq(weyl_decomp_type_mult(d, t), want[t][1], "%s %s type %d mult", group, expr, t);
    cr_expect_eq(weyl_decomp_type_end(d, t), want[t][2], "%s %s type %d End", group, expr, t);
    total += want[t][0] * want[t][1], copies += want[t][1];
  }
  cr_expect_eq(total, weyl_rep_dim(r));
  cr_expect_eq(weyl_decomp_ncopies(d), copies);
  cr_expect_eq(weyl_decomp_type_dim(d, nt), -1);
  weyl_decomp_free(d), weyl_rep_free(r), weyl_group_free(g);
}

Test(decomp, so3_square_is_spins_0_1_2) {
  const int want[][3] = {{1, 1, 1}, {3, 1, 1}, {5, 1, 1}};
  expect_types("SO(3)", "V**2", 3, want);
}

/* Clebsch-Gordan: l (x) 1 = (l-1) + l + (l+1), 0 (x) 1 = 1; the
 * multiplicities of V**n computed by that recurrence. */
Test(decomp, so3_tensor_powers_match_clebsch_gordan) {
  weyl_group *g = builtin("SO(3)");
  long m[8] = {0, 1}; /* V = spin 1 */
  for (int n = 2; n <= 4; n++) {
    long next[8] = {0};
    for (int l = 0; l < 7; l++) {
      if (l > 0) next[l - 1] += m[l], next[l] += m[l];
      next[l + 1] += m[l];
    }
    memcpy(m, next, sizeof m);
    char expr[16];
    snprintf(expr, sizeof expr, "V**%d", n);
    weyl_rep *r = parse(g, expr);
    weyl_decomp *d = decompose(r);
    int t = 0;
    for (int l = 0; l < 8; l++) {
      if (!m[l]) continue;
      cr_assert_eq(weyl_decomp_type_dim(d, t), 2 * l + 1, "V**%d type %d", n, t);
      cr_assert_eq(weyl_decomp_type_mult(d, t), m[l], "V**%d spin %d: %d copies, CG %ld", n, l,
                   weyl_decomp_type_mult(d, t), m[l]);
      cr_assert_eq(weyl_decomp_type_end(d, t), WEYL_DECOMP_REAL);
      t++;
    }
    cr_assert_eq(weyl_decomp_ntypes(d), t);
    weyl_decomp_free(d), weyl_rep_free(r);
  }
  weyl_group_free(g);
}

Test(decomp, so3_cube_is_1x1_3x3_5x2_7x1) {
  const int want[][3] = {{1, 1, 1}, {3, 3, 1}, {5, 2, 1}, {7, 1, 1}};
  expect_types("SO(3)", "V**3", 4, want);
}

/* SO(4): V (x) V = 1 + (self-dual 3 + anti-self-dual 3) + traceless symmetric 9. */
Test(decomp, so4_square_is_1_3_3_9) {
  const int want[][3] = {{1, 1, 1}, {3, 1, 1}, {3, 1, 1}, {9, 1, 1}};
  expect_types("SO(4)", "V**2", 4, want);
}

/* The rotation of the plane is irreducible over R with End = C. */
Test(decomp, so2_vector_is_one_complex_type) {
  const int want[][3] = {{2, 1, 2}};
  expect_types("SO(2)", "V", 1, want);
  /* V + V**2 = 2 trivial + rot(1) + rot(2): two non-isomorphic complex types */
  const int want2[][3] = {{1, 2, 1}, {2, 1, 2}, {2, 1, 2}};
  expect_types("SO(2)", "V + V**2", 3, want2);
}

/* SU(2) on C^2 as R^4: the spin-1/2 rep is quaternionic (End = H). */
Test(decomp, su2_vector_is_quaternionic) {
  const int want[][3] = {{4, 1, 4}};
  expect_types("SU(2)", "V", 1, want);
  cr_assert_str_eq(weyl_decomp_kind_name(4), "quaternionic");
  cr_assert_str_eq(weyl_decomp_kind_name(3), "reducible");
}

/* Q^T Q = I and Q^T X_a Q = blockdiag(rho_t(X_a)) over the copies, with
 * plain loops, relative to |X_a|. */
static void expect_block_diagonal(const char *group, const char *expr) {
  weyl_group *g = builtin(group);
  weyl_rep *r = parse(g, expr);
  weyl_decomp *d = decompose(r);
  int n = weyl_rep_dim(r), na = weyl_group_nalg(g);
  size_t n2 = (size_t)n * n;
  double *Q = malloc(n2 * sizeof *Q), *X = malloc(n2 * sizeof *X), *XQ = malloc(n2 * sizeof *XQ),
         *B = malloc(n2 * sizeof *B), *ref = calloc(n2, sizeof *ref), *m = malloc(n2 * sizeof *m);
  weyl_decomp_change_of_basis(d, Q);
  double orth = 0;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      double s = 0;
      for (int k = 0; k < n; k++) s += Q[k * n + i] * Q[k * n + j];
      orth = fmax(orth, fabs(s - (i == j)));
    }
  cr_expect_lt(orth, 1e-10, "%s %s: |Q^T Q - I| = %g", group, expr, orth);
  for (int a = 0; a < na; a++) {
    cr_assert_eq(weyl_rep_drho(r, a, X), WEYL_OK);
    ref_matmul(X, Q, XQ, n, n, n);
    for (int i = 0; i < n; i++) /* B = Q^T XQ */
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int k = 0; k < n; k++) s += Q[k * n + i] * XQ[k * n + j];
        B[i * n + j] = s;
      }
    memset(ref, 0, n2 * sizeof *ref);
    for (int c = 0; c < weyl_decomp_ncopies(d); c++) {
      int t, c0;
      cr_assert_eq(weyl_decomp_copy(d, c, &t, &c0), WEYL_OK);
      int rr = weyl_decomp_type_dim(d, t);
      cr_assert_eq(weyl_decomp_type_rho(d, t, a, m), WEYL_OK);
      for (int i = 0; i < rr; i++)
        for (int j = 0; j < rr; j++) ref[(size_t)(c0 + i) * n + c0 + j] = m[i * rr + j];
    }
    double diff = 0;
    for (size_t e = 0; e < n2; e++) diff += (B[e] - ref[e]) * (B[e] - ref[e]);
    cr_expect_lt(sqrt(diff), 1e-9 * ref_norm(X, n2), "%s %s generator %d: off-block %g", group,
                 expr, a, sqrt(diff));
  }
  cr_expect_eq(weyl_decomp_copy(d, weyl_decomp_ncopies(d), NULL, NULL), WEYL_EINVAL);
  cr_expect_eq(weyl_decomp_type_rho(d, 0, na, m), WEYL_EINVAL);
  free(Q), free(X), free(XQ), free(B), free(ref), free(m);
  weyl_decomp_free(d), weyl_rep_free(r), weyl_group_free(g);
}

Test(decomp, change_of_basis_is_orthogonal_and_block_diagonal) {
  expect_block_diagonal("SO(3)", "V**2");
  expect_block_diagonal("SO(3)", "V**3");
  expect_block_diagonal("SO(3)", "2*V + V**2");
  expect_block_diagonal("SO(4)", "V**2");
  expect_block_diagonal("SO(2)", "V + V**2");
  expect_block_diagonal("SU(2)", "V**2");
  expect_block_diagonal("SO(5)", "V**2");
}

/* Schur's lemma: sum m_in m_out dim End equals the dense solver's dimension. */
static void expect_predicted(const char *group, const char *in_expr, const char *out_expr) {
  weyl_group *g = builtin(group);
  weyl_rep *in = parse(g, in_expr), *out = parse(g, out_expr);
  weyl_decomp *di = decompose(in), *dout = decompose(out);
  long predicted = -1;
  cr_assert_eq(weyl_decomp_hom_dim(di, dout, &predicted), WEYL_OK);
  weyl_basis_opts o = {.solver = WEYL_BASIS_SOLVER_DENSE};
  weyl_basis *b = NULL;
  cr_assert_eq(weyl_basis_solve(in, out, &o, &b), WEYL_OK, "%s", weyl_status_last_error());
  cr_expect_eq(predicted, weyl_basis_dim(b), "%s %s -> %s: predicted %ld, dense %d", group,
               in_expr, out_expr, predicted, weyl_basis_dim(b));
  weyl_basis_free(b);
  weyl_decomp_free(di), weyl_decomp_free(dout);
  weyl_rep_free(in), weyl_rep_free(out), weyl_group_free(g);
}

Test(decomp, predicted_dimension_equals_dense_solve) {
  expect_predicted("SO(3)", "V**2", "V**2");
  expect_predicted("SO(3)", "V**3", "V**2");
  expect_predicted("SO(3)", "V**3", "V + Scalar");
  expect_predicted("SO(2)", "V + V**2", "V**3");
  expect_predicted("SO(4)", "V**2", "V**2 + V");
  expect_predicted("SU(2)", "V", "V**2");
  expect_predicted("U(2)", "V + V**2", "V**2");
  expect_predicted("SO(5)", "V**2", "V**2");
}

Test(decomp, finite_and_noncompact_groups_are_refused) {
  const char *cases[][2] = {{"S(3)", "V"}, {"SO(1,3)", "V"}, {"O(3)", "V"}};
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    weyl_group *g = builtin(cases[k][0]);
    weyl_rep *r = parse(g, cases[k][1]);
    weyl_decomp *d = NULL;
    cr_assert_eq(weyl_decomp_new(r, &d), WEYL_EINVAL, "%s", cases[k][0]);
    cr_assert_null(d);
    cr_assert(strstr(weyl_status_last_error(), "compact Lie algebra"), "%s",
              weyl_status_last_error());
    weyl_rep_free(r), weyl_group_free(g);
  }
}

/* The program: pieces named, and --explain's prediction line. */
static char *run(const char *args) {
  char cmd[512];
  snprintf(cmd, sizeof cmd, "'%s' %s 2>&1", WEYL_CLI_PATH, args);
  FILE *p = popen(cmd, "r");
  cr_assert_not_null(p);
  char *out = calloc(1, 16384);
  out[fread(out, 1, 16383, p)] = '\0';
  int rc = pclose(p);
  cr_assert_eq(rc, 0, "%s: %s", args, out);
  return out;
}

Test(decomp, cli_prints_pieces_and_explain_prediction) {
  char *out = run("decompose --group 'SO(3)' --rep 'V**3'");
  cr_expect(strstr(out, "dimension 27 = 4 irreducible types, 7 copies"), "%s", out);
  cr_expect(strstr(out, "spin 1       3     3  real"), "%s", out);
  cr_expect(strstr(out, "spin 3       7     1  real"), "%s", out);
  free(out);
  out = run("decompose --group 'SO(4)' --rep 'V**2'");
  cr_expect(strstr(out, "3a ") && strstr(out, "3b "), "%s", out);
  free(out);
  out = run("basis --group 'SO(3)' --in 'V**3' --out 'V**2' --solver dense --explain");
  cr_expect(strstr(out, "predicted dimension from the decomposition: 6 (sum over types of m_in "
                        "* m_out * dim End); found: 6"), "%s", out);
  cr_expect(!strstr(out, "warning"), "%s", out);
  free(out);
  /* --rtol 0.5 cuts real constraints as noise: too large a dimension, the warning */
  out = run("basis --group 'SO(3)' --in 'V**3' --out 'V**2' --solver dense --rtol 0.5 --explain");
  cr_expect(strstr(out, "weyl: warning: the decomposition predicts dimension 6"), "%s", out);
  free(out);
}
