/* SPDX-License-Identifier: MIT */
/* ICCID <-> EF.ICCID coding, vectors from SGP.22 notes §10.5. */
#include <stdint.h>
#include <string.h>

#include <esimlpa/esimlpa.h>

#include "check.h"
#include "util/util_internal.h"

static void hex(const char *h, uint8_t *out)
{
    size_t n = 0;
    if (esimlpa__hex_decode(h, out, 10, &n) != 0 || n != 10)
        memset(out, 0xEE, 10);
}

static void encode_ok(const char *iccid, const char *want_hex)
{
    uint8_t got[10], want[10];
    hex(want_hex, want);
    memset(got, 0, sizeof got);
    CHECK_INT(esimlpa_iccid_encode(iccid, got), ESIMLPA_OK);
    CHECK(memcmp(got, want, 10) == 0);
}

static void decode_ok(const char *in_hex, const char *want)
{
    uint8_t in[10];
    char out[ESIMLPA_ICCID_MAX + 1];
    hex(in_hex, in);
    CHECK_INT(esimlpa_iccid_decode(in, sizeof in, out), ESIMLPA_OK);
    CHECK_STR(out, want);
}

static void decode_bad(const char *in_hex, size_t len)
{
    uint8_t in[10];
    char out[ESIMLPA_ICCID_MAX + 1] = "junk";
    hex(in_hex, in);
    CHECK_INT(esimlpa_iccid_decode(in, len, out), ESIMLPA_EBADICCID);
    CHECK_STR(out, "");
}

int main(void)
{
    /* 20 digits (the pySim vector) and 19 digits with F padding. */
    encode_ok("89000123456789012341", "98001032547698103214");
    encode_ok("8949449999999990031", "989444999999990930F1");
    encode_ok("8949449999999990031F", "989444999999990930F1");
    encode_ok("8949449999999990031f", "989444999999990930F1");
    encode_ok("894944999999999003", "989444999999990930FF");
    encode_ok("00000000000000000000", "00000000000000000000");
    decode_ok("98001032547698103214", "89000123456789012341");
    decode_ok("989444999999990930F1", "8949449999999990031");
    decode_ok("989444999999990930FF", "894944999999999003");

    /* Malformed input to encode: letters, 17 and 21 digits, F inside, empty. */
    uint8_t out[10];
    CHECK_INT(esimlpa_iccid_encode("8900012345678901234A", out), ESIMLPA_EBADICCID);
    CHECK_INT(esimlpa_iccid_encode("89000123456789012", out), ESIMLPA_EBADICCID);
    CHECK_INT(esimlpa_iccid_encode("890001234567890123412", out), ESIMLPA_EBADICCID);
    CHECK_INT(esimlpa_iccid_encode("8900012345F789012341", out), ESIMLPA_EBADICCID);
    CHECK_INT(esimlpa_iccid_encode("89000123456789012 41", out), ESIMLPA_EBADICCID);
    CHECK_INT(esimlpa_iccid_encode("", out), ESIMLPA_EBADICCID);
    CHECK_INT(esimlpa_iccid_encode("F", out), ESIMLPA_EBADICCID);
    CHECK_INT(esimlpa_iccid_encode(NULL, out), ESIMLPA_EINVAL);
    CHECK_INT(esimlpa_iccid_encode("89000123456789012341", NULL), ESIMLPA_EINVAL);

    /* Malformed codings: F in the middle, A nibble, too short, wrong length. */
    decode_bad("98F01032547698103214", 10);
    decode_bad("980010325476981032A4", 10);
    decode_bad("9800103254769810FFFF", 10);   /* 16 digits */
    decode_bad("98001032547698103214", 9);
    decode_bad("FFFFFFFFFFFFFFFFFFFF", 10);
    char s[ESIMLPA_ICCID_MAX + 1];
    CHECK_INT(esimlpa_iccid_decode(NULL, 10, s), ESIMLPA_EINVAL);

    /* Round trip of every length 18..20. */
    const char *rt[] = { "123456789012345678", "1234567890123456789", "12345678901234567890" };
    for (size_t i = 0; i < 3; i++) {
        uint8_t b[10];
        char back[ESIMLPA_ICCID_MAX + 1];
        CHECK_INT(esimlpa_iccid_encode(rt[i], b), ESIMLPA_OK);
        CHECK_INT(esimlpa_iccid_decode(b, 10, back), ESIMLPA_OK);
        CHECK_STR(back, rt[i]);
    }
    return check_report("test_iccid");
}
