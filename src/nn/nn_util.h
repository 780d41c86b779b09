/* Helpers shared by the network modules (linear.c, nonlin.c, net.c). */
#ifndef WEYL_NN_UTIL_H
#define WEYL_NN_UTIL_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "weyl/linear.h"
#include "weyl/nonlin.h"
#include "weyl/rep.h"

#include "core/status_impl.h"

/* Builds a function a second time for AVX2 (without FMA: the same IEEE
 * operations, so the same results) and lets the loader pick the copy for
 * the CPU (GCC's target_clones, an ifunc: x86-64 Linux only). For the
 * vectorized loops over a batch or the parameters (act_exp.c, adam.c). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define WEYL_AVX2_CLONE __attribute__((target_clones("avx2", "default")))
#else
#define WEYL_AVX2_CLONE
#endif

/* 1 when the arrays of na and nb doubles at a and b share memory (an output
 * overlapping an input is refused: in-place calls would give garbage). */
static inline int weyl_nn_overlap(const double *a, size_t na, const double *b, size_t nb) {
  uintptr_t a0 = (uintptr_t)a, a1 = a0 + na * sizeof *a, b0 = (uintptr_t)b,
            b1 = b0 + nb * sizeof *b;
  return na > 0 && nb > 0 && a0 < b1 && b0 < a1;
}

/* Refuses (WEYL_ELIMIT, before anything is allocated) a batch whose
 * batch x dim numbers do not fit the int lengths that BLAS takes (daxpy,
 * dnrm2 over a whole batch); who names the caller in the message. */
static inline weyl_status weyl_nn_batch_check(const char *who, int batch, int dim) {
  if (batch > 0 && dim > 0 && batch > INT_MAX / dim)
    return weyl_fail(WEYL_ELIMIT,
                     "%s: a batch of %d rows of dimension %d is over %d numbers (BLAS lengths "
                     "are int); split it",
                     who, batch, dim, INT_MAX);
  return WEYL_OK;
}

/* Backward pass of a pointwise swish layer from its input x and its output
 * y = swish(x) (which a net keeps as the next layer's input): sigmoid(x) is
 * y / x (1/2 at x = 0), so no exp is computed; dx = dy swish'(x). Returns 0
 * and does nothing when nl is not a pointwise swish layer (the caller then
 * uses weyl_nonlin_backward). Arguments are the caller's, already checked. */
int weyl_nonlin_swish_backward_from_output(const weyl_nonlin *nl, int batch, const double *x,
                                           const double *y, const double *dy, double *dx);

/* 1 when every parameter of l is one entry of (W, b) (every block an exact
 * basis of one-entry orbits: an MLP's layers): Adam on the parameters is then
 * Adam on the full matrix, and weyl_net_adam_new need not lift them. */
int weyl_nn_linear_is_entrywise(const weyl_linear *l);

/* 1 when a and b are the same rep: one group and the same direct summands in
 * the same order (so "2*V" equals "V + V"); 0 otherwise or when out of memory. */
int weyl_nn_rep_same(const weyl_rep *a, const weyl_rep *b);

#endif
