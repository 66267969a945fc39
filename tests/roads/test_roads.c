/*
 * test_roads.c - road and ferry distances on the hand-made fjord region
 * (tests/data/roads/fjord.osm): the database is built with planetsplitter
 * as a municipality would, and each route is checked against a distance
 * computed here from the file's node coordinates the way Routino measures
 * (haversine on a sphere of 6378.137 km, each segment in whole metres).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domain/geo.h"
#include "market/road_km.h"
#include "plan/scenario.h"
#include "roads/roads.h"
#include "store/store.h"
#include "support/tmpdir.h"

/* The nodes of fjord.osm. */
static const double node[13][2] = {
    [1] = { 63.400, 10.300 }, [2] = { 63.400, 10.320 },  [3] = { 63.400, 10.480 },
    [4] = { 63.400, 10.500 }, [5] = { 63.460, 10.300 },  [6] = { 63.460, 10.500 },
    [7] = { 63.420, 10.300 }, [8] = { 63.420, 10.500 },  [9] = { 63.420, 10.380 },
    [10] = { 63.420, 10.420 }, [11] = { 63.390, 10.300 }, [12] = { 63.390, 10.500 },
};

/* Metres of one segment as Routino stores it. */
static double seg_m(int a, int b)
{
    const double r = 6378137.0, d = 3.14159265358979323846 / 180.0;
    double la1 = node[a][0] * d, la2 = node[b][0] * d;
    double dla = la2 - la1, dlo = (node[b][1] - node[a][1]) * d;
    double h = sin(dla / 2) * sin(dla / 2) + cos(la1) * cos(la2) * sin(dlo / 2) * sin(dlo / 2);
    return floor(2 * r * asin(sqrt(h)));
}

/* Kilometres along a path of nodes (0-terminated). */
static double path_km(const int *p)
{
    double m = 0;
    for (int i = 0; p[i + 1]; i++)
        m += seg_m(p[i], p[i + 1]);
    return m / 1000.0;
}

static const int north[] = { 1, 7, 5, 6, 8, 4, 0 };
static const int ferry[] = { 1, 2, 3, 4, 0 };
static const int bridge[] = { 1, 7, 9, 10, 8, 4, 0 };
static const int south[] = { 1, 11, 12, 4, 0 };

static const char *built(void)
{
    static char dir[4200];
    if (dir[0])
        return dir; /* built once per test process */
    struct mb_error err;
    snprintf(dir, sizeof dir, "%s/roads", tmpdir());
    char osm[4200];
    snprintf(osm, sizeof osm, "%s/tests/data/roads/fjord.osm", getenv("MB_SOURCE_ROOT"));
    cr_assert_eq(mb_roads_build(osm, dir, &err), 0, "%s", err.message);
    return dir;
}

static struct mb_road_leg drive(struct mb_roads *r, int from, int to, enum mb_road_goal g)
{
    struct mb_road_leg leg;
    struct mb_error err;
    cr_assert_eq(mb_roads_route(r, node[from][0], node[from][1], node[to][0], node[to][1], g,
                                &leg, &err), 0, "%s", err.message);
    return leg;
}

