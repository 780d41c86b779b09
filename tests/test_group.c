/* Tests of the built-in group catalogue and of finite-group enumeration.
 * Every check compares with a fact known independently of the code: group
 * orders from the textbook, defining identities of the Lie algebras, ranks
 * from LAPACK, relations of the dihedral group, geometry of the n-gon. */
#include <criterion/criterion.h>
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "group/group_impl.h"
#include "helpers.h"
#include "weyl/group.h"

#define PI 3.14159265358979323846 /* M_PI is POSIX, not C11 */

static weyl_group *builtin(const char *name) {
  weyl_group *g = NULL;
  weyl_status s = weyl_group_builtin(name, &g);
  cr_assert_eq(s, WEYL_OK, "%s: %s", name, weyl_status_last_error());
  cr_assert_not_null(g);
  return g;
}

static long order_of(const char *name) {
  weyl_group *g = builtin(name);
  long order = 0;
  weyl_status s = weyl_group_order(g, 0, &order);
  cr_assert_eq(s, WEYL_OK, "%s: %s", name, weyl_status_last_error());
  weyl_group_free(g);
  return order;
}

/* ---- dense helpers, independent of the library ----------------------------- */

/* Dense matrix of an action (perm: P[perm[i]][i] = 1; NULL: identity or zero). */
static double *dense_of(const weyl_action *a, int d, int discrete) {
  double *m = calloc((size_t)d * d, sizeof *m);
  cr_assert_not_null(m);
  if (a->mat)
    memcpy(m, a->mat, (size_t)d * d * sizeof *m);
  else if (a->perm)
    for (int i = 0; i < d; i++) m[a->perm[i] * d + i] = 1.0;
  else if (discrete)
    for (int i = 0; i < d; i++) m[i * d + i] = 1.0;
  return m;
}

/* c = a b, all n x n. */
static void matmul(const double *a, const double *b, double *c, int n) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      double s = 0;
      for (int k = 0; k < n; k++) s += a[i * n + k] * b[k * n + j];
      c[i * n + j] = s;
    }
}

static void transpose(const double *a, double *t, int n) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) t[j * n + i] = a[i * n + j];
}

/* max |A^T M + M A| for the bilinear form M (n x n). */
static double form_defect(const double *a, const double *m, int n) {
  double *at = malloc(sizeof(double) * n * n), *x = malloc(sizeof(double) * n * n),
         *y = malloc(sizeof(double) * n * n);
  transpose(a, at, n);
  matmul(at, m, x, n);
  matmul(m, a, y, n);
  double worst = 0;
  for (int i = 0; i < n * n; i++) worst = fmax(worst, fabs(x[i] + y[i]));
  free(at), free(x), free(y);
  return worst;
}

/* max |H^T M H - M| for a discrete generator H. */
static double form_change(const double *h, const double *m, int n) {
  double *ht = malloc(sizeof(double) * n * n), *x = malloc(sizeof(double) * n * n),
         *y = malloc(sizeof(double) * n * n);
  transpose(h, ht, n);
  matmul(ht, m, x, n);
  matmul(x, h, y, n);
  double worst = ref_max_diff(y, m, n * n);
  free(ht), free(x), free(y);
  return worst;
}

static double *diag(int n, const double *entries) {
  double *m = calloc((size_t)n * n, sizeof *m);
  for (int i = 0; i < n; i++) m[i * n + i] = entries[i];
  return m;
}

static double *eye(int n) {
  double *m = calloc((size_t)n * n, sizeof *m);
  for (int i = 0; i < n; i++) m[i * n + i] = 1.0;
  return m;
}

/* J = [[0, I], [-I, 0]] of size 2n. */
static double *symplectic_form(int n) {
  int m = 2 * n;
  double *j = calloc((size_t)m * m, sizeof *j);
  for (int i = 0; i < n; i++) {
    j[i * m + n + i] = 1.0;
    j[(n + i) * m + i] = -1.0;
  }
  return j;
}

/* Numerical rank of the algebra generators of V, stacked as rows of length
 * d^2, from the singular values (LAPACKE_dgesdd). */
