/* expm against closed forms; sampled group elements against the group's
 * defining properties (orthogonality, determinant, metric, Kronecker rule). */
#include <criterion/criterion.h>

#include "fixtures.h"
#include <string.h>

#include "helpers.h"
#include "weyl/element.h"

Test(element, expm_of_rotation_generator_is_rotation_about_z) {
  double ts[] = {0.0, 0.3, 2.0, 5.0, 40.0};
  for (int i = 0; i < 5; i++) {
    double t = ts[i], A[9] = {0, -t, 0, t, 0, 0, 0, 0, 0}, E[9];
    cr_assert_eq(weyl_element_expm(3, A, E), WEYL_OK);
    double R[9] = {cos(t), -sin(t), 0, sin(t), cos(t), 0, 0, 0, 1};
    for (int e = 0; e < 9; e++)
      cr_expect(fabs(E[e] - R[e]) < 1e-12 * (1 + fabs(t)), "t=%g entry %d: %.17g vs %.17g", t, e,
                E[e], R[e]);
  }
}

Test(element, expm_of_boost_generator_is_cosh_sinh) {
  double b = 1.7, A[4] = {0, b, b, 0}, E[4];
  cr_assert_eq(weyl_element_expm(2, A, E), WEYL_OK);
  cr_expect(fabs(E[0] - cosh(b)) < 1e-13 * cosh(b));
  cr_expect(fabs(E[1] - sinh(b)) < 1e-13 * cosh(b));
  cr_expect(fabs(E[2] - sinh(b)) < 1e-13 * cosh(b));
  cr_expect(fabs(E[3] - cosh(b)) < 1e-13 * cosh(b));
}

Test(element, expm_of_nilpotent_is_finite_series) {
  /* N^3 = 0: exp(N) = I + N + N^2/2 exactly. */
  double N[9] = {0, 2, 3, 0, 0, 4, 0, 0, 0}, E[9];
  double want[9] = {1, 2, 3 + 4, 0, 1, 4, 0, 0, 1}; /* N^2/2 = [0 0 8/2; 0 0 0; 0 0 0] */
  cr_assert_eq(weyl_element_expm(3, N, E), WEYL_OK);
  for (int e = 0; e < 9; e++)
    cr_expect(fabs(E[e] - want[e]) < 1e-13, "entry %d: %g", e, E[e]);
}

Test(element, expm_refuses_bad_input) {
  double A[1] = {NAN}, E[1];
  cr_expect_eq(weyl_element_expm(1, A, E), WEYL_ENUMERIC);
  cr_expect_eq(weyl_element_expm(0, A, E), WEYL_EINVAL);
}

static double det3(const double *m) {
  return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) +
         m[2] * (m[3] * m[7] - m[4] * m[6]);
}

/* M^T G M = G for G = diag(metric). */
static double metric_defect(const double *M, const double *metric, int n) {
  double worst = 0;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      double v = i == j ? -metric[i] : 0;
      for (int k = 0; k < n; k++)
        v += M[k * n + i] * metric[k] * M[k * n + j];
      if (fabs(v) > worst)
        worst = fabs(v);
    }
  return worst;
}

Test(element, elements_of_O3_are_orthogonal_with_both_determinants) {
  weyl_group *g = builtin("O(3)");
  weyl_rep *v = parse(g, "V");
  weyl_rng rng;
  weyl_rng_seed(&rng, 1);
  double M[9], one[3] = {1, 1, 1};
  int pos = 0, neg = 0;
  for (int i = 0; i < 40; i++) {
    weyl_element *e = NULL;
    cr_assert_eq(weyl_element_sample(g, &rng, 4, 1.0, &e), WEYL_OK);
    cr_assert_eq(weyl_element_rho(e, v, M), WEYL_OK);
    cr_expect_lt(metric_defect(M, one, 3), 1e-12);
    double d = det3(M);
    cr_expect(fabs(fabs(d) - 1) < 1e-12);
    pos += d > 0;
    neg += d < 0;
    weyl_element_free(e);
  }
  cr_expect(pos > 0 && neg > 0, "det +1: %d, det -1: %d", pos, neg);
  weyl_rep_free(v);
  weyl_group_free(g);
}

