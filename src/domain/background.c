/*
 * background.c - loading the natural background values (see background.h).
 */
#include "domain/background.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/csvtable.h"
#include "core/text.h"

extern const char mb_data_background_values[];
extern const size_t mb_data_background_values_len;

static int load_row(struct mb_background_table *b, const struct mb_class_table *classes,
                    const struct mb_csv_table *csv, const struct mb_csv_row *r,
                    struct mb_error *err)
{
    const char *mun = mb_csv_get(r, mb_csv_column(csv, "municipality"));
    if (strlen(mun) != 4 || strspn(mun, "0123456789") != 4)
        return mb_error_set(err, MB_EDATA, "municipality", "must be a 4-digit number");
    struct mb_background_row *row = NULL;
    for (size_t i = 0; i < b->n; i++)
        if (strcmp(b->items[i].municipality, mun) == 0)
            row = &b->items[i];
    if (!row) {
        b->items = mb_xrealloc(b->items, (b->n + 1) * sizeof *b->items);
        row = &b->items[b->n++];
        memset(row, 0, sizeof *row);
        mb_text_copy(row->municipality, sizeof row->municipality, mun);
        mb_text_copy(row->values.municipality, sizeof row->values.municipality, mun);
        const char *area = mb_csv_get(r, mb_csv_column(csv, "area"));
        if (!mb_text_copy(row->name, sizeof row->name, area) || !area[0])
            return mb_error_set(err, MB_EDATA, "area", "missing or too long");
        snprintf(row->values.area, sizeof row->values.area, "%s (%s)", area, mun);
        if (!mb_text_copy(row->values.source, sizeof row->values.source,
                          mb_csv_get(r, mb_csv_column(csv, "source"))) ||
            !row->values.source[0])
            return mb_error_set(err, MB_EDATA, "source", "missing or too long");
        const char *st = mb_csv_get(r, mb_csv_column(csv, "status"));
        if (strlen(st) != 1 || !strchr("VS", st[0]))
            return mb_error_set(err, MB_EDATA, "status", "must be V or S");
        row->values.status = st[0];
    }
    struct mb_background *v = &row->values;
    if (v->n == sizeof v->items / sizeof *v->items)
        return mb_error_set(err, MB_EDATA, "code", "too many values for %s", mun);
    const char *code = mb_csv_get(r, mb_csv_column(csv, "code"));
    const struct mb_substance *s = mb_class_table_find(classes, code);
    if (!s || strcmp(s->code, code) != 0 || s->nbounds < 1)
        return mb_error_set(err, MB_EDATA, "code", "'%s' is not a substance with a "
                            "normverdi", code);
    double x;
    if (mb_parse_number(mb_csv_get(r, mb_csv_column(csv, "value")), &x, "value", err))
        return MB_EDATA;
    if (!(x > s->upper[0]))
        return mb_error_set(err, MB_EDATA, "value", "%s %g is not above the normverdi "
                            "%g: it would change nothing", code, x, s->upper[0]);
    for (size_t i = 0; i < v->n; i++)
        if (v->items[i].substance == s)
            return mb_error_set(err, MB_EDATA, "code", "%s twice for %s", code, mun);
    v->items[v->n++] = (struct mb_background_value){ s, x };
    return 0;
}

int mb_background_table_init(struct mb_background_table *b,
                             const struct mb_class_table *classes, struct mb_error *err)
{
    memset(b, 0, sizeof *b);
    struct mb_csv_table csv;
    if (mb_csv_parse(&csv, mb_data_background_values, mb_data_background_values_len,
                     "background-values.csv", err))
        return MB_EDATA;
    int rc = 0;
    for (size_t i = 0; i < csv.nrows && !rc; i++) {
        rc = load_row(b, classes, &csv, &csv.rows[i], err);
        if (rc) {
            char where[48];
            snprintf(where, sizeof where, "background-values.csv line %zu",
                     csv.rows[i].line);
            mb_error_prefix_field(err, where);
        }
    }
    mb_csv_release(&csv);
    if (rc) {
        mb_background_table_release(b);
        return MB_EDATA;
    }
    return 0;
}

void mb_background_table_release(struct mb_background_table *b)
{
    if (!b)
        return;
    free(b->items);
    memset(b, 0, sizeof *b);
}

const struct mb_background *mb_background_find(const struct mb_background_table *b,
                                               const char *municipality)
{
    for (size_t i = 0; municipality && i < b->n; i++)
        if (strcmp(b->items[i].municipality, municipality) == 0 ||
            mb_text_casecmp(b->items[i].name, municipality) == 0)
            return &b->items[i].values;
    return NULL;
}
