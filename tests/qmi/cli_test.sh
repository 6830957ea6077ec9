#!/bin/bash
# SPDX-License-Identifier: MIT
# The esimlpa CLI through --qmi against the simulated QMI modem (a pty speaking
# QMUX, the soft eUICC as its card): chip info, profile list, enable,
# notification list, each quirk switch, and the exact one-line errors.
# Environment: SIM_QMI, CLI, PKI_DIR, SEED. $1: variant.
set -u
variant=${1:-plain}
# The proxy variant needs its own network namespace: the simulator takes the
# abstract socket "qmi-proxy", which must not meet a real one.
if [ "$variant" = proxy ] && [ -z "${QMI_TEST_INNER:-}" ]; then
    unshare -n true 2>/dev/null || { echo "no network namespace (needs root): skipped"; exit 77; }
    QMI_TEST_INNER=1 exec unshare -n bash "$0" "$@"
fi

work=$(mktemp -d /tmp/qmi-cli-XXXXXX)
sim_pid=
cleanup() {
    [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
    [ -n "${flocker:-}" ] && kill "$flocker" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
# hold_flock FILE: another program holding flock(2) on FILE; $flocker is that
# process itself (the subshell becomes sleep), so "kill $flocker" releases it
# whatever /bin/sh is (flock -c leaves the sleep a grandchild under dash).
hold_flock() {
    ( exec 9<"$1"; flock -x 9; exec sleep 60 ) & flocker=$!
    for _ in $(seq 100); do flock -n "$1" true 2>/dev/null || return 0; sleep 0.05; done
    fail "could not take flock on $1"
}

# start_sim [options]: a fresh simulated modem with a fresh card; sets DEV.
start_sim() {
    stop_sim
    rm -f "$work/state.json" "$work/path"
    "$SIM_QMI" --state "$work/state.json" --seed "$SEED" \
        --euicc-key "$PKI_DIR/euicc_nist.key" --euicc-cert "$PKI_DIR/euicc_nist.der" \
        --eum-cert "$PKI_DIR/eum_nist.der" --ci-cert "$PKI_DIR/ci_nist.der" --verbose "$@" \
        > "$work/path" 2> "$work/sim.log" &
    sim_pid=$!
    for _ in $(seq 50); do
        DEV=$(head -n1 "$work/path" 2>/dev/null)
        [ -n "$DEV" ] && return 0
        sleep 0.05
    done
    echo "the simulated QMI modem did not start:" >&2
    cat "$work/sim.log" >&2
    exit 1
}
# stop_sim: stop it; its counters line is then in $STATS.
stop_sim() {
    STATS=
    [ -n "$sim_pid" ] || return 0
    kill "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null
    sim_pid=
    STATS=$(grep '^sim-qmi: frames' "$work/sim.log")
}
stat_of() { sed -n "s/.*[ ,]$1 \([0-9]*\).*/\1/p" <<<"$STATS"; }

# run EXPECTED_RC ARGS...: run the CLI, output in $out / $err.
run() {
    local want=$1; shift
    "$CLI" "$@" > "$work/out" 2> "$work/err"
    local rc=$?
    out=$(cat "$work/out"); err=$(cat "$work/err")
    if [ "$rc" != "$want" ]; then
        fail "esimlpa $* exited $rc, expected $want"
        echo "$out"; echo "$err" >&2
    fi
}
expect_err() { [ "$err" = "$1" ] || fail "$2: message was: $err (expected: $1)"; }

ICCID1=89049032000000000013
ICCID2=8949449999999990031
EID=$(tr -d ' \n' < "$PKI_DIR/eid.txt")

# The ES10 basics through one transport configuration (Q: the --qmi options).
basics() {
    run 0 "${Q[@]}" chip info
    grep -q "$EID" <<<"$out" || fail "chip info does not show the EID $EID"
    run 0 "${Q[@]}" --json profile list
    [ "$(jq -r --arg i $ICCID1 '.data[] | select(.iccid == $i) | .state' <<<"$out")" = enabled ] ||
        fail "profile list: $ICCID1 not enabled"
    [ "$(jq -r '.data | length' <<<"$out")" = 3 ] || fail "profile list: not 3 profiles"
    run 0 "${Q[@]}" --yes profile enable $ICCID2
    run 0 "${Q[@]}" --json profile list
    [ "$(jq -r --arg i $ICCID2 '.data[] | select(.iccid == $i) | .state' <<<"$out")" = enabled ] ||
        fail "profile enable: $ICCID2 not enabled afterwards"
    run 3 "${Q[@]}" --yes profile enable $ICCID2     # already enabled: the eUICC refuses
    run 0 "${Q[@]}" --json notification list
    jq -e --arg i $ICCID2 '[.data[] | select(.iccid == $i)] | length >= 1' <<<"$out" >/dev/null ||
        fail "notification list: no notification for $ICCID2"
}

# The remaining ES10 commands (ES10b/c): disable, nickname, default SM-DP+,
# notification removal, delete, memory reset.
es10_rest() {
    run 0 "${Q[@]}" profile disable $ICCID2
    run 0 "${Q[@]}" profile nickname $ICCID1 "QMI test"
    run 0 "${Q[@]}" chip set-default-dp smdp.example.org
    run 0 "${Q[@]}" --json chip info
    [ "$(jq -r '.data.defaultDpAddress // .data.defaultSmdp // empty' <<<"$out")" = smdp.example.org ] ||
        fail "default SM-DP+ not set: $(head -c 300 <<<"$out")"
    run 0 "${Q[@]}" --json profile list
    [ "$(jq -r --arg i $ICCID1 '.data[] | select(.iccid == $i) | .nickname' <<<"$out")" = "QMI test" ] ||
        fail "nickname not set"
    [ "$(jq -r '[.data[] | select(.state == "enabled")] | length' <<<"$out")" = 0 ] ||
        fail "profile disable: a profile is still enabled"
    run 0 "${Q[@]}" notification remove --all
    run 0 "${Q[@]}" --json notification list
    [ "$(jq -r '.data | length' <<<"$out")" = 0 ] || fail "notification remove --all left some"
    run 0 "${Q[@]}" --yes profile delete $ICCID2
    run 0 "${Q[@]}" --yes chip reset
    run 0 "${Q[@]}" --json profile list
    [ "$(jq -r '.data | length' <<<"$out")" = 0 ] || fail "chip reset left profiles"
}

case "$variant" in
plain)
    start_sim
    Q=(--qmi "$DEV"); basics
    run 0 --qmi="$DEV:1" --json chip info
    [ "$(jq -r .data.eid <<<"$out")" = "$EID" ] || fail "chip info --json: $(head -c 200 <<<"$out")"
    es10_rest
    stop_sim
    # Every session gives its client id and channel back.
    [ "$(stat_of alloc-cid)" = "$(stat_of release-cid)" ] || fail "client ids leaked: $STATS"
    [ "$(stat_of open-channel)" = "$(stat_of close-channel)" ] || fail "channels leaked: $STATS"

    # Errors, each one exact line.
    run 2 --qmi /nonexistent/cdc-wdm9 chip info
    expect_err "esimlpa: chip info: connect: no card reader found: cannot open /nonexistent/cdc-wdm9: No such file or directory" "missing device"
    run 1 --qmi /dev/cdc-wdm0:3 chip info
    expect_err "esimlpa: --qmi wants DEVICE[:SLOT] with slot 1 or 2, not '/dev/cdc-wdm0:3'
Try 'esimlpa --help'." "bad slot"
    run 1 --qmi /dev/cdc-wdm0 --modem /dev/ttyUSB2 chip info
    expect_err "esimlpa: --qmi cannot be combined with --modem or --reader
Try 'esimlpa --help'." "--qmi with --modem"
    run 1 --qmi "$DEV" --qmi-switch-slot soon chip info
    expect_err "esimlpa: --qmi-switch-slot wants milliseconds from 0 to 60000, not 'soon'
Try 'esimlpa --help'." "bad switch delay"
    # A modem that stops answering: a timeout naming the QMI message.
    start_sim --hang-after 1
    run 2 --qmi "$DEV" --apdu-timeout 1 chip info
    expect_err "esimlpa: chip info: STORE DATA (GetEID): no answer in time (card, modem or server): UIM Send APDU: no answer from $DEV within 1000 ms" "modem stops answering"
    start_sim --exit-after 2
    run 2 --qmi "$DEV" chip info
    expect_err "esimlpa: chip info: STORE DATA (GetEUICCInfo2): card removed or reset: UIM Send APDU: $DEV closed (device unplugged or modem reset?)" "modem gone"
    # An answer whose APDU length disagrees with its TLV: refused, named.
    start_sim --garble 2
    run 2 --qmi "$DEV" chip info
    expect_err "esimlpa: chip info: STORE DATA (GetEUICCInfo2): transport failure: UIM Send APDU: malformed response APDU (132 bytes)" "garbled answer"
    # One owner per device: flock(1) on the node keeps us out.
    start_sim
    export ESIMLPA_LOCK_DIR="$work/lock"
    mkdir -p "$ESIMLPA_LOCK_DIR"
    hold_flock "$DEV"
    run 2 --qmi "$DEV" --wait 0 chip info
    expect_err "esimlpa: chip info: connect: the card is in use by another program: $DEV is locked (flock) by another program" "flock held"
    kill "$flocker"; wait "$flocker" 2>/dev/null
    run 0 --qmi "$DEV" --wait 1 chip info
    # libesimlpa's own lock file per device: a holder keeps us out for --wait.
    lck="$ESIMLPA_LOCK_DIR/esimlpa-qmi-$(tr -c 'A-Za-z0-9._\n-' _ <<<"$DEV").lock"
    [ -e "$lck" ] || fail "no lock file $lck"
    hold_flock "$lck"
    run 2 --qmi "$DEV" --wait 1 chip info
    expect_err "esimlpa: chip info: open: the card is in use by another program (waited 1 s): another program holds $lck" "lock file held"
    kill "$flocker"; wait "$flocker" 2>/dev/null
    # Two programs at once on one modem: the second waits, both succeed.
    "$CLI" --qmi "$DEV" --json profile list > "$work/a" 2>&1 & a=$!
    "$CLI" --qmi "$DEV" --json profile list > "$work/b" 2>&1 & b=$!
    wait $a || fail "concurrent run 1: $(cat "$work/a")"
    wait $b || fail "concurrent run 2: $(cat "$work/b")"
    unset ESIMLPA_LOCK_DIR
    ;;
noisy)
    # Answers split in two writes, an indication and another client's answer
    # before each: the transport reassembles frames and skips what is not its own.
    start_sim --split --indications
    Q=(--qmi "$DEV"); basics
    ;;
