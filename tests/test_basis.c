/* The solver against known dimensions and independent computations. */
#include <criterion/criterion.h>

#include "fixtures.h"
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "weyl/repfile.h"

typedef struct {
  weyl_group *g;
  weyl_rep *in, *out;
  weyl_basis *b;
} solved;

static solved solve_with(weyl_group *g, const char *in, const char *out, weyl_basis_solver solver) {
  solved s = {g, NULL, NULL, NULL};
  cr_assert_not_null(g, "group: %s", weyl_status_last_error());
  cr_assert_eq(weyl_rep_parse(g, in, &s.in), WEYL_OK, "%s", weyl_status_last_error());
  cr_assert_eq(weyl_rep_parse(g, out, &s.out), WEYL_OK, "%s", weyl_status_last_error());
  weyl_basis_opts o = {.solver = solver};
  cr_assert_eq(weyl_basis_solve(s.in, s.out, &o, &s.b), WEYL_OK, "%s", weyl_status_last_error());
  return s;
}

static solved solve(const char *group, const char *in, const char *out) {
  return solve_with(builtin(group), in, out, WEYL_BASIS_SOLVER_AUTO);
}

static void release(solved *s) {
  weyl_basis_free(s->b);
  weyl_rep_free(s->in);
  weyl_rep_free(s->out);
  weyl_group_free(s->g);
}

/* Every element satisfies the constraint, checked with plain loops. */
static void assert_equivariant(const solved *s) {
  int no = weyl_rep_dim(s->out), ni = weyl_rep_dim(s->in);
  double *W = malloc(sizeof(double) * no * ni);
  for (int k = 0; k < weyl_basis_dim(s->b); k++) {
    weyl_basis_element(s->b, k, W);
    double r = ref_residual(s->in, s->out, W);
    cr_assert_lt(r, 1e-10, "element %d residual %g", k, r);
  }
  free(W);
}

static void expect_dim(const char *group, const char *in, const char *out, int dim) {
  solved s = solve(group, in, out);
  cr_expect_eq(weyl_basis_dim(s.b), dim, "%s: %s -> %s has dim %d, expected %d", group, in, out,
               weyl_basis_dim(s.b), dim);
  assert_equivariant(&s);
  release(&s);
}

Test(basis, regular_rep_of_Zn_has_n_maps) {
  char name[16];
  for (int n = 2; n <= 12; n++) {
    snprintf(name, sizeof name, "Z(%d)", n);
    expect_dim(name, "regular", "regular", n);
  }
}

/* A matrix commutes with the cyclic shift iff it is circulant: W[i][j] =
 * W[i+1][j+1]. The span has dimension n, as many as circulants. */
Test(basis, circulant_emerges_for_Zn) {
  for (int solver = WEYL_BASIS_SOLVER_ORBIT; solver >= WEYL_BASIS_SOLVER_DENSE; solver--) {
    solved s = solve_with(builtin("Z(7)"), "V", "V", (weyl_basis_solver)solver);
    int n = 7, d = weyl_basis_dim(s.b);
    cr_assert_eq(d, n);
    double theta[7], W[49];
    unsigned long long st = 42;
    for (int k = 0; k < d; k++) theta[k] = ref_rand(&st);
    weyl_basis_combine(s.b, theta, W);
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++)
        cr_assert_float_eq(W[i * n + j], W[((i + 1) % n) * n + (j + 1) % n], 1e-12);
    /* Conversely a random circulant lies in the span: projection keeps it. */
    double c[7], C[49], P[49];
    for (int j = 0; j < n; j++) c[j] = ref_rand(&st);
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) C[i * n + j] = c[((j - i) % n + n) % n];
    weyl_basis_project(s.b, C, P);
    for (int e = 0; e < n * n; e++) cr_assert_float_eq(P[e], C[e], 1e-12);
    release(&s);
  }
}

Test(basis, deepsets_layer_for_Sn_has_two_parameters) {
  for (int n = 2; n <= 7; n++) {
    char name[16];
    snprintf(name, sizeof name, "S(%d)", n);
    expect_dim(name, "V", "V", 2);
  }
}

