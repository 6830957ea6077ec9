/* SPDX-License-Identifier: MIT */
/*
 * The test HTTPS server itself (tests/smdpp/httpd): keep-alive and pipelining,
 * request validation (chunked, garbage, oversize), fault knobs, and robustness
 * against clients that stall, disconnect or do not speak TLS.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "httpd.h"
#include "testpki.h"

static int failures;

#define CHECK(cond)                                                             \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                         \
        }                                                                       \
    } while (0)

static int handler(void *user, const struct httpd_request *req, struct httpd_response *resp)
{
    (void)user;
    char line[256];
    if (strcmp(req->path, "/hdr") == 0) {
        const char *v = httpd_request_header(req, "x-TEST");
        snprintf(line, sizeof(line), "%s %s #%lu %s", req->method, v ? v : "(none)",
                 req->conn_request, req->version);
        httpd_response_set_body_str(resp, line);
    } else if (strcmp(req->path, "/corrupt") == 0) {
        httpd_response_set_body_str(resp, "0123456789");
        resp->fault = HTTPD_FAULT_CORRUPT;
        resp->fault_arg = 3;
    } else if (strcmp(req->path, "/before") == 0) {
        resp->fault = HTTPD_FAULT_CLOSE_BEFORE;
    } else if (strcmp(req->path, "/slow") == 0) {
        resp->delay_ms = 300;
        httpd_response_set_body_str(resp, "slow");
    } else if (strcmp(req->path, "/fail") == 0) {
        return -1;
    } else {
        resp->status = 201;
        httpd_response_add_header(resp, "X-Len", "n");
        httpd_response_set_body(resp, req->body, req->body_len);
    }
    return 0;
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int tcp_connect(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    struct timeval tv = {.tv_sec = 3};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

struct client {
    int fd;
    SSL_CTX *ctx;
    SSL *ssl;
};

static int client_open(struct client *c, uint16_t port)
{
    memset(c, 0, sizeof(*c));
    c->fd = tcp_connect(port);
    c->ctx = SSL_CTX_new(TLS_client_method());
    if (c->fd < 0 || !c->ctx)
        return -1;
    SSL_CTX_set_verify(c->ctx, SSL_VERIFY_NONE, NULL);   /* the server is under test here */
    c->ssl = SSL_new(c->ctx);
    SSL_set_fd(c->ssl, c->fd);
    return SSL_connect(c->ssl) == 1 ? 0 : -1;
}

static void client_close(struct client *c)
{
    SSL_free(c->ssl);
    SSL_CTX_free(c->ctx);
    if (c->fd >= 0)
        close(c->fd);
    ERR_clear_error();
    memset(c, 0, sizeof(*c));
    c->fd = -1;
}

static int client_send(struct client *c, const char *s)
{
    return SSL_write(c->ssl, s, (int)strlen(s)) == (int)strlen(s) ? 0 : -1;
}

/* Read until @p n bytes or EOF/timeout into @p buf (n + 1 bytes); returns bytes read. */
static size_t client_read_all(struct client *c, char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        int r = SSL_read(c->ssl, buf + got, (int)(n - got));
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    buf[got] = '\0';
    return got;
}

/* Read one response with a Content-Length body into @p buf (NUL-terminated). */
static int client_read_response(struct client *c, char *buf, size_t n, const char **body)
{
    size_t got = 0;
    char *end = NULL;
    *body = "";
    buf[0] = '\0';
    while (!end && got < n - 1) {
        int r = SSL_read(c->ssl, buf + got, 1);   /* byte by byte: keep the next response */
        if (r <= 0)
            return -1;
        got++;
        buf[got] = '\0';
        end = strstr(buf, "\r\n\r\n");
    }
    if (!end)
        return -1;
    const char *cl = strstr(buf, "Content-Length: ");
    size_t len = cl ? strtoul(cl + 16, NULL, 10) : 0;
    if (got + len >= n)
        return -1;
    while (len > 0) {
        int r = SSL_read(c->ssl, buf + got, (int)len);
        if (r <= 0)
            return -1;
        got += (size_t)r;
        len -= (size_t)r;
    }
    buf[got] = '\0';
    *body = end + 4;
    return 0;
}

