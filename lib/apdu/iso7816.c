/* SPDX-License-Identifier: MIT */
/*
 * ISO 7816-4 logic under the ES10 layer (SGP.22 notes §3): logical channel,
 * SELECT ISD-R, STORE DATA segmentation, GET RESPONSE chaining, status words.
 */
#include "apdu_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util_internal.h"

#define CMD_MAX (5 + 255 + 1)       /* short APDU: header, Lc, data, Le */
#define MAX_STORE_DATA_BLOCKS 256   /* P2 is one byte (as euicc-go) */
#define MAX_GET_RESPONSES 4096      /* a card answering 61xx forever */
#define MAX_RESENDS 3               /* a card answering 6Cxx forever */
#define MAX_CHANNEL 19

/* ISD-R AID, SGP.22 notes §3.1 (ESIMLPA_ISDR_AID_HEX). */
static const uint8_t isdr_aid[16] = {
    0xA0, 0x00, 0x00, 0x05, 0x59, 0x10, 0x10, 0xFF,
    0xFF, 0xFF, 0xFF, 0x89, 0x00, 0x00, 0x01, 0x00,
};

/* CLA coding of a logical channel (ISO 7816-4 §5.4.1, SGP.22 notes §3.1 and
 * pitfall 2): channels 0..3 in b2b1, channels 4..19 as 0x40 | (ch - 4). */
static uint8_t cla_for_channel(uint8_t cla, uint8_t ch)
{
    if (ch <= 3)
        return (uint8_t)((cla & 0x9C) | ch);
    return (uint8_t)((cla & 0xB0) | 0x40 | ((ch - 4) & 0x0F));
}

int esimlpa__sw_to_error(uint16_t sw)
{
    if (sw == 0x9000 || (sw >> 8) == 0x91)
        return ESIMLPA_OK;
    switch (sw) {
    case 0x6A81: return ESIMLPA_ENOCHANNEL;
    case 0x6A82: return ESIMLPA_ESW_NOT_FOUND;
    case 0x6700: return ESIMLPA_ESW_WRONG_LENGTH;
    case 0x6A80: return ESIMLPA_ESW_WRONG_DATA;
    case 0x6985: return ESIMLPA_ESW_CONDITIONS;
    case 0x6D00: return ESIMLPA_ESW_INS_UNSUPPORTED;
    case 0x6E00: return ESIMLPA_ESW_CLA_UNSUPPORTED;
    case 0x6A86:
    case 0x6B00: return ESIMLPA_ESW_WRONG_P1P2;
    case 0x6F00: return ESIMLPA_ESW_TECHNICAL;
    case 0x6982: return ESIMLPA_ESW_SECURITY;
    case 0x6581:
    case 0x6A84: return ESIMLPA_ESW_MEMORY;
    default: return ESIMLPA_ESW;
    }
}

/* Generic ISO 7816-4 meaning of a status word, for error texts. */
static const char *sw_text(uint16_t sw)
{
    switch (sw) {
    case 0x6A81: return "function not supported / no channel available";
    case 0x6A82: return "not found";
    case 0x6700: return "wrong length";
    case 0x6A80: return "wrong data";
    case 0x6985: return "conditions of use not satisfied";
    case 0x6D00: return "instruction not supported";
    case 0x6E00: return "class not supported";
    case 0x6A86: return "incorrect P1-P2";
    case 0x6B00: return "wrong parameters P1-P2";
    case 0x6F00: return "technical problem";
    case 0x6982: return "security status not satisfied";
    case 0x6581: return "memory failure";
    case 0x6A84: return "not enough memory";
    case 0x6601: return "transport or checksum error (try a smaller STORE DATA size)";
    default: return "unexpected status word";
    }
}

static int sw_fail(esimlpa_ctx *ctx, const char *step, uint16_t sw)
{
    return esimlpa__fail(ctx, esimlpa__sw_to_error(sw), "%s: status word %04X (%s)", step,
                         (unsigned)sw, sw_text(sw));
}

