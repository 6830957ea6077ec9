/* SPDX-License-Identifier: MIT */
#include "test_dl_smdp.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <ProfileInstallationResult.h>

#include "state.h"

static void die(const char *what)
{
    fprintf(stderr, "sim-dl: %s\n", what);
    exit(2);
}

static uint8_t *load_der(const char *file, size_t *len)
{
    X509 *x = rspc_cert_load_file(t_pki(file));
    uint8_t *der = NULL;
    if (!x || rspc_cert_to_der(x, &der, len) != RSPC_OK)
        die(file);
    X509_free(x);
    return der;
}

void smdp_init(struct smdp *d, const char *curve)
{
    char f[64];
    memset(d, 0, sizeof(*d));
    snprintf(d->curve, sizeof(d->curve), "%s", curve);
    snprintf(f, sizeof(f), "dpauth_%s.key", curve);
    d->auth_key = rspc_key_load_pem_file(t_pki(f));
    snprintf(f, sizeof(f), "dppb_%s.key", curve);
    d->pb_key = rspc_key_load_pem_file(t_pki(f));
    snprintf(f, sizeof(f), "ci_%s.der", curve);
    d->ci = rspc_cert_load_file(t_pki(f));
    snprintf(f, sizeof(f), "dpauth_%s.der", curve);
    d->auth_der = load_der(f, &d->auth_der_len);
    snprintf(f, sizeof(f), "dppb_%s.der", curve);
    d->pb_der = load_der(f, &d->pb_der_len);
    if (!d->auth_key || !d->pb_key || !d->ci)
        die("cannot load the SM-DP+ keys");
    d->address = "testsmdpplus1.example.com";
}

void smdp_free(struct smdp *d)
{
    EVP_PKEY_free(d->auth_key);
    EVP_PKEY_free(d->pb_key);
    X509_free(d->ci);
    X509_free(d->euicc);
    OPENSSL_free(d->auth_der);
    OPENSSL_free(d->pb_der);
    memset(d, 0, sizeof(*d));
}

static uint8_t *es10(struct tcard *c, int ch, const uint8_t *req, size_t len, size_t *out_len,
                     unsigned want_sw)
{
    uint8_t *out = NULL;
    unsigned sw = t_es10(c, ch, req, len, 120, &out, out_len);
    if (sw != want_sw) {
        fprintf(stderr, "ES10 %02X%02X: SW %04X, expected %04X\n", req[0], req[1], sw, want_sw);
        t_failures++;
    }
    return out;
}

void dl_challenge(struct tcard *c, int ch, uint8_t chal[16])
{
    static const uint8_t req[] = { 0xBF, 0x2E, 0x00 };
    size_t n, vl;
    uint8_t *r = es10(c, ch, req, sizeof(req), &n, 0x9000);
    const uint8_t *v = r ? t_find(r, n, 0x80, &vl) : NULL;
    if (!v || vl != 16)
        die("GetEUICCChallenge");
    memcpy(chal, v, 16);
    free(r);
}

/* The n-th child of the TLV at p (constructed). */
static int child(const uint8_t *p, size_t len, int n, struct sim_tlv *t)
{
    unsigned tag;
    size_t h, l, off = 0;
    if (sim_tlv_header(p, len, &tag, &h, &l))
        return -1;
    for (int i = 0; i <= n; i++)
        if (sim_tlv_next(p + h, l, &off, t) != 1)
            return -1;
    return 0;
}

long dl_error_code(const uint8_t *resp, size_t len, unsigned tag)
{
    struct sim_tlv a, code;
    unsigned t;
    size_t h, l;
    if (!resp || sim_tlv_header(resp, len, &t, &h, &l) || t != tag || child(resp, len, 0, &a))
        return -1;
    if (a.tag == 0xA0)
        return 0;
    if (a.tag != 0xA1 || child(a.tlv, a.tlv_len, 1, &code) || code.tag != 0x02 ||
        code.val_len != 1)
        return -1;
    return code.val[0];
}

