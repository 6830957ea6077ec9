# SPDX-License-Identifier: MIT
# Shared set-up for the end-to-end tests: a real pcscd with the vpcd reader
# driver, the soft eUICC attached to it, and a fresh state per test.
# Sourced by the test scripts; expects these variables from meson:
#   SOFT_EUICC  path of esimlpa-soft-euicc     CLI   path of the esimlpa CLI
#   PKI_SCRIPT  tests/pki/gen-rsp-pki.sh  SEED  seed state JSON
#   PKI_DIR     a directory for the (cached) test PKI
set -u

# Isolation: unless ESIMLPA_IT_SHARED_PCSCD=1 (demo.sh), each test re-executes
# itself in a new mount + network namespace with its own /run/pcscd and
# loopback, so its pcscd and vpcd port never meet another test's or a
# developer's. Without namespaces the tests refuse to run: they delete
# profiles and reset cards, and must never reach a real reader.
if [ "${ESIMLPA_IT_SHARED_PCSCD:-0}" != 1 ] && [ -z "${ESIMLPA_IT_INNER:-}" ]; then
    if command -v unshare >/dev/null 2>&1 && unshare -m -n true 2>/dev/null; then
        ESIMLPA_IT_INNER=1 exec unshare -m -n bash "$0" "$@"
    fi
    echo "the end-to-end tests need private mount and network namespaces (run them as root):" \
         "without them they would share this machine's pcscd and its real readers: skipped" >&2
    exit 77
fi
# Every esimlpa the tests run uses the vpcd reader and no other, also when
# pcscd is shared (demo.sh), so a real card in another reader is never touched.
export ESIMLPA_READER="Virtual PCD 00 00"
if [ -n "${ESIMLPA_IT_INNER:-}" ]; then
    ip link set lo up || { echo "FAIL: cannot bring up loopback" >&2; exit 1; }
    mkdir -p /run/pcscd && mount -t tmpfs tmpfs /run/pcscd \
        || { echo "FAIL: cannot mount a private /run/pcscd" >&2; exit 1; }
    # The card lock files (libesimlpa's per-reader lock, UUCP modem locks) are
    # private too: every test's reader is "Virtual PCD 00 00".
    mkdir -p /run/lock && mount -t tmpfs tmpfs /run/lock \
        || { echo "FAIL: cannot mount a private /run/lock" >&2; exit 1; }
fi

fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "# $*"; }

H_TMP=$(mktemp -d /tmp/esimlpa-it.XXXXXX)
# The CLI's session file (download recovery) is per test: every test's
# soft eUICC has the same EID.
export XDG_STATE_HOME=$H_TMP/state
H_PCSCD_PID=""
H_EUICC_PID=""
H_SERVER_PIDS=""
READER_PORT=35963

h_cleanup() {
    for p in $H_SERVER_PIDS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    [ -n "$H_EUICC_PID" ] && kill "$H_EUICC_PID" 2>/dev/null && wait "$H_EUICC_PID" 2>/dev/null
    if [ -n "$H_PCSCD_PID" ]; then
        kill "$H_PCSCD_PID" 2>/dev/null
        wait "$H_PCSCD_PID" 2>/dev/null
    fi
    rm -rf "$H_TMP"
}
trap h_cleanup EXIT

# The test PKI is generated once per build directory (it takes a second).
h_pki() {
    if [ ! -f "$PKI_DIR/euicc_nist.key" ]; then
        mkdir -p "$PKI_DIR"
        sh "$PKI_SCRIPT" "$PKI_DIR" both >"$H_TMP/pki.log" 2>&1 || { cat "$H_TMP/pki.log" >&2; fail "test PKI generation"; }
    fi
}

# Start pcscd unless one is already serving the machine (there can be only one).
h_pcscd() {
    if [ -z "${ESIMLPA_IT_INNER:-}" ] && [ -S /run/pcscd/pcscd.comm ] \
        && pgrep -x pcscd >/dev/null 2>&1; then
        note "using the running pcscd"
        return 0
    fi
    mkdir -p "$H_TMP/reader.conf.d"
    cat >"$H_TMP/reader.conf.d/vpcd" <<EOC
FRIENDLYNAME "Virtual PCD"
DEVICENAME   /dev/null:0x8C7B
LIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so
CHANNELID    0x8C7B
EOC
    pcscd -f -c "$H_TMP/reader.conf.d" >"$H_TMP/pcscd.log" 2>&1 &
    H_PCSCD_PID=$!
    for _ in $(seq 50); do
        [ -S /run/pcscd/pcscd.comm ] && ss -ltn 2>/dev/null | grep -q ":$READER_PORT " && return 0
        sleep 0.1
    done
    cat "$H_TMP/pcscd.log" >&2
    fail "pcscd did not come up"
}

# Start the soft eUICC with a fresh copy of the seed state (or $1 as state).
h_euicc() {
    state=${1:-$H_TMP/state.json}
    [ -f "$state" ] || cp "$SEED" "$state"
    "$SOFT_EUICC" --state "$state" \
        --euicc-key "$PKI_DIR/euicc_${EUICC_CURVE:-nist}.key" --euicc-cert "$PKI_DIR/euicc_${EUICC_CURVE:-nist}.der" \
        --eum-cert "$PKI_DIR/eum_${EUICC_CURVE:-nist}.der" --ci-cert "$PKI_DIR/ci_${EUICC_CURVE:-nist}.der" \
        --vpcd "127.0.0.1:$READER_PORT" ${EUICC_ARGS:-} >"$H_TMP/euicc.log" 2>&1 &
    H_EUICC_PID=$!
    # Wait until pcscd reports the card (it polls the ATR about every 400 ms).
    for _ in $(seq 60); do
        if "$CLI" chip info >/dev/null 2>&1; then return 0; fi
        kill -0 "$H_EUICC_PID" 2>/dev/null || { cat "$H_TMP/euicc.log" >&2; fail "soft eUICC exited"; }
        sleep 0.1
    done
    cat "$H_TMP/euicc.log" >&2
    fail "the soft eUICC did not appear in pcscd"
}

