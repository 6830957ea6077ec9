/* SPDX-License-Identifier: MIT */
/* esimlpa-soft-euicc: a software eUICC (ISD-R, ES10a/b/c) behind pcscd's
 * vpcd reader driver. Test double for libesimlpa; not a secure element. */
#include <ctype.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "softeuicc.h"
#include "vpcd.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void usage(FILE *f)
{
    fputs("usage: esimlpa-soft-euicc --state FILE [--seed FILE] --euicc-key PEM\n"
          "           --euicc-cert FILE --eum-cert FILE [--ci-cert FILE]\n"
          "           [--vpcd HOST:PORT] [--apdu-delay-ms N] [--t0-get-response]\n"
          "           [--fail-at N[:SW|:garbage]] [--fault-es10 SPEC]... [--verbose] [--once]\n"
          "           [--isd-r-aid HEX] [--max-block N]\n"
          "\n"
          "  --state FILE        card state (JSON), rewritten after every change\n"
          "  --seed FILE         copied to --state first if that file does not exist\n"
          "  --euicc-key PEM     SK.EUICC (EC private key, PEM)\n"
          "  --euicc-cert FILE   CERT.EUICC (DER or PEM)\n"
          "  --eum-cert FILE     CERT.EUM (DER or PEM)\n"
          "  --ci-cert FILE      CI certificate: its SKI is the CI PKID (default: EUM's AKI)\n"
          "  --vpcd HOST:PORT    vpcd to connect to (default 127.0.0.1:35963, reader 0)\n"
          "  --apdu-delay-ms N   wait N ms before each APDU response\n"
          "  --t0-get-response   answer all response data via 61xx + GET RESPONSE\n"
          "  --fail-at N[:SW]    fault for tests: answer the N-th LoadBoundProfilePackage\n"
          "                      command of each load (1 = BF36) with status word SW\n"
          "                      (hex, default 6F00) or, with :garbage, DEADBEEF + 9000\n"
          "  --fault-es10 SPEC   fault for tests: TAG[/N]:sw=XXXX|garbage|remove|silent|pause=FILE[:count=C]\n"
          "                      on ES10 request TAG (hex; BF36/N = N-th LoadBPP command);\n"
          "                      remove = the card disappears (connection closed, exit 0)\n"
          "  --isd-r-aid HEX     answer SELECT only at this ISD-R AID (5..16 bytes), as a\n"
          "                      removable eUICC does; 6A82 for any other\n"
          "  --max-block N       refuse STORE DATA blocks over N bytes (1..255) with 6700\n"
          "  --verbose           log APDUs and ES10 calls to stderr\n"
          "  --once              serve one vpcd connection, then exit\n"
          "  --extra-ci-pkid HEX also list this CI SKI (40 hex digits) in\n"
          "                      euiccCiPKIdListForVerification (repeatable, up to 8)\n"
          "Exit status: 0 clean stop, 1 runtime error, 2 bad arguments or state/identity.\n",
          f);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "state", required_argument, NULL, 's' },
        { "seed", required_argument, NULL, 'S' },
        { "euicc-key", required_argument, NULL, 'k' },
        { "euicc-cert", required_argument, NULL, 'c' },
        { "eum-cert", required_argument, NULL, 'e' },
        { "ci-cert", required_argument, NULL, 'C' },
        { "vpcd", required_argument, NULL, 'v' },
        { "apdu-delay-ms", required_argument, NULL, 'd' },
        { "t0-get-response", no_argument, NULL, 't' },
        { "fail-at", required_argument, NULL, 'F' },
        { "fault-es10", required_argument, NULL, 'X' },
        { "isd-r-aid", required_argument, NULL, 'A' },
        { "max-block", required_argument, NULL, 'B' },
        { "verbose", no_argument, NULL, 'V' },
        { "once", no_argument, NULL, '1' },
        { "extra-ci-pkid", required_argument, NULL, 'P' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    char err[600] = "";
    struct softeuicc_options o = { .version = SOFTEUICC_OPTIONS_VERSION, .err = err,
                                   .err_len = sizeof(err) };
    struct vpcd_options vo = { .host = "127.0.0.1", .port = "35963" };
    char hostbuf[256];
    const char *es10_faults[8];
    size_t n_es10_faults = 0;
    uint8_t extra_ci[8][20];
    size_t n_extra_ci = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 's': o.state_path = optarg; break;
        case 'S': o.seed_path = optarg; break;
        case 'k': o.euicc_key_path = optarg; break;
        case 'c': o.euicc_cert_path = optarg; break;
        case 'e': o.eum_cert_path = optarg; break;
        case 'C': o.ci_cert_path = optarg; break;
        case 't': o.t0_get_response = 1; break;
        case 'V': o.verbose = vo.verbose = 1; break;
        case '1': vo.once = 1; break;
        case 'P': {
            size_t n = 0;
            for (; n_extra_ci < 8 && n < 20 && isxdigit((unsigned char)optarg[2 * n]) &&
                   isxdigit((unsigned char)optarg[2 * n + 1]); n++)
                extra_ci[n_extra_ci][n] = (uint8_t)strtoul((char[]){ optarg[2 * n],
                                                                   optarg[2 * n + 1], 0 },
                                                           NULL, 16);
            if (n != 20 || optarg[40] != '\0') {
                fprintf(stderr, "esimlpa-soft-euicc: --extra-ci-pkid wants 40 hex digits "
                        "(at most 8 times)\n");
                return 2;
            }
            n_extra_ci++;
            break;
        }
        case 'X':
            if (n_es10_faults == sizeof(es10_faults) / sizeof(es10_faults[0])) {
                fprintf(stderr, "esimlpa-soft-euicc: at most 8 --fault-es10\n");
                return 2;
            }
            es10_faults[n_es10_faults++] = optarg;
            break;
        case 'A': {
            size_t n = strlen(optarg);
            if (n < 10 || n > 32 || n % 2 || strspn(optarg, "0123456789abcdefABCDEF") != n) {
                fprintf(stderr, "esimlpa-soft-euicc: --isd-r-aid wants 5 to 16 bytes in hex\n");
                return 2;
            }
            for (size_t i = 0; i < n / 2; i++) {
                char byte[3] = { optarg[2 * i], optarg[2 * i + 1], 0 };
                o.isdr_aid[i] = (uint8_t)strtoul(byte, NULL, 16);
            }
            o.isdr_aid_len = n / 2;
            break;
        }
        case 'B': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || end == optarg || v < 1 || v > 255) {
                fprintf(stderr, "esimlpa-soft-euicc: --max-block wants 1..255\n");
                return 2;
            }
            o.max_block = (unsigned)v;
            break;
        }
        case 'd': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 0 || v > 60000) {
                fprintf(stderr, "esimlpa-soft-euicc: --apdu-delay-ms wants 0..60000\n");
                return 2;
            }
            vo.apdu_delay_ms = (int)v;
            break;
        }
        case 'F': {
            char *end;
            unsigned long n = strtoul(optarg, &end, 10), sw = 0x6F00;
            if (*end == ':' && !strcmp(end + 1, "garbage")) {
                sw = 0;
            } else if (*end == ':') {
                char *e2;
                sw = strtoul(end + 1, &e2, 16);
                if (*e2 || e2 == end + 1 || sw < 0x6100 || sw > 0x6FFF)
                    n = 0;
            } else if (*end) {
                n = 0;
            }
            if (n == 0 || n > 100000) {
                fprintf(stderr, "esimlpa-soft-euicc: --fail-at wants N[:SW] (N >= 1, SW 6100..6FFF) or N:garbage\n");
                return 2;
            }
            o.fail_at_segment = (unsigned)n;
            o.fail_sw = (unsigned)sw;
            break;
        }
        case 'v': {
            const char *colon = strrchr(optarg, ':');
            if (!colon || colon == optarg || !colon[1] ||
                (size_t)(colon - optarg) >= sizeof(hostbuf)) {
                fprintf(stderr, "esimlpa-soft-euicc: --vpcd wants HOST:PORT\n");
                return 2;
            }
            memcpy(hostbuf, optarg, (size_t)(colon - optarg));
            hostbuf[colon - optarg] = 0;
            vo.host = hostbuf;
            vo.port = colon + 1;
            break;
        }
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind != argc || !o.state_path || !o.euicc_key_path || !o.euicc_cert_path ||
        !o.eum_cert_path) {
        usage(stderr);
        return 2;
    }
    struct softeuicc *se;
    o.extra_ci_pkid = (const uint8_t (*)[20])extra_ci;
    o.n_extra_ci_pkid = n_extra_ci;
    if (softeuicc_open(&o, &se)) {
        fprintf(stderr, "esimlpa-soft-euicc: %s\n", err);
        return 2;
    }
    for (size_t i = 0; i < n_es10_faults; i++) {
        if (softeuicc_add_es10_fault(se, es10_faults[i], err, sizeof(err))) {
            fprintf(stderr, "esimlpa-soft-euicc: %s\n", err);
            softeuicc_close(se);
            return 2;
        }
    }
    struct sigaction sa = { .sa_handler = on_signal };   /* no SA_RESTART: reads end */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    int rc = vpcd_serve(se, &vo, &stop_flag);
    unsigned save_fail = softeuicc_save_failures(se);
    softeuicc_close(se);
    return rc ? 1 : (save_fail ? 1 : 0);
}
