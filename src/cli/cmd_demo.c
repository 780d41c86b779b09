/* weyl demo: four worked examples from embedded data. The output is built in
 * memory and printed only when every section succeeded, so that a failure
 * leaves standard output empty like every other command. */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "weyl/io.h"
#include "weyl/repfile.h"

/* rep-format.md section 1: D4 acting on the 9 pixels of a 3x3 kernel
 * (pixel index 3*row + col; r rotates by 90 degrees, f mirrors left-right). */
static const char d4_pixels_rep[] = "group D4_pixels\n"
                                    "generators r f\n"
                                    "algebra\n"
                                    "\n"
                                    "rep pixels 9\n"
                                    "  r perm 6 3 0 7 4 1 8 5 2\n"
                                    "  f perm 2 1 0 5 4 3 8 7 6\n"
                                    "\n"
                                    "rep sign 1\n"
                                    "  r matrix\n"
                                    "    1\n"
                                    "  f matrix\n"
                                    "    -1\n";

/* One solved problem; the reps outlive the basis, which may refer to them. */
typedef struct {
  weyl_rep *in, *out;
  weyl_basis *b;
} problem;

static weyl_status problem_solve(weyl_group *g, const char *in, const char *out, problem *p) {
  weyl_status s = weyl_rep_parse(g, in, &p->in);
  if (!s) s = weyl_rep_parse(g, out, &p->out);
  if (!s) s = weyl_basis_solve(p->in, p->out, NULL, &p->b);
  return s;
}

static void problem_free(problem *p) {
  weyl_basis_free(p->b);
  weyl_rep_free(p->out);
  weyl_rep_free(p->in);
  *p = (problem){0};
}

/* The library's text view of one basis (without the bias). */
static weyl_status show_text(FILE *f, weyl_group *g, const char *in, const char *out) {
  problem p = {0};
  weyl_status s = problem_solve(g, in, out, &p);
  if (!s) {
    weyl_io_basis io = {weyl_group_name(g), in, out, p.b, NULL, NULL, 0};
    s = weyl_io_write(f, WEYL_IO_FORMAT_TEXT, &io);
  }
  problem_free(&p);
  return s;
}

static weyl_status show_builtin(FILE *f, const char *group, const char *in, const char *out) {
  weyl_group *g = NULL;
  weyl_status s = weyl_group_builtin(group, &g);
  if (!s) s = show_text(f, g, in, out);
  weyl_group_free(g);
  return s;
}

static weyl_status demo_cyclic(FILE *f) {
  fputs("[1] Z(8) shifting 8 points cyclically: the maps regular -> regular are the\n"
        "    circulant matrices, i.e. 1-D convolutions with 8 weights.\n",
        f);
  return show_builtin(f, "Z(8)", "regular", "regular");
}

/* Names the shared weight at each of the 9 pixels by the library's pattern
 * (first appearance: corner 0 is 'a', edge 1 'b', centre 4 'c'). */
static weyl_status pixel_names(const weyl_basis *b, char names[9]) {
  int label[9];
  weyl_status s = weyl_basis_pattern(b, label, NULL);
  for (int i = 0; !s && i < 9; i++)
    names[i] = label[i] < 0 ? '.' : (char)('a' + label[i] % 26);
  return s;
}

static weyl_status print_kernel(FILE *f, const weyl_basis *b) {
  static const char *const what[3] = {"corners", "edges", "centre"};
  static const int pixel[3] = {0, 1, 4}; /* a corner, an edge, the centre */
  char n[9];
  if (weyl_basis_out_dim(b) != 9 || weyl_basis_in_dim(b) != 1) return WEYL_OK;
  weyl_status s = pixel_names(b, n);
  if (s) return s;
  fprintf(f, "  basis dimension: %d\n", weyl_basis_dim(b));
  for (int r = 0; r < 3; r++)
    fprintf(f, "  %c %c %c      %c = %s\n", n[3 * r], n[3 * r + 1], n[3 * r + 2], n[pixel[r]],
            what[r]);
  return WEYL_OK;
}

