/* Atomic file output: PATH is either its old content or the complete new
 * file, whatever happens to the process while it writes.
 *
 * Linux: the data go to an unnamed file (O_TMPFILE) in PATH's directory,
 * which is linked under a temporary name only once it is complete and synced,
 * then renamed over PATH. A process killed while writing (SIGKILL included)
 * leaves nothing behind: the kernel frees the unnamed file. The link and the
 * rename follow each other directly, so the temporary name exists for
 * microseconds, not for the whole write.
 *
 * Elsewhere, without /proc, or on a filesystem without O_TMPFILE
 * (EOPNOTSUPP, EISDIR, EINVAL): mkstemp's PATH.tmp.XXXXXX holds the data while
 * they are written, so only a kill while writing can leave that file (never a
 * partial PATH). */
#define _GNU_SOURCE /* O_TMPFILE, linkat */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "io/io_impl.h"
#include "core/status_impl.h"

weyl_status weyl_io_stream_status(FILE *f) {
  if (fflush(f) != 0 || ferror(f)) return weyl_fail(WEYL_EIO, "write failed: %s", strerror(errno));
  return WEYL_OK;
}

/* Runs write on the open fd, then flushes and syncs it; does not close fd. */
static weyl_status write_synced(int fd, weyl_io_writer write, const void *ctx) {
  int dup_fd = dup(fd);
  FILE *f = dup_fd >= 0 ? fdopen(dup_fd, "wb") : NULL;
  if (!f) {
    if (dup_fd >= 0) close(dup_fd);
    return weyl_fail(WEYL_EIO, "%s", strerror(errno));
  }
  weyl_status s = write(f, ctx);
  if (!s) s = weyl_io_stream_status(f);
  if (!s && fsync(fd) != 0) s = weyl_fail(WEYL_EIO, "fsync: %s", strerror(errno));
  if (fclose(f) != 0 && !s) s = weyl_fail(WEYL_EIO, "close: %s", strerror(errno));
  return s;
}

#ifdef O_TMPFILE
/* PATH's directory ("." for a bare name) in a new string. */
static char *directory_of(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash) return strdup(".");
  size_t n = slash == path ? 1 : (size_t)(slash - path);
  char *dir = malloc(n + 1);
  if (dir) memcpy(dir, path, n), dir[n] = '\0';
  return dir;
}

/* "PATH.tmp." plus six characters that vary from call to call. */
static void temp_name(char *tmp, const char *path, unsigned attempt) {
  static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  unsigned long x = (unsigned long)ts.tv_nsec ^ ((unsigned long)getpid() << 16) ^ attempt * 7919u;
  char *p = tmp + sprintf(tmp, "%s.tmp.", path);
  for (int i = 0; i < 6; i++, x /= 36) *p++ = digits[x % 36];
  *p = '\0';
}

/* Gives the complete unnamed file fd the name PATH (replacing what was there). */
static weyl_status publish_unnamed(int fd, const char *path, char *tmp) {
  char proc[64];
  snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
  for (unsigned attempt = 0; attempt < 100; attempt++) {
    temp_name(tmp, path, attempt);
    if (linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) == 0) {
      if (rename(tmp, path) == 0) return WEYL_OK;
      weyl_status s = weyl_fail(WEYL_EIO, "cannot rename to %s: %s", path, strerror(errno));
      unlink(tmp);
      return s;
    }
    if (errno != EEXIST) break;
  }
  return weyl_fail(WEYL_EIO, "cannot link %s: %s", path, strerror(errno));
}

/* The O_TMPFILE route; *unsupported is set when the filesystem lacks it or
 * /proc is not mounted (nothing was written then). */
static weyl_status write_unnamed(const char *path, char *tmp, weyl_io_writer write,
                                 const void *ctx, int *unsupported) {
  /* The link goes through /proc (linkat's AT_EMPTY_PATH needs a capability). */
  *unsupported = access("/proc/self/fd", X_OK) != 0;
  if (*unsupported) return WEYL_OK;
  char *dir = directory_of(path);
  if (!dir) return weyl_fail(WEYL_ENOMEM, "%s: out of memory", path);
  int fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666); /* the umask applies */
  free(dir);
  if (fd < 0) {
    if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL) {
      *unsupported = 1;
      return WEYL_OK;
    }
    return weyl_fail(WEYL_EIO, "cannot write %s: %s", path, strerror(errno));
  }
  weyl_status s = write_synced(fd, write, ctx);
  if (s)
    weyl_error_prefix(path);
  else
    s = publish_unnamed(fd, path, tmp);
  close(fd);
  return s;
}
#else
static weyl_status write_unnamed(const char *path, char *tmp, weyl_io_writer write,
                                 const void *ctx, int *unsupported) {
  (void)path, (void)tmp, (void)write, (void)ctx;
  *unsupported = 1;
  return WEYL_OK;
}
#endif

/* The portable route: a named temporary file, renamed when complete. */
static weyl_status write_named(const char *path, char *tmp, weyl_io_writer write,
                               const void *ctx) {
  sprintf(tmp, "%s.tmp.XXXXXX", path);
  int fd = mkstemp(tmp);
  if (fd < 0) return weyl_fail(WEYL_EIO, "cannot write %s: %s", path, strerror(errno));
  /* mkstemp creates mode 0600; an output file is normally readable by others.
   * The umask cannot be read without changing it (not thread-safe), so 0644. */
  fchmod(fd, 0644);
  weyl_status s = write_synced(fd, write, ctx);
  close(fd);
  if (!s && rename(tmp, path) != 0)
    s = weyl_fail(WEYL_EIO, "cannot rename to %s: %s", path, strerror(errno));
  else if (s)
    weyl_error_prefix(path);
  if (s) unlink(tmp);
  return s;
}

weyl_status weyl_io_atomic(const char *path, weyl_io_writer write, const void *ctx) {
  char *tmp = malloc(strlen(path) + sizeof ".tmp.XXXXXX");
  if (!tmp) return weyl_fail(WEYL_ENOMEM, "%s: out of memory", path);
  int unsupported = 0;
  weyl_status s = write_unnamed(path, tmp, write, ctx, &unsupported);
  if (!s && unsupported) s = write_named(path, tmp, write, ctx);
  free(tmp);
  return s;
}
