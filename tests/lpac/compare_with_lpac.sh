#!/bin/bash
# SPDX-License-Identifier: MIT
# Not in CI: runs a real lpac build and esimlpa-lpac on the same soft eUICC
# (behind pcscd, in private namespaces like the end-to-end tests) and diffs
# the JSON structure (keys and value types, not values) of every command's
# lines. Usage (as root, after `ninja -C build`):
#   LPAC=/path/to/lpac [BUILD=build] tests/lpac/compare_with_lpac.sh
# lpac does not verify TLS, so it reaches the test SM-DP+ through /etc/hosts
# (bind-mounted in the private mount namespace); esimlpa-lpac verifies it
# against the test CI.
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${BUILD:-$SRC/build}" && pwd)
: "${LPAC:?set LPAC to an lpac binary}"
LPAC=$(realpath "$LPAC")
export SOFT_EUICC=$BUILD/tests/sim/esimlpa-soft-euicc CLI=$BUILD/examples/esimlpa
export LPAC_CLI=$BUILD/examples/lpac/esimlpa-lpac PKI_SCRIPT=$SRC/tests/pki/gen-rsp-pki.sh
export SEED=$SRC/tests/sim/seed/default.json PKI_DIR=$BUILD/test-pki
export HARNESS=$SRC/tests/integration/harness.sh SMDPP=$BUILD/tests/smdpp/esimlpa-test-smdpp
export ORDERS=$SRC/tests/smdpp/profiles/orders.json ESIMLPA_RSP_CI_DIR=$SRC/lib/http/rsp-ci LPAC
. "$HARNESS"
command -v jq >/dev/null || fail "jq needed"
SM=testsmdpplus1.example.com
printf '127.0.0.1 localhost %s\n' $SM >"$H_TMP/hosts"
mount --bind "$H_TMP/hosts" /etc/hosts || fail "cannot bind-mount /etc/hosts"
export LPAC_APDU=pcsc LPAC_APDU_PCSC_DRV_NAME="Virtual PCD 00 00"
unset ESIMLPA_READER
h_up
h_server $SM smdp nist

# The structure of a JSON value: objects keep their keys (sorted), arrays the
# union of their elements' structures, leaves become their type names.
SHAPE='def s: if type == "object" then (to_entries | map({key, value: (.value | s)}) | from_entries)
  elif type == "array" then (map(s) | unique) else type end; s'
shape_lines() { while IFS= read -r l; do jq -c "$SHAPE" <<<"$l" 2>/dev/null || echo "not JSON: $l"; done; }
DIFFS=0
cmp_cmd() {   # cmp_cmd LPAC_ARGS -- OURS_ARGS (both default to the same)
    local a=() b=() seen=0
    for x in "$@"; do
        if [ "$x" = -- ]; then seen=1; continue; fi
        if [ $seen = 0 ]; then a+=("$x"); else b+=("$x"); fi
    done
    [ $seen = 1 ] || b=("${a[@]}")
    local lo eo lr er
    lo=$("$LPAC" "${a[@]}" 2>/dev/null); lr=$?
    [ -n "${BETWEEN:-}" ] && eval "$BETWEEN" >/dev/null 2>&1   # undo lpac's change for our run
    eo=$(ESIMLPA_CA_FILE="$PKI_DIR/ci_nist.pem" ESIMLPA_RESOLVE="$SM:443:127.0.0.1" \
        "$LPAC_CLI" "${b[@]}" 2>/dev/null); er=$?
    echo "=== lpac ${a[*]}  (exit lpac $lr, esimlpa-lpac $er)"
    # the set of line structures: how many notifications a run met is state, not structure
    if diff <(shape_lines <<<"$lo" | sort -u) <(shape_lines <<<"$eo" | sort -u) >"$H_TMP/d"; then
        echo "same structure (lpac $(wc -l <<<"$lo") lines, esimlpa-lpac $(wc -l <<<"$eo"))"
    else
        DIFFS=$((DIFFS + 1))
        sed 's/^</lpac:        /; s/^>/esimlpa-lpac:/' "$H_TMP/d"
    fi
}

cmp_cmd version
cmp_cmd driver apdu list
cmp_cmd chip info
cmp_cmd profile list
iccid=$("$LPAC_CLI" profile list | jq -r '.payload.data[] | select(.profileState == "disabled") | .iccid' | head -n1)
first=$("$LPAC_CLI" profile list | jq -r '.payload.data[] | select(.profileState == "enabled") | .iccid')
BETWEEN="\"$LPAC_CLI\" profile enable $first 0" cmp_cmd profile enable "$iccid" 0
cmp_cmd notification list
seq=$("$LPAC_CLI" notification list | jq -r '.payload.data[0].seqNumber')
cmp_cmd notification dump "$seq"
# the same pending notifications for both: two more for our run
BETWEEN="\"$LPAC_CLI\" profile enable $iccid 0; \"$LPAC_CLI\" profile enable $first 0" cmp_cmd notification process -a -r
cmp_cmd profile download -a "LPA:1\$$SM\$TEST-8K" -- profile download -a "LPA:1\$$SM\$TEST-30K-PPK"
cmp_cmd notification list
cmp_cmd profile download -a "LPA:1\$$SM\$NO-SUCH-ORDER"
cmp_cmd profile enable 12
cmp_cmd notification remove 9999
echo "# $DIFFS command(s) with a different structure"
