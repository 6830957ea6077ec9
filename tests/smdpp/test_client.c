/* SPDX-License-Identifier: MIT */
/* Test client: eUICC (rspcrypto) + LPA (libcurl) against the in-process test SM-DP+. */
#include "test_client.h"

#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "es9p/base64.h"

int tc_failures;

void tc_exec(char *const argv[])
{
    const char *wrapper = getenv("MESON_EXE_WRAPPER");
    if (!wrapper || !*wrapper) {
        execv(argv[0], argv);
        return;
    }
    size_t n = 0;
    while (argv[n])
        n++;
    char **wrapped = calloc(n + 2, sizeof *wrapped);
    if (!wrapped)
        return;
    wrapped[0] = (char *)wrapper;
    memcpy(wrapped + 1, argv, (n + 1) * sizeof *argv);
    execvp(wrapper, wrapped);
    free(wrapped);
}

char *tc_path(struct tc *t, const char *file)
{
    static char p[8][512];
    static int i;
    i = (i + 1) % 8;
    snprintf(p[i], sizeof p[i], "%s/%s", t->pki, file);
    return p[i];
}

void tc_pki(struct tc *t, const char *script)
{
    memset(t, 0, sizeof *t);
    snprintf(t->pki, sizeof t->pki, "/tmp/smdpp-test-XXXXXX");
    REQUIRE(mkdtemp(t->pki));
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "sh '%s' '%s' nist >/dev/null", script, t->pki);
    REQUIRE(system(cmd) == 0);
    t->euicc_cert = rspc_cert_load_file(tc_path(t, "euicc_nist.der"));
    t->eum_cert = rspc_cert_load_file(tc_path(t, "eum_nist.der"));
    t->ci_cert = rspc_cert_load_file(tc_path(t, "ci_nist.der"));
    t->euicc_key = rspc_key_load_pem_file(tc_path(t, "euicc_nist.key"));
    REQUIRE(t->euicc_cert && t->eum_cert && t->ci_cert && t->euicc_key);
    size_t n;
    REQUIRE(rspc_cert_ski(t->ci_cert, t->ci_ski, 20, &n) == RSPC_OK && n == 20);
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

void tc_start(struct tc *t, enum smdpp_role role, const char *config, const char *const *faults)
{
    struct smdpp_options o = {0};
    int ds = role == SMDPP_ROLE_SMDS;
    o.role = role;
    o.auth_cert = strdup(tc_path(t, ds ? "dsauth_nist.der" : "dpauth_nist.der"));
    o.auth_key = strdup(tc_path(t, ds ? "dsauth_nist.key" : "dpauth_nist.key"));
    o.pb_cert = strdup(tc_path(t, "dppb_nist.der"));
    o.pb_key = strdup(tc_path(t, "dppb_nist.key"));
    o.ci_certs[o.n_ci++] = strdup(tc_path(t, "ci_nist.der"));
    o.ci_certs[o.n_ci++] = strdup(tc_path(t, "ci_untrusted_nist.der"));
    o.orders = config;
    for (; faults && faults[o.n_faults]; o.n_faults++)
        o.faults[o.n_faults] = faults[o.n_faults];
    o.verbose = getenv("SMDPP_VERBOSE") != NULL;
    char err[256] = "";
    t->srv = smdpp_new(&o, err, sizeof err);
    if (!t->srv)
        fprintf(stderr, "smdpp_new: %s\n", err);
    REQUIRE(t->srv);
    struct httpd_config hc = {
        .cert_chain_file = tc_path(t, ds ? "dstls_chain_nist.pem" : "dptls_chain_nist.pem"),
        .key_file = tc_path(t, ds ? "dstls_nist.key" : "dptls_nist.key"),
        .max_request = (size_t)1 << 20,
        .handler = smdpp_handle, .user = t->srv,
    };
    t->httpd = httpd_new(&hc, err, sizeof err);
    if (!t->httpd)
        fprintf(stderr, "httpd_new: %s\n", err);
    REQUIRE(t->httpd && httpd_start(t->httpd) == 0);
    smdpp_set_httpd(t->srv, t->httpd);
    t->port = httpd_port(t->httpd);
    t->host = ds ? "testsmds.example.com" : "testsmdpplus1.example.com";
    char res[128];
    snprintf(res, sizeof res, "%s:%u:127.0.0.1", t->host, t->port);
    t->resolve = curl_slist_append(NULL, res);
    t->curl = curl_easy_init();
    REQUIRE(t->curl);
    free((void *)o.auth_cert);
    free((void *)o.auth_key);
    free((void *)o.pb_cert);
    free((void *)o.pb_key);
    free((void *)o.ci_certs[0]);
    free((void *)o.ci_certs[1]);
}

