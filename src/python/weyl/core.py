"""Groups, representations, solved bases and sampled group elements: thin
Python objects over the C handles, NumPy arrays out.

Ownership follows C: a Rep keeps its Group alive (the C rep points to it), a
Basis keeps its Reps, an Element its Group; each handle is freed by __del__."""
import ctypes
import os
import warnings

import numpy as np

from . import _lib
from ._lib import WeylError, check, doubles, ints, lib

# dense() refuses to allocate more than this unless told (Z(1024) regular ->
# regular would be 8 GiB of float64).
DENSE_MAX_BYTES = 1 << 30


def version():
    """The version of the loaded libweyl ("0.2.0")."""
    return lib.weyl_version().decode()


def _new(fn, *args):
    h = ctypes.c_void_p()
    check(fn(*args, ctypes.byref(h)))
    return h


class Group:
    """A symmetry group: a built-in name ("SO(3)", "O(5)", "Z(8)", "S(5)",
    "SO(1,3)", "p4m(8)", "G1 x G2", ...) or the path of a .rep file."""

    def __init__(self, name_or_path):
        s = os.fspath(name_or_path)
        if s.endswith(".rep") or os.path.sep in s or os.path.isfile(s):
            self._h = _new(lib.weyl_repfile_load, os.fsencode(s))
        else:
            self._h = _new(lib.weyl_group_builtin, s.encode())

    def __del__(self, _free=lib.weyl_group_free):  # bound now: safe at exit
        if getattr(self, "_h", None):
            _free(self._h)
            self._h = None

    @property
    def name(self):
        return lib.weyl_group_name(self._h).decode()

    @property
    def n_discrete(self):
        """Number of discrete generators."""
        return lib.weyl_group_ndisc(self._h)

    @property
    def n_algebra(self):
        """Number of Lie algebra generators (0 for a finite group)."""
        return lib.weyl_group_nalg(self._h)

    @property
    def leaves(self):
        """Names of the group's named reps; the first is V."""
        return [lib.weyl_group_leaf_name(self._h, i).decode()
                for i in range(lib.weyl_group_nleaves(self._h))]

    def rep(self, expr):
        """The rep of an expression of docs/rep-format.md ("V**2 + 3*Scalar")."""
        return Rep(self, _new(lib.weyl_rep_parse, self._h, str(expr).encode()))

    def sample(self, n, seed=0, scale=1.0, steps=4):
        """n random elements g: products of `steps` random discrete generators
        (or identities) interleaved with exponentials of random algebra
        elements (coefficients N(0, scale^2)). Deterministic in seed. Their
        matrices on any rep: .rho(rep) of the returned Sample."""
        rng = _lib.Rng()
        lib.weyl_rng_seed(ctypes.byref(rng), int(seed) & (2**64 - 1))
        elems = [Element(self, _new(lib.weyl_element_sample, self._h, ctypes.byref(rng),
                                    int(steps), float(scale)))
                 for _ in range(int(n))]
        return Sample(elems)

    def __repr__(self):
        return f"weyl.Group({self.name!r})"


def group(name_or_path):
    """A Group from a built-in name or a .rep file (see Group)."""
    return Group(name_or_path)


