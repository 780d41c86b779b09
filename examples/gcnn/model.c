/* Forward, backward and Adam for the networks of model.h. */
#include "model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digits.h"
#include "rng.h"

enum { PIX = DIGIT_PIXELS };

static int fail_alloc(void) {
  fprintf(stderr, "gcnn: out of memory\n");
  return -1;
}

/* He initialisation: fan-in = the non-zeros of one row of W. */
static void init_params(model *M) {
  for (int l = 0; l < M->depth; l++) {
    double sd = sqrt(2.0 / (M->l[l].start[1] - M->l[l].start[0]));
    for (int k = 0; k < M->l[l].nw; k++) M->p[M->off[l] + k] = sd * rng_gaussian();
  }
  for (int k = 0; k < CLASSES * M->ch; k++)
    M->p[M->off[M->depth] + k] = rng_gaussian() / sqrt(M->ch);
}

int model_build(model *M, const char *name, const char *group, int ch, int nstab, int depth) {
  char hid[32];
  memset(M, 0, sizeof *M);
  M->name = name, M->ch = ch, M->nstab = nstab, M->depth = depth;
  M->hidden = ch * nstab * PIX;
  snprintf(hid, sizeof hid, nstab > 1 ? "%d*regular" : "%d*V", ch);
  if (weyl_group_builtin(group, &M->g)) {
    fprintf(stderr, "gcnn: %s\n", weyl_status_last_error());
    return -1;
  }
  size_t act = (size_t)M->hidden * MAX_BATCH;
  for (int l = 0; l < depth; l++) {
    if (eq_layer_build(&M->l[l], M->g, l == 0 ? "V" : hid, hid, 3)) return -1;
    M->off[l + 1] = M->off[l] + M->l[l].nw + M->l[l].nb;
    M->h[l] = malloc(sizeof(double) * act), M->dh[l] = malloc(sizeof(double) * act);
    if (!M->h[l] || !M->dh[l]) return fail_alloc();
  }
  M->np = M->off[depth] + CLASSES * ch + CLASSES;
  M->p = calloc(M->np, sizeof(double)), M->grad = calloc(M->np, sizeof(double));
  M->m = calloc(M->np, sizeof(double)), M->v = calloc(M->np, sizeof(double));
  M->feat = malloc(sizeof(double) * ch * MAX_BATCH);
  M->logits = malloc(sizeof(double) * CLASSES * MAX_BATCH);
  M->arg = malloc(sizeof(int) * ch * PIX * MAX_BATCH);
  if (!M->p || !M->grad || !M->m || !M->v || !M->feat || !M->logits || !M->arg)
    return fail_alloc();
  init_params(M);
  return 0;
}

void model_free(model *M) {
  for (int l = 0; l < MAX_DEPTH; l++) eq_layer_free(&M->l[l]), free(M->h[l]), free(M->dh[l]);
  weyl_group_free(M->g);
  free(M->p), free(M->grad), free(M->m), free(M->v);
  free(M->feat), free(M->logits), free(M->arg);
  memset(M, 0, sizeof *M);
}

static void relu(double *x, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (x[i] < 0) x[i] = 0;
}

/* Coset max over the rotation planes, then the mean over pixels. */
static void pool(model *M, const double *h, int nb) {
  memset(M->feat, 0, sizeof(double) * M->ch * nb);
  for (int c = 0; c < M->ch; c++)
    for (int t = 0; t < PIX; t++) {
      const double *q = h + ((size_t)c * M->nstab * PIX + t) * nb; /* plane 0 */
      for (int b = 0; b < nb; b++) {
        int best = 0;
        for (int s = 1; s < M->nstab; s++)
          if (q[(size_t)s * PIX * nb + b] > q[(size_t)best * PIX * nb + b]) best = s;
        M->arg[((size_t)b * M->ch + c) * PIX + t] = best;
        M->feat[b * M->ch + c] += q[(size_t)best * PIX * nb + b] / PIX;
      }
    }
}

