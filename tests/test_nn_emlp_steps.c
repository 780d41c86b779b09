/* emlp's training of a linear layer, reproduced: its init (weyl_linear_init_paper)
 * and its optimizer (Adam on every entry of the full matrix w and bias
 * vector, W = P(w)), which weyl_net_adam_new_full runs in the full space
 * through weyl_linear_embed / weyl_linear_coords and weyl_net_adam_new
 * approximates by the rate scales of weyl_linear_rate_scales (exact for
 * orbit bases). Checked against plain loops over
 * the unit basis elements, which are read back from the layer one
 * coefficient at a time (W and b for params = e_k), not from the maps under
 * test. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "fixtures.h"
#include "helpers.h"
#include "weyl/adam.h"
#include "weyl/linear.h"
#include "weyl/net.h"

typedef struct {
  const char *group, *in, *out;
  int exact;     /* an orbit basis: rate scale sqrt(support), the scaled Adam is emlp's */
  int entrywise; /* every element is one entry (an MLP's layer): plain Adam is emlp's */
} layer_case;

/* Exact orbit bases (disjoint supports) and dense ones (SVD, isotypic):
 * O(3) and SO(1,3) have blocks of several overlapping elements. */
static const layer_case CASES[] = {
    {"S(4)", "V", "V", 1, 0},
    {"Z(6)", "V", "V + Scalar", 1, 0},
    {"D(5)", "V", "V", 1, 0},
    {"O(3)", "V + Scalar", "V**2", 0, 0},
    {"SO(1,3)", "V", "V + Scalar", 0, 0},
    {"SO(2)", "V**2", "V**2 + Scalar", 0, 0},
    {"SO(1,3)", "V**2", "V**2 + V", 0, 0},
    {"O(3)", "V**2", "V**2", 0, 0},
    {"Z(1)", "3*Scalar", "2*Scalar", 1, 1},
};
#define N_CASES (int)(sizeof CASES / sizeof CASES[0])

/* The unit elements of l (with a bias) as stacked vectors of (W, b): out x in
 * entries of W then out of b, read by setting one parameter at a time. */
static double *unit_elements(weyl_linear *l, int np, int din, int dout) {
  size_t n = (size_t)din * dout + dout;
  double *p = calloc((size_t)np + 1, sizeof *p), *E = calloc(np * n + 1, sizeof *E);
  for (int k = 0; k < np; k++) {
    memset(p, 0, sizeof *p * np);
    p[k] = 1;
    cr_assert_eq(weyl_linear_set_params(l, p), WEYL_OK);
    memcpy(E + k * n, weyl_linear_weight(l), sizeof *E * din * dout);
    memcpy(E + k * n + (size_t)din * dout, weyl_linear_bias(l), sizeof *E * dout);
  }
  free(p);
  return E;
}

/* c_k = <E_k, a> and out = sum_k c_k E_k over np elements of n entries. */
static void ref_coords(int np, size_t n, const double *E, const double *a, double *c) {
  for (int k = 0; k < np; k++) {
    c[k] = 0;
    for (size_t i = 0; i < n; i++)
      c[k] += E[k * n + i] * a[i];
  }
}
static void ref_embed(int np, size_t n, const double *E, const double *c, double *out) {
  memset(out, 0, sizeof *out * n);
  for (int k = 0; k < np; k++)
    for (size_t i = 0; i < n; i++)
      out[i] += c[k] * E[k * n + i];
}

/* The parameters are coordinates in an orthonormal basis (the premise of
 * emlp's steps), and embed / coords are sum_k p_k E_k and <E_k, .>. */
