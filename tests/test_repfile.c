/* Tests for the .rep parser (src/repfile.c): the worked files in reps/ parse
 * to the values written in them, and every rejection of rep-format.md comes
 * with "label:line: " and a message saying what was wrong. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "group/group_impl.h"
#include "weyl/repfile.h"

#ifndef WEYL_REPS_DIR
#define WEYL_REPS_DIR "reps"
#endif

static weyl_group *load_rep(const char *file) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", WEYL_REPS_DIR, file);
  weyl_group *g = NULL;
  weyl_status st = weyl_repfile_load(path, &g);
  cr_assert_eq(st, WEYL_OK, "%s: %s", file, weyl_status_last_error());
  cr_assert_not_null(g);
  return g;
}

static weyl_group *parse_ok(const char *text) {
  weyl_group *g = NULL;
  weyl_status st = weyl_repfile_parse(text, strlen(text), "t.rep", &g);
  cr_assert_eq(st, WEYL_OK, "%s", weyl_status_last_error());
  return g;
}

/* Parses text as "t.rep", expects status st, and a message that starts with
 * "t.rep:LINE: " and contains phrase. */
static void reject(const char *text, weyl_status st, int line, const char *phrase) {
  weyl_group *g = (weyl_group *)&g; /* must be reset to NULL */
  weyl_status got = weyl_repfile_parse(text, strlen(text), "t.rep", &g);
  const char *msg = weyl_status_last_error();
  char where[32];
  snprintf(where, sizeof where, "t.rep:%d: ", line);
  cr_assert_eq(got, st, "status %d, want %d (%s)", got, st, msg);
  cr_assert_null(g);
  cr_assert(strncmp(msg, where, strlen(where)) == 0, "'%s' does not start with '%s'", msg,
            where);
  cr_assert(strstr(msg, phrase), "'%s' lacks '%s'", msg, phrase);
}

static const weyl_leaf *leaf(const weyl_group *g, const char *name) {
  int i = weyl_group_find_leaf(g, name);
  cr_assert_geq(i, 0, "no leaf %s", name);
  return &g->leaves[i];
}

/* ---- the worked files ---- */

typedef struct {
  const char *file, *label;
  int ndisc, nalg, nleaves;
  int dims[4];
} rep_file;

static const rep_file FILES[] = {
    {"z4.rep", "Z4", 1, 0, 2, {4, 2}},
    {"z8.rep", "Z8", 1, 0, 2, {8, 2}},
    {"d4_pixels.rep", "D4_pixels", 2, 0, 2, {9, 1}},
    {"s5.rep", "S5", 2, 0, 2, {5, 1}},
    {"so2.rep", "SO2", 0, 1, 2, {2, 2}},
    {"so3.rep", "SO3", 0, 3, 1, {3}},
    {"o3.rep", "O3", 1, 3, 3, {3, 3, 1}},
    {"lorentz.rep", "Lorentz", 0, 6, 1, {4}},
    {"q8.rep", "Q8", 2, 0, 2, {4, 8}},
};

Test(repfile, every_worked_file_parses_with_its_counts_and_dims) {
  for (size_t f = 0; f < sizeof FILES / sizeof *FILES; f++) {
    const rep_file *r = &FILES[f];
    weyl_group *g = load_rep(r->file);
    cr_expect_str_eq(weyl_group_name(g), r->label, "%s", r->file);
    cr_expect_eq(weyl_group_ndisc(g), r->ndisc, "%s", r->file);
    cr_expect_eq(weyl_group_nalg(g), r->nalg, "%s", r->file);
    cr_expect_eq(weyl_group_nleaves(g), r->nleaves, "%s", r->file);
    for (int i = 0; i < r->nleaves; i++)
      cr_expect_eq(weyl_group_leaf_dim(g, i), r->dims[i], "%s leaf %d", r->file, i);
    weyl_group_free(g);
  }
}

