/* SPDX-License-Identifier: MIT */
/*
 * A thread that runs SCardTransmit so that the caller can stop waiting for a
 * card that never answers (issue "no hang on a silent card"). The blocked
 * call itself cannot be interrupted through pcsc-lite; the worker is then
 * left behind and frees itself when (if ever) pcscd answers.
 */
#include "pcsc_worker.h"

#include <openssl/crypto.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <esimlpa/error.h>
#include <esimlpa/transport.h>

#define CMD_MAX 261   /* short APDU: 5 + 255 + Le */

struct pcsc_worker {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;          /* job posted, job done, quit */
    int posted, done, quit, abandoned;

    SCARDHANDLE card;
    const SCARD_IO_REQUEST *pci;
    uint8_t cmd[CMD_MAX];
    DWORD cmd_len;
    uint8_t resp[ESIMLPA_APDU_MAX_RESPONSE];
    DWORD resp_len;
    LONG rv;
};

static void worker_free(struct pcsc_worker *w)
{
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    free(w);
}

static void *worker_main(void *arg)
{
    struct pcsc_worker *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->posted && !w->quit)
            pthread_cond_wait(&w->cv, &w->mu);
        if (w->quit)
            break;
        pthread_mutex_unlock(&w->mu);
        DWORD rlen = sizeof w->resp;
        LONG rv = SCardTransmit(w->card, w->pci, w->cmd, w->cmd_len, NULL, w->resp, &rlen);
        pthread_mutex_lock(&w->mu);
        w->rv = rv;
        w->resp_len = rlen;
        w->posted = 0;
        w->done = 1;
        pthread_cond_broadcast(&w->cv);
        if (w->abandoned)
            break;
    }
    int abandoned = w->abandoned;
    pthread_mutex_unlock(&w->mu);
    if (abandoned)
        worker_free(w);   /* nobody waits for us any more */
    return NULL;
}

int esimlpa__pcsc_worker_start(struct pcsc_worker **out)
{
    struct pcsc_worker *w = calloc(1, sizeof *w);
    if (!w)
        return ESIMLPA_ENOMEM;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    if (pthread_mutex_init(&w->mu, NULL) != 0 || pthread_cond_init(&w->cv, &ca) != 0) {
        pthread_condattr_destroy(&ca);
        free(w);
        return ESIMLPA_ENOMEM;
    }
    pthread_condattr_destroy(&ca);
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
        worker_free(w);
        return ESIMLPA_ENOMEM;
    }
    *out = w;
    return ESIMLPA_OK;
}

int esimlpa__pcsc_worker_transmit(struct pcsc_worker *w, SCARDHANDLE card,
                                  const SCARD_IO_REQUEST *pci, const uint8_t *cmd,
                                  size_t cmd_len, uint8_t *resp, size_t *resp_len,
                                  long timeout_ms, LONG *rv)
{
    if (cmd_len > sizeof w->cmd)
        return ESIMLPA_EINVAL;
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&w->mu);
    w->card = card;
    w->pci = pci;
    memcpy(w->cmd, cmd, cmd_len);
    w->cmd_len = (DWORD)cmd_len;
    w->done = 0;
    w->posted = 1;
    pthread_cond_broadcast(&w->cv);
    int err = 0;
    while (!w->done && err != ETIMEDOUT)
        err = pthread_cond_timedwait(&w->cv, &w->mu, &deadline);
    if (!w->done) {
        /* Give up: the worker owns itself from now on. */
        w->abandoned = 1;
        pthread_mutex_unlock(&w->mu);
        pthread_detach(w->thread);
        return ESIMLPA_ETIMEOUT;
    }
    size_t n = w->resp_len;
    if (n > *resp_len)
        n = *resp_len;
    memcpy(resp, w->resp, n);
    *resp_len = n;
    *rv = w->rv;
    /* A PrepareDownload block carries hashCc: keep no copy of any APDU. */
    OPENSSL_cleanse(w->cmd, sizeof w->cmd);
    OPENSSL_cleanse(w->resp, sizeof w->resp);
    pthread_mutex_unlock(&w->mu);
    return ESIMLPA_OK;
}

void esimlpa__pcsc_worker_stop(struct pcsc_worker *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->quit = 1;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    worker_free(w);
}
