/* weyl — equivariant networks: a sequence of layers built from reps.
 *
 * A weyl_net starts at an input rep and grows one layer at a time; each layer
 * maps the current rep to a new one, solves and owns the bases it needs, and
 * every model the net builds is equivariant by construction. The user
 * chooses every hidden rep, as in emlp (`Linear(repin, repout)`) or escnn
 * (`R2Conv(in_type, out_type)`):
 *
 *     weyl_group *g;  weyl_group_builtin("SO(3)", &g);
 *     weyl_rep *in;   weyl_rep_parse(g, "4*V", &in);
 *     weyl_net *net;  weyl_net_new(in, &net);
 *     weyl_net_block_opts bo = weyl_net_default_block_opts();   // gated, swish, full bilinear
 *     weyl_net_add_block_expr(net, "16*Scalar + 8*V + 2*V**2", &bo);
 *     weyl_net_add_block_expr(net, "16*Scalar + 8*V + 2*V**2", &bo);  // residual if bo.residual
 *     weyl_net_add_linear_expr(net, "Scalar", NULL);
 *     weyl_net_init(net, 0);                                    // emlp's init, seed 0
 *     weyl_adam *opt;  weyl_net_adam_new(net, 3e-3, &opt);            // emlp's steps
 *     for (...) weyl_net_train_mse(net, opt, batch, x, y, &loss);
 *     weyl_net_forward(net, n, x, y);
 *     weyl_net_free(net); weyl_adam_free(opt); weyl_rep_free(in); weyl_group_free(g);
 *
 * Layers (each appended to the end; "current rep" is the last layer's output):
 *   linear     y = W x + b, W and b equivariant (linear.h); optionally plus
 *              0.1 times the low-rank bilinear term of bilinear.h (what lets
 *              O(n) or Lorentz nets form inner products at all; the factor,
 *              as in emlp, keeps Adam's first steps on its many coefficients
 *              from moving the output by orders of magnitude)
 *   bilinear   a bilinear layer alone: the paper's FULL layer
 *              (weyl_net_add_bilinear_full) or the low-rank one
 *              (weyl_net_add_bilinear)
 *   nonlin     pointwise (permutation reps), norm (orthogonal summands) or
 *              gated (nonlin.h); a gated nonlinearity takes its gates from the
 *              last scalars of the current rep, as weyl_nonlin_gated_rep adds them
 *   block      the EMLP block: linear to L = weyl_nonlin_gated_rep(H) with
 *              the bilinear term, then the gated nonlinearity to H (or norm /
 *              pointwise, L = H), with a residual link when asked and the
 *              reps agree. The bilinear term is the paper's by default
 *              (WEYL_BILINEAR_FULL): l = linear(x), z = l + bilinear_full(l),
 *              as three layers (linear, full bilinear L -> L, skip from l);
 *              or, with WEYL_BILINEAR_LOWRANK, z = linear(x) + 0.1
 *              bilinear_lowrank(x) as one linear layer with its term
 *   skip       a residual link: adds an earlier output of the same rep
 *
 * The net owns its layers, the flat parameter and gradient vectors (layers'
 * parameters in order, each as in linear.h / bilinear.h / nonlin.h; a linear
 * layer's weights come before its bilinear term's), and the activations of
 * the last forward pass (grown to the largest batch seen). After writing
 * weyl_net_params() directly, call weyl_net_sync(). Batches are row-major,
 * one example per row; a batch of 0 rows is a no-op. The net keeps references
 * to its reps; their group must outlive it. A net is not safe to use from two
 * threads at once. */
#ifndef WEYL_NET_H
#define WEYL_NET_H

#include <stdint.h>

#include "weyl/adam.h"
#include "weyl/bilinear.h"
#include "weyl/linear.h"
#include "weyl/nonlin.h"

/* A sequential equivariant network (opaque). */
typedef struct weyl_net weyl_net;

/* Options of a linear layer in a net; all-zero (or NULL) means the defaults. */
typedef struct {
  int no_bias;             /* 1: no bias (default: an equivariant bias) */
  const weyl_rep *bilinear; /* when set: add the low-rank bilinear term
                              through this small rep (bilinear.h), e.g.
                              "2*Scalar + 2*V"; borrowed during the call */
  weyl_basis_opts solve;   /* passed to the basis solver */
} weyl_net_linear_opts;

/* Options of an EMLP block; start from weyl_net_default_block_opts. */
typedef struct {
  weyl_nonlin_kind kind; /* GATED (default), NORM or POINTWISE */
  weyl_nonlin_act act;   /* activation; default swish */
  int bilinear;          /* > 0: add a bilinear term (for LOWRANK through
                            k*Scalar + k*V with k = bilinear, V = the group's
                            first leaf); 0: none */
  int residual;          /* 1: add the block's input when it has the block's rep */
  weyl_basis_opts solve; /* passed to the basis solver */
  weyl_bilinear_kind bilinear_kind; /* FULL (default: the paper's block) or LOWRANK */
} weyl_net_block_opts;

