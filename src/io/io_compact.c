/* The compact formats (rep-format.md section 5): what a basis costs to write
 * grows with what it stores (its distinct blocks, or its non-zeros), never
 * with dim x out x in as json and npy do.
 *
 *   labels    .npy int32 (out, in): label[i][j] = k, the element of an exact
 *             basis with a 1 at (i, j), or -1;
 *   coo       .npz: shape (3,) and the non-zeros, in the order of the
 *             elements, then rows, then columns, as element, row, col (int32)
 *             and value (float64);
 *   factored  .npz: shape, blocks (n_blocks x 4: out_dim, in_dim, dim, kind),
 *             places (n_places x 4: row0, col0, block, param0) and per
 *             distinct block: block_<i>, its labels (kind 0) or its matrices
 *             (kind 1), or block_<i>_q_in, _q_out, _fac, _t, its factors
 *             (kind 2, isotypic blocks: never made dense here). */
#define _POSIX_C_SOURCE 200809L /* locale_t in io/io_impl.h */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/io_impl.h"
#include "core/status_impl.h"

enum { CHUNK = 8192 }; /* values converted and written at a time */

static size_t block_size(const weyl_basis_block_data *d) {
  return (size_t)d->out_dim * (size_t)d->in_dim;
}

/* Non-zeros of one copy of block i. */
static size_t block_nnz(const weyl_basis_block_data *d) {
  size_t n = block_size(d), nnz = 0;
  if (d->orbit) {
    for (size_t e = 0; e < n; e++) nnz += d->orbit[e] >= 0;
  } else {
    for (size_t e = 0; e < n * (size_t)d->dim; e++) nnz += d->mats[e] != 0;
  }
  return nnz;
}

/* Non-zeros of the whole basis: each place holds one copy of its block, so
 * each distinct block is counted once (its stored size), times its places. */
static double basis_nnz(const weyl_basis *b) {
  int nb = weyl_basis_nblocks(b);
  double total = 0, *per_block = malloc((nb > 0 ? (size_t)nb : 1) * sizeof *per_block);
  if (!per_block) return INFINITY; /* out of memory: treated as too large */
  for (int i = 0; i < nb; i++) {
    weyl_basis_block_data d;
    if (weyl_basis_block_data_get(b, i, &d) != WEYL_OK) { /* a factored block too large */
      free(per_block);
      return INFINITY;
    }
    per_block[i] = (double)block_nnz(&d);
  }
  for (int p = 0; p < weyl_basis_nplaces(b); p++) {
    weyl_basis_place pl;
    weyl_basis_place_get(b, p, &pl);
    total += per_block[pl.block];
  }
  free(per_block);
  return total;
}

/* Bytes of the factored archive, headers generously counted. */
static double factored_bytes(const weyl_basis *b) {
  double total = 4096 + 32.0 * weyl_basis_nplaces(b);
  for (int i = 0; i < weyl_basis_nblocks(b); i++) {
    weyl_basis_block_factors f;
    if (weyl_basis_block_is_factored(b, i)) {
      weyl_basis_block_factors_get(b, i, &f);
      total += 4 * 256 + 8.0 * ((double)f.in_dim * f.in_dim + (double)f.out_dim * f.out_dim) +
               16.0 * f.dim + 8.0 * (double)f.n_t;
      continue;
    }
    weyl_basis_block_data d;
    if (weyl_basis_block_data_get(b, i, &d) != WEYL_OK) return INFINITY; /* too large */
    total += 256 + 32 + (double)block_size(&d) * (d.orbit ? 4.0 : 8.0 * d.dim);
  }
  return total;
}

void weyl_io_fitting_formats(const weyl_basis *b, const weyl_basis *bias, char *buf, size_t cap) {
  const char *fit[5];
  int n = 0;
  double numbers = (double)weyl_basis_dim(b) * weyl_basis_out_dim(b) * weyl_basis_in_dim(b);
  if (bias) numbers += (double)weyl_basis_dim(bias) * weyl_basis_out_dim(bias);
  if (numbers <= (double)WEYL_IO_MAX_NUMBERS) fit[n++] = "json", fit[n++] = "npy";
  if (weyl_basis_is_exact(b) &&
      (double)weyl_basis_out_dim(b) * weyl_basis_in_dim(b) <= (double)WEYL_IO_MAX_NUMBERS)
    fit[n++] = "labels";
  if (basis_nnz(b) <= (double)WEYL_IO_MAX_COO_ENTRIES) fit[n++] = "coo";
  if (factored_bytes(b) <= (double)WEYL_IO_NPZ_MAX_BYTES) fit[n++] = "factored";
  if (n == 0) {
    snprintf(buf, cap, "no output format holds it (split the problem)");
    return;
  }
  size_t used = (size_t)snprintf(buf, cap, "the %s", fit[0]);
  for (int i = 1; i < n && used < cap; i++)
    used += (size_t)snprintf(buf + used, cap - used, "%s%s", i == n - 1 ? " or " : ", ", fit[i]);
  if (used < cap) snprintf(buf + used, cap - used, " format holds it");
}