uint8_t *dl_authenticate(struct tcard *c, int ch, struct smdp *d, const uint8_t chal[16],
                         const struct auth_opts *o, size_t *len)
{
    struct dbuf s1, req;
    uint8_t sig[64], pkid[20], bad_chal[16];
    size_t pkid_len = 0;
    EVP_PKEY *key = d->auth_key;
    uint8_t *cert = d->auth_der;
    size_t cert_len = d->auth_der_len;
    if (o->cert_file)
        cert = load_der(o->cert_file, &cert_len);
    if (o->key_file)
        key = rspc_key_load_pem_file(t_pki(o->key_file));
    d->txid_len = 16;
    RAND_bytes(d->txid, 16);
    RAND_bytes(d->server_challenge, 16);
    memcpy(bad_chal, chal, 16);
    bad_chal[0] ^= 1;
    dbuf_init(&s1);
    dbuf_init(&req);
    dbuf_open(&s1, 0x30);
    dbuf_tlv(&s1, 0x80, d->txid, d->txid_len);
    dbuf_tlv(&s1, 0x81, o->wrong_challenge ? bad_chal : chal, 16);
    dbuf_tlv_str(&s1, 0x83, d->address);
    dbuf_tlv(&s1, 0x84, d->server_challenge, 16);
    dbuf_close(&s1);
    if (!key || rspc_sign(key, s1.p, s1.len, sig) != RSPC_OK ||
        rspc_cert_ski(d->ci, pkid, sizeof(pkid), &pkid_len) != RSPC_OK)
        die("serverSignature1");
    if (o->bad_signature)
        sig[10] ^= 0x40;
    if (o->unknown_ci)
        memset(pkid, 0x5A, sizeof(pkid));
    dbuf_open(&req, 0xBF38);
    dbuf_put(&req, s1.p, s1.len);
    dbuf_tlv(&req, 0x5F37, sig, 64);
    dbuf_tlv(&req, 0x04, pkid, pkid_len);
    dbuf_put(&req, cert, cert_len);
    dbuf_open(&req, 0xA0);                          /* ctxParamsForCommonAuthentication */
    dbuf_tlv_str(&req, 0x80, "SIM-DL-MATCHING-ID");
    dbuf_open(&req, 0xA1);
    dbuf_tlv(&req, 0x80, "\x35\x29\x06\x11", 4);
    dbuf_tlv(&req, 0xA1, NULL, 0);
    dbuf_close(&req);
    dbuf_close(&req);
    dbuf_close(&req);
    if (dbuf_ok(&req))
        die("AuthenticateServer request");
    uint8_t *r = es10(c, ch, req.p, req.len, len, 0x9000);
    if (dl_error_code(r, *len, 0xBF38) == 0) {
        struct sim_tlv ok, signed1, sig1, ecert;
        if (child(r, *len, 0, &ok) || child(ok.tlv, ok.tlv_len, 0, &signed1) ||
            child(ok.tlv, ok.tlv_len, 1, &sig1) || child(ok.tlv, ok.tlv_len, 2, &ecert) ||
            sig1.val_len != 64)
            die("AuthenticateServer response layout");
        X509_free(d->euicc);
        d->euicc = rspc_cert_from_der(ecert.tlv, ecert.tlv_len);
        CHECK(d->euicc != NULL);
        CHECK(d->euicc && rspc_verify(X509_get0_pubkey(d->euicc), signed1.tlv, signed1.tlv_len,
                                      sig1.val) == RSPC_OK);
        memcpy(d->euicc_sig1, sig1.val, 64);
        size_t vl;
        const uint8_t *t = t_find(signed1.tlv, signed1.tlv_len, 0x80, &vl);
        CHECK(t && vl == d->txid_len && !memcmp(t, d->txid, vl));
        const uint8_t *m = t_find(signed1.tlv, signed1.tlv_len, 0xA0, &vl);
        CHECK(m && vl > 18 && !memcmp(m + 2, "SIM-DL-MATCHING-ID", 18));  /* ctxParams1 copied */
    }
    dbuf_free(&s1);
    dbuf_free(&req);
    if (o->cert_file)
        OPENSSL_free(cert);
    if (o->key_file)
        EVP_PKEY_free(key);
    return r;
}

