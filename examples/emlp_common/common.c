/* Shared driver for the EMLP experiments; see common.h. */
#define _POSIX_C_SOURCE 200809L
#define PI 3.14159265358979323846
#include "common.h"
#include "paper_rng.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "weyl/element.h"
#include "weyl/net.h"

void exp_single_thread(void) { openblas_set_num_threads(1); }

double exp_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* CPU time: the machine is shared */
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

int exp_data_alloc(exp_data *d, int n, int din, int dout) {
  d->n = n, d->din = din, d->dout = dout;
  d->x = malloc(sizeof *d->x * (size_t)n * din);
  d->y = malloc(sizeof *d->y * (size_t)n * dout);
  return d->x && d->y ? 0 : -1;
}

void exp_data_free(exp_data *d) {
  free(d->x);
  free(d->y);
  d->x = d->y = NULL;
}

/* Acts on every row of x (n x dim) with its own random element. */
static int augment(const weyl_rep *rep, const weyl_rep *rep_out, double scale,
                   const double *scales, weyl_rng *rng, int n, double *x, double *y) {
  int dim = weyl_rep_dim(rep), dout = rep_out ? weyl_rep_dim(rep_out) : 0;
  double *R = malloc(sizeof *R * dim * dim), *Ro = malloc(sizeof *Ro * (dout * dout + 1));
  double *tmp = malloc(sizeof *tmp * (dim > dout ? dim : dout));
  int rc = R && Ro && tmp ? 0 : -1;
  const weyl_group *g = weyl_rep_group(rep);
  for (int i = 0; rc == 0 && i < n; i++) {
    weyl_element *e = NULL;
    weyl_status st = scales ? weyl_element_sample_scaled(g, rng, 4, scales, &e)
                            : weyl_element_sample(g, rng, 4, scale, &e);
    rc = st == WEYL_OK &&
                 weyl_element_rho(e, rep, R) == WEYL_OK &&
                 (!rep_out || weyl_element_rho(e, rep_out, Ro) == WEYL_OK)
             ? 0
             : -1;
    weyl_element_free(e);
    if (rc)
      break;
    cblas_dgemv(CblasRowMajor, CblasNoTrans, dim, dim, 1.0, R, dim, x + (size_t)i * dim, 1, 0.0,
                tmp, 1);
    memcpy(x + (size_t)i * dim, tmp, sizeof *tmp * dim);
    if (!rep_out)
      continue;
    cblas_dgemv(CblasRowMajor, CblasNoTrans, dout, dout, 1.0, Ro, dout, y + (size_t)i * dout, 1,
                0.0, tmp, 1);
    memcpy(y + (size_t)i * dout, tmp, sizeof *tmp * dout);
  }
  free(R), free(Ro), free(tmp);
  return rc;
}

/* Copies rows perm[from .. from + b) of d into bx, by, standardized. */
static void gather(const exp_data *d, const int *perm, int from, int b, const exp_stats *st,
                   double *bx, double *by) {
  for (int k = 0; k < b; k++) {
    int r = perm[from + k];
    for (int j = 0; j < d->din; j++)
      bx[(size_t)k * d->din + j] = d->x[(size_t)r * d->din + j] / st->xscale[j];
    for (int j = 0; j < d->dout; j++)
      by[(size_t)k * d->dout + j] = (d->y[(size_t)r * d->dout + j] - st->ymean[j]) / st->ystd[j];
  }
}

static void shuffle(int *perm, int n, weyl_rng *rng) {
  for (int i = n - 1; i > 0; i--) { /* Fisher-Yates */
    int j = (int)(weyl_rng_next(rng) % (uint64_t)(i + 1)), t = perm[i];
    perm[i] = perm[j], perm[j] = t;
  }
}

/* Returns the validation MSE; when it is the best so far, it goes into fit
 * and the parameters are kept in best (the test set is scored once, on
 * them, after training: the same number as scoring it at every
 * improvement, for a fraction of the cost, which at N = 30 was most of the
 * run's). */
static double evaluate(weyl_model *m, const exp_train_opts *o, const exp_stats *st, exp_fit *fit,
                       double *best) {
  double v = exp_test_mse(m, o->val, st);
  if (!(v >= fit->val_mse)) { /* also when fit->val_mse is NaN */
    fit->val_mse = v;
    memcpy(best, weyl_model_params(m), sizeof *best * (size_t)weyl_model_nparams(m));
  }
  return v;
}

/* Scores the test and training sets with the best parameters, and leaves
 * them in m. */
static int score_best(weyl_model *m, const exp_data *d, const exp_train_opts *o,
                      const exp_stats *st, exp_fit *fit, const double *best) {
  if (isnan(fit->val_mse))
    return 0; /* never evaluated: test_mse stays NaN */
  memcpy(weyl_model_params(m), best, sizeof *best * (size_t)weyl_model_nparams(m));
  if (weyl_model_sync(m) != WEYL_OK)
    return -1;
  fit->test_mse = exp_test_mse(m, o->test, st);
  fit->train_mse = exp_test_mse(m, d, st);
  return 0;
}

/* emlp's loss is the MSE in the data's units, sout^2 times the standardized
 * one weyl trains on (for equal sout over the outputs; their mean square
 * otherwise), and objax's Adam has eps = 1e-8 under the root: the same
 * steps on the standardized loss take eps / sout^4. */
static double objax_eps(const exp_stats *st, int dout) {
  double s2 = 0;
  for (int j = 0; j < dout; j++)
    s2 += st->ystd[j] * st->ystd[j] / dout;
  return 1e-8 / (s2 * s2);
}

