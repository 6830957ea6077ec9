/* SPDX-License-Identifier: MIT */
/**
 * @file es9p.h
 * @brief Public view of ES9+ / ES11 server answers (SGP.22 §6.5
 *        functionExecutionStatus): what an SM-DP+ or SM-DS said when a
 *        download or discovery step failed.
 */
#ifndef ESIMLPA_ES9P_H
#define ESIMLPA_ES9P_H

#ifdef __cplusplus
extern "C" {
#endif

/** functionExecutionStatus.status of the last ES9+/ES11 answer. */
enum esimlpa_es9_exec_status {
    ESIMLPA_ES9_STATUS_NONE = 0,          /**< no JSON status seen (no call, or transport/HTTP error) */
    ESIMLPA_ES9_STATUS_SUCCESS = 1,       /**< "Executed-Success" */
    ESIMLPA_ES9_STATUS_WARNING = 2,       /**< "Executed-WithWarning" (a success) */
    ESIMLPA_ES9_STATUS_FAILED = 3,        /**< "Failed" */
    ESIMLPA_ES9_STATUS_EXPIRED = 4,       /**< "Expired" */
};

/** The last ES9+/ES11 status. Strings are NUL-terminated, "" when absent;
 *  server text is truncated and control characters are replaced by '?'. */
struct esimlpa_es9_status {
    enum esimlpa_es9_exec_status status; /**< functionExecutionStatus.status */
    long http_status;              /**< HTTP status of that answer, 0 if none */
    char function[32];             /**< e.g. "authenticateClient" */
    char subject_code[16];         /**< statusCodeData.subjectCode, e.g. "8.2.6" */
    char reason_code[16];          /**< statusCodeData.reasonCode, e.g. "3.8" */
    char subject_identifier[64];   /**< statusCodeData.subjectIdentifier */
    char message[256];             /**< statusCodeData.message */
};

/**
 * Meaning of a subject/reason code pair as listed in SGP.22 and used by
 * SM-DP+ servers, e.g. ("8.2.6", "3.8") -> "matching ID refused".
 * NULL when the pair is unknown.
 */
const char *esimlpa_es9_status_describe(const char *subject_code, const char *reason_code);

/** Name of an enum esimlpa_es9_exec_status, e.g. "Failed". Never NULL. */
const char *esimlpa_es9_exec_status_name(enum esimlpa_es9_exec_status status);

#ifdef __cplusplus
}
#endif
#endif