static int algebra_rank(const weyl_group *g) {
  int d = g->leaves[0].dim, na = g->n_alg, len = d * d;
  double *a = malloc(sizeof(double) * na * len);
  for (int k = 0; k < na; k++) {
    double *m = dense_of(&g->leaves[0].alg[k], d, 0);
    memcpy(a + (size_t)k * len, m, sizeof(double) * len);
    free(m);
  }
  int ns = na < len ? na : len;
  double *sv = malloc(sizeof(double) * (ns + 1));
  /* The row-major na x len stack is the column-major len x na matrix. */
  lapack_int info =
      LAPACKE_dgesdd(LAPACK_COL_MAJOR, 'N', len, na, a, len, sv, NULL, 1, NULL, 1);
  cr_assert_eq(info, 0, "dgesdd info %d", (int)info);
  int rank = 0;
  for (int i = 0; i < ns; i++) rank += sv[i] > 1e-10 * sv[0];
  free(a), free(sv);
  return rank;
}

/* ---- orders ----------------------------------------------------------------- */

Test(group_order, cyclic_group_has_n_elements) {
  char name[32];
  for (int n = 1; n <= 12; n++) {
    snprintf(name, sizeof name, "Z(%d)", n);
    cr_expect_eq(order_of(name), n, "%s", name);
  }
  cr_expect_eq(order_of("Z(4096)"), 4096);
}

Test(group_order, dihedral_group_has_2n_elements) {
  char name[32];
  for (int n = 1; n <= 12; n++) { /* D(1), D(2) included: the n-gon alone misses half */
    snprintf(name, sizeof name, "D(%d)", n);
    cr_expect_eq(order_of(name), 2 * n, "%s", name);
  }
}

Test(group_order, symmetric_group_has_n_factorial_elements) {
  static const long fact[] = {1, 1, 2, 6, 24, 120, 720, 5040};
  char name[32];
  for (int n = 1; n <= 7; n++) {
    snprintf(name, sizeof name, "S(%d)", n);
    cr_expect_eq(order_of(name), fact[n], "%s", name);
  }
}

Test(group_order, product_order_is_product_of_orders) {
  cr_expect_eq(order_of("S(4) x Z(3)"), 72);
  cr_expect_eq(order_of("D(2) x Z(2)"), 8);
  cr_expect_eq(order_of("Z(2) x Z(3) x D(5)"), 60);
  cr_expect_eq(order_of("Z(3) x O(1)"), 6); /* O(1) = {+1, -1} acts densely */
}

Test(group_order, trivial_and_reflection_groups) {
  cr_expect_eq(order_of("SO(1)"), 1);
  cr_expect_eq(order_of("O(1)"), 2);
}

Test(group_order, groups_with_algebra_are_infinite) {
  static const char *names[] = {"SO(3)", "O(1,3)", "SO(2)", "Sp(4)", "Z(3) x SO(2)"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    weyl_group *g = builtin(names[i]);
    long order = -1;
    cr_expect_eq(weyl_group_order(g, 0, &order), WEYL_EINVAL, "%s", names[i]);
    cr_expect(strstr(weyl_status_last_error(), "infinite") != NULL, "%s", weyl_status_last_error());
    weyl_group_free(g);
  }
}

Test(group_order, limit_is_enforced_without_partial_cache) {
  weyl_group *g = builtin("S(9)"); /* 362880 elements */
  long order = 0;
  cr_assert_eq(weyl_group_order(g, 1000, &order), WEYL_ELIMIT);
  cr_expect(strstr(weyl_status_last_error(), "S(9)") != NULL, "%s", weyl_status_last_error());
  cr_expect(strstr(weyl_status_last_error(), "1000") != NULL, "%s", weyl_status_last_error());
  cr_expect_eq(g->order, 0);
  cr_expect_null(g->regular_perm);
  cr_expect_eq(weyl_group_order(g, 0, &order), WEYL_ELIMIT); /* default 20000 */
  weyl_group_free(g);
}

