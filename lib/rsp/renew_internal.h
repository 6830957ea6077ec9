/* SPDX-License-Identifier: MIT */
/* Shared state of the renewal flow (renew.c), its journal (renew_journal.c),
 * its endings -- finish or roll back -- (renew_finish.c) and the resume
 * (renew_resume.c). Internal, not installed. */
#ifndef ESIMLPA_RENEW_INTERNAL_H
#define ESIMLPA_RENEW_INTERNAL_H

#include <esimlpa/renew.h>

#include "rsp_internal.h"

#define RENEW_MAX_BEFORE 64           /* profiles remembered from before the download */
#define RENEW_ID_TEXT (2 * ESIMLPA_AID_MAX + 1)

/* Everything a resume needs to know; the journal holds exactly this. */
struct renew_state {
    char eid[ESIMLPA_EID_LEN + 1];
    enum esimlpa_renew_step step;
    int have_old;                     /* a profile was enabled (or named) before */
    struct esimlpa_profile_id old_id;
    int have_new;                     /* the new profile is known (download done) */
    struct esimlpa_profile_id new_id;
    /* ICCIDs/AIDs (as id text) on the eUICC before the download: after a
     * crash during the download, a profile not in this list is the new one. */
    char before[RENEW_MAX_BEFORE][RENEW_ID_TEXT];
    size_t n_before;
    int delete_old, discard_failed, refresh, check_requested;
    long check_timeout_ms;
    char reason[256];                 /* why it rolls back (rollback steps) */
};

/* What the flow runs with: options, result, journal path, transport. */
struct renew_run {
    esimlpa_ctx *ctx;
    struct esimlpa_http_transport *http;
    const char *journal;              /* NULL: no journal */
    esimlpa_renew_step_fn step_fn;
    void *step_user;
    struct esimlpa_renew_result *res;  /* = &full; handed over at the end (result_layout.h) */
    struct esimlpa_renew_result full;
    struct esimlpa_download_result dl; /* full.download points here */
    struct renew_state st;
};

/* ---- renew.c ---- */
/* Check the options, set up @r with a cleared result in the library's layout. */
int renew__begin(esimlpa_ctx *ctx, const struct esimlpa_renew_options *opts, struct renew_run *r);
/* The body of a public renewal call (run or resume), on a fresh renew_run. */
typedef int (*renew__body_fn)(esimlpa_ctx *ctx, const struct esimlpa_renew_options *opts,
                              struct renew_run *r);
/* Allocate the run, call @body, hand the result over (renew__give), free. */
int renew__call(esimlpa_ctx *ctx, const struct esimlpa_renew_options *opts,
                struct esimlpa_renew_result *result, renew__body_fn body);

/* ---- renew_journal.c ---- */
/* Record @step in the state, write the journal atomically (when there is
 * one) and call the step callback. ESIMLPA_EJOURNAL names the file. */
int renew__enter(struct renew_run *r, enum esimlpa_renew_step step);
/* Read @path into @st. ESIMLPA_EJOURNAL with a one-line detail. */
int renew__journal_read(esimlpa_ctx *ctx, const char *path, struct renew_state *st);
/* The renewal ended: remove the journal (and fsync its directory). */
void renew__journal_remove(struct renew_run *r);

/* ---- renew_profiles.c ---- */
int renew__snapshot(esimlpa_ctx *ctx, struct esimlpa_profile_list **out);
const struct esimlpa_profile_info *renew__find(const struct esimlpa_profile_list *l,
                                              const struct esimlpa_profile_id *id);
const struct esimlpa_profile_info *renew__find_enabled(const struct esimlpa_profile_list *l);
void renew__id_of(const struct esimlpa_profile_info *p, struct esimlpa_profile_id *id);
const char *renew__id_text(const struct esimlpa_profile_id *id, char buf[RENEW_ID_TEXT]);
int renew__id_parse(const char *text, struct esimlpa_profile_id *id);
int renew__is_enabled(const struct esimlpa_profile_info *p);
/* Deliver every pending notification; failures are recorded in the result only. */
void renew__deliver_all(struct renew_run *r);
/* A new session after a refresh (the eUICC reset the UICC session). */
int renew__reopen(esimlpa_ctx *ctx);

/* ---- renew_finish.c ---- */
/* Replace all but printable ASCII by '?': reasons end up in one-line messages. */
void renew__one_line(char *s);
/* The new profile is proven: delete the old one (if asked), deliver the
 * notifications, remove the journal. */
int renew__finish(struct renew_run *r);
/* The new profile failed (reason in r->st.reason): enable the old one again,
 * delete the new one if asked, deliver the notifications, remove the
 * journal; ESIMLPA_EROLLED_BACK with the one-line explanation. Idempotent:
 * it looks at the profile states first, so a resume can run it again. */
int renew__rollback(struct renew_run *r);

#endif
