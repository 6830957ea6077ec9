/* SPDX-License-Identifier: MIT */
/* Helpers for the soft eUICC tests: set up a card from the test PKI and a
 * fresh copy of the seed, exchange raw APDUs and whole ES10 commands. */
#ifndef SOFTEUICC_TEST_UTIL_H
#define SOFTEUICC_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "softeuicc.h"
#include "softeuicc_transport.h"

extern int t_failures;
/* Fault knob for cards opened next (softeuicc_options.fail_at_segment / fail_sw). */
extern unsigned t_fail_at, t_fail_sw;

#define CHECK(cond) do { if (!(cond)) { \
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    t_failures++; } } while (0)
#define CHECK_EQ(a, b) do { long _a = (long)(a), _b = (long)(b); if (_a != _b) { \
    fprintf(stderr, "%s:%d: %s == %ld, expected %ld (0x%lX)\n", __FILE__, __LINE__, #a, _a, _b, \
            (unsigned long)_b); t_failures++; } } while (0)

struct tcard {
    struct softeuicc *se;
    struct esimlpa_apdu_transport *tr;
    char state_path[256];
    char dir[128];
};

/* argv[1] = PKI dir, argv[2] = seed. Makes a temp dir with a copy of the seed. */
void t_setup(int argc, char **argv);
const char *t_pki(const char *file);   /* path of a PKI file (static buffer ring) */
const char *t_seed(void);
/* Open a card on a fresh state copy (curve "nist" or "brp"). */
void t_open(struct tcard *c, const char *curve);
/* Reopen on the same state file. */
void t_reopen(struct tcard *c, const char *curve);
void t_close(struct tcard *c);

/* Send an APDU given as hex; returns SW; response data in out (may be NULL). */
unsigned t_apdu(struct tcard *c, const char *hex, uint8_t *out, size_t *out_len);
unsigned t_apdu_bin(struct tcard *c, const uint8_t *cmd, size_t len, uint8_t *out, size_t *out_len);
/* Open a logical channel and select the ISD-R; returns the channel. */
int t_open_isdr(struct tcard *c);
/* Send an ES10 command (hex or binary) on channel ch with STORE DATA blocks of
 * at most mss bytes, following 61xx with GET RESPONSE. Returns the final SW;
 * the response goes into a malloc'd *out. */
unsigned t_es10(struct tcard *c, int ch, const uint8_t *req, size_t len, size_t mss,
                uint8_t **out, size_t *out_len);
unsigned t_es10_hex(struct tcard *c, int ch, const char *hex, uint8_t **out, size_t *out_len);
uint8_t t_cla(uint8_t base, int ch);
size_t t_unhex(const char *hex, uint8_t *out, size_t cap);
/* Find the first TLV with tag inside buf (depth-first through constructed TLVs). */
const uint8_t *t_find(const uint8_t *buf, size_t len, unsigned tag, size_t *vlen);
int t_done(void);

#endif
