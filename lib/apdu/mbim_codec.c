/* SPDX-License-Identifier: MIT */
/* MBIM control message codec: headers, fragments (MBIM 1.0 §9.1-9.2: a
 * message longer than the max control transfer is sent as TotalFragments
 * messages with the same transaction id, CurrentFragment 0..n-1, the service
 * fields only in the first), information buffer fields. */
#include "mbim_internal.h"

#include <string.h>

const uint8_t esimlpa__mbim_uuid_basic_connect[16] = {
    0xa2, 0x89, 0xcc, 0x33, 0xbc, 0xbb, 0x8b, 0x4f, 0xb6, 0xb0, 0x13, 0x3e, 0xc2, 0xaa, 0xe6, 0xdf };
const uint8_t esimlpa__mbim_uuid_ms_uicc_lla[16] = {
    0xc2, 0xf6, 0x58, 0x8e, 0xf0, 0x37, 0x4b, 0xc9, 0x86, 0x65, 0xf4, 0xd4, 0x4b, 0xd0, 0x93, 0x67 };
const uint8_t esimlpa__mbim_uuid_ms_basic_connect_ext[16] = {
    0x3d, 0x01, 0xdc, 0xc5, 0xfe, 0xf5, 0x4d, 0x05, 0x0d, 0x3a, 0xbe, 0xf7, 0x05, 0x8e, 0x9a, 0xaf };
const uint8_t esimlpa__mbim_uuid_proxy_control[16] = {
    0x83, 0x8c, 0xf7, 0xfb, 0x8d, 0x0d, 0x4d, 0x7f, 0x87, 0x1e, 0xd7, 0x1d, 0xbe, 0xfb, 0xb3, 0x9b };

const char *esimlpa__mbim_codec_strerror(int err)
{
    switch (err) {
    case MBIM_CODEC_OK: return "no error";
    case MBIM_CODEC_SHORT: return "truncated MBIM message";
    case MBIM_CODEC_LENGTH: return "MBIM message length mismatch";
    case MBIM_CODEC_TOO_BIG: return "MBIM message too large";
    case MBIM_CODEC_INFO: return "MBIM information buffer runs past the message";
    case MBIM_CODEC_FRAGMENT: return "bad MBIM fragment";
    case MBIM_CODEC_FIELD: return "MBIM field outside the information buffer";
    default: return "malformed MBIM message";
    }
}

long esimlpa__mbim_frame_size(const uint8_t *buf, size_t len, size_t limit)
{
    if (len < 8)
        return 0;
    uint32_t n = mbim_get32(buf + 4);
    if (n < MBIM_HDR_LEN)
        return MBIM_CODEC_SHORT;
    if (n > limit)
        return MBIM_CODEC_TOO_BIG;
    return (long)n;
}

static int has_fragments(uint32_t type)
{
    return type == MBIM_COMMAND_MSG || type == MBIM_COMMAND_DONE ||
           type == MBIM_INDICATE_STATUS_MSG;
}

