/* Where the path writers put their data (issue 16, items 2, 3, 11, 17): a
 * device, FIFO or symbolic link is never replaced by a regular file, an
 * existing file keeps its mode, staged outputs appear only when published,
 * temporary names are reported to the program, and numbers are written with
 * a '.' decimal point whatever locale the host program set. Every check
 * looks at the file system (lstat, the bytes read back), not at the code. */
#define _GNU_SOURCE /* setenv, mkfifo, O_NONBLOCK */

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io_fixture.h"
#include "weyl/io.h"
#include "weyl/svg.h"

static char *fresh_dir(void) {
  char *d = strdup("/tmp/weyl_io_files_XXXXXX");
  cr_assert_not_null(mkdtemp(d));
  return d;
}

static char *join(const char *dir, const char *name) {
  char *p = malloc(strlen(dir) + strlen(name) + 2);
  sprintf(p, "%s/%s", dir, name);
  return p;
}

static void put(const char *path, const char *text, mode_t mode) {
  FILE *f = fopen(path, "w");
  cr_assert_not_null(f, "%s", path);
  fputs(text, f);
  fclose(f);
  cr_assert_eq(chmod(path, mode), 0);
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  cr_assert_not_null(f, "%s", path);
  char *buf = calloc(1, 1 << 20);
  size_t n = fread(buf, 1, (1 << 20) - 1, f);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

/* Names in dir (without . and ..), and how many start with prefix. */
static int count_entries(const char *dir, const char *prefix, int *with_prefix) {
  DIR *d = opendir(dir);
  cr_assert_not_null(d);
  int n = 0, p = 0;
  for (struct dirent *e; (e = readdir(d));) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    n++;
    p += prefix && !strncmp(e->d_name, prefix, strlen(prefix));
  }
  closedir(d);
  if (with_prefix) *with_prefix = p;
  return n;
}

static void remove_dir(char *dir) {
  DIR *d = opendir(dir);
  for (struct dirent *e; d && (e = readdir(d));) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    char *p = join(dir, e->d_name);
    unlink(p);
    free(p);
  }
  if (d) closedir(d);
  rmdir(dir);
  free(dir);
}

static const char *JSON_START = "{\"group\": \"Z(4)\"";

/* ---- item 2: what -o may replace ---------------------------------------- */

Test(io_files, a_fifo_is_written_in_place_and_stays_a_fifo) {
  solved s = solve("Z(4)", "regular", "regular");
  char *dir = fresh_dir(), *fifo = join(dir, "pipe");
  cr_assert_eq(mkfifo(fifo, 0600), 0);
  int rd = open(fifo, O_RDONLY | O_NONBLOCK); /* a reader, so the writer's open returns */
  cr_assert_geq(rd, 0);
  cr_assert_eq(weyl_io_write_path(fifo, WEYL_IO_FORMAT_JSON, &s.io), WEYL_OK, "%s",
               weyl_status_last_error());
  char buf[4096] = {0};
  cr_assert_gt(read(rd, buf, sizeof buf - 1), 0);
  close(rd);
  cr_expect_eq(strncmp(buf, JSON_START, strlen(JSON_START)), 0, "%s", buf);
  struct stat st;
  cr_assert_eq(lstat(fifo, &st), 0);
  cr_expect(S_ISFIFO(st.st_mode), "the FIFO was replaced (mode %o)", st.st_mode);
  cr_expect_eq(count_entries(dir, NULL, NULL), 1, "no temporary left");
  free(fifo);
  remove_dir(dir);
  release(&s);
}

/* b2635d4 renamed a regular file over the link (and, as root, over
 * /dev/null itself). Now the link is followed: /dev/null stays a character
 * device, the link stays a link. */
Test(io_files, a_link_to_a_device_keeps_the_link_and_the_device) {
  struct stat st;
  if (stat("/dev/null", &st) != 0 || !S_ISCHR(st.st_mode)) {
    cr_skip_test("/dev/null is not a character device on this machine (something replaced it)");
    return;
  }
  solved s = solve("Z(4)", "regular", "regular");
  char *dir = fresh_dir(), *link = join(dir, "null");
  cr_assert_eq(symlink("/dev/null", link), 0);
  cr_assert_eq(weyl_io_write_path(link, WEYL_IO_FORMAT_TEXT, &s.io), WEYL_OK, "%s",
               weyl_status_last_error());
  cr_assert_eq(lstat(link, &st), 0);
  cr_expect(S_ISLNK(st.st_mode), "the link was replaced");
  cr_assert_eq(stat("/dev/null", &st), 0);
  cr_expect(S_ISCHR(st.st_mode), "/dev/null is no longer a device");
  cr_expect_eq(count_entries(dir, NULL, NULL), 1);
  free(link);
  remove_dir(dir);
  release(&s);
}