Test(repfile, d4_rotation_perm_is_stored_as_written) {
  weyl_group *g = load_rep("d4_pixels.rep");
  const int r[9] = {6, 3, 0, 7, 4, 1, 8, 5, 2}, f[9] = {2, 1, 0, 5, 4, 3, 8, 7, 6};
  const weyl_leaf *px = leaf(g, "pixels");
  cr_assert_str_eq(weyl_group_disc_name(g, 0), "r");
  cr_assert_str_eq(weyl_group_disc_name(g, 1), "f");
  cr_assert_not_null(px->disc[0].perm);
  cr_assert_null(px->disc[0].mat);
  for (int i = 0; i < 9; i++) {
    cr_expect_eq(px->disc[0].perm[i], r[i]);
    cr_expect_eq(px->disc[1].perm[i], f[i]);
  }
  const weyl_leaf *sign = leaf(g, "sign");
  cr_expect_eq(sign->disc[0].mat[0], 1.0);
  cr_expect_eq(sign->disc[1].mat[0], -1.0);
  weyl_group_free(g);
}

/* The cyclic shift "1 2 3 0" sends e_0 to e_1, i.e. P[1][0] = 1: in the
 * stored perm array, entry i is the image of e_i. */
Test(repfile, z4_shift_sends_e0_to_e1) {
  weyl_group *g = load_rep("z4.rep");
  const weyl_leaf *pts = leaf(g, "points"), *rot = leaf(g, "rot");
  cr_expect_eq(pts->disc[0].perm[0], 1);
  cr_expect_eq(pts->disc[0].perm[3], 0);
  const double want[4] = {0, -1, 1, 0}; /* rotation by 90 degrees, row-major */
  for (int i = 0; i < 4; i++) cr_expect_eq(rot->disc[0].mat[i], want[i]);
  weyl_group_free(g);
}

Test(repfile, z8_sqrt_entries_are_exact) {
  weyl_group *g = load_rep("z8.rep");
  const double s = sqrt(2.0) / 2, want[4] = {s, -s, s, s};
  const double *m = leaf(g, "rot")->disc[0].mat;
  for (int i = 0; i < 4; i++)
    cr_expect(fabs(m[i] - want[i]) <= 1e-15, "m[%d] = %.17g", i, m[i]);
  weyl_group_free(g);
}

Test(repfile, shorthands_store_identity_and_zero_as_null) {
  weyl_group *g = load_rep("o3.rep");
  const weyl_leaf *ps = leaf(g, "pseudoscalar"), *pv = leaf(g, "pseudovec");
  cr_expect_eq(ps->disc[0].mat[0], -1.0);
  for (int k = 0; k < 3; k++) cr_expect(!ps->alg[k].mat && !ps->alg[k].perm);
  cr_expect(!pv->disc[0].mat && !pv->disc[0].perm);
  /* pseudovec's Ly, written on one line: 0 0 1  0 0 0  -1 0 0 */
  cr_expect_eq(pv->alg[1].mat[2], 1.0);
  cr_expect_eq(pv->alg[1].mat[6], -1.0);
  weyl_group_free(g);
}

Test(repfile, lorentz_boosts_are_symmetric_rotations_antisymmetric) {
  weyl_group *g = load_rep("lorentz.rep");
  const weyl_leaf *v = leaf(g, "vec");
  for (int k = 0; k < 6; k++) {
    const double *m = v->alg[k].mat, sgn = k < 3 ? -1 : 1;
    for (int i = 0; i < 4; i++)
      for (int j = 0; j < 4; j++) cr_expect_eq(m[i * 4 + j], sgn * m[j * 4 + i]);
  }
  cr_expect_eq(v->alg[3].mat[1], 1.0); /* Kx at (0, 1) */
  weyl_group_free(g);
}

/* reps/icosahedral.rep writes phi/2 as (1+sqrt(5))/4 in vec and as
 * cos(pi/5) in vec_cos: both against libm's value of phi/2. */
Test(repfile, icosahedral_entries_are_the_golden_ratio) {
  weyl_group *g = load_rep("icosahedral.rep");
  const double half_phi = (1 + sqrt(5.0)) / 4, pi = 3.14159265358979323846;
  for (int l = 0; l < 2; l++) {
    const double *a = g->leaves[l].disc[0].mat;
    cr_expect(fabs(a[3] - half_phi) <= 2e-16, "rep %d: %.17g", l, a[3]);
    cr_expect(fabs(a[3] - cos(pi / 5)) <= 2e-16, "rep %d: %.17g", l, a[3]);
    cr_expect(fabs(a[4] - cos(2 * pi / 5)) <= 2e-16, "rep %d: %.17g", l, a[4]);
    cr_expect_eq(a[0], 0.5);
  }
  weyl_group_free(g);
}

