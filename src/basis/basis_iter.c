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
 * their images of the n1 vectors are products of thin factors, so their
 * n1 x n1 Gram matrix is cheap to assemble; its small-eigenvalue directions
 * are candidates, and QR + SVD of all constraints on the candidates decides
 * the rank. A final check applies every generator to every returned element
 * with two small matrix products.
 *
 * This is what WEYL_BASIS_SOLVER_ITERATIVE selects. Despite
 * the name it is a direct method: a Krylov/subspace iteration on
 * sum_k C_k^T C_k would need about dim x sqrt(cond) x log(1/eps) operator
 * applications (some 10^4 for SO(3) T(4) -> T(4)), where the Schur reduction
 * gets there with a few small factorizations and one n1 x n1 eigenproblem. */
#include <assert.h>
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "basis/basis_impl.h"
#include "group/group_impl.h"
#include "core/mat.h"
#include "core/status_impl.h"

/* Off-block entries of a normal matrix's Schur form are rounding noise; past
 * this (relative to |A|_F) the matrix is not treated as normal. */
#define NORMAL_TOL 1e-10

typedef struct {
  int n, nb;
  double *T, *Q;   /* row-major n x n: T = Q^T A Q */
  double *re, *im; /* eigenvalues, in the order of T's diagonal */
  int *start;      /* block b covers rows start[b] .. start[b+1]-1 */
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
        if (j < s->start[b] || j >= s->start[b + 1])
          off += v * v;
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
  for (size_t e = 0; e < (size_t)n * n; e++)
    s->T[e] = sign * A[e];
  lapack_int sdim = 0;
  lapack_int info =
      LAPACKE_dgees(LAPACK_ROW_MAJOR, 'V', 'N', NULL, n, s->T, n, &sdim, s->re, s->im, s->Q, n);
  if (info != 0)
    return weyl_mat_lapack_fail((int)info, "dgees in the iterative solve");
  *normal = schur_blocks(s);
  return WEYL_OK;
}

static double max_abs_eig(const schur_form *s) {
  double m = 0;
  for (int i = 0; i < s->n; i++)
    m = fmax(m, hypot(s->re[i], s->im[i]));
  return m;
}

/* ---------- stage 1: the nullspace of one generator ---------- */

typedef struct {
  schur_form a, b;              /* of A = rho_out(k) and B = -rho_in(k) */
  double scale;                 /* max|lambda| + max|mu|: the operator's largest singular value */
  double cut;                   /* rtol * scale */
  int n1;                       /* null vectors: predicted from the eigenvalues, then as found */
  int cap;                      /* room for them: the sizes of the pairs with a near-zero sum */
  double min_kept, max_dropped; /* relative, over all eigenvalue sums */
} kron_sum;

static void kron_free(kron_sum *k) {
  schur_free(&k->a);
  schur_free(&k->b);
}

/* The pair operator of blocks (ba, bb) is normal with eigenvalues
 * lambda_i + mu_j: count those under the cut and track the gap. */
