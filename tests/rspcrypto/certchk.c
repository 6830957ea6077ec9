/* SPDX-License-Identifier: MIT */
/* Certificate checks for the test doubles (sgp22-notes §8): chain verification against a CI
 * trust anchor, role policies, key identifiers, the EID in CERT.EUICC and the SM-DP+ OID. */
#include <stdio.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "rspcrypto.h"

/* ---- chain ---------------------------------------------------------------------------------- */

/* SGP.22 EUMs restrict their eUICCs with nameConstraints permitted directoryName
 * serialNumber=<EIN prefix>; SGP.22 reads this as an EID prefix, generic X.509 as an exact DN
 * match. OpenSSL reports the literal violation; we accept exactly that error here (and note
 * it) and apply the prefix rule in check_eid_prefix(). */
static int verify_cb(int ok, X509_STORE_CTX *ctx)
{
    if (!ok && X509_STORE_CTX_get_error(ctx) == X509_V_ERR_PERMITTED_VIOLATION) {
        int *seen = X509_STORE_CTX_get_app_data(ctx);
        if (seen)
            *seen = 1;
        return 1;
    }
    return ok;
}

/* Every serialNumber in a permitted directoryName of ca's nameConstraints must be a prefix of
 * the leaf's subject serialNumber. Sets *has_serial_nc when ca has such a constraint. */
static int check_eid_prefix(X509 *ca, X509 *leaf, int *has_serial_nc)
{
    int crit = 0, found = 0, allowed = 0;
    NAME_CONSTRAINTS *nc = X509_get_ext_d2i(ca, NID_name_constraints, &crit, NULL);
    if (!nc)  /* absent is fine; present but unparsable is an error */
        return crit == -1 ? RSPC_OK : RSPC_ECERT;
    char serial[65];
    int have_serial = rspc_cert_subject_serial(leaf, serial, sizeof(serial)) == RSPC_OK;
    for (int i = 0; i < sk_GENERAL_SUBTREE_num(nc->permittedSubtrees); i++) {
        GENERAL_SUBTREE *st = sk_GENERAL_SUBTREE_value(nc->permittedSubtrees, i);
        if (st->base->type != GEN_DIRNAME)
            continue;
        X509_NAME *dn = st->base->d.directoryName;
        int idx = X509_NAME_get_index_by_NID(dn, NID_serialNumber, -1);
        if (idx < 0)
            continue;
        found = 1;
        ASN1_STRING *v = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(dn, idx));
        size_t vl = (size_t)ASN1_STRING_length(v);
        if (have_serial && vl <= strlen(serial) &&
            memcmp(serial, ASN1_STRING_get0_data(v), vl) == 0)
            allowed = 1;
    }
    NAME_CONSTRAINTS_free(nc);
    if (found)
        *has_serial_nc = 1;
    return found && !allowed ? RSPC_EEID : RSPC_OK;
}

int rspc_cert_verify_chain(X509 *leaf, X509 *const *intermediates, size_t n_intermediates,
                           X509 *ci, int check_time)
{
    if (!leaf || !ci || (n_intermediates && !intermediates))
        return RSPC_EINVAL;
    int rc = RSPC_ECRYPTO;
    X509_STORE *store = X509_STORE_new();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    STACK_OF(X509) *untrusted = sk_X509_new_null();
    if (!store || !ctx || !untrusted || X509_STORE_add_cert(store, ci) != 1)
        goto out;
    for (size_t i = 0; i < n_intermediates; i++)
        if (!sk_X509_push(untrusted, intermediates[i]))
            goto out;
    if (X509_STORE_CTX_init(ctx, store, leaf, untrusted) != 1)
        goto out;
    X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_ANY);
    if (!check_time)
        X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_NO_CHECK_TIME);
    int violation = 0, has_serial_nc = 0;
    X509_STORE_CTX_set_app_data(ctx, &violation);
    X509_STORE_CTX_set_verify_cb(ctx, verify_cb);
    if (X509_verify_cert(ctx) != 1) {
        rc = RSPC_ECERT;
        goto out;
    }
    /* The built chain: leaf, intermediates..., CI. Apply the EID-prefix rule of every CA. */
    STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
    rc = RSPC_OK;
    for (int i = 1; chain && i < sk_X509_num(chain) && !rc; i++)
        rc = check_eid_prefix(sk_X509_value(chain, i), leaf, &has_serial_nc);
    /* a literal violation that is not explained by an EID-prefix constraint stays an error */
    if (!rc && violation && !has_serial_nc)
        rc = RSPC_ECERT;
