/* SPDX-License-Identifier: MIT */
/* Simulated AT modem on a pseudo-terminal: answers ATE0, AT+CCHO/CGLA/CCHC
 * and AT+CSIM (3GPP TS 27.007) by forwarding the APDUs to a soft eUICC,
 * with switches for the quirks real modems have. */
#ifndef SIM_MODEM_H
#define SIM_MODEM_H

#include <stddef.h>

#include "softeuicc.h"

enum sim_modem_channel_format {
    SIM_CH_PLAIN = 0,   /* +CCHO: 1 */
    SIM_CH_QUOTED,      /* +CCHO: "1" */
    SIM_CH_HEX4,        /* +CCHO: 0001 (hex, 4 digits) */
    SIM_CH_BARE,        /* 1 */
};

struct sim_modem_options {
    int no_test_commands;   /* 1: ERROR to every =? test command, 2: no answer at all */
    int no_cgla_prefix;     /* answer AT+CGLA with <len>,"<hex>" only */
    enum sim_modem_channel_format channel_format;
    int csim_only;          /* AT+CCHO/CGLA/CCHC answer +CME ERROR: 4 */
    int urc;                /* inject unsolicited result codes around answers */
    int lowercase;          /* hex in answers in lower case */
    int no_quotes;          /* hex in answers without quotes */
    unsigned hang_after;    /* stop answering from the n-th APDU command (CGLA/CSIM); 0 = never */
    unsigned exit_after;    /* close the line on the n-th APDU command; 0 = never */
    int verbose;            /* log commands to stderr */
};

struct sim_modem;

/* Open a pty for the card @se (not owned). slave receives the device path.
 * Returns 0 or -1 (errno-style message on stderr). */
int sim_modem_open(const struct sim_modem_options *opts, struct softeuicc *se,
                   struct sim_modem **out, char *slave, size_t slave_len);
/* Serve commands until *stop becomes non-zero, or the line is closed by
 * exit_after (returns 1 then), or an I/O error (-1). */
int sim_modem_run(struct sim_modem *m, volatile int *stop);
struct sim_modem_stats {
    unsigned commands, ccho, cgla, cchc, csim, test_commands;
};
/* Counters of what was served (read them after sim_modem_run returned). */
void sim_modem_get_stats(const struct sim_modem *m, struct sim_modem_stats *out);
void sim_modem_close(struct sim_modem *m);

#endif
