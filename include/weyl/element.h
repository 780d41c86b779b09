/* weyl — random numbers, the matrix exponential, and random group elements.
 *
 * A sampled group element is kept as a word: a sequence of steps, each either
 * a discrete generator h_k or exp(sum_k c_k A_k) of an algebra combination.
 * Its matrix on any representation is then the product of that rep's rho(h_k)
 * and expm(sum_k c_k drho(A_k)) in the same order — which is exactly
 * rho(g), because drho is linear and rho(exp A) = expm(drho(A)). */
#ifndef WEYL_SAMPLE_H
#define WEYL_SAMPLE_H

#include <stdint.h>

#include "weyl/rep.h"

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

/* E = exp(A) for an n x n row-major A, by scaling and squaring with a Taylor
 * series (the scaled matrix has 1-norm <= 1/2, series to machine precision).
 * E must not alias A. Returns WEYL_EINVAL for n < 1 or NULL, WEYL_ENOMEM,
 * WEYL_ENUMERIC for a non-finite input. */
weyl_status weyl_expm(int n, const double *A, double *E);

/* A sampled group element, kept as a word of generator steps so it can act on
 * any rep of its group (opaque). */
typedef struct weyl_element weyl_element;

/* Samples a random element of g: a product of n_disc_steps random factors,
 * each a discrete generator or the identity (uniformly), interleaved with two exponentials of
 * random algebra combinations, coefficients normal with standard deviation scale (when the group
 * has algebra generators). *e is new; free it with weyl_element_free. Returns WEYL_EINVAL for NULL
 * arguments or scale < 0, WEYL_ENOMEM. */
weyl_status weyl_element_sample(const weyl_group *g, weyl_rng *rng, int n_disc_steps, double scale,
                                weyl_element **e);
/* Frees a sampled element; NULL is allowed. */
void weyl_element_free(weyl_element *e);

/* out (dim x dim, row-major, caller-allocated) = rho(e) on rep.
 * Returns WEYL_EINVAL when rep belongs to another group, WEYL_ELIMIT for a
 * rep over 4096-dimensional, WEYL_ENOMEM. */
weyl_status weyl_element_rho(const weyl_element *e, const weyl_rep *rep, double *out);

#endif
