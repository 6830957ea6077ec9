#!/bin/bash
# SPDX-License-Identifier: MIT
# profile renew with a connectivity check (issue 10 item 4), end to end
# through pcscd and verified TLS: the check proves the new profile before the
# old one is deleted; a failing or hanging check rolls back (exit 5, one
# line); --discard-failed deletes the failed profile; notifications are
# delivered in every case; the journal's errors name the file.
. "$HARNESS"
. "$(dirname "$0")/renew_lib.sh"
renew_orders 6
h_up
h_server $SM smdp nist
J=$H_TMP/renew.journal
export ESIMLPA_TEST_CLI=$CLI ESIMLPA_TEST_TMP=$H_TMP

# 1. The check passes (and sees the new and old ICCIDs and the ISD-P AID):
#    the old profile is deleted, notifications delivered, journal removed.
#    The renewal holds the card throughout: another esimlpa run from the
#    check itself gets the card-in-use error.
new=$(iccid_of R01)
run "${TLS[@]}" --json profile renew -a "LPA:1\$$SM\$R01" --delete-old --yes --journal "$J" \
    --check-cmd '"$ESIMLPA_TEST_CLI" --wait 1 profile list 2>"$ESIMLPA_TEST_TMP/busy.err"; echo $? >"$ESIMLPA_TEST_TMP/busy.rc"; test -n "$ESIMLPA_NEW_ISDP_AID" && test "$ESIMLPA_NEW_ICCID" = '"$new"' && test "$ESIMLPA_OLD_ICCID" = '"$OLD"' && echo checked' \
    --check-timeout 30
expect_rc 0 "renew with a passing check"
[ "$(jq -r .data.oldDeleted <<<"$OUT")" = true ] || fail "passing check: $OUT"
[ "$(jq -r .data.newIccid <<<"$OUT")" = "$new" ] || fail "passing check newIccid: $OUT"
grep -qx checked <<<"$ERR" || fail "the check command's output is not on stderr: $ERR"
[ "$(cat "$H_TMP/busy.rc")" = 2 ] || fail "esimlpa during the check: exit $(cat "$H_TMP/busy.rc")"
[ "$(cat "$H_TMP/busy.err")" = "esimlpa: profile list: open: the card is in use by another program (waited 1 s)" ] \
    || fail "esimlpa during the check: $(cat "$H_TMP/busy.err")"
[ "$(enabled)" = "$new" ] || fail "after a passing check: enabled $(enabled)"
[ "$(state_of $OLD)" = absent ] || fail "old profile kept after a passing check"
[ "$(pending)" = 0 ] || fail "notifications pending after a passing check"
[ "$(h_order $SM R01 state)" = installed ] || fail "order R01: $(h_order $SM R01 state)"
[ -e "$J" ] && fail "journal left after the renewal"
[ -e "$J.tmp" ] && fail "journal temporary file left"

# 2. The check fails (exit 3): exit 5, the exact line, old enabled again,
#    new kept disabled, notifications delivered.
fresh_card
new=$(iccid_of R02)
run "${TLS[@]}" profile renew -a "LPA:1\$$SM\$R02" --delete-old --yes --journal "$J" --check-cmd 'exit 3'
expect_rc 5 "renew with a failing check"
[ "$(tail -1 <<<"$ERR")" = "esimlpa: profile renew: renew: rolled back: check command exited 3; the old profile $OLD is enabled again" ] \
    || fail "failing check message: $(tail -1 <<<"$ERR")"
[ "$(enabled)" = $OLD ] || fail "after a failing check: enabled $(enabled)"
[ "$(state_of "$new")" = disabled ] || fail "new profile after a failing check: $(state_of "$new")"
[ "$(pending)" = 0 ] || fail "notifications pending after a failing check"
[ "$(h_order $SM R02 state)" = installed ] || fail "order R02: $(h_order $SM R02 state)"
[ -e "$J" ] && fail "journal left after the rollback"

# 3. The check hangs: killed with its process group after --check-timeout.
fresh_card
new=$(iccid_of R03)
start=$(date +%s)
run "${TLS[@]}" --json profile renew -a "LPA:1\$$SM\$R03" --yes \
    --check-cmd "sleep 60 & echo \$! >$H_TMP/bg.pid; wait" --check-timeout 1
expect_rc 5 "renew with a hanging check"
took=$(($(date +%s) - start))
[ $took -le 15 ] || fail "a 1 s check timeout took $took s"
[ "$(tail -1 <<<"$ERR")" = "esimlpa: profile renew: renew: rolled back: check command timed out after 1 s; the old profile $OLD is enabled again" ] \
    || fail "timeout message: $ERR"
