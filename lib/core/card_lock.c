/* SPDX-License-Identifier: MIT */
/*
 * One owner per card: every operation that sends more than one APDU holds the
 * transport's lock (PC/SC transaction, modem lock files) for its whole length.
 * Nested operations (a download's ES10 calls) share the outermost lock.
 */
#include "card_lock.h"

int esimlpa__card_lock(esimlpa_ctx *ctx, const char *what)
{
    if (ctx->lock_depth++ > 0)
        return ESIMLPA_OK;
    struct esimlpa_apdu_transport *tr = ctx->tr;
    if (tr->version < 2 || !tr->lock)
        return ESIMLPA_OK;
    int rc = tr->lock(tr->user, ctx->lock_wait_ms);
    if (rc == ESIMLPA_OK)
        return ESIMLPA_OK;
    ctx->lock_depth--;
    if (rc > 0)
        rc = ESIMLPA_ETRANSPORT;
    if (rc == ESIMLPA_EBUSY) {
        if (ctx->lock_wait_ms < 0)
            return esimlpa__fail(ctx, rc, "%s: the card is in use by another program", what);
        return esimlpa__fail(ctx, rc, "%s: the card is in use by another program (waited %ld s)",
                             what, (ctx->lock_wait_ms + 999) / 1000);
    }
    if (rc == ESIMLPA_ECARDREMOVED || rc == ESIMLPA_ENOCARD)
        ctx->card_gone = 1;
    /* Before connect, lock() chose the reader: its failures are connect's. */
    if (!ctx->connected)
        return esimlpa__fail(ctx, rc, "connect: %s", esimlpa_strerror(rc));
    return esimlpa__fail(ctx, rc, "%s: cannot take the card: %s", what, esimlpa_strerror(rc));
}

void esimlpa__card_unlock(esimlpa_ctx *ctx)
{
    if (ctx->lock_depth == 0 || --ctx->lock_depth > 0)
        return;
    struct esimlpa_apdu_transport *tr = ctx->tr;
    if (tr->version >= 2 && tr->unlock)
        tr->unlock(tr->user);
}
