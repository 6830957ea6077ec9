/* SPDX-License-Identifier: MIT */
/**
 * @file renew.h
 * @brief Profile renewal: download a new profile, switch to it, prove it
 *        works (connectivity check), only then delete the old one; with a
 *        crash-safe journal and rollback. Included by download.h.
 */
#ifndef ESIMLPA_RENEW_H
#define ESIMLPA_RENEW_H

#include <stddef.h>

#include <esimlpa/download.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Version 1: download, old_profile, delete_old, refresh.
 *  Version 2 adds the check, rollback, journal and step fields below and
 *  the version-2 part of the result. Version 3: struct esimlpa_renew_result
 *  follows the size rule (struct_size, see esimlpa.h "Out structs") and the
 *  download details go where its download member points. With versions 1
 *  and 2 the result has the layout of those versions (no struct_size, the
 *  download result embedded, version 1 without the part from rolled_back). */
#define ESIMLPA_RENEW_OPTIONS_VERSION 3

/** Steps of a renewal, as written to the journal before each one starts. */
enum esimlpa_renew_step {
    ESIMLPA_RENEW_DOWNLOAD = 1,       /**< downloading and installing the new profile */
    ESIMLPA_RENEW_ENABLE,             /**< EnableProfile(new): the old one gets disabled */
    ESIMLPA_RENEW_CHECK,              /**< the connectivity check of the new profile */
    ESIMLPA_RENEW_DELETE_OLD,         /**< the check passed: deleting the old profile */
    ESIMLPA_RENEW_NOTIFY,             /**< delivering the notifications; then done */
    ESIMLPA_RENEW_ROLLBACK,           /**< the check failed: enabling the old profile again */
    ESIMLPA_RENEW_DISCARD,            /**< deleting the failed new profile (discard_failed) */
    ESIMLPA_RENEW_ROLLBACK_NOTIFY,    /**< delivering the notifications after a rollback */
};

/** Name of a step as in the journal ("download", "enable", "check",
 *  "delete-old", "notify", "rollback", "discard", "rollback-notify"). */
const char *esimlpa_renew_step_name(enum esimlpa_renew_step step);

/** What the connectivity check is told about the new profile. */
struct esimlpa_renew_check_info {
    const char *new_iccid;            /**< "" if the profile has none */
    const char *new_isdp_aid;         /**< ISD-P AID in upper-case hex */
    const char *old_iccid;            /**< "" if no profile was enabled before */
    long timeout_ms;                  /**< the time the check has (check_timeout_ms) */
};

/**
 * Connectivity check, called after the switch (and the new session after a
 * refresh) while the new profile is enabled. Return 0 when the new profile
 * is proven to work. Otherwise return non-zero and put a one-line reason in
 * @p reason (e.g. "check command exited 3"); ESIMLPA_ETIMEOUT with an empty
 * reason reads "check timed out after N s". The library cannot interrupt a
 * callback: it must return within info->timeout_ms; a pass that arrives
 * later counts as a timeout. The card stays held by this context while the
 * check runs (other programs cannot use it).
 */
typedef int (*esimlpa_renew_check_fn)(void *user, const struct esimlpa_renew_check_info *info,
                                      char *reason, size_t reason_size);

/** Called after the journal for @p step was written, before the step runs. */
typedef void (*esimlpa_renew_step_fn)(void *user, enum esimlpa_renew_step step);

/** What esimlpa_renew_run() does and with what. */
struct esimlpa_renew_options {
    unsigned version;                 /**< ESIMLPA_RENEW_OPTIONS_VERSION (1 and 2 still accepted) */
    /** Required: how to download the new profile (activation code, HTTP
     *  transport, consent, progress...). keep_notification is ignored: all
     *  notifications are delivered at the end, with the same transport.
     *  esimlpa_renew_resume() only uses its http. */
    const struct esimlpa_download_options *download;
    /** The profile being replaced; NULL: the profile enabled now (a renewal
     *  on an eUICC without an enabled profile just downloads and enables). */
    const struct esimlpa_profile_id *old_profile;
    int delete_old;                   /**< non-zero: delete the old profile once the new one is proven */
    int refresh;                      /**< refreshFlag of EnableProfile (SGP.22 §5.7.16) */

    /* ---- version 2 ---- */
    esimlpa_renew_check_fn check;     /**< NULL: a successful EnableProfile is the proof */
    void *check_user;                 /**< passed to check */
    long check_timeout_ms;            /**< <= 0: 120000 */
    int discard_failed;               /**< non-zero: after a rollback delete the new profile */
    /** Journal file (NULL: none), rewritten atomically (temporary file,
     *  fsync, rename, fsync of the directory) before every step and removed
     *  when the renewal ended; esimlpa_renew_resume() reads it. */
    const char *journal_path;
    esimlpa_renew_step_fn step;       /**< optional, see esimlpa_renew_step_fn */
    void *step_user;                  /**< passed to step */
};

/** What esimlpa_renew_run() did; filled as far as the renewal got (an out
 *  struct: set struct_size, see esimlpa.h "Out structs"). */
