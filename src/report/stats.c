/*
 * stats.c - amounts per municipality, year, material and destination kind
 * from confirmed loads (see stats.h).
 *
 * The destination kind follows the receiving site: a landfill, plant or
 * storage site is that; a need is reuse, or soil improvement when the
 * deal says its use is soil improvement; a quarry taking masses is reuse
 * (backfill of the pit). A load without a receiving site takes the deal's
 * listing: a need listing received it. Loads with no receiving kind at all
 * (a supply listing as receiver) count as reuse: the masses left the
 * project for another one.
 */
#include "report/stats.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "store/store.h"

const char *mb_dest_name(enum mb_dest d)
{
    static const char *const names[MB_DEST_COUNT] = { "landfill", "reuse",
        "soil_improvement", "plant", "storage" };
    return d < MB_DEST_COUNT ? names[d] : "?";
}

int mb_stats_year(int64_t t)
{
    time_t tt = (time_t)(t + 3600);
    struct tm tm;
    if (!gmtime_r(&tt, &tm))
        return t < 0 ? INT_MIN : INT_MAX; /* out of any year a statistic asks for */
    return tm.tm_year + 1900;
}

/* Unix time of 1 January 00:00 UTC of a year (days from the civil date,
 * the proleptic Gregorian calendar). */
static int64_t new_year_utc(int year)
{
    int64_t y = year - 1;
    int64_t days = 365 * (y - 1969) + (y / 4 - 1969 / 4) - (y / 100 - 1969 / 100) +
                   (y / 400 - 1969 / 400);
    return days * 86400;
}

static enum mb_dest dest_of(const struct mb_load *l)
{
    int to = l->to_type >= 0 ? l->to_type : l->listing_type == MB_TYPE_NEED ? MB_TYPE_NEED : -1;
    switch (to) {
    case MB_TYPE_LANDFILL: return MB_DEST_LANDFILL;
    case MB_TYPE_PLANT: return MB_DEST_PLANT;
    case MB_TYPE_STORAGE: return MB_DEST_STORAGE;
    case MB_TYPE_NEED:
        return strcmp(l->use, "soil_improvement") == 0 ? MB_DEST_SOIL : MB_DEST_REUSE;
    default: return MB_DEST_REUSE;
    }
}

struct gather {
    const struct mb_catalog *catalog;
    const struct mb_stats_query *q;
    struct mb_stats_row *rows;
    size_t n, cap;
};

static int cmp_row(const struct mb_stats_row *a, const struct mb_stats_row *b)
{
    int c = strcmp(a->municipality, b->municipality);
    if (c)
        return c;
    if (a->year != b->year)
        return a->year < b->year ? -1 : 1;
    c = strcmp(a->material, b->material);
    if (c)
        return c;
    return (a->dest > b->dest) - (a->dest < b->dest);
}

static int by_row(const void *a, const void *b)
{
    return cmp_row(a, b);
}

static bool wanted(const struct mb_stats_query *q, const char *code)
{
    if (!q->municipalities || q->nmunicipalities == 0)
        return true;
    for (size_t i = 0; i < q->nmunicipalities; i++)
        if (strcmp(q->municipalities[i], code) == 0)
            return true;
    return false;
}

/* Rows are gathered one per load, then sorted and merged: simple, and the
 * loads of a region's years are far fewer than memory allows. */
static int gather_one(const struct mb_load *l, void *ctx)
{
    struct gather *g = ctx;
    int year = mb_stats_year(l->at);
    if ((g->q->year && year != g->q->year) || !wanted(g->q, l->municipality))
        return 0;
    g->rows = mb_xgrow(g->rows, &g->cap, g->n + 1, sizeof *g->rows);
    struct mb_stats_row *r = &g->rows[g->n++];
    memset(r, 0, sizeof *r);
    snprintf(r->municipality, sizeof r->municipality, "%s", l->municipality);
    r->year = year;
    snprintf(r->material, sizeof r->material, "%s", l->material);
    r->dest = dest_of(l);
    r->t = l->amount_t;
    const struct mb_material *m = mb_catalog_find(g->catalog, l->material);
    r->fm3 = m && m->density > 0 ? l->amount_t / m->density : 0;
    r->loads = 1;
    return 0;
}

static void add_to(struct mb_stats_muni *m, const struct mb_stats_row *r)
{
    m->t[r->dest] += r->t;
    m->fm3[r->dest] += r->fm3;
    m->total_t += r->t;
    m->total_fm3 += r->fm3;
    m->loads += r->loads;
}

int mb_stats_build(struct mb_store *st, const struct mb_catalog *catalog,
                   const struct mb_municipalities *munis, const struct mb_stats_query *q,
                   struct mb_stats *out, struct mb_error *err)
{
    memset(out, 0, sizeof *out);
    struct gather g = { catalog, q, NULL, 0, 0 };
    struct mb_load_query lq = { 0, 0, true, 0 };
    if (q->year) {
        /* Loads of the year in Norwegian time, with an hour to spare on
         * each side; gather_one keeps only the year itself. */
        lq.from_at = new_year_utc(q->year) - 2 * 3600;
        lq.to_at = new_year_utc(q->year + 1);
    }
    int rc = mb_store_loads(st, &lq, gather_one, &g, err);
    if (rc) {
        free(g.rows);
        return rc;
    }
    if (g.n) /* qsort must not see the NULL of an empty report */
        qsort(g.rows, g.n, sizeof *g.rows, by_row);
    /* Merge equal keys in place. */
    size_t n = 0;
    for (size_t i = 0; i < g.n; i++) {
        if (n && cmp_row(&g.rows[n - 1], &g.rows[i]) == 0) {
            g.rows[n - 1].t += g.rows[i].t;
            g.rows[n - 1].fm3 += g.rows[i].fm3;
            g.rows[n - 1].loads += g.rows[i].loads;
        } else {
            g.rows[n++] = g.rows[i];
        }
    }
    out->rows = g.rows;
    out->nrows = n;
    /* Per municipality: rows are sorted by municipality first. */
    size_t cap = 0;
    for (size_t i = 0; i < n; i++) {
        const struct mb_stats_row *r = &out->rows[i];
        if (!out->nmunis || strcmp(out->munis[out->nmunis - 1].municipality, r->municipality)) {
            out->munis = mb_xgrow(out->munis, &cap, out->nmunis + 1, sizeof *out->munis);
            struct mb_stats_muni *m = &out->munis[out->nmunis++];
            memset(m, 0, sizeof *m);
            snprintf(m->municipality, sizeof m->municipality, "%s", r->municipality);
            const struct mb_municipality *mu =
                munis && *r->municipality ? mb_municipality_find(munis, r->municipality) : NULL;
            if (mu)
                snprintf(m->name, sizeof m->name, "%s", mu->name);
        }
        add_to(&out->munis[out->nmunis - 1], r);
        add_to(&out->total, r);
    }
    return 0;
}

void mb_stats_release(struct mb_stats *s)
{
    if (!s)
        return;
    free(s->rows);
    free(s->munis);
    memset(s, 0, sizeof *s);
}
