/* expm, and group elements as words in the generators. */
#include "weyl/element.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/mat.h"
#include "core/status_impl.h"

/* ---------- expm ---------- */

static double norm1(int n, const double *A) {
  double best = 0;
  for (int j = 0; j < n; j++) {
    double s = 0;
    for (int i = 0; i < n; i++)
      s += fabs(A[i * n + j]);
    if (!(s <= best))
      best = s; /* also catches NaN */
  }
  return best;
}

/* E = sum_k S^k / k! for |S|_1 <= 1/2: 30 terms leave < 2^-30/30! ~ 1e-41. */
static void taylor(int n, const double *S, double *E, double *term, double *tmp) {
  size_t nn = (size_t)n * n;
  memset(E, 0, nn * sizeof *E);
  memset(term, 0, nn * sizeof *term);
  for (int i = 0; i < n; i++)
    E[i * n + i] = term[i * n + i] = 1.0;
  for (int k = 1; k <= 30; k++) {
    weyl_mat_mul(0, 0, n, n, n, term, n, S, n, tmp, n);
    double big = 0;
    for (size_t e = 0; e < nn; e++) {
      term[e] = tmp[e] / k;
      E[e] += term[e];
      if (fabs(term[e]) > big)
        big = fabs(term[e]);
    }
    if (big < 1e-18)
      break;
  }
}

weyl_status weyl_element_expm(int n, const double *A, double *E) {
  if (n < 1 || !A || !E)
    return weyl_fail(WEYL_EINVAL, "weyl_element_expm: bad argument");
  double nrm = norm1(n, A);
  if (!isfinite(nrm))
    return weyl_fail(WEYL_ENUMERIC, "weyl_element_expm: matrix is not finite");
  int squarings = nrm > 0.5 ? (int)ceil(log2(nrm / 0.5)) : 0;
  size_t nn = (size_t)n * n;
  double *S = malloc(3 * nn * sizeof *S);
  if (!S)
    return weyl_fail(WEYL_ENOMEM, "out of memory in expm");
  double *term = S + nn, *tmp = S + 2 * nn, scale = ldexp(1.0, -squarings);
  for (size_t e = 0; e < nn; e++)
    S[e] = A[e] * scale;
  taylor(n, S, E, term, tmp);
  for (int q = 0; q < squarings; q++) {
    weyl_mat_mul(0, 0, n, n, n, E, n, E, n, tmp, n);
    memcpy(E, tmp, nn * sizeof *E);
  }
  free(S);
  return WEYL_OK;
}

/* ---------- group elements ---------- */

typedef struct {
  int gen;      /* discrete generator, or -1 for an algebra step */
  double *coef; /* [n_alg] for an algebra step */
} step;

struct weyl_element {
  const weyl_group *g;
  int n_steps;
  step *steps;
};

void weyl_element_free(weyl_element *e) {
  if (!e)
    return;
  for (int i = 0; i < e->n_steps; i++)
    free(e->steps[i].coef);
  free(e->steps);
  free(e);
}

/* An algebra step: coefficient k normal with standard deviation scales[k]
 * (or scale for every k when scales is NULL). */
static weyl_status alg_step(const weyl_group *g, weyl_rng *rng, double scale, const double *scales,
                            step *st) {
  int na = weyl_group_nalg(g);
  st->gen = -1;
  st->coef = malloc((size_t)na * sizeof *st->coef);
  if (!st->coef)
    return weyl_fail(WEYL_ENOMEM, "out of memory sampling a group element");
  for (int k = 0; k < na; k++)
    st->coef[k] = (scales ? scales[k] : scale) * weyl_rng_normal(rng);
  return WEYL_OK;
}

/* A word of n_disc_steps discrete slots and n_alg_steps algebra steps (the
 * first, and one in the middle when there are two), see element.h. */
