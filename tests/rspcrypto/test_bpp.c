/* SPDX-License-Identifier: MIT */
/* Build a BoundProfilePackage (SM-DP+ side), cut it into LoadBoundProfilePackage commands
 * (sgp22-notes §6.3) and process them as a soft eUICC would (§7.6): verify smdpSign, derive the
 * keys, unwrap every segment and get back the same metadata and profile bytes. Also: tampering,
 * every truncation and many corrupted length bytes of a BPP (no crash, clean error). */
#include <openssl/obj_mac.h>

#include "rspcrypto.h"
#include "test_util.h"

static const char METADATA_HEX[] =
    "BF252D5A0A98001032547698103214910947534D415F54455354921147534D415F544553545F50524F46494C"
    "45950100";

struct fixture {
    EVP_PKEY *dppb, *smdp_ot, *euicc_ot;
    uint8_t euicc_otpk[RSPC_POINT_LEN], eid[16];
    uint8_t txid[16];
    struct rspc_ppk ppk;
};

static void fixture_init(struct fixture *f, int nid)
{
    f->dppb = rspc_keygen(nid);
    f->smdp_ot = rspc_keygen(nid);
    f->euicc_ot = rspc_keygen(nid);
    CHECK(f->dppb && f->smdp_ot && f->euicc_ot);
    CHECK_RC(rspc_pkey_point(f->euicc_ot, f->euicc_otpk), RSPC_OK);
    CHECK_RC(rspc_eid_to_bytes("89049032123451234512345678901235", f->eid), RSPC_OK);
    for (int i = 0; i < 16; i++) {
        f->txid[i] = (uint8_t)(0xA0 + i);
        f->ppk.mcv[i] = (uint8_t)i;
        f->ppk.enc[i] = (uint8_t)(0x10 + i);
        f->ppk.cmac[i] = (uint8_t)(0x20 + i);
    }
}

static void fixture_free(struct fixture *f)
{
    EVP_PKEY_free(f->dppb);
    EVP_PKEY_free(f->smdp_ot);
    EVP_PKEY_free(f->euicc_ot);
}

struct result {
    struct rspc_buf bf24, metadata, bf26, upp;
    int failed_at;  /* segment index that failed, -1 if none */
    int rc;
};

static void result_free(struct result *r)
{
    rspc_buf_free(&r->bf24);
    rspc_buf_free(&r->metadata);
    rspc_buf_free(&r->bf26);
    rspc_buf_free(&r->upp);
}

/* The soft-eUICC side: process the commands in order. */
static void process(const struct fixture *f, EVP_PKEY *dppb_pub, const uint8_t *bpp,
                    size_t len, struct result *r)
{
    struct rspc_bpp_seg *segs = NULL;
    size_t n = 0;
    struct rspc_bsp st;
    memset(r, 0, sizeof(*r));
    r->failed_at = -1;
    r->rc = rspc_bpp_segments(bpp, len, &segs, &n);
    if (r->rc)
        return;
    for (size_t i = 0; i < n && !r->rc; i++) {
        const uint8_t *p = bpp + segs[i].off + segs[i].skip;
        size_t pl = segs[i].len - segs[i].skip;
        uint8_t tag = 0;
        if (segs[i].payload_tag == 0xBF23) {
            struct rspc_init_sc isc;
            struct rspc_session_keys k;
            uint8_t z[32];
            r->rc = rspc_bpp_parse_init_sc(p, pl, &isc);
            if (!r->rc && (isc.remote_op_id != 1 || isc.key_type != 0x88 || isc.key_len != 16 ||
                           isc.txid_len != 16 || memcmp(isc.txid, f->txid, 16)))
                r->rc = RSPC_EINVAL;
            if (!r->rc)
                r->rc = rspc_bpp_verify_init_sc(&isc, dppb_pub, f->euicc_otpk);
            if (!r->rc)
                r->rc = rspc_ecka(f->euicc_ot, isc.smdp_otpk, RSPC_POINT_LEN, z);
            if (!r->rc)
                r->rc = rspc_kdf_session_keys(z, isc.host_id, isc.host_id_len, f->eid, &k);
            if (!r->rc)
                rspc_bsp_init(&st, &k);
        } else if (segs[i].payload_tag == 0) {
            continue;  /* A1 / A3 header */
        } else {
            struct rspc_buf *dst = segs[i].container == 0xA0   ? &r->bf24
                                   : segs[i].container == 0xA1 ? &r->metadata
                                   : segs[i].container == 0xA2 ? &r->bf26
                                                               : &r->upp;
            r->rc = rspc_bsp_unwrap(&st, p, pl, &tag, dst);
            if (!r->rc && tag != segs[i].payload_tag)
                r->rc = RSPC_EINVAL;
            if (!r->rc && segs[i].container == 0xA2) {
                /* BF26 {80 mcv, 81 enc, 82 cmac}: fixed layout in this test */
                const uint8_t *b = r->bf26.data;
                if (r->bf26.len != 3 + 54 || b[3] != 0x80 || b[21] != 0x81 || b[39] != 0x82)
                    r->rc = RSPC_EINVAL;
                else
                    rspc_bsp_replace_keys(&st, b + 23, b + 41, b + 5);
            }
        }
        if (r->rc)
            r->failed_at = (int)i;
    }
    rspc_bsp_clear(&st);
    free(segs);
}

