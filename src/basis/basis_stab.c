/* The stabiliser path: blocks between reps of the form "permutation rep
 * times a small matrix rep" (a steerable field on a grid, a point cloud with
 * vector features), solved orbit by orbit.
 *
 * Such a rep has a point set (permuted by each discrete generator h) and a
 * fibre of dimension f over each point, on which h acts by one small matrix
 * F(h), the same at every point: P (x) A acts by perm(h) and A(h). A map W
 * from in = P_i (x) A to out = P_o (x) B is then a grid of f_o x f_i blocks
 * W_{ij} (out point i, in point j), and equivariance reads
 *
 *     W_{h i, h j} = B(h) W_{ij} A(h)^-1      for every generator h.
 *
 * So the blocks of one orbit of the group on point pairs are fixed by the
 * block W0 at the orbit's first pair: a breadth-first search from it reaches
 * each pair p along a word g_p in the generators, and W_p = B(g_p) W0
 * A(g_p)^-1. An edge p -> q = h p of the search that is not a tree edge
 * closes a loop: h_pq = g_q^-1 h g_p fixes the first pair (Schreier's lemma:
 * these generate its stabiliser), and W0 must satisfy
 *
 *     B(h_pq) W0 = W0 A(h_pq).
 *
 * These are all the conditions: the constraint on the whole block holds
 * exactly when every edge's holds, and along tree edges it holds by the
 * definition of W_p. No group enumeration is needed (the group need not
 * even be finite), and the work is one pass over the point pairs with
 * f x f matrix products, plus one dense nullspace of size f_o f_i per orbit
 * (weyl_nullspace_qr: the same QR + SVD and rank cut as the dense path, its
 * singular values reported). Repeated loop elements (the stabiliser is
 * small; each of its elements is met many times) are recognised by their
 * matrices and stacked once.
 *
 * Cost: O(pairs x generators x f^3) for the search, O(orbits x (f_o f_i)^3)
 * for the small solves, and the dense elements themselves (dim x out x in).
 * p6m on the 12x12 hexagonal torus, pts*vec -> pts*vec: 20736 pairs, 4
 * generators, 2x2 fibres. The group must have no algebra generators (their
 * conjugates by g_p would be needed too). */
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "basis/basis_impl.h"
#include "core/mat.h"
#include "core/status_impl.h"
#include "group/group_impl.h"
#include "rep/rep_impl.h"

/* Largest fibre, and largest f_o * f_i (the unknowns of one orbit's solve). */
enum { FIBRE_MAX = 32, PAIR_FIBRE_MAX = 256, DISTINCT_MAX = 64 };

/* A rep as points x fibre: index[p * fib + a] is the rep's index of fibre
 * component a over point p; generator k sends point p to perm[k*npts + p]
 * and acts on the fibre by mat[k] (fib x fib, row-major), inverse inv[k]. */
typedef struct {
  int npts, fib, ng;
  int *perm, *index;
  double *mat, *inv;
} fibred;

static void fibred_clear(fibred *f) {
  free(f->perm), free(f->index), free(f->mat), free(f->inv);
  memset(f, 0, sizeof *f);
}

static weyl_status fibred_alloc(fibred *f, int npts, int fib, int ng) {
  f->npts = npts, f->fib = fib, f->ng = ng;
  size_t f2 = (size_t)fib * fib * (ng > 0 ? ng : 1);
  f->perm = malloc((size_t)npts * (ng > 0 ? ng : 1) * sizeof *f->perm);
  f->index = malloc((size_t)npts * fib * sizeof *f->index);
  f->mat = malloc(f2 * sizeof *f->mat);
  f->inv = malloc(f2 * sizeof *f->inv);
  if (f->perm && f->index && f->mat && f->inv) return WEYL_OK;
  fibred_clear(f);
  return weyl_fail(WEYL_ENOMEM, "out of memory in the stabiliser solve");
}

