#!/bin/bash
# SPDX-License-Identifier: MIT
# Cross-build libesimlpa for ARCH and run its unit tests and in-process
# end-to-end tests (soft eUICC + test SM-DP+ over HTTPS in one process, e.g.
# rsp-e2e) on that architecture under qemu-user (meson's exe_wrapper, set in
# cross/*.txt). Needs tests/cross/deps.sh and the native build tools of
# .ci/deps.sh (openssl for the test PKI).
#   tests/cross/run.sh aarch64|armhf
# Build dir: build-cross-ARCH (logs: cross-*.log in it). Ends with "N passed, N failed".
set -uf   # -f: the test-name patterns below are not file globs
cd "$(dirname "$0")/../.." || exit 2
case ${1:-} in
    aarch64) cross=cross/aarch64-linux-gnu.txt ;;
    armhf) cross=cross/arm-linux-gnueabihf.txt ;;
    *) echo "usage: tests/cross/run.sh aarch64|armhf" >&2; exit 2 ;;
esac
arch=$1
dir=build-cross-$arch

# Not run here, by suite: what needs pcscd + vpcd + private namespaces (e2e),
# valgrind (valgrind), the native compiler and a runnable installed CLI
# (install), doxygen (docs).
no_suites="e2e valgrind install docs"
# Not run here, by name (extended regular expressions): tests in the other
# suites that need pcscd + vpcd + namespaces (test_pcsc_vpcd), valgrind
# (threads-helgrind), the native pkg-config and asn1c to build a consumer
# (abi-static-clash) or the native g++ (abi-cxx-consumer), or that run the
# CLI from a shell script against the AT-modem, QMI or MBIM simulator as
# separate processes, in namespaces for QMI/MBIM and the renewal
# (modem-cli-*, modem-renew-*, qmi-cli-*, qmi-qmicli-*, qmi-download,
# mbim-cli-*, mbim-mbimcli-*, mbim-download). The in-process modem tests and
# the QMI and MBIM codecs do run here.
# Tests that start a program of this build do it through meson's exe wrapper
# (MESON_EXE_WRAPPER: qemu-user; no binfmt_misc needed).
no_tests="
test_pcsc_vpcd
threads-helgrind
abi-static-clash
abi-cxx-consumer
modem-cli-.*
modem-renew-.*
qmi-cli-.*
qmi-qmicli-.*
qmi-download
mbim-cli-.*
mbim-mbimcli-.*
mbim-download
"
mkdir -p "$dir"
if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" --cross-file "$cross" >"$dir/cross-setup.log" 2>&1 || {
        tail -20 "$dir/cross-setup.log"; echo "0 passed, 1 failed"; exit 1; }
fi
start=$(date +%s)
ninja -C "$dir" >"$dir/cross-build.log" 2>&1 || { grep -A20 FAILED "$dir/cross-build.log" | head -40
    echo "0 passed, 1 failed"; exit 1; }
built=$(date +%s)

suite_args=()
for s in $no_suites; do suite_args+=(--no-suite "$s"); done
# shellcheck disable=SC2086  # one pattern a word (set -f: no globbing)
mapfile -t tests < <(meson test -C "$dir" --list "${suite_args[@]}" 2>/dev/null |
    awk -F' / ' 'NF == 2 { print $2 }' | grep -vxE -f <(printf '%s\n' $no_tests))
[ ${#tests[@]} -gt 0 ] || { echo "no tests selected"; echo "0 passed, 1 failed"; exit 1; }

# qemu-user is slower than the host: timeouts x4.
meson test -C "$dir" --num-processes "${JOBS:-2}" -t 4 "${tests[@]}" >"$dir/cross-test.log" 2>&1
rc=$?
done_at=$(date +%s)
grep -E ' (FAIL|TIMEOUT|SKIP) ' "$dir/cross-test.log"
ok=$(awk '/^Ok:/ { print $2 }' "$dir/cross-test.log")
bad=$(awk '/^(Fail|Timeout|Unexpected Pass):/ { n += $NF } END { print n + 0 }' "$dir/cross-test.log")
skip=$(awk '/^Skipped:/ { print $2 }' "$dir/cross-test.log")
echo "$arch: ${#tests[@]} tests selected, build $((built - start)) s, tests $((done_at - built)) s (log: $dir/cross-test.log)"
[ -n "$ok" ] || { echo "meson test did not finish"; ok=0; bad=$((bad + 1)); }
[ "$rc" = 0 ] || [ "$bad" -gt 0 ] || bad=1
echo "${ok} passed, ${bad} failed, ${skip:-0} skipped"
[ "$bad" = 0 ]