Test(nn_emlp_steps, embed_and_coords_are_the_unit_elements) {
  for (int c = 0; c < N_CASES; c++) {
    const layer_case *t = &CASES[c];
    weyl_group *g = builtin(t->group);
    weyl_linear *l = NULL;
    cr_assert_eq(weyl_linear_from_exprs(g, t->in, t->out, NULL, &l), WEYL_OK, "%s",
                 weyl_status_last_error());
    int din = weyl_linear_in_dim(l), dout = weyl_linear_out_dim(l), np = weyl_linear_nparams(l);
    size_t n = (size_t)din * dout + dout;
    cr_assert_eq(weyl_linear_full_size(l), n);
    double *E = unit_elements(l, np, din, dout);
    for (int j = 0; j < np; j++)
      for (int k = 0; k < np; k++) {
        double d = 0;
        for (size_t i = 0; i < n; i++)
          d += E[j * n + i] * E[k * n + i];
        cr_assert_lt(fabs(d - (j == k)), 1e-10, "%s %s -> %s: <E_%d, E_%d> = %g", t->group, t->in,
                     t->out, j, k, d);
      }
    unsigned long long st = 11 + c;
    cr_assert_gt(np, 0);
    double *p = calloc((size_t)np, 8), *q = calloc((size_t)np, 8), *ref = calloc(np + n, 8);
    double *full = calloc(n, 8), *got = calloc(n, 8);
    for (int k = 0; k < np; k++)
      p[k] = ref_rand(&st);
    for (size_t i = 0; i < n; i++)
      full[i] = ref_rand(&st);
    cr_assert_eq(weyl_linear_embed(l, p, got), WEYL_OK);
    ref_embed(np, n, E, p, ref);
    cr_assert_lt(ref_max_diff(got, ref, n), 1e-12 * ref_norm(ref, n), "%s: embed", t->group);
    cr_assert_eq(weyl_linear_coords(l, full, q), WEYL_OK);
    ref_coords(np, n, E, full, ref);
    cr_assert_lt(ref_max_diff(q, ref, np), 1e-12 * ref_norm(full, n), "%s: coords", t->group);
    cr_assert_eq(weyl_linear_embed(NULL, p, got), WEYL_EINVAL);
    cr_assert_eq(weyl_linear_coords(l, NULL, q), WEYL_EINVAL);
    free(p), free(q), free(ref), free(full), free(got), free(E);
    weyl_linear_free(l);
    weyl_group_free(g);
  }
}

/* weyl_linear_rate_scales: |E_k|_1 / |E_k|_2 of every unit element read
 * back from the layer, sqrt(support) for an orbit basis. */
Test(nn_emlp_steps, rate_scales_are_l1_over_l2_of_each_unit_element) {
  for (int c = 0; c < N_CASES; c++) {
    const layer_case *t = &CASES[c];
    weyl_group *g = builtin(t->group);
    weyl_linear *l = NULL;
    cr_assert_eq(weyl_linear_from_exprs(g, t->in, t->out, NULL, &l), WEYL_OK);
    int din = weyl_linear_in_dim(l), dout = weyl_linear_out_dim(l), np = weyl_linear_nparams(l);
    size_t n = (size_t)din * dout + dout;
    double *E = unit_elements(l, np, din, dout), *scale = calloc((size_t)np + 1, sizeof *scale);
    cr_assert_eq(weyl_linear_rate_scales(l, scale), WEYL_OK);
    for (int k = 0; k < np; k++) {
      double l1 = 0, l2 = 0;
      int support = 0;
      for (size_t i = 0; i < n; i++) {
        double e = E[k * n + i];
        l1 += fabs(e), l2 += e * e, support += fabs(e) > 1e-14;
      }
      cr_assert_lt(fabs(scale[k] - l1 / sqrt(l2)), 1e-9 * l1, "%s: scale %d = %g, l1/l2 = %g",
                   t->group, k, scale[k], l1 / sqrt(l2));
      if (t->exact)
        cr_assert_lt(fabs(scale[k] - sqrt(support)), 1e-9 * scale[k],
                     "%s: orbit element %d of %d entries has scale %g", t->group, k, support,
                     scale[k]);
    }
    free(E), free(scale);
    weyl_linear_free(l);
    weyl_group_free(g);
  }
}

