/* Internal layout of bases (basis.c, basis_solve.c, basis_canon.c). Dense
 * row helpers (echelon form, Gram-Schmidt) are in core/mat.h. */
#ifndef WEYL_BASIS_IMPL_H
#define WEYL_BASIS_IMPL_H

#include <stdatomic.h>

#include "weyl/basis.h"
#include "weyl/group.h"

/* Leaf factors computed during one solve (basis_ortho_leaf.c; opaque). */
typedef struct weyl_ortho_cache weyl_ortho_cache;

/* A rep split into invariant pieces (basis_iso.c): Q is n x n column-major,
 * orthonormal; copy c spans columns off[c] .. off[c] + tdim[type[c]] - 1 and
 * the algebra acts on it by the reference matrices trho[type[c]] (ngen
 * row-major r x r matrices): X Q_c = Q_c rho_t(X). tmult[t] copies of type
 * t; types are pieces found from different eigenspaces of the probe Y. */
typedef struct {
  int n, ngen;
  double *Q;
  int ncopies, *off, *type;
  int ntypes, *tdim, *tmult;
  double **trho;
  double residual;             /* largest checked relative invariance residual */
  double scale;                /* max over generators of |X|_F / sqrt(n) */
  double gap_kept, gap_dropped; /* Krylov rank decision: smallest kept, largest dropped */
} weyl_iso;

/* Splits r (*ok = 0 when the path does not apply or the split fails its
 * checks; d is then empty). */
weyl_status weyl_iso_decompose(const weyl_rep *r, weyl_iso *d, int *ok);
void weyl_iso_clear(weyl_iso *d);

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
  weyl_basis_solver path; /* ORBIT, DENSE, ITERATIVE or STABILISER: how it was solved */
  int uses;            /* places (copies of the pair) that share it */
  double seconds;      /* wall time of its solve */
  double residual;     /* largest relative constraint residual checked (iterative) */
  size_t peak_bytes;   /* estimated peak working set of its solve */
  /* Factored (isotypic) blocks, orbit and mats NULL: element k is
   * Q_out[:, fac[4k+1]..] T Q_in[:, fac[4k]..]^T with T the fac[4k+2]-square
   * matrix at facT + fac[4k+3] (weyl_iso Q, column-major). iso_out is
   * NULL when in and out are the same rep (iso_in serves both). */
  weyl_iso *iso_in, *iso_out;
  int *fac;
  double *facT;
  size_t fac_nT; /* doubles in facT */
  /* A factored block's elements as dense matrices (the layout of mats), made
   * on the first weyl_basis_block_data_get (the writers and the cache read
   * that form) and kept; installed with a compare-and-swap, so concurrent
   * readers of one basis stay safe. NULL until then, and for other blocks. */
  _Atomic(double *) dense_view;
} weyl_block;

/* Hom(rho_ti, rho_to) between type ti of di and type to of dout (same
 * size r): the null space of rho_to(X) T - T rho_ti(X) over every generator,
 * into sol (dim, mats of r x r row-major), rank cut with rtol. */
weyl_status weyl_iso_type_hom(const weyl_iso *di, int ti, const weyl_iso *dout, int to,
                              double rtol, weyl_block *sol);

/* Where a solved block sits in the full W, and its first parameter index.
 * run: for a place that is one 1 x 1 entry of weight 1 (Scalar ->
 * Scalar), k >= 1 when it and the k - 1 places after it are such entries
 * in one row, at consecutive columns and parameters (those k entries of W
 * are k consecutive parameters); 0 for any other place (set by
 * weyl_basis_finish). */
typedef struct {
  int row0, col0;
  int block;
  int param0;
  int run;
} weyl_place;

struct weyl_basis {
  int in_dim, out_dim, dim;
  int n_blocks;
  weyl_block *blocks;
  int n_places;
  weyl_place *places; /* only blocks with dim > 0, ordered by param0 */
  double rtol;        /* the rank tolerance the blocks were solved with */
  weyl_ortho_cache *ortho; /* during the solve only (basis_ortho.c) */
  weyl_basis_report report;
  weyl_rep *in_rep, *out_rep; /* references to the reps solved for (nn checks a
                                 bias basis against its layer's output rep) */
};

/* Solves one block by orbits (both reps permutation reps) or by SVD. */
weyl_status weyl_block_solve_orbit(const weyl_rep *in, const weyl_rep *out, size_t max_bytes,
                                   weyl_block *blk);
weyl_status weyl_block_solve_dense(const weyl_rep *in, const weyl_rep *out, double rtol,
                                   size_t max_bytes, weyl_block *blk);
/* The structured path (basis_iter.c). When no generator acts by a normal
 * matrix on both sides the path does not apply: *applicable is set to 0 and
 * WEYL_EINVAL returned, so that auto can fall back to dense. */
weyl_status weyl_block_solve_iter(const weyl_rep *in, const weyl_rep *out, const weyl_basis_opts *o,
                                  weyl_block *blk, int *applicable);

