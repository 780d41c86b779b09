"""Loading libweyl.so and declaring the C functions the package calls (ctypes).

The library is looked up in this order: the WEYL_LIB environment variable (a
file, or a directory holding libweyl.so; a developer's override, never needed
after `pip install`); the copy bundled in this package by setup.py; build
directories of the source tree this package sits in (src/python/weyl ->
../../../build*/); then the system's loader path (libweyl.so.0.2 installed by
`cmake --install`).

The four structs the package passes by value or pointer are mirrored below;
tests/python/test_core.py compares every offset and size with the C compiler's
(tests/abi_layout.c), so a field added on one side fails a test instead of
corrupting memory."""
import ctypes
import ctypes.util
import glob
import os

ABI = "0.2"  # the soname version this package was written for: libweyl.so.0.2
_HERE = os.path.dirname(os.path.abspath(__file__))


def _candidates():
    env = os.environ.get("WEYL_LIB")
    if env:
        yield os.path.join(env, "libweyl.so") if os.path.isdir(env) else env
        return  # an explicit choice is never second-guessed
    yield os.path.join(_HERE, "libweyl.so." + ABI)
    tree = os.path.dirname(os.path.dirname(os.path.dirname(_HERE)))
    builds = glob.glob(os.path.join(tree, "build*", "libweyl.so"))
    yield from sorted(builds, key=lambda p: (os.path.basename(os.path.dirname(p)) != "build", p))
    found = ctypes.util.find_library("weyl")
    if found:
        yield found
    yield "libweyl.so." + ABI


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
    raise ImportError("weyl: cannot load libweyl.so; reinstall the package "
                      "(pip install --no-build-isolation src/python) or set WEYL_LIB. Tried: "
                      + "; ".join(tried))


lib, path = _load()

P = ctypes.c_void_p
PP = ctypes.POINTER(ctypes.c_void_p)
D = ctypes.POINTER(ctypes.c_double)
I = ctypes.POINTER(ctypes.c_int)
S = ctypes.c_int  # weyl_status
SZ = ctypes.POINTER(ctypes.c_size_t)
PROGRESS = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_double)


class BasisOpts(ctypes.Structure):
    """weyl_basis_opts (basis.h)."""
    _fields_ = [("solver", ctypes.c_int), ("rtol", ctypes.c_double),
                ("max_bytes", ctypes.c_size_t), ("progress", ctypes.c_void_p),
                ("progress_ctx", ctypes.c_void_p)]


class BasisReport(ctypes.Structure):
    """weyl_basis_report (basis.h)."""
    _fields_ = [("n_blocks", ctypes.c_int), ("n_dense", ctypes.c_int),
                ("n_orbit", ctypes.c_int), ("min_gap", ctypes.c_double),
                ("max_dropped", ctypes.c_double), ("min_kept", ctypes.c_double),
                ("seconds", ctypes.c_double), ("n_iterative", ctypes.c_int),
                ("n_stabiliser", ctypes.c_int), ("n_isotypic", ctypes.c_int)]


class Rng(ctypes.Structure):
    """weyl_rng (rng.h)."""
    _fields_ = [("s", ctypes.c_uint64 * 4)]


class ModelOpts(ctypes.Structure):
    """weyl_model_opts (model.h)."""
    _fields_ = [("channels", ctypes.c_int), ("n_hidden", ctypes.c_int), ("act", ctypes.c_int),
                ("kind", ctypes.c_int), ("residual", ctypes.c_int), ("bilinear", ctypes.c_int),
                ("bilinear_blocks", ctypes.c_int), ("solve", BasisOpts),
                ("bilinear_kind", ctypes.c_int)]


# weyl_bilinear_kind (bilinear.h)
BILINEAR_FULL, BILINEAR_LOWRANK = 0, 1


class CacheReport(ctypes.Structure):
    """weyl_cache_report (cache.h)."""
    _fields_ = [("loaded", ctypes.c_int), ("stored", ctypes.c_int), ("rejected", ctypes.c_int),
                ("seconds", ctypes.c_double), ("path", ctypes.c_char * 4096),
                ("warning", ctypes.c_char * 512)]


