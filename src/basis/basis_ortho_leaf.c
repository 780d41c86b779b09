/* One leaf's orthogonalising factor (see basis_ortho.c for why): an
 * invertible M with M^T R_k M^-T orthogonal for every generator matrix R_k
 * of the leaf, found in three steps, cheapest first.
 *
 * 1. Balance. A diagonal D made of powers of two (so D^-1 R D is exact)
 *    evens out the rows and columns of sum_k |R_k| (Parlett-Reinsch, as
 *    LAPACK's dgebal). A rep conjugated by a diagonal scaling comes out
 *    within a factor 2 of its orthogonal form; when the balanced generators
 *    B_k are orthogonal already, M = D^-1.
 * 2. Enumerate. The group is enumerated from its orthogonal leaves when it
 *    has any (elements told apart without touching this leaf), else from the
 *    balanced leaf B made nearly orthogonal (precondition): its matrices
 *    have entries near 1, so products of thousands of them stay within the
 *    enumeration's tolerance where the raw badly scaled ones do not
 *    (D(10000) conjugated by diag(1e4, 1e-4) gives 20002 "elements" as
 *    given, 20000 balanced).
 * 3. Average. G = mean_g R(g)^T R(g) = L L^T over the enumerated tree, R(g)
 *    formed from the leaf's own matrices; then L^T R_k L^-T is orthogonal
 *    and M = L.
 * The result is accepted when the new generators are orthogonal to
 * ACCEPT_DEFECT; else the leaf is used as given (the enumeration closed on
 * something the leaf does not represent: rounded entries, wrong matrices). */
#include <cblas.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basis/basis_impl.h"
#include "group/group_impl.h"
#include "core/mat.h"
#include "core/status_impl.h"

/* A generator with max |R^T R - I| above this is "not orthogonal". An
 * orthogonal matrix stored in doubles has a defect of a few ulps per dot
 * product: at most about d * DBL_EPSILON for dimension d (1e-13 at d = 500).
 * 1e-12 (or 16 d eps for larger d) sits well above that and far below the
 * defects of a conjugated rep (1e-8 and up for cond 1.0001). */
static double orth_tol(int d) { return fmax(1e-12, 16.0 * d * DBL_EPSILON); }

/* The new generators must come out orthogonal to this; a larger defect
 * means the enumeration identified elements that the leaf tells apart (it
 * does not represent the enumerated group). Errors of eps cond(P)^2 are
 * expected for a rep conjugated by P: 1e-6 admits cond(P) up to about 1e5. */
#define ACCEPT_DEFECT 1e-6

/* Time budget of one leaf's average, 3 |G| d^3 flops: about a second of
 * dgemm on one core. Past it (a 100-dim leaf of a 20000-element group) the
 * leaf is used as given; weyl_group_check flags its conditioning. */
#define AVERAGE_FLOPS_MAX 1e10
/* Budget of the enumeration, in the scalar operations of its plain loops
 * (slower than dgemm's flops): about a second. */
#define ENUM_OPS_MAX 2e9
/* Rounds of precondition at most (each about 3 K d^3 flops). */
#define PRECONDITION_ROUNDS 8

enum { LEAF_UNKNOWN = 0, LEAF_AS_IS, LEAF_FACTOR };

/* A spanning tree of the group (weyl_group_tree). */
typedef struct {
  long order;
  int *parent, *gen;
} tree;

static void tree_free(tree *t) {
  free(t->parent), free(t->gen);
  memset(t, 0, sizeof *t);
}

struct weyl_ortho_cache {
  const weyl_group *g;
  weyl_group g2; /* g with factored leaves acting by M^T R M^-T (own leaves array) */
  /* The group as its orthogonal leaves see it, shared by all others: built
   * (good_tree.order > 0), or failed at the limit good_failed. */
  int good_known, n_good;
  weyl_leaf *good; /* [n_good] copies of those leaves */
  tree good_tree;
  long good_failed;
  int *state;         /* [n_leaves] LEAF_* */
  double **M, **Minv; /* [n_leaves] for LEAF_FACTOR, d x d row-major */
  weyl_action **acts; /* [n_leaves] for LEAF_FACTOR: g2's actions of the leaf */
  weyl_action **alg;  /* [n_leaves] for LEAF_FACTOR of a Lie group: g2's algebra */
};

static void actions_free(weyl_action *a, int n) {
  for (int k = 0; a && k < n; k++)
    free(a[k].mat);
  free(a);
}

