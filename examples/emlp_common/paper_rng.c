/* MT19937 and the two streams built on it (paper_rng.h). The constants are
 * MT19937's (Matsumoto and Nishimura 1998); the order of draws in each
 * stream is what makes the numbers equal: NumPy's legacy_gauss and
 * random_interval, and PyTorch's normal_fill and uniform_real. */
#include "paper_rng.h"

#include <math.h>

enum { N = 624, M = 397 };

void mt19937_seed(mt19937 *r, uint32_t seed) {
  for (int i = 0; i < N; i++) {
    r->key[i] = seed;
    seed = 1812433253u * (seed ^ (seed >> 30)) + (uint32_t)i + 1;
  }
  r->pos = N;
}

uint32_t mt19937_next(mt19937 *r) {
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

/* ---------- NumPy's legacy RandomState ---------- */

void numpy_rng_seed(numpy_rng *r, uint32_t seed) {
  mt19937_seed(&r->mt, seed);
  r->has_gauss = 0;
  r->gauss = 0;
}

/* A double in [0, 1) with 53 random bits, from two 32-bit draws. */
static double next_double(numpy_rng *r) {
  uint32_t a = mt19937_next(&r->mt) >> 5, b = mt19937_next(&r->mt) >> 6;
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
  while ((v = mt19937_next(&r->mt) & mask) > max)
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

/* ---------- PyTorch's CPU randn (float32) ---------- */

/* Box-Muller on a block of 16 uniforms: entries j and j + 8 give a pair,
 * in float with theta in double, as normal_fill_16. */
static void normal_fill_16(float *d) {
  for (int j = 0; j < 8; j++) {
    float u1 = 1 - d[j], u2 = d[j + 8]; /* [0, 1) -> (0, 1] for the log */
    float radius = sqrtf(-2 * logf(u1));
    double theta = 2.0 * 3.14159265358979323846 * u2;
    d[j] = (float)(radius * cos(theta));
    d[j + 8] = (float)(radius * sin(theta));
  }
}

/* uniform_real<float>(0, 1): 24 random bits, exact in a float. */
static float uniform_float(mt19937 *r) {
  return (float)((mt19937_next(r) & 0xffffffu) * (1.0 / 16777216.0));
}

void torch_randn(mt19937 *r, float *out, size_t n) {
  for (size_t i = 0; i < n; i++)
    out[i] = uniform_float(r);
  for (size_t i = 0; i + 16 <= n; i += 16)
    normal_fill_16(out + i);
  if (n % 16) { /* the last 16 values are drawn again */
    float *tail = out + n - 16;
    for (int i = 0; i < 16; i++)
      tail[i] = uniform_float(r);
    normal_fill_16(tail);
  }
}
