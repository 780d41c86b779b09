/* Convolutions, G-CNNs and DeepSets as special cases of the solver. Every
 * reference below is written directly as loops: the periodic 1-D and 2-D
 * cross-correlations, the p4/p4m lifting and group convolutions of Cohen and
 * Welling (ICML 2016), and DeepSets' a I + b 1 1^T. Each test checks both
 * directions: every solved W is such a layer (W x equals the reference for a
 * filter read off W), and every such layer is in the solved span (it equals
 * its own projection), with the dimension equal to the filter's parameters. */
#include <criterion/criterion.h>

#include "fixtures.h"
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "weyl/conv.h"

static int wrap(int a, int n) { return ((a % n) + n) % n; }

typedef struct {
  weyl_group *g;
  weyl_rep *in, *out;
  weyl_basis *b; /* the local basis when k > 0 */
} layer;

/* Solves in -> out of group and, for k > 0, keeps the k x k local part. */
static layer solve_local(const char *group, const char *in, const char *out, int k,
                         weyl_basis_solver solver) {
  layer L = {builtin(group), NULL, NULL, NULL};
  cr_assert_eq(weyl_rep_parse(L.g, in, &L.in), WEYL_OK, "%s", weyl_status_last_error());
  cr_assert_eq(weyl_rep_parse(L.g, out, &L.out), WEYL_OK, "%s", weyl_status_last_error());
  weyl_basis_opts o = {.solver = solver};
  cr_assert_eq(weyl_basis_solve(L.in, L.out, &o, &L.b), WEYL_OK, "%s", weyl_status_last_error());
  if (k > 0) {
    weyl_basis *local = NULL;
    cr_assert_eq(weyl_conv_local(L.in, L.out, L.b, k, 0, &local), WEYL_OK, "%s",
                 weyl_status_last_error());
    weyl_basis_free(L.b);
    L.b = local;
  }
  return L;
}

static void release(layer *L) {
  weyl_basis_free(L->b);
  weyl_rep_free(L->in);
  weyl_rep_free(L->out);
  weyl_group_free(L->g);
}

static double *random_vec(size_t n, unsigned long long *st) {
  double *x = malloc(n * sizeof *x);
  for (size_t i = 0; i < n; i++) x[i] = ref_rand(st);
  return x;
}

/* A random element of the span: W = sum theta_k B_k (out x in). */
static double *random_W(const layer *L, unsigned long long *st) {
  int d = weyl_basis_dim(L->b);
  double *theta = random_vec((size_t)d, st);
  double *W = malloc(sizeof(double) * weyl_basis_out_dim(L->b) * weyl_basis_in_dim(L->b));
  cr_assert_eq(weyl_basis_combine(L->b, theta, W), WEYL_OK);
  free(theta);
  return W;
}

/* |W x - y|_inf for the reference output y. */
static double apply_error(const double *W, const double *x, const double *y, int no, int ni) {
  double *Wx = malloc(sizeof(double) * no);
  ref_matmul(W, x, Wx, no, ni, 1);
  double e = ref_max_diff(Wx, y, (size_t)no);
  free(Wx);
  return e;
}

/* A matrix lies in the span iff projecting it changes nothing. */
static double outside_span(const layer *L, const double *W) {
  size_t n = (size_t)weyl_basis_out_dim(L->b) * weyl_basis_in_dim(L->b);
  double *P = malloc(n * sizeof *P);
  cr_assert_eq(weyl_basis_project(L->b, W, P), WEYL_OK);
  double e = ref_max_diff(W, P, n);
  free(P);
  return e;
}

/* ---- 1-D: circulants and cross-correlation ------------------------------------ */

/* y[i] = sum_{|d| <= r} w[d + r] x[i + d]  (periodic). */
static void ref_corr1d(const double *x, const double *w, int r, int n, double *y) {
  for (int i = 0; i < n; i++) {
    y[i] = 0;
    for (int d = -r; d <= r; d++) y[i] += w[d + r] * x[wrap(i + d, n)];
  }
}

/* Z(n) regular, enumerated: the element of index i is r^{pos[i]}, pos read off
 * the generator's permutation starting anywhere. */
