/* SPDX-License-Identifier: MIT */
/* Simulated AT modem: see sim_modem.h. */
#define _XOPEN_SOURCE 700   /* posix_openpt, grantpt, unlockpt, ptsname */
#include "sim_modem.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <unistd.h>

#define LINE_MAX_LEN 2048

struct sim_modem {
    struct sim_modem_options o;
    struct softeuicc *se;
    int master, slave;          /* the slave is kept open so the pty outlives clients */
    int echo;
    int hung;                   /* hang_after reached: silent from now on */
    unsigned apdus;
    char line[LINE_MAX_LEN + 1];
    size_t line_len;
    int overflow;
    uint8_t open_ch[20];        /* channels opened through AT+CCHO */
    struct sim_modem_stats st;
};

int sim_modem_open(const struct sim_modem_options *opts, struct softeuicc *se,
                   struct sim_modem **out, char *slave, size_t slave_len)
{
    struct sim_modem *m = calloc(1, sizeof *m);
    if (!m)
        return -1;
    m->o = *opts;
    m->se = se;
    m->echo = 1;   /* a modem echoes until ATE0 */
    m->master = posix_openpt(O_RDWR | O_NOCTTY);
    if (m->master < 0 || grantpt(m->master) != 0 || unlockpt(m->master) != 0) {
        perror("sim-modem: posix_openpt");
        goto fail;
    }
    const char *name = ptsname(m->master);
    if (!name || strlen(name) >= slave_len) {
        fprintf(stderr, "sim-modem: ptsname failed\n");
        goto fail;
    }
    snprintf(slave, slave_len, "%s", name);
    m->slave = open(name, O_RDWR | O_NOCTTY);
    if (m->slave < 0) {
        perror("sim-modem: open slave");
        goto fail;
    }
    struct termios tio;
    if (tcgetattr(m->slave, &tio) == 0) {
        cfmakeraw(&tio);
        tcsetattr(m->slave, TCSANOW, &tio);
    }
    *out = m;
    return 0;
fail:
    if (m->master >= 0)
        close(m->master);
    free(m);
    return -1;
}

void sim_modem_close(struct sim_modem *m)
{
    if (!m)
        return;
    if (m->master >= 0)
        close(m->master);
    if (m->slave >= 0)
        close(m->slave);
    free(m);
}

void sim_modem_get_stats(const struct sim_modem *m, struct sim_modem_stats *out)
{
    *out = m->st;
}