Test(repfile, number_forms_evaluate_like_c) {
  weyl_group *g = parse_ok("group N\nalgebra A\nrep r 3\n A matrix\n"
                           "  sqrt(3)/2 -1/sqrt(2) -sqrt(3/4)\n"
                           "  1e-3 .5 2*sqrt(2)\n"
                           "  +3 (1/3) -0.25e1\n");
  const double want[9] = {
      sqrt(3.0) / 2, -1 / sqrt(2.0), -sqrt(3.0 / 4), 1e-3, .5, 2 * sqrt(2.0), 3, 1.0 / 3,
      -2.5};
  const double *m = g->leaves[0].alg[0].mat;
  for (int i = 0; i < 9; i++)
    cr_expect(fabs(m[i] - want[i]) <= 1e-15, "m[%d] = %.17g want %.17g", i, m[i], want[i]);
  weyl_group_free(g);
}

Test(repfile, comments_crlf_and_any_entry_order_are_accepted) {
  weyl_group *g = parse_ok("# header\r\ngroup G # label\r\nalgebra B\r\ngenerators a\r\n"
                           "rep r 2 # two\r\n  B zero\r\n  a perm 1\r\n 0\r\n");
  cr_expect_eq(weyl_group_ndisc(g), 1);
  cr_expect_eq(weyl_group_nalg(g), 1);
  cr_expect_eq(g->leaves[0].disc[0].perm[0], 1);
  cr_expect_null(g->leaves[0].alg[0].mat);
  weyl_group_free(g);
}

Test(repfile, only_len_bytes_are_read) {
  const char *text = "group G\ngenerators g\nrep r 1\n g identity\nGARBAGE";
  weyl_group *g = NULL;
  cr_assert_eq(weyl_repfile_parse(text, strlen(text) - 7, "t.rep", &g), WEYL_OK, "%s",
               weyl_status_last_error());
  weyl_group_free(g);
}

/* ---- rejections: one per class of rep-format.md section 1 ---- */

#define HEAD "group G\ngenerators g\n" /* lines 1-2 */

Test(repfile, rejects_unknown_top_level_token) {
  reject(HEAD "frobnicate x\nrep r 1\n g identity\n", WEYL_EPARSE, 3, "found 'frobnicate'");
}

Test(repfile, rejects_unknown_entry_kind) {
  reject(HEAD "rep r 1\n g rotate 1\n", WEYL_EPARSE, 4,
         "expected perm, matrix, identity or zero after generator 'g', found 'rotate'");
}

Test(repfile, rejects_missing_or_bad_group_line) {
  reject("generators g\nrep r 1\n g identity\n", WEYL_EPARSE, 1,
         "expected 'group LABEL' first");
  reject("", WEYL_EPARSE, 1, "found end of file");
  reject("group a/b\n", WEYL_EPARSE, 1, "may only hold letters");
  reject("group\ngenerators g\n", WEYL_EPARSE, 1, "expected a label");
  reject("group G H\n", WEYL_EPARSE, 1, "found also 'H'");
  reject(HEAD "group H\n", WEYL_EPARSE, 3, "second 'group' line");
}

Test(repfile, rejects_malformed_numbers) {
  const char *bad[] = {"1.2.3", "1e",       "--",       "sqrt(2", "sqrt(",     "2x",
                       "1/",    "()",       "0x",       "0x1p",   "1,5",       "cos(1)",
                       "cos(pi", "sin(pi*2)", "cos(2pi)", "cos(x*pi)", "(1+)",
                       "0x1e+1", "cos(1234567890*pi)"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    char text[128], phrase[64];
    snprintf(text, sizeof text, HEAD "rep r 1\n g matrix\n\n  %s\n", bad[i]);
    snprintf(phrase, sizeof phrase, "number '%s' is malformed", bad[i]);
    reject(text, WEYL_EPARSE, 6, phrase);
  }
}

/* Sums are only allowed in parentheses: "0.5-0.5" is a missing blank more
 * often than a zero. */
