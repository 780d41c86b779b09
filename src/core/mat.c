/* Dense-matrix helpers (mat.h): row-major, explicit leading dimensions. */
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/mat.h"
#include "core/status_impl.h"

#define AT(a, ld, i, j) ((a)[(size_t)(i) * (size_t)(ld) + (size_t)(j)])

void weyl_mat_transpose(int rows, int cols, const double *a, int lda, double *out, int ldo) {
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < cols; j++)
      AT(out, ldo, j, i) = AT(a, lda, i, j);
}

void weyl_mat_transpose_square(int n, double *a, int lda) {
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++) {
      double t = AT(a, lda, i, j);
      AT(a, lda, i, j) = AT(a, lda, j, i);
      AT(a, lda, j, i) = t;
    }
}

void weyl_mat_mul(int ta, int tb, int m, int n, int k, const double *a, int lda, const double *b,
                  int ldb, double *c, int ldc) {
  cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n,
              k, 1.0, a, lda, b, ldb, 0.0, c, ldc);
}

/* ---------- echelon forms ---------- */

static void swap_rows(int cols, double *a, int lda, int p, int q) {
  for (int j = 0; j < cols; j++) {
    double t = AT(a, lda, p, j);
    AT(a, lda, p, j) = AT(a, lda, q, j);
    AT(a, lda, q, j) = t;
  }
}

void weyl_mat_rref(int rows, int cols, double *a, int lda) {
  double scale = 0;
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < cols; j++)
      scale = fmax(scale, fabs(AT(a, lda, i, j)));
  double tol = 1e-9 * scale;
  int row = 0;
  for (int c = 0; c < cols && row < rows; c++) {
    int p = row;
    for (int i = row + 1; i < rows; i++)
      if (fabs(AT(a, lda, i, c)) > fabs(AT(a, lda, p, c)))
        p = i;
    if (fabs(AT(a, lda, p, c)) <= tol)
      continue;
    if (p != row)
      swap_rows(cols, a, lda, p, row);
    double piv = AT(a, lda, row, c);
    for (int j = 0; j < cols; j++)
      AT(a, lda, row, j) /= piv;
    for (int i = 0; i < rows; i++) {
      double f = AT(a, lda, i, c);
      if (i == row || f == 0)
        continue;
      for (int j = 0; j < cols; j++)
        AT(a, lda, i, j) -= f * AT(a, lda, row, j);
    }
    row++;
  }
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < cols; j++)
      if (fabs(AT(a, lda, i, j)) < 1e-12)
        AT(a, lda, i, j) = 0.0;
}

static int nonzeros(const double *v, int n) {
  int c = 0;
  for (int i = 0; i < n; i++)
    c += v[i] != 0.0;
  return c;
}

void weyl_mat_rows_sparsest_first(int rows, int cols, double *a, int lda, double *tmp) {
  size_t bytes = (size_t)cols * sizeof *tmp;
  for (int i = 1; i < rows; i++) {
    memcpy(tmp, &AT(a, lda, i, 0), bytes);
    int nz = nonzeros(tmp, cols), j = i;
    while (j > 0 && nonzeros(&AT(a, lda, j - 1, 0), cols) > nz) {
      memcpy(&AT(a, lda, j, 0), &AT(a, lda, j - 1, 0), bytes);
      j--;
    }
    memcpy(&AT(a, lda, j, 0), tmp, bytes);
  }
}

void weyl_mat_rows_canonical(int rows, int cols, double *a, int lda, double *tmp) {
  weyl_mat_rref(rows, cols, a, lda);
  weyl_mat_rows_sparsest_first(rows, cols, a, lda, tmp);
}

void weyl_mat_rows_orthonormal(int rows, int cols, double *a, int lda) {
  for (int i = 0; i < rows; i++) {
    double *v = &AT(a, lda, i, 0);
    for (int j = 0; j < i; j++) {
      const double *q = &AT(a, lda, j, 0);
      double dot = 0;
      for (int e = 0; e < cols; e++)
        dot += q[e] * v[e];
      for (int e = 0; e < cols; e++)
        v[e] -= dot * q[e];
    }
    double norm = 0;
    for (int e = 0; e < cols; e++)
      norm += v[e] * v[e];
    norm = sqrt(norm);
    for (int e = 0; e < cols; e++)
      v[e] = norm > 0 ? v[e] / norm : 0.0;
  }
}

/* ---------- LAPACK ---------- */

/* The LU and the estimate work on the row-major a read as column-major,
 * that is on a^T, with no transposition: a's 1-norm is a^T's infinity norm
 * (and the other way round), and so are the condition numbers. LAPACKE's
 * row-major interface would transpose a copy and factor a instead: another
 * LU, whose estimate need not agree to the last bit with the one the
 * callers have always reported. */
