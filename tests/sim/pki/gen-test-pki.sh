#!/bin/sh
# SPDX-License-Identifier: MIT
# Kept for callers of the old path: the test PKI now comes from
# tests/pki/gen-rsp-pki.sh (same file names ci_/eum_/euicc_<curve>.*, plus the
# SM-DP+ / SM-DS certificates). EID=<32 digits> maps to RSP_PKI_EID.
# usage: gen-test-pki.sh OUTDIR [nist|brp|both]
set -eu
here=$(dirname "$0")
if [ -n "${EID:-}" ]; then
    RSP_PKI_EID=$EID
    export RSP_PKI_EID
fi
exec sh "$here/../../pki/gen-rsp-pki.sh" "$@"