static void cycle_positions(const weyl_rep *reg, int n, int *pos) {
  int *perm = malloc(sizeof(int) * n);
  cr_assert_eq(weyl_rep_perm(reg, 0, perm), WEYL_OK);
  for (int i = 0, at = 0; i < n; i++, at = perm[at]) pos[at] = i;
  free(perm);
}

Test(conv, Zn_regular_gives_circulants_and_local_gives_1d_correlation) {
  enum { N = 11 };
  unsigned long long st = 7;
  for (int k = 1; k <= 7; k += 2) {
    layer L = solve_local("Z(11)", "regular", "regular", 0, WEYL_BASIS_SOLVER_AUTO);
    cr_assert_eq(weyl_basis_dim(L.b), N, "circulants of size n: n parameters");
    int pos[N], at[N];
    cycle_positions(L.in, N, pos);
    for (int i = 0; i < N; i++) at[pos[i]] = i;
    /* The mask written here: |pos_i - pos_j| <= k/2 around the cycle. */
    unsigned char mask[N * N];
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++) {
        int d = wrap(pos[j] - pos[i], N);
        mask[i * N + j] = d <= k / 2 || N - d <= k / 2;
      }
    weyl_basis *local = NULL;
    cr_assert_eq(weyl_conv_restrict(L.b, mask, 0, &local), WEYL_OK, "%s", weyl_status_last_error());
    weyl_basis_free(L.b);
    L.b = local;
    cr_assert_eq(weyl_basis_dim(L.b), k, "a k-tap kernel has k parameters");
    double *W = random_W(&L, &st), *x = random_vec(N, &st), w[N], y[N], Wc[N * N], xc[N];
    /* In cycle coordinates (index at[a] is r^a): read the taps off row 0. */
    for (int d = -(k / 2); d <= k / 2; d++) w[d + k / 2] = W[at[0] * N + at[wrap(d, N)]];
    for (int a = 0; a < N; a++) xc[a] = x[at[a]];
    for (int a = 0; a < N; a++)
      for (int c = 0; c < N; c++) Wc[a * N + c] = W[at[a] * N + at[c]];
    ref_corr1d(xc, w, k / 2, N, y);
    cr_expect_lt(apply_error(Wc, xc, y, N, N), 1e-12, "k=%d: W x is the correlation", k);
    /* Conversely the correlation with random taps is in the span. */
    for (int d = 0; d < k; d++) w[d] = ref_rand(&st);
    memset(Wc, 0, sizeof Wc);
    for (int a = 0; a < N; a++)
      for (int d = -(k / 2); d <= k / 2; d++) Wc[at[a] * N + at[wrap(a + d, N)]] += w[d + k / 2];
    cr_expect_lt(outside_span(&L, Wc), 1e-12, "k=%d: the correlation is in the span", k);
    free(W), free(x);
    release(&L);
  }
}

Test(conv, T_n_local_is_the_1d_correlation) {
  enum { N = 9, K = 3 };
  unsigned long long st = 9;
  layer L = solve_local("T(9)", "V", "V", K, WEYL_BASIS_SOLVER_AUTO);
  cr_assert_eq(weyl_basis_dim(L.b), K);
  double *W = random_W(&L, &st), *x = random_vec(N, &st), w[K], y[N];
  for (int d = -1; d <= 1; d++) w[d + 1] = W[wrap(d, N)];
  ref_corr1d(x, w, 1, N, y);
  cr_expect_lt(apply_error(W, x, y, N, N), 1e-12);
  free(W), free(x);
  release(&L);
}

/* ---- 2-D: the 3x3 convolution with channels ---------------------------------- */

typedef struct {
  int h, w, cin, cout, r; /* r = kernel radius */
} conv2d;

