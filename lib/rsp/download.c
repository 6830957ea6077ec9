/* SPDX-License-Identifier: MIT */
/* Profile download (SGP.22 §3.1.3, notes §1.3): the state machine from the
 * activation code to the delivered install notification, with a cancel on
 * both sides for every failure once the eUICC holds a session (notes §1.4). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include <esimlpa/activation.h>

#include "rsp_internal.h"
#include "result_layout.h"

const char *esimlpa_download_step_name(enum esimlpa_download_step step)
{
    switch (step) {
    case ESIMLPA_STEP_EUICC_CHALLENGE: return "getEUICCChallenge";
    case ESIMLPA_STEP_INITIATE_AUTH: return "initiateAuthentication";
    case ESIMLPA_STEP_AUTHENTICATE_SERVER: return "authenticateServer";
    case ESIMLPA_STEP_AUTHENTICATE_CLIENT: return "authenticateClient";
    case ESIMLPA_STEP_CONSENT: return "consent";
    case ESIMLPA_STEP_PREPARE_DOWNLOAD: return "prepareDownload";
    case ESIMLPA_STEP_GET_BPP: return "getBoundProfilePackage";
    case ESIMLPA_STEP_LOAD_BPP: return "loadBoundProfilePackage";
    case ESIMLPA_STEP_NOTIFICATION: return "handleNotification";
    case ESIMLPA_STEP_CANCEL: return "cancelSession";
    case ESIMLPA_STEP_DONE: return "done";
    }
    return "unknown";
}

struct run {
    esimlpa_ctx *ctx;
    const struct esimlpa_download_options *o;
    struct esimlpa__session s;
    struct esimlpa_activation_code ac;
    const char *matching_id;
    char *default_dp;                       /* from the eUICC, when no address was given */
    struct esimlpa__device_info device;
    uint8_t challenge[16];
    struct esimlpa_euicc_info1 *info1;
    uint8_t *auth_resp; size_t auth_resp_len;
    struct esimlpa__es9p_auth_client ac_resp;
    struct esimlpa_profile_info md;
    uint8_t tid2[16]; size_t tid2_len;      /* binary transactionId of smdpSigned2 */
    int cc_required;
    uint8_t *prep_resp; size_t prep_resp_len;
    struct esimlpa__pir pir;
    enum esimlpa_download_step cur;         /* step running now (for a cancel's message) */
    int recover;                            /* recovery on (options version 1, or !no_recover) */
    char session_file[512];                 /* "" when there is none (recover.c) */
};

/* Tell the caller's progress callback; a progress2 callback that returns
 * non-zero cancels like esimlpa_ctx_cancel(). */
static void report(struct run *r, enum esimlpa_download_step st, size_t done, size_t total)
{
    const struct esimlpa_download_options *o = r->o;
    if (o->version >= 2 && o->progress2) {
        if (o->progress2(o->progress_user, st, done, total))
            esimlpa_ctx_cancel(r->ctx);
    } else if (o->progress) {
        o->progress(o->progress_user, st, done, total);
    }
}

/* A step starts: it is also a cancel point (issue 10 item 2), so a cancel
 * takes effect before the next ES10 command or ES9+ request. */
static int step(struct run *r, enum esimlpa_download_step st, size_t done, size_t total)
{
    esimlpa__log(r->ctx, ESIMLPA_LOG_DEBUG, "download: %s", esimlpa_download_step_name(st));
    report(r, st, done, total);
    if (esimlpa__session_cancel_requested(&r->s))
        return esimlpa__fail(r->ctx, ESIMLPA_ECANCELLED, "download cancelled before %s",
                             esimlpa_download_step_name(st));
    r->cur = st;
    return ESIMLPA_OK;
}

/* After each BPP segment: non-zero stops the load before the next one. */
static int load_progress(void *user, size_t done, size_t total)
{
    struct run *r = user;
    r->cur = ESIMLPA_STEP_LOAD_BPP;
    report(r, ESIMLPA_STEP_LOAD_BPP, done, total);
    return esimlpa__session_cancel_requested(&r->s);
}

/* The session is being cancelled on both sides (cancel.c): say so. A
 * progress2 callback's answer cannot stop a cancel (it is not one). */
static void on_cancel(void *user)
{
    struct run *r = user;
    report(r, ESIMLPA_STEP_CANCEL, 0, 0);
}

