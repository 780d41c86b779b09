/* Initialization, the training step, the equivariance check and parameter
 * files of nets. */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "weyl/element.h"
#include "weyl/io.h"
#include "weyl/loss.h"

#include "core/status_impl.h"
#include "nn/adam_impl.h"
#include "nn/net_impl.h"
#include "nn/nn_util.h"

enum { CALIB_ROWS = 256 };

/* Output rows whose mean square is at most this fraction of the largest
 * activation's so far are zero in exact arithmetic: what rounding leaves of
 * a map that cancels (e.g. Hom(rot(1), Scalar) through V**3). The reference
 * is the scale of the whole computation, not the layer's input, which may be
 * rounding noise itself (a gated rep fed only by invariants). */
#define ZERO_ROW_REL 1e-12

/* Mean square of act[i] on the calibration batch. */
static double act_ms(const weyl_net *net, int i) {
  size_t n = (size_t)CALIB_ROWS * weyl_rep_dim(net->reps[i]);
  return cblas_ddot((int)n, net->act[i], 1, net->act[i], 1) / (double)n;
}

/* Per-row mean squares of z (CALIB_ROWS x n) into row_ms, with rows that are
 * zero in exact arithmetic (ZERO_ROW_REL * ref_ms or less) set to 0, which
 * the rescaling leaves alone. */
static void row_mean_squares(const double *z, int n, double ref_ms, double *row_ms) {
  memset(row_ms, 0, sizeof *row_ms * (size_t)n);
  for (int r = 0; r < CALIB_ROWS; r++)
    for (int j = 0; j < n; j++)
      row_ms[j] += z[(size_t)r * n + j] * z[(size_t)r * n + j] / CALIB_ROWS;
  for (int j = 0; j < n; j++)
    row_ms[j] = row_ms[j] > ZERO_ROW_REL * ref_ms ? row_ms[j] : 0;
}

/* Scales layer i (linear and/or bilinear) so that every output summand has
 * unit mean square on the calibration batch, then recomputes its output.
 * ref_ms is the largest activation mean square so far. */
static weyl_status calibrate(weyl_net *net, int i, double ref_ms) {
  weyl_net_layer *l = &net->layers[i];
  double *row_ms = calloc((size_t)l->out_dim + 1, sizeof *row_ms);
  weyl_status s = row_ms ? WEYL_OK : weyl_fail(WEYL_ENOMEM, "out of memory in weyl_net_init");
  if (s == WEYL_OK)
    row_mean_squares(net->act[i + 1], l->out_dim, ref_ms, row_ms);
  if (s == WEYL_OK && l->lin)
    s = weyl_linear_rescale(l->lin, net->params + l->p_lin, row_ms);
  if (s == WEYL_OK && l->bil)
    s = weyl_bilinear_rescale(l->bil, net->params + l->p_bil, row_ms);
  free(row_ms);
  return s == WEYL_OK ? weyl_net_layer_forward(net, i, CALIB_ROWS) : s;
}

/* Draws every layer's parameters, linear layers as emlp does
 * (weyl_linear_init_paper) or, for the calibrated init, as
 * weyl_linear_init with gain 1 (biases 0); norm offsets stay 0. */
static weyl_status draw(weyl_net *net, weyl_rng *rng, int paper) {
  memset(net->params, 0, sizeof *net->params * (size_t)net->nparams);
  weyl_status s = WEYL_OK;
  for (int i = 0; i < net->n && s == WEYL_OK; i++) {
    weyl_net_layer *l = &net->layers[i];
    double *p = net->params + l->p_lin;
    if (l->lin)
      s = paper ? weyl_linear_init_paper(l->lin, rng, p) : weyl_linear_init(l->lin, rng, 1.0, p);
    if (s == WEYL_OK && l->bil)
      s = weyl_bilinear_init(l->bil, rng, net->params + l->p_bil);
  }
  return s;
}

