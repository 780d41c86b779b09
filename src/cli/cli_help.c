/* The text of `weyl --help`: kept apart from main.c so that the commands,
 * which print it on a usage error, do not depend on the dispatcher. */
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
        "      --solver auto|dense|orbit|iterative|stabiliser|isotypic\n"
        "                                 solver path (default auto)\n"
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
