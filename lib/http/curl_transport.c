/* SPDX-License-Identifier: MIT */
/*
 * libcurl backend of the HTTP transport (SGP.22 §5.1 ES9+/ES11 over HTTPS).
 *
 * One easy handle per transport, reused for every request: libcurl keeps the
 * connection (and its TLS session) alive between requests to the same host,
 * so a whole profile download costs one TCP connection and one handshake.
 * TLS peer and host verification are always on unless the caller sets
 * insecure_no_verify (tests only). Production SM-DP+ TLS certificates chain
 * to the GSMA RSP CI roots (CERT.DPtls, sgp22-notes §8.4), which are NOT in the
 * system web-PKI store. Trust, in order: ca_file / ca_path when given (only
 * those roots); else the bundled RSP CI set (production, or the SGP.26 test
 * set with use_test_ci), narrowed by set_euicc_ci() to the CIs the eUICC
 * lists in euiccCiPKIdListForVerification. The system store is never used.
 * TLS itself is held to SGP.22 whatever the system OpenSSL policy says:
 * TLS >= 1.2, security level 2, the ECDHE-ECDSA suites first, and the host
 * name matched against subjectAltName dNSName only (no subject CN fallback).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "esimlpa/error.h"
#include "esimlpa/http.h"
#include "http/curl_ahead.h"
#include "http/http_internal.h"
#include "http/rsp_ci_bundle.h"
#include "http/tls_policy.h"
#include "util/out_struct.h"
#include "util/util_internal.h"

#define DEFAULT_CONNECT_MS 10000L
#define DEFAULT_TOTAL_MS 60000L
#define DEFAULT_MAX_RESPONSE ((size_t)4 << 20)

/* What one response has delivered so far (write/header callbacks). */
struct rx_state {
    uint8_t *buf;
    size_t len, cap;
    char *admin_protocol;
    int too_big;
    size_t content_length;   /* announced by the server; 0 if not (yet) known */
    /* a streamed response (post_stream): the body goes to chunk, not buf */
    esimlpa_http_chunk_fn chunk;
    void *chunk_user;
    int consumer_stop;       /* chunk returned non-zero */
    long long last_rx_ms;    /* streamed: when the last byte came (stall limit) */
    long long first_rx_ms;   /* streamed: when the first body byte came (0: none yet) */
    long long cb_ms;         /* streamed: time spent in the receiver (the card's) */
};

struct curl_transport {
    struct esimlpa_http_transport pub;  /* first: the public face */
    CURL *easy;                         /* NULL after reset, created lazily */
    CURLM *multi;                       /* drives easy; holds the connection cache */
    int (*should_abort)(void *);        /* set_abort hook, polled while waiting */
    void *abort_user;
    struct curl_slist *resolve;
    char *ca_file, *ca_path;
    int insecure, allow_http;
    int use_test_ci;                    /* bundled SGP.26 test set instead of production */
    struct esimlpa__ci_log log;
    int tls_openssl;                    /* curl's TLS backend is OpenSSL: SSL_CTX hook usable */
    char host[256];                     /* host of the current request (verify param) */
    /* bundled RSP CI trust (neither ca_file nor ca_path, verification on) */
    int bundle_loaded;
    struct esimlpa__ci_bundle bundle;
    unsigned char *sel;                 /* per bundled root: trusted now */
    size_t n_sel;
    int have_pkids;                     /* set_euicc_ci() narrowed the set */
    char card_cis[200];                 /* the card's list, for messages */
    char *ca_pem; size_t ca_pem_len;    /* the selected roots for CURLOPT_CAINFO_BLOB */
    int pem_applied;                    /* ca_pem is set on the current easy handle (setting
                                           it again would stop curl reusing the connection) */
    long connect_ms, total_ms;
    size_t max_response;
    int ctx_cb_supported;               /* CURLOPT_SSL_CTX_FUNCTION available */
    unsigned long ctx_calls;            /* TLS contexts made during this request */
    struct rx_state rx;
    struct esimlpa__curl_ahead ahead;   /* the prepared request (connect-ahead) */
    struct esimlpa_http_stats stats;
    char errbuf[CURL_ERROR_SIZE];
    char last_error[CURL_ERROR_SIZE + 64];
};

static int curl_post(void *user, const char *url, const char *const *headers,
                     const uint8_t *body, size_t body_len, struct esimlpa_http_response *resp);
static int curl_post_stream(void *user, const char *url, const char *const *headers,
                            const uint8_t *body, size_t body_len, esimlpa_http_chunk_fn on_chunk,
                            void *chunk_user, struct esimlpa_http_response *resp);
static void curl_reset(void *user);
static const char *curl_last_error(void *user);
static void curl_set_abort(void *user, int (*should_abort)(void *), void *abort_user);
static int curl_prepare(void *user, const char *url, const char *const *headers,
                        size_t body_len);
static void ahead_drop(struct curl_transport *ct);

static void set_error(struct curl_transport *ct, const char *msg)
{
    snprintf(ct->last_error, sizeof(ct->last_error), "%s", msg);
}

static void rx_clear(struct rx_state *rx)
{
    free(rx->buf);
    free(rx->admin_protocol);
    memset(rx, 0, sizeof(*rx));
}

/* ---- callbacks ---------------------------------------------------------- */

