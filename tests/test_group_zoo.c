/* The built-in groups of issue 15 (group_lie.c, group_finite.c, the
 * semidirect grid products), their characters, rot(k) of a product's
 * factor, and the element words of `regular`, each against dimensions
 * derived by hand (character tables, invariant theory) or counted here
 * independently (orbits on pairs by union-find, Stirling numbers). */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "fixtures.h"
#include "helpers.h"

static void expect_hom(const char *group, const char *in, const char *out, int want) {
  weyl_group *g = builtin(group);
  int d = hom_dim(g, in, out);
  weyl_group_free(g);
  cr_expect_eq(d, want, "%s: %s -> %s has %d maps, expected %d", group, in, out, d, want);
}

/* ---- Lie groups ------------------------------------------------------------ */

/* SL(3) keeps the determinant (epsilon, V**3 -> Scalar); GL(3) scales it. The
 * dual is rho^{-T}: V.T -> V.T is the identity, V -> V.T nothing (no
 * invariant bilinear form), V (x) V.T -> Scalar the trace. GL(n)'s V**2 ->
 * V**2 is the group algebra of S2 (Schur-Weyl): 2; det is epsilon's
 * character. */
Test(zoo_lie, gl_and_sl_invariants) {
  expect_hom("SL(3)", "V**3", "Scalar", 1);
  expect_hom("GL(3)", "V**3", "Scalar", 0);
  expect_hom("GL(3)", "V**3", "det", 1);
  expect_hom("GL(3)", "V.T", "V.T", 1);
  expect_hom("GL(3)", "V", "V.T", 0);
  expect_hom("GL(3)", "V * V.T", "Scalar", 1);
  expect_hom("SL(2)", "V", "V.T", 1); /* SL(2) = Sp(2): the symplectic form */
  for (int n = 2; n <= 4; n++) {
    char name[16];
    snprintf(name, sizeof name, "GL(%d)", n);
    expect_hom(name, "V**2", "V**2", 2);
    expect_hom(name, "V**2", "V", 0);
  }
}

/* Scaling(n): V**k -> V**m is everything when k = m, nothing otherwise; det
 * scales like V**n. */
Test(zoo_lie, scaling_maps_only_equal_degrees) {
  expect_hom("Scaling(2)", "V**2", "V**2", 16);
  expect_hom("Scaling(2)", "V**2", "V", 0);
  expect_hom("Scaling(3)", "V**3", "det", 27);
  expect_hom("Scaling(3)", "V**2", "det", 0);
}

/* U(n) on R^2n commutes with the complex structure: End = C (2); SU(2) on
 * R^4 = H commutes with the quaternions (4); SU(n >= 3) only with C. The
 * hermitian form is U(n)-invariant, plus the symplectic Im part: 2 forms. */
Test(zoo_lie, unitary_commutants) {
  expect_hom("U(1)", "V", "V", 2);
  expect_hom("U(2)", "V", "V", 2);
  expect_hom("U(3)", "V", "V", 2);
  expect_hom("SU(2)", "V", "V", 4);
  expect_hom("SU(3)", "V", "V", 2);
  expect_hom("U(3)", "V**2", "Scalar", 2);
  expect_hom("U(2)", "det", "det", 2);
  /* Complexified, V**2 = V(x)V + 2 V(x)Vbar + Vbar(x)Vbar and det = det + detbar: det is
   * Alt2 V, its conjugate Alt2 Vbar, once each. */
  expect_hom("U(2)", "V**2", "det", 2);
}

/* Lorentz in 1+1: the metric and epsilon; O(1,1) makes epsilon a det. */
Test(zoo_lie, lorentz_1_1) {
  expect_hom("SO(1,1)", "V**2", "Scalar", 2);
  expect_hom("O(1,1)", "V**2", "Scalar", 1);
  expect_hom("O(1,1)", "V**2", "det", 1);
  expect_hom("O(1,1)", "V", "V * parity", 0);
}

/* Independent checks of the generators: SL and SU traceless (complex trace
 * for SU), U's real forms antisymmetric and commuting with J, and every
 * family's generators linearly independent (Gram-Schmidt here). */
static int rank_of(double *m, int count, int len) {
  int r = 0;
  for (int k = 0; k < count; k++) {
    double *v = m + (size_t)k * len;
    for (int j = 0; j < r; j++) {
      double *u = m + (size_t)j * len, dot = 0;
      for (int e = 0; e < len; e++) dot += u[e] * v[e];
      for (int e = 0; e < len; e++) v[e] -= dot * u[e];
    }
    double nrm = ref_norm(v, len);
    if (nrm < 1e-9) continue;
    for (int e = 0; e < len; e++) m[(size_t)r * len + e] = v[e] / nrm;
    r++;
  }
  return r;
}

