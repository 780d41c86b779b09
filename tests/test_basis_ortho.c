/* Badly scaled reps of finite groups (src/basis_ortho.c): a permutation
 * rep conjugated by an ill-conditioned P, given as dense matrices, must get
 * the dimension of the permutation rep with a large gap, and elements that
 * satisfy the constraint as given.
 *
 * Everything is checked against the unconjugated problem, worked out here:
 * W solves rho_out W = W rho_in for rho = P sigma P^-1 exactly when
 * Z = P^-1 W P commutes with the permutations sigma, i.e. Z is constant on
 * the orbits of the group on index pairs. The matrices P sigma P^-1 and Z
 * are formed with plain loops in long double. */
#define _POSIX_C_SOURCE 200809L

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "basis/basis_impl.h"
#include "cli_fixture.h"
#include "fixtures.h"
#include "group/group_impl.h"
#include "helpers.h"
#include "weyl/basis.h"
#include "weyl/repfile.h"

enum { MAXN = 4 };

/* A permutation group on n points given by generators, and a conjugation. */
typedef struct {
  int n, ngen;
  int perm[2][MAXN]; /* sigma_k sends e_i to e_perm[i] */
  long double P[MAXN * MAXN], Pinv[MAXN * MAXN];
} conj_group;

/* S3 on 3 points, (0 1) and (0 1 2), conjugated by diag(s, 1, 1/s). */
static conj_group scaled_s3_by(long double s) {
  conj_group c = {3, 2, {{1, 0, 2}, {1, 2, 0}}, {0}, {0}};
  const long double d[3] = {s, 1.0L, 1 / s};
  for (int i = 0; i < 3; i++)
    c.P[i * 3 + i] = d[i], c.Pinv[i * 3 + i] = 1 / d[i];
  return c;
}

static conj_group scaled_s3(void) { return scaled_s3_by(1e4L); }

/* H = I - 2 v v^T / v^T v: orthogonal and its own inverse. */
static void householder(const long double *v, int n, long double *H) {
  long double vv = 0;
  for (int i = 0; i < n; i++)
    vv += v[i] * v[i];
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      H[i * n + j] = (i == j) - 2 * v[i] * v[j] / vv;
}

/* D4 on the 4 corners of a square, rotation (0 1 2 3) and reflection i -> 3 - i,
 * conjugated by P = H1 diag(1, 10, 100, 1000) H2: condition number 1e3
 * exactly, not diagonal in any basis the permutations respect; the
 * generator matrices get condition numbers up to 1e6. */
static conj_group skewed_d4(void) {
  conj_group c = {4, 2, {{1, 2, 3, 0}, {3, 2, 1, 0}}, {0}, {0}};
  const long double v1[4] = {1, 2, -1, 3}, v2[4] = {2, -1, 1, 1}, s[4] = {1, 10, 100, 1000};
  long double H1[16], H2[16];
  householder(v1, 4, H1);
  householder(v2, 4, H2);
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) {
      long double p = 0, q = 0;
      for (int k = 0; k < 4; k++)
        p += H1[i * 4 + k] * s[k] * H2[k * 4 + j];
      for (int k = 0; k < 4; k++)
        q += H2[i * 4 + k] / s[k] * H1[k * 4 + j];
      c.P[i * 4 + j] = p, c.Pinv[i * 4 + j] = q;
    }
  return c;
}

/* rho_k = P sigma_k P^-1, (P sigma)[a][j] = P[a][sigma^-1 ... ]: with
 * sigma[perm[i]][i] = 1, rho[a][b] = sum_i P[a][perm[i]] Pinv[i][b]. */
static void generator(const conj_group *c, int k, double *rho) {
  int n = c->n;
  for (int a = 0; a < n; a++)
    for (int b = 0; b < n; b++) {
      long double m = 0;
      for (int i = 0; i < n; i++)
        m += c->P[a * n + c->perm[k][i]] * c->Pinv[i * n + b];
      rho[a * n + b] = (double)m;
    }
}

static char *rep_text(const conj_group *c) {
  size_t cap = 8192, len = 0;
  char *text = malloc(cap);
  len += snprintf(text, cap, "group conj\ngenerators g0 g1\nrep V %d\n", c->n);
  for (int k = 0; k < c->ngen; k++) {
    double rho[MAXN * MAXN];
    generator(c, k, rho);
    len += snprintf(text + len, cap - len, "  g%d matrix", k);
    for (int e = 0; e < c->n * c->n; e++)
      len += snprintf(text + len, cap - len, " %.17g", rho[e]);
    len += snprintf(text + len, cap - len, "\n");
  }
  return text;
}

