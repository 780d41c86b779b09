/* The `weyl` program as a user runs it: exit codes, what goes to stdout and
 * stderr, and that -o never leaves a file behind on failure. */
#define _POSIX_C_SOURCE 200809L

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct {
  int status;      /* exit code, or -1 when the program did not exit normally */
  char *out, *err; /* captured streams, NUL-terminated */
} run_result;

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  cr_assert_not_null(f, "%s", path);
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap + 1);
  for (size_t got; (got = fread(buf + n, 1, cap - n, f)) > 0;) {
    n += got;
    if (n == cap) {
      char *grown = realloc(buf, (cap *= 2) + 1);
      cr_assert_not_null(grown);
      buf = grown;
    }
  }
  fclose(f);
  buf[n] = '\0';
  return buf;
}

static char *temp_path(void) {
  char *p = strdup("/tmp/weyl_cli_XXXXXX");
  int fd = mkstemp(p);
  cr_assert_geq(fd, 0);
  close(fd);
  return p;
}

/* Runs `weyl ARGS` through the shell (ARGS is shell text, quoted by the
 * caller) with both streams captured in temporary files. */
static run_result run(const char *args) {
  char *o = temp_path(), *e = temp_path();
  size_t n = strlen(WEYL_CLI_PATH) + strlen(args) + strlen(o) + strlen(e) + 32;
  char *cmd = malloc(n);
  snprintf(cmd, n, "'%s' %s >'%s' 2>'%s' </dev/null", WEYL_CLI_PATH, args, o, e);
  int st = system(cmd);
  run_result r = {WIFEXITED(st) ? WEXITSTATUS(st) : -1, slurp(o), slurp(e)};
  unlink(o);
  unlink(e);
  free(o);
  free(e);
  free(cmd);
  return r;
}

static void run_free(run_result *r) {
  free(r->out);
  free(r->err);
}

/* An error is exactly one line on stderr and nothing on stdout. */
static void assert_clean_failure(const run_result *r, int status) {
  cr_assert_eq(r->status, status, "exit %d, stderr: %s", r->status, r->err);
  cr_assert_str_empty(r->out, "stdout: %s", r->out);
  cr_assert_eq(strncmp(r->err, "weyl: ", 6), 0, "%s", r->err);
  cr_assert_not_null(strchr(r->err, '\n'));
  cr_assert_eq(strchr(r->err, '\n')[1], '\0', "more than one line: %s", r->err);
}

/* A .rep file in a fresh directory (mkstemps, which keeps a suffix, is not POSIX). */
static char *write_temp_rep(const char *text) {
  char dir[] = "/tmp/weyl_cli_XXXXXX";
  cr_assert_not_null(mkdtemp(dir));
  char *p = malloc(sizeof dir + 8);
  snprintf(p, sizeof dir + 8, "%s/bad.rep", dir);
  FILE *f = fopen(p, "w");
  cr_assert_not_null(f);
  fputs(text, f);
  fclose(f);
  return p;
}

static void remove_temp_rep(char *p) {
  unlink(p);
  *strrchr(p, '/') = '\0';
  rmdir(p);
  free(p);
}

static int exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

Test(cli, demo_shows_the_circulant_and_the_three_kernel_weights) {
  run_result r = run("demo");
  cr_assert_eq(r.status, 0, "%s", r.err);
  cr_assert_str_empty(r.err);
  cr_assert_not_null(strstr(r.out, "  a b c d e f g h\n  h a b c d e f g\n"), "%s", r.out);
  cr_assert_not_null(strstr(r.out, "basis dimension: 3"), "%s", r.out);
  cr_assert_not_null(strstr(r.out, "  a b a"), "%s", r.out);
  cr_assert_not_null(strstr(r.out, "  b c b"), "%s", r.out);
  cr_assert_not_null(strstr(r.out, "has 15 weights"), "%s", r.out);
  cr_assert_not_null(strstr(r.out, "  a b b b b\n  b a b b b\n"), "%s", r.out);
  cr_assert_not_null(strstr(r.out, "012:+1"), "%s", r.out);
  cr_assert_not_null(strstr(r.out, "021:-1"), "%s", r.out);
  run_free(&r);
}

Test(cli, basis_json_for_Z4_regular_has_dim_4) {
  run_result r = run("basis --group 'Z(4)' --in regular --out regular --format json");
  cr_assert_eq(r.status, 0, "%s", r.err);
  cr_assert_not_null(strstr(r.out, "\"dim\": 4"), "%s", r.out);
  cr_assert_not_null(strstr(r.out, "\"bias_dim\": 1"), "%s", r.out);
  run_free(&r);
}

Test(cli, basis_from_a_rep_file_matches_the_spec_example) {
  run_result r = run("basis '" WEYL_REPS_DIR "/d4_pixels.rep' --in V --out V --format=json");
  cr_assert_eq(r.status, 0, "%s", r.err);
  cr_assert_not_null(strstr(r.out, "\"dim\": 15"), "%s", r.out);
  cr_assert_not_null(strstr(r.out, "\"bias_dim\": 3"), "%s", r.out);
  run_free(&r);
}