static void put(struct sim_modem *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct sim_modem *m, const char *fmt, ...)
{
    char buf[LINE_MAX_LEN + 64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t len = (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1, off = 0;
    while (off < len) {
        ssize_t w = write(m->master, buf + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        off += (size_t)w;
    }
}

static void info(struct sim_modem *m, const char *text)
{
    if (m->o.urc)
        put(m, "\r\n+CREG: 1,\"00C3\",\"0001\"\r\n");
    put(m, "\r\n%s\r\n", text);
    if (m->o.urc)
        put(m, "\r\nRING\r\n");
}

static void final_ok(struct sim_modem *m) { put(m, "\r\nOK\r\n"); }
static void final_error(struct sim_modem *m) { put(m, "\r\nERROR\r\n"); }
static void cme_error(struct sim_modem *m, int n) { put(m, "\r\n+CME ERROR: %d\r\n", n); }

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* "<len>,\"<hex>\"" -> bytes; -1 when malformed or len differs. */
static long parse_len_hex(const char *s, uint8_t *out, size_t cap)
{
    char *end;
    unsigned long len = strtoul(s, &end, 10);
    if (end == s || *end != ',' || end[1] != '"')
        return -1;
    const char *h = end + 2;
    const char *q = strchr(h, '"');
    if (!q || q[1] != '\0')
        return -1;
    size_t n = (size_t)(q - h);
    if (n != len || n % 2 || n / 2 > cap || n < 8)
        return -1;
    for (size_t i = 0; i < n; i += 2) {
        int hi = hexval(h[i]), lo = hexval(h[i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    return (long)(n / 2);
}

static void to_hex(const uint8_t *p, size_t n, int lower, char *out)
{
    const char *digits = lower ? "0123456789abcdef" : "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

static uint8_t cla_for(uint8_t base, unsigned ch)
{
    if (ch <= 3)
        return (uint8_t)(base | ch);
    return (uint8_t)(base | 0x40 | (ch - 4));
}

static void card(struct sim_modem *m, const uint8_t *cmd, size_t len, uint8_t *resp,
                 size_t *rlen)
{
    softeuicc_process_apdu(m->se, cmd, len, resp, rlen);
    /* A modem performs the REFRESH the eUICC asks for after a refresh-flagged
     * enable/disable (it fetches the proactive command): the card is reset
     * and every logical channel is gone. */
    if (softeuicc_needs_reset(m->se)) {
        softeuicc_reset(m->se);
        memset(m->open_ch, 0, sizeof m->open_ch);
    }
}

/* Answer an APDU command as "<prefix><len>,\"<hex>\"" in the configured style. */
static void apdu_answer(struct sim_modem *m, const char *prefix, const uint8_t *resp, size_t n)
{
    char hex[2 * 258 + 1], text[2 * 258 + 64];
    to_hex(resp, n, m->o.lowercase, hex);
    const char *q = m->o.no_quotes ? "" : "\"";
    snprintf(text, sizeof text, "%s%zu,%s%s%s", prefix, 2 * n, q, hex, q);
    info(m, text);
    final_ok(m);
}

static void do_ccho(struct sim_modem *m, const char *arg)
{
    m->st.ccho++;
    if (m->o.csim_only) {
        cme_error(m, 4);
        return;
    }
    uint8_t aid[16];
    size_t n = strlen(arg);
    if (n < 4 || arg[0] != '"' || arg[n - 1] != '"' || (n - 2) % 2 || (n - 2) / 2 > 16 ||
        (n - 2) / 2 < 5) {
        cme_error(m, 50);
        return;
    }
    size_t aid_len = (n - 2) / 2;
    for (size_t i = 0; i < aid_len; i++) {
        int hi = hexval(arg[1 + 2 * i]), lo = hexval(arg[2 + 2 * i]);
        if (hi < 0 || lo < 0) {
            cme_error(m, 50);
            return;
        }
        aid[i] = (uint8_t)(hi << 4 | lo);
    }
    uint8_t resp[300];
    size_t rlen = sizeof resp;
    const uint8_t open[] = { 0x00, 0x70, 0x00, 0x00, 0x01 };
    card(m, open, sizeof open, resp, &rlen);
    if (rlen != 3 || resp[1] != 0x90 || resp[0] < 1 || resp[0] > 19) {
        cme_error(m, 3);
        return;
    }
    unsigned ch = resp[0];
    uint8_t sel[5 + 16];
    sel[0] = cla_for(0x00, ch);
    sel[1] = 0xA4;
    sel[2] = 0x04;
    sel[3] = 0x00;
    sel[4] = (uint8_t)aid_len;
    memcpy(sel + 5, aid, aid_len);
    rlen = sizeof resp;
    card(m, sel, 5 + aid_len, resp, &rlen);
    uint8_t sw1 = resp[rlen - 2];
    if (sw1 != 0x90 && sw1 != 0x61) {
        const uint8_t close_cmd[] = { 0x00, 0x70, 0x80, (uint8_t)ch, 0x00 };
        rlen = sizeof resp;
        card(m, close_cmd, sizeof close_cmd, resp, &rlen);
        cme_error(m, 3);
        return;
    }
    m->open_ch[ch] = 1;
    char text[32];
    switch (m->o.channel_format) {
    case SIM_CH_QUOTED: snprintf(text, sizeof text, "+CCHO: \"%u\"", ch); break;
    case SIM_CH_HEX4: snprintf(text, sizeof text, "+CCHO: %04X", ch); break;
    case SIM_CH_BARE: snprintf(text, sizeof text, "%u", ch); break;
    default: snprintf(text, sizeof text, "+CCHO: %u", ch); break;
    }
    info(m, text);
    final_ok(m);
}

static void do_cgla(struct sim_modem *m, const char *arg)
{
    m->st.cgla++;
    if (m->o.csim_only) {
        cme_error(m, 4);
        return;
    }
    char *end;
    unsigned long ch = strtoul(arg, &end, 10);
    if (end == arg || *end != ',' || ch < 1 || ch > 19 || !m->open_ch[ch]) {
        cme_error(m, 21);
        return;
    }
    uint8_t cmd[300], resp[300];
    long n = parse_len_hex(end + 1, cmd, sizeof cmd);
    if (n < 0) {
        cme_error(m, 50);
        return;
    }
    size_t rlen = sizeof resp;
    card(m, cmd, (size_t)n, resp, &rlen);
    apdu_answer(m, m->o.no_cgla_prefix ? "" : "+CGLA: ", resp, rlen);
}

static void do_cchc(struct sim_modem *m, const char *arg)
{
    m->st.cchc++;
    if (m->o.csim_only) {
        cme_error(m, 4);
        return;
    }
    char *end;
    unsigned long ch = strtoul(arg, &end, 10);
    if (end == arg || *end || ch < 1 || ch > 19 || !m->open_ch[ch]) {
        cme_error(m, 21);
        return;
    }
    uint8_t resp[300];
    size_t rlen = sizeof resp;
    const uint8_t close_cmd[] = { 0x00, 0x70, 0x80, (uint8_t)ch, 0x00 };
    card(m, close_cmd, sizeof close_cmd, resp, &rlen);
    m->open_ch[ch] = 0;
    final_ok(m);
}

static void do_csim(struct sim_modem *m, const char *arg)
{
    m->st.csim++;
    uint8_t cmd[300], resp[300];
    long n = parse_len_hex(arg, cmd, sizeof cmd);
    if (n < 0) {
        cme_error(m, 50);
        return;
    }
    size_t rlen = sizeof resp;
    card(m, cmd, (size_t)n, resp, &rlen);
    apdu_answer(m, "+CSIM: ", resp, rlen);
}

/* One command line. Returns 1 when the line must be closed (exit_after). */
static int handle(struct sim_modem *m, const char *cmd)
{
    m->st.commands++;
    if (m->o.verbose)
        fprintf(stderr, "sim-modem: < %s\n", cmd);
    int is_apdu = strncasecmp(cmd, "AT+CGLA=", 8) == 0 || strncasecmp(cmd, "AT+CSIM=", 8) == 0;
    if (is_apdu && cmd[8] != '?') {
        m->apdus++;
        if (m->o.exit_after && m->apdus >= m->o.exit_after)
            return 1;
        if (m->o.hang_after && m->apdus >= m->o.hang_after)
            m->hung = 1;
    }
    if (m->hung)
        return 0;
    if (m->echo)
        put(m, "%s\r", cmd);
    if (m->o.urc && m->st.commands % 3 == 0)
        put(m, "\r\n+CMTI: \"SM\",3\r\n");

    size_t n = strlen(cmd);
    if (n >= 2 && cmd[n - 2] == '=' && cmd[n - 1] == '?') {
        m->st.test_commands++;
        if (m->o.no_test_commands == 2)
            return 0;
        int known = strncasecmp(cmd, "AT+CSIM", 7) == 0 ||
                    (!m->o.csim_only && (strncasecmp(cmd, "AT+CCHO", 7) == 0 ||
                                         strncasecmp(cmd, "AT+CGLA", 7) == 0 ||
                                         strncasecmp(cmd, "AT+CCHC", 7) == 0));
        if (m->o.no_test_commands == 1 || !known)
            final_error(m);
        else
            final_ok(m);
        return 0;
    }
    if (strcasecmp(cmd, "AT") == 0) {
        final_ok(m);
    } else if (strcasecmp(cmd, "ATE0") == 0 || strcasecmp(cmd, "ATE1") == 0) {
        m->echo = cmd[3] == '1';
        final_ok(m);
    } else if (strcasecmp(cmd, "ATI") == 0) {
        info(m, "esimlpa simulated modem");
        final_ok(m);
    } else if (strncasecmp(cmd, "AT+CCHO=", 8) == 0) {
        do_ccho(m, cmd + 8);
    } else if (strncasecmp(cmd, "AT+CGLA=", 8) == 0) {
        do_cgla(m, cmd + 8);
    } else if (strncasecmp(cmd, "AT+CCHC=", 8) == 0) {
        do_cchc(m, cmd + 8);
    } else if (strncasecmp(cmd, "AT+CSIM=", 8) == 0) {
        do_csim(m, cmd + 8);
    } else {
        final_error(m);
    }
    return 0;
}

int sim_modem_run(struct sim_modem *m, volatile int *stop)
{
    while (!*stop) {
        struct pollfd p = { .fd = m->master, .events = POLLIN };
        int r = poll(&p, 1, 50);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            continue;
        char buf[512];
        ssize_t got = read(m->master, buf, sizeof buf);
        if (got < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (got <= 0)
            return -1;
        for (ssize_t i = 0; i < got; i++) {
            char c = buf[i];
            if (c == '\r' || c == '\n') {
                if (m->line_len == 0 || m->overflow) {
                    m->line_len = 0;
                    m->overflow = 0;
                    continue;
                }
                m->line[m->line_len] = '\0';
                m->line_len = 0;
                if (handle(m, m->line)) {
                    close(m->master);
                    close(m->slave);
                    m->master = m->slave = -1;
                    return 1;
                }
            } else if (m->line_len < LINE_MAX_LEN) {
                m->line[m->line_len++] = c;
            } else {
                m->overflow = 1;
            }
        }
    }
    return 0;
}
