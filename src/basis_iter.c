/* The structured path for large general blocks (see basis.h): the d x d
 * constraint (d = out * in) is never formed.
 *
 * Generator k's constraint is C_k(W) = A W + W B with A = rho_out(k) and
 * B = -rho_in(k): a Kronecker sum. With real Schur forms A = Q T Q^T and
 * B = Z S Z^T, W = Q X Z^T gives C_k(W) = Q (T X + X S) Z^T. When A and B are
 * normal, T and S are block diagonal (1x1 and 2x2 blocks), so X splits into
 * independent t x s pieces X_ab with eigenvalues lambda_a + mu_b: the null
 * vectors of C_k are exactly Q_a x Z_b^T for the block pairs whose
 * eigenvalues cancel, orthonormal, found in O(no^3 + ni^3 + pairs).
 *
 * Stage 2 restricts the other generators to that n1-dimensional subspace:
 * their images of the n1 vectors (each a product of thin factors, so cheap)
 * form an ((K-1) d) x n1 matrix whose nullspace comes from QR + SVD. A
 * final check applies every generator to every returned element with two
 * small matrix products. */
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "basis_impl.h"
#include "group_impl.h"
#include "status_impl.h"

/* Off-block entries of a normal matrix's Schur form are rounding noise; past
 * this (relative to |A|_F) the matrix is not treated as normal. */
#define NORMAL_TOL 1e-10

typedef struct {
  int n, nb;
  double *T, *Q;    /* row-major n x n: T = Q^T A Q */
  double *re, *im;  /* eigenvalues, in the order of T's diagonal */
  int *start;       /* block b covers rows start[b] .. start[b+1]-1 */
} schur_form;

static void schur_free(schur_form *s) {
  free(s->T), free(s->Q), free(s->re), free(s->im), free(s->start);
  memset(s, 0, sizeof *s);
}

/* Splits T into its diagonal blocks and reports whether everything outside
 * them is negligible (A normal). */
static int schur_blocks(schur_form *s) {
  int n = s->n;
  s->nb = 0;
  for (int i = 0; i < n;) {
    s->start[s->nb++] = i;
    i += (i + 1 < n && s->T[(size_t)(i + 1) * n + i] != 0.0) ? 2 : 1;
  }
  s->start[s->nb] = n;
  double off = 0, all = 0;
  for (int b = 0; b < s->nb; b++)
    for (int i = s->start[b]; i < s->start[b + 1]; i++)
      for (int j = 0; j < n; j++) {
        double v = s->T[(size_t)i * n + j];
        all += v * v;
        if (j < s->start[b] || j >= s->start[b + 1]) off += v * v;
      }
  return off <= NORMAL_TOL * NORMAL_TOL * all;
}

/* Real Schur form of the row-major n x n matrix A (scaled by sign). */
static weyl_status schur_of(const double *A, int n, double sign, schur_form *s, int *normal) {
  s->n = n;
  s->T = malloc((size_t)n * n * sizeof *s->T);
  s->Q = malloc((size_t)n * n * sizeof *s->Q);
  s->re = malloc((size_t)n * sizeof *s->re);
  s->im = malloc((size_t)n * sizeof *s->im);
  s->start = malloc((size_t)(n + 1) * sizeof *s->start);
  if (!s->T || !s->Q || !s->re || !s->im || !s->start)
    return weyl_fail(WEYL_ENOMEM, "out of memory in iterative solve");
  for (size_t e = 0; e < (size_t)n * n; e++) s->T[e] = sign * A[e];
  lapack_int sdim = 0;
  lapack_int info =
      LAPACKE_dgees(LAPACK_ROW_MAJOR, 'V', 'N', NULL, n, s->T, n, &sdim, s->re, s->im, s->Q, n);
  if (info != 0)
    return weyl_fail(WEYL_ENUMERIC, "LAPACK dgees failed in the iterative solve (info %d)",
                     (int)info);
  *normal = schur_blocks(s);
  return WEYL_OK;
}

static double max_abs_eig(const schur_form *s) {
  double m = 0;
  for (int i = 0; i < s->n; i++) m = fmax(m, hypot(s->re[i], s->im[i]));
  return m;
}

/* ---------- stage 1: the nullspace of one generator ---------- */

