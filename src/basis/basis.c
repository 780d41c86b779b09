/* The basis object: splitting into blocks, reuse of repeated pairs, and the
 * cheap operations (elements, combine, project). */
#define _POSIX_C_SOURCE 200809L
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "basis/basis_impl.h"
#include "group/group_impl.h"
#include "core/status_impl.h"

enum { KEY_CAP = 4096 };

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

void weyl_basis_free(weyl_basis *b) {
  if (!b) return;
  for (int i = 0; i < b->n_blocks; i++) weyl_block_clear(&b->blocks[i]);
  free(b->blocks);
  free(b->places);
  weyl_rep_free(b->in_rep);
  weyl_rep_free(b->out_rep);
  free(b);
}

/* Canonical "in->out" text; a pair with the same key has the same block. */
static char *pair_key(const weyl_rep *in, const weyl_rep *out) {
  char *key = malloc(2 * KEY_CAP + 3);
  if (!key) return NULL;
  int n = weyl_rep_str(in, key, KEY_CAP);
  if (n >= KEY_CAP) { /* too long to be a trustworthy key: never shared */
    free(key);
    return calloc(1, 1);
  }
  strcpy(key + n, "->");
  weyl_rep_str(out, key + n + 2, KEY_CAP);
  return key;
}

static int find_block(const weyl_basis *b, const char *key) {
  if (key[0] == '\0') return -1;
  for (int i = 0; i < b->n_blocks; i++)
    if (strcmp(b->blocks[i].key, key) == 0) return i;
  return -1;
}

/* Auto's choice for a general (non-permutation) block. The structured path
 * pays real Schur forms of sizes in and out; the dense one a QR + SVD of size
 * d = in * out. With a side of dimension 1 the Schur form is itself d x d, and
 * dense is faster and no bigger (measured: SO(3) V**6 -> Scalar 0.36 s dense,
 * 1.07 s structured; V**7 -> Scalar 8.5 s vs 21.7 s; O(5) V**4 -> Scalar
 * needs 48 MiB dense, 55 MiB structured). */
static weyl_basis_solver auto_general_path(const weyl_rep *in, const weyl_rep *out) {
  int ni = weyl_rep_dim(in), no = weyl_rep_dim(out);
  int large = (double)ni * no > WEYL_BASIS_AUTO_DENSE_MAX;
  return large && ni > 1 && no > 1 ? WEYL_BASIS_SOLVER_ITERATIVE : WEYL_BASIS_SOLVER_DENSE;
}

static weyl_status solve_general(const weyl_rep *in, const weyl_rep *out, weyl_basis_solver path,
                                 const weyl_basis_opts *o, weyl_block *blk) {
  if (path == WEYL_BASIS_SOLVER_STABILISER)
    return weyl_block_solve_stab(in, out, o->rtol, o->max_bytes, blk);
  if (path == WEYL_BASIS_SOLVER_ISOTYPIC) {
    int applicable = 1;
    char saved[WEYL_MSG_CAP];
    snprintf(saved, sizeof saved, "%s", weyl_status_last_error());
    weyl_status s = weyl_block_solve_iso(in, out, o->rtol, o->max_bytes, blk, &applicable);
    if (applicable || o->solver != WEYL_BASIS_SOLVER_AUTO) return s;
    weyl_block_clear_results(blk); /* auto: the path the block would have had */
    weyl_error_restore(saved);
    path = auto_general_path(in, out);
  }
  if (path == WEYL_BASIS_SOLVER_ITERATIVE) {
    int applicable = 1;
    char saved[WEYL_MSG_CAP];
    snprintf(saved, sizeof saved, "%s", weyl_status_last_error());
    weyl_status s = weyl_block_solve_iter(in, out, o, blk, &applicable);
    if (applicable || o->solver != WEYL_BASIS_SOLVER_AUTO)
      return s;
    weyl_block_clear_results(blk); /* not applicable: auto falls back to dense */
    weyl_error_restore(saved);
  }
  if (o->progress) o->progress(o->progress_ctx, "dense: QR + SVD of the stacked constraint", -1.0);
  return weyl_block_solve_dense(in, out, o->rtol, o->max_bytes, blk);
}

