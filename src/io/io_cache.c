/* The basis cache (weyl/cache.h): an entry is the stored form of a basis
 * (weyl_basis_parts) behind its full key, closed by a checksum.
 *
 * File layout (rep-format.md section 6), values in host byte order (the
 * key names it, so an entry from another byte order is a miss):
 *   magic "WEYLBC1\n" | u64 file size | u32 key length | key text
 *   i32 in_dim out_dim n_blocks n_places | f64 rtol seconds
 *   per block: i32 out_dim in_dim dim path copies form | f64 seconds
 *              min_kept max_dropped residual | u64 peak_bytes n_t | u32 key
 *              length | key | zeros to a multiple of 8 bytes | form 0:
 *              labels (i32 x out*in, path orbit) or matrices (f64 x
 *              dim*out*in); form 1 (factored isotypic blocks, never made
 *              dense): f64 Q_in (in*in) Q_out (out*out) column-major, f64 t
 *              (n_t), i32 fac (dim*4)
 *   per place: i32 row0 col0 block param0
 *   u64 checksum of every byte before it (sum_hash below). */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "weyl/cache.h"
#include "weyl/version.h"
#include "group/group_impl.h"
#include "io/io_impl.h"
#include "core/status_impl.h"

static const char MAGIC[8] = "WEYLBC1\n";
_Static_assert(sizeof(int) == 4, "labels are stored as 4-byte ints");
enum { FORMAT_VERSION = 3 }; /* 2: isotypic and stabiliser paths; 3: factored blocks */

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* ---------- hashing ----------
 * A 64-bit hash over 8-byte words: h = (h ^ w) * P per word, the length and
 * a final mix at the end. Each step is a bijection of h for a fixed w and of
 * w for a fixed h, so changing any one word (a flipped byte) always changes
 * the result; a truncation changes the length. Not cryptographic: it guards
 * against accidents, the full key guards against hash collisions. */

typedef struct {
  uint64_t h, len;
  unsigned char tail[8];
  int n_tail;
} hasher;

static const uint64_t PRIME = 0x100000001b3ULL;

static void hash_init(hasher *s, uint64_t seed) { *s = (hasher){.h = seed}; }

static void hash_word(hasher *s, const unsigned char *p) {
  uint64_t w;
  memcpy(&w, p, 8);
  s->h = (s->h ^ w) * PRIME;
}

static void hash_update(hasher *s, const void *data, size_t n) {
  const unsigned char *p = data;
  s->len += n;
  while (n > 0 && s->n_tail > 0 && s->n_tail < 8) {
    s->tail[s->n_tail++] = *p++, n--;
    if (s->n_tail == 8) hash_word(s, s->tail), s->n_tail = 0;
  }
  for (; n >= 8; p += 8, n -= 8) hash_word(s, p);
  while (n > 0) s->tail[s->n_tail++] = *p++, n--;
}

static uint64_t hash_final(const hasher *in) {
  hasher s = *in;
  if (s.n_tail > 0) {
    memset(s.tail + s.n_tail, 0, (size_t)(8 - s.n_tail));
    hash_word(&s, s.tail);
  }
  uint64_t h = (s.h ^ s.len) * PRIME;
  h ^= h >> 31, h *= 0x7fb5d329728ea185ULL, h ^= h >> 27, h *= 0x81dadef4bc2dd44dULL;
  return h ^ (h >> 33);
}

/* Two hashes with different seeds: 128 bits. */
typedef struct {
  hasher a, b;
} hash128;

static void h128_init(hash128 *s) {
  hash_init(&s->a, 0xcbf29ce484222325ULL);
  hash_init(&s->b, 0x9e3779b97f4a7c15ULL);
}

static void h128_update(hash128 *s, const void *data, size_t n) {
  hash_update(&s->a, data, n);
  hash_update(&s->b, data, n);
}

