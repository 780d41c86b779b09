/* SVG pictures: the drawn colours show the weight sharing. The pictures are
 * read back (cell positions and fills) and compared with the structure the
 * maps must have: circulants, the centre/edge/corner kernel, rotated copies
 * of one lifting filter. */
#define _POSIX_C_SOURCE 200809L

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "solved.h"
#include "weyl/conv.h"
#include "weyl/io.h"
#include "weyl/svg.h"

enum { MAX_CELLS = 4096 };

typedef struct {
  int n;
  int x[MAX_CELLS], y[MAX_CELLS];
  char fill[MAX_CELLS][32];
} drawn;


static solved solve(const char *group, const char *in, const char *out, int k,
                    weyl_basis_solver sv) {
  weyl_basis_opts o = {.solver = sv};
  solved s = solved_basis(group, in, out, &o);
  if (k > 0) {
    weyl_basis *local = NULL;
    cr_assert_eq(weyl_conv_local(s.in, s.out, s.b, k, 0, &local), WEYL_OK, "%s",
                 weyl_status_last_error());
    weyl_basis_free(s.b);
    s.b = local;
  }
  return s;
}

/* Draws (filter panels when filters is set) and reads the cells back. */
static drawn *draw(const solved *s, int filters, int k) {
  weyl_io_basis io = {"G", "in", "out", s->b, NULL, NULL, 0};
  weyl_svg_panel *panels = NULL;
  int np = 0;
  if (filters) cr_assert_eq(weyl_conv_svg_panels(s->in, s->out, k, &panels, &np), WEYL_OK);
  FILE *f = tmpfile();
  cr_assert_eq(weyl_svg_write(f, &io, panels, np), WEYL_OK, "%s", weyl_status_last_error());
  weyl_conv_svg_panels_free(panels);
  rewind(f);
  drawn *d = calloc(1, sizeof *d);
  char line[256];
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "<rect x=\"%d\" y=\"%d\" width=\"15\" height=\"15\" fill=\"%31[^\"]\"",
               &d->x[d->n], &d->y[d->n], d->fill[d->n]) == 3)
      d->n++;
  fclose(f);
  return d;
}

static int distinct(const drawn *d) {
  int count = 0;
  for (int i = 0; i < d->n; i++) {
    int j = 0;
    while (j < i && strcmp(d->fill[i], d->fill[j]) != 0) j++;
    count += j == i;
  }
  return count;
}

/* Cells are drawn row by row, so cell (i, j) of the matrix is number i*n + j. */
static void expect_circulant(const drawn *d, int n) {
  cr_assert_eq(d->n, n * n);
  cr_expect_eq(distinct(d), n, "one colour per shared weight");
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      cr_expect_str_eq(d->fill[i * n + j], d->fill[((i + 1) % n) * n + (j + 1) % n]);
}

Test(io_svg, Zn_picture_is_a_circulant) {
  solved s = solve("Z(6)", "V", "V", 0, WEYL_BASIS_SOLVER_AUTO);
  drawn *d = draw(&s, 0, 0);
  expect_circulant(d, 6);
  free(d);
  solved_free(&s);
}

/* The dense basis is orthonormal, not 0/1: the canonical form still gives one
 * colour per circulant diagonal. */
Test(io_svg, dense_Zn_picture_is_a_circulant_too) {
  solved s = solve("Z(5)", "V", "V", 0, WEYL_BASIS_SOLVER_DENSE);
  drawn *d = draw(&s, 0, 0);
  expect_circulant(d, 5);
  free(d);
  solved_free(&s);
}

Test(io_svg, D4_kernel_picture_is_centre_edges_corners) {
  solved s = solve("D4(3)", "V", "Scalar", 0, WEYL_BASIS_SOLVER_AUTO);
  drawn *d = draw(&s, 1, 0);
  cr_assert_eq(d->n, 9);
  cr_expect_eq(distinct(d), 3);
  for (int c = 0; c < 9; c++) { /* cells in row-major order of the kernel */
    int ring = (c / 3 != 1) + (c % 3 != 1);
    int rep = ring == 0 ? 4 : ring == 1 ? 1 : 0;
    cr_expect_str_eq(d->fill[c], d->fill[rep], "cell %d", c);
  }
  free(d);
  solved_free(&s);
}

/* Panel k (rotation channel k) shows the filter at offset d as psi(R^{-k} d):
 * turning panel k by a quarter turn counter-clockwise gives panel k+1. */
Test(io_svg, p4_lifting_picture_is_four_turned_copies) {
  solved s = solve("p4(6)", "V", "regular", 3, WEYL_BASIS_SOLVER_AUTO);
  drawn *d = draw(&s, 1, 3);
  cr_assert_eq(d->n, 36);
  cr_expect_eq(distinct(d), 9);
  for (int k = 0; k < 3; k++)
    for (int r = 0; r < 3; r++)
      for (int c = 0; c < 3; c++) {
        int dr = r - 1, dc = c - 1;      /* offset in panel k+1 */
        int sr = dc, sc = -dr;           /* R^{-1}: where it comes from in panel k */
        cr_expect_str_eq(d->fill[(k + 1) * 9 + r * 3 + c], d->fill[k * 9 + (sr + 1) * 3 + sc + 1]);
      }
  free(d);
  solved_free(&s);
}

Test(io_svg, failures_leave_no_file) {
  solved s = solve("T(40,40)", "V", "V", 0, WEYL_BASIS_SOLVER_AUTO);
  weyl_io_basis io = {"G", "in", "out", s.b, NULL, NULL, 0};
  char path[] = "/tmp/weyl_svg_test_XXXXXX";
  cr_assert_not_null(mkdtemp(path));
  char file[64];
  snprintf(file, sizeof file, "%s/big.svg", path);
  cr_expect_eq(weyl_svg_write_path(file, &io, NULL, 0), WEYL_ELIMIT, "2.56M cells");
  struct stat st;
  cr_expect_neq(stat(file, &st), 0);
  rmdir(path);
  cr_expect_eq(weyl_svg_write_path("/nonexistent/dir/x.svg", &io, NULL, 0), WEYL_EIO);
  solved_free(&s);
}
