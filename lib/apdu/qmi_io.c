/* SPDX-License-Identifier: MIT */
/* I/O of the QMI transport: the device node (cdc-wdm / wwan, or a pty in
 * tests) or libqmi's qmi-proxy socket, and whole QMUX frames out of a byte
 * stream with deadlines. */
#include "qmi_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <esimlpa/error.h>

int esimlpa__qmi_open_device(const char *path, char *err, size_t err_len)
{
    int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        snprintf(err, err_len, "cannot open %s: %s", path, strerror(e));
        if (e == ENOENT || e == ENODEV || e == ENXIO)
            return ESIMLPA_ENOREADER;
        if (e == EBUSY)
            return ESIMLPA_EBUSY;
        return ESIMLPA_ETRANSPORT;
    }
    /* A real cdc-wdm node is not a tty; a pty (the simulator) must be raw. */
    struct termios tio;
    if (tcgetattr(fd, &tio) == 0) {
        cfmakeraw(&tio);
        tcsetattr(fd, TCSANOW, &tio);
        tcflush(fd, TCIFLUSH);   /* answers left over from an earlier program */
    }
    return fd;
}

int esimlpa__proxy_socket_open(const char *name, char *err, size_t err_len)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        snprintf(err, err_len, "%s: socket: %s", name, strerror(errno));
        return ESIMLPA_ETRANSPORT;
    }
    /* Abstract socket "\0<name>", the address without padding. */
    size_t nl = strlen(name);
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    if (nl + 1 > sizeof sa.sun_path) {
        close(fd);
        snprintf(err, err_len, "%s: name too long", name);
        return ESIMLPA_EINVAL;
    }
    memcpy(sa.sun_path + 1, name, nl);
    socklen_t sl = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + nl);
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
        snprintf(err, err_len, "cannot connect to %s: %s (is ModemManager's %s running?)", name,
                 strerror(errno), name);
        close(fd);
        return ESIMLPA_ENOREADER;
    }
    return fd;   /* non-blocking: writes wait with a deadline */
}

int esimlpa__fd_wait(int fd, short ev, long long deadline_ms)
{
    for (;;) {
        long long left = deadline_ms - esimlpa__mono_ms();
        if (left <= 0)
            return ESIMLPA_ETIMEOUT;
        struct pollfd p = { .fd = fd, .events = ev };
        int n = poll(&p, 1, left > 1000000 ? 1000000 : (int)left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return ESIMLPA_ETRANSPORT;
        if (n == 0)
            return ESIMLPA_ETIMEOUT;
        if (p.revents & (POLLERR | POLLNVAL))
            return ESIMLPA_ECARDREMOVED;
        if (p.revents & (ev | POLLHUP))
            return ESIMLPA_OK;
    }
}

int esimlpa__qmi_write(int fd, const uint8_t *buf, size_t len, long long deadline_ms)
{
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, buf + off, len - off);
        if (n > 0) {
            off += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            int rc = esimlpa__fd_wait(fd, POLLOUT, deadline_ms);
            if (rc != ESIMLPA_OK)
                return rc;
            continue;
        }
        return ESIMLPA_ECARDREMOVED;   /* EIO, EPIPE: the device or proxy went away */
    }
    return ESIMLPA_OK;
}

long esimlpa__qmi_read(int fd, struct qmi_reader *r, const uint8_t **frame, long long deadline_ms,
                       int *codec_err)
{
    *codec_err = QMI_CODEC_OK;
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
        long need = esimlpa__qmi_frame_size(r->buf, r->len);
        if (need == QMI_CODEC_TOO_BIG) {
            /* A well-framed message larger than we keep (a big indication
             * for another client): skip it by its length, keep in step. */
            r->skip = (size_t)(r->buf[1] | (r->buf[2] << 8)) + 1;
            r->skipped++;
            continue;
        }
        if (need < 0) {
            *codec_err = (int)need;
            r->len = 0;   /* framing lost: drop what we have */
            return ESIMLPA_ETRANSPORT;
        }
        if (need > 0 && r->len >= (size_t)need) {
            /* Handed out in place; dropped at the start of the next call. */
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
        return ESIMLPA_ECARDREMOVED;   /* end of file or EIO */
    }
}