typedef struct {
  schur_form a, b;   /* of A = rho_out(k) and B = -rho_in(k) */
  double scale;      /* max|lambda| + max|mu|: the operator's largest singular value */
  double cut;        /* rtol * scale */
  int n1;            /* null vectors predicted from the eigenvalues */
  double min_kept, max_dropped; /* relative, over all eigenvalue sums */
} kron_sum;

static void kron_free(kron_sum *k) {
  schur_free(&k->a);
  schur_free(&k->b);
}

/* The pair operator of blocks (ba, bb) is normal with eigenvalues
 * lambda_i + mu_j: count those under the cut and track the gap. */
static int pair_nullity(const kron_sum *k, int ba, int bb, double *min_kept,
                        double *max_dropped) {
  int null = 0;
  for (int i = k->a.start[ba]; i < k->a.start[ba + 1]; i++)
    for (int j = k->b.start[bb]; j < k->b.start[bb + 1]; j++) {
      double sv = hypot(k->a.re[i] + k->b.re[j], k->a.im[i] + k->b.im[j]);
      if (sv <= k->cut) null++;
      if (sv <= k->cut && max_dropped) *max_dropped = fmax(*max_dropped, sv / k->scale);
      if (sv > k->cut && min_kept) *min_kept = fmin(*min_kept, sv / k->scale);
    }
  return null;
}

/* Schur forms of generator gen's two factors; *normal = 0 when the path does
 * not apply to it. */
static weyl_status kron_setup(const double *ro, int no, const double *ri, int ni, double rtol,
                              kron_sum *k, int *normal) {
  int na = 0, nb = 0;
  memset(k, 0, sizeof *k);
  weyl_status s = schur_of(ro, no, 1.0, &k->a, &na);
  if (s == WEYL_OK) s = schur_of(ri, ni, -1.0, &k->b, &nb);
  *normal = na && nb;
  if (s != WEYL_OK || !*normal) return s;
  k->scale = max_abs_eig(&k->a) + max_abs_eig(&k->b);
  if (k->scale == 0) k->scale = 1; /* a zero generator: everything is null */
  k->cut = rtol * k->scale;
  k->min_kept = INFINITY;
  for (int ba = 0; ba < k->a.nb; ba++)
    for (int bb = 0; bb < k->b.nb; bb++)
      k->n1 += pair_nullity(k, ba, bb, &k->min_kept, &k->max_dropped);
  return WEYL_OK;
}

/* One stage-1 null vector: the block pair and its small t x s piece. */
typedef struct {
  int a0, t, b0, s;
  double x[4];
} null_piece;

/* W += alpha * L[:, a0 .. a0+t) x R[:, b0 .. b0+s)^T for piece p, with L
 * rows x rows and R cols x cols row-major, W rows x cols. */
static void thin_product(const double *L, int rows, const double *R, int cols,
                         const null_piece *p, double alpha, double *W) {
  for (int i = 0; i < rows; i++) {
    double u[2] = {0, 0}; /* row i of L_a x (s <= 2) */
    for (int a = 0; a < p->t; a++)
      for (int q = 0; q < p->s; q++) u[q] += L[(size_t)i * rows + p->a0 + a] * p->x[a * p->s + q];
    for (int j = 0; j < cols; j++) {
      double v = 0;
      for (int q = 0; q < p->s; q++) v += u[q] * R[(size_t)j * cols + p->b0 + q];
      W[(size_t)i * cols + j] += alpha * v;
    }
  }
}

/* Null pieces of the pair (ba, bb) from a small SVD of its r x r operator
 * X -> T_a X + X S_b (r = t s <= 4), appended to pieces. */
static weyl_status pair_pieces(const kron_sum *k, int ba, int bb, null_piece *pieces, int *n,
                               int cap) {
  int a0 = k->a.start[ba], t = k->a.start[ba + 1] - a0;
  int b0 = k->b.start[bb], s = k->b.start[bb + 1] - b0, r = t * s;
  int na = k->a.n, nb = k->b.n;
  double M[16] = {0}, sv[4], vt[16], u[16];
  for (int i = 0; i < t; i++)
    for (int j = 0; j < s; j++)
      for (int p = 0; p < t; p++)
        for (int q = 0; q < s; q++)
          M[(i * s + j) * r + p * s + q] =
              (j == q ? k->a.T[(size_t)(a0 + i) * na + a0 + p] : 0.0) +
              (i == p ? k->b.T[(size_t)(b0 + q) * nb + b0 + j] : 0.0);
  lapack_int info = LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'A', r, r, M, r, sv, u, r, vt, r);
  if (info != 0)
    return weyl_fail(WEYL_ENUMERIC, "LAPACK failed in the iterative solve (info %d)", (int)info);
  for (int v = 0; v < r; v++) {
    if (sv[v] > k->cut) continue;
    if (*n >= cap)
      return weyl_fail(WEYL_ENUMERIC, "iterative solve: eigenvalues and SVD disagree on the "
                       "nullity near the cut (rtol too close to a singular value)");
    null_piece *pc = &pieces[(*n)++];
    *pc = (null_piece){a0, t, b0, s, {0}};
    memcpy(pc->x, vt + v * r, (size_t)r * sizeof *vt);
  }
  return WEYL_OK;
}

