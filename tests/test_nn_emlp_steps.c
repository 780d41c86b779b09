/* emlp's training of a linear layer, reproduced: its init (weyl_linear_init_paper)
 * and its optimizer (Adam on the full matrix w, W = P(w)), which weyl runs as
 * Adam on the unit coefficients with the rate scales of
 * weyl_linear_rate_scales. Checked against plain loops over the unit basis
 * elements, which are read back from the layer one coefficient at a time
 * (W for params = e_k), not from the code that computes the scales. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "fixtures.h"
#include "helpers.h"
#include "weyl/adam.h"
#include "weyl/linear.h"

typedef struct {
  const char *group, *in, *out;
  int exact; /* the solver gives an orbit basis: scale = sqrt(support) */
} layer_case;

static const layer_case CASES[] = {
    {"S(4)", "V", "V", 1},        {"Z(6)", "V", "V + Scalar", 1}, {"D(5)", "V", "V", 1},
    {"O(3)", "V + Scalar", "V**2", 0}, {"SO(1,3)", "V", "V + Scalar", 0}, {"SO(2)", "V**2", "V", 0},
};

/* The unit elements of l as dense out x in matrices (weights) followed by
 * out vectors (biases), read by setting one parameter at a time. */
static double *unit_elements(weyl_linear *l, int nw, int nb, int din, int dout) {
  int np = nw + nb;
  double *p = calloc((size_t)np + 1, sizeof *p);
  double *E = calloc((size_t)nw * din * dout + (size_t)nb * dout + 1, sizeof *E);
  for (int k = 0; k < np; k++) {
    memset(p, 0, sizeof *p * np);
    p[k] = 1;
    cr_assert_eq(weyl_linear_set_params(l, p), WEYL_OK);
    if (k < nw)
      memcpy(E + (size_t)k * din * dout, weyl_linear_weight(l), sizeof *E * din * dout);
    else
      memcpy(E + (size_t)nw * din * dout + (size_t)(k - nw) * dout, weyl_linear_bias(l),
             sizeof *E * dout);
  }
  free(p);
  return E;
}

static int nweights(weyl_linear *l, int din, int dout) {
  /* bias coefficients move only b: count the params that move W */
  int np = weyl_linear_nparams(l), nw = 0;
  double *p = calloc((size_t)np + 1, sizeof *p);
  for (int k = 0; k < np; k++) {
    memset(p, 0, sizeof *p * np);
    p[k] = 1;
    weyl_linear_set_params(l, p);
    nw += ref_norm(weyl_linear_weight(l), din * dout) > 0;
  }
  free(p);
  return nw;
}

