"""Tutorial step 2: the Z(n)-equivariant linear maps are the circulant
matrices, and a circulant matrix times x is a (circular) convolution.
Run from anywhere after building weyl: python3 examples/tutorial/conv.py
Exits 1 if a check fails."""
import os
import sys

import numpy as np

try:
    import weyl
except ImportError:  # run from the source tree without installing the package
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "..", "..", "src", "python"))
    import weyl

n = 8
V = weyl.group(f"Z({n})").rep("V")
b = weyl.basis(V, V)
print(f"Z({n}) V -> V: {b.dim} weights (exact: {b.exact})")

rng = np.random.default_rng(0)
W = b.combine(rng.integers(-4, 5, b.dim).astype(float))
print("W = sum_k theta_k B_k for random integer theta:")
print(W.astype(int))

# Every row is the row above shifted right by one: W[i, j] = t[(j - i) mod n].
t = W[0]
circulant = all(W[i, j] == t[(j - i) % n] for i in range(n) for j in range(n))
print(f"W[i, j] == t[(j - i) mod n] with t = W[0]: {circulant}")

# So (W x)_i = sum_k t_k x_{(i + k) mod n}: a circular convolution (the
# cross-correlation that deep learning calls convolution) with kernel t.
x = rng.standard_normal(n)
conv = np.array([sum(t[k] * x[(i + k) % n] for k in range(n)) for i in range(n)])
err = np.abs(W @ x - conv).max()
print(f"max |W x - conv(t, x)| = {err:.1e}")

# Locality is one more restriction: a 3-tap kernel is a circulant with three
# non-zero diagonals. Projecting an arbitrary banded matrix onto the
# equivariant maps averages each diagonal: weight sharing.
band = np.zeros((n, n))
for i in range(n):
    for k in (-1, 0, 1):
        band[i, (i + k) % n] = rng.standard_normal()
shared = b.project(band)
print("projection of a random banded matrix, first row (kernel t):")
print(np.round(shared[0], 3))
diag_means = [np.mean([band[i, (i + k) % n] for i in range(n)]) for k in range(n)]
avg_err = np.abs(shared[0] - diag_means).max()
print(f"equals the mean of each wrapped diagonal: {avg_err:.1e}")

ok = circulant and err < 1e-12 and avg_err < 1e-12
sys.exit(0 if ok else 1)
