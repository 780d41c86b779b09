#!/usr/bin/env bash
# Runs a Python test script with the first python3 that can import numpy
# ($WEYL_PYTHON, then Debian's /usr/bin/python3, whose dist-packages hold
# python3-torch and python3-pytest, then python3 on PATH). With
# WEYL_PY_MODULES="numpy pytest" (default: numpy) every listed module must be
# importable. With none, exits 77, which ctest counts as skipped.
# Usage: run_python.sh SCRIPT [ARGS...]   or   run_python.sh -m pytest ...
need=${WEYL_PY_MODULES:-numpy}
for py in ${WEYL_PYTHON:-} /usr/bin/python3 python3; do
  if command -v "$py" >/dev/null 2>&1 && "$py" -c "import ${need// /, }" 2>/dev/null; then
    exec "$py" "$@"
  fi
done
echo "SKIP: no python3 that imports ${need} (Debian: apt-get install python3-numpy python3-pytest)"
exit 77
