/* Building EMLPs and MLPs from layers, forward and backward through the stack. */
#include "weyl/model.h"

#include <assert.h>
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nn/model_impl.h"
#include "core/status_impl.h"

weyl_model_opts weyl_model_default_opts(void) {
  weyl_model_opts o;
  memset(&o, 0, sizeof o);
  o.channels = 128;
  o.n_hidden = 3;
  o.act = WEYL_NONLIN_ACT_SWISH;
  o.kind = WEYL_NONLIN_GATED;
  o.bilinear = 2;
  return o;
}

static weyl_model_opts fill_opts(const weyl_model_opts *opts) {
  weyl_model_opts o = opts ? *opts : weyl_model_default_opts();
  if (o.channels <= 0)
    o.channels = 128;
  if (o.n_hidden <= 0)
    o.n_hidden = 3;
  if (o.kind == WEYL_NONLIN_POINTWISE)
    o.kind = WEYL_NONLIN_GATED;
  if (o.bilinear == 0)
    o.bilinear = 2;
  return o;
}

static void free_stage(weyl_stage *s) {
  weyl_linear_free(s->lin);
  weyl_bilinear_free(s->bil);
  weyl_nonlin_free(s->nl);
  weyl_basis_free(s->w);
  weyl_basis_free(s->bias);
}

static void free_acts(weyl_model *m) {
  /* NULLed: a failed grow() leaves the model alive, to be freed again later */
  for (int i = 0; m->act && i <= m->n_stages; i++)
    free(m->act[i]), m->act[i] = NULL;
  for (int i = 0; m->pre && i < m->n_stages; i++) {
    free(m->pre[i]), m->pre[i] = NULL;
    free(m->lo[i]), m->lo[i] = NULL;
  }
  free(m->d0);
  free(m->d1);
  free(m->d2);
  free(m->d3);
  m->d0 = m->d1 = m->d2 = m->d3 = NULL;
  m->cap = 0;
}

void weyl_model_free(weyl_model *m) {
  if (!m)
    return;
  free_acts(m);
  free(m->act);
  free(m->pre);
  free(m->lo);
  for (int i = 0; m->stages && i < m->n_stages; i++)
    free_stage(&m->stages[i]);
  free(m->stages);
  free(m->params);
  free(m->grads);
  weyl_rep_free(m->in);
  weyl_rep_free(m->out);
  weyl_group_free(m->own_group);
  free(m);
}

/* The nonlinearity of a hidden block on rep h, and the rep the linear layer
 * before it must produce (h itself, or h plus gates). */
static weyl_status make_nonlin(const weyl_rep *h, weyl_nonlin_kind kind, weyl_nonlin_act act,
                               weyl_nonlin **nl, weyl_rep **lin_out) {
  weyl_status s;
  if (kind == WEYL_NONLIN_GATED) {
    s = weyl_nonlin_gated(h, act, nl);
    return s == WEYL_OK ? weyl_nonlin_gated_rep(h, lin_out) : s;
  }
  s = kind == WEYL_NONLIN_NORM ? weyl_nonlin_norm(h, act, nl) : weyl_nonlin_pointwise(h, act, nl);
  return s == WEYL_OK ? weyl_rep_copies(h, 1, lin_out) : s;
}

