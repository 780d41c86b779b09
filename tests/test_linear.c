/* The linear layer against plain loops, finite differences and the group. */
#include <criterion/criterion.h>
#include <string.h>

#include "helpers.h"
#include "weyl/element.h"
#include "weyl/linear.h"

typedef struct {
  weyl_group *g;
  weyl_rep *in, *out;
  weyl_basis *w, *bias;
  weyl_linear *l;
  double *params;
  int np, din, dout;
} fixture;

static fixture make(const char *group, const char *in, const char *out, int with_bias) {
  fixture f;
  memset(&f, 0, sizeof f);
  cr_assert_eq(weyl_group_builtin(group, &f.g), WEYL_OK);
  cr_assert_eq(weyl_rep_parse(f.g, in, &f.in), WEYL_OK);
  cr_assert_eq(weyl_rep_parse(f.g, out, &f.out), WEYL_OK);
  cr_assert_eq(weyl_basis_solve(f.in, f.out, NULL, &f.w), WEYL_OK, "%s", weyl_status_last_error());
  if (with_bias)
    cr_assert_eq(weyl_basis_solve_bias(f.out, NULL, &f.bias), WEYL_OK);
  cr_assert_eq(weyl_linear_new(f.w, f.bias, &f.l), WEYL_OK, "%s", weyl_status_last_error());
  f.np = weyl_linear_nparams(f.l);
  f.din = weyl_rep_dim(f.in);
  f.dout = weyl_rep_dim(f.out);
  f.params = calloc(f.np + 1, sizeof(double));
  unsigned long long st = 99;
  for (int k = 0; k < f.np; k++)
    f.params[k] = ref_rand(&st);
  cr_assert_eq(weyl_linear_set_params(f.l, f.params), WEYL_OK);
  return f;
}

static void release(fixture *f) {
  weyl_linear_free(f->l);
  weyl_basis_free(f->w);
  weyl_basis_free(f->bias);
  weyl_rep_free(f->in);
  weyl_rep_free(f->out);
  weyl_group_free(f->g);
  free(f->params);
}

/* W and b summed element by element with weyl_basis_element, each scaled to
 * unit Frobenius norm (linear.h), y by loops. */
static void reference_forward(const fixture *f, int batch, const double *x, double *y) {
  double *W = calloc(f->dout * f->din, sizeof *W), *B = malloc(sizeof *B * f->dout * f->din);
  double *b = calloc(f->dout, sizeof *b), *c = malloc(sizeof *c * f->dout);
  int nw = weyl_basis_dim(f->w);
  for (int k = 0; k < nw; k++) {
    weyl_basis_element(f->w, k, B);
    double nk = ref_norm(B, (size_t)f->dout * f->din);
    for (int e = 0; e < f->dout * f->din; e++)
      W[e] += f->params[k] * B[e] / nk;
  }
  for (int k = 0; f->bias && k < weyl_basis_dim(f->bias); k++) {
    weyl_basis_element(f->bias, k, c);
    double nk = ref_norm(c, (size_t)f->dout);
    for (int i = 0; i < f->dout; i++)
      b[i] += f->params[nw + k] * c[i] / nk;
  }
  for (int n = 0; n < batch; n++)
    for (int i = 0; i < f->dout; i++) {
      double s = b[i];
      for (int j = 0; j < f->din; j++)
        s += W[i * f->din + j] * x[n * f->din + j];
      y[n * f->dout + i] = s;
    }
  free(W), free(B), free(b), free(c);
}

static void check_forward(const char *group, const char *in, const char *out) {
  fixture f = make(group, in, out, 1);
  int batch = 5;
  double *x = malloc(sizeof *x * batch * f.din), *y = malloc(sizeof *y * batch * f.dout);
  double *r = malloc(sizeof *r * batch * f.dout);
  unsigned long long st = 5;
  for (int e = 0; e < batch * f.din; e++)
    x[e] = ref_rand(&st);
  cr_assert_eq(weyl_linear_forward(f.l, batch, x, y), WEYL_OK);
  reference_forward(&f, batch, x, r);
  for (int e = 0; e < batch * f.dout; e++)
    cr_expect(fabs(y[e] - r[e]) < 1e-12, "%s: %d", group, e);
  free(x), free(y), free(r);
  release(&f);
}

