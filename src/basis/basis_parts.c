/* The stored form of a basis: read-only views of its blocks and places, and
 * the reverse, a basis rebuilt from them (for the io layer's factored
 * output and the basis cache). Everything coming in is checked, because it
 * may have come from a file. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "basis/basis_impl.h"
#include "core/status_impl.h"

/* The dense elements of a factored (isotypic) block, made once: the view
 * this file promises has labels or matrices, and a factored block has
 * neither until asked. Refused past WEYL_IO-sized outputs (2^28 numbers),
 * where only the factors fit. */
static weyl_status factored_dense(weyl_block *blk, const double **mats) {
  double *have = atomic_load(&blk->dense_view);
  if (have) return *mats = have, WEYL_OK;
  size_t n = (size_t)blk->out_dim * blk->in_dim, total = n * (size_t)blk->dim;
  if (total > ((size_t)1 << 28))
    return weyl_fail(WEYL_ELIMIT, "a factored %d x %d block of %d elements would need %zu "
                     "numbers as dense matrices (over 2^28)", blk->out_dim, blk->in_dim, blk->dim,
                     total);
  double *dense = calloc(total > 0 ? total : 1, sizeof *dense);
  if (!dense) return weyl_fail(WEYL_ENOMEM, "out of memory for a factored block's elements");
  for (int k = 0; k < blk->dim; k++) {
    weyl_status s = weyl_block_iso_element(blk, k, dense + (size_t)k * n, blk->in_dim);
    if (s) return free(dense), s;
  }
  double *expected = NULL;
  if (!atomic_compare_exchange_strong(&blk->dense_view, &expected, dense)) {
    free(dense); /* another thread made it first: use that one */
    dense = expected;
  }
  *mats = dense;
  return WEYL_OK;
}

weyl_status weyl_basis_block_data_get(const weyl_basis *b, int i, weyl_basis_block_data *d) {
  if (!b || !d) return weyl_fail(WEYL_EINVAL, "weyl_basis_block_data_get: NULL argument");
  if (i < 0 || i >= b->n_blocks) return weyl_fail(WEYL_EINVAL, "block %d out of range", i);
  /* Not const: a factored block caches its dense view (factored_dense). */
  weyl_block *blk = &b->blocks[i];
  const double *mats = blk->mats;
  if (!blk->orbit && !mats && blk->fac) {
    weyl_status s = factored_dense(blk, &mats);
    if (s) return s;
  }
  *d = (weyl_basis_block_data){blk->out_dim, blk->in_dim, blk->dim, blk->orbit, mats};
  return WEYL_OK;
}

int weyl_basis_block_is_factored(const weyl_basis *b, int i) {
  if (!b || i < 0 || i >= b->n_blocks) return 0;
  const weyl_block *blk = &b->blocks[i];
  return !blk->orbit && !blk->mats && blk->fac && blk->iso_in;
}

weyl_status weyl_basis_block_factors_get(const weyl_basis *b, int i,
                                         weyl_basis_block_factors *f) {
  if (!b || !f) return weyl_fail(WEYL_EINVAL, "weyl_basis_block_factors_get: NULL argument");
  if (i < 0 || i >= b->n_blocks) return weyl_fail(WEYL_EINVAL, "block %d out of range", i);
  if (!weyl_basis_block_is_factored(b, i))
    return weyl_fail(WEYL_EINVAL, "block %d is not factored (it has labels or matrices)", i);
  const weyl_block *blk = &b->blocks[i];
  *f = (weyl_basis_block_factors){blk->out_dim, blk->in_dim,  blk->dim,  blk->iso_in->Q,
                                  weyl_block_iso_out(blk)->Q, blk->fac, blk->facT, blk->fac_nT};
  return WEYL_OK;
}

int weyl_basis_nplaces(const weyl_basis *b) { return b ? b->n_places : 0; }

