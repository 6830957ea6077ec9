/* SPDX-License-Identifier: MIT */
/* Soft eUICC: the card end of the vpcd protocol (vsmartcard), design.md
 * "Hard facts": TCP client to vpcd, frames = 2-byte big-endian length + bytes. */
#ifndef SOFTEUICC_VPCD_H
#define SOFTEUICC_VPCD_H

#include <signal.h>

struct softeuicc;

struct vpcd_options {
    const char *host;
    const char *port;
    int apdu_delay_ms;
    int once;                  /* serve one connection, then return */
    int verbose;
};

/* Serve until *stop is set (or after one connection with once).
 * Reconnects with a short backoff when vpcd closes the connection.
 * Returns 0 on a clean stop, 1 on a fatal error. */
int vpcd_serve(struct softeuicc *se, const struct vpcd_options *o,
               volatile sig_atomic_t *stop);

#endif