static weyl_group *group_of(const conj_group *c) {
  char *text = rep_text(c);
  weyl_group *g = NULL;
  cr_assert_eq(weyl_repfile_parse(text, strlen(text), "conj.rep", &g), WEYL_OK, "%s",
               weyl_status_last_error());
  free(text);
  return g;
}

typedef struct {
  weyl_basis *b;
  weyl_rep *in, *out;
} solved;

static solved solve(weyl_group *g, const char *in, const char *out, weyl_basis_solver path) {
  solved s = {NULL, parse(g, in), parse(g, out)};
  weyl_basis_opts o = {.solver = path};
  cr_assert_eq(weyl_basis_solve(s.in, s.out, &o, &s.b), WEYL_OK, "%s -> %s: %s", in, out,
               weyl_status_last_error());
  return s;
}

static void solved_free(solved *s) {
  weyl_basis_free(s->b);
  weyl_rep_free(s->in);
  weyl_rep_free(s->out);
}

/* max over generators of |rho_out W - W rho_in|_F / (|rho_out W|_F + |W rho_in|_F),
 * with the generators of the file (as parsed) and plain loops. */
static double residual(const solved *s, const double *W) {
  int ni = weyl_rep_dim(s->in), no = weyl_rep_dim(s->out);
  double *ri = malloc(sizeof(double) * ni * ni), *ro = malloc(sizeof(double) * no * no);
  double *a = malloc(sizeof(double) * ni * no), *b = malloc(sizeof(double) * ni * no);
  double worst = 0;
  for (int k = 0; k < weyl_group_ndisc(weyl_rep_group(s->in)); k++) {
    weyl_rep_rho(s->in, k, ri);
    weyl_rep_rho(s->out, k, ro);
    ref_matmul(ro, W, a, no, no, ni);
    ref_matmul(W, ri, b, no, ni, ni);
    double den = ref_norm(a, (size_t)ni * no) + ref_norm(b, (size_t)ni * no);
    for (int e = 0; e < ni * no; e++)
      a[e] -= b[e];
    double r = ref_norm(a, (size_t)ni * no) / den;
    if (r > worst)
      worst = r;
  }
  free(ri), free(ro), free(a), free(b);
  return worst;
}

/* Solves in -> out under auto: the dimension must be want, with a large gap,
 * and every element (of a block up to 81 entries) must satisfy the
 * constraint to tol. The solve goes to *keep when it is not NULL. */
static void check_dim(weyl_group *g, const char *in, const char *out, int want, double tol,
                      solved *keep) {
  solved s = solve(g, in, out, WEYL_BASIS_SOLVER_AUTO);
  cr_assert_eq(weyl_basis_dim(s.b), want, "%s -> %s: %d", in, out, weyl_basis_dim(s.b));
  cr_assert_geq(weyl_basis_report_get(s.b)->min_gap, WEYL_BASIS_SMALL_GAP, "%s -> %s: gap %g", in,
                out, weyl_basis_report_get(s.b)->min_gap);
  int ni = weyl_rep_dim(s.in), no = weyl_rep_dim(s.out);
  double *W = malloc(sizeof(double) * ni * no);
  for (int k = 0; k < want && ni * no <= 81; k++) {
    weyl_basis_element(s.b, k, W);
    cr_assert_leq(residual(&s, W), tol, "%s -> %s element %d: %g", in, out, k, residual(&s, W));
  }
  free(W);
  if (keep)
    *keep = s;
  else
    solved_free(&s);
}

/* Whether the block expr -> expr is solved in an orthogonalised basis
 * (internal: basis_ortho.c gives it a factor). */
static int has_factor(weyl_group *g, const char *expr) {
  weyl_rep *r = parse(g, expr);
  weyl_ortho_cache *cache = NULL;
  weyl_ortho t;
  cr_assert_eq(weyl_ortho_block(&cache, r, r, (size_t)1 << 30, &t), WEYL_OK);
  int has = t.in != NULL;
  cr_assert_eq(has, t.Mi != NULL);
  weyl_ortho_clear(&t);
  weyl_ortho_cache_free(cache);
  weyl_rep_free(r);
  return has;
}