struct esimlpa_renew_result {
    size_t struct_size;               /**< in: sizeof the caller's struct; out: bytes written */
    char new_iccid[ESIMLPA_ICCID_MAX + 1];  /**< the downloaded profile ("" before the download) */
    char old_iccid[ESIMLPA_ICCID_MAX + 1];  /**< the replaced profile ("" if none was enabled) */
    /** In, left as it is: NULL, or the caller's download result (its
     *  struct_size set), filled with the details of the download. */
    struct esimlpa_download_result *download;
    int enabled;                      /**< 1: the new profile is the enabled one */
    int old_deleted;                  /**< 1: the old profile was deleted */
    int old_reenabled;                /**< 1: enabling failed and the old profile was enabled again */
    size_t notifications_delivered;   /**< notifications sent and removed from the eUICC */
    size_t notifications_failed;      /**< notifications that stay pending */
    int notification_error;           /**< 0, or the error of the first failed delivery */
    char notification_detail[256];    /**< its detail text ("" if none) */

    /* ---- filled only with options version >= 2 (always in the version-3 layout) ---- */
    int rolled_back;                  /**< 1: the check failed (or a resume could not prove
                                           the new profile) and the old one is enabled again */
    int new_deleted;                  /**< 1: the failed new profile was deleted (discard_failed) */
    int resumed;                      /**< 1: esimlpa_renew_resume() finished an interrupted renewal */
    enum esimlpa_renew_step resumed_at; /**< the step the journal was at (resume only) */
    char rollback_reason[256];        /**< why it rolled back ("" if it did not) */
};

/**
 * Renew: download a new profile, enable it (the eUICC disables the old one
 * implicitly, SGP.22 §3.2.1), run the connectivity check, and only when it
 * passed (and if asked) delete the old profile; then deliver every pending
 * notification (install, enable, disable, delete) through the download's
 * HTTP transport. The card is held for the whole renewal.
 *
 * - Download fails: nothing on the eUICC changed; its error is returned.
 * - Enabling fails: the old profile stays (or is made again) the enabled
 *   one, the new one stays installed, notifications are still delivered,
 *   and the error says so ("renew: new profile ... installed but enabling it
 *   failed (...); the old profile ... stays enabled").
 * - The check fails or times out: the old profile is enabled again, the new
 *   one kept (or deleted with discard_failed), notifications delivered, and
 *   ESIMLPA_EROLLED_BACK returned; the last error reads "renew: rolled back:
 *   REASON; the old profile ICCID is enabled again" (plus "; the new profile
 *   ICCID was deleted" with discard_failed).
 * - Deleting the old profile fails: the new one is enabled (result->enabled),
 *   the error of DeleteProfile is returned and named in the last error.
 * - A notification that cannot be delivered does not fail the renewal: it
 *   stays pending and is counted in result->notifications_failed.
 * - The journal cannot be written: ESIMLPA_EJOURNAL before the step that
 *   needed it ("renew: journal FILE: cannot write it (...)").
 * - esimlpa_ctx_cancel() (any thread, a signal handler): during the
 *   download, the download is cancelled on both sides and
 *   ESIMLPA_ECANCELLED returned ("renew: cancelled, nothing changed: ...");
 *   after the download, before the switch: the new profile stays installed
 *   and disabled, notifications delivered, ESIMLPA_ECANCELLED; after the
 *   switch or during the check: rolled back as for a failed check, reason
 *   "cancelled after the switch" / "cancelled during the check", but
 *   ESIMLPA_ECANCELLED returned (result->rolled_back set). Once the old
 *   profile is being deleted the cancel is too late and the renewal
 *   finishes. The check callback is not interrupted: it should return soon
 *   after a cancel.
 *
 * @p result may be NULL.
 */
int esimlpa_renew_run(esimlpa_ctx *ctx, const struct esimlpa_renew_options *opts,
                      struct esimlpa_renew_result *result);

/**
 * Finish a renewal interrupted by a crash or power loss, from its journal
 * (opts->journal_path; opts->download->http delivers the notifications; the
 * activation code, check and other options come from the journal or are
 * not needed).
 *
 * The rule: a profile whose replacement was not proven is never deleted.
 * - Interrupted after the check passed (delete-old, notify): the renewal is
 *   finished (old profile deleted if it was asked), returns 0.
 * - Interrupted before the check passed (download, enable, check) -- the
 *   check is not run again, its result died with the process: rolled back
 *   (old profile enabled, new one kept or deleted as the journal says,
 *   notifications delivered), returns ESIMLPA_EROLLED_BACK with "renew:
 *   rolled back: the renewal was interrupted at step 'STEP' before the new
 *   profile was proven; ...". Without a check, an enabled new profile is
 *   the proof and the renewal is finished instead.
 * - Interrupted during a rollback: the rollback is finished, returns
 *   ESIMLPA_EROLLED_BACK with the journal's reason.
 * The journal is removed once the renewal ended. A journal that is missing,
 * unreadable or for another eUICC: ESIMLPA_EJOURNAL, naming the file.
 */
int esimlpa_renew_resume(esimlpa_ctx *ctx, const struct esimlpa_renew_options *opts,
                         struct esimlpa_renew_result *result);

#ifdef __cplusplus
}
#endif
#endif
