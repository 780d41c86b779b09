/* weyl — status codes and the last error message.
 *
 * Every library function that can fail returns a weyl_status. On failure the
 * human-readable reason (with "file:line: " in front where there is a file) is
 * kept per thread and read with weyl_status_last_error(). The library never prints. */
#ifndef WEYL_STATUS_H
#define WEYL_STATUS_H

/* What a fallible call returns; WEYL_OK is 0, so `if (s)` tests for failure. */
typedef enum {
  WEYL_OK = 0,     /* success */
  WEYL_EINVAL = 1,  /* an argument is wrong: NULL, mismatched groups, bad name */
  WEYL_EPARSE = 2,  /* a .rep file or an expression is malformed */
  WEYL_ELIMIT = 3,  /* a documented size limit would be exceeded */
  WEYL_ENOMEM = 4,  /* an allocation failed */
  WEYL_ENUMERIC = 5,/* LAPACK reported a failure (did not converge) */
  WEYL_EIO = 6      /* a file could not be read or written */
} weyl_status;

/* The message of the last failure on this thread ("" if none). The pointer
 * stays valid until the next failing call on the same thread. */
const char *weyl_status_last_error(void);

/* Short name of a status code, e.g. "parse error". Never NULL. */
const char *weyl_status_str(weyl_status s);

#endif
