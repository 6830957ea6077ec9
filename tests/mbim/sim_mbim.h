/* SPDX-License-Identifier: MIT */
/* Simulated MBIM modem: MBIM on a pseudo-terminal (the "device node") and,
 * optionally, on libmbim's mbim-proxy abstract socket, answering the Basic
 * Connect queries mbimcli uses and the Microsoft UICC low-level access and
 * slot mapping commands an LPA uses, with the soft eUICC as its card. */
#ifndef SIM_MBIM_H
#define SIM_MBIM_H

#include <stddef.h>

#include "softeuicc.h"

struct sim_mbim_options {
    unsigned euicc_slot;        /* slot holding the eUICC (1 or 2); 0 = 1 */
    unsigned slots;             /* 1 (no slot mapping support) or 2; 0 = 2 */
    int proxy;                  /* also listen on the abstract socket "mbim-proxy" */
    int strict_p2;              /* Open Channel refuses SelectP2Arg other than 0x0C */
    int select_61xx;            /* Open Channel: SELECT sent without Le, FCI left unread: Status 61xx */
    int strict_class;           /* APDU refuses a ClassByteType that disagrees with the host's CLA */
    unsigned first_channel;     /* channels below this are held by the modem (0 = none) */
    unsigned settle_ms;         /* SimNotInserted for this long after a slot mapping change */
    unsigned fragment;          /* split answers into fragments of this many bytes (0: 4096) */
    int split;                  /* write each frame in two pieces */
    int indications;            /* an indication before each answer */
    unsigned hang_after;        /* stop answering from the n-th APDU; 0 = never */
    unsigned garble;            /* n-th APDU answer: Response size past the buffer; 0 = never */
    int verbose;
};

struct sim_mbim_stats {
    unsigned frames, open, close, apdu, open_channel, close_channel, slot_map_set,
        device_caps, proxy_config, fragments_out, refused;
};

struct sim_mbim;

int sim_mbim_open(const struct sim_mbim_options *opts, struct softeuicc *se,
                  struct sim_mbim **out, char *dev, size_t dev_len);
int sim_mbim_run(struct sim_mbim *m, volatile int *stop);
void sim_mbim_get_stats(const struct sim_mbim *m, struct sim_mbim_stats *out);
void sim_mbim_close(struct sim_mbim *m);

#endif
