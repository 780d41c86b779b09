/* The paper's (FULL) bilinear layer y = 0.1 W(x) x (see bilinear.h).
 *
 * The blocks W_ij are handled in terms: one term per pair (rep of out
 * summands, rep of in summands) that has sources, covering every out summand
 * i and in summand j carrying those two reps at once. Within a term
 * (no out summands, ni in summands, ns sources, dims d_o x d_i) the
 * parameters are P[i][m][j], and
 *     y_i = 0.1 sum_m sum_j P_imj X_m x_j        (X_m = x_{s_m} as d_o x d_i).
 * Two orders compute it, and the cheaper one for the term's shape is used:
 *   sources first:    Z_mj = X_m x_j (loops), then y = P Z (one dgemm);
 *   parameters first: Q_im = sum_j P_imj x_j (one dgemm), then y_i = sum_m X_m Q_im.
 * A term keeps what its backward pass needs (Z, or x_j gathered and Q).
 *
 * The layer works on its input and output with the summands grouped by
 * class, each class component-major: class c, with n summands of dimension
 * d from position base, holds x_j[e] at base + e n + j. One example's in
 * summands of a term are then the d_i x n_i block J[e][j] = x_j[e] in place,
 * a source's components are n_src apart, and an out class's rows y_i[a] are
 * contiguous over i: the per-term gathers and scatters by offset tables
 * become row copies. fwd permutes x (kept for bwd) and y (when adding) into
 * this order and back; bwd does the same with dy and dx. */
#include <cblas.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/status_impl.h"
#include "nn/bilinear_impl.h"
#include "rep/rep_impl.h"
#include "weyl/nonlin.h"

#define FULL_SCALE 0.1 /* emlp's factor */
#define FULL_REP_TOL 1e-12

typedef struct {
  weyl_rep *rep; /* a reference */
  int n, *off;   /* the summands carrying it: their offsets */
  int base;      /* where the class starts in the grouped order */
  int trivial;
} rep_class;

typedef struct {
  int no, ni, ns;        /* out summands, in summands, sources */
  int ob, ib, sb;        /* bases of the out, in and source classes (grouped order) */
  int n_src;             /* summands in the source class: its components' stride */
  int *perm;             /* NULL, or: the term's component k of a source is the class's
                            component perm[k] (the class is o (x) i* with its tensor
                            factors in another order, see find_sources) */
  int d_o, d_i;          /* dimensions of one out / in summand */
  int params_first;      /* the order (see the file comment) */
  int p0;                /* offset of P in the parameters */
  double *keep;          /* sources first: Z; else x_j gathered, then Q */
} bl_term;

struct weyl_bilinear_full {
  int in, out, nparams;
  int n_in_cls, n_out_cls, n_terms;
  rep_class *in_cls, *out_cls;
  bl_term *terms;
  int *in_at, *out_at;    /* grouped position k holds entry in_at[k] (out_at[k]) */
  double *P;              /* copy of the parameters */
  int cap;                /* batch the buffers hold */
  double *xg, *dxg;       /* x in the grouped order (kept for bwd), its gradient */
  double *yg;             /* y, then dy, in the grouped order */
  double *scr_a, *scr_b;  /* shared scratch of the largest term */
  double *scr_c;          /* one example's rows (batch-independent) */
};

static void free_classes(rep_class *c, int n) {
  for (int i = 0; c && i < n; i++) {
    weyl_rep_free(c[i].rep);
    free(c[i].off);
  }
  free(c);
}

static void free_buffers(weyl_bilinear_full *f) {
  for (int t = 0; t < f->n_terms; t++) {
    free(f->terms[t].keep);
    f->terms[t].keep = NULL;
  }
  free(f->scr_a), free(f->scr_b), free(f->scr_c);
  free(f->xg), free(f->dxg), free(f->yg);
  f->scr_a = f->scr_b = f->scr_c = f->xg = f->dxg = f->yg = NULL;
  f->cap = 0;
}

void weyl_bilinear_full_destroy(weyl_bilinear_full *f) {
  if (!f)
    return;
  free_buffers(f);
  for (int t = 0; t < f->n_terms; t++)
    free(f->terms[t].perm);
  free(f->terms);
  free(f->in_at), free(f->out_at);
  free_classes(f->in_cls, f->n_in_cls);
  free_classes(f->out_cls, f->n_out_cls);
  free(f->P);
  free(f);
}

static weyl_status oom(void) { return weyl_fail(WEYL_ENOMEM, "out of memory building a bilinear layer"); }

/* Groups rep's summands by equal reps (weyl_rep_equal), in order of first
 * appearance. */
