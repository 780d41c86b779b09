"""weyl from Python without a compiler step: ctypes over libweyl.so, NumPy out.

    import weyl
    B = weyl.basis("SO(3)", "V**2", "V")           # ndarray (dim, out, in)
    B = weyl.basis("reps/d4_pixels.rep", "pixels", "pixels")
    P = weyl.projector("Z(4)", "regular", "regular")
    W_eq = P(W)                                      # nearest equivariant W
    b = weyl.bias("D(4)", "V")                       # ndarray (dim, out)

The group is a built-in name ("Z(n)", "D(n)", "S(n)", "SO(n)", "O(n)",
"SO(1,3)", "O(1,3)", "Sp(2n)", products "G1 x G2") or the path of a .rep file;
the reps are expressions of rep-format.md ("V**2 + 3*Scalar", "regular").
A Group object may be passed instead of the name to reuse it.

Conventions are the library's: W is out x in; basis element k is B[k]; the
projector is the orthogonal (Frobenius) projection onto the span of the B[k].
Failures raise weyl.WeylError with the library's message (weyl_status_last_error).

The shared library is looked up in this order: the WEYL_LIB environment
variable (a file, or a directory holding libweyl.so); build directories of the
source tree this file sits in (../../build*/); the lib directories of the
prefix this file was installed under (PREFIX/share/weyl/python/weyl.py);
then the system's loader path.
"""
import ctypes
import ctypes.util
import glob
import os

import numpy as np

__all__ = ["WeylError", "Group", "Basis", "Projector", "basis", "bias", "projector",
           "version", "library_path"]

_ABI = "0.2"  # the soname version this module was written for: libweyl.so.0.2


class WeylError(Exception):
    """A weyl call failed. .status is the weyl_status code, .message the
    library's explanation (weyl_status_last_error)."""

    def __init__(self, status, message):
        super().__init__(f"{message} [{_status_name(status)}]")
        self.status = status
        self.message = message


def _candidates():
    env = os.environ.get("WEYL_LIB")
    if env:
        yield os.path.join(env, "libweyl.so") if os.path.isdir(env) else env
        return  # an explicit choice is never second-guessed
    here = os.path.dirname(os.path.abspath(__file__))
    tree = os.path.dirname(os.path.dirname(here))
    builds = glob.glob(os.path.join(tree, "build*", "libweyl.so"))
    yield from sorted(builds, key=lambda p: (os.path.basename(os.path.dirname(p)) != "build", p))
    prefix = os.path.dirname(os.path.dirname(os.path.dirname(here)))
    for pattern in ("lib", "lib64", "lib/*"):
        yield from sorted(glob.glob(os.path.join(prefix, pattern, "libweyl.so")))
    found = ctypes.util.find_library("weyl")
    if found:
        yield found
    yield "libweyl.so." + _ABI


def _sanitized(path):
    """An ASan build (make test-asan) would abort the interpreter on load."""
    with open(path, "rb") as f:
        return b"libasan.so" in f.read()


def _load():
    tried = []
    for path in _candidates():
        if os.path.sep in path and not os.path.exists(path):
            tried.append(path + " (missing)")
            continue
        if os.path.sep in path and _sanitized(path):
            tried.append(path + " (built with AddressSanitizer: python cannot load it)")
            continue
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            tried.append(f"{path} ({e})")
    raise ImportError("weyl: cannot load libweyl.so; build weyl or set WEYL_LIB. Tried: "
                      + "; ".join(tried))


_lib, library_path = _load()

_P = ctypes.c_void_p
_PP = ctypes.POINTER(ctypes.c_void_p)
_D = ctypes.POINTER(ctypes.c_double)
_S = ctypes.c_int  # weyl_status


class _SolveOpts(ctypes.Structure):
    # Mirrors weyl_basis_opts in include/weyl/basis.h field by field.
    _fields_ = [("solver", ctypes.c_int), ("rtol", ctypes.c_double),
                ("max_bytes", ctypes.c_size_t), ("progress", ctypes.c_void_p),
                ("progress_ctx", ctypes.c_void_p)]


class _Report(ctypes.Structure):
    _fields_ = [("n_blocks", ctypes.c_int), ("n_dense", ctypes.c_int),
                ("n_orbit", ctypes.c_int), ("min_gap", ctypes.c_double),
                ("max_dropped", ctypes.c_double), ("min_kept", ctypes.c_double),
                ("seconds", ctypes.c_double), ("n_iterative", ctypes.c_int),
                ("n_stabiliser", ctypes.c_int), ("n_isotypic", ctypes.c_int)]


