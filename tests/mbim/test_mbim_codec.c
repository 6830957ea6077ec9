/* SPDX-License-Identifier: MIT */
/* MBIM codec of the MBIM transport: messages built and parsed back (the
 * bytes mbimcli sends for the same request); short, inconsistent and
 * oversized messages refused with the right reason; fragments reassembled,
 * out-of-sequence fragments refused; the stream reader reassembles split and
 * joined messages; fields outside the information buffer refused. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <esimlpa/error.h>

#include "../../lib/apdu/mbim_internal.h"
#include "../../lib/apdu/qmi_internal.h"

static int fails;
#define CHECK(c) do { if (!(c)) { fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #c); fails++; } } while (0)

static const uint8_t isdr[16] = { 0xA0, 0x00, 0x00, 0x05, 0x59, 0x10, 0x10, 0xFF,
                                  0xFF, 0xFF, 0xFF, 0x89, 0x00, 0x00, 0x01, 0x00 };

/* Open Channel as the transport builds it. */
static void open_channel_info(struct mbim_builder *b, uint32_t p2)
{
    esimlpa__mbim_info_reset(b);
    size_t size = esimlpa__mbim_info_slot(b), off = esimlpa__mbim_info_slot(b);
    esimlpa__mbim_info_u32(b, p2);
    esimlpa__mbim_info_u32(b, 1);
    size_t at = esimlpa__mbim_info_data(b, isdr, sizeof isdr);
    esimlpa__mbim_info_set32(b, size, sizeof isdr);
    esimlpa__mbim_info_set32(b, off, (uint32_t)at);
}

