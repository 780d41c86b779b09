/* Adam on parameters that are coordinates (internal): emlp's optimizer for
 * its Linear layers, used by weyl_net_adam_new_full. */
#ifndef WEYL_ADAM_IMPL_H
#define WEYL_ADAM_IMPL_H

#include <stddef.h>

#include "weyl/adam.h"

/* A linear map between a segment's coordinates and the full space: embed
 * writes the point with those coordinates (full entries), coords the
 * coordinates of a point's orthogonal projection (n entries). */
typedef weyl_status (*weyl_adam_map)(void *ctx, const double *from, double *to);

/* Parameters [param0, param0 + n) become the coordinates, in an orthonormal
 * basis, of P(w) for a point w of a space of `full` entries, P the
 * orthogonal projection onto the basis' span. Adam then steps every entry of
 * w (its moments live in the full space: the gradient dL/dw = P(dL/dW) is
 * embed(grad)), and the parameters move by coords(step): emlp keeps w and
 * uses W = P(w), which is the same walk. Segments must not overlap each
 * other. ctx must outlive the optimizer's steps. A map that fails makes
 * weyl_adam_step return its status with params unchanged (the moments of
 * the segments mapped before it have moved). Returns WEYL_EINVAL for a bad
 * range, WEYL_ENOMEM (nothing changed then). */
weyl_status weyl_adam_add_lifted(weyl_adam *a, int param0, int n, size_t full,
                                 weyl_adam_map embed, weyl_adam_map coords, void *ctx);

/* What the optimizer was made for (a net), so that a step on something else
 * can be refused; NULL (the default) for a plain optimizer. */
void weyl_adam_set_owner(weyl_adam *a, const void *owner);
const void *weyl_adam_owner(const weyl_adam *a);

#endif
