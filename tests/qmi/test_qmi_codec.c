/* SPDX-License-Identifier: MIT */
/* QMUX codec of the QMI transport: frames built and parsed back; short,
 * truncated, oversized and inconsistent frames refused with the right
 * reason; the stream reader reassembles split and joined frames and drops
 * garbage with a clean error. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <esimlpa/error.h>

#include "../../lib/apdu/qmi_internal.h"

static int fails;
#define CHECK(c) do { if (!(c)) { fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #c); fails++; } } while (0)

static void test_roundtrip(void)
{
    struct qmi_builder b;
    struct qmi_msg m;
    const uint8_t *v;
    size_t n;
    uint16_t qe;
    /* CTL: one-byte transaction id. */
    esimlpa__qmi_begin(&b, 0, QMI_SVC_CTL, 0, 0, 7, QMI_CTL_ALLOCATE_CID);
    esimlpa__qmi_add_u8(&b, 0x01, QMI_SVC_UIM);
    CHECK(esimlpa__qmi_finish(&b) == QMI_CODEC_OK);
    static const uint8_t want[] = { 0x01, 0x0F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x22, 0x00,
                                    0x04, 0x00, 0x01, 0x01, 0x00, 0x0B };
    CHECK(b.len == sizeof want && memcmp(b.buf, want, sizeof want) == 0);
    CHECK(esimlpa__qmi_parse(b.buf, b.len, &m) == QMI_CODEC_OK);
    CHECK(m.service == 0 && m.txn == 7 && m.msg_id == 0x22);
    CHECK(esimlpa__qmi_tlv(&m, 0x01, &v, &n) == 0 && n == 1 && v[0] == 0x0B);
    CHECK(esimlpa__qmi_tlv(&m, 0x02, &v, &n) == -1);
    CHECK(esimlpa__qmi_result(&m, &qe) == -1);
    CHECK(esimlpa__qmi_frame_size(b.buf, 2) == 0);
    CHECK(esimlpa__qmi_frame_size(b.buf, b.len) == (long)b.len);

    /* A service: two-byte transaction id, a failure result. */
    esimlpa__qmi_begin(&b, QMI_QMUX_FROM_MODEM, QMI_SVC_UIM, 3, QMI_SVC_RESPONSE, 0x1234,
                       QMI_UIM_OPEN_LOGICAL_CHANNEL);
    esimlpa__qmi_add_result(&b, QMI_ERR_ACCESS_DENIED);
    CHECK(esimlpa__qmi_finish(&b) == QMI_CODEC_OK);
    CHECK(esimlpa__qmi_parse(b.buf, b.len, &m) == QMI_CODEC_OK);
    CHECK(m.qmux_flags == 0x80 && m.client == 3 && m.flags == 2 && m.txn == 0x1234 &&
          m.msg_id == 0x42);
    CHECK(esimlpa__qmi_result(&m, &qe) == 1 && qe == 82);
    CHECK(strcmp(esimlpa__qmi_error_name(qe), "AccessDenied") == 0);
    CHECK(esimlpa__qmi_error_name(9999) == NULL);
    CHECK(esimlpa__qmi_error_code(QMI_ERR_DEVICE_IN_USE) == ESIMLPA_EBUSY);
    CHECK(esimlpa__qmi_error_code(QMI_ERR_UIM_UNINITIALIZED) == ESIMLPA_ENOCARD);

    /* A TLV that does not fit is refused by finish. */
    static uint8_t big[QMI_MAX_FRAME];
    esimlpa__qmi_begin(&b, 0, QMI_SVC_UIM, 1, 0, 1, QMI_UIM_SEND_APDU);
    esimlpa__qmi_add_tlv(&b, 0x02, big, sizeof big);
    CHECK(esimlpa__qmi_finish(&b) == QMI_CODEC_TOO_BIG);
}

static void test_malformed(void)
{
    struct qmi_msg m;
    struct qmi_builder b;
    esimlpa__qmi_begin(&b, 0x80, QMI_SVC_UIM, 1, 2, 9, QMI_UIM_SEND_APDU);
    static const uint8_t apdu[] = { 0x04, 0x00, 0x90, 0x00, 0x00, 0x00 };
    esimlpa__qmi_add_tlv(&b, 0x10, apdu, sizeof apdu);
    CHECK(esimlpa__qmi_finish(&b) == QMI_CODEC_OK);
    uint8_t f[64];
    memcpy(f, b.buf, b.len);
    size_t len = b.len;

    CHECK(esimlpa__qmi_parse(NULL, 0, &m) == QMI_CODEC_SHORT);
    for (size_t cut = 0; cut < len; cut++)   /* every truncation */
        CHECK(esimlpa__qmi_parse(f, cut, &m) != QMI_CODEC_OK);
    f[0] = 0x02;
    CHECK(esimlpa__qmi_parse(f, len, &m) == QMI_CODEC_MARKER);
    CHECK(esimlpa__qmi_frame_size(f, len) == QMI_CODEC_MARKER);
    f[0] = 0x01;
    f[1]++;   /* QMUX length one too many */
    CHECK(esimlpa__qmi_parse(f, len, &m) == QMI_CODEC_LENGTH);
    f[1]--;
    f[11]++;  /* message length disagrees */
    CHECK(esimlpa__qmi_parse(f, len, &m) == QMI_CODEC_MSG_LENGTH);
    f[11]--;
    f[14] = 0x40;  /* TLV length runs past the end */
    CHECK(esimlpa__qmi_parse(f, len, &m) == QMI_CODEC_TLV);
    f[14] = (uint8_t)sizeof apdu;
    CHECK(esimlpa__qmi_parse(f, len, &m) == QMI_CODEC_OK);
    /* A message too short for its service header (CTL 6 bytes, others 7). */
    static const uint8_t tiny[] = { 0x01, 0x0B, 0x00, 0x80, 0x0B, 0x01, 0x02, 0x01, 0x00, 0x3B, 0x00, 0x00 };
    CHECK(esimlpa__qmi_parse(tiny, sizeof tiny, &m) == QMI_CODEC_SHORT);
    /* Oversized: the length field says 65535. */
    static const uint8_t huge[] = { 0x01, 0xFF, 0xFF, 0x80, 0x0B };
    CHECK(esimlpa__qmi_frame_size(huge, sizeof huge) == QMI_CODEC_TOO_BIG);
    static const uint8_t undersized[] = { 0x01, 0x03, 0x00, 0x80 };
    CHECK(esimlpa__qmi_frame_size(undersized, sizeof undersized) == QMI_CODEC_SHORT);
    for (int e = 0; e >= -7; e--)
        CHECK(esimlpa__qmi_codec_strerror(e)[0] != '\0');
}