Test(group_order, limit_equal_to_order_is_allowed) {
  weyl_group *g = builtin("S(4)");
  long order = 0;
  cr_expect_eq(weyl_group_order(g, 23, &order), WEYL_ELIMIT);
  cr_assert_eq(weyl_group_order(g, 24, &order), WEYL_OK, "%s", weyl_status_last_error());
  cr_expect_eq(order, 24);
  cr_expect_eq(weyl_group_order(g, 24, &order), WEYL_OK); /* from the cache */
  cr_expect_eq(order, 24);
  weyl_group_free(g);
}

/* Rebuilds every element as a permutation of V by walking regular_perm from
 * element 0 (the identity) and checks that regular_perm[k][i] is h_k g_i,
 * composed directly, and that the elements are distinct (V is faithful). */
static void check_left_action(const char *name) {
  weyl_group *g = builtin(name);
  long order = 0;
  cr_assert_eq(weyl_group_order(g, 0, &order), WEYL_OK, "%s", weyl_status_last_error());
  int d = g->leaves[0].dim;
  int *elem = malloc(sizeof(int) * order * d);
  char *known = calloc((size_t)order, 1);
  for (int i = 0; i < d; i++) elem[i] = i;
  known[0] = 1;
  int *next = malloc(sizeof(int) * d);
  for (int changed = 1; changed;) { /* sweep until every reachable element is known */
    changed = 0;
    for (long i = 0; i < order; i++) {
      if (!known[i]) continue;
      for (int k = 0; k < g->n_disc; k++) {
        const int *h = g->leaves[0].disc[k].perm;
        for (int x = 0; x < d; x++) next[x] = h ? h[elem[i * d + x]] : elem[i * d + x];
        long j = g->regular_perm[k][i];
        cr_assert(j >= 0 && j < order);
        if (!known[j]) memcpy(elem + j * d, next, sizeof(int) * d), known[j] = changed = 1;
        cr_assert(memcmp(elem + j * d, next, sizeof(int) * d) == 0,
                  "%s: regular_perm[%d][%ld] is not h g", name, k, i);
      }
    }
  }
  for (long i = 0; i < order; i++) cr_assert(known[i], "%s: element %ld unreachable", name, i);
  for (long i = 0; i < order; i++)
    for (long j = i + 1; j < order; j++)
      cr_assert(memcmp(elem + i * d, elem + j * d, sizeof(int) * d) != 0, "%s: duplicate",
                name);
  free(elem), free(known), free(next);
  weyl_group_free(g);
}

Test(group_order, regular_perm_is_the_left_action) {
  check_left_action("Z(5)");
  check_left_action("S(4)");
  check_left_action("D(6)");
}

Test(group_order, regular_perm_rows_are_permutations) {
  static const char *names[] = {"Z(7)", "D(5)", "S(5)", "S(3) x Z(2)", "D(2)", "O(1) x Z(2)"};
  for (size_t t = 0; t < sizeof names / sizeof *names; t++) {
    weyl_group *g = builtin(names[t]);
    long order = 0;
    cr_assert_eq(weyl_group_order(g, 0, &order), WEYL_OK, "%s", weyl_status_last_error());
    cr_assert(order > 0 && order <= WEYL_GROUP_DEFAULT_MAX_ORDER);
    size_t n = (size_t)order & 0xffffff; /* bounded above; tells the compiler */
    char *seen = malloc(n);
    for (int k = 0; k < g->n_disc; k++) {
      memset(seen, 0, n);
      for (long i = 0; i < order; i++) seen[g->regular_perm[k][i]]++;
      for (long i = 0; i < order; i++) cr_expect_eq(seen[i], 1, "%s gen %d", names[t], k);
    }
    free(seen);
    weyl_group_free(g);
  }
}

/* A hand-made group: gen = Q diag(R(2pi a/N) for a = 1, 3, 7, 11, 1) Q^T with
 * Q a fixed orthogonal (Householder) matrix, 9-dim and dense, of order N. */
