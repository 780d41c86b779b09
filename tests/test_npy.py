"""`weyl basis --format npy` writes a file NumPy reads as the same basis that
`--format json` prints: float64, C order, shape (dim, out_dim, in_dim), equal
entry by entry (JSON numbers are %.17g, so they round-trip exactly). The
basis is also checked against the constraint, with the group's matrices built
in NumPy (tests/reference.py) rather than taken from weyl.

Usage: test_npy.py WEYL_CLI REPS_DIR"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference import d4_pixels, kron_algebra, shift, so3_algebra  # noqa: E402

CLI, REPS = sys.argv[1], sys.argv[2]

# (source args, in, out, expected dim, [(rho_in, rho_out) per generator])
CASES = [
    (["--group", "Z(5)"], "V", "V", 5, [(shift(5), shift(5))]),
    ([os.path.join(REPS, "d4_pixels.rep")], "pixels", "pixels", 15,
     [(P, P) for P in d4_pixels()]),
    (["--group", "SO(3)"], "V**2", "V", 1,
     [(kron_algebra(A, 2), A) for A in so3_algebra()]),
]


def run(args, path, fmt):
    subprocess.run([CLI, "basis", *args, "--format", fmt, "-o", path], check=True)


def check(case, tmp):
    args, rin, rout, dim, gens = case
    spec = args + ["--in", rin, "--out", rout]
    npy, js = os.path.join(tmp, "b.npy"), os.path.join(tmp, "b.json")
    run(spec, npy, "npy")
    run(spec, js, "json")
    with open(npy, "rb") as f:
        version = np.lib.format.read_magic(f)
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
        data_offset = f.tell()
    B = np.load(npy, allow_pickle=False)
    J = json.load(open(js))
    name = " ".join(spec)
    assert version == (1, 0), (name, version)
    assert data_offset % 64 == 0, (name, data_offset)  # the format's alignment
    assert not fortran and dtype == np.dtype("<f8"), (name, fortran, dtype)
    assert B.shape == (J["dim"], J["out_dim"], J["in_dim"]) == shape, (name, B.shape, shape)
    assert B.shape[0] == dim, (name, B.shape, dim)
    assert np.array_equal(B, np.array(J["basis"], dtype=np.float64).reshape(B.shape)), name
    # Independent of weyl: each element satisfies the constraint, and they are independent.
    for rho_in, rho_out in gens:
        for W in B:
            r = rho_out @ W - W @ rho_in  # rho for group elements, drho for algebra ones
            assert np.abs(r).max() < 1e-10 * max(1.0, np.abs(W).max()), (name, np.abs(r).max())
    assert np.linalg.matrix_rank(B.reshape(dim, -1)) == dim, name
    print(f"ok  {name}: npy {B.shape} == json, satisfies the constraint")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for case in CASES:
            check(case, tmp)
    print(f"test_npy: all {len(CASES)} cases agree")


main()
