#!/bin/bash
# SPDX-License-Identifier: MIT
# The download benchmark (issue 5): downloads profiles of several sizes from
# the test SM-DP+ onto the soft eUICC through pcscd, for each per-APDU delay
# of the card and each network round-trip time, then measures chip info,
# profile list, enable, disable and notification processing. Prints a table
# and writes every run as JSON. Runs in the e2e harness's private mount +
# network namespace (tests/integration/harness.sh), so it needs root (or
# user namespaces) and the programs of a build directory.
#
#   [LPAC=/path/to/lpac] tests/bench/run-bench.sh [--build DIR] [--sizes 8k,100k,1m]
#       [--apdu-delay 0,5,20] [--rtt 0,50] [--bandwidth 0,256kbit] [--tls-delay MS]
#       [--out bench.json] [--md bench.md]
#
# Sizes are 8k, 30k, 100k (orders TEST-8K, TEST-30K-PPK, TEST-100K), 1m (TEST-1M,
# a 1 MiB UPP generated with esimlpa-profile-gen at bench time) or any
# matching ID of tests/smdpp/profiles/orders.json.
# Bandwidth: bytes per second of every response body (the test SM-DP+ writes
# it in timed chunks, --bandwidth), or Nkbit / Nmbit; 0 = unlimited.
# With LPAC=/path/to/lpac (side-by-side mode) each download is run by our CLI
# and by lpac (download, then "notification process -a -r" so that both deliver
# the install notification) on a fresh soft eUICC and test SM-DP+, both under
# the same LD_PRELOAD meter (peak heap, CPU, RSS), with APDUs counted by the
# soft eUICC and TLS handshakes by the server; the table gives ratios ours/lpac.
# --scenarios DELAY/BANDWIDTH,... replaces the cross product of --apdu-delay
# and --bandwidth, e.g. 0/0,20/256kbit.
# The round-trip time is simulated by the test SM-DP+ holding each answer for
# RTT ms (--fault FUNCTION:delay=RTT): this kernel has no sch_netem, so a
# netem qdisc cannot be used. TCP and TLS handshake round trips are therefore
# not delayed; the table gives their count separately. --tls-delay MS holds the
# server's first flight of every TLS handshake MS ms (esimlpa-test-smdpp
# --tls-delay), a stand-in for the handshake's round trips.
set -u
ARGS=("$@")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$ROOT/build SIZES=8k,100k,1m DELAYS=0,5,20 RTTS=0,50 BWS=0 SCENARIOS="" OUT=bench.json MD="" TLSD=0
while [ $# -gt 0 ]; do
    case $1 in
    --build) BUILD=$(cd "$2" && pwd); shift 2 ;;
    --sizes) SIZES=$2; shift 2 ;;
    --apdu-delay) DELAYS=$2; shift 2 ;;
    --rtt) RTTS=$2; shift 2 ;;
    --bandwidth) BWS=$2; shift 2 ;;
    --scenarios) SCENARIOS=$2; shift 2 ;;
    --tls-delay) TLSD=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --md) MD=$2; shift 2 ;;
    -h|--help) sed -n 3,36p "$0"; exit 0 ;;
    *) echo "run-bench.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