static weyl_status classify(const weyl_rep *rep, rep_class **cls, int *n_cls) {
  weyl_rep **parts = NULL;
  int n = 0, nc = 0;
  weyl_status s = weyl_rep_summands(rep, &parts, &n);
  if (s != WEYL_OK)
    return s;
  rep_class *c = calloc((size_t)n + 1, sizeof *c);
  if (!c)
    s = oom();
  for (int p = 0, off = 0, dim = 0; s == WEYL_OK && p < n; off += dim, p++) {
    int k = 0, eq = 0;
    dim = weyl_rep_dim(parts[p]);
    for (; k < nc && s == WEYL_OK; k++) {
      s = weyl_rep_equal(c[k].rep, parts[p], FULL_REP_TOL, &eq);
      if (eq)
        break;
    }
    if (s != WEYL_OK)
      break;
    if (k == nc) { /* a new class; room for every summand */
      c[nc].off = malloc(sizeof *c[nc].off * (size_t)n);
      if (!c[nc].off) {
        s = oom();
        break;
      }
      c[nc].rep = parts[p];
      parts[p] = NULL;
      c[nc].trivial = weyl_nonlin_is_scalar(c[nc].rep);
      nc++;
    }
    c[k].off[c[k].n++] = off;
  }
  weyl_rep_parts_free(parts, n);
  if (s != WEYL_OK) {
    free_classes(c, nc);
    return s;
  }
  *cls = c;
  *n_cls = nc;
  return WEYL_OK;
}

/* ---------- sources: in classes carrying out (x) in* ----------
 * emlp matches a source up to the order of its tensor factors (its product
 * reps are canonicalised: V* (x) V is V (x) V*, with a permutation of the
 * indices). For SO(1,3), whose V* is not V, a hidden rep holds V (x) V*
 * while the terms V* -> V* and Scalar <- V (x) V* need V* (x) V: without
 * the permutation those terms had no sources at all. */

enum { MAX_FACTORS = 8 };

typedef struct {
  const weyl_rep *atom;
  int dual, dim;
} factor;

/* r (dual when dual) as a tensor product of atoms and their duals, in index
 * order ((A (x) B)* is A* (x) B* with the same index order; A** is A; a
 * trivial factor has one index value and is left out); 0 when r is not such a
 * product (sums, copies, symmetrised powers) or has over MAX_FACTORS factors. */
static int flatten(const weyl_rep *r, int dual, factor *f, int *n) {
  switch (r->kind) {
  case REP_TENSOR:
    return flatten(r->a, dual, f, n) && flatten(r->b, dual, f, n);
  case REP_DUAL:
    return flatten(r->a, !dual, f, n);
  case REP_SCALAR:
    return 1;
  case REP_LEAF:
  case REP_ROT:
  case REP_REGULAR:
    if (*n >= MAX_FACTORS)
      return 0;
    f[(*n)++] = (factor){r, dual, r->dim};
    return 1;
  default:
    return 0;
  }
}

/* When the products t and c have the same factors in another order: perm
 * (dim entries, new) with t's component k = c's component perm[k], the
 * first such matching of factors. *perm stays NULL otherwise. */
static weyl_status factor_perm(const weyl_rep *t, const weyl_rep *c, int **perm) {
  factor ft[MAX_FACTORS], fc[MAX_FACTORS];
  int nt = 0, nc = 0, sigma[MAX_FACTORS], used[MAX_FACTORS] = {0};
  *perm = NULL;
  if (!flatten(t, 0, ft, &nt) || !flatten(c, 0, fc, &nc) || nt != nc)
    return WEYL_OK;
  for (int k = 0; k < nt; k++) {
    sigma[k] = -1;
    for (int j = 0; j < nc && sigma[k] < 0; j++)
      if (!used[j] && ft[k].dual == fc[j].dual && weyl_rep_same_atom(ft[k].atom, fc[j].atom))
        sigma[k] = j, used[j] = 1;
    if (sigma[k] < 0)
      return WEYL_OK;
  }
  long stride_c[MAX_FACTORS], dim = weyl_rep_dim(t);
  for (int j = nc - 1, s = 1; j >= 0; s *= fc[j].dim, j--)
    stride_c[j] = s;
  int *p = malloc(sizeof *p * (size_t)dim);
  if (!p)
    return oom();
  for (long idx = 0; idx < dim; idx++) { /* t's multi-index, last factor fastest */
    long rest = idx, at = 0;
    for (int k = nt - 1; k >= 0; k--) {
      at += (rest % ft[k].dim) * stride_c[sigma[k]];
      rest /= ft[k].dim;
    }
    p[idx] = (int)at;
  }
  *perm = p;
  return WEYL_OK;
}

/* 1 when rho_t = P rho_c P^T for every generator, P the permutation with
 * P e_perm[k] = e_k (the check that factor_perm's matching is right). */
