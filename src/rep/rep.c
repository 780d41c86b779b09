/* Representation trees: construction, dimensions, and the matrices they give. */
#include <assert.h>
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "group/group_impl.h"
#include "rep/rep_impl.h"
#include "core/mat.h"
#include "core/status_impl.h"

enum { DENSE_LIMIT = 4096 }; /* largest rep whose rho we form as a dense matrix */

/* ---------- construction ---------- */

static weyl_status new_node(rep_kind kind, weyl_group *g, long dim, weyl_rep **out) {
  if (dim > WEYL_REP_MAX_DIM)
    return weyl_fail(WEYL_ELIMIT, "representation of dimension %ld exceeds the limit %d", dim,
                     WEYL_REP_MAX_DIM);
  weyl_rep *r = calloc(1, sizeof *r);
  if (!r) return weyl_fail(WEYL_ENOMEM, "out of memory building a representation");
  r->refs = 1;
  r->kind = kind;
  r->g = g;
  r->dim = (int)dim;
  r->depth = 1;
  r->size = 1;
  *out = r;
  return WEYL_OK;
}

/* A new reference to r. A rep is immutable except for its reference count,
 * which borrowing it from a const pointer must still increment: this is the
 * one place that writes through a const weyl_rep. */
static weyl_rep *retain(const weyl_rep *r) {
  weyl_rep *m = (weyl_rep *)r;
  atomic_fetch_add_explicit(&m->refs, 1, memory_order_relaxed);
  return m;
}

void weyl_rep_free(weyl_rep *r) {
  if (!r)
    return;
  int before = atomic_fetch_sub_explicit(&r->refs, 1, memory_order_acq_rel);
  assert(before > 0); /* a node is freed once per reference */
  if (before > 1)
    return;
  weyl_rep_free(r->a);
  weyl_rep_free(r->b);
  weyl_rep_sym_release(r->sym);
  free(r);
}

static int leaf_is_perm(const weyl_group *g, const weyl_leaf *l);

weyl_status weyl_rep_rebase(const weyl_rep *rep, weyl_group *g, weyl_rep **out) {
  /* rep_impl.h: g has the same leaves, and a permutation leaf stays one. */
  assert(g->n_disc == rep->g->n_disc && g->n_alg == rep->g->n_alg &&
         g->n_leaves == rep->g->n_leaves);
  assert(rep->kind != REP_LEAF || (g->leaves[rep->arg].dim == rep->dim &&
                                   (!rep->is_perm || leaf_is_perm(g, &g->leaves[rep->arg]))));
  weyl_rep *r = malloc(sizeof *r);
  *out = r;
  if (!r) return weyl_fail(WEYL_ENOMEM, "out of memory copying a representation");
  /* Field by field: the source's count may be changing in another thread. */
  *r = (weyl_rep){.kind = rep->kind, .dim = rep->dim, .arg = rep->arg, .factor = rep->factor,
                  .is_perm = rep->is_perm, .depth = rep->depth, .size = rep->size,
                  .sym = rep->sym}; /* every field of rep_impl.h but refs, g, a, b */
  r->refs = 1;
  r->g = g;
  r->a = r->b = NULL;
  if (r->sym) weyl_rep_sym_retain(r->sym);
  weyl_rep *a = NULL, *b = NULL;
  weyl_status s = rep->a ? weyl_rep_rebase(rep->a, g, &a) : WEYL_OK;
  r->a = a;
  if (s == WEYL_OK && rep->b) s = weyl_rep_rebase(rep->b, g, &b);
  r->b = b;
  if (s != WEYL_OK) {
    weyl_rep_free(r);
    *out = NULL;
  }
  return s;
}

/* A dense matrix that is exactly a permutation matrix is treated as one, so
 * that files writing 0/1 matrices still get exact orbit bases. */
static int dense_is_perm(const double *m, int n, int *perm) {
  for (int j = 0; j < n; j++) {
    int hit = -1;
    for (int i = 0; i < n; i++) {
      double v = m[(size_t)i * n + j];
      if (v == 1.0 && hit < 0) hit = i;
      else if (v != 0.0) return 0;
    }
    if (hit < 0) return 0;
    if (perm) perm[j] = hit;
  }
  return 1;
}

