/* SPDX-License-Identifier: MIT */
/* Test SM-DP+ internals shared by its source files. */
#ifndef TESTS_SMDPP_INTERNAL_H
#define TESTS_SMDPP_INTERNAL_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "profile.h"
#include "rspcrypto.h"
#include "smdpp.h"

/* ES9+/ES11 functions (notes §5.1). */
enum smdpp_fn {
    FN_INITIATE_AUTH = 0, FN_AUTH_CLIENT, FN_GET_BPP, FN_HANDLE_NOTIF, FN_CANCEL_SESSION,
    FN_COUNT
};
extern const char *const smdpp_fn_names[FN_COUNT];
int smdpp_fn_from_name(const char *name); /* -1 if unknown */

enum order_state {
    ORDER_AVAILABLE = 0, ORDER_IN_PROGRESS, ORDER_DOWNLOADED, ORDER_INSTALLED, ORDER_CC_LOCKED
};
const char *smdpp_order_state_name(enum order_state st);

struct smdpp_order {
    char *matching_id;
    struct smdpp_profile *profile;
    char *cc;               /* confirmation code; NULL: none required */
    char *eid;              /* 32 digits bound to this order; NULL: any */
    int ppk;                /* send ReplaceSessionKeys (A2) */
    enum order_state state;
    unsigned cc_failures;
    unsigned downloads;     /* BPPs delivered */
    char last_result[96];   /* no secrets */
};

struct smdpp_event {        /* SM-DS event entry (notes §1.5) */
    char *eid;              /* 32 digits or "*" */
    char *event_id, *address;
};

enum session_state { SESS_INITIATED = 0, SESS_AUTHENTICATED, SESS_BPP_SENT };

struct smdpp_session {
    char txid_hex[33];
    uint8_t txid[16];
    uint8_t server_challenge[16];
    int ci;                 /* index into keys.ci */
    enum session_state state;
    time_t last_use;
    X509 *euicc_cert, *eum_cert;
    uint8_t eid[16];
    struct smdpp_order *order;
    uint8_t smdp_sig2[RSPC_SIG_LEN];
    struct smdpp_session *next;
};

enum fault_kind {
    FAULT_STATUS = 1, FAULT_HTTP, FAULT_DELAY, FAULT_CLOSE_BEFORE, FAULT_CLOSE_MID_BODY,
    FAULT_TRUNCATE, FAULT_CORRUPT, FAULT_PAUSE, FAULT_BPP_TLV, FAULT_TRICKLE
};

struct smdpp_fault {
    int fn;                 /* enum smdpp_fn */
    enum fault_kind kind;
    char subject[16], reason[16];
    int http;
    unsigned delay_ms;
    unsigned long trickle_bps;  /* FAULT_TRICKLE */
    char pause_file[200];   /* FAULT_PAUSE */
    unsigned count;         /* 0: always */
    unsigned used;
};

struct smdpp {
    pthread_mutex_t lock;
    enum smdpp_role role;
    char *name;
    char *host_id;
    int verbose;
    unsigned session_timeout_s;
    unsigned cc_max_attempts;
    X509 *auth_cert, *pb_cert;
    EVP_PKEY *auth_key, *pb_key;
    X509 *ci[SMDPP_MAX_CI];
    size_t n_ci;
    uint8_t oid[32];        /* registeredID of CERT.DPauth (raw OID contents) */
    size_t oid_len;

    struct smdpp_profile **profiles;
    size_t n_profiles;
    struct smdpp_order *orders;
    size_t n_orders;
    struct smdpp_event *events;
    size_t n_events;

    struct smdpp_session *sessions;
    struct smdpp_fault faults[SMDPP_MAX_FAULTS];
    size_t n_faults;

    char *status_file;
    struct httpd *httpd;
    long counts[FN_COUNT];
    long http_requests, bad_paths;
    long notif_received, notif_verified, notif_rejected;
};

/* A handler's answer: status plus extra JSON fields. */
struct smdpp_reply {
    cJSON *body;            /* object; the router adds "header" */
    int failed;
    char subject[16], reason[16];
    char message[160];
    int http_status;        /* 0: 200 with JSON; 204: empty body */
};

