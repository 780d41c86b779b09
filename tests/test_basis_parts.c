/* The stored form of a basis: the element rebuilt by a plain loop from the
 * block data and the places equals weyl_basis_element; weyl_basis_assemble
 * gives back the same basis from those views; and it refuses parts that do
 * not hold together, naming the problem, without crashing. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "solved.h"

static solved solve(const char *group, const char *in, const char *out) {
  return solved_basis(group, in, out, NULL);
}

/* Element k from the stored form, by the rule of basis.h. */
static void element_from_parts(const weyl_basis *b, int k, double *W) {
  int ni = weyl_basis_in_dim(b);
  memset(W, 0, sizeof(double) * ni * weyl_basis_out_dim(b));
  for (int p = 0; p < weyl_basis_nplaces(b); p++) {
    weyl_basis_place pl;
    weyl_basis_block_data d;
    cr_assert_eq(weyl_basis_place_get(b, p, &pl), WEYL_OK);
    cr_assert_eq(weyl_basis_block_data_get(b, pl.block, &d), WEYL_OK);
    if (k < pl.param0 || k >= pl.param0 + d.dim) continue;
    for (int i = 0; i < d.out_dim; i++)
      for (int j = 0; j < d.in_dim; j++) {
        int e = i * d.in_dim + j;
        size_t at = (size_t)(k - pl.param0) * d.out_dim * d.in_dim + e;
        W[(pl.row0 + i) * ni + pl.col0 + j] = d.orbit ? d.orbit[e] == k - pl.param0 : d.mats[at];
      }
  }
}

/* The parts of b (arrays new; free with parts_free). */
static weyl_basis_parts parts_of(const weyl_basis *b) {
  int nb = weyl_basis_nblocks(b), np = weyl_basis_nplaces(b);
  weyl_basis_block_data *data = calloc(nb + 1, sizeof *data);
  weyl_basis_block_info *info = calloc(nb + 1, sizeof *info);
  weyl_basis_place *places = calloc(np + 1, sizeof *places);
  for (int i = 0; i < nb; i++) {
    weyl_basis_block_data_get(b, i, &data[i]);
    weyl_basis_block_info_get(b, i, &info[i]);
  }
  for (int p = 0; p < np; p++) weyl_basis_place_get(b, p, &places[p]);
  return (weyl_basis_parts){weyl_basis_in_dim(b), weyl_basis_out_dim(b), weyl_basis_rtol(b), 0.5,
                            nb, data, info, np, places};
}

static void parts_free(weyl_basis_parts *p) {
  free((void *)p->data);
  free((void *)p->info);
  free((void *)p->places);
}

Test(basis_parts, the_stored_form_rebuilds_every_element) {
  const char *cases[][3] = {{"Z(6)", "V + 2*Scalar", "V + regular"},
                            {"SO(3)", "V**2 + Scalar", "V + 2*V**2"},
                            {"S(4)", "V*V", "V + Scalar"}};
  for (int c = 0; c < 3; c++) {
    solved s = solve(cases[c][0], cases[c][1], cases[c][2]);
    size_t n = (size_t)weyl_basis_in_dim(s.b) * weyl_basis_out_dim(s.b);
    double *want = malloc(n * sizeof *want), *got = malloc(n * sizeof *got);
    weyl_basis_parts parts = parts_of(s.b);
    weyl_basis *copy = NULL;
    cr_assert_eq(weyl_basis_assemble(&parts, &copy), WEYL_OK, "%s", weyl_status_last_error());
    cr_assert_eq(weyl_basis_dim(copy), weyl_basis_dim(s.b));
    cr_assert_eq(weyl_basis_is_exact(copy), weyl_basis_is_exact(s.b));
    cr_assert_eq(weyl_basis_report_get(copy)->seconds, 0.5);
    for (int k = 0; k < weyl_basis_dim(s.b); k++) {
      weyl_basis_element(s.b, k, want);
      element_from_parts(s.b, k, got);
      cr_assert(memcmp(want, got, n * sizeof *got) == 0, "%s: element %d", cases[c][1], k);
      weyl_basis_element(copy, k, got);
      cr_assert(memcmp(want, got, n * sizeof *got) == 0, "%s: assembled element %d", cases[c][1],
                k);
    }
    parts_free(&parts);
    weyl_basis_free(copy);
    free(want);
    free(got);
    solved_free(&s);
  }
}

static void assert_refused(const weyl_basis_parts *p, const char *what) {
  weyl_basis *b = NULL;
  cr_assert_eq(weyl_basis_assemble(p, &b), WEYL_EINVAL, "%s", what);
  cr_assert_null(b, "%s", what);
  cr_assert(strlen(weyl_status_last_error()) > 0, "%s", what);
}

Test(basis_parts, inconsistent_parts_are_refused) {
  solved s = solve("Z(3)", "V + Scalar", "V"); /* orbit blocks V->V (dim 3), Scalar->V (dim 1) */
  weyl_basis_parts p = parts_of(s.b);
  weyl_basis_block_data *data = (weyl_basis_block_data *)p.data;
  weyl_basis_block_info *info = (weyl_basis_block_info *)p.info;
  weyl_basis_place *places = (weyl_basis_place *)p.places;
  int labels[9];
  memcpy(labels, data[0].orbit, sizeof labels);
  data[0].orbit = labels;

  labels[4] = 3;
  assert_refused(&p, "a label past dim");
  labels[4] = 0;
  for (int e = 0; e < 9; e++) labels[e] = labels[e] == 2 ? 1 : labels[e];
  assert_refused(&p, "an empty element (no entry has label 2 of 3)");

  double mats[3 * 9] = {0};
  data[0].mats = mats;
  assert_refused(&p, "labels and matrices");
  data[0].orbit = NULL;
  info[0].path = "dense";
  assert_refused(&p, "a zero matrix");
  for (int k = 0; k < 3; k++) mats[k * 9 + k] = k == 1 ? NAN : 1;
  assert_refused(&p, "a NaN");
  mats[1 * 9 + 1] = 1;
  weyl_basis *ok = NULL;
  cr_assert_eq(weyl_basis_assemble(&p, &ok), WEYL_OK, "dense 3 x 3 diagonal units: %s",
               weyl_status_last_error());
  weyl_basis_free(ok);
  info[0].path = "auto";
  assert_refused(&p, "path auto");
  info[0].path = "dense";
  info[0].copies = 0;
  assert_refused(&p, "no copies");
  info[0].copies = 1;

  places[0].row0 = 1;
  assert_refused(&p, "a place outside W");
  places[0].row0 = 0;
  places[1].param0 += 1;
  assert_refused(&p, "a gap in the element numbers");
  places[1].param0 -= 1;
  places[1].block = 7;
  assert_refused(&p, "a block out of range");
  places[1].block = 1;
  p.rtol = 0;
  assert_refused(&p, "no tolerance");
  cr_assert_eq(weyl_basis_assemble(NULL, &ok), WEYL_EINVAL);
  parts_free(&p);
  solved_free(&s);
}
