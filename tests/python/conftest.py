"""pytest set-up for the weyl package's tests (tests/python).

Run by ctest (python_core, python_torch, python_ddp) with Debian's
/usr/bin/python3. The package is imported from the environment when it is
installed, else from src/python of this tree (with WEYL_LIB naming the built
library, as ctest sets it). WEYL_REQUIRE_TORCH=1 (set by .ci/run) turns a
missing torch into a failure instead of a skip."""
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
REPS = os.path.join(ROOT, "reps")
sys.path.insert(0, os.path.dirname(HERE))  # tests/reference.py
try:
    import weyl  # noqa: F401  an installed package
except ImportError:
    sys.path.insert(0, os.path.join(ROOT, "src", "python"))


def need_torch():
    """torch, or a skip saying why (a failure when WEYL_REQUIRE_TORCH=1)."""
    try:
        import torch
        return torch
    except ImportError as e:
        if os.environ.get("WEYL_REQUIRE_TORCH") == "1":
            pytest.fail(f"WEYL_REQUIRE_TORCH=1 but torch is not importable: {e}", pytrace=False)
        pytest.skip(f"torch is not importable with {sys.executable} ({e}); Debian: "
                    "apt-get install python3-torch", allow_module_level=True)
