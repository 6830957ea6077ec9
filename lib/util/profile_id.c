/* SPDX-License-Identifier: MIT */
/* Parse a user's profile identifier: ISD-P AID (32 hex digits) or ICCID. */
#include "util_internal.h"

#include <string.h>

#define AID_HEX_LEN 32

static int all_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (esimlpa__hex_nibble(s[i]) < 0)
            return 0;
    return 1;
}

int esimlpa_profile_id_parse(const char *text, struct esimlpa_profile_id *out)
{
    if (!text || !out)
        return ESIMLPA_EINVAL;
    size_t n = strlen(text);
    struct esimlpa_profile_id id;
    memset(&id, 0, sizeof id);

    if (n == AID_HEX_LEN) {
        if (!all_hex(text, n))
            return ESIMLPA_EBADAID;
        id.kind = ESIMLPA_ID_AID;
        if (esimlpa__hex_decode(text, id.aid, sizeof id.aid, &id.aid_len) != ESIMLPA_OK)
            return ESIMLPA_EBADAID;
        *out = id;
        return ESIMLPA_OK;
    }

    size_t digits = n;
    if (digits > 0 && (text[digits - 1] == 'F' || text[digits - 1] == 'f'))
        digits--;
    if (digits > 0 && esimlpa__all_digits(text, digits)) {
        if (digits < 18 || digits > ESIMLPA_ICCID_MAX)
            return ESIMLPA_EBADICCID;
        id.kind = ESIMLPA_ID_ICCID;
        memcpy(id.iccid, text, digits);
        id.iccid[digits] = '\0';
        *out = id;
        return ESIMLPA_OK;
    }
    /* Hex letters but not 32 of them: a mistyped AID; anything else: a bad ICCID. */
    if (n > 0 && all_hex(text, n))
        return ESIMLPA_EBADAID;
    return n > ESIMLPA_ICCID_MAX + 1 ? ESIMLPA_EBADAID : ESIMLPA_EBADICCID;
}
