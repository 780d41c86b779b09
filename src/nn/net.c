/* Building nets: appending layers, each owning what it needs, and the
 * activation buffers their dimensions call for. */
#include "weyl/net.h"

#include <stdlib.h>
#include <string.h>

#include "core/status_impl.h"
#include "nn/net_impl.h"
#include "nn/nn_util.h"

weyl_net_block_opts weyl_net_default_block_opts(void) {
  weyl_net_block_opts o;
  memset(&o, 0, sizeof o);
  o.kind = WEYL_NONLIN_GATED;
  o.act = WEYL_NONLIN_ACT_SWISH;
  o.bilinear = 2;
  return o;
}

void weyl_net_free_acts(weyl_net *net) {
  for (int i = 0; i <= net->n; i++) {
    if (net->act)
      free(net->act[i]), net->act[i] = NULL;
    if (net->dact)
      free(net->dact[i]), net->dact[i] = NULL;
  }
  free(net->act), free(net->dact), free(net->scratch), free(net->tmp);
  net->act = net->dact = NULL;
  net->scratch = net->tmp = NULL;
  net->cap = 0;
  net->batch = -1;
}

weyl_status weyl_net_grow(weyl_net *net, int batch) {
  if (batch <= net->cap && net->act)
    return WEYL_OK;
  int n = net->n, max_dim = 1;
  for (int i = 0; i <= n; i++)
    max_dim = weyl_rep_dim(net->reps[i]) > max_dim ? weyl_rep_dim(net->reps[i]) : max_dim;
  /* every buffer is batch x (at most max_dim), and BLAS lengths are int */
  weyl_status s = weyl_nn_batch_check("weyl_net_forward", batch, max_dim);
  if (s != WEYL_OK)
    return s;
  weyl_net_free_acts(net); /* before allocating the larger ones */
  net->act = calloc((size_t)n + 1, sizeof *net->act);
  net->dact = calloc((size_t)n + 1, sizeof *net->dact);
  net->scratch = malloc(sizeof(double) * (size_t)batch * max_dim + sizeof(double));
  net->tmp = malloc(sizeof(double) * (size_t)batch * max_dim + sizeof(double));
  int ok = net->act && net->dact && net->scratch && net->tmp;
  for (int i = 0; ok && i <= n; i++) {
    size_t sz = sizeof(double) * ((size_t)batch * weyl_rep_dim(net->reps[i]) + 1);
    net->act[i] = malloc(sz);
    net->dact[i] = malloc(sz);
    ok = net->act[i] && net->dact[i];
  }
  if (!ok) {
    weyl_net_free_acts(net); /* every pointer NULL again: nothing dangles */
    return weyl_fail(WEYL_ENOMEM, "out of memory for a batch of %d", batch);
  }
  net->cap = batch;
  return WEYL_OK;
}

static void free_layer(weyl_net_layer *l) {
  weyl_linear_free(l->lin);
  weyl_bilinear_free(l->bil);
  weyl_nonlin_free(l->nl);
}

void weyl_net_free(weyl_net *net) {
  if (!net)
    return;
  weyl_net_free_acts(net);
  for (int i = 0; i < net->n; i++)
    free_layer(&net->layers[i]);
  for (int i = 0; net->reps && i <= net->n; i++)
    weyl_rep_free(net->reps[i]);
  free(net->layers);
  free(net->reps);
  free(net->params);
  free(net->grads);
  free(net);
}

weyl_status weyl_net_new(const weyl_rep *in, weyl_net **out) {
  if (!in || !out)
    return weyl_fail(WEYL_EINVAL, "weyl_net_new: NULL argument");
  weyl_net *net = calloc(1, sizeof *net);
  if (net)
    net->reps = calloc(1, sizeof *net->reps);
  if (!net || !net->reps) {
    weyl_net_free(net);
    return weyl_fail(WEYL_ENOMEM, "out of memory creating a net");
  }
  net->batch = -1;
  weyl_status s = weyl_rep_copies(in, 1, &net->reps[0]);
  if (s != WEYL_OK) {
    weyl_net_free(net);
    return s;
  }
  *out = net;
  return WEYL_OK;
}

/* Appends l (taking its objects) with output rep out (taking the reference).
 * On failure frees both. */
