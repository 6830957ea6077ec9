#!/bin/sh
# SPDX-License-Identifier: MIT
# Staleness test: regenerate the codec with asn1/regen.sh into a temporary
# directory and compare it with the committed lib/asn1/.
# Exit 0 if identical, 1 if stale (naming the first differing file),
# 77 (meson "skip") if asn1c is not installed.
top=${1:?usage: check_generated.sh SOURCE_ROOT}
command -v asn1c >/dev/null 2>&1 || { echo "asn1c not installed: skipping"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
"$top/asn1/regen.sh" "$tmp/asn1" || { echo "FAIL: asn1/regen.sh failed"; exit 1; }
first=$( (cd "$tmp/asn1" && ls; cd "$top/lib/asn1" && ls) | LC_ALL=C sort -u | while read -r f; do
    case $f in *.c|*.h|meson.build) ;; *) continue ;; esac
    if ! cmp -s "$tmp/asn1/$f" "$top/lib/asn1/$f"; then echo "$f"; break; fi
done)
if [ -n "$first" ]; then
    echo "FAIL: lib/asn1/ is stale: $first differs from what asn1/regen.sh generates."
    echo "Run asn1/regen.sh and commit lib/asn1/ (never edit generated files by hand;"
    echo "runtime fixes go into asn1/patches/)."
    [ -e "$top/lib/asn1/$first" ] && [ -e "$tmp/asn1/$first" ] && diff -u "$top/lib/asn1/$first" "$tmp/asn1/$first" | head -20
    exit 1
fi
echo "lib/asn1/ is up to date"