static int pair_nullity(const kron_sum *k, int ba, int bb, double *min_kept, double *max_dropped) {
  int null = 0;
  for (int i = k->a.start[ba]; i < k->a.start[ba + 1]; i++)
    for (int j = k->b.start[bb]; j < k->b.start[bb + 1]; j++) {
      double sv = hypot(k->a.re[i] + k->b.re[j], k->a.im[i] + k->b.im[j]);
      if (sv <= k->cut)
        null++;
      if (sv <= k->cut && max_dropped)
        *max_dropped = fmax(*max_dropped, sv / k->scale);
      if (sv > k->cut && min_kept)
        *min_kept = fmin(*min_kept, sv / k->scale);
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
  if (s == WEYL_OK)
    s = schur_of(ri, ni, -1.0, &k->b, &nb);
  *normal = na && nb;
  if (s != WEYL_OK || !*normal)
    return s;
  k->scale = max_abs_eig(&k->a) + max_abs_eig(&k->b);
  if (k->scale == 0)
    k->scale = 1; /* a zero generator: everything is null */
  k->cut = rtol * k->scale;
  k->min_kept = INFINITY;
  for (int ba = 0; ba < k->a.nb; ba++)
    for (int bb = 0; bb < k->b.nb; bb++) {
      int null = pair_nullity(k, ba, bb, &k->min_kept, &k->max_dropped);
      k->n1 += null;
      if (null)
        k->cap += (k->a.start[ba + 1] - k->a.start[ba]) * (k->b.start[bb + 1] - k->b.start[bb]);
    }
  return WEYL_OK;
}

/* One stage-1 null vector: the block pair and its small t x s piece. */
typedef struct {
  int a0, t, b0, s;
  double x[4];
} null_piece;

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
          M[(i * s + j) * r + p * s + q] = (j == q ? k->a.T[(size_t)(a0 + i) * na + a0 + p] : 0.0) +
                                           (i == p ? k->b.T[(size_t)(b0 + q) * nb + b0 + j] : 0.0);
  lapack_int info = LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'A', r, r, M, r, sv, u, r, vt, r);
  if (info != 0)
    return weyl_mat_lapack_fail((int)info, "dgesdd in the iterative solve");
  for (int v = 0; v < r; v++) {
    if (sv[v] > k->cut)
      continue;
    assert(*n < cap); /* cap counts r pieces for every pair with a near-zero sum */
    if (*n >= cap)
      return weyl_fail(WEYL_ENUMERIC, "iterative solve: piece count overflow");
    null_piece *pc = &pieces[(*n)++];
    *pc = (null_piece){a0, t, b0, s, {0}};
    memcpy(pc->x, vt + v * r, (size_t)r * sizeof *vt);
  }
  return WEYL_OK;
}

/* The SVDs decide which pieces are null; at the cut they may differ from the
 * eigenvalue count by rounding, so n1 becomes what they found. */
static weyl_status collect_pieces(kron_sum *k, null_piece *pieces) {
  weyl_status s = WEYL_OK;
  int n = 0;
  for (int ba = 0; s == WEYL_OK && ba < k->a.nb; ba++)
    for (int bb = 0; s == WEYL_OK && bb < k->b.nb; bb++)
      if (pair_nullity(k, ba, bb, NULL, NULL) > 0)
        s = pair_pieces(k, ba, bb, pieces, &n, k->cap);
  k->n1 = n;
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
  if (!g->ro || !g->ri)
    return weyl_fail(WEYL_ENOMEM, "out of memory in iterative solve");
  weyl_status s = WEYL_OK;
  for (int k = 0; s == WEYL_OK && k < g->K; k++) {
    s = weyl_block_gen_pair(in, out, k, g->ri + k * si, g->ro + k * so);
  }
  return s;
}

/* Stage 1 reduces by one operator: generator k1 alone (k2 < 0), or the
 * combination k1 + PAIR_WEIGHT k2 of two algebra generators. Any solution
 * satisfies a linear combination of constraints, and a generic one can have
 * a far smaller nullspace than each generator alone (for SO(1,3), a rotation
 * plus the boost along its axis: 4900 instead of 12870 on V**4 -> V**4). */
typedef struct {
  int k1, k2;
  int all; /* instead: every algebra generator k >= k1, weighted by all_weight(k) */
} gen_pick;


#define PAIR_WEIGHT 0.6180339887498949 /* irrational: no accidental cancellations */
#define PAIR_MAX_DIM 256 /* pairs cost two Schur forms each: only for small factors */

/* Weights of the combination of all algebra generators: distinct and
 * irrational-looking, in [0.5, 1.5), so no two generators cancel. A generic
 * element of a compact Lie algebra (every generator antisymmetric, so the
 * sum is normal) has the smallest commutant: for SO(64) V -> V a 64-dim
 * stage-1 space where one generator alone leaves 3848. */
