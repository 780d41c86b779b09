/* Pointwise, norm and gated nonlinearities, and the EMLP hidden reps. */
#include "weyl/nonlin.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/mat.h"
#include "core/status_impl.h"
#include "nn/act_exp.h"
#include "nn/nn_util.h"

#define NORM_EPS2 1e-12 /* |x| = sqrt(|x|^2 + NORM_EPS2): smooth at 0 */
#define ORTHO_TOL 1e-9  /* a summand counts as orthogonal within this */

typedef struct {
  int off, dim;
  int gate; /* gated: index of its gate among the gates, -1 for a scalar */
} part;

struct weyl_nonlin {
  weyl_nonlin_kind kind;
  weyl_nonlin_act act;
  int in_dim, out_dim, nparams;
  int n_parts;
  part *parts;
};

/* ---------- activations ---------- */

static double sigmoid(double x) { return 1.0 / (1.0 + weyl_act_exp(-x)); }

/* swish'(x) from x and s = sigmoid(x). */
static double swish_df(double x, double s) { return s + x * s * (1 - s); }

/* 1 when activation a is built from sigmoid(x) (swish, sigmoid). */
static int uses_sigmoid(weyl_nonlin_act a) {
  return a == WEYL_NONLIN_ACT_SWISH || a == WEYL_NONLIN_ACT_SIGMOID;
}

/* f(x) and f'(x) given s = sigmoid(x) when uses_sigmoid(a) (ignored
 * otherwise): the gated nonlinearity has every part's sigmoid at once. */
static double act_f_s(weyl_nonlin_act a, double x, double s) {
  switch (a) {
  case WEYL_NONLIN_ACT_RELU:
    return x > 0 ? x : 0;
  case WEYL_NONLIN_ACT_SWISH:
    return x * s;
  case WEYL_NONLIN_ACT_TANH:
    return tanh(x);
  case WEYL_NONLIN_ACT_SIGMOID:
    return s;
  }
  return x;
}

static double act_df_s(weyl_nonlin_act a, double x, double s) {
  double t;
  switch (a) {
  case WEYL_NONLIN_ACT_RELU:
    return x > 0 ? 1 : 0;
  case WEYL_NONLIN_ACT_SWISH:
    return swish_df(x, s);
  case WEYL_NONLIN_ACT_TANH:
    t = tanh(x);
    return 1 - t * t;
  case WEYL_NONLIN_ACT_SIGMOID:
    return s * (1 - s);
  }
  return 1;
}

static double act_f(weyl_nonlin_act a, double x) {
  return act_f_s(a, x, uses_sigmoid(a) ? sigmoid(x) : 0);
}

static double act_df(weyl_nonlin_act a, double x) {
  return act_df_s(a, x, uses_sigmoid(a) ? sigmoid(x) : 0);
}

/* ---------- rep properties ---------- */

/* Runs test(mat, n) on rho of every discrete generator (disc = 1) and drho of
 * every algebra generator (disc = 0); returns 1 when all pass. */
static int all_generators(const weyl_rep *r, int (*test)(const double *, int, int)) {
  const weyl_group *g = weyl_rep_group(r);
  int n = weyl_rep_dim(r), ok = 1;
  double *m = malloc(sizeof *m * (size_t)n * n);
  if (!m)
    return 0;
  for (int k = 0; ok && k < weyl_group_ndisc(g); k++)
    ok = weyl_rep_rho(r, k, m) == WEYL_OK && test(m, n, 1);
  for (int k = 0; ok && k < weyl_group_nalg(g); k++)
    ok = weyl_rep_drho(r, k, m) == WEYL_OK && test(m, n, 0);
  free(m);
  return ok;
}

static int trivial_test(const double *m, int n, int disc) {
  (void)n;
  return disc ? m[0] == 1.0 : m[0] == 0.0;
}

int weyl_nonlin_is_scalar(const weyl_rep *rep) {
  return rep && weyl_rep_dim(rep) == 1 && all_generators(rep, trivial_test);
}