/* Hom(V(x)V, V(x)V) of S(n) counts set partitions of 4 indices into at most n
 * blocks: Bell(4) = 15 for n >= 4, and 14 for n = 3. */
Test(basis, graph_layer_for_Sn_counts_set_partitions) {
  expect_dim("S(3)", "V*V", "V*V", 14);
  expect_dim("S(4)", "V*V", "V*V", 15);
  expect_dim("S(5)", "V*V", "V*V", 15);
}

Test(basis, orbit_and_svd_solutions_span_the_same_space) {
  solved orbit = solve_with(builtin("S(4)"), "V*V", "V*V", WEYL_BASIS_SOLVER_ORBIT);
  solved dense = solve_with(builtin("S(4)"), "V*V", "V*V", WEYL_BASIS_SOLVER_DENSE);
  cr_assert(weyl_basis_is_exact(orbit.b));
  cr_assert(!weyl_basis_is_exact(dense.b));
  cr_assert_eq(weyl_basis_dim(orbit.b), weyl_basis_dim(dense.b));
  double W[256], P[256];
  for (int k = 0; k < weyl_basis_dim(orbit.b); k++) {
    weyl_basis_element(orbit.b, k, W);
    for (int e = 0; e < 256; e++) cr_assert(W[e] == 0.0 || W[e] == 1.0, "orbit basis is 0/1");
    weyl_basis_project(dense.b, W, P);
    for (int e = 0; e < 256; e++) cr_assert_float_eq(P[e], W[e], 1e-10);
  }
  release(&orbit);
  release(&dense);
}

Test(basis, rotation_groups_match_known_dimensions) {
  expect_dim("SO(2)", "V", "V", 2);
  expect_dim("O(2)", "V", "V", 1);
  expect_dim("SO(3)", "V", "V", 1);
  expect_dim("SO(3)", "V*V", "V*V", 3);
  expect_dim("SO(3)", "V**3", "Scalar", 1);
  expect_dim("O(3)", "V**3", "Scalar", 0);
  expect_dim("O(3)", "V**2", "Scalar", 1);
}

/* The SO(3) invariants of the n-th tensor power of V are counted by the
 * Riordan numbers 1, 0, 1, 1, 3, 6, 15 (OEIS A005043). Rank 6 is checked as
 * Hom(V**3, V**3), the same space reshaped: the structured path, where
 * V**6 -> Scalar would be a 729-unknown dense solve (minutes under valgrind;
 * test_basis_iter compares the two paths on rank-3 tensors). */
Test(basis, so3_tensor_invariants_are_the_riordan_numbers) {
  static const int riordan[] = {1, 0, 1, 1, 3, 6};
  expect_dim("SO(3)", "Scalar", "Scalar", riordan[0]);
  expect_dim("SO(3)", "V", "Scalar", riordan[1]);
  char power[8];
  for (int n = 2; n <= 5; n++) {
    snprintf(power, sizeof power, "V**%d", n);
    expect_dim("SO(3)", power, "Scalar", riordan[n]);
  }
  expect_dim("SO(3)", "V**3", "V**3", 15);
}

Test(basis, lorentz_and_symplectic_forms_are_unique) {
  expect_dim("SO(1,3)", "V*V", "Scalar", 1);
  expect_dim("O(1,3)", "V*V", "Scalar", 1);
  expect_dim("Sp(4)", "V*V", "Scalar", 1);
  expect_dim("Sp(2)", "V*V", "Scalar", 1);
}

/* The invariant of SO(3) on V(x)V(x)V is the Levi-Civita symbol. */
Test(basis, levi_civita_is_the_SO3_invariant_of_V3) {
  solved s = solve("SO(3)", "V**3", "Scalar");
  double *canon = NULL;
  int dim = 0;
  cr_assert_eq(weyl_basis_canonical(s.b, &canon, &dim), WEYL_OK);
  cr_assert_eq(dim, 1);
  double c = canon[0 * 9 + 1 * 3 + 2]; /* epsilon_012 */
  cr_assert(fabs(c) > 0.1);
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      for (int k = 0; k < 3; k++) {
        double eps = (i - j) * (j - k) * (k - i) / 2.0;
        cr_assert_float_eq(canon[i * 9 + j * 3 + k], c * eps, 1e-12);
      }
  weyl_basis_canonical_free(canon);
  release(&s);
}

