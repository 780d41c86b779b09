/* File output: PATH is either its old content or the complete new file,
 * whatever happens to the process while it writes; and nothing that is not
 * a regular file is ever replaced.
 *
 * Where PATH leads (target_of): a symbolic link is followed, and the file
 * it names is the one replaced (the link stays). A regular file or a new
 * name is written atomically, keeping an existing file's permission bits.
 * A device, FIFO or socket (/dev/null, /dev/full, a named pipe) is opened
 * and written in place, as a shell redirection does: there is no old
 * content to keep, and replacing it by a regular file would destroy it.
 *
 * The atomic route, Linux: the data go to an unnamed file (O_TMPFILE) in
 * the target's directory, which is linked under a temporary name only once
 * it is complete and synced, then renamed over the target. A process killed
 * while writing (SIGKILL included) leaves nothing behind: the kernel frees
 * the unnamed file. The link and the rename follow each other directly.
 *
 * Elsewhere, without /proc, on a filesystem without O_TMPFILE (EOPNOTSUPP,
 * EISDIR, EINVAL), or with WEYL_IO_NAMED_TEMP=1 in the environment (tests):
 * mkstemp's TARGET.tmp.XXXXXX holds the data while they are written. Only a
 * kill while writing can leave that file (never a partial target); the
 * temp-name hook (weyl_io_temp_hook_set) lets a program remove it from a
 * signal handler.
 *
 * Staging (weyl_io_staged) splits the two halves: stage writes the complete
 * data and keeps them unpublished; publish links/renames, or for an in-place
 * target copies the staged data (held in an anonymous tmpfile()) into it. */
#define _GNU_SOURCE /* O_TMPFILE, linkat */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
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

/* ---- the C locale for numbers ------------------------------------------ */

/* glibc hands out its static C locale for newlocale(LC_ALL_MASK, "C", 0),
 * without allocating; elsewhere a failure leaves the locale as it is. */
locale_t weyl_io_c_locale_begin(void) {
  locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
  return c ? uselocale(c) : (locale_t)0;
}

void weyl_io_c_locale_end(locale_t previous) {
  if (!previous) return;
  locale_t c = uselocale(previous);
  if (c && c != LC_GLOBAL_LOCALE) freelocale(c);
}

/* ---- the temp-name hook ------------------------------------------------ */

static weyl_io_temp_fn temp_hook;
static void *temp_hook_ctx;

void weyl_io_temp_hook_set(weyl_io_temp_fn fn, void *ctx) {
  temp_hook = fn;
  temp_hook_ctx = ctx;
}

static void temp_created(const char *name) {
  if (temp_hook) temp_hook(temp_hook_ctx, name, 1);
}

static void temp_gone(const char *name) {
  if (temp_hook) temp_hook(temp_hook_ctx, name, 0);
}

/* ---- where PATH leads -------------------------------------------------- */

struct weyl_io_staged {
  char *path;     /* as given, for messages */
  int published;
  char *target;   /* what is replaced or written: PATH with links resolved */
  int in_place;   /* target is a device, FIFO or socket */
  FILE *copy;     /* in place: the staged data, in an anonymous tmpfile() */
  int fd;         /* atomic: the complete data, unnamed (O_TMPFILE) or named */
  char *tmp;      /* the temporary name: for the named route, from staging on */
  int named;      /* tmp exists as a name (mkstemp route) */
  int keep;       /* target exists: copy its mode (and owner) onto the new file */
  struct stat old;
};

static void staged_init(weyl_io_staged *st) {
  memset(st, 0, sizeof *st);
  st->fd = -1;
}

/* Fills st->target, in_place, keep and old. A link whose file does not
 * exist is refused: following it would create a file somewhere else. */
static weyl_status target_of(const char *path, weyl_io_staged *st) {
  struct stat lst;
  if (lstat(path, &lst) != 0) {
    if (errno != ENOENT) return weyl_fail(WEYL_EIO, "cannot write %s: %s", path, strerror(errno));
    st->target = strdup(path);
    return st->target ? WEYL_OK : weyl_fail(WEYL_ENOMEM, "%s: out of memory", path);
  }
  st->target = S_ISLNK(lst.st_mode) ? realpath(path, NULL) : strdup(path);
  if (!st->target && S_ISLNK(lst.st_mode))
    return weyl_fail(WEYL_EIO, "cannot write %s: a symbolic link to nothing (%s)", path,
                     strerror(errno));
  if (!st->target) return weyl_fail(WEYL_ENOMEM, "%s: out of memory", path);
  if (stat(st->target, &st->old) != 0)
    return weyl_fail(WEYL_EIO, "cannot write %s: %s", path, strerror(errno));
  if (S_ISDIR(st->old.st_mode))
    return weyl_fail(WEYL_EIO, "cannot write %s: it is a directory", path);
  st->in_place = !S_ISREG(st->old.st_mode);
  st->keep = !st->in_place;
  return WEYL_OK;
}

