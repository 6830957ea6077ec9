/* SPDX-License-Identifier: MIT */
/* Soft eUICC (test double): an ISD-R that answers ES10a/b/c over ISO 7816-4
 * APDUs. Used in-process by unit tests (softeuicc_transport.h) and, through
 * esimlpa-soft-euicc + vpcd, behind a real pcscd. */
#ifndef SOFTEUICC_H
#define SOFTEUICC_H

#include <stddef.h>
#include <stdint.h>

#define SOFTEUICC_OPTIONS_VERSION 1

struct softeuicc_options {
    unsigned version;             /* SOFTEUICC_OPTIONS_VERSION */
    const char *state_path;       /* JSON state, rewritten after each change */
    const char *seed_path;        /* optional: copied to state_path if that does not exist */
    const char *euicc_key_path;   /* PEM EC private key (SK.EUICC) */
    const char *euicc_cert_path;  /* CERT.EUICC, DER or PEM */
    const char *eum_cert_path;    /* CERT.EUM, DER or PEM */
    const char *ci_cert_path;     /* optional: CI certificate (PKID = its SKI) */
    int verbose;                  /* log each APDU and ES10 call to stderr */
    int t0_get_response;          /* answer every response with 61xx + GET RESPONSE (T=0 style) */
    char *err;                    /* optional: receives the reason softeuicc_open failed */
    size_t err_len;
    /* Fault knob for tests: answer the n-th LoadBoundProfilePackage command of each load
     * (1 = the BF36+BF23 command) with status word fail_sw instead of processing it, or, when
     * fail_sw is 0, with garbage data (DE AD BE EF) and 9000. 0 = off. */
    unsigned fail_at_segment;
    unsigned fail_sw;
    /* ISD-R AID the card answers at (5..16 bytes); isdr_aid_len 0: the standard
     * A0000005591010FFFFFFFF8900000100. Any other AID gets 6A82. */
    uint8_t isdr_aid[16];
    size_t isdr_aid_len;
    /* Largest STORE DATA block accepted (1..255; 0 = 255): a bigger one gets
     * 6700, as some removable eUICCs do. */
    unsigned max_block;
    /* Skip fsync when saving the state (fuzzing: thousands of cards a second;
     * a real card's writes are durable, so the program always syncs). */
    int no_sync;
    /* More CI PKIDs (SKIs, 20 bytes) listed in euiccCiPKIdListForVerification
     * after the CI's own, e.g. a GSMA CI whose TLS chains a trust test uses. */
    const uint8_t (*extra_ci_pkid)[20];
    size_t n_extra_ci_pkid;
};

struct softeuicc;

/* Load state and identity. Returns 0, or -1 (message in opts->err). */
int softeuicc_open(const struct softeuicc_options *opts, struct softeuicc **out);
void softeuicc_close(struct softeuicc *se);

/* Card reset (power cycle / warm reset): closes logical channels 1..19,
 * drops partial commands and the ES10 session (challenge). */
void softeuicc_reset(struct softeuicc *se);

/* The ATR (T=0 offered, UICC-like). */
const uint8_t *softeuicc_atr(size_t *len);

/* Process one command APDU; resp must hold >= 258 bytes. *resp_len gets
 * the response length (data + SW1 SW2). Never fails. */
void softeuicc_process_apdu(struct softeuicc *se, const uint8_t *cmd, size_t cmd_len,
                            uint8_t *resp, size_t *resp_len);

/* Add a --fault-es10 knob "TAG[/N]:sw=XXXX|garbage|remove[:count=C]" (es10_faults.c).
 * Returns 0, or -1 with a message in err. */
int softeuicc_add_es10_fault(struct softeuicc *se, const char *spec, char *err, size_t errlen);
/* 1 once a "remove" fault fired: the caller drops the connection, sends nothing. */
int softeuicc_removed(const struct softeuicc *se);
/* 1 (once) when the last APDU must stay unanswered (--fault-es10 ...:silent). */
int softeuicc_take_silent(struct softeuicc *se);

/* 1 while a REFRESH is pending (Enable/DisableProfile with refreshFlag): a
 * terminal that handles proactive commands (a modem) resets the card then. */
int softeuicc_needs_reset(const struct softeuicc *se);

/* Number of ES10 state save failures so far (0 in a healthy run). */
unsigned softeuicc_save_failures(const struct softeuicc *se);

#endif