static weyl_group *dense_cyclic(int n) {
  const char *names[] = {"g"};
  weyl_group *g = weyl_group_new("dense", 1, names, 0, NULL);
  weyl_leaf *v = weyl_group_add_leaf(g, "V", 9);
  double blk[81] = {0}, q[81], t[81], u[9], nu = 0;
  static const int freq[] = {1, 3, 7, 11};
  for (int b = 0; b < 4; b++) {
    double a = 2 * PI * freq[b] / n, c = cos(a), s = sin(a);
    int o = 2 * b;
    blk[o * 9 + o] = c, blk[o * 9 + o + 1] = -s, blk[(o + 1) * 9 + o] = s,
                blk[(o + 1) * 9 + o + 1] = c;
  }
  blk[80] = 1;
  for (int i = 0; i < 9; i++) u[i] = sin(1.0 + 2.0 * i), nu += u[i] * u[i];
  for (int i = 0; i < 9; i++)
    for (int j = 0; j < 9; j++) q[i * 9 + j] = (i == j) - 2 * u[i] * u[j] / nu;
  matmul(q, blk, t, 9);
  v->disc[0].mat = malloc(sizeof(double) * 81);
  matmul(t, q, v->disc[0].mat, 9); /* Q is symmetric, Q^T = Q */
  return g;
}

Test(group_order, dense_9dim_group_of_order_20000) {
  weyl_group *g = dense_cyclic(20000);
  long order = 0;
  cr_assert_eq(weyl_group_order(g, 0, &order), WEYL_OK, "%s", weyl_status_last_error());
  cr_expect_eq(order, 20000);
  weyl_group_free(g);
}

/* The signed permutation matrices of 3 points (hyperoctahedral group, order
 * 2^3 3! = 48), given by a dense 3-cycle, a dense swap and a sign flip. */
Test(group_order, signed_permutations_of_3_points_number_48) {
  const char *names[] = {"c", "s", "m"};
  weyl_group *g = weyl_group_new("B3", 3, names, 0, NULL);
  weyl_leaf *v = weyl_group_add_leaf(g, "V", 3);
  static const double c[9] = {0, 0, 1, 1, 0, 0, 0, 1, 0}, s[9] = {0, 1, 0, 1, 0, 0, 0, 0, 1},
                      m[9] = {-1, 0, 0, 0, 1, 0, 0, 0, 1};
  const double *src[3] = {c, s, m};
  for (int k = 0; k < 3; k++) {
    v->disc[k].mat = malloc(sizeof(double) * 9);
    memcpy(v->disc[k].mat, src[k], sizeof(double) * 9);
  }
  long order = 0;
  cr_assert_eq(weyl_group_order(g, 0, &order), WEYL_OK, "%s", weyl_status_last_error());
  cr_expect_eq(order, 48);
  weyl_group_free(g);
}

/* ---- Lie algebras ------------------------------------------------------------ */

static void check_algebra(const char *name, const double *form, int count) {
  weyl_group *g = builtin(name);
  int d = g->leaves[0].dim;
  cr_expect_eq(g->n_alg, count, "%s has %d generators", name, g->n_alg);
  for (int k = 0; k < g->n_alg; k++) {
    double *a = dense_of(&g->leaves[0].alg[k], d, 0);
    cr_expect_lt(form_defect(a, form, d), 1e-12, "%s generator %s", name, g->alg_names[k]);
    free(a);
  }
  if (g->n_alg > 0) cr_expect_eq(algebra_rank(g), count, "%s generators dependent", name);
  weyl_group_free(g);
}

Test(group_algebra, so_n_is_antisymmetric_of_dimension_n_choose_2) {
  char name[32];
  for (int n = 1; n <= 12; n++) {
    double *id = eye(n);
    snprintf(name, sizeof name, "SO(%d)", n);
    check_algebra(name, id, n * (n - 1) / 2);
    snprintf(name, sizeof name, "O(%d)", n);
    check_algebra(name, id, n * (n - 1) / 2);
    free(id);
  }
}

Test(group_algebra, lorentz_generators_preserve_minkowski_metric) {
  static const double eta_d[4] = {-1, 1, 1, 1};
  double *eta = diag(4, eta_d);
  check_algebra("SO(1,3)", eta, 6);
  check_algebra("O(1,3)", eta, 6);
  free(eta);
}

