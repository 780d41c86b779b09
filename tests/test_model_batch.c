/* Huge batches (issue 16, items 1 and 18): a batch the model cannot hold is
 * refused with a status, the model survives the refusal (it can be freed and
 * used again), and batch x dimension products that do not fit the int
 * lengths of BLAS are refused before anything is allocated. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "fixtures.h"
#include "helpers.h"
#include "weyl/bilinear.h"
#include "weyl/model.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

/* Default width (128 channels: hidden layers 144 wide), two hidden blocks. */
static weyl_model *so3_emlp(const char *in, const char *out, weyl_group **g) {
  *g = builtin("SO(3)");
  weyl_rep *ri = parse(*g, in), *ro = parse(*g, out);
  weyl_model_opts o = weyl_model_default_opts();
  o.n_hidden = 2;
  weyl_model *m = NULL;
  cr_assert_eq(weyl_model_emlp(ri, ro, &o, &m), WEYL_OK, "%s", weyl_status_last_error());
  cr_assert_eq(weyl_model_init(m, 1), WEYL_OK, "%s", weyl_status_last_error());
  weyl_rep_free(ri);
  weyl_rep_free(ro);
  return m;
}

/* f(x) on 4 fixed rows of SO(3)'s V, to compare before and after a refusal. */
static void small_forward(weyl_model *m, double *y) {
  double x[12];
  unsigned long long seed = 9;
  for (int i = 0; i < 12; i++) x[i] = ref_rand(&seed);
  cr_assert_eq(weyl_model_forward(m, 4, x, y), WEYL_OK, "%s", weyl_status_last_error());
}

/* The case: 50,000,000 rows of an SO(3) V -> Scalar EMLP. The
 * hidden layers (144 wide) make rows x width over 2^31 numbers, so the batch is refused
 * before any buffer is allocated (x and y are never read then: the buffers
 * passed are small on purpose). On b2635d4 the first buffer was allocated,
 * a later one failed, and weyl_model_free freed the first one twice. */
Test(model_batch, a_refused_huge_batch_leaves_the_model_usable_and_freeable) {
  weyl_group *g = NULL;
  weyl_model *m = so3_emlp("V", "Scalar", &g);
  double before[4], after[4], x[3] = {1, 2, 3}, y[1];
  small_forward(m, before);
  weyl_status s = weyl_model_forward(m, 50000000, x, y);
  cr_assert_neq(s, WEYL_OK);
  cr_expect(s == WEYL_ELIMIT || s == WEYL_ENOMEM, "status %d", s);
  cr_expect_neq(strstr(weyl_status_last_error(), "50000000"), NULL, "%s",
                weyl_status_last_error());
  small_forward(m, after);
  for (int i = 0; i < 4; i++) cr_expect_eq(before[i], after[i], "row %d", i);
  weyl_model_free(m);
  weyl_group_free(g);
}

/* The same model when malloc itself fails half-way through the activation
 * buffers (address space limited to what is in use plus 256 MiB): the first
 * buffers are allocated, a later one is not. Skipped under ASan (its
 * allocator aborts instead of returning NULL) and valgrind (WEYL_TEST_QUICK:
 * its address space is its own). */
Test(model_batch, a_failed_allocation_mid_grow_leaves_no_dangling_buffer) {
  const char *quick = getenv("WEYL_TEST_QUICK");
  if (UNDER_ASAN || (quick && quick[0] && quick[0] != '0')) {
    /* not cr_skip_test: under valgrind Criterion's skip leaks its message */
    fprintf(stderr, "skipped: malloc failure under an address-space limit: native runs only\n");
    return;
  }
  weyl_group *g = NULL;
  weyl_model *m = so3_emlp("V", "Scalar", &g);
  double before[4], after[4], x[3] = {1, 2, 3}, y[1];
  small_forward(m, before);
  long pages = 0;
  FILE *f = fopen("/proc/self/statm", "r");
  if (!f || fscanf(f, "%ld", &pages) != 1) {
    if (f) fclose(f);
    cr_skip_test("no /proc/self/statm to size the address-space limit");
    return;
  }
  fclose(f);
  struct rlimit old, lim;
  cr_assert_eq(getrlimit(RLIMIT_AS, &old), 0);
  lim = old;
  lim.rlim_cur = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + ((rlim_t)256 << 20);
  cr_assert_eq(setrlimit(RLIMIT_AS, &lim), 0);
  /* 4,000,000 rows: the 3-wide input buffer (96 MB) fits, the hidden ones
   * (several GB) do not; rows x width stays under 2^31. */
  weyl_status s = weyl_model_forward(m, 4000000, x, y);
  cr_assert_eq(setrlimit(RLIMIT_AS, &old), 0);
  cr_assert_eq(s, WEYL_ENOMEM, "status %d: %s", s, weyl_status_last_error());
  small_forward(m, after);
  for (int i = 0; i < 4; i++) cr_expect_eq(before[i], after[i], "row %d", i);
  weyl_model_free(m);
  weyl_group_free(g);
}

/* batch x out_dim over INT_MAX: the equivariance check, the training step
 * and the bilinear layer refuse it with WEYL_ELIMIT before allocating (on
 * b2635d4 they multiplied in int and asked malloc for the wrapped size). */
Test(model_batch, batch_times_dimension_over_int_max_is_a_limit) {
  weyl_group *g = NULL;
  weyl_model *m = so3_emlp("V", "V", &g);
  double x[3] = {1, 2, 3}, err = -1;
  weyl_rng rng;
  weyl_rng_seed(&rng, 1);
  int batch = 800000000; /* x 3 = 2.4e9 > 2^31 - 1 */
  cr_expect_eq(weyl_model_equivariance_error(m, &rng, 1, 0.5, batch, x, &err), WEYL_ELIMIT, "%s",
               weyl_status_last_error());
  cr_expect_eq(err, -1);
  weyl_adam *a = NULL;
  cr_assert_eq(weyl_adam_new(weyl_model_nparams(m), 1e-3, &a), WEYL_OK);
  cr_expect_eq(weyl_model_train_mse(m, a, batch, x, x, NULL), WEYL_ELIMIT, "%s",
               weyl_status_last_error());
  weyl_adam_free(a);

  weyl_rep *v = parse(g, "V"), *mid = parse(g, "Scalar + V");
  weyl_bilinear *b = NULL;
  cr_assert_eq(weyl_bilinear_new(v, v, mid, NULL, &b), WEYL_OK, "%s", weyl_status_last_error());
  double y[3];
  cr_expect_eq(weyl_bilinear_forward(b, batch, x, y, 0), WEYL_ELIMIT, "%s",
               weyl_status_last_error());
  weyl_bilinear_free(b);
  weyl_rep_free(v);
  weyl_rep_free(mid);
  weyl_model_free(m);
  weyl_group_free(g);
}