/* inv = m^-1 for the n x n m (row-major); WEYL_ENUMERIC when singular. */
static weyl_status small_inverse(int n, const double *m, double *inv) {
  double a[FIBRE_MAX * FIBRE_MAX];
  lapack_int ipiv[FIBRE_MAX];
  memcpy(a, m, (size_t)n * n * sizeof *a);
  for (int i = 0; i < n * n; i++) inv[i] = i % (n + 1) == 0 ? 1.0 : 0.0;
  lapack_int info = LAPACKE_dgesv(LAPACK_ROW_MAJOR, n, n, a, n, ipiv, inv, n);
  return info == 0 ? WEYL_OK
                   : weyl_fail(WEYL_ENUMERIC, "a generator's matrix is singular (dgesv info %d)",
                               (int)info);
}

/* A small non-permutation rep: one point, the whole rep as its fibre. */
static weyl_status fibred_small(const weyl_rep *r, fibred *f) {
  weyl_status s = fibred_alloc(f, 1, r->dim, r->g->n_disc);
  for (int a = 0; s == WEYL_OK && a < r->dim; a++) f->index[a] = a;
  for (int k = 0; s == WEYL_OK && k < f->ng; k++) {
    double *m = f->mat + (size_t)k * r->dim * r->dim;
    f->perm[k] = 0;
    s = weyl_rep_rho(r, k, m);
    if (s == WEYL_OK) s = small_inverse(r->dim, m, f->inv + (size_t)k * r->dim * r->dim);
  }
  if (s != WEYL_OK) fibred_clear(f);
  return s;
}

/* A permutation rep: its points, a fibre of dimension 1. */
static weyl_status fibred_perm(const weyl_rep *r, fibred *f) {
  weyl_status s = fibred_alloc(f, r->dim, 1, r->g->n_disc);
  for (int p = 0; s == WEYL_OK && p < r->dim; p++) f->index[p] = p;
  for (int k = 0; s == WEYL_OK && k < f->ng; k++) {
    f->mat[k] = f->inv[k] = 1.0;
    s = weyl_rep_perm(r, k, f->perm + (size_t)k * r->dim);
  }
  if (s != WEYL_OK) fibred_clear(f);
  return s;
}

/* out = a (x) b for the na x na a and nb x nb b. */
static void kron(int na, const double *a, int nb, const double *b, double *out) {
  int n = na * nb;
  for (int i = 0; i < na; i++)
    for (int j = 0; j < na; j++)
      for (int k = 0; k < nb; k++)
        for (int l = 0; l < nb; l++)
          out[(size_t)(i * nb + k) * n + j * nb + l] = a[i * na + j] * b[k * nb + l];
}

/* (P_a (x) A) (x) (P_b (x) B) = (P_a (x) P_b) (x) (A (x) B), indices mapped
 * back to the rep's own order (a's index major). */
static weyl_status fibred_tensor(const fibred *a, const fibred *b, int db, fibred *f) {
  int fib = a->fib * b->fib, npts = a->npts * b->npts;
  weyl_status s = fibred_alloc(f, npts, fib, a->ng);
  if (s != WEYL_OK) return s;
  for (int pa = 0; pa < a->npts; pa++)
    for (int pb = 0; pb < b->npts; pb++) {
      int p = pa * b->npts + pb;
      for (int k = 0; k < a->ng; k++)
        f->perm[(size_t)k * npts + p] =
            a->perm[(size_t)k * a->npts + pa] * b->npts + b->perm[(size_t)k * b->npts + pb];
      for (int ia = 0; ia < a->fib; ia++)
        for (int ib = 0; ib < b->fib; ib++)
          f->index[(size_t)p * fib + ia * b->fib + ib] =
              a->index[pa * a->fib + ia] * db + b->index[pb * b->fib + ib];
    }
  size_t fa2 = (size_t)a->fib * a->fib, fb2 = (size_t)b->fib * b->fib, f2 = (size_t)fib * fib;
  for (int k = 0; k < a->ng; k++) {
    kron(a->fib, a->mat + k * fa2, b->fib, b->mat + k * fb2, f->mat + k * f2);
    kron(a->fib, a->inv + k * fa2, b->fib, b->inv + k * fb2, f->inv + k * f2);
  }
  return WEYL_OK;
}