static weyl_status refuse(const weyl_basis *b, const char *what) {
  char holds[128];
  weyl_io_fitting_formats(b, NULL, holds, sizeof holds);
  return weyl_fail(WEYL_ELIMIT, "%s; %s", what, holds);
}

/* Binary output may carry NaN, but a basis with one is broken: refused
 * before the first byte, as the json writer does. This first look at every
 * block also makes a factored block's dense view (weyl_basis_block_data_get
 * may fail there, for memory or size), so the writers' later looks succeed. */
static int all_finite(const double *x, size_t n) {
  for (size_t e = 0; e < n; e++)
    if (!isfinite(x[e])) return 0;
  return 1;
}

weyl_status weyl_io_check_blocks(const weyl_basis *b, int factors) {
  for (int i = 0; i < weyl_basis_nblocks(b); i++) {
    weyl_basis_block_factors f;
    if (factors && weyl_basis_block_is_factored(b, i)) {
      weyl_basis_block_factors_get(b, i, &f);
      if (!all_finite(f.q_in, (size_t)f.in_dim * f.in_dim) ||
          !all_finite(f.q_out, (size_t)f.out_dim * f.out_dim) || !all_finite(f.t, f.n_t))
        return weyl_fail(WEYL_ENUMERIC, "block %d has a non-finite factor", i);
      continue;
    }
    weyl_basis_block_data d;
    weyl_status s = weyl_basis_block_data_get(b, i, &d);
    if (s) return s;
    if (!d.orbit && !d.mats && d.dim > 0) /* basis.h promises one of them */
      return weyl_fail(WEYL_EINVAL, "block %d has neither labels nor matrices", i);
    if (!d.orbit && !all_finite(d.mats, block_size(&d) * (size_t)d.dim))
      return weyl_fail(WEYL_ENUMERIC, "block %d has a non-finite entry", i);
  }
  return WEYL_OK;
}

/* ---------- chunked little-endian output ---------- */

/* Writes n values of width bytes (4 or 8), little-endian, to the current
 * member of z. */
static void put_values(weyl_npz *z, const void *x, size_t n, size_t width) {
  unsigned char buf[CHUNK * 8];
  const unsigned char *p = x;
  for (size_t i = 0; i < n; i += CHUNK) {
    size_t m = n - i < CHUNK ? n - i : CHUNK;
    memcpy(buf, p + i * width, m * width);
    weyl_io_to_little_endian(buf, m, width);
    weyl_npz_put(z, buf, m * width);
  }
}

static void npz_int64_table(weyl_npz *z, const char *name, const int64_t *x, int rows, int cols) {
  char shape[64];
  if (cols == 1)
    snprintf(shape, sizeof shape, "(%d,)", rows);
  else
    snprintf(shape, sizeof shape, "(%d, %d)", rows, cols);
  weyl_npz_begin(z, name, "<i8", shape);
  put_values(z, x, (size_t)rows * (size_t)cols, 8);
  weyl_npz_end(z);
}

static void npz_shape(weyl_npz *z, const weyl_basis *b) {
  int64_t shape[3] = {weyl_basis_dim(b), weyl_basis_out_dim(b), weyl_basis_in_dim(b)};
  npz_int64_table(z, "shape", shape, 3, 1);
}

/* ---------- labels ---------- */

