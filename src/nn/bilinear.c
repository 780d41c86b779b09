/* The bilinear layers' public calls and the LOWRANK kind (see bilinear.h);
 * the FULL kind is in bilinear_full.c. */
#include "weyl/bilinear.h"

#include <cblas.h>
#include <stdlib.h>
#include <string.h>

#include "core/status_impl.h"
#include "nn/bilinear_impl.h"
#include "nn/nn_util.h"

struct weyl_bilinear {
  weyl_bilinear_kind kind;
  weyl_bilinear_full *full; /* the FULL kind; everything below is LOWRANK's */
  weyl_basis *wb[3]; /* L1: in -> S, L2: in -> S, L3: T -> out */
  weyl_linear *lin[3];
  int p[3]; /* parameter offsets */
  int nparams;
  int in, s, t, out; /* dimensions of in, S, T, out */
  int n_parts;
  int *off, *dim;     /* S's summands */
  int cap;            /* rows of the buffers below */
  double *u, *v, *tt; /* L1 x, L2 x (batch x s), tensor (batch x t) */
  double *du, *dv, *dt, *dxs;
};

static void free_buffers(weyl_bilinear *b) {
  free(b->u), free(b->v), free(b->tt), free(b->du), free(b->dv), free(b->dt), free(b->dxs);
  b->u = b->v = b->tt = b->du = b->dv = b->dt = b->dxs = NULL;
  b->cap = 0;
}

void weyl_bilinear_free(weyl_bilinear *b) {
  if (!b)
    return;
  for (int i = 0; i < 3; i++) {
    weyl_linear_free(b->lin[i]);
    weyl_basis_free(b->wb[i]);
  }
  free_buffers(b);
  weyl_bilinear_full_destroy(b->full);
  free(b->off);
  free(b->dim);
  free(b);
}

/* T = sum over summand pairs (i, j) of S_i (x) S_j; records S's summands. */
static weyl_status pair_rep(weyl_bilinear *b, const weyl_rep *mid, weyl_rep **t) {
  weyl_rep **parts = NULL;
  int n = 0;
  weyl_status s = weyl_rep_summands(mid, &parts, &n);
  if (s != WEYL_OK)
    return s;
  b->off = malloc(sizeof *b->off * (size_t)n);
  b->dim = malloc(sizeof *b->dim * (size_t)n);
  if (!b->off || !b->dim)
    s = weyl_fail(WEYL_ENOMEM, "out of memory building a bilinear layer");
  b->n_parts = n;
  for (int i = 0, off = 0; s == WEYL_OK && i < n; off += b->dim[i], i++) {
    b->off[i] = off;
    b->dim[i] = weyl_rep_dim(parts[i]);
  }
  weyl_rep *acc = NULL;
  for (int i = 0; s == WEYL_OK && i < n; i++)
    for (int j = 0; s == WEYL_OK && j < n; j++) {
      weyl_rep *tij = NULL, *sum = NULL;
      s = weyl_rep_tensor(parts[i], parts[j], &tij);
      if (s == WEYL_OK && acc)
        s = weyl_rep_sum(acc, tij, &sum);
      if (s == WEYL_OK) {
        weyl_rep_free(acc);
        acc = sum ? sum : tij;
        if (sum)
          weyl_rep_free(tij);
      } else {
        weyl_rep_free(tij);
      }
    }
  weyl_rep_parts_free(parts, n);
  if (s != WEYL_OK)
    weyl_rep_free(acc);
  else
    *t = acc;
  return s;
}

static weyl_status solve_parts(weyl_bilinear *b, const weyl_rep *in, const weyl_rep *out,
                               const weyl_rep *mid, const weyl_rep *t,
                               const weyl_basis_opts *opts) {
  const weyl_rep *from[3] = {in, in, t}, *to[3] = {mid, mid, out};
  weyl_status s = WEYL_OK;
  for (int i = 0; i < 3 && s == WEYL_OK; i++) {
    s = weyl_basis_solve(from[i], to[i], opts, &b->wb[i]);
    if (s == WEYL_OK)
      s = weyl_linear_new(b->wb[i], NULL, &b->lin[i]);
    if (s == WEYL_OK) {
      b->p[i] = b->nparams;
      b->nparams += weyl_linear_nparams(b->lin[i]);
    }
  }
  return s;
}

