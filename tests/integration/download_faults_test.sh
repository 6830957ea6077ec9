#!/bin/bash
# SPDX-License-Identifier: MIT
# Download failures end to end (pcscd + HTTPS): an SM-DP+ error at each ES9+
# step, a dropped connection, untrusted / wrong-host / expired TLS
# certificates, plain http, and the card failing in the middle of the BPP.
# Each must end with a clear error naming the step, the session cancelled
# where one exists, nothing installed, and no notification lost.
. "$HARNESS"
SM=testsmdpplus1.example.com
TLS=(--ca-file "$PKI_DIR/ci_nist.pem" --resolve "$SM:443:127.0.0.1")
AC="LPA:1\$$SM\$TEST-8K"
h_up
profiles0=$("$CLI" --json profile list | jq -c '[.data[].iccid] | sort')
pending0=$("$CLI" --json notification list | jq '.data | length')

unchanged() {  # nothing installed, no notification lost or added
    local p n
    p=$("$CLI" --json profile list | jq -c '[.data[].iccid] | sort')
    [ "$p" = "$profiles0" ] || fail "$1: profiles changed: $p"
    n=$("$CLI" --json notification list | jq '.data | length')
    [ "$n" = "$pending0" ] || fail "$1: notifications $pending0 -> $n"
}

# Server-side failures at each ES9+ step of the download.
for spec in initiateAuthentication:status=8.8.1/3.8 authenticateClient:status=8.2.6/3.8 \
            getBoundProfilePackage:status=8.2.5/3.7 authenticateClient:http=500 \
            getBoundProfilePackage:http=503 getBoundProfilePackage:close-mid-body \
            getBoundProfilePackage:corrupt authenticateClient:corrupt; do
    fn=${spec%%:*}
    h_server $SM smdp nist "" --fault "$spec"
    run "${TLS[@]}" profile download -a "$AC" --yes
    [ "$RC" = 2 ] || [ "$RC" = 4 ] || fail "$spec: exit $RC ($ERR)"
    grep -q "$fn" <<<"$ERR" || fail "$spec: error does not name the step: $ERR"
    [ "$(grep -c '^esimlpa: ' <<<"$ERR")" = 1 ] || fail "$spec: not exactly one error line: $ERR"
    unchanged "$spec"
    state=$(h_order $SM TEST-8K state)
    [ "$state" = available ] || fail "$spec: order left '$state' (session not cancelled?)"
    if [ "$fn" != initiateAuthentication ] && [ "$fn" != authenticateClient ] || [ "$spec" = "authenticateClient:corrupt" ]; then
        [ "$(h_counter $SM cancelSession)" -ge 1 ] || fail "$spec: no ES9+ cancelSession"
    fi
    note "$spec -> exit $RC: $ERR"
    h_stop_servers
done

# TLS: only a certificate chaining to the configured CI with the right host
# name is accepted; http:// is refused before any connection.
for tls in dptls_untrusted dptls_wronghost dptls_expired; do
    h_server $SM smdp nist "$tls"
    run "${TLS[@]}" profile download -a "$AC" --yes
    [ "$RC" = 2 ] || fail "$tls: exit $RC ($ERR)"
    grep -qiE "certificate|verif" <<<"$ERR" || fail "$tls: error does not name the certificate: $ERR"
    # The transport's detail (curl's error text) follows the generic reason.
    case $tls in
    dptls_expired)
        grep -qi "(SSL certificate problem: certificate has expired)" <<<"$ERR" ||
            fail "$tls: error does not say the certificate expired: $ERR" ;;
    dptls_wronghost)
        grep -qiE "does not match|no alternative certificate subject name matches" <<<"$ERR" ||
            fail "$tls: error does not name the host mismatch: $ERR" ;;
    esac
    [ "$(h_counter $SM initiateAuthentication)" = 0 ] || fail "$tls: a request reached the server"
    note "$tls -> $ERR"
    unchanged "$tls"
    h_stop_servers
done

# The card fails in the middle of the BPP (6F00 on the 5th LoadBPP command):
# nothing is installed and the SM-DP+ learns of it (cancel or error PIR).
h_stop_euicc
EUICC_ARGS="--fail-at 5:6F00" h_euicc "$H_TMP/state.json"
h_server $SM smdp nist
run "${TLS[@]}" profile download -a "$AC" --yes
[ "$RC" = 2 ] || [ "$RC" = 3 ] || fail "card failure mid-BPP: exit $RC ($ERR)"
note "card fails mid-BPP -> exit $RC: $ERR"
p=$("$CLI" --json profile list | jq -c '[.data[].iccid] | sort')
[ "$p" = "$profiles0" ] || fail "card failure: profiles changed: $p"
[ "$(h_order $SM TEST-8K state)" = available ] || fail "card failure: order left $(h_order $SM TEST-8K state)"
echo "ok: download faults"
