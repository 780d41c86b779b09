/* Homomorphism defects of a group given by generator matrices (group_check.h).
 *
 * Every count comes from weyl_group_order run on a shallow copy of the group
 * that keeps only some reps (V and one other) or one generator: the copy
 * borrows the leaves' actions and owns only its arrays and its enumeration
 * cache. */
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "group/group_impl.h"
#include "core/mat.h"
#include "core/status_impl.h"
#include "weyl/group_check.h"

/* Work of one enumerated element: each generator applied to each leaf
 * (dense leaves: a d x d matrix times the element's d x 4 sketch). */
static double element_flops(const weyl_group *g, const int *idx, int n) {
  double w = 0;
  for (int i = 0; i < n; i++) {
    const weyl_leaf *l = &g->leaves[idx[i]];
    for (int k = 0; k < g->n_disc; k++)
      w += l->disc[k].mat ? 4.0 * l->dim * l->dim : l->dim;
  }
  return w > 1 ? w : 1;
}

/* Lists a part not run (the first WEYL_GROUP_CHECK_MAX_SKIPPED of them). */
static void skip(weyl_group_check_report *r, const char *what, int leaf, int gen, long elements,
                 double work) {
  if (r && r->n_skipped < WEYL_GROUP_CHECK_MAX_SKIPPED)
    r->skipped[r->n_skipped] = (weyl_group_check_skip){what, leaf, gen, elements, work};
  if (r)
    r->n_skipped++;
}

/* |<subset>| where the subset is leaves idx[0..n) and generators gen (all
 * when gen < 0). st receives the enumeration's status. The enumeration stops
 * at `limit` elements or at the budget (WEYL_GROUP_CHECK_FLOPS), whichever
 * comes first; stopped by the budget, it is listed in r->skipped (when r is
 * given) under `what` and *order is -1. */
static weyl_status sub_order(const weyl_group *g, const int *idx, int n, int gen, long limit,
                             long *order, weyl_status *st, weyl_group_check_report *r,
                             const char *what) {
  weyl_leaf *leaves = calloc((size_t)n + 1, sizeof *leaves);
  *order = 0;
  if (!leaves)
    return weyl_fail(WEYL_ENOMEM, "out of memory checking group %s", g->name);
  for (int i = 0; i < n; i++) {
    leaves[i] = g->leaves[idx[i]];
    if (gen >= 0)
      leaves[i].disc = &g->leaves[idx[i]].disc[gen];
  }
  double per = element_flops(g, idx, n) / (gen >= 0 && g->n_disc > 0 ? g->n_disc : 1);
  double allowed = WEYL_GROUP_CHECK_FLOPS / per;
  long cap = allowed < (double)limit ? (long)allowed : limit;
  *st = weyl_group_order_on(g, leaves, n, gen >= 0 ? 1 : g->n_disc, cap > 0 ? cap : 1, 0, order,
                            NULL);
  if (*st == WEYL_ELIMIT && cap < limit) {
    skip(r, what, what && strcmp(what, "order") && gen < 0 ? idx[n - 1] : -1, gen, cap, per);
    *order = -1;
  }
  free(leaves);
  return *st == WEYL_ENOMEM ? WEYL_ENOMEM : WEYL_OK;
}

/* 1-norm condition number of the n x n R^T, which is R's infinity-norm
 * condition number: good enough to flag bad scaling (estimate from LU;
 * infinity when singular, out of memory or NaN, which the parser does not
 * let through). A failed estimate only makes the report say so: the
 * message it leaves is put back. */
static double condition(const double *R, int n) {
  char saved[WEYL_MSG_CAP];
  snprintf(saved, sizeof saved, "%s", weyl_status_last_error());
  double rcond = 0;
  if (weyl_mat_rcond_estimate('I', n, R, n, &rcond) != WEYL_OK)
    weyl_error_restore(saved);
  return rcond > 0 ? 1.0 / rcond : INFINITY;
}

