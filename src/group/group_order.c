/* Enumeration of finite groups: breadth-first closure of the discrete
 * generators from the identity, with a hash table of the elements found.
 *
 * An element g is identified by how it acts on the direct sum of the leaves
 * enumerated (weyl_group_order: the group's defining leaves, V for a .rep
 * file; weyl_group_order_on: the leaves given), faithful as soon as one is. It is stored as:
 *   - for each permutation leaf (every discrete generator a perm or the
 *     identity): the permutation itself, p[i] = image of point i, as uint16
 *     (leaves have at most WEYL_GROUP_MAX_LEAF_DIM points). Composition is exact.
 *   - for each dense leaf of dimension d: the d x m matrix G R, where R is a
 *     fixed pseudo-random d x m matrix and m = min(d, SKETCH). For d <= SKETCH,
 *     R is invertible and G R determines G. For larger d, G R = G' R with
 *     G != G' needs R's columns to lie in the kernel of G - G', which a generic
 *     R does not; this keeps a 20000-element group with a 100-dim rep at a
 *     few tens of MB instead of storing d x d matrices.
 * Left multiplication by a generator is then h_k (g R) = (h_k g) R.
 *
 * Dense entries carry round-off, so they cannot be hashed exactly. The hash
 * key combines the exact hash of the permutation part with q = floor(s/GRID),
 * s a fixed random linear functional of the dense part; a lookup probes the
 * buckets q-1, q, q+1, so round-off that moves s across a grid line (errors
 * are far below GRID) still finds the element, and candidates are compared
 * entry by entry with tolerance TOL. */
#include <assert.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "group/group_impl.h"
#include "core/status_impl.h"

enum { SKETCH = 4 };
static const double GRID = 1e-6;
static const double TOL = 1e-8;

/* One leaf's place in the stored element. */
typedef struct {
  const weyl_leaf *leaf;
  int cols;   /* 0 for a permutation leaf, else the sketch width m */
  size_t off; /* offset into the uint16 part (perm) or the double part (dense) */
} part;

typedef struct {
  weyl_group *g;
  int nparts;
  part *parts;
  size_t plen, dlen; /* uint16 and double entries per element */
  double *w;         /* [dlen] weights of the bucket functional */
  long n, cap, limit;
  long probes, max_probes; /* candidates compared so far, and the budget (0: none) */
  uint16_t *perm; /* [cap][plen] */
  double *dense;  /* [cap][dlen] */
  uint64_t *key;  /* [cap] hash key each element was inserted under */
  int **regular;  /* [n_disc][cap] */
  int *slot;      /* hash table of element indices, -1 = empty */
  size_t mask;    /* table size - 1 (a power of two) */
} enumeration;

/* splitmix64: a fixed, portable pseudo-random stream (results must not
 * depend on the platform's rand()). */
