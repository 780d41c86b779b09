/* Symmetric and antisymmetric powers and index-symmetry formulas
 * (src/rep/rep_sym.c), against independent computations: binomial and
 * hand-counted dimensions, characters from power sums over S_k, the
 * documented k = 2 basis built here, Burnside orbit counts, and the known
 * decompositions of SO(3) and O(3) reps. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "fixtures.h"
#include "helpers.h"
#include "weyl/repfile.h"

static weyl_group *load(const char *file) {
  weyl_group *g = NULL;
  cr_assert_eq(weyl_repfile_load(file, &g), WEYL_OK, "%s", weyl_status_last_error());
  return g;
}

static long binom(int n, int k) {
  if (k < 0 || k > n) return 0;
  long r = 1;
  for (int i = 1; i <= k; i++) r = r * (n - k + i) / i;
  return r;
}

Test(rep_sym, dimensions_are_binomial_counts) {
  for (int n = 1; n <= 6; n++) {
    char name[16];
    snprintf(name, sizeof name, "S(%d)", n);
    weyl_group *g = builtin(name);
    for (int k = 1; k <= 4; k++) {
      char e[32];
      snprintf(e, sizeof e, "Sym%d(V)", k);
      weyl_rep *r = parse(g, e);
      cr_expect_eq(weyl_rep_dim(r), binom(n + k - 1, k), "n %d %s", n, e);
      cr_expect(weyl_rep_is_perm(r), "Sym of a permutation rep is one");
      weyl_rep_free(r);
      snprintf(e, sizeof e, "Alt%d(V)", k);
      if (k > n) {
        cr_expect_eq(weyl_rep_parse(g, e, &r), WEYL_EPARSE, "n %d %s", n, e);
        cr_expect(strstr(weyl_status_last_error(), "no nonzero tensor"), "%s",
                  weyl_status_last_error());
        continue;
      }
      r = parse(g, e);
      cr_expect_eq(weyl_rep_dim(r), binom(n, k), "n %d %s", n, e);
      cr_expect_eq(weyl_rep_is_perm(r), k == 1, "Alt^k, k >= 2, has signs");
      weyl_rep_free(r);
    }
    weyl_group_free(g);
  }
}

/* Formulas with hand-counted dimensions (n = 3): symmetric matrices 6, a
 * tensor symmetric in its first two indices 18, the elasticity tensor 21,
 * the algebraic symmetries of the Riemann tensor (without Bianchi) 6, a
 * totally antisymmetric 3-tensor 1; and a formula that allows no tensor. */
Test(rep_sym, index_formulas_have_the_counted_dimensions) {
  weyl_group *g = builtin("SO(3)");
  const char *expr[] = {"V**2[ij=ji]", "V**3[ijk=jik]", "V**4[ijkl=jikl=ijlk=klij]",
                        "V**4[abcd=-bacd=-abdc=cdab]", "V**3[ijk=-jik=-ikj]", "V**2[ab]"};
  const int want[] = {6, 18, 21, 6, 1, 9};
  for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
    weyl_rep *r = parse(g, expr[i]);
    cr_expect_eq(weyl_rep_dim(r), want[i], "%s", expr[i]);
    weyl_rep_free(r);
  }
  const char *bad[] = {"V**2[ij=ji=-ji]", "V**2[ij=jk]", "V**2[ijk=kji]", "V**2[ii=ii]",
                       "V**2[ij=ji",      "V**2[ij=ji+]", "Sym2(V",      "V**40[ij]"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    weyl_rep *r = NULL;
    weyl_status s = weyl_rep_parse(g, bad[i], &r);
    cr_expect(s == WEYL_EPARSE || s == WEYL_ELIMIT, "%s: %d", bad[i], s);
    cr_expect(strstr(weyl_status_last_error(), "in expression"), "%s", weyl_status_last_error());
    cr_expect_null(r);
  }
  weyl_group_free(g);
}

/* SO(3): V*V = 1 + 3 + 5 with Sym2(V) = 1 + 5 and Alt2(V) = 3 (the cross
 * product); Sym3(V) = 3 + 7. O(3): Alt2(V) is the pseudovector, det*V, and
 * not V. */
