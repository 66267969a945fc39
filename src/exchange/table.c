/*
 * table.c - typed tables for exports (see table.h).
 *
 * Cells are stored row-major in one growing array, so a table of many
 * thousand sites is one allocation plus its strings. Column lookup by name
 * is a linear scan: exports have a few dozen columns at most, and naming
 * the column at the call keeps every filler readable.
 */
#include "exchange/table.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/text.h"
#include "domain/month.h"

const char *mb_xchg_col_head(const struct mb_xchg_table *t, size_t c)
{
    const struct mb_xchg_column *col = &t->cols[c];
    const char *label = t->lang == MB_XCHG_NB ? col->nb : t->lang == MB_XCHG_EN ? col->en : NULL;
    return label ? label : col->name;
}

void mb_xchg_table_init(struct mb_xchg_table *t, const char *name,
                        const struct mb_xchg_column *cols, size_t ncols)
{
    memset(t, 0, sizeof *t);
    mb_text_copy(t->name, sizeof t->name, name);
    t->cols = cols;
    t->ncols = ncols;
    t->lat_col = t->lon_col = t->to_lat_col = t->to_lon_col = -1;
    for (size_t i = 0; i < ncols; i++) {
        if (cols[i].type != MB_XCHG_NUMBER)
            continue;
        if (strcmp(cols[i].name, "lat") == 0)
            t->lat_col = (int)i;
        else if (strcmp(cols[i].name, "lon") == 0)
            t->lon_col = (int)i;
        else if (strcmp(cols[i].name, "to_lat") == 0)
            t->to_lat_col = (int)i;
        else if (strcmp(cols[i].name, "to_lon") == 0)
            t->to_lon_col = (int)i;
    }
}

void mb_xchg_table_release(struct mb_xchg_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i].text);
    free(t->cells);
    t->cells = NULL;
    t->nrows = t->cap = 0;
}

void mb_xchg_row_add(struct mb_xchg_table *t)
{
    size_t need = (t->nrows + 1) * t->ncols;
    t->cells = mb_xgrow(t->cells, &t->cap, need, sizeof *t->cells);
    memset(&t->cells[t->nrows * t->ncols], 0, t->ncols * sizeof *t->cells);
    t->nrows++;
}

static struct mb_xchg_cell *slot(struct mb_xchg_table *t, const char *col,
                                 enum mb_xchg_type type)
{
    assert(t->nrows > 0);
    for (size_t i = 0; i < t->ncols; i++)
        if (strcmp(t->cols[i].name, col) == 0) {
            assert(t->cols[i].type == type);
            (void)type;
            return &t->cells[(t->nrows - 1) * t->ncols + i];
        }
    assert(!"no such column");
    abort();
}

void mb_xchg_put_text(struct mb_xchg_table *t, const char *col, const char *s)
{
    struct mb_xchg_cell *c = slot(t, col, MB_XCHG_TEXT);
    free(c->text);
    c->text = s ? mb_xstrdup(s) : NULL;
    c->set = s != NULL;
}

static void put_num(struct mb_xchg_table *t, const char *col, enum mb_xchg_type type,
                    double v)
{
    struct mb_xchg_cell *c = slot(t, col, type);
    c->num = v;
    c->set = true;
}

void mb_xchg_put_number(struct mb_xchg_table *t, const char *col, double v)
{
    put_num(t, col, MB_XCHG_NUMBER, v);
}

void mb_xchg_put_integer(struct mb_xchg_table *t, const char *col, int64_t v)
{
    put_num(t, col, MB_XCHG_INTEGER, (double)v);
}

void mb_xchg_put_month(struct mb_xchg_table *t, const char *col, int serial)
{
    put_num(t, col, MB_XCHG_MONTH, serial);
}

void mb_xchg_put_date(struct mb_xchg_table *t, const char *col, int64_t unix_seconds)
{
    put_num(t, col, MB_XCHG_DATE, (double)unix_seconds);
}

const char *mb_xchg_cell_text(const struct mb_xchg_table *t, size_t row, size_t col,
                              char *buf, size_t n)
{
    const struct mb_xchg_cell *c = mb_xchg_cell(t, row, col);
    buf[0] = '\0';
    if (!c->set)
        return buf;
    switch (t->cols[col].type) {
    case MB_XCHG_TEXT:
        return c->text;
    case MB_XCHG_NUMBER:
        /* The shortest of 15 or 17 significant digits that reads back as
         * the same double: 59.905 stays 59.905, not 59.904999999999994. */
        snprintf(buf, n, "%.15g", c->num);
        if (strtod(buf, NULL) != c->num)
            snprintf(buf, n, "%.17g", c->num);
        break;
    case MB_XCHG_INTEGER:
        snprintf(buf, n, "%lld", (long long)c->num);
        break;
    case MB_XCHG_MONTH:
        if (n >= 8)
            mb_month_format((int)c->num, buf);
        break;
    case MB_XCHG_DATE: {
        time_t s = (time_t)c->num;
        struct tm tm;
        if (gmtime_r(&s, &tm))
            strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
        break;
    }
    }
    return buf;
}
