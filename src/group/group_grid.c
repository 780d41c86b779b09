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

enum { MOVE_TY, MOVE_TX, MOVE_ROT, MOVE_MIRROR };

typedef struct {
  char label[48];
  int h, w;       /* pixel grid */
  int periodic;   /* 1: grid with translations; 0: kernel, rotated about its centre */
  int nstab;      /* 1, 4 or 8: the stabiliser of a pixel (regular leaf only) */
  int nmoves;
  int moves[4];
} grid_spec;

static const char *const MOVE_NAMES[] = {"ty", "tx", "r", "m"};

static int wrap(int a, int n) { return ((a % n) + n) % n; }

/* Image of pixel p under move mv. */
static int move_pixel(const grid_spec *g, int mv, int p) {
  int r = p / g->w, c = p % g->w, o = g->periodic ? 0 : g->h - 1;
  switch (mv) {
  case MOVE_TY: return wrap(r + 1, g->h) * g->w + c;
  case MOVE_TX: return r * g->w + wrap(c + 1, g->w);
  case MOVE_ROT: return wrap(o - c, g->h) * g->w + r; /* square grids only */
  default: return r * g->w + wrap(o - c, g->w);
  }
}

/* Image of the stabiliser index s = 4 f + k under move mv. */
static int move_stab(int mv, int s) {
  int f = s / 4, k = s % 4;
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
  int ok =
      g && fill_leaf(g, sp, "V", 1) && (!sp->periodic || fill_leaf(g, sp, "regular", sp->nstab));
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

int weyl_group_grid_claims(const char *name) {
  static const char *const prefixes[] = {"T(", "T (", "p4(", "p4 (", "p4m(", "p4m (",
                                         "C4(", "C4 (", "D4(", "D4 ("};
  const char *p = name ? skip(name) : "";
  for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
    if (strncmp(p, prefixes[i], strlen(prefixes[i])) == 0) return 1;
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

weyl_status weyl_group_grid_build(const char *name, weyl_group **g) {
  char fam[8];
  long arg[2] = {0, 0};
  int nargs = 0;
  if (!name || !g) return weyl_fail(WEYL_EINVAL, "weyl_group_grid_build: NULL argument");
  int ok = parse(name, fam, arg, &nargs);
  for (size_t i = 0; ok && i < sizeof FAMILIES / sizeof FAMILIES[0]; i++) {
    const family *f = &FAMILIES[i];
    if (strcmp(fam, f->fam) != 0 || nargs != f->nargs) continue;
    if (arg[0] > 100000 || arg[1] > 100000) /* far past every limit; keeps ints safe */
      return weyl_fail(WEYL_ELIMIT, "group '%s' is too large", name);
    int one_d = nargs == 1 && strcmp(fam, "T") == 0; /* T(n) is a 1 x n grid */
    grid_spec sp = {"", one_d ? 1 : (int)arg[0], (int)arg[nargs - 1], f->periodic, f->nstab,
                    f->nmoves, {0}};
    memcpy(sp.moves, f->moves, sizeof sp.moves);
    if (nargs == 2) snprintf(sp.label, sizeof sp.label, "%.7s(%d,%d)", fam, sp.h, sp.w);
    else snprintf(sp.label, sizeof sp.label, "%.7s(%d)", fam, sp.w);
    weyl_status s = check_size(name, &sp);
    return s ? s : build(&sp, g);
  }
  return weyl_fail(WEYL_EPARSE,
                   "unknown group '%s'; grid groups: T(n) T(h,w) p4(n) p4m(n), kernel groups "
                   "C4(k) D4(k) (they cannot be factors of a product)",
                   name);
}
