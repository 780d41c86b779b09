"""What the Python layer costs: for a few bases, the wall time of
weyl.basis(...) (solve through ctypes) and of .dense() (copying the
elements into NumPy), against the solve time the C library itself reports for
the same call (weyl_basis_report.seconds), in this process. Best of REPEAT.

    python3 examples/python/bench.py"""
import os
import sys
import time

try:
    import weyl
except ImportError:  # run from the source tree without installing the package
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "..", "..", "src", "python"))
    import weyl

REPEAT = 20
REPS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "reps")
CASES = [(os.path.join(REPS, "d4_pixels.rep"), "pixels", "pixels"),
         ("S(6)", "V**2", "V**2"),
         ("Z(64)", "V", "V"),
         ("SO(3)", "V**2", "V**2"),
         ("SO(3)", "16*Scalar + 16*V + 8*V**2", "16*Scalar + 16*V + 8*V**2")]


def best(fn):
    times = []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


print(f"libweyl {weyl.version()} ({weyl.library_path}), best of {REPEAT}")
print(f"{'group':>10} {'in -> out':>28} {'shape':>16} {'C solve':>9} {'basis()':>9} "
      f"{'ratio':>6} {'dense()':>9}")
for g, rin, rout in CASES:
    group = weyl.group(g)
    ri, ro = group.rep(rin), group.rep(rout)
    t_basis, b = best(lambda: weyl.basis(ri, ro))
    t_solve = min(weyl.basis(ri, ro).report["seconds"] for _ in range(REPEAT))
    t_array, A = best(b.dense)
    name = os.path.basename(g)
    io = f"{rin} -> {rout}" if len(rin) < 12 else "hidden -> hidden"
    print(f"{name:>10} {io:>28} {str(A.shape):>16} {t_solve * 1e3:8.3f}ms "
          f"{t_basis * 1e3:8.3f}ms {t_basis / max(t_solve, 1e-9):6.1f} {t_array * 1e3:8.3f}ms")
