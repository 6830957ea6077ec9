/* SPDX-License-Identifier: MIT */
/* Renewal: download a new profile, switch to it, prove it with the
 * connectivity check, only then optionally delete the old one, and deliver
 * the notifications (SGP.22 §3.1 download, §3.2.1 EnableProfile with its
 * implicit disable, §3.2.3 DeleteProfile, §3.5 notifications). The journal
 * is written before every step (renew_journal.c); a failed check rolls back
 * (renew_finish.c). The card is held for the whole renewal. */
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "renew_internal.h"
#include "result_layout.h"
#include "util/util_internal.h"

#define DEFAULT_CHECK_TIMEOUT_MS 120000L

/* Enabling the new profile failed with @rc (detail saved in @err). Check
 * what the eUICC did: if the new profile is enabled after all (the answer
 * was lost), the switch happened and 0 is returned. Otherwise make sure the
 * profile enabled before (@prev, may be NULL) is enabled again, and return
 * @rc with the renewal's explanation in the last error. */
static int enable_failed(struct renew_run *r, int rc, const struct esimlpa__saved_error *err,
                         const struct esimlpa_profile_id *prev)
{
    esimlpa_ctx *ctx = r->ctx;
    const struct esimlpa_profile_id *new_id = &r->st.new_id;
    char b1[RENEW_ID_TEXT], b2[RENEW_ID_TEXT];
    const char *new_name = renew__id_text(new_id, b1);
    const char *prev_name = prev ? renew__id_text(prev, b2) : NULL;
    char fate[256];
    struct esimlpa_profile_list *now = NULL;
    int lrc = renew__snapshot(ctx, &now);
    if (lrc != ESIMLPA_OK) {
        snprintf(fate, sizeof fate, "the profile state could not be read back (%.180s)",
                 ctx->last_error);
    } else {
        const struct esimlpa_profile_info *n = renew__find(now, new_id);
        if (renew__is_enabled(n)) {
            esimlpa__log(ctx, ESIMLPA_LOG_WARN,
                         "renew: EnableProfile reported a failure but profile %s is enabled", new_name);
            esimlpa_profile_list_free(now);
            r->res->enabled = 1;
            return ESIMLPA_OK;
        }
        const struct esimlpa_profile_info *p = prev ? renew__find(now, prev) : NULL;
        if (!prev) {
            snprintf(fate, sizeof fate, "no profile was enabled before");
        } else if (renew__is_enabled(p)) {
            snprintf(fate, sizeof fate, "the old profile %s stays enabled", prev_name);
        } else {
            esimlpa__log(ctx, ESIMLPA_LOG_WARN, "renew: old profile %s got disabled; enabling it again",
                         prev_name);
            int erc = esimlpa_profile_enable(ctx, prev, r->st.refresh);
            if (erc == ESIMLPA_OK) {
                r->res->old_reenabled = 1;
                snprintf(fate, sizeof fate, "the old profile %s was enabled again", prev_name);
            } else {
                snprintf(fate, sizeof fate, "enabling the old profile %s again failed too (%.150s)",
                         prev_name, ctx->last_error);
            }
        }
    }
    esimlpa_profile_list_free(now);
    /* The install notification still goes to the SM-DP+: the profile is installed. */
    renew__deliver_all(r);
    renew__journal_remove(r);
    char msg[sizeof ctx->last_error];
    snprintf(msg, sizeof msg, "renew: new profile %s installed but enabling it failed (%.200s); %.200s",
             new_name, err->text, fate);
    struct esimlpa__saved_error e = *err;
    snprintf(e.text, sizeof e.text, "%s", msg);
    esimlpa__error_restore(ctx, &e, NULL);
    return rc;
}

/* esimlpa_ctx_cancel() during a renewal (issue 10 item 2) is honoured up
 * to the point where the old profile would be deleted: a cancel is taken
 * (and the flag cleared, so the clean-up below runs in full) at the step
 * boundaries download -> enable -> check -> delete-old. */
static int take_cancel(esimlpa_ctx *ctx)
{
    return atomic_exchange(&ctx->cancel_requested, 0) != 0;
}

/* Cancelled after the download: the new profile is installed, not enabled.
 * Its install notification still goes to the SM-DP+ (the order is used). */
