/* A fixed, portable random stream (splitmix64), so that every run of the
 * example draws the same split, turns, initial weights and batch orders. */
#ifndef GCNN_RNG_H
#define GCNN_RNG_H

/* Restarts the stream; seed 0 is the stream's start before any call. */
void rng_seed(unsigned long long seed);
double rng_uniform(void);  /* in [0, 1) */
double rng_gaussian(void); /* standard normal */
void rng_shuffle(int *a, int n);

#endif
