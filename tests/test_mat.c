/* The dense-matrix helpers (core/mat.h) against plain loops and closed
 * forms. Matrices sit in buffers wider than they are (leading dimension >
 * columns) filled with a sentinel, so that a helper reading or writing past
 * a row shows. */
#include <criterion/criterion.h>
#include <math.h>

#include "core/mat.h"

#define SENTINEL -777.0

static void fill(double *buf, size_t n, double v) {
  for (size_t i = 0; i < n; i++)
    buf[i] = v;
}

/* Deterministic entries in [-1, 1) that are not symmetric in i and j. */
static double entry(int i, int j, int salt) {
  return fmod(0.37 * (i + 1) * (salt + 2) + 0.61 * (j + 1) * (j + salt) + 0.05 * i * j, 2.0) - 1.0;
}

/* Every padding entry (columns cols..ld-1 of rows 0..rows-1) still holds
 * the sentinel. */
static void expect_padding(const double *a, int rows, int cols, int ld) {
  for (int i = 0; i < rows; i++)
    for (int j = cols; j < ld; j++)
      cr_expect_eq(a[i * ld + j], SENTINEL, "padding (%d, %d) was written", i, j);
}

Test(mat, transpose_puts_entry_ij_at_ji_with_leading_dimensions) {
  enum { R = 3, C = 4, LDA = 6, LDO = 5 };
  double a[R * LDA], out[C * LDO];
  fill(a, R * LDA, SENTINEL), fill(out, C * LDO, SENTINEL);
  for (int i = 0; i < R; i++)
    for (int j = 0; j < C; j++)
      a[i * LDA + j] = 10 * i + j;
  weyl_mat_transpose(R, C, a, LDA, out, LDO);
  for (int i = 0; i < R; i++)
    for (int j = 0; j < C; j++)
      cr_expect_eq(out[j * LDO + i], 10 * i + j, "(%d, %d)", j, i);
  expect_padding(out, C, R, LDO);
}

Test(mat, square_transpose_in_place_swaps_ij_and_ji_and_keeps_padding) {
  enum { N = 4, LDA = 7 };
  double a[N * LDA];
  fill(a, N * LDA, SENTINEL);
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++)
      a[i * LDA + j] = 10 * i + j;
  weyl_mat_transpose_square(N, a, LDA);
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++)
      cr_expect_eq(a[i * LDA + j], 10 * j + i, "(%d, %d)", i, j);
  expect_padding(a, N, N, LDA);
}

/* op(A) op(B) for every choice of transposes, against the triple loop. */
Test(mat, product_equals_plain_loop_product_for_each_transpose) {
  enum { M = 3, N = 5, K = 4, LD = 8, ROWS = 5 }; /* ROWS: the most rows of a, b, c */
  double a[ROWS * LD], b[ROWS * LD], c[ROWS * LD];
  for (int ta = 0; ta < 2; ta++)
    for (int tb = 0; tb < 2; tb++) {
      fill(a, ROWS * LD, SENTINEL), fill(b, ROWS * LD, SENTINEL), fill(c, ROWS * LD, SENTINEL);
      int ar = ta ? K : M, ac = ta ? M : K, br = tb ? N : K, bc = tb ? K : N;
      for (int i = 0; i < ar; i++)
        for (int j = 0; j < ac; j++)
          a[i * LD + j] = entry(i, j, 1);
      for (int i = 0; i < br; i++)
        for (int j = 0; j < bc; j++)
          b[i * LD + j] = entry(i, j, 2);
      weyl_mat_mul(ta, tb, M, N, K, a, LD, b, LD, c, LD);
      for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
          double s = 0;
          for (int k = 0; k < K; k++)
            s += (ta ? a[k * LD + i] : a[i * LD + k]) * (tb ? b[j * LD + k] : b[k * LD + j]);
          cr_expect(fabs(c[i * LD + j] - s) < 1e-14, "ta %d tb %d (%d, %d): %.17g vs %.17g", ta, tb,
                    i, j, c[i * LD + j], s);
        }
      expect_padding(c, M, N, LD);
    }
}

/* Rows r1 = [1 2 0 3], r2 = [0 0 1 4] and 2 r1 + 3 r2, shuffled: rank 2,
 * reduced form [r1; r2; 0]. */
