"""The compact formats read back with NumPy (docs/rep-format.md section 5):
`--format labels` (exact bases), `coo` and `factored` rebuild, entry for
entry, the same dense array `--format npy` writes (isotypic blocks, written
as their factors Q_out, T_k, Q_in, to 1e-12: numpy multiplies them in its own
order); SO(3) V**6 -> V**6 (4213 x 729 x 729, 2.2e9 numbers dense) is written
as factors, orthogonal Q of the right shapes; Z(n) labels have the
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

# (source args, in, out, isotypic): exact, mixed exact blocks, dense and
# structured blocks, and blocks of the isotypic path, written as factors
CASES = [
    (["--group", "Z(7)"], "regular", "regular", False),
    (["--group", "Z(6)"], "V + 2*Scalar", "V + regular", False),
    ([os.path.join(REPS, "d4_pixels.rep")], "pixels", "pixels + sign", False),
    (["--group", "SO(3)"], "V**2 + Scalar", "V + 2*V**2", False),
    (["--group", "SO(3)"], "V**3", "V**3", True),
    (["--group", "S(4)"], "V*V", "V + Scalar", False),
    (["--group", "SO(3)", "--solver", "isotypic"], "V**2", "V + V**2", True),
    (["--group", "SO(4)", "--solver", "isotypic"], "V**2", "V**2", True),
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


def factored_element(z, block, k):
    """Element k of a kind-2 block, by the formula of rep-format.md section 5."""
    q_in, q_out = z["block_%d_q_in" % block], z["block_%d_q_out" % block]
    c_in, c_out, r, t0 = z["block_%d_fac" % block][k]
    T = z["block_%d_t" % block][t0:t0 + r * r].reshape(r, r)
    return q_out[:, c_out:c_out + r] @ T @ q_in[:, c_in:c_in + r].T


def rebuild_factored(z):
    dim, rows, cols = z["shape"]
    W = np.zeros((dim, rows, cols))
    for row0, col0, block, param0 in z["places"]:
        bo, bi, bdim, kind = z["blocks"][block]
        data = None if kind == 2 else z["block_%d" % block]
        for k in range(bdim):
            if kind == 2:
                part = factored_element(z, block, k)
            else:
                part = (data == k).astype(float) if kind == 0 else data[k]
            W[param0 + k, row0:row0 + bo, col0:col0 + bi] = part
    return W


def check(spec, isotypic, tmp):
    name = " ".join(spec)
    paths = {f: os.path.join(tmp, "b." + f) for f in ("npy", "labels", "coo", "factored")}
    assert run(spec, "npy", paths["npy"]).returncode == 0, name
    dense = np.load(paths["npy"], allow_pickle=False)
    for fmt in ("coo", "factored"):
        assert run(spec, fmt, paths[fmt]).returncode == 0, (name, fmt)
        assert zipfile.ZipFile(paths[fmt]).testzip() is None, (name, fmt)
        with np.load(paths[fmt], allow_pickle=False) as z:
            got = rebuild_coo(z) if fmt == "coo" else rebuild_factored(z)
            kinds = set(z["blocks"][:, 3]) if fmt == "factored" else set()
        if 2 in kinds:  # factors multiplied by numpy, not bit for bit
            assert np.abs(got - dense).max() <= 1e-12 * max(1, np.abs(dense).max()), name
        else:
            assert np.array_equal(got, dense), (name, fmt)
        assert fmt == "coo" or (2 in kinds) == isotypic, (name, kinds)
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


def large_factored():
    """SO(3) V**6 -> V**6 (dim 4,213) written as factors: shapes, Q
    orthogonal, and the elements per piece size as Schur's lemma counts them."""
    spec = ["--group", "SO(3)", "--in", "V**6", "--out", "V**6"]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "v6.npz")
        r = run(spec, "factored", path)
        assert r.returncode == 0, r.stderr
        assert os.path.getsize(path) < 16 << 20, os.path.getsize(path)
        with np.load(path, allow_pickle=False) as z:
            assert list(z["shape"]) == [4213, 729, 729]
            assert z["blocks"].tolist() == [[729, 729, 4213, 2]]
            assert z["places"].tolist() == [[0, 0, 0, 0]]
            q_in, fac, t = z["block_0_q_in"], z["block_0_fac"], z["block_0_t"]
            assert q_in.shape == (729, 729) and fac.shape == (4213, 4) and fac.dtype == np.int32
            assert np.abs(q_in.T @ q_in - np.eye(729)).max() < 1e-12
            assert (fac[:, 3] + fac[:, 2] ** 2 <= len(t)).all()
            # Schur: spin l pieces (dimension r = 2l + 1) with multiplicity m_l
            # give m_l^2 elements each; V**6 holds 15 + 36 + 40 + 29 + 15 + 5 + 1
            # copies of l = 0 .. 6 (characters of V**6), so 4213 in all
            counts = {r: int((fac[:, 2] == r).sum()) for r in set(fac[:, 2].tolist())}
            mult = {1: 15, 3: 36, 5: 40, 7: 29, 9: 15, 11: 5, 13: 1}
            assert counts == {r: m * m for r, m in mult.items()}, counts


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
    src, rin, rout, isotypic = case
    with tempfile.TemporaryDirectory() as tmp:
        check(src + ["--in", rin, "--out", rout], isotypic, tmp)
circulant_labels()
if not os.environ.get("WEYL_TEST_QUICK"):  # about 2 s natively, much more under valgrind
    large_factored()
streams_through_a_pipe()
refusals_name_what_works()
print("compact formats: %d cases read back by numpy" % len(CASES))
