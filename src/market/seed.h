/*
 * seed.h - the demo market: the Trondheim demo region (plan/demo.c) loaded
 * into an empty database as published listings and facilities of a few
 * demo organisations, with one demo user per role.
 */
#ifndef MB_MARKET_SEED_H
#define MB_MARKET_SEED_H

#include <stddef.h>

#include "market/market.h"
#include "store/store.h"

/* Demo users' password (printed by the server at start; demo only). */
#define MB_SEED_PASSWORD "massebank-demo"

/* When the database has no organisation yet, load the demo in one
 * transaction and return the logins as text lines "email password role"
 * (*logins is a NULL-terminated malloc'ed array of malloc'ed strings; the
 * caller frees them). A database with data is left alone (*n = 0). */
int mb_seed_demo(struct mb_store *st, const struct mb_market *m, char ***logins, size_t *n,
                 struct mb_error *err);

/* Load every site of a scenario document (massebank-scenario/1 text) as
 * published listings and facilities in one transaction: listings rotate
 * over owners[0..2], storage sites belong to owners[2], other facilities
 * to owners[3]. For the demo and for benchmarks. */
int mb_seed_scenario(struct mb_store *st, const struct mb_market *m, const char *scenario,
                     const int64_t owners[4], size_t *count, struct mb_error *err);

#endif
