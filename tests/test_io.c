/* The writers: JSON parses back to the basis, npy headers follow the NumPy
 * format, the text view shows the weight-sharing pattern, path writes are
 * atomic. Checks read the output back with independent code (a minimal JSON
 * number scanner, byte-level npy parsing). */
#define _POSIX_C_SOURCE 200809L

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io_fixture.h"
#include "weyl/io.h"
#include "weyl/repfile.h"

/* Writes s in fmt into memory; *len receives the byte count. */
static char *render(const solved *s, weyl_io_format fmt, size_t *len) {
  char *buf = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&buf, &n);
  cr_assert_not_null(f);
  cr_assert_eq(weyl_io_write(f, fmt, &s->io), WEYL_OK, "%s", weyl_status_last_error());
  fclose(f);
  if (len) *len = n;
  return buf;
}

/* Reads every JSON number in text[from, to) into x (at most cap). */
static int scan_numbers(const char *from, const char *to, double *x, int cap) {
  int n = 0;
  for (const char *p = from; p < to;) {
    if (strchr("-0123456789", *p)) {
      char *end;
      double v = strtod(p, &end);
      cr_assert(end > p);
      if (n < cap) x[n] = v;
      n++;
      p = end;
    } else {
      p++;
    }
  }
  return n;
}

/* The numbers of "basis" read back equal weyl_basis_element bit for bit. */
static void check_json_basis(const solved *s, const char *json) {
  int dim = weyl_basis_dim(s->b), cell = weyl_basis_out_dim(s->b) * weyl_basis_in_dim(s->b);
  const char *from = strstr(json, "\"basis\":"), *to = strstr(json, "\"bias_dim\"");
  cr_assert(from && to && from < to);
  double *got = malloc(sizeof(double) * (size_t)(dim * cell + 1));
  double *W = malloc(sizeof(double) * (size_t)cell);
  cr_assert_eq(scan_numbers(from + 8, to, got, dim * cell), dim * cell);
  for (int k = 0; k < dim; k++) {
    weyl_basis_element(s->b, k, W);
    for (int i = 0; i < cell; i++)
      cr_assert_eq(got[k * cell + i], W[i], "element %d entry %d", k, i);
  }
  free(got);
  free(W);
}

Test(io, json_of_Z4_regular_has_four_circulant_elements) {
  solved s = solve("Z(4)", "regular", "regular");
  char *json = render(&s, WEYL_IO_FORMAT_JSON, NULL);
  cr_assert_not_null(
      strstr(json, "{\"group\": \"Z(4)\", \"in\": \"regular\", \"out\": \"regular\""));
  cr_assert_not_null(strstr(json, "\"in_dim\": 4, \"out_dim\": 4, \"dim\": 4"));
  cr_assert_not_null(strstr(json, "\"bias_dim\": 1"));
  check_json_basis(&s, json);
  /* Independent fact: the 4 orbit indicators partition the 4x4 matrix. */
  double x[64];
  cr_assert_eq(scan_numbers(strstr(json, "\"basis\":") + 8, strstr(json, "\"bias_dim\""), x, 64),
               64);
  for (int i = 0; i < 16; i++) {
    double sum = 0;
    for (int k = 0; k < 4; k++) sum += x[16 * k + i];
    cr_assert_eq(sum, 1.0, "entry %d", i);
  }
  free(json);
  release(&s);
}

Test(io, json_round_trips_irrational_entries) {
  solved s = solve("SO(3)", "V**2", "Scalar");
  char *json = render(&s, WEYL_IO_FORMAT_JSON, NULL);
  cr_assert_not_null(strstr(json, "\"dim\": 1"));
  check_json_basis(&s, json);
  free(json);
  release(&s);
}

Test(io, json_escapes_strings) {
  solved s = solve("Z(4)", "regular", "regular");
  s.io.group = "a\"b\\c\nd\x01";
  char *json = render(&s, WEYL_IO_FORMAT_JSON, NULL);
  cr_assert_not_null(strstr(json, "\"group\": \"a\\\"b\\\\c\\nd\\u0001\""), "%s", json);
  free(json);
  release(&s);
}

/* Parses an npy buffer: checks magic, version, padding; returns the header. */
static char *npy_header(const unsigned char *buf, size_t len, size_t *data_off) {
  cr_assert_geq(len, 10);
  cr_assert_eq(memcmp(buf, "\x93NUMPY\x01\x00", 8), 0);
  size_t hlen = (size_t)buf[8] | (size_t)buf[9] << 8;
  cr_assert_eq((10 + hlen) % 64, 0, "header length %zu", hlen);
  cr_assert_leq(10 + hlen, len);
  cr_assert_eq(buf[10 + hlen - 1], '\n');
  char *h = malloc(hlen + 1);
  memcpy(h, buf + 10, hlen);
  h[hlen] = '\0';
  *data_off = 10 + hlen;
  return h;
}

