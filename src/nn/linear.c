/* The equivariant linear layer: W materialized from the basis, dgemm batches. */
#include "weyl/linear.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "basis/basis_impl.h"
#include "core/status_impl.h"
#include "nn/nn_util.h"

/* A summand whose mean square is at most this fraction of the largest row's
 * is zero in exact arithmetic (rounding noise): rescaling it would blow the
 * noise up to unit size, and the noise is not equivariant. */
#define ZERO_MS_REL 1e-12

struct weyl_linear {
  const weyl_basis *w, *bias;
  weyl_basis *own_w, *own_bias; /* set when the layer solved its bases itself */
  int in, out, nw, nb;
  double *scale; /* nw + nb: 1/|B_k|_F, so every parameter moves a unit element */
  double *W;     /* out x in, materialized weight */
  double *b;     /* out, materialized bias */
  double *dW;    /* out x in scratch for dy^T x */
  double *coef;  /* nw + nb + out scratch: scaled coefficients / basis dots, column sums */
};

void weyl_linear_free(weyl_linear *l) {
  if (!l)
    return;
  weyl_basis_free(l->own_w);
  weyl_basis_free(l->own_bias);
  free(l->scale);
  free(l->W);
  free(l->b);
  free(l->dW);
  free(l->coef);
  free(l);
}

/* The bias basis must be Hom(Scalar, out) for the weight's out rep: a basis
 * solved for another rep of the same dimension would make the layer silently
 * not equivariant. */
static weyl_status check_bias(const weyl_basis *w, const weyl_basis *bias) {
  if (!bias)
    return WEYL_OK;
  if (weyl_basis_in_dim(bias) != 1 || weyl_basis_out_dim(bias) != weyl_basis_out_dim(w))
    return weyl_fail(WEYL_EINVAL,
                     "weyl_linear_new: bias basis maps %d -> %d, expected Scalar (1) -> %d",
                     weyl_basis_in_dim(bias), weyl_basis_out_dim(bias), weyl_basis_out_dim(w));
  /* in: the trivial rep (1-dimensional, every generator acts as 1 / 0). */
  if (!weyl_nn_rep_same(bias->out_rep, w->out_rep) || !weyl_rep_is_perm(bias->in_rep)) {
    char a[128] = "?", b[128] = "?";
    weyl_rep_str(bias->out_rep, a, sizeof a);
    weyl_rep_str(w->out_rep, b, sizeof b);
    return weyl_fail(WEYL_EINVAL,
                     "weyl_linear_new: the bias basis was solved for Scalar -> %s, but the layer "
                     "maps to %s (use weyl_basis_solve_bias on the layer's output rep)",
                     a, b);
  }
  return WEYL_OK;
}

/* scale[k] = 1/|B_k|_F for the elements of b, written from scale[0]: the
 * parameters are coordinates in the orthonormal basis of unit elements
 * (every solver's elements are pairwise orthogonal, basis.h). */
static void unit_scales(const weyl_basis *b, double *scale) {
  for (int p = 0; p < b->n_places; p++) {
    const weyl_place *pl = &b->places[p];
    const weyl_block *blk = &b->blocks[pl->block];
    for (int k = 0; k < blk->dim; k++)
      scale[pl->param0 + k] = blk->norm2[k] > 0 ? 1.0 / sqrt(blk->norm2[k]) : 1.0;
  }
}

/* rate[param0 + k] = |B_k|_1 / |B_k|_2 for the elements of b (see
 * weyl_linear_rate_scales). */
static weyl_status l1_rates(const weyl_basis *b, double *rate) {
  for (int p = 0; p < b->n_places; p++) {
    const weyl_place *pl = &b->places[p];
    weyl_basis_block_data d;
    weyl_status s = weyl_basis_block_data_get(b, pl->block, &d);
    if (s != WEYL_OK)
      return s;
    size_t n = (size_t)d.out_dim * d.in_dim;
    for (int k = 0; k < d.dim; k++) {
      double l1 = 0, l2 = 0;
      for (size_t e = 0; e < n; e++) {
        double v = d.orbit ? (d.orbit[e] == k) : d.mats[(size_t)k * n + e];
        l1 += fabs(v), l2 += v * v;
      }
      rate[pl->param0 + k] = l2 > 0 ? l1 / sqrt(l2) : 1.0;
    }
  }
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
  l->dW = calloc(nW + l->out + 1, sizeof *l->dW);
  l->b = calloc((size_t)l->out + 1, sizeof *l->b);
  l->coef = calloc((size_t)(l->nw + l->nb + l->out) + 1, sizeof *l->coef);
  l->scale = calloc((size_t)(l->nw + l->nb) + 1, sizeof *l->scale);
  if (!l->W || !l->dW || !l->b || !l->coef || !l->scale) {
    weyl_linear_free(l);
    return weyl_fail(WEYL_ENOMEM, "out of memory creating a layer");
  }
  unit_scales(w, l->scale);
  if (bias)
    unit_scales(bias, l->scale + l->nw);
  *layer = l;
  return WEYL_OK;
}