/* A device that refuses the data (/dev/full: ENOSPC) is a write error. */
Test(io_files, a_link_to_dev_full_is_a_write_error) {
  solved s = solve("Z(4)", "regular", "regular");
  char *dir = fresh_dir(), *link = join(dir, "full");
  cr_assert_eq(symlink("/dev/full", link), 0);
  cr_expect_eq(weyl_io_write_path(link, WEYL_IO_FORMAT_JSON, &s.io), WEYL_EIO);
  cr_expect_neq(strstr(weyl_status_last_error(), "No space"), NULL, "%s",
                weyl_status_last_error());
  struct stat st;
  cr_assert_eq(lstat(link, &st), 0);
  cr_expect(S_ISLNK(st.st_mode));
  free(link);
  remove_dir(dir);
  release(&s);
}

/* A link to a regular file: the file is replaced, the link stays. */
Test(io_files, a_link_to_a_file_replaces_the_file_and_keeps_the_link) {
  solved s = solve("Z(4)", "regular", "regular");
  char *dir = fresh_dir(), *file = join(dir, "real.json"), *link = join(dir, "link.json");
  put(file, "old", 0644);
  cr_assert_eq(symlink("real.json", link), 0);
  cr_assert_eq(weyl_io_write_path(link, WEYL_IO_FORMAT_JSON, &s.io), WEYL_OK, "%s",
               weyl_status_last_error());
  struct stat st;
  cr_assert_eq(lstat(link, &st), 0);
  cr_expect(S_ISLNK(st.st_mode), "the link was replaced by a file");
  char *got = slurp(file);
  cr_expect_eq(strncmp(got, JSON_START, strlen(JSON_START)), 0, "%s", got);
  free(got);
  cr_expect_eq(count_entries(dir, NULL, NULL), 2, "no temporary left");
  free(file), free(link);
  remove_dir(dir);
  release(&s);
}

/* An existing file's permission bits come back as they were (b2635d4: 0644
 * whatever they had been). A hard link keeps the old content: the name
 * written gets a new file, as with sed -i or rsync (documented). */
Test(io_files, an_existing_file_keeps_its_mode_and_other_hard_links_keep_the_old_content) {
  solved s = solve("Z(4)", "regular", "regular");
  char *dir = fresh_dir(), *file = join(dir, "out.json"), *other = join(dir, "other.json");
  const mode_t modes[] = {0600, 0640, 0604, 0755};
  for (int i = 0; i < 4; i++) {
    for (int named = 0; named < 2; named++) { /* O_TMPFILE, then the mkstemp route */
      setenv("WEYL_IO_NAMED_TEMP", named ? "1" : "0", 1);
      put(file, "old", modes[i]);
      cr_assert_eq(weyl_io_write_path(file, WEYL_IO_FORMAT_JSON, &s.io), WEYL_OK, "%s",
                   weyl_status_last_error());
      struct stat st;
      cr_assert_eq(stat(file, &st), 0);
      cr_expect_eq(st.st_mode & 07777, modes[i], "mode %o came back %o (named temp %d)", modes[i],
                   st.st_mode & 07777, named);
      unlink(file);
    }
  }
  unsetenv("WEYL_IO_NAMED_TEMP");
  put(file, "old", 0644);
  cr_assert_eq(link(file, other), 0);
  cr_assert_eq(weyl_io_write_path(file, WEYL_IO_FORMAT_JSON, &s.io), WEYL_OK);
  char *a = slurp(file), *b = slurp(other);
  cr_expect_eq(strncmp(a, JSON_START, strlen(JSON_START)), 0);
  cr_expect_str_eq(b, "old");
  free(a), free(b), free(file), free(other);
  remove_dir(dir);
  release(&s);
}

