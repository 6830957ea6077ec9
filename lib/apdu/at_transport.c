/* SPDX-License-Identifier: MIT */
/*
 * Built-in AT-modem APDU transport (3GPP TS 27.007): logical channels with
 * AT+CCHO / AT+CGLA / AT+CCHC; AT+CSIM when the modem refuses those (the
 * library then sends MANAGE CHANNEL and SELECT itself, SGP.22 notes §3.1).
 * Tolerates echo, unsolicited result codes between the lines of an answer,
 * modems that ignore the =? test commands, answers without the +CGLA:
 * prefix, unquoted or lowercase hex and odd channel number formats.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <esimlpa/error.h>
#include <esimlpa/transport.h>

#include "at_internal.h"
#include "card_lockfile.h"

#define DEFAULT_BAUD 115200u
#define DEFAULT_TIMEOUT_MS 10000u
#define DEFAULT_PROBE_MS 2000u
#define MAX_CMD_APDU 261            /* short APDU: 5 + 255 + Le */
#define MAX_CHANNEL 19

struct at_transport {
    struct esimlpa_apdu_transport pub;  /* first: the public handle points here */
    char *device;
    unsigned baud, timeout_ms, probe_ms;
    int force_csim;

    int fd;                 /* -1 when not connected */
    int use_csim;           /* APDUs through AT+CSIM */
    int have_session;       /* an AT+CCHO session is open */
    unsigned long session;  /* its session id (27.007: not always the channel number) */

    char rx[512];           /* bytes read but not yet split into lines */
    size_t rx_off, rx_len;
    char line[ESIMLPA_AT_LINE_MAX + 1];
    size_t line_len;
    int line_overflow;      /* current line longer than ESIMLPA_AT_LINE_MAX: dropped */

    int locked;             /* lock() holds the UUCP lock file */
    int fd_locked;          /* flock(2) on fd held */
    long long lock_deadline; /* when the wait for the device's flock ends */
    char lock_path[512];    /* the UUCP lock file */

    char final[96];         /* final result of the last command ("+CME ERROR: 4") */
    char last_error[256];
};

#define AT_FINAL_ERROR 1    /* at_command: the modem answered ERROR / +CME ERROR */

