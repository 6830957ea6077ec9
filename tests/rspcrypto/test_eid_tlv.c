/* SPDX-License-Identifier: MIT */
/* EID check digits (sgp22-notes §10.6) and the strict TLV reader/writer. */
#include "rspcrypto.h"
#include "test_util.h"

static void test_eid(void)
{
    char out[33];
    uint8_t b[16];
    CHECK_RC(rspc_eid_verify("89049044900000000000000000102355"), RSPC_OK);
    CHECK_RC(rspc_eid_verify("89049044900000000000000000102356"), RSPC_EEID);
    CHECK_RC(rspc_eid_verify("89049032123451234512345678901335"), RSPC_EEID);
    CHECK_RC(rspc_eid_verify("8904903212345123451234567890123"), RSPC_EEID);
    CHECK_RC(rspc_eid_verify("8904903212345123451234567890123A"), RSPC_EEID);
    CHECK_RC(rspc_eid_verify(NULL), RSPC_EEID);
    CHECK_RC(rspc_eid_complete("890490449000000000000000001023", out), RSPC_OK);
    CHECK(strcmp(out, "89049044900000000000000000102355") == 0);
    CHECK_RC(rspc_eid_complete("89049032123451234512345678901299", out), RSPC_OK);
    CHECK(strcmp(out, "89049032123451234512345678901235") == 0);
    CHECK_RC(rspc_eid_verify(out), RSPC_OK);
    /* single-digit check values are zero-padded */
    int seen_small = 0;
    for (int i = 0; i < 100; i++) {
        char base[31];
        snprintf(base, sizeof(base), "8904903200000000000000000000%02d", i);
        CHECK_RC(rspc_eid_complete(base, out), RSPC_OK);
        CHECK_RC(rspc_eid_verify(out), RSPC_OK);
        if (out[30] == '0')
            seen_small = 1;
    }
    CHECK(seen_small);
    CHECK_RC(rspc_eid_complete("8904903212345", out), RSPC_EEID);
    CHECK_RC(rspc_eid_to_bytes("89049032123451234512345678901235", b), RSPC_OK);
    CHECK(b[0] == 0x89 && b[1] == 0x04 && b[15] == 0x35);
    rspc_eid_from_bytes(b, out);
    CHECK(strcmp(out, "89049032123451234512345678901235") == 0);
}

static void test_tlv(void)
{
    struct rspc_tlv t;
    static const uint8_t a[] = { 0x87, 0x02, 0xAA, 0xBB, 0xCC };
    CHECK_RC(rspc_tlv_parse(a, sizeof(a), &t), RSPC_OK);
    CHECK(t.tag == 0x87 && t.hdr_len == 2 && t.len == 2 && t.total == 4 && t.value == a + 2);
    static const uint8_t b[] = { 0xBF, 0x36, 0x81, 0x01, 0x00 };
    CHECK_RC(rspc_tlv_parse(b, sizeof(b), &t), RSPC_OK);
    CHECK(t.tag == 0xBF36 && t.hdr_len == 4 && t.len == 1);
    static const uint8_t c[] = { 0x5F, 0x49, 0x82, 0x00, 0x01, 0x04 };
    CHECK_RC(rspc_tlv_parse(c, sizeof(c), &t), RSPC_OK);
    CHECK(t.tag == 0x5F49 && t.hdr_len == 5 && t.len == 1);
    static const uint8_t d[] = { 0xBF, 0x81, 0x01, 0x00 };  /* three-byte tag */
    CHECK_RC(rspc_tlv_parse(d, sizeof(d), &t), RSPC_OK);
    CHECK(t.tag == 0xBF8101 && t.len == 0);

    static const uint8_t bad1[] = { 0x87, 0x03, 0xAA, 0xBB };        /* value past the end */
    static const uint8_t bad2[] = { 0x87, 0x80, 0xAA, 0x00, 0x00 };  /* indefinite */
    static const uint8_t bad3[] = { 0xBF, 0x81, 0x81, 0x01, 0x00 };  /* four-byte tag */
    static const uint8_t bad4[] = { 0xBF };                           /* truncated tag */
    static const uint8_t bad5[] = { 0x87, 0x82, 0x01 };               /* truncated length */
    static const uint8_t bad6[] = { 0x87, 0x85, 0, 0, 0, 0, 1 };      /* 5 length bytes */
    static const uint8_t bad7[] = { 0x87, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0 };
    CHECK_RC(rspc_tlv_parse(bad1, sizeof(bad1), &t), RSPC_EINVAL);
    CHECK_RC(rspc_tlv_parse(bad2, sizeof(bad2), &t), RSPC_EINVAL);
    CHECK_RC(rspc_tlv_parse(bad3, sizeof(bad3), &t), RSPC_EINVAL);
    CHECK_RC(rspc_tlv_parse(bad4, sizeof(bad4), &t), RSPC_EINVAL);
    CHECK_RC(rspc_tlv_parse(bad5, sizeof(bad5), &t), RSPC_EINVAL);
    CHECK_RC(rspc_tlv_parse(bad6, sizeof(bad6), &t), RSPC_EINVAL);
    CHECK_RC(rspc_tlv_parse(bad7, sizeof(bad7), &t), RSPC_EINVAL);
    CHECK_RC(rspc_tlv_parse(a, 1, &t), RSPC_EINVAL);

    struct rspc_buf w = { 0 };
    const size_t lens[] = { 0, 0x7F, 0x80, 0xFF, 0x100, 0xFFFF, 0x10000 };
    const uint8_t want[][4] = { { 0x00 }, { 0x7F }, { 0x81, 0x80 }, { 0x81, 0xFF },
                                { 0x82, 0x01, 0x00 }, { 0x82, 0xFF, 0xFF },
                                { 0x83, 0x01, 0x00, 0x00 } };
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        w.len = 0;
        CHECK_RC(rspc_tlv_put_len(&w, lens[i]), RSPC_OK);
        CHECK(w.len == rspc_tlv_len_size(lens[i]));
        CHECK(memcmp(w.data, want[i], w.len) == 0);
    }
    w.len = 0;
    CHECK_RC(rspc_tlv_put(&w, 0xBF25, (const uint8_t *)"ab", 2), RSPC_OK);
    CHECK_MEM(w.data, w.len, "\xBF\x25\x02" "ab", 5);
    CHECK_RC(rspc_tlv_put_tag(&w, 0x1000000), RSPC_EINVAL);
    rspc_buf_free(&w);
}

int main(void)
{
    test_eid();
    test_tlv();
    return t_done("rspcrypto-eid-tlv");
}
