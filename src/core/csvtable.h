/*
 * csvtable.h - a whole CSV file as a table of strings, read with libcsv.
 *
 * Every CSV that enters massebank (the reference tables compiled in from
 * data/, users' overrides, lab results) goes through here, so they all get
 * the same rules: UTF-8 required (a byte-order mark is dropped); lines end
 * in LF, CRLF or a lone CR (old Mac spreadsheets), and each counts as one
 * line; lines that start with '#' before the header are notes, while after
 * the header such a line is an ordinary row (a sample may be called "#2");
 * quotes follow libcsv's rules (a quote opens a quoted field only at the
 * start of a field, "" inside one is a quote, a quote inside an unquoted
 * field is a literal character); the delimiter is ',' or ';' (Norwegian
 * spreadsheets export ';'), chosen from the header; the header's column
 * names are non-empty and distinct (ignoring case); rows whose cells are
 * all empty (a blank line, or ",," as spreadsheets leave them) are
 * skipped; every other row has as many fields as the header, and every
 * row remembers its line so errors can point at it. The table owns all
 * its strings.
 */
#ifndef MB_CORE_CSVTABLE_H
#define MB_CORE_CSVTABLE_H

#include <stddef.h>

#include "core/error.h"

struct mb_csv_row {
    size_t line;   /* 1-based line where the row ends */
    char **fields; /* ncols strings, trimmed */
};

struct mb_csv_table {
    char **header;   /* ncols column names */
    size_t ncols;
    size_t header_line; /* 1-based line where the header ends (after notes
                           and blank lines) */
    struct mb_csv_row *rows; /* data rows, header excluded */
    size_t nrows;
    char **notes;    /* '#' lines before the header, without the '#', trimmed */
    size_t nnotes;
    char delimiter;
    size_t cap_rows, cap_notes; /* internal */
};

/* Parse buf[0..len). `name` names the input in errors ("materials.csv").
 * On success returns 0 and the caller owns *t (release it). On error
 * returns MB_EINVAL naming the line, and *t is left empty. */
int mb_csv_parse(struct mb_csv_table *t, const char *buf, size_t len,
                 const char *name, struct mb_error *err);

/* Read and parse a file of at most max_bytes. MB_EIO if it cannot be read
 * (the message gives the reason, e.g. that it is a directory), MB_EINVAL
 * if it is too large or malformed. */
int mb_csv_read_file(struct mb_csv_table *t, const char *path,
                     size_t max_bytes, struct mb_error *err);

/* Index of the column named `name` (case-insensitive), or -1. */
int mb_csv_column(const struct mb_csv_table *t, const char *name);

/* Field `col` of a row, or "" when col < 0. */
const char *mb_csv_get(const struct mb_csv_row *r, int col);

/* Free everything the table owns; the table is left empty. NULL is a no-op. */
void mb_csv_release(struct mb_csv_table *t);

#endif