weyl_status weyl_net_init_calibrated(weyl_net *net, uint64_t seed) {
  if (!net)
    return weyl_fail(WEYL_EINVAL, "weyl_net_init_calibrated: NULL net");
  weyl_rng rng;
  weyl_rng_seed(&rng, seed);
  weyl_status s = draw(net, &rng, 0);
  if (s == WEYL_OK)
    s = weyl_net_grow(net, CALIB_ROWS);
  if (s != WEYL_OK)
    return s;
  net->batch = -1;
  size_t nx = (size_t)CALIB_ROWS * weyl_net_in_dim(net);
  for (size_t e = 0; e < nx; e++)
    net->act[0][e] = weyl_rng_normal(&rng);
  double ref_ms = act_ms(net, 0);
  for (int i = 0; i < net->n && s == WEYL_OK; i++) {
    s = weyl_net_layer_forward(net, i, CALIB_ROWS);
    if (s == WEYL_OK && (net->layers[i].lin || net->layers[i].bil))
      s = calibrate(net, i, ref_ms);
    double ms = act_ms(net, i + 1);
    ref_ms = ms > ref_ms ? ms : ref_ms;
  }
  return s == WEYL_OK ? weyl_net_sync(net) : s;
}

weyl_status weyl_net_init(weyl_net *net, uint64_t seed) {
  if (!net)
    return weyl_fail(WEYL_EINVAL, "weyl_net_init: NULL net");
  weyl_rng rng;
  weyl_rng_seed(&rng, seed);
  weyl_status s = draw(net, &rng, 1);
  return s == WEYL_OK ? weyl_net_sync(net) : s;
}

/* The Adam maps of a linear layer (ctx: the layer). */
static weyl_status embed_linear(void *ctx, const double *params, double *full) {
  return weyl_linear_embed(ctx, params, full);
}
static weyl_status coords_linear(void *ctx, const double *full, double *params) {
  return weyl_linear_coords(ctx, full, params);
}

weyl_status weyl_net_rate_scales(const weyl_net *net, double *scales) {
  if (!net || !scales)
    return weyl_fail(WEYL_EINVAL, "weyl_net_rate_scales: NULL argument");
  for (int k = 0; k < net->nparams; k++)
    scales[k] = 1;
  weyl_status s = WEYL_OK;
  for (int i = 0; i < net->n && s == WEYL_OK; i++)
    if (net->layers[i].lin)
      s = weyl_linear_rate_scales(net->layers[i].lin, scales + net->layers[i].p_lin);
  return s;
}

/* Gives o the rate scales of weyl_net_rate_scales. */
static weyl_status set_rate_scales(const weyl_net *net, weyl_adam *o) {
  double *scales = malloc(sizeof *scales * ((size_t)net->nparams + 1));
  if (!scales)
    return weyl_fail(WEYL_ENOMEM, "out of memory in weyl_net_adam_new");
  weyl_status s = weyl_net_rate_scales(net, scales);
  if (s == WEYL_OK)
    s = weyl_adam_set_rate_scales(o, scales);
  free(scales);
  return s;
}

/* Lifts o to the full (W, b) of every linear layer (an MLP's one-entry
 * layers excepted: plain Adam is the same walk there). */
static weyl_status lift_linear_layers(const weyl_net *net, weyl_adam *o) {
  weyl_status s = WEYL_OK;
  for (int i = 0; i < net->n && s == WEYL_OK; i++) {
    weyl_linear *l = net->layers[i].lin;
    if (l && !weyl_nn_linear_is_entrywise(l))
      s = weyl_adam_add_lifted(o, net->layers[i].p_lin, weyl_linear_nparams(l),
                               weyl_linear_full_size(l), embed_linear, coords_linear, l);
  }
  return s;
}

/* The two optimizers of a net: Adam on the coefficients with the l1 rate
 * scales, or (full) Adam lifted to every linear layer's (W, b). */
