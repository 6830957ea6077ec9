#!/bin/bash
# SPDX-License-Identifier: MIT
# Card and service faults through the real PC/SC stack: no card, the card
# removed in the middle of a command, no pcscd. Each gives exit 2 and a
# one-line reason, and the eUICC state stays intact.
. "$HARNESS"
h_up

# Card removed in the middle of a long command (slow card, then killed).
h_stop_euicc
EUICC_ARGS="--apdu-delay-ms 150" h_euicc "$H_TMP/state.json"
( sleep 0.4; kill "$H_EUICC_PID" ) &
run profile list
wait $!
[ "$RC" = 2 ] || fail "card removed mid-command: exit $RC ($ERR)"
note "removed: $ERR"
H_EUICC_PID=""

# No card in the reader at all.
sleep 1
run chip info
[ "$RC" = 2 ] || fail "no card: exit $RC ($ERR)"
grep -qiE "card" <<<"$ERR" || fail "no-card error does not say so: $ERR"
note "absent: $ERR"

# The state file survived: the soft eUICC comes back with the same profiles.
h_euicc "$H_TMP/state.json"
run --json profile list;  expect_rc 0 "profile list after reinsertion"
[ "$(jq '.data | length' <<<"$OUT")" -ge 2 ] || fail "profiles lost: $OUT"

# Unknown reader name.
run --reader "No Such Reader 99" chip info
[ "$RC" = 2 ] || fail "unknown reader: exit $RC ($ERR)"
grep -qi "reader" <<<"$ERR" || fail "unknown-reader error: $ERR"

# No PC/SC service (only when this test started pcscd itself).
if [ -n "$H_PCSCD_PID" ]; then
    h_stop_euicc
    kill "$H_PCSCD_PID"; wait "$H_PCSCD_PID" 2>/dev/null; H_PCSCD_PID=""
    run chip info
    [ "$RC" = 2 ] || fail "no pcscd: exit $RC ($ERR)"
    note "no service: $ERR"
fi
echo "ok: faults"
