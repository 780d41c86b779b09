/* weyl_group_check: defects of generator matrices that are meant to be a
 * representation of one finite group. Expected orders are worked out by hand
 * in the comments (cyclic and quaternion groups). */
#define _POSIX_C_SOURCE 200809L

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "weyl/group_check.h"
#include "weyl/rep.h"
#include "weyl/repfile.h"

static weyl_group *from_text(const char *text) {
  weyl_group *g = NULL;
  cr_assert_eq(weyl_repfile_parse(text, strlen(text), "t.rep", &g), WEYL_OK, "%s",
               weyl_status_last_error());
  return g;
}

/* max_order 0 is the default limit (20000); groups that do not close use a
 * smaller one to keep the suite fast under valgrind. */
static weyl_group_check_report *check_limit(const weyl_group *g, long max_order) {
  weyl_group_check_report *r = malloc(sizeof *r);
  cr_assert_eq(weyl_group_check(g, max_order, r), WEYL_OK, "%s", weyl_status_last_error());
  return r;
}

static weyl_group_check_report *check(const weyl_group *g) { return check_limit(g, 0); }

/* Q8: i and j have order 4, the group 8 elements, and the regular action
 * written out in the file is a rep of the group the quaternion matrices
 * generate. */
Test(group_check, worked_file_q8_has_no_defects) {
  weyl_group *g = NULL;
  cr_assert_eq(weyl_repfile_load(WEYL_REPS_DIR "/q8.rep", &g), WEYL_OK);
  weyl_group_check_report *r = check(g);
  cr_assert_eq(r->order_status, WEYL_OK);
  cr_assert_eq(r->order, 8);
  cr_assert_eq(r->v_order, 8);
  cr_assert_eq(r->gen_order[0], 4);
  cr_assert_eq(r->gen_order[1], 4);
  cr_assert_eq(r->leaves[1].consistent, 1);
  cr_assert_eq(r->leaves[1].order_with_v, 8);
  cr_assert_lt(r->leaves[0].orth_defect, 1e-15); /* the quaternion matrices are orthogonal */
  cr_assert_eq(r->n_defects, 0);
  free(r);
  weyl_group_free(g);
}

/* The icosahedral rotation group written with (1+sqrt(5))/4 (and again with
 * cos(pi/5)): 60 elements (the rotations of the icosahedron), a of order 5,
 * b of order 2, exactly orthogonal to double precision: no defect. */
Test(group_check, icosahedral_file_with_exact_golden_ratio_has_no_defects) {
  weyl_group *g = NULL;
  cr_assert_eq(weyl_repfile_load(WEYL_REPS_DIR "/icosahedral.rep", &g), WEYL_OK, "%s",
               weyl_status_last_error());
  weyl_group_check_report *r = check(g);
  cr_assert_eq(r->order_status, WEYL_OK);
  cr_expect_eq(r->order, 60);
  cr_expect_eq(r->gen_order[0], 5);
  cr_expect_eq(r->gen_order[1], 2);
  cr_expect_eq(r->leaves[1].consistent, 1);
  cr_expect_lt(r->leaves[0].orth_defect, 1e-15);
  cr_expect_lt(r->leaves[1].orth_defect, 1e-15);
  cr_expect_eq(r->n_defects, 0);
  free(r);
  weyl_group_free(g);
}

/* V: 4-cycle (Z4). tri: rotation by 120 degrees (order 3), so g^4 = 1 on V
 * but not on tri: V + tri generates Z12. sq = [[2,1],[-3,-1]] has trace 1 and
 * determinant 1, so order 6, and is not orthogonal (R^T R has 13 at (0,0)). */
