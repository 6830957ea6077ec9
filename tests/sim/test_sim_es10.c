/* SPDX-License-Identifier: MIT */
/* sim-es10: ES10a/b/c handlers of the soft eUICC: info, addresses, RAT,
 * challenge, profile list and search, enable/disable/delete results,
 * nickname, memory reset. Responses are checked against the asn1c types. */
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <EUICCInfo2.h>
#include <GetRatResponse.h>
#include <ProfileInfoListResponse.h>
#include <ProfileInfo.h>
#include <ProfilePolicyAuthorisationRule.h>
#include <OperatorId.h>

#include "der.h"
#include "state.h"
#include "test_util.h"

static int ch;

/* Run an ES10 command and compare the whole response with expected hex. */
static void expect(struct tcard *c, const char *req, const char *resp_hex, int line)
{
    uint8_t *out = NULL, want[1024];
    size_t out_len = 0, wn = t_unhex(resp_hex, want, sizeof(want));
    unsigned sw = t_es10_hex(c, ch, req, &out, &out_len);
    if (sw != 0x9000 || out_len != wn || memcmp(out, want, wn)) {
        char h[2100];
        se_hex_encode(out, out_len > 1000 ? 1000 : out_len, h);
        fprintf(stderr, "line %d: %s -> %04X %s, expected %s\n", line, req, sw, h, resp_hex);
        t_failures++;
    }
    free(out);
}
#define EXPECT(c, req, resp) expect(c, req, resp, __LINE__)

static ProfileInfoListResponse_t *profiles(struct tcard *c, const char *req)
{
    uint8_t *out;
    size_t n;
    ProfileInfoListResponse_t *r = NULL;
    CHECK_EQ(t_es10_hex(c, ch, req, &out, &n), 0x9000);
    CHECK(sim_decode(&asn_DEF_ProfileInfoListResponse, (void **)&r, out, n) == 0);
    free(out);
    return r;
}

static int count_profiles(struct tcard *c, const char *req)
{
    ProfileInfoListResponse_t *r = profiles(c, req);
    int n = -1;
    if (r && r->present == ProfileInfoListResponse_PR_profileInfoListOk)
        n = r->choice.profileInfoListOk.list.count;
    ASN_STRUCT_FREE(asn_DEF_ProfileInfoListResponse, r);
    return n;
}

/* state of the profile with this ICCID (hex of the 10 coded bytes) */
static long profile_state(struct tcard *c, const char *iccid_hex)
{
    char req[64];
    snprintf(req, sizeof(req), "BF2D12A00C5A0A%s5C029F70", iccid_hex);
    ProfileInfoListResponse_t *r = profiles(c, req);
    long st = -1;
    if (r && r->present == ProfileInfoListResponse_PR_profileInfoListOk &&
        r->choice.profileInfoListOk.list.count == 1) {
        ProfileInfo_t *p = r->choice.profileInfoListOk.list.array[0];
        if (p->profileState && !p->iccid && !p->profileName)   /* only 9F70 was asked for */
            st = *p->profileState;
    }
    ASN_STRUCT_FREE(asn_DEF_ProfileInfoListResponse, r);
    return st;
}

#define P1 "98400923000000000031"   /* 89049032000000000013, enabled in the seed */
#define P2 "989444999999990930F1"
#define P3 "98001032547698103214"   /* test class, ppr2 */