static int rounded(double defect) {
  return defect >= WEYL_GROUP_CHECK_ORTH_ROUNDED_MIN && defect <= WEYL_GROUP_CHECK_ORTH_ROUNDED_MAX;
}

/* R^T R and an LU of a d x d matrix. */
static double orth_flops(int d) { return 2.0 * d * d * (double)d + 2.0 / 3.0 * d * d * (double)d; }

static void check_orthogonality(const weyl_group *g, weyl_group_check_report *r) {
  for (int i = 0; i < g->n_leaves; i++) {
    weyl_group_check_leaf *c = &r->leaves[i];
    c->orth_gen = c->cond_gen = -1;
    c->cond = 1.0;
    for (int k = 0; k < g->n_disc; k++) {
      const double *m = g->leaves[i].disc[k].mat;
      if (m && orth_flops(g->leaves[i].dim) > WEYL_GROUP_CHECK_FLOPS) {
        skip(r, "orthogonality", i, k, 0, orth_flops(g->leaves[i].dim));
        continue;
      }
      double d = m ? weyl_mat_orth_defect(g->leaves[i].dim, m, g->leaves[i].dim) : 0.0;
      if (m && (c->orth_gen < 0 || d > c->orth_defect))
        c->orth_defect = d, c->orth_gen = k;
      double cond =
          m && d > WEYL_GROUP_CHECK_ORTH_ROUNDED_MIN ? condition(m, g->leaves[i].dim) : 1.0;
      if (cond > c->cond)
        c->cond = cond, c->cond_gen = k;
    }
    r->n_defects += rounded(c->orth_defect) + (c->cond > WEYL_GROUP_CHECK_COND_MAX);
  }
}

/* A generator acting by permutations everywhere has a finite order, however
 * large: only dense ones can fail to close. */
static int acts_densely(const weyl_group *g, int k) {
  for (int i = 0; i < g->n_leaves; i++)
    if (g->leaves[i].disc[k].mat)
      return 1;
  return 0;
}

/* Generator orders on all reps together. */
static weyl_status check_generators(const weyl_group *g, long limit, weyl_group_check_report *r) {
  int *all = malloc((size_t)g->n_leaves * sizeof *all + 1);
  if (!all)
    return weyl_fail(WEYL_ENOMEM, "out of memory checking group %s", g->name);
  for (int i = 0; i < g->n_leaves; i++)
    all[i] = i;
  weyl_status s = WEYL_OK, st = WEYL_OK;
  for (int k = 0; s == WEYL_OK && k < g->n_disc; k++) {
    s = sub_order(g, all, g->n_leaves, k, limit, &r->gen_order[k], &st, r, "generator order");
    r->n_defects += st != WEYL_OK && r->gen_order[k] >= 0 && acts_densely(g, k);
  }
  free(all);
  return s;
}

/* The defining leaves (V for a .rep file) against each other rep: a word
 * trivial on them must be trivial on X, so V (+) X may have no more
 * elements than V. The limit |<V>| stops a bad rep at the first extra
 * element. idx holds the defining leaves and one more place. */
static weyl_status check_leaves(const weyl_group *g, weyl_group_check_report *r) {
  weyl_status st = WEYL_OK, s;
  int ndef = weyl_group_defining_count(g), pair[2] = {0, 0};
  int *idx = malloc(((size_t)ndef + 1) * sizeof *idx);
  if (!idx)
    return weyl_fail(WEYL_ENOMEM, "out of memory checking group %s", g->name);
  for (int i = 0; i < ndef; i++)
    idx[i] = i;
  s = sub_order(g, pair, 1, -1, r->order, &r->v_order, &st, NULL, NULL);
  if (r->v_order < 0)
    r->v_order = 0;
  for (int i = ndef; s == WEYL_OK && r->order > 0 && i < g->n_leaves; i++) {
    idx[ndef] = i;
    s = sub_order(g, idx, ndef + 1, -1, r->order, &r->leaves[i].order_with_v, &st, r,
                  "consistency with V");
    r->leaves[i].consistent = r->leaves[i].order_with_v < 0 ? -1 : st == WEYL_OK;
    r->n_defects += r->leaves[i].consistent == 0;
  }
  free(idx);
  return s;
}