static void run_free(struct run *r)
{
    esimlpa_activation_code_clear(&r->ac);
    free(r->default_dp);
    esimlpa_euicc_info1_free(r->info1);
    esimlpa__es9p_init_auth_clear(&r->s.ia);
    free(r->auth_resp);
    esimlpa__es9p_auth_client_clear(&r->ac_resp);
    esimlpa__profile_info_clear(&r->md);
    if (r->prep_resp)   /* euiccSigned2 carries hashCc (SGP.22 EUICCSigned2) */
        OPENSSL_cleanse(r->prep_resp, r->prep_resp_len);
    free(r->prep_resp);
    esimlpa__pir_clear(&r->pir);
}

/* Address and matching ID: activation code, or given directly, or the
 * eUICC's default SM-DP+ address (SGP.22 §3.1.1.2). */
static int resolve_target(struct run *r)
{
    const struct esimlpa_download_options *o = r->o;
    if (o->activation_code) {
        char err[200];
        int rc = esimlpa_activation_code_parse_ex(o->activation_code, &r->ac, err, sizeof err);
        if (rc != ESIMLPA_OK)
            return esimlpa__fail(r->ctx, rc, "%s", err[0] ? err : "malformed activation code");
        r->s.address = r->ac.smdp_address;
        r->matching_id = r->ac.matching_id;
        return ESIMLPA_OK;
    }
    r->matching_id = o->matching_id;
    if (o->smdp_address && o->smdp_address[0]) {
        r->s.address = o->smdp_address;
        return ESIMLPA_OK;
    }
    struct esimlpa_configured_addresses *a = NULL;
    int rc = esimlpa_configured_addresses_get(r->ctx, &a);
    if (rc != ESIMLPA_OK)
        return rc;
    if (a->default_dp_address && a->default_dp_address[0]) {
        r->default_dp = a->default_dp_address;
        a->default_dp_address = NULL;
    }
    esimlpa_configured_addresses_free(a);
    if (!r->default_dp)
        return esimlpa__fail(r->ctx, ESIMLPA_ENO_DEFAULT_DP,
                             "no SM-DP+ address given and the eUICC has no default SM-DP+ address");
    r->s.address = r->default_dp;
    esimlpa__log(r->ctx, ESIMLPA_LOG_INFO, "using the default SM-DP+ address %s", r->default_dp);
    return ESIMLPA_OK;
}

static void recover(struct run *r);

/* EUICCInfo1 (its CIs decide the TLS trust, so it comes first), then the
 * connect-ahead of initiateAuthentication (issue 14): TCP and TLS to the
 * SM-DP+ run while the recovery's ES10 calls and GetEUICCChallenge do. The
 * request's length does not depend on the challenge. */
static int challenge_and_connect(struct run *r)
{
    int rc;
    if ((rc = esimlpa_euicc_info1_get(r->ctx, &r->info1)) != ESIMLPA_OK ||
        (rc = esimlpa__euicc_ci_apply(r->ctx, r->s.es9.http, r->info1)) != ESIMLPA_OK)
        return rc;
    esimlpa__es9p_initiate_authentication_prepare(&r->s.es9, r->s.address, r->info1->raw,
                                                  r->info1->raw_len);
    if (r->recover) {
        recover(r);
        /* A request the recovery sent dropped the prepared one: again (on
         * the connection that request left open, when it went to this host). */
        esimlpa__es9p_initiate_authentication_prepare(&r->s.es9, r->s.address, r->info1->raw,
                                                      r->info1->raw_len);
    }
    return esimlpa__es10_get_challenge(r->ctx, r->challenge);
}

/* Everything up to an eUICC session: EUICCInfo1, challenge,
 * initiateAuthentication, AuthenticateServer. Nothing to cancel on failure. */
