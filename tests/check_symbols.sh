#!/usr/bin/env bash
# libweyl.so exports exactly the public API: every function the compiler sees
# declared in include/weyl/*.h (through the umbrella header weyl/weyl.h, so a
# header missing from it shows up here too), each under the symbol version
# WEYL_<soversion>, and nothing else; its soname carries that version; and
# each function's name starts with its header's concept (weyl_rep_* in rep.h).
# The list of declarations comes from the compiler (gcc -aux-info), not from
# the script that wrote the linker version script.
# Usage: check_symbols.sh LIBWEYL_SO INCLUDE_DIR SOVERSION CC
set -euo pipefail
lib=$1 inc=$2 soversion=$3 cc=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

printf '#include <weyl/weyl.h>\n' >"$tmp/all.c"
"$cc" -std=c11 -I"$inc" -aux-info "$tmp/aux.txt" -fsyntax-only "$tmp/all.c"
grep -F "$inc/weyl/" "$tmp/aux.txt" | sed -E 's/.*[ *](weyl_[A-Za-z0-9_]+) \(.*/\1/' |
  sort -u >"$tmp/declared"
for h in "$inc"/weyl/*.h; do
  grep -q "\"weyl/$(basename "$h")\"" "$inc/weyl/weyl.h" || [[ $(basename "$h") == weyl.h ]] ||
    { echo "FAIL: weyl/weyl.h does not include weyl/$(basename "$h")"; exit 1; }
done

# Every function carries its header's concept: weyl/rep.h declares weyl_rep or weyl_rep_*.
grep -F "$inc/weyl/" "$tmp/aux.txt" |
  sed -E 's#.*/weyl/([a-z_]+)\.h:[0-9].*[ *](weyl_[A-Za-z0-9_]+) \(.*#\1 \2#' |
  awk '$2 != "weyl_" $1 && index($2, "weyl_" $1 "_") != 1 { print "FAIL: " $2 " is in weyl/" $1 ".h" }' \
    >"$tmp/concepts"
if [[ -s $tmp/concepts ]]; then cat "$tmp/concepts"; exit 1; fi

nm -D --defined-only --with-symbol-versions "$lib" | awk '$2 != "A" {print $3}' >"$tmp/nm"
sed -E 's/@.*//' "$tmp/nm" | sort -u >"$tmp/exported"
status=0
if ! diff -u "$tmp/declared" "$tmp/exported" >"$tmp/diff"; then
  echo "FAIL: declared (-) and exported (+) functions differ:"
  cat "$tmp/diff"
  status=1
fi
if grep -v "@@WEYL_$soversion\$" "$tmp/nm"; then
  echo "FAIL: the symbols above are not under version WEYL_$soversion"
  status=1
fi
soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
if [[ $soname != "libweyl.so.$soversion" ]]; then
  echo "FAIL: soname '$soname', expected libweyl.so.$soversion"
  status=1
fi
echo "$(wc -l <"$tmp/declared") public functions declared, $(wc -l <"$tmp/exported") exported; soname $soname"
exit $status
