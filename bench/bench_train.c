/* weyl_bench_train: training speed of the EMLP paper's models. One step
 * (forward, backward, Adam, re-materializing W) of the O(5) and inertia
 * EMLPs at 384 channels, batch 500, one thread, as samples per second, next
 * to the plain MLP of the same width in the same process, and the split of
 * the step between its parts, each timed on the same layers built alone:
 *   W <-> theta   W = sum_k theta_k B_k for every linear layer (weights and
 *                 bias), and the gradient's projection <B_k, dL/dW>;
 *   products      the linear layers' dgemms (forward, dW = dy^T x, dx = dy W);
 *   bilinear      the paper's bilinear layers, forward and backward;
 *   gates         the gated nonlinearities, forward and backward;
 *   Adam          the model's optimizer step (weyl_model_adam_new: Adam
 *                 with emlp's per-parameter rate scales);
 *   other         the step's total minus the parts (copies, loss).
 *
 *   weyl_bench_train [--quick]      (--quick: 64 channels, batch 50)
 *
 * Times are CPU seconds of this process (the machine may be shared), the
 * minimum over repetitions. */
#define _POSIX_C_SOURCE 200809L
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "weyl/weyl.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static void die(const char *what) {
  fprintf(stderr, "weyl_bench_train: %s: %s\n", what, weyl_status_last_error());
  exit(1);
}
#define OK(call)                                                                                   \
  do {                                                                                             \
    if ((call) != WEYL_OK)                                                                         \
      die(#call);                                                                                  \
  } while (0)

static double *randn(weyl_rng *r, size_t n) {
  double *v = malloc(sizeof *v * (n + 1));
  if (!v)
    exit(1);
  for (size_t e = 0; e < n; e++)
    v[e] = weyl_rng_normal(r);
  return v;
}

/* Seconds per training step of m (minimum over reps). */
static double step_time(weyl_model *m, int batch, int reps, weyl_rng *r) {
  double *x = randn(r, (size_t)batch * weyl_model_in_dim(m));
  double *y = randn(r, (size_t)batch * weyl_model_out_dim(m)), best = INFINITY, loss;
  weyl_adam *a = NULL;
  OK(weyl_model_adam_new(m, 3e-3, &a));
  OK(weyl_model_train_mse(m, a, batch, x, y, &loss)); /* sizes the buffers */
  for (int k = 0; k < reps; k++) {
    double t0 = now();
    OK(weyl_model_train_mse(m, a, batch, x, y, &loss));
    double t = now() - t0;
    best = t < best ? t : best;
  }
  weyl_adam_free(a);
  free(x), free(y);
  return best;
}

typedef struct {
  double wtheta, products, bilinear, gates, adam;
} split;

/* One stage in -> (gated nonlinearity on h), or in -> h when last: its
 * parts' times added to sp. Returns the stage's parameter count. */
static int time_stage(const weyl_rep *in, const weyl_rep *h, int last, int batch, int reps,
                      weyl_rng *r, split *sp) {
  weyl_rep *lo = NULL;
  weyl_nonlin *nl = NULL;
  if (last)
    OK(weyl_rep_copies(h, 1, &lo));
  else {
    OK(weyl_nonlin_gated_rep(h, &lo));
    OK(weyl_nonlin_gated(h, WEYL_NONLIN_ACT_SWISH, &nl));
  }
  weyl_basis *w = NULL, *bias = NULL;
  weyl_linear *lin = NULL;
  weyl_bilinear *bil = NULL;
  OK(weyl_basis_solve(in, lo, NULL, &w));
  OK(weyl_basis_solve_bias(lo, NULL, &bias));
  OK(weyl_linear_new(w, bias, &lin));
  if (!last)
    OK(weyl_bilinear_full_new(lo, lo, &bil));
  int din = weyl_rep_dim(in), dm = weyl_rep_dim(lo), dh = weyl_rep_dim(h);
  int np = weyl_linear_nparams(lin), nb = weyl_bilinear_nparams(bil);
  double *p = calloc((size_t)np + nb + 1, sizeof *p), *g = calloc((size_t)np + nb + 1, sizeof *g);
  double *x = randn(r, (size_t)batch * din), *z = randn(r, (size_t)batch * dm);
  double *dz = randn(r, (size_t)batch * dm), *dx = randn(r, (size_t)batch * din);
  double *yh = randn(r, (size_t)batch * dh), *dW = randn(r, (size_t)din * dm);
  double *coef = calloc((size_t)np + 1, sizeof *coef), *zb = randn(r, (size_t)batch * dm);
  OK(weyl_linear_init(lin, r, 1.0, p));
  if (bil)
    OK(weyl_bilinear_init(bil, r, p + np));
  double best[5] = {INFINITY, INFINITY, INFINITY, INFINITY, INFINITY};
  for (int k = 0; k < reps; k++) {
    double t[6];
    t[0] = now();
    OK(weyl_linear_set_params(lin, p));
    OK(weyl_basis_dot(w, dW, coef));
    t[1] = now();
    OK(weyl_linear_forward(lin, batch, x, z));
    OK(weyl_linear_backward(lin, batch, x, dz, g, dx));
    t[2] = now();
    OK(weyl_basis_dot(w, dW, coef)); /* inside backward; moved to W <-> theta */
    t[3] = now();
    if (bil) {
      OK(weyl_bilinear_forward(bil, batch, z, zb, 0)); /* reads the linear output */
      OK(weyl_bilinear_backward(bil, batch, z, dz, g + np, zb));
    }
    t[4] = now();
    if (nl) {
      OK(weyl_nonlin_forward(nl, NULL, batch, z, yh));
      OK(weyl_nonlin_backward(nl, NULL, batch, z, yh, NULL, dz));
    }
    t[5] = now();
    double parts[5] = {(t[1] - t[0]) + (t[3] - t[2]), (t[2] - t[1]) - (t[3] - t[2]), t[4] - t[3],
                       t[5] - t[4], 0};
    for (int q = 0; q < 4; q++)
      best[q] = parts[q] < best[q] ? parts[q] : best[q];
  }
  sp->wtheta += best[0], sp->products += best[1], sp->bilinear += best[2], sp->gates += best[3];
  weyl_bilinear_free(bil), weyl_linear_free(lin), weyl_nonlin_free(nl);
  weyl_basis_free(w), weyl_basis_free(bias), weyl_rep_free(lo);
  free(p), free(g), free(x), free(z), free(dz), free(dx), free(yh), free(dW), free(coef), free(zb);
  return np + nb;
}

static void bench_task(const char *name, const char *group, const char *rin, const char *rout,
                       int channels, int batch, int reps) {
  weyl_group *G = NULL;
  weyl_rep *in = NULL, *out = NULL, *h = NULL;
  OK(weyl_group_builtin(group, &G));
  OK(weyl_rep_parse(G, rin, &in));
  OK(weyl_rep_parse(G, rout, &out));
  OK(weyl_nonlin_uniform_rep(G, channels, &h));
  weyl_model_opts o = weyl_model_default_opts();
  o.channels = channels;
  o.n_hidden = 3;
  weyl_model *emlp = NULL, *mlp = NULL;
  OK(weyl_model_emlp(in, out, &o, &emlp));
  OK(weyl_model_init(emlp, 1));
  OK(weyl_model_mlp(weyl_rep_dim(in), weyl_rep_dim(out), &o, &mlp));
  OK(weyl_model_init(mlp, 1));
  weyl_rng r;
  weyl_rng_seed(&r, 5);
  double te = step_time(emlp, batch, reps, &r), tm = step_time(mlp, batch, reps, &r);
  split sp = {0};
  int np = 0;
  for (int s = 0; s < 4; s++)
    np += time_stage(s == 0 ? in : h, s == 3 ? out : h, s == 3, batch, reps, &r, &sp);
  weyl_adam *a = NULL;
  int nm = weyl_model_nparams(emlp);
  OK(weyl_model_adam_new(emlp, 3e-3, &a));
  double *p = randn(&r, (size_t)nm), *g = randn(&r, (size_t)nm), best = INFINITY;
  for (int k = 0; k < reps; k++) {
    double t0 = now();
    OK(weyl_adam_step(a, p, g));
    best = now() - t0 < best ? now() - t0 : best;
  }
  sp.adam = best;
  double sum = sp.wtheta + sp.products + sp.bilinear + sp.gates + sp.adam;
  printf("%-8s %6d %9d %10.0f %10.0f %6.2f | %5.1f%% %5.1f%% %5.1f%% %5.1f%% %5.1f%% %5.1f%%\n", name,
         weyl_model_nparams(emlp), weyl_model_nparams(mlp), batch / te, batch / tm, te / tm,
         100 * sp.wtheta / te, 100 * sp.products / te, 100 * sp.bilinear / te, 100 * sp.gates / te,
         100 * sp.adam / te, 100 * (te - sum) / te);
  if (np != weyl_model_nparams(emlp))
    printf("  (the layers built alone have %d parameters, the model %d)\n", np,
           weyl_model_nparams(emlp));
  weyl_adam_free(a);
  free(p), free(g);
  weyl_model_free(emlp), weyl_model_free(mlp);
  weyl_rep_free(in), weyl_rep_free(out), weyl_rep_free(h);
  weyl_group_free(G);
}

int main(int argc, char **argv) {
  int quick = argc > 1 && !strcmp(argv[1], "--quick");
  int channels = quick ? 64 : 384, batch = quick ? 50 : 500, reps = quick ? 2 : 5;
  openblas_set_num_threads(1);
  printf("one training step, %d channels, 3 layers, batch %d, one thread (CPU time, min of %d)\n",
         channels, batch, reps);
  printf("%-8s %6s %9s %10s %10s %6s | %6s %6s %6s %6s %6s %6s\n", "model", "params", "MLP prm",
         "EMLP smp/s", "MLP smp/s", "ratio", "W<->th", "prods", "bilin", "gates", "Adam", "other");
  bench_task("O(5)", "O(5)", "2*V", "Scalar", channels, batch, reps);
  bench_task("inertia", "O(3)", "5*Scalar + 5*V", "V**2", channels, batch, reps);
  printf("ratio: EMLP step time / MLP step time; parts in %% of the EMLP step\n");
  return 0;
}
