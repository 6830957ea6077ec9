/* SPDX-License-Identifier: MIT */
/* esimlpa-sim-modem: a simulated AT modem on a pseudo-terminal whose SIM is
 * the soft eUICC. Prints the device path (e.g. /dev/pts/5) on stdout, then
 * serves AT commands until SIGTERM/SIGINT. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_modem.h"
#include "softeuicc.h"

static volatile int stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void usage(FILE *f)
{
    fprintf(f,
        "usage: esimlpa-sim-modem --state FILE --euicc-key KEY --euicc-cert CERT --eum-cert CERT\n"
        "                         [--seed FILE] [--ci-cert CERT] [quirks] [--verbose]\n"
        "Quirks:\n"
        "  --no-test-commands       answer ERROR to every =? test command\n"
        "  --silent-test-commands   do not answer =? test commands at all\n"
        "  --no-cgla-prefix         answer AT+CGLA without the +CGLA: prefix\n"
        "  --channel-format F       AT+CCHO answer: plain (+CCHO: 1), quoted, hex4, bare\n"
        "  --csim-only              AT+CCHO/CGLA/CCHC answer +CME ERROR: 4\n"
        "  --urc                    inject unsolicited result codes around answers\n"
        "  --lowercase              lower-case hex in answers\n"
        "  --no-quotes              hex in answers without quotes\n"
        "  --hang-after N           stop answering from the N-th APDU command\n"
        "  --exit-after N           close the line on the N-th APDU command\n"
        "Prints the pseudo-terminal path on stdout, then serves until SIGTERM.\n");
}

int main(int argc, char **argv)
{
    struct softeuicc_options so = { .version = SOFTEUICC_OPTIONS_VERSION };
    struct sim_modem_options mo;
    memset(&mo, 0, sizeof mo);
    char err[256] = "";
    so.err = err;
    so.err_len = sizeof err;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = 1;
        if (strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--no-test-commands") == 0) {
            mo.no_test_commands = 1; takes = 0;
        } else if (strcmp(a, "--silent-test-commands") == 0) {
            mo.no_test_commands = 2; takes = 0;
        } else if (strcmp(a, "--no-cgla-prefix") == 0) {
            mo.no_cgla_prefix = 1; takes = 0;
        } else if (strcmp(a, "--csim-only") == 0) {
            mo.csim_only = 1; takes = 0;
        } else if (strcmp(a, "--urc") == 0) {
            mo.urc = 1; takes = 0;
        } else if (strcmp(a, "--lowercase") == 0) {
            mo.lowercase = 1; takes = 0;
        } else if (strcmp(a, "--no-quotes") == 0) {
            mo.no_quotes = 1; takes = 0;
        } else if (strcmp(a, "--verbose") == 0) {
            mo.verbose = 1; so.verbose = 1; takes = 0;
        } else if (!v) {
            fprintf(stderr, "esimlpa-sim-modem: %s: unknown option or missing value\n", a);
            usage(stderr);
            return 2;
        } else if (strcmp(a, "--state") == 0) {
            so.state_path = v;
        } else if (strcmp(a, "--seed") == 0) {
            so.seed_path = v;
        } else if (strcmp(a, "--euicc-key") == 0) {
            so.euicc_key_path = v;
        } else if (strcmp(a, "--euicc-cert") == 0) {
            so.euicc_cert_path = v;
        } else if (strcmp(a, "--eum-cert") == 0) {
            so.eum_cert_path = v;
        } else if (strcmp(a, "--ci-cert") == 0) {
            so.ci_cert_path = v;
        } else if (strcmp(a, "--hang-after") == 0) {
            mo.hang_after = (unsigned)strtoul(v, NULL, 10);
        } else if (strcmp(a, "--exit-after") == 0) {
            mo.exit_after = (unsigned)strtoul(v, NULL, 10);
        } else if (strcmp(a, "--channel-format") == 0) {
            if (strcmp(v, "plain") == 0) mo.channel_format = SIM_CH_PLAIN;
            else if (strcmp(v, "quoted") == 0) mo.channel_format = SIM_CH_QUOTED;
            else if (strcmp(v, "hex4") == 0) mo.channel_format = SIM_CH_HEX4;
            else if (strcmp(v, "bare") == 0) mo.channel_format = SIM_CH_BARE;
            else {
                fprintf(stderr, "esimlpa-sim-modem: --channel-format: plain, quoted, hex4 or bare\n");
                return 2;
            }
        } else {
            fprintf(stderr, "esimlpa-sim-modem: unknown option %s\n", a);
            usage(stderr);
            return 2;
        }
        i += takes;
    }
    if (!so.state_path || !so.euicc_key_path || !so.euicc_cert_path || !so.eum_cert_path) {
        fprintf(stderr, "esimlpa-sim-modem: --state, --euicc-key, --euicc-cert and --eum-cert are required\n");
        return 2;
    }

    struct softeuicc *se = NULL;
    if (softeuicc_open(&so, &se) != 0) {
        fprintf(stderr, "esimlpa-sim-modem: %s\n", err);
        return 1;
    }
    struct sim_modem *m = NULL;
    char path[128];
    if (sim_modem_open(&mo, se, &m, path, sizeof path) != 0) {
        softeuicc_close(se);
        return 1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    printf("%s\n", path);
    fflush(stdout);

    int rc = sim_modem_run(m, &stop_flag);
    sim_modem_close(m);
    softeuicc_close(se);
    return rc < 0 ? 1 : 0;
}
