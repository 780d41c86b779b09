/* Nonlinearities: equivariance under sampled elements, refusals, gradients,
 * and the hidden reps against the paper's allocation worked by hand. */
#include <criterion/criterion.h>

#include "fixtures.h"
#include <string.h>

#include "helpers.h"
#include "weyl/element.h"
#include "weyl/nonlin.h"
#include "weyl/repfile.h"

#include "nn/act_exp.h"
#include <float.h>

/* |f(rho_in g x) - rho_out g f(x)| / |f(x)| with plain loops; the gated
 * input rep is rep + gates (scalars: rho = 1 on them). */
static double nonlin_error(const weyl_nonlin *nl, const double *params, weyl_group *g,
                           const weyl_rep *rep, unsigned long long seed) {
  int n = weyl_rep_dim(rep), nin = weyl_nonlin_in_dim(nl);
  double *R = malloc(sizeof *R * n * n), *x = malloc(sizeof *x * nin);
  double *gx = malloc(sizeof *gx * nin), *y = malloc(sizeof *y * n), *gy = malloc(sizeof *gy * n);
  double *fgx = malloc(sizeof *fgx * n);
  weyl_rng rng;
  weyl_rng_seed(&rng, seed);
  weyl_element *e = NULL;
  cr_assert_eq(weyl_element_sample(g, &rng, 5, 0.6, &e), WEYL_OK);
  cr_assert_eq(weyl_element_rho(e, rep, R), WEYL_OK);
  unsigned long long st = seed;
  for (int j = 0; j < nin; j++)
    x[j] = 2 * ref_rand(&st);
  ref_matmul(R, x, gx, n, n, 1);
  for (int j = n; j < nin; j++)
    gx[j] = x[j];
  cr_assert_eq(weyl_nonlin_forward(nl, params, 1, x, y), WEYL_OK);
  cr_assert_eq(weyl_nonlin_forward(nl, params, 1, gx, fgx), WEYL_OK);
  ref_matmul(R, y, gy, n, n, 1);
  for (int i = 0; i < n; i++)
    gy[i] -= fgx[i];
  double err = ref_norm(gy, n) / ref_norm(y, n);
  weyl_element_free(e);
  free(R), free(x), free(gx), free(y), free(gy), free(fgx);
  return err;
}

Test(nonlin, pointwise_is_refused_on_a_rotation_rep) {
  weyl_group *g = builtin("SO(3)");
  weyl_rep *v = parse(g, "Scalar + V");
  weyl_nonlin *nl = NULL;
  cr_expect_eq(weyl_nonlin_pointwise(v, WEYL_NONLIN_ACT_RELU, &nl), WEYL_EINVAL);
  cr_expect(strstr(weyl_status_last_error(), "only permutation reps") != NULL, "%s",
            weyl_status_last_error());
  cr_expect_null(nl);
  weyl_rep_free(v);
  weyl_group_free(g);
}

Test(nonlin, pointwise_commutes_with_permutations) {
  weyl_group *g = builtin("S(5)");
  weyl_rep *v = parse(g, "V**2 + V");
  weyl_nonlin *nl = NULL;
  for (int a = WEYL_NONLIN_ACT_RELU; a <= WEYL_NONLIN_ACT_SIGMOID; a++) {
    cr_assert_eq(weyl_nonlin_pointwise(v, (weyl_nonlin_act)a, &nl), WEYL_OK, "%s",
                 weyl_status_last_error());
    cr_expect_lt(nonlin_error(nl, NULL, g, v, 3 + a), 1e-15);
    weyl_nonlin_free(nl);
  }
  weyl_rep_free(v);
  weyl_group_free(g);
}

Test(nonlin, norm_is_equivariant_for_orthogonal_summands) {
  const char *groups[] = {"SO(3)", "O(3)", "O(5)"};
  for (int i = 0; i < 3; i++) {
    weyl_group *g = builtin(groups[i]);
    weyl_rep *v = parse(g, "2*Scalar + V + V**2");
    weyl_nonlin *nl = NULL;
    cr_assert_eq(weyl_nonlin_norm(v, WEYL_NONLIN_ACT_SIGMOID, &nl), WEYL_OK, "%s",
                 weyl_status_last_error());
    cr_assert_eq(weyl_nonlin_nparams(nl), 4);
    double b[4] = {0.1, -0.3, 0.5, -1};
    cr_expect_lt(nonlin_error(nl, b, g, v, 9), 1e-13, "%s", groups[i]);
    weyl_nonlin_free(nl);
    weyl_rep_free(v);
    weyl_group_free(g);
  }
}

