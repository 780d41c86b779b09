/* libFuzzer target: the .rep parser (weyl_repfile_parse) on arbitrary bytes.
 * When a file parses, the group is also enumerated and checked (small
 * limits) and V -> V
 * is solved if small, so that whatever the parser accepts is also safe to use. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "weyl/group_check.h"
#include "weyl/repfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  weyl_group *g = NULL;
  if (weyl_repfile_parse((const char *)data, size, "fuzz.rep", &g) != WEYL_OK)
    return 0;
  long order = 0;
  if (weyl_group_nalg(g) == 0)
    weyl_group_order(g, 500, &order);
  static weyl_group_check_report report; /* 8 KB: not on the stack */
  weyl_group_check(g, 200, &report);
  weyl_rep *v = NULL;
  if (weyl_rep_parse(g, "V", &v) == WEYL_OK)
    fuzz_solve(v, v, 0);
  weyl_rep_free(v);
  weyl_group_free(g);
  return 0;
}
