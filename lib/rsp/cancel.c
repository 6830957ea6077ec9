/* SPDX-License-Identifier: MIT */
/* Cancelling a download session on both sides (SGP.22 §3.1.3 / §5.7.14,
 * notes §1.4): ES10b.CancelSession, then ES9+ cancelSession with the
 * eUICC's signed answer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rsp_internal.h"

void esimlpa__session_sync_status(struct esimlpa__session *s)
{
    if (s->ctx)
        esimlpa__ctx_set_es9_status(s->ctx, &s->es9.status);
}

void esimlpa__error_save(const esimlpa_ctx *ctx, struct esimlpa__saved_error *e)
{
    memcpy(e->text, ctx->last_error, sizeof e->text);
    e->text[sizeof e->text - 1] = '\0';
    e->sw = ctx->last_sw;
    e->result_code = ctx->last_result_code;
    e->es9 = *esimlpa_ctx_last_es9_status(ctx);
}

void esimlpa__error_restore(esimlpa_ctx *ctx, const struct esimlpa__saved_error *e,
                            const char *suffix)
{
    snprintf(ctx->last_error, sizeof ctx->last_error, "%s%s", e->text, suffix ? suffix : "");
    ctx->last_sw = e->sw;
    ctx->last_result_code = e->result_code;
    esimlpa__ctx_set_es9_status(ctx, &e->es9);
}

static const char *reason_name(long reason)
{
    switch (reason) {
    case ESIMLPA__CANCEL_END_USER_REJECTION: return "endUserRejection";
    case ESIMLPA__CANCEL_POSTPONED: return "postponed";
    case ESIMLPA__CANCEL_TIMEOUT: return "timeout";
    case ESIMLPA__CANCEL_PPR_NOT_ALLOWED: return "pprNotAllowed";
    case ESIMLPA__CANCEL_METADATA_MISMATCH: return "metadataMismatch";
    case ESIMLPA__CANCEL_LOAD_BPP_ERROR: return "loadBppExecutionError";
    default: return "undefinedReason";
    }
}

int esimlpa__session_cancel_requested(const struct esimlpa__session *s)
{
    return s->no_abort == 0 && atomic_load(&s->ctx->cancel_requested) != 0;
}

static int should_abort(void *user)
{
    return esimlpa__session_cancel_requested(user);
}

void esimlpa__session_abort_hook(struct esimlpa__session *s, int on)
{
    struct esimlpa_http_transport *h = s->es9.http;
    if (h && h->version >= 3 && h->set_abort)
        h->set_abort(h->user, on ? should_abort : NULL, on ? s : NULL);
}

int esimlpa__session_cancel(struct esimlpa__session *s, int rc, long reason)
{
    esimlpa_ctx *ctx = s->ctx;
    if (!s->euicc_session)
        return rc;       /* nothing signed to cancel with (notes §1.4) */
    s->euicc_session = 0;
    /* The cancel calls run even when the flow was cancelled: that flag only
     * stops the main flow (ES10b CancelSession, then ES9+ cancelSession). */
    s->no_abort++;
    struct esimlpa__saved_error first;
    esimlpa__error_save(ctx, &first);
    esimlpa__log(ctx, ESIMLPA_LOG_INFO, "cancelling the session (reason %ld %s)", reason,
                 reason_name(reason));
    if (s->on_cancel)
        s->on_cancel(s->on_cancel_user);
    uint8_t *resp = NULL;
    size_t resp_len = 0;
    const char *suffix = "; session cancelled";
    int crc = esimlpa__es10_cancel_session(ctx, s->ia.transaction_id_bin,
                                           s->ia.transaction_id_bin_len, reason, &resp, &resp_len);
    if (crc != ESIMLPA_OK) {
        esimlpa__log(ctx, ESIMLPA_LOG_WARN, "cancel: %s", ctx->last_error);
        suffix = "; session cancel failed on the eUICC";
    }
    if (resp) {
        /* The eUICC's answer, signed or its error code, goes to the SM-DP+. */
        int src = esimlpa__es9p_cancel_session(&s->es9, s->address, s->ia.transaction_id, resp,
                                               resp_len);
        if (src != ESIMLPA_OK) {
            s->server_not_told = 1;
            esimlpa__log(ctx, ESIMLPA_LOG_WARN, "cancel: %s", ctx->last_error);
            if (crc == ESIMLPA_OK)
                suffix = "; session cancelled on the eUICC, not on the server";
        }
        free(resp);
    }
    esimlpa__error_restore(ctx, &first, suffix);
    s->no_abort--;
    return rc;
}
