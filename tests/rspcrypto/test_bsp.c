/* SPDX-License-Identifier: MIT */
/* Segment protection (sgp22-notes §7.5): the pySim / third-party SM-DP+ vectors, the PPK key
 * switch, round trips, and the error classes (MAC -> security, padding/length -> structure). */
#include <openssl/core_names.h>

#include "rspcrypto.h"
#include "test_util.h"
#include "vectors_ppk.h"

static void mode51_keys(struct rspc_session_keys *k)
{
    size_t n;
    uint8_t *a = t_hex("406D507B448A699E7A36A38494DEBBDE", &n);
    uint8_t *b = t_hex("472F5BFADD97F21D34F3CE9B51B92751", &n);
    uint8_t *c = t_hex("9EC07F5B36A13E12A991D66E294E6242", &n);
    memcpy(k->mcv0, a, 16);
    memcpy(k->s_enc, b, 16);
    memcpy(k->s_mac, c, 16);
    free(a);
    free(b);
    free(c);
}

static const uint8_t PPK_MCV[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
static const uint8_t PPK_ENC[16] = { 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
static const uint8_t PPK_MAC[16] = { 2, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };

/* wrap pt with st, compare with want_hex; then unwrap with rx and compare with pt */
static void vector(struct rspc_bsp *st, struct rspc_bsp *rx, uint8_t tag, const char *pt_hex,
                   const char *want_hex)
{
    size_t pl, wl;
    uint8_t *pt = t_hex(pt_hex, &pl), *want = t_hex(want_hex, &wl);
    struct rspc_buf out = { 0 }, back = { 0 };
    uint8_t got_tag = 0;
    CHECK_RC(rspc_bsp_wrap(st, tag, pt, pl, &out), RSPC_OK);
    CHECK_MEM(out.data, out.len, want, wl);
    CHECK_RC(rspc_bsp_unwrap(rx, want, wl, &got_tag, &back), RSPC_OK);
    CHECK(got_tag == tag);
    CHECK_MEM(back.data, back.len, pt, pl);
    rspc_buf_free(&out);
    rspc_buf_free(&back);
    free(pt);
    free(want);
}

static void test_vectors(void)
{
    struct rspc_session_keys k;
    struct rspc_bsp tx, rx;
    mode51_keys(&k);
    rspc_bsp_init(&tx, &k);
    rspc_bsp_init(&rx, &k);
    /* n=1: 87 over an empty ConfigureISDPRequest */
    vector(&tx, &rx, 0x87, "BF2400", "8718F6FE031E4B9CFE87C8E1E62F3FDE85C49412D7722A6A2D89");
    /* n=2: MAC-only 88 over StoreMetadataRequest */
    vector(&tx, &rx, 0x88,
           "BF252D5A0A98001032547698103214910947534D415F54455354921147534D415F544553545F50524F"
           "46494C45950100",
           "8838BF252D5A0A98001032547698103214910947534D415F54455354921147534D415F544553545F50"
           "524F46494C459501008A62CC9ADBB5CCBC");
    /* n=3: 87 over ReplaceSessionKeysRequest */
    vector(&tx, &rx, 0x87,
           "BF26368010000102030405060708090A0B0C0D0E0F8110010102030405060708090A0B0C0D0E0F8210"
           "020102030405060708090A0B0C0D0E0F",
           "8748A14C800A001992351CD46AD2945654674369701D82B7B46567652BC8FBED234939FC57FBA74801"
           "5525FD6C651E9D3D1330652D42A0CFAD950E912122AF4EC5362D3C0BC535729C40");
    CHECK(tx.n == 4 && rx.n == 4);
    CHECK(memcmp(tx.mcv, rx.mcv, 16) == 0);
    /* switch to the PPK keys: counter back to 1, then two 1007-byte chunks -> 1020-byte 86s */
    rspc_bsp_replace_keys(&tx, PPK_ENC, PPK_MAC, PPK_MCV);
    rspc_bsp_replace_keys(&rx, PPK_ENC, PPK_MAC, PPK_MCV);
    CHECK(tx.n == 1);
    vector(&tx, &rx, 0x86, PPK_PLAIN0, PPK_SEG0);
    vector(&tx, &rx, 0x86, PPK_PLAIN1, PPK_SEG1);
    rspc_bsp_clear(&tx);
    rspc_bsp_clear(&rx);
}

static void test_sizes(void)
{
    struct rspc_session_keys k;
    struct rspc_bsp st;
    struct rspc_buf out = { 0 };
    static uint8_t big[1009];
    mode51_keys(&k);
    rspc_bsp_init(&st, &k);
    CHECK_RC(rspc_bsp_wrap(&st, 0x86, big, 1008, &out), RSPC_EINVAL);
    CHECK_RC(rspc_bsp_wrap(&st, 0x88, big, 1009, &out), RSPC_EINVAL);
    CHECK_RC(rspc_bsp_wrap(&st, 0x85, big, 1, &out), RSPC_EINVAL);
    CHECK(out.len == 0 && st.n == 1);
    CHECK_RC(rspc_bsp_wrap(&st, 0x86, big, 1007, &out), RSPC_OK);
    CHECK(out.len == 1020 && out.data[1] == 0x82 && out.data[2] == 0x03 && out.data[3] == 0xF8);
    out.len = 0;
    CHECK_RC(rspc_bsp_wrap(&st, 0x88, big, 1008, &out), RSPC_OK);
    CHECK(out.len == 1020);
    out.len = 0;
    CHECK_RC(rspc_bsp_wrap(&st, 0x87, big, 16, &out), RSPC_OK);  /* full pad block */
    CHECK(out.len == 2 + 32 + 8 && out.data[1] == 40);
    out.len = 0;
    CHECK_RC(rspc_bsp_wrap(&st, 0x87, NULL, 0, &out), RSPC_OK);  /* empty -> one pad block */
    CHECK(out.len == 2 + 16 + 8);
    out.len = 0;
    CHECK_RC(rspc_bsp_wrap(&st, 0x88, big, 200, &out), RSPC_OK);  /* 81 xx length form */
    CHECK(out.len == 3 + 200 + 8 && out.data[1] == 0x81 && out.data[2] == 208);
    CHECK(st.n == 6);
    rspc_buf_free(&out);
}

/* --- crafting segments independently (own AES/CMAC) for the structure-error cases --------- */
static void aes_ecb1(const uint8_t key[16], const uint8_t in[16], uint8_t out[16])
{
    int n = 0;
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), NULL, key, NULL);
    EVP_CIPHER_CTX_set_padding(c, 0);
    EVP_EncryptUpdate(c, out, &n, in, 16);
    EVP_CIPHER_CTX_free(c);
}

