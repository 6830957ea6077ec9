/* SPDX-License-Identifier: MIT */
/*
 * libcurl backend of the HTTP transport (SGP.22 §5.1 ES9+/ES11 over HTTPS).
 *
 * One easy handle per transport, reused for every request: libcurl keeps the
 * connection (and its TLS session) alive between requests to the same host,
 * so a whole profile download costs one TCP connection and one handshake.
 * TLS peer and host verification are always on unless the caller sets
 * insecure_no_verify (tests only). Production SM-DP+ TLS certificates chain
 * to the GSMA RSP CI roots (§8.4), which are NOT in the system web-PKI store:
 * integrators must pass them with ca_file / ca_path. When either is given,
 * only those roots are trusted; with neither, curl's default store is used
 * (which will not validate real SM-DP+ certificates, pitfall 19).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "esimlpa/error.h"
#include "esimlpa/http.h"
#include "http/http_internal.h"

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
    long connect_ms, total_ms;
    size_t max_response;
    int ctx_cb_supported;               /* CURLOPT_SSL_CTX_FUNCTION available */
    unsigned long ctx_calls;            /* TLS contexts made during this request */
    struct rx_state rx;
    struct esimlpa_http_stats stats;
    char errbuf[CURL_ERROR_SIZE];
    char last_error[CURL_ERROR_SIZE + 64];
};

static int curl_post(void *user, const char *url, const char *const *headers,
                     const uint8_t *body, size_t body_len, struct esimlpa_http_response *resp);
static void curl_reset(void *user);
static const char *curl_last_error(void *user);
static void curl_set_abort(void *user, int (*should_abort)(void *), void *abort_user);

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

