/*
 * export.h - the market's listings, facilities, deliveries (load tickets)
 * and statistics as exchange tables (table.h), for the CSV, XLSX and
 * GeoJSON writers. docs/exchange.md lists the columns.
 *
 * The columns are the import's columns (import.h) plus read-only ones the
 * import ignores (id, organisation, amount_t, ...), so an exported file
 * can be imported again as it is. Values come from the stored doc (what
 * the owner gave, codes canonical) and the record (WGS84 position, tonnes,
 * months).
 */
#ifndef MB_EXCHANGE_EXPORT_H
#define MB_EXCHANGE_EXPORT_H

#include <stdint.h>

#include "core/error.h"
#include "exchange/table.h"
#include "report/stats.h"
#include "store/store.h"

/* Which sites an export holds. */
struct mb_xchg_scope {
    int64_t org_id;  /* 0: the public view (published and reserved sites of
                        everyone); else this organisation's own sites in
                        every status but closed, drafts included */
};

/* Fill *out (initialised here; the caller releases it) with every listing
 * (supply, need) or every facility of the scope, ordered by id. Returns 0
 * or the store's error (then *out is empty). */
int mb_xchg_export_listings(struct mb_store *st, const struct mb_xchg_scope *scope,
                            struct mb_xchg_table *out, struct mb_error *err);
int mb_xchg_export_facilities(struct mb_store *st, const struct mb_xchg_scope *scope,
                              struct mb_xchg_table *out, struct mb_error *err);

/* The listing or facility column whose bokmål or English header is label
 * (any case), or NULL: so an export with people's headers imports again. */
const char *mb_xchg_column_of_label(const char *label);

/* Which deliveries an export holds (export_loads.c). */
struct mb_xchg_load_scope {
    int64_t party_org;   /* 0: every deal's; else the deals this organisation is a
                            party of (reserves, hauls or owns the listing) */
    int year;            /* 0: every year; else loaded in this calendar year in
                            Norway (mb_stats_year, as the statistics count) */
};

/* Fill *out (initialised here; the caller releases it) with one row per
 * delivery of the scope, in every state, by loading time then id: the
 * table "deliveries", whose lat/lon are the sending site's position and
 * to_lat/to_lon the receiving site's (empty when it has none), so GeoJSON
 * draws a LineString per load, or a Point. Returns 0 or the store's error
 * (then *out is empty). */
int mb_xchg_export_deliveries(struct mb_store *st, const struct mb_xchg_load_scope *scope,
                              struct mb_xchg_table *out, struct mb_error *err);

/* The statistics report (report/stats.h) as tables, each initialised here
 * and released by the caller; either may be NULL. rows ("statistics"): one
 * row per municipality, year, material and destination kind, with t, fm3
 * and loads, in the report's order. summary ("municipalities"): one row
 * per municipality in the shape of the MEF table (t and fm3 per
 * destination kind, totals, loads), then a total row with an empty
 * municipality named "total". Neither has positions (no GeoJSON). */
void mb_xchg_export_statistics(const struct mb_stats *s, struct mb_xchg_table *rows,
                               struct mb_xchg_table *summary);

#endif
