/*
 * road_km.h - the distance of a haul between two sites, by road where the
 * region has a road database and the estimate otherwise, always saying
 * which (docs/roads.md). The road figure is read from the pair cache
 * (store road_distance) or computed with the road database and cached.
 */
#ifndef MB_MARKET_ROAD_KM_H
#define MB_MARKET_ROAD_KM_H

#include "market/market.h"
#include "roads/roads.h"
#include "store/store.h"

/* Where a distance comes from. */
enum mb_km_source {
    MB_KM_ROAD,     /* the road database's quickest drive for a truck */
    MB_KM_ESTIMATE, /* great circle x the detour factor */
};

struct mb_haul_km {
    enum mb_km_source source;
    double km;
    double minutes;   /* road only; 0 for an estimate */
    double ferry_km;  /* road only */
    int ferry_crossings; /* road only: how many ferries */
    const char *why;  /* for an estimate, a code (static text): "no_road_database",
                         "no_road_near" (a site is far from any road truck may use),
                         "no_route" (no road between them), "not_computed" (a road
                         database is in use and the pair is waiting in the queue) */
};

const char *mb_km_source_name(enum mb_km_source s);

/* The cache row of the drive `leg` from site a to site b, computed now by
 * the road database of `version`. */
void mb_road_row_of(struct mb_road_row *row, const struct mb_site_rec *a,
                    const struct mb_site_rec *b, const char *version,
                    const struct mb_road_leg *leg);

/* The drive a haulier takes from site a to site b: the quickest, or,
 * where that crosses a ferry, the quickest that takes none if it costs
 * less per tonne at `rates` (the road round against a crossing's ticket,
 * wait and time on board; the router itself does not see them). With
 * `latlon` (may be NULL) the chosen drive's points, as mb_roads_path,
 * waiting at most `wait` seconds for the router (< 0: no limit). */
struct mb_rates;
int mb_road_drive(struct mb_roads *roads, const struct mb_rates *rates,
                  const struct mb_site_rec *a, const struct mb_site_rec *b,
                  struct mb_road_leg *leg, double **latlon, size_t *n, double wait,
                  struct mb_error *err);

/* The haul from site `a` to site `b`. `roads` may be NULL (no road
 * database: the estimate). `detour` is the factor of the estimate, `rates`
 * the transport rates a drive is chosen by (mb_road_drive). A computed
 * road distance is stored in the cache in its own statement. */
int mb_haul_km(struct mb_store *st, struct mb_roads *roads, const struct mb_rates *rates,
               const struct mb_site_rec *a, const struct mb_site_rec *b, double detour,
               struct mb_haul_km *out, struct mb_error *err);

/* The haul as the cache knows it, never routing (for requests): the road
 * figure if a row for these positions exists (made by any road database),
 * else the estimate, why "not_computed" when `roads_on` (a road database
 * is in use) and "no_road_database" otherwise. */
int mb_haul_km_cached(struct mb_store *st, bool roads_on, const struct mb_site_rec *a,
                      const struct mb_site_rec *b, double detour, struct mb_haul_km *out,
                      struct mb_error *err);

/* ---- bringing the cache up to date (road_fill.c) ---- */

struct mb_road_fill {
    size_t sites;   /* sites taken from the queue */
    size_t pairs;   /* pairs looked at */
    size_t routed;  /* of them computed now (the others were up to date) */
    size_t later;   /* sites put back in the queue with pairs left (out of time) */
};

/* Bring the cached pairs of site `id` up to date with `roads`: the pairs
 * matching looks at (a listing with its match candidates, a facility
 * with the listings in reach that it could take from or give to), each
 * in the direction a load drives, nearest first. Routes outside any
 * transaction and writes the new rows in one. A site that is not
 * published or reserved (or no longer exists) has none. With `budget`
 * seconds (0: none) it stops routing once they are spent and sets *done
 * false: the nearest pairs, the ones a user reads first, are in, the rest
 * wait. Adds to *stats. */
int mb_road_fill_site(struct mb_store *st, struct mb_roads *roads, const struct mb_market *m,
                      int64_t id, double budget, bool *done, struct mb_road_fill *stats,
                      struct mb_error *err);

/* Queue every published and reserved site (a road database was opened:
 * the pairs of another one are stale). */
int mb_road_fill_requeue(struct mb_store *st, struct mb_error *err);

/* Take up to `max` sites off the queue (0: until it is empty), in its
 * order, filling each within `budget` seconds (0: no limit); a site with
 * pairs left goes back to the end of the queue, behind every other (so a
 * new listing's nearest pairs come within the budget and the far ones of
 * everybody after). Adds to *stats. */
int mb_road_fill_queue(struct mb_store *st, struct mb_roads *roads, const struct mb_market *m,
                       size_t max, double budget, struct mb_road_fill *stats,
                       struct mb_error *err);

#endif