static weyl_status push(weyl_net *net, weyl_net_layer l, int np, weyl_rep *out) {
  weyl_status s = WEYL_OK;
  if (net->n == net->cap_layers) {
    int cap = net->cap_layers ? 2 * net->cap_layers : 8;
    weyl_net_layer *ls = realloc(net->layers, sizeof *ls * (size_t)cap);
    if (ls)
      net->layers = ls;
    weyl_rep **rs = ls ? realloc(net->reps, sizeof *rs * (size_t)(cap + 1)) : NULL;
    if (rs)
      net->reps = rs, net->cap_layers = cap;
    else
      s = weyl_fail(WEYL_ENOMEM, "out of memory adding a layer");
  }
  double *p = NULL, *g = NULL;
  if (s == WEYL_OK) {
    p = realloc(net->params, sizeof *p * (size_t)(net->nparams + np + 1));
    if (p)
      net->params = p;
    g = p ? realloc(net->grads, sizeof *g * (size_t)(net->nparams + np + 1)) : NULL;
    if (g)
      net->grads = g;
    else
      s = weyl_fail(WEYL_ENOMEM, "out of memory adding a layer");
  }
  if (s != WEYL_OK) {
    free_layer(&l);
    weyl_rep_free(out);
    return s;
  }
  memset(net->params + net->nparams, 0, sizeof *p * (size_t)np);
  memset(net->grads + net->nparams, 0, sizeof *g * (size_t)np);
  weyl_net_free_acts(net);
  l.in_dim = weyl_rep_dim(net->reps[net->n]);
  l.out_dim = weyl_rep_dim(out);
  l.p0 = net->nparams;
  l.np = np;
  l.p_lin += net->nparams, l.p_bil += net->nparams, l.p_nl += net->nparams;
  net->nparams += np;
  net->layers[net->n++] = l;
  net->reps[net->n] = out;
  return weyl_net_sync(net);
}

/* Removes the last layer (undoing a block that failed half-way). */
static void pop(weyl_net *net) {
  weyl_net_free_acts(net);
  weyl_net_layer *l = &net->layers[net->n - 1];
  net->nparams = l->p0;
  free_layer(l);
  weyl_rep_free(net->reps[net->n]);
  net->n--;
}

static const weyl_rep *cur(const weyl_net *net) { return net->reps[net->n]; }

static weyl_status check_rep(const weyl_net *net, const weyl_rep *r, const char *fn) {
  if (!net || !r)
    return weyl_fail(WEYL_EINVAL, "%s: NULL argument", fn);
  if (weyl_rep_group(r) != weyl_rep_group(cur(net)))
    return weyl_fail(WEYL_EINVAL, "%s: the rep belongs to another group than the net", fn);
  return WEYL_OK;
}

weyl_status weyl_net_add_linear(weyl_net *net, const weyl_rep *out,
                                const weyl_net_linear_opts *opts) {
  weyl_status s = check_rep(net, out, "weyl_net_add_linear");
  if (s == WEYL_OK && opts && opts->bilinear)
    s = check_rep(net, opts->bilinear, "weyl_net_add_linear");
  if (s != WEYL_OK)
    return s;
  weyl_net_linear_opts o = opts ? *opts : (weyl_net_linear_opts){0};
  weyl_linear_opts lo = {.bias = !o.no_bias, .solve = o.solve};
  weyl_net_layer l = {.kind = NET_LINEAR};
  weyl_rep *ref = NULL;
  s = weyl_linear_from_reps(cur(net), out, &lo, &l.lin);
  if (s == WEYL_OK && o.bilinear)
    s = weyl_bilinear_new(cur(net), out, o.bilinear, &o.solve, &l.bil);
  if (s == WEYL_OK)
    s = weyl_rep_copies(out, 1, &ref);
  if (s != WEYL_OK) {
    free_layer(&l);
    return s;
  }
  int nl = weyl_linear_nparams(l.lin);
  l.p_lin = 0, l.p_bil = nl, l.p_nl = nl + weyl_bilinear_nparams(l.bil);
  return push(net, l, l.p_nl, ref);
}

/* Appends a bilinear layer current -> out: LOWRANK through mid when mid is
 * set, else FULL. */
static weyl_status add_bilinear(weyl_net *net, const weyl_rep *out, const weyl_rep *mid,
                                const weyl_basis_opts *opts, const char *fn) {
  weyl_status s = check_rep(net, out, fn);
  weyl_net_layer l = {.kind = NET_BILINEAR};
  weyl_rep *ref = NULL;
  if (s == WEYL_OK)
    s = mid ? weyl_bilinear_new(cur(net), out, mid, opts, &l.bil)
            : weyl_bilinear_full_new(cur(net), out, &l.bil);
  if (s == WEYL_OK)
    s = weyl_rep_copies(out, 1, &ref);
  if (s != WEYL_OK) {
    free_layer(&l);
    return s;
  }
  l.p_nl = weyl_bilinear_nparams(l.bil);
  return push(net, l, l.p_nl, ref);
}

weyl_status weyl_net_add_bilinear(weyl_net *net, const weyl_rep *out, const weyl_rep *mid,
                                  const weyl_basis_opts *opts) {
  weyl_status s = check_rep(net, mid, "weyl_net_add_bilinear");
  return s == WEYL_OK ? add_bilinear(net, out, mid, opts, "weyl_net_add_bilinear") : s;
}

