/* SPDX-License-Identifier: MIT */
/* sim-iso: the card-side ISO 7816-4 layer of the soft eUICC, driven with raw
 * APDUs through the in-process transport. */
#include <stdlib.h>
#include <string.h>

#include <ProfileInfoListResponse.h>

#include "der.h"
#include "state.h"
#include "test_util.h"

static const char *EID_HEX = "89049032123451234512345678901235";

static void test_atr(void)
{
    size_t n;
    const uint8_t *a = softeuicc_atr(&n);
    CHECK(n >= 4);
    CHECK_EQ(a[0], 0x3B);
    CHECK(a[1] & 0x80);                /* TD1 present */
    size_t td1 = 2 + ((a[1] & 0x10) != 0) + ((a[1] & 0x20) != 0) + ((a[1] & 0x40) != 0);
    CHECK_EQ(a[td1] & 0x0F, 0);        /* first offered protocol: T=0 */
    uint8_t x = 0;
    for (size_t i = 1; i < n; i++)
        x ^= a[i];
    CHECK_EQ(x, 0);                    /* TCK */
}

static void test_channels(struct tcard *c)
{
    uint8_t r[260];
    size_t n = 0;
    CHECK_EQ(t_apdu(c, "0070000001", r, &n), 0x9000);
    CHECK_EQ(n, 1);
    CHECK_EQ(r[0], 1);
    for (int i = 2; i < 20; i++) {
        CHECK_EQ(t_apdu(c, "0070000001", r, &n), 0x9000);
        CHECK_EQ(r[0], i);
    }
    CHECK_EQ(t_apdu(c, "0070000001", r, &n), 0x6A81);       /* none free */
    CHECK_EQ(t_apdu(c, "0070800700", NULL, NULL), 0x9000);  /* close 7 */
    CHECK_EQ(t_apdu(c, "0070800700", NULL, NULL), 0x6A88);  /* already closed */
    CHECK_EQ(t_apdu(c, "0370800700", NULL, NULL), 0x6A88);
    CHECK_EQ(t_apdu(c, "0070000001", r, &n), 0x9000);
    CHECK_EQ(r[0], 7);                                      /* reused */
    /* channel 5 is open: CLA 41 works, channel-bearing SELECT */
    CHECK_EQ(t_apdu(c, "41A4040010A0000005591010FFFFFFFF8900000100", r, &n), 0x9000);
    CHECK_EQ(r[0], 0x6F);
    CHECK_EQ(t_apdu(c, "C1E2910006BF3E035C015A", r, &n), 0x9000);
    CHECK_EQ(n, 21);
    /* reset closes everything but the basic channel */
    softeuicc_reset(c->se);
    CHECK_EQ(t_apdu(c, "C1E2910006BF3E035C015A", r, &n), 0x6881);
    CHECK_EQ(t_apdu(c, "0070000001", r, &n), 0x9000);
    CHECK_EQ(r[0], 1);
}

