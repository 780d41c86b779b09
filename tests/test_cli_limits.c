/* Budgets and clear refusals of the `weyl` program (issue 16): each run is
 * a child process with a wall-clock limit, so a regression shows as a
 * failure (a hang, a spin or the wrong exit code), not as a stuck suite. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"

typedef struct {
  int status;     /* exit code, or -1 when killed at the time limit */
  double seconds; /* wall time */
  char err[4096]; /* standard error */
  char out[4096]; /* standard output (its start) */
} limited_run;

static double wall(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* Runs weyl with args (NULL-terminated) under an address-space limit of
 * as_kib KiB (0: none), killed after limit_s seconds. */
static limited_run run_limited(const char *const *args, long as_kib, double limit_s) {
  limited_run r = {0};
  char errpath[] = "/tmp/weyl_limits_XXXXXX";
  char outpath[] = "/tmp/weyl_limits_XXXXXX";
  int fd = mkstemp(errpath), ofd = mkstemp(outpath);
  cr_assert_geq(fd, 0);
  cr_assert_geq(ofd, 0);
  double t0 = wall();
  pid_t pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) {
    dup2(fd, 2);
    dup2(ofd, 1);
    if (as_kib > 0) {
      struct rlimit rl = {(rlim_t)as_kib * 1024, (rlim_t)as_kib * 1024};
      setrlimit(RLIMIT_AS, &rl);
    }
    char *argv[16] = {(char *)WEYL_CLI_PATH};
    for (int i = 0; args[i] && i < 14; i++) argv[i + 1] = (char *)args[i];
    execv(WEYL_CLI_PATH, argv);
    _exit(127);
  }
  int st = 0;
  for (;;) {
    pid_t w = waitpid(pid, &st, WNOHANG);
    if (w == pid) break;
    if (wall() - t0 > limit_s) {
      kill(pid, SIGKILL);
      waitpid(pid, &st, 0);
      r.status = -1;
      break;
    }
    nanosleep(&(struct timespec){0, 20000000}, NULL);
  }
  r.seconds = wall() - t0;
  if (r.status == 0) r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  lseek(fd, 0, SEEK_SET);
  ssize_t n = read(fd, r.err, sizeof r.err - 1);
  r.err[n > 0 ? n : 0] = '\0';
  lseek(ofd, 0, SEEK_SET);
  n = read(ofd, r.out, sizeof r.out - 1);
  r.out[n > 0 ? n : 0] = '\0';
  close(fd);
  close(ofd);
  unlink(errpath);
  unlink(outpath);
  return r;
}

static int sanitized(void) { /* ASan and valgrind cannot run under RLIMIT_AS */
  const char *q = getenv("WEYL_TEST_QUICK");
  return q && q[0] && q[0] != '0';
}

/* OpenBLAS retried its 128 MiB buffer for ever under `ulimit -v 150000`. */
Test(cli_limits, address_space_limit_exits_5_promptly_instead_of_spinning) {
  if (sanitized()) return;
  const char *args[] = {"basis", "--group", "SO(3)", "--in", "V**2", "--out", "V**2", NULL};
  limited_run r = run_limited(args, 150000, 20.0);
  cr_assert_eq(r.status, 5, "status %d after %.1f s: %s", r.status, r.seconds, r.err);
  cr_assert(strstr(r.err, "weyl: out of memory"), "%s", r.err);
  /* with room for the buffer the same solve runs */
  r = run_limited(args, 400000, 20.0);
  cr_assert_eq(r.status, 0, "status %d: %s", r.status, r.err);
}

/* The generator matrices (276 of 576 x 576) were built before --max-mem was
 * looked at: 1.5 GB resident for 49 s. */
Test(cli_limits, max_mem_is_checked_before_the_generator_matrices) {
  const char *limited[] = {"basis", "--group", "SO(24)", "--in", "V**2", "--out", "V**2",
                           "--max-mem", "64", NULL};
  limited_run r = run_limited(limited, 0, 20.0);
  cr_assert_eq(r.status, 1, "status %d after %.1f s: %s", r.status, r.seconds, r.err);
  cr_assert(strstr(r.err, "over the limit of 64 MiB"), "%s", r.err);
  cr_assert_lt(r.seconds, 5.0, "refused only after %.1f s", r.seconds);
  /* SO(64) V**2: 2016 generators of 4096 x 4096, 540 GB: a limit, not ENOMEM */
  const char *huge[] = {"basis", "--group", "SO(64)", "--in", "V**2", "--out", "V**2", NULL};
  r = run_limited(huge, 0, 20.0);
  cr_assert_eq(r.status, 1, "status %d: %s", r.status, r.err);
  cr_assert(strstr(r.err, "MiB, over the limit"), "%s", r.err);
}

