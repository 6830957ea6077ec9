/* SPDX-License-Identifier: MIT */
/* sim-notif: notifications created by enable (with implicit disable),
 * disable, delete and memory reset; list / retrieve / remove; signatures
 * verified with CERT.EUICC's public key (NIST and brainpool). */
#include <stdlib.h>
#include <string.h>

#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <ListNotificationResponse.h>
#include <NotificationMetadata.h>
#include <PendingNotification.h>
#include <RetrieveNotificationsListResponse.h>

#include "der.h"
#include "state.h"
#include "test_util.h"

static int ch;

#define P1 "98400923000000000031"
#define P2 "989444999999990930F1"

static void es10(struct tcard *c, const char *req, const char *want_hex)
{
    uint8_t *out, want[512];
    size_t n, wn = t_unhex(want_hex, want, sizeof(want));
    CHECK_EQ(t_es10_hex(c, ch, req, &out, &n), 0x9000);
    CHECK(n == wn && !memcmp(out, want, wn));
    free(out);
}

/* Verify r||s over data with the certificate's public key. */
static int verify_sig(const OCTET_STRING_t *cert_tbs_any, const uint8_t *cert, size_t cert_len,
                      const uint8_t *data, size_t len, const uint8_t *sig64)
{
    (void)cert_tbs_any;
    const unsigned char *p = cert;
    X509 *x = d2i_X509(NULL, &p, (long)cert_len);
    if (!x)
        return -1;
    ECDSA_SIG *s = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(sig64, 32, NULL), *sv = BN_bin2bn(sig64 + 32, 32, NULL);
    ECDSA_SIG_set0(s, r, sv);
    unsigned char *der = NULL;
    int der_len = i2d_ECDSA_SIG(s, &der);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, X509_get0_pubkey(x)) == 1 &&
             EVP_DigestVerify(md, der, (size_t)der_len, data, len) == 1;
    EVP_MD_CTX_free(md);
    OPENSSL_free(der);
    ECDSA_SIG_free(s);
    X509_free(x);
    return ok ? 0 : -1;
}

/* Retrieve all pending notifications and check each one: structure, event,
 * signature over the raw BF2F bytes. Returns the count; seqs/events filled. */
static int retrieve_and_verify(struct tcard *c, const char *req, long *seqs, unsigned *events)
{
    uint8_t *out;
    size_t n;
    CHECK_EQ(t_es10_hex(c, ch, req, &out, &n), 0x9000);
    RetrieveNotificationsListResponse_t *r = NULL;
    CHECK(sim_decode(&asn_DEF_RetrieveNotificationsListResponse, (void **)&r, out, n) == 0);
    int count = -1;
    if (r && r->present == RetrieveNotificationsListResponse_PR_notificationList) {
        count = r->choice.notificationList.list.count;
        /* walk the raw bytes: BF2B { A0 { 30 {...}* } } */
        size_t off = 0, h, l, vl;
        unsigned tag;
        const uint8_t *a0 = t_find(out, n, 0xA0, &vl);
        CHECK(a0 != NULL);
        for (int i = 0; a0 && i < count; i++) {
            PendingNotification_t *pn = r->choice.notificationList.list.array[i];
            CHECK_EQ(pn->present, PendingNotification_PR_otherSignedNotification);
            CHECK(sim_tlv_header(a0 + off, vl - off, &tag, &h, &l) == 0);
            CHECK_EQ(tag, 0x30);
            const uint8_t *item = a0 + off + h;
            unsigned t2;
            size_t h2, l2, h3, l3;
            sim_tlv_header(item, l, &t2, &h2, &l2);               /* BF2F */
            CHECK_EQ(t2, 0xBF2F);
            const uint8_t *sig = item + h2 + l2;
            sim_tlv_header(sig, l - h2 - l2, &t2, &h3, &l3);      /* 5F37 40 */
            CHECK(t2 == 0x5F37 && l3 == 64);
            const uint8_t *cert = sig + h3 + l3;
            unsigned t4;
            size_t h4, l4;
            sim_tlv_header(cert, l - h2 - l2 - h3 - l3, &t4, &h4, &l4);
            CHECK(verify_sig(NULL, cert, h4 + l4, item, h2 + l2, sig + h3) == 0);
            OtherSignedNotification_t *o = &pn->choice.otherSignedNotification;
            seqs[i] = o->tbsOtherNotification.seqNumber;
            events[i] = sim_bits_get(&o->tbsOtherNotification.profileManagementOperation);
            CHECK(o->tbsOtherNotification.iccid != NULL);
            CHECK(o->tbsOtherNotification.notificationAddress.size == 25 &&
                  !memcmp(o->tbsOtherNotification.notificationAddress.buf,
                          "testsmdpplus1.example.com", 25));
            off += h + l;
        }
    }
    ASN_STRUCT_FREE(asn_DEF_RetrieveNotificationsListResponse, r);
    free(out);
    return count;
}

