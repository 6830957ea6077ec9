/* SPDX-License-Identifier: MIT */
/* Parsing of AT modem answers (3GPP TS 27.007 §8.17 AT+CSIM, §8.43-8.45
 * AT+CCHO/CCHC/CGLA), tolerant of the formats modems actually send. */
#include "at_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *skip_sp(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* Line without trailing blanks: length of s up to the last non-blank. */
static size_t trimmed_len(const char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    return n;
}

/* Skip "<prefix>:" (any case) at the start of s; NULL if it is not there. */
static const char *skip_prefix(const char *s, const char *prefix)
{
    size_t n = strlen(prefix);
    if (strncasecmp(s, prefix, n) != 0 || s[n] != ':')
        return NULL;
    return skip_sp(s + n + 1);
}

enum esimlpa_at_final esimlpa__at_final(const char *line)
{
    const char *s = skip_sp(line);
    size_t n = trimmed_len(s);
    if (n == 2 && strncasecmp(s, "OK", 2) == 0)
        return ESIMLPA_AT_FINAL_OK;
    if (n == 5 && strncasecmp(s, "ERROR", 5) == 0)
        return ESIMLPA_AT_FINAL_ERROR;
    if (strncasecmp(s, "+CME ERROR", 10) == 0 || strncasecmp(s, "+CMS ERROR", 10) == 0 ||
        strncasecmp(s, "COMMAND NOT SUPPORT", 19) == 0)
        return ESIMLPA_AT_FINAL_ERROR;
    return ESIMLPA_AT_NOT_FINAL;
}

int esimlpa__at_is_echo(const char *line)
{
    const char *s = skip_sp(line);
    return (s[0] == 'A' || s[0] == 'a') && (s[1] == 'T' || s[1] == 't');
}

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

/* Token of s (after an optional opening quote) up to the closing quote or
 * the end; *end points past it. Returns the token length or -1 when a quote
 * is not closed or text follows. */
static long token(const char *s, const char **tok, const char **end)
{
    int quoted = (*s == '"');
    if (quoted)
        s++;
    const char *t = s;
    while (*s && *s != '"' && *s != ',' && *s != ' ' && *s != '\t' && *s != '\r')
        s++;
    long n = (long)(s - t);
    if (quoted) {
        if (*s != '"')
            return -1;
        s++;
    }
    *tok = t;
    *end = s;
    return n;
}

int esimlpa__at_parse_channel(const char *line, unsigned long *ch)
{
    const char *s = skip_sp(line);
    const char *p = skip_prefix(s, "+CCHO");
    if (p)
        s = p;
    else if (*s == '+' || *s == '^')
        return -1;              /* some other unsolicited result */
    const char *t, *end;
    long n = token(s, &t, &end);
    if (n <= 0 || n > 10 || *skip_sp(end) != '\0')
        return -1;
    int base = 10;
    if (n > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
        t += 2;
        n -= 2;
        base = 16;
    }
    unsigned long v = 0;
    for (long i = 0; i < n; i++) {
        int d = hexval(t[i]);
        if (d < 0)
            return -1;
        if (d > 9)
            base = 16;
    }
    for (long i = 0; i < n; i++)
        v = v * (unsigned long)base + (unsigned long)hexval(t[i]);
    *ch = v;
    return 0;
}

/* Decode n hex digits into out (n even, n/2 <= cap). -2 when malformed. */
static long unhex(const char *t, long n, uint8_t *out, size_t cap)
{
    if (n % 2 != 0 || (size_t)(n / 2) > cap)
        return -2;
    for (long i = 0; i < n; i += 2) {
        int hi = hexval(t[i]), lo = hexval(t[i + 1]);
        if (hi < 0 || lo < 0)
            return -2;
        out[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    return n / 2;
}

static int all_hex(const char *t, long n)
{
    for (long i = 0; i < n; i++)
        if (hexval(t[i]) < 0)
            return 0;
    return 1;
}

long esimlpa__at_parse_apdu(const char *line, const char *prefix, uint8_t *out, size_t cap)
{
    const char *s = skip_sp(line);
    const char *p = skip_prefix(s, prefix);
    int prefixed = (p != NULL);
    if (prefixed)
        s = p;
    else if (*s == '+' || *s == '^' || *s == '*' || *s == '\0')
        return -1;              /* an unsolicited result, not our answer */

    const char *t, *end;
    long n = token(s, &t, &end);
    if (n < 0)
        return prefixed ? -2 : -1;
    end = skip_sp(end);
    if (*end == ',') {
        /* <length>,<response>: the length counts hex digits (27.007) or,
         * on some modems, bytes. */
        if (n == 0 || n > 4)
            return prefixed ? -2 : -1;
        char *e;
        char num[8];
        memcpy(num, t, (size_t)n);
        num[n] = '\0';
        unsigned long len = strtoul(num, &e, 10);
        if (*e != '\0')
            return prefixed ? -2 : -1;
        const char *d, *dend;
        long dn = token(skip_sp(end + 1), &d, &dend);
        if (dn < 0 || *skip_sp(dend) != '\0')
            return -2;
        if (!all_hex(d, dn))
            return prefixed ? -2 : -1;
        if (len != (unsigned long)dn && len * 2 != (unsigned long)dn)
            return -2;
        if (dn < 4)
            return -2;          /* at least SW1 SW2 */
        return unhex(d, dn, out, cap);
    }
    /* Only the response, e.g. "9000" or "\"6F1A...9000\"". */
    if (*end != '\0' || n < 4 || !all_hex(t, n))
        return prefixed ? -2 : -1;
    return unhex(t, n, out, cap);
}
