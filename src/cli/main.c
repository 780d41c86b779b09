/* weyl — command-line front end of the library.
 *
 *   weyl basis (FILE.rep | --group G) --in EXPR --out EXPR [options]
 *   weyl check (FILE.rep | --group G)
 *   weyl decompose (FILE.rep | --group G) --rep EXPR
 *   weyl demo
 *   weyl help | --help | --version
 *
 * Exit status (also in `weyl --help`):
 *   0  success
 *   1  bad input: a .rep file or expression that does not parse, an invalid
 *      combination (e.g. --solver orbit on a non-permutation rep), a size limit
 *   2  usage error: unknown command or option, missing or malformed argument
 *   3  numerical failure (LAPACK did not converge)
 *   4  i/o error: a file could not be read or written
 *   5  out of memory
 * On failure one line "weyl: <reason>" goes to standard error and nothing to
 * standard output; with -o PATH no file is created at PATH. A failure of
 * standard output itself (e.g. > /dev/full) is exit status 4 for every
 * command. */
#include <string.h>

#include "cli.h"

typedef struct {
  const char *name;
  int (*run)(int argc, char **argv);
} command;

static const command commands[] = {
    {"basis", cmd_basis},
    {"check", cmd_check},
    {"decompose", cmd_decompose},
    {"demo", cmd_demo},
};

static int print_help(void) {
  cli_print_help(stdout);
  return CLI_OK;
}

static int run(int argc, char **argv) {
  if (argc < 2) return cli_usage("missing command: basis, check, decompose or demo");
  const char *cmd = argv[1];
  if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) return print_help();
  if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
    puts("weyl " WEYL_CLI_VERSION);
    return CLI_OK;
  }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (!strcmp(cmd, commands[i].name)) {
      cli_blas_reserve(argv);
      return commands[i].run(argc - 1, argv + 1);
    }
  if (cmd[0] == '-') return cli_usage("unknown option '%s'", cmd);
  return cli_usage("unknown command '%s'", cmd);
}

int main(int argc, char **argv) {
  cli_cleanup_install();
  return cli_stdout_status(run(argc, argv));
}
