/* NumPy's legacy RandomState stream (numpy_rng.h). The constants are
 * MT19937's (Matsumoto and Nishimura 1998); the Gaussian and the shuffle
 * follow NumPy's legacy_gauss and random_interval, whose order of draws is
 * what makes the numbers equal. */
#include "numpy_rng.h"

#include <math.h>

enum { N = 624, M = 397 };

void numpy_rng_seed(numpy_rng *r, uint32_t seed) {
  for (int i = 0; i < N; i++) {
    r->key[i] = seed;
    seed = 1812433253u * (seed ^ (seed >> 30)) + (uint32_t)i + 1;
  }
  r->pos = N;
  r->has_gauss = 0;
  r->gauss = 0;
}

static uint32_t next_u32(numpy_rng *r) {
  if (r->pos == N) { /* regenerate the whole state at once */
    for (int i = 0; i < N; i++) {
      uint32_t y = (r->key[i] & 0x80000000u) | (r->key[(i + 1) % N] & 0x7fffffffu);
      r->key[i] = r->key[(i + M) % N] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
    }
    r->pos = 0;
  }
  uint32_t y = r->key[r->pos++];
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680u;
  y ^= (y << 15) & 0xefc60000u;
  return y ^ (y >> 18);
}

/* A double in [0, 1) with 53 random bits, from two 32-bit draws. */
static double next_double(numpy_rng *r) {
  uint32_t a = next_u32(r) >> 5, b = next_u32(r) >> 6;
  return (a * 67108864.0 + b) / 9007199254740992.0;
}

double numpy_rng_normal(numpy_rng *r) {
  if (r->has_gauss) {
    r->has_gauss = 0;
    return r->gauss;
  }
  double x1, x2, r2;
  do { /* a point uniform in the unit disc, not at its centre */
    x1 = 2 * next_double(r) - 1;
    x2 = 2 * next_double(r) - 1;
    r2 = x1 * x1 + x2 * x2;
  } while (r2 >= 1 || r2 == 0);
  double f = sqrt(-2 * log(r2) / r2);
  r->gauss = f * x1;
  r->has_gauss = 1;
  return f * x2;
}

/* Uniform in [0, max]: 32-bit draws masked to max's bit length, rejected
 * until one is at most max. */
static uint32_t next_interval(numpy_rng *r, uint32_t max) {
  if (max == 0)
    return 0;
  uint32_t mask = max, v;
  for (int s = 1; s < 32; s *= 2)
    mask |= mask >> s;
  while ((v = next_u32(r) & mask) > max)
    ;
  return v;
}

void numpy_rng_permutation(numpy_rng *r, int n, int *out) {
  for (int i = 0; i < n; i++)
    out[i] = i;
  for (int i = n - 1; i > 0; i--) {
    int j = (int)next_interval(r, (uint32_t)i), t = out[i];
    out[i] = out[j], out[j] = t;
  }
}
