/* SPDX-License-Identifier: MIT */
/*
 * Bundled RSP CI trust of the libcurl transport (issue 9): with neither
 * ca_file nor ca_path the transport trusts the roots in
 * $ESIMLPA_RSP_CI_DIR/production, narrowed by set_euicc_ci() to the SKIs an
 * eUICC lists (euiccCiPKIdListForVerification, EUICCInfo1); failures name
 * the trust used; an expired root is skipped with a log line; a missing
 * bundle is a clear error; version-1 option structs are still accepted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "esimlpa/error.h"
#include "esimlpa/http.h"
#include "httpd.h"
#include "testpki.h"

static int failures;
#define CHECK(cond)                                                             \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                         \
        }                                                                       \
    } while (0)
#define CHECK_STR(got, want)                                                    \
    do {                                                                        \
        if (strcmp((got), (want)) != 0) {                                       \
            fprintf(stderr, "%s:%d: got \"%s\"\n  want \"%s\"\n", __FILE__, __LINE__, (got), \
                    (want));                                                    \
            failures++;                                                         \
        }                                                                       \
    } while (0)

static const char *const HEADERS[] = { "Content-Type: application/json", NULL };
static unsigned long requests_seen;
static char logged[1024];

static int handler(void *user, const struct httpd_request *req, struct httpd_response *resp)
{
    (void)user;
    (void)req;
    requests_seen++;
    httpd_response_set_body_str(resp, "{}");
    return 0;
}

static void on_log(void *user, enum esimlpa_log_level level, const char *msg)
{
    (void)user;
    (void)level;
    size_t n = strlen(logged);
    snprintf(logged + n, sizeof logged - n, "%s\n", msg);
}

static struct httpd *start_server(const char *cert, const char *key)
{
    char err[256];
    struct httpd_config cfg = { .cert_chain_file = cert, .key_file = key, .handler = handler,
                                .io_timeout_ms = 3000 };
    struct httpd *h = httpd_new(&cfg, err, sizeof err);
    if (h && httpd_start(h) != 0) {
        httpd_free(h);
        h = NULL;
    }
    if (!h)
        fprintf(stderr, "test server: %s\n", err);
    return h;
}

static uint16_t ports[2];   /* the two test servers, both mapped to 127.0.0.1 */

static struct esimlpa_http_transport *transport(uint16_t port, unsigned version)
{
    static char resolve[2][128];
    static const char *res[3];
    (void)port;
    for (int i = 0; i < 2; i++) {
        snprintf(resolve[i], sizeof resolve[i], TESTPKI_HOST ":%u:127.0.0.1", ports[i]);
        res[i] = resolve[i];
    }
    struct esimlpa_curl_options o = { .version = version, .resolve = res };
    if (version >= 2) {
        o.log = on_log;
        o.log_user = NULL;
    }
    struct esimlpa_http_transport *t = NULL;
    CHECK(esimlpa_curl_transport_new(&o, &t) == 0 && t);
    return t;
}

static int post(struct esimlpa_http_transport *t, uint16_t port)
{
    char url[256];
    snprintf(url, sizeof url, "https://" TESTPKI_HOST ":%u/x", port);
    struct esimlpa_http_response r;
    int rc = t->post(t->user, url, HEADERS, (const uint8_t *)"{}", 2, &r);
    if (rc == 0)
        esimlpa_http_response_clear(&r);
    return rc;
}

