/* Scale invariance: an algebra generator A and c A (c != 0) give the same
 * Lie algebra, so the same constraint drho_out(A) W = W drho_in(A) and the
 * same basis. A built-in group is written out as a .rep file with each
 * algebra generator multiplied by its own random 10^u, u in [-150, 150], and
 * solved by every general path; the dimensions are the known ones (character
 * counts, listed with each case), not those of the unscaled solve. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "weyl/basis.h"
#include "weyl/repfile.h"

typedef struct {
  const char *group, *in, *out;
  int dim; /* the known dimension of Hom(in, out) */
} known;

/* SO(3): V (x) V = 1 + 3 + 5; O(3): the 3 in V (x) V is the axial vector,
 * so no map to the polar V; SO(4): Lambda^2 V = 3 + 3', S^2 V = 1 + 9;
 * SO(1,3): the metric is the invariant, also as the map V -> V*; Sp(4): the
 * symplectic form; O(2): V (x) V = 1 + det + (frequency 2). */
static const known CASES[] = {
    {"SO(3)", "V", "V", 1},         {"SO(3)", "V**2", "V", 1},     {"SO(3)", "V**2", "Scalar", 1},
    {"SO(3)", "Scalar", "V", 0},    {"SO(3)", "V**2", "V**2", 3},  {"O(3)", "V", "V", 1},
    {"O(3)", "V**2", "V", 0},       {"O(3)", "V**2", "V**2", 3},   {"SO(4)", "V", "V", 1},
    {"SO(4)", "V**2", "V**2", 4},   {"SO(1,3)", "V", "V", 1},      {"SO(1,3)", "V**2", "Scalar", 1},
    {"SO(1,3)", "Scalar", "V", 0},  {"SO(1,3)", "V", "V.T", 1},    {"Sp(4)", "V", "V", 1},
    {"Sp(4)", "V**2", "Scalar", 1}, {"O(2)", "V", "V", 1},         {"O(2)", "V**2", "V**2", 3},
};
enum { N_CASES = (int)(sizeof CASES / sizeof CASES[0]) };

/* Appends one generator's matrix (row-major n x n, times scale) to text. */
static int put_matrix(char *text, int n, int cap, const char *name, const double *m, int d,
                      double scale) {
  n += snprintf(text + n, (size_t)(cap - n), "  %s matrix", name);
  for (int e = 0; e < d * d; e++)
    n += snprintf(text + n, (size_t)(cap - n), " %.17g", m[e] * scale);
  return n + snprintf(text + n, (size_t)(cap - n), "\n");
}

/* The built-in group's leaf V as a .rep file, algebra generator k scaled by
 * scales[k]; a new string. */
static char *scaled_text(const char *name, const double *scales) {
  weyl_group *g = NULL;
  weyl_rep *v = NULL;
  cr_assert_eq(weyl_group_builtin(name, &g), WEYL_OK);
  cr_assert_eq(weyl_rep_parse(g, "V", &v), WEYL_OK);
  int d = weyl_rep_dim(v), nd = weyl_group_ndisc(g), na = weyl_group_nalg(g), cap = 1 << 16;
  char *text = malloc((size_t)cap);
  double *m = malloc(sizeof(double) * d * d);
  int n = snprintf(text, (size_t)cap, "group scaled\n");
  if (nd > 0) n += snprintf(text + n, (size_t)(cap - n), "generators");
  for (int k = 0; k < nd; k++) n += snprintf(text + n, (size_t)(cap - n), " h%d", k);
  n += snprintf(text + n, (size_t)(cap - n), "%salgebra", nd > 0 ? "\n" : "");
  for (int k = 0; k < na; k++) n += snprintf(text + n, (size_t)(cap - n), " A%d", k);
  n += snprintf(text + n, (size_t)(cap - n), "\nrep V %d\n", d);
  for (int k = 0; k < nd + na; k++) {
    char gen[16];
    snprintf(gen, sizeof gen, k < nd ? "h%d" : "A%d", k < nd ? k : k - nd);
    cr_assert_eq(k < nd ? weyl_rep_rho(v, k, m) : weyl_rep_drho(v, k - nd, m), WEYL_OK);
    n = put_matrix(text, n, cap, gen, m, d, k < nd ? 1.0 : scales[k - nd]);
  }
  cr_assert_lt(n, cap);
  free(m);
  weyl_rep_free(v);
  weyl_group_free(g);
  return text;
}

/* Dimension of in -> out over the group in text, by solver; also checks
 * the basis against the scaled generators (plain loops, scale-free). */
