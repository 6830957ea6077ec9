/* SPDX-License-Identifier: MIT */
/* Internal helpers: hex, swapped BCD, EID, VersionType, PLMN. */
#include <stdlib.h>
#include <string.h>

#include <esimlpa/esimlpa.h>

#include "check.h"
#include "util/util_internal.h"

static void test_hex(void)
{
    uint8_t b[4];
    size_t n = 0;
    char s[9];
    CHECK_INT(esimlpa__hex_decode("BF2e00", b, sizeof b, &n), ESIMLPA_OK);
    CHECK_INT(n, 3);
    CHECK(b[0] == 0xBF && b[1] == 0x2E && b[2] == 0x00);
    CHECK_INT(esimlpa__hex_decode("BF2", b, sizeof b, &n), ESIMLPA_EINVAL);
    CHECK_INT(esimlpa__hex_decode("BG", b, sizeof b, &n), ESIMLPA_EINVAL);
    CHECK_INT(esimlpa__hex_decode("0102030405", b, sizeof b, &n), ESIMLPA_ETOOLONG);
    CHECK_INT(esimlpa__hex_decode("", b, sizeof b, &n), ESIMLPA_OK);
    CHECK_INT(n, 0);
    CHECK_INT(esimlpa__hex_encode(b, 3, s, sizeof s), ESIMLPA_OK);
    CHECK_STR(s, "BF2E00");
    CHECK_INT(esimlpa__hex_encode(b, 4, s, 8), ESIMLPA_ETOOLONG);
    CHECK_STR(s, "");
    char *a = esimlpa__hex_alloc((const uint8_t *)"\x90\x00", 2);
    CHECK_STR(a, "9000");
    free(a);
    CHECK_INT(esimlpa__hex_nibble('f'), 15);
    CHECK_INT(esimlpa__hex_nibble('x'), -1);
}

static void test_bcd(void)
{
    /* IMEI-style: 15 digits into 8 bytes. */
    uint8_t b[8];
    char s[17];
    CHECK_INT(esimlpa__bcd_swapped_encode("358240051111110", b, sizeof b), ESIMLPA_OK);
    static const uint8_t want[8] = { 0x53, 0x28, 0x04, 0x50, 0x11, 0x11, 0x11, 0xF0 };
    CHECK(memcmp(b, want, 8) == 0);
    CHECK_INT(esimlpa__bcd_swapped_decode(b, sizeof b, s, sizeof s), ESIMLPA_OK);
    CHECK_STR(s, "358240051111110");
    CHECK_INT(esimlpa__bcd_swapped_encode("12345678901234567", b, sizeof b), ESIMLPA_EINVAL);
    CHECK_INT(esimlpa__bcd_swapped_encode("12a", b, sizeof b), ESIMLPA_EINVAL);
    CHECK_INT(esimlpa__bcd_swapped_decode(b, sizeof b, s, 16), ESIMLPA_ETOOLONG);
}

static void test_eid(void)
{
    static const uint8_t eid[16] = { 0x89, 0x04, 0x90, 0x44, 0x90, 0x00, 0x00, 0x00,
                                     0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x23, 0x55 };
    char s[ESIMLPA_EID_LEN + 1];
    CHECK_INT(esimlpa__eid_from_bytes(eid, sizeof eid, s), ESIMLPA_OK);
    CHECK_STR(s, "89049044900000000000000000102355");
    CHECK(esimlpa__eid_check_digits_ok(s));
    CHECK(!esimlpa__eid_check_digits_ok("89049044900000000000000000102356"));
    CHECK(!esimlpa__eid_check_digits_ok("8904904490000000000000000010235"));

    uint8_t bad[16];
    memcpy(bad, eid, 16);
    bad[5] = 0x0A;
    CHECK_INT(esimlpa__eid_from_bytes(bad, sizeof bad, s), ESIMLPA_EDECODE);
    CHECK_STR(s, "");
    bad[5] = 0xF0;
    CHECK_INT(esimlpa__eid_from_bytes(bad, sizeof bad, s), ESIMLPA_EDECODE);
    CHECK_INT(esimlpa__eid_from_bytes(eid, 15, s), ESIMLPA_EDECODE);
    CHECK_INT(esimlpa__eid_from_bytes(eid, 17, s), ESIMLPA_EDECODE);
}

static void test_version_plmn(void)
{
    struct esimlpa_version3 v;
    CHECK_INT(esimlpa__version3((const uint8_t *)"\x02\x03\x01", 3, &v), ESIMLPA_OK);
    CHECK(v.major == 2 && v.minor == 3 && v.revision == 1);
    CHECK_INT(esimlpa__version3((const uint8_t *)"\x02\x03", 2, &v), ESIMLPA_EDECODE);
    CHECK_INT(esimlpa__version3((const uint8_t *)"\x02\x03\x00\x00", 4, &v), ESIMLPA_EDECODE);

    char p[7];
    CHECK_INT(esimlpa__plmn_decode((const uint8_t *)"\x54\xF4\x21", 3, p), ESIMLPA_OK);
    CHECK_STR(p, "45412");
    CHECK_INT(esimlpa__plmn_decode((const uint8_t *)"\x13\x00\x14", 3, p), ESIMLPA_OK);
    CHECK_STR(p, "310410");
    CHECK_INT(esimlpa__plmn_decode((const uint8_t *)"\x1A\x00\x14", 3, p), ESIMLPA_EDECODE);
    CHECK_INT(esimlpa__plmn_decode((const uint8_t *)"\x13\x00", 2, p), ESIMLPA_EDECODE);
}

int main(void)
{
    test_hex();
    test_bcd();
    test_eid();
    test_version_plmn();
    return check_report("test_codings");
}
