/* A p4 G-CNN and plain CNNs, all built from weyl's solved layers (model.h),
 * trained on the 8x8 digits (upright, or each training image turned by its
 * own fixed random multiple of 90 degrees) and tested upright and turned,
 * after Cohen & Welling 2016, who train and test on rotated MNIST and report
 * P4CNN 2.28% vs Z2CNN 5.03% test error. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "digits.h"
#include "model.h"
#include "rng.h"

enum { BATCH = 32, NMODELS = 3 };

static const char DEFAULT_DATA[] =
    "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz";

typedef struct {
  const digits *d;
  const int *train, *test;
  int ntrain, ntest, epochs, cosine, train_turned;
  double lr;
  const int *turn; /* [d->n]: the quarter turns of each image's turned copy */
} setup;

/* Images ids[0..nb) turned by k quarter turns (or each by its own turn[]
 * when k < 0) into X [64][nb], their labels into y. */
static void gather(const setup *S, const int *ids, int nb, int k, double *X, int *y) {
  double img[DIGIT_PIXELS];
  for (int b = 0; b < nb; b++) {
    digits_rotate(S->d->x + (size_t)ids[b] * DIGIT_PIXELS, k < 0 ? S->turn[ids[b]] : k, img);
    for (int t = 0; t < DIGIT_PIXELS; t++) X[t * nb + b] = img[t];
    if (y) y[b] = S->d->y[ids[b]];
  }
}

/* The learning rate of step (0-based) of total: a linear warm-up over the
 * first 5% of the steps, then a half cosine from lr to 0 (or lr throughout).
 * The warm-up is for the p4-CNN: Adam's first steps move every weight by
 * about lr in the direction of its gradient's sign, and a p4 output sums 4x
 * the shared weights of a plain one, so at lr 0.01 without it all its ReLUs
 * died in the first epoch (loss stuck at 2.30). */
static double rate(const setup *S, int step, int total) {
  if (!S->cosine) return S->lr;
  double w = fmin(1, (step + 1) / (0.05 * total)); /* <= 1 also for tiny runs */
  return w * S->lr * 0.5 * (1 + cos(3.141592653589793 * step / total));
}

/* Adam, batch 32, the rate of rate(). Returns the mean training loss of the
 * last epoch. */
static double train(model *M, const setup *S) {
  int *order = malloc(sizeof(int) * S->ntrain), y[BATCH], step = 0;
  int total = S->epochs * ((S->ntrain + BATCH - 1) / BATCH);
  double X[DIGIT_PIXELS * BATCH], loss = 0;
  if (!order) return fprintf(stderr, "gcnn: out of memory\n"), NAN;
  memcpy(order, S->train, sizeof(int) * S->ntrain);
  for (int e = 0; e < S->epochs; e++) {
    rng_shuffle(order, S->ntrain);
    loss = 0;
    for (int i = 0; i < S->ntrain; i += BATCH) {
      int nb = S->ntrain - i < BATCH ? S->ntrain - i : BATCH;
      gather(S, order + i, nb, S->train_turned ? -1 : 0, X, y);
      model_forward(M, X, nb);
      loss += model_backward(M, X, y, nb);
      model_adam(M, step + 1, rate(S, step, total), nb);
      step++;
    }
    loss /= S->ntrain;
    if ((e + 1) % 10 == 0 || e + 1 == S->epochs)
      fprintf(stderr, "  %s epoch %d: mean training loss %.4f\n", M->name, e + 1, loss);
  }
  free(order);
  return loss;
}

typedef struct {
  double up, turned, six_nine, inv; /* errors in %, invariance relative */
} result;

static int argmax(const double *z) {
  int best = 0;
  for (int o = 1; o < CLASSES; o++)
    if (z[o] > z[best]) best = o;
  return best;
}

/* Test error upright and on each image's turned copy (and how much of the
 * latter is 6 <-> 9); the largest change of any logit under the three
 * quarter turns, relative to the largest upright logit. */