static void set_error(struct at_transport *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_error(struct at_transport *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->last_error, sizeof t->last_error, fmt, ap);
    va_end(ap);
    /* It may quote the modem's answer: untrusted text, printed by callers. */
    for (char *p = t->last_error; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
            *p = '?';
}

/* Next complete, non-empty line before the deadline. */
static int next_line(struct at_transport *t, long long deadline)
{
    for (;;) {
        while (t->rx_off < t->rx_len) {
            char c = t->rx[t->rx_off++];
            if (c == '\r' || c == '\n') {
                int dropped = t->line_overflow;
                size_t n = t->line_len;
                t->line_len = 0;
                t->line_overflow = 0;
                if (n == 0 || dropped)
                    continue;
                t->line[n] = '\0';
                return ESIMLPA_OK;
            }
            if (t->line_len < ESIMLPA_AT_LINE_MAX)
                t->line[t->line_len++] = c;
            else
                t->line_overflow = 1;
        }
        long n = esimlpa__at_serial_read(t->fd, t->rx, sizeof t->rx, deadline);
        if (n < 0)
            return (int)n;
        t->rx_off = 0;
        t->rx_len = (size_t)n;
    }
}

/* Called for each line of an answer that is neither echo nor final result:
 * 1 = it is the answer (consumed), 0 = not ours (an URC), -2 = malformed. */
typedef int (*line_fn)(struct at_transport *t, const char *line, void *arg);

/*
 * Send one command and read lines until its final result. Returns
 * ESIMLPA_OK (OK), AT_FINAL_ERROR (ERROR, text in t->final) or a negative
 * code (timeout, line gone, malformed answer). *matched tells whether @fn
 * accepted an answer line.
 */
static int at_command(struct at_transport *t, const char *cmd, unsigned timeout_ms, line_fn fn,
                      void *arg, int *matched)
{
    const char *what = cmd;
    char name[24];
    size_t nl = strcspn(cmd, "=?");
    if (nl < sizeof name) {
        memcpy(name, cmd, nl);
        name[nl] = '\0';
        what = name;
    }
    if (matched)
        *matched = 0;
    t->final[0] = '\0';
    if (t->fd < 0) {
        set_error(t, "%s: modem not connected", what);
        return ESIMLPA_ESTATE;
    }
    /* A late answer to an earlier command that timed out must not be taken
     * for this one's. */
    esimlpa__at_serial_drain(t->fd);
    t->rx_off = t->rx_len = 0;
    t->line_len = 0;
    t->line_overflow = 0;

    long long deadline = esimlpa__mono_ms() + timeout_ms;
    size_t len = strlen(cmd);
    int rc = esimlpa__at_serial_write(t->fd, cmd, len, deadline);
    if (rc == ESIMLPA_OK)
        rc = esimlpa__at_serial_write(t->fd, "\r", 1, deadline);
    int malformed = 0;
    while (rc == ESIMLPA_OK) {
        rc = next_line(t, deadline);
        if (rc != ESIMLPA_OK)
            break;
        enum esimlpa_at_final f = esimlpa__at_final(t->line);
        if (f != ESIMLPA_AT_NOT_FINAL) {
            snprintf(t->final, sizeof t->final, "%.90s", t->line);
            if (f == ESIMLPA_AT_FINAL_ERROR)
                return AT_FINAL_ERROR;
            if (malformed) {
                set_error(t, "%s: malformed answer from the modem", what);
                return ESIMLPA_ETRANSPORT;
            }
            return ESIMLPA_OK;
        }
        if (esimlpa__at_is_echo(t->line))
            continue;
        if (fn && matched && !*matched) {
            int m = fn(t, t->line, arg);
            if (m == 1)
                *matched = 1;
            else if (m < 0)
                malformed = 1;
        }
        /* anything else: an unsolicited result code (RING, +CREG: ...), skipped */
    }
    if (rc == ESIMLPA_ETIMEOUT)
        set_error(t, "%s: no answer from the modem within %u ms", what, timeout_ms);
    else if (rc == ESIMLPA_ECARDREMOVED)
        set_error(t, "%s: the modem closed the line %s (device unplugged or reset?)", what,
                  t->device);
    else
        set_error(t, "%s: I/O error on %s", what, t->device);
    return rc;
}

static int error_answer(struct at_transport *t, const char *what)
{
    set_error(t, "%s: the modem answered %s", what, t->final[0] ? t->final : "ERROR");
    return ESIMLPA_ETRANSPORT;
}

/* flock(2) on the open device until t->lock_deadline: other programs that
 * lock the device node itself keep out while we hold it. */
static int flock_device(struct at_transport *t)
{
    int r = esimlpa__flock_fd_until(t->fd, t->lock_deadline);
    if (r == ESIMLPA_EBUSY) {
        set_error(t, "%s is locked (flock) by another program", t->device);
        return r;
    }
    t->fd_locked = r;   /* 0: a device that cannot be flocked; the UUCP lock stands */
    return ESIMLPA_OK;
}

/* One owner per modem for an operation: the UUCP lock file that serial tools
 * honour, then flock(2) on the device once it is open. */
static int at_lock(void *user, long wait_ms)
{
    struct at_transport *t = user;
    if (t->locked)
        return ESIMLPA_OK;
    char err[600];
    int rc = esimlpa__uucp_lock(t->device, wait_ms, t->lock_path, sizeof t->lock_path, err,
                                sizeof err);
    if (rc != ESIMLPA_OK) {
        set_error(t, "%s", err);
        return rc;
    }
    t->locked = 1;
    t->lock_deadline = esimlpa__mono_ms() + (wait_ms > 0 ? wait_ms : 0);
    if (t->fd >= 0 && (rc = flock_device(t)) != ESIMLPA_OK) {
        esimlpa__uucp_unlock(t->lock_path);
        t->locked = 0;
    }
    return rc;
}

static void at_unlock(void *user)
{
    struct at_transport *t = user;
    if (t->fd_locked && t->fd >= 0)
        flock(t->fd, LOCK_UN);
    t->fd_locked = 0;
    if (t->locked)
        esimlpa__uucp_unlock(t->lock_path);
    t->locked = 0;
}

static void at_disconnect(void *user)
{
    struct at_transport *t = user;
    if (t->fd >= 0)
        close(t->fd);
    t->fd = -1;
    t->fd_locked = 0;
    t->have_session = 0;
    t->use_csim = t->force_csim;
    t->rx_off = t->rx_len = 0;
    t->line_len = 0;
}

static int at_connect(void *user)
{
    struct at_transport *t = user;
    at_disconnect(t);
    t->last_error[0] = '\0';
    int rc0;
    int fd = esimlpa__at_serial_open(t->device, t->baud, t->last_error, sizeof t->last_error);
    if (fd < 0)
        return fd;
    t->fd = fd;
    if (t->locked && (rc0 = flock_device(t)) != ESIMLPA_OK) {
        at_disconnect(t);
        return rc0;
    }

    /* Echo off; some modems need a first command to wake up, so try twice. */
    int rc = at_command(t, "ATE0", t->probe_ms, NULL, NULL, NULL);
    if (rc == ESIMLPA_ETIMEOUT)
        rc = at_command(t, "ATE0", t->probe_ms, NULL, NULL, NULL);
    if (rc < 0) {
        if (rc == ESIMLPA_ETIMEOUT)
            set_error(t, "ATE0: no answer from %s within %u ms (not an AT port, or wrong speed?)",
                      t->device, t->probe_ms);
        at_disconnect(t);
        return rc;
    }
    if (!t->force_csim) {
        /* The test command only informs: a modem that does not answer it
         * (or answers ERROR) still gets AT+CCHO tried on open. */
        rc = at_command(t, "AT+CCHO=?", t->probe_ms, NULL, NULL, NULL);
        if (rc == ESIMLPA_ECARDREMOVED) {
            at_disconnect(t);
            return rc;
        }
    }
    t->last_error[0] = '\0';
    return ESIMLPA_OK;
}

static int match_channel(struct at_transport *t, const char *line, void *arg)
{
    (void)t;
    return esimlpa__at_parse_channel(line, arg) == 0 ? 1 : 0;
}

static int at_open_channel(void *user, const uint8_t *aid, size_t aid_len, uint8_t *channel)
{
    struct at_transport *t = user;
    if (t->use_csim) {
        set_error(t, "AT+CCHO not used: APDUs go through AT+CSIM");
        return ESIMLPA_EUNSUPPORTED;
    }
    if (!aid || aid_len == 0 || aid_len > 16 || !channel)
        return ESIMLPA_EINVAL;
    char cmd[16 + 2 * 16];
    int off = snprintf(cmd, sizeof cmd, "AT+CCHO=\"");
    for (size_t i = 0; i < aid_len; i++)
        off += snprintf(cmd + off, sizeof cmd - (size_t)off, "%02X", aid[i]);
    snprintf(cmd + off, sizeof cmd - (size_t)off, "\"");

    unsigned long session = 0;
    int matched = 0;
    int rc = at_command(t, cmd, t->timeout_ms, match_channel, &session, &matched);
    if (rc == AT_FINAL_ERROR) {
        /* No logical-channel commands (or they fail): the library opens the
         * channel with MANAGE CHANNEL + SELECT through AT+CSIM. */
        set_error(t, "AT+CCHO: the modem answered %s; using AT+CSIM", t->final);
        t->use_csim = 1;
        return ESIMLPA_EUNSUPPORTED;
    }
    if (rc != ESIMLPA_OK)
        return rc;
    if (!matched) {
        set_error(t, "AT+CCHO: OK without a channel number");
        return ESIMLPA_ETRANSPORT;
    }
    t->session = session;
    t->have_session = 1;
    /* The session id is usually the channel number; when it is not, the
     * modem routes AT+CGLA by session and the CLA bits only need to be valid. */
    *channel = (session >= 1 && session <= MAX_CHANNEL) ? (uint8_t)session : 1;
    return ESIMLPA_OK;
}

static int at_close_channel(void *user, uint8_t channel)
{
    struct at_transport *t = user;
    (void)channel;
    if (!t->have_session)
        return ESIMLPA_OK;
    char cmd[32];
    snprintf(cmd, sizeof cmd, "AT+CCHC=%lu", t->session);
    t->have_session = 0;
    int rc = at_command(t, cmd, t->timeout_ms, NULL, NULL, NULL);
    if (rc == AT_FINAL_ERROR)
        return error_answer(t, "AT+CCHC");
    return rc;
}

struct apdu_answer {
    const char *prefix;
    uint8_t *resp;
    size_t cap;
    long len;
};

static int match_apdu(struct at_transport *t, const char *line, void *arg)
{
    (void)t;
    struct apdu_answer *a = arg;
    long n = esimlpa__at_parse_apdu(line, a->prefix, a->resp, a->cap);
    if (n == -1)
        return 0;
    if (n < 0)
        return -2;
    a->len = n;
    return 1;
}

static int at_transmit(void *user, const uint8_t *cmd, size_t cmd_len, uint8_t *resp,
                       size_t *resp_len)
{
    struct at_transport *t = user;
    if (!cmd || cmd_len < 4 || cmd_len > MAX_CMD_APDU || !resp || !resp_len)
        return ESIMLPA_EINVAL;
    char line[40 + 2 * MAX_CMD_APDU];
    const char *what;
    int off;
    if (t->use_csim || !t->have_session) {
        what = "AT+CSIM";
        off = snprintf(line, sizeof line, "AT+CSIM=%zu,\"", cmd_len * 2);
    } else {
        what = "AT+CGLA";
        off = snprintf(line, sizeof line, "AT+CGLA=%lu,%zu,\"", t->session, cmd_len * 2);
    }
    for (size_t i = 0; i < cmd_len; i++)
        off += snprintf(line + off, sizeof line - (size_t)off, "%02X", cmd[i]);
    snprintf(line + off, sizeof line - (size_t)off, "\"");

    struct apdu_answer a = { what + 2, resp, *resp_len, 0 };
    int matched = 0;
    int rc = at_command(t, line, t->timeout_ms, match_apdu, &a, &matched);
    if (rc == AT_FINAL_ERROR)
        return error_answer(t, what);
    if (rc != ESIMLPA_OK)
        return rc;
    if (!matched || a.len < 2) {
        set_error(t, "%s: OK without a response APDU", what);
        return ESIMLPA_ETRANSPORT;
    }
    *resp_len = (size_t)a.len;
    return ESIMLPA_OK;
}

int esimlpa_at_transport_new(const struct esimlpa_at_options *opts,
                             struct esimlpa_apdu_transport **out)
{
    if (out)
        *out = NULL;
    if (!opts || !out || opts->version != ESIMLPA_AT_OPTIONS_VERSION || !opts->device ||
        !opts->device[0])
        return ESIMLPA_EINVAL;
    struct at_transport *t = calloc(1, sizeof *t);
    if (!t)
        return ESIMLPA_ENOMEM;
    t->device = strdup(opts->device);
    if (!t->device) {
        free(t);
        return ESIMLPA_ENOMEM;
    }
    t->baud = opts->baud ? opts->baud : DEFAULT_BAUD;
    t->timeout_ms = opts->timeout_ms ? opts->timeout_ms : DEFAULT_TIMEOUT_MS;
    t->probe_ms = opts->probe_timeout_ms ? opts->probe_timeout_ms : DEFAULT_PROBE_MS;
    t->force_csim = opts->force_csim ? 1 : 0;
    t->use_csim = t->force_csim;
    t->fd = -1;
    t->pub.version = ESIMLPA_APDU_TRANSPORT_VERSION;
    t->pub.user = t;
    t->pub.connect = at_connect;
    t->pub.disconnect = at_disconnect;
    t->pub.transmit = at_transmit;
    t->pub.open_logical_channel = at_open_channel;
    t->pub.close_logical_channel = at_close_channel;
    t->pub.lock = at_lock;
    t->pub.unlock = at_unlock;
    *out = &t->pub;
    return ESIMLPA_OK;
}

void esimlpa_at_transport_free(struct esimlpa_apdu_transport *pub)
{
    if (!pub)
        return;
    struct at_transport *t = (struct at_transport *)pub;
    at_unlock(t);
    at_disconnect(t);
    free(t->device);
    free(t);
}

const char *esimlpa_at_transport_last_error(const struct esimlpa_apdu_transport *pub)
{
    if (!pub)
        return "";
    return ((const struct at_transport *)pub)->last_error;
}

int esimlpa_at_transport_uses_csim(const struct esimlpa_apdu_transport *pub)
{
    return pub ? ((const struct at_transport *)pub)->use_csim : 0;
}