static int authenticate(struct run *r)
{
    int rc;
    if ((rc = step(r, ESIMLPA_STEP_EUICC_CHALLENGE, 0, 0)) != ESIMLPA_OK)
        return rc;
    if ((rc = challenge_and_connect(r)) != ESIMLPA_OK ||
        (rc = step(r, ESIMLPA_STEP_INITIATE_AUTH, 0, 0)) != ESIMLPA_OK) {
        /* The prepared request is not sent: its connection is closed now. */
        esimlpa__es9p_prepare_drop(&r->s.es9);
        return rc;
    }
    rc = esimlpa__es9p_initiate_authentication(&r->s.es9, r->s.address, r->challenge,
                                               r->info1->raw, r->info1->raw_len, &r->s.ia);
    esimlpa__session_sync_status(&r->s);
    if (rc != ESIMLPA_OK)
        return rc;
    if ((rc = step(r, ESIMLPA_STEP_AUTHENTICATE_SERVER, 0, 0)) != ESIMLPA_OK)
        return rc;
    struct esimlpa__auth_server_req req = {
        .server_signed1 = { r->s.ia.server_signed1.data, r->s.ia.server_signed1.len },
        .server_signature1 = { r->s.ia.server_signature1.data, r->s.ia.server_signature1.len },
        .ci_pkid = { r->s.ia.euicc_ci_pkid_to_be_used.data, r->s.ia.euicc_ci_pkid_to_be_used.len },
        .server_certificate = { r->s.ia.server_certificate.data, r->s.ia.server_certificate.len },
        .matching_id = r->matching_id,
        .device = &r->device,
    };
    /* Remember the session before the eUICC opens it: a killed process
     * leaves the file, the next download cancels that session (recover.c). */
    esimlpa__session_file_write(r->ctx, r->session_file, r->s.ia.transaction_id, r->s.address);
    rc = esimlpa__es10_authenticate_server(r->ctx, &req, &r->auth_resp, &r->auth_resp_len);
    if (rc != ESIMLPA_OK)
        return rc;
    r->s.euicc_session = 1;
    return ESIMLPA_OK;
}

/* authenticateClient, metadata, PPRs, consent, confirmation code,
 * PrepareDownload, getBoundProfilePackage, metadata check. A failure
 * returns the error and the cancel reason to use. */
static int negotiate(struct run *r, long *reason)
{
    esimlpa_ctx *ctx = r->ctx;
    const struct esimlpa_download_options *o = r->o;
    int rc;
    *reason = ESIMLPA__CANCEL_UNDEFINED;
    if ((rc = step(r, ESIMLPA_STEP_AUTHENTICATE_CLIENT, 0, 0)) != ESIMLPA_OK)
        return rc;
    rc = esimlpa__es9p_authenticate_client(&r->s.es9, r->s.address, r->s.ia.transaction_id,
                                           r->auth_resp, r->auth_resp_len, &r->ac_resp);
    esimlpa__session_sync_status(&r->s);
    if (rc == ESIMLPA_EES9_FAILED && strcmp(r->s.es9.status.subject_code, "8.2.6") == 0 &&
        strcmp(r->s.es9.status.reason_code, "3.8") == 0) {
        /* Refused matching ID (SGP.22 §5.6.2): most often an order downloaded
         * before. Say what to do, in the same line. */
        char first[sizeof ctx->last_error];
        snprintf(first, sizeof first, "%s", ctx->last_error);
        esimlpa__fail(ctx, rc, "%s; if this profile is not on the eUICC, the order was used up by "
                      "an earlier attempt: ask the operator to release it or for a new "
                      "activation code%s", first,
                      r->recover ? " (pending results for this SM-DP+ were sent first)" : "");
    }
    if (rc != ESIMLPA_OK)
        return rc;
    if ((rc = esimlpa__metadata_decode(ctx, "authenticateClient", r->ac_resp.profile_metadata.data,
                                       r->ac_resp.profile_metadata.len, &r->md)) != ESIMLPA_OK ||
        (rc = esimlpa__smdp_signed2_parse(ctx, r->ac_resp.smdp_signed2.data,
                                          r->ac_resp.smdp_signed2.len, r->tid2, &r->tid2_len,
                                          &r->cc_required)) != ESIMLPA_OK)
        return rc;
    int ppr_consent = 0;
    if ((rc = esimlpa__ppr_check(ctx, &r->md, &ppr_consent)) != ESIMLPA_OK) {
        if (rc == ESIMLPA_EPPR_NOT_ALLOWED)
            *reason = ESIMLPA__CANCEL_PPR_NOT_ALLOWED;
        return rc;
    }
    if ((rc = step(r, ESIMLPA_STEP_CONSENT, 0, 0)) != ESIMLPA_OK)
        return rc;
    if (o->consent && !o->consent(o->consent_user, &r->md, r->cc_required)) {
        /* A cancel (e.g. Ctrl-C at the prompt) is not the user's "no". */
        if (esimlpa__session_cancel_requested(&r->s))
            return esimlpa__fail(ctx, ESIMLPA_ECANCELLED, "download cancelled at %s",
                                 esimlpa_download_step_name(ESIMLPA_STEP_CONSENT));
        /* SGP.22 §3.1.3.5 (§5.6.5 CancelSessionReason): the end user said no. */
        *reason = ESIMLPA__CANCEL_END_USER_REJECTION;
        return esimlpa__fail(ctx, ESIMLPA_EREFUSED, "consent: profile %s refused by the user",
                             r->md.iccid);
    }
    if (ppr_consent && !o->consent)
        esimlpa__log(ctx, ESIMLPA_LOG_WARN,
                     "the RAT asks for end-user consent to the profile's PPRs; no consent callback");
    uint8_t hash_cc[32];
    int have_cc = 0;
    if (r->cc_required) {
        if (!o->confirmation_code || !o->confirmation_code[0]) {
            *reason = ESIMLPA__CANCEL_POSTPONED;
            return esimlpa__fail(ctx, ESIMLPA_ECC_REQUIRED,
                                 "authenticateClient: the SM-DP+ requires a confirmation code");
        }
        /* hashCc over the binary transactionId of smdpSigned2 (notes §2.2). */
        if (esimlpa_hash_cc(o->confirmation_code, r->tid2, r->tid2_len, hash_cc) != ESIMLPA_OK)
            return esimlpa__fail(ctx, ESIMLPA_EINVAL, "confirmation code cannot be hashed");
        have_cc = 1;
    } else if (o->confirmation_code && o->confirmation_code[0]) {
        esimlpa__log(ctx, ESIMLPA_LOG_INFO, "confirmation code given but not required; not sent");
    }
    if ((rc = step(r, ESIMLPA_STEP_PREPARE_DOWNLOAD, 0, 0)) != ESIMLPA_OK)
        return rc;
    struct esimlpa__prepare_req pr = {
        .smdp_signed2 = { r->ac_resp.smdp_signed2.data, r->ac_resp.smdp_signed2.len },
        .smdp_signature2 = { r->ac_resp.smdp_signature2.data, r->ac_resp.smdp_signature2.len },
        .hash_cc = have_cc ? hash_cc : NULL,
        .smdp_certificate = { r->ac_resp.smdp_certificate.data, r->ac_resp.smdp_certificate.len },
    };
    rc = esimlpa__es10_prepare_download(ctx, &pr, &r->prep_resp, &r->prep_resp_len);
    OPENSSL_cleanse(hash_cc, sizeof hash_cc);
    if (rc != ESIMLPA_OK)
        return rc;
    return step(r, ESIMLPA_STEP_GET_BPP, 0, 0);
}

