/* SPDX-License-Identifier: MIT */
/* I/O of the MBIM transport: libmbim's mbim-proxy socket, and whole MBIM
 * messages out of a byte stream (a pty in tests may split or join them; a
 * cdc-wdm node hands out one message per read). The device node is opened as
 * the QMI transport opens its node (qmi_io.c). */
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

int esimlpa__mbim_open_proxy(char *err, size_t err_len)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        snprintf(err, err_len, "mbim-proxy: socket: %s", strerror(errno));
        return ESIMLPA_ETRANSPORT;
    }
    /* Abstract socket "\0mbim-proxy", the address without padding. */
    static const char name[] = "mbim-proxy";
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path + 1, name, sizeof name - 1);
    socklen_t sl = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + sizeof name - 1);
    /* Non-blocking connect: a wedged proxy (or a squatter with a full
     * backlog) cannot hold us longer than 2 s. */
    int rc = connect(fd, (struct sockaddr *)&sa, sl);
    if (rc != 0 && errno == EINPROGRESS) {
        struct pollfd p = { .fd = fd, .events = POLLOUT };
        int so = 0;
        socklen_t l = sizeof so;
        if (poll(&p, 1, 2000) == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &l) == 0 &&
            so == 0)
            rc = 0;
        else
            errno = so ? so : ETIMEDOUT;
    }
    if (rc != 0) {
        snprintf(err, err_len,
                 "cannot connect to mbim-proxy: %s (is ModemManager's mbim-proxy running?)",
                 strerror(errno));
        close(fd);
        return ESIMLPA_ENOREADER;
    }
    return fd;   /* non-blocking: writes wait with a deadline (qmi_io.c) */
}

static int wait_in(int fd, long long deadline_ms)
{
    for (;;) {
        long long left = deadline_ms - esimlpa__qmi_now_ms();
        if (left <= 0)
            return ESIMLPA_ETIMEOUT;
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int n = poll(&p, 1, left > 1000000 ? 1000000 : (int)left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return ESIMLPA_ETRANSPORT;
        if (n == 0)
            return ESIMLPA_ETIMEOUT;
        if (p.revents & (POLLERR | POLLNVAL))
            return ESIMLPA_ECARDREMOVED;
        return ESIMLPA_OK;
    }
}

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
        int rc = wait_in(fd, deadline_ms);
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
