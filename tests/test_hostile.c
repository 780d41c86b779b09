/* Hostile input: NULL and zero-size arguments to every public function,
 * expressions that blow up in size, groups that do not close, and the inputs
 * the fuzzers found (tests/fuzz/regressions/). Every case must return a
 * status with a message, quickly, and never crash. */
#define _POSIX_C_SOURCE 200809L

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weyl/basis.h"
#include "weyl/group_check.h"
#include "weyl/io.h"
#include "weyl/repfile.h"

#define REGRESSIONS WEYL_REPS_DIR "/../tests/fuzz/regressions/"

/* The message must say something specific: not empty, and naming `what`. */
static void assert_fails(weyl_status s, weyl_status want, const char *what) {
  cr_assert_eq(s, want, "status %d (%s), wanted %d: %s", s, weyl_status_str(s), want,
               weyl_status_last_error());
  cr_assert(strstr(weyl_status_last_error(), what), "message '%s' does not mention '%s'",
            weyl_status_last_error(), what);
}

static weyl_group *builtin(const char *name) {
  weyl_group *g = NULL;
  cr_assert_eq(weyl_group_builtin(name, &g), WEYL_OK, "%s", weyl_status_last_error());
  return g;
}

static weyl_group *parse_rep_text(const char *text) {
  weyl_group *g = NULL;
  cr_assert_eq(weyl_repfile_parse(text, strlen(text), "t.rep", &g), WEYL_OK, "%s",
               weyl_status_last_error());
  return g;
}

static weyl_rep *parse(weyl_group *g, const char *expr) {
  weyl_rep *r = NULL;
  cr_assert_eq(weyl_rep_parse(g, expr, &r), WEYL_OK, "%s: %s", expr, weyl_status_last_error());
  return r;
}

/* ---- NULL and zero-size arguments ---- */

Test(null_args, group_functions_return_einval_or_neutral_values) {
  weyl_group *g = NULL;
  long order = 0;
  assert_fails(weyl_group_builtin(NULL, &g), WEYL_EINVAL, "NULL");
  assert_fails(weyl_group_builtin("Z(3)", NULL), WEYL_EINVAL, "NULL");
  cr_assert_neq(weyl_group_builtin("", &g), WEYL_OK);
  cr_assert_null(g);
  assert_fails(weyl_group_order(NULL, 0, &order), WEYL_EINVAL, "NULL");
  weyl_group_check_report *r = malloc(sizeof *r);
  assert_fails(weyl_group_check(NULL, 0, r), WEYL_EINVAL, "NULL");
  free(r);
  weyl_group_free(NULL);
  cr_assert_null(weyl_group_name(NULL));
  cr_assert_eq(weyl_group_ndisc(NULL) + weyl_group_nalg(NULL) + weyl_group_nleaves(NULL), 0);
  cr_assert_null(weyl_group_disc_name(NULL, 0));
  cr_assert_null(weyl_group_alg_name(NULL, 0));
  cr_assert_null(weyl_group_leaf_name(NULL, 0));
  cr_assert_eq(weyl_group_leaf_dim(NULL, 0), 0);
  g = builtin("Z(3)");
  assert_fails(weyl_group_order(g, 0, NULL), WEYL_EINVAL, "NULL");
  assert_fails(weyl_group_check(g, 0, NULL), WEYL_EINVAL, "NULL");
  cr_assert_null(weyl_group_disc_name(g, -1));
  cr_assert_null(weyl_group_disc_name(g, 1));
  cr_assert_null(weyl_group_leaf_name(g, 99));
  weyl_group_free(g);
}

