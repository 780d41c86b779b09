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
 * the stacked constraint, or for large blocks by the structured path below;
 * singular values <= rtol * sigma_max count as zero, and the basis is
 * orthonormal. */
#ifndef WEYL_BASIS_H
#define WEYL_BASIS_H

#include <stddef.h>

#include "weyl/rep.h"

/* Which path solves each block (weyl_basis_opts.solver). */
typedef enum {
  WEYL_BASIS_SOLVER_AUTO = 0, /* orbit for permutation blocks, else dense or iterative by size */
  WEYL_BASIS_SOLVER_DENSE,    /* SVD of the stacked constraint for every block */
  WEYL_BASIS_SOLVER_ORBIT,    /* orbits only; WEYL_EINVAL for a non-permutation block */
  WEYL_BASIS_SOLVER_ITERATIVE, /* structured, for large general blocks (see below) */
  WEYL_BASIS_SOLVER_STABILISER, /* permutation rep (x) small rep, orbit by orbit (see below) */
  WEYL_BASIS_SOLVER_ISOTYPIC    /* compact Lie algebras: split into pieces, Schur (see below) */
} weyl_basis_solver;

/* The isotypic path, for groups given by algebra generators only that act by
 * antisymmetric matrices (SO(n) and its tensor reps): each rep is split into
 * invariant pieces, each acting by one of a few small reference reps (found
 * from the eigenspaces of a fixed symmetric element of the enveloping
 * algebra and a Krylov space per piece, checked to 1e-9), and Hom(in, out)
 * is the direct sum of the small Hom(rho, rho') between reference reps.
 * The basis is kept factored: element k is Q_out,j T Q_in,i^T (never a
 * d-long vector); combine, dot and project cost a few (dim)^3 products. Auto
 * uses it for blocks with d > WEYL_BASIS_AUTO_DENSE_MAX, both sides of
 * dimension > 1, and falls back to the other paths when it does not apply. */

/* The stabiliser path, for reps of the form "permutation rep (x) a rep of
 * dimension <= 32" on both sides (steerable fields on grids, point clouds
 * with vector features) of a group without algebra generators: W is a grid
 * of small blocks W_ij over point pairs, the blocks along an orbit of pairs
 * are transports of the orbit's first one, W0, and W0 only has to commute
 * with the stabiliser of that pair (its elements found as the loops of a
 * breadth-first search over the pairs, Schreier's lemma). One small dense
 * nullspace per orbit, rank decided with rtol as on the dense path. Auto
 * uses it for such blocks with d > WEYL_BASIS_AUTO_DENSE_MAX. */

/* The structured path never forms the d x d constraint (d = in * out). It
 * takes the generator (or combination of two algebra generators) whose
 * matrices are normal (orthogonal, symmetric, antisymmetric: every built-in
 * group) and whose constraint has the smallest nullspace, and solves that one
 * exactly from the real Schur forms of its two small factors (the constraint
 * is a Kronecker sum, so its null vectors are Q_a x Z_b^T for eigenvalue pairs
 * that cancel). The other generators are restricted to that n1-dimensional
 * subspace: an n1 x n1 Gram matrix preselects candidate directions, and QR +
 * SVD of all constraints on the candidates decides the rank with rtol. Every
 * returned element is checked against every generator: a residual over
 * 10 * rtol is refused with WEYL_ENUMERIC. (A direct method despite the
 * enum's name: no Krylov iteration is needed.) Auto uses it for general blocks
 * with d > WEYL_BASIS_AUTO_DENSE_MAX and both sides of dimension > 1 when it
 * applies, dense otherwise (with a 1-dimensional side its Schur form would be
 * d x d, slower than the dense path). */
#define WEYL_BASIS_AUTO_DENSE_MAX 256

/* Default relative rank tolerance: sigma <= 1e-9 * sigma_max counts as zero. */
#define WEYL_BASIS_DEFAULT_RTOL 1e-9
/* A gap sigma_kept_min / sigma_dropped_max below this is reported as small. */
#define WEYL_BASIS_SMALL_GAP 1e3
/* Most (in summand, out summand) pairs one solve visits: k*A -> m*B has k*m. */
#define WEYL_BASIS_MAX_BLOCK_PAIRS (1L << 22)

/* The name of a solver: "auto", "dense", "orbit", "iterative",
 * "stabiliser" or "isotypic" (the path
 * names of weyl_basis_block_info); NULL for a value that is not a weyl_basis_solver. */
const char *weyl_basis_solver_name(weyl_basis_solver solver);