static size_t on_body(char *data, size_t size, size_t nmemb, void *user)
{
    struct curl_transport *ct = user;
    struct rx_state *rx = &ct->rx;
    size_t n = size * nmemb;

    if (n > ct->max_response - rx->len) {
        rx->too_big = 1;
        return 0;   /* abort: CURLE_WRITE_ERROR */
    }
    if (rx->chunk) {
        /* Streamed: the receiver takes the piece now (it may load it onto
         * the eUICC meanwhile the kernel keeps receiving). */
        struct esimlpa_http_response head;
        memset(&head, 0, sizeof head);
        curl_easy_getinfo(ct->easy, CURLINFO_RESPONSE_CODE, &head.status);
        head.admin_protocol = rx->admin_protocol;
        rx->len += n;
        long long t0 = esimlpa__mono_ms();
        if (!rx->first_rx_ms)
            rx->first_rx_ms = t0;
        int stop = rx->chunk(rx->chunk_user, &head, (const uint8_t *)data, n) != 0;
        rx->last_rx_ms = esimlpa__mono_ms();   /* after the receiver's own time (the card) */
        rx->cb_ms += rx->last_rx_ms - t0;
        if (stop) {
            rx->consumer_stop = 1;
            return 0;
        }
        return n;
    }
    if (rx->len + n + 1 > rx->cap) {
        /* Sized once from Content-Length when announced (a bound profile
         * package is the largest body: no doubling overshoot), else doubling. */
        size_t cap = rx->cap ? rx->cap
                   : rx->content_length >= rx->len + n ? rx->content_length + 1 : 4096;
        while (cap < rx->len + n + 1)
            cap *= 2;
        uint8_t *nb = realloc(rx->buf, cap);
        if (!nb)
            return 0;
        rx->buf = nb;
        rx->cap = cap;
    }
    memcpy(rx->buf + rx->len, data, n);
    rx->len += n;
    rx->buf[rx->len] = '\0';
    return n;
}

/* Value of header line @p line if its name is @p name, trimmed; else NULL. */
static const char *header_value(const char *line, size_t n, const char *name, size_t *vlen)
{
    size_t nl = strlen(name);
    if (n <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
        return NULL;
    const char *v = line + nl + 1, *end = line + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
    *vlen = (size_t)(end - v);
    return v;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *user)
{
    struct curl_transport *ct = user;
    struct rx_state *rx = &ct->rx;
    size_t n = size * nmemb, vlen;
    rx->last_rx_ms = esimlpa__mono_ms();
    const char *v;

    if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        /* A new response (e.g. after 100 Continue): forget the previous headers. */
        free(rx->admin_protocol);
        rx->admin_protocol = NULL;
        rx->content_length = 0;
    } else if ((v = header_value(data, n, "X-Admin-Protocol", &vlen)) != NULL) {
        char *copy = malloc(vlen + 1);
        if (!copy)
            return 0;
        memcpy(copy, v, vlen);
        copy[vlen] = '\0';
        free(rx->admin_protocol);
        rx->admin_protocol = copy;
    } else if ((v = header_value(data, n, "Content-Length", &vlen)) != NULL) {
        /* Refuse an announced oversize body before it is transferred. */
        unsigned long long cl = 0;
        for (size_t i = 0; i < vlen && isdigit((unsigned char)v[i]); i++) {
            cl = cl * 10 + (unsigned)(v[i] - '0');
            if (cl > ct->max_response)
                break;
        }
        if (cl > ct->max_response) {
            rx->too_big = 1;
            return 0;
        }
        rx->content_length = (size_t)cl;
    }
    return n;
}

/* Called by libcurl for every new TLS connection: counts handshakes and,
 * with OpenSSL, applies the SGP.22 TLS policy on top of whatever the system
 * configuration (OPENSSL_CONF, seclevel 1, ...) put into the SSL_CTX. */
static CURLcode on_ssl_ctx(CURL *easy, void *sslctx, void *user)
{
    (void)easy;
    struct curl_transport *ct = user;
    ct->ctx_calls++;
    if (!ct->tls_openssl)
        return CURLE_OK;
    /* Memory (issue 14): the record buffers (~17 KB each way) are held only
     * while a record is in flight, not between requests. */
    SSL_CTX_set_mode((SSL_CTX *)sslctx, SSL_MODE_RELEASE_BUFFERS);
    /* Requests are a few KB: records of at most 4 KB need a 4 KB write
     * buffer instead of 17 KB (12 KB off the peak, in the handshake). */
    SSL_CTX_set_max_send_fragment((SSL_CTX *)sslctx, 4096);
    /* OpenSSL refused a setting: no connection below the policy. */
    return esimlpa__tls_policy_apply(sslctx, ct->host, !ct->insecure) == 0 ? CURLE_OK
                                                                            : CURLE_SSL_CIPHER;
}

/* ---- bundled RSP CI trust --------------------------------------------- */

static int bundle_mode(const struct curl_transport *ct)
{
    return !ct->insecure && !ct->ca_file && !ct->ca_path;
}

static const char *set_name(const struct curl_transport *ct)
{
    return ct->use_test_ci ? "test" : "production";
}

static int rebuild_pem(struct curl_transport *ct)
{
    ct->pem_applied = 0;
    free(ct->ca_pem);
    ct->ca_pem = NULL;
    ct->ca_pem_len = 0;
    ct->n_sel = 0;
    for (size_t i = 0; i < ct->bundle.n; i++)
        ct->n_sel += ct->sel[i] != 0;
    if (!ct->n_sel)
        return 0;
    ct->ca_pem = esimlpa__ci_bundle_pem(&ct->bundle, ct->sel, &ct->ca_pem_len);
    return ct->ca_pem ? 0 : ESIMLPA_ENOMEM;
}

/* Load the bundled set once; all of it is trusted until set_euicc_ci(). */
static int bundle_load(struct curl_transport *ct)
{
    if (ct->bundle_loaded)
        return 0;
    char err[sizeof ct->last_error];
    int rc = esimlpa__ci_bundle_load(set_name(ct), &ct->log, &ct->bundle, err, sizeof err);
    if (rc) {
        set_error(ct, err);
        return rc;
    }
    ct->sel = malloc(ct->bundle.n);
    if (!ct->sel) {
        esimlpa__ci_bundle_free(&ct->bundle);
        return ESIMLPA_ENOMEM;
    }
    memset(ct->sel, 1, ct->bundle.n);
    ct->bundle_loaded = 1;
    return rebuild_pem(ct);
}

