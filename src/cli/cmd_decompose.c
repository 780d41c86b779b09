/* weyl decompose: the isotypic decomposition of a rep (weyl/decomp.h). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "weyl/decomp.h"
#include "weyl/group_check.h"

/* A name for type t: for SO(3) the spin (dim - 1) / 2; otherwise the
 * dimension, with a letter when several types share it (3a, 3b). */
static void type_name(const weyl_group *g, const weyl_decomp *d, int t, char *buf, size_t cap) {
  int r = weyl_decomp_type_dim(d, t), first = t, count = 0;
  if (!strcmp(weyl_group_name(g), "SO(3)") && r % 2 == 1) {
    snprintf(buf, cap, "spin %d", (r - 1) / 2);
    return;
  }
  for (int u = 0; u < weyl_decomp_ntypes(d); u++)
    if (weyl_decomp_type_dim(d, u) == r) {
      if (u < first) first = u;
      count++;
    }
  if (count == 1 || t - first >= 26) snprintf(buf, cap, "%d", r);
  else snprintf(buf, cap, "%d%c", r, 'a' + (t - first));
}

static void print_decomp(const weyl_group *g, const char *expr, const weyl_decomp *d) {
  int nt = weyl_decomp_ntypes(d);
  long end = 0;
  printf("group %s, rep %s: dimension %d = %d irreducible type%s, %d cop%s\n",
         weyl_group_name(g), expr, weyl_decomp_dim(d), nt, nt == 1 ? "" : "s",
         weyl_decomp_ncopies(d), weyl_decomp_ncopies(d) == 1 ? "y" : "ies");
  printf("  %-8s %5s %5s  %-12s %s\n", "piece", "dim", "mult", "type", "dim End");
  for (int t = 0; t < nt; t++) {
    char name[32];
    type_name(g, d, t, name, sizeof name);
    int e = weyl_decomp_type_end(d, t), m = weyl_decomp_type_mult(d, t);
    printf("  %-8s %5d %5d  %-12s %d\n", name, weyl_decomp_type_dim(d, t), m,
           weyl_decomp_kind_name(e), e);
    end += (long)m * m * e;
  }
  printf("dim Hom(rep, rep) predicted: %ld (sum of mult^2 * dim End)\n", end);
}

int cmd_decompose(int argc, char **argv) {
  const char *file = NULL, *group = NULL, *expr = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      cli_print_help(stdout);
      return CLI_OK;
    }
    int r = cli_take_value(argc, argv, &i, "--group", &group);
    if (!r) r = cli_take_value(argc, argv, &i, "--rep", &expr);
    if (r < 0) return CLI_EUSAGE;
    if (r > 0) continue;
    if ((r = cli_take_file("decompose", argv[i], &file)) != CLI_OK) return r;
  }
  if (!expr) return cli_usage("missing --rep EXPR");
  weyl_group *g = NULL;
  int rc = cli_load_group(file, group, &g);
  if (rc) return rc;
  weyl_rep *rep = NULL;
  weyl_decomp *d = NULL;
  weyl_status s = file ? weyl_group_check_consistent(g, file) : WEYL_OK;
  const char *context = NULL;
  if (!s) {
    context = "--rep";
    s = weyl_rep_parse(g, expr, &rep);
  }
  if (!s) {
    context = NULL;
    s = weyl_decomp_new(rep, &d);
  }
  if (!s) print_decomp(g, expr, d);
  rc = s ? cli_fail(s, context) : CLI_OK;
  weyl_decomp_free(d);
  weyl_rep_free(rep);
  weyl_group_free(g);
  return rc;
}
