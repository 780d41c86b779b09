/* Locality: pixel positions of grid reps, neighbourhood masks, and the
 * restriction of a solved basis to a support mask (conv.h). */
#include <assert.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "basis/basis_impl.h"
#include "conv/conv_impl.h"
#include "group/group_impl.h"
#include "rep/rep_impl.h"
#include "core/status_impl.h"
#include "weyl/conv.h"

weyl_status weyl_conv_grid(const weyl_group *g, int *h, int *w) {
  if (!g || !h || !w) return weyl_fail(WEYL_EINVAL, "weyl_conv_grid: NULL argument");
  if (g->grid_h <= 0 || g->grid_kernel)
    return weyl_fail(WEYL_EINVAL, "group %s is not a grid group (Z(n), T(n), T(h,w), p4(n), p4m(n), "
                     "Z(k) x| (Z(n) x Z(n)); a product with a grid factor is not one)%s",
                     g->name, g->grid_kernel ? ": a kernel group has no translations" : "");
  *h = g->grid_h;
  *w = g->grid_w;
  return WEYL_OK;
}

/* ---- positions ------------------------------------------------------------ */

weyl_status weyl_conv_positions_at(const weyl_rep *r, int *pos) {
  int n2 = r->g->grid_h * r->g->grid_w;
  weyl_status s = WEYL_OK;
  switch (r->kind) {
  case REP_SCALAR: pos[0] = -1; break;
  case REP_REGULAR: /* enumerated (kernel groups): elements sit on no pixel */
    for (int i = 0; i < r->dim; i++) pos[i] = -1;
    break;
  case REP_LEAF: /* every leaf of a grid group is s*h*w + pixel (group_grid.c) */
    assert(n2 > 0); /* conv_impl.h: a grid or kernel group */
    /* ...except characters such as Z(2m)'s sign, which sit on no pixel */
    for (int i = 0; i < r->dim; i++) pos[i] = r->dim % n2 == 0 ? i % n2 : -1;
    break;
  case REP_DUAL: s = weyl_conv_positions_at(r->a, pos); break; /* a permutation's dual is itself */
  case REP_SUM:
    if ((s = weyl_conv_positions_at(r->a, pos)) == WEYL_OK)
      s = weyl_conv_positions_at(r->b, pos + r->a->dim);
    break;
  case REP_COPIES:
    if ((s = weyl_conv_positions_at(r->a, pos)) != WEYL_OK) break;
    for (int c = 1; c < r->arg; c++)
      memcpy(pos + c * r->a->dim, pos, (size_t)r->a->dim * sizeof *pos);
    break;
  default:
    s = weyl_fail(WEYL_EINVAL, "pixel positions are defined for sums and copies of V, regular "
                               "and Scalar, not for tensor products");
  }
  return s;
}

weyl_status weyl_conv_positions(const weyl_rep *rep, int *pos) {
  if (!rep || !pos) return weyl_fail(WEYL_EINVAL, "weyl_conv_positions: NULL argument");
  int h, w;
  weyl_status s = weyl_conv_grid(weyl_rep_group(rep), &h, &w);
  return s ? s : weyl_conv_positions_at(rep, pos);
}

/* ---- masks ---------------------------------------------------------------- */

static int periodic_dist(int a, int b, int n) {
  int d = abs(a - b) % n;
  return d < n - d ? d : n - d;
}

static int near(int p, int q, int w, int h, int radius) {
  if (p < 0 || q < 0) return 1;
  return periodic_dist(p / w, q / w, h) <= radius && periodic_dist(p % w, q % w, w) <= radius;
}

weyl_status weyl_conv_local_mask(const weyl_rep *in, const weyl_rep *out, int k,
                                 unsigned char **mask) {
  if (!in || !out || !mask) return weyl_fail(WEYL_EINVAL, "weyl_conv_local_mask: NULL argument");
  if (k < 1 || k % 2 == 0)
    return weyl_fail(WEYL_EINVAL, "kernel size %d must be odd and positive (a k x k "
                                  "neighbourhood centred on the pixel)", k);
  int ni = weyl_rep_dim(in), no = weyl_rep_dim(out), h = 1, w = 1;
  weyl_status s = weyl_conv_grid(weyl_rep_group(in), &h, &w);
  if (s) return s;
  int *pi = malloc((size_t)ni * sizeof *pi), *po = malloc((size_t)no * sizeof *po);
  unsigned char *m = malloc((size_t)ni * no);
  if (!pi || !po || !m) s = weyl_fail(WEYL_ENOMEM, "out of memory for a %d x %d mask", no, ni);
  if (!s) s = weyl_conv_positions(in, pi);
  if (!s) s = weyl_conv_positions(out, po);
  for (int i = 0; !s && i < no; i++)
    for (int j = 0; j < ni; j++)
      m[(size_t)i * ni + j] = (unsigned char)near(po[i], pi[j], w, h, k / 2);
  free(pi);
  free(po);
  if (s) {
    free(m);
    return s;
  }
  *mask = m;
  return WEYL_OK;
}

