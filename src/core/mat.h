/* Internal: dense-matrix helpers (mat.c), the one place for transposes,
 * products, echelon forms, condition estimates and factorizations.
 *
 * Every matrix is row-major and comes with its rows, columns and leading
 * dimension: entry (i, j) of a rows x cols matrix a is a[i * lda + j], with
 * lda >= cols. Inputs and outputs must not overlap unless a function says
 * it works in place. */
#ifndef WEYL_MAT_H
#define WEYL_MAT_H

#include "weyl/status.h"

/* out = a^T for the rows x cols a; out is cols x rows with leading
 * dimension ldo >= rows. */
void weyl_mat_transpose(int rows, int cols, const double *a, int lda, double *out, int ldo);

/* a = a^T in place for the n x n a. */
void weyl_mat_transpose_square(int n, double *a, int lda);

/* c = op(a) op(b) by cblas_dgemm, op(x) being x, or x^T when the flag ta
 * (tb) is set: c is m x n, op(a) m x k, op(b) k x n; lda and ldb are those
 * of a and b as stored. */
void weyl_mat_mul(int ta, int tb, int m, int n, int k, const double *a, int lda, const double *b,
                  int ldb, double *c, int ldc);

/* Gauss-Jordan with partial pivoting on the rows x cols a, in place: each
 * non-zero row gets a 1 in its pivot column and every other row a 0 there,
 * pivot columns increasing. A pivot counts as zero at or below 1e-9 times
 * the largest |a_ij|; entries below 1e-12 come out as exact zeros. */
void weyl_mat_rref(int rows, int cols, double *a, int lda);

/* Stable sort of the rows of the rows x cols a, fewest non-zero entries
 * first, in place; tmp holds cols doubles. */
void weyl_mat_rows_sparsest_first(int rows, int cols, double *a, int lda, double *tmp);

/* The canonical rows of a basis for people to read: weyl_mat_rref, then
 * weyl_mat_rows_sparsest_first (tmp holds cols doubles). The rows span the
 * same space as before. */
void weyl_mat_rows_canonical(int rows, int cols, double *a, int lda, double *tmp);

/* Modified Gram-Schmidt on the rows of the rows x cols a, in row order, in
 * place (a sparse first row stays sparse); a row in the span of the rows
 * before it becomes 0. */
void weyl_mat_rows_orthonormal(int rows, int cols, double *a, int lda);

/* Estimate of the reciprocal condition number of the n x n a in the norm
 * '1' or 'I' (infinity), from its LU factorization (LAPACK dgetrf, dgecon);
 * a is not modified. *rcond is 0 for an exactly singular a (a zero pivot)
 * and when dgecon finds no number (info > 0: NaN or infinite estimate).
 * Returns WEYL_EINVAL for another norm, WEYL_ENOMEM, or WEYL_ENUMERIC when
 * LAPACK rejects the data (NaN entries), *rcond then being 0. */
weyl_status weyl_mat_rcond_estimate(char norm, int n, const double *a, int lda, double *rcond);

/* max_ij |(r^T r - I)_ij| for the n x n r: 0 for an orthogonal matrix up to
 * rounding; infinity for NaN entries or when out of memory (not known to be
 * orthogonal). */
double weyl_mat_orth_defect(int n, const double *r, int ldr);

/* sqrt(|A|_1 |A|_inf), an upper bound of the spectral norm |A|_2 of the
 * row-major n x n A (equal to it for permutations and diagonal matrices). */
double weyl_mat_norm2_bound(int n, const double *a, int lda);

/* The failure of a LAPACKE call that returned info != 0 (what: "dgees in
 * the iterative solve"): WEYL_ENOMEM when LAPACKE could not allocate its
 * work or transposed copies (info -1010, -1011), else WEYL_ENUMERIC "LAPACK
 * <what> failed (info N)". */
weyl_status weyl_mat_lapack_fail(int info, const char *what);

/* Replaces the symmetric positive definite n x n g, given in l (lower
 * triangle read), by its lower Cholesky factor L (g = L L^T, upper triangle
 * zeroed) and puts L^-1 in linv (LAPACK dpotrf, dtrtri).
 * Returns WEYL_ENUMERIC when g is not numerically positive definite or
 * LAPACK rejects the data; l and linv are undefined then. */
weyl_status weyl_mat_cholesky_inverse(int n, double *l, int ldl, double *linv, int ldlinv);

#endif