void weyl_ortho_cache_free(weyl_ortho_cache *c) {
  if (!c)
    return;
  for (int i = 0; c->state && i < c->g->n_leaves; i++) {
    free(c->M[i]), free(c->Minv[i]);
    actions_free(c->acts[i], c->g->n_disc);
    actions_free(c->alg[i], c->g->n_alg);
  }
  free(c->M), free(c->Minv), free(c->acts), free(c->alg), free(c->state), free(c->good);
  tree_free(&c->good_tree);
  free(c->g2.leaves);
  free(c);
}

weyl_ortho_cache *weyl_ortho_cache_new(const weyl_group *g) {
  weyl_ortho_cache *c = calloc(1, sizeof *c);
  if (!c)
    return NULL;
  size_t n = g->n_leaves > 0 ? (size_t)g->n_leaves : 1;
  c->g = g;
  c->g2 = *g; /* borrows everything but the leaves array */
  c->g2.leaves = malloc(n * sizeof *c->g2.leaves);
  c->good = malloc(n * sizeof *c->good);
  c->M = calloc(n, sizeof *c->M);
  c->Minv = calloc(n, sizeof *c->Minv);
  c->acts = calloc(n, sizeof *c->acts);
  c->alg = calloc(n, sizeof *c->alg);
  c->state = calloc(n, sizeof *c->state);
  if (c->g2.leaves && c->good && c->M && c->Minv && c->acts && c->alg && c->state) {
    memcpy(c->g2.leaves, g->leaves, (size_t)g->n_leaves * sizeof *g->leaves);
    return c;
  }
  weyl_ortho_cache_free(c);
  return NULL;
}

weyl_group *weyl_ortho_group(weyl_ortho_cache *c) { return &c->g2; }

static int orthogonal(const weyl_group *g, const weyl_leaf *l) {
  if (l->dim <= 0)
    return 1;
  for (int k = 0; k < g->n_disc; k++)
    if (l->disc[k].mat && !(weyl_mat_orth_defect(l->dim, l->disc[k].mat, l->dim) <= orth_tol(l->dim)))
      return 0;
  return 1;
}

/* ---------- step 1: balancing ---------- */

/* Powers of two D (d entries) balancing A = sum_k |R_k| (d x d, destroyed):
 * D^-1 A D has each off-diagonal row sum within a factor 2 of its column
 * sum. The Parlett-Reinsch iteration of LAPACK's dgebal, without the
 * permutations. */
static void balance(double *A, int d, double *D) {
  for (int i = 0; i < d; i++)
    D[i] = 1.0;
  for (int changed = 1, sweeps = 0; changed && sweeps < 100; sweeps++) {
    changed = 0;
    for (int i = 0; i < d; i++) {
      double c = 0, r = 0;
      for (int j = 0; j < d; j++)
        if (j != i)
          c += fabs(A[(size_t)j * d + i]), r += fabs(A[(size_t)i * d + j]);
      if (c == 0 || r == 0)
        continue;
      double f = 1, s = c + r;
      while (c < r / 2)
        c *= 2, r /= 2, f *= 2;
      while (c >= r * 2)
        c /= 2, r *= 2, f /= 2;
      if (c + r >= 0.95 * s)
        continue;
      changed = 1;
      D[i] *= f;
      for (int j = 0; j < d; j++)
        A[(size_t)i * d + j] /= f, A[(size_t)j * d + i] *= f;
    }
  }
}

/* n actions of a d-dim leaf as dense matrices in a new actions array (the
 * identity, or zero for algebra generators, stays NULL). */
static weyl_action *dense_of(const weyl_action *acts, int n, int d, double unit) {
  size_t d2 = (size_t)d * d;
  weyl_action *b = calloc(n > 0 ? (size_t)n : 1, sizeof *b);
  for (int k = 0; b && k < n; k++) {
    const weyl_action *a = &acts[k];
    if (!a->mat && !a->perm)
      continue;
    if (!(b[k].mat = malloc(d2 * sizeof *b[k].mat))) {
      actions_free(b, n);
      return NULL;
    }
    weyl_action_dense(a, d, unit, b[k].mat);
  }
  return b;
}

/* The leaf's discrete generators as dense matrices. */
static weyl_action *dense_actions(const weyl_group *g, const weyl_leaf *l) {
  return dense_of(l->disc, g->n_disc, l->dim, 1.0);
}

/* B_k <- D^-1 B_k D for n dense actions. */
static void scale_actions(weyl_action *b, int n, int d, const double *D) {
  for (int k = 0; k < n; k++)
    for (int i = 0; b[k].mat && i < d; i++)
      for (int j = 0; j < d; j++)
        b[k].mat[(size_t)i * d + j] *= D[j] / D[i];
}

