/* SPDX-License-Identifier: MIT */
/* Context lifecycle and its public accessors. */
#include "ctx_internal.h"

#include <stdlib.h>
#include <string.h>

#include "apdu/apdu_session.h"
#include "core/card_lock.h"
#include "core/esimlpa_version.h"
#include "util/out_struct.h"

#define DEFAULT_MSS 255u
#define MAX_MSS 255u
#define DEFAULT_LOCK_WAIT_MS 30000L
#define DEFAULT_APDU_TIMEOUT_MS 30000L

int esimlpa_ctx_new(const struct esimlpa_ctx_options *opts, esimlpa_ctx **out)
{
    if (!out)
        return ESIMLPA_EINVAL;
    *out = NULL;
    /* Version 1 callers have a shorter struct: read trace_http from 2 on. */
    if (!opts || opts->version < 1 || opts->version > ESIMLPA_CTX_OPTIONS_VERSION)
        return ESIMLPA_EINVAL;
    const struct esimlpa_apdu_transport *tr = opts->transport;
    if (!tr || tr->version < 1 || tr->version > ESIMLPA_APDU_TRANSPORT_VERSION || !tr->transmit)
        return ESIMLPA_EINVAL;
    /* lock and unlock come as a pair (version 2). */
    if (tr->version >= 2 && !tr->lock != !tr->unlock)
        return ESIMLPA_EINVAL;
    /* open/close of a logical channel by the transport come as a pair. */
    if (tr->close_logical_channel && !tr->open_logical_channel)
        return ESIMLPA_EINVAL;
    if (opts->store_data_mss > MAX_MSS)
        return ESIMLPA_EINVAL;
    /* An AID is 5..16 bytes (ISO 7816-4 §8.2.1.2). */
    if (opts->version >= 3 && opts->isd_r_aid &&
        (opts->isd_r_aid_len < 5 || opts->isd_r_aid_len > 16))
        return ESIMLPA_EBADAID;

    esimlpa_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return ESIMLPA_ENOMEM;
    ctx->tr = opts->transport;
    ctx->mss = opts->store_data_mss ? opts->store_data_mss : DEFAULT_MSS;
    ctx->log = opts->log;
    ctx->log_user = opts->log_user;
    ctx->log_level = opts->log_level;
    ctx->trace_apdu = opts->trace_apdu != 0;
    ctx->trace_http = opts->version >= 2 && opts->trace_http != 0;
    ctx->last_result_code = -1;
    ctx->lock_wait_ms = DEFAULT_LOCK_WAIT_MS;
    ctx->apdu_timeout_ms = DEFAULT_APDU_TIMEOUT_MS;
    if (opts->version >= 3) {
        if (opts->isd_r_aid) {
            memcpy(ctx->isdr_aid, opts->isd_r_aid, opts->isd_r_aid_len);
            ctx->isdr_aid_len = opts->isd_r_aid_len;
            ctx->isdr_aid_given = 1;
            ctx->isdr_aid_known = 1;
        }
        if (opts->lock_wait_ms)
            ctx->lock_wait_ms = opts->lock_wait_ms < 0 ? -1 : opts->lock_wait_ms;
        if (opts->apdu_timeout_ms > 0)
            ctx->apdu_timeout_ms = opts->apdu_timeout_ms;
    }
    *out = ctx;
    return ESIMLPA_OK;
}

void esimlpa_ctx_free(esimlpa_ctx *ctx)
{
    if (!ctx)
        return;
    esimlpa_ctx_close(ctx);
    free(ctx);
}

int esimlpa_ctx_open(esimlpa_ctx *ctx)
{
    if (!ctx)
        return ESIMLPA_EINVAL;
    if (ctx->open)
        return esimlpa__fail(ctx, ESIMLPA_ESTATE, "open: context already open");
    esimlpa__pcsc_set_apdu_timeout(ctx->tr, ctx->apdu_timeout_ms);
    int rc = esimlpa__card_lock(ctx, "open");
    if (rc != ESIMLPA_OK)
        return rc;
    rc = esimlpa__apdu_open(ctx);
    esimlpa__card_unlock(ctx);
    if (rc != ESIMLPA_OK)
        return rc;
    esimlpa__clear_error(ctx);
    esimlpa__log(ctx, ESIMLPA_LOG_INFO, "ISD-R selected on logical channel %u",
                 (unsigned)ctx->channel);
    return ESIMLPA_OK;
}

