/* Equivariance is a property of every net the library builds: random groups
 * (built-in, products, grids, .rep groups with non-orthogonal reps), random
 * input / hidden / output reps (rot(k), regular, duals, powers), random
 * layers (every nonlinearity and activation, the paper's full bilinear
 * layer and the low-rank one, as block terms and alone, residual links, with
 * and without bias), random seeds. Each case: equivariance error below
 * 1e-10 after init and after training steps, and the gradients of
 * L = sum(u .* f(x)) against central differences. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "fixtures.h"
#include "helpers.h"
#include "weyl/model.h"
#include "weyl/net.h"
#include "weyl/repfile.h"

/* S(3) on the plane spanned by e1-e2, e2-e3: integer, not orthogonal. */
static const char S3_SKEW[] = "group S3_skew\ngenerators r f\n"
                              "rep V 2\n  r matrix 0 -1  1 -1\n  f matrix -1 1  0 1\n";
/* The discrete Heisenberg group: unipotent, infinite, not orthogonal. */
static const char HEIS[] = "group Heisenberg\ngenerators x y\n"
                           "rep V 3\n  x matrix 1 1 0 0 1 0 0 0 1\n  y matrix 1 0 0 0 1 1 0 0 1\n";

typedef struct {
  const char *name; /* built-in name, or NULL with text */
  const char *text;
  const char *reps[6]; /* leaf expressions to draw from */
} group_case;

static const group_case GROUPS[] = {
    {"Z(5)", NULL, {"V", "rot(1)", "rot(2)", "regular", "Scalar", "V.T"}},
    {"D(6)", NULL, {"V", "rot(1)", "rot(3)", "V**2", "Scalar", "rot(2)"}},
    {"S(4)", NULL, {"V", "V**2", "regular", "Scalar", "V.T", "V"}},
    {"SO(2)", NULL, {"V", "rot(2)", "V**2", "Scalar", "rot(1)", "V.T"}},
    {"O(2)", NULL, {"V", "rot(2)", "V**2", "Scalar", "V", "V.T"}},
    {"SO(3)", NULL, {"V", "V**2", "Scalar", "V.T", "V", "V"}},
    {"O(3)", NULL, {"V", "V**2", "Scalar", "V", "V.T", "V**2"}},
    {"O(5)", NULL, {"V", "Scalar", "V", "V", "V.T", "V"}},
    {"SO(1,3)", NULL, {"V", "V.T", "Scalar", "V", "V**2", "V"}},
    {"Sp(4)", NULL, {"V", "V.T", "Scalar", "V", "V", "V"}},
    {"SO(2) x Z(3)", NULL, {"V", "Scalar", "V**2", "V", "V", "V"}},
    {"D(4) x Z(2)", NULL, {"V", "Scalar", "regular", "V**2", "V", "V"}},
    {"p4(3)", NULL, {"V", "Scalar", "regular", "V", "V", "V"}},
    {"p4m(3)", NULL, {"V", "Scalar", "V", "V", "V", "regular"}},
    {"T(5)", NULL, {"V", "Scalar", "V**2", "V", "V", "regular"}},
    {"C4(3)", NULL, {"V", "Scalar", "V", "V**2", "V", "V"}},
    {NULL, S3_SKEW, {"V", "V.T", "Scalar", "V**2", "regular", "V"}},
    {NULL, HEIS, {"V", "V.T", "Scalar", "V", "V", "V"}},
};
enum { N_GROUPS = sizeof GROUPS / sizeof GROUPS[0] };

typedef struct {
  unsigned long long st;
} draw;

static int pick(draw *d, int n) {
  int k = (int)((ref_rand(&d->st) + 1) / 2 * n);
  return k < n ? k : n - 1;
}

/* A sum of n random leaves with multiplicities 1..max_mult, as text. */
static void random_rep(draw *d, const group_case *gc, int n, int max_mult, char *buf, size_t cap) {
  buf[0] = 0;
  for (int i = 0; i < n; i++) {
    char term[64];
    snprintf(term, sizeof term, "%s%d*%s", i ? " + " : "", 1 + pick(d, max_mult),
             gc->reps[pick(d, 6)]);
    strncat(buf, term, cap - strlen(buf) - 1);
  }
}

static weyl_group *make_group(const group_case *gc) {
  if (gc->name)
    return builtin(gc->name);
  weyl_group *g = NULL;
  cr_assert_eq(weyl_repfile_parse(gc->text, strlen(gc->text), "case", &g), WEYL_OK, "%s",
               weyl_status_last_error());
  return g;
}

/* Appends a random block; a kind the rep does not allow (norm on a
 * non-orthogonal summand, pointwise on a non-permutation rep) is refused
 * with WEYL_EINVAL and the gated kind is used instead. */
