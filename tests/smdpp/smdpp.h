/* SPDX-License-Identifier: MIT */
/* Test SM-DP+ / SM-DS (ES9+ / ES11 over tests/smdpp/httpd), public face for main.c and tests.
 * Protocol facts: /work/shared/sgp22-notes.md §1.3-1.6, §5, §6, §7.2, §8, §9.
 * The server runs inside the httpd handler thread; every smdpp_* call below takes the server's
 * own lock, so tests may inspect state while the server runs. */
#ifndef TESTS_SMDPP_H
#define TESTS_SMDPP_H

#include <stddef.h>
#include <stdint.h>

#include "httpd.h"

enum smdpp_role { SMDPP_ROLE_SMDP = 0, SMDPP_ROLE_SMDS = 1 };

#define SMDPP_MAX_CI 8
#define SMDPP_MAX_FAULTS 16

struct smdpp_options {
    enum smdpp_role role;
    const char *name;             /* FQDN the server answers to (initiateAuthentication) */
    const char *auth_cert, *auth_key;   /* DPauth (or DSauth for the SM-DS) */
    const char *pb_cert, *pb_key;       /* DPpb (SM-DP+ only) */
    const char *ci_certs[SMDPP_MAX_CI];
    size_t n_ci;
    const char *orders;           /* config JSON (orders, events, settings); may be NULL */
    const char *faults[SMDPP_MAX_FAULTS]; /* fault specs, see faults.c */
    size_t n_faults;
    const char *status_file;      /* JSON written after every request; may be NULL */
    const char *host_id;          /* BPP hostId; NULL: "testsmdpp" */
    unsigned session_timeout_s;   /* 0: config or 300 */
    int verbose;
};

struct smdpp;

/* Load keys, certificates, config and profiles. NULL on failure with a reason in err. */
struct smdpp *smdpp_new(const struct smdpp_options *o, char *err, size_t errlen);
void smdpp_free(struct smdpp *s);
/* The httpd handler; user = struct smdpp *. */
int smdpp_handle(void *user, const struct httpd_request *req, struct httpd_response *resp);
/* Tell the server about its httpd so counters include connections/handshakes. */
void smdpp_set_httpd(struct smdpp *s, struct httpd *h);
/* httpd on_handshake hook: rewrite the status file (its counters), so a test
 * sees a handshake before any request arrives (connect-ahead, issue 14). */
void smdpp_on_handshake(void *user);
/* Add a fault at run time (same syntax as --fault). 0 or -1. */
int smdpp_add_fault(struct smdpp *s, const char *spec, char *err, size_t errlen);
void smdpp_clear_faults(struct smdpp *s);
/* State of an order ("available", "in-progress", "downloaded-pending-confirmation",
 * "installed", "cc-locked") copied into out; -1 if the matchingId is unknown. */
int smdpp_order_state(struct smdpp *s, const char *matching_id, char *out, size_t cap);
/* Status JSON (same as the status file / GET /test/status); free() it. */
char *smdpp_status_json(struct smdpp *s);
/* Requests answered per function name (e.g. "getBoundProfilePackage"); -1 unknown name. */
long smdpp_count(struct smdpp *s, const char *function);
/* Notifications received / verified. */
void smdpp_notif_counts(struct smdpp *s, long *received, long *verified, long *rejected);
size_t smdpp_session_count(struct smdpp *s);

#endif
