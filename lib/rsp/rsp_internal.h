/* SPDX-License-Identifier: MIT */
/* Shared pieces of the RSP flows (download, notifications, discovery).
 * Internal, not installed. */
#ifndef ESIMLPA_RSP_INTERNAL_H
#define ESIMLPA_RSP_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <esimlpa/download.h>

#include "../core/card_lock.h"
#include "../core/ctx_internal.h"
#include "../es10/es10_download.h"
#include "../es9p/es9p_internal.h"

/* ---- device_info.c ---- */

/* Default TAC 35 29 06 11 (notes §4.3), or TAC = first 4 bytes of the
 * swapped-BCD IMEI (15 or 16 digits). NULL or "" means no IMEI.
 * ESIMLPA_EINVAL (with detail) for a malformed IMEI. */
int esimlpa__device_info_init(esimlpa_ctx *ctx, struct esimlpa__device_info *di,
                              const char *imei);

/* ---- metadata.c ---- */

/* Decode a StoreMetadataRequest (BF25, notes §10.2) into @out (free with
 * esimlpa__profile_info_clear). ESIMLPA_EDECODE names the bad field. */
int esimlpa__metadata_decode(esimlpa_ctx *ctx, const char *what, const uint8_t *p, size_t len,
                             struct esimlpa_profile_info *out);
void esimlpa__profile_info_clear(struct esimlpa_profile_info *p);

/* The BPP's metadata (cleartext 88 segments) against authenticateClient's
 * profileMetadata: identical bytes, or the same ICCID, names, class, owner
 * and PPRs. ESIMLPA_EMETADATA_MISMATCH names the field that differs. */
int esimlpa__metadata_compare(esimlpa_ctx *ctx, const uint8_t *bpp, size_t bpp_len,
                              const uint8_t *announced, size_t announced_len,
                              const struct esimlpa_profile_info *announced_info);

/* The same from the metadata bytes themselves (the 88 values without MACs). */
int esimlpa__metadata_compare_md(esimlpa_ctx *ctx, const uint8_t *md, size_t md_len,
                                 const uint8_t *announced, size_t announced_len,
                                 const struct esimlpa_profile_info *announced_info);

/* ---- download_stream.c ---- */

/* What the streamed getBoundProfilePackage + LoadBoundProfilePackage needs. */
struct esimlpa__bpp_stream_job {
    struct esimlpa__es9p *es9;
    const char *address, *transaction_id;
    const uint8_t *prep_resp;                   /* PrepareDownload's answer */
    size_t prep_resp_len;
    const uint8_t *announced;                   /* authenticateClient's profileMetadata */
    size_t announced_len;
    const struct esimlpa_profile_info *announced_info;
    /* after each segment (done/total bytes of the BF36); non-zero cancels */
    int (*progress)(void *user, size_t done, size_t total);
    void *progress_user;
};

/*
 * getBoundProfilePackage with its answer streamed into the eUICC (issue 14):
 * each segment goes to LoadBoundProfilePackage as soon as it is whole; BF23
 * and A0 are held back until A1 (StoreMetadata) matched the announced
 * metadata (esimlpa__metadata_compare semantics), so nothing reaches the
 * eUICC before that. Returns ESIMLPA_OK or an error; @pir is filled when the
 * eUICC answered a BF37 (then the return is its result, as
 * esimlpa__pir_decode). Without a PIR, *reason is the CancelSessionReason
 * to end the session with (metadataMismatch; loadBppExecutionError once a
 * segment reached the eUICC; else undefinedReason). *bpp_len: bytes of BF36.
 */
int esimlpa__download_bpp_stream(esimlpa_ctx *ctx, const struct esimlpa__bpp_stream_job *job,
                                 struct esimlpa__pir *pir, size_t *bpp_len, long *reason);

/* PPRs of a profile against the eUICC's RAT (notes §10.9): every PPR set
 * must be allowed for the profile owner by some rule. 0 if allowed (or no
 * PPR); ESIMLPA_EPPR_NOT_ALLOWED; errors of GetRAT. *consent_required is
 * set when a matching rule asks for end-user consent. */
int esimlpa__ppr_check(esimlpa_ctx *ctx, const struct esimlpa_profile_info *md,
                       int *consent_required);

/* ---- cancel.c ---- */

/* CancelSessionReason (SGP.22 §5.7.14). */
enum {
    ESIMLPA__CANCEL_END_USER_REJECTION = 0,
    ESIMLPA__CANCEL_POSTPONED = 1,
    ESIMLPA__CANCEL_TIMEOUT = 2,
    ESIMLPA__CANCEL_PPR_NOT_ALLOWED = 3,
    ESIMLPA__CANCEL_METADATA_MISMATCH = 4,
    ESIMLPA__CANCEL_LOAD_BPP_ERROR = 5,
    ESIMLPA__CANCEL_UNDEFINED = 127,
};

