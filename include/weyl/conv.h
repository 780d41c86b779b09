/* weyl — convolutions as a special case: grids as groups, and locality.
 *
 * Grid groups (built-ins, weyl_group_builtin), on a periodic pixel grid;
 * pixel (r, c) of an h x w grid has index r*w + c:
 *
 *   T(n)      1-D translations of n pixels        generator tx: c -> c+1
 *   T(h,w)    2-D translations                     ty: r -> r+1, tx: c -> c+1
 *   p4(n)     translations + quarter turns R of the n x n grid about pixel
 *             (0,0): ty, tx, r: (r, c) -> (-c, r), counter-clockwise on screen
 *   p4m(n)    p4 + the mirror m: (r, c) -> (r, -c)
 *
 * Their reps: V, the pixels (a permutation rep), and `regular`, functions on
 * the group: index s*h*w + t stands for the element g = T_t R^k F^f with
 * s = 4f + k the stabiliser index (s = 0 only for T; k < 4 for p4). Built
 * directly, without enumerating the group, so `regular` of p4(16) (1024
 * elements) or p4m(22) costs nothing. k channels are `k*V`, `k*regular`.
 *
 * Kernel groups, no translations, the k x k kernel rotated about its centre:
 *   C4(k)     r: (r, c) -> (k-1-c, r)           D4(k)   C4(k) + m: c -> k-1-c
 * (`V` is the kernel's pixels: `--in V --out Scalar` gives the invariant kernels.)
 *
 * Sizes: every rep given by generators has at most WEYL_MAX_LEAF_DIM (4096)
 * points: h*w <= 4096, n <= 32 for p4, n <= 22 for p4m, k <= 64.
 *
 * Locality. Convolutions are the equivariant maps whose weights connect only
 * nearby pixels. weyl_conv_restrict intersects a solved space with any
 * support mask; weyl_conv_local builds the k x k neighbourhood mask of a grid
 * group (periodic distance) and restricts to it. */
#ifndef WEYL_CONV_H
#define WEYL_CONV_H

#include "weyl/basis.h"
#include "weyl/io.h"

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
 * new (free with free()). Returns WEYL_EINVAL for an even or non-positive k
 * and for reps weyl_conv_positions refuses. */
weyl_status weyl_conv_local_mask(const weyl_rep *in, const weyl_rep *out, int k,
                                 unsigned char **mask);

/* The part of b's span supported on mask (out_dim x in_dim bytes, non-zero =
 * allowed). For exact blocks these are the orbits lying wholly inside the
 * mask (no tolerance: orbit indicators are disjoint). For dense blocks the
 * coefficients c with |sum_k c_k B_k| zero outside the mask: the singular
 * vectors of the outside part with singular value <= tol (the elements are
 * orthonormal, so values lie in [0, 1]; tol <= 0 means WEYL_DEFAULT_RTOL);
 * the values around the cut enter the report. *out is a new basis
 * (weyl_basis_free). Returns WEYL_ENOMEM, WEYL_ENUMERIC. */
weyl_status weyl_conv_restrict(const weyl_basis *b, const unsigned char *mask, double tol,
                               weyl_basis **out);

/* weyl_conv_local_mask + weyl_conv_restrict: the local (k x k kernel)
 * equivariant maps, b being the solved basis for in -> out. */
weyl_status weyl_conv_local(const weyl_rep *in, const weyl_rep *out, const weyl_basis *b, int k,
                            double tol, weyl_basis **local);

/* Pictures of the filters (for weyl_io_write_svg) of a map in -> out of a
 * grid or kernel group. Panel row r is the r-th output index sitting on
 * pixel (0,0) or on no pixel (at most 64 rows are drawn); panel column c is
 * the c-th input block: a copy of V, one stabiliser channel of regular (h*w
 * consecutive indices), or a single index that sits on no pixel. A block is
 * drawn as the k x k window of pixels around (0,0) for a grid group (k <= 0:
 * the whole grid, centred on (0,0)) and as the whole kernel for a kernel
 * group; so a p4 lifting layer shows 4 rotated copies of one 3 x 3 filter.
 * *panels is new (free with weyl_conv_panels_free); *n receives the count.
 * Returns WEYL_EINVAL for other groups and tensor products. */
weyl_status weyl_conv_svg_panels(const weyl_rep *in, const weyl_rep *out, int k,
                                 weyl_svg_panel **panels, int *n);

/* Frees panels from weyl_conv_svg_panels (their cell arrays too); NULL is
 * allowed. */
void weyl_conv_panels_free(weyl_svg_panel *panels);

#endif