/* rho orthogonal (M^T M = I) or drho antisymmetric (M + M^T = 0). */
static int orthogonal_test(const double *m, int n, int disc) {
  if (disc)
    return weyl_mat_orth_defect(n, m, n) <= ORTHO_TOL;
  for (int i = 0; i < n; i++)
    for (int j = i; j < n; j++)
      if (fabs(m[i * n + j] + m[j * n + i]) > ORTHO_TOL)
        return 0;
  return 1;
}

/* ---------- construction ---------- */

void weyl_nonlin_free(weyl_nonlin *nl) {
  if (!nl)
    return;
  free(nl->parts);
  free(nl);
}

/* Builds the summand table (and, for the norm kind, refuses a summand that
 * is not orthogonal). */
static weyl_status new_nonlin(const weyl_rep *rep, weyl_nonlin_kind kind, weyl_nonlin_act act,
                              weyl_nonlin **out) {
  if (!rep || !out)
    return weyl_fail(WEYL_EINVAL, "nonlinearity: NULL argument");
  if ((unsigned)act > WEYL_NONLIN_ACT_SIGMOID)
    return weyl_fail(WEYL_EINVAL, "nonlinearity: unknown activation %d", (int)act);
  weyl_rep **reps = NULL;
  int n = 0;
  weyl_status s = weyl_rep_summands(rep, &reps, &n);
  if (s != WEYL_OK)
    return s;
  weyl_nonlin *nl = calloc(1, sizeof *nl);
  if (nl)
    nl->parts = calloc((size_t)n + 1, sizeof *nl->parts);
  if (!nl || !nl->parts) {
    weyl_rep_parts_free(reps, n);
    weyl_nonlin_free(nl);
    return weyl_fail(WEYL_ENOMEM, "out of memory building a nonlinearity");
  }
  *nl = (weyl_nonlin){kind, act, weyl_rep_dim(rep), weyl_rep_dim(rep), 0, n, nl->parts};
  int off = 0, gates = 0;
  for (int i = 0; i < n && s == WEYL_OK; i++) {
    part *p = &nl->parts[i];
    *p = (part){off, weyl_rep_dim(reps[i]), -1};
    off += p->dim;
    if (kind == WEYL_NONLIN_GATED && !weyl_nonlin_is_scalar(reps[i]))
      p->gate = gates++;
    if (kind == WEYL_NONLIN_NORM && !weyl_rep_is_perm(reps[i]) &&
        !all_generators(reps[i], orthogonal_test)) {
      char buf[128];
      weyl_rep_str(reps[i], buf, sizeof buf);
      s = weyl_fail(WEYL_EINVAL,
                    "norm nonlinearity: summand %d (%s) is not orthogonal, so its norm is "
                    "not invariant; use the gated nonlinearity",
                    i, buf);
    }
  }
  weyl_rep_parts_free(reps, n);
  if (s != WEYL_OK) {
    weyl_nonlin_free(nl);
    return s;
  }
  if (kind == WEYL_NONLIN_GATED)
    nl->in_dim += gates;
  if (kind == WEYL_NONLIN_NORM)
    nl->nparams = n;
  *out = nl;
  return WEYL_OK;
}

weyl_status weyl_nonlin_pointwise(const weyl_rep *rep, weyl_nonlin_act act, weyl_nonlin **nl) {
  if (rep && !weyl_rep_is_perm(rep)) {
    char buf[128];
    weyl_rep_str(rep, buf, sizeof buf);
    return weyl_fail(WEYL_EINVAL,
                     "pointwise nonlinearity on %s: only permutation reps keep a pointwise "
                     "map equivariant; use the gated or norm nonlinearity",
                     buf);
  }
  return new_nonlin(rep, WEYL_NONLIN_POINTWISE, act, nl);
}

weyl_status weyl_nonlin_norm(const weyl_rep *rep, weyl_nonlin_act act, weyl_nonlin **nl) {
  return new_nonlin(rep, WEYL_NONLIN_NORM, act, nl);
}

weyl_status weyl_nonlin_gated(const weyl_rep *rep, weyl_nonlin_act act, weyl_nonlin **nl) {
  return new_nonlin(rep, WEYL_NONLIN_GATED, act, nl);
}

