/* SPDX-License-Identifier: MIT */
/**
 * @file http.h
 * @brief HTTP transport interface for ES9+ / ES11 (SGP.22 §6), and the
 *        built-in libcurl backend.
 *
 * The library POSTs JSON to `https://SERVER/gsma/rsp2/es9plus/FUNCTION`.
 * Integrators may supply their own transport; the built-in one verifies the
 * TLS peer and host name unless explicitly told not to, and reuses one
 * connection for a whole session (one TLS handshake per download).
 */
#ifndef ESIMLPA_HTTP_H
#define ESIMLPA_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include <esimlpa/ctx.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Version of struct esimlpa_http_transport: 2 added last_error, 3 set_euicc_ci
 *  and set_abort, 4 release, 5 prepare and post_stream; structs of older
 *  versions (without them) are still accepted. */
#define ESIMLPA_HTTP_TRANSPORT_VERSION 5

/** A certificate issuer's public key identifier: the SubjectKeyIdentifier of
 *  a GSMA RSP CI root, as the eUICC lists it in euiccCiPKIdListForVerification
 *  (EUICCInfo1, SGP.22 §5.7.8). */
struct esimlpa_ci_pkid {
    const uint8_t *id;      /**< the identifier's bytes */
    size_t len;             /**< bytes in id */
};

/** One HTTP response, filled by a transport's post(). Who frees body and
 *  admin_protocol: the transport's release() when it has one (version >= 4,
 *  any allocator), else the library with free() (so they must come from
 *  malloc()). */
struct esimlpa_http_response {
    long status;            /**< HTTP status code, e.g. 200, 204 */
    uint8_t *body;          /**< NUL-terminated for convenience (not counted in body_len) */
    size_t body_len;        /**< bytes in body */
    char *admin_protocol;   /**< value of the X-Admin-Protocol header, or NULL; malloc'd */
};

/**
 * Receives the body of a streamed response (post_stream()) piece by piece,
 * in order, as it arrives. @p head holds the status and admin_protocol of the
 * response (its body is NULL). Returns 0 to go on; non-zero gives the request
 * up at once (post_stream() then returns a negative code).
 */
typedef int (*esimlpa_http_chunk_fn)(void *chunk_user, const struct esimlpa_http_response *head,
                                     const uint8_t *data, size_t len);

/** An HTTP transport: the callbacks the ES9+/ES11 client posts through. */
struct esimlpa_http_transport {
    unsigned version;   /**< ESIMLPA_HTTP_TRANSPORT_VERSION */
    void *user;         /**< passed to every callback */
    /**
     * POST @p body to @p url ("https://host[:port]/path"). @p headers is a
     * NULL-terminated list of "Name: value" lines. Returns 0 with *resp filled
     * (any HTTP status), or a negative ESIMLPA_E* code for a transport failure
     * (ESIMLPA_EHTTP_CONNECT, ESIMLPA_EHTTP_TLS, ESIMLPA_ETIMEOUT, ...).
     */
    int (*post)(void *user, const char *url, const char *const *headers,
                const uint8_t *body, size_t body_len, struct esimlpa_http_response *resp);
    /** Optional: drop pooled connections (end of a session). */
    void (*reset)(void *user);
    /**
     * Optional (may be NULL; only read when version >= 2): a short text
     * explaining the last failed post(), e.g. "SSL certificate problem:
     * certificate has expired", or "" / NULL if there is none. The string
     * stays valid until the next call on this transport.
     */
    const char *(*last_error)(void *user);
    /**
     * Optional (may be NULL; only read when version >= 3): the CIs the eUICC
     * trusts. The flows call it before their first request of a session; a
     * transport that verifies against bundled RSP CI roots then trusts only
     * the roots among them whose SKI is listed. Returns 0 or ESIMLPA_E*.
     */
    int (*set_euicc_ci)(void *user, const struct esimlpa_ci_pkid *pkids, size_t count);
    /**
     * Optional (may be NULL; only read when version >= 3): while set, the
     * transport polls @p should_abort during a request (at least every
     * 100 ms) and gives the request up with ESIMLPA_ECANCELLED as soon as it
     * returns non-zero. @p should_abort NULL clears it.
     */
    void (*set_abort)(void *user, int (*should_abort)(void *abort_user), void *abort_user);
    /**
     * Optional (may be NULL; only read when version >= 4): give back what
     * post() put into @p resp (body, admin_protocol), allocated any way the
     * transport likes (a pool, a static buffer, its own heap). The library
     * calls it exactly once after every post() -- also after a failed one,
     * with whatever post() left in @p resp -- once it no longer reads the
     * response, and then forgets the pointers. NULL: the library frees both
     * with free().
     */
    void (*release)(void *user, struct esimlpa_http_response *resp);
    /**
     * Optional (may be NULL; only read when version >= 5): connect ahead.
     * "The next post() goes to @p url with these @p headers and a body of
     * @p body_len bytes: start connecting (TCP, TLS) now." The library calls
     * it while it still talks to the eUICC (download: between EUICCInfo1 and
     * initiateAuthentication), so the handshake overlaps with the card. It
     * must not block for the network. A post() with the same url, headers
     * and length continues the prepared request; any other post(), reset(),
     * set_euicc_ci() with other CIs, or a prepare() with @p url NULL drops it.
     * Returns 0, or ESIMLPA_E* (advisory: the library then simply posts).
     */
    int (*prepare)(void *user, const char *url, const char *const *headers, size_t body_len);
    /**
     * Optional (may be NULL; only read when version >= 5): like post(), but
     * the body goes to @p on_chunk while it arrives instead of into
     * resp->body (left NULL, body_len 0; status and admin_protocol are
     * filled and released as after post()). The library uses it for
     * getBoundProfilePackage, loading the profile onto the eUICC while the
     * rest is still arriving, so a request lasts as long as the load: it must
     * not be cut by a total time limit, only by a stall (no byte for the
     * transport's usual timeout). Without it the library posts with post()
     * and passes the whole body to the same consumer as one piece.
     */
    int (*post_stream)(void *user, const char *url, const char *const *headers,
                       const uint8_t *body, size_t body_len, esimlpa_http_chunk_fn on_chunk,
                       void *chunk_user, struct esimlpa_http_response *resp);
};