static void test_select_and_errors(struct tcard *c)
{
    uint8_t r[260], eid[16];
    size_t n = 0;
    t_unhex(EID_HEX, eid, sizeof(eid));
    CHECK_EQ(t_apdu(c, "0070000001", r, &n), 0x9000);
    int ch = r[0];
    char buf[80];
    /* STORE DATA before SELECT */
    snprintf(buf, sizeof(buf), "8%dE2910006BF3E035C015A", ch);
    CHECK_EQ(t_apdu(c, buf, r, &n), 0x6985);
    /* unknown AID */
    snprintf(buf, sizeof(buf), "0%dA4040010A0000005591010FFFFFFFF8900000200", ch);
    CHECK_EQ(t_apdu(c, buf, r, &n), 0x6A82);
    snprintf(buf, sizeof(buf), "0%dA4040010A0000005591010FFFFFFFF8900000100", ch);
    CHECK_EQ(t_apdu(c, buf, r, &n), 0x9000);
    size_t vl;
    const uint8_t *aid = t_find(r, n, 0x84, &vl);
    CHECK(aid && vl == 16);
    CHECK(t_find(r, n, 0xE0, &vl) != NULL);
    /* GetEID, single block (sgp22-notes App. A) */
    snprintf(buf, sizeof(buf), "8%dE2910006BF3E035C015A", ch);
    CHECK_EQ(t_apdu(c, buf, r, &n), 0x9000);
    CHECK_EQ(n, 21);
    CHECK(n == 21 && !memcmp(r, "\xBF\x3E\x12\x5A\x10", 5) && !memcmp(r + 5, eid, 16));
    /* case 4 (trailing Le) is accepted too */
    snprintf(buf, sizeof(buf), "8%dE2910006BF3E035C015A00", ch);
    CHECK_EQ(t_apdu(c, buf, r, &n), 0x9000);
    CHECK_EQ(n, 21);
    /* malformed lengths, CLA, INS */
    CHECK_EQ(t_apdu(c, "80E291", r, &n), 0x6700);
    snprintf(buf, sizeof(buf), "8%dE2910007BF3E035C015A", ch);   /* Lc too big */
    CHECK_EQ(t_apdu(c, buf, r, &n), 0x6700);
    CHECK_EQ(t_apdu(c, "FFE2910003BF2E00", r, &n), 0x6E00);
    CHECK_EQ(t_apdu(c, "8CE2910003BF2E00", r, &n), 0x6E00);      /* secure messaging */
    snprintf(buf, sizeof(buf), "0%dE2910003BF2E00", ch);         /* STORE DATA needs CLA 8x */
    CHECK_EQ(t_apdu(c, buf, r, &n), 0x6E00);
    snprintf(buf, sizeof(buf), "8%dCA000000", ch);
    CHECK_EQ(t_apdu(c, buf, r, &n), 0x6D00);
    snprintf(buf, sizeof(buf), "8%dE2220003BF2E00", ch);         /* bad P1 */
    CHECK_EQ(t_apdu(c, buf, r, &n), 0x6A86);
    /* ES10-level: unknown tag, malformed TLV */
    snprintf(buf, sizeof(buf), "8%dE2910003BF7F00", ch);
    CHECK_EQ(t_apdu(c, buf, r, &n), 0x6A88);
    snprintf(buf, sizeof(buf), "8%dE2910004BF3E055C", ch);
    CHECK_EQ(t_apdu(c, buf, r, &n), 0x6A80);
    snprintf(buf, sizeof(buf), "8%dE2910006BF3E035C015B", ch);   /* not the EID tag */
    CHECK_EQ(t_apdu(c, buf, r, &n), 0x6A80);
    /* GET RESPONSE with nothing pending */
    snprintf(buf, sizeof(buf), "8%dC0000000", ch);
    CHECK_EQ(t_apdu(c, buf, r, &n), 0x6985);
    snprintf(buf, sizeof(buf), "0070800%d00", ch);
    CHECK_EQ(t_apdu(c, buf, NULL, NULL), 0x9000);
}

static void test_multiblock(struct tcard *c)
{
    int ch = t_open_isdr(c);
    uint8_t req[16], *out = NULL, r[260], eid[16];
    size_t len = t_unhex("BF3E035C015A", req, sizeof(req)), out_len, n;
    t_unhex(EID_HEX, eid, sizeof(eid));
    /* three blocks of 2 bytes: P1 11, 11, 91 with P2 0, 1, 2 */
    CHECK_EQ(t_es10(c, ch, req, len, 2, &out, &out_len), 0x9000);
    CHECK(out_len == 21 && !memcmp(out + 5, eid, 16));
    free(out);
    /* a block-number gap discards the command */
    uint8_t b0[] = { t_cla(0x80, ch), 0xE2, 0x11, 0x00, 0x02, 0xBF, 0x3E };
    uint8_t b2[] = { t_cla(0x80, ch), 0xE2, 0x91, 0x02, 0x04, 0x03, 0x5C, 0x01, 0x5A };
    uint8_t b1[] = { t_cla(0x80, ch), 0xE2, 0x91, 0x01, 0x04, 0x03, 0x5C, 0x01, 0x5A };
    CHECK_EQ(t_apdu_bin(c, b0, sizeof(b0), r, &n), 0x9000);
    CHECK_EQ(t_apdu_bin(c, b2, sizeof(b2), r, &n), 0x6A86);
    CHECK_EQ(t_apdu_bin(c, b1, sizeof(b1), r, &n), 0x6A86);   /* partial command is gone */
    /* a fresh command at block 0 works again */
    CHECK_EQ(t_apdu_bin(c, b0, sizeof(b0), r, &n), 0x9000);
    CHECK_EQ(t_apdu_bin(c, b1, sizeof(b1), r, &n), 0x9000);
    CHECK_EQ(n, 21);
    /* more than 256 blocks cannot be numbered: 6A84 */
    uint8_t big[5 + 255];
    memset(big, 0x30, sizeof(big));
    big[0] = t_cla(0x80, ch);
    big[1] = 0xE2;
    big[2] = 0x11;
    big[4] = 255;
    unsigned sw = 0;
    for (int i = 0; i < 256; i++) {
        big[3] = (uint8_t)i;
        sw = t_apdu_bin(c, big, sizeof(big), r, &n);
        if (i < 255 && sw != 0x9000)
            break;
    }
    CHECK_EQ(sw, 0x6A84);
}

