/* The stabiliser path (permutation rep times a small rep) against character
 * counts, the dense path and plain-loop residuals. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "fixtures.h"
#include "helpers.h"
#include "weyl/repfile.h"

static weyl_basis *solve(const weyl_rep *in, const weyl_rep *out, weyl_basis_solver solver) {
  weyl_basis_opts o = {.solver = solver};
  weyl_basis *b = NULL;
  cr_assert_eq(weyl_basis_solve(in, out, &o, &b), WEYL_OK, "%s", weyl_status_last_error());
  return b;
}

static weyl_group *hex_group(int n) {
  char path[512];
  snprintf(path, sizeof path, "%s/p6m_hex%d.rep", WEYL_REPS_DIR, n);
  weyl_group *g = NULL;
  cr_assert_eq(weyl_repfile_load(path, &g), WEYL_OK, "%s", weyl_status_last_error());
  return g;
}

/* dim Hom(pts (x) vec^a, pts (x) vec^b) for p6m on the n x n hexagonal torus
 * by characters: (1/|G|) sum_g fix(g)^2 tr(L)^(a+b), g = (x -> L x + t),
 * fix(g) the points of (Z/n)^2 it fixes, tr(L) the character of vec (the
 * trace of L in lattice coordinates equals that of the rotation). The 12
 * linear parts are the closure of r = [[0,-1],[1,1]] and m = [[1,1],[0,-1]]. */
static long hex_count(int n, int a, int b) {
  int L[12][4] = {{1, 0, 0, 1}}, nl = 1;
  const int gens[2][4] = {{0, -1, 1, 1}, {1, 1, 0, -1}};
  for (int i = 0; i < nl; i++)
    for (int k = 0; k < 2; k++) {
      const int *x = L[i], *y = gens[k];
      int p[4] = {y[0] * x[0] + y[1] * x[2], y[0] * x[1] + y[1] * x[3],
                  y[2] * x[0] + y[3] * x[2], y[2] * x[1] + y[3] * x[3]};
      int seen = 0;
      for (int j = 0; j < nl; j++) seen |= !memcmp(L[j], p, sizeof p);
      if (!seen) memcpy(L[nl++], p, sizeof p);
    }
  cr_assert_eq(nl, 12);
  long sum = 0;
  for (int l = 0; l < 12; l++)
    for (int t0 = 0; t0 < n; t0++)
      for (int t1 = 0; t1 < n; t1++) {
        long fix = 0;
        for (int x0 = 0; x0 < n; x0++)
          for (int x1 = 0; x1 < n; x1++) {
            int y0 = L[l][0] * x0 + L[l][1] * x1 + t0, y1 = L[l][2] * x0 + L[l][3] * x1 + t1;
            fix += ((y0 - x0) % n + n) % n == 0 && ((y1 - x1) % n + n) % n == 0;
          }
        long chi = 1;
        for (int e = 0; e < a + b; e++) chi *= L[l][0] + L[l][3];
        sum += fix * fix * chi;
      }
  cr_assert_eq(sum % (12L * n * n), 0);
  return sum / (12L * n * n);
}

static void expect_hex(int n, const char *in_expr, const char *out_expr, int a, int b) {
  weyl_group *g = hex_group(n);
  weyl_rep *in = parse(g, in_expr), *out = parse(g, out_expr);
  weyl_basis *s = solve(in, out, WEYL_BASIS_SOLVER_AUTO);
  long known = hex_count(n, a, b);
  cr_assert_eq(weyl_basis_dim(s), known, "n=%d %s -> %s: %d, characters %ld", n, in_expr,
               out_expr, weyl_basis_dim(s), known);
  weyl_basis_block_info info;
  cr_assert_eq(weyl_basis_block_info_get(s, 0, &info), WEYL_OK);
  cr_assert_str_eq(info.path, "stabiliser");
  cr_assert_eq(weyl_basis_report_get(s)->n_stabiliser, 1);
  cr_assert_not(weyl_basis_is_exact(s));
  weyl_basis_free(s);
  weyl_rep_free(in), weyl_rep_free(out);
  weyl_group_free(g);
}

/* The case: 23 maps pts*vec -> pts on the 12x12 torus. */
Test(basis_stab, p6m_hexagonal_torus_dims_match_characters) {
  expect_hex(6, "pts*vec", "pts", 1, 0);
  expect_hex(6, "pts*vec", "pts*vec", 1, 1);
  expect_hex(12, "pts*vec", "pts", 1, 0);
  expect_hex(12, "pts*vec", "pts*vec", 1, 1);
  expect_hex(6, "vec*pts", "pts*vec*vec", 1, 2); /* fibre-major order on one side */
  expect_hex(6, "(pts*vec).T", "pts", 1, 0);     /* vec is orthogonal: its dual is itself */
}

/* Same dimension as the dense path, each basis in the other's span, every
 * element unit and equivariant by plain loops. */
