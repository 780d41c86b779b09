#!/usr/bin/env bash
# `pip install` of src/python into a fresh virtual environment that sees
# Debian's packages (--system-site-packages: numpy, torch), offline and
# without build isolation; then `import weyl` and `import weyl.torch` from /
# with no environment variable, and `pip uninstall weyl` removes it. The
# library built by ctest's build is bundled (WEYL_PREBUILT_LIB) instead of a
# second CMake build; the README's command builds it (setup.py).
# Usage: check_python_install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd) src=$(cd "$2" && pwd)
py=${WEYL_PYTHON:-/usr/bin/python3}
if ! "$py" -c "import setuptools, venv, pip" 2>/dev/null; then
  echo "SKIP: $py lacks pip, venv or setuptools (Debian: apt-get install python3-pip python3-setuptools)"
  exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/weyl-pip.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
unset WEYL_LIB PYTHONPATH
cp -r "$src/src/python" "$tmp/python" # a clean copy: the build leaves files beside setup.py
rm -rf "$tmp/python/build" "$tmp/python"/*.egg-info "$tmp/python/weyl"/libweyl.so*
"$py" -m venv --system-site-packages --without-pip "$tmp/venv"
venv_py=$tmp/venv/bin/python
WEYL_PREBUILT_LIB=$build/libweyl.so "$venv_py" -m pip install -q --no-index --no-build-isolation \
  "$tmp/python"
cd /
"$venv_py" - "$tmp/venv" <<'PY'
import sys
import weyl
assert weyl.library_path.startswith(sys.argv[1]), weyl.library_path  # the bundled copy
G = weyl.group("SO(3)")
assert weyl.basis(G.rep("V**3"), G.rep("Scalar")).dim == 1
try:
    import torch  # noqa: F401
except ImportError:
    print("torch not importable: weyl.torch not checked")
else:
    import weyl.torch
    layer = weyl.torch.Linear(G.rep("V"), G.rep("V + Scalar"))
    assert layer(torch.zeros(2, 3)).shape == (2, 4)
print(f"installed weyl {weyl.__version__} imports from / with {weyl.library_path}")
PY
"$venv_py" -m pip uninstall -q -y weyl
if "$venv_py" -c "import weyl" 2>/dev/null; then
  echo "FAIL: weyl still importable after pip uninstall" >&2
  exit 1
fi
echo "pip uninstall weyl removed it"