/* Z = P^-1 W P for W: n x n. */
static void unconjugate(const conj_group *c, const double *W, long double *Z) {
  int n = c->n;
  long double T[MAXN * MAXN];
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      T[i * n + j] = 0;
      for (int k = 0; k < n; k++)
        T[i * n + j] += c->Pinv[i * n + k] * W[k * n + j];
    }
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      Z[i * n + j] = 0;
      for (int k = 0; k < n; k++)
        Z[i * n + j] += T[i * n + k] * c->P[k * n + j];
    }
}

/* How far Z is from constant on the orbits of the group on pairs (i, j):
 * the largest |Z_ij - Z_kl| over pairs joined by a generator, over max |Z|. */
static double orbit_spread(const conj_group *c, const long double *Z) {
  int n = c->n;
  long double worst = 0, big = 0;
  for (int i = 0; i < n * n; i++)
    big = fmaxl(big, fabsl(Z[i]));
  for (int k = 0; k < c->ngen; k++)
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) {
        const int *p = c->perm[k];
        worst = fmaxl(worst, fabsl(Z[i * n + j] - Z[p[i] * n + p[j]]));
      }
  return (double)(worst / big);
}

/* Checks a V -> V basis of a conjugated group: dimension, gap, the
 * constraint as given, and that it spans P (the commutant of sigma) P^-1:
 * every element unconjugates to an orbit-constant Z. */
static void check_v_to_v(const conj_group *c, weyl_basis_solver path, int want, double tol) {
  weyl_group *g = group_of(c);
  solved s = solve(g, "V", "V", path);
  const weyl_basis_report *r = weyl_basis_report_get(s.b);
  cr_assert_eq(weyl_basis_dim(s.b), want, "dim %d, want %d", weyl_basis_dim(s.b), want);
  cr_assert_geq(r->min_gap, WEYL_BASIS_SMALL_GAP, "gap %g", r->min_gap);
  double W[MAXN * MAXN];
  long double Z[MAXN * MAXN];
  for (int k = 0; k < want; k++) {
    cr_assert_eq(weyl_basis_element(s.b, k, W), WEYL_OK);
    cr_assert_leq(residual(&s, W), tol, "element %d: residual %g", k, residual(&s, W));
    unconjugate(c, W, Z);
    cr_assert_leq(orbit_spread(c, Z), tol, "element %d: spread %g", k, orbit_spread(c, Z));
  }
  solved_free(&s);
  weyl_group_free(g);
}

/* Without the averaging this was dimension 3 (the third element had a
 * relative residual of 0.7) with a gap of 5.7e5: no warning. */
Test(basis_ortho, scaled_s3_hom_v_v_is_span_of_i_and_j) {
  conj_group c = scaled_s3();
  check_v_to_v(&c, WEYL_BASIS_SOLVER_AUTO, 2, 1e-12);
  check_v_to_v(&c, WEYL_BASIS_SOLVER_DENSE, 2, 1e-12);
  check_v_to_v(&c, WEYL_BASIS_SOLVER_ITERATIVE, 2, 1e-12); /* not applicable without it */
}

/* A scaling by powers of two is undone exactly by the balancing alone: the
 * orthogonalised generators are the permutation matrices, bit for bit, and
 * the factor is diagonal. Without it: Hom(V, V) of dimension 3, gap 2.7e3
 * (no warning) at s = 4096. */
Test(basis_ortho, power_of_two_scaling_is_undone_by_balancing) {
  conj_group c = scaled_s3_by(4096.0L);
  weyl_group *g = group_of(&c);
  weyl_ortho_cache *cache = weyl_ortho_cache_new(g);
  cr_assert_not_null(cache);
  const double *M, *Minv;
  cr_assert(weyl_ortho_leaf(cache, 0, (size_t)1 << 30, &M, &Minv));
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      cr_assert(i == j || (M[i * 3 + j] == 0 && Minv[i * 3 + j] == 0));
  const weyl_leaf *l = &weyl_ortho_group(cache)->leaves[0];
  for (int k = 0; k < 2; k++)
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++)
        cr_assert_eq(l->disc[k].mat[i * 3 + j], c.perm[k][j] == i ? 1.0 : 0.0, "g%d (%d, %d)", k, i,
                     j);
  weyl_ortho_cache_free(cache);
  weyl_group_free(g);
  check_v_to_v(&c, WEYL_BASIS_SOLVER_AUTO, 2, 1e-12);
}