/* Pairs of algebra generators were tried without limit: SO(64) V -> V did
 * not finish in 100 s. The answer is known: Hom(V, V) = 1 for SO(n), n > 2. */
Test(cli_limits, many_algebra_generators_stay_within_the_choice_budget) {
  if (sanitized()) return;
  const char *args[] = {"basis", "--group", "SO(48)", "--in", "V", "--out", "V", NULL};
  limited_run r = run_limited(args, 0, 60.0);
  cr_assert_eq(r.status, 0, "status %d after %.1f s: %s", r.status, r.seconds, r.err);
}

/* Subnormal entries were "LAPACK failed (info -4)", exit 3; an overflowing
 * tensor product a LAPACK info code too. */
Test(cli_limits, subnormal_and_overflowing_inputs_get_clear_messages) {
  char dir[] = "/tmp/weyl_limits_XXXXXX", sub[64], big[64];
  cr_assert_not_null(mkdtemp(dir));
  snprintf(sub, sizeof sub, "%s/sub.rep", dir);
  snprintf(big, sizeof big, "%s/big.rep", dir);
  FILE *f = fopen(sub, "w");
  fputs("group S\ngenerators g\nrep V 2\n  g matrix 1e-310 0 0 1\n", f);
  fclose(f);
  f = fopen(big, "w");
  fputs("group B\ngenerators g\nrep V 2\n  g matrix 1e200 0 0 1e200\n", f);
  fclose(f);
  const char *a1[] = {"basis", sub, "--in", "V", "--out", "V", NULL};
  limited_run r = run_limited(a1, 0, 20.0);
  cr_expect_eq(r.status, 1, "%s", r.err);
  cr_expect(strstr(r.err, "singular") && !strstr(r.err, "info"), "%s", r.err);
  const char *a2[] = {"basis", big, "--in", "V**2", "--out", "V**2", NULL};
  r = run_limited(a2, 0, 20.0);
  cr_expect_eq(r.status, 1, "%s", r.err);
  cr_expect(strstr(r.err, "overflows") && !strstr(r.err, "info"), "%s", r.err);
  unlink(sub), unlink(big), rmdir(dir);
}

/* A valid 33 MB file, a 4096-dimensional signed cyclic shift (e_i -> e_i+1,
 * e_4095 -> -e_0: order 8192), made weyl check run for minutes: 8192
 * elements at 1.3e8 flops each, and R^T R of 4096 x 4096. Each part is now
 * estimated first and reported as not checked over the budget. The order
 * of the shift (2 n) is known, so the budget, not the enumeration limit,
 * must be what stopped it: 59 elements at 4 n^2 flops each. Not under the
 * sanitizers and valgrind: any run that reaches the budget spends 4e9 flops
 * twice, minutes there. */
Test(cli_limits, check_of_a_large_valid_file_stays_within_its_budget) {
  if (sanitized()) return;
  int n = 4096;
  char dir[] = "/tmp/weyl_limits_XXXXXX", path[64];
  cr_assert_not_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/shift.rep", dir);
  FILE *f = fopen(path, "w");
  cr_assert_not_null(f);
  fprintf(f, "group shift\ngenerators r\nrep V %d\n  r matrix\n", n);
  char *row = malloc(2 * (size_t)n + 2);
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < n; j++) row[2 * j] = '0', row[2 * j + 1] = ' ';
    row[2 * n - 1] = '\n';
    row[2 * n] = '\0';
    if (i > 0) { /* rho(r)[i][i-1] = 1 */
      row[2 * (i - 1)] = '1';
      fputs(row, f);
    } else { /* rho(r)[0][n-1] = -1 */
      fwrite(row, 1, 2 * (size_t)n - 2, f);
      fputs("-1\n", f);
    }
  }
  free(row);
  fclose(f);
  const char *args[] = {"check", path, NULL};
  limited_run r = run_limited(args, 0, 120.0);
  unlink(path);
  rmdir(dir);
  cr_assert_eq(r.status, 0, "status %d after %.1f s: %s", r.status, r.seconds, r.err);
  cr_assert(strstr(r.out, "order: not checked: over the budget of 4e+09 flops"), "%s", r.out);
  char want[128];
  snprintf(want, sizeof want, "more than %ld elements at",
           (long)(4e9 / (4.0 * n * (double)n)));
  cr_assert(strstr(r.out, want), "want '%s' in:\n%s", want, r.out);
  cr_assert_lt(r.seconds, 15.0, "took %.1f s", r.seconds);
}