static double read_le_double(const unsigned char *p) {
  uint64_t u = 0;
  for (int i = 7; i >= 0; i--) u = u << 8 | p[i];
  double d;
  memcpy(&d, &u, 8);
  return d;
}

Test(io, npy_header_and_data_match_the_elements) {
  solved s = solve("D(3)", "regular", "V");
  int dim = weyl_basis_dim(s.b), no = weyl_basis_out_dim(s.b), ni = weyl_basis_in_dim(s.b);
  size_t len, off;
  unsigned char *buf = (unsigned char *)render(&s, WEYL_IO_FORMAT_NPY, &len);
  char *h = npy_header(buf, len, &off);
  char shape[64];
  snprintf(shape, sizeof shape, "'shape': (%d, %d, %d)", dim, no, ni);
  cr_assert_not_null(strstr(h, "'descr': '<f8'"), "%s", h);
  cr_assert_not_null(strstr(h, "'fortran_order': False"), "%s", h);
  cr_assert_not_null(strstr(h, shape), "%s", h);
  cr_assert_eq(len - off, (size_t)dim * no * ni * 8);
  double *W = malloc(sizeof(double) * (size_t)(no * ni));
  for (int k = 0; k < dim; k++) {
    weyl_basis_element(s.b, k, W);
    for (int i = 0; i < no * ni; i++)
      cr_assert_eq(read_le_double(buf + off + 8 * ((size_t)k * no * ni + i)), W[i]);
  }
  free(W);
  free(h);
  free(buf);
  release(&s);
}

Test(io, npy_of_an_empty_basis_has_shape_zero) {
  solved s = solve("SO(3)", "V", "Scalar"); /* no invariant vector */
  size_t len, off;
  unsigned char *buf = (unsigned char *)render(&s, WEYL_IO_FORMAT_NPY, &len);
  char *h = npy_header(buf, len, &off);
  cr_assert_not_null(strstr(h, "'shape': (0, 1, 3)"), "%s", h);
  cr_assert_eq(len, off);
  free(h);
  free(buf);
  release(&s);
}

Test(io, text_shows_the_circulant_for_Z4) {
  solved s = solve("Z(4)", "regular", "regular");
  char *t = render(&s, WEYL_IO_FORMAT_TEXT, NULL);
  cr_assert_not_null(strstr(t, "group Z(4): regular -> regular  (in_dim 4, out_dim 4)"), "%s", t);
  cr_assert_not_null(strstr(t, "basis dimension: 4 (exact orbit basis)"), "%s", t);
  cr_assert_not_null(strstr(t, "  a b c d\n  d a b c\n  c d a b\n  b c d a\n"), "%s", t);
  cr_assert_not_null(strstr(t, "bias dimension: 1"), "%s", t);
  cr_assert_not_null(strstr(t, "  a a a a\n"), "%s", t);
  free(t);
  release(&s);
}

/* A group that fixes everything: every entry of V -> V is its own element,
 * 36 of them, so names run past z and the columns widen to two letters. */
Test(io, text_names_past_z_and_aligns_columns) {
  static const char rep[] = "group T\ngenerators e\nrep V 6\n e identity\n";
  weyl_group *g = NULL;
  cr_assert_eq(weyl_repfile_parse(rep, sizeof rep - 1, "t.rep", &g), WEYL_OK, "%s",
               weyl_status_last_error());
  solved s = solve_in(g, "V", "V");
  char *t = render(&s, WEYL_IO_FORMAT_TEXT, NULL);
  cr_assert_not_null(strstr(t, "   a  b  c  d  e  f\n"), "%s", t);
  cr_assert_not_null(strstr(t, "  ae af ag ah ai aj\n"), "%s", t);
  free(t);
  release(&s);
}

Test(io, text_prints_canonical_elements_of_an_svd_basis) {
  solved s = solve("SO(3)", "V", "V");
  char *t = render(&s, WEYL_IO_FORMAT_TEXT, NULL);
  cr_assert_not_null(strstr(t, "basis dimension: 1 (SVD, gap"), "%s", t);
  cr_assert_not_null(strstr(t, "  element a:\n    1 . .\n    . 1 .\n    . . 1\n"), "%s", t);
  free(t);
  release(&s);
}

