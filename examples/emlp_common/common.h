/* Shared driver for the EMLP experiments (examples/emlp_*): data sets,
 * training with Adam, optional augmentation by random group elements,
 * evaluation, timing, result tables and an SVG plot.
 * Not part of the library: each example compiles this file in. */
#ifndef EMLP_COMMON_H
#define EMLP_COMMON_H

#include <stdio.h>

#include "weyl/model.h"

typedef struct {
  int n, din, dout;
  double *x, *y; /* n x din, n x dout, row-major */
} exp_data;

/* Fills x with standard normals and calls target(x_row, y_row) per row. */
typedef void (*exp_target)(const double *x, double *y);
int exp_data_alloc(exp_data *d, int n, int din, int dout);
void exp_data_free(exp_data *d);

typedef struct {
  int epochs;              /* passes over the training set */
  int batch;               /* examples per step (capped at the training size);
                              an epoch ends with the partial batch, as a
                              DataLoader without drop_last */
  double lr;               /* Adam's learning rate, constant (the paper's) */
  const weyl_rep *aug;     /* when not NULL: rotate every training example by a
                              fresh random element acting through this rep */
  const weyl_rep *aug_out; /* the target's rep for augmentation (NULL: invariant) */
  double aug_scale;        /* algebra scale of the sampled elements */
  const double *aug_scales; /* when not NULL: per-generator scales instead
                               (weyl_element_sample_scaled, emlp's z_scale) */
  const exp_data *val;     /* early stopping: the test MSE reported is the one
                              at the evaluation with the lowest validation MSE
                              (the paper's early_stop_metric) */
  const exp_data *test;
  int evals;               /* evaluations over the run (the paper logs ~50) */
  unsigned long long seed;
  int adam_full;           /* 1: weyl_net_adam_new_full (emlp's walk exactly);
                              0: weyl_model_adam_new (the rate scales) */
  int eps_inside;          /* 1: objax's (emlp's) Adam eps, 1e-8 under the root
                              for the loss in the data's units */
  int trace;               /* 1: print the mean training loss and validation
                              MSE at every evaluation to stderr */
  double warmup;           /* > 0: the rate rises linearly from 0 over this
                              fraction of the epochs, lr min(1, e / (epochs
                              warmup)) at fractional epoch e (emlp's schedule
                              until March 2021, with 0.1); 0: constant */
} exp_train_opts;

/* The data's standardization (the paper's Standardize module): the model
 * sees x / xscale and predicts (y - ymean) / ystd. */
typedef struct {
  double *xscale, *ymean, *ystd;
} exp_stats;

/* What a training run measured. */
typedef struct {
  double first_loss, last_loss; /* mean training loss (standardized) of the
                                   first and last 10% of steps */
  double val_mse, test_mse;     /* at the best validation evaluation */
  double train_mse;             /* the training set's MSE there (the paper's
                                   Train_MSE), in the data's units */
  int steps;
} exp_fit;

/* Trains m on d with the paper's protocol. Returns 0 on success. */
int exp_train(weyl_model *m, const exp_data *d, const exp_train_opts *o, const exp_stats *st,
              exp_fit *fit);

/* MSE in the data's units of the model's predictions on d. */
double exp_test_mse(weyl_model *m, const exp_data *d, const exp_stats *st);

/* Seconds of CPU time used by this process (single-threaded: the compute
 * time, whatever else runs on the machine). */
double exp_now(void);

/* The experiments run on one core: OpenBLAS threads would only contend. */
void exp_single_thread(void);

/* One row of the result table: a training size, over the seeds. */
typedef struct {
  int n, seeds;
  double mean[3], sd[3], seconds[3]; /* test MSE mean and std over seeds, mean CPU
                                        seconds; EMLP, MLP, MLP + augmentation
                                        (NaN: not run) */
} exp_row;

/* The paper's published test MSE at one training size (mean and std over
 * its three seeds; EMLP, MLP, MLP + augmentation), from emlp's
 * experiments/notebooks/synthetic_results_all.csv. */
typedef struct {
  int n;
  double mse[3][2];
} exp_paper_row;

/* Prints a Markdown table of rows to f, with the paper's numbers (paper,
 * n_paper rows; may be NULL) next to weyl's where the sizes match. */
void exp_print_table(FILE *f, const exp_row *rows, int n_rows, double target_var,
                     const exp_paper_row *paper, int n_paper);

/* Writes a log-log SVG plot of test MSE (mean, with +-1 std bars) against
 * training size. Returns 0 on success. */
int exp_write_svg(const char *path, const char *title, const exp_row *rows, int n_rows);

/* One experiment: a group, reps, and how to draw an example. */
typedef struct {
  const char *name;  /* program name, for messages */
  const char *title; /* plot title */
  const char *group; /* built-in group */
  const char *rep_in, *rep_out;
  /* One example from din standard normals z: its input row x (din) and
   * target y (dout). The paper draws X = randn(N, din) and transforms it
   * row by row, so either generator (weyl's or NumPy's) feeds it. */
  void (*example)(const double *z, double *x, double *y);
  int equivariant_output; /* 1: targets are not standardized (the paper's
                             Inertia) and rotate along in augmentation */
  int x_blocks;           /* > 0: the input is that many equal vectors, each
                             divided by its root mean square (the paper's
                             Xscale); 0: inputs as drawn */
  double aug_scale;       /* algebra scale of augmentation elements */
  const double *aug_scales; /* or per-generator scales (NULL: aug_scale) */
  double check_scale;     /* algebra scale of the equivariance check */
  double paper_emlp;      /* the goal: EMLP test MSE at N = 1000 */
  const exp_paper_row *paper; /* the paper's published results */
  int n_paper;
} exp_task;

/* Parses the command line (see any examples/emlp_* README), runs the quick
 * check or the full comparison, and returns the process exit status. */
int exp_main(int argc, char **argv, const exp_task *task);

#endif