/* Parses a solver name as weyl_basis_solver_name gives it.
 * Returns WEYL_EINVAL (naming the valid names) for anything else. */
weyl_status weyl_basis_solver_parse(const char *name, weyl_basis_solver *solver);

/* Options of weyl_basis_solve; all-zero (or a NULL pointer) means the defaults. */
typedef struct {
  weyl_basis_solver solver; /* default WEYL_BASIS_SOLVER_AUTO */
  double rtol;              /* in (0, 1); <= 0 means WEYL_BASIS_DEFAULT_RTOL */
  size_t max_bytes;   /* working memory per block; 0 means 2 GiB */
  /* Called (when set) as the solve moves on: stage names what is running,
   * done is the fraction of the blocks finished, or -1 when an expensive
   * stage starts. The library never prints. */
  void (*progress)(void *ctx, const char *stage, double done);
  void *progress_ctx; /* passed back to progress as ctx */
} weyl_basis_opts;

/* Rank-decision report for the dense and iterative blocks of a basis. sigma
 * values are relative to the largest singular value of their block's
 * constraint (an estimate of it for iterative blocks). */
typedef struct {
  int n_blocks;          /* distinct blocks solved */
  int n_dense;           /* of which by the dense SVD path */
  int n_orbit;           /* of which by exact orbits */
  double min_gap;        /* smallest block gap: sigma_kept_min/sigma_dropped_max, capped
                            by (sigma_kept_min/rtol)^2 and (rtol/sigma_dropped_max)^2
                            so that a value next to the cut counts; INFINITY if exact */
  double max_dropped;    /* largest relative singular value counted as zero */
  double min_kept;       /* smallest relative singular value counted as non-zero */
  double seconds;        /* wall time of the solve */
  int n_iterative;       /* distinct blocks solved by the structured path */
  int n_stabiliser;      /* distinct blocks solved by the stabiliser path */
  int n_isotypic;        /* distinct blocks solved by the isotypic path */
} weyl_basis_report;

/* How one distinct block Hom(in_j, out_i) was solved (pointers live as long
 * as the basis). */
typedef struct {
  const char *key;       /* "in->out" canonical text */
  int in_dim;            /* columns of the block: dim of its rep_in summand */
  int out_dim;           /* rows of the block: dim of its rep_out summand */
  int dim;               /* basis elements of the block */
  int copies;            /* places in the full W that share this block */
  const char *path;      /* "orbit", "dense", "iterative", "stabiliser" or "isotypic" */
  double seconds;        /* wall time of its solve */
  double min_kept;       /* smallest relative singular value kept (dense paths) */
  double max_dropped;    /* largest relative singular value counted as zero */
  double residual;       /* largest checked relative residual (iterative), else 0 */
  size_t peak_bytes;     /* estimated peak working set of its solve */
} weyl_basis_block_info;

/* A solved basis (opaque): from weyl_basis_solve or weyl_basis_solve_bias,
 * freed with weyl_basis_free. */
typedef struct weyl_basis weyl_basis;

/* Solves for the maps in -> out (both reps of the same group). opts may be NULL.
 * On success *basis is new; free it with weyl_basis_free.
 * Returns WEYL_EINVAL for reps of different groups, an opts->solver that is
 * not a weyl_basis_solver or an opts->rtol that is NaN or >= 1, WEYL_ELIMIT when a block's working memory would
 * exceed opts->max_bytes or there are more than WEYL_BASIS_MAX_BLOCK_PAIRS
 * block pairs, WEYL_ENUMERIC when LAPACK fails. */
weyl_status weyl_basis_solve(const weyl_rep *in, const weyl_rep *out, const weyl_basis_opts *opts,
                             weyl_basis **basis);

/* Frees a basis; NULL is allowed. */
void weyl_basis_free(weyl_basis *b);

int weyl_basis_dim(const weyl_basis *b);     /* number of basis elements */
int weyl_basis_in_dim(const weyl_basis *b);  /* columns of each element: dim of rep_in */
int weyl_basis_out_dim(const weyl_basis *b); /* rows of each element: dim of rep_out */
/* 1 when every element is an exact 0/1 orbit indicator. */
int weyl_basis_is_exact(const weyl_basis *b);
/* The rank-decision report of the solve; owned by b, valid until it is freed. */
const weyl_basis_report *weyl_basis_report_get(const weyl_basis *b);

/* Number of distinct blocks solved (0 for NULL). */
int weyl_basis_nblocks(const weyl_basis *b);
/* Fills *info with the description of distinct block i.
 * Returns WEYL_EINVAL for i out of range or NULL arguments. */
