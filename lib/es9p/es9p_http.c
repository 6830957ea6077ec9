/* SPDX-License-Identifier: MIT */
/* One ES9+/ES11 exchange: JSON request, HTTP POST through the caller's
 * transport, response checks and functionExecutionStatus (SGP.22 §6.5.1,
 * notes §5.1-5.5). */
#include "es9p_json.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <strings.h>

#include <esimlpa/activation.h>

#include "base64.h"
#include "es9p_stream.h"
#include "core/ctx_internal.h"
#include "util/hex.h"

#define ES9P_PATH_PREFIX "/gsma/rsp2/es9plus/"
#define TRACE_ELIDE_OVER 64      /* longer string values are shown as "<N bytes>" */
#define TRACE_CHUNK 960          /* log line payload (the logger caps a line at 1200) */

void esimlpa__bytes_clear(struct esimlpa__bytes *b)
{
    if (!b)
        return;
    free(b->data);
    b->data = NULL;
    b->len = 0;
}

/* Copy server text into a fixed field: truncated, control characters as '?'. */
static void copy_clean(char *dst, size_t cap, const char *src)
{
    size_t i = 0;
    if (src)
        for (; src[i] && i + 1 < cap; i++) {
            unsigned char ch = (unsigned char)src[i];
            dst[i] = (ch < 0x20 || ch == 0x7F) ? '?' : (char)ch;
        }
    dst[i] = '\0';
}

static int tracing(const struct esimlpa__es9p *c)
{
    return c->ctx && c->ctx->trace_http && c->ctx->log && c->ctx->log_level >= ESIMLPA_LOG_TRACE;
}

/* Fields whose value is a secret, whatever its length: never traced. */
static int secret_field(const char *name)
{
    static const char *const secrets[] = { "hashCc", "confirmationCode", "otSK", NULL };
    for (size_t i = 0; name && secrets[i]; i++)
        if (strcasecmp(name, secrets[i]) == 0)
            return 1;
    return 0;
}

/* Replace long string values (base64 blobs) by "<N bytes>" and secret
 * fields by "<redacted>", recursively. */
static void elide_long_strings(cJSON *node)
{
    for (cJSON *it = node ? node->child : NULL; it; it = it->next) {
        if (secret_field(it->string)) {
            /* Turn the item into the string "<redacted>" in place. */
            if (it->child)
                cJSON_Delete(it->child);
            it->child = NULL;
            if (it->valuestring)
                cJSON_free(it->valuestring);
            it->valuestring = NULL;
            it->type = cJSON_NULL;
            char *v = cJSON_malloc(sizeof "<redacted>");
            if (v) {
                memcpy(v, "<redacted>", sizeof "<redacted>");
                it->valuestring = v;
                it->type = cJSON_String;
            }
            continue;
        }
        if (cJSON_IsString(it) && it->valuestring) {
            size_t n = strlen(it->valuestring);
            if (n > TRACE_ELIDE_OVER) {
                /* Size of the decoded blob, or of the text if it is not base64. */
                size_t data = 0;
                int is_b64 = 1;
                for (const char *p = it->valuestring; *p; p++) {
                    if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                        (*p >= '0' && *p <= '9') || *p == '+' || *p == '/')
                        data++;
                    else if (*p != '=' && *p != '\n' && *p != '\r' && *p != ' ' && *p != '\t')
                        is_b64 = 0;
                }
                char repl[48];
                if (is_b64)
                    snprintf(repl, sizeof repl, "<%zu bytes>", data * 3 / 4);
                else
                    snprintf(repl, sizeof repl, "<%zu chars>", n);
                cJSON_SetValuestring(it, repl);
            }
        } else if (cJSON_IsObject(it) || cJSON_IsArray(it)) {
            elide_long_strings(it);
        }
    }
}

