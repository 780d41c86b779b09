/* weyl_bench: how long weyl takes to solve for an equivariant basis, next to
 * the dense LAPACK reference (bare dgesdd on the same stacked constraint, run
 * in this process), with a check of every result so that a fast wrong answer
 * cannot pass: the dimension against a value known by other means, and the
 * constraint residual of a random combination of the basis, computed here
 * from the generators (permutations or dense matrices), not by the solver.
 *
 *   weyl_bench [--quick]      (make bench)
 *
 * Rows marked [dense] or [iterative] force that path (auto would choose
 * another): the path's time beside auto's.
 * The baseline is skipped ("-") when its matrix would pass 4 GiB or its
 * estimated time 60 s (2 s with --quick). Times are wall seconds of
 * weyl_basis_solve alone (groups and reps are built before the clock starts). */
#define _POSIX_C_SOURCE 200809L
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "group/group_impl.h"
#include "weyl/basis.h"
#include "weyl/repfile.h"

#define GIB 1073741824.0
#define BASE_RATE 1.2e10 /* flop/s assumed for the baseline: Z(64) measured 67 s here */

typedef struct {
  const char *group; /* built-in name, or "D4px(n)" / "p4px(n)" for pixel grids */
  int grid;          /* n for the pixel groups */
  const char *in, *out;
  long known;         /* the basis dimension, known by counting (see README) */
  int quick;          /* part of --quick */
  weyl_basis_solver solver; /* AUTO unless the row measures one path */
} bench_case;

