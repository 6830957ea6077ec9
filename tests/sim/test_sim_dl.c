/* SPDX-License-Identifier: MIT */
/* sim-dl-*: the download half of the soft eUICC (AuthenticateServer, PrepareDownload,
 * LoadBoundProfilePackage, CancelSession) driven by raw ES10 commands. The test plays
 * the SM-DP+ with rspcrypto and the test PKI (tests/pki/gen-rsp-pki.sh).
 * usage: test_sim_dl PKI_DIR SEED CASE   (CASE: nist brp auth-errors prepare-errors
 *        bpp-errors cancel knobs) */
#include <stdlib.h>
#include <string.h>

#include <ProfileInfoListResponse.h>

#include "state.h"
#include "test_dl_smdp.h"

static int ch;

#define NEW_ICCID "8949449999999990049"

static uint8_t *cmd(struct tcard *c, const uint8_t *req, size_t len, unsigned *sw, size_t *n)
{
    uint8_t *out = NULL;
    *sw = t_es10(c, ch, req, len, 120, &out, n);
    return out;
}

/* Send segments [from, to); all but the last must answer 9000 without data.
 * Returns the last answer (malloc'd) and its SW. */
static uint8_t *send_segs(struct tcard *c, const struct rspc_buf *bpp,
                          const struct rspc_bpp_seg *s, size_t from, size_t to,
                          unsigned *sw, size_t *n)
{
    uint8_t *out = NULL;
    for (size_t i = from; i < to; i++) {
        free(out);
        out = cmd(c, bpp->data + s[i].off, s[i].len, sw, n);
        if (i + 1 < to && (*sw != 0x9000 || *n != 0)) {
            fprintf(stderr, "segment %zu of %zu: SW %04X, %zu bytes\n", i, to, *sw, *n);
            t_failures++;
            break;
        }
    }
    return out;
}

static int count_profiles(struct tcard *c)
{
    uint8_t *out;
    size_t n;
    ProfileInfoListResponse_t *r = NULL;
    int count = -1;
    CHECK_EQ(t_es10_hex(c, ch, "BF2D00", &out, &n), 0x9000);
    if (!sim_decode(&asn_DEF_ProfileInfoListResponse, (void **)&r, out, n) &&
        r->present == ProfileInfoListResponse_PR_profileInfoListOk)
        count = r->choice.profileInfoListOk.list.count;
    ASN_STRUCT_FREE(asn_DEF_ProfileInfoListResponse, r);
    free(out);
    return count;
}

/* Pending notifications: how many, how many are PIRs (BF37). */
static int count_notifications(struct tcard *c, int *pirs)
{
    uint8_t *out;
    size_t n, vl, off = 0;
    int count = 0;
    *pirs = 0;
    CHECK_EQ(t_es10_hex(c, ch, "BF2B00", &out, &n), 0x9000);
    const uint8_t *list = out ? t_find(out, n, 0xA0, &vl) : NULL;
    struct sim_tlv t;
    while (list && sim_tlv_next(list, vl, &off, &t) == 1) {
        count++;
        *pirs += t.tag == 0xBF37;
    }
    free(out);
    return count;
}

/* ---- success on one curve -------------------------------------------------------------- */

