#!/bin/bash
# SPDX-License-Identifier: MIT
# Profile renewal through the AT-modem transport: 'esimlpa --modem DEV profile
# renew --delete-old' against the simulated modem (soft eUICC behind it) and
# the test SM-DP+ over verified HTTPS. $1: plain | csim-only.
# Environment: HARNESS, SIM_MODEM, CLI, SMDPP, ORDERS, PKI_DIR, SEED.
. "$HARNESS"
variant=${1:-plain}
quirks=()
[ "$variant" = csim-only ] && quirks=(--csim-only --urc)
SM=testsmdpplus1.example.com
TLS=(--ca-file "$PKI_DIR/ci_nist.pem" --resolve "$SM:443:127.0.0.1")
OLD=89049032000000000013     # enabled in the seed

cp "$SEED" "$H_TMP/state.json"
"$SIM_MODEM" --state "$H_TMP/state.json" \
    --euicc-key "$PKI_DIR/euicc_nist.key" --euicc-cert "$PKI_DIR/euicc_nist.der" \
    --eum-cert "$PKI_DIR/eum_nist.der" --ci-cert "$PKI_DIR/ci_nist.der" "${quirks[@]}" \
    >"$H_TMP/modem.path" 2>"$H_TMP/modem.log" &
H_SERVER_PIDS="$H_SERVER_PIDS $!"     # stopped by the harness's cleanup
DEV=
for _ in $(seq 50); do
    DEV=$(head -n1 "$H_TMP/modem.path" 2>/dev/null)
    [ -n "$DEV" ] && break
    sleep 0.05
done
[ -n "$DEV" ] || { cat "$H_TMP/modem.log" >&2; fail "the simulated modem did not start"; }
M=(--modem "$DEV")
h_server $SM smdp nist

iccid_of() { jq -r --arg m "$1" '.orders[] | select(.matchingId == $m) | .iccid' "$H_TMP/$SM.status.json"; }
state_of() { "$CLI" "${M[@]}" --json profile list | jq -r --arg i "$1" '[.data[] | select(.iccid == $i) | .state][0] // "absent"'; }
enabled() { "$CLI" "${M[@]}" --json profile list | jq -r '[.data[] | select(.state == "enabled") | .iccid] | join(",")'; }
pending() { "$CLI" "${M[@]}" --json notification list | jq '.data | length'; }

[ "$(enabled)" = $OLD ] || fail "seed: expected $OLD enabled, got $(enabled)"
new=$(iccid_of TEST-8K)
run "${M[@]}" "${TLS[@]}" --json profile renew -a "LPA:1\$$SM\$TEST-8K" --delete-old --yes
expect_rc 0 "--modem profile renew TEST-8K --delete-old"
[ "$(jq -r .data.newIccid <<<"$OUT")" = "$new" ] || fail "renew result newIccid: $OUT"
[ "$(jq -r .data.oldDeleted <<<"$OUT")" = true ] || fail "renew result oldDeleted: $OUT"
[ "$(enabled)" = "$new" ] || fail "after renew: enabled $(enabled), expected $new"
[ "$(state_of $OLD)" = absent ] || fail "old profile $OLD still there"
[ "$(pending)" = 0 ] || fail "notifications pending after renew: $(pending)"
[ "$(h_order $SM TEST-8K state)" = installed ] || fail "server order state: $(h_order $SM TEST-8K state)"
echo "ok: renewal through the simulated AT modem ($variant)"