weyl_nonlin_kind weyl_nonlin_kind_of(const weyl_nonlin *nl) {
  return nl ? nl->kind : WEYL_NONLIN_POINTWISE;
}
int weyl_nonlin_in_dim(const weyl_nonlin *nl) { return nl ? nl->in_dim : 0; }
int weyl_nonlin_out_dim(const weyl_nonlin *nl) { return nl ? nl->out_dim : 0; }
int weyl_nonlin_nparams(const weyl_nonlin *nl) { return nl ? nl->nparams : 0; }

/* ---------- forward / backward of one example ---------- */

static void pointwise_fwd(const weyl_nonlin *nl, const double *x, double *y) {
  for (int i = 0; i < nl->out_dim; i++)
    y[i] = act_f(nl->act, x[i]);
}

/* y = x sigmoid(x) over n entries (y may be x), the expression act_f
 * evaluates, in blocks: the exponentials first, then the division and
 * product, each a loop the compiler vectorizes. */
static void swish_fwd(size_t n, const double *x, double *y) {
  enum { BLOCK = 256 };
  double e[BLOCK];
  for (size_t k0 = 0; k0 < n; k0 += BLOCK) {
    size_t m = n - k0 < BLOCK ? n - k0 : BLOCK;
    const double *xb = x + k0;
    weyl_act_exp_n(m, -1.0, xb, e);
    for (size_t k = 0; k < m; k++)
      e[k] = 1.0 / (1.0 + e[k]);
    for (size_t k = 0; k < m; k++)
      y[k0 + k] = xb[k] * e[k];
  }
}

static void pointwise_bwd(const weyl_nonlin *nl, const double *x, const double *dy, double *dx) {
  for (int i = 0; i < nl->out_dim; i++)
    dx[i] = dy[i] * act_df(nl->act, x[i]);
}

static double block_norm(const double *x, int n) {
  double s = NORM_EPS2;
  for (int i = 0; i < n; i++)
    s += x[i] * x[i];
  return sqrt(s);
}

static void norm_fwd(const weyl_nonlin *nl, const double *b, const double *x, double *y) {
  for (int p = 0; p < nl->n_parts; p++) {
    const part *pt = &nl->parts[p];
    double r = block_norm(x + pt->off, pt->dim), f = act_f(nl->act, r + b[p]) / r;
    for (int i = 0; i < pt->dim; i++)
      y[pt->off + i] = x[pt->off + i] * f;
  }
}

/* y = x s(r), s(r) = a(r + b)/r:  dx = dy s + (dy.x) s'(r) x / r,  db = (dy.x) a'(r + b)/r. */
static void norm_bwd(const weyl_nonlin *nl, const double *b, const double *x, const double *dy,
                     double *db, double *dx) {
  for (int p = 0; p < nl->n_parts; p++) {
    const part *pt = &nl->parts[p];
    const double *xp = x + pt->off, *dyp = dy + pt->off;
    double r = block_norm(xp, pt->dim), a = act_f(nl->act, r + b[p]);
    double da = act_df(nl->act, r + b[p]), s = a / r, ds = da / r - a / (r * r), dot = 0;
    for (int i = 0; i < pt->dim; i++)
      dot += dyp[i] * xp[i];
    for (int i = 0; i < pt->dim; i++)
      dx[pt->off + i] = dyp[i] * s + dot * ds * xp[i] / r;
    if (db)
      db[p] += dot * da / r;
  }
}

/* s[p] = sigmoid of part p's gate, or of its entry for a scalar part
 * (swish and sigmoid use it), for one example: the exponentials of all
 * parts in one vectorized call. */
static void part_sigmoids(const weyl_nonlin *nl, const double *x, double *s) {
  const double *gates = x + nl->out_dim;
  for (int p = 0; p < nl->n_parts; p++) {
    const part *pt = &nl->parts[p];
    s[p] = pt->gate >= 0 ? gates[pt->gate] : x[pt->off];
  }
  weyl_act_exp_n((size_t)nl->n_parts, -1.0, s, s);
  for (int p = 0; p < nl->n_parts; p++)
    s[p] = 1.0 / (1.0 + s[p]);
}

/* One example's part_sigmoids for a gated nonlinearity (*sig stays NULL
 * for the other kinds); WEYL_ENOMEM when it cannot be had. */
