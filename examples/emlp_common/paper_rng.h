/* The random streams the EMLP paper's data came from, bit for bit, so that
 * --paper-data trains on the very numbers the paper's runs did. Both are
 * the Mersenne Twister MT19937 seeded as init_genrand:
 *   - PyTorch's CPU torch.randn for float32 (emlp's datasets.py drew X with
 *     it under FixedPytorchSeed until August 2021, after the published
 *     results): 24-bit uniforms, turned into normals by Box-Muller in blocks
 *     of 16;
 *   - NumPy's legacy RandomState (np.random.seed, randn, permutation; the
 *     splits: sklearn's train_test_split under FixedNumpySeed). NumPy keeps
 *     this stream fixed across versions (NEP 19).
 * Not part of the library: the EMLP experiments compile this file in. */
#ifndef EMLP_PAPER_RNG_H
#define EMLP_PAPER_RNG_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
  uint32_t key[624];
  int pos;
} mt19937;

/* np.random.seed(seed), torch.manual_seed(seed) for seeds below 2^32. */
void mt19937_seed(mt19937 *r, uint32_t seed);
uint32_t mt19937_next(mt19937 *r);

typedef struct {
  mt19937 mt;
  int has_gauss; /* randn makes two values at a time and keeps one */
  double gauss;
} numpy_rng;

/* np.random.seed(seed) for an integer seed below 2^32. */
void numpy_rng_seed(numpy_rng *r, uint32_t seed);
/* One value of np.random.randn(). */
double numpy_rng_normal(numpy_rng *r);
/* np.random.permutation(n) into out[0..n-1]. */
void numpy_rng_permutation(numpy_rng *r, int n, int *out);

/* torch.randn(n) on the CPU in float32 into out, n >= 16, from r (seeded
 * as torch.manual_seed). PyTorch's AVX2 build computes the same formulas
 * with its own vector log, sin and cos, so values can differ from its in
 * the last bits of a float. */
void torch_randn(mt19937 *r, float *out, size_t n);
#endif