static weyl_status sample(const weyl_group *g, weyl_rng *rng, int n_disc_steps, int n_alg_steps,
                          double scale, const double *scales, weyl_element **out) {
  int nd = weyl_group_ndisc(g), na = weyl_group_nalg(g);
  int n_disc = nd > 0 ? n_disc_steps : 0, n_alg = na > 0 ? n_alg_steps : 0;
  weyl_element *e = calloc(1, sizeof *e);
  if (e)
    e->steps = calloc((size_t)(n_disc + n_alg) + 1, sizeof *e->steps);
  if (!e || !e->steps) {
    weyl_element_free(e);
    return weyl_fail(WEYL_ENOMEM, "out of memory sampling a group element");
  }
  e->g = g;
  /* Algebra steps go first and in the middle so that discrete generators
   * act on both sides of a continuous part (O(3): P exp(A) P ...). */
  weyl_status s = WEYL_OK;
  for (int i = 0; i < n_disc + n_alg && s == WEYL_OK; i++) {
    int alg_here = n_alg > 0 && (i == 0 || (n_alg > 1 && i == 1 + n_disc / 2));
    if (alg_here) {
      s = alg_step(g, rng, scale, scales, &e->steps[e->n_steps++]);
      continue;
    }
    /* A discrete slot is one of the nd generators or the identity, so that
     * words of either parity occur (O(3): det +1 and -1). */
    int k = (int)(weyl_rng_next(rng) % (uint64_t)(nd + 1));
    if (k < nd)
      e->steps[e->n_steps++].gen = k;
  }
  if (s != WEYL_OK) {
    weyl_element_free(e);
    return s;
  }
  *out = e;
  return WEYL_OK;
}

weyl_status weyl_element_sample(const weyl_group *g, weyl_rng *rng, int n_disc_steps, double scale,
                                weyl_element **out) {
  if (!g || !rng || !out || !(scale >= 0) || n_disc_steps < 0)
    return weyl_fail(WEYL_EINVAL, "weyl_element_sample: bad argument");
  return sample(g, rng, n_disc_steps, 2, scale, NULL, out);
}

weyl_status weyl_element_sample_scaled(const weyl_group *g, weyl_rng *rng, int n_disc_steps,
                                       const double *scales, weyl_element **out) {
  if (!g || !rng || !out || n_disc_steps < 0 || (!scales && weyl_group_nalg(g) > 0))
    return weyl_fail(WEYL_EINVAL, "weyl_element_sample_scaled: bad argument");
  for (int k = 0; k < weyl_group_nalg(g); k++)
    if (!(scales[k] >= 0) || !isfinite(scales[k]))
      return weyl_fail(WEYL_EINVAL, "weyl_element_sample_scaled: scale %d is %g (must be >= 0)", k,
                       scales[k]);
  return sample(g, rng, n_disc_steps, 1, 0, scales, out);
}

/* step_mat = rho(step) on rep; work has 2 n*n doubles. */
static weyl_status step_matrix(const weyl_element *e, const step *st, const weyl_rep *rep,
                               double *mat, double *work) {
  int n = weyl_rep_dim(rep);
  if (st->gen >= 0)
    return weyl_rep_rho(rep, st->gen, mat);
  size_t nn = (size_t)n * n;
  double *A = work, *D = work + nn;
  memset(A, 0, nn * sizeof *A);
  for (int k = 0; k < weyl_group_nalg(e->g); k++) {
    if (st->coef[k] == 0)
      continue;
    weyl_status s = weyl_rep_drho(rep, k, D);
    if (s != WEYL_OK)
      return s;
    cblas_daxpy((int)nn, st->coef[k], D, 1, A, 1);
  }
  return weyl_element_expm(n, A, mat);
}

/* rho(g) on a rep that is not split into summands: the product of the
 * steps' matrices. */
