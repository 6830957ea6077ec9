/* SPDX-License-Identifier: MIT */
/* esimlpa-sim-qmi: a simulated QMI modem whose SIM is the soft eUICC. Prints
 * its device path (a pty, e.g. /dev/pts/5) on stdout, then serves QMUX until
 * SIGTERM/SIGINT; with --proxy also as libqmi's qmi-proxy (abstract socket:
 * run it in a private network namespace). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_qmi.h"
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
        "usage: esimlpa-sim-qmi --state FILE --euicc-key KEY --euicc-cert CERT --eum-cert CERT\n"
        "                       [--seed FILE] [--ci-cert CERT] [options] [--verbose]\n"
        "  --proxy                 also serve as qmi-proxy (abstract socket \"qmi-proxy\")\n"
        "  --euicc-slot N          physical slot of the eUICC (1 or 2, default 1)\n"
        "  --logical-slots N       logical slots (1 or 2, default 2)\n"
        "Quirks:\n"
        "  --access-denied-once    a stale channel holds the ISD-R: Open Logical Channel\n"
        "                          answers AccessDenied until it is closed\n"
        "  --internal-once         the same, answered Internal\n"
        "  --switch-settle MS      DeviceNotReady for MS ms after a slot switch\n"
        "  --no-logical-channel    Open Logical Channel answers InvalidQmiCommand\n"
        "  --split                 write every answer in two pieces\n"
        "  --indications           an indication and another client's answer before each answer\n"
        "  --hang-after N          stop answering from the N-th Send APDU\n"
        "  --exit-after N          close the device on the N-th Send APDU\n"
        "  --garble N              a wrong APDU length in the N-th Send APDU answer\n"
        "Prints the device path on stdout; on exit, counters on stderr.\n");
}

static int parse_uint(const char *s, unsigned *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || v > 100000000ul)
        return -1;
    *out = (unsigned)v;
    return 0;
}

int main(int argc, char **argv)
{
    struct softeuicc_options so = { .version = SOFTEUICC_OPTIONS_VERSION };
    struct sim_qmi_options mo;
    memset(&mo, 0, sizeof mo);
    char err[256] = "";
    so.err = err;
    so.err_len = sizeof err;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = 1;
        unsigned *num = NULL;
        if (strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--proxy") == 0) {
            mo.proxy = 1; takes = 0;
        } else if (strcmp(a, "--access-denied-once") == 0) {
            mo.stale_channel = 82; takes = 0;
        } else if (strcmp(a, "--internal-once") == 0) {
            mo.stale_channel = 3; takes = 0;
        } else if (strcmp(a, "--no-logical-channel") == 0) {
            mo.no_logical_channel = 1; takes = 0;
        } else if (strcmp(a, "--split") == 0) {
            mo.split = 1; takes = 0;
        } else if (strcmp(a, "--indications") == 0) {
            mo.indications = 1; takes = 0;
        } else if (strcmp(a, "--verbose") == 0) {
            mo.verbose = 1; so.verbose = 1; takes = 0;
        } else if (!v) {
            fprintf(stderr, "esimlpa-sim-qmi: %s: unknown option or missing value\n", a);
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
        } else if (strcmp(a, "--euicc-slot") == 0) {
            num = &mo.euicc_slot;
        } else if (strcmp(a, "--logical-slots") == 0) {
            num = &mo.logical_slots;
        } else if (strcmp(a, "--switch-settle") == 0) {
            num = &mo.switch_settle_ms;
        } else if (strcmp(a, "--hang-after") == 0) {
            num = &mo.hang_after;
        } else if (strcmp(a, "--exit-after") == 0) {
            num = &mo.exit_after;
        } else if (strcmp(a, "--garble") == 0) {
            num = &mo.garble;
        } else {
            fprintf(stderr, "esimlpa-sim-qmi: unknown option %s\n", a);
            usage(stderr);
            return 2;
        }
        if (num && parse_uint(v, num) != 0) {
            fprintf(stderr, "esimlpa-sim-qmi: %s: not a number: %s\n", a, v);
            return 2;
        }
        i += takes;
    }
    if ((mo.euicc_slot > 2) || mo.logical_slots > 2) {
        fprintf(stderr, "esimlpa-sim-qmi: slots are 1 or 2\n");
        return 2;
    }
    if (!so.state_path || !so.euicc_key_path || !so.euicc_cert_path || !so.eum_cert_path) {
        fprintf(stderr, "esimlpa-sim-qmi: --state, --euicc-key, --euicc-cert and --eum-cert are required\n");
        return 2;
    }
    struct softeuicc *se = NULL;
    if (softeuicc_open(&so, &se) != 0) {
        fprintf(stderr, "esimlpa-sim-qmi: %s\n", err);
        return 1;
    }
    struct sim_qmi *m = NULL;
    char path[128];
    if (sim_qmi_open(&mo, se, &m, path, sizeof path) != 0) {
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

    int rc = sim_qmi_run(m, &stop_flag);
    struct sim_qmi_stats st;
    sim_qmi_get_stats(m, &st);
    fprintf(stderr,
            "sim-qmi: frames %u, send-apdu %u, open-channel %u, close-channel %u, alloc-cid %u, "
            "release-cid %u, card-status %u, switch-slot %u, proxy-open %u, refused %u\n",
            st.frames, st.send_apdu, st.open_channel, st.close_channel, st.alloc_cid,
            st.release_cid, st.card_status, st.switch_slot, st.proxy_open, st.refused);
    sim_qmi_close(m);
    softeuicc_close(se);
    return rc < 0 ? 1 : 0;
}
