/* SPDX-License-Identifier: MIT */
/* The download flow (esimlpa_download_run) and notification delivery against
 * a scripted card and a scripted HTTP transport: the success path, each
 * failure with the cancel requests it must send (reason on the eUICC side,
 * the eUICC's answer forwarded to cancelSession), a PIR error delivered as a
 * notification instead of a cancel, a failed delivery keeping the
 * notification. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <esimlpa/activation.h>
#include <esimlpa/download.h>
#include <esimlpa/es9p.h>

#include "../es10/es10_test.h"
#include "es10/es10_download.h"
#include "es9p/base64.h"

/* ---------- scripted HTTP ---------- */

#define HTTP_MAX 16

struct http_step {
    char fn[40];
    long status;
    char *body;
    int rc;
};

struct fake_http {
    struct http_step steps[HTTP_MAX];
    unsigned n, next;
    char *url[HTTP_MAX];
    char *req[HTTP_MAX];
    int bad;
};

static struct fake_http g_http;

static int fake_post(void *user, const char *url, const char *const *headers,
                     const uint8_t *body, size_t body_len, struct esimlpa_http_response *resp)
{
    struct fake_http *f = user;
    (void)headers;
    if (f->next >= f->n) {
        fprintf(stderr, "fake http: unexpected POST %s\n", url);
        f->bad = 1;
        return ESIMLPA_EHTTP_CONNECT;
    }
    unsigned i = f->next++;
    struct http_step *st = &f->steps[i];
    f->url[i] = strdup(url);
    f->req[i] = malloc(body_len + 1);
    memcpy(f->req[i], body, body_len);
    f->req[i][body_len] = '\0';
    const char *slash = strrchr(url, '/');
    if (!slash || strcmp(slash + 1, st->fn) != 0) {
        fprintf(stderr, "fake http: POST %s, expected function %s\n", url, st->fn);
        f->bad = 1;
    }
    if (st->rc)
        return st->rc;
    resp->status = st->status;
    size_t n = st->body ? strlen(st->body) : 0;
    resp->body = malloc(n + 1);
    memcpy(resp->body, st->body ? st->body : "", n + 1);
    resp->body_len = n;
    resp->admin_protocol = strdup("gsma/rsp/v2.2.0");
    return 0;
}

static struct esimlpa_http_transport g_tr = {
    .version = ESIMLPA_HTTP_TRANSPORT_VERSION, .user = &g_http, .post = fake_post };

static void http_reset(void)
{
    for (unsigned i = 0; i < HTTP_MAX; i++) {
        free(g_http.steps[i].body);
        free(g_http.url[i]);
        free(g_http.req[i]);
    }
    memset(&g_http, 0, sizeof g_http);
}