# Every mirrored struct, by its C name (the layout test walks this).
MIRRORS = {"weyl_basis_opts": BasisOpts, "weyl_basis_report": BasisReport,
           "weyl_rng": Rng, "weyl_model_opts": ModelOpts, "weyl_cache_report": CacheReport}

_SIGNATURES = {
    "weyl_version": (ctypes.c_char_p, []),
    "weyl_status_last_error": (ctypes.c_char_p, []),
    "weyl_status_str": (ctypes.c_char_p, [ctypes.c_int]),
    # group.h, repfile.h
    "weyl_group_builtin": (S, [ctypes.c_char_p, PP]),
    "weyl_repfile_load": (S, [ctypes.c_char_p, PP]),
    "weyl_group_free": (None, [P]),
    "weyl_group_name": (ctypes.c_char_p, [P]),
    "weyl_group_ndisc": (ctypes.c_int, [P]),
    "weyl_group_nalg": (ctypes.c_int, [P]),
    "weyl_group_nleaves": (ctypes.c_int, [P]),
    "weyl_group_leaf_name": (ctypes.c_char_p, [P, ctypes.c_int]),
    # rep.h
    "weyl_rep_parse": (S, [P, ctypes.c_char_p, PP]),
    "weyl_rep_free": (None, [P]),
    "weyl_rep_dim": (ctypes.c_int, [P]),
    "weyl_rep_str": (ctypes.c_int, [P, ctypes.c_char_p, ctypes.c_int]),
    "weyl_rep_is_perm": (ctypes.c_int, [P]),
    "weyl_rep_scalar": (S, [P, PP]),
    "weyl_rep_sum": (S, [P, P, PP]),
    "weyl_rep_copies": (S, [P, ctypes.c_int, PP]),
    "weyl_rep_tensor": (S, [P, P, PP]),
    "weyl_rep_power": (S, [P, ctypes.c_int, PP]),
    "weyl_rep_dual": (S, [P, PP]),
    "weyl_rep_summands": (S, [P, ctypes.POINTER(PP), I]),
    "weyl_rep_parts_free": (None, [PP, ctypes.c_int]),
    # basis.h
    "weyl_basis_solve": (S, [P, P, ctypes.POINTER(BasisOpts), PP]),
    "weyl_cache_solve": (S, [ctypes.c_char_p, P, P, ctypes.POINTER(BasisOpts), PP,
                             ctypes.POINTER(CacheReport)]),
    "weyl_basis_solve_bias": (S, [P, ctypes.POINTER(BasisOpts), PP]),
    "weyl_basis_free": (None, [P]),
    "weyl_basis_solver_parse": (S, [ctypes.c_char_p, I]),
    "weyl_basis_dim": (ctypes.c_int, [P]),
    "weyl_basis_in_dim": (ctypes.c_int, [P]),
    "weyl_basis_out_dim": (ctypes.c_int, [P]),
    "weyl_basis_is_exact": (ctypes.c_int, [P]),
    "weyl_basis_report_get": (ctypes.POINTER(BasisReport), [P]),
    "weyl_basis_pattern": (S, [P, I, I]),
    "weyl_basis_entries": (S, [P, ctypes.c_size_t, I, SZ, D, SZ]),
    "weyl_basis_element": (S, [P, ctypes.c_int, D]),
    "weyl_basis_combine": (S, [P, D, D]),
    "weyl_basis_project": (S, [P, D, D]),
    "weyl_basis_equivariance_error": (S, [P, P, D, D]),
    # rng.h, element.h
    "weyl_rng_seed": (None, [ctypes.POINTER(Rng), ctypes.c_uint64]),
    "weyl_element_sample": (S, [P, ctypes.POINTER(Rng), ctypes.c_int, ctypes.c_double, PP]),
    "weyl_element_free": (None, [P]),
    "weyl_element_rho": (S, [P, P, D]),
    # linear.h, nonlin.h, bilinear.h, model.h, adam.h: the C network (weyl.nn)
    "weyl_linear_new": (S, [P, P, PP]),
    "weyl_linear_free": (None, [P]),
    "weyl_linear_nparams": (ctypes.c_int, [P]),
    "weyl_linear_set_params": (S, [P, D]),
    "weyl_linear_forward": (S, [P, ctypes.c_int, D, D]),
    "weyl_nonlin_pointwise": (S, [P, ctypes.c_int, PP]),
    "weyl_nonlin_norm": (S, [P, ctypes.c_int, PP]),
    "weyl_nonlin_gated": (S, [P, ctypes.c_int, PP]),
    "weyl_nonlin_free": (None, [P]),
    "weyl_nonlin_in_dim": (ctypes.c_int, [P]),
    "weyl_nonlin_out_dim": (ctypes.c_int, [P]),
    "weyl_nonlin_nparams": (ctypes.c_int, [P]),
    "weyl_nonlin_forward": (S, [P, D, ctypes.c_int, D, D]),
    "weyl_nonlin_uniform_rep": (S, [P, ctypes.c_int, PP]),
    "weyl_nonlin_gated_rep": (S, [P, PP]),
    "weyl_nonlin_is_scalar": (ctypes.c_int, [P]),
    "weyl_bilinear_new": (S, [P, P, P, ctypes.POINTER(BasisOpts), PP]),
    "weyl_bilinear_free": (None, [P]),
    "weyl_bilinear_nparams": (ctypes.c_int, [P]),
    "weyl_bilinear_set_params": (S, [P, D]),
    "weyl_bilinear_forward": (S, [P, ctypes.c_int, D, D, ctypes.c_int]),
    "weyl_bilinear_full_new": (S, [P, P, PP]),
    "weyl_bilinear_backward": (S, [P, ctypes.c_int, D, D, D, D]),
    "weyl_model_default_opts": (ModelOpts, []),
    "weyl_model_emlp": (S, [P, P, ctypes.POINTER(ModelOpts), PP]),
    "weyl_model_free": (None, [P]),
    "weyl_model_nparams": (ctypes.c_int, [P]),
    "weyl_model_params": (D, [P]),
    "weyl_model_grads": (D, [P]),
    "weyl_model_sync": (S, [P]),
    "weyl_model_init": (S, [P, ctypes.c_uint64]),
    "weyl_model_forward": (S, [P, ctypes.c_int, D, D]),
    "weyl_model_backward": (S, [P, ctypes.c_int, D]),
    "weyl_model_train_mse": (S, [P, P, ctypes.c_int, D, D, D]),
    "weyl_model_adam_new": (S, [P, ctypes.c_double, PP]),
    "weyl_adam_free": (None, [P]),
}
for _name, (_res, _args) in _SIGNATURES.items():
    _fn = getattr(lib, _name)
    _fn.restype, _fn.argtypes = _res, _args