static void case_success(const char *curve)
{
    struct tcard c = {0};
    struct smdp d;
    t_open(&c, curve);
    ch = t_open_isdr(&c);
    smdp_init(&d, curve);
    int profiles0 = count_profiles(&c), pirs0;
    int notifs0 = count_notifications(&c, &pirs0);

    uint8_t chal[16], *r;
    size_t n;
    unsigned sw;
    dl_challenge(&c, ch, chal);
    r = dl_authenticate(&c, ch, &d, chal, &(struct auth_opts){0}, &n);
    CHECK_EQ(dl_error_code(r, n, 0xBF38), 0);
    CHECK(n > 256);                                  /* came via 61xx + GET RESPONSE */
    free(r);
    /* confirmation code on NIST: hashCc must be copied into euiccSigned2 */
    bool cc = !strcmp(curve, "nist");
    r = dl_prepare(&c, ch, &d, &(struct prep_opts){ .cc_required = cc, .with_hash_cc = cc }, &n);
    CHECK_EQ(dl_error_code(r, n, 0xBF21), 0);
    CHECK(d.got_hash_cc == cc);
    free(r);
    /* the one-time key is on the DPpb curve */
    X509 *pb = rspc_cert_from_der(d.pb_der, d.pb_der_len);
    int nid_pb = 0;
    rspc_pkey_curve(X509_get0_pubkey(pb), &nid_pb);
    EVP_PKEY *otpk = rspc_pkey_from_point(nid_pb, d.euicc_otpk, 65);
    CHECK(otpk != NULL);
    EVP_PKEY_free(otpk);
    X509_free(pb);

    struct rspc_buf bpp;
    struct rspc_bpp_seg *s;
    size_t count;
    /* brainpool: with ReplaceSessionKeys (A2) and a profile bigger than one 86 segment */
    bool ppk = !strcmp(curve, "brp");
    dl_build_bpp(&d, &(struct bpp_opts){ .pclass = ppk ? 0 : -1, .ppk = ppk,
                                         .upp_len = ppk ? 2500 : 1200 }, &bpp, &s, &count);
    CHECK(count >= 6);
    r = send_segs(&c, &bpp, s, 0, count, &sw, &n);
    CHECK_EQ(sw, 0x9000);
    long pcmd, reason;
    char iccid_hex[21];
    long seq = dl_check_pir(&d, r, n, &pcmd, &reason, iccid_hex);
    CHECK_EQ(pcmd, -1);
    CHECK_EQ(reason, -1);
    uint8_t want_iccid[10];
    char want_hex[21];
    se_iccid_encode(NEW_ICCID, want_iccid);
    se_hex_encode(want_iccid, 10, want_hex);
    CHECK(!strcmp(iccid_hex, want_hex));
    /* the PIR is a pending notification: retrievable by its seqNumber, byte for byte */
    char req[64];
    uint8_t *rn;
    size_t nn;
    snprintf(req, sizeof(req), "BF2B05A0038001%02lX", seq);
    CHECK(seq >= 0 && seq < 256);
    CHECK_EQ(t_es10_hex(&c, ch, req, &rn, &nn), 0x9000);
    size_t vl;
    const uint8_t *lst = rn ? t_find(rn, nn, 0xA0, &vl) : NULL;
    CHECK(lst && vl == n && !memcmp(lst, r, n));
    free(rn);
    /* ListNotification: an install entry (81 02 07 80) with this seq */
    CHECK_EQ(t_es10_hex(&c, ch, "BF280481020780", &rn, &nn), 0x9000);
    const uint8_t *meta = rn ? t_find(rn, nn, 0xBF2F, &vl) : NULL;
    CHECK(meta && vl > 3 && meta[0] == 0x80 && meta[2] == (uint8_t)seq);
    free(rn);
    int pirs;
    CHECK_EQ(count_notifications(&c, &pirs), notifs0 + 1);
    CHECK_EQ(pirs, pirs0 + 1);
    free(r);

    /* the profile: disabled, metadata from BF25 */
    CHECK_EQ(count_profiles(&c), profiles0 + 1);
    snprintf(req, sizeof(req), "BF2D13A00C5A0A%s5C03929F70", want_hex);
    CHECK_EQ(t_es10_hex(&c, ch, req, &rn, &nn), 0x9000);
    const uint8_t *name = rn ? t_find(rn, nn, 0x92, &vl) : NULL;
    CHECK(name && vl == 25 && !memcmp(name, "SIM-DL downloaded profile", 25));
    const uint8_t *state = rn ? t_find(rn, nn, 0x9F70, &vl) : NULL;
    CHECK(state && vl == 1 && state[0] == 0);
    free(rn);
    CHECK(count_profiles(&c) > 0);

    /* replay: the session is over, the same BPP is refused (no session context) */
    uint8_t *r2 = send_segs(&c, &bpp, s, 0, 1, &sw, &n);
    CHECK_EQ(sw, 0x6985);
    free(r2);
    /* CancelSession after the end: invalidTransactionId */
    {
        struct dbuf q;
        dbuf_init(&q);
        dbuf_open(&q, 0xBF41);
        dbuf_tlv(&q, 0x80, d.txid, d.txid_len);
        dbuf_tlv_int(&q, 0x81, 0);
        dbuf_close(&q);
        r2 = cmd(&c, q.p, q.len, &sw, &n);
        CHECK(sw == 0x9000 && n == 6 && !memcmp(r2, "\xBF\x41\x03\x81\x01\x05", 6));
        free(r2);
        dbuf_free(&q);
    }
    /* persisted: reopen and find the profile and its UPP record */
    t_reopen(&c, curve);
    ch = t_open_isdr(&c);
    CHECK_EQ(count_profiles(&c), profiles0 + 1);
    FILE *f = fopen(c.state_path, "r");
    char text[65536];
    size_t tl = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
    text[tl] = 0;
    if (f)
        fclose(f);
    CHECK(strstr(text, "\"upp_sha256\"") != NULL);
    CHECK(strstr(text, ppk ? "\"profile_class\":\t\"test\"" : "\"service_provider_name\":\t\"SIM-DL Mobile\"") != NULL);

    rspc_buf_free(&bpp);
    free(s);
    smdp_free(&d);
    t_close(&c);
}

