/* Shared driver for the EMLP experiments; see common.h. */
#define _POSIX_C_SOURCE 200809L
#define PI 3.14159265358979323846
#include "common.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "weyl/element.h"

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

/* One std over all outputs, mean 0: scaling commutes with the group. */
static void global_stats(const exp_data *d, double *mean, double *std) {
  double s2 = 0;
  for (size_t e = 0; e < (size_t)d->n * d->dout; e++)
    s2 += d->y[e] * d->y[e];
  double sd = s2 > 0 ? sqrt(s2 / ((double)d->n * d->dout)) : 1.0;
  for (int j = 0; j < d->dout; j++)
    mean[j] = 0, std[j] = sd;
}

static void target_stats(const exp_data *d, double *mean, double *std) {
  for (int j = 0; j < d->dout; j++) {
    double s = 0, s2 = 0;
    for (int i = 0; i < d->n; i++)
      s += d->y[(size_t)i * d->dout + j];
    s /= d->n;
    for (int i = 0; i < d->n; i++) {
      double r = d->y[(size_t)i * d->dout + j] - s;
      s2 += r * r;
    }
    mean[j] = s;
    std[j] = d->n > 1 && s2 > 0 ? sqrt(s2 / (d->n - 1)) : 1.0;
  }
}

/* Acts on every row of x (n x dim) with its own random element. */
static int augment(const weyl_rep *rep, const weyl_rep *rep_out, double scale, weyl_rng *rng, int n,
                   double *x, double *y) {
  int dim = weyl_rep_dim(rep), dout = rep_out ? weyl_rep_dim(rep_out) : 0;
  double *R = malloc(sizeof *R * dim * dim), *Ro = malloc(sizeof *Ro * (dout * dout + 1));
  double *tmp = malloc(sizeof *tmp * (dim > dout ? dim : dout));
  int rc = R && Ro && tmp ? 0 : -1;
  for (int i = 0; rc == 0 && i < n; i++) {
    weyl_element *e = NULL;
    rc = weyl_element_sample(weyl_rep_group(rep), rng, 4, scale, &e) == WEYL_OK &&
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

/* Picks a batch: a random subset (with replacement across steps, without
 * within a step via a shuffled index list refilled every epoch). */
static void next_batch(const exp_data *d, int *perm, int *pos, int b, weyl_rng *rng, double *bx,
                       double *by, const double *mean, const double *std) {
  for (int k = 0; k < b; k++) {
    if (*pos == 0)
      for (int i = d->n - 1; i > 0; i--) { /* Fisher-Yates */
        int j = (int)(weyl_rng_next(rng) % (uint64_t)(i + 1)), t = perm[i];
        perm[i] = perm[j], perm[j] = t;
      }
    int r = perm[*pos];
    *pos = (*pos + 1) % d->n;
    memcpy(bx + (size_t)k * d->din, d->x + (size_t)r * d->din, sizeof *bx * d->din);
    for (int j = 0; j < d->dout; j++)
      by[(size_t)k * d->dout + j] = (d->y[(size_t)r * d->dout + j] - mean[j]) / std[j];
  }
}

int exp_train(weyl_model *m, const exp_data *d, const exp_train_opts *o, double *first_loss,
              double *last_loss, double *mean, double *std) {
  int b = o->batch < d->n ? o->batch : d->n, rc = 0;
  double *bx = malloc(sizeof *bx * (size_t)b * d->din),
         *by = malloc(sizeof *by * (size_t)b * d->dout);
  int *perm = malloc(sizeof *perm * d->n), pos = 0;
  weyl_adam *adam = NULL;
  if (!bx || !by || !perm || weyl_adam_new(weyl_model_nparams(m), o->lr, &adam) != WEYL_OK)
    rc = -1;
  for (int i = 0; rc == 0 && i < d->n; i++)
    perm[i] = i;
  if (o->global_scale)
    global_stats(d, mean, std);
  else
    target_stats(d, mean, std);
  weyl_rng rng;
  weyl_rng_seed(&rng, o->seed);
  int window = o->steps / 10 > 0 ? o->steps / 10 : 1;
  double sum_first = 0, sum_last = 0;
  for (int t = 0; rc == 0 && t < o->steps; t++) {
    double progress = (double)t / o->steps, loss = 0;
    weyl_adam_set_lr(adam, o->lr * (0.01 + 0.99 * 0.5 * (1 + cos(PI * progress))));
    next_batch(d, perm, &pos, b, &rng, bx, by, mean, std);
    if (o->aug)
      rc = augment(o->aug, o->aug_out, o->aug_scale, &rng, b, bx, by);
    if (rc == 0 && weyl_model_train_mse(m, adam, b, bx, by, &loss) != WEYL_OK)
      rc = -1;
    if (t < window)
      sum_first += loss;
    if (t >= o->steps - window)
      sum_last += loss;
  }
  if (rc)
    fprintf(stderr, "training failed: %s\n", weyl_status_last_error());
  *first_loss = sum_first / window;
  *last_loss = sum_last / window;
  weyl_adam_free(adam);
  free(bx), free(by), free(perm);
  return rc;
}

double exp_test_mse(weyl_model *m, const exp_data *d, const double *mean, const double *std) {
  int chunk = 256;
  double *pred = malloc(sizeof *pred * (size_t)chunk * d->dout), sum = 0;
  if (!pred)
    return NAN;
  for (int i0 = 0; i0 < d->n; i0 += chunk) {
    int b = d->n - i0 < chunk ? d->n - i0 : chunk;
    if (weyl_model_forward(m, b, d->x + (size_t)i0 * d->din, pred) != WEYL_OK) {
      free(pred);
      return NAN;
    }
    for (int k = 0; k < b * d->dout; k++) {
      int j = k % d->dout;
      double r = pred[k] * std[j] + mean[j] - d->y[(size_t)i0 * d->dout + k];
      sum += r * r;
    }
  }
  free(pred);
  return sum / ((double)d->n * d->dout);
}

void exp_print_table(FILE *f, const exp_row *rows, int n_rows, double target_var) {
  fprintf(f, "| train size | EMLP test MSE | MLP test MSE | MLP + aug. test MSE | MLP / EMLP | "
             "EMLP CPU s | MLP CPU s | MLP + aug. CPU s |\n");
  fprintf(f, "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  for (int i = 0; i < n_rows; i++) {
    const exp_row *r = &rows[i];
    fprintf(f, "| %d | %.3g | %.3g | %.3g | %.1fx | %.1f | %.1f | %.1f |\n", r->n, r->mse[0],
            r->mse[1], r->mse[2], r->mse[1] / r->mse[0], r->seconds[0], r->seconds[1],
            r->seconds[2]);
  }
  fprintf(f, "\n(variance of the test targets: %.3g; predicting the mean scores about that)\n",
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
      double v = lg(rows[i].mse[k]);
      ymin = v < ymin ? v : ymin;
      ymax = v > ymax ? v : ymax;
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
      fprintf(f, "%g,%g ", PX(lg(rows[i].n)), PY(lg(rows[i].mse[k])));
    fprintf(f, "'/>\n");
    for (int i = 0; i < n_rows; i++)
      fprintf(f, "<circle cx='%g' cy='%g' r='3' fill='%s'/>", PX(lg(rows[i].n)),
              PY(lg(rows[i].mse[k])), colors[k]);
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

enum { MAX_SIZES = 16 };

typedef struct {
  const exp_task *task;
  weyl_group *g;
  weyl_rep *in, *out;
  int din, dout, steps, channels, quick, bilinear, bilinear_blocks;
  const char *svg;
  int sizes[MAX_SIZES], n_sizes;
} setup;

static int make_data(const setup *s, exp_data *d, int n, unsigned long long seed) {
  if (exp_data_alloc(d, n, s->din, s->dout))
    return -1;
  weyl_rng rng;
  weyl_rng_seed(&rng, seed);
  for (int i = 0; i < n; i++)
    s->task->draw(&rng, d->x + (size_t)i * s->din, d->y + (size_t)i * s->dout);
  return 0;
}

static weyl_model *build(const setup *s, int equivariant) {
  weyl_model_opts o = weyl_model_default_opts();
  o.channels = s->channels;
  o.n_hidden = 3;
  o.bilinear = s->bilinear;
  o.bilinear_blocks = s->bilinear_blocks;
  weyl_model *m = NULL;
  weyl_status st = equivariant ? weyl_model_emlp(s->in, s->out, &o, &m)
                               : weyl_model_mlp(s->din, s->dout, &o, &m);
  if (st == WEYL_OK)
    st = weyl_model_init(m, 1);
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
  double mse, seconds, first, last, eq_before, eq_after;
} run_result;

/* Trains model kind k (0 EMLP, 1 MLP, 2 MLP + augmentation) on train. */
static run_result run(const setup *s, int k, const exp_data *train, const exp_data *test) {
  run_result r = {NAN, 0, NAN, NAN, NAN, NAN};
  double t0 = exp_now();
  double *mean = malloc(sizeof *mean * s->dout), *std = malloc(sizeof *std * s->dout);
  weyl_model *m = build(s, k == 0);
  if (m && mean && std) {
    if (k == 0)
      r.eq_before = equiv_error(s, m, test);
    const exp_task *t = s->task;
    exp_train_opts o = {s->steps,
                        64,
                        3e-3,
                        k == 2 ? s->in : NULL,
                        k == 2 && t->equivariant_output ? s->out : NULL,
                        t->aug_scale,
                        t->equivariant_output,
                        7};
    if (exp_train(m, train, &o, &r.first, &r.last, mean, std) == 0)
      r.mse = exp_test_mse(m, test, mean, std);
    if (k == 0)
      r.eq_after = equiv_error(s, m, test);
  }
  weyl_model_free(m);
  free(mean), free(std);
  r.seconds = exp_now() - t0;
  return r;
}

static int run_quick(const setup *s) {
  exp_data train, test;
  if (make_data(s, &train, 100, 1) || make_data(s, &test, 200, 2))
    return 1;
  run_result e = run(s, 0, &train, &test), p = run(s, 1, &train, &test);
  printf("EMLP: train loss %.4g -> %.4g, test MSE %.4g, equivariance error %.3g -> %.3g "
         "(%.1f s)\n",
         e.first, e.last, e.mse, e.eq_before, e.eq_after, e.seconds);
  printf("MLP:  train loss %.4g -> %.4g, test MSE %.4g (%.1f s)\n", p.first, p.last, p.mse,
         p.seconds);
  int ok = e.last < 0.5 * e.first && p.last < 0.5 * p.first && e.eq_before < 1e-10 &&
           e.eq_after < 1e-10 && isfinite(e.mse);
  printf("%s\n", ok ? "quick check passed" : "quick check FAILED");
  exp_data_free(&train), exp_data_free(&test);
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

static int run_full(const setup *s) {
  exp_data test;
  if (make_data(s, &test, 2000, 1000))
    return 1;
  exp_row rows[MAX_SIZES];
  for (int i = 0; i < s->n_sizes; i++) {
    exp_data train; /* seeded by its size: a one-size run reproduces its row */
    if (make_data(s, &train, s->sizes[i], 1000000 + (unsigned long long)s->sizes[i]))
      return 1;
    rows[i].n = s->sizes[i];
    for (int k = 0; k < 3; k++) {
      run_result r = run(s, k, &train, &test);
      rows[i].mse[k] = r.mse;
      rows[i].seconds[k] = r.seconds;
      fprintf(stderr, "n=%d %s: test MSE %.4g, train loss %.3g -> %.3g, %.1f s", s->sizes[i],
              k == 0   ? "EMLP"
              : k == 1 ? "MLP"
                       : "MLP+aug",
              r.mse, r.first, r.last, r.seconds);
      if (k == 0)
        fprintf(stderr, ", equivariance error %.2g", r.eq_after);
      fprintf(stderr, "\n");
    }
    exp_data_free(&train);
  }
  exp_print_table(stdout, rows, s->n_sizes, variance(&test));
  if (s->svg && exp_write_svg(s->svg, s->task->title, rows, s->n_sizes))
    fprintf(stderr, "%s: cannot write %s\n", s->task->name, s->svg);
  exp_data_free(&test);
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

static int parse_args(int argc, char **argv, setup *s) {
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--quick"))
      s->quick = 1;
    else if (!strcmp(a, "--sizes") && v && !parse_sizes(v, s))
      i++;
    else if (!strcmp(a, "--steps") && v && atoi(v) > 0)
      s->steps = atoi(v), i++;
    else if (!strcmp(a, "--channels") && v && atoi(v) > 0)
      s->channels = atoi(v), i++;
    else if (!strcmp(a, "--svg") && v)
      s->svg = v, i++;
    else if (!strcmp(a, "--bilinear") && v && atoi(v) > 0)
      s->bilinear = atoi(v), i++;
    else if (!strcmp(a, "--bilinear-blocks") && v && atoi(v) >= 0)
      s->bilinear_blocks = atoi(v), i++;
    else
      return -1;
  }
  return 0;
}

int exp_main(int argc, char **argv, const exp_task *task) {
  setup s;
  memset(&s, 0, sizeof s);
  s.task = task;
  s.steps = task->steps;
  s.channels = task->channels;
  s.bilinear = task->bilinear;
  s.bilinear_blocks = task->bilinear_blocks;
  char svg[256];
  snprintf(svg, sizeof svg, "%s.svg", task->name);
  s.svg = svg;
  parse_sizes("30,100,300,1000,3000", &s);
  if (parse_args(argc, argv, &s)) {
    fprintf(stderr,
            "usage: %s [--quick] [--sizes N,N,...] [--steps N] [--channels C] "
            "[--bilinear K] [--bilinear-blocks B] [--svg PATH]\n",
            task->name);
    return 2;
  }
  if (s.quick)
    s.steps = 400, s.channels = 48;
  exp_single_thread();
  if (weyl_group_builtin(task->group, &s.g) != WEYL_OK ||
      weyl_rep_parse(s.g, task->rep_in, &s.in) != WEYL_OK ||
      weyl_rep_parse(s.g, task->rep_out, &s.out) != WEYL_OK) {
    fprintf(stderr, "%s: %s\n", task->name, weyl_status_last_error());
    weyl_rep_free(s.in);
    weyl_group_free(s.g);
    return 1;
  }
  s.din = weyl_rep_dim(s.in);
  s.dout = weyl_rep_dim(s.out);
  int rc = s.quick ? run_quick(&s) : run_full(&s);
  weyl_rep_free(s.in), weyl_rep_free(s.out);
  weyl_group_free(s.g);
  return rc;
}
