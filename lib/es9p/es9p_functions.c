/* SPDX-License-Identifier: MIT */
/* The ES9+ and ES11 functions of the LPA (SGP.22 §5.6, §6.5.2; fields of
 * notes §5.3/§5.4): build the request object, decode the answer. */
#include "es9p_json.h"

#include <stdlib.h>
#include <string.h>

#include <esimlpa/activation.h>

#include "core/ctx_internal.h"
#include "es9p_stream.h"

void esimlpa__es9p_init_auth_clear(struct esimlpa__es9p_init_auth *r)
{
    if (!r)
        return;
    free(r->transaction_id);
    esimlpa__bytes_clear(&r->server_signed1);
    esimlpa__bytes_clear(&r->server_signature1);
    esimlpa__bytes_clear(&r->euicc_ci_pkid_to_be_used);
    esimlpa__bytes_clear(&r->server_certificate);
    memset(r, 0, sizeof *r);
}

void esimlpa__es9p_auth_client_clear(struct esimlpa__es9p_auth_client *r)
{
    if (!r)
        return;
    esimlpa__bytes_clear(&r->profile_metadata);
    esimlpa__bytes_clear(&r->smdp_signed2);
    esimlpa__bytes_clear(&r->smdp_signature2);
    esimlpa__bytes_clear(&r->smdp_certificate);
}

void esimlpa__es11_auth_client_clear(struct esimlpa__es11_auth_client *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->count; i++) {
        free(r->events[i].event_id);
        free(r->events[i].rsp_server_address);
    }
    free(r->events);
    r->events = NULL;
    r->count = 0;
}

/* The transactionId we echo must be the hex form of 1..16 bytes. */
static int tid_arg_ok(struct esimlpa__es9p *c, const char *fn, const char *tid)
{
    uint8_t bin[ESIMLPA__TID_MAX];
    size_t len;
    if (esimlpa__es9p_tid_decode(tid, bin, &len) != 0)
        return esimlpa__fail(c->ctx, ESIMLPA_EINVAL,
                             "%s: transactionId must be 2..32 hex digits", fn);
    return ESIMLPA_OK;
}

/* New request object {"transactionId": tid, name: b64(data)}. */
static int tid_blob_request(struct esimlpa__es9p *c, const char *fn, const char *tid,
                            const char *name, const uint8_t *data, size_t len, cJSON **out)
{
    *out = NULL;
    if (!data || !len)
        return esimlpa__fail(c->ctx, ESIMLPA_EINVAL, "%s: %s is empty", fn, name);
    int rc = tid_arg_ok(c, fn, tid);
    if (rc != ESIMLPA_OK)
        return rc;
    cJSON *req = cJSON_CreateObject();
    if (!req || !cJSON_AddStringToObject(req, "transactionId", tid)) {
        cJSON_Delete(req);
        return esimlpa__fail(c->ctx, ESIMLPA_ENOMEM, "%s: cannot build the request", fn);
    }
    rc = esimlpa__es9p_add_b64(c, fn, req, name, data, len);
    if (rc != ESIMLPA_OK) {
        cJSON_Delete(req);
        return rc;
    }
    *out = req;
    return ESIMLPA_OK;
}

/* The initiateAuthentication request (SGP.22 §6.5.2.6); NULL when out of memory. */
static cJSON *init_auth_request(struct esimlpa__es9p *c, const char *fn, const char *address,
                                const uint8_t euicc_challenge[16], const uint8_t *euicc_info1,
                                size_t euicc_info1_len)
{
    cJSON *req = cJSON_CreateObject();
    if (!req || !cJSON_AddStringToObject(req, "smdpAddress", address)) {
        cJSON_Delete(req);
        return NULL;
    }
    /* euiccChallenge: the raw 16 bytes, not a TLV; euiccInfo1: the BF20 TLV. */
    int rc = esimlpa__es9p_add_b64(c, fn, req, "euiccChallenge", euicc_challenge, 16);
    if (rc == ESIMLPA_OK)
        rc = esimlpa__es9p_add_b64(c, fn, req, "euiccInfo1", euicc_info1, euicc_info1_len);
    if (rc != ESIMLPA_OK) {
        cJSON_Delete(req);
        return NULL;
    }
    return req;
}

