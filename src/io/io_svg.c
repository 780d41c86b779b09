/* SVG pictures of the weight-sharing pattern (io.h). Everything is computed
 * before the first byte is written, so a failure leaves the stream untouched. */
#define _POSIX_C_SOURCE 200809L /* uselocale */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "weyl/svg.h"

#include "io/io_impl.h"
#include "core/status_impl.h"

enum { CELL = 16, MARGIN = 8, CAPTION = 22 };

typedef struct {
  const weyl_io_basis *b;
  const weyl_svg_panel *panels;
  int n_panels;
  int *colour;      /* per panel cell, in drawing order: colour number or -1 */
  int slot_r, slot_c, grid_r, grid_c;
  int used;         /* colours handed out */
} picture;

/* Non-exact bases: the dominant canonical element at every entry. */
static weyl_status label_dense(const weyl_basis *b, int *label) {
  double *mats = NULL;
  int dim = 0;
  size_t n = (size_t)weyl_basis_out_dim(b) * weyl_basis_in_dim(b);
  weyl_status s = weyl_basis_canonical(b, &mats, &dim);
  if (s) return s;
  for (size_t e = 0; e < n; e++) {
    double best = 1e-12;
    label[e] = -1;
    for (int k = 0; k < dim; k++)
      if (fabs(mats[(size_t)k * n + e]) > best) best = fabs(mats[(size_t)k * n + e]), label[e] = k;
  }
  free(mats);
  return WEYL_OK;
}

static weyl_status labels(const weyl_basis *b, int *label) {
  if (!weyl_basis_is_exact(b)) return label_dense(b, label);
  return weyl_basis_pattern(b, label, NULL);
}

/* Colours in the order cells are drawn: the first weight seen gets colour 0. */
static weyl_status colour_cells(picture *p, const int *label, int dim, long total) {
  int *seen = malloc((dim > 0 ? (size_t)dim : 1) * sizeof *seen);
  p->colour = malloc((total > 0 ? (size_t)total : 1) * sizeof *p->colour);
  if (!seen || !p->colour) {
    free(seen);
    return weyl_fail(WEYL_ENOMEM, "out of memory drawing a basis");
  }
  for (int k = 0; k < dim; k++) seen[k] = -1;
  long c = 0;
  for (int q = 0; q < p->n_panels; q++) {
    const weyl_svg_panel *pn = &p->panels[q];
    for (long i = 0; i < (long)pn->rows * pn->cols; i++, c++) {
      int k = pn->cell[i] >= 0 ? label[pn->cell[i]] : -1;
      if (k >= 0 && seen[k] < 0) seen[k] = p->used++;
      p->colour[c] = k >= 0 ? seen[k] : -2; /* -2: a cell of W no weight reaches */
      if (pn->cell[i] < 0) p->colour[c] = -1; /* -1: a gap, not part of W */
    }
  }
  free(seen);
  return WEYL_OK;
}

static weyl_status check_panels(const picture *p, long *total) {
  long n = (long)weyl_basis_out_dim(p->b->basis) * weyl_basis_in_dim(p->b->basis);
  *total = 0;
  for (int q = 0; q < p->n_panels; q++) {
    const weyl_svg_panel *pn = &p->panels[q];
    if (pn->rows < 0 || pn->cols < 0 || pn->grid_row < 0 || pn->grid_col < 0 ||
        (pn->rows * pn->cols > 0 && !pn->cell))
      return weyl_fail(WEYL_EINVAL, "svg panel %d is malformed", q);
    *total += (long)pn->rows * pn->cols;
    if (*total > WEYL_SVG_MAX_CELLS)
      return weyl_fail(WEYL_ELIMIT, "the picture would have more than %d cells",
                       WEYL_SVG_MAX_CELLS);
    for (long i = 0; i < (long)pn->rows * pn->cols; i++)
      if (pn->cell[i] >= n)
        return weyl_fail(WEYL_EINVAL, "svg panel %d: cell %ld is outside W", q, pn->cell[i]);
  }
  return WEYL_OK;
}

static void layout_size(picture *p) {
  for (int q = 0; q < p->n_panels; q++) {
    const weyl_svg_panel *pn = &p->panels[q];
    if (pn->rows > p->slot_r) p->slot_r = pn->rows;
    if (pn->cols > p->slot_c) p->slot_c = pn->cols;
    if (pn->grid_row + 1 > p->grid_r) p->grid_r = pn->grid_row + 1;
    if (pn->grid_col + 1 > p->grid_c) p->grid_c = pn->grid_col + 1;
  }
}

static void xml_text(FILE *f, const char *s) {
  for (; s && *s; s++) {
    if (*s == '<') fputs("&lt;", f);
    else if (*s == '>') fputs("&gt;", f);
    else if (*s == '&') fputs("&amp;", f);
    else fputc(*s, f);
  }
}

/* Golden-angle hues keep neighbouring colour numbers apart; three lightness
 * levels separate the hues that come round again. */
static void fill(FILE *f, int colour) {
  if (colour == -2) {
    fputs("#e8e8e8", f);
    return;
  }
  fprintf(f, "hsl(%.1f,70%%,%d%%)", fmod(colour * 137.508, 360.0), 42 + 14 * (colour / 7 % 3));
}