/* The dual: the same points (P^-T = P), fibre matrices F^-T. */
static void fibred_dual(fibred *f) {
  size_t f2 = (size_t)f->fib * f->fib;
  for (int k = 0; k < f->ng; k++) {
    double *m = f->mat + k * f2, *v = f->inv + k * f2;
    weyl_mat_transpose_square(f->fib, m, f->fib);
    weyl_mat_transpose_square(f->fib, v, f->fib);
    for (size_t e = 0; e < f2; e++) {
      double t = m[e];
      m[e] = v[e], v[e] = t;
    }
  }
}

/* Factors r as points x fibre. *ok is set to 0 (and WEYL_OK returned) when r
 * has no such form with a fibre of at most FIBRE_MAX. */
static weyl_status fibred_of(const weyl_rep *r, fibred *f, int *ok) {
  memset(f, 0, sizeof *f);
  if (r->is_perm) return fibred_perm(r, f);
  if (r->kind == REP_DUAL) {
    weyl_status s = fibred_of(r->a, f, ok);
    if (s == WEYL_OK && *ok) fibred_dual(f);
    return s;
  }
  if (r->kind == REP_TENSOR) {
    fibred fa, fb;
    weyl_status s = fibred_of(r->a, &fa, ok);
    if (s == WEYL_OK && *ok) s = fibred_of(r->b, &fb, ok);
    else memset(&fb, 0, sizeof fb);
    if (s == WEYL_OK && *ok && fa.fib * fb.fib > FIBRE_MAX) *ok = 0;
    if (s == WEYL_OK && *ok) s = fibred_tensor(&fa, &fb, r->b->dim, f);
    fibred_clear(&fa), fibred_clear(&fb);
    return s;
  }
  if (r->dim > FIBRE_MAX) {
    *ok = 0;
    return WEYL_OK;
  }
  return fibred_small(r, f);
}

int weyl_block_stab_applies(const weyl_rep *in, const weyl_rep *out) {
  const weyl_group *g = weyl_rep_group(in);
  if (g->n_alg > 0 || g->n_disc == 0 || (in->is_perm && out->is_perm)) return 0;
  fibred fi, fo;
  int ok = 1;
  weyl_status s = fibred_of(in, &fi, &ok);
  if (s == WEYL_OK && ok) s = fibred_of(out, &fo, &ok);
  else memset(&fo, 0, sizeof fo);
  int applies = s == WEYL_OK && ok && fi.fib * fo.fib <= PAIR_FIBRE_MAX &&
                (long)fi.npts * fo.npts > 1;
  fibred_clear(&fi), fibred_clear(&fo);
  return applies;
}

/* ---------- the search over point pairs ---------- */

/* c = a b for the m x l a and l x n b (row-major; tiny, so no BLAS call). */
static void mulr(int m, int l, int n, const double *a, const double *b, double *c) {
  for (int i = 0; i < m; i++)
    for (int j = 0; j < n; j++) {
      double s = 0;
      for (int k = 0; k < l; k++) s += a[i * l + k] * b[k * n + j];
      c[i * n + j] = s;
    }
}

/* c = a b for n x n matrices. */
static void mul(int n, const double *a, const double *b, double *c) { mulr(n, n, n, a, b, c); }

/* 1 when a and b (n entries) agree to 1e-9 of their size. */
static int close(size_t n, const double *a, const double *b) {
  double d = 0, m = 1;
  for (size_t e = 0; e < n; e++) {
    d = fmax(d, fabs(a[e] - b[e]));
    m = fmax(m, fabs(a[e]));
  }
  return d <= 1e-9 * m;
}

/* State of one solve. Per visited pair p (i out point, j in point, index
 * i * ni_pts + j): its orbit and the transports along its word g_p:
 * tb = B(g_p), tbi = B(g_p)^-1, ta = A(g_p), tai = A(g_p)^-1. */