static void build(const struct fixture *f, const uint8_t *md, size_t md_len, const uint8_t *upp,
                  size_t upp_len, int with_ppk, struct rspc_buf *out)
{
    struct rspc_bpp_params p = {
        .txid = f->txid, .txid_len = 16,
        .host_id = (const uint8_t *)"testsmdp", .host_id_len = 8,
        .smdp_otsk = f->smdp_ot,
        .euicc_otpk = f->euicc_otpk, .euicc_otpk_len = RSPC_POINT_LEN,
        .eid = f->eid, .dppb_key = f->dppb,
        .metadata = md, .metadata_len = md_len,
        .upp = upp, .upp_len = upp_len,
        .ppk = with_ppk ? &f->ppk : NULL,
    };
    CHECK_RC(rspc_bpp_build(&p, out), RSPC_OK);
}

static void test_round_trip(int nid, size_t upp_len, size_t md_len, int with_ppk)
{
    struct fixture f;
    struct rspc_buf bpp = { 0 };
    struct result r;
    size_t ml;
    uint8_t *vec_md = t_hex(METADATA_HEX, &ml);
    uint8_t *md = malloc(md_len), *upp = malloc(upp_len);
    uint8_t dppb_point[RSPC_POINT_LEN];
    fixture_init(&f, nid);
    /* metadata: the real BF25 vector, or a big BF25 that needs several 88 segments */
    if (md_len == ml) {
        memcpy(md, vec_md, ml);
    } else {
        md[0] = 0xBF; md[1] = 0x25; md[2] = 0x82;
        md[3] = (uint8_t)((md_len - 5) >> 8); md[4] = (uint8_t)(md_len - 5);
        for (size_t i = 5; i < md_len; i++)
            md[i] = (uint8_t)i;
    }
    for (size_t i = 0; i < upp_len; i++)
        upp[i] = (uint8_t)(i * 13 + 1);
    build(&f, md, md_len, upp, upp_len, with_ppk, &bpp);
    CHECK_RC(rspc_pkey_point(f.dppb, dppb_point), RSPC_OK);
    EVP_PKEY *dppb_pub = rspc_pkey_from_point(nid, dppb_point, sizeof(dppb_point));

    /* structure of the commands */
    struct rspc_bpp_seg *segs = NULL;
    size_t n = 0;
    CHECK_RC(rspc_bpp_segments(bpp.data, bpp.len, &segs, &n), RSPC_OK);
    size_t n88 = (md_len + 1007) / 1008, n86 = (upp_len + 1006) / 1007;
    size_t want = 1 + 1 + 1 + n88 + (with_ppk ? 1 : 0) + 1 + n86;
    CHECK(n == want);
    if (n == want) {
        size_t sum = 0;
        for (size_t i = 0; i < n; i++)
            sum += segs[i].len;
        CHECK(sum == bpp.len);  /* the commands cover the BPP exactly, in order */
        CHECK(segs[0].off == 0 && segs[0].payload_tag == 0xBF23);
        CHECK(segs[1].container == 0xA0 && segs[1].payload_tag == 0x87 && segs[1].skip == 2);
        CHECK(segs[2].container == 0xA1 && segs[2].payload_tag == 0 && segs[2].skip == 0);
        CHECK(segs[3].payload_tag == 0x88);
        size_t a3 = 3 + n88 + (with_ppk ? 1 : 0);
        if (with_ppk)
            CHECK(segs[a3 - 1].container == 0xA2 && segs[a3 - 1].payload_tag == 0x87);
        CHECK(segs[a3].container == 0xA3 && segs[a3].payload_tag == 0);
        CHECK(segs[a3 + 1].payload_tag == 0x86 && segs[a3 + 1].len == (upp_len >= 1007 ? 1020u
                                                                        : segs[a3 + 1].len));
        /* segment 1 is "BF36 L BF23 L ..." with the BF36 length matching the whole BPP */
        struct rspc_tlv t;
        CHECK_RC(rspc_tlv_parse(bpp.data, bpp.len, &t), RSPC_OK);
        CHECK(t.tag == 0xBF36 && t.total == bpp.len && segs[0].skip == t.hdr_len);
        if (bpp.len > 0xFFFF + 5)
            CHECK(bpp.data[2] == 0x83);
        else if (bpp.len > 0xFF + 4)
            CHECK(bpp.data[2] == 0x82);
    }
    free(segs);

    /* eUICC side gets everything back */
    process(&f, dppb_pub, bpp.data, bpp.len, &r);
    CHECK_RC(r.rc, RSPC_OK);
    CHECK_MEM(r.bf24.data, r.bf24.len, "\xBF\x24\x00", 3);
    CHECK_MEM(r.metadata.data, r.metadata.len, md, md_len);
    CHECK_MEM(r.upp.data, r.upp.len, upp, upp_len);
    CHECK(r.bf26.len == (with_ppk ? 57u : 0u));
    result_free(&r);

    /* a tampered byte is detected: in the last 86 (MAC), in the txid (signature) */
    bpp.data[bpp.len - 20] ^= 0x01;
    process(&f, dppb_pub, bpp.data, bpp.len, &r);
    CHECK_RC(r.rc, RSPC_ESECURITY);
    CHECK(r.failed_at == (int)want - 1);
    result_free(&r);
    bpp.data[bpp.len - 20] ^= 0x01;
    struct rspc_tlv top, bf23;
    CHECK_RC(rspc_tlv_parse(bpp.data, bpp.len, &top), RSPC_OK);
    CHECK_RC(rspc_tlv_parse(top.value, top.len, &bf23), RSPC_OK);
    size_t txid_byte = (size_t)(bf23.value - bpp.data) + 3 + 2 + 5;
    bpp.data[txid_byte] ^= 0x80;
    process(&f, dppb_pub, bpp.data, bpp.len, &r);
    CHECK(r.rc != RSPC_OK && r.failed_at == 0);
    result_free(&r);
    bpp.data[txid_byte] ^= 0x80;
    /* a different SK.DPpb: smdpSign fails */
    EVP_PKEY *other = rspc_keygen(nid);
    process(&f, other, bpp.data, bpp.len, &r);
    CHECK_RC(r.rc, RSPC_ESIG);
    result_free(&r);
    EVP_PKEY_free(other);

    EVP_PKEY_free(dppb_pub);
    rspc_buf_free(&bpp);
    fixture_free(&f);
    free(vec_md);
    free(md);
    free(upp);
}

