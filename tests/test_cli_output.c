/* Where `weyl` puts its output (issue 16, items 2, 3 and 15): a failing
 * standard output is exit status 4 for every command; -o never replaces a
 * device, FIFO or link, and -o - or /dev/fd/1 is standard output; --svg
 * appears only when the whole run succeeded. The program runs with its
 * standard output opened on a chosen path (no shell in between). */
#define _GNU_SOURCE /* mkfifo, O_NONBLOCK */

#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct {
  int status; /* exit code, -1 when killed */
  char err[4096];
} outcome;

/* Runs weyl argv[0..] with standard output on out_path (opened without
 * truncating, as a device must be) and standard error captured. */
static outcome run_with_stdout(const char *out_path, const char *const *argv) {
  FILE *err = tmpfile();
  cr_assert_not_null(err);
  pid_t pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) {
    int fd = open(out_path, O_WRONLY | O_CREAT, 0644);
    if (fd < 0) _exit(126);
    dup2(fd, 1);
    dup2(fileno(err), 2);
    const char *full[32] = {"weyl"};
    for (int i = 0; argv[i] && i < 30; i++) full[i + 1] = argv[i];
    execv(WEYL_CLI_PATH, (char *const *)full);
    _exit(127);
  }
  int st = 0;
  cr_assert_eq(waitpid(pid, &st, 0), pid);
  outcome o = {WIFEXITED(st) ? WEXITSTATUS(st) : -1, {0}};
  rewind(err);
  size_t n = fread(o.err, 1, sizeof o.err - 1, err);
  o.err[n] = '\0';
  fclose(err);
  return o;
}

static void expect_one_line_and_status(const outcome *o, int status, const char *what) {
  cr_expect_eq(o->status, status, "%s: exit %d, stderr: %s", what, o->status, o->err);
  cr_expect_eq(strncmp(o->err, "weyl: ", 6), 0, "%s: %s", what, o->err);
  const char *nl = strchr(o->err, '\n');
  cr_expect(nl && nl[1] == '\0', "%s: not one line: %s", what, o->err);
}

static char *fresh_dir(void) {
  char *d = strdup("/tmp/weyl_cli_out_XXXXXX");
  cr_assert_not_null(mkdtemp(d));
  return d;
}

static char *in_dir(const char *dir, const char *name) {
  char *p = malloc(strlen(dir) + strlen(name) + 2);
  sprintf(p, "%s/%s", dir, name);
  return p;
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *buf = calloc(1, 1 << 16);
  size_t n = fread(buf, 1, (1 << 16) - 1, f);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

static void remove_dir(char *dir) {
  DIR *d = opendir(dir);
  for (struct dirent *e; d && (e = readdir(d));) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    char *p = in_dir(dir, e->d_name);
    unlink(p);
    free(p);
  }
  if (d) closedir(d);
  rmdir(dir);
  free(dir);
}

static int entries(const char *dir) {
  DIR *d = opendir(dir);
  int n = 0;
  for (struct dirent *e; d && (e = readdir(d));) n += e->d_name[0] != '.';
  if (d) closedir(d);
  return n;
}

#define Z4 "basis", "--group", "Z(4)", "--in", "regular", "--out", "regular"
static const char *const TEXT_START = "group Z(4): regular -> regular";

/* ---- item 15: standard output that fails -------------------------------- */

/* b2635d4: `weyl check > /dev/full` and `weyl --help > /dev/full` exited 0
 * (basis and demo exited 4). Writing to /dev/full is harmless. */
Test(cli_output, every_command_reports_a_full_standard_output) {
  const char *const cases[][8] = {
      {"check", "--group", "Z(3)", NULL}, {"--help", NULL}, {"help", NULL},
      {"--version", NULL},                {"basis", "--help", NULL},
      {"check", "--help", NULL},          {"demo", NULL},
      {Z4, NULL}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    outcome o = run_with_stdout("/dev/full", cases[i]);
    expect_one_line_and_status(&o, 4, cases[i][0]);
  }
}

/* ---- item 2: what -o may replace --------------------------------------- */

/* b2635d4 renamed a regular file over whatever -o named (as root: over
 * /dev/full itself, exit 0). Tested through a link so that the old code's
 * failure stays inside the temporary directory; /dev/full itself only when
 * not root (old code could not replace it then). */
Test(cli_output, o_to_dev_full_is_an_io_error_and_the_device_stays) {
  char *dir = fresh_dir(), *full = in_dir(dir, "full");
  cr_assert_eq(symlink("/dev/full", full), 0);
  const char *args[] = {Z4, "-o", full, NULL};
  outcome o = run_with_stdout("/dev/null", args);
  expect_one_line_and_status(&o, 4, "-o link to /dev/full");
  struct stat st;
  cr_assert_eq(lstat(full, &st), 0);
  cr_expect(S_ISLNK(st.st_mode), "the link was replaced");
  cr_assert_eq(stat("/dev/full", &st), 0);
  cr_expect(S_ISCHR(st.st_mode));
  if (geteuid() != 0) {
    const char *direct[] = {Z4, "-o", "/dev/full", NULL};
    o = run_with_stdout("/dev/null", direct);
    expect_one_line_and_status(&o, 4, "-o /dev/full");
  }
  free(full);
  remove_dir(dir);
}

