/* Concurrent solves give what serial solves give: 4 threads share each
 * group (read only) and its reps, and solve a mixed list of blocks (orbit,
 * dense, structured, badly scaled, bias) many times over; every basis must
 * equal the serial one entry for entry. Built and run under ThreadSanitizer
 * by tests/tsan/run.sh (.ci/run), which reports any data race. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weyl/basis.h"
#include "weyl/group.h"
#include "weyl/repfile.h"

enum { THREADS = 4, ROUNDS = 12 };

typedef struct {
  const char *group, *in, *out; /* group: built-in name, or .rep text when it has a newline */
} job;

static const job JOBS[] = {
    {"SO(3)", "V**2", "V"},        {"SO(3)", "V**3", "V**3"},  {"Z(6)", "regular", "regular"},
    {"D(4)", "V + regular", "V"},  {"SO(1,3)", "V", "V.T"},   {"O(3)", "V**2", "V**2"},
    {"Sp(4)", "V**2", "Scalar"},   {"SO(3) x Z(2)", "V", "V"},
    {"group S\ngenerators t c\nrep V 3\n  t matrix 0 1e4 0 1e-4 0 0 0 0 1\n"
     "  c matrix 0 0 1e4 1e-4 0 0 0 1 0\n",
     "V", "V"},
};
enum { N_JOBS = (int)(sizeof JOBS / sizeof JOBS[0]) };

typedef struct {
  weyl_group *g;
  weyl_rep *in, *out;
  int dim;
  double *W; /* the serial combination sum_k B_k / (k+1) */
} prepared;

static prepared P[N_JOBS];

/* sum_k B_k / (k+1) of a fresh solve; NULL (and *dim -1) on failure. */
static double *solve_combined(const prepared *p, int *dim) {
  weyl_basis *b = NULL;
  weyl_basis_opts o = {0};
  *dim = -1;
  if (weyl_basis_solve(p->in, p->out, &o, &b) != WEYL_OK)
    return NULL;
  *dim = weyl_basis_dim(b);
  size_t n = (size_t)weyl_rep_dim(p->in) * weyl_rep_dim(p->out);
  double *W = calloc(n, sizeof *W), *theta = malloc(((size_t)*dim + 1) * sizeof *theta);
  for (int k = 0; k < *dim; k++)
    theta[k] = 1.0 / (k + 1);
  if (W && theta)
    weyl_basis_combine(b, theta, W);
  free(theta);
  weyl_basis_free(b);
  return W;
}

static int mismatches;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *worker(void *arg) {
  int t = (int)(size_t)arg, bad = 0;
  for (int r = 0; r < ROUNDS; r++)
    for (int j = 0; j < N_JOBS; j++) {
      const prepared *p = &P[(j + t + r) % N_JOBS];
      int dim;
      double *W = solve_combined(p, &dim);
      size_t n = (size_t)weyl_rep_dim(p->in) * weyl_rep_dim(p->out);
      if (!W || dim != p->dim || memcmp(W, p->W, n * sizeof *W) != 0)
        bad++;
      free(W);
    }
  pthread_mutex_lock(&lock);
  mismatches += bad;
  pthread_mutex_unlock(&lock);
  return NULL;
}

int main(void) {
  for (int j = 0; j < N_JOBS; j++) {
    const job *jb = &JOBS[j];
    weyl_status s = strchr(jb->group, '\n')
                        ? weyl_repfile_parse(jb->group, strlen(jb->group), "scaled", &P[j].g)
                        : weyl_group_builtin(jb->group, &P[j].g);
    if (s == WEYL_OK) s = weyl_rep_parse(P[j].g, jb->in, &P[j].in);
    if (s == WEYL_OK) s = weyl_rep_parse(P[j].g, jb->out, &P[j].out);
    if (s == WEYL_OK && !(P[j].W = solve_combined(&P[j], &P[j].dim))) s = WEYL_ENUMERIC;
    if (s != WEYL_OK) {
      fprintf(stderr, "job %d (%s): %s\n", j, jb->in, weyl_status_last_error());
      return 1;
    }
  }
  pthread_t th[THREADS];
  for (int t = 0; t < THREADS; t++)
    pthread_create(&th[t], NULL, worker, (void *)(size_t)t);
  for (int t = 0; t < THREADS; t++)
    pthread_join(th[t], NULL);
  printf("concurrent_solves: %d threads x %d solves, %d differ from serial\n", THREADS,
         ROUNDS * N_JOBS, mismatches);
  for (int j = 0; j < N_JOBS; j++) {
    free(P[j].W);
    weyl_rep_free(P[j].in);
    weyl_rep_free(P[j].out);
    weyl_group_free(P[j].g);
  }
  return mismatches != 0;
}