/* ---- AuthenticateServer rejections ----------------------------------------------------- */

static long auth_case(struct tcard *c, struct smdp *d, const struct auth_opts *o, bool challenge)
{
    uint8_t chal[16] = {0};
    size_t n;
    if (challenge)
        dl_challenge(c, ch, chal);
    uint8_t *r = dl_authenticate(c, ch, d, chal, o, &n);
    long code = dl_error_code(r, n, 0xBF38);
    /* error answers echo the transactionId */
    size_t vl;
    const uint8_t *t = code > 0 ? t_find(r, n, 0x80, &vl) : NULL;
    CHECK(code <= 0 || (t && vl == d->txid_len && !memcmp(t, d->txid, vl)));
    free(r);
    return code;
}

static void case_auth_errors(void)
{
    struct tcard c = {0};
    struct smdp d;
    t_open(&c, "nist");
    ch = t_open_isdr(&c);
    smdp_init(&d, "nist");
    CHECK_EQ(auth_case(&c, &d, &(struct auth_opts){ .wrong_challenge = true }, true), 6);
    CHECK_EQ(auth_case(&c, &d, &(struct auth_opts){0}, false), 4);   /* challenge used up */
    CHECK_EQ(auth_case(&c, &d, &(struct auth_opts){ .bad_signature = true }, true), 2);
    CHECK_EQ(auth_case(&c, &d, &(struct auth_opts){ .unknown_ci = true }, true), 7);
    /* untrusted: a certificate from another CI; wrong role: CERT.DPtls / CERT.DPpb */
    CHECK_EQ(auth_case(&c, &d, &(struct auth_opts){ .cert_file = "dptls_untrusted_nist.der",
                                                    .key_file = "dptls_untrusted_nist.key" }, true), 1);
    CHECK_EQ(auth_case(&c, &d, &(struct auth_opts){ .cert_file = "dptls_nist.der",
                                                    .key_file = "dptls_nist.key" }, true), 1);
    CHECK_EQ(auth_case(&c, &d, &(struct auth_opts){ .cert_file = "dppb_nist.der",
                                                    .key_file = "dppb_nist.key" }, true), 1);
    /* a brainpool server certificate does not chain to the NIST CI */
    CHECK_EQ(auth_case(&c, &d, &(struct auth_opts){ .cert_file = "dpauth_brp.der",
                                                    .key_file = "dpauth_brp.key" }, true), 1);
    /* CERT.DSauth (role ds-auth) is accepted */
    CHECK_EQ(auth_case(&c, &d, &(struct auth_opts){ .cert_file = "dsauth_nist.der",
                                                    .key_file = "dsauth_nist.key" }, true), 0);
    /* a second AuthenticateServer in the same session: no (fresh) session context */
    CHECK_EQ(auth_case(&c, &d, &(struct auth_opts){0}, false), 4);
    /* and a normal one still works */
    CHECK_EQ(auth_case(&c, &d, &(struct auth_opts){0}, true), 0);
    /* malformed request: 6A80 */
    uint8_t *out;
    size_t n;
    CHECK_EQ(t_es10_hex(&c, ch, "BF3803800101", &out, &n), 0x6A80);
    free(out);
    smdp_free(&d);
    t_close(&c);
}

