/* The built-in group catalogue: Z(n), D(n), S(n), SO(n), O(n), SO(1,3),
 * O(1,3), Sp(2n) and their direct products, plus the 2x2 rotation reps rot(k)
 * of the planar groups.
 *
 * Conventions shared by every builder here:
 *   - a permutation sends e_i to e_{perm[i]} (group_impl.h);
 *   - the rotation generator of the plane is L = [[0,-1],[1,0]] (counter-
 *     clockwise), so SO(2)'s V *is* rot(1), and the planar reflection is
 *     diag(1,-1), so O(2)'s and D(n)'s V agree with rot(1) as well. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "group/group_build.h"
#include "group/group_impl.h"
#include "core/status_impl.h"

#define TWO_PI 6.283185307179586476925286766559

enum {
  MAX_ZDS = 4096, /* Z(n), D(n), S(n) */
  MAX_SO = 64,    /* SO(n), O(n) */
  MAX_SP = 64,    /* Sp(2n): the matrix size 2n */
  MAX_FACTORS = WEYL_GROUP_MAX_FACTORS,
};

static const char KNOWN[] =
    "known: Z(n) D(n) S(n) SO(n) O(n) SO(1,3) O(1,3) SO(1,1) O(1,1) Sp(2n) GL(n) SL(n) "
    "Scaling(n) U(n) SU(n) Octahedral FullOctahedral Icosahedral FullIcosahedral Cube "
    "RubiksCube, grids T(n) T(h,w) p4(n) p4m(n) Z(k) x| (Z(n) x Z(n)), kernels C4(k) D4(k), "
    "and products G1 x G2";

/* cos/sin of 2*pi*m/n with m reduced mod n, and the round-off of the exact
 * zeros (quarter turns) removed so that rot(k) of Z(4) is exactly [[0,-1],[1,0]]. */
static void turn(long m, long n, double *c, double *s) {
  m %= n;
  if (m < 0) m += n;
  double a = TWO_PI * (double)m / (double)n;
  *c = cos(a);
  *s = sin(a);
  if (fabs(*c) < 1e-15) *c = 0.0;
  if (fabs(*s) < 1e-15) *s = 0.0;
}

/* Z(n): r shifts the n points of the cycle, i -> i+1 mod n. */
static weyl_status build_cyclic(int n, weyl_group **out) {
  char label[32];
  snprintf(label, sizeof label, "Z(%d)", n);
  static const char *const names[] = {"r"};
  int *r;
  weyl_status s = weyl_build_perm_group(label, 1, names, n, out, &r);
  if (s) return s;
  for (int i = 0; i < n; i++) r[i] = (i + 1) % n;
  static const double minus[] = {-1};
  if (n % 2 == 0 && !weyl_build_character(*out, "sign", minus, NULL)) return weyl_build_oom(*out);
  (*out)->rot_family = WEYL_ROT_CYCLIC;
  (*out)->rot_n = n;
  (*out)->grid_h = 1, (*out)->grid_w = n; /* T(n) is the same group: --local applies */
  return WEYL_OK;
}

/* The plane rep of D(n) (r = rotation by 2*pi/n, f = diag(1,-1)). Added as a
 * leaf only for n <= 2, where the n-gon's vertices do not see the whole group
 * (D(2) has 4 elements but permutes only 2 points), so that enumeration over
 * all leaves stays faithful. */
static int add_dihedral_plane(weyl_group *g, int n) {
  weyl_leaf *p = weyl_group_add_leaf(g, "plane", 2);
  if (!p) return 0;
  double *r = p->disc[0].mat = weyl_build_mat_zero(2);
  p->disc[1].mat = weyl_build_mat_diag_sign(2, 1, 2);
  if (!r || !p->disc[1].mat) return 0;
  double c, s;
  turn(1, n, &c, &s);
  r[0] = c, r[1] = -s, r[2] = s, r[3] = c;
  return 1;
}

/* D(n): the n vertices of the regular n-gon; vertex i sits at angle 2*pi*i/n,
 * r rotates i -> i+1 and f reflects in the x axis, i -> -i mod n. */