static const bench_case CASES[] = {
    {"Z(64)", 0, "regular", "regular", 64, 1, WEYL_BASIS_SOLVER_AUTO},
    {"Z(256)", 0, "regular", "regular", 256, 1, WEYL_BASIS_SOLVER_AUTO},
    {"Z(1024)", 0, "regular", "regular", 1024, 0, WEYL_BASIS_SOLVER_AUTO},
    {"S(7)", 0, "V*V", "V*V", 15, 1, WEYL_BASIS_SOLVER_AUTO},
    {"S(12)", 0, "V*V", "V*V", 15, 0, WEYL_BASIS_SOLVER_AUTO},
    {"S(20)", 0, "V*V", "V*V", 15, 0, WEYL_BASIS_SOLVER_AUTO},
    /* D4 about the grid centre (n even): Burnside gives (n^4 + 2 n^2) / 8 orbits. */
    {"D4px", 16, "V", "V", (16L * 16 * 16 * 16 + 2 * 16 * 16) / 8, 1, WEYL_BASIS_SOLVER_AUTO},
    {"D4px", 32, "V", "V", (32L * 32 * 32 * 32 + 2 * 32 * 32) / 8, 0, WEYL_BASIS_SOLVER_AUTO},
    /* p4 on the n x n torus: orbits of differences under C4, (n^2 + 8) / 4. */
    {"p4px", 16, "V", "V", (16 * 16 + 8) / 4, 1, WEYL_BASIS_SOLVER_AUTO},
    {"p4px", 32, "V", "V", (32 * 32 + 8) / 4, 0, WEYL_BASIS_SOLVER_AUTO},
    {"SO(3)", 0, "V**3", "V**3", 15, 1, WEYL_BASIS_SOLVER_AUTO},
    /* The dense path itself against bare dgesdd on the same matrix. */
    {"SO(3)", 0, "V**3", "V**3", 15, 1, WEYL_BASIS_SOLVER_DENSE},
    {"S(7)", 0, "V*V", "V*V", 15, 0, WEYL_BASIS_SOLVER_DENSE},
    {"SO(3)", 0, "V**4", "V**4", 91, 1, WEYL_BASIS_SOLVER_AUTO},
    /* The isotypic path (auto) against the structured path auto took before
     * it. SO(3) on V**n -> V**n: sum over spins of the squared Clebsch-Gordan
     * multiplicities (V**5: 1,4,10,15,15,6; V**6: 1,5,15,29,40,36,15); SO(4)
     * V**4 -> V**4: 196, the count of issue 14 (SO(4) = SU(2) x SU(2) on
     * (1/2,1/2)**4: multiplicities 1,3,3,3,1,1,... squared and summed). */
    {"SO(3)", 0, "V**3", "V**3", 15, 1, WEYL_BASIS_SOLVER_ITERATIVE},
    {"SO(3)", 0, "V**4", "V**4", 91, 0, WEYL_BASIS_SOLVER_ITERATIVE},
    {"SO(3)", 0, "V**5", "V**5", 603, 1, WEYL_BASIS_SOLVER_AUTO},
    {"SO(4)", 0, "V**4", "V**4", 196, 0, WEYL_BASIS_SOLVER_AUTO},
    {"SO(3)", 0, "V**6", "V**6", 4213, 0, WEYL_BASIS_SOLVER_AUTO},
    {"O(3)", 0, "V**4", "Scalar", 3, 1, WEYL_BASIS_SOLVER_AUTO},
    {"SO(1,3)", 0, "V**4", "Scalar", 4, 1, WEYL_BASIS_SOLVER_AUTO},
    /* 16*16 S->S + 16*8 S->V2 + 16*16 V->V + 16*8 V->V2 + 8*8*3 V2->V2
     * + 8*16 V2->S + 8*16 V2->V = 1216 (Hom dims of SO(3): 1, 1, 1, 1, 3, 1, 1). */
    {"SO(3)", 0, "16*Scalar + 16*V + 8*V**2", "16*Scalar + 16*V + 8*V**2", 1216, 1,
     WEYL_BASIS_SOLVER_AUTO},
    /* p6m on the n x n hexagonal torus (reps/p6m_hexN.rep): a steerable
     * vector field. Known by characters, (1/|G|) sum_g fix(g)^2 tr(g|vec)^k
     * (tests/test_basis_stab.c counts them). The [iterative] rows are the path
     * auto took before the stabiliser path. */
    {"p6m_hex6.rep", 0, "pts*vec", "pts", 5, 1, WEYL_BASIS_SOLVER_AUTO},
    {"p6m_hex6.rep", 0, "pts*vec", "pts", 5, 1, WEYL_BASIS_SOLVER_ITERATIVE},
    {"p6m_hex6.rep", 0, "pts*vec", "pts*vec", 14, 1, WEYL_BASIS_SOLVER_AUTO},
    {"p6m_hex6.rep", 0, "pts*vec", "pts*vec", 14, 1, WEYL_BASIS_SOLVER_ITERATIVE},
    {"p6m_hex12.rep", 0, "pts*vec", "pts", 23, 1, WEYL_BASIS_SOLVER_AUTO},
    {"p6m_hex12.rep", 0, "pts*vec", "pts", 23, 0, WEYL_BASIS_SOLVER_ITERATIVE},
    {"p6m_hex12.rep", 0, "pts*vec", "pts*vec", 50, 1, WEYL_BASIS_SOLVER_AUTO},
};

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* ---------- pixel groups, built here from permutations ---------- */

typedef void (*pixel_map)(int n, int x, int y, int *u, int *v);

static void rot90(int n, int x, int y, int *u, int *v) { *u = n - 1 - y, *v = x; }
static void flip(int n, int x, int y, int *u, int *v) { *u = n - 1 - x, *v = y; }
static void shift_x(int n, int x, int y, int *u, int *v) { *u = (x + 1) % n, *v = y; }
static void shift_y(int n, int x, int y, int *u, int *v) { *u = x, *v = (y + 1) % n; }
/* On the torus p4 rotates about pixel (0, 0). */
static void rot90_torus(int n, int x, int y, int *u, int *v) { *u = (n - y) % n, *v = x; }

static int set_perm(weyl_action *a, int n, pixel_map f) {
  a->perm = malloc((size_t)n * n * sizeof *a->perm);
  if (!a->perm)
    return 0;
  for (int x = 0; x < n; x++)
    for (int y = 0; y < n; y++) {
      int u, v;
      f(n, x, y, &u, &v);
      a->perm[x * n + y] = u * n + v;
    }
  return 1;
}

