/* The bilinear layer against the group and finite differences. */
#include <criterion/criterion.h>

#include "helpers.h"
#include "weyl/bilinear.h"
#include "weyl/element.h"

typedef struct {
  weyl_group *g;
  weyl_rep *in, *out, *mid;
  weyl_bilinear *b;
  double *params;
  int np, din, dout;
} fixture;

static fixture make(const char *group, const char *in, const char *out, const char *mid) {
  fixture f;
  cr_assert_eq(weyl_group_builtin(group, &f.g), WEYL_OK);
  cr_assert_eq(weyl_rep_parse(f.g, in, &f.in), WEYL_OK);
  cr_assert_eq(weyl_rep_parse(f.g, out, &f.out), WEYL_OK);
  cr_assert_eq(weyl_rep_parse(f.g, mid, &f.mid), WEYL_OK);
  cr_assert_eq(weyl_bilinear_new(f.in, f.out, f.mid, NULL, &f.b), WEYL_OK, "%s",
               weyl_status_last_error());
  f.np = weyl_bilinear_nparams(f.b);
  f.params = malloc(sizeof(double) * (f.np + 1));
  weyl_rng rng;
  weyl_rng_seed(&rng, 3);
  cr_assert_eq(weyl_bilinear_init(f.b, &rng, f.params), WEYL_OK);
  f.din = weyl_rep_dim(f.in);
  f.dout = weyl_rep_dim(f.out);
  return f;
}

static void release(fixture *f) {
  weyl_bilinear_free(f->b);
  weyl_rep_free(f->in), weyl_rep_free(f->out), weyl_rep_free(f->mid);
  weyl_group_free(f->g);
  free(f->params);
}

static double equivariance(fixture *f, unsigned long long seed) {
  double *Ri = malloc(sizeof(double) * f->din * f->din),
         *Ro = malloc(sizeof(double) * f->dout * f->dout);
  double *x = malloc(sizeof(double) * f->din), *gx = malloc(sizeof(double) * f->din);
  double *y = malloc(sizeof(double) * f->dout), *gy = malloc(sizeof(double) * f->dout);
  double *fgx = malloc(sizeof(double) * f->dout);
  weyl_rng rng;
  weyl_rng_seed(&rng, seed);
  weyl_element *e = NULL;
  cr_assert_eq(weyl_element_sample(f->g, &rng, 4, 0.5, &e), WEYL_OK);
  cr_assert_eq(weyl_element_rho(e, f->in, Ri), WEYL_OK);
  cr_assert_eq(weyl_element_rho(e, f->out, Ro), WEYL_OK);
  unsigned long long st = seed;
  for (int j = 0; j < f->din; j++)
    x[j] = ref_rand(&st);
  ref_matmul(Ri, x, gx, f->din, f->din, 1);
  cr_assert_eq(weyl_bilinear_forward(f->b, 1, x, y, 0), WEYL_OK);
  cr_assert_eq(weyl_bilinear_forward(f->b, 1, gx, fgx, 0), WEYL_OK);
  ref_matmul(Ro, y, gy, f->dout, f->dout, 1);
  for (int i = 0; i < f->dout; i++)
    gy[i] -= fgx[i];
  double err = ref_norm(gy, f->dout) / ref_norm(fgx, f->dout);
  weyl_element_free(e);
  free(Ri), free(Ro), free(x), free(gx), free(y), free(gy), free(fgx);
  return err;
}

Test(bilinear, is_equivariant_and_makes_invariants) {
  const char *groups[] = {"O(3)", "SO(1,3)", "Sp(4)", "S(4)", "O(5)"};
  for (int i = 0; i < 5; i++) {
    fixture f = make(groups[i], "2*V", "Scalar + V", "Scalar + 2*V");
    double err = equivariance(&f, 5 + i);
    cr_expect_lt(err, 1e-11, "%s: %g", groups[i], err);
    release(&f);
  }
}

/* L = sum(u .* y): parameter and input gradients by central differences;
 * backward adds to dx (it starts at 1 here). */
Test(bilinear, gradients_match_finite_differences) {
  fixture f = make("SO(3)", "V + Scalar", "Scalar + V + V**2", "Scalar + 2*V");
  int batch = 2, nx = batch * f.din, ny = batch * f.dout;
  unsigned long long st = 4;
  double *x = malloc(sizeof(double) * nx), *u = malloc(sizeof(double) * ny);
  double *y = malloc(sizeof(double) * ny), *dp = calloc(f.np, sizeof(double));
  double *dx = malloc(sizeof(double) * nx);
  for (int e = 0; e < nx; e++)
    x[e] = ref_rand(&st), dx[e] = 1.0;
  for (int e = 0; e < ny; e++)
    u[e] = ref_rand(&st);
  cr_assert_eq(weyl_bilinear_forward(f.b, batch, x, y, 0), WEYL_OK);
  cr_assert_eq(weyl_bilinear_backward(f.b, batch, x, u, dp, dx), WEYL_OK);
  double h = 1e-6;
  for (int v = 0; v < f.np + nx; v++) {
    double *slot = v < f.np ? &f.params[v] : &x[v - f.np], keep = *slot, l[2];
    for (int side = 0; side < 2; side++) {
      *slot = keep + (side ? -h : h);
      weyl_bilinear_set_params(f.b, f.params);
      weyl_bilinear_forward(f.b, batch, x, y, 0);
      l[side] = 0;
      for (int e = 0; e < ny; e++)
        l[side] += u[e] * y[e];
    }
    *slot = keep;
    double fd = (l[0] - l[1]) / (2 * h), an = v < f.np ? dp[v] : dx[v - f.np] - 1.0;
    cr_expect(fabs(fd - an) < 1e-7 * (1 + fabs(fd)), "variable %d: %g vs %g", v, fd, an);
  }
  free(x), free(u), free(y), free(dp), free(dx);
  release(&f);
}