static weyl_status check_perm(const weyl_rep *t, const weyl_rep *c, const int *perm, int *ok) {
  const weyl_group *g = weyl_rep_group(t);
  int n = weyl_rep_dim(t);
  double *A = malloc(sizeof *A * (size_t)n * n * 2), *B = A ? A + (size_t)n * n : NULL;
  if (!A)
    return oom();
  weyl_status s = WEYL_OK;
  *ok = 1;
  for (int k = 0; s == WEYL_OK && *ok && k < weyl_group_ndisc(g) + weyl_group_nalg(g); k++) {
    int disc = k < weyl_group_ndisc(g), gen = disc ? k : k - weyl_group_ndisc(g);
    s = disc ? weyl_rep_rho(t, gen, A) : weyl_rep_drho(t, gen, A);
    if (s == WEYL_OK)
      s = disc ? weyl_rep_rho(c, gen, B) : weyl_rep_drho(c, gen, B);
    double big = 1, diff = 0;
    for (int i = 0; s == WEYL_OK && i < n; i++)
      for (int j = 0; j < n; j++) {
        double a = A[(size_t)i * n + j], b = B[(size_t)perm[i] * n + perm[j]];
        big = fmax(big, fmax(fabs(a), fabs(b)));
        diff = fmax(diff, fabs(a - b));
      }
    *ok = diff <= FULL_REP_TOL * big;
  }
  free(A);
  return s;
}

/* The non-trivial in class whose rep equals out_rep (x) in_rep^* (*perm
 * NULL), or is it with its tensor factors in another order (*perm, new: see
 * factor_perm); *k = -1 when there is none. */
static weyl_status find_sources(const weyl_bilinear_full *f, const weyl_rep *o, const weyl_rep *i,
                                int *k, int **perm) {
  *k = -1;
  *perm = NULL;
  long D = (long)weyl_rep_dim(o) * weyl_rep_dim(i);
  int any = 0;
  for (int c = 0; c < f->n_in_cls; c++)
    any |= !f->in_cls[c].trivial && weyl_rep_dim(f->in_cls[c].rep) == D;
  if (!any)
    return WEYL_OK;
  weyl_rep *dual = NULL, *t = NULL;
  weyl_status s = weyl_rep_dual(i, &dual);
  if (s == WEYL_OK)
    s = weyl_rep_tensor(o, dual, &t);
  for (int c = 0; s == WEYL_OK && c < f->n_in_cls && *k < 0; c++) {
    int eq = 0;
    if (!f->in_cls[c].trivial && weyl_rep_dim(f->in_cls[c].rep) == D)
      s = weyl_rep_equal(t, f->in_cls[c].rep, FULL_REP_TOL, &eq);
    if (eq)
      *k = c;
  }
  for (int c = 0; s == WEYL_OK && c < f->n_in_cls && *k < 0; c++) {
    int *p = NULL, ok = 0;
    if (!f->in_cls[c].trivial && weyl_rep_dim(f->in_cls[c].rep) == D)
      s = factor_perm(t, f->in_cls[c].rep, &p);
    if (s == WEYL_OK && p)
      s = check_perm(t, f->in_cls[c].rep, p, &ok);
    if (ok)
      *k = c, *perm = p;
    else
      free(p);
  }
  weyl_rep_free(dual);
  weyl_rep_free(t);
  return s;
}

/* Flops of the two orders; the cheaper one is used. */
static int choose_params_first(const bl_term *t) {
  double a = (double)t->ni * t->ns * t->d_o * t->d_i + (double)t->no * t->ni * t->ns * t->d_o;
  double b = (double)t->no * t->ni * t->ns * t->d_i + (double)t->no * t->ns * t->d_o * t->d_i;
  return b < a;
}

/* Adds the term (out class oc, in class jc, sources from src); it takes
 * perm (see bl_term), freed with the layer even when this fails. */
static weyl_status add_term(weyl_bilinear_full *f, const rep_class *oc, const rep_class *jc,
                            const rep_class *src, int *perm) {
  bl_term *t = &f->terms[f->n_terms];
  memset(t, 0, sizeof *t);
  t->perm = perm;
  t->no = oc->n, t->ni = jc->n, t->ob = oc->base, t->ib = jc->base;
  t->sb = src->base, t->n_src = src->n;
  t->d_o = weyl_rep_dim(oc->rep), t->d_i = weyl_rep_dim(jc->rep);
  long D = (long)t->d_o * t->d_i;
  t->ns = src->n < D ? src->n : (int)D;
  long np = (long)t->no * t->ns * t->ni;
  if (np > INT32_MAX - (long)f->nparams) {
    free(t->perm);
    t->perm = NULL;
    return weyl_fail(WEYL_ELIMIT, "bilinear layer: more than 2^31 parameters");
  }
  t->p0 = f->nparams;
  f->nparams += (int)np;
  t->params_first = choose_params_first(t);
  f->n_terms++;
  return WEYL_OK;
}

/* The grouped order of a rep's entries (see the file comment): sets each
 * class's base and at[k], the entry at grouped position k. */
static weyl_status group_order(rep_class *cls, int n_cls, int dim, int **at) {
  *at = malloc(sizeof **at * ((size_t)dim + 1));
  if (!*at)
    return oom();
  int k = 0;
  for (int c = 0; c < n_cls; c++) {
    int d = weyl_rep_dim(cls[c].rep);
    cls[c].base = k;
    for (int e = 0; e < d; e++)
      for (int j = 0; j < cls[c].n; j++)
        (*at)[k++] = cls[c].off[j] + e;
  }
  return WEYL_OK;
}