static int dense_is_zero(const double *m, int n) {
  for (size_t i = 0; i < (size_t)n * n; i++)
    if (m[i] != 0.0) return 0;
  return 1;
}

static int leaf_is_perm(const weyl_group *g, const weyl_leaf *l) {
  for (int k = 0; k < g->n_disc; k++)
    if (l->disc[k].mat && !dense_is_perm(l->disc[k].mat, l->dim, NULL)) return 0;
  for (int k = 0; k < g->n_alg; k++)
    if (l->alg[k].mat && !dense_is_zero(l->alg[k].mat, l->dim)) return 0;
  return 1;
}

static int is_valid(const weyl_rep *r) { return r && r->g && r->refs > 0; }

weyl_status weyl_rep_scalar(weyl_group *g, weyl_rep **rep) {
  if (!g || !rep) return weyl_fail(WEYL_EINVAL, "weyl_rep_scalar: NULL argument");
  weyl_status s = new_node(REP_SCALAR, g, 1, rep);
  if (s == WEYL_OK) (*rep)->is_perm = 1;
  return s;
}

weyl_status weyl_rep_leaf(weyl_group *g, const char *name, weyl_rep **rep) {
  if (!g || !name || !rep) return weyl_fail(WEYL_EINVAL, "weyl_rep_leaf: NULL argument");
  int i = weyl_group_find_leaf(g, name);
  if (i < 0 && strcmp(name, "V") == 0 && g->n_leaves > 0) i = 0;
  if (i < 0) return weyl_fail(WEYL_EINVAL, "unknown representation '%s'", name);
  weyl_status s = new_node(REP_LEAF, g, g->leaves[i].dim, rep);
  if (s != WEYL_OK) return s;
  (*rep)->arg = i;
  (*rep)->is_perm = leaf_is_perm(g, &g->leaves[i]);
  return WEYL_OK;
}

weyl_status weyl_rep_regular(weyl_group *g, weyl_rep **rep) {
  if (!g || !rep) return weyl_fail(WEYL_EINVAL, "weyl_rep_regular: NULL argument");
  long order = 0;
  weyl_status s = weyl_group_order(g, 0, &order);
  if (s != WEYL_OK) return s;
  s = new_node(REP_REGULAR, g, order, rep);
  if (s == WEYL_OK) (*rep)->is_perm = 1;
  return s;
}

weyl_status weyl_rep_rot_factor(weyl_group *g, int freq, int factor, weyl_rep **rep) {
  if (!g || !rep) return weyl_fail(WEYL_EINVAL, "weyl_rep_rot: NULL argument");
  double m[4];
  weyl_status s = weyl_group_rot_action(g, factor, freq, g->n_disc > 0, 0, m);
  if (s != WEYL_OK) return s;
  s = new_node(REP_ROT, g, 2, rep);
  if (s == WEYL_OK) (*rep)->arg = freq, (*rep)->factor = factor;
  return s;
}

weyl_status weyl_rep_rot(weyl_group *g, int freq, weyl_rep **rep) {
  return weyl_rep_rot_factor(g, freq, 0, rep);
}

static weyl_status check_pair(const weyl_rep *a, const weyl_rep *b, const char *what) {
  if (!is_valid(a) || !is_valid(b)) return weyl_fail(WEYL_EINVAL, "%s: NULL argument", what);
  if (a->g != b->g) return weyl_fail(WEYL_EINVAL, "%s: representations of different groups", what);
  return WEYL_OK;
}

static weyl_status binary(rep_kind kind, const weyl_rep *a, const weyl_rep *b, long dim,
                          weyl_rep **rep) {
  long size = 1 + a->size + (b ? b->size : 0);
  int depth = 1 + (b && b->depth > a->depth ? b->depth : a->depth);
  if (size > WEYL_REP_MAX_NODES || depth > WEYL_REP_MAX_DEPTH)
    return weyl_fail(WEYL_ELIMIT,
                     "representation tree too large (%ld nodes, %d deep; limits %ld and %d)", size,
                     depth, WEYL_REP_MAX_NODES, WEYL_REP_MAX_DEPTH);
  weyl_status s = new_node(kind, a->g, dim, rep);
  if (s != WEYL_OK) return s;
  (*rep)->size = size;
  (*rep)->depth = depth;
  (*rep)->a = retain(a);
  (*rep)->b = b ? retain(b) : NULL;
  (*rep)->is_perm = a->is_perm && (!b || b->is_perm);
  return WEYL_OK;
}

