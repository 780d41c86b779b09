/* weyl — the equivariant linear layer y = W x + b.
 *
 * W = sum_k theta_k B_k / |B_k|_F and b = sum_k beta_k c_k / |c_k|, where B_k
 * are the elements of a solved basis (rep_in -> rep_out) and c_k those of the
 * bias basis. Every parameter moves a unit-norm element, so the
 * parametrisation does not depend on orbit sizes (an exact basis element of a
 * permutation group is a 0/1 indicator whose norm is the root of its orbit's
 * size) and one learning rate suits every group, as emlp's orthonormal bases
 * do. The parameters are a flat vector the caller owns:
 * [theta (dim B) | beta (dim c)].
 *
 * One call builds a layer that owns its bases:
 *     weyl_linear *l;
 *     weyl_linear_from_exprs(g, "V", "V**2 + Scalar", NULL, &l);   // with bias
 * weyl_linear_new builds one over bases the caller solved and keeps alive.
 * W and b are materialized once per parameter update (weyl_linear_set_params)
 * and then used by every forward/backward call, so a step costs one dgemm.
 *
 * Data layout: a batch is row-major, one example per row: x is batch x in_dim,
 * y is batch x out_dim. A batch of 0 rows is a no-op. Outputs must not
 * overlap inputs (WEYL_EINVAL), except that backward's dx may be x itself.
 * The layer keeps no global state. One layer object must not be used from
 * two threads at once (the scratch is shared). */
#ifndef WEYL_LINEAR_H
#define WEYL_LINEAR_H

#include "weyl/basis.h"
#include "weyl/rng.h"

/* An equivariant linear layer y = W x + b with W and b from solved bases (opaque). */
typedef struct weyl_linear weyl_linear;

/* Options of weyl_linear_from_reps / _from_exprs; start from
 * weyl_linear_default_opts. */
typedef struct {
  int bias;              /* 1 (default): an equivariant bias; 0: none */
  weyl_basis_opts solve; /* passed to the basis solver */
} weyl_linear_opts;

/* Defaults: with bias, default solver options. */
weyl_linear_opts weyl_linear_default_opts(void);

/* Builds the layer in -> out in one call: solves the weight basis and (with
 * opts->bias) the bias basis, which the layer owns. opts may be NULL for the
 * defaults. The parameters start at zero. *layer is new (weyl_linear_free).
 * Returns the solver's statuses, WEYL_EINVAL for reps of two groups. */
weyl_status weyl_linear_from_reps(const weyl_rep *in, const weyl_rep *out,
                                  const weyl_linear_opts *opts, weyl_linear **layer);
/* As weyl_linear_from_reps, with the reps given as expressions over g
 * (rep-format.md: "V**2 + 3*Scalar"); WEYL_EPARSE for a bad expression. */
weyl_status weyl_linear_from_exprs(weyl_group *g, const char *in, const char *out,
                                   const weyl_linear_opts *opts, weyl_linear **layer);

/* Creates a layer from a weight basis and a bias basis (bias may be NULL: no
 * bias). Both are borrowed and must outlive the layer. The parameters start
 * at zero (W = 0, b = 0). *layer is new; free it with weyl_linear_free.
 * Returns WEYL_EINVAL when the bias basis was not solved by
 * weyl_basis_solve_bias for the weight's output rep (another rep of the same
 * dimension would make the layer silently not equivariant), WEYL_ENOMEM. */
weyl_status weyl_linear_new(const weyl_basis *w, const weyl_basis *bias, weyl_linear **layer);
/* Frees a layer (and the bases it owns, not those it borrows); NULL is allowed. */
void weyl_linear_free(weyl_linear *l);

/* The input rep (borrowed from the layer's basis). */
const weyl_rep *weyl_linear_in_rep(const weyl_linear *l);
/* The output rep (borrowed from the layer's basis). */
const weyl_rep *weyl_linear_out_rep(const weyl_linear *l);

/* Input dimension: dim of rep_in. */
int weyl_linear_in_dim(const weyl_linear *l);
/* Output dimension: dim of rep_out. */
int weyl_linear_out_dim(const weyl_linear *l);
int weyl_linear_nparams(const weyl_linear *l); /* dim(B) + dim(c) */

/* Materializes W and b from params (weyl_linear_nparams entries). */
weyl_status weyl_linear_set_params(weyl_linear *l, const double *params);

