/* SPDX-License-Identifier: MIT */
/* Cutting a BF36 BoundProfilePackage while it arrives (SGP.22 §2.5.5,
 * §5.7.6; notes §6.3): the structure of esimlpa__bpp_cut as a state
 * machine over pieces of any size. */
#include "es10_bpp_stream.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAC_LEN 8   /* every protected segment ends with 8 bytes of MAC (notes §7.5) */

enum phase {
    PH_BF36,    /* reading the BF36 header */
    PH_BF23,    /* reading the BF23 header (after the BF36 one, same segment) */
    PH_LIST,    /* reading the header of list_tag */
    PH_OPT,     /* after A1: an A2 or the A3 header */
    PH_ITEM,    /* reading an item header inside the list */
    PH_BODY,    /* filling the unit up to item_end */
    PH_DONE,
};

static int bad(struct esimlpa__bpp_stream *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int bad(struct esimlpa__bpp_stream *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->why, sizeof s->why, fmt, ap);
    va_end(ap);
    s->failed = 1;
    return -1;
}

void esimlpa__bpp_stream_init(struct esimlpa__bpp_stream *s, esimlpa__bpp_piece_fn emit,
                              void *user)
{
    memset(s, 0, sizeof *s);
    s->emit = emit;
    s->user = user;
    s->phase = PH_BF36;
}

void esimlpa__bpp_stream_free(struct esimlpa__bpp_stream *s)
{
    free(s->buf);
    s->buf = NULL;
    s->len = s->cap = 0;
}

int esimlpa__bpp_stream_done(const struct esimlpa__bpp_stream *s)
{
    return s->phase == PH_DONE;
}

static int reserve(struct esimlpa__bpp_stream *s, size_t need)
{
    if (need > ESIMLPA__BPP_STREAM_MAX_SEGMENT)
        return bad(s, "segment at offset %zu larger than %zu bytes", s->seg_off,
                   ESIMLPA__BPP_STREAM_MAX_SEGMENT);
    if (need <= s->cap)
        return 0;
    size_t cap = s->cap ? s->cap : 64;
    while (cap < need)
        cap *= 2;
    uint8_t *nb = realloc(s->buf, cap);
    if (!nb)
        return bad(s, "out of memory");
    s->buf = nb;
    s->cap = cap;
    return 0;
}

/* A BER header in b[0..n): 0 with the fields, 1 if more bytes are needed,
 * -1 if malformed (tags of at most 3 bytes, definite lengths of at most 3
 * bytes, as esimlpa__tlv_header). */
static int hdr_parse(const uint8_t *b, size_t n, unsigned *tag, size_t *hl, size_t *vl)
{
    size_t i = 0;
    if (n < 1)
        return 1;
    unsigned t = b[i++];
    if ((t & 0x1F) == 0x1F) {
        for (int k = 0;; k++) {
            if (k >= 2)
                return -1;
            if (i >= n)
                return 1;
            uint8_t c = b[i++];
            t = (t << 8) | c;
            if (!(c & 0x80))
                break;
        }
    }
    if (i >= n)
        return 1;
    size_t l = b[i++];
    if (l & 0x80) {
        size_t nb = l & 0x7F;
        if (nb == 0 || nb > 3)
            return -1;
        if (n - i < nb)
            return 1;
        l = 0;
        for (size_t k = 0; k < nb; k++)
            l = (l << 8) | b[i++];
    }
    *tag = t;
    *hl = i;
    *vl = l;
    return 0;
}

/* Hand over the assembled unit and start the next one at s->pos. */
static int emit_unit(struct esimlpa__bpp_stream *s, int last)
{
    struct esimlpa__bpp_piece pc = { s->pend_tag, s->buf, s->len, s->seg_off, s->pend_hl, last };
    int rc = s->emit ? s->emit(s->user, &pc) : 0;
    s->len = 0;
    s->seg_off = s->pos;
    return rc;
}

static void open_list(struct esimlpa__bpp_stream *s, unsigned list_tag, unsigned item_tag,
                      int with_first)
{
    s->list_tag = list_tag;
    s->item_tag = item_tag;
    s->with_first = with_first;
    s->bound = s->total;
    s->phase = PH_LIST;
}

