/* SPDX-License-Identifier: MIT */
/* The size rule of out structs (out_struct.h). */
#include "out_struct.h"

#include <string.h>

size_t esimlpa__out_size(const void *out)
{
    size_t n = 0;
    if (out)
        memcpy(&n, out, sizeof n);
    return n;
}

void esimlpa__out_copy(void *dst, const void *src, size_t src_size)
{
    size_t n = esimlpa__out_size(dst);
    if (n > src_size)
        n = src_size;
    if (n < sizeof(size_t))
        return;
    memcpy(dst, src, n);
    memcpy(dst, &n, sizeof n);
}
