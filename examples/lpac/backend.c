/* SPDX-License-Identifier: MIT */
/* Backend selection from lpac's environment variables, mapped onto
 * libesimlpa's transports:
 *   LPAC_APDU  pcsc (default) | at | at_csim | qmi
 *   LPAC_APDU_PCSC_DRV_IFID / _DRV_NAME / _DRV_IGNORE_NAME, LPAC_APDU_AT_DEVICE,
 *   LPAC_APDU_QMI_DEVICE, LPAC_APDU_QMI_UIM_SLOT,
 *   LPAC_CUSTOM_ISD_R_AID, LPAC_CUSTOM_ES10X_MSS, LPAC_APDU_DEBUG, LPAC_HTTP_DEBUG
 *   LPAC_HTTP  curl (default)
 * and ours for TLS: ESIMLPA_CA_FILE, ESIMLPA_CA_PATH, ESIMLPA_TEST_CI,
 * ESIMLPA_RESOLVE, ESIMLPA_TLS_INSECURE. */
#include "lpac.h"
#include "env.h"
#include "jline.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RESOLVE 8

int lpac_usage(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    jl_error("usage", buf);
    return LPAC_EXIT_FAIL;
}

static int setup_error(const char *detail)
{
    jl_error("euicc_init", detail);
    return LPAC_EXIT_FAIL;
}

int lpac_fail(struct lpac *l, const char *function, int rc)
{
    char buf[768];
    const char *detail = l && l->ctx ? esimlpa_ctx_last_error(l->ctx) : NULL;
    if (detail && *detail)
        snprintf(buf, sizeof buf, "%s: %s", esimlpa_error_name(rc), detail);
    else
        snprintf(buf, sizeof buf, "%s: %s", esimlpa_error_name(rc), esimlpa_strerror(rc));
    jl_error(function, buf);
    return rc == ESIMLPA_ECANCELLED ? LPAC_EXIT_CANCELLED : LPAC_EXIT_FAIL;
}

static void log_cb(void *user, enum esimlpa_log_level level, const char *msg)
{
    (void)user;
    size_t n = esimlpa_text_escape(msg, NULL, 0) + 1;
    char *s = malloc(n);
    if (!s)
        return;
    esimlpa_text_escape(msg, s, n);   /* may quote a card's or server's words */
    fprintf(stderr, "esimlpa-lpac: %s: %s\n", level == ESIMLPA_LOG_TRACE ? "trace" :
            level <= ESIMLPA_LOG_ERROR ? "error" : level <= ESIMLPA_LOG_WARN ? "warning" : "debug", s);
    free(s);
}

/* The PC/SC reader as lpac picks it: index LPAC_APDU_PCSC_DRV_IFID, else the
 * first whose name contains LPAC_APDU_PCSC_DRV_NAME, skipping names that
 * contain one of the ';'-separated LPAC_APDU_PCSC_DRV_IGNORE_NAME parts; else
 * $ESIMLPA_READER; else the library's choice (first reader with a card). */
static int pick_reader(char *out, size_t out_size, const char **why)
{
    const char *ifid = env_str("LPAC_APDU_PCSC_DRV_IFID");
    const char *part = env_str("LPAC_APDU_PCSC_DRV_NAME");
    const char *ignore = env_str("LPAC_APDU_PCSC_DRV_IGNORE_NAME");
    if (!ifid && !part && !ignore) {
        const char *r = env_str("ESIMLPA_READER");
        snprintf(out, out_size, "%s", r ? r : "");
        return 0;
    }
    long index = -1;
    if (ifid) {
        char *end;
        errno = 0;
        index = strtol(ifid, &end, 10);
        if (errno || *end || index < 0) {
            *why = "LPAC_APDU_PCSC_DRV_IFID wants a reader index from 0";
            return -1;
        }
    }
    char **names = NULL;
    int rc = esimlpa_pcsc_readers_list(&names);
    if (rc != ESIMLPA_OK) {
        *why = esimlpa_strerror(rc);
        return -1;
    }
    int found = 0;
    for (long i = 0; names[i] && !found; i++) {
        if (index >= 0 && i != index)
            continue;
        if (part && !strstr(names[i], part))
            continue;
        int skip = 0;
        if (ignore) {
            char list[512];
            snprintf(list, sizeof list, "%s", ignore);
            char *save = NULL;
            for (char *t = strtok_r(list, ";", &save); t; t = strtok_r(NULL, ";", &save))
                if (*t && strstr(names[i], t))
                    skip = 1;
        }
        if (skip)
            continue;
        snprintf(out, out_size, "%s", names[i]);
        found = 1;
    }
    esimlpa_pcsc_readers_free(names);
    if (!found) {
        *why = "no PC/SC reader matches LPAC_APDU_PCSC_DRV_IFID / _DRV_NAME / _DRV_IGNORE_NAME";
        return -1;
    }
    return 0;
}