Test(element, elements_of_SO13_preserve_the_minkowski_metric) {
  weyl_group *g = builtin("SO(1,3)");
  weyl_rep *v = parse(g, "V");
  weyl_rng rng;
  weyl_rng_seed(&rng, 2);
  double M[16], eta[4] = {-1, 1, 1, 1};
  for (int i = 0; i < 20; i++) {
    weyl_element *e = NULL;
    cr_assert_eq(weyl_element_sample(g, &rng, 4, 0.7, &e), WEYL_OK);
    cr_assert_eq(weyl_element_rho(e, v, M), WEYL_OK);
    double scale = ref_norm(M, 16);
    cr_expect_lt(metric_defect(M, eta, 4), 1e-12 * scale * scale);
    cr_expect_gt(M[0], 1.0 - 1e-12, "time component keeps its sign: %g", M[0]);
    weyl_element_free(e);
  }
  weyl_rep_free(v);
  weyl_group_free(g);
}

/* rho(g) on V*V.T equals kron(rho(g), rho(g)^{-T}), the inverse computed from
 * rho(g^{-1}) = rho(g)^T for an orthogonal group. */
Test(element, rho_on_a_tensor_is_the_kronecker_product) {
  weyl_group *g = builtin("O(3)");
  weyl_rep *v = parse(g, "V"), *t = parse(g, "V*V.T");
  weyl_rng rng;
  weyl_rng_seed(&rng, 3);
  weyl_element *e = NULL;
  cr_assert_eq(weyl_element_sample(g, &rng, 3, 1.0, &e), WEYL_OK);
  double M[9], T[81];
  cr_assert_eq(weyl_element_rho(e, v, M), WEYL_OK);
  cr_assert_eq(weyl_element_rho(e, t, T), WEYL_OK);
  for (int a = 0; a < 3; a++)
    for (int b = 0; b < 3; b++)
      for (int c = 0; c < 3; c++)
        for (int d = 0; d < 3; d++) {
          double want = M[a * 3 + c] * M[b * 3 + d]; /* (M^{-T})_{bd} = M_{bd} */
          cr_expect(fabs(T[(a * 3 + b) * 9 + c * 3 + d] - want) < 1e-12);
        }
  weyl_element_free(e);
  weyl_rep_free(v);
  weyl_rep_free(t);
  weyl_group_free(g);
}

/* rho(g) on a direct sum is block diagonal with each summand's own rho: on
 * V + Scalar + V*V.T + V + V the blocks are M, 1, kron(M, M^{-T}), M, M with
 * M = rho(g) on V and M^{-T} from the group's metric (O(3): M; SO(1,3):
 * eta M eta), and every entry off the blocks is exactly zero. */
static void check_sum_blocks(const char *group, const double *eta, int d) {
  weyl_group *g = builtin(group);
  weyl_rep *v = parse(g, "V"), *sum = parse(g, "V + Scalar + V*V.T + V + V");
  int n = 3 * d + 1 + d * d, off[5] = {0, d, d + 1, d + 1 + d * d, 2 * d + 1 + d * d};
  int dims[5] = {d, 1, d * d, d, d};
  weyl_rng rng;
  weyl_rng_seed(&rng, 11);
  for (int trial = 0; trial < 20; trial++) {
    weyl_element *e = NULL;
    cr_assert_eq(weyl_element_sample(g, &rng, 3, 0.7, &e), WEYL_OK);
    double M[16], Mit[16], R[29 * 29]; /* n <= 29 */
    cr_assert_eq(weyl_element_rho(e, v, M), WEYL_OK);
    cr_assert_eq(weyl_element_rho(e, sum, R), WEYL_OK);
    for (int a = 0; a < d; a++)
      for (int b = 0; b < d; b++)
        Mit[a * d + b] = eta[a] * M[a * d + b] * eta[b];
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) {
        int p = 0;
        while (!(i >= off[p] && i < off[p] + dims[p]))
          p++;
        double want = 0;
        int a = i - off[p], b = j - off[p];
        if (j >= off[p] && j < off[p] + dims[p]) {
          if (dims[p] == 1)
            want = 1;
          else if (dims[p] == d)
            want = M[a * d + b];
          else
            want = M[(a / d) * d + b / d] * Mit[(a % d) * d + b % d];
        }
        double got = R[i * n + j];
        cr_expect(want == 0 ? got == 0 : fabs(got - want) < 1e-11 * (1 + fabs(want)),
                  "%s trial %d entry (%d, %d): %g, want %g", group, trial, i, j, got, want);
      }
    weyl_element_free(e);
  }
  weyl_rep_free(v);
  weyl_rep_free(sum);
  weyl_group_free(g);
}

