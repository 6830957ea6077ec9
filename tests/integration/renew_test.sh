#!/bin/bash
# SPDX-License-Identifier: MIT
# Profile renewal end to end: 'esimlpa profile renew' and the renew-example
# program (its own winscard APDU transport) -> pcscd -> vpcd -> soft eUICC,
# and HTTPS (verified against the test CI) -> test SM-DP+.
. "$HARNESS"
SM=testsmdpplus1.example.com
TLS=(--ca-file "$PKI_DIR/ci_nist.pem" --resolve "$SM:443:127.0.0.1")
OLD=89049032000000000013     # enabled in the seed
h_up
h_server $SM smdp nist

iccid_of() { jq -r --arg m "$1" '.orders[] | select(.matchingId == $m) | .iccid' "$H_TMP/$SM.status.json"; }
state_of() { "$CLI" --json profile list | jq -r --arg i "$1" '[.data[] | select(.iccid == $i) | .state][0] // "absent"'; }
enabled() { "$CLI" --json profile list | jq -r '[.data[] | select(.state == "enabled") | .iccid] | join(",")'; }
pending() { "$CLI" --json notification list | jq '.data | length'; }

[ "$(enabled)" = $OLD ] || fail "seed: expected $OLD enabled, got $(enabled)"

# 1. The CLI: download TEST-8K, switch to it, delete the old profile,
#    deliver install/enable/disable/delete notifications.
new=$(iccid_of TEST-8K)
run "${TLS[@]}" --json profile renew -a "LPA:1\$$SM\$TEST-8K" --delete-old --yes
expect_rc 0 "profile renew TEST-8K --delete-old"
[ "$(jq -r .data.newIccid <<<"$OUT")" = "$new" ] || fail "renew result newIccid: $OUT"
[ "$(jq -r .data.oldIccid <<<"$OUT")" = $OLD ] || fail "renew result oldIccid: $OUT"
[ "$(jq -r .data.oldDeleted <<<"$OUT")" = true ] || fail "renew result oldDeleted: $OUT"
[ "$(jq -r .data.notifications.failed <<<"$OUT")" = 0 ] || fail "notifications failed: $OUT"
[ "$(jq -r .data.notifications.delivered <<<"$OUT")" -ge 3 ] || fail "notifications delivered: $OUT"
[ "$(enabled)" = "$new" ] || fail "after renew: enabled $(enabled), expected $new"
[ "$(state_of $OLD)" = absent ] || fail "old profile $OLD still there: $(state_of $OLD)"
[ "$(pending)" = 0 ] || fail "notifications pending after renew: $(pending)"
[ "$(h_order $SM TEST-8K state)" = installed ] || fail "server order state: $(h_order $SM TEST-8K state)"

# 2. A download that fails (the consumed order): exit 4, nothing changes.
before=$("$CLI" --json profile list | jq -c '[.data[] | [.iccid, .state]]')
run "${TLS[@]}" profile renew -a "LPA:1\$$SM\$TEST-8K" --delete-old --yes
expect_rc 4 "renew with a consumed order"
grep -q "nothing changed" <<<"$ERR" || fail "download failure not explained: $ERR"
[ "$("$CLI" --json profile list | jq -c '[.data[] | [.iccid, .state]]')" = "$before" ] \
    || fail "profiles changed after a failed download"
[ "$(pending)" = 0 ] || fail "notifications pending after a failed renew"

# 3. The integrator's example program with its own APDU transport.
new2=$(iccid_of TEST-100K)
out=$("$RENEW_EXAMPLE" "${TLS[@]}" --delete-old "LPA:1\$$SM\$TEST-100K" 2>"$H_TMP/ex.err") \
    || fail "renew-example: $(cat "$H_TMP/ex.err")"
grep -q "new profile $new2 enabled (replaced $new, deleted)" <<<"$out" || fail "renew-example output: $out"
[ "$(enabled)" = "$new2" ] || fail "after renew-example: enabled $(enabled), expected $new2"
[ "$(state_of "$new")" = absent ] || fail "renew-example left the old profile $new"
[ "$(pending)" = 0 ] || fail "notifications pending after renew-example"
[ "$(h_order $SM TEST-100K state)" = installed ] || fail "order TEST-100K: $(h_order $SM TEST-100K state)"

# 4. Enabling refused: the enabled profile has PPR1 (disabling not allowed).
#    Exit 3, the old profile stays enabled and the error says so; the new
#    profile stays installed and its install notification is delivered.
h_stop_euicc
jq '.profiles[0].ppr_bits = [1]' "$SEED" >"$H_TMP/ppr1.json"
h_euicc "$H_TMP/ppr1.json"
cc_new=$(iccid_of TEST-CC)
run "${TLS[@]}" profile renew -a "LPA:1\$$SM\$TEST-CC" --confirmation-code 12345678 --delete-old --yes
expect_rc 3 "renew with PPR1 on the old profile"
grep -q "installed but enabling it failed" <<<"$ERR" || fail "enable failure not explained: $ERR"
grep -q "the old profile $OLD stays enabled" <<<"$ERR" || fail "error does not say the old profile stays: $ERR"
[ "$(enabled)" = $OLD ] || fail "old profile not enabled after a failed switch: $(enabled)"
[ "$(state_of "$cc_new")" = disabled ] || fail "new profile state: $(state_of "$cc_new")"
[ "$(pending)" = 0 ] || fail "install notification not delivered after a failed switch"
[ "$(h_order $SM TEST-CC state)" = installed ] || fail "order TEST-CC: $(h_order $SM TEST-CC state)"
grep -q 12345678 "$H_TMP/$SM.log" "$H_TMP/euicc.log" && fail "confirmation code in a log"
echo "ok: renewal through pcscd and verified TLS (CLI and renew-example)"
