#!/bin/sh
# SPDX-License-Identifier: MIT
# Bounded fuzz pass for CI: build the harnesses with clang + libFuzzer +
# ASan/UBSan into build-fuzz-ci and fuzz each one for SECONDS (default 15)
# from its seed corpus (work copy in a temp dir). Exit 1 if any harness
# found a crash, leak or timeout (the reproducer is left under fuzz-out/).
# Usage: fuzz/run-bounded.sh [SECONDS_PER_HARNESS]
set -eu
secs=${1:-15}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD_DIR:-$root/build-fuzz-ci}
out=${FUZZ_OUT_DIR:-$root/fuzz-out}
if [ ! -d "$build" ]; then
    CC=clang meson setup "$build" "$root" -Dfuzzing=true >/dev/null
fi
ninja -C "$build" >/dev/null
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
for exe in "$build"/fuzz/fuzz_*; do
    [ -x "$exe" ] && [ -f "$exe" ] || continue
    name=$(basename "$exe")
    h=${name#fuzz_}
    mkdir -p "$work/$h" "$out/$h"
    dict=""
    [ -f "$root/fuzz/$name.dict" ] && dict="-dict=$root/fuzz/$name.dict"
    seeds="$root/fuzz/corpus/$name"
    [ -d "$seeds" ] || seeds=""
    if (cd "$out/$h" && "$exe" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
            -print_final_stats=1 $dict "$work/$h" $seeds >"$out/$h/log" 2>&1); then
        echo "fuzz $h: ok ($(grep -o 'stat::number_of_executed_units: *[0-9]*' "$out/$h/log" | grep -o '[0-9]*$') execs)"
    else
        echo "fuzz $h: FAILED, see $out/$h/log"
        tail -n 40 "$out/$h/log"
        fail=1
    fi
done
exit $fail
