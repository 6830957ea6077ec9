/* SPDX-License-Identifier: MIT */
/* I/O of the MBIM transport: whole MBIM messages out of a byte stream (a pty
 * in tests may split or join them; a cdc-wdm node hands out one message per
 * read). The device node and the mbim-proxy socket are opened as the QMI
 * transport opens its own (qmi_io.c). */
#include "mbim_internal.h"
#include "qmi_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <esimlpa/error.h>

long esimlpa__mbim_read(int fd, struct mbim_reader *r, const uint8_t **frame,
                        long long deadline_ms, int *codec_err)
{
    *codec_err = MBIM_CODEC_OK;
    if (r->pending) {
        memmove(r->buf, r->buf + r->pending, r->len - r->pending);
        r->len -= r->pending;
        r->pending = 0;
    }
    for (;;) {
        if (r->skip) {
            size_t n = r->skip < r->len ? r->skip : r->len;
            memmove(r->buf, r->buf + n, r->len - n);
            r->len -= n;
            r->skip -= n;
            if (r->skip)
                goto more;
        }
        long need = esimlpa__mbim_frame_size(r->buf, r->len, sizeof r->buf);
        if (need == MBIM_CODEC_TOO_BIG) {
            /* A message longer than a control transfer may be (another
             * client's traffic through a broken proxy): skip it whole. */
            r->skip = mbim_get32(r->buf + 4);
            continue;
        }
        if (need < 0) {
            *codec_err = (int)need;
            r->len = 0;
            return ESIMLPA_ETRANSPORT;
        }
        if (need > 0 && r->len >= (size_t)need) {
            r->pending = (size_t)need;
            *frame = r->buf;
            return need;
        }
    more:;
        int rc = esimlpa__fd_wait(fd, POLLIN, deadline_ms);
        if (rc != ESIMLPA_OK)
            return rc;
        ssize_t n = read(fd, r->buf + r->len, sizeof r->buf - r->len);
        if (n > 0) {
            r->len += (size_t)n;
            continue;
        }
        if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
            continue;
        return ESIMLPA_ECARDREMOVED;
    }
}
