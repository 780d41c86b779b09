/* The spanning tree of a finite group (src/group_tree.c) and the group
 * average of a rep along it (src/group_average.c), checked against facts
 * known without the code: S(4) is all 24 permutations of 4 points; a
 * rotation rep is orthogonal, so its average is I; for a permutation rep
 * conjugated by D = diag(d), the average of rho^T rho is
 * (sum_i d_i^2 / n) D^-2 (each sigma^T D^2 sigma is D^2 with its diagonal
 * permuted, and the group moves every point to every place equally often). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "group/group_impl.h"
#include "weyl/repfile.h"

#define PI 3.14159265358979323846 /* M_PI is POSIX, not C11 */

typedef struct {
  long order;
  int *parent, *gen;
} tree;

static tree tree_of(const weyl_group *g, const weyl_leaf *l) {
  tree t = {0, NULL, NULL};
  cr_assert_eq(weyl_group_tree(g, l, 1, 0, &t.order, &t.parent, &t.gen), WEYL_OK, "%s",
               weyl_status_last_error());
  return t;
}

static void tree_free(tree *t) { free(t->parent), free(t->gen); }

static weyl_group *parse_group(const char *text) {
  weyl_group *g = NULL;
  cr_assert_eq(weyl_repfile_parse(text, strlen(text), "test.rep", &g), WEYL_OK, "%s",
               weyl_status_last_error());
  return g;
}

/* G = the average of V's rho^T rho over the tree of V's group, which must
 * have order elements (and be a path, each element the previous one times
 * the generator, when path is set). */
static void average_of_v(const weyl_group *g, long order, int path, double *G) {
  const weyl_leaf *l = &g->leaves[0];
  tree t = tree_of(g, l);
  cr_assert_eq(t.order, order);
  for (long e = 1; path && e < t.order; e++)
    cr_assert_eq(t.parent[e], e - 1, "a path: element %ld", e);
  cr_assert_eq(weyl_leaf_average(g, l, t.order, t.parent, t.gen, G), WEYL_OK);
  tree_free(&t);
}

/* Walking the tree with the permutations of S(4) on 4 points gives every
 * permutation of 4 points exactly once, each parent before its child. */
Test(group_tree, s4_tree_reaches_all_24_permutations_once) {
  weyl_group *g = builtin("S(4)");
  const weyl_leaf *l = &g->leaves[0];
  tree t = tree_of(g, l);
  cr_assert_eq(t.order, 24);
  int p[24][4], seen[256] = {0};
  for (int i = 0; i < 4; i++)
    p[0][i] = i;
  for (long e = 1; e < t.order; e++) {
    cr_assert_lt(t.parent[e], e);
    const int *h = l->disc[t.gen[e]].perm, *q = p[t.parent[e]];
    cr_assert_not_null(h);
    for (int i = 0; i < 4; i++)
      p[e][i] = h[q[i]]; /* h after q */
  }
  for (long e = 0; e < t.order; e++) {
    int code = p[e][0] * 64 + p[e][1] * 16 + p[e][2] * 4 + p[e][3];
    cr_assert_eq(seen[code]++, 0, "element %ld repeats a permutation", e);
  }
  tree_free(&t);
  weyl_group_free(g);
}

/* Z(1000) as a rotation by 2 pi / 1000: a path of 1000 elements, the
 * deepest tree there is (the walk keeps one matrix); the average of R^T R
 * over it is I. */
Test(group_average, rotation_group_average_is_the_identity) {
  char text[256];
  double c = cos(2 * PI / 1000), s = sin(2 * PI / 1000);
  snprintf(text, sizeof text,
           "group z1000\ngenerators r\nrep V 2\n  r matrix %.17g %.17g %.17g %.17g\n", c, -s, s, c);
  weyl_group *g = parse_group(text);
  double G[4];
  average_of_v(g, 1000, 1, G);
  for (int e = 0; e < 4; e++)
    cr_assert_float_eq(G[e], e == 0 || e == 3 ? 1.0 : 0.0, 1e-12, "G[%d] = %g", e, G[e]);
  weyl_group_free(g);
}

/* S(5) on 5 points conjugated by D = diag(1e3, 10, 1, 0.1, 1e-3): 120
 * elements, a branching tree; G = (sum d_i^2 / 5) D^-2, and invariant. */
Test(group_average, conjugated_permutations_average_to_the_scaled_identity) {
  const double d[5] = {1e3, 10, 1, 0.1, 1e-3};
  const int perm[2][5] = {{1, 0, 2, 3, 4}, {1, 2, 3, 4, 0}};
  char text[2048];
  int n = snprintf(text, sizeof text, "group S5d\ngenerators t c\nrep V 5\n");
  for (int k = 0; k < 2; k++) {
    n += snprintf(text + n, sizeof text - (size_t)n, "  %c matrix", k ? 'c' : 't');
    for (int i = 0; i < 5; i++)
      for (int j = 0; j < 5; j++) /* (D sigma D^-1)[i][j] = d_i / d_j where sigma sends j to i */
        n += snprintf(text + n, sizeof text - (size_t)n, " %.17g",
                      perm[k][j] == i ? d[i] / d[j] : 0.0);
    n += snprintf(text + n, sizeof text - (size_t)n, "\n");
  }
  weyl_group *g = parse_group(text);
  double G[25], sum = 0;
  average_of_v(g, 120, 0, G);
  for (int i = 0; i < 5; i++)
    sum += d[i] * d[i];
  for (int i = 0; i < 5; i++)
    for (int j = 0; j < 5; j++) {
      double want = i == j ? sum / 5 / (d[i] * d[i]) : 0.0;
      cr_assert(fabs(G[i * 5 + j] - want) <= 1e-14 * (want + sum / 5 / (d[i] * d[j])),
                "G[%d][%d] = %.17g, want %.17g", i, j, G[i * 5 + j], want);
    }
  weyl_group_free(g);
}

/* A rotation by 45 degrees rounded to 7 digits does not close: its
 * products come back within 1e-6 of each other but never within the
 * enumeration's tolerance. Unbudgeted, the enumeration runs to the order
 * limit; with a budget of candidate comparisons it stops at the budget,
 * saying why. */
Test(group_tree, near_misses_stop_at_the_probe_budget) {
  const char *text = "group z8r7\ngenerators g\nrep V 2\n"
                     "  g matrix 0.7071068 -0.7071068 0.7071068 0.7071068\n";
  weyl_group *g = parse_group(text);
  long order = 0;
  cr_assert_eq(weyl_group_order_on(g, g->leaves, g->n_leaves, g->n_disc, 0, 100000, &order, NULL),
               WEYL_ELIMIT);
  cr_assert_not_null(strstr(weyl_status_last_error(), "agree closely"), "%s",
                     weyl_status_last_error());
  cr_assert_eq(weyl_group_order(g, 0, &order), WEYL_ELIMIT);
  cr_assert_not_null(strstr(weyl_status_last_error(), "more than 20000 elements"), "%s",
                     weyl_status_last_error());
  weyl_group_free(g);
}
