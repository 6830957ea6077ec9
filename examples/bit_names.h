/* SPDX-License-Identifier: MIT */
/* Names of the bits of SGP.22's capability BIT STRINGs (the identifiers of
 * asn1/rsp.asn), shared by esimlpa and esimlpa-lpac. */
#ifndef ESIMLPA_EXAMPLES_BIT_NAMES_H
#define ESIMLPA_EXAMPLES_BIT_NAMES_H

#include <stdint.h>
#include <cJSON.h>

enum bit_names_kind {
    BIT_NAMES_UICC_CAPABILITY,   /* UICCCapability, SGP.22 §5.7.8 */
    BIT_NAMES_RSP_CAPABILITY,    /* RspCapability, SGP.22 §5.7.8 */
    BIT_NAMES_PPR,               /* PprIds, SGP.22 §2.4a.1.1 */
};

/* A JSON array of the names of the set bits (bit n = BIT STRING bit n);
 * a set bit the type does not name is left out. */
cJSON *bit_names_json(enum bit_names_kind kind, uint32_t bits);

#endif