weyl_status weyl_rep_sum(const weyl_rep *a, const weyl_rep *b, weyl_rep **rep) {
  weyl_status s = check_pair(a, b, "weyl_rep_sum");
  if (s != WEYL_OK || !rep) return s ? s : weyl_fail(WEYL_EINVAL, "weyl_rep_sum: NULL out");
  return binary(REP_SUM, a, b, (long)a->dim + b->dim, rep);
}

weyl_status weyl_rep_tensor(const weyl_rep *a, const weyl_rep *b, weyl_rep **rep) {
  weyl_status s = check_pair(a, b, "weyl_rep_tensor");
  if (s != WEYL_OK || !rep) return s ? s : weyl_fail(WEYL_EINVAL, "weyl_rep_tensor: NULL out");
  return binary(REP_TENSOR, a, b, (long)a->dim * b->dim, rep);
}

weyl_status weyl_rep_copies(const weyl_rep *a, int k, weyl_rep **rep) {
  if (!is_valid(a) || !rep) return weyl_fail(WEYL_EINVAL, "weyl_rep_copies: NULL argument");
  if (k < 1) return weyl_fail(WEYL_EINVAL, "copy count %d must be positive", k);
  if (k == 1) {
    *rep = retain(a);
    return WEYL_OK;
  }
  weyl_status s = binary(REP_COPIES, a, NULL, (long)k * a->dim, rep);
  if (s == WEYL_OK) (*rep)->arg = k;
  return s;
}

weyl_status weyl_rep_dual(const weyl_rep *a, weyl_rep **rep) {
  if (!is_valid(a) || !rep) return weyl_fail(WEYL_EINVAL, "weyl_rep_dual: NULL argument");
  return binary(REP_DUAL, a, NULL, a->dim, rep);
}

weyl_status weyl_rep_power(const weyl_rep *a, int k, weyl_rep **rep) {
  if (!is_valid(a) || !rep) return weyl_fail(WEYL_EINVAL, "weyl_rep_power: NULL argument");
  if (k < 0) return weyl_fail(WEYL_EINVAL, "tensor power %d must be >= 0", k);
  if (k == 0) return weyl_rep_scalar(a->g, rep);
  double dim = 1;
  for (int i = 0; i < k; i++) dim *= a->dim;
  if (dim > WEYL_REP_MAX_DIM)
    return weyl_fail(WEYL_ELIMIT,
                     "tensor power %d of a %d-dimensional rep has dimension %.3g, "
                     "over the limit %d",
                     k, a->dim, dim, WEYL_REP_MAX_DIM);
  weyl_rep *acc = retain(a);
  for (int i = 1; i < k; i++) {
    weyl_rep *next = NULL;
    weyl_status s = weyl_rep_tensor(acc, a, &next);
    weyl_rep_free(acc);
    if (s != WEYL_OK) return s;
    acc = next;
  }
  *rep = acc;
  return WEYL_OK;
}

/* a**k restricted by the index symmetries of formula (rep_sym.c). */
static weyl_status symmetrized(const weyl_rep *a, int k, const char *formula, weyl_rep **rep) {
  if (!is_valid(a) || !formula || !rep)
    return weyl_fail(WEYL_EINVAL, "weyl_rep_symmetrized: NULL argument");
  if (k == 0) return weyl_rep_scalar(a->g, rep);
  rep_sym *S = NULL;
  weyl_status s = weyl_rep_sym_build(a->dim, k, formula, &S);
  if (s == WEYL_OK) s = binary(REP_SYM, a, NULL, weyl_rep_sym_dim(S), rep);
  if (s != WEYL_OK) {
    weyl_rep_sym_release(S);
    return s;
  }
  (*rep)->arg = k;
  (*rep)->sym = S;
  (*rep)->is_perm = a->is_perm && !weyl_rep_sym_signed(S);
  return WEYL_OK;
}

weyl_status weyl_rep_sym(const weyl_rep *a, int k, weyl_rep **rep) {
  return symmetrized(a, k, "Sym", rep);
}

