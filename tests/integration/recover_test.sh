#!/bin/bash
# SPDX-License-Identifier: MIT
# Recovery before a download (issue 10 item 3), through pcscd + vpcd +
# verified TLS:
#  1. kill -9 during the BPP load (held there by the soft eUICC's pause hook):
#     the order stays taken on the SM-DP+ and a retry without recovery is
#     refused with a line that says what to do; the retry with recovery cancels
#     the left-over session (from the session file) and installs, printing the
#     "recovered:" line.
#  2. an install that failed on the eUICC (error PIR) whose result could not be
#     delivered keeps the order taken; the next download delivers the pending
#     notifications for that SM-DP+ first, says so in one line, and installs.
. "$HARNESS"
SM=testsmdpplus1.example.com
TLS=(--ca-file "$PKI_DIR/ci_nist.pem" --resolve "$SM:443:127.0.0.1")
ST=$H_TMP/st.json
PAUSE=$H_TMP/pause
SESSION_DIR=$XDG_STATE_HOME/esimlpa
h_pki; h_pcscd
installed() { "$CLI" --json profile list | jq -c '[.data[].iccid] | sort'; }
pending() { "$CLI" --json notification list | jq -c '[.data[].seqNumber] | sort'; }

# ---- 1. kill -9 mid-download ----
cp "$SEED" "$ST"
EUICC_ARGS=--verbose h_euicc_faults "$ST" "BF36/3:pause=$PAUSE:count=1"
h_server $SM smdp nist
profiles0=$(installed)
AC="LPA:1\$$SM\$TEST-8K"
"$CLI" "${TLS[@]}" profile download -a "$AC" --yes >"$H_TMP/out" 2>"$H_TMP/err" &
DL=$!
for _ in $(seq 400); do [ -e "$PAUSE" ] && break; sleep 0.05; done
[ -e "$PAUSE" ] || fail "the download never reached the BPP load"
kill -9 "$DL"; wait "$DL" 2>/dev/null
rm -f "$PAUSE"
ls "$SESSION_DIR"/session-* >/dev/null 2>&1 || fail "no session file left by the killed download"
txid=$(cut -d' ' -f1 "$SESSION_DIR"/session-*)
state=$(h_order $SM TEST-8K state)
[ "$state" != available ] || fail "the killed download left the order available"
note "after kill -9: order $state, session file for $txid"

# Without recovery the SM-DP+ refuses, and the line says what to do.
run "${TLS[@]}" profile download -a "$AC" --yes --no-recover
expect_rc 4 "retry with --no-recover"
[ "$(grep -c '^esimlpa:' <<<"$ERR")" = 1 ] || fail "not one line: $ERR"
grep -q "ask the operator to release it or for a new activation code" <<<"$ERR" \
    || fail "the refusal does not say what to do: $ERR"
note "--no-recover: $ERR"

# With recovery: the left-over session is cancelled first, then it installs.
c0=$(h_counter $SM cancelSession)
run "${TLS[@]}" profile download -a "$AC" --yes
expect_rc 0 "retry with recovery"
[ "$(grep '^esimlpa:' <<<"$ERR")" = "esimlpa: profile download: recovered: cancelled the session $txid that an interrupted download left with $SM" ] \
    || fail "no recovery line: $ERR"
grep -q "CancelSession: reason 1" "$H_TMP/euicc.log" || fail "no CancelSession(postponed) on the eUICC"
[ "$(h_counter $SM cancelSession)" = $((c0 + 1)) ] || fail "the SM-DP+ was not told"
[ "$(installed)" != "$profiles0" ] || fail "not installed after the recovery"
[ "$(h_order $SM TEST-8K state)" = installed ] || fail "order $(h_order $SM TEST-8K state)"
ls "$SESSION_DIR"/session-* >/dev/null 2>&1 && fail "session file left after a clean download"
note "recovery: $ERR"

