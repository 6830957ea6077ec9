#!/bin/bash
# SPDX-License-Identifier: MIT
# Streamed download (issue 14): the BPP goes to the eUICC segment by segment
# while getBoundProfilePackage's body is still arriving. A failure in the
# middle of that body -- bad base64, a broken TLV, the connection dropped --
# comes after segments reached the eUICC: the download must still end the
# session on both sides (ES10b CancelSession, then ES9+ cancelSession with
# reason loadBppExecutionError = 5), say exactly what went wrong in one line,
# install nothing and lose no notification.
. "$HARNESS"
SM=testsmdpplus1.example.com
TLS=(--ca-file "$PKI_DIR/ci_nist.pem" --resolve "$SM:443:127.0.0.1")
AC="LPA:1\$$SM\$TEST-100K"
URL="https://$SM/gsma/rsp2/es9plus/getBoundProfilePackage"
EUICC_ARGS=--verbose h_up
profiles0=$("$CLI" --json profile list | jq -c '[.data[].iccid] | sort')
pending0=$("$CLI" --json notification list | jq '.data | length')

segments() { grep -c "ES10 LoadBoundProfilePackage segment" "$H_TMP/euicc.log"; }

# case_ FAULT EXIT ERROR_LINE_REGEX
case_() {
    local spec=$1 want_rc=$2 want=$3 before after
    h_server $SM smdp nist "" --verbose --fault "$spec"
    before=$(segments)
    run "${TLS[@]}" ${CLI_EXTRA:-} profile download -a "$AC" --yes --no-recover
    after=$(segments)
    [ "$RC" = "$want_rc" ] || fail "$spec: exit $RC, expected $want_rc ($ERR)"
    [ "$(grep -c '^esimlpa: ' <<<"$ERR")" = 1 ] || fail "$spec: not exactly one error line: $ERR"
    grep -qxE "$want" <<<"$(grep '^esimlpa: ' <<<"$ERR")" || fail "$spec: error line: $ERR"
    # Streamed: segments reached the eUICC before the body's failure.
    [ "$after" -gt "$before" ] || fail "$spec: no segment reached the eUICC"
    grep -qE "cancelSession: session [0-9A-Fa-f]+ ended: reason 5\b" "$H_TMP/$SM.log" \
        || fail "$spec: no ES9+ cancelSession with reason loadBppExecutionError: $(cat "$H_TMP/$SM.log")"
    [ "$(h_order $SM TEST-100K state)" = available ] || fail "$spec: order $(h_order $SM TEST-100K state)"
    [ "$("$CLI" --json profile list | jq -c '[.data[].iccid] | sort')" = "$profiles0" ] \
        || fail "$spec: profiles changed"
    [ "$("$CLI" --json notification list | jq '.data | length')" = "$pending0" ] \
        || fail "$spec: notifications changed"
    note "$spec -> exit $RC after $((after - before)) segments: $(grep "^esimlpa: " <<<"$ERR")"
    h_stop_servers
}

# A byte of the body's middle inverted: not base64.
case_ getBoundProfilePackage:corrupt 2 \
    "esimlpa: profile download: malformed SM-DP\+/SM-DS response \(getBoundProfilePackage: boundProfilePackage is not valid base64; session cancelled\)"
# Valid JSON and base64, the package's middle 86 segment mistagged.
case_ getBoundProfilePackage:bpp-tlv 2 \
    "esimlpa: profile download: malformed SM-DP\+/SM-DS response \(getBoundProfilePackage: malformed boundProfilePackage after [0-9]+ segments: expected 86 inside A3 at offset [0-9]+, found 85; session cancelled\)"
# The connection drops half-way through the body.
case_ getBoundProfilePackage:close-mid-body 2 \
    "esimlpa: profile download: getBoundProfilePackage: POST $URL failed: connection closed before the whole response arrived \(transfer closed with [0-9]+ bytes remaining to read\); session cancelled"
# A server that trickles the body (900 bytes/s, under the 1024 bytes/s a
# streamed answer must keep): given up once the body has run for --timeout
# seconds of network time, instead of holding the download for minutes.
CLI_EXTRA="--timeout 3" case_ getBoundProfilePackage:trickle=900 2 \
    "esimlpa: profile download: getBoundProfilePackage: POST $URL failed: no answer in time \(card, modem or server\) \(the server sends under 1024 bytes/s \(a streamed answer must keep that rate after its first 3000 ms\)\); session cancelled"

# A server that does not answer at all: the stall limit (--timeout) ends it
# before anything reached the eUICC; cancelled on both sides.
h_server $SM smdp nist "" --verbose --fault getBoundProfilePackage:delay=8000
before=$(segments)
run "${TLS[@]}" --timeout 2 profile download -a "$AC" --yes --no-recover
expect_rc 2 "a silent getBoundProfilePackage"
[ "$(grep '^esimlpa: ' <<<"$ERR")" = "esimlpa: profile download: getBoundProfilePackage: POST $URL failed: no answer in time (card, modem or server) (no data from the server for 2000 ms); session cancelled" ] \
    || fail "silent getBoundProfilePackage: $ERR"
[ "$(segments)" = "$before" ] || fail "silent getBoundProfilePackage: segments reached the eUICC"
[ "$(h_order $SM TEST-100K state)" = available ] || fail "silent server: order $(h_order $SM TEST-100K state)"
h_stop_servers

# Without a fault the same download installs (the eUICC saw every segment).
h_server $SM smdp nist
run "${TLS[@]}" profile download -a "$AC" --yes --no-recover
expect_rc 0 "download after the faults"
[ "$(h_order $SM TEST-100K state)" = installed ] || fail "order $(h_order $SM TEST-100K state)"
echo "ok: streamed download faults"