/* ---- PrepareDownload rejections -------------------------------------------------------- */

static long prep_case(struct tcard *c, struct smdp *d, const struct prep_opts *o)
{
    size_t n;
    uint8_t *r = dl_prepare(c, ch, d, o, &n);
    long code = dl_error_code(r, n, 0xBF21);
    free(r);
    return code;
}

static void case_prepare_errors(void)
{
    struct tcard c = {0};
    struct smdp d;
    t_open(&c, "brp");
    ch = t_open_isdr(&c);
    smdp_init(&d, "brp");
    uint8_t chal[16];
    size_t n;
    /* no session at all */
    d.txid_len = 16;
    CHECK_EQ(prep_case(&c, &d, &(struct prep_opts){0}), 4);
    dl_challenge(&c, ch, chal);
    free(dl_authenticate(&c, ch, &d, chal, &(struct auth_opts){0}, &n));
    CHECK_EQ(prep_case(&c, &d, &(struct prep_opts){ .bad_signature = true }), 2);
    CHECK_EQ(prep_case(&c, &d, &(struct prep_opts){ .wrong_txid = true }), 5);
    CHECK_EQ(prep_case(&c, &d, &(struct prep_opts){ .cert_file = "dpauth_brp.der" }), 1);
    CHECK_EQ(prep_case(&c, &d, &(struct prep_opts){ .cert_file = "dppb_nist.der" }), 1);
    CHECK_EQ(prep_case(&c, &d, &(struct prep_opts){ .cc_required = true }), 127);
    /* the session survives these errors: a correct request still works, without hashCc */
    CHECK_EQ(prep_case(&c, &d, &(struct prep_opts){0}), 0);
    CHECK(!d.got_hash_cc);
    /* hashCc without ccRequiredFlag is copied too */
    CHECK_EQ(prep_case(&c, &d, &(struct prep_opts){ .with_hash_cc = true }), 0);
    CHECK(d.got_hash_cc);
    smdp_free(&d);
    t_close(&c);
}

/* ---- LoadBPP rejections ---------------------------------------------------------------- */

struct bpp_case {
    const char *name;
    struct bpp_opts o;
    int tamper_seg;        /* >= 0: flip a MAC byte of this segment */
    int swap;              /* send segment swap+1 in place of segment swap */
    long want_cmd, want_reason;
};

static void run_bpp_case(const struct bpp_case *k)
{
    struct tcard c = {0};
    struct smdp d;
    t_open(&c, "nist");
    ch = t_open_isdr(&c);
    smdp_init(&d, "nist");
    int profiles0 = count_profiles(&c), pirs0;
    count_notifications(&c, &pirs0);
    dl_session(&c, ch, &d);
    struct rspc_buf bpp;
    struct rspc_bpp_seg *s;
    size_t count, n;
    unsigned sw;
    dl_build_bpp(&d, &k->o, &bpp, &s, &count);
    uint8_t *r = NULL;
    if (k->tamper_seg >= 0) {
        const struct rspc_bpp_seg *g = &s[k->tamper_seg];
        bpp.data[g->off + g->len - 1] ^= 0x01;        /* last MAC byte */
    }
    if (k->swap > 0) {
        free(send_segs(&c, &bpp, s, 0, (size_t)k->swap, &sw, &n));
        r = send_segs(&c, &bpp, s, (size_t)k->swap + 1, (size_t)k->swap + 2, &sw, &n);
    } else {
        /* send until the first non-empty answer */
        for (size_t i = 0; i < count; i++) {
            free(r);
            r = send_segs(&c, &bpp, s, i, i + 1, &sw, &n);
            if (sw != 0x9000 || n)
                break;
        }
    }
    long cmd, reason;
    char iccid[21];
    CHECK_EQ(sw, 0x9000);
    dl_check_pir(&d, r, n, &cmd, &reason, iccid);
    if (cmd != k->want_cmd || reason != k->want_reason) {
        fprintf(stderr, "%s: PIR bppCommandId %ld errorReason %ld, expected %ld %ld\n", k->name,
                cmd, reason, k->want_cmd, k->want_reason);
        t_failures++;
    }
    free(r);
    /* nothing installed, the error PIR is pending, the session is over */
    int pirs;
    count_notifications(&c, &pirs);
    CHECK_EQ(pirs, pirs0 + 1);
    CHECK_EQ(count_profiles(&c), profiles0);
    r = send_segs(&c, &bpp, s, 0, 1, &sw, &n);
    CHECK_EQ(sw, 0x6985);                             /* replay refused */
    free(r);
    t_reopen(&c, "nist");                             /* and nothing half-installed on disk */
    ch = t_open_isdr(&c);
    CHECK_EQ(count_profiles(&c), profiles0);
    rspc_buf_free(&bpp);
    free(s);
    smdp_free(&d);
    t_close(&c);
}

