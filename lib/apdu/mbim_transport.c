/* SPDX-License-Identifier: MIT */
/*
 * Built-in MBIM transport: the Microsoft UICC low-level access service of an
 * MBIM modem, native MBIM framing, through the device node or libmbim's
 * mbim-proxy. CIDs and fields as in libmbim's
 * data/mbim-service-ms-uicc-low-level-access.json: Open Channel (2), Close
 * Channel (3), APDU (4); the service's byte arrays are (size, offset) pairs.
 * The modem opens the channel and selects the ISD-R itself (SGP.22 §5.7: ES10
 * runs on a logical channel with the ISD-R selected); STORE DATA then goes
 * through APDU on that channel.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <esimlpa/error.h>
#include <esimlpa/mbim.h>

#include "card_lockfile.h"
#include "mbim_internal.h"
#include "qmi_internal.h"

#define DEFAULT_TIMEOUT_MS 10000u
#define RELEASE_TIMEOUT_MS 1000u
#define MAX_CMD_APDU 261
#define MAX_CHANNEL 19
/* SELECT P2 the modem uses when it opens the channel: 0x0C, "no response
 * data" (ISO 7816-4 §11.1.1). Field modems refuse other values; the library
 * needs no FCI from the ISD-R. */
#define SELECT_P2 0x0Cu
#define CHANNEL_GROUP 1u