void tc_stop(struct tc *t)
{
    if (t->curl)
        curl_easy_cleanup(t->curl);
    curl_slist_free_all(t->resolve);
    httpd_free(t->httpd);
    smdpp_free(t->srv);
    EVP_PKEY_free(t->otsk);
    X509_free(t->pb_cert);
    X509_free(t->euicc_cert);
    X509_free(t->eum_cert);
    X509_free(t->ci_cert);
    EVP_PKEY_free(t->euicc_key);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->pki);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", t->pki);
    curl_global_cleanup();
}

static size_t on_data(char *p, size_t sz, size_t n, void *user)
{
    return rspc_buf_append(user, p, sz * n) == RSPC_OK ? sz * n : 0;
}

long tc_post_raw(struct tc *t, const char *path, const char *method, const char *ctype,
                 const char *admin, const void *body, size_t len, char **out)
{
    char url[512], h1[128], h2[128];
    struct rspc_buf b = {0};
    struct curl_slist *hdrs = NULL;
    snprintf(url, sizeof url, "https://%s:%u%s", t->host, t->port, path);
    if (ctype) {
        snprintf(h1, sizeof h1, "Content-Type: %s", ctype);
        hdrs = curl_slist_append(hdrs, h1);
    } else {
        hdrs = curl_slist_append(hdrs, "Content-Type:");
    }
    if (admin) {
        snprintf(h2, sizeof h2, "X-Admin-Protocol: %s", admin);
        hdrs = curl_slist_append(hdrs, h2);
    }
    hdrs = curl_slist_append(hdrs, "User-Agent: gsma-rsp-lpad");
    CURL *c = t->curl;
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    char res[160];
    snprintf(res, sizeof res, "%s:%u:127.0.0.1", t->host, t->port);
    struct curl_slist *resolve = curl_slist_append(NULL, res);
    curl_easy_setopt(c, CURLOPT_RESOLVE, resolve);
    curl_easy_setopt(c, CURLOPT_CAINFO, tc_path(t, "ci_nist.pem"));
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    if (method && !strcmp(method, "GET")) {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
        if (method && strcmp(method, "POST"))
            curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    }
    long code = 0;
    CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(hdrs);
    curl_slist_free_all(resolve);
    rspc_buf_append_byte(&b, 0);
    if (out)
        *out = (char *)b.data;
    else
        rspc_buf_free(&b);
    return code;
}

cJSON *tc_call(struct tc *t, const char *fn, cJSON *req, long *http)
{
    char path[128], *body = NULL;
    char *txt = cJSON_PrintUnformatted(req);
    cJSON_Delete(req);
    snprintf(path, sizeof path, "/gsma/rsp2/es9plus/%s", fn);
    long code = tc_post_raw(t, path, "POST", "application/json", "gsma/rsp/v2.2.0", txt,
                            strlen(txt), &body);
    free(txt);
    if (http)
        *http = code;
    cJSON *r = body && *body ? cJSON_Parse(body) : NULL;
    free(body);
    return r;
}

