/* The Adam optimizer. */
#include "weyl/adam.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/status_impl.h"
#include "nn/adam_impl.h"
#include "nn/nn_util.h"

/* Parameters that are coordinates of P(w); Adam steps w (adam_impl.h). */
typedef struct {
  int param0, n, full;
  weyl_adam_map embed, coords;
  void *ctx;
  double *mom, *var; /* full entries each: Adam's moments of w */
  double *g, *step;  /* full entries each: dL/dw, then Adam's step of w */
  double *delta;     /* n entries: the step's coordinates */
} lifted;

struct weyl_adam {
  int n;
  long t;
  double lr, b1, b2, eps;
  int eps_inside; /* WEYL_ADAM_EPS_INSIDE: eps under the square root (objax's) */
  double *mom, *var;
  double *rate; /* per-parameter multipliers of lr; NULL: all 1 */
  lifted *seg;  /* n_seg segments, sorted by param0, not overlapping */
  int n_seg;
  const void *owner;
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

static void lifted_free(lifted *l) {
  free(l->mom), free(l->var), free(l->g), free(l->step), free(l->delta);
}

void weyl_adam_free(weyl_adam *a) {
  if (!a)
    return;
  for (int i = 0; i < a->n_seg; i++)
    lifted_free(&a->seg[i]);
  free(a->seg);
  free(a->mom);
  free(a->var);
  free(a->rate);
  free(a);
}

void weyl_adam_set_lr(weyl_adam *a, double lr) {
  if (a && lr >= 0 && isfinite(lr)) /* 0: a warmup's first step */
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

weyl_status weyl_adam_set_eps(weyl_adam *a, double eps, weyl_adam_eps_place where) {
  if (!a || !(eps >= 0) || !isfinite(eps) ||
      (where != WEYL_ADAM_EPS_OUTSIDE && where != WEYL_ADAM_EPS_INSIDE))
    return weyl_fail(WEYL_EINVAL, "weyl_adam_set_eps: bad argument (eps %g)", eps);
  a->eps = eps;
  a->eps_inside = where == WEYL_ADAM_EPS_INSIDE;
  return WEYL_OK;
}

/* The update over n parameters (arrays distinct, checked by the caller:
 * restrict lets the loop vectorize; built for AVX2 as well, whose 4 lanes
 * halve the time of the square roots and divisions). Inside, a parameter
 * with rate r has eps r^2 under the root: on an orbit basis that is emlp's
 * step of the orbit's |O| = r^2 entries of w, each with eps (adam.h). */
WEYL_AVX2_CLONE static void adam_update(int n, double *restrict p, const double *restrict g,
                                        double *restrict mom, double *restrict var,
                                        const double *restrict rate, double b1, double b2,
                                        double lr, double eps, int inside, double c1, double c2) {
  for (int k = 0; k < n; k++) { /* lr * 1.0 is lr exactly: no rates, no change */
    double r = rate ? rate[k] : 1.0;
    mom[k] = b1 * mom[k] + (1 - b1) * g[k];
    var[k] = b2 * var[k] + (1 - b2) * g[k] * g[k];
    double denom = inside ? sqrt((var[k] + eps * r * r) / c2) : sqrt(var[k] / c2) + eps;
    p[k] -= lr * r * (mom[k] / c1) / denom;
  }
}

weyl_status weyl_adam_add_lifted(weyl_adam *a, int param0, int n, size_t full, weyl_adam_map embed,
                                 weyl_adam_map coords, void *ctx) {
  if (!a || !embed || !coords || param0 < 0 || n < 0 || param0 > a->n - n || full > INT_MAX)
    return weyl_fail(WEYL_EINVAL, "weyl_adam_add_lifted: bad argument");
  int at = 0; /* keep the segments sorted: the plain update runs between them */
  while (at < a->n_seg && a->seg[at].param0 < param0)
    at++;
  if ((at > 0 && a->seg[at - 1].param0 + a->seg[at - 1].n > param0) ||
      (at < a->n_seg && param0 + n > a->seg[at].param0))
    return weyl_fail(WEYL_EINVAL, "weyl_adam_add_lifted: segments overlap");
  lifted l = {
      .param0 = param0, .n = n, .full = (int)full, .embed = embed, .coords = coords, .ctx = ctx};
  l.mom = calloc(full + 1, sizeof *l.mom);
  l.var = calloc(full + 1, sizeof *l.var);
  l.g = malloc(sizeof *l.g * (full + 1));
  l.step = malloc(sizeof *l.step * (full + 1));
  l.delta = malloc(sizeof *l.delta * ((size_t)n + 1));
  lifted *seg = l.mom && l.var && l.g && l.step && l.delta
                    ? realloc(a->seg, sizeof *seg * ((size_t)a->n_seg + 1))
                    : NULL;
  if (!seg) {
    lifted_free(&l);
    return weyl_fail(WEYL_ENOMEM, "out of memory in weyl_adam_add_lifted");
  }
  memmove(seg + at + 1, seg + at, sizeof *seg * (size_t)(a->n_seg - at));
  seg[at] = l;
  a->seg = seg;
  a->n_seg++;
  return WEYL_OK;
}

void weyl_adam_set_owner(weyl_adam *a, const void *owner) {
  if (a)
    a->owner = owner;
}

const void *weyl_adam_owner(const weyl_adam *a) { return a ? a->owner : NULL; }

/* The plain update of params [from, to). */
static void plain_range(weyl_adam *a, int from, int to, double *params, const double *grads,
                        double c1, double c2) {
  if (to > from)
    adam_update(to - from, params + from, grads + from, a->mom + from, a->var + from,
                a->rate ? a->rate + from : NULL, a->b1, a->b2, a->lr, a->eps, a->eps_inside, c1,
                c2);
}

weyl_status weyl_adam_step(weyl_adam *a, double *params, const double *grads) {
  if (!a || !params || !grads)
    return weyl_fail(WEYL_EINVAL, "weyl_adam_step: NULL argument");
  if (weyl_nn_overlap(params, (size_t)a->n, grads, (size_t)a->n))
    return weyl_fail(WEYL_EINVAL, "weyl_adam_step: params and grads overlap");
  a->t++;
  double c1 = 1 - pow(a->b1, (double)a->t), c2 = 1 - pow(a->b2, (double)a->t);
  /* Every lifted step first, so that a failing map leaves params as they were. */
  for (int i = 0; i < a->n_seg; i++) {
    lifted *l = &a->seg[i];
    weyl_status s = l->embed(l->ctx, grads + l->param0, l->g);
    if (s != WEYL_OK)
      return s;
    memset(l->step, 0, sizeof *l->step * (size_t)l->full);
    adam_update(l->full, l->step, l->g, l->mom, l->var, NULL, a->b1, a->b2, a->lr, a->eps,
                a->eps_inside, c1, c2);
    s = l->coords(l->ctx, l->step, l->delta);
    if (s != WEYL_OK)
      return s;
  }
  int from = 0;
  for (int i = 0; i < a->n_seg; i++) {
    const lifted *l = &a->seg[i];
    plain_range(a, from, l->param0, params, grads, c1, c2);
    for (int k = 0; k < l->n; k++)
      params[l->param0 + k] += l->delta[k];
    from = l->param0 + l->n;
  }
  plain_range(a, from, a->n, params, grads, c1, c2);
  return WEYL_OK;
}

int weyl_adam_nparams(const weyl_adam *a) { return a ? a->n : 0; }