/* getBoundProfilePackage streamed into LoadBoundProfilePackage
 * (download_stream.c): the segments go to the eUICC while the rest of the
 * package arrives, once its metadata matched what authenticateClient
 * announced. */
static int get_and_load(struct run *r, size_t *bpp_len, long *reason)
{
    struct esimlpa__bpp_stream_job job = {
        .es9 = &r->s.es9,
        .address = r->s.address,
        .transaction_id = r->s.ia.transaction_id,
        .prep_resp = r->prep_resp,
        .prep_resp_len = r->prep_resp_len,
        .announced = r->ac_resp.profile_metadata.data,
        .announced_len = r->ac_resp.profile_metadata.len,
        .announced_info = &r->md,
        .progress = load_progress,
        .progress_user = r,
    };
    int rc = esimlpa__download_bpp_stream(r->ctx, &job, &r->pir, bpp_len, reason);
    esimlpa__session_sync_status(&r->s);
    return rc;
}

/* Deliver the install result (PIR) to the notification address, or the
 * SM-DP+ address when the PIR names none. */
static int deliver_pir(struct run *r)
{
    const char *addr = r->pir.notification_address && r->pir.notification_address[0]
                           ? r->pir.notification_address
                           : r->s.address;
    (void)step(r, ESIMLPA_STEP_NOTIFICATION, 0, 0);   /* no_abort: never cancels */
    return esimlpa__notification_deliver(r->ctx, &r->s.es9, addr, r->pir.raw, r->pir.raw_len,
                                         r->pir.seq_number);
}

/* An ES9+ request given up by the abort hook says so in the transport's
 * words: name the step instead. */
