/* SPDX-License-Identifier: MIT */
/* Test SM-DP+ object: keys, config, logging and the accessors tests use. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smdpp_internal.h"

const char *const smdpp_fn_names[FN_COUNT] = {
    "initiateAuthentication", "authenticateClient", "getBoundProfilePackage",
    "handleNotification", "cancelSession",
};

int smdpp_fn_from_name(const char *name)
{
    for (int i = 0; i < FN_COUNT; i++)
        if (!strcmp(name, smdpp_fn_names[i]))
            return i;
    return -1;
}

void smdpp_log(struct smdpp *s, const char *fmt, ...)
{
    if (!s->verbose)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "[%s] ", s->role == SMDPP_ROLE_SMDS ? "smds" : "smdpp");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int smdpp_fail(struct smdpp *s, struct smdpp_reply *r, const char *subject, const char *reason,
               const char *fmt, ...)
{
    va_list ap;
    r->failed = 1;
    snprintf(r->subject, sizeof r->subject, "%s", subject);
    snprintf(r->reason, sizeof r->reason, "%s", reason);
    va_start(ap, fmt);
    vsnprintf(r->message, sizeof r->message, fmt, ap);
    va_end(ap);
    smdpp_log(s, "Failed %s/%s: %s", subject, reason, r->message);
    return 0;
}

static int load_pair(const char *cp, const char *kp, X509 **cert, EVP_PKEY **key, char *err,
                     size_t errlen, const char *what)
{
    if (!cp || !kp)
        return snprintf(err, errlen, "%s certificate and key are required", what), -1;
    *cert = rspc_cert_load_file(cp);
    *key = rspc_key_load_pem_file(kp);
    if (!*cert || !*key)
        return snprintf(err, errlen, "cannot load %s certificate %s or key %s", what, cp, kp), -1;
    if (X509_check_private_key(*cert, *key) != 1)
        return snprintf(err, errlen, "%s key %s does not match certificate %s", what, kp, cp), -1;
    return 0;
}

struct smdpp *smdpp_new(const struct smdpp_options *o, char *err, size_t errlen)
{
    struct smdpp *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    pthread_mutex_init(&s->lock, NULL);
    s->role = o->role;
    s->verbose = o->verbose;
    s->name = strdup(o->name ? o->name : (o->role == SMDPP_ROLE_SMDS ? "testsmds.example.com"
                                                                    : "testsmdpplus1.example.com"));
    s->host_id = strdup(o->host_id ? o->host_id : "testsmdpp");
    s->session_timeout_s = o->session_timeout_s;
    s->cc_max_attempts = 3;
    s->status_file = o->status_file ? strdup(o->status_file) : NULL;
    if (!s->name || !s->host_id)
        goto fail;
    if (load_pair(o->auth_cert, o->auth_key, &s->auth_cert, &s->auth_key, err, errlen,
                  o->role == SMDPP_ROLE_SMDS ? "DSauth" : "DPauth"))
        goto fail;
    if (rspc_cert_check_role(s->auth_cert, o->role == SMDPP_ROLE_SMDS ? RSPC_ROLE_DS_AUTH
                                                                      : RSPC_ROLE_DP_AUTH)) {
        snprintf(err, errlen, "%s lacks the %s role policy", o->auth_cert,
                 o->role == SMDPP_ROLE_SMDS ? "ds-auth" : "dp-auth");
        goto fail;
    }
    if (o->role == SMDPP_ROLE_SMDP) {
        if (load_pair(o->pb_cert, o->pb_key, &s->pb_cert, &s->pb_key, err, errlen, "DPpb"))
            goto fail;
        if (rspc_cert_check_role(s->pb_cert, RSPC_ROLE_DP_PB)) {
            snprintf(err, errlen, "%s lacks the dp-pb role policy", o->pb_cert);
            goto fail;
        }
    }
    if (rspc_cert_registered_id(s->auth_cert, s->oid, sizeof s->oid, &s->oid_len) != RSPC_OK)
        s->oid_len = 0;
    if (!o->n_ci) {
        snprintf(err, errlen, "at least one --ci-cert is required");
        goto fail;
    }
    for (size_t i = 0; i < o->n_ci && i < SMDPP_MAX_CI; i++) {
        s->ci[i] = rspc_cert_load_file(o->ci_certs[i]);
        if (!s->ci[i]) {
            snprintf(err, errlen, "cannot load CI certificate %s", o->ci_certs[i]);
            goto fail;
        }
        s->n_ci++;
    }
    if (o->orders && smdpp_config_load(s, o->orders, err, errlen))
        goto fail;
    if (!s->session_timeout_s)
        s->session_timeout_s = 300;
    for (size_t i = 0; i < o->n_faults; i++) {
        if (s->n_faults >= SMDPP_MAX_FAULTS) {
            snprintf(err, errlen, "too many faults (max %d)", SMDPP_MAX_FAULTS);
            goto fail;
        }
        if (smdpp_fault_parse(o->faults[i], &s->faults[s->n_faults], err, errlen))
            goto fail;
        s->n_faults++;
    }
    smdpp_status_write(s);
    return s;
fail:
    smdpp_free(s);
    return NULL;
}

void smdpp_free(struct smdpp *s)
{
    if (!s)
        return;
    smdpp_session_free_all(s);
    smdpp_config_free(s);
    X509_free(s->auth_cert);
    X509_free(s->pb_cert);
    EVP_PKEY_free(s->auth_key);
    EVP_PKEY_free(s->pb_key);
    for (size_t i = 0; i < s->n_ci; i++)
        X509_free(s->ci[i]);
    free(s->name);
    free(s->host_id);
    free(s->status_file);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

void smdpp_set_httpd(struct smdpp *s, struct httpd *h)
{
    pthread_mutex_lock(&s->lock);
    s->httpd = h;
    pthread_mutex_unlock(&s->lock);
}

void smdpp_on_handshake(void *user)
{
    struct smdpp *s = user;
    pthread_mutex_lock(&s->lock);
    smdpp_status_write(s);
    pthread_mutex_unlock(&s->lock);
}

int smdpp_order_state(struct smdpp *s, const char *mid, char *out, size_t cap)
{
    pthread_mutex_lock(&s->lock);
    struct smdpp_order *o = smdpp_order_find(s, mid);
    if (o)
        snprintf(out, cap, "%s", smdpp_order_state_name(o->state));
    pthread_mutex_unlock(&s->lock);
    return o ? 0 : -1;
}

char *smdpp_status_json(struct smdpp *s)
{
    pthread_mutex_lock(&s->lock);
    char *t = smdpp_status_json_locked(s);
    pthread_mutex_unlock(&s->lock);
    return t;
}

long smdpp_count(struct smdpp *s, const char *function)
{
    int fn = smdpp_fn_from_name(function);
    if (fn < 0)
        return -1;
    pthread_mutex_lock(&s->lock);
    long n = s->counts[fn];
    pthread_mutex_unlock(&s->lock);
    return n;
}

void smdpp_notif_counts(struct smdpp *s, long *received, long *verified, long *rejected)
{
    pthread_mutex_lock(&s->lock);
    *received = s->notif_received;
    *verified = s->notif_verified;
    *rejected = s->notif_rejected;
    pthread_mutex_unlock(&s->lock);
}

size_t smdpp_session_count(struct smdpp *s)
{
    pthread_mutex_lock(&s->lock);
    size_t n = smdpp_session_count_locked(s);
    pthread_mutex_unlock(&s->lock);
    return n;
}
