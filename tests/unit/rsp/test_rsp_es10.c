/* SPDX-License-Identifier: MIT */
/* ES10b download functions: BPP cutting (notes §6.3) on handcrafted
 * packages, request bytes of AuthenticateServer / PrepareDownload /
 * CancelSession, error branches, PIR decoding, LoadBPP over a scripted
 * card. */
#include <stdlib.h>
#include <string.h>

#include "../es10/es10_test.h"
#include "es10/es10_download.h"

static uint8_t buf[16384];

/* Spec with n repetitions of the byte pair hx ("AB"). */
static char *rep(const char *hx, size_t n)
{
    char *s = malloc(2 * n + 1);
    for (size_t i = 0; i < n; i++)
        memcpy(s + 2 * i, hx, 2);
    s[2 * n] = '\0';
    return s;
}

static size_t spec(const char *s)
{
    return t_bytes(s, buf, sizeof buf);
}

/* ---------- cutter ---------- */

static void expect_cut(const uint8_t *bpp, size_t len, const size_t (*want)[2], size_t n_want,
                       const unsigned *tags)
{
    struct esimlpa__bpp_segment *s = NULL;
    size_t n = 0;
    char why[160];
    int rc = esimlpa__bpp_cut(bpp, len, &s, &n, why, sizeof why);
    CHECK_INT(rc, 0);
    if (rc != 0) {
        fprintf(stderr, "  cut failed: %s\n", why);
        return;
    }
    CHECK_INT(n, n_want);
    for (size_t i = 0; i < n && i < n_want; i++) {
        CHECK_INT(s[i].off, want[i][0]);
        CHECK_INT(s[i].len, want[i][1]);
        CHECK_INT(s[i].tag, tags[i]);
    }
    free(s);
}

/* Every prefix of a valid BPP is rejected, read from an exact-size copy
 * (ASan catches any read past it). */
static void expect_prefixes_rejected(const uint8_t *bpp, size_t len)
{
    for (size_t l = 0; l < len; l++) {
        uint8_t *copy = malloc(l ? l : 1);
        memcpy(copy, bpp, l);
        struct esimlpa__bpp_segment *s = NULL;
        size_t n = 0;
        if (esimlpa__bpp_cut(copy, l, &s, &n, NULL, 0) != -1) {
            fprintf(stderr, "prefix of %zu bytes accepted\n", l);
            t_failures++;
        }
        CHECK(s == NULL);
        free(copy);
    }
}

static void test_cut_simple(void)
{
    /* no A2, one 87, two 88s, three 86s, all short lengths */
    size_t len = spec("BF36 ( BF23 ( 82 01 01 80 01 AA ) A0 ( 87 ( 1111111111111111 ) )"
                      " A1 ( 88 ( 00010203040506070809 ) 88 ( 000102030405060708 ) )"
                      " A3 ( 86 ( 2222222222222222 ) 86 ( 3333333333333333 ) 86 ( 4444444444444444 ) ) )");
    CHECK_INT(len, 81);
    static const size_t want[][2] = { { 0, 12 }, { 12, 12 }, { 24, 2 }, { 26, 12 }, { 38, 11 },
                                      { 49, 2 }, { 51, 10 }, { 61, 10 }, { 71, 10 } };
    static const unsigned tags[] = { 0xBF23, 0x87, 0xA1, 0x88, 0x88, 0xA3, 0x86, 0x86, 0x86 };
    expect_cut(buf, len, want, 9, tags);
    /* the segments partition the package and start with the right bytes */
    CHECK(buf[12] == 0xA0 && buf[14] == 0x87 && buf[24] == 0xA1 && buf[25] == 0x17);
    CHECK(buf[49] == 0xA3 && buf[50] == 0x1E);
    /* metadata = 88 values without their 8-byte MACs: 2 + 1 bytes */
    uint8_t *md = NULL;
    size_t md_len = 0;
    CHECK_INT(esimlpa__bpp_metadata(buf, len, &md, &md_len), 0);
    CHECK_INT(md_len, 3);
    if (md_len == 3)
        CHECK(md[0] == 0x00 && md[1] == 0x01 && md[2] == 0x00);
    free(md);
    uint8_t copy[81];
    memcpy(copy, buf, sizeof copy);
    expect_prefixes_rejected(copy, sizeof copy);
}