/* Auto: orbits when both reps permute, else auto_general_path; the structured
 * path falls back to dense when it does not apply. Badly scaled reps of finite
 * groups are made orthogonal first (basis_ortho.c), whichever general path
 * then runs. */
static weyl_status solve_block(const weyl_rep *in, const weyl_rep *out, const weyl_basis_opts *o,
                               weyl_ortho_cache **cache, weyl_block *blk) {
  int exact = weyl_rep_is_perm(in) && weyl_rep_is_perm(out);
  weyl_basis_solver path = o->solver;
  if (path == WEYL_BASIS_SOLVER_AUTO)
    path = exact ? WEYL_BASIS_SOLVER_ORBIT : auto_general_path(in, out);
  /* A permutation rep times a small one: orbit by orbit (basis_stab.c),
   * whatever the general path would have been. */
  if (o->solver == WEYL_BASIS_SOLVER_AUTO && !exact &&
      (double)weyl_rep_dim(in) * weyl_rep_dim(out) > WEYL_BASIS_AUTO_DENSE_MAX &&
      weyl_block_stab_applies(in, out))
    path = WEYL_BASIS_SOLVER_STABILISER;
  /* A compact Lie algebra: isotypic pieces (basis_iso.c), falling back to
   * the general path when it does not apply. */
  if (o->solver == WEYL_BASIS_SOLVER_AUTO && path == WEYL_BASIS_SOLVER_ITERATIVE &&
      weyl_rep_group(in)->n_disc == 0)
    path = WEYL_BASIS_SOLVER_ISOTYPIC;
  if (path == WEYL_BASIS_SOLVER_ORBIT)
    return weyl_block_solve_orbit(in, out, o->max_bytes, blk);
  weyl_ortho t;
  weyl_status s = weyl_ortho_block(cache, in, out, o->max_bytes, &t);
  if (s == WEYL_OK) s = solve_general(t.in ? t.in : in, t.out ? t.out : out, path, o, blk);
  if (s == WEYL_OK) s = weyl_ortho_back(&t, blk);
  weyl_ortho_clear(&t);
  return s;
}

/* Returns the index of the block for (in, out), solving it if it is new. */
static weyl_status get_block(weyl_basis *b, const weyl_rep *in, const weyl_rep *out,
                             const weyl_basis_opts *o, int *index) {
  char *key = pair_key(in, out);
  if (!key) return weyl_fail(WEYL_ENOMEM, "out of memory in solve");
  int found = find_block(b, key);
  if (found >= 0) {
    free(key);
    *index = found;
    b->blocks[found].uses++;
    return WEYL_OK;
  }
  weyl_block *grown = realloc(b->blocks, (size_t)(b->n_blocks + 1) * sizeof *grown);
  if (!grown) {
    free(key);
    return weyl_fail(WEYL_ENOMEM, "out of memory in solve");
  }
  b->blocks = grown;
  weyl_block *blk = &b->blocks[b->n_blocks++];
  memset(blk, 0, sizeof *blk);
  blk->key = key;
  blk->uses = 1;
  *index = b->n_blocks - 1;
  double t0 = now_seconds();
  weyl_status s = solve_block(in, out, o, &b->ortho, blk);
  blk->seconds = now_seconds() - t0;
  return s;
}

static weyl_status add_place(weyl_basis *b, int row0, int col0, int block) {
  if (b->blocks[block].dim == 0) return WEYL_OK;
  int n = b->n_places;
  if ((n & (n - 1)) == 0) { /* n is 0 or a power of two: double the room */
    weyl_place *grown = realloc(b->places, (size_t)(n ? 2 * n : 1) * sizeof *grown);
    if (!grown) return weyl_fail(WEYL_ENOMEM, "out of memory in solve");
    b->places = grown;
  }
  assert(row0 + b->blocks[block].out_dim <= b->out_dim &&
         col0 + b->blocks[block].in_dim <= b->in_dim);
  b->places[b->n_places++] = (weyl_place){row0, col0, block, b->dim, 0};
  if (b->dim > 0x7fffffff - b->blocks[block].dim)
    return weyl_fail(WEYL_ELIMIT, "basis has more than 2^31 elements");
  b->dim += b->blocks[block].dim;
  return WEYL_OK;
}

