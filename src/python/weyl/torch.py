"""Equivariant torch.nn modules over weyl's solved bases (import weyl.torch;
the core weyl package never imports torch).

    import weyl, weyl.torch
    G = weyl.group("O(5)")
    model = weyl.torch.EMLP(G.rep("2*V"), G.rep("Scalar"), hidden=128, layers=2)
    opt = weyl.torch.EmlpAdam(model, lr=3e-3)   # emlp's steps
    y = model(x)                      # x: (..., 10), any float dtype and device

Every module is an ordinary nn.Module: its parameters are basis
coefficients (a Linear's `theta` and `beta`), its bases registered buffers,
so .to(device), .double(), state_dict()/load_state_dict(), DDP and
torch.compile-free autograd all work as for torch.nn.Linear. The weight is
rebuilt from the coefficients on every call: a gather by orbit labels for an
exact (permutation) basis, a scatter of the basis' non-zero entries
(weyl_basis_entries) otherwise; no Python loop over elements or entries.
The paper's bilinear layer (FullBiLinear, the EMLP's default) is the
exception: it runs the C layer, in float64 on the CPU.

Modules hold their weyl.Rep objects (C handles): save state_dict(), not the
pickled module."""
import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from . import core
from . import nn as wnn

__all__ = ["Linear", "Gated", "Norm", "Pointwise", "BiLinear", "FullBiLinear", "EMLP",
           "EmlpAdam", "activation"]

_ACTS = {"relu": F.relu, "swish": F.silu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}


def activation(name):
    """The scalar activation called name in weyl (nonlin.h): relu, swish
    (x sigmoid(x)), tanh or sigmoid."""
    wnn.act_code(name)  # the error message for an unknown name
    return _ACTS[name]


def _summand_index(rep):
    """For each coordinate of rep, the index of its direct summand; and the
    summands."""
    parts = rep.summands()
    return np.repeat(np.arange(len(parts)), [p.dim for p in parts]), parts


def _short(rep, width=48):
    text = str(rep)
    return text if len(text) <= width else text[:width - 3] + "..."


