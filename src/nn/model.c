/* EMLPs and MLPs: thin builders over weyl_net (net.h). */
#include "weyl/model.h"

#include <stdlib.h>
#include <string.h>

#include "weyl/net.h"

#include "core/status_impl.h"

struct weyl_model {
  weyl_net *net;
  weyl_group *own_group; /* the trivial group of an MLP, else NULL */
  int n_hidden;
  int *block_last; /* [n_hidden]: the net layer that ends hidden block i */
};

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

void weyl_model_free(weyl_model *m) {
  if (!m)
    return;
  weyl_net_free(m->net);
  weyl_group_free(m->own_group);
  free(m->block_last);
  free(m);
}

/* in -> hidden (n_hidden blocks) -> out, each block as weyl_net_add_block
 * with kind; the first bilinear_blocks blocks (all when <= 0) get the
 * bilinear term of o->bilinear_kind when o->bilinear > 0. */
static weyl_status build(weyl_model *m, const weyl_rep *in, const weyl_rep *out,
                         const weyl_rep *hidden, const weyl_model_opts *o, weyl_nonlin_kind kind) {
  m->n_hidden = o->n_hidden;
  m->block_last = calloc((size_t)o->n_hidden, sizeof *m->block_last);
  if (!m->block_last)
    return weyl_fail(WEYL_ENOMEM, "out of memory building a model");
  weyl_status s = weyl_net_new(in, &m->net);
  for (int i = 0; i < o->n_hidden && s == WEYL_OK; i++) {
    weyl_net_block_opts bo = {.kind = kind, .act = o->act, .residual = o->residual,
                              .solve = o->solve, .bilinear_kind = o->bilinear_kind};
    int with_bil = o->bilinear_blocks <= 0 || i < o->bilinear_blocks;
    bo.bilinear = o->bilinear > 0 && with_bil && kind != WEYL_NONLIN_POINTWISE ? o->bilinear : 0;
    s = weyl_net_add_block(m->net, hidden, &bo);
    m->block_last[i] = weyl_net_nlayers(m->net) - 1;
  }
  weyl_net_linear_opts lo = {.solve = o->solve};
  return s == WEYL_OK ? weyl_net_add_linear(m->net, out, &lo) : s;
}

/* Makes *out_m from the parts; takes own (may be NULL) in every case. */
static weyl_status new_model(const weyl_rep *in, const weyl_rep *out, const weyl_rep *hidden,
                             const weyl_model_opts *o, weyl_nonlin_kind kind, weyl_group *own,
                             weyl_model **out_m) {
  weyl_model *m = calloc(1, sizeof *m);
  if (!m) {
    weyl_group_free(own);
    return weyl_fail(WEYL_ENOMEM, "out of memory building a model");
  }
  m->own_group = own;
  weyl_status s = build(m, in, out, hidden, o, kind);
  if (s != WEYL_OK) {
    weyl_net_free(m->net); /* before its group */
    m->net = NULL;
    weyl_model_free(m);
    return s;
  }
  *out_m = m;
  return WEYL_OK;
}

weyl_status weyl_model_emlp(const weyl_rep *in, const weyl_rep *out, const weyl_model_opts *opts,
                            weyl_model **m) {
  if (!in || !out || !m)
    return weyl_fail(WEYL_EINVAL, "weyl_model_emlp: NULL argument");
  if (weyl_rep_group(in) != weyl_rep_group(out))
    return weyl_fail(WEYL_EINVAL, "weyl_model_emlp: reps of different groups");
  weyl_model_opts o = fill_opts(opts);
  if (o.bilinear_kind != WEYL_BILINEAR_FULL && o.bilinear_kind != WEYL_BILINEAR_LOWRANK)
    return weyl_fail(WEYL_EINVAL, "weyl_model_emlp: bilinear_kind %d is neither FULL nor LOWRANK",
                     (int)o.bilinear_kind);
  weyl_rep *hidden = NULL;
  weyl_status s = weyl_nonlin_uniform_rep(weyl_rep_group(in), o.channels, &hidden);
  if (s == WEYL_OK)
    s = new_model(in, out, hidden, &o, o.kind, NULL, m);
  weyl_rep_free(hidden);
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
  int reached = s == WEYL_OK; /* new_model takes g in every case */
  if (reached)
    s = new_model(in, out, hidden, &o, WEYL_NONLIN_POINTWISE, g, m);
  weyl_rep_free(in); /* a rep's free does not touch its group */
  weyl_rep_free(out);
  weyl_rep_free(hidden);
  if (!reached)
    weyl_group_free(g);
  return s;
}