static int transport_new(struct lpac *l)
{
    const char *apdu = env_str("LPAC_APDU");
    if (!apdu || strcmp(apdu, "pcsc") == 0) {
        l->apdu_kind = LPAC_APDU_PCSC;
        char reader[256];
        const char *why = NULL;
        if (pick_reader(reader, sizeof reader, &why) != 0)
            return setup_error(why);
        struct esimlpa_pcsc_options po = { .version = ESIMLPA_PCSC_OPTIONS_VERSION,
                                           .reader = reader[0] ? reader : NULL };
        int rc = esimlpa_pcsc_transport_new(&po, &l->tr);
        return rc == ESIMLPA_OK ? LPAC_EXIT_OK : lpac_fail(l, "euicc_init", rc);
    }
    if (strcmp(apdu, "at") == 0 || strcmp(apdu, "at_csim") == 0) {
        l->apdu_kind = strcmp(apdu, "at") == 0 ? LPAC_APDU_AT : LPAC_APDU_AT_CSIM;
        const char *dev = env_str("LPAC_APDU_AT_DEVICE");
        struct esimlpa_at_options ao = { .version = ESIMLPA_AT_OPTIONS_VERSION,
                                         .device = dev ? dev : "/dev/ttyUSB0",
                                         .force_csim = l->apdu_kind == LPAC_APDU_AT_CSIM };
        int rc = esimlpa_at_transport_new(&ao, &l->tr);
        return rc == ESIMLPA_OK ? LPAC_EXIT_OK : lpac_fail(l, "euicc_init", rc);
    }
    if (strcmp(apdu, "qmi") == 0) {
        l->apdu_kind = LPAC_APDU_QMI;
        const char *dev = env_str("LPAC_APDU_QMI_DEVICE");
        const char *slot_s = env_str("LPAC_APDU_QMI_UIM_SLOT");
        unsigned long slot = 1;
        if (slot_s) {
            char *end;
            slot = strtoul(slot_s, &end, 10);
            if (*end || slot < 1 || slot > 2)
                return setup_error("LPAC_APDU_QMI_UIM_SLOT wants 1 or 2");
        }
        struct esimlpa_qmi_options qo = { .version = ESIMLPA_QMI_OPTIONS_VERSION,
                                          .device = dev ? dev : "/dev/cdc-wdm0",
                                          .slot = (unsigned)slot };
        int rc = esimlpa_qmi_transport_new(&qo, &l->tr);
        return rc == ESIMLPA_OK ? LPAC_EXIT_OK : lpac_fail(l, "euicc_init", rc);
    }
    char buf[160];
    snprintf(buf, sizeof buf, "LPAC_APDU '%.40s' is not supported here (pcsc, at, at_csim, qmi)", apdu);
    return setup_error(buf);
}

