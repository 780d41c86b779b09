#define _POSIX_C_SOURCE 200809L /* mkstemp */
/* Models: equivariance on every built-in group before and after training,
 * gradients against finite differences, init scale, losses, Adam, files. */
#include <criterion/criterion.h>

#include "fixtures.h"
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "nn/net_impl.h"
#include "nn/nn_util.h"
#include "weyl/loss.h"
#include "weyl/model.h"

static weyl_model *small_emlp(const weyl_rep *in, const weyl_rep *out, int channels, int residual) {
  weyl_model_opts o = weyl_model_default_opts();
  o.channels = channels;
  o.n_hidden = 2;
  o.residual = residual;
  weyl_model *m = NULL;
  cr_assert_eq(weyl_model_emlp(in, out, &o, &m), WEYL_OK, "%s", weyl_status_last_error());
  cr_assert_eq(weyl_model_init(m, 1), WEYL_OK, "%s", weyl_status_last_error());
  return m;
}

static double *random_rows(int n, int d, unsigned long long seed) {
  double *x = malloc(sizeof *x * n * d);
  for (int e = 0; e < n * d; e++)
    x[e] = ref_rand(&seed);
  return x;
}

/* Trains on targets y = rho-equivariant-free random numbers: the fit itself
 * does not matter, only that the weights move away from the init. */
static void train_some(weyl_model *m, int batch, const double *x, int steps) {
  double *y = random_rows(batch, weyl_model_out_dim(m), 77);
  weyl_adam *a = NULL;
  cr_assert_eq(weyl_adam_new(weyl_model_nparams(m), 3e-3, &a), WEYL_OK);
  for (int t = 0; t < steps; t++)
    cr_assert_eq(weyl_model_train_mse(m, a, batch, x, y, NULL), WEYL_OK, "%s",
                 weyl_status_last_error());
  weyl_adam_free(a);
  free(y);
}

static void check_group(const char *group, const char *in, const char *out) {
  weyl_group *g = builtin(group);
  weyl_rep *ri = parse(g, in), *ro = parse(g, out);
  weyl_model *m = small_emlp(ri, ro, 24, 1);
  int batch = 6;
  double *x = random_rows(batch, weyl_rep_dim(ri), 5), err = 1;
  weyl_rng rng;
  weyl_rng_seed(&rng, 2);
  cr_assert_eq(weyl_model_equivariance_error(m, &rng, 3, 0.5, batch, x, &err), WEYL_OK, "%s",
               weyl_status_last_error());
  cr_expect_lt(err, 1e-10, "%s untrained: %g", group, err);
  train_some(m, batch, x, 20);
  cr_assert_eq(weyl_model_equivariance_error(m, &rng, 3, 0.5, batch, x, &err), WEYL_OK);
  cr_expect_lt(err, 1e-10, "%s trained: %g", group, err);
  free(x);
  weyl_model_free(m);
  weyl_rep_free(ri), weyl_rep_free(ro);
  weyl_group_free(g);
}

Test(model, equivariant_on_finite_groups) {
  check_group("Z(5)", "V", "V");
  check_group("D(4)", "V", "Scalar + V");
  check_group("S(4)", "V", "Scalar");
}

Test(model, equivariant_on_rotation_groups) {
  check_group("SO(2)", "2*V", "V + Scalar");
  check_group("O(2)", "V", "V**2");
  check_group("SO(3)", "2*V", "V + Scalar");
  check_group("O(3)", "V + V**2", "V**2");
}

Test(model, equivariant_on_lorentz_and_symplectic_groups) {
  check_group("SO(1,3)", "2*V", "Scalar");
  check_group("O(1,3)", "V", "V");
  check_group("Sp(4)", "2*V", "V"); /* one V: x^T J x = 0, f(x) = 0 */
}

Test(model, equivariant_on_a_product_group) { check_group("SO(2) x Z(3)", "V", "V + Scalar"); }

/* The check can fail: one entry of a materialized W pushed off the
 * equivariant subspace (through the internal layout) breaks the symmetry. */
