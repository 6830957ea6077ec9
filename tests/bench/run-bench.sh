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
#   tests/bench/run-bench.sh [--build DIR] [--sizes 8k,30k,100k] [--apdu-delay 0,5,20]
#                            [--rtt 0,50] [--out bench.json] [--md bench.md]
#
# Sizes are 8k, 30k, 100k (orders TEST-8K, TEST-30K-PPK, TEST-100K) or any
# matching ID of tests/smdpp/profiles/orders.json.
# The round-trip time is simulated by the test SM-DP+ holding each answer for
# RTT ms (--fault FUNCTION:delay=RTT): this kernel has no sch_netem, so a
# netem qdisc cannot be used. TCP and TLS handshake round trips are therefore
# not delayed; the table gives their count separately.
set -u
ARGS=("$@")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$ROOT/build SIZES=8k,30k,100k DELAYS=0,5,20 RTTS=0,50 OUT=bench.json MD=""
while [ $# -gt 0 ]; do
    case $1 in
    --build) BUILD=$(cd "$2" && pwd); shift 2 ;;
    --sizes) SIZES=$2; shift 2 ;;
    --apdu-delay) DELAYS=$2; shift 2 ;;
    --rtt) RTTS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --md) MD=$2; shift 2 ;;
    -h|--help) sed -n 3,19p "$0"; exit 0 ;;
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
    case $1 in 8k) echo TEST-8K ;; 30k) echo TEST-30K-PPK ;; 100k) echo TEST-100K ;; *) echo "$1" ;; esac
}

# bench SIZE DELAY RTT OP [ARG]: one measured operation, appended to $RESULTS.
bench() {
    local size=$1 delay=$2 rtt=$3; shift 3
    local out
    out=$("$BENCH" "${TLS[@]}" "$@" 2>"$H_TMP/bench.err")
    [ -n "$out" ] || { cat "$H_TMP/bench.err" >&2; fail "bench client $*: no result"; }
    jq -c --arg s "$size" --argjson d "$delay" --argjson r "$rtt" \
        '. + {size: $s, apdu_delay_ms: $d, rtt_ms: $r}' <<<"$out" >>"$RESULTS"
    [ "$(jq -r .rc <<<"$out")" = 0 ] || note "FAILED: $* : $(jq -r .error <<<"$out")"
    LAST=$out
}

h_pki
h_pcscd
IFS=, read -ra delays <<<"$DELAYS"
IFS=, read -ra rtts <<<"$RTTS"
IFS=, read -ra sizes <<<"$SIZES"
for delay in "${delays[@]}"; do
    for rtt in "${rtts[@]}"; do
        note "card delay $delay ms per APDU, server round trip $rtt ms"
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
        .apdu_delay_ms, .rtt_ms, (.wall_ms | floor), (.cpu_ms | floor),
        .apdus, .apdus_min, .store_data_blocks, .get_responses,
        "\(.apdu_bytes_sent)/\(.apdu_bytes_received)", .http_requests, .tcp_connections,
        .tls_handshakes, .bpp_size, (.heap_peak / 1024 | floor), .peak_rss_kb,
        (if .rc == 0 then "ok" else "FAIL" end)] | @tsv' "$OUT"
}
HDR="operation\tapdu_ms\trtt_ms\twall_ms\tcpu_ms\tAPDUs\tmin\tSTORE_DATA\tGET_RESP\tbytes_out/in\tHTTP\tTCP\tTLS\tBPP_bytes\theap_KiB\tRSS_KiB\tresult"
{ printf '%b\n' "$HDR"; table; } | column -t -s $'\t'
if [ -n "$MD" ]; then
    { printf '| %s |\n' "$(printf '%b' "$HDR" | sed 's/\t/ | /g')"
      printf '|%s\n' "$(printf '%b' "$HDR" | tr -cd '\t' | sed 's/\t/---|/g')---|"
      table | sed 's/\t/ | /g; s/^/| /; s/$/ |/'; } >"$MD"
fi
echo "wrote $OUT${MD:+ and $MD}"
jq -e '[.runs[] | select(.rc != 0)] | length == 0' "$OUT" >/dev/null || { echo "some runs failed" >&2; exit 1; }
