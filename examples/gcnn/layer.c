/* Sparse equivariant layers from solved bases (layer.h). */
#include "layer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weyl/basis.h"
#include "weyl/conv.h"

/* The orbit of every entry: combining with theta_k = k + 1 writes k + 1 on
 * orbit k (orbits are disjoint 0/1 indicators), 0 where no orbit is. */
static int *entry_labels(const weyl_basis *b) {
  size_t n = (size_t)weyl_basis_out_dim(b) * weyl_basis_in_dim(b);
  int d = weyl_basis_dim(b);
  double *theta = malloc(sizeof(double) * (d > 0 ? d : 1)), *W = malloc(sizeof(double) * n);
  int *lab = malloc(sizeof(int) * n);
  if (theta && W && lab) {
    for (int k = 0; k < d; k++) theta[k] = k + 1.0;
    weyl_basis_combine(b, theta, W);
    for (size_t e = 0; e < n; e++) lab[e] = (int)W[e] - 1;
  }
  free(theta);
  free(W);
  return lab;
}

static int to_csr(eq_layer *L, const int *lab) {
  int nnz = 0;
  for (size_t e = 0; e < (size_t)L->out * L->in; e++) nnz += lab[e] >= 0;
  L->start = malloc(sizeof(int) * (L->out + 1));
  L->col = malloc(sizeof(int) * nnz);
  L->lab = malloc(sizeof(int) * nnz);
  if (!L->start || !L->col || !L->lab) return -1;
  int q = 0;
  for (int i = 0; i < L->out; i++) {
    L->start[i] = q;
    for (int j = 0; j < L->in; j++) {
      int l = lab[(size_t)i * L->in + j];
      if (l >= 0) L->col[q] = j, L->lab[q++] = l;
    }
  }
  L->start[L->out] = q;
  return 0;
}

static int fail(const char *what) {
  fprintf(stderr, "gcnn: %s: %s\n", what, weyl_status_last_error());
  return -1;
}

int eq_layer_build(eq_layer *L, weyl_group *g, const char *in, const char *out, int k) {
  memset(L, 0, sizeof *L);
  weyl_rep *ri = NULL, *ro = NULL;
  weyl_basis *b = NULL, *local = NULL, *bias = NULL;
  int rc = -1;
  if (weyl_rep_parse(g, in, &ri) || weyl_rep_parse(g, out, &ro)) rc = fail("rep");
  else if (weyl_basis_solve(ri, ro, NULL, &b) || weyl_conv_local(ri, ro, b, k, 0, &local))
    rc = fail("solve");
  else if (weyl_basis_solve_bias(ro, NULL, &bias)) rc = fail("bias");
  else if (!weyl_basis_is_exact(local) || !weyl_basis_is_exact(bias))
    fprintf(stderr, "gcnn: expected exact orbit bases\n");
  else {
    L->in = weyl_rep_dim(ri), L->out = weyl_rep_dim(ro);
    L->nw = weyl_basis_dim(local), L->nb = weyl_basis_dim(bias);
    int *lab = entry_labels(local);
    L->bias_lab = entry_labels(bias);
    rc = lab && L->bias_lab ? to_csr(L, lab) : -1;
    free(lab);
  }
  weyl_basis_free(b), weyl_basis_free(local), weyl_basis_free(bias);
  weyl_rep_free(ri), weyl_rep_free(ro);
  return rc;
}

void eq_layer_free(eq_layer *L) {
  free(L->start), free(L->col), free(L->lab), free(L->bias_lab);
  memset(L, 0, sizeof *L);
}

void eq_layer_forward(const eq_layer *L, const double *p, const double *x, double *y, int nb) {
  const double *bias = p + L->nw;
  double acc[EQ_LAYER_MAX_BATCH]; /* a local row: no aliasing with x, so it vectorises */
  for (int i = 0; i < L->out; i++) {
    double b0 = L->bias_lab[i] >= 0 ? bias[L->bias_lab[i]] : 0.0;
    for (int b = 0; b < nb; b++) acc[b] = b0;
    for (int q = L->start[i]; q < L->start[i + 1]; q++) {
      const double w = p[L->lab[q]], *xj = x + (size_t)L->col[q] * nb;
      for (int b = 0; b < nb; b++) acc[b] += w * xj[b];
    }
    memcpy(y + (size_t)i * nb, acc, sizeof(double) * nb);
  }
}

/* sum_b g[b] x[b] in four running sums: a single sum is one long chain of
 * dependent adds, which the compiler may not reorder. */
static double dot(const double *g, const double *x, int nb) {
  double s[4] = {0, 0, 0, 0};
  int b = 0;
  for (; b + 4 <= nb; b += 4)
    for (int j = 0; j < 4; j++) s[j] += g[b + j] * x[b + j];
  for (; b < nb; b++) s[0] += g[b] * x[b];
  return (s[0] + s[1]) + (s[2] + s[3]);
}

/* True when a row of dy is all zero (ReLU-dead for the whole batch). */
static int all_zero(const double *g, int nb) {
  for (int b = 0; b < nb; b++)
    if (g[b] != 0.0) return 0;
  return 1;
}

void eq_layer_backward(const eq_layer *L, const double *p, const double *x, const double *dy,
                       double *dp, double *dx, int nb) {
  double *dbias = dp + L->nw;
  for (int i = 0; i < L->out; i++) {
    const double *g = dy + (size_t)i * nb;
    if (all_zero(g, nb)) continue; /* nothing flows */
    if (L->bias_lab[i] >= 0)
      for (int b = 0; b < nb; b++) dbias[L->bias_lab[i]] += g[b];
    for (int q = L->start[i]; q < L->start[i + 1]; q++) {
      const double w = p[L->lab[q]], *xj = x + (size_t)L->col[q] * nb;
      dp[L->lab[q]] += dot(g, xj, nb);
      if (!dx) continue;
      double *dxj = dx + (size_t)L->col[q] * nb;
      for (int b = 0; b < nb; b++) dxj[b] += g[b] * w;
    }
  }
}