static void expect_same_space(weyl_group *g, const char *in_expr, const char *out_expr) {
  weyl_rep *in = parse(g, in_expr), *out = parse(g, out_expr);
  weyl_basis *st = solve(in, out, WEYL_BASIS_SOLVER_STABILISER),
             *de = solve(in, out, WEYL_BASIS_SOLVER_DENSE);
  size_t n = (size_t)weyl_rep_dim(in) * weyl_rep_dim(out);
  int dim = weyl_basis_dim(st);
  cr_assert_eq(dim, weyl_basis_dim(de), "%s -> %s: stabiliser %d, dense %d", in_expr, out_expr,
               dim, weyl_basis_dim(de));
  double *S = basis_elements(st, n), *D = basis_elements(de, n);
  for (int k = 0; k < dim; k++) {
    cr_assert_lt(fabs(ref_norm(S + k * n, n) - 1), 1e-12, "element %d not unit", k);
    cr_assert_lt(ref_distance_to_span(D, dim, S + k * n, n), 1e-10, "%s -> %s: %d not in dense",
                 in_expr, out_expr, k);
    cr_assert_lt(ref_distance_to_span(S, dim, D + k * n, n), 1e-10, "dense %d not in span", k);
    cr_assert_lt(ref_residual(in, out, S + k * n), 1e-12, "element %d not equivariant", k);
  }
  free(S), free(D);
  weyl_basis_free(st), weyl_basis_free(de);
  weyl_rep_free(in), weyl_rep_free(out);
}

/* p6m on the n x n hexagonal torus as .rep text, written here from the
 * lattice maps (independently of reps/p6m_hex.py): r (a, b) -> (-b, a + b),
 * m (a, b) -> (a + b, -b). */
static weyl_group *hex_group_text(int n) {
  char text[8192];
  int len = snprintf(text, sizeof text, "group hex\ngenerators tx ty r m\nrep pts %d\n", n * n);
  const int maps[4][6] = {{1, 0, 0, 1, 1, 0}, {1, 0, 0, 1, 0, 1}, {0, -1, 1, 1, 0, 0},
                          {1, 1, 0, -1, 0, 0}}; /* linear part, translation */
  const char *names[] = {"tx", "ty", "r", "m"};
  for (int k = 0; k < 4; k++) {
    len += snprintf(text + len, sizeof text - len, "%s perm", names[k]);
    for (int a = 0; a < n; a++)
      for (int b = 0; b < n; b++) {
        const int *f = maps[k];
        int u = ((f[0] * a + f[1] * b + f[4]) % n + n) % n;
        int v = ((f[2] * a + f[3] * b + f[5]) % n + n) % n;
        len += snprintf(text + len, sizeof text - len, " %d", u * n + v);
      }
    len += snprintf(text + len, sizeof text - len, "\n");
  }
  len += snprintf(text + len, sizeof text - len,
                  "rep vec 2\ntx identity\nty identity\n"
                  "r matrix 0.5 -sqrt(3)/2 sqrt(3)/2 0.5\nm matrix 1 0 0 -1\n");
  weyl_group *g = NULL;
  cr_assert_eq(weyl_repfile_parse(text, (size_t)len, "hex", &g), WEYL_OK, "%s",
               weyl_status_last_error());
  return g;
}

Test(basis_stab, agrees_with_dense_on_small_hexagonal_tori) {
  for (int n = 2; n <= 3; n++) {
    weyl_group *g = hex_group_text(n);
    expect_same_space(g, "pts*vec", "pts*vec");
    expect_same_space(g, "vec*pts", "pts");
    expect_same_space(g, "pts", "vec*pts*vec");
    weyl_group_free(g);
  }
}

/* Random dihedral cases: D(n) on its n vertices times rotation reps of
 * random frequencies, in both index orders, with duals and products of
 * fibres. */
Test(basis_stab, agrees_with_dense_on_random_dihedral_fields) {
  unsigned long long seed = 0x5eedULL;
  const char *forms[][2] = {{"V*rot(%d)", "V*rot(%d)"},      {"rot(%d)*V", "V"},
                            {"V", "V*rot(%d)*rot(%d)"},      {"(V*rot(%d)).T", "rot(%d)*V"},
                            {"V*V", "V*rot(%d)"},             {"regular*rot(%d)", "V"}};
  int cases = test_cases(24);
  for (int c = 0; c < cases; c++) {
    int n = 3 + (int)((ref_rand(&seed) + 1) * 3.5); /* 3 .. 9 */
    int k1 = 1 + (int)((ref_rand(&seed) + 1) * 2), k2 = 1 + (int)((ref_rand(&seed) + 1) * 2);
    const char **form = forms[c % 6];
    char in[64], out[64], name[16];
    snprintf(in, sizeof in, form[0], k1, k2);
    snprintf(out, sizeof out, form[1], k2, k1);
    snprintf(name, sizeof name, "D(%d)", n);
    weyl_group *g = builtin(name);
    expect_same_space(g, in, out);
    weyl_group_free(g);
  }
}

Test(basis_stab, refuses_what_it_cannot_solve) {
  weyl_group *g = builtin("SO(3)");
  weyl_rep *v = parse(g, "V");
  weyl_basis_opts o = {.solver = WEYL_BASIS_SOLVER_STABILISER};
  weyl_basis *b = NULL;
  cr_assert_eq(weyl_basis_solve(v, v, &o, &b), WEYL_EINVAL);
  cr_assert_null(b);
  cr_assert(strstr(weyl_status_last_error(), "stabiliser"), "%s", weyl_status_last_error());
  weyl_rep_free(v);
  weyl_group_free(g);
  g = builtin("D(5)");
  weyl_rep *w = parse(g, "V*V"); /* both permutation reps: the orbit path's */
  cr_assert_eq(weyl_basis_solve(w, w, &o, &b), WEYL_EINVAL);
  weyl_rep_free(w);
  weyl_group_free(g);
}