Test(nonlin, norm_is_refused_for_the_lorentz_vector) {
  weyl_group *g = builtin("SO(1,3)");
  weyl_rep *v = parse(g, "Scalar + V");
  weyl_nonlin *nl = NULL;
  cr_expect_eq(weyl_nonlin_norm(v, WEYL_NONLIN_ACT_SIGMOID, &nl), WEYL_EINVAL);
  cr_expect(strstr(weyl_status_last_error(), "not orthogonal") != NULL, "%s",
            weyl_status_last_error());
  weyl_rep_free(v);
  weyl_group_free(g);
}

Test(nonlin, norm_is_zero_and_finite_at_zero) {
  weyl_group *g = builtin("SO(3)");
  weyl_rep *v = parse(g, "V");
  weyl_nonlin *nl = NULL;
  cr_assert_eq(weyl_nonlin_norm(v, WEYL_NONLIN_ACT_SIGMOID, &nl), WEYL_OK);
  double b = 0, x[3] = {0, 0, 0}, y[3], dy[3] = {1, 1, 1}, dx[3], db = 0;
  cr_assert_eq(weyl_nonlin_forward(nl, &b, 1, x, y), WEYL_OK);
  cr_assert_eq(weyl_nonlin_backward(nl, &b, 1, x, dy, &db, dx), WEYL_OK);
  for (int i = 0; i < 3; i++)
    cr_expect(y[i] == 0 && isfinite(dx[i]));
  cr_expect(isfinite(db));
  weyl_nonlin_free(nl);
  weyl_rep_free(v);
  weyl_group_free(g);
}

Test(nonlin, gated_is_equivariant_on_every_kind_of_group) {
  const char *groups[] = {"SO(1,3)", "O(3)", "S(4)", "Z(6)", "Sp(4)"};
  for (int i = 0; i < 5; i++) {
    weyl_group *g = builtin(groups[i]);
    weyl_rep *v = parse(g, "3*Scalar + 2*V + V**2");
    weyl_nonlin *nl = NULL;
    cr_assert_eq(weyl_nonlin_gated(v, WEYL_NONLIN_ACT_SWISH, &nl), WEYL_OK, "%s",
                 weyl_status_last_error());
    cr_expect_eq(weyl_nonlin_in_dim(nl), weyl_rep_dim(v) + 3, "one gate per non-scalar summand");
    cr_expect_lt(nonlin_error(nl, NULL, g, v, 21), 1e-12, "%s", groups[i]);
    weyl_nonlin_free(nl);
    weyl_rep_free(v);
    weyl_group_free(g);
  }
}

/* The determinant rep of O(3) (reps/o3.rep) is one-dimensional but not
 * trivial: it must be gated; an activation would break its sign flip. */
Test(nonlin, pseudoscalar_is_gated_not_activated) {
  weyl_group *g = NULL;
  cr_assert_eq(weyl_repfile_load(WEYL_REPS_DIR "/o3.rep", &g), WEYL_OK, "%s",
               weyl_status_last_error());
  weyl_rep *s = parse(g, "Scalar"), *p = parse(g, "pseudoscalar");
  weyl_rep *mix = parse(g, "2*Scalar + pseudoscalar + vec");
  cr_expect(weyl_nonlin_is_scalar(s));
  cr_expect_not(weyl_nonlin_is_scalar(p));
  weyl_nonlin *nl = NULL;
  cr_assert_eq(weyl_nonlin_gated(mix, WEYL_NONLIN_ACT_RELU, &nl), WEYL_OK);
  cr_expect_eq(weyl_nonlin_in_dim(nl), 6 + 2, "gates for pseudoscalar and vec");
  cr_expect_lt(nonlin_error(nl, NULL, g, mix, 4), 1e-13);
  weyl_nonlin_free(nl);
  weyl_rep_free(s), weyl_rep_free(p), weyl_rep_free(mix);
  weyl_group_free(g);
}

