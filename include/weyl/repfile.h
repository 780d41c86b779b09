/* weyl — reading groups from .rep files (docs/rep-format.md). */
#ifndef WEYL_REPFILE_H
#define WEYL_REPFILE_H

#include <stddef.h>

#include "weyl/group.h"

#define WEYL_REPFILE_MAX_BYTES (64L << 20) /* largest .rep file accepted */

/* Reads the .rep file at path. On success *g is a new group (free with
 * weyl_group_free). On failure the message starts with "path:line: ".
 * Returns WEYL_EIO when the file cannot be read, WEYL_EPARSE for any of the
 * spec's rejections, WEYL_ELIMIT past the size limits. */
weyl_status weyl_repfile_load(const char *path, weyl_group **g);

/* Same, from text in memory (len bytes, need not be NUL-terminated); label
 * stands for the file name in messages. */
weyl_status weyl_repfile_parse(const char *text, size_t len, const char *label,
                               weyl_group **g);

#endif