static weyl_status build_dihedral(int n, weyl_group **out) {
  char label[32];
  snprintf(label, sizeof label, "D(%d)", n);
  static const char *const names[] = {"r", "f"};
  int *rf[2];
  weyl_status s = weyl_build_perm_group(label, 2, names, n, out, rf);
  if (s) return s;
  int *r = rf[0], *f = rf[1];
  for (int i = 0; i < n; i++) {
    r[i] = (i + 1) % n;
    f[i] = (n - i) % n;
  }
  if (n <= 2 && !add_dihedral_plane(*out, n)) return weyl_build_oom(*out);
  static const double det[] = {1, -1};
  if (!weyl_build_character(*out, "det", det, NULL)) return weyl_build_oom(*out);
  (*out)->rot_family = WEYL_ROT_DIHEDRAL;
  (*out)->rot_n = n;
  return WEYL_OK;
}

/* S(n): the transposition t = (0 1) and the n-cycle c = i -> i+1 generate it.
 * Both are kept for every n (for n = 1 both are the identity, for n = 2 both
 * are the swap) so generator names do not depend on n. */
static weyl_status build_symmetric(int n, weyl_group **out) {
  char label[32];
  snprintf(label, sizeof label, "S(%d)", n);
  static const char *const names[] = {"t", "c"};
  int *tc[2];
  weyl_status s = weyl_build_perm_group(label, 2, names, n, out, tc);
  if (s) return s;
  int *t = tc[0], *c = tc[1];
  if (n >= 2) t[0] = 1, t[1] = 0;
  for (int i = 0; i < n; i++) c[i] = (i + 1) % n;
  /* sign: t is odd for n >= 2, the n-cycle has sign (-1)^(n-1). */
  double sign[] = {n >= 2 ? -1 : 1, n % 2 ? 1 : -1};
  if (!weyl_build_character(*out, "sign", sign, NULL)) return weyl_build_oom(*out);
  return WEYL_OK;
}

/* Fills alg[0..] with L_ij = E_ji - E_ij (i < j), the rotation from axis i
 * towards axis j, in the order of the names. Returns 0 on allocation failure. */
static int fill_so_algebra(weyl_leaf *v, int n) {
  int k = 0;
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++, k++) {
      double *m = v->alg[k].mat = weyl_build_mat_zero(n);
      if (!m) return 0;
      m[j * n + i] = 1.0;
      m[i * n + j] = -1.0;
    }
  return 1;
}

/* SO(n), and O(n) when parity is set: algebra L_ij, plus the reflection
 * P = diag(1,..,1,-1) for O(n). SO(1) has no generators at all, so it gets a
 * single identity generator e (the trivial group must not be empty). */
static weyl_status build_orthogonal(int n, int parity, weyl_group **out) {
  char label[32];
  snprintf(label, sizeof label, "%s(%d)", parity ? "O" : "SO", n);
  int n_alg = n * (n - 1) / 2;
  weyl_name_list d, a;
  if (!weyl_names_pair(&d, 1, &a, n_alg)) return weyl_build_nomem(label);
  if (parity)
    weyl_names_add(&d, "P");
  else if (n_alg == 0)
    weyl_names_add(&d, "e");
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++) weyl_names_add_pair(&a, 'L', i, j, n);
  weyl_leaf *v;
  weyl_status s = weyl_build_with_v(label, &d, &a, n, out, &v);
  if (s) return s;
  if (!fill_so_algebra(v, n)) return weyl_build_oom(*out);
  static const double minus[] = {-1};
  if (parity && (!(v->disc[0].mat = weyl_build_mat_diag_sign(n, n - 1, n)) ||
                 !weyl_build_character(*out, "det", minus, NULL)))
    return weyl_build_oom(*out);
  if (n == 2) (*out)->rot_family = parity ? WEYL_ROT_O2 : WEYL_ROT_SO2;
  return WEYL_OK;
}

/* SO(1,3), and O(1,3) when discrete is set. Metric eta = diag(-1,1,1,1), index
 * 0 is time. Rotations Lxy, Lxz, Lyz act on the spatial indices like SO(3)'s
 * L_ij; boosts Kx, Ky, Kz are symmetric with 1 at (0,i) and (i,0). Both kinds
 * satisfy A^T eta + eta A = 0. O(1,3) adds parity P = diag(1,-1,-1,-1) and time
 * reversal T = diag(-1,1,1,1). */