weyl_linear_opts weyl_linear_default_opts(void) {
  weyl_linear_opts o;
  memset(&o, 0, sizeof o);
  o.bias = 1;
  return o;
}

weyl_status weyl_linear_from_reps(const weyl_rep *in, const weyl_rep *out,
                                  const weyl_linear_opts *opts, weyl_linear **layer) {
  if (!in || !out || !layer)
    return weyl_fail(WEYL_EINVAL, "weyl_linear_from_reps: NULL argument");
  weyl_linear_opts o = opts ? *opts : weyl_linear_default_opts();
  weyl_basis *w = NULL, *bias = NULL;
  weyl_status s = weyl_basis_solve(in, out, &o.solve, &w);
  if (s == WEYL_OK && o.bias)
    s = weyl_basis_solve_bias(out, &o.solve, &bias);
  if (s == WEYL_OK)
    s = weyl_linear_new(w, bias, layer);
  if (s != WEYL_OK) {
    weyl_basis_free(w);
    weyl_basis_free(bias);
    return s;
  }
  (*layer)->own_w = w;
  (*layer)->own_bias = bias;
  return WEYL_OK;
}

weyl_status weyl_linear_from_exprs(weyl_group *g, const char *in, const char *out,
                                   const weyl_linear_opts *opts, weyl_linear **layer) {
  if (!g || !in || !out || !layer)
    return weyl_fail(WEYL_EINVAL, "weyl_linear_from_exprs: NULL argument");
  weyl_rep *ri = NULL, *ro = NULL;
  weyl_status s = weyl_rep_parse(g, in, &ri);
  if (s == WEYL_OK)
    s = weyl_rep_parse(g, out, &ro);
  if (s == WEYL_OK)
    s = weyl_linear_from_reps(ri, ro, opts, layer);
  weyl_rep_free(ri);
  weyl_rep_free(ro);
  return s;
}

int weyl_linear_in_dim(const weyl_linear *l) { return l ? l->in : 0; }
int weyl_linear_out_dim(const weyl_linear *l) { return l ? l->out : 0; }
int weyl_linear_nparams(const weyl_linear *l) { return l ? l->nw + l->nb : 0; }
const double *weyl_linear_weight(const weyl_linear *l) { return l ? l->W : NULL; }
const double *weyl_linear_bias(const weyl_linear *l) { return l ? l->b : NULL; }
const weyl_rep *weyl_linear_in_rep(const weyl_linear *l) { return l ? l->w->in_rep : NULL; }
const weyl_rep *weyl_linear_out_rep(const weyl_linear *l) { return l ? l->w->out_rep : NULL; }

/* W = sum_k params[k] u_k and b likewise (the unit elements), into the
 * given buffers: set_params's own W and b, or embed's full vector. */
static weyl_status materialize(weyl_linear *l, const double *params, double *W, double *b) {
  for (int k = 0; k < l->nw + l->nb; k++)
    l->coef[k] = params[k] * l->scale[k];
  weyl_status s = weyl_basis_combine(l->w, l->coef, W);
  if (s == WEYL_OK && l->bias)
    s = weyl_basis_combine(l->bias, l->coef + l->nw, b);
  return s;
}

weyl_status weyl_linear_set_params(weyl_linear *l, const double *params) {
  if (!l || !params)
    return weyl_fail(WEYL_EINVAL, "weyl_linear_set_params: NULL argument");
  return materialize(l, params, l->W, l->b);
}

/* Multiplies the coefficients of every place of b by sqrt(target / mean of
 * row_ms over the place's rows). Places with the same row0 cover exactly one
 * output summand's rows and no other place touches them, so every summand
 * gets its own factor. A summand whose mean is zero in exact arithmetic
 * (at most ZERO_MS_REL * ref) is left alone. */
