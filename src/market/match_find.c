/*
 * match_find.c - the matches of a stored site (mb_match_find, market.h):
 * its candidates from the store, each pair's distance from the road cache
 * where the cache holds one (docs/roads.md), ranked by match.c. A request
 * never routes: the road worker (road_fill.c) brings the cache up to date
 * and a pair it has not reached yet is an estimate that says so.
 */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "domain/geo.h"
#include "market/market.h"
#include "market/road_km.h"

int mb_match_find(struct mb_store *st, const struct mb_market *m, const struct mb_site_rec *rec,
                  size_t want, size_t limit, struct mb_match_result *out, size_t *ncands,
                  bool *truncated, struct mb_error *err)
{
    memset(out, 0, sizeof *out);
    struct mb_site_page page = { 0 };
    int rc = mb_match_candidates(st, m, rec, want, &page, truncated, err);
    if (rc)
        return rc;
    *ncands = page.n;
    struct mb_haul_km *kms = mb_xcalloc(page.n + 1, sizeof *kms);
    bool supply = rec->type == MB_TYPE_SUPPLY, missing = false;
    for (size_t i = 0; i < page.n && !rc; i++) {
        /* Supply -> receiver: the direction a load drives. */
        const struct mb_site_rec *from = supply ? rec : &page.items[i];
        const struct mb_site_rec *to = supply ? &page.items[i] : rec;
        rc = mb_haul_km_cached(st, m->roads_on, from, to, m->detour_factor, &kms[i], err);
        missing = missing || (!rc && kms[i].source == MB_KM_ESTIMATE && kms[i].why &&
                              strcmp(kms[i].why, "not_computed") == 0);
    }
    /* A pair the cache lacks though no write is waiting for it: one of
     * the two entered the other's candidates after that one's pairs were
     * made (the nearest of one are not always the nearest of the other).
     * The listing is queued (first in line, once), so the worker makes its
     * pairs and the next read has them. */
    if (!rc && missing && rec->id > 0)
        rc = mb_store_road_queue_add(st, rec->id, err);
    if (!rc)
        rc = mb_match_rank_by(m, rec, page.items, kms, page.n, limit, out, err);
    free(kms);
    mb_site_page_release(&page);
    return rc;
}

/* How long a request waits for the router (busy with the road worker or
 * another request) before it answers "busy": a user's request must not
 * hold a server thread while others route. */
#define ROUTE_WAIT_S 0.25

int mb_match_path(struct mb_roads *roads, const struct mb_market *m,
                  const struct mb_site_rec *rec, const struct mb_site_rec *other,
                  struct mb_haul_km *out, double **latlon, size_t *n, struct mb_error *err)
{
    memset(out, 0, sizeof *out);
    *latlon = NULL;
    *n = 0;
    /* From a supply, to a need; a facility gives to what is not a supply
     * (a need, another facility: a plan's flow as asked) and takes from a
     * supply. */
    bool listing = rec->type == MB_TYPE_SUPPLY || rec->type == MB_TYPE_NEED;
    bool forward = rec->type == MB_TYPE_SUPPLY || (!listing && other->type != MB_TYPE_SUPPLY);
    const struct mb_site_rec *a = forward ? rec : other, *b = forward ? other : rec;
    struct mb_point p = { a->lat, a->lon }, q = { b->lat, b->lon };
    double estimate = mb_geo_distance_km(p, q) * m->detour_factor;
    if (other->id == rec->id)
        return mb_error_set(err, MB_EINVAL, "to", "is the listing itself");
    /* As matching: beyond twice the longest haul no pair is shown, and no
     * drive is searched for (a long search holds the router). */
    if (estimate > 2 * m->max_km)
        return mb_error_set(err, MB_EINVAL, "to", "is an estimated %.0f km away, beyond twice "
                            "the longest haul (%.0f km): no drive is computed", estimate,
                            m->max_km);
    const char *why = "no_road_database";
    if (roads) {
        struct mb_road_leg leg;
        int rc = mb_road_drive(roads, &m->rates, a, b, &leg, latlon, n, ROUTE_WAIT_S, err);
        if (rc)
            return rc;
        if (leg.status == MB_ROAD_OK) {
            out->source = MB_KM_ROAD;
            out->km = leg.km;
            out->minutes = leg.minutes;
            out->ferry_km = leg.ferry_km;
            out->ferry_crossings = leg.ferry_crossings;
            return 0;
        }
        why = mb_road_status_name(leg.status);
    }
    out->source = MB_KM_ESTIMATE;
    out->km = estimate;
    out->why = why;
    double *v = mb_xmalloc(4 * sizeof *v);
    v[0] = a->lat, v[1] = a->lon, v[2] = b->lat, v[3] = b->lon;
    *latlon = v;
    *n = 2;
    return 0;
}
