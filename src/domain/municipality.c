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
#include "domain/boundary.h"

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

/* Every municipality of the 2024 boundaries the table above does not
 * describe: its name and a point inside it from the boundaries, no
 * earlier code, no region. The table's own rows keep Kartverket's
 * interior points and their short names ("Trondheim" for "Trondheim -
 * Tråante", whose full name is found too). */
static int add_boundary_areas(struct mb_municipalities *m, struct mb_error *err)
{
    const struct mb_boundaries *b = mb_boundaries_shared(err);
    if (!b)
        return MB_EDATA;
    size_t n0 = m->n;
    m->items = mb_xrealloc(m->items, (n0 + b->nareas) * sizeof *m->items);
    for (size_t i = 0; i < b->nareas; i++) {
        const struct mb_boundary_area *a = &b->areas[i];
        struct mb_municipality *known = NULL;
        for (size_t k = 0; k < n0; k++)
            if (strcmp(m->items[k].code, a->code) == 0)
                known = &m->items[k];
        if (known) {
            mb_text_copy(known->full_name, sizeof known->full_name, a->name);
            continue;
        }
        struct mb_municipality *x = &m->items[m->n++];
        memset(x, 0, sizeof *x);
        memcpy(x->code, a->code, 5);
        mb_text_copy(x->name, sizeof x->name, a->name);
        mb_text_copy(x->full_name, sizeof x->full_name, a->name);
        x->centroid = x->point = a->point;
    }
    return 0;
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
    if (!rc)
        rc = add_boundary_areas(m, err);
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

/* Whether key equals one of the " - "-separated forms of name. */
static int name_part(const char *name, const char *key)
{
    size_t klen = strlen(key);
    if (!klen || klen >= 96)
        return 0;
    const char *s = name;
    for (;;) {
        const char *sep = strstr(s, " - ");
        size_t len = sep ? (size_t)(sep - s) : strlen(s);
        char part[96];
        if (len < sizeof part) {
            memcpy(part, s, len);
            part[len] = '\0';
            if (mb_text_casecmp(part, key) == 0)
                return 1;
        }
        if (!sep)
            return 0;
        s = sep + 3;
    }
}

const struct mb_municipality *
mb_municipality_find(const struct mb_municipalities *m, const char *key)
{
    if (!key || !key[0])
        return NULL;
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->items[i].code, key) == 0)
            return &m->items[i];
    for (size_t i = 0; i < m->n; i++)
        if ((m->items[i].code_old[0] && strcmp(m->items[i].code_old, key) == 0) ||
            mb_text_casecmp(m->items[i].name, key) == 0 ||
            mb_text_casecmp(m->items[i].full_name, key) == 0)
            return &m->items[i];
    /* One form of a name in several languages: "Røros" finds "Rosse -
     * Røros". */
    for (size_t i = 0; i < m->n; i++)
        if (name_part(m->items[i].full_name, key))
            return &m->items[i];
    return NULL;
}
