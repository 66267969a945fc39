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

/* The demo users who make the demo deals. */
struct mb_seed_users {
    const struct mb_user *seller;    /* owns the supplies (the contractor) */
    const struct mb_user *operator_; /* owns the landfills */
    const struct mb_user *developer; /* owns needs */
    const struct mb_user *hauler;
};

/* Demo deals with load tickets (seed_deals.c), made through the deal
 * rules of market/deal.h inside the caller's transaction: 600 t of a
 * supply to a landfill (loads confirmed, one disputed and replaced, one
 * still on the road) and, when the region has a fitting pair, 300 t of
 * another supply to a developer's need. */
int mb_seed_demo_deals(struct mb_store *st, const struct mb_seed_users *u,
                       struct mb_error *err);

/* Condition classes in the demo (seed_quality.c): about one surplus in
 * eight of the scenario document (massebank-scenario/1, parsed) becomes
 * class 2, 3 or 4 with lab results ("lab", API format) that mb_classify
 * puts in that class, and three landfills for contaminated masses (up to
 * class 2, 3 and 5) are appended to its sites. Deterministic (a fixed
 * seed). 0, or MB_EDATA when the class table lacks a substance or a drawn
 * sample does not give its class; the document may then be half dressed
 * and is to be dropped. */
int mb_seed_demo_quality(json_t *scenario, const struct mb_class_table *t,
                         struct mb_error *err);

/* Load every site of a scenario document (massebank-scenario/1 text) as
 * published listings and facilities in one transaction: listings rotate
 * over owners[0..2], storage sites belong to owners[2], other facilities
 * to owners[3]. For the demo and for benchmarks. */
int mb_seed_scenario(struct mb_store *st, const struct mb_market *m, const char *scenario,
                     const int64_t owners[4], size_t *count, struct mb_error *err);

#endif