int exp_train(weyl_model *m, const exp_data *d, const exp_train_opts *o, const exp_stats *st,
              exp_fit *fit) {
  int b = o->batch < d->n ? o->batch : d->n, rc = 0;
  int per_epoch = (d->n + b - 1) / b, total = o->epochs * per_epoch;
  double *bx = malloc(sizeof *bx * (size_t)b * d->din),
         *by = malloc(sizeof *by * (size_t)b * d->dout);
  int *perm = malloc(sizeof *perm * d->n);
  double *best = malloc(sizeof *best * ((size_t)weyl_model_nparams(m) + 1));
  weyl_adam *adam = NULL;
  weyl_status made = o->adam_full ? weyl_net_adam_new_full(weyl_model_net(m), o->lr, &adam)
                                  : weyl_model_adam_new(m, o->lr, &adam);
  if (made == WEYL_OK && o->eps_inside)
    made = weyl_adam_set_eps(adam, objax_eps(st, d->dout), WEYL_ADAM_EPS_INSIDE);
  if (!bx || !by || !perm || !best || made != WEYL_OK)
    rc = -1;
  for (int i = 0; rc == 0 && i < d->n; i++)
    perm[i] = i;
  weyl_rng rng;
  weyl_rng_seed(&rng, o->seed);
  int window = total / 10 > 0 ? total / 10 : 1, every = o->epochs / o->evals, t = 0;
  every = every > 0 ? every : 1;
  double sum_first = 0, sum_last = 0, sum_since = 0; /* sum_since: since the last evaluation */
  int steps_since = 0;
  fit->val_mse = fit->test_mse = fit->train_mse = NAN;
  for (int ep = 0; rc == 0 && ep < o->epochs; ep++) {
    shuffle(perm, d->n, &rng);
    for (int from = 0; rc == 0 && from < d->n; from += b, t++) {
      int nb = d->n - from < b ? d->n - from : b;
      double loss = 0;
      gather(d, perm, from, nb, st, bx, by);
      if (o->warmup > 0) { /* at the step's fractional epoch, as emlp's trainer */
        double e = ep + (double)(from / b) / per_epoch, ramp = e / (o->epochs * o->warmup);
        weyl_adam_set_lr(adam, o->lr * (ramp < 1 ? ramp : 1));
      }
      if (o->aug)
        rc = augment(o->aug, o->aug_out, o->aug_scale, o->aug_scales, &rng, nb, bx, by);
      if (rc == 0 && weyl_model_train_mse(m, adam, nb, bx, by, &loss) != WEYL_OK)
        rc = -1;
      sum_since += loss, steps_since++;
      sum_first += t < window ? loss : 0;
      sum_last += t >= total - window ? loss : 0;
    }
    if (rc == 0 && ((ep + 1) % every == 0 || ep + 1 == o->epochs)) {
      double v = evaluate(m, o, st, fit, best);
      if (o->trace)
        fprintf(stderr, "  epoch %d: train loss %.3g (standardized, mean since the last), val MSE %.4g%s\n",
                ep + 1, sum_since / steps_since, v, v == fit->val_mse ? " (best)" : "");
      sum_since = 0, steps_since = 0;
    }
  }
  if (rc == 0)
    rc = score_best(m, d, o, st, fit, best);
  if (rc)
    fprintf(stderr, "training failed: %s\n", weyl_status_last_error());
  fit->first_loss = sum_first / window;
  fit->last_loss = sum_last / window;
  fit->steps = t;
  weyl_adam_free(adam);
  free(bx), free(by), free(perm), free(best);
  return rc;
}

double exp_test_mse(weyl_model *m, const exp_data *d, const exp_stats *st) {
  int chunk = 500;
  double *x = malloc(sizeof *x * (size_t)chunk * d->din);
  double *pred = malloc(sizeof *pred * (size_t)chunk * d->dout), sum = 0;
  for (int i0 = 0; x && pred && i0 < d->n; i0 += chunk) {
    int b = d->n - i0 < chunk ? d->n - i0 : chunk;
    for (int k = 0; k < b * d->din; k++)
      x[k] = d->x[(size_t)i0 * d->din + k] / st->xscale[k % d->din];
    if (weyl_model_forward(m, b, x, pred) != WEYL_OK) {
      sum = NAN;
      break;
    }
    for (int k = 0; k < b * d->dout; k++) {
      int j = k % d->dout;
      double r = pred[k] * st->ystd[j] + st->ymean[j] - d->y[(size_t)i0 * d->dout + k];
      sum += r * r;
    }
  }
  if (!x || !pred)
    sum = NAN;
  free(x), free(pred);
  return sum / ((double)d->n * d->dout);
}

static void cell(FILE *f, const exp_row *r, int k) {
  if (isnan(r->mean[k]))
    fprintf(f, " - |");
  else if (r->seeds > 1)
    fprintf(f, " %.3g ± %.2g |", r->mean[k], r->sd[k]);
  else
    fprintf(f, " %.3g |", r->mean[k]);
}

static const exp_paper_row *paper_at(const exp_paper_row *paper, int n_paper, int n) {
  for (int i = 0; paper && i < n_paper; i++)
    if (paper[i].n == n)
      return &paper[i];
  return NULL;
}

void exp_print_table(FILE *f, const exp_row *rows, int n_rows, double target_var,
                     const exp_paper_row *paper, int n_paper) {
  static const char *names[3] = {"EMLP", "MLP", "MLP + aug."};
  fprintf(f, "| train size | seeds |");
  for (int k = 0; k < 3; k++)
    fprintf(f, " weyl %s | paper %s |", names[k], names[k]);
  fprintf(f, " EMLP CPU s | MLP CPU s | MLP + aug. CPU s |\n| ---: | ---: |");
  for (int k = 0; k < 9; k++)
    fprintf(f, " ---: |");
  fprintf(f, "\n");
  for (int i = 0; i < n_rows; i++) {
    const exp_row *r = &rows[i];
    const exp_paper_row *p = paper_at(paper, n_paper, r->n);
    fprintf(f, "| %d | %d |", r->n, r->seeds);
    for (int k = 0; k < 3; k++) {
      cell(f, r, k);
      if (p)
        fprintf(f, " %.3g ± %.2g |", p->mse[k][0], p->mse[k][1]);
      else
        fprintf(f, " - |");
    }
    for (int k = 0; k < 3; k++)
      fprintf(f, isnan(r->mean[k]) ? " - |" : " %.0f |", r->seconds[k]);
    fprintf(f, "\n");
  }
  fprintf(f, "\n(test MSE, mean ± std over seeds; variance of the test targets: %.3g)\n",
          target_var);
}