/* Defaults: gated swish, the paper's FULL bilinear term (bilinear = 2, the k
 * used if the kind is switched to LOWRANK), no residual. */
weyl_net_block_opts weyl_net_default_block_opts(void);

/* Starts a net whose input is in (a reference is kept). *net is new
 * (weyl_net_free). Returns WEYL_EINVAL for NULL, WEYL_ENOMEM. */
weyl_status weyl_net_new(const weyl_rep *in, weyl_net **net);
/* Frees a net and everything it owns (not the group); NULL is allowed. */
void weyl_net_free(weyl_net *net);

/* Appends a linear layer current -> out (see weyl_net_linear_opts). Every
 * weyl_net_add_* returns the solver's and constructors' statuses and leaves
 * the net as it was on failure; WEYL_EINVAL for a rep of another group. */
weyl_status weyl_net_add_linear(weyl_net *net, const weyl_rep *out,
                                const weyl_net_linear_opts *opts);
/* As weyl_net_add_linear with out given as an expression over the net's
 * group; WEYL_EPARSE for a bad expression. */
weyl_status weyl_net_add_linear_expr(weyl_net *net, const char *out,
                                     const weyl_net_linear_opts *opts);
/* Appends the low-rank bilinear layer current -> out through the small rep
 * mid (bilinear.h), without a linear term. opts may be NULL. */
weyl_status weyl_net_add_bilinear(weyl_net *net, const weyl_rep *out, const weyl_rep *mid,
                                  const weyl_basis_opts *opts);
/* Appends the paper's (FULL) bilinear layer current -> out (bilinear.h:
 * y = 0.1 W(x) x), without a linear term. Followed by weyl_net_add_skip
 * from the layer's input it makes the paper's z = l + bilinear(l). */
weyl_status weyl_net_add_bilinear_full(weyl_net *net, const weyl_rep *out);
/* Appends a nonlinearity of the given kind on the current rep. For GATED the
 * current rep must be weyl_nonlin_gated_rep(H) for some H (a linear layer to
 * it comes first), and the output is H. WEYL_EINVAL, with the reason, when
 * the kind cannot be equivariant on the rep. */
weyl_status weyl_net_add_nonlin(weyl_net *net, weyl_nonlin_kind kind, weyl_nonlin_act act);
/* Appends an EMLP block to the hidden rep `hidden` (see the file comment).
 * opts may be NULL for the defaults. */
weyl_status weyl_net_add_block(weyl_net *net, const weyl_rep *hidden,
                               const weyl_net_block_opts *opts);
/* As weyl_net_add_block with the hidden rep as an expression
 * ("16*Scalar + 8*V + 2*V**2"); WEYL_EPARSE for a bad expression. */
weyl_status weyl_net_add_block_expr(weyl_net *net, const char *hidden,
                                    const weyl_net_block_opts *opts);
/* Appends a residual link: the output becomes current + the output of layer
 * `from` - 1 (from = 0: the net's input; from = weyl_net_nlayers() at the
 * time of the call marks "here"). Returns WEYL_EINVAL when from is out of
 * range or that output's rep differs from the current one. */
weyl_status weyl_net_add_skip(weyl_net *net, int from);

/* Number of layers appended so far (a block counts as 2 or 3). */
int weyl_net_nlayers(const weyl_net *net);
/* The input rep (borrowed). */
const weyl_rep *weyl_net_in_rep(const weyl_net *net);
/* The current output rep (borrowed; valid until the next add or free). */
const weyl_rep *weyl_net_out_rep(const weyl_net *net);
/* Input dimension. */
int weyl_net_in_dim(const weyl_net *net);
/* Output dimension. */
int weyl_net_out_dim(const weyl_net *net);
/* Number of parameters (length of weyl_net_params). */
int weyl_net_nparams(const weyl_net *net);
/* The flat parameter vector, owned by the net; call weyl_net_sync after writing it. */
double *weyl_net_params(weyl_net *net);
/* Gradients of the last backward pass, same layout as the parameters. */
const double *weyl_net_grads(const weyl_net *net);
/* Re-materializes every layer's weights from weyl_net_params(). */
weyl_status weyl_net_sync(weyl_net *net);

/* Deterministic initialization from seed, emlp's (the paper's): every
 * linear layer as weyl_linear_init_paper (W the projection of a random
 * orthogonal matrix, b of a vector uniform on [0, 1/sqrt(out))), every
 * bilinear term and layer as weyl_bilinear_init (the FULL layer's
 * parameters standard normal, entering times 0.1), norm offsets 0. With
 * weyl_net_adam_new this trains as emlp trains the same network. */
weyl_status weyl_net_init(weyl_net *net, uint64_t seed);

