/* SPDX-License-Identifier: MIT */
/* Simulated QMI modem: see sim_qmi.h. Message ids and TLVs as in libqmi's
 * data/qmi-service-ctl.json and qmi-service-uim.json; the card behind the UIM
 * service is the soft eUICC, reached with ISO 7816-4 MANAGE CHANNEL / SELECT
 * as a modem's UIM task does. */
#define _GNU_SOURCE   /* posix_openpt, ptsname, accept4 */
#include "sim_qmi.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "../../lib/apdu/qmi_internal.h"

#define MAX_CONN 9          /* the pty and up to 8 proxy clients */
#define MAX_CHANNEL 19

struct conn {
    int fd;                 /* -1: free */
    int is_proxy;
    uint8_t buf[QMI_MAX_FRAME];
    size_t len;
};

struct sim_qmi {
    struct sim_qmi_options o;
    struct softeuicc *se;
    int master, slave;      /* the slave stays open so the pty outlives clients */
    int listen_fd;          /* qmi-proxy socket, -1 */
    char dev[128];
    struct conn c[MAX_CONN];
    uint8_t cids[256];      /* allocated UIM client ids */
    uint8_t next_cid;
    uint8_t channel_open[MAX_CHANNEL + 1];
    int stale;              /* the stale channel (quirk), 0 when closed */
    unsigned phys[2];       /* physical slot behind logical slots 1 and 2 */
    long long not_ready_until;
    int hung, exiting;
    struct sim_qmi_stats st;
};

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void vlog(struct sim_qmi *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void vlog(struct sim_qmi *m, const char *fmt, ...)
{
    if (!m->o.verbose)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "sim-qmi: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
}

/* One APDU to the card. */
static size_t card(struct sim_qmi *m, const uint8_t *cmd, size_t len, uint8_t *resp)
{
    size_t rl = 0;
    softeuicc_process_apdu(m->se, cmd, len, resp, &rl);
    return rl;
}

static uint8_t cla_for(uint8_t cla, unsigned ch)
{
    /* ISO 7816-4 §5.4.1: channels 0-3 in b1-b2, 4-19 as 0x40 | (ch - 4). */
    return ch <= 3 ? (uint8_t)((cla & 0x80) | ch) : (uint8_t)((cla & 0x80) | 0x40 | (ch - 4));
}

/* MANAGE CHANNEL open + SELECT AID on the card. 0 and *ch, else the SW of
 * the failing step. @sel/@sel_len receive the SELECT response data. */
static unsigned card_open_channel(struct sim_qmi *m, const uint8_t *aid, size_t aid_len,
                                  unsigned *ch, uint8_t *sel, size_t *sel_len)
{
    uint8_t r[300];
    static const uint8_t mc_open[] = { 0x00, 0x70, 0x00, 0x00, 0x01 };
    size_t n = card(m, mc_open, sizeof mc_open, r);
    if (n != 3 || r[1] != 0x90 || r[0] < 1 || r[0] > MAX_CHANNEL)
        return n >= 2 ? (unsigned)(r[n - 2] << 8 | r[n - 1]) : 0x6F00;
    unsigned c = r[0];
    uint8_t sel_cmd[5 + 16 + 1];
    sel_cmd[0] = cla_for(0x00, c);
    sel_cmd[1] = 0xA4;
    sel_cmd[2] = 0x04;
    sel_cmd[3] = 0x00;
    sel_cmd[4] = (uint8_t)aid_len;
    memcpy(sel_cmd + 5, aid, aid_len);
    sel_cmd[5 + aid_len] = 0x00;
    n = card(m, sel_cmd, 6 + aid_len, r);
    unsigned sw = n >= 2 ? (unsigned)(r[n - 2] << 8 | r[n - 1]) : 0x6F00;
    if ((sw >> 8) == 0x61) {
        uint8_t gr[5] = { cla_for(0x00, c), 0xC0, 0x00, 0x00, (uint8_t)(sw & 0xff) };
        n = card(m, gr, sizeof gr, r);
        sw = n >= 2 ? (unsigned)(r[n - 2] << 8 | r[n - 1]) : 0x6F00;
    }
    if (sw != 0x9000) {
        uint8_t close_cmd[4] = { 0x00, 0x70, 0x80, (uint8_t)c };
        card(m, close_cmd, sizeof close_cmd, r);
        return sw;
    }
    *sel_len = n - 2 > 255 ? 255 : n - 2;
    memcpy(sel, r, *sel_len);
    *ch = c;
    return 0;
}

static void card_close_channel(struct sim_qmi *m, unsigned ch)
{
    uint8_t r[8];
    uint8_t cmd[4] = { 0x00, 0x70, 0x80, (uint8_t)ch };
    card(m, cmd, sizeof cmd, r);
}

static void send_frame(struct sim_qmi *m, struct conn *c, struct qmi_builder *b)
{
    if (esimlpa__qmi_finish(b) != QMI_CODEC_OK)
        return;
    size_t first = m->o.split ? b->len / 2 : b->len;
    if (esimlpa__qmi_write(c->fd, b->buf, first, now_ms() + 2000) != 0)
        return;
    if (first < b->len) {
        struct timespec ts = { 0, 2 * 1000000L };
        nanosleep(&ts, NULL);
        esimlpa__qmi_write(c->fd, b->buf + first, b->len - first, now_ms() + 2000);
    }
}

/* Noise a real modem produces around answers: a UIM indication to every
 * client and an answer for another client. */
static void send_noise(struct sim_qmi *m, struct conn *c, const struct qmi_msg *req)
{
    struct qmi_builder b;
    esimlpa__qmi_begin(&b, QMI_QMUX_FROM_MODEM, QMI_SVC_UIM, QMI_CID_BROADCAST,
                       QMI_SVC_INDICATION, 0, 0x0032 /* Card Status indication */);
    esimlpa__qmi_add_u8(&b, 0x10, 0);
    send_frame(m, c, &b);
    esimlpa__qmi_begin(&b, QMI_QMUX_FROM_MODEM, req->service, (uint8_t)(req->client + 1),
                       req->service == QMI_SVC_CTL ? QMI_CTL_RESPONSE : QMI_SVC_RESPONSE,
                       req->txn, req->msg_id);
    esimlpa__qmi_add_result(&b, QMI_ERR_INTERNAL);
    send_frame(m, c, &b);
}

static void answer_begin(struct qmi_builder *b, const struct qmi_msg *req)
{
    esimlpa__qmi_begin(b, QMI_QMUX_FROM_MODEM, req->service, req->client,
                       req->service == QMI_SVC_CTL ? QMI_CTL_RESPONSE : QMI_SVC_RESPONSE,
                       req->txn, req->msg_id);
}

static void handle_ctl(struct sim_qmi *m, struct conn *c, const struct qmi_msg *req,
                       struct qmi_builder *b)
{
    const uint8_t *v;
    size_t n;
    answer_begin(b, req);
    switch (req->msg_id) {
    case QMI_CTL_GET_VERSION_INFO: {
        /* count, then { service, major, minor } */
        static const uint8_t list[] = { 2, QMI_SVC_CTL, 1, 0, 5, 0, QMI_SVC_UIM, 1, 0, 46, 0 };
        esimlpa__qmi_add_result(b, 0);
        esimlpa__qmi_add_tlv(b, 0x01, list, sizeof list);
        break;
    }
    case QMI_CTL_ALLOCATE_CID:
        m->st.alloc_cid++;
        if (esimlpa__qmi_tlv(req, 0x01, &v, &n) != 0 || n != 1) {
            esimlpa__qmi_add_result(b, QMI_ERR_MISSING_ARGUMENT);
        } else if (v[0] != QMI_SVC_UIM) {
            esimlpa__qmi_add_result(b, 31 /* InvalidServiceType */);
        } else {
            unsigned cid = 0;
            for (unsigned i = 0; i < 254 && !cid; i++) {
                m->next_cid = (uint8_t)(m->next_cid % 254 + 1);
                if (!m->cids[m->next_cid])
                    cid = m->next_cid;
            }
            if (!cid) {
                esimlpa__qmi_add_result(b, QMI_ERR_CLIENT_IDS_EXHAUSTED);
            } else {
                m->cids[cid] = 1;
                uint8_t a[2] = { QMI_SVC_UIM, (uint8_t)cid };
                esimlpa__qmi_add_result(b, 0);
                esimlpa__qmi_add_tlv(b, 0x01, a, 2);
                vlog(m, "allocated UIM client %u", cid);
            }
        }
        break;
    case QMI_CTL_RELEASE_CID:
        m->st.release_cid++;
        if (esimlpa__qmi_tlv(req, 0x01, &v, &n) != 0 || n != 2) {
            esimlpa__qmi_add_result(b, QMI_ERR_MISSING_ARGUMENT);
        } else if (v[0] != QMI_SVC_UIM || !m->cids[v[1]]) {
            esimlpa__qmi_add_result(b, QMI_ERR_INVALID_CLIENT_ID);
        } else {
            m->cids[v[1]] = 0;
            esimlpa__qmi_add_result(b, 0);
            esimlpa__qmi_add_tlv(b, 0x01, v, 2);
            vlog(m, "released UIM client %u", v[1]);
        }
        break;
    case QMI_CTL_SYNC:
        esimlpa__qmi_add_result(b, 0);
        break;
    case QMI_CTL_PROXY_OPEN:
        m->st.proxy_open++;
        if (!c->is_proxy || esimlpa__qmi_tlv(req, 0x01, &v, &n) != 0) {
            esimlpa__qmi_add_result(b, QMI_ERR_INVALID_QMI_COMMAND);
        } else if (n != strlen(m->dev) || memcmp(v, m->dev, n) != 0) {
            esimlpa__qmi_add_result(b, 46 /* GeneralError: no such device */);
        } else {
            esimlpa__qmi_add_result(b, 0);
        }
        break;
    default:
        esimlpa__qmi_add_result(b, QMI_ERR_INVALID_QMI_COMMAND);
        break;
    }
}

/* The physical slot behind logical slot TLV 0x01, or 0 (with the error in *err). */
static unsigned req_slot(struct sim_qmi *m, const struct qmi_msg *req, uint16_t *err)
{
    const uint8_t *v;
    size_t n;
    unsigned logical = m->o.logical_slots ? m->o.logical_slots : 2;
    if (esimlpa__qmi_tlv(req, 0x01, &v, &n) != 0 || n != 1) {
        *err = QMI_ERR_MISSING_ARGUMENT;
        return 0;
    }
    if (v[0] < 1 || v[0] > logical) {
        *err = QMI_ERR_INVALID_ARGUMENT;
        return 0;
    }
    if (now_ms() < m->not_ready_until) {
        *err = QMI_ERR_DEVICE_NOT_READY;
        return 0;
    }
    unsigned phys = m->phys[v[0] - 1];
    unsigned euicc = m->o.euicc_slot ? m->o.euicc_slot : 1;
    if (phys != euicc) {
        *err = QMI_ERR_UIM_UNINITIALIZED;   /* no card in that slot */
        return 0;
    }
    return phys;
}

static void add_card(struct qmi_builder *b, uint8_t *p, size_t *off, int present)
{
    (void)b;
    size_t o = *off;
    p[o++] = present ? 1 : 0;   /* card state: present / absent */
    p[o++] = 0;                 /* UPIN state */
    p[o++] = 0;
    p[o++] = 0;
    p[o++] = present ? 0 : 3;   /* error code (3: no ATR when absent) */
    if (!present) {
        p[o++] = 0;             /* no applications */
        *off = o;
        return;
    }
    static const uint8_t usim[] = { 0xA0, 0x00, 0x00, 0x00, 0x87, 0x10, 0x02 };
    p[o++] = 1;                 /* one application: the USIM of the enabled profile */
    p[o++] = 2;                 /* type USIM */
    p[o++] = 7;                 /* state ready */
    p[o++] = 2;                 /* personalization state ready */
    p[o++] = 0;
    p[o++] = 0;
    p[o++] = 0;
    p[o++] = sizeof usim;
    memcpy(p + o, usim, sizeof usim);
    o += sizeof usim;
    p[o++] = 0;                 /* UPIN replaces PIN1: no */
    p[o++] = 3;                 /* PIN1 disabled */
    p[o++] = 3;
    p[o++] = 10;
    p[o++] = 3;                 /* PIN2 disabled */
    p[o++] = 3;
    p[o++] = 10;
    *off = o;
}

static int handle_uim(struct sim_qmi *m, struct conn *c, const struct qmi_msg *req,
                      struct qmi_builder *b)
{
    const uint8_t *v;
    size_t n;
    uint16_t err = 0;
    answer_begin(b, req);
    if (!m->cids[req->client]) {
        esimlpa__qmi_add_result(b, QMI_ERR_INVALID_CLIENT_ID);
        return 0;
    }
    switch (req->msg_id) {
    case QMI_UIM_RESET:
        esimlpa__qmi_add_result(b, 0);
        break;
    case QMI_UIM_GET_CARD_STATUS: {
        m->st.card_status++;
        uint8_t p[128];
        size_t off = 0;
        unsigned euicc = m->o.euicc_slot ? m->o.euicc_slot : 1;
        /* GW primary: card of logical slot 1, application 0; others unused (0xFFFF). */
        int present1 = m->phys[0] == euicc;
        p[off++] = present1 ? 0x00 : 0xFF;
        p[off++] = present1 ? 0x00 : 0xFF;
        memset(p + off, 0xFF, 6);
        off += 6;
        unsigned logical = m->o.logical_slots ? m->o.logical_slots : 2;
        p[off++] = (uint8_t)logical;
        for (unsigned i = 0; i < logical; i++)
            add_card(b, p, &off, m->phys[i] == euicc && now_ms() >= m->not_ready_until);
        esimlpa__qmi_add_result(b, 0);
        esimlpa__qmi_add_tlv(b, 0x10, p, off);
        break;
    }
    case QMI_UIM_SWITCH_SLOT: {
        m->st.switch_slot++;
        const uint8_t *pv;
        size_t pn;
        if (esimlpa__qmi_tlv(req, 0x01, &v, &n) != 0 || n != 1 ||
            esimlpa__qmi_tlv(req, 0x02, &pv, &pn) != 0 || pn != 4) {
            esimlpa__qmi_add_result(b, QMI_ERR_MISSING_ARGUMENT);
            break;
        }
        unsigned logical = m->o.logical_slots ? m->o.logical_slots : 2;
        unsigned phys = pv[0] | (unsigned)pv[1] << 8 | (unsigned)pv[2] << 16 | (unsigned)pv[3] << 24;
        if (v[0] < 1 || v[0] > logical || phys < 1 || phys > 2) {
            esimlpa__qmi_add_result(b, QMI_ERR_INVALID_ARGUMENT);
        } else if (m->phys[v[0] - 1] == phys) {
            esimlpa__qmi_add_result(b, QMI_ERR_NO_EFFECT);
        } else {
            /* The card in the new slot is powered up: channels are gone. */
            m->phys[v[0] - 1] = phys;
            softeuicc_reset(m->se);
            memset(m->channel_open, 0, sizeof m->channel_open);
            m->stale = 0;
            m->not_ready_until = now_ms() + m->o.switch_settle_ms;
            esimlpa__qmi_add_result(b, 0);
            vlog(m, "logical slot %u -> physical slot %u", v[0], phys);
        }
        break;
    }
    case QMI_UIM_GET_SLOT_STATUS: {
        /* 0x10: per physical slot u32 card state (1 absent, 2 present), u32
         * slot state (0 inactive, 1 active), u8 logical slot, u8-prefixed ICCID;
         * 0x11: u32 protocol (2 UICC), u8 valid apps, u8-prefixed ATR, u8 is-eUICC. */
        unsigned euicc = m->o.euicc_slot ? m->o.euicc_slot : 1;
        unsigned logical = m->o.logical_slots ? m->o.logical_slots : 2;
        uint8_t st[1 + 2 * 10], info[1 + 2 * 40];
        size_t so = 0, io = 0;
        st[so++] = 2;
        info[io++] = 2;
        for (unsigned phys = 1; phys <= 2; phys++) {
            unsigned ls = 0;
            for (unsigned l = 1; l <= logical; l++)
                if (m->phys[l - 1] == phys)
                    ls = l;
            uint32_t vals[2] = { phys == euicc ? 2u : 1u, ls ? 1u : 0u };
            for (int k = 0; k < 2; k++)
                for (int j = 0; j < 4; j++)
                    st[so++] = (uint8_t)(vals[k] >> (8 * j));
            st[so++] = (uint8_t)(ls ? ls : 1);
            st[so++] = 0;   /* ICCID not reported */
            size_t atr_len = 0;
            const uint8_t *atr = softeuicc_atr(&atr_len);
            if (phys != euicc || atr_len > 32)
                atr_len = 0;
            uint8_t proto[4] = { phys == euicc ? 2 : 0, 0, 0, 0 };
            memcpy(info + io, proto, 4);
            io += 4;
            info[io++] = phys == euicc ? 1 : 0;
            info[io++] = (uint8_t)atr_len;
            memcpy(info + io, atr, atr_len);
            io += atr_len;
            info[io++] = phys == euicc ? 1 : 0;
        }
        esimlpa__qmi_add_result(b, 0);
        esimlpa__qmi_add_tlv(b, 0x10, st, so);
        esimlpa__qmi_add_tlv(b, 0x11, info, io);
        break;
    }
    case QMI_UIM_OPEN_LOGICAL_CHANNEL: {
        m->st.open_channel++;
        if (m->o.no_logical_channel) {
            esimlpa__qmi_add_result(b, QMI_ERR_INVALID_QMI_COMMAND);
            break;
        }
        if (!req_slot(m, req, &err)) {
            esimlpa__qmi_add_result(b, err);
            break;
        }
        if (esimlpa__qmi_tlv(req, 0x10, &v, &n) != 0 || n < 1 || v[0] != n - 1 || v[0] > 16) {
            esimlpa__qmi_add_result(b, QMI_ERR_MISSING_ARGUMENT);
            break;
        }
        if (m->stale) {
            esimlpa__qmi_add_result(b, (uint16_t)m->o.stale_channel);
            vlog(m, "open refused: stale channel %d holds the application", m->stale);
            break;
        }
        unsigned ch = 0;
        uint8_t sel[256];
        size_t sel_len = 0;
        unsigned sw = card_open_channel(m, v + 1, v[0], &ch, sel, &sel_len);
        if (sw) {
            uint8_t swb[2] = { (uint8_t)(sw >> 8), (uint8_t)sw };
            esimlpa__qmi_add_result(b, QMI_ERR_SIM_FILE_NOT_FOUND);
            esimlpa__qmi_add_tlv(b, 0x11, swb, 2);
            break;
        }
        m->channel_open[ch] = 1;
        uint8_t swok[2] = { 0x90, 0x00 };
        uint8_t selv[256];
        selv[0] = (uint8_t)sel_len;
        memcpy(selv + 1, sel, sel_len);
        esimlpa__qmi_add_result(b, 0);
        esimlpa__qmi_add_u8(b, 0x10, (uint8_t)ch);
        esimlpa__qmi_add_tlv(b, 0x11, swok, 2);
        esimlpa__qmi_add_tlv(b, 0x12, selv, 1 + sel_len);
        vlog(m, "opened channel %u", ch);
        break;
    }
    case QMI_UIM_LOGICAL_CHANNEL:
        m->st.close_channel++;
        if (!req_slot(m, req, &err)) {
            esimlpa__qmi_add_result(b, err);
            break;
        }
        if (esimlpa__qmi_tlv(req, 0x11, &v, &n) != 0 || n != 1) {
            esimlpa__qmi_add_result(b, QMI_ERR_MISSING_ARGUMENT);
        } else if (v[0] < 1 || v[0] > MAX_CHANNEL ||
                   (!m->channel_open[v[0]] && m->stale != v[0])) {
            esimlpa__qmi_add_result(b, QMI_ERR_INVALID_ARGUMENT);
        } else {
            card_close_channel(m, v[0]);
            m->channel_open[v[0]] = 0;
            if (m->stale == v[0])
                m->stale = 0;
            esimlpa__qmi_add_result(b, 0);
            vlog(m, "closed channel %u", v[0]);
        }
        break;
    case QMI_UIM_SEND_APDU: {
        m->st.send_apdu++;
        if (m->o.exit_after && m->st.send_apdu >= m->o.exit_after) {
            vlog(m, "exit-after: closing the device");
            return 1;
        }
        if (m->o.hang_after && m->st.send_apdu >= m->o.hang_after) {
            m->hung = 1;
            return 0;
        }
        if (!req_slot(m, req, &err)) {
            esimlpa__qmi_add_result(b, err);
            break;
        }
        const uint8_t *cv;
        size_t cn;
        if (esimlpa__qmi_tlv(req, 0x02, &v, &n) != 0 || n < 2 + 4 ||
            (size_t)(v[0] | v[1] << 8) != n - 2 || n - 2 > 261) {
            esimlpa__qmi_add_result(b, QMI_ERR_MALFORMED_MESSAGE);
            break;
        }
        uint8_t cmd[261];
        memcpy(cmd, v + 2, n - 2);
        if (esimlpa__qmi_tlv(req, 0x10, &cv, &cn) == 0) {
            if (cn != 1 || cv[0] < 1 || cv[0] > MAX_CHANNEL || !m->channel_open[cv[0]]) {
                esimlpa__qmi_add_result(b, QMI_ERR_INVALID_ARGUMENT);
                break;
            }
            cmd[0] = cla_for(cmd[0], cv[0]);   /* the modem sets the channel in CLA */
        }
        uint8_t r[300];
        size_t rl = card(m, cmd, n - 2, r);
        uint8_t out[2 + 300];
        out[0] = (uint8_t)(rl & 0xff);
        out[1] = (uint8_t)(rl >> 8);
        if (m->o.garble && m->st.send_apdu == m->o.garble)
            out[0]++;   /* the inner length disagrees with the TLV's */
        memcpy(out + 2, r, rl);
        esimlpa__qmi_add_result(b, 0);
        esimlpa__qmi_add_tlv(b, 0x10, out, 2 + rl);
        break;
    }
    default:
        esimlpa__qmi_add_result(b, QMI_ERR_INVALID_QMI_COMMAND);
        break;
    }
    (void)c;
    return 0;
}

/* One request frame from @c. 1: exit_after fired. */
static int handle_frame(struct sim_qmi *m, struct conn *c, const uint8_t *f, size_t len)
{
    struct qmi_msg req;
    int perr = esimlpa__qmi_parse(f, len, &req);
    m->st.frames++;
    if (perr != QMI_CODEC_OK || req.qmux_flags != 0 || req.flags != 0) {
        m->st.refused++;
        vlog(m, "dropped a frame: %s", esimlpa__qmi_codec_strerror(perr));
        return 0;
    }
    vlog(m, "service 0x%02X client %u txn %u message 0x%04X", req.service, req.client, req.txn,
         req.msg_id);
    struct qmi_builder b;
    int rc = 0;
    if (req.service == QMI_SVC_CTL) {
        handle_ctl(m, c, &req, &b);
    } else if (req.service == QMI_SVC_UIM) {
        rc = handle_uim(m, c, &req, &b);
        if (rc || m->hung)
            return rc;
    } else {
        /* A service this modem lacks: real modems stay silent on it. */
        return 0;
    }
    if (m->o.indications)
        send_noise(m, c, &req);
    send_frame(m, c, &b);
    return 0;
}

/* Whole frames out of the connection's buffer. 1: exit_after fired. */
static int drain(struct sim_qmi *m, struct conn *c)
{
    for (;;) {
        long need = esimlpa__qmi_frame_size(c->buf, c->len);
        if (need < 0) {
            m->st.refused++;
            vlog(m, "framing lost (%s): dropping %zu bytes", esimlpa__qmi_codec_strerror((int)need),
                 c->len);
            c->len = 0;
            return 0;
        }
        if (need == 0 || c->len < (size_t)need)
            return 0;
        int rc = handle_frame(m, c, c->buf, (size_t)need);
        memmove(c->buf, c->buf + need, c->len - (size_t)need);
        c->len -= (size_t)need;
        if (rc)
            return rc;
    }
}

int sim_qmi_open(const struct sim_qmi_options *opts, struct softeuicc *se, struct sim_qmi **out,
                 char *dev, size_t dev_len)
{
    struct sim_qmi *m = calloc(1, sizeof *m);
    if (!m)
        return -1;
    m->o = *opts;
    m->se = se;
    m->listen_fd = -1;
    m->slave = -1;
    m->phys[0] = 1;
    m->phys[1] = 2;
    for (int i = 0; i < MAX_CONN; i++)
        m->c[i].fd = -1;
    m->master = posix_openpt(O_RDWR | O_NOCTTY);
    if (m->master < 0 || grantpt(m->master) != 0 || unlockpt(m->master) != 0) {
        perror("sim-qmi: posix_openpt");
        goto fail;
    }
    const char *name = ptsname(m->master);
    if (!name || strlen(name) >= sizeof m->dev || strlen(name) >= dev_len) {
        fprintf(stderr, "sim-qmi: ptsname failed\n");
        goto fail;
    }
    snprintf(m->dev, sizeof m->dev, "%s", name);
    snprintf(dev, dev_len, "%s", name);
    m->slave = open(name, O_RDWR | O_NOCTTY);
    if (m->slave < 0) {
        perror("sim-qmi: open slave");
        goto fail;
    }
    struct termios tio;
    if (tcgetattr(m->slave, &tio) == 0) {
        cfmakeraw(&tio);
        tcsetattr(m->slave, TCSANOW, &tio);
    }
    m->c[0].fd = m->master;
    if (opts->proxy) {
        /* libqmi's qmi-proxy address: the abstract socket "qmi-proxy" (only
         * ever inside a test's private network namespace). */
        static const char pname[] = "qmi-proxy";
        struct sockaddr_un sa;
        memset(&sa, 0, sizeof sa);
        sa.sun_family = AF_UNIX;
        memcpy(sa.sun_path + 1, pname, sizeof pname - 1);
        socklen_t sl = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + sizeof pname - 1);
        m->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (m->listen_fd < 0 || bind(m->listen_fd, (struct sockaddr *)&sa, sl) != 0 ||
            listen(m->listen_fd, 8) != 0) {
            perror("sim-qmi: qmi-proxy socket");
            goto fail;
        }
    }
    softeuicc_reset(se);
    if (opts->stale_channel) {
        /* A channel left open on the ISD-R by a crashed program. */
        static const uint8_t isdr[] = { 0xA0, 0x00, 0x00, 0x05, 0x59, 0x10, 0x10, 0xFF,
                                        0xFF, 0xFF, 0xFF, 0x89, 0x00, 0x00, 0x01, 0x00 };
        unsigned ch = 0;
        uint8_t sel[256];
        size_t sl2 = 0;
        if (card_open_channel(m, isdr, sizeof isdr, &ch, sel, &sl2) != 0) {
            fprintf(stderr, "sim-qmi: cannot open the stale channel\n");
            goto fail;
        }
        m->stale = (int)ch;
    }
    *out = m;
    return 0;
fail:
    sim_qmi_close(m);
    return -1;
}

