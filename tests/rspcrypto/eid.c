/* SPDX-License-Identifier: MIT */
/* EID check digits, SGP.29 (sgp22-notes §10.6): int(EID) mod 97 == 1. */
#include <string.h>

#include "rspcrypto.h"

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static unsigned mod97(const char *s, size_t n)
{
    unsigned r = 0;
    for (size_t i = 0; i < n; i++)
        r = (r * 10 + (unsigned)(s[i] - '0')) % 97;
    return r;
}

int rspc_eid_verify(const char *digits)
{
    if (!digits || strlen(digits) != 32 || !all_digits(digits, 32))
        return RSPC_EEID;
    return mod97(digits, 32) == 1 ? RSPC_OK : RSPC_EEID;
}

int rspc_eid_complete(const char *digits, char out[33])
{
    size_t n = digits ? strlen(digits) : 0;
    if ((n != 30 && n != 32) || !out || !all_digits(digits, n))
        return RSPC_EEID;
    memcpy(out, digits, 30);
    out[30] = '0';
    out[31] = '0';
    out[32] = '\0';
    unsigned cd = 98 - mod97(out, 32);
    out[30] = (char)('0' + cd / 10);
    out[31] = (char)('0' + cd % 10);
    return RSPC_OK;
}

int rspc_eid_to_bytes(const char *digits, uint8_t eid[16])
{
    if (!digits || !eid || strlen(digits) != 32 || !all_digits(digits, 32))
        return RSPC_EEID;
    for (size_t i = 0; i < 16; i++)
        eid[i] = (uint8_t)(((digits[2 * i] - '0') << 4) | (digits[2 * i + 1] - '0'));
    return RSPC_OK;
}

void rspc_eid_from_bytes(const uint8_t eid[16], char out[33])
{
    static const char hx[] = "0123456789ABCDEF";
    for (size_t i = 0; i < 16; i++) {
        out[2 * i] = hx[eid[i] >> 4];
        out[2 * i + 1] = hx[eid[i] & 15];
    }
    out[32] = '\0';
}
