/* SPDX-License-Identifier: MIT */
/* Unit test of lib/asn1util: strict decode, DER encode, BIT STRING named
 * bits (sgp22-notes §9) and OCTET STRING -> C string. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <GetEuiccDataRequest.h>
#include <NotificationEvent.h>

#include "asn1util/asn1util.h"

static int failures;
#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: CHECK(%s) failed\n", \
    __FILE__, __LINE__, #c); failures++; } } while (0)

static void test_decode_strict(void)
{
    static const uint8_t geteid[] = { 0xBF, 0x3E, 0x03, 0x5C, 0x01, 0x5A };
    static const uint8_t trailing[] = { 0xBF, 0x3E, 0x03, 0x5C, 0x01, 0x5A, 0x00 };
    void *p = NULL;
    CHECK(esimlpa__der_decode(&asn_DEF_GetEuiccDataRequest, &p, geteid, sizeof geteid) == 0);
    GetEuiccDataRequest_t *r = p;
    CHECK(r && r->tagList.size == 1 && r->tagList.buf[0] == 0x5A);
    ASN_STRUCT_FREE(asn_DEF_GetEuiccDataRequest, p);

    p = (void *)1;
    CHECK(esimlpa__der_decode(&asn_DEF_GetEuiccDataRequest, &p, trailing, sizeof trailing) == -1);
    CHECK(p == NULL);
    for (size_t n = 0; n < sizeof geteid; n++) {
        p = NULL;
        CHECK(esimlpa__der_decode(&asn_DEF_GetEuiccDataRequest, &p, geteid, n) == -1);
        CHECK(p == NULL);
    }
    CHECK(esimlpa__der_decode(&asn_DEF_GetEuiccDataRequest, NULL, geteid, sizeof geteid) == -1);
}

static void test_encode(void)
{
    GetEuiccDataRequest_t r;
    memset(&r, 0, sizeof r);
    uint8_t tag = 0x5A;
    CHECK(OCTET_STRING_fromBuf(&r.tagList, (const char *)&tag, 1) == 0);
    uint8_t *out = NULL;
    size_t n = 0;
    CHECK(esimlpa__der_encode(&asn_DEF_GetEuiccDataRequest, &r, &out, &n) == 0);
    static const uint8_t want[] = { 0xBF, 0x3E, 0x03, 0x5C, 0x01, 0x5A };
    CHECK(n == sizeof want && out && memcmp(out, want, n) == 0);
    free(out);
    /* Octet1 constraint: two bytes must be refused before encoding. */
    CHECK(OCTET_STRING_fromBuf(&r.tagList, "\x5A\x5A", 2) == 0);
    out = (uint8_t *)1;
    CHECK(esimlpa__der_encode(&asn_DEF_GetEuiccDataRequest, &r, &out, &n) == -1);
    CHECK(out == NULL && n == 0);
    ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_GetEuiccDataRequest, &r);
}

static void test_bits(void)
{
    BIT_STRING_t bs;
    memset(&bs, 0, sizeof bs);
    /* install only: 07 80 (DER-minimal, X.690 §11.2.2) */
    CHECK(esimlpa__bits_set(&bs, 1u << NotificationEvent_notificationInstall, 4) == 0);
    CHECK(bs.size == 1 && bs.buf[0] == 0x80 && bs.bits_unused == 7);
    uint8_t *out = NULL;
    size_t n = 0;
    CHECK(esimlpa__der_encode(&asn_DEF_NotificationEvent, &bs, &out, &n) == 0);
    CHECK(n == 4 && memcmp(out, "\x03\x02\x07\x80", 4) == 0);
    free(out);
    /* delete: 04 10 */
    CHECK(esimlpa__bits_set(&bs, 1u << NotificationEvent_notificationDelete, 4) == 0);
    CHECK(bs.size == 1 && bs.buf[0] == 0x10 && bs.bits_unused == 4);
    /* enable+disable+delete: 04 70 (CMLINK metadata) */
    CHECK(esimlpa__bits_set(&bs, 0xE, 4) == 0);
    CHECK(bs.size == 1 && bs.buf[0] == 0x70 && bs.bits_unused == 4);
    CHECK(esimlpa__bits_get(&bs) == 0xE);
    /* empty: 03 01 00 */
    CHECK(esimlpa__bits_set(&bs, 0, 4) == 0);
    CHECK(bs.size == 0 && bs.bits_unused == 0);
    CHECK(esimlpa__der_encode(&asn_DEF_NotificationEvent, &bs, &out, &n) == 0);
    CHECK(n == 3 && memcmp(out, "\x03\x01\x00", 3) == 0);
    free(out);
    /* bit 9 -> two octets, 6 unused */
    CHECK(esimlpa__bits_set(&bs, (1u << 9) | 1u, 26) == 0);
    CHECK(bs.size == 2 && bs.buf[0] == 0x80 && bs.buf[1] == 0x40 && bs.bits_unused == 6);
    CHECK(esimlpa__bits_get(&bs) == ((1u << 9) | 1u));
    /* bit beyond the declared ones */
    CHECK(esimlpa__bits_set(&bs, 1u << 4, 4) == -1);
    CHECK(esimlpa__bits_set(&bs, 1u << 31, 32) == 0);
    CHECK(bs.size == 4 && bs.buf[3] == 0x01 && bs.bits_unused == 0);
    CHECK(esimlpa__bits_get(&bs) == 1u << 31);
    ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_NotificationEvent, &bs);

    /* euicc-go style 04 80 decodes to install: unused count is ignored */
    void *p = NULL;
    CHECK(esimlpa__der_decode(&asn_DEF_NotificationEvent, &p,
                              (const uint8_t *)"\x03\x02\x04\x80", 4) == 0);
    CHECK(esimlpa__bits_get(p) == 1u);
    ASN_STRUCT_FREE(asn_DEF_NotificationEvent, p);
    CHECK(esimlpa__bits_get(NULL) == 0);
}

static void test_cstr(void)
{
    OCTET_STRING_t os;
    memset(&os, 0, sizeof os);
    char *s = NULL;
    CHECK(OCTET_STRING_fromBuf(&os, "rsp.example.com", -1) == 0);
    CHECK(esimlpa__octets_to_cstr(&os, 255, &s) == 0 && s && strcmp(s, "rsp.example.com") == 0);
    free(s);
    CHECK(esimlpa__octets_to_cstr(&os, 14, &s) == -1 && s == NULL);
    CHECK(esimlpa__octets_to_cstr(&os, 15, &s) == 0);
    free(s);
    CHECK(OCTET_STRING_fromBuf(&os, "a\0b", 3) == 0);
    CHECK(esimlpa__octets_to_cstr(&os, 255, &s) == -1 && s == NULL);
    CHECK(OCTET_STRING_fromBuf(&os, "", 0) == 0);
    CHECK(esimlpa__octets_to_cstr(&os, 0, &s) == 0 && s && s[0] == '\0');
    free(s);
    ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_OCTET_STRING, &os);
    CHECK(esimlpa__octets_to_cstr(NULL, 10, &s) == -1);
}

int main(void)
{
    test_decode_strict();
    test_encode();
    test_bits();
    test_cstr();
    if (failures) {
        fprintf(stderr, "test_asn1util: %d failure(s)\n", failures);
        return 1;
    }
    printf("test_asn1util: ok\n");
    return 0;
}