Test(roads, a_tipper_drives_round_the_fjord_and_the_ferry_is_shortest)
{
    struct mb_roads *r;
    struct mb_error err;
    cr_assert_eq(mb_roads_open(built(), &mb_road_truck, &r, &err), 0, "%s", err.message);
    cr_assert_eq(strlen(mb_roads_version(r)), 32);
    /* Quickest: the ferry crossing (8 km at 18 km/h) is slower than the
     * road round the fjord at 70 km/h; the bridge (10 t) and the south
     * road (no heavy goods vehicles) are closed to a 50 t truck. */
    struct mb_road_leg q = drive(r, 1, 4, MB_ROAD_QUICKEST);
    cr_assert_eq(q.status, MB_ROAD_OK);
    cr_assert_float_eq(q.km, path_km(north), 0.003, "%.3f km, expected %.3f", q.km,
                       path_km(north));
    cr_assert_float_eq(q.minutes, path_km(north) / 70.0 * 60.0, 0.05, "%.2f min", q.minutes);
    cr_assert_float_eq(q.ferry_km, 0, 1e-9);
    cr_assert_eq(q.ferry_crossings, 0);
    /* Shortest: across on the ferry, and the crossing is counted. */
    struct mb_road_leg s = drive(r, 1, 4, MB_ROAD_SHORTEST);
    cr_assert_eq(s.status, MB_ROAD_OK);
    cr_assert_float_eq(s.km, path_km(ferry), 0.003, "%.3f km, expected %.3f", s.km,
                       path_km(ferry));
    cr_assert_float_eq(s.ferry_km, seg_m(2, 3) / 1000.0, 0.002, "ferry %.3f km", s.ferry_km);
    cr_assert_eq(s.ferry_crossings, 1, "one ferry: %d", s.ferry_crossings);
    double want = (seg_m(1, 2) + seg_m(3, 4)) / 1000.0 / 70.0 * 60.0 +
                  seg_m(2, 3) / 1000.0 / 18.0 * 60.0;
    cr_assert_float_eq(s.minutes, want, 0.1, "%.2f min, expected %.2f", s.minutes, want);
    /* The same point: no distance, not a missing one. */
    struct mb_road_leg z = drive(r, 1, 1, MB_ROAD_QUICKEST);
    cr_assert_eq(z.status, MB_ROAD_OK);
    cr_assert_float_eq(z.km, 0, 0.001);
    mb_roads_close(r);
}

Test(roads, a_light_truck_takes_the_bridge_but_never_the_road_closed_to_trucks)
{
    const struct mb_road_vehicle light = { .weight_t = 10, .height_m = 3, .width_m = 2.5,
                                           .length_m = 8 };
    struct mb_roads *r;
    struct mb_error err;
    cr_assert_eq(mb_roads_open(built(), &light, &r, &err), 0, "%s", err.message);
    cr_assert_lt(path_km(south), path_km(bridge), "the closed road is the shorter one");
    struct mb_road_leg q = drive(r, 1, 4, MB_ROAD_QUICKEST);
    cr_assert_eq(q.status, MB_ROAD_OK);
    cr_assert_float_eq(q.km, path_km(bridge), 0.003, "%.3f km, expected the bridge %.3f",
                       q.km, path_km(bridge));
    mb_roads_close(r);
    /* 10.1 t is over the bridge's 10 t: Routino counts weight in 0.2 t
     * steps, and the truck is rounded up, not down onto the limit. */
    const struct mb_road_vehicle over = { .weight_t = 10.1, .height_m = 3, .width_m = 2.5,
                                          .length_m = 8 };
    cr_assert_eq(mb_roads_open(built(), &over, &r, &err), 0, "%s", err.message);
    q = drive(r, 1, 4, MB_ROAD_QUICKEST);
    cr_assert_float_eq(q.km, path_km(north), 0.003, "%.3f km: 10.1 t must go round", q.km);
    mb_roads_close(r);
}

Test(roads, a_point_far_from_any_road_says_so)
{
    struct mb_roads *r;
    struct mb_error err;
    struct mb_road_leg leg;
    cr_assert_eq(mb_roads_open(built(), &mb_road_truck, &r, &err), 0, "%s", err.message);
    /* Mid-fjord, over 2 km from every road. */
    cr_assert_eq(mb_roads_route(r, 63.44, 10.40, node[4][0], node[4][1], MB_ROAD_QUICKEST,
                                &leg, &err), 0, "%s", err.message);
    cr_assert_eq(leg.status, MB_ROAD_NO_ROAD_NEAR);
    cr_assert_float_eq(leg.km, 0, 1e-9);
    cr_assert_eq(mb_roads_route(r, 91, 10, 63, 10, MB_ROAD_QUICKEST, &leg, &err), MB_EINVAL);
    cr_assert_str_eq(err.field, "point");
    cr_assert_eq(mb_roads_route(r, NAN, 10, 63, 10, MB_ROAD_QUICKEST, &leg, &err), MB_EINVAL);
    mb_roads_close(r);
}

