/* SPDX-License-Identifier: MIT */
/* Locate the harness data files (see fuzz_data.h). */
#include "fuzz_data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char base[4096];
static int base_state;   /* 0 unknown, 1 found, -1 use compiled-in paths */

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static void find_base(void)
{
    if (base_state)
        return;
    base_state = -1;
    const char *env = getenv("ESIMLPA_FUZZ_DATA");
    if (env && *env) {
        snprintf(base, sizeof base, "%s", env);
        base_state = 1;
        return;
    }
    char exe[2048];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            snprintf(base, sizeof base, "%s/fuzz_data", exe);
            if (is_dir(base)) {
                base_state = 1;
                return;
            }
        }
    }
}

const char *fuzz_data_path(enum fuzz_data_kind kind, const char *file)
{
    static char out[8192];
    find_base();
    const char *dir = NULL;
    if (base_state == 1) {
        static char d[4200];
        snprintf(d, sizeof d, "%s/%s", base,
                 kind == FUZZ_DATA_PKI ? "pki" : kind == FUZZ_DATA_SEED ? "seed.json" : "profiles");
        dir = d;
    } else {
#if defined(FUZZ_PKI_DIR) && defined(FUZZ_SEED) && defined(FUZZ_PROFILES_DIR)
        dir = kind == FUZZ_DATA_PKI ? FUZZ_PKI_DIR : kind == FUZZ_DATA_SEED ? FUZZ_SEED
                                                                            : FUZZ_PROFILES_DIR;
#else
        fprintf(stderr, "fuzz: set ESIMLPA_FUZZ_DATA to the harness data directory\n");
        abort();
#endif
    }
    if (file)
        snprintf(out, sizeof out, "%s/%s", dir, file);
    else
        snprintf(out, sizeof out, "%s", dir);
    return out;
}
