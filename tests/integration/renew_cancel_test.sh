#!/bin/bash
# SPDX-License-Identifier: MIT
# Ctrl-C during profile renew (issue 10 item 2 for the renewal), end to end
# through pcscd and verified TLS: before and during the download nothing
# changes (the session is cancelled on both sides, the order is free again);
# after the download the new profile stays installed, not enabled; after the
# switch and during the check the renewal rolls back; once the old profile is
# being deleted it is too late and the renewal finishes. Exit 130 with one
# exact line each time; no notification left pending, no journal left.
# The signal is SIGINT, sent by the CLI to itself at a renewal step
# (ESIMLPA_TEST_RENEW_SIGNAL) or from outside during the check command.
. "$HARNESS"
. "$(dirname "$0")/renew_lib.sh"
renew_orders 6
h_up
h_server $SM smdp nist
J=$H_TMP/renew.journal

# after_cancel ORDER STATE: the old profile is enabled, no notification is
# pending, no journal is left, and the order is in STATE.
after_cancel() {
    [ "$(enabled)" = $OLD ] || fail "$1: enabled is '$(enabled)', not the old profile"
    [ "$(pending)" = 0 ] || fail "$1: notifications left pending"
    [ -e "$J" ] && fail "$1: journal left"
    [ "$(h_order $SM "$1" state)" = "$2" ] || fail "$1: order is $(h_order $SM "$1" state), expected $2"
}

# 1. Ctrl-C before the download starts: nothing changes, the order is free.
ESIMLPA_TEST_RENEW_SIGNAL=download run "${TLS[@]}" profile renew -a "LPA:1\$$SM\$R01" \
    --delete-old --yes --journal "$J"
expect_rc 130 "renew, Ctrl-C before the download"
[ "$(tail -1 <<<"$ERR")" = "esimlpa: profile renew: renew: cancelled, nothing changed: download cancelled before getEUICCChallenge" ] \
    || fail "Ctrl-C before the download: $ERR"
after_cancel R01 available
[ "$(state_of "$(iccid_of R01)")" = absent ] || fail "R01 installed after a cancel"

# 2. Ctrl-C in the middle of LoadBoundProfilePackage: cancelled on both sides.
fresh_card
ESIMLPA_TEST_RENEW_SIGNAL=load run "${TLS[@]}" profile renew -a "LPA:1\$$SM\$R02" \
    --delete-old --yes --journal "$J"
expect_rc 130 "renew, Ctrl-C mid-load"
[ "$(tail -1 <<<"$ERR")" = "esimlpa: profile renew: renew: cancelled, nothing changed: LoadBoundProfilePackage: cancelled after segment 1; session cancelled" ] \
    || fail "Ctrl-C mid-load: $ERR"
after_cancel R02 available
[ "$(state_of "$(iccid_of R02)")" = absent ] || fail "R02 installed after a cancel mid-load"

# 3. Ctrl-C once the download has finished: the new profile stays installed,
#    not enabled; its install notification is delivered.
fresh_card
new=$(iccid_of R03)
ESIMLPA_TEST_RENEW_SIGNAL=downloaded run "${TLS[@]}" profile renew -a "LPA:1\$$SM\$R03" \
    --delete-old --yes --journal "$J"
expect_rc 130 "renew, Ctrl-C after the download"
[ "$(tail -1 <<<"$ERR")" = "esimlpa: profile renew: renew: cancelled after the download: the new profile $new is installed, not enabled; the old profile $OLD stays enabled" ] \
    || fail "Ctrl-C after the download: $ERR"
after_cancel R03 installed
[ "$(state_of "$new")" = disabled ] || fail "R03 after a cancel after the download: $(state_of "$new")"

# 4. Ctrl-C while the switch runs: rolled back.
fresh_card
new=$(iccid_of R04)
ESIMLPA_TEST_RENEW_SIGNAL=enable run "${TLS[@]}" profile renew -a "LPA:1\$$SM\$R04" \
    --delete-old --yes --journal "$J" --check-cmd true
expect_rc 130 "renew, Ctrl-C at the switch"
[ "$(tail -1 <<<"$ERR")" = "esimlpa: profile renew: renew: rolled back: cancelled after the switch; the old profile $OLD is enabled again" ] \
    || fail "Ctrl-C at the switch: $ERR"
after_cancel R04 installed
[ "$(state_of "$new")" = disabled ] || fail "R04 after a cancel at the switch: $(state_of "$new")"

# 5. A real SIGINT from outside while the check command runs: the check's
#    process group is killed at once and the renewal rolls back.
fresh_card
new=$(iccid_of R05)
rm -f "$H_TMP/checking"
"$CLI" "${TLS[@]}" profile renew -a "LPA:1\$$SM\$R05" --delete-old --discard-failed --yes \
    --journal "$J" --check-cmd "sleep 60 & echo \$! >$H_TMP/bg.pid; touch $H_TMP/checking; wait" \
    --check-timeout 100 >"$H_TMP/out5" 2>"$H_TMP/err5" &
cli=$!
for _ in $(seq 600); do [ -e "$H_TMP/checking" ] && break; sleep 0.05; done
[ -e "$H_TMP/checking" ] || fail "the check command did not start: $(cat "$H_TMP/err5")"
start=$(date +%s)
kill -INT $cli
wait $cli; RC=$?; ERR=$(cat "$H_TMP/err5")
expect_rc 130 "renew, SIGINT during the check"
took=$(($(date +%s) - start))
[ $took -le 20 ] || fail "the cancel during the check took $took s"
[ "$(tail -1 <<<"$ERR")" = "esimlpa: profile renew: renew: rolled back: cancelled during the check; the old profile $OLD is enabled again; the new profile $new was deleted" ] \
    || fail "SIGINT during the check: $ERR"
grep -qx "esimlpa: cancelling…" <<<"$ERR" || fail "no 'cancelling' line: $ERR"
bg=$(cat "$H_TMP/bg.pid")
[ -r /proc/$bg/stat ] && [ "$(cut -d' ' -f3 /proc/$bg/stat)" != Z ] && fail "the check's child $bg survived"
after_cancel R05 installed
[ "$(state_of "$new")" = absent ] || fail "R05 after --discard-failed: $(state_of "$new")"

# 6. Ctrl-C while the old profile is being deleted: too late, it finishes.
fresh_card
new=$(iccid_of R06)
ESIMLPA_TEST_RENEW_SIGNAL=delete-old run "${TLS[@]}" profile renew -a "LPA:1\$$SM\$R06" \
    --delete-old --yes --journal "$J" --check-cmd true
expect_rc 0 "renew, Ctrl-C at delete-old"
grep -qx "esimlpa: profile renew: too late to cancel: the new profile was proven and the renewal finished" <<<"$ERR" \
    || fail "Ctrl-C at delete-old: $ERR"
[ "$(enabled)" = "$new" ] || fail "after a late Ctrl-C: enabled $(enabled)"
[ "$(state_of $OLD)" = absent ] || fail "old profile kept after a late Ctrl-C"
[ "$(pending)" = 0 ] || fail "notifications pending after a late Ctrl-C"
[ -e "$J" ] && fail "journal left after a late Ctrl-C"
echo "ok: Ctrl-C during a renewal"
