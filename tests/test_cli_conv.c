/* `weyl basis --local K` and `--svg PATH` as a user runs them. */
#define _POSIX_C_SOURCE 200809L

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs `weyl ARGS 2>/dev/null` and returns its standard output (new) and
 * exit code. */
static char *run(const char *args, int *code) {
  char cmd[512];
  snprintf(cmd, sizeof cmd, "'%s' %s 2>/dev/null", WEYL_CLI_PATH, args);
  FILE *p = popen(cmd, "r");
  cr_assert_not_null(p);
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  for (size_t got; (got = fread(buf + n, 1, cap - 1 - n, p)) > 0;) {
    n += got;
    if (n + 1 == cap) buf = realloc(buf, cap *= 2);
  }
  buf[n] = '\0';
  int st = pclose(p);
  *code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return buf;
}

static void expect_dim(const char *args, const char *line) {
  int code = -1;
  char *out = run(args, &code);
  cr_expect_eq(code, 0, "%s", args);
  cr_expect(strstr(out, line) != NULL, "%s: wanted '%s' in\n%s", args, line, out);
  free(out);
}

Test(cli_conv, local_dimensions_of_the_issue) {
  expect_dim("basis --group 'T(16,16)' --in V --out V --local 3", "basis dimension: 9 ");
  expect_dim("basis --group 'p4(16)' --in V --out regular --local 3", "basis dimension: 9 ");
  expect_dim("basis --group 'p4(8)' --in regular --out regular --local 3",
             "basis dimension: 36 ");
  expect_dim("basis --group 'T(8,8)' --in 3*V --out 4*V --local 3", "basis dimension: 108 ");
  expect_dim("basis --group 'D4(5)' --in V --out Scalar", "basis dimension: 6 ");
}

Test(cli_conv, local_with_json_names_the_local_dimension) {
  expect_dim("basis --group 'T(6)' --in V --out V --local 3 --format json", "\"dim\": 3,");
}

Test(cli_conv, bad_local_is_refused_without_output) {
  const char *bad[] = {"basis --group 'T(8)' --in V --out V --local 4",
                       "basis --group 'T(8)' --in V --out V --local x",
                       "basis --group 'S(8)' --in V --out V --local 3",
                       "basis --group 'T(3)' --in V*V --out V --local 3"};
  int want[] = {2, 2, 1, 1};
  for (int i = 0; i < 4; i++) {
    int code = -1;
    char *out = run(bad[i], &code);
    cr_expect_eq(code, want[i], "%s", bad[i]);
    cr_expect_str_empty(out, "%s", bad[i]);
    free(out);
  }
}

Test(cli_conv, svg_is_written_and_failures_leave_nothing) {
  char dir[] = "/tmp/weyl_cli_conv_XXXXXX";
  cr_assert_not_null(mkdtemp(dir));
  char args[256], path[128];
  snprintf(path, sizeof path, "%s/lift.svg", dir);
  snprintf(args, sizeof args, "basis --group 'p4(8)' --in V --out regular --local 3 --svg %s",
           path);
  int code = -1;
  free(run(args, &code));
  cr_expect_eq(code, 0);
  FILE *f = fopen(path, "r");
  cr_assert_not_null(f);
  char line[256];
  int rects = 0;
  while (fgets(line, sizeof line, f)) rects += strncmp(line, "<rect x=", 8) == 0;
  fclose(f);
  cr_expect_eq(rects, 4 * 9, "four 3x3 filters");
  unlink(path);
  snprintf(path, sizeof path, "%s/big.svg", dir);
  snprintf(args, sizeof args, "basis --group 'T(23,23)' --in V --out V --svg %s", path);
  char *out = run(args, &code);
  cr_expect_eq(code, 0, "a grid group is drawn as its filter, not as the 529 x 529 matrix");
  free(out);
  struct stat st;
  cr_expect_eq(stat(path, &st), 0);
  unlink(path);
  snprintf(args, sizeof args, "basis --group 'S(900)' --in V --out V --svg %s", path);
  out = run(args, &code);
  cr_expect_eq(code, 1, "810000 cells is past the limit");
  cr_expect_str_empty(out);
  cr_expect_neq(stat(path, &st), 0);
  free(out);
  rmdir(dir);
}