/* ---------- SVG ---------- */

static double lg(double v) { return log10(v > 1e-300 ? v : 1e-300); }

int exp_write_svg(const char *path, const char *title, const exp_row *rows, int n_rows) {
  FILE *f = fopen(path, "w");
  if (!f)
    return -1;
  const char *names[3] = {"EMLP", "MLP", "MLP + augmentation"};
  const char *colors[3] = {"#1f77b4", "#d62728", "#2ca02c"};
  double xmin = lg(rows[0].n), xmax = lg(rows[n_rows - 1].n), ymin = 1e300, ymax = -1e300;
  for (int i = 0; i < n_rows; i++)
    for (int k = 0; k < 3; k++) {
      if (isnan(rows[i].mean[k]))
        continue;
      double lo = lg(rows[i].mean[k] - rows[i].sd[k] > 0 ? rows[i].mean[k] - rows[i].sd[k]
                                                         : rows[i].mean[k]),
             hi = lg(rows[i].mean[k] + rows[i].sd[k]);
      ymin = lo < ymin ? lo : ymin;
      ymax = hi > ymax ? hi : ymax;
    }
  ymin = floor(ymin), ymax = ceil(ymax);
  if (xmax <= xmin)
    xmax = xmin + 1;
  if (ymax <= ymin)
    ymax = ymin + 1;
  const double W = 640, H = 420, L = 70, R = 190, T = 40, B = 50;
#define PX(v) (L + ((v)-xmin) / (xmax - xmin) * (W - L - R))
#define PY(v) (H - B - ((v)-ymin) / (ymax - ymin) * (H - T - B))
  fprintf(f,
          "<svg xmlns='http://www.w3.org/2000/svg' width='%g' height='%g' "
          "font-family='sans-serif' font-size='12'>\n",
          W, H);
  fprintf(f, "<rect width='100%%' height='100%%' fill='white'/>\n");
  fprintf(f, "<text x='%g' y='22' font-size='15'>%s</text>\n", L, title);
  fprintf(f, "<rect x='%g' y='%g' width='%g' height='%g' fill='none' stroke='black'/>\n", L, T,
          W - L - R, H - T - B);
  for (double e = ymin; e <= ymax + 1e-9; e += 1) {
    fprintf(f, "<line x1='%g' x2='%g' y1='%g' y2='%g' stroke='#ddd'/>", L, W - R, PY(e), PY(e));
    fprintf(f, "<text x='%g' y='%g' text-anchor='end'>1e%d</text>\n", L - 6, PY(e) + 4, (int)e);
  }
  for (int i = 0; i < n_rows; i++)
    fprintf(f, "<text x='%g' y='%g' text-anchor='middle'>%d</text>\n", PX(lg(rows[i].n)),
            H - B + 18, rows[i].n);
  fprintf(f, "<text x='%g' y='%g' text-anchor='middle'>training set size</text>\n", (L + W - R) / 2,
          H - 10);
  fprintf(f,
          "<text x='16' y='%g' transform='rotate(-90 16 %g)' text-anchor='middle'>test "
          "MSE</text>\n",
          (T + H - B) / 2, (T + H - B) / 2);
  for (int k = 0; k < 3; k++) {
    fprintf(f, "<polyline fill='none' stroke='%s' stroke-width='2' points='", colors[k]);
    for (int i = 0; i < n_rows; i++)
      if (!isnan(rows[i].mean[k]))
        fprintf(f, "%g,%g ", PX(lg(rows[i].n)), PY(lg(rows[i].mean[k])));
    fprintf(f, "'/>\n");
    for (int i = 0; i < n_rows; i++) {
      const exp_row *r = &rows[i];
      if (isnan(r->mean[k]))
        continue;
      double x = PX(lg(r->n)) + 4 * (k - 1), lo = r->mean[k] - r->sd[k];
      fprintf(f, "<circle cx='%g' cy='%g' r='3' fill='%s'/>", x, PY(lg(r->mean[k])), colors[k]);
      if (r->sd[k] > 0) /* +-1 std; a lower end at or below 0 is drawn to the mean */
        fprintf(f, "<line x1='%g' x2='%g' y1='%g' y2='%g' stroke='%s'/>", x, x,
                PY(lg(lo > 0 ? lo : r->mean[k])), PY(lg(r->mean[k] + r->sd[k])), colors[k]);
    }
    fprintf(f, "\n<line x1='%g' x2='%g' y1='%g' y2='%g' stroke='%s' stroke-width='2'/>", W - R + 12,
            W - R + 36, T + 20 + 20 * k, T + 20 + 20 * k, colors[k]);
    fprintf(f, "<text x='%g' y='%g'>%s</text>\n", W - R + 42, T + 24 + 20 * k, names[k]);
  }
#undef PX
#undef PY
  fprintf(f, "</svg>\n");
  return fclose(f) == 0 ? 0 : -1;
}

/* ---------- the experiment driver ---------- */

/* The paper's data set: 30000 + 5000 + 1000 examples (data_efficiency.py's
 * ndata), drawn once from a fixed seed. */
enum { MAX_SIZES = 16, N_VAL = 1000, N_TEST = 5000, N_POOL = 30000 };

typedef struct {
  const exp_task *task;
  weyl_group *g;
  weyl_rep *in, *out;
  int din, dout, channels, layers, batch, quick, seeds, max_epochs, models;
  int fresh_data;   /* --fresh-data: each seed and size its own draw (run_seed) */
  int dump_data;    /* --dump-data N: print rows of the paper's data at N */
  int test_draws; /* --test-draws K: score each EMLP on K more test sets */
  int evals;      /* --evals K: validation evaluations per run (50) */
  int adam_full;  /* --adam-full: weyl_net_adam_new_full */
  int eps_inside; /* --eps-inside: objax's Adam eps */
  int trace;      /* --trace: losses at every evaluation */
  double warmup;  /* --warmup F: linear rate warmup over that fraction of the epochs */
  double epoch_scale, lr;
  weyl_bilinear_kind bilinear_kind;
  int calibrated; /* --init calibrated: weyl_net_init_calibrated (LSUV) */
  const char *svg;
  const char *plot;  /* --plot: a table this program printed, to draw */
  const char *group; /* --group: the task's group, or another one acting on the same reps */
  int sizes[MAX_SIZES], n_sizes;
} setup;