/* Every prefix and many corrupted bytes of a small BPP: a clean result, never a bad read
 * (run under ASan in CI). */
static void test_malformed(void)
{
    struct fixture f;
    struct rspc_buf bpp = { 0 };
    size_t ml;
    uint8_t *md = t_hex(METADATA_HEX, &ml);
    uint8_t upp[1500];
    memset(upp, 0x5A, sizeof(upp));
    fixture_init(&f, NID_X9_62_prime256v1);
    build(&f, md, ml, upp, sizeof(upp), 1, &bpp);
    struct rspc_bpp_seg *segs = NULL;
    size_t n = 0;
    int ok_prefixes = 0;
    for (size_t l = 0; l < bpp.len; l++) {
        if (rspc_bpp_segments(bpp.data, l, &segs, &n) == RSPC_OK)
            ok_prefixes++;
        free(segs);
        segs = NULL;
    }
    CHECK(ok_prefixes == 0);
    uint8_t *copy = malloc(bpp.len + 1);
    size_t accepted = 0;
    for (size_t i = 0; i < bpp.len; i++) {
        for (int v = 0; v < 3; v++) {
            static const uint8_t vals[] = { 0x00, 0xFF, 0x81 };
            memcpy(copy, bpp.data, bpp.len);
            copy[i] = vals[v];
            int rc = rspc_bpp_segments(copy, bpp.len, &segs, &n);
            CHECK(rc == RSPC_OK || rc == RSPC_EINVAL);
            if (rc == RSPC_OK) {
                accepted++;
                for (size_t k = 0; k < n; k++)
                    CHECK(segs[k].off + segs[k].len <= bpp.len && segs[k].skip < segs[k].len);
            }
            free(segs);
            segs = NULL;
        }
    }
    CHECK(accepted > 0);  /* changes inside values keep the structure */
    /* trailing byte after the BF36 */
    memcpy(copy, bpp.data, bpp.len);
    copy[bpp.len] = 0;
    CHECK_RC(rspc_bpp_segments(copy, bpp.len + 1, &segs, &n), RSPC_EINVAL);
    /* hand-made shapes */
    static const uint8_t no_a3[] = { 0xBF, 0x36, 0x0B, 0xBF, 0x23, 0x00, 0xA0, 0x02, 0x87, 0x00,
                                     0xA1, 0x02, 0x88, 0x00 };
    static const uint8_t empty_a1[] = { 0xBF, 0x36, 0x0D, 0xBF, 0x23, 0x00, 0xA0, 0x02, 0x87,
                                        0x00, 0xA1, 0x00, 0xA3, 0x02, 0x86, 0x00 };
    static const uint8_t wrong_child[] = { 0xBF, 0x36, 0x0F, 0xBF, 0x23, 0x00, 0xA0, 0x02, 0x87,
                                           0x00, 0xA1, 0x02, 0x88, 0x00, 0xA3, 0x02, 0x87, 0x00 };
    static const uint8_t minimal[] = { 0xBF, 0x36, 0x0F, 0xBF, 0x23, 0x00, 0xA0, 0x02, 0x87, 0x00,
                                       0xA1, 0x02, 0x88, 0x00, 0xA3, 0x02, 0x86, 0x00 };
    static const uint8_t two87[] = { 0xBF, 0x36, 0x11, 0xBF, 0x23, 0x00, 0xA0, 0x04, 0x87, 0x00,
                                     0x87, 0x00, 0xA1, 0x02, 0x88, 0x00, 0xA3, 0x02, 0x86, 0x00 };
    CHECK_RC(rspc_bpp_segments(no_a3, sizeof(no_a3), &segs, &n), RSPC_EINVAL);
    CHECK_RC(rspc_bpp_segments(empty_a1, sizeof(empty_a1), &segs, &n), RSPC_EINVAL);
    CHECK_RC(rspc_bpp_segments(wrong_child, sizeof(wrong_child), &segs, &n), RSPC_EINVAL);
    CHECK_RC(rspc_bpp_segments(minimal, sizeof(minimal), &segs, &n), RSPC_OK);
    CHECK(n == 6 && segs[0].len == 6 && segs[1].off == 6 && segs[1].len == 4 &&
          segs[2].off == 10 && segs[2].len == 2 && segs[3].off == 12 && segs[4].off == 14 &&
          segs[4].len == 2 && segs[5].off == 16 && segs[5].len == 2);
    /* one byte more or less in the BF36 length */
    uint8_t m2[sizeof(minimal)];
    memcpy(m2, minimal, sizeof(m2));
    free(segs);
    segs = NULL;
    m2[2]++;
    CHECK_RC(rspc_bpp_segments(m2, sizeof(m2), &segs, &n), RSPC_EINVAL);
    m2[2] -= 2;
    CHECK_RC(rspc_bpp_segments(m2, sizeof(m2), &segs, &n), RSPC_EINVAL);
    free(segs);
    CHECK_RC(rspc_bpp_segments(two87, sizeof(two87), &segs, &n), RSPC_OK);
    CHECK(n == 7 && segs[1].len == 4 && segs[2].off == 10 && segs[2].len == 2 &&
          segs[2].container == 0xA0 && segs[2].skip == 0);
    free(segs);
    segs = NULL;
    /* BF23 parser: every prefix of a real BF23 is rejected */
    struct rspc_tlv top, bf23;
    struct rspc_init_sc isc;
    CHECK_RC(rspc_tlv_parse(bpp.data, bpp.len, &top), RSPC_OK);
    CHECK_RC(rspc_tlv_parse(top.value, top.len, &bf23), RSPC_OK);
    CHECK_RC(rspc_bpp_parse_init_sc(top.value, bf23.total, &isc), RSPC_OK);
    CHECK(isc.host_id_len == 8 && memcmp(isc.host_id, "testsmdp", 8) == 0);
    for (size_t l = 0; l < bf23.total; l++)
        CHECK_RC(rspc_bpp_parse_init_sc(top.value, l, &isc), RSPC_EINVAL);

    free(copy);
    rspc_buf_free(&bpp);
    fixture_free(&f);
    free(md);
}

int main(void)
{
    test_round_trip(NID_X9_62_prime256v1, 3000, 48, 0);
    test_round_trip(NID_X9_62_prime256v1, 3000, 48, 1);
    test_round_trip(NID_brainpoolP256r1, 1007, 48, 1);
    test_round_trip(NID_brainpoolP256r1, 100, 2500, 0);   /* three 88 segments */
    test_round_trip(NID_X9_62_prime256v1, 70000, 48, 1);  /* 83 length forms */
    test_malformed();
    return t_done("rspcrypto-bpp");
}
