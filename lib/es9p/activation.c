/* SPDX-License-Identifier: MIT */
/* Activation code parser (SGP.22 §4.1; notes §2.1, pitfalls 27 and 28):
 * [LPA:]1$<SM-DP+ address>$<matching ID>[$<OID>[$<CC required flag>]] */
#include "es9p_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <esimlpa/activation.h>
#include <esimlpa/error.h>

#define AC_MAX_FIELDS 5

struct field {
    const char *p;
    size_t len;
};

static int ac_fail(char *err, size_t err_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int ac_fail(char *err, size_t err_len, const char *fmt, ...)
{
    if (err && err_len) {
        int n = snprintf(err, err_len, "activation code: ");
        if (n > 0 && (size_t)n < err_len) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(err + n, err_len - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return ESIMLPA_EBADACTIVATION;
}

static int is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static char *dup_n(const char *p, size_t n)
{
    char *s = malloc(n + 1);
    if (s) {
        memcpy(s, p, n);
        s[n] = '\0';
    }
    return s;
}

/* Dotted decimal with at least two arcs, e.g. 1.3.6.1.4.1.31746. */
static int oid_ok(const char *p, size_t len)
{
    size_t arcs = 0, digits = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || p[i] == '.') {
            if (digits == 0)
                return 0;
            arcs++;
            digits = 0;
        } else if (p[i] >= '0' && p[i] <= '9') {
            if (++digits > 20)
                return 0;
        } else {
            return 0;
        }
    }
    return arcs >= 2;
}

int esimlpa_activation_code_parse_ex(const char *text, struct esimlpa_activation_code *out,
                                     char *err, size_t err_len)
{
    if (err && err_len)
        err[0] = '\0';
    if (!out) {
        if (err && err_len)
            snprintf(err, err_len, "activation code: no output");
        return ESIMLPA_EINVAL;
    }
    memset(out, 0, sizeof *out);
    if (!text) {
        if (err && err_len)
            snprintf(err, err_len, "activation code: no text");
        return ESIMLPA_EINVAL;
    }

    size_t len = strnlen(text, ESIMLPA_AC_MAX_LEN + 1);
    if (len > ESIMLPA_AC_MAX_LEN)
        return ac_fail(err, err_len, "longer than %d characters", ESIMLPA_AC_MAX_LEN);
    const char *s = text;
    while (len && is_ws((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len && is_ws((unsigned char)s[len - 1]))
        len--;
    if (len >= 4 && strncasecmp(s, "LPA:", 4) == 0) {
        s += 4;
        len -= 4;
    }
    if (len == 0)
        return ac_fail(err, err_len, "empty");

    struct field f[AC_MAX_FIELDS];
    size_t nf = 0, start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || s[i] == '$') {
            if (nf == AC_MAX_FIELDS)
                return ac_fail(err, err_len, "more than %d '$'-separated fields",
                               AC_MAX_FIELDS);
            f[nf].p = s + start;
            f[nf].len = i - start;
            nf++;
            start = i + 1;
        }
    }

    /* Field 1: AC_Format. */
    if (f[0].len != 1 || f[0].p[0] != '1') {
        int shown = f[0].len > 16 ? 16 : (int)f[0].len;
        for (int i = 0; i < shown; i++)
            if ((unsigned char)f[0].p[i] < 0x20 || f[0].p[i] == 0x7F)
                shown = i;
        return ac_fail(err, err_len, "AC_Format must be 1, got \"%.*s\"", shown, f[0].p);
    }
    /* Field 2: SM-DP+ address. */
    if (nf < 2 || f[1].len == 0)
        return ac_fail(err, err_len, "SM-DP+ address is missing");
    char why[96];
    if (esimlpa__es9p_address_check(f[1].p, f[1].len, why, sizeof why) != 0)
        return ac_fail(err, err_len, "SM-DP+ address %s", why);
    /* Field 3: matching ID (AC_Token): may be empty; any printable text,
     * including UTF-8 (pitfall 27), but no control characters. */
    if (nf < 3)
        return ac_fail(err, err_len, "matching ID field is missing (expected 1$address$matchingId)");
    if (f[2].len > ESIMLPA_AC_MAX_MATCHING_ID)
        return ac_fail(err, err_len, "matching ID is longer than %d bytes",
                       ESIMLPA_AC_MAX_MATCHING_ID);
    for (size_t i = 0; i < f[2].len; i++) {
        unsigned char c = (unsigned char)f[2].p[i];
        if (c < 0x20 || c == 0x7F)
            return ac_fail(err, err_len, "matching ID contains a control character (0x%02X)", c);
    }
    /* Field 4: SM-DP+ OID, optional and possibly empty ("$$1", pitfall 28). */
    if (nf >= 4 && f[3].len) {
        if (f[3].len > ESIMLPA_AC_MAX_OID || !oid_ok(f[3].p, f[3].len))
            return ac_fail(err, err_len, "SM-DP+ OID is not a dotted-decimal OID");
    }
    /* Field 5: confirmation code required flag: "1" or empty. */
    int cc = 0;
    if (nf == 5 && f[4].len) {
        if (f[4].len != 1 || f[4].p[0] != '1')
            return ac_fail(err, err_len, "confirmation code required flag must be \"1\" or empty");
        cc = 1;
    }

    out->smdp_address = dup_n(f[1].p, f[1].len);
    out->matching_id = dup_n(f[2].p, f[2].len);
    if (nf >= 4 && f[3].len)
        out->smdp_oid = dup_n(f[3].p, f[3].len);
    if (!out->smdp_address || !out->matching_id || (nf >= 4 && f[3].len && !out->smdp_oid)) {
        esimlpa_activation_code_clear(out);
        if (err && err_len)
            snprintf(err, err_len, "activation code: out of memory");
        return ESIMLPA_ENOMEM;
    }
    out->cc_required = cc;
    return ESIMLPA_OK;
}

int esimlpa_activation_code_parse(const char *text, struct esimlpa_activation_code *out)
{
    return esimlpa_activation_code_parse_ex(text, out, NULL, 0);
}

void esimlpa_activation_code_clear(struct esimlpa_activation_code *ac)
{
    if (!ac)
        return;
    free(ac->smdp_address);
    free(ac->matching_id);
    free(ac->smdp_oid);
    memset(ac, 0, sizeof *ac);
}