static void test_roundtrip(void)
{
    static struct mbim_builder b;
    uint8_t f[MBIM_MAX_CONTROL];
    struct mbim_msg m;
    /* mbimcli --ms-set-uicc-open-channel="application-id=<ISD-R>,selectp2arg=12,
     * channel-group=1" with transaction id 2 sends exactly these 80 bytes. */
    static const uint8_t want[] = {
        0x03, 0, 0, 0, 0x50, 0, 0, 0, 0x02, 0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0,
        0xc2, 0xf6, 0x58, 0x8e, 0xf0, 0x37, 0x4b, 0xc9, 0x86, 0x65, 0xf4, 0xd4, 0x4b, 0xd0, 0x93, 0x67,
        0x02, 0, 0, 0, 0x01, 0, 0, 0, 0x20, 0, 0, 0,
        0x10, 0, 0, 0, 0x10, 0, 0, 0, 0x0c, 0, 0, 0, 0x01, 0, 0, 0,
        0xA0, 0x00, 0x00, 0x05, 0x59, 0x10, 0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0x89, 0x00, 0x00, 0x01, 0x00 };
    open_channel_info(&b, 0x0C);
    size_t n = esimlpa__mbim_fragment(&b, MBIM_COMMAND_MSG, 2, esimlpa__mbim_uuid_ms_uicc_lla,
                                      MBIM_CID_UICC_OPEN_CHANNEL, MBIM_CMD_SET, 4096, 0, f);
    CHECK(n == sizeof want && memcmp(f, want, sizeof want) == 0);
    CHECK(esimlpa__mbim_fragment(&b, MBIM_COMMAND_MSG, 2, esimlpa__mbim_uuid_ms_uicc_lla,
                                 MBIM_CID_UICC_OPEN_CHANNEL, MBIM_CMD_SET, 4096, 1, f) == 0);
    CHECK(esimlpa__mbim_parse(want, sizeof want, &m) == MBIM_CODEC_OK);
    CHECK(m.type == MBIM_COMMAND_MSG && m.tid == 2 && m.cid == 2 && m.cmd_type_or_status == 1 &&
          m.info_len == 32 && memcmp(m.uuid, esimlpa__mbim_uuid_ms_uicc_lla, 16) == 0);
    const uint8_t *p;
    uint32_t len, v;
    CHECK(esimlpa__mbim_field_bytes(&m, 0, 1, &p, &len) == 0 && len == 16 &&
          memcmp(p, isdr, 16) == 0);
    CHECK(esimlpa__mbim_field_u32(&m, 8, &v) == 0 && v == 0x0C);
    CHECK(esimlpa__mbim_field_u32(&m, 32, &v) == MBIM_CODEC_FIELD);
    CHECK(esimlpa__mbim_field_bytes(&m, 28, 1, &p, &len) == MBIM_CODEC_FIELD);

    /* Open / open done / function error. */
    n = esimlpa__mbim_simple(MBIM_OPEN_MSG, 1, 1, 4096, f);
    static const uint8_t open_want[] = { 1, 0, 0, 0, 16, 0, 0, 0, 1, 0, 0, 0, 0, 0x10, 0, 0 };
    CHECK(n == 16 && memcmp(f, open_want, 16) == 0);
    n = esimlpa__mbim_simple(MBIM_FUNCTION_ERROR_MSG, 9, 1, MBIM_ERR_NOT_OPENED, f);
    CHECK(esimlpa__mbim_parse(f, n, &m) == 0 && m.cmd_type_or_status == 5 && m.tid == 9);
    CHECK(strcmp(esimlpa__mbim_error_name(MBIM_ERR_FRAGMENT_OUT_OF_SEQUENCE),
                 "FragmentOutOfSequence") == 0);
    CHECK(esimlpa__mbim_error_name(99) == NULL);
    CHECK(strcmp(esimlpa__mbim_status_name(MBIM_STATUS_MS_NO_LOGICAL_CHANNELS),
                 "MsNoLogicalChannels") == 0);
    CHECK(esimlpa__mbim_status_name(0x12345) == NULL);
    CHECK(esimlpa__mbim_status_code(MBIM_STATUS_BUSY) == ESIMLPA_EBUSY);
    CHECK(esimlpa__mbim_status_code(MBIM_STATUS_SIM_NOT_INSERTED) == ESIMLPA_ENOCARD);
    CHECK(esimlpa__mbim_status_code(MBIM_STATUS_MS_NO_LOGICAL_CHANNELS) == ESIMLPA_ENOCHANNEL);
    CHECK(esimlpa__mbim_status_code(MBIM_STATUS_MS_SELECT_FAILED) == ESIMLPA_ENOISDR);
    CHECK(esimlpa__mbim_status_code(MBIM_STATUS_NO_DEVICE_SUPPORT) == ESIMLPA_EUNSUPPORTED);
    CHECK(esimlpa__mbim_status_code(MBIM_STATUS_FAILURE) == ESIMLPA_ETRANSPORT);

    /* An information buffer too big for the builder is refused. */
    static uint8_t big[MBIM_MAX_MESSAGE];
    esimlpa__mbim_info_reset(&b);
    esimlpa__mbim_info_data(&b, big, sizeof big - 2);
    esimlpa__mbim_info_u32(&b, 1);
    CHECK(b.overflow);
    CHECK(esimlpa__mbim_fragment(&b, MBIM_COMMAND_MSG, 1, esimlpa__mbim_uuid_ms_uicc_lla, 4, 1,
                                 4096, 0, f) == 0);
}

