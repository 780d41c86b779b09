/* Internal interface between bilinear.c (the public calls, the LOWRANK kind)
 * and bilinear_full.c (the FULL kind). */
#ifndef WEYL_BILINEAR_IMPL_H
#define WEYL_BILINEAR_IMPL_H

#include "weyl/bilinear.h"

/* The paper's bilinear layer; see bilinear.h. */
typedef struct weyl_bilinear_full weyl_bilinear_full;

weyl_status weyl_bilinear_full_build(const weyl_rep *in, const weyl_rep *out,
                                     weyl_bilinear_full **f);
void weyl_bilinear_full_destroy(weyl_bilinear_full *f);
int weyl_bilinear_full_nparams(const weyl_bilinear_full *f);
int weyl_bilinear_full_in_dim(const weyl_bilinear_full *f);
weyl_status weyl_bilinear_full_take(weyl_bilinear_full *f, const double *params);
weyl_status weyl_bilinear_full_rescale_params(weyl_bilinear_full *f, double *params,
                                              const double *row_ms);
weyl_status weyl_bilinear_full_fwd(weyl_bilinear_full *f, int batch, const double *x, double *y,
                                   int add);
weyl_status weyl_bilinear_full_bwd(weyl_bilinear_full *f, int batch, const double *x,
                                   const double *dy, double *dparams, double *dx);

#endif
