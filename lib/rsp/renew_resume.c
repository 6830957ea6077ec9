/* SPDX-License-Identifier: MIT */
/* Resume an interrupted renewal from its journal. The rule: never delete a
 * profile whose replacement was not proven. A check that had not passed
 * before the crash is not run again (whatever it would have shown died with
 * the process, and the device may have restarted because the new profile
 * misbehaved): the renewal rolls back. After the check passed, the renewal
 * is finished. See esimlpa_renew_resume() in renew.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "renew_internal.h"

static int in_before(const struct renew_state *st, const char *text)
{
    for (size_t i = 0; i < st->n_before; i++)
        if (strcmp(st->before[i], text) == 0)
            return 1;
    return 0;
}

/* After a crash mid-download the journal has no new profile: one that was
 * not on the eUICC before is it. */
static void find_new(struct renew_state *st, const struct esimlpa_profile_list *now)
{
    char b[RENEW_ID_TEXT];
    for (size_t i = 0; i < now->count && !st->have_new; i++) {
        struct esimlpa_profile_id id;
        renew__id_of(&now->profiles[i], &id);
        if (!in_before(st, renew__id_text(&id, b))) {
            st->new_id = id;
            st->have_new = 1;
        }
    }
}

static void result_ids(struct renew_run *r)
{
    if (r->st.have_old && r->st.old_id.kind == ESIMLPA_ID_ICCID)
        snprintf(r->res->old_iccid, sizeof r->res->old_iccid, "%s", r->st.old_id.iccid);
    if (r->st.have_new && r->st.new_id.kind == ESIMLPA_ID_ICCID)
        snprintf(r->res->new_iccid, sizeof r->res->new_iccid, "%s", r->st.new_id.iccid);
}

static int resume_flow(struct renew_run *r, const char *path)
{
    esimlpa_ctx *ctx = r->ctx;
    struct renew_state *st = &r->st;
    char eid[ESIMLPA_EID_LEN + 1];
    int rc = esimlpa_eid_get(ctx, eid);
    if (rc != ESIMLPA_OK)
        return rc;
    if (strcmp(eid, st->eid) != 0)
        return esimlpa__fail(ctx, ESIMLPA_EJOURNAL,
                             "renew: journal %s is for eUICC %s, not this one (%s)", path, st->eid,
                             eid);
    struct esimlpa_profile_list *now = NULL;
    if ((rc = renew__snapshot(ctx, &now)) != ESIMLPA_OK)
        return rc;
    if (!st->have_new)
        find_new(st, now);
    const struct esimlpa_profile_info *nw = st->have_new ? renew__find(now, &st->new_id) : NULL;
    int new_present = nw != NULL, new_enabled = renew__is_enabled(nw);
    esimlpa_profile_list_free(now);
    result_ids(r);
    enum esimlpa_renew_step at = st->step;
    r->res->resumed = 1;
    r->res->resumed_at = at;
    esimlpa__log(ctx, ESIMLPA_LOG_INFO, "renew: resuming at step %s", esimlpa_renew_step_name(at));

    switch (at) {
    case ESIMLPA_RENEW_DOWNLOAD:
    case ESIMLPA_RENEW_ENABLE:
    case ESIMLPA_RENEW_CHECK:
        if (!st->check_requested && new_enabled && at != ESIMLPA_RENEW_DOWNLOAD) {
            /* No check asked: the switch itself is the proof. */
            r->res->enabled = 1;
            return renew__finish(r);
        }
        if (!new_present)
            snprintf(st->reason, sizeof st->reason,
                     "the renewal was interrupted at step '%s', the new profile was not installed",
                     esimlpa_renew_step_name(at));
        else
            snprintf(st->reason, sizeof st->reason,
                     "the renewal was interrupted at step '%s' before the new profile was proven",
                     esimlpa_renew_step_name(at));
        return renew__rollback(r);
    case ESIMLPA_RENEW_DELETE_OLD:
    case ESIMLPA_RENEW_NOTIFY:
        if (!new_present) {
            char b[RENEW_ID_TEXT];
            snprintf(st->reason, sizeof st->reason, "the new profile %s is no longer on the eUICC",
                     st->have_new ? renew__id_text(&st->new_id, b) : "?");
            return renew__rollback(r);
        }
        r->res->enabled = new_enabled;
        return renew__finish(r);
    default:   /* a rollback was under way: finish it */
        if (!st->reason[0])
            snprintf(st->reason, sizeof st->reason, "the new profile failed its check");
        return renew__rollback(r);
    }
}

static int resume(esimlpa_ctx *ctx, const struct esimlpa_renew_options *opts,
                  struct renew_run *r)
{
    int rc = renew__begin(ctx, opts, r);
    if (rc != ESIMLPA_OK)
        return rc;
    if (!r->journal || !r->journal[0])
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "renew: resume needs the journal path");
    if ((rc = renew__journal_read(ctx, r->journal, &r->st)) != ESIMLPA_OK)
        return rc;
    if ((rc = esimlpa__card_lock(ctx, "renew")) != ESIMLPA_OK)
        return rc;
    /* A download killed mid-session (its session file is in the download
     * options' state_dir) left the order pending on the SM-DP+ and maybe a
     * session on the eUICC: cancel both first (postponed), as the next
     * download would (issue 10 item 3). */
    const struct esimlpa_download_options *d = opts->download;
    char sf[600], txid[80], addr[300];
    if (d && d->version >= 2 && r->http &&
        esimlpa__session_file_init(ctx, d->state_dir, sf, sizeof sf) &&
        esimlpa__recover_session(ctx, r->http, sf, txid, sizeof txid, addr, sizeof addr)) {
        esimlpa__log(ctx, ESIMLPA_LOG_INFO, "renew: cancelled the interrupted download session");
        if (d->recovered)
            d->recovered(d->recovered_user, ESIMLPA_RECOVERED_SESSION, 1, addr, txid);
    }
    rc = resume_flow(r, r->journal);
    esimlpa__card_unlock(ctx);
    return rc;
}

int esimlpa_renew_resume(esimlpa_ctx *ctx, const struct esimlpa_renew_options *opts,
                         struct esimlpa_renew_result *result)
{
    return renew__call(ctx, opts, result, resume);
}