static weyl_status build_lorentz(int discrete, weyl_group **out) {
  const char *label = discrete ? "O(1,3)" : "SO(1,3)";
  static const char axis[] = "txyz";
  weyl_name_list d, a;
  if (!weyl_names_pair(&d, 2, &a, 6)) return weyl_build_nomem(label);
  if (discrete) {
    weyl_names_add(&d, "P");
    weyl_names_add(&d, "T");
  }
  for (int i = 1; i < 4; i++)
    for (int j = i + 1; j < 4; j++) weyl_names_add(&a, "L%c%c", axis[i], axis[j]);
  for (int i = 1; i < 4; i++) weyl_names_add(&a, "K%c", axis[i]);
  weyl_leaf *v;
  weyl_status s = weyl_build_with_v(label, &d, &a, 4, out, &v);
  if (s) return s;
  int k = 0;
  for (int i = 1; i < 4; i++)
    for (int j = i + 1; j < 4; j++, k++) {
      double *m = v->alg[k].mat = weyl_build_mat_zero(4);
      if (!m) return weyl_build_oom(*out);
      m[j * 4 + i] = 1.0;
      m[i * 4 + j] = -1.0;
    }
  for (int i = 1; i < 4; i++, k++) {
    double *m = v->alg[k].mat = weyl_build_mat_zero(4);
    if (!m) return weyl_build_oom(*out);
    m[i] = m[i * 4] = 1.0;
  }
  static const double det[] = {-1, -1}, parity[] = {-1, 1}, time[] = {1, -1};
  if (discrete && (!(v->disc[0].mat = weyl_build_mat_diag_sign(4, 1, 4)) ||
                   !(v->disc[1].mat = weyl_build_mat_diag_sign(4, 0, 1)) ||
                   !weyl_build_character(*out, "det", det, NULL) ||
                   !weyl_build_character(*out, "parity", parity, NULL) ||
                   !weyl_build_character(*out, "time", time, NULL)))
    return weyl_build_oom(*out);
  return WEYL_OK;
}

/* Names of sp(2n) in the order fill_sp_algebra fills them. */
static void sp_names(weyl_name_list *a, int n) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) weyl_names_add_pair(a, 'A', i, j, n);
  for (int i = 0; i < n; i++)
    for (int j = i; j < n; j++) weyl_names_add_pair(a, 'B', i, j, n);
  for (int i = 0; i < n; i++)
    for (int j = i; j < n; j++) weyl_names_add_pair(a, 'C', i, j, n);
}

/* sp(2n) = {A : A^T J + J A = 0}, J = [[0, I], [-I, 0]], i.e. the matrices
 * [[a, b], [c, -a^T]] with b, c symmetric: A_ij = [[E_ij, 0], [0, -E_ji]],
 * B_ij = [[0, S_ij], [0, 0]], C_ij = [[0, 0], [S_ij, 0]] where S_ij has 1 at
 * (i,j) and (j,i) (so S_ii = E_ii: the scale is irrelevant to the constraint). */
static int fill_sp_algebra(weyl_leaf *v, int n) {
  int m = 2 * n, k = 0;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++, k++) {
      double *x = v->alg[k].mat = weyl_build_mat_zero(m);
      if (!x) return 0;
      x[i * m + j] = 1.0;
      x[(n + j) * m + (n + i)] = -1.0;
    }
  for (int blk = 0; blk < 2; blk++) /* B: upper right block, C: lower left */
    for (int i = 0; i < n; i++)
      for (int j = i; j < n; j++, k++) {
        double *x = v->alg[k].mat = weyl_build_mat_zero(m);
        if (!x) return 0;
        int r0 = blk ? n : 0, c0 = blk ? 0 : n;
        x[(r0 + i) * m + (c0 + j)] = 1.0;
        x[(r0 + j) * m + (c0 + i)] = 1.0;
      }
  return 1;
}

