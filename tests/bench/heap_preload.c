/* SPDX-License-Identifier: MIT */
/*
 * LD_PRELOAD companion of the side-by-side benchmark (run-bench.sh with LPAC=):
 * the malloc interposer of heap_count.c in a shared object, so any LPA program
 * (our CLI, lpac) is measured the same way. At exit it writes one JSON line to
 * the file named by ESIMLPA_BENCH_OUT: peak heap of the whole process (bytes),
 * CPU time of all its threads and peak RSS (getrusage).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "heap_count.h"

__attribute__((destructor)) static void bench_report(void)
{
    const char *path = getenv("ESIMLPA_BENCH_OUT");
    if (!path)
        return;
    struct heap_count h;
    struct rusage ru;
    heap_count_get(&h);
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return;
    double cpu_ms = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
                    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
    char line[256];
    int n = snprintf(line, sizeof line,
                     "{\"heap_peak\":%zu,\"allocations\":%zu,\"cpu_ms\":%.1f,\"peak_rss_kb\":%ld}\n",
                     h.peak, h.allocations, cpu_ms, ru.ru_maxrss);
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0 || n <= 0)
        return;
    ssize_t w = write(fd, line, (size_t)n);
    (void)w;
    close(fd);
}