static void h128_text(hash128 *s, const char *text) { /* with its terminator */
  h128_update(s, text ? text : "", text ? strlen(text) + 1 : 1);
}

static void h128_int(hash128 *s, long v) { h128_update(s, &v, sizeof v); }

static void h128_hex(const hash128 *s, char out[33]) {
  snprintf(out, 33, "%016llx%016llx", (unsigned long long)hash_final(&s->a),
           (unsigned long long)hash_final(&s->b));
}

/* ---------- the key ---------- */

static void hash_action(hash128 *s, const weyl_action *a, int dim) {
  h128_int(s, a->perm ? 1 : a->mat ? 2 : 0);
  if (a->perm) h128_update(s, a->perm, (size_t)dim * sizeof *a->perm);
  if (a->mat) h128_update(s, a->mat, (size_t)dim * dim * sizeof *a->mat);
}

/* Everything a rep of g can depend on: names, leaves and their matrices, the
 * rotation family and the grid. */
static void group_hash(const weyl_group *g, char out[33]) {
  hash128 s;
  h128_init(&s);
  h128_text(&s, g->name);
  h128_int(&s, g->n_disc), h128_int(&s, g->n_alg), h128_int(&s, g->n_leaves);
  for (int k = 0; k < g->n_disc; k++) h128_text(&s, g->disc_names[k]);
  for (int k = 0; k < g->n_alg; k++) h128_text(&s, g->alg_names[k]);
  for (int i = 0; i < g->n_leaves; i++) {
    const weyl_leaf *l = &g->leaves[i];
    h128_text(&s, l->name);
    h128_int(&s, l->dim);
    for (int k = 0; k < g->n_disc; k++) hash_action(&s, &l->disc[k], l->dim);
    for (int k = 0; k < g->n_alg; k++) hash_action(&s, &l->alg[k], l->dim);
  }
  h128_int(&s, g->rot_family), h128_int(&s, g->rot_n);
  h128_int(&s, g->grid_h), h128_int(&s, g->grid_w), h128_int(&s, g->grid_kernel);
  h128_hex(&s, out);
}

static char *rep_text(const weyl_rep *r) {
  char probe[2];
  int n = weyl_rep_str(r, probe, sizeof probe); /* the length it needs */
  char *t = malloc((size_t)n + 1);
  if (t) weyl_rep_str(r, t, n + 1);
  return t;
}

/* The options as weyl_basis_solve applies them. Every option that can change
 * the result must be here. */
static weyl_basis_opts effective_opts(const weyl_basis_opts *opts) {
  weyl_basis_opts o = opts ? *opts : (weyl_basis_opts){0};
  if (!(o.rtol > 0)) o.rtol = WEYL_BASIS_DEFAULT_RTOL;
  if (o.max_bytes == 0) o.max_bytes = (size_t)2 << 30;
  return o;
}

static int little_endian(void) {
  const uint16_t one = 1;
  unsigned char c;
  memcpy(&c, &one, 1);
  return c == 1;
}

/* The full key text (new string), or NULL when out of memory. */
static char *make_key(const weyl_rep *in, const weyl_rep *out, const weyl_basis_opts *opts) {
  weyl_basis_opts o = effective_opts(opts);
  const weyl_group *g = weyl_rep_group(in);
  char gh[33];
  group_hash(g, gh);
  char *ti = rep_text(in), *to = rep_text(out), *key = NULL;
  const char *solver = weyl_basis_solver_name(o.solver);
  if (ti && to) {
    const char *fmt = "weyl basis cache, format %d\nlibrary %s\nhost %s-endian, int %zu, double "
                      "%zu\ngroup %s\ngroup matrices %s\nin %s\nout %s\nsolver %s, rtol %.17g, "
                      "max_bytes %zu\n";
#define KEY_ARGS                                                                                   \
  FORMAT_VERSION, WEYL_VERSION_STRING, little_endian() ? "little" : "big", sizeof(int),            \
      sizeof(double), g->name, gh, ti, to, solver ? solver : "?", o.rtol, o.max_bytes
    int n = snprintf(NULL, 0, fmt, KEY_ARGS);
    key = n > 0 ? malloc((size_t)n + 1) : NULL;
    if (key) snprintf(key, (size_t)n + 1, fmt, KEY_ARGS);
#undef KEY_ARGS
  }
  free(ti);
  free(to);
  return key;
}