STATUS_NAMES = {0: "WEYL_OK", 1: "WEYL_EINVAL", 2: "WEYL_EPARSE", 3: "WEYL_ELIMIT",
                4: "WEYL_ENOMEM", 5: "WEYL_ENUMERIC", 6: "WEYL_EIO"}


class WeylError(Exception):
    """A weyl call failed. .status is the weyl_status code (1 = WEYL_EINVAL,
    2 = WEYL_EPARSE, 3 = WEYL_ELIMIT, ...), .message the library's
    explanation (weyl_status_last_error)."""

    def __init__(self, status, message):
        super().__init__(f"{message} [{STATUS_NAMES.get(status, status)}]")
        self.status = status
        self.message = message


def check(status):
    """Raises WeylError with the library's message for a failed call."""
    if status != 0:
        raise WeylError(status, lib.weyl_status_last_error().decode(errors="replace"))


def doubles(a):
    """A double* onto a C-contiguous float64 NumPy array (no copy)."""
    assert a.dtype.name == "float64" and a.flags["C_CONTIGUOUS"]
    return a.ctypes.data_as(D)


def ints(a):
    """An int* onto a C-contiguous int32 NumPy array (no copy)."""
    assert a.dtype.name == "int32" and a.flags["C_CONTIGUOUS"]
    return a.ctypes.data_as(I)