Test(repfile, rejects_sums_outside_parentheses) {
  const char *bad[] = {"1+2", "0.5-0.5", "sqrt(5)+1", "-1-1"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    char text[128], phrase[64];
    snprintf(text, sizeof text, HEAD "rep r 1\n g matrix %s\n", bad[i]);
    snprintf(phrase, sizeof phrase, "number '%s' is malformed: a sum", bad[i]);
    reject(text, WEYL_EPARSE, 4, phrase);
  }
  reject(HEAD "rep r 1\n g matrix cos(pi/0)\n", WEYL_EPARSE, 4, "divides by zero");
}

/* The new forms against libm and the C library's own strtod (hex floats). */
Test(repfile, sums_trig_and_hex_literals_evaluate_like_libm) {
  weyl_group *g = parse_ok("group N\nalgebra A\nrep r 4\n A matrix\n"
                           "  (1+sqrt(5))/4 cos(2*pi/5) sin(-pi/2) 0x1p-1\n"
                           "  cos(pi/3) sin(pi) cos(0) -(1-2)*3\n"
                           "  0x1.8p1 0X10 (1-(2-3)+4)/2 sin(7*pi/6)\n"
                           "  cos(-3*pi/4) sin(2*pi/7) cos(13*pi/5) (2+3)*(1-sqrt(2))\n");
  const double pi = 3.14159265358979323846;
  const double want[16] = {(1 + sqrt(5.0)) / 4, cos(2 * pi / 5), -1, 0.5,
                           0.5, 0, 1, 3,
                           3, 16, 3, -0.5,
                           cos(-3 * pi / 4), sin(2 * pi / 7), cos(13 * pi / 5),
                           5 * (1 - sqrt(2.0))};
  const double *m = g->leaves[0].alg[0].mat;
  for (int i = 0; i < 16; i++)
    cr_expect(fabs(m[i] - want[i]) <= 4e-16 * (1 + fabs(want[i])), "m[%d] = %.17g want %.17g",
              i, m[i], want[i]);
  /* multiples of pi/2 and pi/3 are exact, not 6e-17 or 0.49999999999999994 */
  cr_expect_eq(m[2], -1.0);
  cr_expect_eq(m[4], 0.5);
  cr_expect_eq(m[5], 0.0);
  cr_expect_eq(m[11], -0.5);
  cr_expect(!signbit(m[5]), "sin(pi) is +0");
  /* the golden ratio two ways: cos(pi/5) = (1+sqrt(5))/4 */
  cr_expect(fabs(m[0] - cos(pi / 5)) <= 2e-16, "%.17g", m[0]);
  weyl_group_free(g);
}

/* Literals of any length: 200 digits of 1/3 read as strtod reads them. */
Test(repfile, literals_longer_than_127_characters_are_read) {
  char lit[256] = "0.", text[512];
  for (int i = 2; i < 202; i++) lit[i] = '3';
  lit[202] = '\0';
  snprintf(text, sizeof text, HEAD "rep r 1\n g matrix %s\n", lit);
  weyl_group *g = parse_ok(text);
  cr_expect_eq(g->leaves[0].disc[0].mat[0], strtod(lit, NULL));
  weyl_group_free(g);
}

Test(repfile, rejects_nonfinite_numbers) {
  reject(HEAD "rep r 1\n g matrix inf\n", WEYL_EPARSE, 4, "'inf' is not finite");
  reject(HEAD "rep r 1\n g matrix -NaN\n", WEYL_EPARSE, 4, "'-NaN' is not finite");
  reject(HEAD "rep r 1\n g matrix\n 1e999\n", WEYL_EPARSE, 5, "'1e999' is not finite");
  reject(HEAD "rep r 1\n g matrix 1e200*1e200\n", WEYL_EPARSE, 4, "is not finite");
  reject(HEAD "rep r 1\n g matrix 1/0\n", WEYL_EPARSE, 4, "'1/0' divides by zero");
  reject(HEAD "rep r 1\n g matrix sqrt(-2)\n", WEYL_EPARSE, 4, "sqrt of a negative");
}

Test(repfile, rejects_repeated_perm_index) {
  reject("group d4\ngenerators r f\nrep pixels 9\n r perm 6 3 0 7 4 1 8 5 2\n"
         "\n\n f perm 2 1 0 5 4 3\n 8 3 6\n",
         WEYL_EPARSE, 8, "permutation for generator f of rep pixels repeats index 3");
}

