"""The core package (no torch) against facts computed here in NumPy: bases
span the SVD nullspace of a constraint built in this file, circulants for
Z(n), the Levi-Civita tensor for SO(3), projections are orthogonal, the
compact and coordinate forms equal the dense one, sampled elements are
representations, failures raise WeylError with the library's message."""
import ctypes
import os
import subprocess

import numpy as np
import pytest

import weyl
from conftest import REPS, ROOT
from reference import d4_pixels, shift


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


def test_ctypes_structs_match_the_c_layout():
    """Every mirrored field sits at the C offset and the sizes agree
    (tests/abi_layout.c prints the C side; ctest names it in WEYL_ABI_LAYOUT)."""
    exe = os.environ.get("WEYL_ABI_LAYOUT")
    if not exe:
        pytest.skip("WEYL_ABI_LAYOUT not set: run through ctest (it builds abi_layout)")
    from weyl import _lib
    out = subprocess.run([exe], check=True, capture_output=True, text=True).stdout
    seen = {name: set() for name in _lib.MIRRORS}
    for line in filter(None, out.split("\n")):
        struct, field, value = line.split()
        cls = _lib.MIRRORS[struct]
        if field == "sizeof":
            assert ctypes.sizeof(cls) == int(value), (struct, ctypes.sizeof(cls), value)
        else:
            assert getattr(cls, field).offset == int(value), (struct, field, value)
            seen[struct].add(field)
    for struct, cls in _lib.MIRRORS.items():
        assert {f[0] for f in cls._fields_} == seen[struct], struct


def test_version_is_the_headers():
    text = open(os.path.join(ROOT, "include", "weyl", "version.h")).read()
    parts = [text.split(f"#define WEYL_VERSION_{p} ")[1].split()[0]
             for p in ("MAJOR", "MINOR", "PATCH")]
    assert weyl.version() == ".".join(parts) == weyl.__version__


def test_circulants_for_Z7():
    n = 7
    G = weyl.group("Z(7)")
    R = G.rep("regular")
    b = weyl.basis(R, R)
    B = b.dense()
    assert B.shape == (n, n, n) and b.exact and b.gap == float("inf")
    for W in B:  # W[i, j] depends only on (i - j) mod n
        assert np.array_equal(W, np.roll(np.roll(W, 1, 0), 1, 1))
    assert same_span(B, nullspace_basis([(shift(n), shift(n))]))


def test_dense_and_orbit_solvers_span_the_same_space():
    G = weyl.group("Z(7)")
    R = G.rep("regular")
    orbit = weyl.basis(R, R, solver="orbit")
    dense = weyl.basis(R, R, solver="dense", rtol=1e-10)
    assert orbit.exact and not dense.exact and dense.report["n_dense"] == 1
    assert same_span(dense.dense(), orbit.dense().reshape(orbit.dim, -1))


def test_iterative_solver_is_accepted():
    G = weyl.group("SO(3)")
    H = G.rep("4*V + 2*V**2")
    it = weyl.basis(H, H, solver="iterative")
    ref = weyl.basis(H, H, solver="dense")
    # Hom(V, V) = 1, Hom(V, V**2) = Hom(V**2, V) = 1 (the cross product), Hom(V**2, V**2) = 3
    assert it.dim == ref.dim == 4 * 4 + 2 * (4 * 2) + 2 * 2 * 3
    assert same_span(it.dense(), ref.dense().reshape(ref.dim, -1))


def test_d4_pixels_file_matches_numpy_nullspace():
    G = weyl.group(os.path.join(REPS, "d4_pixels.rep"))
    px, sc = G.rep("pixels"), G.rep("Scalar")
    gens = [(P, P) for P in d4_pixels()]
    B = weyl.basis(px, px)
    assert (B.dim, B.out_dim, B.in_dim) == (15, 9, 9)
    assert same_span(B.dense(), nullspace_basis(gens))
    K = weyl.basis(px, sc)  # a 3x3 kernel read out to a scalar: centre, edges, corners
    assert K.dim == 3
    assert same_span(K.dense(), nullspace_basis([(P, np.eye(1)) for P in d4_pixels()]))


