/* Writers for bases: JSON (rep-format.md section 3), NumPy .npy and a text
 * view for people. Paths are written through weyl_io_atomic (io_atomic.c). */
#define _POSIX_C_SOURCE 200809L /* uselocale */

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/io_impl.h"
#include "core/status_impl.h"

/* The text view prints matrices only up to this many numbers: beyond it a
 * person cannot read them anyway, and JSON/npy are the right formats. */
enum { TEXT_MAX_NUMBERS = 20000 };

/* ---- shared helpers ---------------------------------------------------- */

static size_t elem_size(const weyl_basis *b) {
  return (size_t)weyl_basis_out_dim(b) * (size_t)weyl_basis_in_dim(b);
}

static double *alloc_doubles(size_t n) { return malloc((n ? n : 1) * sizeof(double)); }

/* A stream error is only certain after a flush: buffered writes report late. */
/* Names the first element with a non-finite entry (the slow scan). */
static weyl_status find_non_finite(const weyl_basis *b, double *W) {
  size_t n = elem_size(b);
  for (int k = 0; k < weyl_basis_dim(b); k++) {
    weyl_status s = weyl_basis_element(b, k, W);
    if (s) return s;
    for (size_t i = 0; i < n; i++)
      if (!isfinite(W[i]))
        return weyl_fail(WEYL_ENUMERIC, "basis element %d has a non-finite entry", k);
  }
  return WEYL_OK;
}

/* Every element is checked before anything is written, so that a bad basis
 * never yields a half-written stream (JSON has no NaN or infinity). One
 * combine with all coefficients 1 does it: a non-finite entry of any element
 * makes that entry of the sum inf or NaN, and finite elements (entries of
 * magnitude <= 1) cannot overflow. Only then are the elements scanned one by
 * one, to name the culprit. */
static weyl_status check_finite(const weyl_basis *b, double *W) {
  size_t n = elem_size(b);
  double *ones = alloc_doubles((size_t)weyl_basis_dim(b));
  if (!ones) return weyl_fail(WEYL_ENOMEM, "out of memory checking a basis");
  for (int k = 0; k < weyl_basis_dim(b); k++) ones[k] = 1.0;
  weyl_status s = weyl_basis_combine(b, ones, W);
  free(ones);
  for (size_t i = 0; !s && i < n; i++)
    if (!isfinite(W[i])) return find_non_finite(b, W);
  return s;
}

static weyl_status check_all_finite(const weyl_io_basis *b) {
  size_t n = elem_size(b->basis);
  if (b->bias && elem_size(b->bias) > n) n = elem_size(b->bias);
  double *W = alloc_doubles(n);
  if (!W) return weyl_fail(WEYL_ENOMEM, "out of memory for a %zu-number basis element", n);
  weyl_status s = check_finite(b->basis, W);
  if (!s && b->bias) s = check_finite(b->bias, W);
  free(W);
  return s;
}

/* ---- JSON -------------------------------------------------------------- */

static void json_string(FILE *f, const char *s) {
  if (!s) {
    fputs("null", f);
    return;
  }
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\')
      fprintf(f, "\\%c", *p);
    else if (*p == '\n')
      fputs("\\n", f);
    else if (*p == '\t')
      fputs("\\t", f);
    else if (*p < 0x20)
      fprintf(f, "\\u%04x", *p);
    else
      fputc(*p, f); /* bytes >= 0x80 pass through: the input is UTF-8 */
  }
  fputc('"', f);
}

/* %.17g round-trips every double; exact integers print as "0", "1", "-1". */
static void json_row(FILE *f, const double *x, int n) {
  fputc('[', f);
  for (int j = 0; j < n; j++) fprintf(f, j ? ", %.17g" : "%.17g", x[j]);
  fputc(']', f);
}

static void json_matrix(FILE *f, const double *W, int rows, int cols) {
  fputc('[', f);
  for (int i = 0; i < rows; i++) {
    if (i) fputs(", ", f);
    json_row(f, W + (size_t)i * (size_t)cols, cols);
  }
  fputc(']', f);
}