void esimlpa__es9p_initiate_authentication_prepare(struct esimlpa__es9p *c,
                                                   const char *smdp_address,
                                                   const uint8_t *euicc_info1,
                                                   size_t euicc_info1_len)
{
    if (!c || !smdp_address || !euicc_info1 || !euicc_info1_len)
        return;
    /* A placeholder challenge: any 16 bytes are 24 base64 characters, none
     * of which JSON escapes, so the body has the real request's length. */
    static const uint8_t placeholder[16];
    cJSON *req = init_auth_request(c, "initiateAuthentication", smdp_address, placeholder,
                                   euicc_info1, euicc_info1_len);
    if (req)
        esimlpa__es9p_prepare(c, "initiateAuthentication", smdp_address, req);
    cJSON_Delete(req);
}

static int initiate_authentication(struct esimlpa__es9p *c, const char *fn,
                                   const char *address, const uint8_t euicc_challenge[16],
                                   const uint8_t *euicc_info1, size_t euicc_info1_len,
                                   struct esimlpa__es9p_init_auth *out)
{
    if (!c)
        return ESIMLPA_EINVAL;
    if (!out || !euicc_challenge || !euicc_info1 || !euicc_info1_len || !address)
        return esimlpa__fail(c->ctx, ESIMLPA_EINVAL, "%s: bad arguments", fn);
    memset(out, 0, sizeof *out);

    cJSON *req = init_auth_request(c, fn, address, euicc_challenge, euicc_info1,
                                   euicc_info1_len);
    if (!req)
        return esimlpa__fail(c->ctx, ESIMLPA_ENOMEM, "%s: cannot build the request", fn);
    cJSON *resp = NULL;
    int rc = esimlpa__es9p_post(c, fn, "initiateAuthentication", address, req, 1, &resp);
    cJSON_Delete(req);
    if (rc != ESIMLPA_OK)
        return rc;

    const char *tid = NULL;
    rc = esimlpa__es9p_get_string(c, fn, resp, "transactionId", &tid);
    if (rc == ESIMLPA_OK &&
        esimlpa__es9p_tid_decode(tid, out->transaction_id_bin, &out->transaction_id_bin_len) != 0)
        rc = esimlpa__fail(c->ctx, ESIMLPA_EES9_BADRESPONSE,
                           "%s: transactionId is not 2..32 hex digits", fn);
    if (rc == ESIMLPA_OK && !(out->transaction_id = strdup(tid)))
        rc = esimlpa__fail(c->ctx, ESIMLPA_ENOMEM, "%s: out of memory", fn);
    if (rc == ESIMLPA_OK)
        rc = esimlpa__es9p_get_b64(c, fn, resp, "serverSigned1", &out->server_signed1);
    if (rc == ESIMLPA_OK)
        rc = esimlpa__es9p_get_b64(c, fn, resp, "serverSignature1", &out->server_signature1);
    if (rc == ESIMLPA_OK)
        rc = esimlpa__es9p_get_b64(c, fn, resp, "euiccCiPKIdToBeUsed",
                                   &out->euicc_ci_pkid_to_be_used);
    if (rc == ESIMLPA_OK)
        rc = esimlpa__es9p_get_b64(c, fn, resp, "serverCertificate", &out->server_certificate);
    cJSON_Delete(resp);
    if (rc != ESIMLPA_OK) {
        esimlpa__es9p_init_auth_clear(out);
        return rc;
    }
    esimlpa__log(c->ctx, ESIMLPA_LOG_DEBUG, "%s: transactionId %s", fn, out->transaction_id);
    return ESIMLPA_OK;
}

int esimlpa__es9p_initiate_authentication(struct esimlpa__es9p *c, const char *smdp_address,
                                          const uint8_t euicc_challenge[16],
                                          const uint8_t *euicc_info1, size_t euicc_info1_len,
                                          struct esimlpa__es9p_init_auth *out)
{
    return initiate_authentication(c, "initiateAuthentication", smdp_address, euicc_challenge,
                                   euicc_info1, euicc_info1_len, out);
}

int esimlpa__es11_initiate_authentication(struct esimlpa__es9p *c, const char *smds_address,
                                          const uint8_t euicc_challenge[16],
                                          const uint8_t *euicc_info1, size_t euicc_info1_len,
                                          struct esimlpa__es9p_init_auth *out)
{
    return initiate_authentication(c, "ES11 initiateAuthentication", smds_address,
                                   euicc_challenge, euicc_info1, euicc_info1_len, out);
}