/* EUICCInfo1.euiccCiPKIdListForVerification (sgp22-notes §8.2): trust only
 * the CIs the eUICC can verify with. */
static int curl_set_euicc_ci(void *user, const struct esimlpa_ci_pkid *pkids, size_t count)
{
    struct curl_transport *ct = user;
    if (!ct || (count && !pkids))
        return ESIMLPA_EINVAL;
    if (!bundle_mode(ct))
        return 0;   /* ca_file / ca_path replace the bundle; insecure trusts nothing */
    int rc = bundle_load(ct);
    if (rc)
        return rc;
    const uint8_t *ids[16];
    size_t lens[16], n = 0;
    int changed = !ct->have_pkids;
    for (size_t i = 0; i < ct->bundle.n; i++) {
        unsigned char in = 0;
        for (size_t k = 0; k < count && !in; k++)
            in = (unsigned char)esimlpa__ci_root_matches(&ct->bundle.roots[i], pkids[k].id,
                                                         pkids[k].len);
        changed |= in != ct->sel[i];
        ct->sel[i] = in;
    }
    for (size_t k = 0; k < count && n < 16; k++, n++) {
        ids[n] = pkids[k].id;
        lens[n] = pkids[k].len;
    }
    esimlpa__ski_list_text(ids, lens, n, ct->card_cis, sizeof ct->card_cis);
    ct->have_pkids = 1;
    if (!changed)
        return 0;   /* same trust (a renewal's later steps): keep the connection */
    /* A connection made under the previous trust must not be reused. */
    curl_reset(ct);
    return rebuild_pem(ct);
}

/* The trust of a failed verification, named (issue 9): "(81370F51…, …)". */
static void trust_error(struct curl_transport *ct)
{
    const uint8_t *ids[64];
    size_t lens[64], n = 0;
    for (size_t i = 0; i < ct->bundle.n && n < 64; i++)
        if (ct->sel[i]) {
            ids[n] = ct->bundle.roots[i].ski;
            lens[n++] = ct->bundle.roots[i].ski_len;
        }
    char list[200];
    esimlpa__ski_list_text(ids, lens, n, list, sizeof list);
    if (ct->have_pkids)
        snprintf(ct->last_error, sizeof ct->last_error,
                 "TLS: the server's certificate is not issued under a CI this eUICC trusts (%s)",
                 list);
    else
        snprintf(ct->last_error, sizeof ct->last_error,
                 "TLS: the server's certificate is not issued under a bundled %s RSP CI (%s)",
                 set_name(ct), list);
}

/* ---- handle setup ------------------------------------------------------- */