/* An existing file's permission bits (not set-id bits), and its owner where
 * the process may give it (root; a group the user is in): the new file
 * takes the old one's place. A new file has mode 0666 minus the umask
 * (O_TMPFILE) or 0644 (mkstemp, whose 0600 would hide it from others; the
 * umask cannot be read without changing it, which is not thread-safe). */
static void set_mode(const weyl_io_staged *st, int fd) {
  if (!st->keep) {
    if (st->named) fchmod(fd, 0644);
    return;
  }
  if (st->old.st_uid != geteuid() || st->old.st_gid != getegid())
    (void)!fchown(fd, st->old.st_uid, st->old.st_gid); /* best effort, as sed -i */
  fchmod(fd, st->old.st_mode & 0777);
}

/* ---- writing ----------------------------------------------------------- */

/* Runs write on the open fd, then flushes (and syncs, when sync) it; does
 * not close fd. */
static weyl_status write_fd(int fd, int sync, weyl_io_writer write, const void *ctx) {
  int dup_fd = dup(fd);
  FILE *f = dup_fd >= 0 ? fdopen(dup_fd, "wb") : NULL;
  if (!f) {
    if (dup_fd >= 0) close(dup_fd);
    return weyl_fail(WEYL_EIO, "%s", strerror(errno));
  }
  weyl_status s = write(f, ctx);
  if (!s) s = weyl_io_stream_status(f);
  if (!s && sync && fsync(fd) != 0) s = weyl_fail(WEYL_EIO, "fsync: %s", strerror(errno));
  if (fclose(f) != 0 && !s) s = weyl_fail(WEYL_EIO, "close: %s", strerror(errno));
  return s;
}

/* A device or FIFO, opened as it is (no O_CREAT, no O_TRUNC). */
static int open_in_place(const char *path) {
  return open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
}

static weyl_status write_in_place(const char *path, const char *target, weyl_io_writer write,
                                  const void *ctx) {
  int fd = open_in_place(target);
  if (fd < 0) return weyl_fail(WEYL_EIO, "cannot write %s: %s", path, strerror(errno));
  weyl_status s = write_fd(fd, 0, write, ctx);
  if (close(fd) != 0 && !s) s = weyl_fail(WEYL_EIO, "close: %s", strerror(errno));
  if (s) weyl_error_prefix(path);
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

/* Gives the complete unnamed file fd the name path (replacing what was there). */
static weyl_status publish_unnamed(int fd, const char *path, char *tmp) {
  char proc[64];
  snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
  for (unsigned attempt = 0; attempt < 100; attempt++) {
    temp_name(tmp, path, attempt);
    if (linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) == 0) {
      temp_created(tmp);
      weyl_status s = WEYL_OK;
      if (rename(tmp, path) != 0) {
        s = weyl_fail(WEYL_EIO, "cannot rename to %s: %s", path, strerror(errno));
        unlink(tmp);
      }
      temp_gone(tmp);
      return s;
    }
    if (errno != EEXIST) break;
  }
  return weyl_fail(WEYL_EIO, "cannot link %s: %s", path, strerror(errno));
}

/* The O_TMPFILE route: st->fd is the complete, synced, unnamed file;
 * *unsupported is set when the filesystem lacks it or /proc is not mounted
 * (nothing was written then). */
static weyl_status stage_unnamed(const char *path, weyl_io_staged *st, weyl_io_writer write,
                                 const void *ctx, int *unsupported) {
  /* The link goes through /proc (linkat's AT_EMPTY_PATH needs a capability). */
  const char *force = getenv("WEYL_IO_NAMED_TEMP");
  *unsupported = (force && force[0] == '1') || access("/proc/self/fd", X_OK) != 0;
  if (*unsupported) return WEYL_OK;
  char *dir = directory_of(st->target);
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
  st->fd = fd;
  set_mode(st, fd);
  weyl_status s = write_fd(fd, 1, write, ctx);
  if (s) weyl_error_prefix(path);
  return s;
}
#else
static weyl_status publish_unnamed(int fd, const char *path, char *tmp) {
  (void)fd, (void)path, (void)tmp;
  return weyl_fail(WEYL_EIO, "no unnamed files on this system");
}

static weyl_status stage_unnamed(const char *path, weyl_io_staged *st, weyl_io_writer write,
                                 const void *ctx, int *unsupported) {
  (void)path, (void)st, (void)write, (void)ctx;
  *unsupported = 1;
  return WEYL_OK;
}
#endif

/* The portable route: a named temporary file, renamed when published. */
static weyl_status stage_named(const char *path, weyl_io_staged *st, weyl_io_writer write,
                               const void *ctx) {
  sprintf(st->tmp, "%s.tmp.XXXXXX", st->target);
  int fd = mkstemp(st->tmp);
  if (fd < 0) return weyl_fail(WEYL_EIO, "cannot write %s: %s", path, strerror(errno));
  st->named = 1;
  temp_created(st->tmp);
  st->fd = fd;
  set_mode(st, fd);
  weyl_status s = write_fd(fd, 1, write, ctx);
  if (s) weyl_error_prefix(path);
  return s;
}

