#!/bin/bash
# SPDX-License-Identifier: MIT
# `meson install` into a scratch DESTDIR, then check what an integrator gets:
# the shared library with its soname, the static library, every public
# header, libesimlpa.pc, the CLI and its man page; build a separate program
# with nothing but pkg-config (shared, then static) and run it; and check
# that the installed .so exports esimlpa_* only (tests/unit/abi/exports.sh).
# Usage: install_test.sh BUILD_DIR SOURCE_DIR VERSION
set -u
build=$1; src=$2; version=$3
command -v pkg-config >/dev/null || { echo "skip: pkg-config not found"; exit 77; }
CC=${CC:-cc}
CONSUMER_CFLAGS=${CONSUMER_CFLAGS:-}
command -v "$CC" >/dev/null || { echo "skip: no C compiler ($CC)"; exit 77; }
tmp=$(mktemp -d /tmp/esimlpa-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

dest=$tmp/dest
meson install -C "$build" --no-rebuild --quiet --destdir "$dest" >"$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log"; fail "meson install"; }

pc=$(find "$dest" -name libesimlpa.pc | head -1)
[ -n "$pc" ] || fail "libesimlpa.pc not installed"
pcdir=$(dirname "$pc")
libdir=$(dirname "$pcdir")
prefix=$(sed -n 's/^prefix=//p' "$pc")
root=$dest$prefix
[ -d "$root" ] || fail "prefix $prefix of the .pc is not where files went"

# Files.
so=$libdir/libesimlpa.so.$version
[ -f "$so" ] || fail "no $so"
[ -f "$libdir/libesimlpa.a" ] || fail "no static library"
[ "$(readlink "$libdir/libesimlpa.so.0")" = "libesimlpa.so.$version" ] || fail "libesimlpa.so.0 link"
[ -e "$libdir/libesimlpa.so" ] || fail "no libesimlpa.so development link"
soname=$(objdump -p "$so" | awk '/SONAME/ {print $2}')
[ "$soname" = "libesimlpa.so.0" ] || fail "soname is '$soname', want libesimlpa.so.0"
for h in "$src"/include/esimlpa/*.h; do
    [ -f "$root/include/esimlpa/$(basename "$h")" ] ||
        fail "public header $(basename "$h") not installed (install_headers in lib/meson.build)"
done
[ -x "$root/bin/esimlpa" ] || fail "CLI not installed"
[ -x "$root/bin/esimlpa-lpac" ] || fail "esimlpa-lpac not installed"
[ -f "$root/share/man/man1/esimlpa.1" ] || fail "man page not installed"
# The bundled GSMA RSP CI roots, where the library looks for them by default.
for set in production test; do
    ls "$root/share/libesimlpa/rsp-ci/$set/"*.pem >/dev/null 2>&1 ||
        fail "bundled RSP CI roots ($set) not installed under share/libesimlpa/rsp-ci"
done
grep -aq "$prefix/share/libesimlpa/rsp-ci" "$libdir/libesimlpa.so.$version" ||
    fail "the library does not look for the RSP CI roots under $prefix/share/libesimlpa/rsp-ci"
grep -q 'Requires.private:.*libcrypto.*libpcsclite.*libcurl.*libcjson' "$pc" ||
    fail "Requires.private of libesimlpa.pc: $(grep Requires "$pc")"

# Build a program against the installed tree through pkg-config only.
export PKG_CONFIG_PATH="$pcdir" PKG_CONFIG_SYSROOT_DIR="$dest"
# The sysroot applies to every package: let the system ones be found as they are.
export PKG_CONFIG_SYSTEM_LIBRARY_PATH=/usr/lib:/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu
pkg-config --exists libesimlpa || fail "pkg-config does not find libesimlpa"
[ "$(pkg-config --modversion libesimlpa)" = "$version" ] || fail "pkg-config version"
cflags=$(pkg-config --cflags libesimlpa) && libs=$(pkg-config --libs libesimlpa) || fail "pkg-config flags"
# shellcheck disable=SC2086
$CC -std=c11 -Wall -Wextra -Werror $CONSUMER_CFLAGS -DESIMLPA_CONSUMER_EXPECT_VERSION="\"$version\"" \
    $cflags "$src/tests/install/consumer.c" -o "$tmp/consumer" $libs ||
    fail "building against the installed library (cflags: $cflags libs: $libs)"
readelf -d "$tmp/consumer" | grep -q 'NEEDED.*libesimlpa.so.0' || fail "consumer does not need libesimlpa.so.0"
LD_LIBRARY_PATH=$libdir "$tmp/consumer" || fail "consumer (shared) failed"

# Static: libesimlpa.a plus what libesimlpa.pc declares for static linking
# (Requires.private, Libs.private). The packages it requires are linked at
# their own --libs level: `pkg-config --static` would also expand libcurl's
# private dependencies, whose development files Debian does not install.
reqs=$(pkg-config --print-requires-private libesimlpa | awk '{print $1}' | tr '\n' ' ')
for r in libcrypto libpcsclite libcurl libcjson; do
    case " $reqs " in *" $r "*) ;; *) fail "Requires.private lacks $r (has: $reqs)";; esac
done
# shellcheck disable=SC2086
deplibs=$(pkg-config --libs $reqs) || fail "pkg-config --libs $reqs"
privlibs=$(sed -n 's/^Libs.private: *//p' "$pc")
slibs="-L$libdir -Wl,-Bstatic -lesimlpa -Wl,-Bdynamic $privlibs $deplibs"
# shellcheck disable=SC2086
$CC -std=c11 $CONSUMER_CFLAGS -DESIMLPA_CONSUMER_EXPECT_VERSION="\"$version\"" $cflags \
    "$src/tests/install/consumer.c" -o "$tmp/consumer-static" $slibs ||
    fail "static link with Requires.private/Libs.private of libesimlpa.pc (libs: $slibs)"