void esimlpa_ctx_close(esimlpa_ctx *ctx)
{
    if (!ctx)
        return;
    if (ctx->open || ctx->connected) {
        /* Closing the channel is one APDU: do it under the lock when it can be
         * had, else anyway (the channel is ours). */
        int locked = ctx->connected && !ctx->card_gone &&
                     esimlpa__card_lock(ctx, "close") == ESIMLPA_OK;
        esimlpa__apdu_close(ctx);
        if (locked)
            esimlpa__card_unlock(ctx);
    }
}

int esimlpa_ctx_isd_r_aid(const esimlpa_ctx *ctx, uint8_t *buf, size_t *len)
{
    if (!ctx || !buf || !len)
        return ESIMLPA_EINVAL;
    if (!ctx->isdr_aid_known)
        return ESIMLPA_ESTATE;
    memcpy(buf, ctx->isdr_aid, ctx->isdr_aid_len);
    *len = ctx->isdr_aid_len;
    return ESIMLPA_OK;
}

int esimlpa_ctx_reconnect(esimlpa_ctx *ctx, int power_cycle)
{
    if (!ctx)
        return ESIMLPA_EINVAL;
    esimlpa__clear_error(ctx);
    if (!ctx->connected)
        return esimlpa__fail(ctx, ESIMLPA_ESTATE, "reconnect: context not open");
    int rc = esimlpa__card_lock(ctx, "reconnect");
    if (rc != ESIMLPA_OK)
        return rc;
    int lost = ctx->needs_reopen == ESIMLPA__REOPEN_RESET || esimlpa__pcsc_take_reset(ctx->tr);
    rc = esimlpa__apdu_reopen(ctx, power_cycle, lost);
    esimlpa__card_unlock(ctx);
    if (rc == ESIMLPA_OK)
        esimlpa__clear_error(ctx);
    return rc;
}

void esimlpa_ctx_cancel(esimlpa_ctx *ctx)
{
    if (ctx)
        atomic_store(&ctx->cancel_requested, 1);
}

const char *esimlpa_ctx_last_error(const esimlpa_ctx *ctx)
{
    return ctx ? ctx->last_error : "";
}

uint16_t esimlpa_ctx_last_sw(const esimlpa_ctx *ctx)
{
    return ctx ? ctx->last_sw : 0;
}

const struct esimlpa_es9_status *esimlpa_ctx_last_es9_status(const esimlpa_ctx *ctx)
{
    static const struct esimlpa_es9_status none;
    return ctx ? &ctx->last_es9 : &none;
}

void esimlpa__ctx_set_es9_status(esimlpa_ctx *ctx, const struct esimlpa_es9_status *s)
{
    if (!ctx)
        return;
    if (s)
        ctx->last_es9 = *s;
    else
        memset(&ctx->last_es9, 0, sizeof ctx->last_es9);
}

int esimlpa_ctx_last_result_code(const esimlpa_ctx *ctx)
{
    return ctx ? ctx->last_result_code : -1;
}

void esimlpa_ctx_stats_read(const esimlpa_ctx *ctx, struct esimlpa_ctx_stats *out)
{
    struct esimlpa_ctx_stats s;
    memset(&s, 0, sizeof s);
    if (ctx)
        s = ctx->stats;
    s.struct_size = sizeof s;
    esimlpa__out_copy(out, &s, sizeof s);
}

void esimlpa_ctx_stats_get(const esimlpa_ctx *ctx, struct esimlpa_ctx_stats_v1 *out)
{
    if (!out)
        return;
    memset(out, 0, sizeof *out);
    if (!ctx)
        return;
    out->apdus = ctx->stats.apdus;
    out->bytes_sent = ctx->stats.bytes_sent;
    out->bytes_received = ctx->stats.bytes_received;
    out->store_data_blocks = ctx->stats.store_data_blocks;
    out->get_responses = ctx->stats.get_responses;
}

const char *esimlpa_version(void)
{
    return ESIMLPA_VERSION_STRING;
}
