/* SPDX-License-Identifier: MIT */
/* Base64: strict on output, lenient on input (servers insert line breaks or
 * drop the padding, SGP.22 notes pitfall 14). */
#include "base64.h"

#include <stdlib.h>

#include <esimlpa/error.h>

static const char B64_ALPHABET[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *esimlpa__b64_encode(const uint8_t *in, size_t len)
{
    if (len > (SIZE_MAX / 4 - 1) * 3 || (!in && len))
        return NULL;
    size_t out_len = (len + 2) / 3 * 4;
    char *out = malloc(out_len + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    size_t i = 0;
    for (; i + 3 <= len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = B64_ALPHABET[v >> 18 & 63];
        out[o++] = B64_ALPHABET[v >> 12 & 63];
        out[o++] = B64_ALPHABET[v >> 6 & 63];
        out[o++] = B64_ALPHABET[v & 63];
    }
    if (len - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = B64_ALPHABET[v >> 18 & 63];
        out[o++] = B64_ALPHABET[v >> 12 & 63];
        out[o++] = '=';
        out[o++] = '=';
    } else if (len - i == 2) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        out[o++] = B64_ALPHABET[v >> 18 & 63];
        out[o++] = B64_ALPHABET[v >> 12 & 63];
        out[o++] = B64_ALPHABET[v >> 6 & 63];
        out[o++] = '=';
    }
    out[o] = '\0';
    return out;
}

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

static int is_b64_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Check @in and compute the decoded size; see esimlpa__b64_decode. */
static int b64_check(const char *in, size_t in_len, size_t max_out, size_t *n_out)
{
    /* First pass: validate and count data characters and padding. */
    size_t data = 0, pad = 0;
    for (size_t i = 0; i < in_len; i++) {
        unsigned char c = (unsigned char)in[i];
        if (is_b64_space(c))
            continue;
        if (c == '=') {
            pad++;
            continue;
        }
        if (pad || b64_value(c) < 0)
            return ESIMLPA_EDECODE;   /* data after padding, or outside the alphabet */
        data++;
    }
    size_t rem = data % 4;
    if (rem == 1)
        return ESIMLPA_EDECODE;       /* 6 bits cannot form a byte */
    if (pad && (pad > 2 || (data + pad) % 4 != 0 || rem == 0))
        return ESIMLPA_EDECODE;       /* padding inconsistent with the length */
    size_t n = data / 4 * 3 + (rem ? rem - 1 : 0);
    if (n > max_out)
        return ESIMLPA_ETOOBIG;
    *n_out = n;
    return ESIMLPA_OK;
}

/* Decode checked input into @dst; @dst may be @in itself: the output
 * position never passes the input position (3 bytes per 4 characters). */
static size_t b64_decode_into(const char *in, size_t in_len, uint8_t *dst)
{
    uint32_t acc = 0;
    unsigned bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < in_len; i++) {
        int v = b64_value((unsigned char)in[i]);
        if (v < 0)
            continue;
        acc = (acc << 6 | (uint32_t)v) & 0xFFFFFF;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            dst[o++] = (uint8_t)(acc >> bits);
        }
    }
    return o;
}

int esimlpa__b64_decode(const char *in, size_t in_len, size_t max_out, uint8_t **out,
                        size_t *out_len)
{
    if (!out || !out_len || (!in && in_len))
        return ESIMLPA_EINVAL;
    *out = NULL;
    *out_len = 0;
    size_t n = 0;
    int rc = b64_check(in, in_len, max_out, &n);
    if (rc != ESIMLPA_OK)
        return rc;
    uint8_t *buf = malloc(n ? n : 1);
    if (!buf)
        return ESIMLPA_ENOMEM;
    *out_len = b64_decode_into(in, in_len, buf);
    *out = buf;
    return ESIMLPA_OK;
}

int esimlpa__b64_decode_inplace(char *buf, size_t len, size_t max_out, size_t *out_len)
{
    if (!out_len || (!buf && len))
        return ESIMLPA_EINVAL;
    *out_len = 0;
    size_t n = 0;
    int rc = b64_check(buf, len, max_out, &n);
    if (rc != ESIMLPA_OK)
        return rc;
    *out_len = b64_decode_into(buf, len, (uint8_t *)buf);
    return ESIMLPA_OK;
}
