/* SPDX-License-Identifier: MIT */
/* MBIM requests over one connection: MBIM_OPEN / MBIM_CLOSE, commands with
 * their transaction ids and fragments, and libmbim's proxy configuration
 * (service "proxy control" 838cf7fb-..., CID 1: DevicePath string, Timeout). */
#include "mbim_internal.h"
#include "qmi_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <esimlpa/error.h>

static void set_err(struct mbim_conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_err(struct mbim_conn *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err, sizeof c->err, fmt, ap);
    va_end(ap);
    for (char *p = c->err; *p; p++)   /* the device path is the user's; keep it one line */
        if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
            *p = '?';
}

static uint32_t next_tid(struct mbim_conn *c)
{
    c->tid = c->tid >= 0x7fffffffu ? 1 : c->tid + 1;
    return c->tid;
}

int esimlpa__mbim_fail(struct mbim_conn *c, const char *what, uint32_t status)
{
    const char *name = esimlpa__mbim_status_name(status);
    set_err(c, "%s: MBIM status %s (0x%08x)", what, name ? name : "Unknown", (unsigned)status);
    return esimlpa__mbim_status_code(status);
}

static int io_fail(struct mbim_conn *c, const char *what, int rc, int cerr)
{
    if (rc == ESIMLPA_ETIMEOUT)
        set_err(c, "%s: no answer from %s within %u ms", what, c->device, c->timeout_ms);
    else if (rc == ESIMLPA_ECARDREMOVED) {
        c->gone = 1;
        set_err(c, "%s: %s closed (device unplugged or modem reset?)", what, c->device);
    } else if (cerr)
        set_err(c, "%s: %s from %s", what, esimlpa__mbim_codec_strerror(cerr), c->device);
    else
        set_err(c, "%s: I/O error on %s", what, c->device);
    return rc;
}

/* Wait for the answer of @type to @tid; indications and other traffic are
 * skipped. 0 with *m, or a negative ESIMLPA_E* code. */
static int wait_answer(struct mbim_conn *c, const char *what, uint32_t type, uint32_t tid,
                       long long deadline, struct mbim_msg *m)
{
    for (;;) {
        const uint8_t *frame;
        int cerr;
        long n = esimlpa__mbim_read(c->fd, &c->rd, &frame, deadline, &cerr);
        if (n < 0)
            return io_fail(c, what, (int)n, cerr);
        int r = esimlpa__mbim_reasm_feed(&c->ra, frame, (size_t)n, m);
        if (r < 0)
            return io_fail(c, what, ESIMLPA_ETRANSPORT, r);
        if (r == 0)
            continue;
        if (m->type == MBIM_FUNCTION_ERROR_MSG && (m->tid == tid || m->tid == 0)) {
            const char *name = esimlpa__mbim_error_name(m->cmd_type_or_status);
            set_err(c, "%s: MBIM function error %s (%u)", what, name ? name : "Unknown",
                    (unsigned)m->cmd_type_or_status);
            return m->cmd_type_or_status == MBIM_ERR_NOT_OPENED ? ESIMLPA_ESTATE
                                                                 : ESIMLPA_ETRANSPORT;
        }
        if (m->type == type && m->tid == tid)
            return ESIMLPA_OK;
        /* indications, late answers to a timed-out request: skip */
    }
}

static int usable(struct mbim_conn *c, const char *what)
{
    if (c->fd >= 0 && !c->gone)
        return ESIMLPA_OK;
    set_err(c, "%s: MBIM device not open", what);
    return c->gone ? ESIMLPA_ECARDREMOVED : ESIMLPA_ESTATE;
}

