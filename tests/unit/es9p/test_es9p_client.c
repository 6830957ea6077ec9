/* SPDX-License-Identifier: MIT */
/* ES9+/ES11 client against an in-process fake HTTP transport that records
 * each request and returns a scripted answer (SGP.22 notes §5). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include <esimlpa/esimlpa.h>
#include <esimlpa/es9p.h>

#include "es9p/base64.h"
#include "es9p/es9p_internal.h"
#include "es9p_check.h"

/* ---- fake HTTP transport ---- */

struct fake_http {
    int calls;
    char url[512];
    char headers[8][128];
    int n_headers;
    char *req_body;
    /* script for the next answer */
    int rc;
    long status;
    const char *body;       /* NULL: empty body */
    const char *admin;      /* X-Admin-Protocol of the answer, NULL: absent */
};

static int fake_post(void *user, const char *url, const char *const *headers,
                     const uint8_t *body, size_t body_len, struct esimlpa_http_response *resp)
{
    struct fake_http *f = user;
    f->calls++;
    snprintf(f->url, sizeof f->url, "%s", url);
    f->n_headers = 0;
    for (size_t i = 0; headers && headers[i] && i < 8; i++)
        snprintf(f->headers[f->n_headers++], sizeof f->headers[0], "%s", headers[i]);
    free(f->req_body);
    f->req_body = malloc(body_len + 1);
    memcpy(f->req_body, body, body_len);
    f->req_body[body_len] = '\0';
    if (f->rc)
        return f->rc;
    resp->status = f->status;
    size_t n = f->body ? strlen(f->body) : 0;
    resp->body = malloc(n + 1);
    memcpy(resp->body, f->body ? f->body : "", n + 1);
    resp->body_len = n;
    resp->admin_protocol = f->admin ? strdup(f->admin) : NULL;
    return 0;
}

static void fake_script(struct fake_http *f, long status, const char *body)
{
    f->rc = 0;
    f->status = status;
    f->body = body;
    f->admin = "gsma/rsp/v2.2.0";
}

/* ---- context with a log capture ---- */

static char g_log[65536];
static size_t g_log_len;

static void capture_log(void *user, enum esimlpa_log_level level, const char *msg)
{
    (void)user;
    int n = snprintf(g_log + g_log_len, sizeof g_log - g_log_len, "%d %s\n", (int)level, msg);
    if (n > 0 && g_log_len + (size_t)n < sizeof g_log)
        g_log_len += (size_t)n;
}

static int dummy_transmit(void *user, const uint8_t *cmd, size_t cmd_len, uint8_t *resp,
                          size_t *resp_len)
{
    (void)user, (void)cmd, (void)cmd_len, (void)resp, (void)resp_len;
    return ESIMLPA_ETRANSPORT;
}

static struct esimlpa_apdu_transport g_apdu = {
    .version = ESIMLPA_APDU_TRANSPORT_VERSION, .transmit = dummy_transmit};

static struct fake_http g_fake;
static struct esimlpa_http_transport g_http = {
    .version = ESIMLPA_HTTP_TRANSPORT_VERSION, .user = &g_fake, .post = fake_post};
static esimlpa_ctx *g_ctx;
static struct esimlpa__es9p g_c;

static void reset_client(void)
{
    memset(&g_c, 0, sizeof g_c);
    g_c.ctx = g_ctx;
    g_c.http = &g_http;
    g_log_len = 0;
    g_log[0] = '\0';
    g_fake.calls = 0;
}

/* ---- helpers ---- */

#define TID "0123456789ABCDEF0123456789ABCDEF"
#define OK_HDR "\"header\":{\"functionExecutionStatus\":{\"status\":\"Executed-Success\"}}"
#define ADDR "smdp.example.com"

static char *b64(const void *p, size_t n)
{
    return esimlpa__b64_encode(p, n);
}

static char *json_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *json_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = malloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

/* The last request: URL, the four headers, and a JSON object with exactly
 * the @n keys given; returns the parsed body (caller frees). */
static cJSON *check_request(const char *function, const char *host, const char *const *keys,
                            int n)
{
    char url[300];
    snprintf(url, sizeof url, "https://%s/gsma/rsp2/es9plus/%s", host, function);
    CHECK_STR(g_fake.url, url);
    CHECK_INT(g_fake.n_headers, 4);
    CHECK_STR(g_fake.headers[0], "Content-Type: application/json");
    CHECK_STR(g_fake.headers[1], "X-Admin-Protocol: gsma/rsp/v2.2.0");
    CHECK_STR(g_fake.headers[2], "User-Agent: gsma-rsp-lpad");
    CHECK_STR(g_fake.headers[3], "Accept: application/json");
    cJSON *j = cJSON_Parse(g_fake.req_body);
    CHECK(cJSON_IsObject(j));
    CHECK_INT(cJSON_GetArraySize(j), n);
    CHECK(cJSON_GetObjectItemCaseSensitive(j, "header") == NULL);
    for (int i = 0; i < n; i++)
        CHECK(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(j, keys[i])));
    return j;
}

/* base64 member of @j decodes to @want. */
static void check_b64_member(const cJSON *j, const char *name, const uint8_t *want, size_t len)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);
    CHECK(cJSON_IsString(v));
    if (!cJSON_IsString(v))
        return;
    char *enc = b64(want, len);
    CHECK_STR(v->valuestring, enc);   /* strict padded output, no line breaks */
    free(enc);
}

static const uint8_t CHALLENGE[16] = {0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
                                      0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F};
static const uint8_t INFO1[] = {0xBF, 0x20, 0x08, 0x82, 0x03, 0x02, 0x02, 0x00,
                                0xA9, 0x01, 0x00};