Test(null_args, repfile_functions) {
  weyl_group *g = NULL;
  assert_fails(weyl_repfile_parse(NULL, 5, "x", &g), WEYL_EINVAL, "NULL");
  assert_fails(weyl_repfile_parse("group a", 7, "x", NULL), WEYL_EINVAL, "NULL");
  assert_fails(weyl_repfile_load(NULL, &g), WEYL_EINVAL, "NULL");
  assert_fails(weyl_repfile_load(WEYL_REPS_DIR "/z4.rep", NULL), WEYL_EINVAL, "NULL");
  /* zero-size text: a parse error at line 1, not a crash */
  assert_fails(weyl_repfile_parse(NULL, 0, "empty.rep", &g), WEYL_EPARSE, "empty.rep:1:");
  assert_fails(weyl_repfile_parse("", 0, NULL, &g), WEYL_EPARSE, "expected");
  cr_assert_null(g);
}

Test(null_args, rep_functions) {
  weyl_group *g = builtin("Z(3)");
  weyl_rep *v = parse(g, "V"), *r = NULL;
  double m[9];
  int p[3];
  char buf[8];
  assert_fails(weyl_rep_parse(NULL, "V", &r), WEYL_EINVAL, "NULL");
  assert_fails(weyl_rep_parse(g, NULL, &r), WEYL_EINVAL, "NULL");
  assert_fails(weyl_rep_parse(g, "V", NULL), WEYL_EINVAL, "NULL");
  assert_fails(weyl_rep_parse(g, "", &r), WEYL_EPARSE, "ends too early");
  assert_fails(weyl_rep_parse(g, "   ", &r), WEYL_EPARSE, "ends too early");
  assert_fails(weyl_rep_scalar(NULL, &r), WEYL_EINVAL, "NULL");
  assert_fails(weyl_rep_scalar(g, NULL), WEYL_EINVAL, "NULL");
  assert_fails(weyl_rep_leaf(NULL, "V", &r), WEYL_EINVAL, "NULL");
  assert_fails(weyl_rep_leaf(g, NULL, &r), WEYL_EINVAL, "NULL");
  assert_fails(weyl_rep_leaf(g, "", &r), WEYL_EINVAL, "unknown");
  assert_fails(weyl_rep_regular(NULL, &r), WEYL_EINVAL, "NULL");
  assert_fails(weyl_rep_regular(g, NULL), WEYL_EINVAL, "NULL");
  assert_fails(weyl_rep_rot(NULL, 1, &r), WEYL_EINVAL, "NULL");
  assert_fails(weyl_rep_rot(g, 1, NULL), WEYL_EINVAL, "NULL");
  assert_fails(weyl_rep_sum(NULL, v, &r), WEYL_EINVAL, "NULL");
  assert_fails(weyl_rep_sum(v, NULL, &r), WEYL_EINVAL, "NULL");
  assert_fails(weyl_rep_sum(v, v, NULL), WEYL_EINVAL, "NULL");
  assert_fails(weyl_rep_tensor(NULL, v, &r), WEYL_EINVAL, "NULL");
  assert_fails(weyl_rep_tensor(v, v, NULL), WEYL_EINVAL, "NULL");
  assert_fails(weyl_rep_copies(NULL, 2, &r), WEYL_EINVAL, "NULL");
  assert_fails(weyl_rep_copies(v, 0, &r), WEYL_EINVAL, "positive");
  assert_fails(weyl_rep_copies(v, -5, &r), WEYL_EINVAL, "positive");
  assert_fails(weyl_rep_power(NULL, 2, &r), WEYL_EINVAL, "NULL");
  assert_fails(weyl_rep_power(v, -1, &r), WEYL_EINVAL, ">= 0");
  assert_fails(weyl_rep_dual(NULL, &r), WEYL_EINVAL, "NULL");
  assert_fails(weyl_rep_dual(v, NULL), WEYL_EINVAL, "NULL");
  cr_assert_null(r);
  weyl_rep_free(NULL);
  cr_assert_eq(weyl_rep_dim(NULL), 0);
  cr_assert_null(weyl_rep_group(NULL));
  cr_assert_eq(weyl_rep_is_perm(NULL), 0);
  cr_assert_eq(weyl_rep_str(NULL, buf, sizeof buf), 0);
  cr_assert_eq(weyl_rep_str(v, NULL, 8), 0);
  cr_assert_eq(weyl_rep_str(v, buf, 0), 0);
  assert_fails(weyl_rep_rho(NULL, 0, m), WEYL_EINVAL, "NULL");
  assert_fails(weyl_rep_rho(v, 0, NULL), WEYL_EINVAL, "NULL");
  assert_fails(weyl_rep_rho(v, 1, m), WEYL_EINVAL, "out of range");
  assert_fails(weyl_rep_rho(v, -1, m), WEYL_EINVAL, "out of range");
  assert_fails(weyl_rep_drho(NULL, 0, m), WEYL_EINVAL, "NULL");
  assert_fails(weyl_rep_drho(v, 0, m), WEYL_EINVAL, "out of range"); /* Z(3): no algebra */
  assert_fails(weyl_rep_perm(NULL, 0, p), WEYL_EINVAL, "NULL");
  assert_fails(weyl_rep_perm(v, 0, NULL), WEYL_EINVAL, "NULL");
  assert_fails(weyl_rep_perm(v, 7, p), WEYL_EINVAL, "out of range");
  weyl_rep **parts = NULL;
  int n = 0;
  assert_fails(weyl_rep_summands(NULL, &parts, &n), WEYL_EINVAL, "NULL");
  assert_fails(weyl_rep_summands(v, NULL, &n), WEYL_EINVAL, "NULL");
  assert_fails(weyl_rep_summands(v, &parts, NULL), WEYL_EINVAL, "NULL");
  weyl_rep_free(v);
  weyl_group_free(g);
}