Test(cli, basis_writes_npy_to_a_path_and_nothing_to_stdout) {
  char *p = temp_path();
  char args[256];
  snprintf(args, sizeof args,
           "basis --group 'Z(4)' --in regular --out regular --format npy -o '%s'", p);
  run_result r = run(args);
  cr_assert_eq(r.status, 0, "%s", r.err);
  cr_assert_str_empty(r.out);
  char *data = slurp(p);
  cr_assert_eq(memcmp(data, "\x93NUMPY", 6), 0);
  cr_assert_not_null(strstr(data + 10, "'shape': (4, 4, 4)"));
  free(data);
  unlink(p);
  free(p);
  run_free(&r);
}

Test(cli, bad_permutation_names_file_and_line) {
  char *p = write_temp_rep("group Bad\n"
                           "generators r\n"
                           "rep V 3\n"
                           "  r perm 0 0 1\n");
  char args[128], where[128];
  snprintf(args, sizeof args, "basis '%s' --in V --out V", p);
  snprintf(where, sizeof where, "%s:4", p);
  run_result r = run(args);
  assert_clean_failure(&r, 1);
  cr_assert_not_null(strstr(r.err, where), "%s", r.err);
  run_free(&r);
  snprintf(args, sizeof args, "check '%s'", p);
  r = run(args);
  assert_clean_failure(&r, 1);
  cr_assert_not_null(strstr(r.err, where), "%s", r.err);
  run_free(&r);
  remove_temp_rep(p);
}

Test(cli, unknown_flag_is_a_usage_error) {
  run_result r = run("basis --group 'Z(4)' --in regular --out regular --bogus");
  assert_clean_failure(&r, 2);
  cr_assert_not_null(strstr(r.err, "--bogus"), "%s", r.err);
  run_free(&r);
}

Test(cli, missing_values_and_commands_are_usage_errors) {
  const char *cases[] = {"basis --group 'Z(4)' --in regular --out",
                         "basis --group 'Z(4)' --in --out regular",
                         "basis --group 'Z(4)' --out regular",
                         "basis --in V --out V",
                         "basis --group 'Z(4)' --in V --out V --format xml",
                         "basis --group 'Z(4)' --in V --out V --rtol zero",
                         "frobnicate",
                         "demo extra"};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    run_result r = run(cases[i]);
    assert_clean_failure(&r, 2);
    run_free(&r);
  }
}

Test(cli, failing_input_leaves_no_file_at_the_output_path) {
  char *p = temp_path();
  unlink(p);
  char args[256];
  snprintf(args, sizeof args, "basis --group 'Z(4)' --in Nope --out regular -o '%s'", p);
  run_result r = run(args);
  assert_clean_failure(&r, 1);
  cr_assert(!exists(p), "%s exists", p);
  run_free(&r);
  free(p);
}

Test(cli, unknown_rep_name_is_bad_input) {
  run_result r = run("basis --group 'Z(4)' --in Nope --out regular");
  assert_clean_failure(&r, 1);
  cr_assert_not_null(strstr(r.err, "--in"), "%s", r.err);
  run_free(&r);
}

Test(cli, unwritable_output_path_is_an_io_error) {
  run_result r =
      run("basis --group 'Z(4)' --in regular --out regular -o /nonexistent_dir_7c1/x.json");
  assert_clean_failure(&r, 4);
  cr_assert_not_null(strstr(r.err, "/nonexistent_dir_7c1/x.json"), "%s", r.err);
  run_free(&r);
}

Test(cli, check_reports_order_of_a_finite_group) {
  run_result r = run("check '" WEYL_REPS_DIR "/d4_pixels.rep'");
  cr_assert_eq(r.status, 0, "%s", r.err);
  cr_assert_not_null(strstr(r.out, "order: 8"), "%s", r.out);
  cr_assert_not_null(strstr(r.out, "pixels"), "%s", r.out);
  run_free(&r);
}

Test(cli, help_and_version) {
  run_result r = run("--version");
  cr_assert_eq(r.status, 0);
  cr_assert_str_eq(r.out, "weyl 0.2.0\n");
  run_free(&r);
  r = run("--help");
  cr_assert_eq(r.status, 0);
  cr_assert_not_null(strstr(r.out, "exit status"));
  run_free(&r);
  r = run("help");
  cr_assert_eq(r.status, 0);
  cr_assert_not_null(strstr(r.out, "weyl basis"));
  run_free(&r);
}

/* --explain: one line per distinct block on stderr, the basis itself unchanged
 * on stdout. V -> V**3 (d = 81) is small, so dense; V**3 -> V**3 (d = 729) is
 * large, of a group acting by antisymmetric algebra generators, so isotypic. */
