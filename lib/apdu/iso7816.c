/* SPDX-License-Identifier: MIT */
/*
 * ISO 7816-4 logic under the ES10 layer (SGP.22 notes §3): status words,
 * GET RESPONSE chaining, STORE DATA segmentation (with the smaller-block
 * fallback and the reopen after a card reset). The session itself (channel,
 * SELECT ISD-R) is in isdr_session.c.
 */
#include "iso7816_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "util/util_internal.h"

#define CMD_MAX (5 + 255 + 1)       /* short APDU: header, Lc, data, Le */
#define MAX_STORE_DATA_BLOCKS 256   /* P2 is one byte (as euicc-go) */
#define MAX_GET_RESPONSES 4096      /* a card answering 61xx forever */
#define MAX_RESENDS 3               /* a card answering 6Cxx forever */

/* STORE DATA block size after a card refused 255-byte blocks (the field's
 * common choice for removable eUICCs and modems). */
#define FALLBACK_MSS 120u

/* CLA coding of a logical channel (ISO 7816-4 §5.4.1, SGP.22 notes §3.1 and
 * pitfall 2): channels 0..3 in b2b1, channels 4..19 as 0x40 | (ch - 4). */
uint8_t esimlpa__cla_for_channel(uint8_t cla, uint8_t ch)
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
const char *esimlpa__sw_text(uint16_t sw)
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

