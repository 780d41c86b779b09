/* Homomorphism defects of a group given by generator matrices (group_check.h).
 *
 * Every count comes from weyl_group_order run on a shallow copy of the group
 * that keeps only some reps (V and one other) or one generator: the copy
 * borrows the leaves' actions and owns only its arrays and its enumeration
 * cache. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "group/group_impl.h"
#include "core/mat.h"
#include "core/status_impl.h"
#include "weyl/group_check.h"

/* |<subset>| where the subset is leaves idx[0..n) and generators gen (all
 * when gen < 0). st receives the enumeration's status. */
static weyl_status sub_order(const weyl_group *g, const int *idx, int n, int gen, long limit,
                             long *order, weyl_status *st) {
  weyl_leaf *leaves = calloc((size_t)n + 1, sizeof *leaves);
  *order = 0;
  if (!leaves)
    return weyl_fail(WEYL_ENOMEM, "out of memory checking group %s", g->name);
  for (int i = 0; i < n; i++) {
    leaves[i] = g->leaves[idx[i]];
    if (gen >= 0)
      leaves[i].disc = &g->leaves[idx[i]].disc[gen];
  }
  *st = weyl_group_order_on(g, leaves, n, gen >= 0 ? 1 : g->n_disc, limit, 0, order, NULL);
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

static void check_orthogonality(const weyl_group *g, weyl_group_check_report *r) {
  for (int i = 0; i < g->n_leaves; i++) {
    weyl_group_check_leaf *c = &r->leaves[i];
    c->orth_gen = c->cond_gen = -1;
    c->cond = 1.0;
    for (int k = 0; k < g->n_disc; k++) {
      const double *m = g->leaves[i].disc[k].mat;
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
  weyl_status s = WEYL_OK, st;
  for (int k = 0; s == WEYL_OK && k < g->n_disc; k++) {
    s = sub_order(g, all, g->n_leaves, k, limit, &r->gen_order[k], &st);
    r->n_defects += st != WEYL_OK && acts_densely(g, k);
  }
  free(all);
  return s;
}

/* V against each other rep: a word trivial on V must be trivial on X, so
 * V (+) X may have no more elements than V. The limit |<V>| stops a bad rep
 * at the first extra element. */
static weyl_status check_leaves(const weyl_group *g, weyl_group_check_report *r) {
  weyl_status st = WEYL_OK, s;
  int pair[2] = {0, 0};
  s = sub_order(g, pair, 1, -1, r->order, &r->v_order, &st);
  for (int i = 1; s == WEYL_OK && r->v_order > 0 && i < g->n_leaves; i++) {
    pair[1] = i;
    s = sub_order(g, pair, 2, -1, r->v_order, &r->leaves[i].order_with_v, &st);
    r->leaves[i].consistent = st == WEYL_OK;
    r->n_defects += st != WEYL_OK;
  }
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
  if (g->n_alg > 0 || g->n_leaves == 0) {
    r->order_status = WEYL_EINVAL;
    return WEYL_OK;
  }
  long limit = max_order > 0 ? max_order : WEYL_GROUP_DEFAULT_MAX_ORDER;
  int *all = malloc((size_t)g->n_leaves * sizeof *all);
  if (!all)
    return weyl_fail(WEYL_ENOMEM, "out of memory checking group %s", g->name);
  for (int i = 0; i < g->n_leaves; i++)
    all[i] = i;
  weyl_status s = sub_order(g, all, g->n_leaves, -1, limit, &r->order, &r->order_status);
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
