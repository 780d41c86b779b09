/* weyl — representations as expression trees over a group's leaf reps.
 *
 * A rep is an immutable, reference-counted tree: leaf | scalar | regular |
 * sum | copies | tensor | dual | symmetrized power. Every node can give rho(h_k) (discrete
 * generator k) and drho(A_k) (algebra generator k) as dense matrices, and a
 * permutation when it acts by permutations. Conventions (docs/architecture.md): tensor
 * products are Kronecker products with the left factor's index major; the dual
 * is rho(h)^{-T}, -drho(A)^T. */
#ifndef WEYL_REP_H
#define WEYL_REP_H

#include "weyl/group.h"

#define WEYL_REP_MAX_DIM (1 << 22) /* largest dimension an expression may have */
/* Largest tree an expression may build: every use of a rep walks it, so
 * Scalar**1000**1000 (10^6 nodes as a walk, 3000 deep) is refused. */
#define WEYL_REP_MAX_NODES (1L << 16)
/* Deepest nesting of an expression tree (parentheses, powers, products). */
#define WEYL_REP_MAX_DEPTH 4096

/* A representation (opaque, immutable, reference-counted): from
 * weyl_rep_parse or the constructors below, released with weyl_rep_free. */
typedef struct weyl_rep weyl_rep;

/* Parses an expression of rep-format.md section 2 ("V**2 + 3*Scalar", "V.T",
 * "regular", "rot(2)") over g. The rep keeps a pointer to g: g must outlive it.
 * On success *rep is new; free it with weyl_rep_free. Returns WEYL_EPARSE with
 * the position of the problem, WEYL_ELIMIT past WEYL_REP_MAX_DIM or the group
 * order limit (for `regular`), WEYL_REP_MAX_NODES or WEYL_REP_MAX_DEPTH. */
weyl_status weyl_rep_parse(weyl_group *g, const char *expr, weyl_rep **rep);

/* Constructors. Each returns a new reference in *rep (free with
 * weyl_rep_free); arguments are borrowed (their counts are incremented). */
/* The trivial rep, dimension 1 (`Scalar`). */
weyl_status weyl_rep_scalar(weyl_group *g, weyl_rep **rep);
/* The group's leaf rep called name ("V" is the first one); WEYL_EINVAL when
 * there is none. */
weyl_status weyl_rep_leaf(weyl_group *g, const char *name, weyl_rep **rep);
/* The regular rep of a finite group (`regular`); WEYL_EINVAL for a group with
 * algebra generators, WEYL_ELIMIT past the group order limit. */
weyl_status weyl_rep_regular(weyl_group *g, weyl_rep **rep);
/* The frequency-freq 2x2 rotation rep (`rot(k)`) of Z(n), D(n), SO(2), O(2),
 * or of the first such factor of a product; WEYL_EINVAL for other groups. */
weyl_status weyl_rep_rot(weyl_group *g, int freq, weyl_rep **rep);
/* rot(freq, factor): the 2x2 rotation rep of factor `factor` (1-based) of a
 * product such as SO(2) x D(3), on which the other factors act trivially;
 * factor 0 is the first factor that has rotation reps (what weyl_rep_rot
 * takes). Returns WEYL_EINVAL when that factor is not Z(n), D(n), SO(2) or O(2). */
weyl_status weyl_rep_rot_factor(weyl_group *g, int freq, int factor, weyl_rep **rep);
/* a + b, the direct sum (a's indices first); WEYL_EINVAL for reps of two groups. */
weyl_status weyl_rep_sum(const weyl_rep *a, const weyl_rep *b, weyl_rep **rep);
/* k*a, k copies of a; WEYL_EINVAL for k < 1. */
weyl_status weyl_rep_copies(const weyl_rep *a, int k, weyl_rep **rep);
/* a*b, the tensor product (index i*dim(b) + j); WEYL_EINVAL for reps of two groups. */
weyl_status weyl_rep_tensor(const weyl_rep *a, const weyl_rep *b, weyl_rep **rep);
/* a**k, the k-th tensor power (a**0 is Scalar); WEYL_EINVAL for k < 0,
 * WEYL_ELIMIT past WEYL_REP_MAX_DIM. */