/* Log a JSON body at TRACE with blobs elided; only called when tracing. */
static void trace_json(struct esimlpa__es9p *c, const char *dir, const char *fn,
                       const cJSON *json)
{
    cJSON *copy = cJSON_Duplicate(json, 1);
    if (!copy)
        return;
    elide_long_strings(copy);
    char *text = cJSON_PrintUnformatted(copy);
    cJSON_Delete(copy);
    if (!text)
        return;
    size_t len = strlen(text);
    for (size_t off = 0; off == 0 || off < len; off += TRACE_CHUNK) {
        int n = (int)(len - off < TRACE_CHUNK ? len - off : TRACE_CHUNK);
        esimlpa__log(c->ctx, ESIMLPA_LOG_TRACE, "ES9+ %s %s%s %.*s", dir, fn,
                     off ? " (cont.)" : ":", n, text + off);
    }
    free(text);
}

/* Refuse nesting deeper than the cap before cJSON sees the text (cJSON's
 * own limit is 1000), and bodies holding NUL bytes. */
static int json_shape_ok(const uint8_t *p, size_t len, const char **why)
{
    unsigned depth = 0;
    int in_str = 0, esc = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t ch = p[i];
        if (ch == 0) {
            *why = "contains a NUL byte";
            return 0;
        }
        if (in_str) {
            if (esc)
                esc = 0;
            else if (ch == '\\')
                esc = 1;
            else if (ch == '"')
                in_str = 0;
        } else if (ch == '"') {
            in_str = 1;
        } else if (ch == '{' || ch == '[') {
            if (++depth > ESIMLPA__ES9P_MAX_JSON_DEPTH) {
                *why = "nests deeper than 16 levels";
                return 0;
            }
        } else if ((ch == '}' || ch == ']') && depth) {
            depth--;
        }
    }
    return 1;
}

static pthread_mutex_t cjson_parse_lock = PTHREAD_MUTEX_INITIALIZER;

/* Bytes that printing @j can need: strings may double when escaped. */
static size_t json_size_bound(const cJSON *j)
{
    size_t n = 16;
    for (const cJSON *it = j ? j->child : NULL; it; it = it->next) {
        n += 8 + (it->string ? 2 * strlen(it->string) : 0);
        if (cJSON_IsString(it) && it->valuestring)
            n += 6 * strlen(it->valuestring);   /* worst case: \u00XX for each byte */
        else if (it->child)
            n += json_size_bound(it);
        else
            n += 32;                            /* number, bool, null */
    }
    return n;
}

/* cJSON_PrintUnformatted grows its buffer by realloc and so leaves copies of
 * the body (with hashCc in a prepareDownloadResponse) in freed memory: print
 * into one buffer of the right size instead. */
static char *print_request(const cJSON *req)
{
    size_t cap = json_size_bound(req);
    char *buf = malloc(cap);
    if (buf && !cJSON_PrintPreallocated((cJSON *)req, buf, (int)cap, 0)) {
        OPENSSL_cleanse(buf, cap);
        free(buf);
        buf = NULL;
    }
    return buf;
}

/* Overwrite every string value of @j (the object is freed next by its owner). */
static void wipe_json_strings(const cJSON *j)
{
    for (const cJSON *it = j ? j->child : NULL; it; it = it->next) {
        if (cJSON_IsString(it) && it->valuestring)
            OPENSSL_cleanse(it->valuestring, strlen(it->valuestring));
        else if (it->child)
            wipe_json_strings(it);
    }
}

static cJSON *parse_json(const uint8_t *body, size_t len, const char **why)
{
    if (!json_shape_ok(body, len, why))
        return NULL;
    const char *end = NULL;
    /* cJSON's parser records its error position in a global on every call:
     * one parse at a time, so contexts on different threads do not race. */
    pthread_mutex_lock(&cjson_parse_lock);
    cJSON *json = cJSON_ParseWithLengthOpts((const char *)body, len, &end, 0);
    pthread_mutex_unlock(&cjson_parse_lock);
    if (!json) {
        *why = "is not valid JSON";
        return NULL;
    }
    for (const char *p = end; p && p < (const char *)body + len; p++)
        if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') {
            cJSON_Delete(json);
            *why = "has data after the JSON value";
            return NULL;
        }
    if (!cJSON_IsObject(json)) {
        cJSON_Delete(json);
        *why = "is not a JSON object";
        return NULL;
    }
    return json;
}

/* Read header.functionExecutionStatus into c->status.
 * Returns 1 if a status string was found, 0 if the header is missing/malformed
 * (*why says which part). */