/* The gap of a block: the ratio kept/dropped of the singular values on
 * either side of the cut, but no more than the square of either one's
 * distance (as a factor) from the cut rtol. Without that bound a noise value
 * kept just above the cut (sigma = 1.5 rtol, the dimension one lower than
 * without the noise) next to exact zeros (1e-17) would report a gap of 1e8
 * and no warning; and a block where nothing was dropped would report none. */
static double block_gap(const weyl_block *blk, double rtol) {
  double kept = blk->min_kept / rtol, gap = kept * kept;
  if (blk->max_dropped > 0) {
    double dropped = rtol / blk->max_dropped, ratio = blk->min_kept / blk->max_dropped;
    if (dropped * dropped < gap) gap = dropped * dropped;
    if (ratio < gap) gap = ratio;
  }
  return gap;
}

/* A place that is one 1 x 1 entry of weight 1: Scalar -> Scalar. */
static int is_unit_place(const weyl_basis *b, const weyl_place *pl) {
  const weyl_block *blk = &b->blocks[pl->block];
  return blk->orbit && blk->out_dim == 1 && blk->in_dim == 1 && blk->dim == 1 &&
         blk->orbit[0] == 0;
}

/* Sets each place's run (basis_impl.h), from the last place back. */
static void mark_runs(weyl_basis *b) {
  for (int p = b->n_places - 1; p >= 0; p--) {
    weyl_place *pl = &b->places[p], *next = p + 1 < b->n_places ? pl + 1 : NULL;
    pl->run = is_unit_place(b, pl);
    if (pl->run && next && next->run && next->row0 == pl->row0 && next->col0 == pl->col0 + 1 &&
        next->param0 == pl->param0 + 1)
      pl->run += next->run;
  }
}

static void summarize(weyl_basis *b) {
  double rtol = b->rtol;
  weyl_basis_report *r = &b->report;
  r->n_blocks = b->n_blocks;
  r->min_gap = INFINITY;
  r->min_kept = INFINITY;
  for (int i = 0; i < b->n_blocks; i++) {
    const weyl_block *blk = &b->blocks[i];
    assert(blk->path != WEYL_BASIS_SOLVER_AUTO); /* basis_impl.h: ORBIT, DENSE or ITERATIVE */
    assert(!blk->orbit == (blk->path != WEYL_BASIS_SOLVER_ORBIT));
    if (blk->orbit) {
      r->n_orbit++;
      continue;
    }
    if (blk->path == WEYL_BASIS_SOLVER_ITERATIVE)
      r->n_iterative++;
    else if (blk->path == WEYL_BASIS_SOLVER_STABILISER)
      r->n_stabiliser++;
    else if (blk->path == WEYL_BASIS_SOLVER_ISOTYPIC)
      r->n_isotypic++;
    else r->n_dense++;
    if (blk->max_dropped > r->max_dropped) r->max_dropped = blk->max_dropped;
    if (blk->min_kept < r->min_kept) r->min_kept = blk->min_kept;
    double gap = block_gap(blk, rtol);
    if (gap < r->min_gap) r->min_gap = gap;
  }
}

void weyl_basis_finish(weyl_basis *b) {
  summarize(b);
  mark_runs(b);
}

/* Numbers the summands by their canonical text, so that each distinct
 * (in, out) pair is looked up once, not once per copy: ids[i] = the id of
 * parts[i], *n_ids the count. Copies share a node, so the pointer is checked
 * before any text. */