/* The Lorentz invariant bilinear form is the metric diag(-1, 1, 1, 1). */
Test(basis, lorentz_invariant_is_the_metric) {
  solved s = solve("SO(1,3)", "V*V", "Scalar");
  double W[16];
  weyl_basis_element(s.b, 0, W);
  double c = W[0];
  cr_assert(fabs(c) > 0.1);
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++)
      cr_assert_float_eq(W[i * 4 + j], i != j ? 0.0 : (i == 0 ? c : -c), 1e-12);
  release(&s);
}

Test(basis, d4_pixel_kernel_has_centre_edges_corners) {
  weyl_group *g = NULL;
  cr_assert_eq(weyl_repfile_load(WEYL_REPS_DIR "/d4_pixels.rep", &g), WEYL_OK, "%s",
               weyl_status_last_error());
  solved s = solve_with(g, "Scalar", "V", WEYL_BASIS_SOLVER_AUTO);
  cr_assert_eq(weyl_basis_dim(s.b), 3);
  /* Each element is constant on one of: centre {4}, edges {1,3,5,7}, corners {0,2,6,8}. */
  int cls[9] = {2, 1, 2, 1, 0, 1, 2, 1, 2};
  double W[9];
  for (int k = 0; k < 3; k++) {
    weyl_basis_element(s.b, k, W);
    int c = -1;
    for (int p = 0; p < 9; p++)
      if (W[p] != 0) {
        if (c < 0) c = cls[p];
        cr_assert_eq(cls[p], c, "element %d mixes pixel classes", k);
      }
  }
  weyl_basis_free(s.b);
  weyl_rep_free(s.in);
  weyl_rep_free(s.out);
  s = solve_with(g, "V", "V", WEYL_BASIS_SOLVER_AUTO);
  cr_assert_eq(weyl_basis_dim(s.b), 15);
  release(&s);
}

/* Hom of a direct sum is the direct sum of the Homs, with copies shared. */
Test(basis, direct_sums_split_into_reused_blocks) {
  solved s = solve("SO(3)", "2*Scalar + V + V*V", "Scalar + 2*V");
  /* Scalar->Scalar 1 (x2), V->V 1 (x2), V*V->Scalar 1, V*V->V 1 (x2). */
  cr_assert_eq(weyl_basis_dim(s.b), 2 + 2 + 1 + 2);
  cr_assert_leq(weyl_basis_report_get(s.b)->n_blocks, 6);
  assert_equivariant(&s);
  release(&s);
}

Test(basis, bias_space_is_the_invariant_vectors) {
  weyl_group *g = builtin("S(5)");
  weyl_rep *v = NULL;
  weyl_basis *bias = NULL;
  cr_assert_eq(weyl_rep_parse(g, "V + V*V", &v), WEYL_OK);
  cr_assert_eq(weyl_basis_solve_bias(v, NULL, &bias), WEYL_OK);
  /* constant vector on V; on V(x)V: the diagonal and the off-diagonal */
  cr_assert_eq(weyl_basis_dim(bias), 3);
  cr_assert_eq(weyl_basis_in_dim(bias), 1);
  weyl_basis_free(bias);
  weyl_rep_free(v);
  weyl_group_free(g);
}

Test(basis, projection_is_idempotent_and_equivariant) {
  solved s = solve("SO(3)", "V + V*V", "V*V");
  int n = 3 + 9, m = 9;
  double *W = malloc(sizeof(double) * n * m), *P = malloc(sizeof(double) * n * m);
  double *Q = malloc(sizeof(double) * n * m);
  unsigned long long st = 7;
  for (int e = 0; e < n * m; e++) W[e] = ref_rand(&st);
  weyl_basis_project(s.b, W, P);
  cr_assert_lt(ref_residual(s.in, s.out, P), 1e-12);
  weyl_basis_project(s.b, P, Q);
  for (int e = 0; e < n * m; e++) cr_assert_float_eq(P[e], Q[e], 1e-12);
  double err = 1;
  cr_assert_eq(weyl_basis_equivariance_error(s.in, s.out, P, &err), WEYL_OK);
  cr_assert_lt(err, 1e-12);
  cr_assert_eq(weyl_basis_equivariance_error(s.in, s.out, W, &err), WEYL_OK);
  cr_assert_gt(err, 1e-3, "a random matrix is not equivariant");
  free(W), free(P), free(Q);
  release(&s);
}

