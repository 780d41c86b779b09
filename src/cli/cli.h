/* The `weyl` program: shared declarations of the command files. The program
 * only parses arguments, calls the library and turns statuses into exit codes
 * (listed in main.c). */
#ifndef WEYL_CLI_H
#define WEYL_CLI_H

#include <stdio.h>

#include "weyl/basis.h"
#include "weyl/group.h"
#include "weyl/status.h"
#include "weyl/version.h"

#define WEYL_CLI_VERSION WEYL_VERSION_STRING /* one version: weyl/version.h */

/* Exit codes (documented in main.c and `weyl --help`). */
enum {
  CLI_OK = 0,
  CLI_EINPUT = 1,   /* parse error, invalid input, size limit */
  CLI_EUSAGE = 2,   /* unknown command or flag, missing argument */
  CLI_ENUMERIC = 3, /* LAPACK failure */
  CLI_EIO = 4,      /* a file could not be read or written */
  CLI_ENOMEM = 5    /* out of memory */
};

/* The exit code for a failing library status. */
int cli_exit_code(weyl_status s);

/* Prints "weyl: [context: ]<weyl_status_last_error()>" to stderr; returns the exit code. */
int cli_fail(weyl_status s, const char *context);
/* Same, followed by " (hint)" when hint is not NULL: advice in terms of flags. */
int cli_fail_hint(weyl_status s, const char *context, const char *hint);

/* Prints "weyl: <message> (see 'weyl --help')" to stderr; returns CLI_EUSAGE. */
#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
int cli_usage(const char *fmt, ...);

/* A positional argument: the command's one .rep file ("-" alone is a file
 * name). Returns CLI_OK, or the usage error for an unknown option or a
 * second file. */
int cli_take_file(const char *command, const char *arg, const char **file);

/* Flag values: when argv[*i] is flag ("--flag VALUE" or "--flag=VALUE"),
 * stores VALUE in *value, moves *i to the last argument used and returns 1.
 * Returns 0 when argv[*i] is something else, and -1 (after a usage message)
 * when the value is missing or the flag was already given. */
int cli_take_value(int argc, char **argv, int *i, const char *flag, const char **value);

/* Loads the group from a .rep file or a built-in name (exactly one non-NULL).
 * Returns an exit code; on CLI_OK *g is new (weyl_group_free). */
int cli_load_group(const char *file, const char *builtin, weyl_group **g);

void cli_print_help(FILE *f);
/* Under an address-space limit (ulimit -v), makes sure BLAS's work buffer
 * fits, so that a solve fails with CLI_ENOMEM instead of spinning in
 * OpenBLAS (cli_blas.c): may re-execute the program (argv) with one BLAS
 * thread; when the buffer does not fit, prints the reason and ends the
 * process with CLI_ENOMEM at once. */
void cli_blas_reserve(char **argv);

/* --explain: one line per distinct block of b (path, size, time, gap, peak
 * memory), under the heading what. */
void cli_explain(FILE *f, const char *what, const weyl_basis *b);
/* One --explain line: the equivariance error (weyl_basis_equivariance_error)
 * of a combination of every element, when the reps are small enough. */
void cli_explain_error(FILE *f, const weyl_rep *in, const weyl_rep *out, const weyl_basis *b);
/* One --explain line: the dimension Schur's lemma predicts from the isotypic
 * decompositions of in and out (weyl/decomp.h) next to found, and a warning
 * line when they differ; nothing when a rep does not decompose. */
void cli_explain_predicted(FILE *f, const weyl_rep *in, const weyl_rep *out, int found);

/* The progress line on stderr (use only when stderr is a terminal): pass
 * cli_progress as weyl_basis_opts.progress with a zeroed state as its context,
 * and call cli_progress_end after the solve to clear the line. The line is
 * redrawn twice a second by a thread of its own (cli_progress.c), so its
 * clock keeps moving while one stage (a single LAPACK call) runs for long. */
typedef struct {
  double start;
  int shown;
  int ticking;           /* the redraw thread runs */
  struct cli_ticker *t;  /* its state (cli_progress.c) */
} cli_progress_state;
void cli_progress(void *ctx, const char *stage, double done);
void cli_progress_end(cli_progress_state *p);

/* Registers the library's temporary output names and installs handlers for
 * SIGINT, SIGTERM, SIGHUP and SIGPIPE that remove them before the program
 * dies of the signal (cli_cleanup.c). Signals that are ignored stay ignored. */
void cli_cleanup_install(void);

/* Reports a failure of standard output (a full disk, /dev/full, a closed
 * pipe) once everything is printed: returns rc, or CLI_EIO with the one
 * "weyl: " line when rc was CLI_OK and stdout failed. */
int cli_stdout_status(int rc);

/* Commands: argv[0] is the command name. Each returns an exit code. */
int cmd_basis(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_decompose(int argc, char **argv);
int cmd_demo(int argc, char **argv);

#endif
