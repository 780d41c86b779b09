/* The equivariant linear layer: W materialized from the basis, dgemm batches. */
#include "weyl/linear.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "basis/basis_impl.h"
#include "core/status_impl.h"

struct weyl_linear {
  const weyl_basis *w, *bias;
  int in, out, nw, nb;
  double *W;    /* out x in, materialized weight */
  double *b;    /* out, materialized bias */
  double *dW;   /* out x in scratch for dy^T x */
  double *coef; /* nw + nb + out scratch: basis dots, then column sums */
};

void weyl_linear_free(weyl_linear *l) {
  if (!l)
    return;
  free(l->W);
  free(l->b);
  free(l->dW);
  free(l->coef);
  free(l);
}

static weyl_status check_bias(const weyl_basis *w, const weyl_basis *bias) {
  if (!bias)
    return WEYL_OK;
  if (weyl_basis_in_dim(bias) != 1 || weyl_basis_out_dim(bias) != weyl_basis_out_dim(w))
    return weyl_fail(WEYL_EINVAL,
                     "weyl_linear_new: bias basis maps %d -> %d, expected Scalar (1) -> %d",
                     weyl_basis_in_dim(bias), weyl_basis_out_dim(bias), weyl_basis_out_dim(w));
  return WEYL_OK;
}

weyl_status weyl_linear_new(const weyl_basis *w, const weyl_basis *bias, weyl_linear **layer) {
  if (!w || !layer)
    return weyl_fail(WEYL_EINVAL, "weyl_linear_new: NULL argument");
  weyl_status s = check_bias(w, bias);
  if (s != WEYL_OK)
    return s;
  weyl_linear *l = calloc(1, sizeof *l);
  if (!l)
    return weyl_fail(WEYL_ENOMEM, "out of memory creating a layer");
  l->w = w;
  l->bias = bias;
  l->in = weyl_basis_in_dim(w);
  l->out = weyl_basis_out_dim(w);
  l->nw = weyl_basis_dim(w);
  l->nb = bias ? weyl_basis_dim(bias) : 0;
  size_t nW = (size_t)l->in * l->out;
  l->W = calloc(nW + 1, sizeof *l->W);
  l->dW = calloc(nW + 1, sizeof *l->dW);
  l->b = calloc((size_t)l->out + 1, sizeof *l->b);
  l->coef = calloc((size_t)(l->nw + l->nb + l->out) + 1, sizeof *l->coef);
  if (!l->W || !l->dW || !l->b || !l->coef) {
    weyl_linear_free(l);
    return weyl_fail(WEYL_ENOMEM, "out of memory creating a layer");
  }
  *layer = l;
  return WEYL_OK;
}

int weyl_linear_in_dim(const weyl_linear *l) { return l ? l->in : 0; }
int weyl_linear_out_dim(const weyl_linear *l) { return l ? l->out : 0; }
int weyl_linear_nparams(const weyl_linear *l) { return l ? l->nw + l->nb : 0; }
const double *weyl_linear_weight(const weyl_linear *l) { return l ? l->W : NULL; }
const double *weyl_linear_bias(const weyl_linear *l) { return l ? l->b : NULL; }

weyl_status weyl_linear_set_params(weyl_linear *l, const double *params) {
  if (!l || !params)
    return weyl_fail(WEYL_EINVAL, "weyl_linear_set_params: NULL argument");
  weyl_status s = weyl_basis_combine(l->w, params, l->W);
  if (s == WEYL_OK && l->bias)
    s = weyl_basis_combine(l->bias, params + l->nw, l->b);
  return s;
}

/* Multiplies the coefficients of every place of b by sqrt(target / mean of
 * row_ms over the place's rows). Places with the same row0 cover exactly one
 * output summand's rows and no other place touches them, so every summand
 * gets its own factor. A summand with mean 0 is left alone. */
static void scale_places(const weyl_basis *b, const double *row_ms, double target, double *theta) {
  for (int p = 0; p < b->n_places; p++) {
    const weyl_place *pl = &b->places[p];
    const weyl_block *blk = &b->blocks[pl->block];
    double mean = 0;
    for (int i = 0; i < blk->out_dim; i++)
      mean += row_ms[pl->row0 + i];
    mean /= blk->out_dim;
    if (!(mean > 0))
      continue;
    double f = sqrt(target / mean);
    for (int k = 0; k < blk->dim; k++)
      theta[pl->param0 + k] *= f;
  }
}

