/* The two ways of solving one block Hom(in, out). */
#include <assert.h>
#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "basis/basis_impl.h"
#include "group/group_impl.h"
#include "core/mat.h"
#include "core/status_impl.h"

void weyl_block_clear_results(weyl_block *blk) {
  char *key = blk->key;
  int uses = blk->uses;
  blk->key = NULL;
  weyl_block_clear(blk);
  blk->key = key;
  blk->uses = uses;
}

void weyl_iso_clear(weyl_iso *d) {
  free(d->Q), free(d->off), free(d->type), free(d->tdim), free(d->tmult);
  for (int t = 0; d->trho && t < d->ntypes; t++) free(d->trho[t]);
  free(d->trho);
  memset(d, 0, sizeof *d);
}

void weyl_block_clear(weyl_block *blk) {
  if (blk->iso_in) weyl_iso_clear(blk->iso_in);
  if (blk->iso_out) weyl_iso_clear(blk->iso_out);
  free(blk->iso_in), free(blk->iso_out), free(blk->fac), free(blk->facT);
  free(atomic_load(&blk->dense_view));
  free(blk->orbit);
  free(blk->mats);
  free(blk->norm2);
  free(blk->key);
  memset(blk, 0, sizeof *blk);
}

static weyl_status too_big(size_t need, size_t limit, const char *path, int out, int in) {
  return weyl_fail(WEYL_ELIMIT, "the %s solve of a %d x %d block needs %.3g MiB, over the "
                   "limit of %.3g MiB (raise max_bytes or use another solver)", path, out, in,
                   need / 1048576.0, limit / 1048576.0);
}

/* ---------- exact orbits ---------- */

static int find_root(int *parent, int x) {
  while (parent[x] != x) {
    parent[x] = parent[parent[x]];
    x = parent[x];
  }
  return x;
}

/* W[po[i]][pi[j]] = W[i][j] for every generator: the pair (i, j) is joined to
 * its image. Orbits are numbered in order of first appearance, row-major. */
static weyl_status orbits(const weyl_rep *in, const weyl_rep *out, weyl_block *blk) {
  int ni = blk->in_dim, no = blk->out_dim, ng = weyl_rep_group(in)->n_disc;
  size_t n = (size_t)ni * no;
  int *parent = malloc(n * sizeof *parent);
  int *pi = malloc((size_t)ni * sizeof *pi), *po = malloc((size_t)no * sizeof *po);
  weyl_status s = (parent && pi && po) ? WEYL_OK
                                       : weyl_fail(WEYL_ENOMEM, "out of memory in orbit solve");
  for (size_t e = 0; s == WEYL_OK && e < n; e++) parent[e] = (int)e;
  for (int k = 0; s == WEYL_OK && k < ng; k++) {
    if ((s = weyl_rep_perm(in, k, pi)) != WEYL_OK || (s = weyl_rep_perm(out, k, po)) != WEYL_OK)
      break;
    for (int i = 0; i < no; i++)
      for (int j = 0; j < ni; j++) {
        int a = find_root(parent, i * ni + j), b = find_root(parent, po[i] * ni + pi[j]);
        if (a != b) parent[a < b ? b : a] = a < b ? a : b;
      }
  }
  if (s == WEYL_OK) {
    /* Roots are the smallest index of their orbit, so one pass numbers them. */
    int count = 0;
    for (size_t e = 0; e < n; e++) {
      int r = find_root(parent, (int)e);
      assert((size_t)r <= e); /* so blk->orbit[r] is already numbered */
      blk->orbit[e] = (size_t)r == e ? count++ : blk->orbit[r];
    }
    blk->dim = count;
  }
  free(parent);
  free(pi);
  free(po);
  return s;
}

weyl_status weyl_block_solve_orbit(const weyl_rep *in, const weyl_rep *out, size_t max_bytes,
                                   weyl_block *blk) {
  if (!weyl_rep_is_perm(in) || !weyl_rep_is_perm(out))
    return weyl_fail(WEYL_EINVAL, "the orbit solver needs permutation representations");
  blk->in_dim = weyl_rep_dim(in);
  blk->out_dim = weyl_rep_dim(out);
  size_t n = (size_t)blk->in_dim * blk->out_dim;
  size_t need = 2 * n * sizeof(int) + (blk->in_dim + blk->out_dim) * sizeof(int);
  blk->path = WEYL_BASIS_SOLVER_ORBIT;
  blk->peak_bytes = need;
  if (need > max_bytes) return too_big(need, max_bytes, "orbit", blk->out_dim, blk->in_dim);
  if (n > (size_t)0x7fffffff) return too_big(need, 0, "orbit", blk->out_dim, blk->in_dim);
  blk->orbit = malloc(n * sizeof *blk->orbit);
  if (!blk->orbit) return weyl_fail(WEYL_ENOMEM, "out of memory in orbit solve");
  weyl_status s = orbits(in, out, blk);
  if (s != WEYL_OK) return s;
  blk->norm2 = calloc(blk->dim > 0 ? (size_t)blk->dim : 1, sizeof *blk->norm2);
  if (!blk->norm2) return weyl_fail(WEYL_ENOMEM, "out of memory in orbit solve");
  for (size_t e = 0; e < n; e++) {
    assert(blk->orbit[e] >= 0 && blk->orbit[e] < blk->dim); /* every entry lies in an orbit */
    blk->norm2[blk->orbit[e]] += 1.0;
  }
  blk->min_kept = 1.0;
  blk->max_dropped = 0.0;
  return WEYL_OK;
}

