/* SPDX-License-Identifier: MIT */
/* Fault knobs: "FUNCTION:KIND[=ARG][:count=N]" with KIND one of
 *   status=SUBJECT/REASON  answer Failed with that code (HTTP 200)
 *   http=CODE              answer that HTTP status with a short text body
 *   delay=MS               answer normally after MS milliseconds
 *   close-before           close the connection without answering
 *   close-mid-body         send the headers and half the body, then close
 *   truncate               announce more body bytes than sent, then close
 *   corrupt                flip a byte in the middle of the body
 *   trickle=BPS            write the body at BPS bytes per second (a slow or hostile server)
 *   bpp-tlv                (getBoundProfilePackage) a valid answer whose package has the
 *                          tag of its middle 86 segment changed to 85: well-formed JSON and
 *                          base64, a TLV error half-way through the package
 *   pause=FILE             handle the request, create FILE, answer once FILE is
 *                          removed, or close when the client hangs up first (a test
 *                          signals the LPA while it waits here)
 * count=N: only the next N calls (default: always). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smdpp_internal.h"

static int parse_code(const char *v, char *subj, char *reas)
{
    const char *sl = strchr(v, '/');
    if (!sl || sl == v || !sl[1] || (size_t)(sl - v) >= 16 || strlen(sl + 1) >= 16)
        return -1;
    for (const char *c = v; *c; c++)
        if (!(*c == '.' || *c == '/' || (*c >= '0' && *c <= '9')))
            return -1;
    memcpy(subj, v, (size_t)(sl - v));
    subj[sl - v] = 0;
    strcpy(reas, sl + 1);
    return 0;
}

int smdpp_fault_parse(const char *spec, struct smdpp_fault *f, char *err, size_t errlen)
{
    char buf[256];
    memset(f, 0, sizeof *f);
    if (!spec || strlen(spec) >= sizeof buf) {
        snprintf(err, errlen, "fault spec missing or too long");
        return -1;
    }
    strcpy(buf, spec);
    char *save = NULL;
    char *fn = strtok_r(buf, ":", &save);
    f->fn = fn ? smdpp_fn_from_name(fn) : -1;
    if (f->fn < 0) {
        snprintf(err, errlen, "fault '%s': unknown function (initiateAuthentication, "
                 "authenticateClient, getBoundProfilePackage, handleNotification, cancelSession)",
                 spec);
        return -1;
    }
    const char *badtok = "";
    for (char *tok; (tok = strtok_r(NULL, ":", &save));) {
        badtok = tok;
        char *eq = strchr(tok, '=');
        const char *val = eq ? eq + 1 : NULL;
        if (eq)
            *eq = 0;
        char *end = NULL;
        if (!strcmp(tok, "count") && val) {
            unsigned long n = strtoul(val, &end, 10);
            if (*end || n == 0 || n > 1000000)
                goto bad;
            f->count = (unsigned)n;
        } else if (f->kind) {
            goto bad;  /* one kind per fault */
        } else if (!strcmp(tok, "status") && val) {
            if (parse_code(val, f->subject, f->reason))
                goto bad;
            f->kind = FAULT_STATUS;
        } else if (!strcmp(tok, "http") && val) {
            long c = strtol(val, &end, 10);
            if (*end || c < 100 || c > 599)
                goto bad;
            f->http = (int)c;
            f->kind = FAULT_HTTP;
        } else if (!strcmp(tok, "delay") && val) {
            unsigned long d = strtoul(val, &end, 10);
            if (*end || d > 600000)
                goto bad;
            f->delay_ms = (unsigned)d;
            f->kind = FAULT_DELAY;
        } else if (!strcmp(tok, "pause") && val && *val &&
                   strlen(val) < sizeof f->pause_file) {
            strcpy(f->pause_file, val);
            f->kind = FAULT_PAUSE;
        } else if (!strcmp(tok, "trickle") && val) {
            unsigned long b = strtoul(val, &end, 10);
            if (*end || b == 0 || b > 100000000 || val[0] == '-')
                goto bad;
            f->trickle_bps = b;
            f->kind = FAULT_TRICKLE;
        } else if (!strcmp(tok, "close-before") && !val) {
            f->kind = FAULT_CLOSE_BEFORE;
        } else if (!strcmp(tok, "close-mid-body") && !val) {
            f->kind = FAULT_CLOSE_MID_BODY;
        } else if (!strcmp(tok, "truncate") && !val) {
            f->kind = FAULT_TRUNCATE;
        } else if (!strcmp(tok, "corrupt") && !val) {
            f->kind = FAULT_CORRUPT;
        } else if (!strcmp(tok, "bpp-tlv") && !val && f->fn == FN_GET_BPP) {
            f->kind = FAULT_BPP_TLV;
        } else {
            goto bad;
        }
    }
    if (!f->kind) {
        snprintf(err, errlen, "fault '%s': no kind (status=S/R, http=N, delay=MS, close-before, "
                 "close-mid-body, truncate, corrupt, trickle=BPS, pause=FILE, bpp-tlv)", spec);
        return -1;
    }
    return 0;
bad:
    snprintf(err, errlen, "fault '%s': bad or repeated part '%s'", spec, badtok);
    return -1;
}

struct smdpp_fault *smdpp_fault_take(struct smdpp *s, int fn, int pre)
{
    for (size_t i = 0; i < s->n_faults; i++) {
        struct smdpp_fault *f = &s->faults[i];
        int is_pre = f->kind == FAULT_STATUS || f->kind == FAULT_HTTP ||
                     f->kind == FAULT_CLOSE_BEFORE;
        if (f->fn != fn || is_pre != !!pre || (f->count && f->used >= f->count) ||
            f->kind == FAULT_BPP_TLV)
            continue;
        f->used++;
        return f;
    }
    return NULL;
}

int smdpp_add_fault(struct smdpp *s, const char *spec, char *err, size_t errlen)
{
    struct smdpp_fault f;
    if (smdpp_fault_parse(spec, &f, err, errlen) != 0)
        return -1;
    pthread_mutex_lock(&s->lock);
    int rc = -1;
    if (s->n_faults < SMDPP_MAX_FAULTS) {
        s->faults[s->n_faults++] = f;
        rc = 0;
    } else {
        snprintf(err, errlen, "too many faults (max %d)", SMDPP_MAX_FAULTS);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

void smdpp_clear_faults(struct smdpp *s)
{
    pthread_mutex_lock(&s->lock);
    s->n_faults = 0;
    pthread_mutex_unlock(&s->lock);
}

struct smdpp_fault *smdpp_fault_take_bpp_tlv(struct smdpp *s)
{
    for (size_t i = 0; i < s->n_faults; i++) {
        struct smdpp_fault *f = &s->faults[i];
        if (f->kind != FAULT_BPP_TLV || (f->count && f->used >= f->count))
            continue;
        f->used++;
        return f;
    }
    return NULL;
}
