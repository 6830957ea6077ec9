# SPDX-License-Identifier: MIT
# Side-by-side mode of run-bench.sh (sourced there when LPAC is set, inside
# the harness namespace): every download once by our CLI and once by lpac, on
# a fresh soft eUICC and a fresh test SM-DP+ each, measured the same way:
#   wall    the process(es) from start to exit (date, ns)
#   CPU     user + sys of all threads; peak heap of the whole process
#           (malloc interposer) and peak RSS: the LD_PRELOAD meter
#           esimlpa-bench-heap (heap_preload.c)
#   APDUs   command APDUs the soft eUICC logged (--verbose ">>" lines)
#   TLS     handshakes the test SM-DP+ completed (its status file)
# lpac runs "profile download" and then "notification process -a -r" (its
# download leaves the install notification pending; ours delivers it), so
# both deliver the same 4 ES9+ requests' worth; CPU and wall are the sums,
# heap and RSS the larger of its two processes. lpac does not verify TLS: it
# reaches the server through /etc/hosts, bind-mounted in this namespace.
PRE=$BUILD/tests/bench/libesimlpa-bench-heap.so
[ -f "$PRE" ] || fail "$PRE missing: build first"
LPAC=$(realpath "$LPAC")
[ -x "$LPAC" ] || fail "LPAC=$LPAC is not an executable"
printf '127.0.0.1 localhost %s\n' $SM >"$H_TMP/hosts"
mount --bind "$H_TMP/hosts" /etc/hosts || fail "cannot bind-mount /etc/hosts for lpac"
SIDE=$H_TMP/side.jsonl
: >"$SIDE"

# text size (bytes) of a shared object, as size(1) counts it
text_of() { size -A "$1" | awk '$1 == ".text" { print $2 }'; }
sum_text() { local t=0 f; for f in "$@"; do t=$(( t + $(text_of "$f") )); done; echo $t; }
# The library alone (libesimlpa.so vs lpac's libeuicc.so) and the whole
# program doing the download: ours the CLI + libesimlpa.so; lpac its binary,
# the libraries of its own build it links and the pcsc and curl drivers it loads.
OURS_SO=$(realpath "$BUILD/lib/libesimlpa.so")
LPAC_SO=$(ldd "$LPAC" | awk '/libeuicc\.so/ { print $3 }')
[ -n "$LPAC_SO" ] || fail "$LPAC does not link libeuicc.so"
LPAC_OWN=$(ldd "$LPAC" | awk -v d="$(dirname "$(dirname "$(dirname "$LPAC")")")" 'index($3, d) == 1 { print $3 }')
LPAC_DRV=$(find "$(dirname "$(dirname "$(dirname "$LPAC")")")" -name driver_apdu_pcsc.so -o -name driver_http_curl.so)
OURS_TEXT=$(text_of "$OURS_SO") LPAC_TEXT=$(text_of "$LPAC_SO")
OURS_ALL=$(sum_text "$CLI" "$OURS_SO")
# shellcheck disable=SC2086
LPAC_ALL=$(sum_text "$LPAC" $LPAC_OWN $LPAC_DRV)

apdus_logged() { grep -c '^soft-euicc: >> ' "$H_TMP/euicc.log"; }

# side WHO SIZE DELAY BW: one download by WHO (ours|lpac), appended to $SIDE.
side() {
    local who=$1 size=$2 delay=$3 bw=$4 ac rc=0 out=$H_TMP/meter.jsonl
    ac="LPA:1\$$SM\$$(order_of "$size")"
    h_stop_euicc; rm -f "$H_TMP/state.json"
    EUICC_ARGS="--apdu-delay-ms $delay --verbose" h_euicc
    h_stop_servers
    local sargs=()
    [ "$bw" -gt 0 ] && sargs=(--bandwidth "$bw")
    h_server $SM smdp nist "" "${sargs[@]}"
    : >"$out"
    local n0 t0 t1 last
    n0=$(apdus_logged)
    t0=$(date +%s%N)
    if [ "$who" = ours ]; then
        ESIMLPA_BENCH_OUT=$out LD_PRELOAD=$PRE "$CLI" --ca-file "$PKI_DIR/ci_nist.pem" \
            --resolve "$SM:443:127.0.0.1" --yes profile download -a "$ac" \
            >"$H_TMP/side.out" 2>&1 || rc=$?
    else
        last=$(ESIMLPA_BENCH_OUT=$out LD_PRELOAD=$PRE LPAC_APDU=pcsc LPAC_HTTP=curl \
            LPAC_APDU_PCSC_DRV_NAME="Virtual PCD 00 00" "$LPAC" profile download -a "$ac" \
            2>"$H_TMP/side.err" | tail -n1)
        [ "$(jq -r .payload.code <<<"$last" 2>/dev/null)" = 0 ] || rc=1
        last=$(ESIMLPA_BENCH_OUT=$out LD_PRELOAD=$PRE LPAC_APDU=pcsc LPAC_HTTP=curl \
            LPAC_APDU_PCSC_DRV_NAME="Virtual PCD 00 00" "$LPAC" notification process -a -r \
            2>>"$H_TMP/side.err" | tail -n1)
        [ "$(jq -r .payload.code <<<"$last" 2>/dev/null)" = 0 ] || rc=1
    fi
    t1=$(date +%s%N)
    [ $rc = 0 ] || { note "FAILED: $who download $size: $(tail -n3 "$H_TMP/side.out" "$H_TMP/side.err" 2>/dev/null | tr '\n' ' ' | head -c 300)"; }
    local apdus tls
    apdus=$(( $(apdus_logged) - n0 ))
    tls=$(h_counter $SM handshakes)
    jq -s -c --arg who "$who" --arg size "$size" --argjson d "$delay" --argjson b "$bw" \
        --argjson wall $(( (t1 - t0) / 1000000 )) --argjson apdus "$apdus" \
        --argjson tls "${tls:-0}" --argjson rc "$rc" \
        '{who: $who, size: $size, apdu_delay_ms: $d, bandwidth_bps: $b, rc: $rc, wall_ms: $wall,
          cpu_ms: (map(.cpu_ms) | add), heap_peak: (map(.heap_peak) | max),
          peak_rss_kb: (map(.peak_rss_kb) | max), apdus: $apdus, tls_handshakes: $tls}' \
        "$out" >>"$SIDE"
}