static weyl_status make_terms(weyl_bilinear_full *f) {
  f->terms = calloc((size_t)f->n_out_cls * f->n_in_cls + 1, sizeof *f->terms);
  if (!f->terms)
    return oom();
  weyl_status s = WEYL_OK;
  for (int o = 0; s == WEYL_OK && o < f->n_out_cls; o++)
    for (int j = 0; s == WEYL_OK && j < f->n_in_cls; j++) {
      int k = -1, *perm = NULL;
      s = find_sources(f, f->out_cls[o].rep, f->in_cls[j].rep, &k, &perm);
      if (s == WEYL_OK && k >= 0)
        s = add_term(f, &f->out_cls[o], &f->in_cls[j], &f->in_cls[k], perm);
      else
        free(perm);
    }
  return s;
}

weyl_status weyl_bilinear_full_build(const weyl_rep *in, const weyl_rep *out,
                                     weyl_bilinear_full **fp) {
  weyl_bilinear_full *f = calloc(1, sizeof *f);
  if (!f)
    return oom();
  f->in = weyl_rep_dim(in);
  f->out = weyl_rep_dim(out);
  weyl_status s = classify(in, &f->in_cls, &f->n_in_cls);
  if (s == WEYL_OK)
    s = classify(out, &f->out_cls, &f->n_out_cls);
  if (s == WEYL_OK)
    s = group_order(f->in_cls, f->n_in_cls, f->in, &f->in_at);
  if (s == WEYL_OK)
    s = group_order(f->out_cls, f->n_out_cls, f->out, &f->out_at);
  if (s == WEYL_OK)
    s = make_terms(f);
  if (s == WEYL_OK && !(f->P = calloc((size_t)f->nparams + 1, sizeof *f->P)))
    s = oom();
  if (s != WEYL_OK) {
    weyl_bilinear_full_destroy(f);
    return s;
  }
  *fp = f;
  return WEYL_OK;
}

int weyl_bilinear_full_nparams(const weyl_bilinear_full *f) { return f->nparams; }
int weyl_bilinear_full_in_dim(const weyl_bilinear_full *f) { return f->in; }

/* The copy keeps a parameters-first term's rows in (m, i) order (see
 * fwd_params_first); every other term's as given, (i, m). */
weyl_status weyl_bilinear_full_take(weyl_bilinear_full *f, const double *params) {
  memcpy(f->P, params, sizeof *f->P * (size_t)f->nparams);
  for (int t = 0; t < f->n_terms; t++) {
    const bl_term *tm = &f->terms[t];
    if (!tm->params_first)
      continue;
    for (int i = 0; i < tm->no; i++)
      for (int m = 0; m < tm->ns; m++)
        memcpy(f->P + tm->p0 + ((size_t)m * tm->no + i) * tm->ni,
               params + tm->p0 + ((size_t)i * tm->ns + m) * tm->ni, sizeof *f->P * (size_t)tm->ni);
  }
  return WEYL_OK;
}

weyl_status weyl_bilinear_full_rescale_params(weyl_bilinear_full *f, double *params,
                                              const double *row_ms) {
  double big = 0;
  for (int r = 0; r < f->out; r++)
    big = row_ms[r] > big ? row_ms[r] : big;
  for (int t = 0; t < f->n_terms; t++) {
    const bl_term *tm = &f->terms[t];
    size_t per = (size_t)tm->ns * tm->ni;
    for (int i = 0; i < tm->no; i++) {
      double mean = 0;
      for (int a = 0; a < tm->d_o; a++)
        mean += row_ms[f->out_at[tm->ob + a * tm->no + i]] / tm->d_o;
      if (!(mean > 1e-12 * big))
        continue;
      double *p = params + tm->p0 + i * per;
      for (size_t e = 0; e < per; e++)
        p[e] /= sqrt(mean);
    }
  }
  return weyl_bilinear_full_take(f, params);
}

/* v += s u over n entries. */
static inline void add_scaled(int n, double s, const double *u, double *restrict v) {
  for (int k = 0; k < n; k++)
    v[k] += s * u[k];
}

/* Doubles term t keeps, and the scratch sizes it needs, for batch B: a and b
 * scale with B, c is one example's rows. */
static void term_sizes(const bl_term *t, size_t B, size_t *keep, size_t *sa, size_t *sb,
                       size_t *sc) {
  size_t F = (size_t)t->ns * t->ni, R = B * t->d_i, K = (size_t)t->no * t->ns;
  if (t->params_first) {
    *keep = R * t->ni + R * K;         /* x_j gathered, Q */
    *sa = R * K;                       /* dQ */
    *sb = (R > K ? R : K) * t->ni;     /* dP in (m, i) order, then d(x_j gathered) */
    /* one example's y_i and its sources' entries (forward) or dy_i (backward) */
    *sc = (size_t)t->d_o * t->no + (size_t)t->d_i * t->ns;
  } else {
    *keep = F * B * t->d_o;            /* Z */
    *sa = (size_t)t->no * B * t->d_o;  /* Y, dY */
    *sb = F * B * t->d_o;              /* dZ */
    *sc = (size_t)t->d_i * t->ni;      /* one example's dx_j (backward) */
  }
  if (t->perm) /* then one example's permuted sources and their gradient */
    *sc += 2 * (size_t)t->d_o * t->d_i * t->ns;
}

