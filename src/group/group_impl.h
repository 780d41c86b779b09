/* Internal layout of groups and leaf representations, shared by the modules
 * that build groups (group_builtin.c, repfile.c) and those that read them. */
#ifndef WEYL_GROUP_IMPL_H
#define WEYL_GROUP_IMPL_H

#include "weyl/group.h"

/* How one generator acts in one leaf representation of dimension dim.
 * Exactly one of these holds:
 *   perm != NULL : a permutation, P[perm[i]][i] = 1 (sends e_i to e_perm[i]);
 *   mat  != NULL : a dense dim x dim matrix, row-major;
 *   both NULL    : identity (discrete generator) or zero (algebra generator). */
typedef struct {
  int *perm;
  double *mat;
} weyl_action;

/* The action as a dense n x n row-major matrix; `none` is the diagonal used
 * when it is neither perm nor mat (1 for a discrete generator, 0 for an
 * algebra generator). */
void weyl_action_dense(const weyl_action *a, int n, double none, double *out);

typedef struct {
  char *name;
  int dim;
  weyl_action *disc; /* [n_disc] */
  weyl_action *alg;  /* [n_alg]  */
  int line;          /* line of its 'rep' header in a .rep file, 0 otherwise */
} weyl_leaf;

/* Which family of 2x2 rotation reps `rot(k)` refers to, if any. */
typedef enum {
  WEYL_ROT_NONE = 0,
  WEYL_ROT_CYCLIC,   /* Z(n): generator 0 is rotation by 2*pi*k/n        */
  WEYL_ROT_DIHEDRAL, /* D(n): generators r (rotation), f (reflection)    */
  WEYL_ROT_SO2,      /* SO(2): algebra generator k*[[0,-1],[1,0]]        */
  WEYL_ROT_O2        /* O(2): SO(2) plus the reflection diag(1,-1)       */
} weyl_rot_family;

/* One factor of a product that has a rotation family: rot(k, factor) acts
 * on the plane by that factor's rot(k), its generators starting at
 * disc0/alg0 in the product; the other factors act trivially. */
typedef struct {
  weyl_rot_family family;
  int n, factor, disc0, alg0; /* n as rot_n; factor 1-based */
} weyl_rot_slot;

enum { WEYL_GROUP_MAX_FACTORS = 64 }; /* factors of a product name */

struct weyl_group {
  char *name;
  int n_disc, n_alg;
  char **disc_names; /* [n_disc] */
  char **alg_names;  /* [n_alg]  */
  int n_leaves;
  weyl_leaf *leaves; /* [n_leaves]; leaves[0] is V */
  /* The leading leaves that define the group: `regular` is enumerated on
   * them, and every other leaf must be a representation of the group they
   * generate (group_check.c). 1 for .rep files (V, rep-format.md 1.3); 0
   * means all leaves (built-in groups, consistent by construction, whose V
   * alone may not be faithful: D(1), D(2)). */
  int defining_leaves;
  weyl_rot_family rot_family;
  int rot_n;         /* n for Z(n) and D(n) */
  int n_rot_slots;   /* products: the factors with a rotation family, in order */
  weyl_rot_slot rot_slots[WEYL_GROUP_MAX_FACTORS];
  /* Enumeration cache (weyl_group_order): order elements, and for each
   * discrete generator k the permutation regular_perm[k][g] = index of h_k g. */
  long order;        /* 0 until enumerated */
  int **regular_perm;
  /* Pixel grids (group_grid.c): the grid is grid_h x grid_w and index i of
   * every leaf sits on pixel i mod (grid_h * grid_w); 0 for other groups.
   * grid_kernel: a k x k kernel group (no translations, no locality). */
  int grid_h, grid_w, grid_kernel;
};

/* 1 when name (after blanks) starts like a grid or kernel group: "T(",
 * "p4(", "p4m(", "C4(", "D4(". Such names are parsed by weyl_group_grid_build. */
int weyl_group_grid_claims(const char *name);

