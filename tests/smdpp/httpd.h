/* SPDX-License-Identifier: MIT */
/*
 * httpd: a small HTTPS/1.1 server on OpenSSL for tests and the test SM-DP+.
 *
 * Listens on one address (default 127.0.0.1) and port (0 = ephemeral, see
 * httpd_port), TLS >= 1.2 with a PEM certificate chain and key. Keep-alive:
 * many requests per connection. Request bodies need Content-Length (chunked
 * requests get 411). Each connection is served by its own thread with
 * non-blocking I/O and an idle timeout, so a stuck or rude client cannot block
 * the server; handler calls are serialised by one mutex, so a handler needs no
 * locking of its own. Per-response fault knobs let a handler misbehave on
 * purpose (delay, close early, truncated or corrupted body).
 *
 * The server ignores SIGPIPE process-wide if it was at its default
 * disposition (a peer that goes away must not kill the test).
 */
#ifndef TESTS_HTTPD_H
#define TESTS_HTTPD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct httpd_header {
    const char *name;
    const char *value;   /* surrounding white space removed */
};

/** One parsed request; valid only during the handler call. */
struct httpd_request {
    const char *method;          /* "POST", "GET", ... */
    const char *path;            /* request target as sent, e.g. "/gsma/rsp2/es9plus/x" */
    const char *version;         /* "HTTP/1.1" or "HTTP/1.0" */
    const struct httpd_header *headers;
    size_t n_headers;
    const uint8_t *body;         /* NUL-terminated (terminator not counted) */
    size_t body_len;
    unsigned long conn_id;       /* 1-based id of the TCP connection */
    unsigned long conn_request;  /* 1-based index of this request on its connection */
};

/** Value of the first header named @p name (case-insensitive), or NULL. */
const char *httpd_request_header(const struct httpd_request *req, const char *name);

enum httpd_fault {
    HTTPD_FAULT_NONE = 0,
    HTTPD_FAULT_CLOSE_BEFORE,    /**< close the connection without answering */
    HTTPD_FAULT_CLOSE_MID_BODY,  /**< send the headers and half the body, then close */
    HTTPD_FAULT_TRUNCATE,        /**< announce fault_arg (0: 16) more bytes than sent, then close */
    HTTPD_FAULT_CORRUPT,         /**< invert body byte at offset fault_arg (>= len: the middle one) */
    HTTPD_FAULT_TRICKLE,         /**< write the body at fault_arg bytes per second */
};

#define HTTPD_MAX_RESPONSE_HEADERS 16

/** What the handler answers; the server fills defaults before the call. */
struct httpd_response {
    int status;                  /**< default 200 */
    char *headers[HTTPD_MAX_RESPONSE_HEADERS]; /**< "Name: value" lines; use httpd_response_add_header */
    size_t n_headers;
    uint8_t *body;               /**< malloc'd; use httpd_response_set_body */
    size_t body_len;
    /* fault knobs */
    unsigned delay_ms;           /**< wait this long before answering */
    const char *pause_file;      /**< create this file and answer once it is removed;
                                      close instead when the peer hangs up first */
    enum httpd_fault fault;
    size_t fault_arg;
    int close;                   /**< answer with "Connection: close", then close */
    int no_content_length;       /**< body delimited by closing the connection */
};

/** Add a "Name: value" response header (copied). 0 or -1 (full, CR/LF, no memory). */
int httpd_response_add_header(struct httpd_response *resp, const char *name, const char *value);
/** Set the response body (copied; replaces any earlier body). 0 or -1. */
int httpd_response_set_body(struct httpd_response *resp, const void *data, size_t len);
/** Set a NUL-terminated string as body. */
int httpd_response_set_body_str(struct httpd_response *resp, const char *s);

/**
 * Request handler: fill @p resp. Return 0, or non-zero to make the server
 * answer 500. Called with the server's handler mutex held.
 */
typedef int (*httpd_handler)(void *user, const struct httpd_request *req,
                             struct httpd_response *resp);

struct httpd_config {
    const char *cert_chain_file;  /**< PEM: server certificate first, then intermediates */
    const char *key_file;         /**< PEM private key */
    const char *bind_addr;        /**< IPv4 address; NULL: "127.0.0.1" */
    uint16_t port;                /**< 0: ephemeral */
    size_t max_request;           /**< headers + body; 0: 8 MiB */
    int io_timeout_ms;            /**< idle/IO timeout per connection; 0: 5000 */
    unsigned max_connections;     /**< served at once; 0: 16; more are closed at once */
    unsigned long bandwidth_bps;  /**< response bodies paced to this many bytes/s; 0: unpaced */
    httpd_handler handler;
    void *user;
    unsigned tls_delay_ms;        /**< the first handshake flight held this long (bench); 0: none */
    void (*on_handshake)(void *user); /**< optional: after each completed handshake (user) */
};

struct httpd_stats {
    unsigned long connections;        /**< TCP connections accepted */
    unsigned long handshakes;         /**< TLS handshakes completed */
    unsigned long handshake_failures; /**< TLS handshakes that failed or timed out */
    unsigned long requests;           /**< well-formed requests given to the handler */
    unsigned long bad_requests;       /**< requests refused with 4xx by the server itself */
};

struct httpd;

/** Create, load cert/key and bind. NULL on failure, with a reason in @p err. */
struct httpd *httpd_new(const struct httpd_config *cfg, char *err, size_t errlen);
/** The bound port (useful with port 0). */
uint16_t httpd_port(const struct httpd *h);
/** Serve in a background thread. 0 or -1. */
int httpd_start(struct httpd *h);
/** Serve in the calling thread until httpd_request_stop. 0 or -1. */
int httpd_serve(struct httpd *h);
/** Ask the server to stop; async-signal-safe (usable from a signal handler). */
void httpd_request_stop(struct httpd *h);
/** Stop and wait for the background thread and all connections. */
void httpd_stop(struct httpd *h);
/** Stop if needed, then free everything. NULL-safe. */
void httpd_free(struct httpd *h);
void httpd_get_stats(const struct httpd *h, struct httpd_stats *out);
void httpd_reset_stats(struct httpd *h);

#ifdef __cplusplus
}
#endif
#endif