/* Exact solutions where one side is zero by Schur's lemma (drho of Scalar,
 * or W drho_in = 0) score rounding, not 1; a W that is not equivariant
 * scores a sizeable fraction of 1. Exactness of the solutions is checked
 * independently with plain loops (ref_residual). */
Test(basis, equivariance_error_is_relative_to_the_terms_not_to_a_zero_side) {
  static const char *const cases[][3] = {
      {"SO(3)", "V**2", "Scalar"}, {"Sp(4)", "V**2", "Scalar"}, {"SO(1,3)", "V**2", "Scalar"},
      {"O(3)", "V**2", "Scalar"},  {"SO(3)", "Scalar", "V**2"}, {"SO(1,3)", "V", "V.T"},
      {"Sp(4)", "V", "V"},         {"O(3)", "V**2", "V"},
  };
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    solved s = solve(cases[c][0], cases[c][1], cases[c][2]);
    int n = weyl_rep_dim(s.in) * weyl_rep_dim(s.out), dim = weyl_basis_dim(s.b);
    double *W = calloc((size_t)n, sizeof *W), *theta = malloc(sizeof(double) * (dim + 1));
    for (int k = 0; k < dim; k++) theta[k] = 1.0 / (k + 1);
    weyl_basis_combine(s.b, theta, W);
    double err = -1;
    if (dim > 0) {
      cr_assert_lt(ref_residual(s.in, s.out, W), 1e-12);
      cr_assert_eq(weyl_basis_equivariance_error(s.in, s.out, W, &err), WEYL_OK);
      cr_expect_lt(err, 1e-12, "%s %s -> %s: exact W scores %g", cases[c][0], cases[c][1],
                   cases[c][2], err);
    }
    unsigned long long st = 11 + c;
    for (int e = 0; e < n; e++) W[e] += ref_rand(&st); /* broken */
    cr_assert_eq(weyl_basis_equivariance_error(s.in, s.out, W, &err), WEYL_OK);
    cr_expect(err > 0.02 && err <= 1.0, "%s %s -> %s: broken W scores %g", cases[c][0],
              cases[c][1], cases[c][2], err);
    free(W), free(theta);
    release(&s);
  }
}

Test(basis, rank_gap_is_reported_for_dense_blocks) {
  solved s = solve("SO(3)", "V*V", "V*V");
  const weyl_basis_report *r = weyl_basis_report_get(s.b);
  cr_assert_eq(r->n_dense, 1);
  cr_assert_lt(r->max_dropped, 1e-12);
  cr_assert_gt(r->min_kept, 1e-3);
  cr_assert_gt(r->min_gap, WEYL_BASIS_SMALL_GAP);
  release(&s);
}

Test(basis, orbit_solver_refuses_non_permutation_reps) {
  weyl_group *g = builtin("SO(3)");
  weyl_rep *v = NULL;
  weyl_basis *b = NULL;
  cr_assert_eq(weyl_rep_parse(g, "V", &v), WEYL_OK);
  weyl_basis_opts o = {.solver = WEYL_BASIS_SOLVER_ORBIT};
  cr_assert_eq(weyl_basis_solve(v, v, &o, &b), WEYL_EINVAL);
  cr_assert(strstr(weyl_status_last_error(), "permutation"));
  weyl_rep_free(v);
  weyl_group_free(g);
}

Test(basis, memory_limit_is_refused_not_aborted) {
  weyl_group *g = builtin("SO(3)");
  weyl_rep *v = NULL;
  weyl_basis *b = NULL;
  cr_assert_eq(weyl_rep_parse(g, "V**3", &v), WEYL_OK);
  weyl_basis_opts o = {.solver = WEYL_BASIS_SOLVER_DENSE, .max_bytes = 1 << 20};
  cr_assert_eq(weyl_basis_solve(v, v, &o, &b), WEYL_ELIMIT);
  cr_assert(strstr(weyl_status_last_error(), "MiB"), "%s", weyl_status_last_error());
  weyl_rep_free(v);
  weyl_group_free(g);
}