/* The stabiliser path (basis_stab.c). _applies is 1 when both reps are
 * "permutation rep (x) small rep" of a group without algebra generators and
 * not both permutation reps; _solve returns WEYL_EINVAL when it is not. */
int weyl_block_stab_applies(const weyl_rep *in, const weyl_rep *out);
weyl_status weyl_block_solve_stab(const weyl_rep *in, const weyl_rep *out, double rtol,
                                  size_t max_bytes, weyl_block *blk);

/* The isotypic path (basis_iso.c): *applicable = 0 and WEYL_EINVAL when
 * the group or reps do not fit it (see basis_iso.c) or its checks fail. */
weyl_status weyl_block_solve_iso(const weyl_rep *in, const weyl_rep *out, double rtol,
                                 size_t max_bytes, weyl_block *blk, int *applicable);
const weyl_iso *weyl_block_iso_out(const weyl_block *blk);
/* On the factored form, for the block at W (leading dimension ldw): W +=
 * sum_k theta[k] B_k; coef[k] += <B_k, W>; W += B_k. */
weyl_status weyl_block_iso_combine(const weyl_block *blk, const double *theta, double *W, int ldw);
weyl_status weyl_block_iso_dot(const weyl_block *blk, const double *W, int ldw, double *coef);
weyl_status weyl_block_iso_element(const weyl_block *blk, int k, double *W, int ldw);

/* A block of a finite group given by badly scaled matrices, made orthogonal
 * (or of a Lie group whose leaves need a diagonal balancing: M = D^-1)
 * (basis_ortho.c): in and out are the block's reps over a copy of the group
 * whose non-orthogonal leaves act by M^T rho M^-T instead (both NULL: solve
 * the block as given, always so for orthogonal reps); M_in, M_out map the
 * solution back. */
typedef struct {
  weyl_rep *in, *out;
  int ni, no;
  double *Mi, *Mi_inv; /* in side: M (ni x ni, row-major) and M^-1; NULL: identity */
  double *Mo, *Mo_inv; /* out side */
} weyl_ortho;

/* Fills *t for the block (in, out); *cache (the leaves' averages for one
 * solve) is created on first use. Only WEYL_ENOMEM is an error: when
 * averaging is not possible the block is left as it is. */
weyl_status weyl_ortho_block(weyl_ortho_cache **cache, const weyl_rep *in, const weyl_rep *out,
                             size_t max_bytes, weyl_ortho *t);
/* Maps blk, solved for t->in -> t->out, back: W = M_out^-T W' M_in^T, rows
 * in the canonical orthonormal form. */
weyl_status weyl_ortho_back(const weyl_ortho *t, weyl_block *blk);
void weyl_ortho_clear(weyl_ortho *t);

/* The leaves' factors for one solve (basis_ortho_leaf.c). _new returns NULL
 * when out of memory. */
weyl_ortho_cache *weyl_ortho_cache_new(const weyl_group *g);
void weyl_ortho_cache_free(weyl_ortho_cache *c);
/* 1 when leaf idx has a factor: *M, *Minv (dim x dim, owned by c) with
 * M^T rho M^-T orthogonal for every generator; 0 when it is used as given.
 * Worked out on the first call for the leaf (max_bytes bounds that work). */
int weyl_ortho_leaf(weyl_ortho_cache *c, int idx, size_t max_bytes, const double **M,
                    const double **Minv);
/* The group with every factored leaf acting by its orthogonal matrices
 * (owned by c; valid while c lives). */
weyl_group *weyl_ortho_group(weyl_ortho_cache *c);
void weyl_block_clear(weyl_block *blk);
/* Frees what a solve put in blk but keeps its key and use count. */
void weyl_block_clear_results(weyl_block *blk);

/* Generator k of r as a dense matrix: discrete generators first, then the
 * algebra generators (drho). */
weyl_status weyl_block_gen(const weyl_rep *r, int k, double *m);
/* Generator k of in (ri) and of out (ro), both divided by one power of two
 * that brings the larger entry of the two into [0.5, 1). The constraint
 * ro W = W ri is the same for any nonzero multiple of the generator (of an
 * algebra generator by definition; of a discrete one the equation just
 * scales), so every generator's rows enter a stacked constraint at the same
 * size: rtol then cuts relative to each, and a generator given as 1e12 L or
 * 1e-160 L solves as L does. WEYL_EINVAL naming the generator when an entry
 * is not finite (a tensor product overflowed). */
weyl_status weyl_block_gen_pair(const weyl_rep *in, const weyl_rep *out, int k, double *ri,
                                double *ro);

/* Nullspace of the column-major m x n matrix C (m >= n >= 1, overwritten)
 * into blk->dim / mats (n-vectors) / norm2 / min_kept / max_dropped; singular
 * values are taken relative to ref, or to the largest one when ref <= 0. */
weyl_status weyl_nullspace_qr(double *C, size_t m, int n, double rtol, double ref,
                              weyl_block *blk);

/* Completes a basis whose blocks and places are set: fills b->report (all
 * but seconds) from the solved blocks and marks the places' runs. */
void weyl_basis_finish(weyl_basis *b);

#endif
