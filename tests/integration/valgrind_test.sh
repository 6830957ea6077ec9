#!/bin/bash
# SPDX-License-Identifier: MIT
# The CLI's end-to-end flows under valgrind (issue 4 item 5): chip info,
# profile list, enable, download, notification process and a failing
# download, through pcscd + verified TLS. Any memory error or definite /
# indirect leak fails the test. Skipped (77) without valgrind.
command -v valgrind >/dev/null 2>&1 || { echo "valgrind not installed: skipped"; exit 77; }
# valgrind cannot run sanitizer builds: skip them (the ASan run covers those).
if ldd "$CLI" 2>/dev/null | grep -q 'lib[at]san' || nm "$CLI" 2>/dev/null | grep -q '__asan_init'; then
    echo "sanitizer build: skipped"; exit 77
fi
. "$HARNESS"
SM=testsmdpplus1.example.com
TLS=(--ca-file "$PKI_DIR/ci_nist.pem" --resolve "$SM:443:127.0.0.1")
VG=(valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect
    --error-exitcode=99 --track-fds=no --log-file="$H_TMP/vg.%p.log")
h_up
# The first PIR is refused (503), so `notification process` has one to send.
h_server $SM smdp nist "" --fault handleNotification:http=503:count=1
N=0
vg() {  # vg EXPECTED_RC ARGS...: run the CLI under valgrind
    local want=$1; shift
    N=$((N + 1))
    OUT=$("${VG[@]}" "$CLI" "$@" 2>"$H_TMP/err"); RC=$?
    ERR=$(cat "$H_TMP/err")
    [ "$RC" != 99 ] || { cat "$H_TMP"/vg.*.log >&2; fail "valgrind errors in: esimlpa $*"; }
    expect_rc "$want" "$* (under valgrind)"
    if grep -lE "ERROR SUMMARY: [1-9]|definitely lost: [1-9]|indirectly lost: [1-9]" "$H_TMP"/vg.*.log 2>/dev/null; then
        cat "$H_TMP"/vg.*.log >&2; fail "valgrind report for: esimlpa $*"
    fi
}
vg 0 chip info
vg 0 --json profile list
new=$(jq -r '[.data[] | select(.state == "disabled")][0].iccid' <<<"$OUT")
vg 0 profile enable "$new"
vg 0 --json notification list
vg 0 --yes notification remove --all
vg 0 "${TLS[@]}" profile download -a "LPA:1\$$SM\$TEST-8K" --yes
vg 0 --json notification list
[ "$(jq '.data | length' <<<"$OUT")" = 1 ] || fail "the refused PIR is not pending: $OUT"
vg 0 "${TLS[@]}" notification process
# A failing download: the server drops getBoundProfilePackage, the LPA cancels.
h_stop_servers
h_server $SM smdp nist "" --fault getBoundProfilePackage:close-mid-body
vg 2 "${TLS[@]}" profile download -a "LPA:1\$$SM\$TEST-30K-PPK" --yes
# And an untrusted server certificate.
h_stop_servers
h_server $SM smdp nist dptls_untrusted
vg 2 "${TLS[@]}" profile download -a "LPA:1\$$SM\$TEST-30K-PPK" --yes
echo "ok: valgrind ($N CLI runs, no errors, no leaks)"