/* Adam's eps: its size and place (weyl_adam_set_eps). */
typedef struct {
  double eps;
  int inside;
} eps_case;

/* Plain Adam (beta 0.9, 0.999) on n entries; eps inside as objax writes it:
 * w -= lr sqrt(1 - b2^t) / (1 - b1^t) m / sqrt(v + eps). */
static void ref_adam(int n, int t, double lr, eps_case e, double *w, const double *gw, double *m,
                     double *v) {
  double c1 = 1 - pow(0.9, t), c2 = 1 - pow(0.999, t);
  for (int i = 0; i < n; i++) {
    m[i] = 0.9 * m[i] + 0.1 * gw[i];
    v[i] = 0.999 * v[i] + 0.001 * gw[i] * gw[i];
    if (e.inside)
      w[i] -= lr * sqrt(c2) / c1 * m[i] / sqrt(v[i] + e.eps);
    else
      w[i] -= lr * (m[i] / c1) / (sqrt(v[i] / c2) + e.eps);
  }
}

/* The mean squared error of the net's layer (W, b) on a batch, and its
 * gradient with respect to (W, b) stacked, by loops. */
static void ref_grad(int batch, int din, int dout, const double *wb, const double *x,
                     const double *y, double *G) {
  size_t nW = (size_t)din * dout;
  memset(G, 0, sizeof *G * (nW + dout));
  for (int r = 0; r < batch; r++)
    for (int i = 0; i < dout; i++) {
      double res = wb[nW + i] - y[r * dout + i];
      for (int j = 0; j < din; j++)
        res += wb[i * din + j] * x[r * din + j];
      res *= 2.0 / ((double)batch * dout); /* d mean(res^2) */
      for (int j = 0; j < din; j++)
        G[i * din + j] += res * x[r * din + j];
      G[nW + i] += res;
    }
}

/* A one-layer regression and scratch for ref_emlp_step. */
typedef struct {
  int np, batch, din, dout;
  size_t n;                 /* entries of (W, b) */
  const double *E, *x, *y;  /* unit elements (np x n), the batch */
  double *cf, *wb, *G, *gw; /* scratch: np, n, n, n */
} ref_problem;

/* emlp's step by loops: G = dL/d(W, b) at W = P(w), dL/dw = P(G), Adam on
 * every entry of w (step t). */
static void ref_emlp_step(const ref_problem *p, int t, double lr, eps_case e, double *w, double *m,
                          double *v) {
  ref_coords(p->np, p->n, p->E, w, p->cf);
  ref_embed(p->np, p->n, p->E, p->cf, p->wb);
  ref_grad(p->batch, p->din, p->dout, p->wb, p->x, p->y, p->G);
  ref_coords(p->np, p->n, p->E, p->G, p->cf);
  ref_embed(p->np, p->n, p->E, p->cf, p->gw);
  ref_adam((int)p->n, t, lr, e, w, p->gw, m, v);
}

/* emlp trains W = P(w) and b = P(u) by Adam on every entry of w and u. A net
 * of one linear layer trained by weyl_net_train_mse with
 * weyl_net_adam_new_full's optimizer takes the same steps, on exact and
 * dense bases: after 30 steps of regression the two (W, b) agree to 1e-9 of
 * how far they moved. weyl_net_adam_new's (rate scales) does on orbit bases
 * (to 1e-6: Adam's eps acts per entry there), and plain Adam on the
 * coefficients (weyl_adam_new) ends elsewhere, except on an MLP's layer
 * (one entry per element), where all three are the same. Both places of
 * eps: the usual 1e-8 outside, and inside (objax's, emlp's) at 1e-4, large
 * enough to change the steps (checked: the walk with the same eps outside
 * ends elsewhere). */
