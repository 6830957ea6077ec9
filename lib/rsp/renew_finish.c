/* SPDX-License-Identifier: MIT */
/* The two ways a renewal ends, shared by esimlpa_renew_run() and
 * esimlpa_renew_resume(): finish (the new profile is proven: delete the old
 * one, SGP.22 §3.2.3) or roll back (enable the old one again, §3.2.1, which
 * disables the new one; optionally delete the new one). Both deliver every
 * pending notification (§3.5) and remove the journal. Both look at the
 * profile states first, so running them again after a crash is safe. */
#include <stdio.h>
#include <string.h>

#include "renew_internal.h"

void renew__one_line(char *s)
{
    /* Printable ASCII only: no line breaks, terminal controls (C0, DEL,
     * C1 in UTF-8) or direction overrides reach a terminal or a log. */
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7F)
            *s = '?';
}

int renew__finish(struct renew_run *r)
{
    esimlpa_ctx *ctx = r->ctx;
    struct renew_state *st = &r->st;
    struct esimlpa_renew_result *res = r->res;
    int drc = ESIMLPA_OK;
    struct esimlpa__saved_error derr;
    char b1[RENEW_ID_TEXT], b2[RENEW_ID_TEXT];

    if (st->delete_old && st->have_old) {
        int rc = renew__enter(r, ESIMLPA_RENEW_DELETE_OLD);
        if (rc != ESIMLPA_OK)
            return rc;
        struct esimlpa_profile_list *now = NULL;
        rc = renew__snapshot(ctx, &now);
        if (rc != ESIMLPA_OK)
            return rc;
        int present = renew__find(now, &st->old_id) != NULL;
        esimlpa_profile_list_free(now);
        if (!present) {
            res->old_deleted = 1;   /* deleted before an interruption */
        } else {
            drc = esimlpa_profile_delete(ctx, &st->old_id);
            if (drc == ESIMLPA_OK) {
                res->old_deleted = 1;
                esimlpa__log(ctx, ESIMLPA_LOG_INFO, "renew: old profile %s deleted",
                             renew__id_text(&st->old_id, b1));
            } else {
                esimlpa__error_save(ctx, &derr);
            }
        }
    }
    int rc = renew__enter(r, ESIMLPA_RENEW_NOTIFY);
    if (rc != ESIMLPA_OK)
        return rc;
    renew__deliver_all(r);
    renew__journal_remove(r);

    if (drc != ESIMLPA_OK) {
        char msg[sizeof derr.text];
        snprintf(msg, sizeof msg,
                 "renew: new profile %s enabled, but deleting the old profile %s failed (%.300s)",
                 renew__id_text(&st->new_id, b1), renew__id_text(&st->old_id, b2), derr.text);
        snprintf(derr.text, sizeof derr.text, "%s", msg);
        esimlpa__error_restore(ctx, &derr, NULL);
        return drc;
    }
    esimlpa__clear_error(ctx);
    return ESIMLPA_OK;
}

/* Step 1 of a rollback: the old profile enabled (or, with none before, the
 * new one disabled). *again: 1 if the old one had been disabled. */
static int restore_old(struct renew_run *r, int *again)
{
    esimlpa_ctx *ctx = r->ctx;
    struct renew_state *st = &r->st;
    char b[RENEW_ID_TEXT];
    struct esimlpa_profile_list *now = NULL;
    int rc = renew__snapshot(ctx, &now);
    if (rc != ESIMLPA_OK)
        return rc;
    const struct esimlpa_profile_info *old = st->have_old ? renew__find(now, &st->old_id) : NULL;
    const struct esimlpa_profile_info *nw = st->have_new ? renew__find(now, &st->new_id) : NULL;
    int old_enabled = renew__is_enabled(old), new_enabled = renew__is_enabled(nw);
    esimlpa_profile_list_free(now);
    if (st->have_old && !old) {
        /* Cannot happen by this flow's rules (the old one is only deleted
         * after the check passed); say so rather than guess. */
        return esimlpa__fail(ctx, ESIMLPA_EJOURNAL,
                             "renew: rollback: the old profile %s is no longer on the eUICC",
                             renew__id_text(&st->old_id, b));
    }
    if (st->have_old && !old_enabled) {
        esimlpa__log(ctx, ESIMLPA_LOG_INFO, "renew: enabling the old profile %s again",
                     renew__id_text(&st->old_id, b));
        rc = esimlpa_profile_enable(ctx, &st->old_id, st->refresh);
        if (rc == ESIMLPA_OK && st->refresh)
            rc = renew__reopen(ctx);
        if (rc != ESIMLPA_OK)
            return rc;
        *again = 1;
        r->res->old_reenabled = 1;
    } else if (!st->have_old && new_enabled) {
        rc = esimlpa_profile_disable(ctx, &st->new_id, st->refresh);
        if (rc == ESIMLPA_OK && st->refresh)
            rc = renew__reopen(ctx);
        if (rc != ESIMLPA_OK)
            return rc;
    }
    r->res->enabled = 0;
    return ESIMLPA_OK;
}