Test(model, the_check_detects_a_broken_symmetry) {
  weyl_group *g = builtin("SO(3)");
  weyl_rep *ri = parse(g, "2*V"), *ro = parse(g, "V");
  weyl_model *m = small_emlp(ri, ro, 16, 0);
  double *x = random_rows(4, 6, 1), err = 0;
  weyl_rng rng;
  weyl_rng_seed(&rng, 2);
  cr_assert_eq(weyl_model_equivariance_error(m, &rng, 2, 1.0, 4, x, &err), WEYL_OK);
  cr_expect_lt(err, 1e-10);
  double *W = (double *)weyl_linear_weight(weyl_model_net(m)->layers[weyl_model_net(m)->n - 1].lin);
  W[0] += 0.3;
  cr_assert_eq(weyl_model_equivariance_error(m, &rng, 2, 1.0, 4, x, &err), WEYL_OK);
  cr_expect_gt(err, 1e-3, "broken model: %g", err);
  free(x);
  weyl_model_free(m);
  weyl_rep_free(ri), weyl_rep_free(ro);
  weyl_group_free(g);
}

/* L = sum(u .* f(x)); every parameter's gradient by central differences. */
static void check_model_grads(weyl_model *m, int batch, const double *x) {
  int np = weyl_model_nparams(m), dout = weyl_model_out_dim(m);
  double *u = random_rows(batch, dout, 3), *y = malloc(sizeof *y * batch * dout);
  double *grad = malloc(sizeof *grad * np);
  cr_assert_eq(weyl_model_forward(m, batch, x, y), WEYL_OK);
  cr_assert_eq(weyl_model_backward(m, batch, u), WEYL_OK);
  memcpy(grad, weyl_model_grads(m), sizeof *grad * np);
  double *p = weyl_model_params(m), h = 1e-6;
  int stride = np > 400 ? np / 400 : 1; /* a spread sample of the parameters */
  for (int k = 0; k < np; k += stride) {
    double keep = p[k], l[2];
    for (int side = 0; side < 2; side++) {
      p[k] = keep + (side ? -h : h);
      weyl_model_sync(m);
      weyl_model_forward(m, batch, x, y);
      l[side] = 0;
      for (int e = 0; e < batch * dout; e++)
        l[side] += u[e] * y[e];
    }
    p[k] = keep;
    double fd = (l[0] - l[1]) / (2 * h);
    cr_expect(fabs(fd - grad[k]) < 1e-6 * (1 + fabs(fd)), "param %d of %d: %g vs %g", k, np, fd,
              grad[k]);
  }
  weyl_model_sync(m);
  free(u), free(y), free(grad);
}

Test(model, emlp_gradients_match_finite_differences) {
  weyl_group *g = builtin("SO(3)");
  weyl_rep *ri = parse(g, "2*V"), *ro = parse(g, "Scalar + V");
  for (int residual = 0; residual <= 1; residual++) {
    weyl_model *m = small_emlp(ri, ro, 20, residual);
    double *x = random_rows(3, 6, 9);
    check_model_grads(m, 3, x);
    free(x);
    weyl_model_free(m);
  }
  weyl_rep_free(ri), weyl_rep_free(ro);
  weyl_group_free(g);
}

Test(model, norm_nonlinearity_model_gradients_and_equivariance) {
  weyl_group *g = builtin("O(3)");
  weyl_rep *ri = parse(g, "2*V"), *ro = parse(g, "V");
  weyl_model_opts o = weyl_model_default_opts();
  o.channels = 16;
  o.n_hidden = 2;
  o.kind = WEYL_NONLIN_NORM;
  o.act = WEYL_NONLIN_ACT_SIGMOID;
  /* The low-rank layer reads the block input, so every summand of the first
   * block's output is nonzero. With the paper's layer on the linear output,
   * O(3)'s V**2 summands are exactly 0 there (Hom(V, V**2) = 0 by parity, no
   * V**2 source), where x act(|x| + b) / |x| has curvature ~1/1e-6 and
   * central differences need h < 1e-7. */
  o.bilinear_kind = WEYL_BILINEAR_LOWRANK;
  weyl_model *m = NULL;
  cr_assert_eq(weyl_model_emlp(ri, ro, &o, &m), WEYL_OK, "%s", weyl_status_last_error());
  cr_assert_eq(weyl_model_init(m, 3), WEYL_OK);
  double *x = random_rows(4, 6, 1), err;
  check_model_grads(m, 4, x);
  weyl_rng rng;
  weyl_rng_seed(&rng, 5);
  cr_assert_eq(weyl_model_equivariance_error(m, &rng, 3, 1.0, 4, x, &err), WEYL_OK);
  cr_expect_lt(err, 1e-10);
  free(x);
  weyl_model_free(m);
  weyl_rep_free(ri), weyl_rep_free(ro);
  weyl_group_free(g);
}

/* The MLP's first layer is a full in x width matrix plus a full bias, and so
 * on: its parameter count is that of a dense network. */
