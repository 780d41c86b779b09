/* weyl — an equivariant bilinear layer: y = L3((L1 x) (x) (L2 x)).
 *
 * Linear layers and gated nonlinearities alone cannot make invariants such as
 * x1.x2 from vectors when Hom(V, Scalar) = 0 (O(n), SO(1,3)): the gates would
 * only see biases. The EMLP paper adds a bilinear layer to each block for
 * this; here it is the low-rank form: L1, L2 project x onto a small rep S
 * (e.g. "Scalar + 4*V"), their tensor product lives in T = sum_ij S_i (x) S_j
 * (S's summands, pair (i, j) in row-major order, each block the Kronecker
 * product with the left index major), and L3 maps T -> out. All three are
 * equivariant linear layers (no biases), so the layer is equivariant for any
 * group. Parameters: [L1 | L2 | L3], flat, caller-owned.
 *
 * The layer solves and owns its three bases and keeps the intermediate
 * products of the last forward pass (grown to the largest batch) for
 * weyl_bilinear_backward. Not safe to use from two threads at once. */
#ifndef WEYL_BILINEAR_H
#define WEYL_BILINEAR_H

#include "weyl/linear.h"

/* A low-rank equivariant bilinear layer (opaque); see the file comment. */
typedef struct weyl_bilinear weyl_bilinear;

/* Builds the layer in -> out through the small rep mid (reps of one group;
 * read during the call only). opts may be NULL. *b is new
 * (weyl_bilinear_free). Returns the solver's statuses, WEYL_EINVAL. */
weyl_status weyl_bilinear_new(const weyl_rep *in, const weyl_rep *out, const weyl_rep *mid,
                              const weyl_basis_opts *opts, weyl_bilinear **b);
/* Frees a bilinear layer; NULL is allowed. */
void weyl_bilinear_free(weyl_bilinear *b);

/* Number of parameters of the layer (its three linear maps together). */
int weyl_bilinear_nparams(const weyl_bilinear *b);

/* Draws L1, L2 and L3 as weyl_linear_init with gain 1, and materializes. */
weyl_status weyl_bilinear_init(weyl_bilinear *b, weyl_rng *rng, double *params);
/* Materializes the three maps from params (weyl_bilinear_nparams entries).
 * Returns WEYL_EINVAL for NULL arguments. */
weyl_status weyl_bilinear_set_params(weyl_bilinear *b, const double *params);

/* Rescales L3 as weyl_linear_rescale does (the output is linear in L3). */
weyl_status weyl_bilinear_rescale(weyl_bilinear *b, double *params, const double *row_ms);

/* y (batch x out) = the layer applied to x (batch x in). With add = 1 the
 * result is added to y instead of written. */
weyl_status weyl_bilinear_forward(weyl_bilinear *b, int batch, const double *x, double *y, int add);

/* After weyl_bilinear_forward on the same x: ADDS the parameter gradient to
 * dparams and, when dx is not NULL, ADDS dL/dx to dx. */
weyl_status weyl_bilinear_backward(weyl_bilinear *b, int batch, const double *x, const double *dy,
                                   double *dparams, double *dx);

#endif
