/* No lost output: `weyl basis ... -o PATH` killed in the middle of a long
 * solve must leave PATH as it was (absent, or the earlier file intact). */
#define _GNU_SOURCE /* O_TMPFILE */

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Starts `weyl basis --group GROUP --in IN --out OUT [--solver SOLVER]
 * --format json -o PATH` with its output discarded. */
static pid_t start_weyl(const char *group, const char *in, const char *out, const char *solver,
                        const char *path) {
  pid_t pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) {
    /* The program must meet SIGINT and SIGTERM as a user's terminal delivers
     * them. A test run from a non-interactive shell's background job (as
     * .ci/valgrind starts each program with `&`) inherits SIGINT ignored,
     * and exec keeps an ignored signal ignored: the solve would then run to
     * its end and the test would fail for the environment's sake. */
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    const char *argv[] = {"weyl", "basis", "--group", group, "--in", in, "--out", out,
                          "--format", "json", "-o", path, solver ? "--solver" : NULL, solver, NULL};
    execv(WEYL_CLI_PATH, (char *const *)argv);
    _exit(127);
  }
  return pid;
}

/* SO(2): Hom(V**5, V**6) is one dense block of 2048 unknowns (a QR and an
 * SVD of 2048 x 2048, about 130 MB): seconds, so a kill 0.3 s in lands
 * inside the solve. */
static pid_t start_solve(const char *path) {
  return start_weyl("SO(2)", "V**5", "V**6", "dense", path);
}

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* Reads /proc/PID/cmdline (NUL-separated argv) into buf; 0 when unreadable. */
static size_t read_cmdline(const char *pid, char *buf, size_t cap) {
  char p[64];
  snprintf(p, sizeof p, "/proc/%s/cmdline", pid);
  FILE *f = fopen(p, "rb");
  if (!f) return 0;
  size_t n = fread(buf, 1, cap, f);
  fclose(f);
  return n;
}

/* Waits (up to 60 s) until the forked child has exec'd the program: its
 * command line is no longer the test's own. A signal sent before that would
 * kill the fork, not the solve, and the test would prove nothing. */
static void wait_for_exec(pid_t pid) {
  char self[4096], child[4096], name[32];
  size_t ns = read_cmdline("self", self, sizeof self);
  snprintf(name, sizeof name, "%d", (int)pid);
  for (int i = 0; i < 60000; i++) {
    size_t nc = read_cmdline(name, child, sizeof child);
    if (nc > 0 && (nc != ns || memcmp(self, child, nc) != 0)) return;
    sleep_ms(1);
  }
  cr_assert_fail("the child never started " WEYL_CLI_PATH);
}

/* Signals the solve 0.3 s after it started and checks that it died of the
 * signal, i.e. was still solving. */
static void kill_midway(const char *path, int sig) {
  pid_t pid = start_solve(path);
  wait_for_exec(pid);
  sleep_ms(300);
  cr_assert_eq(kill(pid, sig), 0);
  int st = 0;
  cr_assert_eq(waitpid(pid, &st, 0), pid);
  cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == sig,
            "the solve ended before the signal (status %d): the test proves nothing", st);
}

static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  char *buf = calloc(1, 4096);
  size_t n = fread(buf, 1, 4095, f);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

/* Number of entries in dir other than . and .. */
static int count_entries(const char *dir) {
  DIR *d = opendir(dir);
  cr_assert_not_null(d);
  int n = 0;
  for (struct dirent *e; (e = readdir(d));)
    n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
  closedir(d);
  return n;
}

static void cleanup(const char *dir) {
  DIR *d = opendir(dir);
  char p[512];
  for (struct dirent *e; d && (e = readdir(d));) {
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
      unlink(p);
  }
  if (d)
    closedir(d);
  rmdir(dir);
}

Test(interrupt, sigkill_mid_solve_leaves_no_file) {
  char dir[] = "/tmp/weyl_kill_XXXXXX", path[64];
  cr_assert_not_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/out.json", dir);
  kill_midway(path, SIGKILL);
  struct stat sb;
  cr_assert_neq(stat(path, &sb), 0, "%s exists after the kill", path);
  cr_assert_eq(count_entries(dir), 0, "the killed run left files in %s", dir);
  cleanup(dir);
}

Test(interrupt, sigint_mid_solve_keeps_the_earlier_file) {
  char dir[] = "/tmp/weyl_kill_XXXXXX", path[64];
  cr_assert_not_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/out.json", dir);
  const char *earlier = "{\"earlier\": \"result\"}\n";
  FILE *f = fopen(path, "w");
  fputs(earlier, f);
  fclose(f);
  int sigs[] = {SIGINT, SIGKILL};
  for (int i = 0; i < 2; i++) {
    kill_midway(path, sigs[i]);
    char *now = read_file(path);
    cr_assert_not_null(now);
    cr_assert_str_eq(now, earlier, "signal %d changed %s", sigs[i], path);
    free(now);
  }
  cr_assert_eq(count_entries(dir), 1);
  cleanup(dir);
}

