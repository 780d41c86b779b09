/* weyl — deterministic random numbers (xoshiro256** seeded by splitmix64),
 * for initializing layers and sampling group elements. */
#ifndef WEYL_RNG_H
#define WEYL_RNG_H

#include <stdint.h>

/* xoshiro256** state; a plain struct the caller owns. Seeding is
 * deterministic: the same seed gives the same stream on every machine. */
typedef struct {
  /* the generator state; set it with weyl_rng_seed */
  uint64_t s[4];
} weyl_rng;

/* Seeds r deterministically from seed (any value, 0 included). */
void weyl_rng_seed(weyl_rng *r, uint64_t seed);
/* The next 64 random bits. */
uint64_t weyl_rng_next(weyl_rng *r);
double weyl_rng_uniform(weyl_rng *r); /* in [0, 1) */
double weyl_rng_normal(weyl_rng *r);  /* standard normal (Box-Muller) */

#endif
