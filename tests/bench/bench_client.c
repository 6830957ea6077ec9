/* SPDX-License-Identifier: MIT */
/*
 * esimlpa-bench-client: runs one libesimlpa operation against the eUICC in
 * pcscd (and the SM-DP+ over libcurl) and prints its cost as one JSON object
 * on stdout: wall and CPU time, APDUs by kind and the protocol minimum,
 * bytes, ES10 commands, HTTP requests / TCP connections / TLS handshakes,
 * peak heap and peak RSS. Used by run-bench.sh; not part of the test run.
 *
 *   esimlpa-bench-client [--ca-file F] [--resolve H:P:A] OP [ARG]
 *   OP: download ACTIVATION_CODE | info | list | enable ICCID | disable ICCID | notifications
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <esimlpa/esimlpa.h>

#include "apdu_meter.h"
#include "heap_count.h"
#include "rspcrypto.h"

/* ---------- HTTP metering: time spent waiting for the server ---------- */

struct http_meter {
    struct esimlpa_http_transport tr;
    struct esimlpa_http_transport *inner;
    double ms;
    const double *card_ms;   /* the APDU meter's: card time inside a streamed post */
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int http_meter_post(void *user, const char *url, const char *const *headers,
                           const uint8_t *body, size_t body_len, struct esimlpa_http_response *r)
{
    struct http_meter *h = user;
    double t0 = now_ms();
    int rc = h->inner->post(h->inner->user, url, headers, body, body_len, r);
    h->ms += now_ms() - t0;
    return rc;
}

/* Connect-ahead (issue 14) passes through: its wait is in the next post. */
static int http_meter_prepare(void *user, const char *url, const char *const *headers,
                              size_t body_len)
{
    struct http_meter *h = user;
    if (h->inner->version < 5 || !h->inner->prepare)
        return 0;
    return h->inner->prepare(h->inner->user, url, headers, body_len);
}

/* A streamed answer (getBoundProfilePackage, issue 14) loads the eUICC from
 * inside the post: that card time is the card's, not the server's. */
static int http_meter_post_stream(void *user, const char *url, const char *const *headers,
                                  const uint8_t *body, size_t body_len,
                                  esimlpa_http_chunk_fn on_chunk, void *chunk_user,
                                  struct esimlpa_http_response *r)
{
    struct http_meter *h = user;
    double t0 = now_ms(), c0 = *h->card_ms;
    int rc = h->inner->post_stream(h->inner->user, url, headers, body, body_len, on_chunk,
                                   chunk_user, r);
    h->ms += now_ms() - t0 - (*h->card_ms - c0);
    return rc;
}

static void http_meter_reset(void *user)
{
    struct http_meter *h = user;
    if (h->inner->reset)
        h->inner->reset(h->inner->user);
}

/* ---------- the ES10 commands each operation needs (SGP.22 §5.7) ---------- */

struct op_spec {
    const char *name;
    unsigned expected[6];   /* ES10 request tags needed once each (0-terminated) */
    int per_notification;   /* + one RemoveNotificationFromList (BF30) per notification */
};

static const struct op_spec ops[] = {
    /* GetEUICCChallenge, GetEUICCInfo1, AuthenticateServer, PrepareDownload;
     * GetRAT only when the profile carries PPRs (§2.9.2.2); LoadBoundProfilePackage per
     * BPP segment; RemoveNotificationFromList */
    /* GetEUICCChallenge, EUICCInfo1, AuthenticateServer, GetRAT (PPRs only),
     * PrepareDownload, and ListNotification: the pending-notification
     * recovery before every download (issue 10 item 3) */
    { "download", { 0xBF2E, 0xBF20, 0xBF38, 0xBF43, 0xBF21, 0xBF28 }, 1 },
    { "info", { 0xBF3E, 0xBF22, 0xBF3C, 0 }, 0 },            /* GetEID, EUICCInfo2, addresses */
    { "list", { 0xBF2D, 0, 0, 0 }, 0 },                       /* GetProfilesInfo */
    { "enable", { 0xBF31, 0, 0, 0 }, 0 },
    { "disable", { 0xBF32, 0, 0, 0 }, 0 },
    { "notifications", { 0xBF2B, 0, 0, 0 }, 1 },             /* RetrieveNotificationsList */
};

struct result {
    const struct op_spec *spec;
    int rc;
    char error[512];
    char iccid[ESIMLPA_ICCID_MAX + 1];
    size_t notifications;      /* delivered (download: 0/1) */
    size_t bpp_size, bpp_segments, bpp_commands;
    unsigned apdus_min;
    cJSON *extra;              /* ES10 commands beyond the needed ones */
    cJSON *commands;           /* non-BPP ES10 commands: tag, sizes, APDUs, minimum */
};

/* Protocol minimum: channel open + SELECT ISD-R + channel close, each needed
 * ES10 command at its minimum (es10_min_apdus), the BPP at ceil(len/255)
 * blocks per segment (cut independently by rspcrypto) plus the GET RESPONSEs
 * of the ProfileInstallationResult. Anything else is listed as extra. */
static void compute_minimum(const struct apdu_meter *m, struct result *r)
{
    int used[6] = { 0 };
    size_t bf30 = 0;
    r->apdus_min = 3;
    r->extra = cJSON_CreateArray();
    r->commands = cJSON_CreateArray();
    size_t pir_resp = 0;
    for (size_t i = 0; i < m->n_cmds; i++) {
        const struct es10_cmd *c = &m->cmds[i];
        if (c->bpp) {
            r->bpp_commands++;
            pir_resp = c->resp_len;
            continue;
        }
        char tag[8];
        snprintf(tag, sizeof tag, "%X", c->tag);
        unsigned min = es10_min_apdus(c->req_len, c->resp_len);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "tag", tag);
        cJSON_AddNumberToObject(o, "request", (double)c->req_len);
        cJSON_AddNumberToObject(o, "response", (double)c->resp_len);
        cJSON_AddNumberToObject(o, "apdus", c->apdus);
        cJSON_AddNumberToObject(o, "min", min);
        cJSON_AddItemToArray(r->commands, o);
        int needed = 0;
        for (int k = 0; k < 6 && r->spec->expected[k]; k++)
            if (r->spec->expected[k] == c->tag && !used[k]) {
                used[k] = 1;
                needed = 1;
                break;
            }
        if (!needed && r->spec->per_notification && c->tag == 0xBF30 && bf30 < r->notifications) {
            bf30++;
            needed = 1;
        }
        if (needed)
            r->apdus_min += min;
        else
            cJSON_AddItemToArray(r->extra, cJSON_CreateString(tag));
    }
    if (m->bpp_len) {
        struct rspc_bpp_seg *segs = NULL;
        size_t n = 0;
        r->bpp_size = m->bpp_len;
        if (rspc_bpp_segments(m->bpp, m->bpp_len, &segs, &n) == 0) {
            r->bpp_segments = n;
            for (size_t i = 0; i < n; i++)
                r->apdus_min += (unsigned)((segs[i].len + 254) / 255);
            r->apdus_min += es10_min_apdus(0, pir_resp);
            free(segs);
        } else {
            cJSON_AddItemToArray(r->extra, cJSON_CreateString("BPP does not cut"));
        }
    }
}