static void cancel_text(struct run *r)
{
    const char *e = r->ctx->last_error;
    if (strncmp(e, "download cancelled", 18) != 0 && strstr(e, "cancelled after segment") == NULL)
        esimlpa__fail(r->ctx, ESIMLPA_ECANCELLED, "download cancelled during %s",
                      esimlpa_download_step_name(r->cur));
}

/* Before the challenge (which would end a stale session on the eUICC), after
 * EUICCInfo1 (so its requests are held to the eUICC's CIs):
 * cancel a session a killed process left, then deliver the notifications
 * pending for this SM-DP+ (issue 10 item 3; recover.c). */
static void recover(struct run *r)
{
    const struct esimlpa_download_options *o = r->o;
    int tell = o->version >= 2 && o->recovered;
    esimlpa__session_file_init(r->ctx, o->version >= 2 ? o->state_dir : NULL, r->session_file,
                               sizeof r->session_file);
    char txid[80], addr[300];
    /* A cleanup like the cancel calls: a cancel now must not cut it short
     * (the session file is gone once it is read). */
    r->s.no_abort++;
    int done = esimlpa__recover_session(r->ctx, o->http, r->session_file, txid, sizeof txid,
                                        addr, sizeof addr);
    r->s.no_abort--;
    if (done && tell)
        o->recovered(o->recovered_user, ESIMLPA_RECOVERED_SESSION, 1, addr, txid);
    size_t n = esimlpa__recover_notifications(r->ctx, &r->s.es9, r->s.address);
    if (n && tell)
        o->recovered(o->recovered_user, ESIMLPA_RECOVERED_NOTIFICATIONS, n, r->s.address, NULL);
}

static int run(struct run *r, struct esimlpa_download_result *out)
{
    esimlpa_ctx *ctx = r->ctx;
    int rc;
    if ((rc = resolve_target(r)) != ESIMLPA_OK ||
        (rc = esimlpa__device_info_init(ctx, &r->device, r->o->imei)) != ESIMLPA_OK)
        return rc;
    if ((rc = authenticate(r)) != ESIMLPA_OK) {
        if (rc == ESIMLPA_ECANCELLED)
            cancel_text(r);
        return rc;
    }
    /* An activation code naming an SM-DP+ OID binds the download to that
     * SM-DP+: another server's CERT.DPauth ends the session on both sides
     * before anything the eUICC signed reaches it (authenticateClient),
     * reason undefinedReason (SGP.22 §5.7.14 CancelSessionReason; the
     * cancel pair of §3.1.3 / notes §1.4). */
    if ((rc = esimlpa__smdp_oid_check(ctx, r->ac.smdp_oid, r->s.ia.server_certificate.data,
                                      r->s.ia.server_certificate.len)) != ESIMLPA_OK)
        return esimlpa__session_cancel(&r->s, rc, ESIMLPA__CANCEL_UNDEFINED);
    long reason;
    if ((rc = negotiate(r, &reason)) != ESIMLPA_OK) {
        if (rc == ESIMLPA_ECANCELLED) {
            cancel_text(r);
            reason = ESIMLPA__CANCEL_POSTPONED;   /* SGP.22 §5.6.5: the user or device stopped it */
        }
        return esimlpa__session_cancel(&r->s, rc, reason);
    }
    rc = get_and_load(r, &out->bpp_size, &reason);
    if (!r->pir.raw) {
        /* No result from the eUICC (server or network failure, malformed or
         * mismatching package, card failure, or cancelled): the session may
         * still be open on both sides. */
        if (rc == ESIMLPA_ECANCELLED) {
            cancel_text(r);
            reason = ESIMLPA__CANCEL_POSTPONED;   /* SGP.22 §5.6.5 */
        }
        return esimlpa__session_cancel(&r->s, rc, reason);
    }
    /* The load is over: a cancel now is too late, the flow finishes
     * (the notification is delivered) and succeeds. */
    r->s.no_abort++;
    /* A PIR, success or error, ends the session on the eUICC (notes §1.4);
     * the SM-DP+ learns the outcome from the PIR notification. */
    r->s.euicc_session = 0;
    out->notification_seq = r->pir.seq_number;
    if (r->pir.iccid[0])
        memcpy(out->iccid, r->pir.iccid, sizeof out->iccid);
    if (rc != ESIMLPA_OK) {
        struct esimlpa__saved_error first;
        esimlpa__error_save(ctx, &first);
        int nrc = deliver_pir(r);
        out->notification_delivered = nrc == ESIMLPA_OK;
        esimlpa__error_restore(ctx, &first, nrc == ESIMLPA_OK
                                                ? "; result sent to the SM-DP+"
                                                : "; result not sent to the SM-DP+ (kept pending)");
        return rc;
    }
    memcpy(out->isdp_aid, r->pir.aid, r->pir.aid_len);
    out->isdp_aid_len = r->pir.aid_len;
    esimlpa__log(ctx, ESIMLPA_LOG_INFO, "profile %s installed (notification %ld)", out->iccid,
                 out->notification_seq);
    if (!r->o->keep_notification) {
        /* The profile is installed whatever happens now: a failed delivery
         * leaves the notification pending for a later retry. */
        int nrc = deliver_pir(r);
        out->notification_delivered = nrc == ESIMLPA_OK;
    }
    esimlpa__clear_error(ctx);
    (void)step(r, ESIMLPA_STEP_DONE, 0, 0);
    return ESIMLPA_OK;
}

