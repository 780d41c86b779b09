"""The C library's network pieces from Python, NumPy in and out (float64):
the hidden reps an EMLP uses, and the C layer, nonlinearity and EMLP objects.
weyl.torch builds its modules on the same reps, and its tests and benchmark
compare against these objects.

    H = weyl.nn.uniform_rep(G, 128)          # the EMLP paper's hidden rep
    net = weyl.nn.EMLP(G.rep("2*V"), G.rep("Scalar"), hidden=128, layers=2)
    loss = net.train_step(x, y, lr=3e-3)     # one Adam step of MSE, in C"""
import ctypes

import numpy as np

from . import _lib
from ._lib import check, doubles, lib
from .core import Rep, _new, _opts

ACTS = {"relu": 0, "swish": 1, "tanh": 2, "sigmoid": 3}  # weyl_nonlin_act
KINDS = {"pointwise": 0, "norm": 1, "gated": 2}  # weyl_nonlin_kind


def act_code(act):
    if act not in ACTS:
        raise ValueError(f"unknown activation {act!r}: one of {', '.join(ACTS)}")
    return ACTS[act]


def uniform_rep(group, channels):
    """The EMLP paper's hidden rep of exactly `channels` dimensions
    (weyl_nonlin_uniform_rep): tensor ranks 0, 1, 2, ... of V with about the
    same dimension each."""
    return Rep(group, _new(lib.weyl_nonlin_uniform_rep, group._h, int(channels)))


def gated_rep(rep):
    """rep + one Scalar gate per non-scalar summand: what the linear layer
    before a gated nonlinearity on rep must produce."""
    return Rep(rep.group, _new(lib.weyl_nonlin_gated_rep, rep._h))


def bilinear_mid(group, k=2):
    """k*Scalar + k*V, the small rep of the EMLP's bilinear layers (model.c)."""
    return k * group.rep("Scalar") + k * group.rep(group.leaves[0])


def _rows(x, dim):
    x = np.ascontiguousarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != dim:
        raise ValueError(f"expected a (batch, {dim}) array, not shape {x.shape}")
    return x



def _set_params(layer, setter, params):
    """Checks the shape of a C layer's flat parameter vector, then sets it."""
    params = np.ascontiguousarray(params, dtype=np.float64)
    if params.shape != (layer.nparams,):
        raise ValueError(f"params must have shape ({layer.nparams},), not {params.shape}")
    check(setter(layer._h, doubles(params)))

class Linear:
    """The C layer y = x W^T + b (weyl_linear) on a weight basis and an
    optional bias basis; params = [theta | beta] (weyl_linear_set_params)."""

    def __init__(self, basis, bias=None):
        self._bases = (basis, bias)  # borrowed by the C layer: keep them alive
        self._h = _new(lib.weyl_linear_new, basis._h, bias._h if bias is not None else None)
        self.in_dim, self.out_dim = basis.in_dim, basis.out_dim
        self.nparams = lib.weyl_linear_nparams(self._h)

    def __del__(self, _free=lib.weyl_linear_free):
        if getattr(self, "_h", None):
            _free(self._h)
            self._h = None

    def set_params(self, params):
        _set_params(self, lib.weyl_linear_set_params, params)

    def forward(self, x):
        x = _rows(x, self.in_dim)
        y = np.empty((x.shape[0], self.out_dim))
        check(lib.weyl_linear_forward(self._h, x.shape[0], doubles(x), doubles(y)))
        return y


