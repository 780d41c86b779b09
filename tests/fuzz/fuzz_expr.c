/* libFuzzer target: the representation expression parser (weyl_rep_parse)
 * and the built-in group names (weyl_group_builtin).
 *
 * Input: the first byte picks the mode; the rest is text (cut at the first
 * NUL). Mode 0: the text is a built-in group name. Other modes: the text is an
 * expression over one of a few fixed groups (built-ins and a .rep file with a
 * dense, a permutation, a 1-dim and a non-orthogonal rep, which the solver
 * makes orthogonal by averaging; SO(3) and O(2) with algebra generators
 * scaled by 1e-300..1e150), solved against V when small. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "weyl/repfile.h"

static const char REP_TEXT[] = "group D3m\n"
                               "generators r f\n"
                               "rep tri 2\n"
                               "  r matrix -1/2 -sqrt(3)/2 sqrt(3)/2 -1/2\n"
                               "  f matrix 1 0 0 -1\n"
                               "rep pts 3\n"
                               "  r perm 1 2 0\n"
                               "  f perm 0 2 1\n"
                               "rep sign 1\n"
                               "  r identity\n"
                               "  f matrix -1\n"
                               "rep skew 2\n" /* tri conjugated by diag(3, 1): averaged */
                               "  r matrix -1/2 -3*sqrt(3)/2 sqrt(3)/6 -1/2\n"
                               "  f matrix 1 0 0 -1\n";

/* The same groups with badly scaled algebra generators (issue 16): c A is
 * the same Lie algebra as A, so every basis must be as good as unscaled,
 * which the equivariance check (relative to the generators) asserts. */
static const char SCALED_SO3[] = "group SO3scaled\n"
                                 "algebra Lx Ly Lz\n"
                                 "rep V 3\n"
                                 "  Lx matrix 0 0 0 0 0 -1e150 0 1e150 0\n"
                                 "  Ly matrix 0 0 1e-150 0 0 0 -1e-150 0 0\n"
                                 "  Lz matrix 0 -1e12 0 1e12 0 0 0 0 0\n";
static const char SCALED_O2[] = "group O2scaled\n"
                                "generators f\n"
                                "algebra J\n"
                                "rep V 2\n"
                                "  f matrix 1 0 0 -1\n"
                                "  J matrix 0 -1e-300 1e-300 0\n";
static const char *const TEXTS[] = {REP_TEXT, SCALED_SO3, SCALED_O2};
enum { NTEXTS = sizeof TEXTS / sizeof *TEXTS };

static const char *const BUILTINS[] = {"Z(4)", "D(3)",    "S(3)",  "SO(3)",
                                       "O(2)", "SO(1,3)", "Sp(4)", "Z(2) x S(3)"};
enum { NGROUPS = sizeof BUILTINS / sizeof *BUILTINS + NTEXTS };

static weyl_group *groups[NGROUPS];

static void load_groups(void) {
  if (groups[0])
    return;
  for (int i = 0; i < NTEXTS; i++) /* the fixed texts are valid: failing is a finding */
    if (weyl_repfile_parse(TEXTS[i], strlen(TEXTS[i]), "fixed.rep", &groups[i]) != WEYL_OK)
      abort();
  for (int i = NTEXTS; i < NGROUPS; i++)
    if (weyl_group_builtin(BUILTINS[i - NTEXTS], &groups[i]) != WEYL_OK)
      abort();
}

static void fuzz_builtin(const char *name) {
  weyl_group *g = NULL;
  if (weyl_group_builtin(name, &g) != WEYL_OK)
    return;
  weyl_rep *v = NULL;
  if (weyl_rep_parse(g, "V", &v) == WEYL_OK)
    fuzz_solve(v, v, 1);
  weyl_rep_free(v);
  weyl_group_free(g);
}

static void fuzz_expression(weyl_group *g, const char *expr) {
  weyl_rep *r = NULL, *v = NULL;
  if (weyl_rep_parse(g, expr, &r) != WEYL_OK)
    return;
  char buf[256];
  weyl_rep_str(r, buf, sizeof buf);
  if (weyl_rep_parse(g, "V", &v) == WEYL_OK) {
    fuzz_solve(r, v, 1);
    fuzz_solve(r, r, 1);
  }
  weyl_rep_free(v);
  weyl_rep_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > 8192)
    return 0;
  load_groups();
  char *text = malloc(size);
  if (!text)
    return 0;
  memcpy(text, data + 1, size - 1);
  text[size - 1] = '\0';
  int mode = data[0] % (NGROUPS + 1);
  if (mode == 0)
    fuzz_builtin(text);
  else
    fuzz_expression(groups[mode - 1], text);
  free(text);
  return 0;
}
