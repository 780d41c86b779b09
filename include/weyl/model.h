/* weyl — the EMLP and MLP architectures, built in one call: thin builders
 * over weyl_net (net.h), which is where networks with hidden reps of the
 * user's choosing, residual links and other layers are composed.
 *
 * An EMLP (Finzi, Welling, Wilson 2021) is n_hidden blocks, as in the paper,
 *     l = linear(prev -> gated(H)); z = l + bilinear_full(l) ; gated nonlinearity z -> H
 * followed by linear(H -> out), where H = weyl_nonlin_uniform_rep(channels)
 * (each block is weyl_net_add_block with WEYL_BILINEAR_FULL, see net.h).
 * With the low-rank bilinear layer (opts.bilinear_kind) a block is instead
 *     z = linear(prev -> gated(H)) + 0.1 bilinear_lowrank(prev -> gated(H)).
 * The bilinear term is what lets O(n) or Lorentz models form invariants
 * (inner products) at all; see bilinear.h.
 * The plain MLP baseline is the same code over the trivial group Z(1): every
 * rep is k*Scalar, so the basis is all matrices and the nonlinearity pointwise.
 *
 * The model owns its net (weyl_model_net), which owns the bases, layers, the
 * flat parameter and gradient vectors and the activations of the last
 * forward pass. Parameters are [block 0 linear | bilinear | nonlin | block 1
 * ...], each as in linear.h / bilinear.h / nonlin.h. After changing
 * weyl_model_params() directly, call weyl_model_sync(). Batches of 0 rows are
 * no-ops. A model is not safe to use from two threads at once. */
#ifndef WEYL_MODEL_H
#define WEYL_MODEL_H

#include <stdint.h>

#include "weyl/adam.h"
#include "weyl/basis.h"
#include "weyl/bilinear.h"
#include "weyl/net.h"
#include "weyl/nonlin.h"
#include "weyl/rng.h"

/* Options of weyl_model_emlp / weyl_model_mlp; start from weyl_model_default_opts. */
typedef struct {
  int channels;          /* dimension of each hidden rep; 0 means 128 */
  int n_hidden;          /* hidden blocks; 0 means 3 */
  weyl_nonlin_act act;   /* activation of scalars (and of the MLP); default swish */
  weyl_nonlin_kind kind; /* EMLP nonlinearity: GATED (default, 0 -> gated) or NORM */
  int residual;          /* 1: a block whose input and output reps agree adds its input */
  int bilinear;          /* -1 turns the bilinear layers off; for the LOWRANK
                            kind, k in its small rep k*Scalar + k*V
                            (bilinear.h); 0 means 2 */
  int bilinear_blocks;   /* how many blocks, from the input, get a bilinear layer;
                            0 means all. Each one doubles the polynomial degree,
                            which hurts extrapolation: use as few as the target
                            needs (1 for functions of inner products) */
  weyl_basis_opts solve; /* passed to the basis solver */
  weyl_bilinear_kind bilinear_kind; /* FULL (default: the paper's layer, on the
                                       linear layer's output) or LOWRANK */
} weyl_model_opts;

/* Defaults: 128 channels, 3 hidden blocks, swish, gated, no residual,
 * the paper's (FULL) bilinear layer in every block. */
weyl_model_opts weyl_model_default_opts(void);

/* An EMLP or MLP: layers, nonlinearities, their parameters and activations (opaque). */
typedef struct weyl_model weyl_model;

/* Builds an EMLP for maps in -> out (reps of one group; the model keeps
 * references to them, and the group must outlive the model). opts may be
 * NULL. Parameters start at zero: call weyl_model_init. *m is new
 * (weyl_model_free). Returns the solver's and constructors' statuses. */
weyl_status weyl_model_emlp(const weyl_rep *in, const weyl_rep *out, const weyl_model_opts *opts,
                            weyl_model **m);

/* Builds the plain MLP in_dim -> out_dim with the same layers (hidden width
 * opts->channels, pointwise opts->act). */
weyl_status weyl_model_mlp(int in_dim, int out_dim, const weyl_model_opts *opts, weyl_model **m);

/* Frees a model (not its reps or group); NULL is allowed. */
void weyl_model_free(weyl_model *m);

/* The net the model was built as (owned by m): for weyl_net_* calls such as
 * weyl_net_backward with an input gradient. */
weyl_net *weyl_model_net(weyl_model *m);

/* Input dimension of the model. */
int weyl_model_in_dim(const weyl_model *m);
/* Output dimension of the model. */
int weyl_model_out_dim(const weyl_model *m);
/* Number of parameters (length of weyl_model_params). */
int weyl_model_nparams(const weyl_model *m);
/* The flat parameter vector, owned by m; call weyl_model_sync after writing it. */
double *weyl_model_params(weyl_model *m);
/* Gradients of the last backward pass, same layout as the parameters. */
const double *weyl_model_grads(const weyl_model *m);

/* Re-materializes every layer's W and b from weyl_model_params(). */
weyl_status weyl_model_sync(weyl_model *m);

/* Deterministic initialization from seed, emlp's: weyl_net_init on the
 * model's net (weyl_net_init_calibrated on weyl_model_net(m) is the
 * data-dependent alternative). */
weyl_status weyl_model_init(weyl_model *m, uint64_t seed);

/* An Adam optimizer for the model with learning rate lr and emlp's
 * per-parameter steps (weyl_net_adam_new). *a is new (weyl_adam_free). */
weyl_status weyl_model_adam_new(const weyl_model *m, double lr, weyl_adam **a);

/* y (batch x out_dim) = f(x) for x (batch x in_dim); keeps the activations
 * for weyl_model_backward. */
weyl_status weyl_model_forward(weyl_model *m, int batch, const double *x, double *y);

/* WRITES weyl_model_grads() = dL/dparams given dy = dL/dy of the last forward
 * pass (same batch). Returns WEYL_EINVAL when batch differs from that pass. */
weyl_status weyl_model_backward(weyl_model *m, int batch, const double *dy);

/* Root mean square of the output of hidden block i (0-based) in the last
 * forward pass, or -1 when i is out of range. */
double weyl_model_hidden_rms(const weyl_model *m, int i);

/* One step of MSE training on (x, y), as weyl_net_train_mse: forward, loss,
 * backward, Adam, sync. *loss (may be NULL) receives the batch loss before
 * the step. WEYL_ENUMERIC, with the parameters left as they were, for a
 * loss or gradient that is not finite. */
weyl_status weyl_model_train_mse(weyl_model *m, weyl_adam *a, int batch, const double *x,
                                 const double *y, double *loss);

/* Largest relative equivariance error over n_samples random elements g, as
 * weyl_net_equivariance_error: |f(rho_in(g) x) - rho_out(g) f(x)| relative to
 * |f(x)| or, when the output is smaller, to the scale of the activations.
 * Runs the forward pass, so it overwrites the stored activations. */
weyl_status weyl_model_equivariance_error(weyl_model *m, weyl_rng *rng, int n_samples, double scale,
                                          int batch, const double *x, double *err);

/* Parameter files: a NumPy .npy file (format 1.0) holding one float64
 * little-endian array of shape (nparams,). Saving is atomic (temporary file
 * + rename). Loading returns WEYL_EIO for an unreadable file, WEYL_EPARSE for
 * a file that is not such an array or has another length (nothing is changed
 * then); on success the model is synced. */
weyl_status weyl_model_save(const weyl_model *m, const char *path);
/* Loads parameters saved by weyl_model_save (see above). */
weyl_status weyl_model_load(weyl_model *m, const char *path);

#endif
