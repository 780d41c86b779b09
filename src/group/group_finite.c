/* Finite groups of the solids and the Rubik's cube.
 *
 * Point groups, as 3 x 3 rotation matrices (V) and as permutations of the
 * points of a solid (group.h lists the leaves):
 *   Octahedral       a: quarter turn about z, (x,y,z) -> (-y,x,z)
 *                    b: third turn about (1,1,1), (x,y,z) -> (z,x,y)
 *   Icosahedral      a: fifth turn about the vertex (0,1,phi), counter-
 *                    clockwise seen from it; b as above (phi the golden ratio)
 *   Full...          the same and the inversion i = -I (O x Z2, I x Z2)
 *   Cube             emlp's Cube: Octahedral acting on the 6 face centres
 * a and b generate: the octahedral group is S4 on the 4 body diagonals (a is
 * a 4-cycle), and A5 is the only subgroup of itself whose order is divisible
 * by 15. Characters: `sign` of S4 (a -> -1, b -> 1) and `det` (i -> -1).
 *
 * RubiksCube: the 48 moving stickers of the 3x3x3 cube (emlp's RubiksCube).
 * Cubie positions are p in {-1,0,1}^3; a sticker is (p, axis) with p[axis]
 * != 0 (its outward normal is sign(p[axis]) e_axis), centres (one nonzero
 * coordinate) left out. Stickers are numbered by p in lexicographic order
 * (x slowest), then by axis x, y, z. Generators are the clockwise quarter
 * turns (seen from outside) of the faces R (+x), L (-x), U (+y), D (-y),
 * F (+z), B (-z). Order 43252003274489856000: never enumerated (the orbit
 * solver needs only the generators). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "group/group_build.h"
#include "core/status_impl.h"

#define PHI 1.6180339887498948482045868343656

typedef enum { SOLID_OCTA, SOLID_ICO } solid_kind;

/* a, b and i of the kind (b and i do not depend on it). */
static void solid_generators(solid_kind kind, double m[3][9]) {
  static const double quarter[9] = {0, -1, 0, 1, 0, 0, 0, 0, 1};
  static const double third[9] = {0, 0, 1, 1, 0, 0, 0, 1, 0};
  static const double inv[9] = {-1, 0, 0, 0, -1, 0, 0, 0, -1};
  memcpy(m[1], third, sizeof third);
  memcpy(m[2], inv, sizeof inv);
  if (kind == SOLID_OCTA) {
    memcpy(m[0], quarter, sizeof quarter);
    return;
  }
  /* Rodrigues: R = c I + s [u]x + (1 - c) u u^T with cos(2 pi / 5) = (phi - 1) / 2. */
  double nrm = sqrt(1 + PHI * PHI), u[3] = {0, 1 / nrm, PHI / nrm};
  double c = (PHI - 1) / 2, s = sqrt(1 - c * c);
  double cross[9] = {0, -u[2], u[1], u[2], 0, -u[0], -u[1], u[0], 0};
  for (int r = 0; r < 3; r++)
    for (int q = 0; q < 3; q++)
      m[0][3 * r + q] = (r == q ? c : 0) + s * cross[3 * r + q] + (1 - c) * u[r] * u[q];
}

/* The points of the solids: sign patterns of a base point, in cyclic
 * coordinate order. Appends to pts and returns the new count. */
static int add_points(double (*pts)[3], int n, const double base[3], int cyclic) {
  for (int rot = 0; rot < (cyclic ? 3 : 1); rot++)
    for (int sgn = 0; sgn < 8; sgn++) {
      double p[3];
      int dup = 0;
      for (int j = 0; j < 3; j++) {
        double v = base[(j + 3 - rot) % 3];
        p[j] = (sgn >> (2 - j) & 1) ? -v : v;
      }
      for (int i = 0; i < n && !dup; i++)
        dup = pts[i][0] == p[0] && pts[i][1] == p[1] && pts[i][2] == p[2];
      if (!dup) memcpy(pts[n++], p, sizeof p);
    }
  return n;
}

/* Adds the permutation leaf `name` of the points of base (with its signs and
 * cyclic shifts, plus those of base2 when given). */
static int point_leaf(weyl_group *g, const char *name, const double *const *mats,
                      const double base[3], const double *base2) {
  double pts[32][3];
  int n = add_points(pts, 0, base, 1);
  if (base2) n = add_points(pts, n, base2, 1);
  return weyl_build_point_leaf(g, name, n, (const double(*)[3])pts, mats);
}

