/* Losses over a batch, with their gradients. */
#include "weyl/loss.h"

#include <math.h>
#include <stddef.h>

#include "core/status_impl.h"

weyl_status weyl_loss_mse(int n, int d, const double *pred, const double *target, double *grad,
                          double *value) {
  if (!pred || !target || !value || n < 0 || d < 1)
    return weyl_fail(WEYL_EINVAL, "weyl_loss_mse: bad argument");
  if (n == 0) {
    *value = 0;
    return WEYL_OK;
  }
  size_t N = (size_t)n * d;
  double sum = 0;
  for (size_t e = 0; e < N; e++) {
    double r = pred[e] - target[e];
    sum += r * r;
    if (grad)
      grad[e] = 2.0 * r / N;
  }
  *value = sum / N;
  return WEYL_OK;
}

weyl_status weyl_loss_xent(int n, int classes, const double *logits, const int *labels,
                           double *grad, double *value) {
  if (!logits || !labels || !value || n < 0 || classes < 1)
    return weyl_fail(WEYL_EINVAL, "weyl_loss_xent: bad argument");
  if (n == 0) {
    *value = 0;
    return WEYL_OK;
  }
  double total = 0;
  for (int r = 0; r < n; r++) {
    const double *z = logits + (size_t)r * classes;
    if (labels[r] < 0 || labels[r] >= classes)
      return weyl_fail(WEYL_EINVAL, "weyl_loss_xent: label %d of row %d not in [0, %d)", labels[r],
                       r, classes);
    double mx = z[0];
    for (int c = 1; c < classes; c++)
      mx = z[c] > mx ? z[c] : mx;
    double sum = exp(z[0] - mx);
    for (int c = 1; c < classes; c++)
      sum += exp(z[c] - mx); /* >= 1: the max term is 1 */
    double lse = mx + log(sum);
    total += lse - z[labels[r]];
    for (int c = 0; grad && c < classes; c++)
      grad[(size_t)r * classes + c] = (exp(z[c] - lse) - (c == labels[r])) / n;
  }
  *value = total / n;
  return WEYL_OK;
}