typedef struct {
  const fibred *fi, *fo;
  int fa, fb, nf; /* in fibre, out fibre, fa * fb */
  size_t npairs;
  int *orbit;     /* [npairs], -1 until visited */
  int *order;     /* pairs in the order visited (orbits contiguous) */
  double *tb, *tbi, *ta, *tai;
  /* loop elements of the current orbit: (B(h), A(h)) for distinct h */
  int nh;
  double *hb, *ha;
  double *rows; /* the current orbit's constraint, column-major, cap rows */
  size_t nrows, cap;
} search;

/* Adds the rows of B W - W A (W: fb x fa row-major, vec index b * fa + a)
 * for one loop element; when the buffer is full it is compressed to its
 * triangle by a QR (the nullspace is unchanged). */
static weyl_status add_loop(search *S, const double *B, const double *A) {
  int fa = S->fa, fb = S->fb, nf = S->nf;
  if (S->nrows + nf > S->cap) {
    double tau[PAIR_FIBRE_MAX];
    lapack_int info = LAPACKE_dgeqrf(LAPACK_COL_MAJOR, (lapack_int)S->nrows, nf, S->rows,
                                     (lapack_int)S->cap, tau);
    if (info != 0) return weyl_fail(WEYL_ENUMERIC, "LAPACK dgeqrf failed (info %d)", (int)info);
    for (int j = 0; j < nf; j++)
      for (size_t i = (size_t)j + 1; i < S->cap; i++) S->rows[(size_t)j * S->cap + i] = 0;
    S->nrows = (size_t)nf;
  }
  for (int b = 0; b < fb; b++)
    for (int a = 0; a < fa; a++) {
      size_t row = S->nrows + (size_t)b * fa + a;
      for (int c = 0; c < nf; c++) S->rows[(size_t)c * S->cap + row] = 0;
      for (int k = 0; k < fb; k++) S->rows[(size_t)(k * fa + a) * S->cap + row] += B[b * fb + k];
      for (int l = 0; l < fa; l++) S->rows[(size_t)(b * fa + l) * S->cap + row] -= A[l * fa + a];
    }
  S->nrows += (size_t)nf;
  return WEYL_OK;
}

static int is_identity(int n, const double *m) {
  double id[FIBRE_MAX * FIBRE_MAX];
  for (int e = 0; e < n * n; e++) id[e] = e % (n + 1) == 0 ? 1.0 : 0.0;
  return close((size_t)n * n, m, id);
}

/* The loop element of the edge p -> q under generator k: B(g_q^-1 h g_p),
 * A(g_q^-1 h g_p); a new one is stacked into the constraint. */
static weyl_status loop_edge(search *S, size_t p, size_t q, int k) {
  int fa = S->fa, fb = S->fb;
  size_t a2 = (size_t)fa * fa, b2 = (size_t)fb * fb;
  double t[FIBRE_MAX * FIBRE_MAX], B[FIBRE_MAX * FIBRE_MAX], A[FIBRE_MAX * FIBRE_MAX];
  mul(fb, S->fo->mat + k * b2, S->tb + p * b2, t);
  mul(fb, S->tbi + q * b2, t, B);
  mul(fa, S->fi->mat + k * a2, S->ta + p * a2, t);
  mul(fa, S->tai + q * a2, t, A);
  if (is_identity(fb, B) && is_identity(fa, A)) return WEYL_OK;
  for (int h = 0; h < S->nh; h++)
    if (close(b2, B, S->hb + h * b2) && close(a2, A, S->ha + h * a2)) return WEYL_OK;
  if (S->nh < DISTINCT_MAX) {
    memcpy(S->hb + S->nh * b2, B, b2 * sizeof *B);
    memcpy(S->ha + S->nh * a2, A, a2 * sizeof *A);
    S->nh++;
  }
  return add_loop(S, B, A);
}

/* Visits q from p along generator k: its transports are those of p times the
 * generator's matrices. */
static void tree_edge(search *S, size_t p, size_t q, int k) {
  int fa = S->fa, fb = S->fb;
  size_t a2 = (size_t)fa * fa, b2 = (size_t)fb * fb;
  mul(fb, S->fo->mat + k * b2, S->tb + p * b2, S->tb + q * b2);
  mul(fb, S->tbi + p * b2, S->fo->inv + k * b2, S->tbi + q * b2);
  mul(fa, S->fi->mat + k * a2, S->ta + p * a2, S->ta + q * a2);
  mul(fa, S->tai + p * a2, S->fi->inv + k * a2, S->tai + q * a2);
}

