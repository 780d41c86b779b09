#include "rng.h"

#include <math.h>

static unsigned long long state = 0x1234567ULL;

void rng_seed(unsigned long long seed) { state = 0x1234567ULL + seed * 0xD1B54A32D192ED03ULL; }

double rng_uniform(void) {
  unsigned long long z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return ((z ^ (z >> 31)) >> 11) * (1.0 / 9007199254740992.0);
}

double rng_gaussian(void) {
  double u = rng_uniform() + 1e-300, v = rng_uniform();
  return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

void rng_shuffle(int *a, int n) {
  for (int i = n - 1; i > 0; i--) {
    int j = (int)(rng_uniform() * (i + 1)), t = a[i];
    a[i] = a[j], a[j] = t;
  }
}
