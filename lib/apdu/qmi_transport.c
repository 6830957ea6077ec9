/* SPDX-License-Identifier: MIT */
/*
 * Built-in QMI transport: the UIM service (0x0B) of a Qualcomm modem over
 * native QMUX, through the device node or libqmi's qmi-proxy. Message ids and
 * TLVs as in libqmi's data/qmi-service-uim.json: Open Logical Channel 0x0042,
 * Send APDU 0x003B, Logical Channel (close) 0x003F, Switch Slot 0x0046. The
 * modem opens the channel and selects the ISD-R itself (SGP.22 §5.7: ES10
 * runs on a logical channel with the ISD-R selected); the library then sends
 * STORE DATA through transmit on that channel.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <esimlpa/error.h>
#include <esimlpa/qmi.h>

#include "card_lockfile.h"
#include "qmi_internal.h"

#define DEFAULT_TIMEOUT_MS 10000u
#define RELEASE_TIMEOUT_MS 1000u    /* best-effort cleanup on disconnect */
#define MAX_CMD_APDU 261
#define MAX_CHANNEL 19

struct qmi_transport {
    struct esimlpa_apdu_transport pub;  /* first: the public handle points here */
    char *device;
    unsigned slot;          /* slot in UIM requests (1 after a slot switch) */
    unsigned phys_slot;     /* the slot the user asked for */
    int use_proxy, switch_slot;
    unsigned switch_delay_ms;

    struct qmi_conn c;
    int have_cid;
    uint8_t cid;
    int have_channel;
    uint8_t channel;

    struct esimlpa__dev_lock lk;   /* lock file + flock(2) on the node (card_lockfile.h) */
};