Test(rep_sym, so3_and_o3_decompositions) {
  weyl_group *g = builtin("SO(3)");
  cr_expect_eq(hom_dim(g, "Sym2(V)", "Sym2(V)"), 2);
  cr_expect_eq(hom_dim(g, "Alt2(V)", "V"), 1);
  cr_expect_eq(hom_dim(g, "Sym2(V)", "V"), 0);
  cr_expect_eq(hom_dim(g, "Sym2(V)", "Scalar"), 1);
  cr_expect_eq(hom_dim(g, "Sym3(V)", "V"), 1);
  cr_expect_eq(hom_dim(g, "Alt3(V)", "Scalar"), 1);
  cr_expect_eq(hom_dim(g, "V**4[ijkl=jikl=ijlk=klij]", "Scalar"), 2); /* Lame constants */
  weyl_group_free(g);
  g = load(WEYL_REPS_DIR "/o3.rep");
  cr_expect_eq(hom_dim(g, "Alt2(vec)", "vec"), 0);
  cr_expect_eq(hom_dim(g, "Alt2(vec)", "pseudovec"), 1);
  cr_expect_eq(hom_dim(g, "Alt2(vec)", "vec*pseudoscalar"), 1); /* det * V */
  cr_expect_eq(hom_dim(g, "Sym2(vec)", "Sym2(vec)"), 2);
  cr_expect_eq(hom_dim(g, "Alt3(vec)", "pseudoscalar"), 1);
  weyl_group_free(g);
  /* The built-in O(3) with its det character (Alt2(V) is the pseudovector:
   * the cross product is a map into det*V, never into V). */
  g = builtin("O(3)");
  cr_expect_eq(hom_dim(g, "Alt2(V)", "V"), 0);
  cr_expect_eq(hom_dim(g, "Alt2(V)", "det*V"), 1);
  cr_expect_eq(hom_dim(g, "Alt3(V)", "det"), 1);
  cr_expect_eq(hom_dim(g, "Alt3(V)", "Scalar"), 0);
  weyl_group_free(g);
  g = load(WEYL_REPS_DIR "/icosahedral.rep");
  cr_expect_eq(hom_dim(g, "Sym2(vec)", "Sym2(vec)"), 2); /* 1 + 5 */
  cr_expect_eq(hom_dim(g, "Alt2(vec)", "vec"), 1);
  weyl_group_free(g);
}

/* The documented basis for k = 2, built here: coordinate (i, j), i <= j in
 * ascending order, is (e_ij + e_ji)/sqrt(2) (e_ii for i = j) for Sym2 and
 * (e_ij - e_ji)/sqrt(2), i < j, for Alt2. */
static void basis2(int n, int alt, double *Q, int *d) {
  *d = 0;
  int m = alt ? n * (n - 1) / 2 : n * (n + 1) / 2;
  memset(Q, 0, sizeof(double) * n * n * m);
  for (int i = 0; i < n; i++)
    for (int j = i + alt; j < n; j++) {
      double c = i == j ? 1.0 : 1 / sqrt(2.0);
      Q[(i * n + j) * m + *d] = c;
      Q[(j * n + i) * m + *d] = alt ? -c : c;
      ++*d;
    }
}

/* out = Q^T (M (x) M) Q, plain loops. */
static void compress2(const double *Q, int n, int d, const double *M, double *out) {
  int N = n * n;
  for (int r = 0; r < d; r++)
    for (int c = 0; c < d; c++) {
      double s = 0;
      for (int I = 0; I < N; I++)
        for (int J = 0; J < N; J++)
          s += Q[I * d + r] * M[(I / n) * n + J / n] * M[(I % n) * n + J % n] * Q[J * d + c];
      out[r * d + c] = s;
    }
}

/* Random words in the generators of a finite group with a dense V (the
 * icosahedral file): the product of the library's Sym2/Alt2 generator
 * matrices equals Q^T (rho_V(w) (x) rho_V(w)) Q with the documented basis:
 * rho is a homomorphism and the basis is the one documented. */