/* ---- the Lie algebra ---------------------------------------------------- */

enum { ALG_MAX = 256 };               /* algebra generators checked at most */
static const double ALG_FLOPS = WEYL_GROUP_CHECK_FLOPS; /* per rep, else not checked */
static const double ALG_RANK = 1e-12; /* eigenvalues of B^T B below this, relative,
                                         are linear relations among V's generators */

/* What V says about the algebra: its generators as vectors (B, row k =
 * vec A_k), the eigen-decomposition of the Gram matrix B B^T (columns of U,
 * eigenvalues lam ascending; those below `kept` are relations), and the
 * coefficients of every bracket and every conjugate. */
typedef struct {
  int D, M;       /* algebra and discrete generators */
  double *U, *lam;
  int kept;       /* index of the first eigenvalue kept */
  double *br;     /* [D*D][D]: c_ij^k for i < j */
  double *act;    /* [M*D][D]: d_hi^k */
} alg_fit;

static double fro(const double *a, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; i++)
    s += a[i] * a[i];
  return sqrt(s);
}

/* Work of the checks on a rep of dimension m (brackets and conjugations). */
static double alg_flops(const weyl_group *g, int m) {
  double D = g->n_alg;
  return (D * (D - 1) + 2.0 * g->n_disc * D + 2.0 * g->n_disc) * 2.0 * m * (double)m * m;
}

/* X = the leaf's algebra generators, [D][m*m]. */
static double *leaf_algebra(const weyl_group *g, const weyl_leaf *l) {
  size_t mm = (size_t)l->dim * l->dim;
  double *X = malloc((size_t)g->n_alg * mm * sizeof *X + 1);
  for (int k = 0; X && k < g->n_alg; k++)
    weyl_action_dense(&l->alg[k], l->dim, 0.0, X + (size_t)k * mm);
  return X;
}

/* c = the least-squares coefficients of y (m*m) in V's generators. */
static void fit_coef(const alg_fit *f, const double *B, size_t mm, const double *y, double *c) {
  double t[ALG_MAX];
  for (int k = 0; k < f->D; k++) {
    t[k] = 0;
    for (size_t e = 0; e < mm; e++)
      t[k] += B[(size_t)k * mm + e] * y[e];
    c[k] = 0;
  }
  for (int j = f->kept; j < f->D; j++) {
    double u = 0;
    for (int k = 0; k < f->D; k++)
      u += f->U[k * f->D + j] * t[k];
    for (int k = 0; k < f->D; k++)
      c[k] += f->U[k * f->D + j] * u / f->lam[j];
  }
}

/* out = [X_i, X_j] (m x m). */
static void bracket(const double *X, int m, int i, int j, double *out, double *tmp) {
  size_t mm = (size_t)m * m;
  weyl_mat_mul(0, 0, m, m, m, X + i * mm, m, X + j * mm, m, out, m);
  weyl_mat_mul(0, 0, m, m, m, X + j * mm, m, X + i * mm, m, tmp, m);
  for (size_t e = 0; e < mm; e++)
    out[e] -= tmp[e];
}

/* H and H^-1 (m x m) of discrete generator h on leaf l; 0 when singular. */
static int discrete_pair(const weyl_leaf *l, int h, double *H, double *Hinv) {
  int m = l->dim;
  weyl_action_dense(&l->disc[h], m, 1.0, H);
  memcpy(Hinv, H, (size_t)m * m * sizeof *H);
  lapack_int *piv = malloc((size_t)m * sizeof *piv);
  lapack_int info = piv ? LAPACKE_dgetrf(LAPACK_ROW_MAJOR, m, m, Hinv, m, piv) : -1;
  if (info == 0)
    info = LAPACKE_dgetri(LAPACK_ROW_MAJOR, m, Hinv, m, piv);
  free(piv);
  return info == 0;
}

