/* SPDX-License-Identifier: MIT */
/* Sending a notification that was exported earlier (esimlpa-lpac's
 * "notification dump"), from any machine: ES9+ handleNotification (SGP.22
 * §5.6.4) of a PendingNotification (§5.7.10) without the eUICC. Removing it
 * from the eUICC stays the job of a later call with the card. */
#include <string.h>

#include "rsp_internal.h"

/* The blob must be one whole PendingNotification TLV: ProfileInstallationResult
 * (BF37) or OtherSignedNotification (SEQUENCE, 30), DER length covering the rest. */
static int pending_notification_ok(const uint8_t *p, size_t n)
{
    size_t tag_len;
    if (n >= 2 && p[0] == 0xBF && p[1] == 0x37)
        tag_len = 2;
    else if (n >= 1 && p[0] == 0x30)
        tag_len = 1;
    else
        return 0;
    if (n <= tag_len)
        return 0;
    size_t i = tag_len, len;
    if (p[i] < 0x80) {
        len = p[i++];
    } else {
        size_t k = p[i++] & 0x7F;
        if (k == 0 || k > 3 || i + k > n)
            return 0;
        len = 0;
        while (k--)
            len = len << 8 | p[i++];
    }
    return i + len == n;
}

int esimlpa_notification_send(esimlpa_ctx *ctx, struct esimlpa_http_transport *http,
                              const char *address, const uint8_t *der, size_t der_len)
{
    if (!ctx)
        return ESIMLPA_EINVAL;
    if (!http || !http->post)
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "notification send: no HTTP transport");
    if (!address || !*address)
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "notification send: no notification address");
    if (!der || !pending_notification_ok(der, der_len))
        return esimlpa__fail(ctx, ESIMLPA_EINVAL,
                             "notification send: not a PendingNotification (BF37 or 30 TLV)");
    int rc = esimlpa__euicc_ci_apply(ctx, http, NULL);
    if (rc != ESIMLPA_OK)
        return rc;
    struct esimlpa__session hook;
    memset(&hook, 0, sizeof hook);
    hook.ctx = ctx;
    hook.es9.ctx = ctx;
    hook.es9.http = http;
    esimlpa__session_abort_hook(&hook, 1);
    rc = esimlpa__es9p_handle_notification(&hook.es9, address, der, der_len);
    esimlpa__ctx_set_es9_status(ctx, &hook.es9.status);
    esimlpa__session_abort_hook(&hook, 0);
    atomic_store(&ctx->cancel_requested, 0);
    if (rc == ESIMLPA_OK)
        esimlpa__clear_error(ctx);
    return rc;
}