static void check_grad(weyl_nonlin *nl, double *params) {
  int nin = weyl_nonlin_in_dim(nl), nout = weyl_nonlin_out_dim(nl), np = weyl_nonlin_nparams(nl);
  int batch = 2;
  double *x = malloc(sizeof *x * batch * nin), *u = malloc(sizeof *u * batch * nout);
  double *y = malloc(sizeof *y * batch * nout), *dx = malloc(sizeof *dx * batch * nin);
  double *dp = calloc(np + 1, sizeof *dp);
  unsigned long long st = 17;
  for (int e = 0; e < batch * nin; e++)
    x[e] = 1.5 * ref_rand(&st) + 0.01;
  for (int e = 0; e < batch * nout; e++)
    u[e] = ref_rand(&st);
  cr_assert_eq(weyl_nonlin_backward(nl, params, batch, x, u, dp, dx), WEYL_OK);
  double h = 1e-6;
  for (int v = 0; v < batch * nin + np; v++) {
    double *slot = v < batch * nin ? &x[v] : &params[v - batch * nin], keep = *slot, l[2];
    for (int side = 0; side < 2; side++) {
      *slot = keep + (side ? -h : h);
      weyl_nonlin_forward(nl, params, batch, x, y);
      l[side] = 0;
      for (int e = 0; e < batch * nout; e++)
        l[side] += u[e] * y[e];
    }
    *slot = keep;
    double fd = (l[0] - l[1]) / (2 * h), an = v < batch * nin ? dx[v] : dp[v - batch * nin];
    cr_expect(fabs(fd - an) < 1e-7, "variable %d: %g vs %g", v, fd, an);
  }
  free(x), free(u), free(y), free(dx), free(dp);
}

Test(nonlin, gradients_match_finite_differences) {
  weyl_group *g = builtin("O(3)"), *s = builtin("S(3)");
  weyl_rep *v = parse(g, "2*Scalar + V + V**2"), *p = parse(s, "V + Scalar");
  weyl_nonlin *nl = NULL;
  for (int a = WEYL_NONLIN_ACT_SWISH; a <= WEYL_NONLIN_ACT_SIGMOID; a++) {
    double b[4] = {0.2, -0.1, 0.3, 0.0};
    cr_assert_eq(weyl_nonlin_norm(v, (weyl_nonlin_act)a, &nl), WEYL_OK);
    check_grad(nl, b);
    weyl_nonlin_free(nl);
    cr_assert_eq(weyl_nonlin_gated(v, (weyl_nonlin_act)a, &nl), WEYL_OK);
    check_grad(nl, NULL);
    weyl_nonlin_free(nl);
    cr_assert_eq(weyl_nonlin_pointwise(p, (weyl_nonlin_act)a, &nl), WEYL_OK);
    check_grad(nl, NULL);
    weyl_nonlin_free(nl);
  }
  weyl_rep_free(v), weyl_rep_free(p);
  weyl_group_free(g), weyl_group_free(s);
}

/* Counts summands of each dimension. */
static void count_dims(const weyl_rep *r, int *ones, int *d1, int *d2, int d) {
  weyl_rep **parts = NULL;
  int n = 0;
  cr_assert_eq(weyl_rep_summands(r, &parts, &n), WEYL_OK);
  *ones = *d1 = *d2 = 0;
  for (int i = 0; i < n; i++) {
    int k = weyl_rep_dim(parts[i]);
    *ones += k == 1;
    *d1 += k == d;
    *d2 += k == d * d;
  }
  weyl_rep_parts_free(parts, n);
}

/* 384 channels, d = 5: five rounds of (25, 5, 1) copies of (Scalar, V, V**2)
 * use 5 * 75 = 375 dimensions, the last 9 go to Scalars: 134 + 25 + 5. */
Test(nonlin, uniform_rep_follows_the_paper_allocation) {
  weyl_group *g = builtin("O(5)");
  weyl_rep *h = NULL, *gated = NULL;
  cr_assert_eq(weyl_nonlin_uniform_rep(g, 384, &h), WEYL_OK, "%s", weyl_status_last_error());
  cr_expect_eq(weyl_rep_dim(h), 384);
  int ones, d1, d2;
  count_dims(h, &ones, &d1, &d2, 5);
  cr_expect_eq(ones, 134);
  cr_expect_eq(d1, 25);
  cr_expect_eq(d2, 5);
  cr_assert_eq(weyl_nonlin_gated_rep(h, &gated), WEYL_OK);
  cr_expect_eq(weyl_rep_dim(gated), 384 + 30);
  weyl_rep_free(h), weyl_rep_free(gated);
  for (int ch = 1; ch <= 200; ch += 7) {
    cr_assert_eq(weyl_nonlin_uniform_rep(g, ch, &h), WEYL_OK);
    cr_expect_eq(weyl_rep_dim(h), ch);
    weyl_rep_free(h);
  }
  cr_expect_eq(weyl_nonlin_uniform_rep(g, 0, &h), WEYL_EINVAL);
  weyl_group_free(g);
}

/* In place: pointwise and norm give what a separate output gets (each entry
 * is read before it is written); gated (rows of two lengths) and any partial
 * overlap are refused, and so is every overlap in backward. Batch 0: no-op. */