static void trace(esimlpa_ctx *ctx, char dir, const uint8_t *p, size_t n)
{
    if (!ctx->trace_apdu || !ctx->log || ctx->log_level < ESIMLPA_LOG_TRACE)
        return;
    if (ctx->trace_redact) {
        /* Command: CLA INS P1 P2 Lc; response: the status word only. */
        size_t keep = dir == '>' ? (n < 5 ? n : 5) : (n < 2 ? n : 2);
        char head[11];
        if (esimlpa__hex_encode(dir == '>' ? p : p + n - keep, keep, head, sizeof head) !=
            ESIMLPA_OK)
            return;
        esimlpa__log(ctx, ESIMLPA_LOG_TRACE, "%c %s <%zu bytes redacted: %s>", dir, head,
                     n - keep, ctx->trace_redact);
        return;
    }
    char hex[2 * CMD_MAX + 1];
    if (esimlpa__hex_encode(p, n, hex, sizeof hex) != ESIMLPA_OK)
        return;
    esimlpa__log(ctx, ESIMLPA_LOG_TRACE, "%c %s", dir, hex);
}

/* A growing response buffer, capped at ESIMLPA_ES10_MAX_RESPONSE. */
struct rbuf {
    uint8_t *p;
    size_t len, cap;
};

static int rbuf_append(esimlpa_ctx *ctx, const char *step, struct rbuf *b, const uint8_t *data,
                       size_t n)
{
    if (n == 0)
        return ESIMLPA_OK;
    if (n > ESIMLPA_ES10_MAX_RESPONSE - b->len)
        return esimlpa__fail(ctx, ESIMLPA_ETOOBIG, "%s: response larger than %u bytes", step,
                             (unsigned)ESIMLPA_ES10_MAX_RESPONSE);
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 512;
        while (cap < b->len + n)
            cap *= 2;
        if (cap > ESIMLPA_ES10_MAX_RESPONSE)
            cap = ESIMLPA_ES10_MAX_RESPONSE;
        uint8_t *p = realloc(b->p, cap);
        if (!p)
            return esimlpa__fail(ctx, ESIMLPA_ENOMEM, "%s: out of memory", step);
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
    return ESIMLPA_OK;
}

/* One command APDU through the transport, with counters, trace and last_sw. */
static int xmit(esimlpa_ctx *ctx, const char *step, const uint8_t *cmd, size_t cmd_len,
                uint8_t *resp, size_t *resp_len)
{
    size_t cap = *resp_len;
    trace(ctx, '>', cmd, cmd_len);
    ctx->stats.apdus++;
    ctx->stats.bytes_sent += cmd_len;
    int rc = ctx->tr->transmit(ctx->tr->user, cmd, cmd_len, resp, resp_len);
    if (rc != ESIMLPA_OK) {
        if (rc > 0)
            rc = ESIMLPA_ETRANSPORT;
        /* A pulled card, or one that stopped answering: nothing more is sent
         * on this session (not even the channel close). */
        if (rc == ESIMLPA_ECARDREMOVED || rc == ESIMLPA_ENOCARD || rc == ESIMLPA_ETIMEOUT)
            ctx->card_gone = 1;
        return esimlpa__fail(ctx, rc, "%s: %s", step, esimlpa_strerror(rc));
    }
    if (*resp_len > cap)
        return esimlpa__fail(ctx, ESIMLPA_ETRANSPORT,
                             "%s: transport returned %zu bytes into a %zu-byte buffer", step,
                             *resp_len, cap);
    if (*resp_len < 2)
        return esimlpa__fail(ctx, ESIMLPA_EDECODE, "%s: truncated response (%zu bytes)", step,
                             *resp_len);
    ctx->stats.bytes_received += *resp_len;
    ctx->last_sw = (uint16_t)(resp[*resp_len - 2] << 8 | resp[*resp_len - 1]);
    trace(ctx, '<', resp, *resp_len);
    return ESIMLPA_OK;
}

/* Set (or replace) the Le byte of a short command APDU. */
static int set_le(uint8_t *cmd, size_t *len, uint8_t le)
{
    if (*len == 4) {                        /* case 1 -> case 2 */
        cmd[(*len)++] = le;
    } else if (*len == 5) {                 /* case 2 */
        cmd[4] = le;
    } else if (*len == 5u + cmd[4] && *len < CMD_MAX) { /* case 3 -> case 4 */
        cmd[(*len)++] = le;
    } else if (*len == 6u + cmd[4]) {       /* case 4 */
        cmd[*len - 1] = le;
    } else {
        return ESIMLPA_EINTERNAL;
    }
    return ESIMLPA_OK;
}

