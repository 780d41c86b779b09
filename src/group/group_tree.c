/* A spanning tree of a finite group, for forming rho(g) for every element g
 * of ANY representation from its generator matrices alone:
 * rho(g_i) = rho(h_gen[i]) rho(g_parent[i]), parent before child.
 *
 * The tree comes from the Cayley table that weyl_group_order builds
 * (regular_perm[k][i] = index of h_k g_i). Its closure is breadth first:
 * element i is expanded after every element before it, and a new element
 * gets the next index; so the first (i, k) in row-major order with
 * regular_perm[k][i] = j is the one that created j, and i < j.
 *
 * Elements are identified by how they act on the leaves the caller gives
 * (a shallow copy of the group holding only those is enumerated): other
 * leaves of g, or a better scaled copy of one, so that a badly scaled rep
 * need not itself be hashed and compared. */
#include <stdlib.h>

#include "group/group_impl.h"
#include "core/status_impl.h"

/* Parents and generators from the table of n elements. */
static weyl_status tree_from_table(const weyl_group *g, int *const *table, long n, int *parent,
                                   int *gen) {
  for (long j = 0; j < n; j++)
    parent[j] = -1;
  parent[0] = 0;
  gen[0] = -1;
  for (long i = 0; i < n; i++)
    for (int k = 0; k < g->n_disc; k++) {
      int j = table[k][i];
      if (parent[j] >= 0)
        continue;
      parent[j] = (int)i;
      gen[j] = k;
    }
  for (long j = 1; j < n; j++)
    if (!(parent[j] >= 0 && parent[j] < j))
      return weyl_fail(WEYL_ENUMERIC, "group %s: element %ld is not reached breadth first", g->name,
                       j);
  return WEYL_OK;
}

weyl_status weyl_group_tree(const weyl_group *g, const weyl_leaf *leaves, int n_leaves,
                            long max_order, long *order, int **parent, int **gen) {
  *order = 0;
  *parent = *gen = NULL;
  if (g->n_disc == 0 || g->n_alg > 0)
    return weyl_fail(WEYL_EINVAL, "group %s is not given by discrete generators only", g->name);
  long n = 0;
  int **table = NULL;
  /* A finite group's lookups compare about one candidate each (n_disc per
   * element); a hundred times that means near misses, not a group. */
  long budget = 100L * (g->n_disc > 0 ? g->n_disc : 1) *
                (max_order > 0 ? max_order : WEYL_GROUP_DEFAULT_MAX_ORDER);
  weyl_status s = weyl_group_order_on(g, leaves, n_leaves, g->n_disc, max_order, budget, &n, &table);
  int *p = s == WEYL_OK ? malloc((size_t)n * sizeof *p) : NULL;
  int *k = s == WEYL_OK ? malloc((size_t)n * sizeof *k) : NULL;
  if (s == WEYL_OK && (!p || !k))
    s = weyl_fail(WEYL_ENOMEM, "out of memory building the tree of group %s", g->name);
  if (s == WEYL_OK)
    s = tree_from_table(g, table, n, p, k);
  for (int j = 0; table && j < g->n_disc; j++)
    free(table[j]);
  free(table);
  if (s != WEYL_OK) {
    free(p), free(k);
    return s;
  }
  *order = n;
  *parent = p;
  *gen = k;
  return WEYL_OK;
}