weyl_status weyl_basis_place_get(const weyl_basis *b, int i, weyl_basis_place *p) {
  if (!b || !p) return weyl_fail(WEYL_EINVAL, "weyl_basis_place_get: NULL argument");
  if (i < 0 || i >= b->n_places) return weyl_fail(WEYL_EINVAL, "place %d out of range", i);
  const weyl_place *pl = &b->places[i];
  *p = (weyl_basis_place){pl->row0, pl->col0, pl->block, pl->param0};
  return WEYL_OK;
}

double weyl_basis_rtol(const weyl_basis *b) { return b ? b->rtol : 0; }

/* ---------- assembling ---------- */

/* Labels in [-1, dim), every element present; norm2[k] = its entry count. */
static weyl_status copy_orbit(const weyl_basis_block_data *d, int i, weyl_block *blk) {
  size_t n = (size_t)d->out_dim * d->in_dim;
  blk->orbit = malloc(n * sizeof *blk->orbit);
  blk->norm2 = calloc(d->dim > 0 ? (size_t)d->dim : 1, sizeof *blk->norm2);
  if (!blk->orbit || !blk->norm2) return weyl_fail(WEYL_ENOMEM, "out of memory assembling a basis");
  for (size_t e = 0; e < n; e++) {
    int k = d->orbit[e];
    if (k < -1 || k >= d->dim)
      return weyl_fail(WEYL_EINVAL, "block %d: label %d at entry %zu is outside [-1, %d)", i, k, e,
                       d->dim);
    blk->orbit[e] = k;
    if (k >= 0) blk->norm2[k] += 1.0;
  }
  for (int k = 0; k < d->dim; k++)
    if (blk->norm2[k] == 0) return weyl_fail(WEYL_EINVAL, "block %d: element %d is empty", i, k);
  return WEYL_OK;
}

/* Finite matrices, none zero; norm2[k] = |B_k|_F^2. */
static weyl_status copy_mats(const weyl_basis_block_data *d, int i, weyl_block *blk) {
  size_t n = (size_t)d->out_dim * d->in_dim;
  blk->mats = malloc((d->dim > 0 ? (size_t)d->dim * n : 1) * sizeof *blk->mats);
  blk->norm2 = calloc(d->dim > 0 ? (size_t)d->dim : 1, sizeof *blk->norm2);
  if (!blk->mats || !blk->norm2) return weyl_fail(WEYL_ENOMEM, "out of memory assembling a basis");
  if (d->dim > 0) memcpy(blk->mats, d->mats, (size_t)d->dim * n * sizeof *blk->mats);
  for (int k = 0; k < d->dim; k++) {
    for (size_t e = 0; e < n; e++) blk->norm2[k] += blk->mats[k * n + e] * blk->mats[k * n + e];
    if (!isfinite(blk->norm2[k]) || blk->norm2[k] == 0)
      return weyl_fail(WEYL_EINVAL, "block %d: element %d is zero or not finite", i, k);
  }
  return WEYL_OK;
}

/* A copy of Q (n x n) as the only field of a new weyl_iso (the factored
 * form's combine, dot and element read Q alone). */
static weyl_status copy_iso(const double *Q, int n, weyl_iso **iso) {
  *iso = calloc(1, sizeof **iso);
  if (!*iso) return weyl_fail(WEYL_ENOMEM, "out of memory assembling a basis");
  (*iso)->n = n;
  (*iso)->Q = malloc((size_t)n * n * sizeof *(*iso)->Q);
  if (!(*iso)->Q) return weyl_fail(WEYL_ENOMEM, "out of memory assembling a basis");
  memcpy((*iso)->Q, Q, (size_t)n * n * sizeof *(*iso)->Q);
  return WEYL_OK;
}

static int finite_all(const double *x, size_t n) {
  for (size_t e = 0; e < n; e++)
    if (!isfinite(x[e])) return 0;
  return 1;
}

/* Factors of matching sizes, finite, every element inside Q and t and not
 * zero; norm2[k] = |T_k|_F^2 (= |B_k|_F^2, Q orthogonal). */