case $OUT in /*) ;; *) OUT=$PWD/$OUT ;; esac
[ -z "$MD" ] || case $MD in /*) ;; *) MD=$PWD/$MD ;; esac
BENCH=$BUILD/tests/bench/esimlpa-bench-client
for f in "$BENCH" "$BUILD/tests/sim/esimlpa-soft-euicc" "$BUILD/examples/esimlpa" \
         "$BUILD/tests/smdpp/esimlpa-test-smdpp"; do
    [ -x "$f" ] || { echo "run-bench.sh: $f missing: build first (ninja -C $BUILD)," \
                          "without sanitizers" >&2; exit 1; }
done
export SOFT_EUICC=$BUILD/tests/sim/esimlpa-soft-euicc CLI=$BUILD/examples/esimlpa \
    SMDPP=$BUILD/tests/smdpp/esimlpa-test-smdpp PKI_SCRIPT=$ROOT/tests/pki/gen-rsp-pki.sh \
    SEED=$ROOT/tests/sim/seed/default.json PKI_DIR=$BUILD/test-pki \
    ORDERS=$ROOT/tests/smdpp/profiles/orders.json
# Re-executed in a private namespace by the harness (with the same arguments).
. "$ROOT/tests/integration/harness.sh" "${ARGS[@]}"

SM=testsmdpplus1.example.com
TLS=(--ca-file "$PKI_DIR/ci_nist.pem" --resolve "$SM:443:127.0.0.1")
RESULTS=$H_TMP/results.jsonl
: >"$RESULTS"

order_of() {
    case $1 in 8k) echo TEST-8K ;; 30k) echo TEST-30K-PPK ;; 100k) echo TEST-100K ;;
    1m) echo TEST-1M ;; *) echo "$1" ;; esac
}

# bytes_per_s RATE: 32000 for 256kbit, 125000 for 1mbit, digits as they are.
bytes_per_s() {
    case $1 in
    *[0-9]kbit) echo $(( ${1%kbit} * 1000 / 8 )) ;;
    *[0-9]mbit) echo $(( ${1%mbit} * 1000000 / 8 )) ;;
    *) [[ $1 =~ ^[0-9]+$ ]] || fail "--bandwidth wants bytes per second, Nkbit or Nmbit, not $1"
       echo "$1" ;;
    esac
}

# The 1 MiB profile is generated here rather than kept in the tree: a copy of
# the orders config with TEST-1M added (UPP from esimlpa-profile-gen).
GEN=$H_TMP/orders
mkdir -p "$GEN"
cp "$ROOT"/tests/smdpp/profiles/*.json "$GEN/"
"$BUILD/tests/smdpp/esimlpa-profile-gen" --out "$GEN/profile_1m.der" --size 1048576 \
    --iccid 89000123456789012374 --json "$GEN/profile_1m.json" --name "Test profile 1M" \
    --class test || fail "cannot generate the 1 MiB profile"
jq '.orders += [{"matchingId": "TEST-1M", "profile": "profile_1m.json"}]' \
    "$ROOT/tests/smdpp/profiles/orders.json" >"$GEN/orders.json" || fail "cannot write orders"
ORDERS=$GEN/orders.json

# bench SIZE DELAY RTT OP [ARG]: one measured operation, appended to $RESULTS.
bench() {
    local size=$1 delay=$2 rtt=$3; shift 3
    local out
    out=$("$BENCH" "${TLS[@]}" "$@" 2>"$H_TMP/bench.err")
    [ -n "$out" ] || { cat "$H_TMP/bench.err" >&2; fail "bench client $*: no result"; }
    jq -c --arg s "$size" --argjson d "$delay" --argjson r "$rtt" --argjson b "${BW:-0}" \
        --argjson t "$TLSD" \
        '. + {size: $s, apdu_delay_ms: $d, rtt_ms: $r, bandwidth_bps: $b, tls_delay_ms: $t}' \
        <<<"$out" >>"$RESULTS"
    [ "$(jq -r .rc <<<"$out")" = 0 ] || note "FAILED: $* : $(jq -r .error <<<"$out")"
    LAST=$out
}

h_pki
h_pcscd
IFS=, read -ra delays <<<"$DELAYS"
IFS=, read -ra rtts <<<"$RTTS"
IFS=, read -ra sizes <<<"$SIZES"
IFS=, read -ra bws <<<"$BWS"
for i in "${!bws[@]}"; do bws[i]=$(bytes_per_s "${bws[i]}") || exit 2; done
# (card delay, bandwidth) pairs: --scenarios, else every delay with every bandwidth
if [ -n "$SCENARIOS" ]; then
    IFS=, read -ra scen <<<"$SCENARIOS"
else
    scen=(); for d in "${delays[@]}"; do for b in "${bws[@]}"; do scen+=("$d/$b"); done; done
fi

if [ -n "${LPAC:-}" ]; then
    . "$ROOT/tests/bench/side_by_side.sh"
    exit $?
fi

for sc in "${scen[@]}"; do
    delay=${sc%%/*}; BW=$(bytes_per_s "${sc#*/}") || exit 2
    for rtt in "${rtts[@]}"; do
        note "card delay $delay ms per APDU, server round trip $rtt ms, body $BW bytes/s (0: unlimited)"
        h_stop_euicc; rm -f "$H_TMP/state.json"
        EUICC_ARGS="--apdu-delay-ms $delay" h_euicc
        h_stop_servers
        faults=()
        if [ "$rtt" -gt 0 ]; then
            for fn in initiateAuthentication authenticateClient getBoundProfilePackage \
                      handleNotification cancelSession; do
                faults+=(--fault "$fn:delay=$rtt")
            done
        fi
        [ "$BW" -gt 0 ] && faults+=(--bandwidth "$BW")
        [ "$TLSD" -gt 0 ] && faults+=(--tls-delay "$TLSD")
        h_server $SM smdp nist "" "${faults[@]}"
        first=""
        for size in "${sizes[@]}"; do
            bench "$size" "$delay" "$rtt" download "LPA:1\$$SM\$$(order_of "$size")"
            [ -n "$first" ] || first=$(jq -r .iccid <<<"$LAST")
        done
        bench - "$delay" "$rtt" info
        bench - "$delay" "$rtt" list
        if [ -n "$first" ] && [ "$first" != null ]; then
            bench - "$delay" "$rtt" enable "$first"
            bench - "$delay" "$rtt" disable "$first"
        fi
        bench - "$delay" "$rtt" notifications
    done
