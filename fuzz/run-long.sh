#!/bin/sh
# SPDX-License-Identifier: MIT
# Long fuzz run: build the harnesses (clang, libFuzzer, ASan/UBSan) into
# build-fuzz-long, fuzz each for SECONDS with a corpus kept in OUTDIR/<harness>/corpus
# (seeded from fuzz/corpus), crashes in OUTDIR/<harness>/, and write
# OUTDIR/summary.txt: per harness the executions, coverage (cov/ft of the last
# stats line) and the number of crash/leak/timeout reproducers.
# Usage: fuzz/run-long.sh SECONDS_PER_HARNESS OUTDIR
set -eu
[ $# -eq 2 ] || { echo "usage: $0 SECONDS_PER_HARNESS OUTDIR" >&2; exit 2; }
secs=$1
outdir=$(mkdir -p "$2" && cd "$2" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD_DIR:-$root/build-fuzz-long}
if [ ! -d "$build" ]; then
    CC=clang meson setup "$build" "$root" -Dfuzzing=true >/dev/null
fi
ninja -C "$build" >/dev/null
summary="$outdir/summary.txt"
printf '%-16s %12s %8s %8s %8s\n' harness execs cov ft crashes >"$summary"
for exe in "$build"/fuzz/fuzz_*; do
    [ -x "$exe" ] && [ -f "$exe" ] || continue
    name=$(basename "$exe")
    h=${name#fuzz_}
    d="$outdir/$h"
    mkdir -p "$d/corpus"
    dict=""
    [ -f "$root/fuzz/$name.dict" ] && dict="-dict=$root/fuzz/$name.dict"
    seeds="$root/fuzz/corpus/$name"
    [ -d "$seeds" ] || seeds=""
    # -fork keeps going after a crash; each reproducer lands in $d
    (cd "$d" && "$exe" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        $dict "$d/corpus" $seeds >"$d/log" 2>&1) || true
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$d/log" | tail -n 1 | grep -o '[0-9]*$' || true)
    # -fork mode prints "#<executions>: cov: ..." status lines instead of final stats
    [ -n "$execs" ] || execs=$(grep -oE '^#[0-9]+:' "$d/log" | tail -n 1 | tr -d '#:' || true)
    last=$(grep -E '(#[0-9]+|DONE).*cov: ' "$d/log" | tail -n 1 || true)
    cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
    crashes=$(ls "$d" | grep -c -E '^(crash|leak|timeout|oom)-' || true)
    printf '%-16s %12s %8s %8s %8s\n' "$h" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$crashes" >>"$summary"
done
cat "$summary"
