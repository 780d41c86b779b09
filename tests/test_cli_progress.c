/* The progress line of `weyl basis` on a terminal keeps its clock moving
 * while one stage runs for seconds (issue 16, requirement 4): read through a
 * pseudo-terminal, as a user's terminal shows it. */
#define _GNU_SOURCE /* forkpty */
#include <criterion/criterion.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Everything the program writes to its terminal (stdout and stderr). */
static char *run_on_a_terminal(char *const argv[], int *status) {
  int fd;
  pid_t pid = forkpty(&fd, NULL, NULL, NULL);
  cr_assert_geq(pid, 0, "forkpty failed");
  if (pid == 0) {
    execv(WEYL_CLI_PATH, argv);
    _exit(127);
  }
  size_t cap = 1 << 20, n = 0;
  char *out = malloc(cap + 1);
  for (ssize_t got; n < cap && (got = read(fd, out + n, cap - n)) > 0;) n += (size_t)got;
  out[n] = '\0';
  close(fd);
  cr_assert_eq(waitpid(pid, status, 0), pid);
  return out;
}

/* SO(2) V**5 -> V**6 with the dense solver: one QR + SVD of 2048 unknowns,
 * a single LAPACK stage of seconds that reports nothing while it runs. */
Test(cli_progress, the_clock_moves_while_one_long_stage_runs) {
  const char *quick = getenv("WEYL_TEST_QUICK");
  if (quick && quick[0] && quick[0] != '0') {
    cr_log_info("skipped under valgrind/sanitizers: the solve alone takes minutes there");
    return;
  }
  char *argv[] = {"weyl", "basis", "--group", "SO(2)", "--in", "V**5", "--out", "V**6",
                  "--solver", "dense", NULL};
  int status = 0;
  char *out = run_on_a_terminal(argv, &status);
  cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d: %s", status, out);
  /* The clock of each redraw: "\rweyl: <stage>  <T> s" */
  double t[4096];
  int n = 0;
  for (char *p = strstr(out, "\rweyl: "); p && n < 4096; p = strstr(p + 1, "\rweyl: ")) {
    char *end = strstr(p + 1, " s\033[K");
    char *next = strstr(p + 1, "\rweyl: ");
    if (!end || (next && next < end)) continue;
    char *num = end;
    while (num > p && num[-1] != ' ') num--;
    t[n++] = strtod(num, NULL);
  }
  cr_assert_geq(n, 3, "%d redraws in a solve of seconds:\n%s", n, out);
  double worst = 0;
  for (int i = 1; i < n; i++)
    if (t[i] - t[i - 1] > worst) worst = t[i] - t[i - 1];
  /* Drawn every 0.5 s; 1 s leaves room for a loaded machine's scheduling. */
  cr_expect_leq(worst, 1.0, "the clock stood still for %.1f s (%d redraws up to %.1f s)", worst, n,
                t[n - 1]);
  cr_expect_not_null(strstr(out, "group SO(2): V**5 -> V**6"), "the result follows the line");
  free(out);
}