weyl_status weyl_mat_rcond_estimate(char norm, int n, const double *a, int lda, double *rcond) {
  *rcond = 0;
  if (norm != '1' && norm != 'I')
    return weyl_fail(WEYL_EINVAL, "condition estimate: norm '%c' is not '1' or 'I'", norm);
  char norm_t = norm == '1' ? 'I' : '1';
  double *lu = malloc((size_t)n * (size_t)n * sizeof *lu + 1);
  lapack_int *ipiv = malloc((size_t)n * sizeof *ipiv + 1), info = 0;
  weyl_status s =
      lu && ipiv ? WEYL_OK : weyl_fail(WEYL_ENOMEM, "out of memory estimating a condition number");
  for (int i = 0; s == WEYL_OK && i < n; i++)
    memcpy(lu + (size_t)i * n, &AT(a, lda, i, 0), (size_t)n * sizeof *lu);
  double anorm = s == WEYL_OK ? LAPACKE_dlange(LAPACK_COL_MAJOR, norm_t, n, n, lu, n) : 0;
  if (s == WEYL_OK && anorm < 0) /* LAPACKE's NaN check */
    s = weyl_fail(WEYL_ENUMERIC, "LAPACK dlange rejected the matrix (NaN entries)");
  if (s == WEYL_OK && (info = LAPACKE_dgetrf(LAPACK_COL_MAJOR, n, n, lu, n, ipiv)) < 0)
    s = weyl_mat_lapack_fail((int)info, "dgetrf");
  /* info > 0 is an exact zero pivot: a is singular, *rcond stays 0. A
   * pivot so small that its multipliers overflow (subnormal entries: 1 /
   * 1e-310) leaves infinities in the factors, which dgecon would reject as
   * NaN input: numerically singular too. */
  for (size_t e = 0; s == WEYL_OK && info == 0 && e < (size_t)n * n; e++)
    if (!isfinite(lu[e])) info = 1;
  if (s == WEYL_OK && info == 0 &&
      (info = LAPACKE_dgecon(LAPACK_COL_MAJOR, norm_t, n, lu, n, anorm, rcond)) < 0)
    s = weyl_mat_lapack_fail((int)info, "dgecon");
  if (s != WEYL_OK || info > 0 || !(*rcond >= 0)) /* dgecon's info > 0: no number */
    *rcond = 0;
  free(lu);
  free(ipiv);
  return s;
}

double weyl_mat_orth_defect(int n, const double *r, int ldr) {
  double *S = malloc((size_t)n * (size_t)n * sizeof *S + 1), worst = 0;
  if (!S)
    return INFINITY; /* unknown: not claimed orthogonal */
  cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, n, n, 1.0, r, ldr, 0.0, S, n);
  for (int i = 0; i < n; i++)
    for (int j = i; j < n; j++) {
      double s = AT(S, n, i, j) - (i == j);
      if (fabs(s) > worst || s != s)
        worst = s != s ? INFINITY : fabs(s);
    }
  free(S);
  return worst;
}

weyl_status weyl_mat_cholesky_inverse(int n, double *l, int ldl, double *linv, int ldlinv) {
  lapack_int info = LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', n, l, ldl);
  if (info > 0)
    return weyl_fail(WEYL_ENUMERIC, "Cholesky: not positive definite (dpotrf info %d)", (int)info);
  if (info < 0)
    return weyl_mat_lapack_fail((int)info, "dpotrf");
  for (int i = 0; i < n; i++) { /* dpotrf leaves g's upper triangle */
    for (int j = i + 1; j < n; j++)
      AT(l, ldl, i, j) = 0.0;
    memcpy(&AT(linv, ldlinv, i, 0), &AT(l, ldl, i, 0), (size_t)n * sizeof *linv);
  }
  info = LAPACKE_dtrtri(LAPACK_ROW_MAJOR, 'L', 'N', n, linv, ldlinv);
  if (info != 0)
    return weyl_fail(WEYL_ENUMERIC, "LAPACK dtrtri failed inverting a Cholesky factor (info %d)",
                     (int)info);
  return WEYL_OK;
}

double weyl_mat_norm2_bound(int n, const double *a, int lda) {
  double r = 0, c = 0;
  for (int i = 0; i < n; i++) {
    double ri = 0, ci = 0;
    for (int j = 0; j < n; j++)
      ri += fabs(a[(size_t)i * lda + j]), ci += fabs(a[(size_t)j * lda + i]);
    r = fmax(r, ri), c = fmax(c, ci);
  }
  return sqrt(r * c);
}

weyl_status weyl_mat_lapack_fail(int info, const char *what) {
  if (info == LAPACK_WORK_MEMORY_ERROR || info == LAPACK_TRANSPOSE_MEMORY_ERROR)
    return weyl_fail(WEYL_ENOMEM, "out of memory in LAPACK %s", what);
  return weyl_fail(WEYL_ENUMERIC, "LAPACK %s failed (info %d)", what, info);
}
