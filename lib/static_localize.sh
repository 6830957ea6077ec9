#!/bin/sh
# SPDX-License-Identifier: MIT
# Build libesimlpa.a as one relocatable object whose only global symbols are
# the public esimlpa_* API (issue 11 item 2). The shared library hides the
# rest with a version script; a plain archive would export the asn1c runtime
# (asn_DEF_*, OCTET_STRING_decode_ber, ...) and our esimlpa__ internals, which
# clash with another asn1c module linked into the same firmware.
#   static_localize.sh OUT.a LD OBJCOPY AR IN.a...
set -eu
out=$1 ld=$2 objcopy=$3 ar=$4
shift 4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$ld" -r -o "$tmp/esimlpa.o" --whole-archive "$@" --no-whole-archive
# esimlpa_ followed by a letter or digit: the API, not the esimlpa__ internals.
"$objcopy" --wildcard --keep-global-symbol='esimlpa_[a-z0-9]*' "$tmp/esimlpa.o"
rm -f "$out"
"$ar" rcsD "$out" "$tmp/esimlpa.o"