uint8_t *dl_prepare(struct tcard *c, int ch, struct smdp *d, const struct prep_opts *o,
                    size_t *len)
{
    struct dbuf s2, req;
    uint8_t *cert = d->pb_der;
    size_t cert_len = d->pb_der_len;
    if (o->cert_file)
        cert = load_der(o->cert_file, &cert_len);
    uint8_t txid[16];
    memcpy(txid, d->txid, d->txid_len);
    if (o->wrong_txid)
        txid[0] ^= 1;
    dbuf_init(&s2);
    dbuf_init(&req);
    dbuf_open(&s2, 0x30);
    dbuf_tlv(&s2, 0x80, txid, d->txid_len);
    dbuf_tlv(&s2, 0x01, o->cc_required ? "\xFF" : "\x00", 1);
    dbuf_close(&s2);
    size_t s2_len = s2.len;
    dbuf_tlv(&s2, 0x5F37, d->euicc_sig1, 64);       /* signed: smdpSigned2 || 5F37 euiccSig1 */
    if (rspc_sign(d->pb_key, s2.p, s2.len, d->smdp_sig2) != RSPC_OK)
        die("smdpSignature2");
    uint8_t sig[64];
    memcpy(sig, d->smdp_sig2, 64);
    if (o->bad_signature)
        sig[40] ^= 0x01;
    for (int i = 0; i < 32; i++)
        d->hash_cc[i] = (uint8_t)(0xC0 + i);
    dbuf_open(&req, 0xBF21);
    dbuf_put(&req, s2.p, s2_len);
    dbuf_tlv(&req, 0x5F37, sig, 64);
    if (o->with_hash_cc)
        dbuf_tlv(&req, 0x04, d->hash_cc, 32);
    dbuf_put(&req, cert, cert_len);
    dbuf_close(&req);
    if (dbuf_ok(&req))
        die("PrepareDownload request");
    uint8_t *r = es10(c, ch, req.p, req.len, len, 0x9000);
    d->got_hash_cc = false;
    if (dl_error_code(r, *len, 0xBF21) == 0) {
        struct sim_tlv ok, signed2, sig2, otpk;
        if (child(r, *len, 0, &ok) || child(ok.tlv, ok.tlv_len, 0, &signed2) ||
            child(ok.tlv, ok.tlv_len, 1, &sig2) || sig2.val_len != 64 ||
            child(signed2.tlv, signed2.tlv_len, 1, &otpk) || otpk.tag != 0x5F49 ||
            otpk.val_len != 65)
            die("PrepareDownload response layout");
        memcpy(d->euicc_otpk, otpk.val, 65);
        struct sim_tlv hcc;
        if (!child(signed2.tlv, signed2.tlv_len, 2, &hcc) && hcc.tag == 0x04 && hcc.val_len == 32) {
            d->got_hash_cc = true;
            CHECK(!memcmp(hcc.val, d->hash_cc, 32));
        }
        struct dbuf m;                             /* euiccSigned2 || 5F37 smdpSignature2 */
        dbuf_init(&m);
        dbuf_put(&m, signed2.tlv, signed2.tlv_len);
        dbuf_tlv(&m, 0x5F37, d->smdp_sig2, 64);
        CHECK(rspc_verify(X509_get0_pubkey(d->euicc), m.p, m.len, sig2.val) == RSPC_OK);
        dbuf_free(&m);
    }
    dbuf_free(&s2);
    dbuf_free(&req);
    if (o->cert_file)
        OPENSSL_free(cert);
    return r;
}

void dl_session(struct tcard *c, int ch, struct smdp *d)
{
    uint8_t chal[16];
    size_t n;
    dl_challenge(c, ch, chal);
    uint8_t *r = dl_authenticate(c, ch, d, chal, &(struct auth_opts){0}, &n);
    CHECK_EQ(dl_error_code(r, n, 0xBF38), 0);
    free(r);
    r = dl_prepare(c, ch, d, &(struct prep_opts){0}, &n);
    CHECK_EQ(dl_error_code(r, n, 0xBF21), 0);
    free(r);
}

static void build_metadata(struct smdp *d, const struct bpp_opts *o, struct dbuf *m)
{
    uint8_t iccid[10];
    if (se_iccid_encode(o->iccid ? o->iccid : "8949449999999990049", iccid))
        die("ICCID");
    dbuf_open(m, 0xBF25);
    dbuf_tlv(m, 0x5A, iccid, 10);
    dbuf_tlv_str(m, 0x91, "SIM-DL Mobile");
    dbuf_tlv_str(m, 0x92, "SIM-DL downloaded profile");
    if (o->pclass >= 0)
        dbuf_tlv_int(m, 0x95, o->pclass);
    dbuf_open(m, 0xB6);
    dbuf_open(m, 0x30);
    dbuf_tlv_bits(m, 0x80, 0x2 | 0x4 | 0x8);       /* enable, disable, delete */
    dbuf_tlv_str(m, 0x81, d->address);
    dbuf_close(m);
    dbuf_close(m);
    if (o->owner) {
        dbuf_open(m, 0xB7);
        dbuf_tlv(m, 0x80, "\x62\xF2\x10", 3);
        dbuf_close(m);
    }
    if (o->ppr)
        dbuf_tlv_bits(m, 0x99, o->ppr);
    dbuf_close(m);
}

