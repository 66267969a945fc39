/*
 * xlsxout.c - tables as an Excel workbook (see xlsxout.h).
 *
 * libxlsxwriter (1.1.4 in Debian 12) has no in-memory output, so the
 * workbook is written to a mkstemp file and read back. Writing the
 * caller's target directly would leave a half-written file behind on
 * failure; the CLI writes the buffer atomically instead.
 */
#include "exchange/xlsxout.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "core/alloc.h"

static int add_sheet(lxw_workbook *wb, lxw_format *bold, const struct mb_xchg_table *t,
                     struct mb_error *err)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, t->name[0] ? t->name : NULL);
    if (!ws)
        return mb_error_set(err, MB_EIO, "xlsx", "cannot add the sheet '%s'", t->name);
    if (t->nrows + 1 > LXW_ROW_MAX || t->ncols > LXW_COL_MAX)
        return mb_error_set(err, MB_EINVAL, "xlsx", "the table '%s' is too large for a "
                            "sheet (%zu rows)", t->name, t->nrows);
    lxw_error e = LXW_NO_ERROR;
    for (size_t c = 0; c < t->ncols && !e; c++) {
        e = worksheet_write_string(ws, 0, (lxw_col_t)c, mb_xchg_col_head(t, c), bold);
        if (!e)
            e = worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c,
                                     t->cols[c].width > 0 ? t->cols[c].width : 12, NULL);
    }
    worksheet_freeze_panes(ws, 1, 0);
    char buf[64];
    for (size_t r = 0; r < t->nrows && !e; r++) {
        lxw_row_t row = (lxw_row_t)(r + 1);
        for (size_t c = 0; c < t->ncols && !e; c++) {
            const struct mb_xchg_cell *cell = mb_xchg_cell(t, r, c);
            if (!cell->set)
                continue;
            switch (t->cols[c].type) {
            case MB_XCHG_NUMBER:
            case MB_XCHG_INTEGER:
                e = worksheet_write_number(ws, row, (lxw_col_t)c, cell->num, NULL);
                break;
            default:
                e = worksheet_write_string(ws, row, (lxw_col_t)c,
                                           mb_xchg_cell_text(t, r, c, buf, sizeof buf),
                                           NULL);
                break;
            }
        }
    }
    if (e)
        return mb_error_set(err, MB_EIO, "xlsx", "cannot write the sheet '%s': %s",
                            t->name, lxw_strerror(e));
    return 0;
}

/* Read the whole file at path into a new buffer. */
static int slurp(const char *path, char **data, size_t *len, struct mb_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return mb_error_set(err, MB_EIO, "xlsx", "cannot read the workbook back: %s",
                            MB_ERRNO_TEXT(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || st.st_size < 0) {
        fclose(f);
        return mb_error_set(err, MB_EIO, "xlsx", "cannot read the workbook back");
    }
    size_t n = (size_t)st.st_size;
    char *buf = mb_xmalloc(n ? n : 1);
    size_t got = fread(buf, 1, n, f);
    fclose(f);
    if (got != n) {
        free(buf);
        return mb_error_set(err, MB_EIO, "xlsx", "cannot read the workbook back");
    }
    *data = buf;
    *len = n;
    return 0;
}

int mb_xchg_xlsx_write(const struct mb_xchg_table *const *tables, size_t n, char **data,
                       size_t *len, struct mb_error *err)
{
    const char *dir = getenv("TMPDIR");
    char path[4096];
    if (!dir || !*dir || strlen(dir) > 4000)
        dir = "/tmp";
    snprintf(path, sizeof path, "%s/massebank-xlsx-XXXXXX", dir);
    int fd = mkstemp(path);
    if (fd < 0)
        return mb_error_set(err, MB_EIO, "xlsx", "cannot create a temporary file in %s: "
                            "%s", dir, MB_ERRNO_TEXT(errno));
    close(fd);
    int rc = 0;
    lxw_workbook *wb = workbook_new(path);
    if (!wb) {
        rc = mb_error_set(err, MB_EIO, "xlsx", "cannot start the workbook");
        goto out;
    }
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = add_sheet(wb, bold, tables[i], err);
    /* workbook_close frees the workbook in every case. */
    lxw_error e = workbook_close(wb);
    if (rc == 0 && e)
        rc = mb_error_set(err, MB_EIO, "xlsx", "cannot write the workbook: %s",
                          lxw_strerror(e));
    if (rc == 0)
        rc = slurp(path, data, len, err);
out:
    unlink(path);
    return rc;
}
