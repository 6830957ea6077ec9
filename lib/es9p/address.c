/* SPDX-License-Identifier: MIT */
/* Server address check shared by the activation-code parser and the ES9+
 * client: an FQDN with an optional ":port", nothing that could change the
 * URL https://<address>/gsma/rsp2/es9plus/... (SGP.22 notes §2.1, §5.1). */
#include "es9p_internal.h"

#include <stdio.h>
#include <string.h>

#include <esimlpa/activation.h>

static int host_char_ok(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_';
}

static int why_set(char *why, size_t why_len, const char *msg, unsigned char c)
{
    if (why && why_len) {
        if (c >= 0x21 && c < 0x7F)
            snprintf(why, why_len, "%s '%c'", msg, c);
        else if (c)
            snprintf(why, why_len, "%s (byte 0x%02X)", msg, c);
        else
            snprintf(why, why_len, "%s", msg);
    }
    return -1;
}

int esimlpa__es9p_address_check(const char *addr, size_t len, char *why, size_t why_len)
{
    if (why && why_len)
        why[0] = '\0';
    if (!addr || len == 0)
        return why_set(why, why_len, "is empty", 0);
    if (len > ESIMLPA_AC_MAX_ADDRESS)
        return why_set(why, why_len, "is too long", 0);
    for (size_t i = 0; i + 2 < len; i++)
        if (addr[i] == ':' && addr[i + 1] == '/' && addr[i + 2] == '/')
            return why_set(why, why_len, "must not contain a scheme (like https://)", 0);

    size_t host_end = len;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)addr[i];
        if (c == ':') {
            host_end = i;
            break;
        }
        if (c == '/')
            return why_set(why, why_len, "must not contain a path", 0);
        if (c == ' ' || c == '\t')
            return why_set(why, why_len, "must not contain spaces", 0);
        if (c != '.' && !host_char_ok(c))
            return why_set(why, why_len, "has an invalid character", c);
    }
    /* Labels: non-empty, at most 63 characters, no leading/trailing '-'. */
    size_t label = 0;
    for (size_t i = 0; i <= host_end; i++) {
        if (i == host_end || addr[i] == '.') {
            if (label == 0)
                return why_set(why, why_len, "has an empty host name label", 0);
            if (label > 63)
                return why_set(why, why_len, "has a host name label longer than 63", 0);
            if (addr[i - label] == '-' || addr[i - 1] == '-')
                return why_set(why, why_len, "has a host name label starting or ending with '-'",
                               0);
            label = 0;
        } else {
            label++;
        }
    }
    if (host_end < len) {
        size_t digits = len - host_end - 1;
        unsigned long port = 0;
        if (digits == 0 || digits > 5)
            return why_set(why, why_len, "has an invalid port", 0);
        for (size_t i = host_end + 1; i < len; i++) {
            unsigned char c = (unsigned char)addr[i];
            if (c == '/')
                return why_set(why, why_len, "must not contain a path", 0);
            if (c < '0' || c > '9')
                return why_set(why, why_len, "has an invalid port", 0);
            port = port * 10 + (unsigned long)(c - '0');
        }
        if (port == 0 || port > 65535)
            return why_set(why, why_len, "has a port out of range", 0);
    }
    return 0;
}
