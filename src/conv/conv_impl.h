/* Internal: what the locality and picture code of conv/ share. */
#ifndef WEYL_CONV_IMPL_H
#define WEYL_CONV_IMPL_H

#include "weyl/rep.h"

/* weyl_conv_positions without the grid check, so kernel groups work too
 * (their V is the kernel's pixels). rep must belong to a grid or kernel group. */
weyl_status weyl_conv_positions_at(const weyl_rep *rep, int *pos);

#endif
