/* The basis cache: a second solve of the same problem loads the stored basis
 * (equal element by element to the solved one, of the dimension known by
 * counting); a corrupted, truncated or foreign entry is rejected with a
 * warning and solved again, never used; any change of the problem (options,
 * either expression, one entry of one group matrix) misses. */
#define _POSIX_C_SOURCE 200809L

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "solved.h"
#include "weyl/cache.h"
#include "weyl/repfile.h"

static char *temp_dir(void) {
  char *d = strdup("/tmp/weyl_cache_XXXXXX");
  cr_assert_not_null(mkdtemp(d));
  return d;
}

static void remove_dir(char *d) {
  DIR *dir = opendir(d);
  struct dirent *e;
  char path[4200];
  while (dir && (e = readdir(dir)))
    if (e->d_name[0] != '.') snprintf(path, sizeof path, "%s/%s", d, e->d_name), unlink(path);
  if (dir) closedir(dir);
  rmdir(d);
  free(d);
}

typedef solved problem; /* b unused: the cache solves */

static problem make(weyl_group *g, const char *in, const char *out) {
  problem p = {g, NULL, NULL, NULL};
  cr_assert_eq(weyl_rep_parse(g, in, &p.in), WEYL_OK, "%s", weyl_status_last_error());
  cr_assert_eq(weyl_rep_parse(g, out, &p.out), WEYL_OK, "%s", weyl_status_last_error());
  return p;
}

static problem builtin(const char *group, const char *in, const char *out) {
  return solved_reps(group, in, out);
}

static void release(problem *p) { solved_free(p); }

static weyl_basis *cached(const char *dir, const problem *p, const weyl_basis_opts *o,
                          weyl_cache_report *r) {
  weyl_basis *b = NULL;
  cr_assert_eq(weyl_cache_solve(dir, p->in, p->out, o, &b, r), WEYL_OK, "%s",
               weyl_status_last_error());
  cr_assert_not_null(b);
  return b;
}

/* Equal element by element (bit for bit), same blocks and rank report. */
static void assert_same_basis(const weyl_basis *a, const weyl_basis *b) {
  cr_assert_eq(weyl_basis_dim(a), weyl_basis_dim(b));
  cr_assert_eq(weyl_basis_in_dim(a), weyl_basis_in_dim(b));
  cr_assert_eq(weyl_basis_out_dim(a), weyl_basis_out_dim(b));
  cr_assert_eq(weyl_basis_is_exact(a), weyl_basis_is_exact(b));
  cr_assert_eq(weyl_basis_nblocks(a), weyl_basis_nblocks(b));
  for (int i = 0; i < weyl_basis_nblocks(a); i++) {
    weyl_basis_block_info x, y;
    weyl_basis_block_info_get(a, i, &x);
    weyl_basis_block_info_get(b, i, &y);
    cr_assert_str_eq(x.key, y.key);
    cr_assert_str_eq(x.path, y.path);
    cr_assert_eq(x.copies, y.copies);
    cr_assert_eq(x.min_kept, y.min_kept);
    cr_assert_eq(x.max_dropped, y.max_dropped);
  }
  cr_assert_eq(weyl_basis_report_get(a)->min_gap, weyl_basis_report_get(b)->min_gap);
  size_t n = (size_t)weyl_basis_in_dim(a) * weyl_basis_out_dim(a);
  double *wa = malloc(n * sizeof *wa), *wb = malloc(n * sizeof *wb);
  for (int k = 0; k < weyl_basis_dim(a); k++) {
    weyl_basis_element(a, k, wa);
    weyl_basis_element(b, k, wb);
    cr_assert(memcmp(wa, wb, n * sizeof *wa) == 0, "element %d differs", k);
  }
  free(wa);
  free(wb);
}

static long file_size(const char *path) {
  struct stat st;
  cr_assert_eq(stat(path, &st), 0);
  return (long)st.st_size;
}

