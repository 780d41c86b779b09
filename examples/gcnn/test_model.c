/* Checks of the example's own forward and backward against independent
 * computations (run by ctest as gcnn_model):
 *   1. the sparse batched layer against W = sum_k theta_k B_k formed densely
 *      by weyl_basis_combine and a plain matrix product;
 *   2. a batch of 5 against the same images one at a time;
 *   3. the gradient of the summed cross-entropy against central differences,
 *      the loss computed here from the logits.
 * for the p4-CNN and the CNN (2 channels, 2 layers). Prints "N passed, N
 * failed"; exits 1 on a failure. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digits.h"
#include "model.h"
#include "rng.h"
#include "weyl/basis.h"
#include "weyl/conv.h"

enum { NB = 5 };

static int passed, failed;

static void check(const char *what, double err, double tol) {
  int ok = err <= tol;
  printf("%-44s %.2e (tolerance %.0e) %s\n", what, err, tol, ok ? "ok" : "FAILED");
  ok ? passed++ : failed++;
}

/* Largest |sparse batched layer - dense W x| over a random batch. */
static double layer_vs_dense(weyl_group *g, const char *in, const char *out) {
  weyl_rep *ri = NULL, *ro = NULL;
  weyl_basis *b = NULL, *local = NULL;
  eq_layer L;
  if (weyl_rep_parse(g, in, &ri) || weyl_rep_parse(g, out, &ro) ||
      weyl_basis_solve(ri, ro, NULL, &b) || weyl_conv_local(ri, ro, b, 3, 0, &local) ||
      eq_layer_build(&L, g, in, out, 3))
    return INFINITY;
  int n = L.in, m = L.out;
  double *p = calloc(L.nw + L.nb, sizeof(double)), *W = malloc(sizeof(double) * m * n);
  double *x = malloc(sizeof(double) * n * NB), *y = malloc(sizeof(double) * m * NB), err = 0;
  for (int k = 0; k < L.nw; k++) p[k] = rng_gaussian(); /* biases stay 0 */
  for (int i = 0; i < n * NB; i++) x[i] = rng_gaussian();
  weyl_basis_combine(local, p, W);
  eq_layer_forward(&L, p, x, y, NB);
  for (int i = 0; i < m; i++)
    for (int b = 0; b < NB; b++) {
      double s = 0;
      for (int j = 0; j < n; j++) s += W[(size_t)i * n + j] * x[j * NB + b];
      err = fmax(err, fabs(s - y[i * NB + b]));
    }
  free(p), free(W), free(x), free(y);
  eq_layer_free(&L), weyl_basis_free(b), weyl_basis_free(local);
  weyl_rep_free(ri), weyl_rep_free(ro);
  return err;
}

/* Summed cross-entropy of the logits of a forward of x. */
static double loss_of(model *M, const double *x, const int *y) {
  model_forward(M, x, NB);
  double s = 0;
  for (int b = 0; b < NB; b++) {
    const double *z = M->logits + b * CLASSES;
    double sum = 0;
    for (int o = 0; o < CLASSES; o++) sum += exp(z[o]);
    s += log(sum) - z[y[b]];
  }
  return s;
}

static void check_model(const char *name, const char *group, int nstab) {
  model M;
  char what[64];
  if (model_build(&M, name, group, 2, nstab, 2)) {
    check("model_build", INFINITY, 0);
    return;
  }
  for (int k = 0; k < M.np; k++) M.p[k] += 0.1 * rng_gaussian(); /* biases too */
  double x[DIGIT_PIXELS * NB], one[DIGIT_PIXELS], batch[CLASSES * NB], err = 0;
  int y[NB];
  for (int i = 0; i < DIGIT_PIXELS * NB; i++) x[i] = rng_uniform();
  for (int b = 0; b < NB; b++) y[b] = (int)(rng_uniform() * CLASSES);
  model_forward(&M, x, NB);
  memcpy(batch, M.logits, sizeof batch);
  for (int b = 0; b < NB; b++) {
    for (int t = 0; t < DIGIT_PIXELS; t++) one[t] = x[t * NB + b];
    model_forward(&M, one, 1);
    for (int o = 0; o < CLASSES; o++) err = fmax(err, fabs(M.logits[o] - batch[b * CLASSES + o]));
  }
  snprintf(what, sizeof what, "%s: batch of %d vs one at a time", name, NB);
  check(what, err, 1e-12);
  model_forward(&M, x, NB);
  model_backward(&M, x, y, NB);
  double *g = malloc(sizeof(double) * M.np), worst = 0, h = 1e-6;
  memcpy(g, M.grad, sizeof(double) * M.np);
  for (int k = 0; k < M.np; k++) {
    double p0 = M.p[k];
    M.p[k] = p0 + h;
    double up = loss_of(&M, x, y);
    M.p[k] = p0 - h;
    double down = loss_of(&M, x, y);
    M.p[k] = p0;
    worst = fmax(worst, fabs((up - down) / (2 * h) - g[k]) / fmax(1, fabs(g[k])));
  }
  snprintf(what, sizeof what, "%s: gradient vs differences (%d)", name, M.np);
  check(what, worst, 1e-6);
  free(g);
  model_free(&M);
}

int main(void) {
  weyl_group *p4 = NULL, *t = NULL;
  if (weyl_group_builtin("p4(8)", &p4) || weyl_group_builtin("T(8,8)", &t)) {
    fprintf(stderr, "gcnn: %s\n", weyl_status_last_error());
    return 1;
  }
  check("p4(8) V -> 2*regular: sparse vs dense W", layer_vs_dense(p4, "V", "2*regular"), 1e-12);
  check("p4(8) 2*regular -> 2*regular", layer_vs_dense(p4, "2*regular", "2*regular"), 1e-12);
  check("T(8,8) 2*V -> 3*V", layer_vs_dense(t, "2*V", "3*V"), 1e-12);
  weyl_group_free(p4), weyl_group_free(t);
  check_model("p4-CNN", "p4(8)", 4);
  check_model("CNN", "T(8,8)", 1);
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
