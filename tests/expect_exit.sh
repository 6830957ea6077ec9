#!/bin/sh
# SPDX-License-Identifier: MIT
# A negative test that cannot pass by crashing (meson's should_fail counts a
# signal or a sanitizer abort as success): run CMD, require exit status CODE
# exactly and LINE as the first line of its standard error (PROG in LINE
# stands for CMD as given, which getopt messages start with).
#   expect_exit.sh CODE LINE CMD [ARGS...]
set -u
code=$1 line=$2
shift 2
# In a cross build meson names its exe wrapper (qemu-user, cross/*.txt) here.
err=$(${MESON_EXE_WRAPPER:-} "$@" 2>&1 >/dev/null)
rc=$?
first=$(printf '%s\n' "$err" | head -n 1)
case $first in "$1"*) first="PROG${first#"$1"}" ;; esac
if [ "$rc" != "$code" ]; then
    echo "FAIL: exit status $rc, expected $code: $*"; printf '%s\n' "$err" | head -5; exit 1
fi
if [ "$first" != "$line" ]; then
    echo "FAIL: first line of stderr"; echo "  got:  $first"; echo "  want: $line"; exit 1
fi
echo "ok: exit $rc, \"$line\""
