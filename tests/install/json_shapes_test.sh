#!/bin/bash
# SPDX-License-Identifier: MIT
# The JSON output documented in examples/esimlpa-json.md, checked against
# real output of the CLI with the soft eUICC behind pcscd: the envelope, the
# exact key set of each command's data, value types, null for absent values,
# the error object and exit statuses; and profile list --save-icons.
. "$HARNESS"
command -v jq >/dev/null || { echo "skip: jq not found"; exit 77; }
h_up

# keys_are JSON_PATH "k1 k2 ..." — the object at that path has exactly these keys.
keys_are() {
    local got want
    got=$(jq -r "$1 | keys_unsorted | sort | join(\" \")" <<<"$OUT") || fail "jq $1: $OUT"
    want=$(tr ' ' '\n' <<<"$2" | sort | tr '\n' ' ' | sed 's/ $//')
    [ "$got" = "$want" ] || fail "$CMD: keys of $1 are '$got', documented '$want'"
}
is_type() {   # is_type JSON_PATH "string|null"
    local t; t=$(jq -r "$1 | type" <<<"$OUT")
    grep -qw -- "$t" <<<"${2//|/ }" || fail "$CMD: $1 is $t, documented $2"
}
ok_shape() {
    [ "$(jq -c 'keys_unsorted | sort' <<<"$OUT")" = '["data","ok"]' ] || fail "$CMD: envelope $OUT"
    [ "$(jq -r .ok <<<"$OUT")" = true ] || fail "$CMD: ok is not true: $OUT"
    [ "$(wc -l <<<"$OUT")" = 1 ] || fail "$CMD: more than one line on stdout"
}
err_shape() {   # err_shape EXIT NAME
    expect_rc "$1" "$CMD"
    [ "$(jq -r .ok <<<"$OUT")" = false ] || fail "$CMD: ok is not false: $OUT"
    keys_are . "error ok"
    keys_are .error "code message name"
    is_type .error.code number; is_type .error.message string
    [ "$(jq -r .error.name <<<"$OUT")" = "$2" ] || fail "$CMD: error name $(jq -r .error.name <<<"$OUT"), want $2"
    [ "$(jq -r .error.code <<<"$OUT")" -lt 0 ] || fail "$CMD: error code not negative"
}
j() { CMD="$*"; run --json "$@"; }

j chip info; expect_rc 0 "$CMD"; ok_shape
keys_are .data "defaultDpAddress eid euiccInfo2 isdRAid isdRAidName rootDsAddress"
[ "$(jq -r .data.isdRAid <<<"$OUT")" = A0000005591010FFFFFFFF8900000100 ] || fail "$CMD: isdRAid: $OUT"
[ "$(jq -r .data.isdRAidName <<<"$OUT")" = standard ] || fail "$CMD: isdRAidName: $OUT"
keys_are .data.euiccInfo2 "ciPkidSigning ciPkidVerification euiccCategory firmwareVersion forbiddenPpr forbiddenPprNames freeNvram freeRam installedApps ppVersion profileVersion rspCapability rspCapabilityNames sasAccreditationNumber svn uiccCapability uiccCapabilityNames"
is_type .data.euiccInfo2.uiccCapabilityNames array
# the names are the set bits of the integers
[ "$(jq '.data.euiccInfo2 | (.rspCapabilityNames | length) == ([range(0;8) as $b | select((.rspCapability / pow(2;$b) | floor) % 2 == 1)] | length)' <<<"$OUT")" = true ] ||
    fail "$CMD: rspCapabilityNames do not match rspCapability: $OUT"
is_type .data.eid string; is_type .data.defaultDpAddress "string|null"
is_type .data.euiccInfo2.ciPkidVerification array; is_type .data.euiccInfo2.freeNvram "number|null"
is_type .data.euiccInfo2.rspCapability number

icons=$H_TMP/icons; mkdir -p "$icons"
j profile list --save-icons "$icons"; expect_rc 0 "$CMD"; ok_shape
is_type .data array
n=$(jq '.data | length' <<<"$OUT"); [ "$n" -ge 2 ] || fail "profile list: $n profiles"
for i in $(seq 0 $((n - 1))); do
    keys_are ".data[$i]" "iccid iconFile iconType isdpAid nickname notificationConfigs owner ppr profileClass profileName serviceProviderName state"
    is_type ".data[$i].iccid" "string|null"; is_type ".data[$i].ppr" number
    is_type ".data[$i].notificationConfigs" array; is_type ".data[$i].owner" "object|null"
    is_type ".data[$i].iconFile" "string|null"