static weyl_group *pixel_group(const char *kind, int n) {
  static const char *const d4_names[] = {"r", "f"}, *const p4_names[] = {"tx", "ty", "r"};
  int d4 = !strcmp(kind, "D4px");
  char label[32];
  snprintf(label, sizeof label, "%s_%dx%d", d4 ? "D4" : "p4", n, n);
  weyl_group *g = weyl_group_new(label, d4 ? 2 : 3, d4 ? d4_names : p4_names, 0, NULL);
  weyl_leaf *v = g ? weyl_group_add_leaf(g, "V", n * n) : NULL;
  int ok = v != NULL;
  if (ok && d4)
    ok = set_perm(&v->disc[0], n, rot90) && set_perm(&v->disc[1], n, flip);
  if (ok && !d4)
    ok = set_perm(&v->disc[0], n, shift_x) && set_perm(&v->disc[1], n, shift_y) &&
         set_perm(&v->disc[2], n, rot90_torus);
  if (!ok)
    weyl_group_free(g);
  return ok ? g : NULL;
}

/* ---------- independent check of a result ---------- */

static double frob(const double *a, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; i++)
    s += a[i] * a[i];
  return sqrt(s);
}

/* |W[po[i]][pi[j]] - W[i][j]|_F over all discrete generators (largest). */
static double perm_residual(const weyl_rep *in, const weyl_rep *out, const double *W) {
  int ni = weyl_rep_dim(in), no = weyl_rep_dim(out), ng = weyl_group_ndisc(weyl_rep_group(in));
  int *pi = malloc((size_t)ni * sizeof *pi), *po = malloc((size_t)no * sizeof *po);
  double worst = 0;
  for (int k = 0; pi && po && k < ng; k++) {
    weyl_rep_perm(in, k, pi);
    weyl_rep_perm(out, k, po);
    double s = 0;
    for (int i = 0; i < no; i++)
      for (int j = 0; j < ni; j++) {
        double d = W[(size_t)po[i] * ni + pi[j]] - W[(size_t)i * ni + j];
        s += d * d;
      }
    if (sqrt(s) > worst)
      worst = sqrt(s);
  }
  free(pi);
  free(po);
  return worst;
}

/* Generator k (discrete first, then algebra) as a dense matrix. */
static int gen_matrix(const weyl_rep *r, int k, double *m) {
  int nd = weyl_group_ndisc(weyl_rep_group(r));
  return (k < nd ? weyl_rep_rho(r, k, m) : weyl_rep_drho(r, k - nd, m)) == WEYL_OK;
}

/* |rho_out W - W rho_in|_F over all generators (largest), with dense BLAS. */
static double dense_residual(const weyl_rep *in, const weyl_rep *out, const double *W) {
  const weyl_group *g = weyl_rep_group(in);
  int ni = weyl_rep_dim(in), no = weyl_rep_dim(out);
  size_t n = (size_t)ni * no;
  double *ri = malloc((size_t)ni * ni * sizeof *ri), *ro = malloc((size_t)no * no * sizeof *ro);
  double *r = malloc(n * sizeof *r), worst = 0;
  for (int k = 0; ri && ro && r && k < weyl_group_ndisc(g) + weyl_group_nalg(g); k++) {
    if (!gen_matrix(in, k, ri) || !gen_matrix(out, k, ro))
      return INFINITY;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, no, ni, no, 1.0, ro, no, W, ni, 0.0, r,
                ni);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, no, ni, ni, -1.0, W, ni, ri, ni, 1.0, r,
                ni);
    double e = frob(r, n);
    if (e > worst)
      worst = e;
  }
  free(ri), free(ro), free(r);
  return worst;
}

/* Relative residual of a random combination of the basis (every element must
 * satisfy the constraint, so a random mix of them must too). */