/* The stream reader over a socketpair: frames split byte by byte and joined
 * two in one write come out whole; garbage gives ESIMLPA_ETRANSPORT with the
 * reason; a closed peer gives ESIMLPA_ECARDREMOVED; silence a timeout. */
static void test_reader(void)
{
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    struct qmi_builder b;
    esimlpa__qmi_begin(&b, 0x80, QMI_SVC_CTL, 0, 1, 1, QMI_CTL_SYNC);
    esimlpa__qmi_add_result(&b, 0);
    esimlpa__qmi_finish(&b);
    static struct qmi_reader r;
    const uint8_t *f;
    int cerr;
    /* two frames in one write */
    uint8_t two[64];
    memcpy(two, b.buf, b.len);
    memcpy(two + b.len, b.buf, b.len);
    CHECK(write(sv[1], two, 2 * b.len) == (ssize_t)(2 * b.len));
    for (int i = 0; i < 2; i++) {
        long n = esimlpa__qmi_read(sv[0], &r, &f, esimlpa__mono_ms() + 1000, &cerr);
        CHECK(n == (long)b.len && memcmp(f, b.buf, b.len) == 0);
    }
    /* silence: timeout */
    CHECK(esimlpa__qmi_read(sv[0], &r, &f, esimlpa__mono_ms() + 50, &cerr) == ESIMLPA_ETIMEOUT);
    /* split: half now, half later (the reader keeps the partial frame across calls) */
    CHECK(write(sv[1], b.buf, 5) == 5);
    CHECK(esimlpa__qmi_read(sv[0], &r, &f, esimlpa__mono_ms() + 50, &cerr) == ESIMLPA_ETIMEOUT);
    CHECK(write(sv[1], b.buf + 5, b.len - 5) == (ssize_t)(b.len - 5));
    CHECK(esimlpa__qmi_read(sv[0], &r, &f, esimlpa__mono_ms() + 1000, &cerr) == (long)b.len);
    /* garbage */
    static const uint8_t junk[] = { 'A', 'T', '\r' };
    CHECK(write(sv[1], junk, sizeof junk) == (ssize_t)sizeof junk);
    CHECK(esimlpa__qmi_read(sv[0], &r, &f, esimlpa__mono_ms() + 1000, &cerr) == ESIMLPA_ETRANSPORT);
    CHECK(cerr == QMI_CODEC_MARKER);
    /* a frame larger than kept (64 KiB - 1 + marker): skipped whole, in
     * pieces; the frame after it comes out intact */
    static uint8_t huge[65536];
    memset(huge, 0xAA, sizeof huge);
    huge[0] = 0x01;
    huge[1] = 0xFF;
    huge[2] = 0xFF;
    size_t off = 0;
    while (off < sizeof huge) {
        size_t chunk = sizeof huge - off < 5000 ? sizeof huge - off : 5000;
        CHECK(write(sv[1], huge + off, chunk) == (ssize_t)chunk);
        off += chunk;
        if (off < sizeof huge)   /* the reader drains the socket meanwhile */
            CHECK(esimlpa__qmi_read(sv[0], &r, &f, esimlpa__mono_ms() + 30, &cerr) == ESIMLPA_ETIMEOUT);
    }
    CHECK(write(sv[1], b.buf, b.len) == (ssize_t)b.len);
    CHECK(esimlpa__qmi_read(sv[0], &r, &f, esimlpa__mono_ms() + 1000, &cerr) == (long)b.len);
    CHECK(memcmp(f, b.buf, b.len) == 0 && r.skipped == 1);
    /* the peer goes away mid-frame */
    CHECK(write(sv[1], b.buf, 4) == 4);
    close(sv[1]);
    CHECK(esimlpa__qmi_read(sv[0], &r, &f, esimlpa__mono_ms() + 1000, &cerr) == ESIMLPA_ECARDREMOVED);
    close(sv[0]);
}

int main(void)
{
    test_roundtrip();
    test_malformed();
    test_reader();
    if (fails) {
        fprintf(stderr, "%d failure(s)\n", fails);
        return 1;
    }
    printf("qmi-codec: ok\n");
    return 0;
}