Test(element, rho_on_a_sum_is_block_diagonal_with_each_summands_rho) {
  const double o3[3] = {1, 1, 1}, lorentz[4] = {1, -1, -1, -1};
  check_sum_blocks("O(3)", o3, 3);
  check_sum_blocks("SO(1,3)", lorentz, 4);
}

Test(element, elements_of_Sn_are_permutations) {
  weyl_group *g = builtin("S(5)");
  weyl_rep *v = parse(g, "V");
  weyl_rng rng;
  weyl_rng_seed(&rng, 4);
  weyl_element *e = NULL;
  cr_assert_eq(weyl_element_sample(g, &rng, 7, 1.0, &e), WEYL_OK);
  double M[25];
  cr_assert_eq(weyl_element_rho(e, v, M), WEYL_OK);
  for (int i = 0; i < 5; i++) {
    int ones = 0;
    for (int j = 0; j < 5; j++) {
      cr_expect(M[i * 5 + j] == 0 || M[i * 5 + j] == 1);
      ones += M[i * 5 + j] == 1;
    }
    cr_expect_eq(ones, 1);
  }
  weyl_element_free(e);
  weyl_rep_free(v);
  weyl_group_free(g);
}

Test(element, rho_refuses_a_rep_of_another_group) {
  weyl_group *g = builtin("SO(3)"), *h = builtin("SO(3)");
  weyl_rep *v = parse(h, "V");
  weyl_rng rng;
  weyl_rng_seed(&rng, 5);
  weyl_element *e = NULL;
  cr_assert_eq(weyl_element_sample(g, &rng, 1, 1.0, &e), WEYL_OK);
  double M[9];
  cr_expect_eq(weyl_element_rho(e, v, M), WEYL_EINVAL);
  cr_expect(strstr(weyl_status_last_error(), "another group") != NULL);
  weyl_element_free(e);
  weyl_rep_free(v);
  weyl_group_free(g);
  weyl_group_free(h);
}

/* A rep too large to form densely (V**8 of SO(3): 6561 > 4096) is refused
 * with WEYL_ELIMIT before anything is written. */
Test(element, rho_refuses_a_rep_too_large_to_form_densely) {
  weyl_group *g = builtin("SO(3)");
  weyl_rep *big = parse(g, "V**8");
  cr_assert_eq(weyl_rep_dim(big), 6561);
  weyl_rng rng;
  weyl_rng_seed(&rng, 5);
  weyl_element *e = NULL;
  cr_assert_eq(weyl_element_sample(g, &rng, 1, 1.0, &e), WEYL_OK);
  double M[4] = {7, 7, 7, 7}; /* far too small: must stay untouched */
  cr_expect_eq(weyl_element_rho(e, big, M), WEYL_ELIMIT);
  cr_expect(strstr(weyl_status_last_error(), "4096") != NULL, "%s", weyl_status_last_error());
  for (int i = 0; i < 4; i++)
    cr_expect_eq(M[i], 7);
  weyl_element_free(e);
  weyl_rep_free(big);
  weyl_group_free(g);
}

/* Per-generator scales: with only the boost Kz's scale set (weyl's SO(1,3)
 * lists Lxy, Lxz, Lyz, Kx, Ky, Kz), every element is exp(z Kz), which fixes
 * x and y and mixes t and z by cosh and sinh of one rapidity z; its spread
 * over 400 draws is the scale (sd of asinh(M[0][3]) within 15%). With all
 * six scales the elements keep the Minkowski metric. */