def test_levi_civita_for_SO3():
    G = weyl.group("SO(3)")
    B = weyl.basis(G.rep("V**3"), G.rep("Scalar")).dense()
    eps = np.array([(i - j) * (j - k) * (k - i) / 2
                    for i in range(3) for j in range(3) for k in range(3)])
    assert B.shape == (1, 1, 27)
    v = B[0, 0]
    c = v @ eps / (eps @ eps)
    assert np.abs(v - c * eps).max() < 1e-12 and abs(c) > 0


def test_bias_of_D4_vertices_is_constant():
    G = weyl.group("D(4)")
    b = weyl.basis(G.rep("V"), G.rep("V")).bias.dense()[:, :, 0]
    assert b.shape == (1, 4) and np.ptp(b[0]) == 0 and b[0, 0] != 0
    assert weyl.bias_basis(G.rep("V")).dim == 1


def test_projection_is_orthogonal_onto_equivariant_maps():
    G = weyl.group(os.path.join(REPS, "d4_pixels.rep"))
    px = G.rep("pixels")
    B = weyl.basis(px, px)
    gens = [(P, P) for P in d4_pixels()]
    rng = np.random.default_rng(7)
    W = rng.standard_normal((4, 9, 9))  # a batch
    Wp = B.project(W)
    D = B.dense()
    for w, wp in zip(W, Wp):
        for ri, ro in gens:
            assert np.abs(ro @ wp - wp @ ri).max() < 1e-12
        for Bk in D:  # the residual is orthogonal to every equivariant map
            assert abs(np.sum((w - wp) * Bk)) < 1e-10
    assert np.abs(B.project(Wp) - Wp).max() < 1e-12
    assert B.equivariance_error(Wp[0]) < 1e-14 and B.equivariance_error(W[0]) > 1e-3


def test_combine_is_the_weighted_sum():
    G = weyl.group("SO(3)")
    b = weyl.basis(G.rep("V"), G.rep("V**2"))
    theta = np.arange(1.0, b.dim + 1)
    assert np.allclose(b.combine(theta), np.einsum("k,koi->oi", theta, b.dense()))
    assert b.report["n_dense"] >= 1 and b.gap > 1e3
    with pytest.raises(ValueError):
        b.combine([1.0] * (b.dim + 1))


@pytest.mark.parametrize("group,rin,rout", [("S(4)", "V + V**2", "Scalar + V**2"),
                                            ("Z(6)", "regular + V", "2*regular"),
                                            ("p4(4)", "V", "regular")])
def test_pattern_equals_the_dense_basis(group, rin, rout):
    """pattern()[i, j] = k exactly where element k is 1; W = theta[pattern]."""
    G = weyl.group(group)
    b = weyl.basis(G.rep(rin), G.rep(rout))
    assert b.exact
    P, D = b.pattern(), b.dense()
    assert P.shape == b.shape and P.min() >= -1 and P.max() == b.dim - 1
    for k in range(b.dim):
        assert np.array_equal(D[k], (P == k).astype(float))
    theta = np.random.default_rng(1).standard_normal(b.dim)
    assert np.array_equal(np.where(P >= 0, theta[P], 0.0), b.combine(theta))


def test_entries_equal_the_dense_basis_of_a_mixed_basis():
    G = weyl.group("O(3)")
    b = weyl.basis(G.rep("2*Scalar + V + V**2"), G.rep("Scalar + 2*V + V**2"))
    assert not b.exact
    with pytest.raises(weyl.WeylError, match="not an exact orbit basis"):
        b.pattern()
    elem, index, value = b.entries()
    D = np.zeros((b.dim, b.out_dim * b.in_dim))
    np.add.at(D, (elem, index), value)
    ref = np.stack([b.element(k) for k in range(b.dim)]).reshape(b.dim, -1)
    assert np.array_equal(D, ref) and len(value) < D.size


def test_dense_is_refused_when_huge_but_the_compact_form_is_cheap():
    """Z(1024) regular -> regular would be 8 GiB dense; its pattern is 8 MiB."""
    G = weyl.group("Z(1024)")
    R = G.rep("regular")
    b = weyl.basis(R, R)
    with pytest.raises(weyl.WeylError, match="GiB") as e:
        b.dense()
    assert e.value.status == 3
    P = b.pattern()
    assert P.shape == (1024, 1024) and np.array_equal(P[5], np.roll(P[0], 5))