Test(zoo_lie, algebras_have_their_dimension_and_shape) {
  for (int n = 1; n <= 4; n++) {
    const char *fam[] = {"GL", "SL", "U", "SU"};
    int want[] = {n * n, n * n - 1, n * n, n * n - 1};
    for (int f = 0; f < 4; f++) {
      char name[16];
      snprintf(name, sizeof name, "%s(%d)", fam[f], n);
      weyl_group *g = builtin(name);
      weyl_rep *v = parse(g, "V");
      int d = weyl_rep_dim(v), na = weyl_group_nalg(g), cplx = f >= 2;
      cr_assert_eq(d, cplx ? 2 * n : n);
      double *all = malloc(sizeof(double) * (na + 1) * d * d);
      for (int k = 0; k < na; k++) {
        double *A = all + (size_t)k * d * d, tr = 0, trY = 0;
        weyl_rep_drho(v, k, A);
        for (int i = 0; i < n; i++) tr += A[i * d + i], trY += cplx ? A[(n + i) * d + i] : 0;
        if (f == 1) cr_expect_lt(fabs(tr), 1e-12, "%s generator %d has trace %g", name, k, tr);
        if (f == 3) cr_expect_lt(fabs(trY), 1e-12, "%s generator %d: complex trace", name, k);
        for (int i = 0; cplx && i < d; i++)
          for (int j = 0; j < d; j++) {
            cr_expect_eq(A[i * d + j], -A[j * d + i], "%s: not anti-hermitian", name);
            int bi = i % n, bj = j % n; /* J A = A J: blocks [[X,-Y],[Y,X]] */
            double x = A[bi * d + bj], y = A[(n + bi) * d + bj];
            double want_ij = (i < n) == (j < n) ? x : (i < n ? -y : y);
            cr_expect_eq(A[i * d + j], want_ij, "%s: not complex linear", name);
          }
      }
      cr_expect_eq(rank_of(all, na, d * d), want[f], "%s", name);
      free(all);
      weyl_rep_free(v);
      weyl_group_free(g);
    }
  }
}

/* ---- finite groups ----------------------------------------------------------- */

static long order_of(const char *name) {
  weyl_group *g = builtin(name);
  long n = 0;
  cr_assert_eq(weyl_group_order(g, 0, &n), WEYL_OK, "%s: %s", name, weyl_status_last_error());
  weyl_group_free(g);
  return n;
}

Test(zoo_finite, orders) {
  cr_expect_eq(order_of("Octahedral"), 24);
  cr_expect_eq(order_of("FullOctahedral"), 48);
  cr_expect_eq(order_of("Icosahedral"), 60);
  cr_expect_eq(order_of("FullIcosahedral"), 120);
  cr_expect_eq(order_of("Cube"), 24);
  cr_expect_eq(order_of("Cube()"), 24);
  for (int n = 1; n <= 6; n++)
    for (int k = 1; k <= 4; k *= 2) {
      char name[64];
      snprintf(name, sizeof name, "Z(%d) x| (Z(%d) x Z(%d))", k, n, n);
      cr_expect_eq(order_of(name), (long)k * n * n, "%s", name);
      snprintf(name, sizeof name, "ZksZnxZn(%d,%d)", k, n);
      cr_expect_eq(order_of(name), (long)k * n * n, "%s", name);
    }
}

/* Character theory. O: V = T1, Sym2 T1 = A1 + E + T2, Alt2 = T1: End(V**2)
 * has 4; T1^3 holds A1 once (epsilon) and A2 (sign) once (xyz). Oh: V = T1u
 * is odd, so V**3 is odd: no invariant, epsilon is a det. I: V**2 = 1 + 3 + 5
 * (distinct): 3; V**3 holds A once (epsilon). */
Test(zoo_finite, point_group_dimensions) {
  expect_hom("Octahedral", "V**2", "V**2", 4);
  expect_hom("Octahedral", "V**3", "Scalar", 1);
  expect_hom("Octahedral", "V**3", "sign", 1);
  expect_hom("FullOctahedral", "V**2", "V**2", 4);
  expect_hom("FullOctahedral", "V**3", "Scalar", 0);
  expect_hom("FullOctahedral", "V**3", "det", 1);
  expect_hom("FullOctahedral", "V**3", "det * sign", 1);
  expect_hom("Icosahedral", "V", "V", 1);
  expect_hom("Icosahedral", "V**2", "V**2", 3);
  expect_hom("Icosahedral", "V**3", "Scalar", 1);
  expect_hom("FullIcosahedral", "V**2", "V**2", 3);
  expect_hom("FullIcosahedral", "V**3", "det", 1);
  expect_hom("FullIcosahedral", "V", "det", 0);
}