void dl_build_bpp(struct smdp *d, const struct bpp_opts *o, struct rspc_buf *bpp,
                  struct rspc_bpp_seg **segs, size_t *count)
{
    struct dbuf meta, upp;
    uint8_t eid[16], txid[16];
    static const struct rspc_ppk ppk = {
        .mcv = { 0x22, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 },
        .enc = { 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 },
        .cmac = { 0x02, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 },
    };
    X509 *pb = rspc_cert_from_der(d->pb_der, d->pb_der_len);
    EVP_PKEY *ot = pb ? rspc_keygen_for_cert(pb) : NULL;
    if (!ot || rspc_cert_eid(d->euicc, eid) != RSPC_OK)
        die("BPP keys");
    dbuf_init(&meta);
    dbuf_init(&upp);
    build_metadata(d, o, &meta);
    size_t want = o->upp_len ? o->upp_len : 3000;
    uint8_t filler[200];
    for (size_t i = 0; i < sizeof(filler); i++)
        filler[i] = (uint8_t)i;
    while (upp.len < want)                          /* profile elements: a TLV sequence */
        dbuf_tlv(&upp, 0xA1, filler, sizeof(filler));
    if (o->bad_upp)
        dbuf_put(&upp, "\x30\x05\x01", 3);         /* truncated TLV at the end */
    memcpy(txid, d->txid, d->txid_len);
    if (o->wrong_txid)
        txid[3] ^= 0x80;
    struct rspc_bpp_params p = {
        .txid = txid, .txid_len = d->txid_len,
        .host_id = (const uint8_t *)"SIM-DL-HOST", .host_id_len = 11,
        .smdp_otsk = ot,
        .euicc_otpk = d->euicc_otpk, .euicc_otpk_len = 65,
        .eid = eid,
        .dppb_key = o->wrong_sign_key ? d->auth_key : d->pb_key,
        .metadata = meta.p, .metadata_len = meta.len,
        .upp = upp.p, .upp_len = upp.len,
        .ppk = o->ppk ? &ppk : NULL,
    };
    memset(bpp, 0, sizeof(*bpp));
    if (dbuf_ok(&meta) || dbuf_ok(&upp) || rspc_bpp_build(&p, bpp) != RSPC_OK ||
        rspc_bpp_segments(bpp->data, bpp->len, segs, count) != RSPC_OK)
        die("BPP build");
    dbuf_free(&meta);
    dbuf_free(&upp);
    EVP_PKEY_free(ot);
    X509_free(pb);
}

long dl_check_pir(struct smdp *d, const uint8_t *pir, size_t len, long *cmd, long *reason,
                  char iccid_hex[21])
{
    ProfileInstallationResult_t *r = NULL;
    struct sim_tlv data;
    long seq = -1;
    *cmd = *reason = -2;
    iccid_hex[0] = 0;
    if (!pir || sim_decode(&asn_DEF_ProfileInstallationResult, (void **)&r, pir, len) ||
        child(pir, len, 0, &data)) {
        fprintf(stderr, "not a PIR (%zu bytes)\n", len);
        t_failures++;
        return -1;
    }
    CHECK(r->euiccSignPIR.size == 64 &&
          rspc_verify(X509_get0_pubkey(d->euicc), data.tlv, data.tlv_len,
                      r->euiccSignPIR.buf) == RSPC_OK);
    const ProfileInstallationResultData_t *pd = &r->profileInstallationResultData;
    CHECK((size_t)pd->transactionId.size == d->txid_len &&
          !memcmp(pd->transactionId.buf, d->txid, d->txid_len));
    const NotificationMetadata_t *nm = &pd->notificationMetadata;
    CHECK_EQ(sim_bits_get(&nm->profileManagementOperation), 1);   /* install */
    CHECK((size_t)nm->notificationAddress.size == strlen(d->address) &&
          !memcmp(nm->notificationAddress.buf, d->address, strlen(d->address)));
    if (nm->iccid)
        se_hex_encode(nm->iccid->buf, 10, iccid_hex);
    /* smdpOid = registeredID of CERT.DPpb (2.999.10 -> 88 37 0A) */
    CHECK(pd->smdpOid.size == 3 && !memcmp(pd->smdpOid.buf, "\x88\x37\x0A", 3));
    if (pd->finalResult.present == ProfileInstallationResultData__finalResult_PR_successResult) {
        *cmd = *reason = -1;
        CHECK(pd->finalResult.choice.successResult.aid.size == 16);
    } else if (pd->finalResult.present == ProfileInstallationResultData__finalResult_PR_errorResult) {
        *cmd = pd->finalResult.choice.errorResult.bppCommandId;
        *reason = pd->finalResult.choice.errorResult.errorReason;
    }
    seq = nm->seqNumber;
    ASN_STRUCT_FREE(asn_DEF_ProfileInstallationResult, r);
    return seq;
}