/* Dense (orthonormal) and exact (0/1 orbit indicators of norm sqrt(orbit
 * size)) bases: both give unit-norm elements. */
Test(linear, forward_matches_sum_of_unit_basis_elements) {
  check_forward("SO(3)", "2*V + V**2", "Scalar + V + V**2");
  check_forward("S(5)", "V + V**2", "Scalar + V");
  check_forward("Z(27)", "V", "Scalar + V");
}

/* L = sum(u .* y) for a fixed u: dL/dy = u. Central differences in every
 * parameter and input entry. */
static double probe_loss(fixture *f, int batch, const double *x, const double *u) {
  double *y = malloc(sizeof *y * batch * f->dout), s = 0;
  weyl_linear_set_params(f->l, f->params);
  weyl_linear_forward(f->l, batch, x, y);
  for (int e = 0; e < batch * f->dout; e++)
    s += u[e] * y[e];
  free(y);
  return s;
}

static void check_gradients(const char *group, const char *in, const char *out) {
  fixture f = make(group, in, out, 1);
  int batch = 3;
  double *x = malloc(sizeof *x * batch * f.din), *u = malloc(sizeof *u * batch * f.dout);
  double *dp = calloc(f.np + 1, sizeof *dp), *dx = malloc(sizeof *dx * batch * f.din);
  unsigned long long st = 11;
  for (int e = 0; e < batch * f.din; e++)
    x[e] = ref_rand(&st);
  for (int e = 0; e < batch * f.dout; e++)
    u[e] = ref_rand(&st);
  cr_assert_eq(weyl_linear_backward(f.l, batch, x, u, dp, dx), WEYL_OK);
  double h = 1e-6;
  for (int k = 0; k < f.np; k++) {
    double keep = f.params[k];
    f.params[k] = keep + h;
    double lp = probe_loss(&f, batch, x, u);
    f.params[k] = keep - h;
    double lm = probe_loss(&f, batch, x, u);
    f.params[k] = keep;
    cr_expect(fabs((lp - lm) / (2 * h) - dp[k]) < 1e-7, "%s param %d: %g vs %g", group, k,
              (lp - lm) / (2 * h), dp[k]);
  }
  for (int e = 0; e < batch * f.din; e++) {
    double keep = x[e];
    x[e] = keep + h;
    double lp = probe_loss(&f, batch, x, u);
    x[e] = keep - h;
    double lm = probe_loss(&f, batch, x, u);
    x[e] = keep;
    cr_expect(fabs((lp - lm) / (2 * h) - dx[e]) < 1e-7, "%s input %d", group, e);
  }
  free(x), free(u), free(dp), free(dx);
  release(&f);
}

Test(linear, gradients_match_finite_differences) {
  check_gradients("SO(3)", "V + Scalar", "V**2 + 2*Scalar");
  check_gradients("S(4)", "V", "V**2");    /* orbit basis, not normalised */
  check_gradients("SO(1,3)", "V", "V**2"); /* Lorentz: metric as bias */
}

Test(linear, backward_adds_to_the_parameter_gradient) {
  fixture f = make("Z(5)", "V", "V", 1);
  double x[5] = {1, 2, 3, 4, 5}, u[5] = {1, -1, 0, 2, 1}, once[8] = {0}, twice[8] = {0};
  weyl_linear_backward(f.l, 1, x, u, once, NULL);
  weyl_linear_backward(f.l, 1, x, u, twice, NULL);
  weyl_linear_backward(f.l, 1, x, u, twice, NULL);
  for (int k = 0; k < f.np; k++)
    cr_expect(fabs(twice[k] - 2 * once[k]) < 1e-12);
  release(&f);
}