weyl_status weyl_rep_alt(const weyl_rep *a, int k, weyl_rep **rep) {
  return symmetrized(a, k, "Alt", rep);
}

weyl_status weyl_rep_symmetrized(const weyl_rep *a, int k, const char *formula, weyl_rep **rep) {
  if (formula && (!strcmp(formula, "Sym") || !strcmp(formula, "Alt")))
    return weyl_fail(WEYL_EINVAL, "index formula '%s': expected words of letters", formula);
  return symmetrized(a, k, formula, rep);
}

int weyl_rep_dim(const weyl_rep *rep) { return rep ? rep->dim : 0; }
weyl_group *weyl_rep_group(const weyl_rep *rep) { return rep ? rep->g : NULL; }
int weyl_rep_is_perm(const weyl_rep *rep) { return rep ? rep->is_perm : 0; }

/* ---------- canonical text ---------- */

static int put(char *buf, int cap, int pos, const char *s) {
  int n = (int)strlen(s);
  for (int i = 0; i < n && pos + i < cap - 1; i++) buf[pos + i] = s[i];
  return pos + n;
}

static int str_at(const weyl_rep *r, char *buf, int cap, int pos) {
  char tmp[32];
  switch (r->kind) {
  case REP_SCALAR: return put(buf, cap, pos, "Scalar");
  case REP_LEAF: return put(buf, cap, pos, r->g->leaves[r->arg].name);
  case REP_REGULAR: return put(buf, cap, pos, "regular");
  case REP_ROT:
    if (r->factor) snprintf(tmp, sizeof tmp, "rot(%d,%d)", r->arg, r->factor);
    else snprintf(tmp, sizeof tmp, "rot(%d)", r->arg);
    return put(buf, cap, pos, tmp);
  case REP_COPIES:
    snprintf(tmp, sizeof tmp, "%d*(", r->arg);
    pos = str_at(r->a, buf, cap, put(buf, cap, pos, tmp));
    return put(buf, cap, pos, ")");
  case REP_DUAL:
    pos = str_at(r->a, buf, cap, put(buf, cap, pos, "("));
    return put(buf, cap, pos, ").T");
  case REP_SYM: {
    const char *f = weyl_rep_sym_text(r->sym);
    int named = !strcmp(f, "Sym") || !strcmp(f, "Alt");
    snprintf(tmp, sizeof tmp, named ? "%s%d(" : "(", f, r->arg);
    pos = str_at(r->a, buf, cap, put(buf, cap, pos, named ? tmp : "("));
    if (named) return put(buf, cap, pos, ")");
    snprintf(tmp, sizeof tmp, ")**%d[", r->arg);
    pos = put(buf, cap, put(buf, cap, pos, tmp), f);
    return put(buf, cap, pos, "]");
  }
  case REP_SUM:
  case REP_TENSOR:
    pos = str_at(r->a, buf, cap, put(buf, cap, pos, "("));
    pos = put(buf, cap, pos, r->kind == REP_SUM ? "+" : "*");
    pos = str_at(r->b, buf, cap, pos);
    return put(buf, cap, pos, ")");
  }
  return pos;
}

int weyl_rep_str(const weyl_rep *rep, char *buf, int cap) {
  if (!rep || !buf || cap <= 0) return 0;
  int n = str_at(rep, buf, cap, 0);
  buf[n < cap ? n : cap - 1] = '\0';
  return n;
}

/* ---------- permutations ---------- */

static weyl_status tensor_perm(const weyl_rep *r, int k, int *p);
static weyl_status sym_perm(const weyl_rep *r, int k, int *p);

