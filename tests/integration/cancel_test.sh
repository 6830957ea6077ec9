#!/bin/bash
# SPDX-License-Identifier: MIT
# Cancelling a download with a signal (issue 10 item 2), through pcscd + vpcd
# + verified TLS, at each step of the flow. To hit a step deterministically
# the soft eUICC (--fault-es10 TAG:pause=FILE) or the test SM-DP+ (--fault
# FUNCTION:pause=FILE) holds that command and creates FILE; the test then
# signals the CLI while it waits there (no timing guesses). Every case: exit
# 130 with the exact two lines, the order `available` again, nothing installed,
# no notification lost, the eUICC session cancelled (reason postponed, 1) and
# the SM-DP+ told. A cancel during the last BPP segment is too late: the
# download finishes. A second signal exits at once.
. "$HARNESS"
SM=testsmdpplus1.example.com
TLS=(--ca-file "$PKI_DIR/ci_nist.pem" --resolve "$SM:443:127.0.0.1")
AC="LPA:1\$$SM\$TEST-8K"
ST=$H_TMP/st.json
PAUSE=$H_TMP/pause
h_pki; h_pcscd

cp "$SEED" "$ST"
EUICC_ARGS=--verbose h_euicc_faults "$ST"
profiles0=$("$CLI" --json profile list | jq -c '[.data[].iccid] | sort')
pending0=$("$CLI" --json notification list | jq -c '[.data[].seqNumber] | sort')
# The number of LoadBPP commands for TEST-8K (to pause on the middle / last one).
h_server $SM smdp nist
run "${TLS[@]}" profile download -a "$AC" --yes
expect_rc 0 "clean download"
NSEG=$(grep -c "LoadBoundProfilePackage segment" "$H_TMP/euicc.log")
[ "$NSEG" -ge 4 ] || fail "only $NSEG LoadBPP commands"
MID=$((NSEG / 2))
h_stop_servers; h_stop_euicc

installed() { "$CLI" --json profile list | jq -c '[.data[].iccid] | sort'; }
pending() { "$CLI" --json notification list | jq -c '[.data[].seqNumber] | sort'; }

# Start the download in the background; wait until the paused side made $PAUSE.
start_download() {
    rm -f "$PAUSE"
    "$CLI" "${TLS[@]}" profile download -a "$AC" --yes "$@" >"$H_TMP/out" 2>"$H_TMP/err" &
    DL=$!
    for _ in $(seq 400); do
        [ -e "$PAUSE" ] && return 0
        kill -0 "$DL" 2>/dev/null || { cat "$H_TMP/err" >&2; fail "download ended before the pause"; }
        sleep 0.05
    done
    fail "the download never reached the pause"
}
# Wait (at most 20 s: a hang is a failure) for the download to end.
wait_download() {
    for _ in $(seq 400); do
        if ! kill -0 "$DL" 2>/dev/null; then
            wait "$DL"; RC=$?
            ERR=$(cat "$H_TMP/err")
            return 0
        fi
        sleep 0.05
    done
    kill -9 "$DL"; fail "$1: the download did not end after the signal"
}