static int run_op(esimlpa_ctx *ctx, struct esimlpa_http_transport *http, const char *op,
                  const char *arg, struct result *r)
{
    if (!strcmp(op, "download")) {
        struct esimlpa_download_options o = { .version = ESIMLPA_DOWNLOAD_OPTIONS_VERSION,
                                              .activation_code = arg, .http = http };
        struct esimlpa_download_result res;
        memset(&res, 0, sizeof res);
        res.struct_size = sizeof res;   /* after the memset: 0 would get nothing back */
        int rc = esimlpa_download_run(ctx, &o, &res);
        snprintf(r->iccid, sizeof r->iccid, "%s", res.iccid);
        r->notifications = res.notification_delivered ? 1 : 0;
        return rc;
    }
    if (!strcmp(op, "info")) {
        char eid[ESIMLPA_EID_LEN + 1];
        struct esimlpa_euicc_info2 *i2 = NULL;
        struct esimlpa_configured_addresses *a = NULL;
        int rc = esimlpa_eid_get(ctx, eid);
        if (rc == 0)
            rc = esimlpa_euicc_info2_get(ctx, &i2);
        if (rc == 0)
            rc = esimlpa_configured_addresses_get(ctx, &a);
        esimlpa_euicc_info2_free(i2);
        esimlpa_configured_addresses_free(a);
        return rc;
    }
    if (!strcmp(op, "list")) {
        struct esimlpa_profile_list *l = NULL;
        int rc = esimlpa_profiles_list(ctx, NULL, &l);
        esimlpa_profile_list_free(l);
        return rc;
    }
    if (!strcmp(op, "enable") || !strcmp(op, "disable")) {
        struct esimlpa_profile_id id;
        int rc = esimlpa_profile_id_parse(arg, &id);
        if (rc != 0)
            return rc;
        return op[0] == 'e' ? esimlpa_profile_enable(ctx, &id, 0)
                            : esimlpa_profile_disable(ctx, &id, 0);
    }
    size_t delivered = 0, failed = 0;
    int rc = esimlpa_notifications_process(ctx, http, -1, &delivered, &failed);
    r->notifications = delivered;
    return rc;
}