static void test_keepalive_and_pipelining(uint16_t port)
{
    struct client c;
    char buf[4096];
    const char *body = NULL;
    CHECK(client_open(&c, port) == 0);
    /* Two requests in one write, then a third. */
    CHECK(client_send(&c, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                          "GET /hdr HTTP/1.1\r\nhost: x\r\nX-Test:  value 1 \r\n\r\n") == 0);
    CHECK(client_read_response(&c, buf, sizeof(buf), &body) == 0);
    CHECK(strncmp(buf, "HTTP/1.1 201 Created\r\n", 22) == 0);
    CHECK(strstr(buf, "X-Len: n\r\n") != NULL);
    CHECK(strcmp(body, "hello") == 0);
    CHECK(client_read_response(&c, buf, sizeof(buf), &body) == 0);
    CHECK(strcmp(body, "GET value 1 #2 HTTP/1.1") == 0);
    CHECK(strstr(buf, "Connection: close") == NULL);
    CHECK(client_send(&c, "POST /echo HTTP/1.1\r\nContent-Length: 0\r\n\r\n") == 0);
    CHECK(client_read_response(&c, buf, sizeof(buf), &body) == 0);
    CHECK(strstr(buf, "Content-Length: 0\r\n") != NULL && strcmp(body, "") == 0);
    /* Expect: 100-continue gets the interim answer first. */
    CHECK(client_send(&c, "POST /echo HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n") == 0);
    CHECK(client_read_all(&c, buf, 25) == 25 && strcmp(buf, "HTTP/1.1 100 Continue\r\n\r\n") == 0);
    CHECK(client_send(&c, "abc") == 0);
    CHECK(client_read_response(&c, buf, sizeof(buf), &body) == 0 && strcmp(body, "abc") == 0);
    /* Connection: close is honoured. */
    CHECK(client_send(&c, "GET /hdr HTTP/1.1\r\nConnection: close\r\n\r\n") == 0);
    CHECK(client_read_response(&c, buf, sizeof(buf), &body) == 0);
    CHECK(strstr(buf, "Connection: close\r\n") != NULL);
    CHECK(strcmp(body, "GET (none) #5 HTTP/1.1") == 0);
    CHECK(client_read_all(&c, buf, sizeof(buf) - 1) == 0);   /* closed */
    client_close(&c);

    /* HTTP/1.0 closes by default. */
    CHECK(client_open(&c, port) == 0);
    CHECK(client_send(&c, "GET /hdr HTTP/1.0\r\n\r\n") == 0);
    CHECK(client_read_response(&c, buf, sizeof(buf), &body) == 0);
    CHECK(strstr(buf, "Connection: close\r\n") != NULL);
    CHECK(strcmp(body, "GET (none) #1 HTTP/1.0") == 0);
    client_close(&c);
}

/* Send @p req on a fresh connection and expect the server to refuse with @p status and close. */
static void expect_refusal(uint16_t port, const char *req, const char *status_line)
{
    struct client c;
    char buf[8192];
    CHECK(client_open(&c, port) == 0);
    CHECK(client_send(&c, req) == 0);
    size_t n = client_read_all(&c, buf, sizeof(buf) - 1);
    CHECK(n > 0);
    if (strncmp(buf, status_line, strlen(status_line)) != 0) {
        fprintf(stderr, "want \"%s\", got \"%.40s\"\n", status_line, buf);
        failures++;
    }
    CHECK(strstr(buf, "Connection: close\r\n") != NULL);
    client_close(&c);
}