_SIGNATURES = {
    "weyl_version": (ctypes.c_char_p, []),
    "weyl_status_last_error": (ctypes.c_char_p, []),
    "weyl_status_str": (ctypes.c_char_p, [ctypes.c_int]),
    "weyl_group_builtin": (_S, [ctypes.c_char_p, _PP]),
    "weyl_repfile_load": (_S, [ctypes.c_char_p, _PP]),
    "weyl_group_free": (None, [_P]),
    "weyl_group_name": (ctypes.c_char_p, [_P]),
    "weyl_rep_parse": (_S, [_P, ctypes.c_char_p, _PP]),
    "weyl_rep_free": (None, [_P]),
    "weyl_rep_dim": (ctypes.c_int, [_P]),
    "weyl_basis_solve": (_S, [_P, _P, ctypes.POINTER(_SolveOpts), _PP]),
    "weyl_basis_solve_bias": (_S, [_P, ctypes.POINTER(_SolveOpts), _PP]),
    "weyl_basis_free": (None, [_P]),
    "weyl_basis_solver_parse": (_S, [ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]),
    "weyl_basis_dim": (ctypes.c_int, [_P]),
    "weyl_basis_in_dim": (ctypes.c_int, [_P]),
    "weyl_basis_out_dim": (ctypes.c_int, [_P]),
    "weyl_basis_is_exact": (ctypes.c_int, [_P]),
    "weyl_basis_report_get": (ctypes.POINTER(_Report), [_P]),
    "weyl_basis_element": (_S, [_P, ctypes.c_int, _D]),
    "weyl_basis_combine": (_S, [_P, _D, _D]),
    "weyl_basis_project": (_S, [_P, _D, _D]),
    "weyl_basis_equivariance_error": (_S, [_P, _P, _D, _D]),
}
for _name, (_res, _args) in _SIGNATURES.items():
    _fn = getattr(_lib, _name)
    _fn.restype, _fn.argtypes = _res, _args


def _status_name(status):
    return _lib.weyl_status_str(status).decode()


def _check(status):
    if status != 0:
        raise WeylError(status, _lib.weyl_status_last_error().decode(errors="replace"))


def _doubles(a):
    return a.ctypes.data_as(_D)


def version():
    """The version of the loaded libweyl ("0.2.0")."""
    return _lib.weyl_version().decode()


class Group:
    """A group: a built-in name or the path of a .rep file."""

    def __init__(self, name_or_file):
        h = ctypes.c_void_p()
        s = str(name_or_file)
        if s.endswith(".rep") or os.path.sep in s or os.path.isfile(s):
            _check(_lib.weyl_repfile_load(os.fsencode(s), ctypes.byref(h)))
        else:
            _check(_lib.weyl_group_builtin(s.encode(), ctypes.byref(h)))
        self._h = h

    @property
    def name(self):
        return _lib.weyl_group_name(self._h).decode()

    def __del__(self, _free=_lib.weyl_group_free):  # bound now: safe at exit
        if getattr(self, "_h", None):
            _free(self._h)
            self._h = None

    def __repr__(self):
        return f"weyl.Group({self.name!r})"


class _Rep:
    """A parsed rep expression; keeps its group alive (the C rep points to it)."""

    def __init__(self, group, expr):
        self.group = group
        h = ctypes.c_void_p()
        _check(_lib.weyl_rep_parse(group._h, expr.encode(), ctypes.byref(h)))
        self._h = h
        self.dim = _lib.weyl_rep_dim(h)

    def __del__(self, _free=_lib.weyl_rep_free):
        if getattr(self, "_h", None):
            _free(self._h)
            self._h = None


def _opts(solver, rtol):
    """The solver's name is parsed by the library (weyl_basis_solver_parse)."""
    value = ctypes.c_int()
    if _lib.weyl_basis_solver_parse(str(solver).encode(), ctypes.byref(value)) != 0:
        raise ValueError(_lib.weyl_status_last_error().decode(errors="replace"))
    return _SolveOpts(value.value, float(rtol or 0.0), 0)


def _group(group_or_file):
    return group_or_file if isinstance(group_or_file, Group) else Group(group_or_file)


