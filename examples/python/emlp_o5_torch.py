"""The EMLP paper's O(5) task (examples/emlp_o5) trained with weyl.torch.EMLP,
the paper's protocol: 384 channels, 3 blocks, Adam (weyl.torch.EmlpAdam,
emlp's steps, or torch.optim.Adam with --opt torch) at 3e-3, batch 500,
epochs min(900000/N, 1000), a validation set of 1000 picking the best of
50 evaluations, test set 5000, emlp's standardization.
Prints each seed's test MSE and the mean and std, so the Python package's
model can be set beside the C program's table (README, Experiments).

    python3 examples/python/emlp_o5_torch.py [--n 1000] [--seeds 3]
        [--kind full|lowrank] [--init paper|calibrated] [--opt emlp|torch]
        [--channels 384]

The defaults are weyl.torch.EMLP's, the paper's model (full bilinear
layer, emlp's init), and EmlpAdam.

The data is drawn with NumPy (seed per run), not with the C program's
generator: same distribution, other draws. Needs the package installed
(README, "Python and PyTorch") or PYTHONPATH=src/python."""
import argparse
import time

import numpy as np
import torch

import weyl
import weyl.torch as wt


def o5_synthetic(rng, n):
    """emlp's O5Synthetic: x ~ N(0, 1)^10 as two vectors of R^5,
    f = sin|x1| - |x2|^3 / 2 + x1.x2 / (|x1| |x2|)."""
    x = rng.standard_normal((n, 10))
    a, b = x[:, :5], x[:, 5:]
    na, nb = np.linalg.norm(a, axis=1), np.linalg.norm(b, axis=1)
    y = np.sin(na) - 0.5 * nb ** 3 + (a * b).sum(1) / (na * nb)
    return x, y[:, None]


def run(seed, args):
    rng = np.random.default_rng(1000 + seed)
    parts = [o5_synthetic(rng, n) for n in (args.n, 1000, 5000)]  # train, val, test
    xs = np.concatenate([p[0] for p in parts])
    ys = np.concatenate([p[1] for p in parts])
    # emlp's stats over all the data: each vector divided by its root mean
    # square (no shift), the target shifted and scaled by its mean and std
    xscale = np.repeat([np.sqrt((xs[:, :5] ** 2).mean()), np.sqrt((xs[:, 5:] ** 2).mean())], 5)
    ymean, ystd = ys.mean(), ys.std()
    data = [(torch.from_numpy(x / xscale), torch.from_numpy((y - ymean) / ystd)) for x, y in parts]
    (xt, yt), (xv, yv), (xe, ye) = data
    torch.manual_seed(seed)
    G = weyl.group("O(5)")
    model = wt.EMLP(G.rep("2*V"), G.rep("Scalar"), hidden=args.channels, layers=3,
                    bilinear_kind=args.kind, init=args.init).double()
    opt = wt.EmlpAdam(model, lr=3e-3) if args.opt == "emlp" else \
        torch.optim.Adam(model.parameters(), lr=3e-3)
    batch = min(500, args.n)
    epochs = min(900000 // args.n, 1000)
    every = max(epochs // 50, 1)

    def mse(x, y):  # in the data's units
        with torch.no_grad():
            return (((model(x) - y) * ystd) ** 2).mean().item()

    best_val, best_params = float("inf"), None
    for epoch in range(epochs):
        perm = torch.randperm(args.n)
        for i in range(0, args.n, batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss = ((model(xt[idx]) - yt[idx]) ** 2).mean()
            loss.backward()
            opt.step()
        if (epoch + 1) % every == 0 or epoch + 1 == epochs:
            v = mse(xv, yv)
            if v < best_val:
                best_val = v
                best_params = [q.detach().clone() for q in model.parameters()]
    with torch.no_grad():
        for q, b in zip(model.parameters(), best_params):
            q.copy_(b)
    return mse(xe, ye), best_val


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=1000)
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--kind", choices=("full", "lowrank"), default="full")
    p.add_argument("--init", choices=("paper", "calibrated"), default="paper")
    p.add_argument("--opt", choices=("emlp", "torch"), default="emlp")
    p.add_argument("--channels", type=int, default=384)
    args = p.parse_args()
    torch.set_num_threads(1)
    results = []
    for seed in range(args.seeds):
        t0 = time.process_time()
        test, val = run(seed, args)
        results.append(test)
        print(f"seed {seed}: test MSE {test:.4g} (val {val:.4g}), "
              f"{time.process_time() - t0:.0f} CPU s", flush=True)
    r = np.array(results)
    std = r.std(ddof=1) if len(r) > 1 else 0.0
    print(f"N = {args.n}, {args.kind} bilinear, {args.init} init, {args.opt} Adam: "
          f"test MSE {r.mean():.4g} "
          f"± {std:.2g} over {len(r)} seeds")


if __name__ == "__main__":
    main()
