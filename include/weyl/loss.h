/* weyl — losses over a batch, with their gradients, for training models. */
#ifndef WEYL_LOSS_H
#define WEYL_LOSS_H

#include "weyl/status.h"

/* Losses over a batch. *value is the mean; grad (same shape as pred) gets
 * its gradient. MSE: mean over all n*d entries of (pred - target)^2.
 * Cross-entropy: logits n x classes, labels in [0, classes), mean over n of
 * -log softmax(logits)[label]. n = 0 gives value 0 (an empty batch).
 * Return WEYL_EINVAL for a label out of range. */
weyl_status weyl_loss_mse(int n, int d, const double *pred, const double *target, double *grad,
                          double *value);
/* Cross-entropy of logits (n x classes) against labels; see above. */
weyl_status weyl_loss_xent(int n, int classes, const double *logits, const int *labels,
                           double *grad, double *value);

#endif
