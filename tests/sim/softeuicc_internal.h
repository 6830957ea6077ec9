/* SPDX-License-Identifier: MIT */
/* Soft eUICC internals shared by card_iso.c, es10_*.c and softeuicc.c. */
#ifndef SOFTEUICC_INTERNAL_H
#define SOFTEUICC_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <esimlpa/transport.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "card_iso.h"
#include "der.h"
#include "identity.h"
#include "softeuicc.h"
#include "state.h"

struct se_bpp;   /* es10_handlers_bpp.c: a LoadBoundProfilePackage in progress */

/* ES10 session context (SGP.22 §3.1.2, sgp22-notes §1.3): GetEUICCChallenge
 * starts it, AuthenticateServer / PrepareDownload fill it, the end of a
 * LoadBPP, CancelSession, a new challenge or a card reset end it. */
struct se_session {
    bool have_challenge;
    uint8_t challenge[16];
    /* AuthenticateServer succeeded */
    bool authenticated;
    uint8_t txid[16];
    size_t txid_len;
    char *server_address;
    char *matching_id;                 /* NULL: none in ctxParams1 */
    uint8_t dpauth_oid[32];            /* registeredID of CERT.DPauth, raw OID contents */
    size_t dpauth_oid_len;
    X509 *ci;                          /* the CI used (borrowed from the identity) */
    uint8_t euicc_sig1[64];
    /* PrepareDownload succeeded */
    bool prepared;
    X509 *dppb;                        /* CERT.DPpb (owned) */
    uint8_t dppb_oid[32];              /* PIR smdpOid */
    size_t dppb_oid_len;
    EVP_PKEY *otsk;                    /* otSK.EUICC.ECKA on the DPpb curve */
    uint8_t otpk[65];                  /* otPK.EUICC.ECKA, 04||X||Y */
    struct se_bpp *bpp;                /* LoadBPP in progress */
};

/* session.c: drop everything of the session (also a partly loaded BPP). */
void se_session_end(struct softeuicc *se);

/* The in-process transport (softeuicc_transport.c) lives inside the card. */
struct se_transport {
    struct esimlpa_apdu_transport t;
    struct softeuicc *se;
    int connected;
};

/* One --fault-es10 knob (es10_faults.c). */
#define SE_MAX_ES10_FAULTS 8
enum { SE_FAULT_SW = 1, SE_FAULT_GARBAGE, SE_FAULT_REMOVE, SE_FAULT_SILENT, SE_FAULT_PAUSE };
struct se_es10_fault {
    unsigned tag, segment, kind, sw, count, used;
    char pause_file[200];              /* SE_FAULT_PAUSE: held while this file exists */
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
    unsigned fail_at_segment;          /* fault knob, see softeuicc_options */
    unsigned bpp_commands;             /* LoadBPP commands since the last BF36 (fault knob) */
    unsigned fail_sw;
    int no_sync;                  /* softeuicc_options.no_sync */
    struct se_es10_fault es10_faults[SE_MAX_ES10_FAULTS];
    size_t n_es10_faults;
    uint8_t isdr_aid[16];              /* softeuicc_options.isdr_aid (always set) */
    size_t isdr_aid_len;
    unsigned max_block;                /* softeuicc_options.max_block (1..255) */
    int needs_reset;                   /* Enable/DisableProfile with refreshFlag done: STORE
                                          DATA answers 6985 until the card is reset (the
                                          REFRESH a terminal would perform) */
    int removed;                       /* a "remove" fault fired: the card is gone */
    int silent;                        /* a "silent" fault fired: leave this APDU unanswered */
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
