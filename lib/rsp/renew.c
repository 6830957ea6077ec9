/* SPDX-License-Identifier: MIT */
/* Renewal: download a new profile, switch to it, optionally delete the old
 * one, then deliver the notifications (SGP.22 §3.1 download, §3.2.1
 * EnableProfile with its implicit disable, §3.2.3 DeleteProfile, §3.5
 * notifications). The old profile is only touched after the switch
 * succeeded; if enabling fails the old profile is left (or made again) the
 * enabled one. */
#include <stdio.h>
#include <string.h>

#include "rsp_internal.h"

/* GetProfilesInfo with only what the renewal needs: ICCID (5A), ISD-P AID
 * (4F) and state (9F70) -- no icons over the wire. */
static int profiles_snapshot(esimlpa_ctx *ctx, struct esimlpa_profile_list **out)
{
    static const unsigned tags[] = { 0x5A, 0x4F, 0x9F70 };
    struct esimlpa_profile_filter f;
    memset(&f, 0, sizeof f);
    f.tags = tags;
    f.n_tags = sizeof tags / sizeof tags[0];
    return esimlpa_profiles_list(ctx, &f, out);
}

static int id_matches(const struct esimlpa_profile_info *p, const struct esimlpa_profile_id *id)
{
    if (id->kind == ESIMLPA_ID_ICCID)
        return p->iccid[0] && strcmp(p->iccid, id->iccid) == 0;
    return p->aid_len == id->aid_len && memcmp(p->aid, id->aid, id->aid_len) == 0;
}

static const struct esimlpa_profile_info *find_by_id(const struct esimlpa_profile_list *l,
                                                     const struct esimlpa_profile_id *id)
{
    for (size_t i = 0; i < l->count; i++)
        if (id_matches(&l->profiles[i], id))
            return &l->profiles[i];
    return NULL;
}

static const struct esimlpa_profile_info *find_enabled(const struct esimlpa_profile_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        if (l->profiles[i].has_state && l->profiles[i].state == ESIMLPA_PROFILE_ENABLED)
            return &l->profiles[i];
    return NULL;
}

/* The identifier to address a listed profile with: its ICCID, or its AID. */
static void id_of(const struct esimlpa_profile_info *p, struct esimlpa_profile_id *id)
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
static const char *id_text(const struct esimlpa_profile_id *id, char buf[2 * ESIMLPA_AID_MAX + 1])
{
    if (id->kind == ESIMLPA_ID_ICCID)
        return id->iccid;
    for (size_t i = 0; i < id->aid_len; i++)
        snprintf(buf + 2 * i, 3, "%02X", id->aid[i]);
    buf[2 * id->aid_len] = '\0';
    return buf;
}

