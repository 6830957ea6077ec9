/* SPDX-License-Identifier: MIT */
/*
 * The session with the ISD-R (SGP.22 notes §3.1): TERMINAL CAPABILITY on
 * PC/SC, a logical channel (MANAGE CHANNEL or the transport's own), SELECT of
 * the ISD-R at the AID in use or, probing, the standard and the known
 * removable-eUICC AIDs; reopening it after a card reset; closing it.
 */
#include <stdlib.h>
#include <string.h>

#include "isdr_aids.h"
#include "iso7816_internal.h"
#include "util/util_internal.h"

/* MANAGE CHANNEL open on the basic channel: 00 70 00 00 01 -> <ch> 9000. */
static int manage_channel_open(esimlpa_ctx *ctx, uint8_t *channel)
{
    static const char step[] = "MANAGE CHANNEL (open)";
    static const uint8_t cmd[] = { 0x00, 0x70, 0x00, 0x00, 0x01 };
    struct rbuf acc = { NULL, 0, 0 };
    uint16_t sw = 0;
    int rc = esimlpa__exchange(ctx, step, cmd, sizeof cmd, &acc, &sw);
    if (rc == ESIMLPA_OK && esimlpa__sw_to_error(sw) != ESIMLPA_OK)
        rc = esimlpa__sw_fail(ctx, step, sw);
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

    int rc = esimlpa__xmit(ctx, "MANAGE CHANNEL (close)", cmd, sizeof cmd, resp, &rlen);
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

/* SELECT ISD-R by AID on the channel: 0x A4 04 00 <len> <AID> (SGP.22 notes
 * §3.1). 9000 or 61xx (FCI fetched and discarded) is success. Returns the
 * transport's error, or ESIMLPA_OK with *sw the final status word. */
static int select_aid(esimlpa_ctx *ctx, uint8_t channel, const uint8_t *aid, size_t aid_len,
                      uint16_t *sw)
{
    uint8_t cmd[5 + ESIMLPA_AID_MAX];
    cmd[0] = esimlpa__cla_for_channel(0x00, channel);
    cmd[1] = 0xA4;
    cmd[2] = 0x04;
    cmd[3] = 0x00;
    cmd[4] = (uint8_t)aid_len;
    memcpy(cmd + 5, aid, aid_len);

    struct rbuf fci = { NULL, 0, 0 };
    *sw = 0;
    int rc = esimlpa__exchange(ctx, "SELECT ISD-R", cmd, 5 + aid_len, &fci, sw);
    free(fci.p);
    return rc;
}

/* The i-th ISD-R AID to try: the one in use (given or remembered) alone, or
 * the standard AID and then the known removable-eUICC AIDs (isdr_aids.c). */
static size_t n_candidates(const esimlpa_ctx *ctx)
{
    return ctx->isdr_aid_known ? 1 : esimlpa__n_isdr_aids;
}

static void candidate(const esimlpa_ctx *ctx, size_t i, const uint8_t **aid, size_t *len)
{
    if (ctx->isdr_aid_known) {
        *aid = ctx->isdr_aid;
        *len = ctx->isdr_aid_len;
    } else {
        *aid = esimlpa__isdr_aids[i].aid;
        *len = esimlpa__isdr_aids[i].len;
    }
}

/* Remember the AID that answered, for this context (reopening selects it). */
static void remember_aid(esimlpa_ctx *ctx, size_t i)
{
    if (ctx->isdr_aid_known)
        return;
    const struct esimlpa__isdr_aid *a = &esimlpa__isdr_aids[i];
    memcpy(ctx->isdr_aid, a->aid, a->len);
    ctx->isdr_aid_len = a->len;
    ctx->isdr_aid_known = 1;
    if (i > 0)
        esimlpa__log(ctx, ESIMLPA_LOG_INFO, "ISD-R found at the %s AID", a->name);
}

/* SELECT the ISD-R on @channel: the AID in use, or each known AID in turn. */
static int select_isdr(esimlpa_ctx *ctx, uint8_t channel)
{
    size_t n = n_candidates(ctx);
    uint16_t sw = 0, other_sw = 0;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *aid;
        size_t len;
        candidate(ctx, i, &aid, &len);
        int rc = select_aid(ctx, channel, aid, len, &sw);
        if (rc != ESIMLPA_OK)
            return rc;
        if (esimlpa__sw_to_error(sw) == ESIMLPA_OK) {
            remember_aid(ctx, i);
            return ESIMLPA_OK;
        }
        if (sw != 0x6A82 && !other_sw)
            other_sw = sw;     /* a refusal other than "not found" says more */
    }
    if (other_sw)
        sw = other_sw;
    int code = sw == 0x6A82 ? ESIMLPA_ENOISDR : esimlpa__sw_to_error(sw);
    ctx->last_sw = sw;
    if (ctx->isdr_aid_known) {
        char hex[2 * ESIMLPA_AID_MAX + 1];
        if (esimlpa__hex_encode(ctx->isdr_aid, ctx->isdr_aid_len, hex, sizeof hex) != ESIMLPA_OK)
            hex[0] = '\0';
        return esimlpa__fail(ctx, code, "SELECT ISD-R %s: status word %04X (%s): no ISD-R at this AID",
                             hex, (unsigned)sw, esimlpa__sw_text(sw));
    }
    return esimlpa__fail(ctx, code,
                         "SELECT ISD-R: status word %04X (%s) at the standard AID and the %zu "
                         "known removable-eUICC AIDs: not an eUICC",
                         (unsigned)sw, esimlpa__sw_text(sw), n - 1);
}

