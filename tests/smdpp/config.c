/* SPDX-License-Identifier: MIT */
/* Orders/events config file and the status JSON (orders' states, counters) for tests.
 * Config: {"sessionTimeout": s, "ccMaxAttempts": n, "hostId": "...",
 *          "orders": [{"matchingId", "profile": "file.json", "confirmationCode"?, "eid"?,
 *                      "ppk"?: bool}],
 *          "events": [{"eid": "32 digits" | "*", "eventId", "rspServerAddress"}],
 *          "faults": ["getBoundProfilePackage:http=500", ...]} */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smdpp_internal.h"

static char *rel(const char *base, const char *p)
{
    if (p[0] == '/')
        return strdup(p);
    const char *sl = strrchr(base, '/');
    size_t dl = sl ? (size_t)(sl - base + 1) : 0;
    char *r = malloc(dl + strlen(p) + 1);
    if (r) {
        memcpy(r, base, dl);
        strcpy(r + dl, p);
    }
    return r;
}

static struct smdpp_profile *profile_get(struct smdpp *s, const char *path, char *err,
                                         size_t errlen)
{
    for (size_t i = 0; i < s->n_profiles; i++)
        if (!strcmp(s->profiles[i]->path, path))
            return s->profiles[i];
    struct smdpp_profile *p = smdpp_profile_load(path, s->name, err, errlen);
    if (!p)
        return NULL;
    struct smdpp_profile **np = realloc(s->profiles, (s->n_profiles + 1) * sizeof *np);
    if (!np) {
        smdpp_profile_free(p);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->profiles = np;
    s->profiles[s->n_profiles++] = p;
    return p;
}

static char *dup_opt(const cJSON *o, const char *k)
{
    const char *v = cJSON_GetStringValue(cJSON_GetObjectItem(o, k));
    return v ? strdup(v) : NULL;
}

static int load_orders(struct smdpp *s, const char *path, const cJSON *arr, char *err,
                       size_t errlen)
{
    int n = cJSON_GetArraySize(arr);
    if (!cJSON_IsArray(arr) || n == 0)
        return 0;
    s->orders = calloc((size_t)n, sizeof *s->orders);
    if (!s->orders)
        return snprintf(err, errlen, "out of memory"), -1;
    const cJSON *o;
    cJSON_ArrayForEach(o, arr) {
        struct smdpp_order *od = &s->orders[s->n_orders];
        const char *mid = cJSON_GetStringValue(cJSON_GetObjectItem(o, "matchingId"));
        const char *prof = cJSON_GetStringValue(cJSON_GetObjectItem(o, "profile"));
        if (!mid || !prof) {
            snprintf(err, errlen, "%s: order %zu needs matchingId and profile", path, s->n_orders);
            return -1;
        }
        char *pp = rel(path, prof);
        od->profile = pp ? profile_get(s, pp, err, errlen) : NULL;
        free(pp);
        if (!od->profile)
            return -1;
        od->matching_id = strdup(mid);
        od->cc = dup_opt(o, "confirmationCode");
        od->eid = dup_opt(o, "eid");
        od->ppk = cJSON_IsTrue(cJSON_GetObjectItem(o, "ppk"));
        s->n_orders++;
        if (od->eid && rspc_eid_verify(od->eid) != RSPC_OK) {
            snprintf(err, errlen, "%s: order %s: eid is not a valid 32-digit EID", path, mid);
            return -1;
        }
        if (smdpp_order_find(s, mid) != od) {
            snprintf(err, errlen, "%s: matchingId %s listed twice", path, mid);
            return -1;
        }
    }
    return 0;
}

static int load_events(struct smdpp *s, const char *path, const cJSON *arr, char *err,
                       size_t errlen)
{
    int n = cJSON_GetArraySize(arr);
    if (!cJSON_IsArray(arr) || n == 0)
        return 0;
    s->events = calloc((size_t)n, sizeof *s->events);
    if (!s->events)
        return snprintf(err, errlen, "out of memory"), -1;
    const cJSON *o;
    cJSON_ArrayForEach(o, arr) {
        struct smdpp_event *e = &s->events[s->n_events];
        e->eid = dup_opt(o, "eid");
        e->event_id = dup_opt(o, "eventId");
        e->address = dup_opt(o, "rspServerAddress");
        s->n_events++;
        if (!e->eid || !e->event_id || !e->address) {
            snprintf(err, errlen, "%s: event %zu needs eid, eventId and rspServerAddress", path,
                     s->n_events - 1);
            return -1;
        }
    }
    return 0;
}

int smdpp_config_load(struct smdpp *s, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return snprintf(err, errlen, "%s: %s", path, strerror(errno)), -1;
    char *text = malloc(1 << 20);
    size_t n = text ? fread(text, 1, (1 << 20) - 1, f) : 0;
    fclose(f);
    if (!text)
        return snprintf(err, errlen, "out of memory"), -1;
    cJSON *j = cJSON_ParseWithLength(text, n);
    free(text);
    int rc = -1;
    if (!cJSON_IsObject(j)) {
        snprintf(err, errlen, "%s: not a JSON object", path);
        goto out;
    }
    const cJSON *v = cJSON_GetObjectItem(j, "sessionTimeout");
    if (cJSON_IsNumber(v) && v->valuedouble >= 1 && !s->session_timeout_s)
        s->session_timeout_s = (unsigned)v->valuedouble;
    v = cJSON_GetObjectItem(j, "ccMaxAttempts");
    if (cJSON_IsNumber(v) && v->valuedouble >= 1)
        s->cc_max_attempts = (unsigned)v->valuedouble;
    v = cJSON_GetObjectItem(j, "hostId");
    if (cJSON_IsString(v) && strlen(v->valuestring) >= 1 && strlen(v->valuestring) <= 16) {
        free(s->host_id);
        s->host_id = strdup(v->valuestring);
    }
    if (load_orders(s, path, cJSON_GetObjectItem(j, "orders"), err, errlen) ||
        load_events(s, path, cJSON_GetObjectItem(j, "events"), err, errlen))
        goto out;
    const cJSON *fa;
    cJSON_ArrayForEach(fa, cJSON_GetObjectItem(j, "faults")) {
        if (s->n_faults >= SMDPP_MAX_FAULTS || !cJSON_IsString(fa) ||
            smdpp_fault_parse(fa->valuestring, &s->faults[s->n_faults], err, errlen))
            goto out;
        s->n_faults++;
    }
    rc = 0;
out:
    cJSON_Delete(j);
    return rc;
}

void smdpp_config_free(struct smdpp *s)
{
    for (size_t i = 0; i < s->n_orders; i++) {
        free(s->orders[i].matching_id);
        free(s->orders[i].cc);
        free(s->orders[i].eid);
    }
    free(s->orders);
    for (size_t i = 0; i < s->n_events; i++) {
        free(s->events[i].eid);
        free(s->events[i].event_id);
        free(s->events[i].address);
    }
    free(s->events);
    for (size_t i = 0; i < s->n_profiles; i++)
        smdpp_profile_free(s->profiles[i]);
    free(s->profiles);
}

struct smdpp_order *smdpp_order_find(struct smdpp *s, const char *mid)
{
    for (size_t i = 0; mid && i < s->n_orders; i++)
        if (!strcmp(s->orders[i].matching_id, mid))
            return &s->orders[i];
    return NULL;
}

const char *smdpp_order_state_name(enum order_state st)
{
    switch (st) {
    case ORDER_AVAILABLE: return "available";
    case ORDER_IN_PROGRESS: return "in-progress";
    case ORDER_DOWNLOADED: return "downloaded-pending-confirmation";
    case ORDER_INSTALLED: return "installed";
    case ORDER_CC_LOCKED: return "cc-locked";
    }
    return "?";
}

char *smdpp_status_json_locked(struct smdpp *s)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "role", s->role == SMDPP_ROLE_SMDS ? "smds" : "smdp");
    cJSON_AddStringToObject(j, "name", s->name);
    cJSON *c = cJSON_AddObjectToObject(j, "counters");
    if (s->httpd) {
        struct httpd_stats st;
        httpd_get_stats(s->httpd, &st);
        cJSON_AddNumberToObject(c, "connections", (double)st.connections);
        cJSON_AddNumberToObject(c, "handshakes", (double)st.handshakes);
        cJSON_AddNumberToObject(c, "handshakeFailures", (double)st.handshake_failures);
    }
    cJSON_AddNumberToObject(c, "requests", (double)s->http_requests);
    cJSON_AddNumberToObject(c, "badPaths", (double)s->bad_paths);
    for (int i = 0; i < FN_COUNT; i++)
        cJSON_AddNumberToObject(c, smdpp_fn_names[i], (double)s->counts[i]);
    cJSON *no = cJSON_AddObjectToObject(j, "notifications");
    cJSON_AddNumberToObject(no, "received", (double)s->notif_received);
    cJSON_AddNumberToObject(no, "verified", (double)s->notif_verified);
    cJSON_AddNumberToObject(no, "rejected", (double)s->notif_rejected);
    cJSON_AddNumberToObject(j, "sessions", (double)smdpp_session_count_locked(s));
    cJSON *arr = cJSON_AddArrayToObject(j, "orders");
    for (size_t i = 0; i < s->n_orders; i++) {
        const struct smdpp_order *o = &s->orders[i];
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "matchingId", o->matching_id);
        cJSON_AddStringToObject(e, "iccid", o->profile->iccid);
        cJSON_AddStringToObject(e, "state", smdpp_order_state_name(o->state));
        cJSON_AddNumberToObject(e, "downloads", o->downloads);
        cJSON_AddNumberToObject(e, "ccFailures", o->cc_failures);
        cJSON_AddStringToObject(e, "lastResult", o->last_result);
        cJSON_AddItemToArray(arr, e);
    }
    char *out = cJSON_Print(j);
    cJSON_Delete(j);
    return out;
}

void smdpp_status_write(struct smdpp *s)
{
    if (!s->status_file)
        return;
    char *txt = smdpp_status_json_locked(s);
    if (!txt)
        return;
    size_t n = strlen(s->status_file) + 8;
    char *tmp = malloc(n);
    if (tmp) {
        snprintf(tmp, n, "%s.tmp", s->status_file);
        FILE *f = fopen(tmp, "w");
        if (f) {
            fputs(txt, f);
            fputc('\n', f);
            if (fclose(f) == 0)
                rename(tmp, s->status_file);  /* readers never see a half-written file */
        }
        free(tmp);
    }
    free(txt);
}
