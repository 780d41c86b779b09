/* Error reporting, flag values and group loading shared by the commands. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "cli.h"
#include "weyl/repfile.h"

int cli_exit_code(weyl_status s) {
  switch (s) {
  case WEYL_OK: return CLI_OK;
  case WEYL_EINVAL:
  case WEYL_EPARSE:
  case WEYL_ELIMIT: return CLI_EINPUT;
  case WEYL_ENUMERIC: return CLI_ENUMERIC;
  case WEYL_EIO: return CLI_EIO;
  case WEYL_ENOMEM: return CLI_ENOMEM;
  }
  return CLI_EINPUT;
}

int cli_fail_hint(weyl_status s, const char *context, const char *hint) {
  const char *msg = weyl_status_last_error();
  if (!msg[0]) msg = weyl_status_str(s); /* never print an empty reason */
  fprintf(stderr, "weyl: %s%s%s%s%s%s\n", context ? context : "", context ? ": " : "", msg,
          hint ? " (" : "", hint ? hint : "", hint ? ")" : "");
  return cli_exit_code(s);
}

int cli_fail(weyl_status s, const char *context) { return cli_fail_hint(s, context, NULL); }

int cli_usage(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("weyl: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputs(" (see 'weyl --help')\n", stderr);
  va_end(ap);
  return CLI_EUSAGE;
}

int cli_take_file(const char *command, const char *arg, const char **file) {
  if (arg[0] == '-' && arg[1] != '\0')
    return cli_usage("unknown option '%s' for 'weyl %s'", arg, command);
  if (*file) return cli_usage("more than one .rep file: '%s' and '%s'", *file, arg);
  *file = arg;
  return CLI_OK;
}

/* A value that looks like a long flag is taken as missing: `--in --out V`
 * is a forgotten argument, not the expression "--out". */
int cli_take_value(int argc, char **argv, int *i, const char *flag, const char **value) {
  const char *arg = argv[*i], *v = NULL;
  size_t n = strlen(flag);
  if (strncmp(arg, flag, n) != 0) return 0;
  if (arg[n] == '=' && flag[1] == '-')
    v = arg + n + 1;
  else if (arg[n] != '\0')
    return 0;
  else if (*i + 1 < argc && strncmp(argv[*i + 1], "--", 2) != 0)
    v = argv[++*i];
  if (!v || !v[0]) {
    cli_usage("option '%s' needs a value", flag);
    return -1;
  }
  if (*value) {
    cli_usage("option '%s' given twice", flag);
    return -1;
  }
  *value = v;
  return 1;
}

int cli_load_group(const char *file, const char *builtin, weyl_group **g) {
  if (file && builtin) return cli_usage("give either a .rep file or --group, not both");
  if (!file && !builtin) return cli_usage("missing the group: a .rep file or --group G");
  weyl_status s = file ? weyl_repfile_load(file, g) : weyl_group_builtin(builtin, g);
  return s ? cli_fail(s, file ? NULL : "--group") : CLI_OK;
}

/* A write error is only certain after a flush: stdout buffers. */
int cli_stdout_status(int rc) {
  errno = 0;
  if (fflush(stdout) == 0 && !ferror(stdout)) return rc;
  if (rc != CLI_OK) return rc; /* its one line is already on stderr */
  fprintf(stderr, "weyl: standard output: write failed: %s\n",
          errno ? strerror(errno) : "stream error");
  return CLI_EIO;
}