/* Deliver every pending notification; failures are recorded in @res only. */
static void deliver_all(esimlpa_ctx *ctx, struct esimlpa_http_transport *http,
                        struct esimlpa_renew_result *res)
{
    size_t ok = 0, bad = 0;
    int rc = esimlpa_notifications_process(ctx, http, -1, &ok, &bad);
    res->notifications_delivered = ok;
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

/* Enabling the new profile failed with @rc (detail saved in @err). Check
 * what the eUICC did: if the new profile is enabled after all (the answer
 * was lost), the switch happened and 0 is returned. Otherwise make sure the
 * profile enabled before (@prev, may be NULL) is enabled again, and return
 * @rc with the renewal's explanation in the last error. */
static int enable_failed(esimlpa_ctx *ctx, const struct esimlpa_renew_options *o, int rc,
                         const struct esimlpa__saved_error *err,
                         const struct esimlpa_profile_id *new_id,
                         const struct esimlpa_profile_id *prev,
                         struct esimlpa_renew_result *res)
{
    char b1[2 * ESIMLPA_AID_MAX + 1], b2[2 * ESIMLPA_AID_MAX + 1];
    const char *new_name = id_text(new_id, b1);
    const char *prev_name = prev ? id_text(prev, b2) : NULL;
    char fate[256];
    struct esimlpa_profile_list *now = NULL;
    int lrc = profiles_snapshot(ctx, &now);
    if (lrc != ESIMLPA_OK && ctx->card_gone) {
        /* The card reset (e.g. a REFRESH): open a new session and look again. */
        esimlpa_ctx_close(ctx);
        if (esimlpa_ctx_open(ctx) == ESIMLPA_OK)
            lrc = profiles_snapshot(ctx, &now);
    }
    if (lrc != ESIMLPA_OK) {
        snprintf(fate, sizeof fate, "the profile state could not be read back (%.180s)",
                 ctx->last_error);
    } else {
        const struct esimlpa_profile_info *n = find_by_id(now, new_id);
        if (n && n->has_state && n->state == ESIMLPA_PROFILE_ENABLED) {
            esimlpa__log(ctx, ESIMLPA_LOG_WARN,
                         "renew: EnableProfile reported a failure but profile %s is enabled", new_name);
            esimlpa_profile_list_free(now);
            res->enabled = 1;
            return ESIMLPA_OK;
        }
        const struct esimlpa_profile_info *p = prev ? find_by_id(now, prev) : NULL;
        if (!prev) {
            snprintf(fate, sizeof fate, "no profile was enabled before");
        } else if (p && p->has_state && p->state == ESIMLPA_PROFILE_ENABLED) {
            snprintf(fate, sizeof fate, "the old profile %s stays enabled", prev_name);
        } else {
            esimlpa__log(ctx, ESIMLPA_LOG_WARN, "renew: old profile %s got disabled; enabling it again",
                         prev_name);
            int erc = esimlpa_profile_enable(ctx, prev, o->refresh);
            if (erc == ESIMLPA_OK) {
                res->old_reenabled = 1;
                snprintf(fate, sizeof fate, "the old profile %s was enabled again", prev_name);
            } else {
                snprintf(fate, sizeof fate, "enabling the old profile %s again failed too (%.150s)",
                         prev_name, ctx->last_error);
            }
        }
    }
    esimlpa_profile_list_free(now);
    /* The install notification still goes to the SM-DP+: the profile is installed. */
    deliver_all(ctx, o->download->http, res);
    char msg[sizeof ctx->last_error];
    snprintf(msg, sizeof msg, "renew: new profile %s installed but enabling it failed (%.200s); %.200s",
             new_name, err->text, fate);
    struct esimlpa__saved_error e = *err;
    snprintf(e.text, sizeof e.text, "%s", msg);
    esimlpa__error_restore(ctx, &e, NULL);
    return rc;
}

int esimlpa_renew_run(esimlpa_ctx *ctx, const struct esimlpa_renew_options *opts,
                      struct esimlpa_renew_result *result)
{
    struct esimlpa_renew_result local;
    struct esimlpa_renew_result *res = result ? result : &local;
    memset(res, 0, sizeof *res);
    if (!ctx)
        return ESIMLPA_EINVAL;
    if (!opts || opts->version < 1)
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "renew: options missing or of unknown version");
    if (!opts->download || !opts->download->http || !opts->download->http->post)
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "renew: download options with an HTTP transport are required");

    /* 1. Which profile is replaced, and which one is enabled now. */
    struct esimlpa_profile_list *before = NULL;
    int rc = profiles_snapshot(ctx, &before);
    if (rc != ESIMLPA_OK)
        return rc;
    struct esimlpa_profile_id old_id, prev_id;
    int have_old = 0, have_prev = 0;
    const struct esimlpa_profile_info *en = find_enabled(before);
    if (en) {
        id_of(en, &prev_id);
        have_prev = 1;
    }
    if (opts->old_profile) {
        const struct esimlpa_profile_info *p = find_by_id(before, opts->old_profile);
        if (!p) {
            char b[2 * ESIMLPA_AID_MAX + 1];
            esimlpa_profile_list_free(before);
            return esimlpa__fail(ctx, ESIMLPA_EICCID_OR_AID_NOT_FOUND,
                                 "renew: old profile %s is not on the eUICC",
                                 id_text(opts->old_profile, b));
        }
        id_of(p, &old_id);
        have_old = 1;
        snprintf(res->old_iccid, sizeof res->old_iccid, "%s", p->iccid);
    } else if (en) {
        old_id = prev_id;
        have_old = 1;
        snprintf(res->old_iccid, sizeof res->old_iccid, "%s", en->iccid);
    }
    esimlpa_profile_list_free(before);
    esimlpa__log(ctx, ESIMLPA_LOG_INFO, "renew: replacing %s",
                 have_old ? (res->old_iccid[0] ? res->old_iccid : "the enabled profile")
                          : "nothing (no profile enabled)");

    /* 2. Download; its notification is kept and delivered with the others. */
    struct esimlpa_download_options d = *opts->download;
    d.keep_notification = 1;
    rc = esimlpa_download_run(ctx, &d, &res->download);
    if (rc != ESIMLPA_OK) {
        struct esimlpa__saved_error e;
        esimlpa__error_save(ctx, &e);
        char msg[sizeof e.text];
        snprintf(msg, sizeof msg, "renew: download failed, nothing changed: %.440s", e.text);
        snprintf(e.text, sizeof e.text, "%s", msg);
        esimlpa__error_restore(ctx, &e, NULL);
        return rc;
    }
    snprintf(res->new_iccid, sizeof res->new_iccid, "%s", res->download.iccid);
    struct esimlpa_profile_id new_id;
    memset(&new_id, 0, sizeof new_id);
    if (res->download.iccid[0]) {
        new_id.kind = ESIMLPA_ID_ICCID;
        snprintf(new_id.iccid, sizeof new_id.iccid, "%s", res->download.iccid);
    } else {
        new_id.kind = ESIMLPA_ID_AID;
        memcpy(new_id.aid, res->download.isdp_aid, res->download.isdp_aid_len);
        new_id.aid_len = res->download.isdp_aid_len;
    }

    /* 3. Switch: EnableProfile disables the old one implicitly (§3.2.1). */
    rc = esimlpa_profile_enable(ctx, &new_id, opts->refresh);
    if (rc != ESIMLPA_OK) {
        struct esimlpa__saved_error e;
        esimlpa__error_save(ctx, &e);
        rc = enable_failed(ctx, opts, rc, &e, &new_id, have_prev ? &prev_id : NULL, res);
        if (rc != ESIMLPA_OK)
            return rc;
    }
    res->enabled = 1;
    if (opts->refresh) {
        /* With refreshFlag the eUICC resets the UICC session (REFRESH):
         * the logical channel is gone, so start a new one. */
        esimlpa__log(ctx, ESIMLPA_LOG_INFO, "renew: new session after the refresh");
        esimlpa_ctx_close(ctx);
        rc = esimlpa_ctx_open(ctx);
        if (rc != ESIMLPA_OK)
            return rc;
    }
    esimlpa__log(ctx, ESIMLPA_LOG_INFO, "renew: profile %s enabled", res->new_iccid);

    /* 4. Only now, and only if asked: delete the old (now disabled) profile. */
    int drc = ESIMLPA_OK;
    struct esimlpa__saved_error derr;
    if (opts->delete_old && have_old) {
        drc = esimlpa_profile_delete(ctx, &old_id);
        if (drc == ESIMLPA_OK) {
            res->old_deleted = 1;
            esimlpa__log(ctx, ESIMLPA_LOG_INFO, "renew: old profile %s deleted", res->old_iccid);
        } else {
            esimlpa__error_save(ctx, &derr);
        }
    }

    /* 5. Notifications: install, enable, disable, delete -- one transport. */
    deliver_all(ctx, opts->download->http, res);

    if (drc != ESIMLPA_OK) {
        char b1[2 * ESIMLPA_AID_MAX + 1], b2[2 * ESIMLPA_AID_MAX + 1];
        char msg[sizeof derr.text];
        snprintf(msg, sizeof msg,
                 "renew: new profile %s enabled, but deleting the old profile %s failed (%.300s)",
                 id_text(&new_id, b1), id_text(&old_id, b2), derr.text);
        snprintf(derr.text, sizeof derr.text, "%s", msg);
        esimlpa__error_restore(ctx, &derr, NULL);
        return drc;
    }
    esimlpa__clear_error(ctx);
    return ESIMLPA_OK;
}