Test(basis, null_arguments_are_refused) {
  weyl_basis *b = NULL;
  cr_assert_eq(weyl_basis_solve(NULL, NULL, NULL, &b), WEYL_EINVAL);
  cr_assert_eq(weyl_basis_dim(NULL), 0);
  weyl_basis_free(NULL);
}

/* Dense bases are orthonormalised echelon forms: for SO(2) on the plane,
 * exactly I/sqrt(2) and the rotation generator /sqrt(2), on every machine. */
Test(basis, dense_basis_is_the_orthonormal_echelon_form) {
  solved s = solve("SO(2)", "V", "V");
  cr_assert_eq(weyl_basis_dim(s.b), 2);
  double W[4], r = sqrt(0.5);
  const double want[2][4] = {{r, 0, 0, r}, {0, r, -r, 0}};
  for (int k = 0; k < 2; k++) {
    weyl_basis_element(s.b, k, W);
    for (int e = 0; e < 4; e++) cr_assert_float_eq(W[e], want[k][e], 1e-15, "element %d", k);
  }
  release(&s);
}

Test(basis, dense_basis_is_orthonormal) {
  solved s = solve_with(builtin("SO(3)"), "V*V", "V*V", WEYL_BASIS_SOLVER_DENSE);
  int d = weyl_basis_dim(s.b);
  double B[3][81];
  for (int k = 0; k < d; k++) weyl_basis_element(s.b, k, B[k]);
  for (int a = 0; a < d; a++)
    for (int b = 0; b < d; b++) {
      double dot = 0;
      for (int e = 0; e < 81; e++) dot += B[a][e] * B[b][e];
      cr_assert_float_eq(dot, a == b ? 1.0 : 0.0, 1e-13);
    }
  release(&s);
}

Test(basis, solver_names_round_trip_and_unknown_names_are_refused) {
  for (int k = WEYL_BASIS_SOLVER_AUTO; k <= WEYL_BASIS_SOLVER_ISOTYPIC; k++) {
    weyl_basis_solver parsed = WEYL_BASIS_SOLVER_AUTO;
    const char *name = weyl_basis_solver_name((weyl_basis_solver)k);
    cr_assert_not_null(name);
    cr_assert_eq(weyl_basis_solver_parse(name, &parsed), WEYL_OK, "%s", name);
    cr_assert_eq((int)parsed, k);
  }
  cr_assert_str_eq(weyl_basis_solver_name(WEYL_BASIS_SOLVER_DENSE), "dense");
  cr_assert_null(weyl_basis_solver_name((weyl_basis_solver)99));
  weyl_basis_solver s = WEYL_BASIS_SOLVER_ORBIT;
  cr_assert_eq(weyl_basis_solver_parse("Dense", &s), WEYL_EINVAL);
  cr_assert_eq(s, WEYL_BASIS_SOLVER_ORBIT, "unchanged on failure");
  cr_assert(strstr(weyl_status_last_error(), "expected auto, dense, orbit, iterative, stabiliser or"));
  cr_assert_eq(weyl_basis_solver_parse(NULL, &s), WEYL_EINVAL);
}

Test(basis, solve_refuses_a_solver_outside_the_enum) {
  weyl_group *g = builtin("Z(3)");
  weyl_rep *v = NULL;
  weyl_basis *b = NULL;
  cr_assert_eq(weyl_rep_parse(g, "V", &v), WEYL_OK);
  weyl_basis_opts o = {.solver = (weyl_basis_solver)7};
  cr_assert_eq(weyl_basis_solve(v, v, &o, &b), WEYL_EINVAL);
  cr_assert_null(b);
  weyl_rep_free(v);
  weyl_group_free(g);
}

/* Z(n) regular -> regular: W[i][j] depends on (j - i) mod n only, and row 0
 * meets the n orbits in the order j = 0, 1, ..., so the label is (j - i) mod n. */