/* Dimensions known by counting: Z(6) V + 2*Scalar -> V + regular is
 * 6 + 6 (circulants, regular = V) + 2 + 2 (constants); S(4) on pairs to
 * points and Scalar: 5 orbits of S4 on triples (Bell(3)) + 2 on pairs; SO(3)
 * V**2 -> V**2: 3 (identity, swap, trace); V**3 -> V**3: 15 (Riordan, V**6
 * invariants); V**4 -> V**4: 91 (V**8 invariants: spin 0..4 appear 3, 6, 6,
 * 3, 1 times in V**4, 9 + 36 + 36 + 9 + 1). The last two are isotypic blocks,
 * stored as their factors: the entry must be far smaller than their dense
 * elements and load factored again. */
Test(io_cache, second_solve_loads_the_same_basis) {
  struct {
    const char *group, *in, *out;
    int dim;
  } cases[] = {{"Z(6)", "V + 2*Scalar", "V + regular", 16},
               {"S(4)", "V*V", "V + Scalar", 7},
               {"SO(3)", "V**2", "V**2", 3},
               {"SO(3)", "V**3", "V**3", 15},
               {"SO(3)", "V**4", "V**4", 91}};
  char *dir = temp_dir();
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    problem p = builtin(cases[c].group, cases[c].in, cases[c].out);
    weyl_cache_report r1, r2;
    weyl_basis *solved = cached(dir, &p, NULL, &r1);
    cr_assert_eq(weyl_basis_dim(solved), cases[c].dim, "%s", cases[c].in);
    cr_assert(r1.stored && !r1.loaded && !r1.rejected && !r1.warning[0], "%s", r1.warning);
    cr_assert_eq(access(r1.path, R_OK), 0, "%s", r1.path);
    weyl_basis *loaded = cached(dir, &p, NULL, &r2);
    cr_assert(r2.loaded && !r2.stored && !r2.rejected && !r2.warning[0], "%s", r2.warning);
    cr_assert_str_eq(r1.path, r2.path);
    assert_same_basis(solved, loaded);
    int factored = 0;
    for (int i = 0; i < weyl_basis_nblocks(solved); i++) {
      cr_assert_eq(weyl_basis_block_is_factored(loaded, i),
                   weyl_basis_block_is_factored(solved, i), "%s block %d", cases[c].in, i);
      factored += weyl_basis_block_is_factored(solved, i);
    }
    int isotypic = strcmp(cases[c].in, "V**3") == 0 || strcmp(cases[c].in, "V**4") == 0;
    cr_assert_eq(factored > 0, isotypic, "%s: factored blocks", cases[c].in);
    if (factored) { /* in^2 + out^2 + a few per element, not dim * out * in numbers */
      double dense = 8.0 * weyl_basis_dim(solved) * weyl_basis_in_dim(solved) *
                     weyl_basis_out_dim(solved);
      cr_assert_lt(file_size(r1.path), dense / 5, "%s: %ld bytes", cases[c].in,
                   file_size(r1.path));
    }
    weyl_basis_free(solved);
    weyl_basis_free(loaded);
    release(&p);
  }
  remove_dir(dir);
}

static void flip_byte(const char *path, long at, int mask) {
  FILE *f = fopen(path, "r+b");
  cr_assert_not_null(f);
  fseek(f, at, SEEK_SET);
  int c = fgetc(f);
  fseek(f, at, SEEK_SET);
  fputc(c ^ mask, f);
  fclose(f);
}

/* Solves through a damaged entry: it must be rejected with a warning,
 * solved again (equal to the reference) and stored afresh. */
static void assert_rejected(const char *dir, const problem *p, const weyl_basis *ref,
                            const char *damage) {
  weyl_cache_report r;
  weyl_basis *b = cached(dir, p, NULL, &r);
  cr_assert(r.rejected && !r.loaded && r.stored, "%s: rejected %d loaded %d", damage, r.rejected,
            r.loaded);
  cr_assert(strstr(r.warning, "not used"), "%s: warning '%s'", damage, r.warning);
  assert_same_basis(ref, b);
  weyl_basis_free(b);
}