Test(cli, explain_names_each_block_with_its_path) {
  run_result r = run("basis --group 'SO(3)' --in 'V + V**3' --out 'V**3' --explain");
  cr_assert_eq(r.status, 0, "%s", r.err);
  cr_assert(strstr(r.out, "basis dimension: 18"), "%s", r.out); /* 3 + 15 */
  cr_assert(strstr(r.err, "dense     V->((V*V)*V)"), "%s", r.err);
  cr_assert(strstr(r.err, "isotypic  ((V*V)*V)->((V*V)*V)"), "%s", r.err);
  cr_assert(strstr(r.err, "peak"), "%s", r.err);
  const char *e = strstr(r.err, "equivariance error of sum_k B_k / (k+1): ");
  cr_assert(e, "%s", r.err);
  cr_assert_lt(strtod(e + strlen("equivariance error of sum_k B_k / (k+1): "), NULL), 1e-12);
  cr_assert_null(strstr(r.out, "isotypic "), "explain goes to stderr only");
  run_free(&r);
}

Test(cli, max_mem_refuses_a_block_with_the_need_stated) {
  run_result r = run("basis --group 'SO(3)' --in 'V**5' --out 'V**5' --max-mem 1");
  assert_clean_failure(&r, 1);
  cr_assert(strstr(r.err, "MiB, over the limit of 1 MiB"), "%s", r.err);
  run_free(&r);
  r = run("basis --group 'SO(3)' --in V --out V --max-mem lots");
  assert_clean_failure(&r, 2);
  run_free(&r);
}

Test(cli, solver_iterative_is_accepted_and_bad_names_list_it) {
  run_result r = run("basis --group 'SO(3)' --in 'V*V' --out 'V*V' --solver iterative");
  cr_assert_eq(r.status, 0, "%s", r.err);
  cr_assert(strstr(r.out, "basis dimension: 3"), "%s", r.out);
  run_free(&r);
  r = run("basis --group 'SO(3)' --in V --out V --solver fast");
  assert_clean_failure(&r, 2);
  cr_assert(strstr(r.err, "iterative"), "%s", r.err);
  run_free(&r);
}

/* Flips one byte in the middle of every cache entry in dir. */
static int corrupt_entries(const char *dir) {
  DIR *d = opendir(dir);
  cr_assert_not_null(d);
  int n = 0;
  char path[512];
  for (struct dirent *e; (e = readdir(d));) {
    if (!strstr(e->d_name, ".wbc")) continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    FILE *f = fopen(path, "r+b");
    cr_assert_not_null(f);
    fseek(f, 0, SEEK_END);
    long mid = ftell(f) / 2;
    fseek(f, mid, SEEK_SET);
    int c = fgetc(f);
    fseek(f, mid, SEEK_SET);
    fputc(c ^ 0x40, f);
    fclose(f);
    n++;
  }
  closedir(d);
  return n;
}

/* --cache and $WEYL_CACHE_DIR: the second run loads (same output), a
 * corrupt entry gives one warning line per entry and is solved again. */
Test(cli, cache_loads_the_second_run_and_warns_about_a_corrupt_entry) {
  char dir[] = "/tmp/weyl_cli_cache_XXXXXX", args[256];
  cr_assert_not_null(mkdtemp(dir));
  snprintf(args, sizeof args, "basis --group 'SO(3)' --in 'V**2' --out V --cache '%s' --explain",
           dir);
  run_result first = run(args), second = run(args);
  cr_assert_eq(first.status, 0, "%s", first.err);
  cr_assert(strstr(first.err, "basis: solved, stored as cache entry"), "%s", first.err);
  cr_assert(strstr(second.err, "basis: loaded from cache entry"), "%s", second.err);
  cr_assert(strstr(second.err, "bias: loaded from cache entry"), "%s", second.err);
  cr_assert_str_eq(first.out, second.out);
  cr_assert_eq(corrupt_entries(dir), 2, "basis and bias entries");
  setenv("WEYL_CACHE_DIR", dir, 1); /* the same directory, named by the environment */
  run_result third = run("basis --group 'SO(3)' --in 'V**2' --out V");
  unsetenv("WEYL_CACHE_DIR");
  cr_assert_eq(third.status, 0, "%s", third.err);
  cr_assert_str_eq(third.out, first.out);
  const char *warn = strstr(third.err, "weyl: warning: ");
  cr_assert(warn && strstr(warn, "cache entry not used, solved again: checksum mismatch"), "%s",
            third.err);
  cr_assert(strstr(warn + 1, "weyl: warning: "), "one line per entry: %s", third.err);
  run_result fourth = run(args);
  cr_assert(strstr(fourth.err, "basis: loaded from cache entry"), "rewritten: %s", fourth.err);
  run_free(&first), run_free(&second), run_free(&third), run_free(&fourth);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  cr_assert_eq(system(cmd), 0);
}
