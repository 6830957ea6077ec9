#!/bin/sh
# SPDX-License-Identifier: MIT
# Symbol hygiene of the static library (issue 11 item 2): libesimlpa.a has
# no global symbol but the esimlpa_* API, and a program that also carries its
# own, independently generated asn1c module (Debian's pristine runtime, the
# same symbol names as ours) links and works with both.
#   static_clash.sh LIBESIMLPA.a INCLUDE_DIR clash_main.c CC
set -u
lib=$1 inc=$2 main=$3 cc=$4
command -v asn1c >/dev/null || { echo "asn1c not installed: skipped"; exit 77; }
bad=$(nm "$lib" | awk '$2 ~ /^[TDBRWCVGSI]$/ {print $3}' | grep -v '^esimlpa_[a-z0-9]')
if [ -n "$bad" ]; then
    echo "FAIL: libesimlpa.a defines $(printf '%s\n' "$bad" | wc -l) global symbols outside the API, e.g.:"
    printf '%s\n' "$bad" | head -5
    exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/other.asn" <<'ASN'
Other DEFINITIONS AUTOMATIC TAGS ::= BEGIN
Msg ::= SEQUENCE { id INTEGER, data OCTET STRING }
END
ASN
(cd "$tmp" && asn1c -fcompound-names other.asn >/dev/null 2>&1) || { echo "FAIL: asn1c"; exit 1; }
rm -f "$tmp/converter-sample.c"
# The program's module defines asn_DEF_OCTET_STRING, ber_decode, ... too.
dups=$(nm "$lib" | awk '{print $NF}' | sort -u > "$tmp/ours"; cd "$tmp" && \
       $cc -c -w -I. *.c >/dev/null 2>&1 && nm --defined-only *.o | awk '$2 ~ /^[TDR]$/ {print $3}' | \
       sort -u | comm -12 - "$tmp/ours" | wc -l)
[ "$dups" -gt 50 ] || { echo "FAIL: the generated module shares only $dups symbol names with ours"; exit 1; }
# shellcheck disable=SC2046
if ! $cc -I"$tmp" -I"$inc" -o "$tmp/clash" "$main" "$tmp"/*.o "$lib" \
        $(pkg-config --libs libssl libcrypto libpcsclite libcurl libcjson) -pthread \
        ${CONSUMER_CFLAGS:-} 2>"$tmp/ld.log"; then
    echo "FAIL: linking the program with its own asn1c module and libesimlpa.a:"
    head -20 "$tmp/ld.log"
    exit 1
fi
"$tmp/clash" || { echo "FAIL: the program did not work"; exit 1; }
# Each side runs its own runtime: two copies of the decoder, not one shared
# (a shared one would silently run our code on Debian's unpatched runtime).
copies=$(nm "$tmp/clash" | grep -c ' [Tt] OCTET_STRING_decode_ber$')
[ "$copies" = 2 ] || { echo "FAIL: $copies copies of OCTET_STRING_decode_ber in the program, want 2 (ours and its own)"; exit 1; }
echo "ok: libesimlpa.a exports $(nm "$lib" | awk '$2 ~ /^[TDBR]$/' | wc -l) symbols, all esimlpa_*; $dups runtime names shared with the program's own asn1c module, both work"