weyl_status weyl_bilinear_new(const weyl_rep *in, const weyl_rep *out, const weyl_rep *mid,
                              const weyl_basis_opts *opts, weyl_bilinear **bl) {
  if (!in || !out || !mid || !bl)
    return weyl_fail(WEYL_EINVAL, "weyl_bilinear_new: NULL argument");
  if (weyl_rep_group(in) != weyl_rep_group(out) || weyl_rep_group(in) != weyl_rep_group(mid))
    return weyl_fail(WEYL_EINVAL, "weyl_bilinear_new: reps of different groups");
  weyl_bilinear *b = calloc(1, sizeof *b);
  if (!b)
    return weyl_fail(WEYL_ENOMEM, "out of memory building a bilinear layer");
  b->kind = WEYL_BILINEAR_LOWRANK;
  weyl_rep *t = NULL;
  weyl_status s = pair_rep(b, mid, &t);
  if (s == WEYL_OK)
    s = solve_parts(b, in, out, mid, t, opts);
  if (s == WEYL_OK) {
    b->in = weyl_rep_dim(in);
    b->s = weyl_rep_dim(mid);
    b->t = weyl_rep_dim(t);
    b->out = weyl_rep_dim(out);
  }
  weyl_rep_free(t);
  if (s != WEYL_OK) {
    weyl_bilinear_free(b);
    return s;
  }
  *bl = b;
  return WEYL_OK;
}

weyl_status weyl_bilinear_full_new(const weyl_rep *in, const weyl_rep *out, weyl_bilinear **bl) {
  if (!in || !out || !bl)
    return weyl_fail(WEYL_EINVAL, "weyl_bilinear_full_new: NULL argument");
  if (weyl_rep_group(in) != weyl_rep_group(out))
    return weyl_fail(WEYL_EINVAL, "weyl_bilinear_full_new: reps of different groups");
  weyl_bilinear *b = calloc(1, sizeof *b);
  if (!b)
    return weyl_fail(WEYL_ENOMEM, "out of memory building a bilinear layer");
  b->kind = WEYL_BILINEAR_FULL;
  weyl_status s = weyl_bilinear_full_build(in, out, &b->full);
  if (s != WEYL_OK) {
    free(b);
    return s;
  }
  b->in = weyl_rep_dim(in);
  b->out = weyl_rep_dim(out);
  b->nparams = weyl_bilinear_full_nparams(b->full);
  *bl = b;
  return WEYL_OK;
}

weyl_bilinear_kind weyl_bilinear_kind_of(const weyl_bilinear *b) {
  return b ? b->kind : WEYL_BILINEAR_FULL;
}

int weyl_bilinear_nparams(const weyl_bilinear *b) { return b ? b->nparams : 0; }

weyl_status weyl_bilinear_set_params(weyl_bilinear *b, const double *params) {
  if (!b || !params)
    return weyl_fail(WEYL_EINVAL, "weyl_bilinear_set_params: NULL argument");
  if (b->full)
    return weyl_bilinear_full_take(b->full, params);
  weyl_status s = WEYL_OK;
  for (int i = 0; i < 3 && s == WEYL_OK; i++)
    s = weyl_linear_set_params(b->lin[i], params + b->p[i]);
  return s;
}

weyl_status weyl_bilinear_init(weyl_bilinear *b, weyl_rng *rng, double *params) {
  if (!b || !rng || !params)
    return weyl_fail(WEYL_EINVAL, "weyl_bilinear_init: NULL argument");
  if (b->full) {
    for (int k = 0; k < b->nparams; k++)
      params[k] = weyl_rng_normal(rng);
    return weyl_bilinear_full_take(b->full, params);
  }
  weyl_status s = WEYL_OK;
  for (int i = 0; i < 3 && s == WEYL_OK; i++)
    s = weyl_linear_init(b->lin[i], rng, 1.0, params + b->p[i]);
  return s;
}

weyl_status weyl_bilinear_rescale(weyl_bilinear *b, double *params, const double *row_ms) {
  if (!b || !params)
    return weyl_fail(WEYL_EINVAL, "weyl_bilinear_rescale: NULL argument");
  if (b->full)
    return weyl_bilinear_full_rescale_params(b->full, params, row_ms);
  return weyl_linear_rescale(b->lin[2], params + b->p[2], row_ms);
}

static weyl_status grow(weyl_bilinear *b, int batch) {
  if (batch <= b->cap)
    return WEYL_OK;
  int widest = b->s > b->t ? b->s : b->t;
  weyl_status s = weyl_nn_batch_check("bilinear layer", batch, widest > b->in ? widest : b->in);
  if (s != WEYL_OK)
    return s;
  free_buffers(b);
  size_t r = (size_t)batch, ns = r * b->s, nt = r * b->t;
  b->u = malloc(sizeof(double) * ns), b->v = malloc(sizeof(double) * ns);
  b->du = malloc(sizeof(double) * ns), b->dv = malloc(sizeof(double) * ns);
  b->tt = malloc(sizeof(double) * nt), b->dt = malloc(sizeof(double) * nt);
  b->dxs = malloc(sizeof(double) * r * b->in);
  if (!b->u || !b->v || !b->du || !b->dv || !b->tt || !b->dt || !b->dxs) {
    free_buffers(b);
    return weyl_fail(WEYL_ENOMEM, "out of memory for a batch of %d", batch);
  }
  b->cap = batch;
  return WEYL_OK;
}

