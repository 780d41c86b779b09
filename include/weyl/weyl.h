/* weyl — everything in one include: `#include <weyl/weyl.h>`.
 *
 * weyl solves rho_out(h) W = W rho_in(h) and drho_out(A) W = W drho_in(A)
 * for the linear maps W between two representations of a group and returns a
 * basis of them (the weight-sharing pattern of an equivariant layer).
 *
 * Headers, one per concept. Every public name is its header's concept
 * (weyl_rng) or starts with it (weyl_rng_seed, WEYL_REP_MAX_DIM); the status
 * codes WEYL_OK and WEYL_E* of status.h are the one exception. The headers:
 *   version.h      version macros and weyl_version
 *   status.h       status codes, weyl_status_last_error
 *   group.h        groups by generators, the built-in catalogue
 *   repfile.h      groups from .rep files
 *   group_check.h  checking that a group's reps are consistent
 *   rep.h          representations and the expression parser
 *   basis.h        the solver: equivariant bases
 *   io.h           text, JSON and NumPy writers, compact formats (labels, coo, factored)
 *   cache.h        the basis cache: solved bases kept on disk
 *   svg.h          SVG pictures of a basis
 *   conv.h         grids, locality and filter pictures (convolutions)
 *   rng.h          random numbers
 *   element.h      random group elements, the matrix exponential
 *   linear.h       equivariant linear layers
 *   bilinear.h     equivariant bilinear layers
 *   nonlin.h       equivariant nonlinearities
 *   loss.h         losses with gradients
 *   adam.h         the Adam optimizer
 *   net.h          equivariant networks composed layer by layer
 *   model.h        EMLP and MLP models (builders over net.h)
 * Link with `-lweyl`
 * (pkg-config weyl) or, in CMake, find_package(weyl) and weyl::weyl. */
#ifndef WEYL_WEYL_H
#define WEYL_WEYL_H

#include "weyl/version.h"
#include "weyl/status.h"
#include "weyl/group.h"
#include "weyl/repfile.h"
#include "weyl/rep.h"
#include "weyl/basis.h"
#include "weyl/decomp.h"
#include "weyl/io.h"
#include "weyl/cache.h"
#include "weyl/group_check.h"
#include "weyl/svg.h"
#include "weyl/conv.h"
#include "weyl/rng.h"
#include "weyl/element.h"
#include "weyl/linear.h"
#include "weyl/bilinear.h"
#include "weyl/nonlin.h"
#include "weyl/loss.h"
#include "weyl/adam.h"
#include "weyl/net.h"
#include "weyl/model.h"

#endif