weyl_status weyl_net_add_bilinear_full(weyl_net *net, const weyl_rep *out) {
  return add_bilinear(net, out, NULL, NULL, "weyl_net_add_bilinear_full");
}

/* Appends nonlinearity kind on h; the current rep must be its input. */
static weyl_status add_nonlin_on(weyl_net *net, const weyl_rep *h, weyl_nonlin_kind kind,
                                 weyl_nonlin_act act) {
  weyl_net_layer l = {.kind = NET_NONLIN};
  weyl_status s = kind == WEYL_NONLIN_GATED  ? weyl_nonlin_gated(h, act, &l.nl)
                  : kind == WEYL_NONLIN_NORM ? weyl_nonlin_norm(h, act, &l.nl)
                                             : weyl_nonlin_pointwise(h, act, &l.nl);
  if (s == WEYL_OK && weyl_nonlin_in_dim(l.nl) != weyl_rep_dim(cur(net)))
    s = weyl_fail(WEYL_EINVAL, "nonlinearity: its input has dimension %d, the net's output %d",
                  weyl_nonlin_in_dim(l.nl), weyl_rep_dim(cur(net)));
  weyl_rep *ref = NULL;
  if (s == WEYL_OK)
    s = weyl_rep_copies(h, 1, &ref);
  if (s != WEYL_OK) {
    free_layer(&l);
    return s;
  }
  return push(net, l, weyl_nonlin_nparams(l.nl), ref);
}

/* The H with weyl_nonlin_gated_rep(H) = r: r's first k summands, where the
 * other n - k are scalars and k summands hold n - k non-scalars (the count
 * of non-scalars grows with k while n - k shrinks, so k is unique). */
static weyl_status ungate(const weyl_rep *r, weyl_rep **h) {
  weyl_rep **parts = NULL;
  int n = 0;
  weyl_status s = weyl_rep_summands(r, &parts, &n);
  if (s != WEYL_OK)
    return s;
  int k = -1, nonscalar = 0, tail_scalar = 1;
  for (int j = n; j >= 0 && k < 0; j--) { /* j = candidate k, tail j..n-1 */
    if (j < n)
      tail_scalar = tail_scalar && weyl_nonlin_is_scalar(parts[j]);
    nonscalar = 0;
    for (int i = 0; i < j; i++)
      nonscalar += !weyl_nonlin_is_scalar(parts[i]);
    if (tail_scalar && nonscalar == n - j && j > 0)
      k = j;
  }
  weyl_rep *acc = NULL;
  if (k < 0)
    s = weyl_fail(WEYL_EINVAL, "gated nonlinearity: the net's output rep does not end with one "
                               "gate scalar per non-scalar summand (add a linear layer to "
                               "weyl_nonlin_gated_rep(H) first)");
  for (int i = 0; s == WEYL_OK && i < k; i++) {
    weyl_rep *sum = NULL;
    s = acc ? weyl_rep_sum(acc, parts[i], &sum) : weyl_rep_copies(parts[i], 1, &sum);
    weyl_rep_free(acc);
    acc = s == WEYL_OK ? sum : NULL;
  }
  weyl_rep_parts_free(parts, n);
  if (s == WEYL_OK)
    *h = acc;
  return s;
}

weyl_status weyl_net_add_nonlin(weyl_net *net, weyl_nonlin_kind kind, weyl_nonlin_act act) {
  if (!net)
    return weyl_fail(WEYL_EINVAL, "weyl_net_add_nonlin: NULL net");
  if (kind != WEYL_NONLIN_GATED)
    return add_nonlin_on(net, cur(net), kind, act);
  weyl_rep *h = NULL;
  weyl_status s = ungate(cur(net), &h);
  if (s == WEYL_OK)
    s = add_nonlin_on(net, h, kind, act);
  weyl_rep_free(h);
  return s;
}

/* k*Scalar + k*V, the small rep of the bilinear term: its tensor square
 * holds every scalar-vector product (m_a x_a) and vector pair (x_a (x) x_b). */