static weyl_status collect_pieces(const kron_sum *k, null_piece *pieces, int *n) {
  weyl_status s = WEYL_OK;
  *n = 0;
  for (int ba = 0; s == WEYL_OK && ba < k->a.nb; ba++)
    for (int bb = 0; s == WEYL_OK && bb < k->b.nb; bb++)
      if (pair_nullity(k, ba, bb, NULL, NULL) > 0) s = pair_pieces(k, ba, bb, pieces, n, k->n1);
  if (s == WEYL_OK && *n != k->n1)
    s = weyl_fail(WEYL_ENUMERIC, "iterative solve: eigenvalues and SVD disagree on the nullity "
                  "(%d vs %d) near the cut", k->n1, *n);
  return s;
}

/* ---------- the generators ---------- */

typedef struct {
  int K, no, ni;
  double *ro, *ri; /* K matrices each, row-major */
} gen_set;

static weyl_status gens_load(const weyl_rep *in, const weyl_rep *out, gen_set *g) {
  const weyl_group *grp = weyl_rep_group(in);
  g->K = grp->n_disc + grp->n_alg;
  g->no = weyl_rep_dim(out);
  g->ni = weyl_rep_dim(in);
  size_t so = (size_t)g->no * g->no, si = (size_t)g->ni * g->ni;
  g->ro = malloc((g->K ? g->K : 1) * so * sizeof *g->ro);
  g->ri = malloc((g->K ? g->K : 1) * si * sizeof *g->ri);
  if (!g->ro || !g->ri) return weyl_fail(WEYL_ENOMEM, "out of memory in iterative solve");
  weyl_status s = WEYL_OK;
  for (int k = 0; s == WEYL_OK && k < g->K; k++) {
    s = weyl_block_gen(out, k, g->ro + k * so);
    if (s == WEYL_OK) s = weyl_block_gen(in, k, g->ri + k * si);
  }
  return s;
}

/* Chooses the generator with a normal constraint and the smallest nullspace. */
static weyl_status choose_generator(const gen_set *g, double rtol, kron_sum *best, int *k0) {
  *k0 = -1;
  size_t so = (size_t)g->no * g->no, si = (size_t)g->ni * g->ni;
  for (int k = 0; k < g->K; k++) {
    kron_sum cand;
    int normal = 0;
    weyl_status s = kron_setup(g->ro + k * so, g->no, g->ri + k * si, g->ni, rtol, &cand, &normal);
    if (s != WEYL_OK) {
      kron_free(&cand);
      return s;
    }
    if (normal && (*k0 < 0 || cand.n1 < best->n1)) {
      if (*k0 >= 0) kron_free(best);
      *best = cand;
      *k0 = k;
    } else {
      kron_free(&cand);
    }
  }
  return WEYL_OK;
}

/* ---------- stage 2 and the check ---------- */

/* Column c of the column-major M (m = (K-1) d rows): the images of null
 * vector c under every generator but k0. P = ro_k Q and R = ri_k^T Z give
 * ro_k W = P_a x Z_b^T and W ri_k = Q_a x R_b^T. */