/* Called by libcurl (OpenSSL flavour) for every new TLS connection: counts handshakes. */
static CURLcode on_ssl_ctx(CURL *easy, void *sslctx, void *user)
{
    (void)easy;
    (void)sslctx;
    struct curl_transport *ct = user;
    ct->ctx_calls++;
    return CURLE_OK;
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
    if (ct->ca_file || ct->ca_path) {
        /* Trust exactly the roots given: NULL clears curl's built-in default
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
    SETOPT(CURLOPT_WRITEFUNCTION, on_body);
    SETOPT(CURLOPT_WRITEDATA, ct);
    SETOPT(CURLOPT_HEADERFUNCTION, on_header);
    SETOPT(CURLOPT_HEADERDATA, ct);
    SETOPT(CURLOPT_POST, 1L);

    /* Only TLS backends with an SSL_CTX support this; fall back to counting connects. */
    ct->ctx_cb_supported =
        curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx) == CURLE_OK &&
        curl_easy_setopt(e, CURLOPT_SSL_CTX_DATA, ct) == CURLE_OK;

    ct->easy = e;
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
    if (opts && opts->version != ESIMLPA_CURL_OPTIONS_VERSION)
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
    ct->pub.set_abort = curl_set_abort;
    ct->connect_ms = DEFAULT_CONNECT_MS;
    ct->total_ms = DEFAULT_TOTAL_MS;
    ct->max_response = DEFAULT_MAX_RESPONSE;

    if (opts) {
        int err = 0;
        ct->ca_file = dup_opt(opts->ca_file, &err);
        ct->ca_path = dup_opt(opts->ca_path, &err);
        ct->insecure = opts->insecure_no_verify != 0;
        ct->allow_http = opts->allow_plain_http != 0;
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
    if (ct->easy)
        curl_easy_cleanup(ct->easy);
    if (ct->multi)
        curl_multi_cleanup(ct->multi);
    curl_slist_free_all(ct->resolve);
    rx_clear(&ct->rx);
    free(ct->ca_file);
    free(ct->ca_path);
    free(ct);
}

void esimlpa_curl_transport_stats(const struct esimlpa_http_transport *t,
                                  struct esimlpa_http_stats *out)
{
    if (!out)
        return;
    const struct curl_transport *ct = as_curl(t);
    if (ct)
        *out = ct->stats;
    else
        memset(out, 0, sizeof(*out));
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
static CURLcode perform(struct curl_transport *ct, CURL *e, int *aborted)
{
    *aborted = 0;
    if (!ct->multi && !(ct->multi = curl_multi_init()))
        return CURLE_OUT_OF_MEMORY;
    if (curl_multi_add_handle(ct->multi, e) != CURLM_OK)
        return CURLE_FAILED_INIT;
    CURLcode res = CURLE_FAILED_INIT;
    for (;;) {
        if (ct->should_abort && ct->should_abort(ct->abort_user)) {
            *aborted = 1;
            res = CURLE_ABORTED_BY_CALLBACK;
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

/* 1: https, 0: http, -1: anything else. */
static int url_scheme(const char *url)
{
    if (strncasecmp(url, "https://", 8) == 0)
        return 1;
    if (strncasecmp(url, "http://", 7) == 0)
        return 0;
    return -1;
}

static void account(struct curl_transport *ct, int https, int transfer_failed_tls)
{
    long conns = 0;
    curl_off_t up = 0, down = 0, appconnect = 0;
    long req_size = 0, hdr_size = 0;

    ct->stats.requests++;
    if (curl_easy_getinfo(ct->easy, CURLINFO_NUM_CONNECTS, &conns) == CURLE_OK && conns > 0)
        ct->stats.connections += (unsigned long)conns;
    if (curl_easy_getinfo(ct->easy, CURLINFO_REQUEST_SIZE, &req_size) == CURLE_OK && req_size > 0)
        ct->stats.bytes_sent += (unsigned long)req_size;
    if (curl_easy_getinfo(ct->easy, CURLINFO_SIZE_UPLOAD_T, &up) == CURLE_OK && up > 0)
        ct->stats.bytes_sent += (unsigned long)up;
    if (curl_easy_getinfo(ct->easy, CURLINFO_HEADER_SIZE, &hdr_size) == CURLE_OK && hdr_size > 0)
        ct->stats.bytes_received += (unsigned long)hdr_size;
    if (curl_easy_getinfo(ct->easy, CURLINFO_SIZE_DOWNLOAD_T, &down) == CURLE_OK && down > 0)
        ct->stats.bytes_received += (unsigned long)down;

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

static int curl_post(void *user, const char *url, const char *const *headers,
                     const uint8_t *body, size_t body_len, struct esimlpa_http_response *resp)
{
    struct curl_transport *ct = user;
    struct curl_slist *hdrs = NULL;
    int have_expect = 0, rc;

    if (!ct || !url || !resp || (!body && body_len)) {
        if (ct)
            set_error(ct, "invalid argument");
        return ESIMLPA_EINVAL;
    }
    memset(resp, 0, sizeof(*resp));
    ct->last_error[0] = '\0';

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

    if (!ct->easy && (rc = make_easy(ct)) != 0) {
        curl_slist_free_all(hdrs);
        return rc;
    }
    CURL *e = ct->easy;
    rx_clear(&ct->rx);
    ct->ctx_calls = 0;
    ct->errbuf[0] = '\0';

    CURLcode cr = curl_easy_setopt(e, CURLOPT_URL, url);
    if (cr == CURLE_OK)
        cr = curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdrs);
    if (cr == CURLE_OK)
        cr = curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    if (cr == CURLE_OK)
        cr = curl_easy_setopt(e, CURLOPT_POSTFIELDS, body ? (const char *)body : "");
    int aborted = 0;
    if (cr == CURLE_OK)
        cr = perform(ct, e, &aborted);

    rc = aborted ? ESIMLPA_ECANCELLED : esimlpa__curl_map_error(cr, ct->rx.too_big);
    account(ct, https, rc == ESIMLPA_EHTTP_CERT || rc == ESIMLPA_EHTTP_TLS);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(hdrs);

    if (rc) {
        if (rc == ESIMLPA_EHTTP_TOOBIG)
            snprintf(ct->last_error, sizeof(ct->last_error),
                     "response larger than the cap of %zu bytes", ct->max_response);
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
