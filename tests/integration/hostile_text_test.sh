#!/bin/bash
# SPDX-License-Identifier: MIT
# Hostile text from the card and the SM-DP+ (issue 11 item 4), through pcscd
# and TLS: profile names with escape sequences (screen clear, window title),
# C1 controls, a direction override and bytes that are not UTF-8 are shown
# escaped on a terminal (a pty), come out as valid JSON that jq and python3
# parse, and a nickname with control characters is refused by the library.
. "$HARNESS"
command -v script >/dev/null || { echo "script(1) not installed: skipped"; exit 77; }
SM=testsmdpplus1.example.com
TLS=(--ca-file "$PKI_DIR/ci_nist.pem" --resolve "$SM:443:127.0.0.1")
ICCID2=8949449999999990031
ESC=$'\e'

# The card: profile 2 gets a name that clears the screen and retitles the
# window, a provider with a C1 CSI and invalid UTF-8, a nickname with U+202E.
jq --arg n $'\e[2J\e]0;pwned\aEvil Corp@@BAD@@' --arg s 'Prov@@C1@@ider' \
   --arg k $'nick\u202eevil' \
   '.profiles[1].profile_name = $n | .profiles[1].service_provider_name = $s |
    .profiles[1].nickname = $k' "$SEED" |
    sed 's/@@BAD@@/\xff\xfe/; s/@@C1@@/\xc2\x9b/' > "$H_TMP/state.json"
h_up "$H_TMP/state.json"

# The SM-DP+: an order whose metadata carries the same tricks.
printf '{"iccid": "89000123456789012390", "spn": "Evil\\u001b[2J Corp\xff", "name": "\\u001b]0;Pay here\\u0007Bank", "class": "test", "owner": {"mccMnc": "00F110"}, "uppSize": 8192}\n' \
    > "$H_TMP/evil_profile.json"
printf '{"orders": [{"matchingId": "EVIL-1", "profile": "%s/evil_profile.json"}]}\n' "$H_TMP" \
    > "$H_TMP/orders.json"
ORDERS="$H_TMP/orders.json" h_server $SM smdp nist

# Run the CLI on a pseudo-terminal; what the terminal received goes to $PTY.
on_pty() {  # on_pty INPUT ARGS...
    local input=$1; shift
    local cmd
    printf -v cmd '%q ' "$CLI" "$@"
    PTY=$(printf '%s' "$input" | script -qec "$cmd" /dev/null 2>&1); RC=$?
}
raw_free() {  # raw_free WHAT TEXT: no escape byte, C1 CSI or invalid UTF-8 reached the terminal
    local t=$2
    [[ "$t" == *"$ESC"* ]] && fail "$1: a raw ESC reached the terminal"
    [[ "$t" == *$'\xc2\x9b'* ]] && fail "$1: a raw C1 CSI reached the terminal"
    printf '%s' "$t" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1 || fail "$1: invalid UTF-8 reached the terminal"
}

# 1. profile list on a terminal: escaped, nothing raw.
on_pty "" profile list
[ "$RC" = 0 ] || fail "profile list on a pty: exit $RC: $PTY"
raw_free "profile list" "$PTY"
grep -qF '\x1b[2J\x1b]0;pwned\x07Evil Corp\xff\xfe' <<<"$PTY" || fail "profile list: name not shown escaped: $PTY"
grep -qF 'Prov\x9bider' <<<"$PTY" || fail "profile list: provider not shown escaped: $PTY"
grep -qF 'nick\u202eevil' <<<"$PTY" || fail "profile list: nickname not shown escaped: $PTY"

# 2. --json: valid UTF-8 that jq and python3 (strict) parse; the bytes that
#    are not UTF-8 become U+FFFD, the rest is kept as the card sent it.
run --json profile list
expect_rc 0 "--json profile list"
name=$(jq -r --arg i $ICCID2 '.data[] | select(.iccid == $i) | .profileName' <<<"$OUT") ||
    fail "jq cannot parse the JSON"
[ "$name" = $'\e[2J\e]0;pwned\aEvil Corp\ufffd\ufffd' ] || fail "profileName via jq: $(printf '%q' "$name")"
printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.loads(sys.stdin.buffer.read().decode("utf-8", "strict"))
p = [x for x in d["data"] if x["iccid"] == "'$ICCID2'"][0]
assert p["serviceProviderName"] == "Prov\u009bider", p["serviceProviderName"]
assert p["nickname"] == "nick\u202eevil", p["nickname"]
' || fail "python3 cannot parse the JSON or it holds other strings"

# 3. The consent prompt of a download on a terminal: the SM-DP+'s metadata
#    is shown escaped right above the question; "n" declines (exit 1).
on_pty $'n\n' "${TLS[@]}" profile download -a "LPA:1\$$SM\$EVIL-1"
[ "$RC" = 1 ] || fail "declined download: exit $RC: $PTY"
raw_free "consent prompt" "$PTY"
grep -qF 'Evil\x1b[2J Corp\xff' <<<"$PTY" || fail "consent: provider not shown escaped: $PTY"
grep -qF '\x1b]0;Pay here\x07Bank' <<<"$PTY" || fail "consent: name not shown escaped: $PTY"
grep -qF 'Install this profile? [y/N]' <<<"$PTY" || fail "consent: no question: $PTY"
[ "$(h_order $SM EVIL-1 state)" = available ] || fail "declined download left the order $(h_order $SM EVIL-1 state)"

# 4. A nickname with control characters is refused, nothing is written.
run profile nickname $ICCID2 $'new\e[2Jname'
expect_rc 1 "profile nickname with ESC"
[ "$ERR" = "esimlpa: profile nickname: text with control characters or not valid UTF-8 (SetNickname: nickname holds control characters)" ] ||
    fail "nickname with ESC: $ERR"
run profile nickname $ICCID2 $'two\nlines'
expect_rc 1 "profile nickname with a new line"
run profile nickname $ICCID2 $'bad\xffbyte'
expect_rc 1 "profile nickname with invalid UTF-8"
[ "$ERR" = "esimlpa: profile nickname: text with control characters or not valid UTF-8 (SetNickname: nickname is not valid UTF-8)" ] ||
    fail "nickname with invalid UTF-8: $ERR"
run --json profile list
[ "$(jq -r --arg i $ICCID2 '.data[] | select(.iccid == $i) | .nickname' <<<"$OUT")" = $'nick\u202eevil' ] ||
    fail "a refused nickname changed the card"
echo "hostile-text: ok"
