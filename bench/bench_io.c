/* weyl_bench_io: the compact output formats against npy, and the basis
 * cache's load against the solve it replaces (issue 14, items 4 and 5).
 *
 *   weyl_bench_io [--quick]      (make bench-io)
 *
 * Table 1 writes each basis to a file in a temporary directory with
 * weyl_io_write_path (atomic: includes the fsync) as npy (the baseline, the
 * dense (dim, out, in) array) and as labels, factored and coo; "refused"
 * where a format's limit stops it before the first byte. Table 2 solves
 * through an empty cache (solve + store), then again (load), and checks that
 * the loaded basis equals the solved one element by element. Wall seconds;
 * a program, not a test. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "weyl/cache.h"
#include "weyl/io.h"

typedef struct {
  const char *group, *in, *out;
  int quick; /* part of --quick */
} problem;

static const problem OUTPUTS[] = {
    {"Z(256)", "regular", "regular", 1},
    {"Z(1024)", "regular", "regular", 1},
    {"Z(4096)", "regular", "regular", 0},
    {"SO(3)", "V**3", "V**3", 1},
    {"SO(3)", "16*Scalar + 16*V + 8*V**2", "16*Scalar + 16*V + 8*V**2", 1},
};

static const problem CACHED[] = {
    {"SO(3)", "V**3", "V**3", 1},
    {"SO(3)", "V**4", "V**4", 0},
    {"SO(3)", "16*Scalar + 16*V + 8*V**2", "16*Scalar + 16*V + 8*V**2", 1},
    {"Z(1024)", "regular", "regular", 1},
};

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

typedef struct {
  weyl_group *g;
  weyl_rep *in, *out;
} reps;

static int make(const problem *p, reps *r) {
  memset(r, 0, sizeof *r);
  return weyl_group_builtin(p->group, &r->g) || weyl_rep_parse(r->g, p->in, &r->in) ||
         weyl_rep_parse(r->g, p->out, &r->out);
}

static void release(reps *r) {
  weyl_rep_free(r->in);
  weyl_rep_free(r->out);
  weyl_group_free(r->g);
}

/* "0.123 s 45 MB" or "refused" into cell. */
static void time_write(const char *dir, const char *fmt_name, const weyl_io_basis *io, char *cell,
                       size_t cap, double *seconds) {
  weyl_io_format fmt;
  char path[512];
  struct stat st;
  weyl_io_format_parse(fmt_name, &fmt);
  snprintf(path, sizeof path, "%s/out.%s", dir, fmt_name);
  double t0 = now();
  weyl_status s = weyl_io_write_path(path, fmt, io);
  *seconds = now() - t0;
  if (s != WEYL_OK || stat(path, &st) != 0) {
    snprintf(cell, cap, "%s", s == WEYL_ELIMIT || s == WEYL_EINVAL ? "refused" : "failed");
    *seconds = -1;
    return;
  }
  snprintf(cell, cap, "%.3f s %.3g MB", *seconds, st.st_size / 1e6);
  unlink(path);
}

static void output_row(const char *dir, const problem *p) {
  reps r;
  weyl_basis *b = NULL;
  if (make(p, &r) || weyl_basis_solve(r.in, r.out, NULL, &b)) {
    printf("%-8s %-28s failed: %s\n", p->group, p->in, weyl_status_last_error());
    release(&r);
    return;
  }
  weyl_io_basis io = {p->group, p->in, p->out, b, NULL, NULL, 0};
  static const char *const fmts[] = {"npy", "labels", "factored", "coo"};
  char cells[4][40];
  double t[4];
  for (int i = 0; i < 4; i++) time_write(dir, fmts[i], &io, cells[i], sizeof cells[i], &t[i]);
  char ratio[16] = "-";
  if (t[0] > 0) {
    double best = -1;
    for (int i = 1; i < 4; i++)
      if (t[i] > 0 && (best < 0 || t[i] < best)) best = t[i];
    if (best > 0) snprintf(ratio, sizeof ratio, "%.1f", t[0] / best);
  }
  char pair[64];
  snprintf(pair, sizeof pair, "%.28s", p->in);
  printf("%-8s %-28s %6d %-20s %-20s %-20s %-20s %s\n", p->group, pair, weyl_basis_dim(b),
         cells[0], cells[1], cells[2], cells[3], ratio);
  weyl_basis_free(b);
  release(&r);
}

static int same_elements(const weyl_basis *a, const weyl_basis *b) {
  size_t n = (size_t)weyl_basis_out_dim(a) * weyl_basis_in_dim(a);
  if (weyl_basis_dim(a) != weyl_basis_dim(b) || n > ((size_t)1 << 26)) return 0;
  double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
  int same = x && y;
  for (int k = 0; same && k < weyl_basis_dim(a); k++) {
    weyl_basis_element(a, k, x);
    weyl_basis_element(b, k, y);
    same = memcmp(x, y, n * sizeof *x) == 0;
  }
  free(x);
  free(y);
  return same;
}

static void cache_row(const char *dir, const problem *p) {
  reps r;
  weyl_basis *solved = NULL, *loaded = NULL;
  weyl_cache_report first, second;
  if (make(p, &r) || weyl_cache_solve(dir, r.in, r.out, NULL, &solved, &first) ||
      weyl_cache_solve(dir, r.in, r.out, NULL, &loaded, &second)) {
    printf("%-8s %-28s failed: %s\n", p->group, p->in, weyl_status_last_error());
    release(&r);
    return;
  }
  struct stat st;
  double mb = stat(first.path, &st) == 0 ? st.st_size / 1e6 : 0;
  char pair[64];
  snprintf(pair, sizeof pair, "%.28s", p->in);
  int same = second.loaded && first.stored && same_elements(solved, loaded);
  double ratio = first.seconds / (second.seconds > 0 ? second.seconds : 1e-9);
  printf("%-8s %-28s %6d %12.3f %12.4f %8.0f %9.3g  %s\n", p->group, pair, weyl_basis_dim(solved),
         first.seconds, second.seconds, ratio, mb, same ? "equal" : "DIFFERENT");
  unlink(first.path);
  weyl_basis_free(solved);
  weyl_basis_free(loaded);
  release(&r);
}

int main(int argc, char **argv) {
  int quick = argc > 1 && !strcmp(argv[1], "--quick");
  if (argc > 2 || (argc == 2 && !quick)) {
    fprintf(stderr, "usage: weyl_bench_io [--quick]\n");
    return 2;
  }
  char dir[] = "/tmp/weyl_bench_io_XXXXXX";
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  printf("writing a basis (in -> out with out = in; wall s, file size; ratio = npy / fastest "
         "compact)\n");
  printf("%-8s %-28s %6s %-20s %-20s %-20s %-20s %s\n", "group", "in", "dim", "npy (baseline)",
         "labels", "factored", "coo", "ratio");
  for (size_t i = 0; i < sizeof OUTPUTS / sizeof OUTPUTS[0]; i++)
    if (!quick || OUTPUTS[i].quick) output_row(dir, &OUTPUTS[i]);
  printf("\nbasis cache (wall s: solve + store into an empty cache, then load)\n");
  printf("%-8s %-28s %6s %12s %12s %8s %9s  %s\n", "group", "in", "dim", "solve+store",
         "load", "ratio", "entry MB", "loaded vs solved");
  for (size_t i = 0; i < sizeof CACHED / sizeof CACHED[0]; i++)
    if (!quick || CACHED[i].quick) cache_row(dir, &CACHED[i]);
  rmdir(dir);
  return 0;
}