#define SETOPT(opt, val)                                                    \
    do {                                                                    \
        CURLcode rc_ = curl_easy_setopt(e, opt, val);                       \
        if (rc_ != CURLE_OK) {                                              \
            snprintf(ct->last_error, sizeof(ct->last_error),                \
                     "curl_easy_setopt(%s): %s", #opt, curl_easy_strerror(rc_)); \
            curl_easy_cleanup(e);                                           \
            return rc_ == CURLE_OUT_OF_MEMORY ? ESIMLPA_ENOMEM : ESIMLPA_EHTTP; \
        }                                                                   \
    } while (0)

static int make_easy(struct curl_transport *ct)
{
    CURL *e = curl_easy_init();
    if (!e) {
        set_error(ct, "curl_easy_init failed");
        return ESIMLPA_ENOMEM;
    }
    const char *protos = ct->allow_http ? "https,http" : "https";

    SETOPT(CURLOPT_ERRORBUFFER, ct->errbuf);
    SETOPT(CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
    SETOPT(CURLOPT_PROTOCOLS_STR, protos);
    SETOPT(CURLOPT_REDIR_PROTOCOLS_STR, protos);
#else
    long pmask = CURLPROTO_HTTPS | (ct->allow_http ? CURLPROTO_HTTP : 0);
    (void)protos;
    SETOPT(CURLOPT_PROTOCOLS, pmask);
    SETOPT(CURLOPT_REDIR_PROTOCOLS, pmask);
#endif
    SETOPT(CURLOPT_FOLLOWLOCATION, 0L);
    SETOPT(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    SETOPT(CURLOPT_SSL_VERIFYPEER, ct->insecure ? 0L : 1L);
    SETOPT(CURLOPT_SSL_VERIFYHOST, ct->insecure ? 0L : 2L);
    SETOPT(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
    if (!ct->insecure) {
        /* Trust exactly the roots given, or (both NULL) only the bundled RSP
         * CIs set per request as a blob: NULL clears curl's built-in default
         * bundle/directory, so the web-PKI store cannot vouch for an SM-DP+. */
        SETOPT(CURLOPT_CAINFO, ct->ca_file);
        SETOPT(CURLOPT_CAPATH, ct->ca_path);
    }
    if (ct->resolve)
        SETOPT(CURLOPT_RESOLVE, ct->resolve);
    SETOPT(CURLOPT_CONNECTTIMEOUT_MS, ct->connect_ms);
    SETOPT(CURLOPT_TIMEOUT_MS, ct->total_ms);
    SETOPT(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)ct->max_response);
    SETOPT(CURLOPT_TCP_KEEPALIVE, 1L);
    /* Memory (issue 14): curl's default buffers are 16 KB to receive and
     * 64 KB to send (a TLS request is copied there). Requests are a few KB
     * and the largest answer is streamed, so the smallest sizes curl allows
     * do the job with 63 KB less heap (OpenSSL still reads whole records
     * into its own buffer: no more system calls; ~10% more CPU for 1 MB). */
    SETOPT(CURLOPT_BUFFERSIZE, 1024L);
#if LIBCURL_VERSION_NUM >= 0x073E00
    SETOPT(CURLOPT_UPLOAD_BUFFERSIZE, 16384L);
#endif
    SETOPT(CURLOPT_WRITEFUNCTION, on_body);
    SETOPT(CURLOPT_WRITEDATA, ct);
    SETOPT(CURLOPT_HEADERFUNCTION, on_header);
    SETOPT(CURLOPT_HEADERDATA, ct);
    SETOPT(CURLOPT_POST, 1L);
    {   /* a prepared request waits for its body before it is sent */
        CURLcode rc_ = esimlpa__curl_ahead_setopts(e, &ct->ahead);
        if (rc_ != CURLE_OK) {
            set_error(ct, "curl_easy_setopt(CURLOPT_PREREQFUNCTION) failed");
            curl_easy_cleanup(e);
            return ESIMLPA_EHTTP;
        }
    }

    /* Only TLS backends with an SSL_CTX support this; fall back to counting connects. */
    ct->ctx_cb_supported =
        curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx) == CURLE_OK &&
        curl_easy_setopt(e, CURLOPT_SSL_CTX_DATA, ct) == CURLE_OK;

    ct->easy = e;
    ct->pem_applied = 0;
    return 0;
}
#undef SETOPT

/* ---- public API --------------------------------------------------------- */

static char *dup_opt(const char *s, int *err)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        *err = 1;
    return d;
}

static int has_crlf(const char *s)
{
    return strpbrk(s, "\r\n") != NULL;
}

int esimlpa_curl_transport_new(const struct esimlpa_curl_options *opts,
                               struct esimlpa_http_transport **out)
{
    if (!out)
        return ESIMLPA_EINVAL;
    *out = NULL;
    /* Version 1 structs (without use_test_ci and log) are still accepted. */
    if (opts && (opts->version < 1 || opts->version > ESIMLPA_CURL_OPTIONS_VERSION))
        return ESIMLPA_EINVAL;
    if (opts && (opts->connect_timeout_ms < 0 || opts->total_timeout_ms < 0))
        return ESIMLPA_EINVAL;
    int rc = esimlpa__curl_global_init();
    if (rc)
        return rc;

    struct curl_transport *ct = calloc(1, sizeof(*ct));
    if (!ct)
        return ESIMLPA_ENOMEM;
    ct->pub.version = ESIMLPA_HTTP_TRANSPORT_VERSION;
    ct->pub.user = ct;
    ct->pub.post = curl_post;
    ct->pub.reset = curl_reset;
    ct->pub.last_error = curl_last_error;
    ct->pub.set_euicc_ci = curl_set_euicc_ci;
    const curl_version_info_data *vi = curl_version_info(CURLVERSION_NOW);
    ct->tls_openssl = vi && vi->ssl_version && strncmp(vi->ssl_version, "OpenSSL", 7) == 0;
    ct->pub.set_abort = curl_set_abort;
    ct->pub.prepare = curl_prepare;
    ct->pub.post_stream = curl_post_stream;
    ct->connect_ms = DEFAULT_CONNECT_MS;
    ct->total_ms = DEFAULT_TOTAL_MS;
    ct->max_response = DEFAULT_MAX_RESPONSE;

    if (opts) {
        int err = 0;
        ct->ca_file = dup_opt(opts->ca_file, &err);
        ct->ca_path = dup_opt(opts->ca_path, &err);
        ct->insecure = opts->insecure_no_verify != 0;
        ct->allow_http = opts->allow_plain_http != 0;
        if (opts->version >= 2) {
            ct->use_test_ci = opts->use_test_ci != 0;
            ct->log.fn = opts->log;
            ct->log.user = opts->log_user;
        }
        if (opts->connect_timeout_ms)
            ct->connect_ms = opts->connect_timeout_ms;
        if (opts->total_timeout_ms)
            ct->total_ms = opts->total_timeout_ms;
        if (opts->max_response)
            ct->max_response = opts->max_response;
        for (const char *const *r = opts->resolve; r && *r && !err; r++) {
            if (has_crlf(*r)) {
                esimlpa_curl_transport_free(&ct->pub);
                return ESIMLPA_EINVAL;
            }
            struct curl_slist *nl = curl_slist_append(ct->resolve, *r);
            if (!nl)
                err = 1;
            else
                ct->resolve = nl;
        }
        if (err) {
            esimlpa_curl_transport_free(&ct->pub);
            return ESIMLPA_ENOMEM;
        }
    }
    rc = make_easy(ct);
    if (rc) {
        esimlpa_curl_transport_free(&ct->pub);
        return rc;
    }
    *out = &ct->pub;
    return 0;
}

static struct curl_transport *as_curl(const struct esimlpa_http_transport *t)
{
    /* Only transports made by esimlpa_curl_transport_new have this post function. */
    return (t && t->post == curl_post) ? (struct curl_transport *)t->user : NULL;
}

void esimlpa_curl_transport_free(struct esimlpa_http_transport *t)
{
    struct curl_transport *ct = as_curl(t);
    if (!ct)
        return;
    ahead_drop(ct);
    if (ct->easy)
        curl_easy_cleanup(ct->easy);
    if (ct->multi)
        curl_multi_cleanup(ct->multi);
    curl_slist_free_all(ct->resolve);
    rx_clear(&ct->rx);
    free(ct->ca_file);
    free(ct->ca_path);
    esimlpa__ci_bundle_free(&ct->bundle);
    free(ct->sel);
    free(ct->ca_pem);
    free(ct);
}

void esimlpa_curl_transport_stats_read(const struct esimlpa_http_transport *t,
                                       struct esimlpa_http_stats *out)
{
    struct esimlpa_http_stats s;
    memset(&s, 0, sizeof s);
    const struct curl_transport *ct = as_curl(t);
    if (ct)
        s = ct->stats;
    s.struct_size = sizeof s;
    esimlpa__out_copy(out, &s, sizeof s);
}

void esimlpa_curl_transport_stats(const struct esimlpa_http_transport *t,
                                  struct esimlpa_http_stats_v1 *out)
{
    if (!out)
        return;
    memset(out, 0, sizeof *out);
    const struct curl_transport *ct = as_curl(t);
    if (!ct)
        return;
    out->requests = ct->stats.requests;
    out->connections = ct->stats.connections;
    out->tls_handshakes = ct->stats.tls_handshakes;
    out->bytes_sent = ct->stats.bytes_sent;
    out->bytes_received = ct->stats.bytes_received;
}

static const char *curl_last_error(void *user)
{
    const struct curl_transport *ct = user;
    return ct ? ct->last_error : "";
}

const char *esimlpa_curl_transport_last_error(const struct esimlpa_http_transport *t)
{
    const struct curl_transport *ct = as_curl(t);
    return ct ? ct->last_error : "";
}

static void curl_reset(void *user)
{
    struct curl_transport *ct = user;
    ahead_drop(ct);
    /* Dropping the handle closes its pooled connections and TLS session cache. */
    if (ct->easy) {
        curl_easy_cleanup(ct->easy);
        ct->easy = NULL;
    }
    if (ct->multi) {
        curl_multi_cleanup(ct->multi);
        ct->multi = NULL;
    }
}

static void curl_set_abort(void *user, int (*should_abort)(void *), void *abort_user)
{
    struct curl_transport *ct = user;
    ct->should_abort = should_abort;
    ct->abort_user = should_abort ? abort_user : NULL;
}

#define ABORT_POLL_MS 50   /* set_abort contract: polled at least every 100 ms */

/*
 * One transfer through the multi interface, so that a wait for the server
 * (connect, TLS, a slow answer) wakes every ABORT_POLL_MS to ask the abort
 * hook; curl's progress callback only runs about once a second while idle.
 * The multi handle keeps the connection cache: one TLS session per download
 * as with curl_easy_perform. *aborted is set when the hook stopped it; the
 * connection of an unfinished transfer is closed by curl.
 */
static CURLcode perform_added(struct curl_transport *ct, CURL *e, int *aborted);

/*
 * A streamed answer has no total time limit (the eUICC loads it meanwhile),
 * so a server that trickles bytes just inside the stall limit could hold a
 * download for hours. Once the body has run for total_ms of network time
 * (wall time minus the receiver's, i.e. the card's), it must average
 * MIN_STREAM_BPS: 8 kbit/s, below any data network (GPRS carries 20-50).
 */
#define MIN_STREAM_BPS 1024

static int too_slow(const struct curl_transport *ct)
{
    const struct rx_state *rx = &ct->rx;
    if (!rx->first_rx_ms)
        return 0;   /* no body yet: the stall limit applies */
    long long net = esimlpa__mono_ms() - rx->first_rx_ms - rx->cb_ms;
    return net > ct->total_ms && (long long)rx->len * 1000 < (long long)MIN_STREAM_BPS * net;
}

static CURLcode perform(struct curl_transport *ct, CURL *e, int *aborted)
{
    *aborted = 0;
    if (!ct->multi && !(ct->multi = curl_multi_init()))
        return CURLE_OUT_OF_MEMORY;
    if (curl_multi_add_handle(ct->multi, e) != CURLM_OK)
        return CURLE_FAILED_INIT;
    return perform_added(ct, e, aborted);
}

/* The loop of perform() for a handle already in the multi handle; removes
 * it at the end. */
static CURLcode perform_added(struct curl_transport *ct, CURL *e, int *aborted)
{
    *aborted = 0;
    CURLcode res = CURLE_FAILED_INIT;
    for (;;) {
        if (ct->should_abort && ct->should_abort(ct->abort_user)) {
            *aborted = 1;
            res = CURLE_ABORTED_BY_CALLBACK;
            break;
        }
        if (ct->rx.chunk && esimlpa__mono_ms() - ct->rx.last_rx_ms > ct->total_ms) {
            /* A streamed answer has no total limit, only this stall limit. */
            snprintf(ct->errbuf, sizeof ct->errbuf, "no data from the server for %ld ms",
                     ct->total_ms);
            res = CURLE_OPERATION_TIMEDOUT;
            break;
        }
        if (ct->rx.chunk && too_slow(ct)) {
            snprintf(ct->errbuf, sizeof ct->errbuf,
                     "the server sends under %d bytes/s (a streamed answer must keep that rate "
                     "after its first %ld ms)", MIN_STREAM_BPS, ct->total_ms);
            res = CURLE_OPERATION_TIMEDOUT;
            break;
        }
        int running = 0, queued = 0, done = 0;
        CURLMcode mc = curl_multi_perform(ct->multi, &running);
        if (mc != CURLM_OK) {
            res = mc == CURLM_OUT_OF_MEMORY ? CURLE_OUT_OF_MEMORY : CURLE_FAILED_INIT;
            break;
        }
        for (CURLMsg *m; (m = curl_multi_info_read(ct->multi, &queued));)
            if (m->msg == CURLMSG_DONE && m->easy_handle == e) {
                res = m->data.result;
                done = 1;
            }
        if (done || !running)
            break;
        if (curl_multi_poll(ct->multi, NULL, 0, ABORT_POLL_MS, NULL) != CURLM_OK)
            break;
    }
    curl_multi_remove_handle(ct->multi, e);
    return res;
}

static int do_post(struct curl_transport *ct, const char *url, const char *const *headers,
                   const uint8_t *body, size_t body_len, struct esimlpa_http_response *resp,
                   esimlpa_http_chunk_fn chunk, void *chunk_user);

static int curl_post(void *user, const char *url, const char *const *headers,
                     const uint8_t *body, size_t body_len, struct esimlpa_http_response *resp)
{
    return do_post(user, url, headers, body, body_len, resp, NULL, NULL);
}

static int curl_post_stream(void *user, const char *url, const char *const *headers,
                            const uint8_t *body, size_t body_len, esimlpa_http_chunk_fn on_chunk,
                            void *chunk_user, struct esimlpa_http_response *resp)
{
    /* on_chunk NULL: an ordinary post (chunk_user is then never read) */
    return do_post(user, url, headers, body, body_len, resp, on_chunk, chunk_user);
}

/* Host of "scheme://host[:port][/path]" ("[v6]" without brackets); 0 or -1. */
static int url_host(const char *url, char *out, size_t cap)
{
    const char *h = strstr(url, "://");
    if (!h)
        return -1;
    h += 3;
    const char *end;
    if (*h == '[') {
        h++;
        end = strchr(h, ']');
        if (!end)
            return -1;
    } else {
        end = h + strcspn(h, ":/?#");
    }
    size_t n = (size_t)(end - h);
    if (!n || n >= cap)
        return -1;
    memcpy(out, h, n);
    out[n] = '\0';
    return 0;
}

/* Verification results meaning "no chain to a trusted root". */
static int not_issued_under(long vr)
{
    return vr == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
           vr == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
           vr == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE ||
           vr == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
           vr == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN;
}

/* 1: https, 0: http, -1: anything else. */
static int url_scheme(const char *url)
{
    if (strncasecmp(url, "https://", 8) == 0)
        return 1;
    if (strncasecmp(url, "http://", 7) == 0)
        return 0;
    return -1;
}

/* Connections and TLS handshakes of the transfer that just ended. */
static void account_connect(struct curl_transport *ct, int https, int transfer_failed_tls)
{
    long conns = 0;
    curl_off_t appconnect = 0;
    if (curl_easy_getinfo(ct->easy, CURLINFO_NUM_CONNECTS, &conns) == CURLE_OK && conns > 0)
        ct->stats.connections += (unsigned long)conns;
    /* A handshake completed in this request iff the TLS connect time is set. */
    if (!https || transfer_failed_tls)
        return;
    if (curl_easy_getinfo(ct->easy, CURLINFO_APPCONNECT_TIME_T, &appconnect) != CURLE_OK ||
        appconnect <= 0)
        return;
    if (ct->ctx_cb_supported)
        ct->stats.tls_handshakes += ct->ctx_calls ? ct->ctx_calls : 1;
    else
        ct->stats.tls_handshakes += conns > 0 ? (unsigned long)conns : 1;
}

/* Timeouts of a request: a whole answer within total_ms; a streamed one
 * (its receiver loads the eUICC meanwhile, ~90 s for 1 MB at 20 ms per
 * APDU) only cut when no byte came for total_ms (a stall). */
static CURLcode set_time_limits(CURL *e, long total_ms, int streamed)
{
    /* streamed: perform() gives up after total_ms without a byte */
    return curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, streamed ? 0L : total_ms);
}

