/*
 * export.h - the market's listings and facilities as exchange tables
 * (table.h), read from the store page by page, for the CSV, XLSX and
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

#endif
