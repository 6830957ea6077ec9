/* SPDX-License-Identifier: MIT */
/* No abort from the asn1c runtime (issue 11 item 3). Linked with a copy of
 * lib/asn1 built WITH assert() (the shipped one has -DNDEBUG), so an assert
 * a value reaches aborts this test:
 *  1. the former asserts of asn1/patches/0012 are each reached through the
 *     runtime's API and must now give a clean error (each aborted before);
 *  2. hostile DER aimed at every assert on the decoding paths, and every
 *     truncation and single-bit flip of valid encodings, decoded as each of
 *     our types and, when accepted, checked and re-encoded: never an abort,
 *     and the crafted inputs are refused. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ANY.h>
#include <AuthenticateServerResponse.h>
#include <BoundProfilePackage.h>
#include <Certificate.h>
#include <EUICCInfo2.h>
#include <EnableProfileRequest.h>
#include <OBJECT_IDENTIFIER.h>
#include <PendingNotification.h>
#include <ProfileInfoListResponse.h>
#include <ProfileInstallationResult.h>
#include <RetrieveNotificationsListResponse.h>
#include <StoreMetadataRequest.h>
#include <VendorSpecificExtension.h>
#include <ber_decoder.h>
#include <constraints.h>
#include <der_encoder.h>

static int failures;
#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: CHECK(%s) failed\n", \
    __FILE__, __LINE__, #c); failures++; } } while (0)

/* Stack bound as in lib/asn1util (the runtime measures from this object). */
#define MAX_STACK 30000

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
    size_t k = 0;
    int hi = -1;
    for (; *s; s++) {
        int v;
        if (*s == ' ')
            continue;
        if (*s >= '0' && *s <= '9') v = *s - '0';
        else if (*s >= 'A' && *s <= 'F') v = *s - 'A' + 10;
        else abort(); /* a typo in this file */
        if (hi < 0) {
            hi = v;
        } else {
            if (k == cap)
                abort();
            out[k++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    if (hi >= 0)
        abort();
    return k;
}

/* The runtime under test really has its asserts: CHOICE_outmost_tag() (no
 * caller in the library) asserts tag_mode == 0; it must abort a child. */
static void test_asserts_are_on(void)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stderr))
            _exit(3);
        PendingNotification_t pn;
        memset(&pn, 0, sizeof pn);
        pn.present = PendingNotification_PR_profileInstallationResult;
        asn_DEF_PendingNotification.outmost_tag(&asn_DEF_PendingNotification, &pn, 1, 0);
        _exit(0);
    }
    int st = 0;
    CHECK(waitpid(pid, &st, 0) == pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
}

/* 0012, ber_decoder.c: IMPLICIT tag on an untagged type (ANY). */
static void test_check_tags_implicit_untagged(void)
{
    asn_codec_ctx_t cctx = { .max_stack_size = MAX_STACK };
    static const uint8_t in[] = { 0x80, 0x01, 0x00 };
    ANY_t *any = NULL;
    asn_dec_rval_t rv = asn_DEF_ANY.ber_decoder(&cctx, &asn_DEF_ANY, (void **)&any,
                                                in, sizeof in, -1);
    CHECK(rv.code == RC_FAIL);
    ASN_STRUCT_FREE(asn_DEF_ANY, any);
}

/* 0012, ber_decoder.c: a negative saved step (tagno < 0 with tag_mode 0). */
static void test_check_tags_negative_step(void)
{
    asn_codec_ctx_t cctx = { .max_stack_size = MAX_STACK };
    uint8_t in[64];
    size_t n = unhex("BF31 11 A0 0C 5A 0A 98 94 47 56 00 00 21 42 51 F8 81 01 FF", in, sizeof in);
    EnableProfileRequest_t *r = calloc(1, sizeof *r);
    CHECK(r != NULL);
    if (!r)
        return;
    r->_asn_ctx.step = -1;
    asn_dec_rval_t rv = ber_decode(&cctx, &asn_DEF_EnableProfileRequest, (void **)&r, in, n);
    CHECK(rv.code == RC_FAIL);
    ASN_STRUCT_FREE(asn_DEF_EnableProfileRequest, r);
}

