/* The Adam optimizer. */
#include "weyl/adam.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/status_impl.h"
#include "nn/nn_util.h"

struct weyl_adam {
  int n;
  long t;
  double lr, b1, b2, eps;
  double *mom, *var;
  double *rate; /* per-parameter multipliers of lr; NULL: all 1 */
};

weyl_status weyl_adam_new(int n, double lr, weyl_adam **a) {
  if (n < 0 || !(lr > 0) || !a)
    return weyl_fail(WEYL_EINVAL, "weyl_adam_new: bad argument");
  weyl_adam *o = calloc(1, sizeof *o);
  if (o) {
    o->mom = calloc((size_t)n + 1, sizeof *o->mom);
    o->var = calloc((size_t)n + 1, sizeof *o->var);
  }
  if (!o || !o->mom || !o->var) {
    weyl_adam_free(o);
    return weyl_fail(WEYL_ENOMEM, "out of memory in weyl_adam_new");
  }
  o->n = n;
  o->lr = lr;
  o->b1 = 0.9;
  o->b2 = 0.999;
  o->eps = 1e-8;
  *a = o;
  return WEYL_OK;
}

void weyl_adam_free(weyl_adam *a) {
  if (!a)
    return;
  free(a->mom);
  free(a->var);
  free(a->rate);
  free(a);
}

void weyl_adam_set_lr(weyl_adam *a, double lr) {
  if (a && lr > 0)
    a->lr = lr;
}

weyl_status weyl_adam_set_rate_scales(weyl_adam *a, const double *scales) {
  if (!a)
    return weyl_fail(WEYL_EINVAL, "weyl_adam_set_rate_scales: NULL optimizer");
  if (!scales) {
    free(a->rate);
    a->rate = NULL;
    return WEYL_OK;
  }
  for (int k = 0; k < a->n; k++)
    if (!(scales[k] > 0) || !isfinite(scales[k]))
      return weyl_fail(WEYL_EINVAL, "weyl_adam_set_rate_scales: scale %d is %g (must be > 0)", k,
                       scales[k]);
  double *r = a->rate ? a->rate : malloc(sizeof *r * ((size_t)a->n + 1));
  if (!r)
    return weyl_fail(WEYL_ENOMEM, "out of memory in weyl_adam_set_rate_scales");
  memcpy(r, scales, sizeof *r * (size_t)a->n);
  a->rate = r;
  return WEYL_OK;
}

/* The update over n parameters (arrays distinct, checked by the caller:
 * restrict lets the loop vectorize; built for AVX2 as well, whose 4 lanes
 * halve the time of the square roots and divisions). */
WEYL_AVX2_CLONE static void adam_update(int n, double *restrict p, const double *restrict g,
                                        double *restrict mom, double *restrict var,
                                        const double *restrict rate, double b1, double b2,
                                        double lr, double eps, double c1, double c2) {
  for (int k = 0; k < n; k++) { /* lr * 1.0 is lr exactly: no rates, no change */
    mom[k] = b1 * mom[k] + (1 - b1) * g[k];
    var[k] = b2 * var[k] + (1 - b2) * g[k] * g[k];
    p[k] -= lr * (rate ? rate[k] : 1.0) * (mom[k] / c1) / (sqrt(var[k] / c2) + eps);
  }
}

weyl_status weyl_adam_step(weyl_adam *a, double *params, const double *grads) {
  if (!a || !params || !grads)
    return weyl_fail(WEYL_EINVAL, "weyl_adam_step: NULL argument");
  if (weyl_nn_overlap(params, (size_t)a->n, grads, (size_t)a->n))
    return weyl_fail(WEYL_EINVAL, "weyl_adam_step: params and grads overlap");
  a->t++;
  double c1 = 1 - pow(a->b1, (double)a->t), c2 = 1 - pow(a->b2, (double)a->t);
  adam_update(a->n, params, grads, a->mom, a->var, a->rate, a->b1, a->b2, a->lr, a->eps, c1, c2);
  return WEYL_OK;
}

int weyl_adam_nparams(const weyl_adam *a) { return a ? a->n : 0; }