/* Auto solves a block with more than 256 unknowns by the isotypic path
 * (SO(3), 3^5 x 3 here) or, with a discrete generator, the structured one
 * (O(3), 3^4 x 3^2); the summary must not call either an SVD. */
Test(io, text_names_the_isotypic_and_structured_paths) {
  solved s = solve("SO(3)", "V**5", "V");
  char *t = render(&s, WEYL_IO_FORMAT_TEXT, NULL);
  cr_assert_not_null(strstr(t, "basis dimension: 15 (isotypic, gap"), "%.200s", t);
  free(t);
  release(&s);
  s = solve("O(3)", "V**4", "V**2");
  t = render(&s, WEYL_IO_FORMAT_TEXT, NULL);
  cr_assert_not_null(strstr(t, "basis dimension: 15 (structured, gap"), "%.200s", t);
  free(t);
  release(&s);
}

static int count_entries(const char *dir) {
  DIR *d = opendir(dir);
  cr_assert_not_null(d);
  int n = 0;
  for (struct dirent *e; (e = readdir(d));)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
  closedir(d);
  return n;
}

Test(io, path_write_replaces_the_file_and_leaves_no_temporary) {
  solved s = solve("Z(4)", "regular", "regular");
  char dir[] = "/tmp/weyl_io_XXXXXX", path[64];
  cr_assert_not_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/out.json", dir);
  FILE *old = fopen(path, "w");
  fputs("old", old);
  fclose(old);
  cr_assert_eq(weyl_io_write_path(path, WEYL_IO_FORMAT_JSON, &s.io), WEYL_OK, "%s",
               weyl_status_last_error());
  cr_assert_eq(count_entries(dir), 1);
  char buf[64] = {0};
  FILE *f = fopen(path, "r");
  cr_assert_gt(fread(buf, 1, sizeof buf - 1, f), 0);
  fclose(f);
  cr_assert_eq(strncmp(buf, "{\"group\": \"Z(4)\"", 16), 0, "%s", buf);
  unlink(path);
  rmdir(dir);
  release(&s);
}

Test(io, path_write_into_a_missing_directory_fails_with_eio) {
  solved s = solve("Z(4)", "regular", "regular");
  const char *path = "/tmp/weyl_io_no_such_dir_4f2a/out.json";
  struct stat st;
  cr_assert_neq(stat("/tmp/weyl_io_no_such_dir_4f2a", &st), 0);
  cr_assert_eq(weyl_io_write_path(path, WEYL_IO_FORMAT_JSON, &s.io), WEYL_EIO);
  cr_assert_not_null(strstr(weyl_status_last_error(), path), "%s", weyl_status_last_error());
  cr_assert_neq(stat(path, &st), 0);
  release(&s);
}

Test(io, format_names_parse) {
  weyl_io_format f;
  cr_assert_eq(weyl_io_format_parse("text", &f), WEYL_OK);
  cr_assert_eq(f, WEYL_IO_FORMAT_TEXT);
  cr_assert_eq(weyl_io_format_parse("json", &f), WEYL_OK);
  cr_assert_eq(f, WEYL_IO_FORMAT_JSON);
  cr_assert_eq(weyl_io_format_parse("npy", &f), WEYL_OK);
  cr_assert_eq(f, WEYL_IO_FORMAT_NPY);
  cr_assert_eq(weyl_io_format_parse("csv", &f), WEYL_EINVAL);
  cr_assert_not_null(strstr(weyl_status_last_error(), "csv"));
}

/* Issue 16 item 14: when every constraint is zero (a group acting
 * trivially, given as dense matrices) nothing is "kept" and the text said
 * "gap inf: min kept inf, max dropped 0". It now says what happened (the
 * bias, -I b = b, is 0: its constraint is not zero). */
Test(io, text_says_so_when_every_constraint_is_zero) {
  const char *rep = "group T\ngenerators g\nrep V 2\n  g matrix -1 0 0 -1\n"; /* dense */
  weyl_group *g = NULL;
  cr_assert_eq(weyl_repfile_parse(rep, strlen(rep), "t.rep", &g), WEYL_OK);
  solved s = solve_in(g, "V", "V");
  cr_assert_eq(weyl_basis_dim(s.b), 4, "every 2 x 2 matrix commutes with -I");
  char *text = render(&s, WEYL_IO_FORMAT_TEXT, NULL);
  cr_expect_eq(strstr(text, "inf"), NULL, "%s", text);
  cr_expect_neq(strstr(text, "basis dimension: 4 (SVD: every constraint is zero)"), NULL, "%s",
                text);
  free(text);
  release(&s);
}