/* An RSP session with one server. */
struct esimlpa__session {
    esimlpa_ctx *ctx;
    struct esimlpa__es9p es9;
    const char *address;                   /* server address (not owned) */
    struct esimlpa__es9p_init_auth ia;     /* transactionId (both forms) and server blobs */
    int euicc_session;                     /* AuthenticateServer succeeded */
    int no_abort;                          /* > 0: cancellation is not honoured (the cancel
                                              calls themselves, or the profile is installed) */
    int server_not_told;                   /* a cancel did not reach the SM-DP+ */
    /* Optional: told when esimlpa__session_cancel starts cancelling (the
     * download reports ESIMLPA_STEP_CANCEL through it). */
    void (*on_cancel)(void *user);
    void *on_cancel_user;
};

/* 1 when esimlpa_ctx_cancel() asked the flow to stop and it still may. */
int esimlpa__session_cancel_requested(const struct esimlpa__session *s);
/* Give the HTTP transport (version >= 3 with set_abort) a hook reading that,
 * so a wait for the server ends when cancelled; on = 0 removes it. */
void esimlpa__session_abort_hook(struct esimlpa__session *s, int on);

/* Report the ES9+ client's status to the context (esimlpa__ctx_set_es9_status). */
void esimlpa__session_sync_status(struct esimlpa__session *s);

/*
 * Cancel after a failure that returned @rc: ES10b.CancelSession with
 * @reason, then ES9+ cancelSession with the eUICC's answer. Secondary
 * errors are logged, not returned. The last error, result code, status
 * word and ES9+ status of the first failure are kept, with
 * "; session cancelled" (or why not) appended. Returns @rc.
 */
int esimlpa__session_cancel(struct esimlpa__session *s, int rc, long reason);

/* Keep the first failure's detail across later calls. */
struct esimlpa__saved_error {
    char text[sizeof ((struct esimlpa_ctx *)0)->last_error];
    uint16_t sw;
    int result_code;
    struct esimlpa_es9_status es9;
};
void esimlpa__error_save(const esimlpa_ctx *ctx, struct esimlpa__saved_error *e);
void esimlpa__error_restore(esimlpa_ctx *ctx, const struct esimlpa__saved_error *e,
                            const char *suffix);

/* ---- euicc_ci.c ---- */

/* Cache @info1's euiccCiPKIdListForVerification on @ctx (when @info1 is
 * given) and pass the cached list to @http's set_euicc_ci (version >= 3),
 * so TLS trusts only CIs the eUICC trusts. No list known: nothing done. */
int esimlpa__euicc_ci_apply(esimlpa_ctx *ctx, struct esimlpa_http_transport *http,
                            const struct esimlpa_euicc_info1 *info1);

/* ---- smdp_oid.c ---- */

/* @want (the activation code's SM-DP+ OID, dotted; NULL/"" = none) against
 * the registeredID of CERT.DPauth (@cert, DER). ESIMLPA_EOID_MISMATCH with
 * both OIDs named when they differ or the certificate has none. */
int esimlpa__smdp_oid_check(esimlpa_ctx *ctx, const char *want, const uint8_t *cert,
                            size_t cert_len);

/* ---- notify.c ---- */

/* handleNotification of @der to @address, then RemoveNotificationFromList
 * (@seq) only after a 2xx. Returns 0 when delivered and removed. */
int esimlpa__notification_deliver(esimlpa_ctx *ctx, struct esimlpa__es9p *es9, const char *address,
                                  const uint8_t *der, size_t der_len, long seq);

/* ---- recover.c (issue 10 item 3) ---- */

/* Deliver the pending notifications addressed to @address (handleNotification,
 * then RemoveNotificationFromList). Returns how many were delivered; errors
 * are logged, the last error is cleared. */
size_t esimlpa__recover_notifications(esimlpa_ctx *ctx, struct esimlpa__es9p *es9,
                                      const char *address);
/* Path of the session file into @path: @state_dir + "/session-<EID>" (GetEID).
 * 0 (path "") when @state_dir is NULL or "", or without an EID. */
int esimlpa__session_file_init(esimlpa_ctx *ctx, const char *state_dir, char *path, size_t cap);
/* "TRANSACTIONID ADDRESS" written atomically (write, fsync, rename). */
void esimlpa__session_file_write(esimlpa_ctx *ctx, const char *path, const char *txid,
                                 const char *address);
void esimlpa__session_file_remove(const char *path);
/* If the file exists: remove it, cancel that session on the eUICC (reason
 * postponed) and pass the answer to the SM-DP+ (ES9+ cancelSession). Returns
 * 1 and fills @txid / @address when something was cancelled, else 0. */
int esimlpa__recover_session(esimlpa_ctx *ctx, struct esimlpa_http_transport *http,
                             const char *path, char *txid, size_t txid_cap, char *address,
                             size_t address_cap);

/* esimlpa_download_run() for a renewal: @out in the library's own layout
 * (struct_size set by the caller), and a cancel that came too late to stop
 * the download stays requested for the renewal's next step. */
int esimlpa__download_run_keep_cancel(esimlpa_ctx *ctx, const struct esimlpa_download_options *opts,
                                      struct esimlpa_download_result *out);

#endif