/* out = H X_i H^-1. */
static void conjugate(const double *H, const double *Hinv, const double *Xi, int m, double *out,
                      double *tmp) {
  weyl_mat_mul(0, 0, m, m, m, H, m, Xi, m, tmp, m);
  weyl_mat_mul(0, 0, m, m, m, tmp, m, Hinv, m, out, m);
}

/* |y - sum_k c_k X_k| / max(scale, sum_k |c_k| |X_k|), 0 when both are 0. */
static double residual(const double *X, const double *nrm, int D, size_t mm, const double *c,
                       double *y, double scale) {
  double terms = 0;
  for (int k = 0; k < D; k++) {
    if (c[k] == 0.0)
      continue;
    terms += fabs(c[k]) * nrm[k];
    for (size_t e = 0; e < mm; e++)
      y[e] -= c[k] * X[(size_t)k * mm + e];
  }
  double den = scale > terms ? scale : terms;
  return den > 0 ? fro(y, mm) / den : 0.0;
}

static void fit_free(alg_fit *f) {
  free(f->U), free(f->lam), free(f->br), free(f->act);
  memset(f, 0, sizeof *f);
}

/* Solves V's relations, structure constants and conjugation coefficients. */
static weyl_status fit_on_v(const weyl_group *g, alg_fit *f) {
  const weyl_leaf *v = &g->leaves[0];
  int n = v->dim, D = g->n_alg, M = g->n_disc;
  size_t nn = (size_t)n * n;
  *f = (alg_fit){.D = D, .M = M};
  double *B = leaf_algebra(g, v), *y = malloc(nn * sizeof *y), *tmp = malloc(nn * sizeof *y);
  double *Hinv = malloc(nn * sizeof *y);
  f->U = malloc((size_t)D * D * sizeof *f->U);
  f->lam = malloc((size_t)D * sizeof *f->lam);
  f->br = calloc((size_t)D * D * D, sizeof *f->br);
  f->act = calloc((size_t)(M > 0 ? M : 1) * D * D, sizeof *f->act);
  weyl_status s = WEYL_OK;
  if (!B || !y || !tmp || !Hinv || !f->U || !f->lam || !f->br || !f->act)
    s = weyl_fail(WEYL_ENOMEM, "out of memory checking the algebra of group %s", g->name);
  if (s == WEYL_OK) {
    weyl_mat_mul(0, 1, D, D, (int)nn, B, (int)nn, B, (int)nn, f->U, D);
    if (LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', D, f->U, D, f->lam) != 0)
      s = weyl_fail(WEYL_ENUMERIC, "group %s: eigenvalues of the algebra's Gram matrix failed",
                    g->name);
  }
  if (s == WEYL_OK) {
    double top = f->lam[D - 1];
    while (f->kept < D && !(f->lam[f->kept] > ALG_RANK * top))
      f->kept++;
    for (int i = 0; i < D; i++)
      for (int j = i + 1; j < D; j++) {
        bracket(B, n, i, j, y, tmp);
        fit_coef(f, B, nn, y, f->br + ((size_t)i * D + j) * D);
      }
    double *H = malloc(nn * sizeof *H + 1), *t2 = malloc(nn * sizeof *t2 + 1);
    if (!H || !t2)
      s = weyl_fail(WEYL_ENOMEM, "out of memory checking the algebra of group %s", g->name);
    for (int h = 0; s == WEYL_OK && h < M; h++) {
      if (!discrete_pair(v, h, H, Hinv))
        continue; /* the parser lets no singular generator through */
      for (int i = 0; i < D; i++) {
        conjugate(H, Hinv, B + (size_t)i * nn, n, y, t2);
        fit_coef(f, B, nn, y, f->act + ((size_t)h * D + i) * D);
      }
    }
    free(H), free(t2);
  }
  free(B), free(y), free(tmp), free(Hinv);
  if (s != WEYL_OK)
    fit_free(f);
  return s;
}

/* Relations and brackets of leaf l against V's fit. */
static void check_brackets(const alg_fit *f, const double *X, const double *nrm, int m,
                           double *y, double *tmp, weyl_group_check_leaf *c) {
  int D = f->D;
  size_t mm = (size_t)m * m;
  for (int j = 0; j < f->kept; j++) { /* sum_k a_k X_k = 0 */
    double a[ALG_MAX];
    for (int k = 0; k < D; k++)
      a[k] = -f->U[k * D + j];
    memset(y, 0, mm * sizeof *y);
    double r = residual(X, nrm, D, mm, a, y, 0.0);
    if (r > c->alg_residual)
      c->alg_residual = r, c->alg_gen[0] = -1, c->alg_gen[1] = j;
  }
  for (int i = 0; i < D; i++)
    for (int j = i + 1; j < D; j++) {
      bracket(X, m, i, j, y, tmp);
      double r = residual(X, nrm, D, mm, f->br + ((size_t)i * D + j) * D, y, nrm[i] * nrm[j]);
      if (r > c->alg_residual)
        c->alg_residual = r, c->alg_gen[0] = i, c->alg_gen[1] = j;
    }
}

/* h X_i h^-1 of leaf l against V's coefficients. */
static weyl_status check_action(const weyl_group *g, const alg_fit *f, const weyl_leaf *l,
                                const double *X, const double *nrm, double *y,
                                weyl_group_check_leaf *c) {
  int m = l->dim, D = f->D;
  size_t mm = (size_t)m * m;
  double *H = malloc(3 * mm * sizeof *H + 1);
  if (!H)
    return weyl_fail(WEYL_ENOMEM, "out of memory checking the algebra of group %s", g->name);
  double *Hinv = H + mm, *tmp = Hinv + mm;
  for (int h = 0; h < f->M && discrete_pair(l, h, H, Hinv); h++) {
    double cond = fro(H, mm) * fro(Hinv, mm) / m;
    for (int i = 0; i < D; i++) {
      conjugate(H, Hinv, X + (size_t)i * mm, m, y, tmp);
      double r = residual(X, nrm, D, mm, f->act + ((size_t)h * D + i) * D, y, cond * nrm[i]);
      if (r > c->action_residual)
        c->action_residual = r, c->action_gen[0] = h, c->action_gen[1] = i;
    }
  }
  free(H);
  return WEYL_OK;
}

/* One leaf against V's fit; residuals stay -1 when it costs too much. */
static weyl_status check_leaf_algebra(const weyl_group *g, const alg_fit *f, int li,
                                      weyl_group_check_report *r) {
  const weyl_leaf *l = &g->leaves[li];
  weyl_group_check_leaf *c = &r->leaves[li];
  if (alg_flops(g, l->dim) > ALG_FLOPS) {
    skip(r, "Lie algebra", li, -1, 0, alg_flops(g, l->dim));
    return WEYL_OK;
  }
  size_t mm = (size_t)l->dim * l->dim;
  double *X = leaf_algebra(g, l), *y = malloc(2 * mm * sizeof *y), nrm[ALG_MAX];
  weyl_status s = X && y ? WEYL_OK
                         : weyl_fail(WEYL_ENOMEM, "out of memory checking the algebra of "
                                                  "group %s", g->name);
  if (s == WEYL_OK) {
    for (int k = 0; k < f->D; k++)
      nrm[k] = fro(X + (size_t)k * mm, mm);
    c->alg_residual = c->action_residual = 0;
    check_brackets(f, X, nrm, l->dim, y, y + mm, c);
    if (f->M > 0)
      s = check_action(g, f, l, X, nrm, y, c);
    else
      c->action_residual = -1;
  }
  free(X), free(y);
  return s;
}

/* Fills the algebra fields of every leaf (-1 where not checked). */
static weyl_status check_algebra(const weyl_group *g, weyl_group_check_report *r) {
  for (int i = 0; i < g->n_leaves; i++) {
    r->leaves[i].alg_residual = r->leaves[i].action_residual = -1;
    r->leaves[i].alg_gen[0] = r->leaves[i].action_gen[0] = -1;
  }
  if (g->n_alg == 0 || g->n_alg > ALG_MAX || g->n_leaves == 0)
    return WEYL_OK;
  if (alg_flops(g, g->leaves[0].dim) > ALG_FLOPS) {
    skip(r, "Lie algebra", -1, -1, 0, alg_flops(g, g->leaves[0].dim));
    return WEYL_OK;
  }
  alg_fit f;
  weyl_status s = fit_on_v(g, &f);
  for (int i = 0; s == WEYL_OK && i < g->n_leaves; i++) {
    s = check_leaf_algebra(g, &f, i, r);
    r->n_defects += r->leaves[i].alg_residual > WEYL_GROUP_CHECK_ALG_RTOL;
    r->n_defects += r->leaves[i].action_residual > WEYL_GROUP_CHECK_ALG_RTOL;
  }
  fit_free(&f);
  return s;
}

weyl_status weyl_group_check(const weyl_group *g, long max_order, weyl_group_check_report *r) {
  if (!g || !r)
    return weyl_fail(WEYL_EINVAL, "weyl_group_check: NULL argument");
  memset(r, 0, sizeof *r);
  r->n_leaves = g->n_leaves;
  for (int i = 0; i < g->n_leaves; i++)
    r->leaves[i].consistent = -1;
  check_orthogonality(g, r);
  weyl_status s = check_algebra(g, r);
  if (s != WEYL_OK || g->n_alg > 0 || g->n_leaves == 0) {
    r->order_status = WEYL_EINVAL;
    return s;
  }
  long limit = max_order > 0 ? max_order : WEYL_GROUP_DEFAULT_MAX_ORDER;
  int *all = malloc((size_t)g->n_leaves * sizeof *all);
  if (!all)
    return weyl_fail(WEYL_ENOMEM, "out of memory checking group %s", g->name);
  for (int i = 0; i < g->n_leaves; i++)
    all[i] = i;
  /* the group is the one its defining leaves generate (V for a .rep file) */
  s = sub_order(g, all, weyl_group_defining_count(g), -1, limit, &r->order, &r->order_status, r,
                "order");
  if (r->order < 0)
    r->order = 0;
  free(all);
  char msg[1024]; /* the whole group's failure is the one to keep for the caller */
  strncpy(msg, weyl_status_last_error(), sizeof msg - 1);
  msg[sizeof msg - 1] = '\0';
  r->n_defects += r->order_status == WEYL_EINVAL;
  if (s == WEYL_OK)
    s = check_generators(g, limit, r);
  if (s == WEYL_OK && r->order_status == WEYL_OK)
    s = check_leaves(g, r);
  if (s == WEYL_OK && r->order_status != WEYL_OK)
    weyl_fail(r->order_status, "%s", msg);
  return s;
}

/* ---- refusing a file whose reps are not one group's ---------------------- */

static const double ENUM_FLOPS = 5e8; /* enumeration work weyl_group_check_consistent spends */

#define REFUSE_FMT "%s:%d: rep %s is not a representation of the %s V generates: "

/* Finite groups: the leaves after the defining ones, as check_leaves, within
 * a work budget; a group V generates that is too large is not checked. */
static weyl_status consistent_finite(const weyl_group *g, const char *label) {
  int ndef = weyl_group_defining_count(g);
  int *idx = malloc(((size_t)ndef + 1) * sizeof *idx);
  if (!idx)
    return weyl_fail(WEYL_ENOMEM, "out of memory checking group %s", g->name);
  for (int i = 0; i < ndef; i++)
    idx[i] = i;
  weyl_status s = WEYL_OK, st = WEYL_OK;
  long v_order = 0, with = 0;
  for (int i = ndef; s == WEYL_OK && i < g->n_leaves; i++) {
    idx[ndef] = i;
    double budget = ENUM_FLOPS / element_flops(g, idx, ndef + 1);
    long limit = budget < WEYL_GROUP_DEFAULT_MAX_ORDER ? (long)budget : WEYL_GROUP_DEFAULT_MAX_ORDER;
    if (v_order == 0 && limit > 0)
      s = sub_order(g, idx, ndef, -1, limit, &v_order, &st, NULL, NULL);
    if (s != WEYL_OK || v_order == 0 || v_order > limit)
      break; /* V does not close within the budget: not checked */
    s = sub_order(g, idx, ndef + 1, -1, v_order, &with, &st, NULL, NULL);
    if (s == WEYL_OK && st != WEYL_OK && with >= 0)
      s = weyl_fail(WEYL_EINVAL,
                    REFUSE_FMT "a word in the generators that is the identity on V is not the "
                               "identity on %s (V generates %ld elements, V and %s together "
                               "more); V, the first rep, defines the group: put a faithful rep "
                               "first, or check the matrices (weyl check)",
                    label, g->leaves[i].line, g->leaves[i].name, "group", g->leaves[i].name,
                    v_order, g->leaves[i].name);
  }
  free(idx);
  return s;
}

static const char *alg_name(const weyl_group *g, int k) { return g->alg_names[k]; }

/* The message for the first leaf whose algebra residuals reach the refusal
 * threshold. */
static weyl_status refuse_algebra(const weyl_group *g, const char *label, int i,
                                  const weyl_group_check_leaf *c) {
  const weyl_leaf *l = &g->leaves[i];
  const char *what = i == 0 ? "its own generators do not span a Lie algebra: " : "";
  if (c->alg_residual >= WEYL_GROUP_CHECK_ALG_REFUSE && c->alg_gen[0] < 0)
    return weyl_fail(WEYL_EINVAL,
                     REFUSE_FMT "%sa linear relation among the algebra generators on V does "
                                "not hold on %s (relative residual %.3g)",
                     label, l->line, l->name, "Lie algebra", what, l->name, c->alg_residual);
  if (c->alg_residual >= WEYL_GROUP_CHECK_ALG_REFUSE)
    return weyl_fail(WEYL_EINVAL,
                     REFUSE_FMT "%s[%s, %s] has other structure constants on %s than on V "
                                "(relative residual %.3g)",
                     label, l->line, l->name, "Lie algebra", what, alg_name(g, c->alg_gen[0]),
                     alg_name(g, c->alg_gen[1]), l->name, c->alg_residual);
  return weyl_fail(WEYL_EINVAL,
                   REFUSE_FMT "%s%s %s %s^-1 is another combination of the algebra generators "
                              "on %s than on V (relative residual %.3g)",
                   label, l->line, l->name, "group", what, g->disc_names[c->action_gen[0]],
                   alg_name(g, c->action_gen[1]), g->disc_names[c->action_gen[0]], l->name,
                   c->action_residual);
}

weyl_status weyl_group_check_consistent(const weyl_group *g, const char *label) {
  if (!g)
    return weyl_fail(WEYL_EINVAL, "weyl_group_check_consistent: NULL argument");
  if (!label)
    label = g->name;
  if (g->n_alg == 0)
    return g->n_disc > 0 ? consistent_finite(g, label) : WEYL_OK;
  weyl_group_check_report *r = calloc(1, sizeof *r);
  if (!r)
    return weyl_fail(WEYL_ENOMEM, "out of memory checking group %s", g->name);
  weyl_status s = check_algebra(g, r);
  for (int i = 0; s == WEYL_OK && i < g->n_leaves; i++)
    if (r->leaves[i].alg_residual >= WEYL_GROUP_CHECK_ALG_REFUSE ||
        r->leaves[i].action_residual >= WEYL_GROUP_CHECK_ALG_REFUSE)
      s = refuse_algebra(g, label, i, &r->leaves[i]);
  free(r);
  return s;
}