Test(roads, bad_extracts_and_databases_are_refused_and_leave_nothing)
{
    struct mb_error err;
    struct mb_roads *r;
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/nothing", tmpdir());
    cr_assert_eq(mb_roads_build("/no/such/extract.osm.pbf", dir, &err), MB_ENOTFOUND);
    cr_assert_str_eq(err.field, "extract");
    char *txt = tmpfile_write("roads.txt", "x");
    cr_assert_eq(mb_roads_build(txt, dir, &err), MB_EINVAL);
    cr_assert_str_eq(err.field, "extract");
    free(txt);
    char *broken = tmpfile_write("broken.osm", "<osm><node id=\"1\" lat=");
    cr_assert_eq(mb_roads_build(broken, dir, &err), MB_EDATA, "%s", err.message);
    free(broken);
    cr_assert_eq(mb_roads_build(tmpdir(), dir, &err), MB_EINVAL, "a directory is no extract");
    struct stat sb;
    cr_assert_neq(stat(dir, &sb), 0, "a failed build leaves no database");
    DIR *d = opendir(tmpdir());
    cr_assert_not_null(d);
    for (struct dirent *e; (e = readdir(d));)
        cr_assert_null(strstr(e->d_name, ".build-"), "left behind: %s", e->d_name);
    closedir(d);
    /* "roads/" builds "roads" (the temporary directory beside it). */
    char slash[4200], osm2[4200];
    snprintf(slash, sizeof slash, "%s/slashed/", tmpdir());
    snprintf(osm2, sizeof osm2, "%s/tests/data/roads/fjord.osm", getenv("MB_SOURCE_ROOT"));
    cr_assert_eq(mb_roads_build(osm2, slash, &err), 0, "%s", err.message);
    cr_assert_eq(mb_roads_open(slash, &mb_road_truck, &r, &err), 0, "%s", err.message);
    mb_roads_close(r);
    /* An existing directory is not overwritten. */
    const char *ok = built();
    char osm[4200];
    snprintf(osm, sizeof osm, "%s/tests/data/roads/fjord.osm", getenv("MB_SOURCE_ROOT"));
    cr_assert_eq(mb_roads_build(osm, ok, &err), MB_ECONFLICT);
    /* Opening: no database, a truncated file, a vehicle beyond the limits. */
    cr_assert_eq(mb_roads_open(dir, &mb_road_truck, &r, &err), MB_ENOTFOUND);
    cr_assert_null(r);
    const struct mb_road_vehicle heavy = { .weight_t = 60, .height_m = 4, .width_m = 2.55,
                                           .length_m = 12 };
    cr_assert_eq(mb_roads_open(ok, &heavy, &r, &err), MB_EINVAL);
    cr_assert_str_eq(err.field, "vehicle");
    char seg[4400];
    snprintf(seg, sizeof seg, "%s/mb-segments.mem", ok);
    cr_assert_eq(stat(seg, &sb), 0);
    /* Damaged at the same size (Routino would crash on it): refused. */
    FILE *f = fopen(seg, "r+b");
    cr_assert_not_null(f);
    for (long i = 0; i < (long)sb.st_size; i++)
        fputc((int)(i * 7919 % 251), f);
    fclose(f);
    cr_assert_eq(mb_roads_open(ok, &mb_road_truck, &r, &err), MB_EDATA);
    cr_assert(strstr(err.message, "not those of the manifest's version"), "%s", err.message);
    /* Truncated: refused by its size before anything is read. */
    cr_assert_eq(truncate(seg, sb.st_size / 2), 0);
    cr_assert_eq(mb_roads_open(ok, &mb_road_truck, &r, &err), MB_EDATA);
    cr_assert(strstr(err.message, "mb-segments.mem"), "%s", err.message);
}

/* ---- a haul's distance between two sites: road, cached, or the estimate ---- */

