/* SPDX-License-Identifier: MIT */
/* Minimal strict BER-TLV reader and DER writer (ISO 7816-4 / X.690 tag and length forms). */
#include "rspcrypto.h"

int rspc_tlv_parse(const uint8_t *p, size_t avail, struct rspc_tlv *out)
{
    if (!p || !out || avail < 2)
        return RSPC_EINVAL;
    size_t i = 0;
    uint32_t tag = p[i++];
    if ((tag & 0x1F) == 0x1F) {  /* multi-byte tag: at most two subsequent bytes */
        for (int k = 0;; k++) {
            if (k == 2 || i >= avail)
                return RSPC_EINVAL;
            uint8_t b = p[i++];
            tag = (tag << 8) | b;
            if (!(b & 0x80))
                break;
        }
    }
    if (i >= avail)
        return RSPC_EINVAL;
    uint8_t l0 = p[i++];
    size_t len;
    if (l0 < 0x80) {
        len = l0;
    } else {
        size_t n = l0 & 0x7F;
        if (n == 0 || n > 4 || n > avail - i)  /* 80 = indefinite: not allowed here */
            return RSPC_EINVAL;
        len = 0;
        for (size_t k = 0; k < n; k++)
            len = (len << 8) | p[i++];
    }
    if (len > avail - i)
        return RSPC_EINVAL;
    out->tag = tag;
    out->hdr_len = i;
    out->len = len;
    out->value = p + i;
    out->total = i + len;
    return RSPC_OK;
}

size_t rspc_tlv_len_size(size_t len)
{
    if (len < 0x80)
        return 1;
    if (len <= 0xFF)
        return 2;
    if (len <= 0xFFFF)
        return 3;
    if (len <= 0xFFFFFF)
        return 4;
    return 5;
}

int rspc_tlv_put_tag(struct rspc_buf *b, uint32_t tag)
{
    uint8_t t[4];
    size_t n = 0;
    if (tag > 0xFFFFFF)
        return RSPC_EINVAL;
    if (tag > 0xFFFF)
        t[n++] = (uint8_t)(tag >> 16);
    if (tag > 0xFF)
        t[n++] = (uint8_t)(tag >> 8);
    t[n++] = (uint8_t)tag;
    return rspc_buf_append(b, t, n);
}

int rspc_tlv_put_len(struct rspc_buf *b, size_t len)
{
    uint8_t l[5];
    size_t n = rspc_tlv_len_size(len);
    if (len > 0xFFFFFFFFu)
        return RSPC_EINVAL;
    if (n == 1) {
        l[0] = (uint8_t)len;
    } else {
        l[0] = (uint8_t)(0x80 | (n - 1));
        for (size_t k = 1; k < n; k++)
            l[k] = (uint8_t)(len >> (8 * (n - 1 - k)));
    }
    return rspc_buf_append(b, l, n);
}

int rspc_tlv_put(struct rspc_buf *b, uint32_t tag, const uint8_t *v, size_t len)
{
    int rc = rspc_tlv_put_tag(b, tag);
    if (!rc)
        rc = rspc_tlv_put_len(b, len);
    if (!rc)
        rc = rspc_buf_append(b, v, len);
    return rc;
}
