/* Forward and backward passes through a net. */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/status_impl.h"
#include "nn/net_impl.h"
#include "nn/nn_util.h"

weyl_status weyl_net_layer_forward(weyl_net *net, int i, int batch) {
  weyl_net_layer *l = &net->layers[i];
  const double *x = net->act[i];
  double *y = net->act[i + 1];
  weyl_status s = WEYL_OK;
  switch (l->kind) {
  case NET_LINEAR:
    s = weyl_linear_forward(l->lin, batch, x, y);
    if (s == WEYL_OK && l->bil)
      s = weyl_bilinear_forward(l->bil, batch, x, net->tmp, 0);
    if (s == WEYL_OK && l->bil)
      cblas_daxpy(batch * l->out_dim, WEYL_NET_BILINEAR_SCALE, net->tmp, 1, y, 1);
    return s;
  case NET_BILINEAR:
    return weyl_bilinear_forward(l->bil, batch, x, y, 0);
  case NET_NONLIN:
    return weyl_nonlin_forward(l->nl, net->params + l->p_nl, batch, x, y);
  case NET_SKIP: { /* y = x + act[from] in one pass (was a copy, then a daxpy) */
    const double *a = net->act[l->from];
    for (size_t k = 0; k < (size_t)batch * l->out_dim; k++)
      y[k] = x[k] + a[k];
    return WEYL_OK;
  }
  }
  return WEYL_OK;
}

weyl_status weyl_net_forward(weyl_net *net, int batch, const double *x, double *y) {
  if (!net || !x || !y || batch < 0)
    return weyl_fail(WEYL_EINVAL, "weyl_net_forward: bad argument");
  int din = weyl_net_in_dim(net), dout = weyl_net_out_dim(net);
  net->batch = -1; /* no valid activations until this pass completes */
  /* buffers first: a batch too large for them is refused (WEYL_ELIMIT,
   * WEYL_ENOMEM) before x and y are looked at */
  weyl_status s = batch > 0 ? weyl_net_grow(net, batch) : WEYL_OK;
  if (s != WEYL_OK)
    return s;
  if (weyl_nn_overlap(x, (size_t)batch * din, y, (size_t)batch * dout))
    return weyl_fail(WEYL_EINVAL, "weyl_net_forward: y overlaps x");
  if (batch == 0) {
    net->batch = 0;
    return WEYL_OK;
  }
  memcpy(net->act[0], x, sizeof *x * (size_t)batch * din);
  for (int i = 0; i < net->n && s == WEYL_OK; i++)
    s = weyl_net_layer_forward(net, i, batch);
  if (s != WEYL_OK)
    return s;
  net->batch = batch;
  memcpy(y, net->act[net->n], sizeof *y * (size_t)batch * dout);
  return WEYL_OK;
}

/* dact[i] holds a gradient only once something wrote it (written[i]):
 * the first layer to give dL/dact[i] writes it in place, later ones add
 * (one pass over the batch each, where zeroing every dact first, writing
 * into scratch and adding took three). */

/* Where layer i puts its dL/dx: dact[i] itself while nothing has written it
 * (it is then marked written: the layer must assign every entry), else the
 * scratch buffer, which add_dx adds to dact[i]. */
static double *dx_target(weyl_net *net, int i, unsigned char *written) {
  if (written[i])
    return net->scratch;
  written[i] = 1;
  return net->dact[i];
}

static void add_dx(weyl_net *net, int i, const double *dx, int nx) {
  if (dx == net->scratch)
    cblas_daxpy(nx, 1.0, dx, 1, net->dact[i], 1);
}

/* dact[i] += v, or = v while nothing has written it. */
static void add_grad(weyl_net *net, int i, const double *v, int n, unsigned char *written) {
  if (written[i])
    cblas_daxpy(n, 1.0, v, 1, net->dact[i], 1);
  else
    memcpy(net->dact[i], v, sizeof *v * (size_t)n);
  written[i] = 1;
}

/* Adds layer i's dL/dx to dact[i] (skipped for i = 0 when not wanted) and
 * its parameter gradient to grads, from dact[i + 1]. */
