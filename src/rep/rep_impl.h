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
  REP_DUAL     /* a.T                                               */
} rep_kind;

struct weyl_rep {
  atomic_int refs; /* reference count, atomic: threads may share a rep (and
                    * solve with it) at once; the tree is immutable otherwise */
  rep_kind kind;
  weyl_group *g;
  int dim;
  int arg;        /* leaf index, frequency or copy count               */
  int is_perm;    /* see weyl_rep_is_perm                              */
  int depth;      /* longest path to a leaf (1 for a leaf)             */
  long size;      /* nodes a walk visits (shared subtrees count each time) */
  weyl_rep *a, *b;
};

/* A copy of the tree of rep whose nodes refer to g instead: a group with the
 * same generators and leaves (same names and dimensions), for instance the
 * same group with some leaves given in another basis (basis_ortho.c).
 * is_perm is copied, so a leaf that acts by permutations must stay one.
 * *out is new (free with weyl_rep_free); g must outlive it. */
weyl_status weyl_rep_rebase(const weyl_rep *rep, weyl_group *g, weyl_rep **out);

#endif
