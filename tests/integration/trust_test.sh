#!/bin/bash
# SPDX-License-Identifier: MIT
# Field trust for SM-DP+ TLS (issue 9), end to end through pcscd and TLS:
# - a real GSMA chain (SGP.26 test SM-DP+ TLS certificate, tests/trust/) is
#   accepted with no --ca-file and --test-ci, under faketime before its
#   expiry, and refused with the production CI set, naming the CIs used;
# - a CN-only certificate, an RSA-1024 server under a permissive system
#   OpenSSL config, and an SM-DP+ OID that differs from the activation
#   code's are refused with exact lines and exit codes.
. "$HARNESS"
SM=testsmdpplus1.example.com
RES=(--resolve "$SM:443:127.0.0.1")
command -v faketime >/dev/null || fail "faketime is needed (Debian package faketime)"
# Before 2026-08-02, when the SGP.26 TLS certificate expires. faketime's
# LD_PRELOAD must come before the ASan runtime, which then must not object.
FAKE_DATE='2026-06-01 12:00:00'
run_ft() {
    OUT=$(ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
          faketime "$FAKE_DATE" "$CLI" "$@" 2>"$H_TMP/err"); RC=$?
    ERR=$(cat "$H_TMP/err")
}
expect_err() {  # exactly one line on stderr, this one
    [ "$ERR" = "$1" ] || fail "$2: stderr is
$ERR
expected
$1"
}
installed() { "$CLI" --json profile list | jq -e --arg i "$1" '[.data[] | select(.iccid == $i)] | length == 1' >/dev/null; }
iccid_of() { jq -r --arg m "$1" '.orders[] | select(.matchingId == $m) | .iccid' "$H_TMP/$SM.status.json"; }
POST="esimlpa: profile download: initiateAuthentication: POST https://$SM/gsma/rsp2/es9plus/initiateAuthentication failed: server certificate not trusted, expired or for another host"

# The card trusts two production CIs (GSM Association RSP2 Root CI1, OISTE
# GSMA CI G1) and the SGP.26 test CI F54172BD..., besides the project's test CI.
EUICC_ARGS="--extra-ci-pkid 81370F5125D0B1D408D4C3B232E6D25E795BEBFB
            --extra-ci-pkid 4C27967AD20C14B391E9601E41E604AD57C0222F
            --extra-ci-pkid F54172BDF98A95D65CBEB88A38A1C11D800A85C3" h_up
h_server $SM smdp nist "" --tls-cert "$TRUST_DIR/CERT_S_SM_DP_TLS_NIST.pem" \
    --tls-key "$TRUST_DIR/SK_S_SM_DP_TLS_NIST.pem"

# 1. Production set (the default): the SGP.26 chain is not under a CI the card
#    trusts among the production ones; nothing reaches the server.
run_ft "${RES[@]}" profile download -a "LPA:1\$$SM\$TEST-8K" --yes
expect_rc 2 "production CIs vs the SGP.26 chain"
expect_err "$POST (TLS: the server's certificate is not issued under a CI this eUICC trusts (81370F51…, 4C27967A…))" "production CIs"
[ "$(h_counter $SM initiateAuthentication)" = 0 ] || fail "production CIs: a request reached the server"

# 2. --test-ci, no --ca-file: the SGP.26 chain verifies and the download,
#    whose activation code names the server's SM-DP+ OID, succeeds.
want=$(iccid_of TEST-8K)
run_ft "${RES[@]}" --test-ci profile download -a "LPA:1\$$SM\$TEST-8K\$2.999.10" --yes
expect_rc 0 "--test-ci download of the SGP.26 chain"
installed "$want" || fail "--test-ci: $want not installed"
[ "$(h_order $SM TEST-8K state)" = installed ] || fail "--test-ci: order $(h_order $SM TEST-8K state)"
[ "$(h_counter $SM handshakes)" = 1 ] || fail "--test-ci: $(h_counter $SM handshakes) TLS handshakes (want 1 per download)"
note "SGP.26 TLS chain, --test-ci, no --ca-file, faketime $FAKE_DATE: installed $want," \
     "$(h_counter $SM handshakes) TLS handshake(s), $(h_counter $SM requests) HTTP requests"

# 3. An expired bundled root (SubMan V4.2 CI, 2026-08-12) is skipped with a
#    log line, not an error (real clock, production set).
run --trace "${RES[@]}" profile download -a "LPA:1\$$SM\$TEST-8K" --yes
expect_rc 2 "real clock, production set"
grep -qx "esimlpa: debug: RSP CI root SubMan-V4-2-CI_EA53ADEF.pem (EA53ADEF…) expired Aug 12 .* 2026 GMT: skipped" <<<"$ERR" \
    || fail "no log line for the expired bundled root: $(grep -i expired <<<"$ERR")"
# 4. With the real clock the SGP.26 certificate has expired: --test-ci names that.
run "${RES[@]}" --test-ci profile download -a "LPA:1\$$SM\$TEST-100K" --yes
expect_rc 2 "real clock, --test-ci"
expect_err "$POST (SSL certificate problem: certificate has expired)" "real clock, --test-ci"
h_stop_servers