int tc_status_is(const cJSON *resp, const char *subject, const char *reason)
{
    const cJSON *fes = cJSON_GetObjectItem(cJSON_GetObjectItem(resp, "header"),
                                           "functionExecutionStatus");
    const char *st = cJSON_GetStringValue(cJSON_GetObjectItem(fes, "status"));
    if (!st)
        return 0;
    if (!subject)
        return !strcmp(st, "Executed-Success");
    const cJSON *scd = cJSON_GetObjectItem(fes, "statusCodeData");
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(scd, "subjectCode"));
    const char *r = cJSON_GetStringValue(cJSON_GetObjectItem(scd, "reasonCode"));
    return !strcmp(st, "Failed") && s && r && !strcmp(s, subject) && !strcmp(r, reason);
}

void tc_expect(const cJSON *resp, const char *subject, const char *reason, const char *what)
{
    if (tc_status_is(resp, subject, reason))
        return;
    tc_failures++;
    char *txt = resp ? cJSON_PrintUnformatted(resp) : NULL;
    fprintf(stderr, "FAIL %s: expected %s%s%s, got %s\n", what, subject ? subject : "success",
            subject ? "/" : "", subject ? reason : "", txt ? txt : "(no JSON)");
    free(txt);
}

static void add_b64(cJSON *o, const char *k, const uint8_t *p, size_t n)
{
    char *b = smdpp_b64(p, n);
    cJSON_AddStringToObject(o, k, b);
    free(b);
}

static uint8_t *get_b64(const cJSON *o, const char *k, size_t *n)
{
    const char *v = cJSON_GetStringValue(cJSON_GetObjectItem(o, k));
    uint8_t *out = NULL;
    if (!v || esimlpa__b64_decode(v, strlen(v), (size_t)16 << 20, &out, n) != 0)
        return NULL;
    return out;
}

uint8_t *tc_euicc_info1(struct tc *t, const uint8_t *ski, size_t *len)
{
    struct rspc_buf v = {0}, l = {0}, out = {0};
    uint8_t k[22] = {0x04, 0x14};
    memcpy(k + 2, ski ? ski : t->ci_ski, 20);
    rspc_tlv_put(&v, 0x82, (const uint8_t *)"\x02\x02\x00", 3);
    rspc_buf_append(&l, k, sizeof k);
    rspc_tlv_put(&v, 0xA9, l.data, l.len);
    rspc_tlv_put(&v, 0xAA, l.data, l.len);
    rspc_tlv_put(&out, 0xBF20, v.data, v.len);
    rspc_buf_free(&v);
    rspc_buf_free(&l);
    *len = out.len;
    return out.data;
}

cJSON *tc_initiate_with(struct tc *t, const char *address, const uint8_t *info1, size_t len)
{
    uint8_t chal[16];
    RAND_bytes(chal, sizeof chal);
    cJSON *req = cJSON_CreateObject();
    cJSON_AddStringToObject(req, "smdpAddress", address);
    add_b64(req, "euiccChallenge", chal, 16);
    add_b64(req, "euiccInfo1", info1, len);
    cJSON *r = tc_call(t, "initiateAuthentication", req, NULL);
    const char *tx = cJSON_GetStringValue(cJSON_GetObjectItem(r, "transactionId"));
    if (tx && strlen(tx) == 32) {
        strcpy(t->txid_hex, tx);
        for (int i = 0; i < 16; i++) {
            unsigned x;
            sscanf(tx + 2 * i, "%2X", &x);
            t->txid[i] = (uint8_t)x;
        }
    }
    return r;
}

cJSON *tc_initiate(struct tc *t, const char *address)
{
    size_t n;
    uint8_t *i1 = tc_euicc_info1(t, NULL, &n);
    cJSON *r = tc_initiate_with(t, address, i1, n);
    free(i1);
    return r;
}

static int raw_sig_check(X509 *cert, const uint8_t *msg, size_t n, const uint8_t *sigtlv,
                         size_t sl)
{
    struct rspc_tlv st;
    if (smdpp_tlv_whole(sigtlv, sl, 0x5F37, &st) != RSPC_OK)
        return -1;
    return smdpp_verify_sig(cert, msg, n, &st) == RSPC_OK ? 0 : -1;
}

