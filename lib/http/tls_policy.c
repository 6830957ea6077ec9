/* SPDX-License-Identifier: MIT */
/* SGP.22's TLS profile for ES9+/ES11, set by the library itself so that a
 * permissive system OpenSSL configuration cannot weaken it (issue 9). */
#include <arpa/inet.h>

#include <openssl/x509v3.h>

#include "http/tls_policy.h"

/* TLS 1.2 suites, SGP.22's ECDHE-ECDSA ones first
 * (TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, ..._AES_128_CBC_SHA256;
 * sgp22-notes §8.4), then other ECDHE AEAD suites. */
#define SGP22_TLS12_CIPHERS                                                     \
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-SHA256:"                  \
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:"              \
    "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:"                  \
    "ECDHE-RSA-CHACHA20-POLY1305"

int esimlpa__tls_policy_apply(SSL_CTX *ctx, const char *host, int verify_host)
{
    /* Level 2: RSA/DH >= 2048 bits, EC >= 224 bits, no SHA-1 signatures. */
    SSL_CTX_set_security_level(ctx, 2);
    if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
        SSL_CTX_set_cipher_list(ctx, SGP22_TLS12_CIPHERS) != 1)
        return -1;
    if (!verify_host)
        return 0;
    X509_VERIFY_PARAM *vp = SSL_CTX_get0_param(ctx);
    X509_VERIFY_PARAM_set_hostflags(vp, X509_CHECK_FLAG_NEVER_CHECK_SUBJECT |
                                            X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    unsigned char ip[16];
    int literal = inet_pton(AF_INET, host, ip) == 1 || inet_pton(AF_INET6, host, ip) == 1;
    int ok = literal ? X509_VERIFY_PARAM_set1_ip_asc(vp, host)
                     : X509_VERIFY_PARAM_set1_host(vp, host, 0);
    return ok == 1 ? 0 : -1;
}