/* Union-find over index pairs (i, j) of a permutation rep: the orbits of the
 * group on pairs, the dimension of the orbit basis of V -> V (Burnside). */
static int find(int *parent, int x) {
  while (parent[x] != x) x = parent[x] = parent[parent[x]];
  return x;
}

static int pair_orbits(weyl_group *g, const char *leaf) {
  weyl_rep *v = parse(g, leaf);
  int n = weyl_rep_dim(v), nd = weyl_group_ndisc(g), *perm = malloc(sizeof(int) * n);
  int *parent = malloc(sizeof(int) * n * n), orbits = n * n;
  for (int i = 0; i < n * n; i++) parent[i] = i;
  for (int k = 0; k < nd; k++) {
    cr_assert_eq(weyl_rep_perm(v, k, perm), WEYL_OK);
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) {
        int a = find(parent, i * n + j), b = find(parent, perm[i] * n + perm[j]);
        if (a != b) parent[a] = b, orbits--;
      }
  }
  free(perm);
  free(parent);
  weyl_rep_free(v);
  return orbits;
}

Test(zoo_finite, permutation_leaves_match_their_pair_orbits) {
  static const char *cases[][2] = {{"Octahedral", "faces"},   {"Octahedral", "vertices"},
                                   {"Icosahedral", "vertices"}, {"Icosahedral", "faces"},
                                   {"FullIcosahedral", "faces"}, {"Cube", "V"},
                                   {"Z(4) x| (Z(5) x Z(5))", "pixels"}, {"ZksZnxZn(2,4)", "V"},
                                   {"RubiksCube", "V"}};
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    weyl_group *g = builtin(cases[c][0]);
    int want = pair_orbits(g, cases[c][1]);
    weyl_group_free(g);
    char in[32];
    snprintf(in, sizeof in, "%s", cases[c][1]);
    expect_hom(cases[c][0], in, in, want);
  }
  /* By hand: the icosahedron's vertex pairs are equal, adjacent, at
   * distance 2, or antipodal; the cube's faces equal, adjacent, opposite. */
  expect_hom("Icosahedral", "vertices", "vertices", 4);
  expect_hom("Cube", "V", "V", 3);
}

/* The Rubik's cube: 48 stickers, each face turn a 4-cycle on 5 groups of 4
 * stickers (20 moved); corner and edge stickers are the two orbits. By hand,
 * the pair orbits are 4 corner-corner (same, two twists, other cubie),
 * 3 edge-edge, 1 + 1 mixed: 9. Never enumerated. */
Test(zoo_finite, rubiks_cube) {
  weyl_group *g = builtin("RubiksCube");
  weyl_rep *v = parse(g, "V");
  cr_assert_eq(weyl_rep_dim(v), 48);
  int perm[48], twice[48];
  for (int k = 0; k < 6; k++) {
    cr_assert_eq(weyl_rep_perm(v, k, perm), WEYL_OK);
    int moved = 0, fixed4 = 1;
    for (int i = 0; i < 48; i++) {
      moved += perm[i] != i;
      twice[i] = perm[perm[i]];
    }
    for (int i = 0; i < 48; i++) fixed4 &= perm[twice[perm[i]]] == i ? 1 : 0;
    for (int i = 0; i < 48; i++) fixed4 &= twice[i] != i || perm[i] == i;
    cr_expect_eq(moved, 20, "generator %d moves %d stickers", k, moved);
    cr_expect(fixed4, "generator %d is not of order 4", k);
  }
  weyl_rep_free(v);
  weyl_group_free(g);
  expect_hom("RubiksCube", "V", "Scalar", 2);
  expect_hom("RubiksCube", "V", "V", 9);
}