static double check_residual(const weyl_rep *in, const weyl_rep *out, const weyl_basis *b) {
  size_t n = (size_t)weyl_rep_dim(in) * weyl_rep_dim(out);
  int dim = weyl_basis_dim(b);
  double *theta = malloc((dim > 0 ? (size_t)dim : 1) * sizeof *theta);
  double *W = malloc(n * sizeof *W), res = INFINITY;
  unsigned long long st = 88172645463325252ULL;
  for (int k = 0; theta && k < dim; k++) {
    st ^= st << 13, st ^= st >> 7, st ^= st << 17;
    theta[k] = (double)(st >> 11) / 9007199254740992.0 - 0.5;
  }
  if (theta && W && weyl_basis_combine(b, theta, W) == WEYL_OK) {
    double wn = frob(W, n);
    double r = weyl_rep_is_perm(in) && weyl_rep_is_perm(out) ? perm_residual(in, out, W)
                                                             : dense_residual(in, out, W);
    res = wn > 0 ? r / wn : (dim == 0 ? 0 : INFINITY);
  }
  free(theta);
  free(W);
  return res;
}

/* ---------- the dense baseline: dgesdd on the stacked constraint ---------- */

/* Column-major (ngen*d) x d, rows of generator k at k*d: entry
 * ((i,j), (p,q)) = ro[i][p] delta(j,q) - delta(i,p) ri[q][j]. */
static double *stacked(const weyl_rep *in, const weyl_rep *out, size_t m) {
  const weyl_group *g = weyl_rep_group(in);
  int ni = weyl_rep_dim(in), no = weyl_rep_dim(out);
  size_t d = (size_t)ni * no;
  double *C = calloc(m * d, sizeof *C);
  double *ri = malloc((size_t)ni * ni * sizeof *ri), *ro = malloc((size_t)no * no * sizeof *ro);
  int ok = C && ri && ro;
  for (int k = 0; ok && k < weyl_group_ndisc(g) + weyl_group_nalg(g); k++) {
    ok = gen_matrix(in, k, ri) && gen_matrix(out, k, ro);
    for (int i = 0; ok && i < no; i++)
      for (int j = 0; j < ni; j++) {
        size_t row = (size_t)k * d + (size_t)i * ni + j;
        for (int p = 0; p < no; p++)
          C[((size_t)p * ni + j) * m + row] += ro[i * no + p];
        for (int q = 0; q < ni; q++)
          C[((size_t)i * ni + q) * m + row] -= ri[q * ni + j];
      }
  }
  free(ri), free(ro);
  if (!ok)
    free(C);
  return ok ? C : NULL;
}

/* Seconds of bare dgesdd, or a negative number when it is skipped. */
static double baseline(const weyl_rep *in, const weyl_rep *out, double limit_s) {
  const weyl_group *g = weyl_rep_group(in);
  double d = (double)weyl_rep_dim(in) * weyl_rep_dim(out);
  int ng = weyl_group_ndisc(g) + weyl_group_nalg(g);
  double m = d * (ng > 0 ? ng : 1);
  double flops = 4 * m * d * d + 8 * d * d * d; /* QR of the tall matrix + SVD with vectors */
  if (8 * (m * d + 2 * d * d) > 4 * GIB || flops / BASE_RATE > limit_s)
    return -1;
  double *C = stacked(in, out, (size_t)m);
  double *sv = malloc((size_t)d * sizeof *sv), *vt = malloc((size_t)(d * d) * sizeof *vt);
  double t = -1;
  if (C && sv && vt) {
    double t0 = now();
    lapack_int info = LAPACKE_dgesdd(LAPACK_COL_MAJOR, 'O', (lapack_int)m, (lapack_int)d, C,
                                     (lapack_int)m, sv, NULL, (lapack_int)m, vt, (lapack_int)d);
    t = info == 0 ? now() - t0 : -1;
  }
  free(C), free(sv), free(vt);
  return t;
}

/* ---------- one row of the table ---------- */