/* Sp(m), m = 2n the matrix size. */
static weyl_status build_symplectic(int m, weyl_group **out) {
  char label[32];
  snprintf(label, sizeof label, "Sp(%d)", m);
  int n = m / 2;
  weyl_name_list d, a;
  if (!weyl_names_pair(&d, 0, &a, n * (2 * n + 1))) return weyl_build_nomem(label);
  sp_names(&a, n);
  weyl_leaf *v;
  weyl_status s = weyl_build_with_v(label, &d, &a, m, out, &v);
  if (s) return s;
  if (!fill_sp_algebra(v, n)) return weyl_build_oom(*out);
  return WEYL_OK;
}

/* ---- parsing ----------------------------------------------------------- */

/* One factor of a name: family word and its zero to two integer arguments
 * (clamped at a billion, which is past every limit), and where it is written
 * in the name (a grid factor is handed to group_grid.c as written). */
typedef struct {
  char fam[24];
  int nargs;
  long arg[2];
  const char *text;
  int len;
} factor_spec;

static weyl_status unknown(const char *name) {
  return weyl_fail(WEYL_EPARSE, "unknown group '%s'; %s", name, KNOWN);
}

static const char *skip_blanks(const char *p) {
  while (*p == ' ' || *p == '\t') p++;
  return p;
}

/* Reads digits at *p; returns 0 when there are none. */
static int read_int(const char **p, long *v) {
  const char *q = *p;
  long x = 0;
  if (*q < '0' || *q > '9') return 0;
  for (; *q >= '0' && *q <= '9'; q++) x = x > 1000000000L ? x : x * 10 + (*q - '0');
  *v = x;
  *p = q;
  return 1;
}

static int is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

/* Parses "( [n [, m]] )" at *pp, blanks allowed between tokens. */
static int parse_args(const char **pp, factor_spec *f) {
  const char *p = skip_blanks(*pp + 1);
  f->nargs = 0;
  while (*p != ')') {
    if (f->nargs == 2 || !read_int(&p, &f->arg[f->nargs++])) return 0;
    p = skip_blanks(p);
    if (*p == ',') p = skip_blanks(p + 1);
    else if (*p != ')') return 0;
  }
  *pp = p + 1;
  return 1;
}

/* Parses "Fam ( n [, m] )", "Fam()" or a bare "Fam" at *pp (Fam: a letter,
 * then letters and digits, as in p4m). */
static int parse_factor(const char **pp, factor_spec *f) {
  const char *p = skip_blanks(*pp);
  int len = 0;
  f->text = p;
  if (!is_alpha(p[0])) return 0;
  while (is_alpha(p[len]) || (p[len] >= '0' && p[len] <= '9')) len++;
  if (len >= (int)sizeof f->fam) return 0;
  memcpy(f->fam, p, (size_t)len);
  f->fam[len] = '\0';
  p = skip_blanks(p + len);
  f->nargs = 0;
  if (*p == '(' && !parse_args(&p, f)) return 0;
  f->len = (int)(p - f->text);
  *pp = p;
  return 1;
}

/* Splits name into factors separated by the token 'x'. A factor ends with
 * ')' or a blank after its bare name, and no family starts with 'x', so the
 * separator is unambiguous. */
static weyl_status parse_name(const char *name, factor_spec *f, int *nf) {
  const char *p = name;
  *nf = 0;
  for (;;) {
    if (*nf == MAX_FACTORS)
      return weyl_fail(WEYL_ELIMIT, "group '%s' has more than %d factors", name, MAX_FACTORS);
    if (!parse_factor(&p, &f[*nf])) return unknown(name);
    ++*nf;
    p = skip_blanks(p);
    if (*p == '\0') return WEYL_OK;
    if (*p++ != 'x') return unknown(name);
  }
}

static weyl_status too_big(const char *name, const char *fam, long n, int limit) {
  return weyl_fail(WEYL_ELIMIT, "group '%s': %s(%ld) is larger than the limit %s(%d)", name,
                   fam, n, fam, limit);
}

/* Checks the arguments of one factor against the catalogue and its limits,
 * then builds it. */