static weyl_status sigmoid_scratch(const weyl_nonlin *nl, double **sig) {
  if (nl->kind != WEYL_NONLIN_GATED)
    return WEYL_OK;
  *sig = malloc(sizeof **sig * ((size_t)nl->n_parts + 1));
  return *sig ? WEYL_OK : WEYL_ENOMEM;
}

/* s: part_sigmoids of x. */
static void gated_fwd(const weyl_nonlin *nl, const double *x, const double *s, double *y) {
  for (int p = 0; p < nl->n_parts; p++) {
    const part *pt = &nl->parts[p];
    if (pt->gate < 0) {
      y[pt->off] = act_f_s(nl->act, x[pt->off], s[p]);
      continue;
    }
    for (int i = 0; i < pt->dim; i++)
      y[pt->off + i] = s[p] * x[pt->off + i];
  }
}

static void gated_bwd(const weyl_nonlin *nl, const double *x, const double *s, const double *dy,
                      double *dx) {
  double *dgates = dx + nl->out_dim;
  for (int p = 0; p < nl->n_parts; p++) {
    const part *pt = &nl->parts[p];
    if (pt->gate < 0) {
      dx[pt->off] = dy[pt->off] * act_df_s(nl->act, x[pt->off], s[p]);
      continue;
    }
    double g = s[p], dot = 0;
    for (int i = 0; i < pt->dim; i++) {
      dx[pt->off + i] = g * dy[pt->off + i];
      dot += dy[pt->off + i] * x[pt->off + i];
    }
    dgates[pt->gate] = dot * g * (1 - g);
  }
}

static weyl_status check_call(const weyl_nonlin *nl, const double *params, int batch, const void *a,
                              const void *b) {
  if (!nl || !a || !b)
    return weyl_fail(WEYL_EINVAL, "nonlinearity: NULL argument");
  if (batch < 0)
    return weyl_fail(WEYL_EINVAL, "nonlinearity: batch %d < 0", batch);
  if (nl->nparams > 0 && !params)
    return weyl_fail(WEYL_EINVAL, "nonlinearity: NULL params");
  return WEYL_OK;
}

weyl_status weyl_nonlin_forward(const weyl_nonlin *nl, const double *params, int batch,
                                const double *x, double *y) {
  weyl_status s = check_call(nl, params, batch, x, y);
  if (s != WEYL_OK || batch == 0)
    return s;
  /* Entrywise and per-summand maps read each entry before writing it, so
   * y == x works when rows have the same length; any other overlap does not. */
  int inplace_ok = x == y && nl->in_dim == nl->out_dim;
  if (!inplace_ok && weyl_nn_overlap(x, (size_t)batch * nl->in_dim, y, (size_t)batch * nl->out_dim))
    return weyl_fail(WEYL_EINVAL, "weyl_nonlin_forward: y overlaps x (only y == x is supported, "
                                  "and not for a gated nonlinearity)");
  if (nl->nparams > 0 && weyl_nn_overlap(params, (size_t)nl->nparams, y, (size_t)batch * nl->out_dim))
    return weyl_fail(WEYL_EINVAL, "weyl_nonlin_forward: y overlaps params");
  if (nl->kind == WEYL_NONLIN_POINTWISE && nl->act == WEYL_NONLIN_ACT_SWISH) {
    swish_fwd((size_t)batch * nl->in_dim, x, y);
    return WEYL_OK;
  }
  double *sig = NULL;
  if (sigmoid_scratch(nl, &sig) != WEYL_OK)
    return weyl_fail(WEYL_ENOMEM, "out of memory in weyl_nonlin_forward");
  for (int n = 0; n < batch; n++) {
    const double *xn = x + (size_t)n * nl->in_dim;
    double *yn = y + (size_t)n * nl->out_dim;
    if (nl->kind == WEYL_NONLIN_POINTWISE)
      pointwise_fwd(nl, xn, yn);
    else if (nl->kind == WEYL_NONLIN_NORM)
      norm_fwd(nl, params, xn, yn);
    else {
      part_sigmoids(nl, xn, sig);
      gated_fwd(nl, xn, sig, yn);
    }
  }
  free(sig);
  return WEYL_OK;
}

