/* SPDX-License-Identifier: MIT */
/* Test client for the test SM-DP+: plays the eUICC (rspcrypto, test PKI) and the LPA (libcurl,
 * --resolve to the in-process server). Shared by the smdpp-* tests. */
#ifndef TESTS_SMDPP_TEST_CLIENT_H
#define TESTS_SMDPP_TEST_CLIENT_H

#include <stdio.h>
#include <stdlib.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "smdpp_internal.h"

extern int tc_failures;
#define CHECK(cond) do { if (!(cond)) { tc_failures++; \
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define REQUIRE(cond) do { if (!(cond)) { \
    fprintf(stderr, "%s:%d: REQUIRE failed: %s\n", __FILE__, __LINE__, #cond); exit(1); } } while (0)

struct tc {
    char pki[256];                 /* directory with the generated PKI */
    struct smdpp *srv;
    struct httpd *httpd;
    unsigned port;
    CURL *curl;
    struct curl_slist *resolve;
    const char *host;
    /* eUICC */
    X509 *euicc_cert, *eum_cert, *ci_cert;
    EVP_PKEY *euicc_key;
    uint8_t ci_ski[20];
    /* per-download state */
    char txid_hex[33];
    uint8_t txid[16];
    uint8_t euicc_sig1[RSPC_SIG_LEN];
    uint8_t smdp_sig2[RSPC_SIG_LEN];
    EVP_PKEY *otsk;
    X509 *pb_cert;
    int cc_required;
};

/* Generate the NIST PKI into a temporary directory (argv[1] = gen-rsp-pki.sh). */
void tc_pki(struct tc *t, const char *script);
/* Start an in-process server; role smdp uses dpauth/dppb, smds dsauth. config may be NULL;
 * faults: NULL-terminated list. */
void tc_start(struct tc *t, enum smdpp_role role, const char *config, const char *const *faults);
void tc_stop(struct tc *t);
char *tc_path(struct tc *t, const char *file);  /* static buffer */
/* execv(argv[0], argv) a program of this build, through meson's exe wrapper
 * (MESON_EXE_WRAPPER, e.g. qemu-aarch64 in a cross build: the files in cross/) when
 * there is one. Returns only on failure. */
void tc_exec(char *const argv[]);

/* POST raw body; returns the HTTP status (0 on transport error), *body malloc'd. */
long tc_post_raw(struct tc *t, const char *path, const char *method, const char *ctype,
                 const char *admin, const void *body, size_t len, char **out);
/* POST JSON to /gsma/rsp2/es9plus/<fn>; returns the parsed answer (NULL if none) and sets *http. */
cJSON *tc_call(struct tc *t, const char *fn, cJSON *req, long *http);
/* Expect header status Failed with subject/reason (NULL subject: expect success). */
int tc_status_is(const cJSON *resp, const char *subject, const char *reason);
void tc_expect(const cJSON *resp, const char *subject, const char *reason, const char *what);

/* eUICC side. */
uint8_t *tc_euicc_info1(struct tc *t, const uint8_t *ski, size_t *len);  /* BF20 */
cJSON *tc_initiate(struct tc *t, const char *address);
cJSON *tc_initiate_with(struct tc *t, const char *address, const uint8_t *info1, size_t len);
/* Build AuthenticateServerResponse for an initiateAuthentication answer (verifies the server).
 * mutate: 0 none, 1 flip euiccSignature1, 2 wrong serverChallenge, 3 swap certs (eUICC as EUM),
 * 4 wrong txid. euicc/eum override the certificates (NULL: own). */
uint8_t *tc_auth_server(struct tc *t, const cJSON *init, const char *matching_id, int mutate,
                        X509 *euicc, EVP_PKEY *key, X509 *eum, size_t *len);
cJSON *tc_authenticate(struct tc *t, const uint8_t *asr, size_t len);
/* PrepareDownloadResponse for an authenticateClient answer. cc NULL: no hashCc.
 * mutate: 0 none, 1 flip euiccSignature2, 2 wrong txid. */
uint8_t *tc_prepare(struct tc *t, const cJSON *auth, const char *cc, int mutate, size_t *len);
cJSON *tc_get_bpp(struct tc *t, const uint8_t *pdr, size_t len);
/* Decrypt a BPP (b64) with the session state; fills metadata and UPP. 0 or -1. */
int tc_unwrap_bpp(struct tc *t, const char *b64, struct rspc_buf *metadata, struct rspc_buf *upp,
                  int *had_ppk);
/* Signed PIR (BF37) for the current txid: success or error. */
uint8_t *tc_pir(struct tc *t, int success, int bad_sig, size_t *len);
/* OtherSignedNotification (30) for an event bit mask. */
uint8_t *tc_other_notif(struct tc *t, unsigned bits, int bad_sig, size_t *len);
long tc_notify(struct tc *t, const uint8_t *pn, size_t len);
/* CancelSessionResponse (BF41): signed (oid NULL: the DPauth OID) or error branch. */
uint8_t *tc_cancel_resp(struct tc *t, int reason, const uint8_t *oid, size_t oid_len,
                        int error_branch, int bad_sig, int wrong_txid, size_t *len);
cJSON *tc_cancel(struct tc *t, const uint8_t *csr, size_t len);

/* Whole run up to the BPP; returns the getBoundProfilePackage answer (or the failing one). */
cJSON *tc_download(struct tc *t, const char *matching_id, const char *cc);
/* Certificate for another EID, signed by the EUM (same key as the PKI's eUICC). */
X509 *tc_mint_euicc(struct tc *t, const char *eid);

#endif