Test(model, mlp_has_dense_layers) {
  weyl_model_opts o = weyl_model_default_opts();
  o.channels = 12;
  o.n_hidden = 2;
  weyl_model *m = NULL;
  cr_assert_eq(weyl_model_mlp(5, 3, &o, &m), WEYL_OK, "%s", weyl_status_last_error());
  cr_expect_eq(weyl_model_nparams(m), (5 * 12 + 12) + (12 * 12 + 12) + (12 * 3 + 3));
  cr_assert_eq(weyl_model_init(m, 4), WEYL_OK);
  double *x = random_rows(3, 5, 2);
  check_model_grads(m, 3, x);
  free(x);
  weyl_model_free(m);
}

/* A net's swish backward pass takes sigmoid(x) as y / x from the layer's
 * kept output; it must agree with the layer's own backward pass (exp of x)
 * everywhere, including x = 0, tiny, and where exp(-x) overflows. */
Test(model, swish_backward_from_the_output_matches_the_layers_own) {
  weyl_group *g = builtin("Z(1)");
  weyl_rep *r = parse(g, "6*Scalar");
  weyl_nonlin *nl = NULL;
  cr_assert_eq(weyl_nonlin_pointwise(r, WEYL_NONLIN_ACT_SWISH, &nl), WEYL_OK);
  double x[18] = {0, -0.0, 1e-300, -1e-300, 1e-8, -1e-8, 0.5, -0.5, 3, -3, 30, -30,
                  700, -700, 800, -800, 1e5, -1e5};
  double y[18], dy[18], want[18], got[18];
  for (int i = 0; i < 18; i++)
    dy[i] = 1.0 + 0.1 * i;
  cr_assert_eq(weyl_nonlin_forward(nl, NULL, 3, x, y), WEYL_OK);
  cr_assert_eq(weyl_nonlin_backward(nl, NULL, 3, x, dy, NULL, want), WEYL_OK);
  cr_assert_eq(weyl_nonlin_swish_backward_from_output(nl, 3, x, y, dy, got), 1);
  for (int i = 0; i < 18; i++)
    cr_expect(fabs(got[i] - want[i]) <= 4e-16 * fabs(want[i]) + 1e-300, "x = %g: %.17g vs %.17g",
              x[i], got[i], want[i]);
  weyl_nonlin *relu = NULL;
  cr_assert_eq(weyl_nonlin_pointwise(r, WEYL_NONLIN_ACT_RELU, &relu), WEYL_OK);
  cr_expect_eq(weyl_nonlin_swish_backward_from_output(relu, 3, x, y, dy, got), 0);
  weyl_nonlin_free(nl), weyl_nonlin_free(relu);
  weyl_rep_free(r);
  weyl_group_free(g);
}

/* The data-dependent alternative to emlp's init (weyl_net_init_calibrated). */
Test(model, calibrated_init_keeps_activations_at_unit_scale) {
  weyl_group *g = builtin("O(5)");
  weyl_rep *ri = parse(g, "2*V"), *ro = parse(g, "Scalar");
  weyl_model_opts o = weyl_model_default_opts();
  o.channels = 64;
  o.n_hidden = 4;
  weyl_model *m = NULL;
  cr_assert_eq(weyl_model_emlp(ri, ro, &o, &m), WEYL_OK);
  cr_assert_eq(weyl_net_init_calibrated(weyl_model_net(m), 7), WEYL_OK);
  int n = 128;
  double *x = malloc(sizeof *x * n * 10), *y = malloc(sizeof *y * n);
  weyl_rng rng;
  weyl_rng_seed(&rng, 99); /* fresh inputs, not the calibration batch */
  for (int e = 0; e < n * 10; e++)
    x[e] = weyl_rng_normal(&rng);
  cr_assert_eq(weyl_model_forward(m, n, x, y), WEYL_OK);
  for (int i = 0; i < 4; i++) {
    double r = weyl_model_hidden_rms(m, i);
    cr_expect(r > 0.3 && r < 3.0, "hidden block %d: rms %g", i, r);
  }
  /* The output is a polynomial of degree 2^4 in x (bilinear layers), so on
   * fresh inputs it is heavy-tailed: only its order of magnitude is fixed. */
  double ry = ref_norm(y, n) / sqrt(n);
  cr_expect(ry > 0.1 && ry < 10.0, "output rms %g: not within an order of magnitude of 1", ry);
  cr_expect_eq(weyl_model_hidden_rms(m, 4), -1);
  free(x), free(y);
  weyl_model_free(m);
  weyl_rep_free(ri), weyl_rep_free(ro);
  weyl_group_free(g);
}