/* LPAC_CUSTOM_ISD_R_AID: hex, 5..16 bytes (ISO 7816-4 AID). */
static int parse_aid(const char *s, uint8_t *out, size_t *len)
{
    size_t n = strlen(s);
    if (n < 10 || n > 32 || n % 2 || strspn(s, "0123456789abcdefABCDEF") != n)
        return -1;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        sscanf(s + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
    *len = n / 2;
    return 0;
}

int lpac_open(struct lpac *l)
{
    uint8_t aid[ESIMLPA_AID_MAX];
    size_t aid_len = 0;
    const char *aid_s = env_str("LPAC_CUSTOM_ISD_R_AID");
    if (aid_s && parse_aid(aid_s, aid, &aid_len) != 0)
        return setup_error("invalid custom ISD-R applet id given: LPAC_CUSTOM_ISD_R_AID wants 5 to 16 bytes in hex");
    /* lpac's default block size is 120: large STORE DATA blocks fail on some
     * removable eUICCs (6601) and modems (SGP.22 §5.7.2 lets the LPA segment). */
    unsigned mss = 120;
    const char *mss_s = env_str("LPAC_CUSTOM_ES10X_MSS");
    if (mss_s) {
        char *end;
        errno = 0;
        long v = strtol(mss_s, &end, 10);
        if (errno || *end || v < 6 || v > 255)
            return setup_error("invalid custom ES10x MSS given: LPAC_CUSTOM_ES10X_MSS wants 6 to 255");
        mss = (unsigned)v;
    }
    int st = transport_new(l);
    if (st != LPAC_EXIT_OK)
        return st;
    struct esimlpa_ctx_options o;
    memset(&o, 0, sizeof o);
    o.version = ESIMLPA_CTX_OPTIONS_VERSION;
    o.transport = l->tr;
    o.store_data_mss = mss;
    o.log = log_cb;
    o.trace_apdu = env_bool("LPAC_APDU_DEBUG", 0);
    o.trace_http = env_bool("LPAC_HTTP_DEBUG", 0);
    o.log_level = o.trace_apdu || o.trace_http ? ESIMLPA_LOG_TRACE : ESIMLPA_LOG_WARN;
    if (aid_len) {
        o.isd_r_aid = aid;
        o.isd_r_aid_len = aid_len;
    }
    int rc = esimlpa_ctx_new(&o, &l->ctx);
    if (rc == ESIMLPA_OK)
        rc = esimlpa_ctx_open(l->ctx);
    if (rc != ESIMLPA_OK) {
        st = lpac_fail(l, "euicc_init", rc);
        lpac_close(l);
        return st;
    }
    return LPAC_EXIT_OK;
}

/* TLS is verified always, against the bundled GSMA RSP CIs that the eUICC
 * trusts (SGP.22 §2.6.6), unless ESIMLPA_TLS_INSECURE says otherwise. */
int lpac_http(struct lpac *l)
{
    const char *drv = env_str("LPAC_HTTP");
    if (drv && strcmp(drv, "curl") != 0) {
        char buf[160];
        snprintf(buf, sizeof buf, "LPAC_HTTP '%.40s' is not supported here (curl)", drv);
        return setup_error(buf);
    }
    static char resolve_buf[512];
    static const char *resolve[MAX_RESOLVE + 1];
    size_t nr = 0;
    const char *rs = env_str("ESIMLPA_RESOLVE");
    if (rs) {
        snprintf(resolve_buf, sizeof resolve_buf, "%s", rs);
        char *save = NULL;
        for (char *t = strtok_r(resolve_buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            if (nr >= MAX_RESOLVE || !strchr(t, ':'))
                return setup_error("ESIMLPA_RESOLVE wants HOST:PORT:ADDRESS[,...] (at most 8)");
            resolve[nr++] = t;
        }
    }
    resolve[nr] = NULL;
    struct esimlpa_curl_options co;
    memset(&co, 0, sizeof co);
    co.version = ESIMLPA_CURL_OPTIONS_VERSION;
    co.ca_file = env_str("ESIMLPA_CA_FILE");
    co.ca_path = env_str("ESIMLPA_CA_PATH");
    co.use_test_ci = env_bool("ESIMLPA_TEST_CI", 0);
    co.insecure_no_verify = env_bool("ESIMLPA_TLS_INSECURE", 0);
    co.resolve = nr ? resolve : NULL;
    co.log = log_cb;
    if (co.insecure_no_verify)
        fprintf(stderr, "esimlpa-lpac: warning: ESIMLPA_TLS_INSECURE: the server's TLS certificate is not verified\n");
    int rc = esimlpa_curl_transport_new(&co, &l->http);
    return rc == ESIMLPA_OK ? LPAC_EXIT_OK : lpac_fail(l, "euicc_init", rc);
}

void lpac_close(struct lpac *l)
{
    esimlpa_ctx_free(l->ctx);
    l->ctx = NULL;
    if (l->tr) {
        if (l->apdu_kind == LPAC_APDU_QMI)
            esimlpa_qmi_transport_free(l->tr);
        else if (l->apdu_kind == LPAC_APDU_PCSC)
            esimlpa_pcsc_transport_free(l->tr);
        else
            esimlpa_at_transport_free(l->tr);
    }
    l->tr = NULL;
    esimlpa_curl_transport_free(l->http);
    l->http = NULL;
}