Test(rep_sym, k2_matrices_follow_the_documented_basis_on_random_words) {
  weyl_group *g = load(WEYL_REPS_DIR "/icosahedral.rep");
  unsigned long long state = 0x5eed;
  for (int alt = 0; alt < 2; alt++) {
    weyl_rep *v = parse(g, "vec"), *s = parse(g, alt ? "Alt2(vec)" : "Sym2(vec)");
    int n = 3, d = weyl_rep_dim(s), dq;
    double Q[9 * 6], gv[2][9], gs[2][36], M[9], R[36], T[36], ref[36];
    basis2(n, alt, Q, &dq);
    cr_assert_eq(dq, d);
    for (int k = 0; k < 2; k++) {
      weyl_rep_rho(v, k, gv[k]);
      weyl_rep_rho(s, k, gs[k]);
    }
    for (int trial = 0; trial < test_cases(50); trial++) {
      memset(M, 0, sizeof M), memset(R, 0, sizeof R);
      for (int i = 0; i < n; i++) M[i * n + i] = 1;
      for (int i = 0; i < d; i++) R[i * d + i] = 1;
      int len = 1 + (int)((ref_rand(&state) + 1) * 6);
      for (int step = 0; step < len; step++) {
        int k = ref_rand(&state) < 0 ? 0 : 1;
        double tmp[9];
        ref_matmul(gv[k], M, tmp, n, n, n), memcpy(M, tmp, sizeof M);
        ref_matmul(gs[k], R, T, d, d, d), memcpy(R, T, sizeof(double) * d * d);
      }
      compress2(Q, n, d, M, ref);
      for (int i = 0; i < d * d; i++)
        cr_assert(fabs(R[i] - ref[i]) <= 1e-13, "alt %d trial %d entry %d: %g vs %g", alt,
                  trial, i, R[i], ref[i]);
    }
    weyl_rep_free(v), weyl_rep_free(s);
  }
  weyl_group_free(g);
}

/* tr(M^l) by plain loops. */
static double power_trace(const double *M, int n, int l) {
  double *P = malloc(sizeof(double) * n * n), *T = malloc(sizeof(double) * n * n), tr = 0;
  memcpy(P, M, sizeof(double) * n * n);
  for (int i = 1; i < l; i++) ref_matmul(P, M, T, n, n, n), memcpy(P, T, sizeof(double) * n * n);
  for (int i = 0; i < n; i++) tr += P[i * n + i];
  free(P), free(T);
  return tr;
}

/* The character of Sym^k / Alt^k at M: (1/k!) sum over sigma in S_k of
 * sign(sigma)^alt prod over the cycles of sigma of tr(M^length). */
static double sym_character(const double *M, int n, int k, int alt) {
  int perm[6];
  for (int i = 0; i < k; i++) perm[i] = i;
  double sum = 0;
  long count = 0;
  for (;;) {
    int seen[6] = {0}, parity = 0;
    double term = 1;
    for (int i = 0; i < k; i++) {
      if (seen[i]) continue;
      int len = 0;
      for (int j = i; !seen[j]; j = perm[j]) seen[j] = 1, len++;
      term *= power_trace(M, n, len);
      parity += len - 1;
    }
    sum += (alt && parity % 2) ? -term : term;
    count++;
    int i = k - 2; /* next permutation, lexicographic */
    while (i >= 0 && perm[i] > perm[i + 1]) i--;
    if (i < 0) break;
    int j = k - 1;
    while (perm[j] < perm[i]) j--;
    int t = perm[i];
    perm[i] = perm[j], perm[j] = t;
    for (int a = i + 1, b = k - 1; a < b; a++, b--) t = perm[a], perm[a] = perm[b], perm[b] = t;
  }
  return sum / (double)count;
}

/* Characters of Sym^k and Alt^k, k = 2, 3, at random words of the
 * icosahedral group and of S(4) (permutation matrices): the trace of the
 * product of the library's generator matrices against the power-sum formula. */
