/* Grids as groups: T(n), T(h,w), p4(n), p4m(n) on a periodic pixel grid, and
 * C4(k), D4(k) on a k x k kernel (group.h has the catalogue and layouts).
 *
 * Every generator is a "move": a map of pixels, and for the regular leaf also
 * a map of the stabiliser index s = 4 f + k (the element R^k F^f). The pixel
 * maps, in (row, col) with rows pointing down:
 *   ty: (r, c) -> (r+1, c)      tx: (r, c) -> (r, c+1)          (periodic)
 *   r : (r, c) -> (o-c, r)      m : (r, c) -> (r, o-c)
 * with o = 0 (mod n) on a periodic grid, i.e. about pixel (0, 0), and o = k-1
 * on a kernel, i.e. about its centre. r is a quarter turn counter-clockwise as
 * seen on the image: the pixel right of the centre goes to the one above it.
 *
 * The regular leaf of a grid group indexes g = T_t R^k F^f by s*h*w + t, and a
 * generator acts by left multiplication: h (T_t R^k F^f) =
 *   translation tau: T_{t+tau} R^k F^f
 *   r:               T_{R t} R^{k+1} F^f
 *   m:               T_{F t} R^{-k} F^{f+1}      (F R^k = R^{-k} F). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "group/group_impl.h"
#include "core/status_impl.h"

enum { MOVE_TY, MOVE_TX, MOVE_ROT, MOVE_MIRROR, MOVE_HALF };

typedef struct {
  char label[48];
  int h, w;       /* pixel grid */
  int periodic;   /* 1: grid with translations; 0: kernel, rotated about its centre */
  int nstab;      /* 1, 2, 4 or 8: the stabiliser of a pixel (regular leaf only) */
  int v_regular;  /* Z(k) x| (Z(n) x Z(n)): V is the regular layout, as in emlp */
  int nmoves;
  int moves[4];
} grid_spec;

static const char *const MOVE_NAMES[] = {"ty", "tx", "r", "m", "r"};

static int wrap(int a, int n) { return ((a % n) + n) % n; }

/* Image of pixel p under move mv. */
static int move_pixel(const grid_spec *g, int mv, int p) {
  int r = p / g->w, c = p % g->w, o = g->periodic ? 0 : g->h - 1;
  switch (mv) {
  case MOVE_TY: return wrap(r + 1, g->h) * g->w + c;
  case MOVE_TX: return r * g->w + wrap(c + 1, g->w);
  case MOVE_ROT: return wrap(o - c, g->h) * g->w + r; /* square grids only */
  case MOVE_HALF: return wrap(o - r, g->h) * g->w + wrap(o - c, g->w);
  default: return r * g->w + wrap(o - c, g->w);
  }
}

/* Image of the stabiliser index s = 4 f + k under move mv. */
static int move_stab(int mv, int s) {
  int f = s / 4, k = s % 4;
  if (mv == MOVE_HALF) return (s + 1) % 2; /* Z(2) x| (Z(n) x Z(n)): s = k */
  if (mv == MOVE_ROT) return 4 * f + (k + 1) % 4;
  if (mv == MOVE_MIRROR) return 4 * (1 - f) + (4 - k) % 4;
  return s;
}

static int fill_leaf(weyl_group *g, const grid_spec *sp, const char *name, int nstab) {
  int n2 = sp->h * sp->w;
  weyl_leaf *l = weyl_group_add_leaf(g, name, nstab * n2);
  if (!l) return 0;
  for (int k = 0; k < sp->nmoves; k++) {
    int *p = l->disc[k].perm = malloc((size_t)l->dim * sizeof *p);
    if (!p) return 0;
    for (int s = 0; s < nstab; s++)
      for (int t = 0; t < n2; t++)
        p[s * n2 + t] = (nstab > 1 ? move_stab(sp->moves[k], s) : 0) * n2 +
                        move_pixel(sp, sp->moves[k], t);
  }
  return 1;
}