/* Z(250) regular -> regular as JSON is 250 elements of 250 x 250, 47 MB of
 * text: the solve is instant and the write takes seconds. */
static pid_t start_long_write(const char *path) {
  return start_weyl("Z(250)", "regular", "regular", NULL, path);
}

/* 1 when process pid has a file open whose name starts with dir. */
static int has_file_open_in(pid_t pid, const char *dir) {
  char fds[64], link[512], target[512];
  snprintf(fds, sizeof fds, "/proc/%d/fd", (int)pid);
  DIR *d = opendir(fds);
  int found = 0;
  for (struct dirent *e; d && !found && (e = readdir(d));) {
    snprintf(link, sizeof link, "%s/%s", fds, e->d_name);
    ssize_t n = readlink(link, target, sizeof target - 1);
    if (n > 0) target[n] = '\0';
    found = n > 0 && strncmp(target, dir, strlen(dir)) == 0;
  }
  if (d) closedir(d);
  return found;
}

/* Whether the filesystem of dir supports unnamed temporary files. */
static int supports_tmpfile(const char *dir) {
#ifdef O_TMPFILE
  int fd = open(dir, O_TMPFILE | O_WRONLY, 0600);
  if (fd >= 0) close(fd);
  return fd >= 0;
#else
  (void)dir;
  return 0;
#endif
}

/* A kill while the output is being written (not while solving): PATH never
 * appears, and where the filesystem has O_TMPFILE nothing else is left either
 * (elsewhere a PATH.tmp.XXXXXX may remain, as the README says). */
Test(interrupt, sigkill_mid_write_leaves_no_file) {
  char dir[] = "/tmp/weyl_kill_XXXXXX", path[64];
  cr_assert_not_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/out.json", dir);
  pid_t pid = start_long_write(path);
  int seen = 0;
  for (int i = 0; i < 20000 && !seen; i++) {
    seen = has_file_open_in(pid, dir);
    if (!seen) sleep_ms(1);
  }
  cr_assert(seen, "never saw the output file open: the test proves nothing");
  sleep_ms(100);
  cr_assert_eq(kill(pid, SIGKILL), 0);
  int st = 0;
  cr_assert_eq(waitpid(pid, &st, 0), pid);
  cr_assert(WIFSIGNALED(st), "the write ended before the kill (status %d)", st);
  struct stat sb;
  cr_assert_neq(stat(path, &sb), 0, "%s exists after the kill", path);
  if (supports_tmpfile(dir))
    cr_assert_eq(count_entries(dir), 0, "the killed write left a file in %s", dir);
  cleanup(dir);
}

/* 1 when dir holds a name starting with prefix. */
static int has_name_starting(const char *dir, const char *prefix) {
  DIR *d = opendir(dir);
  int found = 0;
  for (struct dirent *e; d && !found && (e = readdir(d));)
    found = strncmp(e->d_name, prefix, strlen(prefix)) == 0;
  if (d) closedir(d);
  return found;
}

/* Issue 16 item 17: on the named route (no O_TMPFILE; forced here with
 * WEYL_IO_NAMED_TEMP=1) SIGINT or SIGTERM while the output is being written
 * left PATH.tmp.XXXXXX behind (b2635d4). The program's handler now removes
 * the temporary name, then dies of the signal: nothing is left at all. */
Test(interrupt, sigint_or_sigterm_mid_write_leaves_no_temporary_name) {
  setenv("WEYL_IO_NAMED_TEMP", "1", 1);
  const int sigs[] = {SIGINT, SIGTERM};
  for (int i = 0; i < 2; i++) {
    char dir[] = "/tmp/weyl_kill_XXXXXX", path[64];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/out.json", dir);
    pid_t pid = start_long_write(path);
    int seen = 0;
    for (int t = 0; t < 60000 && !seen; t++) {
      seen = has_name_starting(dir, "out.json.tmp.");
      if (!seen) sleep_ms(1);
    }
    cr_assert(seen, "never saw out.json.tmp.*: the test proves nothing");
    sleep_ms(50);
    cr_assert_eq(kill(pid, sigs[i]), 0);
    int st = 0;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == sigs[i],
              "the write ended before the signal (status %d)", st);
    cr_expect_eq(count_entries(dir), 0, "signal %d left a file in %s", sigs[i], dir);
    cleanup(dir);
  }
  unsetenv("WEYL_IO_NAMED_TEMP");
}
