/* SPDX-License-Identifier: MIT */
/*
 * ES9+ (SM-DP+) and ES11 (SM-DS) client: JSON over HTTPS (SGP.22 §6.5,
 * notes §5). Each function takes raw DER inputs, POSTs
 * https://<address>/gsma/rsp2/es9plus/<function> through the caller's HTTP
 * transport and returns the decoded raw bytes of the answer. Internal.
 *
 * Errors: 0 or a negative ESIMLPA_E* code, with the detail recorded through
 * esimlpa__fail() on c->ctx (which may be NULL: then no text is kept).
 *   ESIMLPA_EINVAL           bad arguments (NULL, bad address, bad transactionId)
 *   transport codes          as returned by http->post (EHTTP_CONNECT, ETIMEOUT, ...)
 *   ESIMLPA_EHTTP_STATUS     HTTP status outside 2xx
 *   ESIMLPA_EHTTP_TOOBIG     body larger than c->max_response
 *   ESIMLPA_EHEADER          X-Admin-Protocol present but not "gsma/rsp/v..."
 *   ESIMLPA_EES9_FAILED      functionExecutionStatus "Failed" (see c->status)
 *   ESIMLPA_EES9_EXPIRED     functionExecutionStatus "Expired"
 *   ESIMLPA_EES9_BADRESPONSE malformed/too deep JSON, missing or mistyped field,
 *                            bad base64, transactionId differing from the one sent
 * c->status always holds what the last call learnt of the server's status.
 */
#ifndef ESIMLPA_ES9P_INTERNAL_H
#define ESIMLPA_ES9P_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <esimlpa/esimlpa.h>
#include <esimlpa/es9p.h>
#include <esimlpa/http.h>

#include "es9p_address.h"

#define ESIMLPA__ES9P_DEFAULT_MAX_RESPONSE ((size_t)4 << 20)  /* bytes of JSON */
#define ESIMLPA__ES9P_MAX_JSON_DEPTH 16
#define ESIMLPA__ES11_MAX_EVENTS 1024   /* eventEntries of one ES11 authenticateClient */
#define ESIMLPA__ES11_MAX_EVENT_ID 255  /* eventId: used as matchingId (activation.h) */
#define ESIMLPA__TID_MAX 16            /* TransactionId ::= OCTET STRING (SIZE(1..16)) */
#define ESIMLPA__ES9P_ADMIN_PROTOCOL "gsma/rsp/v2.2.0"

/* One malloc'd byte string. */
struct esimlpa__bytes {
    uint8_t *data;
    size_t len;
};
void esimlpa__bytes_clear(struct esimlpa__bytes *b);

/* Per-session client state; zero-initialise, then set ctx and http. */
struct esimlpa__es9p {
    esimlpa_ctx *ctx;                      /* error sink and logger; may be NULL */
    struct esimlpa_http_transport *http;   /* required; not owned */
    size_t max_response;                   /* body cap; 0: ESIMLPA__ES9P_DEFAULT_MAX_RESPONSE */
    struct esimlpa_es9_status status;      /* last functionExecutionStatus seen */
};

/* initiateAuthentication answer (ES9+ and ES11). */
struct esimlpa__es9p_init_auth {
    char *transaction_id;                      /* hex string exactly as received */
    uint8_t transaction_id_bin[ESIMLPA__TID_MAX];
    size_t transaction_id_bin_len;             /* 1..16 */
    struct esimlpa__bytes server_signed1;      /* DER 30 ... */
    struct esimlpa__bytes server_signature1;   /* 5F37 40 r||s */
    struct esimlpa__bytes euicc_ci_pkid_to_be_used; /* 04 14 SKI */
    struct esimlpa__bytes server_certificate;  /* DER of CERT.DPauth / CERT.DSauth */
};
void esimlpa__es9p_init_auth_clear(struct esimlpa__es9p_init_auth *r);

/* ES9+ authenticateClient answer. */
struct esimlpa__es9p_auth_client {
    struct esimlpa__bytes profile_metadata;  /* BF25 StoreMetadataRequest */
    struct esimlpa__bytes smdp_signed2;      /* 30 ... */
    struct esimlpa__bytes smdp_signature2;   /* 5F37 40 r||s */
    struct esimlpa__bytes smdp_certificate;  /* DER of CERT.DPpb */
};
void esimlpa__es9p_auth_client_clear(struct esimlpa__es9p_auth_client *r);