/* n examples from weyl's generator at seed. */
static int make_data(const setup *s, exp_data *d, int n, unsigned long long seed) {
  double *z = malloc(sizeof *z * (size_t)s->din);
  if (!z || exp_data_alloc(d, n, s->din, s->dout)) {
    free(z);
    return -1;
  }
  weyl_rng rng;
  weyl_rng_seed(&rng, seed);
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < s->din; j++)
      z[j] = weyl_rng_normal(&rng);
    s->task->example(z, d->x + (size_t)i * s->din, d->y + (size_t)i * s->dout);
  }
  free(z);
  return 0;
}

/* The paper's stats (datasets.py), over all the data drawn for a run (its
 * Standardize wraps every model): inputs divided per vector by their root
 * mean square, no shift; scalar targets shifted and scaled by their mean
 * and std; equivariant targets (Inertia) left as they are. */
static int make_stats(const setup *s, const exp_data *const *parts, int n_parts, exp_stats *st) {
  st->xscale = malloc(sizeof(double) * s->din);
  st->ymean = malloc(sizeof(double) * s->dout);
  st->ystd = malloc(sizeof(double) * s->dout);
  if (!st->xscale || !st->ymean || !st->ystd)
    return -1;
  int nb = s->task->x_blocks, w = nb > 0 ? s->din / nb : 1;
  for (int c = 0; c < (nb > 0 ? nb : 0); c++) {
    double sum = 0, n = 0;
    for (int p = 0; p < n_parts; p++)
      for (int i = 0; i < parts[p]->n; i++, n += w)
        for (int j = c * w; j < (c + 1) * w; j++)
          sum += parts[p]->x[(size_t)i * s->din + j] * parts[p]->x[(size_t)i * s->din + j];
    for (int j = c * w; j < (c + 1) * w; j++)
      st->xscale[j] = sqrt(sum / n);
  }
  for (int j = nb > 0 ? s->din : 0; j < s->din; j++)
    st->xscale[j] = 1;
  for (int j = 0; j < s->dout; j++) {
    double sum = 0, sum2 = 0, n = 0;
    for (int p = 0; p < n_parts; p++)
      for (int i = 0; i < parts[p]->n; i++, n++) {
        double y = parts[p]->y[(size_t)i * s->dout + j];
        sum += y, sum2 += y * y;
      }
    double mean = sum / n, var = sum2 / n - mean * mean;
    st->ymean[j] = s->task->equivariant_output ? 0 : mean;
    st->ystd[j] = s->task->equivariant_output || !(var > 0) ? 1 : sqrt(var);
  }
  return 0;
}

static void free_stats(exp_stats *st) {
  free(st->xscale), free(st->ymean), free(st->ystd);
}

static weyl_model *build(const setup *s, int equivariant, unsigned long long seed) {
  weyl_model_opts o = weyl_model_default_opts();
  o.channels = s->channels;
  o.n_hidden = s->layers;
  o.bilinear_kind = s->bilinear_kind;
  weyl_model *m = NULL;
  weyl_status st = equivariant ? weyl_model_emlp(s->in, s->out, &o, &m)
                               : weyl_model_mlp(s->din, s->dout, &o, &m);
  if (st == WEYL_OK)
    st = s->calibrated ? weyl_net_init_calibrated(weyl_model_net(m), seed)
                       : weyl_model_init(m, seed);
  if (st != WEYL_OK)
    fprintf(stderr, "%s: %s\n", s->task->name, weyl_status_last_error());
  return st == WEYL_OK ? m : NULL;
}

static double equiv_error(const setup *s, weyl_model *m, const exp_data *d) {
  weyl_rng rng;
  weyl_rng_seed(&rng, 11);
  double err = INFINITY;
  int b = d->n < 64 ? d->n : 64;
  if (weyl_model_equivariance_error(m, &rng, 4, s->task->check_scale, b, d->x, &err) != WEYL_OK)
    fprintf(stderr, "%s: %s\n", s->task->name, weyl_status_last_error());
  return err;
}

typedef struct {
  exp_fit fit;
  double seconds, eq_before, eq_after;
  char draws[200]; /* --test-draws: the quantiles line, or empty */
} run_result;