static const char *cache_dir(const char *dir) {
  if (!dir) dir = getenv(WEYL_CACHE_ENV);
  return dir && dir[0] ? dir : NULL;
}

static weyl_status entry_path(const char *dir, const char *key, char *path, size_t cap) {
  hash128 s;
  h128_init(&s);
  h128_text(&s, key);
  char hex[33];
  h128_hex(&s, hex);
  size_t n = (size_t)snprintf(path, cap, "%s/%s.wbc", dir, hex);
  if (n >= cap) return weyl_fail(WEYL_EINVAL, "cache path '%s/...' is too long", dir);
  return WEYL_OK;
}

weyl_status weyl_cache_path(const char *dir, const weyl_rep *in, const weyl_rep *out,
                            const weyl_basis_opts *opts, char *path, size_t cap) {
  if (!in || !out || !path) return weyl_fail(WEYL_EINVAL, "weyl_cache_path: NULL argument");
  dir = cache_dir(dir);
  if (!dir)
    return weyl_fail(WEYL_EINVAL, "no cache directory (and $%s is not set)", WEYL_CACHE_ENV);
  char *key = make_key(in, out, opts);
  if (!key) return weyl_fail(WEYL_ENOMEM, "out of memory for a cache key");
  weyl_status s = entry_path(dir, key, path, cap);
  free(key);
  return s;
}

/* ---------- writing an entry ---------- */

/* f NULL: only count the bytes (into h.len), to know the size beforehand. */
typedef struct {
  FILE *f;
  hasher h;
} out_stream;

static void put(out_stream *o, const void *p, size_t n) {
  if (!o->f) {
    o->h.len += n;
    return;
  }
  fwrite(p, 1, n, o->f);
  hash_update(&o->h, p, n);
}

/* Zeros up to a multiple of 8 bytes, so that a reader can use the arrays in
 * place (malloc's buffer is aligned for doubles). */
static void put_pad(out_stream *o) {
  static const unsigned char zeros[8] = {0};
  put(o, zeros, (8 - o->h.len % 8) % 8);
}
static void put_i32(out_stream *o, int v) {
  int32_t x = v;
  put(o, &x, 4);
}
static void put_f64(out_stream *o, double v) { put(o, &v, 8); }
static void put_u64(out_stream *o, uint64_t v) { put(o, &v, 8); }
static void put_text(out_stream *o, const char *t) {
  uint32_t n = (uint32_t)strlen(t);
  put(o, &n, 4);
  put(o, t, n);
}

typedef struct {
  const char *key;
  const weyl_basis *b;
  uint64_t size; /* of the whole file, counted by a first run with f NULL */
} entry_job;