/* Hom(V, Scalar) of S3 is the row (1, 1, 1) P^-1 = (1e-4, 1, 1e4), up to scale. */
Test(basis_ortho, scaled_s3_hom_v_scalar_is_the_conjugated_sum) {
  conj_group c = scaled_s3();
  weyl_group *g = group_of(&c);
  solved s;
  check_dim(g, "V", "Scalar", 1, 1e-12, &s);
  double w[3];
  weyl_basis_element(s.b, 0, w);
  const double want[3] = {1e-4, 1, 1e4};
  for (int j = 0; j < 3; j++)
    cr_assert_float_eq(w[j] / w[2], want[j] / want[2], 1e-15 * want[j] / want[2], "w[%d] %g", j,
                       w[j]);
  solved_free(&s);
  weyl_group_free(g);
}

/* Hom(V (x) V, V): S3 has (27 + 3 * 1) / 6 = 5 orbits on triples of points
 * (Burnside; only the transpositions fix a triple, (2, 2, 2)). Without the
 * averaging: 17, gap 100. V**3 -> V**3 (729 x 729, the structured path
 * under auto): (729 + 3) / 6 = 122; without: 677, gap 1e6. */
Test(basis_ortho, scaled_s3_tensor_products_count_orbits) {
  conj_group c = scaled_s3();
  weyl_group *g = group_of(&c);
  check_dim(g, "V**2", "V", 5, 1e-12, NULL);
  check_dim(g, "V", "V**2", 5, 1e-12, NULL);
  check_dim(g, "V**2", "V.T", 5, 1e-12, NULL);
  check_dim(g, "V**3", "V**3", 122, 1e-12, NULL);
  weyl_group_free(g);
}

/* D4 on 4 corners: 3 orbits on pairs (same, adjacent, opposite corner).
 * Solved in the averaged basis (checked: the block gets a factor), and the
 * elements must come back to the given one. */
Test(basis_ortho, skewed_d4_hom_v_v_has_three_orbits) {
  conj_group c = skewed_d4();
  weyl_group *g = group_of(&c);
  cr_assert(has_factor(g, "V"), "no factor: the group was not enumerated or averaged");
  weyl_group_free(g);
  check_v_to_v(&c, WEYL_BASIS_SOLVER_AUTO, 3, 1e-10);
}

/* Hom(V (x) V, V) of D4: (64 + 2 * 2^3) / 8 = 10 orbits on triples (only
 * the two reflections through corners fix any: 8 triples each). The
 * generators of V (x) V have condition numbers up to 1e12 here. */
Test(basis_ortho, skewed_d4_tensor_square_to_v_is_certain) {
  conj_group c = skewed_d4();
  weyl_group *g = group_of(&c);
  check_dim(g, "V**2", "V", 10, 1e-8, NULL);
  weyl_group_free(g);
}

/* D(500) on the plane, rotation by 2 pi / 500 and a reflection, conjugated
 * by diag(1e4, 1e-4): 1000 elements, no invariant vector. Without the
 * averaging the bias came out 1-dimensional with a gap of 5e13. */
Test(basis_ortho, scaled_dihedral_500_has_no_invariant_vector) {
  char text[512];
  double c = cos(2 * 3.14159265358979323846 / 500), s = sin(2 * 3.14159265358979323846 / 500);
  snprintf(text, sizeof text,
           "group D500s\ngenerators r f\nrep V 2\n  r matrix %.17g %.17g %.17g %.17g\n"
           "  f matrix 1 0 0 -1\n",
           c, -s * 1e8, s * 1e-8, c);
  weyl_group *g = NULL;
  cr_assert_eq(weyl_repfile_parse(text, strlen(text), "d500.rep", &g), WEYL_OK);
  weyl_rep *v = parse(g, "V");
  weyl_basis *b = NULL;
  cr_assert_eq(weyl_basis_solve_bias(v, NULL, &b), WEYL_OK);
  cr_assert_eq(weyl_basis_dim(b), 0);
  cr_assert_geq(weyl_basis_report_get(b)->min_gap, WEYL_BASIS_SMALL_GAP);
  weyl_basis_free(b);
  cr_assert_eq(weyl_basis_solve(v, v, NULL, &b), WEYL_OK);
  cr_assert_eq(weyl_basis_dim(b), 1); /* an irreducible real rep: only the identity */
  weyl_basis_free(b);
  weyl_rep_free(v);
  weyl_group_free(g);
}

