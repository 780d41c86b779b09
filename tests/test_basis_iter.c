/* The structured ("iterative") path against the dense SVD path and against
 * plain-loop residuals, and the automatic choice of path. */
#include <criterion/criterion.h>

#include "fixtures.h"
#include <string.h>

#include "group/group_impl.h"
#include "helpers.h"

static weyl_basis *solve(const weyl_rep *in, const weyl_rep *out, weyl_basis_solver solver) {
  weyl_basis_opts o = {.solver = solver};
  weyl_basis *b = NULL;
  cr_assert_eq(weyl_basis_solve(in, out, &o, &b), WEYL_OK, "%s", weyl_status_last_error());
  return b;
}


/* The two paths give the same dimension, and each basis lies in the span of
 * the other (both are orthonormal), and every iterative element satisfies the
 * constraint by an independent plain-loop residual. */
static void expect_same_space(const char *group, const char *in_expr, const char *out_expr,
                              int known) {
  weyl_group *g = builtin(group);
  weyl_rep *in = parse(g, in_expr), *out = parse(g, out_expr);
  weyl_basis *it = solve(in, out, WEYL_BASIS_SOLVER_ITERATIVE),
             *de = solve(in, out, WEYL_BASIS_SOLVER_DENSE);
  size_t n = (size_t)weyl_rep_dim(in) * weyl_rep_dim(out);
  int dim = weyl_basis_dim(it);
  cr_assert_eq(dim, known, "%s %s -> %s: iterative dim %d, known %d", group, in_expr, out_expr, dim,
               known);
  cr_assert_eq(weyl_basis_dim(de), known, "dense dim %d", weyl_basis_dim(de));
  double *I = basis_elements(it, n), *D = basis_elements(de, n);
  for (int k = 0; k < dim; k++) {
    cr_assert_lt(fabs(ref_norm(I + k * n, n) - 1), 1e-12, "iterative element %d not unit", k);
    cr_assert_lt(ref_distance_to_span(D, dim, I + k * n, n), 1e-10, "iterative %d not in dense span",
                 k);
    cr_assert_lt(ref_distance_to_span(I, dim, D + k * n, n), 1e-10, "dense %d not in iterative span",
                 k);
    double r = ref_residual(in, out, I + k * n);
    cr_assert_lt(r, 1e-10, "element %d residual %g", k, r);
  }
  weyl_basis_block_info info;
  cr_assert_eq(weyl_basis_block_info_get(it, 0, &info), WEYL_OK);
  cr_assert_str_eq(info.path, "iterative");
  cr_assert_lt(info.residual, 1e-12);
  cr_assert_geq(weyl_basis_report_get(it)->n_iterative, 1);
  cr_assert_eq(weyl_basis_report_get(it)->n_dense, 0);
  cr_assert_not(weyl_basis_is_exact(it));
  free(I), free(D);
  weyl_basis_free(it), weyl_basis_free(de);
  weyl_rep_free(in), weyl_rep_free(out);
  weyl_group_free(g);
}

/* Known dimensions. SO(3) on V**n has Riordan-number many invariants
 * (n = 4, 5, 6: 3, 6, 15), so Hom(V**3, V**3) = 15, Hom(V**3, V) = 3,
 * Hom(V, V**4) = 6. O(3): -I acts on V**5 by -1, so Hom(V**2, V**3) = 0.
 * SO(1,3) on V**4: three metric pairings and Levi-Civita, 4. D(6):
 * rot(1) x rot(2) = rot(3) + rot(1), and rot(3) splits into two distinct
 * characters, so Hom(rot(1) x rot(2), rot(1) + rot(3)) = 1 + 2 = 3. */
Test(basis_iter, agrees_with_dense_for_SO3_rank3_tensors) {
  expect_same_space("SO(3)", "V**3", "V**3", 15);
}

Test(basis_iter, agrees_with_dense_for_rectangular_blocks) {
  expect_same_space("SO(3)", "V**3", "V", 3);
  expect_same_space("SO(3)", "V", "V**4", 6);
}

Test(basis_iter, agrees_with_dense_with_discrete_and_noncompact_generators) {
  expect_same_space("O(3)", "V**2", "V**3", 0);
  expect_same_space("SO(1,3)", "V*V", "V*V", 4);
  expect_same_space("D(6)", "rot(1)*rot(2)", "rot(1)+rot(3)", 3);
}

/* A group whose only generator is the nilpotent [[0,1],[0,0]]: its Schur form
 * is not block diagonal, so the structured path does not apply. */