static weyl_status rho_whole(const weyl_element *e, const weyl_rep *rep, double *out) {
  int n = weyl_rep_dim(rep);
  size_t nn = (size_t)n * n;
  double *buf = malloc(4 * nn * sizeof *buf);
  if (!buf)
    return weyl_fail(WEYL_ENOMEM, "out of memory in weyl_element_rho");
  double *mat = buf, *work = buf + nn, *tmp = buf + 3 * nn;
  memset(out, 0, nn * sizeof *out);
  for (int i = 0; i < n; i++)
    out[i * n + i] = 1.0;
  weyl_status s = WEYL_OK;
  /* g = s_last ... s_1: each new step multiplies from the left. */
  for (int i = 0; i < e->n_steps && s == WEYL_OK; i++) {
    s = step_matrix(e, &e->steps[i], rep, mat, work);
    if (s != WEYL_OK)
      break;
    weyl_mat_mul(0, 0, n, n, n, mat, n, out, n, tmp, n);
    memcpy(out, tmp, nn * sizeof *out);
  }
  free(buf);
  return s;
}

/* The first earlier summand (a representative: the first of its kind) whose
 * rep equals parts[p], or -1. */
static weyl_status earlier_equal(weyl_rep **parts, const int *rep_of, int p, int *q) {
  *q = -1;
  for (int r = 0; r < p && *q < 0; r++) {
    int eq = parts[r] == parts[p];
    if (rep_of[r] != r || weyl_rep_dim(parts[r]) != weyl_rep_dim(parts[p]))
      continue;
    weyl_status s = eq ? WEYL_OK : weyl_rep_equal(parts[r], parts[p], 0, &eq);
    if (s != WEYL_OK)
      return s;
    if (eq)
      *q = r;
  }
  return WEYL_OK;
}

/* rho(g) on a direct sum is block diagonal: each summand's block is computed
 * on the summand alone, once per distinct summand (5*V + 5*Scalar exponentiates
 * one 3 x 3 matrix, not a 20 x 20 one: the expm's cost is cubic). */
static weyl_status rho_by_summands(const weyl_element *e, weyl_rep **parts, int np, int n,
                                   double *out) {
  int *off = malloc(sizeof *off * (size_t)np), *rep_of = malloc(sizeof *rep_of * (size_t)np);
  double *blk = malloc(sizeof *blk * (size_t)n * n);
  weyl_status s = off && rep_of && blk
                      ? WEYL_OK
                      : weyl_fail(WEYL_ENOMEM, "out of memory in weyl_element_rho");
  memset(out, 0, sizeof *out * (size_t)n * n);
  for (int p = 0, at = 0; s == WEYL_OK && p < np; at += weyl_rep_dim(parts[p]), p++) {
    int d = weyl_rep_dim(parts[p]), q = -1;
    off[p] = at;
    s = earlier_equal(parts, rep_of, p, &q);
    rep_of[p] = q >= 0 ? q : p;
    if (s == WEYL_OK && q < 0)
      s = rho_whole(e, parts[p], blk);
    for (int a = 0; s == WEYL_OK && a < d; a++)
      for (int b = 0; b < d; b++)
        out[(size_t)(at + a) * n + at + b] =
            q >= 0 ? out[(size_t)(off[q] + a) * n + off[q] + b] : blk[a * d + b];
  }
  free(off), free(rep_of), free(blk);
  return s;
}

weyl_status weyl_element_rho(const weyl_element *e, const weyl_rep *rep, double *out) {
  if (!e || !rep || !out)
    return weyl_fail(WEYL_EINVAL, "weyl_element_rho: NULL argument");
  if (weyl_rep_group(rep) != e->g)
    return weyl_fail(WEYL_EINVAL, "weyl_element_rho: rep of another group");
  int n = weyl_rep_dim(rep);
  if (n > WEYL_GROUP_MAX_LEAF_DIM)
    return weyl_fail(WEYL_ELIMIT, "weyl_element_rho: rep dimension %d over %d", n,
                     WEYL_GROUP_MAX_LEAF_DIM);
  weyl_rep **parts = NULL;
  int np = 0;
  weyl_status s = weyl_rep_summands(rep, &parts, &np);
  if (s == WEYL_OK)
    s = np > 1 ? rho_by_summands(e, parts, np, n, out) : rho_whole(e, rep, out);
  weyl_rep_parts_free(parts, np);
  return s;
}
