/* SPDX-License-Identifier: MIT */
/*
 * Connect-ahead of the libcurl transport (issue 14 item 2, http.h prepare):
 * a prepared request is connected (TCP, TLS, headers) before post() brings
 * its body; post() continues it on the same connection (one handshake).
 * Also: a different post() drops it, reset()/free()/prepare(NULL) drop it
 * (also in the middle of the handshake), a TLS failure during the prepared
 * connect reads exactly as without connect-ahead, cancel and timeout.
 * Waits below are for a server-side condition (no timed assertions).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "esimlpa/error.h"
#include "esimlpa/http.h"
#include "httpd.h"
#include "http_client_check.h"
#include "testpki.h"

static const char *const OTHER_HEADERS[] = {"Content-Type: application/json", NULL};
#define IA "/gsma/rsp2/es9plus/initiateAuthentication"

/* The last initiateAuthentication request was whole (set by the server's thread). */
static int ia_ok_v;
static pthread_mutex_t ia_lock = PTHREAD_MUTEX_INITIALIZER;

static void set_ia_ok(int v)
{
    pthread_mutex_lock(&ia_lock);
    ia_ok_v = v;
    pthread_mutex_unlock(&ia_lock);
}

static int ia_ok(void)
{
    pthread_mutex_lock(&ia_lock);
    int v = ia_ok_v;
    pthread_mutex_unlock(&ia_lock);
    return v;
}

static int handler(void *user, const struct httpd_request *req, struct httpd_response *resp)
{
    (void)user;
    if (strcmp(req->path, IA) == 0) {
        const char *cl = httpd_request_header(req, "Content-Length");
        const char *te = httpd_request_header(req, "Transfer-Encoding");
        /* SGP.22 §6.1.1: Content-Length, no chunked encoding. */
        set_ia_ok(cl && strtoul(cl, NULL, 10) == strlen(JSON_REQ) && !te &&
                  req->body_len == strlen(JSON_REQ) &&
                  memcmp(req->body, JSON_REQ, req->body_len) == 0);
        httpd_response_add_header(resp, "X-Admin-Protocol", "gsma/rsp/v2.1.0");
        httpd_response_set_body_str(resp, JSON_RESP);
    } else if (strcmp(req->path, "/echo") == 0) {
        httpd_response_set_body(resp, req->body, req->body_len);
    } else {
        resp->status = 404;
    }
    return 0;
}

static struct httpd *start_server(const char *cert, const char *key, unsigned tls_delay_ms)
{
    char err[256];
    struct httpd_config cfg = {
        .cert_chain_file = cert, .key_file = key, .handler = handler,
        .io_timeout_ms = 5000, .tls_delay_ms = tls_delay_ms,
    };
    struct httpd *h = httpd_new(&cfg, err, sizeof(err));
    if (!h) {
        fprintf(stderr, "httpd_new: %s\n", err);
        return NULL;
    }
    if (httpd_start(h) != 0) {
        httpd_free(h);
        return NULL;
    }
    return h;
}

static struct esimlpa_http_transport *make_transport(const char *ca, uint16_t port,
                                                     long total_timeout_ms)
{
    char resolve[128];
    snprintf(resolve, sizeof(resolve), TESTPKI_HOST ":%u:127.0.0.1", port);
    const char *const res[] = {resolve, NULL};
    struct esimlpa_curl_options o = {.version = ESIMLPA_CURL_OPTIONS_VERSION, .ca_file = ca,
                                     .resolve = res, .total_timeout_ms = total_timeout_ms};
    struct esimlpa_http_transport *t = NULL;
    if (esimlpa_curl_transport_new(&o, &t) != 0)
        return NULL;
    return t;
}

static char url_buf[256];
static const char *url(uint16_t port, const char *path)
{
    snprintf(url_buf, sizeof url_buf, "https://" TESTPKI_HOST ":%u%s", port, path);
    return url_buf;
}