static weyl_status build(const grid_spec *sp, weyl_group **out) {
  const char *names[4];
  for (int k = 0; k < sp->nmoves; k++) names[k] = MOVE_NAMES[sp->moves[k]];
  weyl_group *g = weyl_group_new(sp->label, sp->nmoves, names, 0, NULL);
  /* The regular leaf makes `regular` resolve to it (leaf names come first),
   * with the layout above instead of the enumeration order. */
  int ok = g && (sp->v_regular ? fill_leaf(g, sp, "V", sp->nstab) && fill_leaf(g, sp, "pixels", 1)
                               : fill_leaf(g, sp, "V", 1)) &&
           (!sp->periodic || fill_leaf(g, sp, "regular", sp->nstab));
  if (!ok) {
    weyl_group_free(g);
    return weyl_fail(WEYL_ENOMEM, "out of memory building group %s", sp->label);
  }
  g->grid_h = sp->h, g->grid_w = sp->w, g->grid_kernel = !sp->periodic;
  *out = g;
  return WEYL_OK;
}

/* ---- names ---------------------------------------------------------------- */

typedef struct {
  const char *fam;
  int nargs, periodic, nstab, nmoves, moves[4];
} family;

static const family FAMILIES[] = {
    {"T", 1, 1, 1, 1, {MOVE_TX}},
    {"T", 2, 1, 1, 2, {MOVE_TY, MOVE_TX}},
    {"p4", 1, 1, 4, 3, {MOVE_TY, MOVE_TX, MOVE_ROT}},
    {"p4m", 1, 1, 8, 4, {MOVE_TY, MOVE_TX, MOVE_ROT, MOVE_MIRROR}},
    {"C4", 1, 0, 4, 1, {MOVE_ROT}},
    {"D4", 1, 0, 8, 2, {MOVE_ROT, MOVE_MIRROR}},
};

static const char *skip(const char *p) {
  while (*p == ' ' || *p == '\t') p++;
  return p;
}

/* Reads "word ( a [, b] )" and nothing after it. Returns 0 when malformed. */
static int parse(const char *name, char fam[8], long arg[2], int *nargs) {
  const char *p = skip(name);
  int len = 0;
  while (len < 7 && ((p[len] >= 'A' && p[len] <= 'Z') || (p[len] >= 'a' && p[len] <= 'z') ||
                     (p[len] >= '0' && p[len] <= '9')))
    len++;
  memcpy(fam, p, (size_t)len);
  fam[len] = '\0';
  p = skip(p + len);
  if (*p++ != '(') return 0;
  for (*nargs = 0; *nargs < 2;) {
    char *end;
    p = skip(p);
    if (*p < '0' || *p > '9') return 0;
    arg[(*nargs)++] = strtol(p, &end, 10);
    p = skip(end);
    if (*p == ')') return *skip(p + 1) == '\0';
    if (*p++ != ',') return 0;
  }
  return 0;
}

/* The largest leaf must fit WEYL_GROUP_MAX_LEAF_DIM. */
static weyl_status check_size(const char *name, const grid_spec *sp) {
  long points = (long)sp->h * sp->w * (sp->periodic ? sp->nstab : 1);
  if (sp->h >= 1 && sp->w >= 1 && points <= WEYL_GROUP_MAX_LEAF_DIM)
    return WEYL_OK;
  if (sp->h < 1 || sp->w < 1) return weyl_fail(WEYL_EPARSE, "group '%s': sizes must be >= 1", name);
  return weyl_fail(WEYL_ELIMIT, "group '%s' needs a rep of %ld points, above the limit %d", name,
                   points, WEYL_GROUP_MAX_LEAF_DIM);
}

/* name without its blanks, cut at cap - 1 characters. */
static void squeeze(const char *name, char *out, size_t cap) {
  size_t n = 0;
  for (const char *p = name; *p && n + 1 < cap; p++)
    if (*p != ' ' && *p != '\t') out[n++] = *p;
  out[n] = '\0';
}

/* The semidirect product Z(k) x| (Z(n) x Z(n)): the translations of the
 * n x n grid with the rotations by 360/k degrees about pixel (0, 0), k in
 * {1, 2, 4} (the rotations that map the square grid to itself); emlp's
 * ZksZnxZn. Its V is emlp's: functions on the group, index s*n*n + t for
 * the element T_t R^s (so V and `regular` coincide); `pixels` is the grid. */
