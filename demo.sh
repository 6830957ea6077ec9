#!/bin/bash
# SPDX-License-Identifier: MIT
# The main job on a fresh Debian machine, without hardware: install the
# dependencies, build, start pcscd with the vpcd reader and the soft eUICC
# behind it, then drive it with the esimlpa CLI through PC/SC.
#   bash demo.sh            run the demo, stop what it started at the end
#   bash demo.sh --keep     leave pcscd and the soft eUICC running afterwards
set -eu
cd "$(dirname "$0")"
keep=0; [ "${1:-}" = "--keep" ] && keep=1

bash .ci/deps.sh
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null

export CLI=$PWD/build/examples/esimlpa
export SOFT_EUICC=$PWD/build/tests/sim/esimlpa-soft-euicc
export PKI_SCRIPT=$PWD/tests/pki/gen-rsp-pki.sh
export SEED=$PWD/tests/sim/seed/default.json
export PKI_DIR=$PWD/build/test-pki
export ESIMLPA_IT_SHARED_PCSCD=1   # the machine's pcscd, so the CLI works afterwards
# shellcheck source=tests/integration/harness.sh
. tests/integration/harness.sh
if [ "$keep" = 1 ]; then
    trap - EXIT   # leave pcscd and the soft eUICC running
fi

state=$PWD/build/demo-state.json
h_pki
h_pcscd
h_euicc "$state"

step() { echo; echo "\$ esimlpa $*"; "$CLI" "$@"; }
step chip info
step profile list
step notification list
echo
echo "Soft eUICC state: $state (delete it to start again from the seed)."
if [ "$keep" = 1 ]; then
    echo "pcscd and the soft eUICC keep running; try: $CLI profile enable <ICCID>"
fi
