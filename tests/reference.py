"""Group matrices built directly in NumPy for the Python tests, independently
of weyl: what the library's answers are checked against."""
import numpy as np


def shift(n):
    """The cyclic shift e_i -> e_{i+1 mod n}."""
    P = np.zeros((n, n))
    for i in range(n):
        P[(i + 1) % n, i] = 1.0
    return P


def d4_pixels():
    """Quarter turn and mirror of a 3x3 grid, pixel (r, c) = 3r + c, built from
    coordinates: (r, c) -> (c, 2 - r) and (r, c) -> (r, 2 - c)."""
    def perm(f):
        P = np.zeros((9, 9))
        for r in range(3):
            for c in range(3):
                r2, c2 = f(r, c)
                P[3 * r2 + c2, 3 * r + c] = 1.0
        return P
    return [perm(lambda r, c: (c, 2 - r)), perm(lambda r, c: (r, 2 - c))]


def so3_algebra():
    """L_ab = E_ba - E_ab for the three planes."""
    L = []
    for a, b in [(0, 1), (0, 2), (1, 2)]:
        A = np.zeros((3, 3))
        A[b, a], A[a, b] = 1.0, -1.0
        L.append(A)
    return L


def kron_algebra(A, k):
    """drho of A on the k-th tensor power: sum of I x .. x A x .. x I."""
    n = A.shape[0]
    out = np.zeros((n ** k, n ** k))
    for pos in range(k):
        term = np.ones((1, 1))
        for j in range(k):
            term = np.kron(term, A if j == pos else np.eye(n))
        out += term
    return out
