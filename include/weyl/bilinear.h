/* weyl — equivariant bilinear layers: y = B(x, x), quadratic in x.
 *
 * Linear layers and gated nonlinearities alone cannot make invariants such as
 * x1.x2 from vectors when Hom(V, Scalar) = 0 (O(n), SO(1,3)): the gates would
 * only see biases. The EMLP paper (Finzi, Welling, Wilson 2021) adds a
 * bilinear layer to each block for this. Two kinds:
 *
 * FULL (the paper's layer; weyl_bilinear_full_new): y = 0.1 W(x) x, where
 *   W(x) is a map in -> out whose entries are linear in x. Split in and out
 *   into direct summands (weyl_rep_summands). The block W_ij (out summand i x
 *   in summand j, row-major) transforms as out_i (x) in_j^*; the in summands
 *   that are not trivial and carry exactly that rep (weyl_rep_equal, 1e-12)
 *   are its sources, and the first n = min(count, dim out_i * dim in_j) of
 *   them, s_1..s_n in index order, fill it:
 *       W_ij(x) = sum_m P_ijm x_{s_m}      (x_{s_m} read as a dim out_i x dim in_j matrix).
 *   When no in summand carries exactly that rep, a class of in summands that
 *   carries it with its tensor factors in another order serves, its entries
 *   permuted to match (as emlp's canonicalised product reps do: V.T*V from
 *   V*V.T for SO(1,3), e.g. Scalar <- V*V.T is 0.1 p tr(T T)); the
 *   permutation is checked on every generator. Identifying equal reps entry
 *   by entry is equivariant, so the layer is for any group. Blocks without sources (e.g. Scalar -> Scalar) stay 0. The
 *   factor 0.1 and parameters drawn N(0, 1) are emlp's. Parameters P are
 *   grouped by (rep of out_i, rep of in_j), in order of first appearance;
 *   within a group, row-major over (i, m, j).
 *   Cost per example: a few small products per (i, j) block; no W(x) is
 *   materialized.
 *
 * LOWRANK (weyl_bilinear_new): y = L3((L1 x) (x) (L2 x)). L1, L2 project x
 *   onto a small rep S (e.g. "Scalar + 4*V"), their tensor product lives in
 *   T = sum_ij S_i (x) S_j (S's summands, pair (i, j) in row-major order, each
 *   block the Kronecker product with the left index major), and L3 maps
 *   T -> out. All three are equivariant linear layers (no biases).
 *   Parameters: [L1 | L2 | L3].
 *
 * Parameters are a flat, caller-owned vector. The layer owns what it solves
 * and keeps the intermediate products of the last forward pass (grown to the
 * largest batch) for weyl_bilinear_backward. Not safe to use from two
 * threads at once. */
#ifndef WEYL_BILINEAR_H
#define WEYL_BILINEAR_H

#include "weyl/linear.h"

/* An equivariant bilinear layer of either kind (opaque); see the file comment. */
typedef struct weyl_bilinear weyl_bilinear;

/* The two kinds of bilinear layer (see the file comment). */
typedef enum { WEYL_BILINEAR_FULL, WEYL_BILINEAR_LOWRANK } weyl_bilinear_kind;

/* Builds the paper's (FULL) bilinear layer in -> out (reps of one group;
 * read during the call only). *b is new (weyl_bilinear_free). A layer with
 * no block that has sources is valid and has 0 parameters (its output is 0).
 * Returns WEYL_EINVAL for NULL arguments or reps of different groups,
 * WEYL_ELIMIT, WEYL_ENOMEM. */
weyl_status weyl_bilinear_full_new(const weyl_rep *in, const weyl_rep *out, weyl_bilinear **b);

/* The kind b was built as (FULL for NULL). */
weyl_bilinear_kind weyl_bilinear_kind_of(const weyl_bilinear *b);

/* Builds the LOWRANK layer in -> out through the small rep mid (reps of one group;
 * read during the call only). opts may be NULL. *b is new
 * (weyl_bilinear_free). Returns the solver's statuses, WEYL_EINVAL. */
weyl_status weyl_bilinear_new(const weyl_rep *in, const weyl_rep *out, const weyl_rep *mid,
                              const weyl_basis_opts *opts, weyl_bilinear **b);
/* Frees a bilinear layer; NULL is allowed. */
void weyl_bilinear_free(weyl_bilinear *b);

/* Number of parameters of the layer (FULL: all P_ijm; LOWRANK: its three maps). */
int weyl_bilinear_nparams(const weyl_bilinear *b);

/* FULL: draws P standard normal. LOWRANK: draws L1, L2 and L3 as
 * weyl_linear_init with gain 1. Then materializes. */
weyl_status weyl_bilinear_init(weyl_bilinear *b, weyl_rng *rng, double *params);
/* Takes the parameters from params (weyl_bilinear_nparams entries): FULL
 * copies P, LOWRANK materializes its three maps.
 * Returns WEYL_EINVAL for NULL arguments. */
weyl_status weyl_bilinear_set_params(weyl_bilinear *b, const double *params);

/* Rescales as weyl_linear_rescale does: the parameters feeding an output
 * summand (FULL: its P_ijm; LOWRANK: its rows of L3, in which the output is
 * linear) are divided by the root of the mean of row_ms over its rows
 * (FULL leaves alone a summand whose mean is below 1e-12 times the
 * largest, LOWRANK one whose mean is 0, as weyl_linear_rescale). */
weyl_status weyl_bilinear_rescale(weyl_bilinear *b, double *params, const double *row_ms);

/* y (batch x out) = the layer applied to x (batch x in). With add = 1 the
 * result is added to y instead of written. A batch of 0 rows is a no-op;
 * WEYL_EINVAL for a negative batch or NULL arguments. */
weyl_status weyl_bilinear_forward(weyl_bilinear *b, int batch, const double *x, double *y, int add);

/* After weyl_bilinear_forward on the same x: ADDS the parameter gradient to
 * dparams and, when dx is not NULL, ADDS dL/dx to dx. A batch of 0 rows
 * adds nothing. */
weyl_status weyl_bilinear_backward(weyl_bilinear *b, int batch, const double *x, const double *dy,
                                   double *dparams, double *dx);

#endif