/* A FIFO gets the data in place and stays a FIFO (b2635d4 renamed a regular
 * file over it, and the reader got nothing). */
Test(cli_output, o_to_a_fifo_writes_into_it) {
  char *dir = fresh_dir(), *fifo = in_dir(dir, "pipe");
  cr_assert_eq(mkfifo(fifo, 0600), 0);
  int rd = open(fifo, O_RDONLY | O_NONBLOCK);
  cr_assert_geq(rd, 0);
  const char *args[] = {Z4, "-o", fifo, NULL};
  outcome o = run_with_stdout("/dev/null", args);
  cr_expect_eq(o.status, 0, "%s", o.err);
  char buf[4096] = {0};
  cr_expect_gt(read(rd, buf, sizeof buf - 1), 0);
  close(rd);
  cr_expect_eq(strncmp(buf, TEXT_START, strlen(TEXT_START)), 0, "%s", buf);
  struct stat st;
  cr_assert_eq(lstat(fifo, &st), 0);
  cr_expect(S_ISFIFO(st.st_mode), "mode %o", st.st_mode);
  cr_expect_eq(entries(dir), 1);
  free(fifo);
  remove_dir(dir);
}

/* -o - and -o /dev/fd/1 (the same as /dev/stdout) are standard output:
 * b2635d4 wrote a file called '-' and failed on /dev/fd/1. */
Test(cli_output, o_dash_and_dev_fd_1_are_standard_output) {
  char *dir = fresh_dir(), *out = in_dir(dir, "stdout.txt");
  const char *targets[] = {"-", "/dev/fd/1", "/proc/self/fd/1"};
  for (int i = 0; i < 3; i++) {
    unlink(out);
    const char *args[] = {Z4, "-o", targets[i], NULL};
    outcome o = run_with_stdout(out, args);
    cr_expect_eq(o.status, 0, "-o %s: %s", targets[i], o.err);
    char *got = slurp(out);
    cr_assert_not_null(got);
    cr_expect_eq(strncmp(got, TEXT_START, strlen(TEXT_START)), 0, "-o %s: '%s'", targets[i], got);
    free(got);
    cr_expect_eq(entries(dir), 1, "-o %s left a file", targets[i]);
  }
  free(out);
  remove_dir(dir);
}

/* ---- item 3: --svg appears only with the rest ---------------------------- */

/* b2635d4 wrote the picture first: a failing main output left it (or
 * overwrote an existing one). */
Test(cli_output, svg_appears_only_when_the_whole_run_succeeds) {
  char *dir = fresh_dir(), *svg = in_dir(dir, "t.svg"), *json = in_dir(dir, "out.json"),
       *missing = in_dir(dir, "no/such/dir.json"), *full = in_dir(dir, "full");
  cr_assert_eq(symlink("/dev/full", full), 0);
  const char *fail_o[] = {Z4, "--format", "json", "-o", missing, "--svg", svg, NULL};
  const char *fail_dev[] = {Z4, "--format", "json", "-o", full, "--svg", svg, NULL};
  const char *fail_stdout[] = {Z4, "--svg", svg, NULL};
  outcome o = run_with_stdout("/dev/null", fail_o);
  expect_one_line_and_status(&o, 4, "-o into a missing directory");
  cr_expect_null(slurp(svg), "the picture appeared although -o failed");
  o = run_with_stdout("/dev/null", fail_dev);
  expect_one_line_and_status(&o, 4, "-o to /dev/full");
  cr_expect_null(slurp(svg), "the picture appeared although -o failed");
  o = run_with_stdout("/dev/full", fail_stdout);
  expect_one_line_and_status(&o, 4, "standard output full");
  cr_expect_null(slurp(svg), "the picture appeared although standard output failed");

  FILE *f = fopen(svg, "w");
  fputs("earlier picture", f);
  fclose(f);
  o = run_with_stdout("/dev/null", fail_o);
  char *kept = slurp(svg);
  cr_expect_str_eq(kept, "earlier picture", "a failed run overwrote the picture");
  free(kept);

  const char *ok[] = {Z4, "--format", "json", "-o", json, "--svg", svg, NULL};
  o = run_with_stdout("/dev/null", ok);
  cr_expect_eq(o.status, 0, "%s", o.err);
  char *pic = slurp(svg), *data = slurp(json);
  cr_expect_eq(strncmp(pic, "<svg", 4), 0);
  cr_expect_eq(strncmp(data, "{\"group\"", 8), 0);
  free(pic), free(data);
  cr_expect_eq(entries(dir), 3, "json, svg and the link; no temporaries");
  free(svg), free(json), free(missing), free(full);
  remove_dir(dir);
}