static const uint8_t SS1[] = {0x30, 0x06, 0x80, 0x01, 0x01, 0x81, 0x01, 0x02};
static const uint8_t SIG1[] = {0x5F, 0x37, 0x04, 1, 2, 3, 4};
static const uint8_t PKID[] = {0x04, 0x02, 0xF5, 0x41};
static uint8_t CERT[600];

static char *init_auth_body(const char *hdr, const char *tid, const char *ss1_override)
{
    char *ss1 = b64(SS1, sizeof SS1), *sig = b64(SIG1, sizeof SIG1),
         *pk = b64(PKID, sizeof PKID), *cert = b64(CERT, sizeof CERT);
    char *s = json_printf("{%s,\"transactionId\":\"%s\",\"serverSigned1\":%s,"
                          "\"serverSignature1\":\"%s\",\"euiccCiPKIdToBeUsed\":\"%s\","
                          "\"serverCertificate\":\"%s\"}",
                          hdr, tid, ss1_override ? ss1_override : "", sig, pk, cert);
    if (!ss1_override) {
        free(s);
        s = json_printf("{%s,\"transactionId\":\"%s\",\"serverSigned1\":\"%s\","
                        "\"serverSignature1\":\"%s\",\"euiccCiPKIdToBeUsed\":\"%s\","
                        "\"serverCertificate\":\"%s\"}",
                        hdr, tid, ss1, sig, pk, cert);
    }
    free(ss1), free(sig), free(pk), free(cert);
    return s;
}

static int run_init_auth(struct esimlpa__es9p_init_auth *r)
{
    return esimlpa__es9p_initiate_authentication(&g_c, ADDR, CHALLENGE, INFO1, sizeof INFO1, r);
}

/* A call that must fail with @code and a last error containing @text. */
static void expect_init_auth_error(const char *body, long status, int code, const char *text)
{
    reset_client();
    fake_script(&g_fake, status, body);
    struct esimlpa__es9p_init_auth r;
    CHECK_INT(run_init_auth(&r), code);
    CHECK_HAS(esimlpa_ctx_last_error(g_ctx), text);
    CHECK(r.transaction_id == NULL && r.server_signed1.data == NULL &&
          r.server_certificate.data == NULL);
}

/* ---- tests ---- */