Test(basis, pattern_of_Zn_circulant_is_j_minus_i_mod_n) {
  solved s = solve("Z(6)", "regular", "regular");
  int label[36], used = -1;
  cr_assert_eq(weyl_basis_pattern(s.b, label, &used), WEYL_OK, "%s", weyl_status_last_error());
  cr_assert_eq(used, 6);
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 6; j++)
      cr_assert_eq(label[6 * i + j], ((j - i) % 6 + 6) % 6, "(%d, %d)", i, j);
  release(&s);
}

/* Scalar -> Scalar + V of S(3): row 0 is the 1 x 1 block, rows 1..3 the
 * constant vector, one orbit each. A rotation group's V -> V is not exact. */
Test(basis, pattern_follows_blocks_and_refuses_dense_bases) {
  solved s = solve("S(3)", "Scalar", "Scalar + V");
  int label[4], used = -1;
  cr_assert_eq(weyl_basis_pattern(s.b, label, &used), WEYL_OK, "%s", weyl_status_last_error());
  cr_assert_eq(used, 2);
  int expect[4] = {0, 1, 1, 1};
  for (int e = 0; e < 4; e++)
    cr_assert_eq(label[e], expect[e], "entry %d", e);
  release(&s);
  solved d = solve_with(builtin("SO(2)"), "V", "V", WEYL_BASIS_SOLVER_AUTO);
  int l4[4];
  cr_assert_eq(weyl_basis_pattern(d.b, l4, NULL), WEYL_EINVAL);
  cr_assert_eq(weyl_basis_pattern(NULL, l4, NULL), WEYL_EINVAL);
  release(&d);
}

/* The coordinate form of SO(3)'s V**2 -> Scalar is the metric: entries
 * (0,0), (1,1), (2,2) of the single element, 1/sqrt(3) each (orthonormal). A
 * first call with cap 0 only counts. */
Test(basis, entries_of_so3_invariant_are_the_normalised_metric) {
  solved s = solve("SO(3)", "V**2", "Scalar");
  size_t n = 99;
  cr_assert_eq(weyl_basis_entries(s.b, 0, NULL, NULL, NULL, &n), WEYL_OK);
  cr_assert_eq(n, 3);
  int elem[3];
  size_t index[3];
  double value[3];
  cr_assert_eq(weyl_basis_entries(s.b, 3, elem, index, value, &n), WEYL_OK);
  int seen = 0;
  for (int t = 0; t < 3; t++) {
    cr_assert_eq(elem[t], 0);
    cr_assert(index[t] == 0 || index[t] == 4 || index[t] == 8, "index %zu", index[t]);
    seen |= 1 << (index[t] / 4);
    cr_assert_float_eq(fabs(value[t]), 1 / sqrt(3.0), 1e-12);
    cr_assert_float_eq(value[t], value[0], 1e-12); /* one sign for all three */
  }
  cr_assert_eq(seen, 7);
  cr_assert_eq(weyl_basis_entries(NULL, 0, NULL, NULL, NULL, &n), WEYL_EINVAL);
  cr_assert_eq(weyl_basis_entries(s.b, 3, NULL, index, value, &n), WEYL_EINVAL);
  release(&s);
}

/* Z(n) regular -> regular: n*n entries of value 1, entry (i, j) in the
 * element of its diagonal j - i mod n (one element per diagonal). */
Test(basis, entries_of_zn_regular_are_the_circulant_diagonals) {
  enum { N = 7 };
  solved s = solve("Z(7)", "regular", "regular");
  int elem[N * N];
  size_t index[N * N], n = 0;
  double value[N * N];
  cr_assert_eq(weyl_basis_entries(s.b, N * N, elem, index, value, &n), WEYL_OK);
  cr_assert_eq(n, N * N);
  int diag_of[N]; /* element -> the diagonal it was first seen on */
  for (int k = 0; k < N; k++) diag_of[k] = -1;
  for (size_t t = 0; t < n; t++) {
    int i = (int)(index[t] / N), j = (int)(index[t] % N), d = ((j - i) % N + N) % N;
    cr_assert_eq(value[t], 1.0);
    cr_assert(elem[t] >= 0 && elem[t] < N);
    if (diag_of[elem[t]] < 0) diag_of[elem[t]] = d;
    cr_assert_eq(diag_of[elem[t]], d, "element %d on diagonals %d and %d", elem[t],
                 diag_of[elem[t]], d);
  }
  release(&s);
}

