/* SPDX-License-Identifier: MIT */
/* SM-DS discovery (SGP.22 §3.3, notes §1.5): ES11 initiateAuthentication,
 * ES10b.AuthenticateServer without a matchingId, ES11 authenticateClient,
 * event list.
 *
 * Afterwards the eUICC still holds the authentication session with the
 * SM-DS. ES11 has no cancel function, so nothing is sent to the SM-DS; the
 * eUICC session is closed with ES10b.CancelSession (undefinedReason) so the
 * card does not keep state for a session nobody will continue. Its answer
 * is ignored (a failure there does not fail the discovery). */
#include <stdlib.h>
#include <string.h>

#include "rsp_internal.h"

void esimlpa_event_list_free(struct esimlpa_event_list *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->count; i++) {
        free(list->items[i].event_id);
        free(list->items[i].rsp_server_address);
    }
    free(list->items);
    free(list);
}

static int take_events(esimlpa_ctx *ctx, struct esimlpa__es11_auth_client *in,
                       struct esimlpa_event_list **out)
{
    struct esimlpa_event_list *l = calloc(1, sizeof *l);
    if (!l)
        return esimlpa__fail(ctx, ESIMLPA_ENOMEM, "discovery: out of memory");
    if (in->count) {
        l->items = calloc(in->count, sizeof *l->items);
        if (!l->items) {
            free(l);
            return esimlpa__fail(ctx, ESIMLPA_ENOMEM, "discovery: out of memory");
        }
        for (size_t i = 0; i < in->count; i++) {
            l->items[i].event_id = in->events[i].event_id;
            l->items[i].rsp_server_address = in->events[i].rsp_server_address;
            in->events[i].event_id = NULL;
            in->events[i].rsp_server_address = NULL;
        }
        l->count = in->count;
    }
    *out = l;
    return ESIMLPA_OK;
}

static int discovery_run(esimlpa_ctx *ctx, struct esimlpa_http_transport *http,
                         const char *smds_address, const char *imei,
                         struct esimlpa_event_list **out)
{
    if (!ctx)
        return ESIMLPA_EINVAL;
    esimlpa__clear_error(ctx);
    esimlpa__ctx_set_es9_status(ctx, NULL);
    if (!out)
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "discovery: no output pointer");
    *out = NULL;
    if (!http || !http->post)
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "discovery: no HTTP transport");
    struct esimlpa__device_info device;
    int rc = esimlpa__device_info_init(ctx, &device, imei);
    if (rc != ESIMLPA_OK)
        return rc;

    struct esimlpa__session s;
    memset(&s, 0, sizeof s);
    s.ctx = ctx;
    s.es9.ctx = ctx;
    s.es9.http = http;
    char *root = NULL;
    struct esimlpa_euicc_info1 *info1 = NULL;
    uint8_t *auth = NULL;
    size_t auth_len = 0;
    struct esimlpa__es11_auth_client events;
    memset(&events, 0, sizeof events);
    /* esimlpa_ctx_cancel(): HTTP waits end, and the flow stops between its
     * steps (issue 10 item 2); the eUICC session is closed as on a failure. */
    esimlpa__session_abort_hook(&s, 1);

    if (smds_address && smds_address[0]) {
        s.address = smds_address;
    } else {
        struct esimlpa_configured_addresses *a = NULL;
        if ((rc = esimlpa_configured_addresses_get(ctx, &a)) != ESIMLPA_OK)
            goto done;
        root = a->root_ds_address;
        a->root_ds_address = NULL;
        esimlpa_configured_addresses_free(a);
        if (!root || !root[0]) {
            rc = esimlpa__fail(ctx, ESIMLPA_ENO_DEFAULT_DP,
                               "discovery: no SM-DS address given and the eUICC has no root SM-DS");
            goto done;
        }
        s.address = root;
    }
    uint8_t challenge[16];
    if ((rc = esimlpa__es10_get_challenge(ctx, challenge)) != ESIMLPA_OK ||
        (rc = esimlpa_euicc_info1_get(ctx, &info1)) != ESIMLPA_OK ||
        (rc = esimlpa__euicc_ci_apply(ctx, http, info1)) != ESIMLPA_OK)
        goto done;
    rc = esimlpa__es11_initiate_authentication(&s.es9, s.address, challenge, info1->raw,
                                               info1->raw_len, &s.ia);
    esimlpa__session_sync_status(&s);
    if (rc != ESIMLPA_OK)
        goto done;
    struct esimlpa__auth_server_req req = {
        .server_signed1 = { s.ia.server_signed1.data, s.ia.server_signed1.len },
        .server_signature1 = { s.ia.server_signature1.data, s.ia.server_signature1.len },
        .ci_pkid = { s.ia.euicc_ci_pkid_to_be_used.data, s.ia.euicc_ci_pkid_to_be_used.len },
        .server_certificate = { s.ia.server_certificate.data, s.ia.server_certificate.len },
        .matching_id = NULL,   /* omitted for discovery (lpac; notes §1.5 UNVERIFIED) */
        .device = &device,
    };
    if ((rc = esimlpa__es10_authenticate_server(ctx, &req, &auth, &auth_len)) != ESIMLPA_OK)
        goto done;
    s.euicc_session = 1;
    if (esimlpa__session_cancel_requested(&s)) {
        rc = esimlpa__fail(ctx, ESIMLPA_ECANCELLED, "discovery cancelled before authenticateClient");
        goto done;
    }
    rc = esimlpa__es11_authenticate_client(&s.es9, s.address, s.ia.transaction_id, auth, auth_len,
                                           &events);
    esimlpa__session_sync_status(&s);
    if (rc == ESIMLPA_OK)
        rc = take_events(ctx, &events, out);

