/* weyl — the Adam optimizer (Kingma and Ba 2015) over a flat parameter
 * vector, as weyl_model_params() gives one. */
#ifndef WEYL_ADAM_H
#define WEYL_ADAM_H

#include "weyl/status.h"

/* An Adam optimizer over a flat parameter vector of n entries (opaque): its
 * moment estimates and step count. */
typedef struct weyl_adam weyl_adam;
/* Makes an optimizer for n parameters with learning rate lr (beta 0.9,
 * 0.999, eps 1e-8). *a is new; free it with weyl_adam_free.
 * Returns WEYL_EINVAL for n < 0, lr <= 0 or a NULL a, WEYL_ENOMEM. */
weyl_status weyl_adam_new(int n, double lr, weyl_adam **a);
/* Frees an optimizer; NULL is allowed. */
void weyl_adam_free(weyl_adam *a);
/* Number of parameters the optimizer was made for (0 for NULL). */
int weyl_adam_nparams(const weyl_adam *a);
/* Changes the learning rate (for schedules). 0 is allowed: a step at rate
 * 0 updates the moments and the step count and leaves the parameters, as
 * the first step of a linear warmup does in objax and PyTorch. A negative
 * or non-finite lr is ignored. */
void weyl_adam_set_lr(weyl_adam *a, double lr);
/* Sets per-parameter multipliers of the learning rate: parameter k steps
 * with lr * scales[k] (n entries, each > 0 and finite, copied); NULL sets
 * them all back to 1. weyl_net_rate_scales gives emlp's for a net.
 * Returns WEYL_EINVAL for a NULL a or a bad entry (nothing changed then),
 * WEYL_ENOMEM. */
weyl_status weyl_adam_set_rate_scales(weyl_adam *a, const double *scales);
/* Where eps enters the step's denominator. OUTSIDE (the default) is Kingma
 * and Ba's and PyTorch's: lr m^ / (sqrt(v^) + eps), m^ = m / (1 - b1^t),
 * v^ = v / (1 - b2^t). INSIDE is objax's, and so emlp's:
 * lr m^ / sqrt(v^ + eps / (1 - b2^t)). With eps = 1e-8 inside, entries whose
 * gradients are below about 1e-4 take shorter steps: late in a regression
 * whose loss is near 1e-4 that damps Adam like a decaying rate. It depends
 * on the loss's scale (emlp's loss is in the data's units: a loss
 * standardized by s has emlp's steps with eps / s^4). With rate scales r,
 * inside uses eps r^2 (emlp's step on an orbit basis, whose unit element
 * spreads over r^2 entries of w). */
typedef enum { WEYL_ADAM_EPS_OUTSIDE, WEYL_ADAM_EPS_INSIDE } weyl_adam_eps_place;
/* Sets eps (>= 0, finite; 1e-8 when made) and where it enters.
 * Returns WEYL_EINVAL for a NULL a or a bad eps or place (nothing changed). */
weyl_status weyl_adam_set_eps(weyl_adam *a, double eps, weyl_adam_eps_place where);
/* One Adam update of params from grads (n entries each). An optimizer from
 * weyl_net_adam_new_full steps that net's linear layers in their full
 * (W, b) space (rate scales do not apply there) and so must not outlive
 * the net.
 * Returns WEYL_EINVAL for NULL arguments and for params overlapping grads. */
weyl_status weyl_adam_step(weyl_adam *a, double *params, const double *grads);

#endif