class Nonlin:
    """A C nonlinearity (weyl_nonlin): kind "pointwise", "norm" or "gated" on
    rep. The constructor refuses (WeylError) a rep the kind is not
    equivariant on."""

    def __init__(self, kind, rep, act="swish"):
        if kind not in KINDS:
            raise ValueError(f"unknown nonlinearity {kind!r}: one of {', '.join(KINDS)}")
        fn = {"pointwise": lib.weyl_nonlin_pointwise, "norm": lib.weyl_nonlin_norm,
              "gated": lib.weyl_nonlin_gated}[kind]
        self._h = _new(fn, rep._h, act_code(act))
        self.in_dim = lib.weyl_nonlin_in_dim(self._h)
        self.out_dim = lib.weyl_nonlin_out_dim(self._h)
        self.nparams = lib.weyl_nonlin_nparams(self._h)

    def __del__(self, _free=lib.weyl_nonlin_free):
        if getattr(self, "_h", None):
            _free(self._h)
            self._h = None

    def forward(self, x, params=None):
        x = _rows(x, self.in_dim)
        p = np.ascontiguousarray(np.zeros(self.nparams) if params is None else params,
                                 dtype=np.float64)
        if p.shape != (self.nparams,):
            raise ValueError(f"params must have shape ({self.nparams},), not {p.shape}")
        y = np.empty((x.shape[0], self.out_dim))
        check(lib.weyl_nonlin_forward(self._h, doubles(p) if self.nparams else None,
                                      x.shape[0], doubles(x), doubles(y)))
        return y


class _CBiLinear:
    """What both C bilinear layers share: parameters, forward, backward."""

    def __del__(self, _free=lib.weyl_bilinear_free):
        if getattr(self, "_h", None):
            _free(self._h)
            self._h = None

    def set_params(self, params):
        _set_params(self, lib.weyl_bilinear_set_params, params)

    def forward(self, x):
        x = _rows(x, self.in_dim)
        y = np.empty((x.shape[0], self.out_dim))
        check(lib.weyl_bilinear_forward(self._h, x.shape[0], doubles(x), doubles(y), 0))
        return y

    def backward(self, x, dy):
        """(dL/dparams, dL/dx) given dL/dy, for the x of the last forward
        call (weyl_bilinear_backward)."""
        x, dy = _rows(x, self.in_dim), _rows(dy, self.out_dim)
        if x.shape[0] != dy.shape[0]:
            raise ValueError(f"x has {x.shape[0]} rows, dy {dy.shape[0]}")
        dp, dx = np.zeros(self.nparams), np.zeros_like(x)
        check(lib.weyl_bilinear_backward(self._h, x.shape[0], doubles(x), doubles(dy),
                                         doubles(dp), doubles(dx)))
        return dp, dx


class FullBiLinear(_CBiLinear):
    """The paper's bilinear layer in C (weyl_bilinear_full_new):
    y = 0.1 W(x) x, each block of W(x) a combination of the in summands
    that carry its rep (bilinear.h). params: the P_ijm."""

    def __init__(self, rep_in, rep_out):
        if rep_in.group is not rep_out.group:
            raise ValueError("rep_in and rep_out belong to two different Group objects")
        self._reps = (rep_in, rep_out)
        self._h = _new(lib.weyl_bilinear_full_new, rep_in._h, rep_out._h)
        self.in_dim, self.out_dim = rep_in.dim, rep_out.dim
        self.nparams = lib.weyl_bilinear_nparams(self._h)
        self.last_pass = None  # weyl.torch's token for the pass the C layer holds


class BiLinear(_CBiLinear):
    """The C low-rank bilinear layer (weyl_bilinear) in -> out through mid;
    params = [L1 | L2 | L3]."""

    def __init__(self, rep_in, rep_out, mid, solver="auto"):
        self._reps = (rep_in, rep_out, mid)
        opts = _opts(solver, None, 0)
        self._h = _new(lib.weyl_bilinear_new, rep_in._h, rep_out._h, mid._h, ctypes.byref(opts))
        self.in_dim, self.out_dim = rep_in.dim, rep_out.dim
        self.nparams = lib.weyl_bilinear_nparams(self._h)


