/* O(5)-invariant regression from the EMLP paper (Finzi, Welling, Wilson 2021,
 * section 7): x1, x2 in R^5 (standard normal), target
 *     f(x1, x2) = sin|x1| - |x2|^3 / 2 + x1.x2 / (|x1| |x2|).
 * Compares an EMLP for O(5) (input 2*V, output Scalar) with a plain MLP and
 * an MLP trained on randomly rotated/reflected copies (augmentation), for a
 * range of training-set sizes, and writes a table and an SVG plot.
 *
 *   emlp_o5 [--quick] [--sizes 30,100,300,1000,3000] [--steps N] [--svg PATH]
 *
 * --quick trains one small EMLP and MLP briefly and exits non-zero unless
 * the training loss falls and the EMLP's equivariance error stays below
 * 1e-10 before and after training (the test suite runs this). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

enum { D = 5, MAX_SIZES = 16 };

static void target(const double *x, double *y) {
  const double *a = x, *b = x + D;
  double na = 0, nb = 0, dot = 0;
  for (int i = 0; i < D; i++) na += a[i] * a[i], nb += b[i] * b[i], dot += a[i] * b[i];
  na = sqrt(na), nb = sqrt(nb);
  y[0] = sin(na) - 0.5 * nb * nb * nb + dot / (na * nb);
}

static int make_data(exp_data *d, int n, unsigned long long seed) {
  if (exp_data_alloc(d, n, 2 * D, 1)) return -1;
  weyl_rng rng;
  weyl_rng_seed(&rng, seed);
  for (int i = 0; i < n * 2 * D; i++) d->x[i] = weyl_rng_normal(&rng);
  for (int i = 0; i < n; i++) target(d->x + (size_t)i * 2 * D, d->y + i);
  return 0;
}

typedef struct {
  weyl_group *g;
  weyl_rep *in, *out;
  int steps, channels, quick;
  const char *svg;
  int sizes[MAX_SIZES], n_sizes;
} setup;

static weyl_model *build(const setup *s, int equivariant) {
  weyl_model_opts o = weyl_model_default_opts();
  o.channels = s->channels;
  o.n_hidden = 3;
  weyl_model *m = NULL;
  weyl_status st = equivariant ? weyl_model_emlp(s->in, s->out, &o, &m)
                               : weyl_model_mlp(2 * D, 1, &o, &m);
  if (st == WEYL_OK) st = weyl_model_init(m, 1);
  if (st != WEYL_OK) fprintf(stderr, "emlp_o5: %s\n", weyl_last_error());
  return st == WEYL_OK ? m : NULL;
}

static double equiv_error(weyl_model *m, const exp_data *d) {
  weyl_rng rng;
  weyl_rng_seed(&rng, 11);
  double err = INFINITY;
  int b = d->n < 64 ? d->n : 64;
  if (weyl_model_equivariance_error(m, &rng, 4, 1.0, b, d->x, &err) != WEYL_OK)
    fprintf(stderr, "emlp_o5: %s\n", weyl_last_error());
  return err;
}

/* Trains model kind k (0 EMLP, 1 MLP, 2 MLP + augmentation) on train, returns test MSE. */
static double run(const setup *s, int k, const exp_data *train, const exp_data *test,
                  double *seconds, double *first, double *last, double *eq_before,
                  double *eq_after) {
  double t0 = exp_now(), mean, std;
  weyl_model *m = build(s, k == 0);
  if (!m) return NAN;
  if (eq_before) *eq_before = equiv_error(m, test);
  exp_train_opts o = {s->steps, 64, 3e-3, k == 2 ? s->in : NULL, NULL, 1.0, 7};
  double mse = NAN;
  if (exp_train(m, train, &o, first, last, &mean, &std) == 0)
    mse = exp_test_mse(m, test, &mean, &std);
  if (eq_after) *eq_after = equiv_error(m, test);
  weyl_model_free(m);
  *seconds = exp_now() - t0;
  return mse;
}

