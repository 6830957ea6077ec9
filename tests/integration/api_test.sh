#!/bin/bash
# SPDX-License-Identifier: MIT
# The public API (shared library) against the soft eUICC through pcscd.
. "$HARNESS"
h_up
"$API_TEST" || fail "api_pcsc_test"
echo "ok: API end to end through pcscd"
