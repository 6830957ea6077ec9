#!/bin/bash
# SPDX-License-Identifier: MIT
# TLS and secrets (issue 4 item 8): a plain http:// address is refused (in an
# activation code and with --smdp) before any request; the confirmation code
# never reaches stderr, with or without --trace; without --trace no long
# hex/base64 run (BPP, certificates, keys) is logged; the test doubles' logs
# hold no private key. (Untrusted / wrong-host / expired certificates:
# download_faults_test.sh.)
. "$HARNESS"
SM=testsmdpplus1.example.com
TLS=(--ca-file "$PKI_DIR/ci_nist.pem" --resolve "$SM:443:127.0.0.1")
CC=12345678
h_up
h_server $SM smdp nist
for how in "-a LPA:1\$http://$SM\$TEST-8K" "--smdp http://$SM --matching-id TEST-8K" \
           "--smdp HTTP://$SM --matching-id TEST-8K"; do
    # shellcheck disable=SC2086
    run "${TLS[@]}" profile download $how --yes
    [ "$RC" = 1 ] || fail "$how: exit $RC ($ERR)"
    grep -q "scheme" <<<"$ERR" || fail "$how: refusal does not say why: $ERR"
done
[ "$(h_counter $SM initiateAuthentication)" = 0 ] || fail "an http:// address reached the server"

# Without tracing: no secret, no long encoded blob in the output.
run "${TLS[@]}" profile download -a "LPA:1\$$SM\$TEST-CC" --confirmation-code $CC --yes
expect_rc 0 "download with a confirmation code"
grep -qw "$CC" <<<"$ERR$OUT" && fail "confirmation code in the output: $ERR"
grep -qE '[A-Za-z0-9+/=]{200,}' <<<"$ERR$OUT" && fail "a long encoded blob in the output without --trace"
# With --trace: APDUs are logged, the confirmation code itself still is not.
h_stop_euicc; rm -f "$H_TMP/state.json"; h_stop_servers
h_euicc; h_server $SM smdp nist
run "${TLS[@]}" --trace profile download -a "LPA:1\$$SM\$TEST-CC" --confirmation-code $CC --yes
expect_rc 0 "traced download with a confirmation code"
grep -q "trace" <<<"$ERR" || fail "--trace logged nothing"
grep -qw "$CC" <<<"$ERR$OUT" && fail "confirmation code in the --trace output"
grep -qiE "PRIVATE KEY" "$H_TMP/euicc.log" "$H_TMP/$SM.log" && fail "a private key in a test double's log"
echo "ok: secrets"