/* Where in scr_c a term with a permutation keeps one example's permuted
 * sources (D x ns), and after them their gradient (term_sizes). */
static double *perm_scratch(const weyl_bilinear_full *f, const bl_term *t) {
  size_t used = t->params_first ? (size_t)t->d_o * t->no + (size_t)t->d_i * t->ns
                                : (size_t)t->d_i * t->ni;
  return f->scr_c + used;
}

/* One example's sources as a term reads them: component k of source m at
 * src[k inc + m]. In place in the grouped x (inc = the class's summands), or,
 * for a term with a permutation, gathered into buf (inc = ns). */
static const double *sources(const bl_term *t, const double *xb, double *buf, int *inc) {
  if (!t->perm) {
    *inc = t->n_src;
    return xb + t->sb;
  }
  for (int k = 0; k < t->d_o * t->d_i; k++)
    memcpy(buf + (size_t)k * t->ns, xb + t->sb + (size_t)t->perm[k] * t->n_src,
           sizeof *buf * (size_t)t->ns);
  *inc = t->ns;
  return buf;
}

/* Where the gradient of sources() goes: dxb's in place, or buf zeroed (a
 * term with a permutation; sources_grad_done adds it back). */
static double *sources_grad(const bl_term *t, double *dxb, double *buf) {
  if (!t->perm)
    return dxb + t->sb;
  memset(buf, 0, sizeof *buf * (size_t)t->d_o * t->d_i * t->ns);
  return buf;
}

static void sources_grad_done(const bl_term *t, const double *buf, double *dxb) {
  if (!t->perm)
    return;
  for (int k = 0; k < t->d_o * t->d_i; k++)
    add_scaled(t->ns, 1.0, buf + (size_t)k * t->ns, dxb + t->sb + (size_t)t->perm[k] * t->n_src);
}

static weyl_status grow(weyl_bilinear_full *f, int batch) {
  if (batch <= f->cap)
    return WEYL_OK;
  free_buffers(f);
  size_t ma = 1, mb = 1, mc = 1;
  int ok = 1;
  for (int t = 0; t < f->n_terms; t++) {
    size_t keep, sa, sb, sc;
    term_sizes(&f->terms[t], (size_t)batch, &keep, &sa, &sb, &sc);
    ma = sa > ma ? sa : ma;
    mb = sb > mb ? sb : mb;
    mc = sc > mc ? sc : mc;
    ok = ok && (f->terms[t].keep = malloc(sizeof(double) * (keep + 1)));
  }
  f->scr_a = malloc(sizeof(double) * ma);
  f->scr_b = malloc(sizeof(double) * mb);
  f->scr_c = malloc(sizeof(double) * mc);
  f->xg = malloc(sizeof(double) * (size_t)batch * f->in);
  f->dxg = malloc(sizeof(double) * (size_t)batch * f->in);
  f->yg = malloc(sizeof(double) * (size_t)batch * f->out);
  if (!ok || !f->scr_a || !f->scr_b || !f->scr_c || !f->xg || !f->dxg || !f->yg) {
    free_buffers(f);
    return weyl_fail(WEYL_ENOMEM, "out of memory for a batch of %d", batch);
  }
  f->cap = batch;
  return WEYL_OK;
}

/* B rows of n entries into the grouped order: g[k] = v[at[k]]. */
static void to_grouped(int B, int n, const int *at, const double *v, double *g) {
  for (int b = 0; b < B; b++, v += n, g += n)
    for (int k = 0; k < n; k++)
      g[k] = v[at[k]];
}

/* The inverse of to_grouped: v[at[k]] = g[k]. */
static void from_grouped(int B, int n, const int *at, const double *g, double *v) {
  for (int b = 0; b < B; b++, v += n, g += n)
    for (int k = 0; k < n; k++)
      v[at[k]] = g[k];
}

/* z = sum_e x[e inc] R_e over k rows R_e = R + e n of length n, each entry
 * summed over e = 0, 1, ... in turn. Four entries are kept in registers
 * across the sum: adding one row at a time into z had loaded and stored z
 * at every e. */
static inline void combine_rows(int k, int n, const double *x, int inc, const double *R,
                                double *restrict z) {
  int j = 0;
  for (; j + 4 <= n; j += 4) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (int e = 0; e < k; e++) {
      const double *r = R + (size_t)e * n + j;
      double xv = x[(size_t)e * inc];
      s0 += xv * r[0], s1 += xv * r[1], s2 += xv * r[2], s3 += xv * r[3];
    }
    z[j] = s0, z[j + 1] = s1, z[j + 2] = s2, z[j + 3] = s3;
  }
  for (; j < n; j++) {
    double s = 0;
    for (int e = 0; e < k; e++)
      s += x[(size_t)e * inc] * R[(size_t)e * n + j];
    z[j] = s;
  }
}

