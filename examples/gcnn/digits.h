/* The 8x8 handwritten digits of scikit-learn (Debian: python3-sklearn,
 * sklearn/datasets/data/digits.csv.gz): one image per line, 64 pixel values
 * 0..16 in row-major order, then the label 0..9. */
#ifndef GCNN_DIGITS_H
#define GCNN_DIGITS_H

enum { DIGIT_SIDE = 8, DIGIT_PIXELS = 64 };

typedef struct {
  int n;
  double *x; /* [n][64], scaled to [0, 1] */
  int *y;    /* [n] */
} digits;

/* Reads the gzip'd (or plain) CSV at path. Returns 0, or -1 after printing
 * what is wrong (file missing, a line without 65 numbers, a value out of
 * range). */
int digits_load(const char *path, digits *d);
void digits_free(digits *d);

/* out = img turned by k quarter turns about the image centre,
 * (r, c) -> (7 - c, r) per turn. */
void digits_rotate(const double *img, int k, double *out);

#endif