static double all_weight(int k) {
  double x = (k + 1) * PAIR_WEIGHT;
  return 0.5 + (x - floor(x));
}
/* Budget of the choice, in flops (a Schur form with vectors costs about
 * 25 n^3): a few seconds. Any normal operator gives the right answer; a
 * better one only makes stage 2 cheaper, so the search stops at the budget
 * once one is found. Without it the pairs were quadratic in the number of
 * generators: SO(16) V**2 -> V**2 tried 7140 pairs of 256 x 256 Schur forms
 * (minutes), SO(64) V -> V two million. */
#define CHOOSE_FLOPS_MAX 1e10

static void progress(const weyl_basis_opts *o, const char *stage) {
  if (o->progress)
    o->progress(o->progress_ctx, stage, -1.0);
}

static void progress_done(const weyl_basis_opts *o, const char *stage, double done) {
  if (o->progress)
    o->progress(o->progress_ctx, stage, done);
}

/* Tries one operator; keeps it in *best when it is normal and reduces more. */
static weyl_status try_pick(const gen_set *g, gen_pick p, double rtol, double *ro, double *ri,
                            kron_sum *best, gen_pick *chosen) {
  size_t so = (size_t)g->no * g->no, si = (size_t)g->ni * g->ni;
  for (size_t e = 0; e < so; e++)
    ro[e] = g->ro[p.k1 * so + e] + (p.k2 < 0 ? 0.0 : PAIR_WEIGHT * g->ro[p.k2 * so + e]);
  for (size_t e = 0; e < si; e++)
    ri[e] = g->ri[p.k1 * si + e] + (p.k2 < 0 ? 0.0 : PAIR_WEIGHT * g->ri[p.k2 * si + e]);
  for (int k = p.k1 + 1; p.all && k < g->K; k++) {
    double w = all_weight(k) / all_weight(p.k1);
    for (size_t e = 0; e < so; e++)
      ro[e] += w * g->ro[k * so + e];
    for (size_t e = 0; e < si; e++)
      ri[e] += w * g->ri[k * si + e];
  }
  kron_sum cand;
  int normal = 0;
  weyl_status s = kron_setup(ro, g->no, ri, g->ni, rtol, &cand, &normal);
  if (s == WEYL_OK && normal && (chosen->k1 < 0 || cand.n1 < best->n1)) {
    if (chosen->k1 >= 0)
      kron_free(best);
    *best = cand;
    *chosen = p;
    return WEYL_OK;
  }
  kron_free(&cand);
  return s;
}

/* Chooses the operator with a normal constraint and the smallest nullspace
 * among those tried within CHOOSE_FLOPS_MAX: every generator alone until one
 * is normal and the budget is spent, then pairs of algebra generators while
 * budget remains; chosen->k1 < 0 when there is none. */
static weyl_status choose_operator(const gen_set *g, int n_disc, const weyl_basis_opts *o,
                                   kron_sum *best, gen_pick *chosen) {
  *chosen = (gen_pick){-1, -1, 0};
  double *ro = malloc((size_t)g->no * g->no * sizeof *ro);
  double *ri = malloc((size_t)g->ni * g->ni * sizeof *ri);
  weyl_status s = ro && ri ? WEYL_OK : weyl_fail(WEYL_ENOMEM, "out of memory in iterative solve");
  double cost = 25.0 * ((double)g->no * g->no * g->no + (double)g->ni * g->ni * g->ni), spent = 0;
  double n_alg = g->K - n_disc, tries = g->K + n_alg * (n_alg - 1) / 2;
  tries = fmin(tries, fmax(g->K, CHOOSE_FLOPS_MAX / cost));
  if (s == WEYL_OK && g->K - n_disc > 2) {
    s = try_pick(g, (gen_pick){n_disc, -1, 1}, o->rtol, ro, ri, best, chosen);
    spent += cost;
  }
  for (int k = 0; s == WEYL_OK && k < g->K && (chosen->k1 < 0 || spent < CHOOSE_FLOPS_MAX);
       k++, spent += cost) {
    progress_done(o, "iterative: Schur forms of the generators", spent / cost / tries);
    s = try_pick(g, (gen_pick){k, -1, 0}, o->rtol, ro, ri, best, chosen);
  }
  int pairs = g->no <= PAIR_MAX_DIM && g->ni <= PAIR_MAX_DIM;
  for (int k1 = n_disc; pairs && s == WEYL_OK && k1 < g->K; k1++)
    for (int k2 = k1 + 1; s == WEYL_OK && k2 < g->K && spent + cost <= CHOOSE_FLOPS_MAX;
         k2++, spent += cost) {
      progress_done(o, "iterative: Schur forms of the generators", spent / cost / tries);
      s = try_pick(g, (gen_pick){k1, k2, 0}, o->rtol, ro, ri, best, chosen);
    }
  free(ro), free(ri);
  return s;
}