static weyl_status stage2_matrix(const gen_set *g, const kron_sum *ks, int k0,
                                 const null_piece *pc, int n1, double *M) {
  int no = g->no, ni = g->ni;
  size_t d = (size_t)no * ni, m = (size_t)(g->K - 1) * d;
  double *P = malloc((size_t)no * no * sizeof *P), *R = malloc((size_t)ni * ni * sizeof *R);
  if (!P || !R) {
    free(P), free(R);
    return weyl_fail(WEYL_ENOMEM, "out of memory in iterative solve");
  }
  int row = 0;
  for (int k = 0; k < g->K; k++) {
    if (k == k0) continue;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, no, no, no, 1.0,
                g->ro + (size_t)k * no * no, no, ks->a.Q, no, 0.0, P, no);
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, ni, ni, ni, 1.0,
                g->ri + (size_t)k * ni * ni, ni, ks->b.Q, ni, 0.0, R, ni);
    for (int c = 0; c < n1; c++) {
      double *col = M + (size_t)c * m + (size_t)row * d;
      thin_product(P, no, ks->b.Q, ni, &pc[c], 1.0, col);
      thin_product(ks->a.Q, no, R, ni, &pc[c], -1.0, col);
    }
    row++;
  }
  free(P), free(R);
  return WEYL_OK;
}

/* The stage-1 vectors as rows of N (n1 x d). */
static void stage1_vectors(const kron_sum *ks, const null_piece *pc, int n1, int no, int ni,
                           double *N) {
  size_t d = (size_t)no * ni;
  memset(N, 0, (size_t)n1 * d * sizeof *N);
  for (int c = 0; c < n1; c++) thin_product(ks->a.Q, no, ks->b.Q, ni, &pc[c], 1.0, N + c * d);
}

/* sqrt(|A|_1 |A|_inf) >= |A|_2 for the row-major n x n matrix A. */
static double norm2_bound(const double *A, int n) {
  double r = 0, c = 0;
  for (int i = 0; i < n; i++) {
    double ri = 0, ci = 0;
    for (int j = 0; j < n; j++) ri += fabs(A[(size_t)i * n + j]), ci += fabs(A[(size_t)j * n + i]);
    r = fmax(r, ri), c = fmax(c, ci);
  }
  return sqrt(r * c);
}

/* Largest |ro W - W ri|_F / ((|ro|_2 + |ri|_2) |W|_F) over elements and
 * generators (norms bounded from above): the residual relative to the
 * constraint operator's size. */
static weyl_status check_residual(const gen_set *g, const double *mats, int dim, double *worst) {
  int no = g->no, ni = g->ni;
  size_t d = (size_t)no * ni;
  double *a = malloc(d * sizeof *a);
  if (!a) return weyl_fail(WEYL_ENOMEM, "out of memory in iterative solve");
  *worst = 0;
  for (int k = 0; k < g->K; k++) {
    const double *ro = g->ro + (size_t)k * no * no, *ri = g->ri + (size_t)k * ni * ni;
    double scale = norm2_bound(ro, no) + norm2_bound(ri, ni);
    for (int e = 0; scale > 0 && e < dim; e++) {
      const double *W = mats + (size_t)e * d;
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, no, ni, no, 1.0, ro, no, W, ni, 0.0,
                  a, ni);
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, no, ni, ni, -1.0, W, ni, ri, ni,
                  1.0, a, ni);
      double wn = cblas_dnrm2((int)d, W, 1);
      if (wn > 0) *worst = fmax(*worst, cblas_dnrm2((int)d, a, 1) / (scale * wn));
    }
  }
  free(a);
  return WEYL_OK;
}

static void progress(const weyl_solve_opts *o, const char *stage) {
  if (o->progress) o->progress(o->progress_ctx, stage, -1.0);
}

/* Stage 2 on the n1 stage-1 vectors N; leaves the final elements in blk. */
static weyl_status stage2(const gen_set *g, const kron_sum *ks, int k0, const null_piece *pc,
                          const double *N, double rtol, weyl_block *blk) {
  size_t d = (size_t)g->no * g->ni;
  int n1 = ks->n1;
  weyl_block coef = {0};
  size_t m = (size_t)(g->K - 1) * d;
  double *M = calloc(m * (size_t)n1, sizeof *M);
  weyl_status s = M ? WEYL_OK : weyl_fail(WEYL_ENOMEM, "out of memory in iterative solve");
  if (s == WEYL_OK) s = stage2_matrix(g, ks, k0, pc, n1, M);
  if (s == WEYL_OK) s = weyl_nullspace_qr(M, m, n1, rtol, &coef);
  free(M);
  if (s == WEYL_OK) {
    blk->dim = coef.dim;
    blk->mats = malloc((size_t)(coef.dim > 0 ? coef.dim : 1) * d * sizeof *blk->mats);
    if (!blk->mats) s = weyl_fail(WEYL_ENOMEM, "out of memory in iterative solve");
  }
  if (s == WEYL_OK && coef.dim > 0)
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, coef.dim, (int)d, n1, 1.0, coef.mats,
                n1, N, (int)d, 0.0, blk->mats, (int)d);
  blk->min_kept = fmin(ks->min_kept, coef.min_kept);
  blk->max_dropped = fmax(ks->max_dropped, coef.max_dropped);
  weyl_block_clear(&coef);
  return s;
}