/* A mixed basis (orbit and dense blocks, repeated copies): scattering the
 * entries rebuilds every element as weyl_basis_element writes it, and the
 * entries are far fewer than dim * out * in. */
Test(basis, entries_rebuild_every_element_of_a_mixed_basis) {
  solved s = solve("SO(3)", "2*Scalar + V + V**2", "Scalar + 2*V + V**2");
  int dim = weyl_basis_dim(s.b), no = weyl_basis_out_dim(s.b), ni = weyl_basis_in_dim(s.b);
  size_t n = 0, full = (size_t)no * ni;
  cr_assert_eq(weyl_basis_entries(s.b, 0, NULL, NULL, NULL, &n), WEYL_OK);
  cr_assert(n > 0 && n < full * dim / 4, "%zu entries for %d elements of %zu", n, dim, full);
  int *elem = malloc(n * sizeof *elem);
  size_t *index = malloc(n * sizeof *index), n2 = 0;
  double *value = malloc(n * sizeof *value), *W = calloc(full * dim, sizeof *W);
  double *E = malloc(full * sizeof *E);
  cr_assert_eq(weyl_basis_entries(s.b, n, elem, index, value, &n2), WEYL_OK);
  cr_assert_eq(n2, n);
  for (size_t t = 0; t < n; t++) W[elem[t] * full + index[t]] += value[t];
  for (int k = 0; k < dim; k++) {
    cr_assert_eq(weyl_basis_element(s.b, k, E), WEYL_OK);
    for (size_t e = 0; e < full; e++)
      cr_assert_eq(W[k * full + e], E[e], "element %d entry %zu", k, e);
  }
  free(elem), free(index), free(value), free(W), free(E);
  release(&s);
}

/* combine and dot equal plain sums over the elements (weyl_basis_element,
 * which visits entries one by one) on reps whose Scalar summands form runs
 * of several lengths, broken by other summands and by row ends, and on an
 * MLP-like n*Scalar -> m*Scalar layer (one run per row). */
Test(basis, combine_and_dot_over_scalar_runs_match_plain_loops) {
  static const char *const cases[][3] = {
      {"O(3)", "3*Scalar + V + 4*Scalar + V**2 + Scalar", "2*Scalar + V + 5*Scalar"},
      {"O(3)", "Scalar + V + Scalar", "Scalar + Scalar"},
      {"S(4)", "6*Scalar + V", "V + 3*Scalar"},
      {"SO(2)", "9*Scalar", "4*Scalar"},
  };
  unsigned long long seed = 5;
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    solved s = solve(cases[c][0], cases[c][1], cases[c][2]);
    size_t n = (size_t)weyl_rep_dim(s.in) * weyl_rep_dim(s.out);
    int dim = weyl_basis_dim(s.b);
    double *E = basis_elements(s.b, n), *theta = malloc(sizeof(double) * dim);
    double *W = malloc(sizeof(double) * n), *coef = malloc(sizeof(double) * dim);
    for (int trial = 0; trial < 5; trial++) {
      for (int k = 0; k < dim; k++) theta[k] = ref_rand(&seed);
      cr_assert_eq(weyl_basis_combine(s.b, theta, W), WEYL_OK);
      for (size_t e = 0; e < n; e++) {
        double want = 0;
        for (int k = 0; k < dim; k++) want += theta[k] * E[k * n + e];
        cr_assert_lt(fabs(W[e] - want), 1e-12, "%s -> %s: combine entry %zu", cases[c][1],
                     cases[c][2], e);
      }
      for (size_t e = 0; e < n; e++) W[e] = ref_rand(&seed);
      cr_assert_eq(weyl_basis_dot(s.b, W, coef), WEYL_OK);
      for (int k = 0; k < dim; k++) {
        double want = 0;
        for (size_t e = 0; e < n; e++) want += E[k * n + e] * W[e];
        cr_assert_lt(fabs(coef[k] - want), 1e-12, "%s -> %s: dot %d", cases[c][1], cases[c][2],
                     k);
      }
    }
    free(E), free(theta), free(W), free(coef);
    release(&s);
  }
}