/* K[((o*cin + i)*(2r+1) + dr+r)*(2r+1) + dc+r]; x is cin x h x w, y cout x h x w. */
static void ref_conv2d(const conv2d *c, const double *K, const double *x, double *y) {
  int s = 2 * c->r + 1, n2 = c->h * c->w;
  for (int o = 0; o < c->cout; o++)
    for (int p = 0; p < n2; p++) {
      double acc = 0;
      for (int i = 0; i < c->cin; i++)
        for (int dr = -c->r; dr <= c->r; dr++)
          for (int dc = -c->r; dc <= c->r; dc++) {
            int q = wrap(p / c->w + dr, c->h) * c->w + wrap(p % c->w + dc, c->w);
            acc += K[((o * c->cin + i) * s + dr + c->r) * s + dc + c->r] * x[i * n2 + q];
          }
      y[o * n2 + p] = acc;
    }
}

/* The kernels of W: what output pixel 0 of channel o sees at offset (dr, dc). */
static void read_kernels(const conv2d *c, const double *W, double *K) {
  int s = 2 * c->r + 1, n2 = c->h * c->w, in = c->cin * n2;
  for (int o = 0; o < c->cout; o++)
    for (int i = 0; i < c->cin; i++)
      for (int dr = -c->r; dr <= c->r; dr++)
        for (int dc = -c->r; dc <= c->r; dc++)
          K[((o * c->cin + i) * s + dr + c->r) * s + dc + c->r] =
              W[(size_t)(o * n2) * in + i * n2 + wrap(dr, c->h) * c->w + wrap(dc, c->w)];
}

/* The matrix of the convolution with kernels K (cout*n2 x cin*n2). */
static void conv2d_matrix(const conv2d *c, const double *K, double *W) {
  int n2 = c->h * c->w, in = c->cin * n2;
  double *x = calloc((size_t)in, sizeof *x), *y = malloc(sizeof(double) * c->cout * n2);
  for (int j = 0; j < in; j++) { /* column j = response to the unit vector e_j */
    x[j] = 1;
    ref_conv2d(c, K, x, y);
    for (int i = 0; i < c->cout * n2; i++) W[(size_t)i * in + j] = y[i];
    x[j] = 0;
  }
  free(x), free(y);
}

static void check_conv2d(const char *group, const conv2d *c, weyl_basis_solver solver) {
  char in[16], out[16];
  snprintf(in, sizeof in, "%d*V", c->cin);
  snprintf(out, sizeof out, "%d*V", c->cout);
  layer L = solve_local(group, in, out, 2 * c->r + 1, solver);
  int s = 2 * c->r + 1, n2 = c->h * c->w, ni = c->cin * n2, no = c->cout * n2;
  cr_assert_eq(weyl_basis_dim(L.b), c->cout * c->cin * s * s, "%s: c_out*c_in*k*k parameters",
               group);
  unsigned long long st = 3;
  size_t nk = (size_t)c->cout * c->cin * s * s;
  double *W = random_W(&L, &st), *x = random_vec((size_t)ni, &st), *K = malloc(nk * sizeof *K);
  double *y = malloc(sizeof(double) * no);
  read_kernels(c, W, K);
  ref_conv2d(c, K, x, y);
  cr_expect_lt(apply_error(W, x, y, no, ni), 1e-12, "%s: W x is the 2-D convolution", group);
  for (size_t i = 0; i < nk; i++) K[i] = ref_rand(&st);
  conv2d_matrix(c, K, W);
  cr_expect_lt(outside_span(&L, W), 1e-12, "%s: every 3x3 convolution is in the span", group);
  free(W), free(x), free(K), free(y);
  release(&L);
}

Test(conv, T_hw_local_3_is_the_2d_3x3_convolution_with_channels) {
  conv2d c = {6, 5, 2, 3, 1};
  check_conv2d("T(6,5)", &c, WEYL_BASIS_SOLVER_AUTO);
}

/* The dense solver gives an orthonormal basis: the local part is found by the
 * numerical intersection, and must be the same space. */
Test(conv, dense_basis_restricted_numerically_is_the_same_convolution) {
  conv2d c = {4, 5, 1, 2, 1};
  check_conv2d("T(4,5)", &c, WEYL_BASIS_SOLVER_DENSE);
}

Test(conv, T_16x16_local_3_has_dimension_9) {
  layer L = solve_local("T(16,16)", "V", "V", 3, WEYL_BASIS_SOLVER_AUTO);
  cr_expect_eq(weyl_basis_dim(L.b), 9);
  release(&L);
}