static weyl_status build_factor(const char *name, const factor_spec *f, weyl_group **out) {
  const char *fam = f->fam;
  long n = f->arg[0];
  char text[64];
  snprintf(text, sizeof text, "%.*s", f->len, f->text);
  if (weyl_group_grid_claims(text)) return weyl_group_grid_build(text, out); /* group_grid.c */
  int claimed = 0;
  weyl_status st = weyl_build_lie(name, fam, f->nargs, f->arg, out, &claimed);
  if (!claimed) st = weyl_build_finite(name, fam, f->nargs, f->arg, out, &claimed);
  if (claimed) return st;
  int is_o = strcmp(fam, "O") == 0, is_so = strcmp(fam, "SO") == 0;
  if (f->nargs == 2 && (is_o || is_so) && n == 1 && f->arg[1] == 3)
    return build_lorentz(is_o, out);
  if (f->nargs != 1 || n < 1) return unknown(name);
  int z = strcmp(fam, "Z") == 0, d = strcmp(fam, "D") == 0, s = strcmp(fam, "S") == 0;
  if ((z || d || s) && n > MAX_ZDS) return too_big(name, fam, n, MAX_ZDS);
  if (z) return build_cyclic((int)n, out);
  if (d) return build_dihedral((int)n, out);
  if (s) return build_symmetric((int)n, out);
  if ((is_o || is_so) && n > MAX_SO) return too_big(name, fam, n, MAX_SO);
  if (is_o || is_so) return build_orthogonal((int)n, is_o, out);
  if (strcmp(fam, "Sp") != 0) return unknown(name);
  if (n % 2 != 0)
    return weyl_fail(WEYL_EPARSE, "group '%s': Sp(m) needs an even matrix size m", name);
  if (n > MAX_SP) return too_big(name, fam, n, MAX_SP);
  return build_symplectic((int)n, out);
}

/* ---- direct products --------------------------------------------------- */

/* A deep copy of an action of dimension d (NULL stays NULL). */
static int copy_action(weyl_action *dst, const weyl_action *src, int d) {
  if (src->perm) {
    dst->perm = malloc((size_t)d * sizeof *dst->perm);
    if (!dst->perm) return 0;
    memcpy(dst->perm, src->perm, (size_t)d * sizeof *dst->perm);
  }
  if (src->mat) {
    dst->mat = malloc((size_t)d * (size_t)d * sizeof *dst->mat);
    if (!dst->mat) return 0;
    memcpy(dst->mat, src->mat, (size_t)d * (size_t)d * sizeof *dst->mat);
  }
  return 1;
}

/* Places the action src (dimension d) as the block at offset off of an action
 * of dimension total, the other blocks being identity (discrete) or zero
 * (algebra). An identity/zero src stays NULL; a permutation stays one. */
static int embed_action(weyl_action *dst, const weyl_action *src, int d, int off, int total,
                        int discrete) {
  if (src->perm) {
    if (!(dst->perm = weyl_build_perm_identity(total))) return 0;
    for (int i = 0; i < d; i++) dst->perm[off + i] = off + src->perm[i];
  }
  if (src->mat) {
    if (!(dst->mat = weyl_build_mat_zero(total))) return 0;
    for (int i = 0; discrete && i < total; i++) dst->mat[i * total + i] = 1.0;
    for (int i = 0; i < d; i++)
      memcpy(dst->mat + (size_t)(off + i) * total + off, src->mat + (size_t)i * d,
             (size_t)d * sizeof(double));
  }
  return 1;
}

/* Generator names of the product: "i.name" with i the 1-based factor index. */
static int product_names(weyl_group **f, int nf, weyl_name_list *d, weyl_name_list *a) {
  int nd = 0, na = 0;
  for (int i = 0; i < nf; i++) nd += f[i]->n_disc, na += f[i]->n_alg;
  if (!weyl_names_pair(d, nd, a, na)) return 0;
  for (int i = 0; i < nf; i++) {
    for (int k = 0; k < f[i]->n_disc; k++) weyl_names_add(d, "%d.%s", i + 1, f[i]->disc_names[k]);
    for (int k = 0; k < f[i]->n_alg; k++) weyl_names_add(a, "%d.%s", i + 1, f[i]->alg_names[k]);
  }
  return 1;
}

