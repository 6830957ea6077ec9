/* SPDX-License-Identifier: MIT */
/**
 * @file download.h
 * @brief The consumer RSP flows (SGP.22 §3.1, §3.3, §3.5): profile download
 *        from an activation code, notification delivery, SM-DS discovery.
 *
 * Each flow runs on an open context (the eUICC) and an HTTP transport (the
 * servers). On any failure after the eUICC or the SM-DP+ holds session state,
 * the flow cancels the session on both sides (ES10b.CancelSession, then ES9+
 * cancelSession) before returning the precise error of the failing step.
 */
#ifndef ESIMLPA_DOWNLOAD_H
#define ESIMLPA_DOWNLOAD_H

#include <stddef.h>
#include <stdint.h>

#include <esimlpa/ctx.h>
#include <esimlpa/es10.h>
#include <esimlpa/http.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Steps of a download, reported to the progress callback and in errors. */
enum esimlpa_download_step {
    ESIMLPA_STEP_EUICC_CHALLENGE = 1,   /**< GetEUICCChallenge + GetEUICCInfo1 */
    ESIMLPA_STEP_INITIATE_AUTH,         /**< ES9+ initiateAuthentication */
    ESIMLPA_STEP_AUTHENTICATE_SERVER,   /**< ES10b.AuthenticateServer */
    ESIMLPA_STEP_AUTHENTICATE_CLIENT,   /**< ES9+ authenticateClient */
    ESIMLPA_STEP_CONSENT,               /**< metadata shown to the user */
    ESIMLPA_STEP_PREPARE_DOWNLOAD,      /**< ES10b.PrepareDownload */
    ESIMLPA_STEP_GET_BPP,               /**< ES9+ getBoundProfilePackage */
    ESIMLPA_STEP_LOAD_BPP,              /**< ES10b.LoadBoundProfilePackage (done/total = bytes) */
    ESIMLPA_STEP_NOTIFICATION,          /**< ES9+ handleNotification + RemoveNotificationFromList */
    ESIMLPA_STEP_CANCEL,                /**< cancelling after a failure */
    ESIMLPA_STEP_DONE,
};

/** Name of a step, e.g. "getBoundProfilePackage". Never NULL. */
const char *esimlpa_download_step_name(enum esimlpa_download_step step);

/** Progress: @p done of @p total bytes within LOAD_BPP, else 0/0. */
typedef void (*esimlpa_progress_fn)(void *user, enum esimlpa_download_step step,
                                    size_t done, size_t total);

/**
 * Consent: called with the profile metadata from authenticateClient before
 * anything is installed. Return non-zero to go on, 0 to refuse (the session
 * is then cancelled with reason endUserRejection and the download returns
 * ESIMLPA_EREFUSED).
 */
typedef int (*esimlpa_consent_fn)(void *user, const struct esimlpa_profile_info *metadata,
                                  int confirmation_code_required);

/**
 * Progress that may stop the download: like esimlpa_progress_fn; a non-zero
 * return has the effect of esimlpa_ctx_cancel() (the download stops at the
 * next ES10 command, BPP segment or HTTP request, cancels the session with
 * reason postponed and returns ESIMLPA_ECANCELLED).
 */
typedef int (*esimlpa_progress2_fn)(void *user, enum esimlpa_download_step step,
                                    size_t done, size_t total);

/** What the recovery before a download did (see no_recover). */
enum esimlpa_recovery_kind {
    /** @p count pending notifications were delivered to @p address first */
    ESIMLPA_RECOVERED_NOTIFICATIONS = 1,
    /** a session left by an interrupted download (transactionId @p detail)
     *  with @p address was cancelled on the eUICC (and the SM-DP+, when it
     *  could be reached) with reason postponed; @p count is 1 */
    ESIMLPA_RECOVERED_SESSION,
};
/** Told what the recovery before a download did (@p address and @p detail
 *  are server/card text: show them escaped). */
typedef void (*esimlpa_recovery_fn)(void *user, enum esimlpa_recovery_kind kind, size_t count,
                                    const char *address, const char *detail);

/** Version 2 added progress2, no_recover, state_dir and recovered; version 3
 *  means the result struct follows the size rule (struct_size, see
 *  esimlpa.h "Out structs"). Older versions are still accepted: with them the
 *  result has the version-1 layout (the members after struct_size, without
 *  it). */
#define ESIMLPA_DOWNLOAD_OPTIONS_VERSION 3