/* d += x g, and returns <g, r> (n entries): the one-row case of
 * axpy_dot_rows and rows_axpy_dot. */
static inline double axpy_dot(int n, double x, const double *g, const double *r,
                              double *restrict d) {
  double a = 0;
  for (int j = 0; j < n; j++) {
    d[j] += x * g[j];
    a += g[j] * r[j];
  }
  return a;
}

/* For c <= 4 rows r of length n: dR_r += x_r g and acc_r += <g, R_r> (x
 * and acc with stride inc), the sums taken in the order of j as one row at
 * a time would. The c sums are independent chains, run side by side: one
 * chain waits on its own additions (the latency of an add per entry), the
 * loop was bound by that. */
static inline void axpy_dot_rows(int c, int n, const double *restrict g, const double *x,
                                 int inc, const double *R, double *restrict dR, double *acc) {
  if (c == 4) {
    double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    double x0 = x[0], x1 = x[inc], x2 = x[2 * inc], x3 = x[3 * inc];
    const double *R0 = R, *R1 = R + n, *R2 = R + 2 * (size_t)n, *R3 = R + 3 * (size_t)n;
    double *d0 = dR, *d1 = dR + n, *d2 = dR + 2 * (size_t)n, *d3 = dR + 3 * (size_t)n;
    for (int j = 0; j < n; j++) {
      double gj = g[j];
      d0[j] += x0 * gj, d1[j] += x1 * gj, d2[j] += x2 * gj, d3[j] += x3 * gj;
      a0 += gj * R0[j], a1 += gj * R1[j], a2 += gj * R2[j], a3 += gj * R3[j];
    }
    acc[0] += a0, acc[inc] += a1, acc[2 * inc] += a2, acc[3 * inc] += a3;
  } else if (c == 2) {
    double a0 = 0, a1 = 0, x0 = x[0], x1 = x[inc];
    const double *R0 = R, *R1 = R + n;
    double *d0 = dR, *d1 = dR + n;
    for (int j = 0; j < n; j++) {
      double gj = g[j];
      d0[j] += x0 * gj, d1[j] += x1 * gj;
      a0 += gj * R0[j], a1 += gj * R1[j];
    }
    acc[0] += a0, acc[inc] += a1;
  } else {
    acc[0] += axpy_dot(n, x[0], g, R, dR);
  }
}

/* ---------- sources first: Z[(b,a)][(m,j)] = (X_m x_j)_a, Y = Z P^T ----------
 * The innermost loops run over j (the in summands), contiguous in Z and J. */

static void fwd_sources_first(const weyl_bilinear_full *f, const bl_term *t, int B) {
  int ni = t->ni, ns = t->ns, di = t->d_i, d_o = t->d_o, no = t->no, F = ns * ni, inc;
  size_t C = (size_t)B * d_o;
  double *Z = t->keep, *Y = f->scr_a, *buf = perm_scratch(f, t);
  for (int b = 0; b < B; b++) {
    const double *xb = f->xg + (size_t)b * f->in, *J = xb + t->ib;
    const double *src = sources(t, xb, buf, &inc);
    for (int a = 0; a < d_o; a++)
      for (int m = 0; m < ns; m++) {
        double *z = Z + ((size_t)b * d_o + a) * F + (size_t)m * ni;
        combine_rows(di, ni, src + (size_t)a * di * inc + m, inc, J, z);
      }
  }
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)C, no, F, 1.0, Z, F, f->P + t->p0, F,
              0.0, Y, no);
  for (int b = 0; b < B; b++)
    add_scaled(d_o * no, FULL_SCALE, Y + (size_t)b * d_o * no, f->yg + (size_t)b * f->out + t->ob);
}

