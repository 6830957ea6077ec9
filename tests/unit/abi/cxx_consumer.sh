#!/bin/sh
# SPDX-License-Identifier: MIT
# Compile tests/unit/abi/cxx_consumer.cpp with g++ -std=c++11 -Wall -Wextra
# -Werror against the public headers, link it with the shared library, run it.
# Every public header is included (checked against the directory listing).
set -u
cxx=$1; src=$2; incdir=$3; libdir=$4; out=$5
for h in "$incdir"/esimlpa/*.h; do
    name=$(basename "$h")
    grep -q "#include <esimlpa/$name>" "$src" || { echo "FAIL: $src does not include esimlpa/$name"; exit 1; }
done
"$cxx" -std=c++11 -Wall -Wextra -Werror -pedantic ${CONSUMER_CFLAGS:-} -I"$incdir" "$src" \
    -L"$libdir" -lesimlpa -Wl,-rpath,"$libdir" -o "$out" || { echo "FAIL: the C++ consumer does not build"; exit 1; }
"$out"