static void run(const char *curve)
{
    struct tcard c = { 0 };
    long seqs[16];
    unsigned ev[16];
    t_open(&c, curve);
    ch = t_open_isdr(&c);
    es10(&c, "BF2800", "BF2802A000");
    es10(&c, "BF2B00", "BF2B02A000");
    es10(&c, "BF2B05A003800101", "BF2B03810101");   /* by seq: noResultAvailable */
    /* enable P2: implicit disable of P1 -> disable(P1) seq 1, enable(P2) seq 2 */
    es10(&c, "BF3111A00C5A0A" P2 "810100", "BF3103800100");
    CHECK_EQ(retrieve_and_verify(&c, "BF2B00", seqs, ev), 2);
    CHECK(seqs[0] == 1 && ev[0] == 4 && seqs[1] == 2 && ev[1] == 2);
    /* ListNotification: DER-minimal event bits (disable 05 20, enable 06 40) */
    es10(&c, "BF2800",
         "BF2864 A062"
         " BF2F2E 800101 81020520 0C19 74657374736D6470706C7573312E6578616D706C652E636F6D 5A0A" P1
         " BF2F2E 800102 81020640 0C19 74657374736D6470706C7573312E6578616D706C652E636F6D 5A0A" P2);
    /* filtered by event */
    uint8_t *out;
    size_t n;
    CHECK_EQ(t_es10_hex(&c, ch, "BF2804 81020640", &out, &n), 0x9000);
    ListNotificationResponse_t *lr = NULL;
    CHECK(sim_decode(&asn_DEF_ListNotificationResponse, (void **)&lr, out, n) == 0);
    CHECK(lr && lr->choice.notificationMetadataList.list.count == 1 &&
          lr->choice.notificationMetadataList.list.array[0]->seqNumber == 2);
    ASN_STRUCT_FREE(asn_DEF_ListNotificationResponse, lr);
    free(out);
    /* retrieve by seq and by event */
    CHECK_EQ(retrieve_and_verify(&c, "BF2B05A003800102", seqs, ev), 1);
    CHECK_EQ(seqs[0], 2);
    CHECK_EQ(retrieve_and_verify(&c, "BF2B06A00481020520", seqs, ev), 1);
    CHECK_EQ(seqs[0], 1);
    es10(&c, "BF2B06A00481020410", "BF2B03810101");
    /* remove: ok, then nothingToDelete */
    es10(&c, "BF3003800101", "BF3003800100");
    es10(&c, "BF3003800101", "BF3003800101");
    CHECK_EQ(retrieve_and_verify(&c, "BF2B00", seqs, ev), 1);
    /* disable P2 -> seq 3; delete P2 -> seq 4 (survives the deletion) */
    es10(&c, "BF3211A00C5A0A" P2 "810100", "BF3203800100");
    es10(&c, "BF330C5A0A" P2, "BF3303800100");
    CHECK_EQ(retrieve_and_verify(&c, "BF2B00", seqs, ev), 3);
    CHECK(seqs[1] == 3 && ev[1] == 4 && seqs[2] == 4 && ev[2] == 8);
    /* memory reset of operational profiles: P1 has delete configured -> seq 5 */
    es10(&c, "BF3404 82020780", "BF3403800100");
    CHECK_EQ(retrieve_and_verify(&c, "BF2B00", seqs, ev), 4);
    CHECK(seqs[3] == 5 && ev[3] == 8);
    /* the test profile has no notification config: no notification for it */
    es10(&c, "BF3404 82020640", "BF3403800100");
    CHECK_EQ(retrieve_and_verify(&c, "BF2B00", seqs, ev), 4);
    CHECK_EQ(softeuicc_save_failures(c.se), 0);
    t_close(&c);
}

int main(int argc, char **argv)
{
    t_setup(argc, argv);
    run("nist");
    run("brp");
    return t_done();
}