weyl_status weyl_io_write_labels(FILE *f, const weyl_basis *b) {
  if (!weyl_basis_is_exact(b))
    return weyl_fail(WEYL_EINVAL, "the labels format needs an exact orbit basis; the coo and "
                     "factored formats hold any basis");
  int rows = weyl_basis_out_dim(b), cols = weyl_basis_in_dim(b);
  size_t n = (size_t)rows * (size_t)cols;
  if ((double)n > (double)WEYL_IO_MAX_NUMBERS) {
    char what[160];
    snprintf(what, sizeof what, "the labels matrix has %zu entries, over the limit of %ld", n,
             WEYL_IO_MAX_NUMBERS);
    return refuse(b, what);
  }
  int32_t *label = malloc(n * sizeof *label);
  if (!label) return weyl_fail(WEYL_ENOMEM, "out of memory for a %zu-entry labels matrix", n);
  for (size_t e = 0; e < n; e++) label[e] = -1;
  for (int p = 0; p < weyl_basis_nplaces(b); p++) {
    weyl_basis_place pl;
    weyl_basis_block_data d;
    weyl_basis_place_get(b, p, &pl);
    weyl_basis_block_data_get(b, pl.block, &d);
    for (int i = 0; i < d.out_dim; i++)
      for (int j = 0; j < d.in_dim; j++) {
        int k = d.orbit[(size_t)i * d.in_dim + j];
        if (k >= 0) label[(size_t)(pl.row0 + i) * cols + pl.col0 + j] = pl.param0 + k;
      }
  }
  char header[WEYL_IO_NPY_HEADER_CAP], shape[64];
  snprintf(shape, sizeof shape, "(%d, %d)", rows, cols);
  size_t len = (size_t)weyl_io_npy_header(header, "<i4", shape);
  weyl_io_to_little_endian(label, n, 4);
  weyl_status s = fwrite(header, 1, len, f) == len && fwrite(label, 4, n, f) == n
                      ? WEYL_OK
                      : weyl_fail(WEYL_EIO, "write failed: %s", strerror(errno));
  free(label);
  return s ? s : weyl_io_stream_status(f);
}

/* ---------- coo ---------- */

/* The entries of orbit block i grouped by element, each group in row-major
 * order (a counting sort): entries of element k are order[start[k] ..
 * start[k+1]). Made on first use, kept for the block's other places. */
typedef struct {
  size_t *start;
  size_t *order;
} grouped;

static weyl_status group_block(const weyl_basis_block_data *d, grouped *g) {
  size_t n = block_size(d);
  g->start = calloc((size_t)d->dim + 1, sizeof *g->start);
  g->order = malloc((n ? n : 1) * sizeof *g->order);
  if (!g->start || !g->order) return weyl_fail(WEYL_ENOMEM, "out of memory writing coo");
  for (size_t e = 0; e < n; e++)
    if (d->orbit[e] >= 0) g->start[d->orbit[e] + 1]++;
  for (int k = 0; k < d->dim; k++) g->start[k + 1] += g->start[k];
  size_t *next = malloc(((size_t)d->dim + 1) * sizeof *next);
  if (!next) return weyl_fail(WEYL_ENOMEM, "out of memory writing coo");
  memcpy(next, g->start, ((size_t)d->dim + 1) * sizeof *next);
  for (size_t e = 0; e < n; e++)
    if (d->orbit[e] >= 0) g->order[next[d->orbit[e]]++] = e;
  free(next);
  return WEYL_OK;
}

/* One member of the coo archive being written: field 0..3 = element, row,
 * col, value of every non-zero, buffered. */
typedef struct {
  weyl_npz *z;
  int field;
  unsigned char buf[CHUNK * 8];
  size_t used;
} coo_member;

static void coo_flush(coo_member *m) {
  weyl_npz_put(m->z, m->buf, m->used);
  m->used = 0;
}

static void coo_emit(coo_member *m, int32_t k, int32_t i, int32_t j, double v) {
  if (m->used + 8 > sizeof m->buf) coo_flush(m);
  if (m->field == 3) {
    memcpy(m->buf + m->used, &v, 8);
    weyl_io_to_little_endian(m->buf + m->used, 1, 8);
    m->used += 8;
    return;
  }
  int32_t x = m->field == 0 ? k : m->field == 1 ? i : j;
  memcpy(m->buf + m->used, &x, 4);
  weyl_io_to_little_endian(m->buf + m->used, 1, 4);
  m->used += 4;
}