/* One element per line: "basis" holds matrices, "bias_basis" flat vectors. */
static weyl_status json_elements(FILE *f, const weyl_basis *b, int as_vectors) {
  int dim = weyl_basis_dim(b), rows = weyl_basis_out_dim(b), cols = weyl_basis_in_dim(b);
  double *W = alloc_doubles(elem_size(b));
  if (!W) return weyl_fail(WEYL_ENOMEM, "out of memory for a basis element");
  fputc('[', f);
  for (int k = 0; k < dim; k++) {
    weyl_status s = weyl_basis_element(b, k, W);
    if (s) {
      free(W);
      return s;
    }
    fputs(k ? ",\n  " : "\n  ", f);
    if (as_vectors)
      json_row(f, W, rows * cols);
    else
      json_matrix(f, W, rows, cols);
  }
  fputs(dim ? "\n ]" : "]", f);
  free(W);
  return WEYL_OK;
}

static weyl_status write_json(FILE *f, const weyl_io_basis *b) {
  const weyl_basis *B = b->basis;
  fputs("{\"group\": ", f);
  json_string(f, b->group);
  fputs(", \"in\": ", f);
  json_string(f, b->in);
  fputs(", \"out\": ", f);
  json_string(f, b->out);
  fprintf(f,
          ",\n \"in_dim\": %d, \"out_dim\": %d, \"dim\": %d,\n \"basis\": ", weyl_basis_in_dim(B),
          weyl_basis_out_dim(B), weyl_basis_dim(B));
  weyl_status s = json_elements(f, B, 0);
  if (!s && b->bias) {
    fprintf(f, ",\n \"bias_dim\": %d, \"bias_basis\": ", weyl_basis_dim(b->bias));
    s = json_elements(f, b->bias, 1);
  }
  if (s) return s;
  if (b->regular_words) {
    fputs(",\n \"regular_elements\": [", f);
    for (long i = 0; i < b->n_regular; i++) {
      fputs(i ? (i % 8 ? ", " : ",\n  ") : "", f);
      json_string(f, b->regular_words[i]);
    }
    fputc(']', f);
  }
  fputs("}\n", f);
  return WEYL_OK;
}

/* ---- NumPy .npy (format version 1.0) ----------------------------------- */

static void to_little_endian(double *x, size_t n) { weyl_io_to_little_endian(x, n, sizeof *x); }

static void npy_header(FILE *f, const char *shape) {
  char buf[WEYL_IO_NPY_HEADER_CAP];
  size_t len = (size_t)weyl_io_npy_header(buf, "<f8", shape);
  fwrite(buf, 1, len, f);
}

/* The bias does not fit in one array of shape (dim, out, in); it is not written. */
static weyl_status write_npy(FILE *f, const weyl_io_basis *b) {
  const weyl_basis *B = b->basis;
  size_t n = elem_size(B);
  double *W = alloc_doubles(n);
  if (!W) return weyl_fail(WEYL_ENOMEM, "out of memory for a basis element");
  char shape[64];
  snprintf(shape, sizeof shape, "(%d, %d, %d)", weyl_basis_dim(B), weyl_basis_out_dim(B),
           weyl_basis_in_dim(B));
  npy_header(f, shape);
  weyl_status s = WEYL_OK;
  for (int k = 0; k < weyl_basis_dim(B) && !s; k++) {
    s = weyl_basis_element(B, k, W);
    if (s) break;
    to_little_endian(W, n);
    if (fwrite(W, sizeof(double), n, f) != n)
      s = weyl_fail(WEYL_EIO, "write failed: %s", strerror(errno));
  }
  free(W);
  return s;
}

/* ---- text -------------------------------------------------------------- */

/* Element names a..z, aa..zz, aaa..: bijective base 26. */
static void element_name(int k, char buf[8]) {
  char tmp[8];
  int n = 0;
  for (k = k + 1; k > 0 && n < 7; k = (k - 1) / 26) tmp[n++] = (char)('a' + (k - 1) % 26);
  for (int i = 0; i < n; i++) buf[i] = tmp[n - 1 - i];
  buf[n] = '\0';
}

