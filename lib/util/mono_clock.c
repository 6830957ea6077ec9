/* SPDX-License-Identifier: MIT */
/* The library's one monotonic clock: every deadline and duration (APDU and
 * modem timeouts, lock waits, HTTP stall limits, the renewal check's time). */
#include <time.h>

#include "util/util_internal.h"

long long esimlpa__mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