static void draw(FILE *f, const picture *p) {
  int step_r = (p->slot_r + 1) * CELL, step_c = (p->slot_c + 1) * CELL;
  int width = 2 * MARGIN + p->grid_c * step_c - CELL,
      height = 2 * MARGIN + CAPTION + p->grid_r * step_r - CELL;
  if (width < 320) width = 320;
  fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\">\n", width,
          height);
  fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n<text x=\"%d\" y=\"%d\" "
             "font-family=\"sans-serif\" font-size=\"13\">", MARGIN, MARGIN + 13);
  xml_text(f, p->b->group);
  fputs(": ", f);
  xml_text(f, p->b->in);
  fputs(" -> ", f);
  xml_text(f, p->b->out);
  fprintf(f, " (%d shared weights)</text>\n", weyl_basis_dim(p->b->basis));
  long c = 0;
  for (int q = 0; q < p->n_panels; q++) {
    const weyl_svg_panel *pn = &p->panels[q];
    int x0 = MARGIN + pn->grid_col * step_c, y0 = MARGIN + CAPTION + pn->grid_row * step_r;
    for (int i = 0; i < pn->rows; i++)
      for (int j = 0; j < pn->cols; j++, c++) {
        if (p->colour[c] == -1) continue;
        fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"", x0 + j * CELL,
                y0 + i * CELL, CELL - 1, CELL - 1);
        fill(f, p->colour[c]);
        fputs("\"/>\n", f);
      }
  }
  fputs("</svg>\n", f);
}

/* The default: the whole matrix as one panel. */
static weyl_status whole_matrix(const weyl_basis *b, weyl_svg_panel *pn, long **cells) {
  long out = weyl_basis_out_dim(b), in = weyl_basis_in_dim(b);
  if (out * in > WEYL_SVG_MAX_CELLS)
    return weyl_fail(WEYL_ELIMIT, "a %ld x %ld matrix is more than %d cells to draw", out, in,
                     WEYL_SVG_MAX_CELLS);
  *cells = malloc((size_t)(out * in > 0 ? out * in : 1) * sizeof **cells);
  if (!*cells) return weyl_fail(WEYL_ENOMEM, "out of memory drawing a basis");
  for (long e = 0; e < out * in; e++) (*cells)[e] = e;
  *pn = (weyl_svg_panel){0, 0, (int)out, (int)in, *cells};
  return WEYL_OK;
}

static weyl_status write_picture(FILE *f, const weyl_io_basis *b, const weyl_svg_panel *panels,
                                 int n_panels) {
  if (!f || !b || !b->basis)
    return weyl_fail(WEYL_EINVAL, "weyl_svg_write: NULL argument");
  weyl_svg_panel whole;
  long *cells = NULL, total = 0;
  weyl_status s = WEYL_OK;
  if (!panels) {
    s = whole_matrix(b->basis, &whole, &cells);
    panels = &whole;
    n_panels = 1;
  }
  picture p = {b, panels, n_panels, NULL, 0, 0, 0, 0, 0};
  size_t n = (size_t)weyl_basis_out_dim(b->basis) * weyl_basis_in_dim(b->basis);
  int *label = s ? NULL : malloc((n ? n : 1) * sizeof *label);
  if (!s && !label) s = weyl_fail(WEYL_ENOMEM, "out of memory drawing a basis");
  if (!s) s = check_panels(&p, &total);
  if (!s) s = labels(b->basis, label);
  if (!s) s = colour_cells(&p, label, weyl_basis_dim(b->basis), total);
  if (!s) {
    layout_size(&p);
    draw(f, &p);
    s = weyl_io_stream_status(f);
  }
  free(label);
  free(cells);
  free(p.colour);
  return s;
}

weyl_status weyl_svg_write(FILE *f, const weyl_io_basis *b, const weyl_svg_panel *panels,
                           int n_panels) {
  locale_t previous = weyl_io_c_locale_begin(); /* hsl(137.5,...) under any LC_NUMERIC */
  weyl_status s = write_picture(f, b, panels, n_panels);
  weyl_io_c_locale_end(previous);
  return s;
}

typedef struct {
  const weyl_io_basis *b;
  const weyl_svg_panel *panels;
  int n_panels;
} svg_job;

static weyl_status write_job(FILE *f, const void *ctx) {
  const svg_job *job = ctx;
  return weyl_svg_write(f, job->b, job->panels, job->n_panels);
}

weyl_status weyl_svg_write_path(const char *path, const weyl_io_basis *b,
                                const weyl_svg_panel *panels, int n_panels) {
  if (!path || !b)
    return weyl_fail(WEYL_EINVAL, "weyl_svg_write_path: NULL argument");
  svg_job job = {b, panels, n_panels};
  return weyl_io_atomic(path, write_job, &job);
}

weyl_status weyl_svg_stage_path(const char *path, const weyl_io_basis *b,
                                const weyl_svg_panel *panels, int n_panels, weyl_io_staged **st) {
  if (!path || !b || !st) return weyl_fail(WEYL_EINVAL, "weyl_svg_stage_path: NULL argument");
  svg_job job = {b, panels, n_panels};
  return weyl_io_stage(path, write_job, &job, st);
}