static void put_sig(struct rspc_buf *b, EVP_PKEY *key, const uint8_t *tbs, size_t n, int flip,
                    uint8_t keep[RSPC_SIG_LEN])
{
    uint8_t sig[RSPC_SIG_LEN], tlv[RSPC_SIG_TLV_LEN];
    REQUIRE(rspc_sign(key, tbs, n, sig) == RSPC_OK);
    if (flip)
        sig[10] ^= 0x01;
    if (keep)
        memcpy(keep, sig, sizeof sig);
    rspc_sig_wrap(sig, tlv);
    rspc_buf_append(b, tlv, sizeof tlv);
}

static void put_cert(struct rspc_buf *b, X509 *c)
{
    uint8_t *der = NULL;
    size_t n;
    REQUIRE(rspc_cert_to_der(c, &der, &n) == RSPC_OK);
    rspc_buf_append(b, der, n);
    OPENSSL_free(der);
}

uint8_t *tc_auth_server(struct tc *t, const cJSON *init, const char *mid, int mutate,
                        X509 *euicc, EVP_PKEY *key, X509 *eum, size_t *len)
{
    size_t n1, ns, nc;
    uint8_t *ss1 = get_b64(init, "serverSigned1", &n1);
    uint8_t *sig = get_b64(init, "serverSignature1", &ns);
    uint8_t *cert = get_b64(init, "serverCertificate", &nc);
    REQUIRE(ss1 && sig && cert);
    X509 *sc = rspc_cert_from_der(cert, nc);
    /* the eUICC's checks on the server (notes §7.6) */
    CHECK(sc && rspc_cert_verify_chain(sc, NULL, 0, t->ci_cert, 1) == RSPC_OK);
    CHECK(raw_sig_check(sc, ss1, n1, sig, ns) == 0);
    struct rspc_tlv top, f;
    REQUIRE(smdpp_tlv_whole(ss1, n1, 0x30, &top) == RSPC_OK);
    REQUIRE(smdpp_tlv_find(top.value, top.len, 0x84, &f) == RSPC_OK && f.len == 16);
    uint8_t chal[16];
    memcpy(chal, f.value, 16);
    if (mutate == 2)
        chal[0] ^= 0xFF;
    REQUIRE(smdpp_tlv_find(top.value, top.len, 0x83, &f) == RSPC_OK);
    struct rspc_buf v = {0}, es1 = {0}, cp = {0}, cpi = {0}, di = {0}, ok = {0}, out = {0};
    uint8_t tx[16];
    memcpy(tx, t->txid, 16);
    if (mutate == 4)
        tx[15] ^= 1;
    rspc_tlv_put(&v, 0x80, tx, 16);
    rspc_tlv_put(&v, 0x83, f.value, f.len);
    rspc_tlv_put(&v, 0x84, chal, 16);
    rspc_tlv_put(&v, 0xBF22, (const uint8_t *)"\x82\x03\x02\x02\x00", 5);
    if (mid)
        rspc_tlv_put(&cpi, 0x80, (const uint8_t *)mid, strlen(mid));
    rspc_tlv_put(&di, 0x80, (const uint8_t *)"\x35\x29\x06\x11", 4);
    rspc_tlv_put(&di, 0xA1, NULL, 0);
    rspc_tlv_put(&cpi, 0xA1, di.data, di.len);
    rspc_tlv_put(&cp, 0xA0, cpi.data, cpi.len);
    rspc_buf_append(&v, cp.data, cp.len);
    rspc_tlv_put(&es1, 0x30, v.data, v.len);
    rspc_buf_append(&ok, es1.data, es1.len);
    put_sig(&ok, key ? key : t->euicc_key, es1.data, es1.len, mutate == 1, t->euicc_sig1);
    put_cert(&ok, euicc ? euicc : t->euicc_cert);
    put_cert(&ok, mutate == 3 ? t->euicc_cert : (eum ? eum : t->eum_cert));
    struct rspc_buf a0 = {0};
    rspc_tlv_put(&a0, 0xA0, ok.data, ok.len);
    rspc_tlv_put(&out, 0xBF38, a0.data, a0.len);
    rspc_buf_free(&a0);
    rspc_buf_free(&v);
    rspc_buf_free(&es1);
    rspc_buf_free(&cp);
    rspc_buf_free(&cpi);
    rspc_buf_free(&di);
    rspc_buf_free(&ok);
    X509_free(sc);
    free(ss1);
    free(sig);
    free(cert);
    *len = out.len;
    return out.data;
}

