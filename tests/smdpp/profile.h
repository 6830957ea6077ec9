/* SPDX-License-Identifier: MIT */
/* Test profiles: metadata (StoreMetadataRequest BF25, notes §10.2) and an unprotected profile
 * package (UPP, a sequence of SAIP-like profile-element TLVs, notes §6.4). */
#ifndef TESTS_SMDPP_PROFILE_H
#define TESTS_SMDPP_PROFILE_H

#include <stddef.h>
#include <stdint.h>

struct smdpp_profile {
    char *path;
    char iccid[21];         /* digits */
    uint8_t *metadata;      /* BF25 TLV */
    size_t metadata_len;
    uint8_t *upp;
    size_t upp_len;
};

/* Load a profile JSON file:
 *   {"iccid": "8900...", "spn": "...", "name": "...", "class": "test|provisioning|operational",
 *    "iconType": "png|jpg", "icon": "<base64>",
 *    "notifications": [{"events": ["enable","disable","delete"], "address": "fqdn"}],
 *    "owner": {"mccMnc": "00F110", "gid1": "hex", "gid2": "hex"}, "ppr": ["ppr1","ppr2"],
 *    "upp": "file.der" | "uppHex": "A0..." | "uppSize": 8192}
 * A notification entry without "address" gets default_address (the server's own name); no
 * "notifications" key: one entry enable+disable+delete to default_address. Relative paths are
 * taken from the JSON file's directory. NULL on failure with a reason in err. */
struct smdpp_profile *smdpp_profile_load(const char *path, const char *default_address,
                                         char *err, size_t errlen);
void smdpp_profile_free(struct smdpp_profile *p);

/* ICCID digits -> 10 bytes EF.ICCID coding (notes §10.5). 0 or -1. */
int smdpp_iccid_encode(const char *digits, uint8_t out[10]);

/* A deterministic UPP of exactly size bytes (>= 64): a ProfileHeader-like A0 element
 * {80 major, 81 minor, 82 profileType, 83 iccid} followed by A1 {04 filler} elements of at most
 * 1024 bytes each, then an AA {80 01 00} end element. malloc'd; NULL on bad arguments. */
uint8_t *smdpp_upp_generate(const char *iccid, size_t size, size_t *out_len);

#endif