Test(io_cache, corrupt_entries_are_rejected_and_solved_again) {
  const char *groups[] = {"Z(6)", "SO(3)", "SO(3)"}, *ins[] = {"V + 2*Scalar", "V**2", "V**3"},
             *outs[] = {"V + regular", "V**2", "V**3"}; /* V**3: factored blocks */
  char *dir = temp_dir();
  srand(14);
  for (int c = 0; c < 3; c++) {
    problem p = builtin(groups[c], ins[c], outs[c]);
    weyl_basis *ref = NULL;
    cr_assert_eq(weyl_basis_solve(p.in, p.out, NULL, &ref), WEYL_OK);
    weyl_cache_report r;
    weyl_basis_free(cached(dir, &p, NULL, &r));
    long size = file_size(r.path);
    char what[64];
    for (int t = 0; t < test_cases(16); t++) { /* one flipped byte anywhere */
      long at = t == 0 ? size - 1 : rand() % size;
      snprintf(what, sizeof what, "byte %ld of %ld flipped", at, size);
      flip_byte(r.path, at, 1 + rand() % 255);
      assert_rejected(dir, &p, ref, what);
    }
    for (int t = 0; t < test_cases(8); t++) { /* truncated, or one byte too many */
      long len = t == 0 ? size + 1 : rand() % size;
      snprintf(what, sizeof what, "cut to %ld of %ld bytes", len, size);
      cr_assert_eq(truncate(r.path, len), 0);
      assert_rejected(dir, &p, ref, what);
    }
    weyl_cache_report again;
    weyl_basis *b = cached(dir, &p, NULL, &again);
    cr_assert(again.loaded, "the rewritten entry loads");
    weyl_basis_free(b);
    weyl_basis_free(ref);
    release(&p);
  }
  remove_dir(dir);
}

/* SO2 of reps/so2.rep; `entry` is the top-right entry of freq2's generator. */
static weyl_group *so2_group(const char *entry) {
  char text[512];
  snprintf(text, sizeof text,
           "group SO2\nalgebra J\nrep vec 2\n  J matrix\n    0 -1\n    1 0\n"
           "rep freq2 2\n  J matrix\n    0 %s\n    2 0\n", entry);
  weyl_group *g = NULL;
  cr_assert_eq(weyl_repfile_parse(text, strlen(text), "so2", &g), WEYL_OK, "%s",
               weyl_status_last_error());
  return g;
}

Test(io_cache, a_changed_problem_misses) {
  char *dir = temp_dir();
  problem base = make(so2_group("-2"), "vec + Scalar", "vec*vec");
  weyl_cache_report r0, r;
  weyl_basis_free(cached(dir, &base, NULL, &r0));
  weyl_basis_opts opts[] = {{.rtol = 1e-8},
                            {.solver = WEYL_BASIS_SOLVER_DENSE},
                            {.max_bytes = (size_t)1 << 30}};
  for (int i = 0; i < 3; i++) {
    weyl_basis_free(cached(dir, &base, &opts[i], &r));
    cr_assert(!r.loaded && r.stored && strcmp(r.path, r0.path) != 0, "options %d", i);
  }
  /* The defaults written out are the same options as none. */
  weyl_basis_opts same = {.rtol = WEYL_BASIS_DEFAULT_RTOL, .max_bytes = (size_t)2 << 30};
  weyl_basis_free(cached(dir, &base, &same, &r));
  cr_assert(r.loaded, "explicit defaults load the entry");
  problem other_in = make(base.g, "vec", "vec*vec");
  problem other_out = make(base.g, "vec + Scalar", "vec");
  problem other_group = make(so2_group("-3"), "vec + Scalar", "vec*vec");
  problem *others[] = {&other_in, &other_out, &other_group};
  for (int i = 0; i < 3; i++) {
    weyl_basis_free(cached(dir, others[i], NULL, &r));
    cr_assert(!r.loaded && r.stored && strcmp(r.path, r0.path) != 0, "problem %d", i);
  }
  weyl_basis_free(cached(dir, &base, NULL, &r));
  cr_assert(r.loaded && !strcmp(r.path, r0.path), "the first entry is still there");
  weyl_rep_free(other_in.in), weyl_rep_free(other_in.out);
  weyl_rep_free(other_out.in), weyl_rep_free(other_out.out);
  release(&other_group);
  release(&base);
  remove_dir(dir);
}