/* Fills the product's V: the block-diagonal direct sum of the factors' V. */
static int fill_product_v(weyl_leaf *v, weyl_group **f, int nf) {
  int dk = 0, ak = 0, off = 0;
  for (int i = 0; i < nf; i++) {
    const weyl_leaf *src = &f[i]->leaves[0];
    for (int k = 0; k < f[i]->n_disc; k++, dk++)
      if (!embed_action(&v->disc[dk], &src->disc[k], src->dim, off, v->dim, 1)) return 0;
    for (int k = 0; k < f[i]->n_alg; k++, ak++)
      if (!embed_action(&v->alg[ak], &src->alg[k], src->dim, off, v->dim, 0)) return 0;
    off += src->dim;
  }
  return 1;
}

/* Adds every leaf of factor i ("V" becomes "V<i>", "plane" becomes
 * "plane<i>"), on which the other factors' generators act trivially. */
static int add_factor_leaves(weyl_group *g, const weyl_group *fi, int i, int dk, int ak) {
  for (int l = 0; l < fi->n_leaves; l++) {
    const weyl_leaf *src = &fi->leaves[l];
    char nm[WEYL_NAME_W];
    snprintf(nm, sizeof nm, "%s%d", src->name, i + 1);
    weyl_leaf *dst = weyl_group_add_leaf(g, nm, src->dim);
    if (!dst) return 0;
    for (int k = 0; k < fi->n_disc; k++)
      if (!copy_action(&dst->disc[dk + k], &src->disc[k], src->dim)) return 0;
    for (int k = 0; k < fi->n_alg; k++)
      if (!copy_action(&dst->alg[ak + k], &src->alg[k], src->dim)) return 0;
  }
  return 1;
}

static weyl_status build_product(const char *name, weyl_group **f, int nf, weyl_group **out) {
  size_t cap = 1;
  int vdim = 0, nleaves = 1;
  for (int i = 0; i < nf; i++) {
    cap += strlen(f[i]->name) + 3;
    vdim += f[i]->leaves[0].dim;
    nleaves += f[i]->n_leaves;
  }
  if (vdim > WEYL_GROUP_MAX_LEAF_DIM)
    return weyl_fail(WEYL_ELIMIT, "group '%s': V has dimension %d, above the limit %d", name, vdim,
                     WEYL_GROUP_MAX_LEAF_DIM);
  if (nleaves > WEYL_GROUP_MAX_LEAVES)
    return weyl_fail(WEYL_ELIMIT, "group '%s' would have %d reps, above the limit %d", name,
                     nleaves, WEYL_GROUP_MAX_LEAVES);
  char *label = malloc(cap);
  weyl_name_list d, a;
  if (!label || !product_names(f, nf, &d, &a)) {
    free(label);
    return weyl_fail(WEYL_ENOMEM, "out of memory building group '%s'", name);
  }
  label[0] = '\0';
  for (int i = 0; i < nf; i++) strcat(strcat(label, i ? " x " : ""), f[i]->name);
  weyl_leaf *v;
  weyl_status s = weyl_build_with_v(label, &d, &a, vdim, out, &v);
  free(label);
  if (s) return s;
  if (!fill_product_v(v, f, nf)) return weyl_build_oom(*out);
  for (int i = 0, dk = 0, ak = 0; i < nf; dk += f[i]->n_disc, ak += f[i]->n_alg, i++)
    if (f[i]->rot_family != WEYL_ROT_NONE) {
      weyl_rot_slot sl = {f[i]->rot_family, f[i]->rot_n, i + 1, dk, ak};
      (*out)->rot_slots[(*out)->n_rot_slots++] = sl;
    }
  for (int i = 0, dk = 0, ak = 0; i < nf; dk += f[i]->n_disc, ak += f[i]->n_alg, i++)
    if (!add_factor_leaves(*out, f[i], i, dk, ak)) return weyl_build_oom(*out);
  return WEYL_OK;
}

/* ---- public entry points ----------------------------------------------- */

