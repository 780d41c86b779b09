#!/usr/bin/env bash
# Builds examples/consumer against the weyl installed under PREFIX three ways
# and runs each: CMake find_package with weyl::weyl (shared) and
# weyl::weyl_static, and plain cc with pkg-config (shared).
# Usage: bash examples/consumer/build-installed.sh PREFIX WORKDIR
set -euo pipefail
prefix=$(cd "$1" && pwd)
work=$2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"

echo "== find_package(weyl) from $prefix"
cmake -S "$here" -B "$work/cmake" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/cmake" -j1 >/dev/null
# The shared build must run with the installed libweyl.so, the static one without any.
# ldd's output is captured before it is matched: `ldd | grep -q` under pipefail
# fails at random when grep exits first and ldd dies of SIGPIPE (README,
# "Shell scripts").
libs=$(ldd "$work/cmake/consumer")
grep -q "libweyl.so.* => $prefix/" <<<"$libs" ||
  { echo "consumer does not load $prefix's libweyl.so" >&2; exit 1; }
"$work/cmake/consumer"
echo "== find_package(weyl), weyl::weyl_static"
libs=$(ldd "$work/cmake/consumer_static" || true) # "not a dynamic executable" is fine too
if grep -q libweyl <<<"$libs"; then
  echo "consumer_static loads a libweyl.so" >&2; exit 1
fi
"$work/cmake/consumer_static"

pcfiles=$(find "$prefix" -name weyl.pc)
pcdir=$(dirname "${pcfiles%%$'\n'*}")
export PKG_CONFIG_PATH="$pcdir:${PKG_CONFIG_PATH:-}"
echo "== pkg-config weyl $(pkg-config --modversion weyl)"
# shellcheck disable=SC2046 # pkg-config output is meant to be word-split
cc -std=c11 -Wall -Wextra -Wpedantic -Werror -o "$work/consumer_pc" "$here/main.c" \
  $(pkg-config --cflags --libs weyl) -lm
LD_LIBRARY_PATH="$(pkg-config --variable=libdir weyl)" "$work/consumer_pc"