done

jq -s --arg host "$(uname -srm)" --arg cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')" \
    '{machine: {kernel: $host, cpu: $cpu, rtt_method: "server delay per answer (no sch_netem)"}, runs: .}' \
    "$RESULTS" >"$OUT"

# The table (also as markdown with --md).
table() {
    jq -r '.runs[] | [ (if .op == "download" then "download " + .size else .op end),
        .apdu_delay_ms, .rtt_ms, .bandwidth_bps, (.wall_ms | floor), (.cpu_ms | floor),
        .apdus, .apdus_min, .store_data_blocks, .get_responses,
        "\(.apdu_bytes_sent)/\(.apdu_bytes_received)", .http_requests, .tcp_connections,
        .tls_handshakes, .bpp_size, (.heap_peak / 1024 | floor), .peak_rss_kb,
        (if .rc == 0 then "ok" else "FAIL" end)] | @tsv' "$OUT"
}
HDR="operation\tapdu_ms\trtt_ms\tbody_B/s\twall_ms\tcpu_ms\tAPDUs\tmin\tSTORE_DATA\tGET_RESP\tbytes_out/in\tHTTP\tTCP\tTLS\tBPP_bytes\theap_KiB\tRSS_KiB\tresult"
{ printf '%b\n' "$HDR"; table; } | column -t -s $'\t'
if [ -n "$MD" ]; then
    { printf '| %s |\n' "$(printf '%b' "$HDR" | sed 's/\t/ | /g')"
      printf '|%s\n' "$(printf '%b' "$HDR" | tr -cd '\t' | sed 's/\t/---|/g')---|"
      table | sed 's/\t/ | /g; s/^/| /; s/$/ |/'; } >"$MD"
fi
echo "wrote $OUT${MD:+ and $MD}"
jq -e '[.runs[] | select(.rc != 0)] | length == 0' "$OUT" >/dev/null || { echo "some runs failed" >&2; exit 1; }
