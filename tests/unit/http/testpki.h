/* SPDX-License-Identifier: MIT */
/*
 * Throwaway TLS PKI for the HTTP tests, made with the OpenSSL API in a fresh
 * temporary directory: a test CA, a server certificate for
 * testsmdpplus1.example.com, and the negative variants (wrong host name,
 * expired, issued by an untrusted CA). P-256 keys, like the RSP CI (§8.4).
 */
#ifndef TESTPKI_H
#define TESTPKI_H

#define TESTPKI_HOST "testsmdpplus1.example.com"

struct testpki {
    char dir[64];
    char ca[128];              /* trusted CA certificate (PEM) */
    char key[128];             /* key of every server certificate */
    char good[128];            /* SAN DNS:testsmdpplus1.example.com, by the CA */
    char wrong_host[128];      /* SAN DNS:other.example.com, by the CA */
    char expired[128];         /* right name, by the CA, expired yesterday */
    char untrusted[128];       /* right name, by another CA */
    char ca_dir[96];           /* directory with the CA as <subject hash>.0 (CApath) */
    char ca_hashed[160];
};

/* 0 on success; prints a reason and returns -1 on failure. */
int testpki_make(struct testpki *p);
void testpki_remove(struct testpki *p);

#endif