/* 0012, OCTET_STRING.c phase 3: a negative length left in the context. */
static void test_octet_string_negative_left(void)
{
    asn_codec_ctx_t cctx = { .max_stack_size = MAX_STACK };
    static const uint8_t in[] = { 0x01, 0x02, 0x03 };
    OCTET_STRING_t *os = calloc(1, sizeof *os);
    CHECK(os != NULL);
    if (!os)
        return;
    os->_asn_ctx.phase = 3;
    os->_asn_ctx.left = -1;
    asn_dec_rval_t rv = ber_decode(&cctx, &asn_DEF_OCTET_STRING, (void **)&os, in, sizeof in);
    CHECK(rv.code == RC_FAIL);
    ASN_STRUCT_FREE(asn_DEF_OCTET_STRING, os);
}

static int sink(const void *b, size_t n, void *key)
{
    (void)b;
    *(size_t *)key += n;
    return 0;
}

/* 0012, OCTET_STRING.c: [n] IMPLICIT ANY cannot be encoded. */
static void test_encode_implicit_any(void)
{
    uint8_t v[] = { 0x04, 0x01, 0xAA };
    ANY_t any;
    memset(&any, 0, sizeof any);
    any.buf = v;
    any.size = sizeof v;
    size_t out = 0;
    asn_enc_rval_t er = asn_DEF_ANY.der_encoder(&asn_DEF_ANY, &any, -1,
                                                (ASN_TAG_CLASS_CONTEXT | (1 << 2)), sink, &out);
    CHECK(er.encoded == -1);
    CHECK(out == 0);
}

/* 0012, asn_codecs_prim.c: contents length without contents. */
static void test_encode_primitive_without_buffer(void)
{
    OBJECT_IDENTIFIER_t oid;
    memset(&oid, 0, sizeof oid);
    oid.size = 3;
    uint8_t b[16];
    asn_enc_rval_t er = der_encode_to_buffer(&asn_DEF_OBJECT_IDENTIFIER, &oid, b, sizeof b);
    CHECK(er.encoded == -1);
}

/* 0012, der_encoder.c: an encoder reporting more than it wrote. */
static asn_enc_rval_t lying_encoder(asn_TYPE_descriptor_t *td, void *sptr, int tag_mode,
                                    ber_tlv_tag_t tag, asn_app_consume_bytes_f *cb, void *key)
{
    asn_enc_rval_t er = asn_DEF_OCTET_STRING.der_encoder(td, sptr, tag_mode, tag, cb, key);
    if (er.encoded >= 0)
        er.encoded += 2;
    return er;
}

static void test_encode_to_buffer_length_mismatch(void)
{
    asn_TYPE_descriptor_t liar = asn_DEF_OCTET_STRING;
    liar.der_encoder = lying_encoder;
    uint8_t v[] = { 'a', 'b' };
    OCTET_STRING_t os;
    memset(&os, 0, sizeof os);
    os.buf = v;
    os.size = sizeof v;
    uint8_t b[16];
    asn_enc_rval_t er = der_encode_to_buffer(&liar, &os, b, sizeof b);
    CHECK(er.encoded == -1);
    /* The honest encoder still works on the same value. */
    er = der_encode_to_buffer(&asn_DEF_OCTET_STRING, &os, b, sizeof b);
    CHECK(er.encoded == 4 && memcmp(b, "\x04\x02" "ab", 4) == 0);
}

static asn_TYPE_descriptor_t *const types[] = {
    &asn_DEF_ProfileInfoListResponse, &asn_DEF_EnableProfileRequest,
    &asn_DEF_AuthenticateServerResponse, &asn_DEF_EUICCInfo2,
    &asn_DEF_RetrieveNotificationsListResponse, &asn_DEF_PendingNotification,
    &asn_DEF_ProfileInstallationResult, &asn_DEF_StoreMetadataRequest,
    &asn_DEF_BoundProfilePackage, &asn_DEF_VendorSpecificExtension,
    &asn_DEF_Certificate, &asn_DEF_ANY, &asn_DEF_OCTET_STRING, &asn_DEF_BIT_STRING,
    &asn_DEF_OBJECT_IDENTIFIER,
};
#define N_TYPES (sizeof types / sizeof types[0])