/* The leaf's generators balanced, B_k = D^-1 R_k D, in a new actions array;
 * D from balance. */
static weyl_action *balanced(const weyl_group *g, const weyl_leaf *l, double *D) {
  int d = l->dim;
  size_t d2 = (size_t)d * d;
  weyl_action *b = dense_actions(g, l);
  double *A = calloc(d2, sizeof *A);
  if (!b || !A) {
    actions_free(b, g->n_disc);
    free(A);
    return NULL;
  }
  for (int k = 0; k < g->n_disc; k++)
    for (size_t e = 0; b[k].mat && e < d2; e++)
      A[e] += fabs(b[k].mat[e]);
  balance(A, d, D);
  scale_actions(b, g->n_disc, d, D);
  free(A);
  return b;
}

/* ---------- steps 2 and 3: enumeration and average ---------- */

/* The largest group worth enumerating for averaging a d-dim leaf: the
 * average costs 3 |G| d^3 flops and the enumeration about n_disc e^2
 * min(e, 4) operations per element for each leaf of dimension e it looks at
 * (group_order.c), with tens of bytes per element and leaf entry; all three
 * must stay within budget. 0 when even the average's matrices do not fit. */
static long order_limit(const weyl_ortho_cache *c, int d, size_t max_bytes) {
  const weyl_group *g = c->g;
  double ops = g->n_disc * (double)d * d * fmin(d, 4), bytes = 64 + 8.0 * d * fmin(d, 4);
  double good_ops = 0, good_bytes = 64;
  for (int i = 0; i < c->n_good; i++) {
    double e = c->good[i].dim;
    good_ops += g->n_disc * e * e * fmin(e, 4), good_bytes += 8 * e * fmin(e, 4);
  }
  ops = fmax(ops, good_ops);
  bytes = fmax(bytes, good_bytes) + 4.0 * g->n_disc;
  double limit = fmin(AVERAGE_FLOPS_MAX / (3.0 * d * d * d), ENUM_OPS_MAX / ops);
  limit = fmin(limit, (double)max_bytes / 2 / bytes);
  if (weyl_leaf_average_bytes(g, 1, d) + (g->n_disc + 4.0) * d * d * 8 > (double)max_bytes)
    return 0;
  return limit >= WEYL_GROUP_DEFAULT_MAX_ORDER ? WEYL_GROUP_DEFAULT_MAX_ORDER : (long)limit;
}

/* The orthogonal leaves' group (built once per solve, retried only with a
 * larger limit than one that failed); NULL when there is none. */
static const tree *good_tree(weyl_ortho_cache *c, long limit) {
  tree *t = &c->good_tree;
  if (t->order > 0)
    return t->order <= limit ? t : NULL;
  if (c->n_good == 0 || limit <= c->good_failed)
    return NULL;
  if (weyl_group_tree(c->g, c->good, c->n_good, limit, &t->order, &t->parent, &t->gen) == WEYL_OK)
    return t;
  c->good_failed = limit;
  return NULL;
}

/* weyl_mat_cholesky_inverse on L (G in, L out; d x d) and Linv; 0 when G is
 * not (numerically) positive definite. That only means the leaf is used as
 * given, so the message it leaves is put back. */
static int cholesky_and_inverse(double *L, double *Linv, int d) {
  char saved[WEYL_MSG_CAP];
  snprintf(saved, sizeof saved, "%s", weyl_status_last_error());
  if (weyl_mat_cholesky_inverse(d, L, d, Linv, d) == WEYL_OK)
    return 1;
  weyl_error_restore(saved);
  return 0;
}

/* L with G = L L^T, G the average of leaf l over tree t, and L^-1; 0 when G
 * is not (numerically) positive definite. */
static int cholesky(const weyl_group *g, const tree *t, const weyl_leaf *l, double *L,
                    double *Linv) {
  return weyl_leaf_average(g, l, t->order, t->parent, t->gen, L) == WEYL_OK &&
         cholesky_and_inverse(L, Linv, l->dim);
}

/* acts[k] = L^T R_k L^-T in place (tmp: d^2 doubles); the largest defect. */
static double transform(const weyl_group *g, weyl_action *acts, int d, const double *L,
                        const double *Linv, double *tmp) {
  double worst = 0;
  for (int k = 0; k < g->n_disc; k++) {
    double *R = acts[k].mat;
    if (!R)
      continue;
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, d, d, d, 1.0, L, d, R, d, 0.0, tmp, d);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, d, d, d, 1.0, tmp, d, Linv, d, 0.0, R, d);
    worst = fmax(worst, weyl_mat_orth_defect(d, R, d));
  }
  return worst;
}