# ---- 1b. a cancel the SM-DP+ did not hear of ----
# Ctrl-C during the BPP load while the SM-DP+ answers cancelSession with 503:
# the eUICC side is cancelled, the order stays taken, the session file stays;
# the next download tells the SM-DP+ (the eUICC now answers
# invalidTransactionId, which releases the order too) and installs.
h_stop_servers; h_stop_euicc
cp "$SEED" "$ST"
EUICC_ARGS=--verbose h_euicc_faults "$ST" "BF36/3:pause=$PAUSE:count=1"
h_server $SM smdp nist "" --fault cancelSession:http=503:count=1
"$CLI" "${TLS[@]}" profile download -a "$AC" --yes >"$H_TMP/out" 2>"$H_TMP/err" &
DL=$!
for _ in $(seq 400); do [ -e "$PAUSE" ] && break; sleep 0.05; done
[ -e "$PAUSE" ] || fail "1b: the download never reached the BPP load"
kill -INT "$DL"; rm -f "$PAUSE"
wait "$DL"; RC=$?; ERR=$(cat "$H_TMP/err")
expect_rc 130 "1b: cancel with the SM-DP+ unreachable"
grep -q "^esimlpa: warning: cancel: cancelSession: HTTP status 503$" <<<"$ERR" || fail "1b: no warning: $ERR"
[ "$(grep '^esimlpa: [^w]' <<<"$ERR")" = $'esimlpa: cancelling\u2026\nesimlpa: profile download: cancelled, but the SM-DP+ was not told; the next download of this profile tells it' ] \
    || fail "1b: stderr: $ERR"
[ "$(h_order $SM TEST-8K state)" != available ] || fail "1b: order released without a cancelSession"
txid=$(cut -d' ' -f1 "$SESSION_DIR"/session-*) || fail "1b: no session file kept"
run "${TLS[@]}" profile download -a "$AC" --yes
expect_rc 0 "1b: retry with recovery"
[ "$(grep '^esimlpa:' <<<"$ERR")" = "esimlpa: profile download: recovered: cancelled the session $txid that an interrupted download left with $SM" ] \
    || fail "1b: no recovery line: $ERR"
[ "$(h_order $SM TEST-8K state)" = installed ] || fail "1b: order $(h_order $SM TEST-8K state)"
note "1b: the SM-DP+ told on the next download: $ERR"

# ---- 2. a pending error result releases a stuck order ----
# TEST-EID carries the same profile (ICCID) as TEST-8K, installed above (1b): the
# eUICC refuses it (error PIR), and that result does not reach the SM-DP+.
h_stop_servers
h_server $SM smdp nist "" --fault handleNotification:http=503:count=1
run "${TLS[@]}" profile download -a "LPA:1\$$SM\$TEST-EID" --yes --no-recover
expect_rc 3 "TEST-EID over the same ICCID"
p1=$(pending)
[ "$(jq length <<<"$p1")" = 1 ] || fail "error result not pending: $p1"
iccid=$(jq -r '.[0]' <<<"$(installed | jq -c "map(select(. as \$i | $profiles0 | index(\$i) | not))")")
run profile delete "$iccid" --yes
expect_rc 0 "delete the first copy"
run "${TLS[@]}" profile download -a "LPA:1\$$SM\$TEST-EID" --yes --no-recover
expect_rc 4 "TEST-EID while its error result is pending"
run "${TLS[@]}" profile download -a "LPA:1\$$SM\$TEST-EID" --yes
expect_rc 0 "TEST-EID with recovery"
[ "$(grep '^esimlpa:' <<<"$ERR")" = "esimlpa: profile download: delivered 2 pending notification(s) to $SM first" ] \
    || fail "no delivery line: $ERR"
[ "$(pending)" = "[]" ] || fail "still pending: $(pending)"
note "pending results: $ERR"
echo "ok: recovery after kill -9 and after an undelivered error result"