static void test_cut_a2_long_forms(void)
{
    char *p200 = rep("AB", 200), *p300 = rep("CD", 300);
    char s[2048];
    snprintf(s, sizeof s,
             "BF36 ( BF23 ( 82 01 01 80 01 AA ) A0 ( 87 ( 1111111111111111 ) 87 ( 1212121212121212 ) )"
             " A1 ( 88 ( 'metadata-12b' 0102030405060708 ) )"
             " A2 ( 87 ( 00112233445566778899AABBCCDDEEFF ) )"
             " A3 ( 86 ( %s ) 86 ( %s ) ) )", p200, p300);
    free(p200);
    free(p300);
    size_t len = spec(s);
    CHECK_INT(len, 591);
    CHECK(buf[0] == 0xBF && buf[1] == 0x36 && buf[2] == 0x82 && buf[3] == 0x02 && buf[4] == 0x4A);
    static const size_t want[][2] = { { 0, 14 }, { 14, 12 }, { 26, 10 }, { 36, 2 }, { 38, 22 },
                                      { 60, 20 }, { 80, 4 }, { 84, 203 }, { 287, 304 } };
    static const unsigned tags[] = { 0xBF23, 0x87, 0x87, 0xA1, 0x88, 0x87, 0xA3, 0x86, 0x86 };
    expect_cut(buf, len, want, 9, tags);
    CHECK(buf[80] == 0xA3 && buf[81] == 0x82 && buf[82] == 0x01 && buf[83] == 0xFB);
    CHECK(buf[84] == 0x86 && buf[85] == 0x81 && buf[86] == 0xC8);
    CHECK(buf[287] == 0x86 && buf[288] == 0x82 && buf[289] == 0x01 && buf[290] == 0x2C);
    uint8_t *md = NULL;
    size_t md_len = 0;
    CHECK_INT(esimlpa__bpp_metadata(buf, len, &md, &md_len), 0);
    CHECK_INT(md_len, 12);
    CHECK(md && memcmp(md, "metadata-12b", 12) == 0);
    free(md);
    uint8_t *copy = malloc(len);
    memcpy(copy, buf, len);
    expect_prefixes_rejected(copy, len);
    free(copy);
}

static void expect_bad(const char *s, const char *why_part)
{
    size_t len = spec(s);
    uint8_t *copy = malloc(len);
    memcpy(copy, buf, len);
    struct esimlpa__bpp_segment *segs = NULL;
    size_t n = 0;
    char why[160] = "";
    int rc = esimlpa__bpp_cut(copy, len, &segs, &n, why, sizeof why);
    if (rc != -1 || segs || n || !strstr(why, why_part)) {
        fprintf(stderr, "malformed BPP not rejected as expected (rc %d, why \"%s\", want \"%s\"): %s\n",
                rc, why, why_part, s);
        t_failures++;
    }
    free(segs);
    free(copy);
}

#define BF23 "BF23 ( 82 01 01 80 01 AA )"
#define A0 "A0 ( 87 ( 1111111111111111 ) )"
#define A1 "A1 ( 88 ( 0011223344556677 ) )"
#define A3 "A3 ( 86 ( 2222222222222222 ) )"

