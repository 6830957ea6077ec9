/* SPDX-License-Identifier: MIT */
/* Connect-ahead worker of the libcurl backend (curl_ahead.h). libcurl does
 * not reuse a CURLOPT_CONNECT_ONLY connection for a later request, and a
 * transfer given up by a callback closes its connection: so the prepared
 * request is the real one, with a Content-Length (SGP.22 §6.1.1: no chunked
 * encoding) and a body that comes later, through a read callback that
 * pauses until then. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/curl_ahead.h"

#define WORKER_POLL_MS 1000   /* curl_multi_wakeup ends a wait at once */

static size_t on_read(char *buf, size_t size, size_t nitems, void *user)
{
    struct esimlpa__curl_ahead *a = user;
    if (!a->have_body) {
        /* Headers are out; the body is not known yet: hold the transfer. */
        a->paused = 1;
        return CURL_READFUNC_PAUSE;
    }
    size_t n = size * nitems, left = a->len - a->off;
    if (n > left)
        n = left;
    if (n)
        memcpy(buf, a->body + a->off, n);
    a->off += n;
    return n;
}

/* A retried request (a reused connection found dead) rewinds the body. */
static int on_seek(void *user, curl_off_t offset, int origin)
{
    struct esimlpa__curl_ahead *a = user;
    if (origin != SEEK_SET || offset < 0)
        return CURL_SEEKFUNC_CANTSEEK;
    if (!a->have_body)
        return offset == 0 ? CURL_SEEKFUNC_OK : CURL_SEEKFUNC_FAIL;
    if ((size_t)offset > a->len)
        return CURL_SEEKFUNC_FAIL;
    a->off = (size_t)offset;
    return CURL_SEEKFUNC_OK;
}

CURLcode esimlpa__curl_ahead_setopts(CURL *e, struct esimlpa__curl_ahead *a)
{
    CURLcode rc = curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read);
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(e, CURLOPT_READDATA, a);
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, on_seek);
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(e, CURLOPT_SEEKDATA, a);
    return rc;
}

/* Drive the transfer until it wants the body, ends, or the owner calls. */
static void *worker(void *arg)
{
    struct esimlpa__curl_ahead *a = arg;
    while (!atomic_load(&a->stop_flag)) {
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
        if (a->done || a->paused || !running)
            break;
        if (curl_multi_poll(a->multi, NULL, 0, WORKER_POLL_MS, NULL) != CURLM_OK)
            break;
    }
    return NULL;
}

int esimlpa__curl_ahead_start(struct esimlpa__curl_ahead *a, CURLM *multi, CURL *e)
{
    a->multi = multi;
    a->easy = e;
    a->paused = a->done = 0;
    a->result = CURLE_OK;
    a->body = NULL;
    a->len = a->off = 0;
    a->have_body = 0;
    atomic_store(&a->stop_flag, 0);
    if (curl_multi_add_handle(multi, e) != CURLM_OK)
        return -1;
    if (pthread_create(&a->worker, NULL, worker, a) != 0) {
        curl_multi_remove_handle(multi, e);
        return -1;
    }
    a->running = 1;
    a->active = 1;
    return 0;
}

void esimlpa__curl_ahead_stop(struct esimlpa__curl_ahead *a)
{
    if (!a->running)
        return;
    atomic_store(&a->stop_flag, 1);
    curl_multi_wakeup(a->multi);
    pthread_join(a->worker, NULL);
    a->running = 0;
}

void esimlpa__curl_ahead_give_body(struct esimlpa__curl_ahead *a, const uint8_t *body,
                                   size_t len)
{
    a->body = body;
    a->len = len;
    a->off = 0;
    a->have_body = 1;
    if (a->paused) {
        a->paused = 0;
        curl_easy_pause(a->easy, CURLPAUSE_CONT);
    }
}

void esimlpa__curl_ahead_clear(struct esimlpa__curl_ahead *a)
{
    free(a->url);
    a->url = NULL;
    curl_slist_free_all(a->hdrs);
    a->hdrs = NULL;
    a->body = NULL;
    a->len = a->off = 0;
    a->have_body = 0;
    a->active = 0;
}