int esimlpa__mbim_parse(const uint8_t *buf, size_t len, struct mbim_msg *m)
{
    memset(m, 0, sizeof *m);
    if (len < MBIM_HDR_LEN)
        return MBIM_CODEC_SHORT;
    m->type = mbim_get32(buf);
    m->len = mbim_get32(buf + 4);
    m->tid = mbim_get32(buf + 8);
    if (m->len != len)
        return MBIM_CODEC_LENGTH;
    m->frag_total = 1;
    switch (m->type) {
    case MBIM_OPEN_MSG:
    case MBIM_OPEN_DONE:
    case MBIM_CLOSE_DONE:
    case MBIM_FUNCTION_ERROR_MSG:
    case MBIM_HOST_ERROR_MSG:
        if (len < 16)
            return MBIM_CODEC_SHORT;
        m->cmd_type_or_status = mbim_get32(buf + 12);
        return MBIM_CODEC_OK;
    default:
        if (!has_fragments(m->type))
            return MBIM_CODEC_OK;   /* close, or a type we do not know: header only */
    }
    if (len < MBIM_FRAG_HDR_LEN)
        return MBIM_CODEC_SHORT;
    m->frag_total = mbim_get32(buf + 12);
    m->frag_cur = mbim_get32(buf + 16);
    if (m->frag_total == 0 || m->frag_cur >= m->frag_total)
        return MBIM_CODEC_FRAGMENT;
    if (m->frag_cur > 0) {
        m->info = buf + MBIM_FRAG_HDR_LEN;
        m->info_len = (uint32_t)(len - MBIM_FRAG_HDR_LEN);
        return MBIM_CODEC_OK;
    }
    /* Indications have no command type / status word. */
    size_t hdr = m->type == MBIM_INDICATE_STATUS_MSG ? 44 : MBIM_CMD_HDR_LEN;
    if (len < hdr)
        return MBIM_CODEC_SHORT;
    m->uuid = buf + 20;
    m->cid = mbim_get32(buf + 36);
    if (m->type != MBIM_INDICATE_STATUS_MSG)
        m->cmd_type_or_status = mbim_get32(buf + 40);
    m->info_declared = mbim_get32(buf + hdr - 4);
    m->info = buf + hdr;
    m->info_len = (uint32_t)(len - hdr);
    if (m->frag_total == 1) {
        if (m->info_declared > m->info_len)
            return MBIM_CODEC_INFO;
        m->info_len = m->info_declared;
    } else if (m->info_declared < m->info_len) {
        return MBIM_CODEC_INFO;
    }
    return MBIM_CODEC_OK;
}

int esimlpa__mbim_reasm_feed(struct mbim_reasm *r, const uint8_t *frame, size_t len,
                             struct mbim_msg *m)
{
    int e = esimlpa__mbim_parse(frame, len, m);
    if (e != MBIM_CODEC_OK) {
        r->total = 0;
        return e;
    }
    if (!has_fragments(m->type) || m->frag_total == 1) {
        if (m->frag_cur != 0)
            return MBIM_CODEC_FRAGMENT;
        return 1;
    }
    if (m->frag_cur == 0) {
        r->total = 0;
        if (m->info_declared > sizeof r->buf)
            return MBIM_CODEC_TOO_BIG;
        memcpy(r->uuid, m->uuid, 16);
        r->cid = m->cid;
        r->word = m->cmd_type_or_status;
        r->declared = m->info_declared;
        r->tid = m->tid;
        r->type = m->type;
        r->total = m->frag_total;
        r->next = 1;
        memcpy(r->buf, m->info, m->info_len);
        r->len = m->info_len;
        return 0;
    }
    if (r->total == 0 || m->tid != r->tid || m->type != r->type || m->frag_total != r->total ||
        m->frag_cur != r->next) {
        r->total = 0;
        return MBIM_CODEC_FRAGMENT;
    }
    if (r->len + m->info_len > r->declared) {
        r->total = 0;
        return MBIM_CODEC_INFO;
    }
    memcpy(r->buf + r->len, m->info, m->info_len);
    r->len += m->info_len;
    r->next++;
    if (r->next < r->total)
        return 0;
    r->total = 0;
    if (r->len != r->declared)
        return MBIM_CODEC_LENGTH;
    m->frag_cur = 0;
    m->uuid = r->uuid;
    m->cid = r->cid;
    m->cmd_type_or_status = r->word;
    m->info = r->buf;
    m->info_len = m->info_declared = (uint32_t)r->len;
    return 1;
}

void esimlpa__mbim_info_reset(struct mbim_builder *b)
{
    b->info_len = 0;
    b->overflow = 0;
}

size_t esimlpa__mbim_info_slot(struct mbim_builder *b)
{
    size_t at = b->info_len;
    if (b->info_len + 4 > sizeof b->info) {
        b->overflow = 1;
        return 0;
    }
    memset(b->info + at, 0, 4);
    b->info_len += 4;
    return at;
}

