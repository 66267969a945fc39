/*
 * sheet.c - input sheets from CSV and from files (see sheet.h); the XLSX
 * reader is xlsxin.c.
 *
 * CSV goes through core/csvtable.c, so an import follows the same CSV
 * rules as every other CSV massebank reads (UTF-8, ',' or ';', quotes,
 * line numbers). A file is read whole (it is at most 32 MiB) and its
 * kind told by its first bytes, not its name: a workbook renamed to .csv
 * is still read as a workbook.
 */
#include "exchange/sheet.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/alloc.h"
#include "core/csvtable.h"
#include "core/text.h"

void mb_xchg_column_letters(size_t col, char *buf)
{
    char tmp[8];
    size_t n = 0;
    col++;
    while (col > 0 && n < sizeof tmp) {
        tmp[n++] = (char)('A' + (col - 1) % 26);
        col = (col - 1) / 26;
    }
    for (size_t i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
}

void mb_xchg_sheet_release(struct mb_xchg_sheet *s)
{
    if (!s)
        return;
    for (size_t r = 0; r < s->nrows; r++) {
        for (size_t c = 0; c < s->ncols; c++)
            free(s->rows[r].cells[c].text);
        free(s->rows[r].cells);
    }
    free(s->rows);
    for (size_t c = 0; c < s->ncols; c++)
        free(s->header[c]);
    free(s->header);
    memset(s, 0, sizeof *s);
}

int mb_xchg_sheet_from_csv(struct mb_xchg_sheet *s, const char *buf, size_t len,
                           const char *name, struct mb_error *err)
{
    memset(s, 0, sizeof *s);
    struct mb_csv_table t;
    int rc = mb_csv_parse(&t, buf, len, name, err);
    if (rc)
        return rc;
    if (t.ncols > MB_XCHG_MAX_COLS || t.nrows > MB_XCHG_MAX_ROWS) {
        rc = mb_error_set(err, MB_EINVAL, "file", "%s has %zu columns and %zu rows; an "
                          "import takes at most %d columns and %d rows (split the file)",
                          name, t.ncols, t.nrows, MB_XCHG_MAX_COLS, MB_XCHG_MAX_ROWS);
        mb_csv_release(&t);
        return rc;
    }
    /* Take the strings over from the CSV table instead of copying them. */
    s->ncols = t.ncols;
    s->header = t.header;
    t.header = NULL;
    s->header_row = t.header_line;
    s->rows = mb_xcalloc(t.nrows ? t.nrows : 1, sizeof *s->rows);
    s->nrows = s->cap = t.nrows;
    for (size_t r = 0; r < t.nrows; r++) {
        s->rows[r].row = t.rows[r].line;
        s->rows[r].cells = mb_xcalloc(t.ncols, sizeof *s->rows[r].cells);
        for (size_t c = 0; c < t.ncols; c++) {
            s->rows[r].cells[c].text = t.rows[r].fields[c];
            t.rows[r].fields[c] = NULL;
        }
    }
    t.ncols = 0; /* the header and fields are the sheet's now */
    for (size_t r = 0; r < t.nrows; r++) {
        free(t.rows[r].fields);
        t.rows[r].fields = NULL;
    }
    mb_csv_release(&t);
    return 0;
}

int mb_xchg_sheet_read_file(struct mb_xchg_sheet *s, const char *path,
                            struct mb_error *err)
{
    memset(s, 0, sizeof *s);
    FILE *f = fopen(path, "rb");
    if (!f)
        return mb_error_set(err, MB_EIO, "file", "cannot open %s: %s", path,
                            MB_ERRNO_TEXT(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return mb_error_set(err, MB_EIO, "file", "cannot read %s: not a regular file",
                            path);
    }
    if ((size_t)st.st_size > MB_XCHG_MAX_FILE) {
        fclose(f);
        return mb_error_set(err, MB_EINVAL, "file", "%s is larger than %zu MiB; split it",
                            path, MB_XCHG_MAX_FILE >> 20);
    }
    size_t n = (size_t)st.st_size;
    char *buf = mb_xmalloc(n + 1);
    size_t got = fread(buf, 1, n + 1, f);
    int bad = ferror(f);
    fclose(f);
    if (bad || got > n) {
        free(buf);
        return mb_error_set(err, MB_EIO, "file", "cannot read %s (it changed while "
                            "being read)", path);
    }
    buf[got] = '\0';
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    int rc;
    if (got == 0)
        rc = mb_error_set(err, MB_EINVAL, "file", "%s is empty", base);
    else if (got >= 4 && memcmp(buf, "PK\3\4", 4) == 0)
        rc = mb_xchg_sheet_from_xlsx(s, buf, got, base, err);
    else
        rc = mb_xchg_sheet_from_csv(s, buf, got, base, err);
    free(buf);
    return rc;
}