static int read_status(struct esimlpa__es9p *c, const cJSON *json, const char **why)
{
    const cJSON *hdr = cJSON_GetObjectItemCaseSensitive(json, "header");
    if (!cJSON_IsObject(hdr)) {
        *why = hdr ? "header is not an object" : "header is missing";
        return 0;
    }
    const cJSON *fes = cJSON_GetObjectItemCaseSensitive(hdr, "functionExecutionStatus");
    if (!cJSON_IsObject(fes)) {
        *why = fes ? "header.functionExecutionStatus is not an object"
                   : "header.functionExecutionStatus is missing";
        return 0;
    }
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(fes, "status");
    if (!cJSON_IsString(st) || !st->valuestring) {
        *why = st ? "header.functionExecutionStatus.status is not a string"
                  : "header.functionExecutionStatus.status is missing";
        return 0;
    }
    const char *s = st->valuestring;
    if (strcmp(s, "Executed-Success") == 0)
        c->status.status = ESIMLPA_ES9_STATUS_SUCCESS;
    else if (strcmp(s, "Executed-WithWarning") == 0)
        c->status.status = ESIMLPA_ES9_STATUS_WARNING;
    else if (strcmp(s, "Failed") == 0)
        c->status.status = ESIMLPA_ES9_STATUS_FAILED;
    else if (strcmp(s, "Expired") == 0)
        c->status.status = ESIMLPA_ES9_STATUS_EXPIRED;
    else {
        *why = "header.functionExecutionStatus.status has an unknown value";
        return 0;
    }
    const cJSON *scd = cJSON_GetObjectItemCaseSensitive(fes, "statusCodeData");
    if (cJSON_IsObject(scd)) {
        const cJSON *v;
        v = cJSON_GetObjectItemCaseSensitive(scd, "subjectCode");
        if (cJSON_IsString(v))
            copy_clean(c->status.subject_code, sizeof c->status.subject_code, v->valuestring);
        v = cJSON_GetObjectItemCaseSensitive(scd, "reasonCode");
        if (cJSON_IsString(v))
            copy_clean(c->status.reason_code, sizeof c->status.reason_code, v->valuestring);
        v = cJSON_GetObjectItemCaseSensitive(scd, "subjectIdentifier");
        if (cJSON_IsString(v))
            copy_clean(c->status.subject_identifier, sizeof c->status.subject_identifier,
                       v->valuestring);
        v = cJSON_GetObjectItemCaseSensitive(scd, "message");
        if (cJSON_IsString(v))
            copy_clean(c->status.message, sizeof c->status.message, v->valuestring);
    }
    return 1;
}

/* "subject 8.2.6 reason 3.8 (matching ID refused): <message>" or "no statusCodeData". */
static void status_detail(const struct esimlpa__es9p *c, char *buf, size_t cap)
{
    const struct esimlpa_es9_status *s = &c->status;
    if (!s->subject_code[0] && !s->reason_code[0] && !s->message[0]) {
        snprintf(buf, cap, "no statusCodeData");
        return;
    }
    const char *txt = esimlpa__es9p_status_text(s->subject_code, s->reason_code);
    snprintf(buf, cap, "subject %s reason %s%s%s%s%s%s",
             s->subject_code[0] ? s->subject_code : "?",
             s->reason_code[0] ? s->reason_code : "?",
             txt ? " (" : "", txt ? txt : "", txt ? ")" : "",
             s->message[0] ? ": " : "", s->message);
}

/* Give a response back to the transport that filled it: its release()
 * (version >= 4) or free() (http.h). */
static void response_free(const struct esimlpa_http_transport *t, struct esimlpa_http_response *r)
{
    if (t->version >= 4 && t->release) {
        t->release(t->user, r);
    } else {
        free(r->body);
        free(r->admin_protocol);
    }
    memset(r, 0, sizeof *r);
}