static weyl_status perm_at(const weyl_rep *r, int k, int *p) {
  const weyl_action *act;
  weyl_status s = WEYL_OK;
  switch (r->kind) {
  case REP_SCALAR: p[0] = 0; break;
  case REP_REGULAR:
    assert(r->g->regular_perm); /* the group was enumerated when the node was made */
    memcpy(p, r->g->regular_perm[k], (size_t)r->dim * sizeof *p);
    break;
  case REP_LEAF:
    act = &r->g->leaves[r->arg].disc[k];
    if (act->perm) memcpy(p, act->perm, (size_t)r->dim * sizeof *p);
    else if (act->mat && !dense_is_perm(act->mat, r->dim, p))
      assert(!"is_perm: a leaf's dense matrices are permutation matrices");
    else for (int i = 0; i < r->dim; i++) p[i] = i;
    break;
  case REP_DUAL: s = perm_at(r->a, k, p); break; /* P^{-T} = P */
  case REP_SUM:
    if ((s = perm_at(r->a, k, p)) || (s = perm_at(r->b, k, p + r->a->dim))) break;
    for (int i = r->a->dim; i < r->dim; i++) p[i] += r->a->dim;
    break;
  case REP_COPIES:
    if ((s = perm_at(r->a, k, p))) break;
    for (int c = 1; c < r->arg; c++)
      for (int i = 0; i < r->a->dim; i++) p[c * r->a->dim + i] = p[i] + c * r->a->dim;
    break;
  case REP_TENSOR: s = tensor_perm(r, k, p); break;
  case REP_SYM: s = sym_perm(r, k, p); break;
  case REP_ROT: s = weyl_fail(WEYL_EINVAL, "rot(k) is not a permutation rep"); break;
  }
  return s;
}

/* (P_a (x) P_b) sends e_i (x) e_j to e_pa[i] (x) e_pb[j]. */
static weyl_status tensor_perm(const weyl_rep *r, int k, int *p) {
  int da = r->a->dim, db = r->b->dim;
  int *q = malloc((size_t)(da + db) * sizeof *q);
  if (!q) return weyl_fail(WEYL_ENOMEM, "out of memory in a permutation");
  weyl_status s = perm_at(r->a, k, q);
  if (s == WEYL_OK) s = perm_at(r->b, k, q + da);
  for (int i = 0; s == WEYL_OK && i < da; i++)
    for (int j = 0; j < db; j++) p[(size_t)i * db + j] = q[i] * db + q[da + j];
  free(q);
  return s;
}

/* The orbits of the base's permutation (rep_sym.c). */
static weyl_status sym_perm(const weyl_rep *r, int k, int *p) {
  int *q = malloc((size_t)r->a->dim * sizeof *q);
  if (!q) return weyl_fail(WEYL_ENOMEM, "out of memory in a permutation");
  weyl_status s = perm_at(r->a, k, q);
  if (s == WEYL_OK) weyl_rep_sym_perm(r->sym, q, p);
  free(q);
  return s;
}

weyl_status weyl_rep_perm(const weyl_rep *rep, int k, int *perm) {
  if (!rep || !perm) return weyl_fail(WEYL_EINVAL, "weyl_rep_perm: NULL argument");
  if (!rep->is_perm) return weyl_fail(WEYL_EINVAL, "representation is not a permutation rep");
  if (k < 0 || k >= rep->g->n_disc)
    return weyl_fail(WEYL_EINVAL, "generator index %d out of range", k);
  return perm_at(rep, k, perm);
}

/* ---------- dense matrices ---------- */

/* What mat_at forms: the matrix of generator k (discrete when disc, else of
 * the algebra), or, when atom is set, of a group element known by its
 * matrices on the atoms (see weyl_rep_element_mat). Sums, tensor products,
 * duals and symmetric powers of an element's matrices follow the same rules
 * as those of a discrete generator, so an element is composed as one. */
typedef struct {
  int k, disc;
  weyl_rep_atom_fn atom;
  void *ctx;
} mat_src;

static weyl_status mat_at(const weyl_rep *r, const mat_src *src, double *out);

/* Places the n x n matrix blk at (off, off) of the N x N matrix m. */
static void put_block(double *m, int N, const double *blk, int n, int off) {
  for (int i = 0; i < n; i++)
    memcpy(m + (size_t)(off + i) * N + off, blk + (size_t)i * n, (size_t)n * sizeof *m);
}

static weyl_status leaf_mat(const weyl_rep *r, const mat_src *src, double *out) {
  const weyl_leaf *l = &r->g->leaves[r->arg];
  int k = src->k, disc = src->disc;
  weyl_action_dense(disc ? &l->disc[k] : &l->alg[k], l->dim, disc ? 1.0 : 0.0, out);
  return WEYL_OK;
}