static void text_summary(FILE *f, const char *what, const weyl_basis *b) {
  fprintf(f, "%s dimension: %d", what, weyl_basis_dim(b));
  if (weyl_basis_is_exact(b)) {
    fputs(" (exact orbit basis)\n", f);
    return;
  }
  const weyl_basis_report *r = weyl_basis_report_get(b);
  char how[64] = "";
  const char *names[] = {"SVD", "structured", "stabiliser", "isotypic"};
  int counts[] = {r->n_dense, r->n_iterative, r->n_stabiliser, r->n_isotypic};
  for (int k = 0; k < 4; k++)
    if (counts[k] > 0)
      snprintf(how + strlen(how), sizeof how - strlen(how), "%s%s", how[0] ? " and " : "",
               names[k]);
  if (!isfinite(r->min_kept) && r->max_dropped == 0) { /* nothing to compare: all maps solve */
    fprintf(f, " (%s: every constraint is zero)\n", how);
    return;
  }
  fprintf(f, " (%s, gap %.3g: min kept %.3g, max dropped %.3g", how, r->min_gap, r->min_kept,
          r->max_dropped);
  fputs(r->min_gap < WEYL_BASIS_SMALL_GAP ? "; small gap: dimension uncertain)\n" : ")\n", f);
}

/* Prints one rows x cols grid of cells (cell(i, j) gives the text), columns
 * right-aligned to width, indented, no trailing blanks. */
typedef const char *(*cell_fn)(void *ctx, int i, int j, char buf[40]);

static void text_grid(FILE *f, const char *indent, int rows, int cols, int width, cell_fn cell,
                      void *ctx) {
  char buf[40];
  for (int i = 0; i < rows; i++) {
    fputs(indent, f);
    for (int j = 0; j < cols; j++) fprintf(f, j ? " %*s" : "%*s", width, cell(ctx, i, j, buf));
    fputc('\n', f);
  }
}

/* Exact bases: label[idx] = the orbit at idx in order of first appearance
 * (weyl_basis_pattern), or -1. */
typedef struct {
  const int *label;
  int cols;
} pattern;

static const char *pattern_cell(void *ctx, int i, int j, char buf[40]) {
  const pattern *p = ctx;
  int k = p->label[(size_t)i * (size_t)p->cols + (size_t)j];
  if (k < 0) return ".";
  element_name(k, buf);
  return buf;
}

/* as_row prints an out x 1 basis (the bias) on one line. */
static weyl_status text_pattern_exact(FILE *f, const weyl_basis *b, int as_row) {
  size_t n = elem_size(b);
  int used = 0, *label = malloc((n ? n : 1) * sizeof *label);
  weyl_status s = label ? weyl_basis_pattern(b, label, &used)
                        : weyl_fail(WEYL_ENOMEM, "out of memory for a %zu-cell pattern", n);
  if (!s) {
    char last[8];
    element_name(used > 0 ? used - 1 : 0, last);
    pattern p = {label, as_row ? (int)n : weyl_basis_in_dim(b)};
    text_grid(f, "  ", as_row ? 1 : weyl_basis_out_dim(b), p.cols, (int)strlen(last), pattern_cell,
              &p);
  }
  free(label);
  return s;
}

/* Other bases: numbers rounded to 12 significant digits (hiding solver noise
 * like 0.49999999999999994) and printed with %g; zeros as '.'. */
static double round12(double v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.12g", v);
  double r = strtod(buf, NULL);
  return r == 0 ? 0.0 : r;
}

typedef struct {
  const double *W;
  int cols;
} numbers;

static const char *number_cell(void *ctx, int i, int j, char buf[40]) {
  const numbers *m = ctx;
  double v = round12(m->W[(size_t)i * (size_t)m->cols + (size_t)j]);
  if (v == 0) return ".";
  snprintf(buf, 40, "%g", v);
  return buf;
}