Test(zoo_finite, bad_names_are_refused) {
  weyl_group *g = NULL;
  cr_expect_eq(weyl_group_builtin("Icosahedral(3)", &g), WEYL_EPARSE);
  cr_expect_eq(weyl_group_builtin("Z(3) x| (Z(4) x Z(4))", &g), WEYL_EPARSE);
  cr_expect(strstr(weyl_status_last_error(), "k = 1, 2 or 4") != NULL);
  cr_expect_eq(weyl_group_builtin("Z(4) x| (Z(4) x Z(5))", &g), WEYL_EPARSE);
  cr_expect_eq(weyl_group_builtin("GL(33)", &g), WEYL_ELIMIT);
  cr_expect_eq(weyl_group_builtin("GL(1,2)", &g), WEYL_EPARSE);
  cr_expect_eq(weyl_group_builtin("Cubex Z(2)", &g), WEYL_EPARSE);
  cr_expect_null(g);
  g = builtin("Cube x Z(2)");
  cr_expect_eq(weyl_group_ndisc(g), 3);
  weyl_group_free(g);
}

/* ---- characters ------------------------------------------------------------ */

/* S(n) on V**k -> sign: a tuple with b distinct values has stabiliser
 * S(n - b), on which sign is trivial only when n - b <= 1, so the count is
 * the Stirling numbers S(k, n) + S(k, n - 1). */
static long stirling2(int k, int b) {
  if (k == 0 || b == 0) return k == 0 && b == 0;
  return b * stirling2(k - 1, b) + stirling2(k - 1, b - 1);
}

Test(zoo_characters, sign_of_Sn_counts_partitions_into_n_or_n_minus_1_blocks) {
  for (int n = 1; n <= 4; n++)
    for (int k = 1; k <= 4; k++) {
      char name[16], in[16];
      snprintf(name, sizeof name, "S(%d)", n);
      snprintf(in, sizeof in, "V**%d", k);
      expect_hom(name, in, "sign", (int)(stirling2(k, n) + stirling2(k, n - 1)));
    }
}

/* O(n): epsilon is the det-valued invariant of V**n, and V**n has no
 * invariant for odd n (-I acts by -1). D(n): rot(j)**2 = 1 + det + rot(2j),
 * and rot(2j) holds det once more when 2j = 0 mod n. Z(2m): V is regular, so
 * sign appears once. */
Test(zoo_characters, det_and_sign) {
  expect_hom("O(2)", "V**2", "det", 1);
  expect_hom("O(3)", "V**3", "det", 1);
  expect_hom("O(3)", "V**3", "Scalar", 0);
  expect_hom("O(4)", "V**4", "det", 1);
  for (int n = 3; n <= 8; n++)
    for (int j = 1; j < n; j++) {
      char name[16], in[32];
      snprintf(name, sizeof name, "D(%d)", n);
      snprintf(in, sizeof in, "rot(%d)**2", j);
      expect_hom(name, in, "det", 1 + (2 * j % n == 0));
    }
  expect_hom("Z(6)", "V", "sign", 1);
  expect_hom("Z(6)", "V", "sign * sign", 1);
  expect_hom("O(1,3)", "V**4", "det", 1);
  expect_hom("O(1,3)", "V**4", "Scalar", 3);
  expect_hom("O(1,3)", "V**4", "parity", 0); /* epsilon is odd under T as well */
  expect_hom("O(1,3)", "V", "V * parity", 0);
  expect_hom("O(1,3)", "parity * time", "det", 1);
}

/* ---- rot(k) of a product's factor --------------------------------------------- */

Test(zoo_products, rot_of_a_factor) {
  expect_hom("SO(2) x D(3)", "rot(1)", "V1", 2); /* SO(2)'s V is its rot(1): End = C */
  expect_hom("SO(2) x D(3)", "rot(1,1)", "rot(1)", 2);
  expect_hom("SO(2) x D(3)", "rot(1,2)", "V2", 1); /* D(3)'s V = Scalar + rot(1) */
  expect_hom("SO(2) x D(3)", "rot(1,2)", "rot(1,1)", 0);
  /* Complexified, rot(1,1) * rot(1,2) is four distinct characters (+-1, +-1). */
  expect_hom("Z(4) x Z(4)", "rot(1,1) * rot(1,2)", "rot(1,1) * rot(1,2)", 4);
  expect_hom("T(5) x S(3)", "V1", "V1", 5); /* a grid factor keeps its group */
  /* The matrices: factor 2's rotation by 2 pi / 3 on 2.r, the identity on 2.f's
   * other factor... and 0 on 1.L01. */
  weyl_group *g = builtin("SO(2) x D(3)");
  weyl_rep *r = parse(g, "rot(1,2)"), *bad = NULL;
  double m[4];
  cr_assert_eq(weyl_rep_rho(r, 0, m), WEYL_OK);
  cr_expect_lt(fabs(m[0] - -0.5) + fabs(m[2] - sqrt(3.0) / 2), 1e-15);
  cr_assert_eq(weyl_rep_drho(r, 0, m), WEYL_OK);
  cr_expect(m[0] == 0 && m[1] == 0 && m[2] == 0 && m[3] == 0);
  cr_expect_eq(weyl_rep_parse(g, "rot(1,0)", &bad), WEYL_EPARSE);
  cr_expect_eq(weyl_rep_parse(g, "rot(1,3)", &bad), WEYL_EPARSE);
  cr_expect_null(bad);
  char buf[32];
  weyl_rep_str(r, buf, sizeof buf);
  cr_expect_str_eq(buf, "rot(1,2)");
  weyl_rep_free(r);
  weyl_group_free(g);
}

