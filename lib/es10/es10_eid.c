/* SPDX-License-Identifier: MIT */
/* ES10c.GetEID (SGP.22 §5.7.20): GetEuiccDataRequest with tagList 5A. */
#include <string.h>

#include <GetEuiccDataResponse.h>

#include "es10_common.h"
#include "../util/util_internal.h"

/* BF3E { 5C 01 5A }: only the EID is asked for (notes §4.3). */
static const uint8_t get_eid_req[] = { 0xBF, 0x3E, 0x03, 0x5C, 0x01, 0x5A };

int esimlpa_eid_get(esimlpa_ctx *ctx, char eid[ESIMLPA_EID_LEN + 1])
{
    static const char what[] = "GetEID";
    int rc = esimlpa__es10_begin(ctx, what);
    if (rc != ESIMLPA_OK)
        return rc;
    if (!eid)
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "%s: no output buffer", what);
    eid[0] = '\0';
    GetEuiccDataResponse_t *resp = NULL;
    rc = esimlpa__es10_exchange(ctx, what, get_eid_req, sizeof get_eid_req, 0xBF3E,
                                &asn_DEF_GetEuiccDataResponse, (void **)&resp, NULL, NULL);
    if (rc != ESIMLPA_OK)
        return rc;
    /* 16 bytes, 32 decimal digits, not nibble-swapped (notes §10.6). */
    if (esimlpa__eid_from_bytes(resp->eidValue.buf, (size_t)resp->eidValue.size, eid)
        != ESIMLPA_OK) {
        eid[0] = '\0';
        rc = esimlpa__fail(ctx, ESIMLPA_EDECODE, "%s: malformed EID (%d bytes)", what,
                           resp->eidValue.size);
    }
    ASN_STRUCT_FREE(asn_DEF_GetEuiccDataResponse, resp);
    return rc;
}