static int numbers_width(const double *W, size_t n) {
  int width = 1;
  char buf[40];
  for (size_t i = 0; i < n; i++) {
    int len = (int)strlen(number_cell(&(numbers){W, 1}, (int)i, 0, buf));
    if (len > width) width = len;
  }
  return width;
}

static void text_element(FILE *f, const double *W, int k, int rows, int cols, int as_row) {
  char name[8];
  element_name(k, name);
  int width = numbers_width(W, (size_t)rows * (size_t)cols);
  if (as_row) {
    fprintf(f, "  element %s:", name);
    text_grid(f, " ", 1, rows * cols, width, number_cell, &(numbers){W, rows * cols});
    return;
  }
  fprintf(f, "  element %s:\n", name);
  text_grid(f, "    ", rows, cols, width, number_cell, &(numbers){W, cols});
}

static weyl_status text_elements(FILE *f, const weyl_basis *b, int as_row) {
  double *mats = NULL;
  int dim = 0, rows = weyl_basis_out_dim(b), cols = weyl_basis_in_dim(b);
  weyl_status s = weyl_basis_canonical(b, &mats, &dim);
  if (s) return s;
  for (int k = 0; k < dim; k++)
    text_element(f, mats + (size_t)k * elem_size(b), k, rows, cols, as_row);
  free(mats);
  return WEYL_OK;
}

/* io names the whole output, for the formats that can write what is not shown. */
static weyl_status text_pattern(FILE *f, const weyl_basis *b, int as_row, const weyl_io_basis *io) {
  size_t n = elem_size(b);
  char holds[128];
  if (weyl_basis_dim(b) == 0) {
    fputs("  (only the zero map)\n", f);
    return WEYL_OK;
  }
  if (weyl_basis_is_exact(b)) {
    if (n > TEXT_MAX_NUMBERS) {
      weyl_io_fitting_formats(io->basis, io->bias, holds, sizeof holds);
      fprintf(f, "  (%zu-cell pattern not shown; %s)\n", n, holds);
      return WEYL_OK;
    }
    return text_pattern_exact(f, b, as_row);
  }
  if (n * (size_t)weyl_basis_dim(b) > TEXT_MAX_NUMBERS) {
    weyl_io_fitting_formats(io->basis, io->bias, holds, sizeof holds);
    fprintf(f, "  (%zu numbers not shown; %s)\n",
            n * (size_t)weyl_basis_dim(b), holds);
    return WEYL_OK;
  }
  return text_elements(f, b, as_row);
}

static weyl_status write_text(FILE *f, const weyl_io_basis *b) {
  const weyl_basis *B = b->basis;
  fprintf(f, "group %s: %s -> %s  (in_dim %d, out_dim %d)\n", b->group ? b->group : "?",
          b->in ? b->in : "?", b->out ? b->out : "?", weyl_basis_in_dim(B), weyl_basis_out_dim(B));
  text_summary(f, "basis", B);
  weyl_status s = text_pattern(f, B, 0, b);
  if (s || !b->bias) return s;
  text_summary(f, "bias", b->bias);
  return text_pattern(f, b->bias, 1, b);
}

/* ---- public entry points ----------------------------------------------- */