/* The paper's epochs: min(900000 / N, 1000), times --epoch-scale. */
static int epochs_for(const setup *s, int n) {
  int e = 900000 / n < s->max_epochs ? 900000 / n : s->max_epochs;
  e = (int)(e * s->epoch_scale + 0.5);
  return e > 0 ? e : 1;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* --test-draws K: the trained model's test MSE on K more test sets of the
 * same size, each drawn afresh, printed as quantiles: how much of a number
 * is the one test set drawn (quartic targets make the MSE heavy-tailed). */
static void test_draws(const setup *s, weyl_model *m, const exp_stats *st, int n_test,
                       char *line, size_t cap) {
  double *mse = malloc(sizeof *mse * ((size_t)s->test_draws + 1));
  int k = 0;
  for (; mse && k < s->test_draws; k++) {
    exp_data d;
    if (make_data(s, &d, n_test, 7770001ULL + (unsigned long long)k)) {
      exp_data_free(&d);
      break;
    }
    mse[k] = exp_test_mse(m, &d, st);
    exp_data_free(&d);
  }
  if (k > 0) {
    qsort(mse, (size_t)k, sizeof *mse, cmp_double);
    double mean = 0;
    for (int i = 0; i < k; i++)
      mean += mse[i] / k;
    snprintf(line, cap,
             "  test MSE over %d fresh test sets of %d: min %.3g, 10%% %.3g, median %.3g, 90%% "
             "%.3g, max %.3g, mean %.3g\n",
             k, n_test, mse[0], mse[k / 10], mse[k / 2], mse[k - 1 - k / 10], mse[k - 1], mean);
  }
  free(mse);
}

/* Trains model kind k (0 EMLP, 1 MLP, 2 MLP + augmentation). */
static run_result run(const setup *s, int k, const exp_data *train, const exp_data *val,
                      const exp_data *test, const exp_stats *st, unsigned long long seed) {
  run_result r = {{NAN, NAN, NAN, NAN, NAN, 0}, 0, NAN, NAN, ""};
  double t0 = exp_now();
  weyl_model *m = build(s, k == 0, seed);
  if (m) {
    if (k == 0)
      r.eq_before = equiv_error(s, m, test);
    const exp_task *t = s->task;
    exp_train_opts o = {epochs_for(s, train->n),
                        s->batch,
                        s->lr,
                        k == 2 ? s->in : NULL,
                        k == 2 && t->equivariant_output ? s->out : NULL,
                        t->aug_scale,
                        t->aug_scales,
                        val,
                        test,
                        s->evals,
                        seed + 7,
                        s->adam_full,
                        s->eps_inside,
                        s->trace,
                        s->warmup};
    if (exp_train(m, train, &o, st, &r.fit) != 0)
      r.fit.test_mse = NAN;
    if (k == 0)
      r.eq_after = equiv_error(s, m, test);
    if (k == 0 && s->test_draws > 0)
      test_draws(s, m, st, test->n, r.draws, sizeof r.draws);
  }
  weyl_model_free(m);
  r.seconds = exp_now() - t0;
  return r;
}

static int run_quick(setup *s) {
  exp_data train, val, test;
  exp_stats st = {0};
  if (make_data(s, &train, 100, 1) || make_data(s, &val, 100, 3) || make_data(s, &test, 200, 2))
    return 1;
  const exp_data *parts[3] = {&train, &val, &test};
  if (make_stats(s, parts, 3, &st))
    return 1;
  run_result e = run(s, 0, &train, &val, &test, &st, 1), p = run(s, 1, &train, &val, &test, &st, 1);
  printf("EMLP: train loss %.4g -> %.4g, test MSE %.4g, equivariance error %.3g -> %.3g "
         "(%.1f s)\n",
         e.fit.first_loss, e.fit.last_loss, e.fit.test_mse, e.eq_before, e.eq_after, e.seconds);
  printf("MLP:  train loss %.4g -> %.4g, test MSE %.4g (%.1f s)\n", p.fit.first_loss,
         p.fit.last_loss, p.fit.test_mse, p.seconds);
  int ok = e.fit.last_loss < 0.5 * e.fit.first_loss && p.fit.last_loss < 0.5 * p.fit.first_loss &&
           e.eq_before < 1e-10 && e.eq_after < 1e-10 && isfinite(e.fit.test_mse);
  printf("%s\n", ok ? "quick check passed" : "quick check FAILED");
  exp_data_free(&train), exp_data_free(&val), exp_data_free(&test);
  free_stats(&st);
  return ok ? 0 : 1;
}

static double variance(const exp_data *d) {
  double var = 0;
  for (int j = 0; j < d->dout; j++) {
    double mean = 0;
    for (int i = 0; i < d->n; i++)
      mean += d->y[(size_t)i * d->dout + j] / d->n;
    for (int i = 0; i < d->n; i++) {
      double r = d->y[(size_t)i * d->dout + j] - mean;
      var += r * r / ((double)d->n * d->dout);
    }
  }
  return var;
}

static const char *model_name(int k) { return k == 0 ? "EMLP" : k == 1 ? "MLP" : "MLP+aug"; }

/* Trains every selected model for one seed on the given data. */
static void run_models(const setup *s, int n, int seed, const exp_data *train, const exp_data *val,
                       const exp_data *test, const exp_stats *st, double mse[3], double sec[3]) {
  for (int k = 0; k < 3; k++) {
    mse[k] = sec[k] = NAN;
    if (!(s->models & (1 << k)))
      continue;
    run_result r = run(s, k, train, val, test, st, (unsigned long long)seed + 1);
    mse[k] = r.fit.test_mse, sec[k] = r.seconds;
    fprintf(stderr,
            "n=%d seed %d %s: test MSE %.4g (val %.4g, train %.4g), train loss %.3g -> %.3g, %d "
            "steps, %.1f s",
            n, seed, model_name(k), r.fit.test_mse, r.fit.val_mse, r.fit.train_mse, r.fit.first_loss,
            r.fit.last_loss, r.fit.steps, r.seconds);
    if (k == 0)
      fprintf(stderr, ", equivariance error %.2g", r.eq_after);
    fprintf(stderr, "\n%s", r.draws);
  }
}

/* The data of a run: a training pool, validation and test sets, and the
 * stats (see run_data_draw and paper_data_draw). */
typedef struct {
  exp_data pool, val, test;
  exp_stats st;
} run_data;

static void run_data_free(run_data *d) {
  exp_data_free(&d->pool), exp_data_free(&d->val), exp_data_free(&d->test);
  free_stats(&d->st);
}

static int run_data_draw(const setup *s, int n_pool, unsigned long long base, run_data *d) {
  memset(d, 0, sizeof *d);
  if (make_data(s, &d->pool, n_pool, base) || make_data(s, &d->val, N_VAL, base + 1) ||
      make_data(s, &d->test, N_TEST, base + 2))
    return -1;
  const exp_data *parts[3] = {&d->pool, &d->val, &d->test};
  return make_stats(s, parts, 3, &d->st);
}

/* Copies rows ids[0..n-1] of all into part. */
static int take_rows(const exp_data *all, const int *ids, int n, exp_data *part) {
  if (exp_data_alloc(part, n, all->din, all->dout))
    return -1;
  for (int i = 0; i < n; i++) {
    memcpy(part->x + (size_t)i * all->din, all->x + (size_t)ids[i] * all->din,
           sizeof(double) * (size_t)all->din);
    memcpy(part->y + (size_t)i * all->dout, all->y + (size_t)ids[i] * all->dout,
           sizeof(double) * (size_t)all->dout);
  }
  return 0;
}

/* The data of the paper's published runs for training size
 * n, the same numbers. emlp's data_efficiency.py runs every trial under
 * FixedNumpySeed(2021) and FixedPytorchSeed(2021): the data set draws X =
 * torch.randn(36000, din) (30000 + 5000 + 1000; emlp's datasets.py used
 * PyTorch's generator until August 2021, NumPy's after, and the published
 * results are from before), then olive-oil-ml's split_dataset takes its
 * splits from NumPy in decreasing size, ties in the config's order (train,
 * test, val): test 5000 first, then train and validation (train first at n
 * = 1000). Each split is sklearn's train_test_split: a permutation of the
 * indices left, the split its first k, what is left the rest in permuted
 * order. Standardize reads the stats of the whole data set (the split only
 * wraps it), so they are over all 36000 examples. */
static int paper_data_draw(const setup *s, int n, run_data *d) {
  enum { N_ALL = N_POOL + N_TEST + N_VAL };
  memset(d, 0, sizeof *d);
  exp_data all = {0};
  mt19937 torch;
  numpy_rng numpy;
  double *z = malloc(sizeof *z * (size_t)s->din);
  float *zs = malloc(sizeof *zs * (size_t)N_ALL * s->din);
  int *left = malloc(sizeof *left * N_ALL), *perm = malloc(sizeof *perm * N_ALL);
  int rc = !z || !zs || !left || !perm || exp_data_alloc(&all, N_ALL, s->din, s->dout) ? -1 : 0;
  mt19937_seed(&torch, 2021);
  numpy_rng_seed(&numpy, 2021);
  if (rc == 0)
    torch_randn(&torch, zs, (size_t)N_ALL * s->din);
  for (int i = 0; rc == 0 && i < N_ALL; i++) {
    for (int j = 0; j < s->din; j++)
      z[j] = zs[(size_t)i * s->din + j];
    s->task->example(z, all.x + (size_t)i * s->din, all.y + (size_t)i * s->dout);
  }
  /* the splits in the config's order, then stably sorted by decreasing size */
  typedef struct {
    int count;
    exp_data *part;
  } split_t;
  split_t split[3] = {{n, &d->pool}, {N_TEST, &d->test}, {N_VAL, &d->val}};
  for (int k = 1; k < 3; k++)
    for (int j = k; j > 0 && split[j].count > split[j - 1].count; j--) {
      split_t t = split[j];
      split[j] = split[j - 1], split[j - 1] = t;
    }
  int n_left = N_ALL;
  for (int i = 0; i < N_ALL && left; i++)
    left[i] = i;
  for (int k = 0; rc == 0 && k < 3; k++) {
    numpy_rng_permutation(&numpy, n_left, perm);
    for (int i = 0; i < n_left; i++) /* permuted: the split first, then the rest */
      perm[i] = left[perm[i]];
    rc = take_rows(&all, perm, split[k].count, split[k].part);
    n_left -= split[k].count;
    memcpy(left, perm + split[k].count, sizeof *left * (size_t)n_left);
  }
  const exp_data *parts[1] = {&all};
  if (rc == 0)
    rc = make_stats(s, parts, 1, &d->st);
  exp_data_free(&all);
  free(z), free(zs), free(left), free(perm);
  return rc;
}

/* The first n examples of the pool (a view: not freed). */
static exp_data first_rows(const exp_data *pool, int n) {
  exp_data d = *pool;
  d.n = n;
  return d;
}

/* One seed of one training size. By default on the paper's runs' data
 * (shared, paper_data_draw): every seed trains on the same sets, as the
 * paper's three runs did, and differs in init and batch order. With
 * --fresh-data every seed and size draws its own data from weyl's
 * generator (train, validation, test; stats over them), so the mean over
 * seeds estimates the expected test MSE over the data as well as the init. */
static int run_seed(const setup *s, const run_data *shared, int n, int seed, double mse[3],
                    double sec[3], double *var) {
  if (shared) {
    exp_data train = first_rows(&shared->pool, n);
    *var = variance(&shared->test);
    run_models(s, n, seed, &train, &shared->val, &shared->test, &shared->st, mse, sec);
    return 0;
  }
  run_data d;
  unsigned long long base = 1000003ULL * (unsigned long long)(seed + 1) + (unsigned long long)n;
  if (run_data_draw(s, n, base, &d)) {
    run_data_free(&d);
    return -1;
  }
  *var = variance(&d.test);
  run_models(s, n, seed, &d.pool, &d.val, &d.test, &d.st, mse, sec);
  run_data_free(&d);
  return 0;
}

static int run_full(const setup *s) {
  exp_row rows[MAX_SIZES];
  double var = NAN;
  run_data shared;
  int rc = 0;
  for (int i = 0; rc == 0 && i < s->n_sizes; i++) {
    double mse[16][3], sec[16][3];
    exp_row *r = &rows[i];
    r->n = s->sizes[i];
    r->seeds = s->seeds;
    if (!s->fresh_data && paper_data_draw(s, r->n, &shared)) /* each size its own split */
      rc = -1;
    for (int seed = 0; rc == 0 && seed < s->seeds; seed++)
      rc = run_seed(s, s->fresh_data ? NULL : &shared, s->sizes[i], seed, mse[seed], sec[seed],
                    &var);
    if (!s->fresh_data)
      run_data_free(&shared);
    for (int k = 0; k < 3; k++) {
      double m = 0, m2 = 0, t = 0;
      for (int seed = 0; seed < s->seeds; seed++)
        m += mse[seed][k] / s->seeds, t += sec[seed][k] / s->seeds;
      for (int seed = 0; seed < s->seeds; seed++)
        m2 += (mse[seed][k] - m) * (mse[seed][k] - m);
      r->mean[k] = m, r->seconds[k] = t;
      r->sd[k] = s->seeds > 1 ? sqrt(m2 / (s->seeds - 1)) : 0;
    }
  }
  if (rc)
    return 1;
  printf("%s: group %s, %d channels, %d layers, batch %d, Adam %g, epochs min(900000/N, %d) x "
         "%g, val %d, test %d, %s\n\n",
         s->task->name, s->group, s->channels, s->layers, s->batch, s->lr, s->max_epochs,
         s->epoch_scale, N_VAL, N_TEST,
         s->fresh_data ? "fresh data per seed and size"
                       : "the paper's runs' data (PyTorch and NumPy at seed 2021, emlp's splits)");
  exp_print_table(stdout, rows, s->n_sizes, var, s->task->paper, s->task->n_paper);
  printf("(goal: EMLP at N = 1000 at most %g; the paper's EMLP column is its EMLP for %s)\n",
         s->task->paper_emlp, s->task->group);
  if (s->svg && exp_write_svg(s->svg, s->task->title, rows, s->n_sizes))
    fprintf(stderr, "%s: cannot write %s\n", s->task->name, s->svg);
  return 0;
}

static void dump_rows(const char *name, const exp_data *d) {
  int rows[3] = {0, 1, d->n - 1};
  printf("%s %d\n", name, d->n);
  for (int k = 0; k < 3; k++) {
    printf("%s %d", name, rows[k]);
    for (int j = 0; j < d->din; j++)
      printf(" %.17g", d->x[(size_t)rows[k] * d->din + j]);
    for (int j = 0; j < d->dout; j++)
      printf(" %.17g", d->y[(size_t)rows[k] * d->dout + j]);
    printf("\n");
  }
}

static void dump_values(const char *name, const double *v, int n) {
  printf("%s", name);
  for (int j = 0; j < n; j++)
    printf(" %.17g", v[j]);
  printf("\n");
}

/* --dump-data N: the stats and the first two and last rows of each split
 * of the paper's data at training size N, for tests/check_paper_data.py to
 * compare with the same data drawn by NumPy. */
static int run_dump(const setup *s) {
  run_data d;
  int rc = paper_data_draw(s, s->dump_data, &d);
  if (rc == 0) {
    dump_values("xscale", d.st.xscale, s->din);
    dump_values("ymean", d.st.ymean, s->dout);
    dump_values("ystd", d.st.ystd, s->dout);
    dump_rows("train", &d.pool), dump_rows("val", &d.val), dump_rows("test", &d.test);
  }
  run_data_free(&d);
  return rc ? 1 : 0;
}

/* Reads "mean ± std" (or "mean", or "-" for not run) at p into *mean,
 * *sd; returns the text after the cell's closing '|', or NULL. */
static const char *read_cell(const char *p, double *mean, double *sd) {
  while (*p == ' ')
    p++;
  *mean = *sd = NAN;
  if (*p != '-') {
    char *end;
    *mean = strtod(p, &end);
    if (end == p)
      return NULL;
    p = end;
    if (!strncmp(p, " ± ", strlen(" ± "))) {
      *sd = strtod(p + strlen(" ± "), &end);
      p = end;
    }
  }
  p = strchr(p, '|');
  return p ? p + 1 : NULL;
}

/* --plot FILE: the rows of a table this program printed (e.g. two runs'
 * rows pasted into one file, as every (seed, size) is reproducible on its
 * own), drawn as the run's SVG without training. */
static int run_plot(const setup *s) {
  FILE *f = fopen(s->plot, "r");
  if (!f) {
    fprintf(stderr, "%s: cannot read %s\n", s->task->name, s->plot);
    return 1;
  }
  exp_row rows[MAX_SIZES];
  int n_rows = 0, line_no = 0, bad = 0;
  char line[1024];
  while (fgets(line, sizeof line, f) && n_rows < MAX_SIZES) {
    line_no++;
    int n, seeds, used = 0;
    if (sscanf(line, "| %d | %d |%n", &n, &seeds, &used) != 2 || used == 0)
      continue; /* headers and notes */
    exp_row *r = &rows[n_rows];
    r->n = n, r->seeds = seeds;
    const char *p = line + used;
    for (int k = 0; k < 3 && p; k++) {
      double paper_mean, paper_sd;
      p = read_cell(p, &r->mean[k], &r->sd[k]);
      if (p)
        p = read_cell(p, &paper_mean, &paper_sd);
      r->seconds[k] = NAN;
    }
    if (!p) {
      fprintf(stderr, "%s:%d: not a row of this program's table\n", s->plot, line_no);
      bad = 1;
      break;
    }
    n_rows++;
  }
  fclose(f);
  if (bad || n_rows == 0) {
    if (!bad)
      fprintf(stderr, "%s: no table rows\n", s->plot);
    return 1;
  }
  if (exp_write_svg(s->svg, s->task->title, rows, n_rows)) {
    fprintf(stderr, "%s: cannot write %s\n", s->task->name, s->svg);
    return 1;
  }
  return 0;
}

static int parse_sizes(const char *arg, setup *s) {
  s->n_sizes = 0;
  for (const char *p = arg; *p && s->n_sizes < MAX_SIZES;) {
    char *end;
    long v = strtol(p, &end, 10);
    if (end == p || v < 2 || v > 1000000 || (*end && *end != ','))
      return -1;
    s->sizes[s->n_sizes++] = (int)v;
    p = *end == ',' ? end + 1 : end;
  }
  return s->n_sizes > 0 ? 0 : -1;
}

/* --models emlp,mlp,aug (any of them, comma separated): a bit per model. */
static int parse_models(const char *arg, setup *s) {
  static const char *names[3] = {"emlp", "mlp", "aug"};
  s->models = 0;
  for (const char *p = arg; *p;) {
    size_t len = strcspn(p, ",");
    int k = 0;
    while (k < 3 && !(strlen(names[k]) == len && !strncmp(p, names[k], len)))
      k++;
    if (k == 3)
      return -1;
    s->models |= 1 << k;
    p += len + (p[len] == ',');
  }
  return s->models ? 0 : -1;
}

static int parse_args(int argc, char **argv, setup *s) {
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--quick"))
      s->quick = 1;
    else if (!strcmp(a, "--sizes") && v && !parse_sizes(v, s))
      i++;
    else if (!strcmp(a, "--seeds") && v && atoi(v) > 0 && atoi(v) <= 16)
      s->seeds = atoi(v), i++;
    else if (!strcmp(a, "--epoch-scale") && v && atof(v) > 0)
      s->epoch_scale = atof(v), i++;
    else if (!strcmp(a, "--channels") && v && atoi(v) > 0)
      s->channels = atoi(v), i++;
    else if (!strcmp(a, "--models") && v && !parse_models(v, s))
      i++;
    else if (!strcmp(a, "--test-draws") && v && atoi(v) > 0 && atoi(v) <= 1000)
      s->test_draws = atoi(v), i++;
    else if (!strcmp(a, "--evals") && v && atoi(v) > 0 && atoi(v) <= 100000)
      s->evals = atoi(v), i++;
    else if (!strcmp(a, "--adam-full"))
      s->adam_full = 1;
    else if (!strcmp(a, "--eps-inside"))
      s->eps_inside = 1;
    else if (!strcmp(a, "--trace"))
      s->trace = 1;
    else if (!strcmp(a, "--warmup") && v && atof(v) >= 0 && atof(v) <= 1)
      s->warmup = atof(v), i++;
    else if (!strcmp(a, "--fresh-data"))
      s->fresh_data = 1;
    else if (!strcmp(a, "--dump-data") && v && atoi(v) >= 2 && atoi(v) <= N_POOL)
      s->dump_data = atoi(v), i++;
    else if (!strcmp(a, "--lowrank"))
      s->bilinear_kind = WEYL_BILINEAR_LOWRANK;
    else if (!strcmp(a, "--init") && v && (!strcmp(v, "paper") || !strcmp(v, "calibrated")))
      s->calibrated = !strcmp(v, "calibrated"), i++;
    else if (!strcmp(a, "--svg") && v)
      s->svg = v, i++;
    else if (!strcmp(a, "--plot") && v)
      s->plot = v, i++;
    else if (!strcmp(a, "--group") && v)
      s->group = v, i++;
    else
      return -1;
  }
  return 0;
}