/* ---- regular's element words ------------------------------------------------------ */

/* Every word, multiplied out with regular's own generator matrices and
 * applied to e_0 (the identity), gives e_i: index i is the element the word
 * names. Checked for enumerated and grid-leaf regular reps. */
Test(zoo_words, words_name_the_elements_of_regular) {
  static const char *groups[] = {"D(5)", "S(4)", "Z(3) x Z(2)", "p4(3)", "T(2,3)", "Cube",
                                 "ZksZnxZn(2,3)"};
  for (size_t c = 0; c < sizeof groups / sizeof groups[0]; c++) {
    weyl_group *g = builtin(groups[c]);
    weyl_rep *reg = parse(g, "regular");
    char **words = NULL;
    long n = 0;
    cr_assert_eq(weyl_group_regular_words(g, &words, &n), WEYL_OK, "%s", groups[c]);
    cr_assert_eq(n, weyl_rep_dim(reg));
    int nd = weyl_group_ndisc(g), **perm = malloc(sizeof(int *) * nd);
    for (int k = 0; k < nd; k++) {
      perm[k] = malloc(sizeof(int) * n);
      cr_assert_eq(weyl_rep_perm(reg, k, perm[k]), WEYL_OK);
    }
    cr_expect_str_eq(words[0], "1");
    for (long i = 1; i < n; i++) {
      /* The rightmost letter acts first. */
      char w[512];
      snprintf(w, sizeof w, "%s", words[i]);
      long at = 0;
      for (char *tok = strrchr(w, '*');; tok = strrchr(w, '*')) {
        const char *letter = tok ? tok + 1 : w;
        int k = 0;
        while (k < nd && strcmp(weyl_group_disc_name(g, k), letter)) k++;
        cr_assert_lt(k, nd, "%s: letter '%s' of '%s'", groups[c], letter, words[i]);
        at = perm[k][at];
        if (!tok) break;
        *tok = '\0';
      }
      cr_expect_eq(at, i, "%s: word '%s' reaches index %ld, not %ld", groups[c], words[i], at, i);
    }
    for (int k = 0; k < nd; k++) free(perm[k]);
    free(perm);
    weyl_group_regular_words_free(words, n);
    weyl_rep_free(reg);
    weyl_group_free(g);
  }
}

Test(zoo_words, infinite_groups_have_none) {
  weyl_group *g = builtin("SO(3)");
  char **words = NULL;
  long n = 0;
  cr_expect_eq(weyl_group_regular_words(g, &words, &n), WEYL_EINVAL);
  cr_expect_null(words);
  weyl_group_free(g);
}

/* The CLI writes them: weyl check lists them, the json output names them. */
static char *run(const char *args) {
  char cmd[512];
  snprintf(cmd, sizeof cmd, "'%s' %s 2>&1", WEYL_CLI_PATH, args);
  FILE *p = popen(cmd, "r");
  char *out = calloc(1, 65536);
  size_t n = fread(out, 1, 65535, p);
  out[n] = '\0';
  cr_assert_eq(pclose(p), 0, "%s", out);
  return out;
}

Test(zoo_words, cli_check_and_json_write_them) {
  char *out = run("check --group 'D(3)'");
  cr_expect(strstr(out, "regular: 6 elements") != NULL, "%s", out);
  cr_expect(strstr(out, "  0: 1\n") != NULL && strstr(out, "  1: r\n") != NULL, "%s", out);
  free(out);
  out = run("basis --group 'Z(3)' --in regular --out Scalar --format json");
  cr_expect(strstr(out, "\"regular_elements\": [\"1\", \"r\", \"r*r\"]") != NULL, "%s", out);
  free(out);
  out = run("basis --group 'Z(3)' --in V --out Scalar --format json");
  cr_expect(strstr(out, "regular_elements") == NULL, "%s", out);
  free(out);
}
