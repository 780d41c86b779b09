/* Helpers shared by the network modules (linear.c, nonlin.c, net.c). */
#ifndef WEYL_NN_UTIL_H
#define WEYL_NN_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "weyl/rep.h"

/* 1 when the arrays of na and nb doubles at a and b share memory (an output
 * overlapping an input is refused: in-place calls would give garbage). */
static inline int weyl_nn_overlap(const double *a, size_t na, const double *b, size_t nb) {
  uintptr_t a0 = (uintptr_t)a, a1 = a0 + na * sizeof *a, b0 = (uintptr_t)b,
            b1 = b0 + nb * sizeof *b;
  return na > 0 && nb > 0 && a0 < b1 && b0 < a1;
}

/* 1 when a and b are the same rep: one group and the same direct summands in
 * the same order (so "2*V" equals "V + V"); 0 otherwise or when out of memory. */
int weyl_nn_rep_same(const weyl_rep *a, const weyl_rep *b);

#endif
