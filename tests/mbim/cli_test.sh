#!/bin/bash
# SPDX-License-Identifier: MIT
# The esimlpa CLI through --mbim against the simulated MBIM modem (a pty
# speaking MBIM, the soft eUICC as its card): every ES10 command, each quirk
# switch, and the exact one-line errors.
# Environment: SIM_MBIM, CLI, PKI_DIR, SEED. $1: variant.
set -u
variant=${1:-plain}
# The proxy variant needs its own network namespace: the simulator takes the
# abstract socket "mbim-proxy", which must not meet a real one.
if [ "$variant" = proxy ] && [ -z "${MBIM_TEST_INNER:-}" ]; then
    unshare -n true 2>/dev/null || { echo "no network namespace (needs root): skipped"; exit 77; }
    MBIM_TEST_INNER=1 exec unshare -n bash "$0" "$@"
fi

work=$(mktemp -d /tmp/mbim-cli-XXXXXX)
sim_pid=
cleanup() {
    [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# start_sim [options]: a fresh simulated modem with a fresh card; sets DEV.
start_sim() {
    stop_sim
    rm -f "$work/state.json" "$work/path"
    "$SIM_MBIM" --state "$work/state.json" --seed "$SEED" \
        --euicc-key "$PKI_DIR/euicc_nist.key" --euicc-cert "$PKI_DIR/euicc_nist.der" \
        --eum-cert "$PKI_DIR/eum_nist.der" --ci-cert "$PKI_DIR/ci_nist.der" --verbose "$@" \
        > "$work/path" 2> "$work/sim.log" &
    sim_pid=$!
    for _ in $(seq 50); do
        DEV=$(head -n1 "$work/path" 2>/dev/null)
        [ -n "$DEV" ] && return 0
        sleep 0.05
    done
    echo "the simulated MBIM modem did not start:" >&2
    cat "$work/sim.log" >&2
    exit 1
}
# stop_sim: stop it; its counters line is then in $STATS.
stop_sim() {
    STATS=
    [ -n "$sim_pid" ] || return 0
    kill "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null
    sim_pid=
    STATS=$(grep '^sim-mbim: frames' "$work/sim.log")
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

# The ES10 basics through one transport configuration (Q: the --mbim options).
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
    run 0 "${Q[@]}" profile nickname $ICCID1 "MBIM test"
    run 0 "${Q[@]}" chip set-default-dp smdp.example.org
    run 0 "${Q[@]}" --json chip info
    [ "$(jq -r '.data.defaultDpAddress // .data.defaultSmdp // empty' <<<"$out")" = smdp.example.org ] ||
        fail "default SM-DP+ not set: $(head -c 300 <<<"$out")"
    run 0 "${Q[@]}" --json profile list
    [ "$(jq -r --arg i $ICCID1 '.data[] | select(.iccid == $i) | .nickname' <<<"$out")" = "MBIM test" ] ||
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
    Q=(--mbim "$DEV"); basics
    run 0 --mbim="$DEV:1" --json chip info
    [ "$(jq -r .data.eid <<<"$out")" = "$EID" ] || fail "chip info --json: $(head -c 200 <<<"$out")"
    es10_rest
    stop_sim
    # Every session opens and closes the MBIM function and its channel.
    [ "$(stat_of open)" = "$(stat_of close)" ] || fail "MBIM Open without Close: $STATS"
    [ "$(stat_of open-channel)" = "$(stat_of close-channel)" ] || fail "channels leaked: $STATS"
    [ "$(stat_of refused)" = 0 ] || fail "the modem refused messages: $STATS"

    # Errors, each one exact line.
    run 2 --mbim /nonexistent/cdc-wdm9 chip info
    expect_err "esimlpa: chip info: connect: no card reader found: cannot open /nonexistent/cdc-wdm9: No such file or directory" "missing device"
    run 1 --mbim /dev/cdc-wdm0:3 chip info
    expect_err "esimlpa: --mbim wants DEVICE[:SLOT] with slot 1 or 2, not '/dev/cdc-wdm0:3'
Try 'esimlpa --help'." "bad slot"
    run 1 --mbim /dev/cdc-wdm0 --qmi /dev/cdc-wdm1 chip info
    expect_err "esimlpa: --mbim cannot be combined with --qmi, --modem or --reader
Try 'esimlpa --help'." "--mbim with --qmi"
    run 1 --mbim "$DEV" --mbim-settle soon chip info
    expect_err "esimlpa: --mbim-settle wants milliseconds from 0 to 60000, not 'soon'
Try 'esimlpa --help'." "bad settle time"
    # A modem with one slot: slot 1 asked for explicitly works without
    # mapping; slot 2 cannot be had.
    start_sim --slots 1
    run 0 --mbim "$DEV:1" chip info
    run 2 --mbim "$DEV:2" chip info
    expect_err "esimlpa: chip info: connect: operation not supported: MS Device Slot Mappings: MBIM status NoDeviceSupport (0x00000009)" "single-slot modem, slot 2"
    # A modem that stops answering: a timeout naming the MBIM request.
    start_sim --hang-after 1
    run 2 --mbim "$DEV" --apdu-timeout 1 chip info
    expect_err "esimlpa: chip info: STORE DATA (GetEID): no answer in time (card, modem or server): MS UICC APDU: no answer from $DEV within 1000 ms" "modem stops answering"
    # An answer whose Response runs past its information buffer: refused, named.
    start_sim --garble 2
    run 2 --mbim "$DEV" chip info
    expect_err "esimlpa: chip info: STORE DATA (GetEUICCInfo2): transport failure: MS UICC APDU: malformed answer" "garbled answer"
    stop_sim
    ;;
fragments)
    # Answers in 64-byte fragments, each frame written in two pieces, an
    # indication before every answer: reassembled, indications skipped.
    start_sim --fragment 64 --split --indications
    Q=(--mbim "$DEV"); basics
    stop_sim
    [ "$(stat_of fragments-out)" -gt "$(( $(stat_of apdu) * 2 ))" ] || fail "answers not fragmented: $STATS"
    ;;
strict-p2)
    # Field modems open the channel only with SELECT P2 0x0C: the transport
    # asks for exactly that, so everything works against a strict modem.
    start_sim --strict-p2
    Q=(--mbim "$DEV"); basics
    stop_sim
    grep -q "opened channel [0-9]* (P2 0C)" "$work/sim.log" || fail "channel not opened with P2 0C"
    grep -q "strict-p2: refusing" "$work/sim.log" && fail "the modem refused our SelectP2Arg"
    ;;
select-61xx)
    # The modem sent the SELECT without Le and passes the card's 61xx on,
    # FCI unread (the library needs none): the channel counts as open.
    start_sim --select-61xx
    Q=(--mbim "$DEV"); basics
    stop_sim
    grep -q "answered SW 61" "$work/sim.log" || fail "the quirk did not fire"
    ;;
