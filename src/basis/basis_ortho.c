/* Badly scaled representations of finite groups, made orthogonal before the
 * rank decision.
 *
 * The dense and structured paths cut singular values relative to the
 * largest one. When a rep is given in a badly scaled basis (S3's
 * permutation matrices conjugated by diag(1e4, 1, 1e-4)), the constraint's
 * entries span many orders of magnitude and its genuine small singular
 * values fall below the cut: Hom(V, V) came out 3-dimensional instead of 2,
 * with a large gap, so nothing warned. The rank question itself does not
 * depend on the basis, so it is asked in a better one.
 *
 * For a group with discrete generators only, each leaf whose generator
 * matrices are not orthogonal gets a factor M_l with M_l^T rho(g) M_l^-T
 * orthogonal (basis_ortho_leaf.c: a diagonal balancing, then the average
 * G = mean_g rho(g)^T rho(g) = L L^T over the enumerated group). The block
 * is solved for the same expressions over a copy of the group whose leaves
 * act by these orthogonal matrices (the reported gap is that of this
 * well-conditioned problem). Tensor products and sums are formed from the
 * orthogonal leaves: transforming V (x) V by M (x) M after the fact would
 * cost eps cond(M)^4 of accuracy instead of eps cond(M)^2.
 *
 * Back in the given basis: the leaves' factors compose into one factor M per
 * side (rho' = M^T rho M^-T):
 *   sum / copies: block diagonal;  tensor: M_a (x) M_b;
 *   index symmetries: M^(x)k compressed to the orbit basis;
 *   dual (rho^-T): M^-T, since (M M^T)^-1 is invariant for the dual;
 *   scalar, regular, rot(k), orthogonal leaves: the identity;
 * and W = M_out^-T W' M_in^T solves the original constraint. Its rows are
 * then brought to the same canonical orthonormal form as every dense basis,
 * the echelon form being taken with every entry measured against its own
 * scale (see canonical_scaled).
 *
 * Any invertible M gives the same solution space, so a poor factor can cost
 * accuracy but never changes what is being solved; a leaf without a factor
 * (the group does not close within WEYL_GROUP_DEFAULT_MAX_ORDER elements, the
 * matrices are not a representation of it, or it would cost too much) is
 * used as given, as before. Leaf factors are cached for one solve (not in
 * the group, which stays read only).
 *
 * Groups with algebra generators have no average; their leaves get only the
 * diagonal balancing, M = D^-1, when it spreads over a factor 1024 or more
 * (basis_ortho_leaf.c, resolve_algebra: the Lorentz group in SI units), and
 * the same composition and back transform. */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "basis/basis_impl.h"
#include "group/group_impl.h"
#include "core/mat.h"
#include "rep/rep_impl.h"
#include "core/status_impl.h"

/* 1 when some leaf of r gets a factor (resolving the leaves on the way). */
static int needs_factor(weyl_ortho_cache *c, const weyl_rep *r, size_t max_bytes) {
  const double *M, *Minv;
  switch (r->kind) {
  case REP_LEAF:
    return weyl_ortho_leaf(c, r->arg, max_bytes, &M, &Minv);
  case REP_SUM:
  case REP_TENSOR:
    return needs_factor(c, r->a, max_bytes) | needs_factor(c, r->b, max_bytes);
  case REP_COPIES:
  case REP_DUAL:
  case REP_SYM:
    return needs_factor(c, r->a, max_bytes);
  default:
    return 0; /* scalar, regular (a permutation rep), rot(k) (rotations) */
  }
}

/* ---------- the factor of a rep tree ---------- */

/* A factor and its inverse, n x n row-major; NULL means the identity. */
typedef struct {
  int n;
  double *M, *Minv;
} factor;

static void factor_free(factor *f) {
  free(f->M), free(f->Minv);
  f->M = f->Minv = NULL;
}

/* Entry (i, j) of M or of the identity. */
static double at(const double *M, int n, int i, int j) {
  return M ? M[(size_t)i * n + j] : (double)(i == j);
}

static int factor_alloc(factor *f, int n) {
  f->n = n;
  f->M = calloc((size_t)n * n, sizeof *f->M);
  f->Minv = calloc((size_t)n * n, sizeof *f->Minv);
  if (f->M && f->Minv)
    return 1;
  factor_free(f);
  return 0;
}

static weyl_status node_factor(weyl_ortho_cache *c, const weyl_rep *r, factor *f);