int sim_qmi_run(struct sim_qmi *m, volatile int *stop)
{
    while (!*stop) {
        struct pollfd p[MAX_CONN + 1];
        int idx[MAX_CONN + 1];
        int np = 0;
        for (int i = 0; i < MAX_CONN; i++)
            if (m->c[i].fd >= 0) {
                p[np].fd = m->c[i].fd;
                p[np].events = POLLIN;
                idx[np++] = i;
            }
        if (m->listen_fd >= 0) {
            p[np].fd = m->listen_fd;
            p[np].events = POLLIN;
            idx[np++] = -1;
        }
        int n = poll(p, (nfds_t)np, 100);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        for (int k = 0; k < np; k++) {
            if (!p[k].revents)
                continue;
            if (idx[k] < 0) {
                int fd = accept4(m->listen_fd, NULL, NULL, SOCK_CLOEXEC);
                int slot = -1;
                for (int i = 1; i < MAX_CONN && slot < 0; i++)
                    if (m->c[i].fd < 0)
                        slot = i;
                if (fd >= 0 && slot < 0)
                    close(fd);
                else if (fd >= 0) {
                    m->c[slot].fd = fd;
                    m->c[slot].is_proxy = 1;
                    m->c[slot].len = 0;
                    vlog(m, "proxy client connected");
                }
                continue;
            }
            struct conn *c = &m->c[idx[k]];
            ssize_t r = read(c->fd, c->buf + c->len, sizeof c->buf - c->len);
            if (r <= 0) {
                if (r < 0 && (errno == EINTR || errno == EAGAIN))
                    continue;
                if (c->is_proxy) {
                    close(c->fd);
                    c->fd = -1;
                    continue;
                }
                /* pty master: EIO while no client has the slave open besides us */
                struct timespec ts = { 0, 20 * 1000000L };
                nanosleep(&ts, NULL);
                continue;
            }
            c->len += (size_t)r;
            if (drain(m, c))
                return 1;
        }
    }
    return 0;
}

void sim_qmi_get_stats(const struct sim_qmi *m, struct sim_qmi_stats *out)
{
    *out = m->st;
}

void sim_qmi_close(struct sim_qmi *m)
{
    if (!m)
        return;
    for (int i = 1; i < MAX_CONN; i++)
        if (m->c[i].fd >= 0)
            close(m->c[i].fd);
    if (m->master >= 0)
        close(m->master);
    if (m->slave >= 0)
        close(m->slave);
    if (m->listen_fd >= 0)
        close(m->listen_fd);
    free(m);
}
