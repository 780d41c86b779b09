/* weyl — writing bases: text (for people), JSON (rep-format.md section 3),
 * NumPy .npy (float64, C order, shape (dim, out, in)), and the compact
 * formats (rep-format.md section 5): the orbit-label matrix of an exact basis
 * (.npy of int32), a sparse COO array and the factored form (distinct
 * blocks and where they are used), both .npz archives; SVG pictures are in
 * svg.h. The basis cache (writing and reading solved bases) is cache.h.
 *
 * Writers to a path are atomic: they write PATH.tmp.XXXXXX and rename it, so a
 * failed or interrupted run never leaves a truncated file at PATH. */
#ifndef WEYL_IO_H
#define WEYL_IO_H

#include <stdio.h>

#include "weyl/basis.h"

/* Output formats of weyl_io_write. */
typedef enum {
  WEYL_IO_FORMAT_TEXT, /* for people: dimensions and the weight-sharing pattern */
  WEYL_IO_FORMAT_JSON, /* rep-format.md section 3, %.17g numbers */
  WEYL_IO_FORMAT_NPY,  /* NumPy .npy: float64, C order, shape (dim, out, in) */
  WEYL_IO_FORMAT_LABELS,  /* exact bases: .npy int32 (out, in), the element at each entry or -1 */
  WEYL_IO_FORMAT_COO,     /* .npz: the non-zeros as (element, row, col, value) arrays */
  WEYL_IO_FORMAT_FACTORED /* .npz: the distinct blocks and the places where they are used */
} weyl_io_format;

/* Most numbers (dim x out x in, basis and bias together) a json or npy file
 * may hold: 2 GiB as npy; also the most entries (out x in) of a labels
 * matrix. Larger bases are refused before anything is written, and the
 * refusal names the formats that can hold them. */
#define WEYL_IO_MAX_NUMBERS (1L << 28)
/* Most non-zeros of a coo output (20 bytes each: the archive stays under
 * 3.75 GiB, within the 4 GiB an .npz without zip64 can have). */
#define WEYL_IO_MAX_COO_ENTRIES (190L << 20)

/* What the writers print about a basis besides the matrices. */
typedef struct {
  const char *group;   /* group label */
  const char *in;      /* the rep_in expression as given to weyl_rep_parse */
  const char *out;     /* the rep_out expression as given to weyl_rep_parse */
  const weyl_basis *basis; /* the maps in -> out */
  const weyl_basis *bias; /* may be NULL */
} weyl_io_basis;

/* Writes b in format fmt to the open stream f. The binary formats (npy,
 * labels, coo, factored) hold the basis only, not the bias.
 * Returns WEYL_EIO when a write fails, WEYL_ENOMEM, WEYL_ELIMIT for a json or
 * npy output over WEYL_IO_MAX_NUMBERS numbers, a labels matrix over as many
 * entries, a coo output over WEYL_IO_MAX_COO_ENTRIES non-zeros or an .npz
 * over 4 GiB (each message names the formats that can hold the basis),
 * WEYL_EINVAL for labels of a basis that is not exact (weyl_basis_is_exact),
 * WEYL_ENUMERIC for a non-finite element. */
weyl_status weyl_io_write(FILE *f, weyl_io_format fmt, const weyl_io_basis *b);

/* Same, to path, atomically (see above). */
weyl_status weyl_io_write_path(const char *path, weyl_io_format fmt, const weyl_io_basis *b);

/* Parses "text", "json", "npy", "labels", "coo", "factored".
 * Returns WEYL_EINVAL for anything else. */
weyl_status weyl_io_format_parse(const char *name, weyl_io_format *fmt);

/* Writes the n doubles of x to path as a 1-D NumPy array (float64,
 * little-endian, shape (n,)), atomically. Returns WEYL_EIO, WEYL_ENOMEM. */
weyl_status weyl_io_write_vector_npy(const char *path, const double *x, size_t n);

/* Reads exactly n doubles from a 1-D float64 .npy file into x; x is left
 * unchanged on failure. Returns WEYL_EIO when the file cannot be opened,
 * WEYL_EPARSE when it is not such an array or its length is not n. */
weyl_status weyl_io_read_vector_npy(const char *path, double *x, size_t n);

#endif