Test(repfile, rejects_perm_index_out_of_range) {
  reject(HEAD "rep r 3\n g perm 0 3 1\n", WEYL_EPARSE, 4, "has '3', expected an index 0..2");
  reject(HEAD "rep r 3\n g perm 0 -1 1\n", WEYL_EPARSE, 4, "has '-1'");
  reject(HEAD "rep r 3\n g perm 0 1.0 2\n", WEYL_EPARSE, 4, "has '1.0'");
}

Test(repfile, rejects_perm_of_wrong_length) {
  reject(HEAD "rep r 3\n g perm 0 1\n", WEYL_EPARSE, 4,
         "needs 3 indices, found 2 before end of file");
  reject(HEAD "rep r 3\n g perm 0 1 2 3\n", WEYL_EPARSE, 4, "needs 3 indices, found 4");
}

Test(repfile, rejects_matrix_with_wrong_count) {
  reject(HEAD "algebra A\nrep r 2\n g identity\n A matrix\n 0 1\n 1\n", WEYL_EPARSE, 6,
         "matrix for generator A of rep r needs 4 numbers (2x2), found 3 before end of file");
  reject(HEAD "algebra A\nrep r 2\n A matrix\n 0 1\n 1 0 0\n g identity\n", WEYL_EPARSE, 5,
         "needs 4 numbers (2x2), found 5 before 'g'");
}

Test(repfile, rejects_missing_generator_at_rep_line) {
  reject("group G\ngenerators a b\nalgebra C\n\nrep r 1\n a identity\n C zero\n", WEYL_EPARSE,
         5, "rep r gives no entry for discrete generator b");
  reject("group G\ngenerators a\nalgebra C\nrep r 1\n a identity\nrep s 1\n C zero\n",
         WEYL_EPARSE, 4, "rep r gives no entry for algebra generator C");
}

Test(repfile, rejects_generator_given_twice) {
  reject(HEAD "rep r 1\n g identity\n g matrix 2\n", WEYL_EPARSE, 5,
         "generator 'g' is given twice in rep r (first on line 4)");
}

Test(repfile, rejects_unknown_generator_name) {
  reject(HEAD "rep r 1\n g identity\n h identity\n", WEYL_EPARSE, 5,
         "expected a declared generator name or 'rep' in rep r, found 'h'");
  reject(HEAD "rep r 1\n g identity 2\n", WEYL_EPARSE, 4, "found '2'");
}

Test(repfile, rejects_reused_names) {
  reject("group G\ngenerators a b a\n", WEYL_EPARSE, 2,
         "generator name 'a' is declared twice");
  reject("group G\ngenerators a\nalgebra a\n", WEYL_EPARSE, 3, "'a' is declared twice");
  reject(HEAD "rep r 1\n g identity\n\nrep r 1\n g identity\n", WEYL_EPARSE, 6,
         "rep name 'r' is already used on line 3");
  reject(HEAD "rep r 1\n g identity\nrep V 1\n g identity\n", WEYL_EPARSE, 5, "found 'V'");
  reject(HEAD "rep Scalar 1\n g identity\n", WEYL_EPARSE, 3, "found 'Scalar'");
}

Test(repfile, rejects_bad_names) {
  reject("group G\ngenerators a rep\n", WEYL_EPARSE, 2, "expected a generator name");
  reject("group G\ngenerators 1a\n", WEYL_EPARSE, 2, "found '1a'");
  reject("group G\ngenerators a.T\n", WEYL_EPARSE, 2, "found 'a.T'");
  reject(HEAD "rep a*b 1\n", WEYL_EPARSE, 3, "expected a rep name");
  reject(HEAD "rep\nr 1\n", WEYL_EPARSE, 3, "expected 'rep NAME DIM'");
}

Test(repfile, rejects_singular_discrete_matrix) {
  reject(HEAD "rep r 2\n g matrix\n 1 2\n 2 4\n", WEYL_EPARSE, 4,
         "matrix for generator g of rep r is singular");
  reject(HEAD "rep r 2\n g matrix 0 0 0 0\n", WEYL_EPARSE, 4, "is singular");
  reject(HEAD "rep r 2\n g matrix 1 0 0 1e-15\n", WEYL_EPARSE, 4,
         "reciprocal condition number");
}

