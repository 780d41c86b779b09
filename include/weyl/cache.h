/* weyl — the basis cache: a solved basis kept on disk, so that solving the
 * same problem again loads it instead of solving.
 *
 * An entry is one file DIR/<32 hex digits>.wbc (rep-format.md section 6)
 * named by a hash of its key. The key covers everything the basis depends
 * on: the library version and the cache format, the host's byte order, the
 * group's label, a 128-bit hash of every generator matrix (or permutation)
 * of every leaf rep with the generator and leaf names, the canonical text of
 * both reps (weyl_rep_str), and the solver options (solver, rtol, max_bytes,
 * after defaults are applied). The file stores the key in full and a 64-bit
 * checksum of all its bytes; an entry whose checksum, length, format or key
 * does not match is never used: it is reported (weyl_cache_report.warning)
 * and the basis is solved again and stored over it. Entries are written
 * atomically (a temporary file renamed into place), so concurrent runs and
 * killed runs leave either no entry or a complete one. */
#ifndef WEYL_CACHE_H
#define WEYL_CACHE_H

#include "weyl/basis.h"

/* The environment variable naming the cache directory when none is given. */
#define WEYL_CACHE_ENV "WEYL_CACHE_DIR"

/* Capacity of weyl_cache_report.warning, terminator included. */
#define WEYL_CACHE_WARNING_CAP 512
/* Capacity of weyl_cache_report.path, terminator included. */
#define WEYL_CACHE_PATH_CAP 4096

/* What weyl_cache_solve did. */
typedef struct {
  int loaded;   /* 1: the basis was read from the cache entry, not solved */
  int stored;   /* 1: the basis was solved and a new entry written */
  int rejected; /* 1: an entry was there but not used (corrupt, truncated, another key) */
  double seconds; /* wall time of the call (load, or solve and store) */
  char path[WEYL_CACHE_PATH_CAP]; /* the entry's file; empty when no cache is in use */
  /* Why an entry was rejected, or why a new one could not be written (the
   * basis is still returned); empty when there is nothing to say. */
  char warning[WEYL_CACHE_WARNING_CAP];
} weyl_cache_report;

/* Solves for the maps in -> out like weyl_basis_solve, through the cache in
 * directory dir: a valid entry for the same key is loaded; otherwise the
 * basis is solved and stored (dir is created if missing, one level). dir
 * NULL means the directory named by $WEYL_CACHE_DIR; when that is unset or
 * empty too, this is weyl_basis_solve. A cache that cannot be read or
 * written is no error: report->warning says why, and the solve goes on.
 * report may be NULL. On success *basis is new (weyl_basis_free).
 * Returns what weyl_basis_solve returns, WEYL_ENOMEM. */
weyl_status weyl_cache_solve(const char *dir, const weyl_rep *in, const weyl_rep *out,
                             const weyl_basis_opts *opts, weyl_basis **basis,
                             weyl_cache_report *report);

/* The entry file for (in, out, opts) in dir, into path (cap bytes), without
 * reading or writing anything (dir NULL: $WEYL_CACHE_DIR).
 * Returns WEYL_EINVAL when there is no directory or path is too small,
 * WEYL_ENOMEM. */
weyl_status weyl_cache_path(const char *dir, const weyl_rep *in, const weyl_rep *out,
                            const weyl_basis_opts *opts, char *path, size_t cap);

#endif