/* ES11 authenticateClient answer: the event records (may be none). */
struct esimlpa__es11_event {
    char *event_id;            /* use as matchingId */
    char *rsp_server_address;  /* SM-DP+ (or SM-DS) address, checked like an AC address */
};
struct esimlpa__es11_auth_client {
    struct esimlpa__es11_event *events;
    size_t count;
};
void esimlpa__es11_auth_client_clear(struct esimlpa__es11_auth_client *r);

int esimlpa__es9p_initiate_authentication(struct esimlpa__es9p *c, const char *smdp_address,
                                          const uint8_t euicc_challenge[16],
                                          const uint8_t *euicc_info1, size_t euicc_info1_len,
                                          struct esimlpa__es9p_init_auth *out);
/* Same request to an SM-DS (es9plus path, notes pitfall 25). */
/* Connect-ahead (issue 14): tell a transport with prepare() (version >= 5)
 * the URL, headers and length of the initiateAuthentication request to come.
 * Its length does not depend on the challenge (16 bytes: 24 base64 chars),
 * so it is known before GetEUICCChallenge. Advisory: failures are ignored,
 * nothing is recorded on the context. */
void esimlpa__es9p_initiate_authentication_prepare(struct esimlpa__es9p *c,
                                                   const char *smdp_address,
                                                   const uint8_t *euicc_info1,
                                                   size_t euicc_info1_len);
/* Drop a prepared request (a flow that ends before it posts). */
void esimlpa__es9p_prepare_drop(struct esimlpa__es9p *c);
int esimlpa__es11_initiate_authentication(struct esimlpa__es9p *c, const char *smds_address,
                                          const uint8_t euicc_challenge[16],
                                          const uint8_t *euicc_info1, size_t euicc_info1_len,
                                          struct esimlpa__es9p_init_auth *out);

int esimlpa__es9p_authenticate_client(struct esimlpa__es9p *c, const char *smdp_address,
                                      const char *transaction_id,
                                      const uint8_t *auth_server_resp, size_t auth_server_resp_len,
                                      struct esimlpa__es9p_auth_client *out);
int esimlpa__es11_authenticate_client(struct esimlpa__es9p *c, const char *smds_address,
                                      const char *transaction_id,
                                      const uint8_t *auth_server_resp, size_t auth_server_resp_len,
                                      struct esimlpa__es11_auth_client *out);

/* *bpp receives the BF36 BoundProfilePackage DER. */
int esimlpa__es9p_get_bound_profile_package(struct esimlpa__es9p *c, const char *smdp_address,
                                            const char *transaction_id,
                                            const uint8_t *prep_dl_resp, size_t prep_dl_resp_len,
                                            struct esimlpa__bytes *bpp);

/* The same request, the answer streamed (issue 14): the package's bytes go
 * to @sink while the body arrives (a non-zero return gives the request up
 * and is returned; the sink reports its own error). The rest of the answer
 * (status, transactionId) is checked once the body is whole, so an error
 * may come after the sink saw bytes. *bpp_len: the bytes decoded. */
int esimlpa__es9p_get_bpp_stream(struct esimlpa__es9p *c, const char *smdp_address,
                                 const char *transaction_id, const uint8_t *prep_dl_resp,
                                 size_t prep_dl_resp_len,
                                 int (*sink)(void *user, const uint8_t *p, size_t len),
                                 void *sink_user, size_t *bpp_len);

/* Success on any 2xx (204 expected); the body is not required. The address
 * (notificationAddress from the eUICC) is trimmed and inner spaces removed
 * (notes pitfall 15) before the check. */
int esimlpa__es9p_handle_notification(struct esimlpa__es9p *c, const char *address,
                                      const uint8_t *pending_notification, size_t pn_len);

int esimlpa__es9p_cancel_session(struct esimlpa__es9p *c, const char *smdp_address,
                                 const char *transaction_id,
                                 const uint8_t *cancel_session_resp, size_t csr_len);

/* Table of known subject/reason pairs (SGP.22 notes §5.5). */
const char *esimlpa__es9p_status_text(const char *subject, const char *reason);

#endif
