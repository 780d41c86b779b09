/* Equivariance error of a given W, computed straight from the generators. */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "group/group_impl.h"
#include "core/mat.h"
#include "core/status_impl.h"
#include "weyl/basis.h"

/* |RW - WR|_F / ((|ro|_2 + |ri|_2) |W|_F), 0 when the denominator is 0.
 * Relative to the size the two terms could have, not to the size they have:
 * for V**2 -> Scalar of SO(3), drho_out = 0 and W drho_in is zero for an
 * exact W, so |RW| + |WR| measured rounding only and scored every W 1. */
static double rel_diff(const double *RW, const double *WR, size_t n, double scale) {
  double d = 0;
  for (size_t i = 0; i < n; i++) d += (RW[i] - WR[i]) * (RW[i] - WR[i]);
  return scale > 0 ? sqrt(d) / scale : 0.0;
}

/* RW = rho_out W and WR = W rho_in for generator k (disc or algebra). */
static weyl_status both_sides(const weyl_rep *in, const weyl_rep *out, int disc, int k,
                              const double *W, double *RW, double *WR, double *scale) {
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
    double gen = weyl_mat_norm2_bound(no, ro, no) + weyl_mat_norm2_bound(ni, ri, ni);
    *scale = gen * cblas_dnrm2(no * ni, W, 1);
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
    double scale = 0;
    s = both_sides(in, out, disc, disc ? k : k - g->n_disc, W, RW, WR, &scale);
    double e = s == WEYL_OK ? rel_diff(RW, WR, n, scale) : 0;
    if (!(e <= worst)) worst = e; /* NaN is the worst */
  }
  free(RW);
  free(WR);
  if (s == WEYL_OK) *err = worst;
  return s;
}
