/* O(3) inertia tensor from the EMLP paper: 5 point masses m_i > 0 at
 * positions x_i in R^3; target the inertia tensor
 *     I = sum_i m_i (|x_i|^2 Id - x_i x_i^T)      (a V**2, flattened 3x3).
 * Masses are softplus of standard normals, positions standard normal (the
 * paper's generator). Input rep 5*Scalar + 5*V (masses first), output V**2. */
#include <math.h>

#include "common.h"

enum { K = 5 };

static void example(const double *z, double *x, double *y) {
  for (int i = 0; i < K; i++)
    x[i] = log1p(exp(z[i]));
  for (int i = K; i < 4 * K; i++)
    x[i] = z[i];
  for (int e = 0; e < 9; e++)
    y[e] = 0;
  for (int i = 0; i < K; i++) {
    const double *r = x + K + 3 * i;
    double r2 = r[0] * r[0] + r[1] * r[1] + r[2] * r[2];
    for (int a = 0; a < 3; a++)
      for (int b = 0; b < 3; b++)
        y[3 * a + b] += x[i] * ((a == b) * r2 - r[a] * r[b]);
  }
}

/* The paper's published test MSE (EMLP for O(3), MLP, MLP + augmentation;
 * mean and std over three seeds), from emlp's
 * experiments/notebooks/synthetic_results_all.csv. */
static const exp_paper_row PAPER[] = {
    {30, {{4.106, 0.38}, {13.43, 0.12}, {4.643, 0.039}}},
    {100, {{1.439, 0.49}, {7.908, 0.079}, {1.785, 0.065}}},
    {300, {{0.3035, 0.062}, {4.935, 0.17}, {0.4636, 0.0092}}},
    {1000, {{0.136, 0.053}, {3.236, 0.0031}, {0.1301, 0.0067}}},
    {3000, {{0.02815, 0.002}, {0.8397, 0.029}, {0.1118, 0.0025}}},
};

int main(int argc, char **argv) {
  const exp_task task = {.name = "emlp_inertia",
                         .title = "O(3) inertia tensor: test MSE",
                         .group = "O(3)",
                         .rep_in = "5*Scalar + 5*V",
                         .rep_out = "V**2",
                         .example = example,
                         .equivariant_output = 1,
                         .aug_scale = 1.0,
                         .check_scale = 1.0,
                         .paper_emlp = 0.06,
                         .paper = PAPER,
                         .n_paper = 5};
  return exp_main(argc, argv, &task);
}
