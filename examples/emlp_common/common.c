/* Shared driver for the EMLP experiments; see common.h. */
#define _POSIX_C_SOURCE 200809L
#define PI 3.14159265358979323846
#include "common.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "weyl/sample.h"

void exp_single_thread(void) { openblas_set_num_threads(1); }

double exp_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
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

static void target_stats(const exp_data *d, double *mean, double *std) {
  for (int j = 0; j < d->dout; j++) {
    double s = 0, s2 = 0;
    for (int i = 0; i < d->n; i++) s += d->y[(size_t)i * d->dout + j];
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
static int augment(const weyl_rep *rep, const weyl_rep *rep_out, double scale, weyl_rng *rng,
                   int n, double *x, double *y) {
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
    if (rc) break;
    cblas_dgemv(CblasRowMajor, CblasNoTrans, dim, dim, 1.0, R, dim, x + (size_t)i * dim, 1, 0.0,
                tmp, 1);
    memcpy(x + (size_t)i * dim, tmp, sizeof *tmp * dim);
    if (!rep_out) continue;
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
  double *bx = malloc(sizeof *bx * (size_t)b * d->din), *by = malloc(sizeof *by * (size_t)b * d->dout);
  int *perm = malloc(sizeof *perm * d->n), pos = 0;
  weyl_adam *adam = NULL;
  if (!bx || !by || !perm || weyl_adam_new(weyl_model_nparams(m), o->lr, &adam) != WEYL_OK) rc = -1;
  for (int i = 0; rc == 0 && i < d->n; i++) perm[i] = i;
  target_stats(d, mean, std);
  weyl_rng rng;
  weyl_rng_seed(&rng, o->seed);
  int window = o->steps / 10 > 0 ? o->steps / 10 : 1;
  double sum_first = 0, sum_last = 0;
  for (int t = 0; rc == 0 && t < o->steps; t++) {
    double progress = (double)t / o->steps, loss = 0;
    weyl_adam_set_lr(adam, o->lr * (0.01 + 0.99 * 0.5 * (1 + cos(PI * progress))));
    next_batch(d, perm, &pos, b, &rng, bx, by, mean, std);
    if (o->aug) rc = augment(o->aug, o->aug_out, o->aug_scale, &rng, b, bx, by);
    if (rc == 0 && weyl_model_train_mse(m, adam, b, bx, by, &loss) != WEYL_OK) rc = -1;
    if (t < window) sum_first += loss;
    if (t >= o->steps - window) sum_last += loss;
  }
  if (rc) fprintf(stderr, "training failed: %s\n", weyl_last_error());
  *first_loss = sum_first / window;
  *last_loss = sum_last / window;
  weyl_adam_free(adam);
  free(bx), free(by), free(perm);
  return rc;
}

double exp_test_mse(weyl_model *m, const exp_data *d, const double *mean, const double *std) {
  int chunk = 256;
  double *pred = malloc(sizeof *pred * (size_t)chunk * d->dout), sum = 0;
  if (!pred) return NAN;
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
             "EMLP s | MLP s | MLP + aug. s |\n");
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
  if (!f) return -1;
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
  if (xmax <= xmin) xmax = xmin + 1;
  if (ymax <= ymin) ymax = ymin + 1;
  const double W = 640, H = 420, L = 70, R = 190, T = 40, B = 50;
#define PX(v) (L + ((v) - xmin) / (xmax - xmin) * (W - L - R))
#define PY(v) (H - B - ((v) - ymin) / (ymax - ymin) * (H - T - B))
  fprintf(f, "<svg xmlns='http://www.w3.org/2000/svg' width='%g' height='%g' "
             "font-family='sans-serif' font-size='12'>\n", W, H);
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
  fprintf(f, "<text x='%g' y='%g' text-anchor='middle'>training set size</text>\n",
          (L + W - R) / 2, H - 10);
  fprintf(f, "<text x='16' y='%g' transform='rotate(-90 16 %g)' text-anchor='middle'>test "
             "MSE</text>\n", (T + H - B) / 2, (T + H - B) / 2);
  for (int k = 0; k < 3; k++) {
    fprintf(f, "<polyline fill='none' stroke='%s' stroke-width='2' points='", colors[k]);
    for (int i = 0; i < n_rows; i++) fprintf(f, "%g,%g ", PX(lg(rows[i].n)), PY(lg(rows[i].mse[k])));
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
