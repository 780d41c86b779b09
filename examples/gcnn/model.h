/* The two networks of the example, built from solved layers (layer.h) and
 * run on a batch at a time:
 *
 *   p4-CNN: V -> C*regular (lifting, 3x3) -> ReLU -> [C*regular -> C*regular
 *           (group conv, 3x3) -> ReLU] x (L-1) -> max over the 4 rotations
 *           (coset pooling) -> mean over pixels -> dense 10 x C head
 *   CNN:    V -> C*V (3x3) -> ReLU -> [C*V -> C*V (3x3) -> ReLU] x (L-1)
 *           -> mean over pixels -> dense 10 x C head
 *
 * on the periodic 8x8 grid: groups p4(8) and T(8,8). Activations are stored
 * unit-major, batch-minor ([unit][nb]), so that each shared weight of a
 * sparse layer is read once per batch and the inner loops run over
 * contiguous memory. */
#ifndef GCNN_MODEL_H
#define GCNN_MODEL_H

#include "layer.h"

enum { CLASSES = 10, MAX_DEPTH = 6, MAX_BATCH = EQ_LAYER_MAX_BATCH };

typedef struct {
  const char *name;
  weyl_group *g;
  int depth; /* equivariant layers: one lifting (or first conv), then convs */
  eq_layer l[MAX_DEPTH];
  int ch, nstab, hidden;      /* channels, planes per channel, units ch*nstab*64 */
  int np, off[MAX_DEPTH + 1]; /* parameter count; off[depth] is the head's offset */
  double *p, *grad, *m, *v;   /* parameters, summed gradient, Adam moments */
  double *h[MAX_DEPTH], *dh[MAX_DEPTH]; /* [hidden][MAX_BATCH] */
  double *feat;   /* [nb][ch] pooled features */
  double *logits; /* [nb][CLASSES] */
  int *arg;       /* [nb][ch*64]: the rotation plane that won the max */
} model;

/* Solves the layers and draws He-initialised weights (rng.h). Returns 0, or
 * -1 after printing what failed; model_free is safe either way. */
int model_build(model *M, const char *name, const char *group, int ch, int nstab, int depth);
void model_free(model *M);

/* Logits of nb <= MAX_BATCH images x ([64][nb]) into M->logits; the
 * activations are kept for model_backward. */
void model_forward(model *M, const double *x, int nb);

/* Softmax cross-entropy of the last forward against y[nb]: adds the gradient
 * summed over the batch to M->grad and returns the summed loss. */
double model_backward(model *M, const double *x, const int *y, int nb);

/* One Adam step on the mean gradient of nb examples; clears M->grad. */
void model_adam(model *M, int step, double lr, int nb);

#endif