/*
 * Send one command and collect its whole response into @acc: 61xx is followed
 * by GET RESPONSE (same CLA as the command, so 8x for STORE DATA; 00 = 256
 * bytes), 6Cxx by a resend with Le = xx (SGP.22 notes §3.3). *sw_out gets the
 * final status word; mapping it to an error is left to the caller.
 */
static int exchange(esimlpa_ctx *ctx, const char *step, const uint8_t *cmd, size_t cmd_len,
                    struct rbuf *acc, uint16_t *sw_out)
{
    uint8_t cur[CMD_MAX];
    uint8_t resp[ESIMLPA_APDU_MAX_RESPONSE];
    char step_gr[160];
    const char *cur_step = step;
    size_t cur_len = cmd_len;
    unsigned resends = 0, get_responses = 0;

    if (cmd_len < 4 || cmd_len > sizeof cur)
        return esimlpa__fail(ctx, ESIMLPA_EINTERNAL, "%s: bad command length %zu", step, cmd_len);
    memcpy(cur, cmd, cmd_len);
    snprintf(step_gr, sizeof step_gr, "%s, GET RESPONSE", step);

    for (;;) {
        size_t rlen = sizeof resp;
        int rc = xmit(ctx, cur_step, cur, cur_len, resp, &rlen);
        if (rc != ESIMLPA_OK)
            return rc;
        uint8_t sw1 = resp[rlen - 2], sw2 = resp[rlen - 1];

        if (sw1 == 0x6C) {
            /* Wrong Le: resend the same command with Le = SW2. */
            if (++resends > MAX_RESENDS)
                return esimlpa__fail(ctx, ESIMLPA_ESW, "%s: status word %02X%02X repeated",
                                     cur_step, sw1, sw2);
            if (set_le(cur, &cur_len, sw2) != ESIMLPA_OK)
                return esimlpa__fail(ctx, ESIMLPA_EINTERNAL, "%s: cannot set Le", cur_step);
            continue;
        }
        resends = 0;
        rc = rbuf_append(ctx, step, acc, resp, rlen - 2);
        if (rc != ESIMLPA_OK)
            return rc;
        if (sw1 == 0x61) {
            if (++get_responses > MAX_GET_RESPONSES)
                return esimlpa__fail(ctx, ESIMLPA_ESW, "%s: too many 61xx status words", step);
            cur[0] = cmd[0];
            cur[1] = 0xC0;
            cur[2] = 0x00;
            cur[3] = 0x00;
            cur[4] = sw2;
            cur_len = 5;
            cur_step = step_gr;
            ctx->stats.get_responses++;
            continue;
        }
        *sw_out = (uint16_t)(sw1 << 8 | sw2);
        return ESIMLPA_OK;
    }
}

int esimlpa__es10_transceive(esimlpa_ctx *ctx, const char *what, const uint8_t *req,
                             size_t req_len, uint8_t **resp, size_t *resp_len)
{
    if (resp)
        *resp = NULL;
    if (resp_len)
        *resp_len = 0;
    if (!ctx)
        return ESIMLPA_EINVAL;
    if (!what)
        what = "ES10";
    if (!req || req_len == 0 || !resp || !resp_len)
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "%s: empty request", what);
    if (!ctx->open)
        return esimlpa__fail(ctx, ESIMLPA_ESTATE, "%s: context not open", what);

    size_t mss = (ctx->mss >= 1 && ctx->mss <= 255) ? ctx->mss : 255;
    size_t blocks = req_len / mss + (req_len % mss != 0);
    if (blocks > MAX_STORE_DATA_BLOCKS)
        return esimlpa__fail(ctx, ESIMLPA_ETOOLONG,
                             "%s: request of %zu bytes needs %zu STORE DATA blocks (max %u)",
                             what, req_len, blocks, (unsigned)MAX_STORE_DATA_BLOCKS);

    char step[128];
    snprintf(step, sizeof step, "STORE DATA (%s)", what);
    const uint8_t cla = cla_for_channel(0x80, ctx->channel);
    struct rbuf acc = { NULL, 0, 0 };
    int rc = ESIMLPA_OK;

    for (size_t i = 0; i < blocks; i++) {
        size_t off = i * mss;
        size_t n = req_len - off < mss ? req_len - off : mss;
        uint8_t cmd[CMD_MAX];
        /* SGP.22 notes §3.2: P1 0x11 more blocks, 0x91 last block; P2 block number. */
        cmd[0] = cla;
        cmd[1] = 0xE2;
        cmd[2] = (i + 1 == blocks) ? 0x91 : 0x11;
        cmd[3] = (uint8_t)i;
        cmd[4] = (uint8_t)n;
        memcpy(cmd + 5, req + off, n);
        ctx->stats.store_data_blocks++;

        uint16_t sw = 0;
        rc = exchange(ctx, step, cmd, 5 + n, &acc, &sw);
        if (rc != ESIMLPA_OK)
            goto fail;
        if (esimlpa__sw_to_error(sw) != ESIMLPA_OK) {
            rc = sw_fail(ctx, step, sw);
            goto fail;
        }
    }

    if (acc.len == 0) {
        free(acc.p);
    } else {
        *resp = acc.p;
        *resp_len = acc.len;
    }
    return ESIMLPA_OK;