Test(mat, rref_of_rank_two_matrix_is_its_known_reduced_form) {
  enum { R = 3, C = 4, LD = 5 };
  double a[R * LD] = {2, 4, 3, 18, SENTINEL, 0, 0, 1, 4, SENTINEL, 1, 2, 0, 3, SENTINEL};
  const double want[R][C] = {{1, 2, 0, 3}, {0, 0, 1, 4}, {0, 0, 0, 0}};
  weyl_mat_rref(R, C, a, LD);
  for (int i = 0; i < R; i++)
    for (int j = 0; j < C; j++)
      cr_expect(fabs(a[i * LD + j] - want[i][j]) < 1e-14, "(%d, %d): %.17g vs %g", i, j,
                a[i * LD + j], want[i][j]);
  expect_padding(a, R, C, LD);
}

/* The span of [1 1 1] and [0 1 1] has the reduced rows [1 0 0], [0 1 1]:
 * the single non-zero row comes first, then the two-entry one. */
Test(mat, canonical_rows_are_reduced_form_sparsest_first) {
  enum { R = 2, C = 3, LD = 4 };
  double a[R * LD] = {0, 2, 2, SENTINEL, 3, 3, 3, SENTINEL}, tmp[C];
  weyl_mat_rows_canonical(R, C, a, LD, tmp);
  const double want[R][C] = {{1, 0, 0}, {0, 1, 1}};
  for (int i = 0; i < R; i++)
    for (int j = 0; j < C; j++)
      cr_expect(fabs(a[i * LD + j] - want[i][j]) < 1e-14, "(%d, %d): %.17g", i, j, a[i * LD + j]);
  expect_padding(a, R, C, LD);
}

Test(mat, sparsest_first_sort_is_stable) {
  enum { R = 4, C = 3, LD = 3 };
  double a[R * LD] = {1, 1, 1, 0, 2, 3, 0, 0, 4, 5, 6, 0}, tmp[C];
  weyl_mat_rows_sparsest_first(R, C, a, LD, tmp);
  const double want[R * LD] = {0, 0, 4, 0, 2, 3, 5, 6, 0, 1, 1, 1};
  for (int e = 0; e < R * LD; e++)
    cr_expect_eq(a[e], want[e], "entry %d", e);
}

/* Gram-Schmidt of [1 1 0], [1 0 1]: [1 1 0]/sqrt 2 and [1 -1 2]/sqrt 6. */
Test(mat, gram_schmidt_rows_are_the_hand_computed_orthonormal_pair) {
  enum { R = 2, C = 3, LD = 5 };
  double a[R * LD] = {1, 1, 0, SENTINEL, SENTINEL, 1, 0, 1, SENTINEL, SENTINEL};
  weyl_mat_rows_orthonormal(R, C, a, LD);
  const double want[R][C] = {{1 / sqrt(2), 1 / sqrt(2), 0},
                             {1 / sqrt(6), -1 / sqrt(6), 2 / sqrt(6)}};
  for (int i = 0; i < R; i++)
    for (int j = 0; j < C; j++)
      cr_expect(fabs(a[i * LD + j] - want[i][j]) < 1e-15, "(%d, %d): %.17g", i, j, a[i * LD + j]);
  expect_padding(a, R, C, LD);
}

/* diag(1, 1e-3, 4): |A| = 4, |A^-1| = 1000 in both norms, cond 4000. */
Test(mat, condition_of_diagonal_is_ratio_of_extreme_entries) {
  enum { N = 3, LD = 4 };
  double a[N * LD], rcond = -1;
  fill(a, N * LD, SENTINEL);
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++)
      a[i * LD + j] = 0;
  a[0] = 1, a[LD + 1] = 1e-3, a[2 * LD + 2] = 4;
  cr_assert_eq(weyl_mat_rcond_estimate('1', N, a, LD, &rcond), WEYL_OK);
  cr_expect(fabs(1 / rcond - 4000) < 1e-9, "cond %.17g", 1 / rcond);
  cr_assert_eq(weyl_mat_rcond_estimate('I', N, a, LD, &rcond), WEYL_OK);
  cr_expect(fabs(1 / rcond - 4000) < 1e-9, "cond %.17g", 1 / rcond);
}

/* A = [[1 1 1], [0 1 0], [0 0 1]], A^-1 = [[1 -1 -1], [0 1 0], [0 0 1]]:
 * column sums 1 2 2 for both, row sums 3 1 1 for both, so cond_1 = 2 * 2 = 4
 * and cond_inf = 3 * 3 = 9; the norms are told apart. */
