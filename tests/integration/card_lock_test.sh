#!/bin/bash
# SPDX-License-Identifier: MIT
# One owner per card, through pcscd and TLS: a second esimlpa process waits
# while a download holds the card (PC/SC transaction + lock file), then runs;
# with a short --wait it fails with EBUSY's exact line; read-only calls wait too.
. "$HARNESS"
SM=testsmdpplus1.example.com
TLS=(--ca-file "$PKI_DIR/ci_nist.pem" --resolve "$SM:443:127.0.0.1")
OTHER=8949449999999990031    # disabled in the seed
# A slow card (8 ms per APDU): a 100 KB download holds it for several seconds.
EUICC_ARGS="--apdu-delay-ms 8" h_up
h_server $SM smdp nist

ms() { date +%s%3N; }
enabled() { "$CLI" --json profile list | jq -r '[.data[] | select(.state == "enabled") | .iccid] | join(",")'; }

# Start a download in the background and wait until it holds the card in the
# middle of its session (the SM-DP+ has the order in progress, or has sent
# the BPP that the card is loading).
start_download() {  # start_download MATCHING_ID
    ( "$CLI" "${TLS[@]}" --yes profile download -a "LPA:1\$$SM\$$1" >"$H_TMP/dl.out" 2>"$H_TMP/dl.err"
      echo $? >"$H_TMP/dl.rc"; ms >"$H_TMP/dl.end" ) &
    DL_PID=$!
    for _ in $(seq 200); do
        case "$(h_order $SM "$1" state 2>/dev/null)" in
            in-progress|downloaded-pending-confirmation) return 0 ;;
        esac
        [ -f "$H_TMP/dl.rc" ] && fail "download $1 ended early: $(cat "$H_TMP/dl.err")"
        sleep 0.02
    done
    fail "download $1 did not reach authenticateClient"
}
finish_download() {
    wait "$DL_PID"
    [ "$(cat "$H_TMP/dl.rc")" = 0 ] || fail "download: exit $(cat "$H_TMP/dl.rc"): $(cat "$H_TMP/dl.err")"
}

# 1. profile enable during a 100 KB download waits for it, then runs: the
#    download completes, the enable comes after it.
rm -f "$H_TMP/dl.rc"
start_download TEST-100K
run profile enable $OTHER
expect_rc 0 "profile enable during a download"
finish_download
# Ordered on the card itself: the enable's notification got a sequence number
# after the download's install notification (had the enable run in the middle
# of the load, it would have come first). Wall-clock stamps cannot show this:
# the download's process outlives its hold on the card by a few ms.
inst_seq=$(sed -n 's/^Install notification \([0-9]*\) .*/\1/p' "$H_TMP/dl.out")
en_seq=$("$CLI" --json notification list |
    jq -r --arg i $OTHER '[.data[] | select(.iccid == $i and .operation == "enable") | .seqNumber] | max')
[ -n "$inst_seq" ] && [ "$en_seq" != null ] && [ "$en_seq" -gt "$inst_seq" ] \
    || fail "enable notification $en_seq is not after the install notification $inst_seq"
[ "$(h_order $SM TEST-100K state)" = installed ] || fail "order TEST-100K: $(h_order $SM TEST-100K state)"
[ "$(enabled)" = $OTHER ] || fail "enabled after the wait: $(enabled), expected $OTHER"
note "enable waited for the download and then ran"

# 2. --wait 1 while a download holds the card: exit 2 and the exact line,
#    the download is not disturbed. The soft eUICC holds the download's third
#    LoadBoundProfilePackage command until we remove the pause file, so the
#    download owns the card for as long as this part needs, on any machine.
h_stop_euicc
EUICC_ARGS="--apdu-delay-ms 8 --fault-es10 BF36/3:pause=$H_TMP/hold:count=1" h_euicc "$H_TMP/state.json"
rm -f "$H_TMP/dl.rc"
start_download TEST-30K-PPK
for _ in $(seq 400); do [ -e "$H_TMP/hold" ] && break; sleep 0.05; done
[ -e "$H_TMP/hold" ] || fail "the download did not reach its third LoadBoundProfilePackage command"
t0=$(ms)
run --wait 1 profile list
t1=$(ms)
expect_rc 2 "profile list --wait 1 during a download"
[ "$ERR" = "esimlpa: profile list: open: the card is in use by another program (waited 1 s)" ] \
    || fail "busy message: '$ERR'"
[ $((t1 - t0)) -ge 900 ] && [ $((t1 - t0)) -lt 5000 ] || fail "--wait 1 took $((t1 - t0)) ms"
# --json names the error.
run --json --wait 0 chip info
expect_rc 2 "chip info --wait 0 during a download"
[ "$(jq -r .error.name <<<"$OUT")" = ESIMLPA_EBUSY ] || fail "json error: $OUT"
[ "$(jq -r .error.message <<<"$OUT")" = "open: the card is in use by another program" ] \
    || fail "json message: $OUT"
rm -f "$H_TMP/hold"
finish_download
[ "$(h_order $SM TEST-30K-PPK state)" = installed ] || fail "order TEST-30K-PPK: $(h_order $SM TEST-30K-PPK state)"

# 3. Usage errors of the new options.
run --wait x chip info
expect_rc 1 "--wait x"
[ "$(head -n1 <<<"$ERR")" = "esimlpa: --wait wants seconds from 0 to 3600, not 'x'" ] || fail "--wait x: '$ERR'"
run --apdu-timeout 0 chip info
expect_rc 1 "--apdu-timeout 0"
[ "$(head -n1 <<<"$ERR")" = "esimlpa: --apdu-timeout wants seconds from 1 to 3600, not '0'" ] || fail "--apdu-timeout 0: '$ERR'"

# 4. Nothing left behind: the next commands run at once.
run --wait 0 notification list
expect_rc 0 "notification list after the downloads"
note "card lock: ok"

# 5. A silent card (the eUICC never answers GetProfilesInfo): with
#    --apdu-timeout 2 the CLI gives up after ~2 s with ETIMEOUT's line and
#    exits (pcsc-lite cannot interrupt the blocked SCardTransmit: the library
#    leaves it to a worker thread and does not touch the handle again).
h_stop_euicc
h_euicc_faults "$H_TMP/state.json" BF2D:silent
t0=$(ms)
OUT=$(timeout 20 "$CLI" --apdu-timeout 2 profile list 2>"$H_TMP/err"); RC=$?; ERR=$(cat "$H_TMP/err")
t1=$(ms)
expect_rc 2 "profile list on a silent card"
[ "$ERR" = "esimlpa: profile list: STORE DATA (GetProfilesInfo): no answer in time (card, modem or server)" ] \
    || fail "silent card message: '$ERR'"
[ $((t1 - t0)) -ge 1900 ] && [ $((t1 - t0)) -lt 8000 ] || fail "silent card: gave up after $((t1 - t0)) ms"
note "silent card: ETIMEOUT after $((t1 - t0)) ms"
