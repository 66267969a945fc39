/*
 * csvout.c - tables as RFC 4180 CSV (see csvout.h). The quoting itself is
 * libcsv's (csv_write), the same library that reads our CSV input, so a
 * file we write is a file we read.
 *
 * Text that a spreadsheet would run as a formula (starting with '=', '+',
 * '-', '@', a tab or CR) gets a leading apostrophe, which spreadsheets
 * show as text (OWASP "CSV injection"): a public export carries other
 * organisations' titles. The import strips that apostrophe again.
 */
#include "exchange/csvout.h"

#include <csv.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

static bool needs_quotes(const char *s, size_t n)
{
    if (n == 0)
        return false;
    if (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t')
        return true;
    return strpbrk(s, ",\"\r\n") != NULL;
}

static void field(struct mb_strbuf *b, const char *s, bool text)
{
    size_t n = strlen(s);
    char *guarded = NULL;
    if (text && n && strchr("=+-@\t\r", s[0])) {
        guarded = mb_xmalloc(n + 2);
        guarded[0] = '\'';
        memcpy(guarded + 1, s, n + 1);
        s = guarded;
        n++;
    }
    if (!needs_quotes(s, n)) {
        mb_strbuf_add(b, s, n);
        free(guarded);
        return;
    }
    /* csv_write reports the size it needs when given no room. */
    size_t need = csv_write(NULL, 0, s, n);
    char *q = mb_xmalloc(need);
    csv_write(q, need, s, n);
    mb_strbuf_add(b, q, need);
    free(q);
    free(guarded);
}

void mb_xchg_csv_write(const struct mb_xchg_table *t, struct mb_strbuf *b)
{
    for (size_t c = 0; c < t->ncols; c++) {
        if (c)
            mb_strbuf_add(b, ",", 1);
        field(b, mb_xchg_col_head(t, c), false);
    }
    mb_strbuf_add(b, "\r\n", 2);
    char buf[64];
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            if (c)
                mb_strbuf_add(b, ",", 1);
            field(b, mb_xchg_cell_text(t, r, c, buf, sizeof buf),
                  t->cols[c].type == MB_XCHG_TEXT);
        }
        mb_strbuf_add(b, "\r\n", 2);
    }
}
