/* weyl — the isotypic decomposition of a rep: its irreducible pieces, how
 * often each occurs, and the orthogonal change of basis that splits it.
 *
 * V = sum over types t of (rho_t (x) R^{m_t}): Q (n x n, orthogonal) has one
 * group of columns per copy; on copy c of type t every algebra generator X
 * acts by the same reference matrix: X Q_c = Q_c rho_t(X). Then
 * Hom(in, out) has dimension sum over pairs of isomorphic types of
 * m_in * m_out * dim End(rho_t) (Schur's lemma), where dim End(rho_t), the
 * number of independent maps commuting with rho_t, is 1, 2 or 4 for a real,
 * complex or quaternionic irreducible piece.
 *
 * Scope: reps of groups with algebra generators only, acting by
 * antisymmetric matrices (compact Lie algebras in an orthonormal basis:
 * SO(n), U(n), SU(n) and their tensor reps), up to dimension 4096. The split
 * is the one of the isotypic solver (src/basis/basis_iso.c): each piece is
 * checked to be invariant and the columns orthonormal, to 1e-9 relative.
 * Finite groups (discrete generators) are refused with WEYL_EINVAL; their
 * decomposition by characters is not implemented. */
#ifndef WEYL_DECOMP_H
#define WEYL_DECOMP_H

#include "weyl/rep.h"
#include "weyl/status.h"

/* A decomposed rep (opaque; weyl_decomp_free). Immutable once made. */
typedef struct weyl_decomp weyl_decomp;

/* What kind of irreducible piece a type is, from dim End(rho_t). */
typedef enum {
  WEYL_DECOMP_REAL = 1,         /* End = R: absolutely irreducible */
  WEYL_DECOMP_COMPLEX = 2,      /* End = C: e.g. SO(2)'s rotation of the plane */
  WEYL_DECOMP_QUATERNIONIC = 4  /* End = H: e.g. SU(2)'s spin 1/2 as 4 real dims */
} weyl_decomp_kind;

/* Splits r into isotypic components. Types are ordered by dimension, then
 * by the order the split found them; copies by column. On success *d is new
 * (weyl_decomp_free). Returns WEYL_EINVAL when r's group is not a compact
 * Lie algebra as above ("decomposition needs a compact Lie algebra ...") or
 * the split fails its checks, WEYL_ENOMEM, WEYL_ENUMERIC (LAPACK). */
weyl_status weyl_decomp_new(const weyl_rep *r, weyl_decomp **d);
/* Frees d (NULL is fine). */
void weyl_decomp_free(weyl_decomp *d);

/* Dimension n of the decomposed rep. */
int weyl_decomp_dim(const weyl_decomp *d);
/* Number of distinct types (irreducible pieces up to isomorphism). */
int weyl_decomp_ntypes(const weyl_decomp *d);
/* Dimension of type t (0 <= t < ntypes; -1 when t is out of range). */
int weyl_decomp_type_dim(const weyl_decomp *d, int t);
/* Multiplicity of type t: how many copies of it r contains (-1: t out of range). */
int weyl_decomp_type_mult(const weyl_decomp *d, int t);
/* dim End(rho_t): 1, 2 or 4 (a weyl_decomp_kind) for an irreducible piece;
 * another value means the piece was not irreducible. -1: t out of range. */
int weyl_decomp_type_end(const weyl_decomp *d, int t);
/* "real", "complex", "quaternionic" for 1, 2, 4; "reducible" otherwise. */
const char *weyl_decomp_kind_name(int end);

/* Number of copies (sum of the multiplicities). */
int weyl_decomp_ncopies(const weyl_decomp *d);
/* Copy c: its type into *type and its first column of Q into *col0 (it
 * spans type_dim columns). Returns WEYL_EINVAL when c is out of range. */
weyl_status weyl_decomp_copy(const weyl_decomp *d, int c, int *type, int *col0);

/* The change of basis Q into q (n x n, row-major: q[i * n + j] is entry i
 * of column j), orthogonal; Q^T rho(X) Q is block diagonal with the
 * reference matrices of the copies on the diagonal. */
void weyl_decomp_change_of_basis(const weyl_decomp *d, double *q);
/* The reference matrix rho_t(X_a) of algebra generator a on type t into m
 * (r x r row-major, r = type_dim). Returns WEYL_EINVAL when t or a is out
 * of range. */
weyl_status weyl_decomp_type_rho(const weyl_decomp *d, int t, int a, double *m);

/* dim Hom(in, out) predicted by Schur's lemma: sum over pairs (t_in, t_out)
 * of isomorphic types of m_in * m_out * dim Hom(rho_tin, rho_tout) (= dim
 * End when isomorphic, 0 otherwise; found on the reference matrices with
 * the default rank tolerance). in and out must be reps of the same group.
 * Returns WEYL_EINVAL when their generator counts differ, WEYL_ENOMEM. */
weyl_status weyl_decomp_hom_dim(const weyl_decomp *in, const weyl_decomp *out, long *dim);

#endif