static weyl_status distinct_ids(weyl_rep **parts, int n, int *ids, int *n_ids) {
  char **texts = malloc((size_t)(n > 0 ? n : 1) * sizeof *texts);
  int *first = malloc((size_t)(n > 0 ? n : 1) * sizeof *first); /* summand of each id */
  weyl_status s = texts && first ? WEYL_OK : weyl_fail(WEYL_ENOMEM, "out of memory in solve");
  int count = 0;
  for (int i = 0; s == WEYL_OK && i < n; i++) {
    if (i > 0 && parts[i] == parts[i - 1]) {
      ids[i] = ids[i - 1];
      continue;
    }
    char buf[KEY_CAP];
    int len = weyl_rep_str(parts[i], buf, KEY_CAP);
    int id = -1;
    for (int k = 0; len < KEY_CAP && k < count && id < 0; k++)
      if (texts[k] && strcmp(texts[k], buf) == 0) id = k;
    if (id < 0) {
      id = count++;
      first[id] = i;
      texts[id] = len < KEY_CAP ? malloc((size_t)len + 1) : NULL; /* too long: never shared */
      if (texts[id]) memcpy(texts[id], buf, (size_t)len + 1);
    }
    ids[i] = id;
  }
  for (int k = 0; texts && k < count; k++) free(texts[k]);
  free(texts);
  free(first);
  *n_ids = count;
  return s;
}

static weyl_status solve_all(weyl_basis *b, weyl_rep **ins, int n_in, weyl_rep **outs, int n_out,
                             const weyl_basis_opts *o) {
  /* Checked before the loop: 1000000*Scalar -> 1000000*Scalar would otherwise
   * visit 10^12 pairs (hours) before any other limit is reached. */
  if ((double)n_in * n_out > (double)WEYL_BASIS_MAX_BLOCK_PAIRS)
    return weyl_fail(WEYL_ELIMIT,
                     "%d input x %d output summands make %.3g blocks, over the limit of %ld", n_in,
                     n_out, (double)n_in * n_out, WEYL_BASIS_MAX_BLOCK_PAIRS);
  int *in_id = malloc(((size_t)n_in + n_out) * sizeof *in_id), *out_id = in_id + n_in;
  int n_din = 0, n_dout = 0;
  if (!in_id) return weyl_fail(WEYL_ENOMEM, "out of memory in solve");
  weyl_status s = distinct_ids(ins, n_in, in_id, &n_din);
  if (s == WEYL_OK) s = distinct_ids(outs, n_out, out_id, &n_dout);
  int *table = s == WEYL_OK ? malloc((size_t)n_din * n_dout * sizeof *table) : NULL;
  if (s == WEYL_OK && !table) s = weyl_fail(WEYL_ENOMEM, "out of memory in solve");
  for (size_t t = 0; s == WEYL_OK && t < (size_t)n_din * n_dout; t++) table[t] = -1;
  int row0 = 0;
  for (int i = 0; s == WEYL_OK && i < n_out; i++) {
    int col0 = 0;
    for (int j = 0; s == WEYL_OK && j < n_in; j++) {
      int *block = &table[(size_t)out_id[i] * n_din + in_id[j]];
      if (o->progress) o->progress(o->progress_ctx, "blocks", (double)(i * n_in + j) / n_out / n_in);
      if (*block < 0) s = get_block(b, ins[j], outs[i], o, block);
      else b->blocks[*block].uses++;
      if (s == WEYL_OK) s = add_place(b, row0, col0, *block);
      col0 += weyl_rep_dim(ins[j]);
    }
    row0 += weyl_rep_dim(outs[i]);
  }
  free(table);
  free(in_id);
  return s;
}

/* Indexed by weyl_basis_solver. */
static const char *const solver_names[] = {"auto", "dense", "orbit", "iterative", "stabiliser",
                                           "isotypic"};
enum { N_SOLVERS = (int)(sizeof solver_names / sizeof solver_names[0]) };

const char *weyl_basis_solver_name(weyl_basis_solver solver) {
  return (int)solver >= 0 && (int)solver < N_SOLVERS ? solver_names[solver] : NULL;
}

