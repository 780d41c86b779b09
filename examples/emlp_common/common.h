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
  int steps;          /* Adam steps */
  int batch;          /* examples per step (capped at the training size) */
  double lr;          /* peak learning rate, cosine decay to lr/100 */
  const weyl_rep *aug; /* when not NULL: rotate every training example by a
                          fresh random element acting through this rep */
  const weyl_rep *aug_out; /* the target's rep for augmentation (NULL: invariant) */
  double aug_scale;   /* algebra scale of the sampled elements */
  unsigned long long seed;
} exp_train_opts;

/* Trains m on d (targets standardized inside: mean/std of d's targets).
 * *first_loss / *last_loss: mean training loss (standardized units) of the
 * first and last 10% of steps. Returns 0 on success. */
int exp_train(weyl_model *m, const exp_data *d, const exp_train_opts *o, double *first_loss,
              double *last_loss, double *mean, double *std);

/* Test MSE in the data's units, predictions un-standardized by mean/std. */
double exp_test_mse(weyl_model *m, const exp_data *d, const double *mean, const double *std);

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

#endif
