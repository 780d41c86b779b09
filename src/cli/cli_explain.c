/* weyl basis --explain: what the solver did, on stderr. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli.h"
#include "weyl/decomp.h"

void cli_explain(FILE *f, const char *what, const weyl_basis *b) {
  const weyl_basis_report *r = weyl_basis_report_get(b);
  fprintf(f,
          "%s: %d elements from %d distinct blocks (%d orbit, %d dense, %d iterative, "
          "%d stabiliser, %d isotypic) in %.3f s\n",
          what, weyl_basis_dim(b), r->n_blocks, r->n_orbit, r->n_dense, r->n_iterative,
          r->n_stabiliser, r->n_isotypic, r->seconds);
  for (int i = 0; i < weyl_basis_nblocks(b); i++) {
    weyl_basis_block_info in;
    if (weyl_basis_block_info_get(b, i, &in) != WEYL_OK)
      continue;
    fprintf(f, "  %-9s %s  (%d x %d, x%d)  dim %d  %.3f s  peak %.3g MiB", in.path, in.key,
            in.out_dim, in.in_dim, in.copies, in.dim, in.seconds, in.peak_bytes / 1048576.0);
    if (in.max_dropped > 0)
      fprintf(f, "  gap %.3g", in.min_kept / in.max_dropped);
    else
      fputs(in.dim > 0 && in.min_kept >= 1 ? "  exact" : "  gap inf", f);
    if (in.residual > 0)
      fprintf(f, "  residual %.2g", in.residual);
    fputc('\n', f);
  }
}

/* W = sum_k B_k / (k + 1) measured against the generators (up to 2^22
 * weights and 2048-dimensional sides: the check forms both generator
 * matrices densely); silent otherwise. */
void cli_explain_error(FILE *f, const weyl_rep *in, const weyl_rep *out, const weyl_basis *b) {
  int ni = weyl_rep_dim(in), no = weyl_rep_dim(out), dim = weyl_basis_dim(b);
  if (dim == 0 || (double)ni * no > (1 << 22) || ni > 2048 || no > 2048)
    return;
  double *W = calloc((size_t)ni * no, sizeof *W), *theta = malloc((size_t)dim * sizeof *theta);
  double err = 0;
  for (int k = 0; W && theta && k < dim; k++)
    theta[k] = 1.0 / (k + 1);
  if (W && theta && weyl_basis_combine(b, theta, W) == WEYL_OK &&
      weyl_basis_equivariance_error(in, out, W, &err) == WEYL_OK)
    fprintf(f, "  equivariance error of sum_k B_k / (k+1): %.2g\n", err);
  free(W), free(theta);
}

/* A stage that starts (done < 0: one long LAPACK call may follow) is shown at
 * once; block counts only once the solve has run for half a second. */
/* Schur's lemma against the rank decision: the dimension predicted by the
 * isotypic decomposition of both reps next to the one found; a
 * disagreement means one of the two decided a rank wrongly. Silent when a
 * rep does not decompose (finite groups, non-compact algebras). */
void cli_explain_predicted(FILE *f, const weyl_rep *in, const weyl_rep *out, int found) {
  weyl_decomp *di = NULL, *dout = NULL;
  long predicted = 0;
  if (weyl_decomp_new(in, &di) == WEYL_OK && weyl_decomp_new(out, &dout) == WEYL_OK &&
      weyl_decomp_hom_dim(di, dout, &predicted) == WEYL_OK) {
    fprintf(f, "  predicted dimension from the decomposition: %ld (sum over types of m_in * "
               "m_out * dim End); found: %d\n", predicted, found);
    if (predicted != found)
      fprintf(f, "weyl: warning: the decomposition predicts dimension %ld, the rank decision "
                 "found %d (try another --rtol or --solver)\n", predicted, found);
  }
  weyl_decomp_free(di);
  weyl_decomp_free(dout);
}
