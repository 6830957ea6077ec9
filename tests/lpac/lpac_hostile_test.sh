#!/bin/bash
# SPDX-License-Identifier: MIT
# esimlpa-lpac with hostile text from the card and the SM-DP+: names with
# escape sequences, C1 controls and bytes that are not UTF-8 come out as JSON
# lines that parse, with no raw ESC byte on stdout (JSON escapes it) and
# invalid UTF-8 replaced by U+FFFD; the text itself is kept for the front end.
. "$HARNESS"
command -v jq >/dev/null || { echo "skip: jq not found"; exit 77; }
SM=testsmdpplus1.example.com
export LPAC_APDU_PCSC_DRV_NAME="Virtual PCD 00 00"
unset ESIMLPA_READER
jq --arg n $'\e[2J\e]0;pwned\aEvil Corp' --arg s 'Prov@@BAD@@ider' \
   '.profiles[1].profile_name = $n | .profiles[1].service_provider_name = $s' "$SEED" |
    sed 's/@@BAD@@/\xff\xfe/' > "$H_TMP/state.json"
h_up "$H_TMP/state.json"
printf '{"iccid": "89000123456789012390", "spn": "Evil\\u001b[2J Corp\xff", "name": "\\u001b]0;Pay here\\u0007Bank", "class": "test", "uppSize": 8192}\n' \
    > "$H_TMP/evil_profile.json"
printf '{"orders": [{"matchingId": "EVIL-1", "profile": "%s/evil_profile.json"}]}\n' "$H_TMP" \
    > "$H_TMP/orders.json"
ORDERS="$H_TMP/orders.json" h_server $SM smdp nist

clean() {   # clean WHAT: every line parses, no raw ESC or invalid UTF-8 on stdout
    [[ "$OUT" == *$'\e'* ]] && fail "$1: a raw ESC byte on stdout"
    iconv -f UTF-8 -t UTF-8 <<<"$OUT" >/dev/null 2>&1 || fail "$1: stdout is not valid UTF-8"
    while IFS= read -r l; do jq -e . <<<"$l" >/dev/null || fail "$1: not JSON: $l"; done <<<"$OUT"
}
OUT=$("$LPAC_CLI" profile list 2>"$H_TMP/err"); RC=$?
[ "$RC" = 0 ] || fail "profile list: exit $RC: $OUT $(cat "$H_TMP/err")"
clean "profile list"
[ "$(jq -r '.payload.data[1].profileName' <<<"$OUT")" = $'\e[2J\e]0;pwned\aEvil Corp' ] ||
    fail "profile list: the name is not kept as data: $(jq .payload.data[1].profileName <<<"$OUT")"
[ "$(jq -r '.payload.data[1].serviceProviderName' <<<"$OUT")" = $'Prov\uFFFD\uFFFDider' ] ||
    fail "profile list: invalid UTF-8 not replaced: $(jq .payload.data[1].serviceProviderName <<<"$OUT")"

OUT=$(ESIMLPA_CA_FILE="$PKI_DIR/ci_nist.pem" ESIMLPA_RESOLVE="$SM:443:127.0.0.1" \
      "$LPAC_CLI" profile download -a "LPA:1\$$SM\$EVIL-1" 2>"$H_TMP/err"); RC=$?
# the soft eUICC refuses this metadata at StoreMetadata: the failure names the install step
[ "$RC" = 255 ] || fail "download EVIL-1: exit $RC: $OUT $(cat "$H_TMP/err")"
clean "download EVIL-1"
[ "$(tail -n 1 <<<"$OUT" | jq -r .payload.message)" = es10b_load_bound_profile_package ] ||
    fail "download EVIL-1: failed step $(tail -n 1 <<<"$OUT")"
[ "$(tail -n 1 <<<"$OUT" | jq -r .payload.data)" = "ESIMLPA_EINSTALL_STRUCTURE: LoadBoundProfilePackage: installation failed at storeMetadata (bppCommandId 2): scp03tStructureError (7); result sent to the SM-DP+" ] ||
    fail "download EVIL-1: error $(tail -n 1 <<<"$OUT")"
md=$(grep '"es8p_metadata_parse"' <<<"$OUT")
[ "$(jq -r .payload.data.serviceProviderName <<<"$md")" = $'Evil\e[2J Corp\uFFFD' ] ||
    fail "download: metadata provider $(jq .payload.data.serviceProviderName <<<"$md")"
note "hostile card and server text: JSON lines parse, no raw escapes, invalid UTF-8 replaced"
