#!/bin/bash
# SPDX-License-Identifier: MIT
# The main job on a fresh Debian machine, without hardware: install the
# dependencies, build, start pcscd with the vpcd reader, the soft eUICC behind
# it and the local test SM-DP+ (HTTPS with the test PKI), then download a
# profile from an activation code through PC/SC and verified TLS, list it,
# switch to it and deliver the notifications.
#   bash demo.sh            run the demo, stop what it started at the end
#   bash demo.sh --keep     leave pcscd, the soft eUICC and the SM-DP+ running
set -eu
cd "$(dirname "$0")"
keep=0; [ "${1:-}" = "--keep" ] && keep=1

bash .ci/deps.sh
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null

export CLI=$PWD/build/examples/esimlpa
export SOFT_EUICC=$PWD/build/tests/sim/esimlpa-soft-euicc
export SMDPP=$PWD/build/tests/smdpp/esimlpa-test-smdpp
export ORDERS=$PWD/tests/smdpp/profiles/orders.json
export PKI_SCRIPT=$PWD/tests/pki/gen-rsp-pki.sh
export SEED=$PWD/tests/sim/seed/default.json
export PKI_DIR=$PWD/build/test-pki
export ESIMLPA_IT_SHARED_PCSCD=1   # the machine's pcscd, so the CLI works afterwards
# shellcheck source=tests/integration/harness.sh
. tests/integration/harness.sh
set +u
if [ "$keep" = 1 ]; then
    trap - EXIT   # leave everything running
fi

SM=testsmdpplus1.example.com
state=$PWD/build/demo-state.json
rm -f "$state"                      # every run starts from the seed
h_pki
h_pcscd
h_euicc "$state"
if ss -ltn 2>/dev/null | grep -q '127.0.0.1:443 \|0.0.0.0:443 \|\*:443 '; then
    echo "demo: port 443 on 127.0.0.1 is taken; stop what listens there first" >&2; exit 1
fi
h_server $SM smdp nist

# The SM-DP+'s TLS certificate chains to the test CI (as production servers
# chain to the GSMA CI), so that CI is the only trusted root; --resolve maps
# the certificate's host name to the local server.
NET=(--ca-file "$PKI_DIR/ci_nist.pem" --resolve "$SM:443:127.0.0.1")
step() { echo; echo "\$ esimlpa $*"; "$CLI" "$@"; }
step chip info
step profile list
step "${NET[@]}" profile download -a "LPA:1\$$SM\$TEST-8K" --yes
iccid=$("$CLI" --json profile list | jq -r '[.data[] | select(.profileName == "Test profile 8K")][0].iccid')
step profile list
step profile enable "$iccid"
step notification list
step "${NET[@]}" notification process --all
step profile list
echo
echo "Soft eUICC state: $state"
if [ "$keep" = 1 ]; then
    echo "Test SM-DP+ log: $H_TMP/$SM.log"
    echo "pcscd, the soft eUICC and the SM-DP+ keep running; e.g.:"
    echo "  $CLI --ca-file $PKI_DIR/ci_nist.pem --resolve $SM:443:127.0.0.1 profile download -a 'LPA:1\$$SM\$TEST-30K-PPK'"
fi
