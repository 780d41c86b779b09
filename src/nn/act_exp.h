/* exp for the activations (sigmoid, swish, the gates), written so that a
 * loop over it vectorizes: no calls, no branches, only selects.
 *
 * libm's exp is called one entry at a time; over a batch of activations it
 * was 14% of an MLP training step. This one is the textbook method:
 *   x = k ln2 + r, |r| <= ln2 / 2 (k rounded with the 1.5 * 2^52 trick,
 *   ln2 split in two so that k ln2_hi is exact), e^r by its Taylor series to
 *   r^13 (the first term left out is below 2^-57), times 2^k built in the
 *   exponent bits.
 * Accuracy: within 2 units in the last place of libm's (tests/test_nonlin.c
 * measures it). Range: +inf above 709.78 (where e^x overflows), 0 below
 * -707 (libm returns subnormals down to -745; for the activations they are
 * 0 either way: 1 / (1 + 1e-307) is 1). NaN in, NaN out. */
#ifndef WEYL_NN_ACT_EXP_H
#define WEYL_NN_ACT_EXP_H

#include <math.h>
#include <stdint.h>
#include <string.h>

static inline double weyl_act_exp(double x) {
  const double log2e = 1.4426950408889634, shift = 0x1.8p52;
  const double ln2_hi = 0x1.62e42fee00000p-1, ln2_lo = 0x1.a39ef35793c76p-33;
  double t = x * log2e + shift; /* k = t - shift, and k sits in t's low bits */
  double k = t - shift;
  double r = (x - k * ln2_hi) - k * ln2_lo;
  /* 1 + r + r^2 T(r), T = sum_{i <= 11} r^i / (i + 2)! by Estrin's scheme:
   * pairs, then pairs of pairs, in powers r^2, r^4, r^8 (a chain of 3
   * multiply-adds where Horner's has 13: the loop was bound by that chain's
   * latency); 1 + r added last, where its rounding costs least */
  double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
  double a0 = 0.5 + r * (1.0 / 6), a1 = 1.0 / 24 + r * (1.0 / 120);
  double a2 = 1.0 / 720 + r * (1.0 / 5040), a3 = 1.0 / 40320 + r * (1.0 / 362880);
  double a4 = 1.0 / 3628800 + r * (1.0 / 39916800);
  double a5 = 1.0 / 479001600 + r * (1.0 / 6227020800);
  double b0 = a0 + r2 * a1, b1 = a2 + r2 * a3, b2 = a4 + r2 * a5;
  double p = 1.0 + (r + r2 * ((b0 + r4 * b1) + r8 * b2));
  /* 2^(k-1) from the exponent bits (k - 1 + 1023 is in 2 .. 2046 on the
   * range kept), then times 2: 2^k itself would overflow at k = 1024 */
  uint64_t bits;
  memcpy(&bits, &t, sizeof bits);
  bits = (bits + 1022) << 52;
  double half_scale;
  memcpy(&half_scale, &bits, sizeof half_scale);
  double y = p * half_scale * 2.0;
  y = x > 709.782712893384 ? INFINITY : y;
  return x < -707.0 ? 0.0 : y;
}

/* y[k] = weyl_act_exp(s * x[k]) for k < n (y may be x), vectorized
 * (act_exp.c). */
void weyl_act_exp_n(size_t n, double s, const double *x, double *y);

#endif
