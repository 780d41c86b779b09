/* weyl — the equivariant basis: solving rho_out(h) W = W rho_in(h) and
 * drho_out(A) W = W drho_in(A) for W (out_dim x in_dim).
 *
 * Plan once, apply many times: weyl_basis_solve does the expensive work and
 * returns a basis object; combining it with coefficients is cheap.
 *
 * Layout. The reps are split into direct summands; Hom(in, out) is the direct
 * sum of the blocks Hom(in_j, out_i). Each distinct pair is solved once and
 * reused for repeated copies. Basis element k lives in one block. W is out x in
 * row-major (vec index i*in_dim + j).
 *
 * Paths. A block where both reps act by permutations is solved exactly by the
 * orbits of the group on index pairs (0/1 indicator matrices, pairwise
 * orthogonal, not normalised). Any other block is solved by an SVD (dgesdd) of
 * the stacked constraint; singular values <= rtol * sigma_max count as zero,
 * and the basis is orthonormal. */
#ifndef WEYL_BASIS_H
#define WEYL_BASIS_H

#include <stddef.h>

#include "weyl/rep.h"

typedef enum {
  WEYL_SOLVER_AUTO = 0, /* orbit for permutation blocks, else dense */
  WEYL_SOLVER_DENSE,    /* SVD of the stacked constraint for every block */
  WEYL_SOLVER_ORBIT     /* orbits only; WEYL_EINVAL for a non-permutation block */
} weyl_solver;

/* Default relative rank tolerance: sigma <= 1e-9 * sigma_max counts as zero. */
#define WEYL_DEFAULT_RTOL 1e-9
/* A gap sigma_kept_min / sigma_dropped_max below this is reported as small. */
#define WEYL_SMALL_GAP 1e3

typedef struct {
  weyl_solver solver; /* default WEYL_SOLVER_AUTO */
  double rtol;        /* <= 0 means WEYL_DEFAULT_RTOL */
  size_t max_bytes;   /* working memory per block; 0 means 2 GiB */
} weyl_solve_opts;

/* Rank-decision report for the dense blocks of a basis. sigma values are
 * relative to the largest singular value of their block's constraint. */
typedef struct {
  int n_blocks, n_dense, n_orbit; /* distinct blocks solved, by path */
  double min_gap;        /* smallest sigma_kept_min/sigma_dropped_max; INFINITY if exact */
  double max_dropped;    /* largest relative singular value counted as zero */
  double min_kept;       /* smallest relative singular value counted as non-zero */
  double seconds;        /* wall time of the solve */
} weyl_basis_report;

typedef struct weyl_basis weyl_basis;

/* Solves for the maps in -> out (both reps of the same group). opts may be NULL.
 * On success *basis is new; free it with weyl_basis_free.
 * Returns WEYL_EINVAL for reps of different groups, WEYL_ELIMIT when a block's
 * working memory would exceed opts->max_bytes, WEYL_ENUMERIC when LAPACK fails. */
weyl_status weyl_basis_solve(const weyl_rep *in, const weyl_rep *out,
                             const weyl_solve_opts *opts, weyl_basis **basis);

void weyl_basis_free(weyl_basis *b);

int weyl_basis_dim(const weyl_basis *b);     /* number of basis elements */
int weyl_basis_in_dim(const weyl_basis *b);
int weyl_basis_out_dim(const weyl_basis *b);
/* 1 when every element is an exact 0/1 orbit indicator. */
int weyl_basis_is_exact(const weyl_basis *b);
const weyl_basis_report *weyl_basis_report_get(const weyl_basis *b);

/* Writes basis element k as a full out_dim x in_dim matrix into W. */
weyl_status weyl_basis_element(const weyl_basis *b, int k, double *W);

/* W = sum_k theta[k] B_k (theta has weyl_basis_dim entries; W is out x in). */
weyl_status weyl_basis_combine(const weyl_basis *b, const double *theta, double *W);

/* Orthogonal projection of W onto the equivariant space (Frobenius inner
 * product): Wp = sum_k <B_k, W> / <B_k, B_k> B_k. W and Wp may alias. */
weyl_status weyl_basis_project(const weyl_basis *b, const double *W, double *Wp);

/* Inner products with the basis elements: coef[k] = <B_k, W>_F (the gradient
 * of a loss with respect to theta_k when dL/dW = W). coef has weyl_basis_dim
 * entries and is overwritten. */
weyl_status weyl_basis_dot(const weyl_basis *b, const double *W, double *coef);

/* The bias space: vectors b (out_dim) with rho_out(h) b = b, drho_out(A) b = 0,
 * i.e. the basis of Hom(Scalar, out). Same object type, in_dim 1. */
weyl_status weyl_basis_solve_bias(const weyl_rep *out, const weyl_solve_opts *opts,
                                  weyl_basis **bias);

/* Relative equivariance error of W (out x in): the largest, over discrete
 * generators h and algebra generators A, of
 *   |rho_out W - W rho_in|_F / (|rho_out W|_F + |W rho_in|_F)
 * (likewise with drho); a generator with a zero denominator contributes 0.
 * Returns WEYL_ELIMIT when a rep is over 4096-dimensional and not a
 * permutation rep. */
weyl_status weyl_equivariance_error(const weyl_rep *in, const weyl_rep *out,
                                    const double *W, double *err);

/* Canonical basis for people: the reduced row echelon form of the basis
 * (each element has a 1 where the others have 0), entries below 1e-12 set to
 * 0, elements ordered sparsest first. *mats is a new array of dim * out * in
 * doubles (free with free()); *dim receives the count. */
weyl_status weyl_basis_canonical(const weyl_basis *b, double **mats, int *dim);

#endif