static int cancelled_after_download(struct renew_run *r)
{
    char b[RENEW_ID_TEXT];
    renew__deliver_all(r);
    renew__journal_remove(r);
    esimlpa__clear_error(r->ctx);
    if (r->st.have_old)
        return esimlpa__fail(r->ctx, ESIMLPA_ECANCELLED,
                             "renew: cancelled after the download: the new profile %s is "
                             "installed, not enabled; the old profile %s stays enabled",
                             renew__id_text(&r->st.new_id, b), r->res->old_iccid[0]
                                                                  ? r->res->old_iccid : "-");
    return esimlpa__fail(r->ctx, ESIMLPA_ECANCELLED,
                         "renew: cancelled after the download: the new profile %s is "
                         "installed, not enabled", renew__id_text(&r->st.new_id, b));
}

/* Cancelled once the new profile was enabled (before or during its check):
 * roll back as for a failed check, then report the cancel. */
static int cancelled_rollback(struct renew_run *r, const char *when)
{
    snprintf(r->st.reason, sizeof r->st.reason, "cancelled %s", when);
    int rc = renew__rollback(r);
    if (rc != ESIMLPA_EROLLED_BACK)
        return rc;   /* the rollback itself failed: its own error */
    char msg[sizeof r->ctx->last_error];
    snprintf(msg, sizeof msg, "%s", r->ctx->last_error);
    esimlpa__clear_error(r->ctx);
    return esimlpa__fail(r->ctx, ESIMLPA_ECANCELLED, "%s", msg);
}

/* Run the caller's connectivity check. 0: proven; else the reason is in
 * r->st.reason. */
static int run_check(struct renew_run *r, const struct esimlpa_renew_options *o)
{
    char aid[2 * ESIMLPA_AID_MAX + 1] = "";
    const struct esimlpa_download_result *d = r->res->download;
    for (size_t i = 0; i < d->isdp_aid_len && i < ESIMLPA_AID_MAX; i++)
        snprintf(aid + 2 * i, 3, "%02X", d->isdp_aid[i]);
    struct esimlpa_renew_check_info info = {
        .new_iccid = r->res->new_iccid,
        .new_isdp_aid = aid,
        .old_iccid = r->res->old_iccid,
        .timeout_ms = r->st.check_timeout_ms,
    };
    char reason[sizeof r->st.reason] = "";
    long long t0 = esimlpa__mono_ms();
    esimlpa__log(r->ctx, ESIMLPA_LOG_INFO, "renew: checking the new profile (up to %ld s)",
                 (info.timeout_ms + 999) / 1000);
    int crc = o->check(o->check_user, &info, reason, sizeof reason);
    long long took = esimlpa__mono_ms() - t0;
    reason[sizeof reason - 1] = '\0';
    if (crc != 0 && reason[0])
        snprintf(r->st.reason, sizeof r->st.reason, "%s", reason);
    else if (took > info.timeout_ms || crc == ESIMLPA_ETIMEOUT)
        snprintf(r->st.reason, sizeof r->st.reason, "check timed out after %ld s",
                 (info.timeout_ms + 999) / 1000);
    else if (crc != 0)
        snprintf(r->st.reason, sizeof r->st.reason, "check failed (%d)", crc);
    else
        return ESIMLPA_OK;
    renew__one_line(r->st.reason);
    esimlpa__log(r->ctx, ESIMLPA_LOG_WARN, "renew: the new profile failed its check: %s",
                 r->st.reason);
    return -1;
}

static void set_new_id(struct renew_run *r)
{
    struct esimlpa_renew_result *res = r->res;
    struct esimlpa_profile_id *id = &r->st.new_id;
    memset(id, 0, sizeof *id);
    if (res->download->iccid[0]) {
        id->kind = ESIMLPA_ID_ICCID;
        snprintf(id->iccid, sizeof id->iccid, "%s", res->download->iccid);
    } else {
        id->kind = ESIMLPA_ID_AID;
        memcpy(id->aid, res->download->isdp_aid, res->download->isdp_aid_len);
        id->aid_len = res->download->isdp_aid_len;
    }
    r->st.have_new = 1;
}

/* Step 1: which profile is replaced, which one is enabled now, what is
 * installed (for a resume after a crash mid-download). */
