/*
 * road_fill.c - bringing the road cache up to date for a site, and the
 * worker's round through the durable queue (see road_km.h, docs/roads.md).
 *
 * Which pairs: those a match request of the site, or of a listing near a
 * facility, ranks; the same candidate sets as matching (candidates.c), so
 * the cache holds what matches read. Each pair in the direction a load
 * drives: supply -> receiver, giving facility -> need.
 */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "domain/geo.h"
#include "market/road_km.h"

/* Listings per site whose pairs are kept: the matches of a default
 * request (20) are ranked from twice as many. */
#define FILL_WANT 20
/* Listings near a facility whose pairs with it are kept. */
#define FACILITY_LISTINGS 200

struct pair {
    const struct mb_site_rec *from, *to;
    double km; /* great circle */
};

static int by_km(const void *a, const void *b)
{
    const struct pair *x = a, *y = b;
    return (x->km > y->km) - (x->km < y->km);
}



static bool gives_to_needs(enum mb_site_type t)
{
    return t == MB_TYPE_STORAGE || t == MB_TYPE_PLANT || t == MB_TYPE_QUARRY;
}

static bool takes_supply(enum mb_site_type t)
{
    return t == MB_TYPE_LANDFILL || t == MB_TYPE_STORAGE || t == MB_TYPE_PLANT ||
           t == MB_TYPE_NEED;
}

static void add(struct pair **v, size_t *n, size_t *cap, const struct mb_market *m,
                const struct mb_site_rec *from, const struct mb_site_rec *to)
{
    /* Beyond twice the longest haul a pair is never shown (match.c). */
    struct mb_point p = { from->lat, from->lon }, q = { to->lat, to->lon };
    double km = mb_geo_distance_km(p, q);
    if (km * m->detour_factor > 2 * m->max_km)
        return;
    *v = mb_xgrow(*v, cap, *n + 1, sizeof **v);
    (*v)[(*n)++] = (struct pair){ from, to, km };
}

/* The listings in reach of facility `f` that it could take from or give to. */
static int facility_pairs(struct mb_store *st, const struct mb_market *m,
                          const struct mb_site_rec *f, struct mb_site_page *page,
                          struct pair **v, size_t *n, size_t *cap, struct mb_error *err)
{
    struct mb_site_query q;
    memset(&q, 0, sizeof q);
    q.types = (takes_supply(f->type) ? 1u << MB_TYPE_SUPPLY : 0) |
              (gives_to_needs(f->type) ? 1u << MB_TYPE_NEED : 0);
    if (!q.types)
        return 0;
    q.statuses = 1u << MB_STATUS_PUBLISHED | 1u << MB_STATUS_RESERVED;
    q.has_radius = true;
    q.lat = f->lat;
    q.lon = f->lon;
    q.radius_km = m->max_km / m->detour_factor;
    q.exclude_id = f->id;
    q.no_total = true;
    q.limit = FACILITY_LISTINGS;
    int rc = mb_store_site_search(st, &q, page, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < page->n; i++) {
        const struct mb_site_rec *l = &page->items[i];
        if (l->type == MB_TYPE_SUPPLY && mb_match_has_material(f, l->material))
            add(v, n, cap, m, l, f);
        else if (l->type == MB_TYPE_NEED && mb_match_shares_material(f, l))
            add(v, n, cap, m, f, l);
    }
    return 0;
}

int mb_road_fill_site(struct mb_store *st, struct mb_roads *roads, const struct mb_market *m,
                      int64_t id, double budget, bool *done, struct mb_road_fill *stats,
                      struct mb_error *err)
{
    *done = true;
    double start = mb_clock_seconds();
    struct mb_site_rec rec;
    int rc = mb_store_site_get(st, id, &rec, err);
    if (rc == MB_ENOTFOUND)
        return 0;
    if (rc)
        return rc;
    struct mb_site_page page = { 0 };
    struct pair *v = NULL;
    size_t n = 0, cap = 0;
    if (rec.status == MB_STATUS_PUBLISHED || rec.status == MB_STATUS_RESERVED) {
        if (rec.type == MB_TYPE_SUPPLY || rec.type == MB_TYPE_NEED) {
            bool truncated;
            rc = mb_match_candidates(st, m, &rec, FILL_WANT, &page, &truncated, err);
            bool supply = rec.type == MB_TYPE_SUPPLY;
            for (size_t i = 0; i < page.n && !rc; i++)
                add(&v, &n, &cap, m, supply ? &rec : &page.items[i],
                    supply ? &page.items[i] : &rec);
        } else {
            rc = facility_pairs(st, m, &rec, &page, &v, &n, &cap, err);
        }
    }
    /* Those not up to date, nearest first, routed with no transaction
     * open, until the budget is spent. */
    if (n > 1)
        qsort(v, n, sizeof *v, by_km);
    const char *version = mb_roads_version(roads);
    struct mb_road_row *rows = mb_xcalloc(n + 1, sizeof *rows);
    size_t nrows = 0, looked = 0;
    for (size_t i = 0; i < n && !rc; i++, looked++) {
        if (budget > 0 && nrows > 0 && mb_clock_seconds() - start > budget) {
            *done = false;
            break;
        }
        const struct mb_site_rec *a = v[i].from, *b = v[i].to;
        struct mb_road_row row;
        bool found;
        rc = mb_store_road_get(st, a->id, b->id, version, a->lat, a->lon, b->lat, b->lon, &row,
                               &found, err);
        if (rc || found)
            continue;
        struct mb_road_leg leg;
        if ((rc = mb_road_drive(roads, &m->rates, a, b, &leg, NULL, NULL, -1, err)))
            break;
        mb_road_row_of(&rows[nrows++], a, b, version, &leg);
    }
    if (!rc && nrows) {
        if ((rc = mb_store_begin(st, err)) == 0) {
            for (size_t i = 0; i < nrows && !rc; i++)
                rc = mb_store_road_put(st, &rows[i], err);
            rc = mb_store_end(st, rc, err);
        }
    }
    if (!rc && stats) {
        stats->pairs += looked;
        stats->routed += nrows;
    }
    free(rows);
    free(v);
    mb_site_page_release(&page);
    mb_site_rec_release(&rec);
    return rc;
}

int mb_road_fill_queue(struct mb_store *st, struct mb_roads *roads, const struct mb_market *m,
                       size_t max, double budget, struct mb_road_fill *stats,
                       struct mb_error *err)
{
    for (size_t k = 0; max == 0 || k < max; k++) {
        int64_t site, seq;
        bool found;
        int rc = mb_store_road_queue_next(st, &site, &seq, &found, err);
        if (rc || !found)
            return rc;
        /* A site that fails (its error returned) leaves the queue all
         * the same, so one bad site does not stop the rest. */
        struct mb_error done_err;
        bool done;
        rc = mb_road_fill_site(st, roads, m, site, budget, &done, stats, err);
        int rc2 = rc || done ? mb_store_road_queue_done(st, site, seq, rc ? &done_err : err)
                             : mb_store_road_queue_later(st, site, seq, err);
        if (rc || rc2)
            return rc ? rc : rc2;
        if (stats) {
            stats->sites++;
            stats->later += !done;
        }
    }
    return 0;
}

int mb_road_fill_requeue(struct mb_store *st, struct mb_error *err)
{
    return mb_store_road_queue_add(st, 0, err);
}
