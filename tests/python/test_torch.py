"""weyl.torch: every module equivariant on random group elements of several
groups (float32 and float64), gradients by torch.autograd.gradcheck, the
torch Linear, nonlinearities, bilinear layer and EMLP equal to the C
library's on the same coefficients (forward and, for the EMLP, gradient),
state_dict round trips, dtype handling and errors."""
import io

import numpy as np
import pytest

from conftest import need_torch

torch = need_torch()
import weyl  # noqa: E402
import weyl.nn as wnn  # noqa: E402
import weyl.torch as wt  # noqa: E402

TOL = {torch.float32: 1e-5, torch.float64: 1e-10}
# (group, rep_in, rep_out): continuous, finite permutation, Lorentz, products
CASES = [("SO(3)", "V + V**2 + Scalar", "2*V + Scalar"),
         ("O(5)", "2*V", "Scalar + V"),
         ("S(5)", "V + Scalar", "V**2"),
         ("SO(1,3)", "V", "V + Scalar"),
         ("D(6) x Z(2)", "V", "regular")]


def rel_err(a, b):
    return ((a - b).norm() / max(b.norm().item(), 1e-30)).item()


def check_equivariant(module, G, rep_in, rep_out, dtype, n=5, batch=4, seed=0):
    """max over n sampled g of |f(rho_in(g) x) - rho_out(g) f(x)| / |f(x)|."""
    g = G.sample(n, seed=seed, scale=0.5)
    ri = torch.from_numpy(g.rho(rep_in)).to(dtype)
    ro = torch.from_numpy(g.rho(rep_out)).to(dtype)
    x = torch.randn(batch, rep_in.dim, dtype=torch.float64).to(dtype)
    module = module.to(dtype)
    with torch.no_grad():
        fx = module(x)
        return max(rel_err(module(x @ a.T), fx @ b.T) for a, b in zip(ri, ro))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("group,rin,rout", CASES)
def test_linear_is_equivariant(group, rin, rout, dtype):
    torch.manual_seed(0)
    G = weyl.group(group)
    ri, ro = G.rep(rin), G.rep(rout)
    layer = wt.Linear(ri, ro)
    with torch.no_grad():
        if layer.beta is not None:
            layer.beta.normal_()
    assert check_equivariant(layer, G, ri, ro, dtype) < TOL[dtype]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("group,hidden", [("SO(3)", "Scalar + 2*V + V**2"),
                                          ("O(5)", "3*Scalar + 2*V"),
                                          ("SO(1,3)", "Scalar + V"),
                                          ("S(4)", "Scalar + V + V**2")])
def test_gated_norm_and_bilinear_are_equivariant(group, hidden, dtype):
    torch.manual_seed(1)
    G = weyl.group(group)
    H = G.rep(hidden)
    gated = wt.Gated(H)
    assert check_equivariant(gated, G, gated.rep_in, H, dtype) < TOL[dtype]
    bil = wt.BiLinear(H, H)
    assert check_equivariant(bil, G, H, H, dtype) < TOL[dtype]
    Hg = gated.rep_in  # the full layer's EMLP place: gated(H) -> gated(H)
    full = wt.FullBiLinear(Hg, Hg)
    assert full.weight.numel() > 0
    assert check_equivariant(full, G, Hg, Hg, dtype) < TOL[dtype]
    if group != "SO(1,3)":  # Lorentz boosts are not orthogonal: no norm nonlinearity
        norm = wt.Norm(H)
        with torch.no_grad():
            norm.bias.normal_()
        assert check_equivariant(norm, G, H, H, dtype) < TOL[dtype]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_pointwise_on_a_permutation_rep_is_equivariant(dtype):
    G = weyl.group("S(5)")
    R = G.rep("V + V**2")
    assert check_equivariant(wt.Pointwise(R, "relu"), G, R, R, dtype) < TOL[dtype]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("group,rin,rout,kind", [("O(5)", "2*V", "Scalar", "gated"),
                                                 ("SO(3)", "V + Scalar", "V", "gated"),
                                                 ("SO(1,3)", "2*V", "Scalar", "gated"),
                                                 ("O(3)", "V**2", "V", "norm")])