/* ---- kernels: invariant filters -------------------------------------------------- */

/* C4 moves every pixel but the centre in orbits of 4: 1 + (k^2-1)/4. D4 on an
 * odd k = 2m+1 kernel: the pixels (a, b) with 0 <= b <= a <= m of one octant,
 * (m+1)(m+2)/2 of them. */
Test(conv, invariant_kernels_centre_edges_corners) {
  char name[16];
  for (int k = 3; k <= 9; k += 2) {
    int m = k / 2;
    snprintf(name, sizeof name, "C4(%d)", k);
    layer L = solve_local(name, "V", "Scalar", 0, WEYL_BASIS_SOLVER_AUTO);
    cr_expect_eq(weyl_basis_dim(L.b), 1 + (k * k - 1) / 4, "%s", name);
    release(&L);
    snprintf(name, sizeof name, "D4(%d)", k);
    L = solve_local(name, "V", "Scalar", 0, WEYL_BASIS_SOLVER_AUTO);
    cr_expect_eq(weyl_basis_dim(L.b), (m + 1) * (m + 2) / 2, "%s", name);
    release(&L);
  }
}

/* D4 on 3x3: the three weights are the centre, the 4 edges and the 4 corners. */
Test(conv, D4_3x3_kernel_is_centre_edges_corners) {
  layer L = solve_local("D4(3)", "V", "Scalar", 0, WEYL_BASIS_SOLVER_AUTO);
  cr_assert_eq(weyl_basis_dim(L.b), 3);
  unsigned long long st = 5;
  double *w = random_W(&L, &st);
  for (int r = 0; r < 3; r++)
    for (int c = 0; c < 3; c++) {
      int ring = (r != 1) + (c != 1); /* 0 centre, 1 edge, 2 corner */
      int r0 = ring == 0 ? 1 : 0, c0 = ring == 2 ? 0 : 1; /* a representative */
      cr_expect_eq(w[r * 3 + c], w[r0 * 3 + c0], "(%d,%d)", r, c);
    }
  cr_expect_neq(w[4], w[1]);
  cr_expect_neq(w[1], w[0]);
  free(w);
  release(&L);
}

/* ---- p4 and p4m: lifting and group convolution ---------------------------------- */

/* The stabiliser element R^k F^f acting on an offset (dr, dc): R (dr, dc) =
 * (-dc, dr) is the quarter turn of conv.h, F (dr, dc) = (dr, -dc). */
static void turn(int k, int f, int *dr, int *dc) {
  if (f) *dc = -*dc;
  for (int i = 0; i < wrap(k, 4); i++) {
    int t = *dr;
    *dr = -*dc;
    *dc = t;
  }
}

/* g^{-1} applied to offset d for g = R^k F^f (no translation): F^f R^{-k} d. */
static void inverse_turn(int k, int f, int *dr, int *dc) {
  turn(-k, 0, dr, dc);
  if (f) *dc = -*dc;
}

typedef struct {
  int n, nstab, regular_in; /* grid, 4 or 8, 0 lifting / 1 group conv */
} gcnn;

/* Index of the stabiliser part of g^{-1} h for g = R^k F^f, h = R^l F^e:
 * F^f R^{l-k} F^e = R^{(-1)^f (l-k)} F^{f xor e}. */
static int relative_stab(int s_out, int s_in) {
  int k = s_out % 4, f = s_out / 4, l = s_in % 4, e = s_in / 4;
  return 4 * (f ^ e) + wrap(f ? k - l : l - k, 4);
}

/* One 3x3 filter psi: lifting psi[d], group conv psi[s][d] (s: stabiliser of
 * g^{-1} h). The direct computation: for each output (s_out, t), rotate the
 * offset into the filter's frame and, for the group conv, shift the
 * rotation/flip axis:  y[s_out][t] = sum x[s_in][t + d] psi[rel][g^{-1} d]. */