/* Fills stage st for in -> (nonlinearity on h), or in -> h when last. */
static weyl_status build_stage(weyl_stage *st, const weyl_rep *in, const weyl_rep *h, int last,
                               const weyl_model_opts *o, weyl_nonlin_kind kind,
                               const weyl_rep *mid, int use_bil) {
  weyl_rep *lin_out = NULL;
  weyl_status s =
      last ? weyl_rep_copies(h, 1, &lin_out) : make_nonlin(h, kind, o->act, &st->nl, &lin_out);
  if (s == WEYL_OK)
    s = weyl_basis_solve(in, lin_out, &o->solve, &st->w);
  if (s == WEYL_OK)
    s = weyl_basis_solve_bias(lin_out, &o->solve, &st->bias);
  if (s == WEYL_OK)
    s = weyl_linear_new(st->w, st->bias, &st->lin);
  if (s == WEYL_OK && mid && !last) /* mid: the LOWRANK small rep */
    s = weyl_bilinear_new(in, lin_out, mid, &o->solve, &st->bil);
  else if (s == WEYL_OK && !last && o->bilinear > 0 && o->bilinear_kind == WEYL_BILINEAR_FULL &&
           use_bil) {
    s = weyl_bilinear_full_new(lin_out, lin_out, &st->bil);
    st->bil_on_lin = 1;
  }
  if (s == WEYL_OK) {
    st->in_dim = weyl_rep_dim(in);
    st->mid_dim = weyl_rep_dim(lin_out);
    st->out_dim = weyl_rep_dim(h);
    st->residual = o->residual && !last && st->in_dim == st->out_dim;
    if (st->residual) { /* same dimension is not enough: the reps must agree */
      char a[512], b[512];
      st->residual = weyl_rep_str(in, a, sizeof a) < (int)sizeof a &&
                     weyl_rep_str(h, b, sizeof b) < (int)sizeof b && strcmp(a, b) == 0;
    }
  }
  weyl_rep_free(lin_out);
  return s;
}

static weyl_status alloc_params(weyl_model *m) {
  int n = 0;
  for (int i = 0; i < m->n_stages; i++) {
    weyl_stage *st = &m->stages[i];
    st->p_lin = n;
    n += weyl_linear_nparams(st->lin);
    st->p_bil = n;
    n += weyl_bilinear_nparams(st->bil);
    st->p_nl = n;
    n += weyl_nonlin_nparams(st->nl);
    if (st->in_dim > m->max_dim)
      m->max_dim = st->in_dim;
    if (st->mid_dim > m->max_dim)
      m->max_dim = st->mid_dim;
  }
  m->nparams = n;
  m->params = calloc((size_t)n + 1, sizeof *m->params);
  m->grads = calloc((size_t)n + 1, sizeof *m->grads);
  m->act = calloc((size_t)m->n_stages + 1, sizeof *m->act);
  m->pre = calloc((size_t)m->n_stages, sizeof *m->pre);
  m->lo = calloc((size_t)m->n_stages, sizeof *m->lo);
  if (!m->params || !m->grads || !m->act || !m->pre || !m->lo)
    return weyl_fail(WEYL_ENOMEM, "out of memory building a model");
  return WEYL_OK;
}

/* The stack in -> hidden (n_hidden times) -> out. */
static weyl_status build(weyl_model *m, const weyl_rep *hidden, const weyl_model_opts *o,
                         weyl_nonlin_kind kind, const weyl_rep *mid) {
  m->n_stages = o->n_hidden + 1;
  m->stages = calloc((size_t)m->n_stages, sizeof *m->stages);
  if (!m->stages)
    return weyl_fail(WEYL_ENOMEM, "out of memory building a model");
  weyl_status s = WEYL_OK;
  for (int i = 0; i < m->n_stages && s == WEYL_OK; i++) {
    int last = i == m->n_stages - 1;
    int with_bil = o->bilinear_blocks <= 0 || i < o->bilinear_blocks;
    s = build_stage(&m->stages[i], i == 0 ? m->in : hidden, last ? m->out : hidden, last, o, kind,
                    with_bil ? mid : NULL, with_bil && kind != WEYL_NONLIN_POINTWISE);
  }
  return s == WEYL_OK ? alloc_params(m) : s;
}

static weyl_status new_model(const weyl_rep *in, const weyl_rep *out, const weyl_rep *hidden,
                             const weyl_rep *mid, const weyl_model_opts *o, weyl_nonlin_kind kind,
                             weyl_group *own, weyl_model **out_m) {
  weyl_model *m = calloc(1, sizeof *m);
  if (!m) {
    weyl_group_free(own);
    return weyl_fail(WEYL_ENOMEM, "out of memory building a model");
  }
  m->own_group = own;
  weyl_status s = weyl_rep_copies(in, 1, &m->in);
  if (s == WEYL_OK)
    s = weyl_rep_copies(out, 1, &m->out);
  if (s == WEYL_OK)
    s = build(m, hidden, o, kind, mid);
  if (s == WEYL_OK)
    s = weyl_model_sync(m);
  if (s != WEYL_OK) {
    weyl_model_free(m);
    return s;
  }
  *out_m = m;
  return WEYL_OK;
}

