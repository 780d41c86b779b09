/* The matrix Lie groups beyond SO/O/Sp, given by their Lie algebras (the
 * identity component; discrete generators only where a family has them):
 *
 *   GL(n)      E_ij (1 at (i, j)): all n x n matrices; det: A -> tr A
 *   SL(n)      E_ij (i != j) and H_i = E_ii - E_(i+1)(i+1): traceless
 *   Scaling(n) s = I: the dilations; det: s -> n
 *   SO(1,1)    the boost K = [[0,1],[1,0]], metric diag(-1, 1), index 0 time
 *   O(1,1)     SO(1,1) + parity P = diag(1,-1), time reversal T = diag(-1,1)
 *   U(n), SU(n) as real reps of dimension 2n, as emlp gives them
 *
 * U(n) acts on C^n = R^2n with real parts first: the complex matrix X + iY
 * is [[X, -Y], [Y, X]]. Its algebra (anti-Hermitian matrices) has the basis
 * A_jk = E_kj - E_jk, S_jk = i (E_jk + E_kj) (j < k) and D_j = i E_jj; SU(n)
 * replaces the D_j by H_j = i (E_jj - E_(j+1)(j+1)). U(n)'s det is the
 * complex character e^(tr A), here the 2 x 2 real rep tr(Y) [[0,-1],[1,0]].
 *
 * Nothing here assumes a traceless algebra: weyl's dual is -drho^T, so the
 * dual of GL(n)'s V is right (emlp issue #28). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "group/group_build.h"
#include "core/status_impl.h"

enum { MAX_LIE = 32, MAX_SCALING = WEYL_GROUP_MAX_LEAF_DIM };

typedef enum { LIE_GL, LIE_SL, LIE_U, LIE_SU } lie_kind;

/* Generator count of each family for n. */
static int lie_count(lie_kind k, int n) {
  return k == LIE_GL || k == LIE_U ? n * n : n * n - 1;
}

static void lie_names(lie_kind k, int n, weyl_name_list *a) {
  int cplx = k == LIE_U || k == LIE_SU;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      if (!cplx && (i != j || k == LIE_GL)) weyl_names_add_pair(a, 'E', i, j, n);
      if (cplx && i < j) weyl_names_add_pair(a, 'A', i, j, n);
      if (cplx && i < j) weyl_names_add_pair(a, 'S', i, j, n);
    }
  for (int i = 0; i < n; i++) {
    if (k == LIE_SL && i + 1 < n) weyl_names_add(a, "H%d", i);
    if (k == LIE_U) weyl_names_add(a, "D%d", i);
    if (k == LIE_SU && i + 1 < n) weyl_names_add(a, "H%d", i);
  }
}

/* Entry (r, c) of the complex n x n matrix re + i im, in the real form. */
static void put_complex(double *m, int n, int r, int c, double re, double im) {
  int d = 2 * n;
  m[r * d + c] = m[(n + r) * d + n + c] = re;
  m[r * d + n + c] = -im;
  m[(n + r) * d + c] = im;
}

/* Fills V's algebra in the order of lie_names; returns 0 on allocation failure. */
static int lie_fill(lie_kind k, int n, weyl_leaf *v) {
  int cplx = k == LIE_U || k == LIE_SU, d = cplx ? 2 * n : n, g = 0;
  double *m;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      if (!cplx && (i != j || k == LIE_GL)) {
        if (!(m = v->alg[g++].mat = weyl_build_mat_zero(d))) return 0;
        m[i * d + j] = 1.0;
      }
      if (cplx && i < j) {
        if (!(m = v->alg[g++].mat = weyl_build_mat_zero(d))) return 0;
        put_complex(m, n, j, i, 1.0, 0.0), put_complex(m, n, i, j, -1.0, 0.0);
        if (!(m = v->alg[g++].mat = weyl_build_mat_zero(d))) return 0;
        put_complex(m, n, i, j, 0.0, 1.0), put_complex(m, n, j, i, 0.0, 1.0);
      }
    }
  for (int i = 0; i < n; i++) {
    int diag = k == LIE_U || ((k == LIE_SL || k == LIE_SU) && i + 1 < n);
    if (!diag) continue;
    if (!(m = v->alg[g++].mat = weyl_build_mat_zero(d))) return 0;
    if (k == LIE_SL) m[i * d + i] = 1.0, m[(i + 1) * d + i + 1] = -1.0;
    if (k != LIE_SL) put_complex(m, n, i, i, 0.0, 1.0);
    if (k == LIE_SU) put_complex(m, n, i + 1, i + 1, 0.0, -1.0);
  }
  return 1;
}

/* U(n)'s det: algebra generator D_j acts by [[0,-1],[1,0]] (tr Y = 1), the
 * others by 0. */
static int add_u_det(weyl_group *g, int n) {
  weyl_leaf *l = weyl_group_add_leaf(g, "det", 2);
  if (!l) return 0;
  for (int j = 0; j < n; j++) {
    double *m = l->alg[n * (n - 1) + j].mat = weyl_build_mat_zero(2);
    if (!m) return 0;
    m[1] = -1.0, m[2] = 1.0;
  }
  return 1;
}