cJSON *tc_authenticate(struct tc *t, const uint8_t *asr, size_t len)
{
    cJSON *req = cJSON_CreateObject();
    cJSON_AddStringToObject(req, "transactionId", t->txid_hex);
    add_b64(req, "authenticateServerResponse", asr, len);
    return tc_call(t, "authenticateClient", req, NULL);
}

uint8_t *tc_prepare(struct tc *t, const cJSON *auth, const char *cc, int mutate, size_t *len)
{
    size_t n2, ns, nc;
    uint8_t *ss2 = get_b64(auth, "smdpSigned2", &n2);
    uint8_t *sig = get_b64(auth, "smdpSignature2", &ns);
    uint8_t *cert = get_b64(auth, "smdpCertificate", &nc);
    REQUIRE(ss2 && sig && cert && ns == RSPC_SIG_TLV_LEN);
    X509_free(t->pb_cert);
    t->pb_cert = rspc_cert_from_der(cert, nc);
    REQUIRE(t->pb_cert);
    CHECK(rspc_cert_check_role(t->pb_cert, RSPC_ROLE_DP_PB) == RSPC_OK);
    /* smdpSignature2 over smdpSigned2 || 5F37 40 euiccSignature1 (notes §7.2) */
    struct rspc_buf tbs = {0};
    uint8_t s1[RSPC_SIG_TLV_LEN];
    rspc_sig_wrap(t->euicc_sig1, s1);
    rspc_buf_append(&tbs, ss2, n2);
    rspc_buf_append(&tbs, s1, sizeof s1);
    CHECK(raw_sig_check(t->pb_cert, tbs.data, tbs.len, sig, ns) == 0);
    rspc_buf_free(&tbs);
    memcpy(t->smdp_sig2, sig + 3, RSPC_SIG_LEN);
    struct rspc_tlv top, f;
    REQUIRE(smdpp_tlv_whole(ss2, n2, 0x30, &top) == RSPC_OK);
    t->cc_required = smdpp_tlv_find(top.value, top.len, 0x01, &f) == RSPC_OK && f.len == 1 &&
                     f.value[0] != 0;
    EVP_PKEY_free(t->otsk);
    t->otsk = rspc_keygen_for_cert(t->pb_cert);
    uint8_t pt[RSPC_POINT_LEN], tx[16];
    REQUIRE(t->otsk && rspc_pkey_point(t->otsk, pt) == RSPC_OK);
    memcpy(tx, t->txid, 16);
    if (mutate == 2)
        tx[0] ^= 1;
    struct rspc_buf v = {0}, es2 = {0}, ok = {0}, a0 = {0}, out = {0};
    rspc_tlv_put(&v, 0x80, tx, 16);
    rspc_tlv_put(&v, 0x5F49, pt, sizeof pt);
    if (cc) {  /* hashCc = SHA256(SHA256(cc) || txid) (notes §2.2) */
        uint8_t in[48], h[32];
        unsigned hl;
        EVP_Digest(cc, strlen(cc), in, &hl, EVP_sha256(), NULL);
        memcpy(in + 32, t->txid, 16);
        EVP_Digest(in, sizeof in, h, &hl, EVP_sha256(), NULL);
        rspc_tlv_put(&v, 0x04, h, 32);
    }
    rspc_tlv_put(&es2, 0x30, v.data, v.len);
    uint8_t s2[RSPC_SIG_TLV_LEN];
    rspc_sig_wrap(t->smdp_sig2, s2);
    rspc_buf_append(&tbs, es2.data, es2.len);
    rspc_buf_append(&tbs, s2, sizeof s2);
    rspc_buf_append(&ok, es2.data, es2.len);
    put_sig(&ok, t->euicc_key, tbs.data, tbs.len, mutate == 1, NULL);
    rspc_tlv_put(&a0, 0xA0, ok.data, ok.len);
    rspc_tlv_put(&out, 0xBF21, a0.data, a0.len);
    rspc_buf_free(&tbs);
    rspc_buf_free(&v);
    rspc_buf_free(&es2);
    rspc_buf_free(&ok);
    rspc_buf_free(&a0);
    free(ss2);
    free(sig);
    free(cert);
    *len = out.len;
    return out.data;
}

