/* SPDX-License-Identifier: MIT */
/* Test HTTPS server: setup, accept loop, one thread per connection, counters. */
#define _GNU_SOURCE   /* accept4, pipe2 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <openssl/err.h>

#include "httpd_internal.h"

static void set_err(char *err, size_t errlen, const char *what)
{
    if (!err || !errlen)
        return;
    unsigned long e = ERR_peek_last_error();
    if (e) {
        char ebuf[256];
        ERR_error_string_n(e, ebuf, sizeof(ebuf));
        snprintf(err, errlen, "%s: %s", what, ebuf);
    } else if (errno) {
        snprintf(err, errlen, "%s: %s", what, strerror(errno));
    } else {
        snprintf(err, errlen, "%s", what);
    }
}

static void ignore_sigpipe(void)
{
    struct sigaction sa;
    if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL) {
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = SIG_IGN;
        sigaction(SIGPIPE, &sa, NULL);
    }
}

/* --tls-delay: the server's first flight (ServerHello...) waits, as on a
 * slow network (no netem on this kernel); only this connection's thread. */
static int hold_client_hello(SSL *ssl, int *alert, void *arg)
{
    (void)ssl;
    (void)alert;
    const struct httpd *h = arg;
    struct timespec ts = {(time_t)(h->cfg.tls_delay_ms / 1000),
                          (long)(h->cfg.tls_delay_ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
    return SSL_CLIENT_HELLO_SUCCESS;
}

static int make_ctx(struct httpd *h, char *err, size_t errlen)
{
    h->ctx = SSL_CTX_new(TLS_server_method());
    if (!h->ctx) {
        set_err(err, errlen, "SSL_CTX_new");
        return -1;
    }
    SSL_CTX_set_min_proto_version(h->ctx, TLS1_2_VERSION);
    SSL_CTX_set_mode(h->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (h->cfg.tls_delay_ms)
        SSL_CTX_set_client_hello_cb(h->ctx, hold_client_hello, h);
    if (SSL_CTX_use_certificate_chain_file(h->ctx, h->cfg.cert_chain_file) != 1) {
        set_err(err, errlen, "loading certificate chain");
        return -1;
    }
    if (SSL_CTX_use_PrivateKey_file(h->ctx, h->cfg.key_file, SSL_FILETYPE_PEM) != 1) {
        set_err(err, errlen, "loading private key");
        return -1;
    }
    if (SSL_CTX_check_private_key(h->ctx) != 1) {
        set_err(err, errlen, "key does not match certificate");
        return -1;
    }
    return 0;
}

static int make_listener(struct httpd *h, char *err, size_t errlen)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(h->cfg.port)};
    const char *addr = h->cfg.bind_addr ? h->cfg.bind_addr : "127.0.0.1";
    errno = 0;
    if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
        set_err(err, errlen, "bad bind address");
        return -1;
    }
    h->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (h->lfd < 0) {
        set_err(err, errlen, "socket");
        return -1;
    }
    int one = 1;
    setsockopt(h->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(h->lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(h->lfd, 64) < 0) {
        set_err(err, errlen, "bind/listen");
        return -1;
    }
    socklen_t sl = sizeof(sa);
    if (getsockname(h->lfd, (struct sockaddr *)&sa, &sl) < 0) {
        set_err(err, errlen, "getsockname");
        return -1;
    }
    h->port = ntohs(sa.sin_port);
    return 0;
}

struct httpd *httpd_new(const struct httpd_config *cfg, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (!cfg || !cfg->cert_chain_file || !cfg->key_file) {
        if (err && errlen)
            snprintf(err, errlen, "certificate chain and key files are required");
        return NULL;
    }
    struct httpd *h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    h->cfg = *cfg;
    h->lfd = -1;
    h->stop_pipe[0] = h->stop_pipe[1] = -1;
    if (!h->cfg.max_request)
        h->cfg.max_request = (size_t)8 << 20;
    if (h->cfg.io_timeout_ms <= 0)
        h->cfg.io_timeout_ms = 5000;
    if (!h->cfg.max_connections)
        h->cfg.max_connections = 16;
    pthread_mutex_init(&h->handler_mu, NULL);
    ignore_sigpipe();

    ERR_clear_error();
    if (make_ctx(h, err, errlen) < 0 || make_listener(h, err, errlen) < 0)
        goto fail;
    /* The caller's strings are only used during setup. */
    h->cfg.bind_addr = h->cfg.cert_chain_file = h->cfg.key_file = NULL;
    if (pipe2(h->stop_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
        set_err(err, errlen, "pipe");
        goto fail;
    }
    h->n_slots = h->cfg.max_connections;
    h->slots = calloc(h->n_slots, sizeof(*h->slots));
    if (!h->slots) {
        set_err(err, errlen, "out of memory");
        goto fail;
    }
    return h;
fail:
    ERR_clear_error();
    httpd_free(h);
    return NULL;
}

uint16_t httpd_port(const struct httpd *h)
{
    return h ? h->port : 0;
}

static void reap(struct httpd *h, int all)
{
    for (unsigned i = 0; i < h->n_slots; i++) {
        struct conn_slot *s = &h->slots[i];
        if (s->used && (all || atomic_load(&s->done))) {
            pthread_join(s->thread, NULL);
            s->used = 0;
        }
    }
}

static void accept_one(struct httpd *h)
{
    int fd = accept4(h->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
        return;
    atomic_fetch_add(&h->connections, 1);
    struct conn_slot *slot = NULL;
    for (unsigned i = 0; i < h->n_slots && !slot; i++)
        if (!h->slots[i].used)
            slot = &h->slots[i];
    if (!slot) {
        close(fd);   /* too many at once */
        return;
    }
    slot->h = h;
    slot->fd = fd;
    slot->id = atomic_fetch_add(&h->next_conn_id, 1) + 1;
    atomic_store(&slot->done, 0);
    if (pthread_create(&slot->thread, NULL, httpd__conn_main, slot) != 0) {
        close(fd);
        return;
    }
    slot->used = 1;
}

int httpd_serve(struct httpd *h)
{
    if (!h)
        return -1;
    for (;;) {
        struct pollfd p[2] = {{h->lfd, POLLIN, 0}, {h->stop_pipe[0], POLLIN, 0}};
        int r = poll(p, 2, 100);
        if (r < 0 && errno != EINTR)
            break;
        if (r > 0 && p[1].revents)
            break;
        reap(h, 0);
        if (r > 0 && p[0].revents)
            accept_one(h);
    }
    reap(h, 1);   /* the stop pipe wakes every connection thread */
    return 0;
}

static void *serve_thread(void *arg)
{
    httpd_serve(arg);
    return NULL;
}

int httpd_start(struct httpd *h)
{
    if (!h || h->started)
        return -1;
    if (pthread_create(&h->thread, NULL, serve_thread, h) != 0)
        return -1;
    h->started = 1;
    return 0;
}

void httpd_request_stop(struct httpd *h)
{
    if (h && h->stop_pipe[1] >= 0) {
        ssize_t r = write(h->stop_pipe[1], "x", 1);
        (void)r;
    }
}

void httpd_stop(struct httpd *h)
{
    if (!h)
        return;
    httpd_request_stop(h);
    if (h->started) {
        pthread_join(h->thread, NULL);
        h->started = 0;
    }
}

void httpd_free(struct httpd *h)
{
    if (!h)
        return;
    httpd_stop(h);
    if (h->slots)
        reap(h, 1);
    free(h->slots);
    if (h->lfd >= 0)
        close(h->lfd);
    if (h->stop_pipe[0] >= 0)
        close(h->stop_pipe[0]);
    if (h->stop_pipe[1] >= 0)
        close(h->stop_pipe[1]);
    SSL_CTX_free(h->ctx);
    pthread_mutex_destroy(&h->handler_mu);
    free(h);
}

void httpd_get_stats(const struct httpd *h, struct httpd_stats *out)
{
    if (!out)
        return;
    memset(out, 0, sizeof(*out));
    if (!h)
        return;
    struct httpd *m = (struct httpd *)h;
    out->connections = atomic_load(&m->connections);
    out->handshakes = atomic_load(&m->handshakes);
    out->handshake_failures = atomic_load(&m->handshake_failures);
    out->requests = atomic_load(&m->requests);
    out->bad_requests = atomic_load(&m->bad_requests);
}

void httpd_reset_stats(struct httpd *h)
{
    if (!h)
        return;
    atomic_store(&h->connections, 0);
    atomic_store(&h->handshakes, 0);
    atomic_store(&h->handshake_failures, 0);
    atomic_store(&h->requests, 0);
    atomic_store(&h->bad_requests, 0);
}