static weyl_group *case_group(const bench_case *c) {
  if (c->grid)
    return pixel_group(c->group, c->grid);
  weyl_group *g = NULL;
  if (strstr(c->group, ".rep")) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", WEYL_REPS_DIR, c->group);
    return weyl_repfile_load(path, &g) == WEYL_OK ? g : NULL;
  }
  return weyl_group_builtin(c->group, &g) == WEYL_OK ? g : NULL;
}

static void paths(const weyl_basis_report *r, char *buf, size_t cap) {
  snprintf(buf, cap, "%s%s%s%s%s", r->n_orbit ? "orbit " : "", r->n_dense ? "dense " : "",
           r->n_iterative ? "iterative " : "", r->n_stabiliser ? "stabiliser" : "",
           r->n_isotypic ? "isotypic" : "");
}

static int run_case(const bench_case *c, double limit_s) {
  char name[64], pair[64];
  snprintf(pair, sizeof pair, "%s -> %s", c->in, strcmp(c->in, c->out) ? c->out : "same");
  if (c->grid)
    snprintf(name, sizeof name, "%s %dx%d", c->group[0] == 'D' ? "D4" : "p4", c->grid, c->grid);
  else
    snprintf(name, sizeof name, "%.*s%s%s%s", (int)strcspn(c->group, "."), c->group,
             c->solver ? " [" : "", c->solver ? weyl_basis_solver_name(c->solver) : "",
             c->solver ? "]" : "");
  weyl_group *g = case_group(c);
  weyl_rep *in = NULL, *out = NULL;
  weyl_basis *b = NULL;
  if (!g || weyl_rep_parse(g, c->in, &in) || weyl_rep_parse(g, c->out, &out)) {
    printf("%-20s %-30s setup failed: %s\n", name, pair, weyl_status_last_error());
    weyl_rep_free(in), weyl_group_free(g);
    return 1;
  }
  long d = (long)weyl_rep_dim(in) * weyl_rep_dim(out);
  weyl_basis_opts opts = {.solver = c->solver, .max_bytes = (size_t)4 << 30};
  double t0 = now();
  weyl_status s = weyl_basis_solve(in, out, &opts, &b);
  double t = now() - t0;
  int bad = 1;
  if (s != WEYL_OK) {
    printf("%-20s %-30s %9ld solve failed: %s\n", name, pair, d, weyl_status_last_error());
  } else {
    double res = check_residual(in, out, b), base = baseline(in, out, limit_s);
    bad = weyl_basis_dim(b) != c->known || !(res < 1e-10);
    char used[48];
    paths(weyl_basis_report_get(b), used, sizeof used);
    char bs[16] = "-", ratio[16] = "-";
    if (base >= 0)
      snprintf(bs, sizeof bs, "%.3f", base), snprintf(ratio, sizeof ratio, "%.2f", t / base);
    printf("%-20s %-30s %9ld %7d %7ld %-15s %8.3f %9s %6s %9.1e %s\n", name, pair, d,
           weyl_basis_dim(b), c->known, used, t, bs, ratio, res, bad ? "FAIL" : "ok");
  }
  fflush(stdout);
  weyl_basis_free(b);
  weyl_rep_free(in), weyl_rep_free(out);
  weyl_group_free(g);
  return bad;
}

int main(int argc, char **argv) {
  int quick = argc > 1 && !strcmp(argv[1], "--quick");
  if (argc > 2 || (argc == 2 && !quick)) {
    fprintf(stderr, "usage: weyl_bench [--quick]\n");
    return 2;
  }
  double limit = quick ? 2.0 : 60.0;
  printf("%-20s %-30s %9s %7s %7s %-15s %8s %9s %6s %9s %s\n", "group", "in -> out", "d=in*out",
         "dim", "known", "path", "weyl s", "dgesdd s", "ratio", "residual", "check");
  int failed = 0;
  for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++)
    if (!quick || CASES[i].quick)
      failed += run_case(&CASES[i], limit);
  printf("baseline '-': skipped, its matrix would pass 4 GiB or its estimated time %.0f s\n",
         limit);
  return failed ? 1 : 0;
}
