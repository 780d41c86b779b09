"""examples/python/weyl.py against facts computed here in NumPy: bases span
the same space as an SVD nullspace of the constraint built in this script,
circulants for Z(n), the Levi-Civita tensor for SO(3), the projector is an
orthogonal projection whose range is equivariant, and failures raise
WeylError with the library's message.

Usage: test_python_module.py PYTHON_DIR REPS_DIR   (WEYL_LIB names libweyl.so)"""
import os
import sys

import numpy as np

sys.path.insert(0, sys.argv[1])
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
REPS = sys.argv[2]
import weyl  # noqa: E402
from reference import d4_pixels, shift  # noqa: E402

failures = []


def case(fn):
    try:
        fn()
        print(f"ok    {fn.__name__}")
    except Exception as e:  # report every case, then fail once
        failures.append(fn.__name__)
        print(f"FAIL  {fn.__name__}: {type(e).__name__}: {e}")
    return fn


@case
def ctypes_structs_match_the_c_layout():
    """Every field weyl.py mirrors sits at the C offset, and the sizes agree
    (tests/abi_layout.c prints the C side)."""
    import ctypes
    import subprocess
    layout = subprocess.run([os.environ["WEYL_ABI_LAYOUT"]], check=True,
                            capture_output=True, text=True).stdout.split("\n")
    mirrors = {"weyl_basis_opts": weyl._SolveOpts, "weyl_basis_report": weyl._Report,
               "weyl_cache_report": weyl._CacheReport}
    seen = {name: set() for name in mirrors}
    for line in filter(None, layout):
        struct, field, value = line.split()
        cls = mirrors[struct]
        if field == "sizeof":
            assert ctypes.sizeof(cls) == int(value), (struct, ctypes.sizeof(cls), value)
        else:
            assert getattr(cls, field).offset == int(value), (struct, field, value)
            seen[struct].add(field)
    for struct, cls in mirrors.items():
        mirrored = {f[0] for f in cls._fields_}
        assert mirrored == seen[struct], (struct, mirrored ^ seen[struct])


def nullspace_basis(gens):
    """Orthonormal basis (rows: vec(W), row-major) of {W : ro W = W ri for all
    (ri, ro)}, by an SVD of the stacked Kronecker constraint, written here."""
    rows = [np.kron(ro, np.eye(ri.shape[0])) - np.kron(np.eye(ro.shape[0]), ri.T)
            for ri, ro in gens]
    _, s, vt = np.linalg.svd(np.vstack(rows))
    rank = int((s > 1e-9 * s[0]).sum())
    return vt[rank:]


def same_span(B, N):
    """B (dim, out, in) spans exactly the row space of N."""
    F = B.reshape(B.shape[0], -1)
    return (np.linalg.matrix_rank(F) == N.shape[0]
            and np.linalg.matrix_rank(np.vstack([F, N])) == N.shape[0])


@case
def version_is_the_headers():
    text = open(os.path.join(os.path.dirname(REPS), "include", "weyl", "version.h")).read()
    parts = [text.split(f"#define WEYL_VERSION_{p} ")[1].split()[0]
             for p in ("MAJOR", "MINOR", "PATCH")]
    assert weyl.version() == ".".join(parts), (weyl.version(), parts)


@case
def circulants_for_Z7():
    n = 7
    B = weyl.basis("Z(7)", "regular", "regular")
    assert B.shape == (n, n, n) and B.dtype == np.float64 and B.flags.c_contiguous
    for W in B:  # W[i, j] depends only on (i - j) mod n
        for i in range(n):
            for j in range(n):
                assert W[i, j] == W[(i + 1) % n, (j + 1) % n]
    assert same_span(B, nullspace_basis([(shift(n), shift(n))]))


@case
def dense_and_orbit_solvers_span_the_same_space():
    orbit = weyl.basis("Z(7)", "regular", "regular", solver="orbit")
    dense = weyl.Basis("Z(7)", "regular", "regular", solver="dense", rtol=1e-10)
    assert not dense.exact and dense.report["n_dense"] == 1
    assert same_span(dense.array(), orbit.reshape(len(orbit), -1))


