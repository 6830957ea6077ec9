/* SPDX-License-Identifier: MIT */
/**
 * @file activation.h
 * @brief Activation codes (SGP.22 §4.1) and the confirmation-code hash.
 *
 * An activation code (the QR payload) reads
 * `LPA:1$<SM-DP+ address>$<matching ID>[$<SM-DP+ OID>[$<CC required flag>]]`.
 */
#ifndef ESIMLPA_ACTIVATION_H
#define ESIMLPA_ACTIVATION_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Longest activation code text accepted (characters, prefix included). */
#define ESIMLPA_AC_MAX_LEN 1024
/** Longest SM-DP+ address accepted (FQDN plus optional ":port"). */
#define ESIMLPA_AC_MAX_ADDRESS 255
/** Longest matching ID (AC_Token) accepted, in bytes. */
#define ESIMLPA_AC_MAX_MATCHING_ID 255
/** Longest SM-DP+ OID accepted, in characters. */
#define ESIMLPA_AC_MAX_OID 128

/** A parsed activation code. Strings are malloc'd by the parser; free with
 *  esimlpa_activation_code_clear(). */
struct esimlpa_activation_code {
    char *smdp_address;   /**< FQDN, optionally ":port", exactly as written */
    char *matching_id;    /**< AC_Token; may be "" (never NULL after a successful parse) */
    char *smdp_oid;       /**< dotted-decimal OID, or NULL when absent or empty */
    int cc_required;      /**< 1 if the CC-required flag is "1"; the authoritative signal
                               is still ccRequiredFlag in smdpSigned2 */
};

/**
 * Parse an activation code. A case-insensitive "LPA:" prefix is optional;
 * surrounding white space (e.g. a trailing newline) is ignored.
 * Returns 0 or ESIMLPA_EBADACTIVATION (ESIMLPA_EINVAL for NULL arguments,
 * ESIMLPA_ENOMEM). On failure @p out is left empty (all NULL).
 */
int esimlpa_activation_code_parse(const char *text, struct esimlpa_activation_code *out);

/**
 * Same as esimlpa_activation_code_parse(), and on failure writes a message
 * naming the wrong field into @p err (capacity @p err_len, may be 0), e.g.
 * "activation code: AC_Format must be 1, got \"2\"". @p err is "" on success.
 */
int esimlpa_activation_code_parse_ex(const char *text, struct esimlpa_activation_code *out,
                                     char *err, size_t err_len);

/** Free the strings of @p ac and zero it. NULL-safe; safe to call twice. */
void esimlpa_activation_code_clear(struct esimlpa_activation_code *ac);

/**
 * hashCc = SHA-256(SHA-256(cc) || transactionId) (SGP.22 §3.1.3.2 / notes §2.2).
 * @p cc is the confirmation code exactly as entered (bytes, no terminator
 * hashed); @p transaction_id is the binary TransactionId (1..16 bytes, tag 80
 * of smdpSigned2), not its hex string. The code is not kept or logged.
 * Returns 0 or ESIMLPA_EINVAL (empty code, bad lengths), ESIMLPA_EINTERNAL.
 */
int esimlpa_hash_cc(const char *cc, const uint8_t *transaction_id, size_t tid_len,
                    uint8_t out[32]);

#ifdef __cplusplus
}
#endif
#endif