static int quick(const setup *s) {
  exp_data train, test;
  if (make_data(&train, 100, 1) || make_data(&test, 200, 2)) return 1;
  double sec, first, last, eb = NAN, ea = NAN, f2, l2;
  double mse = run(s, 0, &train, &test, &sec, &first, &last, &eb, &ea);
  printf("EMLP: train loss %.4g -> %.4g, test MSE %.4g, equivariance error %.3g -> %.3g (%.1f s)\n",
         first, last, mse, eb, ea, sec);
  double mse2 = run(s, 1, &train, &test, &sec, &f2, &l2, NULL, NULL);
  printf("MLP:  train loss %.4g -> %.4g, test MSE %.4g (%.1f s)\n", f2, l2, mse2, sec);
  int ok = last < 0.5 * first && l2 < 0.5 * f2 && eb < 1e-10 && ea < 1e-10 && isfinite(mse);
  printf("%s\n", ok ? "quick check passed" : "quick check FAILED");
  exp_data_free(&train), exp_data_free(&test);
  return ok ? 0 : 1;
}

static int full(const setup *s) {
  exp_data test;
  if (make_data(&test, 2000, 1000)) return 1;
  double var = 0, mean = 0;
  for (int i = 0; i < test.n; i++) mean += test.y[i] / test.n;
  for (int i = 0; i < test.n; i++) var += (test.y[i] - mean) * (test.y[i] - mean) / test.n;
  exp_row rows[MAX_SIZES];
  for (int i = 0; i < s->n_sizes; i++) {
    exp_data train;
    if (make_data(&train, s->sizes[i], 100 + i)) return 1;
    rows[i].n = s->sizes[i];
    for (int k = 0; k < 3; k++) {
      double first, last, eq = 0;
      rows[i].mse[k] = run(s, k, &train, &test, &rows[i].seconds[k], &first, &last, NULL,
                           k == 0 ? &eq : NULL);
      fprintf(stderr, "n=%d model %d: test MSE %.4g, train loss %.3g -> %.3g, %.1f s%s%.2g\n",
              s->sizes[i], k, rows[i].mse[k], first, last, rows[i].seconds[k],
              k == 0 ? ", equivariance error " : "", k == 0 ? eq : 0.0);
    }
    exp_data_free(&train);
  }
  exp_print_table(stdout, rows, s->n_sizes, var);
  if (s->svg && exp_write_svg(s->svg, "O(5)-invariant regression: test MSE", rows, s->n_sizes))
    fprintf(stderr, "emlp_o5: cannot write %s\n", s->svg);
  exp_data_free(&test);
  return 0;
}

static int parse_sizes(const char *arg, setup *s) {
  s->n_sizes = 0;
  for (const char *p = arg; *p && s->n_sizes < MAX_SIZES;) {
    char *end;
    long v = strtol(p, &end, 10);
    if (end == p || v < 2) return -1;
    s->sizes[s->n_sizes++] = (int)v;
    p = *end == ',' ? end + 1 : end;
    if (*end && *end != ',') return -1;
  }
  return s->n_sizes > 0 ? 0 : -1;
}

int main(int argc, char **argv) {
  setup s = {0};
  s.steps = 1500;
  s.channels = 128;
  s.svg = "emlp_o5.svg";
  parse_sizes("30,100,300,1000,3000", &s);
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--quick")) s.quick = 1;
    else if (!strcmp(argv[i], "--sizes") && i + 1 < argc && !parse_sizes(argv[i + 1], &s)) i++;
    else if (!strcmp(argv[i], "--steps") && i + 1 < argc && atoi(argv[i + 1]) > 0) s.steps = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--channels") && i + 1 < argc && atoi(argv[i + 1]) > 0) s.channels = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--svg") && i + 1 < argc) s.svg = argv[++i];
    else {
      fprintf(stderr, "usage: emlp_o5 [--quick] [--sizes N,N,...] [--steps N] [--channels C] [--svg PATH]\n");
      return 2;
    }
  }
  if (s.quick) s.steps = 200, s.channels = 48;
  exp_single_thread();
  if (weyl_group_builtin("O(5)", &s.g) != WEYL_OK || weyl_rep_parse(s.g, "2*V", &s.in) != WEYL_OK ||
      weyl_rep_parse(s.g, "Scalar", &s.out) != WEYL_OK) {
    fprintf(stderr, "emlp_o5: %s\n", weyl_last_error());
    return 1;
  }
  int rc = s.quick ? quick(&s) : full(&s);
  weyl_rep_free(s.in), weyl_rep_free(s.out);
  weyl_group_free(s.g);
  return rc;
}