done
png=$(jq -r '[.data[] | select(.iconType == "png")][0]' <<<"$OUT")
[ "$png" != null ] || fail "the seed has a profile with a PNG icon: $OUT"
iccid=$(jq -r .iccid <<<"$png"); file=$(jq -r .iconFile <<<"$png")
[ "$file" = "$icons/$iccid.png" ] || fail "iconFile $file, want $icons/$iccid.png"
[ "$(head -c 8 "$file" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "$file is not a PNG"
[ "$(jq '[.data[] | select(.iconType == null and .iconFile != null)] | length' <<<"$OUT")" = 0 ] ||
    fail "iconFile set for a profile without icon"
[ "$(ls "$icons" | wc -l)" = "$(jq '[.data[] | select(.iconType != null)] | length' <<<"$OUT")" ] ||
    fail "files in $icons: $(ls "$icons")"
enabled=$(jq -r '[.data[] | select(.state == "enabled")][0].iccid' <<<"$OUT")

j profile list; ok_shape
[ "$(jq '[.data[] | select(.iconFile != null)] | length' <<<"$OUT")" = 0 ] || fail "iconFile without --save-icons"
CMD="profile list (human, --save-icons)"; rm -f "$icons"/*; run profile list --save-icons "$icons"
expect_rc 0 "$CMD"; grep -q "saved to $icons/$iccid.png" <<<"$OUT" || fail "$CMD: $OUT"
[ -s "$icons/$iccid.png" ] || fail "$CMD: no icon written"
j profile list --icons inline; ok_shape
[ "$(jq -r --arg i "$iccid" '.data[] | select(.iccid == $i) | .icon' <<<"$OUT" | base64 -d | cmp - "$file" && echo same)" = same ] ||
    fail "$CMD: inline icon differs from the saved one"
[ "$(jq '[.data[] | select(.iconType == null and .icon != null)] | length' <<<"$OUT")" = 0 ] || fail "$CMD: icon without iconType"
keys_are ".data[0]" "icon iccid iconFile iconType isdpAid nickname notificationConfigs owner ppr profileClass profileName serviceProviderName state"
j profile list --icons; err_shape 1 ESIMLPA_EINVAL
j profile list --save-icons "$H_TMP/no/such/dir"; err_shape 1 ESIMLPA_EINVAL
j profile list --save-icons; err_shape 1 ESIMLPA_EINVAL

j profile nickname "$enabled" "Work"; expect_rc 0 "$CMD"; ok_shape
keys_are .data "iccid nickname"; [ "$(jq -r .data.nickname <<<"$OUT")" = Work ] || fail "$CMD: $OUT"
j profile nickname "$enabled" ""; ok_shape; is_type .data.nickname null

j profile enable "$enabled"; err_shape 3 ESIMLPA_EPROFILE_NOT_DISABLED
j profile enable 12; err_shape 1 ESIMLPA_EINVAL
j profile frobnicate; err_shape 1 ESIMLPA_EINVAL

j chip set-default-dp smdp.example.com; expect_rc 0 "$CMD"; ok_shape; keys_are .data defaultDpAddress
j chip set-default-dp ""; ok_shape; is_type .data.defaultDpAddress null

j notification list; expect_rc 0 "$CMD"; ok_shape; is_type .data array
for i in $(seq 0 $(($(jq '.data | length' <<<"$OUT") - 1))); do
    keys_are ".data[$i]" "address iccid operation seqNumber"; is_type ".data[$i].seqNumber" number
done

j reader list; expect_rc 0 "$CMD"; ok_shape
keys_are ".data[0]" "index name"; is_type ".data[0].index" number

j profile download -a 'LPA:2$x$y' --yes; err_shape 1 ESIMLPA_EBADACTIVATION
CMD="profile download --progress (no --json)"; run profile download --progress -a 'LPA:1$x$y' --yes
expect_rc 1 "$CMD"
[ "$(head -n 1 <<<"$ERR")" = "esimlpa: profile download: --progress needs --json (the human output shows progress anyway)" ] ||
    fail "$CMD: $ERR"

# profile download --json --progress: progress lines, then the result line
SM=testsmdpplus1.example.com
h_server $SM smdp nist
CMD="profile download --json --progress"
OUT=$("$CLI" --json --ca-file "$PKI_DIR/ci_nist.pem" --resolve "$SM:443:127.0.0.1" profile download \
      --progress -a "LPA:1\$$SM\$TEST-30K-PPK" --yes 2>"$H_TMP/err"); RC=$?; ERR=$(cat "$H_TMP/err")
expect_rc 0 "$CMD"
PROG=$(head -n -1 <<<"$OUT"); OUT=$(tail -n 1 <<<"$OUT"); ok_shape
[ "$(jq -r .data.iccid <<<"$OUT")" = "$(h_order $SM TEST-30K-PPK iccid)" ] || fail "$CMD: result $OUT"
while IFS= read -r l; do
    [ "$(jq -c 'keys' <<<"$l")" = '["progress"]' ] || fail "$CMD: not a progress line: $l"
    [ "$(jq -c '.progress | keys' <<<"$l")" = '["done","step","total"]' ] || fail "$CMD: progress keys: $l"
done <<<"$PROG"
steps=$(jq -r .progress.step <<<"$PROG" | uniq | tr '\n' ' ')
[ "$steps" = "getEUICCChallenge initiateAuthentication authenticateServer authenticateClient consent prepareDownload getBoundProfilePackage loadBoundProfilePackage handleNotification done " ] ||
    fail "$CMD: steps $steps"
last=$(jq -c 'select(.progress.step == "loadBoundProfilePackage") | [.progress.done, .progress.total]' <<<"$PROG" | tail -n 1)
[ "$(jq '.[0] == .[1] and .[1] > 30000' <<<"$last")" = true ] || fail "$CMD: last install progress $last"
[ "$(jq -c 'select(.progress.step == "loadBoundProfilePackage")' <<<"$PROG" | wc -l)" -le 12 ] ||
    fail "$CMD: more than one install progress line per 10 %"
note "JSON shapes match examples/esimlpa-json.md"
