/* SPDX-License-Identifier: MIT */
/* Notification delivery (SGP.22 §3.5, notes §9): handleNotification to the
 * notification's address, RemoveNotificationFromList only after a 2xx. */
#include <stdlib.h>
#include <string.h>

#include "rsp_internal.h"

int esimlpa__notification_deliver(esimlpa_ctx *ctx, struct esimlpa__es9p *es9, const char *address,
                                  const uint8_t *der, size_t der_len, long seq)
{
    int rc = esimlpa__es9p_handle_notification(es9, address, der, der_len);
    esimlpa__ctx_set_es9_status(ctx, &es9->status);
    if (rc != ESIMLPA_OK) {
        esimlpa__log(ctx, ESIMLPA_LOG_WARN, "notification %ld not delivered: %s", seq,
                     ctx->last_error);
        return rc;
    }
    rc = esimlpa_notification_remove(ctx, seq);
    if (rc != ESIMLPA_OK)
        esimlpa__log(ctx, ESIMLPA_LOG_WARN, "notification %ld delivered but not removed: %s", seq,
                     ctx->last_error);
    else
        esimlpa__log(ctx, ESIMLPA_LOG_INFO, "notification %ld delivered to %s and removed", seq,
                     address);
    return rc;
}

static int notifications_process(esimlpa_ctx *ctx, struct esimlpa_http_transport *http,
                                 long seq_number, size_t *delivered, size_t *failed)
{
    if (delivered)
        *delivered = 0;
    if (failed)
        *failed = 0;
    if (!ctx)
        return ESIMLPA_EINVAL;
    if (!http || !http->post)
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "notifications: no HTTP transport");
    /* The eUICC's CIs when a flow on this context has read them (else the
     * transport's whole bundled set). */
    int rc = esimlpa__euicc_ci_apply(ctx, http, NULL);
    if (rc != ESIMLPA_OK)
        return rc;
    /* RetrieveNotificationsList gives the signed blobs with their metadata
     * (all at once, or the one asked for). */
    struct esimlpa_pending_notification_list *list = NULL;
    rc = esimlpa_notifications_retrieve(ctx, seq_number, &list);
    if (rc == ESIMLPA_ENO_RESULT && seq_number < 0)
        return ESIMLPA_OK;   /* nothing pending */
    if (rc != ESIMLPA_OK)
        return rc;
    if (seq_number >= 0 && list->count == 0) {
        esimlpa_pending_notification_list_free(list);
        return esimlpa__fail(ctx, ESIMLPA_ENO_RESULT, "notifications: no notification %ld",
                             seq_number);
    }
    struct esimlpa__es9p es9;
    memset(&es9, 0, sizeof es9);
    es9.ctx = ctx;
    es9.http = http;
    /* esimlpa_ctx_cancel(): an HTTP wait ends, no further notification is
     * sent (issue 10 item 2); what was not delivered stays pending. */
    struct esimlpa__session hook = { .ctx = ctx, .es9 = es9 };
    esimlpa__session_abort_hook(&hook, 1);
    int first = ESIMLPA_OK;
    struct esimlpa__saved_error saved;
    size_t ok = 0, bad = 0;
    for (size_t i = 0; i < list->count; i++) {
        const struct esimlpa_pending_notification *n = &list->items[i];
        if (seq_number >= 0 && n->meta.seq_number != seq_number)
            continue;
        if (esimlpa__session_cancel_requested(&hook)) {
            first = esimlpa__fail(ctx, ESIMLPA_ECANCELLED,
                                  "notifications: cancelled after %zu delivered", ok);
            esimlpa__error_save(ctx, &saved);
            break;
        }
        int nrc = esimlpa__notification_deliver(ctx, &es9, n->meta.address, n->der, n->der_len,
                                                n->meta.seq_number);
        if (nrc == ESIMLPA_OK) {
            ok++;
            continue;
        }
        bad++;
        if (first == ESIMLPA_OK) {
            first = nrc;
            esimlpa__error_save(ctx, &saved);
        }
    }
    esimlpa_pending_notification_list_free(list);
    esimlpa__session_abort_hook(&hook, 0);
    atomic_store(&ctx->cancel_requested, 0);
    if (delivered)
        *delivered = ok;
    if (failed)
        *failed = bad;
    if (first != ESIMLPA_OK) {
        esimlpa__error_restore(ctx, &saved, NULL);
        return first;
    }
    esimlpa__clear_error(ctx);
    return ESIMLPA_OK;
}

/* The whole delivery holds the card: retrieving and removing notifications
 * must not interleave with another program's (issue: one owner per card). */
int esimlpa_notifications_process(esimlpa_ctx *ctx, struct esimlpa_http_transport *http,
                                  long seq_number, size_t *delivered, size_t *failed)
{
    if (delivered)
        *delivered = 0;
    if (failed)
        *failed = 0;
    if (!ctx)
        return ESIMLPA_EINVAL;
    int rc = esimlpa__card_lock(ctx, "notifications");
    if (rc != ESIMLPA_OK)
        return rc;
    rc = notifications_process(ctx, http, seq_number, delivered, failed);
    esimlpa__card_unlock(ctx);
    return rc;
}
