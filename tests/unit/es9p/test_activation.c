/* SPDX-License-Identifier: MIT */
/* Activation codes (notes §2.1: pySim vectors and malformed ones), hashCc
 * (notes §2.2 worked example) and the lenient base64 decoder (pitfall 14). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <esimlpa/activation.h>
#include <esimlpa/error.h>

#include "es9p/base64.h"
#include "es9p/es9p_internal.h"
#include "es9p_check.h"
#include "util/hex.h"

static void ac_ok(const char *text, const char *addr, const char *mid, const char *oid, int cc)
{
    struct esimlpa_activation_code ac;
    char err[160] = "junk";
    CHECK_INT(esimlpa_activation_code_parse_ex(text, &ac, err, sizeof err), ESIMLPA_OK);
    CHECK_STR(err, "");
    CHECK_STR(ac.smdp_address, addr);
    CHECK_STR(ac.matching_id, mid);
    if (oid)
        CHECK_STR(ac.smdp_oid, oid);
    else
        CHECK(ac.smdp_oid == NULL);
    CHECK_INT(ac.cc_required, cc);
    esimlpa_activation_code_clear(&ac);
    CHECK(ac.smdp_address == NULL && ac.matching_id == NULL);
    esimlpa_activation_code_clear(&ac);   /* twice is safe */
}

static void ac_bad(const char *text, const char *field_words)
{
    struct esimlpa_activation_code ac;
    char err[160] = "";
    CHECK_INT(esimlpa_activation_code_parse_ex(text, &ac, err, sizeof err),
              ESIMLPA_EBADACTIVATION);
    CHECK_HAS(err, field_words);
    CHECK(ac.smdp_address == NULL && ac.matching_id == NULL && ac.smdp_oid == NULL);
    CHECK_INT(esimlpa_activation_code_parse(text, &ac), ESIMLPA_EBADACTIVATION);
}