class Basis:
    """The solved basis of the equivariant maps rep_in -> rep_out (a handle on
    the C object: solve once, then combine and project cheaply).

    bias=True solves the bias space of rep_out instead (rep_in is ignored):
    vectors b with rho_out(h) b = b; then out_dim x 1 "matrices"."""

    def __init__(self, group_or_file, rep_in, rep_out, solver="auto", rtol=None, bias=False):
        self.group = _group(group_or_file)
        self._out = _Rep(self.group, rep_out)
        self._in = None if bias else _Rep(self.group, rep_in)
        opts = _opts(solver, rtol)
        h = ctypes.c_void_p()
        if bias:
            _check(_lib.weyl_basis_solve_bias(self._out._h, ctypes.byref(opts), ctypes.byref(h)))
        else:
            _check(_lib.weyl_basis_solve(self._in._h, self._out._h, ctypes.byref(opts),
                                         ctypes.byref(h)))
        self._h = h
        self.dim = _lib.weyl_basis_dim(h)
        self.in_dim = _lib.weyl_basis_in_dim(h)
        self.out_dim = _lib.weyl_basis_out_dim(h)
        self.exact = bool(_lib.weyl_basis_is_exact(h))

    def __del__(self, _free=_lib.weyl_basis_free):
        if getattr(self, "_h", None):
            _free(self._h)  # before the reps it may refer to
            self._h = None

    @property
    def report(self):
        """The rank-decision report: blocks by path, singular-value gap, time."""
        r = _lib.weyl_basis_report_get(self._h).contents
        return {name: getattr(r, name) for name, _ in _Report._fields_}

    def array(self):
        """All elements as a new float64 array of shape (dim, out_dim, in_dim)."""
        B = np.zeros((self.dim, self.out_dim, self.in_dim))
        for k in range(self.dim):
            _check(_lib.weyl_basis_element(self._h, k, _doubles(B[k])))
        return B

    def combine(self, theta):
        """W = sum_k theta[k] B[k], shape (out_dim, in_dim)."""
        theta = np.ascontiguousarray(theta, dtype=np.float64)
        if theta.shape != (self.dim,):
            raise ValueError(f"theta must have shape ({self.dim},), not {theta.shape}")
        W = np.zeros((self.out_dim, self.in_dim))
        _check(_lib.weyl_basis_combine(self._h, _doubles(theta), _doubles(W)))
        return W

    def project(self, W):
        """Orthogonal projection of W onto the equivariant maps. W has shape
        (..., out_dim, in_dim): leading axes are a batch."""
        W = np.ascontiguousarray(W, dtype=np.float64)
        shape = (self.out_dim, self.in_dim)
        if W.shape[-2:] != shape:
            raise ValueError(f"W must end in shape {shape}, not {W.shape}")
        flat = W.reshape(-1, *shape)
        out = np.empty_like(flat)
        for i in range(flat.shape[0]):
            _check(_lib.weyl_basis_project(self._h, _doubles(flat[i]), _doubles(out[i])))
        return out.reshape(W.shape)

    def equivariance_error(self, W):
        """Relative equivariance error of W (the library's measure)."""
        if self._in is None:
            raise ValueError("equivariance_error needs a map basis, not a bias basis")
        W = np.ascontiguousarray(W, dtype=np.float64)
        if W.shape != (self.out_dim, self.in_dim):
            raise ValueError(f"W must have shape {(self.out_dim, self.in_dim)}, not {W.shape}")
        err = ctypes.c_double()
        _check(_lib.weyl_basis_equivariance_error(self._in._h, self._out._h, _doubles(W),
                                            ctypes.byref(err)))
        return err.value


class Projector:
    """The orthogonal projector onto the equivariant maps rep_in -> rep_out.
    Call it on W (..., out, in); .matrix() gives it as an (out*in, out*in)
    array acting on row-major vec(W)."""

    def __init__(self, group_or_file, rep_in, rep_out, solver="auto", rtol=None):
        self.basis = Basis(group_or_file, rep_in, rep_out, solver, rtol)

    def __call__(self, W):
        return self.basis.project(W)

    def matrix(self, max_size=4096):
        n = self.basis.out_dim * self.basis.in_dim
        if n > max_size:
            raise ValueError(f"projector matrix would be {n} x {n}; raise max_size to allow it")
        units = np.eye(n).reshape(n, self.basis.out_dim, self.basis.in_dim)
        return self.basis.project(units).reshape(n, n).T  # column j = P e_j


def basis(group_or_file, rep_in, rep_out, solver="auto", rtol=None):
    """Basis of the equivariant maps rep_in -> rep_out: float64 (dim, out, in)."""
    return Basis(group_or_file, rep_in, rep_out, solver, rtol).array()


def bias(group_or_file, rep_out, solver="auto", rtol=None):
    """Basis of the invariant vectors of rep_out (equivariant biases): (dim, out)."""
    b = Basis(group_or_file, None, rep_out, solver, rtol, bias=True)
    return b.array()[:, :, 0]


def projector(group_or_file, rep_in, rep_out, solver="auto", rtol=None):
    """The orthogonal projector onto the equivariant maps (a Projector)."""
    return Projector(group_or_file, rep_in, rep_out, solver, rtol)