static void case_bpp_errors(void)
{
    /* segments (no A2): 0 BF36+BF23, 1 A0+87, 2 A1, 3 88, 4 A3, 5.. 86 */
    const struct bpp_case cases[] = {
        { "tampered 88 MAC", { .pclass = -1 }, 3, 0, 2, 8 },
        { "tampered 86 MAC", { .pclass = -1 }, 6, 0, 5, 8 },
        { "tampered 87 MAC", { .pclass = -1 }, 1, 0, 1, 8 },
        { "out of order (A1 skipped)", { .pclass = -1 }, -1, 2, 2, 7 },
        { "out of order (88 skipped)", { .pclass = -1 }, -1, 3, 2, 7 },
        { "wrong smdpSign", { .pclass = -1, .wrong_sign_key = true }, -1, 0, 0, 2 },
        { "wrong transactionId", { .pclass = -1, .wrong_txid = true }, -1, 0, 0, 3 },
        { "ICCID already present", { .pclass = -1, .iccid = "89049032000000000013" }, -1, 0, 2, 9 },
        { "PPR not allowed", { .pclass = -1, .ppr = 2 }, -1, 0, 2, 15 },
        { "bad profile elements", { .pclass = -1, .bad_upp = true }, -1, 0, 5, 12 },
        { "tampered 87 of A2", { .pclass = -1, .ppk = true }, 4, 0, 4, 8 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int before = t_failures;
        run_bpp_case(&cases[i]);
        if (t_failures != before)
            fprintf(stderr, "  ^ in case \"%s\"\n", cases[i].name);
    }
    /* PPR allowed by the RAT for the owner 62F210: installs */
    struct tcard c = {0};
    struct smdp d;
    t_open(&c, "nist");
    ch = t_open_isdr(&c);
    smdp_init(&d, "nist");
    dl_session(&c, ch, &d);
    struct rspc_buf bpp;
    struct rspc_bpp_seg *s;
    size_t count, n;
    unsigned sw;
    dl_build_bpp(&d, &(struct bpp_opts){ .pclass = 2, .ppr = 2, .owner = true }, &bpp, &s, &count);
    uint8_t *r = send_segs(&c, &bpp, s, 0, count, &sw, &n);
    long cmd, reason;
    char iccid[21];
    dl_check_pir(&d, r, n, &cmd, &reason, iccid);
    CHECK_EQ(reason, -1);
    free(r);
    rspc_buf_free(&bpp);
    free(s);

    /* an unrelated command mid-load: answered normally, the load ends with a PIR
     * (installFailedDueToInterruption) queued as a notification */
    int pirs0, pirs;
    count_notifications(&c, &pirs0);
    int profiles0 = count_profiles(&c);
    dl_session(&c, ch, &d);
    dl_build_bpp(&d, &(struct bpp_opts){ .pclass = -1, .iccid = "894944999999999007" }, &bpp, &s,
                 &count);
    free(send_segs(&c, &bpp, s, 0, 3, &sw, &n));     /* BF36, A0, A1 */
    CHECK_EQ(count_profiles(&c), profiles0);          /* GetProfilesInfo mid-load */
    count_notifications(&c, &pirs);
    CHECK_EQ(pirs, pirs0 + 1);
    uint8_t *out;
    CHECK_EQ(t_es10_hex(&c, ch, "BF2B00", &out, &n), 0x9000);
    /* the newest notification is the interruption PIR: bppCommandId 2, errorReason 11 */
    size_t vl, off = 0;
    const uint8_t *lst = out ? t_find(out, n, 0xA0, &vl) : NULL;
    struct sim_tlv t, lastp = {0};
    while (lst && sim_tlv_next(lst, vl, &off, &t) == 1)
        if (t.tag == 0xBF37)
            lastp = t;
    dl_check_pir(&d, lastp.tlv, lastp.tlv_len, &cmd, &reason, iccid);
    CHECK_EQ(cmd, 2);
    CHECK_EQ(reason, 11);
    free(out);
    r = send_segs(&c, &bpp, s, 3, 4, &sw, &n);        /* the next 88: no load any more */
    CHECK_EQ(sw, 0x6985);
    free(r);
    CHECK_EQ(count_profiles(&c), profiles0);
    rspc_buf_free(&bpp);
    free(s);
    smdp_free(&d);
    t_close(&c);
}

/* ---- CancelSession --------------------------------------------------------------------- */

static uint8_t *cancel(struct tcard *c, const uint8_t *txid, size_t txid_len, long reason,
                       size_t *n)
{
    struct dbuf q;
    unsigned sw;
    dbuf_init(&q);
    dbuf_open(&q, 0xBF41);
    dbuf_tlv(&q, 0x80, txid, txid_len);
    dbuf_tlv_int(&q, 0x81, reason);
    dbuf_close(&q);
    uint8_t *r = cmd(c, q.p, q.len, &sw, n);
    CHECK_EQ(sw, 0x9000);
    dbuf_free(&q);
    return r;
}

static void check_cancel_ok(struct smdp *d, const uint8_t *r, size_t n, long reason)
{
    size_t vl;
    const uint8_t *a0 = r ? t_find(r, n, 0xA0, &vl) : NULL;
    CHECK(a0 != NULL);
    if (!a0)
        return;
    struct sim_tlv signed_, sig;
    size_t off = 0;
    CHECK(sim_tlv_next(a0, vl, &off, &signed_) == 1 && sim_tlv_next(a0, vl, &off, &sig) == 1);
    CHECK(sig.tag == 0x5F37 && sig.val_len == 64);
    CHECK(rspc_verify(X509_get0_pubkey(d->euicc), signed_.tlv, signed_.tlv_len, sig.val) ==
          RSPC_OK);
    /* 30 { 80 txid, 81 smdpOid (DPauth 2.999.10), 82 reason } */
    const uint8_t *t = t_find(signed_.tlv, signed_.tlv_len, 0x80, &vl);
    CHECK(t && vl == d->txid_len && !memcmp(t, d->txid, vl));
    t = t_find(signed_.tlv, signed_.tlv_len, 0x81, &vl);
    CHECK(t && vl == 3 && !memcmp(t, "\x88\x37\x0A", 3));
    t = t_find(signed_.tlv, signed_.tlv_len, 0x82, &vl);
    CHECK(t && vl == 1 && t[0] == reason);
}

static void case_cancel(void)
{
    struct tcard c = {0};
    struct smdp d;
    t_open(&c, "brp");
    ch = t_open_isdr(&c);
    smdp_init(&d, "brp");
    size_t n;
    unsigned sw;
    uint8_t *r;
    /* no session: invalidTransactionId */
    d.txid_len = 4;
    r = cancel(&c, (const uint8_t *)"\1\2\3\4", 4, 0, &n);
    CHECK(n == 6 && !memcmp(r, "\xBF\x41\x03\x81\x01\x05", 6));
    free(r);
    int profiles0 = count_profiles(&c), notifs0, pirs0, pirs;
    count_notifications(&c, &pirs0);
    notifs0 = pirs0;
    /* mid-load: signed answer, nothing installed, no PIR, the next segment is refused */
    dl_session(&c, ch, &d);
    struct rspc_buf bpp;
    struct rspc_bpp_seg *s;
    size_t count;
    dl_build_bpp(&d, &(struct bpp_opts){ .pclass = -1, .ppk = true }, &bpp, &s, &count);
    free(send_segs(&c, &bpp, s, 0, 5, &sw, &n));     /* up to and including the A2 */
    uint8_t wrong[16];
    memcpy(wrong, d.txid, 16);
    wrong[15] ^= 0xFF;
    r = cancel(&c, wrong, d.txid_len, 1, &n);         /* wrong txid: 81 05, load goes on */
    CHECK(n == 6 && !memcmp(r, "\xBF\x41\x03\x81\x01\x05", 6));
    free(r);
    r = cancel(&c, d.txid, d.txid_len, 1, &n);        /* postponed */
    check_cancel_ok(&d, r, n, 1);
    free(r);
    r = send_segs(&c, &bpp, s, 5, 6, &sw, &n);
    CHECK_EQ(sw, 0x6985);
    free(r);
    CHECK_EQ(count_profiles(&c), profiles0);
    count_notifications(&c, &pirs);
    CHECK_EQ(pirs, notifs0);
    /* cancel a second time: the session is gone */
    r = cancel(&c, d.txid, d.txid_len, 1, &n);
    CHECK(n == 6 && !memcmp(r, "\xBF\x41\x03\x81\x01\x05", 6));
    free(r);
    rspc_buf_free(&bpp);
    free(s);
    /* after AuthenticateServer only (user declined): endUserRejection */
    uint8_t chal[16];
    dl_challenge(&c, ch, chal);
    free(dl_authenticate(&c, ch, &d, chal, &(struct auth_opts){0}, &n));
    r = cancel(&c, d.txid, d.txid_len, 0, &n);
    check_cancel_ok(&d, r, n, 0);
    free(r);
    CHECK_EQ(prep_case(&c, &d, &(struct prep_opts){0}), 4);   /* the session is gone */
    smdp_free(&d);
    t_close(&c);
}

/* ---- fault knobs ----------------------------------------------------------------------- */

static void case_knobs(void)
{
    struct tcard c = {0};
    struct smdp d;
    size_t n, count;
    unsigned sw;
    struct rspc_buf bpp;
    struct rspc_bpp_seg *s;
    t_fail_at = 3;
    t_fail_sw = 0x6F00;
    t_open(&c, "nist");
    ch = t_open_isdr(&c);
    smdp_init(&d, "nist");
    dl_session(&c, ch, &d);
    dl_build_bpp(&d, &(struct bpp_opts){ .pclass = -1 }, &bpp, &s, &count);
    free(send_segs(&c, &bpp, s, 0, 2, &sw, &n));
    CHECK_EQ(sw, 0x9000);
    uint8_t *r = send_segs(&c, &bpp, s, 2, 3, &sw, &n);
    CHECK_EQ(sw, 0x6F00);
    free(r);
    rspc_buf_free(&bpp);
    free(s);
    smdp_free(&d);
    t_close(&c);

    t_fail_at = 1;
    t_fail_sw = 0;                                    /* garbage answer */
    t_open(&c, "nist");
    ch = t_open_isdr(&c);
    smdp_init(&d, "nist");
    dl_session(&c, ch, &d);
    dl_build_bpp(&d, &(struct bpp_opts){ .pclass = -1 }, &bpp, &s, &count);
    r = send_segs(&c, &bpp, s, 0, 1, &sw, &n);
    CHECK(sw == 0x9000 && n == 4 && !memcmp(r, "\xDE\xAD\xBE\xEF", 4));
    free(r);
    rspc_buf_free(&bpp);
    free(s);
    smdp_free(&d);
    t_close(&c);
    t_fail_at = 0;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s PKI_DIR SEED CASE\n", argv[0]);
        return 2;
    }
    const char *k = argv[3];
    t_setup(3, argv);
    if (!strcmp(k, "nist") || !strcmp(k, "brp"))
        case_success(k);
    else if (!strcmp(k, "auth-errors"))
        case_auth_errors();
    else if (!strcmp(k, "prepare-errors"))
        case_prepare_errors();
    else if (!strcmp(k, "bpp-errors"))
        case_bpp_errors();
    else if (!strcmp(k, "cancel"))
        case_cancel();
    else if (!strcmp(k, "knobs"))
        case_knobs();
    else {
        fprintf(stderr, "unknown case %s\n", k);
        return 2;
    }
    return t_done();
}