Test(group_algebra, sp_2n_preserves_J_with_dimension_n_2n_plus_1) {
  char name[32];
  for (int n = 1; n <= 6; n++) {
    double *j = symplectic_form(n);
    snprintf(name, sizeof name, "Sp(%d)", 2 * n);
    check_algebra(name, j, n * (2 * n + 1));
    free(j);
  }
}

Test(group_algebra, orthogonal_discrete_generators_are_orthogonal_reflections) {
  char name[32];
  for (int n = 1; n <= 6; n++) {
    snprintf(name, sizeof name, "O(%d)", n);
    weyl_group *g = builtin(name);
    double *id = eye(n);
    cr_assert_eq(g->n_disc, 1);
    double *p = dense_of(&g->leaves[0].disc[0], n, 1);
    cr_expect_lt(form_change(p, id, n), 1e-15, "%s", name);
    double det = 1; /* P is diagonal here; a reflection has determinant -1 */
    for (int i = 0; i < n; i++) det *= p[i * n + i];
    cr_expect_eq(det, -1.0, "%s", name);
    free(p), free(id);
    weyl_group_free(g);
  }
}

Test(group_algebra, lorentz_parity_and_time_reversal_preserve_eta) {
  static const double eta_d[4] = {-1, 1, 1, 1};
  double *eta = diag(4, eta_d);
  weyl_group *g = builtin("O(1,3)");
  cr_assert_eq(g->n_disc, 2);
  for (int k = 0; k < 2; k++) {
    double *h = dense_of(&g->leaves[0].disc[k], 4, 1);
    cr_expect_lt(form_change(h, eta, 4), 1e-15, "generator %s", g->disc_names[k]);
    double *id = eye(4);
    cr_expect_gt(ref_max_diff(h, id, 16), 0.5, "generator %s is the identity",
                 g->disc_names[k]);
    free(h), free(id);
  }
  free(eta);
  weyl_group_free(g);
}

Test(group_algebra, so1_is_trivial_but_not_empty) {
  weyl_group *g = builtin("SO(1)");
  cr_expect_eq(g->n_alg, 0);
  cr_expect_eq(g->n_disc, 1);
  weyl_group_free(g);
}

/* ---- dihedral relations and geometry ------------------------------------------ */

static void compose(const int *h, const int *g, int *out, int n) { /* out = h o g */
  for (int i = 0; i < n; i++) out[i] = h[g[i]];
}

static int is_identity(const int *p, int n) {
  for (int i = 0; i < n; i++)
    if (p[i] != i) return 0;
  return 1;
}

Test(group_dihedral, relations_r_n_f_2_frf_rinv) {
  char name[32];
  for (int n = 3; n <= 9; n++) {
    snprintf(name, sizeof name, "D(%d)", n);
    weyl_group *g = builtin(name);
    const int *r = g->leaves[0].disc[0].perm, *f = g->leaves[0].disc[1].perm;
    if (!r || !f) { /* (the continue only tells cppcheck that cr_assert_fail stops) */
      cr_assert_fail("%s: V is not a permutation rep", name);
      continue;
    }
    int x[16], y[16], rinv[16];
    memcpy(x, r, sizeof(int) * n);
    for (int k = 1; k < n; k++) {
      cr_expect(!is_identity(x, n), "%s: r^%d = e", name, k);
      compose(r, x, y, n), memcpy(x, y, sizeof(int) * n);
    }
    cr_expect(is_identity(x, n), "%s: r^n != e", name);
    compose(f, f, y, n);
    cr_expect(is_identity(y, n), "%s: f^2 != e", name);
    for (int i = 0; i < n; i++) rinv[r[i]] = i;
    compose(r, f, x, n), compose(f, x, y, n);
    cr_expect(memcmp(y, rinv, sizeof(int) * n) == 0, "%s: f r f != r^-1", name);
    weyl_group_free(g);
  }
}

/* C = vertex coordinates (column i = (cos, sin)(2 pi i/n)) intertwines V and
 * rot(1): rot(h) C = C V(h) for every generator h. */
