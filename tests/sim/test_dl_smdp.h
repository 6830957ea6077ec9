/* SPDX-License-Identifier: MIT */
/* sim-dl tests: the test plays the SM-DP+ with rspcrypto (sgp22-notes §1.3, §7.2):
 * builds AuthenticateServer / PrepareDownload requests, checks the eUICC's
 * signatures, builds a BPP and cuts it into ES10 commands (§6.3). */
#ifndef SOFTEUICC_TEST_DL_SMDP_H
#define SOFTEUICC_TEST_DL_SMDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "der.h"
#include "rspcrypto.h"
#include "test_util.h"

struct smdp {
    char curve[8];
    EVP_PKEY *auth_key, *pb_key;
    X509 *ci, *euicc;                      /* CERT.EUICC as returned by AuthenticateServer */
    uint8_t *auth_der, *pb_der;            /* CERT.DPauth / CERT.DPpb */
    size_t auth_der_len, pb_der_len;
    uint8_t txid[16];
    size_t txid_len;
    uint8_t server_challenge[16];
    uint8_t euicc_sig1[64], smdp_sig2[64];
    uint8_t euicc_otpk[65];
    uint8_t hash_cc[32];
    bool got_hash_cc;
    const char *address;
};

/* Knobs for the requests (all zero = a correct request). */
struct auth_opts {
    bool wrong_challenge, bad_signature, unknown_ci;
    const char *cert_file;                 /* serverCertificate from this PKI file (DER) */
    const char *key_file;                  /* and sign with this key */
};
struct prep_opts {
    bool bad_signature, wrong_txid, cc_required, with_hash_cc;
    const char *cert_file;                 /* smdpCertificate from this PKI file */
};
struct bpp_opts {
    const char *iccid;                     /* digits; default 8949449999999990049 */
    bool ppk;                              /* with A2 ReplaceSessionKeys */
    bool wrong_sign_key;                   /* smdpSign with SK.DPauth instead of SK.DPpb */
    bool wrong_txid;
    bool bad_upp;                          /* UPP is not a TLV sequence */
    int pclass;                            /* -1: absent (operational); else 95 value */
    unsigned ppr;                          /* 99 bits; 0: absent */
    bool owner;                            /* B7 { 80 62F210 } */
    size_t upp_len;                        /* profile element stream size (default 3000) */
};

void smdp_init(struct smdp *d, const char *curve);
void smdp_free(struct smdp *d);

/* BF2E: returns the 16-byte challenge. */
void dl_challenge(struct tcard *c, int ch, uint8_t chal[16]);
/* AuthenticateServer: returns the full response (malloc'd); on BF38 A0 it checks
 * euiccSignature1 with CERT.EUICC and keeps it. */
uint8_t *dl_authenticate(struct tcard *c, int ch, struct smdp *d, const uint8_t chal[16],
                         const struct auth_opts *o, size_t *len);
/* Error code of a BF38/BF21 A1 response, 0 for A0, -1 if malformed. */
long dl_error_code(const uint8_t *resp, size_t len, unsigned tag);
uint8_t *dl_prepare(struct tcard *c, int ch, struct smdp *d, const struct prep_opts *o,
                    size_t *len);
/* Build and cut the BPP; *segs / *count as rspc_bpp_segments, bpp->data the bytes. */
void dl_build_bpp(struct smdp *d, const struct bpp_opts *o, struct rspc_buf *bpp,
                  struct rspc_bpp_seg **segs, size_t *count);
/* Challenge + authenticate + prepare, all expected to succeed. */
void dl_session(struct tcard *c, int ch, struct smdp *d);

/* Check a BF37: signature with CERT.EUICC, txid. Returns the seqNumber and fills
 * cmd/reason (-1/-1 for success) and the ICCID (hex of 10 bytes, "" if absent). */
long dl_check_pir(struct smdp *d, const uint8_t *pir, size_t len, long *cmd, long *reason,
                  char iccid_hex[21]);

#endif