/** Free a response's body and admin_protocol with free() and zero it (for
 *  responses whose members come from malloc()). NULL-safe. */
void esimlpa_http_response_clear(struct esimlpa_http_response *resp);

/** Version of struct esimlpa_curl_options: 2 added use_test_ci, log and
 *  log_user; version 1 structs are still accepted. */
#define ESIMLPA_CURL_OPTIONS_VERSION 2

/**
 * Options of the libcurl backend. All pointers may be NULL.
 *
 * Trust: with neither ca_file nor ca_path, the server must chain to one of
 * the bundled GSMA RSP CI roots (DATADIR/libesimlpa/rsp-ci/production, or
 * the directory named by the environment variable ESIMLPA_RSP_CI_DIR),
 * narrowed by set_euicc_ci() to the CIs the eUICC lists. ca_file / ca_path
 * replace that set. The system web-PKI store is never used.
 */
struct esimlpa_curl_options {
    unsigned version;            /**< ESIMLPA_CURL_OPTIONS_VERSION (1 or 2) */
    const char *ca_file;         /**< PEM roots to trust instead of the bundled RSP CIs */
    const char *ca_path;         /**< directory of hashed CA certificates, likewise */
    int insecure_no_verify;      /**< non-zero disables peer and host verification: testing only */
    const char *const *resolve;  /**< NULL-terminated "host:port:address" entries, like curl --resolve */
    long connect_timeout_ms;     /**< 0: 10000 */
    long total_timeout_ms;       /**< per request; 0: 60000. A streamed request (post_stream)
                                      is given up after this long without a byte, or when
                                      its body, after this long of network time (the
                                      receiver's time not counted), averages under
                                      1024 bytes/s. */
    size_t max_response;         /**< bytes; 0: 4 MiB */
    int allow_plain_http;        /**< non-zero allows http:// URLs (tests only); default refuses */
    /* version 2 */
    int use_test_ci;             /**< non-zero: the bundled GSMA SGP.26 test CI set instead of
                                      the production set (test eUICCs and test SM-DP+s) */
    esimlpa_log_fn log;          /**< optional: notes such as a skipped expired bundled root */
    void *log_user;              /**< passed to log */
};

/** Statistics of a curl transport: what one session cost (an out struct:
 *  set struct_size, see esimlpa.h "Out structs"). */
struct esimlpa_http_stats {
    size_t struct_size;            /**< in: sizeof the caller's struct; out: bytes written */
    unsigned long requests;        /**< POSTs made */
    unsigned long connections;     /**< new TCP connections opened */
    unsigned long tls_handshakes;  /**< new TLS sessions negotiated */
    unsigned long bytes_sent;      /**< request body bytes */
    unsigned long bytes_received;  /**< response body bytes */
};

/** struct esimlpa_http_stats as it was before the size rule (frozen). */
struct esimlpa_http_stats_v1 {
    unsigned long requests;        /**< as in struct esimlpa_http_stats */
    unsigned long connections;     /**< as in struct esimlpa_http_stats */
    unsigned long tls_handshakes;  /**< as in struct esimlpa_http_stats */
    unsigned long bytes_sent;      /**< as in struct esimlpa_http_stats */
    unsigned long bytes_received;  /**< as in struct esimlpa_http_stats */
};

/** Create the built-in libcurl transport (@p opts may be NULL: defaults). */
int esimlpa_curl_transport_new(const struct esimlpa_curl_options *opts,
                               struct esimlpa_http_transport **out);
/** Free a transport made by esimlpa_curl_transport_new(). NULL-safe. */
void esimlpa_curl_transport_free(struct esimlpa_http_transport *t);
/** The statistics of a curl transport (all 0 for any other transport), by
 *  the size rule of esimlpa.h "Out structs". */
void esimlpa_curl_transport_stats_read(const struct esimlpa_http_transport *t,
                                       struct esimlpa_http_stats *out);
/** Deprecated, kept for programs built before the size rule: the statistics
 *  in the frozen version-1 layout. Use esimlpa_curl_transport_stats_read(). */
void esimlpa_curl_transport_stats(const struct esimlpa_http_transport *t,
                                  struct esimlpa_http_stats_v1 *out);
/** Detail of the last failure of this transport (curl's error text), "" if none. */
const char *esimlpa_curl_transport_last_error(const struct esimlpa_http_transport *t);

#ifdef __cplusplus
}
#endif
#endif
