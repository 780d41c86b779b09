/* weyl — symmetry groups given by generators.
 *
 * A group is a list of discrete generators h_1..h_M and a list of Lie algebra
 * generators A_1..A_D (of the identity component), together with the named
 * representations that say how each generator acts ("leaf" representations;
 * the first one is V, the defining representation). Groups come from the
 * built-in catalogue (weyl_group_builtin) or from a .rep file (repfile.h).
 *
 * Grid groups, the built-ins for convolutions, on a periodic pixel grid;
 * pixel (r, c) of an h x w grid has index r*w + c:
 *
 *   T(n)      1-D translations of n pixels        generator tx: c -> c+1
 *   T(h,w)    2-D translations                     ty: r -> r+1, tx: c -> c+1
 *   p4(n)     translations + quarter turns R of the n x n grid about pixel
 *             (0,0): ty, tx, r: (r, c) -> (-c, r), counter-clockwise on screen
 *   p4m(n)    p4 + the mirror m: (r, c) -> (r, -c)
 *   Z(k) x| (Z(n) x Z(n))   ty, tx, r: rotation by 360/k degrees (k = 1, 2,
 *             4) about pixel (0,0); V is emlp's k*n*n layout (= regular),
 *             `pixels` the n x n grid
 *   Z(n)      the 1 x n grid of T(n) (same group, generator r)
 *
 * Their reps: V, the pixels (a permutation rep), and `regular`, functions on
 * the group: index s*h*w + t stands for the element g = T_t R^k F^f with
 * s = 4f + k the stabiliser index (s = 0 only for T; k < 4 for p4). Built
 * directly, without enumerating the group, so `regular` of p4(16) (1024
 * elements) or p4m(22) costs nothing. k channels are `k*V`, `k*regular`.
 *
 * Kernel groups, no translations, the k x k kernel rotated about its centre:
 *   C4(k)     r: (r, c) -> (k-1-c, r)           D4(k)   C4(k) + m: c -> k-1-c
 * (`V` is the kernel's pixels: the maps V -> Scalar are the invariant kernels.)
 *
 * Sizes: every rep given by generators has at most WEYL_GROUP_MAX_LEAF_DIM (4096)
 * points: h*w <= 4096, n <= 32 for p4, n <= 22 for p4m, k <= 64. */
#ifndef WEYL_GROUP_H
#define WEYL_GROUP_H

#include "weyl/status.h"

/* Limits (documented in README). The generator limit applies to .rep files;
 * built-in groups have their own bounds on n (SO(64) has 2016 generators). */
#define WEYL_GROUP_MAX_GENERATORS 64       /* discrete + algebra generators in a file */
#define WEYL_GROUP_MAX_LEAF_DIM 4096       /* dimension of a rep given by generators */
#define WEYL_GROUP_MAX_LEAVES 256          /* named reps in one group */
#define WEYL_GROUP_DEFAULT_MAX_ORDER 20000 /* elements enumerated for `regular` */

/* A group given by generators (opaque): from weyl_group_builtin or
 * weyl_repfile_load, freed with weyl_group_free. */
typedef struct weyl_group weyl_group;

/* Builds a built-in group from its name: "Z(n)", "D(n)", "S(n)", "SO(n)",
 * "O(n)", "SO(1,3)", "O(1,3)", "SO(1,1)", "O(1,1)", "Sp(2n)", "GL(n)",
 * "SL(n)", "Scaling(n)", "U(n)", "SU(n)" (real, dimension 2n), "Octahedral",
 * "FullOctahedral", "Icosahedral", "FullIcosahedral", "Cube", "RubiksCube"
 * (bare or with "()"), a grid group (above), "Z(k) x| (Z(n) x Z(n))" (also
 * "ZksZnxZn(k,n)"), or a direct product "G1 x G2 [x G3]" (grid groups may
 * be factors; the product is then not a grid group). README.md's group
 * table lists every group's generators, V and other reps (characters
 * `det`, `sign`, `parity`, `time`).
 * On success *g is a new group; free it with weyl_group_free.
 * Returns WEYL_EPARSE for an unknown or malformed name, WEYL_ELIMIT for n too
 * large, WEYL_EINVAL for NULL arguments. */
weyl_status weyl_group_builtin(const char *name, weyl_group **g);

/* Frees a group; NULL is allowed. Reps of g must be freed first. */
void weyl_group_free(weyl_group *g);

/* The group's label ("D4_pixels", "SO(3)"). */
const char *weyl_group_name(const weyl_group *g);
int weyl_group_ndisc(const weyl_group *g); /* number of discrete generators */
int weyl_group_nalg(const weyl_group *g);  /* number of Lie algebra generators */
/* Names of generator k (discrete or algebra); NULL when k is out of range. */
const char *weyl_group_disc_name(const weyl_group *g, int k); /* discrete generator k */
const char *weyl_group_alg_name(const weyl_group *g, int k);  /* algebra generator k */
/* Number of named leaf representations and the name/dimension of leaf i. */
int weyl_group_nleaves(const weyl_group *g);
const char *weyl_group_leaf_name(const weyl_group *g, int i); /* NULL when i is out of range */
int weyl_group_leaf_dim(const weyl_group *g, int i);          /* 0 when i is out of range */

/* Enumerates a finite group (no algebra generators) by closure of its
 * discrete generators, with hashing: acting on V for a group from a .rep
 * file (the group the file describes is the one V generates; its other reps
 * must be representations of it, see weyl_group_check_consistent), on the
 * direct sum of all its leaf reps for a built-in group. The result is cached in g, so later calls are free.
 * max_order <= 0 means WEYL_GROUP_DEFAULT_MAX_ORDER.
 * Returns WEYL_EINVAL for a group with algebra generators (infinite) or whose
 * products overflow (a generator of infinite order, e.g. diag(2, 1)),
 * WEYL_ELIMIT when more than max_order elements are found (a large group, or
 * an infinite one such as an irrational rotation). */
weyl_status weyl_group_order(weyl_group *g, long max_order, long *order);

/* The elements of the regular rep `regular`, index by index, as words in the
 * discrete generators: "a*b" is the element a b (rho(a) rho(b): b acts
 * first), "1" the identity (index 0). Each word is a shortest one (breadth
 * first from the identity). `regular` is what the expression resolves to:
 * the group's leaf of that name (grid groups), else the enumeration of
 * weyl_group_order. On success *words is a new array of *n strings; free it
 * with weyl_group_regular_words_free. Returns WEYL_EINVAL for a group with
 * algebra generators and the statuses of weyl_group_order. */
weyl_status weyl_group_regular_words(weyl_group *g, char ***words, long *n);
void weyl_group_regular_words_free(char **words, long n); /* NULL is allowed */

#endif