Test(null_args, basis_and_io_functions) {
  weyl_group *g = builtin("Z(3)");
  weyl_rep *v = parse(g, "V");
  weyl_basis *b = NULL;
  double W[9], theta[3] = {1, 2, 3}, err, *mats = NULL;
  int dim = 0;
  assert_fails(weyl_basis_solve(NULL, v, NULL, &b), WEYL_EINVAL, "NULL");
  assert_fails(weyl_basis_solve(v, NULL, NULL, &b), WEYL_EINVAL, "NULL");
  assert_fails(weyl_basis_solve(v, v, NULL, NULL), WEYL_EINVAL, "NULL");
  assert_fails(weyl_basis_solve_bias(NULL, NULL, &b), WEYL_EINVAL, "NULL");
  assert_fails(weyl_basis_solve_bias(v, NULL, NULL), WEYL_EINVAL, "NULL");
  assert_fails(weyl_basis_equivariance_error(NULL, v, W, &err), WEYL_EINVAL, "NULL");
  assert_fails(weyl_basis_equivariance_error(v, v, NULL, &err), WEYL_EINVAL, "NULL");
  assert_fails(weyl_basis_equivariance_error(v, v, W, NULL), WEYL_EINVAL, "NULL");
  cr_assert_null(b);
  weyl_basis_free(NULL);
  cr_assert_eq(weyl_basis_dim(NULL) + weyl_basis_in_dim(NULL) + weyl_basis_out_dim(NULL), 0);
  cr_assert_eq(weyl_basis_is_exact(NULL), 0);
  cr_assert_null(weyl_basis_report_get(NULL));
  assert_fails(weyl_basis_element(NULL, 0, W), WEYL_EINVAL, "NULL");
  assert_fails(weyl_basis_combine(NULL, theta, W), WEYL_EINVAL, "NULL");
  assert_fails(weyl_basis_project(NULL, W, W), WEYL_EINVAL, "NULL");
  assert_fails(weyl_basis_canonical(NULL, &mats, &dim), WEYL_EINVAL, "NULL");
  cr_assert_eq(weyl_basis_solve(v, v, NULL, &b), WEYL_OK);
  assert_fails(weyl_basis_element(b, 0, NULL), WEYL_EINVAL, "NULL");
  assert_fails(weyl_basis_element(b, -1, W), WEYL_EINVAL, "out of range");
  assert_fails(weyl_basis_element(b, weyl_basis_dim(b), W), WEYL_EINVAL, "out of range");
  assert_fails(weyl_basis_combine(b, NULL, W), WEYL_EINVAL, "NULL");
  assert_fails(weyl_basis_combine(b, theta, NULL), WEYL_EINVAL, "NULL");
  assert_fails(weyl_basis_project(b, NULL, W), WEYL_EINVAL, "NULL");
  assert_fails(weyl_basis_project(b, W, NULL), WEYL_EINVAL, "NULL");
  assert_fails(weyl_basis_canonical(b, NULL, &dim), WEYL_EINVAL, "NULL");
  assert_fails(weyl_basis_canonical(b, &mats, NULL), WEYL_EINVAL, "NULL");
  weyl_io_format fmt;
  weyl_io_basis io = {NULL, NULL, NULL, NULL, NULL, NULL, 0};
  assert_fails(weyl_io_format_parse(NULL, &fmt), WEYL_EINVAL, "unknown format");
  assert_fails(weyl_io_format_parse("json", NULL), WEYL_EINVAL, "NULL");
  assert_fails(weyl_io_format_parse("", &fmt), WEYL_EINVAL, "unknown format");
  assert_fails(weyl_io_write(NULL, WEYL_IO_FORMAT_JSON, &io), WEYL_EINVAL, "NULL");
  assert_fails(weyl_io_write(stdout, WEYL_IO_FORMAT_JSON, NULL), WEYL_EINVAL, "NULL");
  assert_fails(weyl_io_write(stdout, WEYL_IO_FORMAT_JSON, &io), WEYL_EINVAL, "NULL"); /* no basis */
  assert_fails(weyl_io_write_path(NULL, WEYL_IO_FORMAT_JSON, &io), WEYL_EINVAL, "NULL");
  assert_fails(weyl_io_write_path("/tmp/x.json", WEYL_IO_FORMAT_JSON, NULL), WEYL_EINVAL, "NULL");
  /* a NULL group label and expressions are written as placeholders, not crashed on */
  io.basis = b;
  FILE *f = tmpfile();
  cr_assert_eq(weyl_io_write(f, WEYL_IO_FORMAT_TEXT, &io), WEYL_OK, "%s", weyl_status_last_error());
  cr_assert_eq(weyl_io_write(f, WEYL_IO_FORMAT_JSON, &io), WEYL_OK, "%s", weyl_status_last_error());
  fclose(f);
  cr_assert_str_neq(weyl_status_str((weyl_status)99), "");
  weyl_basis_free(b);
  weyl_rep_free(v);
  weyl_group_free(g);
}

