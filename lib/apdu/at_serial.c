/* SPDX-License-Identifier: MIT */
/* Serial line I/O of the AT-modem transport: open a tty (or pty) raw at the
 * chosen speed, write and read with absolute deadlines. */
#include "at_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <esimlpa/error.h>

static speed_t baud_constant(unsigned baud)
{
    static const struct { unsigned bps; speed_t c; } tab[] = {
        { 9600, B9600 }, { 19200, B19200 }, { 38400, B38400 }, { 57600, B57600 },
        { 115200, B115200 }, { 230400, B230400 },
#ifdef B460800
        { 460800, B460800 },
#endif
#ifdef B921600
        { 921600, B921600 },
#endif
#ifdef B1000000
        { 1000000, B1000000 },
#endif
#ifdef B2000000
        { 2000000, B2000000 },
#endif
#ifdef B3000000
        { 3000000, B3000000 },
#endif
#ifdef B4000000
        { 4000000, B4000000 },
#endif
    };
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
        if (tab[i].bps == baud)
            return tab[i].c;
    return B0;
}

int esimlpa__at_serial_open(const char *path, unsigned baud, char *err, size_t err_len)
{
    speed_t sp = baud_constant(baud);
    if (sp == B0) {
        snprintf(err, err_len, "unsupported line speed %u", baud);
        return ESIMLPA_EINVAL;
    }
    int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        snprintf(err, err_len, "cannot open %s: %s", path, strerror(e));
        return (e == ENOENT || e == ENXIO || e == ENODEV) ? ESIMLPA_ENOREADER
               : ESIMLPA_ETRANSPORT;
    }
    struct termios tio;
    if (tcgetattr(fd, &tio) != 0) {
        snprintf(err, err_len, "%s is not a serial line: %s", path, strerror(errno));
        close(fd);
        return ESIMLPA_ETRANSPORT;
    }
    cfmakeraw(&tio);
    tio.c_cflag |= CLOCAL | CREAD;
    tio.c_cflag &= ~(tcflag_t)(CSTOPB | PARENB);
    tio.c_cc[VMIN] = 0;
    tio.c_cc[VTIME] = 0;
    cfsetispeed(&tio, sp);
    cfsetospeed(&tio, sp);
    if (tcsetattr(fd, TCSANOW, &tio) != 0) {
        snprintf(err, err_len, "cannot configure %s: %s", path, strerror(errno));
        close(fd);
        return ESIMLPA_ETRANSPORT;
    }
    tcflush(fd, TCIOFLUSH);
    return fd;
}

static int wait_fd(int fd, short events, long long deadline_ms)
{
    for (;;) {
        long long left = deadline_ms - esimlpa__mono_ms();
        if (left <= 0)
            return ESIMLPA_ETIMEOUT;
        struct pollfd p = { .fd = fd, .events = events };
        int n = poll(&p, 1, left > 60000 ? 60000 : (int)left);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return ESIMLPA_ETRANSPORT;
        }
        if (n == 0)
            continue;
        if (p.revents & POLLNVAL)
            return ESIMLPA_ETRANSPORT;
        if ((p.revents & (POLLHUP | POLLERR)) && !(p.revents & POLLIN))
            return ESIMLPA_ECARDREMOVED;   /* the other end hung up */
        return ESIMLPA_OK;
    }
}

int esimlpa__at_serial_write(int fd, const char *buf, size_t len, long long deadline_ms)
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
            int rc = wait_fd(fd, POLLOUT, deadline_ms);
            if (rc != ESIMLPA_OK)
                return rc;
            continue;
        }
        return ESIMLPA_ECARDREMOVED;   /* EIO, ENXIO: the device went away */
    }
    return ESIMLPA_OK;
}

long esimlpa__at_serial_read(int fd, char *buf, size_t cap, long long deadline_ms)
{
    for (;;) {
        int rc = wait_fd(fd, POLLIN, deadline_ms);
        if (rc != ESIMLPA_OK)
            return rc;
        ssize_t n = read(fd, buf, cap);
        if (n > 0)
            return (long)n;
        if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
            continue;
        return ESIMLPA_ECARDREMOVED;   /* 0 = end of file, EIO = hung up */
    }
}

void esimlpa__at_serial_drain(int fd)
{
    char junk[256];
    tcflush(fd, TCIFLUSH);
    while (read(fd, junk, sizeof junk) > 0)
        ;
}
