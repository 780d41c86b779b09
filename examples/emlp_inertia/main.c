/* O(3) inertia tensor from the EMLP paper: 5 point masses m_i > 0 at
 * positions x_i in R^3; target the inertia tensor
 *     I = sum_i m_i (|x_i|^2 Id - x_i x_i^T)      (a V**2, flattened 3x3).
 * Masses are softplus of standard normals, positions standard normal (the
 * paper's generator). Input rep 5*Scalar + 5*V (masses first), output V**2. */
#include <math.h>

#include "common.h"

enum { K = 5 };

static void draw(weyl_rng *rng, double *x, double *y) {
  for (int i = 0; i < K; i++)
    x[i] = log1p(exp(weyl_rng_normal(rng)));
  for (int i = K; i < 4 * K; i++)
    x[i] = weyl_rng_normal(rng);
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

int main(int argc, char **argv) {
  const exp_task task = {.name = "emlp_inertia",
                         .title = "O(3) inertia tensor: test MSE",
                         .group = "O(3)",
                         .rep_in = "5*Scalar + 5*V",
                         .rep_out = "V**2",
                         .draw = draw,
                         .equivariant_output = 1,
                         .aug_scale = 1.0,
                         .check_scale = 1.0,
                         .paper_emlp = 0.06};
  return exp_main(argc, argv, &task);
}