/* Every non-zero of place pl in (element, row, col) order. */
static void coo_place(coo_member *m, const weyl_basis_place *pl, const weyl_basis_block_data *d,
                      const grouped *g) {
  size_t n = block_size(d), ni = (size_t)d->in_dim;
  for (int k = 0; k < d->dim; k++) {
    if (d->orbit) {
      for (size_t t = g->start[k]; t < g->start[k + 1]; t++) {
        size_t e = g->order[t];
        coo_emit(m, pl->param0 + k, pl->row0 + (int)(e / ni), pl->col0 + (int)(e % ni), 1.0);
      }
      continue;
    }
    const double *W = d->mats + (size_t)k * n;
    for (size_t e = 0; e < n; e++)
      if (W[e] != 0)
        coo_emit(m, pl->param0 + k, pl->row0 + (int)(e / ni), pl->col0 + (int)(e % ni), W[e]);
  }
}

static weyl_status coo_members(weyl_npz *z, const weyl_basis *b, grouped *groups, size_t nnz) {
  static const char *const names[4] = {"element", "row", "col", "value"};
  coo_member *m = malloc(sizeof *m);
  if (!m) return weyl_fail(WEYL_ENOMEM, "out of memory writing coo");
  char shape[64];
  snprintf(shape, sizeof shape, "(%zu,)", nnz);
  for (int field = 0; field < 4; field++) {
    m->z = z, m->field = field, m->used = 0;
    weyl_npz_begin(z, names[field], field == 3 ? "<f8" : "<i4", shape);
    for (int p = 0; p < weyl_basis_nplaces(b); p++) {
      weyl_basis_place pl;
      weyl_basis_block_data d;
      weyl_basis_place_get(b, p, &pl);
      weyl_basis_block_data_get(b, pl.block, &d);
      coo_place(m, &pl, &d, &groups[pl.block]);
    }
    coo_flush(m);
    weyl_npz_end(z);
  }
  free(m);
  return WEYL_OK;
}

weyl_status weyl_io_write_coo(FILE *f, const weyl_basis *b) {
  weyl_status s = weyl_io_check_blocks(b, 0);
  if (s) return s;
  double nnz = basis_nnz(b);
  if (nnz > (double)WEYL_IO_MAX_COO_ENTRIES) {
    char what[160];
    snprintf(what, sizeof what, "the basis has %.0f non-zeros, over the limit of %ld for coo",
             nnz, WEYL_IO_MAX_COO_ENTRIES);
    return refuse(b, what);
  }
  int nb = weyl_basis_nblocks(b);
  grouped *groups = calloc(nb > 0 ? (size_t)nb : 1, sizeof *groups);
  if (!groups) return weyl_fail(WEYL_ENOMEM, "out of memory writing coo");
  for (int i = 0; !s && i < nb; i++) {
    weyl_basis_block_data d;
    weyl_basis_block_data_get(b, i, &d);
    if (d.orbit) s = group_block(&d, &groups[i]);
  }
  weyl_npz *z = s ? NULL : weyl_npz_open(f);
  if (!s && !z) s = weyl_fail(WEYL_ENOMEM, "out of memory writing coo");
  if (!s) {
    npz_shape(z, b);
    s = coo_members(z, b, groups, (size_t)nnz);
  }
  if (z) s = s ? (weyl_npz_abandon(z), s) : weyl_npz_close(z);
  for (int i = 0; i < nb; i++) free(groups[i].start), free(groups[i].order);
  free(groups);
  return s ? s : weyl_io_stream_status(f);
}

/* ---------- factored ---------- */

static void factored_block(weyl_npz *z, int i, const weyl_basis_block_data *d) {
  char name[32], shape[96];
  snprintf(name, sizeof name, "block_%d", i);
  if (d->orbit) {
    snprintf(shape, sizeof shape, "(%d, %d)", d->out_dim, d->in_dim);
    weyl_npz_begin(z, name, "<i4", shape);
    put_values(z, d->orbit, block_size(d), 4);
  } else {
    snprintf(shape, sizeof shape, "(%d, %d, %d)", d->dim, d->out_dim, d->in_dim);
    weyl_npz_begin(z, name, "<f8", shape);
    put_values(z, d->mats, block_size(d) * (size_t)d->dim, 8);
  }
  weyl_npz_end(z);
}

/* Q (n x n, column-major) as a C-order (n, n) array: a transposed copy, so
 * that numpy reads the matrix Q itself. */
static weyl_status factored_q(weyl_npz *z, const char *name, const double *Q, int n) {
  char shape[64];
  double *row = malloc((n > 0 ? (size_t)n : 1) * sizeof *row);
  if (!row) return weyl_fail(WEYL_ENOMEM, "out of memory writing the factored form");
  snprintf(shape, sizeof shape, "(%d, %d)", n, n);
  weyl_npz_begin(z, name, "<f8", shape);
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < n; j++) row[j] = Q[(size_t)j * n + i];
    put_values(z, row, (size_t)n, 8);
  }
  weyl_npz_end(z);
  free(row);
  return WEYL_OK;
}

