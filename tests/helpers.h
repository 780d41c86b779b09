/* Test-side reference computations, written independently of the library:
 * plain loops, no BLAS, no LAPACK. */
#ifndef WEYL_TEST_HELPERS_H
#define WEYL_TEST_HELPERS_H

#include <math.h>
#include <stdlib.h>

#include "weyl/basis.h"
#include "weyl/group.h"
#include "weyl/rep.h"

/* C = A B for row-major A (n x m), B (m x p). */
static inline void ref_matmul(const double *A, const double *B, double *C, int n, int m, int p) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < p; j++) {
      double s = 0;
      for (int k = 0; k < m; k++) s += A[i * m + k] * B[k * p + j];
      C[i * p + j] = s;
    }
}

/* Largest |a[i] - b[i]| over n entries. */
static inline double ref_max_diff(const double *a, const double *b, size_t n) {
  double m = 0;
  for (size_t i = 0; i < n; i++) m = fmax(m, fabs(a[i] - b[i]));
  return m;
}

static inline double ref_norm(const double *A, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; i++) s += A[i] * A[i];
  return sqrt(s);
}

/* |w - sum_k <q_k, w> q_k| for orthonormal rows q_k of Q (dim x n), plain loops. */
static inline double ref_distance_to_span(const double *Q, int dim, const double *w, size_t n) {
  double *r = malloc(sizeof(double) * n);
  for (size_t e = 0; e < n; e++) r[e] = w[e];
  for (int k = 0; k < dim; k++) {
    double c = 0;
    for (size_t e = 0; e < n; e++) c += Q[k * n + e] * w[e];
    for (size_t e = 0; e < n; e++) r[e] -= c * Q[k * n + e];
  }
  double d = ref_norm(r, n);
  free(r);
  return d;
}

/* Largest relative residual |rho_out W - W rho_in| / |W| over all generators,
 * from the dense generator matrices and plain loops. */
static inline double ref_residual(const weyl_rep *in, const weyl_rep *out, const double *W) {
  const weyl_group *g = weyl_rep_group(in);
  int ni = weyl_rep_dim(in), no = weyl_rep_dim(out);
  double *ri = malloc(sizeof(double) * ni * ni), *ro = malloc(sizeof(double) * no * no);
  double *a = malloc(sizeof(double) * ni * no), *b = malloc(sizeof(double) * ni * no);
  double worst = 0, wn = ref_norm(W, (size_t)ni * no);
  int nd = weyl_group_ndisc(g), na = weyl_group_nalg(g);
  for (int k = 0; k < nd + na; k++) {
    if (k < nd) {
      weyl_rep_rho(in, k, ri);
      weyl_rep_rho(out, k, ro);
    } else {
      weyl_rep_drho(in, k - nd, ri);
      weyl_rep_drho(out, k - nd, ro);
    }
    ref_matmul(ro, W, a, no, no, ni);
    ref_matmul(W, ri, b, no, ni, ni);
    for (int e = 0; e < ni * no; e++) a[e] -= b[e];
    double r = ref_norm(a, (size_t)ni * no) / (wn > 0 ? wn : 1);
    if (r > worst) worst = r;
  }
  free(ri), free(ro), free(a), free(b);
  return worst;
}

/* How many random cases a property test draws: n natively, n / 10 (at
 * least 5) when WEYL_TEST_QUICK is set, as .ci/valgrind and the sanitizer
 * run do, where every case costs 20-50 times more. The cases drawn are the
 * first ones of the native run (same seeds), so a failure reproduces. */
static inline int test_cases(int n) {
  const char *quick = getenv("WEYL_TEST_QUICK");
  if (!quick || !quick[0] || quick[0] == '0') return n;
  return n / 10 > 5 ? n / 10 : (n < 5 ? n : 5);
}

/* Deterministic pseudo-random numbers in [-1, 1) (xorshift). */
static inline double ref_rand(unsigned long long *state) {
  *state ^= *state << 13;
  *state ^= *state >> 7;
  *state ^= *state << 17;
  return (double)(*state >> 11) / 4503599627370496.0 - 1.0;
}

#endif