static void scale_places(const weyl_basis *b, const double *row_ms, double ref, double target,
                         double *theta) {
  for (int p = 0; p < b->n_places; p++) {
    const weyl_place *pl = &b->places[p];
    const weyl_block *blk = &b->blocks[pl->block];
    double mean = 0;
    for (int i = 0; i < blk->out_dim; i++)
      mean += row_ms[pl->row0 + i];
    mean /= blk->out_dim;
    if (!(mean > ZERO_MS_REL * ref) || !isfinite(mean))
      continue;
    double f = sqrt(target / mean);
    for (int k = 0; k < blk->dim; k++)
      theta[pl->param0 + k] *= f;
  }
}

/* The largest entry of v (n entries), 0 when none is positive. */
static double largest(int n, const double *v) {
  double m = 0;
  for (int i = 0; i < n; i++)
    if (v[i] > m)
      m = v[i];
  return m;
}

weyl_status weyl_linear_rescale(weyl_linear *l, double *params, const double *row_ms) {
  if (!l || !params || !row_ms)
    return weyl_fail(WEYL_EINVAL, "weyl_linear_rescale: NULL argument");
  double ref = largest(l->out, row_ms);
  scale_places(l->w, row_ms, ref, 1.0, params);
  if (l->bias)
    scale_places(l->bias, row_ms, ref, 1.0, params + l->nw);
  return weyl_linear_set_params(l, params);
}

/* 1 when every block of b is an orbit basis whose orbits are single entries
 * (as many elements as entries: the orbits partition them). */
static int entrywise(const weyl_basis *b) {
  for (int k = 0; k < b->n_blocks; k++) {
    const weyl_block *blk = &b->blocks[k];
    if (!blk->orbit || blk->dim != blk->out_dim * blk->in_dim)
      return 0;
  }
  return 1;
}

int weyl_nn_linear_is_entrywise(const weyl_linear *l) {
  return entrywise(l->w) && (!l->bias || entrywise(l->bias));
}

weyl_status weyl_linear_rate_scales(const weyl_linear *l, double *scales) {
  if (!l || !scales)
    return weyl_fail(WEYL_EINVAL, "weyl_linear_rate_scales: NULL argument");
  weyl_status s = l1_rates(l->w, scales);
  return s == WEYL_OK && l->bias ? l1_rates(l->bias, scales + l->nw) : s;
}

size_t weyl_linear_full_size(const weyl_linear *l) {
  return l ? (size_t)l->out * l->in + (l->bias ? (size_t)l->out : 0) : 0;
}

weyl_status weyl_linear_embed(weyl_linear *l, const double *params, double *full) {
  if (!l || !params || !full)
    return weyl_fail(WEYL_EINVAL, "weyl_linear_embed: NULL argument");
  return materialize(l, params, full, full + (size_t)l->out * l->in);
}

weyl_status weyl_linear_coords(weyl_linear *l, const double *full, double *params) {
  if (!l || !full || !params)
    return weyl_fail(WEYL_EINVAL, "weyl_linear_coords: NULL argument");
  weyl_status s = weyl_basis_dot(l->w, full, params);
  if (s == WEYL_OK && l->bias)
    s = weyl_basis_dot(l->bias, full + (size_t)l->out * l->in, params + l->nw);
  for (int k = 0; s == WEYL_OK && k < l->nw + l->nb; k++)
    params[k] *= l->scale[k];
  return s;
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
  weyl_status s = weyl_linear_set_params(l, params);
  if (s != WEYL_OK)
    return s;
  double *row2 = l->dW; /* scratch: squared row norms of W */
  for (int i = 0; i < l->out; i++)
    row2[i] = cblas_ddot(l->in, l->W + (size_t)i * l->in, 1, l->W + (size_t)i * l->in, 1);
  scale_places(l->w, row2, largest(l->out, row2), gain, params);
  return weyl_linear_set_params(l, params);
}

/* emlp's init (its Linear): W = P(w) with w a random orthogonal out x in
 * matrix, whose entries have variance about 1/max(in, out), and b = P(u) with
 * u_i uniform on [0, 1/sqrt(out)), P the projection onto the equivariant
 * maps. For an orthonormal basis the coefficients of P(w) are <B_k, w>:
 * normal with that variance; those of P(u) are <c_k, u> / |c_k|, computed
 * here with weyl_basis_dot. */
