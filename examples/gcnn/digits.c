/* Reading the digits CSV through zlib (gzopen also reads plain files). */
#include "digits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* Parses one line into 64 pixels and a label; 0 on success. */
static int parse_line(char *line, double *x, int *y) {
  char *p = line, *end;
  for (int i = 0; i <= DIGIT_PIXELS; i++) {
    double v = strtod(p, &end);
    if (end == p) return -1;
    if (i < DIGIT_PIXELS) {
      if (v < 0 || v > 16) return -1;
      x[i] = v / 16.0;
    } else {
      if (v < 0 || v > 9 || v != (int)v) return -1;
      *y = (int)v;
    }
    p = end;
    if (i < DIGIT_PIXELS && *p++ != ',') return -1;
  }
  while (*p == '\r' || *p == '\n' || *p == ' ') p++;
  return *p == '\0' ? 0 : -1;
}

static int grow(digits *d, int *cap) {
  if (d->n < *cap) return 0;
  *cap = *cap ? 2 * *cap : 256;
  double *x = realloc(d->x, sizeof(double) * DIGIT_PIXELS * *cap);
  if (x) d->x = x;
  int *y = realloc(d->y, sizeof(int) * *cap);
  if (y) d->y = y;
  return x && y ? 0 : -1;
}

int digits_load(const char *path, digits *d) {
  memset(d, 0, sizeof *d);
  gzFile f = gzopen(path, "rb");
  if (!f) {
    fprintf(stderr, "gcnn: cannot open %s (apt-get install python3-sklearn, or give the path "
                    "of digits.csv.gz)\n", path);
    return -1;
  }
  char line[1024];
  int cap = 0, lineno = 0, rc = 0;
  while (rc == 0 && gzgets(f, line, sizeof line)) {
    lineno++;
    if (line[0] == '\n' || line[0] == '\0') continue;
    if (grow(d, &cap) || parse_line(line, d->x + (size_t)d->n * DIGIT_PIXELS, &d->y[d->n])) {
      fprintf(stderr, "gcnn: %s:%d: expected 64 pixel values 0..16 and a label 0..9\n", path,
              lineno);
      rc = -1;
    } else {
      d->n++;
    }
  }
  int err = 0;
  gzerror(f, &err);
  if (rc == 0 && err != Z_OK && err != Z_STREAM_END) {
    fprintf(stderr, "gcnn: %s: read error (zlib %d)\n", path, err);
    rc = -1;
  }
  gzclose(f);
  if (rc == 0 && d->n == 0) fprintf(stderr, "gcnn: %s: no images\n", path), rc = -1;
  if (rc) digits_free(d);
  return rc;
}

void digits_free(digits *d) {
  free(d->x);
  free(d->y);
  memset(d, 0, sizeof *d);
}

void digits_rotate(const double *img, int k, double *out) {
  double tmp[DIGIT_PIXELS];
  memcpy(out, img, sizeof tmp);
  for (int t = 0; t < ((k % 4) + 4) % 4; t++) {
    memcpy(tmp, out, sizeof tmp);
    for (int r = 0; r < DIGIT_SIDE; r++)
      for (int c = 0; c < DIGIT_SIDE; c++)
        out[(DIGIT_SIDE - 1 - c) * DIGIT_SIDE + r] = tmp[r * DIGIT_SIDE + c];
  }
}
