/* SPDX-License-Identifier: MIT */
/* Logging is opt-in and keeps secrets out (design: "Secrets never reach
 * logs; APDU/HTTP tracing is opt-in and redacts"). A real download with a
 * confirmation code (soft eUICC + test SM-DP+ over HTTPS, in one process)
 * with APDU and HTTP tracing on: trace lines appear, but neither the
 * confirmation code, nor hashCc (hex or base64), nor the bound profile
 * package. Then a download with the log at TRACE but tracing off: no APDU
 * and no ES9+ body line at all. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <esimlpa/activation.h>
#include <esimlpa/download.h>
#include <esimlpa/esimlpa.h>
#include <esimlpa/http.h>

#include "test_client.h"
#include "softeuicc.h"
#include "softeuicc_transport.h"
#include "inproc.h"

/* Adds the test server's ephemeral port to every URL (it is named without one). */
static int consent(void *user, const struct esimlpa_profile_info *md, int cc)
{
    (void)user;
    (void)cc;
    return md->iccid[0] != '\0';
}

/* Every log line, one after the other, "\n"-separated. */
static char g_log[1 << 21];
static size_t g_log_len;
static void log_cb(void *user, enum esimlpa_log_level level, const char *msg)
{
    (void)user;
    int n = snprintf(g_log + g_log_len, sizeof g_log - g_log_len, "%d %s\n", (int)level, msg);
    if (n > 0 && (size_t)n < sizeof g_log - g_log_len)
        g_log_len += (size_t)n;
}

static void hex(const uint8_t *p, size_t n, char *out, int upper)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, upper ? "%02X" : "%02x", p[i]);
}

static void b64(const uint8_t *p, size_t n, char *out)
{
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        out[o++] = t[v >> 18 & 63];
        out[o++] = t[v >> 12 & 63];
        out[o++] = i + 1 < n ? t[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? t[v & 63] : '=';
    }
    out[o] = '\0';
}

/* @word occurs in the log as a token (not inside a longer run of letters/digits). */
static int log_has_token(const char *word)
{
    size_t n = strlen(word);
    for (const char *p = g_log; (p = strstr(p, word)) != NULL; p++) {
        int before = p > g_log && isalnum((unsigned char)p[-1]);
        int after = isalnum((unsigned char)p[n]);
        if (!before && !after)
            return 1;
    }
    return 0;
}