Test(model, seeding_is_deterministic) {
  weyl_model *a = NULL, *b = NULL;
  cr_assert_eq(weyl_model_mlp(4, 2, NULL, &a), WEYL_OK);
  cr_assert_eq(weyl_model_mlp(4, 2, NULL, &b), WEYL_OK);
  weyl_model_init(a, 42);
  weyl_model_init(b, 42);
  int np = weyl_model_nparams(a);
  cr_expect(memcmp(weyl_model_params(a), weyl_model_params(b), sizeof(double) * np) == 0);
  weyl_model_init(b, 43);
  cr_expect(memcmp(weyl_model_params(a), weyl_model_params(b), sizeof(double) * np) != 0);
  weyl_model_free(a), weyl_model_free(b);
}

Test(model, losses_match_hand_values) {
  double p[4] = {1, 2, 3, 4}, t[4] = {1, 0, 3, 5}, g[4], v;
  cr_assert_eq(weyl_loss_mse(2, 2, p, t, g, &v), WEYL_OK);
  cr_expect(fabs(v - (0 + 4 + 0 + 1) / 4.0) < 1e-15);
  cr_expect(fabs(g[1] - 2 * 2 / 4.0) < 1e-15 && fabs(g[3] + 2 / 4.0) < 1e-15);
  /* logits (0, log 3): softmax (1/4, 3/4). */
  double z[4] = {0, log(3.0), log(3.0), 0}, gz[4];
  int labels[2] = {1, 1};
  cr_assert_eq(weyl_loss_xent(2, 2, z, labels, gz, &v), WEYL_OK);
  cr_expect(fabs(v - (-log(0.75) - log(0.25)) / 2) < 1e-14);
  cr_expect(fabs(gz[0] - 0.25 / 2) < 1e-14 && fabs(gz[1] - (0.75 - 1) / 2) < 1e-14);
  labels[0] = 2;
  cr_expect_eq(weyl_loss_xent(2, 2, z, labels, gz, &v), WEYL_EINVAL);
}

/* Adam on f(p) = |p - c|^2 reaches c. */
Test(model, adam_minimizes_a_quadratic) {
  double p[3] = {0, 0, 0}, c[3] = {1, -2, 0.5}, grad[3];
  weyl_adam *a = NULL;
  cr_assert_eq(weyl_adam_new(3, 0.05, &a), WEYL_OK);
  for (int t = 0; t < 2000; t++) {
    for (int i = 0; i < 3; i++)
      grad[i] = 2 * (p[i] - c[i]);
    weyl_adam_step(a, p, grad);
  }
  for (int i = 0; i < 3; i++)
    cr_expect(fabs(p[i] - c[i]) < 1e-3, "%d: %g", i, p[i]);
  weyl_adam_free(a);
}

/* An invariant target |x|^2 for x in R^3 under SO(3): the loss falls. */
Test(model, training_reduces_the_loss) {
  weyl_group *g = builtin("SO(3)");
  weyl_rep *ri = parse(g, "V"), *ro = parse(g, "Scalar");
  weyl_model *m = small_emlp(ri, ro, 32, 0);
  int n = 32;
  double *x = random_rows(n, 3, 12), y[32], first = 0, last = 0;
  for (int i = 0; i < n; i++)
    y[i] = x[3 * i] * x[3 * i] + x[3 * i + 1] * x[3 * i + 1] + x[3 * i + 2] * x[3 * i + 2];
  weyl_adam *a = NULL;
  cr_assert_eq(weyl_adam_new(weyl_model_nparams(m), 3e-3, &a), WEYL_OK);
  for (int t = 0; t < 300; t++) {
    double l;
    cr_assert_eq(weyl_model_train_mse(m, a, n, x, y, &l), WEYL_OK);
    if (t == 0)
      first = l;
    last = l;
  }
  cr_expect_lt(last, first / 20, "loss %g -> %g", first, last);
  weyl_adam_free(a);
  free(x);
  weyl_model_free(m);
  weyl_rep_free(ri), weyl_rep_free(ro);
  weyl_group_free(g);
}

