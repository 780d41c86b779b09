#include "group/group_build.h"
weyl_status weyl_build_finite(const char *name, const char *fam, int nargs, const long *arg,
                              weyl_group **out, int *claimed) {
  (void)name, (void)fam, (void)nargs, (void)arg, (void)out;
  *claimed = 0;
  return WEYL_OK;
}
