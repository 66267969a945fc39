/*
 * splitmix.h - the one pseudo-random sequence of the library: splitmix64
 * (Steele, Lea and Flood 2014), small, fast, and the same on every
 * machine, so generated regions, the demo market and the Monte Carlo
 * ranges come out the same everywhere for the same seed.
 */
#ifndef MB_CORE_SPLITMIX_H
#define MB_CORE_SPLITMIX_H

#include <stdint.h>

/* The next 64 bits of the sequence whose state is *s (any value). */
uint64_t mb_splitmix_next(uint64_t *s);

/* A double in [0, 1) from the next 53 bits. */
double mb_splitmix_unit(uint64_t *s);

#endif