static void ref_gcnn(const gcnn *c, const double *psi, const double *x, double *y) {
  int n = c->n, n2 = n * n, nin = c->regular_in ? c->nstab : 1;
  for (int so = 0; so < c->nstab; so++)
    for (int t = 0; t < n2; t++) {
      double acc = 0;
      for (int si = 0; si < nin; si++)
        for (int dr = -1; dr <= 1; dr++)
          for (int dc = -1; dc <= 1; dc++) {
            int er = dr, ec = dc, q = wrap(t / n + dr, n) * n + wrap(t % n + dc, n);
            inverse_turn(so % 4, so / 4, &er, &ec);
            int rel = c->regular_in ? relative_stab(so, si) : 0;
            acc += psi[rel * 9 + (er + 1) * 3 + ec + 1] * x[si * n2 + q];
          }
      y[so * n2 + t] = acc;
    }
}

/* psi read off W: row g = identity (s = 0, t = 0) holds psi(h) at column h. */
static void read_filter(const gcnn *c, const double *W, double *psi) {
  int n = c->n, nin = c->regular_in ? c->nstab : 1;
  for (int s = 0; s < nin; s++)
    for (int dr = -1; dr <= 1; dr++)
      for (int dc = -1; dc <= 1; dc++)
        psi[s * 9 + (dr + 1) * 3 + dc + 1] = W[s * n * n + wrap(dr, n) * n + wrap(dc, n)];
}

static void gcnn_matrix(const gcnn *c, const double *psi, double *W) {
  int n2 = c->n * c->n, in = (c->regular_in ? c->nstab : 1) * n2, out = c->nstab * n2;
  double *x = calloc((size_t)in, sizeof *x), *y = malloc(sizeof(double) * out);
  for (int j = 0; j < in; j++) {
    x[j] = 1;
    ref_gcnn(c, psi, x, y);
    for (int i = 0; i < out; i++) W[(size_t)i * in + j] = y[i];
    x[j] = 0;
  }
  free(x), free(y);
}

static void check_gcnn(const char *group, const gcnn *c) {
  layer L =
      solve_local(group, c->regular_in ? "regular" : "V", "regular", 3, WEYL_BASIS_SOLVER_AUTO);
  int nin = c->regular_in ? c->nstab : 1, n2 = c->n * c->n, ni = nin * n2, no = c->nstab * n2;
  cr_assert_eq(weyl_basis_dim(L.b), nin * 9, "%s: %d parameters per filter pair", group, nin * 9);
  unsigned long long st = 11;
  for (int trial = 0; trial < 2; trial++) {
    double *W = random_W(&L, &st), *x = random_vec((size_t)ni, &st),
           *y = malloc(sizeof(double) * no);
    double psi[72];
    read_filter(c, W, psi);
    ref_gcnn(c, psi, x, y);
    cr_expect_lt(apply_error(W, x, y, no, ni), 1e-12, "%s: W x is the G-CNN layer", group);
    free(W), free(x), free(y);
  }
  double psi[72], *W = malloc(sizeof(double) * no * ni);
  for (int i = 0; i < 72; i++) psi[i] = ref_rand(&st);
  gcnn_matrix(c, psi, W);
  cr_expect_lt(outside_span(&L, W), 1e-12, "%s: every G-CNN filter is in the span", group);
  free(W);
  release(&L);
}

Test(conv, p4_lifting_is_the_gcnn_lifting_layer) {
  gcnn c = {5, 4, 0};
  check_gcnn("p4(5)", &c);
}

Test(conv, p4_group_conv_is_the_gcnn_group_convolution_36_per_pair) {
  gcnn c = {5, 4, 1};
  check_gcnn("p4(5)", &c);
}

Test(conv, p4m_lifting_is_the_gcnn_lifting_layer) {
  gcnn c = {4, 8, 0};
  check_gcnn("p4m(4)", &c);
}

Test(conv, p4m_group_conv_is_the_gcnn_group_convolution_72_per_pair) {
  gcnn c = {4, 8, 1};
  check_gcnn("p4m(4)", &c);
}