Test(nn_emlp_steps, rate_scales_are_l1_over_l2_of_each_unit_element) {
  for (size_t c = 0; c < sizeof CASES / sizeof CASES[0]; c++) {
    const layer_case *t = &CASES[c];
    weyl_group *g = builtin(t->group);
    weyl_linear *l = NULL;
    cr_assert_eq(weyl_linear_from_exprs(g, t->in, t->out, NULL, &l), WEYL_OK, "%s",
                 weyl_status_last_error());
    int din = weyl_linear_in_dim(l), dout = weyl_linear_out_dim(l), np = weyl_linear_nparams(l);
    int nw = nweights(l, din, dout), nb = np - nw;
    double *E = unit_elements(l, nw, nb, din, dout), *scale = calloc((size_t)np + 1, sizeof *scale);
    cr_assert_eq(weyl_linear_rate_scales(l, scale), WEYL_OK);
    for (int k = 0; k < np; k++) {
      int n = k < nw ? din * dout : dout;
      const double *e = k < nw ? E + (size_t)k * din * dout : E + (size_t)nw * din * dout +
                                                                  (size_t)(k - nw) * dout;
      double l1 = 0, l2 = 0;
      int support = 0;
      for (int i = 0; i < n; i++)
        l1 += fabs(e[i]), l2 += e[i] * e[i], support += fabs(e[i]) > 1e-14;
      cr_assert_lt(fabs(l2 - 1), 1e-10, "%s %s -> %s: element %d not unit", t->group, t->in,
                   t->out, k);
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

/* Plain Adam (beta 0.9, 0.999, eps 1e-8) on n entries. */
static void ref_adam(int n, int t, double lr, double *w, const double *gw, double *m, double *v) {
  double c1 = 1 - pow(0.9, t), c2 = 1 - pow(0.999, t);
  for (int i = 0; i < n; i++) {
    m[i] = 0.9 * m[i] + 0.1 * gw[i];
    v[i] = 0.999 * v[i] + 0.001 * gw[i] * gw[i];
    w[i] -= lr * (m[i] / c1) / (sqrt(v[i] / c2) + 1e-8);
  }
}

/* P(a) = sum_k <E_k, a> E_k over the nw unit weight elements (orthonormal:
 * exact orbit bases have disjoint supports). */
static void project(int nw, int n, const double *E, const double *a, double *out) {
  memset(out, 0, sizeof *out * n);
  for (int k = 0; k < nw; k++) {
    double c = 0;
    for (int i = 0; i < n; i++)
      c += E[(size_t)k * n + i] * a[i];
    for (int i = 0; i < n; i++)
      out[i] += c * E[(size_t)k * n + i];
  }
}

/* One weyl Adam step of sum (W x - y)^2 / 2 on theta. */
static void weyl_step(weyl_linear *l, weyl_adam *a, int batch, const double *x, const double *y,
                      double *theta, double *pred, double *dy, double *dtheta) {
  int dout = weyl_linear_out_dim(l), nw = weyl_linear_nparams(l);
  cr_assert_eq(weyl_linear_set_params(l, theta), WEYL_OK);
  cr_assert_eq(weyl_linear_forward(l, batch, x, pred), WEYL_OK);
  for (int i = 0; i < batch * dout; i++)
    dy[i] = pred[i] - y[i];
  memset(dtheta, 0, sizeof *dtheta * nw);
  cr_assert_eq(weyl_linear_backward(l, batch, x, dy, dtheta, NULL), WEYL_OK);
  cr_assert_eq(weyl_adam_step(a, theta, dtheta), WEYL_OK);
}

/* Largest |a - b| over n entries. */
static double max_diff(int n, const double *a, const double *b) {
  double d = 0;
  for (int i = 0; i < n; i++)
    d = fmax(d, fabs(a[i] - b[i]));
  return d;
}

/* emlp trains W = P(w) by Adam on every entry of w. On an exact orbit basis
 * weyl's Adam with the rate scales on the unit coefficients takes the same
 * steps (up to Adam's eps): after 30 steps of regression the two W agree to
 * 1e-6 of how far W moved, while plain Adam on the coefficients (no scales)
 * ends elsewhere wherever an orbit has more than one entry. */
Test(nn_emlp_steps, adam_with_rate_scales_steps_as_adam_on_the_projected_full_matrix) {
  for (size_t c = 0; c < sizeof CASES / sizeof CASES[0]; c++) {
    const layer_case *t = &CASES[c];
    if (!t->exact)
      continue;
    weyl_group *g = builtin(t->group);
    weyl_linear_opts lo = weyl_linear_default_opts();
    lo.bias = 0;
    weyl_linear *l = NULL;
    cr_assert_eq(weyl_linear_from_exprs(g, t->in, t->out, &lo, &l), WEYL_OK);
    int din = weyl_linear_in_dim(l), dout = weyl_linear_out_dim(l), nw = weyl_linear_nparams(l);
    int n = din * dout, batch = 16, steps = 30;
    double lr = 3e-3, *E = unit_elements(l, nw, 0, din, dout);
    unsigned long long st = 5 + c;
    double *w = calloc(n, sizeof *w), *m = calloc(n, sizeof *m), *v = calloc(n, sizeof *v);
    double *W = calloc(n, sizeof *W), *W0 = calloc(n, sizeof *W0), *G = calloc(n, sizeof *G);
    double *gw = calloc(n, sizeof *gw), *x = calloc((size_t)batch * din, sizeof *x);
    double *y = calloc((size_t)batch * dout, sizeof *y), *dy = calloc((size_t)batch * dout, 8);
    double *pred = calloc((size_t)batch * dout, 8), *dtheta = calloc(nw + 1, 8);
    double *theta = calloc(nw + 1, 8), *plain = calloc(nw + 1, 8), *scale = calloc(nw + 1, 8);
    for (int i = 0; i < n; i++)
      w[i] = ref_rand(&st);
    for (int i = 0; i < batch * din; i++)
      x[i] = ref_rand(&st);
    for (int i = 0; i < batch * dout; i++)
      y[i] = ref_rand(&st);
    for (int k = 0; k < nw; k++) /* the same starting W: theta_k = <E_k, w> */
      for (int i = 0; i < n; i++)
        theta[k] += E[(size_t)k * n + i] * w[i];
    memcpy(plain, theta, sizeof *theta * nw);
    project(nw, n, E, w, W0);
    weyl_adam *a = NULL, *b = NULL;
    cr_assert_eq(weyl_adam_new(nw, lr, &a), WEYL_OK);
    cr_assert_eq(weyl_adam_new(nw, lr, &b), WEYL_OK);
    cr_assert_eq(weyl_linear_rate_scales(l, scale), WEYL_OK);
    cr_assert_eq(weyl_adam_set_rate_scales(a, scale), WEYL_OK);
    for (int step = 1; step <= steps; step++) {
      /* reference: G = dL/dW by loops, dL/dw = P(G), Adam on every entry */
      project(nw, n, E, w, W);
      memset(G, 0, sizeof *G * n);
      for (int r = 0; r < batch; r++)
        for (int i = 0; i < dout; i++) {
          double res = -y[r * dout + i];
          for (int j = 0; j < din; j++)
            res += W[i * din + j] * x[r * din + j];
          for (int j = 0; j < din; j++)
            G[i * din + j] += res * x[r * din + j];
        }
      project(nw, n, E, G, gw);
      ref_adam(n, step, lr, w, gw, m, v);
      weyl_step(l, a, batch, x, y, theta, pred, dy, dtheta);
      weyl_step(l, b, batch, x, y, plain, pred, dy, dtheta);
    }
    project(nw, n, E, w, W);
    double moved = max_diff(n, W, W0);
    cr_assert_eq(weyl_linear_set_params(l, theta), WEYL_OK);
    double diff = max_diff(n, weyl_linear_weight(l), W);
    cr_assert_lt(diff, 1e-6 * moved, "%s %s -> %s: W differs by %g, moved %g", t->group, t->in,
                 t->out, diff, moved);
    cr_assert_eq(weyl_linear_set_params(l, plain), WEYL_OK);
    double off = max_diff(n, weyl_linear_weight(l), W);
    cr_assert_gt(off, 0.05 * moved, "%s: unscaled Adam ends %g from emlp's (moved %g)", t->group,
                 off, moved);
    free(w), free(m), free(v), free(W), free(W0), free(G), free(gw), free(x), free(y), free(dy);
    free(pred), free(dtheta), free(theta), free(plain), free(scale), free(E);
    weyl_adam_free(a), weyl_adam_free(b);
    weyl_linear_free(l);
    weyl_group_free(g);
  }
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
  cr_assert_eq(weyl_adam_step(a, both, both), WEYL_EINVAL); /* params == grads */
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
