/*
 * stats.h - amounts per municipality, year, material and destination kind
 * from confirmed loads: the MEF table ("surplus masses delivered to
 * landfill, reused, used for soil improvement") as a report for any region
 * and year.
 *
 * Only confirmed loads count: a registered load may still be disputed,
 * and a disputed one did not happen as written. The municipality is where
 * the masses arose (the sending site's, else the deal's listing's), the
 * year that of the loading time in Norwegian time, the destination kind
 * that of the receiving site (stats.c says how). Tonnes are as weighed;
 * solid m3 (fm3) are tonnes / the material's density from the catalog.
 */
#ifndef MB_REPORT_STATS_H
#define MB_REPORT_STATS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "domain/material.h"
#include "domain/municipality.h"

struct mb_store;

enum mb_dest {
    MB_DEST_LANDFILL,  /* deponi */
    MB_DEST_REUSE,     /* gjenbruk: a need, a quarry's backfill */
    MB_DEST_SOIL,      /* jordforbedring / small fills (the deal's use says so) */
    MB_DEST_PLANT,     /* sorting or crushing plant */
    MB_DEST_STORAGE,   /* intermediate storage (not yet a final destination) */
    MB_DEST_COUNT
};

/* "landfill", "reuse", "soil_improvement", "plant", "storage". */
const char *mb_dest_name(enum mb_dest d);

/* One cell of the report: a municipality, year, material and destination. */
struct mb_stats_row {
    char municipality[8];
    int year;
    char material[48];
    enum mb_dest dest;
    double t, fm3;
    size_t loads;
};

/* Per municipality over the asked year(s): the MEF table's shape. */
struct mb_stats_muni {
    char municipality[8];
    char name[64];             /* "" when the code is unknown */
    double t[MB_DEST_COUNT], fm3[MB_DEST_COUNT];
    double total_t, total_fm3;
    size_t loads;
};

struct mb_stats {
    struct mb_stats_row *rows;   /* by municipality, year, material, dest */
    size_t nrows;
    struct mb_stats_muni *munis; /* by municipality code */
    size_t nmunis;
    struct mb_stats_muni total;  /* all of them ("" code) */
};

struct mb_stats_query {
    int year;                    /* 0 = every year */
    const char *const *municipalities; /* codes; NULL or none = all */
    size_t nmunicipalities;
};

/* Build the report from the store's confirmed loads. The catalog gives
 * densities (a material it does not know has no fm3: NaN is never shown,
 * its fm3 count as 0 and the row's fm3 is 0); the municipalities give
 * names. Release with mb_stats_release. */
int mb_stats_build(struct mb_store *st, const struct mb_catalog *catalog,
                   const struct mb_municipalities *munis, const struct mb_stats_query *q,
                   struct mb_stats *out, struct mb_error *err);
void mb_stats_release(struct mb_stats *s);

/* The report as JSON: {"year", "municipalities": [...], "total", "rows":
 * [...]} (docs/reports.md); year 0 is null (every year). New reference. */
json_t *mb_stats_json(const struct mb_stats *s, int year);

/* The calendar year of a Unix time in Norway. New Year is always in winter
 * time (UTC+1), so the year is that of t + 1 hour in UTC. */
int mb_stats_year(int64_t t);

#endif