static void check_emlp_steps(const layer_case *t, unsigned long long st, eps_case e) {
  weyl_group *g = builtin(t->group);
  weyl_rep *in = NULL, *out = NULL;
  cr_assert_eq(weyl_rep_parse(g, t->in, &in), WEYL_OK);
  cr_assert_eq(weyl_rep_parse(g, t->out, &out), WEYL_OK);
  weyl_linear *l = NULL; /* the same solve as the net's layer: its unit elements */
  cr_assert_eq(weyl_linear_from_reps(in, out, NULL, &l), WEYL_OK);
  weyl_net *net = NULL, *twin = NULL, *scaled = NULL;
  cr_assert_eq(weyl_net_new(in, &net), WEYL_OK);
  cr_assert_eq(weyl_net_add_linear(net, out, NULL), WEYL_OK);
  cr_assert_eq(weyl_net_new(in, &twin), WEYL_OK);
  cr_assert_eq(weyl_net_add_linear(twin, out, NULL), WEYL_OK);
  cr_assert_eq(weyl_net_new(in, &scaled), WEYL_OK);
  cr_assert_eq(weyl_net_add_linear(scaled, out, NULL), WEYL_OK);
  int din = weyl_linear_in_dim(l), dout = weyl_linear_out_dim(l), np = weyl_linear_nparams(l);
  cr_assert_eq(weyl_net_nparams(net), np);
  size_t n = (size_t)din * dout + dout;
  int batch = 16, steps = 30;
  double lr = 3e-3, *E = unit_elements(l, np, din, dout);
  double *w = calloc(n, 8), *m = calloc(n, 8), *v = calloc(n, 8), *wb = calloc(n, 8);
  double *wb0 = calloc(n, 8), *G = calloc(n, 8), *gw = calloc(n, 8), *cf = calloc(np, 8);
  double *x = calloc((size_t)batch * din, 8), *y = calloc((size_t)batch * dout, 8);
  double *w2 = calloc(n, 8), *m2 = calloc(n, 8), *v2 = calloc(n, 8); /* eps outside */
  eps_case outside = {e.eps, 0};
  ref_problem prob = {np, batch, din, dout, n, E, x, y, cf, wb, G, gw};
  double *got = calloc(n, 8);
  for (int k = 0; k < np; k++)
    weyl_net_params(net)[k] = weyl_net_params(twin)[k] = weyl_net_params(scaled)[k] = ref_rand(&st);
  cr_assert_eq(weyl_net_sync(net), WEYL_OK);
  cr_assert_eq(weyl_net_sync(twin), WEYL_OK);
  cr_assert_eq(weyl_net_sync(scaled), WEYL_OK);
  ref_embed(np, n, E, weyl_net_params(net), w); /* the same starting (W, b) */
  memcpy(w2, w, sizeof *w * n);
  memcpy(wb0, w, sizeof *w * n);
  for (int i = 0; i < batch * din; i++)
    x[i] = ref_rand(&st);
  for (int i = 0; i < batch * dout; i++)
    y[i] = ref_rand(&st);
  weyl_adam *a = NULL, *b = NULL, *r = NULL;
  cr_assert_eq(weyl_net_adam_new_full(net, lr, &a), WEYL_OK);
  cr_assert_eq(weyl_adam_new(np, lr, &b), WEYL_OK);
  cr_assert_eq(weyl_net_adam_new(scaled, lr, &r), WEYL_OK);
  weyl_adam_eps_place place = e.inside ? WEYL_ADAM_EPS_INSIDE : WEYL_ADAM_EPS_OUTSIDE;
  cr_assert_eq(weyl_adam_set_eps(a, e.eps, place), WEYL_OK);
  cr_assert_eq(weyl_adam_set_eps(b, e.eps, place), WEYL_OK);
  cr_assert_eq(weyl_adam_set_eps(r, e.eps, place), WEYL_OK);
  for (int step = 1; step <= steps; step++) {
    ref_emlp_step(&prob, step, lr, e, w, m, v);
    ref_emlp_step(&prob, step, lr, outside, w2, m2, v2);
    cr_assert_eq(weyl_net_train_mse(net, a, batch, x, y, NULL), WEYL_OK, "%s",
                 weyl_status_last_error());
    cr_assert_eq(weyl_net_train_mse(twin, b, batch, x, y, NULL), WEYL_OK);
    cr_assert_eq(weyl_net_train_mse(scaled, r, batch, x, y, NULL), WEYL_OK);
  }
  ref_coords(np, n, E, w, cf);
  ref_embed(np, n, E, cf, wb);
  double moved = ref_max_diff(wb, wb0, n);
  if (e.inside) { /* else w2 is w */
    ref_coords(np, n, E, w2, cf);
    ref_embed(np, n, E, cf, got);
    cr_assert_gt(ref_max_diff(got, wb, n), 0.01 * moved, "%s: eps %g inside changes the walk",
                 t->group, e.eps);
  }
  ref_embed(np, n, E, weyl_net_params(net), got);
  double diff = ref_max_diff(got, wb, n);
  cr_assert_lt(diff, 1e-9 * moved, "%s %s -> %s, eps %g%s: (W, b) differs by %g, moved %g",
               t->group, t->in, t->out, e.eps, e.inside ? " inside" : "", diff, moved);
  ref_embed(np, n, E, weyl_net_params(twin), got);
  double off = ref_max_diff(got, wb, n);
  if (t->entrywise)
    cr_assert_lt(off, 1e-9 * moved, "%s: plain Adam ends %g from emlp's", t->group, off);
  else
    cr_assert_gt(off, 0.05 * moved, "%s %s -> %s: plain Adam ends %g from emlp's (moved %g)",
                 t->group, t->in, t->out, off, moved);
  if (t->exact) {
    ref_embed(np, n, E, weyl_net_params(scaled), got);
    double sdiff = ref_max_diff(got, wb, n);
    cr_assert_lt(sdiff, 1e-6 * moved, "%s %s -> %s: rate-scaled Adam ends %g from emlp's", t->group,
                 t->in, t->out, sdiff);
  }
  cr_assert_eq(weyl_net_train_mse(twin, a, batch, x, y, NULL), WEYL_EINVAL,
               "an optimizer made for one net is refused for another");
  cr_assert_eq(weyl_net_train_mse(twin, r, batch, x, y, NULL), WEYL_EINVAL);
  free(w), free(m), free(v), free(wb), free(wb0), free(G), free(gw), free(cf), free(x);
  free(y), free(got), free(E), free(w2), free(m2), free(v2);
  weyl_adam_free(a), weyl_adam_free(b), weyl_adam_free(r);
  weyl_net_free(net), weyl_net_free(twin), weyl_net_free(scaled);
  weyl_linear_free(l);
  weyl_rep_free(in), weyl_rep_free(out);
  weyl_group_free(g);
}