class _Expansion(nn.Module):
    """Coefficients (dim,) -> the matrix sum_k coef_k B_k / |B_k|_F of shape
    (out, in): every coefficient moves a unit-norm element, as in linear.c,
    so the parametrisation does not depend on orbit sizes."""

    def __init__(self, basis, dtype=None, device=None):
        super().__init__()
        self.dim, self.shape, self.exact = basis.dim, basis.shape, basis.exact
        elem, index, value = basis.entries()
        if self.exact:  # label 0 is a structural zero, k + 1 is element k
            labels = np.zeros(basis.out_dim * basis.in_dim, dtype=np.int64)
            labels[index] = elem + 1
            self.register_buffer("labels", torch.from_numpy(labels).to(device))
        else:
            self.register_buffer("elem", torch.from_numpy(elem).to(device))
            self.register_buffer("index", torch.from_numpy(index).to(device))
            # float64 always (see _apply): .double() after building in float32
            # must not leave a basis rounded to float32
            self.register_buffer("value", torch.from_numpy(value).to(device))
        norm2 = np.bincount(elem, weights=value * value, minlength=basis.dim)
        scale = np.where(norm2 > 0, 1.0 / np.sqrt(np.where(norm2 > 0, norm2, 1.0)), 1.0)
        self.register_buffer("scale", torch.from_numpy(scale).to(device))  # float64 always
        # |B_k|_1 / |B_k|_2: how far Adam's per-entry steps of a full matrix
        # move the unit element's coefficient (EmlpAdam; weyl_linear_rate_scales)
        norm1 = np.bincount(elem, weights=np.abs(value), minlength=basis.dim)
        rate = np.where(norm2 > 0, norm1 * scale, 1.0)
        self.register_buffer("rate", torch.from_numpy(rate).to(device), persistent=False)
        # the output summand of each row and of each element (an element
        # lives in one block): rescaling as linear.c's scale_places
        row_summand, parts = _summand_index(basis.rep_out)
        of_elem = np.zeros(basis.dim, dtype=np.int64)
        of_elem[elem] = row_summand[index // basis.in_dim]
        self.n_summands = len(parts)
        self.register_buffer("row_summand", torch.from_numpy(row_summand).to(device),
                             persistent=False)
        self.register_buffer("elem_summand", torch.from_numpy(of_elem).to(device),
                             persistent=False)

    def _apply(self, fn):
        """Moves the buffers with the module but keeps `value` and `scale`
        in float64."""
        value, scale = getattr(self, "value", None), self.scale
        super()._apply(fn)
        if value is not None:
            self.value = value.to(device=self.index.device)
        self.scale = scale.to(device=self.row_summand.device)
        return self

    def forward(self, coef):
        coef = coef * self.scale.to(coef.dtype)
        if self.exact:
            return torch.cat([coef.new_zeros(1), coef])[self.labels].view(self.shape)
        flat = coef.new_zeros(self.shape[0] * self.shape[1])
        value = self.value.to(coef.dtype)
        return flat.index_add(0, self.index, coef[self.elem] * value).view(self.shape)

    @torch.no_grad()
    def rescale_(self, coef, row_ms, target):
        """Multiplies the coefficients feeding each output summand by
        sqrt(target / mean of row_ms over its rows); a summand whose mean is
        at most 1e-12 times the largest row's is zero in exact arithmetic
        (rounding noise) and left alone (linear.c, scale_places)."""
        sums = row_ms.new_zeros(self.n_summands).index_add_(0, self.row_summand, row_ms)
        counts = torch.bincount(self.row_summand, minlength=self.n_summands).to(row_ms.dtype)
        mean = sums / counts
        keep = mean > 1e-12 * row_ms.max()
        f = torch.where(keep, torch.sqrt(target / torch.where(keep, mean, 1.0 + 0 * mean)),
                        torch.ones_like(mean))
        coef.mul_(f[self.elem_summand].to(coef.dtype))


class Linear(nn.Module):
    """y = x W^T + b with W = sum_k theta_k B_k / |B_k|_F equivariant from
    rep_in to rep_out and b = sum_k beta_k c_k / |c_k| invariant (torch.nn.Linear's shapes and
    conventions: .weight is out x in, inputs are (..., in_features)).
    Parameters: theta (basis coefficients) and beta (bias coefficients; None
    when bias=False or rep_out has no invariant vectors). Initialised as the
    C layer (weyl_linear_init, gain 1): theta standard normal, then scaled
    so that each output summand's rows of W have unit mean squared norm."""

    def __init__(self, rep_in, rep_out, bias=True, *, solver="auto", rtol=None, gain=1.0,
                 dtype=None, device=None):
        super().__init__()
        self.rep_in, self.rep_out = rep_in, rep_out
        self.basis = core.basis(rep_in, rep_out, solver, rtol)
        self.in_features, self.out_features = rep_in.dim, rep_out.dim
        self.weight_basis = _Expansion(self.basis, dtype, device)
        kw = {"dtype": dtype or torch.get_default_dtype(), "device": device}
        self.theta = nn.Parameter(torch.empty(self.basis.dim, **kw))
        cb = self.basis.bias if bias else None
        if cb is not None and cb.dim > 0:
            self.bias_basis = _Expansion(cb, dtype, device)
            self.beta = nn.Parameter(torch.zeros(cb.dim, **kw))
        else:
            self.bias_basis = None
            self.register_parameter("beta", None)
        self.gain = gain
        self.reset_parameters()

    @torch.no_grad()
    def reset_parameters(self):
        self.theta.normal_()
        W = self.weight
        self.weight_basis.rescale_(self.theta, (W * W).sum(1), self.gain)
        if self.beta is not None:
            self.beta.zero_()

    def reset_parameters_paper(self):
        """emlp's init (its Linear; the C weyl_linear_init_paper): W = P(w)
        for a random orthogonal out x in matrix w, whose coefficients in the
        orthonormal unit elements are about normal with variance
        1 / max(in, out), drawn so; b = P(u), u uniform on [0, 1/sqrt(out))."""
        with torch.no_grad():
            self.theta.normal_(0.0, 1.0 / math.sqrt(max(self.in_features, self.out_features)))
        if self.beta is not None:
            u = torch.rand(self.out_features, dtype=self.beta.dtype,
                           device=self.beta.device) / math.sqrt(self.out_features)
            zero = torch.zeros_like(self.beta, requires_grad=True)
            # the unit elements are orthonormal: the coordinates of P(u) are
            # <element_k, u>, the gradient of <b(beta), u> in beta
            dots, = torch.autograd.grad((self.bias_basis(zero)[:, 0] * u).sum(), zero)
            with torch.no_grad():
                self.beta.copy_(dots)

    @torch.no_grad()
    def rescale_(self, row_ms):
        """Scales the coefficients so that outputs whose rows had mean
        squares row_ms get unit mean square per output summand (LSUV)."""
        self.weight_basis.rescale_(self.theta, row_ms, 1.0)
        if self.beta is not None:
            self.bias_basis.rescale_(self.beta, row_ms, 1.0)

    @property
    def weight(self):
        """W (out_features x in_features), differentiable in theta."""
        return self.weight_basis(self.theta)

    @property
    def bias(self):
        """b (out_features), or None."""
        return None if self.beta is None else self.bias_basis(self.beta)[:, 0]

    def c_parameters(self):
        """Parameters in the C layer's order: [theta | beta]."""
        return [self.theta] + ([self.beta] if self.beta is not None else [])

    def forward(self, x):
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self):
        kind = "exact" if self.basis.exact else "entries"
        return (f"{_short(self.rep_in)} -> {_short(self.rep_out)}: "
                f"{self.in_features} -> {self.out_features}, "
                f"{self.basis.dim} coefficients ({kind}), bias={self.beta is not None}")


