"""Tutorial step 3: a gated equivariant MLP for SO(3), built from weyl bases.

f maps a vector x in R^3 to a vector, and f(R x) = R f(x) for every rotation
R, by construction. The layers:

  input   V + V**2            (x, and x x^T: a fixed quadratic feature)
  linear  -> 2*Scalar + 2*Scalar + 2*V     (gates, scalars, vectors)
  gate    vector channel j times sigmoid(gate j); swish on the scalars
  linear  2*Scalar + 2*V -> V

Each linear layer's weight is sum_k theta_k B_k with B = weyl.basis(...), and
its bias sum_k beta_k b_k with b = weyl.basis(...).bias. Random parameters; the
check is equivariance, measured with random rotations.
Run from anywhere after building weyl: python3 examples/tutorial/emlp_so3.py
Exits 1 if equivariance fails."""
import os
import sys

import numpy as np

try:
    import weyl
except ImportError:  # run from the source tree without installing the package
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "..", "..", "src", "python"))
    import weyl

G = weyl.group("SO(3)")  # solved once, shared by both layers
IN, HIDDEN, GATED, OUT = "V + V**2", "2*Scalar + 2*Scalar + 2*V", "2*Scalar + 2*V", "V"
rng = np.random.default_rng(1)


def layer(rep_in, rep_out):
    basis = weyl.basis(G.rep(rep_in), G.rep(rep_out))
    B, b = basis.dense(), basis.bias.dense()[:, :, 0]
    theta, beta = rng.standard_normal(len(B)), rng.standard_normal(len(b))
    W = np.einsum("k,koi->oi", theta, B)
    bias = beta @ b if len(b) else np.zeros(B.shape[1])
    dense = B.shape[1] * B.shape[2] + B.shape[1]
    print(f"  {rep_in:>14} -> {rep_out:<26} {len(B)} + {len(b)} parameters "
          f"(dense: {dense})")
    return W, bias


print("gated EMLP for SO(3):")
W1, b1 = layer(IN, HIDDEN)
W2, b2 = layer(GATED, OUT)


def f(x):
    h = W1 @ np.concatenate([x, np.outer(x, x).ravel()]) + b1
    gates, scalars, vectors = h[:2], h[2:4], h[4:].reshape(2, 3)
    gated = vectors / (1 + np.exp(-gates))[:, None]   # sigmoid(gate_j) * v_j
    swish = scalars / (1 + np.exp(-scalars))          # scalars may go through anything
    return W2 @ np.concatenate([swish, gated.ravel()]) + b2


def rotation(rng):
    """A random rotation (Rodrigues' formula), independent of weyl."""
    axis = rng.standard_normal(3)
    axis /= np.linalg.norm(axis)
    K = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    a = rng.uniform(0, 2 * np.pi)
    return np.eye(3) + np.sin(a) * K + (1 - np.cos(a)) * K @ K


worst = 0.0
for _ in range(100):
    x, R = rng.standard_normal(3), rotation(rng)
    worst = max(worst, np.linalg.norm(f(R @ x) - R @ f(x)) / np.linalg.norm(f(x)))
x = np.array([1.0, 2.0, 3.0])
print(f"f({x}) = {np.round(f(x), 4)}")
print(f"max |f(R x) - R f(x)| / |f(x)| over 100 random (R, x): {worst:.1e}")
sys.exit(0 if worst < 1e-12 else 1)