/* " (detail)" from the transport's last_error (version >= 2), or "". */
static void transport_detail(const struct esimlpa_http_transport *t, char *buf, size_t cap)
{
    buf[0] = '\0';
    const char *e = (t->version >= 2 && t->last_error) ? t->last_error(t->user) : NULL;
    if (!e || !*e)
        return;
    size_t n = strnlen(e, 255);
    while (n && (e[n - 1] == '\n' || e[n - 1] == '\r' || e[n - 1] == ' '))
        n--;   /* curl's texts may end with a newline */
    char clean[256];
    copy_clean(clean, n + 1, e);
    snprintf(buf, cap, " (%s)", clean);
}

static int address_ok(struct esimlpa__es9p *c, const char *fn, const char *address)
{
    char why[96];
    if (!address)
        return esimlpa__fail(c->ctx, ESIMLPA_EINVAL, "%s: no server address", fn);
    if (esimlpa__es9p_address_check(address, strlen(address), why, sizeof why) != 0)
        return esimlpa__fail(c->ctx, ESIMLPA_EINVAL, "%s: server address %s", fn, why);
    return ESIMLPA_OK;
}

/*
 * Take the top-level string member @name out of the raw JSON @r->body before
 * cJSON sees it (issue 5, peak heap): its base64 is decoded in place, moved
 * to the front of the body buffer and handed over in @out; the body is
 * replaced by a small copy of the JSON in which the value reads
 * "<N bytes>" (what tracing shows for a blob anyway). Returns 1 when taken,
 * 0 when not (member absent, escaped characters in it, not base64, empty,
 * larger than @cap): the body is then unchanged and the caller decodes the
 * member the ordinary way, with its error messages. -1: out of memory.
 */
static int take_raw_b64(struct esimlpa_http_response *r, const char *name, size_t cap,
                        struct esimlpa__bytes *out)
{
    char *b = (char *)r->body;
    size_t len = r->body_len, nlen = strlen(name);
    unsigned depth = 0;
    size_t vs = 0, ve = 0;
    for (size_t i = 0; i < len && !ve; i++) {
        char ch = b[i];
        if (ch == '{' || ch == '[') {
            depth++;
        } else if (ch == '}' || ch == ']') {
            if (depth)
                depth--;
        } else if (ch == '"') {
            size_t start = i + 1, j = start;   /* a string: find its end */
            while (j < len && b[j] != '"')
                j += b[j] == '\\' ? 2 : 1;
            if (j >= len)
                return 0;
            i = j;
            if (depth != 1 || j - start != nlen || memcmp(b + start, name, nlen) != 0)
                continue;
            size_t k = j + 1;   /* the key: expect : and a string value */
            while (k < len && (b[k] == ' ' || b[k] == '\t' || b[k] == '\r' || b[k] == '\n'))
                k++;
            if (k >= len || b[k] != ':')
                continue;
            k++;
            while (k < len && (b[k] == ' ' || b[k] == '\t' || b[k] == '\r' || b[k] == '\n'))
                k++;
            if (k >= len || b[k] != '"')
                return 0;
            vs = k + 1;
            for (k = vs; k < len && b[k] != '"'; k++)
                if (b[k] == '\\')
                    return 0;   /* escapes (e.g. \/): leave it to cJSON */
            if (k >= len)
                return 0;
            ve = k;
        }
    }
    if (!ve)
        return 0;
    size_t n = 0;
    /* Checked before anything is written: on failure the text is intact. */
    if (esimlpa__b64_decode_inplace(b + vs, ve - vs, cap, &n) != ESIMLPA_OK || n == 0)
        return 0;
    char mark[32];
    int ml = snprintf(mark, sizeof mark, "<%zu bytes>", n);
    size_t tail = len - ve;
    char *txt = malloc(vs + (size_t)ml + tail + 1);
    if (!txt)
        return -1;
    memcpy(txt, b, vs);
    memcpy(txt + vs, mark, (size_t)ml);
    memcpy(txt + vs + (size_t)ml, b + ve, tail);
    txt[vs + (size_t)ml + tail] = '\0';
    memmove(b, b + vs, n);
    uint8_t *data = realloc(b, n);
    out->data = data ? data : (uint8_t *)b;
    out->len = n;
    r->body = (uint8_t *)txt;
    r->body_len = vs + (size_t)ml + tail;
    return 1;
}