CANCELLED=$'esimlpa: cancelling\u2026\nesimlpa: profile download: cancelled: the order is free again'
CASES=0
# case_ SIDE SPEC SIGNAL SESSION
#   SIDE    euicc: pause the ES10 command SPEC (TAG[/N]); smdp: the ES9+ function SPEC
#   SESSION y: an eUICC session existed: CancelSession (reason 1) on the card and
#           ES9+ cancelSession; n: none yet (nothing to cancel on either side)
case_() {
    local side=$1 spec=$2 sig=$3 sess=$4 what="[$1 $2 SIG$3]"
    cp "$SEED" "$ST"
    if [ "$side" = euicc ]; then
        EUICC_ARGS=--verbose h_euicc_faults "$ST" "$spec:pause=$PAUSE:count=1"
        h_server $SM smdp nist
    else
        EUICC_ARGS=--verbose h_euicc_faults "$ST"
        h_server $SM smdp nist "" --fault "$spec:pause=$PAUSE:count=1"
    fi
    start_download --no-recover
    local t0; t0=$(date +%s%N)
    kill -"$sig" "$DL"
    # The card resumes once released; a paused server is released by the
    # client hanging up (an aborted HTTPS request), so it is left alone.
    [ "$side" = euicc ] && rm -f "$PAUSE"
    wait_download "$what"
    local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    [ "$RC" = 130 ] || fail "$what: exit $RC, expected 130 ($ERR)"
    # (stderr also shows the offered profile's metadata from authenticateClient on)
    [ "$(grep '^esimlpa:' <<<"$ERR")" = "$CANCELLED" ] || fail "$what: not the two lines: $ERR"
    [ "$(h_order $SM TEST-8K state)" = available ] \
        || fail "$what: order '$(h_order $SM TEST-8K state)', expected available"
    [ "$(installed)" = "$profiles0" ] || fail "$what: profiles changed: $(installed)"
    [ "$(pending)" = "$pending0" ] || fail "$what: notifications $pending0 -> $(pending)"
    if [ "$sess" = y ]; then
        grep -q "CancelSession: reason 1, session ended" "$H_TMP/euicc.log" \
            || fail "$what: no CancelSession(postponed) on the eUICC"
        [ "$(h_counter $SM cancelSession)" = 1 ] || fail "$what: no ES9+ cancelSession"
    else
        grep -q "AuthenticateServer" "$H_TMP/euicc.log" && fail "$what: AuthenticateServer sent"
        [ "$(h_counter $SM cancelSession)" = 0 ] || fail "$what: unexpected ES9+ cancelSession"
    fi
    # The order really is free: the same activation code now installs.
    run "${TLS[@]}" profile download -a "$AC" --yes --no-recover
    expect_rc 0 "$what: download after the cancel"
    note "$what -> exit 130 ${ms} ms after the signal, order available, retry installs"
    CASES=$((CASES + 1))
    h_stop_servers; h_stop_euicc
}

case_ smdp initiateAuthentication INT n           # waiting for initiateAuthentication
case_ euicc BF38 TERM y                           # during AuthenticateServer
case_ smdp authenticateClient INT y               # waiting for authenticateClient
case_ euicc BF21 HUP y                            # during PrepareDownload
case_ smdp getBoundProfilePackage INT y           # waiting for getBoundProfilePackage
case_ euicc BF36/1 INT y                          # during the first BPP command
case_ euicc "BF36/$MID" INT y                     # during the BPP load

# During the last BPP command the profile gets installed: too late, the
# download finishes (install notification delivered) and says so.
cp "$SEED" "$ST"
EUICC_ARGS=--verbose h_euicc_faults "$ST" "BF36/$NSEG:pause=$PAUSE:count=1"
h_server $SM smdp nist
start_download --no-recover
kill -INT "$DL"; rm -f "$PAUSE"
wait_download "last segment"
expect_rc 0 "cancel during the last BPP command"
[ "$(grep '^esimlpa:' <<<"$ERR")" = $'esimlpa: cancelling\u2026\nesimlpa: profile download: too late to cancel: the profile was already installed' ] \
    || fail "last segment: stderr: $ERR"
[ "$(installed)" != "$profiles0" ] || fail "last segment: profile not installed"
[ "$(pending)" = "$pending0" ] || fail "last segment: install notification not delivered: $(pending)"
[ "$(h_counter $SM cancelSession)" = 0 ] || fail "last segment: unexpected ES9+ cancelSession"
[ "$(h_order $SM TEST-8K state)" = installed ] || fail "last segment: order $(h_order $SM TEST-8K state)"
note "[euicc BF36/$NSEG SIGINT] -> too late: installed, notification delivered, exit 0"
h_stop_servers; h_stop_euicc

