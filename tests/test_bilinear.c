/* The bilinear layer against the group and finite differences. */
#include <criterion/criterion.h>

#include "helpers.h"
#include "weyl/bilinear.h"
#include "weyl/element.h"

#include <stdio.h>
#include <string.h>

typedef struct {
  weyl_group *g;
  weyl_rep *in, *out, *mid;
  weyl_bilinear *b;
  double *params;
  int np, din, dout;
} fixture;

/* A LOWRANK layer through mid, or the FULL layer when mid is NULL. */
static fixture make(const char *group, const char *in, const char *out, const char *mid) {
  fixture f;
  cr_assert_eq(weyl_group_builtin(group, &f.g), WEYL_OK);
  cr_assert_eq(weyl_rep_parse(f.g, in, &f.in), WEYL_OK, "%s: %s", in, weyl_status_last_error());
  cr_assert_eq(weyl_rep_parse(f.g, out, &f.out), WEYL_OK, "%s: %s", out, weyl_status_last_error());
  f.mid = NULL;
  if (mid)
    cr_assert_eq(weyl_rep_parse(f.g, mid, &f.mid), WEYL_OK);
  weyl_status st = mid ? weyl_bilinear_new(f.in, f.out, f.mid, NULL, &f.b)
                       : weyl_bilinear_full_new(f.in, f.out, &f.b);
  cr_assert_eq(st, WEYL_OK, "%s", weyl_status_last_error());
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
  weyl_rep_free(f->in), weyl_rep_free(f->out);
  weyl_rep_free(f->mid);
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
static void check_gradients(fixture f) {
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

Test(bilinear, gradients_match_finite_differences) {
  check_gradients(make("SO(3)", "V + Scalar", "Scalar + V + V**2", "Scalar + 2*V"));
}

/* Both orders of the full layer's products: Scalar <- V blocks go sources
 * first, V <- Scalar and V**2 <- Scalar blocks parameters first. */
Test(bilinear, full_gradients_match_finite_differences) {
  fixture f = make("O(3)", "2*Scalar + 2*V + V**2", "Scalar + 2*V + V**2", NULL);
  cr_assert_gt(f.np, 0);
  check_gradients(f);
  check_gradients(make("SO(1,3)", "Scalar + V + V.T + V*V.T", "Scalar + V + V.T", NULL));
}

/* ---------- the paper's (FULL) layer ---------- */

/* One block of W(x): out summand at oo (dim d_o), in summand at io (dim d_i),
 * filled from the in summand at so (dim d_o * d_i). */
typedef struct {
  int oo, d_o, io, d_i, so;
} triple;

/* y = 0.1 X_s x_j placed at out summand oo: the definition, by loops. */
static void triple_ref(const triple *t, const double *x, double *y, int dout) {
  for (int e = 0; e < dout; e++)
    y[e] = 0;
  for (int a = 0; a < t->d_o; a++)
    for (int c = 0; c < t->d_i; c++)
      y[t->oo + a] += 0.1 * x[t->so + a * t->d_i + c] * x[t->io + c];
}

/* O(3), in = 2*Scalar + 2*V + V**2 (offsets 0, 1 | 2, 5 | 8), out = Scalar +
 * V + V**2 (0 | 1 | 4). Every rep is a tensor power of an orthogonal V, so a
 * block out_i (x) in_j^* is V**(rank i + rank j), and its sources are the in
 * summands of that rank: V's for rank 1 (two, both used: 2 <= 3), V**2 for
 * rank 2 (one). Rank 0 (Scalar -> Scalar) has no sources, ranks 3 and 4 none
 * in the input. Each parameter alone must give one of these 13 triples
 * (block, source), and every triple must be given once. */
Test(bilinear, full_layer_is_the_papers_definition) {
  fixture f = make("O(3)", "2*Scalar + 2*V + V**2", "Scalar + V + V**2", NULL);
  triple expect[13];
  int n = 0;
  const int vin[2] = {2, 5}, sin_[2] = {0, 1};
  for (int j = 0; j < 2; j++)
    for (int s = 0; s < 2; s++)
      expect[n++] = (triple){0, 1, vin[j], 3, vin[s]}; /* Scalar <- V, source V */
  expect[n++] = (triple){0, 1, 8, 9, 8};                /* Scalar <- V**2, source V**2 */
  for (int j = 0; j < 2; j++)
    for (int s = 0; s < 2; s++)
      expect[n++] = (triple){1, 3, sin_[j], 1, vin[s]}; /* V <- Scalar, source V */
  for (int j = 0; j < 2; j++)
    expect[n++] = (triple){1, 3, vin[j], 3, 8}; /* V <- V, source V**2 */
  for (int j = 0; j < 2; j++)
    expect[n++] = (triple){4, 9, sin_[j], 1, 8}; /* V**2 <- Scalar, source V**2 */
  cr_assert_eq(n, 13);
  cr_assert_eq(f.np, 13, "parameters: %d", f.np);
  double x[17], y[13], r[13], *p = calloc(f.np, sizeof *p);
  unsigned long long st = 11;
  for (int e = 0; e < 17; e++)
    x[e] = ref_rand(&st);
  int hits[13] = {0};
  for (int k = 0; k < f.np; k++) {
    for (int e = 0; e < f.np; e++)
      p[e] = e == k;
    cr_assert_eq(weyl_bilinear_set_params(f.b, p), WEYL_OK);
    cr_assert_eq(weyl_bilinear_forward(f.b, 1, x, y, 0), WEYL_OK);
    /* Scalar <- V_j with source V_s and with source V_j from V_s are the same
     * function (x_s . x_j); such twins are told apart by counting. */
    int found = -1;
    for (int t = 0; t < 13 && found < 0; t++) {
      triple_ref(&expect[t], x, r, 13);
      double d = 0;
      for (int e = 0; e < 13; e++)
        d += fabs(r[e] - y[e]);
      if (d < 1e-14 && hits[t] == 0)
        found = t;
    }
    cr_expect_geq(found, 0, "parameter %d gives no expected block not yet seen", k);
    if (found >= 0)
      hits[found]++;
  }
  for (int t = 0; t < 13; t++)
    cr_expect_eq(hits[t], 1, "triple %d hit %d times", t, hits[t]);
  /* Random parameters: y is the sum of the parameters' triples (linearity in P). */
  weyl_rng rng;
  weyl_rng_seed(&rng, 8);
  cr_assert_eq(weyl_bilinear_init(f.b, &rng, p), WEYL_OK);
  double *ys = calloc(13, sizeof *ys);
  for (int k = 0; k < f.np; k++) {
    double *q = calloc(f.np, sizeof *q);
    q[k] = p[k];
    weyl_bilinear_set_params(f.b, q);
    weyl_bilinear_forward(f.b, 1, x, y, 0);
    for (int e = 0; e < 13; e++)
      ys[e] += y[e];
    free(q);
  }
  weyl_bilinear_set_params(f.b, p);
  weyl_bilinear_forward(f.b, 1, x, y, 0);
  for (int e = 0; e < 13; e++)
    cr_expect(fabs(ys[e] - y[e]) < 1e-12 * (1 + fabs(y[e])), "entry %d", e);
  free(ys);
  free(p);
  release(&f);
}

/* y = f(x) for one example x of random entries (seed), parameters p. */
static void forward_random(const fixture *f, const double *p, unsigned long long seed, double *x,
                           double *y) {
  for (int e = 0; e < f->din; e++)
    x[e] = ref_rand(&seed);
  cr_assert_eq(weyl_bilinear_set_params(f->b, p), WEYL_OK);
  cr_assert_eq(weyl_bilinear_forward(f->b, 1, x, y, 0), WEYL_OK);
}

/* SO(1,3) is not orthogonal: V.T is not V. Scalar <- V takes its source
 * from V.T and Scalar <- V.T from V, so y = 0.1 (p1 + p2) <x_V.T, x_V>: the
 * dual pairing, an invariant. Scalar <- Scalar has none. */
Test(bilinear, full_layer_pairs_vectors_with_their_duals) {
  fixture f = make("SO(1,3)", "Scalar + V + V.T", "Scalar", NULL);
  cr_assert_eq(f.np, 2);
  double x[9], y[1], p[2] = {0.7, -1.9};
  forward_random(&f, p, 5, x, y);
  double pair = 0;
  for (int a = 0; a < 4; a++)
    pair += x[1 + a] * x[5 + a];
  cr_expect(fabs(y[0] - 0.1 * (p[0] + p[1]) * pair) < 1e-14, "%g vs %g", y[0], pair);
  release(&f);
}

/* A source may carry the block's rep with its tensor factors in another
 * order, as emlp's canonicalised product reps match it: Scalar <- V*V.T
 * needs the source rep (V*V.T)^* = V.T*V, which the input holds as V*V.T
 * with the two indices swapped. The block is then y = 0.1 p sum_ab T_ba T_ab
 * = 0.1 p tr(T T), the invariant of a (1,1) tensor (sum_ab T_ab T_ab is not
 * one: V is not orthogonal). Without the permutation the layer had no
 * parameters at all. V.T <- V.T takes the same sources (V.T*V, from the
 * copies of V*V.T): its parameter count and equivariance are checked. */
Test(bilinear, full_layer_matches_sources_up_to_the_order_of_tensor_factors) {
  fixture f = make("SO(1,3)", "V*V.T", "Scalar", NULL);
  cr_assert_eq(f.np, 1, "parameters: %d", f.np);
  double x[16], y[1], p[1] = {1.3};
  forward_random(&f, p, 17, x, y);
  double tr = 0;
  for (int a = 0; a < 4; a++)
    for (int b = 0; b < 4; b++)
      tr += x[b * 4 + a] * x[a * 4 + b];
  double want = 0.1 * p[0] * tr;
  cr_expect(fabs(y[0] - want) < 1e-14 * (1 + fabs(want)), "%g vs %g", y[0], want);
  release(&f);
  /* V.T <- V.T: sources V.T*V from 3 copies of V*V.T (all used: 3 <= 16) */
  fixture g = make("SO(1,3)", "V.T + 3*(V*V.T)", "V.T", NULL);
  cr_expect_eq(g.np, 3, "parameters: %d", g.np);
  cr_expect_lt(equivariance(&g, 5), 1e-10);
  release(&g);
}

/* Random groups, reps and parameters: |f(rho_in(g) x) - rho_out(g) f(x)|
 * relative to |f(x)| below 1e-10. Reps mix tensor powers, duals, rot(k) and
 * regular; a layer with no block that has sources must give exactly 0. */
Test(bilinear, full_layer_is_equivariant_on_random_reps) {
  static const struct {
    const char *group, *pool[6];
  } G[] = {
      {"O(3)", {"Scalar", "V", "V**2", "V.T", "V*V.T", "V**3"}},
      {"SO(3)", {"Scalar", "V", "V**2", "V.T", "V*V", "2*V"}},
      {"SO(1,3)", {"Scalar", "V", "V.T", "V*V.T", "V.T*V", "V**2"}},
      {"O(5)", {"Scalar", "V", "V**2", "V.T", "2*V", "Scalar"}},
      {"Sp(4)", {"Scalar", "V", "V.T", "V*V.T", "V**2", "V"}},
      {"S(4)", {"Scalar", "V", "V**2", "V.T", "regular", "V"}},
      {"D(5)", {"Scalar", "V", "rot(1)", "rot(2)", "rot(1)*rot(1)", "V**2"}},
      {"Z(6)", {"Scalar", "rot(1)", "rot(2)", "rot(1)*rot(1)", "regular", "V"}},
      {"SO(2) x Z(3)", {"Scalar", "V", "V1", "V2", "V1*V1", "V2*V2"}},
  };
  int ng = (int)(sizeof G / sizeof G[0]), n = test_cases(200), nonzero = 0;
  unsigned long long st = 99;
  for (int c = 0; c < n; c++) {
    int gi = c % ng;
    char in[256] = "", out[256] = "";
    int nin = 2 + (int)((ref_rand(&st) + 1) * 1.5), nout = 1 + (int)((ref_rand(&st) + 1) * 1.0);
    for (int k = 0; k < nin; k++) {
      int r = (int)((ref_rand(&st) + 1) * 3) % 6;
      snprintf(in + strlen(in), sizeof in - strlen(in), "%s(%s)", k ? " + " : "", G[gi].pool[r]);
    }
    for (int k = 0; k < nout; k++) {
      int r = (int)((ref_rand(&st) + 1) * 3) % 6;
      snprintf(out + strlen(out), sizeof out - strlen(out), "%s(%s)", k ? " + " : "",
               G[gi].pool[r]);
    }
    fixture f = make(G[gi].group, in, out, NULL);
    if (f.np > 0) {
      double err = equivariance(&f, 1000 + c);
      cr_expect_lt(err, 1e-10, "case %d %s: %s -> %s: %g", c, G[gi].group, in, out, err);
      nonzero++;
    } else {
      double x[512], y[512];
      cr_assert_leq(f.din, 512);
      cr_assert_leq(f.dout, 512);
      for (int e = 0; e < f.din; e++)
        x[e] = ref_rand(&st);
      cr_assert_eq(weyl_bilinear_forward(f.b, 1, x, y, 0), WEYL_OK);
      for (int e = 0; e < f.dout; e++)
        cr_expect_eq(y[e], 0.0);
    }
    release(&f);
  }
  cr_expect_gt(nonzero, n / 2, "only %d of %d cases had parameters", nonzero, n);
}

Test(bilinear, full_layer_refuses_bad_input) {
  weyl_group *a = NULL, *b = NULL;
  weyl_rep *va = NULL, *vb = NULL;
  weyl_bilinear *l = NULL;
  cr_assert_eq(weyl_group_builtin("SO(3)", &a), WEYL_OK);
  cr_assert_eq(weyl_group_builtin("O(3)", &b), WEYL_OK);
  cr_assert_eq(weyl_rep_parse(a, "V", &va), WEYL_OK);
  cr_assert_eq(weyl_rep_parse(b, "V", &vb), WEYL_OK);
  cr_expect_eq(weyl_bilinear_full_new(NULL, va, &l), WEYL_EINVAL);
  cr_expect_eq(weyl_bilinear_full_new(va, va, NULL), WEYL_EINVAL);
  cr_expect_eq(weyl_bilinear_full_new(va, vb, &l), WEYL_EINVAL);
  cr_expect(strstr(weyl_status_last_error(), "different groups") != NULL);
  cr_assert_eq(weyl_bilinear_full_new(va, va, &l), WEYL_OK);
  cr_expect_eq(weyl_bilinear_kind_of(l), WEYL_BILINEAR_FULL);
  double x[3] = {1, 2, 3}, y[3];
  cr_expect_eq(weyl_bilinear_forward(l, -1, x, y, 0), WEYL_EINVAL);
  cr_expect_eq(weyl_bilinear_backward(l, 1, x, y, y, NULL), WEYL_EINVAL, "no forward pass yet");
  weyl_bilinear_free(l);
  weyl_rep_free(va), weyl_rep_free(vb);
  weyl_group_free(a), weyl_group_free(b);
}

/* An empty batch is a no-op for both kinds, as for every other layer: the
 * output and the gradients are left untouched (checked against a copy). */
Test(bilinear, an_empty_batch_is_a_no_op) {
  const char *mids[2] = {NULL, "Scalar + V"};
  for (int k = 0; k < 2; k++) {
    fixture f = make("SO(3)", "V + Scalar", "V + Scalar", mids[k]);
    double x[4] = {1, 2, 3, 4}, y[4] = {5, 6, 7, 8}, y0[4];
    double *dp = calloc(f.np + 1, sizeof *dp);
    for (int i = 0; i < f.np; i++)
      dp[i] = 0.5 * i;
    memcpy(y0, y, sizeof y);
    for (int add = 0; add < 2; add++)
      cr_assert_eq(weyl_bilinear_forward(f.b, 0, x, y, add), WEYL_OK, "kind %d", k);
    cr_assert_eq(weyl_bilinear_backward(f.b, 0, x, y, dp, x), WEYL_OK, "kind %d", k);
    cr_assert_eq(memcmp(y, y0, sizeof y), 0, "kind %d: y changed", k);
    for (int i = 0; i < f.np; i++)
      cr_assert_eq(dp[i], 0.5 * i, "kind %d: gradient %d changed", k, i);
    cr_assert_eq(x[0], 1);
    free(dp);
    release(&f);
  }
}