/* SGP.22 §6.5.1 / notes §5.2; requests carry no JSON header object. */
static const char *const request_headers[] = {
    "Content-Type: application/json",
    "X-Admin-Protocol: " ESIMLPA__ES9P_ADMIN_PROTOCOL,
    "User-Agent: gsma-rsp-lpad",
    "Accept: application/json",
    NULL,
};

static int can_prepare(const struct esimlpa__es9p *c)
{
    return c && c->http && c->http->version >= 5 &&
           c->http->version <= ESIMLPA_HTTP_TRANSPORT_VERSION && c->http->prepare;
}

void esimlpa__es9p_prepare(struct esimlpa__es9p *c, const char *path_fn, const char *address,
                           const cJSON *req)
{
    char why[96];
    if (!can_prepare(c) || !address || !req ||
        esimlpa__es9p_address_check(address, strlen(address), why, sizeof why) != 0 ||
        json_size_bound(req) >= INT_MAX)
        return;
    char url[ESIMLPA_AC_MAX_ADDRESS + 80];
    snprintf(url, sizeof url, "https://%s" ES9P_PATH_PREFIX "%s", address, path_fn);
    char *body = print_request(req);
    if (!body)
        return;
    size_t len = strlen(body);
    OPENSSL_cleanse(body, len);
    free(body);
    int rc = c->http->prepare(c->http->user, url, request_headers, len);
    esimlpa__log(c->ctx, ESIMLPA_LOG_DEBUG, "ES9+ connect ahead %s (%zu bytes): %s", url, len,
                 rc == 0 ? "started" : esimlpa_strerror(rc));
}

void esimlpa__es9p_prepare_drop(struct esimlpa__es9p *c)
{
    if (can_prepare(c))
        (void)c->http->prepare(c->http->user, NULL, NULL, 0);
}

int esimlpa__es9p_admin_protocol_ok(struct esimlpa__es9p *c, const char *fn, const char *ap)
{
    if (!ap || strncasecmp(ap, "gsma/rsp/v", 10) == 0)
        return ESIMLPA_OK;
    char shown[40];
    copy_clean(shown, sizeof shown, ap);
    return esimlpa__fail(c->ctx, ESIMLPA_EHEADER,
                         "%s: unsupported X-Admin-Protocol \"%s\" in the response", fn, shown);
}

/* @st: a streamed answer (its body goes to @st while it arrives), or NULL. */
static int post_impl(struct esimlpa__es9p *c, const char *fn, const char *path_fn,
                     const char *address, const cJSON *req, int want_json, cJSON **resp,
                     const char *take_name, struct esimlpa__bytes *take,
                     struct esimlpa__es9p_stream *st)
{
    if (resp)
        *resp = NULL;
    if (!c)
        return ESIMLPA_EINVAL;
    memset(&c->status, 0, sizeof c->status);
    copy_clean(c->status.function, sizeof c->status.function, fn);
    /* Version 1 transports (no last_error) are still accepted. */
    if (!c->http || c->http->version < 1 || c->http->version > ESIMLPA_HTTP_TRANSPORT_VERSION ||
        !c->http->post)
        return esimlpa__fail(c->ctx, ESIMLPA_EINVAL, "%s: no usable HTTP transport", fn);
    if (!req || (want_json && !resp))
        return esimlpa__fail(c->ctx, ESIMLPA_EINVAL, "%s: bad arguments", fn);
    int rc = address_ok(c, fn, address);
    if (rc != ESIMLPA_OK)
        return rc;

    char url[ESIMLPA_AC_MAX_ADDRESS + 80];
    snprintf(url, sizeof url, "https://%s" ES9P_PATH_PREFIX "%s", address, path_fn);
    char *body = req && json_size_bound(req) < INT_MAX ? print_request(req) : NULL;
    if (!body)
        return esimlpa__fail(c->ctx, ESIMLPA_ENOMEM, "%s: cannot build the request", fn);
    if (tracing(c))
        trace_json(c, ">", fn, req);
    esimlpa__log(c->ctx, ESIMLPA_LOG_DEBUG, "ES9+ POST %s (%zu bytes)", url, strlen(body));

