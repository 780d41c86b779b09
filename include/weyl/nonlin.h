/* weyl — equivariant nonlinearities and the hidden representations they act on.
 *
 * Each nonlinearity is equivariant by construction, for the rep it was built
 * from; the constructors refuse a rep where the construction does not hold:
 *   pointwise  y = act(x) entrywise: only on permutation reps (weyl_rep_is_perm),
 *              where the group only reorders entries;
 *   norm       y = x act(|x| + b) / |x| on each direct summand (weyl_rep_summands),
 *              one learned b per summand; only when every summand is orthogonal
 *              (then |x| is invariant). |x| is computed as sqrt(|x|^2 + 1e-12),
 *              so the map is smooth and 0 at x = 0;
 *   gated      input [x | gates]: x in rep, then one scalar gate per non-scalar
 *              summand (in summand order); y = sigmoid(gate) x on a non-scalar
 *              summand, y = act(x) on a scalar (trivial, 1-dimensional) summand.
 *              The gates come from the previous linear layer, whose output rep
 *              is weyl_nonlin_gated_rep(rep). Works for any group.
 *
 * Batches are row-major, one example per row; a batch of 0 rows is a no-op.
 * Forward may run in place (y == x) for the pointwise and norm kinds; any
 * other overlap of an output with an input is refused with WEYL_EINVAL.
 * A nonlinearity's parameters
 * (only the norm kind has any) are a caller-owned vector, as for layers. */
#ifndef WEYL_NONLIN_H
#define WEYL_NONLIN_H

#include "weyl/rep.h"

/* Scalar activation functions. */
typedef enum {
  WEYL_NONLIN_ACT_RELU,
  WEYL_NONLIN_ACT_SWISH,
  WEYL_NONLIN_ACT_TANH,
  WEYL_NONLIN_ACT_SIGMOID
} weyl_nonlin_act;

/* Kinds of equivariant nonlinearity: pointwise (permutation reps only),
 * norm (orthogonal blocks) and gated (any rep, with gate scalars). */
typedef enum { WEYL_NONLIN_POINTWISE, WEYL_NONLIN_NORM, WEYL_NONLIN_GATED } weyl_nonlin_kind;

/* An equivariant nonlinearity on one rep (opaque). */
typedef struct weyl_nonlin weyl_nonlin;

/* Each constructor makes a new object in *nl (free with weyl_nonlin_free);
 * rep is only read during the call. Returns WEYL_EINVAL, with the reason, for
 * a rep the kind cannot be equivariant on; WEYL_ENOMEM. */
weyl_status weyl_nonlin_pointwise(const weyl_rep *rep, weyl_nonlin_act act, weyl_nonlin **nl);
/* Norm nonlinearity: x * act(|x| + b) / |x| on each summand of rep. */
weyl_status weyl_nonlin_norm(const weyl_rep *rep, weyl_nonlin_act act, weyl_nonlin **nl);
/* Gated nonlinearity: sigmoid(gate) * x on each non-scalar summand, act on
 * scalars; its input is rep followed by one gate scalar per gated summand. */
weyl_status weyl_nonlin_gated(const weyl_rep *rep, weyl_nonlin_act act, weyl_nonlin **nl);
/* Frees a nonlinearity; NULL is allowed. */
void weyl_nonlin_free(weyl_nonlin *nl);

/* The kind nl was made as. */
weyl_nonlin_kind weyl_nonlin_kind_of(const weyl_nonlin *nl);
int weyl_nonlin_in_dim(const weyl_nonlin *nl);  /* dim(rep) (+ gates for gated) */
int weyl_nonlin_out_dim(const weyl_nonlin *nl); /* dim(rep) */
int weyl_nonlin_nparams(const weyl_nonlin *nl); /* summands for norm, else 0 */

/* y (batch x out_dim) from x (batch x in_dim). params may be NULL when
 * nparams is 0. */
weyl_status weyl_nonlin_forward(const weyl_nonlin *nl, const double *params, int batch,
                                const double *x, double *y);

/* WRITES dx (batch x in_dim) and ADDS the parameter gradient to dparams (may be
 * NULL when nparams is 0), given the forward input x and dy = dL/dy. */
weyl_status weyl_nonlin_backward(const weyl_nonlin *nl, const double *params, int batch,
                                 const double *x, const double *dy, double *dparams, double *dx);

/* The EMLP paper's hidden rep for a total dimension of `channels`: repeatedly
 * fill the highest tensor rank r with (r+1) d^r <= remaining channels (d =
 * dim V), adding d^(r-q) copies of rank-q tensors for q = 0..r, so that
 * every rank gets about the same dimension. When V is its own dual
 * (weyl_rep_equal: orthogonal groups, permutations) a rank-q tensor is V**q;
 * otherwise (Lorentz, Sp) the copies of rank q are split between
 * T(k, q - k) = V**k * V.T**(q - k) in proportion to binomial(q, k), the
 * paper's allocation (its random leftovers go to the largest remainders).
 * Returns a rep of exactly `channels` dimensions (copies of Scalar fill the
 * rest). *rep is new (weyl_rep_free).
 * Returns WEYL_EINVAL for channels < 1, WEYL_ELIMIT, WEYL_ENOMEM. */
weyl_status weyl_nonlin_uniform_rep(weyl_group *g, int channels, weyl_rep **rep);

/* rep + (one Scalar per non-scalar summand): the output rep of the linear
 * layer feeding a gated nonlinearity on rep. *gated is new. */
weyl_status weyl_nonlin_gated_rep(const weyl_rep *rep, weyl_rep **gated);

/* 1 when rep is 1-dimensional and every generator acts trivially. */
int weyl_nonlin_is_scalar(const weyl_rep *rep);

#endif