weyl_status weyl_basis_solver_parse(const char *name, weyl_basis_solver *solver) {
  if (!solver)
    return weyl_fail(WEYL_EINVAL, "weyl_basis_solver_parse: NULL argument");
  for (int k = 0; name && k < N_SOLVERS; k++)
    if (strcmp(name, solver_names[k]) == 0) {
      *solver = (weyl_basis_solver)k;
      return WEYL_OK;
    }
  return weyl_fail(WEYL_EINVAL, "unknown solver '%s' (expected auto, dense, orbit, iterative, stabiliser or "
                   "isotypic)",
                   name ? name : "(null)");
}

weyl_status weyl_basis_solve(const weyl_rep *in, const weyl_rep *out,
                             const weyl_basis_opts *opts, weyl_basis **basis) {
  if (!in || !out || !basis) return weyl_fail(WEYL_EINVAL, "weyl_basis_solve: NULL argument");
  if (weyl_rep_group(in) != weyl_rep_group(out))
    return weyl_fail(WEYL_EINVAL, "weyl_basis_solve: reps of different groups");
  weyl_basis_opts o = opts ? *opts : (weyl_basis_opts){0};
  if (!weyl_basis_solver_name(o.solver))
    return weyl_fail(WEYL_EINVAL, "weyl_basis_solve: unknown solver %d", (int)o.solver);
  /* rtol >= 1 keeps every singular value (the whole space, e.g. 81 for
   * SO(3)'s V**2 -> V**2), and NaN none: neither is a rank decision. */
  if (isnan(o.rtol) || o.rtol >= 1)
    return weyl_fail(WEYL_EINVAL, "weyl_basis_solve: rtol %g is not in (0, 1)", o.rtol);
  if (!(o.rtol > 0)) o.rtol = WEYL_BASIS_DEFAULT_RTOL;
  if (o.max_bytes == 0) o.max_bytes = (size_t)2 << 30;
  double t0 = now_seconds();
  weyl_basis *b = calloc(1, sizeof *b);
  weyl_rep **ins = NULL, **outs = NULL;
  int n_in = 0, n_out = 0;
  weyl_status s = b ? WEYL_OK : weyl_fail(WEYL_ENOMEM, "out of memory in solve");
  if (s == WEYL_OK) s = weyl_rep_summands(in, &ins, &n_in);
  if (s == WEYL_OK) s = weyl_rep_summands(out, &outs, &n_out);
  if (s == WEYL_OK) {
    b->in_dim = weyl_rep_dim(in);
    b->out_dim = weyl_rep_dim(out);
    b->rtol = o.rtol;
    s = weyl_rep_copies(in, 1, &b->in_rep);
  }
  if (s == WEYL_OK) s = weyl_rep_copies(out, 1, &b->out_rep);
  if (s == WEYL_OK) {
    s = solve_all(b, ins, n_in, outs, n_out, &o);
  }
  if (b) {
    weyl_ortho_cache_free(b->ortho);
    b->ortho = NULL;
  }
  weyl_rep_parts_free(ins, n_in);
  weyl_rep_parts_free(outs, n_out);
  if (s != WEYL_OK) {
    weyl_basis_free(b);
    return s;
  }
  weyl_basis_finish(b);
  b->report.seconds = now_seconds() - t0;
  *basis = b;
  return WEYL_OK;
}

weyl_status weyl_basis_solve_bias(const weyl_rep *out, const weyl_basis_opts *opts,
                                  weyl_basis **bias) {
  if (!out || !bias) return weyl_fail(WEYL_EINVAL, "weyl_basis_solve_bias: NULL argument");
  weyl_rep *scalar = NULL;
  weyl_status s = weyl_rep_scalar(weyl_rep_group(out), &scalar);
  if (s == WEYL_OK) s = weyl_basis_solve(scalar, out, opts, bias);
  weyl_rep_free(scalar);
  return s;
}