/* Step 2 (discard_failed): delete the new profile, if it is there. */
static int discard_new(struct renew_run *r, int *deleted)
{
    struct renew_state *st = &r->st;
    if (!st->discard_failed || !st->have_new)
        return ESIMLPA_OK;
    int rc = renew__enter(r, ESIMLPA_RENEW_DISCARD);
    if (rc != ESIMLPA_OK)
        return rc;
    struct esimlpa_profile_list *now = NULL;
    rc = renew__snapshot(r->ctx, &now);
    if (rc != ESIMLPA_OK)
        return rc;
    int present = renew__find(now, &st->new_id) != NULL;
    esimlpa_profile_list_free(now);
    if (present)
        rc = esimlpa_profile_delete(r->ctx, &st->new_id);
    if (rc == ESIMLPA_OK)
        *deleted = 1;
    return rc;
}

int renew__rollback(struct renew_run *r)
{
    esimlpa_ctx *ctx = r->ctx;
    struct renew_state *st = &r->st;
    char b1[RENEW_ID_TEXT], b2[RENEW_ID_TEXT];
    /* The old profile was disabled at some point once the switch ran. */
    int again = st->step >= ESIMLPA_RENEW_CHECK;
    renew__one_line(st->reason);
    int rc = renew__enter(r, ESIMLPA_RENEW_ROLLBACK);
    if (rc == ESIMLPA_OK)
        rc = restore_old(r, &again);
    if (rc != ESIMLPA_OK) {
        struct esimlpa__saved_error e;
        esimlpa__error_save(ctx, &e);
        char msg[sizeof e.text];
        int n = snprintf(msg, sizeof msg, "renew: rollback after '%.120s' failed: %.200s; the old "
                         "profile %s is kept", st->reason, e.text,
                         st->have_old ? renew__id_text(&st->old_id, b1) : "-");
        if (r->journal && n > 0 && (size_t)n < sizeof msg)
            snprintf(msg + n, sizeof msg - (size_t)n, "; journal %.100s kept for a resume",
                     r->journal);
        snprintf(e.text, sizeof e.text, "%s", msg);
        esimlpa__error_restore(ctx, &e, NULL);
        return rc;
    }
    int deleted = 0;
    char discard_err[200] = "";
    rc = discard_new(r, &deleted);
    if (rc != ESIMLPA_OK)
        snprintf(discard_err, sizeof discard_err, "%.190s", ctx->last_error);
    rc = renew__enter(r, ESIMLPA_RENEW_ROLLBACK_NOTIFY);
    if (rc != ESIMLPA_OK)
        return rc;
    renew__deliver_all(r);
    renew__journal_remove(r);

    char msg[sizeof ctx->last_error];
    int n;
    if (st->have_old)
        n = snprintf(msg, sizeof msg, "renew: rolled back: %s; the old profile %s is %s", st->reason,
                     renew__id_text(&st->old_id, b1), again ? "enabled again" : "still enabled");
    else
        n = snprintf(msg, sizeof msg, "renew: rolled back: %s; no profile was enabled before, "
                     "none is now", st->reason);
    if (n > 0 && (size_t)n < sizeof msg && st->have_new && st->discard_failed) {
        if (deleted)
            snprintf(msg + n, sizeof msg - (size_t)n, "; the new profile %s was deleted",
                     renew__id_text(&st->new_id, b2));
        else
            snprintf(msg + n, sizeof msg - (size_t)n,
                     "; deleting the new profile %s failed (%s)",
                     renew__id_text(&st->new_id, b2), discard_err);
    }
    r->res->rolled_back = 1;
    r->res->new_deleted = deleted;
    snprintf(r->res->rollback_reason, sizeof r->res->rollback_reason, "%s", st->reason);
    esimlpa__clear_error(ctx);
    return esimlpa__fail(ctx, ESIMLPA_EROLLED_BACK, "%s", msg);
}