static weyl_status regular_mat(const weyl_rep *r, const mat_src *src, double *out) {
  int n = r->dim;
  memset(out, 0, (size_t)n * n * sizeof *out);
  if (src->disc)
    for (int i = 0; i < n; i++) out[(size_t)r->g->regular_perm[src->k][i] * n + i] = 1.0;
  return WEYL_OK;
}

static weyl_status sum_mat(const weyl_rep *r, const mat_src *src, double *out) {
  int n = r->dim, da = r->a->dim;
  int db = r->kind == REP_SUM ? r->b->dim : da;
  double *tmp = malloc(((size_t)da * da + (size_t)db * db) * sizeof *tmp);
  if (!tmp) return weyl_fail(WEYL_ENOMEM, "out of memory forming rho");
  double *tb = tmp + (size_t)da * da;
  weyl_status s = mat_at(r->a, src, tmp);
  if (s == WEYL_OK && r->kind == REP_SUM) s = mat_at(r->b, src, tb);
  if (s == WEYL_OK) {
    memset(out, 0, (size_t)n * n * sizeof *out);
    if (r->kind == REP_SUM) {
      put_block(out, n, tmp, da, 0);
      put_block(out, n, tb, db, da);
    } else {
      for (int c = 0; c < r->arg; c++) put_block(out, n, tmp, da, c * da);
    }
  }
  free(tmp);
  return s;
}

/* Discrete: rho_a (x) rho_b. Algebra: drho_a (x) I + I (x) drho_b. */
static weyl_status tensor_mat(const weyl_rep *r, const mat_src *src, double *out) {
  int da = r->a->dim, db = r->b->dim, n = r->dim, disc = src->disc;
  double *ma = malloc(((size_t)da * da + (size_t)db * db) * sizeof *ma);
  if (!ma) return weyl_fail(WEYL_ENOMEM, "out of memory forming rho");
  double *mb = ma + (size_t)da * da;
  weyl_status s = mat_at(r->a, src, ma);
  if (s == WEYL_OK) s = mat_at(r->b, src, mb);
  for (int i = 0; s == WEYL_OK && i < da; i++)
    for (int j = 0; j < db; j++)
      for (int p = 0; p < da; p++)
        for (int q = 0; q < db; q++) {
          double v;
          if (disc) v = ma[(size_t)i * da + p] * mb[(size_t)j * db + q];
          else v = (j == q ? ma[(size_t)i * da + p] : 0.0) + (i == p ? mb[(size_t)j * db + q] : 0.0);
          out[(size_t)(i * db + j) * n + (p * db + q)] = v;
        }
  free(ma);
  return s;
}

/* Discrete: rho(h)^{-T}. Algebra: -drho(A)^T. */
static weyl_status dual_mat(const weyl_rep *r, const mat_src *src, double *out) {
  int n = r->dim;
  weyl_status s = mat_at(r->a, src, out);
  if (s != WEYL_OK) return s;
  if (!src->disc) {
    weyl_mat_transpose_square(n, out, n);
    for (size_t e = 0; e < (size_t)n * n; e++) out[e] = -out[e];
    return WEYL_OK;
  }
  lapack_int *ipiv = malloc((size_t)n * sizeof *ipiv);
  if (!ipiv) return weyl_fail(WEYL_ENOMEM, "out of memory inverting rho");
  lapack_int info = LAPACKE_dgetrf(LAPACK_ROW_MAJOR, n, n, out, n, ipiv);
  if (info == 0) info = LAPACKE_dgetri(LAPACK_ROW_MAJOR, n, out, n, ipiv);
  free(ipiv);
  if (info != 0 && src->atom)
    return weyl_fail(WEYL_ENUMERIC, "dual: the element's matrix is singular (LAPACK info %d)",
                     (int)info);
  if (info != 0)
    return weyl_fail(WEYL_ENUMERIC, "dual: generator %d is singular (LAPACK info %d)", src->k,
                     (int)info);
  weyl_mat_transpose_square(n, out, n);
  return WEYL_OK;
}