static void test_malformed(void)
{
    struct mbim_msg m;
    uint8_t f[64];
    size_t n = esimlpa__mbim_simple(MBIM_OPEN_DONE, 1, 1, 0, f);
    CHECK(esimlpa__mbim_parse(f, 11, &m) == MBIM_CODEC_SHORT);
    CHECK(esimlpa__mbim_parse(f, n - 1, &m) == MBIM_CODEC_LENGTH);
    f[4] = 12;   /* an open done without its status */
    CHECK(esimlpa__mbim_parse(f, 12, &m) == MBIM_CODEC_SHORT);
    CHECK(esimlpa__mbim_frame_size(f, 7, 4096) == 0);
    CHECK(esimlpa__mbim_frame_size(f, 8, 4096) == 12);
    f[4] = 4;
    CHECK(esimlpa__mbim_frame_size(f, 8, 4096) == MBIM_CODEC_SHORT);
    mbim_put32(f + 4, 5000);
    CHECK(esimlpa__mbim_frame_size(f, 8, 4096) == MBIM_CODEC_TOO_BIG);

    /* A command done whose information buffer length runs past the message. */
    static struct mbim_builder b;
    uint8_t d[MBIM_MAX_CONTROL];
    esimlpa__mbim_info_reset(&b);
    esimlpa__mbim_info_u32(&b, 0x9000);
    n = esimlpa__mbim_fragment(&b, MBIM_COMMAND_DONE, 3, esimlpa__mbim_uuid_ms_uicc_lla, 4, 0,
                               4096, 0, d);
    CHECK(esimlpa__mbim_parse(d, n, &m) == MBIM_CODEC_OK && m.info_len == 4);
    mbim_put32(d + 44, 8);
    CHECK(esimlpa__mbim_parse(d, n, &m) == MBIM_CODEC_INFO);
    mbim_put32(d + 44, 4);
    mbim_put32(d + 16, 1);   /* current fragment 1 of 1 */
    CHECK(esimlpa__mbim_parse(d, n, &m) == MBIM_CODEC_FRAGMENT);
    mbim_put32(d + 12, 0);   /* zero fragments */
    mbim_put32(d + 16, 0);
    CHECK(esimlpa__mbim_parse(d, n, &m) == MBIM_CODEC_FRAGMENT);
    CHECK(esimlpa__mbim_parse(d, 30, &m) == MBIM_CODEC_LENGTH);
    mbim_put32(d + 4, 30);
    mbim_put32(d + 12, 1);
    CHECK(esimlpa__mbim_parse(d, 30, &m) == MBIM_CODEC_SHORT);
    CHECK(strcmp(esimlpa__mbim_codec_strerror(MBIM_CODEC_FRAGMENT), "bad MBIM fragment") == 0);
}

static void test_fragments(void)
{
    static struct mbim_builder b;
    static struct mbim_reasm r;
    uint8_t f[MBIM_MAX_CONTROL];
    struct mbim_msg m;
    /* 600 bytes of answer in 64-byte transfers: 16 + 44 per fragment. */
    esimlpa__mbim_info_reset(&b);
    uint8_t data[600];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7);
    esimlpa__mbim_info_data(&b, data, sizeof data);
    unsigned count = 0;
    int got = 0;
    size_t n;
    for (uint32_t i = 0; (n = esimlpa__mbim_fragment(&b, MBIM_COMMAND_DONE, 77,
                                                      esimlpa__mbim_uuid_ms_uicc_lla, 4, 0, 64, i,
                                                      f)) > 0; i++) {
        CHECK(n <= 64);
        count++;
        int rc = esimlpa__mbim_reasm_feed(&r, f, n, &m);
        CHECK(rc >= 0);
        if (rc == 1)
            got = 1;
    }
    CHECK(count == 1 + (600 - 16 + 43) / 44);
    CHECK(got && m.info_len == 600 && memcmp(m.info, data, 600) == 0 && m.tid == 77 &&
          m.cid == 4 && memcmp(m.uuid, esimlpa__mbim_uuid_ms_uicc_lla, 16) == 0);

    /* Out of sequence: fragment 2 after 0. */
    uint8_t f0[64], f2[64];
    size_t n0 = esimlpa__mbim_fragment(&b, MBIM_COMMAND_DONE, 78, esimlpa__mbim_uuid_ms_uicc_lla,
                                       4, 0, 64, 0, f0);
    size_t n2 = esimlpa__mbim_fragment(&b, MBIM_COMMAND_DONE, 78, esimlpa__mbim_uuid_ms_uicc_lla,
                                       4, 0, 64, 2, f2);
    CHECK(esimlpa__mbim_reasm_feed(&r, f0, n0, &m) == 0);
    CHECK(esimlpa__mbim_reasm_feed(&r, f2, n2, &m) == MBIM_CODEC_FRAGMENT);
    /* A later fragment without a first one. */
    CHECK(esimlpa__mbim_reasm_feed(&r, f2, n2, &m) == MBIM_CODEC_FRAGMENT);
    /* Another transaction's fragment in the middle. */
    CHECK(esimlpa__mbim_reasm_feed(&r, f0, n0, &m) == 0);
    size_t n1 = esimlpa__mbim_fragment(&b, MBIM_COMMAND_DONE, 79, esimlpa__mbim_uuid_ms_uicc_lla,
                                       4, 0, 64, 1, f2);
    CHECK(esimlpa__mbim_reasm_feed(&r, f2, n1, &m) == MBIM_CODEC_FRAGMENT);
    /* A first fragment declaring more than the reassembly keeps. */
    mbim_put32(f0 + 44, MBIM_MAX_MESSAGE + 4);
    CHECK(esimlpa__mbim_reasm_feed(&r, f0, n0, &m) == MBIM_CODEC_TOO_BIG);
}

