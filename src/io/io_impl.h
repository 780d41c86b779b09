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

#endif
