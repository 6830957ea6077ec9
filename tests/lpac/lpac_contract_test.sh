#!/bin/bash
# SPDX-License-Identifier: MIT
# esimlpa-lpac against lpac's documented contract: every command's lines fit
# the shape fixtures (fixtures/*.json, written from lpac's docs/USAGE.md),
# values have lpac's formats, and the deliberate differences hold: TLS
# verified by default, notifications removed only once the server accepted
# them, euiccCategory from its own tag. Soft eUICC behind pcscd, test SM-DP+
# and SM-DS over HTTPS.
. "$HARNESS"
command -v jq >/dev/null || { echo "skip: jq not found"; exit 77; }
F=$LPAC_TESTS/fixtures
SM=testsmdpplus1.example.com
DS=testsmds.example.com          # the test PKI's DStls name
ROOTDS=testrootsmds.example.com  # the seed's root SM-DS address
# The reader as lpac picks it (a substring of its name); our test CI and host names.
export LPAC_APDU_PCSC_DRV_NAME="Virtual PCD 00 00"
unset ESIMLPA_READER
TLS_ENV=(ESIMLPA_CA_FILE="$PKI_DIR/ci_nist.pem" ESIMLPA_RESOLVE="$SM:443:127.0.0.1,$DS:443:127.0.0.1")

# lp ARGS...: run esimlpa-lpac; all lines in $LINES, the last in $OUT, status in $RC.
lp() {
    CMD="$*"
    LINES=$(env "${EXTRA_ENV[@]}" "$LPAC_CLI" "$@" 2>"$H_TMP/err"); RC=$?
    ERR=$(cat "$H_TMP/err")
    OUT=$(tail -n 1 <<<"$LINES")
}
EXTRA_ENV=()
fits() {   # fits FIXTURE [LINE]: the line fits the fixture's shape
    local line=${2:-$OUT} bad
    bad=$(jq -r --argjson fixture "$(cat "$F/$1.json")" -f "$LPAC_TESTS/shape.jq" <<<"$line") ||
        fail "$CMD: not JSON: $line"
    [ -z "$bad" ] || fail "$CMD: does not fit $1.json: $bad (line: ${line:0:300})"
}
ok() {     # ok FIXTURE: exit 0, a final success line of that shape, every other line progress
    [ "$RC" = 0 ] || fail "$CMD: exit $RC: $LINES $ERR"
    [ "$(jq -r '.type + " " + (.payload.code|tostring) + " " + .payload.message' <<<"$OUT")" = "lpa 0 success" ] ||
        fail "$CMD: final line $OUT"
    fits "$1"
    local n; n=$(wc -l <<<"$LINES")
    if [ "$n" -gt 1 ]; then
        while IFS= read -r l; do
            [ "$(jq -r .type <<<"$l")" = progress ] || fail "$CMD: a line before the last is not progress: $l"
            [ "$(jq -r '.payload.message' <<<"$l")" = es8p_metadata_parse ] && continue
            fits progress "$l"
        done < <(head -n $((n - 1)) <<<"$LINES")
    fi
}
err() {    # err EXIT MESSAGE DATA: exactly one error line
    [ "$RC" = "$1" ] || fail "$CMD: exit $RC, expected $1 ($LINES)"
    fits error
    [ "$(jq -r .payload.code <<<"$OUT")" = -1 ] || fail "$CMD: code $(jq .payload.code <<<"$OUT")"
    [ "$(jq -r .payload.message <<<"$OUT")" = "$2" ] || fail "$CMD: message '$(jq -r .payload.message <<<"$OUT")', expected '$2'"
    # curl's own words carry a time ("after 0 ms"): compared as "after N ms"
    local data; data=$(jq -r .payload.data <<<"$OUT" | sed 's/after [0-9]* ms/after N ms/')
    [ "$data" = "$3" ] || fail "$CMD: data '$data', expected '$3'"
}
steps() { jq -r 'select(.type == "progress") | .payload.message' <<<"$LINES" | tr '\n' ' ' | sed 's/ $//'; }

h_up
h_server $SM smdp nist

