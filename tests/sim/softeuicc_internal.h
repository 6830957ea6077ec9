/* SPDX-License-Identifier: MIT */
/* Soft eUICC internals shared by card_iso.c, es10_*.c and softeuicc.c. */
#ifndef SOFTEUICC_INTERNAL_H
#define SOFTEUICC_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <esimlpa/transport.h>

#include "card_iso.h"
#include "der.h"
#include "identity.h"
#include "softeuicc.h"
#include "state.h"

/* ES10 session context (SGP.22 §3.1.2). The download half (AuthenticateServer,
 * PrepareDownload, LoadBPP) will keep its transaction data here. */
struct se_session {
    bool have_challenge;
    uint8_t challenge[16];
};

/* The in-process transport (softeuicc_transport.c) lives inside the card. */
struct se_transport {
    struct esimlpa_apdu_transport t;
    struct softeuicc *se;
    int connected;
};

struct softeuicc {
    char *state_path;
    int verbose;
    int t0_get_response;
    struct se_state *st;
    struct se_identity *id;
    struct se_session session;
    struct iso_card iso;
    unsigned save_failures;
    struct se_transport transport;
};

/* Persist the state after a change; logs and counts failures. */
void se_save(struct softeuicc *se);
void se_log(const struct softeuicc *se, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Create, sign and queue an OtherSignedNotification (SGP.22 §5.7.9, sgp22-notes §9)
 * for one event bit of profile p, if p's notificationConfigurationInfo asks for it.
 * Returns 0 (also when nothing was configured) or -1. */
int se_notify(struct softeuicc *se, const struct se_profile *p, unsigned event);

#endif