/* Subnormal entries: the LU factors overflow (1 / 1e-310), which LAPACKE's
 * dgecon once rejected as "info -4", a numerical failure (exit 3). */
Test(repfile, subnormal_discrete_matrix_is_singular_not_a_lapack_failure) {
  reject(HEAD "rep r 2\n g matrix 1e-310 0 0 1\n", WEYL_EPARSE, 4, "is singular");
  reject(HEAD "rep r 2\n g matrix 0 1e-310 1e-310 0\n", WEYL_EPARSE, 4, "is singular");
  reject(HEAD "rep r 3\n g matrix 1 0 0 0 4e-320 0 0 0 1\n", WEYL_EPARSE, 4, "is singular");
}

Test(repfile, accepts_singular_algebra_matrix_and_ill_conditioned_but_regular) {
  weyl_group *g = parse_ok("group G\ngenerators g\nalgebra A\nrep r 2\n"
                           " A matrix 1 2 2 4\n g matrix 1 0 0 1e-12\n");
  weyl_group_free(g);
}

Test(repfile, rejects_perm_on_algebra_generator) {
  reject("group G\nalgebra A\nrep r 2\n A perm 1 0\n", WEYL_EPARSE, 4,
         "'perm' is for discrete generators; algebra generator A");
}

Test(repfile, rejects_identity_on_algebra_and_zero_on_discrete) {
  reject("group G\nalgebra A\nrep r 2\n A identity\n", WEYL_EPARSE, 4,
         "'identity' is for discrete generators");
  reject(HEAD "rep r 2\n g zero\n", WEYL_EPARSE, 4, "'zero' is for algebra generators");
}

Test(repfile, rejects_bad_dimensions) {
  reject(HEAD "rep r 0\n", WEYL_EPARSE, 3, "must be at least 1, found '0'");
  reject(HEAD "rep r\n 2\n", WEYL_EPARSE, 3, "expected a dimension after 'rep r'");
  reject(HEAD "rep r two\n", WEYL_EPARSE, 3, "found 'two'");
  reject(HEAD "rep r 4097\n", WEYL_ELIMIT, 3, "the limit is 4096");
  reject(HEAD "rep r 99999999999999999999\n", WEYL_ELIMIT, 3, "the limit is 4096");
}

Test(repfile, rejects_too_many_generators) {
  static char text[2048];
  int n = snprintf(text, sizeof text, "group G\ngenerators");
  for (int k = 0; k < 40; k++) n += snprintf(text + n, sizeof text - (size_t)n, " g%d", k);
  n += snprintf(text + n, sizeof text - (size_t)n, "\nalgebra");
  for (int k = 0; k < 25; k++) n += snprintf(text + n, sizeof text - (size_t)n, " a%d", k);
  reject(text, WEYL_ELIMIT, 3, "more than 64 generators");
}

Test(repfile, rejects_too_many_reps) {
  size_t cap = 64 * (WEYL_GROUP_MAX_LEAVES + 2);
  char *text = malloc(cap);
  int n = snprintf(text, cap, HEAD);
  for (int i = 0; i <= WEYL_GROUP_MAX_LEAVES; i++)
    n += snprintf(text + n, cap - (size_t)n, "rep r%d 1\n g identity\n", i);
  reject(text, WEYL_ELIMIT, 3 + 2 * WEYL_GROUP_MAX_LEAVES, "more than 256 reps");
  free(text);
}

Test(repfile, rejects_file_over_the_size_limit) {
  size_t len = (size_t)WEYL_REPFILE_MAX_BYTES + 1;
  char *text = malloc(len);
  cr_assert_not_null(text);
  memset(text, ' ', len);
  weyl_group *g = NULL;
  cr_expect_eq(weyl_repfile_parse(text, len, "big.rep", &g), WEYL_ELIMIT);
  cr_expect_null(g);
  cr_expect(strstr(weyl_status_last_error(), "big.rep: "));
  cr_expect(strstr(weyl_status_last_error(), "limit"));
  free(text);
}

Test(repfile, rejects_file_without_rep) {
  reject(HEAD "\n# only a comment\n", WEYL_EPARSE, 4, "expected at least one 'rep NAME DIM'");
}

Test(repfile, rejects_file_without_generators) {
  reject("group G\nalgebra\nrep r 1\n", WEYL_EPARSE, 3, "naming at least one generator");
}

