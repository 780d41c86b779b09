/* A fixed, portable random stream (splitmix64), so that every run of the
 * example draws the same split, turns, initial weights and batch orders. */
#ifndef GCNN_RNG_H
#define GCNN_RNG_H

double rng_uniform(void);  /* in [0, 1) */
double rng_gaussian(void); /* standard normal */
void rng_shuffle(int *a, int n);

#endif