static void test_initiate_authentication(void)
{
    reset_client();
    char *body = init_auth_body(OK_HDR, TID, NULL);
    fake_script(&g_fake, 200, body);
    struct esimlpa__es9p_init_auth r;
    CHECK_INT(run_init_auth(&r), ESIMLPA_OK);
    CHECK_INT(g_fake.calls, 1);
    static const char *const keys[] = {"smdpAddress", "euiccChallenge", "euiccInfo1"};
    cJSON *req = check_request("initiateAuthentication", ADDR, keys, 3);
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(req, "smdpAddress")->valuestring, ADDR);
    check_b64_member(req, "euiccChallenge", CHALLENGE, 16);
    check_b64_member(req, "euiccInfo1", INFO1, sizeof INFO1);
    cJSON_Delete(req);
    CHECK_STR(r.transaction_id, TID);
    CHECK_INT(r.transaction_id_bin_len, 16);
    CHECK(r.transaction_id_bin[0] == 0x01 && r.transaction_id_bin[15] == 0xEF);
    CHECK(r.server_signed1.len == sizeof SS1 && !memcmp(r.server_signed1.data, SS1, sizeof SS1));
    CHECK(r.server_signature1.len == sizeof SIG1 &&
          !memcmp(r.server_signature1.data, SIG1, sizeof SIG1));
    CHECK(r.euicc_ci_pkid_to_be_used.len == sizeof PKID &&
          !memcmp(r.euicc_ci_pkid_to_be_used.data, PKID, sizeof PKID));
    CHECK(r.server_certificate.len == sizeof CERT &&
          !memcmp(r.server_certificate.data, CERT, sizeof CERT));
    CHECK_INT(g_c.status.status, ESIMLPA_ES9_STATUS_SUCCESS);
    CHECK_INT(g_c.status.http_status, 200);
    CHECK_STR(g_c.status.function, "initiateAuthentication");
    esimlpa__es9p_init_auth_clear(&r);
    esimlpa__es9p_init_auth_clear(&r);
    free(body);

    /* transactionId kept exactly as received (lower case, 8 bytes as Redtea) */
    reset_client();
    body = init_auth_body(OK_HDR, "a1b2c3d4e5f60718", NULL);
    fake_script(&g_fake, 200, body);
    CHECK_INT(run_init_auth(&r), ESIMLPA_OK);
    CHECK_STR(r.transaction_id, "a1b2c3d4e5f60718");
    CHECK_INT(r.transaction_id_bin_len, 8);
    CHECK(r.transaction_id_bin[0] == 0xA1 && r.transaction_id_bin[7] == 0x18);
    esimlpa__es9p_init_auth_clear(&r);
    free(body);

    /* ES11 uses the es9plus path on the SM-DS */
    reset_client();
    body = init_auth_body(OK_HDR, TID, NULL);
    fake_script(&g_fake, 200, body);
    CHECK_INT(esimlpa__es11_initiate_authentication(&g_c, "lpa.ds.example.com", CHALLENGE, INFO1,
                                                    sizeof INFO1, &r), ESIMLPA_OK);
    CHECK_STR(g_fake.url, "https://lpa.ds.example.com/gsma/rsp2/es9plus/initiateAuthentication");
    esimlpa__es9p_init_auth_clear(&r);
    free(body);

    /* Executed-WithWarning is a success (pitfall 17), logged as a warning */
    reset_client();
    body = init_auth_body("\"header\":{\"functionExecutionStatus\":{\"status\":"
                          "\"Executed-WithWarning\",\"statusCodeData\":{\"subjectCode\":"
                          "\"8.1\",\"reasonCode\":\"4.8\",\"message\":\"low memory\"}}}",
                          TID, NULL);
    fake_script(&g_fake, 200, body);
    CHECK_INT(run_init_auth(&r), ESIMLPA_OK);
    CHECK_INT(g_c.status.status, ESIMLPA_ES9_STATUS_WARNING);
    CHECK_STR(g_c.status.subject_code, "8.1");
    CHECK_STR(g_c.status.reason_code, "4.8");
    CHECK_STR(g_c.status.message, "low memory");
    CHECK_HAS(g_log, "1 initiateAuthentication: Executed-WithWarning, subject 8.1 reason 4.8");
    esimlpa__es9p_init_auth_clear(&r);
    free(body);

    /* Failed with subject/reason, readable text and the server message */
    reset_client();
    fake_script(&g_fake, 200,
                "{\"header\":{\"functionExecutionStatus\":{\"status\":\"Failed\","
                "\"statusCodeData\":{\"subjectCode\":\"8.8.1\",\"reasonCode\":\"3.8\","
                "\"subjectIdentifier\":\"x\",\"message\":\"bad\\naddress\"}}}}");
    CHECK_INT(run_init_auth(&r), ESIMLPA_EES9_FAILED);
    CHECK_STR(esimlpa_ctx_last_error(g_ctx),
              "initiateAuthentication: Failed, subject 8.8.1 reason 3.8 "
              "(invalid SM-DP+ address): bad?address");
    CHECK_INT(g_c.status.status, ESIMLPA_ES9_STATUS_FAILED);
    CHECK_STR(g_c.status.subject_code, "8.8.1");
    CHECK_STR(g_c.status.reason_code, "3.8");
    CHECK_STR(g_c.status.subject_identifier, "x");
    CHECK(r.transaction_id == NULL);

    /* Failed with an unknown pair and without statusCodeData */
    expect_init_auth_error("{\"header\":{\"functionExecutionStatus\":{\"status\":\"Failed\","
                           "\"statusCodeData\":{\"subjectCode\":\"9.9\",\"reasonCode\":\"9.9\"}}}}",
                           200, ESIMLPA_EES9_FAILED,
                           "initiateAuthentication: Failed, subject 9.9 reason 9.9");
    CHECK(strchr(esimlpa_ctx_last_error(g_ctx), '(') == NULL);
    expect_init_auth_error("{\"header\":{\"functionExecutionStatus\":{\"status\":\"Failed\"}}}",
                           200, ESIMLPA_EES9_FAILED, "Failed, no statusCodeData");
    /* Expired */
    expect_init_auth_error("{\"header\":{\"functionExecutionStatus\":{\"status\":\"Expired\","
                           "\"statusCodeData\":{\"subjectCode\":\"8.8.5\",\"reasonCode\":\"4.10\"}}}}",
                           200, ESIMLPA_EES9_EXPIRED,
                           "initiateAuthentication: Expired, subject 8.8.5 reason 4.10 "
                           "(download order expired)");
    CHECK_INT(g_c.status.status, ESIMLPA_ES9_STATUS_EXPIRED);

    /* HTTP errors */
    expect_init_auth_error("oops", 500, ESIMLPA_EHTTP_STATUS,
                           "initiateAuthentication: HTTP status 500");
    CHECK_INT(g_c.status.http_status, 500);
    expect_init_auth_error(NULL, 404, ESIMLPA_EHTTP_STATUS, "HTTP status 404");
    expect_init_auth_error("{\"header\":{\"functionExecutionStatus\":{\"status\":\"Failed\","
                           "\"statusCodeData\":{\"subjectCode\":\"1.2.1\",\"reasonCode\":\"2.1\"}}}}",
                           400, ESIMLPA_EHTTP_STATUS,
                           "HTTP status 400 (Failed, subject 1.2.1 reason 2.1 (invalid Content-Type))");
    reset_client();
    g_fake.rc = ESIMLPA_EHTTP_CONNECT;
    CHECK_INT(run_init_auth(&r), ESIMLPA_EHTTP_CONNECT);
    CHECK_HAS(esimlpa_ctx_last_error(g_ctx),
              "initiateAuthentication: POST https://smdp.example.com/gsma/rsp2/es9plus/"
              "initiateAuthentication failed");
    CHECK_INT(g_c.status.status, ESIMLPA_ES9_STATUS_NONE);
    g_fake.rc = 0;

    /* malformed bodies */
    expect_init_auth_error(NULL, 200, ESIMLPA_EES9_BADRESPONSE, "response body is empty");
    expect_init_auth_error("{\"header\":", 200, ESIMLPA_EES9_BADRESPONSE, "is not valid JSON");
    expect_init_auth_error("[1,2]", 200, ESIMLPA_EES9_BADRESPONSE, "is not a JSON object");
    expect_init_auth_error("{} x", 200, ESIMLPA_EES9_BADRESPONSE, "data after the JSON value");
    expect_init_auth_error("{\"transactionId\":\"00\"}", 200, ESIMLPA_EES9_BADRESPONSE,
                           "response header is missing");
    expect_init_auth_error("{\"header\":{}}", 200, ESIMLPA_EES9_BADRESPONSE,
                           "header.functionExecutionStatus is missing");
    expect_init_auth_error("{\"header\":{\"functionExecutionStatus\":{\"status\":1}}}", 200,
                           ESIMLPA_EES9_BADRESPONSE, "status is not a string");
    expect_init_auth_error("{\"header\":{\"functionExecutionStatus\":{\"status\":\"Done\"}}}",
                           200, ESIMLPA_EES9_BADRESPONSE, "status has an unknown value");

    /* missing field, wrong type, bad base64, empty blob, bad transactionId */
    body = json_printf("{%s,\"transactionId\":\"%s\",\"serverSigned1\":\"MAA=\","
                       "\"serverSignature1\":\"XzcA\",\"euiccCiPKIdToBeUsed\":\"BAA=\"}",
                       OK_HDR, TID);
    expect_init_auth_error(body, 200, ESIMLPA_EES9_BADRESPONSE,
                           "initiateAuthentication: response lacks serverCertificate");
    free(body);
    body = init_auth_body(OK_HDR, TID, "12");
    expect_init_auth_error(body, 200, ESIMLPA_EES9_BADRESPONSE,
                           "initiateAuthentication: serverSigned1 is not a JSON string");
    free(body);
    body = init_auth_body(OK_HDR, TID, "\"MA*A\"");
    expect_init_auth_error(body, 200, ESIMLPA_EES9_BADRESPONSE,
                           "initiateAuthentication: serverSigned1 is not valid base64");
    free(body);
    body = init_auth_body(OK_HDR, TID, "\"\"");
    expect_init_auth_error(body, 200, ESIMLPA_EES9_BADRESPONSE, "serverSigned1 is empty");
    free(body);
    body = init_auth_body(OK_HDR, "XYZ", NULL);
    expect_init_auth_error(body, 200, ESIMLPA_EES9_BADRESPONSE,
                           "transactionId is not 2..32 hex digits");
    free(body);
    body = init_auth_body(OK_HDR, TID "00", NULL);
    expect_init_auth_error(body, 200, ESIMLPA_EES9_BADRESPONSE, "transactionId is not");
    free(body);

    /* base64 with line breaks (escaped in JSON) and no padding is accepted */
    reset_client();
    body = init_auth_body(OK_HDR, TID, "\"MAaAAQ\\r\\nGBAQI\"");
    fake_script(&g_fake, 200, body);
    CHECK_INT(run_init_auth(&r), ESIMLPA_OK);
    CHECK(r.server_signed1.len == sizeof SS1 && !memcmp(r.server_signed1.data, SS1, sizeof SS1));
    esimlpa__es9p_init_auth_clear(&r);
    free(body);

    /* X-Admin-Protocol: other v2 versions fine, nonsense refused */
    reset_client();
    body = init_auth_body(OK_HDR, TID, NULL);
    fake_script(&g_fake, 200, body);
    g_fake.admin = "gsma/rsp/v2.1.0";
    CHECK_INT(run_init_auth(&r), ESIMLPA_OK);
    esimlpa__es9p_init_auth_clear(&r);
    reset_client();
    g_fake.admin = NULL;
    CHECK_INT(run_init_auth(&r), ESIMLPA_OK);
    esimlpa__es9p_init_auth_clear(&r);
    reset_client();
    g_fake.admin = "http/1.1";
    CHECK_INT(run_init_auth(&r), ESIMLPA_EHEADER);
    CHECK_HAS(esimlpa_ctx_last_error(g_ctx), "unsupported X-Admin-Protocol \"http/1.1\"");
    free(body);
}

