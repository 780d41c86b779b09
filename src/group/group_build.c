/* Helpers shared by the built-in group builders (group_build.h). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "group/group_build.h"
#include "core/status_impl.h"

/* ---- small allocation helpers ------------------------------------------ */

int *weyl_build_perm_identity(int d) {
  int *p = malloc((size_t)d * sizeof *p);
  if (p)
    for (int i = 0; i < d; i++) p[i] = i;
  return p;
}

double *weyl_build_mat_zero(int d) { return calloc((size_t)d * (size_t)d, sizeof(double)); }

double *weyl_build_mat_diag_sign(int d, int neg_from, int neg_to) {
  double *m = weyl_build_mat_zero(d);
  if (m)
    for (int i = 0; i < d; i++) m[i * d + i] = (i >= neg_from && i < neg_to) ? -1.0 : 1.0;
  return m;
}


/* ---- generator name lists ---------------------------------------------- */

static int names_init(weyl_name_list *l, int cap) {
  l->n = 0;
  l->cap = cap;
  l->s = calloc(cap > 0 ? (size_t)cap : 1, sizeof *l->s);
  l->p = calloc(cap > 0 ? (size_t)cap : 1, sizeof *l->p);
  return l->s && l->p;
}

void weyl_names_free(weyl_name_list *l) {
  free(l->s);
  free(l->p);
}

int weyl_names_pair(weyl_name_list *d, int nd, weyl_name_list *a, int na) {
  int ok_d = names_init(d, nd), ok_a = names_init(a, na);
  if (ok_d && ok_a) return 1;
  weyl_names_free(d);
  weyl_names_free(a);
  return 0;
}

weyl_status weyl_build_nomem(const char *label) {
  return weyl_fail(WEYL_ENOMEM, "out of memory building group %s", label);
}

void weyl_names_add(weyl_name_list *l, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(l->s[l->n], WEYL_NAME_W, fmt, ap);
  va_end(ap);
  l->p[l->n] = l->s[l->n];
  l->n++;
}

void weyl_names_add_pair(weyl_name_list *l, char prefix, int i, int j, int n) {
  if (n <= 10)
    weyl_names_add(l, "%c%d%d", prefix, i, j);
  else
    weyl_names_add(l, "%c%d_%d", prefix, i, j);
}

weyl_status weyl_build_with_v(const char *label, weyl_name_list *disc, weyl_name_list *alg, int dim,
                                weyl_group **out, weyl_leaf **v) {
  weyl_group *g = weyl_group_new(label, disc->n, disc->p, alg->n, alg->p);
  weyl_names_free(disc);
  weyl_names_free(alg);
  if (!g) return weyl_fail(WEYL_ENOMEM, "out of memory building group %s", label);
  *v = weyl_group_add_leaf(g, "V", dim);
  if (!*v) {
    weyl_group_free(g);
    return weyl_fail(WEYL_ENOMEM, "out of memory building group %s", label);
  }
  *out = g;
  return WEYL_OK;
}

weyl_status weyl_build_oom(weyl_group *g) {
  weyl_status s = weyl_fail(WEYL_ENOMEM, "out of memory building group %s", g->name);
  weyl_group_free(g);
  return s;
}


weyl_status weyl_build_perm_group(const char *label, int ngen, const char *const *names, int n,
                              weyl_group **out, int **perms) {
  weyl_name_list d, a;
  if (!weyl_names_pair(&d, ngen, &a, 0)) return weyl_build_nomem(label);
  for (int k = 0; k < ngen; k++) weyl_names_add(&d, "%s", names[k]);
  weyl_leaf *v;
  weyl_status s = weyl_build_with_v(label, &d, &a, n, out, &v);
  if (s) return s;
  for (int k = 0; k < ngen; k++)
    if (!(perms[k] = v->disc[k].perm = weyl_build_perm_identity(n))) return weyl_build_oom(*out);
  return WEYL_OK;
}

int weyl_build_character(weyl_group *g, const char *name, const double *disc, const double *alg) {
  weyl_leaf *l = weyl_group_add_leaf(g, name, 1);
  if (!l) return 0;
  for (int k = 0; disc && k < g->n_disc; k++) {
    if (disc[k] == 1.0) continue;
    if (!(l->disc[k].mat = malloc(sizeof(double)))) return 0;
    l->disc[k].mat[0] = disc[k];
  }
  for (int k = 0; alg && k < g->n_alg; k++) {
    if (alg[k] == 0.0) continue;
    if (!(l->alg[k].mat = malloc(sizeof(double)))) return 0;
    l->alg[k].mat[0] = alg[k];
  }
  return 1;
}

int weyl_build_matrix_leaf(weyl_group *g, const char *name, int dim, const double *const *mats) {
  weyl_leaf *l = weyl_group_add_leaf(g, name, dim);
  if (!l) return 0;
  size_t bytes = (size_t)dim * (size_t)dim * sizeof(double);
  for (int k = 0; k < g->n_disc; k++) {
    if (!mats[k]) continue;
    if (!(l->disc[k].mat = malloc(bytes))) return 0;
    memcpy(l->disc[k].mat, mats[k], bytes);
  }
  return 1;
}

/* Index of the point nearest to q among pts, or -1 when none is within 1e-9
 * (the builders' points have coordinates of size about 1). */
static int find_point(int n, const double (*pts)[3], const double q[3]) {
  for (int i = 0; i < n; i++) {
    double d = fabs(pts[i][0] - q[0]) + fabs(pts[i][1] - q[1]) + fabs(pts[i][2] - q[2]);
    if (d < 1e-9) return i;
  }
  return -1;
}

int weyl_build_point_leaf(weyl_group *g, const char *name, int n, const double (*pts)[3],
                          const double *const *mats) {
  weyl_leaf *l = weyl_group_add_leaf(g, name, n);
  if (!l) return 0;
  for (int k = 0; k < g->n_disc; k++) {
    const double *m = mats[k];
    if (!m) continue;
    int *p = l->disc[k].perm = malloc((size_t)n * sizeof *p);
    if (!p) return 0;
    for (int i = 0; i < n; i++) {
      double q[3];
      for (int r = 0; r < 3; r++)
        q[r] = m[3 * r] * pts[i][0] + m[3 * r + 1] * pts[i][1] + m[3 * r + 2] * pts[i][2];
      if ((p[i] = find_point(n, pts, q)) < 0) return 0;
    }
  }
  return 1;
}