# --- without a card: version, driver ---
lp version; ok version
lp driver list; [ "$RC" = 0 ] || fail "$CMD: exit $RC"; fits driver_list
[ "$(jq -r .type <<<"$OUT")" = driver ] || fail "$CMD: type $OUT"
[ "$(jq -c .payload.LPAC_APDU <<<"$OUT")" = '["pcsc","at","at_csim","qmi"]' ] || fail "$CMD: $OUT"
lp driver apdu list; [ "$RC" = 0 ] || fail "$CMD: exit $RC"; fits driver_apdu_list
[ "$(jq -r .payload.env <<<"$OUT")" = LPAC_APDU_PCSC_DRV_IFID ] || fail "$CMD: $OUT"
jq -e '.payload.data | map(.name) | index("Virtual PCD 00 00") != null' <<<"$OUT" >/dev/null || fail "$CMD: no vpcd reader: $OUT"

# --- chip info ---
lp chip info; ok chip_info
eid=$(jq -r .payload.data.eidValue <<<"$OUT")
[[ $eid =~ ^[0-9]{32}$ ]] || fail "$CMD: eidValue $eid"
d=.payload.data.EUICCInfo2
[ "$(jq -r "$d.euiccCategory" <<<"$OUT")" = basicEuicc ] || fail "$CMD: euiccCategory (the seed says 1, basicEuicc): $OUT"
[[ $(jq -r "$d.svn" <<<"$OUT") =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "$CMD: svn not x.y.z"
jq -e "$d.euiccCiPKIdListForVerification | all(test(\"^[0-9a-f]{40}$\"))" <<<"$OUT" >/dev/null ||
    fail "$CMD: CI PKIDs not 20 bytes of lower-case hex: $(jq -c "$d.euiccCiPKIdListForVerification" <<<"$OUT")"
ci8=$(jq -r "$d.euiccCiPKIdListForVerification[0][0:8] | ascii_upcase" <<<"$OUT")
[ "$(jq -r .payload.data.EuiccConfiguredAddresses.rootDsAddress <<<"$OUT")" = $ROOTDS ] || fail "$CMD: rootDsAddress"
[ "$(jq -c '.payload.data.rulesAuthorisationTable[0]' <<<"$OUT")" = \
  '{"pprIds":["ppr1","ppr2"],"allowedOperators":[{"plmn":"62f210","gid1":null,"gid2":null}],"pprFlags":["consentRequired"]}' ] ||
    fail "$CMD: rulesAuthorisationTable $(jq -c .payload.data.rulesAuthorisationTable <<<"$OUT")"

# --- chip defaultsmdp ---
lp chip defaultsmdp $SM; ok success_null
lp chip info; [ "$(jq -r .payload.data.EuiccConfiguredAddresses.defaultDpAddress <<<"$OUT")" = $SM ] || fail "defaultsmdp not set: $OUT"

# --- profile list ---
lp profile list; ok profile_list
jq -e '.payload.data | all(.isdpAid | test("^[0-9a-f]{10,32}$"))' <<<"$OUT" >/dev/null || fail "$CMD: isdpAid not lower-case hex"
jq -e '.payload.data | all(.profileState == "enabled" or .profileState == "disabled")' <<<"$OUT" >/dev/null || fail "$CMD: profileState"
png=$(jq -r '[.payload.data[] | select(.iconType == "png")][0].icon' <<<"$OUT")
[ "$png" != null ] || fail "$CMD: the seed has a PNG icon: $OUT"
[ "$(base64 -d <<<"$png" | head -c 8 | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "$CMD: icon is not base64 PNG"
enabled=$(jq -r '[.payload.data[] | select(.profileState == "enabled")][0].iccid' <<<"$OUT")
other=$(jq -r '[.payload.data[] | select(.profileState == "disabled")][0].iccid' <<<"$OUT")

# --- profile nickname / enable / disable ---
lp profile nickname "$enabled" Work; ok success_null
lp profile list; [ "$(jq -r --arg i "$enabled" '.payload.data[] | select(.iccid == $i) | .profileNickname' <<<"$OUT")" = Work ] ||
    fail "nickname not set"
lp profile enable "$enabled"
err 255 es10c_enable_profile "ESIMLPA_EPROFILE_NOT_DISABLED: EnableProfile: eUICC result 2 (profileNotInDisabledState)"
lp profile disable "$enabled" 0; ok success_null
lp profile enable "$other" 0; ok success_null

# --- notifications: the disable and enable above left two pending ---
lp notification list; ok notification_list
[ "$(jq '.payload.data | length' <<<"$OUT")" = 2 ] || fail "$CMD: expected 2 pending: $OUT"
jq -e '[.payload.data[].profileManagementOperation] == ["disable","enable"]' <<<"$OUT" >/dev/null || fail "$CMD: operations $OUT"
seq1=$(jq -r '.payload.data[0].seqNumber' <<<"$OUT"); seq2=$(jq -r '.payload.data[1].seqNumber' <<<"$OUT")
# dump: lpac's format, one notification object per line and nothing else
lp notification dump -a; [ "$RC" = 0 ] || fail "$CMD: exit $RC $LINES"
[ "$(wc -l <<<"$LINES")" = 2 ] || fail "$CMD: expected 2 lines: $LINES"
while IFS= read -r l; do fits notification_dump "$l"; done <<<"$LINES"
[ "$(jq -r .eid <<<"$OUT")" = "$eid" ] || fail "$CMD: eid"
[ "$(jq -r .seqNumber <<<"$OUT")" = "$seq2" ] || fail "$CMD: seqNumber"
[ "$(jq -r .pendingNotification <<<"$OUT" | base64 -d | head -c 1 | od -An -tx1 | tr -d ' ')" = 30 ] ||
    fail "$CMD: pendingNotification is not a base64 OtherSignedNotification (SEQUENCE)"
lp notification remove "$seq1"; ok success_null
[ "$(steps)" = es10b_remove_notification_from_list ] || fail "$CMD: progress $(steps)"
lp notification remove "$seq1"
err 255 es10b_remove_notification_from_list "ESIMLPA_ENOTHING_TO_DELETE: RemoveNotificationFromList: eUICC result 1 (nothingToDelete)"


# process -a -r: delivered over verified TLS, removed after the server accepted it
EXTRA_ENV=("${TLS_ENV[@]}")
lp notification process -a -r; ok success_null
[ "$(steps)" = "es10b_list_notification es10b_retrieve_notifications_list es9p_handle_notification es10b_remove_notification_from_list" ] ||
    fail "$CMD: progress $(steps)"
[ "$(jq -r .notifications.verified "$H_TMP/$SM.status.json")" = 1 ] || fail "$CMD: server did not verify it"
lp notification list; [ "$(jq '.payload.data | length' <<<"$OUT")" = 0 ] || fail "still pending after process: $OUT"

# A notification the server does not accept stays on the card (lpac -r removes
# it whatever the answer): the SM-DP+ is gone.
lp profile disable "$other" 0; ok success_null
h_stop_servers
lp notification process -a -r
err 255 es9p_handle_notification "ESIMLPA_EHTTP_CONNECT: handleNotification: POST https://$SM/gsma/rsp2/es9plus/handleNotification failed: cannot resolve or connect to the server (Failed to connect to $SM port 443 after N ms: Couldn't connect to server)"
lp notification list; [ "$(jq '.payload.data | length' <<<"$OUT")" = 1 ] || fail "removed although not delivered: $OUT"
h_server $SM smdp nist

# dump, then replay without the card (as from another machine): the server
# gets and verifies it, the card still holds it until "notification remove".
lp notification dump -a; [ "$RC" = 0 ] || fail "$CMD: exit $RC"
printf '%s\n' "$LINES" >"$H_TMP/dump.jsonl"
replay() { CMD="notification replay <$1"; LINES=$(env "${TLS_ENV[@]}" "$LPAC_CLI" notification replay <"$1" 2>"$H_TMP/err"); RC=$?; OUT=$(tail -n1 <<<"$LINES"); }
replay "$H_TMP/dump.jsonl"; ok success_null
[ "$(steps)" = es9p_handle_notification ] || fail "$CMD: progress $(steps)"
[ "$(jq -r .notifications.verified "$H_TMP/$SM.status.json")" = 1 ] || fail "$CMD: server did not verify the replayed notification"
lp notification list; [ "$(jq '.payload.data | length' <<<"$OUT")" = 1 ] || fail "replay touched the card: $OUT"
printf '{"type":"notification","seqNumber":1}\n' >"$H_TMP/bad.jsonl"
replay "$H_TMP/bad.jsonl"; err 255 parse_notification 'line 1 is not a notification of "notification dump"'
jq -c '.pendingNotification = "AAAA"' "$H_TMP/dump.jsonl" >"$H_TMP/bad.jsonl"
replay "$H_TMP/bad.jsonl"; err 255 es9p_handle_notification "ESIMLPA_EINVAL: notification send: not a PendingNotification (BF37 or 30 TLV)"
replay /dev/null; err 255 parse_notification "no notification on stdin"
lp notification remove -a; ok success_null

# --- profile download: TLS verified against the bundled CI trust by default ---
EXTRA_ENV=(ESIMLPA_RESOLVE="$SM:443:127.0.0.1")
lp profile download -a "LPA:1\$$SM\$TEST-8K"
err 255 es9p_initiate_authentication "ESIMLPA_EHTTP_CERT: initiateAuthentication: POST https://$SM/gsma/rsp2/es9plus/initiateAuthentication failed: server certificate not trusted, expired or for another host (TLS: this eUICC trusts none of the bundled production RSP CIs (it lists $ci8…))"
EXTRA_ENV=("${TLS_ENV[@]}")
lp profile download -a "LPA:1\$$SM\$TEST-8K"; ok download
[ "$(steps)" = "es10b_get_euicc_challenge_and_info es9p_initiate_authentication es10b_authenticate_server es9p_authenticate_client es8p_metadata_parse es10b_prepare_download es9p_get_bound_profile_package es10b_load_bound_profile_package es9p_handle_notification" ] ||
    fail "$CMD: progress $(steps)"
fits metadata "$(grep es8p_metadata_parse <<<"$LINES")"
want=$(h_order $SM TEST-8K iccid)
[ "$(jq -r .payload.data.iccid <<<"$OUT")" = "$want" ] || fail "$CMD: iccid $(jq -r .payload.data.iccid <<<"$OUT"), want $want"
[ "$(h_order $SM TEST-8K state)" = installed ] || fail "server order state $(h_order $SM TEST-8K state)"
lp profile delete "$want"; ok success_null
lp profile list; [ "$(jq --arg i "$want" '[.payload.data[] | select(.iccid == $i)] | length' <<<"$OUT")" = 0 ] || fail "not deleted: $OUT"
lp notification list; [ "$(jq -r '.payload.data[-1].profileManagementOperation' <<<"$OUT")" = delete ] || fail "no delete notification: $OUT"
lp profile delete "$want"; err 255 es10c_delete_profile "ESIMLPA_EICCID_OR_AID_NOT_FOUND: DeleteProfile: eUICC result 1 (iccidOrAidNotFound)"
# -s/-m, a wrong confirmation code (wiped from argv), then -p answered n on stdin
lp profile download -s $SM -m TEST-CC -c 87654321
err 255 es9p_get_bound_profile_package "ESIMLPA_EES9_FAILED: getBoundProfilePackage: Failed, subject 8.2.7 reason 3.8 (confirmation code refused): confirmation code refused (1 of 3); session cancelled"
[ "$ERR" = 'esimlpa-lpac: warning: -c on the command line is visible to other users (ps, /proc) until it is wiped; "-c -" reads it from stdin' ] ||
    fail "$CMD: stderr '$ERR'"
LINES=$(printf 'n\n' | env "${TLS_ENV[@]}" "$LPAC_CLI" profile download -s $SM -m TEST-CC -c 12345678 -p); RC=$?; OUT=$(tail -n1 <<<"$LINES")
CMD="profile download -p (n)"; err 255 cancelled "ESIMLPA_EREFUSED: consent: profile $(h_order $SM TEST-CC iccid) refused by the user; session cancelled"
grep -q '"message":"preview","data":"y/n"' <<<"$LINES" || fail "$CMD: no preview line: $LINES"
[ "$(h_order $SM TEST-CC state)" = available ] || fail "$CMD: order not released"
LINES=$(printf '12345678\n' | env "${TLS_ENV[@]}" "$LPAC_CLI" profile download -s $SM -m TEST-CC -c - 2>"$H_TMP/err"); RC=$?
OUT=$(tail -n1 <<<"$LINES"); ERR=$(cat "$H_TMP/err"); CMD="profile download -c - (stdin)"; ok download
[ -z "$ERR" ] || fail "$CMD: stderr '$ERR'"
[ "$(h_order $SM TEST-CC state)" = installed ] || fail "$CMD: order $(h_order $SM TEST-CC state)"
lp profile download -a "LPA:1\$$SM\$TEST-30K-PPK" -i 356938035643809; ok download

# --- profile discovery at the SM-DS ---
h_stop_servers; h_server $DS smds nist
lp profile discovery -s $DS -i 356938035643809; ok discovery
[ "$(jq -c .payload.data <<<"$OUT")" = "[\"$SM\"]" ] || fail "$CMD: $OUT"
# the explicit insecure switch: no trust configured, verification off, said on stderr
EXTRA_ENV=(ESIMLPA_TLS_INSECURE=1 ESIMLPA_RESOLVE="$DS:443:127.0.0.1")
lp profile discovery -s $DS; ok discovery
[ "$ERR" = "esimlpa-lpac: warning: ESIMLPA_TLS_INSECURE: the server's TLS certificate is not verified" ] ||
    fail "$CMD: stderr '$ERR'"
EXTRA_ENV=(ESIMLPA_RESOLVE="$DS:443:127.0.0.1")
lp profile discovery -s $DS
err 255 es9p_initiate_authentication "ESIMLPA_EHTTP_CERT: ES11 initiateAuthentication: POST https://$DS/gsma/rsp2/es9plus/initiateAuthentication failed: server certificate not trusted, expired or for another host (TLS: this eUICC trusts none of the bundled production RSP CIs (it lists $ci8…))"
EXTRA_ENV=("${TLS_ENV[@]}")

# --- chip purge ---
lp chip purge yes; ok success_null
lp profile list; [ "$(jq '.payload.data | length' <<<"$OUT")" = 0 ] || fail "profiles left after purge: $OUT"

# --- bad input: one error line, exit 255, nothing done ---
lp frobnicate; err 255 usage "unknown command 'frobnicate' (chip, profile, notification, driver, version)"
lp profile enable 12; err 255 usage "'12' is neither an ICCID (18 to 20 digits) nor an ISD-P AID (hex)"
lp profile download -x; err 255 usage "profile download: unknown option '-x' (-s -m -c -i -a -p)"
lp notification process 1x; err 255 usage "notification process: '1x' is not a sequence number"
lp chip purge; err 255 usage "chip purge wants the confirmation 'yes'"
EXTRA_ENV=(LPAC_CUSTOM_ES10X_MSS=5); lp chip info
err 255 euicc_init "invalid custom ES10x MSS given: LPAC_CUSTOM_ES10X_MSS wants 6 to 255"
EXTRA_ENV=(LPAC_CUSTOM_ISD_R_AID=A00000055910); lp chip info
err 255 euicc_init "ESIMLPA_ENOISDR: SELECT ISD-R A00000055910: status word 6A82 (not found): no ISD-R at this AID"
EXTRA_ENV=(LPAC_CUSTOM_ISD_R_AID=A0000005591010FFFFFFFF89000001000); lp chip info
err 255 euicc_init "invalid custom ISD-R applet id given: LPAC_CUSTOM_ISD_R_AID wants 5 to 16 bytes in hex"
EXTRA_ENV=(LPAC_CUSTOM_ISD_R_AID=a0000005591010ffffffff8900000100 LPAC_CUSTOM_ES10X_MSS=6); lp chip info; ok chip_info
ifid=$("$LPAC_CLI" driver apdu list | jq -r '.payload.data[] | select(.name == "Virtual PCD 00 00") | .env')
EXTRA_ENV=(LPAC_APDU_PCSC_DRV_NAME= LPAC_APDU_PCSC_DRV_IFID="$ifid"); lp chip info; ok chip_info
EXTRA_ENV=(LPAC_APDU_PCSC_DRV_IGNORE_NAME="Virtual PCD 00 00"); lp chip info
err 255 euicc_init "no PC/SC reader matches LPAC_APDU_PCSC_DRV_IFID / _DRV_NAME / _DRV_IGNORE_NAME"
EXTRA_ENV=(LPAC_APDU=stdio); lp chip info
err 255 euicc_init "LPAC_APDU 'stdio' is not supported here (pcsc, at, at_csim, qmi)"
EXTRA_ENV=(LPAC_APDU_PCSC_DRV_NAME=NoSuchReader); lp chip info
err 255 euicc_init "no PC/SC reader matches LPAC_APDU_PCSC_DRV_IFID / _DRV_NAME / _DRV_IGNORE_NAME"
EXTRA_ENV=()
note "every command fits lpac's shapes; TLS verified; notifications removed only when accepted"