static int survey(struct renew_run *r, const struct esimlpa_renew_options *opts,
                  struct esimlpa_profile_id *prev_id, int *have_prev)
{
    esimlpa_ctx *ctx = r->ctx;
    struct esimlpa_profile_list *before = NULL;
    int rc = renew__snapshot(ctx, &before);
    if (rc != ESIMLPA_OK)
        return rc;
    const struct esimlpa_profile_info *en = renew__find_enabled(before);
    if (en) {
        renew__id_of(en, prev_id);
        *have_prev = 1;
    }
    if (opts->old_profile) {
        const struct esimlpa_profile_info *p = renew__find(before, opts->old_profile);
        if (!p) {
            char b[RENEW_ID_TEXT];
            esimlpa_profile_list_free(before);
            return esimlpa__fail(ctx, ESIMLPA_EICCID_OR_AID_NOT_FOUND,
                                 "renew: old profile %s is not on the eUICC",
                                 renew__id_text(opts->old_profile, b));
        }
        renew__id_of(p, &r->st.old_id);
        r->st.have_old = 1;
        snprintf(r->res->old_iccid, sizeof r->res->old_iccid, "%s", p->iccid);
    } else if (en) {
        r->st.old_id = *prev_id;
        r->st.have_old = 1;
        snprintf(r->res->old_iccid, sizeof r->res->old_iccid, "%s", en->iccid);
    }
    for (size_t i = 0; i < before->count && r->st.n_before < RENEW_MAX_BEFORE; i++) {
        struct esimlpa_profile_id id;
        renew__id_of(&before->profiles[i], &id);
        renew__id_text(&id, r->st.before[r->st.n_before++]);
    }
    esimlpa_profile_list_free(before);
    return ESIMLPA_OK;
}

/* Steps 2..: download, switch, check, then finish or roll back. */
static int renew_flow(struct renew_run *r, const struct esimlpa_renew_options *opts)
{
    esimlpa_ctx *ctx = r->ctx;
    struct esimlpa_renew_result *res = r->res;
    struct esimlpa_profile_id prev_id;
    int have_prev = 0;
    int rc = survey(r, opts, &prev_id, &have_prev);
    if (rc != ESIMLPA_OK)
        return rc;
    if (r->journal && (rc = esimlpa_eid_get(ctx, r->st.eid)) != ESIMLPA_OK)
        return rc;
    esimlpa__log(ctx, ESIMLPA_LOG_INFO, "renew: replacing %s",
                 r->st.have_old ? (res->old_iccid[0] ? res->old_iccid : "the enabled profile")
                                : "nothing (no profile enabled)");

    /* 2. Download; its notification is kept and delivered with the others. */
    if ((rc = renew__enter(r, ESIMLPA_RENEW_DOWNLOAD)) != ESIMLPA_OK)
        return rc;
    /* The caller's options as far as its version has them; the result in
     * the library's own layout (version 3). */
    struct esimlpa_download_options d;
    memset(&d, 0, sizeof d);
    memcpy(&d, opts->download, opts->download->version >= 2
                                   ? sizeof d : offsetof(struct esimlpa_download_options, progress2));
    d.version = ESIMLPA_DOWNLOAD_OPTIONS_VERSION;
    d.keep_notification = 1;
    rc = esimlpa__download_run_keep_cancel(ctx, &d, res->download);
    if (rc != ESIMLPA_OK) {
        struct esimlpa__saved_error e;
        esimlpa__error_save(ctx, &e);
        renew__journal_remove(r);
        (void)take_cancel(ctx);
        char msg[sizeof e.text];
        snprintf(msg, sizeof msg, "renew: %s, nothing changed: %.440s",
                 rc == ESIMLPA_ECANCELLED ? "cancelled" : "download failed", e.text);
        snprintf(e.text, sizeof e.text, "%s", msg);
        esimlpa__error_restore(ctx, &e, NULL);
        return rc;
    }
    snprintf(res->new_iccid, sizeof res->new_iccid, "%s", res->download->iccid);
    set_new_id(r);
    if (take_cancel(ctx))
        return cancelled_after_download(r);

    /* 3. Switch: EnableProfile disables the old one implicitly (§3.2.1). */
    if ((rc = renew__enter(r, ESIMLPA_RENEW_ENABLE)) != ESIMLPA_OK)
        return rc;
    rc = esimlpa_profile_enable(ctx, &r->st.new_id, r->st.refresh);
    if (rc != ESIMLPA_OK) {
        struct esimlpa__saved_error e;
        esimlpa__error_save(ctx, &e);
        rc = enable_failed(r, rc, &e, have_prev ? &prev_id : NULL);
        if (rc != ESIMLPA_OK)
            return rc;
    }
    res->enabled = 1;
    /* With refreshFlag the eUICC resets the UICC session (REFRESH): the
     * logical channel is gone, so start a new one. */
    if (r->st.refresh && (rc = renew__reopen(ctx)) != ESIMLPA_OK)
        return rc;
    esimlpa__log(ctx, ESIMLPA_LOG_INFO, "renew: profile %s enabled", res->new_iccid);

    /* 4. Prove the new profile; a failure rolls back. */
    if (take_cancel(ctx))
        return cancelled_rollback(r, "after the switch");
    if (opts->version >= 2 && opts->check) {
        if ((rc = renew__enter(r, ESIMLPA_RENEW_CHECK)) != ESIMLPA_OK)
            return rc;
        int crc = run_check(r, opts);
        if (take_cancel(ctx))
            return cancelled_rollback(r, "during the check");
        if (crc != ESIMLPA_OK)
            return renew__rollback(r);
    }
    /* 5. Only now, and only if asked: delete the old (now disabled) profile;
     *    then the notifications: install, enable, disable, delete. */
    return renew__finish(r);
}

