#!/bin/sh
# SPDX-License-Identifier: MIT
# The shared library exports the public API only: every defined dynamic
# symbol is esimlpa_<name> (no esimlpa__ internals, no asn1c runtime), every
# function declared in the public headers is exported, and it has a soname.
set -u
so=$1; incdir=$2
command -v nm >/dev/null || { echo "skip: nm not found"; exit 77; }
defined=$(nm -D --defined-only "$so" | awk '$2 ~ /^[TDBRW]$/ {print $3}' | sort -u)
bad=$(printf '%s\n' "$defined" | grep -v '^esimlpa_[a-z0-9]' | grep -v '^$')
if [ -n "$bad" ]; then
    echo "FAIL: symbols outside the public API are exported:"; printf '%s\n' "$bad" | head -20; exit 1
fi
declared=$(cat "$incdir"/esimlpa/*.h | grep -oE '\besimlpa_[a-z0-9_]+ *\(' | tr -d ' (' | sort -u)
missing=""
for f in $declared; do
    printf '%s\n' "$defined" | grep -qx "$f" || missing="$missing $f"
done
if [ -n "$missing" ]; then echo "FAIL: declared but not exported:$missing"; exit 1; fi
soname=$(objdump -p "$so" | awk '/SONAME/ {print $2}')
[ -n "$soname" ] || { echo "FAIL: no SONAME"; exit 1; }
echo "ok: $(printf '%s\n' "$defined" | wc -l) symbols exported, all esimlpa_*; soname $soname"