static weyl_status build_semidirect(const char *name, long k, long n, weyl_group **g) {
  if (k != 1 && k != 2 && k != 4)
    return weyl_fail(WEYL_EPARSE,
                     "group '%s': Z(k) x| (Z(n) x Z(n)) needs k = 1, 2 or 4 (the rotations that "
                     "map the square grid to itself)",
                     name);
  if (n > 100000) return weyl_fail(WEYL_ELIMIT, "group '%s' is too large", name);
  grid_spec sp = {"", (int)n, (int)n, 1, (int)k, 1, 2 + (k > 1), {MOVE_TY, MOVE_TX, 0, 0}};
  sp.moves[2] = k == 4 ? MOVE_ROT : MOVE_HALF;
  snprintf(sp.label, sizeof sp.label, "Z(%d) x| (Z(%d) x Z(%d))", (int)k, sp.h, sp.w);
  weyl_status s = check_size(name, &sp);
  return s ? s : build(&sp, g);
}

/* Reads "ZksZnxZn(k,n)" or "Z(k) x| (Z(n) x Z(n))"; 1 when name is one. */
static int parse_semidirect(const char *name, long *k, long *n) {
  char b[128];
  long m = 0;
  int end = 0;
  squeeze(name, b, sizeof b);
  if (sscanf(b, "ZksZnxZn(%ld,%ld)%n", k, n, &end) == 2 && b[end] == '\0') return 1;
  end = 0;
  return sscanf(b, "Z(%ld)x|(Z(%ld)xZ(%ld))%n", k, n, &m, &end) == 3 && b[end] == '\0' &&
         *n == m;
}

int weyl_group_grid_claims(const char *name) {
  static const char *const prefixes[] = {"T(", "T (", "p4(", "p4 (", "p4m(", "p4m (",
                                         "C4(", "C4 (", "D4(", "D4 (", "ZksZnxZn"};
  const char *p = name ? skip(name) : "";
  if (strstr(p, "x|")) return 1;
  for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
    if (strncmp(p, prefixes[i], strlen(prefixes[i])) == 0) return 1;
  return 0;
}

weyl_status weyl_group_grid_build(const char *name, weyl_group **g) {
  char fam[8];
  long arg[2] = {0, 0};
  int nargs = 0;
  if (!name || !g) return weyl_fail(WEYL_EINVAL, "weyl_group_grid_build: NULL argument");
  if (parse_semidirect(name, &arg[0], &arg[1])) return build_semidirect(name, arg[0], arg[1], g);
  int ok = parse(name, fam, arg, &nargs);
  for (size_t i = 0; ok && i < sizeof FAMILIES / sizeof FAMILIES[0]; i++) {
    const family *f = &FAMILIES[i];
    if (strcmp(fam, f->fam) != 0 || nargs != f->nargs) continue;
    if (arg[0] > 100000 || arg[1] > 100000) /* far past every limit; keeps ints safe */
      return weyl_fail(WEYL_ELIMIT, "group '%s' is too large", name);
    int one_d = nargs == 1 && strcmp(fam, "T") == 0; /* T(n) is a 1 x n grid */
    grid_spec sp = {"",        one_d ? 1 : (int)arg[0], (int)arg[nargs - 1], f->periodic,
                    f->nstab, 0,  f->nmoves,             {0}};
    memcpy(sp.moves, f->moves, sizeof sp.moves);
    if (nargs == 2) snprintf(sp.label, sizeof sp.label, "%.7s(%d,%d)", fam, sp.h, sp.w);
    else snprintf(sp.label, sizeof sp.label, "%.7s(%d)", fam, sp.w);
    weyl_status s = check_size(name, &sp);
    return s ? s : build(&sp, g);
  }
  return weyl_fail(WEYL_EPARSE,
                   "unknown group '%s'; grid groups: T(n) T(h,w) p4(n) p4m(n), "
                   "Z(k) x| (Z(n) x Z(n)) (also ZksZnxZn(k,n)), kernel groups C4(k) D4(k)",
                   name);
}