static void put_block(out_stream *o, const weyl_basis *b, int i) {
  weyl_basis_block_data d = {0};
  weyl_basis_block_factors f = {0};
  weyl_basis_block_info info;
  int factored = weyl_basis_block_is_factored(b, i);
  if (factored) {
    weyl_basis_block_factors_get(b, i, &f);
    d = (weyl_basis_block_data){f.out_dim, f.in_dim, f.dim, NULL, NULL};
  } else {
    weyl_basis_block_data_get(b, i, &d);
  }
  weyl_basis_block_info_get(b, i, &info);
  weyl_basis_solver path = WEYL_BASIS_SOLVER_AUTO;
  weyl_basis_solver_parse(info.path, &path);
  put_i32(o, d.out_dim), put_i32(o, d.in_dim), put_i32(o, d.dim), put_i32(o, (int)path);
  put_i32(o, info.copies), put_i32(o, factored);
  put_f64(o, info.seconds), put_f64(o, info.min_kept), put_f64(o, info.max_dropped);
  put_f64(o, info.residual), put_u64(o, info.peak_bytes), put_u64(o, f.n_t);
  put_text(o, info.key ? info.key : "");
  size_t n = (size_t)d.out_dim * d.in_dim;
  put_pad(o);
  if (factored) {
    put(o, f.q_in, (size_t)f.in_dim * f.in_dim * sizeof *f.q_in);
    put(o, f.q_out, (size_t)f.out_dim * f.out_dim * sizeof *f.q_out);
    put(o, f.t, f.n_t * sizeof *f.t);
    put(o, f.fac, (size_t)f.dim * 4 * sizeof *f.fac);
  } else if (d.orbit)
    put(o, d.orbit, n * sizeof *d.orbit);
  else if (d.dim > 0)
    put(o, d.mats, n * (size_t)d.dim * sizeof *d.mats);
}

static void put_entry(out_stream *o, const entry_job *job) {
  const weyl_basis *b = job->b;
  put(o, MAGIC, 8);
  put_u64(o, job->size);
  put_text(o, job->key);
  put_i32(o, weyl_basis_in_dim(b)), put_i32(o, weyl_basis_out_dim(b));
  put_i32(o, weyl_basis_nblocks(b)), put_i32(o, weyl_basis_nplaces(b));
  put_f64(o, weyl_basis_rtol(b)), put_f64(o, weyl_basis_report_get(b)->seconds);
  for (int i = 0; i < weyl_basis_nblocks(b); i++) put_block(o, b, i);
  for (int p = 0; p < weyl_basis_nplaces(b); p++) {
    weyl_basis_place pl;
    weyl_basis_place_get(b, p, &pl);
    put_i32(o, pl.row0), put_i32(o, pl.col0), put_i32(o, pl.block), put_i32(o, pl.param0);
  }
}

static weyl_status write_entry(FILE *f, const void *ctx) {
  const entry_job *job = ctx;
  out_stream o = {f, {0}};
  hash_init(&o.h, 0);
  put_entry(&o, job);
  put_u64(&o, hash_final(&o.h));
  return WEYL_OK; /* weyl_io_atomic checks the stream */
}

/* Bytes of the entry: the same puts, only counted. */
static uint64_t entry_size(const entry_job *job) {
  out_stream o = {NULL, {0}};
  put_entry(&o, job);
  return o.h.len + 8;
}

static weyl_status store(const char *dir, const char *path, const char *key, const weyl_basis *b) {
  weyl_status s = weyl_io_check_blocks(b, 1);
  if (s) return s;
  if (mkdir(dir, 0777) != 0 && errno != EEXIST)
    return weyl_fail(WEYL_EIO, "cannot create cache directory %s: %s", dir, strerror(errno));
  entry_job job = {key, b, 0};
  job.size = entry_size(&job);
  return weyl_io_atomic(path, write_entry, &job);
}

/* ---------- reading an entry ---------- */

/* Reading from the file's bytes; any overrun sets bad. */
typedef struct {
  const unsigned char *p;
  size_t n, at;
  int bad;
} cursor;

static const unsigned char *take(cursor *c, size_t n) {
  if (c->bad || n > c->n - c->at) {
    c->bad = 1;
    return NULL;
  }
  c->at += n;
  return c->p + c->at - n;
}
static int get_i32(cursor *c) {
  int32_t v = 0;
  const unsigned char *p = take(c, 4);
  if (p) memcpy(&v, p, 4);
  return v;
}
static double get_f64(cursor *c) {
  double v = 0;
  const unsigned char *p = take(c, 8);
  if (p) memcpy(&v, p, 8);
  return v;
}
static uint64_t get_u64(cursor *c) {
  uint64_t v = 0;
  const unsigned char *p = take(c, 8);
  if (p) memcpy(&v, p, 8);
  return v;
}
/* A length-prefixed text (not terminated in the file): *len receives its length. */
static const char *get_text(cursor *c, uint32_t *len) {
  const unsigned char *p = take(c, 4);
  *len = 0;
  if (p) memcpy(len, p, 4);
  return (const char *)take(c, *len);
}
static void skip_pad(cursor *c) { take(c, (8 - c->at % 8) % 8); }