/* Installs M = D^-1 L and M^-1 = L^-1 D (D or L NULL: the identity) and
 * the leaf's new generators acts (taken over). */
static int install(weyl_ortho_cache *c, int idx, const double *D, const double *L,
                   const double *Linv, weyl_action *acts) {
  int d = c->g->leaves[idx].dim;
  size_t d2 = (size_t)d * d;
  double *M = malloc(d2 * sizeof *M), *Minv = malloc(d2 * sizeof *Minv);
  if (!M || !Minv) {
    free(M), free(Minv);
    return 0;
  }
  for (int i = 0; i < d; i++)
    for (int j = 0; j < d; j++) {
      M[(size_t)i * d + j] = (L ? L[(size_t)i * d + j] : (double)(i == j)) / (D ? D[i] : 1.0);
      Minv[(size_t)i * d + j] =
          (Linv ? Linv[(size_t)i * d + j] : (double)(i == j)) * (D ? D[j] : 1.0);
    }
  c->M[idx] = M;
  c->Minv[idx] = Minv;
  c->acts[idx] = acts;
  c->g2.leaves[idx].disc = acts;
  c->state[idx] = LEAF_FACTOR;
  return 1;
}

/* Step 3 for leaf idx over tree t: 1 when installed. The average is taken
 * of the leaf as given, not balanced: its errors are then those of the
 * data (D^-1 R D averaged came out 100 times less accurate for S3
 * conjugated by a dense P of condition 1e4). */
static int average_over(weyl_ortho_cache *c, int idx, const tree *t) {
  const weyl_group *g = c->g;
  const weyl_leaf *l = &g->leaves[idx];
  size_t d2 = (size_t)l->dim * l->dim;
  double *L = malloc(d2 * sizeof *L), *Linv = malloc(d2 * sizeof *Linv);
  double *tmp = malloc(d2 * sizeof *tmp);
  weyl_action *acts = dense_actions(g, l);
  int ok = L && Linv && tmp && acts && cholesky(g, t, l, L, Linv) &&
           transform(g, acts, l->dim, L, Linv, tmp) <= ACCEPT_DEFECT &&
           install(c, idx, NULL, L, Linv, acts);
  if (!ok)
    actions_free(acts, g->n_disc);
  free(L), free(Linv), free(tmp);
  return ok;
}

/* Makes the leaf's matrices B_k (balanced, not orthogonal) closer to
 * orthogonal before they are enumerated, so that products of thousands of
 * them stay within the enumeration's tolerance: G = I + sum_k B_k^T B_k =
 * L L^T (its scale does not matter), B_k <- L^T B_k L^-T, a few times, until
 * max |B_k^T B_k - I| <= 1e-2. Round t has applied
 * the t-th power of the averaging over one step of the generators (a lazy
 * random walk on the group), so G tends to an invariant form; that the
 * walk mixes slowly on large cyclic groups does not matter, the tolerance
 * asks for far less than orthogonality. D4 on 4 points conjugated by a P of
 * condition 3e3 enumerates to its 8 elements this way, to 9 without (one
 * element found twice, and no invariant average). Any invertible change of
 * basis keeps the group: only the tree is taken from the result. */
static void precondition(const weyl_group *g, weyl_action *B, int d) {
  size_t d2 = (size_t)d * d;
  double *L = malloc(d2 * sizeof *L), *Linv = malloc(d2 * sizeof *Linv);
  double *tmp = malloc(d2 * sizeof *tmp), defect = INFINITY;
  for (int round = 0; L && Linv && tmp && round < PRECONDITION_ROUNDS && defect > 1e-2; round++) {
    memset(L, 0, d2 * sizeof *L);
    for (int i = 0; i < d; i++)
      L[(size_t)i * d + i] = 1.0;
    for (int k = 0; k < g->n_disc; k++)
      if (B[k].mat)
        cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, d, d, 1.0, B[k].mat, d, 1.0, L, d);
    if (!cholesky_and_inverse(L, Linv, d))
      break;
    defect = transform(g, B, d, L, Linv, tmp);
  }
  free(L), free(Linv), free(tmp);
}

/* ---------- Lie groups: balancing only ---------- */

/* A leaf of a group with algebra generators whose diagonal balancing D
 * spreads over less than this is used as given (every built-in group, and
 * every file written in natural units, stays on the unchanged path). */
#define ALG_BALANCE_SPREAD 1024.0

