/*
 * import.h - listings and facilities from a sheet (sheet.h): every row
 * becomes the JSON body the API takes (POST /api/listings or
 * /api/facilities) and is validated by the market's own parser
 * (mb_market_parse_site), so an import and the API can never disagree.
 *
 * All or nothing: the header and every row are checked first; with any
 * problem the report lists every bad row (its row number as the user sees
 * it, the column as the user named it, the message) and nothing is
 * written. Otherwise all rows go into the store in one transaction, each
 * with its audit entry ("create", detail {"status", "doc", "version",
 * "import": true}, as POST /api/listings writes it).
 * docs/exchange.md lists the columns, in Norwegian and English.
 */
#ifndef MB_EXCHANGE_IMPORT_H
#define MB_EXCHANGE_IMPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "exchange/sheet.h"
#include "market/market.h"
#include "store/store.h"

struct mb_xchg_row_error {
    size_t row;          /* sheet row (XLSX) or line (CSV) */
    char column[96];     /* the column as named in the header, or "" for the row */
    char message[320];
};

struct mb_xchg_report {
    struct mb_xchg_row_error *items; /* in row order */
    size_t n, cap;
    size_t rows;         /* data rows read */
    size_t imported;     /* rows stored (0 on a dry run or a refusal) */
    int64_t first_id, last_id; /* the first and the last row's site ids (other
                                  writers' sites may lie between) */
    /* When every row is good (stored or a dry run): the sites as parsed,
     * sites[i] from the sheet's rows[i]; with their ids (and created,
     * version) when stored, id 0 on a dry run. NULL after a refusal. */
    struct mb_site_rec *sites;
    size_t nsites;
};

void mb_xchg_report_release(struct mb_xchg_report *r);

struct mb_xchg_import_opts {
    int64_t org_id;      /* the owner of every imported site; must exist */
    bool dry_run;        /* check everything, write nothing */
    const struct mb_user *who; /* who imports, for the audit log; NULL: the
                                  system (the CLI) */
    size_t stop_after;   /* > 0: stop writing after that many batches, as a
                            crash would (tests of the recovery) */
};

/* Import the sheet's rows as listings or facilities of opts->org_id.
 * Returns 0 when every row is good (stored unless dry_run; rep->imported
 * tells how many), MB_EINVAL when the header or any row is bad (rep lists
 * every problem; err says how many; nothing written), or another code
 * with err when the organisation is unknown (MB_ENOTFOUND) or the store
 * fails (what was written is rolled back). The caller releases rep in
 * every case. */
int mb_xchg_import(struct mb_store *st, const struct mb_market *m,
                   enum mb_site_family family, const struct mb_xchg_sheet *sheet,
                   const struct mb_xchg_import_opts *opts, struct mb_xchg_report *rep,
                   struct mb_error *err);

#endif
