/* SPDX-License-Identifier: MIT */
/*
 * The threading model of include/esimlpa/esimlpa.h, checked: eight contexts
 * on eight threads at once, each with its own in-process soft eUICC and its
 * own libcurl transport, all downloading from one test SM-DP+ over HTTPS and
 * listing profiles. Run it under helgrind or ThreadSanitizer (see
 * meson.build): any write to shared state without a lock — such as asn1c's
 * type descriptors rewritten on every use — is reported as a race.
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <esimlpa/download.h>
#include <esimlpa/esimlpa.h>
#include <esimlpa/http.h>

#include "inproc.h"
#include "softeuicc.h"
#include "softeuicc_transport.h"
#include "test_client.h"

#define N_THREADS 8

struct worker {
    int index;
    struct softeuicc *se;
    struct inproc_http http;
    pthread_barrier_t *start;
    int rc;                 /* 0 when everything the thread checked held */
    char what[256];
};

static int consent(void *user, const struct esimlpa_profile_info *md, int cc)
{
    (void)user;
    (void)cc;
    return md->iccid[0] != '\0';
}

static void *work(void *arg)
{
    struct worker *w = arg;
    struct esimlpa_ctx_options co;
    memset(&co, 0, sizeof co);
    co.version = ESIMLPA_CTX_OPTIONS_VERSION;
    co.transport = softeuicc_transport(w->se);
    esimlpa_ctx *ctx = NULL;
    pthread_barrier_wait(w->start);
    int rc = esimlpa_ctx_new(&co, &ctx);
    if (rc == 0)
        rc = esimlpa_ctx_open(ctx);
    if (rc != 0) {
        snprintf(w->what, sizeof w->what, "open: %s", esimlpa_error_name(rc));
        goto out;
    }
    char ac[64];
    snprintf(ac, sizeof ac, "LPA:1$testsmdpplus1.example.com$THREAD-%d", w->index);
    struct esimlpa_download_options o;
    memset(&o, 0, sizeof o);
    o.version = ESIMLPA_DOWNLOAD_OPTIONS_VERSION;
    o.activation_code = ac;
    o.http = &w->http.pub;
    o.consent = consent;
    struct esimlpa_download_result r = { .struct_size = sizeof r };
    rc = esimlpa_download_run(ctx, &o, &r);
    if (rc != 0) {
        snprintf(w->what, sizeof w->what, "download: %s: %s", esimlpa_error_name(rc),
                 esimlpa_ctx_last_error(ctx));
        goto out;
    }
    struct esimlpa_profile_list *pl = NULL;
    rc = esimlpa_profiles_list(ctx, NULL, &pl);
    if (rc != 0 || !pl || pl->count != 1 || strcmp(pl->profiles[0].iccid, r.iccid) != 0) {
        snprintf(w->what, sizeof w->what, "profile list after the download: %s, %zu profile(s)",
                 esimlpa_error_name(rc), pl ? pl->count : 0);
        rc = rc ? rc : -1;
    }
    esimlpa_profile_list_free(pl);
out:
    esimlpa_ctx_free(ctx);
    w->rc = rc;
    return NULL;
}

/* Under helgrind the eight threads run one at a time, each TLS handshake
 * many times slower than natively: give connect and requests minutes, not
 * the library's 10 s / 60 s defaults, so a loaded machine cannot fail it. */
static void slow_http(struct inproc_http *h, struct tc *t)
{
    char ca[512], res[128];
    snprintf(ca, sizeof ca, "%s", tc_path(t, "ci_nist.pem"));
    snprintf(res, sizeof res, "%s:%u:127.0.0.1", t->host, t->port);
    const char *resolve[] = { res, NULL };
    struct esimlpa_curl_options ho;
    memset(&ho, 0, sizeof ho);
    ho.version = ESIMLPA_CURL_OPTIONS_VERSION;
    ho.ca_file = ca;
    ho.resolve = resolve;
    ho.connect_timeout_ms = 240000;
    ho.total_timeout_ms = 240000;
    esimlpa_curl_transport_free(h->curl);
    h->curl = NULL;
    REQUIRE(esimlpa_curl_transport_new(&ho, &h->curl) == 0);
}