/* The materialized W (out x in, row-major) and b (out); valid until the next
 * weyl_linear_set_params. */
const double *weyl_linear_weight(const weyl_linear *l);
/* The materialized bias b (out entries); valid until the next set_params. */
const double *weyl_linear_bias(const weyl_linear *l);

/* Draws params so that y = W x keeps unit scale: theta normal, then scaled per
 * output summand so that every block of rows of W has mean squared row norm
 * gain (gain 1 for a linear map, 2 for ReLU-like activations). Bias
 * coefficients are set to 0. Also materializes W and b.
 * Returns WEYL_EINVAL for gain <= 0, WEYL_ENOMEM. */
weyl_status weyl_linear_init(weyl_linear *l, weyl_rng *rng, double gain, double *params);
/* Writes weyl_linear_nparams(l) learning-rate multipliers (for
 * weyl_adam_set_rate_scales) that make Adam on these coefficients step as
 * emlp's Adam does on the full matrix w with W = P(w): scale k is
 * |B_k|_1 / |B_k|_2 (likewise for the bias elements), the distance Adam's
 * per-entry steps of w move the coefficient of the unit element B_k. For
 * elements with disjoint supports and entries of equal size (every exact
 * orbit basis: scale sqrt(orbit size)) the two optimizers take the same
 * steps; for dense elements it is the same rule applied to their l1 norm
 * (an approximation: weyl_net_adam_new_full takes emlp's walk exactly).
 * Returns WEYL_EINVAL for NULL arguments, WEYL_ELIMIT when a factored block
 * is too large to make dense. */
weyl_status weyl_linear_rate_scales(const weyl_linear *l, double *scales);

/* The layer's parameters are coordinates: every unit basis element u_k (the
 * matrix a parameter moves, W and b stacked) has norm 1, and they are
 * pairwise orthogonal. weyl_linear_embed and weyl_linear_coords go between
 * the parameters and the full space of (W, b): weyl_linear_full_size(l)
 * entries, the out x in entries of W then the out entries of b (none
 * without a bias). Both use the layer's scratch, not W and b, and return
 * WEYL_EINVAL for NULL arguments; coords(embed(p)) = p. */
size_t weyl_linear_full_size(const weyl_linear *l);
/* Writes (W, b) = sum_k params[k] u_k into full: what set_params
 * materializes, into a buffer of the caller's. */
weyl_status weyl_linear_embed(weyl_linear *l, const double *params, double *full);
/* Writes params[k] = <u_k, full>: the coordinates of the orthogonal
 * projection of full onto the equivariant maps (e.g. to load a dense matrix
 * trained elsewhere, or, given dL/d(W, b), the parameter gradient). */
weyl_status weyl_linear_coords(weyl_linear *l, const double *full, double *params);

/* emlp's initialization: W the projection of a random orthogonal matrix
 * (coefficients normal with variance 1 / max(in, out)) and b the projection
 * of a vector uniform on [0, 1/sqrt(out)). Writes all parameters and applies
 * them, as weyl_linear_init. */
weyl_status weyl_linear_init_paper(weyl_linear *l, weyl_rng *rng, double *params);

/* Rescales params so that an output whose rows had mean squares row_ms
 * (out_dim entries, e.g. measured on a batch) gets unit mean square on every
 * output summand: the coefficients feeding a summand (weights and bias) are
 * divided by the root of the mean of row_ms over its rows. A summand whose
 * mean is at most 1e-12 times the largest entry of row_ms is zero in exact
 * arithmetic (its rows are rounding noise, which is not equivariant) and is
 * left alone; so are rows the caller sets to 0. Re-materializes W and b. */
weyl_status weyl_linear_rescale(weyl_linear *l, double *params, const double *row_ms);

/* y = x W^T + 1 b^T for batch examples. */
weyl_status weyl_linear_forward(const weyl_linear *l, int batch, const double *x, double *y);

/* Given dy = dL/dy (batch x out) and the forward input x, ADDS the parameter
 * gradient to dparams (theta: <B_k, dy^T x>, beta: <c_k, sum_rows dy>) and,
 * when dx is not NULL, WRITES dx = dy W (batch x in). */
weyl_status weyl_linear_backward(weyl_linear *l, int batch, const double *x, const double *dy,
                                 double *dparams, double *dx);

#endif