readelf -d "$tmp/consumer-static" | grep -q 'libesimlpa' && fail "static consumer still needs libesimlpa.so"
"$tmp/consumer-static" || fail "consumer (static) failed"

# The installed CLI runs against the installed library.
LD_LIBRARY_PATH=$libdir "$root/bin/esimlpa" --version | grep -q "$version" || fail "installed esimlpa --version"
[ "$(LD_LIBRARY_PATH=$libdir "$root/bin/esimlpa-lpac" version)" = \
  "{\"type\":\"lpa\",\"payload\":{\"code\":0,\"message\":\"success\",\"data\":\"$version\"}}" ] ||
    fail "installed esimlpa-lpac version: $(LD_LIBRARY_PATH=$libdir "$root/bin/esimlpa-lpac" version)"

# Every command has --help, and the man page names every command.
cli() { LD_LIBRARY_PATH=$libdir "$root/bin/esimlpa" "$@"; }
cmds=$(cli --help | sed -n '/^Commands:/,/^$/p' | awk 'NF >= 2 && $1 != "Commands:" {print $1 " " $2}')
[ "$(printf '%s\n' "$cmds" | wc -l)" -ge 14 ] || fail "esimlpa --help lists too few commands: $cmds"
man=$root/share/man/man1/esimlpa.1
while read -r g n; do
    # shellcheck disable=SC2086
    out=$(cli $g $n --help) || fail "esimlpa $g $n --help: exit $?"
    printf '%s\n' "$out" | grep -q "^Usage: esimlpa $g $n" || fail "esimlpa $g $n --help: $out"
    grep -q "^\.B.* $g $n\b\|^\.B $g $n\b\|^\.BI \"$g $n\b" "$man" || fail "man page lacks '$g $n'"
done <<<"$cmds"
for g in $(printf '%s\n' "$cmds" | awk '{print $1}' | sort -u); do
    cli "$g" --help | grep -q "^Usage: esimlpa $g SUBCOMMAND" || fail "esimlpa $g --help"
done

# ABI: only esimlpa_* exported, every declared function exported.
sh "$src/tests/unit/abi/exports.sh" "$so" "$root/include" || fail "exports of the installed library"
echo "ok: installed under $prefix, consumer built with pkg-config (shared and static)"