/* The alternative, data-dependent initialization: each linear layer drawn
 * as in weyl_linear_init (gain 1), bilinear terms and layers as in
 * weyl_bilinear_init, biases and norm offsets 0; then, in order through the
 * net, each linear or bilinear layer is rescaled so that every summand of
 * its own output has unit mean square on a calibration batch of 256
 * standard normal inputs (LSUV, Mishkin and Matas 2016, per summand). A
 * summand that is zero in exact arithmetic (mean square at most 1e-12 of the
 * largest activation's so far) is left alone rather than blown up from
 * rounding noise. Activations start at unit scale, but every bilinear term
 * starts as large as its linear input, and on the paper's regression tasks
 * this overfits: O(5) test MSE 0.158 against 0.029 with weyl_net_init
 * (README, Experiments). */
weyl_status weyl_net_init_calibrated(weyl_net *net, uint64_t seed);

/* Writes weyl_net_nparams(net) learning-rate multipliers: each linear
 * layer's from weyl_linear_rate_scales, 1 for every other parameter.
 * Returns WEYL_EINVAL for NULL arguments. */
weyl_status weyl_net_rate_scales(const weyl_net *net, double *scales);

/* The net's optimizers (Adam with learning rate lr). emlp keeps every
 * linear layer's full matrix w (and bias vector), uses W = P(w), P the
 * projection onto the equivariant maps, and steps every entry of w by Adam.
 *
 * weyl_net_adam_new (the default, and weyl_model_adam_new's): Adam on the
 * coefficients with the rate scales of weyl_net_rate_scales, which move a
 * unit element's coefficient as far as emlp's per-entry steps do (exactly
 * so for orbit bases; by the same l1 rule for dense elements). Measured
 * better than the exact walk on the paper's O(5) task (README, Experiments).
 *
 * Both optimizers step this net's layers: free the optimizer before the
 * net; weyl_net_train_mse refuses it for another net. *a is new
 * (weyl_adam_free). Return weyl_adam_new's statuses. */
weyl_status weyl_net_adam_new(const weyl_net *net, double lr, weyl_adam **a);
/* emlp's walk exactly: Adam's moments of a linear layer live in its full
 * (W, b) space (weyl_linear_embed / _coords move between it and the
 * parameters), so the steps do not depend on which orthonormal basis the
 * solver chose; two moments per entry of W, and 2-3% of an EMLP step more
 * (weyl_bench_train). An MLP's one-entry layers step as with plain Adam,
 * which is the same walk there; other parameters step as with weyl_adam. */
weyl_status weyl_net_adam_new_full(const weyl_net *net, double lr, weyl_adam **a);

/* y (batch x out_dim) = f(x) for x (batch x in_dim); keeps the activations
 * for weyl_net_backward. y must not overlap x. */
weyl_status weyl_net_forward(weyl_net *net, int batch, const double *x, double *y);

/* WRITES weyl_net_grads() = dL/dparams given dy = dL/dy (batch x out_dim) of
 * the last forward pass, and, when dx is not NULL, dx = dL/dx (batch x
 * in_dim). Returns WEYL_EINVAL when batch differs from that pass's. */
weyl_status weyl_net_backward(weyl_net *net, int batch, const double *dy, double *dx);

/* Root mean square of the output of layer i (0-based) in the last forward
 * pass, or -1 when i is out of range or there was no pass. */
double weyl_net_activation_rms(const weyl_net *net, int i);

/* One step of MSE training on (x, y): forward, loss, backward, Adam, sync.
 * *loss (may be NULL) receives the batch loss before the step. Returns
 * WEYL_ENUMERIC, leaving the parameters and the optimizer as they were, when
 * the loss or a gradient is not finite (diverged, or non-finite data);
 * WEYL_EINVAL for an optimizer of another size. batch 0 is a no-op (loss 0). */
weyl_status weyl_net_train_mse(weyl_net *net, weyl_adam *a, int batch, const double *x,
                               const double *y, double *loss);

/* Largest relative equivariance error over n_samples random elements g
 * (weyl_element_sample with 4 discrete steps and algebra scale `scale`):
 * |f(rho_in(g) x) - rho_out(g) f(x)|_F / max(|f(x)|_F, sqrt(batch * out_dim) *
 * ref), where ref is the largest RMS of any activation of the pass on x
 * (input included), so that an output that is zero in exact arithmetic is
 * measured against the scale of the computation, not its own rounding
 * noise. Runs forward passes, so it overwrites the stored activations. */
weyl_status weyl_net_equivariance_error(weyl_net *net, weyl_rng *rng, int n_samples, double scale,
                                        int batch, const double *x, double *err);

/* Saves the parameters as a float64 .npy vector (atomically). */
weyl_status weyl_net_save(const weyl_net *net, const char *path);
/* Loads parameters saved by weyl_net_save: WEYL_EIO for an unreadable file,
 * WEYL_EPARSE for another shape (nothing changed then); syncs on success. */
weyl_status weyl_net_load(weyl_net *net, const char *path);

#endif
