/* A program outside the weyl tree, built against an INSTALLED weyl (CI builds
 * it with find_package(weyl) and with pkg-config; see build-installed.sh).
 *
 * It solves Hom(regular, regular) for Z(n): the answer must be the n x n
 * circulant matrices, W[i][j] depending only on (i - j) mod n. It checks that
 * with plain loops, checks the version it was compiled against is the one it
 * runs with, and that a bad group name comes back as an error message.
 * Exit status 0 when every check holds. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <weyl/weyl.h>

enum { N = 6 };

static int check(int ok, const char *what) {
  printf("%-58s %s\n", what, ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}

/* W is circulant when every entry equals the one on its wrapped diagonal in row 0. */
static int is_circulant(const double *W, int n) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      if (fabs(W[i * n + j] - W[(j - i + n) % n]) > 1e-12) return 0;
  return 1;
}

static int circulant_basis(void) {
  weyl_group *g = NULL;
  weyl_rep *reg = NULL;
  weyl_basis *b = NULL;
  int failed = 0;
  if (weyl_group_builtin("Z(6)", &g) || weyl_rep_parse(g, "regular", &reg) ||
      weyl_basis_solve(reg, reg, NULL, &b)) {
    fprintf(stderr, "consumer: %s\n", weyl_status_last_error());
    failed = 1;
  } else {
    double theta[N], W[N * N];
    for (int k = 0; k < N; k++) theta[k] = 1.0 + k * k; /* arbitrary, distinct */
    failed |= check(weyl_basis_dim(b) == N, "Z(6) regular -> regular has 6 weights");
    failed |= check(weyl_basis_combine(b, theta, W) == WEYL_OK && is_circulant(W, N),
                    "every combination is circulant");
  }
  weyl_basis_free(b);
  weyl_rep_free(reg);
  weyl_group_free(g);
  return failed;
}

static int bad_name_is_an_error(void) {
  weyl_group *g = NULL;
  weyl_status s = weyl_group_builtin("Q(3)", &g);
  weyl_group_free(g);
  printf("  error for Q(3): %s\n", weyl_status_last_error());
  return check(s != WEYL_OK && strlen(weyl_status_last_error()) > 0,
               "unknown group is an error with a message");
}

int main(void) {
  printf("compiled against weyl %s, running with %s\n", WEYL_VERSION_STRING, weyl_version());
  int failed = check(strcmp(WEYL_VERSION_STRING, weyl_version()) == 0, "header and library versions agree");
  failed |= circulant_basis();
  failed |= bad_name_is_an_error();
  return failed;
}