static void add_random_block(weyl_net *net, draw *d, const char *hidden, int full, char *desc) {
  weyl_net_block_opts bo = weyl_net_default_block_opts();
  bo.kind = (weyl_nonlin_kind)pick(d, 3);
  bo.act = (weyl_nonlin_act)pick(d, 4);
  bo.bilinear = full ? 1 : pick(d, 3);
  bo.residual = pick(d, 2);
  bo.bilinear_kind = full ? WEYL_BILINEAR_FULL : (weyl_bilinear_kind)pick(d, 2);
  weyl_status s = weyl_net_add_block_expr(net, hidden, &bo);
  if (s == WEYL_EINVAL && bo.kind != WEYL_NONLIN_GATED) {
    bo.kind = WEYL_NONLIN_GATED;
    s = weyl_net_add_block_expr(net, hidden, &bo);
  }
  cr_assert_eq(s, WEYL_OK, "%s block %s: %s", desc, hidden, weyl_status_last_error());
  char more[128];
  snprintf(more, sizeof more, " | block(%s) kind %d act %d bil %d (%s) res %d", hidden, bo.kind,
           bo.act, bo.bilinear, bo.bilinear_kind == WEYL_BILINEAR_FULL ? "full" : "lowrank",
           bo.residual);
  strncat(desc, more, 1023 - strlen(desc));
}

/* Layers by hand: a bilinear layer alone (no linear term; full or low-rank)
 * to a random rep, a linear layer to weyl_nonlin_gated_rep(H) and the gated
 * nonlinearity, which finds H from the gates at the end of its input rep. */
static void add_by_hand(weyl_net *net, weyl_group *g, const group_case *gc, draw *d, int full,
                        char *desc) {
  char hidden[256];
  random_rep(d, gc, 1 + pick(d, 2), 2, hidden, sizeof hidden);
  weyl_rep *h = parse(g, hidden), *hg = NULL, *mid = parse(g, "Scalar + V");
  cr_assert_eq(weyl_nonlin_gated_rep(h, &hg), WEYL_OK);
  full = full || pick(d, 2);
  cr_assert_eq(full ? weyl_net_add_bilinear_full(net, h) : weyl_net_add_bilinear(net, h, mid, NULL),
               WEYL_OK, "%s: %s", desc, weyl_status_last_error());
  weyl_net_linear_opts lo = {.no_bias = pick(d, 2)};
  cr_assert_eq(weyl_net_add_linear(net, hg, &lo), WEYL_OK, "%s: %s", desc,
               weyl_status_last_error());
  weyl_nonlin_act act = (weyl_nonlin_act)pick(d, 4);
  cr_assert_eq(weyl_net_add_nonlin(net, WEYL_NONLIN_GATED, act), WEYL_OK, "%s: %s", desc,
               weyl_status_last_error());
  char more[300];
  snprintf(more, sizeof more, " | bilinear %s(%s) | linear | gated act %d",
           full ? "full" : "lowrank", hidden, act);
  strncat(desc, more, 1023 - strlen(desc));
  weyl_rep_free(h), weyl_rep_free(hg), weyl_rep_free(mid);
}

/* A random net; full: every bilinear term and layer is the paper's. */
static weyl_net *random_net(const group_case *gc, weyl_group *g, draw *d, int full, char *desc,
                            int *smooth) {
  char in[256], out[256], hidden[256];
  random_rep(d, gc, 1 + pick(d, 2), 2, in, sizeof in);
  random_rep(d, gc, 1, 2, out, sizeof out);
  snprintf(desc, 1024, "%s: %s -> %s", gc->name ? gc->name : "file", in, out);
  weyl_rep *ri = parse(g, in);
  weyl_net *net = NULL;
  cr_assert_eq(weyl_net_new(ri, &net), WEYL_OK);
  weyl_rep_free(ri);
  int blocks = 1 + pick(d, 2);
  for (int b = 0; b < blocks; b++) {
    random_rep(d, gc, 1 + pick(d, 3), 3, hidden, sizeof hidden);
    add_random_block(net, d, hidden, full, desc);
  }
  if (pick(d, 3) == 0) /* a residual link over the last block, when the reps allow */
    weyl_net_add_skip(net, weyl_net_nlayers(net) - 2);
  if (pick(d, 3) == 0 || full)
    add_by_hand(net, g, gc, d, full, desc);
  weyl_net_linear_opts lo = {.no_bias = pick(d, 2)};
  cr_assert_eq(weyl_net_add_linear_expr(net, out, &lo), WEYL_OK, "%s: %s", desc,
               weyl_status_last_error());
  *smooth = !strstr(desc, "act 0"); /* ReLU has kinks: no finite differences */
  return net;
}

static double *rows(draw *d, int n) {
  double *x = malloc(sizeof *x * (size_t)(n + 1));
  for (int e = 0; e < n; e++)
    x[e] = ref_rand(&d->st);
  return x;
}

