/* SPDX-License-Identifier: MIT */
/* The bundled GSMA RSP CI root certificates (lib/http/rsp-ci/, installed
 * under DATADIR/libesimlpa/rsp-ci): loading a set, choosing the roots whose
 * SubjectKeyIdentifier an eUICC lists (euiccCiPKIdListForVerification,
 * EUICCInfo1, SGP.22 §5.7.8, sgp22-notes §8.2), and the PEM text curl is given. */
#ifndef ESIMLPA_RSP_CI_BUNDLE_H
#define ESIMLPA_RSP_CI_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "esimlpa/ctx.h"

#ifndef ESIMLPA_RSP_CI_DEFAULT_DIR
#define ESIMLPA_RSP_CI_DEFAULT_DIR "/usr/local/share/libesimlpa/rsp-ci"
#endif
#define ESIMLPA_RSP_CI_ENV "ESIMLPA_RSP_CI_DIR"

struct esimlpa__ci_root {
    X509 *cert;
    uint8_t ski[32];
    size_t ski_len;
};

struct esimlpa__ci_bundle {
    struct esimlpa__ci_root *roots;
    size_t n;
    char dir[512];          /* where the set was read from, for messages */
};

/* Logging sink of the loader (expired or unusable roots). May be NULL. */
struct esimlpa__ci_log {
    esimlpa_log_fn fn;
    void *user;
};

/*
 * Load every certificate of the set @set ("production" or "test") from
 * $ESIMLPA_RSP_CI_DIR/@set, else ESIMLPA_RSP_CI_DEFAULT_DIR/@set. A root that
 * has expired, or has no SubjectKeyIdentifier, is skipped with a log line.
 * 0, or ESIMLPA_EHTTP_CERT with @err naming the directory when it holds no
 * usable root; ESIMLPA_ENOMEM.
 */
int esimlpa__ci_bundle_load(const char *set, const struct esimlpa__ci_log *log,
                            struct esimlpa__ci_bundle *out, char *err, size_t errlen);
void esimlpa__ci_bundle_free(struct esimlpa__ci_bundle *b);

/* Non-zero when root @i has a SubjectKeyIdentifier equal to @id. */
int esimlpa__ci_root_matches(const struct esimlpa__ci_root *r, const uint8_t *id, size_t len);

/* "81370F51…, 4C27967A…": the first 8 hex digits of each distinct SKI. */
void esimlpa__ski_list_text(const uint8_t *const *ids, const size_t *lens, size_t n, char *buf,
                            size_t cap);

/* PEM text of the roots selected by @sel (n flags, non-zero = in), malloc'd
 * and NUL-terminated, length in *len; NULL when out of memory. */
char *esimlpa__ci_bundle_pem(const struct esimlpa__ci_bundle *b, const unsigned char *sel,
                             size_t *len);

#endif
