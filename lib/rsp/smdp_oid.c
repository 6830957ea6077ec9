/* SPDX-License-Identifier: MIT */
/* The activation code's SM-DP+ OID against the server's CERT.DPauth
 * (activation code field "SM-DP+ OID", sgp22-notes §2.1: when present, the
 * LPA checks that the server it reached is that SM-DP+; the OID is the
 * registeredID in the subjectAltName of CERT.DPauth.ECDSA, notes §8.1). */
#include <string.h>

#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "rsp_internal.h"

/* The first registeredID of @der's subjectAltName, dotted, into @buf;
 * 0 found, 1 none, -1 not a certificate. */
static int dpauth_oid(const uint8_t *der, size_t len, char *buf, size_t cap)
{
    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, (long)len);
    if (!x || p != der + len) {
        X509_free(x);
        return -1;
    }
    int found = 1;
    GENERAL_NAMES *names = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    for (int i = 0; names && i < sk_GENERAL_NAME_num(names) && found; i++) {
        const GENERAL_NAME *gn = sk_GENERAL_NAME_value(names, i);
        if (gn->type == GEN_RID) {
            int n = OBJ_obj2txt(buf, (int)cap, gn->d.registeredID, 1);
            found = (n > 0 && (size_t)n < cap) ? 0 : -1;
        }
    }
    GENERAL_NAMES_free(names);
    X509_free(x);
    return found;
}

int esimlpa__smdp_oid_check(esimlpa_ctx *ctx, const char *want, const uint8_t *cert,
                            size_t cert_len)
{
    if (!want || !want[0])
        return ESIMLPA_OK;   /* no OID in the activation code: nothing to compare */
    char have[128];
    int rc = dpauth_oid(cert, cert_len, have, sizeof have);
    if (rc < 0)
        return esimlpa__fail(ctx, ESIMLPA_EOID_MISMATCH,
                             "initiateAuthentication: %s: serverCertificate (CERT.DPauth) "
                             "cannot be read", esimlpa_strerror(ESIMLPA_EOID_MISMATCH));
    if (rc > 0)
        return esimlpa__fail(ctx, ESIMLPA_EOID_MISMATCH,
                             "initiateAuthentication: %s: CERT.DPauth has no SM-DP+ OID, the "
                             "activation code names %s", esimlpa_strerror(ESIMLPA_EOID_MISMATCH),
                             want);
    if (strcmp(have, want) != 0)
        return esimlpa__fail(ctx, ESIMLPA_EOID_MISMATCH,
                             "initiateAuthentication: %s: CERT.DPauth has %s, the activation "
                             "code %s", esimlpa_strerror(ESIMLPA_EOID_MISMATCH), have, want);
    return ESIMLPA_OK;
}
