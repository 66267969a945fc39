/*
 * hash.c - 64-bit hashing of numbers and text (hash.h).
 */
#include "core/hash.h"

uint64_t mb_hash_mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    return h ^ (h >> 31);
}

uint64_t mb_hash_text(uint64_t h, const char *text)
{
    uint64_t f = 0xcbf29ce484222325ULL; /* FNV-1a */
    for (; *text; text++) {
        f ^= (unsigned char)*text;
        f *= 0x100000001b3ULL;
    }
    return mb_hash_mix(h, f);
}