Test(repfile, rejects_declarations_after_a_rep) {
  reject(HEAD "rep r 1\n g identity\nalgebra A\n", WEYL_EPARSE, 5,
         "'algebra' must come before the first rep");
  reject("group G\ngenerators g\ngenerators h\n", WEYL_EPARSE, 3, "second 'generators' line");
}

Test(repfile, rejects_nul_bytes) {
  const char text[] = "group G\ngenerators g\nrep r 1\n g iden\0tity\n";
  weyl_group *g = NULL;
  cr_assert_eq(weyl_repfile_parse(text, sizeof text - 1, "t.rep", &g), WEYL_EPARSE);
  cr_expect_null(g);
  cr_expect(strstr(weyl_status_last_error(), "t.rep:4: "), "%s", weyl_status_last_error());
  cr_expect(strstr(weyl_status_last_error(), "NUL byte"));
}

Test(repfile, missing_file_is_an_io_error) {
  weyl_group *g = NULL;
  cr_assert_eq(weyl_repfile_load("/nonexistent/dir/x.rep", &g), WEYL_EIO);
  cr_expect_null(g);
  cr_expect(strstr(weyl_status_last_error(), "/nonexistent/dir/x.rep: cannot read: "), "%s",
            weyl_status_last_error());
}

Test(repfile, load_names_the_path_in_messages) {
  char path[] = "/tmp/weyl_repfile_XXXXXX";
  int fd = mkstemp(path);
  cr_assert_geq(fd, 0);
  const char text[] = "group G\ngenerators g\nrep r 1\n g matrix 0\n";
  cr_assert_eq(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
  close(fd);
  weyl_group *g = NULL;
  weyl_status st = weyl_repfile_load(path, &g);
  unlink(path);
  char want[64];
  snprintf(want, sizeof want, "%s:4: ", path);
  cr_expect_eq(st, WEYL_EPARSE);
  cr_expect(strncmp(weyl_status_last_error(), want, strlen(want)) == 0, "%s",
            weyl_status_last_error());
}

Test(repfile, null_arguments_are_invalid) {
  weyl_group *g = NULL;
  cr_expect_eq(weyl_repfile_parse("x", 1, "t", NULL), WEYL_EINVAL);
  cr_expect_eq(weyl_repfile_parse(NULL, 1, "t", &g), WEYL_EINVAL);
  cr_expect_eq(weyl_repfile_load(NULL, &g), WEYL_EINVAL);
}

/* Issue 16 item 14: a file saved with classic Mac line endings (CR only)
 * was one long line, "found also 'generators'". CR, CRLF and LF each end a
 * line: the three spellings give the same group, and an error names the
 * same line in all of them (a NUL byte too: its line is counted apart). */
Test(repfile, cr_crlf_and_lf_line_endings_are_the_same_file) {
  const char *lf = "group Z3\ngenerators r\n# a comment\nrep V 3\n  r perm 1 2 0\n";
  const char *bad_lf = "group Z3\ngenerators r\n# a comment\nrep V 3\n  r perm 1 2 2\n";
  const char *ends[] = {"\n", "\r\n", "\r"};
  for (int e = 0; e < 3; e++) {
    char text[256] = {0}, bad[256] = {0};
    for (const char *p = lf; *p; p++) strcat(text, *p == '\n' ? ends[e] : (char[2]){*p, 0});
    for (const char *p = bad_lf; *p; p++) strcat(bad, *p == '\n' ? ends[e] : (char[2]){*p, 0});
    weyl_group *g = parse_ok(text);
    cr_expect_eq(weyl_group_leaf_dim(g, 0), 3, "ending %d", e);
    cr_expect_eq(weyl_group_ndisc(g), 1);
    weyl_group_free(g);
    reject(bad, WEYL_EPARSE, 5, "perm");
    char with_nul[256];
    size_t n = strlen(text);
    memcpy(with_nul, text, n);
    with_nul[n - 3] = '\0'; /* inside "0" of line 5's perm */
    cr_expect_eq(weyl_repfile_parse(with_nul, n, "t.rep", &g), WEYL_EPARSE);
    cr_expect(strstr(weyl_status_last_error(), "t.rep:5: "), "ending %d: %s", e,
              weyl_status_last_error());
  }
}
