/* SPDX-License-Identifier: MIT */
/* Internals of the test HTTPS server (httpd.h). */
#ifndef TESTS_HTTPD_INTERNAL_H
#define TESTS_HTTPD_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <openssl/ssl.h>

#include "httpd.h"

#define HTTPD_MAX_HEAD 16384        /* request line + headers */
#define HTTPD_MAX_REQ_HEADERS 64

struct conn_slot {
    struct httpd *h;
    pthread_t thread;
    int used;
    atomic_int done;
    int fd;
    unsigned long id;
};

struct httpd {
    struct httpd_config cfg;
    SSL_CTX *ctx;
    int lfd;
    uint16_t port;
    int stop_pipe[2];            /* written once on stop; stays readable */
    pthread_t thread;
    int started;
    pthread_mutex_t handler_mu;
    struct conn_slot *slots;
    unsigned n_slots;
    atomic_ulong connections, handshakes, handshake_failures, requests, bad_requests;
    atomic_ulong next_conn_id;
};

/* Parsed request head; strings point into @c storage. */
struct req_head {
    char *storage;
    const char *method, *path, *version;
    struct httpd_header headers[HTTPD_MAX_REQ_HEADERS];
    size_t n_headers;
    size_t content_length;
    int keep_alive;
    int expect_continue;
};

/*
 * Parse the head (request line + headers, @p len bytes up to and including the
 * empty line). 0, or the HTTP status to refuse with (400, 411, 413, 431, 505).
 */
int httpd__parse_head(const char *buf, size_t len, size_t max_body, struct req_head *out);
void httpd__head_free(struct req_head *head);
const char *httpd__reason(int status);
void httpd__response_free(struct httpd_response *resp);

/* Serve one accepted connection (thread entry). */
void *httpd__conn_main(void *slot);

#endif
