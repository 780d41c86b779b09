"""weyl from Python: bases as NumPy arrays, then (if PyTorch is importable) an
nn.Module whose weight is basis @ theta, trained on a permutation-invariant
target.

    python3 examples/python/demo.py          # from the source tree, after a build
    WEYL_LIB=/usr/local/lib/libweyl.so python3 demo.py

With --check it exits 1 unless the trained model is invariant and learned
(used by the test suite), and 77 when torch is missing."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import weyl  # noqa: E402

CHECK = "--check" in sys.argv


def numpy_part():
    print(f"libweyl {weyl.version()} from {weyl.library_path}")
    reps = os.path.join(os.path.dirname(__file__), "..", "..", "reps", "d4_pixels.rep")
    if os.path.exists(reps):
        K = weyl.basis(reps, "pixels", "Scalar")[:, 0, :]  # (3, 9): 3x3 kernels
        print(f"\nD4 on a 3x3 kernel: {K.shape[0]} shared weights")
        pattern = sum((k + 1) * (np.abs(K[k]) > 0) for k in range(K.shape[0]))
        print(pattern.reshape(3, 3).astype(int))
    C = weyl.basis("Z(6)", "regular", "regular")
    print(f"\nZ(6): {C.shape[0]} weights, W = sum_k theta_k B_k is circulant:")
    print(np.einsum("k,koi->oi", np.arange(1.0, 7.0), C).astype(int))


def torch_part(torch):
    nn = torch.nn

    class EquivariantLinear(nn.Module):
        """y = W x + b with W = reshape(Q theta): Q holds the basis (out*in, dim),
        so only dim numbers are learned and W is equivariant for any theta."""

        def __init__(self, group, rep_in, rep_out):
            super().__init__()
            B = weyl.basis(group, rep_in, rep_out)
            b = weyl.bias(group, rep_out)
            self.shape = B.shape[1:]
            self.register_buffer("Q", torch.from_numpy(B.reshape(B.shape[0], -1).T.copy()))
            self.register_buffer("Qb", torch.from_numpy(b.T.copy()))
            self.theta = nn.Parameter(torch.randn(B.shape[0], dtype=torch.float64)
                                      / np.sqrt(self.shape[1]))
            self.beta = nn.Parameter(torch.zeros(b.shape[0], dtype=torch.float64))

        def forward(self, x):
            W = (self.Q @ self.theta).reshape(self.shape)
            return x @ W.T + self.Qb @ self.beta

    torch.manual_seed(0)
    n, width = 5, 8
    hidden = f"{width}*V"
    model = nn.Sequential(EquivariantLinear(f"S({n})", "V", hidden), nn.ReLU(),
                          EquivariantLinear(f"S({n})", hidden, "Scalar"))
    params = sum(p.numel() for p in model.parameters())
    dense = n * n * width + n * width + n * width + 1
    print(f"\nPyTorch {torch.__version__}: S({n})-invariant model V -> {hidden} -> Scalar")
    print(f"  learned parameters: {params} (a dense model of the same shape: {dense})")

    def target(x):  # a permutation-invariant function of a set of 5 numbers
        return (x ** 2).sum(-1, keepdim=True) - x.sum(-1, keepdim=True)

    x = torch.randn(512, n, dtype=torch.float64)
    y = target(x)
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    losses = []
    for step in range(301):
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
        if step % 100 == 0:
            print(f"  step {step:3d}  mse {loss.item():.4f}")
    perm = torch.randperm(n)
    with torch.no_grad():
        diff = (model(x[:, perm]) - model(x)).abs().max().item()
    print(f"  max |f(permuted x) - f(x)| = {diff:.1e} (invariant by construction)")
    return losses, diff


def main():
    numpy_part()
    try:
        import torch
    except ImportError:
        print("\ntorch is not importable (Debian: apt-get install python3-torch): "
              "skipping the PyTorch part")
        sys.exit(77 if CHECK else 0)
    losses, diff = torch_part(torch)
    if CHECK and not (diff < 1e-10 and losses[-1] < 0.1 * losses[0]):
        print(f"FAIL: invariance {diff:.1e}, loss {losses[0]:.3f} -> {losses[-1]:.3f}")
        sys.exit(1)


main()