static void test_info(struct tcard *c)
{
    /* CI PKID = SKI of the CI = AKI of the EUM */
    FILE *f = fopen(t_pki("ci_nist.pem"), "r");
    X509 *ci = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    CHECK(ci != NULL);
    char ski[41] = "", req[256];
    if (ci) {
        const ASN1_OCTET_STRING *k = X509_get0_subject_key_id(ci);
        se_hex_encode(ASN1_STRING_get0_data(k), 20, ski);
        X509_free(ci);
    }
    snprintf(req, sizeof(req), "BF2035 8203020300 A9160414%s AA160414%s", ski, ski);
    EXPECT(c, "BF2000", req);
    EXPECT(c, "BF3C00", "BF3C1A 8118 74657374726F6F74736D64732E6578616D706C652E636F6D");

    uint8_t *out;
    size_t n;
    EUICCInfo2_t *i2 = NULL;
    CHECK_EQ(t_es10_hex(c, ch, "BF2200", &out, &n), 0x9000);
    CHECK(sim_decode(&asn_DEF_EUICCInfo2, (void **)&i2, out, n) == 0);
    if (i2) {
        CHECK(i2->svn.size == 3 && !memcmp(i2->svn.buf, "\x02\x03\x00", 3));
        CHECK(i2->sasAcreditationNumber.size == 14 &&
              !memcmp(i2->sasAcreditationNumber.buf, "ESIMLPA-TEST-1", 14));
        CHECK(i2->euiccCategory && *i2->euiccCategory == 1);
        CHECK_EQ(sim_bits_get(i2->forbiddenProfilePolicyRules), 2);
        CHECK_EQ(i2->euiccCiPKIdListForSigning.list.count, 1);
        CHECK(i2->ts102241Version && i2->globalplatformVersion);
        ASN_STRUCT_FREE(asn_DEF_EUICCInfo2, i2);
    }
    /* rspCapability bits 0 and 3 -> 88 02 04 90 (DER-minimal unused bits) */
    size_t vl;
    const uint8_t *rc = t_find(out, n, 0x88, &vl);
    CHECK(rc && vl == 2 && rc[0] == 4 && rc[1] == 0x90);
    free(out);

    GetRatResponse_t *rat = NULL;
    CHECK_EQ(t_es10_hex(c, ch, "BF4300", &out, &n), 0x9000);
    CHECK(sim_decode(&asn_DEF_GetRatResponse, (void **)&rat, out, n) == 0);
    if (rat) {
        CHECK_EQ(rat->rat.list.count, 1);
        if (rat->rat.list.count == 1) {
            CHECK_EQ(sim_bits_get(&rat->rat.list.array[0]->pprIds), 6);
            CHECK_EQ(rat->rat.list.array[0]->allowedOperators.list.count, 1);
        }
        ASN_STRUCT_FREE(asn_DEF_GetRatResponse, rat);
    }
    free(out);

    /* challenge: 16 fresh random bytes each time */
    uint8_t *c1, *c2;
    size_t n1, n2;
    CHECK_EQ(t_es10_hex(c, ch, "BF2E00", &c1, &n1), 0x9000);
    CHECK_EQ(t_es10_hex(c, ch, "BF2E00", &c2, &n2), 0x9000);
    CHECK(n1 == 21 && n2 == 21 && !memcmp(c1, "\xBF\x2E\x12\x80\x10", 5) &&
          memcmp(c1 + 5, c2 + 5, 16));
    free(c1);
    free(c2);
    /* a request with content where none is allowed is malformed */
    CHECK_EQ(t_es10_hex(c, ch, "BF2E03800100", &out, &n), 0x6A80);
    free(out);
}

static void test_addresses(struct tcard *c)
{
    EXPECT(c, "BF3F0D800B6578616D706C652E636F6D", "BF3F03800100");
    EXPECT(c, "BF3C00", "BF3C27 800B6578616D706C652E636F6D "
                        "8118 74657374726F6F74736D64732E6578616D706C652E636F6D");
    /* eUICCMemoryReset resetDefaultSmdpAddress (bit 2) clears it */
    EXPECT(c, "BF3404 82020520", "BF3403800100");
    EXPECT(c, "BF3C00", "BF3C1A 8118 74657374726F6F74736D64732E6578616D706C652E636F6D");
    EXPECT(c, "BF3404 82020520", "BF3403800101");   /* nothingToDelete */
}

static void test_profile_list(struct tcard *c)
{
    CHECK_EQ(count_profiles(c, "BF2D00"), 3);
    CHECK_EQ(count_profiles(c, "BF2D0EA00C5A0A" P1), 1);
    CHECK_EQ(count_profiles(c, "BF2D0EA00C5A0A00000000000000000000"), 0);
    CHECK_EQ(count_profiles(c, "BF2D14A0124F10A0000005591010FFFFFFFF8900001100"), 1);
    CHECK_EQ(count_profiles(c, "BF2D05A003950100"), 1);   /* test class */
    CHECK_EQ(count_profiles(c, "BF2D05A003950102"), 2);   /* operational */
    /* bad criteria -> incorrectInputValues(1) */
    EXPECT(c, "BF2D05A003950107", "BF2D03810101");
    /* tag list: only the ICCID of each profile */
    EXPECT(c, "BF2D035C015A",
           "BF2D2CA02A E30C5A0A" P1 " E30C5A0A989444999999990930F1 E30C5A0A" P3);
    /* nickname and state of the first profile only */
    ProfileInfoListResponse_t *r = profiles(c, "BF2D13A00C5A0A" P1 "5C03909F70");
    if (r && r->choice.profileInfoListOk.list.count == 1) {
        ProfileInfo_t *p = r->choice.profileInfoListOk.list.array[0];
        CHECK(p->profileNickname && p->profileNickname->size == 10);
        CHECK(p->profileState && *p->profileState == 1);
        CHECK(!p->iccid && !p->icon && !p->profileOwner);
    } else {
        CHECK(!"one profile expected");
    }
    ASN_STRUCT_FREE(asn_DEF_ProfileInfoListResponse, r);
    /* all fields of the first profile */
    r = profiles(c, "BF2D0EA00C5A0A" P1);
    if (r && r->choice.profileInfoListOk.list.count == 1) {
        ProfileInfo_t *p = r->choice.profileInfoListOk.list.array[0];
        CHECK(p->icon && p->icon->size == 73 && p->iconType && *p->iconType == 1);
        CHECK(p->profileClass && *p->profileClass == 2);
        CHECK(p->notificationConfigurationInfo &&
              p->notificationConfigurationInfo->list.count == 1);
        CHECK(p->profileOwner && p->profileOwner->gid1 && p->profileOwner->gid1->size == 10);
    } else {
        CHECK(!"one profile expected");
    }
    ASN_STRUCT_FREE(asn_DEF_ProfileInfoListResponse, r);
}

