"""Tutorial step 4: weyl.torch inside an ordinary nn.Module, trained on the
O(5)-invariant task of examples/emlp_o5, then checked for equivariance on
random group elements. See pytorch.md.

    python3 examples/tutorial/pytorch_o5.py [--steps 300]

Exits 1 unless the test loss fell below a quarter of its start and the model
is invariant to 1e-10 (float64)."""
import argparse
import os
import sys

try:
    import torch
except ImportError:
    print("SKIP: torch is not importable (Debian: apt-get install python3-torch)")
    sys.exit(77)
try:
    import weyl
except ImportError:  # run from the source tree without installing the package
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "..", "..", "src", "python"))
    import weyl
import weyl.nn  # noqa: E402
import weyl.torch as wt  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument("--steps", type=int, default=300)
args = p.parse_args()
torch.manual_seed(0)
torch.set_num_threads(1)

# 1. A group, reps, a basis: what one equivariant layer may look like.
G = weyl.group("O(5)")
V, S = G.rep("V"), G.rep("Scalar")
B = weyl.basis(V ** 2, S)
print(f"O(5): V**2 -> Scalar has {B.dim} basis element (the trace), exact: {B.exact}")


# 2. A model: an ordinary nn.Module with weyl.torch layers inside. The input
# is two vectors (2*V); the hidden rep H mixes scalars and vectors; the gated
# nonlinearity wants one gate scalar per vector (weyl.nn.gated_rep); the
# bilinear layer forms the inner products x1.x2 that O(5) allows.
class Invariant(torch.nn.Module):
    def __init__(self):
        super().__init__()
        H = G.rep("32*Scalar + 8*V")
        self.lin1 = wt.Linear(2 * V, weyl.nn.gated_rep(H))
        self.bil1 = wt.BiLinear(2 * V, weyl.nn.gated_rep(H))
        self.act1 = wt.Gated(H)
        self.lin2 = wt.Linear(H, weyl.nn.gated_rep(H))
        self.act2 = wt.Gated(H)
        self.head = wt.Linear(H, S)

    def forward(self, x):
        h = self.act1(self.lin1(x) + self.bil1(x))
        return self.head(self.act2(self.lin2(h)))


def target(x):
    """f(x1, x2) = sin|x1| - |x2|^3 / 2 + x1.x2 / (|x1| |x2|)."""
    a, b = x[:, :5], x[:, 5:]
    na, nb = a.norm(dim=1), b.norm(dim=1)
    return (torch.sin(na) - 0.5 * nb ** 3 + (a * b).sum(1) / (na * nb)).unsqueeze(1)


model = Invariant().double()
print(f"model: {sum(p.numel() for p in model.parameters())} parameters")
x_train = torch.randn(1000, 10, dtype=torch.float64)
x_test = torch.randn(1000, 10, dtype=torch.float64)
y_train, y_test = target(x_train), target(x_test)

# 3. Training: nothing weyl-specific.
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
with torch.no_grad():
    first = ((model(x_test) - y_test) ** 2).mean().item()
for step in range(args.steps):
    idx = torch.randint(0, 1000, (100,))
    loss = ((model(x_train[idx]) - y_train[idx]) ** 2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
with torch.no_grad():
    last = ((model(x_test) - y_test) ** 2).mean().item()
print(f"test MSE {first:.3f} -> {last:.3f} after {args.steps} steps")

# 4. Equivariance on random elements of O(5) (rotations and reflections).
g = G.sample(10, seed=1)
rho_in = torch.from_numpy(g.rho(2 * V))
with torch.no_grad():
    fx = model(x_test)
    err = max(((model(x_test @ r.T) - fx).norm() / fx.norm()).item() for r in rho_in)
print(f"max |f(rho(g) x) - f(x)| / |f(x)| over 10 random g: {err:.1e}")

# 5. Saving and loading: state_dict, as for any module.
path = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"weyl-tutorial-{os.getpid()}.pt")
torch.save(model.state_dict(), path)
again = Invariant().double()
again.load_state_dict(torch.load(path))
os.remove(path)
same = torch.equal(again(x_test), model(x_test))
print(f"reloaded from state_dict: identical outputs {same}")
sys.exit(0 if last < 0.25 * first and err < 1e-10 and same else 1)
