#!/usr/bin/env bash
# Installs the build into a fresh prefix and builds + runs examples/consumer
# against that installed copy (find_package shared and static, pkg-config).
# Usage: check_install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 src=$2
prefix=$build/test-install
rm -rf "$prefix" "$build/test-consumer"
cmake --install "$build" --prefix "$prefix" >/dev/null
bash "$src/examples/consumer/build-installed.sh" "$prefix" "$build/test-consumer"
