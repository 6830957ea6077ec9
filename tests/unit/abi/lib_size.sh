#!/bin/sh
# SPDX-License-Identifier: MIT
# What libesimlpa.so carries (issue 14 item 3). In every build: none of the
# asn1c runtime's printer, XER or PER code is linked in (the type tables hold
# NULL there, ESIMLPA_ASN1_DER_ONLY, and --gc-sections drops the code). In a
# -Dfirmware=true build for x86-64, the .text section is at most LIMIT bytes.
# Prints the .text size in every build.
# Usage: lib_size.sh READELF LIBRARY FIRMWARE(true|false) LIMIT
# Exit 0 if within bounds, 1 otherwise.
readelf=${1:?usage: lib_size.sh READELF LIBRARY FIRMWARE LIMIT}
lib=${2:?usage: lib_size.sh READELF LIBRARY FIRMWARE LIMIT}
firmware=${3:?usage: lib_size.sh READELF LIBRARY FIRMWARE LIMIT}
limit=${4:?usage: lib_size.sh READELF LIBRARY FIRMWARE LIMIT}

# Section headers: "[Nr] Name Type Address Off Size ..." (hex sizes).
text_hex=$("$readelf" -SW "$lib" 2>/dev/null | sed -n 's/^ *\[ *[0-9]*\] \.text  *PROGBITS  *[0-9a-f]*  *[0-9a-f]*  *\([0-9a-f]*\) .*/\1/p')
[ -n "$text_hex" ] || { echo "FAIL: $readelf finds no .text section in $lib"; exit 1; }
text=$(printf '%d' "0x$text_hex")
machine=$("$readelf" -hW "$lib" | sed -n 's/^ *Machine: *//p')
echo "$lib: .text $text bytes ($machine, firmware=$firmware)"

# Local function symbols (the build tree's library is not stripped).
funcs=$("$readelf" -sW "$lib" | awk '$4 == "FUNC" && $8 !~ /@/ { print $8 }')
if ! printf '%s\n' "$funcs" | grep -q '^OCTET_STRING_decode_ber$'; then
    echo "FAIL: $lib has no symbol table with the asn1c runtime (OCTET_STRING_decode_ber)"
    exit 1
fi
# asn1c's names: TYPE_print / TYPE_decode_xer* / ... (types start upper-case)
# and the runtime's xer_* / uper_* / per_* / asn_fprint helpers.
unused=$(printf '%s\n' "$funcs" | sed 's/\.\(isra\|constprop\|part\|cold\|localalias\).*//' |
    grep -E '^[A-Z][A-Za-z0-9_]*_(print|decode_xer|encode_xer|decode_uper|encode_uper)|^(xer|uper|per)_|^asn_fprint$' | sort -u)
if [ -n "$unused" ]; then
    echo "FAIL: $lib links asn1c printer/XER/PER code ($(printf '%s\n' "$unused" | wc -l) functions, e.g. $(printf '%s\n' "$unused" | head -1))"
    exit 1
fi
echo "ok: no asn1c printer/XER/PER code"

if [ "$firmware" = true ] && [ "$machine" = "Advanced Micro Devices X86-64" ]; then
    if [ "$text" -gt "$limit" ]; then
        echo "FAIL: $lib .text is $text bytes, more than the firmware limit of $limit"
        exit 1
    fi
    echo "ok: firmware .text $text <= $limit bytes"
fi
exit 0