static double tv_ms(struct timeval tv)
{
    return tv.tv_sec * 1e3 + tv.tv_usec / 1e3;
}

static void usage(void)
{
    fprintf(stderr, "usage: esimlpa-bench-client [--ca-file F] [--resolve H:P:A] OP [ARG]\n"
                    "  OP: download AC | info | list | enable ICCID | disable ICCID | notifications\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *ca_file = NULL, *resolve[2] = { NULL, NULL };
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i += 2) {
        if (i + 1 >= argc)
            usage();
        if (!strcmp(argv[i], "--ca-file"))
            ca_file = argv[i + 1];
        else if (!strcmp(argv[i], "--resolve"))
            resolve[0] = argv[i + 1];
        else
            usage();
    }
    if (i >= argc)
        usage();
    const char *op = argv[i], *arg = i + 1 < argc ? argv[i + 1] : NULL;
    struct result r;
    memset(&r, 0, sizeof r);
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
        if (!strcmp(ops[k].name, op))
            r.spec = &ops[k];
    if (!r.spec || ((!strcmp(op, "download") || !strcmp(op, "enable") || !strcmp(op, "disable"))
                    && !arg))
        usage();

    struct esimlpa_apdu_transport *pcsc = NULL;
    struct esimlpa_http_transport *curl = NULL;
    struct esimlpa_curl_options co = { .version = ESIMLPA_CURL_OPTIONS_VERSION,
                                       .ca_file = ca_file,
                                       .resolve = resolve[0] ? resolve : NULL };
    if (esimlpa_pcsc_transport_new(NULL, &pcsc) != 0 ||
        esimlpa_curl_transport_new(&co, &curl) != 0) {
        fprintf(stderr, "esimlpa-bench-client: cannot create the transports\n");
        return 1;
    }
    struct apdu_meter m;
    apdu_meter_init(&m, pcsc);
    struct http_meter hm = { .tr = { .version = ESIMLPA_HTTP_TRANSPORT_VERSION, .user = &hm,
                                     .post = http_meter_post, .reset = http_meter_reset,
                                     .prepare = http_meter_prepare,
                                     .post_stream = http_meter_post_stream },
                             .inner = curl, .card_ms = &m.card_ms };
    struct esimlpa_ctx_options o = { .version = ESIMLPA_CTX_OPTIONS_VERSION, .transport = &m.tr };
    esimlpa_ctx *ctx = NULL;
    if (esimlpa_ctx_new(&o, &ctx) != 0) {
        fprintf(stderr, "esimlpa-bench-client: cannot create the context\n");
        return 1;
    }

    /* Measured: open (channel + SELECT), the operation, close. */
    struct heap_count h0, h1;
    heap_count_reset_peak();
    heap_count_get(&h0);
    struct rusage ru0, ru1;
    getrusage(RUSAGE_SELF, &ru0);
    double t0 = now_ms();
    int rc = esimlpa_ctx_open(ctx);
    if (rc == 0)
        rc = run_op(ctx, &hm.tr, op, arg, &r);
    if (rc != 0)
        snprintf(r.error, sizeof r.error, "%s", esimlpa_ctx_last_error(ctx));
    struct esimlpa_ctx_stats st = { .struct_size = sizeof st };
    esimlpa_ctx_stats_read(ctx, &st);
    esimlpa_ctx_close(ctx);
    double t1 = now_ms();
    getrusage(RUSAGE_SELF, &ru1);
    heap_count_get(&h1);
    r.rc = rc;
    compute_minimum(&m, &r);

    struct esimlpa_http_stats hs = { .struct_size = sizeof hs };
    esimlpa_curl_transport_stats_read(curl, &hs);
    double user_ms = tv_ms(ru1.ru_utime) - tv_ms(ru0.ru_utime);
    double sys_ms = tv_ms(ru1.ru_stime) - tv_ms(ru0.ru_stime);

    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "op", op);
    cJSON_AddStringToObject(j, "arg", arg ? arg : "");
    cJSON_AddNumberToObject(j, "rc", rc);
    cJSON_AddStringToObject(j, "error", rc ? r.error : "");
    cJSON_AddStringToObject(j, "iccid", r.iccid);
    cJSON_AddNumberToObject(j, "wall_ms", t1 - t0);
    cJSON_AddNumberToObject(j, "cpu_ms", user_ms + sys_ms);
    cJSON_AddNumberToObject(j, "cpu_user_ms", user_ms);
    cJSON_AddNumberToObject(j, "cpu_sys_ms", sys_ms);
    cJSON_AddNumberToObject(j, "card_ms", m.card_ms);
    cJSON_AddNumberToObject(j, "http_ms", hm.ms);
    cJSON_AddNumberToObject(j, "apdus", (double)m.apdus);
    cJSON_AddNumberToObject(j, "apdus_min", r.apdus_min);
    cJSON_AddNumberToObject(j, "apdu_bytes_sent", (double)m.bytes_sent);
    cJSON_AddNumberToObject(j, "apdu_bytes_received", (double)m.bytes_received);
    cJSON_AddNumberToObject(j, "store_data_blocks", (double)m.store_data);
    cJSON_AddNumberToObject(j, "get_responses", (double)m.get_response);
    cJSON_AddNumberToObject(j, "manage_channel", (double)m.manage_channel);
    cJSON_AddNumberToObject(j, "select", (double)m.select);
    cJSON_AddNumberToObject(j, "es10_commands", (double)m.n_cmds);
    cJSON_AddItemToObject(j, "es10_extra", r.extra);
    cJSON_AddItemToObject(j, "es10", r.commands);
    cJSON_AddNumberToObject(j, "bpp_size", (double)r.bpp_size);
    cJSON_AddNumberToObject(j, "bpp_segments", (double)r.bpp_segments);
    cJSON_AddNumberToObject(j, "bpp_commands", (double)r.bpp_commands);
    cJSON_AddNumberToObject(j, "notifications", (double)r.notifications);
    cJSON_AddNumberToObject(j, "http_requests", (double)hs.requests);
    cJSON_AddNumberToObject(j, "tcp_connections", (double)hs.connections);
    cJSON_AddNumberToObject(j, "tls_handshakes", (double)hs.tls_handshakes);
    cJSON_AddNumberToObject(j, "http_bytes_sent", (double)hs.bytes_sent);
    cJSON_AddNumberToObject(j, "http_bytes_received", (double)hs.bytes_received);
    cJSON_AddNumberToObject(j, "heap_start", (double)h0.current);
    cJSON_AddNumberToObject(j, "heap_peak", (double)h1.peak);
    cJSON_AddNumberToObject(j, "heap_peak_over_start", (double)(h1.peak - h0.current));
    cJSON_AddNumberToObject(j, "heap_allocations", (double)(h1.allocations - h0.allocations));
    cJSON_AddNumberToObject(j, "peak_rss_kb", (double)ru1.ru_maxrss);
    cJSON *ls = cJSON_AddObjectToObject(j, "lib_stats");   /* the library's own counters */
    cJSON_AddNumberToObject(ls, "apdus_before_close", (double)st.apdus);
    cJSON_AddNumberToObject(ls, "store_data_blocks", (double)st.store_data_blocks);
    cJSON_AddNumberToObject(ls, "get_responses", (double)st.get_responses);
    char *txt = cJSON_PrintUnformatted(j);
    puts(txt);
    free(txt);
    cJSON_Delete(j);

    esimlpa_ctx_free(ctx);
    apdu_meter_clear(&m);
    esimlpa_curl_transport_free(curl);
    esimlpa_pcsc_transport_free(pcsc);
    return rc == 0 ? 0 : 1;
}