/* The Lorentz group in SI units (boosts with entries 1/c^2 and 1) had the
 * dual's invariant vector e_t "found" with a gap of 8e15: the entry 1/c^2
 * that forbids it is below the relative tolerance. No average exists for a
 * non-compact group, but the question does not depend on the basis, so it
 * is asked after D^-1 X D with D balancing sum_k |X_k| over the algebra and
 * discrete generators of the leaf (entries 1/c and 1/c there); the factor
 * is M = D^-1 (rho' = M^T rho M^-T), which basis_ortho.c composes as for
 * finite groups. */
/* A += |X| for n actions, one dense copy at a time in tmp (a group with
 * 2016 generators on a 64-dim leaf needs no 66 MB of copies to say no). */
static void add_abs(double *A, const weyl_action *acts, int n, int d, double unit, double *tmp) {
  size_t d2 = (size_t)d * d;
  for (int k = 0; k < n; k++) {
    if (!acts[k].mat && !acts[k].perm)
      continue;
    weyl_action_dense(&acts[k], d, unit, tmp);
    for (size_t e = 0; e < d2; e++)
      A[e] += fabs(tmp[e]);
  }
}

static void resolve_algebra(weyl_ortho_cache *c, int idx) {
  const weyl_group *g = c->g;
  const weyl_leaf *l = &g->leaves[idx];
  int d = l->dim;
  size_t d2 = (size_t)d * d;
  double *A = calloc(d2 ? d2 : 1, sizeof *A), *D = malloc((d ? (size_t)d : 1) * sizeof *D);
  double *tmp = malloc((d2 ? d2 : 1) * sizeof *tmp), lo = INFINITY, hi = 0;
  int ok = A && D && tmp && d > 1;
  if (ok) {
    add_abs(A, l->alg, g->n_alg, d, 0.0, tmp);
    add_abs(A, l->disc, g->n_disc, d, 1.0, tmp);
    balance(A, d, D);
  }
  free(A), free(tmp);
  for (int i = 0; ok && i < d; i++)
    lo = fmin(lo, D[i]), hi = fmax(hi, D[i]);
  weyl_action *disc = NULL, *alg = NULL;
  if (ok && hi >= ALG_BALANCE_SPREAD * lo) {
    disc = dense_of(l->disc, g->n_disc, d, 1.0);
    alg = dense_of(l->alg, g->n_alg, d, 0.0);
  }
  if (disc && alg) {
    scale_actions(disc, g->n_disc, d, D);
    scale_actions(alg, g->n_alg, d, D);
  }
  if (disc && alg && install(c, idx, D, NULL, NULL, disc)) {
    c->alg[idx] = alg;
    c->g2.leaves[idx].alg = alg;
  } else {
    actions_free(disc, g->n_disc);
    actions_free(alg, g->n_alg);
  }
  free(D);
}

static void resolve(weyl_ortho_cache *c, int idx, size_t max_bytes) {
  const weyl_group *g = c->g;
  const weyl_leaf *l = &g->leaves[idx];
  c->state[idx] = LEAF_AS_IS;
  if (g->n_alg > 0) {
    resolve_algebra(c, idx);
    return;
  }
  if (orthogonal(g, l))
    return;
  for (int i = 0; !c->good_known && i < g->n_leaves; i++) /* once: the orthogonal leaves */
    if (g->leaves[i].dim > 0 && orthogonal(g, &g->leaves[i]))
      c->good[c->n_good++] = g->leaves[i];
  c->good_known = 1;
  double *D = malloc((size_t)l->dim * sizeof *D);
  weyl_leaf b = *l; /* step 1 */
  b.disc = D ? balanced(g, l, D) : NULL;
  int done = b.disc && orthogonal(g, &b) && install(c, idx, D, NULL, NULL, b.disc);
  long limit = b.disc && !done ? order_limit(c, l->dim, max_bytes) : 0;
  const tree *t = limit > 0 ? good_tree(c, limit) : NULL; /* step 2 */
  done = done || (t && average_over(c, idx, t));
  if (!done && limit > 0) { /* the leaf's own group, from its preconditioned matrices */
    tree own = {0};
    precondition(g, b.disc, l->dim);
    if (weyl_group_tree(g, &b, 1, limit, &own.order, &own.parent, &own.gen) == WEYL_OK)
      average_over(c, idx, &own);
    tree_free(&own);
  }
  if (c->acts[idx] != b.disc)
    actions_free(b.disc, g->n_disc);
  free(D);
}

int weyl_ortho_leaf(weyl_ortho_cache *c, int idx, size_t max_bytes, const double **M,
                    const double **Minv) {
  if (c->state[idx] == LEAF_UNKNOWN)
    resolve(c, idx, max_bytes);
  *M = c->M[idx];
  *Minv = c->Minv[idx];
  return c->state[idx] == LEAF_FACTOR;
}
