#!/bin/sh
# SPDX-License-Identifier: MIT
# Install what libesimlpa needs to build and test, from Debian's packages only.
set -eu
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
pkgs="build-essential meson ninja-build pkg-config asn1c libssl-dev openssl \
libcurl4-openssl-dev libpcsclite-dev pcscd vsmartcard-vpcd libcjson-dev jq iproute2 procps util-linux python3 \
valgrind doxygen clang libclang-rt-14-dev faketime libqmi-utils libqmi-proxy libmbim-utils libmbim-proxy"
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