@pytest.mark.parametrize("group,expr", [("SO(3)", "V + V**2 + Scalar"), ("O(5)", "V + V.T"),
                                        ("SO(1,3)", "V + V**2"), ("D(6)", "V + regular"),
                                        ("Sp(4)", "V + V**2")])
def test_sampled_elements_are_a_representation(group, expr):
    """rho of a sum is block diagonal, of a tensor power the Kronecker power
    of rho(V); elements of the dual act by rho^-T; the basis maps commute
    with every sampled element; the seed fixes the sample."""
    G = weyl.group(group)
    V, rep = G.rep("V"), G.rep(expr)
    g = G.sample(6, seed=3)
    rv, rr = g.rho(V), g.rho(rep)
    assert rr.shape == (6, rep.dim, rep.dim)
    assert np.array_equal(rv, G.sample(6, seed=3).rho(V))
    assert not np.allclose(rv, G.sample(6, seed=4).rho(V))
    d = V.dim
    for a, b in zip(rv, rr):
        assert np.abs(b[:d, :d] - a).max() < 1e-9 * max(1, np.abs(a).max())
    k2 = g.rho(V ** 2)
    for a, b in zip(rv, k2):
        assert np.abs(np.kron(a, a) - b).max() < 1e-9 * max(1, np.abs(b).max())
    dual = g.rho(V.T)
    for a, b in zip(rv, dual):
        assert np.abs(np.linalg.inv(a).T - b).max() < 1e-8 * max(1, np.abs(b).max())
    B = weyl.basis(rep, rep).dense()
    for r in rr:
        err = max(np.abs(r @ Bk - Bk @ r).max() for Bk in B)
        assert err < 1e-8 * max(1, np.abs(r).max()), err


def test_rep_operators_build_the_parsed_reps():
    G = weyl.group("SO(3)")
    V, S = G.rep("V"), G.rep("Scalar")
    assert (2 * V + V ** 2 + S).dim == 3 + 3 + 9 + 1
    assert str(V * V) == str(G.rep("V*V")) and V * V == G.rep("V*V")
    assert [p.dim for p in (2 * V + V ** 2).summands()] == [3, 3, 9]
    assert S.is_scalar and not V.is_scalar
    assert weyl.group("S(4)").rep("V**2").is_permutation and not V.is_permutation
    with pytest.raises(ValueError):
        V + weyl.group("SO(3)").rep("V")  # another Group object


@pytest.mark.parametrize("make,status,words", [
    (lambda: weyl.group("Q(3)"), 2, "unknown group"),
    (lambda: weyl.group("Z(3)").rep("V**"), 2, "column"),
    (lambda: weyl.group("/nonexistent/g.rep"), 6, "cannot read"),
    (lambda: weyl.group("S(4)").rep("nosuchrep"), 2, "nosuchrep"),
    (lambda: weyl.basis(*[weyl.group("Z(3)").rep("V")] * 2, solver="magic"), 1, "auto"),
    (lambda: weyl.group("SO(3)").rep("regular"), 2, "no regular representation"),
])
def test_errors_raise_with_the_library_message(make, status, words):
    with pytest.raises(weyl.WeylError) as e:
        make()
    assert e.value.status == status and words in e.value.message, e.value.message
    assert words in str(e.value)


def test_strings_are_not_reps():
    with pytest.raises(TypeError, match="Rep objects"):
        weyl.basis("V", "V")


def test_the_cache_loads_what_it_stored(tmp_path):
    G = weyl.group("SO(3)")
    v2 = G.rep("V**2")
    first = weyl.basis(v2, v2, cache=str(tmp_path))
    assert first.cache_report["stored"] and not first.cache_report["loaded"]
    second = weyl.basis(v2, v2, cache=str(tmp_path))
    assert second.cache_report["loaded"] and second.dim == first.dim == 3
    np.testing.assert_array_equal(second.dense(), first.dense())
    with open(second.cache_report["path"], "r+b") as f:  # corrupt one byte
        f.seek(40)
        byte = f.read(1)
        f.seek(40)
        f.write(bytes([byte[0] ^ 0xFF]))
    with pytest.warns(UserWarning):
        third = weyl.basis(v2, v2, cache=str(tmp_path))
    assert third.cache_report["rejected"] and third.dim == 3