/* POST {transactionId, name: blob} and check the echoed transactionId. */
/* @take_name / @take: see esimlpa__es9p_post_take (NULL: plain post). */
static int tid_blob_call_take(struct esimlpa__es9p *c, const char *fn, const char *path_fn,
                              const char *address, const char *tid, const char *name,
                              const uint8_t *data, size_t len, int tid_required, cJSON **resp,
                              const char *take_name, struct esimlpa__bytes *take)
{
    cJSON *req = NULL;
    int rc = tid_blob_request(c, fn, tid, name, data, len, &req);
    if (rc != ESIMLPA_OK)
        return rc;
    rc = esimlpa__es9p_post_take(c, fn, path_fn, address, req, take_name, resp, take);
    cJSON_Delete(req);
    if (rc != ESIMLPA_OK)
        return rc;
    rc = esimlpa__es9p_check_tid(c, fn, *resp, tid, tid_required);
    if (rc != ESIMLPA_OK) {
        cJSON_Delete(*resp);
        *resp = NULL;
        if (take)
            esimlpa__bytes_clear(take);
    }
    return rc;
}

static int tid_blob_call(struct esimlpa__es9p *c, const char *fn, const char *path_fn,
                         const char *address, const char *tid, const char *name,
                         const uint8_t *data, size_t len, int tid_required, cJSON **resp)
{
    return tid_blob_call_take(c, fn, path_fn, address, tid, name, data, len, tid_required, resp,
                              NULL, NULL);
}

int esimlpa__es9p_authenticate_client(struct esimlpa__es9p *c, const char *smdp_address,
                                      const char *transaction_id,
                                      const uint8_t *auth_server_resp, size_t auth_server_resp_len,
                                      struct esimlpa__es9p_auth_client *out)
{
    const char *fn = "authenticateClient";
    if (!c)
        return ESIMLPA_EINVAL;
    if (!out)
        return esimlpa__fail(c->ctx, ESIMLPA_EINVAL, "%s: bad arguments", fn);
    memset(out, 0, sizeof *out);
    cJSON *resp = NULL;
    int rc = tid_blob_call(c, fn, "authenticateClient", smdp_address, transaction_id,
                           "authenticateServerResponse", auth_server_resp,
                           auth_server_resp_len, 1, &resp);
    if (rc != ESIMLPA_OK)
        return rc;
    rc = esimlpa__es9p_get_b64(c, fn, resp, "profileMetadata", &out->profile_metadata);
    if (rc == ESIMLPA_OK)
        rc = esimlpa__es9p_get_b64(c, fn, resp, "smdpSigned2", &out->smdp_signed2);
    if (rc == ESIMLPA_OK)
        rc = esimlpa__es9p_get_b64(c, fn, resp, "smdpSignature2", &out->smdp_signature2);
    if (rc == ESIMLPA_OK)
        rc = esimlpa__es9p_get_b64(c, fn, resp, "smdpCertificate", &out->smdp_certificate);
    cJSON_Delete(resp);
    if (rc != ESIMLPA_OK)
        esimlpa__es9p_auth_client_clear(out);
    return rc;
}

/* Copy a required string member of an event record, trimmed. */
static int event_string(struct esimlpa__es9p *c, const char *fn, const cJSON *ev, size_t idx,
                        const char *name, char **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(ev, name);
    if (!cJSON_IsString(v) || !v->valuestring)
        return esimlpa__fail(c->ctx, ESIMLPA_EES9_BADRESPONSE, "%s: eventEntries[%zu].%s %s",
                             fn, idx, name, v ? "is not a JSON string" : "is missing");
    const char *s = v->valuestring;
    size_t len = strlen(s);
    while (len && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) {
        s++;
        len--;
    }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' ||
                   s[len - 1] == '\n'))
        len--;
    size_t max = strcmp(name, "eventId") == 0 ? ESIMLPA__ES11_MAX_EVENT_ID
                                              : ESIMLPA_AC_MAX_ADDRESS;
    if (len > max)
        return esimlpa__fail(c->ctx, ESIMLPA_EES9_BADRESPONSE,
                             "%s: eventEntries[%zu].%s is longer than %zu characters", fn, idx,
                             name, max);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
            return esimlpa__fail(c->ctx, ESIMLPA_EES9_BADRESPONSE,
                                 "%s: eventEntries[%zu].%s contains a control character", fn,
                                 idx, name);
    *out = strndup(s, len);
    if (!*out)
        return esimlpa__fail(c->ctx, ESIMLPA_ENOMEM, "%s: out of memory", fn);
    return ESIMLPA_OK;
}

