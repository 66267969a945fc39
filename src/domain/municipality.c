/*
 * municipality.c - the compiled-in municipality table (see municipality.h).
 */
#include "domain/municipality.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/csvtable.h"
#include "core/text.h"

extern const char mb_data_municipalities[];
extern const size_t mb_data_municipalities_len;

static int valid_code(const char *s)
{
    if (strlen(s) != 4)
        return 0;
    for (int i = 0; i < 4; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

static int load_point(const struct mb_csv_table *t, const struct mb_csv_row *r,
                      const char *lat_col, const char *lon_col,
                      struct mb_point *p, struct mb_error *err)
{
    int rc = mb_parse_number(mb_csv_get(r, mb_csv_column(t, lat_col)), &p->lat,
                             lat_col, err);
    if (!rc)
        rc = mb_parse_number(mb_csv_get(r, mb_csv_column(t, lon_col)), &p->lon,
                             lon_col, err);
    if (!rc)
        rc = mb_geo_check_norway(*p, lat_col, err);
    return rc;
}

int mb_municipalities_init(struct mb_municipalities *m, struct mb_error *err)
{
    memset(m, 0, sizeof *m);
    struct mb_csv_table t;
    int rc = mb_csv_parse(&t, mb_data_municipalities, mb_data_municipalities_len,
                          "municipalities.csv", err);
    if (rc)
        return MB_EDATA;
    m->items = mb_xcalloc(t.nrows, sizeof *m->items);
    for (size_t i = 0; i < t.nrows && !rc; i++) {
        const struct mb_csv_row *r = &t.rows[i];
        struct mb_municipality *x = &m->items[i];
        const char *code = mb_csv_get(r, mb_csv_column(&t, "code"));
        const char *old = mb_csv_get(r, mb_csv_column(&t, "code_2020_23"));
        if (!valid_code(code) || !valid_code(old))
            rc = mb_error_set(err, MB_EDATA, "code", "'%s' is not a 4-digit code", code);
        else if (!mb_text_copy(x->name, sizeof x->name,
                               mb_csv_get(r, mb_csv_column(&t, "name"))) || !x->name[0])
            rc = mb_error_set(err, MB_EDATA, "name", "missing or too long");
        if (!rc)
            rc = load_point(&t, r, "centroid_lat", "centroid_lon", &x->centroid, err);
        if (!rc)
            rc = load_point(&t, r, "point_lat", "point_lon", &x->point, err);
        if (rc) {
            char where[48];
            snprintf(where, sizeof where, "municipalities.csv line %zu", r->line);
            mb_error_prefix_field(err, where);
            break;
        }
        memcpy(x->code, code, 5);
        memcpy(x->code_old, old, 5);
        mb_text_copy(x->region, sizeof x->region, mb_csv_get(r, mb_csv_column(&t, "region")));
        m->n++;
    }
    mb_csv_release(&t);
    if (rc) {
        mb_municipalities_release(m);
        return MB_EDATA;
    }
    return 0;
}

void mb_municipalities_release(struct mb_municipalities *m)
{
    if (!m)
        return;
    free(m->items);
    memset(m, 0, sizeof *m);
}

const struct mb_municipality *
mb_municipality_find(const struct mb_municipalities *m, const char *key)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->items[i].code, key) == 0)
            return &m->items[i];
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->items[i].code_old, key) == 0 ||
            mb_text_casecmp(m->items[i].name, key) == 0)
            return &m->items[i];
    return NULL;
}
