/* weyl — SVG pictures of the weight-sharing pattern of a basis.
 *
 * Writers to a path are atomic, as those of io.h, and write '.' decimals
 * whatever the host program's locale. */
#ifndef WEYL_SVG_H
#define WEYL_SVG_H

#include <stdio.h>

#include "weyl/io.h"

/* Panels. Cells of W are drawn as squares, one colour per shared weight (basis
 * element); colours are handed out in the order the cells are drawn. For a
 * basis that is not exact, a cell takes the colour of the element of the
 * canonical basis (weyl_basis_canonical) largest in magnitude there. Cells
 * no element touches are light grey. A panel is a rows x cols window of
 * cells, placed in a grid of panels (e.g. one k x k filter per panel). */
typedef struct {
  int grid_row;     /* the panel's slot among the panels: row ... */
  int grid_col;     /* ... and column */
  int rows;         /* cells down the panel */
  int cols;         /* cells across the panel */
  const long *cell; /* rows*cols entries: i*in_dim + j of W, or -1 for a gap */
} weyl_svg_panel;

#define WEYL_SVG_MAX_CELLS 262144 /* cells in one picture */

/* Writes the picture of b->basis to f; panels == NULL draws the whole
 * out x in matrix as one panel. Returns WEYL_ELIMIT past WEYL_SVG_MAX_CELLS,
 * WEYL_EINVAL for a cell index outside W, WEYL_EIO, WEYL_ENOMEM. */
weyl_status weyl_svg_write(FILE *f, const weyl_io_basis *b, const weyl_svg_panel *panels,
                           int n_panels);

/* Same, to path, atomically. */
weyl_status weyl_svg_write_path(const char *path, const weyl_io_basis *b,
                                const weyl_svg_panel *panels, int n_panels);

/* Same, staged: path is untouched until weyl_io_staged_publish (io.h).
 * On success *st is new (weyl_io_staged_free). */
weyl_status weyl_svg_stage_path(const char *path, const weyl_io_basis *b,
                                const weyl_svg_panel *panels, int n_panels, weyl_io_staged **st);

#endif
