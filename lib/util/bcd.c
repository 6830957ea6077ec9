/* SPDX-License-Identifier: MIT */
/* Swapped-BCD and other digit codings of SGP.22 identifiers. */
#include "util_internal.h"

#include <string.h>

int esimlpa__all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

int esimlpa__bcd_swapped_encode(const char *digits, uint8_t *out, size_t out_len)
{
    if (!digits || !out)
        return ESIMLPA_EINVAL;
    size_t n = strlen(digits);
    if (n > 2 * out_len || !esimlpa__all_digits(digits, n))
        return ESIMLPA_EINVAL;
    memset(out, 0xFF, out_len);
    for (size_t i = 0; i < n; i++) {
        uint8_t d = (uint8_t)(digits[i] - '0');
        if (i % 2 == 0)
            out[i / 2] = (uint8_t)((out[i / 2] & 0xF0) | d);
        else
            out[i / 2] = (uint8_t)((out[i / 2] & 0x0F) | (d << 4));
    }
    return ESIMLPA_OK;
}

int esimlpa__bcd_swapped_decode(const uint8_t *in, size_t len, char *out, size_t out_size)
{
    if ((!in && len > 0) || !out)
        return ESIMLPA_EINVAL;
    if (out_size < 2 * len + 1)
        return ESIMLPA_ETOOLONG;
    size_t n = 2 * len;
    /* Strip trailing F nibbles only (SGP.22 notes §10.5, pitfall 13). */
    while (n > 0) {
        uint8_t b = in[(n - 1) / 2];
        uint8_t nib = ((n - 1) % 2 == 0) ? (b & 0x0F) : (b >> 4);
        if (nib != 0x0F)
            break;
        n--;
    }
    for (size_t i = 0; i < n; i++) {
        uint8_t b = in[i / 2];
        uint8_t nib = (i % 2 == 0) ? (b & 0x0F) : (b >> 4);
        if (nib > 9) {
            out[0] = '\0';
            return ESIMLPA_EDECODE;
        }
        out[i] = (char)('0' + nib);
    }
    out[n] = '\0';
    return ESIMLPA_OK;
}

int esimlpa__eid_from_bytes(const uint8_t *in, size_t len, char out[ESIMLPA_EID_LEN + 1])
{
    if (!out)
        return ESIMLPA_EINVAL;
    out[0] = '\0';
    if (!in || len != ESIMLPA_EID_LEN / 2)
        return ESIMLPA_EDECODE;
    char tmp[ESIMLPA_EID_LEN + 1];
    for (size_t i = 0; i < len; i++) {
        uint8_t hi = in[i] >> 4, lo = in[i] & 0x0F;
        if (hi > 9 || lo > 9)
            return ESIMLPA_EDECODE;
        tmp[2 * i] = (char)('0' + hi);
        tmp[2 * i + 1] = (char)('0' + lo);
    }
    tmp[ESIMLPA_EID_LEN] = '\0';
    memcpy(out, tmp, sizeof tmp);
    return ESIMLPA_OK;
}

int esimlpa__eid_check_digits_ok(const char *eid)
{
    if (!eid || strlen(eid) != ESIMLPA_EID_LEN || !esimlpa__all_digits(eid, ESIMLPA_EID_LEN))
        return 0;
    unsigned rem = 0;
    for (size_t i = 0; i < ESIMLPA_EID_LEN; i++)
        rem = (rem * 10 + (unsigned)(eid[i] - '0')) % 97;
    return rem == 1;
}

int esimlpa__version3(const uint8_t *in, size_t len, struct esimlpa_version3 *out)
{
    if (!out)
        return ESIMLPA_EINVAL;
    if (!in || len != 3)
        return ESIMLPA_EDECODE;
    out->major = in[0];
    out->minor = in[1];
    out->revision = in[2];
    return ESIMLPA_OK;
}

int esimlpa__plmn_decode(const uint8_t *in, size_t len, char out[7])
{
    if (!out)
        return ESIMLPA_EINVAL;
    out[0] = '\0';
    if (!in || len != 3)
        return ESIMLPA_EDECODE;
    uint8_t d[6] = {
        (uint8_t)(in[0] & 0x0F), (uint8_t)(in[0] >> 4), (uint8_t)(in[1] & 0x0F), /* MCC */
        (uint8_t)(in[2] & 0x0F), (uint8_t)(in[2] >> 4), (uint8_t)(in[1] >> 4),   /* MNC */
    };
    size_t n = (d[5] == 0x0F) ? 5 : 6;
    for (size_t i = 0; i < n; i++) {
        if (d[i] > 9)
            return ESIMLPA_EDECODE;
        out[i] = (char)('0' + d[i]);
    }
    out[n] = '\0';
    return ESIMLPA_OK;
}