Test(model, save_and_load_round_trip) {
  weyl_model *a = NULL;
  cr_assert_eq(weyl_model_mlp(3, 2, NULL, &a), WEYL_OK);
  weyl_model_init(a, 5);
  char path[] = "/tmp/weyl_model_test_XXXXXX";
  int fd = mkstemp(path);
  cr_assert(fd >= 0);
  close(fd);
  cr_assert_eq(weyl_model_save(a, path), WEYL_OK, "%s", weyl_status_last_error());
  int np = weyl_model_nparams(a);
  double *keep = malloc(sizeof *keep * np), x[3] = {0.1, 0.2, 0.3}, y0[2], y1[2];
  memcpy(keep, weyl_model_params(a), sizeof *keep * np);
  weyl_model_forward(a, 1, x, y0);
  weyl_model_init(a, 6);
  cr_assert_eq(weyl_model_load(a, path), WEYL_OK, "%s", weyl_status_last_error());
  cr_expect(memcmp(keep, weyl_model_params(a), sizeof *keep * np) == 0);
  weyl_model_forward(a, 1, x, y1);
  cr_expect(y0[0] == y1[0] && y0[1] == y1[1], "load re-synced the layers");
  /* .npy header: magic, then a dict naming the shape. */
  FILE *f = fopen(path, "rb");
  char head[128] = {0};
  cr_assert(fread(head, 1, 127, f) > 64);
  fclose(f);
  char shape[32];
  snprintf(shape, sizeof shape, "'shape': (%d,)", np);
  cr_expect(memcmp(head, "\x93NUMPY\x01\x00", 8) == 0);
  cr_expect(strstr(head + 10, shape) != NULL, "%s", head + 10);
  /* A model of another size refuses the file and keeps its parameters. */
  weyl_model *b = NULL;
  cr_assert_eq(weyl_model_mlp(4, 2, NULL, &b), WEYL_OK);
  weyl_model_init(b, 1);
  double before = weyl_model_params(b)[0];
  cr_expect_eq(weyl_model_load(b, path), WEYL_EPARSE);
  cr_expect(strstr(weyl_status_last_error(), "expected") != NULL, "%s", weyl_status_last_error());
  cr_expect(weyl_model_params(b)[0] == before);
  cr_expect_eq(weyl_model_load(b, "/nonexistent/dir/params.npy"), WEYL_EIO);
  cr_expect_eq(weyl_model_save(b, "/nonexistent/dir/params.npy"), WEYL_EIO);
  unlink(path);
  free(keep);
  weyl_model_free(a), weyl_model_free(b);
}

static void write_bytes(const char *path, const char *bytes, size_t n) {
  FILE *f = fopen(path, "wb");
  cr_assert_not_null(f);
  fwrite(bytes, 1, n, f);
  fclose(f);
}

/* Files that are not a 1-D float64 array of the right length are refused
 * with a parse error and leave the parameters alone. */
Test(model, load_refuses_malformed_files) {
  weyl_model *m = NULL;
  cr_assert_eq(weyl_model_mlp(1, 1, NULL, &m), WEYL_OK);
  weyl_model_init(m, 1);
  double before = weyl_model_params(m)[0];
  char path[] = "/tmp/weyl_model_bad_XXXXXX";
  int fd = mkstemp(path);
  cr_assert(fd >= 0);
  close(fd);
  const char *dicts[] = {"{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }",
                         "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 1), }",
                         "{'descr': '<f8', 'fortran_order': True, 'shape': (3,), }"};
  for (int i = 0; i < 3; i++) {
    char buf[256];
    size_t n = strlen(dicts[i]);
    memcpy(buf, "\x93NUMPY\x01\x00", 8);
    buf[8] = (char)n, buf[9] = 0;
    memcpy(buf + 10, dicts[i], n);
    write_bytes(path, buf, 10 + n);
    cr_expect_eq(weyl_model_load(m, path), WEYL_EPARSE, "case %d", i);
  }
  write_bytes(path, "not numpy", 9);
  cr_expect_eq(weyl_model_load(m, path), WEYL_EPARSE);
  /* A valid header with too few values (truncated data). */
  weyl_model_save(m, path);
  FILE *f = fopen(path, "rb");
  char whole[4096];
  size_t len = fread(whole, 1, sizeof whole, f);
  fclose(f);
  write_bytes(path, whole, len - 8);
  cr_expect_eq(weyl_model_load(m, path), WEYL_EPARSE);
  cr_expect(weyl_model_params(m)[0] == before);
  unlink(path);
  weyl_model_free(m);
}

