/* Group objects: construction, leaves, accessors. Built-in groups live in
 * group_builtin.c, enumeration in group_order.c, file parsing in repfile.c. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "group/group_impl.h"

void weyl_action_dense(const weyl_action *a, int n, double none, double *out) {
  assert(!(a->perm && a->mat)); /* group_impl.h: exactly one of perm, mat, neither */
  if (a->mat) {
    memcpy(out, a->mat, (size_t)n * n * sizeof *out);
    return;
  }
  memset(out, 0, (size_t)n * n * sizeof *out);
  for (int i = 0; i < n; i++) out[(size_t)(a->perm ? a->perm[i] : i) * n + i] = a->perm ? 1.0 : none;
}

static char *dup_str(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

static char **dup_names(int n, const char *const *names) {
  char **out = calloc(n > 0 ? (size_t)n : 1, sizeof *out);
  if (!out) return NULL;
  for (int i = 0; i < n; i++) {
    if (!(out[i] = dup_str(names[i]))) {
      for (int j = 0; j < i; j++) free(out[j]);
      free(out);
      return NULL;
    }
  }
  return out;
}

weyl_group *weyl_group_new(const char *name, int n_disc, const char *const *disc_names,
                           int n_alg, const char *const *alg_names) {
  weyl_group *g = calloc(1, sizeof *g);
  if (!g) return NULL;
  g->name = dup_str(name);
  g->disc_names = dup_names(n_disc, disc_names);
  g->alg_names = dup_names(n_alg, alg_names);
  g->n_disc = n_disc;
  g->n_alg = n_alg;
  if (!g->name || !g->disc_names || !g->alg_names) {
    weyl_group_free(g);
    return NULL;
  }
  return g;
}

static void free_actions(weyl_action *a, int n) {
  if (!a) return;
  for (int k = 0; k < n; k++) {
    free(a[k].perm);
    free(a[k].mat);
  }
  free(a);
}

void weyl_group_free(weyl_group *g) {
  if (!g) return;
  for (int i = 0; i < g->n_leaves; i++) {
    free(g->leaves[i].name);
    free_actions(g->leaves[i].disc, g->n_disc);
    free_actions(g->leaves[i].alg, g->n_alg);
  }
  free(g->leaves);
  for (int k = 0; g->disc_names && k < g->n_disc; k++) free(g->disc_names[k]);
  for (int k = 0; g->alg_names && k < g->n_alg; k++) free(g->alg_names[k]);
  free(g->disc_names);
  free(g->alg_names);
  if (g->regular_perm)
    for (int k = 0; k < g->n_disc; k++) free(g->regular_perm[k]);
  free(g->regular_perm);
  free(g->name);
  free(g);
}

weyl_leaf *weyl_group_add_leaf(weyl_group *g, const char *name, int dim) {
  if (g->n_leaves >= WEYL_GROUP_MAX_LEAVES)
    return NULL;
  weyl_leaf *grown = realloc(g->leaves, (size_t)(g->n_leaves + 1) * sizeof *grown);
  if (!grown) return NULL;
  g->leaves = grown;
  weyl_leaf *l = &g->leaves[g->n_leaves];
  memset(l, 0, sizeof *l);
  l->dim = dim;
  l->name = dup_str(name);
  l->disc = calloc(g->n_disc > 0 ? (size_t)g->n_disc : 1, sizeof *l->disc);
  l->alg = calloc(g->n_alg > 0 ? (size_t)g->n_alg : 1, sizeof *l->alg);
  if (!l->name || !l->disc || !l->alg) {
    free(l->name);
    free(l->disc);
    free(l->alg);
    return NULL;
  }
  g->n_leaves++;
  return l;
}

int weyl_group_find_leaf(const weyl_group *g, const char *name) {
  for (int i = 0; i < g->n_leaves; i++)
    if (strcmp(g->leaves[i].name, name) == 0) return i;
  return -1;
}

const char *weyl_group_name(const weyl_group *g) { return g ? g->name : NULL; }
int weyl_group_ndisc(const weyl_group *g) { return g ? g->n_disc : 0; }
int weyl_group_nalg(const weyl_group *g) { return g ? g->n_alg : 0; }
int weyl_group_nleaves(const weyl_group *g) { return g ? g->n_leaves : 0; }

const char *weyl_group_disc_name(const weyl_group *g, int k) {
  return g && k >= 0 && k < g->n_disc ? g->disc_names[k] : NULL;
}

const char *weyl_group_alg_name(const weyl_group *g, int k) {
  return g && k >= 0 && k < g->n_alg ? g->alg_names[k] : NULL;
}

const char *weyl_group_leaf_name(const weyl_group *g, int i) {
  return g && i >= 0 && i < g->n_leaves ? g->leaves[i].name : NULL;
}

int weyl_group_leaf_dim(const weyl_group *g, int i) {
  return g && i >= 0 && i < g->n_leaves ? g->leaves[i].dim : 0;
}