/* Orthogonal reps never get a factor, so they take the path they took
 * before: Q8's 4-dim rep (signed permutation matrices), Z8's rotation with
 * rounded sqrt(2)/2, the built-in D(6)'s V. And Q8's answer is right to
 * rounding: the commutant is the right multiplications by 1, i, j, k, each a
 * signed permutation, +-1/2 entries once normalised (1e-14: the last bits
 * depend on which BLAS kernels run; valgrind's CI run uses the SSE3 ones). */
Test(basis_ortho, orthogonal_reps_are_solved_as_given) {
  weyl_group *groups[3] = {NULL, NULL, builtin("D(6)")};
  const char *files[2] = {WEYL_REPS_DIR "/q8.rep", WEYL_REPS_DIR "/z8.rep"};
  const char *leaf[3] = {"quat", "rot", "V"};
  for (int i = 0; i < 2; i++)
    cr_assert_eq(weyl_repfile_load(files[i], &groups[i]), WEYL_OK, "%s", weyl_status_last_error());
  for (int i = 0; i < 3; i++)
    cr_assert(!has_factor(groups[i], leaf[i]), "%s: a factor for an orthogonal rep", leaf[i]);
  weyl_rep *q = parse(groups[0], "quat");
  weyl_basis *b = NULL;
  cr_assert_eq(weyl_basis_solve(q, q, NULL, &b), WEYL_OK);
  cr_assert_eq(weyl_basis_dim(b), 4);
  double W[16];
  for (int k = 0; k < 4; k++) {
    weyl_basis_element(b, k, W);
    for (int e = 0; e < 16; e++)
      cr_assert(fabs(W[e]) == 0.0 || fabs(fabs(W[e]) - 0.5) <= 1e-14, "element %d entry %d: %.17g",
                k, e, W[e]);
  }
  weyl_basis_free(b);
  weyl_rep_free(q);
  for (int i = 0; i < 3; i++)
    weyl_group_free(groups[i]);
}

/* When the generators do not generate a finite group (rounded entries:
 * 0.7071 is no rotation of finite order; diag(2, 1) is of infinite order),
 * the rep is solved as given, as before: a result, not a failure. */
Test(basis_ortho, no_finite_group_means_no_averaging_and_no_failure) {
  const char *texts[2] = {
      "group z8r\ngenerators g\nrep V 2\n  g matrix 0.7071 -0.7071 0.7071 0.7071\n",
      "group inf\ngenerators g\nrep V 2\n  g matrix 2 0 0 1\n"};
  for (int i = 0; i < 2; i++) {
    weyl_group *g = NULL;
    cr_assert_eq(weyl_repfile_parse(texts[i], strlen(texts[i]), "x.rep", &g), WEYL_OK);
    cr_assert(!has_factor(g, "V"), "%s", texts[i]);
    weyl_rep *v = parse(g, "V");
    weyl_basis *b = NULL;
    cr_assert_eq(weyl_basis_solve(v, v, NULL, &b), WEYL_OK, "%s", weyl_status_last_error());
    cr_assert_eq(weyl_basis_dim(b), 2); /* both commute with I and with themselves */
    weyl_basis_free(b);
    weyl_rep_free(v);
    weyl_group_free(g);
  }
}

/* The CLI on the scaled S3 file: dimension 2, and no warning. */
Test(basis_ortho, cli_prints_dimension_two_without_a_warning) {
  conj_group c = scaled_s3();
  char *text = rep_text(&c);
  char *out = cli_basis_output(text, "--in V --out V");
  cr_assert_not_null(strstr(out, "basis dimension: 2 "), "%s", out);
  cr_assert_null(strstr(out, "dimension uncertain"), "%s", out);
  free(text);
  free(out);
}

