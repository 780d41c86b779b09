/* The group average G = (1/|G|) sum_g rho(g)^T rho(g) of one leaf, walking
 * the spanning tree of group_tree.c.
 *
 * G is symmetric positive definite and invariant (rho(h)^T G rho(h) = G,
 * since h permutes the terms), so with G = L L^T every L^T rho(g) L^-T is
 * orthogonal: the average turns any representation of a finite group into an
 * orthogonal one by a change of basis.
 *
 * Memory: the matrices rho(g) are formed one after another, never all kept.
 * The walk is depth first and visits each node's largest child subtree last,
 * reusing the node's own slot for it (its matrix is not needed after its
 * last child). A node stays on the stack only while one of its other
 * children is being walked, and such a child's subtree holds at most half of
 * the node's; so at most log2(|G|) + 1 matrices are live, whatever the
 * shape of the tree (a cyclic group's path needs one). */
#include <assert.h>
#include <cblas.h>
#include <stdlib.h>
#include <string.h>

#include "group/group_impl.h"
#include "core/status_impl.h"

/* Frames the walk can need for n elements: floor(log2 n) + 1, plus a spare. */
static int max_frames(long n) {
  int f = 2;
  while (n > 1)
    n >>= 1, f++;
  return f;
}

size_t weyl_leaf_average_bytes(const weyl_group *g, long order, int dim) {
  size_t d2 = (size_t)dim * dim;
  int frames = max_frames(order);
  size_t mats = (size_t)g->n_disc + (size_t)frames + 2; /* generators, slots, scratch, G */
  size_t ints = 3 * (size_t)order + 1 + 2 * (size_t)frames;
  return mats * d2 * sizeof(double) + ints * sizeof(int);
}

/* Children lists (CSR: kids[first[v] .. first[v+1]) in index order), with
 * each node's largest subtree moved to the end of its list. kids has n - 1
 * entries, first n + 1, size n (scratch). */
static void children(const int *parent, long n, int *first, int *kids, int *size) {
  for (long i = 0; i <= n; i++)
    first[i] = 0;
  for (long i = 1; i < n; i++) {
    assert(parent[i] >= 0 && parent[i] < i); /* weyl_group_tree: parent before child */
    first[parent[i] + 1]++;
  }
  for (long i = 0; i < n; i++)
    first[i + 1] += first[i];
  for (long i = 0; i < n; i++)
    size[i] = 0; /* fill position within the list */
  for (long i = 1; i < n; i++)
    kids[first[parent[i]] + size[parent[i]]++] = (int)i;
  for (long i = 0; i < n; i++)
    size[i] = 1;
  for (long i = n - 1; i > 0; i--)
    size[parent[i]] += size[i]; /* parent[i] < i */
  for (long v = 0; v < n; v++) {
    int best = -1;
    for (int c = first[v]; c < first[v + 1]; c++)
      if (best < 0 || size[kids[c]] > size[kids[best]])
        best = c;
    if (best >= 0) {
      int t = kids[best];
      kids[best] = kids[first[v + 1] - 1];
      kids[first[v + 1] - 1] = t;
    }
  }
}

/* The walk's state: frame f holds element node[f], its matrix slot[f] and
 * the position next[f] of its next child; slot[frames] is the scratch. */
typedef struct {
  int d, frames;
  const int *gen, *first, *kids;
  const double *R;  /* [n_disc][d * d] generator matrices */
  double **slot;    /* [frames + 1] */
  int *node, *next; /* [frames] */
} walker;

static void accumulate(double *G, const double *M, int d) {
  cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, d, d, 1.0, M, d, 1.0, G, d);
}

/* G += rho(g)^T rho(g), upper triangle, for every element g. */
static weyl_status walk(walker *w, double *G) {
  int d = w->d;
  size_t d2 = (size_t)d * d;
  memset(w->slot[0], 0, d2 * sizeof *G);
  for (int i = 0; i < d; i++)
    w->slot[0][(size_t)i * d + i] = 1.0;
  accumulate(G, w->slot[0], d);
  int top = 0;
  w->node[0] = 0;
  w->next[0] = w->first[0];
  while (top >= 0) {
    int v = w->node[top];
    if (w->next[top] == w->first[v + 1]) {
      top--;
      continue;
    }
    int c = w->kids[w->next[top]++];
    double *scratch = w->slot[w->frames];
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, d, d, d, 1.0, w->R + w->gen[c] * d2, d,
                w->slot[top], d, 0.0, scratch, d);
    accumulate(G, scratch, d);
    int f = w->next[top] == w->first[v + 1] ? top : top + 1; /* the last child takes v's slot */
    /* Impossible by the halving argument above; never overrun. */
    assert(f < w->frames);
    if (f >= w->frames)
      return weyl_fail(WEYL_ENUMERIC, "group average: tree walk deeper than %d", w->frames);
    w->slot[w->frames] = w->slot[f];
    w->slot[f] = scratch;
    w->node[f] = c;
    w->next[f] = w->first[c];
    top = f;
  }
  return WEYL_OK;
}

weyl_status weyl_leaf_average(const weyl_group *g, const weyl_leaf *l, long order,
                              const int *parent, const int *gen, double *G) {
  int d = l->dim, frames = max_frames(order);
  size_t d2 = (size_t)d * d;
  int *ints = malloc(((size_t)3 * order + 1 + 2 * (size_t)frames) * sizeof *ints);
  double *R = malloc(((size_t)g->n_disc + frames + 1) * d2 * sizeof *R);
  double **slot = malloc(((size_t)frames + 1) * sizeof *slot);
  weyl_status s = ints && R && slot
                      ? WEYL_OK
                      : weyl_fail(WEYL_ENOMEM, "out of memory averaging rep %s", l->name);
  if (s == WEYL_OK) {
    int *first = ints, *kids = first + order + 1, *size = kids + order; /* kids: order - 1 used */
    walker w = {d, frames, gen, first, kids, R, slot, size + order, size + order + frames};
    children(parent, order, first, kids, size);
    for (int k = 0; k < g->n_disc; k++)
      weyl_action_dense(&l->disc[k], d, 1.0, R + k * d2);
    for (int f = 0; f <= frames; f++)
      slot[f] = R + ((size_t)g->n_disc + f) * d2;
    memset(G, 0, d2 * sizeof *G);
    s = walk(&w, G);
  }
  for (int i = 0; s == WEYL_OK && i < d; i++)
    for (int j = i; j < d; j++)
      G[(size_t)j * d + i] = G[(size_t)i * d + j] /= (double)order;
  free(ints), free(R), free(slot);
  return s;
}
