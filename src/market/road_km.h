/*
 * road_km.h - the distance of a haul between two sites, by road where the
 * region has a road database and the estimate otherwise, always saying
 * which (docs/roads.md). The road figure is read from the pair cache
 * (store road_distance) or computed with the road database and cached.
 */
#ifndef MB_MARKET_ROAD_KM_H
#define MB_MARKET_ROAD_KM_H

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
    const char *why;  /* for an estimate: "no road database", "no road near a site",
                         "no route by road" (static text) */
};

const char *mb_km_source_name(enum mb_km_source s);

/* The haul from site `a` to site `b`. `roads` may be NULL (no road
 * database: the estimate). `detour` is the factor of the estimate. A
 * computed road distance is stored in the cache in its own statement. */
int mb_haul_km(struct mb_store *st, struct mb_roads *roads, const struct mb_site_rec *a,
               const struct mb_site_rec *b, double detour, struct mb_haul_km *out,
               struct mb_error *err);

#endif