/* Common set-up of run and resume: argument checks, the result, the run. */
int renew__begin(esimlpa_ctx *ctx, const struct esimlpa_renew_options *opts, struct renew_run *r)
{
    memset(r, 0, sizeof *r);
    r->res = &r->full;
    r->full.struct_size = sizeof r->full;
    r->full.download = &r->dl;
    r->dl.struct_size = sizeof r->dl;
    if (!opts || opts->version < 1 || opts->version > ESIMLPA_RENEW_OPTIONS_VERSION)
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "renew: options missing or of unknown version");
    if (!opts->download || !opts->download->http || !opts->download->http->post ||
        opts->download->version < 1)
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "renew: download options with an HTTP transport are required");
    r->ctx = ctx;
    r->http = opts->download->http;
    if (opts->version >= 2) {
        r->journal = opts->journal_path;
        r->step_fn = opts->step;
        r->step_user = opts->step_user;
    }
    return ESIMLPA_OK;
}

/* Hand the result over in the caller's layout (result_layout.h); @result may be NULL. */
static void give_result(const struct esimlpa_renew_options *opts, struct renew_run *r,
                 struct esimlpa_renew_result *result)
{
    esimlpa__renew_result_give(opts && opts->version >= 1 ? opts->version : 1, &r->full, &r->dl,
                               result);
}

static int renew_run(esimlpa_ctx *ctx, const struct esimlpa_renew_options *opts,
                     struct renew_run *r)
{
    int rc = renew__begin(ctx, opts, r);
    if (rc != ESIMLPA_OK)
        return rc;
    r->st.delete_old = opts->delete_old != 0;
    r->st.refresh = opts->refresh != 0;
    if (opts->version >= 2) {
        r->st.discard_failed = opts->discard_failed != 0;
        r->st.check_requested = opts->check != NULL;
        r->st.check_timeout_ms = opts->check_timeout_ms > 0 ? opts->check_timeout_ms
                                                            : DEFAULT_CHECK_TIMEOUT_MS;
        if (opts->journal_path && !opts->journal_path[0])
            return esimlpa__fail(ctx, ESIMLPA_EINVAL, "renew: empty journal path");
        if (opts->journal_path && access(opts->journal_path, F_OK) == 0)
            return esimlpa__fail(ctx, ESIMLPA_EJOURNAL,
                                 "renew: journal %s exists: an interrupted renewal, finish it "
                                 "with resume first", opts->journal_path);
    }
    /* One owner for the whole renewal: no other program's APDUs between
     * the steps (the download, enable, check, delete each nest inside). */
    if ((rc = esimlpa__card_lock(ctx, "renew")) != ESIMLPA_OK)
        return rc;
    rc = renew_flow(r, opts);
    esimlpa__card_unlock(ctx);
    /* A cancel that came too late (deleting the old profile, notifications)
     * was for this renewal: it must not stop the next flow on this ctx. */
    atomic_store(&ctx->cancel_requested, 0);
    return rc;
}

int renew__call(esimlpa_ctx *ctx, const struct esimlpa_renew_options *opts,
                struct esimlpa_renew_result *result, renew__body_fn body)
{
    if (!ctx)
        return ESIMLPA_EINVAL;
    struct renew_run *r = calloc(1, sizeof *r);
    if (!r)
        return esimlpa__fail(ctx, ESIMLPA_ENOMEM, "renew: out of memory");
    int rc = body(ctx, opts, r);
    give_result(opts, r, result);
    free(r);
    return rc;
}

int esimlpa_renew_run(esimlpa_ctx *ctx, const struct esimlpa_renew_options *opts,
                      struct esimlpa_renew_result *result)
{
    return renew__call(ctx, opts, result, renew_run);
}