class Rep:
    """A representation of a group (immutable). Build with Group.rep(expr) or
    with operators: a + b (direct sum), k * a (copies), a * b (tensor
    product), a ** k (tensor power), a.T (dual)."""

    def __init__(self, group, handle):
        self.group = group
        self._h = handle
        self.dim = lib.weyl_rep_dim(handle)

    def __del__(self, _free=lib.weyl_rep_free):
        if getattr(self, "_h", None):
            _free(self._h)
            self._h = None

    def __str__(self):
        cap = 256
        while True:  # weyl_rep_str returns the length it needed
            buf = ctypes.create_string_buffer(cap)
            n = lib.weyl_rep_str(self._h, buf, cap)
            if n < cap:
                return buf.value.decode()
            cap = n + 1

    def __repr__(self):
        return f"weyl.Rep({self.group.name!r}, {str(self)!r}, dim={self.dim})"

    def __eq__(self, other):  # equal canonical texts mean equal reps (rep.h)
        return isinstance(other, Rep) and other.group is self.group and str(other) == str(self)

    def __hash__(self):
        return hash(str(self))

    @property
    def is_permutation(self):
        """True when the group acts by permuting coordinates (pointwise
        nonlinearities and exact orbit bases apply)."""
        return bool(lib.weyl_rep_is_perm(self._h))

    @property
    def is_scalar(self):
        """True for a 1-dimensional rep on which every generator is trivial."""
        return bool(lib.weyl_nonlin_is_scalar(self._h))

    def _same_group(self, other):
        if not isinstance(other, Rep):
            return NotImplemented
        if other.group is not self.group:
            raise ValueError("reps of two different Group objects")
        return other

    def __add__(self, other):
        other = self._same_group(other)
        return other if other is NotImplemented else \
            Rep(self.group, _new(lib.weyl_rep_sum, self._h, other._h))

    def __mul__(self, other):
        if isinstance(other, int):
            return self.__rmul__(other)
        other = self._same_group(other)
        return other if other is NotImplemented else \
            Rep(self.group, _new(lib.weyl_rep_tensor, self._h, other._h))

    def __rmul__(self, k):
        if not isinstance(k, int):
            return NotImplemented
        return Rep(self.group, _new(lib.weyl_rep_copies, self._h, k))

    def __pow__(self, k):
        return Rep(self.group, _new(lib.weyl_rep_power, self._h, int(k)))

    @property
    def T(self):
        return Rep(self.group, _new(lib.weyl_rep_dual, self._h))

    def summands(self):
        """The consecutive direct summands, in index order (weyl_rep_summands)."""
        parts = _lib.PP()
        n = ctypes.c_int()
        check(lib.weyl_rep_summands(self._h, ctypes.byref(parts), ctypes.byref(n)))
        out = []
        for i in range(n.value):  # our own reference to each, then drop the array's
            out.append(Rep(self.group, _new(lib.weyl_rep_copies, parts[i], 1)))
        lib.weyl_rep_parts_free(parts, n.value)
        return out

    def rho(self, g):
        """rho(g) as a (dim, dim) array, g an Element (or a Sample: (n, dim, dim))."""
        return g.rho(self)


class Element:
    """A sampled group element (a word of generator steps): acts on any rep
    of its group."""

    def __init__(self, group, handle):
        self.group = group
        self._h = handle

    def __del__(self, _free=lib.weyl_element_free):
        if getattr(self, "_h", None):
            _free(self._h)
            self._h = None

    def rho(self, rep):
        """rho(g) on rep as a new float64 (dim, dim) array."""
        if rep.group is not self.group:
            raise ValueError("the rep belongs to another Group object than the element")
        out = np.empty((rep.dim, rep.dim))
        check(lib.weyl_element_rho(self._h, rep._h, doubles(out)))
        return out


class Sample(list):
    """A list of Elements; .rho(rep) stacks their matrices: (n, dim, dim)."""

    def rho(self, rep):
        return np.stack([g.rho(rep) for g in self]) if self else np.zeros((0, rep.dim, rep.dim))


def _opts(solver, rtol, max_bytes):
    """The solver's name is parsed by the library (weyl_basis_solver_parse)."""
    value = ctypes.c_int()
    check(lib.weyl_basis_solver_parse(str(solver).encode(), ctypes.byref(value)))
    return _lib.BasisOpts(value.value, float(rtol or 0.0), int(max_bytes or 0))