static void account(struct curl_transport *ct, int https, int transfer_failed_tls)
{
    curl_off_t up = 0, down = 0;
    long req_size = 0, hdr_size = 0;

    ct->stats.requests++;
    if (curl_easy_getinfo(ct->easy, CURLINFO_REQUEST_SIZE, &req_size) == CURLE_OK && req_size > 0)
        ct->stats.bytes_sent += (unsigned long)req_size;
    if (curl_easy_getinfo(ct->easy, CURLINFO_SIZE_UPLOAD_T, &up) == CURLE_OK && up > 0)
        ct->stats.bytes_sent += (unsigned long)up;
    if (curl_easy_getinfo(ct->easy, CURLINFO_HEADER_SIZE, &hdr_size) == CURLE_OK && hdr_size > 0)
        ct->stats.bytes_received += (unsigned long)hdr_size;
    if (curl_easy_getinfo(ct->easy, CURLINFO_SIZE_DOWNLOAD_T, &down) == CURLE_OK && down > 0)
        ct->stats.bytes_received += (unsigned long)down;
    account_connect(ct, https, transfer_failed_tls);
}

/* Checks before any network I/O; sets ct->host. 0 or ESIMLPA_E* (last_error set). */
static int check_request(struct curl_transport *ct, const char *url, int *https_out)
{
    int rc;
    /* Plain http:// is refused before any network I/O (SGP.22 §5.1: HTTPS only). */
    int https = url_scheme(url);
    if (https < 0) {
        set_error(ct, "URL scheme is not https://");
        return ESIMLPA_EINVAL;
    }
    if (!https && !ct->allow_http) {
        set_error(ct, "plain http:// refused: ES9+/ES11 require https://");
        return ESIMLPA_EHTTP_PLAIN;
    }
    if (has_crlf(url)) {
        set_error(ct, "URL contains CR/LF");
        return ESIMLPA_EINVAL;
    }
    if (url_host(url, ct->host, sizeof ct->host) != 0) {
        set_error(ct, "URL has no host name");
        return ESIMLPA_EINVAL;
    }
    if (https && bundle_mode(ct)) {
        if ((rc = bundle_load(ct)) != 0)
            return rc;
        if (!ct->n_sel) {
            /* Nothing to verify against: refused before any connection. */
            snprintf(ct->last_error, sizeof ct->last_error,
                     "TLS: this eUICC trusts none of the bundled %s RSP CIs (it lists %s)",
                     set_name(ct), ct->card_cis[0] ? ct->card_cis : "none");
            return ESIMLPA_EHTTP_CERT;
        }
    }
    *https_out = https;
    return 0;
}