static int encode_cb(const void *b, size_t n, void *key)
{
    (void)b;
    (void)key;
    (void)n;
    return 0;
}

static unsigned long decodes, accepted;

/* Decode as td (the whole input, like esimlpa__der_decode()); if accepted, check constraints and re-encode it (as the
 * library does for values it forwards). Returns the decode result. */
static enum asn_dec_rval_code_e decode_one(asn_TYPE_descriptor_t *td, const uint8_t *in, size_t n)
{
    asn_codec_ctx_t cctx = { .max_stack_size = MAX_STACK };
    void *s = NULL;
    asn_dec_rval_t rv = ber_decode(&cctx, td, &s, in, n);
    decodes++;
    if (rv.code == RC_OK && rv.consumed != n)
        rv.code = RC_FAIL; /* trailing bytes: refused, as by esimlpa__der_decode() */
    if (rv.code == RC_OK) {
        accepted++;
        char err[128];
        size_t errlen = sizeof err;
        (void)asn_check_constraints(td, s, err, &errlen);
        asn_enc_rval_t er = der_encode(td, s, encode_cb, NULL);
        if (er.encoded >= 0) {
            size_t len = (size_t)er.encoded;
            uint8_t *b = malloc(len ? len : 1);
            CHECK(b != NULL);
            if (b) {
                asn_enc_rval_t e2 = der_encode_to_buffer(td, s, b, len);
                CHECK(e2.encoded == er.encoded);
                free(b);
            }
        }
    }
    if (s)
        ASN_STRUCT_FREE(*td, s);
    return rv.code;
}

/* Crafted inputs aimed at the assert sites of the decoding paths: each
 * must be refused (RC_FAIL or RC_WMORE: the library only decodes whole
 * buffers, so "wants more" is a refusal) by the given type. */
static void test_crafted(void)
{
    static const struct { asn_TYPE_descriptor_t *td; const char *hex; const char *what; } c[] = {
        { &asn_DEF_BIT_STRING, "03 05 00", "truncated BIT STRING, only the unused-bits octet" },
        { &asn_DEF_BIT_STRING, "03 02 00", "BIT STRING longer than the input" },
        { &asn_DEF_BIT_STRING, "23 80 03 02 00 FF 00 00", "constructed BIT STRING" },
        { &asn_DEF_OCTET_STRING, "24 80 04 01 AA 00 00", "constructed OCTET STRING" },
        { &asn_DEF_OCTET_STRING, "04 80 AA", "primitive with indefinite length" },
        { &asn_DEF_ANY, "30 80 04 01 AA", "indefinite ANY without its end-of-contents" },
        { &asn_DEF_ANY, "30 80 30 80 00 00", "nested indefinite ANY, one EOC missing" },
        { &asn_DEF_ANY, "30 03 30 80 00 00", "indefinite inside a too short definite" },
        { &asn_DEF_ANY, "30 05 04 05 AA AA AA", "inner length beyond the outer one" },
        { &asn_DEF_ANY, "30 80 04 80", "primitive 80 length inside ANY, no EOC" },
        { &asn_DEF_ANY, "1F", "tag without its end" },
        { &asn_DEF_ANY, "", "nothing" },
        { &asn_DEF_VendorSpecificExtension, "30 80 30 80 00", "EOC cut in half" },
        { &asn_DEF_Certificate, "30 80 30 80 00 00 30 00 03 01 00", "certificate without EOC" },
        { &asn_DEF_EnableProfileRequest, "BF 31 80 A0 80 5A 0A", "indefinite, truncated ICCID" },
        { &asn_DEF_EnableProfileRequest, "BF 31 03 A0 80 00", "indefinite inside definite" },
        { &asn_DEF_PendingNotification, "BF 37 80 00", "PIR with only an EOC start" },
        { &asn_DEF_ProfileInfoListResponse, "BF 2D 05 A0 03 E3 01 5A", "ICCID tag without length" },
        { &asn_DEF_OBJECT_IDENTIFIER, "06 85", "OID length without bytes" },
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        uint8_t in[64];
        size_t n = unhex(c[i].hex, in, sizeof in);
        enum asn_dec_rval_code_e code = decode_one(c[i].td, in, n);
        if (code == RC_OK) {
            fprintf(stderr, "crafted input accepted: %s (%s)\n", c[i].what, c[i].hex);
            failures++;
        }
        /* And as every other type. */
        for (size_t t = 0; t < N_TYPES; t++)
            decode_one(types[t], in, n);
    }
}