/* In place: the data wait in an anonymous file until published. */
static weyl_status stage_copy(const char *path, weyl_io_staged *st, weyl_io_writer write,
                              const void *ctx) {
  st->copy = tmpfile();
  if (!st->copy) return weyl_fail(WEYL_EIO, "cannot stage %s: tmpfile: %s", path, strerror(errno));
  weyl_status s = write_fd(fileno(st->copy), 0, write, ctx);
  if (s) weyl_error_prefix(path);
  return s;
}

weyl_status weyl_io_stage(const char *path, weyl_io_writer write, const void *ctx,
                          weyl_io_staged **out) {
  weyl_io_staged *st = malloc(sizeof *st);
  if (!st) return weyl_fail(WEYL_ENOMEM, "%s: out of memory", path);
  staged_init(st);
  st->path = strdup(path);
  weyl_status s = st->path ? target_of(path, st) : weyl_fail(WEYL_ENOMEM, "%s: out of memory", path);
  if (!s && st->in_place) {
    s = stage_copy(path, st, write, ctx);
  } else if (!s) {
    st->tmp = malloc(strlen(st->target) + sizeof ".tmp.XXXXXX");
    int unsupported = 0;
    s = st->tmp ? stage_unnamed(path, st, write, ctx, &unsupported)
                : weyl_fail(WEYL_ENOMEM, "%s: out of memory", path);
    if (!s && unsupported) s = stage_named(path, st, write, ctx);
  }
  if (s) {
    weyl_io_staged_free(st);
    return s;
  }
  *out = st;
  return WEYL_OK;
}

/* ---- publishing -------------------------------------------------------- */

static weyl_status write_all(int fd, const char *buf, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, buf, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return weyl_fail(WEYL_EIO, "write failed: %s", strerror(errno));
    buf += w, n -= (size_t)w;
  }
  return WEYL_OK;
}

/* The staged data, copied into the device or FIFO. */
static weyl_status copy_into(weyl_io_staged *st) {
  int to = open_in_place(st->target);
  if (to < 0) return weyl_fail(WEYL_EIO, "cannot write %s: %s", st->path, strerror(errno));
  int from = fileno(st->copy);
  weyl_status s = WEYL_OK;
  char buf[1 << 16];
  if (lseek(from, 0, SEEK_SET) != 0) s = weyl_fail(WEYL_EIO, "lseek: %s", strerror(errno));
  while (!s) {
    ssize_t n = read(from, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0 && errno == EINTR) continue;
    s = n < 0 ? weyl_fail(WEYL_EIO, "reading the staged data: %s", strerror(errno))
              : write_all(to, buf, (size_t)n);
  }
  if (close(to) != 0 && !s) s = weyl_fail(WEYL_EIO, "close: %s", strerror(errno));
  if (s) weyl_error_prefix(st->path);
  return s;
}

static weyl_status publish_one(weyl_io_staged *st) {
  if (st->published) return weyl_fail(WEYL_EINVAL, "%s: published twice", st->path);
  st->published = 1;
  if (st->in_place) return copy_into(st);
  if (!st->named) return publish_unnamed(st->fd, st->target, st->tmp);
  weyl_status s = WEYL_OK;
  if (rename(st->tmp, st->target) != 0) {
    s = weyl_fail(WEYL_EIO, "cannot rename to %s: %s", st->target, strerror(errno));
    unlink(st->tmp);
  }
  st->named = 0;
  temp_gone(st->tmp);
  return s;
}

weyl_status weyl_io_staged_publish(weyl_io_staged *const *staged, int n) {
  if (!staged || n < 0) return weyl_fail(WEYL_EINVAL, "weyl_io_staged_publish: bad argument");
  for (int i = 0; i < n; i++)
    if (!staged[i]) return weyl_fail(WEYL_EINVAL, "weyl_io_staged_publish: NULL output %d", i);
  /* Writes into devices and FIFOs can fail (a full disk behind them); a
   * rename in the same directory practically cannot: they go first. */
  for (int pass = 0; pass < 2; pass++)
    for (int i = 0; i < n; i++)
      if (staged[i]->in_place == (pass == 0)) {
        weyl_status s = publish_one(staged[i]);
        if (s) return s;
      }
  return WEYL_OK;
}

void weyl_io_staged_free(weyl_io_staged *st) {
  if (!st) return;
  if (st->named) {
    unlink(st->tmp);
    temp_gone(st->tmp);
  }
  if (st->fd >= 0) close(st->fd);
  if (st->copy) fclose(st->copy);
  free(st->tmp);
  free(st->target);
  free(st->path);
  free(st);
}

weyl_status weyl_io_atomic(const char *path, weyl_io_writer write, const void *ctx) {
  weyl_io_staged probe;
  staged_init(&probe);
  weyl_status s = target_of(path, &probe);
  int in_place = probe.in_place;
  if (!s && in_place) s = write_in_place(path, probe.target, write, ctx);
  free(probe.target);
  if (s || in_place) return s;
  weyl_io_staged *st = NULL;
  s = weyl_io_stage(path, write, ctx, &st);
  if (!s) s = weyl_io_staged_publish(&st, 1);
  weyl_io_staged_free(st);
  return s;
}