fail:
    free(acc.p);
    return rc;
}

/* MANAGE CHANNEL open on the basic channel: 00 70 00 00 01 -> <ch> 9000. */
static int manage_channel_open(esimlpa_ctx *ctx, uint8_t *channel)
{
    static const char step[] = "MANAGE CHANNEL (open)";
    static const uint8_t cmd[] = { 0x00, 0x70, 0x00, 0x00, 0x01 };
    struct rbuf acc = { NULL, 0, 0 };
    uint16_t sw = 0;
    int rc = exchange(ctx, step, cmd, sizeof cmd, &acc, &sw);
    if (rc == ESIMLPA_OK && esimlpa__sw_to_error(sw) != ESIMLPA_OK)
        rc = sw_fail(ctx, step, sw);
    if (rc == ESIMLPA_OK && (acc.len != 1 || acc.p[0] < 1 || acc.p[0] > MAX_CHANNEL))
        rc = esimlpa__fail(ctx, ESIMLPA_EDECODE,
                           "%s: unexpected response (%zu bytes, first %02X)", step, acc.len,
                           acc.len ? acc.p[0] : 0);
    if (rc == ESIMLPA_OK)
        *channel = acc.p[0];
    free(acc.p);
    return rc;
}

/* MANAGE CHANNEL close: 00 70 80 <ch> 00. Errors are logged, not reported:
 * the last error and last SW of the failure that led here are kept. */
static void manage_channel_close(esimlpa_ctx *ctx, uint8_t channel)
{
    uint8_t cmd[] = { 0x00, 0x70, 0x80, channel, 0x00 };
    uint8_t resp[ESIMLPA_APDU_MAX_RESPONSE];
    size_t rlen = sizeof resp;
    char saved_error[sizeof ctx->last_error];
    uint16_t saved_sw = ctx->last_sw;
    memcpy(saved_error, ctx->last_error, sizeof saved_error);

    int rc = xmit(ctx, "MANAGE CHANNEL (close)", cmd, sizeof cmd, resp, &rlen);
    if (rc == ESIMLPA_OK) {
        uint16_t sw = (uint16_t)(resp[rlen - 2] << 8 | resp[rlen - 1]);
        if (esimlpa__sw_to_error(sw) != ESIMLPA_OK)
            esimlpa__log(ctx, ESIMLPA_LOG_WARN,
                         "MANAGE CHANNEL (close) of channel %u: status word %04X",
                         (unsigned)channel, (unsigned)sw);
    } else {
        esimlpa__log(ctx, ESIMLPA_LOG_WARN, "%s", ctx->last_error);
    }
    memcpy(ctx->last_error, saved_error, sizeof saved_error);
    ctx->last_sw = saved_sw;
}

/* SELECT ISD-R by AID on the channel: 0x A4 04 00 10 <AID> (SGP.22 notes §3.1).
 * 9000 or 61xx (FCI fetched and discarded) is success; 6A82: not an eUICC. */
