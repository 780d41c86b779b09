/* The random number generator: reproducible streams, normal moments. */
#include <criterion/criterion.h>
#include <math.h>

#include "weyl/rng.h"

Test(rng, is_deterministic_and_normal_has_unit_variance) {
  weyl_rng a, b;
  weyl_rng_seed(&a, 7);
  weyl_rng_seed(&b, 7);
  for (int i = 0; i < 100; i++)
    cr_assert_eq(weyl_rng_next(&a), weyl_rng_next(&b));
  double s = 0, s2 = 0;
  int n = 200000;
  for (int i = 0; i < n; i++) {
    double z = weyl_rng_normal(&a);
    s += z;
    s2 += z * z;
  }
  cr_expect(fabs(s / n) < 0.01, "mean %g", s / n);
  cr_expect(fabs(s2 / n - 1) < 0.02, "variance %g", s2 / n);
}
