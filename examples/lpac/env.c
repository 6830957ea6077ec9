/* SPDX-License-Identifier: MIT */
#include "env.h"

#include <stdlib.h>
#include <strings.h>

const char *env_str(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

int env_bool(const char *name, int dflt)
{
    static const char *const on[] = { "1", "y", "on", "yes", "true" };
    static const char *const off[] = { "0", "n", "off", "no", "false" };
    const char *v = env_str(name);
    if (!v)
        return dflt;
    for (size_t i = 0; i < sizeof on / sizeof on[0]; i++) {
        if (strcasecmp(v, on[i]) == 0)
            return 1;
        if (strcasecmp(v, off[i]) == 0)
            return 0;
    }
    return dflt;
}