static void test_cut_malformed(void)
{
    expect_bad("BF37 ( " BF23 A0 A1 A3 " )", "not a BoundProfilePackage");
    expect_bad("BF36 ( " BF23 A0 A1 A3 " ) 00", "after the BF36");
    expect_bad("BF36 ( " A0 BF23 A1 A3 " )", "expected BF23");
    expect_bad("BF36 ( " BF23 A1 A3 " )", "expected A0");
    expect_bad("BF36 ( " BF23 A0 A3 " )", "expected A1");
    expect_bad("BF36 ( " BF23 A0 A1 " )", "truncated");
    expect_bad("BF36 ( " BF23 "A0 ( 88 ( 1111111111111111 ) )" A1 A3 " )", "expected 87 inside A0");
    expect_bad("BF36 ( " BF23 A0 A1 "A3 ( ) )", "empty");
    expect_bad("BF36 ( " BF23 A0 "A1 ( 88 ( 00112233445566 ) )" A3 " )", "shorter than its MAC");
    expect_bad("BF36 ( " BF23 A0 A1 A3 "A2 ( 87 ( 1111111111111111 ) ) )", "after A3");
    expect_bad("BF36 ( " BF23 A0 A1 A3 A3 " )", "after A3");
    expect_bad("BF36 80 " BF23 A0 A1 A3 "0000", "truncated");
    /* inner length running past its list, and past the whole package */
    expect_bad("BF36 ( " BF23 "A0 ( 87 09 1111111111111111 )" A1 A3 " )", "truncated");
    expect_bad("BF36 ( " BF23 A0 A1 "A3 ( 86 83 FFFFFF 22 ) )", "truncated");
    expect_bad("BF36 84 00000010 " BF23, "truncated");
    struct esimlpa__bpp_segment *segs = NULL;
    size_t n = 0;
    CHECK_INT(esimlpa__bpp_cut(NULL, 0, &segs, &n, NULL, 0), -1);
}

/* ---------- request builders ---------- */

#define SS1 "30 ( 80 ( 0102030405060708 ) 81 ( 000102030405060708090A0B0C0D0E0F ) 83 ( 'smdp.example' ) 84 ( 101112131415161718191A1B1C1D1E1F ) )"
#define SIG1 "5F37 ( AABBCCDD )"
#define PKID "04 ( F54172BDF98A95D65CBEB88A38A1C11D800A85C3 )"
#define CERT1 "30 ( 30 ( 020101 ) )"

struct blob { uint8_t *p; size_t len; };

static struct blob mk(const char *s)
{
    struct blob b;
    b.len = spec(s);
    b.p = malloc(b.len);
    memcpy(b.p, buf, b.len);
    return b;
}

static void check_bytes(const uint8_t *got, size_t got_len, const char *want_spec)
{
    static uint8_t want[16384];
    size_t wl = t_bytes(want_spec, want, sizeof want);
    if (got_len != wl || memcmp(got, want, wl) != 0) {
        fprintf(stderr, "bytes differ from %s\n  got:  ", want_spec);
        for (size_t i = 0; i < got_len; i++)
            fprintf(stderr, "%02X", got[i]);
        fprintf(stderr, "\n");
        t_failures++;
    }
}

static void test_build_authenticate_server(esimlpa_ctx *ctx, struct fake_card *fc)
{
    (void)fc;
    struct blob ss1 = mk(SS1), sig = mk(SIG1), pkid = mk(PKID), cert = mk(CERT1);
    struct esimlpa__device_info di;
    memset(&di, 0, sizeof di);
    memcpy(di.tac, "\x35\x29\x06\x11", 4);
    struct esimlpa__auth_server_req in = {
        { ss1.p, ss1.len }, { sig.p, sig.len }, { pkid.p, pkid.len }, { cert.p, cert.len },
        "MATCH-1", &di };
    uint8_t *der = NULL;
    size_t len = 0;
    CHECK_INT(esimlpa__build_authenticate_server(ctx, &in, &der, &len), 0);
    check_bytes(der, len, "BF38 ( " SS1 SIG1 PKID CERT1
                          " A0 ( 80 ( 'MATCH-1' ) A1 ( 80 ( 35290611 ) A1 ( ) ) ) )");
    free(der);
    /* with an IMEI, without a matchingId (discovery) */
    memcpy(di.tac, "\x53\x96\x83\x30", 4);
    memcpy(di.imei, "\x53\x96\x83\x30\x65\x34\x08\xF9", 8);
    di.has_imei = 1;
    in.matching_id = NULL;
    CHECK_INT(esimlpa__build_authenticate_server(ctx, &in, &der, &len), 0);
    check_bytes(der, len, "BF38 ( " SS1 SIG1 PKID CERT1
                          " A0 ( A1 ( 80 ( 53968330 ) A1 ( ) 82 ( 53968330653408F9 ) ) ) )");
    free(der);
    /* empty matchingId is sent as 80 00 */
    in.matching_id = "";
    di.has_imei = 0;
    CHECK_INT(esimlpa__build_authenticate_server(ctx, &in, &der, &len), 0);
    check_bytes(der, len, "BF38 ( " SS1 SIG1 PKID CERT1
                          " A0 ( 80 ( ) A1 ( 80 ( 53968330 ) A1 ( ) ) ) )");
    free(der);
    /* a blob that is not one TLV of its tag */
    in.ci_pkid.len--;
    CHECK_INT(esimlpa__build_authenticate_server(ctx, &in, &der, &len), ESIMLPA_EINVAL);
    CHECK(der == NULL);
    CHECK(strstr(esimlpa_ctx_last_error(ctx), "euiccCiPKIdToBeUsed") != NULL);
    in.ci_pkid.len++;
    in.server_signed1 = in.server_certificate;
    in.server_signature1 = in.server_certificate;
    CHECK_INT(esimlpa__build_authenticate_server(ctx, &in, &der, &len), ESIMLPA_EINVAL);
    CHECK(strstr(esimlpa_ctx_last_error(ctx), "serverSignature1") != NULL);
    free(ss1.p);
    free(sig.p);
    free(pkid.p);
    free(cert.p);
}

