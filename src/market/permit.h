/*
 * permit.h - what each role may do in the market: write listings, write
 * facilities, run regional plans, administer organisations and users.
 * One table (permit.c) that the listing rules, the server and the web
 * front end (through GET /api/me's "permissions") all read.
 */
#ifndef MB_MARKET_PERMIT_H
#define MB_MARKET_PERMIT_H

#include <jansson.h>
#include <stdbool.h>

#include "store/store.h"

enum mb_action {
    MB_ACT_LISTING_WRITE,  /* create and edit listings of one's own organisation */
    MB_ACT_FACILITY_WRITE, /* create and edit facilities of one's own organisation */
    MB_ACT_PLAN,           /* run regional plans */
    MB_ACT_ADMIN,          /* organisations and users; every site, job and deal */
    MB_ACT_OVERSEE,        /* read every deal and load, the audit log and statistics */
    MB_ACT_COUNT
};

/* The role may take the action. */
bool mb_permit_may(enum mb_role role, enum mb_action a);

/* The user acts for the organisation org_id: it is theirs, or they are
 * an administrator. */
bool mb_permit_owns(const struct mb_user *who, int64_t org_id);

/* 0, or MB_EFORBIDDEN naming "role" ("a user with the role ... may not do
 * this"). */
int mb_permit_check(enum mb_role role, enum mb_action a, struct mb_error *err);

/* {"write_listings", "write_facilities", "run_plans", "administer"} as
 * booleans; new reference. */
json_t *mb_permit_json(enum mb_role role);

#endif