/* k*Scalar + k*V, the small rep of the bilinear layers: its tensor square
 * holds every scalar-vector product (m_a x_a) and vector pair (x_a (x) x_b). */
static weyl_status bilinear_rep(weyl_group *g, int k, weyl_rep **mid) {
  weyl_rep *sc = NULL, *v = NULL, *ks = NULL, *kv = NULL;
  weyl_status s = weyl_rep_scalar(g, &sc);
  if (s == WEYL_OK)
    s = weyl_rep_leaf(g, weyl_group_leaf_name(g, 0), &v);
  if (s == WEYL_OK)
    s = weyl_rep_copies(sc, k, &ks);
  if (s == WEYL_OK)
    s = weyl_rep_copies(v, k, &kv);
  if (s == WEYL_OK)
    s = weyl_rep_sum(ks, kv, mid);
  weyl_rep_free(sc), weyl_rep_free(v), weyl_rep_free(ks), weyl_rep_free(kv);
  return s;
}

weyl_status weyl_model_emlp(const weyl_rep *in, const weyl_rep *out, const weyl_model_opts *opts,
                            weyl_model **m) {
  if (!in || !out || !m)
    return weyl_fail(WEYL_EINVAL, "weyl_model_emlp: NULL argument");
  if (weyl_rep_group(in) != weyl_rep_group(out))
    return weyl_fail(WEYL_EINVAL, "weyl_model_emlp: reps of different groups");
  weyl_model_opts o = fill_opts(opts);
  weyl_rep *hidden = NULL, *mid = NULL;
  weyl_status s = weyl_nonlin_uniform_rep(weyl_rep_group(in), o.channels, &hidden);
  if (s == WEYL_OK && o.bilinear > 0 && o.bilinear_kind == WEYL_BILINEAR_LOWRANK)
    s = bilinear_rep(weyl_rep_group(in), o.bilinear, &mid);
  if (s == WEYL_OK)
    s = new_model(in, out, hidden, mid, &o, o.kind, NULL, m);
  weyl_rep_free(hidden);
  weyl_rep_free(mid);
  return s;
}

/* k*Scalar of g in *r. */
static weyl_status scalars(weyl_group *g, int k, weyl_rep **r) {
  weyl_rep *sc = NULL;
  weyl_status s = weyl_rep_scalar(g, &sc);
  if (s == WEYL_OK)
    s = weyl_rep_copies(sc, k, r);
  weyl_rep_free(sc);
  return s;
}

weyl_status weyl_model_mlp(int in_dim, int out_dim, const weyl_model_opts *opts, weyl_model **m) {
  if (!m || in_dim < 1 || out_dim < 1)
    return weyl_fail(WEYL_EINVAL, "weyl_model_mlp: bad argument");
  weyl_model_opts o = fill_opts(opts);
  weyl_group *g = NULL;
  weyl_rep *in = NULL, *out = NULL, *hidden = NULL;
  weyl_status s = weyl_group_builtin("Z(1)", &g);
  if (s == WEYL_OK)
    s = scalars(g, in_dim, &in);
  if (s == WEYL_OK)
    s = scalars(g, out_dim, &out);
  if (s == WEYL_OK)
    s = scalars(g, o.channels, &hidden);
  if (s == WEYL_OK)
    s = new_model(in, out, hidden, NULL, &o, WEYL_NONLIN_POINTWISE, g, m);
  else
    weyl_group_free(g);
  g = NULL; /* owned by the model now (or freed by new_model on failure) */
  weyl_rep_free(in);
  weyl_rep_free(out);
  weyl_rep_free(hidden);
  return s;
}

