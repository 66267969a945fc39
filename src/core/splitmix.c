/*
 * splitmix.c - splitmix64 (see splitmix.h).
 */
#include "core/splitmix.h"

uint64_t mb_splitmix_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

double mb_splitmix_unit(uint64_t *s)
{
    return (double)(mb_splitmix_next(s) >> 11) / 9007199254740992.0;
}
