/* Internal layout of nets (net.c, net_run.c, net_train.c). */
#ifndef WEYL_NET_IMPL_H
#define WEYL_NET_IMPL_H

#include "weyl/bilinear.h"
#include "weyl/net.h"

typedef enum { NET_LINEAR, NET_BILINEAR, NET_NONLIN, NET_SKIP } weyl_net_kind;

/* A linear layer's bilinear term enters as WEYL_NET_BILINEAR_SCALE times its
 * value, in the parametrisation (forward and backward), as emlp's BiLinear
 * does: its output has degree 2 in the layer input, a stack of them degree
 * 2^depth, and at full weight Adam's first steps on its many coefficients
 * move the output by orders of magnitude (p4m(6): loss 2.5 -> 1e4). */
#define WEYL_NET_BILINEAR_SCALE 0.1

/* One layer: act[i] (in_dim) -> act[i + 1] (out_dim). */
typedef struct {
  weyl_net_kind kind;
  weyl_linear *lin;   /* NET_LINEAR */
  weyl_bilinear *bil; /* NET_BILINEAR, or NET_LINEAR's added term (may be NULL) */
  weyl_nonlin *nl;    /* NET_NONLIN */
  int from;           /* NET_SKIP: adds act[from] */
  int in_dim, out_dim;
  int p0, np;             /* offset of its first parameter in params, and count */
  int p_lin, p_bil, p_nl; /* offsets of its parameters in params */
} weyl_net_layer;

struct weyl_net {
  int n, cap_layers;
  weyl_net_layer *layers;
  weyl_rep **reps; /* [n + 1]: reps[i] is act[i]'s rep (references) */
  int nparams;
  double *params, *grads;
  int cap, batch;      /* activation rows allocated; rows of the last pass (-1: none) */
  double **act, **dact; /* [n + 1] each, cap x dim(reps[i]) */
  double *scratch;      /* cap x largest dimension */
  double *tmp;          /* cap x largest dimension: the scaled bilinear term */
};

/* Frees the activation buffers (their sizes change with every new layer),
 * leaving NULL pointers and no valid pass. */
void weyl_net_free_acts(weyl_net *net);
/* Grows the activation buffers to batch rows. */
weyl_status weyl_net_grow(weyl_net *net, int batch);
/* Runs layer i on the first batch rows of act[i] into act[i + 1]. */
weyl_status weyl_net_layer_forward(weyl_net *net, int i, int batch);

#endif
