/* SPDX-License-Identifier: MIT */
/* smdpp-smds: the SM-DS role (DSauth, ES11) returns the configured eventEntries, on the es9plus
 * and the es11 paths; ES11 errors use the 8.9.x subjects; no download functions. */
#include <string.h>

#include "test_client.h"

static const char *str_or_empty(const char *s)
{
    return s ? s : "";
}

int main(int argc, char **argv)
{
    REQUIRE(argc == 3);
    struct tc t;
    char cfg[512];
    tc_pki(&t, argv[1]);
    snprintf(cfg, sizeof cfg, "%s/orders.json", argv[2]);
    tc_start(&t, SMDPP_ROLE_SMDS, cfg, NULL);

    cJSON *r = tc_initiate(&t, "testsmdpplus1.example.com");
    tc_expect(r, "8.9.1", "3.8", "SM-DS address mismatch");
    cJSON_Delete(r);
    r = tc_initiate(&t, t.host);
    tc_expect(r, NULL, NULL, "ES11 initiateAuthentication");
    size_t n;
    uint8_t *asr = tc_auth_server(&t, r, NULL, 0, NULL, NULL, NULL, &n);  /* checks DSauth */
    cJSON_Delete(r);
    r = tc_authenticate(&t, asr, n);
    free(asr);
    tc_expect(r, NULL, NULL, "ES11 authenticateClient");
    const cJSON *ev = cJSON_GetObjectItem(r, "eventEntries");
    CHECK(cJSON_GetArraySize(ev) == 1);
    const cJSON *e0 = cJSON_GetArrayItem(ev, 0);
    CHECK(!strcmp(str_or_empty(cJSON_GetStringValue(cJSON_GetObjectItem(e0, "eventId"))), "TEST-8K"));
    CHECK(!strcmp(str_or_empty(cJSON_GetStringValue(cJSON_GetObjectItem(e0, "rspServerAddress"))),
                  "testsmdpplus1.example.com"));
    CHECK(!strcmp(str_or_empty(cJSON_GetStringValue(cJSON_GetObjectItem(r, "transactionId"))),
                  t.txid_hex));
    cJSON_Delete(r);
    CHECK(smdpp_session_count(t.srv) == 0);

    /* the /gsma/rsp2/es11/ paths answer too */
    char *body = NULL;
    long code = tc_post_raw(&t, "/gsma/rsp2/es11/initiateAuthentication", "POST",
                            "application/json", "gsma/rsp/v2.2.0", "{}", 2, &body);
    CHECK(code == 200 && body && strstr(body, "\"1.3.1\""));
    free(body);
    code = tc_post_raw(&t, "/gsma/rsp2/es9plus/getBoundProfilePackage", "POST",
                       "application/json", "gsma/rsp/v2.2.0", "{}", 2, NULL);
    CHECK(code == 404);
    tc_stop(&t);
    if (tc_failures)
        fprintf(stderr, "%d check(s) failed\n", tc_failures);
    return tc_failures ? 1 : 0;
}
