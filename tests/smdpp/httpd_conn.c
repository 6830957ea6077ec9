/* SPDX-License-Identifier: MIT */
/* One connection of the test HTTPS server: TLS handshake, keep-alive request loop, faults. */
#define _GNU_SOURCE   /* memmem, POLLRDHUP */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>
#include <openssl/err.h>

#include "httpd_internal.h"

struct conn {
    struct httpd *h;
    SSL *ssl;
    int fd;
    int timeout_ms;
    size_t max_buf;
    uint8_t *buf;
    size_t len, cap;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for @p events on the socket: 0 ready; -1 timeout, stop requested or error. */
static int wait_fd(struct conn *c, short events, int64_t deadline)
{
    for (;;) {
        int64_t left = deadline - now_ms();
        if (left <= 0)
            return -1;
        struct pollfd p[2] = {{c->fd, events, 0}, {c->h->stop_pipe[0], POLLIN, 0}};
        int r = poll(p, 2, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0 || p[1].revents)
            return -1;
        if (p[0].revents)
            return 0;
    }
}

/* After an SSL_* call returned @p ret <= 0: wait if it wants I/O (0), else -1. */
static int ssl_retry(struct conn *c, int ret, int64_t deadline)
{
    switch (SSL_get_error(c->ssl, ret)) {
    case SSL_ERROR_WANT_READ:
        return wait_fd(c, POLLIN, deadline);
    case SSL_ERROR_WANT_WRITE:
        return wait_fd(c, POLLOUT, deadline);
    default:
        return -1;
    }
}

/* Sleep @p ms unless a stop is requested (-1). */
static int sleep_stoppable(struct conn *c, unsigned ms)
{
    int64_t deadline = now_ms() + ms;
    for (;;) {
        int64_t left = deadline - now_ms();
        if (left <= 0)
            return 0;
        struct pollfd p = {c->h->stop_pipe[0], POLLIN, 0};
        int r = poll(&p, 1, (int)left);
        if (r > 0)
            return -1;
    }
}

/* Create @p file and wait until it is removed (0), or until the peer hangs
 * up or a stop is requested (-1): the pause fault knob. */
static int pause_until_removed(struct conn *c, const char *file)
{
    int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return 0;
    close(fd);
    while (access(file, F_OK) == 0) {
        struct pollfd p[2] = {{c->fd, POLLRDHUP, 0}, {c->h->stop_pipe[0], POLLIN, 0}};
        int r = poll(p, 2, 10);
        if (r > 0 && (p[1].revents || (p[0].revents & (POLLRDHUP | POLLHUP | POLLERR)))) {
            unlink(file);
            return -1;
        }
    }
    return 0;
}

/* Append what the peer sends to c->buf. >0 bytes read, 0 peer closed, -1 error/timeout. */
static int conn_read(struct conn *c)
{
    if (c->len == c->cap) {
        if (c->cap >= c->max_buf)
            return -1;
        size_t cap = c->cap ? c->cap * 2 : 16384;
        if (cap > c->max_buf)
            cap = c->max_buf;
        uint8_t *nb = realloc(c->buf, cap + 1);
        if (!nb)
            return -1;
        c->buf = nb;
        c->cap = cap;
    }
    int64_t deadline = now_ms() + c->timeout_ms;
    size_t room = c->cap - c->len;
    int want = room > 65536 ? 65536 : (int)room;
    for (;;) {
        ERR_clear_error();
        int r = SSL_read(c->ssl, c->buf + c->len, want);
        if (r > 0) {
            c->len += (size_t)r;
            return r;
        }
        int e = SSL_get_error(c->ssl, r);
        if (e == SSL_ERROR_ZERO_RETURN)
            return 0;
        if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
            return c->len ? -1 : 0;   /* abrupt EOF or TLS error */
        if (ssl_retry(c, r, deadline) < 0)
            return -1;
    }
}

static int conn_write(struct conn *c, const void *data, size_t n)
{
    const uint8_t *p = data;
    int64_t deadline = now_ms() + c->timeout_ms;
    while (n > 0) {
        int chunk = n > 65536 ? 65536 : (int)n;
        ERR_clear_error();
        int r = SSL_write(c->ssl, p, chunk);
        if (r > 0) {
            p += r;
            n -= (size_t)r;
            continue;
        }
        if (ssl_retry(c, r, deadline) < 0)
            return -1;
    }
    return 0;
}

static int handshake(struct conn *c)
{
    int64_t deadline = now_ms() + c->timeout_ms;
    for (;;) {
        ERR_clear_error();
        int r = SSL_accept(c->ssl);
        if (r == 1)
            return 0;
        if (ssl_retry(c, r, deadline) < 0)
            return -1;
    }
}

/*
 * The bandwidth knob (the benchmark's stand-in for netem, which this kernel
 * lacks): write @p n body bytes in chunks of 1/50 s worth, each at the time
 * the byte rate @p bps allows, so the body takes n / bps seconds.
 */
static int write_paced(struct conn *c, const uint8_t *p, size_t n, unsigned long bps)
{
    size_t chunk = bps / 50 ? bps / 50 : 1, sent = 0;
    int64_t start = now_ms();
    while (sent < n) {
        size_t k = n - sent < chunk ? n - sent : chunk;
        if (conn_write(c, p + sent, k) < 0)
            return -1;
        sent += k;
        int64_t due = start + (int64_t)((double)sent * 1000.0 / (double)bps);
        int64_t wait = due - now_ms();
        if (wait > 0 && sent < n && sleep_stoppable(c, (unsigned)wait) < 0)
            return -1;
    }
    return 0;
}

/* Growable text buffer for a response head. */
struct sbuf {
    char *p;
    size_t len, cap;
    int oom;
};

static void sb_add(struct sbuf *s, const void *data, size_t n)
{
    if (s->oom)
        return;
    if (s->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 512;
        while (cap < s->len + n + 1)
            cap *= 2;
        char *np = realloc(s->p, cap);
        if (!np) {
            s->oom = 1;
            return;
        }
        s->p = np;
        s->cap = cap;
    }
    memcpy(s->p + s->len, data, n);
    s->len += n;
    s->p[s->len] = '\0';
}

static void sb_str(struct sbuf *s, const char *str)
{
    sb_add(s, str, strlen(str));
}

/*
 * Send @p resp, applying its fault knobs. Returns 1 to keep the connection,
 * 0 to close it gracefully, -1 to drop it abruptly (no close_notify).
 */
static int send_response(struct conn *c, struct httpd_response *resp, int keep_alive)
{
    if (resp->fault == HTTPD_FAULT_CLOSE_BEFORE)
        return -1;

    int status = resp->status;
    int body_allowed = !(status < 200 || status == 204 || status == 304);
    size_t body_len = body_allowed ? resp->body_len : 0;
    size_t send_len = body_len, announce = body_len;
    int after = 1;

    keep_alive = keep_alive && !resp->close && !resp->no_content_length;
    switch (resp->fault) {
    case HTTPD_FAULT_CLOSE_MID_BODY:
        send_len = body_len / 2;
        after = -1;
        break;
    case HTTPD_FAULT_TRUNCATE:
        announce = body_len + (resp->fault_arg ? resp->fault_arg : 16);
        after = -1;
        break;
    case HTTPD_FAULT_CORRUPT:
        if (body_len) {
            size_t at = resp->fault_arg < body_len ? resp->fault_arg : body_len / 2;
            resp->body[at] ^= 0xFF;
        }
        break;
    default:
        break;
    }
    if (after == 1 && !keep_alive)
        after = 0;

    struct sbuf s = {0};
    char line[128];
    snprintf(line, sizeof(line), "HTTP/1.1 %d %s\r\n", status, httpd__reason(status));
    sb_str(&s, line);
    for (size_t i = 0; i < resp->n_headers; i++) {
        sb_str(&s, resp->headers[i]);
        sb_str(&s, "\r\n");
    }
    if (body_allowed && !resp->no_content_length) {
        snprintf(line, sizeof(line), "Content-Length: %zu\r\n", announce);
        sb_str(&s, line);
    }
    if (!keep_alive)
        sb_str(&s, "Connection: close\r\n");
    sb_str(&s, "\r\n");
    unsigned long bps = resp->fault == HTTPD_FAULT_TRICKLE && resp->fault_arg
                            ? (unsigned long)resp->fault_arg : c->h->cfg.bandwidth_bps;
    if (send_len && !bps)
        sb_add(&s, resp->body, send_len);
    int rc = s.oom ? -1 : conn_write(c, s.p, s.len);
    free(s.p);
    if (rc == 0 && send_len && bps)
        rc = write_paced(c, resp->body, send_len, bps);
    if (rc < 0)
        return -1;
    return after;
}

static int send_error(struct conn *c, int status)
{
    struct httpd_response resp = {.status = status, .close = 1};
    char body[96];
    snprintf(body, sizeof(body), "%d %s\n", status, httpd__reason(status));
    httpd_response_set_body_str(&resp, body);
    httpd_response_add_header(&resp, "Content-Type", "text/plain");
    int r = send_response(c, &resp, 0);
    httpd__response_free(&resp);
    return r;
}

static size_t find_head_end(const uint8_t *buf, size_t len)
{
    if (len < 4)
        return 0;
    const uint8_t *p = memmem(buf, len, "\r\n\r\n", 4);
    return p ? (size_t)(p - buf) + 4 : 0;
}

/* Serve requests until the peer leaves, a fault or error ends the connection. */
static int serve_requests(struct conn *c, unsigned long conn_id)
{
    struct httpd *h = c->h;
    unsigned long n_req = 0;

    for (;;) {
        size_t head_len;
        while ((head_len = find_head_end(c->buf, c->len)) == 0) {
            if (c->len >= HTTPD_MAX_HEAD) {
                atomic_fetch_add(&h->bad_requests, 1);
                return send_error(c, 431);
            }
            int r = conn_read(c);
            if (r <= 0)
                return r < 0 || c->len ? -1 : 0;
        }
        struct req_head head;
        int bad = httpd__parse_head((const char *)c->buf, head_len, h->cfg.max_request, &head);
        if (!bad && (head_len > h->cfg.max_request ||
                     head.content_length > h->cfg.max_request - head_len))
            bad = 413;
        if (bad) {
            httpd__head_free(&head);
            atomic_fetch_add(&h->bad_requests, 1);
            return send_error(c, bad);
        }
        if (head.expect_continue && c->len - head_len < head.content_length &&
            conn_write(c, "HTTP/1.1 100 Continue\r\n\r\n", 25) < 0) {
            httpd__head_free(&head);
            return -1;
        }
        while (c->len - head_len < head.content_length) {
            if (conn_read(c) <= 0) {
                httpd__head_free(&head);
                return -1;
            }
        }

        /* The body is NUL-terminated for the handler: save the byte after it. */
        size_t used = head_len + head.content_length;
        uint8_t saved = used < c->len ? c->buf[used] : 0;
        c->buf[used] = '\0';   /* buf always has cap + 1 bytes */
        struct httpd_request req = {
            .method = head.method, .path = head.path, .version = head.version,
            .headers = head.headers, .n_headers = head.n_headers,
            .body = c->buf + head_len, .body_len = head.content_length,
            .conn_id = conn_id, .conn_request = ++n_req,
        };
        struct httpd_response resp = {.status = 200};
        atomic_fetch_add(&h->requests, 1);
        int hrc = -1;
        if (h->cfg.handler) {
            pthread_mutex_lock(&h->handler_mu);
            hrc = h->cfg.handler(h->cfg.user, &req, &resp);
            pthread_mutex_unlock(&h->handler_mu);
        } else {
            resp.status = 404;
            hrc = 0;
        }
        if (used < c->len)
            c->buf[used] = saved;
        int keep = head.keep_alive;
        httpd__head_free(&head);
        if (hrc != 0) {
            httpd__response_free(&resp);
            resp.status = 500;
            resp.close = 1;
            httpd_response_set_body_str(&resp, "handler failed\n");
        }
        int r = 0;
        if (resp.delay_ms && sleep_stoppable(c, resp.delay_ms) < 0)
            r = -1;
        else if (resp.pause_file && pause_until_removed(c, resp.pause_file) < 0)
            r = -1;
        else
            r = send_response(c, &resp, keep);
        httpd__response_free(&resp);
        if (r != 1)
            return r;
        memmove(c->buf, c->buf + used, c->len - used);
        c->len -= used;
    }
}

/*
 * Close without losing what we sent: closing a socket with unread input makes
 * the kernel send a reset, which can destroy our last response (e.g. a 431 for
 * a header flood) before the client reads it. So half-close, drain the input
 * for a short while, then close.
 */
static void linger_close(struct conn *c)
{
    char sink[4096];
    shutdown(c->fd, SHUT_WR);
    int64_t deadline = now_ms() + (c->timeout_ms < 1000 ? c->timeout_ms : 1000);
    while (wait_fd(c, POLLIN, deadline) == 0) {
        ssize_t r = read(c->fd, sink, sizeof(sink));
        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
            break;
    }
    close(c->fd);
}

void *httpd__conn_main(void *arg)
{
    struct conn_slot *slot = arg;
    struct httpd *h = slot->h;
    struct conn c = {
        .h = h, .fd = slot->fd, .timeout_ms = h->cfg.io_timeout_ms,
        .max_buf = h->cfg.max_request + HTTPD_MAX_HEAD,
    };

    c.ssl = SSL_new(h->ctx);
    if (c.ssl && SSL_set_fd(c.ssl, c.fd) == 1) {
        if (handshake(&c) == 0) {
            atomic_fetch_add(&h->handshakes, 1);
            if (h->cfg.on_handshake)
                h->cfg.on_handshake(h->cfg.user);
            if (serve_requests(&c, slot->id) == 0) {
                ERR_clear_error();
                SSL_shutdown(c.ssl);   /* send close_notify; do not wait for the peer's */
            }
        } else {
            atomic_fetch_add(&h->handshake_failures, 1);
        }
    }
    SSL_free(c.ssl);
    ERR_clear_error();
    linger_close(&c);
    free(c.buf);
    atomic_store(&slot->done, 1);
    return NULL;
}
