/* SPDX-License-Identifier: MIT */
/* Simulated MBIM modem: see sim_mbim.h. Layouts as libmbim decodes them
 * (mbim-service-basic-connect.json, mbim-service-ms-uicc-low-level-access.json,
 * mbim-service-ms-basic-connect-extensions.json, proxy control); the card
 * behind the UICC service is the soft eUICC, reached with ISO 7816-4 MANAGE
 * CHANNEL / SELECT as a modem's UICC task does. */
#define _GNU_SOURCE   /* posix_openpt, ptsname, accept4 */
#include "sim_mbim.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
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

#include "../../lib/apdu/mbim_internal.h"
#include "../../lib/apdu/qmi_internal.h"   /* esimlpa__qmi_write, esimlpa__mono_ms */

#define MAX_CONN 9
#define MAX_CHANNEL 19

struct conn {
    int fd;
    int is_proxy, configured, opened;
    uint32_t max_xfer;
    uint8_t buf[MBIM_MAX_CONTROL * 2];
    size_t len;
    struct mbim_reasm ra;
};

struct sim_mbim {
    struct sim_mbim_options o;
    struct softeuicc *se;
    int master, slave, listen_fd;
    char dev[128];
    struct conn c[MAX_CONN];
    uint8_t channel_open[MAX_CHANNEL + 1];
    unsigned held[MAX_CHANNEL + 1];
    unsigned mapped;            /* slot index (0-based) of executor 0 */
    long long not_ready_until;
    int hung;                   /* hang_after fired: no more answers */
    struct sim_mbim_stats st;
    struct mbim_builder b;      /* the answer being built */
};