/* rho_out(g) (W x + b) = W rho_in(g) x + b for a sampled g. */
Test(linear, output_is_equivariant_for_sampled_elements) {
  const char *groups[] = {"O(3)", "SO(1,3)", "D(5)"};
  for (int gi = 0; gi < 3; gi++) {
    fixture f = make(groups[gi], "V + Scalar", "V**2 + V", 1);
    double *Ri = malloc(sizeof *Ri * f.din * f.din), *Ro = malloc(sizeof *Ro * f.dout * f.dout);
    double *x = malloc(sizeof *x * f.din), *gx = malloc(sizeof *gx * f.din);
    double *y = malloc(sizeof *y * f.dout), *gy = malloc(sizeof *gy * f.dout);
    double *ygx = malloc(sizeof *ygx * f.dout);
    weyl_rng rng;
    weyl_rng_seed(&rng, 8);
    weyl_element *e = NULL;
    cr_assert_eq(weyl_element_sample(f.g, &rng, 4, 0.5, &e), WEYL_OK);
    weyl_element_rho(e, f.in, Ri);
    weyl_element_rho(e, f.out, Ro);
    unsigned long long st = 3;
    for (int j = 0; j < f.din; j++)
      x[j] = ref_rand(&st);
    ref_matmul(Ri, x, gx, f.din, f.din, 1);
    weyl_linear_forward(f.l, 1, x, y);
    weyl_linear_forward(f.l, 1, gx, ygx);
    ref_matmul(Ro, y, gy, f.dout, f.dout, 1);
    for (int i = 0; i < f.dout; i++)
      gy[i] -= ygx[i];
    double err = ref_norm(gy, f.dout) / ref_norm(ygx, f.dout);
    cr_expect_lt(err, 1e-12, "%s: %g", groups[gi], err);
    weyl_element_free(e);
    free(Ri), free(Ro), free(x), free(gx), free(y), free(gy), free(ygx);
    release(&f);
  }
}

/* After init every output summand's rows of W have mean squared norm = gain. */
Test(linear, init_gives_each_output_summand_the_gain) {
  fixture f = make("SO(3)", "4*Scalar + 3*V + V**2", "2*Scalar + 2*V + V**2", 1);
  weyl_rng rng;
  weyl_rng_seed(&rng, 1);
  cr_assert_eq(weyl_linear_init(f.l, &rng, 2.0, f.params), WEYL_OK);
  const double *W = weyl_linear_weight(f.l);
  int starts[] = {0, 1, 2, 5, 8, 17};
  for (int p = 0; p < 5; p++) {
    double s = 0;
    for (int i = starts[p]; i < starts[p + 1]; i++)
      for (int j = 0; j < f.din; j++)
        s += W[i * f.din + j] * W[i * f.din + j];
    s /= starts[p + 1] - starts[p];
    cr_expect(fabs(s - 2.0) < 1e-12, "summand %d: mean squared row norm %g", p, s);
  }
  release(&f);
}

Test(linear, refuses_a_bias_basis_of_the_wrong_shape) {
  fixture f = make("SO(3)", "V", "V**2", 0);
  weyl_basis *wrong = NULL;
  weyl_linear *l = NULL;
  cr_assert_eq(weyl_basis_solve_bias(f.in, NULL, &wrong), WEYL_OK);
  cr_expect_eq(weyl_linear_new(f.w, wrong, &l), WEYL_EINVAL);
  cr_expect(strstr(weyl_status_last_error(), "bias basis") != NULL, "%s", weyl_status_last_error());
  weyl_basis_free(wrong);
  release(&f);
}

/* issue 12: an S(5) V -> V layer given the bias basis of 5*Scalar (same
 * shape, 5 elements instead of 1) would be silently not equivariant. */