/* ---- sizes that blow up ---- */

Test(blow_up, expression_dimensions_are_refused_before_building) {
  weyl_group *g = builtin("SO(3)");
  weyl_rep *r = NULL;
  assert_fails(weyl_rep_parse(g, "V**40", &r), WEYL_ELIMIT, "over the limit");
  assert_fails(weyl_rep_parse(g, "1000000*(1000000*V)", &r), WEYL_ELIMIT, "exceeds the limit");
  assert_fails(weyl_rep_parse(g, "(V+V+V+V)**8", &r), WEYL_ELIMIT, "over the limit");
  assert_fails(weyl_rep_parse(g, "(1000*V)*(1000*V)*V", &r), WEYL_ELIMIT, "exceeds the limit");
  assert_fails(weyl_rep_parse(g, "V**2000000", &r), WEYL_EPARSE, "too large");
  assert_fails(weyl_rep_parse(g, "99999999999999999999*V", &r), WEYL_EPARSE, "too large");
  char *long_expr = malloc(5000);
  memset(long_expr, 'V', 4999);
  long_expr[4999] = '\0';
  assert_fails(weyl_rep_parse(g, long_expr, &r), WEYL_ELIMIT, "longer than");
  free(long_expr);
  cr_assert_null(r);
  weyl_group_free(g);
}

