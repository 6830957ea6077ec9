#!/bin/bash
# SPDX-License-Identifier: MIT
# Cross-check of the simulated QMI modem and of the QMI transport with
# libqmi's own tools (Debian's libqmi-utils):
#   direct       qmicli on the simulator's pty: CTL version info, Sync,
#                UIM client allocation/release, Get Card Status, Switch Slot
#   proxy        qmicli through the simulator acting as qmi-proxy
#   libqmi-proxy libqmi's real qmi-proxy between the simulator and both
#                qmicli and esimlpa --qmi-proxy
# qmicli 1.32 picks QMI or MBIM from the device's sysfs driver; a pty has
# none, so it needs --device-open-qmi (without it: "Cannot automatically
# select QMI/MBIM mode"). It has no logical-channel or APDU commands (those
# came in libqmi 1.36), so APDUs are checked through esimlpa only.
# Environment: SIM_QMI, CLI, PKI_DIR, SEED. $1: variant.
set -u
variant=${1:-direct}
command -v qmicli >/dev/null 2>&1 || { echo "qmicli not installed (libqmi-utils): skipped"; exit 77; }
QMI_PROXY_BIN=
for p in /usr/libexec/qmi-proxy /usr/lib/libqmi/qmi-proxy; do
    [ -x "$p" ] && QMI_PROXY_BIN=$p && break
done
if [ "$variant" = libqmi-proxy ] && [ -z "$QMI_PROXY_BIN" ]; then
    echo "libqmi's qmi-proxy not installed: skipped"; exit 77
fi
if [ "$variant" != direct ] && [ -z "${QMI_TEST_INNER:-}" ]; then
    unshare -n true 2>/dev/null || { echo "no network namespace (needs root): skipped"; exit 77; }
    QMI_TEST_INNER=1 exec unshare -n bash "$0" "$@"
fi

