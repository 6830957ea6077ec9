#!/bin/bash
# SPDX-License-Identifier: MIT
# Measure what libesimlpa costs in a firmware image: cross-build it the way
# contrib/openwrt and contrib/yocto do (-Dfirmware=true -Dtests=false
# -Ddocs=false, --buildtype=minsize), install it stripped, and print the sizes of the
# installed library and CLI (`size`, `du`) and of the shared libraries they
# pull in from the target's Debian multiarch packages (OpenSSL, libcurl and
# what Debian's libcurl needs, pcsc-lite, cJSON).
#   contrib/sizes.sh aarch64|armhf      (needs tests/cross/deps.sh)
set -eu
cd "$(dirname "$0")/.."
case ${1:-} in
    aarch64) tri=aarch64-linux-gnu ;;
    armhf) tri=arm-linux-gnueabihf ;;
    *) echo "usage: contrib/sizes.sh aarch64|armhf" >&2; exit 2 ;;
esac
dir=build-fw-$1 dest=$PWD/build-fw-$1/destdir
[ -f "$dir/build.ninja" ] || meson setup "$dir" --cross-file "cross/$tri.txt" -Dfirmware=true \
    -Dtests=false -Ddocs=false --buildtype=minsize --prefix=/usr >/dev/null
ninja -C "$dir" >/dev/null
rm -rf "$dest"
DESTDIR=$dest meson install -C "$dir" --strip >/dev/null
so=$dest/usr/lib/libesimlpa.so.0.1.0 cli=$dest/usr/bin/esimlpa
echo "== $1: installed, stripped (bytes)"
"$tri-size" "$so" "$cli"
echo ".text section: libesimlpa.so $("$tri-size" -A "$so" | awk '$1 == ".text" { print $2 }')," \
     "esimlpa $("$tri-size" -A "$cli" | awk '$1 == ".text" { print $2 }')"
du -b "$so" "$cli" | sed "s|$dest||"
echo "rsp-ci roots: $(du -sb "$dest/usr/share/libesimlpa/rsp-ci" | cut -f1) bytes" \
     "(production only: $(du -sb "$dest/usr/share/libesimlpa/rsp-ci/production" | cut -f1))"

# The shared libraries the library and the CLI need, transitively, without libc.
needed() { "$tri-readelf" -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
find_lib() { for d in /usr/lib/$tri /lib/$tri; do [ -e "$d/$1" ] && { readlink -f "$d/$1"; return; }; done; }
declare -A seen=()
mapfile -t queue < <(needed "$so"; needed "$cli")
while [ ${#queue[@]} -gt 0 ]; do
    n=${queue[0]}; queue=("${queue[@]:1}")
    [ -z "${seen[$n]:-}" ] || continue
    case $n in libc.so.*|ld-linux*|libm.so.*|libpthread.so.*|libdl.so.*|libresolv.so.*|libesimlpa.so.*) seen[$n]=libc; continue ;; esac
    f=$(find_lib "$n"); [ -n "$f" ] || { echo "not found: $n" >&2; continue; }
    seen[$n]=$f
    mapfile -t -O ${#queue[@]} queue < <(needed "$f")
done
echo "== $1: shared libraries pulled in (Debian 12 $tri builds, file size in bytes)"
total=0 direct=" $(needed "$so" | tr '\n' ' ') "
for n in $(printf '%s\n' "${!seen[@]}" | sort); do
    f=${seen[$n]}; [ "$f" != libc ] || continue
    s=$(stat -c %s "$f"); total=$((total + s))
    case $direct in *" $n "*) tag=direct ;; *) tag=indirect ;; esac
    printf '%-28s %9d  %s\n' "$n" "$s" "$tag"
done
echo "total (without libc): $total"