static weyl_status net_adam(const weyl_net *net, double lr, int full, weyl_adam **a) {
  if (!net || !a)
    return weyl_fail(WEYL_EINVAL, "weyl_net_adam_new: NULL argument");
  weyl_adam *o = NULL;
  weyl_status s = weyl_adam_new(net->nparams, lr, &o);
  if (s == WEYL_OK)
    s = full ? lift_linear_layers(net, o) : set_rate_scales(net, o);
  if (s != WEYL_OK) {
    weyl_adam_free(o);
    return s;
  }
  weyl_adam_set_owner(o, net);
  *a = o;
  return WEYL_OK;
}

weyl_status weyl_net_adam_new(const weyl_net *net, double lr, weyl_adam **a) {
  return net_adam(net, lr, 0, a);
}

weyl_status weyl_net_adam_new_full(const weyl_net *net, double lr, weyl_adam **a) {
  return net_adam(net, lr, 1, a);
}

/* 1 when all n entries of v are finite. */
static int all_finite(size_t n, const double *v) {
  for (size_t e = 0; e < n; e++)
    if (!isfinite(v[e]))
      return 0;
  return 1;
}

weyl_status weyl_net_train_mse(weyl_net *net, weyl_adam *a, int batch, const double *x,
                               const double *y, double *loss) {
  if (!net || !a || !x || !y || batch < 0)
    return weyl_fail(WEYL_EINVAL, "weyl_net_train_mse: bad argument");
  if (weyl_adam_nparams(a) != net->nparams)
    return weyl_fail(WEYL_EINVAL, "weyl_net_train_mse: optimizer has %d parameters, net %d",
                     weyl_adam_nparams(a), net->nparams);
  if (weyl_adam_owner(a) && weyl_adam_owner(a) != net)
    return weyl_fail(WEYL_EINVAL, "weyl_net_train_mse: the optimizer was made for another net "
                                  "(weyl_net_adam_new steps that net's layers)");
  if (loss)
    *loss = 0;
  if (batch == 0)
    return WEYL_OK;
  int dout = weyl_net_out_dim(net);
  weyl_status s = weyl_nn_batch_check("weyl_net_train_mse", batch, dout);
  if (s != WEYL_OK)
    return s;
  size_t ny = (size_t)batch * dout;
  double *buf = malloc(sizeof *buf * 2 * ny), value = 0;
  if (!buf)
    return weyl_fail(WEYL_ENOMEM, "out of memory in a training step");
  double *pred = buf, *grad = buf + ny;
  s = weyl_net_forward(net, batch, x, pred);
  if (s == WEYL_OK)
    s = weyl_loss_mse(batch, dout, pred, y, grad, &value);
  if (s == WEYL_OK && !isfinite(value))
    s = weyl_fail(WEYL_ENUMERIC, "training step: the loss is %g (not finite); parameters left "
                                 "as they were (lower the learning rate or check the data)",
                  value);
  if (s == WEYL_OK)
    s = weyl_net_backward(net, batch, grad, NULL);
  if (s == WEYL_OK && !all_finite((size_t)net->nparams, net->grads))
    s = weyl_fail(WEYL_ENUMERIC, "training step: a gradient is not finite; parameters left as "
                                 "they were");
  if (s == WEYL_OK)
    s = weyl_adam_step(a, net->params, net->grads);
  if (s == WEYL_OK)
    s = weyl_net_sync(net);
  free(buf);
  if (loss)
    *loss = value;
  return s;
}

/* ---------- equivariance ---------- */

/* out = x rho^T for batch rows of dimension n: each row is acted on by rho. */
static void act_rows(int batch, int n, const double *rho, const double *x, double *out) {
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, batch, n, n, 1.0, x, n, rho, n, 0.0, out, n);
}

/* The largest RMS of the activations of the last pass. */
static double largest_rms(const weyl_net *net) {
  double best = 0;
  for (int i = 0; i <= net->n; i++) {
    size_t n = (size_t)net->batch * weyl_rep_dim(net->reps[i]);
    double r = sqrt(cblas_ddot((int)n, net->act[i], 1, net->act[i], 1) / (double)n);
    best = r > best ? r : best;
  }
  return best;
}