int esimlpa__mbim_command(struct mbim_conn *c, const uint8_t uuid[16], uint32_t cid,
                          uint32_t cmd_type, const struct mbim_builder *b, const char *what,
                          struct mbim_msg *resp, uint32_t *status)
{
    *status = 0;
    int rc = usable(c, what);
    if (rc != ESIMLPA_OK)
        return rc;
    if (b->overflow) {
        set_err(c, "%s: request too large", what);
        return ESIMLPA_EINVAL;
    }
    uint32_t tid = next_tid(c);
    long long deadline = esimlpa__mono_ms() + c->timeout_ms;
    uint8_t frag[MBIM_MAX_CONTROL];
    size_t max = c->max_xfer && c->max_xfer <= sizeof frag ? c->max_xfer : sizeof frag;
    size_t n;
    for (uint32_t i = 0; (n = esimlpa__mbim_fragment(b, MBIM_COMMAND_MSG, tid, uuid, cid,
                                                      cmd_type, max, i, frag)) > 0; i++) {
        rc = esimlpa__qmi_write(c->fd, frag, n, deadline);
        if (rc != ESIMLPA_OK)
            return io_fail(c, what, rc, 0);
    }
    for (;;) {
        rc = wait_answer(c, what, MBIM_COMMAND_DONE, tid, deadline, resp);
        if (rc != ESIMLPA_OK)
            return rc;
        if (memcmp(resp->uuid, uuid, 16) != 0 || resp->cid != cid)
            continue;
        break;
    }
    *status = resp->cmd_type_or_status;
    if (*status != MBIM_STATUS_SUCCESS) {
        esimlpa__mbim_fail(c, what, *status);
        return MBIM_FAILED;
    }
    return ESIMLPA_OK;
}

int esimlpa__mbim_open(struct mbim_conn *c)
{
    static const char what[] = "MBIM Open";
    int rc = usable(c, what);
    if (rc != ESIMLPA_OK)
        return rc;
    uint8_t buf[16];
    uint32_t tid = next_tid(c);
    long long deadline = esimlpa__mono_ms() + c->timeout_ms;
    size_t n = esimlpa__mbim_simple(MBIM_OPEN_MSG, tid, 1, c->max_xfer, buf);
    rc = esimlpa__qmi_write(c->fd, buf, n, deadline);
    if (rc != ESIMLPA_OK)
        return io_fail(c, what, rc, 0);
    struct mbim_msg m;
    rc = wait_answer(c, what, MBIM_OPEN_DONE, tid, deadline, &m);
    if (rc != ESIMLPA_OK)
        return rc;
    if (m.cmd_type_or_status != MBIM_STATUS_SUCCESS)
        return esimlpa__mbim_fail(c, what, m.cmd_type_or_status);
    return ESIMLPA_OK;
}

void esimlpa__mbim_close(struct mbim_conn *c)
{
    if (usable(c, "MBIM Close") != ESIMLPA_OK)
        return;
    uint8_t buf[16];
    uint32_t tid = next_tid(c);
    long long deadline = esimlpa__mono_ms() + c->timeout_ms;
    size_t n = esimlpa__mbim_simple(MBIM_CLOSE_MSG, tid, 0, 0, buf);
    if (esimlpa__qmi_write(c->fd, buf, n, deadline) != ESIMLPA_OK)
        return;
    struct mbim_msg m;
    wait_answer(c, "MBIM Close", MBIM_CLOSE_DONE, tid, deadline, &m);
}

int esimlpa__mbim_proxy_config(struct mbim_conn *c, const char *device)
{
    /* DevicePath as an MBIM string: offset, size in bytes, UTF-16LE. */
    struct mbim_builder b;
    esimlpa__mbim_info_reset(&b);
    size_t off = esimlpa__mbim_info_slot(&b), size = esimlpa__mbim_info_slot(&b);
    esimlpa__mbim_info_u32(&b, (c->timeout_ms + 999) / 1000);
    size_t len = strlen(device);
    if (len > 1024) {
        set_err(c, "mbim-proxy configuration: device path too long");
        return ESIMLPA_EINVAL;
    }
    uint8_t u16[2048];
    for (size_t i = 0; i < len; i++) {
        u16[2 * i] = (uint8_t)device[i];   /* paths are ASCII; others become '?' */
        if ((unsigned char)device[i] >= 0x80)
            u16[2 * i] = '?';
        u16[2 * i + 1] = 0;
    }
    size_t at = esimlpa__mbim_info_data(&b, u16, 2 * len);
    esimlpa__mbim_info_set32(&b, off, (uint32_t)at);
    esimlpa__mbim_info_set32(&b, size, (uint32_t)(2 * len));
    struct mbim_msg m;
    uint32_t st;
    int rc = esimlpa__mbim_command(c, esimlpa__mbim_uuid_proxy_control,
                                   MBIM_CID_PROXY_CONFIGURATION, MBIM_CMD_SET, &b,
                                   "mbim-proxy configuration", &m, &st);
    if (rc == MBIM_FAILED)
        return esimlpa__mbim_status_code(st);
    return rc;
}