Test(nn_emlp_steps, net_adam_steps_as_adam_on_the_projected_full_matrix) {
  const eps_case eps[2] = {{1e-8, 0}, {1e-4, 1}};
  for (int k = 0; k < 2; k++)
    for (int c = 0; c < N_CASES; c++)
      check_emlp_steps(&CASES[c], 5 + c, eps[k]);
}

/* Adam's first step is -lr g / (|g| + eps) with eps outside and
 * -lr g / sqrt(g^2 + eps / (1 - b2)) inside (m^ = g, v^ = g^2 at t = 1);
 * a bad eps or place is refused and changes nothing. */
Test(nn_emlp_steps, eps_inside_and_outside) {
  weyl_adam *a = NULL;
  cr_assert_eq(weyl_adam_new(2, 0.1, &a), WEYL_OK);
  cr_assert_eq(weyl_adam_set_eps(a, -1, WEYL_ADAM_EPS_INSIDE), WEYL_EINVAL);
  cr_assert_eq(weyl_adam_set_eps(a, NAN, WEYL_ADAM_EPS_INSIDE), WEYL_EINVAL);
  cr_assert_eq(weyl_adam_set_eps(a, 1e-8, (weyl_adam_eps_place)7), WEYL_EINVAL);
  cr_assert_eq(weyl_adam_set_eps(NULL, 1e-8, WEYL_ADAM_EPS_INSIDE), WEYL_EINVAL);
  double g[2] = {0.01, -3}, p[2] = {0, 0};
  cr_assert_eq(weyl_adam_step(a, p, g), WEYL_OK); /* still eps 1e-8 outside */
  for (int k = 0; k < 2; k++)
    cr_assert_lt(fabs(p[k] + 0.1 * g[k] / (fabs(g[k]) + 1e-8)), 1e-15, "outside %d: %g", k, p[k]);
  weyl_adam_free(a);
  cr_assert_eq(weyl_adam_new(2, 0.1, &a), WEYL_OK);
  cr_assert_eq(weyl_adam_set_eps(a, 1e-4, WEYL_ADAM_EPS_INSIDE), WEYL_OK);
  double q[2] = {0, 0};
  cr_assert_eq(weyl_adam_step(a, q, g), WEYL_OK);
  for (int k = 0; k < 2; k++) {
    double want = -0.1 * g[k] / sqrt(g[k] * g[k] + 1e-4 / 1e-3);
    cr_assert_lt(fabs(q[k] - want), 1e-12 * fabs(want), "inside %d: %g, want %g", k, q[k], want);
  }
  cr_assert_lt(fabs(q[0]), 0.05, "a gradient below sqrt(eps / (1 - b2)) steps short: %g", q[0]);
  weyl_adam_free(a);
}