/* 10^6 x 10^6 one-dimensional blocks would be visited one by one (hours).
 * The limit is exact: 2048 x 2048 = 2^22 pairs are allowed, 2049 x 2048 not
 * (only the refusal is run: the allowed solve takes seconds under valgrind). */
Test(blow_up, too_many_block_pairs_are_refused) {
  weyl_group *g = builtin("Z(3)");
  weyl_rep *huge = parse(g, "1000000*Scalar"), *a = parse(g, "2049*Scalar");
  weyl_rep *b = parse(g, "2048*Scalar"), *c = parse(g, "1000*Scalar"), *v = parse(g, "4*V");
  weyl_basis *B = NULL;
  cr_assert_eq(WEYL_BASIS_MAX_BLOCK_PAIRS, 2048L * 2048L);
  assert_fails(weyl_basis_solve(huge, huge, NULL, &B), WEYL_ELIMIT, "blocks, over the limit");
  assert_fails(weyl_basis_solve(a, b, NULL, &B), WEYL_ELIMIT, "blocks, over the limit");
  cr_assert_null(B);
  /* 4000 pairs of Hom(Scalar, V), each of dimension 1 (the constant vector) */
  cr_assert_eq(weyl_basis_solve(c, v, NULL, &B), WEYL_OK, "%s", weyl_status_last_error());
  cr_assert_eq(weyl_basis_dim(B), 4000);
  weyl_basis_free(B);
  weyl_rep *reps[] = {huge, a, b, c, v};
  for (int i = 0; i < 5; i++)
    weyl_rep_free(reps[i]);
  weyl_group_free(g);
}

/* 40000 elements of 200 x 200: 1.6e9 numbers, refused before the first byte. */
Test(blow_up, json_and_npy_outputs_over_the_limit_write_nothing) {
  weyl_group *g = builtin("Z(3)");
  weyl_rep *r = parse(g, "200*Scalar");
  weyl_basis *b = NULL;
  cr_assert_eq(weyl_basis_solve(r, r, NULL, &b), WEYL_OK);
  weyl_io_basis io = {"Z(3)", "200*Scalar", "200*Scalar", b, NULL, NULL, 0};
  weyl_io_format fmts[] = {WEYL_IO_FORMAT_JSON, WEYL_IO_FORMAT_NPY};
  for (int i = 0; i < 2; i++) {
    FILE *f = tmpfile();
    assert_fails(weyl_io_write(f, fmts[i], &io), WEYL_ELIMIT, "over the limit");
    cr_assert_eq(ftell(f), 0);
    fclose(f);
  }
  FILE *f = tmpfile(); /* the text view only summarises it */
  cr_assert_eq(weyl_io_write(f, WEYL_IO_FORMAT_TEXT, &io), WEYL_OK, "%s", weyl_status_last_error());
  fclose(f);
  weyl_basis_free(b);
  weyl_rep_free(r);
  weyl_group_free(g);
}

Test(blow_up, regular_rep_of_a_group_over_the_limit) {
  weyl_group *g = builtin("S(8)"); /* 40320 elements */
  weyl_rep *r = NULL;
  assert_fails(weyl_rep_parse(g, "regular", &r), WEYL_ELIMIT, "more than 20000 elements");
  long order = 0;
  cr_assert_eq(weyl_group_order(g, 50000, &order), WEYL_OK);
  cr_assert_eq(order, 40320); /* 8!: the limit, not the group, stopped it */
  weyl_group_free(g);
}

/* ---- discrete generators that do not close ---- */

/* diag(2, 1) has infinite order: its powers overflow. This must be caught
 * early (the entries stop matching once they are inf) and said plainly. */