weyl_status weyl_basis_block_info_get(const weyl_basis *b, int i, weyl_basis_block_info *info);

/* The weight-sharing pattern of an exact basis (weyl_basis_is_exact), one
 * label per entry of W: label[i*in_dim + j] (out_dim * in_dim ints) is the
 * orbit of entry (i, j), i.e. the element with a 1 there (the orbits are
 * disjoint), or -1 where every element is 0. Orbits are numbered 0, 1, ...
 * in order of first appearance in row-major order, so the labels depend on
 * the pattern only, not on the order of the elements. *n_labels (may be NULL)
 * receives the number of orbits that appear.
 * Returns WEYL_EINVAL for NULL arguments or a basis that is not exact. */
weyl_status weyl_basis_pattern(const weyl_basis *b, int *label, int *n_labels);

/* The basis in coordinate (sparse) form, without ever forming dense
 * elements: the non-zero entries of all elements (each (element, index)
 * pair once, in no promised order). Entry t says that element elem[t] has value[t] at
 * index[t] = i*in_dim + j of W, so W = sum_k theta[k] B_k is
 * W[index[t]] += theta[elem[t]] * value[t] over all t. Writes at most cap
 * entries (the arrays may be NULL when cap is 0) and sets *n to the total
 * number, so a first call with cap = 0 sizes the arrays. Memory is that of
 * the solved blocks times their copies, not dim * out_dim * in_dim.
 * Returns WEYL_EINVAL for NULL b or n, or NULL arrays with cap > 0. */
weyl_status weyl_basis_entries(const weyl_basis *b, size_t cap, int *elem, size_t *index,
                               double *value, size_t *n);
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
weyl_status weyl_basis_solve_bias(const weyl_rep *out, const weyl_basis_opts *opts,
                                  weyl_basis **bias);

/* Relative equivariance error of W (out x in): the largest, over discrete
 * generators h and algebra generators A, of
 *   |rho_out W - W rho_in|_F / ((|rho_out|_2 + |rho_in|_2) |W|_F)
 * (likewise with drho; each spectral norm bounded from above by
 * sqrt(|.|_1 |.|_inf)), a number in [0, 1]: about 1e-16 for an exact W,
 * whatever the scale of the generators, and meaningful also when one side
 * is zero by Schur's lemma (V**2 -> Scalar); a generator with a zero
 * denominator contributes 0, a NaN makes the result NaN.
 * Returns WEYL_ELIMIT when a rep is over 4096-dimensional and not a
 * permutation rep. */
weyl_status weyl_basis_equivariance_error(const weyl_rep *in, const weyl_rep *out, const double *W,
                                          double *err);

/* Canonical basis for people: the reduced row echelon form of the basis
 * (each element has a 1 where the others have 0), entries below 1e-12 set to
 * 0, elements ordered sparsest first. *mats is a new array of dim * out * in
 * doubles (free with weyl_basis_canonical_free); *dim receives the count. */
weyl_status weyl_basis_canonical(const weyl_basis *b, double **mats, int *dim);
/* Frees the array from weyl_basis_canonical; NULL is allowed. */
void weyl_basis_canonical_free(double *mats);

/* ---- The stored (factored) form: read-only views and reassembly ----------
 *
 * A basis is held as its distinct blocks and the places where they are used
 * (see the layout note at the top). Element param0 + k of a place is its
 * block's element k, put at rows row0 .. row0 + block out_dim - 1 and columns
 * col0 .. col0 + block in_dim - 1 of an otherwise zero W. The io layer writes
 * this form (weyl/io.h, the factored format) and the basis cache (weyl/cache.h)
 * stores and rebuilds it. */

/* One distinct block's data (a view, valid while its basis lives). Exactly
 * one of orbit and mats is set. For a factored block (see
 * weyl_basis_block_factors below) mats are its elements made dense on the
 * first call and kept, refused with WEYL_ELIMIT past 2^28 numbers. */
typedef struct {
  int out_dim;         /* rows of the block */
  int in_dim;          /* columns of the block */
  int dim;             /* its elements */
  const int *orbit;    /* exact block: out_dim * in_dim labels, row-major; entry e is
                          in element orbit[e] (a 1 there), or in none (-1) */
  const double *mats;  /* other blocks: dim matrices of out_dim x in_dim, row-major */
} weyl_basis_block_data;