static void bwd_sources_first(const weyl_bilinear_full *f, const bl_term *t, int B, double *dP,
                              int want_dx) {
  int ni = t->ni, ns = t->ns, di = t->d_i, d_o = t->d_o, no = t->no, F = ns * ni, inc;
  size_t C = (size_t)B * d_o;
  const double *Z = t->keep;
  double *dY = f->scr_a, *dZ = f->scr_b, *dJ = f->scr_c;
  for (int b = 0; b < B; b++) {
    const double *g = f->yg + (size_t)b * f->out + t->ob;
    double *r = dY + (size_t)b * d_o * no;
    for (int k = 0; k < d_o * no; k++)
      r[k] = FULL_SCALE * g[k];
  }
  cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, no, F, (int)C, 1.0, dY, no, Z, F, 1.0, dP,
              F);
  if (!want_dx)
    return;
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)C, F, no, 1.0, dY, no, f->P + t->p0,
              F, 0.0, dZ, F);
  double *buf = perm_scratch(f, t), *dbuf = buf + (size_t)d_o * di * ns;
  for (int b = 0; b < B; b++) {
    const double *xb = f->xg + (size_t)b * f->in, *J = xb + t->ib;
    double *dxb = f->dxg + (size_t)b * f->in;
    const double *src = sources(t, xb, buf, &inc);
    double *dsrc = sources_grad(t, dxb, dbuf);
    memset(dJ, 0, sizeof *dJ * (size_t)di * ni);
    for (int a = 0; a < d_o; a++)
      for (int m = 0; m < ns; m++) {
        const double *g = dZ + ((size_t)b * d_o + a) * F + (size_t)m * ni;
        size_t s0 = (size_t)a * di * inc + m; /* the source's component a di */
        for (int e = 0; e < di;) {
          int c = di - e >= 4 ? 4 : di - e >= 2 ? 2 : 1;
          size_t at = s0 + (size_t)e * inc;
          axpy_dot_rows(c, ni, g, src + at, inc, J + (size_t)e * ni, dJ + (size_t)e * ni,
                        dsrc + at);
          e += c;
        }
      }
    sources_grad_done(t, dbuf, dxb);
    add_scaled(di * ni, 1.0, dJ, dxb + t->ib);
  }
}

/* For c <= 4 rows g_r of length n (one after another): d += x_r g_r, added
 * in the order r = 0, 1, ..., and acc_r += <g_r, q> (x and acc with stride
 * inc; acc may be NULL), as one row at a time would, with the c sums of
 * products run side by side (see axpy_dot_rows). */
static inline void rows_axpy_dot(int c, int n, const double *g, const double *x, int inc,
                                 const double *q, double *restrict d, double *acc) {
  const double *g0 = g, *g1 = g + n, *g2 = g + 2 * (size_t)n, *g3 = g + 3 * (size_t)n;
  if (c == 4) {
    double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    double x0 = x[0], x1 = x[inc], x2 = x[2 * inc], x3 = x[3 * inc];
    for (int i = 0; i < n; i++) {
      double v = d[i] + x0 * g0[i];
      v += x1 * g1[i];
      v += x2 * g2[i];
      d[i] = v + x3 * g3[i];
      a0 += g0[i] * q[i], a1 += g1[i] * q[i], a2 += g2[i] * q[i], a3 += g3[i] * q[i];
    }
    if (acc)
      acc[0] += a0, acc[inc] += a1, acc[2 * inc] += a2, acc[3 * inc] += a3;
  } else if (c == 2) {
    double a0 = 0, a1 = 0, x0 = x[0], x1 = x[inc];
    for (int i = 0; i < n; i++) {
      double v = d[i] + x0 * g0[i];
      d[i] = v + x1 * g1[i];
      a0 += g0[i] * q[i], a1 += g1[i] * q[i];
    }
    if (acc)
      acc[0] += a0, acc[inc] += a1;
  } else {
    double a0 = axpy_dot(n, x[0], g0, q, d);
    if (acc)
      acc[0] += a0;
  }
}

/* ---------- parameters first: Q_im = sum_j P_imj x_j, y_i = sum_m X_m Q_im ----------
 * The term's copy of P is kept with rows in (m, i) order, so that Q's rows
 * hold, for each m, the n_o values Q_im contiguously: the innermost loops run
 * over i. */

/* The rows (b, e) of the in summands x_j[e] (j = 0 .. ni - 1) for the
 * parameters-first products, ld apart: in place in the grouped x when each
 * summand has one component (rows b, one grouped row apart), else copied
 * into the term's keep by fwd (copy; the rows of one example are ni apart,
 * of the next example in apart: no single stride), where bwd finds them. */
static const double *in_rows(const weyl_bilinear_full *f, const bl_term *t, int B, int copy,
                             int *ld) {
  if (t->d_i == 1) {
    *ld = f->in;
    return f->xg + t->ib;
  }
  size_t n = (size_t)t->d_i * t->ni;
  for (int b = 0; copy && b < B; b++)
    memcpy(t->keep + (size_t)b * n, f->xg + (size_t)b * f->in + t->ib, sizeof(double) * n);
  *ld = t->ni;
  return t->keep;
}

static void fwd_params_first(const weyl_bilinear_full *f, const bl_term *t, int B) {
  int ni = t->ni, ns = t->ns, di = t->d_i, d_o = t->d_o, no = t->no, K = no * ns, inc;
  size_t R = (size_t)B * di;
  double *Q = t->keep + R * ni, *Yb = f->scr_c, *xc = Yb + (size_t)d_o * no;
  double *buf = perm_scratch(f, t);
  int ld;
  const double *Xin = in_rows(f, t, B, 1, &ld);
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)R, K, ni, 1.0, Xin, ld, f->P + t->p0,
              ni, 0.0, Q, K);
  for (int b = 0; b < B; b++) {
    const double *src = sources(t, f->xg + (size_t)b * f->in, buf, &inc);
    /* Y_a = sum over (e, m) of x_{s_m}[a, e] Q_(e, m): Q's rows for one
     * example are in (e, m) order, no apart */
    for (int a = 0; a < d_o; a++) {
      for (int e = 0; e < di; e++)
        memcpy(xc + (size_t)e * ns, src + ((size_t)a * di + e) * inc, sizeof *xc * (size_t)ns);
      combine_rows(di * ns, no, xc, 1, Q + (size_t)b * di * K, Yb + (size_t)a * no);
    }
    add_scaled(d_o * no, FULL_SCALE, Yb, f->yg + (size_t)b * f->out + t->ob);
  }
}

