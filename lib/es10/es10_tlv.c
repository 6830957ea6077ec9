/* SPDX-License-Identifier: MIT */
/* Hand-written BER-TLV; see es10_tlv.h. */
#include "es10_tlv.h"

#include <stdlib.h>
#include <string.h>

static size_t len_size(size_t len)
{
    return len < 0x80 ? 1 : len < 0x100 ? 2 : len < 0x10000 ? 3 : len < 0x1000000 ? 4 : 5;
}

size_t esimlpa__tlv_size(size_t tag_len, size_t len)
{
    return tag_len + len_size(len) + len;
}

int esimlpa__tlvbuf_init(struct esimlpa__tlvbuf *b, size_t cap)
{
    memset(b, 0, sizeof *b);
    b->p = malloc(cap ? cap : 1);
    if (!b->p)
        return -1;
    b->cap = cap;
    return 0;
}

static void put(struct esimlpa__tlvbuf *b, uint8_t v)
{
    if (b->used >= b->cap) {
        b->overflow = 1;
        return;
    }
    b->p[b->used++] = v;
}

void esimlpa__tlvbuf_hdr(struct esimlpa__tlvbuf *b, unsigned tag, size_t len)
{
    if (tag > 0xFFFF)
        put(b, (uint8_t)(tag >> 16));
    if (tag > 0xFF)
        put(b, (uint8_t)(tag >> 8));
    put(b, (uint8_t)tag);
    size_t n = len_size(len);
    if (n == 5) {
        b->overflow = 1;
        return;
    }
    if (n > 1)
        put(b, (uint8_t)(0x80 | (n - 1)));
    for (size_t i = n > 1 ? n - 1 : 1; i > 0; i--)
        put(b, (uint8_t)(len >> (8 * (i - 1))));
}

void esimlpa__tlvbuf_raw(struct esimlpa__tlvbuf *b, const uint8_t *p, size_t len)
{
    if (len > b->cap - b->used) {
        b->overflow = 1;
        return;
    }
    if (len)
        memcpy(b->p + b->used, p, len);
    b->used += len;
}

void esimlpa__tlvbuf_tlv(struct esimlpa__tlvbuf *b, unsigned tag, const uint8_t *v, size_t len)
{
    esimlpa__tlvbuf_hdr(b, tag, len);
    esimlpa__tlvbuf_raw(b, v, len);
}

int esimlpa__tlvbuf_finish(struct esimlpa__tlvbuf *b, uint8_t **out, size_t *out_len)
{
    if (b->overflow || b->used != b->cap) {
        free(b->p);
        memset(b, 0, sizeof *b);
        return -1;
    }
    *out = b->p;
    *out_len = b->used;
    memset(b, 0, sizeof *b);
    return 0;
}

int esimlpa__tlv_small_int(const uint8_t *v, size_t len, long *out)
{
    if (!v || len < 1 || len > 4)
        return -1;
    long x = (v[0] & 0x80) ? -1 : 0;
    for (size_t i = 0; i < len; i++)
        x = (long)(((unsigned long)x << 8) | v[i]);
    *out = x;
    return 0;
}