static void vlog(struct sim_mbim *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void vlog(struct sim_mbim *m, const char *fmt, ...)
{
    if (!m->o.verbose)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "sim-mbim: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
}

static size_t card(struct sim_mbim *m, const uint8_t *cmd, size_t len, uint8_t *resp)
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

static unsigned sw_of(const uint8_t *r, size_t n)
{
    return n >= 2 ? (unsigned)(r[n - 2] << 8 | r[n - 1]) : 0x6F00;
}

/* The MS UICC Status field: BYTE[2], SW1 then SW2 (u32 little endian). */
static uint32_t status_field(unsigned sw)
{
    return (sw >> 8) | (sw & 0xFF) << 8;
}

/* The CLA the modem builds from ClassByteType and the channel (MS UICC APDU:
 * the host's CLA is replaced): 0X/4X interindustry, 8X/CX extended. */
static uint8_t cla_built(uint32_t type, unsigned ch)
{
    uint8_t base = type == MBIM_CLASS_BYTE_EXTENDED ? 0x80 : 0x00;
    return ch <= 3 ? (uint8_t)(base | ch) : (uint8_t)(base | 0x40 | (ch - 4));
}

/* MANAGE CHANNEL open + SELECT AID with @p2 (Le = 00, as field modems need
 * for the FCI). 0 and *ch, or the SW of the failing step. */
static unsigned card_open_channel(struct sim_mbim *m, const uint8_t *aid, size_t aid_len,
                                  unsigned p2, unsigned *ch, uint8_t *sel, size_t *sel_len)
{
    uint8_t r[300];
    static const uint8_t mc_open[] = { 0x00, 0x70, 0x00, 0x00, 0x01 };
    size_t n = card(m, mc_open, sizeof mc_open, r);
    if (n != 3 || r[1] != 0x90 || r[0] < 1 || r[0] > MAX_CHANNEL)
        return sw_of(r, n);
    unsigned c = r[0];
    uint8_t cmd[5 + 16 + 1] = { cla_for(0x00, c), 0xA4, 0x04, (uint8_t)p2, (uint8_t)aid_len };
    memcpy(cmd + 5, aid, aid_len);
    cmd[5 + aid_len] = 0x00;
    n = card(m, cmd, (p2 == 0x0C ? 5 : 6) + aid_len, r);
    unsigned sw = sw_of(r, n);
    if ((sw >> 8) == 0x61) {
        uint8_t gr[5] = { cla_for(0x00, c), 0xC0, 0x00, 0x00, (uint8_t)(sw & 0xff) };
        n = card(m, gr, sizeof gr, r);
        sw = sw_of(r, n);
    }
    if (sw != 0x9000) {
        uint8_t close_cmd[4] = { 0x00, 0x70, 0x80, (uint8_t)c };
        card(m, close_cmd, sizeof close_cmd, r);
        return sw;
    }
    *sel_len = n - 2;
    memcpy(sel, r, n - 2);
    *ch = c;
    return 0;
}

static void write_frame(struct sim_mbim *m, struct conn *c, const uint8_t *f, size_t n)
{
    size_t first = m->o.split ? n / 2 : n;
    if (esimlpa__qmi_write(c->fd, f, first, esimlpa__mono_ms() + 2000) != 0)
        return;
    if (first < n) {
        struct timespec ts = { 0, 2 * 1000000L };
        nanosleep(&ts, NULL);
        esimlpa__qmi_write(c->fd, f + first, n - first, esimlpa__mono_ms() + 2000);
    }
}

/* Send m->b as a COMMAND_DONE (or indication) in fragments. */
static void send_done(struct sim_mbim *m, struct conn *c, uint32_t type, uint32_t tid,
                      const uint8_t *uuid, uint32_t cid, uint32_t status)
{
    uint8_t f[MBIM_MAX_CONTROL];
    size_t max = c->max_xfer && c->max_xfer < sizeof f ? c->max_xfer : sizeof f;
    if (m->o.fragment && m->o.fragment < max)
        max = m->o.fragment;
    size_t n;
    for (uint32_t i = 0; (n = esimlpa__mbim_fragment(&m->b, type, tid, uuid, cid, status, max, i,
                                                      f)) > 0; i++) {
        m->st.fragments_out++;
        write_frame(m, c, f, n);
    }
}

static void simple(struct sim_mbim *m, struct conn *c, uint32_t type, uint32_t tid, uint32_t w)
{
    uint8_t f[16];
    size_t n = esimlpa__mbim_simple(type, tid, 1, w, f);
    write_frame(m, c, f, n);
}

/* An MBIM string (offset, size; UTF-16LE) at the pair slot @at. */
static void put_string(struct mbim_builder *b, size_t at, const char *s)
{
    uint8_t u[128] = { 0 };
    size_t n = strlen(s);
    if (n > 64)
        n = 64;
    for (size_t i = 0; i < n && i < 64; i++) {
        u[2 * i] = (uint8_t)s[i];
        u[2 * i + 1] = 0;
    }
    size_t off = esimlpa__mbim_info_data(b, u, 2 * n);
    esimlpa__mbim_info_set32(b, at, n ? (uint32_t)off : 0);
    esimlpa__mbim_info_set32(b, at + 4, (uint32_t)(2 * n));
}

static uint32_t basic_connect(struct sim_mbim *m, const struct mbim_msg *req)
{
    struct mbim_builder *b = &m->b;
    if (req->cid == MBIM_CID_DEVICE_CAPS && req->cmd_type_or_status == MBIM_CMD_QUERY) {
        m->st.device_caps++;
        /* MBIM_DEVICE_CAPS_INFO: eight u32, then four strings. */
        static const uint32_t words[] = { 1 /* embedded */, 1 /* GSM */, 1 /* no voice */,
                                          2 /* removable SIM */, 0x1F, 0, 0, 1 };
        for (size_t i = 0; i < 8; i++)
            esimlpa__mbim_info_u32(b, words[i]);
        size_t s[4];
        for (size_t i = 0; i < 4; i++) {
            s[i] = esimlpa__mbim_info_slot(b);
            esimlpa__mbim_info_slot(b);
        }
        put_string(b, s[0], "");
        put_string(b, s[1], "357000000000001");
        put_string(b, s[2], "esimlpa-sim-mbim 1");
        put_string(b, s[3], "simulated");
        return MBIM_STATUS_SUCCESS;
    }
    if (req->cid == MBIM_CID_SUBSCRIBER_READY_STATUS && req->cmd_type_or_status == MBIM_CMD_QUERY) {
        int ready = esimlpa__mono_ms() >= m->not_ready_until &&
                    m->mapped + 1 == (m->o.euicc_slot ? m->o.euicc_slot : 1);
        esimlpa__mbim_info_u32(b, ready ? 1 /* initialized */ : 0 /* not initialized */);
        size_t sub = esimlpa__mbim_info_slot(b);
        esimlpa__mbim_info_slot(b);
        size_t icc = esimlpa__mbim_info_slot(b);
        esimlpa__mbim_info_slot(b);
        esimlpa__mbim_info_u32(b, 0);   /* ReadyInfo */
        esimlpa__mbim_info_u32(b, 0);   /* no telephone numbers */
        put_string(b, sub, "");
        put_string(b, icc, "");
        return MBIM_STATUS_SUCCESS;
    }
    return MBIM_STATUS_NO_DEVICE_SUPPORT;
}

static uint32_t slot_mappings(struct sim_mbim *m, const struct mbim_msg *req)
{
    struct mbim_builder *b = &m->b;
    unsigned slots = m->o.slots ? m->o.slots : 2;
    if (slots < 2)
        return MBIM_STATUS_NO_DEVICE_SUPPORT;
    if (req->cmd_type_or_status == MBIM_CMD_SET) {
        uint32_t count, slot;
        const uint8_t *p;
        uint32_t n;
        if (esimlpa__mbim_field_u32(req, 0, &count) != 0 || count != 1 ||
            esimlpa__mbim_field_bytes(req, 4, 0, &p, &n) != 0 || n != 4)
            return MBIM_STATUS_INVALID_PARAMETERS;
        slot = mbim_get32(p);
        if (slot >= slots)
            return MBIM_STATUS_INVALID_PARAMETERS;
        m->st.slot_map_set++;
        if (slot != m->mapped) {
            m->mapped = slot;
            for (unsigned ch = 1; ch <= MAX_CHANNEL; ch++)
                m->channel_open[ch] = 0;
            softeuicc_reset(m->se);
            m->not_ready_until = esimlpa__mono_ms() + m->o.settle_ms;
            vlog(m, "executor 0 mapped to slot %u", slot);
        }
    }
    esimlpa__mbim_info_u32(b, 1);
    size_t at = esimlpa__mbim_info_slot(b);
    esimlpa__mbim_info_u32(b, 4);
    size_t off = esimlpa__mbim_info_data(b, (uint8_t[4]){ (uint8_t)m->mapped, 0, 0, 0 }, 4);
    esimlpa__mbim_info_set32(b, at, (uint32_t)off);
    return MBIM_STATUS_SUCCESS;
}

/* The card is there: mapped slot holds the eUICC and it has settled. */
static uint32_t card_ready(struct sim_mbim *m)
{
    if (esimlpa__mono_ms() < m->not_ready_until)
        return MBIM_STATUS_NOT_INITIALIZED;
    if (m->mapped + 1 != (m->o.euicc_slot ? m->o.euicc_slot : 1))
        return MBIM_STATUS_SIM_NOT_INSERTED;
    return MBIM_STATUS_SUCCESS;
}

static uint32_t uicc(struct sim_mbim *m, const struct mbim_msg *req)
{
    struct mbim_builder *b = &m->b;
    if (req->cmd_type_or_status != MBIM_CMD_SET)
        return MBIM_STATUS_NO_DEVICE_SUPPORT;
    uint32_t st = card_ready(m);
    const uint8_t *p;
    uint32_t n, a, c2, d;
    if (req->cid == MBIM_CID_UICC_OPEN_CHANNEL) {
        m->st.open_channel++;
        if (st != MBIM_STATUS_SUCCESS)
            return st;
        if (esimlpa__mbim_field_bytes(req, 0, 1, &p, &n) != 0 || n < 1 || n > 16 ||
            esimlpa__mbim_field_u32(req, 8, &a) != 0 || esimlpa__mbim_field_u32(req, 12, &c2) != 0)
            return MBIM_STATUS_INVALID_PARAMETERS;
        if (m->o.strict_p2 && a != 0x0C) {
            vlog(m, "strict-p2: refusing SelectP2Arg 0x%02X", (unsigned)a);
            esimlpa__mbim_info_u32(b, status_field(0x6A86));
            esimlpa__mbim_info_u32(b, 0);
            esimlpa__mbim_info_u32(b, 0);
            esimlpa__mbim_info_u32(b, 0);
            return MBIM_STATUS_MS_SELECT_FAILED;
        }
        unsigned ch = 0;
        uint8_t sel[300];
        size_t sl = 0;
        unsigned sw = card_open_channel(m, p, n, a, &ch, sel, &sl);
        if (sw == 0x6A81 || sw == 0x6881)
            return MBIM_STATUS_MS_NO_LOGICAL_CHANNELS;
        if (!sw && m->o.select_61xx) {
            /* The modem sent the SELECT without Le: the card announced its
             * FCI (61xx) and the modem passed that on, with no data. */
            esimlpa__mbim_info_u32(b, status_field(0x6100 | (unsigned)(sl & 0xFF)));
            esimlpa__mbim_info_u32(b, ch);
            esimlpa__mbim_info_u32(b, 0);
            esimlpa__mbim_info_u32(b, 0);
            m->channel_open[ch] = 1;
            vlog(m, "opened channel %u, answered SW 61%02X", ch, (unsigned)(sl & 0xFF));
            return MBIM_STATUS_SUCCESS;
        }
        esimlpa__mbim_info_u32(b, status_field(sw ? sw : 0x9000));
        esimlpa__mbim_info_u32(b, ch);
        size_t pair = esimlpa__mbim_info_slot(b);
        esimlpa__mbim_info_slot(b);
        if (sw)
            return MBIM_STATUS_MS_SELECT_FAILED;
        size_t off = esimlpa__mbim_info_data(b, sel, sl);
        esimlpa__mbim_info_set32(b, pair, (uint32_t)sl);
        esimlpa__mbim_info_set32(b, pair + 4, sl ? (uint32_t)off : 0);
        m->channel_open[ch] = 1;
        vlog(m, "opened channel %u (P2 %02X)", ch, (unsigned)a);
        return MBIM_STATUS_SUCCESS;
    }
    if (req->cid == MBIM_CID_UICC_CLOSE_CHANNEL) {
        m->st.close_channel++;
        if (esimlpa__mbim_field_u32(req, 0, &a) != 0)
            return MBIM_STATUS_INVALID_PARAMETERS;
        if (a < 1 || a > MAX_CHANNEL || !m->channel_open[a])
            return MBIM_STATUS_MS_INVALID_LOGICAL_CHANNEL;
        uint8_t r[8];
        uint8_t cmd[4] = { 0x00, 0x70, 0x80, (uint8_t)a };
        card(m, cmd, sizeof cmd, r);
        m->channel_open[a] = 0;
        esimlpa__mbim_info_u32(b, status_field(0x9000));
        return MBIM_STATUS_SUCCESS;
    }
    if (req->cid == MBIM_CID_UICC_APDU) {
        m->st.apdu++;
        if (m->o.hang_after && m->st.apdu >= m->o.hang_after) {
            m->hung = 1;
            return 0;
        }
        if (st != MBIM_STATUS_SUCCESS)
            return st;
        if (esimlpa__mbim_field_u32(req, 0, &a) != 0 || esimlpa__mbim_field_u32(req, 4, &c2) != 0 ||
            esimlpa__mbim_field_u32(req, 8, &d) != 0 ||
            esimlpa__mbim_field_bytes(req, 12, 1, &p, &n) != 0 || n < 4 || n > 261)
            return MBIM_STATUS_INVALID_PARAMETERS;
        if (a > MAX_CHANNEL || (a && !m->channel_open[a]))
            return MBIM_STATUS_MS_INVALID_LOGICAL_CHANNEL;
        if (d > MBIM_CLASS_BYTE_EXTENDED ||
            (m->o.strict_class && d != ((p[0] & 0x80) ? 1u : 0u))) {
            vlog(m, "strict-class: ClassByteType %u on channel %u", (unsigned)d, (unsigned)a);
            return MBIM_STATUS_INVALID_PARAMETERS;
        }
        uint8_t cmd[261];
        memcpy(cmd, p, n);
        cmd[0] = cla_built(d, a);   /* the modem builds the CLA */
        uint8_t r[300];
        size_t rl = card(m, cmd, n, r);
        if (rl < 2)
            return MBIM_STATUS_FAILURE;
        esimlpa__mbim_info_u32(b, status_field(sw_of(r, rl)));
        size_t pair = esimlpa__mbim_info_slot(b);
        esimlpa__mbim_info_slot(b);
        size_t off = esimlpa__mbim_info_data(b, r, rl - 2);
        esimlpa__mbim_info_set32(b, pair, (uint32_t)(rl - 2));
        esimlpa__mbim_info_set32(b, pair + 4, rl > 2 ? (uint32_t)off : 0);
        if (m->o.garble && m->st.apdu == m->o.garble)
            esimlpa__mbim_info_set32(b, pair, (uint32_t)(rl - 2 + 16));   /* runs past the buffer */
        return MBIM_STATUS_SUCCESS;
    }
    return MBIM_STATUS_NO_DEVICE_SUPPORT;
}

static uint32_t proxy_config(struct sim_mbim *m, struct conn *c, const struct mbim_msg *req)
{
    m->st.proxy_config++;
    const uint8_t *p;
    uint32_t n;
    if (!c->is_proxy || esimlpa__mbim_field_bytes(req, 0, 0, &p, &n) != 0)
        return MBIM_STATUS_NO_DEVICE_SUPPORT;
    size_t dl = strlen(m->dev);
    if (n != 2 * dl)
        return MBIM_STATUS_INVALID_PARAMETERS;
    for (size_t i = 0; i < dl; i++)
        if (p[2 * i] != (uint8_t)m->dev[i] || p[2 * i + 1] != 0)
            return MBIM_STATUS_INVALID_PARAMETERS;
    c->configured = 1;
    return MBIM_STATUS_SUCCESS;
}

static void handle(struct sim_mbim *m, struct conn *c, const struct mbim_msg *req)
{
    if (m->hung)
        return;
    vlog(m, "message 0x%08X tid %u cid %u", (unsigned)req->type, (unsigned)req->tid,
         (unsigned)req->cid);
    if (req->type == MBIM_OPEN_MSG) {
        m->st.open++;
        c->opened = 1;
        c->max_xfer = req->cmd_type_or_status;
        simple(m, c, MBIM_OPEN_DONE, req->tid, MBIM_STATUS_SUCCESS);
        return;
    }
    if (req->type == MBIM_CLOSE_MSG) {
        m->st.close++;
        c->opened = 0;
        simple(m, c, MBIM_CLOSE_DONE, req->tid, MBIM_STATUS_SUCCESS);
        return;
    }
    if (req->type != MBIM_COMMAND_MSG) {
        m->st.refused++;
        return;
    }
    esimlpa__mbim_info_reset(&m->b);
    uint32_t st;
    if (memcmp(req->uuid, esimlpa__mbim_uuid_proxy_control, 16) == 0) {
        st = proxy_config(m, c, req);
    } else if (!c->opened || (c->is_proxy && !c->configured)) {
        simple(m, c, MBIM_FUNCTION_ERROR_MSG, req->tid, MBIM_ERR_NOT_OPENED);
        return;
    } else if (memcmp(req->uuid, esimlpa__mbim_uuid_basic_connect, 16) == 0) {
        st = basic_connect(m, req);
    } else if (memcmp(req->uuid, esimlpa__mbim_uuid_ms_uicc_lla, 16) == 0) {
        st = uicc(m, req);
        if (m->hung)
            return;
    } else if (memcmp(req->uuid, esimlpa__mbim_uuid_ms_basic_connect_ext, 16) == 0 &&
               req->cid == MBIM_CID_MS_DEVICE_SLOT_MAPPINGS) {
        st = slot_mappings(m, req);
    } else {
        st = MBIM_STATUS_NO_DEVICE_SUPPORT;
    }
    if (m->o.indications) {
        /* A subscriber ready status indication, as modems send unasked. */
        struct mbim_builder save = m->b;
        esimlpa__mbim_info_reset(&m->b);
        esimlpa__mbim_info_u32(&m->b, 1);
        for (int i = 0; i < 6; i++)
            esimlpa__mbim_info_u32(&m->b, 0);
        send_done(m, c, MBIM_INDICATE_STATUS_MSG, 0, esimlpa__mbim_uuid_basic_connect,
                  MBIM_CID_SUBSCRIBER_READY_STATUS, 0);
        m->b = save;
    }
    if (st != MBIM_STATUS_SUCCESS && m->b.info_len == 0)
        esimlpa__mbim_info_reset(&m->b);
    send_done(m, c, MBIM_COMMAND_DONE, req->tid, req->uuid, req->cid, st);
}

static void drain(struct sim_mbim *m, struct conn *c)
{
    for (;;) {
        long need = esimlpa__mbim_frame_size(c->buf, c->len, sizeof c->buf);
        if (need < 0) {
            m->st.refused++;
            vlog(m, "framing lost (%s): dropping %zu bytes",
                 esimlpa__mbim_codec_strerror((int)need), c->len);
            c->len = 0;
            return;
        }
        if (need == 0 || c->len < (size_t)need)
            return;
        m->st.frames++;
        struct mbim_msg req;
        int r = esimlpa__mbim_reasm_feed(&c->ra, c->buf, (size_t)need, &req);
        if (r < 0) {
            m->st.refused++;
            uint32_t tid = c->len >= 12 ? mbim_get32(c->buf + 8) : 0;
            simple(m, c, MBIM_FUNCTION_ERROR_MSG, tid,
                   r == MBIM_CODEC_FRAGMENT ? MBIM_ERR_FRAGMENT_OUT_OF_SEQUENCE
                                            : MBIM_ERR_LENGTH_MISMATCH);
        } else if (r == 1) {
            handle(m, c, &req);
        }
        memmove(c->buf, c->buf + need, c->len - (size_t)need);
        c->len -= (size_t)need;
    }
}

int sim_mbim_open(const struct sim_mbim_options *opts, struct softeuicc *se,
                  struct sim_mbim **out, char *dev, size_t dev_len)
{
    struct sim_mbim *m = calloc(1, sizeof *m);
    if (!m)
        return -1;
    m->o = *opts;
    m->se = se;
    m->listen_fd = -1;
    m->slave = -1;
    for (int i = 0; i < MAX_CONN; i++)
        m->c[i].fd = -1;
    m->mapped = 0;   /* executor 0 starts on slot 1 */
    m->master = posix_openpt(O_RDWR | O_NOCTTY);
    if (m->master < 0 || grantpt(m->master) != 0 || unlockpt(m->master) != 0) {
        perror("sim-mbim: posix_openpt");
        goto fail;
    }
    const char *name = ptsname(m->master);
    if (!name || strlen(name) >= sizeof m->dev || strlen(name) >= dev_len) {
        fprintf(stderr, "sim-mbim: ptsname failed\n");
        goto fail;
    }
    snprintf(m->dev, sizeof m->dev, "%s", name);
    snprintf(dev, dev_len, "%s", name);
    m->slave = open(name, O_RDWR | O_NOCTTY);
    if (m->slave < 0) {
        perror("sim-mbim: open slave");
        goto fail;
    }
    struct termios tio;
    if (tcgetattr(m->slave, &tio) == 0) {
        cfmakeraw(&tio);
        tcsetattr(m->slave, TCSANOW, &tio);
    }
    m->c[0].fd = m->master;
    if (opts->proxy) {
        /* libmbim's mbim-proxy address (only inside a private network namespace). */
        static const char pname[] = "mbim-proxy";
        struct sockaddr_un sa;
        memset(&sa, 0, sizeof sa);
        sa.sun_family = AF_UNIX;
        memcpy(sa.sun_path + 1, pname, sizeof pname - 1);
        socklen_t sl = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + sizeof pname - 1);
        m->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (m->listen_fd < 0 || bind(m->listen_fd, (struct sockaddr *)&sa, sl) != 0 ||
            listen(m->listen_fd, 8) != 0) {
            perror("sim-mbim: mbim-proxy socket");
            goto fail;
        }
    }
    softeuicc_reset(se);
    /* Channels the modem's own stack holds (pushes ours to 4 and up). */
    for (unsigned i = 1; i < opts->first_channel && i <= MAX_CHANNEL; i++) {
        uint8_t r[8];
        static const uint8_t mc_open[] = { 0x00, 0x70, 0x00, 0x00, 0x01 };
        card(m, mc_open, sizeof mc_open, r);
    }
    *out = m;
    return 0;
fail:
    sim_mbim_close(m);
    return -1;
}

int sim_mbim_run(struct sim_mbim *m, volatile int *stop)
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
                    memset(&m->c[slot], 0, sizeof m->c[slot]);
                    m->c[slot].fd = fd;
                    m->c[slot].is_proxy = 1;
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
                struct timespec ts = { 0, 20 * 1000000L };
                nanosleep(&ts, NULL);
                continue;
            }
            c->len += (size_t)r;
            drain(m, c);
        }
    }
    return 0;
}

void sim_mbim_get_stats(const struct sim_mbim *m, struct sim_mbim_stats *out)
{
    *out = m->st;
}

void sim_mbim_close(struct sim_mbim *m)
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
