/*
 * table.h - the exchange module's table: named, typed columns and rows of
 * cells, the one shape every export takes before a writer turns it into
 * CSV (csvout.h), XLSX (xlsxout.h) or GeoJSON (geojson.h).
 *
 * A table is filled row by row: mb_xchg_row_add() opens an empty row and
 * the mb_xchg_put_* functions set cells of the newest row by column name.
 * A cell never set is empty (an empty CSV field, a blank XLSX cell, JSON
 * null). Adding an export (deliveries, statistics, ...) is one function
 * that declares its columns and fills rows; the writers need no change.
 *
 * The table owns every string in it. Column names are the export's header
 * and the GeoJSON property names, so they are stable identifiers
 * (lower_snake_case, documented in docs/exchange.md).
 */
#ifndef MB_EXCHANGE_TABLE_H
#define MB_EXCHANGE_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum mb_xchg_type {
    MB_XCHG_TEXT,    /* UTF-8 text */
    MB_XCHG_NUMBER,  /* a real number (tonnes, NOK, degrees) */
    MB_XCHG_INTEGER, /* a whole number (ids, classes) */
    MB_XCHG_MONTH,   /* a serial month (domain/month.h), written "YYYY-MM" */
    MB_XCHG_DATE,    /* Unix seconds, written "YYYY-MM-DDTHH:MM:SSZ" (UTC) */
};

struct mb_xchg_column {
    const char *name;      /* header; a string literal, not owned */
    enum mb_xchg_type type;
    double width;          /* XLSX column width in characters */
    const char *nb, *en;   /* the header for people, in bokmål and English */
};

/* Which header a file gets: the stable column names (for machines, the
 * default) or the people's labels in bokmål or English (names.h). */
enum mb_xchg_lang { MB_XCHG_CODES, MB_XCHG_NB, MB_XCHG_EN };

struct mb_xchg_cell {
    bool set;
    double num;            /* NUMBER, INTEGER, MONTH, DATE */
    char *text;            /* TEXT; owned */
};

struct mb_xchg_table {
    char name[32];         /* sheet name (XLSX allows 31 characters) */
    const struct mb_xchg_column *cols; /* not owned: a static array */
    size_t ncols;
    struct mb_xchg_cell *cells;        /* nrows x ncols, row-major */
    size_t nrows, cap;
    int lat_col, lon_col;  /* columns "lat" and "lon" (WGS84), or -1 */
    int to_lat_col, to_lon_col; /* "to_lat" and "to_lon": where a row goes (a
                                   delivery's receiving site), or -1 */
    enum mb_xchg_lang lang;        /* the header's language (MB_XCHG_CODES) */
};

/* Start an empty table over a static column array. The columns named
 * "lat" and "lon" (both NUMBER) give the rows a position for GeoJSON;
 * "to_lat" and "to_lon" (both NUMBER) a second one, the end of a line. */
void mb_xchg_table_init(struct mb_xchg_table *t, const char *name,
                        const struct mb_xchg_column *cols, size_t ncols);
/* Free every cell; the table is left empty (columns kept). */
void mb_xchg_table_release(struct mb_xchg_table *t);

/* Open a new, empty row; later puts go into it. */
void mb_xchg_row_add(struct mb_xchg_table *t);

/* Set a cell of the newest row by column name. An unknown name or a
 * value of the wrong type for the column is a programmer error (assert).
 * put_text copies s; NULL leaves the cell empty. */
void mb_xchg_put_text(struct mb_xchg_table *t, const char *col, const char *s);
void mb_xchg_put_number(struct mb_xchg_table *t, const char *col, double v);
void mb_xchg_put_integer(struct mb_xchg_table *t, const char *col, int64_t v);
void mb_xchg_put_month(struct mb_xchg_table *t, const char *col, int serial);
void mb_xchg_put_date(struct mb_xchg_table *t, const char *col, int64_t unix_seconds);

/* Column c's header in the table's language (its name for MB_XCHG_CODES). */
const char *mb_xchg_col_head(const struct mb_xchg_table *t, size_t c);

/* The cell at (row, col). */
static inline const struct mb_xchg_cell *mb_xchg_cell(const struct mb_xchg_table *t,
                                                      size_t row, size_t col)
{
    return &t->cells[row * t->ncols + col];
}

/* The cell as text, as CSV writes it: numbers shortest round-trip ("%.15g"
 * unless more digits are needed), months "YYYY-MM", dates ISO 8601 UTC,
 * empty cells "". Writes into buf (size n >= 40 for non-text cells);
 * returns buf, or the cell's own text for TEXT cells. */
const char *mb_xchg_cell_text(const struct mb_xchg_table *t, size_t row, size_t col,
                              char *buf, size_t n);

#endif
