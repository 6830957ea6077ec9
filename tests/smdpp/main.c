/* SPDX-License-Identifier: MIT */
/* esimlpa-test-smdpp: test SM-DP+ (or SM-DS with --role smds) over HTTPS. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "smdpp.h"

static struct httpd *g_httpd;

static void on_signal(int sig)
{
    (void)sig;
    if (g_httpd)
        httpd_request_stop(g_httpd);
}

static void usage(FILE *f)
{
    fputs("usage: esimlpa-test-smdpp --listen ADDR:PORT --tls-cert CHAIN.pem --tls-key KEY\n"
          "         --dpauth-cert C --dpauth-key K [--dppb-cert C --dppb-key K] --ci-cert C...\n"
          "         [--orders CONFIG.json] [--name FQDN] [--role smdp|smds] [--fault SPEC]...\n"
          "         [--status-file FILE] [--host-id ID] [--session-timeout S] [--io-timeout MS]\n"
          "         [--bandwidth BYTES_PER_S] [--tls-delay MS] [--verbose]\n"
          "  --dsauth-cert/--dsauth-key are aliases of --dpauth-* for --role smds.\n"
          "  fault SPEC: FUNCTION:(status=S/R|http=N|delay=MS|close-before|close-mid-body|\n"
          "              truncate|corrupt|trickle=BPS|pause=FILE|bpp-tlv)[:count=N]\n"
          "  --bandwidth: response bodies are written at this rate (timed chunks).\n"
          "  --tls-delay: each TLS handshake's first server flight waits MS ms.\n"
          "  Prints \"listening on PORT\" when ready; SIGTERM/SIGINT exit cleanly.\n", f);
}

int main(int argc, char **argv)
{
    struct smdpp_options o = {0};
    const char *listen = "127.0.0.1:0", *tls_cert = NULL, *tls_key = NULL;
    int io_timeout_ms = 0;
    unsigned long bandwidth = 0, tls_delay = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define OPT(name) (!strcmp(a, name) && v && (i++, 1))
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
            o.verbose = 1;
        } else if (OPT("--listen")) {
            listen = v;
        } else if (OPT("--name")) {
            o.name = v;
        } else if (OPT("--tls-cert")) {
            tls_cert = v;
        } else if (OPT("--tls-key")) {
            tls_key = v;
        } else if (OPT("--dpauth-cert") || OPT("--dsauth-cert")) {
            o.auth_cert = v;
        } else if (OPT("--dpauth-key") || OPT("--dsauth-key")) {
            o.auth_key = v;
        } else if (OPT("--dppb-cert")) {
            o.pb_cert = v;
        } else if (OPT("--dppb-key")) {
            o.pb_key = v;
        } else if (OPT("--ci-cert")) {
            if (o.n_ci == SMDPP_MAX_CI) {
                fprintf(stderr, "esimlpa-test-smdpp: at most %d --ci-cert\n", SMDPP_MAX_CI);
                return 2;
            }
            o.ci_certs[o.n_ci++] = v;
        } else if (OPT("--orders")) {
            o.orders = v;
        } else if (OPT("--fault")) {
            if (o.n_faults == SMDPP_MAX_FAULTS) {
                fprintf(stderr, "esimlpa-test-smdpp: at most %d --fault\n", SMDPP_MAX_FAULTS);
                return 2;
            }
            o.faults[o.n_faults++] = v;
        } else if (OPT("--status-file")) {
            o.status_file = v;
        } else if (OPT("--host-id")) {
            o.host_id = v;
        } else if (OPT("--session-timeout")) {
            o.session_timeout_s = (unsigned)strtoul(v, NULL, 10);
        } else if (OPT("--io-timeout")) {
            io_timeout_ms = (int)strtol(v, NULL, 10);   /* per connection; 0: httpd's default */
        } else if (OPT("--bandwidth")) {
            char *e;
            bandwidth = strtoul(v, &e, 10);
            if (*e || !bandwidth || v[0] == '-') {
                fprintf(stderr, "esimlpa-test-smdpp: --bandwidth wants bytes per second > 0, "
                                "not %s\n", v);
                return 2;
            }
        } else if (OPT("--tls-delay")) {
            char *e;
            tls_delay = strtoul(v, &e, 10);
            if (*e || !v[0] || v[0] == '-' || tls_delay > 60000) {
                fprintf(stderr, "esimlpa-test-smdpp: --tls-delay wants milliseconds 0..60000, "
                                "not %s\n", v);
                return 2;
            }
        } else if (OPT("--role")) {
            if (!strcmp(v, "smds")) {
                o.role = SMDPP_ROLE_SMDS;
            } else if (strcmp(v, "smdp")) {
                fprintf(stderr, "esimlpa-test-smdpp: --role must be smdp or smds\n");
                return 2;
            }
        } else {
            fprintf(stderr, "esimlpa-test-smdpp: unknown or incomplete option %s\n", a);
            usage(stderr);
            return 2;
        }
#undef OPT
    }
    char addr[64];
    const char *colon = strrchr(listen, ':');
    if (!colon || (size_t)(colon - listen) >= sizeof addr || !tls_cert || !tls_key) {
        fprintf(stderr, "esimlpa-test-smdpp: --listen ADDR:PORT, --tls-cert and --tls-key are "
                        "required\n");
        return 2;
    }
    memcpy(addr, listen, (size_t)(colon - listen));
    addr[colon - listen] = 0;
    char *end;
    unsigned long port = strtoul(colon + 1, &end, 10);
    if (*end || port > 65535) {
        fprintf(stderr, "esimlpa-test-smdpp: bad port in --listen %s\n", listen);
        return 2;
    }
    char err[256] = "";
    struct smdpp *s = smdpp_new(&o, err, sizeof err);
    if (!s) {
        fprintf(stderr, "esimlpa-test-smdpp: %s\n", err);
        return 1;
    }
    struct httpd_config hc = {
        .cert_chain_file = tls_cert, .key_file = tls_key, .bind_addr = addr,
        .port = (uint16_t)port, .max_request = (size_t)2 << 20,
        .handler = smdpp_handle, .user = s, .io_timeout_ms = io_timeout_ms,
        .bandwidth_bps = bandwidth, .tls_delay_ms = (unsigned)tls_delay,
        .on_handshake = smdpp_on_handshake,
    };
    g_httpd = httpd_new(&hc, err, sizeof err);
    if (!g_httpd) {
        fprintf(stderr, "esimlpa-test-smdpp: %s\n", err);
        smdpp_free(s);
        return 1;
    }
    smdpp_set_httpd(s, g_httpd);
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    printf("listening on %u\n", (unsigned)httpd_port(g_httpd));
    fflush(stdout);
    int rc = httpd_serve(g_httpd);
    httpd_stop(g_httpd);
    char *st = smdpp_status_json(s);
    if (st) {
        /* counters at exit (no secrets in the status) */
        fprintf(stderr, "%s\n", st);
        free(st);
    }
    smdpp_set_httpd(s, NULL);
    httpd_free(g_httpd);
    smdpp_free(s);
    return rc ? 1 : 0;
}