int weyl_model_in_dim(const weyl_model *m) { return m ? weyl_rep_dim(m->in) : 0; }
int weyl_model_out_dim(const weyl_model *m) { return m ? weyl_rep_dim(m->out) : 0; }
int weyl_model_nparams(const weyl_model *m) { return m ? m->nparams : 0; }
double *weyl_model_params(weyl_model *m) { return m ? m->params : NULL; }
const double *weyl_model_grads(const weyl_model *m) { return m ? m->grads : NULL; }

weyl_status weyl_model_sync(weyl_model *m) {
  if (!m)
    return weyl_fail(WEYL_EINVAL, "weyl_model_sync: NULL model");
  for (int i = 0; i < m->n_stages; i++) {
    weyl_stage *st = &m->stages[i];
    weyl_status s = weyl_linear_set_params(st->lin, m->params + st->p_lin);
    if (s == WEYL_OK && st->bil)
      s = weyl_bilinear_set_params(st->bil, m->params + st->p_bil);
    if (s != WEYL_OK)
      return s;
  }
  return WEYL_OK;
}

/* ---------- forward / backward ---------- */

static weyl_status grow(weyl_model *m, int batch) {
  if (batch <= m->cap)
    return WEYL_OK;
  /* max_dim bounds every stage's in, mid and out: rows x max_dim fits an int */
  weyl_status s = weyl_model_batch_check("model", batch, m->max_dim);
  if (s != WEYL_OK)
    return s;
  free_acts(m);
  size_t rows = (size_t)batch;
  int ok = 1;
  for (int i = 0; i < m->n_stages; i++) {
    m->act[i] = malloc(rows * m->stages[i].in_dim * sizeof(double));
    m->pre[i] = malloc(rows * m->stages[i].mid_dim * sizeof(double));
    if (m->stages[i].bil_on_lin)
      ok = ok && (m->lo[i] = malloc(rows * m->stages[i].mid_dim * sizeof(double)));
    ok = ok && m->act[i] && m->pre[i];
  }
  m->act[m->n_stages] = malloc(rows * m->stages[m->n_stages - 1].out_dim * sizeof(double));
  m->d0 = malloc(rows * m->max_dim * sizeof(double));
  m->d1 = malloc(rows * m->max_dim * sizeof(double));
  m->d2 = malloc(rows * m->max_dim * sizeof(double));
  m->d3 = malloc(rows * m->max_dim * sizeof(double));
  if (!ok || !m->act[m->n_stages] || !m->d0 || !m->d1 || !m->d2 || !m->d3) {
    free_acts(m);
    return weyl_fail(WEYL_ENOMEM, "out of memory for a batch of %d", batch);
  }
  m->cap = batch;
  return WEYL_OK;
}

weyl_status weyl_model_stage_forward(weyl_model *m, int i, int batch) {
  assert(i >= 0 && i < m->n_stages && batch <= m->cap);
  weyl_stage *st = &m->stages[i];
  assert(!st->nl == (i == m->n_stages - 1)); /* model_impl.h: no nonlinearity on the output */
  double *a = m->act[i], *z = m->pre[i], *y = m->act[i + 1];
  weyl_status s;
  if (st->bil_on_lin) { /* the paper's block: z = l + bilinear(l) */
    s = weyl_linear_forward(st->lin, batch, a, m->lo[i]);
    if (s == WEYL_OK)
      memcpy(z, m->lo[i], (size_t)batch * st->mid_dim * sizeof *z);
    if (s == WEYL_OK)
      s = weyl_bilinear_forward(st->bil, batch, m->lo[i], z, 1);
  } else {
    s = weyl_linear_forward(st->lin, batch, a, z);
    if (s == WEYL_OK && st->bil)
      s = weyl_bilinear_forward(st->bil, batch, a, z, 1);
  }
  if (s != WEYL_OK)
    return s;
  if (!st->nl) {
    memcpy(y, z, (size_t)batch * st->out_dim * sizeof *y);
    return WEYL_OK;
  }
  s = weyl_nonlin_forward(st->nl, m->params + st->p_nl, batch, z, y);
  if (s == WEYL_OK && st->residual)
    cblas_daxpy(batch * st->out_dim, 1.0, a, 1, y, 1);
  return s;
}