int main(int argc, char **argv)
{
    REQUIRE(argc == 5);   /* gen-rsp-pki.sh, profiles dir, soft eUICC seed, test SM-DP+ */
    char dir[] = "/tmp/esimlpa-threads-XXXXXX", path[512];
    REQUIRE(mkdtemp(dir));

    /* One order per thread, all for the 8 KB test profile. */
    snprintf(path, sizeof path, "%s/orders.json", dir);
    FILE *f = fopen(path, "w");
    REQUIRE(f);
    fprintf(f, "{\"sessionTimeout\": 300, \"hostId\": \"testsmdpp\", \"orders\": [");
    for (int i = 0; i < N_THREADS; i++)
        fprintf(f, "%s{\"matchingId\": \"THREAD-%d\", \"profile\": \"%s/profile_8k.json\"}",
                i ? ", " : "", i, argv[2]);
    fprintf(f, "]}\n");
    fclose(f);

    struct tc t;
    tc_pki(&t, argv[1]);
    /* The test SM-DP+ is its own program (argv[4]) in a child process, not
     * traced by helgrind: only the library's threads share this process. */
    char status[600], tls_chain[512], tls_key[512], auth_c[512], auth_k[512], pb_c[512],
        pb_k[512], ci[512];
    snprintf(status, sizeof status, "%s/status.json", dir);
    snprintf(tls_chain, sizeof tls_chain, "%s", tc_path(&t, "dptls_chain_nist.pem"));
    snprintf(tls_key, sizeof tls_key, "%s", tc_path(&t, "dptls_nist.key"));
    snprintf(auth_c, sizeof auth_c, "%s", tc_path(&t, "dpauth_nist.der"));
    snprintf(auth_k, sizeof auth_k, "%s", tc_path(&t, "dpauth_nist.key"));
    snprintf(pb_c, sizeof pb_c, "%s", tc_path(&t, "dppb_nist.der"));
    snprintf(pb_k, sizeof pb_k, "%s", tc_path(&t, "dppb_nist.key"));
    snprintf(ci, sizeof ci, "%s", tc_path(&t, "ci_nist.der"));
    int out[2];
    REQUIRE(pipe(out) == 0);
    pid_t server = fork();
    REQUIRE(server >= 0);
    if (server == 0) {
        char log[600];
        snprintf(log, sizeof log, "%s/server.log", dir);
        int lf = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (lf >= 0)
            dup2(lf, 2);
        dup2(out[1], 1);
        close(out[0]);
        close(out[1]);
        char *const av[] = {argv[4], "--listen", "127.0.0.1:0", "--tls-cert", tls_chain, "--tls-key",
              tls_key, "--dpauth-cert", auth_c, "--dpauth-key", auth_k, "--dppb-cert", pb_c,
              "--dppb-key", pb_k, "--ci-cert", ci, "--orders", path, "--status-file", status,
              "--name", "testsmdpplus1.example.com", "--io-timeout", "120000", NULL};
        tc_exec(av);
        _exit(127);
    }
    close(out[1]);
    char line[128] = "";
    FILE *so = fdopen(out[0], "r");
    REQUIRE(so && fgets(line, sizeof line, so));
    REQUIRE(sscanf(line, "listening on %u", &t.port) == 1 && t.port > 0);
    t.host = "testsmdpplus1.example.com";   /* as tc_start names it */

    struct worker w[N_THREADS];
    pthread_t th[N_THREADS];
    pthread_barrier_t start;
    REQUIRE(pthread_barrier_init(&start, NULL, N_THREADS) == 0);
    char state[N_THREADS][600];
    for (int i = 0; i < N_THREADS; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].index = i;
        w[i].start = &start;
        snprintf(state[i], sizeof state[i], "%s/card%d.json", dir, i);
        inproc_state_write(argv[3], state[i], inproc_state_empty, NULL);
        w[i].se = inproc_card_open(&t, state[i], NULL);
        inproc_http_init(&w[i].http, &t);
        slow_http(&w[i].http, &t);
    }
    for (int i = 0; i < N_THREADS; i++)
        REQUIRE(pthread_create(&th[i], NULL, work, &w[i]) == 0);
    int failed = 0;
    for (int i = 0; i < N_THREADS; i++) {
        pthread_join(th[i], NULL);
        if (w[i].rc != 0) {
            fprintf(stderr, "thread %d: %s\n", i, w[i].what);
            failed++;
        }
    }
    kill(server, SIGTERM);
    int wst = 0;
    CHECK(waitpid(server, &wst, 0) == server && WIFEXITED(wst) && WEXITSTATUS(wst) == 0);
    fclose(so);
    /* Each install notification reached the server: every order is installed. */
    FILE *sf = fopen(status, "r");
    REQUIRE(sf);
    static char js[1 << 16];
    size_t jn = fread(js, 1, sizeof js - 1, sf);
    fclose(sf);
    js[jn] = 0;
    cJSON *root = cJSON_Parse(js);
    REQUIRE(root);
    int installed = 0;
    const cJSON *o;
    cJSON_ArrayForEach(o, cJSON_GetObjectItem(root, "orders"))
        installed += !strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(o, "state")), "installed");
    cJSON_Delete(root);
    CHECK(installed == N_THREADS);
    for (int i = 0; i < N_THREADS; i++) {
        inproc_http_free(&w[i].http);
        softeuicc_close(w[i].se);
        unlink(state[i]);
    }
    pthread_barrier_destroy(&start);
    CHECK(failed == 0);
    unlink(status);
    snprintf(status, sizeof status, "%s/server.log", dir);
    unlink(status);
    unlink(path);
    rmdir(dir);
    tc_stop(&t);   /* the test PKI (keys, certificates, its directory) */
    printf("%d contexts on %d threads: %d downloads installed\n", N_THREADS, N_THREADS,
           N_THREADS - failed);
    return tc_failures ? 1 : 0;
}