# Certificates made here: a throwaway CA, a CN-only P-256 leaf, an RSA-1024 leaf.
P=$H_TMP/pki; mkdir -p "$P"
(
  cd "$P" || exit 1
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
      -days 30 -subj "/CN=trust test CA" -addext basicConstraints=critical,CA:TRUE \
      -addext keyUsage=critical,keyCertSign,cRLSign
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout cn.key -out cn.csr -subj "/CN=$SM"
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' >cn.ext
  openssl x509 -req -in cn.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -extfile cn.ext -out cn.pem
  openssl req -newkey rsa:1024 -nodes -keyout rsa.key -out rsa.csr -subj "/CN=$SM"
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:%s\n' "$SM" >rsa.ext
  openssl x509 -req -in rsa.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -extfile rsa.ext -out rsa.pem
) >"$H_TMP/openssl.log" 2>&1 || { cat "$H_TMP/openssl.log" >&2; fail "making the test certificates"; }

# 5. CN-only certificate (no subjectAltName): refused, no CN fallback.
h_server $SM smdp nist "" --tls-cert "$P/cn.pem" --tls-key "$P/cn.key"
run --ca-file "$P/ca.pem" "${RES[@]}" profile download -a "LPA:1\$$SM\$TEST-8K" --yes
expect_rc 2 "CN-only certificate"
expect_err "$POST (TLS: the server's certificate does not match host name $SM: no subjectAltName dNSName for it (a subject CN is never used))" "CN-only certificate"
[ "$(h_counter $SM initiateAuthentication)" = 0 ] || fail "CN-only: a request reached the server"
h_stop_servers

# 6. RSA-1024 under a system OpenSSL config that allows it (security level 1):
#    the config is in force (openssl s_client accepts the server with it), the
#    library still holds level 2.
cat >"$P/permissive.cnf" <<'EOC'
openssl_conf = default_conf
[default_conf]
ssl_conf = ssl_sect
[ssl_sect]
system_default = system_default_sect
[system_default_sect]
CipherString = DEFAULT@SECLEVEL=1
MinProtocol = TLSv1.2
EOC
OPENSSL_CONF=$P/permissive.cnf h_server $SM smdp nist "" --tls-cert "$P/rsa.pem" --tls-key "$P/rsa.key"
OPENSSL_CONF=$P/permissive.cnf openssl s_client -connect 127.0.0.1:443 -servername $SM \
    -CAfile "$P/ca.pem" -verify_hostname $SM -verify_return_error </dev/null >"$H_TMP/s_client.log" 2>&1 \
    || { cat "$H_TMP/s_client.log" >&2; fail "the permissive config does not accept RSA-1024 (control)"; }
OUT=$(OPENSSL_CONF=$P/permissive.cnf "$CLI" --ca-file "$P/ca.pem" "${RES[@]}" profile download \
      -a "LPA:1\$$SM\$TEST-8K" --yes 2>"$H_TMP/err"); RC=$?; ERR=$(cat "$H_TMP/err")
expect_rc 2 "RSA-1024 server"
expect_err "$POST (SSL certificate problem: EE certificate key too weak)" "RSA-1024 server"
[ "$(h_counter $SM initiateAuthentication)" = 0 ] || fail "RSA-1024: a request reached the server"
h_stop_servers

# 7. The activation code names another SM-DP+ OID: refused after
#    AuthenticateServer, cancelled on the eUICC and at the server (the order
#    stays available), nothing installed, exit 4 like other server mismatches.
h_server $SM smdp nist "" --verbose
profiles0=$("$CLI" --json profile list | jq -c '[.data[].iccid] | sort')
run --ca-file "$PKI_DIR/ci_nist.pem" "${RES[@]}" profile download -a "LPA:1\$$SM\$TEST-8K\$2.999.12" --yes
expect_rc 4 "wrong SM-DP+ OID"
expect_err "esimlpa: profile download: initiateAuthentication: the SM-DP+ OID of the server differs from the activation code's: CERT.DPauth has 2.999.10, the activation code 2.999.12; session cancelled" "wrong SM-DP+ OID"
[ "$(h_counter $SM cancelSession)" = 1 ] || fail "wrong OID: $(h_counter $SM cancelSession) ES9+ cancelSession calls"
[ "$(h_counter $SM authenticateClient)" = 0 ] || fail "wrong OID: authenticateClient was sent"
[ "$(h_order $SM TEST-8K state)" = available ] || fail "wrong OID: order $(h_order $SM TEST-8K state)"
[ "$("$CLI" --json profile list | jq -c '[.data[].iccid] | sort')" = "$profiles0" ] || fail "wrong OID: profiles changed"
grep -q "cancelSession: session .* ended: reason 127" "$H_TMP/$SM.log" || fail "wrong OID: server did not see reason 127: $(grep cancelSession "$H_TMP/$SM.log")"
echo "ok: trust"