void weyl_conv_mask_free(unsigned char *mask) { free(mask); }

/* ---- restriction ---------------------------------------------------------- */

/* Where a block sits in the full matrix, to read its part of the mask. */
typedef struct {
  const unsigned char *mask;
  int full_in, row0, col0, in_dim;
} window;

static int allowed(const window *w, size_t e) {
  size_t i = e / (size_t)w->in_dim, j = e % (size_t)w->in_dim;
  return w->mask[(w->row0 + i) * (size_t)w->full_in + w->col0 + j] != 0;
}

static weyl_status oom(void) { return weyl_fail(WEYL_ENOMEM, "out of memory restricting a basis"); }

/* Keeps the orbits of src that lie wholly inside the window, renumbered. */
static weyl_status restrict_orbit(const weyl_block *src, const window *w, weyl_block *dst) {
  size_t n = (size_t)src->out_dim * src->in_dim;
  int *id = calloc(src->dim > 0 ? (size_t)src->dim : 1, sizeof *id); /* 0 kept, -1 dropped */
  dst->orbit = malloc(n * sizeof *dst->orbit);
  if (!id || !dst->orbit) {
    free(id);
    return oom();
  }
  for (size_t e = 0; e < n; e++)
    if (src->orbit[e] >= 0 && !allowed(w, e)) id[src->orbit[e]] = -1;
  for (int k = 0; k < src->dim; k++)
    if (id[k] == 0) id[k] = ++dst->dim; /* 1-based while numbering */
  dst->norm2 = calloc(dst->dim > 0 ? (size_t)dst->dim : 1, sizeof *dst->norm2);
  if (!dst->norm2) {
    free(id);
    return oom();
  }
  for (size_t e = 0; e < n; e++) {
    int o = src->orbit[e] >= 0 ? id[src->orbit[e]] : -1;
    dst->orbit[e] = o > 0 ? o - 1 : -1;
    if (o > 0) dst->norm2[o - 1] += 1.0;
  }
  dst->min_kept = src->min_kept;
  dst->max_dropped = src->max_dropped;
  free(id);
  return WEYL_OK;
}

/* The outside part of the elements as a column-major m x d matrix, m >= d
 * (zero rows pad it: they do not change the nullspace). */
static double *outside_rows(const weyl_block *src, const window *w, int *m_out) {
  size_t n = (size_t)src->out_dim * src->in_dim;
  int d = src->dim, m = 0;
  for (size_t e = 0; e < n; e++) m += !allowed(w, e);
  int rows = m > d ? m : d;
  double *A = calloc((size_t)rows * d + 1, sizeof *A);
  if (!A) return NULL;
  int r = 0;
  for (size_t e = 0; e < n; e++) {
    if (allowed(w, e)) continue;
    for (int k = 0; k < d; k++) A[(size_t)k * rows + r] = src->mats[(size_t)k * n + e];
    r++;
  }
  *m_out = rows;
  return A;
}

/* New elements = combinations of the old ones by the right singular vectors
 * of the outside part whose singular value is <= tol. */
static weyl_status restrict_dense(const weyl_block *src, const window *w, double tol,
                                  weyl_block *dst) {
  size_t n = (size_t)src->out_dim * src->in_dim;
  int d = src->dim, m = 0;
  dst->min_kept = src->min_kept;
  dst->max_dropped = src->max_dropped;
  if (d == 0) return WEYL_OK;
  double *A = outside_rows(src, w, &m), *sv = malloc((size_t)d * sizeof *sv);
  double *vt = malloc((size_t)d * d * sizeof *vt), *superb = malloc((size_t)d * sizeof *superb);
  weyl_status s = (A && sv && vt && superb) ? WEYL_OK : oom();
  lapack_int info = 0;
  if (!s) info = LAPACKE_dgesvd(LAPACK_COL_MAJOR, 'N', 'A', m, d, A, m, sv, NULL, 1, vt, d, superb);
  if (!s && info != 0)
    s = weyl_fail(WEYL_ENUMERIC, "LAPACK dgesvd failed restricting a basis (info %d)", (int)info);
  int rank = 0;
  while (!s && rank < d && sv[rank] > tol) rank++;
  if (!s) {
    if (rank > 0 && sv[rank - 1] < dst->min_kept) dst->min_kept = sv[rank - 1];
    if (rank < d && sv[rank] > dst->max_dropped) dst->max_dropped = sv[rank];
    dst->dim = d - rank;
    dst->mats = calloc((size_t)(dst->dim > 0 ? dst->dim : 1) * n, sizeof *dst->mats);
    dst->norm2 = malloc((size_t)(dst->dim > 0 ? dst->dim : 1) * sizeof *dst->norm2);
    if (!dst->mats || !dst->norm2) s = oom();
  }
  /* Row rank+j of V^T (column-major: vt[c*d + rank + j]) holds the coefficients. */
  for (int j = 0; !s && j < dst->dim; j++) {
    double *out = dst->mats + (size_t)j * n;
    for (int k = 0; k < d; k++) {
      double c = vt[(size_t)k * d + rank + j];
      for (size_t e = 0; e < n; e++) out[e] += c * src->mats[(size_t)k * n + e];
    }
    for (size_t e = 0; e < n; e++) /* exactly zero outside, as promised */
      if (!allowed(w, e)) out[e] = 0.0;
    dst->norm2[j] = 1.0;
  }
  free(A), free(sv), free(vt), free(superb);
  return s;
}

