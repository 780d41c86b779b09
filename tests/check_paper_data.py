#!/usr/bin/env python3
"""The EMLP experiments' --paper-data is the data of the EMLP paper's runs.

The paper's runs (emlp's experiments/data_efficiency.py) draw their data
under fixed seeds, 2021 for PyTorch and for NumPy: a data set of 30000 +
5000 + 1000 examples whose inputs are torch.randn (emlp's datasets.py until
August 2021, when its published results were in), then olive-oil-ml's
split_dataset, which takes the splits in decreasing size (ties in the order
train, test, val) and cuts each with sklearn's train_test_split, i.e. a
fresh np.random.permutation of what is left, the split its first k entries.
Standardize reads the stats of the whole data set.

This script draws the same with PyTorch and NumPy themselves, with the
targets written as emlp's datasets.py writes them (vectorised, in NumPy;
the C programs loop per example), and compares with what `EXPERIMENT
--dump-data N` prints: the stats and the first two and last rows of each
split. So the C generators, the split and the target formulas are each
checked against an independent computation. PyTorch's vectorised log, sin
and cos may differ from C's in a float's last bits: inputs are compared to
1e-6, targets and stats, which are up to quartic in them, to 1e-5.

Usage: check_paper_data.py TASK EXPERIMENT_BINARY [N ...]
TASK: lorentz, o5 or inertia.
"""
import subprocess
import sys

import numpy as np
import torch

N_ALL = 30000 + 5000 + 1000


def randn(n, d):
    """emlp's torch.randn(n, d) as float32 values, in float64."""
    return torch.randn(n, d).numpy().astype(np.float64)


def particle(n):
    x = randn(n, 16) / 4
    p1, p2, p3, p4 = x.reshape(n, 4, 4).transpose(1, 0, 2)
    eta = np.diag([1.0, -1.0, -1.0, -1.0])

    def dot(u, v):
        return ((u @ eta) * v).sum(-1)

    le = p1[:, :, None] * p3[:, None, :] - (dot(p1, p3) - dot(p1, p1))[:, None, None] * eta
    lmu = ((p2 @ eta)[:, :, None] * (p4 @ eta)[:, None, :]
           - (dot(p2, p4) - dot(p2, p2))[:, None, None] * eta)
    y = (4 * (le * lmu).sum(-1).sum(-1))[:, None]
    p = x.reshape(n, 4, 4)
    scale = np.sqrt(np.abs((p @ eta) * p).mean(-1).mean(0))
    stats = np.repeat(scale, 4), y.mean(0), y.std(0)
    return x, y, stats


def o5(n):
    x = randn(n, 10)
    r1, r2 = x.reshape(n, 2, 5).transpose(1, 0, 2)
    n1, n2 = np.sqrt((r1 ** 2).sum(-1)), np.sqrt((r2 ** 2).sum(-1))
    y = (np.sin(n1) - 0.5 * n2 ** 3 + (r1 * r2).sum(-1) / (n1 * n2))[:, None]
    scale = np.sqrt((x.reshape(n, 2, 5) ** 2).mean((0, 2)))
    stats = np.repeat(scale, 5), y.mean(0), y.std(0)
    return x, y, stats


def inertia(n, k=5):
    x = randn(n, 4 * k)
    x[:, :k] = np.log1p(np.exp(x[:, :k]))  # softplus
    m, r = x[:, :k], x[:, k:].reshape(n, k, 3)
    r2 = (r ** 2).sum(-1)[..., None, None]
    y = (m[:, :, None, None] * (r2 * np.eye(3) - r[..., None] * r[..., None, :])).sum(1)
    stats = np.ones(4 * k), np.zeros(9), np.ones(9)  # the paper's Inertia is not standardized
    return x, y.reshape(n, 9), stats


TASKS = {"lorentz": particle, "o5": o5, "inertia": inertia}


def paper_splits(task, n_train):
    """The data and index splits of one of the paper's runs."""
    torch.manual_seed(2021)
    np.random.seed(2021)
    x, y, stats = TASKS[task](N_ALL)
    counts = {"train": n_train, "test": 5000, "val": 1000}
    left = np.arange(N_ALL)
    splits = {}
    for name, k in sorted(counts.items(), reverse=True, key=lambda kv: kv[1]):
        perm = np.random.permutation(len(left))  # sklearn's ShuffleSplit
        splits[name] = left[perm[:k]]
        left = left[perm[k:]]
    return x, y, stats, splits


def parse(text):
    lines = {}
    for line in text.splitlines():
        words = line.split()
        row = words[0] in ("train", "val", "test") and len(words) > 2
        lines[" ".join(words[:2]) if row else words[0]] = words[1:]
    return lines


def close(got, want, what, tol=1e-5):
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    if got.shape != want.shape or not np.allclose(got, want, rtol=tol, atol=tol):
        worst = np.max(np.abs(got - want)) if got.shape == want.shape else "shapes differ"
        print(f"FAIL {what}: C {got[:4]}..., reference {want[:4]}... (largest difference {worst})")
        return False
    return True


def check(task, binary, n_train):
    out = subprocess.run([binary, "--dump-data", str(n_train)], check=True,
                         capture_output=True, text=True).stdout
    got = parse(out)
    x, y, (xscale, ymean, ystd), splits = paper_splits(task, n_train)
    ok = close(got["xscale"], xscale, "xscale") & close(got["ymean"], ymean, "ymean")
    ok &= close(got["ystd"], ystd, "ystd")
    for name, ids in splits.items():
        ok &= close(got[name], [len(ids)], f"{name} size")
        for row in (0, 1, len(ids) - 1):
            line, what = got[f"{name} {row}"][1:], f"{task} N={n_train} {name} row {row}"
            ok &= close(line[:x.shape[1]], x[ids[row]], what + " x", 1e-6)
            ok &= close(line[x.shape[1]:], y[ids[row]], what + " y")
    print(f"{task} N={n_train}: {'same data as PyTorch and NumPy' if ok else 'DIFFERENT'}")
    return ok


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in TASKS:
        print(__doc__)
        return 2
    sizes = [int(v) for v in sys.argv[3:]] or [30, 1000, 3000]
    ok = all([check(sys.argv[1], sys.argv[2], n) for n in sizes])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