static weyl_status demo_pixels(FILE *f) {
  fputs("\n[2] D4 rotating and mirroring a 3x3 kernel (the .rep file of the spec): an\n"
        "    invariant kernel, Scalar -> pixels, has 3 weights.\n",
        f);
  weyl_group *g = NULL;
  problem p = {0};
  weyl_status s = weyl_repfile_parse(d4_pixels_rep, sizeof d4_pixels_rep - 1, "d4_pixels.rep", &g);
  if (!s) s = problem_solve(g, "Scalar", "V", &p);
  if (!s) s = print_kernel(f, p.b);
  problem_free(&p);
  if (!s) s = problem_solve(g, "V", "V", &p);
  if (!s)
    fprintf(f, "  an equivariant map pixels -> pixels (9 x 9) has %d weights, not 81\n",
            weyl_basis_dim(p.b));
  problem_free(&p);
  weyl_group_free(g);
  return s;
}

static weyl_status demo_sets(FILE *f) {
  fputs("\n[3] S(5) permuting 5 set elements: V -> V has 2 weights, W = a*I + b*11^T\n"
        "    (the DeepSets layer: a on the diagonal, b everywhere else).\n",
        f);
  return show_builtin(f, "S(5)", "V", "V");
}

/* Prints the non-zero entries of the canonical 1 x 27 element, index 9i+3j+k. */
static weyl_status print_triple(FILE *f, const weyl_basis *b) {
  double *m = NULL;
  int dim = 0;
  weyl_status s = weyl_basis_canonical(b, &m, &dim);
  if (s) return s;
  fprintf(f, "  basis dimension: %d (SVD, gap %.3g)\n", dim, weyl_basis_report_get(b)->min_gap);
  if (dim == 1 && weyl_basis_in_dim(b) == 27) {
    fputs("  non-zero entries ijk:", f);
    for (int x = 0; x < 27; x++)
      if (m[x] != 0) fprintf(f, " %d%d%d:%+g", x / 9, x / 3 % 3, x % 3, m[x]);
    fputc('\n', f);
  }
  weyl_basis_canonical_free(m);
  return WEYL_OK;
}

static weyl_status demo_rotations(FILE *f) {
  fputs("\n[4] SO(3) rotating 3-space: V**3 -> Scalar has dimension 1, the Levi-Civita\n"
        "    symbol eps_ijk (+1 for even, -1 for odd permutations of 012):\n"
        "    u . (v x w) is the only rotation-invariant trilinear form.\n",
        f);
  weyl_group *g = NULL;
  problem p = {0};
  weyl_status s = weyl_group_builtin("SO(3)", &g);
  if (!s) s = problem_solve(g, "V**3", "Scalar", &p);
  if (!s) s = print_triple(f, p.b);
  problem_free(&p);
  weyl_group_free(g);
  return s;
}

static weyl_status run_demo(FILE *f) {
  fputs("weyl demo: bases of the linear maps that respect a symmetry, solved from\n"
        "the generators of the group. Letters name shared weights; '.' is zero.\n\n",
        f);
  typedef weyl_status (*section_fn)(FILE *);
  static const section_fn sections[] = {demo_cyclic, demo_pixels, demo_sets, demo_rotations};
  for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
    weyl_status s = sections[i](f);
    if (s) return s;
  }
  fputs("\nTry: weyl basis --group 'D(4)' --in regular --out regular\n", f);
  return WEYL_OK;
}

int cmd_demo(int argc, char **argv) {
  if (argc > 1) return cli_usage("'weyl demo' takes no arguments, got '%s'", argv[1]);
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (!f) {
    fputs("weyl: out of memory\n", stderr);
    return CLI_ENOMEM;
  }
  weyl_status s = run_demo(f);
  int closed = fclose(f);
  int rc = s ? cli_fail(s, "demo") : CLI_OK;
  if (!s && closed != 0) {
    fputs("weyl: out of memory\n", stderr);
    rc = CLI_ENOMEM;
  }
  if (!rc && (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0)) {
    fputs("weyl: cannot write to standard output\n", stderr);
    rc = CLI_EIO;
  }
  free(text);
  return rc;
}