class Pointwise(nn.Module):
    """y = act(x) entrywise; only on permutation reps (else WeylError)."""

    def __init__(self, rep, act="swish"):
        super().__init__()
        wnn.Nonlin("pointwise", rep, act)  # the library decides (and explains) equivariance
        self.rep, self.act = rep, act
        self.in_features = self.out_features = rep.dim
        self._f = activation(act)

    def forward(self, x):
        return self._f(x)

    def c_parameters(self):
        return []


class Norm(nn.Module):
    """y = x act(|x| + b) / |x| on each direct summand of rep (one learned b
    per summand in .bias, starting at 0); |x| = sqrt(|x|^2 + 1e-12). Only for
    reps whose summands are orthogonal (else WeylError)."""

    def __init__(self, rep, act="swish", dtype=None, device=None):
        super().__init__()
        c = wnn.Nonlin("norm", rep, act)
        self.rep, self.act = rep, act
        self.in_features = self.out_features = rep.dim
        seg, parts = _summand_index(rep)
        self.register_buffer("segment", torch.from_numpy(seg).to(device), persistent=False)
        self.bias = nn.Parameter(torch.zeros(len(parts), device=device,
                                             dtype=dtype or torch.get_default_dtype()))
        assert c.nparams == len(parts)
        self._f = activation(act)

    def forward(self, x):
        sq = x.new_zeros(*x.shape[:-1], self.bias.shape[0]).index_add(-1, self.segment, x * x)
        norm = torch.sqrt(sq + 1e-12)
        return x * (self._f(norm + self.bias) / norm)[..., self.segment]

    def c_parameters(self):
        return [self.bias]


