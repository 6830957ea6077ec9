#!/bin/sh
# SPDX-License-Identifier: MIT
# Layer boundaries inside lib/ (issue 11 item 8): lib/core sees the APDU layer
# only through lib/apdu/apdu_session.h (not its internal header), and only
# lib/core writes the context's ES9+ status (others call
# esimlpa__ctx_set_es9_status). Prints each violation with file:line.
set -u
lib=$1
bad=0
hits=$(grep -n '#include *"[./]*apdu/apdu_internal.h"' "$lib"/core/*.c "$lib"/core/*.h 2>/dev/null)
if [ -n "$hits" ]; then
    echo "FAIL: lib/core includes the APDU layer's internal header:"; echo "$hits"; bad=1
fi
hits=$(grep -nE '(->|\.)last_es9' $(ls "$lib"/*/*.c "$lib"/*/*.h | grep -v "^$lib/core/") 2>/dev/null)
if [ -n "$hits" ]; then
    echo "FAIL: the context's ES9+ status is touched outside lib/core:"; echo "$hits"; bad=1
fi
[ "$bad" = 0 ] && echo "ok: lib/core -> apdu_session.h only; last_es9 only in lib/core"
exit "$bad"
