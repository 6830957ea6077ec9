/* SPDX-License-Identifier: MIT */
/* Simulated QMI modem: QMUX on a pseudo-terminal (the "device node") and,
 * optionally, on libqmi's qmi-proxy abstract socket, answering the CTL and
 * UIM messages an LPA and qmicli use, with the soft eUICC as its card. */
#ifndef SIM_QMI_H
#define SIM_QMI_H

#include <stddef.h>

#include "softeuicc.h"

struct sim_qmi_options {
    unsigned euicc_slot;        /* physical slot holding the eUICC (1 or 2); 0 = 1 */
    unsigned logical_slots;     /* 1 or 2 (dual active); 0 = 2 */
    int proxy;                  /* also listen on the abstract socket "qmi-proxy" */
    int stale_channel;          /* 0; 82 / 3: a stale channel holds the ISD-R and Open
                                   Logical Channel answers AccessDenied / Internal until
                                   it is closed */
    unsigned switch_settle_ms;  /* after Switch Slot: DeviceNotReady for this long */
    int no_logical_channel;     /* Open Logical Channel answers InvalidQmiCommand */
    int split;                  /* write each answer in two pieces */
    int indications;            /* an indication and a foreign client's answer before each answer */
    unsigned hang_after;        /* stop answering from the n-th Send APDU; 0 = never */
    unsigned exit_after;        /* close the device on the n-th Send APDU; 0 = never */
    unsigned garble;            /* n-th Send APDU answer: APDU length one too big; 0 = never */
    int verbose;
};

struct sim_qmi_stats {
    unsigned frames, send_apdu, open_channel, close_channel, alloc_cid, release_cid,
        card_status, switch_slot, proxy_open, refused;
};

struct sim_qmi;

/* Open the pty (path into @dev) and, with opts->proxy, the proxy socket.
 * Returns 0 or -1 (message on stderr). */
int sim_qmi_open(const struct sim_qmi_options *opts, struct softeuicc *se, struct sim_qmi **out,
                 char *dev, size_t dev_len);
/* Serve until *stop, or exit_after fired (returns 1), or an I/O error (-1). */
int sim_qmi_run(struct sim_qmi *m, volatile int *stop);
void sim_qmi_get_stats(const struct sim_qmi *m, struct sim_qmi_stats *out);
void sim_qmi_close(struct sim_qmi *m);

#endif
