/* Numerical honesty: generators that are not quite a representation.
 *
 * S3 acts on R^3 by permutation matrices; Hom(V, V) is spanned by I and the
 * all-ones matrix J (dimension 2). Adding noise of size eps to the generator
 * matrices keeps I equivariant (it commutes with anything) but breaks J by
 * about eps. The documented behaviour (README "How it solves"): a singular
 * value <= rtol * sigma_max counts as zero, and the gap around the cut is
 * reported, with "dimension uncertain" under WEYL_BASIS_SMALL_GAP. So for tiny
 * noise the answer is 2 with a large gap, for large noise 1 with a large
 * gap, and in between the warning must appear before the dimension is
 * decided wrongly in either direction.
 *
 * J's breakage is measured independently here, with plain loops: the
 * relative commutator |rho J - J rho|_F / |J|_F. */
#define _POSIX_C_SOURCE 200809L

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_fixture.h"
#include "helpers.h"
#include "weyl/basis.h"
#include "weyl/repfile.h"

/* (0 1) and (0 1 2) as matrices, P[p_i][i] = 1. */
static const int PERMS[2][3] = {{1, 0, 2}, {1, 2, 0}};

static void noisy_generators(double eps, unsigned long long seed, double mats[2][9]) {
  for (int k = 0; k < 2; k++) {
    memset(mats[k], 0, sizeof mats[k]);
    for (int i = 0; i < 3; i++)
      mats[k][PERMS[k][i] * 3 + i] = 1.0;
    for (int e = 0; e < 9; e++)
      mats[k][e] += eps * ref_rand(&seed);
  }
}

static char *rep_text(double mats[2][9]) {
  char *text = malloc(4096);
  int n = snprintf(text, 4096, "group S3noisy\ngenerators t c\nrep V 3\n");
  for (int k = 0; k < 2; k++) {
    n += snprintf(text + n, 4096 - (size_t)n, "  %s matrix", k ? "c" : "t");
    for (int e = 0; e < 9; e++)
      n += snprintf(text + n, 4096 - (size_t)n, " %.17g", mats[k][e]);
    n += snprintf(text + n, 4096 - (size_t)n, "\n");
  }
  return text;
}

/* max over generators of |rho J - J rho|_F / |J|_F, J the all-ones matrix. */
static double j_breakage(double mats[2][9]) {
  double J[9], a[9], b[9], worst = 0;
  for (int e = 0; e < 9; e++)
    J[e] = 1.0;
  for (int k = 0; k < 2; k++) {
    ref_matmul(mats[k], J, a, 3, 3, 3);
    ref_matmul(J, mats[k], b, 3, 3, 3);
    for (int e = 0; e < 9; e++)
      a[e] -= b[e];
    double r = ref_norm(a, 9) / ref_norm(J, 9);
    if (r > worst)
      worst = r;
  }
  return worst;
}

typedef struct {
  int dim;
  double gap, breakage;
} outcome;

static outcome solve_noisy(double eps, unsigned long long seed) {
  double mats[2][9];
  noisy_generators(eps, seed, mats);
  char *text = rep_text(mats);
  weyl_group *g = NULL;
  cr_assert_eq(weyl_repfile_parse(text, strlen(text), "noisy.rep", &g), WEYL_OK, "%s",
               weyl_status_last_error());
  weyl_rep *v = NULL;
  weyl_basis *b = NULL;
  cr_assert_eq(weyl_rep_parse(g, "V", &v), WEYL_OK);
  weyl_basis_opts o = {.solver = WEYL_BASIS_SOLVER_DENSE};
  cr_assert_eq(weyl_basis_solve(v, v, &o, &b), WEYL_OK, "%s", weyl_status_last_error());
  const weyl_basis_report *r = weyl_basis_report_get(b);
  /* the reported numbers are the ones that decided: dropped <= cut < kept */
  cr_assert_leq(r->max_dropped, WEYL_BASIS_DEFAULT_RTOL);
  cr_assert_gt(r->min_kept, WEYL_BASIS_DEFAULT_RTOL);
  outcome out = {weyl_basis_dim(b), r->min_gap, j_breakage(mats)};
  /* whatever was decided, the basis is equivariant to within the dropped size */
  double *W = malloc(9 * sizeof *W);
  for (int k = 0; k < out.dim; k++) {
    cr_assert_eq(weyl_basis_element(b, k, W), WEYL_OK);
    cr_assert_leq(ref_residual(v, v, W), 10 * (r->max_dropped + 1e-15) + 10 * eps,
                  "eps %g element %d", eps, k);
  }
  free(W);
  weyl_basis_free(b);
  weyl_rep_free(v);
  weyl_group_free(g);
  free(text);
  return out;
}