/* A linear warmup starts at rate 0 (emlp's paper-era schedule, lr min(1,
 * e / (epochs / 10))): that step must leave the parameters and still count
 * in the moments and the bias correction. Checked against Kingma and Ba's
 * update written out as a plain loop; a negative or NaN rate is ignored. */
Test(nn_emlp_steps, zero_rate_step_updates_the_moments_only) {
  enum { N = 3, STEPS = 4 };
  const double rates[STEPS] = {0, 0.01, 0.02, 0.03};
  double g[STEPS][N] = {{1, -2, 0.5}, {0.3, 0.1, -1}, {-0.7, 2, 0.2}, {0.05, -0.4, 1.5}};
  double p[N] = {0.5, -1, 2}, want[N] = {0.5, -1, 2}, m[N] = {0}, v[N] = {0};
  weyl_adam *a = NULL;
  cr_assert_eq(weyl_adam_new(N, 0.5, &a), WEYL_OK);
  for (int t = 0; t < STEPS; t++) {
    weyl_adam_set_lr(a, rates[t]);
    weyl_adam_set_lr(a, -1);  /* ignored */
    weyl_adam_set_lr(a, NAN); /* ignored */
    cr_assert_eq(weyl_adam_step(a, p, g[t]), WEYL_OK);
    for (int k = 0; k < N; k++) {
      m[k] = 0.9 * m[k] + 0.1 * g[t][k];
      v[k] = 0.999 * v[k] + 0.001 * g[t][k] * g[t][k];
      double mh = m[k] / (1 - pow(0.9, t + 1)), vh = v[k] / (1 - pow(0.999, t + 1));
      want[k] -= rates[t] * mh / (sqrt(vh) + 1e-8);
      cr_assert_lt(fabs(p[k] - want[k]), 1e-14, "step %d, parameter %d: %.17g, want %.17g", t, k,
                   p[k], want[k]);
      if (t == 0) /* at rate 0 not even rounding moves it */
        cr_assert_eq(p[k], want[k], "parameter %d moved at rate 0", k);
    }
  }
  weyl_adam_free(a);
}

/* weyl_adam_set_rate_scales refuses a scale that is not > 0 and finite and
 * leaves the optimizer as it was; NULL sets every scale back to 1. */