done:
    esimlpa__session_abort_hook(&s, 0);
    atomic_store(&ctx->cancel_requested, 0);
    if (rc == ESIMLPA_ECANCELLED && strncmp(ctx->last_error, "discovery cancelled", 19) != 0)
        esimlpa__fail(ctx, rc, "discovery cancelled");
    if (s.euicc_session) {
        /* Close the eUICC side only; ES11 has no cancelSession. */
        struct esimlpa__saved_error first;
        esimlpa__error_save(ctx, &first);
        uint8_t *cresp = NULL;
        size_t cresp_len = 0;
        long reason = rc == ESIMLPA_ECANCELLED ? ESIMLPA__CANCEL_POSTPONED
                                               : ESIMLPA__CANCEL_UNDEFINED;
        if (esimlpa__es10_cancel_session(ctx, s.ia.transaction_id_bin, s.ia.transaction_id_bin_len,
                                         reason, &cresp, &cresp_len) !=
            ESIMLPA_OK)
            esimlpa__log(ctx, ESIMLPA_LOG_DEBUG, "discovery: closing the eUICC session: %s",
                         ctx->last_error);
        free(cresp);
        esimlpa__error_restore(ctx, &first, NULL);
    }
    esimlpa__es11_auth_client_clear(&events);
    free(auth);
    esimlpa_euicc_info1_free(info1);
    esimlpa__es9p_init_auth_clear(&s.ia);
    free(root);
    return rc;
}

/* One eUICC session with the SM-DS: the card is held for all of it. */
int esimlpa_discovery_run(esimlpa_ctx *ctx, struct esimlpa_http_transport *http,
                          const char *smds_address, const char *imei,
                          struct esimlpa_event_list **out)
{
    if (!ctx)
        return ESIMLPA_EINVAL;
    if (out)
        *out = NULL;
    int rc = esimlpa__card_lock(ctx, "discovery");
    if (rc != ESIMLPA_OK)
        return rc;
    rc = discovery_run(ctx, http, smds_address, imei, out);
    esimlpa__card_unlock(ctx);
    return rc;
}