static int64_t put_site(struct mb_store *st, int64_t org, enum mb_site_type type, double lat,
                        double lon, struct mb_site_rec *r)
{
    memset(r, 0, sizeof *r);
    r->org_id = org;
    r->type = type;
    r->status = MB_STATUS_PUBLISHED;
    snprintf(r->title, sizeof r->title, "Sted");
    r->lat = lat;
    r->lon = lon;
    snprintf(r->material, sizeof r->material, "rock.blasted");
    char *mats[1] = { r->material };
    r->materials = mats;
    r->nmaterials = 1;
    r->cls = 1;
    r->amount_t = 100;
    r->from_m = MB_NO_MONTH_FROM;
    r->to_m = MB_NO_MONTH_TO;
    struct mb_error err;
    cr_assert_eq(mb_store_site_put(st, r, &err), 0, "%s", err.message);
    r->materials = NULL;
    r->nmaterials = 0;
    return r->id;
}

Test(roads, a_haul_is_by_road_cached_and_otherwise_an_estimate_that_says_why)
{
    struct mb_store *st;
    struct mb_error err;
    cr_assert_eq(mb_store_open(&st, ":memory:", &err), 0, "%s", err.message);
    struct mb_org o = { .name = "Fjord AS" };
    cr_assert_eq(mb_store_org_create(st, &o, &err), 0, "%s", err.message);
    struct mb_site_rec w, e, sea;
    put_site(st, o.id, MB_TYPE_SUPPLY, node[1][0], node[1][1], &w);
    put_site(st, o.id, MB_TYPE_LANDFILL, node[4][0], node[4][1], &e);
    put_site(st, o.id, MB_TYPE_LANDFILL, 63.44, 10.40, &sea);
    struct mb_roads *r;
    cr_assert_eq(mb_roads_open(built(), &mb_road_truck, &r, &err), 0, "%s", err.message);
    struct mb_rates rates;
    cr_assert_eq(mb_transport_default_rates(&rates, &err), 0, "%s", err.message);
    struct mb_haul_km k;
    cr_assert_eq(mb_haul_km(st, r, &rates, &w, &e, 1.3, &k, &err), 0, "%s", err.message);
    cr_assert_eq(k.source, MB_KM_ROAD);
    cr_assert_float_eq(k.km, path_km(north), 0.003);
    /* Cached with the database's version and the two positions. */
    struct mb_road_row row;
    bool found;
    cr_assert_eq(mb_store_road_get(st, w.id, e.id, mb_roads_version(r), w.lat, w.lon, e.lat,
                                   e.lon, &row, &found, &err), 0);
    cr_assert(found);
    cr_assert_str_eq(row.status, "road");
    /* A site with no road near: the estimate, saying why, never a zero. */
    struct mb_point p = { w.lat, w.lon }, q = { sea.lat, sea.lon };
    cr_assert_eq(mb_haul_km(st, r, &rates, &w, &sea, 1.3, &k, &err), 0, "%s", err.message);
    cr_assert_eq(k.source, MB_KM_ESTIMATE);
    cr_assert_str_eq(k.why, "no_road_near");
    cr_assert_float_eq(k.km, mb_geo_distance_km(p, q) * 1.3, 1e-9);
    cr_assert_gt(k.km, 0);
    /* Without a road database: the estimate. */
    cr_assert_eq(mb_haul_km(st, NULL, &rates, &w, &e, 1.3, &k, &err), 0);
    cr_assert_eq(k.source, MB_KM_ESTIMATE);
    cr_assert_str_eq(k.why, "no_road_database");
    cr_assert_str_eq(mb_km_source_name(k.source), "estimate");
    mb_roads_close(r);
    mb_store_close(st);
}

/* Metres of a segment along the parallel 63.6 N between two longitudes,
 * as Routino measures it. */
static double east_m(double lon1, double lon2)
{
    const double r = 6378137.0, d = 3.14159265358979323846 / 180.0, la = 63.6 * d;
    double h = cos(la) * cos(la) * sin((lon2 - lon1) * d / 2) * sin((lon2 - lon1) * d / 2);
    return floor(2 * r * asin(sqrt(h)));
}

/* tests/data/roads/ferries.osm: out to the outer island the drive takes
 * two ferries, and both are counted; the first is tagged only
 * motorcar=yes, which Routino's own rules keep trucks off and massebank's
 * (a car ferry takes trucks) does not: the quickest drive to the middle
 * island takes it rather than the long road round. */