Test(not_closing, growing_generator_is_reported_infinite) {
  weyl_group *g = parse_rep_text("group grow\ngenerators h\nrep V 2\n  h matrix 2 0 0 1\n");
  weyl_rep *r = NULL;
  long order = 0;
  assert_fails(weyl_group_order(g, 0, &order), WEYL_EINVAL, "is infinite");
  /* in an expression it is the expression that is wrong: a parse error */
  assert_fails(weyl_rep_parse(g, "regular", &r), WEYL_EPARSE, "is infinite");
  weyl_group_free(g);
}

/* A rotation by 1 radian: orthogonal, never returns to the identity. */
Test(not_closing, irrational_rotation_stops_at_the_limit) {
  weyl_group *g = parse_rep_text("group irr\ngenerators h\nrep V 2\n"
                                 "  h matrix 0.5403023058681398 -0.8414709848078965 "
                                 "0.8414709848078965 0.5403023058681398\n");
  weyl_rep *r = NULL;
  assert_fails(weyl_rep_parse(g, "regular", &r), WEYL_ELIMIT, "or is infinite");
  weyl_group_free(g);
}

/* ---- what the fuzzers found ---- */

static char *read_regression(const char *name, size_t *len) {
  char path[512];
  snprintf(path, sizeof path, "%s%s", REGRESSIONS, name);
  FILE *f = fopen(path, "rb");
  cr_assert_not_null(f, "%s", path);
  char *buf = malloc(1 << 16);
  *len = fread(buf, 1, (1 << 16) - 1, f);
  buf[*len] = '\0';
  fclose(f);
  return buf;
}

/* fuzz_expr input: byte 0 picks the group, the rest is the expression. 3431
 * nested '(' overflowed the stack of the recursive-descent parser. */
Test(fuzz_regressions, deeply_nested_parentheses_are_a_parse_error) {
  size_t len;
  char *bytes = read_regression("expr-deep-parentheses", &len);
  cr_assert_gt(len, 1000);
  weyl_group *g = builtin("SO(1,3)");
  weyl_rep *r = NULL;
  assert_fails(weyl_rep_parse(g, bytes + 1, &r), WEYL_EPARSE, "nested more than 100 deep");
  weyl_rep *ok = parse(g, "((((((((((V))))))))))"); /* modest nesting still parses */
  cr_assert_eq(weyl_rep_dim(ok), 4);
  weyl_rep_free(ok);
  free(bytes);
  weyl_group_free(g);
}

/* The start of fuzz_expr's .rep group (mode 1): D3 on the plane, `tri`. */
static weyl_group *d3m_group(void) {
  return parse_rep_text("group D3m\ngenerators r f\n"
                        "rep tri 2\n  r matrix -1/2 -sqrt(3)/2 sqrt(3)/2 -1/2\n"
                        "  f matrix 1 0 0 -1\n");
}

/* fuzz_expr input (mode 1: the .rep group with reps tri, pts, sign):
 * tri**0**019**60**619 is Scalar, but as a tree every walk visits
 * 19 * 60 * 619 = 705660 nodes, 700 deep; the solve took over 10 s, and
 * Scalar**1000**1000**1000 crashed the CLI (stack overflow). Trees are
 * limited to WEYL_REP_MAX_NODES nodes and WEYL_REP_MAX_DEPTH levels. */
Test(fuzz_regressions, power_towers_are_refused_by_tree_size) {
  size_t len;
  char *bytes = read_regression("expr-power-tower-timeout", &len);
  cr_assert_eq(bytes[0], 1);
  weyl_group *g = d3m_group();
  weyl_rep *r = NULL;
  assert_fails(weyl_rep_parse(g, bytes + 1, &r), WEYL_ELIMIT, "tree too large");
  assert_fails(weyl_rep_parse(g, "Scalar**1000**1000**1000", &r), WEYL_ELIMIT, "tree too large");
  r = parse(g, "Scalar**4000"); /* a long chain is still fine */
  cr_assert_eq(weyl_rep_dim(r), 1);
  weyl_rep_free(r);
  free(bytes);
  weyl_group_free(g);
}