static weyl_group *nilpotent_group(void) {
  static const char *const names[] = {"n"};
  weyl_group *g = weyl_group_new("N", 0, NULL, 1, names);
  weyl_leaf *v = weyl_group_add_leaf(g, "V", 2);
  cr_assert_not_null(v);
  v->alg[0].mat = calloc(4, sizeof(double));
  v->alg[0].mat[1] = 1.0;
  return g;
}

Test(basis_iter, auto_picks_orbit_dense_isotypic_or_iterative) {
  struct {
    const char *group, *in, *out, *path;
  } cases[] = {
      {"S(5)", "V*V", "V", "orbit"},          /* permutation reps */
      {"SO(3)", "V*V", "V*V", "dense"},       /* d = 81: small */
      {"SO(3)", "V**3", "V**3", "isotypic"}, /* d = 729, antisymmetric generators */
      {"SO(1,3)", "V**3", "V*V", "iterative"}, /* boosts are symmetric: not isotypic */
      {"SO(3)", "V", "V**5", "isotypic"}, /* 243 x 3 */
      {"O(3)", "V**3", "V**3", "iterative"}, /* a discrete generator: not isotypic */
  };
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    weyl_group *g = builtin(cases[c].group);
    weyl_rep *in = parse(g, cases[c].in), *out = parse(g, cases[c].out);
    weyl_basis *b = solve(in, out, WEYL_BASIS_SOLVER_AUTO);
    weyl_basis_block_info info;
    cr_assert_eq(weyl_basis_nblocks(b), 1);
    cr_assert_eq(weyl_basis_block_info_get(b, 0, &info), WEYL_OK);
    cr_assert_str_eq(info.path, cases[c].path, "%s %s -> %s took %s", cases[c].group, cases[c].in,
                     cases[c].out, info.path);
    weyl_basis_free(b), weyl_rep_free(in), weyl_rep_free(out), weyl_group_free(g);
  }
}

/* SO(2) acting on R^257 by 128 planes of frequencies 1..128 and a fixed
 * axis: one antisymmetric (normal) generator, so the structured path would
 * apply. */
static weyl_group *big_rotation_group(void) {
  static const char *const names[] = {"j"};
  weyl_group *g = weyl_group_new("R", 0, NULL, 1, names);
  weyl_leaf *v = weyl_group_add_leaf(g, "V", 257);
  cr_assert_not_null(v);
  v->alg[0].mat = calloc(257 * 257, sizeof(double));
  for (int p = 0; p < 128; p++) {
    v->alg[0].mat[(2 * p) * 257 + 2 * p + 1] = -(p + 1);
    v->alg[0].mat[(2 * p + 1) * 257 + 2 * p] = p + 1;
  }
  return g;
}

/* With a side of dimension 1 the structured path's Schur form would be the
 * whole d x d: auto takes dense although d = 257 > WEYL_BASIS_AUTO_DENSE_MAX. */
Test(basis_iter, auto_takes_dense_for_invariants_and_biases) {
  weyl_group *g = big_rotation_group();
  weyl_rep *v = parse(g, "V"), *one = parse(g, "Scalar");
  weyl_rep *pairs[2][2] = {{v, one}, {one, v}};
  for (int c = 0; c < 2; c++) {
    weyl_basis *b = solve(pairs[c][0], pairs[c][1], WEYL_BASIS_SOLVER_AUTO);
    weyl_basis_block_info info;
    cr_assert_eq(weyl_basis_dim(b), 1); /* the fixed axis */
    cr_assert_eq(weyl_basis_block_info_get(b, 0, &info), WEYL_OK);
    cr_assert_str_eq(info.path, "dense");
    weyl_basis_free(b);
  }
  weyl_rep_free(v), weyl_rep_free(one), weyl_group_free(g);
}

