/* SPDX-License-Identifier: MIT */
/* Profile bookkeeping for the renewal: which profile is which, which one is
 * enabled (GetProfilesInfo, SGP.22 §5.7.15), notification delivery (§3.5)
 * and the new session after a REFRESH (§5.7.16 refreshFlag). */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "renew_internal.h"

/* GetProfilesInfo with only what the renewal needs: ICCID (5A), ISD-P AID
 * (4F) and state (9F70) -- no icons over the wire. */
int renew__snapshot(esimlpa_ctx *ctx, struct esimlpa_profile_list **out)
{
    static const unsigned tags[] = { 0x5A, 0x4F, 0x9F70 };
    struct esimlpa_profile_filter f;
    memset(&f, 0, sizeof f);
    f.tags = tags;
    f.n_tags = sizeof tags / sizeof tags[0];
    int rc = esimlpa_profiles_list(ctx, &f, out);
    if (rc != ESIMLPA_OK && ctx->card_gone) {
        /* The card reset (e.g. a REFRESH): open a new session and look again. */
        if (renew__reopen(ctx) == ESIMLPA_OK)
            rc = esimlpa_profiles_list(ctx, &f, out);
    }
    return rc;
}

static int id_matches(const struct esimlpa_profile_info *p, const struct esimlpa_profile_id *id)
{
    if (id->kind == ESIMLPA_ID_ICCID)
        return p->iccid[0] && strcmp(p->iccid, id->iccid) == 0;
    return p->aid_len == id->aid_len && memcmp(p->aid, id->aid, id->aid_len) == 0;
}

const struct esimlpa_profile_info *renew__find(const struct esimlpa_profile_list *l,
                                              const struct esimlpa_profile_id *id)
{
    for (size_t i = 0; i < l->count; i++)
        if (id_matches(&l->profiles[i], id))
            return &l->profiles[i];
    return NULL;
}

int renew__is_enabled(const struct esimlpa_profile_info *p)
{
    return p && p->has_state && p->state == ESIMLPA_PROFILE_ENABLED;
}

const struct esimlpa_profile_info *renew__find_enabled(const struct esimlpa_profile_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        if (renew__is_enabled(&l->profiles[i]))
            return &l->profiles[i];
    return NULL;
}

/* The identifier to address a listed profile with: its ICCID, or its AID. */
void renew__id_of(const struct esimlpa_profile_info *p, struct esimlpa_profile_id *id)
{
    memset(id, 0, sizeof *id);
    if (p->iccid[0]) {
        id->kind = ESIMLPA_ID_ICCID;
        snprintf(id->iccid, sizeof id->iccid, "%s", p->iccid);
    } else {
        id->kind = ESIMLPA_ID_AID;
        memcpy(id->aid, p->aid, p->aid_len);
        id->aid_len = p->aid_len;
    }
}

/* A printable name for a profile id: the ICCID, or the AID in hex. */
const char *renew__id_text(const struct esimlpa_profile_id *id, char buf[RENEW_ID_TEXT])
{
    if (id->kind == ESIMLPA_ID_ICCID) {
        snprintf(buf, RENEW_ID_TEXT, "%s", id->iccid);
        return buf;
    }
    size_t n = id->aid_len < ESIMLPA_AID_MAX ? id->aid_len : ESIMLPA_AID_MAX;
    for (size_t i = 0; i < n; i++)
        snprintf(buf + 2 * i, 3, "%02X", id->aid[i]);
    buf[2 * n] = '\0';
    return buf;
}

int renew__id_parse(const char *text, struct esimlpa_profile_id *id)
{
    return esimlpa_profile_id_parse(text, id);
}

void renew__deliver_all(struct renew_run *r)
{
    esimlpa_ctx *ctx = r->ctx;
    struct esimlpa_renew_result *res = r->res;
    size_t ok = 0, bad = 0;
    /* The renewal's outcome is settled here: a cancel asked before this
     * point (too late, or already acted on) must not hold the
     * notifications back. A cancel during the delivery still stops it (the
     * rest stays pending). */
    atomic_store(&ctx->cancel_requested, 0);
    int rc = esimlpa_notifications_process(ctx, r->http, -1, &ok, &bad);
    res->notifications_delivered += ok;
    res->notifications_failed = bad;
    if (rc != ESIMLPA_OK) {
        res->notification_error = rc;
        snprintf(res->notification_detail, sizeof res->notification_detail, "%.255s",
                 ctx->last_error);
        esimlpa__log(ctx, ESIMLPA_LOG_WARN,
                     "renew: %zu notification(s) not delivered, kept pending: %s", bad,
                     ctx->last_error);
    } else {
        esimlpa__log(ctx, ESIMLPA_LOG_INFO, "renew: %zu notification(s) delivered", ok);
    }
}

int renew__reopen(esimlpa_ctx *ctx)
{
    esimlpa__log(ctx, ESIMLPA_LOG_INFO, "renew: new session after the refresh");
    esimlpa_ctx_close(ctx);
    return esimlpa_ctx_open(ctx);
}