static weyl_status write_basis(FILE *f, weyl_io_format fmt, const weyl_io_basis *b) {
  if (!f || !b || !b->basis) return weyl_fail(WEYL_EINVAL, "weyl_io_write: NULL argument");
  /* The bias is a vector b of the output space: Scalar -> out. */
  if (b->bias && (weyl_basis_in_dim(b->bias) != 1 ||
                  weyl_basis_out_dim(b->bias) != weyl_basis_out_dim(b->basis)))
    return weyl_fail(WEYL_EINVAL,
                     "weyl_io_write: the bias basis is %d x %d, not out_dim x 1 = %d x 1",
                     weyl_basis_out_dim(b->bias), weyl_basis_in_dim(b->bias),
                     weyl_basis_out_dim(b->basis));
  switch (fmt) { /* the compact formats check their own limits and entries */
  case WEYL_IO_FORMAT_LABELS: return weyl_io_write_labels(f, b->basis);
  case WEYL_IO_FORMAT_COO: return weyl_io_write_coo(f, b->basis);
  case WEYL_IO_FORMAT_FACTORED: return weyl_io_write_factored(f, b->basis);
  default: break;
  }
  double total = (double)weyl_basis_dim(b->basis) * (double)elem_size(b->basis);
  if (b->bias) total += (double)weyl_basis_dim(b->bias) * (double)elem_size(b->bias);
  if (fmt != WEYL_IO_FORMAT_TEXT && total > (double)WEYL_IO_MAX_NUMBERS) {
    char holds[128];
    weyl_io_fitting_formats(b->basis, b->bias, holds, sizeof holds);
    return weyl_fail(WEYL_ELIMIT,
                     "the basis has %.3g numbers (dim x out_dim x in_dim), over the limit of "
                     "%ld for json and npy output; %s",
                     total, WEYL_IO_MAX_NUMBERS, holds);
  }
  /* Past the limit the text view shows no numbers (TEXT_MAX_NUMBERS), so
   * there is nothing to check, and checking would take hours. */
  weyl_status s = total <= (double)WEYL_IO_MAX_NUMBERS ? check_all_finite(b) : WEYL_OK;
  if (s) return s;
  switch (fmt) {
  case WEYL_IO_FORMAT_TEXT:
    s = write_text(f, b);
    break;
  case WEYL_IO_FORMAT_JSON:
    s = write_json(f, b);
    break;
  case WEYL_IO_FORMAT_NPY:
    s = write_npy(f, b);
    break;
  default: return weyl_fail(WEYL_EINVAL, "weyl_io_write: unknown format %d", (int)fmt);
  }
  return s ? s : weyl_io_stream_status(f);
}

weyl_status weyl_io_write(FILE *f, weyl_io_format fmt, const weyl_io_basis *b) {
  locale_t previous = weyl_io_c_locale_begin(); /* '.' decimals under any LC_NUMERIC */
  weyl_status s = write_basis(f, fmt, b);
  weyl_io_c_locale_end(previous);
  return s;
}

weyl_status weyl_io_format_parse(const char *name, weyl_io_format *fmt) {
  static const char *const names[] = {"text", "json", "npy", "labels", "coo", "factored"};
  static const weyl_io_format fmts[] = {WEYL_IO_FORMAT_TEXT,   WEYL_IO_FORMAT_JSON,
                                        WEYL_IO_FORMAT_NPY,    WEYL_IO_FORMAT_LABELS,
                                        WEYL_IO_FORMAT_COO,    WEYL_IO_FORMAT_FACTORED};
  if (!fmt) return weyl_fail(WEYL_EINVAL, "weyl_io_format_parse: NULL argument");
  for (int i = 0; name && i < 6; i++)
    if (strcmp(name, names[i]) == 0) {
      *fmt = fmts[i];
      return WEYL_OK;
    }
  return weyl_fail(WEYL_EINVAL,
                   "unknown format '%s' (expected text, json, npy, labels, coo or factored)",
                   name ? name : "(null)");
}

typedef struct {
  weyl_io_format fmt;
  const weyl_io_basis *b;
} format_job;

static weyl_status write_format(FILE *f, const void *ctx) {
  const format_job *job = ctx;
  return weyl_io_write(f, job->fmt, job->b);
}

weyl_status weyl_io_write_path(const char *path, weyl_io_format fmt, const weyl_io_basis *b) {
  if (!path || !b) return weyl_fail(WEYL_EINVAL, "weyl_io_write_path: NULL argument");
  format_job job = {fmt, b};
  return weyl_io_atomic(path, write_format, &job);
}

weyl_status weyl_io_stage_path(const char *path, weyl_io_format fmt, const weyl_io_basis *b,
                               weyl_io_staged **st) {
  if (!path || !b || !st) return weyl_fail(WEYL_EINVAL, "weyl_io_stage_path: NULL argument");
  format_job job = {fmt, b};
  return weyl_io_stage(path, write_format, &job, st);
}

