/* Temporary output names removed when a signal ends the program.
 *
 * Where the library cannot write an unnamed file (no O_TMPFILE), an output
 * is written under PATH.tmp.XXXXXX and renamed when complete; SIGINT or
 * SIGTERM in the middle would leave that name behind. The library reports
 * each such name as it appears and goes (weyl_io_temp_hook_set); they are
 * kept here in fixed slots, and the handler unlinks the live ones, then
 * dies of the same signal with the default action. Everything the handler
 * touches is async-signal-safe: unlink, sigaction, raise, and slots whose
 * flag is set only after the name is complete. */
#define _POSIX_C_SOURCE 200809L

#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "weyl/io.h"

enum { SLOTS = 4, NAME_CAP = 4096 + 32 }; /* weyl basis has two outputs */

static char names[SLOTS][NAME_CAP];
static volatile sig_atomic_t live[SLOTS];

static void on_temp(void *ctx, const char *name, int created) {
  (void)ctx;
  size_t n = strlen(name);
  for (int i = 0; i < SLOTS; i++) {
    if (created && !live[i] && n < NAME_CAP) {
      memcpy(names[i], name, n + 1);
      atomic_signal_fence(memory_order_seq_cst); /* the name before the flag */
      live[i] = 1;
      return;
    }
    if (!created && live[i] && strcmp(names[i], name) == 0) {
      live[i] = 0;
      return;
    }
  }
}

static const int caught[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};

static void on_signal(int sig) {
  for (int i = 0; i < SLOTS; i++)
    if (live[i]) unlink(names[i]);
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, NULL);
  raise(sig); /* delivered when the handler returns: the usual death by sig */
}

void cli_cleanup_install(void) {
  weyl_io_temp_hook_set(on_temp, NULL);
  for (size_t k = 0; k < sizeof caught / sizeof caught[0]; k++) {
    struct sigaction old, sa;
    if (sigaction(caught[k], NULL, &old) != 0 || old.sa_handler == SIG_IGN)
      continue; /* nohup and friends: an ignored signal stays ignored */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigfillset(&sa.sa_mask); /* one handler at a time */
    sigaction(caught[k], &sa, NULL);
  }
}