weyl_status weyl_linear_init_paper(weyl_linear *l, weyl_rng *rng, double *params) {
  if (!l || !rng || !params)
    return weyl_fail(WEYL_EINVAL, "weyl_linear_init_paper: NULL argument");
  double sd = 1.0 / sqrt(l->in > l->out ? l->in : l->out);
  for (int k = 0; k < l->nw; k++)
    params[k] = sd * weyl_rng_normal(rng);
  double *u = l->dW; /* scratch until set_params */
  for (int i = 0; i < l->out; i++)
    u[i] = weyl_rng_uniform(rng) / sqrt(l->out);
  weyl_status s = l->bias ? weyl_basis_dot(l->bias, u, params + l->nw) : WEYL_OK;
  for (int k = 0; k < l->nb; k++) /* <c_k, u> -> the unit element's coefficient */
    params[l->nw + k] *= l->scale[l->nw + k];
  return s == WEYL_OK ? weyl_linear_set_params(l, params) : s;
}

static weyl_status check_batch(const weyl_linear *l, int batch, const void *a, const void *b) {
  if (!l || !a || !b)
    return weyl_fail(WEYL_EINVAL, "linear layer: NULL argument");
  if (batch < 0)
    return weyl_fail(WEYL_EINVAL, "linear layer: batch %d < 0", batch);
  return WEYL_OK;
}

weyl_status weyl_linear_forward(const weyl_linear *l, int batch, const double *x, double *y) {
  weyl_status s = check_batch(l, batch, x, y);
  if (s != WEYL_OK || batch == 0)
    return s;
  if (weyl_nn_overlap(x, (size_t)batch * l->in, y, (size_t)batch * l->out))
    return weyl_fail(WEYL_EINVAL, "weyl_linear_forward: y overlaps x (in-place is not supported)");
  for (int n = 0; n < batch; n++)
    memcpy(y + (size_t)n * l->out, l->b, (size_t)l->out * sizeof *y);
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, batch, l->out, l->in, 1.0, x, l->in, l->W,
              l->in, 1.0, y, l->out);
  return WEYL_OK;
}

/* dparams[nw..] += scale_k <c_k, sum over the batch of dy>. */
static weyl_status bias_grad(weyl_linear *l, int batch, const double *dy, double *dparams) {
  double *colsum = l->coef + l->nw + l->nb, *dots = l->coef + l->nw;
  memset(colsum, 0, (size_t)l->out * sizeof *colsum);
  for (int n = 0; n < batch; n++)
    cblas_daxpy(l->out, 1.0, dy + (size_t)n * l->out, 1, colsum, 1);
  weyl_status s = weyl_basis_dot(l->bias, colsum, dots);
  if (s != WEYL_OK)
    return s;
  for (int k = 0; k < l->nb; k++)
    dparams[l->nw + k] += dots[k] * l->scale[l->nw + k];
  return WEYL_OK;
}

weyl_status weyl_linear_backward(weyl_linear *l, int batch, const double *x, const double *dy,
                                 double *dparams, double *dx) {
  weyl_status s = check_batch(l, batch, x, dy);
  if (s == WEYL_OK && !dparams)
    s = weyl_fail(WEYL_EINVAL, "linear layer: NULL dparams");
  if (s != WEYL_OK || batch == 0)
    return s;
  size_t nx = (size_t)batch * l->in, ny = (size_t)batch * l->out;
  if (dx && weyl_nn_overlap(dx, nx, dy, ny))
    return weyl_fail(WEYL_EINVAL, "weyl_linear_backward: dx overlaps dy (in-place is not supported)");
  if (weyl_nn_overlap(dparams, (size_t)(l->nw + l->nb), x, nx) ||
      weyl_nn_overlap(dparams, (size_t)(l->nw + l->nb), dy, ny) ||
      (dx && weyl_nn_overlap(dx, nx, dparams, (size_t)(l->nw + l->nb))))
    return weyl_fail(WEYL_EINVAL, "weyl_linear_backward: dparams overlaps x, dy or dx");
  cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, l->out, l->in, batch, 1.0, dy, l->out, x,
              l->in, 0.0, l->dW, l->in);
  s = weyl_basis_dot(l->w, l->dW, l->coef);
  if (s != WEYL_OK)
    return s;
  for (int k = 0; k < l->nw; k++)
    dparams[k] += l->coef[k] * l->scale[k];
  if (l->bias)
    s = bias_grad(l, batch, dy, dparams);
  /* dx may alias x: dW = dy^T x above has already read x. */
  if (s == WEYL_OK && dx)
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, batch, l->in, l->out, 1.0, dy, l->out,
                l->W, l->in, 0.0, dx, l->in);
  return s;
}