@case
def d4_pixels_file_matches_numpy_nullspace():
    path = os.path.join(REPS, "d4_pixels.rep")
    gens = [(P, P) for P in d4_pixels()]
    B = weyl.basis(path, "pixels", "pixels")
    assert B.shape == (15, 9, 9), B.shape
    assert same_span(B, nullspace_basis(gens))
    K = weyl.basis(path, "pixels", "Scalar")  # a 3x3 kernel read out to a scalar
    assert K.shape[0] == 3, K.shape  # centre, edge midpoints, corners
    assert same_span(K, nullspace_basis([(P, np.eye(1)) for P in d4_pixels()]))


@case
def levi_civita_for_SO3():
    B = weyl.basis("SO(3)", "V**3", "Scalar")
    eps = np.zeros(27)
    for i in range(3):
        for j in range(3):
            for k in range(3):
                eps[9 * i + 3 * j + k] = (i - j) * (j - k) * (k - i) / 2
    assert B.shape == (1, 1, 27)
    v = B[0, 0]
    c = v @ eps / (eps @ eps)
    assert np.abs(v - c * eps).max() < 1e-12 and abs(c) > 0


@case
def bias_of_D4_vertices_is_constant():
    b = weyl.bias("D(4)", "V")
    assert b.shape == (1, 4) and np.ptp(b[0]) == 0 and b[0, 0] != 0


@case
def projector_is_an_orthogonal_projection_onto_equivariant_maps():
    gens = [(P, P) for P in d4_pixels()]
    P = weyl.projector(os.path.join(REPS, "d4_pixels.rep"), "pixels", "pixels")
    M = P.matrix()
    assert M.shape == (81, 81)
    assert np.abs(M - M.T).max() < 1e-12 and np.abs(M @ M - M).max() < 1e-12
    assert round(np.trace(M)) == 15
    rng = np.random.default_rng(7)
    W = rng.standard_normal((4, 9, 9))  # a batch
    Wp = P(W)
    for w, wp in zip(W, Wp):
        for ri, ro in gens:
            assert np.abs(ro @ wp - wp @ ri).max() < 1e-12
        assert np.allclose(wp, (M @ w.reshape(-1)).reshape(9, 9))
        # The residual is orthogonal to every equivariant map.
        for Bk in P.basis.array():
            assert abs(np.sum((w - wp) * Bk)) < 1e-10
    assert P.basis.equivariance_error(Wp[0]) < 1e-14
    assert P.basis.equivariance_error(W[0]) > 1e-3


@case
def combine_is_the_weighted_sum():
    b = weyl.Basis("SO(3)", "V", "V**2")
    theta = np.arange(1.0, b.dim + 1)
    assert np.allclose(b.combine(theta), np.einsum("k,koi->oi", theta, b.array()))
    assert b.report["n_dense"] >= 1 and b.report["min_gap"] > 1e3


@case
def the_cache_loads_a_second_basis_equal_to_the_first():
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        first = weyl.Basis("SO(3)", "V**2", "V**2", cache=d)
        again = weyl.Basis("SO(3)", "V**2", "V**2", cache=d)
        bias = weyl.Basis("SO(3)", None, "V**2", bias=True, cache=d)
        assert first.cache_report["stored"] and not first.cache_report["loaded"]
        assert again.cache_report["loaded"] and again.cache_report["path"].startswith(d)
        assert first.dim == 3 and np.array_equal(first.array(), again.array())
        assert bias.dim == 1 and bias.cache_report["stored"]  # Scalar -> V**2: the trace


@case
def errors_raise_with_the_library_message():
    for args, status, words in [(("Q(3)", "V", "V"), 2, "unknown group"),
                                (("Z(3)", "V**", "V"), 2, "column"),
                                (("/nonexistent/g.rep", "V", "V"), 6, "cannot read"),
                                (("S(4)", "V", "nosuchrep"), 2, "nosuchrep")]:
        try:
            weyl.basis(*args)
        except weyl.WeylError as e:
            assert e.status == status and words in e.message, (args, e.status, e.message)
        else:
            raise AssertionError(f"no error for {args}")
    try:
        weyl.Basis("Z(3)", "V", "V").combine([1.0])
    except ValueError:
        pass
    else:
        raise AssertionError("wrong theta length accepted")


print(f"test_python_module: libweyl from {weyl.library_path}")
sys.exit(1 if failures else 0)
