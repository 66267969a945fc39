/*
 * format.h - the export file formats by name, and one call that turns
 * tables into the bytes of a file: CSV (csvout.h), XLSX (xlsxout.h) or
 * GeoJSON (geojson.h). The CLI's export and the server's export endpoint
 * both go through it, so a file is the same whichever way it was made.
 */
#ifndef MB_EXCHANGE_FORMAT_H
#define MB_EXCHANGE_FORMAT_H

#include <stddef.h>

#include "core/error.h"
#include "exchange/table.h"

enum mb_xchg_format { MB_XCHG_CSV, MB_XCHG_XLSX, MB_XCHG_GEOJSON, MB_XCHG_FORMAT_COUNT };

/* "csv", "xlsx", "geojson" -> the format; -1 for anything else. */
int mb_xchg_format_parse(const char *s);
/* "csv", "xlsx", "geojson": the name and the file name extension. */
const char *mb_xchg_format_name(enum mb_xchg_format f);
/* The media type of a file: "text/csv; charset=utf-8", the OOXML
 * spreadsheet type, "application/geo+json". */
const char *mb_xchg_format_mime(enum mb_xchg_format f);

/* The file of tables[0..n) (n >= 1) in format f, into a new buffer *data
 * (malloc'ed, NUL-terminated, the caller frees it) of *len bytes. CSV and
 * GeoJSON hold tables[0] only (a CSV file has one table); XLSX has a
 * sheet per table. Returns 0, MB_EINVAL naming "format" when GeoJSON is
 * asked of a table without positions, or MB_EIO when the XLSX cannot be
 * written; then *data is NULL. */
int mb_xchg_write(const struct mb_xchg_table *const *tables, size_t n,
                  enum mb_xchg_format f, char **data, size_t *len, struct mb_error *err);

#endif
