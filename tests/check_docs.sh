#!/usr/bin/env bash
# `make docs` (Doxygen over include/weyl, warnings are errors) must pass: every
# public declaration documented, no broken markup. Exit 77 (skipped) without
# doxygen. A failure names the header line, e.g.
#   include/weyl/x.h:12: error: Member weyl_x_dim(...) (function) ... is not documented.
# Fix: put a comment above (or after, on the same line) the declaration.
# Usage: check_docs.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
command -v doxygen >/dev/null || { echo "SKIP: doxygen not installed (apt-get install doxygen)"; exit 77; }
make -s -C "$1" docs BUILD="$2"
test -s "$2/docs/html/index.html"
echo "docs: $2/docs/html/index.html"
