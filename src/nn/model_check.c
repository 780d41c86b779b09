/* The model's equivariance error under random group elements. */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>

#include "weyl/element.h"

#include "nn/model_impl.h"
#include "core/status_impl.h"

/* out = x rho^T for batch rows of dimension n: each row is acted on by rho. */
static void act_rows(int batch, int n, const double *rho, const double *x, double *out) {
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, batch, n, n, 1.0, x, n, rho, n, 0.0, out, n);
}

typedef struct {
  double *rin, *rout, *xg, *y, *yg, *gy;
} check_bufs;

static weyl_status one_sample(weyl_model *m, weyl_rng *rng, double scale, int batch,
                              const double *x, check_bufs *b, double *err) {
  int din = weyl_model_in_dim(m), dout = weyl_model_out_dim(m);
  weyl_element *e = NULL;
  weyl_status s = weyl_element_sample(weyl_rep_group(m->in), rng, 4, scale, &e);
  if (s == WEYL_OK)
    s = weyl_element_rho(e, m->in, b->rin);
  if (s == WEYL_OK)
    s = weyl_element_rho(e, m->out, b->rout);
  weyl_element_free(e);
  if (s != WEYL_OK)
    return s;
  act_rows(batch, din, b->rin, x, b->xg);
  s = weyl_model_forward(m, batch, x, b->y);
  if (s == WEYL_OK)
    s = weyl_model_forward(m, batch, b->xg, b->yg);
  if (s != WEYL_OK)
    return s;
  act_rows(batch, dout, b->rout, b->y, b->gy);
  int n = batch * dout;
  double ny = cblas_dnrm2(n, b->y, 1);
  cblas_daxpy(n, -1.0, b->gy, 1, b->yg, 1);
  double nd = cblas_dnrm2(n, b->yg, 1);
  *err = ny > 0 ? nd / ny : nd;
  return WEYL_OK;
}

weyl_status weyl_model_equivariance_error(weyl_model *m, weyl_rng *rng, int n_samples, double scale,
                                          int batch, const double *x, double *err) {
  if (!m || !rng || !x || !err || batch < 1 || n_samples < 1)
    return weyl_fail(WEYL_EINVAL, "weyl_model_equivariance_error: bad argument");
  weyl_status s = weyl_model_batch_check("weyl_model_equivariance_error", batch,
                                         weyl_model_in_dim(m));
  if (s == WEYL_OK)
    s = weyl_model_batch_check("weyl_model_equivariance_error", batch, weyl_model_out_dim(m));
  if (s != WEYL_OK)
    return s;
  size_t din = (size_t)weyl_model_in_dim(m), dout = (size_t)weyl_model_out_dim(m);
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
    s = one_sample(m, rng, scale, batch, x, &b, &e);
    if (!(e <= worst))
      worst = e; /* NaN propagates as the worst */
  }
  free(mem);
  if (s == WEYL_OK)
    *err = worst;
  return s;
}