access-denied|internal)
    # A stale channel holds the ISD-R: the first Open Logical Channel is refused
    # (AccessDenied / Internal); the transport closes stale channels, retries once.
    [ "$variant" = internal ] && start_sim --internal-once || start_sim --access-denied-once
    Q=(--qmi "$DEV"); basics
    stop_sim
    grep -q "open refused: stale channel" "$work/sim.log" || fail "the quirk did not fire"
    grep -q "closed channel 1$" "$work/sim.log" || fail "the stale channel 1 was not closed"
    ;;
no-logical-channel)
    # An older modem without Open Logical Channel (InvalidQmiCommand): MANAGE
    # CHANNEL and SELECT go through Send APDU on the basic channel.
    start_sim --no-logical-channel
    Q=(--qmi "$DEV"); basics
    stop_sim
    [ "$(stat_of close-channel)" = 0 ] || fail "UIM Logical Channel used: $STATS"
    ;;
slot2)
    # Dual-active modem, the eUICC in slot 2.
    start_sim --euicc-slot 2
    Q=(--qmi "$DEV:2"); basics
    run 2 --qmi "$DEV" chip info
    expect_err "esimlpa: chip info: open logical channel (ISD-R): no card in the reader: UIM Open Logical Channel: QMI error UimUninitialized (37)" "empty slot 1"
    ;;
