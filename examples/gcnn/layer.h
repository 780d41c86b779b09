/* A local equivariant layer stored sparsely: y = W x + b with W = sum_k
 * theta_k B_k from a solved exact (orbit) basis, so every non-zero entry of W
 * is one shared weight: entry (row, col[e]) has weight theta[lab[e]]. */
#ifndef GCNN_LAYER_H
#define GCNN_LAYER_H

#include "weyl/rep.h"

enum { EQ_LAYER_MAX_BATCH = 64 }; /* the largest nb of forward and backward */

typedef struct {
  int in, out;
  int nw, nb;     /* weights (basis dim) and biases (bias basis dim) */
  int *start;     /* [out+1] CSR row starts */
  int *col, *lab; /* [nnz] */
  int *bias_lab;  /* [out] bias parameter of each output, or -1 */
} eq_layer;

/* Solves in -> out, keeps the k x k local part and stores it sparsely.
 * Returns 0 on success, else prints weyl's message and returns -1. */
int eq_layer_build(eq_layer *L, weyl_group *g, const char *in, const char *out, int k);
void eq_layer_free(eq_layer *L);

/* y = W x + b for a batch of nb <= EQ_LAYER_MAX_BATCH columns: x is [in][nb], y is [out][nb]
 * (unit-major, so each shared weight is read once per batch); p = theta (nw
 * weights then nb biases). */
void eq_layer_forward(const eq_layer *L, const double *p, const double *x, double *y, int nb);

/* Accumulates dp (weights, biases) summed over the batch and, when dx is not
 * NULL, dx += W^T dy; same layouts as eq_layer_forward. */
void eq_layer_backward(const eq_layer *L, const double *p, const double *x, const double *dy,
                       double *dp, double *dx, int nb);

#endif