/*
 * TERMINAL CAPABILITY on the basic channel (ETSI TS 102 221 §11.1.19; tags of
 * ETSI TS 101 220 Table 7.16): 80 AA 00 00 0A A9 08 { 81 00 extended logical
 * channels, 82 01 01 additional interfaces, 83 01 07 eUICC-related: LUI, LPD
 * and LDS in the device, i.e. an LPA there }. The bytes the
 * field's LPAs send (SGP.22 notes §3.1); a refusal is ignored (optional).
 */
static int terminal_capability(esimlpa_ctx *ctx)
{
    static const uint8_t cmd[] = { 0x80, 0xAA, 0x00, 0x00, 0x0A, 0xA9, 0x08, 0x81, 0x00,
                                   0x82, 0x01, 0x01, 0x83, 0x01, 0x07 };
    struct rbuf acc = { NULL, 0, 0 };
    uint16_t sw = 0;
    int rc = esimlpa__exchange(ctx, "TERMINAL CAPABILITY", cmd, sizeof cmd, &acc, &sw);
    free(acc.p);
    if (rc != ESIMLPA_OK)
        return rc;
    if (esimlpa__sw_to_error(sw) != ESIMLPA_OK)
        esimlpa__log(ctx, ESIMLPA_LOG_DEBUG, "TERMINAL CAPABILITY: status word %04X (ignored)",
                     (unsigned)sw);
    return ESIMLPA_OK;
}

static void transport_disconnect(esimlpa_ctx *ctx)
{
    if (ctx->tr->disconnect)
        ctx->tr->disconnect(ctx->tr->user);
    ctx->connected = 0;
}

/* The transport opens the channel with the ISD-R selected (AT+CCHO, QMI):
 * each candidate AID in turn. ESIMLPA_EUNSUPPORTED: the library does it. */
static int transport_open_channel(esimlpa_ctx *ctx, uint8_t *ch)
{
    struct esimlpa_apdu_transport *tr = ctx->tr;
    if (!tr->open_logical_channel)
        return ESIMLPA_EUNSUPPORTED;
    int rc = ESIMLPA_ENOISDR;
    size_t n = n_candidates(ctx), i;
    for (i = 0; i < n && rc == ESIMLPA_ENOISDR; i++) {
        const uint8_t *aid;
        size_t len;
        candidate(ctx, i, &aid, &len);
        rc = tr->open_logical_channel(tr->user, aid, len, ch);
    }
    if (rc == ESIMLPA_EUNSUPPORTED)
        return rc;
    if (rc != ESIMLPA_OK) {
        if (rc > 0)
            rc = ESIMLPA_ETRANSPORT;
        return esimlpa__fail(ctx, rc, "open logical channel (ISD-R): %s", esimlpa_strerror(rc));
    }
    if (*ch < 1 || *ch > MAX_CHANNEL) {
        if (tr->close_logical_channel)
            tr->close_logical_channel(tr->user, *ch);
        return esimlpa__fail(ctx, ESIMLPA_ETRANSPORT,
                             "open logical channel (ISD-R): transport returned channel %u",
                             (unsigned)*ch);
    }
    remember_aid(ctx, i - 1);
    return ESIMLPA_OK;
}

/* On a connected card: TERMINAL CAPABILITY (PC/SC), a logical channel with
 * the ISD-R selected. On failure the channel opened here is closed again. */