work=$(mktemp -d /tmp/qmi-qmicli-XXXXXX)
sim_pid=
proxy_pid=
cleanup() {
    [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null && wait "$proxy_pid" 2>/dev/null
    [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

start_sim() {
    [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
    rm -f "$work/state.json" "$work/path"
    "$SIM_QMI" --state "$work/state.json" --seed "$SEED" \
        --euicc-key "$PKI_DIR/euicc_nist.key" --euicc-cert "$PKI_DIR/euicc_nist.der" \
        --eum-cert "$PKI_DIR/eum_nist.der" --ci-cert "$PKI_DIR/ci_nist.der" "$@" \
        > "$work/path" 2> "$work/sim.log" &
    sim_pid=$!
    for _ in $(seq 50); do
        DEV=$(head -n1 "$work/path" 2>/dev/null)
        [ -n "$DEV" ] && return 0
        sleep 0.05
    done
    cat "$work/sim.log" >&2
    echo "the simulated QMI modem did not start" >&2
    exit 1
}
stop_sim() {
    kill "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null
    sim_pid=
    STATS=$(grep '^sim-qmi: frames' "$work/sim.log")
}
stat_of() { sed -n "s/.*[ ,]$1 \([0-9]*\).*/\1/p" <<<"$STATS"; }

# qmi EXPECTED_RC ARGS...: qmicli with a timeout, output in $out.
qmi() {
    local want=$1; shift
    out=$(timeout 20 qmicli "$@" 2>"$work/qerr"); local rc=$?
    if [ "$rc" != "$want" ]; then
        fail "qmicli $* exited $rc, expected $want"
        echo "$out"; cat "$work/qerr" >&2
    fi
}
card_status_ok() {
    grep -q "Successfully got card status" <<<"$out" || fail "$1: no card status"
    grep -A2 "^Slot \[1\]:" <<<"$out" | grep -q "Card state: 'present'" || fail "$1: slot 1 not present"
    grep -A2 "^Slot \[2\]:" <<<"$out" | grep -q "Card state: 'absent'" || fail "$1: slot 2 not absent"
    grep -q "Application state: 'ready'" <<<"$out" || fail "$1: USIM not ready"
    grep -q "A0:00:00:00:87:10:02" <<<"$out" || fail "$1: USIM AID missing"
}
EID=$(tr -d ' \n' < "$PKI_DIR/eid.txt")

case "$variant" in
direct)
    start_sim
    qmi 0 -d "$DEV" --device-open-qmi --uim-get-card-status
    card_status_ok "direct"
    qmi 0 -d "$DEV" --device-open-qmi --device-open-version-info --device-open-sync --uim-noop
    qmi 0 -d "$DEV" --device-open-qmi --get-service-version-info
    grep -q "uim (1.46)" <<<"$out" || fail "service version info: $out"
    stop_sim
    [ "$(stat_of alloc-cid)" = 2 ] && [ "$(stat_of release-cid)" = 2 ] ||
        fail "qmicli's client ids: $STATS"
    # qmicli's Switch Slot moves the eUICC (physical slot 2) behind logical
    # slot 1; then esimlpa reaches it there without switching itself.
    start_sim --euicc-slot 2 --logical-slots 1
    qmi 0 -d "$DEV" --device-open-qmi --uim-get-slot-status
    grep -A3 "Physical slot 2:" <<<"$out" | grep -q "Card status: present" || fail "slot status: $out"
    grep -q "Is eUICC: yes" <<<"$out" || fail "slot status: no eUICC: $out"
    "$CLI" --qmi "$DEV" chip info >/dev/null 2>&1 && fail "eUICC reachable before the switch"
    qmi 0 -d "$DEV" --device-open-qmi --uim-switch-slot=2
    out=$("$CLI" --qmi "$DEV" --json chip info 2>&1)
    [ "$(jq -r .data.eid <<<"$out" 2>/dev/null)" = "$EID" ] || fail "after qmicli --uim-switch-slot: $out"
    ;;
proxy)
    start_sim --proxy
    qmi 0 -d "$DEV" --device-open-proxy --device-open-qmi --uim-get-card-status
    card_status_ok "through the simulator's qmi-proxy"
    stop_sim
    [ "$(stat_of proxy-open)" -ge 1 ] || fail "qmicli did not send Internal Proxy Open: $STATS"
    ;;
libqmi-proxy)
    # libqmi's own qmi-proxy opens the simulator's pty and relays: it parses
    # every frame of esimlpa's transport and of the simulator.
    start_sim
    "$QMI_PROXY_BIN" --no-exit --verbose >"$work/proxy.log" 2>&1 &
    proxy_pid=$!
    for _ in $(seq 50); do grep -q "qmi-proxy" /proc/net/unix 2>/dev/null && break; sleep 0.05; done
    out=$("$CLI" --qmi "$DEV" --qmi-proxy --json chip info 2>"$work/err")
    [ "$(jq -r .data.eid <<<"$out" 2>/dev/null)" = "$EID" ] ||
        fail "esimlpa through libqmi's qmi-proxy: $out $(cat "$work/err")"
    out=$("$CLI" --qmi "$DEV" --qmi-proxy --json profile list 2>"$work/err")
    [ "$(jq -r '.data | length' <<<"$out" 2>/dev/null)" = 3 ] ||
        fail "profile list through libqmi's qmi-proxy: $out $(cat "$work/err")"
    qmi 0 -d "$DEV" --device-open-proxy --device-open-qmi --uim-get-card-status
    card_status_ok "through libqmi's qmi-proxy"
    # (libqmi 1.32 relays but does not name the UIM messages newer than it.)
    grep -qi 'message     = .*(0x0042)' "$work/proxy.log" ||
        fail "libqmi's proxy did not relay our Open Logical Channel"
    grep -qi 'message     = .*(0x003B)' "$work/proxy.log" ||
        fail "libqmi's proxy did not relay our Send APDU"
    stop_sim
    [ "$(stat_of proxy-open)" = 0 ] || fail "the simulator answered a proxy open itself: $STATS"
    [ "$(stat_of send-apdu)" -ge 5 ] || fail "APDUs did not reach the modem: $STATS"
    ;;
*) echo "unknown variant $variant" >&2; exit 2 ;;
esac

if [ "$fails" -ne 0 ]; then
    echo "$fails failure(s)" >&2
    exit 1
fi
echo "qmi-qmicli-$variant: ok"