/* Block diagonal: a then b (or count copies of a when b is NULL). */
static weyl_status diag_factor(weyl_ortho_cache *c, const weyl_rep *r, factor *f) {
  factor a = {0}, b = {0};
  weyl_status s = node_factor(c, r->a, &a);
  if (s == WEYL_OK && r->kind == REP_SUM)
    s = node_factor(c, r->b, &b);
  if (s == WEYL_OK && (a.M || b.M) && !factor_alloc(f, r->dim))
    s = weyl_fail(WEYL_ENOMEM, "out of memory orthogonalising a rep");
  int pieces = r->kind == REP_SUM ? 2 : r->arg, off = 0;
  for (int p = 0; s == WEYL_OK && f->M && p < pieces; p++) {
    const factor *src = r->kind == REP_SUM && p == 1 ? &b : &a;
    int m = r->kind == REP_SUM && p == 1 ? r->b->dim : r->a->dim;
    for (int i = 0; i < m; i++)
      for (int j = 0; j < m; j++) {
        f->M[(size_t)(off + i) * r->dim + off + j] = at(src->M, m, i, j);
        f->Minv[(size_t)(off + i) * r->dim + off + j] = at(src->Minv, m, i, j);
      }
    off += m;
  }
  factor_free(&a), factor_free(&b);
  return s;
}

/* Kronecker product, a's index major (as rho_a (x) rho_b). */
static weyl_status tensor_factor(weyl_ortho_cache *c, const weyl_rep *r, factor *f) {
  factor a = {0}, b = {0};
  weyl_status s = node_factor(c, r->a, &a);
  if (s == WEYL_OK)
    s = node_factor(c, r->b, &b);
  if (s == WEYL_OK && (a.M || b.M) && !factor_alloc(f, r->dim))
    s = weyl_fail(WEYL_ENOMEM, "out of memory orthogonalising a rep");
  int da = r->a->dim, db = r->b->dim, n = r->dim;
  for (int i = 0; s == WEYL_OK && f->M && i < da; i++)
    for (int p = 0; p < da; p++) {
      double m = at(a.M, da, i, p), mi = at(a.Minv, da, i, p);
      if (m == 0.0 && mi == 0.0)
        continue;
      for (int j = 0; j < db; j++)
        for (int q = 0; q < db; q++) {
          f->M[(size_t)(i * db + j) * n + p * db + q] = m * at(b.M, db, j, q);
          f->Minv[(size_t)(i * db + j) * n + p * db + q] = mi * at(b.Minv, db, j, q);
        }
    }
  factor_free(&a), factor_free(&b);
  return s;
}

/* Index symmetries: M^(x)k commutes with the symmetriser, so the factor of
 * the symmetrised power is M^(x)k compressed to its orbit basis (rep_sym.c),
 * and its inverse the compression of M^-1^(x)k. */
static weyl_status sym_factor(weyl_ortho_cache *c, const weyl_rep *r, factor *f) {
  factor a = {0};
  weyl_status s = node_factor(c, r->a, &a);
  if (s == WEYL_OK && a.M && !factor_alloc(f, r->dim))
    s = weyl_fail(WEYL_ENOMEM, "out of memory orthogonalising a rep");
  if (s == WEYL_OK && f->M)
    s = weyl_rep_sym_compress(r->sym, a.M, 1, f->M);
  if (s == WEYL_OK && f->M)
    s = weyl_rep_sym_compress(r->sym, a.Minv, 1, f->Minv);
  factor_free(&a);
  return s;
}

static weyl_status node_factor(weyl_ortho_cache *c, const weyl_rep *r, factor *f) {
  f->n = r->dim;
  f->M = f->Minv = NULL;
  switch (r->kind) {
  case REP_LEAF: {
    const double *M, *Minv;
    if (!weyl_ortho_leaf(c, r->arg, 0, &M, &Minv))
      return WEYL_OK; /* resolved already */
    if (!factor_alloc(f, r->dim))
      return weyl_fail(WEYL_ENOMEM, "out of memory orthogonalising");
    memcpy(f->M, M, (size_t)r->dim * r->dim * sizeof *f->M);
    memcpy(f->Minv, Minv, (size_t)r->dim * r->dim * sizeof *f->M);
    return WEYL_OK;
  }
  case REP_SUM:
  case REP_COPIES:
    return diag_factor(c, r, f);
  case REP_TENSOR:
    return tensor_factor(c, r, f);
  case REP_SYM:
    return sym_factor(c, r, f);
  case REP_DUAL: {
    weyl_status s = node_factor(c, r->a, f);
    if (s != WEYL_OK || !f->M)
      return s;
    double *t = f->M; /* M_dual = M^-T, its inverse M^T */
    f->M = f->Minv;
    f->Minv = t;
    weyl_mat_transpose_square(r->dim, f->M, r->dim);
    weyl_mat_transpose_square(r->dim, f->Minv, r->dim);
    return WEYL_OK;
  }
  default:
    return WEYL_OK;
  }
}

/* ---------- the block ---------- */

void weyl_ortho_clear(weyl_ortho *t) {
  weyl_rep_free(t->in), weyl_rep_free(t->out);
  free(t->Mi), free(t->Mi_inv), free(t->Mo), free(t->Mo_inv);
  memset(t, 0, sizeof *t);
}