/* Valid encodings, mutated: every truncation, every single-bit flip, every
 * byte replaced by 00 / 80 / FF, each decoded as every type. */
static void test_mutations(void)
{
    static const struct { asn_TYPE_descriptor_t *td; const char *hex; } seeds[] = {
        { &asn_DEF_EnableProfileRequest, "BF31 11 A0 0C 5A 0A 98 94 47 56 00 00 21 42 51 F8 81 01 FF" },
        /* ProfileInfo: ICCID, state, nickname, provider, class, BF22 and refArDo (ANY lists) */
        { &asn_DEF_ProfileInfoListResponse,
          "BF2D 30 A0 2E E3 2C 5A 0A 98 94 47 56 00 00 21 42 51 F8 9F70 01 01 90 02 41 42"
          " 91 02 44 45 95 01 02 BF22 03 04 01 CC BF76 08 E2 06 E1 04 C1 02 AA BB" },
        /* SEQUENCE OF ANY with an indefinite-length constructed element */
        { &asn_DEF_VendorSpecificExtension, "30 0E 30 80 04 02 AA BB 00 00 A1 04 80 02 01 02" },
        { &asn_DEF_Certificate, "30 0E 30 03 02 01 05 30 03 06 01 2A 03 02 07 80" },
        { &asn_DEF_ANY, "30 80 30 80 04 01 AA 00 00 A0 80 00 00 00 00" },
        { &asn_DEF_BIT_STRING, "03 03 06 FF C0" },
        { &asn_DEF_OBJECT_IDENTIFIER, "06 08 2B 06 01 04 01 82 37 15" },
    };
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        uint8_t in[128], m[128];
        size_t n = unhex(seeds[i].hex, in, sizeof in);
        if (decode_one(seeds[i].td, in, n) != RC_OK) {
            fprintf(stderr, "seed %zu (%s) does not decode\n", i, seeds[i].td->name);
            failures++;
        }
        for (size_t cut = 0; cut < n; cut++)
            for (size_t t = 0; t < N_TYPES; t++)
                decode_one(types[t], in, cut);
        for (size_t pos = 0; pos < n; pos++) {
            static const uint8_t repl[] = { 0x00, 0x80, 0xFF };
            for (int v = 0; v < 8 + 3; v++) {
                memcpy(m, in, n);
                m[pos] = v < 8 ? (uint8_t)(in[pos] ^ (1u << v)) : repl[v - 8];
                for (size_t t = 0; t < N_TYPES; t++)
                    decode_one(types[t], m, n);
            }
        }
    }
}

int main(int argc, char **argv)
{
    static const struct { const char *name; void (*fn)(void); } tests[] = {
        { "asserts-are-on", test_asserts_are_on },
        { "check-tags-implicit-untagged", test_check_tags_implicit_untagged },
        { "check-tags-negative-step", test_check_tags_negative_step },
        { "octet-string-negative-left", test_octet_string_negative_left },
        { "encode-implicit-any", test_encode_implicit_any },
        { "encode-primitive-without-buffer", test_encode_primitive_without_buffer },
        { "encode-to-buffer-length-mismatch", test_encode_to_buffer_length_mismatch },
        { "crafted", test_crafted },
        { "mutations", test_mutations },
    };
    /* argv[1], if given, runs that one test only. */
    int ran = 0;
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        if (argc > 1 && strcmp(argv[1], tests[i].name) != 0)
            continue;
        tests[i].fn();
        ran++;
    }
    if (!ran) {
        fprintf(stderr, "test_asn1_no_abort: no test named %s\n", argv[1]);
        return 2;
    }
    if (failures) {
        fprintf(stderr, "test_asn1_no_abort: %d failure(s)\n", failures);
        return 1;
    }
    printf("test_asn1_no_abort: ok (%d test(s), %lu decodes, %lu accepted and re-encoded, no abort)\n",
           ran, decodes, accepted);
    return 0;
}
