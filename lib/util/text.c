/* SPDX-License-Identifier: MIT */
/* Untrusted text made safe to show (esimlpa/text.h) and the check that
 * keeps control characters out of what we write to the card. */
#include <stdio.h>
#include <string.h>

#include <esimlpa/text.h>

#include "util_internal.h"

size_t esimlpa__utf8_next(const unsigned char *s, size_t n, unsigned long *cp)
{
    if (n == 0)
        return 0;
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    unsigned long v, min;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2, v = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;                       /* continuation byte, C0/C1 lead, F5..FF */
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;                       /* overlong, out of range, surrogate */
    *cp = v;
    return len;
}

/* Characters that change how a terminal shows what follows them. */
static int is_invisible_control(unsigned long cp)
{
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x200E ||
           cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
           cp == 0xFEFF;
}

int esimlpa__text_has_controls(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        unsigned long cp;
        size_t k = esimlpa__utf8_next(p + i, n - i, &cp);
        if (k == 0 || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
            return 1;
        i += k;
    }
    return 0;
}

static size_t transform(const char *in, char *out, size_t out_size, int escape)
{
    const unsigned char *p = (const unsigned char *)(in ? in : "");
    size_t n = strlen((const char *)p), used = 0, written = 0;
    int full = 0;
    for (size_t i = 0; i < n;) {
        char buf[12];
        size_t len;
        unsigned long cp;
        size_t k = esimlpa__utf8_next(p + i, n - i, &cp);
        if (k == 0) {
            if (escape)
                len = (size_t)snprintf(buf, sizeof buf, "\\x%02x", p[i]);
            else
                memcpy(buf, "\xEF\xBF\xBD", len = 3);
            k = 1;
        } else if (escape && cp < 0x100 && is_invisible_control(cp)) {
            len = (size_t)snprintf(buf, sizeof buf, "\\x%02lx", cp);
        } else if (escape && is_invisible_control(cp)) {
            len = (size_t)snprintf(buf, sizeof buf, "\\u%04lx", cp);
        } else if (escape && cp == '\\') {
            memcpy(buf, "\\\\", len = 2);
        } else {
            memcpy(buf, p + i, len = k);
        }
        if (!full && out && written + len < out_size) {
            memcpy(out + written, buf, len);
            written += len;
        } else {
            full = 1;
        }
        used += len;
        i += k;
    }
    if (out && out_size)
        out[written] = '\0';
    return used;
}

size_t esimlpa_text_escape(const char *in, char *out, size_t out_size)
{
    return transform(in, out, out_size, 1);
}

size_t esimlpa_text_utf8_repair(const char *in, char *out, size_t out_size)
{
    return transform(in, out, out_size, 0);
}
