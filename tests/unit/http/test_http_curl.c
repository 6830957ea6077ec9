/* SPDX-License-Identifier: MIT */
/*
 * The libcurl HTTP transport against the in-process test HTTPS server:
 * round trip, connection reuse (one TCP + one TLS handshake per session,
 * SGP.22 §5.1), certificate checks (§8.4, pitfall 19), https-only, size cap,
 * timeouts and broken responses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "esimlpa/error.h"
#include "esimlpa/http.h"
#include "httpd.h"
#include "http_client_check.h"
#include "testpki.h"

/* What the handler saw last (the server serialises handler calls). */
static struct {
    int round_trip_ok;
    unsigned long conn_id, conn_request;
} seen;

static void big_body(struct httpd_response *resp, size_t n)
{
    char *b = malloc(n);
    if (!b)
        return;
    memset(b, 'x', n);
    httpd_response_set_body(resp, b, n);
    free(b);
}

static int handler(void *user, const struct httpd_request *req, struct httpd_response *resp)
{
    (void)user;
    seen.conn_id = req->conn_id;
    seen.conn_request = req->conn_request;
    const char *p = req->path;
    if (strcmp(p, "/gsma/rsp2/es9plus/initiateAuthentication") == 0) {
        const char *ct = httpd_request_header(req, "content-type");
        const char *ap = httpd_request_header(req, "X-ADMIN-PROTOCOL");
        const char *ua = httpd_request_header(req, "User-Agent");
        const char *ex = httpd_request_header(req, "Expect");
        const char *host = httpd_request_header(req, "Host");
        /* --resolve: connected to 127.0.0.1, but by name (SAN check, §5.1). */
        seen.round_trip_ok = host && strncmp(host, TESTPKI_HOST ":", strlen(TESTPKI_HOST) + 1) == 0 &&
                             strcmp(req->method, "POST") == 0 && ct &&
                             strcmp(ct, "application/json") == 0 && ap &&
                             strcmp(ap, "gsma/rsp/v2.2.2") == 0 && ua &&
                             strcmp(ua, "gsma-rsp-lpad") == 0 && !ex &&
                             req->body_len == strlen(JSON_REQ) &&
                             memcmp(req->body, JSON_REQ, req->body_len) == 0;
        httpd_response_add_header(resp, "Content-Type", "application/json;charset=UTF-8");
        httpd_response_add_header(resp, "X-Admin-Protocol", "gsma/rsp/v2.1.0");
        httpd_response_set_body_str(resp, JSON_RESP);
    } else if (strcmp(p, "/echo") == 0) {
        httpd_response_set_body(resp, req->body, req->body_len);
    } else if (strcmp(p, "/nocontent") == 0) {
        resp->status = 204;
        httpd_response_add_header(resp, "X-Admin-Protocol", "gsma/rsp/v2.1.0");
    } else if (strcmp(p, "/big") == 0) {
        big_body(resp, 5000);
    } else if (strcmp(p, "/big-unannounced") == 0) {
        big_body(resp, 5000);
        resp->no_content_length = 1;
    } else if (strcmp(p, "/slow") == 0) {
        resp->delay_ms = 1500;
        httpd_response_set_body_str(resp, "late");
    } else if (strcmp(p, "/midclose") == 0) {
        big_body(resp, 600);
        resp->fault = HTTPD_FAULT_CLOSE_MID_BODY;
    } else if (strcmp(p, "/truncate") == 0) {
        big_body(resp, 100);
        resp->fault = HTTPD_FAULT_TRUNCATE;
    } else if (strcmp(p, "/hangup") == 0) {
        resp->fault = HTTPD_FAULT_CLOSE_BEFORE;
    } else if (strcmp(p, "/redirect") == 0) {
        resp->status = 302;
        httpd_response_add_header(resp, "Location", "/echo");
    } else if (strcmp(p, "/error") == 0) {
        resp->status = 500;
        httpd_response_set_body_str(resp, "oops");
    } else {
        resp->status = 404;
    }
    return 0;
}