Test(conv, p4_16_lifting_and_group_conv_dimensions) {
  layer L = solve_local("p4(16)", "V", "regular", 3, WEYL_BASIS_SOLVER_AUTO);
  cr_expect_eq(weyl_basis_dim(L.b), 9);
  release(&L);
  L = solve_local("p4(16)", "2*V", "3*regular", 3, WEYL_BASIS_SOLVER_AUTO);
  cr_expect_eq(weyl_basis_dim(L.b), 2 * 3 * 9);
  release(&L);
}

/* The regular leaf is the regular rep: it has as many points as the group has
 * elements (counted by enumeration) and the group moves point 0 everywhere. */
Test(conv, regular_leaf_is_simply_transitive) {
  const char *names[] = {"T(7)", "T(3,4)", "p4(3)", "p4(4)", "p4m(3)"};
  long expect[] = {7, 12, 36, 64, 72};
  for (int i = 0; i < 5; i++) {
    weyl_group *g = builtin(names[i]);
    weyl_rep *reg = NULL;
    cr_assert_eq(weyl_rep_parse(g, "regular", &reg), WEYL_OK);
    long order = 0;
    cr_assert_eq(weyl_group_order(g, 0, &order), WEYL_OK);
    int d = weyl_rep_dim(reg);
    cr_expect_eq(order, expect[i], "%s order", names[i]);
    cr_expect_eq(d, order, "%s", names[i]);
    int *seen = calloc((size_t)d, sizeof *seen), *queue = malloc(sizeof(int) * d);
    int *perm = malloc(sizeof(int) * d), head = 0, tail = 0;
    seen[0] = 1, queue[tail++] = 0;
    while (head < tail) {
      int p = queue[head++];
      for (int k = 0; k < weyl_group_ndisc(g); k++) {
        weyl_rep_perm(reg, k, perm);
        if (!seen[perm[p]]) seen[perm[p]] = 1, queue[tail++] = perm[p];
      }
    }
    cr_expect_eq(tail, d, "%s: transitive", names[i]);
    free(seen), free(queue), free(perm);
    weyl_rep_free(reg);
    weyl_group_free(g);
  }
}

/* ---- sets: DeepSets ---------------------------------------------------------------- */

Test(conv, Sn_on_sets_is_deepsets) {
  enum { N = 6 };
  layer L = solve_local("S(6)", "V", "V", 0, WEYL_BASIS_SOLVER_AUTO);
  cr_assert_eq(weyl_basis_dim(L.b), 2);
  unsigned long long st = 13;
  double *W = random_W(&L, &st), ref[N * N];
  double a = W[0] - W[1], b = W[1];
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) ref[i * N + j] = (i == j ? a : 0) + b;
  cr_expect_lt(ref_max_diff(W, ref, N * N), 1e-15, "W = a I + b 1 1^T");
  for (int i = 0; i < N * N; i++) ref[i] = (i % (N + 1) == 0) + 0.0; /* I */
  cr_expect_lt(outside_span(&L, ref), 1e-15);
  for (int i = 0; i < N * N; i++) ref[i] = 1; /* 1 1^T */
  cr_expect_lt(outside_span(&L, ref), 1e-15);
  free(W);
  release(&L);
  L = solve_local("S(5)", "V*V", "V*V", 0, WEYL_BASIS_SOLVER_AUTO);
  cr_expect_eq(weyl_basis_dim(L.b), 15, "graphs: the Bell number B_4");
  release(&L);
}

/* ---- refusals ------------------------------------------------------------------------ */

