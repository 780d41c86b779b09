/* The isotypic decomposition as a public object (weyl/decomp.h): the split
 * of the isotypic solver (basis_iso.c), its types put in order of dimension
 * and each classified by dim End (the Hom of its reference rep with itself,
 * the same small null-space solve the isotypic solver runs per type pair). */
#include <stdlib.h>
#include <string.h>

#include "basis/basis_impl.h"
#include "core/status_impl.h"
#include "weyl/decomp.h"

struct weyl_decomp {
  weyl_iso iso;
  int *order; /* public type t is iso type order[t] */
  int *pub;   /* iso type u is public type pub[u] */
  int *end;   /* dim End per public type */
};

static weyl_status oom(void) { return weyl_fail(WEYL_ENOMEM, "out of memory in the decomposition"); }

void weyl_decomp_free(weyl_decomp *d) {
  if (!d) return;
  weyl_iso_clear(&d->iso);
  free(d->order), free(d->pub), free(d->end);
  free(d);
}

/* dim Hom(rho_ti of a, rho_to of b) on the reference matrices. */
static weyl_status type_hom_dim(const weyl_iso *a, int ti, const weyl_iso *b, int to, int *dim) {
  weyl_block sol;
  memset(&sol, 0, sizeof sol);
  weyl_status s = weyl_iso_type_hom(a, ti, b, to, WEYL_BASIS_DEFAULT_RTOL, &sol);
  *dim = s == WEYL_OK ? sol.dim : 0;
  weyl_block_clear(&sol);
  return s;
}

/* Types by dimension, then in the order found (insertion sort: few types). */
static weyl_status sort_and_classify(weyl_decomp *d) {
  int nt = d->iso.ntypes;
  size_t cnt = nt > 0 ? (size_t)nt : 1;
  d->order = malloc(cnt * sizeof *d->order);
  d->pub = malloc(cnt * sizeof *d->pub);
  d->end = malloc(cnt * sizeof *d->end);
  if (!d->order || !d->pub || !d->end) return oom();
  for (int t = 0; t < nt; t++) {
    int u = t;
    for (; u > 0 && d->iso.tdim[d->order[u - 1]] > d->iso.tdim[t]; u--) d->order[u] = d->order[u - 1];
    d->order[u] = t;
  }
  weyl_status s = WEYL_OK;
  for (int t = 0; s == WEYL_OK && t < nt; t++) {
    d->pub[d->order[t]] = t;
    s = type_hom_dim(&d->iso, d->order[t], &d->iso, d->order[t], &d->end[t]);
  }
  return s;
}

weyl_status weyl_decomp_new(const weyl_rep *r, weyl_decomp **out) {
  if (!r || !out) return weyl_fail(WEYL_EINVAL, "weyl_decomp_new: NULL argument");
  *out = NULL;
  const weyl_group *g = weyl_rep_group(r);
  static const char *scope = "decomposition needs a compact Lie algebra (algebra generators "
                             "only, antisymmetric)";
  if (weyl_group_ndisc(g) > 0 || weyl_group_nalg(g) == 0)
    return weyl_fail(WEYL_EINVAL, "%s; group %s has %d discrete generators", scope,
                     weyl_group_name(g), weyl_group_ndisc(g));
  weyl_decomp *d = calloc(1, sizeof *d);
  if (!d) return oom();
  int ok = 0;
  weyl_status s = weyl_iso_decompose(r, &d->iso, &ok);
  if (s == WEYL_OK && !ok)
    s = weyl_fail(WEYL_EINVAL, "%s, in dimension at most 4096: the generators of this rep are "
                  "not all antisymmetric, or its split failed the invariance checks", scope);
  if (s == WEYL_OK) s = sort_and_classify(d);
  if (s != WEYL_OK) {
    weyl_decomp_free(d);
    return s;
  }
  *out = d;
  return WEYL_OK;
}

int weyl_decomp_dim(const weyl_decomp *d) { return d->iso.n; }
int weyl_decomp_ntypes(const weyl_decomp *d) { return d->iso.ntypes; }

static int bad_type(const weyl_decomp *d, int t) { return t < 0 || t >= d->iso.ntypes; }

int weyl_decomp_type_dim(const weyl_decomp *d, int t) {
  return bad_type(d, t) ? -1 : d->iso.tdim[d->order[t]];
}

int weyl_decomp_type_mult(const weyl_decomp *d, int t) {
  return bad_type(d, t) ? -1 : d->iso.tmult[d->order[t]];
}

int weyl_decomp_type_end(const weyl_decomp *d, int t) { return bad_type(d, t) ? -1 : d->end[t]; }

const char *weyl_decomp_kind_name(int end) {
  switch (end) {
  case WEYL_DECOMP_REAL: return "real";
  case WEYL_DECOMP_COMPLEX: return "complex";
  case WEYL_DECOMP_QUATERNIONIC: return "quaternionic";
  default: return "reducible";
  }
}

int weyl_decomp_ncopies(const weyl_decomp *d) { return d->iso.ncopies; }

weyl_status weyl_decomp_copy(const weyl_decomp *d, int c, int *type, int *col0) {
  if (c < 0 || c >= d->iso.ncopies)
    return weyl_fail(WEYL_EINVAL, "copy %d out of range (%d copies)", c, d->iso.ncopies);
  if (type) *type = d->pub[d->iso.type[c]];
  if (col0) *col0 = d->iso.off[c];
  return WEYL_OK;
}

void weyl_decomp_change_of_basis(const weyl_decomp *d, double *q) {
  int n = d->iso.n;
  for (int i = 0; i < n; i++) /* iso.Q is column-major */
    for (int j = 0; j < n; j++) q[(size_t)i * n + j] = d->iso.Q[(size_t)j * n + i];
}

weyl_status weyl_decomp_type_rho(const weyl_decomp *d, int t, int a, double *m) {
  if (bad_type(d, t) || a < 0 || a >= d->iso.ngen)
    return weyl_fail(WEYL_EINVAL, "type %d / generator %d out of range (%d types, %d generators)",
                     t, a, d->iso.ntypes, d->iso.ngen);
  size_t r = (size_t)d->iso.tdim[d->order[t]];
  memcpy(m, d->iso.trho[d->order[t]] + (size_t)a * r * r, r * r * sizeof *m);
  return WEYL_OK;
}

weyl_status weyl_decomp_hom_dim(const weyl_decomp *in, const weyl_decomp *out, long *dim) {
  *dim = 0;
  if (in->iso.ngen != out->iso.ngen)
    return weyl_fail(WEYL_EINVAL, "the reps have %d and %d algebra generators: not one group",
                     in->iso.ngen, out->iso.ngen);
  for (int ti = 0; ti < in->iso.ntypes; ti++)
    for (int to = 0; to < out->iso.ntypes; to++) {
      if (in->iso.tdim[ti] != out->iso.tdim[to]) continue;
      int h = 0;
      weyl_status s = type_hom_dim(&in->iso, ti, &out->iso, to, &h);
      if (s != WEYL_OK) return s;
      *dim += (long)in->iso.tmult[ti] * out->iso.tmult[to] * h;
    }
  return WEYL_OK;
}