/* A factored (isotypic) block's factors (views, valid while its basis
 * lives): element k of the block is
 *   Q_out[:, c_out .. c_out + r - 1] T_k Q_in[:, c_in .. c_in + r - 1]^T
 * with (c_in, c_out, r, t0) = fac[4k .. 4k + 3] and T_k the r x r row-major
 * matrix at t + t0. Q_in (in_dim x in_dim) and Q_out (out_dim x out_dim) are
 * orthogonal and stored column-major: column c of Q_in is q_in + c * in_dim
 * (so read row-major, q_in is Q_in^T). q_out == q_in when the block maps a
 * rep to itself. Such a block has dim * r^2 + in^2 + out^2 numbers where its
 * dense elements have dim * out * in. */
typedef struct {
  int out_dim;         /* rows of the block */
  int in_dim;          /* columns of the block */
  int dim;             /* its elements */
  const double *q_in;  /* in_dim x in_dim, column-major */
  const double *q_out; /* out_dim x out_dim, column-major */
  const int *fac;      /* dim rows of 4: c_in, c_out, r, t0 */
  const double *t;     /* the T_k, n_t doubles */
  size_t n_t;          /* doubles at t */
} weyl_basis_block_factors;

/* 1 when distinct block i is held factored (weyl_basis_block_factors_get
 * applies; weyl_basis_block_data_get would make its dense elements), 0 when
 * not or for a NULL basis or i out of range. */
int weyl_basis_block_is_factored(const weyl_basis *b, int i);

/* Fills *f with the factors of distinct block i, without forming any dense
 * element. Returns WEYL_EINVAL for NULL arguments, i out of range or a block
 * that is not factored (weyl_basis_block_is_factored). */
weyl_status weyl_basis_block_factors_get(const weyl_basis *b, int i, weyl_basis_block_factors *f);

/* Where a block is used in W, and the index of its first element. */
typedef struct {
  int row0;       /* first row of the block in W */
  int col0;       /* first column of the block in W */
  int block;      /* distinct block, 0 .. weyl_basis_nblocks - 1 */
  int param0;     /* its element k is element param0 + k of the basis */
} weyl_basis_place;

/* Fills *d with the data of distinct block i.
 * Returns WEYL_EINVAL for i out of range or NULL arguments. */
weyl_status weyl_basis_block_data_get(const weyl_basis *b, int i, weyl_basis_block_data *d);

/* Number of places (0 for NULL). Places are ordered by param0, each holds
 * its block's dim elements, and blocks of dimension 0 have none. */
int weyl_basis_nplaces(const weyl_basis *b);

/* Fills *p with place i. Returns WEYL_EINVAL for i out of range or NULL arguments. */
weyl_status weyl_basis_place_get(const weyl_basis *b, int i, weyl_basis_place *p);

/* The rank tolerance the basis was solved with (0 for NULL). */
double weyl_basis_rtol(const weyl_basis *b);

/* A basis in its stored form, for weyl_basis_assemble. Arrays are borrowed. */
typedef struct {
  int in_dim;          /* columns of W */
  int out_dim;         /* rows of W */
  double rtol;         /* the tolerance it was solved with (for the report's gaps) */
  double seconds;      /* wall time of the original solve (weyl_basis_report.seconds) */
  int n_blocks;        /* distinct blocks */
  const weyl_basis_block_data *data; /* [n_blocks] */
  /* [n_blocks]: key, path, copies, seconds, min_kept, max_dropped, residual and
   * peak_bytes are taken from here; the dimensions come from data. */
  const weyl_basis_block_info *info;
  int n_places;        /* places: see weyl_basis_nplaces for their order */
  const weyl_basis_place *places; /* [n_places] */
  /* [n_blocks] or NULL: block i with factors[i].fac set is rebuilt factored
   * (path "isotypic"; data[i] then only gives out_dim, in_dim and dim and
   * has neither labels nor matrices). */
  const weyl_basis_block_factors *factors;
} weyl_basis_parts;

/* Builds a basis from its stored form (copying every array) and checks it:
 * dimensions positive, a path per block ("orbit" with labels, "dense" or
 * "iterative" with matrices), labels in [-1, dim) with every element used,
 * finite matrices with no zero element, factors (factored blocks) finite
 * with every element's pieces inside Q and its T inside t (Q is taken as
 * orthogonal, not checked), places inside W, of blocks with
 * elements, numbered consecutively from 0. Places are not checked for
 * overlap. On success *b is new (weyl_basis_free); its report is worked out
 * from the blocks as after a solve.
 * Returns WEYL_EINVAL naming the first inconsistency, WEYL_ENOMEM. */
weyl_status weyl_basis_assemble(const weyl_basis_parts *parts, weyl_basis **b);

#endif