int esimlpa__es11_authenticate_client(struct esimlpa__es9p *c, const char *smds_address,
                                      const char *transaction_id,
                                      const uint8_t *auth_server_resp, size_t auth_server_resp_len,
                                      struct esimlpa__es11_auth_client *out)
{
    const char *fn = "ES11 authenticateClient";
    if (!c)
        return ESIMLPA_EINVAL;
    if (!out)
        return esimlpa__fail(c->ctx, ESIMLPA_EINVAL, "%s: bad arguments", fn);
    memset(out, 0, sizeof *out);
    cJSON *resp = NULL;
    int rc = tid_blob_call(c, fn, "authenticateClient", smds_address, transaction_id,
                           "authenticateServerResponse", auth_server_resp,
                           auth_server_resp_len, 1, &resp);
    if (rc != ESIMLPA_OK)
        return rc;
    /* An SM-DS without events may send an empty list or, leniently, none. */
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(resp, "eventEntries");
    if (list && !cJSON_IsArray(list)) {
        cJSON_Delete(resp);
        return esimlpa__fail(c->ctx, ESIMLPA_EES9_BADRESPONSE,
                             "%s: eventEntries is not a JSON array", fn);
    }
    size_t n = list ? (size_t)cJSON_GetArraySize(list) : 0;
    if (n > ESIMLPA__ES11_MAX_EVENTS) {
        cJSON_Delete(resp);
        return esimlpa__fail(c->ctx, ESIMLPA_EES9_BADRESPONSE,
                             "%s: eventEntries has %zu entries, more than the limit of %d", fn, n,
                             ESIMLPA__ES11_MAX_EVENTS);
    }
    if (n) {
        out->events = calloc(n, sizeof *out->events);
        if (!out->events) {
            cJSON_Delete(resp);
            return esimlpa__fail(c->ctx, ESIMLPA_ENOMEM, "%s: out of memory", fn);
        }
    }
    size_t i = 0;
    const cJSON *ev;
    cJSON_ArrayForEach(ev, list) {
        if (i == n)
            break;
        struct esimlpa__es11_event *e = &out->events[i];
        out->count = ++i;
        if (!cJSON_IsObject(ev)) {
            rc = esimlpa__fail(c->ctx, ESIMLPA_EES9_BADRESPONSE,
                               "%s: eventEntries[%zu] is not a JSON object", fn, i - 1);
            break;
        }
        rc = event_string(c, fn, ev, i - 1, "eventId", &e->event_id);
        if (rc == ESIMLPA_OK)
            rc = event_string(c, fn, ev, i - 1, "rspServerAddress", &e->rsp_server_address);
        char why[96];
        if (rc == ESIMLPA_OK &&
            esimlpa__es9p_address_check(e->rsp_server_address, strlen(e->rsp_server_address),
                                        why, sizeof why) != 0)
            rc = esimlpa__fail(c->ctx, ESIMLPA_EES9_BADRESPONSE,
                               "%s: eventEntries[%zu].rspServerAddress %s", fn, i - 1, why);
        if (rc != ESIMLPA_OK)
            break;
    }
    cJSON_Delete(resp);
    if (rc != ESIMLPA_OK)
        esimlpa__es11_auth_client_clear(out);
    return rc;
}

int esimlpa__es9p_get_bound_profile_package(struct esimlpa__es9p *c, const char *smdp_address,
                                            const char *transaction_id,
                                            const uint8_t *prep_dl_resp, size_t prep_dl_resp_len,
                                            struct esimlpa__bytes *bpp)
{
    const char *fn = "getBoundProfilePackage";
    if (!c)
        return ESIMLPA_EINVAL;
    if (!bpp)
        return esimlpa__fail(c->ctx, ESIMLPA_EINVAL, "%s: bad arguments", fn);
    memset(bpp, 0, sizeof *bpp);
    cJSON *resp = NULL;
    /* The package is lifted from the raw body and decoded in place: the
     * peak is about 1.33 x BPP instead of body + cJSON's copy (issue 5). */
    int rc = tid_blob_call_take(c, fn, "getBoundProfilePackage", smdp_address, transaction_id,
                                "prepareDownloadResponse", prep_dl_resp, prep_dl_resp_len, 1,
                                &resp, "boundProfilePackage", bpp);
    if (rc != ESIMLPA_OK)
        return rc;
    if (!bpp->data)   /* not lifted: the ordinary decoder and its errors */
        rc = esimlpa__es9p_take_b64(c, fn, resp, "boundProfilePackage", bpp);
    cJSON_Delete(resp);
    if (rc == ESIMLPA_OK)
        esimlpa__log(c->ctx, ESIMLPA_LOG_DEBUG, "%s: %zu bytes", fn, bpp->len);
    return rc;
}

