#!/bin/bash
# SPDX-License-Identifier: MIT
# Crash points of profile renew (issue 10 item 4): the CLI is killed with
# SIGKILL (ESIMLPA_TEST_RENEW_KILL=STEP: right after the journal for STEP was
# written, or =load: in the middle of LoadBoundProfilePackage), then
# 'profile renew --resume --journal FILE' ends the renewal. End state: either
# "new enabled, old deleted, notifications delivered" or "old enabled, new
# kept or discarded, notifications delivered"; never nothing enabled, never
# the old profile deleted without a proven new one. Prints the table.
. "$HARNESS"
. "$(dirname "$0")/renew_lib.sh"
renew_orders 16
h_up
h_server $SM smdp nist
J=$H_TMP/renew.journal
TABLE=""
n=0

# crash CHECK_CMD DISCARD KILL_AT EXPECT_RC EXPECT_LINE EXPECT_NEW
#   EXPECT_NEW: enabled (old must be gone) | disabled | absent (old must be enabled)
crash() {
    local check=$1 discard=$2 at=$3 want_rc=$4 want_line=$5 want_new=$6
    n=$((n + 1))
    local mid; mid=$(printf R%02d $n)
    local new; new=$(iccid_of "$mid")
    fresh_card
    local args=("${TLS[@]}" profile renew -a "LPA:1\$$SM\$$mid" --delete-old --yes --journal "$J"
        --check-cmd "$check")
    [ "$discard" = 1 ] && args+=(--discard-failed)
    ESIMLPA_TEST_RENEW_KILL=$at run "${args[@]}"
    expect_rc 137 "renew killed at $at"
    [ -s "$J" ] || fail "no journal after a kill at $at"
    [ -e "$J.tmp" ] && fail "journal temporary file left after a kill at $at"
    local jstep; jstep=$(jq -r .step "$J")
    case $at in
    load) [ "$jstep" = download ] ;;
    during-check) [ "$jstep" = check ] ;;
    *) [ "$jstep" = "$at" ] ;;
    esac || fail "journal after a kill at $at says step '$jstep'"
    if [ "${POWER_CYCLE:-0}" = 1 ]; then
        # power loss: the card goes away and comes back with its saved state
        h_stop_euicc
        h_euicc "$H_TMP/state.json"
        at="$at+power"
    fi
    run "${TLS[@]}" profile renew --resume --journal "$J"
    expect_rc "$want_rc" "resume after a kill at $at ($check)"
    local line; line=$(tail -1 <<<"$ERR")
    want_line=${want_line//NEW/$new}
    if [ "$want_rc" = 0 ]; then
        grep -q "^Renewal resumed at step " <<<"$OUT" || fail "resume after $at: $OUT"
    else
        [ "$line" = "esimlpa: profile renew: $want_line" ] || fail "resume after $at: '$line'"
    fi
    local en; en=$(enabled)
    [ -n "$en" ] || fail "kill at $at: no profile enabled"
    local old_state new_state
    old_state=$(state_of $OLD); new_state=$(state_of "$new")
    case $want_new in
    enabled) [ "$en" = "$new" ] && [ "$old_state" = absent ] \
        || fail "kill at $at: expected new enabled and old deleted, got old $old_state new $new_state" ;;
    *) [ "$en" = $OLD ] && [ "$new_state" = "$want_new" ] \
        || fail "kill at $at: expected old enabled and new $want_new, got old $old_state new $new_state" ;;
    esac
    [ "$(pending)" = 0 ] || fail "kill at $at: $(pending) notification(s) pending after resume"
    [ -e "$J" ] && fail "kill at $at: journal left after resume"
    local order; order=$(h_order $SM "$mid" state)
    # A download killed mid-session: --resume cancels the session it left on
    # both sides (session file), so the order is free again (issue 10 item 3).
    case $at in
    download|load) [ "$order" = available ] || fail "kill at $at: order $order after resume, not released" ;;
    esac
    if [ "$at" = load ]; then
        grep -q "^esimlpa: profile renew: recovered: cancelled the session [0-9A-F]* that an interrupted download left with $SM$" <<<"$ERR" ||
            fail "kill at load: resume did not say it released the session: $ERR"
    fi
    TABLE="$TABLE$(printf '%-22s %-16s %-4s old=%-8s new=%-8s order=%s' \
        "$check${discard:+$([ "$discard" = 1 ] && echo ' +discard')}" "$at" "$RC" "$old_state" "$new_state" "$order")