void esimlpa__mbim_info_set32(struct mbim_builder *b, size_t at, uint32_t v)
{
    if (at + 4 <= b->info_len)
        mbim_put32(b->info + at, v);
}

void esimlpa__mbim_info_u32(struct mbim_builder *b, uint32_t v)
{
    size_t at = esimlpa__mbim_info_slot(b);
    if (!b->overflow)
        mbim_put32(b->info + at, v);
}

size_t esimlpa__mbim_info_data(struct mbim_builder *b, const void *v, size_t n)
{
    size_t at = b->info_len;
    size_t padded = (n + 3) & ~(size_t)3;
    if (padded > sizeof b->info - b->info_len) {
        b->overflow = 1;
        return 0;
    }
    if (n)
        memcpy(b->info + at, v, n);
    memset(b->info + at + n, 0, padded - n);
    b->info_len += padded;
    return at;
}

size_t esimlpa__mbim_fragment(const struct mbim_builder *b, uint32_t type, uint32_t tid,
                              const uint8_t uuid[16], uint32_t cid, uint32_t word,
                              size_t max_xfer, uint32_t idx, uint8_t *out)
{
    size_t hdr = type == MBIM_INDICATE_STATUS_MSG ? 44 : MBIM_CMD_HDR_LEN;
    if (b->overflow || max_xfer < hdr + 4)
        return 0;
    size_t first = max_xfer - hdr, rest = max_xfer - MBIM_FRAG_HDR_LEN;
    size_t total = 1;
    if (b->info_len > first)
        total += (b->info_len - first + rest - 1) / rest;
    if (idx >= total)
        return 0;
    size_t off, n, h;
    if (idx == 0) {
        off = 0;
        n = b->info_len < first ? b->info_len : first;
        h = hdr;
    } else {
        off = first + (idx - 1) * rest;
        n = b->info_len - off < rest ? b->info_len - off : rest;
        h = MBIM_FRAG_HDR_LEN;
    }
    mbim_put32(out, type);
    mbim_put32(out + 4, (uint32_t)(h + n));
    mbim_put32(out + 8, tid);
    mbim_put32(out + 12, (uint32_t)total);
    mbim_put32(out + 16, idx);
    if (idx == 0) {
        memcpy(out + 20, uuid, 16);
        mbim_put32(out + 36, cid);
        if (type != MBIM_INDICATE_STATUS_MSG)
            mbim_put32(out + 40, word);
        mbim_put32(out + hdr - 4, (uint32_t)b->info_len);
    }
    memcpy(out + h, b->info + off, n);
    return h + n;
}

size_t esimlpa__mbim_simple(uint32_t type, uint32_t tid, int has_word, uint32_t word,
                            uint8_t *out)
{
    size_t n = has_word ? 16 : 12;
    mbim_put32(out, type);
    mbim_put32(out + 4, (uint32_t)n);
    mbim_put32(out + 8, tid);
    if (has_word)
        mbim_put32(out + 12, word);
    return n;
}

int esimlpa__mbim_field_u32(const struct mbim_msg *m, size_t off, uint32_t *v)
{
    if (off > m->info_len || m->info_len - off < 4)
        return MBIM_CODEC_FIELD;
    *v = mbim_get32(m->info + off);
    return MBIM_CODEC_OK;
}

int esimlpa__mbim_field_bytes(const struct mbim_msg *m, size_t off, int size_first,
                              const uint8_t **p, uint32_t *n)
{
    uint32_t a, b;
    if (esimlpa__mbim_field_u32(m, off, &a) != 0 || esimlpa__mbim_field_u32(m, off + 4, &b) != 0)
        return MBIM_CODEC_FIELD;
    uint32_t o = size_first ? b : a, sz = size_first ? a : b;
    if (o > m->info_len || sz > m->info_len - o)
        return MBIM_CODEC_FIELD;
    *p = m->info + o;
    *n = sz;
    return MBIM_CODEC_OK;
}
