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
  int steps;               /* Adam steps */
  int batch;               /* examples per step (capped at the training size) */
  double lr;               /* peak learning rate, cosine decay to lr/100 */
  const weyl_rep *aug;     /* when not NULL: rotate every training example by a
                              fresh random element acting through this rep */
  const weyl_rep *aug_out; /* the target's rep for augmentation (NULL: invariant) */
  double aug_scale;        /* algebra scale of the sampled elements */
  int global_scale;        /* 1: standardize targets by one common std and no mean
                              shift (keeps an equivariant target equivariant) */
  unsigned long long seed;
} exp_train_opts;

/* Trains m on d (targets standardized inside: mean/std of d's targets).
 * *first_loss / *last_loss: mean training loss (standardized units) of the
 * first and last 10% of steps. Returns 0 on success. */
int exp_train(weyl_model *m, const exp_data *d, const exp_train_opts *o, double *first_loss,
              double *last_loss, double *mean, double *std);

/* Test MSE in the data's units, predictions un-standardized by mean/std. */
double exp_test_mse(weyl_model *m, const exp_data *d, const double *mean, const double *std);

/* Seconds of CPU time used by this process (single-threaded: the compute
 * time, whatever else runs on the machine). */
double exp_now(void);

/* The experiments run on one core: OpenBLAS threads would only contend. */
void exp_single_thread(void);

/* One measured cell of the result table. */
typedef struct {
  int n;
  double mse[3], seconds[3]; /* EMLP, MLP, MLP + augmentation */
} exp_row;

/* Prints a Markdown table of rows to f. */
void exp_print_table(FILE *f, const exp_row *rows, int n_rows, double target_var);

/* Writes a log-log SVG plot of test MSE against training size. Returns 0 on
 * success. */
int exp_write_svg(const char *path, const char *title, const exp_row *rows, int n_rows);

/* One experiment: a group, reps, and how to draw an example. */
typedef struct {
  const char *name;  /* program name, for messages */
  const char *title; /* plot title */
  const char *group; /* built-in group */
  const char *rep_in, *rep_out;
  /* Draws one input row x (din) with rng and writes its target y (dout). */
  void (*draw)(weyl_rng *rng, double *x, double *y);
  int equivariant_output; /* 1: scale targets by one common std, no mean shift,
                             and rotate them along in augmentation */
  double aug_scale;       /* algebra scale of augmentation elements */
  double check_scale;     /* algebra scale of the equivariance check */
  int steps, channels;    /* full-run defaults */
  int bilinear;           /* k of the bilinear layers (weyl_model_opts) */
  int bilinear_blocks;    /* blocks with a bilinear layer (weyl_model_opts) */
} exp_task;

/* Parses the command line (see any examples/emlp_* README), runs the quick
 * check or the full comparison, and returns the process exit status. */
int exp_main(int argc, char **argv, const exp_task *task);

#endif