/* The Lorentz group in SI units (t in seconds, x in metres): the boosts
 * d/dv have entries 1/c^2 and 1. The dual's invariant vectors used to be 1
 * (e_t: the entry 1/c^2 that forbids it is below the relative tolerance),
 * with a gap of 8e15; the leaf is now balanced first (basis_ortho_leaf.c).
 * Worked by hand: vec is irreducible (Hom = 1), has no invariant vector nor
 * has its dual, V (x) V.T holds exactly one (the identity), and the form
 * invariant under K^T G + G K = 0 is G = diag(-c^2, 1, 1, 1). Hom(V**2,
 * V**2) is 4 as for SO(1,3) in natural units: 1 + 1 on the trace and the
 * symmetric traceless part, 2 on the 6 bivectors (the Hodge star, *^2 = -1). */
Test(basis_ortho, lorentz_in_si_units_is_balanced) {
  const double c = 299792458.0, ic2 = 1.0 / (c * c);
  static const int pairs[6][2] = {{1, 2}, {1, 3}, {2, 3}, {0, 1}, {0, 2}, {0, 3}};
  char text[2048] = "group LorentzSI\ngenerators\nalgebra Lxy Lxz Lyz Kx Ky Kz\nrep vec 4\n";
  static const char *names[6] = {"Lxy", "Lxz", "Lyz", "Kx", "Ky", "Kz"};
  for (int k = 0; k < 6; k++) {
    double A[16] = {0};
    int i = pairs[k][0], j = pairs[k][1];
    if (k < 3)
      A[i * 4 + j] = -1, A[j * 4 + i] = 1;
    else
      A[i * 4 + j] = ic2, A[j * 4 + i] = 1;
    size_t n = strlen(text);
    n += (size_t)snprintf(text + n, sizeof text - n, "  %s matrix", names[k]);
    for (int e = 0; e < 16; e++) n += (size_t)snprintf(text + n, sizeof text - n, " %.17g", A[e]);
    snprintf(text + n, sizeof text - n, "\n");
  }
  weyl_group *g = NULL;
  cr_assert_eq(weyl_repfile_parse(text, strlen(text), "si.rep", &g), WEYL_OK, "%s",
               weyl_status_last_error());
  static const struct {
    const char *in, *out;
    int dim, bias;
  } cases[] = {{"vec", "vec", 1, 0},         {"vec", "vec.T", 1, 0},
               {"vec.T", "vec", 1, 0},       {"vec.T", "vec.T", 1, 0},
               {"Scalar", "vec*vec.T", 1, 1}, {"vec*vec.T", "vec", 0, 0},
               {"vec**2", "vec**2", 4, 1}};
  for (size_t t = 0; t < sizeof cases / sizeof *cases; t++) {
    weyl_rep *in = parse(g, cases[t].in), *out = parse(g, cases[t].out);
    weyl_basis *b = NULL, *bias = NULL;
    cr_assert_eq(weyl_basis_solve(in, out, NULL, &b), WEYL_OK, "%s", weyl_status_last_error());
    cr_assert_eq(weyl_basis_solve_bias(out, NULL, &bias), WEYL_OK);
    cr_assert_eq(weyl_basis_dim(b), cases[t].dim, "%s -> %s", cases[t].in, cases[t].out);
    cr_assert_eq(weyl_basis_dim(bias), cases[t].bias, "bias of %s", cases[t].out);
    cr_assert_geq(weyl_basis_report_get(b)->min_gap, WEYL_BASIS_SMALL_GAP, "%s", cases[t].in);
    cr_assert_geq(weyl_basis_report_get(bias)->min_gap, WEYL_BASIS_SMALL_GAP, "%s", cases[t].out);
    if (t == 1) { /* vec -> vec.T: W = G up to scale, each entry on its own scale */
      double W[16];
      cr_assert_eq(weyl_basis_element(b, 0, W), WEYL_OK);
      for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
          if (i != j)
            cr_assert_leq(fabs(W[i * 4 + j]), 1e-9 * fabs(W[5]), "W[%d][%d] = %g", i, j,
                          W[i * 4 + j]);
      cr_assert_lt(fabs(W[0] / W[5] + c * c) / (c * c), 1e-9, "W_tt / W_xx = %g", W[0] / W[5]);
      cr_assert_lt(fabs(W[10] / W[5] - 1), 1e-9);
      cr_assert_lt(fabs(W[15] / W[5] - 1), 1e-9);
    }
    weyl_basis_free(b), weyl_basis_free(bias);
    weyl_rep_free(in), weyl_rep_free(out);
  }
  weyl_group_free(g);
}