/* Two places of the same block with the same mask share the restricted block. */
static int same_window(const weyl_block *blk, const window *a, const window *b) {
  size_t n = (size_t)blk->out_dim * blk->in_dim;
  for (size_t e = 0; e < n; e++)
    if (allowed(a, e) != allowed(b, e)) return 0;
  return 1;
}

typedef struct {
  int src_block; /* block of b it came from */
  window win;    /* the window it was restricted to */
} origin;

/* Index of the restricted block for place pl, computing it if it is new. */
static weyl_status block_for(const weyl_basis *b, const weyl_place *pl, const window *w,
                             double tol, weyl_basis *nb, origin *org, int *index) {
  const weyl_block *src = &b->blocks[pl->block];
  for (int i = 0; i < nb->n_blocks; i++)
    if (org[i].src_block == pl->block && same_window(src, &org[i].win, w)) {
      *index = i;
      return WEYL_OK;
    }
  weyl_block *dst = &nb->blocks[nb->n_blocks];
  memset(dst, 0, sizeof *dst);
  dst->out_dim = src->out_dim;
  dst->in_dim = src->in_dim;
  dst->path = src->path; /* restricted, but solved the same way */
  org[nb->n_blocks] = (origin){pl->block, *w};
  *index = nb->n_blocks++;
  weyl_status s = src->orbit ? restrict_orbit(src, w, dst) : restrict_dense(src, w, tol, dst);
  if (!s && !(dst->key = calloc(1, 1))) s = oom(); /* never matched: not from a solve */
  return s;
}

static weyl_status restrict_all(const weyl_basis *b, const unsigned char *mask, double tol,
                                weyl_basis *nb) {
  int cap = b->n_places > 0 ? b->n_places : 1;
  origin *org = malloc((size_t)cap * sizeof *org);
  nb->blocks = calloc((size_t)cap, sizeof *nb->blocks);
  nb->places = malloc((size_t)cap * sizeof *nb->places);
  weyl_status s = (org && nb->blocks && nb->places) ? WEYL_OK : oom();
  for (int p = 0; !s && p < b->n_places; p++) {
    const weyl_place *pl = &b->places[p];
    window w = {mask, b->in_dim, pl->row0, pl->col0, b->blocks[pl->block].in_dim};
    int idx = -1;
    s = block_for(b, pl, &w, tol, nb, org, &idx);
    if (s || nb->blocks[idx].dim == 0) continue;
    nb->places[nb->n_places++] = (weyl_place){pl->row0, pl->col0, idx, nb->dim, 0};
    nb->dim += nb->blocks[idx].dim;
  }
  free(org);
  return s;
}

weyl_status weyl_conv_restrict(const weyl_basis *b, const unsigned char *mask, double tol,
                               weyl_basis **out) {
  if (!b || !mask || !out) return weyl_fail(WEYL_EINVAL, "weyl_conv_restrict: NULL argument");
  weyl_basis *nb = calloc(1, sizeof *nb);
  if (!nb) return oom();
  nb->in_dim = b->in_dim;
  nb->out_dim = b->out_dim;
  nb->rtol = b->rtol;
  weyl_status s = restrict_all(b, mask, tol > 0 ? tol : WEYL_BASIS_DEFAULT_RTOL, nb);
  if (s) {
    weyl_basis_free(nb);
    return s;
  }
  weyl_basis_finish(nb);
  nb->report.seconds = b->report.seconds;
  *out = nb;
  return WEYL_OK;
}

weyl_status weyl_conv_local(const weyl_rep *in, const weyl_rep *out, const weyl_basis *b, int k,
                            double tol, weyl_basis **local) {
  if (!b || !local) return weyl_fail(WEYL_EINVAL, "weyl_conv_local: NULL argument");
  if (in && out && (weyl_rep_dim(in) != b->in_dim || weyl_rep_dim(out) != b->out_dim))
    return weyl_fail(WEYL_EINVAL, "weyl_conv_local: the basis is not for these reps");
  unsigned char *mask = NULL;
  weyl_status s = weyl_conv_local_mask(in, out, k, &mask);
  if (!s) s = weyl_conv_restrict(b, mask, tol, local);
  free(mask);
  return s;
}
