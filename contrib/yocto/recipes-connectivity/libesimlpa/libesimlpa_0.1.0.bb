# SPDX-License-Identifier: MIT
# Yocto/OpenEmbedded recipe for libesimlpa (the library) and esimlpa (the CLI,
# package libesimlpa-cli): a firmware build (-Dfirmware=true: -Os, whatever
# FULL_OPTIMIZATION says), without the test doubles, tests or docs (meson
# options -Dtests=false -Ddocs=false). Needs meta-oe (cjson,
# pcsc-lite). Put it in your layer, set SRC_URI / SRCREV to your copy of the
# sources, then: bitbake libesimlpa. Sizes: contrib/README.md.
SUMMARY = "GSMA SGP.22 eSIM Local Profile Assistant library and CLI"
HOMEPAGE = "https://git.example.com/libesimlpa"
LICENSE = "MIT"
LIC_FILES_CHKSUM = "file://LICENSE;md5=ebe0b16af3197577db9089eacf86eab7"

SRC_URI = "git://git.example.com/libesimlpa.git;protocol=https;branch=main"
# Pin SRCREV to a commit for a release build.
SRCREV = "${AUTOREV}"
PV = "0.1.0+git"
S = "${WORKDIR}/git"

# The library links OpenSSL itself (libcrypto, libssl); keep curl on its
# OpenSSL backend (oe-core's default PACKAGECONFIG "openssl") so the image
# carries one TLS library, not two.
DEPENDS = "openssl curl pcsc-lite cjson"

inherit meson pkgconfig

EXTRA_OEMESON = "-Dfirmware=true -Dtests=false -Ddocs=false -Dfuzzing=false -Dasn1_asserts=false"

PACKAGES =+ "${PN}-cli ${PN}-test-ci"
FILES:${PN}-cli = "${bindir}/esimlpa"
RDEPENDS:${PN}-cli = "${PN}"
# The production RSP CI roots go with the library; the test ones (for test
# SM-DP+s, --test-ci) are a package of their own.
FILES:${PN} += "${datadir}/libesimlpa/rsp-ci/production ${datadir}/libesimlpa/rsp-ci/README.md"
FILES:${PN}-test-ci = "${datadir}/libesimlpa/rsp-ci/test"
