/* The progress line of weyl basis on a terminal: "weyl: STAGE  NN%  T s".
 *
 * The solver reports a stage when it starts one and its fraction done as it
 * goes, but a stage can be one LAPACK call of minutes that reports nothing.
 * So the line is drawn by a thread of its own every half second from the
 * last report, and its clock never stands still for more than that (issue
 * 16: "a progress line on a terminal never freezes for more than a second").
 * Nothing is drawn during the first half second: short solves stay quiet. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

struct cli_ticker {
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t wake;
  int stop;
  char stage[160];
  double done; /* fraction done, or -1 for a stage without one */
  double start;
  int *shown;
};

static double wall(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* Draws the line from the last report; called with t->lock held. */
static void draw(struct cli_ticker *t) {
  double now = wall() - t->start;
  if (now < 0.5 || !t->stage[0]) return;
  if (t->done >= 0)
    fprintf(stderr, "\rweyl: %s %3.0f%%  %.1f s\033[K", t->stage, 100 * t->done, now);
  else
    fprintf(stderr, "\rweyl: %s  %.1f s\033[K", t->stage, now);
  fflush(stderr);
  *t->shown = 1;
}

static void *tick(void *arg) {
  struct cli_ticker *t = arg;
  pthread_mutex_lock(&t->lock);
  while (!t->stop) {
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += 500000000L;
    if (until.tv_nsec >= 1000000000L) until.tv_sec++, until.tv_nsec -= 1000000000L;
    pthread_cond_timedwait(&t->wake, &t->lock, &until);
    if (!t->stop) draw(t);
  }
  pthread_mutex_unlock(&t->lock);
  return NULL;
}

/* Starts the redraw thread on the first report; without one (no memory, no
 * thread) the line is drawn only when the solver reports, as before. */
static void start(cli_progress_state *p) {
  struct cli_ticker *t = calloc(1, sizeof *t);
  if (!t) return;
  t->start = p->start;
  t->shown = &p->shown;
  t->done = -1;
  pthread_mutex_init(&t->lock, NULL);
  pthread_cond_init(&t->wake, NULL);
  if (pthread_create(&t->thread, NULL, tick, t) != 0) {
    pthread_cond_destroy(&t->wake);
    pthread_mutex_destroy(&t->lock);
    free(t);
    return;
  }
  p->t = t;
  p->ticking = 1;
}

void cli_progress(void *ctx, const char *stage, double done) {
  cli_progress_state *p = ctx;
  if (p->start == 0) p->start = wall();
  if (!p->ticking) start(p);
  struct cli_ticker *t = p->t;
  if (!t) return;
  pthread_mutex_lock(&t->lock);
  snprintf(t->stage, sizeof t->stage, "%s", stage ? stage : "");
  t->done = done;
  draw(t);
  pthread_mutex_unlock(&t->lock);
}

void cli_progress_end(cli_progress_state *p) {
  struct cli_ticker *t = p->t;
  if (t) {
    pthread_mutex_lock(&t->lock);
    t->stop = 1;
    pthread_cond_signal(&t->wake);
    pthread_mutex_unlock(&t->lock);
    pthread_join(t->thread, NULL);
    pthread_cond_destroy(&t->wake);
    pthread_mutex_destroy(&t->lock);
    free(t);
    p->t = NULL;
    p->ticking = 0;
  }
  if (p->shown) fputs("\r\033[K", stderr);
  p->shown = 0;
}