/* The request's header list, with "Expect:" (no 100-continue round trip). */
static int build_headers(struct curl_transport *ct, const char *const *headers,
                         struct curl_slist **out)
{
    struct curl_slist *hdrs = NULL;
    int have_expect = 0;
    *out = NULL;
    for (const char *const *h = headers; h && *h; h++) {
        if (has_crlf(*h) || !strchr(*h, ':')) {
            curl_slist_free_all(hdrs);
            set_error(ct, "malformed request header line");
            return ESIMLPA_EINVAL;
        }
        if (strncasecmp(*h, "Expect:", 7) == 0)
            have_expect = 1;
        struct curl_slist *nl = curl_slist_append(hdrs, *h);
        if (!nl) {
            curl_slist_free_all(hdrs);
            return ESIMLPA_ENOMEM;
        }
        hdrs = nl;
    }
    if (!have_expect) {
        /* No "Expect: 100-continue" round trip for larger bodies. */
        struct curl_slist *nl = curl_slist_append(hdrs, "Expect:");
        if (!nl) {
            curl_slist_free_all(hdrs);
            return ESIMLPA_ENOMEM;
        }
        hdrs = nl;
    }
    *out = hdrs;
    return 0;
}

/* Options of one request on ct->easy (made if needed). A prepared request
 * passes no body: esimlpa__curl_ahead_start() sets its buffer and length.
 * @chunk: a streamed answer (post_stream), its body goes there. */
