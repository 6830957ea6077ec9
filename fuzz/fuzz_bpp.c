/* SPDX-License-Identifier: MIT */
/* BoundProfilePackage cutter (SGP.22 §2.5.5, notes §6.3): the segments must
 * partition the input exactly, or the input is refused. */
#include <stdlib.h>
#include <string.h>

#include "es10/es10_download.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct esimlpa__bpp_segment *segs = NULL;
    size_t n = 0;
    char why[160];
    if (esimlpa__bpp_cut(data, size, &segs, &n, why, sizeof why) == 0) {
        size_t off = 0;
        for (size_t i = 0; i < n; i++) {
            if (segs[i].off != off || segs[i].len == 0 || segs[i].hdr_len > segs[i].len)
                abort();
            off += segs[i].len;
        }
        if (off != size)
            abort();
        free(segs);
    }
    uint8_t *md = NULL;
    size_t md_len = 0;
    if (esimlpa__bpp_metadata(data, size, &md, &md_len) == 0) {
        if (md_len > size)
            abort();
        free(md);
    }
    return 0;
}