strict-class)
    # The modem holds channels 1-3 (ours is 4 or higher, CLA 0xC0 coding) and
    # checks ClassByteType against the channel: the transport sends
    # "extended" there.
    start_sim --strict-class --first-channel 4
    Q=(--mbim "$DEV"); basics
    stop_sim
    grep -q "opened channel [4-9]" "$work/sim.log" || fail "the channel was not 4 or higher"
    grep -q "strict-class:" "$work/sim.log" && fail "the modem refused our ClassByteType"
    ;;
slot2)
    # Two slots, executor on slot 1, the eUICC in slot 2; the card needs
    # 500 ms after the mapping changes. Without a pause: not initialized; with
    # the default (1 s): it works; the next run finds the mapping in place.
    start_sim --euicc-slot 2 --switch-settle 500
    run 2 --mbim "$DEV:2" --mbim-settle 0 chip info
    expect_err "esimlpa: chip info: open logical channel (ISD-R): no card in the reader: MS UICC Open Channel: MBIM status NotInitialized (0x0000000e)" "no settling pause"
    start_sim --euicc-slot 2 --switch-settle 500
    t0=$(date +%s%N)
    run 0 --mbim "$DEV:2" chip info
    t1=$(date +%s%N)
    [ $(( (t1 - t0) / 1000000 )) -ge 1000 ] || fail "no settling pause after the slot change"
    Q=(--mbim "$DEV:2"); basics
    run 2 --mbim "$DEV:1" chip info
    expect_err "esimlpa: chip info: open logical channel (ISD-R): no card in the reader: MS UICC Open Channel: MBIM status SimNotInserted (0x00000003)" "empty slot 1"
    stop_sim
    [ "$(stat_of slot-map-set)" = 2 ] || fail "slot mapping set other than twice: $STATS"
    ;;
proxy)
    # The simulator as libmbim's mbim-proxy (abstract socket, this namespace only).
    start_sim --proxy
    Q=(--mbim "$DEV" --mbim-proxy); basics
    run 2 --mbim /dev/cdc-wdm7 --mbim-proxy chip info
    expect_err "esimlpa: chip info: connect: transport failure: mbim-proxy configuration: MBIM status InvalidParameters (0x00000015)" "proxy: unknown device"
    stop_sim
    [ "$(stat_of proxy-config)" -ge 6 ] || fail "proxy configuration not used: $STATS"
    start_sim
    run 2 --mbim "$DEV" --mbim-proxy chip info
    expect_err "esimlpa: chip info: connect: no card reader found: cannot connect to mbim-proxy: Connection refused (is ModemManager's mbim-proxy running?)" "no proxy"
    ;;
*) echo "unknown variant $variant" >&2; exit 2 ;;
esac

if [ "$fails" -ne 0 ]; then
    echo "$fails failure(s)" >&2
    echo "--- simulator log (tail)" >&2; tail -20 "$work/sim.log" >&2
    exit 1
fi
echo "mbim-cli-$variant: ok"
