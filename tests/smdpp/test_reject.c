/* SPDX-License-Identifier: MIT */
/* smdpp-reject: each check of initiateAuthentication / authenticateClient /
 * getBoundProfilePackage answers Failed with its subject/reason (notes §1.3, §5.5). */
#include <string.h>

#include <openssl/rand.h>

#include "test_client.h"

/* initiate + authenticateClient with a mutation; returns the authenticateClient answer. */
static cJSON *auth(struct tc *t, const char *mid, int mutate, X509 *euicc, X509 *eum)
{
    cJSON *r = tc_initiate(t, t->host);
    REQUIRE(tc_status_is(r, NULL, NULL));
    size_t n;
    uint8_t *asr = tc_auth_server(t, r, mid, mutate, euicc, NULL, eum, &n);
    cJSON_Delete(r);
    r = tc_authenticate(t, asr, n);
    free(asr);
    return r;
}

static void expect_auth(struct tc *t, const char *mid, int mutate, X509 *euicc, X509 *eum,
                        const char *subj, const char *reas, const char *what)
{
    cJSON *r = auth(t, mid, mutate, euicc, eum);
    tc_expect(r, subj, reas, what);
    cJSON_Delete(r);
}

static void expect_bpp(struct tc *t, const char *mid, int mutate, const char *subj,
                       const char *reas, const char *what)
{
    cJSON *r = auth(t, mid, 0, NULL, NULL);
    REQUIRE(tc_status_is(r, NULL, NULL));
    size_t n;
    uint8_t *pdr = tc_prepare(t, r, NULL, mutate, &n);
    cJSON_Delete(r);
    r = tc_get_bpp(t, pdr, n);
    free(pdr);
    tc_expect(r, subj, reas, what);
    cJSON_Delete(r);
}