out:
    sk_X509_free(untrusted);  /* does not free the certificates */
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    return rc;
}

/* ---- role policy ---------------------------------------------------------------------------- */

int rspc_cert_check_role(X509 *cert, enum rspc_role role)
{
    if (!cert || role < RSPC_ROLE_CI || role > RSPC_ROLE_DS_AUTH)
        return RSPC_EINVAL;
    char oid[32];
    snprintf(oid, sizeof(oid), "2.23.146.1.2.1.%d", (int)role);
    ASN1_OBJECT *want = OBJ_txt2obj(oid, 1);
    if (!want)
        return RSPC_ECRYPTO;
    int rc = RSPC_EROLE;
    CERTIFICATEPOLICIES *pol = X509_get_ext_d2i(cert, NID_certificate_policies, NULL, NULL);
    for (int i = 0; pol && i < sk_POLICYINFO_num(pol); i++)
        if (OBJ_cmp(sk_POLICYINFO_value(pol, i)->policyid, want) == 0)
            rc = RSPC_OK;
    CERTIFICATEPOLICIES_free(pol);
    ASN1_OBJECT_free(want);
    return rc;
}

/* ---- identifiers ---------------------------------------------------------------------------- */

static int copy_octets(const ASN1_OCTET_STRING *s, uint8_t *out, size_t cap, size_t *len)
{
    if (!s)
        return RSPC_ENOTFOUND;
    size_t n = (size_t)ASN1_STRING_length(s);
    if (n > cap)
        return RSPC_EINVAL;
    memcpy(out, ASN1_STRING_get0_data(s), n);
    *len = n;
    return RSPC_OK;
}

int rspc_cert_ski(X509 *cert, uint8_t *out, size_t cap, size_t *len)
{
    if (!cert || !out || !len)
        return RSPC_EINVAL;
    return copy_octets(X509_get0_subject_key_id(cert), out, cap, len);
}

int rspc_cert_aki(X509 *cert, uint8_t *out, size_t cap, size_t *len)
{
    if (!cert || !out || !len)
        return RSPC_EINVAL;
    return copy_octets(X509_get0_authority_key_id(cert), out, cap, len);
}

int rspc_cert_subject_serial(X509 *cert, char *out, size_t cap)
{
    if (!cert || !out || !cap)
        return RSPC_EINVAL;
    X509_NAME *n = X509_get_subject_name(cert);
    int idx = n ? X509_NAME_get_index_by_NID(n, NID_serialNumber, -1) : -1;
    if (idx < 0)
        return RSPC_ENOTFOUND;
    ASN1_STRING *v = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, idx));
    size_t vl = (size_t)ASN1_STRING_length(v);
    const uint8_t *d = ASN1_STRING_get0_data(v);
    if (vl + 1 > cap || memchr(d, 0, vl))
        return RSPC_EINVAL;
    memcpy(out, d, vl);
    out[vl] = '\0';
    return RSPC_OK;
}

int rspc_cert_eid(X509 *cert, uint8_t eid[16])
{
    char s[65];
    int rc = rspc_cert_subject_serial(cert, s, sizeof(s));
    if (rc == RSPC_EINVAL)
        return RSPC_EEID;
    if (rc)
        return rc;
    if (rspc_eid_verify(s))
        return RSPC_EEID;
    return rspc_eid_to_bytes(s, eid);
}

int rspc_cert_registered_id(X509 *cert, uint8_t *out, size_t cap, size_t *len)
{
    if (!cert || !out || !len)
        return RSPC_EINVAL;
    int rc = RSPC_ENOTFOUND;
    GENERAL_NAMES *san = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
    for (int i = 0; san && i < sk_GENERAL_NAME_num(san); i++) {
        GENERAL_NAME *g = sk_GENERAL_NAME_value(san, i);
        if (g->type != GEN_RID)
            continue;
        size_t n = OBJ_length(g->d.registeredID);
        const unsigned char *d = OBJ_get0_data(g->d.registeredID);
        if (!d || n == 0 || n > cap) {
            rc = RSPC_EINVAL;
        } else {
            memcpy(out, d, n);
            *len = n;
            rc = RSPC_OK;
        }
        break;
    }
    GENERAL_NAMES_free(san);
    return rc;
}