/* ---------- dense SVD ---------- */

/* Adds the rows of one generator to the column-major constraint C (m rows):
 * (rho_out W - W rho_in)_{ij} = sum_k ro[i,k] W[k,j] - sum_l W[i,l] ri[l,j]. */
static void add_rows(double *C, size_t m, size_t row0, const double *ro, int no,
                     const double *ri, int ni) {
  for (int i = 0; i < no; i++)
    for (int j = 0; j < ni; j++) {
      size_t row = row0 + (size_t)i * ni + j;
      for (int k = 0; k < no; k++) C[((size_t)k * ni + j) * m + row] += ro[(size_t)i * no + k];
      for (int l = 0; l < ni; l++) C[((size_t)i * ni + l) * m + row] -= ri[(size_t)l * ni + j];
    }
}

weyl_status weyl_block_gen(const weyl_rep *r, int k, double *m) {
  int nd = weyl_rep_group(r)->n_disc;
  return k < nd ? weyl_rep_rho(r, k, m) : weyl_rep_drho(r, k - nd, m);
}

/* Largest |entry| of n doubles; NaN or infinity when there is one. */
static double max_abs(const double *a, size_t n) {
  double m = 0;
  for (size_t e = 0; e < n; e++) {
    double v = fabs(a[e]);
    if (!(v <= m)) m = v; /* NaN and infinity win */
    if (!isfinite(m)) break;
  }
  return m;
}

static const char *gen_name(const weyl_group *g, int k) {
  return k < g->n_disc ? weyl_group_disc_name(g, k) : weyl_group_alg_name(g, k - g->n_disc);
}

weyl_status weyl_block_gen_pair(const weyl_rep *in, const weyl_rep *out, int k, double *ri,
                                double *ro) {
  const weyl_group *g = weyl_rep_group(in);
  size_t si = (size_t)weyl_rep_dim(in) * weyl_rep_dim(in);
  size_t so = (size_t)weyl_rep_dim(out) * weyl_rep_dim(out);
  weyl_status s = weyl_block_gen(in, k, ri);
  if (s == WEYL_OK) s = weyl_block_gen(out, k, ro);
  if (s != WEYL_OK) return s;
  double m = fmax(max_abs(ri, si), max_abs(ro, so));
  if (!isfinite(m))
    return weyl_fail(WEYL_EINVAL, "generator %s overflows in these reps: an entry of its matrix "
                     "in a tensor product or sum exceeds %.3g (scale the generator down)",
                     gen_name(g, k), DBL_MAX);
  if (m == 0) return WEYL_OK;
  int e;
  frexp(m, &e); /* m = f 2^e, f in [0.5, 1): scale by 2^-e, exactly */
  for (size_t i = 0; i < si; i++) ri[i] = ldexp(ri[i], -e);
  for (size_t i = 0; i < so; i++) ro[i] = ldexp(ro[i], -e);
  return WEYL_OK;
}

static weyl_status build_constraint(const weyl_rep *in, const weyl_rep *out, double *C,
                                    size_t m) {
  const weyl_group *g = weyl_rep_group(in);
  int ni = weyl_rep_dim(in), no = weyl_rep_dim(out);
  double *ri = malloc((size_t)ni * ni * sizeof *ri), *ro = malloc((size_t)no * no * sizeof *ro);
  weyl_status s = (ri && ro) ? WEYL_OK : weyl_fail(WEYL_ENOMEM, "out of memory in dense solve");
  size_t n = (size_t)ni * no;
  for (int k = 0; s == WEYL_OK && k < g->n_disc + g->n_alg; k++) {
    s = weyl_block_gen_pair(in, out, k, ri, ro);
    if (s == WEYL_OK) add_rows(C, m, (size_t)k * n, ro, no, ri, ni);
  }
  free(ri);
  free(ro);
  return s;
}

/* Singular values sv and right vectors vt of the column-major n x n R.
 * dgesdd (divide and conquer) is fast but can fail to converge (info > 0;
 * seen on SO(2)'s V**6 -> V**6, n = 4096); dgesvd (QR iteration) is then
 * tried on a copy before giving up. */
static lapack_int svd_right(double *R, int n, double *sv, double *vt) {
  double *copy = malloc((size_t)n * n * sizeof *copy);
  if (copy) memcpy(copy, R, (size_t)n * n * sizeof *copy);
  lapack_int info = LAPACKE_dgesdd(LAPACK_COL_MAJOR, 'O', n, n, R, n, sv, NULL, n, vt, n);
  if (info > 0 && copy) {
    double *superb = malloc((size_t)n * sizeof *superb);
    info = superb ? LAPACKE_dgesvd(LAPACK_COL_MAJOR, 'N', 'A', n, n, copy, n, sv, NULL, n, vt, n,
                                   superb)
                  : info;
    free(superb);
  }
  free(copy);
  return info;
}

