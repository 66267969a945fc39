/*
 * hash.h - 64-bit hashing of numbers and text, for names and fingerprints
 * kept between plans (plan/whatif.c, plan/model.c). Not cryptographic: a
 * collision costs a worse warm start or a rebuilt site, never a wrong
 * answer.
 */
#ifndef MB_CORE_HASH_H
#define MB_CORE_HASH_H

#include <stdint.h>

/* h with v mixed in (a splitmix64 finaliser over a boost-style combine). */
uint64_t mb_hash_mix(uint64_t h, uint64_t v);

/* h with the text mixed in (its FNV-1a hash). */
uint64_t mb_hash_text(uint64_t h, const char *text);

#endif
