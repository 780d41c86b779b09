/* NumPy's legacy random generator (np.random.seed, randn, permutation), bit
 * for bit: the Mersenne Twister MT19937, the polar Gaussian that caches its
 * second value, and the Fisher-Yates shuffle with masked rejection. The
 * EMLP paper's data sets were drawn with it (emlp's datasets.py under
 * olive-oil-ml's FixedNumpySeed), so --paper-data can draw the very same
 * numbers. NumPy keeps this stream fixed across versions (NEP 19).
 * Not part of the library: the EMLP experiments compile this file in. */
#ifndef EMLP_NUMPY_RNG_H
#define EMLP_NUMPY_RNG_H
#include <stdint.h>

typedef struct {
  uint32_t key[624];
  int pos;
  int has_gauss; /* randn makes two values at a time and keeps one */
  double gauss;
} numpy_rng;

/* np.random.seed(seed) for an integer seed below 2^32. */
void numpy_rng_seed(numpy_rng *r, uint32_t seed);
/* One value of np.random.randn(). */
double numpy_rng_normal(numpy_rng *r);
/* np.random.permutation(n) into out[0..n-1]. */
void numpy_rng_permutation(numpy_rng *r, int n, int *out);
#endif