weyl_status weyl_group_builtin(const char *name, weyl_group **g) {
  if (!name || !g) return weyl_fail(WEYL_EINVAL, "weyl_group_builtin: NULL argument");
  *g = NULL;
  if (strstr(name, "x|")) return weyl_group_grid_build(name, g); /* semidirect: group_grid.c */
  factor_spec spec[MAX_FACTORS];
  weyl_group *f[MAX_FACTORS];
  int nf = 0, built = 0;
  weyl_status s = parse_name(name, spec, &nf);
  while (s == WEYL_OK && built < nf) {
    s = build_factor(name, &spec[built], &f[built]);
    if (s == WEYL_OK) built++;
  }
  if (s == WEYL_OK && nf == 1) {
    *g = f[0]; /* a single factor is the group itself, not a product */
    return WEYL_OK;
  }
  if (s == WEYL_OK) s = build_product(name, f, nf, g);
  for (int i = 0; i < built; i++) weyl_group_free(f[i]);
  return s;
}

static void rotation(int n, int freq, double out[4]) {
  double c, s;
  turn(freq, n, &c, &s);
  out[0] = c, out[1] = -s, out[2] = s, out[3] = c;
}

static void diag2(double a, double b, double out[4]) {
  out[0] = a, out[1] = 0, out[2] = 0, out[3] = b;
}

/* Generator k (discrete or not) of one rotation family, counted within the
 * family: Z(n) r; D(n) r, f; SO(2) L; O(2) L and P. Returns 0 when the
 * family has no such generator. */
static int family_action(weyl_rot_family fam, int n, int freq, int disc, int k, double out[4]) {
  int rot_disc = fam == WEYL_ROT_CYCLIC || fam == WEYL_ROT_DIHEDRAL;
  int refl = fam == WEYL_ROT_DIHEDRAL ? 1 : fam == WEYL_ROT_O2 ? 0 : -1; /* discrete index */
  if (disc && rot_disc && k == 0) rotation(n, freq, out);
  else if (disc && k == refl) diag2(1, -1, out);
  else if (!disc && !rot_disc && k == 0) out[0] = 0, out[1] = -freq, out[2] = freq, out[3] = 0;
  else return 0;
  return 1;
}

/* Generators of each family: discrete, algebra. */
static int family_count(weyl_rot_family fam, int disc) {
  if (disc) return fam == WEYL_ROT_DIHEDRAL ? 2 : fam == WEYL_ROT_SO2 ? 0 : 1;
  return fam == WEYL_ROT_SO2 || fam == WEYL_ROT_O2;
}

/* The factor rot(k, factor) refers to: factor 0 is the first with a
 * rotation family; a group that is not a product is its own factor 1. */
static weyl_status rot_slot(const weyl_group *g, int factor, weyl_rot_slot *slot) {
  weyl_rot_slot self = {g->rot_family, g->rot_n, 1, 0, 0};
  int n = g->n_rot_slots;
  const weyl_rot_slot *slots = n ? g->rot_slots : &self;
  if (!n) n = g->rot_family != WEYL_ROT_NONE;
  for (int i = 0; i < n; i++)
    if (factor == 0 || slots[i].factor == factor) {
      *slot = slots[i];
      return WEYL_OK;
    }
  if (factor > 0)
    return weyl_fail(WEYL_EINVAL,
                     "rot(k, %d): factor %d of group %s is not Z(n), D(n), SO(2) or O(2)", factor,
                     factor, g->name);
  return weyl_fail(WEYL_EINVAL,
                   "group %s has no rotation reps rot(k): neither it nor a factor of it is "
                   "Z(n), D(n), SO(2) or O(2)",
                   g->name);
}

weyl_status weyl_group_rot_action(const weyl_group *g, int factor, int freq, int disc, int k,
                                  double out[4]) {
  if (!g || !out) return weyl_fail(WEYL_EINVAL, "weyl_group_rot_action: NULL argument");
  weyl_rot_slot sl = {WEYL_ROT_NONE, 0, 0, 0, 0};
  weyl_status st = rot_slot(g, factor, &sl);
  if (st) return st;
  if (k < 0 || k >= (disc ? g->n_disc : g->n_alg))
    return weyl_fail(WEYL_EINVAL, "group %s has no %s generator %d", g->name,
                     disc ? "discrete" : "algebra", k);
  int kk = k - (disc ? sl.disc0 : sl.alg0);
  /* Generators of the other factors act trivially on the factor's plane. */
  if (kk < 0 || kk >= family_count(sl.family, disc) ||
      !family_action(sl.family, sl.n, freq, disc, kk, out))
    diag2(disc, disc, out);
  return WEYL_OK;
}