Test(io_files, a_directory_is_refused) {
  solved s = solve("Z(4)", "regular", "regular");
  char *dir = fresh_dir();
  cr_expect_eq(weyl_io_write_path(dir, WEYL_IO_FORMAT_JSON, &s.io), WEYL_EIO);
  cr_expect_neq(strstr(weyl_status_last_error(), "directory"), NULL, "%s",
                weyl_status_last_error());
  cr_expect_eq(count_entries(dir, NULL, NULL), 0);
  remove_dir(dir);
  release(&s);
}

/* ---- item 3: staged outputs appear together ------------------------------ */

Test(io_files, staged_outputs_appear_only_when_published) {
  solved s = solve("Z(4)", "regular", "regular");
  char *dir = fresh_dir(), *json = join(dir, "out.json"), *svg = join(dir, "out.svg");
  for (int named = 0; named < 2; named++) {
    setenv("WEYL_IO_NAMED_TEMP", named ? "1" : "0", 1);
    put(svg, "old picture", 0644);
    weyl_io_staged *st[2] = {NULL, NULL};
    cr_assert_eq(weyl_io_stage_path(json, WEYL_IO_FORMAT_JSON, &s.io, &st[0]), WEYL_OK);
    cr_assert_eq(weyl_svg_stage_path(svg, &s.io, NULL, 0, &st[1]), WEYL_OK);
    struct stat sb;
    cr_expect_neq(stat(json, &sb), 0, "json visible before publish");
    char *old = slurp(svg);
    cr_expect_str_eq(old, "old picture");
    free(old);
    if (named) { /* discarded unpublished: nothing but the old picture */
      weyl_io_staged_free(st[0]), weyl_io_staged_free(st[1]);
      cr_expect_eq(count_entries(dir, NULL, NULL), 1, "temporaries left after free");
      continue;
    }
    cr_assert_eq(weyl_io_staged_publish(st, 2), WEYL_OK, "%s", weyl_status_last_error());
    cr_expect_eq(weyl_io_staged_publish(st, 1), WEYL_EINVAL, "published twice");
    weyl_io_staged_free(st[0]), weyl_io_staged_free(st[1]);
    char *a = slurp(json), *b = slurp(svg);
    cr_expect_eq(strncmp(a, JSON_START, strlen(JSON_START)), 0);
    cr_expect_eq(strncmp(b, "<svg", 4), 0, "%s", b);
    free(a), free(b);
    cr_expect_eq(count_entries(dir, NULL, NULL), 2);
    unlink(json);
  }
  unsetenv("WEYL_IO_NAMED_TEMP");
  free(json), free(svg);
  remove_dir(dir);
  release(&s);
}

/* A device that fails is published first: the regular file staged with it
 * never appears. */
Test(io_files, a_failing_device_keeps_the_other_staged_file_from_appearing) {
  solved s = solve("Z(4)", "regular", "regular");
  char *dir = fresh_dir(), *json = join(dir, "out.json"), *full = join(dir, "full");
  cr_assert_eq(symlink("/dev/full", full), 0);
  weyl_io_staged *st[2] = {NULL, NULL};
  cr_assert_eq(weyl_io_stage_path(json, WEYL_IO_FORMAT_JSON, &s.io, &st[0]), WEYL_OK);
  cr_assert_eq(weyl_svg_stage_path(full, &s.io, NULL, 0, &st[1]), WEYL_OK);
  cr_expect_eq(weyl_io_staged_publish(st, 2), WEYL_EIO);
  weyl_io_staged_free(st[0]), weyl_io_staged_free(st[1]);
  struct stat sb;
  cr_expect_neq(stat(json, &sb), 0, "the json appeared although the picture failed");
  cr_expect_eq(count_entries(dir, NULL, NULL), 1);
  free(json), free(full);
  remove_dir(dir);
  release(&s);
}

/* ---- item 17: temporary names are reported ------------------------------- */

typedef struct {
  char name[512];
  int created, gone;
} seen_names;

static void record(void *ctx, const char *name, int created) {
  seen_names *s = ctx;
  if (created) {
    snprintf(s->name, sizeof s->name, "%s", name);
    s->created++;
  } else {
    s->gone += strcmp(s->name, name) == 0;
  }
}

