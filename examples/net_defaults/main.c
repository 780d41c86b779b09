/* Training at the defaults on every kind of group (issue 12): the default
 * EMLP (weyl_model_default_opts: 128 channels, 3 gated blocks with the
 * paper's full bilinear layer) trained with Adam at the default learning
 * rate 3e-3, batch 64, on targets of a teacher EMLP of the same
 * architecture (other seed), so the targets have the group's symmetry and can be fitted. Prints the loss at
 * steps 0, 10, 100 and the last, the largest loss seen, and the model's
 * equivariance error after training.
 *
 * Usage: net_defaults [--quick]   (--quick: 20 steps, small groups only) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weyl/weyl.h"

typedef struct {
  const char *group, *in, *out;
} task;

static const task TASKS[] = {
    {"Z(27)", "V", "Scalar"},     {"Z(12)", "V", "Scalar"},    {"p4m(6)", "V", "Scalar"},
    {"S(8)", "V", "Scalar"},      {"SO(3)", "2*V", "Scalar"},  {"O(5)", "2*V", "Scalar"},
    {"SO(1,3)", "2*V", "Scalar"},
};

static double *normal_rows(weyl_rng *r, int n) {
  double *x = malloc(sizeof *x * (size_t)n);
  for (int e = 0; x && e < n; e++)
    x[e] = weyl_rng_normal(r);
  return x;
}

/* Shifts and scales the n targets y to mean 0 and variance 1, as one
 * standardizes regression targets (every output here is Scalar, so the
 * shift keeps the symmetry): the loss starts near 1 whatever the scale of
 * the teacher's init, so a divergence cannot hide behind tiny targets. */
static void standardize(int n, double *y) {
  double mean = 0, var = 0;
  for (int i = 0; i < n; i++)
    mean += y[i] / n;
  for (int i = 0; i < n; i++)
    var += (y[i] - mean) * (y[i] - mean) / n;
  double sd = var > 0 ? sqrt(var) : 1;
  for (int i = 0; i < n; i++)
    y[i] = (y[i] - mean) / sd;
}

static int run(const task *t, int steps) {
  weyl_group *g = NULL;
  weyl_rep *ri = NULL, *ro = NULL;
  weyl_model *teacher = NULL, *m = NULL;
  weyl_adam *a = NULL;
  weyl_status s = weyl_group_builtin(t->group, &g);
  if (s == WEYL_OK)
    s = weyl_rep_parse(g, t->in, &ri);
  if (s == WEYL_OK)
    s = weyl_rep_parse(g, t->out, &ro);
  if (s == WEYL_OK)
    s = weyl_model_emlp(ri, ro, NULL, &teacher);
  if (s == WEYL_OK)
    s = weyl_model_emlp(ri, ro, NULL, &m);
  if (s == WEYL_OK)
    s = weyl_model_init(teacher, 1);
  if (s == WEYL_OK)
    s = weyl_model_init(m, 2);
  if (s == WEYL_OK)
    s = weyl_model_adam_new(m, 3e-3, &a);
  int batch = 64, din = weyl_model_in_dim(m), dout = weyl_model_out_dim(m);
  weyl_rng rng;
  weyl_rng_seed(&rng, 3);
  double *x = NULL, *y = NULL, loss[4] = {0}, worst = 0, l = 0, err = -1;
  if (s == WEYL_OK) {
    x = normal_rows(&rng, batch * din);
    y = malloc(sizeof *y * (size_t)(batch * dout));
    s = x && y ? weyl_model_forward(teacher, batch, x, y) : WEYL_ENOMEM;
  }
  if (s == WEYL_OK)
    standardize(batch * dout, y);
  for (int k = 0; k < steps && s == WEYL_OK; k++) {
    s = weyl_model_train_mse(m, a, batch, x, y, &l);
    worst = l > worst ? l : worst;
    if (k == 0 || k == 10 || k == 100)
      loss[k == 0 ? 0 : k == 10 ? 1 : 2] = l;
    loss[3] = l;
  }
  if (s == WEYL_OK)
    s = weyl_model_equivariance_error(m, &rng, 3, 0.5, batch, x, &err);
  char at100[32] = "-";
  if (steps > 100)
    snprintf(at100, sizeof at100, "%.3g", loss[2]);
  if (s == WEYL_OK)
    printf("| %s %s -> %s | %d | %.3g | %.3g | %s | %.3g | %.3g | %.1e |\n", t->group, t->in,
           t->out, weyl_model_nparams(m), loss[0], loss[1], at100, loss[3], worst, err);
  if (s != WEYL_OK)
    fprintf(stderr, "%s: %s\n", t->group, weyl_status_last_error());
  free(x), free(y);
  weyl_adam_free(a);
  weyl_model_free(m), weyl_model_free(teacher);
  weyl_rep_free(ri), weyl_rep_free(ro);
  weyl_group_free(g);
  return s == WEYL_OK && isfinite(loss[3]) && loss[3] < loss[0] && err < 1e-10 ? 0 : 1;
}

int main(int argc, char **argv) {
  int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
  int steps = quick ? 20 : 300, n = quick ? 2 : (int)(sizeof TASKS / sizeof TASKS[0]), bad = 0;
  printf("| task | params | loss step 0 | step 10 | step 100 | step %d | largest | "
         "equivariance error |\n"
         "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
         steps - 1);
  for (int i = 0; i < n; i++)
    bad += run(&TASKS[quick ? (i ? 4 : 1) : i], steps);
  return bad ? 1 : 0;
}