struct mbim_transport {
    struct esimlpa_apdu_transport pub;
    char *device;
    unsigned slot;          /* 0: leave the mapping alone */
    int use_proxy;
    unsigned settle_ms;
    struct mbim_conn c;
    int opened;             /* MBIM_OPEN done */
    int have_channel;
    uint32_t channel;
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
static int mbim_lock(void *user, long wait_ms)
{
    struct mbim_transport *t = user;
    return esimlpa__dev_lock_take(&t->lk, "mbim", t->device, wait_ms, t->use_proxy ? -1 : t->c.fd,
                                  t->c.err, sizeof t->c.err);
}

static void mbim_unlock(void *user)
{
    struct mbim_transport *t = user;
    esimlpa__dev_lock_release(&t->lk, t->c.fd);
}

/* The Status field of the MS UICC answers: BYTE[2], SW1 then SW2, in a u32
 * (read little endian: SW1 | SW2 << 8). Returns SW1 << 8 | SW2, or a value
 * above 0xFFFF when the upper bytes are not zero. */
static uint32_t status_sw(uint32_t field)
{
    if (field > 0xFFFF)
        return field;
    return (field & 0xFF) << 8 | (field >> 8);
}

static int close_channel(struct mbim_transport *t, uint32_t ch)
{
    struct mbim_builder b;
    struct mbim_msg m;
    uint32_t st;
    esimlpa__mbim_info_reset(&b);
    esimlpa__mbim_info_u32(&b, ch);
    esimlpa__mbim_info_u32(&b, CHANNEL_GROUP);
    int rc = esimlpa__mbim_command(&t->c, esimlpa__mbim_uuid_ms_uicc_lla,
                                   MBIM_CID_UICC_CLOSE_CHANNEL, MBIM_CMD_SET, &b,
                                   "MS UICC Close Channel", &m, &st);
    return rc == MBIM_FAILED ? esimlpa__mbim_status_code(st) : rc;
}

static void mbim_disconnect(void *user)
{
    struct mbim_transport *t = user;
    if (t->c.fd >= 0) {
        unsigned saved = t->c.timeout_ms;
        char err[sizeof t->c.err];
        memcpy(err, t->c.err, sizeof err);
        t->c.timeout_ms = RELEASE_TIMEOUT_MS;
        if (t->have_channel && !t->c.gone)
            close_channel(t, t->channel);
        if (t->opened && !t->c.gone)
            esimlpa__mbim_close(&t->c);
        t->c.timeout_ms = saved;
        memcpy(t->c.err, err, sizeof err);
        esimlpa__dev_lock_node_release(&t->lk, t->c.fd);
        close(t->c.fd);
    }
    t->c.fd = -1;
    t->c.gone = 0;
    t->c.rd.len = t->c.rd.pending = t->c.rd.skip = 0;
    t->c.ra.total = 0;
    t->opened = 0;
    t->have_channel = 0;
}

/* Microsoft Basic Connect Extensions device slot mappings: executor 0 to the
 * asked slot (0-based in MBIM). Query first; set only when it differs, then
 * give the modem its settling pause (the card behind the new slot powers up). */
static int map_slot(struct mbim_transport *t)
{
    struct mbim_builder b;
    struct mbim_msg m;
    uint32_t st, want = t->slot - 1;
    esimlpa__mbim_info_reset(&b);
    int rc = esimlpa__mbim_command(&t->c, esimlpa__mbim_uuid_ms_basic_connect_ext,
                                   MBIM_CID_MS_DEVICE_SLOT_MAPPINGS, MBIM_CMD_QUERY, &b,
                                   "MS Device Slot Mappings", &m, &st);
    if (rc == MBIM_FAILED && st == MBIM_STATUS_NO_DEVICE_SUPPORT && t->slot == 1) {
        t->c.err[0] = '\0';
        return ESIMLPA_OK;   /* a single-slot modem: slot 1 is all there is */
    }
    if (rc == MBIM_FAILED)
        return esimlpa__mbim_status_code(st);
    if (rc != ESIMLPA_OK)
        return rc;
    uint32_t count, cur;
    const uint8_t *p;
    uint32_t n;
    if (esimlpa__mbim_field_u32(&m, 0, &count) != 0 || count < 1 ||
        esimlpa__mbim_field_bytes(&m, 4, 0, &p, &n) != 0 || n != 4) {
        snprintf(t->c.err, sizeof t->c.err, "MS Device Slot Mappings: malformed answer");
        return ESIMLPA_ETRANSPORT;
    }
    cur = mbim_get32(p);
    if (cur == want)
        return ESIMLPA_OK;
    esimlpa__mbim_info_reset(&b);
    esimlpa__mbim_info_u32(&b, 1);
    size_t off = esimlpa__mbim_info_slot(&b);
    esimlpa__mbim_info_u32(&b, 4);
    size_t at = esimlpa__mbim_info_data(&b, (uint8_t[4]){ (uint8_t)want, 0, 0, 0 }, 4);
    esimlpa__mbim_info_set32(&b, off, (uint32_t)at);
    rc = esimlpa__mbim_command(&t->c, esimlpa__mbim_uuid_ms_basic_connect_ext,
                               MBIM_CID_MS_DEVICE_SLOT_MAPPINGS, MBIM_CMD_SET, &b,
                               "MS Device Slot Mappings (set)", &m, &st);
    if (rc == MBIM_FAILED)
        return esimlpa__mbim_status_code(st);
    if (rc == ESIMLPA_OK && t->settle_ms)
        sleep_ms(t->settle_ms);
    return rc;
}

static int mbim_connect(void *user)
{
    struct mbim_transport *t = user;
    mbim_disconnect(t);
    t->c.err[0] = '\0';
    int fd = t->use_proxy ? esimlpa__proxy_socket_open("mbim-proxy", t->c.err, sizeof t->c.err)
                          : esimlpa__qmi_open_device(t->device, t->c.err, sizeof t->c.err);
    if (fd < 0)
        return fd;
    t->c.fd = fd;
    int rc = ESIMLPA_OK;
    if (t->use_proxy)
        rc = esimlpa__mbim_proxy_config(&t->c, t->device);
    if (rc == ESIMLPA_OK)
        rc = esimlpa__dev_lock_node(&t->lk, t->use_proxy ? -1 : t->c.fd, t->device, t->c.err,
                                    sizeof t->c.err);
    if (rc == ESIMLPA_OK)
        rc = esimlpa__mbim_open(&t->c);
    if (rc == ESIMLPA_OK) {
        t->opened = 1;
        if (t->slot)
            rc = map_slot(t);
    }
    if (rc != ESIMLPA_OK) {
        mbim_disconnect(t);
        return rc;
    }
    return ESIMLPA_OK;
}

static int mbim_open_channel(void *user, const uint8_t *aid, size_t aid_len, uint8_t *channel)
{
    struct mbim_transport *t = user;
    static const char what[] = "MS UICC Open Channel";
    if (!aid || aid_len == 0 || aid_len > 16 || !channel)
        return ESIMLPA_EINVAL;
    t->c.err[0] = '\0';
    if (!t->opened) {
        snprintf(t->c.err, sizeof t->c.err, "%s: not connected", what);
        return ESIMLPA_ESTATE;
    }
    struct mbim_builder b;
    struct mbim_msg m;
    uint32_t st;
    esimlpa__mbim_info_reset(&b);
    size_t size = esimlpa__mbim_info_slot(&b), off = esimlpa__mbim_info_slot(&b);
    esimlpa__mbim_info_u32(&b, SELECT_P2);
    esimlpa__mbim_info_u32(&b, CHANNEL_GROUP);
    size_t at = esimlpa__mbim_info_data(&b, aid, aid_len);
    esimlpa__mbim_info_set32(&b, size, (uint32_t)aid_len);
    esimlpa__mbim_info_set32(&b, off, (uint32_t)at);
    int rc = esimlpa__mbim_command(&t->c, esimlpa__mbim_uuid_ms_uicc_lla,
                                   MBIM_CID_UICC_OPEN_CHANNEL, MBIM_CMD_SET, &b, what, &m, &st);
    uint32_t sw = 0, ch = 0;
    if (rc == MBIM_FAILED && esimlpa__mbim_field_u32(&m, 0, &sw) == 0)
        sw = status_sw(sw);
    if (rc == MBIM_FAILED) {
        /* The card's answer to the SELECT rides in the Status field. */
        if (st == MBIM_STATUS_MS_SELECT_FAILED && (sw == 0x6A82 || sw == 0x6999)) {
            snprintf(t->c.err, sizeof t->c.err, "%s: the card has no ISD-R (SW %04X)", what,
                     (unsigned)sw);
            return ESIMLPA_ENOISDR;
        }
        return esimlpa__mbim_status_code(st);
    }
    if (rc != ESIMLPA_OK)
        return rc;
    if (esimlpa__mbim_field_u32(&m, 0, &sw) != 0 || esimlpa__mbim_field_u32(&m, 4, &ch) != 0) {
        snprintf(t->c.err, sizeof t->c.err, "%s: malformed answer", what);
        return ESIMLPA_ETRANSPORT;
    }
    sw = status_sw(sw);
    /* 9000, or 61xx when the modem sent the SELECT without Le and left the
     * FCI unread (not needed). */
    if (sw != 0x9000 && (sw >> 8) != 0x61) {
        snprintf(t->c.err, sizeof t->c.err, "%s: SELECT answered SW %04X", what, (unsigned)sw);
        return sw == 0x6A82 ? ESIMLPA_ENOISDR : ESIMLPA_ETRANSPORT;
    }
    if (ch < 1 || ch > MAX_CHANNEL) {
        snprintf(t->c.err, sizeof t->c.err, "%s: no valid channel in the answer (%u)", what,
                 (unsigned)ch);
        return ESIMLPA_ETRANSPORT;
    }
    t->channel = ch;
    t->have_channel = 1;
    *channel = (uint8_t)ch;
    return ESIMLPA_OK;
}

static int mbim_close_channel(void *user, uint8_t channel)
{
    struct mbim_transport *t = user;
    if (!t->have_channel || channel != t->channel)
        return ESIMLPA_OK;
    t->have_channel = 0;
    return close_channel(t, channel);
}

static int mbim_transmit(void *user, const uint8_t *cmd, size_t cmd_len, uint8_t *resp,
                         size_t *resp_len)
{
    struct mbim_transport *t = user;
    static const char what[] = "MS UICC APDU";
    if (!cmd || cmd_len < 4 || cmd_len > MAX_CMD_APDU || !resp || !resp_len || *resp_len < 2)
        return ESIMLPA_EINVAL;
    t->c.err[0] = '\0';
    if (!t->opened) {
        snprintf(t->c.err, sizeof t->c.err, "%s: not connected", what);
        return ESIMLPA_ESTATE;
    }
    struct mbim_builder b;
    struct mbim_msg m;
    uint32_t st;
    esimlpa__mbim_info_reset(&b);
    esimlpa__mbim_info_u32(&b, t->have_channel ? t->channel : 0);
    esimlpa__mbim_info_u32(&b, 0);   /* SecureMessaging: none */
    /* ClassByteType: the modem rebuilds the CLA from this type and the
     * channel (Microsoft MBIM low-level UICC access, MBIM_CID_MS_UICC_APDU).
     * ES10 STORE DATA is 8X/CX, the ETSI TS 102 221 §10.1.1 "extended"
     * coding; sent as interindustry the card would see 0X and refuse it. */
    esimlpa__mbim_info_u32(&b, (cmd[0] & 0x80) ? MBIM_CLASS_BYTE_EXTENDED
                                                : MBIM_CLASS_BYTE_INTERINDUSTRY);
    size_t size = esimlpa__mbim_info_slot(&b), off = esimlpa__mbim_info_slot(&b);
    size_t at = esimlpa__mbim_info_data(&b, cmd, cmd_len);
    esimlpa__mbim_info_set32(&b, size, (uint32_t)cmd_len);
    esimlpa__mbim_info_set32(&b, off, (uint32_t)at);
    int rc = esimlpa__mbim_command(&t->c, esimlpa__mbim_uuid_ms_uicc_lla, MBIM_CID_UICC_APDU,
                                   MBIM_CMD_SET, &b, what, &m, &st);
    if (rc == MBIM_FAILED)
        return esimlpa__mbim_status_code(st);
    if (rc != ESIMLPA_OK)
        return rc;
    uint32_t sw;
    const uint8_t *p;
    uint32_t n;
    if (esimlpa__mbim_field_u32(&m, 0, &sw) != 0 || esimlpa__mbim_field_bytes(&m, 4, 1, &p, &n) != 0) {
        snprintf(t->c.err, sizeof t->c.err, "%s: malformed answer", what);
        return ESIMLPA_ETRANSPORT;
    }
    sw = status_sw(sw);
    if (sw > 0xFFFF || n > *resp_len - 2) {
        snprintf(t->c.err, sizeof t->c.err, "%s: malformed response APDU (%u bytes, SW %08X)",
                 what, (unsigned)n, (unsigned)sw);
        return ESIMLPA_ETRANSPORT;
    }
    memcpy(resp, p, n);
    resp[n] = (uint8_t)(sw >> 8);
    resp[n + 1] = (uint8_t)sw;
    *resp_len = n + 2;
    return ESIMLPA_OK;
}

int esimlpa_mbim_transport_new(const struct esimlpa_mbim_options *opts,
                               struct esimlpa_apdu_transport **out)
{
    if (out)
        *out = NULL;
    if (!opts || !out || opts->version != ESIMLPA_MBIM_OPTIONS_VERSION || !opts->device ||
        !opts->device[0] || opts->slot > 2)
        return ESIMLPA_EINVAL;
    struct mbim_transport *t = calloc(1, sizeof *t);
    if (!t)
        return ESIMLPA_ENOMEM;
    t->device = strdup(opts->device);
    if (!t->device) {
        free(t);
        return ESIMLPA_ENOMEM;
    }
    t->slot = opts->slot;
    t->use_proxy = opts->use_proxy ? 1 : 0;
    t->settle_ms = opts->settle_ms;
    t->c.fd = -1;
    t->c.timeout_ms = opts->timeout_ms ? opts->timeout_ms : DEFAULT_TIMEOUT_MS;
    t->c.max_xfer = MBIM_MAX_CONTROL;
    t->c.device = t->device;
    esimlpa__dev_lock_init(&t->lk);
    t->pub.version = ESIMLPA_APDU_TRANSPORT_VERSION;
    t->pub.user = t;
    t->pub.connect = mbim_connect;
    t->pub.disconnect = mbim_disconnect;
    t->pub.transmit = mbim_transmit;
    t->pub.open_logical_channel = mbim_open_channel;
    t->pub.close_logical_channel = mbim_close_channel;
    t->pub.lock = mbim_lock;
    t->pub.unlock = mbim_unlock;
    *out = &t->pub;
    return ESIMLPA_OK;
}

void esimlpa_mbim_transport_free(struct esimlpa_apdu_transport *pub)
{
    if (!pub)
        return;
    struct mbim_transport *t = (struct mbim_transport *)pub;
    mbim_disconnect(t);
    mbim_unlock(t);
    free(t->device);
    free(t);
}

const char *esimlpa_mbim_transport_last_error(const struct esimlpa_apdu_transport *pub)
{
    if (!pub)
        return "";
    return ((const struct mbim_transport *)pub)->c.err;
}