Test(element, scaled_samples_follow_each_generators_scale) {
  weyl_group *g = builtin("SO(1,3)");
  weyl_rep *v = parse(g, "V");
  weyl_rng rng;
  weyl_rng_seed(&rng, 9);
  double M[16], only_kz[6] = {0, 0, 0, 0, 0, 0.3}, all[6] = {1, 1, 1, 0.3, 0.3, 0.3};
  double eta[4] = {-1, 1, 1, 1}, var = 0;
  int n = 400;
  for (int i = 0; i < n; i++) {
    weyl_element *e = NULL;
    cr_assert_eq(weyl_element_sample_scaled(g, &rng, 0, only_kz, &e), WEYL_OK);
    cr_assert_eq(weyl_element_rho(e, v, M), WEYL_OK);
    double z = asinh(M[0 * 4 + 3]);
    cr_assert_lt(fabs(M[0] - cosh(z)) + fabs(M[3 * 4 + 3] - cosh(z)) + fabs(M[3 * 4 + 0] - M[3]),
                 1e-12 * cosh(z), "not a boost along z");
    cr_assert_lt(fabs(M[5] - 1) + fabs(M[10] - 1) + fabs(M[1]) + fabs(M[2]) + fabs(M[6]), 1e-12,
                 "x and y are not fixed");
    var += z * z / n;
    weyl_element_free(e);
    cr_assert_eq(weyl_element_sample_scaled(g, &rng, 2, all, &e), WEYL_OK);
    cr_assert_eq(weyl_element_rho(e, v, M), WEYL_OK);
    double scale = ref_norm(M, 16);
    cr_assert_lt(metric_defect(M, eta, 4), 1e-12 * scale * scale);
    weyl_element_free(e);
  }
  cr_assert_lt(fabs(sqrt(var) / 0.3 - 1), 0.15, "rapidity sd %g, expected 0.3", sqrt(var));
  weyl_element *e = NULL;
  double bad[6] = {1, 1, -1, 1, 1, 1};
  cr_assert_eq(weyl_element_sample_scaled(g, &rng, 0, bad, &e), WEYL_EINVAL);
  cr_assert_eq(weyl_element_sample_scaled(g, &rng, 0, NULL, &e), WEYL_EINVAL);
  cr_assert_null(e);
  weyl_rep_free(v);
  weyl_group_free(g);
}

/* A sample with no discrete slots is one exponential exp(sum_k z_k A_k),
 * z_k = scales[k] * normal, drawn in order k = 0, 1, ... from the rng: a copy
 * of the rng replays the z_k. On a composite rep (tensor, dual, power,
 * symmetric power, sum, copies) weyl_element_rho composes the element's
 * matrices on the atoms; this compares it with the exponential of the whole
 * rep's algebra matrix, sum_k z_k drho_k, computed independently. */
static void check_composite_against_expm(const char *group, const char *const *reps, int n_reps,
                                         double scale) {
  weyl_group *g = builtin(group);
  int na = weyl_group_nalg(g);
  double scales[16];
  for (int k = 0; k < na; k++)
    scales[k] = scale;
  weyl_rng rng;
  weyl_rng_seed(&rng, 21);
  for (int r = 0; r < n_reps; r++) {
    weyl_rep *rep = parse(g, reps[r]);
    int n = weyl_rep_dim(rep);
    size_t nn = (size_t)n * n;
    double *A = calloc(nn, sizeof *A), *D = malloc(nn * sizeof *D), *want = malloc(nn * sizeof *D),
           *got = malloc(nn * sizeof *D);
    for (int trial = 0; trial < 10; trial++) {
      weyl_rng replay = rng;
      weyl_element *e = NULL;
      cr_assert_eq(weyl_element_sample_scaled(g, &rng, 0, scales, &e), WEYL_OK);
      cr_assert_eq(weyl_element_rho(e, rep, got), WEYL_OK);
      memset(A, 0, nn * sizeof *A);
      for (int k = 0; k < na; k++) {
        double z = scales[k] * weyl_rng_normal(&replay);
        cr_assert_eq(weyl_rep_drho(rep, k, D), WEYL_OK);
        for (size_t i = 0; i < nn; i++)
          A[i] += z * D[i];
      }
      cr_assert_eq(weyl_element_expm(n, A, want), WEYL_OK);
      double big = ref_norm(want, nn), diff = 0;
      for (size_t i = 0; i < nn; i++)
        diff = fmax(diff, fabs(got[i] - want[i]));
      cr_expect_lt(diff, 1e-11 * big, "%s %s trial %d: max difference %g (scale %g)", group,
                   reps[r], trial, diff, big);
      weyl_element_free(e);
    }
    free(A), free(D), free(want), free(got);
    weyl_rep_free(rep);
  }
  weyl_group_free(g);
}

Test(element, rho_on_composite_reps_is_the_exponential_of_their_algebra) {
  const char *o3[] = {"V**2", "V*V.T", "V**3", "Sym2(V)", "Alt2(V)", "2*V + V**2 + Scalar",
                      "V**2 + 3*V.T", "Sym3(V) + V**4[ijkl=jikl=ijlk=klij]"};
  check_composite_against_expm("O(3)", o3, 8, 0.8);
  const char *lorentz[] = {"V*V.T", "V.T**2", "Sym2(V) + V", "V*V*V.T"};
  check_composite_against_expm("SO(1,3)", lorentz, 4, 0.4);
  const char *so2[] = {"rot(1)*rot(2)", "rot(3).T + rot(1)**2", "Sym2(rot(2))"};
  check_composite_against_expm("SO(2)", so2, 3, 1.5);
}
