/* Equivariance error of a given W, computed straight from the generators. */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "group/group_impl.h"
#include "core/status_impl.h"
#include "weyl/basis.h"

/* |A - B|_F / (|A|_F + |B|_F), 0 when both are zero. */
static double rel_diff(const double *A, const double *B, size_t n) {
  double d = 0, a = 0, b = 0;
  for (size_t i = 0; i < n; i++) {
    d += (A[i] - B[i]) * (A[i] - B[i]);
    a += A[i] * A[i];
    b += B[i] * B[i];
  }
  return a + b > 0 ? sqrt(d) / (sqrt(a) + sqrt(b)) : 0.0;
}

/* RW = rho_out W and WR = W rho_in for generator k (disc or algebra). */
static weyl_status both_sides(const weyl_rep *in, const weyl_rep *out, int disc, int k,
                              const double *W, double *RW, double *WR) {
  int ni = weyl_rep_dim(in), no = weyl_rep_dim(out);
  double *ri = malloc((size_t)ni * ni * sizeof *ri), *ro = malloc((size_t)no * no * sizeof *ro);
  weyl_status s = (ri && ro) ? WEYL_OK : weyl_fail(WEYL_ENOMEM, "out of memory");
  if (s == WEYL_OK) s = disc ? weyl_rep_rho(in, k, ri) : weyl_rep_drho(in, k, ri);
  if (s == WEYL_OK) s = disc ? weyl_rep_rho(out, k, ro) : weyl_rep_drho(out, k, ro);
  if (s == WEYL_OK) {
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, no, ni, no, 1.0, ro, no, W, ni, 0.0,
                RW, ni);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, no, ni, ni, 1.0, W, ni, ri, ni, 0.0,
                WR, ni);
  }
  free(ri);
  free(ro);
  return s;
}

weyl_status weyl_basis_equivariance_error(const weyl_rep *in, const weyl_rep *out, const double *W,
                                          double *err) {
  if (!in || !out || !W || !err)
    return weyl_fail(WEYL_EINVAL, "weyl_basis_equivariance_error: NULL");
  const weyl_group *g = weyl_rep_group(in);
  if (g != weyl_rep_group(out))
    return weyl_fail(WEYL_EINVAL, "weyl_basis_equivariance_error: reps of different groups");
  size_t n = (size_t)weyl_rep_dim(in) * weyl_rep_dim(out);
  double *RW = malloc(n * sizeof *RW), *WR = malloc(n * sizeof *WR);
  weyl_status s = (RW && WR) ? WEYL_OK : weyl_fail(WEYL_ENOMEM, "out of memory");
  double worst = 0;
  for (int k = 0; s == WEYL_OK && k < g->n_disc + g->n_alg; k++) {
    int disc = k < g->n_disc;
    s = both_sides(in, out, disc, disc ? k : k - g->n_disc, W, RW, WR);
    double e = s == WEYL_OK ? rel_diff(RW, WR, n) : 0;
    if (e > worst) worst = e;
  }
  free(RW);
  free(WR);
  if (s == WEYL_OK) *err = worst;
  return s;
}