Test(linear, refuses_a_bias_basis_solved_for_another_rep) {
  fixture f = make("S(5)", "V", "V", 0);
  weyl_rep *five = NULL;
  weyl_basis *wrong = NULL, *right = NULL;
  weyl_linear *l = NULL;
  cr_assert_eq(weyl_rep_parse(f.g, "5*Scalar", &five), WEYL_OK);
  cr_assert_eq(weyl_basis_solve_bias(five, NULL, &wrong), WEYL_OK);
  cr_assert_eq(weyl_basis_dim(wrong), 5);
  cr_expect_eq(weyl_linear_new(f.w, wrong, &l), WEYL_EINVAL);
  cr_expect(strstr(weyl_status_last_error(), "5*(Scalar)") != NULL, "%s", weyl_status_last_error());
  cr_assert_eq(weyl_basis_solve_bias(f.out, NULL, &right), WEYL_OK);
  cr_expect_eq(weyl_linear_new(f.w, right, &l), WEYL_OK); /* the output rep's own: accepted */
  cr_expect_eq(weyl_linear_nparams(l), 2 + 1);            /* S(5): I, J; bias: all-ones */
  weyl_linear_free(l);
  weyl_basis_free(wrong), weyl_basis_free(right), weyl_rep_free(five);
  release(&f);
}

Test(linear, in_place_calls_are_refused_and_batch_0_is_a_no_op) {
  fixture f = make("SO(3)", "V", "V", 1);
  double x[6] = {1, 2, 3, 4, 5, 6}, keep[6], dp[4] = {0}, dy[3] = {1, 1, 1};
  memcpy(keep, x, sizeof x);
  cr_expect_eq(weyl_linear_forward(f.l, 1, x, x), WEYL_EINVAL);
  cr_expect_eq(weyl_linear_forward(f.l, 1, x, x + 2), WEYL_EINVAL); /* partial overlap */
  cr_expect_eq(memcmp(x, keep, sizeof x), 0, "a refused call wrote its output");
  cr_expect_eq(weyl_linear_backward(f.l, 1, x, x, dp, x), WEYL_EINVAL); /* dx = dy */
  cr_expect_eq(weyl_linear_backward(f.l, 1, x, dy, dp, x), WEYL_OK);  /* dx = x works */
  double dp0[4] = {0};
  cr_expect_eq(weyl_linear_forward(f.l, 0, x, x + 3), WEYL_OK);
  cr_expect_eq(weyl_linear_backward(f.l, 0, x, dy, dp0, NULL), WEYL_OK);
  for (int k = 0; k < 4 && k < f.np; k++)
    cr_expect_eq(dp0[k], 0.0);
  cr_expect_eq(weyl_linear_forward(f.l, -1, x, x + 3), WEYL_EINVAL);
  release(&f);
}

/* One call from two expressions gives the same layer as the six-call way. */
Test(linear, one_call_layer_matches_the_explicit_one) {
  fixture f = make("D(6)", "rot(1) + Scalar", "rot(2) + 2*Scalar", 1);
  weyl_linear *l = NULL;
  cr_assert_eq(weyl_linear_from_exprs(f.g, "rot(1) + Scalar", "rot(2) + 2*Scalar", NULL, &l),
               WEYL_OK, "%s", weyl_status_last_error());
  cr_assert_eq(weyl_linear_nparams(l), f.np);
  cr_assert_eq(weyl_linear_set_params(l, f.params), WEYL_OK);
  double x[3] = {0.3, -1.2, 0.7}, y1[4], y2[4];
  cr_assert_eq(weyl_linear_forward(l, 1, x, y1), WEYL_OK);
  cr_assert_eq(weyl_linear_forward(f.l, 1, x, y2), WEYL_OK);
  for (int i = 0; i < 4; i++)
    cr_expect(fabs(y1[i] - y2[i]) < 1e-14);
  cr_expect_eq(weyl_rep_dim(weyl_linear_out_rep(l)), 4);
  weyl_linear_opts o = weyl_linear_default_opts();
  o.bias = 0;
  weyl_linear *nb = NULL;
  cr_assert_eq(weyl_linear_from_exprs(f.g, "rot(1)", "rot(", &o, &nb), WEYL_EPARSE);
  cr_assert_eq(weyl_linear_from_exprs(f.g, "rot(1)", "rot(1)", &o, &nb), WEYL_OK);
  cr_expect_eq(weyl_linear_nparams(nb), 1); /* D(6) on rot(1): multiples of I only */
  weyl_linear_free(nb);
  weyl_linear_free(l);
  release(&f);
}
