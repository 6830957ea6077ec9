/* SPDX-License-Identifier: MIT */
/* HTTP side of ES9+/ES11 (notes §5): paths, headers, JSON, functionExecutionStatus, faults. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smdpp_internal.h"

#define ES9P_PREFIX "/gsma/rsp2/es9plus/"
#define ES11_PREFIX "/gsma/rsp2/es11/"

typedef int (*fn_handler)(struct smdpp *, const cJSON *, struct smdpp_reply *);
static const fn_handler handlers[FN_COUNT] = {
    smdpp_initiate_authentication, smdpp_authenticate_client, smdpp_get_bpp,
    smdpp_handle_notification, smdpp_cancel_session,
};

static int text_reply(struct httpd_response *resp, int status, const char *text)
{
    resp->status = status;
    httpd_response_add_header(resp, "Content-Type", "text/plain");
    return httpd_response_set_body_str(resp, text);
}

/* Which function a path names for this role; -1 unknown path. */
static int route(const struct smdpp *s, const char *path)
{
    int fn = -1;
    if (!strncmp(path, ES9P_PREFIX, strlen(ES9P_PREFIX)))
        fn = smdpp_fn_from_name(path + strlen(ES9P_PREFIX));
    else if (!strncmp(path, ES11_PREFIX, strlen(ES11_PREFIX)) && s->role == SMDPP_ROLE_SMDS)
        fn = smdpp_fn_from_name(path + strlen(ES11_PREFIX));
    /* ES11 has only the two authentication functions (notes §1.5) */
    if (fn > FN_AUTH_CLIENT && s->role == SMDPP_ROLE_SMDS)
        fn = -1;
    return fn;
}

static void add_header(cJSON *body, const struct smdpp_reply *r)
{
    cJSON *h = cJSON_CreateObject();
    cJSON *fes = cJSON_AddObjectToObject(h, "functionExecutionStatus");
    cJSON_AddStringToObject(fes, "status", r->failed ? "Failed" : "Executed-Success");
    if (r->failed) {
        cJSON *scd = cJSON_AddObjectToObject(fes, "statusCodeData");
        cJSON_AddStringToObject(scd, "subjectCode", r->subject);
        cJSON_AddStringToObject(scd, "reasonCode", r->reason);
        if (r->message[0])
            cJSON_AddStringToObject(scd, "message", r->message);
    }
    cJSON_AddItemToObject(body, "header", h);
}

static int json_reply(struct smdpp *s, struct httpd_response *resp, struct smdpp_reply *r)
{
    (void)s;
    httpd_response_add_header(resp, "X-Admin-Protocol", "gsma/rsp/v2.2.0");
    if (r->http_status == 204 && !r->failed) {
        resp->status = 204;
        return 0;
    }
    cJSON *body = cJSON_CreateObject();
    add_header(body, r);
    if (r->body && !r->failed) {  /* header first, then the function's fields */
        cJSON *it = r->body->child;
        while (it) {
            cJSON *next = it->next;
            cJSON_AddItemToObject(body, it->string, cJSON_DetachItemViaPointer(r->body, it));
            it = next;
        }
    } else if (r->body) {
        const cJSON *tx = cJSON_GetObjectItem(r->body, "transactionId");
        if (cJSON_IsString(tx))
            cJSON_AddStringToObject(body, "transactionId", tx->valuestring);
    }
    char *txt = cJSON_PrintUnformatted(body);
    cJSON_Delete(body);
    if (!txt)
        return -1;
    resp->status = 200;
    httpd_response_add_header(resp, "Content-Type", "application/json;charset=UTF-8");
    int rc = httpd_response_set_body_str(resp, txt);
    free(txt);
    return rc;
}

