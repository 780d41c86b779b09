/* Helpers shared by the built-in group builders (group_builtin.c,
 * group_lie.c, group_finite.c): generator name lists, a group with its leaf
 * V, and the small matrices and permutations generators are made of. Every
 * builder follows group_impl.h's conventions (a permutation sends e_i to
 * e_perm[i]; matrices are row-major). */
#ifndef WEYL_GROUP_BUILD_H
#define WEYL_GROUP_BUILD_H

#include <stddef.h>

#include "group/group_impl.h"

enum { WEYL_NAME_W = 32 }; /* room for one generator name such as "12.L10_11" */

/* A list of at most cap generator names, each shorter than WEYL_NAME_W. */
typedef struct {
  int n, cap;
  char (*s)[WEYL_NAME_W];
  const char **p; /* p[i] = s[i], the form weyl_group_new wants */
} weyl_name_list;

/* Initialises both lists (capacities nd, na); on failure frees them and
 * returns 0. */
int weyl_names_pair(weyl_name_list *d, int nd, weyl_name_list *a, int na);
void weyl_names_free(weyl_name_list *l); /* frees the list's storage */

/* Appends a printf-formatted name; the caller keeps within the capacity. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void weyl_names_add(weyl_name_list *l, const char *fmt, ...);

/* Appends prefix + index pair: "L01" while n <= 10, "L10_11" beyond, so
 * that names stay unambiguous. */
void weyl_names_add_pair(weyl_name_list *l, char prefix, int i, int j, int n);

/* Creates the group label from the name lists (which it frees) and appends
 * the leaf V of dimension dim (identity/zero actions for the caller to fill).
 * Returns WEYL_ENOMEM (nothing to free) on failure. */
weyl_status weyl_build_with_v(const char *label, weyl_name_list *disc, weyl_name_list *alg,
                              int dim, weyl_group **out, weyl_leaf **v);

/* A group whose ngen generators names[] permute the n points of V, each
 * perms[k] the identity for the caller to fill in (owned by the group). */
weyl_status weyl_build_perm_group(const char *label, int ngen, const char *const *names, int n,
                                  weyl_group **out, int **perms);

/* Appends a one-dimensional leaf (a character) called name: discrete
 * generator k acts by disc[k], algebra generator k by alg[k] (either array
 * may be NULL: identity, zero). Returns 0 on allocation failure. */
int weyl_build_character(weyl_group *g, const char *name, const double *disc, const double *alg);

/* Appends a leaf called name of dim = rows of the matrices mats[k] given for
 * every discrete generator (mats[k] NULL: identity), copied. Returns 0 on
 * allocation failure. */
int weyl_build_matrix_leaf(weyl_group *g, const char *name, int dim, const double *const *mats);

/* Appends a permutation leaf: the n points pts[n][3] permuted by the 3x3
 * matrices mats[k] of the discrete generators, p -> M p. Returns 0 on
 * allocation failure or when a generator does not map the points to
 * themselves (a bug in the builder; the tests build every group). */
int weyl_build_point_leaf(weyl_group *g, const char *name, int n, const double (*pts)[3],
                          const double *const *mats);

/* The families of group_lie.c (GL, SL, Scaling, SO(1,1), O(1,1), U, SU) and
 * group_finite.c (Cube, Octahedral, FullOctahedral, Icosahedral,
 * FullIcosahedral, RubiksCube): build fam(arg[0..nargs)) into *out. When fam
 * is not one of theirs, *claimed is 0 and nothing else happens. name is the
 * whole group name, for messages. Returns WEYL_EPARSE for wrong arguments,
 * WEYL_ELIMIT for n too large, WEYL_ENOMEM. */
weyl_status weyl_build_lie(const char *name, const char *fam, int nargs, const long *arg,
                           weyl_group **out, int *claimed);
weyl_status weyl_build_finite(const char *name, const char *fam, int nargs, const long *arg,
                              weyl_group **out, int *claimed);

weyl_status weyl_build_nomem(const char *label); /* WEYL_ENOMEM naming the group */
weyl_status weyl_build_oom(weyl_group *g);       /* frees g, returns WEYL_ENOMEM */

int *weyl_build_perm_identity(int d);                                /* malloc'd, or NULL */
double *weyl_build_mat_zero(int d);                                  /* d x d zeros, or NULL */
double *weyl_build_mat_diag_sign(int d, int neg_from, int neg_to);  /* -1 on [from, to) */

#endif
