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
  weyl_solver path;    /* ORBIT, DENSE or ITERATIVE: how it was solved */
  int uses;            /* places (copies of the pair) that share it */
  double seconds;      /* wall time of its solve */
  double residual;     /* largest relative constraint residual checked (iterative) */
  size_t peak_bytes;   /* estimated peak working set of its solve */
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
  double rtol;        /* the rank tolerance the blocks were solved with */
  weyl_basis_report report;
};

/* Solves one block by orbits (both reps permutation reps) or by SVD. */
weyl_status weyl_block_solve_orbit(const weyl_rep *in, const weyl_rep *out, size_t max_bytes,
                                   weyl_block *blk);
weyl_status weyl_block_solve_dense(const weyl_rep *in, const weyl_rep *out, double rtol,
                                   size_t max_bytes, weyl_block *blk);
/* The structured path (basis_iter.c). When no generator acts by a normal
 * matrix on both sides the path does not apply: *applicable is set to 0 and
 * WEYL_EINVAL returned, so that auto can fall back to dense. */
weyl_status weyl_block_solve_iter(const weyl_rep *in, const weyl_rep *out,
                                  const weyl_solve_opts *o, weyl_block *blk, int *applicable);
void weyl_block_clear(weyl_block *blk);
/* Frees what a solve put in blk but keeps its key and use count. */
void weyl_block_clear_results(weyl_block *blk);

/* Generator k of r as a dense matrix: discrete generators first, then the
 * algebra generators (drho). */
weyl_status weyl_block_gen(const weyl_rep *r, int k, double *m);

/* Nullspace of the column-major m x n matrix C (m >= n >= 1, overwritten)
 * into blk->dim / mats (n-vectors) / norm2 / min_kept / max_dropped; singular
 * values are taken relative to ref, or to the largest one when ref <= 0. */
weyl_status weyl_nullspace_qr(double *C, size_t m, int n, double rtol, double ref,
                              weyl_block *blk);

/* Rows of A (r x n) to reduced row echelon form, sparsest row first; tmp
 * holds n doubles. Spans the same space. */
void weyl_rows_canonical(double *A, int r, int n, double *tmp);
/* Gram-Schmidt on the rows of A, in order. */
void weyl_rows_orthonormal(double *A, int r, int n);

/* Fills b->report (all but seconds) from the solved blocks. */
void weyl_basis_summarize(weyl_basis *b);

#endif