def test_emlp_is_equivariant(group, rin, rout, kind, dtype):
    torch.manual_seed(2)
    G = weyl.group(group)
    ri, ro = G.rep(rin), G.rep(rout)
    model = wt.EMLP(ri, ro, hidden=32, layers=2, kind=kind)
    assert check_equivariant(model, G, ri, ro, dtype) < TOL[dtype]
    low = wt.EMLP(ri, ro, hidden=32, layers=2, kind=kind, bilinear_kind="lowrank",
                  init="calibrated")
    assert check_equivariant(low, G, ri, ro, dtype) < TOL[dtype]


def test_gradients_pass_gradcheck():
    torch.manual_seed(3)
    G = weyl.group("SO(3)")
    V, H = G.rep("V + Scalar"), G.rep("Scalar + V + V**2")
    model = wt.EMLP(V, G.rep("V"), hidden=H, layers=1).double()
    x = torch.randn(3, V.dim, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda x: model(x), (x,))
    from torch.nn.utils.stateless import functional_call
    names = [n for n, _ in model.named_parameters()]

    def as_function(*ps):  # the output as a function of all parameters
        return functional_call(model, dict(zip(names, ps)), (x.detach(),))
    inputs = tuple(p.detach().clone().requires_grad_(True) for p in model.parameters())
    assert torch.autograd.gradcheck(as_function, inputs), names
    norm = wt.Norm(H).double()
    y = torch.randn(2, H.dim, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(norm, (y,))


@pytest.mark.parametrize("group,rin,rout", CASES + [("Z(8)", "regular", "2*regular")])
def test_linear_equals_the_c_layer_on_the_same_coefficients(group, rin, rout):
    G = weyl.group(group)
    ri, ro = G.rep(rin), G.rep(rout)
    layer = wt.Linear(ri, ro).double()
    with torch.no_grad():
        if layer.beta is not None:
            layer.beta.normal_()
    c = wnn.Linear(layer.basis, layer.basis.bias if layer.beta is not None else None)
    c.set_params(torch.cat([p.detach().reshape(-1) for p in layer.c_parameters()]).numpy())
    x = np.random.default_rng(0).standard_normal((6, ri.dim))
    y = layer(torch.from_numpy(x)).detach().numpy()
    assert np.abs(y - c.forward(x)).max() < 1e-12 * max(1, np.abs(y).max())
    # the weight also equals the basis' own combine of the coefficients over
    # the elements' Frobenius norms (each norm from combine of a unit vector:
    # independent of both layers)
    B = layer.basis
    norms = np.array([np.linalg.norm(B.combine(np.eye(B.dim)[k])) for k in range(B.dim)])
    W = B.combine(layer.theta.detach().numpy() / norms)
    assert np.abs(layer.weight.detach().numpy() - W).max() < 1e-13


def test_nonlinearities_equal_the_c_ones():
    G = weyl.group("O(3)")
    H = G.rep("2*Scalar + V + V**2")
    rng = np.random.default_rng(4)
    for kind, module in [("gated", wt.Gated(H, "swish")), ("norm", wt.Norm(H, "tanh"))]:
        module = module.double()
        c = wnn.Nonlin(kind, H, module.act)
        x = rng.standard_normal((5, c.in_dim))
        params = None
        if kind == "norm":
            with torch.no_grad():
                module.bias.normal_()
            params = module.bias.detach().numpy()
        y = module(torch.from_numpy(x)).detach().numpy()
        assert np.abs(y - c.forward(x, params)).max() < 1e-13, kind
    S = weyl.group("S(4)").rep("V**2")
    x = rng.standard_normal((3, 16))
    y = wt.Pointwise(S, "relu").double()(torch.from_numpy(x)).numpy()
    assert np.array_equal(y, np.maximum(x, 0))


def test_bilinear_equals_the_c_layer():
    G = weyl.group("SO(3)")
    H = G.rep("Scalar + V + V**2")
    bil = wt.BiLinear(H, G.rep("V + Scalar")).double()
    c = wnn.BiLinear(H, G.rep("V + Scalar"), bil.mid)
    c.set_params(torch.cat([p.detach() for p in bil.c_parameters()]).numpy())
    x = np.random.default_rng(5).standard_normal((4, H.dim))
    y = bil(torch.from_numpy(x)).detach().numpy()
    assert np.abs(y - c.forward(x)).max() < 1e-12 * np.abs(y).max()


@pytest.mark.parametrize("group,rin,rout,kind", [("O(5)", "2*V", "Scalar", "full"),
                                                 ("O(5)", "2*V", "Scalar", "lowrank"),
                                                 ("SO(1,3)", "2*V", "Scalar", "full")])
def test_emlp_equals_the_c_network_forward_and_gradient(group, rin, rout, kind):
    """The same architecture as weyl_model_emlp: the C network's parameters
    loaded in the C order give the same outputs and the same MSE gradients."""
    G = weyl.group(group)
    ri, ro = G.rep(rin), G.rep(rout)
    c = wnn.EMLP(ri, ro, hidden=48, layers=2, seed=7, bilinear_kind=kind)
    model = wt.EMLP(ri, ro, hidden=48, layers=2, bilinear_kind=kind, init="paper").double()
    assert sum(p.numel() for p in model.parameters()) == c.nparams
    model.load_c_params(c.params)
    assert np.array_equal(model.c_params(), c.params)
    x = np.random.default_rng(6).standard_normal((9, ri.dim))
    y = np.random.default_rng(7).standard_normal((9, 1))
    pred_c = c.forward(x)
    pred = model(torch.from_numpy(x))
    assert np.abs(pred.detach().numpy() - pred_c).max() < 1e-12 * np.abs(pred_c).max()
    loss = ((pred - torch.from_numpy(y)) ** 2).mean()
    loss.backward()
    c.backward(2 * (pred_c - y) / y.size)  # dL/dy of the mean squared error
    grad = torch.cat([p.grad.reshape(-1) for p in model.c_parameters()]).numpy()
    assert np.abs(grad - c.grads).max() < 1e-10 * np.abs(c.grads).max()


@pytest.mark.parametrize("group,rin,rout,kind", [("O(5)", "2*V", "Scalar", "full"),
                                                 ("S(4)", "V", "Scalar", "full"),
                                                 ("SO(3)", "V + Scalar", "V", "lowrank")])
def test_emlp_adam_steps_as_the_c_networks_optimizer(group, rin, rout, kind):
    """weyl.torch.EmlpAdam on a torch EMLP holding the C network's
    parameters takes the steps of the C optimizer (weyl_model_adam_new,
    through weyl.nn.EMLP.train_step): after 8 MSE steps on one batch the two
    parameter vectors agree to 1e-9 of how far they moved; torch.optim.Adam
    ends elsewhere (dense bases: O(5), SO(3); exact ones: S(4))."""
    G = weyl.group(group)
    ri, ro = G.rep(rin), G.rep(rout)
    c = wnn.EMLP(ri, ro, hidden=40, layers=2, seed=3, bilinear_kind=kind)
    start = c.params
    models = []
    for opt_class in (wt.EmlpAdam, None):
        model = wt.EMLP(ri, ro, hidden=40, layers=2, bilinear_kind=kind, init="paper").double()
        model.load_c_params(start)
        opt = opt_class(model, lr=3e-3) if opt_class else torch.optim.Adam(model.parameters(),
                                                                            lr=3e-3)
        models.append((model, opt))
    rng = np.random.default_rng(12)
    x, y = rng.standard_normal((16, ri.dim)), rng.standard_normal((16, ro.dim))
    for _ in range(8):
        c.train_step(x, y, lr=3e-3)
        for model, opt in models:
            opt.zero_grad()
            ((model(torch.from_numpy(x)) - torch.from_numpy(y)) ** 2).mean().backward()
            opt.step()
    moved = np.abs(c.params - start).max()
    assert moved > 1e-3
    assert np.abs(models[0][0].c_params() - c.params).max() < 1e-9 * moved
    assert np.abs(models[1][0].c_params() - c.params).max() > 0.05 * moved


def test_full_bilinear_is_the_papers_form_on_a_hand_solved_case():
    """SO(3), Scalar + V + V**2 -> V: the blocks of W(x) with sources are
    (V <- Scalar), whose rep V is carried by the in summand V, and (V <- V),
    whose rep V (x) V* = V**2 is carried by the in summand T = V**2; so
    y = 0.1 (p1 s v + p2 T v) with T read as a 3 x 3 matrix (row-major).
    Then torch.autograd.gradcheck on x and the weights (finite differences
    against the C backward), and the layer used twice in one graph."""
    G = weyl.group("SO(3)")
    layer = wt.FullBiLinear(G.rep("Scalar + V + V**2"), G.rep("V")).double()
    assert layer.weight.numel() == 2
    x = torch.randn(6, 13, dtype=torch.float64)
    s, v, T = x[:, :1], x[:, 1:4], x[:, 4:].reshape(6, 3, 3)
    p1, p2 = layer.weight.detach()
    want = 0.1 * (p1 * s * v + p2 * (T @ v.unsqueeze(-1)).squeeze(-1))
    assert (layer(x) - want).abs().max().item() < 1e-13 * want.abs().max().item()
    assert torch.allclose(layer(x.reshape(2, 3, 13)), layer(x).reshape(2, 3, 3))
    Hg = wnn.gated_rep(G.rep("Scalar + V + V**2"))
    big = wt.FullBiLinear(Hg, Hg).double()
    xg = torch.randn(3, Hg.dim, dtype=torch.float64, requires_grad=True)
    w = big.weight.detach().clone().requires_grad_(True)
    assert torch.autograd.gradcheck(lambda a, b: wt._FullBiLinearFn.apply(a, b, big._c), (xg, w))
    # applied twice in one graph: the first node's backward runs after the
    # second pass, so it must rebuild its own; the sum of two separate graphs
    x1, x2 = torch.randn(4, Hg.dim, dtype=torch.float64), torch.randn(4, Hg.dim, dtype=torch.float64)
    (big(x1).pow(2).sum() + big(x2).sum()).backward()
    both = big.weight.grad.clone()
    big.weight.grad = None
    big(x1).pow(2).sum().backward()
    big(x2).sum().backward()
    assert (both - big.weight.grad).abs().max().item() < 1e-12 * both.abs().max().item()


def test_paper_init_has_emlps_scales():
    """emlp's Linear init on 32 -> 48 scalar channels (the projection is the
    identity): weights normal with variance 1 / max(in, out) = 1/48 (1536
    draws: within 15%), bias uniform on [0, 1/sqrt(48)) (mean within 15% of
    half of it). On V -> V + Scalar only the invariant (Scalar) entry of the
    bias can be non-zero."""
    torch.manual_seed(10)
    G = weyl.group("SO(3)")
    lin = wt.Linear(G.rep("32*Scalar"), G.rep("48*Scalar")).double()
    lin.reset_parameters_paper()
    W, b = lin.weight.detach(), lin.bias.detach()
    assert abs(W.var().item() * 48 - 1) < 0.15
    assert b.min().item() >= 0 and b.max().item() < 48 ** -0.5
    assert abs(b.mean().item() / (0.5 * 48 ** -0.5) - 1) < 0.15
    small = wt.Linear(G.rep("V"), G.rep("V + Scalar")).double()
    small.reset_parameters_paper()
    bias = small.bias.detach()
    assert bias[:3].abs().max().item() == 0 and 0 < bias[3].item() < 4 ** -0.5
    model = wt.EMLP(G.rep("V"), G.rep("Scalar"), hidden=24, layers=1, bilinear_kind="full",
                    init="paper")
    weights = [m.weight for m in model.modules() if isinstance(m, wt.FullBiLinear)]
    assert len(weights) == 1 and abs(weights[0].detach().std().item() - 1) < 0.3


@pytest.mark.parametrize("group,metric", [("O(5)", [1, 1, 1, 1, 1]),
                                          ("SO(1,3)", [-1, 1, 1, 1])])
def test_full_emlp_trains_and_stays_equivariant(group, metric):
    """The paper's EMLP (full bilinear layers, emlp's init) under EmlpAdam
    at emlp's rate: on 2*V -> Scalar with target the invariant inner
    product of the two vectors (weyl's metric), the loss on a fixed batch
    falls below a tenth in 400 steps, and the model stays equivariant."""
    torch.manual_seed(11)
    G = weyl.group(group)
    ri, ro = G.rep("2*V"), G.rep("Scalar")
    d = len(metric)
    model = wt.EMLP(ri, ro, hidden=32, layers=2, bilinear_kind="full", init="paper").double()
    x = torch.randn(32, 2 * d, dtype=torch.float64)
    eta = torch.tensor(metric, dtype=torch.float64)
    y = (x[:, :d] * eta * x[:, d:]).sum(1, keepdim=True)
    opt = wt.EmlpAdam(model, lr=3e-3)
    losses = []
    for _ in range(400):
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.1 * losses[0], (losses[0], losses[-1])
    assert check_equivariant(model, G, ri, ro, torch.float64) < 1e-10


def test_init_keeps_unit_scale_like_the_c_network():
    torch.manual_seed(8)
    G = weyl.group("O(5)")
    model = wt.EMLP(G.rep("2*V"), G.rep("Scalar"), hidden=64, layers=3, init="calibrated",
                    bilinear_kind="lowrank").double()
    x = torch.randn(512, 10, dtype=torch.float64)
    with torch.no_grad():
        h = x
        for b in model.blocks:
            z = b.pre(h)
            assert 0.5 < z.pow(2).mean().sqrt().item() < 2
            h = b(h)


def test_state_dict_round_trips_and_dtypes_follow_the_module():
    torch.manual_seed(9)
    G = weyl.group("SO(3)")
    ri, ro = G.rep("V + Scalar"), G.rep("V")
    a = wt.EMLP(ri, ro, hidden=24, layers=1)
    buf = io.BytesIO()
    torch.save(a.state_dict(), buf)
    b = wt.EMLP(ri, ro, hidden=24, layers=1)
    x = torch.randn(5, ri.dim)
    assert not torch.allclose(a(x), b(x))
    buf.seek(0)
    b.load_state_dict(torch.load(buf))
    assert torch.equal(a(x), b(x))
    keys = a.state_dict().keys()
    assert any(k.endswith("theta") for k in keys) and any(k.endswith("value") for k in keys)
    assert a(x).dtype == torch.float32
    a.double()
    assert a(x.double()).dtype == torch.float64
    assert all(p.dtype == torch.float64 for p in a.parameters())
    exact = wt.Linear(G.rep("Scalar"), G.rep("3*Scalar"), dtype=torch.float64)
    assert exact.theta.dtype == torch.float64 and "weight_basis.labels" in dict(exact.named_buffers())
    if torch.cuda.is_available():  # no GPU on the CI machine
        assert a.cuda()(x.double().cuda()).device.type == "cuda"


def test_torch_linear_keeps_leading_batch_axes():
    G = weyl.group("SO(3)")
    layer = wt.Linear(G.rep("V"), G.rep("V + Scalar"))
    x = torch.randn(2, 3, 4, 3)
    assert layer(x).shape == (2, 3, 4, 4)
    assert torch.allclose(layer(x)[1, 2], layer(x[1, 2]))


def test_errors_carry_the_library_message():
    G = weyl.group("SO(3)")
    with pytest.raises(weyl.WeylError, match="permutation"):
        wt.Pointwise(G.rep("V"))
    with pytest.raises(weyl.WeylError, match="column"):
        wt.Linear(G.rep("V +"), G.rep("V"))
    with pytest.raises(weyl.WeylError, match="orthogonal"):
        wt.Norm(weyl.group("SO(1,3)").rep("V"))
    with pytest.raises(ValueError, match="activation"):
        wt.Gated(G.rep("V"), act="gelu")
    with pytest.raises(ValueError, match="different Group"):
        wt.Linear(G.rep("V"), weyl.group("SO(3)").rep("V"))
    model = wt.EMLP(G.rep("V"), G.rep("V"), hidden=16, layers=1)
    with pytest.raises(ValueError, match="C order"):
        model.load_c_params(np.zeros(3))
    with pytest.raises(ValueError, match="bilinear_kind"):
        wt.EMLP(G.rep("V"), G.rep("V"), hidden=16, layers=1, bilinear_kind="dense")
    with pytest.raises(ValueError, match="low-rank"):
        wt.EMLP(G.rep("V"), G.rep("V"), hidden=16, layers=1, bilinear_kind="full",
                init="calibrated")
    with pytest.raises(ValueError, match="different Group"):
        wt.FullBiLinear(G.rep("V"), weyl.group("SO(3)").rep("V"))
