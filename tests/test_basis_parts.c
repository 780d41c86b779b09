/* The stored form of a basis: the element rebuilt by a plain loop from the
 * block data and the places equals weyl_basis_element; weyl_basis_assemble
 * gives back the same basis from those views; and it refuses parts that do
 * not hold together, naming the problem, without crashing. Factored
 * (isotypic) blocks give factors from which a plain loop rebuilds their
 * elements. */
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
  weyl_basis_block_factors *factors = calloc(nb + 1, sizeof *factors);
  for (int i = 0; i < nb; i++) {
    if (weyl_basis_block_is_factored(b, i)) { /* its factors, not its dense view */
      weyl_basis_block_factors_get(b, i, &factors[i]);
      data[i] = (weyl_basis_block_data){factors[i].out_dim, factors[i].in_dim, factors[i].dim,
                                        NULL, NULL};
    } else {
      weyl_basis_block_data_get(b, i, &data[i]);
    }
    weyl_basis_block_info_get(b, i, &info[i]);
  }
  for (int p = 0; p < np; p++) weyl_basis_place_get(b, p, &places[p]);
  return (weyl_basis_parts){weyl_basis_in_dim(b), weyl_basis_out_dim(b), weyl_basis_rtol(b), 0.5,
                            nb, data, info, np, places, factors};
}

static void parts_free(weyl_basis_parts *p) {
  free((void *)p->factors);
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

/* Element k of factored block f by the formula of basis.h, plain loops:
 * W = Q_out[:, co..co+r) T Q_in[:, ci..ci+r)^T, Q column-major. */
static void element_from_factors(const weyl_basis_block_factors *f, int k, double *W) {
  int ci = f->fac[4 * k], co = f->fac[4 * k + 1], r = f->fac[4 * k + 2];
  const double *T = f->t + f->fac[4 * k + 3];
  for (int i = 0; i < f->out_dim; i++)
    for (int j = 0; j < f->in_dim; j++) {
      double w = 0;
      for (int a = 0; a < r; a++)
        for (int c = 0; c < r; c++)
          w += f->q_out[(size_t)(co + a) * f->out_dim + i] * T[a * r + c] *
               f->q_in[(size_t)(ci + c) * f->in_dim + j];
      W[(size_t)i * f->in_dim + j] = w;
    }
}

Test(basis_parts, factored_blocks_give_their_factors) {
  weyl_basis_opts iso = {.solver = WEYL_BASIS_SOLVER_ISOTYPIC};
  const char *cases[][3] = {{"SO(3)", "V**3", "V**3"}, {"SO(4)", "V**2", "V**2"},
                            {"SO(3)", "V**2", "V + V**2"}};
  for (int c = 0; c < 3; c++) {
    solved s = solved_basis(cases[c][0], cases[c][1], cases[c][2], &iso);
    int ni = weyl_basis_in_dim(s.b), no = weyl_basis_out_dim(s.b), factored = 0;
    double *W = calloc((size_t)ni * no, sizeof *W), *B = calloc((size_t)ni * no, sizeof *B);
    for (int p = 0; p < weyl_basis_nplaces(s.b); p++) {
      weyl_basis_place pl;
      weyl_basis_block_factors f;
      weyl_basis_place_get(s.b, p, &pl);
      if (!weyl_basis_block_is_factored(s.b, pl.block)) continue;
      factored++;
      cr_assert_eq(weyl_basis_block_factors_get(s.b, pl.block, &f), WEYL_OK);
      for (int k = 0; k < f.dim; k++) {
        cr_assert(f.fac[4 * k + 3] + (size_t)f.fac[4 * k + 2] * f.fac[4 * k + 2] <= f.n_t);
        weyl_basis_element(s.b, pl.param0 + k, W);
        element_from_factors(&f, k, B);
        double err = 0;
        for (int i = 0; i < f.out_dim; i++)
          for (int j = 0; j < f.in_dim; j++)
            err = fmax(err, fabs(B[(size_t)i * f.in_dim + j] -
                                 W[(size_t)(pl.row0 + i) * ni + pl.col0 + j]));
        cr_assert(err <= 1e-12, "%s %s -> %s element %d: %g", cases[c][0], cases[c][1],
                  cases[c][2], pl.param0 + k, err);
      }
    }
    cr_assert_gt(factored, 0, "%s %s: the isotypic path held blocks factored", cases[c][0],
                 cases[c][1]);
    /* reassembled from its factors: factored again, the same elements */
    weyl_basis_parts parts = parts_of(s.b);
    weyl_basis *copy = NULL;
    cr_assert_eq(weyl_basis_assemble(&parts, &copy), WEYL_OK, "%s", weyl_status_last_error());
    for (int i = 0; i < weyl_basis_nblocks(s.b); i++)
      cr_assert_eq(weyl_basis_block_is_factored(copy, i), weyl_basis_block_is_factored(s.b, i));
    for (int k = 0; k < weyl_basis_dim(s.b); k++) {
      weyl_basis_element(s.b, k, W);
      weyl_basis_element(copy, k, B);
      cr_assert(memcmp(W, B, sizeof *W * ni * no) == 0, "assembled element %d", k);
    }
    weyl_basis_free(copy);
    /* factors that do not hold together are refused */
    weyl_basis_block_factors *f = (weyl_basis_block_factors *)parts.factors;
    int fb = parts.places[0].block, saved = f[fb].fac[2];
    ((int *)f[fb].fac)[2] = ni + 1; /* a piece wider than Q (the basis's own table, restored) */
    cr_assert_eq(weyl_basis_assemble(&parts, &copy), WEYL_EINVAL);
    cr_assert(strstr(weyl_status_last_error(), "outside its factors"), "%s",
              weyl_status_last_error());
    ((int *)f[fb].fac)[2] = saved;
    f[fb].dim++;
    cr_assert_eq(weyl_basis_assemble(&parts, &copy), WEYL_EINVAL);
    f[fb].dim--;
    parts_free(&parts);
    free(W), free(B);
    solved_free(&s);
  }
  /* not factored: refused with a reason; NULLs and ranges */
  solved s = solve("Z(6)", "V", "V");
  weyl_basis_block_factors f;
  cr_assert_eq(weyl_basis_block_is_factored(s.b, 0), 0);
  cr_assert_eq(weyl_basis_block_factors_get(s.b, 0, &f), WEYL_EINVAL);
  cr_assert(strstr(weyl_status_last_error(), "not factored"), "%s", weyl_status_last_error());
  cr_assert_eq(weyl_basis_block_factors_get(s.b, 9, &f), WEYL_EINVAL);
  cr_assert_eq(weyl_basis_block_factors_get(NULL, 0, &f), WEYL_EINVAL);
  cr_assert_eq(weyl_basis_block_factors_get(s.b, 0, NULL), WEYL_EINVAL);
  cr_assert_eq(weyl_basis_block_is_factored(NULL, 0), 0);
  cr_assert_eq(weyl_basis_block_is_factored(s.b, -1), 0);
  solved_free(&s);
}
