/* SPDX-License-Identifier: MIT */
/*
 * A tiny malloc interposer for the benchmark client: it forwards to glibc's
 * allocator (__libc_malloc & co.) and keeps the bytes currently allocated
 * (malloc_usable_size of each block) and their peak. Counts every allocation
 * of the process: libesimlpa, libcurl, OpenSSL, cJSON, pcsc-lite.
 * glibc only; not built with sanitizers (they bring their own allocator).
 */
#include "heap_count.h"

#include <errno.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stddef.h>

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
extern void *__libc_memalign(size_t align, size_t n);
extern void __libc_free(void *p);

static atomic_size_t cur_bytes, peak_bytes, n_allocs;

static void count_add(void *p)
{
    if (!p)
        return;
    size_t now = atomic_fetch_add(&cur_bytes, malloc_usable_size(p)) + malloc_usable_size(p);
    size_t peak = atomic_load(&peak_bytes);
    while (now > peak && !atomic_compare_exchange_weak(&peak_bytes, &peak, now)) {
    }
    atomic_fetch_add(&n_allocs, 1);
}

static void count_sub(void *p)
{
    if (p)
        atomic_fetch_sub(&cur_bytes, malloc_usable_size(p));
}

void *malloc(size_t n)
{
    void *p = __libc_malloc(n);
    count_add(p);
    return p;
}

void *calloc(size_t n, size_t size)
{
    void *p = __libc_calloc(n, size);
    count_add(p);
    return p;
}

void *realloc(void *p, size_t n)
{
    if (!p)
        return malloc(n);
    size_t old = malloc_usable_size(p);
    void *q = __libc_realloc(p, n);
    if (q) {
        atomic_fetch_sub(&cur_bytes, old);
        count_add(q);
    } else if (n == 0) {
        atomic_fetch_sub(&cur_bytes, old);   /* glibc: realloc(p, 0) frees p */
    }
    return q;
}

void free(void *p)
{
    count_sub(p);
    __libc_free(p);
}

void *memalign(size_t align, size_t n)
{
    void *p = __libc_memalign(align, n);
    count_add(p);
    return p;
}

void *aligned_alloc(size_t align, size_t n)
{
    return memalign(align, n);
}

int posix_memalign(void **out, size_t align, size_t n)
{
    if (align < sizeof(void *) || (align & (align - 1)))
        return EINVAL;
    void *p = memalign(align, n);
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}

void heap_count_get(struct heap_count *out)
{
    out->current = atomic_load(&cur_bytes);
    out->peak = atomic_load(&peak_bytes);
    out->allocations = atomic_load(&n_allocs);
}

void heap_count_reset_peak(void)
{
    atomic_store(&peak_bytes, atomic_load(&cur_bytes));
}
