/* SPDX-License-Identifier: MIT */
/* The TLS policy of ES9+/ES11 connections (SGP.22 TLS profile, sgp22-notes
 * §8.4), applied to an OpenSSL SSL_CTX over whatever the system
 * configuration (OPENSSL_CONF: seclevel, MinProtocol, CipherString) set. */
#ifndef ESIMLPA_TLS_POLICY_H
#define ESIMLPA_TLS_POLICY_H

#include <openssl/ssl.h>

/*
 * Security level 2, TLS >= 1.2, the SGP.22 ECDHE-ECDSA suites first; with
 * @verify_host, @host (name or literal address) must be a subjectAltName
 * dNSName / iPAddress of the server's certificate, never its subject CN.
 * 0, or -1 when OpenSSL refused a setting.
 */
int esimlpa__tls_policy_apply(SSL_CTX *ctx, const char *host, int verify_host);

#endif
