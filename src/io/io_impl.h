/* Internal: pieces of the writers shared by io.c and io_svg.c. */
#ifndef WEYL_IO_IMPL_H
#define WEYL_IO_IMPL_H

#include <locale.h>
#include <stdio.h>

#include "weyl/io.h"

/* Writes something to an open stream; ctx is the writer's own data. */
typedef weyl_status (*weyl_io_writer)(FILE *f, const void *ctx);

/* Flushes f and reports any write error on it (WEYL_EIO with the reason)
 * (io_atomic.c, the lowest file of io/). */
weyl_status weyl_io_stream_status(FILE *f);

/* Runs write on a temporary file in path's directory (unnamed where the
 * system allows, see io_atomic.c), syncs it and renames it to path, so that a
 * failed or interrupted write never leaves a truncated file at path. A path
 * that leads to a device or FIFO is written in place instead. */
weyl_status weyl_io_atomic(const char *path, weyl_io_writer write, const void *ctx);

/* The first half of weyl_io_atomic: the complete data, staged for
 * weyl_io_staged_publish (io.h). On success *st is new (weyl_io_staged_free). */
weyl_status weyl_io_stage(const char *path, weyl_io_writer write, const void *ctx,
                          weyl_io_staged **st);

/* Numbers are written in the C locale's format (a '.' decimal point)
 * whatever LC_NUMERIC the host program set: the writers switch the calling
 * thread to the C locale (uselocale, thread-local) for their duration and
 * back. begin returns the thread's previous locale for end. */
locale_t weyl_io_c_locale_begin(void);
void weyl_io_c_locale_end(locale_t previous);
/* ---- NumPy pieces shared by the writers (io.c, io_npz.c, io_compact.c) ---- */

/* The .npy (version 1.0) header for an array of dtype descr ("<f8", "<i4",
 * "<i8") and shape (Python tuple text, "(3, 4)" or "(7,)"), padded so that
 * the data start at a multiple of 64 bytes, into buf; returns its length. */
enum { WEYL_IO_NPY_HEADER_CAP = 256 };
int weyl_io_npy_header(char buf[WEYL_IO_NPY_HEADER_CAP], const char *descr, const char *shape);

/* Converts n values of width bytes (4 or 8) between host and little-endian
 * order in place (nothing to do on a little-endian host). */
void weyl_io_to_little_endian(void *x, size_t n, size_t width);

/* An .npz archive (a zip file of .npy members, stored uncompressed, as
 * numpy.savez writes) streamed to f: members are written one after the
 * other, each with a data descriptor carrying its CRC-32, so the stream need
 * not be seekable (standard output works). No zip64: the archive must stay
 * under 4 GiB, which the writers check beforehand (WEYL_IO_NPZ_MAX_BYTES). */
#define WEYL_IO_NPZ_MAX_BYTES 0xF0000000UL
typedef struct weyl_npz weyl_npz;
/* Starts an archive on f; NULL when out of memory. */
weyl_npz *weyl_npz_open(FILE *f);
/* Starts member name + ".npy" with its .npy header (see weyl_io_npy_header). */
void weyl_npz_begin(weyl_npz *z, const char *name, const char *descr, const char *shape);
/* Appends n bytes (already little-endian) to the current member. */
void weyl_npz_put(weyl_npz *z, const void *data, size_t n);
/* Ends the current member. */
void weyl_npz_end(weyl_npz *z);
/* Writes the central directory and frees z. Returns the first error met
 * since weyl_npz_open (WEYL_EIO, WEYL_ENOMEM, WEYL_ELIMIT past 4 GiB). */
weyl_status weyl_npz_close(weyl_npz *z);
/* Frees z after a failure elsewhere (nothing more is written). */
void weyl_npz_abandon(weyl_npz *z);

/* The compact formats (io_compact.c): labels (.npy of int32), coo and
 * factored (.npz). Each checks its own limits before the first byte. */
weyl_status weyl_io_write_labels(FILE *f, const weyl_basis *b);
weyl_status weyl_io_write_coo(FILE *f, const weyl_basis *b);
weyl_status weyl_io_write_factored(FILE *f, const weyl_basis *b);

/* WEYL_ENUMERIC when a block of b has a non-finite entry, WEYL_EINVAL when
 * one has neither labels nor matrices (io_compact.c); for every writer of the
 * stored form. factors = 1: factored blocks (weyl_basis_block_is_factored)
 * are checked through their factors, for writers that store those; 0: through
 * their dense elements, which this makes (and may refuse as too large). */
weyl_status weyl_io_check_blocks(const weyl_basis *b, int factors);

/* Writes into buf (cap bytes) the names of the formats that can hold the
 * basis b with bias (may be NULL) within their limits, as "json, npy, coo
 * or factored"; used by refusals and the text view to say what works. */
void weyl_io_fitting_formats(const weyl_basis *b, const weyl_basis *bias, char *buf, size_t cap);

#endif