static double probe(weyl_net *net, int batch, const double *x, const double *u, double *y) {
  cr_assert_eq(weyl_net_forward(net, batch, x, y), WEYL_OK);
  double s = 0;
  for (int e = 0; e < batch * weyl_net_out_dim(net); e++)
    s += u[e] * y[e];
  return s;
}

/* Gradients of L = sum(u .* f(x)) on a spread sample of parameters and
 * inputs, against central differences with a relative tolerance. */
static void check_gradients(weyl_net *net, draw *d, int batch, double *x, const char *desc) {
  int np = weyl_net_nparams(net), din = weyl_net_in_dim(net), dout = weyl_net_out_dim(net);
  double *u = rows(d, batch * dout), *y = malloc(sizeof *y * batch * dout);
  double *g = malloc(sizeof *g * (np + 1)), *dx = malloc(sizeof *dx * batch * din);
  probe(net, batch, x, u, y);
  cr_assert_eq(weyl_net_backward(net, batch, u, dx), WEYL_OK);
  memcpy(g, weyl_net_grads(net), sizeof *g * np);
  double *p = weyl_net_params(net), h = 1e-6;
  for (int t = 0; t < 8 && np > 0; t++) {
    int k = pick(d, np);
    double keep = p[k];
    p[k] = keep + h, weyl_net_sync(net);
    double lp = probe(net, batch, x, u, y);
    p[k] = keep - h, weyl_net_sync(net);
    double lm = probe(net, batch, x, u, y), fd = (lp - lm) / (2 * h);
    p[k] = keep, weyl_net_sync(net);
    cr_expect(fabs(fd - g[k]) <= 1e-5 * (1 + fabs(g[k])), "%s: param %d fd %.10g backward %.10g",
              desc, k, fd, g[k]);
  }
  for (int t = 0; t < 4; t++) {
    int e = pick(d, batch * din);
    double keep = x[e];
    x[e] = keep + h;
    double lp = probe(net, batch, x, u, y);
    x[e] = keep - h;
    double lm = probe(net, batch, x, u, y), fd = (lp - lm) / (2 * h);
    x[e] = keep;
    cr_expect(fabs(fd - dx[e]) <= 1e-5 * (1 + fabs(dx[e])), "%s: input %d fd %.10g dx %.10g",
              desc, e, fd, dx[e]);
  }
  free(u), free(y), free(g), free(dx);
}

static void one_case(int c, int full) {
  draw d = {0x9e3779b97f4a7c15ULL ^ (unsigned long long)(c + 1 + 1000 * full) * 0x2545f4914f6cdd1dULL};
  const group_case *gc = &GROUPS[c % N_GROUPS];
  weyl_group *g = make_group(gc);
  char desc[1024];
  int smooth = 1;
  weyl_net *net = random_net(gc, g, &d, full, desc, &smooth);
  cr_assert_eq(weyl_net_init(net, (uint64_t)c * 7919u), WEYL_OK, "%s: %s", desc,
               weyl_status_last_error());
  int batch = 3, din = weyl_net_in_dim(net), dout = weyl_net_out_dim(net);
  double *x = rows(&d, batch * din), *y = rows(&d, batch * dout), err = 1;
  weyl_rng rng;
  weyl_rng_seed(&rng, (uint64_t)c);
  cr_assert_eq(weyl_net_equivariance_error(net, &rng, 2, 0.5, batch, x, &err), WEYL_OK, "%s: %s",
               desc, weyl_status_last_error());
  cr_expect_lt(err, 1e-10, "case %d, after init: %g\n%s", c, err, desc);
  weyl_adam *a = NULL;
  cr_assert_eq(weyl_adam_new(weyl_net_nparams(net), 3e-3, &a), WEYL_OK);
  for (int t = 0; t < 3; t++)
    cr_assert_eq(weyl_net_train_mse(net, a, batch, x, y, NULL), WEYL_OK, "%s: %s", desc,
                 weyl_status_last_error());
  cr_assert_eq(weyl_net_equivariance_error(net, &rng, 2, 0.5, batch, x, &err), WEYL_OK);
  cr_expect_lt(err, 1e-10, "case %d, after training: %g\n%s", c, err, desc);
  if (smooth)
    check_gradients(net, &d, batch, x, desc);
  free(x), free(y);
  weyl_adam_free(a);
  weyl_net_free(net);
  weyl_group_free(g);
}

Test(nn_property, every_random_net_is_equivariant_and_has_exact_gradients) {
  int n = test_cases(216); /* 12 draws of each of the 18 groups */
  for (int c = 0; c < n; c++)
    one_case(c, 0);
}

/* The paper's bilinear layer in every block (z = l + bilinear_full(l)) and
 * alone, on every group: its sources are the input summands equal to each
 * block's rep, so duals, powers and non-orthogonal reps all matter here. */
Test(nn_property, every_random_net_with_the_full_bilinear_layer_is_equivariant) {
  int n = test_cases(72); /* 4 draws of each of the 18 groups */
  for (int c = 0; c < n; c++)
    one_case(c, 1);
}