/* Nullspace of the column-major m x n matrix C (m >= n): for a tall C a QR
 * first, so the SVD works on the n x n triangle R (what dgesdd itself does for
 * m >> n, minus forming U); a square C goes to the SVD directly. The right
 * singular vectors with sigma <= rtol * sigma_max span the nullspace (ref > 0
 * replaces sigma_max, for a C that is part of a larger operator). C is
 * overwritten. */
weyl_status weyl_nullspace_qr(double *C, size_t m, int n, double rtol, double ref,
                              weyl_block *blk) {
  int tall = m > (size_t)n;
  double *tau = malloc((size_t)n * sizeof *tau);
  double *R = tall ? calloc((size_t)n * n, sizeof *R) : C;
  double *sv = malloc((size_t)n * sizeof *sv), *vt = malloc((size_t)n * n * sizeof *vt);
  if (!tau || !R || !sv || !vt) {
    free(tau), free(sv), free(vt);
    if (tall) free(R);
    return weyl_fail(WEYL_ENOMEM, "out of memory in dense solve");
  }
  lapack_int info = 0;
  if (tall) info = LAPACKE_dgeqrf(LAPACK_COL_MAJOR, (lapack_int)m, n, C, (lapack_int)m, tau);
  for (int j = 0; tall && info == 0 && j < n; j++)
    for (int i = 0; i <= j; i++) R[(size_t)j * n + i] = C[(size_t)j * m + i];
  if (info == 0) info = svd_right(R, n, sv, vt);
  weyl_status s = WEYL_OK;
  if (info != 0) {
    s = weyl_mat_lapack_fail((int)info, "QR + SVD in the dense solve");
  } else {
    double smax = ref > 0 ? ref : sv[0], cut = rtol * smax;
    int rank = 0;
    while (rank < n && sv[rank] > cut) rank++;
    blk->min_kept = rank > 0 ? sv[rank - 1] / smax : INFINITY;
    blk->max_dropped = rank < n && smax > 0 ? sv[rank] / smax : 0.0;
    blk->dim = n - rank;
    blk->mats = malloc((size_t)(blk->dim > 0 ? blk->dim : 1) * n * sizeof *blk->mats);
    blk->norm2 = malloc((size_t)(blk->dim > 0 ? blk->dim : 1) * sizeof *blk->norm2);
    if (!blk->mats || !blk->norm2) s = weyl_fail(WEYL_ENOMEM, "out of memory in dense solve");
    /* Row r of V^T is a null vector for r >= rank. The column-major vt read
     * as row-major is V: the null vectors are its columns rank.., which
     * become the rows of mats. */
    if (s == WEYL_OK) weyl_mat_transpose(n, blk->dim, vt + rank, n, blk->mats, n);
    for (int k = 0; s == WEYL_OK && k < blk->dim; k++) blk->norm2[k] = 1.0;
    /* The SVD's null vectors are an arbitrary rotation of the space; the
     * orthonormalised echelon form is the same on every machine and reads
     * well ([[1,0],[0,1]] and [[0,-1],[1,0]] for SO(2), not a random mix). */
    if (s == WEYL_OK && blk->dim > 0) {
      weyl_mat_rows_canonical(blk->dim, n, blk->mats, n, R);
      weyl_mat_rows_orthonormal(blk->dim, n, blk->mats, n);
    }
  }
  free(tau), free(sv), free(vt);
  if (tall) free(R);
  return s;
}

weyl_status weyl_block_solve_dense(const weyl_rep *in, const weyl_rep *out, double rtol,
                                   size_t max_bytes, weyl_block *blk) {
  const weyl_group *g = weyl_rep_group(in);
  blk->in_dim = weyl_rep_dim(in);
  blk->out_dim = weyl_rep_dim(out);
  int ngen = g->n_disc + g->n_alg;
  double n = (double)blk->in_dim * blk->out_dim;
  double m = n * (ngen > 0 ? ngen : 1);
  double need = 8.0 * (m * n + 5 * n * n + 4 * n); /* C, R, its copy, vt, LAPACK work */
  blk->path = WEYL_BASIS_SOLVER_DENSE;
  blk->peak_bytes = need < 1e19 ? (size_t)need : SIZE_MAX;
  if (n > 46000 || need > (double)max_bytes)
    return too_big((size_t)need, max_bytes, "dense", blk->out_dim, blk->in_dim);
  double *C = calloc((size_t)(m * n), sizeof *C);
  if (!C) return weyl_fail(WEYL_ENOMEM, "out of memory in dense solve");
  weyl_status s = build_constraint(in, out, C, (size_t)m);
  if (s == WEYL_OK) s = weyl_nullspace_qr(C, (size_t)m, (int)n, rtol, 0.0, blk);
  free(C);
  return s;
}
