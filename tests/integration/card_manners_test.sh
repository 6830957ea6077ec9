#!/bin/bash
# SPDX-License-Identifier: MIT
# Real-card manners through pcscd (issue 9 items 4-6): a soft eUICC that
# answers only at the 5ber ISD-R AID is found with and without --isd-r-aid
# (and $ESIMLPA_ISD_R_AID); a wrong or malformed AID fails with one exact
# line; TERMINAL CAPABILITY is sent on connect; a card that refuses 255-byte
# STORE DATA blocks still downloads (120-byte blocks); enable --refresh and
# --reset leave a card the next command can use; reconnect_pcsc_test covers
# the transparent reopen inside one context.
. "$HARNESS"
STD=A0000005591010FFFFFFFF8900000100
FIVEBER=A0000005591010FFFFFFFF8900050500
SM=testsmdpplus1.example.com
TLS=(--ca-file "$PKI_DIR/ci_nist.pem" --resolve "$SM:443:127.0.0.1")

# 1. The 5ber card, found by probing.
EUICC_ARGS="--isd-r-aid $FIVEBER" h_up
run --json chip info
expect_rc 0 "chip info (probing)"
[ "$(jq -r .data.isdRAid <<<"$OUT")" = $FIVEBER ] || fail "isdRAid: $OUT"
[ "$(jq -r .data.isdRAidName <<<"$OUT")" = 5ber ] || fail "isdRAidName: $OUT"
run --trace chip info
expect_rc 0 "chip info --trace"
grep -q "^ISD-R AID  *$FIVEBER (5ber)$" <<<"$OUT" || fail "chip info text: $OUT"
# The probe order: TERMINAL CAPABILITY (answered 9000), standard, eSIM.me, 5ber.
seq=$(grep -o 'trace: [<>] [0-9A-F]*' <<<"$ERR" | sed -n '1,10p' | awk '{print $3}' | tr '\n' ' ')
want="80AA00000AA9088100820101830107 9000 0070000001 019000 01A4040010$STD 6A82 01A4040010A0000005591010000000008900000300 6A82 01A4040010$FIVEBER "
[ "${seq:0:${#want}}" = "$want" ] || fail "probe sequence: $seq"

# 2. Given on the command line or in the environment (the option wins).
run --isd-r-aid $FIVEBER chip info
expect_rc 0 "chip info --isd-r-aid 5ber"
run --trace --isd-r-aid ${FIVEBER,,} chip info
expect_rc 0 "chip info --isd-r-aid (lower case)"
[ "$(grep -c "A4040010" <<<"$ERR")" = 1 ] || fail "a given AID is selected alone: $ERR"
OUT=$(ESIMLPA_ISD_R_AID=$FIVEBER "$CLI" chip info 2>"$H_TMP/err"); RC=$?
expect_rc 0 "ESIMLPA_ISD_R_AID=5ber chip info"
OUT=$(ESIMLPA_ISD_R_AID=$STD "$CLI" --isd-r-aid $FIVEBER chip info 2>"$H_TMP/err"); RC=$?
expect_rc 0 "the option wins over ESIMLPA_ISD_R_AID"

# 3. Wrong and malformed AIDs: one exact line each.
run --isd-r-aid $STD chip info
expect_rc 2 "chip info --isd-r-aid (standard, wrong here)"
[ "$ERR" = "esimlpa: chip info: ISD-R not found (not an eUICC) (SELECT ISD-R $STD: status word 6A82 (not found): no ISD-R at this AID)" ] \
    || fail "wrong AID message: $ERR"
OUT=$(ESIMLPA_ISD_R_AID=$STD "$CLI" chip info 2>"$H_TMP/err"); RC=$?; ERR=$(cat "$H_TMP/err")
expect_rc 2 "ESIMLPA_ISD_R_AID (wrong here)"
[ "$ERR" = "esimlpa: chip info: ISD-R not found (not an eUICC) (SELECT ISD-R $STD: status word 6A82 (not found): no ISD-R at this AID)" ] \
    || fail "wrong AID (environment) message: $ERR"