[ "$(jq -r .error.name <<<"$OUT")" = ESIMLPA_EROLLED_BACK ] || fail "JSON error: $OUT"
[ "$(jq -r .error.code <<<"$OUT")" = -567 ] || fail "JSON error code: $OUT"
[ "$(jq -r .error.reason <<<"$OUT")" = "check command timed out after 1 s" ] || fail "JSON reason: $OUT"
bg=$(cat "$H_TMP/bg.pid")
alive() { [ -r /proc/$1/stat ] && [ "$(cut -d' ' -f3 /proc/$1/stat 2>/dev/null)" != Z ]; }
alive "$bg" && fail "the check command's child $bg survived the timeout"
[ "$(enabled)" = $OLD ] || fail "after a check timeout: enabled $(enabled)"
[ "$(state_of "$new")" = disabled ] || fail "new profile after a check timeout: $(state_of "$new")"
[ "$(pending)" = 0 ] || fail "notifications pending after a check timeout"

# 4. --discard-failed: the failed new profile is deleted too.
fresh_card
new=$(iccid_of R04)
run "${TLS[@]}" profile renew -a "LPA:1\$$SM\$R04" --delete-old --discard-failed --yes --check-cmd 'exit 3'
expect_rc 5 "renew --discard-failed with a failing check"
[ "$(tail -1 <<<"$ERR")" = "esimlpa: profile renew: renew: rolled back: check command exited 3; the old profile $OLD is enabled again; the new profile $new was deleted" ] \
    || fail "discard message: $ERR"
[ "$(enabled)" = $OLD ] || fail "after discard: enabled $(enabled)"
[ "$(state_of "$new")" = absent ] || fail "new profile after discard: $(state_of "$new")"
[ "$(pending)" = 0 ] || fail "notifications pending after discard"
[ "$(h_order $SM R04 state)" = installed ] || fail "order R04: $(h_order $SM R04 state)"

# 5. Bad input: exact lines, exit codes, nothing changed on the card.
before=$("$CLI" --json profile list | jq -c '[.data[] | [.iccid, .state]]')
run profile renew --resume
expect_rc 1 "--resume without --journal"
[ "$(head -1 <<<"$ERR")" = "esimlpa: profile renew: --resume needs --journal FILE" ] || fail "$ERR"
run profile renew -a "LPA:1\$$SM\$R05" --check-cmd true --check-timeout 0
expect_rc 1 "--check-timeout 0"
[ "$(head -1 <<<"$ERR")" = "esimlpa: profile renew: --check-timeout: '0' is not a number of seconds (1..86400)" ] || fail "$ERR"
run profile renew --resume --journal "$J" -a "LPA:1\$$SM\$R05"
expect_rc 1 "--resume with an activation code"
[ "$(head -1 <<<"$ERR")" = "esimlpa: profile renew: --resume takes only --journal FILE: the rest is in the journal" ] || fail "$ERR"
run "${TLS[@]}" profile renew --resume --journal "$H_TMP/none.journal"
expect_rc 2 "--resume with a missing journal"
[ "$ERR" = "esimlpa: profile renew: the renewal journal cannot be used (renew: cannot read journal $H_TMP/none.journal (No such file or directory))" ] || fail "$ERR"
echo 'not json' >"$H_TMP/bad.journal"
run "${TLS[@]}" profile renew --resume --journal "$H_TMP/bad.journal"
expect_rc 2 "--resume with a garbage journal"
[ "$ERR" = "esimlpa: profile renew: the renewal journal cannot be used (renew: journal $H_TMP/bad.journal is not a usable renewal journal (not JSON))" ] || fail "$ERR"
eid=$("$CLI" --json chip info | jq -r .data.eid)
other=89049032000000000000000000000042
jq -n --arg e $other '{format:"esimlpa-renew-journal/1",eid:$e,step:"check",old:"89049032000000000013",before:[],options:{}}' >"$H_TMP/other.journal"
run "${TLS[@]}" profile renew --resume --journal "$H_TMP/other.journal"
expect_rc 2 "--resume with another eUICC's journal"
[ "$ERR" = "esimlpa: profile renew: the renewal journal cannot be used (renew: journal $H_TMP/other.journal is for eUICC $other, not this one ($eid))" ] || fail "$ERR"
run "${TLS[@]}" profile renew -a "LPA:1\$$SM\$R05" --yes --journal "$H_TMP/other.journal"
expect_rc 2 "renew over an existing journal"
[ "$ERR" = "esimlpa: profile renew: the renewal journal cannot be used (renew: journal $H_TMP/other.journal exists: an interrupted renewal, finish it with resume first)" ] || fail "$ERR"
[ "$("$CLI" --json profile list | jq -c '[.data[] | [.iccid, .state]]')" = "$before" ] \
    || fail "profiles changed after bad input"
[ "$(h_order $SM R05 state)" = available ] || fail "order R05 touched by bad input: $(h_order $SM R05 state)"
echo "ok: renewal check, rollback, discard and journal errors"