/* n doubles at the cursor (NULL and bad when they overrun or n is absurd). */
static const double *take_f64(cursor *c, size_t n) {
  if (n > SIZE_MAX / 8) {
    c->bad = 1;
    return NULL;
  }
  return (const double *)(const void *)take(c, n * sizeof(double));
}

/* A factored block's factors after its padding (weyl_basis_assemble checks
 * what they say; here only that they are in the file). */
static void get_factors(cursor *c, const weyl_basis_block_data *d, weyl_basis_block_factors *f) {
  *f = (weyl_basis_block_factors){d->out_dim, d->in_dim, d->dim, NULL, NULL, NULL, NULL, f->n_t};
  f->q_in = take_f64(c, (size_t)d->in_dim * d->in_dim);
  f->q_out = take_f64(c, (size_t)d->out_dim * d->out_dim);
  f->t = take_f64(c, f->n_t);
  f->fac = (const int *)(const void *)take(c, (size_t)d->dim * 4 * sizeof(int));
  if (!f->fac) c->bad = 1; /* fac set is what marks the block factored */
}

/* The parts of one block; its key is copied into keys[i] (terminated). */
static void get_block(cursor *c, weyl_basis_block_data *d, weyl_basis_block_info *info,
                      weyl_basis_block_factors *f, char **key) {
  d->out_dim = get_i32(c), d->in_dim = get_i32(c), d->dim = get_i32(c);
  int path = get_i32(c);
  info->copies = get_i32(c);
  int factored = get_i32(c);
  info->seconds = get_f64(c), info->min_kept = get_f64(c), info->max_dropped = get_f64(c);
  info->residual = get_f64(c), info->peak_bytes = (size_t)get_u64(c);
  f->n_t = (size_t)get_u64(c);
  const char *name = weyl_basis_solver_name((weyl_basis_solver)path); /* NULL out of range */
  info->path = name ? name : "?";
  uint32_t len;
  const char *k = get_text(c, &len);
  *key = k ? malloc((size_t)len + 1) : NULL;
  if (*key) memcpy(*key, k, len), (*key)[len] = '\0';
  info->key = *key;
  skip_pad(c);
  if (c->bad || d->out_dim < 1 || d->in_dim < 1 || d->dim < 0) {
    c->bad = 1;
    return;
  }
  size_t n = (size_t)d->out_dim * d->in_dim;
  if (factored)
    get_factors(c, d, f);
  else if (path == WEYL_BASIS_SOLVER_ORBIT)
    d->orbit = (const int *)(const void *)take(c, n * sizeof(int));
  else if (d->dim > 0 && n <= SIZE_MAX / 8 / (size_t)d->dim)
    d->mats = (const double *)(const void *)take(c, n * (size_t)d->dim * sizeof(double));
  else if (d->dim > 0)
    c->bad = 1;
  else
    d->mats = (const double *)(const void *)(c->p + c->at); /* dim 0: no values */
}

typedef struct {
  weyl_basis_block_data *data;
  weyl_basis_block_info *info;
  weyl_basis_block_factors *factors;
  char **keys;
  weyl_basis_place *places;
  int n_blocks;
} parsed;

static void parsed_free(parsed *p) {
  for (int i = 0; p->keys && i < p->n_blocks; i++) free(p->keys[i]);
  free(p->keys);
  free(p->data);
  free(p->info);
  free(p->factors);
  free(p->places);
}

