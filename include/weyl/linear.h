/* weyl — the equivariant linear layer y = W x + b.
 *
 * W = sum_k theta_k B_k and b = sum_k beta_k c_k, where B_k are the elements
 * of a solved basis (rep_in -> rep_out) and c_k those of the bias basis. The
 * parameters are a flat vector the caller owns: [theta (dim B) | beta (dim c)].
 * W and b are materialized once per parameter update (weyl_linear_set_params)
 * and then used by every forward/backward call, so a step costs one dgemm.
 *
 * Data layout: a batch is row-major, one example per row: x is batch x in_dim,
 * y is batch x out_dim. The layer borrows its bases (they must outlive it) and
 * owns only W, b and a scratch matrix; it keeps no global state. One layer
 * object must not be used from two threads at once (the scratch is shared). */
#ifndef WEYL_LINEAR_H
#define WEYL_LINEAR_H

#include "weyl/basis.h"
#include "weyl/rng.h"

/* An equivariant linear layer y = W x + b with W and b from solved bases (opaque). */
typedef struct weyl_linear weyl_linear;

/* Creates a layer from a weight basis and a bias basis (bias may be NULL: no
 * bias). Both are borrowed. The parameters start at zero (W = 0, b = 0).
 * *layer is new; free it with weyl_linear_free.
 * Returns WEYL_EINVAL when the bias basis does not map Scalar -> out, WEYL_ENOMEM. */
weyl_status weyl_linear_new(const weyl_basis *w, const weyl_basis *bias, weyl_linear **layer);
/* Frees a layer (not the bases it borrows); NULL is allowed. */
void weyl_linear_free(weyl_linear *l);

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

/* Rescales params so that an output whose rows had mean squares row_ms
 * (out_dim entries, e.g. measured on a batch) gets unit mean square on every
 * output summand: the coefficients feeding a summand (weights and bias) are
 * divided by the root of the mean of row_ms over its rows. Summands with mean
 * 0 are left alone. Re-materializes W and b. */
weyl_status weyl_linear_rescale(weyl_linear *l, double *params, const double *row_ms);

/* y = x W^T + 1 b^T for batch examples. */
weyl_status weyl_linear_forward(const weyl_linear *l, int batch, const double *x, double *y);

/* Given dy = dL/dy (batch x out) and the forward input x, ADDS the parameter
 * gradient to dparams (theta: <B_k, dy^T x>, beta: <c_k, sum_rows dy>) and,
 * when dx is not NULL, WRITES dx = dy W (batch x in). */
weyl_status weyl_linear_backward(weyl_linear *l, int batch, const double *x, const double *dy,
                                 double *dparams, double *dx);

#endif