static result evaluate(model *M, const setup *S) {
  double X[DIGIT_PIXELS * BATCH], worst = 0, scale = 0;
  double *base = malloc(sizeof(double) * CLASSES * S->ntest);
  int wrong_up = 0, wrong_rot = 0, six_nine = 0;
  if (!base) {
    fprintf(stderr, "gcnn: out of memory\n");
    return (result){NAN, NAN, NAN, NAN};
  }
  for (int k = 0; k < 4; k++)
    for (int i = 0; i < S->ntest; i += BATCH) {
      int nb = S->ntest - i < BATCH ? S->ntest - i : BATCH;
      gather(S, S->test + i, nb, k, X, NULL);
      model_forward(M, X, nb);
      for (int b = 0; b < nb; b++) {
        const double *z = M->logits + b * CLASSES;
        double *z0 = base + (size_t)(i + b) * CLASSES;
        int id = S->test[i + b], y = S->d->y[id], pred = argmax(z);
        for (int o = 0; o < CLASSES; o++) {
          if (k == 0) z0[o] = z[o], scale = fmax(scale, fabs(z[o]));
          else worst = fmax(worst, fabs(z[o] - z0[o]));
        }
        wrong_up += k == 0 && pred != y;
        if (k != S->turn[id]) continue;
        wrong_rot += pred != y;
        six_nine += (y == 6 && pred == 9) || (y == 9 && pred == 6);
      }
    }
  free(base);
  result r = {100.0 * wrong_up / S->ntest, 100.0 * wrong_rot / S->ntest,
              100.0 * six_nine / S->ntest, worst / (scale > 0 ? scale : 1)};
  return r;
}

typedef struct {
  const char *path, *only; /* only: "p4", "cnn" or "cnn-wide": train just that one */
  int epochs, ch, ntrain, depth, cosine, turned, seed;
  double lr;
} options;

/* Prints what is wrong (when why is not NULL) and the usage; returns 2. */
static int usage(const char *why, const char *value) {
  if (why) fprintf(stderr, "gcnn: %s%s%s\n", why, value ? ": " : "", value ? value : "");
  fprintf(stderr,
          "usage: gcnn_digits [digits.csv.gz] [--epochs N] [--channels C] [--depth L]\n"
          "                   [--lr X] [--schedule cosine|constant] [--train N]\n"
          "                   [--train-turned] [--only p4|cnn|cnn-wide] [--seed S]\n"
          "  N >= 1, 1 <= C <= 32, 1 <= L <= %d, X > 0, 0 <= S <= 1000000\n"
          "  default data: %s (apt-get install python3-sklearn)\n",
          MAX_DEPTH, DEFAULT_DATA);
  return 2;
}

/* The whole of s as an integer in [lo, hi], else -1 (lo >= 0). */
static int parse_int(const char *s, int lo, int hi) {
  char *end;
  long v = strtol(s, &end, 10);
  return end != s && *end == '\0' && v >= lo && v <= hi ? (int)v : -1;
}

static int is_one_of(const char *v, const char *a, const char *b, const char *c) {
  return !strcmp(v, a) || !strcmp(v, b) || (c && !strcmp(v, c));
}

/* Fills o from the command line; 0, or 2 after the usage message. */
static int parse_args(int argc, char **argv, options *o) {
  options def = {DEFAULT_DATA, NULL, 60, 8, 1200, 3, 1, 0, 0, 0.01};
  *o = def;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    char *end = NULL;
    int bad = 0;
    if (!strcmp(a, "--train-turned")) { o->turned = 1; continue; }
    if (a[0] != '-') { o->path = a; continue; }
    if (!v) return usage("missing value after", a);
    i++;
    if (!strcmp(a, "--epochs")) bad = (o->epochs = parse_int(v, 1, 100000)) < 0;
    else if (!strcmp(a, "--channels")) bad = (o->ch = parse_int(v, 1, 32)) < 0;
    else if (!strcmp(a, "--train")) bad = (o->ntrain = parse_int(v, 1, 1 << 30)) < 0;
    else if (!strcmp(a, "--depth")) bad = (o->depth = parse_int(v, 1, MAX_DEPTH)) < 0;
    else if (!strcmp(a, "--seed")) bad = (o->seed = parse_int(v, 0, 1000000)) < 0;
    else if (!strcmp(a, "--lr"))
      o->lr = strtod(v, &end), bad = *end || !(o->lr > 0) || !isfinite(o->lr);
    else if (!strcmp(a, "--schedule"))
      bad = !is_one_of(v, "cosine", "constant", NULL), o->cosine = !strcmp(v, "cosine");
    else if (!strcmp(a, "--only")) bad = !is_one_of(v, "p4", "cnn", "cnn-wide"), o->only = v;
    else return usage("unknown option", a);
    if (bad) {
      char what[64];
      snprintf(what, sizeof what, "bad value for %s", a);
      return usage(what, v);
    }
  }
  return 0;
}