static weyl_status bilinear_mid(weyl_group *g, int k, weyl_rep **mid) {
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

weyl_status weyl_net_add_block(weyl_net *net, const weyl_rep *hidden,
                               const weyl_net_block_opts *opts) {
  weyl_status s = check_rep(net, hidden, "weyl_net_add_block");
  if (s != WEYL_OK)
    return s;
  weyl_net_block_opts o = opts ? *opts : weyl_net_default_block_opts();
  int start = net->n, full = o.bilinear > 0 && o.bilinear_kind == WEYL_BILINEAR_FULL;
  weyl_rep *lin_out = NULL, *mid = NULL;
  s = o.kind == WEYL_NONLIN_GATED ? weyl_nonlin_gated_rep(hidden, &lin_out)
                                  : weyl_rep_copies(hidden, 1, &lin_out);
  if (s == WEYL_OK && o.bilinear > 0 && !full)
    s = bilinear_mid(weyl_rep_group(hidden), o.bilinear, &mid);
  weyl_net_linear_opts lo = {.bilinear = mid, .solve = o.solve};
  if (s == WEYL_OK)
    s = weyl_net_add_linear(net, lin_out, &lo);
  /* the paper's block: z = l + bilinear_full(l), l the linear output */
  if (s == WEYL_OK && full)
    s = weyl_net_add_bilinear_full(net, lin_out);
  if (s == WEYL_OK && full)
    s = weyl_net_add_skip(net, start + 1);
  if (s == WEYL_OK)
    s = add_nonlin_on(net, hidden, o.kind, o.act);
  if (s == WEYL_OK && o.residual && weyl_nn_rep_same(net->reps[start], cur(net)))
    s = weyl_net_add_skip(net, start);
  while (s != WEYL_OK && net->n > start)
    pop(net); /* the net as it was */
  weyl_rep_free(lin_out);
  weyl_rep_free(mid);
  return s;
}

/* Parses expr over the net's group into *r. */
static weyl_status parse(weyl_net *net, const char *expr, weyl_rep **r) {
  if (!net || !expr)
    return weyl_fail(WEYL_EINVAL, "net: NULL argument");
  return weyl_rep_parse(weyl_rep_group(cur(net)), expr, r);
}

weyl_status weyl_net_add_linear_expr(weyl_net *net, const char *out,
                                     const weyl_net_linear_opts *opts) {
  weyl_rep *r = NULL;
  weyl_status s = parse(net, out, &r);
  if (s == WEYL_OK)
    s = weyl_net_add_linear(net, r, opts);
  weyl_rep_free(r);
  return s;
}

weyl_status weyl_net_add_block_expr(weyl_net *net, const char *hidden,
                                    const weyl_net_block_opts *opts) {
  weyl_rep *r = NULL;
  weyl_status s = parse(net, hidden, &r);
  if (s == WEYL_OK)
    s = weyl_net_add_block(net, r, opts);
  weyl_rep_free(r);
  return s;
}

weyl_status weyl_net_add_skip(weyl_net *net, int from) {
  if (!net)
    return weyl_fail(WEYL_EINVAL, "weyl_net_add_skip: NULL net");
  if (from < 0 || from >= net->n)
    return weyl_fail(WEYL_EINVAL, "weyl_net_add_skip: from %d not in [0, %d)", from, net->n);
  if (!weyl_nn_rep_same(net->reps[from], cur(net)))
    return weyl_fail(WEYL_EINVAL, "weyl_net_add_skip: output %d has another rep than the "
                                  "current one, so they cannot be added",
                     from);
  weyl_rep *ref = NULL;
  weyl_status s = weyl_rep_copies(cur(net), 1, &ref);
  if (s != WEYL_OK)
    return s;
  weyl_net_layer l = {.kind = NET_SKIP, .from = from};
  return push(net, l, 0, ref);
}

int weyl_net_nlayers(const weyl_net *net) { return net ? net->n : 0; }
const weyl_rep *weyl_net_in_rep(const weyl_net *net) { return net ? net->reps[0] : NULL; }
const weyl_rep *weyl_net_out_rep(const weyl_net *net) { return net ? cur(net) : NULL; }
int weyl_net_in_dim(const weyl_net *net) { return net ? weyl_rep_dim(net->reps[0]) : 0; }
int weyl_net_out_dim(const weyl_net *net) { return net ? weyl_rep_dim(cur(net)) : 0; }
int weyl_net_nparams(const weyl_net *net) { return net ? net->nparams : 0; }
double *weyl_net_params(weyl_net *net) { return net ? net->params : NULL; }
const double *weyl_net_grads(const weyl_net *net) { return net ? net->grads : NULL; }

weyl_status weyl_net_sync(weyl_net *net) {
  if (!net)
    return weyl_fail(WEYL_EINVAL, "weyl_net_sync: NULL net");
  for (int i = 0; i < net->n; i++) {
    weyl_net_layer *l = &net->layers[i];
    weyl_status s = WEYL_OK;
    if (l->lin)
      s = weyl_linear_set_params(l->lin, net->params + l->p_lin);
    if (s == WEYL_OK && l->bil)
      s = weyl_bilinear_set_params(l->bil, net->params + l->p_bil);
    if (s != WEYL_OK)
      return s;
  }
  return WEYL_OK;
}
