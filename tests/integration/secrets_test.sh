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

# Where the confirmation code comes from (issue 11 item 5): a file, standard
# input, a hidden prompt on the terminal; on argv it works but is warned about.
printf '{"orders": [%s]}\n' "$(for i in 1 2 3 4; do printf '%s{"matchingId": "CC-%d", "profile": "%s", "confirmationCode": "%s"}' \
    "$([ $i = 1 ] || echo ,)" $i "$(dirname "$ORDERS")/profile_cc.json" $CC; done)" > "$H_TMP/cc_orders.json"
h_stop_servers
ORDERS="$H_TMP/cc_orders.json" h_server $SM smdp nist
fresh_card() { h_stop_euicc; rm -f "$H_TMP/state.json"; h_euicc; }
WARN="esimlpa: warning: a confirmation code on the command line is visible to other users (ps, /proc); use --confirmation-code-file FILE or --confirmation-code - (standard input), or let esimlpa ask for it"

fresh_card
printf '%s\n' $CC > "$H_TMP/cc.txt"
run "${TLS[@]}" profile download -a "LPA:1\$$SM\$CC-1" --confirmation-code-file "$H_TMP/cc.txt" --yes
expect_rc 0 "download with --confirmation-code-file"
grep -qF "warning: a confirmation code" <<<"$ERR" && fail "--confirmation-code-file warned: $ERR"
[ "$(h_order $SM CC-1 state)" = installed ] || fail "CC-1 not installed"

fresh_card
OUT=$(printf '%s\n' $CC | "$CLI" "${TLS[@]}" profile download -a "LPA:1\$$SM\$CC-2" --confirmation-code - --yes 2>"$H_TMP/err"); RC=$?
ERR=$(cat "$H_TMP/err")
expect_rc 0 "download with --confirmation-code - (stdin)"
[ "$(h_order $SM CC-2 state)" = installed ] || fail "CC-2 not installed"

fresh_card
run "${TLS[@]}" profile download -a "LPA:1\$$SM\$CC-3" --confirmation-code $CC --yes
expect_rc 0 "download with the code on argv"
[ "$(head -1 <<<"$ERR")" = "$WARN" ] || fail "no warning for a code on argv: $ERR"

run "${TLS[@]}" profile download -a "LPA:1\$$SM\$CC-4" --confirmation-code-file "$H_TMP/none.txt" --yes
expect_rc 1 "unreadable --confirmation-code-file"
[ "$ERR" = "esimlpa: profile download: cannot read a confirmation code from $H_TMP/none.txt: No such file or directory
Try 'esimlpa profile download --help'." ] || fail "unreadable code file: $ERR"
run "${TLS[@]}" profile download -a "LPA:1\$$SM\$CC-4" --confirmation-code-file "$H_TMP/cc.txt" --confirmation-code 1 --yes
expect_rc 1 "two code sources"

# The prompt: on a terminal, asked only once the SM-DP+ wants a code, typed
# without echo. Driven through a pty: answer the consent, then the code.
fresh_card
python3 - "$CLI" "$CC" "${TLS[@]}" profile download -a "LPA:1\$$SM\$CC-4" > "$H_TMP/pty.txt" 2>&1 <<'PY'
import os, pty, sys, time
cli, code, args = sys.argv[1], sys.argv[2], sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(cli, [cli] + args)
seen = b""
def until(marker, limit=30):
    global seen
    end = time.time() + limit
    while marker not in seen:
        if time.time() > end:
            raise SystemExit("timeout waiting for %r; got %r" % (marker, seen))
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            raise SystemExit("program ended before %r; got %r" % (marker, seen))
        if not chunk:
            raise SystemExit("program ended before %r" % marker)
        seen += chunk
until(b"Install this profile? [y/N]")
os.write(fd, b"y\n")
until(b"Confirmation code (not shown): ")
os.write(fd, code.encode() + b"\n")
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode("utf-8", "replace"))
sys.exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 99)
PY
RC=$?
[ "$RC" = 0 ] || fail "download with the code typed at the prompt: exit $RC: $(cat "$H_TMP/pty.txt")"
grep -qF "Confirmation code (not shown): " "$H_TMP/pty.txt" || fail "no prompt: $(cat "$H_TMP/pty.txt")"
grep -qw "$CC" "$H_TMP/pty.txt" && fail "the typed code was echoed: $(cat "$H_TMP/pty.txt")"
[ "$(h_order $SM CC-4 state)" = installed ] || fail "CC-4 not installed after the prompt"
echo "ok: secrets"