int main(int argc, char **argv)
{
    REQUIRE(argc == 3);
    struct tc t;
    char cfg[512], st[64];
    tc_pki(&t, argv[1]);
    snprintf(cfg, sizeof cfg, "%s/orders.json", argv[2]);
    tc_start(&t, SMDPP_ROLE_SMDP, cfg, NULL);

    /* initiateAuthentication */
    cJSON *r = tc_initiate(&t, "other.example.com");
    tc_expect(r, "8.8.1", "3.8", "wrong smdpAddress");
    cJSON_Delete(r);
    uint8_t ski[20];
    RAND_bytes(ski, sizeof ski);
    size_t n;
    uint8_t *i1 = tc_euicc_info1(&t, ski, &n);
    r = tc_initiate_with(&t, t.host, i1, n);
    tc_expect(r, "8.8.2", "3.1", "unsupported CI PKID");
    cJSON_Delete(r);
    free(i1);
    i1 = (uint8_t *)"\xBF\x20\x03\x82\x01\x02";  /* malformed EUICCInfo1 */
    r = tc_initiate_with(&t, t.host, i1, 6);
    tc_expect(r, "1.3.1", "2.1", "malformed euiccInfo1");
    cJSON_Delete(r);
    r = tc_initiate(&t, t.host);
    tc_expect(r, NULL, NULL, "initiateAuthentication");
    const char *tx = cJSON_GetStringValue(cJSON_GetObjectItem(r, "transactionId"));
    CHECK(tx && strlen(tx) == 32 && strspn(tx, "0123456789ABCDEF") == 32);
    const char *pk = cJSON_GetStringValue(cJSON_GetObjectItem(r, "euiccCiPKIdToBeUsed"));
    CHECK(pk && !strncmp(pk, "BB", 2) && strlen(pk) == 32);  /* b64 of 04 14 SKI */
    cJSON_Delete(r);

    /* authenticateClient */
    strcpy(t.txid_hex, "00112233445566778899AABBCCDDEEFF");
    r = tc_authenticate(&t, (const uint8_t *)"\xBF\x38\x00", 3);
    tc_expect(r, "8.10.1", "3.9", "unknown transactionId");
    cJSON_Delete(r);
    expect_auth(&t, "TEST-8K", 3, NULL, NULL, "8.11.1", "3.9", "EUM not from the chosen CI");
    X509 *dpauth = rspc_cert_load_file(tc_path(&t, "dpauth_nist.der"));
    X509 *dppb = rspc_cert_load_file(tc_path(&t, "dppb_nist.der"));
    expect_auth(&t, "TEST-8K", 0, dpauth, NULL, "8.1.3", "6.1", "eUICC cert not under EUM");
    expect_auth(&t, "TEST-8K", 0, NULL, dppb, "8.1.2", "6.1", "EUM cert without EUM role");
    expect_auth(&t, "TEST-8K", 1, NULL, NULL, "8.1", "6.1", "bad euiccSignature1");
    expect_auth(&t, "TEST-8K", 2, NULL, NULL, "8.1", "6.1", "wrong serverChallenge");
    expect_auth(&t, "TEST-8K", 4, NULL, NULL, "8.10.1", "3.9", "signed txid differs");
    expect_auth(&t, "NO-SUCH-ORDER", 0, NULL, NULL, "8.2.6", "3.8", "unknown matchingId");
    expect_auth(&t, NULL, 0, NULL, NULL, "8.2.6", "3.8", "no matchingId");
    char eid[33];
    REQUIRE(rspc_eid_complete("890490329999999999999999999999", eid) == RSPC_OK);
    X509 *other = tc_mint_euicc(&t, eid);
    expect_auth(&t, "TEST-EID", 0, other, NULL, "8.1.1", "3.8", "order bound to another EID");
    X509_free(other);
    REQUIRE(rspc_eid_complete("890490420000000000000000000000", eid) == RSPC_OK);
    other = tc_mint_euicc(&t, eid);
    expect_auth(&t, "TEST-8K", 0, other, NULL, "8.1.4", "6.1", "EID outside the EUM range");
    X509_free(other);
    X509_free(dpauth);
    X509_free(dppb);
    /* authenticateClient twice on one session */
    r = auth(&t, "TEST-8K", 0, NULL, NULL);
    tc_expect(r, NULL, NULL, "authenticateClient");
    cJSON_Delete(r);
    r = tc_authenticate(&t, (const uint8_t *)"\xBF\x38\x00", 3);
    tc_expect(r, "8.10.1", "3.9", "second authenticateClient on a session");
    cJSON_Delete(r);

    /* getBoundProfilePackage */
    expect_bpp(&t, "TEST-8K", 1, "8.1", "6.1", "bad euiccSignature2");
    expect_bpp(&t, "TEST-8K", 2, "8.10.1", "3.9", "euiccSigned2 txid differs");
    CHECK(smdpp_order_state(t.srv, "TEST-8K", st, sizeof st) == 0 && !strcmp(st, "in-progress"));
    strcpy(t.txid_hex, "00112233445566778899AABBCCDDEEFF");
    r = tc_get_bpp(&t, (const uint8_t *)"\xBF\x21\x00", 3);
    tc_expect(r, "8.10.1", "3.9", "getBoundProfilePackage unknown txid");
    cJSON_Delete(r);
    /* a prepareDownloadResponse that is not one BF21 */
    r = auth(&t, "TEST-8K", 0, NULL, NULL);
    cJSON_Delete(r);
    r = tc_get_bpp(&t, (const uint8_t *)"\xBF\x21\x05\xA0\x03\x30\x01", 7);
    tc_expect(r, "1.3.1", "2.1", "malformed prepareDownloadResponse");
    cJSON_Delete(r);
    r = tc_get_bpp(&t, (const uint8_t *)"\xBF\x21\x06\xA1\x03\x02\x01\x02", 8);
    tc_expect(r, "1.3.1", "2.1", "length mismatch");
    cJSON_Delete(r);
    r = tc_get_bpp(&t, (const uint8_t *)"\xBF\x21\x08\xA1\x06\x80\x01\x01\x02\x01\x02", 11);
    tc_expect(r, "8.1", "6.1", "eUICC downloadResponseError");
    cJSON_Delete(r);

    tc_stop(&t);
    if (tc_failures)
        fprintf(stderr, "%d check(s) failed\n", tc_failures);
    return tc_failures ? 1 : 0;
}
