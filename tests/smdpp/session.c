/* SPDX-License-Identifier: MIT */
/* RSP sessions keyed by the transactionId hex string (notes §5.3: echoed unchanged). */
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "smdpp_internal.h"

static void session_free(struct smdpp_session *x)
{
    X509_free(x->euicc_cert);
    X509_free(x->eum_cert);
    free(x);
}

struct smdpp_session *smdpp_session_new(struct smdpp *s)
{
    struct smdpp_session *x = calloc(1, sizeof *x);
    if (!x)
        return NULL;
    /* 16 random bytes, sent as 32 uppercase hex chars (osmo-smdpp, notes §1.3 step 4) */
    if (RAND_bytes(x->txid, sizeof x->txid) != 1 ||
        RAND_bytes(x->server_challenge, sizeof x->server_challenge) != 1) {
        free(x);
        return NULL;
    }
    smdpp_hex(x->txid, sizeof x->txid, x->txid_hex);
    x->last_use = time(NULL);
    x->next = s->sessions;
    s->sessions = x;
    return x;
}

void smdpp_session_expire(struct smdpp *s)
{
    time_t now = time(NULL);
    struct smdpp_session **pp = &s->sessions;
    while (*pp) {
        struct smdpp_session *x = *pp;
        if (now - x->last_use > (time_t)s->session_timeout_s) {
            smdpp_log(s, "session %s expired", x->txid_hex);
            if (x->order && x->order->state == ORDER_IN_PROGRESS)
                x->order->state = ORDER_AVAILABLE;
            *pp = x->next;
            session_free(x);
        } else {
            pp = &x->next;
        }
    }
}

struct smdpp_session *smdpp_session_find(struct smdpp *s, const char *txid_hex)
{
    if (!txid_hex)
        return NULL;
    smdpp_session_expire(s);
    for (struct smdpp_session *x = s->sessions; x; x = x->next)
        if (!strcmp(x->txid_hex, txid_hex)) {
            x->last_use = time(NULL);
            return x;
        }
    return NULL;
}

void smdpp_session_drop(struct smdpp *s, struct smdpp_session *sess)
{
    for (struct smdpp_session **pp = &s->sessions; *pp; pp = &(*pp)->next)
        if (*pp == sess) {
            *pp = sess->next;
            session_free(sess);
            return;
        }
}

void smdpp_session_free_all(struct smdpp *s)
{
    while (s->sessions) {
        struct smdpp_session *x = s->sessions;
        s->sessions = x->next;
        session_free(x);
    }
}

size_t smdpp_session_count_locked(struct smdpp *s)
{
    size_t n = 0;
    for (struct smdpp_session *x = s->sessions; x; x = x->next)
        n++;
    return n;
}