static void bwd_params_first(const weyl_bilinear_full *f, const bl_term *t, int B, double *dP,
                             int want_dx) {
  int ni = t->ni, ns = t->ns, di = t->d_i, d_o = t->d_o, no = t->no, K = no * ns, inc;
  size_t R = (size_t)B * di;
  const double *Q = t->keep + R * ni;
  int ld;
  const double *Xin = in_rows(f, t, B, 0, &ld);
  double *dQ = f->scr_a, *S = f->scr_b, *dYb = f->scr_c;
  double *buf = perm_scratch(f, t), *dbuf = buf + (size_t)d_o * di * ns;
  for (int b = 0; b < B; b++) {
    const double *dyb = f->yg + (size_t)b * f->out + t->ob;
    const double *src = sources(t, f->xg + (size_t)b * f->in, buf, &inc);
    double *dxb = want_dx ? f->dxg + (size_t)b * f->in : NULL;
    double *dsrc = dxb ? sources_grad(t, dxb, dbuf) : NULL;
    for (int k = 0; k < d_o * no; k++)
      dYb[k] = FULL_SCALE * dyb[k];
    for (int e = 0; e < di; e++)
      for (int m = 0; m < ns; m++) {
        size_t row = ((size_t)b * di + e) * K + (size_t)m * no;
        size_t s0 = (size_t)e * inc + m; /* the source's component e */
        double *dq = dQ + row;
        memset(dq, 0, sizeof *dq * (size_t)no);
        for (int a = 0; a < d_o;) {
          int c = d_o - a >= 4 ? 4 : d_o - a >= 2 ? 2 : 1;
          size_t at = s0 + (size_t)a * di * inc;
          rows_axpy_dot(c, no, dYb + (size_t)a * no, src + at, di * inc, Q + row, dq,
                        dsrc ? dsrc + at : NULL);
          a += c;
        }
      }
    if (dxb)
      sources_grad_done(t, dbuf, dxb);
  }
  /* dP in the (m, i) row order, then added to the caller's (i, m) rows */
  cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, K, ni, (int)R, 1.0, dQ, K, Xin, ld, 0.0, S,
              ni);
  for (int m = 0; m < ns; m++)
    for (int i = 0; i < no; i++)
      add_scaled(ni, 1.0, S + ((size_t)m * no + i) * ni, dP + ((size_t)i * ns + m) * ni);
  if (!want_dx)
    return;
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)R, ni, K, 1.0, dQ, K, f->P + t->p0,
              ni, 0.0, S, ni);
  for (int b = 0; b < B; b++)
    add_scaled(di * ni, 1.0, S + (size_t)b * di * ni, f->dxg + (size_t)b * f->in + t->ib);
}

/* fwd and bwd (bilinear_impl.h) in the grouped order: x is kept there for
 * bwd, which takes it from the forward pass on the same batch. */
weyl_status weyl_bilinear_full_fwd(weyl_bilinear_full *f, int batch, const double *x, double *y,
                                   int add) {
  weyl_status s = grow(f, batch);
  if (s != WEYL_OK)
    return s;
  to_grouped(batch, f->in, f->in_at, x, f->xg);
  if (add)
    to_grouped(batch, f->out, f->out_at, y, f->yg);
  else
    memset(f->yg, 0, sizeof *f->yg * (size_t)batch * f->out);
  for (int t = 0; t < f->n_terms; t++) {
    const bl_term *tm = &f->terms[t];
    if (tm->params_first)
      fwd_params_first(f, tm, batch);
    else
      fwd_sources_first(f, tm, batch);
  }
  from_grouped(batch, f->out, f->out_at, f->yg, y);
  return WEYL_OK;
}

weyl_status weyl_bilinear_full_bwd(weyl_bilinear_full *f, int batch, const double *x,
                                   const double *dy, double *dparams, double *dx) {
  (void)x; /* the forward pass's, kept in f->xg */
  to_grouped(batch, f->out, f->out_at, dy, f->yg);
  if (dx)
    to_grouped(batch, f->in, f->in_at, dx, f->dxg);
  for (int t = 0; t < f->n_terms; t++) {
    const bl_term *tm = &f->terms[t];
    if (tm->params_first)
      bwd_params_first(f, tm, batch, dparams + tm->p0, dx != NULL);
    else
      bwd_sources_first(f, tm, batch, dparams + tm->p0, dx != NULL);
  }
  if (dx)
    from_grouped(batch, f->in, f->in_at, f->dxg, dx);
  return WEYL_OK;
}