static void test_activation_codes(void)
{
    /* pySim's round-trip vectors, without and with the LPA: prefix. */
    ac_ok("1$SMDP.GSMA.COM$04386-AGYFT-A74Y8-3F815", "SMDP.GSMA.COM",
          "04386-AGYFT-A74Y8-3F815", NULL, 0);
    ac_ok("1$SMDP.GSMA.COM$04386-AGYFT-A74Y8-3F815$$1", "SMDP.GSMA.COM",
          "04386-AGYFT-A74Y8-3F815", NULL, 1);
    ac_ok("1$SMDP.GSMA.COM$04386-AGYFT-A74Y8-3F815$1.3.6.1.4.1.31746$1", "SMDP.GSMA.COM",
          "04386-AGYFT-A74Y8-3F815", "1.3.6.1.4.1.31746", 1);
    ac_ok("1$SMDP.GSMA.COM$04386-AGYFT-A74Y8-3F815$1.3.6.1.4.1.31746", "SMDP.GSMA.COM",
          "04386-AGYFT-A74Y8-3F815", "1.3.6.1.4.1.31746", 0);
    ac_ok("1$SMDP.GSMA.COM$$1.3.6.1.4.1.31746", "SMDP.GSMA.COM", "", "1.3.6.1.4.1.31746", 0);
    ac_ok("LPA:1$SMDP.GSMA.COM$04386-AGYFT-A74Y8-3F815", "SMDP.GSMA.COM",
          "04386-AGYFT-A74Y8-3F815", NULL, 0);
    ac_ok("lpa:1$smdp.example.com$ABC", "smdp.example.com", "ABC", NULL, 0);
    ac_ok("LpA:1$smdp.example.com$ABC$$", "smdp.example.com", "ABC", NULL, 0);
    /* trailing newline / white space, port, empty matching ID */
    ac_ok("LPA:1$testsmdpplus1.example.com:8443$TS48V2-SAIP2-1-BERTLV-UNIQUE\r\n",
          "testsmdpplus1.example.com:8443", "TS48V2-SAIP2-1-BERTLV-UNIQUE", NULL, 0);
    ac_ok("  LPA:1$rsp.example.org$  \n", "rsp.example.org", "", NULL, 0);
    ac_ok("1$rsp.example.org$", "rsp.example.org", "", NULL, 0);
    /* matching ID outside [A-Za-z0-9-] is passed through (pitfall 27) */
    ac_ok("LPA:1$rsp.example.org$a_b.c/d+e=f:g h", "rsp.example.org", "a_b.c/d+e=f:g h", NULL,
          0);
    ac_ok("LPA:1$rsp.example.org$caf\xc3\xa9", "rsp.example.org", "caf\xc3\xa9", NULL, 0);
    ac_ok("LPA:1$127.0.0.1:8000$X", "127.0.0.1:8000", "X", NULL, 0);

    ac_bad("", "empty");
    ac_bad("LPA:", "empty");
    ac_bad("   \n", "empty");
    ac_bad("2$SMDP.GSMA.COM$X", "AC_Format must be 1, got \"2\"");
    ac_bad("LPA:$SMDP.GSMA.COM$X", "AC_Format");
    ac_bad("11$SMDP.GSMA.COM$X", "AC_Format");
    ac_bad("LPA:1", "SM-DP+ address is missing");
    ac_bad("LPA:1$$X", "SM-DP+ address is missing");
    ac_bad("LPA:1$SMDP.GSMA.COM", "matching ID field is missing");
    ac_bad("LPA:1$https://smdp.example.com$X", "SM-DP+ address must not contain a scheme");
    ac_bad("LPA:1$smdp.example.com/path$X", "SM-DP+ address must not contain a path");
    ac_bad("LPA:1$smdp example.com$X", "SM-DP+ address must not contain spaces");
    ac_bad("LPA:1$smdp.example.com:$X", "SM-DP+ address has an invalid port");
    ac_bad("LPA:1$smdp.example.com:99999$X", "SM-DP+ address has a port out of range");
    ac_bad("LPA:1$smdp.example.com:12a$X", "SM-DP+ address has an invalid port");
    ac_bad("LPA:1$smdp..example.com$X", "SM-DP+ address has an empty host name label");
    ac_bad("LPA:1$smdp.example.com.$X", "SM-DP+ address has an empty host name label");
    ac_bad("LPA:1$-smdp.example.com$X", "SM-DP+ address has a host name label starting");
    ac_bad("LPA:1$smdp.ex@mple.com$X", "SM-DP+ address has an invalid character '@'");
    ac_bad("LPA:1$smdp.example.com$A\tB", "matching ID contains a control character (0x09)");
    ac_bad("LPA:1$smdp.example.com$A\x7f", "matching ID contains a control character");
    ac_bad("LPA:1$smdp.example.com$X$1.3.a$1", "SM-DP+ OID");
    ac_bad("LPA:1$smdp.example.com$X$1..3$", "SM-DP+ OID");
    ac_bad("LPA:1$smdp.example.com$X$1$", "SM-DP+ OID");
    ac_bad("LPA:1$smdp.example.com$X$$0", "confirmation code required flag");
    ac_bad("LPA:1$smdp.example.com$X$$yes", "confirmation code required flag");
    ac_bad("LPA:1$smdp.example.com$X$1.2.3$1$extra", "more than 5");
    ac_bad("LPA:1$smdp.example.com$X$$$", "more than 5");

    /* overly long inputs */
    char big[ESIMLPA_AC_MAX_LEN + 16];
    memset(big, 'A', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    memcpy(big, "LPA:1$a.b$", 10);
    ac_bad(big, "longer than");
    char mid[400];
    strcpy(mid, "1$a.b$");
    memset(mid + 6, 'M', 300);
    mid[306] = '\0';
    ac_bad(mid, "matching ID is longer than");
    char host[400];
    strcpy(host, "1$");
    memset(host + 2, 'h', 70);
    strcpy(host + 72, ".com$X");
    ac_bad(host, "label longer than 63");

    /* NULL handling and a small error buffer */
    struct esimlpa_activation_code ac;
    char err[8];
    CHECK_INT(esimlpa_activation_code_parse(NULL, &ac), ESIMLPA_EINVAL);
    CHECK_INT(esimlpa_activation_code_parse("1$a.b$c", NULL), ESIMLPA_EINVAL);
    CHECK_INT(esimlpa_activation_code_parse_ex("9$a.b$c", &ac, err, sizeof err),
              ESIMLPA_EBADACTIVATION);
    CHECK(strlen(err) == sizeof err - 1);
    esimlpa_activation_code_clear(NULL);
}

static void test_hash_cc(void)
{
    uint8_t tid[16], want[32], got[32];
    size_t n = 0;
    CHECK_INT(esimlpa__hex_decode("0123456789ABCDEF0123456789ABCDEF", tid, sizeof tid, &n), 0);
    CHECK_INT(n, 16);
    CHECK_INT(esimlpa__hex_decode(
                  "A1370440A38BA522A1518B10200EC765DA6A7B2E5AFD2A696DE8592FD4A0928F", want,
                  sizeof want, &n), 0);
    CHECK_INT(esimlpa_hash_cc("12345678", tid, 16, got), ESIMLPA_OK);
    CHECK(memcmp(got, want, 32) == 0);
    /* a different transactionId length changes the hash */
    CHECK_INT(esimlpa_hash_cc("12345678", tid, 8, got), ESIMLPA_OK);
    CHECK(memcmp(got, want, 32) != 0);
    CHECK_INT(esimlpa_hash_cc("", tid, 16, got), ESIMLPA_EINVAL);
    CHECK_INT(esimlpa_hash_cc(NULL, tid, 16, got), ESIMLPA_EINVAL);
    CHECK_INT(esimlpa_hash_cc("1", tid, 0, got), ESIMLPA_EINVAL);
    CHECK_INT(esimlpa_hash_cc("1", tid, 17, got), ESIMLPA_EINVAL);
    CHECK_INT(esimlpa_hash_cc("1", NULL, 16, got), ESIMLPA_EINVAL);
    CHECK_INT(esimlpa_hash_cc("1", tid, 16, NULL), ESIMLPA_EINVAL);
}

static void b64_ok(const char *in, const char *want, size_t want_len)
{
    uint8_t *out = (uint8_t *)"x";
    size_t len = 99;
    CHECK_INT(esimlpa__b64_decode(in, strlen(in), 1024, &out, &len), ESIMLPA_OK);
    CHECK_INT(len, want_len);
    CHECK(out != NULL && memcmp(out, want, want_len) == 0);
    free(out);
}

static void b64_bad(const char *in, int want_rc)
{
    uint8_t *out = (uint8_t *)"x";
    size_t len = 99;
    CHECK_INT(esimlpa__b64_decode(in, strlen(in), 1024, &out, &len), want_rc);
    CHECK(out == NULL && len == 0);
}

static void test_base64(void)
{
    /* RFC 4648 §10 vectors, both ways. */
    static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *const enc[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=",
                                      "Zm9vYmFy"};
    for (size_t i = 0; i < 7; i++) {
        char *e = esimlpa__b64_encode((const uint8_t *)plain[i], strlen(plain[i]));
        CHECK_STR(e, enc[i]);
        free(e);
        b64_ok(enc[i], plain[i], strlen(plain[i]));
    }
    /* all byte values round-trip */
    uint8_t all[256];
    for (int i = 0; i < 256; i++)
        all[i] = (uint8_t)i;
    char *e = esimlpa__b64_encode(all, sizeof all);
    CHECK(e && strlen(e) == 344 && !strchr(e, '\n'));
    b64_ok(e, (const char *)all, sizeof all);
    free(e);
    /* lenient input: line breaks, blanks, missing padding */
    b64_ok("Zm9v\nYmFy\r\n", "foobar", 6);
    b64_ok(" Zm9v\tYg== \n", "foob", 4);
    b64_ok("Zm9vYg", "foob", 4);
    b64_ok("Zm9vYmE", "fooba", 5);
    b64_ok("Zm9vYg=\n=", "foob", 4);
    /* garbage rejected */
    b64_bad("Zm9v!mFy", ESIMLPA_EDECODE);
    b64_bad("Zm9v-_Fy", ESIMLPA_EDECODE);    /* URL-safe alphabet is not accepted */
    b64_bad("Zm9vY", ESIMLPA_EDECODE);       /* 1 leftover character */
    b64_bad("Zm9v=YmFy", ESIMLPA_EDECODE);   /* data after padding */
    b64_bad("Zm9vYg===", ESIMLPA_EDECODE);
    b64_bad("Zm9vYmFy====", ESIMLPA_EDECODE);
    b64_bad("Zm9vYmE==", ESIMLPA_EDECODE);   /* wrong amount of padding */
    b64_bad("Zm9v\x01", ESIMLPA_EDECODE);
    /* length cap */
    uint8_t *out = NULL;
    size_t len = 0;
    CHECK_INT(esimlpa__b64_decode("Zm9vYmFy", 8, 5, &out, &len), ESIMLPA_ETOOBIG);
    CHECK(out == NULL);
    CHECK_INT(esimlpa__b64_decode("Zm9vYmFy", 8, 6, &out, &len), ESIMLPA_OK);
    CHECK_INT(len, 6);
    free(out);
}

static void test_address_check(void)
{
    char why[96];
    CHECK_INT(esimlpa__es9p_address_check("a.example.com", 13, why, sizeof why), 0);
    CHECK_STR(why, "");
    CHECK_INT(esimlpa__es9p_address_check("a.example.com:443", 17, why, sizeof why), 0);
    CHECK_INT(esimlpa__es9p_address_check("a.b/c", 5, why, sizeof why), -1);
    CHECK_HAS(why, "path");
    CHECK_INT(esimlpa__es9p_address_check("a.b?x", 5, why, sizeof why), -1);
    CHECK_HAS(why, "invalid character '?'");
    CHECK_INT(esimlpa__es9p_address_check("a.b\n", 4, why, sizeof why), -1);
    CHECK_HAS(why, "0x0A");
    CHECK_INT(esimlpa__es9p_address_check("", 0, why, sizeof why), -1);
    CHECK_HAS(why, "empty");
}

int main(void)
{
    test_activation_codes();
    test_hash_cc();
    test_base64();
    test_address_check();
    CHECK_DONE();
}
