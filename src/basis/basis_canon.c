/* A canonical basis for people to read: reduced row echelon form per block. */
#include <stdlib.h>
#include <string.h>

#include "basis/basis_impl.h"
#include "core/mat.h"
#include "core/status_impl.h"

enum { CANON_LIMIT = 50 * 1000 * 1000 }; /* numbers in the expanded output */

/* The block's elements in canonical form, dim x (out*in), new array. */
static double *canonical_block(const weyl_block *blk) {
  size_t n = (size_t)blk->out_dim * blk->in_dim;
  double *A = calloc((size_t)blk->dim * n + n, sizeof *A);
  if (!A) return NULL;
  if (blk->orbit) {
    for (size_t e = 0; e < n; e++)
      if (blk->orbit[e] >= 0) A[(size_t)blk->orbit[e] * n + e] = 1.0;
  } else {
    if (blk->fac) {
      for (int k = 0; k < blk->dim; k++)
        if (weyl_block_iso_element(blk, k, A + (size_t)k * n, blk->in_dim) != WEYL_OK) {
          free(A);
          return NULL;
        }
    } else {
      memcpy(A, blk->mats, (size_t)blk->dim * n * sizeof *A);
    }
    weyl_mat_rref(blk->dim, (int)n, A, (int)n);
  }
  weyl_mat_rows_sparsest_first(blk->dim, (int)n, A, (int)n, A + (size_t)blk->dim * n);
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
