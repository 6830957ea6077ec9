/* SPDX-License-Identifier: MIT */
/* Heap use of the benchmark process (heap_count.c). */
#ifndef BENCH_HEAP_COUNT_H
#define BENCH_HEAP_COUNT_H

#include <stddef.h>

struct heap_count {
    size_t current;      /* bytes allocated now (usable sizes) */
    size_t peak;         /* highest value of current since the last reset */
    size_t allocations;  /* malloc/calloc/realloc/memalign calls that succeeded */
};

void heap_count_get(struct heap_count *out);
/* Start a new peak measurement from the current level. */
void heap_count_reset_peak(void);

#endif
