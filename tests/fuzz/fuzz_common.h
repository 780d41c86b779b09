/* Shared by the fuzz targets: a size-capped solve of what was parsed, so that
 * the fuzzers reach the solver paths without spending seconds per input. */
#ifndef WEYL_FUZZ_COMMON_H
#define WEYL_FUZZ_COMMON_H

#include <stdlib.h>

#include "weyl/basis.h"

/* in*out at most this many weights: small enough for thousands of runs/s. */
enum { FUZZ_MAX_WEIGHTS = 256 };

/* Past this relative equivariance error a solve over a well-conditioned group
 * returned a wrong basis: with `check` set, fuzz_solve aborts, which libFuzzer
 * reports as a finding. */
#define FUZZ_MAX_EQUIVARIANCE_ERROR 1e-8

/* Solves in -> out (and touches every cheap basis operation) when small. Set
 * check only for groups known to be well conditioned (the expression target's
 * fixed groups): arbitrary .rep matrices may legitimately give large errors. */
static void fuzz_solve(const weyl_rep *in, const weyl_rep *out, int check) {
  long n = (long)weyl_rep_dim(in) * weyl_rep_dim(out);
  if (n > FUZZ_MAX_WEIGHTS)
    return;
  weyl_basis_opts o = {.solver = WEYL_BASIS_SOLVER_AUTO, .max_bytes = (size_t)64 << 20};
  weyl_basis *b = NULL;
  if (weyl_basis_solve(in, out, &o, &b) != WEYL_OK)
    return;
  int dim = weyl_basis_dim(b);
  double *W = calloc((size_t)n + 1, sizeof *W), *theta = calloc((size_t)dim + 1, sizeof *theta);
  double err = 0, *canon = NULL;
  int cdim = 0;
  if (W && theta) {
    for (int k = 0; k < dim; k++)
      theta[k] = 1.0 / (k + 1);
    weyl_basis_combine(b, theta, W);
    weyl_basis_project(b, W, W);
    if (weyl_basis_equivariance_error(in, out, W, &err) == WEYL_OK && check &&
        !(err <= FUZZ_MAX_EQUIVARIANCE_ERROR))
      abort();
    if (weyl_basis_canonical(b, &canon, &cdim) == WEYL_OK)
      weyl_basis_canonical_free(canon);
  }
  free(W);
  free(theta);
  weyl_basis_free(b);
}

#endif
