/*
 * clock.h - elapsed time for progress lines and solver statistics.
 */
#ifndef MB_CORE_CLOCK_H
#define MB_CORE_CLOCK_H

/* Seconds on a monotonic clock (only differences mean anything). */
double mb_clock_seconds(void);

#endif