/* Q^T rho_a^(x)k Q from the base's matrix (rep_sym.c). */
static weyl_status sym_mat(const weyl_rep *r, const mat_src *src, double *out) {
  int n = r->a->dim;
  double *m = malloc((size_t)n * n * sizeof *m);
  if (!m) return weyl_fail(WEYL_ENOMEM, "out of memory forming rho");
  weyl_status s = mat_at(r->a, src, m);
  if (s == WEYL_OK) s = weyl_rep_sym_compress(r->sym, m, src->disc, out);
  free(m);
  return s;
}

static weyl_status mat_at(const weyl_rep *r, const mat_src *src, double *out) {
  if (src->atom && r->kind != REP_SCALAR && weyl_rep_is_atom(r))
    return src->atom(src->ctx, r, out);
  switch (r->kind) {
  case REP_SCALAR: out[0] = src->disc ? 1.0 : 0.0; return WEYL_OK;
  case REP_LEAF: return leaf_mat(r, src, out);
  case REP_REGULAR: return regular_mat(r, src, out);
  case REP_ROT: return weyl_group_rot_action(r->g, r->factor, r->arg, src->disc, src->k, out);
  case REP_SUM:
  case REP_COPIES: return sum_mat(r, src, out);
  case REP_TENSOR: return tensor_mat(r, src, out);
  case REP_DUAL: return dual_mat(r, src, out);
  case REP_SYM: return sym_mat(r, src, out);
  }
  return weyl_fail(WEYL_EINVAL, "corrupt representation node");
}

int weyl_rep_is_atom(const weyl_rep *r) {
  return r->kind == REP_SCALAR || r->kind == REP_LEAF || r->kind == REP_REGULAR ||
         r->kind == REP_ROT;
}

int weyl_rep_same_atom(const weyl_rep *a, const weyl_rep *b) {
  return a->g == b->g && a->kind == b->kind && a->dim == b->dim && a->arg == b->arg &&
         (a->kind != REP_ROT || a->factor == b->factor);
}

weyl_status weyl_rep_element_mat(const weyl_rep *rep, weyl_rep_atom_fn atom, void *ctx,
                                 double *out) {
  if (!rep || !atom || !out) return weyl_fail(WEYL_EINVAL, "weyl_rep_element_mat: NULL argument");
  if (rep->dim > DENSE_LIMIT)
    return weyl_fail(WEYL_ELIMIT, "rho of a %d-dimensional rep would be formed densely "
                     "(limit %d)", rep->dim, DENSE_LIMIT);
  mat_src src = {0, 1, atom, ctx};
  return mat_at(rep, &src, out);
}

static weyl_status check_mat_call(const weyl_rep *rep, int k, int count, const double *out) {
  if (!rep || !out) return weyl_fail(WEYL_EINVAL, "NULL argument");
  if (k < 0 || k >= count) return weyl_fail(WEYL_EINVAL, "generator index %d out of range", k);
  if (rep->dim > DENSE_LIMIT)
    return weyl_fail(WEYL_ELIMIT, "rho of a %d-dimensional rep would be formed densely "
                     "(limit %d)", rep->dim, DENSE_LIMIT);
  return WEYL_OK;
}

weyl_status weyl_rep_rho(const weyl_rep *rep, int k, double *out) {
  weyl_status s = check_mat_call(rep, k, rep ? rep->g->n_disc : 0, out);
  mat_src src = {k, 1, NULL, NULL};
  return s != WEYL_OK ? s : mat_at(rep, &src, out);
}

weyl_status weyl_rep_drho(const weyl_rep *rep, int k, double *out) {
  weyl_status s = check_mat_call(rep, k, rep ? rep->g->n_alg : 0, out);
  mat_src src = {k, 0, NULL, NULL};
  return s != WEYL_OK ? s : mat_at(rep, &src, out);
}

/* max |A - B| <= tol * max(1, max |A|, max |B|) over n entries. */
static int close_entries(const double *A, const double *B, size_t n, double tol) {
  double big = 1, diff = 0;
  for (size_t e = 0; e < n; e++) {
    double a = fabs(A[e]), b = fabs(B[e]), d = fabs(A[e] - B[e]);
    big = a > big ? a : big;
    big = b > big ? b : big;
    diff = d > diff ? d : diff;
  }
  return diff <= tol * big;
}

