/* weyl — everything in one include: `#include <weyl/weyl.h>`.
 *
 * weyl solves rho_out(h) W = W rho_in(h) and drho_out(A) W = W drho_in(A)
 * for the linear maps W between two representations of a group and returns a
 * basis of them (the weight-sharing pattern of an equivariant layer).
 *
 * Headers, one per concept: status.h (status codes, weyl_last_error),
 * group.h (built-in groups), repfile.h (.rep files), rep.h (representations
 * and the expression parser), basis.h (the solver), io.h (text, JSON and
 * NumPy writers), version.h (version macros). Link with `-lweyl`
 * (pkg-config weyl) or, in CMake, find_package(weyl) and weyl::weyl. */
#ifndef WEYL_WEYL_H
#define WEYL_WEYL_H

#include "weyl/version.h"
#include "weyl/status.h"
#include "weyl/group.h"
#include "weyl/repfile.h"
#include "weyl/rep.h"
#include "weyl/basis.h"
#include "weyl/io.h"
#include "weyl/conv.h"
#include "weyl/group_check.h"
#include "weyl/sample.h"
#include "weyl/layer.h"
#include "weyl/bilinear.h"
#include "weyl/nonlin.h"
#include "weyl/model.h"

#endif