void model_forward(model *M, const double *x, int nb) {
  for (int l = 0; l < M->depth; l++) {
    eq_layer_forward(&M->l[l], M->p + M->off[l], l ? M->h[l - 1] : x, M->h[l], nb);
    relu(M->h[l], (size_t)M->hidden * nb);
  }
  pool(M, M->h[M->depth - 1], nb);
  const double *W = M->p + M->off[M->depth], *bias = W + CLASSES * M->ch;
  for (int b = 0; b < nb; b++)
    for (int o = 0; o < CLASSES; o++) {
      double s = bias[o];
      for (int c = 0; c < M->ch; c++) s += W[o * M->ch + c] * M->feat[b * M->ch + c];
      M->logits[b * CLASSES + o] = s;
    }
}

/* Head and pooling backward: fills dh of the last layer from dl[nb][10]. */
static void head_backward(model *M, const double *dl, int nb) {
  int last = M->depth - 1;
  const double *W = M->p + M->off[M->depth], *h = M->h[last];
  double *gW = M->grad + M->off[M->depth], *gb = gW + CLASSES * M->ch, *dh = M->dh[last];
  memset(dh, 0, sizeof(double) * M->hidden * nb);
  for (int b = 0; b < nb; b++) {
    const double *d = dl + b * CLASSES;
    for (int c = 0; c < M->ch; c++) {
      double df = 0;
      for (int o = 0; o < CLASSES; o++) {
        gW[o * M->ch + c] += d[o] * M->feat[b * M->ch + c];
        df += d[o] * W[o * M->ch + c];
      }
      for (int t = 0; t < PIX; t++) {
        int s = M->arg[((size_t)b * M->ch + c) * PIX + t];
        size_t i = (((size_t)c * M->nstab + s) * PIX + t) * nb + b;
        if (h[i] > 0) dh[i] = df / PIX; /* through the ReLU */
      }
    }
    for (int o = 0; o < CLASSES; o++) gb[o] += d[o];
  }
}

double model_backward(model *M, const double *x, const int *y, int nb) {
  double dl[CLASSES * MAX_BATCH], loss = 0;
  for (int b = 0; b < nb; b++) {
    const double *z = M->logits + b * CLASSES;
    double mx = z[0], sum = 0;
    for (int o = 1; o < CLASSES; o++) mx = fmax(mx, z[o]);
    for (int o = 0; o < CLASSES; o++) sum += exp(z[o] - mx);
    for (int o = 0; o < CLASSES; o++) dl[b * CLASSES + o] = exp(z[o] - mx) / sum - (o == y[b]);
    loss += log(sum) + mx - z[y[b]];
  }
  head_backward(M, dl, nb);
  size_t n = (size_t)M->hidden * nb;
  for (int l = M->depth - 1; l >= 0; l--) {
    double *dx = l ? M->dh[l - 1] : NULL;
    if (dx) memset(dx, 0, sizeof(double) * n);
    eq_layer_backward(&M->l[l], M->p + M->off[l], l ? M->h[l - 1] : x, M->dh[l],
                      M->grad + M->off[l], dx, nb);
    for (size_t i = 0; dx && i < n; i++)
      if (M->h[l - 1][i] <= 0) dx[i] = 0;
  }
  return loss;
}

void model_adam(model *M, int step, double lr, int nb) {
  const double b1 = 0.9, b2 = 0.999;
  double c1 = 1 - pow(b1, step), c2 = 1 - pow(b2, step);
  for (int k = 0; k < M->np; k++) {
    double g = M->grad[k] / nb;
    M->m[k] = b1 * M->m[k] + (1 - b1) * g;
    M->v[k] = b2 * M->v[k] + (1 - b2) * g * g;
    M->p[k] -= lr * (M->m[k] / c1) / (sqrt(M->v[k] / c2) + 1e-8);
    M->grad[k] = 0;
  }
}