weyl_net *weyl_model_net(weyl_model *m) { return m ? m->net : NULL; }
int weyl_model_in_dim(const weyl_model *m) { return m ? weyl_net_in_dim(m->net) : 0; }
int weyl_model_out_dim(const weyl_model *m) { return m ? weyl_net_out_dim(m->net) : 0; }
int weyl_model_nparams(const weyl_model *m) { return m ? weyl_net_nparams(m->net) : 0; }
double *weyl_model_params(weyl_model *m) { return m ? weyl_net_params(m->net) : NULL; }
const double *weyl_model_grads(const weyl_model *m) { return m ? weyl_net_grads(m->net) : NULL; }

weyl_status weyl_model_sync(weyl_model *m) {
  return m ? weyl_net_sync(m->net) : weyl_fail(WEYL_EINVAL, "weyl_model_sync: NULL model");
}

weyl_status weyl_model_init(weyl_model *m, uint64_t seed) {
  return m ? weyl_net_init(m->net, seed) : weyl_fail(WEYL_EINVAL, "weyl_model_init: NULL model");
}

weyl_status weyl_model_adam_new(const weyl_model *m, double lr, weyl_adam **a) {
  return m ? weyl_net_adam_new(m->net, lr, a)
           : weyl_fail(WEYL_EINVAL, "weyl_model_adam_new: NULL model");
}

weyl_status weyl_model_forward(weyl_model *m, int batch, const double *x, double *y) {
  if (!m)
    return weyl_fail(WEYL_EINVAL, "weyl_model_forward: NULL model");
  return weyl_net_forward(m->net, batch, x, y);
}

weyl_status weyl_model_backward(weyl_model *m, int batch, const double *dy) {
  if (!m)
    return weyl_fail(WEYL_EINVAL, "weyl_model_backward: NULL model");
  return weyl_net_backward(m->net, batch, dy, NULL);
}

double weyl_model_hidden_rms(const weyl_model *m, int i) {
  if (!m || i < 0 || i >= m->n_hidden)
    return -1;
  return weyl_net_activation_rms(m->net, m->block_last[i]);
}

weyl_status weyl_model_train_mse(weyl_model *m, weyl_adam *a, int batch, const double *x,
                                 const double *y, double *loss) {
  if (!m)
    return weyl_fail(WEYL_EINVAL, "weyl_model_train_mse: NULL model");
  return weyl_net_train_mse(m->net, a, batch, x, y, loss);
}

weyl_status weyl_model_equivariance_error(weyl_model *m, weyl_rng *rng, int n_samples, double scale,
                                          int batch, const double *x, double *err) {
  if (!m)
    return weyl_fail(WEYL_EINVAL, "weyl_model_equivariance_error: NULL model");
  return weyl_net_equivariance_error(m->net, rng, n_samples, scale, batch, x, err);
}

weyl_status weyl_model_save(const weyl_model *m, const char *path) {
  return m ? weyl_net_save(m->net, path) : weyl_fail(WEYL_EINVAL, "weyl_model_save: NULL model");
}

weyl_status weyl_model_load(weyl_model *m, const char *path) {
  return m ? weyl_net_load(m->net, path) : weyl_fail(WEYL_EINVAL, "weyl_model_load: NULL model");
}
