/* SPDX-License-Identifier: MIT */
/* QMUX framing and TLV codec of the QMI transport (see qmi_internal.h for
 * the layout). Every length from the modem is checked before it is used. */
#include "qmi_internal.h"

#include <string.h>

#define QMUX_HDR 6      /* marker, u16 length, flags, service, client */

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static void wr16(uint8_t *p, size_t v)
{
    p[0] = (uint8_t)(v & 0xff);
    p[1] = (uint8_t)((v >> 8) & 0xff);
}

const char *esimlpa__qmi_codec_strerror(int err)
{
    switch (err) {
    case QMI_CODEC_OK: return "ok";
    case QMI_CODEC_SHORT: return "truncated QMUX frame";
    case QMI_CODEC_MARKER: return "not a QMUX frame (bad marker byte)";
    case QMI_CODEC_LENGTH: return "QMUX length does not match the frame";
    case QMI_CODEC_TOO_BIG: return "QMUX frame too large";
    case QMI_CODEC_TLV: return "TLV runs past the end of the QMI message";
    case QMI_CODEC_MSG_LENGTH: return "QMI message length does not match the QMUX length";
    default: return "malformed QMUX frame";
    }
}

long esimlpa__qmi_frame_size(const uint8_t *buf, size_t len)
{
    if (len < 1)
        return 0;
    if (buf[0] != QMI_MARKER)
        return QMI_CODEC_MARKER;
    if (len < 3)
        return 0;
    size_t total = (size_t)rd16(buf + 1) + 1;
    if (total > QMI_MAX_FRAME)
        return QMI_CODEC_TOO_BIG;
    if (total < QMUX_HDR + 6)
        return QMI_CODEC_SHORT;
    return (long)total;
}

int esimlpa__qmi_parse(const uint8_t *buf, size_t len, struct qmi_msg *m)
{
    memset(m, 0, sizeof *m);
    if (!buf || len < QMUX_HDR)
        return QMI_CODEC_SHORT;
    if (buf[0] != QMI_MARKER)
        return QMI_CODEC_MARKER;
    if (len > QMI_MAX_FRAME)
        return QMI_CODEC_TOO_BIG;
    if ((size_t)rd16(buf + 1) + 1 != len)
        return QMI_CODEC_LENGTH;
    m->qmux_flags = buf[3];
    m->service = buf[4];
    m->client = buf[5];
    const uint8_t *p = buf + QMUX_HDR;
    size_t rest = len - QMUX_HDR;
    size_t hdr = m->service == QMI_SVC_CTL ? 6 : 7;   /* CTL: one-byte transaction id */
    if (rest < hdr)
        return QMI_CODEC_SHORT;
    m->flags = p[0];
    if (m->service == QMI_SVC_CTL) {
        m->txn = p[1];
        m->msg_id = rd16(p + 2);
    } else {
        m->txn = rd16(p + 1);
        m->msg_id = rd16(p + 3);
    }
    size_t tlv_len = rd16(p + hdr - 2);
    if (tlv_len != rest - hdr)
        return QMI_CODEC_MSG_LENGTH;
    m->tlv = p + hdr;
    m->tlv_len = tlv_len;
    /* Every TLV: u8 type, u16 length, value; all must fit exactly. */
    size_t off = 0;
    while (off < tlv_len) {
        if (tlv_len - off < 3)
            return QMI_CODEC_TLV;
        size_t n = rd16(m->tlv + off + 1);
        if (n > tlv_len - off - 3)
            return QMI_CODEC_TLV;
        off += 3 + n;
    }
    return QMI_CODEC_OK;
}

int esimlpa__qmi_tlv(const struct qmi_msg *m, uint8_t type, const uint8_t **v, size_t *n)
{
    size_t off = 0;
    while (off + 3 <= m->tlv_len) {
        size_t len = rd16(m->tlv + off + 1);
        if (len > m->tlv_len - off - 3)
            return -1;
        if (m->tlv[off] == type) {
            *v = m->tlv + off + 3;
            *n = len;
            return 0;
        }
        off += 3 + len;
    }
    return -1;
}

int esimlpa__qmi_result(const struct qmi_msg *m, uint16_t *qmi_error)
{
    const uint8_t *v;
    size_t n;
    if (esimlpa__qmi_tlv(m, QMI_TLV_RESULT, &v, &n) != 0 || n != 4)
        return -1;
    *qmi_error = rd16(v + 2);
    return rd16(v) == 0 ? 0 : 1;
}

void esimlpa__qmi_begin(struct qmi_builder *b, uint8_t qmux_flags, uint8_t service,
                        uint8_t client, uint8_t flags, uint16_t txn, uint16_t msg_id)
{
    b->overflow = 0;
    uint8_t *p = b->buf;
    p[0] = QMI_MARKER;
    p[3] = qmux_flags;
    p[4] = service;
    p[5] = client;
    p[6] = flags;
    if (service == QMI_SVC_CTL) {
        p[7] = (uint8_t)txn;
        wr16(p + 8, msg_id);
        b->len = QMUX_HDR + 6;
    } else {
        wr16(p + 7, txn);
        wr16(p + 9, msg_id);
        b->len = QMUX_HDR + 7;
    }
}

void esimlpa__qmi_add_tlv(struct qmi_builder *b, uint8_t type, const void *v, size_t n)
{
    if (b->overflow || n > sizeof b->buf || b->len + 3 + n > sizeof b->buf) {
        b->overflow = 1;
        return;
    }
    b->buf[b->len] = type;
    wr16(b->buf + b->len + 1, n);
    if (n)
        memcpy(b->buf + b->len + 3, v, n);
    b->len += 3 + n;
}

void esimlpa__qmi_add_u8(struct qmi_builder *b, uint8_t type, uint8_t v)
{
    esimlpa__qmi_add_tlv(b, type, &v, 1);
}

void esimlpa__qmi_add_result(struct qmi_builder *b, uint16_t qmi_error)
{
    uint8_t v[4];
    wr16(v, qmi_error ? 1 : 0);
    wr16(v + 2, qmi_error);
    esimlpa__qmi_add_tlv(b, QMI_TLV_RESULT, v, sizeof v);
}

int esimlpa__qmi_finish(struct qmi_builder *b)
{
    if (b->overflow)
        return QMI_CODEC_TOO_BIG;
    size_t hdr = QMUX_HDR + (b->buf[4] == QMI_SVC_CTL ? 6 : 7);
    wr16(b->buf + 1, b->len - 1);
    wr16(b->buf + hdr - 2, b->len - hdr);
    return QMI_CODEC_OK;
}
