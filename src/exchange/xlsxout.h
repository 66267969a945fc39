/*
 * xlsxout.h - tables as an Excel workbook (OOXML .xlsx, libxlsxwriter):
 * one sheet per table, the header row bold and frozen, numbers and
 * integers as numbers, months and dates as text ("2026-03",
 * "2026-01-01T00:00:00Z") so they read back exactly, column widths from
 * the columns.
 */
#ifndef MB_EXCHANGE_XLSXOUT_H
#define MB_EXCHANGE_XLSXOUT_H

#include <stddef.h>

#include "core/error.h"
#include "exchange/table.h"

/* Write tables[0..n) as one workbook into a new buffer: *data (malloc'ed,
 * the caller frees it) of *len bytes. libxlsxwriter writes files only, so
 * the workbook goes through a private temporary file (in $TMPDIR or /tmp)
 * that is removed before returning. MB_EIO if it cannot be written. */
int mb_xchg_xlsx_write(const struct mb_xchg_table *const *tables, size_t n, char **data,
                       size_t *len, struct mb_error *err);

#endif
