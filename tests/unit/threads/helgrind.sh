#!/bin/bash
# SPDX-License-Identifier: MIT
# Run the threads test under helgrind; any data race it reports in our code
# or the asn1c runtime fails. Races inside OpenSSL, libcurl and glibc are
# their own (lock-free atomics helgrind does not understand) and are
# suppressed by object, not by function of ours. Skipped (77) without
# valgrind or on a sanitizer build.
command -v valgrind >/dev/null 2>&1 || { echo "valgrind not installed: skipped"; exit 77; }
exe=$1; shift
if nm "$exe" 2>/dev/null | grep -q '__[at]san_init'; then
    echo "sanitizer build: skipped"; exit 77
fi
log=$(mktemp /tmp/helgrind-XXXXXX.log)
trap 'rm -f "$log"' EXIT
valgrind --tool=helgrind --quiet --error-exitcode=99 --suppressions="$(dirname "$0")/helgrind.supp" --log-file="$log" "$exe" "$@"
rc=$?
if [ "$rc" != 0 ] || grep -q "Possible data race\|lock order" "$log"; then
    head -c 20000 "$log" >&2
    echo "threads-helgrind: exit $rc, races reported above" >&2
    exit 1
fi
echo "threads-helgrind: no race reported"