static struct httpd *start_server(const char *cert, const char *key)
{
    char err[256];
    struct httpd_config cfg = {
        .cert_chain_file = cert, .key_file = key, .handler = handler,
        .io_timeout_ms = 3000,
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

/* A transport trusting @p ca that maps TESTPKI_HOST:port to 127.0.0.1. */
static struct esimlpa_http_transport *make_transport(const char *ca, uint16_t port,
                                                     struct esimlpa_curl_options *extra)
{
    static char resolve[128];
    snprintf(resolve, sizeof(resolve), TESTPKI_HOST ":%u:127.0.0.1", port);
    const char *const res[] = {resolve, NULL};
    struct esimlpa_curl_options o = {.version = ESIMLPA_CURL_OPTIONS_VERSION};
    if (extra)
        o = *extra;
    o.ca_file = ca;
    o.resolve = res;
    struct esimlpa_http_transport *t = NULL;
    int rc = esimlpa_curl_transport_new(&o, &t);
    if (rc)
        fprintf(stderr, "esimlpa_curl_transport_new: %d\n", rc);
    return t;
}

static void url_for(char *buf, size_t n, uint16_t port, const char *path)
{
    snprintf(buf, n, "https://" TESTPKI_HOST ":%u%s", port, path);
}

static int post(struct esimlpa_http_transport *t, uint16_t port, const char *path,
                struct esimlpa_http_response *resp)
{
    char url[256];
    url_for(url, sizeof(url), port, path);
    return t->post(t->user, url, HEADERS, (const uint8_t *)JSON_REQ, strlen(JSON_REQ), resp);
}

static long elapsed_ms(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

static void test_round_trip_and_reuse(const struct testpki *pki, struct httpd *srv)
{
    uint16_t port = httpd_port(srv);
    struct esimlpa_http_transport *t = make_transport(pki->ca, port, NULL);
    CHECK(t != NULL);
    if (!t)
        return;
    httpd_reset_stats(srv);

    /* JSON round trip, headers checked on the server side (§5.2). */
    struct esimlpa_http_response resp;
    memset(&seen, 0, sizeof(seen));
    CHECK_RC(post(t, port, "/gsma/rsp2/es9plus/initiateAuthentication", &resp), 0);
    CHECK(seen.round_trip_ok);
    CHECK(resp.status == 200);
    CHECK(resp.body_len == strlen(JSON_RESP));
    CHECK(resp.body && strcmp((const char *)resp.body, JSON_RESP) == 0);
    CHECK(resp.admin_protocol && strcmp(resp.admin_protocol, "gsma/rsp/v2.1.0") == 0);
    CHECK(strcmp(esimlpa_curl_transport_last_error(t), "") == 0);
    esimlpa_http_response_clear(&resp);
    CHECK(resp.body == NULL && resp.admin_protocol == NULL && resp.status == 0);

    /* Four more: still one TCP connection, one TLS handshake. */
    for (int i = 0; i < 4; i++) {
        CHECK_RC(post(t, port, "/echo", &resp), 0);
        CHECK(resp.status == 200 && resp.body_len == strlen(JSON_REQ));
        CHECK(resp.admin_protocol == NULL);
        esimlpa_http_response_clear(&resp);
    }
    CHECK(seen.conn_request == 5);
    struct esimlpa_http_stats st = { .struct_size = sizeof st };
    esimlpa_curl_transport_stats_read(t, &st);
    CHECK(st.requests == 5);
    CHECK(st.connections == 1);
    CHECK(st.tls_handshakes == 1);
    CHECK(st.bytes_sent > 5 * strlen(JSON_REQ));
    CHECK(st.bytes_received > strlen(JSON_RESP) + 4 * strlen(JSON_REQ));
    /* Programs built before the size rule: the version-1 layout, not a byte more. */
    union {
        struct esimlpa_http_stats_v1 s;
        unsigned char b[sizeof(struct esimlpa_http_stats_v1) + 16];
    } old;
    memset(&old, 0xA5, sizeof old);
    esimlpa_curl_transport_stats(t, &old.s);
    CHECK(sizeof old.s == 5 * sizeof(unsigned long));
    CHECK(old.s.requests == 5 && old.s.connections == 1 && old.s.tls_handshakes == 1);
    CHECK(old.s.bytes_sent == st.bytes_sent && old.s.bytes_received == st.bytes_received);
    int guard_ok = 1;
    for (size_t i = sizeof old.s; i < sizeof old.b; i++)
        guard_ok &= old.b[i] == 0xA5;
    CHECK(guard_ok);
    struct httpd_stats ss;
    httpd_get_stats(srv, &ss);
    CHECK(ss.connections == 1);
    CHECK(ss.handshakes == 1);
    CHECK(ss.requests == 5);

    /* 204 with an empty body (handleNotification, pitfall 18). */
    CHECK_RC(post(t, port, "/nocontent", &resp), 0);
    CHECK(resp.status == 204 && resp.body_len == 0 && resp.body && resp.body[0] == '\0');
    CHECK(resp.admin_protocol && strcmp(resp.admin_protocol, "gsma/rsp/v2.1.0") == 0);
    esimlpa_http_response_clear(&resp);

    /* An HTTP error status is a response, not a transport failure. */
    CHECK_RC(post(t, port, "/error", &resp), 0);
    CHECK(resp.status == 500 && resp.body_len == 4);
    esimlpa_http_response_clear(&resp);

    /* Redirects are not followed: the caller sees the 3xx. */
    CHECK_RC(post(t, port, "/redirect", &resp), 0);
    CHECK(resp.status == 302 && resp.body_len == 0);
    esimlpa_http_response_clear(&resp);

    /* Bigger body than curl's Expect: 100-continue threshold, no empty POST body problem. */
    char *big = malloc(200000);
    CHECK(big != NULL);
    if (big) {
        memset(big, 'b', 200000);
        char url[256];
        url_for(url, sizeof(url), port, "/echo");
        CHECK_RC(t->post(t->user, url, HEADERS, (uint8_t *)big, 200000, &resp), 0);
        CHECK(resp.status == 200 && resp.body_len == 200000 && memcmp(resp.body, big, 200000) == 0);
        esimlpa_http_response_clear(&resp);
        CHECK_RC(t->post(t->user, url, HEADERS, NULL, 0, &resp), 0);
        CHECK(resp.status == 200 && resp.body_len == 0);
        esimlpa_http_response_clear(&resp);
        free(big);
    }
    esimlpa_curl_transport_stats_read(t, &st);
    CHECK(st.connections == 1 && st.tls_handshakes == 1 && st.requests == 10);

    /* reset drops the connection: the next request opens a new one. */
    t->reset(t->user);
    CHECK_RC(post(t, port, "/echo", &resp), 0);
    esimlpa_http_response_clear(&resp);
    esimlpa_curl_transport_stats_read(t, &st);
    CHECK(st.connections == 2 && st.tls_handshakes == 2 && st.requests == 11);

    /* Header lines with CR/LF are refused (no header injection). */
    const char *const evil[] = {"X-A: b\r\nX-Injected: 1", NULL};
    char url[256];
    url_for(url, sizeof(url), port, "/echo");
    CHECK_RC(t->post(t->user, url, evil, NULL, 0, &resp), ESIMLPA_EINVAL);
    CHECK_RC(t->post(t->user, url, HEADERS, NULL, 5, &resp), ESIMLPA_EINVAL);
    CHECK_RC(t->post(t->user, "ftp://x/", HEADERS, NULL, 0, &resp), ESIMLPA_EINVAL);
    esimlpa_curl_transport_free(t);
}

static void expect_cert_failure(const struct testpki *pki, const char *cert, const char *what,
                                const char *detail)
{
    struct httpd *srv = start_server(cert, pki->key);
    CHECK(srv != NULL);
    if (!srv)
        return;
    struct esimlpa_http_transport *t = make_transport(pki->ca, httpd_port(srv), NULL);
    CHECK(t != NULL);
    if (t) {
        struct esimlpa_http_response resp;
        int rc = post(t, httpd_port(srv), "/echo", &resp);
        if (rc != ESIMLPA_EHTTP_CERT)
            fprintf(stderr, "%s: rc %d (%s)\n", what, rc, esimlpa_curl_transport_last_error(t));
        CHECK(rc == ESIMLPA_EHTTP_CERT);
        /* The detail names the actual reason (curl's text). */
        CHECK(strstr(esimlpa_curl_transport_last_error(t), detail) != NULL);
        CHECK(resp.body == NULL);
        CHECK(esimlpa_curl_transport_last_error(t)[0] != '\0');
        struct esimlpa_http_stats st = { .struct_size = sizeof st };
        esimlpa_curl_transport_stats_read(t, &st);
        CHECK(st.tls_handshakes == 0 && st.requests == 1);
        esimlpa_curl_transport_free(t);
    }
    struct httpd_stats ss;
    httpd_stop(srv);
    httpd_get_stats(srv, &ss);
    CHECK(ss.requests == 0);
    httpd_free(srv);
}

/* Trust from a hashed CA directory; with ca_file and ca_path both given too. */
static void test_ca_path(const struct testpki *pki, struct httpd *srv)
{
    uint16_t port = httpd_port(srv);
    char resolve[128];
    snprintf(resolve, sizeof(resolve), TESTPKI_HOST ":%u:127.0.0.1", port);
    const char *const res[] = {resolve, NULL};
    for (int both = 0; both < 2; both++) {
        struct esimlpa_curl_options o = {.version = ESIMLPA_CURL_OPTIONS_VERSION,
                                         .ca_path = pki->ca_dir, .resolve = res,
                                         .ca_file = both ? pki->ca : NULL};
        struct esimlpa_http_transport *t = NULL;
        CHECK_RC(esimlpa_curl_transport_new(&o, &t), 0);
        if (!t)
            continue;
        struct esimlpa_http_response resp;
        CHECK_RC(post(t, port, "/echo", &resp), 0);
        CHECK(resp.status == 200);
        esimlpa_http_response_clear(&resp);
        esimlpa_curl_transport_free(t);
    }
    /* A CA directory without our CA: not trusted. */
    struct esimlpa_curl_options o = {.version = ESIMLPA_CURL_OPTIONS_VERSION,
                                     .ca_path = pki->dir, .resolve = res};
    struct esimlpa_http_transport *t = NULL;
    CHECK_RC(esimlpa_curl_transport_new(&o, &t), 0);
    if (t) {
        struct esimlpa_http_response resp;
        CHECK_RC(post(t, port, "/echo", &resp), ESIMLPA_EHTTP_CERT);
        esimlpa_curl_transport_free(t);
    }
    /* A CA file that does not exist: a certificate problem, not a crash. */
    struct esimlpa_curl_options nf = {.version = ESIMLPA_CURL_OPTIONS_VERSION,
                                      .ca_file = "/nonexistent/ca.pem", .resolve = res};
    CHECK_RC(esimlpa_curl_transport_new(&nf, &t), 0);
    if (t) {
        struct esimlpa_http_response resp;
        CHECK_RC(post(t, port, "/echo", &resp), ESIMLPA_EHTTP_CERT);
        CHECK(esimlpa_curl_transport_last_error(t)[0] != '\0');
        esimlpa_curl_transport_free(t);
    }
}

static void test_insecure(const struct testpki *pki)
{
    struct httpd *srv = start_server(pki->untrusted, pki->key);
    CHECK(srv != NULL);
    if (!srv)
        return;
    struct esimlpa_curl_options o = {.version = ESIMLPA_CURL_OPTIONS_VERSION,
                                     .insecure_no_verify = 1};
    struct esimlpa_http_transport *t = make_transport(NULL, httpd_port(srv), &o);
    CHECK(t != NULL);
    if (t) {
        struct esimlpa_http_response resp;
        CHECK_RC(post(t, httpd_port(srv), "/echo", &resp), 0);
        CHECK(resp.status == 200 && resp.body_len == strlen(JSON_REQ));
        esimlpa_http_response_clear(&resp);
        esimlpa_curl_transport_free(t);
    }
    httpd_free(srv);
}

static void test_plain_http(const struct testpki *pki, struct httpd *srv)
{
    httpd_reset_stats(srv);
    struct esimlpa_http_transport *t = make_transport(pki->ca, httpd_port(srv), NULL);
    CHECK(t != NULL);
    if (!t)
        return;
    char url[128];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u/echo", httpd_port(srv));
    struct esimlpa_http_response resp;
    CHECK_RC(t->post(t->user, url, HEADERS, NULL, 0, &resp), ESIMLPA_EHTTP_PLAIN);
    snprintf(url, sizeof(url), "HTTP://127.0.0.1:%u/echo", httpd_port(srv));
    CHECK_RC(t->post(t->user, url, HEADERS, NULL, 0, &resp), ESIMLPA_EHTTP_PLAIN);
    CHECK(strstr(esimlpa_curl_transport_last_error(t), "http") != NULL);
    struct esimlpa_http_stats st = { .struct_size = sizeof st };
    esimlpa_curl_transport_stats_read(t, &st);
    CHECK(st.connections == 0 && st.requests == 0);
    struct httpd_stats ss;
    httpd_get_stats(srv, &ss);
    CHECK(ss.connections == 0);
    esimlpa_curl_transport_free(t);
}

static void test_limits_and_faults(const struct testpki *pki, struct httpd *srv)
{
    uint16_t port = httpd_port(srv);
    struct esimlpa_curl_options o = {.version = ESIMLPA_CURL_OPTIONS_VERSION,
                                     .max_response = 1000, .total_timeout_ms = 400};
    struct esimlpa_http_transport *t = make_transport(pki->ca, port, &o);
    CHECK(t != NULL);
    if (!t)
        return;
    struct esimlpa_http_response resp;

    /* Over the cap: announced by Content-Length, and close-delimited. */
    CHECK_RC(post(t, port, "/big", &resp), ESIMLPA_EHTTP_TOOBIG);
    CHECK(resp.body == NULL);
    CHECK(strstr(esimlpa_curl_transport_last_error(t), "1000") != NULL);
    CHECK_RC(post(t, port, "/big-unannounced", &resp), ESIMLPA_EHTTP_TOOBIG);
    /* Under the cap works on the same transport afterwards. */
    CHECK_RC(post(t, port, "/echo", &resp), 0);
    CHECK(resp.status == 200);
    esimlpa_http_response_clear(&resp);

    /* Server slower than the total timeout. */
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    CHECK_RC(post(t, port, "/slow", &resp), ESIMLPA_ETIMEOUT);
    long ms = elapsed_ms(&start);
    CHECK(ms >= 350 && ms < 1400);

    /* Broken responses. */
    CHECK_RC(post(t, port, "/midclose", &resp), ESIMLPA_EHTTP_CLOSED);
    CHECK_RC(post(t, port, "/truncate", &resp), ESIMLPA_EHTTP_CLOSED);
    CHECK_RC(post(t, port, "/hangup", &resp), ESIMLPA_EHTTP_CLOSED);
    CHECK(resp.body == NULL && resp.admin_protocol == NULL);

    /* And it recovers with a new connection. */
    CHECK_RC(post(t, port, "/echo", &resp), 0);
    esimlpa_http_response_clear(&resp);
    esimlpa_curl_transport_free(t);
}

static void test_connect_refused(const struct testpki *pki)
{
    /* Bind a server to learn a free port, then stop it: nobody listens there. */
    struct httpd *srv = start_server(pki->good, pki->key);
    CHECK(srv != NULL);
    if (!srv)
        return;
    uint16_t port = httpd_port(srv);
    httpd_free(srv);
    struct esimlpa_http_transport *t = make_transport(pki->ca, port, NULL);
    CHECK(t != NULL);
    if (!t)
        return;
    struct esimlpa_http_response resp;
    CHECK_RC(post(t, port, "/echo", &resp), ESIMLPA_EHTTP_CONNECT);
    esimlpa_curl_transport_free(t);
}

static void test_api_edges(void)
{
    struct esimlpa_http_transport *t = NULL;
    struct esimlpa_curl_options bad = {.version = 99};
    CHECK_RC(esimlpa_curl_transport_new(&bad, &t), ESIMLPA_EINVAL);
    CHECK(t == NULL);
    CHECK_RC(esimlpa_curl_transport_new(NULL, NULL), ESIMLPA_EINVAL);
    const char *const res[] = {"a:1:1.2.3.4\r\n", NULL};
    struct esimlpa_curl_options o = {.version = ESIMLPA_CURL_OPTIONS_VERSION, .resolve = res};
    CHECK_RC(esimlpa_curl_transport_new(&o, &t), ESIMLPA_EINVAL);
    CHECK_RC(esimlpa_curl_transport_new(NULL, &t), 0);
    CHECK(t && t->version == ESIMLPA_HTTP_TRANSPORT_VERSION && t->post && t->reset);
    esimlpa_curl_transport_free(t);
    esimlpa_curl_transport_free(NULL);
    esimlpa_http_response_clear(NULL);
    /* A foreign transport is not mistaken for a curl one. */
    struct esimlpa_http_transport foreign = {.version = 1};
    struct esimlpa_http_stats st = {.struct_size = sizeof st, .requests = 7};
    esimlpa_curl_transport_stats_read(&foreign, &st);
    CHECK(st.requests == 0);
    CHECK(strcmp(esimlpa_curl_transport_last_error(&foreign), "") == 0);
    esimlpa_curl_transport_free(&foreign);
}

int main(void)
{
    /* The tests talk to 127.0.0.1 only: no proxy from the environment. */
    const char *proxies[] = {"http_proxy", "https_proxy", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"};
    for (size_t i = 0; i < sizeof(proxies) / sizeof(proxies[0]); i++)
        unsetenv(proxies[i]);

    struct testpki pki;
    if (testpki_make(&pki) != 0)
        return 1;
    struct httpd *srv = start_server(pki.good, pki.key);
    if (!srv) {
        testpki_remove(&pki);
        return 1;
    }

    test_api_edges();
    test_round_trip_and_reuse(&pki, srv);
    test_plain_http(&pki, srv);
    test_ca_path(&pki, srv);
    test_limits_and_faults(&pki, srv);
    expect_cert_failure(&pki, pki.untrusted, "untrusted CA", "issuer");
    expect_cert_failure(&pki, pki.wrong_host, "wrong host", "host name");
    expect_cert_failure(&pki, pki.expired, "expired", "expired");
    test_insecure(&pki);
    test_connect_refused(&pki);

    httpd_free(srv);
    testpki_remove(&pki);
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("http curl transport: all checks passed\n");
    return 0;
}