int weyl_basis_dim(const weyl_basis *b) { return b ? b->dim : 0; }
int weyl_basis_in_dim(const weyl_basis *b) { return b ? b->in_dim : 0; }
int weyl_basis_out_dim(const weyl_basis *b) { return b ? b->out_dim : 0; }
const weyl_basis_report *weyl_basis_report_get(const weyl_basis *b) {
  return b ? &b->report : NULL;
}

int weyl_basis_is_exact(const weyl_basis *b) {
  return b && b->report.n_orbit == b->report.n_blocks;
}

int weyl_basis_nblocks(const weyl_basis *b) { return b ? b->n_blocks : 0; }

weyl_status weyl_basis_block_info_get(const weyl_basis *b, int i, weyl_basis_block_info *info) {
  if (!b || !info)
    return weyl_fail(WEYL_EINVAL, "weyl_basis_block_info_get: NULL argument");
  if (i < 0 || i >= b->n_blocks) return weyl_fail(WEYL_EINVAL, "block %d out of range", i);
  const weyl_block *blk = &b->blocks[i];
  assert(blk->path != WEYL_BASIS_SOLVER_AUTO && weyl_basis_solver_name(blk->path));
  *info = (weyl_basis_block_info){blk->key,      blk->in_dim,    blk->out_dim,
                                  blk->dim,      blk->uses,      weyl_basis_solver_name(blk->path),
                                  blk->seconds,  blk->min_kept,  blk->max_dropped,
                                  blk->residual, blk->peak_bytes};
  return WEYL_OK;
}

/* ---------- applying the basis ---------- */

/* Calls visit(ctx, e_full, k) for every entry of block element k's support,
 * giving the entry's value. */
static void block_entry_loop(const weyl_basis *b, const weyl_place *pl,
                             void (*visit)(void *, size_t, int, double), void *ctx) {
  const weyl_block *blk = &b->blocks[pl->block];
  size_t n = (size_t)blk->out_dim * blk->in_dim;
  assert((blk->orbit != NULL) != (blk->mats != NULL)); /* basis_impl.h: exactly one */
  for (size_t e = 0; e < n; e++) {
    size_t i = e / blk->in_dim, j = e % blk->in_dim;
    size_t full = (pl->row0 + i) * b->in_dim + pl->col0 + j;
    if (blk->orbit) {
      if (blk->orbit[e] >= 0) visit(ctx, full, pl->param0 + blk->orbit[e], 1.0);
    } else {
      for (int k = 0; k < blk->dim; k++) visit(ctx, full, pl->param0 + k, blk->mats[k * n + e]);
    }
  }
}

/* weyl_basis_element's visit: writes element `only`'s entries into out. */
typedef struct {
  double *out;
  int only;
} element_ctx;

static void visit_element(void *c, size_t full, int k, double v) {
  element_ctx *a = c;
  if (a->only == k) a->out[full] = v;
}

static weyl_status check_apply(const weyl_basis *b, const void *x, const void *y) {
  if (!b || !x || !y) return weyl_fail(WEYL_EINVAL, "NULL argument");
  return WEYL_OK;
}

weyl_status weyl_basis_element(const weyl_basis *b, int k, double *W) {
  weyl_status s = check_apply(b, b, W);
  if (s != WEYL_OK) return s;
  if (k < 0 || k >= b->dim) return weyl_fail(WEYL_EINVAL, "basis element %d out of range", k);
  memset(W, 0, (size_t)b->out_dim * b->in_dim * sizeof *W);
  int lo = 0, hi = b->n_places - 1; /* last place with param0 <= k */
  while (lo < hi) {
    int mid = (lo + hi + 1) / 2;
    if (b->places[mid].param0 <= k) lo = mid;
    else hi = mid - 1;
  }
  /* places are ordered by param0 and each holds its block's dim elements */
  assert(b->places[lo].param0 <= k &&
         k < b->places[lo].param0 + b->blocks[b->places[lo].block].dim);
  const weyl_place *pl = &b->places[lo];
  if (b->blocks[pl->block].fac)
    return weyl_block_iso_element(&b->blocks[pl->block], k - pl->param0,
                                  W + (size_t)pl->row0 * b->in_dim + pl->col0, b->in_dim);
  element_ctx c = {W, k};
  block_entry_loop(b, pl, visit_element, &c);
  return WEYL_OK;
}