Test(group_check, rep_with_other_relations_is_reported) {
  weyl_group *g = from_text("group mix\ngenerators g\n"
                            "rep pts 4\n  g perm 1 2 3 0\n"
                            "rep tri 2\n  g matrix -1/2 -sqrt(3)/2 sqrt(3)/2 -1/2\n"
                            "rep sq 2\n  g matrix 2 1 -3 -1\n"
                            "rep sign 1\n  g matrix -1\n");
  weyl_group_check_report *r = check(g);
  cr_assert_eq(r->order, 4);         /* the group is the one V generates */
  cr_assert_eq(r->gen_order[0], 12); /* on all reps: lcm(4, 3, 6, 2) */
  cr_assert_eq(r->v_order, 4);
  cr_assert_eq(r->leaves[1].consistent, 0);
  cr_assert_eq(r->leaves[2].consistent, 0);
  cr_assert_eq(r->leaves[3].consistent, 1); /* sign: g^2 = 1 follows from g^4 = 1 */
  cr_assert_eq(r->leaves[3].order_with_v, 4);
  cr_assert_lt(r->leaves[1].orth_defect, 1e-15);
  cr_assert_float_eq(r->leaves[2].orth_defect, 12.0, 1e-12); /* |(R^T R - I)_00| = 4+9-1 */
  cr_assert_eq(r->n_defects, 2); /* exactly non-orthogonal matrices are allowed */
  free(r);
  weyl_group_free(g);
}

/* A 45-degree rotation written with 4 digits: R^T R - I is about 2e-5, so
 * the powers drift off the circle and never return: order "more than the
 * limit", and the rounding is named. */
Test(group_check, rounded_rotation_never_closes_and_is_named) {
  weyl_group *g = from_text("group z8bad\ngenerators g\n"
                            "rep rot 2\n  g matrix 0.7071 -0.7071 0.7071 0.7071\n");
  weyl_group_check_report *r = check_limit(g, 1000);
  cr_assert_eq(r->order_status, WEYL_ELIMIT);
  cr_assert_eq(r->gen_order[0], 0);
  double exact = 2 * 0.7071 * 0.7071 - 1; /* diagonal of R^T R - I */
  cr_assert_float_eq(r->leaves[0].orth_defect, -exact, 1e-15);
  cr_assert_geq(r->leaves[0].orth_defect, WEYL_GROUP_CHECK_ORTH_ROUNDED_MIN);
  cr_assert_eq(r->n_defects, 2); /* g does not close; rot is nearly orthogonal */
  free(r);
  weyl_group_free(g);
}

/* The same rotation written exactly closes: order 8, no defect. */
Test(group_check, exact_rotation_closes) {
  weyl_group *g = from_text("group z8\ngenerators g\n"
                            "rep rot 2\n  g matrix sqrt(2)/2 -sqrt(2)/2 sqrt(2)/2 sqrt(2)/2\n");
  weyl_group_check_report *r = check(g);
  cr_assert_eq(r->order, 8);
  cr_assert_eq(r->gen_order[0], 8);
  cr_assert_eq(r->n_defects, 0);
  free(r);
  weyl_group_free(g);
}

Test(group_check, growing_generator_is_infinite) {
  weyl_group *g = from_text("group grow\ngenerators h\nrep V 2\n  h matrix 2 0 0 1\n");
  weyl_group_check_report *r = check(g);
  cr_assert_eq(r->order_status, WEYL_EINVAL);
  cr_assert(strstr(weyl_status_last_error(), "is infinite"), "%s", weyl_status_last_error());
  cr_assert_eq(r->gen_order[0], 0);
  cr_assert_geq(r->n_defects, 1);
  free(r);
  weyl_group_free(g);
}

/* A permutation of large order is not a defect: perms always close. */
Test(group_check, long_permutation_cycles_are_not_a_defect) {
  /* cycles of lengths 2,3,5,7,11,13,17,19,23 on 100 points: order 223092870 */
  char text[2048] = "group big\ngenerators g\nrep V 100\n  g perm";
  int lens[] = {2, 3, 5, 7, 11, 13, 17, 19, 23}, start = 0;
  for (int c = 0; c < 9; c++, start += lens[c - 1])
    for (int i = 0; i < lens[c]; i++)
      snprintf(text + strlen(text), sizeof text - strlen(text), " %d", start + (i + 1) % lens[c]);
  weyl_group *g = from_text(text);
  weyl_group_check_report *r = check_limit(g, 1000);
  cr_assert_eq(r->order_status, WEYL_ELIMIT);
  cr_assert_eq(r->n_defects, 0);
  free(r);
  weyl_group_free(g);
}