/* --group G must give the task's reps the dimensions its data has (those
 * of the task's own group), and, when the task draws augmentation with
 * per-generator scales, as many algebra generators. Returns 0 when it does;
 * else prints why and returns 1. */
static int check_group_fits(const setup *s) {
  weyl_group *own = NULL;
  weyl_rep *in = NULL, *out = NULL;
  int rc = weyl_group_builtin(s->task->group, &own) != WEYL_OK ||
                   weyl_rep_parse(own, s->task->rep_in, &in) != WEYL_OK ||
                   weyl_rep_parse(own, s->task->rep_out, &out) != WEYL_OK
               ? -1
               : 0;
  if (rc == 0 && (weyl_rep_dim(in) != s->din || weyl_rep_dim(out) != s->dout))
    fprintf(stderr, "%s: --group %s: %s -> %s is %d -> %d dimensional, the data %d -> %d\n",
            s->task->name, s->group, s->task->rep_in, s->task->rep_out, s->din, s->dout,
            weyl_rep_dim(in), weyl_rep_dim(out)),
        rc = 1;
  else if (rc == 0 && s->task->aug_scales && weyl_group_nalg(s->g) != weyl_group_nalg(own))
    fprintf(stderr, "%s: --group %s has %d algebra generators, the augmentation scales %d\n",
            s->task->name, s->group, weyl_group_nalg(s->g), weyl_group_nalg(own)),
        rc = 1;
  if (rc < 0)
    fprintf(stderr, "%s: %s\n", s->task->name, weyl_status_last_error()), rc = 1;
  weyl_rep_free(in), weyl_rep_free(out);
  weyl_group_free(own);
  return rc;
}

