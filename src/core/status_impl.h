/* Internal: setting the last error. */
#ifndef WEYL_STATUS_IMPL_H
#define WEYL_STATUS_IMPL_H
#include "weyl/status.h"

/* Records a printf-style message for weyl_status_last_error() and returns s, so that
 * a failing path reads `return weyl_fail(WEYL_EINVAL, "...", ...);`. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
weyl_status weyl_fail(weyl_status s, const char *fmt, ...);

/* Prefixes the current message with "prefix: " (used to add a file name). */
void weyl_error_prefix(const char *prefix);

/* Capacity of the message buffer, terminator included. */
enum { WEYL_MSG_CAP = 1024 };

/* Puts back a message saved (copied from weyl_status_last_error()) before a failure
 * the library recovered from itself, e.g. an automatic solver fallback, so
 * that weyl_status_last_error() never describes a call that succeeded. */
void weyl_error_restore(const char *saved);

#endif
