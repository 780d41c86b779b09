/* Internal layout of representation trees (rep.c, rep_parse.c, basis.c). */
#ifndef WEYL_REP_IMPL_H
#define WEYL_REP_IMPL_H

#include <stdatomic.h>

#include "weyl/rep.h"

typedef enum {
  REP_SCALAR,  /* trivial, dim 1                                    */
  REP_LEAF,    /* g->leaves[arg]                                    */
  REP_REGULAR, /* g->regular_perm; dim = group order               */
  REP_ROT,     /* 2x2 rotation rep of frequency arg                 */
  REP_SUM,     /* a + b                                             */
  REP_COPIES,  /* arg copies of a                                   */
  REP_TENSOR,  /* a (x) b, a's index major                          */
  REP_DUAL,    /* a.T                                               */
  REP_SYM      /* a**arg restricted by index symmetries (rep_sym.c) */
} rep_kind;

/* The orbits of multi-indices of a REP_SYM node (rep_sym.c): immutable,
 * reference counted, shared by copies of the node. */
typedef struct rep_sym rep_sym;

struct weyl_rep {
  atomic_int refs; /* reference count, atomic: threads may share a rep (and
                    * solve with it) at once; the tree is immutable otherwise */
  rep_kind kind;
  weyl_group *g;
  int dim;
  int arg;        /* leaf index, frequency or copy count               */
  int factor;     /* rot: the product's factor, 0 for the first with rot */
  int is_perm;    /* see weyl_rep_is_perm                              */
  int depth;      /* longest path to a leaf (1 for a leaf)             */
  long size;      /* nodes a walk visits (shared subtrees count each time) */
  weyl_rep *a, *b;
  rep_sym *sym;   /* REP_SYM only */
};

/* The atoms of a rep tree: the nodes without children (trivial, leaf,
 * regular and rot). */
int weyl_rep_is_atom(const weyl_rep *r);
/* 1 when atoms a and b of one group are the same rep (same leaf, the same
 * frequency and factor of rot, or both regular). */
int weyl_rep_same_atom(const weyl_rep *a, const weyl_rep *b);

/* The matrix of a group element g on rep (dim x dim, row-major), composed
 * from g's matrices on rep's atoms: atom(ctx, node, out) writes g's matrix
 * on a leaf, regular or rot node (the trivial rep is 1 without a call).
 * Sums are block diagonal, copies repeat a block, tensor products are
 * Kronecker products, duals inverse transposes and symmetric powers
 * compressed tensor powers: an atom of dimension d costs what g costs on
 * it, not on the whole rep (V**3 of O(3) is one 3 x 3 matrix, not an
 * exponential of a 27 x 27 one). */
typedef weyl_status (*weyl_rep_atom_fn)(void *ctx, const weyl_rep *atom, double *out);
weyl_status weyl_rep_element_mat(const weyl_rep *rep, weyl_rep_atom_fn atom, void *ctx,
                                 double *out);

/* A copy of the tree of rep whose nodes refer to g instead: a group with the
 * same generators and leaves (same names and dimensions), for instance the
 * same group with some leaves given in another basis (basis_ortho.c).
 * is_perm is copied, so a leaf that acts by permutations must stay one.
 * *out is new (free with weyl_rep_free); g must outlive it. */
weyl_status weyl_rep_rebase(const weyl_rep *rep, weyl_group *g, weyl_rep **out);

/* Orbits of the multi-indices of the k-th tensor power of an n-dimensional
 * rep under the index symmetries of formula: "Sym" (Sym^k), "Alt" (Alt^k) or
 * a formula like "ij=ji", "ijk=-jik=jki" (rep-format.md section 2.2).
 * Returns WEYL_EINVAL for a malformed formula or one that leaves no nonzero
 * tensor, WEYL_ELIMIT when n^k exceeds WEYL_REP_MAX_DIM. Free with
 * weyl_rep_sym_release. */
weyl_status weyl_rep_sym_build(int n, int k, const char *formula, rep_sym **out);
rep_sym *weyl_rep_sym_retain(rep_sym *s); /* one more reference; returns s */
void weyl_rep_sym_release(rep_sym *s);    /* drops one reference; NULL allowed */
int weyl_rep_sym_dim(const rep_sym *s);    /* the orbits kept: the rep's dimension */
int weyl_rep_sym_signed(const rep_sym *s); /* 1 when some symmetry has sign -1 */
const char *weyl_rep_sym_text(const rep_sym *s); /* "Sym", "Alt" or "ab=ba"... */

/* out (dim x dim) = Q^T m^(x)k Q (disc) or Q^T (sum_t 1 (x) .. m .. (x) 1) Q
 * (algebra), Q the orthonormal orbit basis; m is n x n. Used for rho, drho,
 * and for the factors of basis_ortho.c. */
weyl_status weyl_rep_sym_compress(const rep_sym *s, const double *m, int disc, double *out);

/* For a permutation p of the n base indices and a formula without signs:
 * out[o] = the orbit that the permuted tensor power sends orbit o to. */
void weyl_rep_sym_perm(const rep_sym *s, const int *p, int *out);

#endif