/* T || L || C || MAC8 with C = AES-CBC(ICV(n), body) if encrypt (body a multiple of 16), else body */
static size_t craft(const struct rspc_bsp *st, uint8_t tag, const uint8_t *body, size_t len,
                    int encrypt, uint8_t *out)
{
    uint8_t c[64], ctr[16] = { 0 }, iv[16], mac[16];
    memcpy(c, body, len);
    if (encrypt) {
        ctr[15] = (uint8_t)st->n;
        aes_ecb1(st->s_enc, ctr, iv);
        for (size_t b = 0; b < len; b += 16) {
            for (int i = 0; i < 16; i++)
                c[b + i] ^= b ? c[b - 16 + i] : iv[i];
            aes_ecb1(st->s_enc, c + b, c + b);
        }
    }
    size_t o = 0;
    out[o++] = tag;
    out[o++] = (uint8_t)(len + 8);
    memcpy(out + o, c, len);
    o += len;
    EVP_MAC *m = EVP_MAC_fetch(NULL, "CMAC", NULL);
    EVP_MAC_CTX *mc = EVP_MAC_CTX_new(m);
    OSSL_PARAM p[] = { OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER,
                                                        (char *)"AES-128-CBC", 0),
                       OSSL_PARAM_construct_end() };
    size_t ml = 0;
    EVP_MAC_init(mc, st->s_mac, 16, p);
    EVP_MAC_update(mc, st->mcv, 16);
    EVP_MAC_update(mc, out, o);
    EVP_MAC_final(mc, mac, &ml, 16);
    EVP_MAC_CTX_free(mc);
    EVP_MAC_free(m);
    memcpy(out + o, mac, 8);
    return o + 8;
}