static int download_run(esimlpa_ctx *ctx, const struct esimlpa_download_options *opts,
                        struct esimlpa_download_result *out, int keep_cancel)
{
    if (!ctx)
        return ESIMLPA_EINVAL;
    esimlpa__clear_error(ctx);
    esimlpa__ctx_set_es9_status(ctx, NULL);
    if (!opts || opts->version < 1 || opts->version > ESIMLPA_DOWNLOAD_OPTIONS_VERSION)
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "download: options missing or of version %u",
                             opts ? opts->version : 0);
    if (!opts->http || !opts->http->post)
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "download: no HTTP transport");
    if (opts->activation_code && opts->smdp_address)
        return esimlpa__fail(ctx, ESIMLPA_EINVAL,
                             "download: give an activation code or an SM-DP+ address, not both");
    if (!ctx->open)
        return esimlpa__fail(ctx, ESIMLPA_ESTATE, "download: context is not open");
    struct run *r = calloc(1, sizeof *r);
    if (!r)
        return esimlpa__fail(ctx, ESIMLPA_ENOMEM, "download: out of memory");
    r->ctx = ctx;
    r->o = opts;
    r->s.ctx = ctx;
    r->s.es9.ctx = ctx;
    r->s.es9.http = opts->http;
    r->s.on_cancel = on_cancel;
    r->s.on_cancel_user = r;
    r->recover = opts->version < 2 || !opts->no_recover;
    /* A download is one session: the card is ours from the challenge to the
     * last notification (issue: one owner per card). */
    int rc = esimlpa__card_lock(ctx, "download");
    if (rc == ESIMLPA_OK) {
        esimlpa__session_abort_hook(&r->s, 1);
        rc = run(r, out);
        esimlpa__session_abort_hook(&r->s, 0);
        /* The session is over on both sides, unless the SM-DP+ could not be
         * told of a cancel: then the next download tells it. */
        if (!r->s.server_not_told)
            esimlpa__session_file_remove(r->session_file);
        esimlpa__card_unlock(ctx);
    }
    /* The cancel request was for this download (esimlpa_ctx_cancel); a
     * renewal keeps one that came too late for the download (renew.c). */
    if (!keep_cancel)
        atomic_store(&ctx->cancel_requested, 0);
    /* The metadata ICCID, when the PIR did not name it. */
    if (!out->iccid[0] && r->md.iccid[0])
        memcpy(out->iccid, r->md.iccid, sizeof out->iccid);
    run_free(r);
    free(r);
    return rc;
}

int esimlpa_download_run(esimlpa_ctx *ctx, const struct esimlpa_download_options *opts,
                         struct esimlpa_download_result *out)
{
    /* Filled in the library's layout, handed over in the caller's
     * (result_layout.h): options before version 3 have the version-1 one. */
    struct esimlpa_download_result full;
    memset(&full, 0, sizeof full);
    full.struct_size = sizeof full;
    full.notification_seq = -1;
    int rc = download_run(ctx, opts, &full, 0);
    esimlpa__download_result_give(opts && opts->version >= 1 ? opts->version : 1, &full, out);
    return rc;
}

int esimlpa__download_run_keep_cancel(esimlpa_ctx *ctx, const struct esimlpa_download_options *opts,
                                      struct esimlpa_download_result *out)
{
    out->notification_seq = -1;
    return download_run(ctx, opts, out, 1);
}