    struct esimlpa_http_response r;
    memset(&r, 0, sizeof r);
    if (st && c->http->version >= 5 && c->http->post_stream) {
        rc = c->http->post_stream(c->http->user, url, request_headers, (const uint8_t *)body,
                                  strlen(body), esimlpa__es9p_stream_chunk, st, &r);
    } else {
        rc = c->http->post(c->http->user, url, request_headers, (const uint8_t *)body, strlen(body), &r);
        /* An older transport: its whole body is one piece, same consumer. */
        if (st && rc == 0 && (r.body || !r.body_len) &&
            esimlpa__es9p_stream_chunk(st, &r, r.body, r.body_len) != 0)
            rc = ESIMLPA_ECANCELLED;
    }
    /* A request may carry hashCc (prepareDownloadResponse's euiccSigned2):
     * the body and the request's strings are wiped, not just freed. */
    OPENSSL_cleanse(body, strlen(body));
    free(body);
    wipe_json_strings(req);
    if (rc != 0 && st && st->rc) {   /* the receiver stopped it, and said why */
        response_free(c->http, &r);
        return st->rc;
    }
    if (rc != 0) {
        response_free(c->http, &r);
        if (rc > 0)
            rc = ESIMLPA_EHTTP;
        char why[300];
        transport_detail(c->http, why, sizeof why);
        return esimlpa__fail(c->ctx, rc, "%s: POST %s failed: %s%s", fn, url,
                             esimlpa_strerror(rc), why);
    }
    c->status.http_status = r.status;
    size_t cap = c->max_response ? c->max_response : ESIMLPA__ES9P_DEFAULT_MAX_RESPONSE;
    if (r.body_len > cap) {
        response_free(c->http, &r);
        return esimlpa__fail(c->ctx, ESIMLPA_EHTTP_TOOBIG, "%s: response larger than %zu bytes",
                             fn, cap);
    }
    if (!r.body && r.body_len) {
        response_free(c->http, &r);
        return esimlpa__fail(c->ctx, ESIMLPA_EINTERNAL, "%s: transport gave no body", fn);
    }
    if ((rc = esimlpa__es9p_admin_protocol_ok(c, fn, r.admin_protocol)) != ESIMLPA_OK) {
        response_free(c->http, &r);
        return rc;
    }

    if (take_name && r.body && r.body_len && r.status >= 200 && r.status <= 299 &&
        take_raw_b64(&r, take_name, cap, take) < 0) {
        response_free(c->http, &r);
        return esimlpa__fail(c->ctx, ESIMLPA_ENOMEM, "%s: out of memory", fn);
    }
    const uint8_t *jb = r.body;
    size_t jl = r.body_len;
    if (st && (rc = esimlpa__es9p_stream_end(st, r.status, &jb, &jl)) != ESIMLPA_OK) {
        response_free(c->http, &r);
        return rc;
    }
    const char *why = NULL;
    cJSON *json = jl ? parse_json(jb, jl, &why) : NULL;
    char detail[400];
    if (r.status < 200 || r.status > 299) {
        /* Some servers explain an HTTP error with a JSON status: keep it. */
        detail[0] = '\0';
        if (json && read_status(c, json, &why) && c->status.status >= ESIMLPA_ES9_STATUS_FAILED) {
            char sd[360];
            status_detail(c, sd, sizeof sd);
            snprintf(detail, sizeof detail, " (%s, %s)",
                     esimlpa_es9_exec_status_name(c->status.status), sd);
        }
        cJSON_Delete(json);
        long st = r.status;
        response_free(c->http, &r);
        return esimlpa__fail(c->ctx, ESIMLPA_EHTTP_STATUS, "%s: HTTP status %ld%s", fn, st, detail);
    }
    response_free(c->http, &r);