Test(model, backward_refuses_a_batch_it_did_not_see) {
  weyl_model *m = NULL;
  cr_assert_eq(weyl_model_mlp(2, 1, NULL, &m), WEYL_OK);
  double x[4] = {1, 2, 3, 4}, y[2], dy[3] = {1, 1, 1};
  cr_assert_eq(weyl_model_forward(m, 2, x, y), WEYL_OK);
  cr_expect_eq(weyl_model_backward(m, 3, dy), WEYL_EINVAL);
  weyl_model_free(m);
}

/* Hom(V, Scalar) = 0 for O(5): without bilinear layers every scalar channel
 * only sees biases, so an invariant model of 2*V is constant. With one
 * bilinear block it is not (it can form x1.x2, |x1|^2, ...). */
Test(model, invariants_of_vectors_need_the_bilinear_layer) {
  weyl_group *g = builtin("O(5)");
  weyl_rep *ri = parse(g, "2*V"), *ro = parse(g, "Scalar");
  double *x = random_rows(8, 10, 4), y[8];
  for (int variant = 0; variant < 2; variant++) {
    weyl_model_opts o = weyl_model_default_opts();
    o.channels = 32;
    o.n_hidden = 2;
    o.bilinear = variant == 0 ? -1 : 2;
    o.bilinear_blocks = 1;
    weyl_model *m = NULL;
    cr_assert_eq(weyl_model_emlp(ri, ro, &o, &m), WEYL_OK, "%s", weyl_status_last_error());
    /* unit-scale activations, so that "varies" has a fixed scale */
    cr_assert_eq(weyl_net_init_calibrated(weyl_model_net(m), 2), WEYL_OK);
    double *p = weyl_model_params(m);
    for (int k = 0; k < weyl_model_nparams(m); k++)
      p[k] += 0.01 * (k % 7); /* nonzero biases */
    weyl_model_sync(m);
    cr_assert_eq(weyl_model_forward(m, 8, x, y), WEYL_OK);
    double spread = 0;
    for (int i = 1; i < 8; i++)
      spread = fmax(spread, fabs(y[i] - y[0]));
    if (variant == 0)
      cr_expect_lt(spread, 1e-12, "no bilinear: constant, spread %g", spread);
    else
      cr_expect_gt(spread, 1e-3, "bilinear: varies, spread %g", spread);
    weyl_model_free(m);
  }
  free(x);
  weyl_rep_free(ri), weyl_rep_free(ro);
  weyl_group_free(g);
}

/* A caller's own loop: forward, cross-entropy, backward, Adam, sync. Classify
 * which of two vectors in R^3 is longer, an SO(3)-invariant label: an EMLP
 * with output 2*Scalar (logits) learns it. */
Test(model, cross_entropy_training_in_a_custom_loop) {
  weyl_group *g = builtin("SO(3)");
  weyl_rep *ri = parse(g, "2*V"), *ro = parse(g, "2*Scalar");
  weyl_model *m = small_emlp(ri, ro, 24, 0);
  int n = 64, labels[64];
  double *x = random_rows(n, 6, 21), logits[128], grad[128], first = 0, last = 0;
  for (int i = 0; i < n; i++) {
    const double *a = x + 6 * i, *b = a + 3;
    labels[i] = a[0] * a[0] + a[1] * a[1] + a[2] * a[2] > b[0] * b[0] + b[1] * b[1] + b[2] * b[2];
  }
  weyl_adam *adam = NULL;
  cr_assert_eq(weyl_adam_new(weyl_model_nparams(m), 3e-3, &adam), WEYL_OK);
  for (int t = 0; t < 150; t++) {
    double loss;
    cr_assert_eq(weyl_model_forward(m, n, x, logits), WEYL_OK);
    cr_assert_eq(weyl_loss_xent(n, 2, logits, labels, grad, &loss), WEYL_OK);
    cr_assert_eq(weyl_model_backward(m, n, grad), WEYL_OK);
    weyl_adam_step(adam, weyl_model_params(m), weyl_model_grads(m));
    weyl_model_sync(m);
    if (t == 0)
      first = loss;
    last = loss;
  }
  int correct = 0;
  weyl_model_forward(m, n, x, logits);
  for (int i = 0; i < n; i++)
    correct += (logits[2 * i + 1] > logits[2 * i]) == labels[i];
  cr_expect_lt(last, first / 4, "loss %g -> %g", first, last);
  cr_expect_geq(correct, 60, "%d of 64 training labels right", correct);
  weyl_adam_free(adam);
  free(x);
  weyl_model_free(m);
  weyl_rep_free(ri), weyl_rep_free(ro);
  weyl_group_free(g);
}