/* The basis after the key; WEYL_EPARSE for an entry that does not hold together. */
static weyl_status get_basis(cursor *c, weyl_basis **b) {
  weyl_basis_parts parts = {0};
  parts.in_dim = get_i32(c), parts.out_dim = get_i32(c);
  parts.n_blocks = get_i32(c), parts.n_places = get_i32(c);
  parts.rtol = get_f64(c), parts.seconds = get_f64(c);
  /* every block takes at least 64 bytes and every place 16: no huge allocation from a bad count */
  if (c->bad || parts.n_blocks < 0 || parts.n_places < 0 ||
      (size_t)parts.n_blocks > (c->n - c->at) / 64 || (size_t)parts.n_places > (c->n - c->at) / 16)
    return weyl_fail(WEYL_EPARSE, "bad sizes");
  parsed p = {calloc((size_t)parts.n_blocks + 1, sizeof *p.data),
              calloc((size_t)parts.n_blocks + 1, sizeof *p.info),
              calloc((size_t)parts.n_blocks + 1, sizeof *p.factors),
              calloc((size_t)parts.n_blocks + 1, sizeof *p.keys),
              calloc((size_t)parts.n_places + 1, sizeof *p.places), parts.n_blocks};
  weyl_status s = p.data && p.info && p.factors && p.keys && p.places
                      ? WEYL_OK
                      : weyl_fail(WEYL_ENOMEM, "out of memory reading a cache entry");
  for (int i = 0; !s && !c->bad && i < parts.n_blocks; i++)
    get_block(c, &p.data[i], &p.info[i], &p.factors[i], &p.keys[i]);
  for (int i = 0; !s && !c->bad && i < parts.n_places; i++)
    p.places[i] = (weyl_basis_place){get_i32(c), get_i32(c), get_i32(c), get_i32(c)};
  if (!s && (c->bad || c->at != c->n - 8)) s = weyl_fail(WEYL_EPARSE, "truncated or overlong");
  if (!s) {
    parts.data = p.data, parts.info = p.info, parts.places = p.places, parts.factors = p.factors;
    s = weyl_basis_assemble(&parts, b);
    if (s == WEYL_EINVAL) s = WEYL_EPARSE;
  }
  parsed_free(&p);
  return s;
}

/* The whole file (new buffer), or NULL with errno set. */
static unsigned char *read_all(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  struct stat st;
  unsigned char *buf = NULL;
  if (fstat(fileno(f), &st) == 0 && st.st_size >= 0 && (uint64_t)st.st_size < SIZE_MAX) {
    *n = (size_t)st.st_size;
    buf = malloc(*n ? *n : 1);
    if (buf && fread(buf, 1, *n, f) != *n) {
      free(buf);
      buf = NULL;
      errno = EIO;
    }
  }
  fclose(f);
  return buf;
}

/* Checks the entry's frame and key. Returns a reason it cannot be used, or NULL. */
static const char *check_entry(cursor *c, const char *key) {
  if (c->n < 8 + 8 + 4 + 8 || memcmp(c->p, MAGIC, 8) != 0)
    return "not a weyl cache entry (no WEYLBC1 header)";
  uint64_t size, stored;
  memcpy(&size, c->p + 8, 8);
  if (size != c->n) return "truncated or overlong (its length is not the one it records)";
  memcpy(&stored, c->p + c->n - 8, 8);
  hasher h;
  hash_init(&h, 0);
  hash_update(&h, c->p, c->n - 8);
  if (hash_final(&h) != stored) return "checksum mismatch (the file is corrupt)";
  c->at = 16;
  uint32_t len;
  const char *k = get_text(c, &len);
  if (!k || len != strlen(key) || memcmp(k, key, len) != 0)
    return "its stored key differs from this problem's (hash collision or a foreign file)";
  return NULL;
}