weyl_status weyl_rep_equal(const weyl_rep *a, const weyl_rep *b, double tol, int *equal) {
  if (!a || !b || !equal || !(tol >= 0))
    return weyl_fail(WEYL_EINVAL, "weyl_rep_equal: NULL argument or tol < 0");
  if (a->g != b->g)
    return weyl_fail(WEYL_EINVAL, "weyl_rep_equal: reps of different groups");
  *equal = 0;
  if (a->dim != b->dim)
    return WEYL_OK;
  if (a == b) {
    *equal = 1;
    return WEYL_OK;
  }
  size_t n = (size_t)a->dim * a->dim;
  double *A = malloc(sizeof *A * n), *B = malloc(sizeof *B * n);
  weyl_status s = A && B ? WEYL_OK : weyl_fail(WEYL_ENOMEM, "out of memory comparing reps");
  int same = 1;
  for (int k = 0; s == WEYL_OK && same && k < a->g->n_disc + a->g->n_alg; k++) {
    int disc = k < a->g->n_disc, j = disc ? k : k - a->g->n_disc;
    s = disc ? weyl_rep_rho(a, j, A) : weyl_rep_drho(a, j, A);
    if (s == WEYL_OK)
      s = disc ? weyl_rep_rho(b, j, B) : weyl_rep_drho(b, j, B);
    same = s == WEYL_OK && close_entries(A, B, n, tol);
  }
  free(A);
  free(B);
  if (s == WEYL_OK)
    *equal = same;
  return s;
}

/* ---------- direct summands ---------- */

typedef struct {
  weyl_rep **items;
  int n, cap;
} rep_list;

static weyl_status list_push(rep_list *l, weyl_rep *r) {
  if (l->n == l->cap) {
    int cap = l->cap ? 2 * l->cap : 8;
    weyl_rep **grown = realloc(l->items, (size_t)cap * sizeof *grown);
    if (!grown) {
      weyl_rep_free(r);
      return weyl_fail(WEYL_ENOMEM, "out of memory splitting a representation");
    }
    l->items = grown;
    l->cap = cap;
  }
  l->items[l->n++] = r;
  return WEYL_OK;
}

static weyl_status split(const weyl_rep *r, rep_list *l) {
  weyl_status s = WEYL_OK;
  if (r->kind == REP_SUM) {
    if ((s = split(r->a, l)) == WEYL_OK) s = split(r->b, l);
  } else if (r->kind == REP_COPIES) {
    for (int c = 0; c < r->arg && s == WEYL_OK; c++) s = split(r->a, l);
  } else if (r->kind == REP_TENSOR && (r->a->kind == REP_SUM || r->a->kind == REP_COPIES)) {
    rep_list left = {0};
    s = split(r->a, &left);
    for (int i = 0; i < left.n; i++) {
      weyl_rep *t = NULL;
      if (s == WEYL_OK && (s = weyl_rep_tensor(left.items[i], r->b, &t)) == WEYL_OK)
        s = split(t, l);
      weyl_rep_free(t);
      weyl_rep_free(left.items[i]);
    }
    free(left.items);
  } else {
    s = list_push(l, retain(r));
  }
  return s;
}

weyl_status weyl_rep_summands(const weyl_rep *rep, weyl_rep ***parts, int *n) {
  if (!rep || !parts || !n) return weyl_fail(WEYL_EINVAL, "weyl_rep_summands: NULL argument");
  rep_list l = {0};
  weyl_status s = split(rep, &l);
  if (s != WEYL_OK) {
    for (int i = 0; i < l.n; i++) weyl_rep_free(l.items[i]);
    free(l.items);
    return s;
  }
  *parts = l.items;
  *n = l.n;
  return WEYL_OK;
}

void weyl_rep_parts_free(weyl_rep **parts, int n) {
  if (!parts)
    return;
  for (int i = 0; i < n; i++)
    weyl_rep_free(parts[i]);
  free(parts);
}

int weyl_rep_has_regular(const weyl_rep *rep) {
  if (!is_valid(rep)) return 0;
  if (rep->kind == REP_REGULAR) return 1;
  if (rep->kind == REP_LEAF) return strcmp(rep->g->leaves[rep->arg].name, "regular") == 0;
  return (rep->a && weyl_rep_has_regular(rep->a)) || (rep->b && weyl_rep_has_regular(rep->b));
}
