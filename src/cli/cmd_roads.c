/*
 * cmd_roads.c - `massebank roads`: build a region's road database from an
 * OpenStreetMap extract, and ask it for the drive between two points
 * (docs/roads.md).
 *
 *   massebank roads build EXTRACT -o DIR
 *   massebank roads route --roads DIR LAT,LON LAT,LON [--shortest]
 *                         [--weight T] [--json]
 *   massebank roads fill --db FILE --roads DIR [--all] [--json]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/text.h"
#include "market/road_km.h"
#include "roads/roads.h"

static int build(int argc, char **argv)
{
    const char *extract = NULL, *out = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (strcmp(argv[i], "-o") == 0)
            return cli_usage("roads", "roads build EXTRACT.osm.pbf -o DIR: -o needs a directory");
        else if (argv[i][0] == '-')
            return cli_usage("roads", "unknown option '%s'", argv[i]);
        else if (!extract)
            extract = argv[i];
        else
            return cli_usage("roads", "give one extract");
    }
    if (!extract || !out)
        return cli_usage("roads", "roads build EXTRACT.osm.pbf -o DIR");
    struct mb_error err;
    mb_error_clear(&err);
    if (mb_roads_build(extract, out, &err))
        return cli_fail(&err);
    printf("road database built in %s from %s\n", out, extract);
    return 0;
}

/* "63.43,10.39" (WGS84 degrees, a point for decimals). */
static int point(const char *s, const char *field, double *lat, double *lon,
                 struct mb_error *err)
{
    char a[64], q[44];
    const char *comma = strchr(s, ',');
    if (!comma || (size_t)(comma - s) >= sizeof a || strchr(comma + 1, ','))
        return mb_error_set(err, MB_EINVAL, field, "'%s' is not a position; write LAT,LON "
                            "with a point for decimals, e.g. 63.43,10.39",
                            mb_text_clip(q, sizeof q, s));
    memcpy(a, s, (size_t)(comma - s));
    a[comma - s] = '\0';
    int rc = mb_parse_number_as(a, lat, field, "a latitude", err);
    if (!rc)
        rc = mb_parse_number_as(comma + 1, lon, field, "a longitude", err);
    if (!rc && (*lat < -90 || *lat > 90 || *lon < -180 || *lon > 180))
        rc = mb_error_set(err, MB_EINVAL, field, "latitude -90-90 and longitude -180-180 "
                          "degrees");
    return rc;
}

static int route(int argc, char **argv)
{
    const char *dir = NULL, *pos[2] = { NULL, NULL };
    bool json = false;
    enum mb_road_goal goal = MB_ROAD_QUICKEST;
    struct mb_road_vehicle v = mb_road_truck;
    struct mb_error err;
    mb_error_clear(&err);
    int n = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--roads") == 0 && i + 1 < argc) {
            dir = argv[++i];
        } else if (strcmp(argv[i], "--weight") == 0 && i + 1 < argc) {
            if (mb_parse_number_as(argv[++i], &v.weight_t, "--weight", "a weight in tonnes",
                                   &err))
                return cli_fail(&err);
        } else if (strcmp(argv[i], "--weight") == 0 || strcmp(argv[i], "--roads") == 0) {
            return cli_usage("roads", "%s needs a value", argv[i]);
        } else if (strcmp(argv[i], "--shortest") == 0) {
            goal = MB_ROAD_SHORTEST;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (argv[i][0] == '-' && !(argv[i][1] >= '0' && argv[i][1] <= '9')) {
            return cli_usage("roads", "unknown option '%s'", argv[i]);
        } else if (n < 2) {
            pos[n++] = argv[i];
        } else {
            return cli_usage("roads", "give two positions");
        }
    }
    if (!dir || n != 2)
        return cli_usage("roads", "roads route --roads DIR LAT,LON LAT,LON");
    double p[2][2];
    if (point(pos[0], "from", &p[0][0], &p[0][1], &err) ||
        point(pos[1], "to", &p[1][0], &p[1][1], &err))
        return cli_fail(&err);
    struct mb_roads *r;
    if (mb_roads_open(dir, &v, &r, &err))
        return cli_fail(&err);
    struct mb_road_leg leg;
    int rc = mb_roads_route(r, p[0][0], p[0][1], p[1][0], p[1][1], goal, &leg, &err);
    if (rc) {
        rc = cli_fail(&err);
    } else if (json) {
        json_t *j = json_pack("{s:s, s:s, s:s, s:f}", "status", mb_road_status_name(leg.status),
                              "goal", goal == MB_ROAD_SHORTEST ? "shortest" : "quickest",
                              "roads_version", mb_roads_version(r), "weight_t", v.weight_t);
        if (leg.status == MB_ROAD_OK) {
            /* metres and tenths of a minute: what the router resolves */
            json_object_set_new(j, "km", json_real(round(leg.km * 1000) / 1000));
            json_object_set_new(j, "minutes", json_real(round(leg.minutes * 10) / 10));
            json_object_set_new(j, "ferry_km", json_real(round(leg.ferry_km * 1000) / 1000));
            json_object_set_new(j, "ferry_crossings", json_integer(leg.ferry_crossings));
        }
        cli_print_json(stdout, j);
        json_decref(j);
    } else if (leg.status == MB_ROAD_OK) {
        printf("%.3f km by road, at least %.1f min (%s, %g t truck)", leg.km, leg.minutes,
               goal == MB_ROAD_SHORTEST ? "shortest" : "quickest", v.weight_t);
        if (leg.ferry_km > 0)
            printf(", of which %.3f km on %d %s", leg.ferry_km, leg.ferry_crossings,
                   leg.ferry_crossings == 1 ? "ferry" : "ferries");
        printf("\n");
    } else {
        printf("no road distance: %s\n", leg.status == MB_ROAD_NO_ROAD_NEAR
                                             ? "a point has no road a truck may use within 1 km"
                                             : "no route between the points for this truck");
    }
    mb_roads_close(r);
    return rc;
}

