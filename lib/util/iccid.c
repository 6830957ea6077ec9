/* SPDX-License-Identifier: MIT */
/* ICCID <-> EF.ICCID coding (nibble-swapped BCD, F padded), SGP.22 notes §10.5. */
#include "util_internal.h"

#include <string.h>

#define ICCID_MIN_DIGITS 18
#define ICCID_BYTES 10

int esimlpa_iccid_encode(const char *iccid, uint8_t out[10])
{
    if (!iccid || !out)
        return ESIMLPA_EINVAL;
    size_t n = strlen(iccid);
    /* A trailing F (as printed by some tools for 19-digit ICCIDs) is padding. */
    if (n > 0 && (iccid[n - 1] == 'F' || iccid[n - 1] == 'f'))
        n--;
    if (n < ICCID_MIN_DIGITS || n > ESIMLPA_ICCID_MAX || !esimlpa__all_digits(iccid, n))
        return ESIMLPA_EBADICCID;
    char digits[ESIMLPA_ICCID_MAX + 1];
    memcpy(digits, iccid, n);
    digits[n] = '\0';
    /* Requests always carry 10 bytes; unused nibbles are F. */
    return esimlpa__bcd_swapped_encode(digits, out, ICCID_BYTES) == ESIMLPA_OK
               ? ESIMLPA_OK : ESIMLPA_EBADICCID;
}

int esimlpa_iccid_decode(const uint8_t *in, size_t len, char out[ESIMLPA_ICCID_MAX + 1])
{
    if (!in || !out)
        return ESIMLPA_EINVAL;
    out[0] = '\0';
    if (len != ICCID_BYTES)
        return ESIMLPA_EBADICCID;
    char tmp[2 * ICCID_BYTES + 1];
    if (esimlpa__bcd_swapped_decode(in, len, tmp, sizeof tmp) != ESIMLPA_OK)
        return ESIMLPA_EBADICCID;
    if (strlen(tmp) < ICCID_MIN_DIGITS)
        return ESIMLPA_EBADICCID;
    memcpy(out, tmp, strlen(tmp) + 1);
    return ESIMLPA_OK;
}
