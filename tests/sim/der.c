/* SPDX-License-Identifier: MIT */
#include "der.h"

#include <stdlib.h>
#include <string.h>

#include <ber_decoder.h>
#include <constraints.h>

void dbuf_init(struct dbuf *b) { memset(b, 0, sizeof(*b)); }

void dbuf_free(struct dbuf *b)
{
    free(b->p);
    dbuf_init(b);
}

static int grow(struct dbuf *b, size_t extra)
{
    if (b->oom)
        return -1;
    if (b->len + extra <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra)
        cap *= 2;
    uint8_t *p = realloc(b->p, cap);
    if (!p) {
        b->oom = true;
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

void dbuf_put(struct dbuf *b, const void *data, size_t len)
{
    if (len == 0 || grow(b, len))
        return;
    memcpy(b->p + b->len, data, len);
    b->len += len;
}

static void put_tag(struct dbuf *b, unsigned tag)
{
    uint8_t t[3];
    size_t n = 0;
    if (tag > 0xFFFF)
        t[n++] = (uint8_t)(tag >> 16);
    if (tag > 0xFF)
        t[n++] = (uint8_t)(tag >> 8);
    t[n++] = (uint8_t)tag;
    dbuf_put(b, t, n);
}

static size_t len_size(size_t len)
{
    if (len < 0x80) return 1;
    if (len <= 0xFF) return 2;
    if (len <= 0xFFFF) return 3;
    return 4;
}

static void encode_len(uint8_t *o, size_t len)
{
    size_t n = len_size(len);
    if (n == 1) {
        o[0] = (uint8_t)len;
        return;
    }
    o[0] = (uint8_t)(0x80 | (n - 1));
    for (size_t i = 1; i < n; i++)
        o[i] = (uint8_t)(len >> (8 * (n - 1 - i)));
}

void dbuf_tlv(struct dbuf *b, unsigned tag, const void *val, size_t len)
{
    uint8_t l[4];
    put_tag(b, tag);
    encode_len(l, len);
    dbuf_put(b, l, len_size(len));
    dbuf_put(b, val, len);
}

void dbuf_tlv_str(struct dbuf *b, unsigned tag, const char *s)
{
    dbuf_tlv(b, tag, s, strlen(s));
}

void dbuf_tlv_int(struct dbuf *b, unsigned tag, long v)
{
    uint8_t o[sizeof(long)];
    size_t n = sizeof(long);
    for (size_t i = 0; i < n; i++)
        o[i] = (uint8_t)((unsigned long)v >> (8 * (n - 1 - i)));
    size_t s = 0;
    /* drop leading octets that only repeat the sign (X.690 §8.3.2) */
    while (s + 1 < n && ((o[s] == 0x00 && !(o[s + 1] & 0x80)) ||
                         (o[s] == 0xFF && (o[s + 1] & 0x80))))
        s++;
    dbuf_tlv(b, tag, o + s, n - s);
}

void dbuf_tlv_bits(struct dbuf *b, unsigned tag, unsigned mask)
{
    uint8_t o[5] = {0};
    int top = -1;
    for (int i = 0; i < 32; i++)
        if (mask & (1u << i))
            top = i;
    size_t nbytes = top < 0 ? 0 : (size_t)top / 8 + 1;
    for (int i = 0; i <= top; i++)
        if (mask & (1u << i))
            o[1 + i / 8] |= (uint8_t)(0x80 >> (i % 8));
    o[0] = top < 0 ? 0 : (uint8_t)(7 - top % 8);
    dbuf_tlv(b, tag, o, 1 + nbytes);
}

void dbuf_open(struct dbuf *b, unsigned tag)
{
    put_tag(b, tag);
    if (b->depth >= (int)(sizeof(b->stack) / sizeof(b->stack[0]))) {
        b->oom = true;
        return;
    }
    b->stack[b->depth++] = b->len;
}

void dbuf_close(struct dbuf *b)
{
    if (b->depth <= 0) {
        b->oom = true;
        return;
    }
    size_t start = b->stack[--b->depth];
    if (b->oom)
        return;
    size_t vlen = b->len - start, n = len_size(vlen);
    if (grow(b, n))
        return;
    memmove(b->p + start + n, b->p + start, vlen);
    encode_len(b->p + start, vlen);
    b->len += n;
}

int dbuf_ok(const struct dbuf *b) { return (b->oom || b->depth) ? -1 : 0; }

int sim_decode(const asn_TYPE_descriptor_t *td, void **out,
               const uint8_t *buf, size_t len)
{
    asn_codec_ctx_t ctx = { .max_stack_size = 30000 };
    void *s = NULL;
    *out = NULL;
    asn_dec_rval_t rv = ber_decode(&ctx, (asn_TYPE_descriptor_t *)td, &s, buf, len);
    if (rv.code != RC_OK || rv.consumed != len) {
        if (s)
            td->free_struct((asn_TYPE_descriptor_t *)td, s, 0);
        return -1;
    }
    char cerr[128];
    size_t cerr_len = sizeof(cerr);
    if (asn_check_constraints((asn_TYPE_descriptor_t *)td, s, cerr, &cerr_len)) {
        td->free_struct((asn_TYPE_descriptor_t *)td, s, 0);
        return -1;
    }
    *out = s;
    return 0;
}

unsigned sim_bits_get(const BIT_STRING_t *bs)
{
    unsigned m = 0;
    if (!bs || !bs->buf)
        return 0;
    for (int i = 0; i < bs->size && i < 4; i++)
        for (int j = 0; j < 8; j++)
            if (bs->buf[i] & (0x80 >> j))
                m |= 1u << (i * 8 + j);
    return m;
}

int sim_tlv_header(const uint8_t *buf, size_t len, unsigned *tag,
                   size_t *hdr_len, size_t *val_len)
{
    size_t i = 0;
    if (len < 2)
        return -1;
    unsigned t = buf[i++];
    if ((t & 0x1F) == 0x1F) {
        do {
            if (i >= len || i > 3)
                return -1;
            t = (t << 8) | buf[i];
        } while (buf[i++] & 0x80);
    }
    if (i >= len)
        return -1;
    size_t l = buf[i++];
    if (l & 0x80) {
        size_t n = l & 0x7F;
        if (n == 0 || n > 3 || i + n > len)
            return -1;
        l = 0;
        for (size_t k = 0; k < n; k++)
            l = (l << 8) | buf[i++];
    }
    if (l > len - i)
        return -1;
    *tag = t;
    *hdr_len = i;
    *val_len = l;
    return 0;
}

int sim_tlv_next(const uint8_t *buf, size_t len, size_t *off, struct sim_tlv *t)
{
    size_t h, l;
    if (*off >= len)
        return 0;
    if (sim_tlv_header(buf + *off, len - *off, &t->tag, &h, &l))
        return -1;
    t->tlv = buf + *off;
    t->val = t->tlv + h;
    t->val_len = l;
    t->tlv_len = h + l;
    *off += h + l;
    return 1;
}