h_stop_euicc() {
    [ -n "$H_EUICC_PID" ] && kill "$H_EUICC_PID" 2>/dev/null && wait "$H_EUICC_PID" 2>/dev/null
    H_EUICC_PID=""
}

h_up() { h_pki; h_pcscd; h_euicc "$@"; }

# Start the test SM-DP+ (or SM-DS) on 127.0.0.1:443 with certificates from
# the test PKI: h_server NAME ROLE CURVE [TLS_ROLE] [extra args...]
#   NAME      host name the LPA uses (mapped to 127.0.0.1 with --resolve)
#   ROLE      smdp | smds;  CURVE  nist | brp (DPauth/DPpb or DSauth keys)
#   TLS_ROLE  the TLS certificate: dptls (default), dptls_untrusted, dptls_wronghost, dptls_expired, dstls
# Its status file is $H_TMP/NAME.status.json, its log $H_TMP/NAME.log.
h_server() {
    local name=$1 role=$2 curve=$3 tls=${4:-}; shift 3; [ $# -gt 0 ] && shift
    local auth=dpauth
    [ "$role" = smds ] && auth=dsauth
    [ -n "$tls" ] || { tls=dptls; [ "$role" = smds ] && tls=dstls; }
    local chain="$PKI_DIR/${tls}_chain_nist.pem"
    [ -f "$chain" ] || chain="$PKI_DIR/${tls}_nist.pem"
    local args=(--listen 127.0.0.1:443 --name "$name" --role "$role"
        --tls-cert "$chain" --tls-key "$PKI_DIR/${tls}_nist.key"
        --dpauth-cert "$PKI_DIR/${auth}_$curve.der" --dpauth-key "$PKI_DIR/${auth}_$curve.key"
        --ci-cert "$PKI_DIR/ci_$curve.der" --orders "$ORDERS"
        --status-file "$H_TMP/$name.status.json")
    [ "$role" = smdp ] && args+=(--dppb-cert "$PKI_DIR/dppb_$curve.der" --dppb-key "$PKI_DIR/dppb_$curve.key")
    # A previous server's log still says "listening on" until the new one
    # truncates it, which can come after the first look below: drop it first.
    rm -f "$H_TMP/$name.log"
    "$SMDPP" "${args[@]}" "$@" >"$H_TMP/$name.log" 2>&1 &
    local pid=$!
    H_SERVER_PIDS="$H_SERVER_PIDS $pid"
    for _ in $(seq 100); do
        grep -q "listening on" "$H_TMP/$name.log" 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    cat "$H_TMP/$name.log" >&2
    fail "test server $name did not start"
}
h_stop_servers() {
    for p in $H_SERVER_PIDS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    H_SERVER_PIDS=""
}
# Field of an order in a server's status file: h_order NAME MATCHING_ID FIELD
h_order() { jq -r --arg m "$2" ".orders[] | select(.matchingId == \$m) | .$3" "$H_TMP/$1.status.json"; }
h_counter() { jq -r ".counters.$2" "$H_TMP/$1.status.json"; }

# Run the CLI; stdout to $OUT, stderr to $ERR, exit status to $RC.
run() {
    OUT=$("$CLI" "$@" 2>"$H_TMP/err"); RC=$?
    ERR=$(cat "$H_TMP/err")
    return 0
}
expect_rc() { [ "$RC" = "$1" ] || fail "esimlpa $2: exit $RC, expected $1 (stderr: $ERR)"; }

# Like h_euicc, but waits for the card with `notification list` (ListNotification
# only), so --fault-es10 knobs on the download flow's ES10 calls are not used up
# by the wait: h_euicc_faults STATE [FAULT_SPEC...]
h_euicc_faults() {
    local state=$1; shift
    local fa=()
    for f in "$@"; do fa+=(--fault-es10 "$f"); done
    [ -f "$state" ] || cp "$SEED" "$state"
    "$SOFT_EUICC" --state "$state" \
        --euicc-key "$PKI_DIR/euicc_${EUICC_CURVE:-nist}.key" --euicc-cert "$PKI_DIR/euicc_${EUICC_CURVE:-nist}.der" \
        --eum-cert "$PKI_DIR/eum_${EUICC_CURVE:-nist}.der" --ci-cert "$PKI_DIR/ci_${EUICC_CURVE:-nist}.der" \
        --vpcd "127.0.0.1:$READER_PORT" "${fa[@]}" ${EUICC_ARGS:-} >"$H_TMP/euicc.log" 2>&1 &
    H_EUICC_PID=$!
    for _ in $(seq 60); do
        if "$CLI" notification list >/dev/null 2>&1; then return 0; fi
        kill -0 "$H_EUICC_PID" 2>/dev/null || { cat "$H_TMP/euicc.log" >&2; fail "soft eUICC exited"; }
        sleep 0.1
    done
    cat "$H_TMP/euicc.log" >&2
    fail "the soft eUICC did not appear in pcscd"
}