static void test_enable_disable_delete(struct tcard *c)
{
    /* enable unknown / already enabled */
    EXPECT(c, "BF3111A00C5A0A00000000000000000000810100", "BF3103800101");
    EXPECT(c, "BF3111A00C5A0A" P1 "810100", "BF3103800102");
    /* enable P2 by ICCID: P1 is disabled implicitly */
    EXPECT(c, "BF3111A00C5A0A" P2 "810100", "BF3103800100");
    CHECK_EQ(profile_state(c, P1), 0);
    CHECK_EQ(profile_state(c, P2), 1);
    /* delete of an enabled profile -> profileNotInDisabledState(2) */
    EXPECT(c, "BF330C5A0A" P2, "BF3303800102");
    /* disable: not enabled -> 2; enabled -> 0 */
    EXPECT(c, "BF3211A00C5A0A" P1 "810100", "BF3203800102");
    EXPECT(c, "BF3216A0114F0FA0000005591010FFFFFFFF89000011810100", "BF3203800101");
    EXPECT(c, "BF3217A0124F10A0000005591010FFFFFFFF8900001100810100", "BF3203800100");
    CHECK_EQ(profile_state(c, P2), 0);
    /* ppr2 forbids deleting P3 */
    EXPECT(c, "BF330C5A0A" P3, "BF3303800103");
    /* delete P1 by AID */
    EXPECT(c, "BF33124F10A0000005591010FFFFFFFF8900001000", "BF3303800100");
    EXPECT(c, "BF33124F10A0000005591010FFFFFFFF8900001000", "BF3303800101");
    CHECK_EQ(count_profiles(c, "BF2D00"), 2);
    /* missing refreshFlag is malformed */
    uint8_t *out;
    size_t n;
    CHECK_EQ(t_es10_hex(c, ch, "BF310EA00C5A0A" P2, &out, &n), 0x6A80);
    free(out);
}

static void test_nickname(struct tcard *c)
{
    EXPECT(c, "BF2914 5A0A" P3 " 9006 486F6C696461", "BF2903800100");
    EXPECT(c, "BF2914 5A0A00000000000000000000 9006 486F6C696461", "BF2903800101");
    char req[400], nick[2 * 65 + 1];
    memset(nick, 0, sizeof(nick));
    for (int i = 0; i < 65; i++)
        memcpy(nick + 2 * i, "41", 2);
    snprintf(req, sizeof(req), "BF294F5A0A" P3 "9041%s", nick);    /* 65 bytes: too long */
    uint8_t *out;
    size_t n;
    CHECK_EQ(t_es10_hex(c, ch, req, &out, &n), 0x6A80);
    free(out);
    nick[128] = 0;
    snprintf(req, sizeof(req), "BF294E5A0A" P3 "9040%s", nick);    /* 64 bytes: ok */
    EXPECT(c, req, "BF2903800100");
    ProfileInfoListResponse_t *r = profiles(c, "BF2D11A00C5A0A" P3 "5C0190");
    CHECK(r && r->choice.profileInfoListOk.list.count == 1 &&
          r->choice.profileInfoListOk.list.array[0]->profileNickname->size == 64);
    ASN_STRUCT_FREE(asn_DEF_ProfileInfoListResponse, r);
}

static void test_memory_reset(struct tcard *c)
{
    /* deleteFieldLoadedTestProfiles (bit 1) removes the test profile only */
    EXPECT(c, "BF3404 82020640", "BF3403800100");
    CHECK_EQ(count_profiles(c, "BF2D00"), 2);
    EXPECT(c, "BF3404 82020640", "BF3403800101");
    /* deleteOperationalProfiles (bit 0) removes the rest, enabled included */
    EXPECT(c, "BF3404 82020780", "BF3403800100");
    CHECK_EQ(count_profiles(c, "BF2D00"), 0);
    EXPECT(c, "BF2D00", "BF2D02A000");
    EXPECT(c, "BF3404 820205E0", "BF3403800101");
}

int main(int argc, char **argv)
{
    t_setup(argc, argv);
    struct tcard c = { 0 };
    t_open(&c, "nist");
    ch = t_open_isdr(&c);
    test_info(&c);
    test_addresses(&c);
    test_profile_list(&c);
    test_enable_disable_delete(&c);
    test_nickname(&c);
    t_close(&c);
    t_open(&c, "nist");
    ch = t_open_isdr(&c);
    test_memory_reset(&c);
    CHECK_EQ(softeuicc_save_failures(c.se), 0);
    t_close(&c);
    return t_done();
}
