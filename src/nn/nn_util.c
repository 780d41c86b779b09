/* Comparing reps by their direct summands. */
#include "nn/nn_util.h"

#include <string.h>

enum { TEXT_CAP = 4096 };

/* 1 when a and b have the same canonical text (and it fits TEXT_CAP). */
static int same_text(const weyl_rep *a, const weyl_rep *b) {
  static _Thread_local char ta[TEXT_CAP], tb[TEXT_CAP];
  int na = weyl_rep_str(a, ta, TEXT_CAP), nb = weyl_rep_str(b, tb, TEXT_CAP);
  return na < TEXT_CAP && nb < TEXT_CAP && strcmp(ta, tb) == 0;
}

int weyl_nn_rep_same(const weyl_rep *a, const weyl_rep *b) {
  if (a == b)
    return 1;
  if (!a || !b || weyl_rep_group(a) != weyl_rep_group(b) || weyl_rep_dim(a) != weyl_rep_dim(b))
    return 0;
  if (same_text(a, b))
    return 1;
  weyl_rep **pa = NULL, **pb = NULL;
  int na = 0, nb = 0, same = 0;
  if (weyl_rep_summands(a, &pa, &na) == WEYL_OK && weyl_rep_summands(b, &pb, &nb) == WEYL_OK &&
      na == nb) {
    same = 1;
    for (int i = 0; same && i < na; i++)
      same = same_text(pa[i], pb[i]);
  }
  weyl_rep_parts_free(pa, na);
  weyl_rep_parts_free(pb, nb);
  return same;
}