/* Bring a market database's road distances up to date: every site the
 * queue holds (--all: every published and reserved site), as the server's
 * road worker does. */
static int fill(int argc, char **argv)
{
    const char *db = NULL, *dir = NULL;
    bool all = false, json = false;
    for (int i = 0; i < argc; i++) {
        if ((strcmp(argv[i], "--db") == 0 || strcmp(argv[i], "--roads") == 0) && i + 1 < argc) {
            *(argv[i][2] == 'd' ? &db : &dir) = argv[i + 1];
            i++;
        } else if (strcmp(argv[i], "--db") == 0 || strcmp(argv[i], "--roads") == 0) {
            return cli_usage("roads", "%s needs a value", argv[i]);
        } else if (strcmp(argv[i], "--all") == 0) {
            all = true;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else {
            return cli_usage("roads", "unknown option '%s'", argv[i]);
        }
    }
    if (!db || !dir)
        return cli_usage("roads", "roads fill --db FILE --roads DIR");
    struct mb_error err;
    struct mb_market m;
    struct mb_store *st = NULL;
    struct mb_roads *r = NULL;
    if (mb_market_init(&m, &err))
        return cli_fail(&err);
    int rc = cli_open_db(db, &st, &err);
    if (!rc)
        rc = mb_roads_open(dir, &mb_road_truck, &r, &err);
    m.roads_on = true;
    if (!rc && all)
        rc = mb_road_fill_requeue(st, &err);
    struct mb_road_fill f = { 0 };
    if (!rc)
        rc = mb_road_fill_queue(st, r, &m, 0, 0, &f, &err);
    if (rc) {
        rc = cli_fail(&err);
    } else if (json) {
        json_t *j = json_pack("{s:I, s:I, s:I, s:s}", "sites", (json_int_t)f.sites, "pairs",
                              (json_int_t)f.pairs, "routed", (json_int_t)f.routed,
                              "roads_version", mb_roads_version(r));
        cli_print_json(stdout, j);
        json_decref(j);
    } else {
        printf("%zu sites: %zu pairs, %zu of them routed now, the others were up to date\n",
               f.sites, f.pairs, f.routed);
    }
    mb_roads_close(r);
    mb_store_close(st);
    mb_market_release(&m);
    return rc;
}

int cmd_roads(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "build") == 0)
        return build(argc - 2, argv + 2);
    if (argc >= 2 && strcmp(argv[1], "route") == 0)
        return route(argc - 2, argv + 2);
    if (argc >= 2 && strcmp(argv[1], "fill") == 0)
        return fill(argc - 2, argv + 2);
    return cli_usage("roads", "roads build EXTRACT -o DIR | roads route --roads DIR A B | "
                     "roads fill --db FILE --roads DIR");
}