int esimlpa__sw_fail(esimlpa_ctx *ctx, const char *step, uint16_t sw)
{
    return esimlpa__fail(ctx, esimlpa__sw_to_error(sw), "%s: status word %04X (%s)", step,
                         (unsigned)sw, esimlpa__sw_text(sw));
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
int esimlpa__xmit(esimlpa_ctx *ctx, const char *step, const uint8_t *cmd, size_t cmd_len,
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
        if (rc == ESIMLPA_ECARDREMOVED && esimlpa__pcsc_take_reset(ctx->tr)) {
            /* Reset, not removed: the channel is reopened before the next command. */
            ctx->needs_reopen = ESIMLPA__REOPEN_RESET;
            return esimlpa__fail(ctx, rc, "%s: the card was reset", step);
        }
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
static int exchange_in(esimlpa_ctx *ctx, const char *step, const uint8_t *cmd, size_t cmd_len,
                       struct rbuf *acc, uint16_t *sw_out, uint8_t cur[CMD_MAX],
                       uint8_t resp[ESIMLPA_APDU_MAX_RESPONSE])
{
    char step_gr[160];
    const char *cur_step = step;
    size_t cur_len = cmd_len;
    unsigned resends = 0, get_responses = 0;

    if (cmd_len < 4 || cmd_len > CMD_MAX)
        return esimlpa__fail(ctx, ESIMLPA_EINTERNAL, "%s: bad command length %zu", step, cmd_len);
    memcpy(cur, cmd, cmd_len);
    snprintf(step_gr, sizeof step_gr, "%s, GET RESPONSE", step);

    for (;;) {
        size_t rlen = ESIMLPA_APDU_MAX_RESPONSE;
        int rc = esimlpa__xmit(ctx, cur_step, cur, cur_len, resp, &rlen);
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

int esimlpa__exchange(esimlpa_ctx *ctx, const char *step, const uint8_t *cmd, size_t cmd_len,
                      struct rbuf *acc, uint16_t *sw_out)
{
    uint8_t cur[CMD_MAX];
    uint8_t resp[ESIMLPA_APDU_MAX_RESPONSE];
    int rc = exchange_in(ctx, step, cmd, cmd_len, acc, sw_out, cur, resp);
    if (ctx->trace_redact) {   /* the command or its answer carried a secret (hashCc) */
        OPENSSL_cleanse(cur, sizeof cur);
        OPENSSL_cleanse(resp, sizeof resp);
    }
    return rc;
}

/* How one STORE DATA sequence failed, for the retries of es10_transceive. */
enum sd_failure {
    SD_OTHER = 0,
    SD_FIRST_BLOCK_REFUSED,   /* 6700 / 6A80 / 6601 on block 0 */
    SD_NOT_SENT,              /* the card was reset before block 0 reached it */
};

/* One ES10 command as a STORE DATA sequence of ctx->mss-byte blocks. */
static int store_data(esimlpa_ctx *ctx, const char *what, const uint8_t *req, size_t req_len,
                      struct rbuf *acc, enum sd_failure *why)
{
    size_t mss = (ctx->mss >= 1 && ctx->mss <= 255) ? ctx->mss : 255;
    size_t blocks = req_len / mss + (req_len % mss != 0);
    *why = SD_OTHER;
    if (blocks > MAX_STORE_DATA_BLOCKS)
        return esimlpa__fail(ctx, ESIMLPA_ETOOLONG,
                             "%s: request of %zu bytes needs %zu STORE DATA blocks (max %u)",
                             what, req_len, blocks, (unsigned)MAX_STORE_DATA_BLOCKS);

    char step[128];
    snprintf(step, sizeof step, "STORE DATA (%s)", what);
    const uint8_t cla = esimlpa__cla_for_channel(0x80, ctx->channel);

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
        unsigned long before = ctx->stats.apdus;
        int rc = esimlpa__exchange(ctx, step, cmd, 5 + n, acc, &sw);
        if (ctx->trace_redact)
            OPENSSL_cleanse(cmd, sizeof cmd);   /* it carried a secret (hashCc) */
        if (rc != ESIMLPA_OK) {
            if (i == 0 && ctx->stats.apdus == before + 1 &&
                ctx->needs_reopen == ESIMLPA__REOPEN_RESET)
                *why = SD_NOT_SENT;
            return rc;
        }
        if (esimlpa__sw_to_error(sw) != ESIMLPA_OK) {
            if (i == 0 && (sw == 0x6700 || sw == 0x6A80 || sw == 0x6601))
                *why = SD_FIRST_BLOCK_REFUSED;
            return esimlpa__sw_fail(ctx, step, sw);
        }
    }
    return ESIMLPA_OK;
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
    if (!ctx->open && !ctx->needs_reopen)
        return esimlpa__fail(ctx, ESIMLPA_ESTATE, "%s: context not open", what);

    struct rbuf acc = { NULL, 0, 0 };
    int rc = ESIMLPA_OK, resent = 0, reduced = 0;
    for (;;) {
        /* The card was reset (REFRESH, or by another program) since the last
         * command: reopen the channel first, transparently. */
        if (esimlpa__pcsc_take_reset(ctx->tr))
            ctx->needs_reopen = ESIMLPA__REOPEN_RESET;
        if (ctx->needs_reopen) {
            int refresh = ctx->needs_reopen == ESIMLPA__REOPEN_REFRESH;
            int can_reset = ctx->tr->version >= 2 && ctx->tr->reconnect;
            /* REFRESH: the LPA resets the card where the transport can (PC/SC);
             * a modem performs the REFRESH itself, which takes the channel. */
            rc = esimlpa__apdu_reopen(ctx, refresh && can_reset, !refresh || !can_reset);
            if (rc != ESIMLPA_OK)
                break;
        }
        enum sd_failure why;
        acc.len = 0;
        rc = store_data(ctx, what, req, req_len, &acc, &why);
        if (rc == ESIMLPA_OK)
            break;
        if (why == SD_NOT_SENT && !resent) {
            resent = 1;
            continue;
        }
        /* Some removable eUICCs and modems refuse 255-byte blocks (6601, 6700,
         * 6A80 on the first one): once, at FALLBACK_MSS, kept for the context. */
        if (why == SD_FIRST_BLOCK_REFUSED && !reduced && !ctx->mss_reduced &&
            ctx->mss > FALLBACK_MSS && req_len > FALLBACK_MSS) {
            reduced = 1;
            esimlpa__log(ctx, ESIMLPA_LOG_INFO,
                         "%s: the card refused a %u-byte STORE DATA block (status word %04X); "
                         "using %u-byte blocks", what, ctx->mss, (unsigned)ctx->last_sw,
                         FALLBACK_MSS);
            ctx->mss = FALLBACK_MSS;
            ctx->mss_reduced = 1;
            continue;
        }
        break;
    }
    if (rc != ESIMLPA_OK || acc.len == 0) {
        free(acc.p);
    } else {
        *resp = acc.p;
        *resp_len = acc.len;
    }
    return rc;
}
