#!/bin/bash
# SPDX-License-Identifier: MIT
# OSS-Fuzz / ClusterFuzzLite build script: builds every harness with $CC,
# $CFLAGS (sanitizer + fuzzer-no-link flags from the infrastructure) and links
# it with $LIB_FUZZING_ENGINE; ships <harness>, <harness>_seed_corpus.zip,
# <harness>.dict and the test PKI/state the test-double harnesses need
# (fuzz_data/) to $OUT. $SRC defaults to the parent of this repository.
# Local check:
#   CC=clang CFLAGS=-fsanitize=address,fuzzer-no-link \
#   LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=/tmp/out fuzz/oss-fuzz-build.sh
set -euxo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
: "${CC:=clang}" "${CFLAGS:=}" "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}" "${OUT:?set OUT}"
: "${SRC:=$(dirname "$root")}" "${WORK:=$(mktemp -d)}"
mkdir -p "$OUT"
build="$WORK/esimlpa-build"
rm -rf "$build"
# The library and test doubles get $CFLAGS through meson; the harness
# executables link the fuzzing engine.
CC="$CC" CFLAGS="$CFLAGS" LDFLAGS="${LDFLAGS:-} $CFLAGS -Wl,-z,undefs" \
    meson setup "$build" "$root" -Dfuzzing=false -Dasn1_asserts=true -Ddefault_library=static \
    -Dbuildtype=plain -Dwerror=false -Db_lundef=false
ninja -C "$build" lib/libesimlpa_internal.a lib/libesimlpa_asn1.a \
    tests/sim/libsofteuicc.a tests/smdpp/libsmdpp_core.a tests/smdpp/libhttpd.a \
    tests/rspcrypto/librspcrypto.a
pkgs="libcrypto libssl libcurl libcjson libpcsclite"
libs="$(pkg-config --libs $pkgs) -lpthread"
cflags_pkg="$(pkg-config --cflags $pkgs)"
inc="-I$root/include -I$root/lib -I$root/lib/asn1 -I$root/tests/sim -I$root/tests/smdpp -I$root/tests/rspcrypto"
data="-DFUZZ_PKI_DIR=\"/nonexistent\" -DFUZZ_SEED=\"/nonexistent\" -DFUZZ_PROFILES_DIR=\"/nonexistent\""
common="$root/fuzz/fuzz_card.c $root/fuzz/fuzz_data.c"
core="-Wl,--whole-archive $build/lib/libesimlpa_internal.a -Wl,--no-whole-archive $build/lib/libesimlpa_asn1.a"
doubles="$build/tests/sim/libsofteuicc.a $build/tests/smdpp/libsmdpp_core.a $build/tests/smdpp/libhttpd.a $build/tests/rspcrypto/librspcrypto.a"
for src in "$root"/fuzz/fuzz_*.c; do
    name=$(basename "$src" .c)
    case $name in fuzz_card|fuzz_data) continue ;; esac
    extra=""
    case $name in fuzz_softeuicc|fuzz_smdpp) extra="$doubles" ;; esac
    # shellcheck disable=SC2086
    $CC $CFLAGS -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L $inc $cflags_pkg $data \
        "$src" $common $extra $core $LIB_FUZZING_ENGINE $libs -o "$OUT/$name"
    if [ -d "$root/fuzz/corpus/$name" ]; then
        (cd "$root/fuzz/corpus/$name" && zip -q -r "$OUT/${name}_seed_corpus.zip" .)
    fi
    [ -f "$root/fuzz/$name.dict" ] && cp "$root/fuzz/$name.dict" "$OUT/$name.dict"
done
# Data of the test-double harnesses: found next to the executables.
rm -rf "$OUT/fuzz_data"
mkdir -p "$OUT/fuzz_data/pki" "$OUT/fuzz_data/profiles"
sh "$root/tests/pki/gen-rsp-pki.sh" "$OUT/fuzz_data/pki" nist >/dev/null
cp "$root/tests/sim/seed/default.json" "$OUT/fuzz_data/seed.json"
cp "$root"/tests/smdpp/profiles/*.json "$OUT/fuzz_data/profiles/"