static void test_get_response(struct tcard *c)
{
    int ch = t_open_isdr(c);
    uint8_t cmd[] = { t_cla(0x80, ch), 0xE2, 0x91, 0x00, 0x03, 0xBF, 0x2D, 0x00 };
    uint8_t r[260];
    size_t n;
    unsigned sw = t_apdu_bin(c, cmd, sizeof(cmd), r, &n);
    CHECK_EQ(sw & 0xFF00, 0x6100);     /* the seed's profile list is > 256 bytes */
    CHECK_EQ(n, 256);
    uint8_t *all = malloc(4096);
    size_t total = n;
    memcpy(all, r, n);
    int rounds = 0;
    while ((sw & 0xFF00) == 0x6100 && rounds++ < 20) {
        /* ask for fewer bytes than offered once, to exercise partial reads */
        uint8_t le = rounds == 1 ? 0x10 : (uint8_t)(sw & 0xFF);
        uint8_t gr[] = { t_cla(0x80, ch), 0xC0, 0x00, 0x00, le };
        sw = t_apdu_bin(c, gr, sizeof(gr), r, &n);
        memcpy(all + total, r, n);
        total += n;
    }
    CHECK_EQ(sw, 0x9000);
    ProfileInfoListResponse_t *resp = NULL;
    CHECK(sim_decode(&asn_DEF_ProfileInfoListResponse, (void **)&resp, all, total) == 0);
    if (resp) {
        CHECK_EQ(resp->present, ProfileInfoListResponse_PR_profileInfoListOk);
        CHECK_EQ(resp->choice.profileInfoListOk.list.count, 3);
        ASN_STRUCT_FREE(asn_DEF_ProfileInfoListResponse, resp);
    }
    free(all);
    /* T=0 style is also served through GET RESPONSE by t_es10 */
    uint8_t *out;
    size_t out_len;
    CHECK_EQ(t_es10_hex(c, ch, "BF2D00", &out, &out_len), 0x9000);
    CHECK_EQ(out_len, total);
    free(out);
}

/* TERMINAL CAPABILITY is answered 9000 (it was 6D00); EnableProfile with
 * refreshFlag TRUE leaves the card refusing STORE DATA (6985) until a reset. */
static void test_terminal_capability_and_refresh(struct tcard *c)
{
    uint8_t r[260];
    size_t n = 0;
    CHECK_EQ(t_apdu(c, "80AA00000AA9088100820101830107", r, &n), 0x9000);
    CHECK_EQ(n, 0);
    CHECK_EQ(t_apdu(c, "80AA00000A0008810082010183010F", r, &n), 0x6A80);
    CHECK_EQ(t_apdu(c, "80AA01000AA9088100820101830107", r, &n), 0x6A86);
    CHECK_EQ(t_apdu(c, "00AA00000AA9088100820101830107", r, &n), 0x6E00);
    int ch = t_open_isdr(c);
    uint8_t *out = NULL;
    size_t out_len = 0;
    /* P2 of the seed (disabled), refreshFlag FF */
    CHECK_EQ(t_es10_hex(c, ch, "BF3111A00C5A0A989444999999990930F18101FF", &out, &out_len),
             0x9000);
    CHECK(out_len == 6 && out[5] == 0);   /* BF3103800100: ok */
    free(out);
    out = NULL;
    CHECK_EQ(t_es10_hex(c, ch, "BF3E035C015A", &out, &out_len), 0x6985);
    free(out);
    out = NULL;
    softeuicc_reset(c->se);
    ch = t_open_isdr(c);
    CHECK_EQ(t_es10_hex(c, ch, "BF3E035C015A", &out, &out_len), 0x9000);
    free(out);
}

int main(int argc, char **argv)
{
    t_setup(argc, argv);
    struct tcard c = { 0 };
    test_atr();
    t_open(&c, "nist");
    test_channels(&c);
    softeuicc_reset(c.se);
    test_select_and_errors(&c);
    softeuicc_reset(c.se);
    test_multiblock(&c);
    softeuicc_reset(c.se);
    test_get_response(&c);
    softeuicc_reset(c.se);
    test_terminal_capability_and_refresh(&c);
    t_close(&c);
    return t_done();
}
