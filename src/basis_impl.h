/* Internal layout of bases (basis.c, basis_solve.c, basis_canon.c). */
#ifndef WEYL_BASIS_IMPL_H
#define WEYL_BASIS_IMPL_H

#include "weyl/basis.h"

/* One solved Hom(in_j, out_i), shared by every copy of the same pair.
 * Exactly one of orbit / mats is set:
 *   orbit[e] = the element whose indicator is 1 at entry e (e = i*in + j), -1 if none;
 *   mats     = dim matrices of out_dim x in_dim, orthonormal. */
typedef struct {
  int out_dim, in_dim, dim;
  int *orbit;
  double *mats;
  double *norm2;       /* |B_k|_F^2 */
  double min_kept;     /* relative singular values around the cut (dense only) */
  double max_dropped;
  char *key;           /* "in->out" canonical text, for reuse */
} weyl_block;

/* Where a solved block sits in the full W, and its first parameter index. */
typedef struct {
  int row0, col0;
  int block;
  int param0;
} weyl_place;

struct weyl_basis {
  int in_dim, out_dim, dim;
  int n_blocks;
  weyl_block *blocks;
  int n_places;
  weyl_place *places; /* only blocks with dim > 0, ordered by param0 */
  weyl_basis_report report;
};

/* Solves one block by orbits (both reps permutation reps) or by SVD. */
weyl_status weyl_block_solve_orbit(const weyl_rep *in, const weyl_rep *out, size_t max_bytes,
                                   weyl_block *blk);
weyl_status weyl_block_solve_dense(const weyl_rep *in, const weyl_rep *out, double rtol,
                                   size_t max_bytes, weyl_block *blk);
void weyl_block_clear(weyl_block *blk);

/* Fills b->report (all but seconds) from the solved blocks. */
void weyl_basis_summarize(weyl_basis *b);

#endif
