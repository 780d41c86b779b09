"""examples/python/ddp_o5.py with a tiny budget: two CPU processes (gloo,
localhost) train the O(5) EMLP under DistributedDataParallel and must end
with identical parameters and an equivariant model (its --check)."""
import os
import subprocess
import sys

from conftest import ROOT, need_torch

torch = need_torch()
import weyl  # noqa: E402


def test_two_processes_end_identical_and_equivariant():
    env = dict(os.environ)
    package_dir = os.path.dirname(os.path.dirname(os.path.abspath(weyl.__file__)))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_dir, env.get("PYTHONPATH")]))
    run = subprocess.run([sys.executable, os.path.join(ROOT, "examples", "python", "ddp_o5.py"),
                          "--steps", "3", "--hidden", "24", "--batch", "16", "--check"],
                         env=env, capture_output=True, text=True, timeout=300)
    print(run.stdout, run.stderr)
    assert run.returncode == 0
    assert "largest parameter difference between replicas 0.0e+00" in run.stdout
