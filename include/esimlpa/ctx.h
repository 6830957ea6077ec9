/* SPDX-License-Identifier: MIT */
/**
 * @file ctx.h
 * @brief The libesimlpa context: one eUICC session over one transport.
 */
#ifndef ESIMLPA_CTX_H
#define ESIMLPA_CTX_H

#include <stddef.h>
#include <stdint.h>

#include <esimlpa/transport.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A context: one eUICC session over one transport (opaque). */
typedef struct esimlpa_ctx esimlpa_ctx;

/** Log levels, most important first. */
enum esimlpa_log_level {
    ESIMLPA_LOG_ERROR = 0,
    ESIMLPA_LOG_WARN = 1,
    ESIMLPA_LOG_INFO = 2,
    ESIMLPA_LOG_DEBUG = 3,
    ESIMLPA_LOG_TRACE = 4,   /**< APDU / ES9+ trace lines (only with trace_apdu / trace_http set) */
};

/** Logging callback. @p msg is one line without a trailing newline. */
typedef void (*esimlpa_log_fn)(void *user, enum esimlpa_log_level level, const char *msg);

/** Version 2 added trace_http, version 3 isd_r_aid, lock_wait_ms and apdu_timeout_ms;
 *  structs of versions 1 and 2 (without them) are still accepted. */
#define ESIMLPA_CTX_OPTIONS_VERSION 3

/** What esimlpa_ctx_new() builds a context with. */
struct esimlpa_ctx_options {
    unsigned version;                       /**< ESIMLPA_CTX_OPTIONS_VERSION */
    struct esimlpa_apdu_transport *transport; /**< required; not owned by the context */
    unsigned store_data_mss;                /**< STORE DATA block size 1..255; 0 = default (255) */
    esimlpa_log_fn log;                     /**< optional */
    void *log_user;                         /**< passed to log */
    enum esimlpa_log_level log_level;       /**< highest level passed to log */
    int trace_apdu;                         /**< non-zero: log every APDU at ESIMLPA_LOG_TRACE;
                                                 APDUs carrying secrets (PrepareDownload: hashCc)
                                                 are logged as header, length and status only */
    /* version 2 */
    int trace_http;                         /**< non-zero: log ES9+/ES11 JSON bodies at
                                                 ESIMLPA_LOG_TRACE, base64 blobs shown as their
                                                 size and secret fields as "<redacted>" */
    /* version 3 */
    const uint8_t *isd_r_aid;               /**< ISD-R AID to select (5..16 bytes); NULL: the
                                                 standard AID, then the known AIDs of removable
                                                 eUICCs (the one that answers is remembered) */
    size_t isd_r_aid_len;                   /**< bytes in isd_r_aid */
    long lock_wait_ms;                      /**< how long an operation waits while another
                                                 program holds the card; 0: 30000; < 0: no wait */
    long apdu_timeout_ms;                   /**< time one APDU exchange may take; 0: 30000 */
};

/** Create a context. The transport is not touched until esimlpa_ctx_open(). */
int esimlpa_ctx_new(const struct esimlpa_ctx_options *opts, esimlpa_ctx **out);
/** Close (if open) and free. NULL-safe. */
void esimlpa_ctx_free(esimlpa_ctx *ctx);

/** Connect the transport, open a logical channel and SELECT the ISD-R. */
int esimlpa_ctx_open(esimlpa_ctx *ctx);
/** Close the logical channel and disconnect. Safe when not open. */
void esimlpa_ctx_close(esimlpa_ctx *ctx);

/**
 * Ask the operation running on @p ctx to stop. Safe to call from another
 * thread or from a signal handler (it only sets a lock-free atomic flag).
 * The flow stops at its next APDU or HTTP boundary, cancels the session on
 * both sides where one exists (SGP.22 §3.1.3.5, §5.6.5) and returns
 * ESIMLPA_ECANCELLED. The flows that honour it (download, notification
 * delivery, discovery) clear the flag when they return, so a cancel asked
 * before such a flow starts stops it at its first step; once a download has
 * loaded the BPP it is too late and the download finishes.
 */
void esimlpa_ctx_cancel(esimlpa_ctx *ctx);