static void set_identity(int n, double *m) {
  for (int e = 0; e < n * n; e++) m[e] = e % (n + 1) == 0 ? 1.0 : 0.0;
}

/* Breadth-first search of the orbit of pair start (order[head..]); fills
 * the orbit's constraint. *end receives the end of the orbit in order. */
static weyl_status search_orbit(search *S, size_t start, int id, size_t head, size_t *end) {
  int nip = S->fi->npts, ng = S->fi->ng;
  size_t tail = head;
  S->orbit[start] = id;
  S->order[tail++] = start;
  set_identity(S->fb, S->tb + start * S->fb * S->fb);
  set_identity(S->fb, S->tbi + start * S->fb * S->fb);
  set_identity(S->fa, S->ta + start * S->fa * S->fa);
  set_identity(S->fa, S->tai + start * S->fa * S->fa);
  S->nh = 0;
  S->nrows = 0;
  weyl_status s = WEYL_OK;
  for (size_t at = head; s == WEYL_OK && at < tail; at++) {
    size_t p = S->order[at];
    int i = (int)(p / nip), j = (int)(p % nip);
    for (int k = 0; s == WEYL_OK && k < ng; k++) {
      size_t q = (size_t)S->fo->perm[(size_t)k * S->fo->npts + i] * nip +
                 S->fi->perm[(size_t)k * nip + j];
      if (S->orbit[q] < 0) {
        S->orbit[q] = id;
        S->order[tail++] = q;
        tree_edge(S, p, q, k);
      } else {
        s = loop_edge(S, p, q, k);
      }
    }
  }
  *end = tail;
  return s;
}

/* ---------- one orbit's elements ---------- */

/* Nullspace of the orbit's stacked constraint into sol (weyl_block: dim,
 * mats of nf-vectors). Without any loop element every W0 is allowed. */
static weyl_status orbit_nullspace(search *S, double rtol, weyl_block *sol) {
  int nf = S->nf;
  if (S->nrows == 0) {
    sol->dim = nf;
    sol->mats = calloc((size_t)nf * nf, sizeof *sol->mats);
    sol->norm2 = malloc((size_t)nf * sizeof *sol->norm2);
    if (!sol->mats || !sol->norm2)
      return weyl_fail(WEYL_ENOMEM, "out of memory in the stabiliser solve");
    for (int k = 0; k < nf; k++) sol->mats[(size_t)k * nf + k] = 1.0, sol->norm2[k] = 1.0;
    sol->min_kept = INFINITY;
    return WEYL_OK;
  }
  size_t m = S->nrows < (size_t)nf ? (size_t)nf : S->nrows;
  double *C = calloc(m * nf, sizeof *C);
  if (!C) return weyl_fail(WEYL_ENOMEM, "out of memory in the stabiliser solve");
  for (int c = 0; c < nf; c++)
    memcpy(C + (size_t)c * m, S->rows + (size_t)c * S->cap, S->nrows * sizeof *C);
  weyl_status s = weyl_nullspace_qr(C, m, nf, rtol, 0.0, sol);
  free(C);
  return s;
}

/* Writes the orbit's elements W_p = B(g_p) W0_k A(g_p)^-1 into the rows
 * first.. of blk->mats (compact in work: sol->dim rows of len * nf), makes
 * them orthonormal and scatters them. */
