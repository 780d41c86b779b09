"""One training step (forward, MSE loss, backward, Adam) of the O(5) EMLP of
examples/emlp_o5 (2*V -> Scalar, 128 hidden channels, 2 blocks, a bilinear
layer in the first: the low-rank one, pure torch, and the paper's full one,
computed in C), as weyl.torch.EMLP (float64 and float32) against the C
network (weyl.nn.EMLP, i.e. weyl_model_train_mse), on one thread, in this
process. Prints samples per second (median of --repeat steps) and the ratio
to C.

    python3 examples/python/bench_emlp.py [--batch 256] [--repeat 30]"""
import argparse
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before libweyl (OpenBLAS) loads
import numpy as np  # noqa: E402
import torch  # noqa: E402

try:
    import weyl  # noqa: E402
except ImportError:  # run from the source tree without installing
    import sys
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "..", "..", "src", "python"))
    import weyl  # noqa: E402
import weyl.nn as wnn  # noqa: E402
import weyl.torch as wt  # noqa: E402


def median_seconds(step, repeat):
    step()  # warm-up: buffers, Adam state
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def bench_kind(kind, rin, rout, x, y, args):
    """The table for one bilinear kind: the C network, then weyl.torch in
    float64 and float32 from the same parameters."""
    arch = dict(hidden=args.hidden, layers=2, bilinear_blocks=1, bilinear_kind=kind)
    c = wnn.EMLP(rin, rout, seed=0, **arch)
    rows = [("C network (weyl_model_train_mse)", median_seconds(lambda: c.train_step(x, y), args.repeat))]
    for dtype in (torch.float64, torch.float32):
        model = wt.EMLP(rin, rout, dtype=dtype, init="paper", **arch).to(dtype)
        model.load_c_params(c.params)
        opt = torch.optim.Adam(model.parameters(), lr=3e-3)
        xt, yt = torch.from_numpy(x).to(dtype), torch.from_numpy(y).to(dtype)

        def step():
            opt.zero_grad()
            loss = ((model(xt) - yt) ** 2).mean()
            loss.backward()
            opt.step()
        rows.append((f"weyl.torch.EMLP {str(dtype).split('.')[1]}", median_seconds(step, args.repeat)))
    print(f"O(5) EMLP, {kind} bilinear layer, {c.nparams} parameters, batch {args.batch}, one "
          f"thread, torch {torch.__version__}, median of {args.repeat} steps")
    print(f"{'':34} {'ms/step':>8} {'samples/s':>10} {'vs C':>6}")
    for name, sec in rows:
        print(f"{name:34} {sec * 1e3:8.2f} {args.batch / sec:10.0f} {rows[0][1] / sec:6.2f}")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--repeat", type=int, default=30)
    p.add_argument("--hidden", type=int, default=128)
    args = p.parse_args()
    torch.set_num_threads(1)
    G = weyl.group("O(5)")
    rin, rout = G.rep("2*V"), G.rep("Scalar")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((args.batch, 10))
    y = rng.standard_normal((args.batch, 1))
    for kind in ("lowrank", "full"):
        bench_kind(kind, rin, rout, x, y, args)
        print()


if __name__ == "__main__":
    main()
