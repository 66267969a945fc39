/*
 * loads_fixture.h - test fixture shared by the report tests: a market
 * database with two supplies, a landfill, a need and a plant, four deals
 * and their loads (confirmed, disputed, still registered, one in the New
 * Year night), described with the totals worked out by hand in
 * loads_fixture.c.
 */
#ifndef MB_TESTS_LOADS_FIXTURE_H
#define MB_TESTS_LOADS_FIXTURE_H

#include <stdint.h>

#include "domain/material.h"
#include "domain/municipality.h"
#include "store/store.h"

/* 2026-06-15 12:00 UTC, and 2026-12-31 23:30 UTC (00:30 on New Year's Day
 * in Norway, so a load of 2027). */
#define JUNE_2026 1781524800LL
#define NEW_YEAR_NIGHT 1798759800LL

struct loads_ids {
    int64_t rock, clay;   /* the two supplies */
    int64_t d1, d2;       /* rock -> landfill, rock -> need (reuse) */
};

extern struct mb_store *st;
extern struct mb_catalog catalog;
extern struct mb_municipalities munis;
extern struct loads_ids ids;

/* Criterion .init / .fini of a suite. */
void loads_seed(void);
void loads_teardown(void);

#endif
