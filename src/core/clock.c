/*
 * clock.c - the monotonic clock behind every timing the library reports.
 */
#include "core/clock.h"

#include <time.h>

double mb_clock_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}
