#!/bin/bash
# SPDX-License-Identifier: MIT
# Profile download and renewal through the MBIM transport: esimlpa --mbim
# against the simulated MBIM modem (soft eUICC behind it) and the test SM-DP+
# over verified HTTPS, inside the integration harness's private namespaces.
# The simulator also serves as mbim-proxy there (the abstract socket is private
# to the namespace), so the renewal runs through --mbim-proxy.
# Environment: HARNESS, SIM_MBIM, CLI, SMDPP, ORDERS, PKI_DIR, SEED.
. "$HARNESS"
SM=testsmdpplus1.example.com
TLS=(--ca-file "$PKI_DIR/ci_nist.pem" --resolve "$SM:443:127.0.0.1")
OLD=89049032000000000013     # enabled in the seed

proxy=()
[ -n "${ESIMLPA_IT_INNER:-}" ] && proxy=(--proxy)   # only in a private namespace
cp "$SEED" "$H_TMP/state.json"
"$SIM_MBIM" --state "$H_TMP/state.json" \
    --euicc-key "$PKI_DIR/euicc_nist.key" --euicc-cert "$PKI_DIR/euicc_nist.der" \
    --eum-cert "$PKI_DIR/eum_nist.der" --ci-cert "$PKI_DIR/ci_nist.der" "${proxy[@]}" \
    >"$H_TMP/sim.path" 2>"$H_TMP/sim.log" &
H_SERVER_PIDS="$H_SERVER_PIDS $!"     # stopped by the harness's cleanup
DEV=
for _ in $(seq 50); do
    DEV=$(head -n1 "$H_TMP/sim.path" 2>/dev/null)
    [ -n "$DEV" ] && break
    sleep 0.05
done
[ -n "$DEV" ] || { cat "$H_TMP/sim.log" >&2; fail "the simulated MBIM modem did not start"; }
Q=(--mbim "$DEV")
h_server $SM smdp nist

iccid_of() { jq -r --arg m "$1" '.orders[] | select(.matchingId == $m) | .iccid' "$H_TMP/$SM.status.json"; }
state_of() { "$CLI" "${Q[@]}" --json profile list | jq -r --arg i "$1" '[.data[] | select(.iccid == $i) | .state][0] // "absent"'; }
enabled() { "$CLI" "${Q[@]}" --json profile list | jq -r '[.data[] | select(.state == "enabled") | .iccid] | join(",")'; }
pending() { "$CLI" "${Q[@]}" --json notification list | jq '.data | length'; }

# 1. Download of the 8 KB profile, traced to count APDUs, timed.
want=$(iccid_of TEST-8K)
t0=$(date +%s%N)
run "${Q[@]}" --trace "${TLS[@]}" --json profile download -a "LPA:1\$$SM\$TEST-8K" --yes
t1=$(date +%s%N)
expect_rc 0 "--mbim profile download TEST-8K"
[ "$(jq -r .data.iccid <<<"$OUT")" = "$want" ] || fail "download result: $OUT"
[ "$(jq -r .data.notificationDelivered <<<"$OUT")" = true ] || fail "install notification not delivered: $OUT"
[ "$(state_of "$want")" = disabled ] || fail "$want not installed (disabled) after download"
[ "$(h_order $SM TEST-8K state)" = installed ] || fail "server order state: $(h_order $SM TEST-8K state)"
note "MBIM download 8 KB: $(grep -c 'trace: >' <<<"$ERR") APDUs, $(( (t1 - t0) / 1000000 )) ms" \
     "(with --trace), $(h_counter $SM handshakes) TLS handshake(s)"

# 2. Delete it again (TEST-EID carries the same profile, hence the same ICCID).
run "${Q[@]}" --yes profile delete "$want"
expect_rc 0 "--mbim profile delete $want"
[ "$(state_of "$want")" = absent ] || fail "$want still there after delete"

# 3. Renewal (download, enable, delete the old one) through mbim-proxy when
#    the namespace allows it, else through the device node.
[ ${#proxy[@]} -gt 0 ] && Q=(--mbim "$DEV" --mbim-proxy)
new=$(iccid_of TEST-EID)
run "${Q[@]}" "${TLS[@]}" --json profile renew -a "LPA:1\$$SM\$TEST-EID" --delete-old --yes
expect_rc 0 "${Q[*]} profile renew TEST-EID --delete-old"
[ "$(jq -r .data.newIccid <<<"$OUT")" = "$new" ] || fail "renew result newIccid: $OUT"
[ "$(jq -r .data.oldDeleted <<<"$OUT")" = true ] || fail "renew result oldDeleted: $OUT"
[ "$(enabled)" = "$new" ] || fail "after renew: enabled $(enabled), expected $new"
[ "$(state_of $OLD)" = absent ] || fail "old profile $OLD still there"
run "${Q[@]}" "${TLS[@]}" notification process --all
[ "$(pending)" = 0 ] || fail "notifications pending after renew: $(pending)"
[ "$(h_order $SM TEST-EID state)" = installed ] || fail "server order state: $(h_order $SM TEST-EID state)"

# 4. The same order again: the SM-DP+ refuses (exit 4), nothing changes.
run "${Q[@]}" "${TLS[@]}" profile download -a "LPA:1\$$SM\$TEST-8K" --yes
expect_rc 4 "second download of a consumed order"
[ "$(enabled)" = "$new" ] || fail "a refused download changed the enabled profile"
echo "ok: download and renewal through the simulated MBIM modem (${Q[*]})"
