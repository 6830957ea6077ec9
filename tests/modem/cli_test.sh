#!/bin/bash
# SPDX-License-Identifier: MIT
# The esimlpa CLI through --modem against the simulated modem on a pty:
# chip info, profile list, profile enable, notification list, and the errors
# for a missing device and a modem that stops answering.
# Environment: SIM_MODEM, CLI, PKI_DIR, SEED. $1: quirk variant.
set -u
variant=${1:-plain}
case "$variant" in
    plain) quirks=() ;;
    csim-only) quirks=(--csim-only) ;;
    all-quirks) quirks=(--no-test-commands --no-cgla-prefix --channel-format hex4 --urc --lowercase --no-quotes) ;;
    *) echo "unknown variant $variant" >&2; exit 2 ;;
esac

work=$(mktemp -d /tmp/modem-cli-XXXXXX)
modem_pid=
cleanup() {
    [ -n "$modem_pid" ] && kill "$modem_pid" 2>/dev/null && wait "$modem_pid" 2>/dev/null
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

# Start a simulated modem with extra options; sets DEV.
start_modem() {
    [ -n "$modem_pid" ] && kill "$modem_pid" 2>/dev/null && wait "$modem_pid" 2>/dev/null
    "$SIM_MODEM" --state "$work/state.json" --seed "$SEED" \
        --euicc-key "$PKI_DIR/euicc_nist.key" --euicc-cert "$PKI_DIR/euicc_nist.der" \
        --eum-cert "$PKI_DIR/eum_nist.der" --ci-cert "$PKI_DIR/ci_nist.der" "$@" \
        > "$work/path" 2> "$work/modem.log" &
    modem_pid=$!
    for _ in $(seq 50); do
        DEV=$(head -n1 "$work/path" 2>/dev/null)
        [ -n "$DEV" ] && return 0
        sleep 0.05
    done
    echo "the simulated modem did not start:" >&2
    cat "$work/modem.log" >&2
    exit 1
}

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

ICCID1=89049032000000000013
ICCID2=8949449999999990031
EID=$(tr -d ' \n' < "$PKI_DIR/eid.txt")

start_modem "${quirks[@]}"
run 0 --modem "$DEV" chip info
grep -q "$EID" <<<"$out" || fail "chip info does not show the EID $EID"

run 0 --modem "$DEV:115200" --json chip info
[ "$(jq -r .data.eid <<<"$out")" = "$EID" ] || fail "chip info --json: eid $(jq -c .data <<<"$out" | head -c 200)"

run 0 --modem "$DEV" --json profile list
[ "$(jq -r --arg i $ICCID1 '.data[] | select(.iccid == $i) | .state' <<<"$out")" = enabled ] ||
    fail "profile list: $ICCID1 not enabled"
[ "$(jq -r '.data | length' <<<"$out")" = 3 ] || fail "profile list: not 3 profiles"

run 0 --modem "$DEV" --yes profile enable $ICCID2
run 0 --modem="$DEV" --json profile list
[ "$(jq -r --arg i $ICCID2 '.data[] | select(.iccid == $i) | .state' <<<"$out")" = enabled ] ||
    fail "profile enable: $ICCID2 not enabled afterwards"
[ "$(jq -r --arg i $ICCID1 '.data[] | select(.iccid == $i) | .state' <<<"$out")" = disabled ] ||
    fail "profile enable: $ICCID1 still enabled"

run 3 --modem "$DEV" --yes profile enable $ICCID2     # already enabled: the eUICC refuses

# REFRESH: the modem resets the card itself; the next command works. A power
# cycle cannot be asked of a modem: the switch is done, the reset refused.
run 0 --modem "$DEV" profile enable $ICCID1 --refresh
run 0 --modem "$DEV" --json profile list
[ "$(jq -r --arg i $ICCID1 '.data[] | select(.iccid == $i) | .state' <<<"$out")" = enabled ] ||
    fail "profile enable --refresh: $ICCID1 not enabled afterwards"
run 2 --modem "$DEV" profile enable $ICCID2 --reset
[ "$err" = "esimlpa: profile enable: operation not supported (reset: this transport cannot reset the card)" ] ||
    fail "enable --reset on a modem: $err"
run 0 --modem "$DEV" --json profile list
[ "$(jq -r --arg i $ICCID2 '.data[] | select(.iccid == $i) | .state' <<<"$out")" = enabled ] ||
    fail "profile enable --reset: $ICCID2 not enabled"

run 0 --modem "$DEV" --json notification list
jq -e --arg i $ICCID2 '[.data[] | select(.iccid == $i)] | length >= 1' <<<"$out" >/dev/null ||
    fail "notification list: no notification for $ICCID2"

# Errors: no such device; a modem that stops answering mid-command.
run 2 --modem /nonexistent/ttyUSB7 chip info
grep -q "cannot open /nonexistent/ttyUSB7" <<<"$err" || fail "missing device: no clear message ($err)"

start_modem "${quirks[@]}" --exit-after 2
run 2 --modem "$DEV" chip info
grep -qi "card removed\|closed the line" <<<"$err" || fail "modem gone: message was: $err"

# One owner per modem (issue 10 item 1): a UUCP lock file held by a live
# process keeps us out for --wait seconds with one exact line; a stale one
# (its process gone) is taken over and removed afterwards; a flock(1) on the
# device keeps us out too.
if [ "$variant" = plain ]; then
    start_modem
    export ESIMLPA_LOCK_DIR="$work/lock"
    mkdir -p "$ESIMLPA_LOCK_DIR"
    lck="$ESIMLPA_LOCK_DIR/LCK..$(echo "${DEV#/dev/}" | tr / _)"
    sleep 60 & holder=$!
    printf '%10d\n' "$holder" > "$lck"
    run 2 --modem "$DEV" --wait 1 chip info
    [ "$err" = "esimlpa: chip info: open: the card is in use by another program (waited 1 s): $DEV is locked by process $holder ($lck)" ] ||
        fail "UUCP lock held: message was: $err"
    kill "$holder"; wait "$holder" 2>/dev/null
    run 0 --modem "$DEV" --wait 1 chip info
    [ -e "$lck" ] && fail "the stale lock file $lck is still there"
    hold_flock "$DEV"
    run 2 --modem "$DEV" --wait 0 chip info
    [ "$err" = "esimlpa: chip info: connect: the card is in use by another program: $DEV is locked (flock) by another program" ] ||
        fail "flock held: message was: $err"
    kill "$flocker"; wait "$flocker" 2>/dev/null
    run 0 --modem "$DEV" --wait 1 chip info
    unset ESIMLPA_LOCK_DIR
fi

if [ "$fails" -ne 0 ]; then
    echo "$fails failure(s)" >&2
    exit 1
fi
echo "modem-cli-$variant: ok"
