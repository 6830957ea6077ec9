#!/bin/bash
# SPDX-License-Identifier: MIT
# Profile download end to end: CLI -> libesimlpa -> pcscd -> vpcd -> soft
# eUICC, and libesimlpa -> HTTPS (verified against the test CI) -> test SM-DP+.
# Usage: download_test.sh nist|brp   (the eUICC's and SM-DP+'s curve)
. "$HARNESS"
CURVE=${1:-nist}
export EUICC_CURVE=$CURVE
SM=testsmdpplus1.example.com
TLS=(--ca-file "$PKI_DIR/ci_nist.pem" --resolve "$SM:443:127.0.0.1")
h_up
h_server $SM smdp "$CURVE"

iccid_of() { jq -r --arg m "$1" '.orders[] | select(.matchingId == $m) | .iccid' "$H_TMP/$SM.status.json"; }
installed() { "$CLI" --json profile list | jq -e --arg i "$1" '[.data[] | select(.iccid == $i)] | length == 1' >/dev/null; }
pending() { "$CLI" --json notification list | jq '.data | length'; }

# 1. A download with the metadata preview skipped (--yes), traced to count APDUs.
#    Connect-ahead (issue 14): the soft eUICC holds GetEUICCChallenge (BF2E)
#    until we remove the pause file; meanwhile the one TLS handshake of the
#    download completes and no ES9+ request has arrived yet (the
#    initiateAuthentication request waits for the challenge).
want=$(iccid_of TEST-8K)
h_stop_euicc
h_euicc_faults "$H_TMP/state.json" "BF2E:pause=$H_TMP/hold:count=1"
( "$CLI" --trace "${TLS[@]}" --json profile download -a "LPA:1\$$SM\$TEST-8K" --yes \
      >"$H_TMP/dl.out" 2>"$H_TMP/dl.err"; echo $? >"$H_TMP/dl.rc" ) &
DL_PID=$!
for _ in $(seq 400); do [ -e "$H_TMP/hold" ] && break; sleep 0.05; done
[ -e "$H_TMP/hold" ] || fail "the download did not reach GetEUICCChallenge: $(cat "$H_TMP/dl.err")"
for _ in $(seq 400); do [ "$(h_counter $SM handshakes)" = 1 ] && break; sleep 0.05; done
[ "$(h_counter $SM handshakes)" = 1 ] && [ "$(h_counter $SM requests)" = 0 ] \
    || fail "during GetEUICCChallenge: $(h_counter $SM handshakes) handshake(s)," \
            "$(h_counter $SM requests) request(s); want 1 and 0 (connect-ahead)"
rm -f "$H_TMP/hold"
wait "$DL_PID"
OUT=$(cat "$H_TMP/dl.out"); ERR=$(cat "$H_TMP/dl.err"); RC=$(cat "$H_TMP/dl.rc")
expect_rc 0 "profile download TEST-8K"
[ "$(jq -r .data.iccid <<<"$OUT")" = "$want" ] || fail "download result: $OUT"
[ "$(jq -r .data.notificationDelivered <<<"$OUT")" = true ] || fail "install notification not delivered: $OUT"
installed "$want" || fail "$want not in the profile list after download"
[ "$(pending)" = 0 ] || fail "a notification is still pending after a delivered download"
[ "$(h_order $SM TEST-8K state)" = installed ] || fail "server order state: $(h_order $SM TEST-8K state)"
apdus=$(grep -c 'trace: >' <<<"$ERR")
note "one download (8 KB, $CURVE): $apdus APDUs, $(h_counter $SM handshakes) TLS handshake(s)," \
     "$(h_counter $SM connections) connection(s), $(h_counter $SM requests) HTTP requests"
[ "$(h_counter $SM handshakes)" = 1 ] || fail "expected 1 TLS handshake per download, got $(h_counter $SM handshakes)"
if grep -qi "BoundProfilePackage.*[A-Za-z0-9+/]\{200\}" <<<"$ERR"; then fail "trace leaks the BPP"; fi

# 2. The same order again: the SM-DP+ refuses, exit 4, nothing new installed.
run "${TLS[@]}" profile download -a "LPA:1\$$SM\$TEST-8K" --yes
expect_rc 4 "second download of a consumed order"
grep -q "8.2.6" <<<"$ERR" || fail "refusal does not carry subject 8.2.6: $ERR"

# 3. Confirmation code: missing and wrong are refused, nothing installed,
#    the order stays downloadable; the right one installs.
cc_iccid=$(iccid_of TEST-CC)
run "${TLS[@]}" profile download -a "LPA:1\$$SM\$TEST-CC\$\$1" --yes </dev/null
expect_rc 1 "download without the required confirmation code"
[ "$(tail -1 <<<"$ERR")" = "esimlpa: profile download: confirmation code required (authenticateClient: the SM-DP+ requires a confirmation code; session cancelled)" ] || fail "download without the required confirmation code: $ERR"
run "${TLS[@]}" profile download -a "LPA:1\$$SM\$TEST-CC\$\$1" --confirmation-code 87654321 --yes
expect_rc 4 "wrong confirmation code"
grep -q "8.2.7" <<<"$ERR" || fail "wrong code not named: $ERR"
grep -q 87654321 "$H_TMP/$SM.log" "$H_TMP/euicc.log" && fail "confirmation code in a log"
installed "$cc_iccid" && fail "profile installed despite the wrong confirmation code"
[ "$(h_order $SM TEST-CC state)" = available ] || fail "order not released after cancel: $(h_order $SM TEST-CC state)"
run "${TLS[@]}" profile download -a "LPA:1\$$SM\$TEST-CC\$\$1" --confirmation-code 12345678 --yes
expect_rc 0 "right confirmation code"
installed "$cc_iccid" || fail "$cc_iccid not installed"

# 4. A larger profile with ReplaceSessionKeys, then enable it.
run "${TLS[@]}" --json profile download -a "LPA:1\$$SM\$TEST-30K-PPK" --yes
expect_rc 0 "download TEST-30K-PPK"
ppk=$(jq -r .data.iccid <<<"$OUT")
run profile enable "$ppk";  expect_rc 0 "enable the downloaded profile"

# 5. Refused consent: without a terminal and without --yes nothing is installed.
run "${TLS[@]}" profile download -a "LPA:1\$$SM\$TEST-100K" </dev/null
expect_rc 1 "download without consent"
[ "$(tail -1 <<<"$ERR")" = "esimlpa: profile download: profile refused by the user (consent: profile 89000123456789012366 refused by the user; session cancelled)" ] || fail "download without consent: $ERR"
installed "$(iccid_of TEST-100K)" && fail "profile installed without consent"
[ "$(h_order $SM TEST-100K state)" = available ] || fail "order not released after refusal"

# 6. Notification delivery failing: the profile installs, the notification stays
#    pending and is delivered by a later 'notification process'.
h_stop_servers
h_server $SM smdp "$CURVE" "" --fault handleNotification:http=503
run "${TLS[@]}" --json profile download -a "LPA:1\$$SM\$TEST-100K" --yes
expect_rc 0 "download with the notification endpoint failing"
[ "$(jq -r .data.notificationDelivered <<<"$OUT")" = false ] || fail "notification claimed delivered: $OUT"
[ "$(pending)" -ge 1 ] || fail "install notification lost"
h_stop_servers
h_server $SM smdp "$CURVE"
run "${TLS[@]}" notification process --all;  expect_rc 0 "notification process"
[ "$(pending)" = 0 ] || fail "notification still pending after process"
echo "ok: downloads ($CURVE) through pcscd and verified TLS"