static void test_reader(void)
{
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    static struct mbim_reader rd;
    uint8_t a[16], b2[16];
    size_t na = esimlpa__mbim_simple(MBIM_OPEN_DONE, 1, 1, 0, a);
    size_t nb = esimlpa__mbim_simple(MBIM_CLOSE_DONE, 2, 1, 0, b2);
    uint8_t both[32];
    memcpy(both, a, na);
    memcpy(both + na, b2, nb);
    const uint8_t *fr;
    int cerr;
    long long dl = esimlpa__mono_ms() + 2000;
    /* Two joined messages. */
    CHECK(write(sv[1], both, na + nb) == (ssize_t)(na + nb));
    CHECK(esimlpa__mbim_read(sv[0], &rd, &fr, dl, &cerr) == (long)na && memcmp(fr, a, na) == 0);
    CHECK(esimlpa__mbim_read(sv[0], &rd, &fr, dl, &cerr) == (long)nb && memcmp(fr, b2, nb) == 0);
    /* One split in two writes. */
    CHECK(write(sv[1], a, 5) == 5);
    CHECK(write(sv[1], a + 5, na - 5) == (ssize_t)(na - 5));
    CHECK(esimlpa__mbim_read(sv[0], &rd, &fr, dl, &cerr) == (long)na && memcmp(fr, a, na) == 0);
    /* Nothing more: a timeout, not a hang. */
    CHECK(esimlpa__mbim_read(sv[0], &rd, &fr, esimlpa__mono_ms() + 50, &cerr) == ESIMLPA_ETIMEOUT);
    /* Garbage (a length below a header): a clean transport error. */
    uint8_t junk[8] = { 1, 0, 0, 0, 3, 0, 0, 0 };
    CHECK(write(sv[1], junk, sizeof junk) == (ssize_t)sizeof junk);
    CHECK(esimlpa__mbim_read(sv[0], &rd, &fr, dl, &cerr) == ESIMLPA_ETRANSPORT &&
          cerr == MBIM_CODEC_SHORT);
    /* The peer gone: card removed. */
    close(sv[1]);
    CHECK(esimlpa__mbim_read(sv[0], &rd, &fr, dl, &cerr) == ESIMLPA_ECARDREMOVED);
    close(sv[0]);
}

int main(void)
{
    test_roundtrip();
    test_malformed();
    test_fragments();
    test_reader();
    if (fails)
        fprintf(stderr, "%d failures\n", fails);
    else
        printf("mbim codec: all checks passed\n");
    return fails ? 1 : 0;
}