/* Appends "what: why" to the report's warning (the entry is r->path). */
static void add_warning(weyl_cache_report *r, const char *what, const char *why) {
  size_t used = strlen(r->warning);
  if (used + 2 >= sizeof r->warning) return;
  if (used) r->warning[used++] = ';', r->warning[used++] = ' ';
  snprintf(r->warning + used, sizeof r->warning - used, "%s: %.400s", what, why);
}

/* Loads the entry at r->path when it is valid for key: *b is set (new), or
 * left NULL on a miss (no file) or a rejected entry (r->rejected, warning).
 * Only running out of memory is an error. */
static weyl_status load(const char *key, weyl_basis **b, weyl_cache_report *r) {
  size_t n = 0;
  unsigned char *buf = read_all(r->path, &n);
  if (!buf) {
    if (errno == ENOENT) return WEYL_OK;
    if (errno == ENOMEM) return weyl_fail(WEYL_ENOMEM, "out of memory reading %s", r->path);
    add_warning(r, "cannot read the cache entry", strerror(errno));
    return WEYL_OK;
  }
  cursor c = {buf, n, 0, 0};
  char saved[WEYL_MSG_CAP];
  snprintf(saved, sizeof saved, "%s", weyl_status_last_error());
  const char *why = check_entry(&c, key);
  weyl_status s = WEYL_OK;
  if (!why) {
    s = get_basis(&c, b);
    if (s == WEYL_EPARSE) why = weyl_status_last_error(), s = WEYL_OK;
  }
  if (why) {
    r->rejected = 1;
    add_warning(r, "cache entry not used, solved again", why);
    weyl_error_restore(saved);
  }
  free(buf);
  return s;
}

/* ---------- the public entry point ---------- */

/* Solves and stores; a failure to store becomes a warning. */
static weyl_status solve_and_store(const char *dir, const char *key, const weyl_rep *in,
                                   const weyl_rep *out, const weyl_basis_opts *opts,
                                   weyl_basis **basis, weyl_cache_report *r) {
  weyl_status s = weyl_basis_solve(in, out, opts, basis);
  if (s) return s;
  char saved[WEYL_MSG_CAP];
  snprintf(saved, sizeof saved, "%s", weyl_status_last_error());
  if (store(dir, r->path, key, *basis) == WEYL_OK)
    r->stored = 1;
  else
    add_warning(r, "cannot store the cache entry", weyl_status_last_error());
  weyl_error_restore(saved);
  return WEYL_OK;
}

weyl_status weyl_cache_solve(const char *dir, const weyl_rep *in, const weyl_rep *out,
                             const weyl_basis_opts *opts, weyl_basis **basis,
                             weyl_cache_report *report) {
  weyl_cache_report local = {0};
  weyl_cache_report *r = report ? report : &local;
  memset(r, 0, sizeof *r);
  if (!in || !out || !basis) return weyl_fail(WEYL_EINVAL, "weyl_cache_solve: NULL argument");
  double t0 = now_seconds();
  *basis = NULL;
  dir = cache_dir(dir);
  weyl_status s = WEYL_OK;
  char *key = NULL;
  if (!dir || weyl_rep_group(in) != weyl_rep_group(out)) /* no cache, or an error to report */
    s = weyl_basis_solve(in, out, opts, basis);
  else if (!(key = make_key(in, out, opts)))
    s = weyl_fail(WEYL_ENOMEM, "out of memory for a cache key");
  else if (entry_path(dir, key, r->path, sizeof r->path) != WEYL_OK) {
    add_warning(r, "cache not used", weyl_status_last_error());
    r->path[0] = '\0';
    s = weyl_basis_solve(in, out, opts, basis);
  } else {
    s = load(key, basis, r);
    if (!s && *basis)
      r->loaded = 1;
    else if (!s)
      s = solve_and_store(dir, key, in, out, opts, basis, r);
  }
  free(key);
  r->seconds = now_seconds() - t0;
  return s;
}