/* ---- 1-D float64 .npy vectors ------------------------------------------ */

typedef struct {
  const double *x;
  size_t n;
} vector_job;

static weyl_status write_vector_job(FILE *f, const void *ctx) {
  const vector_job *j = ctx;
  char shape[32];
  snprintf(shape, sizeof shape, "(%zu,)", j->n);
  npy_header(f, shape);
  double buf[256];
  for (size_t i = 0; i < j->n; i += 256) {
    size_t m = j->n - i < 256 ? j->n - i : 256;
    memcpy(buf, j->x + i, m * sizeof *buf);
    to_little_endian(buf, m);
    if (fwrite(buf, sizeof *buf, m, f) != m)
      return weyl_fail(WEYL_EIO, "write failed: %s", strerror(errno));
  }
  return WEYL_OK;
}

weyl_status weyl_io_write_vector_npy(const char *path, const double *x, size_t n) {
  if (!path || (!x && n > 0)) return weyl_fail(WEYL_EINVAL, "weyl_io_write_vector_npy: NULL argument");
  vector_job j = {x, n};
  return weyl_io_atomic(path, write_vector_job, &j);
}

/* Checks magic and dict of an .npy header already read into h (hlen bytes of
 * dict) and returns its 1-D length in *n. */
static weyl_status parse_vector_dict(const char *path, const char *dict, size_t *n) {
  const char *shape = strstr(dict, "'shape':");
  if (!strstr(dict, "'descr': '<f8'") || !strstr(dict, "'fortran_order': False") || !shape)
    return weyl_fail(WEYL_EPARSE, "%s: not a little-endian float64 C-order .npy array", path);
  unsigned long long len = 0;
  char close = 0;
  if (sscanf(shape + 8, " (%llu ,%c", &len, &close) != 2 || close != ')')
    return weyl_fail(WEYL_EPARSE, "%s: .npy array is not one-dimensional", path);
  *n = (size_t)len;
  return WEYL_OK;
}

static weyl_status read_vector(FILE *f, const char *path, double *x, size_t n) {
  unsigned char pre[10];
  if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY\x01\x00", 8) != 0)
    return weyl_fail(WEYL_EPARSE, "%s: not an .npy file (version 1.0)", path);
  size_t hlen = pre[8] | (size_t)pre[9] << 8, len = 0;
  char *dict = calloc(hlen + 1, 1);
  if (!dict) return weyl_fail(WEYL_ENOMEM, "out of memory reading %s", path);
  weyl_status s = fread(dict, 1, hlen, f) == hlen
                      ? parse_vector_dict(path, dict, &len)
                      : weyl_fail(WEYL_EPARSE, "%s: truncated .npy header", path);
  free(dict);
  if (s) return s;
  if (len != n)
    return weyl_fail(WEYL_EPARSE, "%s: array has %zu entries, expected %zu", path, len, n);
  if (fread(x, sizeof *x, n, f) != n || fgetc(f) != EOF)
    return weyl_fail(WEYL_EPARSE, "%s: data is not %zu float64 values", path, n);
  to_little_endian(x, n); /* the same byte swap converts back */
  return WEYL_OK;
}

weyl_status weyl_io_read_vector_npy(const char *path, double *x, size_t n) {
  if (!path || (!x && n > 0)) return weyl_fail(WEYL_EINVAL, "weyl_io_read_vector_npy: NULL argument");
  FILE *f = fopen(path, "rb");
  if (!f) return weyl_fail(WEYL_EIO, "cannot read %s: %s", path, strerror(errno));
  double *tmp = alloc_doubles(n);
  weyl_status s = tmp ? read_vector(f, path, tmp, n)
                      : weyl_fail(WEYL_ENOMEM, "out of memory reading %s", path);
  fclose(f);
  if (!s) memcpy(x, tmp, n * sizeof *x); /* nothing changes on failure */
  free(tmp);
  return s;
}