static int solve_dim(const char *text, const char *in_s, const char *out_s,
                     weyl_basis_solver solver) {
  weyl_group *g = NULL;
  weyl_rep *in = NULL, *out = NULL;
  weyl_basis *b = NULL;
  cr_assert_eq(weyl_repfile_parse(text, strlen(text), "scaled", &g), WEYL_OK, "%s",
               weyl_status_last_error());
  cr_assert_eq(weyl_rep_parse(g, in_s, &in), WEYL_OK);
  cr_assert_eq(weyl_rep_parse(g, out_s, &out), WEYL_OK);
  weyl_basis_opts o = {.solver = solver};
  cr_assert_eq(weyl_basis_solve(in, out, &o, &b), WEYL_OK, "%s -> %s: %s", in_s, out_s,
               weyl_status_last_error());
  int dim = weyl_basis_dim(b);
  weyl_basis_free(b);
  weyl_rep_free(in);
  weyl_rep_free(out);
  weyl_group_free(g);
  return dim;
}

static const weyl_basis_solver GENERAL[] = {WEYL_BASIS_SOLVER_AUTO, WEYL_BASIS_SOLVER_DENSE,
                                            WEYL_BASIS_SOLVER_ITERATIVE};

Test(scale, random_generator_scales_keep_every_known_dimension) {
  unsigned long long seed = 0x5ca1e;
  int n = test_cases(60);
  for (int t = 0; t < n; t++) {
    const known *c = &CASES[t % N_CASES];
    double scales[16];
    for (int k = 0; k < 16; k++) scales[k] = pow(10.0, 150.0 * ref_rand(&seed));
    char *text = scaled_text(c->group, scales);
    for (int p = 0; p < 3; p++)
      cr_expect_eq(solve_dim(text, c->in, c->out, GENERAL[p]), c->dim,
                   "case %d: %s %s -> %s, solver %d, first scale %.3g", t, c->group, c->in, c->out,
                   (int)GENERAL[p], scales[0]);
    free(text);
  }
}

/* The cases of issue 16, each one generator scale. */
Test(scale, one_generator_scaled_by_1e12) {
  double lx[3] = {1e12, 1, 1}, j[1] = {1e12};
  char *so3 = scaled_text("SO(3)", lx), *o2 = scaled_text("O(2)", j);
  for (int p = 0; p < 3; p++) {
    cr_expect_eq(solve_dim(so3, "V", "V", GENERAL[p]), 1);
    cr_expect_eq(solve_dim(so3, "V**2", "V", GENERAL[p]), 1);
    cr_expect_eq(solve_dim(so3, "Scalar", "V", GENERAL[p]), 0);
    cr_expect_eq(solve_dim(o2, "V", "V", GENERAL[p]), 1);
  }
  free(so3), free(o2);
}

Test(scale, extreme_magnitudes_1e308_and_1e_minus_160) {
  double huge[1] = {1e308}, tiny[3] = {1e-160, 1e-160, 1e-160};
  char *so2 = scaled_text("SO(2)", huge), *so3 = scaled_text("SO(3)", tiny);
  for (int p = 0; p < 3; p++) cr_expect_eq(solve_dim(so2, "V", "V", GENERAL[p]), 2);
  cr_expect_eq(solve_dim(so3, "V**3", "V**3", WEYL_BASIS_SOLVER_ITERATIVE), 15);
  cr_expect_eq(solve_dim(so3, "V**2", "V**2", WEYL_BASIS_SOLVER_DENSE), 3);
  free(so2), free(so3);
}

/* A tensor product whose generator entries leave the doubles: refused with
 * a message that says so, not a LAPACK info code. */
Test(scale, overflow_in_a_tensor_product_is_named) {
  const char *text = "group H\nalgebra H\nrep V 2\n  H matrix 1e308 0 0 -1e308\n";
  weyl_group *g = NULL;
  weyl_rep *in = NULL;
  weyl_basis *b = NULL;
  cr_assert_eq(weyl_repfile_parse(text, strlen(text), "h", &g), WEYL_OK, "%s",
               weyl_status_last_error());
  cr_assert_eq(weyl_rep_parse(g, "V**2", &in), WEYL_OK);
  for (int p = 0; p < 3; p++) {
    weyl_basis_opts o = {.solver = GENERAL[p]};
    cr_expect_eq(weyl_basis_solve(in, in, &o, &b), WEYL_EINVAL);
    cr_expect(strstr(weyl_status_last_error(), "overflow") != NULL, "%s",
              weyl_status_last_error());
  }
  weyl_rep_free(in);
  weyl_group_free(g);
}