run --isd-r-aid A0000005 chip info
expect_rc 1 "--isd-r-aid too short"
[ "$(head -1 <<<"$ERR")" = "esimlpa: --isd-r-aid wants an AID of 5 to 16 bytes in hex, not 'A0000005'" ] \
    || fail "short AID message: $ERR"
run --isd-r-aid A0000005591010FFFFFFFF89000001ZZ chip info
expect_rc 1 "--isd-r-aid not hex"
[ "$(head -1 <<<"$ERR")" = "esimlpa: --isd-r-aid wants an AID of 5 to 16 bytes in hex, not 'A0000005591010FFFFFFFF89000001ZZ'" ] \
    || fail "bad hex message: $ERR"
OUT=$(ESIMLPA_ISD_R_AID=xyz "$CLI" chip info 2>"$H_TMP/err"); RC=$?; ERR=$(cat "$H_TMP/err")
expect_rc 1 "ESIMLPA_ISD_R_AID=xyz"
[ "$(head -1 <<<"$ERR")" = "esimlpa: ESIMLPA_ISD_R_AID wants an AID of 5 to 16 bytes in hex, not 'xyz'" ] \
    || fail "bad environment AID message: $ERR"
run --isd-r-aid chip info
expect_rc 1 "--isd-r-aid without a value"

# 4. Refresh and reset inside one context, at the remembered 5ber AID.
"$API_RECONNECT" || fail "reconnect_pcsc_test"

# 5. The CLI: enable --refresh resets the card when it closes (the card would
#    refuse the next command otherwise); --reset power-cycles it.
P1=89049032000000000013 P2=8949449999999990031
run profile enable $P2 --refresh
expect_rc 0 "profile enable --refresh"
run --json profile list
expect_rc 0 "profile list after enable --refresh"
[ "$(jq -r --arg i $P2 '.data[] | select(.iccid == $i) | .state' <<<"$OUT")" = enabled ] || fail "after refresh: $OUT"
run --trace profile enable $P1 --reset
expect_rc 0 "profile enable --reset"
[ "$OUT" = "Profile $P1 enabled." ] || fail "enable --reset output: $OUT"
[ "$(grep -c '> 80AA00000AA9088100820101830107' <<<"$ERR")" = 2 ] || fail "no reopen after the reset: $ERR"
run --json profile list
[ "$(jq -r --arg i $P1 '.data[] | select(.iccid == $i) | .state' <<<"$OUT")" = enabled ] || fail "after reset: $OUT"
h_stop_euicc

# 6. A card that refuses STORE DATA blocks over 120 bytes: the download still
#    works, in 120-byte blocks after one refused 255-byte block.
rm -f "$H_TMP/state.json"
EUICC_ARGS="--max-block 120" h_euicc
h_server $SM smdp nist
run --trace "${TLS[@]}" --json profile download -a "LPA:1\$$SM\$TEST-8K" --yes
expect_rc 0 "download with --max-block 120"
[ "$(grep -c '< 6700$' <<<"$ERR")" = 1 ] || fail "expected one refused block: $(grep -c '< 6700$' <<<"$ERR")"
grep -q "> 81E21100FF" <<<"$ERR" || fail "no 255-byte first block tried"
grep -q "> 81E2110[0-9]78" <<<"$ERR" || fail "no 120-byte blocks after the refusal"
note "download (8 KB) on a 120-byte card: $(grep -c 'trace: >' <<<"$ERR") APDUs"
# A renewal with the refresh flag: the switch, a reset and a new session,
# then the old profile deleted and the notifications delivered.
run "${TLS[@]}" --json profile renew -a "LPA:1\$$SM\$TEST-30K-PPK" --delete-old --refresh --yes
expect_rc 0 "profile renew --refresh"
[ "$(jq -r .data.oldDeleted <<<"$OUT")" = true ] || fail "renew --refresh: $OUT"
echo "ok: ISD-R AIDs, TERMINAL CAPABILITY, STORE DATA fallback, refresh and reset through pcscd"