/* An intact entry of another problem moved to this problem's file name: its
 * checksum is right, its stored key is not. */
Test(io_cache, an_entry_of_another_problem_is_rejected) {
  char *dir = temp_dir();
  problem a = builtin("Z(5)", "V", "V"), b = make(a.g, "V", "V + Scalar");
  weyl_cache_report ra, rb;
  weyl_basis_free(cached(dir, &a, NULL, &ra));
  char path_b[WEYL_CACHE_PATH_CAP];
  cr_assert_eq(weyl_cache_path(dir, b.in, b.out, NULL, path_b, sizeof path_b), WEYL_OK);
  cr_assert_eq(rename(ra.path, path_b), 0);
  weyl_basis *got = cached(dir, &b, NULL, &rb);
  cr_assert(rb.rejected && !rb.loaded, "%s", rb.warning);
  cr_assert(strstr(rb.warning, "key"), "%s", rb.warning);
  cr_assert_eq(weyl_basis_dim(got), 6); /* 5 circulants + the constant column */
  weyl_basis_free(got);
  weyl_rep_free(b.in), weyl_rep_free(b.out);
  release(&a);
  remove_dir(dir);
}

Test(io_cache, the_environment_names_the_default_directory) {
  char *dir = temp_dir();
  problem p = builtin("Z(4)", "V", "V");
  weyl_cache_report r;
  setenv(WEYL_CACHE_ENV, dir, 1);
  weyl_basis_free(cached(NULL, &p, NULL, &r));
  cr_assert(r.stored && strncmp(r.path, dir, strlen(dir)) == 0, "%s", r.path);
  weyl_basis_free(cached(NULL, &p, NULL, &r));
  cr_assert(r.loaded);
  unsetenv(WEYL_CACHE_ENV);
  weyl_basis_free(cached(NULL, &p, NULL, &r));
  cr_assert(!r.loaded && !r.stored && r.path[0] == '\0', "no directory: a plain solve");
  release(&p);
  remove_dir(dir);
}

/* A directory that cannot be made (its name is a file's) costs a warning,
 * not the basis. */
Test(io_cache, an_unwritable_cache_is_a_warning) {
  char *dir = temp_dir(), file[256];
  snprintf(file, sizeof file, "%s/plain-file", dir);
  fclose(fopen(file, "w"));
  problem p = builtin("Z(4)", "V", "V");
  weyl_cache_report r;
  weyl_basis *b = cached(file, &p, NULL, &r);
  cr_assert(!r.stored && !r.loaded && strstr(r.warning, "cannot"), "%s", r.warning);
  cr_assert_eq(weyl_basis_dim(b), 4);
  cr_assert_str_eq(weyl_status_last_error(), "", "the call succeeded: no error text");
  weyl_basis_free(b);
  release(&p);
  remove_dir(dir);
}

Test(io_cache, null_arguments_are_refused) {
  problem p = builtin("Z(3)", "V", "V");
  weyl_basis *b = NULL;
  weyl_cache_report r;
  char path[16];
  cr_assert_eq(weyl_cache_solve("/tmp", NULL, p.out, NULL, &b, &r), WEYL_EINVAL);
  cr_assert_eq(weyl_cache_solve("/tmp", p.in, p.out, NULL, NULL, &r), WEYL_EINVAL);
  cr_assert_eq(weyl_cache_path("/tmp", p.in, NULL, NULL, path, sizeof path), WEYL_EINVAL);
  cr_assert_eq(weyl_cache_path("/tmp", p.in, p.out, NULL, path, sizeof path), WEYL_EINVAL,
               "a 16-byte buffer is too small for the path");
  cr_assert_null(b);
  release(&p);
}
