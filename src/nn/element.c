/* expm, and group elements as words in the generators. */
#include "weyl/element.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/mat.h"
#include "core/status_impl.h"
#include "rep/rep_impl.h"

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

/* rho(g) on an atom (a leaf, rot or regular rep): the product of the
 * steps' matrices. */
static weyl_status rho_of_steps(const weyl_element *e, const weyl_rep *rep, double *out) {
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

/* The element's matrices on the atoms met so far in one weyl_element_rho:
 * each distinct atom is exponentiated once (5*Scalar + 5*V and V**2 of O(3)
 * take one 3 x 3 product of exponentials each, where the whole reps took a
 * 20 x 20 and a 9 x 9 one). */
enum { MEMO = 8 };
typedef struct {
  const weyl_element *e;
  int n;
  const weyl_rep *atom[MEMO];
  double *mat[MEMO];
} atom_memo;

static weyl_status atom_rho(void *ctx, const weyl_rep *atom, double *out) {
  atom_memo *m = ctx;
  size_t nn = (size_t)weyl_rep_dim(atom) * weyl_rep_dim(atom);
  for (int i = 0; i < m->n; i++)
    if (weyl_rep_same_atom(m->atom[i], atom)) {
      memcpy(out, m->mat[i], nn * sizeof *out);
      return WEYL_OK;
    }
  weyl_status s = rho_of_steps(m->e, atom, out);
  if (s == WEYL_OK && m->n < MEMO && (m->mat[m->n] = malloc(nn * sizeof *out))) {
    memcpy(m->mat[m->n], out, nn * sizeof *out);
    m->atom[m->n++] = atom;
  }
  return s;
}

weyl_status weyl_element_rho(const weyl_element *e, const weyl_rep *rep, double *out) {
  if (!e || !rep || !out)
    return weyl_fail(WEYL_EINVAL, "weyl_element_rho: NULL argument");
  if (weyl_rep_group(rep) != e->g)
    return weyl_fail(WEYL_EINVAL, "weyl_element_rho: rep of another group");
  atom_memo memo = {.e = e}; /* a rep too large to form densely: WEYL_ELIMIT from rep.c */
  weyl_status s = weyl_rep_element_mat(rep, atom_rho, &memo, out);
  for (int i = 0; i < memo.n; i++)
    free(memo.mat[i]);
  return s;
}