/* t = concat over pairs (i, j) of kron(u_i, v_j), one example. */
static void tensor_row(const weyl_bilinear *b, const double *u, const double *v, double *t) {
  for (int i = 0; i < b->n_parts; i++)
    for (int j = 0; j < b->n_parts; j++) {
      const double *ui = u + b->off[i], *vj = v + b->off[j];
      for (int a = 0; a < b->dim[i]; a++)
        for (int c = 0; c < b->dim[j]; c++)
          *t++ = ui[a] * vj[c];
    }
}

/* du_i[a] = sum_c dt_ij[a, c] v_j[c], dv_j[c] = sum_a dt_ij[a, c] u_i[a]. */
static void tensor_row_back(const weyl_bilinear *b, const double *u, const double *v,
                            const double *dt, double *du, double *dv) {
  memset(du, 0, sizeof *du * (size_t)b->s);
  memset(dv, 0, sizeof *dv * (size_t)b->s);
  for (int i = 0; i < b->n_parts; i++)
    for (int j = 0; j < b->n_parts; j++) {
      const double *ui = u + b->off[i], *vj = v + b->off[j];
      double *dui = du + b->off[i], *dvj = dv + b->off[j];
      for (int a = 0; a < b->dim[i]; a++)
        for (int c = 0; c < b->dim[j]; c++, dt++) {
          dui[a] += *dt * vj[c];
          dvj[c] += *dt * ui[a];
        }
    }
}

weyl_status weyl_bilinear_forward(weyl_bilinear *b, int batch, const double *x, double *y,
                                  int add) {
  if (!b || !x || !y || batch < 0)
    return weyl_fail(WEYL_EINVAL, "weyl_bilinear_forward: bad argument");
  if (batch == 0) /* an empty batch is a no-op, as in every other layer */
    return WEYL_OK;
  if (b->full) {
    weyl_status c = weyl_nn_batch_check("bilinear layer", batch, b->in > b->out ? b->in : b->out);
    if (c != WEYL_OK)
      return c;
    weyl_status s = weyl_bilinear_full_fwd(b->full, batch, x, y, add);
    b->cap = s == WEYL_OK && batch > b->cap ? batch : b->cap;
    return s;
  }
  weyl_status s = grow(b, batch);
  if (s == WEYL_OK)
    s = weyl_linear_forward(b->lin[0], batch, x, b->u);
  if (s == WEYL_OK)
    s = weyl_linear_forward(b->lin[1], batch, x, b->v);
  if (s != WEYL_OK)
    return s;
  for (int n = 0; n < batch; n++)
    tensor_row(b, b->u + (size_t)n * b->s, b->v + (size_t)n * b->s, b->tt + (size_t)n * b->t);
  if (!add)
    return weyl_linear_forward(b->lin[2], batch, b->tt, y);
  const double *W = weyl_linear_weight(b->lin[2]); /* y += t W^T (L3 has no bias) */
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, batch, b->out, b->t, 1.0, b->tt, b->t, W,
              b->t, 1.0, y, b->out);
  return WEYL_OK;
}

weyl_status weyl_bilinear_backward(weyl_bilinear *b, int batch, const double *x, const double *dy,
                                   double *dparams, double *dx) {
  if (!b || !x || !dy || !dparams || batch < 0)
    return weyl_fail(WEYL_EINVAL, "weyl_bilinear_backward: bad argument");
  if (batch == 0) /* nothing to add */
    return WEYL_OK;
  if (batch > b->cap)
    return weyl_fail(WEYL_EINVAL, "weyl_bilinear_backward: no forward pass of %d rows", batch);
  if (b->full)
    return weyl_bilinear_full_bwd(b->full, batch, x, dy, dparams, dx);
  weyl_status s = weyl_linear_backward(b->lin[2], batch, b->tt, dy, dparams + b->p[2], b->dt);
  if (s != WEYL_OK)
    return s;
  for (int n = 0; n < batch; n++) {
    size_t o = (size_t)n * b->s;
    tensor_row_back(b, b->u + o, b->v + o, b->dt + (size_t)n * b->t, b->du + o, b->dv + o);
  }
  const double *d[2] = {b->du, b->dv};
  for (int i = 0; i < 2 && s == WEYL_OK; i++) {
    s = weyl_linear_backward(b->lin[i], batch, x, d[i], dparams + b->p[i], dx ? b->dxs : NULL);
    if (s == WEYL_OK && dx)
      cblas_daxpy(batch * b->in, 1.0, b->dxs, 1, dx, 1);
  }
  return s;
}