static int copy_file(const char *from, const char *to)
{
    FILE *a = fopen(from, "r"), *b = fopen(to, "w");
    int ok = a && b;
    char buf[4096];
    size_t n;
    while (ok && (n = fread(buf, 1, sizeof buf, a)) > 0)
        ok = fwrite(buf, 1, n, b) == n;
    if (a)
        fclose(a);
    if (b && fclose(b) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

static size_t ski_of(const char *pem, uint8_t out[32])
{
    FILE *f = fopen(pem, "r");
    X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    const ASN1_OCTET_STRING *k = x ? X509_get0_subject_key_id(x) : NULL;
    size_t n = k ? (size_t)ASN1_STRING_length(k) : 0;
    if (n && n <= 32)
        memcpy(out, ASN1_STRING_get0_data(k), n);
    X509_free(x);
    return n <= 32 ? n : 0;
}

int main(void)
{
    const char *proxies[] = { "http_proxy", "https_proxy", "HTTPS_PROXY", "ALL_PROXY",
                              "all_proxy" };
    for (size_t i = 0; i < sizeof proxies / sizeof proxies[0]; i++)
        unsetenv(proxies[i]);
    struct testpki pki;
    if (testpki_make(&pki) != 0)
        return 1;
    char dir[64] = "/tmp/esimlpa-trusttest-XXXXXX", prod[96], f1[160], f2[160];
    if (!mkdtemp(dir))
        return 1;
    snprintf(prod, sizeof prod, "%s/production", dir);
    snprintf(f1, sizeof f1, "%s/a-test-ci.pem", prod);
    snprintf(f2, sizeof f2, "%s/b-expired.pem", prod);
    if (mkdir(prod, 0700) != 0 || copy_file(pki.ca, f1) || copy_file(pki.expired, f2))
        return 1;
    /* Hostile-input review: an expired root whose SubjectKeyIdentifier is one
     * byte (AB) was logged as four bytes, reading past the key id. */
    static const char short_ski[] =
        "-----BEGIN CERTIFICATE-----\n"
        "MIIBHjCBxaADAgECAgEBMAoGCCqGSM49BAMCMA8xDTALBgNVBAMMBGV2aWwwIhgP\n"
        "MjAyMDAxMDEwMDAwMDBaGA8yMDIwMDEwMjAwMDAwMFowDzENMAsGA1UEAwwEZXZp\n"
        "bDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABOMDCT0r4KwyTu4FF/7QbYjzgy5+\n"
        "MfvCwDYoP1U6wkXtJN7qeTzV2Q9sfYl4OpkBWFx0jceslqxsQ8//Wj72U3ujDjAM\n"
        "MAoGA1UdDgQDBAGrMAoGCCqGSM49BAMCA0gAMEUCIFoFt6TVChrfGA+YHUlaQaT2\n"
        "UbCx9Yjcc2GGQAm8AkMgAiEA6h/XIOq2SrUEewiF4OA/3qB7m3Slb3R/fNVRpb88\n"
        "6N8=\n"
        "-----END CERTIFICATE-----\n";
    char f3[160];
    snprintf(f3, sizeof f3, "%s/c-short-ski.pem", prod);
    FILE *sf = fopen(f3, "w");
    if (!sf || fputs(short_ski, sf) < 0 || fclose(sf) != 0)
        return 1;
    uint8_t ski[32], other[20];
    size_t ski_len = ski_of(pki.ca, ski);
    CHECK(ski_len == 20);
    memset(other, 0xAB, sizeof other);
    char ski8[16];
    snprintf(ski8, sizeof ski8, "%02X%02X%02X%02X", ski[0], ski[1], ski[2], ski[3]);

    struct httpd *good = start_server(pki.good, pki.key);
    struct httpd *bad = start_server(pki.untrusted, pki.key);
    if (!good || !bad)
        return 1;
    uint16_t gp = httpd_port(good), bp = httpd_port(bad);
    ports[0] = gp;
    ports[1] = bp;
    char want[512];

    /* No bundle where it is looked for: a clear error, nothing sent. */
    setenv("ESIMLPA_RSP_CI_DIR", "/nonexistent-rsp-ci", 1);
    struct esimlpa_http_transport *t = transport(gp, ESIMLPA_CURL_OPTIONS_VERSION);
    CHECK(post(t, gp) == ESIMLPA_EHTTP_CERT);
    CHECK_STR(esimlpa_curl_transport_last_error(t),
              "TLS: no bundled RSP CI roots: cannot open /nonexistent-rsp-ci/production (set "
              "ESIMLPA_RSP_CI_DIR, or give --ca-file)");
    esimlpa_curl_transport_free(t);

    /* The whole set before set_euicc_ci(); the expired root is logged. */
    setenv("ESIMLPA_RSP_CI_DIR", dir, 1);
    logged[0] = '\0';
    t = transport(gp, ESIMLPA_CURL_OPTIONS_VERSION);
    CHECK(post(t, gp) == 0);
    CHECK(strstr(logged, "RSP CI root b-expired.pem (") && strstr(logged, ": skipped\n"));
    CHECK(strstr(logged, "RSP CI root c-short-ski.pem has no usable SubjectKeyIdentifier: skipped"));
    /* The card lists another CI only: refused before connecting. */
    unsigned long before = requests_seen;
    struct esimlpa_ci_pkid only_other = { other, sizeof other };
    CHECK(t->set_euicc_ci(t->user, &only_other, 1) == 0);
    CHECK(post(t, gp) == ESIMLPA_EHTTP_CERT);
    CHECK_STR(esimlpa_curl_transport_last_error(t),
              "TLS: this eUICC trusts none of the bundled production RSP CIs (it lists ABABABAB…)");
    CHECK(requests_seen == before);
    /* The card lists our CI (and another): accepted. */
    struct esimlpa_ci_pkid both[2] = { { other, sizeof other }, { ski, ski_len } };
    CHECK(t->set_euicc_ci(t->user, both, 2) == 0);
    CHECK(post(t, gp) == 0);
    /* The same list again (a renewal's later steps) keeps the connection. */
    struct esimlpa_http_stats st0 = { .struct_size = sizeof st0 }, st1 = { .struct_size = sizeof st1 };
    esimlpa_curl_transport_stats_read(t, &st0);
    CHECK(t->set_euicc_ci(t->user, both, 2) == 0);
    CHECK(post(t, gp) == 0);
    esimlpa_curl_transport_stats_read(t, &st1);
    CHECK(st1.connections == st0.connections && st1.tls_handshakes == st0.tls_handshakes);
    /* A server under another CA: the error names the CIs trusted. */
    CHECK(post(t, bp) == ESIMLPA_EHTTP_CERT);
    snprintf(want, sizeof want,
             "TLS: the server's certificate is not issued under a CI this eUICC trusts (%s…)",
             ski8);
    CHECK_STR(esimlpa_curl_transport_last_error(t), want);
    esimlpa_curl_transport_free(t);

    /* Before any card list, the same failure names the bundled set. */
    t = transport(bp, ESIMLPA_CURL_OPTIONS_VERSION);
    CHECK(post(t, bp) == ESIMLPA_EHTTP_CERT);
    snprintf(want, sizeof want,
             "TLS: the server's certificate is not issued under a bundled production RSP CI "
             "(%s…)", ski8);
    CHECK_STR(esimlpa_curl_transport_last_error(t), want);
    esimlpa_curl_transport_free(t);

    /* A version-1 options struct is accepted and uses the production set. */
    t = transport(gp, 1);
    CHECK(t && post(t, gp) == 0);
    esimlpa_curl_transport_free(t);
    /* --test-ci: the test/ set, absent here. */
    struct esimlpa_curl_options o = { .version = ESIMLPA_CURL_OPTIONS_VERSION, .use_test_ci = 1 };
    CHECK(esimlpa_curl_transport_new(&o, &t) == 0);
    /* (no resolve needed: refused before any connection) */
    CHECK(post(t, gp) == ESIMLPA_EHTTP_CERT);
    snprintf(want, sizeof want, "TLS: no bundled RSP CI roots: cannot open %s/test (set "
             "ESIMLPA_RSP_CI_DIR, or give --ca-file)", dir);
    CHECK_STR(esimlpa_curl_transport_last_error(t), want);
    esimlpa_curl_transport_free(t);

    httpd_free(good);
    httpd_free(bad);
    unlink(f1);
    unlink(f2);
    unlink(f3);
    rmdir(prod);
    rmdir(dir);
    testpki_remove(&pki);
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("http trust: all checks passed\n");
    return 0;
}
