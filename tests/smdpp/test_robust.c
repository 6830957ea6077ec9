/* SPDX-License-Identifier: MIT */
/* smdpp-robust: header checks, garbage JSON, huge bodies, wrong methods/paths, every fault knob,
 * and the esimlpa-test-smdpp program itself (listening line, status file, SIGTERM exit). */
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test_client.h"

static long post(struct tc *t, const char *fn, const char *ct, const char *ap, const char *body,
                 char **out)
{
    char path[128];
    snprintf(path, sizeof path, "/gsma/rsp2/es9plus/%s", fn);
    return tc_post_raw(t, path, "POST", ct, ap, body, strlen(body), out);
}

static void expect_body(struct tc *t, const char *fn, const char *ct, const char *ap,
                        const char *body, const char *subj, const char *reas, const char *what)
{
    char *out = NULL;
    long code = post(t, fn, ct, ap, body, &out);
    cJSON *r = out ? cJSON_Parse(out) : NULL;
    CHECK(code == 200);
    tc_expect(r, subj, reas, what);
    cJSON_Delete(r);
    free(out);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void faults(struct tc *t)
{
    char err[256];
    CHECK(smdpp_add_fault(t->srv, "nosuchFunction:http=500", err, sizeof err) == -1);
    CHECK(smdpp_add_fault(t->srv, "initiateAuthentication", err, sizeof err) == -1);
    CHECK(smdpp_add_fault(t->srv, "initiateAuthentication:http=99", err, sizeof err) == -1);
    CHECK(smdpp_add_fault(t->srv, "initiateAuthentication:status=8.8.1", err, sizeof err) == -1);
    CHECK(smdpp_add_fault(t->srv, "cancelSession:corrupt:truncate", err, sizeof err) == -1);

    REQUIRE(smdpp_add_fault(t->srv, "initiateAuthentication:http=500:count=1", err, sizeof err) == 0);
    char *out = NULL;
    long code = post(t, "initiateAuthentication", "application/json", "gsma/rsp/v2.2.0", "{}",
                     NULL);
    CHECK(code == 500);
    cJSON *r = tc_initiate(t, t->host);  /* count=1: the next one is normal */
    tc_expect(r, NULL, NULL, "after http=500 once");
    cJSON_Delete(r);
    smdpp_clear_faults(t->srv);

    REQUIRE(smdpp_add_fault(t->srv, "authenticateClient:status=8.2.6/3.8", err, sizeof err) == 0);
    r = tc_authenticate(t, (const uint8_t *)"\x00", 1);
    tc_expect(r, "8.2.6", "3.8", "status fault");
    cJSON_Delete(r);
    r = tc_authenticate(t, (const uint8_t *)"\x00", 1);
    tc_expect(r, "8.2.6", "3.8", "status fault always");
    cJSON_Delete(r);
    smdpp_clear_faults(t->srv);

    REQUIRE(smdpp_add_fault(t->srv, "initiateAuthentication:delay=300:count=1", err, sizeof err) == 0);
    double t0 = now_s();
    r = tc_initiate(t, t->host);
    CHECK(now_s() - t0 >= 0.29);
    tc_expect(r, NULL, NULL, "delayed answer");
    cJSON_Delete(r);

    static const char *const kinds[] = {"close-before", "close-mid-body", "truncate"};
    for (int k = 0; k < 3; k++) {
        char spec[96];
        /* always (not count=1): curl retries a request once when a reused connection closes */
        snprintf(spec, sizeof spec, "initiateAuthentication:%s", kinds[k]);
        REQUIRE(smdpp_add_fault(t->srv, spec, err, sizeof err) == 0);
        code = post(t, "initiateAuthentication", "application/json", "gsma/rsp/v2.2.0", "{}",
                    NULL);
        if (code != 0)
            fprintf(stderr, "fault %s: HTTP %ld\n", kinds[k], code);
        CHECK(code == 0);  /* transport error at the client */
        smdpp_clear_faults(t->srv);
    }
    REQUIRE(smdpp_add_fault(t->srv, "initiateAuthentication:corrupt:count=1", err, sizeof err) == 0);
    code = post(t, "initiateAuthentication", "application/json", "gsma/rsp/v2.2.0", "{}", &out);
    int high = 0;
    for (const char *c = out; c && *c; c++)
        high |= (unsigned char)*c >= 0x80;
    CHECK(code == 200 && high);
    free(out);

    REQUIRE(smdpp_add_fault(t->srv, "handleNotification:http=503:count=1", err, sizeof err) == 0);
    size_t n;
    uint8_t *p = tc_other_notif(t, 0x40, 0, &n);
    long http;
    cJSON *req = cJSON_CreateObject();
    char *b = smdpp_b64(p, n);
    cJSON_AddStringToObject(req, "pendingNotification", b);
    r = tc_call(t, "handleNotification", req, &http);
    CHECK(http == 503);
    cJSON_Delete(r);
    CHECK(tc_notify(t, p, n) == 204);
    free(b);
    free(p);
    smdpp_clear_faults(t->srv);

    /* a whole download still works, and a BPP cut mid-body leaves a re-fetchable order */
    REQUIRE(smdpp_add_fault(t->srv, "getBoundProfilePackage:close-mid-body:count=1", err,
                            sizeof err) == 0);
    r = tc_download(t, "TEST-8K", NULL);
    CHECK(r == NULL);
    cJSON_Delete(r);
    r = tc_download(t, "TEST-30K-PPK", NULL);
    tc_expect(r, NULL, NULL, "download after faults");
    cJSON_Delete(r);
}

static void cli(struct tc *t, const char *exe, const char *cfg)
{
    int pfd[2];
    char status[512], portline[64] = "";
    snprintf(status, sizeof status, "%s/status.json", t->pki);
    REQUIRE(pipe(pfd) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        dup2(pfd[1], 1);
        close(pfd[0]);
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0)
            dup2(devnull, 2);
        char *const av[] = {(char *)exe, "--listen", "127.0.0.1:0",
              "--name", "testsmdpplus1.example.com", "--tls-cert", tc_path(t, "dptls_chain_nist.pem"),
              "--tls-key", tc_path(t, "dptls_nist.key"),
              "--dpauth-cert", tc_path(t, "dpauth_nist.der"),
              "--dpauth-key", tc_path(t, "dpauth_nist.key"),
              "--dppb-cert", tc_path(t, "dppb_nist.der"), "--dppb-key", tc_path(t, "dppb_nist.key"),
              "--ci-cert", tc_path(t, "ci_nist.der"), "--orders", (char *)cfg,
              "--fault", "handleNotification:http=503:count=1",
              "--status-file", status, NULL};
        tc_exec(av);
        _exit(127);
    }
    close(pfd[1]);
    FILE *f = fdopen(pfd[0], "r");
    CHECK(f && fgets(portline, sizeof portline, f));
    unsigned port = 0;
    CHECK(sscanf(portline, "listening on %u", &port) == 1 && port > 0);
    unsigned keep = t->port;
    t->port = port;
    char *body = NULL;
    CHECK(tc_post_raw(t, "/test/status", "GET", NULL, NULL, NULL, 0, &body) == 200);
    CHECK(body && strstr(body, "\"TEST-8K\""));
    free(body);
    cJSON *r = tc_download(t, "TEST-8K", NULL);
    tc_expect(r, NULL, NULL, "download from the program");
    cJSON_Delete(r);
    size_t n;
    uint8_t *p = tc_pir(t, 1, 0, &n);
    long http;
    cJSON *req = cJSON_CreateObject();
    char *b = smdpp_b64(p, n);
    cJSON_AddStringToObject(req, "pendingNotification", b);
    cJSON_Delete(tc_call(t, "handleNotification", req, &http));
    CHECK(http == 503);  /* --fault on the command line */
    CHECK(tc_notify(t, p, n) == 204);
    free(b);
    free(p);
    t->port = keep;
    FILE *sf = fopen(status, "r");
    char sbuf[8192] = "";
    size_t sl = sf ? fread(sbuf, 1, sizeof sbuf - 1, sf) : 0;
    if (sf)
        fclose(sf);
    sbuf[sl] = 0;
    CHECK(strstr(sbuf, "\"installed\"") && strstr(sbuf, "\"handshakes\""));
    kill(pid, SIGTERM);
    int ws = 0;
    CHECK(waitpid(pid, &ws, 0) == pid && WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
    if (f)
        fclose(f);
}

int main(int argc, char **argv)
{
    REQUIRE(argc == 4);
    struct tc t;
    char cfg[512];
    tc_pki(&t, argv[1]);
    snprintf(cfg, sizeof cfg, "%s/orders.json", argv[2]);
    tc_start(&t, SMDPP_ROLE_SMDP, cfg, NULL);
    const char *J = "application/json", *A = "gsma/rsp/v2.2.0";

    expect_body(&t, "initiateAuthentication", "text/plain", A, "{}", "1.2.1", "2.1",
                "wrong Content-Type");
    expect_body(&t, "initiateAuthentication", NULL, A, "{}", "1.2.1", "2.1", "no Content-Type");
    expect_body(&t, "initiateAuthentication", J, NULL, "{}", "1.2.2", "2.1", "no admin protocol");
    expect_body(&t, "initiateAuthentication", J, "http/1.1", "{}", "1.2.2", "2.1",
                "wrong admin protocol");
    expect_body(&t, "initiateAuthentication", J, A, "{\"smdpAddress\":", "1.3.1", "2.1",
                "truncated JSON");
    expect_body(&t, "authenticateClient", J, A, "[1,2,3]", "1.3.1", "2.1", "JSON array");
    expect_body(&t, "getBoundProfilePackage", J, A, "\x01\x02\xff garbage", "1.3.1", "2.1",
                "binary garbage");
    expect_body(&t, "initiateAuthentication", J, A, "{\"smdpAddress\":5}", "1.3.1", "2.2",
                "smdpAddress not a string");
    expect_body(&t, "initiateAuthentication", J, A,
                "{\"smdpAddress\":\"testsmdpplus1.example.com\",\"euiccChallenge\":\"@@@@\","
                "\"euiccInfo1\":\"vyA=\"}", "1.3.1", "2.1", "bad base64");
    expect_body(&t, "cancelSession", J, A, "{}", "8.10.1", "3.9", "cancel without txid");
    expect_body(&t, "handleNotification", J, A, "{\"pendingNotification\":\"####\"}", "1.3.1",
                "2.1", "notification bad base64");

    /* huge body: refused by the HTTP layer, server alive */
    size_t big = (size_t)3 << 20;
    char *huge = malloc(big + 1);
    REQUIRE(huge);
    memset(huge, 'A', big);
    huge[big] = 0;
    long code = tc_post_raw(&t, "/gsma/rsp2/es9plus/initiateAuthentication", "POST", J, A, huge,
                            big, NULL);
    CHECK(code == 413 || code == 0);
    free(huge);
    CHECK(tc_post_raw(&t, "/gsma/rsp2/es9plus/initiateAuthentication", "GET", NULL, NULL, NULL,
                      0, NULL) == 405);
    CHECK(tc_post_raw(&t, "/gsma/rsp2/es9plus/initiateAuthentication", "PUT", J, A, "{}", 2,
                      NULL) == 405);
    CHECK(tc_post_raw(&t, "/gsma/rsp2/es9plus/nothing", "POST", J, A, "{}", 2, NULL) == 404);
    CHECK(tc_post_raw(&t, "/", "GET", NULL, NULL, NULL, 0, NULL) == 404);
    CHECK(tc_post_raw(&t, "/gsma/rsp2/es11/initiateAuthentication", "POST", J, A, "{}", 2,
                      NULL) == 404);  /* es11 paths: SM-DS role only */
    char *st = NULL;
    CHECK(tc_post_raw(&t, "/test/status", "GET", NULL, NULL, NULL, 0, &st) == 200);
    cJSON *sj = st ? cJSON_Parse(st) : NULL;
    const cJSON *c = cJSON_GetObjectItem(sj, "counters");
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(c, "initiateAuthentication")) >= 6);
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(c, "badPaths")) >= 4);
    cJSON_Delete(sj);
    free(st);

    faults(&t);
    cli(&t, argv[3], cfg);
    tc_stop(&t);
    if (tc_failures)
        fprintf(stderr, "%d check(s) failed\n", tc_failures);
    return tc_failures ? 1 : 0;
}