"
}

P="interrupted at step"
# A check that passes: before it passed -> rollback; after -> finished.
crash true 0 download 5 "renew: rolled back: the renewal was $P 'download', the new profile was not installed; the old profile $OLD is still enabled" absent
crash true 0 load 5 "renew: rolled back: the renewal was $P 'download', the new profile was not installed; the old profile $OLD is still enabled" absent
crash true 0 enable 5 "renew: rolled back: the renewal was $P 'enable' before the new profile was proven; the old profile $OLD is still enabled" disabled
crash true 0 check 5 "renew: rolled back: the renewal was $P 'check' before the new profile was proven; the old profile $OLD is enabled again" disabled
# killed while the check command runs (the check kills esimlpa itself)
crash 'kill -9 $PPID; sleep 5' 0 during-check 5 "renew: rolled back: the renewal was $P 'check' before the new profile was proven; the old profile $OLD is enabled again" disabled
crash true 1 check 5 "renew: rolled back: the renewal was $P 'check' before the new profile was proven; the old profile $OLD is enabled again; the new profile NEW was deleted" absent
POWER_CYCLE=1 crash true 0 check 5 "renew: rolled back: the renewal was $P 'check' before the new profile was proven; the old profile $OLD is enabled again" disabled
crash true 0 delete-old 0 "" enabled
POWER_CYCLE=1 crash true 0 delete-old 0 "" enabled
crash true 0 notify 0 "" enabled
# A check that fails (exit 3): killed at each rollback step.
crash 'exit 3' 1 rollback 5 "renew: rolled back: check command exited 3; the old profile $OLD is enabled again; the new profile NEW was deleted" absent
crash 'exit 3' 1 discard 5 "renew: rolled back: check command exited 3; the old profile $OLD is enabled again; the new profile NEW was deleted" absent
crash 'exit 3' 1 rollback-notify 5 "renew: rolled back: check command exited 3; the old profile $OLD is enabled again; the new profile NEW was deleted" absent
crash 'exit 3' 0 rollback-notify 5 "renew: rolled back: check command exited 3; the old profile $OLD is enabled again" disabled
# --resume --json: the documented result object, resumedAt = the journal's step.
mid=$(printf R%02d $((n + 1)))
fresh_card
ESIMLPA_TEST_RENEW_KILL=notify run "${TLS[@]}" profile renew -a "LPA:1\$$SM\$$mid" --delete-old --yes --journal "$J" --check-cmd true
expect_rc 137 "renew killed at notify (json)"
run "${TLS[@]}" --json profile renew --resume --journal "$J"
expect_rc 0 "resume --json"
[ "$(jq -c '.data | keys_unsorted | sort' <<<"$OUT")" = '["enabled","isdpAid","newIccid","notifications","oldDeleted","oldIccid","resumedAt"]' ] \
    || fail "resume --json keys: $OUT"
[ "$(jq -r '.data.resumedAt' <<<"$OUT")" = notify ] || fail "resume --json resumedAt: $OUT"
[ "$(jq -r '.data.newIccid' <<<"$OUT")" = "$(iccid_of "$mid")" ] || fail "resume --json newIccid: $OUT"
[ "$(jq -r '.data.isdpAid' <<<"$OUT")" = null ] || fail "resume --json isdpAid: $OUT"
[ "$(jq -r '.data.oldDeleted' <<<"$OUT")" = true ] || fail "resume --json oldDeleted: $OUT"
[ "$(pending)" = 0 ] || fail "resume --json: notifications pending"

printf '# %-22s %-16s %-4s %s\n' "check" "killed at" "rc" "end state after --resume"
sed 's/^/# /' <<<"$TABLE"
echo "ok: renewal crash points, each resumed to a safe end state"