cJSON *tc_get_bpp(struct tc *t, const uint8_t *pdr, size_t len)
{
    cJSON *req = cJSON_CreateObject();
    cJSON_AddStringToObject(req, "transactionId", t->txid_hex);
    add_b64(req, "prepareDownloadResponse", pdr, len);
    return tc_call(t, "getBoundProfilePackage", req, NULL);
}

int tc_unwrap_bpp(struct tc *t, const char *b64, struct rspc_buf *md, struct rspc_buf *upp,
                  int *had_ppk)
{
    uint8_t *bpp = NULL;
    size_t n, ns;
    struct rspc_bpp_seg *segs = NULL;
    int rc = -1;
    *had_ppk = 0;
    if (esimlpa__b64_decode(b64, strlen(b64), (size_t)16 << 20, &bpp, &n) != 0 ||
        rspc_bpp_segments(bpp, n, &segs, &ns) != RSPC_OK || ns < 4)
        goto out;
    struct rspc_init_sc isc;
    uint8_t mypt[RSPC_POINT_LEN], z[32], eid[16];
    if (rspc_bpp_parse_init_sc(bpp + segs[0].off + segs[0].skip, segs[0].len - segs[0].skip,
                               &isc) != RSPC_OK ||
        rspc_pkey_point(t->otsk, mypt) != RSPC_OK ||
        rspc_bpp_verify_init_sc(&isc, X509_get0_pubkey(t->pb_cert), mypt) != RSPC_OK ||
        isc.txid_len != 16 || memcmp(isc.txid, t->txid, 16) ||
        rspc_ecka(t->otsk, isc.smdp_otpk, RSPC_POINT_LEN, z) != RSPC_OK ||
        rspc_cert_eid(t->euicc_cert, eid) != RSPC_OK) {
        fprintf(stderr, "BF23 check failed\n");
        goto out;
    }
    struct rspc_session_keys k;
    struct rspc_bsp st;
    rspc_kdf_session_keys(z, isc.host_id, isc.host_id_len, eid, &k);
    rspc_bsp_init(&st, &k);
    for (size_t i = 1; i < ns; i++) {
        const struct rspc_bpp_seg *s = &segs[i];
        if (!s->payload_tag)
            continue;
        struct rspc_buf pt = {0};
        uint8_t tag;
        if (rspc_bsp_unwrap(&st, bpp + s->off + s->skip, s->len - s->skip, &tag, &pt) != RSPC_OK) {
            fprintf(stderr, "segment %zu does not unwrap\n", i);
            rspc_buf_free(&pt);
            goto out;
        }
        if (s->container == 0xA1)
            rspc_buf_append(md, pt.data, pt.len);
        else if (s->container == 0xA3)
            rspc_buf_append(upp, pt.data, pt.len);
        else if (s->container == 0xA2) {
            struct rspc_tlv b26, a, b, c;
            if (smdpp_tlv_whole(pt.data, pt.len, 0xBF26, &b26) ||
                smdpp_tlv_find(b26.value, b26.len, 0x80, &a) || a.len != 16 ||
                smdpp_tlv_find(b26.value, b26.len, 0x81, &b) || b.len != 16 ||
                smdpp_tlv_find(b26.value, b26.len, 0x82, &c) || c.len != 16) {
                rspc_buf_free(&pt);
                goto out;
            }
            rspc_bsp_replace_keys(&st, b.value, c.value, a.value);
            *had_ppk = 1;
        } else if (s->container == 0xA0 && (pt.len < 2 || pt.data[0] != 0xBF || pt.data[1] != 0x24)) {
            rspc_buf_free(&pt);
            goto out;
        }
        rspc_buf_free(&pt);
    }
    rspc_bsp_clear(&st);
    rc = 0;
out:
    free(segs);
    free(bpp);
    return rc;
}