static uint64_t next_u64(uint64_t *state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

static double next_unit(uint64_t *state) {
  return (double)(next_u64(state) >> 11) * (2.0 / 9007199254740992.0) - 1.0;
}

static uint64_t mix64(uint64_t x) {
  uint64_t s = x;
  return next_u64(&s);
}

static int leaf_is_perm(const weyl_group *g, const weyl_leaf *l) {
  for (int k = 0; k < g->n_disc; k++)
    if (l->disc[k].mat) return 0;
  return 1;
}

/* Decides the layout: which leaves are permutations, offsets, sketch widths. */
static weyl_status plan_layout(enumeration *e) {
  weyl_group *g = e->g;
  e->parts = calloc(g->n_leaves > 0 ? (size_t)g->n_leaves : 1, sizeof *e->parts);
  if (!e->parts) return weyl_fail(WEYL_ENOMEM, "out of memory enumerating group %s", g->name);
  for (int i = 0; i < g->n_leaves; i++) {
    const weyl_leaf *l = &g->leaves[i];
    if (l->dim <= 0) continue;
    part *p = &e->parts[e->nparts++];
    p->leaf = l;
    if (leaf_is_perm(g, l) && l->dim > UINT16_MAX)
      return weyl_fail(WEYL_ELIMIT, "group %s: rep %s has %d points, above %d", g->name,
                       l->name, l->dim, UINT16_MAX);
    if (leaf_is_perm(g, l)) {
      p->off = e->plen;
      e->plen += (size_t)l->dim;
    } else {
      p->cols = l->dim < SKETCH ? l->dim : SKETCH;
      p->off = e->dlen;
      e->dlen += (size_t)l->dim * (size_t)p->cols;
    }
  }
  return WEYL_OK;
}

/* Writes the identity element: identity perms and the sketch matrices R. */
static void identity_element(const enumeration *e, uint16_t *p, double *d) {
  uint64_t state = 0x5EED5EEDULL;
  for (int i = 0; i < e->nparts; i++) {
    const part *pt = &e->parts[i];
    size_t len = (size_t)pt->leaf->dim * (size_t)pt->cols;
    for (int j = 0; !pt->cols && j < pt->leaf->dim; j++) p[pt->off + (size_t)j] = (uint16_t)j;
    for (size_t j = 0; j < len; j++) d[pt->off + j] = next_unit(&state);
  }
}

/* out = H x for the action H of one generator on a dense leaf; x is dim x m. */
static void apply_dense(const weyl_action *a, int dim, int m, const double *x, double *out) {
  size_t len = (size_t)dim * (size_t)m;
  if (a->perm) {
    for (int j = 0; j < dim; j++)
      memcpy(out + (size_t)a->perm[j] * m, x + (size_t)j * m, (size_t)m * sizeof *x);
  } else if (a->mat) {
    memset(out, 0, len * sizeof *out);
    for (int i = 0; i < dim; i++)
      for (int j = 0; j < dim; j++) {
        double h = a->mat[(size_t)i * dim + j];
        if (h == 0.0) continue; /* generators are often sparse */
        for (int c = 0; c < m; c++) out[(size_t)i * m + c] += h * x[(size_t)j * m + c];
      }
  } else {
    memcpy(out, x, len * sizeof *x);
  }
}

/* Writes h_k g into (p_out, d_out), g being element src. */
static void apply_generator(const enumeration *e, int k, long src, uint16_t *p_out,
                            double *d_out) {
  const uint16_t *p = e->perm + (size_t)src * e->plen;
  const double *d = e->dense + (size_t)src * e->dlen;
  for (int i = 0; i < e->nparts; i++) {
    const part *pt = &e->parts[i];
    const weyl_action *a = &pt->leaf->disc[k];
    int dim = pt->leaf->dim;
    if (pt->cols) {
      apply_dense(a, dim, pt->cols, d + pt->off, d_out + pt->off);
    } else if (a->perm) {
      for (int j = 0; j < dim; j++) p_out[pt->off + j] = (uint16_t)a->perm[p[pt->off + j]];
    } else {
      memcpy(p_out + pt->off, p + pt->off, (size_t)dim * sizeof *p);
    }
  }
}

static uint64_t perm_hash(const enumeration *e, const uint16_t *p) {
  uint64_t h = 0x243F6A8885A308D3ULL;
  for (size_t i = 0; i < e->plen; i++) h = (h ^ p[i]) * 0x100000001B3ULL;
  return h;
}

/* The bucket of the dense part: floor(w . d / GRID); 0 when that is not a
 * finite number that fits (a non-finite group blows up and ends at the limit). */
static int64_t dense_bucket(const enumeration *e, const double *d) {
  double s = 0.0;
  for (size_t i = 0; i < e->dlen; i++) s += e->w[i] * d[i];
  double t = floor(s / GRID);
  return fabs(t) < 4e18 ? (int64_t)t : 0;
}

static uint64_t combine(uint64_t ph, int64_t q) { return mix64(ph ^ mix64((uint64_t)q)); }

static int same_element(const enumeration *e, long idx, const uint16_t *p, const double *d) {
  if (e->plen && memcmp(e->perm + (size_t)idx * e->plen, p, e->plen * sizeof *p) != 0) return 0;
  const double *x = e->dense + (size_t)idx * e->dlen;
  for (size_t i = 0; i < e->dlen; i++)
    if (!(fabs(x[i] - d[i]) <= TOL * (1.0 + fabs(x[i])))) return 0;
  return 1;
}

/* Index of the element equal to (p, d), or -1. */
static long find_element(enumeration *e, uint64_t ph, int64_t q, const uint16_t *p,
                         const double *d) {
  int spread = e->dlen ? 1 : 0;
  for (int dq = -spread; dq <= spread; dq++) {
    uint64_t key = combine(ph, q + dq);
    for (size_t i = key & e->mask; e->slot[i] >= 0; i = (i + 1) & e->mask) {
      long idx = e->slot[i];
      if (e->key[idx] != key) continue;
      e->probes++;
      if (same_element(e, idx, p, d)) return idx;
    }
  }
  return -1;
}

static void table_put(enumeration *e, long idx) {
  assert((size_t)(e->n + 1) * 2 <= e->mask + 1); /* at most half full: the probe ends */
  size_t i = e->key[idx] & e->mask;
  while (e->slot[i] >= 0) i = (i + 1) & e->mask;
  e->slot[i] = (int)idx;
}

/* Doubles the hash table, keeping it at most half full. */
static int table_grow(enumeration *e) {
  size_t size = (e->mask + 1) * 2;
  int *slot = malloc(size * sizeof *slot);
  if (!slot) return 0;
  memset(slot, 0xff, size * sizeof *slot); /* all -1 */
  free(e->slot);
  e->slot = slot;
  e->mask = size - 1;
  for (long i = 0; i < e->n; i++) table_put(e, i);
  return 1;
}

static int grow_array(void **arr, long cap, size_t elem) {
  void *p = realloc(*arr, (size_t)cap * elem + 1);
  if (!p) return 0;
  *arr = p;
  return 1;
}

/* Makes room for one more element. */
static int reserve(enumeration *e) {
  if (e->n < e->cap) return 1;
  long cap = e->cap ? e->cap * 2 : 64;
  if (cap > e->limit) cap = e->limit;
  if (!grow_array((void **)&e->perm, cap, e->plen * sizeof *e->perm) ||
      !grow_array((void **)&e->dense, cap, e->dlen * sizeof *e->dense) ||
      !grow_array((void **)&e->key, cap, sizeof *e->key))
    return 0;
  for (int k = 0; k < e->g->n_disc; k++)
    if (!grow_array((void **)&e->regular[k], cap, sizeof(int))) return 0;
  e->cap = cap;
  return 1;
}

/* Appends (p, d) as a new element with the given key. */
static weyl_status insert_element(enumeration *e, uint64_t key, const uint16_t *p,
                                  const double *d) {
  if (e->n >= e->limit)
    return weyl_fail(WEYL_ELIMIT,
                     "group %s has more than %ld elements (limit %ld), or is infinite "
                     "(its generators do not close); the regular representation would be "
                     "too large",
                     e->g->name, e->limit, e->limit);
  if (!reserve(e) || ((size_t)(e->n + 1) * 2 > e->mask + 1 && !table_grow(e)))
    return weyl_fail(WEYL_ENOMEM, "out of memory enumerating group %s", e->g->name);
  if (e->plen) memcpy(e->perm + (size_t)e->n * e->plen, p, e->plen * sizeof *p);
  if (e->dlen) memcpy(e->dense + (size_t)e->n * e->dlen, d, e->dlen * sizeof *d);
  e->key[e->n] = key;
  table_put(e, e->n);
  e->n++;
  return WEYL_OK;
}

/* Entries that overflowed can never be matched (inf - inf is NaN), so every
 * later element would be new and share one bucket: quadratic time up to the
 * limit. Such a group is infinite for certain: a generator is not of finite
 * order (e.g. diag(2, 1)). */
static int all_finite(const enumeration *e, const double *d) {
  for (size_t i = 0; i < e->dlen; i++)
    if (!isfinite(d[i]) || fabs(d[i]) > 1e150) return 0;
  return 1;
}

/* Looks up (p, d); inserts it when new. *idx receives its index. */
static weyl_status intern(enumeration *e, const uint16_t *p, const double *d, long *idx) {
  if (!all_finite(e, d))
    return weyl_fail(WEYL_EINVAL,
                     "group %s is infinite: after %ld elements, products of its generators "
                     "have entries above 1e150 (a generator is not of finite order)",
                     e->g->name, e->n);
  uint64_t ph = perm_hash(e, p);
  int64_t q = e->dlen ? dense_bucket(e, d) : 0;
  *idx = find_element(e, ph, q, p, d);
  if (*idx >= 0) return WEYL_OK;
  /* Many candidates per lookup: products that agree to the bucket's width
   * but not to TOL, i.e. matrices that are no representation of a finite
   * group at this precision; only a caller with a budget stops here. */
  if (e->max_probes > 0 && e->probes > e->max_probes)
    return weyl_fail(WEYL_ELIMIT,
                     "group %s: after %ld elements, products agree closely but not within "
                     "%g (not a finite group to this precision)",
                     e->g->name, e->n, TOL);
  *idx = e->n;
  return insert_element(e, combine(ph, q), p, d);
}

static weyl_status setup(enumeration *e, weyl_group *g, long limit) {
  memset(e, 0, sizeof *e);
  e->g = g;
  e->limit = limit;
  weyl_status s = plan_layout(e);
  if (s) return s;
  e->w = malloc((e->dlen + 1) * sizeof *e->w);
  e->regular = calloc(g->n_disc > 0 ? (size_t)g->n_disc : 1, sizeof *e->regular);
  e->slot = malloc(64 * sizeof *e->slot);
  if (!e->w || !e->regular || !e->slot)
    return weyl_fail(WEYL_ENOMEM, "out of memory enumerating group %s", g->name);
  memset(e->slot, 0xff, 64 * sizeof *e->slot);
  e->mask = 63;
  uint64_t state = 0xC0FFEEULL;
  for (size_t i = 0; i < e->dlen; i++) e->w[i] = next_unit(&state);
  return WEYL_OK;
}

static void teardown(enumeration *e) {
  if (e->regular)
    for (int k = 0; k < e->g->n_disc; k++) free(e->regular[k]);
  free(e->regular);
  free(e->parts);
  free(e->w);
  free(e->perm);
  free(e->dense);
  free(e->key);
  free(e->slot);
}

/* The closure itself: element i is expanded after all elements before it, so
 * every element's generator images are known once the loop ends. */
static weyl_status closure(enumeration *e) {
  uint16_t *p = malloc(e->plen * sizeof *p + 1);
  double *d = malloc(e->dlen * sizeof *d + 1);
  weyl_status s = WEYL_OK;
  if (!p || !d) s = weyl_fail(WEYL_ENOMEM, "out of memory enumerating group %s", e->g->name);
  long idx = 0;
  if (s == WEYL_OK) {
    identity_element(e, p, d);
    s = intern(e, p, d, &idx);
  }
  for (long i = 0; s == WEYL_OK && i < e->n; i++)
    for (int k = 0; s == WEYL_OK && k < e->g->n_disc; k++) {
      apply_generator(e, k, i, p, d);
      s = intern(e, p, d, &idx);
      if (s == WEYL_OK) e->regular[k][i] = (int)idx;
    }
  free(p);
  free(d);
  return s;
}

/* weyl_group_order, stopping with WEYL_ELIMIT once its hash lookups have
 * compared more than max_probes candidate elements (0: no budget). */
static weyl_status order_with_budget(weyl_group *g, long max_order, long max_probes,
                                     long *order) {
  if (!g || !order) return weyl_fail(WEYL_EINVAL, "weyl_group_order: NULL argument");
  if (g->n_alg > 0)
    return weyl_fail(WEYL_EINVAL,
                     "group %s has algebra generators: infinite, no regular representation",
                     g->name);
  long limit = max_order > 0 ? max_order : WEYL_GROUP_DEFAULT_MAX_ORDER;
  if (limit > INT_MAX / 2) limit = INT_MAX / 2; /* indices are stored as int */
  if (g->order > 0) {
    *order = g->order;
    return g->order <= limit ? WEYL_OK
                             : weyl_fail(WEYL_ELIMIT, "group %s has %ld elements (limit %ld)",
                                         g->name, g->order, limit);
  }
  enumeration e;
  weyl_status s = setup(&e, g, limit);
  e.max_probes = max_probes;
  if (s == WEYL_OK) s = closure(&e);
  if (s == WEYL_OK) {
    for (int k = 0; k < g->n_disc; k++) { /* give back the unused capacity */
      int *shrunk = realloc(e.regular[k], (size_t)e.n * sizeof(int));
      if (shrunk) e.regular[k] = shrunk;
    }
    g->regular_perm = e.regular;
    e.regular = NULL;
    g->order = *order = e.n;
  }
  teardown(&e);
  return s;
}

int weyl_group_defining_count(const weyl_group *g) {
  int d = g->defining_leaves;
  return d > 0 && d < g->n_leaves ? d : g->n_leaves;
}

/* The group is enumerated on its defining leaves only (V for a .rep file,
 * rep-format.md 2.2): a view of the first ones, whose cache is then g's. */
weyl_status weyl_group_order(weyl_group *g, long max_order, long *order) {
  if (!g || !order) return weyl_fail(WEYL_EINVAL, "weyl_group_order: NULL argument");
  if (g->order > 0 || weyl_group_defining_count(g) == g->n_leaves)
    return order_with_budget(g, max_order, 0, order);
  weyl_group view = *g;
  view.n_leaves = weyl_group_defining_count(g);
  weyl_status s = order_with_budget(&view, max_order, 0, order);
  if (s == WEYL_OK) {
    g->order = view.order;
    g->regular_perm = view.regular_perm;
  } else if (view.regular_perm) {
    for (int k = 0; k < g->n_disc; k++) free(view.regular_perm[k]);
    free(view.regular_perm);
  }
  return s;
}

weyl_status weyl_group_order_on(const weyl_group *g, const weyl_leaf *leaves, int n_leaves,
                                int n_disc, long max_order, long max_probes, long *order,
                                int ***table) {
  /* The copy borrows the leaves' actions and owns its leaves array and its
   * enumeration cache; g itself is only read. */
  weyl_group tmp = *g;
  tmp.order = 0;
  tmp.regular_perm = NULL;
  tmp.n_disc = n_disc;
  tmp.n_leaves = n_leaves;
  tmp.leaves = malloc(((size_t)n_leaves + 1) * sizeof *tmp.leaves);
  *order = 0;
  if (table) *table = NULL;
  if (!tmp.leaves) return weyl_fail(WEYL_ENOMEM, "out of memory enumerating group %s", g->name);
  memcpy(tmp.leaves, leaves, (size_t)n_leaves * sizeof *leaves);
  weyl_status s = order_with_budget(&tmp, max_order, max_probes, order);
  if (s != WEYL_OK) *order = 0;
  if (s == WEYL_OK && table) {
    *table = tmp.regular_perm;
    tmp.regular_perm = NULL;
  }
  for (int k = 0; tmp.regular_perm && k < n_disc; k++) free(tmp.regular_perm[k]);
  free(tmp.regular_perm);
  free(tmp.leaves);
  return s;
}