/* ---------- stage 2: the other generators on the stage-1 space ---------- */

/* In Schur coordinates null vector c is X_c = x at rows a, columns b, and
 * generator k maps it to Ah X_c - X_c Bh (Ah = Q^T ro_k Q, Bh = Z^T ri_k Z):
 * U_c = Ah[:, a] x placed in columns b, minus V_c = x Bh[b, :] placed in rows
 * a. U is n1 x no x 2 and V n1 x 2 x ni (unused slots stay zero). */
static void piece_images(const double *Ah, int no, const double *Bh, int ni, const null_piece *pc,
                         int n1, double *U, double *V) {
  memset(U, 0, (size_t)n1 * no * 2 * sizeof *U);
  memset(V, 0, (size_t)n1 * 2 * ni * sizeof *V);
  for (int c = 0; c < n1; c++) {
    const null_piece *p = &pc[c];
    double *u = U + (size_t)c * no * 2, *v = V + (size_t)c * 2 * ni;
    for (int a = 0; a < p->t; a++)
      for (int q = 0; q < p->s; q++) {
        double x = p->x[a * p->s + q];
        for (int i = 0; i < no; i++)
          u[i * 2 + q] += Ah[(size_t)i * no + p->a0 + a] * x;
        for (int j = 0; j < ni; j++)
          v[a * ni + j] += x * Bh[(size_t)(p->b0 + q) * ni + j];
      }
  }
}

/* <U_c in columns b, V_e in rows a_e> = sum over the t_e x s_c overlap. */
static double cross(const null_piece *pc, const null_piece *pe, const double *u, const double *v,
                    int ni) {
  double sum = 0;
  for (int p = 0; p < pe->t; p++)
    for (int q = 0; q < pc->s; q++)
      sum += u[(pe->a0 + p) * 2 + q] * v[p * ni + pc->b0 + q];
  return sum;
}

/* G[c][e] += <Y_c, Y_e> (upper triangle): the blocks of U (columns b) meet
 * only for equal b, those of V (rows a) only for equal a, and U meets V in
 * at most a 2 x 2 patch. Never forms the d-long images. */
static void gram_add(const null_piece *pc, int n1, int no, int ni, const double *U, const double *V,
                     double *G) {
  for (int c = 0; c < n1; c++) {
    const double *uc = U + (size_t)c * no * 2, *vc = V + (size_t)c * 2 * ni;
    for (int e = c; e < n1; e++) {
      const double *ue = U + (size_t)e * no * 2, *ve = V + (size_t)e * 2 * ni;
      double g = -cross(&pc[c], &pc[e], uc, ve, ni) - cross(&pc[e], &pc[c], ue, vc, ni);
      if (pc[c].b0 == pc[e].b0)
        for (int i = 0; i < no * 2; i++)
          g += uc[i] * ue[i];
      if (pc[c].a0 == pc[e].a0)
        for (int j = 0; j < 2 * ni; j++)
          g += vc[j] * ve[j];
      G[(size_t)c * n1 + e] += g;
    }
  }
}