static int select_isdr(esimlpa_ctx *ctx, uint8_t channel)
{
    static const char step[] = "SELECT ISD-R";
    uint8_t cmd[5 + sizeof isdr_aid];
    cmd[0] = cla_for_channel(0x00, channel);
    cmd[1] = 0xA4;
    cmd[2] = 0x04;
    cmd[3] = 0x00;
    cmd[4] = (uint8_t)sizeof isdr_aid;
    memcpy(cmd + 5, isdr_aid, sizeof isdr_aid);

    struct rbuf fci = { NULL, 0, 0 };
    uint16_t sw = 0;
    int rc = exchange(ctx, step, cmd, sizeof cmd, &fci, &sw);
    free(fci.p);
    if (rc != ESIMLPA_OK)
        return rc;
    if (sw == 0x6A82)
        return esimlpa__fail(ctx, ESIMLPA_ENOISDR,
                             "%s: status word 6A82 (not found): not an eUICC", step);
    if (esimlpa__sw_to_error(sw) != ESIMLPA_OK)
        return sw_fail(ctx, step, sw);
    return ESIMLPA_OK;
}

static void transport_disconnect(esimlpa_ctx *ctx)
{
    if (ctx->tr->disconnect)
        ctx->tr->disconnect(ctx->tr->user);
    ctx->connected = 0;
}

int esimlpa__apdu_open(esimlpa_ctx *ctx)
{
    if (!ctx || !ctx->tr)
        return ESIMLPA_EINVAL;
    if (ctx->open)
        return esimlpa__fail(ctx, ESIMLPA_ESTATE, "open: context already open");
    struct esimlpa_apdu_transport *tr = ctx->tr;
    int rc;

    if (!ctx->connected) {
        if (tr->connect) {
            rc = tr->connect(tr->user);
            if (rc != ESIMLPA_OK) {
                if (rc > 0)
                    rc = ESIMLPA_ETRANSPORT;
                esimlpa__fail(ctx, rc, "connect: %s", esimlpa_strerror(rc));
                transport_disconnect(ctx);
                return rc;
            }
        }
        ctx->connected = 1;
        ctx->card_gone = 0;
    }

    uint8_t ch = 0;
    /* The transport opens the channel and selects the ISD-R itself (AT+CCHO, QMI);
     * ESIMLPA_EUNSUPPORTED from it (a modem without AT+CCHO) means: do it here. */
    rc = tr->open_logical_channel
             ? tr->open_logical_channel(tr->user, isdr_aid, sizeof isdr_aid, &ch)
             : ESIMLPA_EUNSUPPORTED;
    if (rc != ESIMLPA_EUNSUPPORTED) {
        if (rc != ESIMLPA_OK) {
            if (rc > 0)
                rc = ESIMLPA_ETRANSPORT;
            esimlpa__fail(ctx, rc, "open logical channel (ISD-R): %s", esimlpa_strerror(rc));
            transport_disconnect(ctx);
            return rc;
        }
        if (ch < 1 || ch > MAX_CHANNEL) {
            if (tr->close_logical_channel)
                tr->close_logical_channel(tr->user, ch);
            rc = esimlpa__fail(ctx, ESIMLPA_ETRANSPORT,
                               "open logical channel (ISD-R): transport returned channel %u",
                               (unsigned)ch);
            transport_disconnect(ctx);
            return rc;
        }
        ctx->channel_by_transport = 1;
    } else {
        /* TERMINAL CAPABILITY is optional (SGP.22 notes §3.1) and not sent. */
        rc = manage_channel_open(ctx, &ch);
        if (rc != ESIMLPA_OK) {
            transport_disconnect(ctx);
            return rc;
        }
        rc = select_isdr(ctx, ch);
        if (rc != ESIMLPA_OK) {
            manage_channel_close(ctx, ch);
            transport_disconnect(ctx);
            return rc;
        }
        ctx->channel_by_transport = 0;
    }
    ctx->channel = ch;
    ctx->open = 1;
    return ESIMLPA_OK;
}

void esimlpa__apdu_close(esimlpa_ctx *ctx)
{
    if (!ctx || !ctx->tr)
        return;
    struct esimlpa_apdu_transport *tr = ctx->tr;
    if (ctx->open && !ctx->card_gone) {   /* no channel left to close on a pulled card */
        if (ctx->channel_by_transport) {
            if (tr->close_logical_channel)
                tr->close_logical_channel(tr->user, ctx->channel);
        } else if (ctx->channel != 0) {
            manage_channel_close(ctx, ctx->channel);
        }
    }
    ctx->open = 0;
    ctx->channel = 0;
    ctx->channel_by_transport = 0;
    if (ctx->connected)
        transport_disconnect(ctx);
}
