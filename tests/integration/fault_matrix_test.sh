#!/bin/bash
# SPDX-License-Identifier: MIT
# Fault-injection matrix for the profile download (issue 4 item 6), through
# pcscd + vpcd + verified TLS: every ES9+ call x {Failed status, HTTP 5xx,
# timeout, close before / mid body, truncated, corrupt body} and every ES10
# call of the flow x {SW error, garbage answer, card removed}. Each case must
# end with one error line naming the step, the session cancelled wherever it
# still can be, nothing half-installed, the pending notification still there;
# a failed notification delivery is retried by the next `notification process`.
# (--no-recover: the pending notification of the base state must stay pending.)
. "$HARNESS"
SM=testsmdpplus1.example.com
TLS=(--ca-file "$PKI_DIR/ci_nist.pem" --resolve "$SM:443:127.0.0.1" --timeout 1)
AC="LPA:1\$$SM\$TEST-8K"
BASE=$H_TMP/base.json
ST=$H_TMP/st.json
h_pki; h_pcscd

# Base state: the seed plus a second profile whose install PIR was not
# delivered, so one notification is pending in every case below.
cp "$SEED" "$BASE"
h_euicc_faults "$BASE"
h_server $SM smdp nist "" --fault handleNotification:http=503
run "${TLS[@]}" profile download -a "LPA:1\$$SM\$TEST-30K-PPK" --yes
expect_rc 0 "base download"
h_stop_servers; h_stop_euicc
profiles0=$(jq -c '[.profiles[].iccid] | sort' "$BASE" 2>/dev/null)
cp "$BASE" "$ST"
h_euicc_faults "$ST"
profiles0=$("$CLI" --json profile list | jq -c '[.data[].iccid] | sort')
pending0=$("$CLI" --json notification list | jq -c '[.data[].seqNumber] | sort')
[ "$pending0" != "[]" ] || fail "base state has no pending notification"
# The number of LoadBPP commands for TEST-8K (for the middle / last segment).
h_server $SM smdp nist
h_stop_euicc; cp "$BASE" "$ST"; EUICC_ARGS=--verbose h_euicc_faults "$ST"
run "${TLS[@]}" profile download -a "$AC" --yes --no-recover
expect_rc 0 "clean download"
NSEG=$(grep -c "LoadBoundProfilePackage segment" "$H_TMP/euicc.log")
[ "$NSEG" -ge 4 ] || fail "only $NSEG LoadBPP commands"
MID=$((NSEG / 2))
h_stop_servers
note "base: profiles $profiles0, pending $pending0, $NSEG LoadBPP commands"

installed() { "$CLI" --json profile list | jq -c '[.data[].iccid] | sort'; }
pending() { "$CLI" --json notification list | jq -c '[.data[].seqNumber] | sort'; }
CASES=0
RESTART=1