Test(roads, each_ferry_on_the_way_is_a_crossing_and_a_car_ferry_takes_trucks)
{
    char dir[4200], osm[4200];
    struct mb_error err;
    snprintf(dir, sizeof dir, "%s/ferries", tmpdir());
    snprintf(osm, sizeof osm, "%s/tests/data/roads/ferries.osm", getenv("MB_SOURCE_ROOT"));
    cr_assert_eq(mb_roads_build(osm, dir, &err), 0, "%s", err.message);
    struct mb_roads *r;
    cr_assert_eq(mb_roads_open(dir, &mb_road_truck, &r, &err), 0, "%s", err.message);
    struct mb_road_leg leg;
    cr_assert_eq(mb_roads_route(r, 63.600, 10.300, 63.600, 10.550, MB_ROAD_QUICKEST, &leg,
                                &err), 0, "%s", err.message);
    cr_assert_eq(leg.status, MB_ROAD_OK, "the car ferry takes the truck: %d", leg.status);
    cr_assert_eq(leg.ferry_crossings, 2, "%d crossings", leg.ferry_crossings);
    double ferry_km = (east_m(10.320, 10.400) + east_m(10.440, 10.520)) / 1000.0;
    double road_km = (east_m(10.300, 10.320) + east_m(10.400, 10.440) +
                      east_m(10.520, 10.550)) / 1000.0;
    cr_assert_float_eq(leg.ferry_km, ferry_km, 0.003, "%.3f km on ferries, expected %.3f",
                       leg.ferry_km, ferry_km);
    cr_assert_float_eq(leg.km, ferry_km + road_km, 0.003, "%.3f km", leg.km);
    /* To the middle island: one ferry, the car ferry. */
    cr_assert_eq(mb_roads_route(r, 63.600, 10.300, 63.600, 10.420, MB_ROAD_QUICKEST, &leg,
                                &err), 0, "%s", err.message);
    cr_assert_eq(leg.status, MB_ROAD_OK);
    cr_assert_eq(leg.ferry_crossings, 1);
    cr_assert_float_eq(leg.ferry_km, east_m(10.320, 10.400) / 1000.0, 0.003);
    /* The drive a haulier takes to Midtøya is the road round (28 km,
     * slower but cheaper than a ticket and a wait); to Ytterøya there is
     * no road round, so the ferries stay. */
    struct mb_rates rates;
    cr_assert_eq(mb_transport_default_rates(&rates, &err), 0, "%s", err.message);
    struct mb_site_rec m = { .lat = 63.600, .lon = 10.300 }, mid = { .lat = 63.600, .lon = 10.420 },
                       out = { .lat = 63.600, .lon = 10.550 };
    double *pts = NULL;
    size_t npts = 0;
    cr_assert_eq(mb_road_drive(r, &rates, &m, &mid, &leg, &pts, &npts, -1, &err), 0, "%s",
                 err.message);
    cr_assert_eq(leg.status, MB_ROAD_OK);
    cr_assert_eq(leg.ferry_crossings, 0, "the road round: %d crossings", leg.ferry_crossings);
    cr_assert_gt(leg.km, 25, "%.3f km round", leg.km);
    bool by_north = false;
    for (size_t i = 0; i < npts; i++)
        by_north = by_north || pts[2 * i] > 63.69;
    cr_assert(by_north, "the drawn drive goes round by the north");
    free(pts);
    cr_assert_eq(mb_road_drive(r, &rates, &m, &out, &leg, NULL, NULL, -1, &err), 0, "%s",
                 err.message);
    cr_assert_eq(leg.ferry_crossings, 2);
    mb_roads_close(r);
    /* The rules the database was built with are kept beside it. */
    char rules[4300];
    snprintf(rules, sizeof rules, "%s/massebank-tagging.xml", dir);
    FILE *f = fopen(rules, "r");
    cr_assert_not_null(f, "%s", rules);
    char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    cr_assert(strstr(buf, "massebank: a car ferry takes trucks"));
}