static weyl_status orbit_elements(search *S, const weyl_block *sol, size_t head, size_t end,
                                  int first, weyl_block *blk) {
  int fa = S->fa, fb = S->fb, nf = S->nf, nip = S->fi->npts;
  size_t len = (end - head) * nf, a2 = (size_t)fa * fa, b2 = (size_t)fb * fb;
  size_t n = (size_t)blk->out_dim * blk->in_dim;
  double *work = malloc((sol->dim > 0 ? sol->dim : 1) * len * sizeof *work);
  if (!work) return weyl_fail(WEYL_ENOMEM, "out of memory in the stabiliser solve");
  double t[PAIR_FIBRE_MAX];
  for (int k = 0; k < sol->dim; k++)
    for (size_t at = head; at < end; at++) {
      size_t p = S->order[at];
      mulr(fb, fb, fa, S->tb + p * b2, sol->mats + (size_t)k * nf, t);
      mulr(fb, fa, fa, t, S->tai + p * a2, work + (size_t)k * len + (at - head) * nf);
    }
  weyl_mat_rows_orthonormal(sol->dim, (int)len, work, (int)len);
  for (int k = 0; k < sol->dim; k++)
    for (size_t at = head; at < end; at++) {
      size_t p = S->order[at];
      int i = (int)(p / nip), j = (int)(p % nip);
      for (int b = 0; b < fb; b++)
        for (int a = 0; a < fa; a++) {
          size_t row = (size_t)S->fo->index[(size_t)i * fb + b];
          size_t col = (size_t)S->fi->index[(size_t)j * fa + a];
          blk->mats[(size_t)(first + k) * n + row * blk->in_dim + col] =
              work[(size_t)k * len + (at - head) * nf + b * fa + a];
        }
    }
  free(work);
  return WEYL_OK;
}

/* ---------- the block ---------- */

typedef struct {
  size_t head, end; /* the orbit's pairs: order[head..end) */
  weyl_block sol;   /* its W0 basis (nf-vectors) */
} orbit_sol;

static void search_free(search *S) {
  free(S->orbit), free(S->order), free(S->tb), free(S->tbi), free(S->ta), free(S->tai);
  free(S->hb), free(S->ha), free(S->rows);
}

static weyl_status search_alloc(search *S, const fibred *fi, const fibred *fo, size_t max_bytes,
                                weyl_block *blk) {
  memset(S, 0, sizeof *S);
  S->fi = fi, S->fo = fo, S->fa = fi->fib, S->fb = fo->fib, S->nf = fi->fib * fo->fib;
  S->npairs = (size_t)fi->npts * fo->npts;
  size_t a2 = (size_t)S->fa * S->fa, b2 = (size_t)S->fb * S->fb;
  S->cap = (size_t)(DISTINCT_MAX + 1) * S->nf;
  double need = (double)S->npairs * (2 * sizeof(int) + 2 * 8.0 * (a2 + b2)) +
                8.0 * (double)S->cap * S->nf;
  blk->peak_bytes = (size_t)need;
  if (need > (double)max_bytes)
    return weyl_fail(WEYL_ELIMIT, "the stabiliser solve of a %d x %d block needs %.3g MiB, over "
                     "the limit of %.3g MiB (raise max_bytes)", blk->out_dim, blk->in_dim,
                     need / 1048576.0, max_bytes / 1048576.0);
  S->orbit = malloc(S->npairs * sizeof *S->orbit);
  S->order = malloc(S->npairs * sizeof *S->order);
  S->tb = malloc(S->npairs * b2 * sizeof *S->tb);
  S->tbi = malloc(S->npairs * b2 * sizeof *S->tbi);
  S->ta = malloc(S->npairs * a2 * sizeof *S->ta);
  S->tai = malloc(S->npairs * a2 * sizeof *S->tai);
  S->hb = malloc(DISTINCT_MAX * b2 * sizeof *S->hb);
  S->ha = malloc(DISTINCT_MAX * a2 * sizeof *S->ha);
  S->rows = malloc(S->cap * S->nf * sizeof *S->rows);
  if (!S->orbit || !S->order || !S->tb || !S->tbi || !S->ta || !S->tai || !S->hb || !S->ha ||
      !S->rows)
    return weyl_fail(WEYL_ENOMEM, "out of memory in the stabiliser solve");
  for (size_t p = 0; p < S->npairs; p++) S->orbit[p] = -1;
  return WEYL_OK;
}

