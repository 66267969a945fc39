/*
 * sheet.h - an input sheet for imports: a header row of column names and
 * data rows of cells, read from CSV (core/csvtable.h) or from the first
 * worksheet of an XLSX workbook (xlsxin.c).
 *
 * Every row keeps the number the user sees: the spreadsheet row for XLSX
 * ("row 7" is row 7 in Excel), the line for CSV (which is the same unless
 * a quoted cell spans lines). Rows whose cells are all empty are dropped.
 * Every cell is UTF-8 text, trimmed; XLSX numbers keep their stored text
 * ("1000", "59.905") and are flagged as numbers, so a month column can
 * tell an Excel date from the text "2026-03". The sheet owns its strings.
 *
 * Limits keep a hostile or mistaken file from exhausting the machine: a
 * file of at most MB_XCHG_MAX_FILE bytes, at most MB_XCHG_MAX_ROWS data
 * rows and MB_XCHG_MAX_COLS columns; an XLSX workbook may unpack to at
 * most MB_XCHG_MAX_UNPACKED bytes in all (a zip bomb is refused before it
 * is inflated further).
 */
#ifndef MB_EXCHANGE_SHEET_H
#define MB_EXCHANGE_SHEET_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

#define MB_XCHG_MAX_FILE ((size_t)32 << 20)
#define MB_XCHG_MAX_UNPACKED ((size_t)128 << 20)
#define MB_XCHG_MAX_ROWS 10000
#define MB_XCHG_MAX_COLS 100

struct mb_xchg_scell {
    char *text;   /* never NULL; "" when empty */
    bool number;  /* an XLSX numeric cell */
};

struct mb_xchg_srow {
    size_t row;                  /* as the user sees it */
    struct mb_xchg_scell *cells; /* ncols cells */
};

struct mb_xchg_sheet {
    char **header;               /* ncols names, trimmed, non-empty */
    size_t ncols;
    size_t header_row;           /* row (XLSX) or line (CSV) of the header */
    struct mb_xchg_srow *rows;
    size_t nrows, cap;
    bool xlsx;                   /* rows are spreadsheet rows, not lines */
};

/* Parse CSV text (',' or ';', UTF-8) into *s. `name` names the input in
 * errors. Returns 0 (the caller releases *s) or MB_EINVAL with the line. */
int mb_xchg_sheet_from_csv(struct mb_xchg_sheet *s, const char *buf, size_t len,
                           const char *name, struct mb_error *err);

/* Parse an XLSX workbook held in memory: its first worksheet, shared and
 * inline strings, numbers, booleans (as "TRUE"/"FALSE"), cached formula
 * results; cells found by their references (gaps are empty cells).
 * Returns 0 or MB_EINVAL naming the part and what is wrong with it. */
int mb_xchg_sheet_from_xlsx(struct mb_xchg_sheet *s, const char *buf, size_t len,
                            const char *name, struct mb_error *err);

/* Read a file: XLSX when it starts as a zip archive does ("PK\3\4"),
 * else CSV. MB_EIO when it cannot be read, MB_EINVAL when it is empty,
 * too large or malformed. */
int mb_xchg_sheet_read_file(struct mb_xchg_sheet *s, const char *path,
                            struct mb_error *err);

/* Free everything; NULL is a no-op. */
void mb_xchg_sheet_release(struct mb_xchg_sheet *s);

/* Spreadsheet column letters of a 0-based index: 0 -> "A", 26 -> "AA".
 * buf holds at least 8 bytes. */
void mb_xchg_column_letters(size_t col, char *buf);

#endif