#ifndef ESIMLPA_AID_MAX
#define ESIMLPA_AID_MAX 16      /**< longest AID (ISO 7816-4: 5..16 bytes) */
#endif

/**
 * The ISD-R AID this context selected: the one given in the options, or the
 * first of the standard AID and the known removable-eUICC AIDs that answered
 * (remembered for the context, also across esimlpa_ctx_reconnect()). @p buf
 * holds ESIMLPA_AID_MAX bytes; *len gets the length. ESIMLPA_ESTATE before
 * the first successful esimlpa_ctx_open().
 */
int esimlpa_ctx_isd_r_aid(const esimlpa_ctx *ctx, uint8_t *buf, size_t *len);

/** Name of a known ISD-R AID ("standard", "5ber", "eSIM.me", "Xesim",
 *  "LinksField", "eSTK.me AUX", "eSTK.me SE0", "eSTK.me SE1"), or NULL. */
const char *esimlpa_isd_r_aid_name(const uint8_t *aid, size_t len);

/**
 * Reopen the session after the card was reset: reconnect the transport
 * (PC/SC SCardReconnect), open a logical channel and select the ISD-R AID in
 * use again. With @p power_cycle non-zero the card is reset first where the
 * reader can (so a modem or phone sees a newly enabled profile). The library
 * does this by itself on the next call after EnableProfile/DisableProfile
 * with the refresh flag, or when the card reports a reset.
 */
int esimlpa_ctx_reconnect(esimlpa_ctx *ctx, int power_cycle);

/**
 * Detail of the last failure on this context, e.g.
 * "EnableProfile: eUICC result 2 (profileNotInDisabledState)" or
 * "STORE DATA: status word 6A80". Empty string when the last call succeeded.
 */
const char *esimlpa_ctx_last_error(const esimlpa_ctx *ctx);
/** Last status word the card returned (0 if none yet). */
uint16_t esimlpa_ctx_last_sw(const esimlpa_ctx *ctx);
/** Raw eUICC result code of the last failing ES10 call, or -1 if none. */
int esimlpa_ctx_last_result_code(const esimlpa_ctx *ctx);

struct esimlpa_es9_status;
/**
 * What the SM-DP+/SM-DS answered in the last ES9+/ES11 call made through
 * this context (status, subject and reason codes). Never NULL.
 */
const struct esimlpa_es9_status *esimlpa_ctx_last_es9_status(const esimlpa_ctx *ctx);

/** Counters for benchmarks and cost reports (an out struct: set struct_size,
 *  see esimlpa.h "Out structs"). */
struct esimlpa_ctx_stats {
    size_t struct_size;         /**< in: sizeof the caller's struct; out: bytes written */
    unsigned long apdus;        /**< command APDUs sent through the transport */
    unsigned long bytes_sent;   /**< command bytes */
    unsigned long bytes_received; /**< response bytes incl. SW */
    unsigned long store_data_blocks; /**< STORE DATA commands (one per block) */
    unsigned long get_responses; /**< GET RESPONSE commands */
};
/** The counters of @p ctx since it was created (all 0 for a NULL @p ctx), by
 *  the size rule of esimlpa.h "Out structs". */
void esimlpa_ctx_stats_read(const esimlpa_ctx *ctx, struct esimlpa_ctx_stats *out);

/** struct esimlpa_ctx_stats as it was before the size rule (frozen). */
struct esimlpa_ctx_stats_v1 {
    unsigned long apdus;             /**< as in struct esimlpa_ctx_stats */
    unsigned long bytes_sent;        /**< as in struct esimlpa_ctx_stats */
    unsigned long bytes_received;    /**< as in struct esimlpa_ctx_stats */
    unsigned long store_data_blocks; /**< as in struct esimlpa_ctx_stats */
    unsigned long get_responses;     /**< as in struct esimlpa_ctx_stats */
};
/** Deprecated, kept for programs built before the size rule: the counters in
 *  the frozen version-1 layout. Use esimlpa_ctx_stats_read(). */
void esimlpa_ctx_stats_get(const esimlpa_ctx *ctx, struct esimlpa_ctx_stats_v1 *out);

/** Library version string, e.g. "0.1.0". */
const char *esimlpa_version(void);

#ifdef __cplusplus
}
#endif
#endif