    if (!want_json) {
        /* handleNotification: 204 and no body expected; any 2xx is fine. */
        if (json && read_status(c, json, &why) && c->status.status >= ESIMLPA_ES9_STATUS_FAILED) {
            status_detail(c, detail, sizeof detail);
            esimlpa__log(c->ctx, ESIMLPA_LOG_WARN, "%s: HTTP %ld but status %s, %s", fn,
                         c->status.http_status, esimlpa_es9_exec_status_name(c->status.status),
                         detail);
        }
        cJSON_Delete(json);
        return ESIMLPA_OK;
    }
    if (!json)
        return esimlpa__fail(c->ctx, ESIMLPA_EES9_BADRESPONSE, "%s: response body %s", fn,
                             why ? why : "is empty");
    if (tracing(c))
        trace_json(c, "<", fn, json);
    if (!read_status(c, json, &why)) {
        cJSON_Delete(json);
        return esimlpa__fail(c->ctx, ESIMLPA_EES9_BADRESPONSE, "%s: response %s", fn, why);
    }
    switch (c->status.status) {
    case ESIMLPA_ES9_STATUS_SUCCESS:
        break;
    case ESIMLPA_ES9_STATUS_WARNING:
        /* A success (notes pitfall 17). */
        status_detail(c, detail, sizeof detail);
        esimlpa__log(c->ctx, ESIMLPA_LOG_WARN, "%s: Executed-WithWarning, %s", fn, detail);
        break;
    case ESIMLPA_ES9_STATUS_FAILED:
        cJSON_Delete(json);
        status_detail(c, detail, sizeof detail);
        return esimlpa__fail(c->ctx, ESIMLPA_EES9_FAILED, "%s: Failed, %s", fn, detail);
    default:
        cJSON_Delete(json);
        status_detail(c, detail, sizeof detail);
        return esimlpa__fail(c->ctx, ESIMLPA_EES9_EXPIRED, "%s: Expired, %s", fn, detail);
    }
    *resp = json;
    return ESIMLPA_OK;
}

int esimlpa__es9p_post(struct esimlpa__es9p *c, const char *fn, const char *path_fn,
                       const char *address, const cJSON *req, int want_json, cJSON **resp)
{
    return post_impl(c, fn, path_fn, address, req, want_json, resp, NULL, NULL, NULL);
}

int esimlpa__es9p_post_take(struct esimlpa__es9p *c, const char *fn, const char *path_fn,
                            const char *address, const cJSON *req, const char *name,
                            cJSON **resp, struct esimlpa__bytes *blob)
{
    if (!blob)
        return post_impl(c, fn, path_fn, address, req, 1, resp, NULL, NULL, NULL);
    memset(blob, 0, sizeof *blob);
    int rc = post_impl(c, fn, path_fn, address, req, 1, resp, name, blob, NULL);
    if (rc != ESIMLPA_OK)
        esimlpa__bytes_clear(blob);
    return rc;
}

int esimlpa__es9p_post_stream(struct esimlpa__es9p *c, const char *fn, const char *path_fn,
                              const char *address, const cJSON *req,
                              struct esimlpa__es9p_stream *st, cJSON **resp)
{
    return post_impl(c, fn, path_fn, address, req, 1, resp, NULL, NULL, st);
}

int esimlpa__es9p_add_b64(struct esimlpa__es9p *c, const char *fn, cJSON *obj,
                          const char *name, const uint8_t *data, size_t len)
{
    char *b64 = esimlpa__b64_encode(data, len);
    cJSON *item = b64 ? cJSON_AddStringToObject(obj, name, b64) : NULL;
    if (b64)
        OPENSSL_cleanse(b64, strlen(b64));
    free(b64);
    if (!item)
        return esimlpa__fail(c->ctx, ESIMLPA_ENOMEM, "%s: cannot build %s", fn, name);
    return ESIMLPA_OK;
}

int esimlpa__es9p_get_string(struct esimlpa__es9p *c, const char *fn, const cJSON *obj,
                             const char *name, const char **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!v)
        return esimlpa__fail(c->ctx, ESIMLPA_EES9_BADRESPONSE, "%s: response lacks %s", fn,
                             name);
    if (!cJSON_IsString(v) || !v->valuestring)
        return esimlpa__fail(c->ctx, ESIMLPA_EES9_BADRESPONSE, "%s: %s is not a JSON string",
                             fn, name);
    *out = v->valuestring;
    return ESIMLPA_OK;
}

