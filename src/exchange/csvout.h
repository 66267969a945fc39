/*
 * csvout.h - a table as CSV (RFC 4180): UTF-8 without a byte-order mark,
 * comma-separated, a header row of the column names, CRLF line ends.
 * Fields holding a comma, a quote, a line break or leading or trailing
 * white space are quoted (a quote doubled inside), as libcsv's csv_write
 * does it; others are written bare, so numbers stay numbers for readers
 * that guess types.
 */
#ifndef MB_EXCHANGE_CSVOUT_H
#define MB_EXCHANGE_CSVOUT_H

#include "core/strbuf.h"
#include "exchange/table.h"

/* Append the whole table as CSV to b. Cannot fail. */
void mb_xchg_csv_write(const struct mb_xchg_table *t, struct mb_strbuf *b);

#endif