weyl_status weyl_rep_power(const weyl_rep *a, int k, weyl_rep **rep);
/* Sym^k(a) (`Symk(a)`), the symmetric tensors of a**k, and Alt^k(a)
 * (`Altk(a)`), the antisymmetric ones, in the orthonormal orbit basis of
 * rep-format.md section 2.2 (dimensions binomial(n+k-1, k) and
 * binomial(n, k) for an n-dimensional a). k = 0 gives Scalar. Sym^k of a
 * permutation rep is a permutation rep (solved by orbits). Returns
 * WEYL_EINVAL for k < 0 or k > 32 and for Alt^k with k > dim(a) (no nonzero
 * tensor), WEYL_ELIMIT when k dim(a)^k exceeds WEYL_REP_MAX_DIM. */
weyl_status weyl_rep_sym(const weyl_rep *a, int k, weyl_rep **rep);
/* Alt^k(a): see weyl_rep_sym. */
weyl_status weyl_rep_alt(const weyl_rep *a, int k, weyl_rep **rep);
/* a**k restricted to the tensors with the index symmetries of formula
 * (`a**k[formula]`): "ij=ji" (symmetric), "ij=-ji" (antisymmetric),
 * "ijkl=jikl=ijlk=klij" (elasticity tensor), any number of words of k
 * distinct letters, each after the first optionally with '-'. Statuses as
 * for weyl_rep_sym, and WEYL_EINVAL for a malformed formula. */
weyl_status weyl_rep_symmetrized(const weyl_rep *a, int k, const char *formula,
                                 weyl_rep **rep);
/* a.T, the dual: rho(h)^{-T}, -drho(A)^T. */
weyl_status weyl_rep_dual(const weyl_rep *a, weyl_rep **rep);

/* Drops one reference; NULL is allowed. */
void weyl_rep_free(weyl_rep *rep);

int weyl_rep_dim(const weyl_rep *rep);            /* its dimension */
weyl_group *weyl_rep_group(const weyl_rep *rep); /* the group it is a rep of (borrowed) */

/* Writes the canonical text of the rep into buf (at most cap bytes, always
 * terminated): equal texts mean equal reps. Returns the length it needed. */
int weyl_rep_str(const weyl_rep *rep, char *buf, int cap);

/* Dense matrices: out is dim x dim row-major, allocated by the caller.
 * Returns WEYL_EINVAL for k out of range, WEYL_ELIMIT for dim > 4096. */
weyl_status weyl_rep_rho(const weyl_rep *rep, int k, double *out);  /* discrete generator k */
weyl_status weyl_rep_drho(const weyl_rep *rep, int k, double *out); /* algebra generator k */

/* Sets *equal to 1 when a and b (reps of one group) have the same dimension
 * and the same generator matrices, every entry within tol times the largest
 * entry of the two (or tol when that is below 1), else 0. Equal reps can be
 * identified entry by entry: the identity map between them is equivariant.
 * Returns WEYL_EINVAL for NULL arguments, reps of different groups or
 * tol < 0, WEYL_ELIMIT for dim > 4096, WEYL_ENOMEM. */
weyl_status weyl_rep_equal(const weyl_rep *a, const weyl_rep *b, double tol, int *equal);

/* 1 when every discrete generator acts by a permutation and every algebra
 * generator by zero, else 0. Such reps get exact orbit bases. */
int weyl_rep_is_perm(const weyl_rep *rep);

/* 1 when the expression holds `regular` (the enumerated regular rep, or a
 * grid group's leaf of that name), whose element order
 * weyl_group_regular_words gives; 0 otherwise or for NULL. */
int weyl_rep_has_regular(const weyl_rep *rep);

/* For a permutation rep: perm[i] = image of basis vector i under generator k
 * (caller allocates dim ints). Returns WEYL_EINVAL when not a permutation rep. */
weyl_status weyl_rep_perm(const weyl_rep *rep, int k, int *perm);

/* Splits a rep into consecutive direct summands, in index order: sums and
 * copies are flattened (k*A gives k entries) and a tensor product with a sum
 * on its left is distributed ((A+B)*C = A*C + B*C keeps the index order).
 * *parts is a new array of *n new references: free the references and the
 * array together with weyl_rep_parts_free. */
weyl_status weyl_rep_summands(const weyl_rep *rep, weyl_rep ***parts, int *n);
/* Drops each of the n references in parts and frees the array (from
 * weyl_rep_summands); NULL is allowed. */
void weyl_rep_parts_free(weyl_rep **parts, int n);

#endif
