/* No lost output: `weyl basis ... -o PATH` killed in the middle of a long
 * solve must leave PATH as it was (absent, or the earlier file intact). */
#define _POSIX_C_SOURCE 200809L

#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* SO(2): Hom(V**5, V**6) is one dense block of 2048 unknowns (a QR and an
 * SVD of 2048 x 2048, about 130 MB): seconds, so a kill 0.3 s in lands
 * inside the solve. */
static pid_t start_solve(const char *path) {
  pid_t pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    execl(WEYL_CLI_PATH, "weyl", "basis", "--group", "SO(2)", "--in", "V**5", "--out", "V**6", "--solver", "dense",
          "--format", "json", "-o", path, (char *)NULL);
    _exit(127);
  }
  return pid;
}

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* Kills the solve after 0.3 s and checks that it really was still running. */
static void kill_midway(const char *path, int sig) {
  pid_t pid = start_solve(path);
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