static CURLcode setup_request(struct curl_transport *ct, const char *url, int https,
                              struct curl_slist *hdrs, const uint8_t *body, size_t body_len,
                              esimlpa_http_chunk_fn chunk, void *chunk_user)
{
    CURL *e = ct->easy;
    rx_clear(&ct->rx);
    ct->rx.chunk = chunk;
    ct->rx.chunk_user = chunk_user;
    ct->rx.last_rx_ms = esimlpa__mono_ms();
    ct->ctx_calls = 0;
    ct->errbuf[0] = '\0';
    CURLcode cr = curl_easy_setopt(e, CURLOPT_URL, url);
    if (cr == CURLE_OK && https && bundle_mode(ct) && !ct->pem_applied) {
        struct curl_blob blob = { ct->ca_pem, ct->ca_pem_len, CURL_BLOB_COPY };
        cr = curl_easy_setopt(e, CURLOPT_CAINFO_BLOB, &blob);
        ct->pem_applied = cr == CURLE_OK;
    }
    if (cr == CURLE_OK)
        cr = curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdrs);
    /* A known length: Content-Length, never chunked (SGP.22 §6.1.1). */
    if (cr == CURLE_OK)
        cr = curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    if (cr == CURLE_OK)
        cr = curl_easy_setopt(e, CURLOPT_POSTFIELDS, body ? (const char *)body : "");
    /* streamed: no total limit, perform() gives up after a stall instead */
    if (cr == CURLE_OK)
        cr = set_time_limits(e, ct->total_ms, ct->rx.chunk != NULL);
    return cr;
}

/* After a transfer: statistics, the error's text, or the response (a
 * streamed one: status and admin_protocol only, its body went to the
 * receiver). */
static int finish(struct curl_transport *ct, CURLcode cr, int aborted, int https,
                  struct curl_slist *hdrs, struct esimlpa_http_response *resp)
{
    CURL *e = ct->easy;
    int streamed = ct->rx.chunk != NULL;   /* the next setup_request sets its own limits */
    int rc = aborted || ct->rx.consumer_stop ? ESIMLPA_ECANCELLED
                                             : esimlpa__curl_map_error(cr, ct->rx.too_big);
    account(ct, https, rc == ESIMLPA_EHTTP_CERT || rc == ESIMLPA_EHTTP_TLS);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(hdrs);

    if (rc) {
        long vr = 0;
        if (rc == ESIMLPA_EHTTP_CERT)
            curl_easy_getinfo(e, CURLINFO_SSL_VERIFYRESULT, &vr);
        if (rc == ESIMLPA_EHTTP_TOOBIG)
            snprintf(ct->last_error, sizeof(ct->last_error),
                     "response larger than the cap of %zu bytes", ct->max_response);
        else if (rc == ESIMLPA_EHTTP_CERT && vr == X509_V_ERR_HOSTNAME_MISMATCH)
            snprintf(ct->last_error, sizeof(ct->last_error),
                     "TLS: the server's certificate does not match host name %.150s: no subjectAltName "
                     "dNSName for it (a subject CN is never used)", ct->host);
        else if (rc == ESIMLPA_EHTTP_CERT && bundle_mode(ct) && not_issued_under(vr))
            trust_error(ct);
        else if (rc == ESIMLPA_ECANCELLED && ct->rx.consumer_stop)
            set_error(ct, "request given up by its receiver");
        else if (rc == ESIMLPA_ECANCELLED)
            set_error(ct, "request given up: cancelled");
        else
            snprintf(ct->last_error, sizeof(ct->last_error), "%s",
                     ct->errbuf[0] ? ct->errbuf : curl_easy_strerror(cr));
        rx_clear(&ct->rx);
        return rc;
    }

    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    if (streamed) {
        resp->status = status;
        resp->admin_protocol = ct->rx.admin_protocol;
        ct->rx.admin_protocol = NULL;
        rx_clear(&ct->rx);
        return 0;
    }
    if (!ct->rx.buf) {
        /* Always hand out a NUL-terminated body, also when empty (204). */
        ct->rx.buf = calloc(1, 1);
        if (!ct->rx.buf) {
            rx_clear(&ct->rx);
            return ESIMLPA_ENOMEM;
        }
    }
    resp->status = status;
    resp->body = ct->rx.buf;
    resp->body_len = ct->rx.len;
    resp->admin_protocol = ct->rx.admin_protocol;
    memset(&ct->rx, 0, sizeof(ct->rx));
    return 0;
}