static void test_bad_requests(struct httpd *srv, uint16_t port)
{
    struct httpd_stats before, after;
    httpd_get_stats(srv, &before);
    expect_refusal(port, "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                   "HTTP/1.1 411 ");
    expect_refusal(port, "POST /x HTTP/1.1\r\n\r\n", "HTTP/1.1 411 ");
    expect_refusal(port, "HELLO THERE\r\n\r\n", "HTTP/1.1 400 ");
    expect_refusal(port, "GET /x HTTP/1.1\r\nNo colon here\r\n\r\n", "HTTP/1.1 400 ");
    expect_refusal(port, "GET /x HTTP/2.0\r\n\r\n", "HTTP/1.1 505 ");
    expect_refusal(port, "POST /x HTTP/1.1\r\nContent-Length: 12x\r\n\r\n", "HTTP/1.1 400 ");
    expect_refusal(port, "POST /x HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
                   "HTTP/1.1 400 ");
    expect_refusal(port, "POST /x HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n",
                   "HTTP/1.1 413 ");
    expect_refusal(port, "POST /x HTTP/1.1\r\nContent-Length: 70000\r\n\r\n", "HTTP/1.1 413 ");
    expect_refusal(port, "GET /fail HTTP/1.1\r\n\r\n", "HTTP/1.1 500 ");
    char big[20000];
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    memcpy(big, "GET /", 5);
    expect_refusal(port, big, "HTTP/1.1 431 ");
    httpd_get_stats(srv, &after);
    CHECK(after.bad_requests - before.bad_requests == 10);
}

static void test_faults(uint16_t port)
{
    struct client c;
    char buf[4096];
    const char *body = NULL;
    CHECK(client_open(&c, port) == 0);
    CHECK(client_send(&c, "GET /corrupt HTTP/1.1\r\n\r\n") == 0);
    CHECK(client_read_response(&c, buf, sizeof(buf), &body) == 0);
    CHECK(strlen(body) == 10 && memcmp(body, "012", 3) == 0 &&
          (unsigned char)body[3] == ('3' ^ 0xFF) && strcmp(body + 4, "456789") == 0);
    long t0 = now_ms();
    CHECK(client_send(&c, "GET /slow HTTP/1.1\r\n\r\n") == 0);
    CHECK(client_read_response(&c, buf, sizeof(buf), &body) == 0 && strcmp(body, "slow") == 0);
    CHECK(now_ms() - t0 >= 290);
    CHECK(client_send(&c, "GET /before HTTP/1.1\r\n\r\n") == 0);
    CHECK(client_read_all(&c, buf, sizeof(buf) - 1) == 0);
    client_close(&c);
}

static void test_rude_clients(struct httpd *srv, uint16_t port)
{
    struct httpd_stats before, after;
    httpd_get_stats(srv, &before);

    /* Not TLS at all. */
    int fd = tcp_connect(port);
    CHECK(fd >= 0);
    CHECK(write(fd, "GET / HTTP/1.1\r\n\r\n", 18) == 18);
    char junk[256];
    ssize_t n = read(fd, junk, sizeof(junk));   /* a TLS alert or EOF, never a hang */
    CHECK(n >= 0);
    close(fd);

    /* Connects and says nothing, another one stops mid-request: others are still served. */
    int idle = tcp_connect(port);
    CHECK(idle >= 0);
    struct client half;
    CHECK(client_open(&half, port) == 0);
    CHECK(client_send(&half, "POST /echo HTTP/1.1\r\nContent-Length: 100\r\n\r\nabc") == 0);
    long t0 = now_ms();
    struct client c;
    char buf[1024];
    const char *body;
    CHECK(client_open(&c, port) == 0);
    CHECK(client_send(&c, "GET /hdr HTTP/1.1\r\n\r\n") == 0);
    CHECK(client_read_response(&c, buf, sizeof(buf), &body) == 0);
    CHECK(now_ms() - t0 < 800);
    client_close(&c);
    /* The stalled client is dropped after the IO timeout (1000 ms here). */
    CHECK(client_read_all(&half, buf, sizeof(buf) - 1) == 0);
    CHECK(now_ms() - t0 >= 800 && now_ms() - t0 < 5000);
    client_close(&half);
    close(idle);

    /* Disconnects in the middle of a request. */
    CHECK(client_open(&c, port) == 0);
    CHECK(client_send(&c, "POST /echo HTTP/1.1\r\nContent-Le") == 0);
    client_close(&c);

    /* Many sequential connections. */
    for (int i = 0; i < 12; i++) {
        CHECK(client_open(&c, port) == 0);
        CHECK(client_send(&c, "GET /hdr HTTP/1.1\r\n\r\n") == 0);
        CHECK(client_read_response(&c, buf, sizeof(buf), &body) == 0);
        client_close(&c);
    }
    usleep(100 * 1000);
    httpd_get_stats(srv, &after);
    CHECK(after.connections - before.connections == 17);
    CHECK(after.handshake_failures - before.handshake_failures >= 2);   /* not TLS, idle */
    CHECK(after.handshakes - before.handshakes == 15);
}

static void test_stop_with_idle_client(const struct testpki *pki)
{
    struct httpd_config cfg = {.cert_chain_file = pki->good, .key_file = pki->key,
                               .handler = handler};   /* default 5 s IO timeout */
    char err[256];
    struct httpd *h = httpd_new(&cfg, err, sizeof(err));
    CHECK(h != NULL);
    if (!h)
        return;
    CHECK(httpd_start(h) == 0);
    CHECK(httpd_start(h) != 0);
    struct client c;
    CHECK(client_open(&c, httpd_port(h)) == 0);
    usleep(50 * 1000);
    long t0 = now_ms();
    httpd_stop(h);   /* must not wait for the client's idle timeout */
    CHECK(now_ms() - t0 < 1000);
    client_close(&c);
    httpd_free(h);

    /* Bad configuration reports why. */
    struct httpd_config bad = {.cert_chain_file = "/nonexistent.pem", .key_file = pki->key};
    CHECK(httpd_new(&bad, err, sizeof(err)) == NULL);
    CHECK(strstr(err, "certificate") != NULL);
    struct httpd_config mismatch = {.cert_chain_file = pki->ca, .key_file = pki->key};
    CHECK(httpd_new(&mismatch, err, sizeof(err)) == NULL);
    CHECK(err[0] != '\0');
}

static void *serve_fg(void *h)
{
    return (void *)(long)httpd_serve(h);
}

static void test_foreground(const struct testpki *pki)
{
    struct httpd_config cfg = {.cert_chain_file = pki->good, .key_file = pki->key,
                               .handler = handler};
    char err[256];
    struct httpd *h = httpd_new(&cfg, err, sizeof(err));
    CHECK(h != NULL);
    if (!h)
        return;
    pthread_t th;
    CHECK(pthread_create(&th, NULL, serve_fg, h) == 0);
    struct client c;
    char buf[1024];
    const char *body;
    CHECK(client_open(&c, httpd_port(h)) == 0);
    CHECK(client_send(&c, "GET /hdr HTTP/1.1\r\n\r\n") == 0);
    CHECK(client_read_response(&c, buf, sizeof(buf), &body) == 0);
    client_close(&c);
    httpd_request_stop(h);
    void *rv;
    pthread_join(th, &rv);
    CHECK(rv == NULL);
    httpd_free(h);
}

int main(void)
{
    struct testpki pki;
    if (testpki_make(&pki) != 0)
        return 1;
    struct httpd_config cfg = {.cert_chain_file = pki.good, .key_file = pki.key,
                               .handler = handler, .max_request = 65536, .io_timeout_ms = 1000};
    char err[256];
    struct httpd *srv = httpd_new(&cfg, err, sizeof(err));
    if (!srv || httpd_start(srv) != 0) {
        fprintf(stderr, "server: %s\n", err);
        httpd_free(srv);
        testpki_remove(&pki);
        return 1;
    }
    uint16_t port = httpd_port(srv);
    CHECK(port != 0);

    test_keepalive_and_pipelining(port);
    test_bad_requests(srv, port);
    test_faults(port);
    test_rude_clients(srv, port);
    httpd_free(srv);
    test_stop_with_idle_client(&pki);
    test_foreground(&pki);

    testpki_remove(&pki);
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("httpd: all checks passed\n");
    return 0;
}
