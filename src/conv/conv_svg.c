/* Filter pictures of grid and kernel groups: which cells of W to draw, as
 * panels for weyl_svg_write (conv.h). */
#include <stdlib.h>

#include "conv/conv_impl.h"
#include "group/group_impl.h"
#include "core/status_impl.h"
#include "weyl/conv.h"

enum { MAX_PANEL_ROWS = 64 };

typedef struct {
  int h, w, kernel;  /* the grid; kernel groups are drawn whole, not centred */
  int rows, cols;    /* window drawn for a pixel block */
  int in_dim;
} view;

/* Length of the input block starting at j: h*w when indices j.. sit on the
 * pixels 0, 1, ..., h*w-1 in order (a copy of V or a stabiliser channel),
 * else 1. */
static int block_len(const int *pos, int j, int n, int n2) {
  if (pos[j] != 0 || j + n2 > n) return 1;
  for (int t = 0; t < n2; t++)
    if (pos[j + t] != t) return 1;
  return n2;
}

static int wrap(int a, int n) { return ((a % n) + n) % n; }

/* The cells of output row i against the block at j (len 1 or h*w). */
static long fill_cells(const view *v, int i, int j, int len, long *cell) {
  long base = (long)i * v->in_dim + j;
  if (len == 1) {
    cell[0] = base;
    return 1;
  }
  long c = 0;
  for (int a = 0; a < v->rows; a++)
    for (int b = 0; b < v->cols; b++, c++) {
      int r = v->kernel ? a : wrap(a - v->rows / 2, v->h);
      int s = v->kernel ? b : wrap(b - v->cols / 2, v->w);
      cell[c] = base + (long)r * v->w + s;
    }
  return c;
}

/* Counts the panels and cells the picture will need. */
static void count(const view *v, const int *po, int no, const int *pi, long *panels, long *cells) {
  int n2 = v->h * v->w, rows = 0;
  *panels = *cells = 0;
  for (int i = 0; i < no && rows < MAX_PANEL_ROWS; i++) {
    if (po[i] > 0) continue;
    rows++;
    for (int j = 0, len; j < v->in_dim; j += len) {
      len = block_len(pi, j, v->in_dim, n2);
      ++*panels;
      *cells += len == 1 ? 1 : (long)v->rows * v->cols;
    }
  }
}

/* With a single input block (a lifting layer, an invariant kernel) the
 * output rows are laid side by side instead of stacked. */
static void build(const view *v, const int *po, int no, const int *pi, weyl_svg_panel *p,
                  long *cells) {
  int n2 = v->h * v->w, row = 0, q = 0;
  int one_block = block_len(pi, 0, v->in_dim, n2) == v->in_dim;
  for (int i = 0; i < no && row < MAX_PANEL_ROWS; i++) {
    if (po[i] > 0) continue;
    for (int j = 0, len, col = 0; j < v->in_dim; j += len, col++, q++) {
      len = block_len(pi, j, v->in_dim, n2);
      long used = fill_cells(v, i, j, len, cells);
      p[q] = (weyl_svg_panel){one_block ? 0 : row, one_block ? row : col, len == 1 ? 1 : v->rows,
                              len == 1 ? 1 : v->cols, cells};
      cells += used;
    }
    row++;
  }
}

static int clamp_window(int k, int n) { return k > 0 && k < n ? k : n; }

weyl_status weyl_conv_svg_panels(const weyl_rep *in, const weyl_rep *out, int k,
                                 weyl_svg_panel **panels, int *n) {
  if (!in || !out || !panels || !n)
    return weyl_fail(WEYL_EINVAL, "weyl_conv_svg_panels: NULL argument");
  const weyl_group *g = weyl_rep_group(in);
  if (g->grid_h <= 0)
    return weyl_fail(WEYL_EINVAL, "group %s is not a grid or kernel group", g->name);
  view v = {g->grid_h, g->grid_w, g->grid_kernel, g->grid_h, g->grid_w, weyl_rep_dim(in)};
  if (!v.kernel) v.rows = clamp_window(k, v.h), v.cols = clamp_window(k, v.w);
  int no = weyl_rep_dim(out);
  int *pi = malloc((size_t)v.in_dim * sizeof *pi), *po = malloc((size_t)no * sizeof *po);
  weyl_status s = pi && po ? WEYL_OK : weyl_fail(WEYL_ENOMEM, "out of memory drawing filters");
  if (!s) s = weyl_conv_positions_at(in, pi);
  if (!s) s = weyl_conv_positions_at(out, po);
  long np = 0, nc = 0;
  if (!s) count(&v, po, no, pi, &np, &nc);
  if (!s && (np > WEYL_SVG_MAX_CELLS || nc > WEYL_SVG_MAX_CELLS))
    s = weyl_fail(WEYL_ELIMIT, "the filter picture would have %ld cells, more than %d", nc,
                  WEYL_SVG_MAX_CELLS);
  /* One allocation: the panels, then the cells they point into. */
  weyl_svg_panel *p = NULL;
  if (!s) {
    size_t head = (size_t)(np > 0 ? np : 1) * sizeof *p;
    head = (head + _Alignof(long) - 1) / _Alignof(long) * _Alignof(long);
    p = malloc(head + (size_t)(nc > 0 ? nc : 1) * sizeof(long));
    if (!p)
      s = weyl_fail(WEYL_ENOMEM, "out of memory drawing filters");
    else
      build(&v, po, no, pi, p, (long *)(void *)((char *)p + head));
  }
  if (!s) {
    *panels = p;
    *n = (int)np;
  }
  free(pi);
  free(po);
  return s;
}

/* The cells of all panels share the panels' allocation. */
void weyl_conv_svg_panels_free(weyl_svg_panel *panels) { free(panels); }