static weyl_status finish(const gen_set *g, double rtol, weyl_block *blk) {
  blk->norm2 = malloc((size_t)(blk->dim > 0 ? blk->dim : 1) * sizeof *blk->norm2);
  if (!blk->norm2) return weyl_fail(WEYL_ENOMEM, "out of memory in iterative solve");
  for (int k = 0; k < blk->dim; k++) blk->norm2[k] = 1.0;
  weyl_status s = check_residual(g, blk->mats, blk->dim, &blk->residual);
  if (s == WEYL_OK && blk->residual > 10 * rtol)
    s = weyl_fail(WEYL_ENUMERIC, "iterative solve of a %d x %d block: residual %.3g over "
                  "10 * rtol (try --solver dense)", blk->out_dim, blk->in_dim, blk->residual);
  return s;
}

static size_t stage_bytes(const gen_set *g, int n1) {
  double d = (double)g->no * g->ni, K = g->K;
  double gens = K * ((double)g->no * g->no + (double)g->ni * g->ni) + 6.0 * (g->no + g->ni) *
                (g->no + g->ni);
  double stage = (K - 1) * d * n1 + 3.0 * n1 * n1 + 2.0 * d;
  return (size_t)(8 * (gens + d * n1 + stage));
}

weyl_status weyl_block_solve_iter(const weyl_rep *in, const weyl_rep *out,
                                  const weyl_solve_opts *o, weyl_block *blk, int *applicable) {
  blk->in_dim = weyl_rep_dim(in);
  blk->out_dim = weyl_rep_dim(out);
  blk->path = WEYL_SOLVER_ITERATIVE;
  *applicable = 1;
  gen_set g = {0};
  kron_sum ks = {0};
  int k0 = -1;
  null_piece *pc = NULL;
  double *N = NULL;
  progress(o, "iterative: Schur forms");
  weyl_status s = gens_load(in, out, &g);
  if (s == WEYL_OK) s = choose_generator(&g, o->rtol, &ks, &k0);
  if (s == WEYL_OK && k0 < 0) {
    *applicable = 0;
    s = weyl_fail(WEYL_EINVAL, "the iterative solver needs a generator acting by normal "
                  "matrices (orthogonal, symmetric, antisymmetric) on both sides");
  }
  if (s == WEYL_OK) {
    blk->peak_bytes = stage_bytes(&g, ks.n1);
    if (blk->peak_bytes > o->max_bytes)
      s = weyl_fail(WEYL_ELIMIT, "the iterative solve of a %d x %d block needs %.3g MiB, over "
                    "the limit of %.3g MiB", blk->out_dim, blk->in_dim,
                    blk->peak_bytes / 1048576.0, o->max_bytes / 1048576.0);
  }
  if (s == WEYL_OK) {
    pc = malloc((size_t)(ks.n1 > 0 ? ks.n1 : 1) * sizeof *pc);
    N = malloc((size_t)(ks.n1 > 0 ? ks.n1 : 1) * g.no * g.ni * sizeof *N);
    if (!pc || !N) s = weyl_fail(WEYL_ENOMEM, "out of memory in iterative solve");
  }
  int n1 = 0;
  if (s == WEYL_OK) s = collect_pieces(&ks, pc, &n1);
  if (s == WEYL_OK) stage1_vectors(&ks, pc, n1, g.no, g.ni, N);
  progress(o, "iterative: QR + SVD on the reduced space");
  if (s == WEYL_OK && g.K > 1) s = stage2(&g, &ks, k0, pc, N, o->rtol, blk);
  if (s == WEYL_OK && g.K <= 1) { /* one generator: stage 1 is the answer */
    blk->dim = n1, blk->mats = N, N = NULL;
    blk->min_kept = ks.min_kept, blk->max_dropped = ks.max_dropped;
  }
  progress(o, "iterative: residual check");
  if (s == WEYL_OK) s = finish(&g, o->rtol, blk);
  free(pc), free(N), free(g.ro), free(g.ri);
  kron_free(&ks);
  return s;
}