Test(mat, condition_of_unit_triangular_matches_closed_form_inverse_per_norm) {
  enum { N = 3, LD = 5 };
  double a[N * LD] = {1,        1,        1, SENTINEL, SENTINEL, 0,        1,       0,
                      SENTINEL, SENTINEL, 0, 0,        1,        SENTINEL, SENTINEL};
  double rcond = -1;
  cr_assert_eq(weyl_mat_rcond_estimate('1', N, a, LD, &rcond), WEYL_OK);
  cr_expect(fabs(1 / rcond - 4) < 1e-12, "cond_1 %.17g", 1 / rcond);
  cr_assert_eq(weyl_mat_rcond_estimate('I', N, a, LD, &rcond), WEYL_OK);
  cr_expect(fabs(1 / rcond - 9) < 1e-12, "cond_inf %.17g", 1 / rcond);
  cr_expect_eq(a[1], 1, "a is not modified");
}

Test(mat, condition_of_matrix_with_zero_pivot_is_infinite) {
  double a[4] = {1, 2, 2, 4}, rcond = -1;
  cr_assert_eq(weyl_mat_rcond_estimate('1', 2, a, 2, &rcond), WEYL_OK);
  cr_expect_eq(rcond, 0.0);
}

Test(mat, condition_estimate_rejects_a_norm_other_than_1_or_I) {
  double a[1] = {1}, rcond = -1;
  cr_expect_eq(weyl_mat_rcond_estimate('F', 1, a, 1, &rcond), WEYL_EINVAL);
  cr_expect_eq(rcond, 0.0);
}

/* Rotation by 0.7 rad: R^T R = I up to rounding. */
Test(mat, orthogonality_defect_of_rotation_is_rounding) {
  enum { LD = 3 };
  double c = cos(0.7), s = sin(0.7);
  double r[2 * LD] = {c, -s, SENTINEL, s, c, SENTINEL};
  cr_expect(weyl_mat_orth_defect(2, r, LD) < 1e-15);
}

/* (t R)^T (t R) - I = (t^2 - 1) I: defect |t^2 - 1| = 3 for t = 2. */
Test(mat, orthogonality_defect_of_scaled_rotation_is_t_squared_minus_one) {
  enum { LD = 4 };
  double c = 2 * cos(0.7), s = 2 * sin(0.7);
  double r[2 * LD] = {c, -s, SENTINEL, SENTINEL, s, c, SENTINEL, SENTINEL};
  cr_expect(fabs(weyl_mat_orth_defect(2, r, LD) - 3) < 1e-14, "%.17g",
            weyl_mat_orth_defect(2, r, LD));
  r[0] = NAN;
  cr_expect(isinf(weyl_mat_orth_defect(2, r, LD)), "NaN entries: not orthogonal");
}

/* G = B B^T + I (positive definite): L lower with L L^T = G, and
 * G (L^-T L^-1) = I, both by plain loops. */
Test(mat, cholesky_factor_reproduces_g_and_its_inverse_inverts_g) {
  enum { N = 4, LD = 6 };
  double g[N][N], l[N * LD], linv[N * LD];
  fill(l, N * LD, SENTINEL), fill(linv, N * LD, SENTINEL);
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      g[i][j] = i == j;
      for (int k = 0; k < N; k++)
        g[i][j] += entry(i, k, 3) * entry(j, k, 3);
      l[i * LD + j] = g[i][j];
    }
  cr_assert_eq(weyl_mat_cholesky_inverse(N, l, LD, linv, LD), WEYL_OK);
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      double llt = 0, ginv = 0, id = 0;
      for (int k = 0; k < N; k++)
        llt += l[i * LD + k] * l[j * LD + k];
      for (int k = 0; k < N; k++) { /* (G L^-T L^-1)_ij */
        ginv = 0;
        for (int m = 0; m < N; m++)
          ginv += linv[m * LD + k] * linv[m * LD + j];
        id += g[i][k] * ginv;
      }
      cr_expect(fabs(llt - g[i][j]) < 1e-13, "L L^T (%d, %d): %.17g vs %.17g", i, j, llt, g[i][j]);
      cr_expect(fabs(id - (i == j)) < 1e-13, "G G^-1 (%d, %d): %.17g", i, j, id);
      if (j > i)
        cr_expect_eq(l[i * LD + j], 0.0, "L upper (%d, %d)", i, j);
    }
  expect_padding(l, N, N, LD);
  expect_padding(linv, N, N, LD);
}

Test(mat, cholesky_of_indefinite_matrix_is_a_numeric_failure) {
  double g[4] = {1, 2, 2, 1}, linv[4]; /* eigenvalues 3 and -1 */
  cr_expect_eq(weyl_mat_cholesky_inverse(2, g, 2, linv, 2), WEYL_ENUMERIC);
}