static int solid_leaves(weyl_group *g, solid_kind kind, int full, int cube,
                        const double *const *mats) {
  static const double face[3] = {1, 0, 0}, corner[3] = {1, 1, 1};
  static const double ico_vertex[3] = {0, 1, PHI}, dodeca[3] = {0, PHI, 1 / PHI};
  static const double sign[3] = {-1, 1, 1}, det[3] = {1, 1, -1};
  if (cube) return point_leaf(g, "V", mats, face, NULL) && weyl_build_character(g, "sign", sign, NULL);
  if (!weyl_build_matrix_leaf(g, "V", 3, mats)) return 0;
  int ok = kind == SOLID_OCTA
               ? point_leaf(g, "faces", mats, face, NULL) &&
                     point_leaf(g, "vertices", mats, corner, NULL) &&
                     weyl_build_character(g, "sign", sign, NULL)
               : point_leaf(g, "vertices", mats, ico_vertex, NULL) &&
                     point_leaf(g, "faces", mats, corner, dodeca);
  return ok && (!full || weyl_build_character(g, "det", det, NULL));
}

static weyl_status build_solid(const char *label, solid_kind kind, int full, int cube,
                               weyl_group **out) {
  static const char *const names[] = {"a", "b", "i"};
  double m[3][9];
  solid_generators(kind, m);
  const double *mats[3] = {m[0], m[1], m[2]};
  weyl_group *g = weyl_group_new(label, full ? 3 : 2, names, 0, NULL);
  if (!g) return weyl_build_nomem(label);
  if (!solid_leaves(g, kind, full, cube, mats)) return weyl_build_oom(g);
  *out = g;
  return WEYL_OK;
}

/* ---- the Rubik's cube ---------------------------------------------------- */

enum { STICKERS = 48 };

typedef struct {
  int p[3], axis;
} sticker;

static int list_stickers(sticker *st) {
  int n = 0;
  for (int x = -1; x <= 1; x++)
    for (int y = -1; y <= 1; y++)
      for (int z = -1; z <= 1; z++) {
        int p[3] = {x, y, z}, nz = (x != 0) + (y != 0) + (z != 0);
        for (int a = 0; a < 3 && nz >= 2; a++)
          if (p[a]) st[n].p[0] = x, st[n].p[1] = y, st[n].p[2] = z, st[n++].axis = a;
      }
  return n;
}

/* A quarter turn by +90 degrees about e_axis (right-handed) of the vector v. */
static void quarter_turn(int axis, int v[3]) {
  int i = (axis + 1) % 3, j = (axis + 2) % 3, vi = v[i];
  v[i] = -v[j];
  v[j] = vi;
}

/* The face move about outward normal s e_axis: clockwise from outside is
 * -90 degrees about the normal, i.e. three +90 turns about e_axis when s = 1
 * and one when s = -1. */
static void face_move(const sticker *st, int axis, int s, int *perm) {
  for (int k = 0; k < STICKERS; k++) {
    perm[k] = k;
    if (st[k].p[axis] != s) continue;
    int p[3] = {st[k].p[0], st[k].p[1], st[k].p[2]}, nrm[3] = {0, 0, 0};
    nrm[st[k].axis] = 1;
    for (int t = 0; t < (s > 0 ? 3 : 1); t++) quarter_turn(axis, p), quarter_turn(axis, nrm);
    int a = nrm[0] ? 0 : nrm[1] ? 1 : 2;
    for (int m = 0; m < STICKERS; m++)
      if (st[m].axis == a && !memcmp(st[m].p, p, sizeof p)) perm[k] = m;
  }
}

static weyl_status build_rubik(weyl_group **out) {
  static const char *const names[] = {"R", "L", "U", "D", "F", "B"};
  sticker st[STICKERS];
  list_stickers(st);
  int *perm[6];
  weyl_status s = weyl_build_perm_group("RubiksCube", 6, names, STICKERS, out, perm);
  if (s) return s;
  for (int f = 0; f < 6; f++) face_move(st, f / 2, f % 2 ? -1 : 1, perm[f]);
  return WEYL_OK;
}

/* ---- names --------------------------------------------------------------- */

weyl_status weyl_build_finite(const char *name, const char *fam, int nargs, const long *arg,
                              weyl_group **out, int *claimed) {
  static const struct {
    const char *fam;
    solid_kind kind;
    int full, cube;
  } SOLIDS[] = {{"Octahedral", SOLID_OCTA, 0, 0},
                {"FullOctahedral", SOLID_OCTA, 1, 0},
                {"Icosahedral", SOLID_ICO, 0, 0},
                {"FullIcosahedral", SOLID_ICO, 1, 0},
                {"Cube", SOLID_OCTA, 0, 1}};
  (void)arg;
  *claimed = 1;
  for (size_t i = 0; i < sizeof SOLIDS / sizeof SOLIDS[0]; i++) {
    if (strcmp(fam, SOLIDS[i].fam)) continue;
    if (nargs) return weyl_fail(WEYL_EPARSE, "group '%s': %s takes no arguments", name, fam);
    return build_solid(fam, SOLIDS[i].kind, SOLIDS[i].full, SOLIDS[i].cube, out);
  }
  if (!strcmp(fam, "RubiksCube")) {
    if (nargs) return weyl_fail(WEYL_EPARSE, "group '%s': %s takes no arguments", name, fam);
    return build_rubik(out);
  }
  *claimed = 0;
  return WEYL_OK;
}