# case SERVER_FAULTS CARD_FAULTS STEP RC ORDER CANCEL AFTER
#   SERVER_FAULTS / CARD_FAULTS  space-separated --fault / --fault-es10 specs ("-" none)
#   STEP    regex the error output must contain (the failing step)
#   RC      allowed exit codes, e.g. "2|4"
#   ORDER   expected order state on the SM-DP+ ("-" not checked)
#   CANCEL  y: ES9+ cancelSession received, n: none, -: not checked
#   AFTER   clean: nothing installed, pending unchanged
#           notif: installed, its PIR pending; `notification process` delivers it
#           delivered: installed, its PIR delivered (2xx answer) and removed
case_() {
    local sf=() cf=() f
    [ "$1" = - ] || for f in $1; do sf+=(--fault "$f"); done
    [ "$2" = - ] || cf=($2)
    local what="[$1 / $2]"
    # A fresh card only when needed: a clean case leaves the state as it was.
    if [ -n "$RESTART" ] || [ ${#cf[@]} -gt 0 ] || [ -z "$H_EUICC_PID" ]; then
        h_stop_euicc; cp "$BASE" "$ST"
        h_euicc_faults "$ST" "${cf[@]}"
    fi
    RESTART=${cf[*]}
    h_server $SM smdp nist "" "${sf[@]}"
    run "${TLS[@]}" profile download -a "$AC" --yes --no-recover
    grep -qxE "$4" <<<"$RC" || fail "$what: exit $RC, expected $4 ($ERR)"
    grep -qE "$3" <<<"$ERR" || fail "$what: error does not name '$3': $ERR"
    if [ "$RC" != 0 ]; then
        [ "$(grep -c '^esimlpa: [^w]' <<<"$ERR")" = 1 ] || fail "$what: not exactly one error line: $ERR"
    fi
    if [[ "$2" == *remove* ]]; then   # the card left: it comes back with its saved state
        grep -q "card removed" <<<"$ERR" || fail "$what: removal not reported as such: $ERR"
        for _ in $(seq 30); do kill -0 "$H_EUICC_PID" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$H_EUICC_PID" 2>/dev/null && fail "$what: the card was not removed"
        wait "$H_EUICC_PID"; H_EUICC_PID=""
        h_euicc_faults "$ST"
    fi
    [ "$5" = - ] || [ "$(h_order $SM TEST-8K state)" = "$5" ] \
        || fail "$what: order '$(h_order $SM TEST-8K state)', expected $5"
    case $6 in
    y) [ "$(h_counter $SM cancelSession)" -ge 1 ] || fail "$what: no ES9+ cancelSession";;
    n) [ "$(h_counter $SM cancelSession)" = 0 ] || fail "$what: unexpected ES9+ cancelSession";;
    esac
    [ "$7" = clean ] || RESTART=1
    if [ "$7" = delivered ]; then
        [ "$(installed)" != "$profiles0" ] || fail "$what: profile not installed"
        [ "$(pending)" = "$pending0" ] || fail "$what: pending notifications $pending0 -> $(pending)"
    elif [ "$7" = clean ]; then
        [ "$(installed)" = "$profiles0" ] || fail "$what: profiles changed: $(installed)"
        [ "$(pending)" = "$pending0" ] || fail "$what: pending notifications $pending0 -> $(pending)"
    else
        [ "$(installed)" != "$profiles0" ] || fail "$what: profile not installed"
        local p; p=$(pending)
        [ "$(jq length <<<"$p")" = $(( $(jq length <<<"$pending0") + 1 )) ] \
            || fail "$what: install notification not kept: $pending0 -> $p"
        h_stop_servers; h_server $SM smdp nist
        [ ${#cf[@]} = 0 ] || { h_stop_euicc; h_euicc_faults "$ST"; }   # the card works again
        run "${TLS[@]}" notification process
        expect_rc 0 "$what: notification process"
        [ "$(pending)" = "[]" ] || fail "$what: still pending after notification process: $(pending)"
        [ "$(h_counter $SM handleNotification)" -ge 2 ] || fail "$what: notifications not delivered"
    fi
    note "$what -> exit $RC: $(grep '^esimlpa: [^w]' <<<"$ERR")"
    CASES=$((CASES + 1))
    h_stop_servers
}

PART=${1:-all}
if [ "$PART" != es10 ]; then
# ES9+ faults, per step.
ES9_KINDS="status=8.1/3.8 http=503 delay=1500 close-before close-mid-body truncate corrupt"
for k in $ES9_KINDS; do
    case_ "initiateAuthentication:$k" - initiateAuthentication "2|4" available n clean
done
for k in $ES9_KINDS; do
    c=y; [ "${k%%=*}" = status ] && c=-
    case_ "authenticateClient:$k" - authenticateClient "2|4" available $c clean
done
for k in $ES9_KINDS; do
    # truncate: the whole body arrives, then the connection drops short of
    # the announced length. The package is streamed into the eUICC as it
    # arrives (issue 14): it is installed and its result (PIR) is delivered.
    [ "$k" = truncate ] && { case_ "getBoundProfilePackage:$k" - "" 0 - - delivered; continue; }
    case_ "getBoundProfilePackage:$k" - getBoundProfilePackage "2|4" available y clean
done
# The install succeeds; without a 2xx answer its PIR waits for the next run.
for k in http=503 delay=1500 close-before; do
    case_ "handleNotification:$k" - "handleNotification" 0 - - notif
done
# A 2xx answer is a delivery (sgp22-notes 1.6), whatever its body says.
# (close-mid-body, truncate: a 204 has no body to cut, so the answer is whole.)
for k in status=8.1/3.8 corrupt close-mid-body truncate; do
    case_ "handleNotification:$k" - "" 0 - - delivered
done
for k in $ES9_KINDS; do   # the server cannot be told: the eUICC side is still cleaned up
    case_ "getBoundProfilePackage:http=503 cancelSession:$k" - "getBoundProfilePackage" 2 - y clean
done

fi
[ "$PART" = es9 ] && { echo "ok: fault matrix, ES9+ ($CASES cases)"; exit 0; }

# ES10 faults, per call (sw = an error status word, garbage = a response that
# does not decode, remove = the card is pulled while the command runs).
for k in sw=6F00 garbage remove; do
    case_ - "BF2E:$k" GetEUICCChallenge 2 available n clean
    case_ - "BF20:$k" GetEUICCInfo1 2 available n clean
    case_ - "BF38:$k" AuthenticateServer "2|3" available - clean
    for seg in 1 $MID $NSEG; do
        o=available; [ $k = remove ] && o=-
        case_ - "BF36/$seg:$k" LoadBoundProfilePackage "2|3" $o - clean
    done
    case_ - "BF30:$k" RemoveNotificationFromList 0 installed - notif
    case_ getBoundProfilePackage:http=503 "BF41:$k" "getBoundProfilePackage" 2 - - clean
done
for k in sw=6F00 garbage; do
    case_ - "BF21:$k" PrepareDownload "2|3" available y clean
done
case_ - "BF21:remove" PrepareDownload 2 - n clean
echo "ok: fault matrix, $PART ($CASES cases)"
