/* SPDX-License-Identifier: MIT */
/* esimlpa-sim-mbim: a simulated MBIM modem whose SIM is the soft eUICC.
 * Prints its device path (a pty) on stdout, then serves MBIM until
 * SIGTERM/SIGINT; with --proxy also as libmbim's mbim-proxy (abstract socket:
 * run it in a private network namespace). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_mbim.h"
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
        "usage: esimlpa-sim-mbim --state FILE --euicc-key KEY --euicc-cert CERT --eum-cert CERT\n"
        "                        [--seed FILE] [--ci-cert CERT] [options] [--verbose]\n"
        "  --proxy               also serve as mbim-proxy (abstract socket \"mbim-proxy\")\n"
        "  --euicc-slot N        slot of the eUICC (1 or 2, default 1; slot 1 is mapped at start)\n"
        "  --slots N             slots of the modem (1: no slot mapping support; default 2)\n"
        "Quirks:\n"
        "  --strict-p2           Open Channel refuses SelectP2Arg other than 0x0C\n"
        "  --select-61xx         Open Channel answers SW 61xx (SELECT without Le, FCI unread)\n"
        "  --strict-class        APDU refuses a ClassByteType that disagrees with the channel\n"
        "  --first-channel N     the modem holds channels below N (ours get N and up)\n"
        "  --switch-settle MS    NotInitialized for MS ms after a slot mapping change\n"
        "  --fragment N          answers in fragments of N bytes\n"
        "  --split               write every frame in two pieces\n"
        "  --indications         an indication before each answer\n"
        "  --hang-after N        stop answering from the N-th APDU\n"
        "  --garble N            the N-th APDU answer's Response runs past its buffer\n"
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
    struct sim_mbim_options mo;
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
        } else if (strcmp(a, "--strict-p2") == 0) {
            mo.strict_p2 = 1; takes = 0;
        } else if (strcmp(a, "--select-61xx") == 0) {
            mo.select_61xx = 1; takes = 0;
        } else if (strcmp(a, "--strict-class") == 0) {
            mo.strict_class = 1; takes = 0;
        } else if (strcmp(a, "--split") == 0) {
            mo.split = 1; takes = 0;
        } else if (strcmp(a, "--indications") == 0) {
            mo.indications = 1; takes = 0;
        } else if (strcmp(a, "--verbose") == 0) {
            mo.verbose = 1; so.verbose = 1; takes = 0;
        } else if (!v) {
            fprintf(stderr, "esimlpa-sim-mbim: %s: unknown option or missing value\n", a);
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
        } else if (strcmp(a, "--slots") == 0) {
            num = &mo.slots;
        } else if (strcmp(a, "--first-channel") == 0) {
            num = &mo.first_channel;
        } else if (strcmp(a, "--switch-settle") == 0) {
            num = &mo.settle_ms;
        } else if (strcmp(a, "--fragment") == 0) {
            num = &mo.fragment;
        } else if (strcmp(a, "--hang-after") == 0) {
            num = &mo.hang_after;
        } else if (strcmp(a, "--garble") == 0) {
            num = &mo.garble;
        } else {
            fprintf(stderr, "esimlpa-sim-mbim: unknown option %s\n", a);
            usage(stderr);
            return 2;
        }
        if (num && parse_uint(v, num) != 0) {
            fprintf(stderr, "esimlpa-sim-mbim: %s: not a number: %s\n", a, v);
            return 2;
        }
        i += takes;
    }
    if (mo.euicc_slot > 2 || mo.slots > 2 || (mo.fragment && mo.fragment < 64) ||
        mo.first_channel > 19) {
        fprintf(stderr, "esimlpa-sim-mbim: slots are 1 or 2, --fragment at least 64, "
                        "--first-channel at most 19\n");
        return 2;
    }
    if (!so.state_path || !so.euicc_key_path || !so.euicc_cert_path || !so.eum_cert_path) {
        fprintf(stderr, "esimlpa-sim-mbim: --state, --euicc-key, --euicc-cert and --eum-cert are required\n");
        return 2;
    }
    struct softeuicc *se = NULL;
    if (softeuicc_open(&so, &se) != 0) {
        fprintf(stderr, "esimlpa-sim-mbim: %s\n", err);
        return 1;
    }
    struct sim_mbim *m = NULL;
    char path[128];
    if (sim_mbim_open(&mo, se, &m, path, sizeof path) != 0) {
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

    int rc = sim_mbim_run(m, &stop_flag);
    struct sim_mbim_stats st;
    sim_mbim_get_stats(m, &st);
    fprintf(stderr,
            "sim-mbim: frames %u, open %u, close %u, apdu %u, open-channel %u, close-channel %u, "
            "slot-map-set %u, device-caps %u, proxy-config %u, fragments-out %u, refused %u\n",
            st.frames, st.open, st.close, st.apdu, st.open_channel, st.close_channel,
            st.slot_map_set, st.device_caps, st.proxy_config, st.fragments_out, st.refused);
    sim_mbim_close(m);
    softeuicc_close(se);
    return rc < 0 ? 1 : 0;
}