static weyl_status layer_backward(weyl_net *net, int i, int batch, int want_dx,
                                  unsigned char *written) {
  weyl_net_layer *l = &net->layers[i];
  int nx = batch * l->in_dim, ny = batch * l->out_dim;
  if (!written[i + 1]) { /* no layer above gave a gradient: it is zero */
    memset(net->dact[i + 1], 0, sizeof(double) * (size_t)ny);
    written[i + 1] = 1;
  }
  const double *x = net->act[i], *dy = net->dact[i + 1];
  double *dx = NULL;
  weyl_status s = WEYL_OK;
  switch (l->kind) {
  case NET_LINEAR:
    dx = want_dx ? dx_target(net, i, written) : NULL;
    s = weyl_linear_backward(l->lin, batch, x, dy, net->grads + l->p_lin, dx);
    if (s == WEYL_OK && l->bil) { /* the term enters scaled: so does its gradient */
      memset(net->tmp, 0, sizeof *net->tmp * (size_t)ny);
      cblas_daxpy(ny, WEYL_NET_BILINEAR_SCALE, dy, 1, net->tmp, 1);
      s = weyl_bilinear_backward(l->bil, batch, x, net->tmp, net->grads + l->p_bil, dx);
    }
    break;
  case NET_BILINEAR:
    dx = want_dx ? dx_target(net, i, written) : NULL;
    if (dx)
      memset(dx, 0, sizeof *dx * (size_t)nx);
    s = weyl_bilinear_backward(l->bil, batch, x, dy, net->grads + l->p_bil, dx);
    break;
  case NET_NONLIN: /* dx is needed for its own parameters' gradient too */
    dx = want_dx ? dx_target(net, i, written) : net->scratch;
    if (!weyl_nonlin_swish_backward_from_output(l->nl, batch, x, net->act[i + 1], dy, dx))
      s = weyl_nonlin_backward(l->nl, net->params + l->p_nl, batch, x, dy, net->grads + l->p_nl,
                               dx);
    if (!want_dx)
      return s;
    break;
  case NET_SKIP:
    add_grad(net, l->from, dy, ny, written);
    if (want_dx)
      add_grad(net, i, dy, nx, written);
    return WEYL_OK;
  }
  if (s == WEYL_OK && dx)
    add_dx(net, i, dx, nx);
  return s;
}

weyl_status weyl_net_backward(weyl_net *net, int batch, const double *dy, double *dx) {
  if (!net || !dy)
    return weyl_fail(WEYL_EINVAL, "weyl_net_backward: NULL argument");
  if (batch != net->batch || batch < 0)
    return weyl_fail(WEYL_EINVAL, "weyl_net_backward: batch %d, last forward pass had %d", batch,
                     net->batch);
  unsigned char *written = calloc((size_t)net->n + 1, 1);
  if (!written)
    return weyl_fail(WEYL_ENOMEM, "out of memory in weyl_net_backward");
  memset(net->grads, 0, sizeof *net->grads * (size_t)net->nparams);
  if (batch == 0) {
    free(written);
    return WEYL_OK;
  }
  memcpy(net->dact[net->n], dy, sizeof *dy * (size_t)batch * weyl_net_out_dim(net));
  written[net->n] = 1;
  /* A layer needs dL/dx when an earlier layer has parameters, or the
   * caller wants the input gradient. */
  int first_param = net->n;
  for (int i = net->n - 1; i >= 0; i--)
    if (net->layers[i].np > 0)
      first_param = i;
  weyl_status s = WEYL_OK;
  for (int i = net->n - 1; i >= 0 && s == WEYL_OK; i--)
    s = layer_backward(net, i, batch, dx != NULL || i > first_param, written);
  if (s == WEYL_OK && dx) {
    size_t n0 = (size_t)batch * weyl_net_in_dim(net);
    if (written[0])
      memcpy(dx, net->dact[0], sizeof *dx * n0);
    else
      memset(dx, 0, sizeof *dx * n0);
  }
  free(written);
  return s;
}

double weyl_net_activation_rms(const weyl_net *net, int i) {
  if (!net || i < 0 || i >= net->n || net->batch < 1)
    return -1;
  size_t n = (size_t)net->batch * net->layers[i].out_dim;
  double s = cblas_ddot((int)n, net->act[i + 1], 1, net->act[i + 1], 1);
  return sqrt(s / n);
}