# With --json: one error object on stdout, ESIMLPA_ECANCELLED.
cp "$SEED" "$ST"
EUICC_ARGS=--verbose h_euicc_faults "$ST" "BF38:pause=$PAUSE:count=1"
h_server $SM smdp nist
rm -f "$PAUSE"
"$CLI" --json "${TLS[@]}" profile download -a "$AC" --yes --no-recover >"$H_TMP/out" 2>"$H_TMP/err" &
DL=$!
for _ in $(seq 400); do [ -e "$PAUSE" ] && break; sleep 0.05; done
[ -e "$PAUSE" ] || fail "json: the download never reached AuthenticateServer"
kill -INT "$DL"; rm -f "$PAUSE"
wait_download json
[ "$RC" = 130 ] || fail "json: exit $RC"
[ "$(jq -c '[.ok, .error.name, .error.message]' "$H_TMP/out")" = '[false,"ESIMLPA_ECANCELLED","cancelled: the order is free again"]' ] \
    || fail "json: stdout $(cat "$H_TMP/out")"
note "[euicc BF38 SIGINT --json] -> $(cat "$H_TMP/out")"
h_stop_servers; h_stop_euicc

# At the consent prompt (on a terminal: script(1) gives the CLI a pty): "n" is
# the user's refusal, endUserRejection (0); Ctrl-C there is a cancel,
# postponed (1) (SGP.22 §3.1.3.5, §5.6.5). Both release the order.
prompt_case() {
    local answer=$1 reason=$2 want_rc=$3
    cp "$SEED" "$ST"
    EUICC_ARGS=--verbose h_euicc_faults "$ST"
    h_server $SM smdp nist
    local ts=$H_TMP/typescript fifo=$H_TMP/tty-in
    rm -f "$ts" "$fifo"; mkfifo "$fifo"
    script -qfec "exec $CLI ${TLS[*]} profile download -a '$AC' --no-recover" "$ts" <"$fifo" >/dev/null 2>&1 &
    local sp=$!
    exec 7>"$fifo"
    for _ in $(seq 400); do grep -q "Install this profile? \[y/N\]" "$ts" 2>/dev/null && break; sleep 0.05; done
    grep -q "Install this profile?" "$ts" || fail "prompt $answer: no consent prompt"
    if [ "$answer" = ctrl-c ]; then
        local cli; cli=$(pgrep -P "$sp")
        [ -n "$cli" ] || fail "prompt: CLI not found"
        kill -INT "$cli"
    else
        printf '%s\n' "$answer" >&7
    fi
    for _ in $(seq 400); do kill -0 "$sp" 2>/dev/null || break; sleep 0.05; done
    exec 7>&-
    wait "$sp"; local rc=$?
    [ "$rc" = "$want_rc" ] || fail "prompt $answer: exit $rc, expected $want_rc: $(cat "$ts")"
    grep -q "CancelSession: reason $reason, session ended" "$H_TMP/euicc.log" \
        || fail "prompt $answer: no CancelSession reason $reason on the eUICC"
    [ "$(h_order $SM TEST-8K state)" = available ] || fail "prompt $answer: order not available"
    [ "$(h_counter $SM cancelSession)" = 1 ] || fail "prompt $answer: no ES9+ cancelSession"
    note "[consent prompt: $answer] -> exit $rc, CancelSession reason $reason"
    h_stop_servers; h_stop_euicc
}
prompt_case n 0 1
prompt_case ctrl-c 1 130

# A second signal exits at once (130), while the card still holds the command.
cp "$SEED" "$ST"
EUICC_ARGS=--verbose h_euicc_faults "$ST" "BF21:pause=$PAUSE:count=1"
h_server $SM smdp nist
start_download --no-recover
kill -INT "$DL"
for _ in $(seq 200); do grep -q cancelling "$H_TMP/err" && break; sleep 0.05; done
kill -INT "$DL"
wait_download "second signal"
[ "$RC" = 130 ] || fail "second signal: exit $RC, expected 130"
[ -e "$PAUSE" ] || fail "second signal: the CLI waited for the card"
rm -f "$PAUSE"
note "[euicc BF21 SIGINT SIGINT] -> exit 130 at once"
h_stop_servers; h_stop_euicc
echo "ok: cancel at each step ($CASES cases), too late, --json, consent prompt, second signal"
