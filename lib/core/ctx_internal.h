/* SPDX-License-Identifier: MIT */
/* Internal view of the context, shared by the library's layers. Not installed. */
#ifndef ESIMLPA_CTX_INTERNAL_H
#define ESIMLPA_CTX_INTERNAL_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <esimlpa/esimlpa.h>

#define ESIMLPA_ISDR_AID_HEX "A0000005591010FFFFFFFF8900000100"

/* ctx->needs_reopen: an enable/disable with the refresh flag succeeded (the
 * card waits for the terminal's reset: the LPA resets it where it can), or
 * the transport saw the card reset (its channel is gone). */
#define ESIMLPA__REOPEN_REFRESH 1
#define ESIMLPA__REOPEN_RESET 2

struct esimlpa_ctx {
    struct esimlpa_apdu_transport *tr;
    unsigned mss;                 /* STORE DATA block size, 1..255 */
    esimlpa_log_fn log;
    void *log_user;
    enum esimlpa_log_level log_level;
    int trace_apdu;
    int trace_http;               /* ES9+/ES11 bodies at TRACE (options version >= 2) */
    const char *trace_redact;     /* set while an exchange carries secrets: APDU trace
                                     shows headers and lengths only, and why */

    int connected;                /* transport connect() succeeded */
    int open;                     /* channel open and ISD-R selected */
    uint8_t channel;              /* logical channel of the ISD-R session */
    int channel_by_transport;     /* opened through tr->open_logical_channel */
    int card_gone;                /* the transport reported the card removed */

    /* options version 3 */
    uint8_t isdr_aid[16];         /* ISD-R AID given by the caller (isdr_aid_given) */
    size_t isdr_aid_len;
    int isdr_aid_given;           /* 0: probe the standard and the known AIDs */
    int isdr_aid_known;           /* isdr_aid holds the AID in use (given, or the
                                     probed one that answered; kept for reopening) */
    int mss_reduced;              /* the card refused a 255-byte STORE DATA block:
                                     mss lowered for the rest of the context */
    int needs_reopen;             /* reopen the channel before the next command:
                                     ESIMLPA__REOPEN_REFRESH or ESIMLPA__REOPEN_RESET */
    long lock_wait_ms;            /* wait for another program holding the card; < 0: none */
    long apdu_timeout_ms;         /* time one APDU exchange may take */
    unsigned lock_depth;          /* nesting of esimlpa__card_lock() */

    /* euiccCiPKIdListForVerification of EUICCInfo1, cached by the RSP flows
     * for the HTTP transport's trust (issue 9; lib/rsp/euicc_ci.c) */
    struct esimlpa_pkid euicc_ci[16];
    size_t n_euicc_ci;
    int euicc_ci_known;

    atomic_int cancel_requested;  /* set by esimlpa_ctx_cancel(), from any thread or a
                                     signal handler (lock-free, async-signal-safe) */

    char last_error[512];
    uint16_t last_sw;
    int last_result_code;
    struct esimlpa_es9_status last_es9;  /* server status of the last ES9+/ES11 call */
    struct esimlpa_ctx_stats stats;
};

/* Record a failure: formats "what" into ctx->last_error and returns code.
 * Use as: return esimlpa__fail(ctx, ESIMLPA_EDECODE, "GetEID: %s", "truncated"); */
int esimlpa__fail(esimlpa_ctx *ctx, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Record an eUICC result code (also sets last_result_code) and return code. */
int esimlpa__fail_result(esimlpa_ctx *ctx, int code, long result, const char *function,
                         const char *result_name);
void esimlpa__clear_error(esimlpa_ctx *ctx);
/* Set what esimlpa_ctx_last_es9_status() reports (the flows of lib/rsp tell
 * the context what the SM-DP+/SM-DS said through this, never by writing
 * ctx->last_es9); @s NULL clears it. */
void esimlpa__ctx_set_es9_status(esimlpa_ctx *ctx, const struct esimlpa_es9_status *s);
void esimlpa__log(esimlpa_ctx *ctx, enum esimlpa_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