Test(basis_iter, non_normal_generators_fall_back_to_dense_under_auto) {
  weyl_group *g = nilpotent_group();
  weyl_rep *in = parse(g, "V**5"), *out = parse(g, "V**4"); /* d = 512: large */
  weyl_basis *b = NULL;
  weyl_basis_opts o = {.solver = WEYL_BASIS_SOLVER_ITERATIVE};
  cr_assert_eq(weyl_basis_solve(in, out, &o, &b), WEYL_EINVAL);
  cr_assert(strstr(weyl_status_last_error(), "normal"), "%s", weyl_status_last_error());
  /* The fallback is a success: the message of the last real failure stays. */
  cr_assert_eq(weyl_basis_solve(NULL, out, NULL, &b), WEYL_EINVAL);
  b = solve(in, out, WEYL_BASIS_SOLVER_AUTO);
  cr_assert(strstr(weyl_status_last_error(), "NULL argument"), "stale: %s",
            weyl_status_last_error());
  weyl_basis_block_info info;
  cr_assert_eq(weyl_basis_block_info_get(b, 0, &info), WEYL_OK);
  cr_assert_str_eq(info.path, "dense");
  double *W = malloc(sizeof(double) * 512);
  for (int k = 0; k < weyl_basis_dim(b); k++) {
    weyl_basis_element(b, k, W);
    cr_assert_lt(ref_residual(in, out, W), 1e-10);
  }
  free(W);
  weyl_basis_free(b), weyl_rep_free(in), weyl_rep_free(out), weyl_group_free(g);
}

Test(basis_iter, memory_limit_is_refused_with_the_need_stated) {
  weyl_group *g = builtin("SO(3)");
  weyl_rep *t = parse(g, "V**3");
  weyl_basis *b = NULL;
  weyl_basis_opts o = {.solver = WEYL_BASIS_SOLVER_ITERATIVE, .max_bytes = 1 << 16};
  cr_assert_eq(weyl_basis_solve(t, t, &o, &b), WEYL_ELIMIT);
  cr_assert(strstr(weyl_status_last_error(), "MiB"), "%s", weyl_status_last_error());
  cr_assert_null(b);
  weyl_rep_free(t), weyl_group_free(g);
}

/* Repeated pairs share one block: 2*V -> 3*V is six copies of V -> V. */
Test(basis_iter, block_info_counts_copies_and_reports_memory) {
  weyl_group *g = builtin("SO(3)");
  weyl_rep *in = parse(g, "2*V"), *out = parse(g, "3*V");
  weyl_basis *b = solve(in, out, WEYL_BASIS_SOLVER_AUTO);
  weyl_basis_block_info info;
  cr_assert_eq(weyl_basis_nblocks(b), 1);
  cr_assert_eq(weyl_basis_block_info_get(b, 0, &info), WEYL_OK);
  cr_assert_eq(info.copies, 6);
  cr_assert_eq(info.dim, 1);
  cr_assert_gt(info.peak_bytes, 9 * sizeof(double));
  cr_assert_eq(weyl_basis_block_info_get(b, 1, &info), WEYL_EINVAL);
  weyl_basis_free(b), weyl_rep_free(in), weyl_rep_free(out), weyl_group_free(g);
}

static int calls;
static void count_progress(void *ctx, const char *stage, double done) {
  (void)ctx, (void)stage, (void)done;
  calls++;
}

Test(basis_iter, progress_callback_is_called) {
  weyl_group *g = builtin("SO(3)");
  weyl_rep *t = parse(g, "V**3");
  weyl_basis *b = NULL;
  weyl_basis_opts o = {.progress = count_progress, .solver = WEYL_BASIS_SOLVER_ITERATIVE};
  calls = 0;
  cr_assert_eq(weyl_basis_solve(t, t, &o, &b), WEYL_OK);
  cr_assert_geq(calls, 3, "stages of the iterative path and the block loop");
  weyl_basis_free(b), weyl_rep_free(t), weyl_group_free(g);
}

/* O(1,3) on V**6 (as V**3 -> V**3): the invariants are the (6-1)!! = 15
 * Brauer pairings with the metric, independent since dim V = 4 >= 3. The
 * structured path reduces here by a combination of generators (a rotation
 * plus a boost, the smallest nullspace), so this checks that route too. */
Test(basis_iter, lorentz_rank3_maps_are_the_15_metric_pairings) {
  weyl_group *g = builtin("O(1,3)");
  weyl_rep *t = parse(g, "V**3");
  weyl_basis *b = solve(t, t, WEYL_BASIS_SOLVER_AUTO);
  cr_assert_eq(weyl_basis_dim(b), 15);
  weyl_basis_block_info info;
  cr_assert_eq(weyl_basis_block_info_get(b, 0, &info), WEYL_OK);
  cr_assert_str_eq(info.path, "iterative");
  double *W = malloc(sizeof(double) * 4096);
  for (int k = 0; k < 15; k++) {
    weyl_basis_element(b, k, W);
    double r = ref_residual(t, t, W);
    cr_assert_lt(r, 1e-10, "element %d residual %g", k, r);
  }
  free(W);
  weyl_basis_free(b), weyl_rep_free(t), weyl_group_free(g);
}
