/* weyl — writing bases: text (for people), JSON (rep-format.md section 3),
 * NumPy .npy (float64, C order, shape (dim, out, in)), and the compact
 * formats (rep-format.md section 5): the orbit-label matrix of an exact basis
 * (.npy of int32), a sparse COO array and the factored form (distinct
 * blocks and where they are used), both .npz archives; SVG pictures are in
 * svg.h. The basis cache (writing and reading solved bases) is cache.h.
 *
 * Writers to a path are atomic: they write a temporary file in PATH's
 * directory and rename it over PATH, so a failed or interrupted run never
 * leaves a truncated file at PATH; an existing file's permission bits are
 * kept (other hard links to it keep the old content). A symbolic link is
 * followed: the file it names is replaced and the link stays. A path that
 * leads to a device, FIFO or socket (/dev/null, a named pipe) is never
 * replaced: it is opened and written in place. A directory is refused.
 *
 * Numbers are written with a '.' decimal point whatever locale the host
 * program set (the writers use the C locale on the calling thread). */
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
  const weyl_basis *bias; /* Scalar -> out (out_dim x 1, as weyl_basis_solve_bias); may be NULL */
  /* The elements of `regular` as words (weyl_group_regular_words), written
   * as "regular_elements" by the json writer (the text writer leaves them to `weyl check`);
   * NULL when the reps do not use `regular`. */
  char *const *regular_words;
  long n_regular; /* number of regular_words */
} weyl_io_basis;

/* Writes b in format fmt to the open stream f. The binary formats (npy,
 * labels, coo, factored) hold the basis only, not the bias.
 * Returns WEYL_EINVAL for a bias basis that is not out_dim x 1 or for labels
 * of a basis that is not exact (weyl_basis_is_exact), WEYL_EIO when a write
 * fails, WEYL_ENOMEM, WEYL_ELIMIT for a json or npy output over
 * WEYL_IO_MAX_NUMBERS numbers, a labels matrix over as many entries, a coo
 * output over WEYL_IO_MAX_COO_ENTRIES non-zeros or an .npz over 4 GiB (each
 * message names the formats that can hold the basis), WEYL_ENUMERIC for a
 * non-finite element. */
weyl_status weyl_io_write(FILE *f, weyl_io_format fmt, const weyl_io_basis *b);

/* Same, to path, atomically (see above). */
weyl_status weyl_io_write_path(const char *path, weyl_io_format fmt, const weyl_io_basis *b);

/* Outputs written completely but not yet visible, so that several files
 * appear only when all of them could be written (weyl basis -o with --svg). */
typedef struct weyl_io_staged weyl_io_staged;

/* Writes b as weyl_io_write_path would, but leaves path untouched: the data
 * wait in a temporary file (unnamed where the system allows) until
 * weyl_io_staged_publish. On success *st is new; weyl_io_staged_free it
 * (which discards it when unpublished). Returns what weyl_io_write_path does. */
weyl_status weyl_io_stage_path(const char *path, weyl_io_format fmt, const weyl_io_basis *b,
                               weyl_io_staged **st);

/* Makes the n staged outputs appear: those going to a device or FIFO are
 * copied into it first (such a write can fail), then the others are renamed
 * into place in array order. Stops at the first failure: the outputs before
 * it have appeared, the others not. Each output is published at most once.
 * Returns WEYL_EIO, WEYL_EINVAL for NULL entries or a second publish. */
weyl_status weyl_io_staged_publish(weyl_io_staged *const *staged, int n);

/* Frees st; an unpublished output is discarded (its temporary removed). */
void weyl_io_staged_free(weyl_io_staged *st);

/* Temporary names. Where O_TMPFILE is not available, the data are written
 * under a name TARGET.tmp.XXXXXX (and with O_TMPFILE that name exists for
 * the instant between link and rename). The library installs no signal
 * handler; a program that wants such a name removed when a signal ends it
 * registers fn, which is called on the writing thread with created 1 just
 * after the name appears and created 0 just after it is renamed or removed.
 * Process-wide. */
typedef void (*weyl_io_temp_fn)(void *ctx, const char *name, int created);

/* Registers fn (with ctx passed back to it) as the temp-name hook above;
 * NULL unregisters. Set it before any writer runs (it is not synchronised). */
void weyl_io_temp_hook_set(weyl_io_temp_fn fn, void *ctx);

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
