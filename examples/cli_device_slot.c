/* SPDX-License-Identifier: MIT */
/* The DEVICE[:SLOT] and millisecond arguments shared by --qmi and --mbim. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The ":N" suffix when N is all digits, else NULL. */
static const char *slot_suffix(const char *v)
{
    const char *colon = strrchr(v, ':');
    return colon && colon[1] && strspn(colon + 1, "0123456789") == strlen(colon + 1) ? colon
                                                                                      : NULL;
}

int cli_device_slot_ok(const char *v)
{
    const char *colon = strrchr(v, ':'), *num = slot_suffix(v);
    return v[0] && colon != v && (!num || strcmp(num + 1, "1") == 0 || strcmp(num + 1, "2") == 0);
}

unsigned cli_device_slot_split(const char *v, char *dev, size_t cap)
{
    snprintf(dev, cap, "%s", v);
    char *num = (char *)slot_suffix(dev);
    if (!num)
        return 0;
    unsigned slot = (unsigned)strtoul(num + 1, NULL, 10);
    *num = '\0';
    return slot;
}

int cli_parse_ms(const char *v, long *ms)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *end || n < 0 || n > 60000)
        return -1;
    *ms = n;
    return 0;
}