weyl_status weyl_ortho_block(weyl_ortho_cache **cache, const weyl_rep *in, const weyl_rep *out,
                             size_t max_bytes, weyl_ortho *t) {
  memset(t, 0, sizeof *t);
  const weyl_group *g = weyl_rep_group(in);
  t->ni = weyl_rep_dim(in);
  t->no = weyl_rep_dim(out);
  if ((g->n_alg == 0 && g->n_disc == 0) || (weyl_rep_is_perm(in) && weyl_rep_is_perm(out)))
    return WEYL_OK;
  /* M and M^-1 of both sides, with a temporary of each while composing. */
  double need = 32.0 * ((double)t->ni * t->ni + (double)t->no * t->no);
  if (need > (double)max_bytes / 2)
    return WEYL_OK;
  if (!*cache && !(*cache = weyl_ortho_cache_new(g)))
    return weyl_fail(WEYL_ENOMEM, "out of memory in solve");
  weyl_ortho_cache *c = *cache;
  int fi = needs_factor(c, in, max_bytes), fo = needs_factor(c, out, max_bytes);
  if (!fi && !fo)
    return WEYL_OK;
  factor a = {0}, b = {0};
  weyl_status s = node_factor(c, in, &a);
  if (s == WEYL_OK)
    s = node_factor(c, out, &b);
  t->Mi = a.M, t->Mi_inv = a.Minv, t->Mo = b.M, t->Mo_inv = b.Minv;
  if (s == WEYL_OK)
    s = weyl_rep_rebase(in, weyl_ortho_group(c), &t->in);
  if (s == WEYL_OK)
    s = weyl_rep_rebase(out, weyl_ortho_group(c), &t->out);
  if (s != WEYL_OK)
    weyl_ortho_clear(t);
  return s;
}

/* The canonical form of the rows of W (dim x no*ni) taken on Z_ij =
 * W_ij / (a_i b_j), where a_i b_j bounds the size W_ij can have, W being
 * M_out^-T W' M_in^T with W' of norm 1 (a_i: column sums of |M_out^-1|, b_j:
 * row sums of |M_in|). Echelon form commutes with this scaling of the
 * columns (up to each row's normalisation, which the orthonormalisation
 * removes), so the result is the form of W; but rref's "below 1e-12 is
 * rounding noise" is then judged against each entry's own scale: an entry of
 * 1e-16 next to entries of 1 can be exact and needed (it meets a generator
 * entry of 1e8), and zeroing it breaks the constraint. */
static weyl_status canonical_scaled(const weyl_ortho *t, weyl_block *blk) {
  int no = t->no, ni = t->ni;
  size_t n = (size_t)no * ni;
  double *scale = malloc((2 * n + (size_t)no + ni) * sizeof *scale);
  if (!scale)
    return weyl_fail(WEYL_ENOMEM, "out of memory mapping a basis back");
  double *tmp = scale + n, *a = tmp + n, *b = a + no;
  for (int i = 0; i < no; i++) {
    a[i] = t->Mo ? 0.0 : 1.0;
    for (int k = 0; t->Mo && k < no; k++)
      a[i] += fabs(t->Mo_inv[(size_t)k * no + i]);
  }
  for (int j = 0; j < ni; j++) {
    b[j] = t->Mi ? 0.0 : 1.0;
    for (int l = 0; t->Mi && l < ni; l++)
      b[j] += fabs(t->Mi[(size_t)j * ni + l]);
  }
  for (size_t e = 0; e < n; e++)
    scale[e] = a[e / ni] * b[e % ni];
  for (size_t e = 0; e < (size_t)blk->dim * n; e++)
    blk->mats[e] /= scale[e % n];
  weyl_mat_rows_canonical(blk->dim, (int)n, blk->mats, (int)n, tmp);
  for (size_t e = 0; e < (size_t)blk->dim * n; e++)
    blk->mats[e] *= scale[e % n];
  weyl_mat_rows_orthonormal(blk->dim, (int)n, blk->mats, (int)n);
  free(scale);
  return WEYL_OK;
}

weyl_status weyl_ortho_back(const weyl_ortho *t, weyl_block *blk) {
  if (!t->in || blk->dim == 0 || !blk->mats)
    return WEYL_OK;
  int no = t->no, ni = t->ni;
  size_t n = (size_t)no * ni;
  double *tmp = malloc(n * sizeof *tmp);
  if (!tmp)
    return weyl_fail(WEYL_ENOMEM, "out of memory mapping a basis back");
  for (int k = 0; k < blk->dim; k++) {
    double *W = blk->mats + (size_t)k * n;
    if (t->Mi) { /* W' M_in^T */
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, no, ni, ni, 1.0, W, ni, t->Mi, ni, 0.0,
                  tmp, ni);
      memcpy(W, tmp, n * sizeof *W);
    }
    if (t->Mo) { /* M_out^-T (...) */
      cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, no, ni, no, 1.0, t->Mo_inv, no, W, ni,
                  0.0, tmp, ni);
      memcpy(W, tmp, n * sizeof *W);
    }
  }
  free(tmp);
  return canonical_scaled(t, blk);
}
