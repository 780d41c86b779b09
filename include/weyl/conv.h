/* weyl — convolutions as a special case: grids as groups, and locality.
 *
 * The grid groups T(n), T(h,w), p4(n), p4m(n) and the kernel groups C4(k),
 * D4(k) are built-in groups (group.h has their catalogue and pixel layout).
 *
 * Locality. Convolutions are the equivariant maps whose weights connect only
 * nearby pixels. weyl_conv_restrict intersects a solved space with any
 * support mask; weyl_conv_local builds the k x k neighbourhood mask of a grid
 * group (periodic distance) and restricts to it. */
#ifndef WEYL_CONV_H
#define WEYL_CONV_H

#include "weyl/basis.h"
#include "weyl/svg.h"

/* The pixel grid of a grid group (T, p4, p4m). Returns WEYL_EINVAL for any
 * other group. */
weyl_status weyl_conv_grid(const weyl_group *g, int *h, int *w);

/* The pixel of every index of rep (dim entries, caller-allocated): pos[i] in
 * [0, h*w), or -1 for an index that sits nowhere (Scalar). rep may be built
 * from V, regular, Scalar by sums, copies and duals of a grid group.
 * Returns WEYL_EINVAL for other groups and for tensor products. */
weyl_status weyl_conv_positions(const weyl_rep *rep, int *pos);

/* The k x k neighbourhood mask for maps in -> out: mask[i*in_dim + j] = 1
 * when the pixels of out index i and in index j are at periodic row and
 * column distance <= (k-1)/2, or when either sits nowhere; else 0. *mask is
 * new (free with weyl_conv_mask_free). Returns WEYL_EINVAL for an even or
 * non-positive k and for reps weyl_conv_positions refuses. */
weyl_status weyl_conv_local_mask(const weyl_rep *in, const weyl_rep *out, int k,
                                 unsigned char **mask);
/* Frees a mask from weyl_conv_local_mask; NULL is allowed. */
void weyl_conv_mask_free(unsigned char *mask);

/* The part of b's span supported on mask (out_dim x in_dim bytes, non-zero =
 * allowed). For exact blocks these are the orbits lying wholly inside the
 * mask (no tolerance: orbit indicators are disjoint). For dense blocks the
 * coefficients c with |sum_k c_k B_k| zero outside the mask: the singular
 * vectors of the outside part with singular value <= tol (the elements are
 * orthonormal, so values lie in [0, 1]; tol <= 0 means WEYL_BASIS_DEFAULT_RTOL);
 * the values around the cut enter the report. *out is a new basis
 * (weyl_basis_free). Returns WEYL_ENOMEM, WEYL_ENUMERIC. */
weyl_status weyl_conv_restrict(const weyl_basis *b, const unsigned char *mask, double tol,
                               weyl_basis **out);

/* weyl_conv_local_mask + weyl_conv_restrict: the local (k x k kernel)
 * equivariant maps, b being the solved basis for in -> out. */
weyl_status weyl_conv_local(const weyl_rep *in, const weyl_rep *out, const weyl_basis *b, int k,
                            double tol, weyl_basis **local);

/* Pictures of the filters (for weyl_svg_write, svg.h) of a map in -> out of a
 * grid or kernel group. Panel row r is the r-th output index sitting on
 * pixel (0,0) or on no pixel (at most 64 rows are drawn); panel column c is
 * the c-th input block: a copy of V, one stabiliser channel of regular (h*w
 * consecutive indices), or a single index that sits on no pixel. A block is
 * drawn as the k x k window of pixels around (0,0) for a grid group (k <= 0:
 * the whole grid, centred on (0,0)) and as the whole kernel for a kernel
 * group; so a p4 lifting layer shows 4 rotated copies of one 3 x 3 filter.
 * *panels is new (free with weyl_conv_svg_panels_free); *n receives the count.
 * Returns WEYL_EINVAL for other groups and tensor products. */
weyl_status weyl_conv_svg_panels(const weyl_rep *in, const weyl_rep *out, int k,
                                 weyl_svg_panel **panels, int *n);

/* Frees panels from weyl_conv_svg_panels (their cell arrays too); NULL is
 * allowed. */
void weyl_conv_svg_panels_free(weyl_svg_panel *panels);

#endif