/* M^T M for M = the other generators' constraints on the n1 stage-1 vectors. */
static weyl_status stage2_gram(const gen_set *g, const kron_sum *ks, int k0, const null_piece *pc,
                               int n1, const weyl_basis_opts *o, double *G) {
  int no = g->no, ni = g->ni;
  double *Ah = malloc((size_t)no * no * sizeof *Ah), *Bh = malloc((size_t)ni * ni * sizeof *Bh);
  double *tmp = malloc((size_t)(no > ni ? no : ni) * (no > ni ? no : ni) * sizeof *tmp);
  double *U = malloc((size_t)n1 * no * 2 * sizeof *U), *V = malloc((size_t)n1 * 2 * ni * sizeof *V);
  weyl_status s = (Ah && Bh && tmp && U && V)
                      ? WEYL_OK
                      : weyl_fail(WEYL_ENOMEM, "out of memory in iterative solve");
  if (s == WEYL_OK)
    memset(G, 0, (size_t)n1 * n1 * sizeof *G);
  for (int k = 0; s == WEYL_OK && k < g->K; k++) {
    if (k == k0)
      continue;
    progress_done(o, "iterative: Gram matrix of the other generators", (double)k / g->K);
    const double *Q = ks->a.Q, *Z = ks->b.Q;
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, no, no, no, 1.0, Q, no,
                g->ro + (size_t)k * no * no, no, 0.0, tmp, no);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, no, no, no, 1.0, tmp, no, Q, no, 0.0, Ah,
                no);
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, ni, ni, ni, 1.0, Z, ni,
                g->ri + (size_t)k * ni * ni, ni, 0.0, tmp, ni);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, ni, ni, ni, 1.0, tmp, ni, Z, ni, 0.0, Bh,
                ni);
    piece_images(Ah, no, Bh, ni, pc, n1, U, V);
    gram_add(pc, n1, no, ni, U, V, G);
  }
  free(Ah), free(Bh), free(tmp), free(U), free(V);
  return s;
}

/* Candidate j = Q X_j Z^T with X_j = sum_c vec[c] X_c: rows of W (n x d). */
static void candidates(const kron_sum *ks, const null_piece *pc, int n1, const double *vecs, int ld,
                       int n, int no, int ni, double *W, double *X, double *T) {
  size_t d = (size_t)no * ni;
  for (int j = 0; j < n; j++) {
    memset(X, 0, d * sizeof *X);
    for (int c = 0; c < n1; c++) {
      const null_piece *p = &pc[c];
      double w = vecs[(size_t)c * ld + j];
      for (int a = 0; a < p->t; a++)
        for (int q = 0; q < p->s; q++)
          X[(size_t)(p->a0 + a) * ni + p->b0 + q] += w * p->x[a * p->s + q];
    }
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, no, ni, no, 1.0, ks->a.Q, no, X, ni, 0.0,
                T, ni);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, no, ni, ni, 1.0, T, ni, ks->b.Q, ni, 0.0,
                W + j * d, ni);
  }
}

/* Column-major (K d) x n: column j holds ro_k W_j - W_j ri_k for every k. */
static void stacked_images(const gen_set *g, const double *W, int n, double *M) {
  int no = g->no, ni = g->ni;
  size_t d = (size_t)no * ni, m = (size_t)g->K * d;
  for (int j = 0; j < n; j++)
    for (int k = 0; k < g->K; k++) {
      double *col = M + (size_t)j * m + (size_t)k * d;
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, no, ni, no, 1.0,
                  g->ro + (size_t)k * no * no, no, W + j * d, ni, 0.0, col, ni);
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, no, ni, ni, -1.0, W + j * d, ni,
                  g->ri + (size_t)k * ni * ni, ni, 1.0, col, ni);
    }
}

/* Largest |ro W - W ri|_F / ((|ro|_2 + |ri|_2) |W|_F) over elements and
 * generators (norms bounded from above): the residual relative to the
 * constraint operator's size. */
