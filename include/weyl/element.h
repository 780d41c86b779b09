/* weyl — random group elements, and the matrix exponential that makes them.
 *
 * A sampled group element is kept as a word: a sequence of steps, each either
 * a discrete generator h_k or exp(sum_k c_k A_k) of an algebra combination.
 * Its matrix on any representation is then the product of that rep's rho(h_k)
 * and expm(sum_k c_k drho(A_k)) in the same order — which is exactly
 * rho(g), because drho is linear and rho(exp A) = expm(drho(A)). */
#ifndef WEYL_ELEMENT_H
#define WEYL_ELEMENT_H

#include "weyl/rep.h"
#include "weyl/rng.h"

/* E = exp(A) for an n x n row-major A, by scaling and squaring with a Taylor
 * series (the scaled matrix has 1-norm <= 1/2, series to machine precision).
 * E must not alias A. Returns WEYL_EINVAL for n < 1 or NULL, WEYL_ENOMEM,
 * WEYL_ENUMERIC for a non-finite input. */
weyl_status weyl_element_expm(int n, const double *A, double *E);

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
/* As weyl_element_sample with a single exponential of sum_k z_k A_k, z_k
 * normal with standard deviation scales[k] (weyl_group_nalg(g) entries,
 * each >= 0; may be NULL for a group without algebra generators), followed
 * by n_disc_steps discrete slots: emlp's Group.samples with its z_scale
 * (its Lorentz groups draw boosts at 0.3 and rotations at 1). *e is new.
 * Returns WEYL_EINVAL for NULL arguments or a bad scale, WEYL_ENOMEM. */
weyl_status weyl_element_sample_scaled(const weyl_group *g, weyl_rng *rng, int n_disc_steps,
                                       const double *scales, weyl_element **e);
/* Frees a sampled element; NULL is allowed. */
void weyl_element_free(weyl_element *e);

/* out (dim x dim, row-major, caller-allocated) = rho(e) on rep. On a direct
 * sum the blocks are computed per distinct summand (entries off the blocks
 * are exactly 0), so the cost follows the largest summand, not the sum.
 * Returns WEYL_EINVAL when rep belongs to another group, WEYL_ELIMIT for a
 * rep over 4096-dimensional, WEYL_ENOMEM. */
weyl_status weyl_element_rho(const weyl_element *e, const weyl_rep *rep, double *out);

#endif
