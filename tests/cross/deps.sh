#!/bin/sh
# SPDX-License-Identifier: MIT
# Install what cross-building and cross-testing libesimlpa needs, from Debian's
# packages only: the GNU cross toolchains, qemu-user (runs the target's test
# programs, meson's exe_wrapper in cross/*.txt) and the target architectures'
# -dev packages through multiarch. asn1c is needed natively only (lib/asn1 is
# committed generated code); the native build deps come from .ci/deps.sh.
# Multiarch wants the same version of a library on every architecture: this
# may upgrade native packages (libssl-dev, libcurl4, ...) to Debian's newest.
# Usage: tests/cross/deps.sh [aarch64|armhf]...   (default: both)
set -eu
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
[ $# -gt 0 ] || set -- aarch64 armhf
pkgs="meson ninja-build pkg-config qemu-user openssl"
for arch in "$@"; do
    case $arch in
        aarch64) dpkg_arch=arm64; gcc="gcc-aarch64-linux-gnu" ;;
        armhf) dpkg_arch=armhf; gcc="gcc-arm-linux-gnueabihf" ;;
        *) echo "tests/cross/deps.sh: unknown architecture '$arch' (aarch64 or armhf)" >&2; exit 2 ;;
    esac
    dpkg --print-foreign-architectures | grep -qx "$dpkg_arch" || $SUDO dpkg --add-architecture "$dpkg_arch"
    pkgs="$pkgs $gcc libc6-dev:$dpkg_arch libssl-dev:$dpkg_arch libcurl4-openssl-dev:$dpkg_arch \
libpcsclite-dev:$dpkg_arch libcjson-dev:$dpkg_arch"
done
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086  # a list of package names
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