slot-switch)
    # One logical slot; the eUICC in physical slot 2; the modem needs 500 ms
    # after a switch. Without a pause: DeviceNotReady; with one: it works, and
    # the next run finds the slot active (NoEffect) and does not wait.
    start_sim --euicc-slot 2 --logical-slots 1 --switch-settle 500
    run 2 --qmi "$DEV:2" --qmi-switch-slot 0 chip info
    expect_err "esimlpa: chip info: open logical channel (ISD-R): no card in the reader: UIM Open Logical Channel: QMI error DeviceNotReady (52)" "no settling pause"
    start_sim --euicc-slot 2 --logical-slots 1 --switch-settle 500
    Q=(--qmi "$DEV:2" --qmi-switch-slot 700); basics
    stop_sim
    [ "$(stat_of switch-slot)" -ge 5 ] || fail "Switch Slot not sent each time: $STATS"
    ;;
proxy)
    # The simulator as libqmi's qmi-proxy (abstract socket, this namespace only).
    start_sim --proxy
    Q=(--qmi "$DEV" --qmi-proxy); basics
    run 2 --qmi /dev/cdc-wdm7 --qmi-proxy chip info
    expect_err "esimlpa: chip info: connect: no card reader found: qmi-proxy could not open /dev/cdc-wdm7: QMI error GeneralError (46)" "proxy: unknown device"
    stop_sim
    [ "$(stat_of proxy-open)" -ge 6 ] || fail "Internal Proxy Open not used: $STATS"
    start_sim
    run 2 --qmi "$DEV" --qmi-proxy chip info
    expect_err "esimlpa: chip info: connect: no card reader found: cannot connect to qmi-proxy: Connection refused (is ModemManager's qmi-proxy running?)" "no proxy"
    ;;
*) echo "unknown variant $variant" >&2; exit 2 ;;
esac

if [ "$fails" -ne 0 ]; then
    echo "$fails failure(s)" >&2
    echo "--- simulator log (tail)" >&2; tail -20 "$work/sim.log" >&2
    exit 1
fi
echo "qmi-cli-$variant: ok"