Test(io_files, the_named_temporary_is_reported_when_it_appears_and_goes) {
  solved s = solve("Z(4)", "regular", "regular");
  char *dir = fresh_dir(), *json = join(dir, "out.json");
  seen_names seen = {{0}, 0, 0};
  weyl_io_temp_hook_set(record, &seen);
  setenv("WEYL_IO_NAMED_TEMP", "1", 1);
  cr_assert_eq(weyl_io_write_path(json, WEYL_IO_FORMAT_JSON, &s.io), WEYL_OK);
  cr_expect_eq(seen.created, 1);
  cr_expect_eq(seen.gone, 1);
  char *prefix = join(dir, "out.json.tmp.");
  cr_expect_eq(strncmp(seen.name, prefix, strlen(prefix)), 0, "%s", seen.name);
  cr_expect_eq(strlen(seen.name), strlen(prefix) + 6);
  free(prefix);
  weyl_io_temp_hook_set(NULL, NULL);
  unsetenv("WEYL_IO_NAMED_TEMP");
  free(json);
  remove_dir(dir);
  release(&s);
}

/* ---- item 11: locale-proof numbers --------------------------------------- */

/* A digit, a comma, a digit: a decimal comma (the writers put ", " between
 * numbers, never a bare comma). */
static int has_decimal_comma(const char *s) {
  for (; s[0] && s[1] && s[2]; s++)
    if (s[0] >= '0' && s[0] <= '9' && s[1] == ',' && s[2] >= '0' && s[2] <= '9') return 1;
  return 0;
}

static char *render(weyl_status (*write)(FILE *, const solved *), const solved *s) {
  FILE *f = tmpfile();
  cr_assert_not_null(f);
  cr_assert_eq(write(f, s), WEYL_OK, "%s", weyl_status_last_error());
  long n = ftell(f);
  char *text = calloc(1, (size_t)n + 1);
  rewind(f);
  cr_assert_eq(fread(text, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  return text;
}

static weyl_status as_json(FILE *f, const solved *s) {
  return weyl_io_write(f, WEYL_IO_FORMAT_JSON, &s->io);
}
static weyl_status as_text(FILE *f, const solved *s) {
  return weyl_io_write(f, WEYL_IO_FORMAT_TEXT, &s->io);
}
static weyl_status as_svg(FILE *f, const solved *s) {
  return weyl_svg_write(f, &s->io, NULL, 0);
}

/* SO(3): V**2 -> Scalar is spanned by I/sqrt(3), 0.57735026918962584 in
 * %.17g; b2635d4 wrote 0,57735026918962584 under de_DE (json.loads then
 * reads the 9-number row as 12 numbers), and hsl(137,5,...) in SVG. */
Test(io_files, numbers_have_a_decimal_point_under_a_decimal_comma_locale) {
  if (!setlocale(LC_ALL, "de_DE.UTF-8") && !setlocale(LC_ALL, "de_DE.utf8")) {
    cr_skip_test("locale de_DE.UTF-8 is not installed (.ci/deps generates it: localedef -i "
                 "de_DE -f UTF-8 de_DE.UTF-8)");
    return;
  }
  cr_assert_str_eq(localeconv()->decimal_point, ",", "the test needs a decimal-comma locale");
  solved so3 = solve("SO(3)", "V**2", "Scalar"), z3 = solve("Z(3)", "V", "V");
  char *json = render(as_json, &so3), *text = render(as_text, &so3), *svg = render(as_svg, &z3);
  cr_expect_neq(strstr(json, "0.57735026918962"), NULL, "%s", json);
  const char *row = strstr(json, "[[");
  cr_assert_not_null(row);
  int commas = 0;
  for (const char *p = row; *p && *p != ']'; p++) commas += *p == ',';
  cr_expect_eq(commas + 1, 9, "the 3 x 3 element has 9 numbers: %s", json);
  cr_expect_not(has_decimal_comma(json), "%s", json);
  cr_expect_not(has_decimal_comma(text), "%s", text);
  cr_expect_neq(strstr(text, "min kept 0."), NULL, "%s", text);
  cr_expect_neq(strstr(svg, "hsl(137.5,70%"), NULL, "%s", svg); /* commas separate hsl's terms */
  cr_expect_eq(strstr(svg, "hsl(137,5"), NULL, "%s", svg);
  cr_expect_str_eq(localeconv()->decimal_point, ",", "the host's locale is left as it was");
  free(json), free(text), free(svg);
  release(&so3), release(&z3);
  setlocale(LC_ALL, "C");
}