static void test_errors(void)
{
    struct rspc_session_keys k;
    struct rspc_bsp tx, rx;
    struct rspc_buf seg = { 0 }, pt = { 0 };
    uint8_t tag = 0, buf[128];
    mode51_keys(&k);
    rspc_bsp_init(&tx, &k);
    rspc_bsp_init(&rx, &k);

    /* crafting agrees with the library on a valid segment */
    uint8_t good[16] = { 'h', 'e', 'l', 'l', 'o', 0x80 };
    size_t n = craft(&rx, 0x87, good, 16, 1, buf);
    CHECK_RC(rspc_bsp_wrap(&tx, 0x87, good, 5, &seg), RSPC_OK);
    CHECK_MEM(seg.data, seg.len, buf, n);

    /* tampered ciphertext, MAC, tag or length -> security error, state unchanged */
    uint8_t bad[64];
    for (size_t i = 0; i < seg.len; i++) {
        if (i == 1)
            continue;  /* length byte: covered below (structure) */
        memcpy(bad, seg.data, seg.len);
        bad[i] ^= i == 0 ? 0x01 : 0x40;  /* tag 87 -> 86 keeps a valid tag */
        CHECK_RC(rspc_bsp_unwrap(&rx, bad, seg.len, &tag, &pt), RSPC_ESECURITY);
    }
    CHECK(pt.len == 0 && rx.n == 1);
    memcpy(bad, seg.data, seg.len);
    bad[1]--;  /* length no longer matches the input */
    CHECK_RC(rspc_bsp_unwrap(&rx, bad, seg.len, &tag, &pt), RSPC_ESTRUCTURE);
    CHECK_RC(rspc_bsp_unwrap(&rx, seg.data, seg.len - 1, &tag, &pt), RSPC_ESTRUCTURE);
    bad[0] = 0x85;
    bad[1] = seg.data[1];
    CHECK_RC(rspc_bsp_unwrap(&rx, bad, seg.len, &tag, &pt), RSPC_ESTRUCTURE);
    /* the genuine segment still unwraps after the failures */
    CHECK_RC(rspc_bsp_unwrap(&rx, seg.data, seg.len, &tag, &pt), RSPC_OK);
    CHECK_MEM(pt.data, pt.len, "hello", 5);
    CHECK(rx.n == 2 && tx.n == 2);
    pt.len = 0;

    /* valid MAC, bad structure -> structure error */
    static const uint8_t no80[16] = { 0 };
    uint8_t wrong_last[16];
    memset(wrong_last, 0xAA, 16);
    wrong_last[15] = 0x81;
    uint8_t pad_too_long[32] = { 0x80 };  /* 80 then 31 zero bytes: pad longer than a block */
    n = craft(&rx, 0x87, no80, 16, 1, buf);
    CHECK_RC(rspc_bsp_unwrap(&rx, buf, n, &tag, &pt), RSPC_ESTRUCTURE);
    n = craft(&rx, 0x86, wrong_last, 16, 1, buf);
    CHECK_RC(rspc_bsp_unwrap(&rx, buf, n, &tag, &pt), RSPC_ESTRUCTURE);
    n = craft(&rx, 0x86, pad_too_long, 32, 1, buf);
    CHECK_RC(rspc_bsp_unwrap(&rx, buf, n, &tag, &pt), RSPC_ESTRUCTURE);
    uint8_t odd[17] = { 0 };
    n = craft(&rx, 0x87, odd, 17, 0, buf);  /* not a multiple of the block size */
    CHECK_RC(rspc_bsp_unwrap(&rx, buf, n, &tag, &pt), RSPC_ESTRUCTURE);
    n = craft(&rx, 0x87, good, 0, 0, buf);  /* no ciphertext at all */
    CHECK_RC(rspc_bsp_unwrap(&rx, buf, n, &tag, &pt), RSPC_ESTRUCTURE);
    CHECK(pt.len == 0 && rx.n == 2);
    /* a full padding block is fine */
    uint8_t full[32];
    memset(full, 0x55, 16);
    full[16] = 0x80;
    memset(full + 17, 0, 15);
    n = craft(&rx, 0x86, full, 32, 1, buf);
    CHECK_RC(rspc_bsp_unwrap(&rx, buf, n, &tag, &pt), RSPC_OK);
    CHECK(pt.len == 16 && tag == 0x86 && rx.n == 3);
    /* 88 with too short a value */
    uint8_t short88[] = { 0x88, 0x04, 1, 2, 3, 4 };
    CHECK_RC(rspc_bsp_unwrap(&rx, short88, sizeof(short88), &tag, &pt), RSPC_ESTRUCTURE);

    rspc_buf_free(&seg);
    rspc_buf_free(&pt);
}

int main(void)
{
    test_vectors();
    test_sizes();
    test_errors();
    return t_done("rspcrypto-bsp");
}
