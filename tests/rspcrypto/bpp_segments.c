/* SPDX-License-Identifier: MIT */
/* Cut a BoundProfilePackage into ES10b.LoadBoundProfilePackage commands (sgp22-notes §6.3):
 * BF36 header + BF23; A0 header + first 87, further 87s; A1 header; each 88;
 * A2 header + first 87, further 87s; A3 header; each 86. Headers keep their original bytes. */
#include <stdlib.h>

#include "rspcrypto.h"

struct seglist {
    struct rspc_bpp_seg *v;
    size_t n, cap;
};

static int push(struct seglist *l, size_t off, size_t len, size_t skip, uint32_t payload,
                uint32_t container)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        struct rspc_bpp_seg *v = realloc(l->v, cap * sizeof(*v));
        if (!v)
            return RSPC_ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = (struct rspc_bpp_seg){ off, len, skip, payload, container };
    return RSPC_OK;
}

/* One sequence container (A0..A3) at base[off]; every child must carry child_tag.
 * header_with_first: the first child travels with the container header (A0, A2). */
static int cut_sequence(const uint8_t *base, const struct rspc_tlv *c, size_t off,
                        uint32_t child_tag, int header_with_first, struct seglist *l)
{
    size_t pos = 0;
    int first = 1;
    if (c->len == 0)
        return RSPC_EINVAL;  /* each sequence holds at least one segment */
    if (!header_with_first) {
        int rc = push(l, off, c->hdr_len, 0, 0, c->tag);
        if (rc)
            return rc;
    }
    while (pos < c->len) {
        struct rspc_tlv t;
        if (rspc_tlv_parse(c->value + pos, c->len - pos, &t) || t.tag != child_tag)
            return RSPC_EINVAL;
        size_t child_off = (size_t)(c->value - base) + pos;
        int rc = first && header_with_first
                     ? push(l, off, c->hdr_len + t.total, c->hdr_len, child_tag, c->tag)
                     : push(l, child_off, t.total, 0, child_tag, c->tag);
        if (rc)
            return rc;
        first = 0;
        pos += t.total;
    }
    return RSPC_OK;
}

int rspc_bpp_segments(const uint8_t *bpp, size_t len, struct rspc_bpp_seg **segs, size_t *count)
{
    struct rspc_tlv top, t;
    struct seglist l = { 0 };
    int rc = RSPC_EINVAL;
    if (!bpp || !segs || !count)
        return RSPC_EINVAL;
    *segs = NULL;
    *count = 0;
    if (rspc_tlv_parse(bpp, len, &top) || top.tag != 0xBF36 || top.total != len)
        return RSPC_EINVAL;

    size_t pos = 0;  /* inside top.value */
    /* BF23 together with the BF36 header */
    if (rspc_tlv_parse(top.value, top.len, &t) || t.tag != 0xBF23)
        goto fail;
    if ((rc = push(&l, 0, top.hdr_len + t.total, top.hdr_len, 0xBF23, 0xBF36)))
        goto fail;
    pos += t.total;

    static const struct {
        uint32_t tag, child;
        int with_first, optional;
    } seq[] = {
        { 0xA0, 0x87, 1, 0 }, { 0xA1, 0x88, 0, 0 }, { 0xA2, 0x87, 1, 1 }, { 0xA3, 0x86, 0, 0 },
    };
    for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
        rc = RSPC_EINVAL;
        if (pos >= top.len) {
            goto fail;  /* A3 at least must follow */
        }
        if (rspc_tlv_parse(top.value + pos, top.len - pos, &t))
            goto fail;
        if (t.tag != seq[i].tag) {
            if (seq[i].optional)
                continue;
            goto fail;
        }
        rc = cut_sequence(bpp, &t, (size_t)(top.value - bpp) + pos, seq[i].child,
                          seq[i].with_first, &l);
        if (rc)
            goto fail;
        pos += t.total;
    }
    if (pos != top.len) {
        rc = RSPC_EINVAL;  /* trailing data after A3 */
        goto fail;
    }
    *segs = l.v;
    *count = l.n;
    return RSPC_OK;
fail:
    free(l.v);
    return rc;
}