Test(nn_emlp_steps, rate_scales_are_checked) {
  weyl_adam *a = NULL;
  cr_assert_eq(weyl_adam_new(3, 0.1, &a), WEYL_OK);
  double bad[3] = {1, 0, 1}, nan3[3] = {1, NAN, 1}, two[3] = {2, 2, 2};
  cr_assert_eq(weyl_adam_set_rate_scales(a, bad), WEYL_EINVAL);
  cr_assert_eq(weyl_adam_set_rate_scales(a, nan3), WEYL_EINVAL);
  cr_assert_eq(weyl_adam_set_rate_scales(NULL, two), WEYL_EINVAL);
  double p[3] = {0, 0, 0}, g[3] = {1, -1, 1};
  cr_assert_eq(weyl_adam_step(a, p, g), WEYL_OK); /* first Adam step: -lr sign(g) */
  for (int k = 0; k < 3; k++)
    cr_assert_lt(fabs(p[k] + 0.1 * g[k]), 1e-6, "unscaled step %d: %g", k, p[k]);
  cr_assert_eq(weyl_adam_set_rate_scales(a, two), WEYL_OK);
  double q[3] = {0, 0, 0};
  cr_assert_eq(weyl_adam_step(a, q, g), WEYL_OK); /* same gradient: Adam's step stays lr */
  for (int k = 0; k < 3; k++)
    cr_assert_lt(fabs(q[k] + 0.2 * g[k]), 1e-6, "scaled step %d: %g", k, q[k]);
  cr_assert_eq(weyl_adam_set_rate_scales(a, NULL), WEYL_OK);
  double r[3] = {0, 0, 0};
  cr_assert_eq(weyl_adam_step(a, r, g), WEYL_OK);
  for (int k = 0; k < 3; k++)
    cr_assert_lt(fabs(r[k] + 0.1 * g[k]), 1e-6, "reset step %d: %g", k, r[k]);
  double both[4] = {0, 1, -1, 1}, keep[4];
  memcpy(keep, both, sizeof keep);
  cr_assert_eq(weyl_adam_step(a, both, both), WEYL_EINVAL);     /* params == grads */
  cr_assert_eq(weyl_adam_step(a, both, both + 1), WEYL_EINVAL); /* overlapping */
  cr_expect_eq(memcmp(both, keep, sizeof keep), 0, "a refused step leaves params as they were");
  weyl_adam_free(a);
}

/* emlp's Linear init on 32 -> 48 scalar channels, where the projection is the
 * identity: the weights are normal with variance 1 / max(in, out) = 1/48
 * (1536 draws: the sample variance within 15%, about 4 standard errors) and
 * every bias is uniform on [0, 1/sqrt(48)) (mean within 15% of the middle). */
Test(nn_emlp_steps, paper_init_has_emlps_scales) {
  weyl_group *g = builtin("S(3)");
  weyl_linear *l = NULL;
  cr_assert_eq(weyl_linear_from_exprs(g, "32*Scalar", "48*Scalar", NULL, &l), WEYL_OK);
  int np = weyl_linear_nparams(l), nw = 32 * 48;
  cr_assert_eq(np, nw + 48);
  double *p = calloc(np, sizeof *p), var = 0, mean_b = 0, top = 1 / sqrt(48.0);
  weyl_rng rng;
  weyl_rng_seed(&rng, 3);
  cr_assert_eq(weyl_linear_init_paper(l, &rng, p), WEYL_OK);
  const double *W = weyl_linear_weight(l), *b = weyl_linear_bias(l);
  for (int i = 0; i < nw; i++)
    var += W[i] * W[i] / nw;
  cr_assert_lt(fabs(var * 48 - 1), 0.15, "weight variance %g, expected 1/48", var);
  for (int i = 0; i < 48; i++) {
    cr_assert(b[i] >= 0 && b[i] < top, "bias %d = %g outside [0, %g)", i, b[i], top);
    mean_b += b[i] / 48;
  }
  cr_assert_lt(fabs(mean_b / (top / 2) - 1), 0.15, "bias mean %g, expected %g", mean_b, top / 2);
  free(p);
  weyl_linear_free(l);
  weyl_group_free(g);
}