static void visit_label(void *c, size_t full, int k, double v) {
  (void)v;
  int *label = c;
  label[full] = k;
}

/* Element indices first, then renumbered by first appearance. */
weyl_status weyl_basis_pattern(const weyl_basis *b, int *label, int *n_labels) {
  if (!b || !label)
    return weyl_fail(WEYL_EINVAL, "weyl_basis_pattern: NULL argument");
  if (!weyl_basis_is_exact(b))
    return weyl_fail(WEYL_EINVAL, "weyl_basis_pattern: the basis is not an exact orbit basis");
  size_t n = (size_t)b->out_dim * b->in_dim;
  int *rank = malloc((b->dim > 0 ? (size_t)b->dim : 1) * sizeof *rank), used = 0;
  if (!rank)
    return weyl_fail(WEYL_ENOMEM, "out of memory for a %zu-entry pattern", n);
  for (size_t e = 0; e < n; e++)
    label[e] = -1;
  for (int k = 0; k < b->dim; k++)
    rank[k] = -1;
  for (int p = 0; p < b->n_places; p++) {
    assert(b->blocks[b->places[p].block].orbit); /* exact: every block is an orbit block */
    block_entry_loop(b, &b->places[p], visit_label, label);
  }
  for (size_t e = 0; e < n; e++) {
    if (label[e] < 0)
      continue;
    assert(label[e] < b->dim);
    if (rank[label[e]] < 0)
      rank[label[e]] = used++;
    label[e] = rank[label[e]];
  }
  free(rank);
  if (n_labels)
    *n_labels = used;
  return WEYL_OK;
}

typedef struct {
  size_t cap, n;
  int *elem;
  size_t *index;
  double *value;
} entries_ctx;

static void visit_entry(void *c, size_t full, int k, double v) {
  entries_ctx *e = c;
  if (v == 0) return; /* dense blocks store the zeros of their support */
  if (e->n < e->cap) {
    e->elem[e->n] = k;
    e->index[e->n] = full;
    e->value[e->n] = v;
  }
  e->n++;
}

weyl_status weyl_basis_entries(const weyl_basis *b, size_t cap, int *elem, size_t *index,
                               double *value, size_t *n) {
  if (!b || !n || (cap > 0 && (!elem || !index || !value)))
    return weyl_fail(WEYL_EINVAL, "weyl_basis_entries: NULL argument");
  entries_ctx c = {cap, 0, elem, index, value};
  for (int p = 0; p < b->n_places; p++) block_entry_loop(b, &b->places[p], visit_entry, &c);
  *n = c.n;
  return WEYL_OK;
}

/* W += sum_k theta_k B_k over one place of an orbit or dense block, and its
 * transpose coef_k += <B_k, W>: the two calls every training step makes
 * (weights from coefficients, gradient onto coefficients), written as plain
 * row loops rather than block_entry_loop's visit per entry. */
static inline void place_combine(const weyl_basis *b, const weyl_place *pl,
                                 const double *theta, double *W) {
  const weyl_block *blk = &b->blocks[pl->block];
  size_t n = (size_t)blk->out_dim * blk->in_dim;
  theta += pl->param0;
  for (int i = 0; i < blk->out_dim; i++) {
    double *w = W + (size_t)(pl->row0 + i) * b->in_dim + pl->col0;
    size_t e0 = (size_t)i * blk->in_dim;
    if (blk->orbit) {
      const int *orb = blk->orbit + e0;
      for (int j = 0; j < blk->in_dim; j++)
        if (orb[j] >= 0) w[j] += theta[orb[j]];
    } else {
      for (int k = 0; k < blk->dim; k++) {
        const double *m = blk->mats + k * n + e0;
        double t = theta[k];
        for (int j = 0; j < blk->in_dim; j++) w[j] += t * m[j];
      }
    }
  }
}