/* Every orbit: search, then its small nullspace; *n_orb orbits in orb. */
static weyl_status solve_orbits(search *S, double rtol, orbit_sol **orbs, int *n_orb,
                                weyl_block *blk) {
  size_t head = 0;
  int count = 0, cap = 0;
  weyl_status s = WEYL_OK;
  blk->min_kept = INFINITY;
  for (size_t p = 0; s == WEYL_OK && p < S->npairs; p++) {
    if (S->orbit[p] >= 0) continue;
    if (count == cap) {
      orbit_sol *grown = realloc(*orbs, (size_t)(cap = 2 * cap + 16) * sizeof *grown);
      if (!grown) {
        s = weyl_fail(WEYL_ENOMEM, "out of memory in the stabiliser solve");
        break;
      }
      *orbs = grown;
    }
    orbit_sol *o = &(*orbs)[count];
    memset(o, 0, sizeof *o);
    o->head = head;
    s = search_orbit(S, p, count, head, &o->end);
    count++;
    if (s == WEYL_OK) s = orbit_nullspace(S, rtol, &o->sol);
    if (s == WEYL_OK) {
      blk->dim += o->sol.dim;
      if (o->sol.min_kept < blk->min_kept) blk->min_kept = o->sol.min_kept;
      if (o->sol.max_dropped > blk->max_dropped) blk->max_dropped = o->sol.max_dropped;
    }
    head = o->end;
  }
  *n_orb = count;
  return s;
}

weyl_status weyl_block_solve_stab(const weyl_rep *in, const weyl_rep *out, double rtol,
                                  size_t max_bytes, weyl_block *blk) {
  blk->in_dim = weyl_rep_dim(in);
  blk->out_dim = weyl_rep_dim(out);
  blk->path = WEYL_BASIS_SOLVER_STABILISER;
  if (!weyl_block_stab_applies(in, out))
    return weyl_fail(WEYL_EINVAL, "the stabiliser solver needs a group without algebra "
                     "generators and reps of the form permutation rep (x) a rep of dimension "
                     "<= %d (f_in f_out <= %d), not both permutation reps", FIBRE_MAX,
                     PAIR_FIBRE_MAX);
  fibred fi, fo;
  int ok = 1, n_orb = 0;
  search S;
  memset(&S, 0, sizeof S);
  orbit_sol *orb = NULL;
  weyl_status s = fibred_of(in, &fi, &ok);
  if (s == WEYL_OK) s = fibred_of(out, &fo, &ok);
  else memset(&fo, 0, sizeof fo);
  if (s == WEYL_OK) s = search_alloc(&S, &fi, &fo, max_bytes, blk);
  if (s == WEYL_OK) s = solve_orbits(&S, rtol, &orb, &n_orb, blk);
  size_t n = (size_t)blk->out_dim * blk->in_dim;
  double need = (double)blk->peak_bytes + 8.0 * blk->dim * (double)n;
  blk->peak_bytes = (size_t)need;
  if (s == WEYL_OK && need > (double)max_bytes)
    s = weyl_fail(WEYL_ELIMIT, "the %d elements of a %d x %d block need %.3g MiB, over the "
                  "limit of %.3g MiB", blk->dim, blk->out_dim, blk->in_dim, need / 1048576.0,
                  max_bytes / 1048576.0);
  if (s == WEYL_OK) {
    blk->mats = calloc((blk->dim > 0 ? blk->dim : 1) * n, sizeof *blk->mats);
    blk->norm2 = malloc((blk->dim > 0 ? (size_t)blk->dim : 1) * sizeof *blk->norm2);
    if (!blk->mats || !blk->norm2) s = weyl_fail(WEYL_ENOMEM, "out of memory in the stabiliser solve");
  }
  for (int k = 0; s == WEYL_OK && k < blk->dim; k++) blk->norm2[k] = 1.0;
  for (int o = 0, first = 0; s == WEYL_OK && o < n_orb; first += orb[o++].sol.dim)
    s = orbit_elements(&S, &orb[o].sol, orb[o].head, orb[o].end, first, blk);
  for (int o = 0; o < n_orb; o++) weyl_block_clear(&orb[o].sol);
  free(orb);
  search_free(&S);
  fibred_clear(&fi), fibred_clear(&fo);
  return s;
}
