/* SPDX-License-Identifier: MIT */
/* Metering APDU transport (apdu_meter.h). Command classes per ISO 7816-4 and
 * SGP.22 notes §3: 70 MANAGE CHANNEL, A4 SELECT, E2 STORE DATA (P1 b8 set on
 * the last block, P2 block number), C0 GET RESPONSE after 61xx. */
#define _GNU_SOURCE   /* mremap */
#include "apdu_meter.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The meter's own records (the captured BF36 and the command list) live in
 * mmap'd memory, outside the malloc heap the heap column measures: they are
 * the benchmark's, not the LPA's (a 1 MB BPP would otherwise add ~2 MB). */
static int grow_bytes(void **p, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 4096;
    while (c < need)
        c *= 2;
    void *q = *p ? mremap(*p, *cap, c, MREMAP_MAYMOVE)
                 : mmap(NULL, c, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (q == MAP_FAILED)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

static int grow(uint8_t **p, size_t *cap, size_t need)
{
    void *v = *p;
    int rc = grow_bytes(&v, cap, need);
    *p = v;
    return rc;
}

static void unmap(void *p, size_t cap)
{
    if (p)
        munmap(p, cap);
}

unsigned es10_min_apdus(size_t req_len, size_t resp_len)
{
    unsigned n = (unsigned)((req_len + 254) / 255);
    if (resp_len > 256)
        n += (unsigned)((resp_len - 1) / 256);
    return n;
}

static unsigned first_tag(const uint8_t *p, size_t n)
{
    if (n == 0)
        return 0;
    if ((p[0] & 0x1F) == 0x1F && n >= 2)
        return (unsigned)p[0] << 8 | p[1];
    return p[0];
}

static void finish_cmd(struct apdu_meter *m)
{
    struct es10_cmd c = m->cur;
    c.req_len = m->req_len;
    c.tag = first_tag(m->req, m->req_len);
    if (c.tag == 0xBF36) {           /* the first LoadBoundProfilePackage command */
        m->bpp_on = 1;
        m->bpp_len = 0;
    }
    c.bpp = m->bpp_on;
    if (m->bpp_on && grow(&m->bpp, &m->bpp_cap, m->bpp_len + m->req_len) == 0) {
        memcpy(m->bpp + m->bpp_len, m->req, m->req_len);
        m->bpp_len += m->req_len;
    }
    /* The ProfileInstallationResult (BF37) ends the sequence. */
    if (m->bpp_on && c.resp_len >= 2 && m->resp_head[0] == 0xBF && m->resp_head[1] == 0x37) {
        m->bpp_on = 0;
        m->bpp_done = 1;
    }
    if (m->n_cmds == m->cap_cmds) {
        void *v = m->cmds;
        size_t bytes = m->cap_cmds * sizeof *m->cmds;
        if (grow_bytes(&v, &bytes, (m->n_cmds + 1) * sizeof *m->cmds) != 0)
            return;
        m->cmds = v;
        m->cap_cmds = bytes / sizeof *m->cmds;
    }
    m->cmds[m->n_cmds++] = c;
}

static int meter_transmit(void *user, const uint8_t *cmd, size_t cmd_len, uint8_t *resp,
                          size_t *resp_len)
{
    struct apdu_meter *m = user;
    uint8_t ins = cmd_len >= 2 ? cmd[1] : 0;
    int store_last = 0;

    m->apdus++;
    m->bytes_sent += cmd_len;
    switch (ins) {
    case 0x70: m->manage_channel++; m->pending = 0; break;
    case 0xA4: m->select++; m->pending = 2; break;
    case 0xC0:
        m->get_response++;
        if (m->pending == 1)
            m->cur.apdus++;
        else if (m->pending == 2)
            m->select_get_responses++;
        break;
    case 0xE2:
        m->store_data++;
        if (cmd_len >= 5 && cmd[3] == 0) {       /* block 0: a new command */
            memset(&m->cur, 0, sizeof m->cur);
            m->req_len = 0;
        }
        if (cmd_len >= 5 && grow(&m->req, &m->req_cap, m->req_len + cmd[4]) == 0 &&
            cmd_len >= 5u + cmd[4]) {
            memcpy(m->req + m->req_len, cmd + 5, cmd[4]);
            m->req_len += cmd[4];
        }
        m->cur.apdus++;
        store_last = cmd_len >= 3 && (cmd[2] & 0x80);
        m->pending = 0;
        break;
    default: m->other++; m->pending = 0; break;
    }

    double t0 = now_ms();
    int rc = m->inner->transmit(m->inner->user, cmd, cmd_len, resp, resp_len);
    m->card_ms += now_ms() - t0;
    if (rc != 0 || *resp_len < 2)
        return rc;
    m->bytes_received += *resp_len;

    size_t data = *resp_len - 2;
    uint8_t sw1 = resp[*resp_len - 2];
    if (store_last) {
        m->pending = 1;
        m->cur.resp_len = 0;
    }
    if (m->pending == 1 && (store_last || ins == 0xC0)) {
        if (m->cur.resp_len == 0 && data >= 2)
            memcpy(m->resp_head, resp, 2);
        m->cur.resp_len += data;
        if (sw1 != 0x61) {
            finish_cmd(m);
            m->pending = 0;
        }
    } else if (m->pending == 2 && sw1 != 0x61) {
        m->pending = 0;
    }
    return rc;
}

static int meter_connect(void *user)
{
    struct apdu_meter *m = user;
    return m->inner->connect ? m->inner->connect(m->inner->user) : 0;
}

static void meter_disconnect(void *user)
{
    struct apdu_meter *m = user;
    if (m->inner->disconnect)
        m->inner->disconnect(m->inner->user);
}

void apdu_meter_init(struct apdu_meter *m, struct esimlpa_apdu_transport *inner)
{
    memset(m, 0, sizeof *m);
    m->inner = inner;
    m->tr.version = ESIMLPA_APDU_TRANSPORT_VERSION;
    m->tr.user = m;
    m->tr.connect = meter_connect;
    m->tr.disconnect = meter_disconnect;
    m->tr.transmit = meter_transmit;
}

void apdu_meter_clear(struct apdu_meter *m)
{
    unmap(m->cmds, m->cap_cmds * sizeof *m->cmds);
    unmap(m->req, m->req_cap);
    unmap(m->bpp, m->bpp_cap);
    memset(m, 0, sizeof *m);
}
