#!/bin/bash
# SPDX-License-Identifier: MIT
# Cross-check of the simulated MBIM modem with an independent implementation:
# Debian's mbimcli (libmbim 1.28) queries device caps and subscriber status,
# opens a channel on the ISD-R, sends GetEID (BF3E) and closes the channel
# through the Microsoft UICC low-level access service. mbimcli opens a pty
# like a cdc-wdm node (no USB descriptors: the 4096-byte default transfer).
# Variant libmbim-proxy: the same through libmbim's own mbim-proxy, and the
# library's transport (--mbim-proxy) through it, in a private network
# namespace. 77 when mbimcli is not installed.
# Environment: SIM_MBIM, CLI, PKI_DIR, SEED. $1: direct | libmbim-proxy.
set -u
variant=${1:-direct}
command -v mbimcli >/dev/null || { echo "mbimcli not installed (libmbim-utils): skipped"; exit 77; }
if [ "$variant" = libmbim-proxy ] && [ -z "${MBIM_TEST_INNER:-}" ]; then
    unshare -n true 2>/dev/null || { echo "no network namespace (needs root): skipped"; exit 77; }
    MBIM_TEST_INNER=1 exec unshare -n bash "$0" "$@"
fi
work=$(mktemp -d /tmp/mbimcli-XXXXXX)
sim_pid= proxy_pid=
cleanup() {
    [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null && wait "$proxy_pid" 2>/dev/null
    [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

"$SIM_MBIM" --state "$work/state.json" --seed "$SEED" \
    --euicc-key "$PKI_DIR/euicc_nist.key" --euicc-cert "$PKI_DIR/euicc_nist.der" \
    --eum-cert "$PKI_DIR/eum_nist.der" --ci-cert "$PKI_DIR/ci_nist.der" --verbose \
    > "$work/path" 2> "$work/sim.log" &
sim_pid=$!
DEV=
for _ in $(seq 50); do DEV=$(head -n1 "$work/path" 2>/dev/null); [ -n "$DEV" ] && break; sleep 0.05; done
[ -n "$DEV" ] || { cat "$work/sim.log" >&2; exit 1; }
EID=$(tr -d ' \n' < "$PKI_DIR/eid.txt")

P=()
if [ "$variant" = libmbim-proxy ]; then
    proxy_bin=
    for p in /usr/libexec/mbim-proxy /usr/lib/libmbim/mbim-proxy; do [ -x "$p" ] && proxy_bin=$p; done
    [ -n "$proxy_bin" ] || { echo "libmbim's mbim-proxy not installed: skipped"; exit 77; }
    "$proxy_bin" --no-exit > "$work/proxy.log" 2>&1 & proxy_pid=$!
    for _ in $(seq 50); do grep -q mbim-proxy /proc/net/unix 2>/dev/null && break; sleep 0.05; done
    P=(-p)
fi

mc() { timeout 20 mbimcli -d "$DEV" "${P[@]}" "$@" > "$work/out" 2> "$work/err"; rc=$?; out=$(cat "$work/out"); }

mc --query-device-caps
[ $rc = 0 ] || fail "mbimcli --query-device-caps exited $rc: $(cat "$work/err")"
grep -q "Device ID: '357000000000001'" <<<"$out" || fail "device caps: no device id: $out"
grep -q "Firmware info: 'esimlpa-sim-mbim 1'" <<<"$out" || fail "device caps: no firmware info: $out"

mc --query-subscriber-ready-status
[ $rc = 0 ] || fail "mbimcli --query-subscriber-ready-status exited $rc: $(cat "$work/err")"
grep -q "Ready state: 'initialized'" <<<"$out" || fail "subscriber ready status: $out"

mc --ms-query-device-slot-mappings
[ $rc = 0 ] || fail "mbimcli --ms-query-device-slot-mappings exited $rc: $(cat "$work/err")"
grep -q "Executor '0': slot '0'" <<<"$out" || fail "slot mappings: $out"

# Open Channel on the ISD-R (P2 0x0C), APDU GetEID on it, Close Channel; the
# channel stays open between mbimcli runs (--no-close keeps the function open).
mc --ms-set-uicc-open-channel="application-id=A0000005591010FFFFFFFF8900000100,selectp2arg=12,channel-group=1"
[ $rc = 0 ] || fail "mbimcli open channel exited $rc: $(cat "$work/err")"
ch=$(sed -n 's/^[[:space:]]*channel: \([0-9]*\)$/\1/p' <<<"$out" | head -n1)
[ -n "$ch" ] && [ "$ch" -ge 1 ] || fail "open channel: no channel in: $out"
# Status is BYTE[2] SW1 SW2: 90 00 read as a little-endian u32 is 144.
grep -q "^[[:space:]]*status: 144$" <<<"$out" || fail "open channel: status not 90 00: $out"
mc --ms-set-uicc-apdu="channel=${ch:-1},secure-message=none,classbyte-type=extended,command=81E2910006BF3E035C015A"
[ $rc = 0 ] || fail "mbimcli APDU exited $rc: $(cat "$work/err")"
resp=$(tr -d ':\n ' <<<"$out" | tr 'a-f' 'A-F')
grep -q "$EID" <<<"$resp" || fail "GetEID answer without the EID $EID: $out"
mc --ms-set-uicc-close-channel="channel=${ch:-1},channel-group=1"
[ $rc = 0 ] || fail "mbimcli close channel exited $rc: $(cat "$work/err")"
mc --ms-set-uicc-close-channel="channel=${ch:-1},channel-group=1"
[ $rc != 0 ] || fail "closing a closed channel succeeded"
# libmbim 1.28 has no name for the MS UICC status codes yet.
grep -q "Unknown status 0x87430003" "$work/err" ||
    fail "closing a closed channel: $(cat "$work/err")"

# The library through the same path (the real mbim-proxy in between).
if [ "$variant" = libmbim-proxy ]; then
    "$CLI" --mbim "$DEV" --mbim-proxy --json chip info > "$work/o" 2> "$work/e" ||
        fail "esimlpa --mbim-proxy through libmbim's mbim-proxy: $(cat "$work/e")"
    [ "$(jq -r .data.eid < "$work/o")" = "$EID" ] || fail "chip info through mbim-proxy: $(cat "$work/o")"
else
    "$CLI" --mbim "$DEV" --json chip info > "$work/o" 2> "$work/e" || fail "esimlpa --mbim: $(cat "$work/e")"
    [ "$(jq -r .data.eid < "$work/o")" = "$EID" ] || fail "chip info: $(cat "$work/o")"
fi

if [ "$fails" -ne 0 ]; then
    echo "$fails failure(s)" >&2
    echo "--- simulator log (tail)" >&2; tail -20 "$work/sim.log" >&2
    [ -n "$proxy_pid" ] && { echo "--- mbim-proxy log" >&2; tail -20 "$work/proxy.log" >&2; }
    exit 1
fi
echo "mbim-mbimcli-$variant: ok"
