/* SPDX-License-Identifier: MIT */
/* QMI requests and responses over one QMUX connection, and the CTL service's
 * client ids (libqmi data/qmi-service-ctl.json: Allocate CID 0x0022, Release
 * CID 0x0023, Internal Proxy Open 0xFF00). */
#include "qmi_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <esimlpa/error.h>

static void set_err(struct qmi_conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_err(struct qmi_conn *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err, sizeof c->err, fmt, ap);
    va_end(ap);
    for (char *p = c->err; *p; p++)   /* the device path is the user's, still keep it one line */
        if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
            *p = '?';
}

void esimlpa__qmi_new_request(struct qmi_conn *c, struct qmi_builder *b, uint8_t service,
                              uint8_t client, uint16_t msg_id)
{
    uint16_t txn;
    if (service == QMI_SVC_CTL) {
        c->ctl_txn = (uint8_t)(c->ctl_txn == 0xFF ? 1 : c->ctl_txn + 1);
        txn = c->ctl_txn;
    } else {
        c->txn = (uint16_t)(c->txn == 0xFFFF ? 1 : c->txn + 1);
        txn = c->txn;
    }
    esimlpa__qmi_begin(b, 0, service, client, 0, txn, msg_id);
}

int esimlpa__qmi_fail(struct qmi_conn *c, const char *what, uint16_t qmi_err)
{
    const char *name = esimlpa__qmi_error_name(qmi_err);
    set_err(c, "%s: QMI error %s (%u)", what, name ? name : "Unknown", (unsigned)qmi_err);
    return esimlpa__qmi_error_code(qmi_err);
}

int esimlpa__qmi_request(struct qmi_conn *c, struct qmi_builder *b, const char *what,
                         struct qmi_msg *resp, uint16_t *qmi_err)
{
    *qmi_err = 0;
    if (c->fd < 0 || c->gone) {
        set_err(c, "%s: QMI device not open", what);
        return c->gone ? ESIMLPA_ECARDREMOVED : ESIMLPA_ESTATE;
    }
    if (esimlpa__qmi_finish(b) != QMI_CODEC_OK) {
        set_err(c, "%s: request too large", what);
        return ESIMLPA_EINVAL;
    }
    struct qmi_msg req;
    if (esimlpa__qmi_parse(b->buf, b->len, &req) != QMI_CODEC_OK) {
        set_err(c, "%s: request could not be framed", what);
        return ESIMLPA_EINTERNAL;
    }
    long long deadline = esimlpa__mono_ms() + c->timeout_ms;
    int rc = esimlpa__qmi_write(c->fd, b->buf, b->len, deadline);
    uint8_t want_flags = req.service == QMI_SVC_CTL ? QMI_CTL_RESPONSE : QMI_SVC_RESPONSE;
    while (rc == ESIMLPA_OK) {
        const uint8_t *frame;
        int cerr;
        long n = esimlpa__qmi_read(c->fd, &c->rd, &frame, deadline, &cerr);
        if (n < 0) {
            rc = (int)n;
            if (rc == ESIMLPA_ETRANSPORT) {
                set_err(c, "%s: %s from %s", what, esimlpa__qmi_codec_strerror(cerr), c->device);
                return rc;
            }
            break;
        }
        int perr = esimlpa__qmi_parse(frame, (size_t)n, resp);
        if (perr != QMI_CODEC_OK) {
            set_err(c, "%s: %s from %s", what, esimlpa__qmi_codec_strerror(perr), c->device);
            return ESIMLPA_ETRANSPORT;
        }
        /* Indications, other clients' traffic (through the proxy or a shared
         * cdc-wdm), late answers to an earlier request that timed out: skip. */
        if (resp->service != req.service || resp->client != req.client ||
            resp->flags != want_flags || resp->txn != req.txn || resp->msg_id != req.msg_id)
            continue;
        int r = esimlpa__qmi_result(resp, qmi_err);
        if (r < 0) {
            set_err(c, "%s: response without a valid result TLV", what);
            return ESIMLPA_ETRANSPORT;
        }
        if (r == 1) {
            esimlpa__qmi_fail(c, what, *qmi_err);
            return QMI_FAILED;
        }
        return ESIMLPA_OK;
    }
    if (rc == ESIMLPA_ETIMEOUT)
        set_err(c, "%s: no answer from %s within %u ms", what, c->device, c->timeout_ms);
    else if (rc == ESIMLPA_ECARDREMOVED) {
        c->gone = 1;
        set_err(c, "%s: %s closed (device unplugged or modem reset?)", what, c->device);
    }
    else
        set_err(c, "%s: I/O error on %s", what, c->device);
    return rc;
}

int esimlpa__qmi_proxy_open(struct qmi_conn *c, const char *device)
{
    struct qmi_builder b;
    struct qmi_msg m;
    uint16_t qe;
    esimlpa__qmi_new_request(c, &b, QMI_SVC_CTL, 0, QMI_CTL_PROXY_OPEN);
    esimlpa__qmi_add_tlv(&b, 0x01, device, strlen(device));
    int rc = esimlpa__qmi_request(c, &b, "qmi-proxy open", &m, &qe);
    if (rc == QMI_FAILED) {
        set_err(c, "qmi-proxy could not open %s: QMI error %s (%u)", device,
                esimlpa__qmi_error_name(qe) ? esimlpa__qmi_error_name(qe) : "Unknown",
                (unsigned)qe);
        return ESIMLPA_ENOREADER;
    }
    return rc;
}

int esimlpa__qmi_alloc_cid(struct qmi_conn *c, uint8_t service, uint8_t *cid)
{
    struct qmi_builder b;
    struct qmi_msg m;
    uint16_t qe;
    esimlpa__qmi_new_request(c, &b, QMI_SVC_CTL, 0, QMI_CTL_ALLOCATE_CID);
    esimlpa__qmi_add_u8(&b, 0x01, service);
    int rc = esimlpa__qmi_request(c, &b, "CTL Allocate CID", &m, &qe);
    if (rc == QMI_FAILED)
        return esimlpa__qmi_error_code(qe);
    if (rc != ESIMLPA_OK)
        return rc;
    const uint8_t *v;
    size_t n;
    if (esimlpa__qmi_tlv(&m, 0x01, &v, &n) != 0 || n != 2 || v[0] != service) {
        set_err(c, "CTL Allocate CID: no client id for service 0x%02X in the answer", service);
        return ESIMLPA_ETRANSPORT;
    }
    *cid = v[1];
    return ESIMLPA_OK;
}

int esimlpa__qmi_release_cid(struct qmi_conn *c, uint8_t service, uint8_t cid)
{
    struct qmi_builder b;
    struct qmi_msg m;
    uint16_t qe;
    uint8_t v[2] = { service, cid };
    esimlpa__qmi_new_request(c, &b, QMI_SVC_CTL, 0, QMI_CTL_RELEASE_CID);
    esimlpa__qmi_add_tlv(&b, 0x01, v, sizeof v);
    int rc = esimlpa__qmi_request(c, &b, "CTL Release CID", &m, &qe);
    return rc == QMI_FAILED ? esimlpa__qmi_error_code(qe) : rc;
}