/* ---- connect-ahead (prepare) --------------------------------------------- */

/* Give up the prepared request: the transfer is removed unfinished, so curl
 * closes its connection (its handshake still counts in the statistics). */
static void ahead_drop(struct curl_transport *ct)
{
    struct esimlpa__curl_ahead *a = &ct->ahead;
    if (!a->active)
        return;
    esimlpa__curl_ahead_stop(a);
    curl_multi_remove_handle(ct->multi, ct->easy);
    /* a transfer the drop itself aborted did not fail */
    account_connect(ct, a->https, a->done && a->result != CURLE_OK &&
                                      a->result != CURLE_ABORTED_BY_CALLBACK);
    curl_easy_setopt(ct->easy, CURLOPT_HTTPHEADER, NULL);
    rx_clear(&ct->rx);
    esimlpa__curl_ahead_clear(a);
}

static int same_headers(const struct curl_slist *x, const struct curl_slist *y)
{
    for (; x && y; x = x->next, y = y->next)
        if (strcmp(x->data, y->data) != 0)
            return 0;
    return !x && !y;
}

/* Is this post() the prepared request? */
static int ahead_matches(struct curl_transport *ct, const char *url,
                         const char *const *headers, size_t body_len)
{
    struct esimlpa__curl_ahead *a = &ct->ahead;
    if (body_len != a->body_len || strcmp(url, a->url) != 0)
        return 0;
    struct curl_slist *h = NULL;
    if (build_headers(ct, headers, &h) != 0)
        return 0;
    int same = same_headers(h, a->hdrs);
    curl_slist_free_all(h);
    return same;
}

static int curl_prepare(void *user, const char *url, const char *const *headers,
                        size_t body_len)
{
    struct curl_transport *ct = user;
    if (!ct)
        return ESIMLPA_EINVAL;
    if (ct->ahead.active && url && ahead_matches(ct, url, headers, body_len))
        return 0;   /* already under way */
    ahead_drop(ct);
    if (!url)
        return 0;
    int https = 0, rc;
    struct curl_slist *hdrs = NULL;
    if ((rc = check_request(ct, url, &https)) != 0 ||
        (rc = build_headers(ct, headers, &hdrs)) != 0)
        return rc;
    struct esimlpa__curl_ahead *a = &ct->ahead;
    a->url = strdup(url);
    if (!a->url || (!ct->easy && (rc = make_easy(ct)) != 0) ||
        (!ct->multi && !(ct->multi = curl_multi_init()))) {
        curl_slist_free_all(hdrs);
        esimlpa__curl_ahead_clear(a);
        return rc ? rc : ESIMLPA_ENOMEM;
    }
    a->body_len = body_len;
    if (setup_request(ct, url, https, hdrs, NULL, 0, NULL, NULL) != CURLE_OK ||
        esimlpa__curl_ahead_start(a, ct->multi, ct->easy) != 0) {
        curl_easy_setopt(ct->easy, CURLOPT_HTTPHEADER, NULL);
        curl_slist_free_all(hdrs);
        esimlpa__curl_ahead_clear(a);
        return ESIMLPA_EHTTP;
    }
    a->hdrs = hdrs;
    a->https = https;
    return 0;
}

/* post() of the prepared request: the worker sends the body and receives
 * the answer while this thread waits (or the transfer ended already: its
 * failure is this post's). */
static int post_ahead(struct curl_transport *ct, const uint8_t *body,
                      struct esimlpa_http_response *resp)
{
    struct esimlpa__curl_ahead *a = &ct->ahead;
    int aborted = esimlpa__curl_ahead_finish(a, body, ct->should_abort, ct->abort_user);
    CURLcode cr = aborted ? CURLE_ABORTED_BY_CALLBACK : a->done ? a->result : CURLE_FAILED_INIT;
    curl_multi_remove_handle(ct->multi, ct->easy);
    struct curl_slist *hdrs = a->hdrs;
    int https = a->https;
    a->hdrs = NULL;
    esimlpa__curl_ahead_clear(a);
    return finish(ct, cr, aborted, https, hdrs, resp);
}

/* post() and post_stream() (@chunk non-NULL: the answer's body goes there). */
static int do_post(struct curl_transport *ct, const char *url, const char *const *headers,
                   const uint8_t *body, size_t body_len, struct esimlpa_http_response *resp,
                   esimlpa_http_chunk_fn chunk, void *chunk_user)
{
    struct curl_slist *hdrs = NULL;
    int rc, https = 0;

    if (!ct || !url || !resp || (!body && body_len)) {
        if (ct)
            set_error(ct, "invalid argument");
        return ESIMLPA_EINVAL;
    }
    memset(resp, 0, sizeof(*resp));
    ct->last_error[0] = '\0';
    if (ct->ahead.active) {
        /* the worker touches neither last_error nor what matching reads */
        if (!chunk && ahead_matches(ct, url, headers, body_len))
            return post_ahead(ct, body, resp);
        ahead_drop(ct);   /* from here on this thread alone is inside curl */
    }

    if ((rc = check_request(ct, url, &https)) != 0 ||
        (rc = build_headers(ct, headers, &hdrs)) != 0)
        return rc;
    if (!ct->easy && (rc = make_easy(ct)) != 0) {
        curl_slist_free_all(hdrs);
        return rc;
    }
    int aborted = 0;
    CURLcode cr = setup_request(ct, url, https, hdrs, body, body_len, chunk, chunk_user);
    if (cr == CURLE_OK)
        cr = perform(ct, ct->easy, &aborted);
    return finish(ct, cr, aborted, https, hdrs, resp);
}
