/* SPDX-License-Identifier: MIT */
#include "vpcd.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "softeuicc.h"

enum { VPCD_OFF = 0, VPCD_ON = 1, VPCD_RESET = 2, VPCD_ATR = 4 };

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);      /* EINTR (a signal) just ends the wait early */
}

static int dial(const struct vpcd_options *o)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res, *ai;
    int fd = -1;
    if (getaddrinfo(o->host, o->port, &hints, &res))
        return -1;
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0)
            continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd >= 0) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    return fd;
}

/* Read exactly n bytes. 0 ok, -1 closed/error/stopped. */
static int read_full(int fd, uint8_t *b, size_t n, volatile sig_atomic_t *stop)
{
    while (n) {
        /* vpcd writes length and body separately without TCP_NODELAY: quick
         * ACKs before each read avoid a ~40 ms delayed-ACK stall (design.md). */
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
        ssize_t r = read(fd, b, n);
        if (r < 0 && errno == EINTR && !*stop)
            continue;
        if (r <= 0)
            return -1;
        b += r;
        n -= (size_t)r;
    }
    return 0;
}

static int send_frame(int fd, const uint8_t *b, size_t n)
{
    uint8_t f[2 + 65535];
    f[0] = (uint8_t)(n >> 8);
    f[1] = (uint8_t)n;
    memcpy(f + 2, b, n);
    size_t off = 0, tot = n + 2;
    while (off < tot) {
        ssize_t w = write(fd, f + off, tot - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        off += (size_t)w;
    }
    return 0;
}

static void serve_connection(struct softeuicc *se, int fd, const struct vpcd_options *o,
                             volatile sig_atomic_t *stop)
{
    uint8_t hdr[2], buf[65535], resp[300];
    while (!*stop) {
        if (read_full(fd, hdr, 2, stop))
            return;
        size_t n = (size_t)hdr[0] << 8 | hdr[1];
        if (n == 0 || read_full(fd, buf, n, stop))
            return;
        if (n == 1) {
            switch (buf[0]) {
            case VPCD_OFF:
            case VPCD_ON:
            case VPCD_RESET:
                softeuicc_reset(se);
                if (o->verbose)
                    fprintf(stderr, "soft-euicc: vpcd control %u (reset)\n", buf[0]);
                break;
            case VPCD_ATR: {
                size_t alen;
                const uint8_t *atr = softeuicc_atr(&alen);
                if (send_frame(fd, atr, alen))
                    return;
                break;
            }
            default:
                if (o->verbose)
                    fprintf(stderr, "soft-euicc: unknown vpcd control %u\n", buf[0]);
                break;
            }
            continue;
        }
        size_t rlen = 0;
        softeuicc_process_apdu(se, buf, n, resp, &rlen);
        if (softeuicc_removed(se))
            return;              /* --fault-es10 ...:remove: the card is gone */
        if (softeuicc_take_silent(se))
            continue;            /* --fault-es10 ...:silent: a hung card */
        if (o->apdu_delay_ms > 0)
            sleep_ms(o->apdu_delay_ms);
        if (send_frame(fd, resp, rlen))
            return;
    }
}

int vpcd_serve(struct softeuicc *se, const struct vpcd_options *o,
               volatile sig_atomic_t *stop)
{
    int backoff = 100, warned = 0;
    while (!*stop) {
        int fd = dial(o);
        if (fd < 0) {
            if (o->once) {
                fprintf(stderr, "soft-euicc: cannot connect to vpcd at %s:%s\n", o->host, o->port);
                return 1;
            }
            if (!warned++)
                fprintf(stderr, "soft-euicc: waiting for vpcd at %s:%s (is pcscd running?)\n",
                        o->host, o->port);
            sleep_ms(backoff);
            backoff = backoff < 2000 ? backoff * 2 : 2000;
            continue;
        }
        if (o->verbose)
            fprintf(stderr, "soft-euicc: connected to vpcd at %s:%s\n", o->host, o->port);
        backoff = 100;
        warned = 0;
        softeuicc_reset(se);
        serve_connection(se, fd, o, stop);
        close(fd);
        softeuicc_reset(se);
        if (softeuicc_removed(se)) {
            fprintf(stderr, "soft-euicc: card removed (fault knob)\n");
            return 0;
        }
        if (o->verbose && !*stop)
            fprintf(stderr, "soft-euicc: vpcd closed the connection\n");
        if (o->once)
            break;
        sleep_ms(200);
    }
    return 0;
}