class Gated(nn.Module):
    """The gated nonlinearity on rep: its input is [x | gates] with one gate
    scalar per non-scalar summand of rep (rep_in = weyl.nn.gated_rep(rep));
    y = sigmoid(gate) x on a non-scalar summand, act(x) on a scalar one.
    Equivariant for any group."""

    def __init__(self, rep, act="swish", device=None):
        super().__init__()
        c = wnn.Nonlin("gated", rep, act)
        self.rep, self.act = rep, act
        self.rep_in = wnn.gated_rep(rep)
        self.in_features, self.out_features = self.rep_in.dim, rep.dim
        parts = rep.summands()
        scalar = np.zeros(rep.dim, dtype=bool)
        gate = np.zeros(rep.dim, dtype=np.int64)
        off, n_gates = 0, 0
        for p in parts:
            if p.is_scalar:
                scalar[off:off + p.dim] = True
            else:
                gate[off:off + p.dim] = n_gates
                n_gates += 1
            off += p.dim
        assert c.in_dim == rep.dim + n_gates == self.in_features
        self.n_gates = n_gates
        # int64, not bool: DDP broadcasts buffers and gloo has no bool type
        self.register_buffer("scalar", torch.from_numpy(scalar.astype(np.int64)).to(device),
                             persistent=False)
        self.register_buffer("gate", torch.from_numpy(gate).to(device), persistent=False)
        self._f = activation(act)

    def forward(self, x):
        d = self.out_features
        v = x[..., :d]
        if self.n_gates == 0:
            return self._f(v)
        g = torch.sigmoid(x[..., d:])[..., self.gate]
        return torch.where(self.scalar == 1, self._f(v), g * v)

    def c_parameters(self):
        return []


class BiLinear(nn.Module):
    """The low-rank equivariant bilinear layer of bilinear.h:
    y = L3((L1 x) (x) (L2 x)), L1, L2: rep_in -> mid, L3: T -> rep_out with
    T = sum over mid's summand pairs (i, j) of S_i (x) S_j. mid defaults to
    2*Scalar + 2*V (the EMLP's). No biases."""

    def __init__(self, rep_in, rep_out, mid=None, *, solver="auto", dtype=None, device=None):
        super().__init__()
        mid = mid if mid is not None else wnn.bilinear_mid(rep_in.group, 2)
        parts = mid.summands()
        T, offs, perm = None, np.cumsum([0] + [p.dim for p in parts]), []
        for i, a in enumerate(parts):  # the same constructors, in the same order, as bilinear.c
            for j, b in enumerate(parts):
                T = a * b if T is None else T + a * b
                for p in range(a.dim):
                    perm.extend((offs[i] + p) * mid.dim + offs[j] + np.arange(b.dim))
        self.rep_in, self.rep_out, self.mid = rep_in, rep_out, mid
        self.in_features, self.out_features = rep_in.dim, rep_out.dim
        kw = {"solver": solver, "dtype": dtype, "device": device}
        self.L1 = Linear(rep_in, mid, bias=False, **kw)
        self.L2 = Linear(rep_in, mid, bias=False, **kw)
        self.L3 = Linear(T, rep_out, bias=False, **kw)
        self.register_buffer("pairs", torch.tensor(perm, dtype=torch.int64, device=device),
                             persistent=False)

    def forward(self, x):
        u, v = self.L1(x), self.L2(x)
        t = (u.unsqueeze(-1) * v.unsqueeze(-2)).flatten(-2)[..., self.pairs]
        return self.L3(t)

    def c_parameters(self):
        return [self.L1.theta, self.L2.theta, self.L3.theta]