/* Set a Failed status (subject, reason) with a log line. Returns 0 (handler convenience). */
int smdpp_fail(struct smdpp *s, struct smdpp_reply *r, const char *subject, const char *reason,
               const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void smdpp_log(struct smdpp *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Handlers (es9p_handlers_*.c, es11_handlers.c, notif.c). Input is the request JSON object. */
int smdpp_initiate_authentication(struct smdpp *s, const cJSON *req, struct smdpp_reply *r);
int smdpp_authenticate_client(struct smdpp *s, const cJSON *req, struct smdpp_reply *r);
int smdpp_get_bpp(struct smdpp *s, const cJSON *req, struct smdpp_reply *r);
int smdpp_cancel_session(struct smdpp *s, const cJSON *req, struct smdpp_reply *r);
int smdpp_handle_notification(struct smdpp *s, const cJSON *req, struct smdpp_reply *r);
/* ES11 tail of authenticateClient: eventEntries for the eUICC's EID (es11_handlers.c). */
int smdpp_es11_events(struct smdpp *s, struct smdpp_session *sess, struct smdpp_reply *r);

/* Shared eUICC authentication (es9p_handlers_auth.c): verifies an AuthenticateServerResponse
 * and fills the session's certificates and EID. Returns 0 if verified, else sets r failed. */
int smdpp_verify_auth_response(struct smdpp *s, struct smdpp_session *sess, const uint8_t *der,
                               size_t len, char **matching_id, uint8_t sig1[RSPC_SIG_LEN],
                               struct smdpp_reply *r);

/* Sessions (session.c). */
struct smdpp_session *smdpp_session_new(struct smdpp *s);
struct smdpp_session *smdpp_session_find(struct smdpp *s, const char *txid_hex);
void smdpp_session_drop(struct smdpp *s, struct smdpp_session *sess);
void smdpp_session_expire(struct smdpp *s);
void smdpp_session_free_all(struct smdpp *s);
size_t smdpp_session_count_locked(struct smdpp *s);

/* Config (config.c). */
int smdpp_config_load(struct smdpp *s, const char *path, char *err, size_t errlen);
void smdpp_config_free(struct smdpp *s);
struct smdpp_order *smdpp_order_find(struct smdpp *s, const char *matching_id);
char *smdpp_status_json_locked(struct smdpp *s);
void smdpp_status_write(struct smdpp *s);

/* Faults (faults.c). */
int smdpp_fault_parse(const char *spec, struct smdpp_fault *f, char *err, size_t errlen);
/* The first active fault of kind-class for fn (pre: status/http/close-before; post: others);
 * consumes one use. NULL if none. */
struct smdpp_fault *smdpp_fault_take(struct smdpp *s, int fn, int pre);
/* The next bpp-tlv fault (getBoundProfilePackage), counted as used; NULL if none. */
struct smdpp_fault *smdpp_fault_take_bpp_tlv(struct smdpp *s);

/* Utilities (util.c). */
/* JSON string field, NULL if missing or not a string. */
const char *smdpp_json_str(const cJSON *o, const char *name);
/* base64 field decoded; 0, or -1 with r failed (missing: 1.3.1/2.2, bad: 1.3.1/2.1). */
int smdpp_json_b64(struct smdpp *s, const cJSON *o, const char *name, size_t max, uint8_t **out,
                   size_t *len, struct smdpp_reply *r);
char *smdpp_b64(const uint8_t *p, size_t n);  /* malloc'd */
void smdpp_hex(const uint8_t *p, size_t n, char *out);  /* uppercase, NUL-terminated */
/* Child TLV with tag in value[0..len); RSPC_OK or RSPC_ENOTFOUND / RSPC_EINVAL (malformed). */
int smdpp_tlv_find(const uint8_t *v, size_t len, uint32_t tag, struct rspc_tlv *out);
/* Parse exactly one TLV spanning all of len with the expected tag. */
int smdpp_tlv_whole(const uint8_t *p, size_t len, uint32_t tag, struct rspc_tlv *out);
int smdpp_verify_sig(X509 *cert, const uint8_t *msg, size_t len, const struct rspc_tlv *sig_tlv);

#endif
