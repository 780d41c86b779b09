/* Internal: the grid groups of conv.h, reached from weyl_group_builtin. */
#ifndef WEYL_CONV_IMPL_H
#define WEYL_CONV_IMPL_H

#include "weyl/rep.h"

/* 1 when name (after blanks) starts like a grid or kernel group: "T(",
 * "p4(", "p4m(", "C4(", "D4(". Such names are parsed by weyl_conv_group_build. */
int weyl_conv_group_claims(const char *name);

/* Builds the grid/kernel group called name (see conv.h for the catalogue).
 * Returns WEYL_EPARSE for a malformed name, WEYL_ELIMIT for a grid too large. */
weyl_status weyl_conv_group_build(const char *name, weyl_group **g);

/* weyl_conv_positions without the grid check, so kernel groups work too
 * (their V is the kernel's pixels). rep must belong to a grid or kernel group. */
weyl_status weyl_conv_positions_at(const weyl_rep *rep, int *pos);

#endif
