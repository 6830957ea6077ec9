#!/bin/bash
# SPDX-License-Identifier: MIT
# The esimlpa CLI against the soft eUICC through pcscd: JSON output, state
# changes, notifications, exit codes and one-line errors.
. "$HARNESS"
h_up

run --json chip info;  expect_rc 0 "chip info"
eid=$(jq -r '.data.eid' <<<"$OUT")
[ "${#eid}" = 32 ] || fail "chip info: EID '$eid'"
note "EID $eid"

run chip info;  expect_rc 0 "chip info (table)"
grep -q "$eid" <<<"$OUT" || fail "human chip info does not show the EID"

run --json profile list;  expect_rc 0 "profile list"
n=$(jq '.data | length' <<<"$OUT")
[ "$n" -ge 2 ] || fail "profile list: $n profiles"
old=$(jq -r '[.data[] | select(.state == "enabled")][0].iccid' <<<"$OUT")
new=$(jq -r '[.data[] | select(.state == "disabled")][0].iccid' <<<"$OUT")
[ "$old" != null ] && [ "$new" != null ] || fail "seed needs an enabled and a disabled profile: $OUT"

run --json notification list;  expect_rc 0 "notification list"
n0=$(jq '.data | length' <<<"$OUT")

run profile enable "$new";  expect_rc 0 "profile enable"
run --json profile list;  expect_rc 0 "profile list"
[ "$(jq -r --arg i "$new" '.data[] | select(.iccid == $i) | .state' <<<"$OUT")" = enabled ] \
    || fail "$new not enabled: $OUT"
[ "$(jq -r --arg i "$old" '.data[] | select(.iccid == $i) | .state' <<<"$OUT")" = disabled ] \
    || fail "$old not disabled: $OUT"

run --json notification list;  expect_rc 0 "notification list"
n1=$(jq '.data | length' <<<"$OUT")
[ "$n1" -gt "$n0" ] || fail "no notification pending after enable ($n0 -> $n1)"
seq=$(jq -r --arg i "$new" '[.data[] | select(.iccid == $i and .operation == "enable")][0].seqNumber' <<<"$OUT")
[ "$seq" != null ] || fail "no enable notification for $new: $OUT"

# Refusals come back as exit 3 with a one-line reason naming the cause.
run profile enable "$new";  expect_rc 3 "profile enable (again)"
[ "$(wc -l <<<"$ERR")" = 1 ] || fail "error is not one line: $ERR"
grep -qi "disabled state" <<<"$ERR" || fail "error does not name the cause: $ERR"
run --json profile enable 89000000000000000007;  expect_rc 3 "enable unknown"
[ "$(jq -r '.error.name' <<<"$OUT")" = ESIMLPA_EICCID_OR_AID_NOT_FOUND ] || fail "unknown ICCID: $OUT"
run profile enable 12345;  expect_rc 1 "enable malformed ICCID"
grep -qi iccid <<<"$ERR" || fail "malformed ICCID error: $ERR"
run profile delete "$new" --yes;  expect_rc 3 "delete enabled profile"

run profile nickname "$new" "Work phone";  expect_rc 0 "profile nickname"
run --json profile list
[ "$(jq -r --arg i "$new" '.data[] | select(.iccid == $i) | .nickname' <<<"$OUT")" = "Work phone" ] \
    || fail "nickname not shown: $OUT"

run notification remove "$seq";  expect_rc 0 "notification remove"
run --json notification list
[ "$(jq --argjson s "$seq" '[.data[] | select(.seqNumber == $s)] | length' <<<"$OUT")" = 0 ] \
    || fail "notification $seq still listed"

run profile disable "$new";  expect_rc 0 "profile disable"
run profile delete "$old" --yes;  expect_rc 0 "profile delete"
run --json profile list
[ "$(jq -r --arg i "$old" '[.data[] | select(.iccid == $i)] | length' <<<"$OUT")" = 0 ] \
    || fail "$old still listed after delete"

run chip set-default-dp smdp.example.org;  expect_rc 0 "chip set-default-dp"
run --json chip info
[ "$(jq -r '.data.defaultDpAddress' <<<"$OUT")" = smdp.example.org ] || fail "default DP: $OUT"
# An address that is not FQDN[:port] (like in an activation code) never reaches the card.
run chip set-default-dp http://evil/;  expect_rc 1 "chip set-default-dp http://evil/"
[ "$ERR" = "esimlpa: chip set-default-dp: invalid SM-DP+ address (SetDefaultDpAddress: SM-DP+ address must not contain a scheme (like https://))" ] \
    || fail "set-default-dp http://evil/: $ERR"
run chip set-default-dp '[::1]';  expect_rc 1 "chip set-default-dp [::1]"
[ "$ERR" = "esimlpa: chip set-default-dp: invalid SM-DP+ address (SetDefaultDpAddress: SM-DP+ address has an invalid character '[')" ] \
    || fail "set-default-dp [::1]: $ERR"
run --json chip info
[ "$(jq -r '.data.defaultDpAddress' <<<"$OUT")" = smdp.example.org ] || fail "default DP changed by a refused address: $OUT"

# chip reset without a terminal and without --yes refuses and changes nothing.
run chip reset </dev/null;  expect_rc 1 "chip reset without confirmation"
[ "$(head -1 <<<"$ERR")" = "esimlpa: chip reset: confirmation needed but stdin is not a terminal; pass --yes" ] || fail "chip reset without confirmation: $ERR"
run --json profile list
[ "$(jq '.data | length' <<<"$OUT")" -ge 1 ] || fail "profiles gone after refused reset"
run --json chip reset --yes;  expect_rc 0 "chip reset --yes"
run --json profile list
[ "$(jq '[.data[] | select(.profileClass == "operational")] | length' <<<"$OUT")" = 0 ] \
    || fail "operational profiles left after reset: $OUT"

# --trace logs APDUs to stderr, the output stays clean.
run --trace chip info;  expect_rc 0 "chip info --trace"
grep -q "BF3E" <<<"$ERR" || fail "--trace shows no GetEID APDU"

echo "ok: CLI end to end through pcscd"