class EMLP:
    """The C EMLP (weyl_model_emlp): `layers` hidden blocks of
    linear + bilinear -> gated nonlinearity on uniform_rep(hidden), then a
    linear map to rep_out; parameters initialised from seed
    (weyl_model_init: emlp's init). .params is the flat float64 parameter
    vector (a copy; assign to it to load). bilinear_kind "full" (the
    paper's layer, the default, as the C model's and weyl.torch.EMLP's) or
    "lowrank" (through bilinear*Scalar + bilinear*V; bilinear -1: no
    bilinear layers); weyl.torch.EMLP mirrors both."""

    def __init__(self, rep_in, rep_out, hidden=128, layers=3, act="swish", bilinear=2,
                 bilinear_blocks=0, seed=0, bilinear_kind="full"):
        if rep_in.group is not rep_out.group:
            raise ValueError("rep_in and rep_out belong to two different Group objects")
        kinds = {"full": _lib.BILINEAR_FULL, "lowrank": _lib.BILINEAR_LOWRANK}
        if bilinear_kind not in kinds:
            raise ValueError(f"bilinear_kind must be 'full' or 'lowrank', not {bilinear_kind!r}")
        self._reps = (rep_in, rep_out)
        o = lib.weyl_model_default_opts()
        o.channels, o.n_hidden, o.act = int(hidden), int(layers), act_code(act)
        o.bilinear, o.bilinear_blocks = int(bilinear), int(bilinear_blocks)
        o.bilinear_kind = kinds[bilinear_kind]
        self._h = _new(lib.weyl_model_emlp, rep_in._h, rep_out._h, ctypes.byref(o))
        self.in_dim, self.out_dim = rep_in.dim, rep_out.dim
        self.nparams = lib.weyl_model_nparams(self._h)
        self._adam = None
        check(lib.weyl_model_init(self._h, int(seed)))

    def __del__(self, _free=lib.weyl_model_free, _free_adam=lib.weyl_adam_free):
        if getattr(self, "_adam", None):
            _free_adam(self._adam)
            self._adam = None
        if getattr(self, "_h", None):
            _free(self._h)
            self._h = None

    @property
    def params(self):
        return np.ctypeslib.as_array(lib.weyl_model_params(self._h), (self.nparams,)).copy()

    @params.setter
    def params(self, value):
        value = np.asarray(value, dtype=np.float64)
        if value.shape != (self.nparams,):
            raise ValueError(f"params must have shape ({self.nparams},), not {value.shape}")
        np.ctypeslib.as_array(lib.weyl_model_params(self._h), (self.nparams,))[:] = value
        check(lib.weyl_model_sync(self._h))

    @property
    def grads(self):
        """dL/dparams of the last backward pass (a copy)."""
        return np.ctypeslib.as_array(lib.weyl_model_grads(self._h), (self.nparams,)).copy()

    def forward(self, x):
        x = _rows(x, self.in_dim)
        y = np.empty((x.shape[0], self.out_dim))
        check(lib.weyl_model_forward(self._h, x.shape[0], doubles(x), doubles(y)))
        return y

    def backward(self, dy):
        """Gradients (.grads) of the last forward pass, given dL/dy."""
        dy = _rows(dy, self.out_dim)
        check(lib.weyl_model_backward(self._h, dy.shape[0], doubles(dy)))

    def train_step(self, x, y, lr=3e-3):
        """One Adam step of mean squared error on (x, y); returns the loss
        before the step (weyl_model_train_mse). The optimizer is made on the
        first call, with lr and emlp's per-parameter steps
        (weyl_model_adam_new)."""
        if self._adam is None:
            self._adam = _new(lib.weyl_model_adam_new, self._h, float(lr))
        x, y = _rows(x, self.in_dim), _rows(y, self.out_dim)
        if x.shape[0] != y.shape[0]:
            raise ValueError(f"x has {x.shape[0]} rows, y {y.shape[0]}")
        loss = ctypes.c_double()
        check(lib.weyl_model_train_mse(self._h, self._adam, x.shape[0], doubles(x), doubles(y),
                                       ctypes.byref(loss)))
        return loss.value
