/* weyl — command-line front end of the library.
 *
 *   weyl basis (FILE.rep | --group G) --in EXPR --out EXPR [options]
 *   weyl check (FILE.rep | --group G)
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
 * standard output; with -o PATH no file is created at PATH. */
#include <string.h>

#include "cli.h"

void cli_print_help(FILE *f) {
  fputs("weyl " WEYL_CLI_VERSION " - bases of equivariant linear maps\n"
        "\n"
        "usage:\n"
        "  weyl basis (FILE.rep | --group G) --in EXPR --out EXPR [options]\n"
        "      solve rho_out(g) W = W rho_in(g) and print a basis of the maps W\n"
        "      (and of the equivariant biases)\n"
        "      --format text|json|npy     output format (default text; npy needs\n"
        "                                 -o PATH or a pipe)\n"
        "      -o PATH                    write to PATH atomically, not to stdout\n"
        "      --solver auto|dense|orbit|iterative  solver path (default auto)\n"
        "      --rtol X                   relative rank tolerance (default 1e-09)\n"
        "      --max-mem MiB              working memory limit per block (default 2048)\n"
        "      --explain                  per block: path, size, time, gap, memory\n"
        "                                 (on stderr)\n"
        "      --local K                  grid groups: keep only the maps within a\n"
        "                                 K x K neighbourhood (K odd; convolutions)\n"
        "      --svg PATH                 also draw the weight sharing (one colour per\n"
        "                                 weight; grid groups: the filters)\n"
        "  weyl check (FILE.rep | --group G)\n"
        "      validate a group; list its generators, reps and order, and the\n"
        "      defects of a finite group's matrices (exit status 1 if any)\n"
        "  weyl demo        worked examples, no files needed\n"
        "  weyl help, weyl --help, weyl --version\n"
        "\n"
        "groups:  Z(n) D(n) S(n) SO(n) O(n) SO(1,3) O(1,3) Sp(2n), products 'G1 x G2'\n"
        "         grids T(n) T(h,w) p4(n) p4m(n), kernels C4(k) D4(k)\n"
        "reps:    V, a rep name from the file, Scalar, regular, rot(k),\n"
        "         A + B, k*A, A*B, A**k, A.T, ( ... )\n"
        "\n"
        "exit status: 0 ok, 1 bad input (parse, invalid, limit), 2 usage error,\n"
        "             3 numerical failure, 4 i/o error, 5 out of memory\n",
        f);
}

typedef struct {
  const char *name;
  int (*run)(int argc, char **argv);
} command;

static const command commands[] = {
    {"basis", cmd_basis},
    {"check", cmd_check},
    {"demo", cmd_demo},
};

static int print_help(void) {
  cli_print_help(stdout);
  return CLI_OK;
}

int main(int argc, char **argv) {
  if (argc < 2) return cli_usage("missing command: basis, check or demo");
  const char *cmd = argv[1];
  if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) return print_help();
  if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
    puts("weyl " WEYL_CLI_VERSION);
    return CLI_OK;
  }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (!strcmp(cmd, commands[i].name)) return commands[i].run(argc - 1, argv + 1);
  if (cmd[0] == '-') return cli_usage("unknown option '%s'", cmd);
  return cli_usage("unknown command '%s'", cmd);
}
