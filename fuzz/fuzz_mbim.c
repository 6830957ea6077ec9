/* SPDX-License-Identifier: MIT */
/* MBIM framing of the MBIM transport: the input is what a modem (or an
 * mbim-proxy) sends, as one byte stream. Each message the stream reader hands
 * out goes through fragment reassembly; whole messages have their fields read
 * the way the transport reads them (u32 and offset/size pairs). The input is
 * also parsed as one message. Nothing may crash, no field may point outside
 * its information buffer. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <esimlpa/error.h>

#include "apdu/mbim_internal.h"
#include "apdu/qmi_internal.h"

static void look(const struct mbim_msg *m)
{
    if (m->info_len && !m->info)
        abort();
    for (size_t off = 0; off < 64; off += 4) {
        uint32_t v;
        const uint8_t *p;
        uint32_t n;
        (void)esimlpa__mbim_field_u32(m, off, &v);
        for (int sf = 0; sf < 2; sf++)
            if (esimlpa__mbim_field_bytes(m, off, sf, &p, &n) == 0 &&
                (p < m->info || p + n > m->info + m->info_len))
                abort();
    }
    (void)esimlpa__mbim_status_name(m->cmd_type_or_status);
    (void)esimlpa__mbim_error_name(m->cmd_type_or_status);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mbim_msg m;
    if (esimlpa__mbim_parse(data, size, &m) == MBIM_CODEC_OK)
        look(&m);
    (void)esimlpa__mbim_frame_size(data, size, MBIM_MAX_CONTROL);

    if (size > 100000)
        return 0;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        abort();
    int buf = 256 * 1024;
    setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
    setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
    static struct mbim_reader r;
    static struct mbim_reasm ra;
    memset(&r, 0, sizeof r);
    memset(&ra, 0, sizeof ra);
    size_t off = 0;
    for (int rounds = 0; rounds < 10000; rounds++) {
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
        long n = esimlpa__mbim_read(sv[0], &r, &f, esimlpa__mono_ms() + 5, &cerr);
        if (n > 0) {
            if ((size_t)n > sizeof r.buf)
                abort();
            int got = esimlpa__mbim_reasm_feed(&ra, f, (size_t)n, &m);
            if (got == 1) {
                if (m.info_len > MBIM_MAX_MESSAGE)
                    abort();
                look(&m);
            }
            continue;
        }
        if (n == ESIMLPA_ECARDREMOVED)
            break;
        if (n == ESIMLPA_ETRANSPORT && cerr == MBIM_CODEC_OK)
            abort();   /* a refused message always says why */
    }
    close(sv[0]);
    if (sv[1] >= 0)
        close(sv[1]);
    return 0;
}