class Basis:
    """The solved basis B_0..B_{dim-1} (each out_dim x in_dim) of the
    equivariant maps rep_in -> rep_out: a handle on the C object. Solve once,
    then combine and project cheaply; dense arrays only when asked."""

    def __init__(self, rep_in, rep_out, solver="auto", rtol=None, max_bytes=0, _bias=False,
                 cache=None):
        if not isinstance(rep_out, Rep) or not (_bias or isinstance(rep_in, Rep)):
            raise TypeError("weyl.basis takes Rep objects: G.rep('V'), not strings")
        if not _bias and rep_in.group is not rep_out.group:
            raise ValueError("rep_in and rep_out belong to two different Group objects")
        self.rep_in, self.rep_out = rep_in, rep_out
        self._opts = (solver, rtol, max_bytes)
        opts = _opts(solver, rtol, max_bytes)
        # The bias space is the maps Scalar -> rep_out; both go through the
        # basis cache (weyl_cache_solve: a plain solve when cache is None and
        # $WEYL_CACHE_DIR is unset).
        self._solve_in = rep_out.group.rep("Scalar") if _bias else rep_in
        report = _lib.CacheReport()
        self._h = _new(lambda h: lib.weyl_cache_solve(
            None if cache is None else os.fsencode(cache), self._solve_in._h, rep_out._h,
            ctypes.byref(opts), h, ctypes.byref(report)))
        self.cache_report = {"loaded": bool(report.loaded), "stored": bool(report.stored),
                             "rejected": bool(report.rejected), "seconds": report.seconds,
                             "path": report.path.decode(errors="replace"),
                             "warning": report.warning.decode(errors="replace")}
        if report.warning:
            warnings.warn("weyl cache: %s: %s" % (self.cache_report["path"],
                                                  self.cache_report["warning"]))
        self.dim = lib.weyl_basis_dim(self._h)
        self.in_dim = lib.weyl_basis_in_dim(self._h)
        self.out_dim = lib.weyl_basis_out_dim(self._h)
        self.exact = bool(lib.weyl_basis_is_exact(self._h))
        self._bias = None

    def __del__(self, _free=lib.weyl_basis_free):
        if getattr(self, "_h", None):
            _free(self._h)  # before the reps it may refer to
            self._h = None

    def __repr__(self):
        kind = "exact" if self.exact else f"gap {self.gap:.3g}"
        src = "Scalar (bias)" if self.rep_in is None else str(self.rep_in)
        return f"weyl.Basis({src} -> {self.rep_out}: dim {self.dim}, {kind})"

    @property
    def shape(self):
        """(out_dim, in_dim): the shape of W."""
        return (self.out_dim, self.in_dim)

    @property
    def report(self):
        """The rank-decision report as a dict: blocks by path, the singular
        value gap, the solve's wall time."""
        r = lib.weyl_basis_report_get(self._h).contents
        return {name: getattr(r, name) for name, _ in _lib.BasisReport._fields_}

    @property
    def gap(self):
        """Smallest kept / largest dropped singular value over the dense
        blocks (inf when every block is exact): how clear the rank was."""
        return self.report["min_gap"]

    @property
    def bias(self):
        """The basis of the equivariant biases of rep_out (vectors b with
        rho_out(g) b = b), as a Basis with in_dim 1; solved on first use."""
        if self._bias is None:
            self._bias = Basis(None, self.rep_out, *self._opts, _bias=True)
        return self._bias

    def entries(self):
        """The coordinate form: arrays (elem, index, value) with
        W.flat[index] += theta[elem] * value giving W = sum_k theta_k B_k.
        Its size is that of the solved blocks, never dim * out * in."""
        n = ctypes.c_size_t()
        check(lib.weyl_basis_entries(self._h, 0, None, None, None, ctypes.byref(n)))
        elem = np.empty(n.value, dtype=np.int32)
        index = np.empty(n.value, dtype=np.uintp)
        value = np.empty(n.value)
        check(lib.weyl_basis_entries(self._h, n.value, ints(elem),
                                     index.ctypes.data_as(_lib.SZ), doubles(value),
                                     ctypes.byref(n)))
        return elem.astype(np.int64), index.astype(np.int64), value

    def pattern(self):
        """The compact form of an exact basis: an int64 (out_dim, in_dim)
        array whose entry is the element k with a 1 there, or -1 where every
        element is 0; so W = theta[pattern] (0 where pattern < 0). Raises
        WeylError for a basis that is not exact (see .exact)."""
        label = np.empty(self.out_dim * self.in_dim, dtype=np.int32)
        check(lib.weyl_basis_pattern(self._h, ints(label), None))  # refuses non-exact bases
        elem, index, _ = self.entries()
        out = np.full(self.out_dim * self.in_dim, -1, dtype=np.int64)
        out[index] = elem  # in element numbering (the C labels number orbits by appearance)
        return out.reshape(self.shape)

    def dense(self, max_bytes=DENSE_MAX_BYTES):
        """All elements as a new float64 array (dim, out_dim, in_dim). Refused
        (WeylError, WEYL_ELIMIT) above max_bytes: use .pattern() or .entries()."""
        need = 8 * self.dim * self.out_dim * self.in_dim
        if need > max_bytes:
            raise WeylError(3, f"dense() would allocate {need / 2**30:.2f} GiB "
                               f"({self.dim} x {self.out_dim} x {self.in_dim} float64), over "
                               f"max_bytes={max_bytes}; use pattern() or entries(), or raise "
                               "max_bytes")
        B = np.zeros((self.dim, self.out_dim * self.in_dim))
        elem, index, value = self.entries()
        B[elem, index] = value
        return B.reshape(self.dim, self.out_dim, self.in_dim)

    def element(self, k):
        """Element k as a new (out_dim, in_dim) array."""
        W = np.zeros(self.shape)
        check(lib.weyl_basis_element(self._h, int(k), doubles(W)))
        return W

    def combine(self, theta):
        """W = sum_k theta[k] B_k, shape (out_dim, in_dim)."""
        theta = np.ascontiguousarray(theta, dtype=np.float64)
        if theta.shape != (self.dim,):
            raise ValueError(f"theta must have shape ({self.dim},), not {theta.shape}")
        W = np.zeros(self.shape)
        check(lib.weyl_basis_combine(self._h, doubles(theta), doubles(W)))
        return W

    def project(self, W):
        """Orthogonal (Frobenius) projection of W onto the equivariant maps.
        W has shape (..., out_dim, in_dim): leading axes are a batch."""
        W = np.ascontiguousarray(W, dtype=np.float64)
        if W.shape[-2:] != self.shape:
            raise ValueError(f"W must end in shape {self.shape}, not {W.shape}")
        flat = W.reshape(-1, *self.shape)
        out = np.empty_like(flat)
        for i in range(flat.shape[0]):
            check(lib.weyl_basis_project(self._h, doubles(flat[i]), doubles(out[i])))
        return out.reshape(W.shape)

    def equivariance_error(self, W):
        """Relative equivariance error of W over the group's generators (the
        library's measure, weyl_basis_equivariance_error)."""
        if self.rep_in is None:
            raise ValueError("equivariance_error needs a map basis, not a bias basis")
        W = np.ascontiguousarray(W, dtype=np.float64)
        if W.shape != self.shape:
            raise ValueError(f"W must have shape {self.shape}, not {W.shape}")
        err = ctypes.c_double()
        check(lib.weyl_basis_equivariance_error(self.rep_in._h, self.rep_out._h, doubles(W),
                                                ctypes.byref(err)))
        return err.value


def basis(rep_in, rep_out, solver="auto", rtol=None, max_bytes=0, cache=None):
    """Solves for the equivariant maps rep_in -> rep_out (a Basis). solver is
    "auto", "dense", "orbit" or "iterative"; rtol the relative rank tolerance
    (default 1e-9); max_bytes the working memory per block (0: 2 GiB).
    cache: a directory of the basis cache (a problem solved before is loaded,
    a new one stored; None: $WEYL_CACHE_DIR when set); what happened is in
    the Basis's .cache_report, and a rejected entry also warns."""
    return Basis(rep_in, rep_out, solver, rtol, max_bytes, cache=cache)


def bias_basis(rep_out, solver="auto", rtol=None, max_bytes=0):
    """The basis of the invariant vectors of rep_out (equivariant biases)."""
    return Basis(None, rep_out, solver, rtol, max_bytes, _bias=True)