static int prepare(struct esimlpa_http_transport *t, uint16_t port, const char *path,
                   const char *const *headers, size_t len)
{
    return t->prepare(t->user, url(port, path), headers, len);
}

static int post(struct esimlpa_http_transport *t, uint16_t port, const char *path,
                struct esimlpa_http_response *resp)
{
    return t->post(t->user, url(port, path), HEADERS, (const uint8_t *)JSON_REQ,
                   strlen(JSON_REQ), resp);
}

static struct httpd_stats server_stats(struct httpd *s)
{
    struct httpd_stats st;
    httpd_get_stats(s, &st);
    return st;
}

/* Wait (at most ~10 s) until the server completed @n handshakes, or failed @n. */
static void wait_handshakes(struct httpd *s, unsigned long n, int failed)
{
    for (int i = 0; i < 1000; i++) {
        struct httpd_stats st = server_stats(s);
        if ((failed ? st.handshake_failures : st.handshakes) >= n)
            return;
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
}

static struct esimlpa_http_stats client_stats(struct esimlpa_http_transport *t)
{
    struct esimlpa_http_stats st = {.struct_size = sizeof st};
    esimlpa_curl_transport_stats_read(t, &st);
    return st;
}

/* Prepared, connected while "the card works", then posted: one handshake,
 * and the connection is kept for the next request. */
static void test_prepared_then_posted(const struct testpki *pki)
{
    struct httpd *srv = start_server(pki->good, pki->key, 0);
    CHECK(srv != NULL);
    if (!srv)
        return;
    uint16_t port = httpd_port(srv);
    struct esimlpa_http_transport *t = make_transport(pki->ca, port, 0);
    CHECK(t && t->version == 5 && t->prepare);
    if (!t) {
        httpd_free(srv);
        return;
    }
    struct esimlpa_http_response resp;
    CHECK_RC(prepare(t, port, IA, HEADERS, strlen(JSON_REQ)), 0);
    wait_handshakes(srv, 1, 0);
    /* Connected, headers sent, the body not: no request reached the handler. */
    CHECK(server_stats(srv).handshakes == 1 && server_stats(srv).requests == 0);
    /* The same preparation again: nothing new. */
    CHECK_RC(prepare(t, port, IA, HEADERS, strlen(JSON_REQ)), 0);
    set_ia_ok(0);
    CHECK_RC(post(t, port, IA, &resp), 0);
    CHECK(resp.status == 200 && resp.body && strcmp((char *)resp.body, JSON_RESP) == 0);
    CHECK(resp.admin_protocol && strcmp(resp.admin_protocol, "gsma/rsp/v2.1.0") == 0);
    CHECK(ia_ok());
    esimlpa_http_response_clear(&resp);
    CHECK_RC(post(t, port, "/echo", &resp), 0);
    CHECK(resp.body_len == strlen(JSON_REQ));
    esimlpa_http_response_clear(&resp);
    struct esimlpa_http_stats cs = client_stats(t);
    CHECK(cs.requests == 2 && cs.connections == 1 && cs.tls_handshakes == 1);
    struct httpd_stats ss = server_stats(srv);
    CHECK(ss.handshakes == 1 && ss.connections == 1 && ss.requests == 2);
    esimlpa_curl_transport_free(t);

    /* Posted at once, while the prepared connect may still be under way. */
    t = make_transport(pki->ca, port, 0);
    CHECK(t != NULL);
    if (t) {
        CHECK_RC(prepare(t, port, IA, HEADERS, strlen(JSON_REQ)), 0);
        set_ia_ok(0);
        CHECK_RC(post(t, port, IA, &resp), 0);
        CHECK(resp.status == 200 && ia_ok());
        esimlpa_http_response_clear(&resp);
        cs = client_stats(t);
        CHECK(cs.requests == 1 && cs.connections == 1 && cs.tls_handshakes == 1);
        esimlpa_curl_transport_free(t);
    }
    httpd_free(srv);
}

/* Another URL, length or header set than prepared: the prepared request is
 * dropped (its connection closed) and the post made as usual. */
static void test_prepared_then_other(const struct testpki *pki)
{
    struct httpd *srv = start_server(pki->good, pki->key, 0);
    CHECK(srv != NULL);
    if (!srv)
        return;
    uint16_t port = httpd_port(srv);
    struct esimlpa_http_transport *t = make_transport(pki->ca, port, 0);
    CHECK(t != NULL);
    if (!t) {
        httpd_free(srv);
        return;
    }
    struct esimlpa_http_response resp;
    /* Other URL. */
    CHECK_RC(prepare(t, port, IA, HEADERS, strlen(JSON_REQ)), 0);
    wait_handshakes(srv, 1, 0);
    set_ia_ok(0);
    CHECK_RC(post(t, port, "/echo", &resp), 0);
    CHECK(resp.status == 200 && resp.body_len == strlen(JSON_REQ) &&
          memcmp(resp.body, JSON_REQ, resp.body_len) == 0);
    esimlpa_http_response_clear(&resp);
    CHECK(!ia_ok());
    struct esimlpa_http_stats cs = client_stats(t);
    CHECK(cs.requests == 1 && cs.connections == 2 && cs.tls_handshakes == 2);
    CHECK(server_stats(srv).handshakes == 2 && server_stats(srv).requests == 1);

    /* Same URL, other length (prepared on the kept connection): the handler
     * sees only the whole right request. */
    CHECK_RC(prepare(t, port, IA, HEADERS, strlen(JSON_REQ) + 1), 0);
    set_ia_ok(0);
    CHECK_RC(post(t, port, IA, &resp), 0);
    CHECK(resp.status == 200 && ia_ok());
    esimlpa_http_response_clear(&resp);

    /* Same URL and length, other headers. */
    set_ia_ok(0);
    CHECK_RC(prepare(t, port, IA, OTHER_HEADERS, strlen(JSON_REQ)), 0);
    CHECK_RC(post(t, port, IA, &resp), 0);
    CHECK(resp.status == 200 && ia_ok());
    esimlpa_http_response_clear(&resp);
    CHECK(server_stats(srv).requests == 3);
    CHECK(client_stats(t).requests == 3);
    esimlpa_curl_transport_free(t);
    httpd_free(srv);
}

/* reset(), prepare(NULL) and free() drop a prepared request, also while its
 * handshake is still under way (the server holds its first flight). */
static void test_prepared_then_dropped(const struct testpki *pki)
{
    struct httpd *srv = start_server(pki->good, pki->key, 0);
    struct httpd *slow = start_server(pki->good, pki->key, 800);
    CHECK(srv && slow);
    if (!srv || !slow) {
        httpd_free(srv);
        httpd_free(slow);
        return;
    }
    uint16_t port = httpd_port(srv), sport = httpd_port(slow);
    struct esimlpa_http_response resp;
    struct esimlpa_http_transport *t = make_transport(pki->ca, port, 0);
    CHECK(t != NULL);
    if (t) {
        CHECK_RC(prepare(t, port, IA, HEADERS, strlen(JSON_REQ)), 0);
        wait_handshakes(srv, 1, 0);
        t->reset(t->user);
        set_ia_ok(0);
        CHECK_RC(post(t, port, IA, &resp), 0);
        CHECK(resp.status == 200 && ia_ok());
        esimlpa_http_response_clear(&resp);
        CHECK_RC(prepare(t, port, IA, HEADERS, strlen(JSON_REQ)), 0);
        CHECK_RC(t->prepare(t->user, NULL, NULL, 0), 0);
        CHECK_RC(post(t, port, "/echo", &resp), 0);
        CHECK(resp.status == 200);
        esimlpa_http_response_clear(&resp);
        CHECK(server_stats(srv).requests == 2);
        /* Prepared and never posted: free() closes it. */
        CHECK_RC(prepare(t, port, IA, HEADERS, strlen(JSON_REQ)), 0);
        esimlpa_curl_transport_free(t);
    }
    /* In the middle of the handshake. */
    t = make_transport(pki->ca, sport, 0);
    CHECK(t != NULL);
    if (t) {
        CHECK_RC(prepare(t, sport, IA, HEADERS, strlen(JSON_REQ)), 0);
        t->reset(t->user);
        CHECK_RC(prepare(t, sport, IA, HEADERS, strlen(JSON_REQ)), 0);
        esimlpa_curl_transport_free(t);
    }
    CHECK(server_stats(slow).requests == 0);
    httpd_free(slow);
    httpd_free(srv);
}

/* A certificate the client refuses, during the prepared connect: post()
 * fails with the same code and exactly the same text as without it. */
static void test_tls_failure(const struct testpki *pki)
{
    struct httpd *bad = start_server(pki->untrusted, pki->key, 0);
    CHECK(bad != NULL);
    if (!bad)
        return;
    uint16_t port = httpd_port(bad);
    struct esimlpa_http_response resp;
    char plain[512] = "";
    struct esimlpa_http_transport *t = make_transport(pki->ca, port, 0);
    CHECK(t != NULL);
    if (t) {
        CHECK_RC(post(t, port, IA, &resp), ESIMLPA_EHTTP_CERT);
        snprintf(plain, sizeof plain, "%s", esimlpa_curl_transport_last_error(t));
        esimlpa_curl_transport_free(t);
    }
    CHECK(strcmp(plain, "SSL certificate problem: unable to get local issuer certificate") == 0);
    t = make_transport(pki->ca, port, 0);
    CHECK(t != NULL);
    if (t) {
        CHECK_RC(prepare(t, port, IA, HEADERS, strlen(JSON_REQ)), 0);
        wait_handshakes(bad, 2, 1);   /* the worker met the failure */
        CHECK_RC(post(t, port, IA, &resp), ESIMLPA_EHTTP_CERT);
        CHECK(resp.body == NULL && resp.admin_protocol == NULL);
        CHECK(strcmp(esimlpa_curl_transport_last_error(t), plain) == 0);
        struct esimlpa_http_stats cs = client_stats(t);
        CHECK(cs.requests == 1 && cs.tls_handshakes == 0);
        /* Prepared, failed, then a different post: fails the ordinary way. */
        CHECK_RC(prepare(t, port, IA, HEADERS, strlen(JSON_REQ)), 0);
        CHECK_RC(post(t, port, "/echo", &resp), ESIMLPA_EHTTP_CERT);
        CHECK(strcmp(esimlpa_curl_transport_last_error(t), plain) == 0);
        esimlpa_curl_transport_free(t);
    }
    CHECK(server_stats(bad).requests == 0);
    httpd_free(bad);
}

static int always(void *user)
{
    (void)user;
    return 1;
}

/* Cancel (set_abort) with a prepared request, mid-handshake and when
 * connected; and the total timeout, which counts from prepare(). */
static void test_cancel_and_timeout(const struct testpki *pki)
{
    struct httpd *srv = start_server(pki->good, pki->key, 0);
    struct httpd *slow = start_server(pki->good, pki->key, 800);
    CHECK(srv && slow);
    if (!srv || !slow) {
        httpd_free(srv);
        httpd_free(slow);
        return;
    }
    uint16_t port = httpd_port(srv), sport = httpd_port(slow);
    struct esimlpa_http_response resp;
    struct esimlpa_http_transport *t = make_transport(pki->ca, sport, 0);
    CHECK(t != NULL);
    if (t) {
        CHECK_RC(prepare(t, sport, IA, HEADERS, strlen(JSON_REQ)), 0);
        t->set_abort(t->user, always, NULL);
        CHECK_RC(post(t, sport, IA, &resp), ESIMLPA_ECANCELLED);
        CHECK(strcmp(esimlpa_curl_transport_last_error(t), "request given up: cancelled") == 0);
        CHECK(resp.body == NULL);
        t->set_abort(t->user, NULL, NULL);
        set_ia_ok(0);
        CHECK_RC(post(t, sport, IA, &resp), 0);
        CHECK(resp.status == 200 && ia_ok());
        esimlpa_http_response_clear(&resp);
        esimlpa_curl_transport_free(t);
    }
    t = make_transport(pki->ca, port, 0);
    CHECK(t != NULL);
    if (t) {
        CHECK_RC(prepare(t, port, IA, HEADERS, strlen(JSON_REQ)), 0);
        wait_handshakes(srv, 1, 0);
        t->set_abort(t->user, always, NULL);
        CHECK_RC(post(t, port, IA, &resp), ESIMLPA_ECANCELLED);
        CHECK(strcmp(esimlpa_curl_transport_last_error(t), "request given up: cancelled") == 0);
        t->set_abort(t->user, NULL, NULL);
        esimlpa_curl_transport_free(t);
    }
    CHECK(server_stats(srv).requests == 0);
    /* The server holds its first flight longer than the whole request may take. */
    t = make_transport(pki->ca, sport, 300);
    CHECK(t != NULL);
    if (t) {
        CHECK_RC(prepare(t, sport, IA, HEADERS, strlen(JSON_REQ)), 0);
        CHECK_RC(post(t, sport, IA, &resp), ESIMLPA_ETIMEOUT);
        CHECK(resp.body == NULL);
        esimlpa_curl_transport_free(t);
    }
    httpd_free(slow);
    httpd_free(srv);
}

/* What prepare() refuses, before any I/O; post() still works afterwards. */
static void test_prepare_refused(const struct testpki *pki)
{
    struct httpd *srv = start_server(pki->good, pki->key, 0);
    CHECK(srv != NULL);
    if (!srv)
        return;
    uint16_t port = httpd_port(srv);
    struct esimlpa_http_transport *t = make_transport(pki->ca, port, 0);
    CHECK(t != NULL);
    if (t) {
        char plain_url[128];
        snprintf(plain_url, sizeof plain_url, "http://" TESTPKI_HOST ":%u" IA, port);
        CHECK_RC(t->prepare(t->user, plain_url, HEADERS, 10), ESIMLPA_EHTTP_PLAIN);
        const char *const bad_hdr[] = {"X-Evil: a\r\nInjected: b", NULL};
        CHECK_RC(prepare(t, port, IA, bad_hdr, 10), ESIMLPA_EINVAL);
        CHECK_RC(t->prepare(NULL, url(port, IA), HEADERS, 10), ESIMLPA_EINVAL);
        struct esimlpa_http_response resp;
        set_ia_ok(0);
        CHECK_RC(post(t, port, IA, &resp), 0);
        CHECK(resp.status == 200 && ia_ok());
        esimlpa_http_response_clear(&resp);
        CHECK(server_stats(srv).handshakes == 1);
        esimlpa_curl_transport_free(t);
    }
    httpd_free(srv);
}

int main(void)
{
    const char *proxies[] = {"http_proxy", "https_proxy", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"};
    for (size_t i = 0; i < sizeof(proxies) / sizeof(proxies[0]); i++)
        unsetenv(proxies[i]);
    struct testpki pki;
    if (testpki_make(&pki) != 0)
        return 1;
    static void (*const tests[])(const struct testpki *) = {
        test_prepared_then_posted, test_prepared_then_other, test_prepared_then_dropped,
        test_tls_failure, test_cancel_and_timeout, test_prepare_refused,
    };
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        tests[i](&pki);
        clock_gettime(CLOCK_MONOTONIC, &b);
        printf("test %zu: %ld ms\n", i + 1,
               (long)((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000));
    }
    testpki_remove(&pki);
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("http connect-ahead: all checks passed\n");
    return 0;
}