int main(int argc, char **argv) {
  options o;
  if (parse_args(argc, argv, &o)) return 2;
  digits d;
  if (digits_load(o.path, &d)) return 1;
  rng_seed((unsigned long long)o.seed); /* the split, the turns, the initial weights */
  if (o.ntrain >= d.n) o.ntrain = d.n / 2;
  int *idx = malloc(sizeof(int) * d.n), *turn = malloc(sizeof(int) * d.n);
  if (!idx || !turn) return fprintf(stderr, "gcnn: out of memory\n"), 1;
  for (int i = 0; i < d.n; i++) idx[i] = i;
  rng_shuffle(idx, d.n);
  for (int i = 0; i < d.n; i++) turn[i] = (int)(rng_uniform() * 4);
  setup S = {&d,       idx,      idx + o.ntrain, o.ntrain, d.n - o.ntrain,
             o.epochs, o.cosine, o.turned,       o.lr,     turn};
  printf("%d digits (seed %d): %d for training (%s), %d for testing; %d equivariant layers, "
         "%d epochs, Adam (lr %g, %s), batch %d\n\n",
         d.n, o.seed, S.ntrain,
         o.turned ? "each turned by its own random multiple of 90 degrees" : "upright", S.ntest,
         o.depth, o.epochs, o.lr, o.cosine ? "5% warm-up, cosine decay to 0" : "constant", BATCH);
  /* The CNN twice: at the p4-CNN's channels, and at twice them, which is
   * about the p4-CNN's parameter count (a p4 channel pair has 4x the weights). */
  static const char *names[NMODELS] = {"p4-CNN", "CNN", "CNN-wide"};
  static const char *keys[NMODELS] = {"p4", "cnn", "cnn-wide"};
  model nets[NMODELS];
  memset(nets, 0, sizeof nets);
  int rc = model_build(&nets[0], names[0], "p4(8)", o.ch, 4, o.depth) ||
           model_build(&nets[1], names[1], "T(8,8)", o.ch, 1, o.depth) ||
           model_build(&nets[2], names[2], "T(8,8)", 2 * o.ch, 1, o.depth);
  if (!rc) {
    printf("| model | group | channels | parameters | final training loss | test error upright "
           "| test error turned | of which 6<->9 | invariance error (90 deg) | CPU s |\n"
           "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (int m = 0; m < NMODELS; m++) {
      if (o.only && strcmp(o.only, keys[m]) != 0) continue;
      /* Each model's batch order from its own stream: --only m then gives the
       * same numbers as m in a run of all three. */
      rng_seed((unsigned long long)(m + 1) << 32 | (unsigned)o.seed);
      clock_t t0 = clock();
      double loss = train(&nets[m], &S);
      result r = evaluate(&nets[m], &S);
      printf("| %s | %s | %d | %d | %.4f | %.2f%% | %.2f%% | %.2f%% | %.1e | %.0f |\n",
             nets[m].name, weyl_group_name(nets[m].g), nets[m].ch, nets[m].np, loss, r.up,
             r.turned, r.six_nine, r.inv, (double)(clock() - t0) / CLOCKS_PER_SEC);
      fflush(stdout);
    }
  }
  for (int m = 0; m < NMODELS; m++) model_free(&nets[m]);
  free(idx), free(turn);
  digits_free(&d);
  return rc ? 1 : 0;
}
