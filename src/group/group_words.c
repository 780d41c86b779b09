/* The elements of `regular` as words in the generators (group.h).
 *
 * `regular` acts by left multiplication, rho(h) e_g = e_(hg), with e_0 the
 * identity, both for the enumerated regular rep (group_order.c) and for the
 * regular leaf of a grid group (group_grid.c). A breadth-first search from
 * index 0 along the generators' permutations then gives each element a
 * shortest word: j = perm_k[i] means g_j = h_k g_i, so word(j) = h_k word(i). */
#include <stdlib.h>
#include <string.h>

#include "group/group_impl.h"
#include "core/status_impl.h"

/* The permutations of `regular`: the leaf of that name when the group has
 * one (it is what the expression `regular` resolves to), else the
 * enumeration's Cayley table. */
static weyl_status regular_perms(weyl_group *g, int **perm, long *n) {
  int l = weyl_group_find_leaf(g, "regular");
  if (l >= 0) {
    for (int k = 0; k < g->n_disc; k++)
      if (g->leaves[l].disc[k].mat)
        return weyl_fail(WEYL_EINVAL, "rep 'regular' of group %s is not a permutation rep",
                         g->name);
    for (int k = 0; k < g->n_disc; k++) perm[k] = g->leaves[l].disc[k].perm;
    *n = g->leaves[l].dim;
    return WEYL_OK;
  }
  weyl_status s = weyl_group_order(g, 0, n);
  for (int k = 0; s == WEYL_OK && k < g->n_disc; k++) perm[k] = g->regular_perm[k];
  return s;
}

/* word(j) = name(gen) + "*" + word(i), the identity's word being "1". */
static char *join(const char *name, const char *rest) {
  int id = strcmp(rest, "1") == 0;
  size_t a = strlen(name), b = id ? 0 : strlen(rest) + 1;
  char *w = malloc(a + b + 1);
  if (!w) return NULL;
  memcpy(w, name, a);
  if (!id) w[a] = '*', memcpy(w + a + 1, rest, b);
  w[a + b] = '\0';
  return w;
}

static weyl_status bfs_words(const weyl_group *g, int *const *perm, long n, char **words) {
  long *queue = malloc((size_t)n * sizeof *queue);
  if (!queue || !(words[0] = join("1", "1"))) {
    free(queue);
    return weyl_fail(WEYL_ENOMEM, "out of memory naming the elements of group %s", g->name);
  }
  long head = 0, tail = 1;
  queue[0] = 0;
  while (head < tail) {
    long i = queue[head++];
    for (int k = 0; k < g->n_disc; k++) {
      long j = perm[k] ? perm[k][i] : i; /* NULL: the generator acts as the identity */
      if (words[j]) continue;
      if (!(words[j] = join(g->disc_names[k], words[i]))) {
        free(queue);
        return weyl_fail(WEYL_ENOMEM, "out of memory naming the elements of group %s", g->name);
      }
      queue[tail++] = j;
    }
  }
  free(queue);
  if (tail != n)
    return weyl_fail(WEYL_EINVAL, "rep 'regular' of group %s: %ld of its %ld indices are not "
                                  "reached from the identity",
                     g->name, n - tail, n);
  return WEYL_OK;
}

weyl_status weyl_group_regular_words(weyl_group *g, char ***words, long *n) {
  if (!g || !words || !n) return weyl_fail(WEYL_EINVAL, "weyl_group_regular_words: NULL argument");
  *words = NULL;
  *n = 0;
  if (g->n_alg > 0 || g->n_disc == 0)
    return weyl_fail(WEYL_EINVAL, "group %s has no regular rep (it is not finite)", g->name);
  int **perm = calloc((size_t)g->n_disc, sizeof *perm);
  if (!perm) return weyl_fail(WEYL_ENOMEM, "out of memory naming group elements");
  long order = 0;
  weyl_status s = regular_perms(g, perm, &order);
  char **w = s ? NULL : calloc((size_t)order, sizeof *w);
  if (!s && !w) s = weyl_fail(WEYL_ENOMEM, "out of memory naming group elements");
  if (!s) s = bfs_words(g, perm, order, w);
  free(perm);
  if (s) {
    weyl_group_regular_words_free(w, order);
    return s;
  }
  *words = w;
  *n = order;
  return WEYL_OK;
}

void weyl_group_regular_words_free(char **words, long n) {
  for (long i = 0; words && i < n; i++) free(words[i]);
  free(words);
}
