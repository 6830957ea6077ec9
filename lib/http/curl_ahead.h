/* SPDX-License-Identifier: MIT */
/*
 * Connect-ahead for the libcurl backend (issue 14 item 2): one real POST is
 * started before its body exists; a worker thread drives it through DNS, TCP,
 * TLS and the request headers until the read callback asks for the body, then
 * gives the handles back. post() continues the same transfer in its own
 * thread. Only one thread is ever inside curl: the worker between start and
 * stop, the owner otherwise.
 */
#ifndef ESIMLPA_CURL_AHEAD_H
#define ESIMLPA_CURL_AHEAD_H

#include <pthread.h>
#include <stdatomic.h>
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
    /* the worker; its results are read after stop() joined it */
    pthread_t worker;
    int running;
    atomic_int stop_flag;
    CURLM *multi;
    CURL *easy;
    int paused;                 /* the read callback asked for the body */
    int done;                   /* the transfer ended in the worker (a failure) */
    CURLcode result;
    /* body source of the read callback (also the worker's "not yet") */
    const uint8_t *body;
    size_t len, off;
    int have_body;
};

/* Set the read and seek callbacks on @e (every easy handle of the transport:
 * they only run for a POST without CURLOPT_POSTFIELDS). 0 or a CURLcode. */
CURLcode esimlpa__curl_ahead_setopts(CURL *e, struct esimlpa__curl_ahead *a);

/* Add @e (set up, no POSTFIELDS) to @multi and start the worker. 0 or -1
 * (nothing started, the handle is not in @multi). */
int esimlpa__curl_ahead_start(struct esimlpa__curl_ahead *a, CURLM *multi, CURL *e);

/* Make the worker give the handles back (wake it, join it). Idempotent. */
void esimlpa__curl_ahead_stop(struct esimlpa__curl_ahead *a);

/* After stop(): hand over the body and resume a paused transfer. */
void esimlpa__curl_ahead_give_body(struct esimlpa__curl_ahead *a, const uint8_t *body,
                                   size_t len);

/* Forget the body pointer and the request's description (frees url, hdrs). */
void esimlpa__curl_ahead_clear(struct esimlpa__curl_ahead *a);

#endif
