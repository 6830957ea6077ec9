#!/bin/bash
# SPDX-License-Identifier: MIT
# Runs test_pcsc_vpcd against a private pcscd + vpcd + vpcd_card.py. Everything
# lives in a new mount namespace (own /run/pcscd) and network namespace (own
# loopback), so it never touches a pcscd or soft eUICC other tests use.
# Usage: test_pcsc_vpcd.sh PROBE CARD_PY. Exit 77 (skip) when a piece is missing.
set -u
PROBE=$1
CARD=$2
VPCD_LIB=/usr/lib/pcsc/drivers/serial/libifdvpcd.so

if [ "${ESIMLPA_VPCD_INNER:-}" != 1 ]; then
    for tool in unshare pcscd python3 ip; do
        command -v "$tool" >/dev/null 2>&1 || { echo "skip: $tool not found"; exit 77; }
    done
    [ -f "$VPCD_LIB" ] || { echo "skip: vpcd driver not installed"; exit 77; }
    unshare -m -n true 2>/dev/null || { echo "skip: cannot create namespaces"; exit 77; }
    ESIMLPA_VPCD_INNER=1 exec unshare -m -n bash "$0" "$@"
fi

ip link set lo up || exit 1
mkdir -p /run/pcscd && mount -t tmpfs tmpfs /run/pcscd || exit 1
mkdir -p /run/lock && mount -t tmpfs tmpfs /run/lock || exit 1   # private card lock files
TMP=$(mktemp -d /tmp/esimlpa-vpcd.XXXXXX)
PCSCD_PID=""
CARD_PID=""
cleanup() {
    [ -n "$CARD_PID" ] && kill "$CARD_PID" 2>/dev/null
    [ -n "$PCSCD_PID" ] && kill "$PCSCD_PID" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

mkdir -p "$TMP/conf"
cat >"$TMP/conf/vpcd" <<EOC
FRIENDLYNAME "Virtual PCD"
DEVICENAME   /dev/null:0x8C7B
LIBPATH      $VPCD_LIB
CHANNELID    0x8C7B
EOC
pcscd -f -c "$TMP/conf" >"$TMP/pcscd.log" 2>&1 &
PCSCD_PID=$!
for _ in $(seq 100); do
    [ -S /run/pcscd/pcscd.comm ] && break
    sleep 0.05
done
[ -S /run/pcscd/pcscd.comm ] || { cat "$TMP/pcscd.log"; echo "pcscd did not start"; exit 1; }

python3 "$CARD" 35963 &
CARD_PID=$!
# The probe waits for pcscd to notice the card (it polls about every 400 ms).
"$PROBE"