int esimlpa__es9p_get_b64(struct esimlpa__es9p *c, const char *fn, const cJSON *obj,
                          const char *name, struct esimlpa__bytes *out)
{
    const char *s = NULL;
    int rc = esimlpa__es9p_get_string(c, fn, obj, name, &s);
    if (rc != ESIMLPA_OK)
        return rc;
    size_t cap = c->max_response ? c->max_response : ESIMLPA__ES9P_DEFAULT_MAX_RESPONSE;
    rc = esimlpa__b64_decode(s, strlen(s), cap, &out->data, &out->len);
    if (rc == ESIMLPA_ENOMEM)
        return esimlpa__fail(c->ctx, rc, "%s: out of memory decoding %s", fn, name);
    if (rc != ESIMLPA_OK)
        return esimlpa__fail(c->ctx, ESIMLPA_EES9_BADRESPONSE, "%s: %s is not valid base64",
                             fn, name);
    if (out->len == 0) {
        esimlpa__bytes_clear(out);
        return esimlpa__fail(c->ctx, ESIMLPA_EES9_BADRESPONSE, "%s: %s is empty", fn, name);
    }
    return ESIMLPA_OK;
}

int esimlpa__es9p_take_b64(struct esimlpa__es9p *c, const char *fn, cJSON *obj,
                           const char *name, struct esimlpa__bytes *out)
{
    const char *s = NULL;
    int rc = esimlpa__es9p_get_string(c, fn, obj, name, &s);
    if (rc != ESIMLPA_OK)
        return rc;
    cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (item->type & cJSON_IsReference)   /* not ours to take */
        return esimlpa__es9p_get_b64(c, fn, obj, name, out);
    size_t cap = c->max_response ? c->max_response : ESIMLPA__ES9P_DEFAULT_MAX_RESPONSE;
    size_t n = 0;
    rc = esimlpa__b64_decode_inplace(item->valuestring, strlen(item->valuestring), cap, &n);
    if (rc != ESIMLPA_OK)
        return esimlpa__fail(c->ctx, ESIMLPA_EES9_BADRESPONSE, "%s: %s is not valid base64",
                             fn, name);
    if (n == 0)
        return esimlpa__fail(c->ctx, ESIMLPA_EES9_BADRESPONSE, "%s: %s is empty", fn, name);
    /* Take the buffer (cJSON allocates with malloc unless hooks say
     * otherwise; the library installs none) and leave a JSON null. */
    uint8_t *data = (uint8_t *)item->valuestring;
    item->valuestring = NULL;
    item->type = cJSON_NULL;
    uint8_t *shrunk = realloc(data, n);   /* give back the last quarter */
    out->data = shrunk ? shrunk : data;
    out->len = n;
    return ESIMLPA_OK;
}

int esimlpa__es9p_tid_decode(const char *hex, uint8_t bin[ESIMLPA__TID_MAX], size_t *bin_len)
{
    size_t n = hex ? strnlen(hex, 2 * ESIMLPA__TID_MAX + 1) : 0;
    if (n < 2 || n > 2 * ESIMLPA__TID_MAX)
        return -1;
    if (esimlpa__hex_decode(hex, bin, ESIMLPA__TID_MAX, bin_len) != ESIMLPA_OK)
        return -1;
    return 0;
}

int esimlpa__es9p_check_tid(struct esimlpa__es9p *c, const char *fn, const cJSON *obj,
                            const char *sent, int required)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, "transactionId");
    if (!v && !required)
        return ESIMLPA_OK;
    const char *got = NULL;
    int rc = esimlpa__es9p_get_string(c, fn, obj, "transactionId", &got);
    if (rc != ESIMLPA_OK)
        return rc;
    uint8_t a[ESIMLPA__TID_MAX], b[ESIMLPA__TID_MAX];
    size_t alen = 0, blen = 0;
    if (esimlpa__es9p_tid_decode(got, a, &alen) != 0 ||
        esimlpa__es9p_tid_decode(sent, b, &blen) != 0 || alen != blen ||
        memcmp(a, b, alen) != 0) {
        char shown[2 * ESIMLPA__TID_MAX + 1];
        copy_clean(shown, sizeof shown, got);
        return esimlpa__fail(c->ctx, ESIMLPA_EES9_BADRESPONSE,
                             "%s: transactionId %s%s differs from the one sent (%s)", fn, shown,
                             strlen(got) >= sizeof shown ? "..." : "", sent);
    }
    return ESIMLPA_OK;
}
