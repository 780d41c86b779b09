#!/usr/bin/env bash
# Builds the library and tests/tsan/concurrent_solves.c with ThreadSanitizer
# and runs it: any data race (TSan exits 66) or a concurrent basis that
# differs from the serial one fails.
#   bash tests/tsan/run.sh [BUILD_DIR]   (default: build-tsan)
# OpenBLAS is not instrumented; it runs one thread (OPENBLAS_NUM_THREADS=1)
# so that its own thread pool is not what is checked.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-build-tsan}
mkdir -p "$out"
cc=${CC:-cc}
srcs=$(ls src/core/*.c src/group/*.c src/rep/*.c src/basis/*.c)
# shellcheck disable=SC2086
$cc -std=c11 -D_POSIX_C_SOURCE=200809L -O1 -g -fsanitize=thread -pthread -Iinclude -Isrc \
  $(pkg-config --cflags lapacke openblas) $srcs tests/tsan/concurrent_solves.c \
  -o "$out/concurrent_solves" $(pkg-config --libs lapacke openblas) -lm
OPENBLAS_NUM_THREADS=1 TSAN_OPTIONS="halt_on_error=1 exitcode=66" "$out/concurrent_solves"