static void apply_post_fault(struct smdpp *s, int fn, struct httpd_response *resp)
{
    struct smdpp_fault *f = smdpp_fault_take(s, fn, 0);
    if (!f)
        return;
    smdpp_log(s, "%s: fault injected after answering", smdpp_fn_names[fn]);
    switch (f->kind) {
    case FAULT_DELAY: resp->delay_ms = f->delay_ms; break;
    case FAULT_PAUSE: resp->pause_file = f->pause_file; break;
    case FAULT_CLOSE_MID_BODY: resp->fault = HTTPD_FAULT_CLOSE_MID_BODY; break;
    case FAULT_TRUNCATE: resp->fault = HTTPD_FAULT_TRUNCATE; break;
    case FAULT_CORRUPT: resp->fault = HTTPD_FAULT_CORRUPT; resp->fault_arg = (size_t)-1; break;
    case FAULT_TRICKLE: resp->fault = HTTPD_FAULT_TRICKLE; resp->fault_arg = f->trickle_bps; break;
    default: break;
    }
}

static int handle_locked(struct smdpp *s, const struct httpd_request *req,
                         struct httpd_response *resp)
{
    s->http_requests++;
    if (!strcmp(req->path, "/test/status")) {
        if (strcmp(req->method, "GET"))
            return text_reply(resp, 405, "GET only\n");
        char *t = smdpp_status_json_locked(s);
        httpd_response_add_header(resp, "Content-Type", "application/json");
        int rc = t ? httpd_response_set_body_str(resp, t) : -1;
        free(t);
        return rc;
    }
    int fn = route(s, req->path);
    if (fn < 0) {
        s->bad_paths++;
        smdpp_log(s, "%s %s: 404", req->method, req->path);
        return text_reply(resp, 404, "no such function\n");
    }
    if (strcmp(req->method, "POST")) {
        s->bad_paths++;
        httpd_response_add_header(resp, "Allow", "POST");
        return text_reply(resp, 405, "POST only\n");
    }
    s->counts[fn]++;
    struct smdpp_reply r = {0};
    cJSON *json = NULL;
    const char *ct = httpd_request_header(req, "Content-Type");
    const char *ap = httpd_request_header(req, "X-Admin-Protocol");
    struct smdpp_fault *f = smdpp_fault_take(s, fn, 1);
    if (f) {
        smdpp_log(s, "%s: fault injected instead of answering", smdpp_fn_names[fn]);
        if (f->kind == FAULT_HTTP)
            return text_reply(resp, f->http, "fault injected\n");
        if (f->kind == FAULT_CLOSE_BEFORE) {
            resp->fault = HTTPD_FAULT_CLOSE_BEFORE;
            return 0;
        }
        smdpp_fail(s, &r, f->subject, f->reason, "fault injected");
    } else if (!ct || strncmp(ct, "application/json", 16)) {  /* notes §5.2 */
        smdpp_fail(s, &r, "1.2.1", "2.1", "Content-Type must be application/json");
    } else if (!ap || strncmp(ap, "gsma/rsp/v", 10)) {
        smdpp_fail(s, &r, "1.2.2", "2.1", "X-Admin-Protocol must start with gsma/rsp/v");
    } else if (!(json = cJSON_ParseWithLength((const char *)req->body, req->body_len)) ||
               !cJSON_IsObject(json)) {
        smdpp_fail(s, &r, "1.3.1", "2.1", "body is not a JSON object");
    } else {
        r.body = cJSON_CreateObject();
        if (!r.body || handlers[fn](s, json, &r) != 0) {
            cJSON_Delete(json);
            cJSON_Delete(r.body);
            return -1;  /* httpd answers 500 */
        }
    }
    cJSON_Delete(json);
    int rc = json_reply(s, resp, &r);
    cJSON_Delete(r.body);
    if (!rc)
        apply_post_fault(s, fn, resp);
    return rc;
}

int smdpp_handle(void *user, const struct httpd_request *req, struct httpd_response *resp)
{
    struct smdpp *s = user;
    pthread_mutex_lock(&s->lock);
    int rc = handle_locked(s, req, resp);
    smdpp_status_write(s);
    pthread_mutex_unlock(&s->lock);
    return rc;
}