static weyl_status check_residual(const gen_set *g, const double *mats, int dim, double *worst) {
  int no = g->no, ni = g->ni;
  size_t d = (size_t)no * ni;
  double *a = malloc(d * sizeof *a);
  if (!a)
    return weyl_fail(WEYL_ENOMEM, "out of memory in iterative solve");
  *worst = 0;
  for (int k = 0; k < g->K; k++) {
    const double *ro = g->ro + (size_t)k * no * no, *ri = g->ri + (size_t)k * ni * ni;
    double scale = weyl_mat_norm2_bound(no, ro, no) + weyl_mat_norm2_bound(ni, ri, ni);
    for (int e = 0; scale > 0 && e < dim; e++) {
      const double *W = mats + (size_t)e * d;
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, no, ni, no, 1.0, ro, no, W, ni, 0.0, a,
                  ni);
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, no, ni, ni, -1.0, W, ni, ri, ni, 1.0,
                  a, ni);
      double wn = cblas_dnrm2((int)d, W, 1);
      if (wn > 0)
        *worst = fmax(*worst, cblas_dnrm2((int)d, a, 1) / (scale * wn));
    }
  }
  free(a);
  return WEYL_OK;
}

/* Directions that are candidates for the nullspace: eigenvalues of the Gram
 * matrix up to (CAND_REL sigma_max)^2. A Gram matrix squares singular values,
 * so it only preselects; the rank is decided below by an SVD. */
#define CAND_REL 1e-6

/* The eigenvectors of G (n1 x n1, upper triangle; destroyed) with
 * eigenvalues up to (rel sigma_max)^2: *n of them, as the first *n columns of
 * vecs (n1 x n1). *lmax receives the largest eigenvalue and *next the
 * smallest one left out (INFINITY if none). The full decomposition: a subset
 * (dsyevr over a range, inverse iteration) was measured 1.5x faster for
 * SO(3) T(4) but left residuals 20x larger in the tight cluster at zero. */
static weyl_status small_eigen(double *G, int n1, double rel, double *vecs, int *n, double *lmax,
                               double *next) {
  double *w = malloc((size_t)n1 * sizeof *w);
  lapack_int *supp = malloc((size_t)2 * n1 * sizeof *supp), found = 0;
  if (!w || !supp) {
    free(w), free(supp);
    return weyl_fail(WEYL_ENOMEM, "out of memory in iterative solve");
  }
  lapack_int info = LAPACKE_dsyevr(LAPACK_ROW_MAJOR, 'V', 'A', 'U', n1, G, n1, 0, 0, 0, 0, 0.0,
                                   &found, w, vecs, n1, supp);
  *n = 0;
  if (info == 0) {
    *lmax = fmax(w[n1 - 1], 0.0);
    while (*n < n1 && w[*n] <= rel * rel * *lmax)
      (*n)++;
    *next = *n < n1 ? w[*n] : INFINITY;
  }
  free(w), free(supp);
  if (info != 0)
    return weyl_mat_lapack_fail((int)info, "dsyevr in the iterative solve");
  return WEYL_OK;
}

/* The accurate step: all K constraints on the n candidates, QR + SVD with
 * singular values relative to ref; leaves the elements in blk. */
static weyl_status decide(const gen_set *g, const double *W, int n, double rtol, double ref,
                          weyl_block *blk) {
  size_t d = (size_t)g->no * g->ni, m = (size_t)g->K * d;
  weyl_block coef = {0};
  double *M = malloc(m * (size_t)n * sizeof *M);
  weyl_status s = M ? WEYL_OK : weyl_fail(WEYL_ENOMEM, "out of memory in iterative solve");
  if (s == WEYL_OK) {
    stacked_images(g, W, n, M);
    s = weyl_nullspace_qr(M, m, n, rtol, ref, &coef);
  }
  free(M);
  if (s == WEYL_OK) {
    blk->dim = coef.dim;
    blk->mats = malloc((size_t)(coef.dim > 0 ? coef.dim : 1) * d * sizeof *blk->mats);
    if (!blk->mats)
      s = weyl_fail(WEYL_ENOMEM, "out of memory in iterative solve");
  }
  if (s == WEYL_OK && coef.dim > 0)
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, coef.dim, (int)d, n, 1.0, coef.mats, n,
                W, (int)d, 0.0, blk->mats, (int)d);
  blk->min_kept = coef.min_kept;
  blk->max_dropped = coef.max_dropped;
  weyl_block_clear(&coef);
  return s;
}