Test(group_dihedral, ngon_vertices_intertwine_V_and_rot1) {
  static const char *names[] = {"Z(5)", "D(6)", "D(3)", "Z(8)"};
  for (size_t t = 0; t < sizeof names / sizeof *names; t++) {
    weyl_group *g = builtin(names[t]);
    int n = g->leaves[0].dim;
    for (int k = 0; k < g->n_disc; k++) {
      double rot[4];
      cr_assert_eq(weyl_group_rot_action(g, 0, 1, 1, k, rot), WEYL_OK, "%s", weyl_status_last_error());
      const int *p = g->leaves[0].disc[k].perm;
      for (int i = 0; i < n; i++) { /* C V e_i = C e_{p(i)} */
        double a = 2 * PI * i / n, b = 2 * PI * p[i] / n;
        double x = rot[0] * cos(a) + rot[1] * sin(a), y = rot[2] * cos(a) + rot[3] * sin(a);
        cr_expect_lt(fabs(x - cos(b)) + fabs(y - sin(b)), 1e-12, "%s gen %d vertex %d",
                     names[t], k, i);
      }
    }
    weyl_group_free(g);
  }
}

Test(group_dihedral, so2_and_o2_V_is_rot1) {
  static const char *names[] = {"SO(2)", "O(2)"};
  for (int t = 0; t < 2; t++) {
    weyl_group *g = builtin(names[t]);
    double rot[4];
    for (int k = 0; k < g->n_alg; k++) {
      cr_assert_eq(weyl_group_rot_action(g, 0, 1, 0, k, rot), WEYL_OK);
      double *a = dense_of(&g->leaves[0].alg[k], 2, 0);
      cr_expect_lt(ref_max_diff(a, rot, 4), 1e-15, "%s", names[t]);
      free(a);
    }
    for (int k = 0; k < g->n_disc; k++) {
      cr_assert_eq(weyl_group_rot_action(g, 0, 1, 1, k, rot), WEYL_OK);
      double *h = dense_of(&g->leaves[0].disc[k], 2, 1);
      cr_expect_lt(ref_max_diff(h, rot, 4), 1e-15, "%s", names[t]);
      free(h);
    }
    weyl_group_free(g);
  }
}

/* ---- rot_action ---------------------------------------------------------------- */

Test(group_rot, z4_freq1_is_quarter_turn) {
  weyl_group *g = builtin("Z(4)");
  double m[4];
  cr_assert_eq(weyl_group_rot_action(g, 0, 1, 1, 0, m), WEYL_OK);
  static const double want[4] = {0, -1, 1, 0};
  cr_expect_lt(ref_max_diff(m, want, 4), 1e-15);
  weyl_group_free(g);
}

Test(group_rot, nth_power_of_generator_is_identity) {
  char name[32];
  for (int n = 3; n <= 8; n++) {
    snprintf(name, sizeof name, "Z(%d)", n);
    weyl_group *g = builtin(name);
    for (int freq = 1; freq <= 3; freq++) {
      double m[4], p[4] = {1, 0, 0, 1}, t[4];
      cr_assert_eq(weyl_group_rot_action(g, 0, freq, 1, 0, m), WEYL_OK);
      for (int k = 0; k < n; k++) matmul(m, p, t, 2), memcpy(p, t, sizeof t);
      static const double id[4] = {1, 0, 0, 1};
      cr_expect_lt(ref_max_diff(p, id, 4), 1e-12, "%s freq %d", name, freq);
      if (n % freq != 0 || freq == 1) /* then rot(freq) has order exactly n */
        cr_expect_gt(ref_max_diff(m, id, 4), 1e-3, "%s freq %d", name, freq);
    }
    weyl_group_free(g);
  }
}