/* Issue 16 item 16: the library accepted what the CLI refuses. rtol >= 1
 * keeps every singular value (SO(3)'s V**2 -> V**2 came out 81-dimensional,
 * the right answer is 3: identity, transpose, trace) and NaN none; both are
 * refused. A rtol <= 0 still means the default. */
Test(hostile, rtol_outside_the_open_unit_interval_is_refused) {
  weyl_group *g = builtin("SO(3)");
  weyl_rep *v2 = parse(g, "V**2");
  const double bad[] = {1.0, 2.5, INFINITY, NAN};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    weyl_basis_opts o = {0};
    o.rtol = bad[i];
    weyl_basis *b = NULL;
    assert_fails(weyl_basis_solve(v2, v2, &o, &b), WEYL_EINVAL, "rtol");
    cr_expect_null(b);
  }
  weyl_basis_opts o = {0};
  o.rtol = -1; /* the default */
  weyl_basis *b = NULL;
  cr_assert_eq(weyl_basis_solve(v2, v2, &o, &b), WEYL_OK, "%s", weyl_status_last_error());
  cr_expect_eq(weyl_basis_dim(b), 3);
  weyl_basis_free(b);
  weyl_rep_free(v2);
  weyl_group_free(g);
}

/* Issue 16 item 16: weyl_io_write took any pair of bases: a bias whose
 * output dimension differs from the basis's, or that is not a vector
 * (in_dim 1), produced a json file whose bias_basis does not fit W. */
Test(hostile, io_write_refuses_a_bias_of_the_wrong_shape) {
  weyl_group *g = builtin("Z(3)");
  weyl_rep *v = parse(g, "V"), *v2 = parse(g, "V + V"), *s = parse(g, "Scalar");
  weyl_basis *w = NULL, *bias_v2 = NULL, *not_vector = NULL;
  cr_assert_eq(weyl_basis_solve(v, v, NULL, &w), WEYL_OK);
  cr_assert_eq(weyl_basis_solve(s, v2, NULL, &bias_v2), WEYL_OK);   /* 6 x 1 */
  cr_assert_eq(weyl_basis_solve(v, v, NULL, &not_vector), WEYL_OK); /* 3 x 3 */
  weyl_basis *bad[] = {bias_v2, not_vector};
  for (int i = 0; i < 2; i++) {
    weyl_io_basis io = {"Z(3)", "V", "V", w, bad[i], NULL, 0};
    char buf[4096];
    FILE *f = fmemopen(buf, sizeof buf, "w");
    cr_assert_not_null(f);
    assert_fails(weyl_io_write(f, WEYL_IO_FORMAT_JSON, &io), WEYL_EINVAL, "bias");
    cr_expect_eq(ftell(f), 0, "nothing written");
    fclose(f);
  }
  weyl_basis_free(w), weyl_basis_free(bias_v2), weyl_basis_free(not_vector);
  weyl_rep_free(v), weyl_rep_free(v2), weyl_rep_free(s);
  weyl_group_free(g);
}

/* fuzz_expr input (mode 1, tri of dimension 2): Sym22(tri) has 23
 * coordinates but its orbits live among 2^22 multi-indices of 22 digits,
 * and every rho walked them once per coordinate: over 10 s under ASan. The
 * walk is bounded, k dim^k <= 2^22; Sym10(tri) (10240 digits) still works. */
Test(fuzz_regressions, symmetric_powers_are_bounded_by_their_multi_indices) {
  size_t len;
  char *bytes = read_regression("expr-sym22-timeout", &len);
  cr_assert_eq(bytes[0], 1);
  weyl_group *g = d3m_group();
  weyl_rep *r = NULL;
  assert_fails(weyl_rep_parse(g, bytes + 1, &r), WEYL_ELIMIT, "multi-index digits");
  r = parse(g, "Sym10(tri)");
  cr_assert_eq(weyl_rep_dim(r), 11); /* binomial(2 + 10 - 1, 10) */
  weyl_rep_free(r);
  free(bytes);
  weyl_group_free(g);
}