static int open_channel(esimlpa_ctx *ctx)
{
    uint8_t ch = 0;
    int rc;
    /* Over PC/SC the LPA is the terminal: it announces itself as the field's
     * LPAs do. A modem (AT) sends its own terminal profile. */
    if (esimlpa__transport_is_pcsc(ctx->tr)) {
        rc = terminal_capability(ctx);
        if (rc != ESIMLPA_OK)
            return rc;
    }
    rc = transport_open_channel(ctx, &ch);
    if (rc == ESIMLPA_OK) {
        ctx->channel_by_transport = 1;
    } else if (rc != ESIMLPA_EUNSUPPORTED) {
        return rc;
    } else {
        rc = manage_channel_open(ctx, &ch);
        if (rc != ESIMLPA_OK)
            return rc;
        rc = select_isdr(ctx, ch);
        if (rc != ESIMLPA_OK) {
            if (!ctx->card_gone)
                manage_channel_close(ctx, ch);
            return rc;
        }
        ctx->channel_by_transport = 0;
    }
    ctx->channel = ch;
    ctx->open = 1;
    return ESIMLPA_OK;
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
    ctx->needs_reopen = 0;
    rc = open_channel(ctx);
    if (rc != ESIMLPA_OK)
        transport_disconnect(ctx);
    return rc;
}

/* Close the channel of the session on the card (errors only logged). */
static void close_channel(esimlpa_ctx *ctx)
{
    struct esimlpa_apdu_transport *tr = ctx->tr;
    if (ctx->channel_by_transport) {
        if (tr->close_logical_channel)
            tr->close_logical_channel(tr->user, ctx->channel);
    } else if (ctx->channel != 0) {
        manage_channel_close(ctx, ctx->channel);
    }
}

int esimlpa__apdu_reopen(esimlpa_ctx *ctx, int power_cycle, int channel_lost)
{
    if (!ctx->connected)
        return esimlpa__fail(ctx, ESIMLPA_ESTATE, "reconnect: context not open");
    if (ctx->card_gone)
        return esimlpa__fail(ctx, ESIMLPA_ECARDREMOVED, "reconnect: %s",
                             esimlpa_strerror(ESIMLPA_ECARDREMOVED));
    struct esimlpa_apdu_transport *tr = ctx->tr;
    int can_reconnect = tr->version >= 2 && tr->reconnect;
    if (power_cycle && !can_reconnect)
        return esimlpa__fail(ctx, ESIMLPA_EUNSUPPORTED,
                             "reset: this transport cannot reset the card");
    /* A card that was reset has no channel left; one that was not gets its
     * channel closed, so reopening does not use up the card's channels. */
    if (ctx->open && !channel_lost)
        close_channel(ctx);
    ctx->open = 0;
    ctx->channel = 0;
    ctx->channel_by_transport = 0;
    ctx->needs_reopen = 0;
    if (can_reconnect) {
        int rc = tr->reconnect(tr->user, power_cycle);
        if (rc != ESIMLPA_OK) {
            if (rc > 0)
                rc = ESIMLPA_ETRANSPORT;
            if (rc == ESIMLPA_ECARDREMOVED || rc == ESIMLPA_ENOCARD || rc == ESIMLPA_ETIMEOUT)
                ctx->card_gone = 1;
            return esimlpa__fail(ctx, rc, "%s: %s", power_cycle ? "reset" : "reconnect",
                                 esimlpa_strerror(rc));
        }
    }
    return open_channel(ctx);
}

void esimlpa__apdu_close(esimlpa_ctx *ctx)
{
    if (!ctx || !ctx->tr)
        return;
    struct esimlpa_apdu_transport *tr = ctx->tr;
    if (ctx->needs_reopen == ESIMLPA__REOPEN_RESET) {
        ctx->open = 0;                  /* the reset took the channel */
    } else if (ctx->needs_reopen == ESIMLPA__REOPEN_REFRESH && ctx->connected &&
               !ctx->card_gone && tr->version >= 2 && tr->reconnect) {
        /* A REFRESH is pending (enable/disable with the refresh flag): over
         * PC/SC the LPA is the terminal and resets the card itself; the
         * channel goes with the reset. */
        if (tr->reconnect(tr->user, 1) != ESIMLPA_OK)
            esimlpa__log(ctx, ESIMLPA_LOG_WARN, "reset after REFRESH failed");
        ctx->open = 0;
    }
    if (ctx->open && !ctx->card_gone)   /* no channel left to close on a pulled card */
        close_channel(ctx);
    ctx->open = 0;
    ctx->needs_reopen = 0;
    ctx->channel = 0;
    ctx->channel_by_transport = 0;
    if (ctx->connected)
        transport_disconnect(ctx);
}