for sc in "${scen[@]}"; do
    delay=${sc%%/*}; bw=$(bytes_per_s "${sc#*/}") || exit 2
    for size in "${sizes[@]}"; do
        note "download $size, card delay $delay ms per APDU, body $bw bytes/s (0: unlimited)"
        side ours "$size" "$delay" "$bw"
        side lpac "$size" "$delay" "$bw"
    done
done

jq -s --arg host "$(uname -srm)" --arg lpac "$LPAC" --argjson ot "$OURS_TEXT" --argjson lt "$LPAC_TEXT" \
    --argjson oa "$OURS_ALL" --argjson la "$LPAC_ALL" \
    '{machine: {kernel: $host}, lpac: $lpac, text_bytes: {libesimlpa: $ot, lpac_libeuicc: $lt,
      ours_cli_and_lib: $oa, lpac_program_libs_drivers: $la}, runs: .}' \
    "$SIDE" >"$OUT"

# One row per download: ours, lpac, ours/lpac for each figure.
side_table() {
    jq -r 'def r(a; b): if b == 0 then "-" else ((a / b * 100 | round) / 100 | tostring) end;
      def cell(o; l): "\(o) / \(l) (\(r(o; l)))";
      .runs as $r | [$r[] | select(.who == "ours")] | .[] as $o
      | ($r[] | select(.who == "lpac" and .size == $o.size and .apdu_delay_ms == $o.apdu_delay_ms
                        and .bandwidth_bps == $o.bandwidth_bps)) as $l
      | ["download " + $o.size, $o.apdu_delay_ms,
         (if $o.bandwidth_bps == 0 then "-" else "\($o.bandwidth_bps * 8 / 1000) kbit/s" end),
         cell($o.wall_ms; $l.wall_ms), cell($o.cpu_ms | round; $l.cpu_ms | round),
         cell($o.apdus; $l.apdus), cell($o.tls_handshakes; $l.tls_handshakes),
         cell($o.heap_peak / 1024 | round; $l.heap_peak / 1024 | round),
         cell($o.peak_rss_kb; $l.peak_rss_kb),
         (if $o.rc == 0 and $l.rc == 0 then "ok" else "FAIL" end)] | @tsv' "$OUT"
}
SHDR="operation\tapdu_ms\tbody\twall ms ours/lpac (ratio)\tCPU ms\tAPDUs\tTLS handshakes\tpeak heap KiB\tpeak RSS KiB\tresult"
{ printf '%b\n' "$SHDR"; side_table; } | column -t -s $'\t'
ratio() { jq -n "$1 / $2 * 100 | round / 100"; }
TEXT_LINE=".text bytes: library libesimlpa.so $OURS_TEXT / lpac libeuicc.so $LPAC_TEXT ($(ratio "$OURS_TEXT" "$LPAC_TEXT")); whole program (CLI + library / lpac + its libraries + pcsc and curl drivers) $OURS_ALL / $LPAC_ALL ($(ratio "$OURS_ALL" "$LPAC_ALL"))"
echo "$TEXT_LINE"
if [ -n "$MD" ]; then
    { printf '| %s |\n' "$(printf '%b' "$SHDR" | sed 's/\t/ | /g')"
      printf '|%s\n' "$(printf '%b' "$SHDR" | tr -cd '\t' | sed 's/\t/---|/g')---|"
      side_table | sed 's/\t/ | /g; s/^/| /; s/$/ |/'
      echo
      echo "$TEXT_LINE"; } >"$MD"
fi
echo "wrote $OUT${MD:+ and $MD}"
jq -e '[.runs[] | select(.rc != 0)] | length == 0' "$OUT" >/dev/null || { echo "some runs failed" >&2; exit 1; }