static void test_limits(void)
{
    struct esimlpa__es9p_init_auth r;
    /* nesting: 16 levels fine, 17 refused before cJSON parses it */
    char deep[256];
    size_t n = 0;
    n += (size_t)sprintf(deep + n, "{%s,\"x\":", OK_HDR);
    for (int i = 0; i < 15; i++)
        deep[n++] = '[';
    for (int i = 0; i < 15; i++)
        deep[n++] = ']';
    deep[n++] = '}';
    deep[n] = '\0';
    expect_init_auth_error(deep, 200, ESIMLPA_EES9_BADRESPONSE, "lacks transactionId");
    n = (size_t)sprintf(deep, "{%s,\"x\":", OK_HDR);
    for (int i = 0; i < 16; i++)
        deep[n++] = '[';
    for (int i = 0; i < 16; i++)
        deep[n++] = ']';
    deep[n++] = '}';
    deep[n] = '\0';
    expect_init_auth_error(deep, 200, ESIMLPA_EES9_BADRESPONSE, "nests deeper than 16 levels");
    /* brackets inside strings do not count */
    char *body = init_auth_body("\"header\":{\"functionExecutionStatus\":{\"status\":"
                                "\"Executed-Success\",\"statusCodeData\":{\"message\":"
                                "\"[[[[[[[[[[[[[[[[[[[[[[\\\"{{{{{{{{{{{{{{{{{{\"}}}",
                                TID, NULL);
    reset_client();
    fake_script(&g_fake, 200, body);
    CHECK_INT(run_init_auth(&r), ESIMLPA_OK);
    esimlpa__es9p_init_auth_clear(&r);
    /* body size cap */
    reset_client();
    g_c.max_response = 100;
    fake_script(&g_fake, 200, body);
    CHECK_INT(run_init_auth(&r), ESIMLPA_EHTTP_TOOBIG);
    CHECK_HAS(esimlpa_ctx_last_error(g_ctx), "response larger than 100 bytes");
    free(body);

    /* bad arguments never reach the transport */
    reset_client();
    CHECK_INT(esimlpa__es9p_initiate_authentication(&g_c, "https://smdp.example.com", CHALLENGE,
                                                    INFO1, sizeof INFO1, &r), ESIMLPA_EINVAL);
    CHECK_HAS(esimlpa_ctx_last_error(g_ctx), "server address must not contain a scheme");
    CHECK_INT(esimlpa__es9p_initiate_authentication(&g_c, "a.b/x?y", CHALLENGE, INFO1,
                                                    sizeof INFO1, &r), ESIMLPA_EINVAL);
    CHECK_INT(esimlpa__es9p_initiate_authentication(&g_c, ADDR, CHALLENGE, INFO1, 0, &r),
              ESIMLPA_EINVAL);
    struct esimlpa__bytes bpp;
    CHECK_INT(esimlpa__es9p_get_bound_profile_package(&g_c, ADDR, "XYZ", SS1, sizeof SS1, &bpp),
              ESIMLPA_EINVAL);
    CHECK_HAS(esimlpa_ctx_last_error(g_ctx), "transactionId must be 2..32 hex digits");
    CHECK_INT(esimlpa__es9p_get_bound_profile_package(&g_c, ADDR, TID, NULL, 0, &bpp),
              ESIMLPA_EINVAL);
    CHECK_INT(g_fake.calls, 0);
    struct esimlpa_http_transport nopost = {.version = ESIMLPA_HTTP_TRANSPORT_VERSION};
    g_c.http = &nopost;
    CHECK_INT(run_init_auth(&r), ESIMLPA_EINVAL);
    g_c.http = &g_http;

    /* no context: same codes, no crash */
    struct esimlpa__es9p bare = {.http = &g_http};
    fake_script(&g_fake, 500, NULL);
    CHECK_INT(esimlpa__es9p_initiate_authentication(&bare, ADDR, CHALLENGE, INFO1, sizeof INFO1,
                                                    &r), ESIMLPA_EHTTP_STATUS);
    fake_script(&g_fake, 200, "{\"header\":{\"functionExecutionStatus\":{\"status\":\"Failed\"}}}");
    CHECK_INT(esimlpa__es9p_initiate_authentication(&bare, ADDR, CHALLENGE, INFO1, sizeof INFO1,
                                                    &r), ESIMLPA_EES9_FAILED);
    CHECK_INT(bare.status.status, ESIMLPA_ES9_STATUS_FAILED);
    CHECK_INT(esimlpa__es9p_initiate_authentication(NULL, ADDR, CHALLENGE, INFO1, sizeof INFO1,
                                                    &r), ESIMLPA_EINVAL);
}