uint8_t *tc_pir(struct tc *t, int success, int bad_sig, size_t *len)
{
    struct rspc_buf d = {0}, nm = {0}, fr = {0}, res = {0}, b27 = {0}, v = {0}, out = {0};
    rspc_tlv_put(&d, 0x80, t->txid, 16);
    rspc_tlv_put(&nm, 0x80, (const uint8_t *)"\x01", 1);
    rspc_tlv_put(&nm, 0x81, (const uint8_t *)"\x07\x80", 2);
    rspc_tlv_put(&nm, 0x0C, (const uint8_t *)t->host, strlen(t->host));
    rspc_tlv_put(&d, 0xBF2F, nm.data, nm.len);
    rspc_tlv_put(&d, 0x06, (const uint8_t *)"\x88\x37\x0A", 3);
    if (success) {
        rspc_tlv_put(&res, 0x4F, (const uint8_t *)"\xA0\x00\x00\x05\x59\x10\x10\xFF\xFF\xFF\xFF"
                                                  "\x89\x00\x00\x10\x00", 16);
        rspc_tlv_put(&res, 0x04, NULL, 0);
        rspc_tlv_put(&fr, 0xA0, res.data, res.len);
    } else {
        rspc_tlv_put(&res, 0x80, (const uint8_t *)"\x05", 1);
        rspc_tlv_put(&res, 0x81, (const uint8_t *)"\x0C", 1);
        rspc_tlv_put(&fr, 0xA1, res.data, res.len);
    }
    rspc_tlv_put(&d, 0xA2, fr.data, fr.len);
    rspc_tlv_put(&b27, 0xBF27, d.data, d.len);
    rspc_buf_append(&v, b27.data, b27.len);
    put_sig(&v, t->euicc_key, b27.data, b27.len, bad_sig, NULL);
    rspc_tlv_put(&out, 0xBF37, v.data, v.len);
    rspc_buf_free(&d);
    rspc_buf_free(&nm);
    rspc_buf_free(&fr);
    rspc_buf_free(&res);
    rspc_buf_free(&b27);
    rspc_buf_free(&v);
    *len = out.len;
    return out.data;
}

uint8_t *tc_other_notif(struct tc *t, unsigned bits, int bad_sig, size_t *len)
{
    struct rspc_buf nm = {0}, b2f = {0}, v = {0}, out = {0};
    uint8_t ev[2] = {0x04, (uint8_t)bits};
    rspc_tlv_put(&nm, 0x80, (const uint8_t *)"\x07", 1);
    rspc_tlv_put(&nm, 0x81, ev, 2);
    rspc_tlv_put(&nm, 0x0C, (const uint8_t *)t->host, strlen(t->host));
    rspc_tlv_put(&nm, 0x5A, (const uint8_t *)"\x98\x00\x10\x32\x54\x76\x98\x10\x32\x14", 10);
    rspc_tlv_put(&b2f, 0xBF2F, nm.data, nm.len);
    rspc_buf_append(&v, b2f.data, b2f.len);
    put_sig(&v, t->euicc_key, b2f.data, b2f.len, bad_sig, NULL);
    put_cert(&v, t->euicc_cert);
    put_cert(&v, t->eum_cert);
    rspc_tlv_put(&out, 0x30, v.data, v.len);
    rspc_buf_free(&nm);
    rspc_buf_free(&b2f);
    rspc_buf_free(&v);
    *len = out.len;
    return out.data;
}