/* Builds the grid/kernel group called name (group.h has the catalogue).
 * Returns WEYL_EPARSE for a malformed name, WEYL_ELIMIT for a grid too large. */
weyl_status weyl_group_grid_build(const char *name, weyl_group **g);

/* Allocates an empty group with the given generator names (copied).
 * Returns NULL on allocation failure. */
weyl_group *weyl_group_new(const char *name, int n_disc, const char *const *disc_names,
                           int n_alg, const char *const *alg_names);

/* Appends a leaf of dimension dim with every action set to identity/zero and
 * returns it (or NULL on allocation failure or when WEYL_GROUP_MAX_LEAVES is hit).
 * The caller fills in disc[k]/alg[k]; the group owns all the memory. */
weyl_leaf *weyl_group_add_leaf(weyl_group *g, const char *name, int dim);

/* Index of the leaf called name, or -1. */
int weyl_group_find_leaf(const weyl_group *g, const char *name);

/* How many leading leaves define g (see defining_leaves): 1 <= count <= n_leaves
 * for a group with leaves. */
int weyl_group_defining_count(const weyl_group *g);

/* weyl_group_order on a view of g: its first n_disc generators acting on
 * leaves[0..n_leaves) (leaves of g, or made for the purpose; their actions
 * are borrowed, g is not modified). The enumeration stops with WEYL_ELIMIT
 * once its hash lookups have compared more than max_probes candidate
 * elements (0: no budget): a finite group needs about one comparison per
 * lookup, matrices that only nearly close (badly conditioned, rounded) make
 * many near misses. With table set, *table receives the Cayley table
 * (n_disc arrays of *order ints, (*table)[k][i] = index of h_k g_i; free
 * each and the array). *order is 0 on failure. */
weyl_status weyl_group_order_on(const weyl_group *g, const weyl_leaf *leaves, int n_leaves,
                                int n_disc, long max_order, long max_probes, long *order,
                                int ***table);

/* A breadth-first spanning tree of the finite group that g's generators
 * generate on the leaves leaves[0..n_leaves) (group_tree.c; leaves of g, or
 * made for the purpose with g's generators): its *order elements, element
 * 0 the identity, and for i > 0
 *   g_i = h_{gen[i]} g_{parent[i]}  with parent[i] < i,
 * so rho(g_i) = rho(h_gen[i]) rho(g_parent[i]) in index order, for any rep
 * that factors through the group on those leaves. g is not modified.
 * *parent and *gen are new arrays (free with free()). Returns WEYL_EINVAL
 * for a group with algebra generators, and the enumeration's status
 * (WEYL_ELIMIT past max_order or for an infinite group, max_order <= 0
 * meaning WEYL_GROUP_DEFAULT_MAX_ORDER). */
weyl_status weyl_group_tree(const weyl_group *g, const weyl_leaf *leaves, int n_leaves,
                            long max_order, long *order, int **parent, int **gen);

/* G = (1/order) sum over the group of rho(g)^T rho(g) for leaf l (dim x dim,
 * row-major, symmetric), with rho(g) formed along the tree of
 * weyl_group_tree (group_average.c). G is invariant: rho(h)^T G rho(h) = G.
 * Working memory about weyl_leaf_average_bytes; time 3 order dim^3 flops. */
weyl_status weyl_leaf_average(const weyl_group *g, const weyl_leaf *l, long order,
                              const int *parent, const int *gen, double *G);
size_t weyl_leaf_average_bytes(const weyl_group *g, long order, int dim);

/* Fills out (2x2 row-major) for generator k of rot(freq, factor): the 2x2
 * rotation reps of Z(n), D(n), SO(2), O(2), or of that factor of a product
 * (factor 1-based; 0: the first factor that has them; a group that is not a
 * product is its factor 1); disc selects discrete (1) or algebra (0)
 * generators. Returns WEYL_EINVAL when there is no such factor or generator. */
weyl_status weyl_group_rot_action(const weyl_group *g, int factor, int freq, int disc, int k,
                                  double out[4]);

#endif
