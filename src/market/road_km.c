/*
 * road_km.c - a haul's distance by road or by estimate (see road_km.h).
 */
#include "market/road_km.h"

#include <string.h>
#include <time.h>

#include "core/text.h"
#include "domain/geo.h"
#include "plan/scenario.h"

const char *mb_km_source_name(enum mb_km_source s)
{
    return s == MB_KM_ROAD ? "road" : "estimate";
}

static void estimate(const struct mb_site_rec *a, const struct mb_site_rec *b, double detour,
                     const char *why, struct mb_haul_km *out)
{
    struct mb_point p = { a->lat, a->lon }, q = { b->lat, b->lon };
    out->source = MB_KM_ESTIMATE;
    out->km = mb_geo_distance_km(p, q) * detour;
    out->minutes = 0;
    out->ferry_km = 0;
    out->ferry_crossings = 0;
    out->why = why;
}

/* A cached or freshly computed row as the answer. */
static void answer(const struct mb_road_row *row, const struct mb_site_rec *a,
                   const struct mb_site_rec *b, double detour, struct mb_haul_km *out)
{
    if (strcmp(row->status, "road") == 0) {
        out->source = MB_KM_ROAD;
        out->km = row->km;
        out->minutes = row->minutes;
        out->ferry_km = row->ferry_km;
        out->ferry_crossings = row->ferry_crossings;
        out->why = NULL;
    } else {
        /* The row's status is the estimate's reason (no_road_near, no_route). */
        estimate(a, b, detour, strcmp(row->status, "no_road_near") == 0
                                   ? mb_road_status_name(MB_ROAD_NO_ROAD_NEAR)
                                   : mb_road_status_name(MB_ROAD_NO_ROUTE), out);
    }
}

void mb_road_row_of(struct mb_road_row *row, const struct mb_site_rec *a,
                    const struct mb_site_rec *b, const char *version,
                    const struct mb_road_leg *leg)
{
    memset(row, 0, sizeof *row);
    row->from_site = a->id;
    row->to_site = b->id;
    mb_text_copy(row->db_version, sizeof row->db_version, version);
    row->from_lat = a->lat;
    row->from_lon = a->lon;
    row->to_lat = b->lat;
    row->to_lon = b->lon;
    mb_text_copy(row->status, sizeof row->status, mb_road_status_name(leg->status));
    row->km = leg->km;
    row->minutes = leg->minutes;
    row->ferry_km = leg->ferry_km;
    row->ferry_crossings = leg->ferry_crossings;
    row->computed = (int64_t)time(NULL);
}

int mb_road_drive(struct mb_roads *roads, const struct mb_rates *rates,
                  const struct mb_site_rec *a, const struct mb_site_rec *b,
                  struct mb_road_leg *leg, double **latlon, size_t *n, double wait,
                  struct mb_error *err)
{
    double *best = NULL, *other = NULL;
    size_t nbest = 0, nother = 0;
    int rc = latlon ? mb_roads_path(roads, a->lat, a->lon, b->lat, b->lon, MB_ROAD_QUICKEST, leg,
                                    &best, &nbest, wait, err)
                    : mb_roads_route(roads, a->lat, a->lon, b->lat, b->lon, MB_ROAD_QUICKEST, leg,
                                     err);
    if (!rc && leg->status == MB_ROAD_OK && leg->ferry_crossings > 0) {
        struct mb_road_leg round;
        rc = latlon ? mb_roads_path(roads, a->lat, a->lon, b->lat, b->lon,
                                    MB_ROAD_QUICKEST_NO_FERRY, &round, &other, &nother, wait,
                                    err)
                    : mb_roads_route(roads, a->lat, a->lon, b->lat, b->lon,
                                     MB_ROAD_QUICKEST_NO_FERRY, &round, err);
        double by_ferry, by_road, co2;
        mb_rates_haul(rates, leg->km, leg->ferry_km, leg->ferry_crossings, &by_ferry, &co2);
        mb_rates_haul(rates, round.km, 0, 0, &by_road, &co2);
        if (!rc && round.status == MB_ROAD_OK && by_road < by_ferry) {
            *leg = round;
            double *t = best;
            best = other, other = t;
            nbest = nother;
        }
    }
    free(other);
    if (rc) {
        free(best);
        best = NULL, nbest = 0;
    }
    if (latlon) {
        *latlon = best;
        *n = nbest;
    } else {
        free(best);
    }
    return rc;
}

int mb_haul_km(struct mb_store *st, struct mb_roads *roads, const struct mb_rates *rates,
               const struct mb_site_rec *a, const struct mb_site_rec *b, double detour,
               struct mb_haul_km *out, struct mb_error *err)
{
    memset(out, 0, sizeof *out);
    if (!roads) {
        estimate(a, b, detour, "no_road_database", out);
        return 0;
    }
    const char *version = mb_roads_version(roads);
    struct mb_road_row row;
    bool found;
    int rc = mb_store_road_get(st, a->id, b->id, version, a->lat, a->lon, b->lat, b->lon, &row,
                               &found, err);
    if (rc)
        return rc;
    if (!found) {
        struct mb_road_leg leg;
        if ((rc = mb_road_drive(roads, rates, a, b, &leg, NULL, NULL, -1, err)))
            return rc;
        mb_road_row_of(&row, a, b, version, &leg);
        if ((rc = mb_store_road_put(st, &row, err)))
            return rc;
    }
    answer(&row, a, b, detour, out);
    return 0;
}

int mb_haul_km_cached(struct mb_store *st, bool roads_on, const struct mb_site_rec *a,
                      const struct mb_site_rec *b, double detour, struct mb_haul_km *out,
                      struct mb_error *err)
{
    memset(out, 0, sizeof *out);
    struct mb_road_row row;
    bool found;
    int rc = mb_store_road_get(st, a->id, b->id, NULL, a->lat, a->lon, b->lat, b->lon, &row,
                               &found, err);
    if (rc)
        return rc;
    if (found)
        answer(&row, a, b, detour, out);
    else
        estimate(a, b, detour, roads_on ? "not_computed" : "no_road_database", out);
    return 0;
}
