/* Internal: pieces of the writers shared by io.c and io_svg.c. */
#ifndef WEYL_IO_IMPL_H
#define WEYL_IO_IMPL_H

#include <stdio.h>

#include "weyl/io.h"

/* Writes something to an open stream; ctx is the writer's own data. */
typedef weyl_status (*weyl_io_writer)(FILE *f, const void *ctx);

/* Flushes f and reports any write error on it (WEYL_EIO with the reason)
 * (io_atomic.c, the lowest file of io/). */
weyl_status weyl_io_stream_status(FILE *f);

/* Runs write on a temporary file in path's directory (unnamed where the
 * system allows, see io_atomic.c), syncs it and renames it to path, so that a
 * failed or interrupted write never leaves a truncated file at path. */
weyl_status weyl_io_atomic(const char *path, weyl_io_writer write, const void *ctx);

#endif