weyl_status weyl_linear_rescale(weyl_linear *l, double *params, const double *row_ms) {
  if (!l || !params || !row_ms)
    return weyl_fail(WEYL_EINVAL, "weyl_linear_rescale: NULL argument");
  scale_places(l->w, row_ms, 1.0, params);
  if (l->bias)
    scale_places(l->bias, row_ms, 1.0, params + l->nw);
  return weyl_linear_set_params(l, params);
}

weyl_status weyl_linear_init(weyl_linear *l, weyl_rng *rng, double gain, double *params) {
  if (!l || !rng || !params)
    return weyl_fail(WEYL_EINVAL, "weyl_linear_init: NULL argument");
  if (!(gain > 0))
    return weyl_fail(WEYL_EINVAL, "weyl_linear_init: gain must be > 0");
  for (int k = 0; k < l->nw; k++)
    params[k] = weyl_rng_normal(rng);
  for (int k = 0; k < l->nb; k++)
    params[l->nw + k] = 0;
  weyl_status s = weyl_basis_combine(l->w, params, l->W);
  if (s != WEYL_OK)
    return s;
  double *row2 = l->dW; /* scratch: squared row norms of W */
  for (int i = 0; i < l->out; i++)
    row2[i] = cblas_ddot(l->in, l->W + (size_t)i * l->in, 1, l->W + (size_t)i * l->in, 1);
  scale_places(l->w, row2, gain, params);
  return weyl_linear_set_params(l, params);
}

static weyl_status check_batch(const weyl_linear *l, int batch, const void *a, const void *b) {
  if (!l || !a || !b)
    return weyl_fail(WEYL_EINVAL, "linear layer: NULL argument");
  if (batch < 1)
    return weyl_fail(WEYL_EINVAL, "linear layer: batch %d < 1", batch);
  return WEYL_OK;
}

weyl_status weyl_linear_forward(const weyl_linear *l, int batch, const double *x, double *y) {
  weyl_status s = check_batch(l, batch, x, y);
  if (s != WEYL_OK)
    return s;
  for (int n = 0; n < batch; n++)
    memcpy(y + (size_t)n * l->out, l->b, (size_t)l->out * sizeof *y);
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, batch, l->out, l->in, 1.0, x, l->in, l->W,
              l->in, 1.0, y, l->out);
  return WEYL_OK;
}

/* dparams[nw..] += <c_k, sum over the batch of dy>. */
static weyl_status bias_grad(weyl_linear *l, int batch, const double *dy, double *dparams) {
  double *colsum = l->coef + l->nw + l->nb, *dots = l->coef + l->nw;
  memset(colsum, 0, (size_t)l->out * sizeof *colsum);
  for (int n = 0; n < batch; n++)
    cblas_daxpy(l->out, 1.0, dy + (size_t)n * l->out, 1, colsum, 1);
  weyl_status s = weyl_basis_dot(l->bias, colsum, dots);
  if (s != WEYL_OK)
    return s;
  for (int k = 0; k < l->nb; k++)
    dparams[l->nw + k] += dots[k];
  return WEYL_OK;
}

weyl_status weyl_linear_backward(weyl_linear *l, int batch, const double *x, const double *dy,
                                 double *dparams, double *dx) {
  weyl_status s = check_batch(l, batch, x, dy);
  if (s == WEYL_OK && !dparams)
    s = weyl_fail(WEYL_EINVAL, "linear layer: NULL dparams");
  if (s != WEYL_OK)
    return s;
  cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, l->out, l->in, batch, 1.0, dy, l->out, x,
              l->in, 0.0, l->dW, l->in);
  s = weyl_basis_dot(l->w, l->dW, l->coef);
  if (s != WEYL_OK)
    return s;
  for (int k = 0; k < l->nw; k++)
    dparams[k] += l->coef[k];
  if (l->bias)
    s = bias_grad(l, batch, dy, dparams);
  if (s == WEYL_OK && dx)
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, batch, l->in, l->out, 1.0, dy, l->out,
                l->W, l->in, 0.0, dx, l->in);
  return s;
}
