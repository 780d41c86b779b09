/* A canonical basis for people to read: reduced row echelon form per block. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "basis/basis_impl.h"
#include "core/status_impl.h"

enum { CANON_LIMIT = 50 * 1000 * 1000 }; /* numbers in the expanded output */

/* Gauss-Jordan on the rows of A (r x n) with partial pivoting; afterwards
 * every row has a 1 in its pivot column and the other rows 0 there. */
static void rref(double *A, int r, int n) {
  double scale = 0;
  for (size_t i = 0; i < (size_t)r * n; i++) scale = fmax(scale, fabs(A[i]));
  double tol = 1e-9 * scale;
  int row = 0;
  for (int c = 0; c < n && row < r; c++) {
    int p = row;
    for (int i = row + 1; i < r; i++)
      if (fabs(A[(size_t)i * n + c]) > fabs(A[(size_t)p * n + c])) p = i;
    if (fabs(A[(size_t)p * n + c]) <= tol) continue;
    for (int j = 0; j < n && p != row; j++) {
      double t = A[(size_t)p * n + j];
      A[(size_t)p * n + j] = A[(size_t)row * n + j];
      A[(size_t)row * n + j] = t;
    }
    double piv = A[(size_t)row * n + c];
    for (int j = 0; j < n; j++) A[(size_t)row * n + j] /= piv;
    for (int i = 0; i < r; i++) {
      double f = A[(size_t)i * n + c];
      if (i == row || f == 0) continue;
      for (int j = 0; j < n; j++) A[(size_t)i * n + j] -= f * A[(size_t)row * n + j];
    }
    row++;
  }
  for (size_t i = 0; i < (size_t)r * n; i++)
    if (fabs(A[i]) < 1e-12) A[i] = 0.0;
}

static int nonzeros(const double *v, int n) {
  int c = 0;
  for (int i = 0; i < n; i++) c += v[i] != 0.0;
  return c;
}

/* Stable insertion sort of the rows by their number of non-zeros. */
static void sparsest_first(double *A, int r, int n, double *tmp) {
  for (int i = 1; i < r; i++) {
    memcpy(tmp, A + (size_t)i * n, (size_t)n * sizeof *tmp);
    int nz = nonzeros(tmp, n), j = i;
    while (j > 0 && nonzeros(A + (size_t)(j - 1) * n, n) > nz) {
      memcpy(A + (size_t)j * n, A + (size_t)(j - 1) * n, (size_t)n * sizeof *A);
      j--;
    }
    memcpy(A + (size_t)j * n, tmp, (size_t)n * sizeof *tmp);
  }
}

void weyl_rows_canonical(double *A, int r, int n, double *tmp) {
  rref(A, r, n);
  sparsest_first(A, r, n, tmp);
}

/* Modified Gram-Schmidt, in row order, so a sparse first row stays sparse. */
void weyl_rows_orthonormal(double *A, int r, int n) {
  for (int i = 0; i < r; i++) {
    double *a = A + (size_t)i * n;
    for (int j = 0; j < i; j++) {
      const double *q = A + (size_t)j * n;
      double dot = 0;
      for (int e = 0; e < n; e++) dot += q[e] * a[e];
      for (int e = 0; e < n; e++) a[e] -= dot * q[e];
    }
    double norm = 0;
    for (int e = 0; e < n; e++) norm += a[e] * a[e];
    norm = sqrt(norm);
    for (int e = 0; e < n; e++) a[e] = norm > 0 ? a[e] / norm : 0.0;
  }
}

/* The block's elements in canonical form, dim x (out*in), new array. */
static double *canonical_block(const weyl_block *blk) {
  size_t n = (size_t)blk->out_dim * blk->in_dim;
  double *A = calloc((size_t)blk->dim * n + n, sizeof *A);
  if (!A) return NULL;
  if (blk->orbit) {
    for (size_t e = 0; e < n; e++)
      if (blk->orbit[e] >= 0) A[(size_t)blk->orbit[e] * n + e] = 1.0;
  } else {
    memcpy(A, blk->mats, (size_t)blk->dim * n * sizeof *A);
    rref(A, blk->dim, (int)n);
  }
  sparsest_first(A, blk->dim, (int)n, A + (size_t)blk->dim * n);
  return A;
}

weyl_status weyl_basis_canonical(const weyl_basis *b, double **mats, int *dim) {
  if (!b || !mats || !dim) return weyl_fail(WEYL_EINVAL, "weyl_basis_canonical: NULL argument");
  size_t full = (size_t)b->out_dim * b->in_dim;
  if ((double)full * b->dim > CANON_LIMIT)
    return weyl_fail(WEYL_ELIMIT, "canonical basis would hold %.3g numbers (limit %d)",
                     (double)full * b->dim, CANON_LIMIT);
  double *out = calloc(full * b->dim + 1, sizeof *out);
  double **canon = calloc((size_t)b->n_blocks + 1, sizeof *canon);
  weyl_status s = out && canon ? WEYL_OK : weyl_fail(WEYL_ENOMEM, "out of memory");
  for (int i = 0; s == WEYL_OK && i < b->n_blocks; i++)
    if (b->blocks[i].dim > 0 && !(canon[i] = canonical_block(&b->blocks[i])))
      s = weyl_fail(WEYL_ENOMEM, "out of memory");
  for (int p = 0; s == WEYL_OK && p < b->n_places; p++) {
    const weyl_place *pl = &b->places[p];
    const weyl_block *blk = &b->blocks[pl->block];
    size_t n = (size_t)blk->out_dim * blk->in_dim;
    for (int k = 0; k < blk->dim; k++)
      for (size_t e = 0; e < n; e++) {
        size_t i = e / blk->in_dim, j = e % blk->in_dim;
        out[(size_t)(pl->param0 + k) * full + (pl->row0 + i) * b->in_dim + pl->col0 + j] =
            canon[pl->block][(size_t)k * n + e];
      }
  }
  for (int i = 0; canon && i < b->n_blocks; i++) free(canon[i]);
  free(canon);
  if (s != WEYL_OK) {
    free(out);
    return s;
  }
  *mats = out;
  *dim = b->dim;
  return WEYL_OK;
}

void weyl_basis_canonical_free(double *mats) { free(mats); }
