/* SPDX-License-Identifier: MIT */
/* Connect-ahead worker of the libcurl backend (curl_ahead.h). libcurl does
 * not reuse a CURLOPT_CONNECT_ONLY connection for a later request, and a
 * transfer given up by a callback closes its connection: so the prepared
 * request is the real one, with a Content-Length (SGP.22 §6.1.1: no chunked
 * encoding). Its body is a CURLOPT_POSTFIELDS buffer filled later: curl's
 * pre-request callback (7.80), called after connect and TLS, holds the
 * request until then. A read callback would do too, but makes curl allocate
 * its upload buffer (16 KB) for the rest of the transfer: on the heap peak. */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "http/curl_ahead.h"

/* A round of the worker lasts at most this long, and each wakes the owner
 * waiting in finish() to ask its abort hook (set_abort contract: at least
 * every 100 ms). curl_multi_wakeup ends a wait at once. No timed condition
 * wait: helgrind reports glibc's own broadcast inside a timed-out one. */
#define WORKER_POLL_MS 50

/* Runs before each request is sent (a retry too). Only a worker waits. */
static int on_prereq(void *user, char *primary_ip, char *local_ip, int primary_port,
                     int local_port)
{
    (void)primary_ip, (void)local_ip, (void)primary_port, (void)local_port;
    struct esimlpa__curl_ahead *a = user;
    if (!a->running)
        return CURL_PREREQFUNC_OK;   /* a plain post() in the owner's thread */
    pthread_mutex_lock(&a->mu);
    while (!a->have_body && !a->stop)
        pthread_cond_wait(&a->cv, &a->mu);
    int go = !a->stop;
    pthread_mutex_unlock(&a->mu);
    return go ? CURL_PREREQFUNC_OK : CURL_PREREQFUNC_ABORT;
}

CURLcode esimlpa__curl_ahead_setopts(CURL *e, struct esimlpa__curl_ahead *a)
{
    CURLcode rc = curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, on_prereq);
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(e, CURLOPT_PREREQDATA, a);
    return rc;
}

static int stopping(struct esimlpa__curl_ahead *a)
{
    pthread_mutex_lock(&a->mu);
    int s = a->stop;
    pthread_mutex_unlock(&a->mu);
    return s;
}

/* Drive the transfer to its end, or until the owner gives up. */
static void *worker(void *arg)
{
    struct esimlpa__curl_ahead *a = arg;
    while (!stopping(a)) {
        int running = 0, queued = 0;
        CURLMcode mc = curl_multi_perform(a->multi, &running);
        if (mc != CURLM_OK) {
            a->done = 1;
            a->result = mc == CURLM_OUT_OF_MEMORY ? CURLE_OUT_OF_MEMORY : CURLE_FAILED_INIT;
            break;
        }
        for (CURLMsg *m; (m = curl_multi_info_read(a->multi, &queued));)
            if (m->msg == CURLMSG_DONE && m->easy_handle == a->easy) {
                a->done = 1;
                a->result = m->data.result;
            }
        if (a->done || !running)
            break;
        pthread_mutex_lock(&a->mu);
        pthread_cond_broadcast(&a->cv);   /* a tick for finish() */
        pthread_mutex_unlock(&a->mu);
        if (curl_multi_poll(a->multi, NULL, 0, WORKER_POLL_MS, NULL) != CURLM_OK)
            break;
    }
    pthread_mutex_lock(&a->mu);
    a->finished = 1;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

static void drop_buf(struct esimlpa__curl_ahead *a)
{
    if (!a->buf)
        return;
    /* the handle must not keep pointing at it */
    curl_easy_setopt(a->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)0);
    curl_easy_setopt(a->easy, CURLOPT_POSTFIELDS, "");
    OPENSSL_cleanse(a->buf, a->body_len);
    free(a->buf);
    a->buf = NULL;
}

static int sync_init(struct esimlpa__curl_ahead *a)
{
    if (pthread_cond_init(&a->cv, NULL) != 0)
        return -1;
    if (pthread_mutex_init(&a->mu, NULL) != 0) {
        pthread_cond_destroy(&a->cv);
        return -1;
    }
    return 0;
}

static void join(struct esimlpa__curl_ahead *a)
{
    pthread_join(a->worker, NULL);
    a->running = 0;
    pthread_mutex_destroy(&a->mu);
    pthread_cond_destroy(&a->cv);
}

int esimlpa__curl_ahead_start(struct esimlpa__curl_ahead *a, CURLM *multi, CURL *e)
{
    a->multi = multi;
    a->easy = e;
    a->stop = a->have_body = a->finished = a->done = 0;
    a->result = CURLE_OK;
    a->buf = malloc(a->body_len ? a->body_len : 1);
    if (!a->buf)
        return -1;
    if (curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)a->body_len) != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, (const char *)a->buf) != CURLE_OK ||
        sync_init(a) != 0) {
        drop_buf(a);
        return -1;
    }
    if (curl_multi_add_handle(multi, e) != CURLM_OK) {
        pthread_mutex_destroy(&a->mu);
        pthread_cond_destroy(&a->cv);
        drop_buf(a);
        return -1;
    }
    a->running = 1;   /* before the worker reads it (on_prereq) */
    if (pthread_create(&a->worker, NULL, worker, a) != 0) {
        a->running = 0;
        curl_multi_remove_handle(multi, e);
        pthread_mutex_destroy(&a->mu);
        pthread_cond_destroy(&a->cv);
        drop_buf(a);
        return -1;
    }
    a->active = 1;
    return 0;
}

void esimlpa__curl_ahead_stop(struct esimlpa__curl_ahead *a)
{
    if (!a->running)
        return;
    pthread_mutex_lock(&a->mu);
    a->stop = 1;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
    curl_multi_wakeup(a->multi);
    join(a);
}

int esimlpa__curl_ahead_finish(struct esimlpa__curl_ahead *a, const uint8_t *body,
                               int (*should_abort)(void *), void *user)
{
    if (!a->running)
        return 0;
    /* Cancelled already: the pre-request wait gives up, nothing is sent. */
    if (should_abort && should_abort(user)) {
        esimlpa__curl_ahead_stop(a);
        return 1;
    }
    int aborted = 0;
    pthread_mutex_lock(&a->mu);
    if (a->body_len)
        memcpy(a->buf, body, a->body_len);
    a->have_body = 1;
    pthread_cond_broadcast(&a->cv);
    while (!a->finished) {
        pthread_mutex_unlock(&a->mu);
        aborted = should_abort && should_abort(user);
        pthread_mutex_lock(&a->mu);
        if (aborted || a->finished)
            break;
        pthread_cond_wait(&a->cv, &a->mu);   /* the worker's next tick or end */
    }
    pthread_mutex_unlock(&a->mu);
    if (aborted)
        esimlpa__curl_ahead_stop(a);
    else
        join(a);
    return aborted;
}

void esimlpa__curl_ahead_clear(struct esimlpa__curl_ahead *a)
{
    free(a->url);
    a->url = NULL;
    curl_slist_free_all(a->hdrs);
    a->hdrs = NULL;
    drop_buf(a);
    a->active = 0;
}