#define SS2 "30 ( 80 ( 0102030405060708 ) 01 ( FF ) )"
#define SIG2 "5F37 ( 0102 )"
#define CERT2 "30 ( 30 ( 020102 ) )"

static void test_build_prepare_and_cancel(esimlpa_ctx *ctx, struct fake_card *fc)
{
    (void)fc;
    struct blob ss2 = mk(SS2), sig = mk(SIG2), cert = mk(CERT2);
    struct esimlpa__prepare_req in = { { ss2.p, ss2.len }, { sig.p, sig.len }, NULL,
                                       { cert.p, cert.len } };
    uint8_t *der = NULL;
    size_t len = 0;
    CHECK_INT(esimlpa__build_prepare_download(ctx, &in, &der, &len), 0);
    check_bytes(der, len, "BF21 ( " SS2 SIG2 CERT2 " )");
    free(der);
    uint8_t h[32];
    for (int i = 0; i < 32; i++)
        h[i] = (uint8_t)(0xA0 + i);
    in.hash_cc = h;
    CHECK_INT(esimlpa__build_prepare_download(ctx, &in, &der, &len), 0);
    check_bytes(der, len, "BF21 ( " SS2 SIG2
                          " 04 ( A0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBF ) "
                          CERT2 " )");
    free(der);

    static const uint8_t tid[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    CHECK_INT(esimlpa__build_cancel_session(ctx, tid, 8, 0, &der, &len), 0);
    check_bytes(der, len, "BF41 0D 80 08 0102030405060708 81 01 00");
    free(der);
    CHECK_INT(esimlpa__build_cancel_session(ctx, tid, 8, 127, &der, &len), 0);
    check_bytes(der, len, "BF41 ( 80 ( 0102030405060708 ) 81 ( 7F ) )");
    free(der);
    CHECK_INT(esimlpa__build_cancel_session(ctx, tid, 0, 1, &der, &len), ESIMLPA_EINVAL);
    CHECK_INT(esimlpa__build_cancel_session(ctx, tid, 8, 128, &der, &len), ESIMLPA_EINVAL);

    /* smdpSigned2: binary transactionId and ccRequiredFlag (universal BOOLEAN) */
    uint8_t t2[16];
    size_t t2_len = 0;
    int cc = -1;
    CHECK_INT(esimlpa__smdp_signed2_parse(ctx, ss2.p, ss2.len, t2, &t2_len, &cc), 0);
    CHECK_INT(t2_len, 8);
    CHECK(memcmp(t2, tid, 8) == 0);
    CHECK_INT(cc, 1);
    size_t l = spec("30 ( 80 ( 0102 ) 01 ( 00 ) 5F49 ( 04AABB ) )");
    CHECK_INT(esimlpa__smdp_signed2_parse(ctx, buf, l, t2, &t2_len, &cc), 0);
    CHECK_INT(cc, 0);
    CHECK_INT(t2_len, 2);
    l = spec("30 ( 80 ( 0102 ) 81 ( FF ) )");
    CHECK_INT(esimlpa__smdp_signed2_parse(ctx, buf, l, t2, &t2_len, &cc), ESIMLPA_EDECODE);
    l = spec("30 ( 80 ( 0102 ) 01 ( FF ) FF )");
    CHECK_INT(esimlpa__smdp_signed2_parse(ctx, buf, l, t2, &t2_len, &cc), ESIMLPA_EDECODE);
    free(ss2.p);
    free(sig.p);
    free(cert.p);
}

/* ---------- ES10 exchanges ---------- */

static void test_authenticate_server_answers(esimlpa_ctx *ctx, struct fake_card *fc)
{
    struct blob ss1 = mk(SS1), sig = mk(SIG1), pkid = mk(PKID), cert = mk(CERT1);
    struct esimlpa__device_info di;
    memset(&di, 0, sizeof di);
    memcpy(di.tac, "\x35\x29\x06\x11", 4);
    struct esimlpa__auth_server_req in = {
        { ss1.p, ss1.len }, { sig.p, sig.len }, { pkid.p, pkid.len }, { cert.p, cert.len },
        "AB", &di };
    const char *req = "BF38 ( " SS1 SIG1 PKID CERT1
                      " A0 ( 80 ( 'AB' ) A1 ( 80 ( 35290611 ) A1 ( ) ) ) )";
    fake_card_expect(fc, req, "BF38 ( A0 ( 30 ( 80 ( 0102030405060708 ) ) 5F37 ( 01 ) ) )");
    fake_card_expect(fc, req, "BF38 ( A1 ( 80 ( 0102030405060708 ) 02 ( 07 ) ) )");
    fake_card_expect(fc, req, "BF38 ( A1 ( 80 ( 0102030405060708 ) 81 ( 06 ) ) )");
    fake_card_expect(fc, req, "BF38 ( A1 ( 80 ( 0102030405060708 ) 02 ( 2A ) ) )");
    fake_card_expect(fc, req, "BF38 ( A1 ( 80 ( 0102030405060708 ) ) )");
    fake_card_expect(fc, req, "BF2E ( 80 ( 00 ) )");
    uint8_t *resp = NULL;
    size_t rl = 0;
    CHECK_INT(esimlpa__es10_authenticate_server(ctx, &in, &resp, &rl), 0);
    check_bytes(resp, rl, "BF38 ( A0 ( 30 ( 80 ( 0102030405060708 ) ) 5F37 ( 01 ) ) )");
    free(resp);
    CHECK_INT(esimlpa__es10_authenticate_server(ctx, &in, &resp, &rl),
              ESIMLPA_EAUTH_CI_PK_UNKNOWN);
    CHECK(resp == NULL);
    CHECK_INT(esimlpa_ctx_last_result_code(ctx), 7);
    CHECK(strstr(esimlpa_ctx_last_error(ctx), "ciPKUnknown") != NULL);
    CHECK_INT(esimlpa__es10_authenticate_server(ctx, &in, &resp, &rl),
              ESIMLPA_EAUTH_CHALLENGE_MISMATCH);
    CHECK_INT(esimlpa__es10_authenticate_server(ctx, &in, &resp, &rl),
              ESIMLPA_EEUICC_UNKNOWN_RESULT);
    CHECK_INT(esimlpa__es10_authenticate_server(ctx, &in, &resp, &rl), ESIMLPA_EDECODE);
    CHECK_INT(esimlpa__es10_authenticate_server(ctx, &in, &resp, &rl), ESIMLPA_EUNEXPECTED);
    free(ss1.p);
    free(sig.p);
    free(pkid.p);
    free(cert.p);
}

static void test_prepare_and_cancel_answers(esimlpa_ctx *ctx, struct fake_card *fc)
{
    struct blob ss2 = mk(SS2), sig = mk(SIG2), cert = mk(CERT2);
    struct esimlpa__prepare_req in = { { ss2.p, ss2.len }, { sig.p, sig.len }, NULL,
                                       { cert.p, cert.len } };
    const char *req = "BF21 ( " SS2 SIG2 CERT2 " )";
    fake_card_expect(fc, req, "BF21 ( A0 ( 30 ( 80 ( 0102030405060708 ) 5F49 ( 04 ) ) 5F37 ( 02 ) ) )");
    fake_card_expect(fc, req, "BF21 ( A1 ( 80 ( 0102030405060708 ) 02 ( 02 ) ) )");
    fake_card_expect(fc, req, "BF21 ( A1 ( 80 ( 0102030405060708 ) 81 ( 05 ) ) )");
    uint8_t *resp = NULL;
    size_t rl = 0;
    CHECK_INT(esimlpa__es10_prepare_download(ctx, &in, &resp, &rl), 0);
    check_bytes(resp, rl, "BF21 ( A0 ( 30 ( 80 ( 0102030405060708 ) 5F49 ( 04 ) ) 5F37 ( 02 ) ) )");
    free(resp);
    CHECK_INT(esimlpa__es10_prepare_download(ctx, &in, &resp, &rl), ESIMLPA_EPREP_INVALID_SIGNATURE);
    CHECK_INT(esimlpa__es10_prepare_download(ctx, &in, &resp, &rl),
              ESIMLPA_EPREP_INVALID_TRANSACTION);
    CHECK_INT(esimlpa_ctx_last_result_code(ctx), 5);

    static const uint8_t tid[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    const char *creq = "BF41 ( 80 ( 0102030405060708 ) 81 ( 04 ) )";
    const char *cok = "BF41 ( A0 ( 30 ( 80 ( 0102030405060708 ) 81 ( 2B06 ) 82 ( 04 ) ) 5F37 ( 03 ) ) )";
    fake_card_expect(fc, creq, cok);
    fake_card_expect(fc, creq, "BF41 ( 81 ( 05 ) )");
    CHECK_INT(esimlpa__es10_cancel_session(ctx, tid, 8, 4, &resp, &rl), 0);
    check_bytes(resp, rl, cok);
    free(resp);
    CHECK_INT(esimlpa__es10_cancel_session(ctx, tid, 8, 4, &resp, &rl),
              ESIMLPA_ECANCEL_INVALID_TRANSACTION);
    check_bytes(resp, rl, "BF41 ( 81 ( 05 ) )");   /* still returned for the server */
    free(resp);
    free(ss2.p);
    free(sig.p);
    free(cert.p);
}

/* ---------- PIR ---------- */

#define NOTIF_MD "BF2F ( 80 ( 05 ) 81 ( 0780 ) 0C ( 'smdp.example' ) 5A ( 98001032547698103214 ) )"
#define PIR_OK "BF37 ( BF27 ( 80 ( 0102030405060708 ) " NOTIF_MD " 06 ( 2B0601 ) A2 ( A0 ( 4F ( A0000005591010FFFFFFFF8900001100 ) 04 ( 9000 ) ) ) ) 5F37 ( 0A0B ) )"
#define PIR_ERR(cmd, reason) "BF37 ( BF27 ( 80 ( 0102030405060708 ) " NOTIF_MD " 06 ( 2B0601 ) A2 ( A1 ( 80 ( " cmd " ) 81 ( " reason " ) ) ) ) 5F37 ( 0A0B ) )"

static void test_pir(esimlpa_ctx *ctx, struct fake_card *fc)
{
    (void)fc;
    struct esimlpa__pir pir;
    size_t len = spec(PIR_OK);
    CHECK_INT(esimlpa__pir_decode(ctx, buf, len, &pir), 0);
    CHECK_INT(pir.success, 1);
    CHECK_INT(pir.aid_len, 16);
    CHECK(pir.aid[0] == 0xA0 && pir.aid[15] == 0x00 && pir.aid[14] == 0x11);
    CHECK_INT(pir.seq_number, 5);
    CHECK_STR(pir.notification_address, "smdp.example");
    CHECK_STR(pir.iccid, "89000123456789012341");
    CHECK_INT(pir.raw_len, len);
    CHECK(pir.raw && memcmp(pir.raw, buf, len) == 0);
    esimlpa__pir_clear(&pir);

    len = spec(PIR_ERR("01", "08"));
    CHECK_INT(esimlpa__pir_decode(ctx, buf, len, &pir), ESIMLPA_EINSTALL_SECURITY);
    CHECK_INT(pir.success, 0);
    CHECK_INT(pir.bpp_command_id, 1);
    CHECK_INT(pir.error_reason, 8);
    CHECK_INT(pir.seq_number, 5);
    CHECK(pir.raw != NULL);   /* kept: it must reach the SM-DP+ */
    CHECK_INT(esimlpa_ctx_last_result_code(ctx), 8);
    CHECK(strstr(esimlpa_ctx_last_error(ctx), "configureISDP") != NULL);
    CHECK(strstr(esimlpa_ctx_last_error(ctx), "scp03tSecurityError") != NULL);
    esimlpa__pir_clear(&pir);

    len = spec(PIR_ERR("05", "0A"));
    CHECK_INT(esimlpa__pir_decode(ctx, buf, len, &pir), ESIMLPA_EINSTALL_NO_MEMORY);
    CHECK(strstr(esimlpa_ctx_last_error(ctx), "loadProfileElements") != NULL);
    esimlpa__pir_clear(&pir);
    len = spec(PIR_ERR("09", "63"));
    CHECK_INT(esimlpa__pir_decode(ctx, buf, len, &pir), ESIMLPA_EINSTALL_UNKNOWN);
    CHECK(strstr(esimlpa_ctx_last_error(ctx), "unknown command") != NULL);
    esimlpa__pir_clear(&pir);

    len = spec(PIR_OK);
    CHECK_INT(esimlpa__pir_decode(ctx, buf, len - 1, &pir), ESIMLPA_EDECODE);
    CHECK(pir.raw == NULL && pir.notification_address == NULL);
    len = spec("BF37 ( BF27 ( 80 ( 01 ) " NOTIF_MD " 06 ( 2B0601 ) A2 ( A0 ( 4F ( A000 ) 04 ( ) ) ) ) 5F37 ( 00 ) )");
    CHECK_INT(esimlpa__pir_decode(ctx, buf, len, &pir), ESIMLPA_EDECODE);
    CHECK(pir.raw == NULL);
}

/* ---------- LoadBoundProfilePackage ---------- */

#define BPP_SMALL "BF36 ( " BF23 A0 A1 "A3 ( 86 ( 2222222222222222 ) 86 ( 3333333333333333 ) ) )"

static size_t g_done, g_total, g_calls, g_stop_at;
static int progress(void *user, size_t done, size_t total)
{
    (void)user;
    g_calls++;
    if (done < g_done)
        t_failures++;   /* never goes backwards */
    g_done = done;
    g_total = total;
    return g_stop_at && g_calls >= g_stop_at;   /* asks the load to stop */
}

static void test_load_bpp(esimlpa_ctx *ctx, struct fake_card *fc)
{
    size_t len = spec(BPP_SMALL);
    uint8_t *bpp = malloc(len);
    memcpy(bpp, buf, len);
    /* success: every segment alone; only the last answers */
    fake_card_expect(fc, "BF36 37 " BF23, "");
    fake_card_expect(fc, A0, "");
    fake_card_expect(fc, "A1 0A", "");
    fake_card_expect(fc, "88 ( 0011223344556677 )", "");
    fake_card_expect(fc, "A3 14", "");
    fake_card_expect(fc, "86 ( 2222222222222222 )", "");
    fake_card_expect(fc, "86 ( 3333333333333333 )", PIR_OK);
    struct esimlpa__pir pir;
    g_done = g_total = g_calls = 0;
    CHECK_INT(esimlpa__es10_load_bpp(ctx, bpp, len, progress, NULL, &pir), 0);
    CHECK_INT(pir.success, 1);
    CHECK_INT(g_done, len);
    CHECK_INT(g_total, len);
    CHECK_INT(g_calls, 8);
    esimlpa__pir_clear(&pir);
    /* an error PIR on the third segment stops the load there */
    fake_card_expect(fc, "BF36 37 " BF23, "");
    fake_card_expect(fc, A0, "");
    fake_card_expect(fc, "A1 0A", PIR_ERR("02", "07"));
    CHECK_INT(esimlpa__es10_load_bpp(ctx, bpp, len, NULL, NULL, &pir), ESIMLPA_EINSTALL_STRUCTURE);
    CHECK_INT(pir.bpp_command_id, 2);
    CHECK(pir.raw != NULL);
    esimlpa__pir_clear(&pir);
    /* an intermediate answer that is not a PIR */
    fake_card_expect(fc, "BF36 37 " BF23, "9000");
    CHECK_INT(esimlpa__es10_load_bpp(ctx, bpp, len, NULL, NULL, &pir), ESIMLPA_EUNEXPECTED);
    CHECK(pir.raw == NULL);
    /* a status word error */
    fake_card_expect_sw(fc, "BF36 37 " BF23, "", 0x6A80);
    CHECK_INT(esimlpa__es10_load_bpp(ctx, bpp, len, NULL, NULL, &pir), ESIMLPA_ESW_WRONG_DATA);
    /* no PIR at all */
    fake_card_expect(fc, "BF36 37 " BF23, "");
    fake_card_expect(fc, A0, "");
    fake_card_expect(fc, "A1 0A", "");
    fake_card_expect(fc, "88 ( 0011223344556677 )", "");
    fake_card_expect(fc, "A3 14", "");
    fake_card_expect(fc, "86 ( 2222222222222222 )", "");
    fake_card_expect(fc, "86 ( 3333333333333333 )", "");
    CHECK_INT(esimlpa__es10_load_bpp(ctx, bpp, len, NULL, NULL, &pir), ESIMLPA_EUNEXPECTED);
    CHECK(strstr(esimlpa_ctx_last_error(ctx), "no ProfileInstallationResult") != NULL);
    /* the progress callback stops the load between two segments (cancel) */
    fake_card_expect(fc, "BF36 37 " BF23, "");
    fake_card_expect(fc, A0, "");
    g_done = g_total = g_calls = 0;
    g_stop_at = 3;   /* start, segment 1, segment 2: stop */
    CHECK_INT(esimlpa__es10_load_bpp(ctx, bpp, len, progress, NULL, &pir), ESIMLPA_ECANCELLED);
    CHECK(strstr(esimlpa_ctx_last_error(ctx), "cancelled after segment 2 of 7") != NULL);
    CHECK(pir.raw == NULL);
    /* ... but not after the last one: the profile is installed */
    fake_card_expect(fc, "BF36 37 " BF23, "");
    fake_card_expect(fc, A0, "");
    fake_card_expect(fc, "A1 0A", "");
    fake_card_expect(fc, "88 ( 0011223344556677 )", "");
    fake_card_expect(fc, "A3 14", "");
    fake_card_expect(fc, "86 ( 2222222222222222 )", "");
    fake_card_expect(fc, "86 ( 3333333333333333 )", PIR_OK);
    g_done = g_total = g_calls = 0;
    g_stop_at = 8;
    CHECK_INT(esimlpa__es10_load_bpp(ctx, bpp, len, progress, NULL, &pir), 0);
    CHECK_INT(pir.success, 1);
    esimlpa__pir_clear(&pir);
    g_stop_at = 0;
    /* malformed package: nothing sent */
    CHECK_INT(esimlpa__es10_load_bpp(ctx, bpp, len - 1, NULL, NULL, &pir), ESIMLPA_EINVAL);
    CHECK(strstr(esimlpa_ctx_last_error(ctx), "malformed BoundProfilePackage") != NULL);
    free(bpp);
}

int main(void)
{
    test_cut_simple();
    fprintf(stderr, "%s test_cut_simple\n", t_failures ? "FAIL" : "ok  ");
    test_cut_a2_long_forms();
    fprintf(stderr, "%s test_cut_a2_long_forms\n", t_failures ? "FAIL" : "ok  ");
    test_cut_malformed();
    fprintf(stderr, "%s test_cut_malformed\n", t_failures ? "FAIL" : "ok  ");
    RUN(test_build_authenticate_server);
    RUN(test_build_prepare_and_cancel);
    RUN(test_authenticate_server_answers);
    RUN(test_prepare_and_cancel_answers);
    RUN(test_pir);
    RUN(test_load_bpp);
    if (t_failures) {
        fprintf(stderr, "%d check(s) failed\n", t_failures);
        return 1;
    }
    return 0;
}
