#!/bin/sh
# SPDX-License-Identifier: MIT
# The esimlpa CLI without a card: help, version, usage errors (exit 1, one
# line on stderr, JSON error object with --json), confirmation refused
# without a terminal. Nothing here touches PC/SC.
CLI=$1
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# expect STATUS ARGS...: run the CLI (stdin from /dev/null) and check its exit status.
expect() {
    want=$1; shift
    ${MESON_EXE_WRAPPER:-} "$CLI" "$@" </dev/null >/tmp/cli-usage-out.$$ 2>/tmp/cli-usage-err.$$
    rc=$?
    OUT=$(cat /tmp/cli-usage-out.$$); ERR=$(cat /tmp/cli-usage-err.$$)
    rm -f /tmp/cli-usage-out.$$ /tmp/cli-usage-err.$$
    [ "$rc" = "$want" ] || fail "esimlpa $*: exit $rc, want $want ($ERR)"
}

expect 0 --help
echo "$OUT" | grep -q "profile enable" || fail "--help lists no commands"
expect 0 --version
echo "$OUT" | grep -q "^esimlpa" || fail "--version: $OUT"
for c in "chip info" "chip set-default-dp" "chip reset" "profile list" "profile enable" \
         "profile disable" "profile delete" "profile nickname" "notification list" \
         "notification remove" "reader list"; do
    # shellcheck disable=SC2086
    expect 0 $c --help
    echo "$OUT" | grep -q "^Usage: esimlpa $c" || fail "$c --help: $OUT"
done
expect 0 profile --help

expect 1
expect 1 bogus
echo "$ERR" | grep -q "unknown command 'bogus'" || fail "unknown command: $ERR"
expect 1 profile frobnicate
expect 1 profile enable
expect 1 profile enable 123
[ "$(echo "$ERR" | head -1)" = "esimlpa: profile enable: '123' is not an ICCID (18..20 digits) or ISD-P AID (32 hex digits)" ] \
    || fail "malformed ID message: $ERR"
expect 1 --json profile enable 123
echo "$OUT" | grep -q '^{"ok":false,"error":{"code":-1,"name":"ESIMLPA_EINVAL","message":' \
    || fail "JSON usage error: $OUT"
expect 1 profile enable 89000123456789012341 --bogus
expect 1 profile nickname 89000123456789012341
expect 1 profile nickname 8900012345678901234A name
expect 1 profile nickname 89000123456789012341 \
    xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
expect 1 notification remove
expect 1 notification remove 5 --all
expect 1 notification remove -3
expect 1 notification remove abc
expect 1 --mss 0 chip info
expect 1 --mss 256 chip info
expect 1 --reader
expect 1 chip info extra
expect 1 chip set-default-dp
# Destructive commands refuse without a terminal and without --yes.
expect 1 chip reset
echo "$ERR" | grep -q -- "--yes" || fail "chip reset refusal does not mention --yes: $ERR"
expect 1 profile delete 89000123456789012341

[ "$fails" = 0 ] && echo "ok: CLI usage" 
exit $((fails != 0))