class EmlpAdam(torch.optim.Optimizer):
    """Adam that steps a weyl.torch module as emlp steps it (the C
    weyl_net_adam_new): emlp keeps each linear layer's full matrix w, uses
    W = P(w) and runs Adam on every entry of w, which moves the coefficient
    of a unit element B_k by |B_k|_1 / |B_k|_2 times Adam's step. So every
    Linear's theta and beta take lr times that factor (sqrt(orbit size) on
    an exact basis, where this is emlp's walk exactly; the same l1 rule on
    dense ones); every other parameter (the low-rank BiLinear's maps too, as
    in C) steps as in torch.optim.Adam. On the
    paper's O(5) task the C network's error halved with these steps against
    plain Adam (README, Experiments). Takes the module, not its
    parameters."""

    def __init__(self, module, lr=3e-3, betas=(0.9, 0.999), eps=1e-8):
        rates = {}
        inner = {id(lin) for m in module.modules() if isinstance(m, BiLinear)
                 for lin in (m.L1, m.L2, m.L3)}  # steps as plain Adam, as in C
        for m in module.modules():
            if isinstance(m, Linear) and id(m) not in inner:
                rates[m.theta] = m.weight_basis.rate
                if m.beta is not None:
                    rates[m.beta] = m.bias_basis.rate
        params = [p for p in module.parameters() if p.requires_grad]
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps))
        self._rates = {id(p): r for p, r in rates.items()}

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            b1, b2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                st = self.state[p]
                if not st:
                    st["step"] = 0
                    st["m"], st["v"] = torch.zeros_like(p), torch.zeros_like(p)
                st["step"] += 1
                t = st["step"]
                st["m"].mul_(b1).add_(p.grad, alpha=1 - b1)
                st["v"].mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)
                step = (st["m"] / (1 - b1 ** t)) / ((st["v"] / (1 - b2 ** t)).sqrt() + group["eps"])
                rate = self._rates.get(id(p))
                if rate is not None:
                    step = step * rate.to(p.dtype)
                p.sub_(group["lr"] * step)
        return loss


class _FullBiLinearFn(torch.autograd.Function):
    """The C layer's forward and backward (float64, CPU) as one autograd
    node. The C layer keeps the intermediates of its last forward pass only:
    backward uses them when that pass was this node's (the usual forward,
    then backward), and runs the forward again on the saved input when
    another pass came between (the layer applied twice in one graph)."""

    @staticmethod
    def forward(ctx, x, weight, layer):
        shape = x.shape
        x64 = x.detach().reshape(-1, shape[-1]).to("cpu", torch.float64).contiguous().numpy()
        w64 = weight.detach().to("cpu", torch.float64).contiguous().numpy()
        layer.set_params(w64)
        y = torch.from_numpy(layer.forward(x64))
        ctx.layer, ctx.shape, ctx.x64, ctx.w64 = layer, shape, x64, w64
        ctx.token = layer.last_pass = object()
        ctx.save_for_backward(x, weight)  # so autograd refuses them changed in place
        return y.to(dtype=x.dtype, device=x.device).reshape(*shape[:-1], layer.out_dim)

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, dy):
        x, weight = ctx.saved_tensors
        layer = ctx.layer
        if layer.last_pass is not ctx.token:
            layer.set_params(ctx.w64)
            layer.forward(ctx.x64)
            layer.last_pass = ctx.token
        dy64 = dy.reshape(-1, layer.out_dim).to("cpu", torch.float64).contiguous().numpy()
        dp, dx = layer.backward(ctx.x64, dy64)
        dx = torch.from_numpy(dx).to(dtype=x.dtype, device=x.device).reshape(ctx.shape)
        return dx, torch.from_numpy(dp).to(dtype=weight.dtype, device=weight.device), None


class FullBiLinear(nn.Module):
    """The EMLP paper's bilinear layer (bilinear.h, FULL): y = 0.1 W(x) x,
    where each block of W(x) (out summand i x in summand j, transforming as
    out_i (x) in_j^*) is a learned combination of the in summands that carry
    that rep. Equivariant for any group. Parameter: `weight`, the P_ijm in
    the C layer's order, standard normal at first (emlp's init). The layer
    runs in C, in float64 on the CPU (inputs elsewhere are copied there and
    back); not twice differentiable."""

    def __init__(self, rep_in, rep_out, *, dtype=None, device=None):
        super().__init__()
        self.rep_in, self.rep_out = rep_in, rep_out
        self.in_features, self.out_features = rep_in.dim, rep_out.dim
        self._c = wnn.FullBiLinear(rep_in, rep_out)
        self.weight = nn.Parameter(torch.empty(self._c.nparams, device=device,
                                               dtype=dtype or torch.get_default_dtype()))
        self.reset_parameters()

    @torch.no_grad()
    def reset_parameters(self):
        self.weight.normal_()

    def forward(self, x):
        return _FullBiLinearFn.apply(x, self.weight, self._c)

    def c_parameters(self):
        return [self.weight]

    def extra_repr(self):
        return (f"{_short(self.rep_in)} -> {_short(self.rep_out)}: "
                f"{self.in_features} -> {self.out_features}, {self._c.nparams} coefficients")


