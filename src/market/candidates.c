/*
 * candidates.c - which stored sites a match request ranks (see market.h,
 * mb_match_candidates). Growing the radius keeps the work proportional to
 * the listings near the site, not to the whole market within 115 km.
 */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "market/market.h"

#define FIRST_RADIUS_KM 10.0

static void base_query(const struct mb_site_rec *rec, struct mb_site_query *q)
{
    memset(q, 0, sizeof *q);
    q->statuses = 1u << MB_STATUS_PUBLISHED | 1u << MB_STATUS_RESERVED;
    q->has_radius = true;
    q->lat = rec->lat;
    q->lon = rec->lon;
    q->exclude_id = rec->id;
    q->no_total = true;
    if (rec->from_m != MB_NO_MONTH_FROM || rec->to_m != MB_NO_MONTH_TO) {
        q->from_m = rec->from_m;
        q->to_m = rec->to_m;
    }
}

int mb_match_candidates(struct mb_store *st, const struct mb_market *m,
                        const struct mb_site_rec *rec, size_t want,
                        struct mb_site_page *out, bool *truncated, struct mb_error *err)
{
    size_t nlist = 2 * want > MB_MATCH_MIN_LISTINGS ? 2 * want : MB_MATCH_MIN_LISTINGS;
    memset(out, 0, sizeof *out);
    *truncated = false;
    unsigned all = mb_match_counterpart_types(rec->type);
    unsigned listings = all & (1u << MB_TYPE_SUPPLY | 1u << MB_TYPE_NEED);
    unsigned facilities = all & ~listings;
    double reach = m->max_km / m->detour_factor; /* great-circle km */
    struct mb_site_query q;
    int rc = 0;
    /* One material to search by: a supply's own, or a need's only one. A
     * need that takes several materials searches without (rank filters). */
    const char *mat = rec->type == MB_TYPE_SUPPLY && rec->material[0] ? rec->material
                      : rec->nmaterials == 1 ? rec->materials[0] : NULL;
    if (listings) {
        base_query(rec, &q);
        q.types = listings;
        q.limit = nlist;
        q.material = mat;
        /* The radius grows, so that the thousands of listings of a city
         * are not all sorted by distance to keep the nearest few dozen. */
        for (double r = FIRST_RADIUS_KM;; r *= 3) {
            q.radius_km = r < reach ? r : reach;
            mb_site_page_release(out);
            memset(out, 0, sizeof *out);
            if ((rc = mb_store_site_search(st, &q, out, err)) != 0)
                return rc;
            if (out->n >= nlist || q.radius_km >= reach)
                break;
        }
        *truncated = out->total > out->n;
    }
    if (facilities) {
        /* Within the longest haul; with one material the per-material
         * index answers, otherwise the R*Tree, whose type dimension skips
         * the many listings in reach without reading them. */
        base_query(rec, &q);
        q.types = facilities;
        q.limit = 1000;
        q.radius_km = reach;
        q.material = mat;
        struct mb_site_page fac = { 0 };
        if ((rc = mb_store_site_search(st, &q, &fac, err)) != 0) {
            mb_site_page_release(out);
            return rc;
        }
        *truncated = *truncated || fac.total > fac.n;
        if (fac.n) {
            out->items = mb_xrealloc(out->items, (out->n + fac.n) * sizeof *out->items);
            memcpy(out->items + out->n, fac.items, fac.n * sizeof *fac.items);
            out->n += fac.n;
        }
        out->total = out->n;
        free(fac.items); /* the records moved to out */
    }
    return 0;
}