static void http_expect(const char *fn, long status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void http_expect(const char *fn, long status, const char *fmt, ...)
{
    struct http_step *st = &g_http.steps[g_http.n++];
    snprintf(st->fn, sizeof st->fn, "%s", fn);
    st->status = status;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(NULL, 0, fmt, ap);
        va_end(ap);
        st->body = malloc((size_t)n + 1);
        va_start(ap, fmt);
        vsnprintf(st->body, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
}

static int http_ok(void)
{
    return !g_http.bad && g_http.next == g_http.n;
}

/* The base64 member @name of request @i decodes to the bytes of @want_spec. */
static void check_req_b64(unsigned i, const char *name, const uint8_t *want, size_t want_len)
{
    cJSON *j = g_http.req[i] ? cJSON_Parse(g_http.req[i]) : NULL;
    const cJSON *v = j ? cJSON_GetObjectItemCaseSensitive(j, name) : NULL;
    uint8_t *got = NULL;
    size_t gl = 0;
    if (!cJSON_IsString(v) ||
        esimlpa__b64_decode(v->valuestring, strlen(v->valuestring), 1 << 20, &got, &gl) != 0 ||
        gl != want_len || memcmp(got, want, gl) != 0) {
        fprintf(stderr, "request %u member %s differs\n", i, name);
        t_failures++;
    }
    free(got);
    cJSON_Delete(j);
}

static void check_req_str(unsigned i, const char *name, const char *want)
{
    cJSON *j = g_http.req[i] ? cJSON_Parse(g_http.req[i]) : NULL;
    const cJSON *v = j ? cJSON_GetObjectItemCaseSensitive(j, name) : NULL;
    CHECK_STR(cJSON_IsString(v) ? v->valuestring : NULL, want);
    cJSON_Delete(j);
}

/* ---------- test data ---------- */

#define TID_HEX "0102030405060708"
#define ADDR "smdp.example"
#define OK_HDR "\"header\":{\"functionExecutionStatus\":{\"status\":\"Executed-Success\"}}"
#define CHALLENGE "000102030405060708090A0B0C0D0E0F"
#define SKI "F54172BDF98A95D65CBEB88A38A1C11D800A85C3"
#define INFO1 "BF20 ( 82 ( 020300 ) A9 ( 04 ( " SKI " ) ) AA ( 04 ( " SKI " ) ) )"
#define SS1 "30 ( 80 ( " TID_HEX " ) 81 ( " CHALLENGE " ) 83 ( '" ADDR "' ) 84 ( 101112131415161718191A1B1C1D1E1F ) )"
#define SIG1 "5F37 ( AABBCCDD )"
#define PKID "04 ( " SKI " )"
#define CERT1 "30 ( 30 ( 020101 ) )"
#define AUTH_REQ(mid) "BF38 ( " SS1 SIG1 PKID CERT1 " A0 ( 80 ( '" mid "' ) A1 ( 80 ( 35290611 ) A1 ( ) ) ) )"
#define AUTH_OK "BF38 ( A0 ( 30 ( 80 ( " TID_HEX " ) ) 5F37 ( 01 ) 30 ( 01 ) 30 ( 02 ) ) )"
#define MD "BF25 ( 5A ( 98001032547698103214 ) 91 ( 'OsmocomSPN' ) 92 ( 'Test Profile' ) )"
#define MD_OTHER "BF25 ( 5A ( 98001032547698103224 ) 91 ( 'OsmocomSPN' ) 92 ( 'Test Profile' ) )"
#define SS2(cc) "30 ( 80 ( " TID_HEX " ) 01 ( " cc " ) )"
#define SIG2 "5F37 ( 0102 )"
#define CERT2 "30 ( 30 ( 020102 ) )"
#define PREP_REQ(cc) "BF21 ( " SS2(cc) SIG2 CERT2 " )"
#define PREP_OK "BF21 ( A0 ( 30 ( 80 ( " TID_HEX " ) 5F49 ( 04AA ) ) 5F37 ( 02 ) ) )"
#define BPP_OF(md) "BF36 ( BF23 ( 82 01 01 80 ( " TID_HEX " ) ) A0 ( 87 ( 1111111111111111 ) )" \
    " A1 ( 88 ( " md " 0102030405060708 ) ) A3 ( 86 ( 2222222222222222 ) 86 ( 3333333333333333 ) ) )"
#define NOTIF_MD "BF2F ( 80 ( 05 ) 81 ( 0780 ) 0C ( 'notify.example' ) 5A ( 98001032547698103214 ) )"
#define PIR_OK "BF37 ( BF27 ( 80 ( " TID_HEX " ) " NOTIF_MD " 06 ( 2B0601 ) A2 ( A0 ( 4F ( A0000005591010FFFFFFFF8900001100 ) 04 ( 9000 ) ) ) ) 5F37 ( 0A0B ) )"
#define PIR_ERR "BF37 ( BF27 ( 80 ( " TID_HEX " ) " NOTIF_MD " 06 ( 2B0601 ) A2 ( A1 ( 80 ( 02 ) 81 ( 07 ) ) ) ) 5F37 ( 0A0B ) )"
#define CANCEL_REQ(r) "BF41 ( 80 ( " TID_HEX " ) 81 ( " r " ) )"
#define CANCEL_OK(r) "BF41 ( A0 ( 30 ( 80 ( " TID_HEX " ) 81 ( 2B06 ) 82 ( " r " ) ) 5F37 ( 03 ) ) )"

static uint8_t sbuf[16384];

static char *b64s(const char *spec)
{
    size_t n = t_bytes(spec, sbuf, sizeof sbuf);
    return esimlpa__b64_encode(sbuf, n);
}

static void http_init_auth(void)
{
    char *a = b64s(SS1), *b = b64s(SIG1), *c = b64s(PKID), *d = b64s(CERT1);
    http_expect("initiateAuthentication", 200,
                "{" OK_HDR ",\"transactionId\":\"" TID_HEX "\",\"serverSigned1\":\"%s\","
                "\"serverSignature1\":\"%s\",\"euiccCiPKIdToBeUsed\":\"%s\","
                "\"serverCertificate\":\"%s\"}", a, b, c, d);
    free(a); free(b); free(c); free(d);
}

static void http_auth_client(const char *md, const char *ss2)
{
    char *a = b64s(md), *b = b64s(ss2), *c = b64s(SIG2), *d = b64s(CERT2);
    http_expect("authenticateClient", 200,
                "{" OK_HDR ",\"transactionId\":\"" TID_HEX "\",\"profileMetadata\":\"%s\","
                "\"smdpSigned2\":\"%s\",\"smdpSignature2\":\"%s\",\"smdpCertificate\":\"%s\"}",
                a, b, c, d);
    free(a); free(b); free(c); free(d);
}

static void http_bpp(const char *bpp)
{
    char *a = b64s(bpp);
    http_expect("getBoundProfilePackage", 200,
                "{" OK_HDR ",\"transactionId\":\"" TID_HEX "\",\"boundProfilePackage\":\"%s\"}", a);
    free(a);
}

static void http_failed(const char *fn, const char *subject, const char *reason)
{
    http_expect(fn, 200,
                "{\"header\":{\"functionExecutionStatus\":{\"status\":\"Failed\","
                "\"statusCodeData\":{\"subjectCode\":\"%s\",\"reasonCode\":\"%s\"}}}}",
                subject, reason);
}

static void http_cancel(void)
{
    http_expect("cancelSession", 200, "{" OK_HDR "}");
}

/* EUICCInfo1 first: its CIs set the TLS trust before the connect-ahead of
 * initiateAuthentication, which overlaps with GetEUICCChallenge (issue 14). */
static void card_start(struct fake_card *fc)
{
    fake_card_expect(fc, "BF20 00", INFO1);
    fake_card_expect(fc, "BF2E 00", "BF2E ( 80 ( " CHALLENGE " ) )");
}

/* Script every LoadBPP segment of @bpp_spec (cut by the library's own
 * cutter, tested in rsp-es10): empty answers, @last for segment @upto
 * (0: the last). */
static void card_bpp(struct fake_card *fc, const char *bpp_spec, size_t upto, const char *last,
                     uint16_t last_sw)
{
    size_t n = t_bytes(bpp_spec, sbuf, sizeof sbuf);
    struct esimlpa__bpp_segment *s = NULL;
    size_t ns = 0;
    if (esimlpa__bpp_cut(sbuf, n, &s, &ns, NULL, 0) != 0)
        exit(99);
    if (!upto)
        upto = ns;
    for (size_t i = 0; i < upto; i++) {
        char *hx = malloc(2 * s[i].len + 1);
        for (size_t k = 0; k < s[i].len; k++)
            sprintf(hx + 2 * k, "%02X", sbuf[s[i].off + k]);
        if (i + 1 == upto)
            fake_card_expect_sw(fc, hx, last, last_sw);
        else
            fake_card_expect(fc, hx, "");
        free(hx);
    }
    free(s);
}

/* ---------- callbacks ---------- */

static int g_consent_answer = 1, g_consent_calls, g_cc_flag;
static char g_consent_name[64], g_consent_iccid[32];
static int consent(void *user, const struct esimlpa_profile_info *md, int cc_required)
{
    (void)user;
    g_consent_calls++;
    g_cc_flag = cc_required;
    snprintf(g_consent_name, sizeof g_consent_name, "%s", md->profile_name ? md->profile_name : "");
    snprintf(g_consent_iccid, sizeof g_consent_iccid, "%s", md->iccid);
    return g_consent_answer;
}

static char g_steps[512];
static size_t g_load_done, g_load_total;
static void progress(void *user, enum esimlpa_download_step st, size_t done, size_t total)
{
    (void)user;
    if (st == ESIMLPA_STEP_LOAD_BPP) {
        g_load_done = done;
        g_load_total = total;
        if (done != 0)
            return;   /* list each step once */
    }
    size_t l = strlen(g_steps);
    snprintf(g_steps + l, sizeof g_steps - l, "%s%s", l ? "," : "", esimlpa_download_step_name(st));
}

static struct esimlpa_download_options opts(const char *ac)
{
    struct esimlpa_download_options o;
    memset(&o, 0, sizeof o);
    o.version = ESIMLPA_DOWNLOAD_OPTIONS_VERSION;
    o.activation_code = ac;
    o.http = &g_tr;
    o.consent = consent;
    o.progress = progress;
    o.no_recover = 1;   /* the card scripts start at GetEUICCChallenge */
    g_consent_answer = 1;
    g_consent_calls = 0;
    g_steps[0] = '\0';
    g_load_done = g_load_total = 0;
    return o;
}

#define AC "LPA:1$" ADDR "$MATCH-1"

static void check_has(const char *text, const char *part)
{
    if (!strstr(text, part)) {
        fprintf(stderr, "\"%s\" does not contain \"%s\"\n", text, part);
        t_failures++;
    }
}

/* ---------- tests ---------- */

static void test_success(esimlpa_ctx *ctx, struct fake_card *fc)
{
    http_reset();
    card_start(fc);
    fake_card_expect(fc, AUTH_REQ("MATCH-1"), AUTH_OK);
    fake_card_expect(fc, PREP_REQ("00"), PREP_OK);
    card_bpp(fc, BPP_OF(MD), 0, PIR_OK, 0x9000);
    fake_card_expect(fc, "BF30 ( 80 ( 05 ) )", "BF30 ( 80 ( 00 ) )");
    http_init_auth();
    http_auth_client(MD, SS2("00"));
    http_bpp(BPP_OF(MD));
    http_expect("handleNotification", 204, NULL);
    struct esimlpa_download_options o = opts(AC);
    struct esimlpa_download_result r = { .struct_size = sizeof r };
    int rc = esimlpa_download_run(ctx, &o, &r);
    CHECK_INT(rc, 0);
    if (rc)
        fprintf(stderr, "  %s\n", esimlpa_ctx_last_error(ctx));
    CHECK_STR(r.iccid, "89000123456789012341");
    CHECK_INT(r.isdp_aid_len, 16);
    CHECK(r.isdp_aid[14] == 0x11);
    CHECK_INT(r.notification_seq, 5);
    CHECK_INT(r.notification_delivered, 1);
    size_t bpp_len = t_bytes(BPP_OF(MD), sbuf, sizeof sbuf);
    CHECK_INT(r.bpp_size, bpp_len);
    CHECK_INT(g_load_done, bpp_len);
    CHECK_INT(g_load_total, bpp_len);
    CHECK_INT(g_consent_calls, 1);
    CHECK_STR(g_consent_name, "Test Profile");
    CHECK_STR(g_consent_iccid, "89000123456789012341");
    CHECK_INT(g_cc_flag, 0);
    CHECK_STR(g_steps, "getEUICCChallenge,initiateAuthentication,authenticateServer,"
                       "authenticateClient,consent,prepareDownload,getBoundProfilePackage,"
                       "loadBoundProfilePackage,handleNotification,done");
    CHECK(http_ok());
    /* what went to the servers */
    CHECK_STR(g_http.url[0], "https://" ADDR "/gsma/rsp2/es9plus/initiateAuthentication");
    check_req_str(0, "smdpAddress", ADDR);
    size_t n = t_bytes(CHALLENGE, sbuf, sizeof sbuf);
    check_req_b64(0, "euiccChallenge", sbuf, n);
    n = t_bytes(AUTH_OK, sbuf, sizeof sbuf);
    check_req_b64(1, "authenticateServerResponse", sbuf, n);
    check_req_str(1, "transactionId", TID_HEX);
    n = t_bytes(PREP_OK, sbuf, sizeof sbuf);
    check_req_b64(2, "prepareDownloadResponse", sbuf, n);
    /* the PIR goes to its notificationAddress */
    CHECK_STR(g_http.url[3], "https://notify.example/gsma/rsp2/es9plus/handleNotification");
    n = t_bytes(PIR_OK, sbuf, sizeof sbuf);
    check_req_b64(3, "pendingNotification", sbuf, n);
    CHECK_STR(esimlpa_ctx_last_error(ctx), "");
}

static void test_consent_refused(esimlpa_ctx *ctx, struct fake_card *fc)
{
    http_reset();
    card_start(fc);
    fake_card_expect(fc, AUTH_REQ("MATCH-1"), AUTH_OK);
    fake_card_expect(fc, CANCEL_REQ("00"), CANCEL_OK("00"));
    http_init_auth();
    http_auth_client(MD, SS2("00"));
    http_cancel();
    struct esimlpa_download_options o = opts(AC);
    g_consent_answer = 0;
    struct esimlpa_download_result r = { .struct_size = sizeof r };
    CHECK_INT(esimlpa_download_run(ctx, &o, &r), ESIMLPA_EREFUSED);
    CHECK(http_ok());
    check_has(esimlpa_ctx_last_error(ctx), "consent");
    check_has(esimlpa_ctx_last_error(ctx), "session cancelled");
    CHECK_STR(g_http.url[2], "https://" ADDR "/gsma/rsp2/es9plus/cancelSession");
    check_req_str(2, "transactionId", TID_HEX);
    size_t n = t_bytes(CANCEL_OK("00"), sbuf, sizeof sbuf);
    check_req_b64(2, "cancelSessionResponse", sbuf, n);
    CHECK_INT(r.notification_seq, -1);
    CHECK_STR(r.iccid, "89000123456789012341");
}

static void test_cc_required_missing(esimlpa_ctx *ctx, struct fake_card *fc)
{
    http_reset();
    card_start(fc);
    fake_card_expect(fc, AUTH_REQ("MATCH-1"), AUTH_OK);
    fake_card_expect(fc, CANCEL_REQ("01"), CANCEL_OK("01"));
    http_init_auth();
    http_auth_client(MD, SS2("FF"));
    http_cancel();
    struct esimlpa_download_options o = opts(AC);
    CHECK_INT(esimlpa_download_run(ctx, &o, NULL), ESIMLPA_ECC_REQUIRED);
    CHECK_INT(g_cc_flag, 1);
    CHECK(http_ok());
    check_has(esimlpa_ctx_last_error(ctx), "confirmation code");
}

/* A confirmation code goes in as hashCc over the binary transactionId;
 * then getBoundProfilePackage is refused (8.2.7/3.8): cancel 127, the error
 * and the ES9+ status are those of getBoundProfilePackage. */
static void test_cc_then_bpp_refused(esimlpa_ctx *ctx, struct fake_card *fc)
{
    http_reset();
    uint8_t tid[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, h[32];
    CHECK_INT(esimlpa_hash_cc("12345678", tid, 8, h), 0);
    char req[1024], hx[65];
    for (int i = 0; i < 32; i++)
        sprintf(hx + 2 * i, "%02X", h[i]);
    snprintf(req, sizeof req, "BF21 ( " SS2("FF") SIG2 " 04 ( %s ) " CERT2 " )", hx);
    card_start(fc);
    fake_card_expect(fc, AUTH_REQ("MATCH-1"), AUTH_OK);
    fake_card_expect(fc, req, PREP_OK);
    fake_card_expect(fc, CANCEL_REQ("7F"), CANCEL_OK("7F"));
    http_init_auth();
    http_auth_client(MD, SS2("FF"));
    http_failed("getBoundProfilePackage", "8.2.7", "3.8");
    http_cancel();
    struct esimlpa_download_options o = opts(AC);
    o.confirmation_code = "12345678";
    CHECK_INT(esimlpa_download_run(ctx, &o, NULL), ESIMLPA_EES9_FAILED);
    CHECK(http_ok());
    const char *e = esimlpa_ctx_last_error(ctx);
    check_has(e, "getBoundProfilePackage: Failed, subject 8.2.7 reason 3.8");
    check_has(e, "; session cancelled");
    const struct esimlpa_es9_status *st = esimlpa_ctx_last_es9_status(ctx);
    CHECK_STR(st->function, "getBoundProfilePackage");
    CHECK_STR(st->subject_code, "8.2.7");
    CHECK_INT(st->status, ESIMLPA_ES9_STATUS_FAILED);
}

static void test_initiate_auth_failed(esimlpa_ctx *ctx, struct fake_card *fc)
{
    http_reset();
    card_start(fc);   /* nothing after: no session to cancel */
    http_failed("initiateAuthentication", "8.8.1", "3.8");
    struct esimlpa_download_options o = opts(AC);
    CHECK_INT(esimlpa_download_run(ctx, &o, NULL), ESIMLPA_EES9_FAILED);
    CHECK(http_ok());
    check_has(esimlpa_ctx_last_error(ctx), "initiateAuthentication: Failed");
    CHECK_INT(g_consent_calls, 0);
}

static void test_authenticate_server_refused(esimlpa_ctx *ctx, struct fake_card *fc)
{
    http_reset();
    card_start(fc);
    fake_card_expect(fc, AUTH_REQ("MATCH-1"), "BF38 ( A1 ( 80 ( " TID_HEX " ) 02 ( 02 ) ) )");
    http_init_auth();
    struct esimlpa_download_options o = opts(AC);
    CHECK_INT(esimlpa_download_run(ctx, &o, NULL), ESIMLPA_EAUTH_INVALID_SIGNATURE);
    CHECK(http_ok());
    check_has(esimlpa_ctx_last_error(ctx), "AuthenticateServer");
}

static void test_authenticate_client_failed(esimlpa_ctx *ctx, struct fake_card *fc)
{
    http_reset();
    card_start(fc);
    fake_card_expect(fc, AUTH_REQ("MATCH-1"), AUTH_OK);
    fake_card_expect(fc, CANCEL_REQ("7F"), CANCEL_OK("7F"));
    http_init_auth();
    http_failed("authenticateClient", "8.2.6", "3.8");
    http_cancel();
    struct esimlpa_download_options o = opts(AC);
    CHECK_INT(esimlpa_download_run(ctx, &o, NULL), ESIMLPA_EES9_FAILED);
    CHECK(http_ok());
    check_has(esimlpa_ctx_last_error(ctx), "authenticateClient: Failed, subject 8.2.6 reason 3.8");
    check_has(esimlpa_ctx_last_error(ctx), "session cancelled");
    CHECK_INT(g_consent_calls, 0);
}

/* PrepareDownload refused by the eUICC; its CancelSession answers with an
 * error, which still goes to cancelSession. A failing cancelSession is
 * logged, and the error stays PrepareDownload's. */
static void test_prepare_refused(esimlpa_ctx *ctx, struct fake_card *fc)
{
    http_reset();
    card_start(fc);
    fake_card_expect(fc, AUTH_REQ("MATCH-1"), AUTH_OK);
    fake_card_expect(fc, PREP_REQ("00"), "BF21 ( A1 ( 80 ( " TID_HEX " ) 81 ( 02 ) ) )");
    fake_card_expect(fc, CANCEL_REQ("7F"), "BF41 ( 81 ( 05 ) )");
    http_init_auth();
    http_auth_client(MD, SS2("00"));
    http_failed("cancelSession", "8.10.1", "3.9");
    struct esimlpa_download_options o = opts(AC);
    CHECK_INT(esimlpa_download_run(ctx, &o, NULL), ESIMLPA_EPREP_INVALID_SIGNATURE);
    CHECK(http_ok());
    const char *e = esimlpa_ctx_last_error(ctx);
    check_has(e, "PrepareDownload: eUICC result 2 (invalidSignature)");
    check_has(e, "session cancel failed on the eUICC");
    CHECK_INT(esimlpa_ctx_last_result_code(ctx), 2);
    size_t n = t_bytes("BF41 ( 81 ( 05 ) )", sbuf, sizeof sbuf);
    check_req_b64(2, "cancelSessionResponse", sbuf, n);
}

static void test_metadata_mismatch(esimlpa_ctx *ctx, struct fake_card *fc)
{
    http_reset();
    card_start(fc);
    fake_card_expect(fc, AUTH_REQ("MATCH-1"), AUTH_OK);
    fake_card_expect(fc, PREP_REQ("00"), PREP_OK);
    fake_card_expect(fc, CANCEL_REQ("04"), CANCEL_OK("04"));
    http_init_auth();
    http_auth_client(MD, SS2("00"));
    http_bpp(BPP_OF(MD_OTHER));
    http_cancel();
    struct esimlpa_download_options o = opts(AC);
    CHECK_INT(esimlpa_download_run(ctx, &o, NULL), ESIMLPA_EMETADATA_MISMATCH);
    CHECK(http_ok());
    check_has(esimlpa_ctx_last_error(ctx), "iccid");
}

/* DER length of @n at @p; its size. */
static size_t der_len(uint8_t *p, size_t n)
{
    if (n < 0x80) {
        p[0] = (uint8_t)n;
        return 1;
    }
    size_t k = n < 0x100 ? 1 : n < 0x10000 ? 2 : 3;
    p[0] = (uint8_t)(0x80 | k);
    for (size_t i = 0; i < k; i++)
        p[1 + i] = (uint8_t)(n >> (8 * (k - 1 - i)));
    return 1 + k;
}

/* A hostile package: A0 with 17 87s of 4 KB (the metadata check can only
 * come after them, so they would all be held) before A1. Held back is
 * bounded (64 KB): refused as no readable metadata, cancelled on both
 * sides, nothing sent to the eUICC. */
static void test_held_bounded(esimlpa_ctx *ctx, struct fake_card *fc)
{
    enum { N87 = 17, V87 = 4088 };
    static uint8_t a0[N87 * (V87 + 4)], bpp[N87 * (V87 + 4) + 1024];
    size_t na0 = 0;
    for (int i = 0; i < N87; i++) {
        a0[na0++] = 0x87;
        na0 += der_len(a0 + na0, V87);
        memset(a0 + na0, 0x11, V87);
        na0 += V87;
    }
    uint8_t tail[512];
    size_t nt = t_bytes("A1 ( 88 ( " MD " 0102030405060708 ) ) A3 ( 86 ( 2222222222222222 ) )",
                        tail, sizeof tail);
    uint8_t bf23[64];
    size_t nb = t_bytes("BF23 ( 82 01 01 80 ( " TID_HEX " ) )", bf23, sizeof bf23);
    uint8_t a0h[8];
    size_t na0h = 1 + der_len(a0h + 1, na0);
    a0h[0] = 0xA0;
    size_t inner = nb + na0h + na0 + nt, n = 0;
    bpp[n++] = 0xBF;
    bpp[n++] = 0x36;
    n += der_len(bpp + n, inner);
    memcpy(bpp + n, bf23, nb);
    n += nb;
    memcpy(bpp + n, a0h, na0h);
    n += na0h;
    memcpy(bpp + n, a0, na0);
    n += na0;
    memcpy(bpp + n, tail, nt);
    n += nt;
    char *b = esimlpa__b64_encode(bpp, n);

    http_reset();
    card_start(fc);
    fake_card_expect(fc, AUTH_REQ("MATCH-1"), AUTH_OK);
    fake_card_expect(fc, PREP_REQ("00"), PREP_OK);
    fake_card_expect(fc, CANCEL_REQ("04"), CANCEL_OK("04"));
    http_init_auth();
    http_auth_client(MD, SS2("00"));
    http_expect("getBoundProfilePackage", 200,
                "{" OK_HDR ",\"transactionId\":\"" TID_HEX "\",\"boundProfilePackage\":\"%s\"}", b);
    http_cancel();
    free(b);
    struct esimlpa_download_options o = opts(AC);
    CHECK_INT(esimlpa_download_run(ctx, &o, NULL), ESIMLPA_EMETADATA_MISMATCH);
    CHECK(http_ok());
    CHECK_STR(esimlpa_ctx_last_error(ctx),
              "getBoundProfilePackage: no readable metadata in the bound profile package (more "
              "than 65536 bytes before the end of A1); session cancelled");
}

/* An error PIR ends the session on the eUICC: it is delivered as a
 * notification (and removed), no cancel is sent. */
static void test_pir_error(esimlpa_ctx *ctx, struct fake_card *fc)
{
    http_reset();
    card_start(fc);
    fake_card_expect(fc, AUTH_REQ("MATCH-1"), AUTH_OK);
    fake_card_expect(fc, PREP_REQ("00"), PREP_OK);
    card_bpp(fc, BPP_OF(MD), 3, PIR_ERR, 0x9000);
    fake_card_expect(fc, "BF30 ( 80 ( 05 ) )", "BF30 ( 80 ( 00 ) )");
    http_init_auth();
    http_auth_client(MD, SS2("00"));
    http_bpp(BPP_OF(MD));
    http_expect("handleNotification", 204, NULL);
    struct esimlpa_download_options o = opts(AC);
    struct esimlpa_download_result r = { .struct_size = sizeof r };
    CHECK_INT(esimlpa_download_run(ctx, &o, &r), ESIMLPA_EINSTALL_STRUCTURE);
    CHECK(http_ok());
    CHECK_INT(r.notification_delivered, 1);
    CHECK_INT(r.notification_seq, 5);
    CHECK_INT(r.isdp_aid_len, 0);
    const char *e = esimlpa_ctx_last_error(ctx);
    check_has(e, "storeMetadata");
    check_has(e, "scp03tStructureError");
    check_has(e, "result sent to the SM-DP+");
    CHECK_INT(esimlpa_ctx_last_result_code(ctx), 7);
    size_t n = t_bytes(PIR_ERR, sbuf, sizeof sbuf);
    check_req_b64(3, "pendingNotification", sbuf, n);
}

/* Installed, but the notification cannot be delivered: success, the
 * notification stays on the eUICC (no RemoveNotificationFromList). */
static void test_notification_not_delivered(esimlpa_ctx *ctx, struct fake_card *fc)
{
    http_reset();
    card_start(fc);
    fake_card_expect(fc, AUTH_REQ("MATCH-1"), AUTH_OK);
    fake_card_expect(fc, PREP_REQ("00"), PREP_OK);
    card_bpp(fc, BPP_OF(MD), 0, PIR_OK, 0x9000);
    http_init_auth();
    http_auth_client(MD, SS2("00"));
    http_bpp(BPP_OF(MD));
    http_expect("handleNotification", 503, "busy");
    struct esimlpa_download_options o = opts(AC);
    struct esimlpa_download_result r = { .struct_size = sizeof r };
    CHECK_INT(esimlpa_download_run(ctx, &o, &r), 0);
    CHECK(http_ok());
    CHECK_INT(r.notification_delivered, 0);
    CHECK_INT(r.notification_seq, 5);
    CHECK_INT(r.isdp_aid_len, 16);
}

/* keep_notification: nothing sent after the install. */
static void test_keep_notification(esimlpa_ctx *ctx, struct fake_card *fc)
{
    http_reset();
    card_start(fc);
    fake_card_expect(fc, AUTH_REQ("MATCH-1"), AUTH_OK);
    fake_card_expect(fc, PREP_REQ("00"), PREP_OK);
    card_bpp(fc, BPP_OF(MD), 0, PIR_OK, 0x9000);
    http_init_auth();
    http_auth_client(MD, SS2("00"));
    http_bpp(BPP_OF(MD));
    struct esimlpa_download_options o = opts(AC);
    o.keep_notification = 1;
    struct esimlpa_download_result r = { .struct_size = sizeof r };
    CHECK_INT(esimlpa_download_run(ctx, &o, &r), 0);
    CHECK(http_ok());
    CHECK_INT(r.notification_delivered, 0);
}

/* The card fails mid-load without a PIR: cancel with loadBppExecutionError. */
static void test_load_failed(esimlpa_ctx *ctx, struct fake_card *fc)
{
    http_reset();
    card_start(fc);
    fake_card_expect(fc, AUTH_REQ("MATCH-1"), AUTH_OK);
    fake_card_expect(fc, PREP_REQ("00"), PREP_OK);
    card_bpp(fc, BPP_OF(MD), 4, "", 0x6F00);
    fake_card_expect(fc, CANCEL_REQ("05"), CANCEL_OK("05"));
    http_init_auth();
    http_auth_client(MD, SS2("00"));
    http_bpp(BPP_OF(MD));
    http_cancel();
    struct esimlpa_download_options o = opts(AC);
    CHECK_INT(esimlpa_download_run(ctx, &o, NULL), ESIMLPA_ESW_TECHNICAL);
    CHECK(http_ok());
    check_has(esimlpa_ctx_last_error(ctx), "LoadBoundProfilePackage");
    check_has(esimlpa_ctx_last_error(ctx), "session cancelled");
}

/* Metadata with ppr1 whose owner the RAT does not allow: pprNotAllowed(3). */
static void test_ppr_not_allowed(esimlpa_ctx *ctx, struct fake_card *fc)
{
#define MD_PPR "BF25 ( 5A ( 98001032547698103214 ) 91 ( 'X' ) 92 ( 'Y' ) B7 ( 80 ( 62F210 ) ) 99 ( 0640 ) )"
    http_reset();
    card_start(fc);
    fake_card_expect(fc, AUTH_REQ("MATCH-1"), AUTH_OK);
    fake_card_expect(fc, "BF43 00", "BF43 ( A0 ( 30 ( 80(0640) A1( 30( 80(54F421) ) ) 82(0780) ) ) )");
    fake_card_expect(fc, CANCEL_REQ("03"), CANCEL_OK("03"));
    http_init_auth();
    http_auth_client(MD_PPR, SS2("00"));
    http_cancel();
    struct esimlpa_download_options o = opts(AC);
    CHECK_INT(esimlpa_download_run(ctx, &o, NULL), ESIMLPA_EPPR_NOT_ALLOWED);
    CHECK(http_ok());
    CHECK_INT(g_consent_calls, 0);
    check_has(esimlpa_ctx_last_error(ctx), "ppr1 not allowed for profile owner 26201");
}

static void test_no_default_dp(esimlpa_ctx *ctx, struct fake_card *fc)
{
    http_reset();
    fake_card_expect(fc, "BF3C 00", "BF3C ( 81 ( 'lpa.ds.example' ) )");
    struct esimlpa_download_options o = opts(NULL);
    CHECK_INT(esimlpa_download_run(ctx, &o, NULL), ESIMLPA_ENO_DEFAULT_DP);
    CHECK(http_ok());
    /* bad input: nothing touches the card or the network */
    o = opts("LPA:2$x$y");
    CHECK_INT(esimlpa_download_run(ctx, &o, NULL), ESIMLPA_EBADACTIVATION);
    check_has(esimlpa_ctx_last_error(ctx), "AC_Format");
    o = opts(AC);
    o.imei = "12345";
    CHECK_INT(esimlpa_download_run(ctx, &o, NULL), ESIMLPA_EINVAL);
    o.http = NULL;
    CHECK_INT(esimlpa_download_run(ctx, &o, NULL), ESIMLPA_EINVAL);
    o = opts(AC);
    o.version = 99;
    CHECK_INT(esimlpa_download_run(ctx, &o, NULL), ESIMLPA_EINVAL);
}

/* The default SM-DP+ address and no matching ID. */
static void test_default_dp(esimlpa_ctx *ctx, struct fake_card *fc)
{
    http_reset();
    fake_card_expect(fc, "BF3C 00", "BF3C ( 80 ( '" ADDR "' ) 81 ( 'lpa.ds.example' ) )");
    card_start(fc);
    fake_card_expect(fc, "BF38 ( " SS1 SIG1 PKID CERT1 " A0 ( A1 ( 80 ( 35290611 ) A1 ( ) ) ) )",
                     "BF38 ( A1 ( 80 ( " TID_HEX " ) 02 ( 7F ) ) )");
    http_init_auth();
    struct esimlpa_download_options o = opts(NULL);
    CHECK_INT(esimlpa_download_run(ctx, &o, NULL), ESIMLPA_EAUTH_UNDEFINED);
    CHECK(http_ok());
    CHECK_STR(g_http.url[0], "https://" ADDR "/gsma/rsp2/es9plus/initiateAuthentication");
}

/* ---------- notifications_process ---------- */

#define CERTX "30 ( 30 ( 020101 ) 30 ( 0500 ) 03 ( 00AA ) )"
#define OTHER_NOTIF(seq, addr) "30 ( BF2F ( 80 ( " seq " ) 81 ( 0640 ) 0C ( '" addr "' ) 5A ( 98001032547698103214 ) ) 5F37 ( 01 ) " CERTX CERTX " )"

static void test_notifications_process(esimlpa_ctx *ctx, struct fake_card *fc)
{
    http_reset();
    fake_card_expect(fc, "BF2B 00", "BF2B ( A0 ( " PIR_OK OTHER_NOTIF("07", "a.example")
                                    OTHER_NOTIF("08", "b.example") " ) )");
    fake_card_expect(fc, "BF30 ( 80 ( 05 ) )", "BF30 ( 80 ( 00 ) )");
    fake_card_expect(fc, "BF30 ( 80 ( 08 ) )", "BF30 ( 80 ( 00 ) )");
    http_expect("handleNotification", 204, NULL);
    http_expect("handleNotification", 500, "oops");
    http_expect("handleNotification", 200, "%s", "");
    size_t ok = 99, bad = 99;
    CHECK_INT(esimlpa_notifications_process(ctx, &g_tr, -1, &ok, &bad), ESIMLPA_EHTTP_STATUS);
    CHECK_INT(ok, 2);
    CHECK_INT(bad, 1);
    CHECK(http_ok());
    CHECK_STR(g_http.url[0], "https://notify.example/gsma/rsp2/es9plus/handleNotification");
    CHECK_STR(g_http.url[1], "https://a.example/gsma/rsp2/es9plus/handleNotification");
    CHECK_STR(g_http.url[2], "https://b.example/gsma/rsp2/es9plus/handleNotification");
    size_t n = t_bytes(OTHER_NOTIF("07", "a.example"), sbuf, sizeof sbuf);
    check_req_b64(1, "pendingNotification", sbuf, n);
    /* one by seqNumber; nothing pending */
    http_reset();
    fake_card_expect(fc, "BF2B ( A0 ( 80 ( 07 ) ) )", "BF2B ( A0 ( " OTHER_NOTIF("07", "a.example") " ) )");
    fake_card_expect(fc, "BF30 ( 80 ( 07 ) )", "BF30 ( 80 ( 00 ) )");
    fake_card_expect(fc, "BF2B 00", "BF2B ( 81 ( 01 ) )");
    http_expect("handleNotification", 204, NULL);
    CHECK_INT(esimlpa_notifications_process(ctx, &g_tr, 7, &ok, &bad), 0);
    CHECK_INT(ok, 1);
    CHECK_INT(bad, 0);
    CHECK_INT(esimlpa_notifications_process(ctx, &g_tr, -1, &ok, &bad), 0);
    CHECK_INT(ok, 0);
    CHECK(http_ok());
}

/* SM-DS discovery: root SM-DS from the eUICC, no matchingId, events
 * returned, the eUICC session closed with CancelSession(127), no ES9+
 * cancel (ES11 has none). */
static void test_discovery(esimlpa_ctx *ctx, struct fake_card *fc)
{
    http_reset();
    fake_card_expect(fc, "BF3C 00", "BF3C ( 81 ( '" ADDR "' ) )");
    /* Discovery (ES11) keeps the challenge first: no connect-ahead there. */
    fake_card_expect(fc, "BF2E 00", "BF2E ( 80 ( " CHALLENGE " ) )");
    fake_card_expect(fc, "BF20 00", INFO1);
    fake_card_expect(fc, "BF38 ( " SS1 SIG1 PKID CERT1 " A0 ( A1 ( 80 ( 35290611 ) A1 ( ) ) ) )",
                     AUTH_OK);
    fake_card_expect(fc, CANCEL_REQ("7F"), CANCEL_OK("7F"));
    http_init_auth();
    http_expect("authenticateClient", 200,
                "{" OK_HDR ",\"transactionId\":\"" TID_HEX "\",\"eventEntries\":["
                "{\"eventId\":\"EV-1\",\"rspServerAddress\":\"smdp.example\"}]}");
    struct esimlpa_event_list *ev = NULL;
    int rc = esimlpa_discovery_run(ctx, &g_tr, NULL, NULL, &ev);
    CHECK_INT(rc, 0);
    if (rc)
        fprintf(stderr, "  %s\n", esimlpa_ctx_last_error(ctx));
    CHECK(ev && ev->count == 1);
    if (ev && ev->count == 1) {
        CHECK_STR(ev->items[0].event_id, "EV-1");
        CHECK_STR(ev->items[0].rsp_server_address, "smdp.example");
    }
    esimlpa_event_list_free(ev);
    CHECK(http_ok());
    check_req_str(0, "smdpAddress", ADDR);
}

int main(void)
{
    RUN(test_success);
    RUN(test_consent_refused);
    RUN(test_cc_required_missing);
    RUN(test_cc_then_bpp_refused);
    RUN(test_initiate_auth_failed);
    RUN(test_authenticate_server_refused);
    RUN(test_authenticate_client_failed);
    RUN(test_prepare_refused);
    RUN(test_metadata_mismatch);
    RUN(test_held_bounded);
    RUN(test_pir_error);
    RUN(test_notification_not_delivered);
    RUN(test_keep_notification);
    RUN(test_load_failed);
    RUN(test_ppr_not_allowed);
    RUN(test_no_default_dp);
    RUN(test_default_dp);
    RUN(test_notifications_process);
    RUN(test_discovery);
    http_reset();
    if (t_failures) {
        fprintf(stderr, "%d check(s) failed\n", t_failures);
        return 1;
    }
    return 0;
}