static size_t phase_bytes(const gen_set *g, int n1, int n) {
  double d = (double)g->no * g->ni, K = g->K, no = g->no, ni = g->ni;
  double fixed = K * (no * no + ni * ni) + 6.0 * (no + ni) * (no + ni) + 4.0 * n1 * (no + ni);
  double gram = 2.0 * n1 * n1 + 3.0 * n1;
  double cand = (double)n * d + K * d * n + 2.0 * n * n + 3.0 * d;
  return (size_t)(8 * (fixed + (n == 0 ? gram : cand + (double)n1 * n1)));
}

static weyl_status check_memory(weyl_block *blk, size_t need, size_t limit) {
  if (need > blk->peak_bytes)
    blk->peak_bytes = need;
  if (need <= limit)
    return WEYL_OK;
  return weyl_fail(WEYL_ELIMIT,
                   "the iterative solve of a %d x %d block needs %.3g MiB, over "
                   "the limit of %.3g MiB",
                   blk->out_dim, blk->in_dim, need / 1048576.0, limit / 1048576.0);
}

/* Stage 2: Gram preselection, then the SVD decision on the candidates. */
static weyl_status stage2(const gen_set *g, const kron_sum *ks, int k0, const null_piece *pc,
                          const weyl_basis_opts *o, weyl_block *blk) {
  int n1 = ks->n1, n = 0;
  size_t d = (size_t)g->no * g->ni;
  double lmax = 0, next = INFINITY, rel = fmax(CAND_REL, 100 * o->rtol);
  double *G = malloc((size_t)n1 * n1 * sizeof *G), *vecs = malloc((size_t)n1 * n1 * sizeof *vecs);
  double *W = NULL, *X = malloc(2 * d * sizeof *X);
  weyl_status s =
      (G && vecs && X) ? WEYL_OK : weyl_fail(WEYL_ENOMEM, "out of memory in iterative solve");
  if (s == WEYL_OK)
    s = stage2_gram(g, ks, k0, pc, n1, o, G);
  if (s == WEYL_OK)
    s = small_eigen(G, n1, rel, vecs, &n, &lmax, &next);
  if (s == WEYL_OK)
    s = check_memory(blk, phase_bytes(g, n1, n), o->max_bytes);
  if (s == WEYL_OK && n > 0 && !(W = malloc((size_t)n * d * sizeof *W)))
    s = weyl_fail(WEYL_ENOMEM, "out of memory in iterative solve");
  if (s == WEYL_OK && n > 0)
    candidates(ks, pc, n1, vecs, n1, n, g->no, g->ni, W, X, X + d);
  /* sigma_max of the whole constraint is at least that of either part. */
  double ref = fmax(ks->scale, sqrt(lmax));
  progress(o, "iterative: QR + SVD on the candidates");
  if (s == WEYL_OK && n > 0)
    s = decide(g, W, n, o->rtol, ref, blk);
  if (s == WEYL_OK && n == 0)
    blk->dim = 0, blk->min_kept = INFINITY;
  blk->min_kept = fmin(fmin(blk->min_kept, ks->min_kept), sqrt(next) / ref);
  blk->max_dropped = fmax(blk->max_dropped, ks->max_dropped);
  free(G), free(vecs), free(W), free(X);
  return s;
}