Test(group_rot, dihedral_and_o2_reflection_is_diag_1_minus1) {
  static const double want[4] = {1, 0, 0, -1};
  double m[4];
  weyl_group *d = builtin("D(5)"), *o = builtin("O(2)"), *s = builtin("SO(2)");
  cr_assert_eq(weyl_group_rot_action(d, 0, 2, 1, 1, m), WEYL_OK);
  cr_expect_lt(ref_max_diff(m, want, 4), 1e-15);
  cr_assert_eq(weyl_group_rot_action(o, 0, 3, 1, 0, m), WEYL_OK);
  cr_expect_lt(ref_max_diff(m, want, 4), 1e-15);
  cr_assert_eq(weyl_group_rot_action(s, 0, 3, 0, 0, m), WEYL_OK);
  static const double gen3[4] = {0, -3, 3, 0};
  cr_expect_lt(ref_max_diff(m, gen3, 4), 1e-15);
  cr_expect_eq(weyl_group_rot_action(s, 0, 1, 1, 0, m), WEYL_EINVAL); /* no discrete gen */
  cr_expect_eq(weyl_group_rot_action(d, 0, 1, 1, 2, m), WEYL_EINVAL);
  weyl_group_free(d), weyl_group_free(o), weyl_group_free(s);
}

Test(group_rot, groups_without_rotation_family_fail) {
  static const char *names[] = {"S(3)", "SO(3)", "S(3) x SO(3)"};
  for (int t = 0; t < 3; t++) {
    weyl_group *g = builtin(names[t]);
    double m[4];
    cr_expect_eq(weyl_group_rot_action(g, 0, 1, 1, 0, m), WEYL_EINVAL, "%s", names[t]);
    cr_expect(strstr(weyl_status_last_error(), names[t]) != NULL, "%s", weyl_status_last_error());
    weyl_group_free(g);
  }
}

/* ---- names and products ------------------------------------------------------- */

Test(group_names, bad_names_are_rejected_with_the_name_in_the_message) {
  static const char *names[] = {"Z(0)",  "Z(x)",    "Foo(3)", "SO(1,2)", "Sp(3)", "Z(3) x",
                                "",      "Z(3",     "Z(3))",  "x Z(3)",  "Z()",   "Z(3) y Z(2)",
                                "Z(-3)", "SO(3,1)", "Sp(0)",  "Z(3,4)"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    weyl_group *g = (weyl_group *)&g; /* must be reset to NULL */
    weyl_status s = weyl_group_builtin(names[i], &g);
    cr_expect_eq(s, WEYL_EPARSE, "'%s' gave %d", names[i], s);
    cr_expect_null(g, "'%s'", names[i]);
    char quoted[64];
    snprintf(quoted, sizeof quoted, "'%s'", names[i]);
    cr_expect(strstr(weyl_status_last_error(), quoted) != NULL, "'%s': %s", names[i],
              weyl_status_last_error());
  }
}

Test(group_names, sizes_past_the_limits_are_elimit) {
  static const char *names[] = {"Z(4097)",        "D(5000)",          "S(99999999999999999999)",
                                "SO(65)",         "O(100)",           "Sp(66)",
                                "Z(3) x S(4097)", "Z(4000) x Z(4000)"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    weyl_group *g = NULL;
    cr_expect_eq(weyl_group_builtin(names[i], &g), WEYL_ELIMIT, "'%s'", names[i]);
    cr_expect_null(g);
    cr_expect(strstr(weyl_status_last_error(), names[i]) != NULL, "%s", weyl_status_last_error());
  }
}

Test(group_names, limits_themselves_are_accepted) {
  static const char *names[] = {"Z(4096)", "D(4096)", "S(4096)", "SO(64)", "Sp(64)"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) weyl_group_free(builtin(names[i]));
}

Test(group_names, blanks_are_optional_and_labels_canonical) {
  static const char *in[] = {" Z( 8 )x S(3) ", "SO(1, 3)", "Z(8) x S(3) x D(2)", "Sp( 4 )"};
  static const char *want[] = {"Z(8) x S(3)", "SO(1,3)", "Z(8) x S(3) x D(2)", "Sp(4)"};
  for (int i = 0; i < 4; i++) {
    weyl_group *g = builtin(in[i]);
    cr_expect_str_eq(weyl_group_name(g), want[i]);
    cr_expect_str_eq(weyl_group_leaf_name(g, 0), "V");
    weyl_group_free(g);
  }
}

