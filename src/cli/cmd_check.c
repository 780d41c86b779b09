/* weyl check: validate a group and describe it (generators, reps, order). */
#include <string.h>

#include "cli.h"

static void print_names(const weyl_group *g, int n, const char *(*name)(const weyl_group *, int)) {
  for (int k = 0; k < n; k++) printf(" %s", name(g, k));
}

static void print_group(const weyl_group *g, const char *file) {
  int nd = weyl_group_ndisc(g), na = weyl_group_nalg(g);
  printf("group %s", weyl_group_name(g));
  if (file) printf(" (from %s)", file);
  printf("\ngenerators: %d discrete", nd);
  print_names(g, nd, weyl_group_disc_name);
  printf(", %d algebra", na);
  print_names(g, na, weyl_group_alg_name);
  printf("\nreps: %d\n", weyl_group_nleaves(g));
  for (int i = 0; i < weyl_group_nleaves(g); i++)
    printf("  %-12s dim %d%s\n", weyl_group_leaf_name(g, i), weyl_group_leaf_dim(g, i),
           i == 0 ? "  (V)" : "");
}

/* The order is computed before anything is printed, so that a failure leaves
 * standard output empty. Hitting the enumeration limit is not an error of the
 * file: the group is valid, only large. */
static int print_order(weyl_group *g, const char *file) {
  long order = 0;
  weyl_status s = WEYL_OK;
  if (weyl_group_nalg(g) == 0) s = weyl_group_order(g, 0, &order);
  if (s && s != WEYL_ELIMIT) return cli_fail(s, NULL);
  print_group(g, file);
  if (weyl_group_nalg(g) > 0)
    printf("order: infinite (continuous: %d algebra generators)\n", weyl_group_nalg(g));
  else if (s == WEYL_ELIMIT)
    printf("order: more than %d (enumeration limit)\n", WEYL_DEFAULT_MAX_ORDER);
  else
    printf("order: %ld\n", order);
  return CLI_OK;
}

int cmd_check(int argc, char **argv) {
  const char *file = NULL, *group = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      cli_print_help(stdout);
      return CLI_OK;
    }
    int r = cli_take_value(argc, argv, &i, "--group", &group);
    if (r < 0) return CLI_EUSAGE;
    if (r > 0) continue;
    if (argv[i][0] == '-' && argv[i][1])
      return cli_usage("unknown option '%s' for 'weyl check'", argv[i]);
    if (file) return cli_usage("more than one .rep file: '%s' and '%s'", file, argv[i]);
    file = argv[i];
  }
  weyl_group *g = NULL;
  int rc = cli_load_group(file, group, &g);
  if (rc) return rc;
  rc = print_order(g, file);
  weyl_group_free(g);
  return rc;
}