static weyl_status finish(const gen_set *g, double rtol, weyl_block *blk) {
  size_t d = (size_t)g->no * g->ni;
  blk->norm2 = malloc((size_t)(blk->dim > 0 ? blk->dim : 1) * sizeof *blk->norm2);
  double *tmp = malloc(d * sizeof *tmp);
  if (!blk->norm2 || !tmp) {
    free(tmp);
    return weyl_fail(WEYL_ENOMEM, "out of memory in iterative solve");
  }
  /* The same canonical orthonormal basis as the dense path gives, so the
   * path taken does not change the numbers a user sees. */
  if (blk->dim > 0) {
    weyl_mat_rows_canonical(blk->dim, (int)d, blk->mats, (int)d, tmp);
    weyl_mat_rows_orthonormal(blk->dim, (int)d, blk->mats, (int)d);
  }
  free(tmp);
  for (int k = 0; k < blk->dim; k++)
    blk->norm2[k] = 1.0;
  weyl_status s = check_residual(g, blk->mats, blk->dim, &blk->residual);
  if (s == WEYL_OK && blk->residual > 10 * rtol)
    s = weyl_fail(WEYL_ENUMERIC,
                  "iterative solve of a %d x %d block: residual %.3g over "
                  "10 * rtol; solve it with the dense solver",
                  blk->out_dim, blk->in_dim, blk->residual);
  return s;
}

weyl_status weyl_block_solve_iter(const weyl_rep *in, const weyl_rep *out, const weyl_basis_opts *o,
                                  weyl_block *blk, int *applicable) {
  blk->in_dim = weyl_rep_dim(in);
  blk->out_dim = weyl_rep_dim(out);
  blk->path = WEYL_BASIS_SOLVER_ITERATIVE;
  *applicable = 1;
  gen_set g = {0};
  kron_sum ks = {0};
  gen_pick pick = {-1, -1, 0};
  null_piece *pc = NULL;
  progress(o, "iterative: Schur forms");
  /* The generators' matrices are the first large allocation: checked
   * against max_bytes before they are built (SO(24) V**2 -> V**2 reached
   * 1.5 GB for 276 of them before a 64 MiB limit was looked at). */
  const weyl_group *grp = weyl_rep_group(in);
  g = (gen_set){grp->n_disc + grp->n_alg, blk->out_dim, blk->in_dim, NULL, NULL};
  weyl_status s = check_memory(blk, phase_bytes(&g, 0, 0), o->max_bytes);
  if (s == WEYL_OK)
    s = gens_load(in, out, &g);
  if (s == WEYL_OK)
    s = choose_operator(&g, grp->n_disc, o, &ks, &pick);
  /* A generator used alone is solved exactly by stage 1: stage 2 skips it. */
  int k0 = pick.k2 < 0 && !pick.all ? pick.k1 : -1;
  if (s == WEYL_OK && pick.k1 < 0) {
    *applicable = 0;
    s = weyl_fail(WEYL_EINVAL, "the iterative solver needs a generator acting by normal "
                               "matrices (orthogonal, symmetric, antisymmetric) on both sides");
  }
  if (s == WEYL_OK)
    s = check_memory(blk, phase_bytes(&g, ks.n1, 0), o->max_bytes);
  if (s == WEYL_OK && !(pc = malloc((size_t)(ks.cap > 0 ? ks.cap : 1) * sizeof *pc)))
    s = weyl_fail(WEYL_ENOMEM, "out of memory in iterative solve");
  if (s == WEYL_OK)
    s = collect_pieces(&ks, pc);
  progress(o, "iterative: Gram matrix of the other generators");
  if (s == WEYL_OK && ks.n1 > 0)
    s = stage2(&g, &ks, k0, pc, o, blk);
  if (s == WEYL_OK && ks.n1 == 0)
    blk->dim = 0, blk->min_kept = ks.min_kept;
  progress(o, "iterative: residual check");
  if (s == WEYL_OK)
    s = finish(&g, o->rtol, blk);
  free(pc), free(g.ro), free(g.ri);
  kron_free(&ks);
  return s;
}