Test(conv, bad_input_is_refused) {
  weyl_group *g = NULL;
  cr_expect_eq(weyl_group_builtin("p4(33)", &g), WEYL_ELIMIT);
  cr_expect_eq(weyl_group_builtin("p4(3,3)", &g), WEYL_EPARSE);
  cr_expect_eq(weyl_group_builtin("T(0)", &g), WEYL_EPARSE);
  cr_expect_null(g);
  layer L = solve_local("S(5)", "V", "V", 0, WEYL_BASIS_SOLVER_AUTO);
  weyl_basis *local = NULL;
  cr_expect_eq(weyl_conv_local(L.in, L.out, L.b, 3, 0, &local), WEYL_EINVAL);
  cr_expect(strstr(weyl_status_last_error(), "not a grid group") != NULL);
  release(&L);
  /* A grid factor makes a plain product: the pixels of its V are not the product's. */
  L = solve_local("T(3) x Z(2)", "V", "V", 0, WEYL_BASIS_SOLVER_AUTO);
  cr_expect_eq(weyl_conv_local(L.in, L.out, L.b, 3, 0, &local), WEYL_EINVAL);
  cr_expect(strstr(weyl_status_last_error(), "not a grid group") != NULL);
  release(&L);
  L = solve_local("T(5)", "V", "V", 0, WEYL_BASIS_SOLVER_AUTO);
  cr_expect_eq(weyl_conv_local(L.in, L.out, L.b, 2, 0, &local), WEYL_EINVAL);
  cr_expect_null(local);
  release(&L);
  L = solve_local("T(3)", "V*V", "V", 0, WEYL_BASIS_SOLVER_AUTO);
  cr_expect_eq(weyl_conv_local(L.in, L.out, L.b, 3, 0, &local), WEYL_EINVAL);
  release(&L);
}

/* A Scalar sits on no pixel, so locality leaves its maps alone: V + Scalar ->
 * V keeps the 9 local weights and the 1 map Scalar -> V (the constant). */
/* Z(n) is T(n): --local gives the same k-tap correlations (k of them for
 * V -> V), and a character (Z(2m)'s sign) sits on no pixel, like a Scalar. */
Test(conv, Zn_is_Tn_for_locality) {
  for (int n = 5; n <= 12; n++)
    for (int k = 1; k <= 5 && k <= n; k += 2) {
      char name[16];
      snprintf(name, sizeof name, "Z(%d)", n);
      layer L = solve_local(name, "V", "V", k, WEYL_BASIS_SOLVER_AUTO);
      cr_expect_eq(weyl_basis_dim(L.b), k, "%s --local %d", name, k);
      release(&L);
    }
  layer L = solve_local("Z(8)", "V + sign", "V", 3, WEYL_BASIS_SOLVER_AUTO);
  cr_expect_eq(weyl_basis_dim(L.b), 3 + 1, "sign -> V: the alternating vector, kept whole");
  release(&L);
}

Test(conv, scalar_summands_are_not_restricted) {
  layer L = solve_local("T(5,5)", "V + Scalar", "V", 3, WEYL_BASIS_SOLVER_AUTO);
  cr_expect_eq(weyl_basis_dim(L.b), 9 + 1);
  release(&L);
  L = solve_local("T(5,5)", "V", "V + Scalar", 3, WEYL_BASIS_SOLVER_AUTO);
  cr_expect_eq(weyl_basis_dim(L.b), 9 + 1, "V -> Scalar: the sum of the pixels");
  release(&L);
}

/* Restricting keeps how each block was solved, and the local pattern of T(6)
 * V -> V leaves exactly the entries with (j - i) mod 6 outside {5, 0, 1}
 * untouched (-1). */
Test(conv, local_basis_keeps_block_paths_and_leaves_far_entries_unlabelled) {
  const weyl_basis_solver solvers[2] = {WEYL_BASIS_SOLVER_AUTO, WEYL_BASIS_SOLVER_DENSE};
  const char *paths[2] = {"orbit", "dense"};
  for (int t = 0; t < 2; t++) {
    layer L = solve_local("T(6)", "V", "V", 3, solvers[t]);
    weyl_basis_block_info info;
    cr_assert_eq(weyl_basis_block_info_get(L.b, 0, &info), WEYL_OK, "%s", weyl_status_last_error());
    cr_expect_str_eq(info.path, paths[t]);
    release(&L);
  }
  layer L = solve_local("T(6)", "V", "V", 3, WEYL_BASIS_SOLVER_AUTO);
  int label[36];
  cr_assert_eq(weyl_basis_pattern(L.b, label, NULL), WEYL_OK, "%s", weyl_status_last_error());
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 6; j++) {
      int d = wrap(j - i, 6), near = d == 0 || d == 1 || d == 5;
      cr_expect_eq(label[6 * i + j] >= 0, near, "(%d, %d): label %d", i, j, label[6 * i + j]);
    }
  release(&L);
}
