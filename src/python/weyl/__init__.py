"""weyl for Python: equivariant bases over the C library libweyl, NumPy out;
equivariant torch.nn modules in weyl.torch (imported only when asked for).

    import weyl
    G = weyl.group("SO(3)")                  # or a .rep file's path
    V = G.rep("V")
    B = weyl.basis(G.rep("V**2"), V)         # B.dim, B.exact, B.gap, B.report
    W = B.combine(theta)                     # (3, 9): sum_k theta_k B_k
    g = G.sample(4, seed=0)                  # random group elements
    g.rho(V)                                 # (4, 3, 3) matrices rho(g)

Conventions are the library's: W is out x in, basis element k is B_k, the
projection is orthogonal in the Frobenius inner product. Failures in the
library raise weyl.WeylError with its message."""
from ._lib import WeylError, path as library_path
from .core import (Basis, Element, Group, Rep, Sample, basis, bias_basis, group,
                   version)

__version__ = "0.2.0"
__all__ = ["WeylError", "Basis", "Element", "Group", "Rep", "Sample", "basis", "bias_basis",
           "group", "version", "library_path"]