Test(rep_sym, characters_match_the_power_sum_formula) {
  const char *files[] = {WEYL_REPS_DIR "/icosahedral.rep", NULL};
  unsigned long long state = 0xc0ffee;
  for (int f = 0; f < 2; f++) {
    weyl_group *g = files[f] ? load(files[f]) : builtin("S(4)");
    weyl_rep *v = parse(g, "V");
    int n = weyl_rep_dim(v), nd = weyl_group_ndisc(g);
    for (int k = 2; k <= 3; k++)
      for (int alt = 0; alt < 2; alt++) {
        char e[16];
        snprintf(e, sizeof e, "%s%d(V)", alt ? "Alt" : "Sym", k);
        weyl_rep *s = parse(g, e);
        int d = weyl_rep_dim(s);
        double *gv = malloc(sizeof(double) * nd * n * n), *gs = malloc(sizeof(double) * nd * d * d);
        double *M = malloc(sizeof(double) * n * n), *R = malloc(sizeof(double) * d * d);
        double *T = malloc(sizeof(double) * (d > n ? d * d : n * n));
        for (int h = 0; h < nd; h++) {
          weyl_rep_rho(v, h, gv + h * n * n);
          weyl_rep_rho(s, h, gs + h * d * d);
        }
        for (int trial = 0; trial < test_cases(20); trial++) {
          memset(M, 0, sizeof(double) * n * n), memset(R, 0, sizeof(double) * d * d);
          for (int i = 0; i < n; i++) M[i * n + i] = 1;
          for (int i = 0; i < d; i++) R[i * d + i] = 1;
          for (int step = 0; step < 8; step++) {
            int h = (int)((ref_rand(&state) + 1) / 2 * nd) % nd;
            ref_matmul(gv + h * n * n, M, T, n, n, n), memcpy(M, T, sizeof(double) * n * n);
            ref_matmul(gs + h * d * d, R, T, d, d, d), memcpy(R, T, sizeof(double) * d * d);
          }
          double tr = 0, want = sym_character(M, n, k, alt);
          for (int i = 0; i < d; i++) tr += R[i * d + i];
          cr_expect(fabs(tr - want) <= 1e-12 * (1 + fabs(want)), "%s: %g vs %g", e, tr, want);
        }
        free(gv), free(gs), free(M), free(R), free(T);
        weyl_rep_free(s);
      }
    weyl_rep_free(v);
    weyl_group_free(g);
  }
}

/* The Lie algebra of SO(3): the brackets of Sym2/Alt2/Sym3's generators have
 * V's structure constants (read off in V by Frobenius projection: the L_k
 * are orthogonal). */
Test(rep_sym, algebra_brackets_keep_the_structure_constants) {
  weyl_group *g = builtin("SO(3)");
  weyl_rep *v = parse(g, "V");
  double L[3][9];
  for (int k = 0; k < 3; k++) weyl_rep_drho(v, k, L[k]);
  const char *exprs[] = {"Sym2(V)", "Alt2(V)", "Sym3(V)", "V**4[ijkl=jikl=ijlk=klij]"};
  for (size_t e = 0; e < sizeof exprs / sizeof *exprs; e++) {
    weyl_rep *s = parse(g, exprs[e]);
    int d = weyl_rep_dim(s);
    double *S = malloc(sizeof(double) * 3 * d * d), *a = malloc(sizeof(double) * d * d),
           *b = malloc(sizeof(double) * d * d);
    for (int k = 0; k < 3; k++) weyl_rep_drho(s, k, S + k * d * d);
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++) {
        double c[3], ab[9], ba[9];
        ref_matmul(L[i], L[j], ab, 3, 3, 3), ref_matmul(L[j], L[i], ba, 3, 3, 3);
        for (int k = 0; k < 3; k++) {
          double num = 0, den = 0;
          for (int x = 0; x < 9; x++) num += (ab[x] - ba[x]) * L[k][x], den += L[k][x] * L[k][x];
          c[k] = num / den;
        }
        ref_matmul(S + i * d * d, S + j * d * d, a, d, d, d);
        ref_matmul(S + j * d * d, S + i * d * d, b, d, d, d);
        for (int x = 0; x < d * d; x++) {
          double want = c[0] * S[x] + c[1] * S[d * d + x] + c[2] * S[2 * d * d + x];
          cr_assert(fabs(a[x] - b[x] - want) <= 1e-12, "%s [%d,%d] entry %d", exprs[e], i, j, x);
        }
      }
    free(S), free(a), free(b);
    weyl_rep_free(s);
  }
  weyl_rep_free(v);
  weyl_group_free(g);
}

/* S(4) on Sym2 of its 4 points (10 multisets {i, j}): Hom(Sym2 V, Sym2 V)
 * has one element per orbit of S(4) on pairs of multisets, counted here over
 * all 24 permutations; the solve takes the exact orbit path (0/1 elements). */