/* GL(n)'s det: drho(E_ij) = tr E_ij = 1 when i = j. */
static int add_gl_det(weyl_group *g, int n) {
  double *tr = weyl_build_mat_zero(n); /* n x n zeros: n^2 traces */
  if (!tr) return 0;
  for (int i = 0; i < n; i++) tr[i * n + i] = 1.0;
  int ok = weyl_build_character(g, "det", NULL, tr);
  free(tr);
  return ok;
}

static weyl_status build_lie(lie_kind k, int n, weyl_group **out) {
  static const char *const fam[] = {"GL", "SL", "U", "SU"};
  char label[32];
  snprintf(label, sizeof label, "%s(%d)", fam[k], n);
  int trivial = lie_count(k, n) == 0; /* SL(1), SU(1): one identity generator e */
  weyl_name_list d, a;
  if (!weyl_names_pair(&d, 1, &a, lie_count(k, n))) return weyl_build_nomem(label);
  if (trivial) weyl_names_add(&d, "e");
  lie_names(k, n, &a);
  weyl_leaf *v;
  int cplx = k == LIE_U || k == LIE_SU;
  weyl_status s = weyl_build_with_v(label, &d, &a, cplx ? 2 * n : n, out, &v);
  if (s) return s;
  int ok = lie_fill(k, n, v);
  if (ok && k == LIE_GL) ok = add_gl_det(*out, n);
  if (ok && k == LIE_U) ok = add_u_det(*out, n);
  return ok ? WEYL_OK : weyl_build_oom(*out);
}

static weyl_status build_scaling(int n, weyl_group **out) {
  char label[32];
  snprintf(label, sizeof label, "Scaling(%d)", n);
  weyl_name_list d, a;
  if (!weyl_names_pair(&d, 0, &a, 1)) return weyl_build_nomem(label);
  weyl_names_add(&a, "s");
  weyl_leaf *v;
  weyl_status s = weyl_build_with_v(label, &d, &a, n, out, &v);
  if (s) return s;
  double det = n;
  if (!(v->alg[0].mat = weyl_build_mat_diag_sign(n, 0, 0)) ||
      !weyl_build_character(*out, "det", NULL, &det))
    return weyl_build_oom(*out);
  return WEYL_OK;
}

/* SO(1,1), and O(1,1) with parity P and time reversal T and their
 * characters det (both -1), parity (P -1) and time (T -1). */
static weyl_status build_lorentz2(int full, weyl_group **out) {
  const char *label = full ? "O(1,1)" : "SO(1,1)";
  weyl_name_list d, a;
  if (!weyl_names_pair(&d, 2, &a, 1)) return weyl_build_nomem(label);
  if (full) weyl_names_add(&d, "P"), weyl_names_add(&d, "T");
  weyl_names_add(&a, "K");
  weyl_leaf *v;
  weyl_status s = weyl_build_with_v(label, &d, &a, 2, out, &v);
  if (s) return s;
  if (!(v->alg[0].mat = weyl_build_mat_zero(2))) return weyl_build_oom(*out);
  v->alg[0].mat[1] = v->alg[0].mat[2] = 1.0;
  if (!full) return WEYL_OK;
  static const double det[] = {-1, -1}, parity[] = {-1, 1}, time[] = {1, -1};
  int ok = (v->disc[0].mat = weyl_build_mat_diag_sign(2, 1, 2)) &&
           (v->disc[1].mat = weyl_build_mat_diag_sign(2, 0, 1)) &&
           weyl_build_character(*out, "det", det, NULL) &&
           weyl_build_character(*out, "parity", parity, NULL) &&
           weyl_build_character(*out, "time", time, NULL);
  return ok ? WEYL_OK : weyl_build_oom(*out);
}

weyl_status weyl_build_lie(const char *name, const char *fam, int nargs, const long *arg,
                           weyl_group **out, int *claimed) {
  static const char *const fams[] = {"GL", "SL", "U", "SU"};
  *claimed = 1;
  if ((!strcmp(fam, "SO") || !strcmp(fam, "O")) && nargs == 2 && arg[0] == 1 && arg[1] == 1)
    return build_lorentz2(fam[0] == 'O', out);
  int scaling = !strcmp(fam, "Scaling");
  for (int k = 0; k < 4 || scaling; k++) {
    if (!scaling && strcmp(fam, fams[k])) continue;
    int limit = scaling ? MAX_SCALING : MAX_LIE;
    if (nargs != 1 || arg[0] < 1)
      return weyl_fail(WEYL_EPARSE, "group '%s': %s(n) takes one size n >= 1", name, fam);
    if (arg[0] > limit)
      return weyl_fail(WEYL_ELIMIT, "group '%s': %s(%ld) is larger than the limit %s(%d)", name,
                       fam, arg[0], fam, limit);
    return scaling ? build_scaling((int)arg[0], out) : build_lie((lie_kind)k, (int)arg[0], out);
  }
  *claimed = 0;
  return WEYL_OK;
}