int esimlpa__es9p_handle_notification(struct esimlpa__es9p *c, const char *address,
                                      const uint8_t *pending_notification, size_t pn_len)
{
    const char *fn = "handleNotification";
    if (!c)
        return ESIMLPA_EINVAL;
    if (!address || !pending_notification || !pn_len)
        return esimlpa__fail(c->ctx, ESIMLPA_EINVAL, "%s: bad arguments", fn);
    /* notificationAddress may carry stray spaces (notes pitfall 15). */
    char host[ESIMLPA_AC_MAX_ADDRESS + 1];
    size_t n = 0;
    for (const char *p = address; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            continue;
        if (n + 1 >= sizeof host)
            return esimlpa__fail(c->ctx, ESIMLPA_EINVAL, "%s: notification address too long",
                                 fn);
        host[n++] = *p;
    }
    host[n] = '\0';

    cJSON *req = cJSON_CreateObject();
    if (!req)
        return esimlpa__fail(c->ctx, ESIMLPA_ENOMEM, "%s: cannot build the request", fn);
    int rc = esimlpa__es9p_add_b64(c, fn, req, "pendingNotification", pending_notification,
                                   pn_len);
    if (rc == ESIMLPA_OK)
        rc = esimlpa__es9p_post(c, fn, "handleNotification", host, req, 0, NULL);
    cJSON_Delete(req);
    return rc;
}

int esimlpa__es9p_cancel_session(struct esimlpa__es9p *c, const char *smdp_address,
                                 const char *transaction_id,
                                 const uint8_t *cancel_session_resp, size_t csr_len)
{
    if (!c)
        return ESIMLPA_EINVAL;
    cJSON *resp = NULL;
    /* The answer is a header; osmo-smdpp adds transactionId: checked when present. */
    int rc = tid_blob_call(c, "cancelSession", "cancelSession", smdp_address, transaction_id,
                           "cancelSessionResponse", cancel_session_resp, csr_len, 0, &resp);
    cJSON_Delete(resp);
    return rc;
}

int esimlpa__es9p_get_bpp_stream(struct esimlpa__es9p *c, const char *smdp_address,
                                 const char *transaction_id, const uint8_t *prep_dl_resp,
                                 size_t prep_dl_resp_len,
                                 int (*sink)(void *user, const uint8_t *p, size_t len),
                                 void *sink_user, size_t *bpp_len)
{
    const char *fn = "getBoundProfilePackage";
    if (!c)
        return ESIMLPA_EINVAL;
    if (!sink || !bpp_len)
        return esimlpa__fail(c->ctx, ESIMLPA_EINVAL, "%s: bad arguments", fn);
    *bpp_len = 0;
    cJSON *req = NULL;
    int rc = tid_blob_request(c, fn, transaction_id, "prepareDownloadResponse", prep_dl_resp,
                              prep_dl_resp_len, &req);
    if (rc != ESIMLPA_OK)
        return rc;
    size_t cap = c->max_response ? c->max_response : ESIMLPA__ES9P_DEFAULT_MAX_RESPONSE;
    struct esimlpa__es9p_stream st;
    esimlpa__es9p_stream_init(&st, c, fn, "boundProfilePackage", cap, sink, sink_user);
    cJSON *resp = NULL;
    rc = esimlpa__es9p_post_stream(c, fn, "getBoundProfilePackage", smdp_address, req, &st,
                                   &resp);
    cJSON_Delete(req);
    if (rc == ESIMLPA_OK)
        rc = esimlpa__es9p_check_tid(c, fn, resp, transaction_id, 1);
    *bpp_len = st.scan.decoded;
    if (rc == ESIMLPA_OK && !st.scan.found) {
        /* Not seen by the scanner (an escaped key, a value of another
         * type): the ordinary decoder and its errors, then one piece. */
        struct esimlpa__bytes b = { NULL, 0 };
        rc = esimlpa__es9p_take_b64(c, fn, resp, "boundProfilePackage", &b);
        if (rc == ESIMLPA_OK) {
            *bpp_len = b.len;
            rc = sink(sink_user, b.data, b.len);
        }
        esimlpa__bytes_clear(&b);
    } else if (rc == ESIMLPA_OK && st.scan.decoded == 0) {
        rc = esimlpa__fail(c->ctx, ESIMLPA_EES9_BADRESPONSE, "%s: boundProfilePackage is empty",
                           fn);
    }
    cJSON_Delete(resp);
    esimlpa__es9p_stream_free(&st);
    if (rc == ESIMLPA_OK)
        esimlpa__log(c->ctx, ESIMLPA_LOG_DEBUG, "%s: %zu bytes streamed", fn, *bpp_len);
    return rc;
}