/* A line of the given level whose message starts with @prefix. */
static int log_has_line(const char *prefix)
{
    for (const char *p = g_log; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        const char *msg = strchr(p, ' ');
        if (msg && strncmp(msg + 1, prefix, strlen(prefix)) == 0)
            return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    REQUIRE(argc == 4);   /* gen-rsp-pki.sh, profiles dir, soft eUICC seed */
    struct tc t;
    char cfg[512], dir[] = "/tmp/log-redact-XXXXXX", state[64];
    tc_pki(&t, argv[1]);
    snprintf(cfg, sizeof cfg, "%s/orders.json", argv[2]);
    tc_start(&t, SMDPP_ROLE_SMDP, cfg, NULL);

    REQUIRE(mkdtemp(dir));
    snprintf(state, sizeof state, "%s/state.json", dir);
    inproc_state_write(argv[3], state, inproc_state_empty, NULL);
    struct softeuicc *se = inproc_card_open(&t, state, NULL);
    struct inproc_http w;
    inproc_http_init(&w, &t);

    /* 1. tracing on, confirmation code given */
    struct esimlpa_ctx_options co;
    memset(&co, 0, sizeof co);
    co.version = ESIMLPA_CTX_OPTIONS_VERSION;
    co.transport = softeuicc_transport(se);
    co.log = log_cb;
    co.log_level = ESIMLPA_LOG_TRACE;
    co.trace_apdu = 1;
    co.trace_http = 1;
    esimlpa_ctx *ctx = NULL;
    REQUIRE(esimlpa_ctx_new(&co, &ctx) == 0 && esimlpa_ctx_open(ctx) == 0);
    struct esimlpa_download_options o;
    memset(&o, 0, sizeof o);
    o.version = ESIMLPA_DOWNLOAD_OPTIONS_VERSION;
    o.activation_code = "LPA:1$testsmdpplus1.example.com$TEST-CC";
    o.confirmation_code = "12345678";
    o.http = &w.pub;
    o.consent = consent;
    struct esimlpa_download_result r = { .struct_size = sizeof r };
    int rc = esimlpa_download_run(ctx, &o, &r);
    if (rc)
        fprintf(stderr, "download: %s: %s\n", esimlpa_error_name(rc), esimlpa_ctx_last_error(ctx));
    CHECK(rc == 0);
    esimlpa_ctx_free(ctx);

    /* Tracing happened (so the checks below are not vacuous). */
    CHECK(strstr(g_log, "\n4 > 81E2") != NULL);         /* STORE DATA on channel 1 */
    CHECK(log_has_line("ES9+ > initiateAuthentication:"));
    CHECK(log_has_line("ES9+ < getBoundProfilePackage:"));
    CHECK(strstr(g_log, "redacted: PrepareDownload carries hashCc>") != NULL);
    /* hashCc from the transactionId the library logged. */
    const char *tp = strstr(g_log, "initiateAuthentication: transactionId ");
    REQUIRE(tp);
    tp += strlen("initiateAuthentication: transactionId ");
    uint8_t tid[16];
    size_t tid_len = 0;
    while (tid_len < sizeof tid && isxdigit((unsigned char)tp[0]) &&
           isxdigit((unsigned char)tp[1])) {
        unsigned v;
        sscanf(tp, "%2x", &v);
        tid[tid_len++] = (uint8_t)v;
        tp += 2;
    }
    REQUIRE(tid_len > 0);
    uint8_t hcc[32];
    REQUIRE(esimlpa_hash_cc("12345678", tid, tid_len, hcc) == 0);
    char hx[65], hxl[65], hb[48], part[17];
    hex(hcc, 32, hx, 1);
    hex(hcc, 32, hxl, 0);
    b64(hcc, 32, hb);
    CHECK(strstr(g_log, hx) == NULL);
    CHECK(strstr(g_log, hxl) == NULL);
    CHECK(strstr(g_log, hb) == NULL);
    memcpy(part, hx, 16);   /* not even a segment boundary's share of it */
    part[16] = '\0';
    CHECK(strstr(g_log, part) == NULL);
    memcpy(part, hx + 48, 16);
    CHECK(strstr(g_log, part) == NULL);
    /* The confirmation code: neither as text nor as its ASCII hex. */
    /* (Its ASCII hex is not checked: the test EID 89049032123451234512345678901235
     * holds it, in the eUICC certificate's subject.) */
    CHECK(!log_has_token("12345678"));
    /* The bound profile package is shown as its size only. */
    const char *bpp = strstr(g_log, "\"boundProfilePackage\":\"<");
    CHECK(bpp != NULL);
    printf("traced download: %zu bytes of log, no secret in it\n", g_log_len);
    if (getenv("LOG_REDACT_DUMP"))
        fputs(g_log, stderr);

    /* 2. log at TRACE but no tracing asked: no APDU and no ES9+ body */
    g_log_len = 0;
    g_log[0] = '\0';
    co.trace_apdu = 0;
    co.trace_http = 0;
    REQUIRE(esimlpa_ctx_new(&co, &ctx) == 0 && esimlpa_ctx_open(ctx) == 0);
    o.activation_code = "LPA:1$testsmdpplus1.example.com$TEST-8K";
    o.confirmation_code = NULL;
    rc = esimlpa_download_run(ctx, &o, &r);
    CHECK(rc == 0);
    esimlpa_ctx_free(ctx);
    CHECK(g_log_len > 0);                    /* the log itself is on */
    CHECK(!log_has_line("> "));
    CHECK(!log_has_line("< "));
    CHECK(strstr(g_log, "ES9+ >") == NULL);
    CHECK(strstr(g_log, "ES9+ <") == NULL);
    CHECK(strstr(g_log, "\"transactionId\"") == NULL);

    /* 3. a version-1 options struct is still accepted; tracing HTTP needs version 2 */
    co.version = 1;
    co.trace_http = 1;
    REQUIRE(esimlpa_ctx_new(&co, &ctx) == 0);
    esimlpa_ctx_free(ctx);
    co.version = ESIMLPA_CTX_OPTIONS_VERSION + 1;
    CHECK(esimlpa_ctx_new(&co, &ctx) == ESIMLPA_EINVAL && ctx == NULL);

    inproc_http_free(&w);
    softeuicc_close(se);
    unlink(state);
    rmdir(dir);
    tc_stop(&t);
    if (tc_failures) {
        fprintf(stderr, "%d check(s) failed\n", tc_failures);
        return 1;
    }
    return 0;
}