static const uint8_t ASR[] = {0xBF, 0x38, 0x03, 0xA0, 0x01, 0x00};
static const uint8_t META[] = {0xBF, 0x25, 0x03, 0x5A, 0x01, 0x98};
static const uint8_t SS2[] = {0x30, 0x03, 0x80, 0x01, 0x01};

static char *auth_client_body(const char *tid)
{
    char *m = b64(META, sizeof META), *s = b64(SS2, sizeof SS2), *g = b64(SIG1, sizeof SIG1),
         *c = b64(CERT, sizeof CERT);
    char *tid_part = tid ? json_printf(",\"transactionId\":\"%s\"", tid) : strdup("");
    char *body = json_printf("{%s%s,\"profileMetadata\":\"%s\",\"smdpSigned2\":\"%s\","
                             "\"smdpSignature2\":\"%s\",\"smdpCertificate\":\"%s\"}",
                             OK_HDR, tid_part, m, s, g, c);
    free(m), free(s), free(g), free(c), free(tid_part);
    return body;
}

static void test_authenticate_client(void)
{
    struct esimlpa__es9p_auth_client r;
    reset_client();
    char *body = auth_client_body(TID);
    fake_script(&g_fake, 200, body);
    CHECK_INT(esimlpa__es9p_authenticate_client(&g_c, ADDR, TID, ASR, sizeof ASR, &r), ESIMLPA_OK);
    static const char *const keys[] = {"transactionId", "authenticateServerResponse"};
    cJSON *req = check_request("authenticateClient", ADDR, keys, 2);
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(req, "transactionId")->valuestring, TID);
    check_b64_member(req, "authenticateServerResponse", ASR, sizeof ASR);
    cJSON_Delete(req);
    CHECK(r.profile_metadata.len == sizeof META && !memcmp(r.profile_metadata.data, META, 6));
    CHECK(r.smdp_signed2.len == sizeof SS2 && !memcmp(r.smdp_signed2.data, SS2, sizeof SS2));
    CHECK(r.smdp_signature2.len == sizeof SIG1);
    CHECK(r.smdp_certificate.len == sizeof CERT);
    esimlpa__es9p_auth_client_clear(&r);
    free(body);

    /* same transactionId in other hex case is the same session */
    reset_client();
    body = auth_client_body("0123456789abcdef0123456789abcdef");
    fake_script(&g_fake, 200, body);
    CHECK_INT(esimlpa__es9p_authenticate_client(&g_c, ADDR, TID, ASR, sizeof ASR, &r), ESIMLPA_OK);
    esimlpa__es9p_auth_client_clear(&r);
    free(body);

    /* mismatched / missing transactionId */
    reset_client();
    body = auth_client_body("0123456789ABCDEF0123456789ABCDEE");
    fake_script(&g_fake, 200, body);
    CHECK_INT(esimlpa__es9p_authenticate_client(&g_c, ADDR, TID, ASR, sizeof ASR, &r),
              ESIMLPA_EES9_BADRESPONSE);
    CHECK_HAS(esimlpa_ctx_last_error(g_ctx),
              "authenticateClient: transactionId 0123456789ABCDEF0123456789ABCDEE differs "
              "from the one sent");
    CHECK(r.profile_metadata.data == NULL);
    free(body);
    reset_client();
    body = auth_client_body(NULL);
    fake_script(&g_fake, 200, body);
    CHECK_INT(esimlpa__es9p_authenticate_client(&g_c, ADDR, TID, ASR, sizeof ASR, &r),
              ESIMLPA_EES9_BADRESPONSE);
    CHECK_HAS(esimlpa_ctx_last_error(g_ctx), "authenticateClient: response lacks transactionId");
    free(body);

    /* Failed 8.2.6/3.8: the example message of the brief */
    reset_client();
    fake_script(&g_fake, 200,
                "{\"header\":{\"functionExecutionStatus\":{\"status\":\"Failed\","
                "\"statusCodeData\":{\"subjectCode\":\"8.2.6\",\"reasonCode\":\"3.8\"}}}}");
    CHECK_INT(esimlpa__es9p_authenticate_client(&g_c, ADDR, TID, ASR, sizeof ASR, &r),
              ESIMLPA_EES9_FAILED);
    CHECK_STR(esimlpa_ctx_last_error(g_ctx),
              "authenticateClient: Failed, subject 8.2.6 reason 3.8 (matching ID refused)");

    /* missing smdpSigned2 */
    reset_client();
    fake_script(&g_fake, 200, "{" OK_HDR ",\"transactionId\":\"" TID "\","
                "\"profileMetadata\":\"vyUDWgGY\"}");
    CHECK_INT(esimlpa__es9p_authenticate_client(&g_c, ADDR, TID, ASR, sizeof ASR, &r),
              ESIMLPA_EES9_BADRESPONSE);
    CHECK_HAS(esimlpa_ctx_last_error(g_ctx), "lacks smdpSigned2");
    CHECK(r.profile_metadata.data == NULL);
}

