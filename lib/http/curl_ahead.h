/* SPDX-License-Identifier: MIT */
/*
 * Connect-ahead for the libcurl backend (issue 14 item 2): one real POST is
 * started before its body exists; a worker thread drives it through DNS, TCP
 * and TLS, waits in curl's pre-request callback until post() has copied the
 * body, then drives it to its end while post() waits. Only one thread is
 * ever inside curl: the worker between start and join, the owner otherwise.
 */
#ifndef ESIMLPA_CURL_AHEAD_H
#define ESIMLPA_CURL_AHEAD_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

struct esimlpa__curl_ahead {
    /* the prepared request (owner thread only) */
    int active;                 /* its easy handle is in the multi handle */
    char *url;
    struct curl_slist *hdrs;    /* as post() would build them */
    size_t body_len;
    int https;
    uint8_t *buf;               /* CURLOPT_POSTFIELDS: body_len bytes, filled by post() */
    /* the worker; its results are read after it was joined */
    pthread_t worker;
    int running;                /* a worker exists (set before it starts) */
    pthread_mutex_t mu;         /* guards the three flags below */
    pthread_cond_t cv;
    int stop;                   /* owner: give up (pre-request callback aborts) */
    int have_body;              /* owner: buf holds the body */
    int finished;               /* worker: the transfer is over */
    CURLM *multi;
    CURL *easy;
    int done;                   /* the transfer ended (result is set) */
    CURLcode result;
};

/* Set the pre-request callback on @e (every easy handle of the transport; it
 * only waits for a prepared request's worker). 0 or a CURLcode. */
CURLcode esimlpa__curl_ahead_setopts(CURL *e, struct esimlpa__curl_ahead *a);

/* Give @e (set up) a body buffer of a->body_len bytes as POSTFIELDS, add it
 * to @multi and start the worker. 0 or -1 (nothing started, the handle is not
 * in @multi, the buffer is freed). */
int esimlpa__curl_ahead_start(struct esimlpa__curl_ahead *a, CURLM *multi, CURL *e);

/* Make the worker give up and join it. Idempotent. */
void esimlpa__curl_ahead_stop(struct esimlpa__curl_ahead *a);

/* post(): copy the body (a->body_len bytes) and let the request go, wait for
 * its end asking @should_abort(@user) at each round of the worker (<= 50 ms);
 * on abort stop(). Joins
 * the worker. 1 when aborted, else 0 (a->done/a->result tell the end). */
int esimlpa__curl_ahead_finish(struct esimlpa__curl_ahead *a, const uint8_t *body,
                               int (*should_abort)(void *), void *user);

/* Forget the request's description (frees url, hdrs; wipes and frees buf). */
void esimlpa__curl_ahead_clear(struct esimlpa__curl_ahead *a);

#endif
