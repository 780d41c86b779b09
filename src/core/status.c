#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/status_impl.h"

static _Thread_local char last_msg[WEYL_MSG_CAP];

const char *weyl_status_last_error(void) { return last_msg; }

weyl_status weyl_fail(weyl_status s, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(last_msg, WEYL_MSG_CAP, fmt, ap);
  va_end(ap);
  return s;
}

void weyl_error_prefix(const char *prefix) {
  char tmp[WEYL_MSG_CAP];
  memcpy(tmp, last_msg, WEYL_MSG_CAP);
  int n = snprintf(last_msg, WEYL_MSG_CAP, "%s: ", prefix);
  if (n >= 0 && n < WEYL_MSG_CAP) snprintf(last_msg + n, (size_t)(WEYL_MSG_CAP - n), "%s", tmp);
}

void weyl_error_restore(const char *saved) { snprintf(last_msg, WEYL_MSG_CAP, "%s", saved); }

const char *weyl_status_str(weyl_status s) {
  switch (s) {
  case WEYL_OK: return "ok";
  case WEYL_EINVAL: return "invalid argument";
  case WEYL_EPARSE: return "parse error";
  case WEYL_ELIMIT: return "size limit exceeded";
  case WEYL_ENOMEM: return "out of memory";
  case WEYL_ENUMERIC: return "numerical failure";
  case WEYL_EIO: return "i/o error";
  }
  return "unknown status";
}