static void test_es11_authenticate_client(void)
{
    struct esimlpa__es11_auth_client r;
    reset_client();
    fake_script(&g_fake, 200,
                "{" OK_HDR ",\"transactionId\":\"" TID "\",\"eventEntries\":["
                "{\"eventId\":\"EVT-1\",\"rspServerAddress\":\"smdp1.example.com\"},"
                "{\"eventId\":\"EVT 2\",\"rspServerAddress\":\" smdp2.example.com:8443 \"}]}");
    CHECK_INT(esimlpa__es11_authenticate_client(&g_c, "lpa.ds.example.com", TID, ASR, sizeof ASR,
                                                &r), ESIMLPA_OK);
    static const char *const keys[] = {"transactionId", "authenticateServerResponse"};
    cJSON *req = check_request("authenticateClient", "lpa.ds.example.com", keys, 2);
    cJSON_Delete(req);
    CHECK_INT(r.count, 2);
    if (r.count == 2) {
        CHECK_STR(r.events[0].event_id, "EVT-1");
        CHECK_STR(r.events[0].rsp_server_address, "smdp1.example.com");
        CHECK_STR(r.events[1].event_id, "EVT 2");
        CHECK_STR(r.events[1].rsp_server_address, "smdp2.example.com:8443");
    }
    esimlpa__es11_auth_client_clear(&r);
    CHECK(r.events == NULL && r.count == 0);

    /* empty and absent lists: no events */
    reset_client();
    fake_script(&g_fake, 200, "{" OK_HDR ",\"transactionId\":\"" TID "\",\"eventEntries\":[]}");
    CHECK_INT(esimlpa__es11_authenticate_client(&g_c, "ds.example.com", TID, ASR, sizeof ASR, &r),
              ESIMLPA_OK);
    CHECK_INT(r.count, 0);
    esimlpa__es11_auth_client_clear(&r);
    fake_script(&g_fake, 200, "{" OK_HDR ",\"transactionId\":\"" TID "\"}");
    CHECK_INT(esimlpa__es11_authenticate_client(&g_c, "ds.example.com", TID, ASR, sizeof ASR, &r),
              ESIMLPA_OK);
    CHECK_INT(r.count, 0);

    /* malformed entries */
    static const struct {
        const char *list, *err;
    } bad[] = {
        {"{}", "eventEntries is not a JSON array"},
        {"[1]", "eventEntries[0] is not a JSON object"},
        {"[{\"eventId\":\"A\",\"rspServerAddress\":\"a.b\"},{\"eventId\":\"B\"}]",
         "eventEntries[1].rspServerAddress is missing"},
        {"[{\"eventId\":7,\"rspServerAddress\":\"a.b\"}]", "eventEntries[0].eventId is not a JSON string"},
        {"[{\"eventId\":\"A\",\"rspServerAddress\":\"https://a.b/x\"}]",
         "eventEntries[0].rspServerAddress must not contain a scheme"},
        {"[{\"eventId\":\"A\\u0001\",\"rspServerAddress\":\"a.b\"}]",
         "eventEntries[0].eventId contains a control character"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        reset_client();
        char *body = json_printf("{" OK_HDR ",\"transactionId\":\"" TID "\",\"eventEntries\":%s}",
                                 bad[i].list);
        fake_script(&g_fake, 200, body);
        CHECK_INT(esimlpa__es11_authenticate_client(&g_c, "ds.example.com", TID, ASR, sizeof ASR,
                                                    &r), ESIMLPA_EES9_BADRESPONSE);
        CHECK_HAS(esimlpa_ctx_last_error(g_ctx), bad[i].err);
        CHECK_HAS(esimlpa_ctx_last_error(g_ctx), "ES11 authenticateClient: ");
        CHECK(r.events == NULL && r.count == 0);
        free(body);
    }
    reset_client();
    fake_script(&g_fake, 200,
                "{\"header\":{\"functionExecutionStatus\":{\"status\":\"Failed\","
                "\"statusCodeData\":{\"subjectCode\":\"8.9.5\",\"reasonCode\":\"3.9\"}}}}");
    CHECK_INT(esimlpa__es11_authenticate_client(&g_c, "ds.example.com", TID, ASR, sizeof ASR, &r),
              ESIMLPA_EES9_FAILED);
    CHECK_HAS(esimlpa_ctx_last_error(g_ctx), "(event unknown)");
}

static void test_get_bpp(void)
{
    const uint8_t pdr[] = {0xBF, 0x21, 0x03, 0xA0, 0x01, 0x00};
    size_t big_len = 20000;
    uint8_t *big = malloc(big_len);
    for (size_t i = 0; i < big_len; i++)
        big[i] = (uint8_t)(i * 7 + 3);
    big[0] = 0xBF, big[1] = 0x36;
    char *enc = b64(big, big_len);
    /* the server breaks the base64 every 76 characters (escaped newlines) */
    size_t el = strlen(enc);
    char *wrapped = malloc(el + el / 76 * 2 + 1);
    size_t w = 0;
    for (size_t i = 0; i < el; i++) {
        if (i && i % 76 == 0)
            wrapped[w++] = '\\', wrapped[w++] = 'n';
        wrapped[w++] = enc[i];
    }
    wrapped[w] = '\0';
    char *body = json_printf("{%s,\"transactionId\":\"%s\",\"boundProfilePackage\":\"%s\"}",
                             OK_HDR, TID, wrapped);

    reset_client();
    fake_script(&g_fake, 200, body);
    struct esimlpa__bytes bpp;
    CHECK_INT(esimlpa__es9p_get_bound_profile_package(&g_c, ADDR, TID, pdr, sizeof pdr, &bpp),
              ESIMLPA_OK);
    static const char *const keys[] = {"transactionId", "prepareDownloadResponse"};
    cJSON *req = check_request("getBoundProfilePackage", ADDR, keys, 2);
    check_b64_member(req, "prepareDownloadResponse", pdr, sizeof pdr);
    cJSON_Delete(req);
    CHECK(bpp.len == big_len && !memcmp(bpp.data, big, big_len));
    esimlpa__bytes_clear(&bpp);
    CHECK(bpp.data == NULL && bpp.len == 0);
    /* trace: bodies logged with blobs elided, nothing long leaked */
    CHECK_HAS(g_log, "4 ES9+ > getBoundProfilePackage: {\"transactionId\":\"" TID "\"");
    CHECK_HAS(g_log, "4 ES9+ < getBoundProfilePackage: ");
    CHECK_HAS(g_log, "\"boundProfilePackage\":\"<20000 bytes>\"");
    CHECK(strstr(g_log, enc + 100) == NULL);
    CHECK(strlen(g_log) < 4000);

    /* Failed confirmation code */
    reset_client();
    fake_script(&g_fake, 200,
                "{\"header\":{\"functionExecutionStatus\":{\"status\":\"Failed\","
                "\"statusCodeData\":{\"subjectCode\":\"8.2.7\",\"reasonCode\":\"3.8\"}}}}");
    CHECK_INT(esimlpa__es9p_get_bound_profile_package(&g_c, ADDR, TID, pdr, sizeof pdr, &bpp),
              ESIMLPA_EES9_FAILED);
    CHECK_STR(esimlpa_ctx_last_error(g_ctx),
              "getBoundProfilePackage: Failed, subject 8.2.7 reason 3.8 "
              "(confirmation code refused)");
    CHECK(bpp.data == NULL);
    /* bad base64 in the BPP */
    reset_client();
    fake_script(&g_fake, 200, "{" OK_HDR ",\"transactionId\":\"" TID "\","
                "\"boundProfilePackage\":\"vzY%%%\"}");
    CHECK_INT(esimlpa__es9p_get_bound_profile_package(&g_c, ADDR, TID, pdr, sizeof pdr, &bpp),
              ESIMLPA_EES9_BADRESPONSE);
    CHECK_HAS(esimlpa_ctx_last_error(g_ctx), "boundProfilePackage is not valid base64");
    CHECK(bpp.data == NULL);
    /* mismatched transactionId */
    reset_client();
    fake_script(&g_fake, 200, "{" OK_HDR ",\"transactionId\":\"00\","
                "\"boundProfilePackage\":\"vzYA\"}");
    CHECK_INT(esimlpa__es9p_get_bound_profile_package(&g_c, ADDR, TID, pdr, sizeof pdr, &bpp),
              ESIMLPA_EES9_BADRESPONSE);
    CHECK_HAS(esimlpa_ctx_last_error(g_ctx), "transactionId 00 differs");
    CHECK(bpp.data == NULL);
    free(big), free(enc), free(wrapped), free(body);
}

static void test_handle_notification(void)
{
    const uint8_t pn[] = {0xBF, 0x37, 0x03, 0xBF, 0x27, 0x00};
    reset_client();
    fake_script(&g_fake, 204, NULL);
    CHECK_INT(esimlpa__es9p_handle_notification(&g_c, ADDR, pn, sizeof pn), ESIMLPA_OK);
    static const char *const keys[] = {"pendingNotification"};
    cJSON *req = check_request("handleNotification", ADDR, keys, 1);
    check_b64_member(req, "pendingNotification", pn, sizeof pn);
    cJSON_Delete(req);
    CHECK_INT(g_c.status.http_status, 204);

    /* 200 with a body, or with junk: still a success */
    reset_client();
    fake_script(&g_fake, 200, "{" OK_HDR "}");
    CHECK_INT(esimlpa__es9p_handle_notification(&g_c, ADDR, pn, sizeof pn), ESIMLPA_OK);
    fake_script(&g_fake, 200, "not json");
    CHECK_INT(esimlpa__es9p_handle_notification(&g_c, ADDR, pn, sizeof pn), ESIMLPA_OK);
    fake_script(&g_fake, 202, NULL);
    CHECK_INT(esimlpa__es9p_handle_notification(&g_c, ADDR, pn, sizeof pn), ESIMLPA_OK);

    /* a dirty notification address is cleaned (pitfall 15) */
    reset_client();
    fake_script(&g_fake, 204, NULL);
    CHECK_INT(esimlpa__es9p_handle_notification(&g_c, "  rsp.exam ple.com \n", pn, sizeof pn),
              ESIMLPA_OK);
    CHECK_STR(g_fake.url, "https://rsp.example.com/gsma/rsp2/es9plus/handleNotification");

    /* errors: HTTP 500, transport failure, bad address */
    reset_client();
    fake_script(&g_fake, 500, NULL);
    CHECK_INT(esimlpa__es9p_handle_notification(&g_c, ADDR, pn, sizeof pn), ESIMLPA_EHTTP_STATUS);
    CHECK_STR(esimlpa_ctx_last_error(g_ctx), "handleNotification: HTTP status 500");
    g_fake.rc = ESIMLPA_ETIMEOUT;
    CHECK_INT(esimlpa__es9p_handle_notification(&g_c, ADDR, pn, sizeof pn), ESIMLPA_ETIMEOUT);
    g_fake.rc = 0;
    g_fake.calls = 0;
    CHECK_INT(esimlpa__es9p_handle_notification(&g_c, "a.b/c", pn, sizeof pn), ESIMLPA_EINVAL);
    CHECK_INT(esimlpa__es9p_handle_notification(&g_c, "   ", pn, sizeof pn), ESIMLPA_EINVAL);
    CHECK_INT(esimlpa__es9p_handle_notification(&g_c, ADDR, pn, 0), ESIMLPA_EINVAL);
    CHECK_INT(g_fake.calls, 0);
}

static void test_cancel_session(void)
{
    const uint8_t csr[] = {0xBF, 0x41, 0x03, 0x81, 0x01, 0x05};
    reset_client();
    fake_script(&g_fake, 200, "{" OK_HDR "}");
    CHECK_INT(esimlpa__es9p_cancel_session(&g_c, ADDR, TID, csr, sizeof csr), ESIMLPA_OK);
    static const char *const keys[] = {"transactionId", "cancelSessionResponse"};
    cJSON *req = check_request("cancelSession", ADDR, keys, 2);
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(req, "transactionId")->valuestring, TID);
    check_b64_member(req, "cancelSessionResponse", csr, sizeof csr);
    cJSON_Delete(req);
    fake_script(&g_fake, 200, "{" OK_HDR ",\"transactionId\":\"" TID "\"}");
    CHECK_INT(esimlpa__es9p_cancel_session(&g_c, ADDR, TID, csr, sizeof csr), ESIMLPA_OK);
    fake_script(&g_fake, 200, "{" OK_HDR ",\"transactionId\":\"AA\"}");
    CHECK_INT(esimlpa__es9p_cancel_session(&g_c, ADDR, TID, csr, sizeof csr),
              ESIMLPA_EES9_BADRESPONSE);
    CHECK_HAS(esimlpa_ctx_last_error(g_ctx), "cancelSession: transactionId AA differs");
    fake_script(&g_fake, 200,
                "{\"header\":{\"functionExecutionStatus\":{\"status\":\"Failed\","
                "\"statusCodeData\":{\"subjectCode\":\"8.10.1\",\"reasonCode\":\"3.9\"}}}}");
    CHECK_INT(esimlpa__es9p_cancel_session(&g_c, ADDR, TID, csr, sizeof csr), ESIMLPA_EES9_FAILED);
    CHECK_STR(esimlpa_ctx_last_error(g_ctx),
              "cancelSession: Failed, subject 8.10.1 reason 3.9 "
              "(unknown transactionId / RSP session)");
    fake_script(&g_fake, 503, NULL);
    CHECK_INT(esimlpa__es9p_cancel_session(&g_c, ADDR, TID, csr, sizeof csr), ESIMLPA_EHTTP_STATUS);
}

