/* O(5)-invariant regression from the EMLP paper (Finzi, Welling, Wilson 2021,
 * section 7): x1, x2 in R^5 (standard normal), target
 *     f(x1, x2) = sin|x1| - |x2|^3 / 2 + x1.x2 / (|x1| |x2|).
 * EMLP for O(5) (input 2*V, output Scalar) vs a plain MLP vs an MLP trained
 * on randomly rotated and reflected copies. See README.md. */
#include <math.h>

#include "common.h"

enum { D = 5 };

static void example(const double *z, double *x, double *y) {
  for (int i = 0; i < 2 * D; i++)
    x[i] = z[i];
  const double *a = x, *b = x + D;
  double na = 0, nb = 0, dot = 0;
  for (int i = 0; i < D; i++)
    na += a[i] * a[i], nb += b[i] * b[i], dot += a[i] * b[i];
  na = sqrt(na), nb = sqrt(nb);
  y[0] = sin(na) - 0.5 * nb * nb * nb + dot / (na * nb);
}

/* The paper's published test MSE (EMLP for O(5), MLP, MLP + augmentation;
 * mean and std over three seeds), from emlp's
 * experiments/notebooks/synthetic_results_all.csv. */
static const exp_paper_row PAPER[] = {
    {30, {{0.1519, 0.075}, {28.1, 3.8}, {0.4758, 0.13}}},
    {100, {{0.04081, 0.0021}, {2.831, 0.14}, {0.3973, 0.13}}},
    {300, {{0.03442, 0.0031}, {0.2482, 0.024}, {0.09362, 0.013}}},
    {1000, {{0.01701, 0.0053}, {0.08924, 0.0045}, {0.06334, 0.007}}},
    {3000, {{0.03103, 0.0071}, {0.06234, 0.00083}, {0.08891, 0.011}}},
};

int main(int argc, char **argv) {
  const exp_task task = {.name = "emlp_o5",
                         .title = "O(5)-invariant regression: test MSE",
                         .group = "O(5)",
                         .rep_in = "2*V",
                         .rep_out = "Scalar",
                         .example = example,
                         .x_blocks = 2,
                         .aug_scale = 1.0,
                         .check_scale = 1.0,
                         .paper_emlp = 0.023,
                         .paper = PAPER,
                         .n_paper = 5};
  return exp_main(argc, argv, &task);
}
