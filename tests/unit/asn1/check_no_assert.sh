#!/bin/sh
# SPDX-License-Identifier: MIT
# The shipped libraries carry no assert() (issue 11 item 3): lib/asn1 is built
# with -DNDEBUG, so nothing in libesimlpa.so / libesimlpa.a may reference
# __assert_fail (an assert a card's or server's DER reached would abort the
# host process). The asn1c runtime must be in there, or the check is void.
# Usage: check_no_assert.sh NM LIBRARY...   Exit 0 if clean, 1 otherwise.
nm=${1:?usage: check_no_assert.sh NM LIBRARY...}
shift
[ $# -gt 0 ] || { echo "usage: check_no_assert.sh NM LIBRARY..."; exit 2; }
rc=0
for lib in "$@"; do
    syms=$("$nm" "$lib" 2>/dev/null) || { echo "FAIL: $nm cannot read $lib"; rc=1; continue; }
    case $lib in *.so*) syms="$syms
$("$nm" -D "$lib" 2>/dev/null)" ;; esac
    if ! printf '%s\n' "$syms" | grep -q ' [Tt] OCTET_STRING_decode_ber$'; then
        echo "FAIL: $lib does not contain the asn1c runtime (OCTET_STRING_decode_ber)"
        rc=1
        continue
    fi
    n=$(printf '%s\n' "$syms" | grep -c '__assert_fail')
    if [ "$n" -ne 0 ]; then
        echo "FAIL: $lib references __assert_fail ($n): built without NDEBUG"
        rc=1
    else
        echo "ok: $lib has no assert()"
    fi
done
exit $rc