static void sleep_ms(unsigned ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* One owner per modem: our lock file, and flock(2) on the device node as the
 * AT transport does (not through the proxy, which owns the node and shares
 * it). */
static int qmi_lock(void *user, long wait_ms)
{
    struct qmi_transport *t = user;
    return esimlpa__dev_lock_take(&t->lk, "qmi", t->device, wait_ms, t->use_proxy ? -1 : t->c.fd,
                                  t->c.err, sizeof t->c.err);
}

static void qmi_unlock(void *user)
{
    struct qmi_transport *t = user;
    esimlpa__dev_lock_release(&t->lk, t->c.fd);
}

/* UIM Logical Channel with a channel id: close it (errors ignored by callers
 * that clean up). */
static int close_channel(struct qmi_transport *t, uint8_t ch)
{
    struct qmi_builder b;
    struct qmi_msg m;
    uint16_t qe;
    esimlpa__qmi_new_request(&t->c, &b, QMI_SVC_UIM, t->cid, QMI_UIM_LOGICAL_CHANNEL);
    esimlpa__qmi_add_u8(&b, 0x01, (uint8_t)t->slot);
    esimlpa__qmi_add_u8(&b, 0x11, ch);
    int rc = esimlpa__qmi_request(&t->c, &b, "UIM Logical Channel (close)", &m, &qe);
    return rc == QMI_FAILED ? esimlpa__qmi_error_code(qe) : rc;
}

static void qmi_disconnect(void *user)
{
    struct qmi_transport *t = user;
    if (t->c.fd >= 0) {
        unsigned saved = t->c.timeout_ms;
        char err[sizeof t->c.err];
        memcpy(err, t->c.err, sizeof err);     /* keep the reason we are leaving */
        t->c.timeout_ms = RELEASE_TIMEOUT_MS;
        /* (nothing is sent once the device is gone) */
        if (t->have_channel && t->have_cid && !t->c.gone)
            close_channel(t, t->channel);
        if (t->have_cid && !t->c.gone)
            esimlpa__qmi_release_cid(&t->c, QMI_SVC_UIM, t->cid);
        t->c.timeout_ms = saved;
        memcpy(t->c.err, err, sizeof err);
        esimlpa__dev_lock_node_release(&t->lk, t->c.fd);
        close(t->c.fd);
    }
    t->c.fd = -1;
    t->c.gone = 0;
    t->c.rd.len = t->c.rd.pending = t->c.rd.skip = 0;
    t->have_cid = 0;
    t->have_channel = 0;
}

/* UIM Switch Slot: logical slot 1 to the physical slot asked for. NoEffect
 * means it already was; otherwise give the modem the configured pause. */
static int switch_slot(struct qmi_transport *t)
{
    struct qmi_builder b;
    struct qmi_msg m;
    uint16_t qe;
    uint8_t phys[4] = { (uint8_t)t->phys_slot, 0, 0, 0 };   /* u32 little endian */
    esimlpa__qmi_new_request(&t->c, &b, QMI_SVC_UIM, t->cid, QMI_UIM_SWITCH_SLOT);
    esimlpa__qmi_add_u8(&b, 0x01, 1);
    esimlpa__qmi_add_tlv(&b, 0x02, phys, sizeof phys);
    int rc = esimlpa__qmi_request(&t->c, &b, "UIM Switch Slot", &m, &qe);
    if (rc == QMI_FAILED && qe == QMI_ERR_NO_EFFECT)
        return ESIMLPA_OK;
    if (rc == QMI_FAILED)
        return esimlpa__qmi_error_code(qe);
    if (rc == ESIMLPA_OK && t->switch_delay_ms)
        sleep_ms(t->switch_delay_ms);
    return rc;
}

static int qmi_connect(void *user)
{
    struct qmi_transport *t = user;
    qmi_disconnect(t);
    t->c.err[0] = '\0';
    int fd = t->use_proxy ? esimlpa__proxy_socket_open("qmi-proxy", t->c.err, sizeof t->c.err)
                          : esimlpa__qmi_open_device(t->device, t->c.err, sizeof t->c.err);
    if (fd < 0)
        return fd;
    t->c.fd = fd;
    int rc = ESIMLPA_OK;
    if (t->use_proxy)
        rc = esimlpa__qmi_proxy_open(&t->c, t->device);
    if (rc == ESIMLPA_OK)
        rc = esimlpa__dev_lock_node(&t->lk, t->use_proxy ? -1 : t->c.fd, t->device, t->c.err,
                                    sizeof t->c.err);
    if (rc == ESIMLPA_OK)
        rc = esimlpa__qmi_alloc_cid(&t->c, QMI_SVC_UIM, &t->cid);
    if (rc == ESIMLPA_OK) {
        t->have_cid = 1;
        if (t->switch_slot)
            rc = switch_slot(t);
    }
    if (rc != ESIMLPA_OK) {
        qmi_disconnect(t);
        return rc;
    }
    return ESIMLPA_OK;
}

/* UIM Open Logical Channel on @aid. */
static int open_channel(struct qmi_transport *t, const uint8_t *aid, size_t aid_len,
                        uint8_t *channel, uint16_t *qe)
{
    struct qmi_builder b;
    struct qmi_msg m;
    uint8_t v[1 + 16];
    v[0] = (uint8_t)aid_len;
    memcpy(v + 1, aid, aid_len);
    esimlpa__qmi_new_request(&t->c, &b, QMI_SVC_UIM, t->cid, QMI_UIM_OPEN_LOGICAL_CHANNEL);
    esimlpa__qmi_add_u8(&b, 0x01, (uint8_t)t->slot);
    esimlpa__qmi_add_tlv(&b, 0x10, v, 1 + aid_len);
    int rc = esimlpa__qmi_request(&t->c, &b, "UIM Open Logical Channel", &m, qe);
    const uint8_t *p;
    size_t n;
    if (rc == QMI_FAILED) {
        /* The card's own answer to the SELECT, when the modem passes it on. */
        if (esimlpa__qmi_tlv(&m, 0x11, &p, &n) == 0 && n == 2 && p[0] == 0x6A && p[1] == 0x82) {
            snprintf(t->c.err, sizeof t->c.err,
                     "UIM Open Logical Channel: the card has no ISD-R (SW 6A82)");
            return ESIMLPA_ENOISDR;
        }
        return rc;
    }
    if (rc != ESIMLPA_OK)
        return rc;
    if (esimlpa__qmi_tlv(&m, 0x10, &p, &n) != 0 || n != 1 || p[0] < 1 || p[0] > MAX_CHANNEL) {
        snprintf(t->c.err, sizeof t->c.err, "UIM Open Logical Channel: no valid channel id in the answer");
        return ESIMLPA_ETRANSPORT;
    }
    *channel = p[0];
    return ESIMLPA_OK;
}

static int qmi_open_channel(void *user, const uint8_t *aid, size_t aid_len, uint8_t *channel)
{
    struct qmi_transport *t = user;
    if (!aid || aid_len == 0 || aid_len > 16 || !channel)
        return ESIMLPA_EINVAL;
    t->c.err[0] = '\0';
    if (!t->have_cid) {
        snprintf(t->c.err, sizeof t->c.err, "UIM Open Logical Channel: not connected");
        return ESIMLPA_ESTATE;
    }
    uint16_t qe = 0;
    int rc = open_channel(t, aid, aid_len, channel, &qe);
    if (rc == QMI_FAILED && (qe == QMI_ERR_ACCESS_DENIED || qe == QMI_ERR_INTERNAL)) {
        /* Field quirk: a channel left open by a crashed program (or by the
         * modem's own stack) blocks the ISD-R; close them and retry once. */
        for (uint8_t ch = 1; ch <= MAX_CHANNEL; ch++)
            if (close_channel(t, ch) == ESIMLPA_ETIMEOUT || t->c.gone)
                break;   /* a silent modem: do not wait 19 timeouts */
        rc = open_channel(t, aid, aid_len, channel, &qe);
    }
    if (rc == QMI_FAILED) {
        if (qe == QMI_ERR_INVALID_QMI_COMMAND || qe == 94 /* NotSupported */) {
            /* An older modem: the library sends MANAGE CHANNEL + SELECT
             * through Send APDU on the basic channel. */
            return ESIMLPA_EUNSUPPORTED;
        }
        return esimlpa__qmi_error_code(qe);
    }
    if (rc != ESIMLPA_OK)
        return rc;
    t->channel = *channel;
    t->have_channel = 1;
    return ESIMLPA_OK;
}

static int qmi_close_channel(void *user, uint8_t channel)
{
    struct qmi_transport *t = user;
    if (!t->have_channel || channel != t->channel)
        return ESIMLPA_OK;
    t->have_channel = 0;
    return close_channel(t, channel);
}

static int qmi_transmit(void *user, const uint8_t *cmd, size_t cmd_len, uint8_t *resp,
                        size_t *resp_len)
{
    struct qmi_transport *t = user;
    if (!cmd || cmd_len < 4 || cmd_len > MAX_CMD_APDU || !resp || !resp_len)
        return ESIMLPA_EINVAL;
    t->c.err[0] = '\0';   /* the detail always belongs to the last operation */
    if (!t->have_cid) {
        snprintf(t->c.err, sizeof t->c.err, "UIM Send APDU: not connected");
        return ESIMLPA_ESTATE;
    }
    struct qmi_builder b;
    struct qmi_msg m;
    uint16_t qe;
    uint8_t v[2 + MAX_CMD_APDU];
    v[0] = (uint8_t)(cmd_len & 0xff);
    v[1] = (uint8_t)(cmd_len >> 8);
    memcpy(v + 2, cmd, cmd_len);
    esimlpa__qmi_new_request(&t->c, &b, QMI_SVC_UIM, t->cid, QMI_UIM_SEND_APDU);
    esimlpa__qmi_add_u8(&b, 0x01, (uint8_t)t->slot);
    esimlpa__qmi_add_tlv(&b, 0x02, v, 2 + cmd_len);
    if (t->have_channel)
        esimlpa__qmi_add_u8(&b, 0x10, t->channel);
    int rc = esimlpa__qmi_request(&t->c, &b, "UIM Send APDU", &m, &qe);
    if (rc == QMI_FAILED)
        return esimlpa__qmi_error_code(qe);
    if (rc != ESIMLPA_OK)
        return rc;
    const uint8_t *p;
    size_t n;
    if (esimlpa__qmi_tlv(&m, 0x10, &p, &n) != 0 || n < 2) {
        snprintf(t->c.err, sizeof t->c.err, "UIM Send APDU: no response APDU in the answer");
        return ESIMLPA_ETRANSPORT;
    }
    size_t len = (size_t)(p[0] | (p[1] << 8));
    if (len != n - 2 || len < 2 || len > *resp_len) {
        snprintf(t->c.err, sizeof t->c.err, "UIM Send APDU: malformed response APDU (%zu bytes)",
                 len);
        return ESIMLPA_ETRANSPORT;
    }
    memcpy(resp, p + 2, len);
    *resp_len = len;
    return ESIMLPA_OK;
}

int esimlpa_qmi_transport_new(const struct esimlpa_qmi_options *opts,
                              struct esimlpa_apdu_transport **out)
{
    if (out)
        *out = NULL;
    if (!opts || !out || opts->version != ESIMLPA_QMI_OPTIONS_VERSION || !opts->device ||
        !opts->device[0] || opts->slot > 2)
        return ESIMLPA_EINVAL;
    struct qmi_transport *t = calloc(1, sizeof *t);
    if (!t)
        return ESIMLPA_ENOMEM;
    t->device = strdup(opts->device);
    if (!t->device) {
        free(t);
        return ESIMLPA_ENOMEM;
    }
    t->phys_slot = opts->slot ? opts->slot : 1;
    t->switch_slot = opts->switch_slot ? 1 : 0;
    t->slot = t->switch_slot ? 1 : t->phys_slot;
    t->use_proxy = opts->use_proxy ? 1 : 0;
    t->switch_delay_ms = opts->switch_delay_ms;
    t->c.fd = -1;
    t->c.timeout_ms = opts->timeout_ms ? opts->timeout_ms : DEFAULT_TIMEOUT_MS;
    t->c.device = t->device;
    esimlpa__dev_lock_init(&t->lk);
    t->pub.version = ESIMLPA_APDU_TRANSPORT_VERSION;
    t->pub.user = t;
    t->pub.connect = qmi_connect;
    t->pub.disconnect = qmi_disconnect;
    t->pub.transmit = qmi_transmit;
    t->pub.open_logical_channel = qmi_open_channel;
    t->pub.close_logical_channel = qmi_close_channel;
    t->pub.lock = qmi_lock;
    t->pub.unlock = qmi_unlock;
    *out = &t->pub;
    return ESIMLPA_OK;
}

void esimlpa_qmi_transport_free(struct esimlpa_apdu_transport *pub)
{
    if (!pub)
        return;
    struct qmi_transport *t = (struct qmi_transport *)pub;
    qmi_disconnect(t);
    qmi_unlock(t);
    free(t->device);
    free(t);
}

const char *esimlpa_qmi_transport_last_error(const struct esimlpa_apdu_transport *pub)
{
    if (!pub)
        return "";
    return ((const struct qmi_transport *)pub)->c.err;
}