weyl_status weyl_nonlin_backward(const weyl_nonlin *nl, const double *params, int batch,
                                 const double *x, const double *dy, double *dparams, double *dx) {
  weyl_status s = check_call(nl, params, batch, x, dy);
  if (s == WEYL_OK && !dx)
    s = weyl_fail(WEYL_EINVAL, "nonlinearity: NULL dx");
  if (s != WEYL_OK || batch == 0)
    return s;
  size_t nx = (size_t)batch * nl->in_dim;
  if (weyl_nn_overlap(dx, nx, x, nx) || weyl_nn_overlap(dx, nx, dy, (size_t)batch * nl->out_dim) ||
      (dparams && weyl_nn_overlap(dx, nx, dparams, (size_t)nl->nparams)))
    return weyl_fail(WEYL_EINVAL,
                     "weyl_nonlin_backward: dx overlaps x, dy or dparams (not supported)");
  double *sig = NULL;
  if (sigmoid_scratch(nl, &sig) != WEYL_OK)
    return weyl_fail(WEYL_ENOMEM, "out of memory in weyl_nonlin_backward");
  for (int n = 0; n < batch; n++) {
    const double *xn = x + (size_t)n * nl->in_dim, *dyn = dy + (size_t)n * nl->out_dim;
    double *dxn = dx + (size_t)n * nl->in_dim;
    if (nl->kind == WEYL_NONLIN_POINTWISE)
      pointwise_bwd(nl, xn, dyn, dxn);
    else if (nl->kind == WEYL_NONLIN_NORM)
      norm_bwd(nl, params, xn, dyn, dparams, dxn);
    else {
      part_sigmoids(nl, xn, sig);
      gated_bwd(nl, xn, sig, dyn, dxn);
    }
  }
  free(sig);
  return WEYL_OK;
}

int weyl_nonlin_swish_backward_from_output(const weyl_nonlin *nl, int batch, const double *x,
                                           const double *y, const double *dy, double *dx) {
  if (nl->kind != WEYL_NONLIN_POINTWISE || nl->act != WEYL_NONLIN_ACT_SWISH)
    return 0;
  size_t n = (size_t)batch * nl->in_dim;
  for (size_t i = 0; i < n; i++) {
    double s = x[i] != 0 ? y[i] / x[i] : 0.5; /* y = x sigmoid(x) */
    dx[i] = dy[i] * swish_df(x[i], s);
  }
  return 1;
}

/* ---------- hidden reps ---------- */

/* Largest r with (r+1) d^r <= ch (the paper's lambertW), or -1. */
static int max_rank(long ch, long d) {
  int r = 0;
  long p = 1;
  while ((r + 1) * p <= ch && r < 30) {
    r++;
    p *= d;
  }
  return r - 1;
}

/* T(p, q) = V**p (x) V.T**q (emlp's order; Scalar for p = q = 0) into *t. */
static weyl_status tensor_type(weyl_group *g, int p, int q, weyl_rep **t) {
  weyl_rep *v = NULL, *vt = NULL, *a = NULL, *b = NULL;
  if (p + q == 0)
    return weyl_rep_scalar(g, t);
  weyl_status s = weyl_rep_leaf(g, weyl_group_leaf_name(g, 0), &v);
  if (s == WEYL_OK && q > 0)
    s = weyl_rep_dual(v, &vt);
  if (s == WEYL_OK && p > 0)
    s = weyl_rep_power(v, p, &a);
  if (s == WEYL_OK && q > 0)
    s = weyl_rep_power(vt, q, &b);
  if (s == WEYL_OK)
    s = a && b ? weyl_rep_tensor(a, b, t) : weyl_rep_copies(a ? a : b, 1, t);
  weyl_rep_free(v), weyl_rep_free(vt), weyl_rep_free(a), weyl_rep_free(b);
  return s;
}