/* A factored block as its factors (kind 2). */
static weyl_status factored_factors(weyl_npz *z, int i, const weyl_basis_block_factors *f) {
  char name[48], shape[64];
  snprintf(name, sizeof name, "block_%d_q_in", i);
  weyl_status s = factored_q(z, name, f->q_in, f->in_dim);
  snprintf(name, sizeof name, "block_%d_q_out", i);
  if (!s) s = factored_q(z, name, f->q_out, f->out_dim);
  if (s) return s;
  snprintf(name, sizeof name, "block_%d_fac", i);
  snprintf(shape, sizeof shape, "(%d, 4)", f->dim);
  weyl_npz_begin(z, name, "<i4", shape); /* 32-bit int, as for labels */
  put_values(z, f->fac, (size_t)f->dim * 4, 4);
  weyl_npz_end(z);
  snprintf(name, sizeof name, "block_%d_t", i);
  snprintf(shape, sizeof shape, "(%zu,)", f->n_t);
  weyl_npz_begin(z, name, "<f8", shape);
  put_values(z, f->t, f->n_t, 8);
  weyl_npz_end(z);
  return WEYL_OK;
}

/* The blocks and places tables. */
static weyl_status factored_tables(weyl_npz *z, const weyl_basis *b) {
  int nb = weyl_basis_nblocks(b), np = weyl_basis_nplaces(b);
  size_t rows = (size_t)(nb > np ? nb : np);
  int64_t *t = malloc((rows ? rows : 1) * 4 * sizeof *t);
  if (!t) return weyl_fail(WEYL_ENOMEM, "out of memory writing the factored form");
  for (int i = 0; i < nb; i++) {
    weyl_basis_block_factors f;
    weyl_basis_block_data d;
    int64_t row[4];
    if (weyl_basis_block_is_factored(b, i)) {
      weyl_basis_block_factors_get(b, i, &f);
      int64_t r[4] = {f.out_dim, f.in_dim, f.dim, 2};
      memcpy(row, r, sizeof row);
    } else {
      weyl_basis_block_data_get(b, i, &d);
      int64_t r[4] = {d.out_dim, d.in_dim, d.dim, d.orbit ? 0 : 1};
      memcpy(row, r, sizeof row);
    }
    memcpy(t + 4 * (size_t)i, row, sizeof row);
  }
  npz_int64_table(z, "blocks", t, nb, 4);
  for (int p = 0; p < np; p++) {
    weyl_basis_place pl;
    weyl_basis_place_get(b, p, &pl);
    int64_t row[4] = {pl.row0, pl.col0, pl.block, pl.param0};
    memcpy(t + 4 * (size_t)p, row, sizeof row);
  }
  npz_int64_table(z, "places", t, np, 4);
  free(t);
  return WEYL_OK;
}

weyl_status weyl_io_write_factored(FILE *f, const weyl_basis *b) {
  weyl_status s = weyl_io_check_blocks(b, 1);
  if (s) return s;
  double bytes = factored_bytes(b);
  if (bytes > (double)WEYL_IO_NPZ_MAX_BYTES || weyl_basis_nblocks(b) > 65000) {
    char what[160];
    snprintf(what, sizeof what, "the factored form needs %.3g bytes in %d blocks, over the "
             "limits of 3.75 GiB and 65000 blocks", bytes, weyl_basis_nblocks(b));
    return refuse(b, what);
  }
  weyl_npz *z = weyl_npz_open(f);
  if (!z) return weyl_fail(WEYL_ENOMEM, "out of memory writing the factored form");
  npz_shape(z, b);
  s = factored_tables(z, b);
  for (int i = 0; !s && i < weyl_basis_nblocks(b); i++) {
    weyl_basis_block_factors fac;
    weyl_basis_block_data d;
    if (weyl_basis_block_is_factored(b, i)) {
      weyl_basis_block_factors_get(b, i, &fac);
      s = factored_factors(z, i, &fac);
      continue;
    }
    weyl_basis_block_data_get(b, i, &d);
    factored_block(z, i, &d);
  }
  s = s ? (weyl_npz_abandon(z), s) : weyl_npz_close(z);
  return s ? s : weyl_io_stream_status(f);
}