Test(rep_sym, sym2_of_a_permutation_rep_is_solved_exactly_by_orbits) {
  int pts[10][2], m = 0, perms[24][4], np = 0;
  for (int i = 0; i < 4; i++)
    for (int j = i; j < 4; j++) pts[m][0] = i, pts[m][1] = j, m++;
  for (int a = 0; a < 4; a++)
    for (int b = 0; b < 4; b++)
      for (int c = 0; c < 4; c++)
        for (int d = 0; d < 4; d++)
          if (a != b && a != c && a != d && b != c && b != d && c != d)
            perms[np][0] = a, perms[np][1] = b, perms[np][2] = c, perms[np][3] = d, np++;
  int label[100], orbits = 0;
  for (int x = 0; x < 100; x++) label[x] = -1;
  for (int x = 0; x < 100; x++) {
    if (label[x] >= 0) continue;
    for (int p = 0; p < np; p++) {
      int img[2] = {0, 0};
      for (int s = 0; s < 2; s++) {
        int u = perms[p][pts[s ? x % 10 : x / 10][0]], w = perms[p][pts[s ? x % 10 : x / 10][1]];
        if (u > w) { int t = u; u = w; w = t; }
        for (int q = 0; q < 10; q++)
          if (pts[q][0] == u && pts[q][1] == w) img[s] = q;
      }
      label[img[0] * 10 + img[1]] = orbits;
    }
    orbits++;
  }
  weyl_group *g = builtin("S(4)");
  weyl_rep *s = parse(g, "Sym2(V)");
  weyl_basis *B = NULL;
  cr_assert_eq(weyl_basis_solve(s, s, NULL, &B), WEYL_OK);
  cr_expect_eq(weyl_basis_dim(B), orbits);
  cr_expect(weyl_basis_is_exact(B), "orbit path");
  weyl_basis_free(B);
  weyl_rep_free(s);
  weyl_group_free(g);
}

/* A badly scaled V (S(3)'s permutation matrices conjugated by
 * diag(1e4, 1, 1e-4)) is made orthogonal before the solve (basis_ortho.c);
 * its Sym2 must then give what Sym2 of the plain permutation rep gives:
 * Sym2(perm3) = 2*Scalar + 2*std, so Hom has 2^2 + 2^2 = 8 elements. */
Test(rep_sym, sym2_of_a_badly_scaled_rep_is_orthogonalised) {
  const char *text = "group S3skew\ngenerators t c\n"
                     "rep skew 3\n"
                     "  t matrix 0 1e4 0   1e-4 0 0   0 0 1\n"
                     "  c matrix 0 0 1e8   1e-4 0 0   0 1e-4 0\n"
                     "rep pts 3\n  t perm 1 0 2\n  c perm 1 2 0\n";
  weyl_group *g = NULL;
  cr_assert_eq(weyl_repfile_parse(text, strlen(text), "t.rep", &g), WEYL_OK, "%s",
               weyl_status_last_error());
  /* skew's entries reach 1e16 in Sym2: the residual relative to |W| alone
   * would measure that scale, so only the counts are compared here. */
  cr_expect_eq(hom_dim(g, "Sym2(pts)", "Sym2(pts)"), 8);
  cr_expect_eq(hom_dim_of(g, "Sym2(skew)", "Sym2(skew)", 0), 8);
  cr_expect_eq(hom_dim_of(g, "Sym2(skew)", "Sym2(pts)", 0), 8);
  cr_expect_eq(hom_dim_of(g, "Alt2(skew)", "Alt2(pts)", 0), 2); /* Alt2(perm3) = sign + std */
  weyl_group_free(g);
}

/* Canonical text: equal texts mean equal reps (block reuse); a formula is
 * written with its letters renamed a, b, c... */
Test(rep_sym, canonical_text) {
  weyl_group *g = builtin("SO(3)");
  const char *in[] = {"Sym2(V)", "Alt3(V + Scalar)", "V**2[ij=-ji]", "V**3[xyz=yxz]"};
  const char *want[] = {"Sym2(V)", "Alt3((V+Scalar))", "(V)**2[ab=-ba]", "(V)**3[abc=bac]"};
  for (int i = 0; i < 4; i++) {
    weyl_rep *r = parse(g, in[i]);
    char buf[64];
    weyl_rep_str(r, buf, sizeof buf);
    cr_expect_str_eq(buf, want[i]);
    weyl_rep_free(r);
  }
  weyl_group_free(g);
}