/* Appends k copies of T(p, q) to *acc (which may start NULL). */
static weyl_status add_copies(weyl_group *g, int p, int q, long k, weyl_rep **acc) {
  if (k <= 0)
    return WEYL_OK;
  weyl_rep *pw = NULL, *cp = NULL, *sum = NULL;
  weyl_status s = tensor_type(g, p, q, &pw);
  if (s == WEYL_OK)
    s = weyl_rep_copies(pw, (int)k, &cp);
  if (s == WEYL_OK && *acc)
    s = weyl_rep_sum(*acc, cp, &sum);
  if (s == WEYL_OK) {
    weyl_rep_free(*acc);
    *acc = sum ? sum : cp;
    cp = sum ? cp : NULL;
  }
  weyl_rep_free(pw);
  weyl_rep_free(cp);
  return s;
}

/* Splits n tensors of rank r into T(k, r - k), k = 0..r, in proportion to
 * binomial(r, k) (emlp's binomial allocation; its random leftovers go here
 * to the largest remainders, ties to the smaller k). */
static void binomial_split(long n, int r, long *share) {
  double frac[32];
  long given = 0, binom = 1;
  for (int k = 0; k <= r; k++) {
    double exact = (double)n * (double)binom / ldexp(1.0, r);
    share[k] = (long)exact;
    frac[k] = exact - (double)share[k];
    given += share[k];
    binom = binom * (r - k) / (k + 1);
  }
  for (; given < n; given++) {
    int best = 0;
    for (int k = 1; k <= r; k++)
      best = frac[k] > frac[best] ? k : best;
    share[best]++;
    frac[best] = -1;
  }
}

/* 1 when V (leaf 0) equals its dual: then T(k, r - k) is V**r for every k. */
static weyl_status self_dual(weyl_group *g, int *yes) {
  weyl_rep *v = NULL, *vt = NULL;
  weyl_status s = weyl_rep_leaf(g, weyl_group_leaf_name(g, 0), &v);
  if (s == WEYL_OK)
    s = weyl_rep_dual(v, &vt);
  if (s == WEYL_OK)
    s = weyl_rep_equal(v, vt, 1e-12, yes);
  weyl_rep_free(v), weyl_rep_free(vt);
  return s;
}

weyl_status weyl_nonlin_uniform_rep(weyl_group *g, int channels, weyl_rep **rep) {
  if (!g || !rep || channels < 1)
    return weyl_fail(WEYL_EINVAL, "weyl_nonlin_uniform_rep: bad argument");
  long d = weyl_group_leaf_dim(g, 0), ch = channels, counts[32] = {0};
  while (ch > 0) {
    int r = d > 1 ? max_rank(ch, d) : 0;
    long p = 1;
    for (int q = r; q >= 0; q--, p *= d)
      counts[q] += p;
    ch -= (r + 1) * (p / d);
  }
  int orth = 1;
  weyl_status s = d > 1 ? self_dual(g, &orth) : WEYL_OK;
  weyl_rep *acc = NULL;
  for (int r = 0; r < 31 && s == WEYL_OK; r++) {
    long share[32] = {0};
    if (orth)
      share[r] = counts[r];
    else
      binomial_split(counts[r], r, share);
    for (int k = r; k >= 0 && s == WEYL_OK; k--)
      s = add_copies(g, k, r - k, share[k], &acc);
  }
  if (s != WEYL_OK) {
    weyl_rep_free(acc);
    return s;
  }
  *rep = acc;
  return WEYL_OK;
}

weyl_status weyl_nonlin_gated_rep(const weyl_rep *rep, weyl_rep **gated) {
  if (!rep || !gated)
    return weyl_fail(WEYL_EINVAL, "weyl_nonlin_gated_rep: NULL argument");
  weyl_nonlin *nl = NULL;
  weyl_status s = weyl_nonlin_gated(rep, WEYL_NONLIN_ACT_RELU, &nl);
  if (s != WEYL_OK)
    return s;
  int gates = nl->in_dim - nl->out_dim;
  weyl_nonlin_free(nl);
  if (gates == 0)
    return weyl_rep_copies(rep, 1, gated); /* a new reference */
  weyl_rep *sc = NULL, *cp = NULL;
  s = weyl_rep_scalar(weyl_rep_group(rep), &sc);
  if (s == WEYL_OK)
    s = weyl_rep_copies(sc, gates, &cp);
  if (s == WEYL_OK)
    s = weyl_rep_sum(rep, cp, gated);
  weyl_rep_free(sc);
  weyl_rep_free(cp);
  return s;
}