typedef struct {
  double *rin, *rout, *xg, *y, *yg, *gy;
} check_bufs;

static weyl_status one_sample(weyl_net *net, weyl_rng *rng, double scale, int batch,
                              const double *x, check_bufs *b, double *err) {
  int din = weyl_net_in_dim(net), dout = weyl_net_out_dim(net);
  weyl_element *e = NULL;
  weyl_status s = weyl_element_sample(weyl_rep_group(net->reps[0]), rng, 4, scale, &e);
  if (s == WEYL_OK)
    s = weyl_element_rho(e, net->reps[0], b->rin);
  if (s == WEYL_OK)
    s = weyl_element_rho(e, net->reps[net->n], b->rout);
  weyl_element_free(e);
  if (s != WEYL_OK)
    return s;
  act_rows(batch, din, b->rin, x, b->xg);
  s = weyl_net_forward(net, batch, x, b->y);
  double ref = s == WEYL_OK ? largest_rms(net) : 0;
  if (s == WEYL_OK)
    s = weyl_net_forward(net, batch, b->xg, b->yg);
  if (s != WEYL_OK)
    return s;
  act_rows(batch, dout, b->rout, b->y, b->gy);
  int n = batch * dout;
  double ny = cblas_dnrm2(n, b->y, 1), floor = sqrt((double)n) * ref;
  cblas_daxpy(n, -1.0, b->gy, 1, b->yg, 1);
  double nd = cblas_dnrm2(n, b->yg, 1), den = ny > floor ? ny : floor;
  *err = den > 0 ? nd / den : nd;
  return WEYL_OK;
}

weyl_status weyl_net_equivariance_error(weyl_net *net, weyl_rng *rng, int n_samples, double scale,
                                        int batch, const double *x, double *err) {
  if (!net || !rng || !x || !err || batch < 1 || n_samples < 1)
    return weyl_fail(WEYL_EINVAL, "weyl_net_equivariance_error: bad argument");
  int wide = weyl_net_in_dim(net) > weyl_net_out_dim(net) ? weyl_net_in_dim(net)
                                                         : weyl_net_out_dim(net);
  weyl_status s = weyl_nn_batch_check("weyl_net_equivariance_error", batch, wide);
  if (s != WEYL_OK)
    return s;
  size_t din = (size_t)weyl_net_in_dim(net), dout = (size_t)weyl_net_out_dim(net);
  size_t total = din * din + dout * dout + (size_t)batch * (din + 3 * dout);
  double *mem = malloc(total * sizeof *mem);
  if (!mem)
    return weyl_fail(WEYL_ENOMEM, "out of memory in the equivariance check");
  check_bufs b;
  b.rin = mem;
  b.rout = b.rin + din * din;
  b.xg = b.rout + dout * dout;
  b.y = b.xg + batch * din;
  b.yg = b.y + batch * dout;
  b.gy = b.yg + batch * dout;
  double worst = 0;
  for (int i = 0; i < n_samples && s == WEYL_OK; i++) {
    double e = 0;
    s = one_sample(net, rng, scale, batch, x, &b, &e);
    if (!(e <= worst))
      worst = e; /* NaN propagates as the worst */
  }
  free(mem);
  if (s == WEYL_OK)
    *err = worst;
  return s;
}

/* ---------- parameter files ---------- */

weyl_status weyl_net_save(const weyl_net *net, const char *path) {
  if (!net || !path)
    return weyl_fail(WEYL_EINVAL, "weyl_net_save: NULL argument");
  return weyl_io_write_vector_npy(path, net->params, (size_t)net->nparams);
}

weyl_status weyl_net_load(weyl_net *net, const char *path) {
  if (!net || !path)
    return weyl_fail(WEYL_EINVAL, "weyl_net_load: NULL argument");
  weyl_status s = weyl_io_read_vector_npy(path, net->params, (size_t)net->nparams);
  return s == WEYL_OK ? weyl_net_sync(net) : s;
}