static weyl_status copy_factors(const weyl_basis_block_factors *f, int i, weyl_block *blk) {
  if (f->out_dim != blk->out_dim || f->in_dim != blk->in_dim || f->dim != blk->dim ||
      !f->q_in || !f->q_out || (f->n_t > 0 && !f->t) || f->n_t > (size_t)0x7fffffff)
    return weyl_fail(WEYL_EINVAL, "block %d: its factors do not match its sizes", i);
  if (!finite_all(f->q_in, (size_t)f->in_dim * f->in_dim) ||
      !finite_all(f->q_out, (size_t)f->out_dim * f->out_dim) || !finite_all(f->t, f->n_t))
    return weyl_fail(WEYL_EINVAL, "block %d: a factor is not finite", i);
  blk->fac = malloc((f->dim > 0 ? (size_t)f->dim : 1) * 4 * sizeof *blk->fac);
  blk->facT = malloc((f->n_t > 0 ? f->n_t : 1) * sizeof *blk->facT);
  blk->norm2 = calloc(f->dim > 0 ? (size_t)f->dim : 1, sizeof *blk->norm2);
  if (!blk->fac || !blk->facT || !blk->norm2)
    return weyl_fail(WEYL_ENOMEM, "out of memory assembling a basis");
  for (int k = 0; k < f->dim; k++) {
    const int *e = f->fac + (size_t)k * 4;
    if (e[0] < 0 || e[1] < 0 || e[2] < 1 || e[3] < 0 || e[2] > f->in_dim - e[0] ||
        e[2] > f->out_dim - e[1] || (size_t)e[2] * e[2] > f->n_t - (size_t)e[3] ||
        (size_t)e[3] > f->n_t)
      return weyl_fail(WEYL_EINVAL, "block %d: element %d's pieces are outside its factors", i,
                       k);
    for (int a = 0; a < e[2] * e[2]; a++) blk->norm2[k] += f->t[e[3] + a] * f->t[e[3] + a];
    if (blk->norm2[k] == 0) return weyl_fail(WEYL_EINVAL, "block %d: element %d is zero", i, k);
  }
  memcpy(blk->fac, f->fac, (size_t)f->dim * 4 * sizeof *blk->fac);
  if (f->n_t > 0) memcpy(blk->facT, f->t, f->n_t * sizeof *blk->facT);
  blk->fac_nT = f->n_t;
  weyl_status s = copy_iso(f->q_in, f->in_dim, &blk->iso_in);
  int shared = f->q_out == f->q_in ||
               (f->in_dim == f->out_dim &&
                memcmp(f->q_in, f->q_out, (size_t)f->in_dim * f->in_dim * sizeof *f->q_in) == 0);
  if (!s && !shared) s = copy_iso(f->q_out, f->out_dim, &blk->iso_out);
  return s;
}

static weyl_status copy_block(const weyl_basis_block_data *d, const weyl_basis_block_info *info,
                              const weyl_basis_block_factors *f, int i, weyl_block *blk) {
  weyl_basis_solver path;
  if (d->out_dim < 1 || d->in_dim < 1 || d->dim < 0 || d->dim > d->out_dim * (double)d->in_dim)
    return weyl_fail(WEYL_EINVAL, "block %d: bad dimensions %d x %d, dim %d", i, d->out_dim,
                     d->in_dim, d->dim);
  if (!info->path || weyl_basis_solver_parse(info->path, &path) || path == WEYL_BASIS_SOLVER_AUTO)
    return weyl_fail(WEYL_EINVAL, "block %d: its path is not a solver name other than auto", i);
  int orbit = path == WEYL_BASIS_SOLVER_ORBIT, factored = f && f->fac;
  if (factored && (path != WEYL_BASIS_SOLVER_ISOTYPIC || d->orbit || d->mats))
    return weyl_fail(WEYL_EINVAL, "block %d: a factored block is isotypic, without labels or "
                     "matrices", i);
  if (!factored &&
      (orbit != (d->orbit != NULL) || (!orbit && !d->mats && d->dim > 0) || (orbit && d->mats)))
    return weyl_fail(WEYL_EINVAL, "block %d: an orbit block has labels, any other matrices", i);
  if (info->copies < 1) return weyl_fail(WEYL_EINVAL, "block %d: copies %d < 1", i, info->copies);
  *blk = (weyl_block){.out_dim = d->out_dim, .in_dim = d->in_dim, .dim = d->dim,
                      .min_kept = info->min_kept, .max_dropped = info->max_dropped,
                      .path = path, .uses = info->copies, .seconds = info->seconds,
                      .residual = info->residual, .peak_bytes = info->peak_bytes};
  blk->key = strdup(info->key ? info->key : "");
  if (!blk->key) return weyl_fail(WEYL_ENOMEM, "out of memory assembling a basis");
  return factored ? copy_factors(f, i, blk) : orbit ? copy_orbit(d, i, blk) : copy_mats(d, i, blk);
}