Test(perturbed, tiny_noise_keeps_the_dimension_with_a_large_gap) {
  for (double eps = 1e-14; eps <= 1.01e-12; eps *= 10) {
    outcome o = solve_noisy(eps, 12345);
    cr_assert_eq(o.dim, 2, "eps %g", eps);
    cr_assert_geq(o.gap, WEYL_BASIS_SMALL_GAP, "eps %g gap %g", eps, o.gap);
  }
}

Test(perturbed, large_noise_leaves_only_the_identity_with_a_large_gap) {
  for (double eps = 1e-4; eps <= 1.01e-3; eps *= 10) {
    outcome o = solve_noisy(eps, 12345);
    cr_assert_eq(o.dim, 1, "eps %g", eps);
    cr_assert_geq(o.gap, WEYL_BASIS_SMALL_GAP, "eps %g gap %g", eps, o.gap);
  }
}

/* Over eps = 1e-14 .. 1e-3 in steps of 10^(1/4), for three noise patterns:
 * the dimension only falls (2 -> 1), a decision without warning agrees with
 * the independently measured breakage of J (within a factor 100 of the cut,
 * for the constant between |[rho, J]| and the singular value), and the
 * change from 2 to 1 never happens without a warning next to it. */
Test(perturbed, the_uncertain_band_is_flagged) {
  for (unsigned long long seed = 1; seed <= 3; seed++) {
    int last_dim = 2, warned = 0, prev_warned = 0;
    for (double eps = 1e-14; eps <= 1.01e-3; eps *= 1.7782794100389228) {
      outcome o = solve_noisy(eps, seed * 7919);
      int warn = o.gap < WEYL_BASIS_SMALL_GAP;
      cr_assert_leq(o.dim, last_dim, "seed %llu eps %g: dimension rose", seed, eps);
      cr_assert(o.dim == 1 || o.dim == 2, "eps %g dim %d", eps, o.dim);
      if (!warn && o.dim == 2)
        cr_assert_leq(o.breakage, 100 * WEYL_BASIS_DEFAULT_RTOL, "eps %g: J kept, breakage %g", eps,
                      o.breakage);
      if (!warn && o.dim == 1)
        cr_assert_geq(o.breakage, WEYL_BASIS_DEFAULT_RTOL / 100, "eps %g: J dropped, breakage %g",
                      eps, o.breakage);
      if (o.dim < last_dim)
        cr_assert(warn || prev_warned, "seed %llu eps %g: dimension fell with no warning", seed,
                  eps);
      warned |= warn;
      prev_warned = warn;
      last_dim = o.dim;
    }
    cr_assert_eq(last_dim, 1);
    cr_assert(warned, "seed %llu: no eps gave a small-gap warning", seed);
  }
}

/* The CLI says so in words: "dimension uncertain" exactly when the gap is small. */
static char *cli_text(double eps) {
  double mats[2][9];
  noisy_generators(eps, 12345, mats);
  char *text = rep_text(mats);
  char *out = cli_basis_output(text, "--in V --out V --solver dense");
  free(text);
  return out;
}

Test(perturbed, cli_prints_dimension_uncertain_only_for_a_small_gap) {
  for (double eps = 1e-14; eps <= 1.01e-3; eps *= 10) {
    outcome o = solve_noisy(eps, 12345);
    char *out = cli_text(eps);
    char *line = strstr(out, "basis dimension:"); /* not the bias line */
    cr_assert_not_null(line, "%s", out);
    *strchr(line, '\n') = '\0';
    int says = strstr(line, "dimension uncertain") != NULL;
    cr_assert_eq(says, o.gap < WEYL_BASIS_SMALL_GAP, "eps %g gap %g:\n%s", eps, o.gap, out);
    char want[64];
    snprintf(want, sizeof want, "basis dimension: %d ", o.dim);
    cr_assert_not_null(strstr(line, want), "eps %g: %s", eps, line);
    free(out);
  }
}
