/* Room for BLAS under an address-space limit.
 *
 * OpenBLAS maps a work buffer of 128 MiB (BUFFER_SIZE on x86-64) for every
 * thread it runs: its worker threads when the library loads, before main,
 * and the calling thread on its first level-3 call. When that mmap fails it
 * retries for ever: under `ulimit -v 150000` any solve spun at 100% CPU
 * instead of failing (issue 16), and exit() then waited for the spinning
 * workers. The library cannot see this coming, so the program, under a
 * finite RLIMIT_AS only:
 *   1. runs with one BLAS thread, so that no worker exists: it re-executes
 *      itself (/proc/self/exe) with OPENBLAS_NUM_THREADS=1 unless that is
 *      already set (WEYL_BLAS_REEXEC guards against a loop);
 *   2. maps and unmaps the buffer's size plus headroom for every thread
 *      still there; when that fails, prints the reason and _exits 5;
 *   3. makes one small dgemm at once, so that OpenBLAS takes its buffer in
 *      the room just seen free, before the solve's own matrices use it up
 *      (the buffer is kept for the life of the process).
 * Without a limit nothing is done: the mapping would succeed and prove
 * nothing, and a failing malloc is reported as usual. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, setenv */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli.h"

/* OpenBLAS's buffer per thread, and what a solve maps next to it (its own
 * matrices, LAPACK's work arrays) at the least. */
#define BLAS_BUFFER_BYTES ((size_t)128 << 20)
#define HEADROOM_BYTES ((size_t)16 << 20)
enum { TOUCH_N = 96 }; /* large enough for the blocked kernel, which uses the buffer */

static void one_thread(char **argv) {
  const char *n = getenv("OPENBLAS_NUM_THREADS");
  if ((n && !strcmp(n, "1")) || getenv("WEYL_BLAS_REEXEC"))
    return;
  if (setenv("OPENBLAS_NUM_THREADS", "1", 1) == 0 && setenv("WEYL_BLAS_REEXEC", "1", 1) == 0) {
    fflush(NULL);
    execv("/proc/self/exe", argv); /* returns only on failure: go on as we are */
  }
}

void cli_blas_reserve(char **argv) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_AS, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
    return;
  one_thread(argv);
  int threads = openblas_get_num_threads();
  openblas_set_num_threads(1);
  size_t need = (size_t)(threads > 1 ? threads : 1) * BLAS_BUFFER_BYTES + HEADROOM_BYTES;
  void *p = mmap(NULL, need, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p != MAP_FAILED) {
    munmap(p, need);
    static double a[TOUCH_N * TOUCH_N], c[TOUCH_N * TOUCH_N];
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, TOUCH_N, TOUCH_N, TOUCH_N, 1.0, a,
                TOUCH_N, a, TOUCH_N, 0.0, c, TOUCH_N);
    return;
  }
  fprintf(stderr,
          "weyl: out of memory: the address-space limit (ulimit -v %llu KiB) leaves no room "
          "for the BLAS work buffer (%zu MiB more needed)\n",
          (unsigned long long)rl.rlim_cur / 1024, need >> 20);
  fflush(stderr);
  _exit(CLI_ENOMEM);
}