static inline void place_dot(const weyl_basis *b, const weyl_place *pl, const double *W,
                             double *coef) {
  const weyl_block *blk = &b->blocks[pl->block];
  size_t n = (size_t)blk->out_dim * blk->in_dim;
  coef += pl->param0;
  for (int i = 0; i < blk->out_dim; i++) {
    const double *w = W + (size_t)(pl->row0 + i) * b->in_dim + pl->col0;
    size_t e0 = (size_t)i * blk->in_dim;
    if (blk->orbit) {
      const int *orb = blk->orbit + e0;
      for (int j = 0; j < blk->in_dim; j++)
        if (orb[j] >= 0) coef[orb[j]] += w[j];
    } else {
      for (int k = 0; k < blk->dim; k++) {
        const double *m = blk->mats + k * n + e0;
        double acc = 0;
        for (int j = 0; j < blk->in_dim; j++) acc += m[j] * w[j];
        coef[k] += acc;
      }
    }
  }
}

weyl_status weyl_basis_combine(const weyl_basis *b, const double *theta, double *W) {
  weyl_status s = check_apply(b, theta, W);
  if (s != WEYL_OK) return s;
  memset(W, 0, (size_t)b->out_dim * b->in_dim * sizeof *W);
  for (int p = 0; s == WEYL_OK && p < b->n_places; p++) {
    const weyl_place *pl = &b->places[p];
    if (pl->run > 0) { /* a row of Scalar -> Scalar entries: run consecutive parameters */
      double *w = W + (size_t)pl->row0 * b->in_dim + pl->col0;
      const double *t = theta + pl->param0;
      for (int j = 0; j < pl->run; j++) w[j] += t[j];
      p += pl->run - 1;
    } else if (b->blocks[pl->block].fac)
      s = weyl_block_iso_combine(&b->blocks[pl->block], theta + pl->param0,
                                 W + (size_t)pl->row0 * b->in_dim + pl->col0, b->in_dim);
    else place_combine(b, pl, theta, W);
  }
  return s;
}

weyl_status weyl_basis_dot(const weyl_basis *b, const double *W, double *coef) {
  weyl_status s = check_apply(b, W, coef);
  if (s != WEYL_OK) return s;
  memset(coef, 0, (size_t)b->dim * sizeof *coef);
  for (int p = 0; s == WEYL_OK && p < b->n_places; p++) {
    const weyl_place *pl = &b->places[p];
    if (pl->run > 0) {
      const double *w = W + (size_t)pl->row0 * b->in_dim + pl->col0;
      double *c = coef + pl->param0;
      for (int j = 0; j < pl->run; j++) c[j] += w[j];
      p += pl->run - 1;
    } else if (b->blocks[pl->block].fac)
      s = weyl_block_iso_dot(&b->blocks[pl->block], W + (size_t)pl->row0 * b->in_dim + pl->col0,
                             b->in_dim, coef + pl->param0);
    else place_dot(b, pl, W, coef);
  }
  return s;
}

weyl_status weyl_basis_project(const weyl_basis *b, const double *W, double *Wp) {
  weyl_status s = check_apply(b, W, Wp);
  if (s != WEYL_OK) return s;
  double *coef = calloc(b->dim > 0 ? (size_t)b->dim : 1, sizeof *coef);
  if (!coef) return weyl_fail(WEYL_ENOMEM, "out of memory in projection");
  weyl_basis_dot(b, W, coef);
  for (int p = 0; p < b->n_places; p++) {
    const weyl_block *blk = &b->blocks[b->places[p].block];
    for (int k = 0; k < blk->dim; k++) coef[b->places[p].param0 + k] /= blk->norm2[k];
  }
  s = weyl_basis_combine(b, coef, Wp);
  free(coef);
  return s;
}
