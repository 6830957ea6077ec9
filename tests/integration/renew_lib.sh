# SPDX-License-Identifier: MIT
# Shared by the renewal check and crash tests: a test SM-DP+ with RENEW_N
# orders R01.. of small profiles with distinct ICCIDs (so renewals can run
# one after the other on one card), and helpers to read the card's state.
SM=testsmdpplus1.example.com
TLS=(--ca-file "$PKI_DIR/ci_nist.pem" --resolve "$SM:443:127.0.0.1")
OLD=89049032000000000013     # enabled in the seed

# Luhn check digit of a digit string.
luhn() {
    local s=$1 sum=0 i d dbl=1
    for ((i = ${#s} - 1; i >= 0; i--)); do
        d=${s:i:1}
        if [ $dbl = 1 ]; then d=$((d * 2)); [ $d -gt 9 ] && d=$((d - 9)); fi
        sum=$((sum + d)); dbl=$((1 - dbl))
    done
    echo $(((10 - sum % 10) % 10))
}

# renew_orders N: write $H_TMP/orders.json with orders R01..RN and point ORDERS at it.
renew_orders() {
    local n=$1 i id body iccid orders=""
    for ((i = 1; i <= n; i++)); do
        id=$(printf R%02d $i)
        body=8900012345678905$(printf %02d $i)
        iccid=$body$(luhn "$body")
        jq --arg i "$iccid" --arg n "Renewal $id" '.iccid = $i | .name = $n' \
            "$(dirname "$ORDERS")/profile_8k.json" >"$H_TMP/profile_$id.json"
        orders="$orders${orders:+,}{\"matchingId\":\"$id\",\"profile\":\"$H_TMP/profile_$id.json\"}"
    done
    echo "{\"sessionTimeout\":300,\"ccMaxAttempts\":3,\"hostId\":\"testsmdpp\",\"orders\":[$orders],\"events\":[]}" \
        >"$H_TMP/orders.json"
    ORDERS=$H_TMP/orders.json
}

iccid_of() { jq -r --arg m "$1" '.orders[] | select(.matchingId == $m) | .iccid' "$H_TMP/$SM.status.json"; }
state_of() { "$CLI" --json profile list | jq -r --arg i "$1" '[.data[] | select(.iccid == $i) | .state][0] // "absent"'; }
enabled() { "$CLI" --json profile list | jq -r '[.data[] | select(.state == "enabled") | .iccid] | join(",")'; }
pending() { "$CLI" --json notification list | jq '.data | length'; }

# Fresh card: the seed state again (OLD enabled, no notifications).
fresh_card() {
    h_stop_euicc
    rm -f "$H_TMP/state.json"
    h_euicc
}
