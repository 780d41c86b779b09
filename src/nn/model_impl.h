/* Internal layout of models (model.c, model_io.c, model_check.c). */
#ifndef WEYL_MODEL_IMPL_H
#define WEYL_MODEL_IMPL_H

#include "weyl/bilinear.h"
#include "weyl/linear.h"
#include "weyl/model.h"

#include <limits.h>

#include "core/status_impl.h"

/* One stage: linear, then (except for the last stage) a nonlinearity. */
typedef struct {
  weyl_basis *w, *bias;
  weyl_linear *lin;
  weyl_nonlin *nl;              /* NULL on the output stage */
  weyl_bilinear *bil;           /* added to the linear output; NULL when off */
  int bil_on_lin;               /* FULL: bil reads the linear output (the paper's
                                   block), not the stage input */
  int in_dim, mid_dim, out_dim; /* linear in -> mid, nonlinearity mid -> out */
  int p_lin, p_bil, p_nl;       /* offsets of the stage's parameters */
  int residual;                 /* output = input + nonlin(linear(input)) */
} weyl_stage;

struct weyl_model {
  weyl_group *own_group;    /* the trivial group of an MLP, else NULL */
  weyl_rep *in, *out;       /* references */
  int n_stages;
  weyl_stage *stages;
  int nparams;
  double *params, *grads;
  int cap, batch;       /* activation capacity (rows) and last batch */
  double **act;         /* [n_stages + 1]: act[i] is stage i's input */
  double **pre;         /* [n_stages]: stage i's linear (+ bilinear) output */
  double **lo;          /* [n_stages]: the linear output alone, for stages
                           with bil_on_lin (else NULL) */
  double *d0, *d1, *d2, *d3; /* backward scratch, cap x max dim each */
  int max_dim;
};

/* Refuses (WEYL_ELIMIT, before anything is allocated) a batch whose
 * batch x dim numbers do not fit the int lengths that BLAS takes (daxpy,
 * dnrm2 over a whole batch); who names the caller in the message. */
static inline weyl_status weyl_model_batch_check(const char *who, int batch, int dim) {
  if (batch > 0 && dim > 0 && batch > INT_MAX / dim)
    return weyl_fail(WEYL_ELIMIT,
                     "%s: a batch of %d rows of dimension %d is over %d numbers (BLAS lengths "
                     "are int); split it",
                     who, batch, dim, INT_MAX);
  return WEYL_OK;
}

/* Runs stage i on the first batch rows of act[i], filling pre[i] and act[i+1]. */
weyl_status weyl_model_stage_forward(weyl_model *m, int i, int batch);

#endif
