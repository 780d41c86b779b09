#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for SECONDS (default
# 60), one after the other. Corpora grow in build-fuzz/corpus-*/ (seeds: the
# files of reps/ and tests/fuzz/corpus_expr/); a crashing or hanging input is
# saved as build-fuzz/crash-*, timeout-* or oom-* and the script fails.
#   bash tests/fuzz/run.sh [SECONDS] [TARGET...]     TARGET: repfile, expr
# Needs clang and libclang-rt-14-dev (Debian 12: apt-get install clang libclang-rt-14-dev).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
shift || true
targets=("$@")
((${#targets[@]} > 0)) || targets=(repfile expr)
build=build-fuzz
CC=clang cmake -S . -B "$build" -DWEYL_FUZZ=ON -DWEYL_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j1 --target fuzz_repfile fuzz_expr >/dev/null
for t in "${targets[@]}"; do
  case $t in
  repfile) seeds=reps ;;
  expr) seeds=tests/fuzz/corpus_expr ;;
  *) echo "unknown target '$t' (repfile, expr)" >&2; exit 2 ;;
  esac
  mkdir -p "$build/corpus-$t"
  echo "== fuzz_$t for ${seconds}s" >&2
  "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$build/" "$build/corpus-$t" "$seeds" 2>&1 |
    grep -E '^#[0-9]+ +(INITED|DONE)|^stat::|^==[0-9]+==|ERROR|SUMMARY|Done|Test unit' >&2
done