/* The header at the end of buf, starting at offset @start, is complete. */
static int header_done(struct esimlpa__bpp_stream *s, size_t start, unsigned t, size_t hl,
                       size_t vl)
{
    size_t end = start + hl + vl;
    if (s->phase != PH_BF36 && (end < start || end > s->bound))
        return bad(s, "truncated or malformed TLV at offset %zu", start);
    switch (s->phase) {
    case PH_BF36:
        if (t != 0xBF36)
            return bad(s, "not a BoundProfilePackage (tag %X)", t);
        s->total = s->bound = end;
        s->phase = PH_BF23;
        return 0;
    case PH_BF23:
        if (t != 0xBF23)
            return bad(s, "expected BF23 at offset %zu, found %X", start, t);
        s->pend_tag = 0xBF23;
        s->pend_hl = start;   /* the BF36 header */
        s->item_end = end;
        s->phase = PH_BODY;
        return reserve(s, end - s->seg_off);
    case PH_OPT:
        if (t == 0xA2) {
            s->list_tag = 0xA2;
            s->with_first = 1;
        } else {
            s->list_tag = 0xA3;
            s->with_first = 0;
        }
        s->item_tag = t == 0xA2 ? 0x87 : 0x86;
        /* fall through */
    case PH_LIST:
        if (t != s->list_tag)
            return bad(s, "expected %X at offset %zu, found %X", s->list_tag, start, t);
        if (vl == 0)
            return bad(s, "%X at offset %zu is empty", s->list_tag, start);
        s->bound = end;
        s->first = 1;
        s->phase = PH_ITEM;
        if (!s->with_first) {
            s->pend_tag = t;
            s->pend_hl = hl;
            return emit_unit(s, 0);
        }
        return 0;
    case PH_ITEM:
        if (t != s->item_tag)
            return bad(s, "expected %X inside %X at offset %zu, found %X", s->item_tag,
                       s->list_tag, start, t);
        if (vl < MAC_LEN)
            return bad(s, "%X segment at offset %zu shorter than its MAC", t, start);
        s->pend_tag = t;
        s->pend_hl = hl;
        s->item_end = end;
        s->phase = PH_BODY;
        return reserve(s, end - s->seg_off);
    default:
        return bad(s, "internal state");
    }
}

/* The unit ending at item_end is complete. */
static int body_done(struct esimlpa__bpp_stream *s)
{
    if (s->pend_tag == 0xBF23) {
        int rc = emit_unit(s, 1);
        open_list(s, 0xA0, 0x87, 1);
        return rc;
    }
    int last = s->item_end == s->bound;
    unsigned list = s->list_tag;
    int rc = emit_unit(s, last);
    s->first = 0;
    if (!last) {
        s->phase = PH_ITEM;
        return rc;
    }
    if (list == 0xA0)
        open_list(s, 0xA1, 0x88, 0);
    else if (list == 0xA1) {
        open_list(s, 0, 0, 0);
        s->phase = PH_OPT;
    } else if (list == 0xA2)
        open_list(s, 0xA3, 0x86, 0);
    else {
        s->phase = PH_DONE;
        if (s->pos != s->total && rc == 0)
            return bad(s, "unexpected data after A3 at offset %zu", s->pos);
    }
    return rc;
}

int esimlpa__bpp_stream_feed(struct esimlpa__bpp_stream *s, const uint8_t *p, size_t len)
{
    if (s->failed)
        return -1;
    size_t i = 0;
    while (i < len) {
        if (s->phase == PH_DONE)
            return bad(s, "data after the BF36 at offset %zu", s->pos);
        if (s->phase == PH_BODY) {
            size_t want = s->item_end - s->pos, n = len - i < want ? len - i : want;
            memcpy(s->buf + s->len, p + i, n);
            s->len += n;
            s->pos += n;
            i += n;
            if (s->pos == s->item_end) {
                int rc = body_done(s);
                if (rc)
                    return rc;
            }
            continue;
        }
        /* A header, one byte at a time (at most 7 bytes). */
        if (!s->in_hdr) {
            if (s->phase != PH_BF36 && s->pos >= s->bound)
                return bad(s, "truncated or malformed TLV at offset %zu", s->pos);
            s->in_hdr = 1;
            s->hdr_start = s->pos;
        }
        if (reserve(s, s->len + 1) != 0)
            return -1;
        s->buf[s->len++] = p[i++];
        s->pos++;
        unsigned t;
        size_t hl, vl;
        int hr = hdr_parse(s->buf + (s->hdr_start - s->seg_off), s->pos - s->hdr_start, &t, &hl,
                           &vl);
        if (hr < 0 || (hr > 0 && s->phase != PH_BF36 && s->pos >= s->bound))
            return bad(s, "truncated or malformed TLV at offset %zu", s->hdr_start);
        if (hr > 0)
            continue;
        s->in_hdr = 0;
        int rc = header_done(s, s->hdr_start, t, hl, vl);
        if (rc)
            return rc;
    }
    return 0;
}

int esimlpa__bpp_stream_finish(struct esimlpa__bpp_stream *s)
{
    if (s->failed)
        return -1;
    if (s->phase == PH_DONE)
        return 0;
    if (s->pos == 0)
        return bad(s, "empty");
    if (s->total)
        return bad(s, "truncated at offset %zu of %zu bytes", s->pos, s->total);
    return bad(s, "truncated or malformed TLV at offset 0");
}