weyl_status weyl_model_forward(weyl_model *m, int batch, const double *x, double *y) {
  if (!m || !x || !y || batch < 1)
    return weyl_fail(WEYL_EINVAL, "weyl_model_forward: bad argument");
  m->batch = 0; /* no valid activations until this pass completes */
  weyl_status s = grow(m, batch);
  if (s != WEYL_OK)
    return s;
  memcpy(m->act[0], x, (size_t)batch * m->stages[0].in_dim * sizeof *x);
  for (int i = 0; i < m->n_stages && s == WEYL_OK; i++)
    s = weyl_model_stage_forward(m, i, batch);
  if (s != WEYL_OK)
    return s;
  m->batch = batch;
  memcpy(y, m->act[m->n_stages], (size_t)batch * weyl_model_out_dim(m) * sizeof *y);
  return WEYL_OK;
}

/* dout (batch x out_dim of stage i) -> din (batch x in_dim), gradients added. */
static weyl_status stage_backward(weyl_model *m, int i, int batch, const double *dout, double *dmid,
                                  double *din) {
  weyl_stage *st = &m->stages[i];
  const double *dz = dout;
  weyl_status s = WEYL_OK;
  if (st->nl) {
    s = weyl_nonlin_backward(st->nl, m->params + st->p_nl, batch, m->pre[i], dout,
                             m->grads + st->p_nl, dmid);
    dz = dmid;
  }
  if (s == WEYL_OK && st->bil_on_lin) { /* dl = dz + J_bil(l)^T dz */
    memcpy(m->d3, dz, (size_t)batch * st->mid_dim * sizeof *dz);
    s = weyl_bilinear_backward(st->bil, batch, m->lo[i], dz, m->grads + st->p_bil, m->d3);
    dz = m->d3;
  }
  if (s == WEYL_OK)
    s = weyl_linear_backward(st->lin, batch, m->act[i], dz, m->grads + st->p_lin,
                             i > 0 ? din : NULL);
  if (s == WEYL_OK && st->bil && !st->bil_on_lin)
    s = weyl_bilinear_backward(st->bil, batch, m->act[i], dz, m->grads + st->p_bil,
                               i > 0 ? din : NULL);
  if (s == WEYL_OK && i > 0 && st->residual)
    cblas_daxpy(batch * st->in_dim, 1.0, dout, 1, din, 1);
  return s;
}

weyl_status weyl_model_backward(weyl_model *m, int batch, const double *dy) {
  if (!m || !dy)
    return weyl_fail(WEYL_EINVAL, "weyl_model_backward: NULL argument");
  if (batch != m->batch || batch < 1)
    return weyl_fail(WEYL_EINVAL, "weyl_model_backward: batch %d, last forward pass had %d", batch,
                     m->batch);
  memset(m->grads, 0, (size_t)m->nparams * sizeof *m->grads);
  /* dout and din swap between d0 and d1; d2 holds the gradient at the
   * linear layer's output. */
  memcpy(m->d0, dy, (size_t)batch * weyl_model_out_dim(m) * sizeof *dy);
  double *dout = m->d0, *din = m->d1;
  for (int i = m->n_stages - 1; i >= 0; i--) {
    weyl_status s = stage_backward(m, i, batch, dout, m->d2, din);
    if (s != WEYL_OK)
      return s;
    double *t = dout;
    dout = din;
    din = t;
  }
  return WEYL_OK;
}

double weyl_model_hidden_rms(const weyl_model *m, int i) {
  if (!m || i < 0 || i >= m->n_stages - 1 || m->batch < 1)
    return -1;
  size_t n = (size_t)m->batch * m->stages[i].out_dim;
  double s = cblas_ddot((int)n, m->act[i + 1], 1, m->act[i + 1], 1);
  return sqrt(s / n);
}