Test(group_check, algebra_groups_get_the_orthogonality_part_only) {
  weyl_group *g = NULL;
  cr_assert_eq(weyl_repfile_load(WEYL_REPS_DIR "/o3.rep", &g), WEYL_OK);
  weyl_group_check_report *r = check(g);
  cr_assert_eq(r->order_status, WEYL_EINVAL);
  cr_assert_eq(r->order, 0);
  cr_assert_eq(r->leaves[0].orth_defect, 0.0); /* P = -I */
  cr_assert_eq(r->n_defects, 0);
  free(r);
  weyl_group_free(g);
}

/* Runs `weyl ARGS FILE` on text saved as FILE; out receives stdout and stderr. */
static int run_weyl(const char *text, const char *args, char *out, size_t cap) {
  char dir[] = "/tmp/weyl_check_XXXXXX", path[64], cmd[256];
  cr_assert_not_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/g.rep", dir);
  FILE *f = fopen(path, "w");
  fputs(text, f);
  fclose(f);
  snprintf(cmd, sizeof cmd, "'%s' %s %s 2>&1", WEYL_CLI_PATH, args, path);
  FILE *p = popen(cmd, "r");
  size_t n = fread(out, 1, cap - 1, p);
  out[n] = '\0';
  int st = pclose(p);
  remove(path);
  remove(dir);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* weyl check prints the report and exits 1 on a defect, 0 otherwise. */
static int run_check(const char *text, char *out, size_t cap) {
  return run_weyl(text, "check", out, cap);
}

Test(group_check, cli_exit_status_follows_the_defects) {
  char out[8192];
  cr_assert_eq(run_check("group z8bad\ngenerators g\n"
                         "rep rot 2\n  g matrix 0.7071 -0.7071 0.7071 0.7071\n",
                         out, sizeof out),
               1, "%s", out);
  cr_assert(strstr(out, "nearly but not exactly orthogonal"), "%s", out);
  cr_assert(strstr(out, "2 defects found"), "%s", out);
  cr_assert_eq(run_check("group mix\ngenerators g\nrep pts 4\n  g perm 1 2 3 0\n"
                         "rep tri 2\n  g matrix -1/2 -sqrt(3)/2 sqrt(3)/2 -1/2\n",
                         out, sizeof out),
               1, "%s", out);
  cr_assert(strstr(out, "rep tri is not a representation of the group generated by V"), "%s", out);
  cr_assert_eq(run_check("group z8\ngenerators g\n"
                         "rep rot 2\n  g matrix sqrt(2)/2 -sqrt(2)/2 sqrt(2)/2 sqrt(2)/2\n",
                         out, sizeof out),
               0, "%s", out);
  cr_assert(strstr(out, "order: 8\n"), "%s", out);
  cr_assert(strstr(out, "checks: 0 defects"), "%s", out);
}

/* S3 conjugated by D = diag(s, 1, 1/s): entries d_i/d_j up to s^2. The
 * 3-cycle c has 1-norm s^2 and its inverse s, so condition number s^3 exactly
 * (worked out by hand). At s = 1e4 (condition 1e12) the dense solver used to
 * report Hom(V, V) of dimension 3 instead of 2 with a large gap (the basis
 * solve now averages it away, tests/test_basis_ortho.c); check must still
 * name it. At s = 10 (condition 1e3) nothing is wrong. */
static char *scaled_s3(double s) {
  double d[3] = {s, 1, 1 / s};
  int perms[2][3] = {{1, 0, 2}, {1, 2, 0}};
  char *text = malloc(2048);
  int n = snprintf(text, 2048, "group S3s\ngenerators t c\nrep V 3\n");
  for (int k = 0; k < 2; k++) {
    double m[9] = {0};
    for (int i = 0; i < 3; i++)
      m[perms[k][i] * 3 + i] = d[perms[k][i]] / d[i];
    n += snprintf(text + n, 2048 - (size_t)n, "  %s matrix", k ? "c" : "t");
    for (int e = 0; e < 9; e++)
      n += snprintf(text + n, 2048 - (size_t)n, " %.17g", m[e]);
    n += snprintf(text + n, 2048 - (size_t)n, "\n");
  }
  return text;
}

Test(group_check, badly_conditioned_generators_are_a_defect) {
  double scales[] = {10, 1e4};
  for (int i = 0; i < 2; i++) {
    char *text = scaled_s3(scales[i]);
    weyl_group *g = from_text(text);
    weyl_group_check_report *r = check(g);
    double want = scales[i] * scales[i] * scales[i];
    cr_assert_eq(r->order, 6);
    cr_assert_eq(r->leaves[0].cond_gen, 1, "the 3-cycle is the worse one");
    cr_assert(r->leaves[0].cond > want / 10 && r->leaves[0].cond < want * 10, "cond %g, want %g",
              r->leaves[0].cond, want);
    cr_assert_eq(r->n_defects, want > WEYL_GROUP_CHECK_COND_MAX ? 1 : 0);
    free(r);
    weyl_group_free(g);
    free(text);
  }
}

/* ---- one group: V defines it (rep-format.md 1.3) ---- */

/* weyl_group_check_consistent refuses g with a message containing phrase. */
static void expect_refused(const weyl_group *g, const char *label, const char *phrase) {
  cr_expect_eq(weyl_group_check_consistent(g, label), WEYL_EINVAL);
  cr_expect(strstr(weyl_status_last_error(), phrase), "%s", weyl_status_last_error());
}

static int regular_dim(weyl_group *g) {
  weyl_rep *reg = NULL;
  cr_assert_eq(weyl_rep_parse(g, "regular", &reg), WEYL_OK, "%s", weyl_status_last_error());
  int d = weyl_rep_dim(reg);
  weyl_rep_free(reg);
  return d;
}

/* SO(3) with a second rep whose Lx has the opposite sign: [Lx, Ly] = -Lz
 * there but +Lz on V, so the structure constants differ (residual |2 Lz| /
 * max(|Lx| |Ly|, |Lz|) = 2 sqrt(2) / 2 = sqrt(2)). The file is refused with
 * the line of vec2's header (7), and weyl check names the bracket. */
static const char *SO3_FLIPPED = "group SO3bad\nalgebra Lx Ly Lz\n"
                                 "rep vec 3\n"
                                 "  Lx matrix 0 0 0  0 0 -1  0 1 0\n"
                                 "  Ly matrix 0 0 1  0 0 0  -1 0 0\n"
                                 "  Lz matrix 0 -1 0  1 0 0  0 0 0\n"
                                 "rep vec2 3\n"
                                 "  Lx matrix 0 0 0  0 0 1  0 -1 0\n"
                                 "  Ly matrix 0 0 1  0 0 0  -1 0 0\n"
                                 "  Lz matrix 0 -1 0  1 0 0  0 0 0\n";

Test(group_check, sign_flipped_algebra_generator_is_flagged_and_refused) {
  weyl_group *g = from_text(SO3_FLIPPED);
  weyl_group_check_report *r = check(g);
  cr_expect_lt(r->leaves[0].alg_residual, 1e-15);
  cr_expect(fabs(r->leaves[1].alg_residual - sqrt(2.0)) < 1e-12, "%g", r->leaves[1].alg_residual);
  cr_expect_eq(r->leaves[1].alg_gen[0], 0);
  cr_expect_eq(r->leaves[1].alg_gen[1], 1);
  cr_expect_eq(r->n_defects, 1);
  expect_refused(g, "so3bad.rep", "so3bad.rep:7: rep vec2 is not a representation");
  free(r);
  weyl_group_free(g);
  char out[4096];
  cr_expect_eq(run_weyl(SO3_FLIPPED, "basis --in vec --out vec2", out, sizeof out), 1, "%s", out);
  cr_expect(strstr(out, "g.rep:7: rep vec2 is not a representation of the Lie algebra"), "%s",
            out);
  cr_expect_eq(run_check(SO3_FLIPPED, out, sizeof out), 1, "%s", out);
  cr_expect(strstr(out, "defect: rep vec2: [Lx, Ly] is not the combination"), "%s", out);
}

/* The same rep with every entry off by 1e-6 (rounded): the brackets are off
 * by about 1e-6 relative, a defect for weyl check, not a refusal. */
Test(group_check, rounded_algebra_entries_are_a_defect_not_a_refusal) {
  weyl_group *g = from_text("group SO3r\nalgebra Lx Ly Lz\n"
                            "rep vec 3\n"
                            "  Lx matrix 0 0 0  0 0 -1  0 1 0\n"
                            "  Ly matrix 0 0 1  0 0 0  -1 0 0\n"
                            "  Lz matrix 0 -1 0  1 0 0  0 0 0\n"
                            "rep vec2 3\n"
                            "  Lx matrix 0 0 0  0 0 -1.000001  0 1.000001 0\n"
                            "  Ly matrix 0 0 1  0 0 0  -1 0 0\n"
                            "  Lz matrix 0 -1 0  1 0 0  0 0 0\n");
  weyl_group_check_report *r = check(g);
  cr_expect_gt(r->leaves[1].alg_residual, WEYL_GROUP_CHECK_ALG_RTOL);
  cr_expect_lt(r->leaves[1].alg_residual, WEYL_GROUP_CHECK_ALG_REFUSE);
  cr_expect_eq(r->n_defects, 1);
  cr_expect_eq(weyl_group_check_consistent(g, NULL), WEYL_OK, "%s", weyl_status_last_error());
  free(r);
  weyl_group_free(g);
}

/* O(2): P = diag(1, -1) turns L into -L on V. A second rep where P acts as
 * the identity keeps L: h A h^-1 = A there, -A on V (residual |2L| /
 * max(|L|, |L|) = 2). A third rep, the pseudo-plane P = -diag(1, -1),
 * also sends L to -L and is fine. */
Test(group_check, discrete_action_on_the_algebra_is_checked) {
  weyl_group *g = from_text("group O2\ngenerators P\nalgebra L\n"
                            "rep vec 2\n  P matrix 1 0 0 -1\n  L matrix 0 -1 1 0\n"
                            "rep good 2\n  P matrix -1 0 0 1\n  L matrix 0 -1 1 0\n"
                            "rep bad 2\n  P identity\n  L matrix 0 -1 1 0\n");
  weyl_group_check_report *r = check(g);
  cr_expect_lt(r->leaves[0].action_residual, 1e-15);
  cr_expect_lt(r->leaves[1].action_residual, 1e-15);
  cr_expect(fabs(r->leaves[2].action_residual - 2) < 1e-12, "%g", r->leaves[2].action_residual);
  cr_expect_eq(r->n_defects, 1);
  expect_refused(g, "o2.rep", "o2.rep:10: rep bad is not a representation of the "
                                             "group V generates: P L P^-1");
  free(r);
  weyl_group_free(g);
}

/* S3 with its sign character first: V generates Z2, so `regular` is
 * 2-dimensional (as rep-format.md 2.2 says), and the 3-point permutation rep
 * after it, which is not a rep of Z2, makes the file refused. */
Test(group_check, sign_character_first_defines_z2) {
  const char *text = "group S3sign\ngenerators t c\n"
                     "rep sign 1\n  t matrix -1\n  c identity\n"
                     "rep pts 3\n  t perm 1 0 2\n  c perm 1 2 0\n";
  weyl_group *g = from_text(text);
  cr_expect_eq(regular_dim(g), 2);
  weyl_group_check_report *r = check(g);
  cr_expect_eq(r->order, 2);
  cr_expect_eq(r->leaves[1].consistent, 0);
  free(r);
  expect_refused(g, "s.rep", "s.rep:6: rep pts is not a representation");
  weyl_group_free(g);
  char out[4096];
  cr_expect_eq(run_weyl(text, "basis --in regular --out regular", out, sizeof out), 1, "%s", out);
  cr_expect(strstr(out, "g.rep:6: rep pts is not"), "%s", out);
}

/* Q16 = <a, b | a^8 = 1, b^2 = a^4, b a b^-1 = a^-1>: V is left
 * multiplication by the unit quaternions e^(i pi/4) and j (16 elements).
 * The rep `d8` sends a to a rotation by 45 degrees and b to a reflection,
 * so b^2 = 1 but a^4 = -1 there: not a rep of Q16 (V and d8 together
 * generate 32 elements). `chi` (a -> -1, b -> 1) is a character of Q16.
 * `regular` stays 16, the file is refused, chi alone would be fine. */
Test(group_check, inconsistent_q16_file_keeps_regular_16_and_is_refused) {
  const char *text =
      "group Q16\ngenerators a b\n"
      "rep quat 4\n"
      "  a matrix sqrt(2)/2 -sqrt(2)/2 0 0  sqrt(2)/2 sqrt(2)/2 0 0"
      "  0 0 sqrt(2)/2 -sqrt(2)/2  0 0 sqrt(2)/2 sqrt(2)/2\n"
      "  b matrix 0 0 -1 0  0 0 0 1  1 0 0 0  0 -1 0 0\n"
      "rep chi 1\n  a matrix -1\n  b identity\n"
      "rep d8 2\n"
      "  a matrix cos(pi/4) -sin(pi/4) sin(pi/4) cos(pi/4)\n"
      "  b matrix 1 0 0 -1\n";
  weyl_group *g = from_text(text);
  cr_expect_eq(regular_dim(g), 16);
  weyl_group_check_report *r = check(g);
  cr_expect_eq(r->order, 16);
  cr_expect_eq(r->leaves[1].consistent, 1);
  cr_expect_eq(r->leaves[2].consistent, 0);
  cr_expect_eq(r->n_defects, 1);
  free(r);
  expect_refused(g, "q16.rep", "q16.rep:9: rep d8 is not a representation");
  weyl_group_free(g);
}

/* Every worked file is one group; D(2), whose V (2 vertices) does not see
 * the reflection, keeps its 4 elements and reports no defect. */
Test(group_check, worked_files_and_builtins_are_consistent) {
  const char *files[] = {"d4_pixels", "icosahedral", "lorentz", "o3", "q8",
                         "s5",        "so2",         "so3",     "z4", "z8"};
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s.rep", WEYL_REPS_DIR, files[i]);
    weyl_group *g = NULL;
    cr_assert_eq(weyl_repfile_load(path, &g), WEYL_OK);
    cr_expect_eq(weyl_group_check_consistent(g, path), WEYL_OK, "%s", weyl_status_last_error());
    weyl_group_check_report *r = check(g);
    cr_expect_eq(r->n_defects, 0, "%s", files[i]);
    free(r);
    weyl_group_free(g);
  }
  weyl_group *g = NULL;
  cr_assert_eq(weyl_group_builtin("D(2)", &g), WEYL_OK);
  cr_expect_eq(regular_dim(g), 4);
  weyl_group_check_report *r = check(g);
  cr_expect_eq(r->n_defects, 0);
  free(r);
  weyl_group_free(g);
}
