"""The compact formats read back with NumPy (docs/rep-format.md section 5):
`--format labels` (exact bases), `coo` and `factored` rebuild, entry for
entry, the same dense array `--format npy` writes; Z(n) labels have the
circulant form (j - i) mod n; the archives pass zipfile's CRC check and
stream through a pipe; and a refusal names the formats that can hold the
basis.

Usage: test_compact.py WEYL_CLI REPS_DIR"""
import io
import os
import subprocess
import sys
import tempfile
import zipfile

import numpy as np

CLI, REPS = sys.argv[1], sys.argv[2]

# (source args, in, out): exact, mixed exact blocks, dense and structured blocks
CASES = [
    (["--group", "Z(7)"], "regular", "regular"),
    (["--group", "Z(6)"], "V + 2*Scalar", "V + regular"),
    ([os.path.join(REPS, "d4_pixels.rep")], "pixels", "pixels + sign"),
    (["--group", "SO(3)"], "V**2 + Scalar", "V + 2*V**2"),
    (["--group", "SO(3)"], "V**3", "V**3"),
    (["--group", "S(4)"], "V*V", "V + Scalar"),
]


def run(spec, fmt, path=None):
    args = [CLI, "basis", *spec, "--format", fmt] + (["-o", path] if path else [])
    return subprocess.run(args, capture_output=True)


def rebuild_coo(z):
    dim, rows, cols = z["shape"]
    W = np.zeros((dim, rows, cols))
    order = np.lexsort((z["col"], z["row"], z["element"]))
    assert (order == np.arange(len(order))).all(), "coo entries are sorted"
    W[z["element"], z["row"], z["col"]] = z["value"]
    return W


def rebuild_factored(z):
    dim, rows, cols = z["shape"]
    W = np.zeros((dim, rows, cols))
    for row0, col0, block, param0 in z["places"]:
        bo, bi, bdim, kind = z["blocks"][block]
        data = z["block_%d" % block]
        for k in range(bdim):
            part = (data == k).astype(float) if kind == 0 else data[k]
            W[param0 + k, row0:row0 + bo, col0:col0 + bi] = part
    return W


def check(spec, tmp):
    name = " ".join(spec)
    paths = {f: os.path.join(tmp, "b." + f) for f in ("npy", "labels", "coo", "factored")}
    assert run(spec, "npy", paths["npy"]).returncode == 0, name
    dense = np.load(paths["npy"], allow_pickle=False)
    for fmt in ("coo", "factored"):
        assert run(spec, fmt, paths[fmt]).returncode == 0, (name, fmt)
        assert zipfile.ZipFile(paths[fmt]).testzip() is None, (name, fmt)
        with np.load(paths[fmt], allow_pickle=False) as z:
            got = rebuild_coo(z) if fmt == "coo" else rebuild_factored(z)
        assert np.array_equal(got, dense), (name, fmt)
    text = run(spec, "text").stdout.decode()
    exact = "basis dimension: %d (exact orbit basis)" % dense.shape[0] in text
    r = run(spec, "labels", paths["labels"])
    if not exact:
        assert r.returncode == 1 and b"coo and factored" in r.stderr, (name, r.stderr)
        return
    assert r.returncode == 0, (name, r.stderr)
    labels = np.load(paths["labels"], allow_pickle=False)
    assert labels.dtype == np.dtype("<i4") and labels.shape == dense.shape[1:], name
    for k in range(dense.shape[0]):
        assert np.array_equal(labels == k, dense[k] == 1), (name, k)
    assert ((labels >= 0) == (dense.sum(axis=0) == 1)).all(), name


def circulant_labels():
    for n in (1, 5, 64):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "z.npy")
            spec = ["--group", "Z(%d)" % n, "--in", "regular", "--out", "regular"]
            assert run(spec, "labels", path).returncode == 0
            L = np.load(path)
            i, j = np.indices((n, n))
            assert np.array_equal(L, (j - i) % n), n


def streams_through_a_pipe():
    spec = ["--group", "Z(5)", "--in", "V", "--out", "V"]
    r = run(spec, "coo")  # stdout is a pipe here
    assert r.returncode == 0, r.stderr
    z = np.load(io.BytesIO(r.stdout))
    assert np.array_equal(rebuild_coo(z), np.stack([np.roll(np.eye(5), k, 1) for k in range(5)]))


def refusals_name_what_works():
    big = ["--group", "Z(1024)", "--in", "regular", "--out", "regular"]
    r = run(big, "json", "/dev/null")
    assert r.returncode == 1 and b"labels, coo or factored format holds it" in r.stderr, r.stderr
    r = run(big, "text")
    assert r.returncode == 0 and b"labels, coo or factored format holds it" in r.stdout


for case in CASES:
    src, rin, rout = case
    with tempfile.TemporaryDirectory() as tmp:
        check(src + ["--in", rin, "--out", rout], tmp)
circulant_labels()
streams_through_a_pipe()
refusals_name_what_works()
print("compact formats: %d cases read back by numpy" % len(CASES))
