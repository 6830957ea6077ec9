/* SPDX-License-Identifier: MIT */
/* QMUX framing of the QMI transport: the input is what a modem (or a
 * qmi-proxy) sends, as one byte stream. Each frame the stream reader hands
 * out is parsed and its TLVs and result looked up; the input is also parsed
 * as one frame. Nothing may crash, and every frame handed out must parse. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <esimlpa/error.h>

#include "apdu/qmi_internal.h"

static void look(const struct qmi_msg *m)
{
    const uint8_t *v;
    size_t n;
    uint16_t qe;
    for (unsigned t = 0; t < 256; t++)
        if (esimlpa__qmi_tlv(m, (uint8_t)t, &v, &n) == 0 && v + n > m->tlv + m->tlv_len)
            abort();
    (void)esimlpa__qmi_result(m, &qe);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct qmi_msg m;
    if (esimlpa__qmi_parse(data, size, &m) == QMI_CODEC_OK)
        look(&m);
    (void)esimlpa__qmi_frame_size(data, size);

    if (size > 100000)
        return 0;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        abort();
    int buf = 256 * 1024;
    setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
    setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
    static struct qmi_reader r;
    memset(&r, 0, sizeof r);
    size_t off = 0;
    for (int rounds = 0; rounds < 10000; rounds++) {
        /* Feed what fits, read frames until the reader wants more. */
        while (off < size) {
            ssize_t w = send(sv[1], data + off, size - off, MSG_DONTWAIT);
            if (w <= 0)
                break;
            off += (size_t)w;
        }
        if (off >= size && sv[1] >= 0) {
            close(sv[1]);
            sv[1] = -1;
        }
        const uint8_t *f;
        int cerr;
        long n = esimlpa__qmi_read(sv[0], &r, &f, esimlpa__mono_ms() + 5, &cerr);
        if (n > 0) {
            if ((size_t)n > QMI_MAX_FRAME)
                abort();
            if (esimlpa__qmi_parse(f, (size_t)n, &m) == QMI_CODEC_OK)
                look(&m);
            continue;
        }
        if (n == ESIMLPA_ECARDREMOVED)
            break;
        if (n == ESIMLPA_ETRANSPORT && cerr == QMI_CODEC_OK)
            abort();   /* a refused frame always says why */
    }
    close(sv[0]);
    if (sv[1] >= 0)
        close(sv[1]);
    return 0;
}