Test(group_names, generator_names) {
  weyl_group *g = builtin("SO(3)");
  cr_expect_str_eq(weyl_group_alg_name(g, 0), "L01");
  cr_expect_str_eq(weyl_group_alg_name(g, 2), "L12");
  weyl_group_free(g);
  g = builtin("Z(3) x SO(2)");
  cr_expect_str_eq(weyl_group_disc_name(g, 0), "1.r");
  cr_expect_str_eq(weyl_group_alg_name(g, 0), "2.L01");
  weyl_group_free(g);
  g = builtin("O(1,3)");
  cr_expect_str_eq(weyl_group_disc_name(g, 0), "P");
  cr_expect_str_eq(weyl_group_disc_name(g, 1), "T");
  weyl_group_free(g);
}

/* The product's V is the block-diagonal sum of the factors' V, and V<i> is
 * factor i's V with the other factors acting trivially. */
Test(group_names, product_V_is_block_sum_of_factor_V) {
  weyl_group *p = builtin("Z(3) x SO(2) x O(1)");
  const char *fn[] = {"Z(3)", "SO(2)", "O(1)"};
  cr_assert_eq(weyl_group_nleaves(p), 5); /* V, V1, V2, V3, O(1)'s det3 */
  cr_expect_str_eq(weyl_group_leaf_name(p, 1), "V1");
  cr_expect_str_eq(weyl_group_leaf_name(p, 3), "V3");
  int total = p->leaves[0].dim, off = 0, dk = 0, ak = 0;
  cr_assert_eq(total, 6);
  for (int f = 0; f < 3; f++) {
    weyl_group *g = builtin(fn[f]);
    int d = g->leaves[0].dim;
    for (int pass = 0; pass < 2; pass++) { /* pass 0: discrete, 1: algebra */
      int n = pass ? g->n_alg : g->n_disc;
      for (int k = 0; k < n; k++) {
        const weyl_action *fa = pass ? &g->leaves[0].alg[k] : &g->leaves[0].disc[k];
        int pk = pass ? ak + k : dk + k;
        const weyl_action *pa = pass ? &p->leaves[0].alg[pk] : &p->leaves[0].disc[pk];
        const weyl_action *va = pass ? &p->leaves[f + 1].alg[pk] : &p->leaves[f + 1].disc[pk];
        double *want = calloc((size_t)total * total, sizeof *want);
        for (int i = 0; !pass && i < total; i++) want[i * total + i] = 1;
        double *blk = dense_of(fa, d, !pass), *got = dense_of(pa, total, !pass),
               *vi = dense_of(va, d, !pass);
        for (int i = 0; i < d; i++)
          for (int j = 0; j < d; j++) want[(off + i) * total + off + j] = blk[i * d + j];
        cr_expect_lt(ref_max_diff(got, want, total * total), 1e-15, "factor %d gen %d", f, k);
        cr_expect_lt(ref_max_diff(vi, blk, d * d), 1e-15, "V%d gen %d", f + 1, k);
        free(want), free(blk), free(got), free(vi);
      }
    }
    for (int k = 0; k < p->n_disc; k++) /* other factors' generators act trivially */
      if (k < dk || k >= dk + g->n_disc)
        cr_expect(!p->leaves[f + 1].disc[k].perm && !p->leaves[f + 1].disc[k].mat);
    off += d, dk += g->n_disc, ak += g->n_alg;
    weyl_group_free(g);
  }
  cr_expect(p->leaves[0].disc[0].perm != NULL, "a permutation block stays a permutation");
  weyl_group_free(p);
}

Test(group_names, null_arguments_are_einval) {
  weyl_group *g = NULL;
  long order;
  cr_expect_eq(weyl_group_builtin(NULL, &g), WEYL_EINVAL);
  cr_expect_eq(weyl_group_builtin("Z(3)", NULL), WEYL_EINVAL);
  cr_expect_eq(weyl_group_order(NULL, 0, &order), WEYL_EINVAL);
}