long tc_notify(struct tc *t, const uint8_t *pn, size_t len)
{
    long http = 0;
    cJSON *req = cJSON_CreateObject();
    add_b64(req, "pendingNotification", pn, len);
    cJSON *r = tc_call(t, "handleNotification", req, &http);
    CHECK(r == NULL);  /* 204: empty body */
    cJSON_Delete(r);
    return http;
}

uint8_t *tc_cancel_resp(struct tc *t, int reason, const uint8_t *oid, size_t oid_len,
                        int error_branch, int bad_sig, int wrong_txid, size_t *len)
{
    struct rspc_buf v = {0}, sd = {0}, ok = {0}, inner = {0}, out = {0};
    if (error_branch) {
        rspc_tlv_put(&inner, 0x81, (const uint8_t *)"\x05", 1);
    } else {
        uint8_t tx[16], r = (uint8_t)reason;
        memcpy(tx, t->txid, 16);
        if (wrong_txid)
            tx[3] ^= 1;
        rspc_tlv_put(&v, 0x80, tx, 16);
        if (oid)
            rspc_tlv_put(&v, 0x81, oid, oid_len);
        else
            rspc_tlv_put(&v, 0x81, (const uint8_t *)"\x88\x37\x0A", 3);  /* 2.999.10 */
        rspc_tlv_put(&v, 0x82, &r, 1);
        rspc_tlv_put(&sd, 0x30, v.data, v.len);
        rspc_buf_append(&ok, sd.data, sd.len);
        put_sig(&ok, t->euicc_key, sd.data, sd.len, bad_sig, NULL);
        rspc_tlv_put(&inner, 0xA0, ok.data, ok.len);
    }
    rspc_tlv_put(&out, 0xBF41, inner.data, inner.len);
    rspc_buf_free(&v);
    rspc_buf_free(&sd);
    rspc_buf_free(&ok);
    rspc_buf_free(&inner);
    *len = out.len;
    return out.data;
}

cJSON *tc_cancel(struct tc *t, const uint8_t *csr, size_t len)
{
    cJSON *req = cJSON_CreateObject();
    cJSON_AddStringToObject(req, "transactionId", t->txid_hex);
    add_b64(req, "cancelSessionResponse", csr, len);
    return tc_call(t, "cancelSession", req, NULL);
}

cJSON *tc_download(struct tc *t, const char *mid, const char *cc)
{
    cJSON *r = tc_initiate(t, t->host);
    if (!tc_status_is(r, NULL, NULL))
        return r;
    size_t n;
    uint8_t *asr = tc_auth_server(t, r, mid, 0, NULL, NULL, NULL, &n);
    cJSON_Delete(r);
    r = tc_authenticate(t, asr, n);
    free(asr);
    if (!tc_status_is(r, NULL, NULL))
        return r;
    uint8_t *pdr = tc_prepare(t, r, cc, 0, &n);
    cJSON_Delete(r);
    r = tc_get_bpp(t, pdr, n);
    free(pdr);
    return r;
}

X509 *tc_mint_euicc(struct tc *t, const char *eid)
{
    EVP_PKEY *eum_key = rspc_key_load_pem_file(tc_path(t, "eum_nist.key"));
    X509 *c = X509_dup(t->euicc_cert);
    REQUIRE(eum_key && c);
    X509_NAME *nm = X509_NAME_dup(X509_get_subject_name(c));
    int idx = X509_NAME_get_index_by_NID(nm, NID_serialNumber, -1);
    REQUIRE(idx >= 0);
    X509_NAME_ENTRY_free(X509_NAME_delete_entry(nm, idx));
    REQUIRE(X509_NAME_add_entry_by_NID(nm, NID_serialNumber, MBSTRING_ASC,
                                       (const unsigned char *)eid, -1, idx, 0) == 1);
    X509_set_subject_name(c, nm);
    X509_NAME_free(nm);
    REQUIRE(X509_sign(c, eum_key, EVP_sha256()) > 0);
    EVP_PKEY_free(eum_key);
    return c;
}