Test(nonlin, in_place_works_or_is_refused_and_batch_0_is_a_no_op) {
  weyl_group *g = builtin("SO(3)");
  weyl_rep *r = parse(g, "Scalar + 2*V");
  weyl_nonlin *norm = NULL, *gated = NULL;
  cr_assert_eq(weyl_nonlin_norm(r, WEYL_NONLIN_ACT_SWISH, &norm), WEYL_OK);
  cr_assert_eq(weyl_nonlin_gated(r, WEYL_NONLIN_ACT_SWISH, &gated), WEYL_OK);
  double b[3] = {0.1, -0.2, 0.3}, x[2 * 7], y[2 * 7], dx[2 * 9];
  unsigned long long st = 4;
  for (int e = 0; e < 14; e++)
    x[e] = ref_rand(&st);
  cr_assert_eq(weyl_nonlin_forward(norm, b, 2, x, y), WEYL_OK);
  cr_assert_eq(weyl_nonlin_forward(norm, b, 2, x, x), WEYL_OK);
  for (int e = 0; e < 14; e++)
    cr_expect_eq(x[e], y[e], "entry %d", e);
  cr_expect_eq(weyl_nonlin_forward(norm, b, 1, x, x + 1), WEYL_EINVAL);
  double xg[2 * 9];
  for (int e = 0; e < 18; e++)
    xg[e] = ref_rand(&st);
  cr_expect_eq(weyl_nonlin_forward(gated, NULL, 2, xg, xg), WEYL_EINVAL);
  cr_expect_eq(weyl_nonlin_backward(gated, NULL, 2, xg, y, NULL, xg), WEYL_EINVAL); /* dx = x */
  cr_expect_eq(weyl_nonlin_backward(norm, b, 2, x, y, NULL, y), WEYL_EINVAL);      /* dx = dy */
  cr_expect_eq(weyl_nonlin_backward(gated, NULL, 2, xg, y, NULL, dx), WEYL_OK);
  cr_expect_eq(weyl_nonlin_forward(gated, NULL, 0, xg, xg), WEYL_OK);
  cr_expect_eq(weyl_nonlin_backward(norm, b, 0, x, y, NULL, dx), WEYL_OK);
  cr_expect_eq(weyl_nonlin_forward(norm, b, -1, x, y), WEYL_EINVAL);
  weyl_nonlin_free(norm), weyl_nonlin_free(gated);
  weyl_rep_free(r);
  weyl_group_free(g);
}

/* The activations' exp (nn/act_exp.h) against libm's: relative difference
 * within 2 units in the last place on a grid over the range it keeps and on
 * random arguments; the vectorized loop gives the same values as the scalar
 * function; +inf above 709.79, 0 below -707 (and for -inf), NaN for NaN. */
Test(nonlin, activation_exp_matches_libm) {
  enum { N = 40001 };
  double *x = malloc(sizeof *x * N), *y = malloc(sizeof *y * N);
  unsigned long long st = 3;
  for (int i = 0; i < N; i++)
    x[i] = i < N / 2 ? -707.0 + (709.78 + 707.0) * i / (N / 2) : 40 * (ref_rand(&st) - 0.5);
  x[0] = 0, x[1] = 1e-300, x[2] = -1e-300, x[3] = 709.78, x[4] = -706.99, x[5] = 0.34657359;
  weyl_act_exp_n(N, 1.0, x, y);
  double worst = 0;
  for (int i = 0; i < N; i++) {
    double want = exp(x[i]), rel = fabs(y[i] - want) / want;
    worst = rel > worst ? rel : worst;
    cr_assert_eq(y[i], weyl_act_exp(x[i]), "loop and scalar differ at %.17g", x[i]);
  }
  cr_expect_leq(worst, 2 * DBL_EPSILON, "largest relative difference %g", worst);
  const double big[] = {709.8, 710, 1e10, INFINITY}, tiny[] = {-707.5, -745, -1e10, -INFINITY};
  for (int i = 0; i < 4; i++) {
    cr_expect(isinf(weyl_act_exp(big[i])) && weyl_act_exp(big[i]) > 0, "exp(%g)", big[i]);
    cr_expect_eq(weyl_act_exp(tiny[i]), 0.0, "exp(%g)", tiny[i]);
  }
  cr_expect(isnan(weyl_act_exp(NAN)));
  double nan_in[3] = {NAN, 1, NAN}, nan_out[3];
  weyl_act_exp_n(3, -1.0, nan_in, nan_out);
  cr_expect(isnan(nan_out[0]) && isnan(nan_out[2]) && fabs(nan_out[1] - exp(-1.0)) < 1e-16);
  free(x), free(y);
}