static void test_status_table(void)
{
    CHECK_STR(esimlpa_es9_status_describe("8.2.6", "3.8"), "matching ID refused");
    CHECK_STR(esimlpa_es9_status_describe("8.8.5", "4.1"), "download order expired");
    CHECK(esimlpa_es9_status_describe("8.2.6", "9.9") == NULL);
    CHECK(esimlpa_es9_status_describe(NULL, "3.8") == NULL);
    CHECK_STR(esimlpa_es9_exec_status_name(ESIMLPA_ES9_STATUS_WARNING), "Executed-WithWarning");
}

int main(void)
{
    for (size_t i = 0; i < sizeof CERT; i++)
        CERT[i] = (uint8_t)(i * 13 + 1);
    CERT[0] = 0x30;
    struct esimlpa_ctx_options o = {.version = ESIMLPA_CTX_OPTIONS_VERSION,
                                    .transport = &g_apdu,
                                    .log = capture_log,
                                    .log_level = ESIMLPA_LOG_TRACE,
                                    .trace_http = 1};
    if (esimlpa_ctx_new(&o, &g_ctx) != ESIMLPA_OK) {
        fprintf(stderr, "cannot create a context\n");
        return 1;
    }
    test_initiate_authentication();
    test_limits();
    test_authenticate_client();
    test_es11_authenticate_client();
    test_get_bpp();
    test_handle_notification();
    test_cancel_session();
    test_status_table();
    esimlpa_ctx_free(g_ctx);
    free(g_fake.req_body);
    CHECK_DONE();
}