/** What esimlpa_download_run() does and with what. */
struct esimlpa_download_options {
    unsigned version;                 /**< ESIMLPA_DOWNLOAD_OPTIONS_VERSION */
    const char *activation_code;      /**< "LPA:1$host$matchingId..." ... */
    const char *smdp_address;         /**< ... or the address and matching ID directly; */
    const char *matching_id;          /**<     NULL address: the eUICC's default SM-DP+ address */
    /** Needed when ccRequiredFlag is set; never logged. Read only after the
     *  consent callback returned, so the callback may fill the buffer this
     *  points to (e.g. ask the user once it knows a code is required). */
    const char *confirmation_code;
    const char *imei;                 /**< optional 15/16 digits; its first 8 give the TAC */
    struct esimlpa_http_transport *http; /**< required */
    esimlpa_consent_fn consent;       /**< NULL: accept */
    void *consent_user;               /**< passed to consent */
    esimlpa_progress_fn progress;     /**< optional */
    void *progress_user;              /**< passed to progress and progress2 */
    int keep_notification;            /**< non-zero: do not send the install notification now */
    /* version 2 */
    esimlpa_progress2_fn progress2;   /**< optional; called instead of progress, with progress_user */
    /**
     * Non-zero: skip the recovery done before a download: (1) the pending
     * notifications addressed to the same SM-DP+ are delivered first (an
     * error PIR is what releases an order stuck by an earlier failure), and
     * (2) a session left open by a process that was killed (remembered in
     * the session file, see state_dir) is cancelled on the eUICC and the
     * SM-DP+ with reason postponed (SGP.22 §5.6.5, §5.7.14).
     */
    int no_recover;
    /**
     * Directory (existing, writable) for the session file "session-<EID>":
     * the transactionId and SM-DP+ of a running download, written (write,
     * fsync, rename) before AuthenticateServer and removed when the session
     * has ended on both sides. NULL or "": no session file. The CLI uses
     * $XDG_STATE_HOME/esimlpa, else ~/.local/state/esimlpa.
     */
    const char *state_dir;
    esimlpa_recovery_fn recovered;    /**< optional: told what the recovery did */
    void *recovered_user;             /**< passed to recovered */
};

/** What esimlpa_download_run() installed (an out struct: set struct_size,
 *  see esimlpa.h "Out structs"). */
struct esimlpa_download_result {
    size_t struct_size;               /**< in: sizeof the caller's struct; out: bytes written */
    char iccid[ESIMLPA_ICCID_MAX + 1]; /**< ICCID of the installed profile ("" if unknown) */
    uint8_t isdp_aid[ESIMLPA_AID_MAX]; /**< its ISD-P AID */
    size_t isdp_aid_len;              /**< bytes in isdp_aid (0 if unknown) */
    long notification_seq;            /**< seqNumber of the install notification */
    int notification_delivered;       /**< 1: sent and removed from the eUICC */
    size_t bpp_size;                  /**< bytes of the bound profile package */
};

/** Download and install a profile. @p out may be NULL. */
int esimlpa_download_run(esimlpa_ctx *ctx, const struct esimlpa_download_options *opts,
                         struct esimlpa_download_result *out);

/**
 * Deliver pending notifications: @p seq_number < 0 all, else that one. Each is
 * removed from the eUICC only after its server accepted it (HTTP 2xx); one
 * that fails stays pending. *delivered / *failed count them (may be NULL).
 * Returns 0 when all requested notifications were delivered, else the error
 * of the first failure.
 */
int esimlpa_notifications_process(esimlpa_ctx *ctx, struct esimlpa_http_transport *http,
                                  long seq_number, size_t *delivered, size_t *failed);

/**
 * Send one notification exported earlier (the whole PendingNotification TLV,
 * SGP.22 §5.7.10, as RetrieveNotificationsList gave it) to @p address with
 * ES9+ handleNotification, without the eUICC: @p ctx is used for errors and
 * logging only and need not be open. The server is verified against the
 * eUICC's CIs when a flow on @p ctx has read them, else against the
 * transport's whole trust. The notification is not removed from any eUICC.
 * Returns 0 when the server accepted it (HTTP 2xx), ESIMLPA_EINVAL for a blob
 * that is not a PendingNotification, else the HTTP/ES9+ error.
 */
int esimlpa_notification_send(esimlpa_ctx *ctx, struct esimlpa_http_transport *http,
                              const char *address, const uint8_t *der, size_t der_len);

/** One event from an SM-DS: a profile waiting at rsp_server_address. */
struct esimlpa_event {
    char *event_id;             /**< the matching ID to download it with */
    char *rsp_server_address;   /**< the SM-DP+ holding it (server text: show it escaped) */
};
/** The events an SM-DS returned; free with esimlpa_event_list_free(). */
struct esimlpa_event_list {
    struct esimlpa_event *items;    /**< count entries */
    size_t count;                   /**< number of events */
};

/**
 * SM-DS discovery (ES11): authenticate with the SM-DS (NULL: the eUICC's
 * root SM-DS address) and return its event records.
 */
int esimlpa_discovery_run(esimlpa_ctx *ctx, struct esimlpa_http_transport *http,
                          const char *smds_address, const char *imei,
                          struct esimlpa_event_list **out);
/** Free what esimlpa_discovery_run() returned. NULL-safe. */
void esimlpa_event_list_free(struct esimlpa_event_list *list);


#ifdef __cplusplus
}
#endif

/* The renewal (download, switch, check, delete) builds on the download. */
#include <esimlpa/renew.h>

#endif