class _Block(nn.Module):
    """The EMLP block, as net.c's: with the paper's bilinear layer
    (FullBiLinear) l = linear(x), z = l + bilinear(l); with the low-rank one
    z = linear(x) + 0.1 bilinear(x) (the factor is WEYL_NET_BILINEAR_SCALE,
    as emlp's BiLinear: it keeps Adam's first steps on the bilinear
    coefficients from moving the output by orders of magnitude; the full
    layer has it built in). Then y = nonlinearity(z)."""

    BILINEAR_SCALE = 0.1

    def __init__(self, linear, bilinear, nonlin):
        super().__init__()
        self.linear, self.bilinear, self.nonlin = linear, bilinear, nonlin

    def pre(self, x):
        z = self.linear(x)
        if self.bilinear is None:
            return z
        if isinstance(self.bilinear, FullBiLinear):
            return z + self.bilinear(z)
        return z + self.BILINEAR_SCALE * self.bilinear(x)

    def forward(self, x):
        return self.nonlin(self.pre(x))


class EMLP(nn.Module):
    """The EMLP of model.h (Finzi, Welling, Wilson 2021), layer for layer:
    `layers` blocks of linear + bilinear -> gated nonlinearity on the hidden
    rep H, then a linear map H -> rep_out. hidden is a channel count (H =
    weyl.nn.uniform_rep(G, hidden), the C network's) or a Rep.
    bilinear_kind "full" (the default: the paper's layer, FullBiLinear, as
    the C model's; computed in C) or "lowrank" (BiLinear through
    k*Scalar + k*V, k = bilinear; pure torch, any dtype and device);
    bilinear <= 0 turns the bilinear layers off, bilinear_blocks says how many blocks
    from the input get one (0: all); kind "gated" or "norm".
    init "paper" (the default: emlp's, as the C weyl_model_init: each
    Linear by reset_parameters_paper, bilinear weights standard normal) or
    "calibrated" (the C weyl_net_init_calibrated, for the low-rank layer or
    none: per-layer init, then each block's pre-activation calibrated to
    unit mean square per summand on 256 standard normal inputs, LSUV). Both
    use torch's random generator. The low-rank layer with LSUV did better
    on the paper's O(5) task and 55x worse on its Lorentz task (README,
    "Python and PyTorch"); the defaults are the paper's model. c_parameters() lists the parameters in the C network's
    order, so load_c_params(weyl.nn.EMLP(...).params) copies a C network."""

    def __init__(self, rep_in, rep_out, hidden=128, layers=3, *, act="swish", bilinear=2,
                 bilinear_blocks=0, kind="gated", bilinear_kind="full", init="paper",
                 solver="auto", dtype=None, device=None):
        super().__init__()
        if kind not in ("gated", "norm"):
            raise ValueError(f"kind must be 'gated' or 'norm', not {kind!r}")
        if bilinear_kind not in ("full", "lowrank"):
            raise ValueError(f"bilinear_kind must be 'full' or 'lowrank', not {bilinear_kind!r}")
        if init not in ("paper", "calibrated"):
            raise ValueError(f"init must be 'paper' or 'calibrated', not {init!r}")
        if init == "calibrated" and bilinear_kind == "full" and bilinear > 0:
            raise ValueError("init='calibrated' is for the low-rank bilinear layer "
                             "(bilinear_kind='lowrank') or none (bilinear=-1); the full "
                             "layer takes init='paper'")
        G = rep_in.group
        H = hidden if isinstance(hidden, core.Rep) else wnn.uniform_rep(G, hidden)
        mid = wnn.bilinear_mid(G, bilinear) if bilinear > 0 else None
        kw = {"solver": solver, "dtype": dtype, "device": device}
        self.init = init
        self.rep_in, self.rep_out, self.hidden = rep_in, rep_out, H
        self.in_features, self.out_features = rep_in.dim, rep_out.dim
        blocks, prev = [], rep_in
        for i in range(layers):
            nl = Gated(H, act, device=device) if kind == "gated" else \
                Norm(H, act, dtype=dtype, device=device)
            lin_out = nl.rep_in if kind == "gated" else H
            with_bil = bilinear > 0 and (bilinear_blocks <= 0 or i < bilinear_blocks)
            if with_bil and bilinear_kind == "full":
                bil = FullBiLinear(lin_out, lin_out, dtype=dtype, device=device)
            else:
                bil = BiLinear(prev, lin_out, mid, **kw) if with_bil and mid is not None else None
            blocks.append(_Block(Linear(prev, lin_out, **kw), bil, nl))
            prev = H
        self.blocks = nn.ModuleList(blocks)
        self.head = Linear(prev, rep_out, **kw)
        self.reset_parameters()

    def reset_parameters(self, calibration_rows=256):
        if self.init == "paper":
            for m in self.modules():
                if isinstance(m, Linear):
                    m.reset_parameters_paper()
                elif isinstance(m, FullBiLinear):
                    m.reset_parameters()
                elif isinstance(m, BiLinear):  # its three maps as C's weyl_bilinear_init
                    for lin in (m.L1, m.L2, m.L3):
                        lin.reset_parameters()
            return
        self._calibrate(calibration_rows)

    @torch.no_grad()
    def _calibrate(self, calibration_rows):
        for m in self.modules():
            if isinstance(m, Linear):
                m.reset_parameters()
        p = self.head.theta
        x = torch.randn(calibration_rows, self.in_features, dtype=p.dtype, device=p.device)
        for b in list(self.blocks) + [None]:
            z = b.pre(x) if b is not None else self.head(x)
            layer = b.linear if b is not None else self.head
            row_ms = (z * z).mean(0)
            layer.rescale_(row_ms)
            if b is not None and b.bilinear is not None:
                b.bilinear.L3.weight_basis.rescale_(b.bilinear.L3.theta, row_ms, 1.0)
            if b is not None:
                x = b(x)

    def forward(self, x):
        for b in self.blocks:
            x = b(x)
        return self.head(x)

    def c_parameters(self):
        """The parameters in weyl_model_params order: per block [linear
        theta | beta | bilinear L1 | L2 | L3 | nonlinearity], then the head."""
        out = []
        for b in self.blocks:
            out += b.linear.c_parameters()
            out += b.bilinear.c_parameters() if b.bilinear is not None else []
            out += b.nonlin.c_parameters()
        return out + self.head.c_parameters()

    def c_params(self):
        """The parameters as one flat float64 NumPy vector in the C order."""
        return torch.cat([p.detach().reshape(-1).double().cpu()
                          for p in self.c_parameters()]).numpy()

    @torch.no_grad()
    def load_c_params(self, flat):
        """Sets the parameters from a flat vector in the C order (e.g.
        weyl.nn.EMLP(...).params)."""
        flat = torch.as_tensor(np.asarray(flat, dtype=np.float64))
        n = sum(p.numel() for p in self.c_parameters())
        if flat.shape != (n,):
            raise ValueError(f"expected {n} parameters in the C order, got shape "
                             f"{tuple(flat.shape)}")
        i = 0
        for p in self.c_parameters():
            p.copy_(flat[i:i + p.numel()].view_as(p))
            i += p.numel()