/* In bounds, of a block with elements, numbered consecutively from 0. */
static weyl_status copy_places(const weyl_basis_parts *p, weyl_basis *b) {
  b->places = malloc((p->n_places > 0 ? (size_t)p->n_places : 1) * sizeof *b->places);
  if (!b->places) return weyl_fail(WEYL_ENOMEM, "out of memory assembling a basis");
  long next = 0;
  for (int i = 0; i < p->n_places; i++) {
    weyl_basis_place q = p->places[i];
    if (q.block < 0 || q.block >= b->n_blocks)
      return weyl_fail(WEYL_EINVAL, "place %d: block %d out of range", i, q.block);
    const weyl_block *blk = &b->blocks[q.block];
    if (q.row0 < 0 || q.col0 < 0 || (long)q.row0 + blk->out_dim > b->out_dim ||
        (long)q.col0 + blk->in_dim > b->in_dim)
      return weyl_fail(WEYL_EINVAL, "place %d: block %d at (%d, %d) is outside W", i, q.block,
                       q.row0, q.col0);
    if (blk->dim == 0 || q.param0 != next)
      return weyl_fail(WEYL_EINVAL, "place %d: first element %d, expected %ld", i, q.param0, next);
    next += blk->dim;
    if (next > 0x7fffffff) return weyl_fail(WEYL_EINVAL, "basis has more than 2^31 elements");
    b->places[i] = (weyl_place){q.row0, q.col0, q.block, q.param0, 0};
  }
  b->n_places = p->n_places;
  b->dim = (int)next;
  return WEYL_OK;
}

static weyl_status assemble(const weyl_basis_parts *p, weyl_basis *b) {
  if (p->in_dim < 1 || p->out_dim < 1 || p->n_blocks < 0 || p->n_places < 0 || !(p->rtol > 0) ||
      (p->n_blocks > 0 && (!p->data || !p->info)) || (p->n_places > 0 && !p->places))
    return weyl_fail(WEYL_EINVAL, "weyl_basis_assemble: bad sizes or missing arrays");
  b->in_dim = p->in_dim;
  b->out_dim = p->out_dim;
  b->rtol = p->rtol;
  b->blocks = calloc(p->n_blocks > 0 ? (size_t)p->n_blocks : 1, sizeof *b->blocks);
  if (!b->blocks) return weyl_fail(WEYL_ENOMEM, "out of memory assembling a basis");
  for (int i = 0; i < p->n_blocks; i++) {
    b->n_blocks = i + 1; /* so that weyl_basis_free clears what was copied */
    weyl_status s = copy_block(&p->data[i], &p->info[i], p->factors ? &p->factors[i] : NULL, i,
                               &b->blocks[i]);
    if (s) return s;
  }
  return copy_places(p, b);
}

weyl_status weyl_basis_assemble(const weyl_basis_parts *parts, weyl_basis **b) {
  if (!parts || !b) return weyl_fail(WEYL_EINVAL, "weyl_basis_assemble: NULL argument");
  weyl_basis *nb = calloc(1, sizeof *nb);
  if (!nb) return weyl_fail(WEYL_ENOMEM, "out of memory assembling a basis");
  weyl_status s = assemble(parts, nb);
  if (s) {
    weyl_basis_free(nb);
    return s;
  }
  weyl_basis_finish(nb);
  nb->report.seconds = parts->seconds;
  *b = nb;
  return WEYL_OK;
}
