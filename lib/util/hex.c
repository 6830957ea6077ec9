/* SPDX-License-Identifier: MIT */
#include "hex.h"

#include <stdlib.h>
#include <string.h>

#include <esimlpa/error.h>

static const char hex_digits[] = "0123456789ABCDEF";

int esimlpa__hex_nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

int esimlpa__hex_encode(const uint8_t *in, size_t len, char *out, size_t out_size)
{
    if (!out || out_size == 0)
        return ESIMLPA_ETOOLONG;
    if (len > (out_size - 1) / 2) {
        out[0] = '\0';
        return ESIMLPA_ETOOLONG;
    }
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = hex_digits[in[i] >> 4];
        out[2 * i + 1] = hex_digits[in[i] & 0x0F];
    }
    out[2 * len] = '\0';
    return ESIMLPA_OK;
}

char *esimlpa__hex_alloc(const uint8_t *in, size_t len)
{
    if (len > (SIZE_MAX - 1) / 2)
        return NULL;
    char *s = malloc(2 * len + 1);
    if (!s)
        return NULL;
    esimlpa__hex_encode(in, len, s, 2 * len + 1);
    return s;
}

int esimlpa__hex_decode_n(const char *hex, size_t hex_len, uint8_t *out, size_t out_size,
                          size_t *out_len)
{
    if (!hex || (!out && hex_len > 0))
        return ESIMLPA_EINVAL;
    if (hex_len % 2 != 0)
        return ESIMLPA_EINVAL;
    if (hex_len / 2 > out_size)
        return ESIMLPA_ETOOLONG;
    for (size_t i = 0; i < hex_len; i += 2) {
        int hi = esimlpa__hex_nibble(hex[i]);
        int lo = esimlpa__hex_nibble(hex[i + 1]);
        if (hi < 0 || lo < 0)
            return ESIMLPA_EINVAL;
        out[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    if (out_len)
        *out_len = hex_len / 2;
    return ESIMLPA_OK;
}

int esimlpa__hex_decode(const char *hex, uint8_t *out, size_t out_size, size_t *out_len)
{
    if (!hex)
        return ESIMLPA_EINVAL;
    return esimlpa__hex_decode_n(hex, strlen(hex), out, out_size, out_len);
}