int exp_main(int argc, char **argv, const exp_task *task) {
  setup s;
  memset(&s, 0, sizeof s);
  s.task = task;
  s.channels = 384, s.layers = 3, s.batch = 500, s.lr = 3e-3; /* the paper's protocol */
  s.seeds = 3, s.max_epochs = 1000, s.epoch_scale = 1, s.models = 7, s.evals = 50;
  s.bilinear_kind = WEYL_BILINEAR_FULL;
  s.group = task->group;
  char svg[256];
  snprintf(svg, sizeof svg, "%s.svg", task->name);
  s.svg = svg;
  parse_sizes("30,100,300,1000,3000", &s);
  if (parse_args(argc, argv, &s)) {
    fprintf(stderr,
            "usage: %s [--quick] [--sizes N,N,...] [--seeds K] [--epoch-scale F] [--channels C]\n"
            "       [--models emlp,mlp,aug] [--lowrank] [--init paper|calibrated] [--adam-full]\n"
            "       [--eps-inside] [--warmup F] [--fresh-data] [--test-draws K]\n"
            "       [--evals K] [--trace] [--group NAME] [--svg PATH] [--plot TABLE.md]\n"
            "       [--dump-data N]\n",
            task->name);
    return 2;
  }
  for (int i = 0; !s.fresh_data && i < s.n_sizes; i++)
    if (s.sizes[i] > N_POOL) {
      fprintf(stderr, "%s: the paper's data has %d training examples, not %d (--fresh-data has any)\n",
              task->name, N_POOL, s.sizes[i]);
      return 2;
    }
  if (s.quick) /* small and short: a ctest */
    s.channels = 100, s.batch = 50, s.max_epochs = 200, s.epoch_scale = 1;
  exp_single_thread();
  if (weyl_group_builtin(s.group, &s.g) != WEYL_OK ||
      weyl_rep_parse(s.g, task->rep_in, &s.in) != WEYL_OK ||
      weyl_rep_parse(s.g, task->rep_out, &s.out) != WEYL_OK) {
    fprintf(stderr, "%s: %s\n", task->name, weyl_status_last_error());
    weyl_rep_free(s.in);
    weyl_group_free(s.g);
    return 1;
  }
  s.din = weyl_rep_dim(s.in);
  s.dout = weyl_rep_dim(s.out);
  int rc;
  if (strcmp(s.group, task->group) && check_group_fits(&s))
    rc = 2;
  else
    rc = s.plot        ? run_plot(&s)
         : s.dump_data ? run_dump(&s)
         : s.quick     ? run_quick(&s)
                       : run_full(&s);
  weyl_rep_free(s.in), weyl_rep_free(s.out);
  weyl_group_free(s.g);
  return rc;
}
