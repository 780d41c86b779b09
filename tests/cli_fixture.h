/* Running the `weyl` program on a .rep file written by the test. Needs
 * POSIX (mkdtemp, popen): include after defining _POSIX_C_SOURCE. */
#ifndef WEYL_TEST_CLI_FIXTURE_H
#define WEYL_TEST_CLI_FIXTURE_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Everything `weyl basis FILE ARGS` prints (stdout and stderr) for a .rep
 * file holding text, written to a fresh temporary directory; the program
 * must exit 0. A new string (free()). */
static inline char *cli_basis_output(const char *text, const char *args) {
  char dir[] = "/tmp/weyl_test_XXXXXX", path[64], cmd[1024];
  cr_assert_not_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/test.rep", dir);
  FILE *f = fopen(path, "w");
  cr_assert_not_null(f);
  fputs(text, f);
  fclose(f);
  snprintf(cmd, sizeof cmd, "'%s' basis %s %s 2>&1", WEYL_CLI_PATH, path, args);
  FILE *p = popen(cmd, "r");
  char *out = calloc(1, 65536);
  size_t n = fread(out, 1, 65535, p);
  out[n] = '\0';
  cr_assert_eq(pclose(p), 0, "%s", out);
  unlink(path);
  rmdir(dir);
  return out;
}

#endif
