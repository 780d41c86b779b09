#!/usr/bin/env bash
# Runs a Python test script with the first python3 that can import numpy
# ($WEYL_PYTHON, then python3 on PATH, then Debian's /usr/bin/python3).
# With none, exits 77, which ctest counts as skipped (SKIP_RETURN_CODE).
# Usage: run_python.sh SCRIPT [ARGS...]
for py in ${WEYL_PYTHON:-} python3 /usr/bin/python3; do
  if command -v "$py" >/dev/null 2>&1 && "$py" -c "import numpy" 2>/dev/null; then
    exec "$py" "$@"
  fi
done
echo "SKIP: no python3 with numpy found (Debian: apt-get install python3-numpy)"
exit 77
