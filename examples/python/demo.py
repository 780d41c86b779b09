"""weyl from Python: bases as NumPy arrays, then (if PyTorch is importable) a
model of weyl.torch.Linear layers trained on a permutation-invariant target.

    python3 examples/python/demo.py      # installed package, or from the source tree

With --check it exits 1 unless the trained model is invariant and learned
(used by the test suite), and 77 when torch is missing."""
import os
import sys

import numpy as np

try:
    import weyl
except ImportError:  # run from the source tree without installing the package
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "..", "..", "src", "python"))
    import weyl

CHECK = "--check" in sys.argv


def numpy_part():
    print(f"libweyl {weyl.version()} from {weyl.library_path}")
    reps = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "reps",
                        "d4_pixels.rep")
    if os.path.exists(reps):
        G = weyl.group(reps)
        K = weyl.basis(G.rep("pixels"), G.rep("Scalar"))  # 3x3 kernels read out to a scalar
        print(f"\nD4 on a 3x3 kernel: {K.dim} shared weights; the orbit labels:")
        print(K.pattern().reshape(3, 3))
    R = weyl.group("Z(6)").rep("regular")
    C = weyl.basis(R, R)
    print(f"\nZ(6): {C.dim} weights, W = sum_k theta_k B_k is circulant:")
    print(C.combine(np.arange(1.0, 7.0)).astype(int))


def torch_part(torch):
    import weyl.torch as wt
    torch.manual_seed(0)
    n, width = 5, 8
    G = weyl.group(f"S({n})")
    V, H, S = G.rep("V"), G.rep(f"{width}*V"), G.rep("Scalar")
    model = torch.nn.Sequential(wt.Linear(V, H), wt.Pointwise(H, "relu"),
                                wt.Linear(H, S)).double()
    params = sum(p.numel() for p in model.parameters())
    dense = n * n * width + n * width + n * width + 1
    print(f"\nPyTorch {torch.__version__}: S({n})-invariant model V -> {width}*V -> Scalar")
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
