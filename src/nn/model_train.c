/* Initialization, losses, Adam and the training step. */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "weyl/adam.h"
#include "weyl/loss.h"

#include "nn/model_impl.h"
#include "core/status_impl.h"

enum { CALIB_ROWS = 256 };

/* Mean square over the calibration rows of each of the d columns of a - b
 * (b may be NULL) into row_ms. */
static void column_ms(const double *a, const double *b, int d, double *row_ms) {
  memset(row_ms, 0, sizeof *row_ms * (size_t)d);
  for (int n = 0; n < CALIB_ROWS; n++)
    for (int j = 0; j < d; j++) {
      size_t e = (size_t)n * d + j;
      double z = a[e] - (b ? b[e] : 0);
      row_ms[j] += z * z / CALIB_ROWS;
    }
}

/* Scales stage i's linear and bilinear parameters so that its pre-activation
 * on act[i] has unit mean square on every output summand, then recomputes
 * the stage (LSUV, Mishkin and Matas 2016, per summand). A bilinear layer on
 * the linear output (the paper's block) is scaled after the linear layer,
 * on its own output: each part gets unit mean square. */
static weyl_status calibrate_stage(weyl_model *m, int i) {
  weyl_stage *st = &m->stages[i];
  weyl_status s = weyl_model_stage_forward(m, i, CALIB_ROWS);
  if (s != WEYL_OK)
    return s;
  double *row_ms = calloc((size_t)st->mid_dim, sizeof *row_ms);
  if (!row_ms)
    return weyl_fail(WEYL_ENOMEM, "out of memory in weyl_model_init");
  column_ms(st->bil_on_lin ? m->lo[i] : m->pre[i], NULL, st->mid_dim, row_ms);
  s = weyl_linear_rescale(st->lin, m->params + st->p_lin, row_ms);
  if (s == WEYL_OK && st->bil && !st->bil_on_lin)
    s = weyl_bilinear_rescale(st->bil, m->params + st->p_bil, row_ms);
  if (s == WEYL_OK && st->bil_on_lin) {
    s = weyl_model_stage_forward(m, i, CALIB_ROWS);
    column_ms(m->pre[i], m->lo[i], st->mid_dim, row_ms);
    if (s == WEYL_OK)
      s = weyl_bilinear_rescale(st->bil, m->params + st->p_bil, row_ms);
  }
  free(row_ms);
  return s == WEYL_OK ? weyl_model_stage_forward(m, i, CALIB_ROWS) : s;
}

weyl_status weyl_model_init(weyl_model *m, uint64_t seed) {
  if (!m)
    return weyl_fail(WEYL_EINVAL, "weyl_model_init: NULL model");
  weyl_rng rng;
  weyl_rng_seed(&rng, seed);
  memset(m->params, 0, (size_t)m->nparams * sizeof *m->params);
  weyl_status s = WEYL_OK;
  for (int i = 0; i < m->n_stages && s == WEYL_OK; i++) {
    weyl_stage *st = &m->stages[i];
    s = weyl_linear_init(st->lin, &rng, 1.0, m->params + st->p_lin);
    if (s == WEYL_OK && st->bil)
      s = weyl_bilinear_init(st->bil, &rng, m->params + st->p_bil);
  }
  int din = weyl_model_in_dim(m);
  double *x = malloc(sizeof *x * CALIB_ROWS * din), *y = NULL;
  if (!x)
    return weyl_fail(WEYL_ENOMEM, "out of memory in weyl_model_init");
  for (int e = 0; e < CALIB_ROWS * din; e++)
    x[e] = weyl_rng_normal(&rng);
  y = malloc(sizeof *y * CALIB_ROWS * weyl_model_out_dim(m));
  if (!y)
    s = weyl_fail(WEYL_ENOMEM, "out of memory in weyl_model_init");
  /* One forward pass sizes the buffers and fills act[0]. */
  if (s == WEYL_OK)
    s = weyl_model_forward(m, CALIB_ROWS, x, y);
  for (int i = 0; i < m->n_stages && s == WEYL_OK; i++)
    s = calibrate_stage(m, i);
  if (s == WEYL_OK)
    s = weyl_model_forward(m, CALIB_ROWS, x, y);
  free(x);
  free(y);
  return s;
}

/* ---------- losses ---------- */

weyl_status weyl_loss_mse(int n, int d, const double *pred, const double *target, double *grad,
                          double *value) {
  if (!pred || !target || !value || n < 1 || d < 1)
    return weyl_fail(WEYL_EINVAL, "weyl_loss_mse: bad argument");
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
  if (!logits || !labels || !value || n < 1 || classes < 1)
    return weyl_fail(WEYL_EINVAL, "weyl_loss_xent: bad argument");
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

/* ---------- Adam ---------- */

struct weyl_adam {
  int n;
  long t;
  double lr, b1, b2, eps;
  double *mom, *var;
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
  free(a);
}

void weyl_adam_set_lr(weyl_adam *a, double lr) {
  if (a && lr > 0)
    a->lr = lr;
}

weyl_status weyl_adam_step(weyl_adam *a, double *params, const double *grads) {
  if (!a || !params || !grads)
    return weyl_fail(WEYL_EINVAL, "weyl_adam_step: NULL argument");
  a->t++;
  double c1 = 1 - pow(a->b1, (double)a->t), c2 = 1 - pow(a->b2, (double)a->t);
  for (int k = 0; k < a->n; k++) {
    a->mom[k] = a->b1 * a->mom[k] + (1 - a->b1) * grads[k];
    a->var[k] = a->b2 * a->var[k] + (1 - a->b2) * grads[k] * grads[k];
    params[k] -= a->lr * (a->mom[k] / c1) / (sqrt(a->var[k] / c2) + a->eps);
  }
  return WEYL_OK;
}

weyl_status weyl_model_train_mse(weyl_model *m, weyl_adam *a, int batch, const double *x,
                                 const double *y, double *loss) {
  if (!m || !a || !x || !y)
    return weyl_fail(WEYL_EINVAL, "weyl_model_train_mse: NULL argument");
  if (a->n != m->nparams)
    return weyl_fail(WEYL_EINVAL, "weyl_model_train_mse: optimizer has %d parameters, model %d",
                     a->n, m->nparams);
  int dout = weyl_model_out_dim(m);
  weyl_status s = weyl_model_batch_check("weyl_model_train_mse", batch, dout);
  if (s != WEYL_OK)
    return s;
  double *buf = malloc(sizeof *buf * 2 * (size_t)batch * dout), value = 0;
  if (!buf)
    return weyl_fail(WEYL_ENOMEM, "out of memory in a training step");
  double *pred = buf, *grad = buf + (size_t)batch * dout;
  s = weyl_model_forward(m, batch, x, pred);
  if (s == WEYL_OK)
    s = weyl_loss_mse(batch, dout, pred, y, grad, &value);
  if (s == WEYL_OK)
    s = weyl_model_backward(m, batch, grad);
  if (s == WEYL_OK)
    s = weyl_adam_step(a, m->params, m->grads);
  if (s == WEYL_OK)
    s = weyl_model_sync(m);
  free(buf);
  if (s == WEYL_OK && loss)
    *loss = value;
  return s;
}
