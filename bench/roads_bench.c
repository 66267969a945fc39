/*
 * roads_bench.c - figures for road distances (issue 17, docs/roads.md).
 *
 *   mb-roads-bench --dir DIR [--junctions J] [--sites N] [--routes R]
 *                  [--region-seconds S]
 *
 * 1. A generated road network the size of Trøndelag's: J x J junctions
 *    (default 200: a 250 km square, Trøndelag's extent) 1.25 km apart,
 *    each edge drawn with 10 shape points, a few edges left out (lakes,
 *    hills), classes from primary to residential, a fjord across the
 *    middle with two ferries and a bridge of 10 t; written as an
 *    OpenStreetMap XML extract, then built with `mb_roads_build`
 *    (planetsplitter): seconds and the database's size.
 * 2. Routes per second on one core: R random pairs of sites at most 50 km
 *    apart (a haul), quickest for the 50 t truck, against the reference
 *    in the same process: reading the same pairs back from the road cache
 *    (what a match request does). Prints ms per route and the ratio.
 * 3. A region of N sites (default 6,000; facilities at the demo region's
 *    share, 25 of 463: 324)
 *    on the network: the cache filled for every site from scratch (the
 *    whole region; stopped after S seconds and projected, said so), then
 *    the time to bring the cache up to date for one new listing (all its
 *    pairs), and as the server's worker does it, the nearest pairs first
 *    within 0.8 s, the figure a user waits for (target under 1 s), over
 *    20 new listings each: median and max, pairs and routes per listing.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "market/market.h"
#include "market/road_km.h"
#include "roads/roads.h"
#include "store/store.h"

static uint64_t rng = 88172645463325252ull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static double unit(void)
{
    return (double)(next() >> 11) / 9007199254740992.0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The network's corner and spacing: junction (i, j) is at lat0 + i * dlat,
 * lon0 + j * dlon (1.25 km both ways at 63.4 N). */
static const double lat0 = 62.3, lon0 = 8.9;
static const double dlat = 1.25 / 111.2, dlon = 1.25 / (111.2 * 0.4478);
static int J = 200;

static long junction(int i, int j)
{
    return 1 + (long)i * J + j;
}

static const char *road_class(int k)
{
    return k % 20 == 0 ? "primary" : k % 5 == 0 ? "secondary" : k % 2 ? "tertiary"
                                                                      : "unclassified";
}

/* The fjord: junction rows J/2 .. J/2+1 have no north-south edges between
 * them except at two ferries and one 10 t bridge. */
static bool fjord_cut(int i, int j, bool north)
{
    return north && i == J / 2 && j != J / 4 && j != 3 * J / 4 && j != J / 2;
}

static int write_extract(const char *path, long *nodes_out, double *road_km)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<osm version=\"0.6\" generator=\"mb-roads-bench\">\n");
    long nodes = 0;
    for (int i = 0; i < J; i++)
        for (int j = 0; j < J; j++) {
            fprintf(f, "<node id=\"%ld\" version=\"1\" lat=\"%.6f\" lon=\"%.6f\"/>\n",
                    junction(i, j), lat0 + i * dlat, lon0 + j * dlon);
            nodes++;
        }
    long nid = (long)J * J + 1, wid = 1;
    double km = 0;
    for (int i = 0; i < J; i++)
        for (int j = 0; j < J; j++)
            for (int dir = 0; dir < 2; dir++) {
                bool north = dir == 1;
                int i2 = i + north, j2 = j + !north;
                if (i2 >= J || j2 >= J || unit() < 0.08 || fjord_cut(i, j, north))
                    continue;
                long shape[10];
                for (int k = 0; k < 10; k++) {
                    double t = (k + 1) / 11.0, wob = (unit() - 0.5) * 0.15;
                    double la = lat0 + (i + t * north + wob * !north) * dlat;
                    double lo = lon0 + (j + t * !north + wob * north) * dlon;
                    shape[k] = nid++;
                    fprintf(f, "<node id=\"%ld\" version=\"1\" lat=\"%.6f\" lon=\"%.6f\"/>\n",
                            shape[k], la, lo);
                    nodes++;
                }
                fprintf(f, "<way id=\"%ld\" version=\"1\"><nd ref=\"%ld\"/>", wid++,
                        junction(i, j));
                for (int k = 0; k < 10; k++)
                    fprintf(f, "<nd ref=\"%ld\"/>", shape[k]);
                bool ferry = north && i == J / 2 && (j == J / 4 || j == 3 * J / 4);
                bool bridge = north && i == J / 2 && j == J / 2;
                if (ferry)
                    fprintf(f, "<nd ref=\"%ld\"/><tag k=\"route\" v=\"ferry\"/>"
                               "<tag k=\"motor_vehicle\" v=\"yes\"/></way>\n", junction(i2, j2));
                else
                    fprintf(f, "<nd ref=\"%ld\"/><tag k=\"highway\" v=\"%s\"/>%s</way>\n",
                            junction(i2, j2), road_class(north ? j : i),
                            bridge ? "<tag k=\"bridge\" v=\"yes\"/><tag k=\"maxweight\" v=\"10\"/>"
                                   : "");
                km += 1.25;
            }
    fprintf(f, "</osm>\n");
    *nodes_out = nodes;
    *road_km = km;
    return fclose(f) == 0 ? 0 : -1;
}

/* A point near a random junction (up to 300 m off the road). */
static void place(double *lat, double *lon)
{
    int i = (int)(unit() * J), j = (int)(unit() * J);
    *lat = lat0 + (i + (unit() - 0.5) * 0.4) * dlat;
    *lon = lon0 + (j + (unit() - 0.5) * 0.4) * dlon;
}

static int fail(const char *what, const struct mb_error *err)
{
    fprintf(stderr, "mb-roads-bench: %s: %s: %s\n", what, err->field, err->message);
    return 1;
}

static char rock[] = "rock.blasted";

static int put_site(struct mb_store *st, int64_t org, enum mb_site_type type, double lat,
                    double lon, struct mb_site_rec *r, struct mb_error *err)
{
    memset(r, 0, sizeof *r);
    r->org_id = org;
    r->type = type;
    r->status = MB_STATUS_PUBLISHED;
    snprintf(r->title, sizeof r->title, "Sted");
    r->lat = lat;
    r->lon = lon;
    snprintf(r->material, sizeof r->material, "%s", rock);
    char *mats[1] = { rock };
    r->materials = mats;
    r->nmaterials = 1;
    r->cls = 1;
    r->amount_t = 1000;
    r->from_m = MB_NO_MONTH_FROM;
    r->to_m = MB_NO_MONTH_TO;
    int rc = mb_store_site_put(st, r, err);
    r->materials = NULL;
    r->nmaterials = 0;
    return rc;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char *dir = NULL;
    int nsites = 6000, nroutes = 2000;
    double region_cap = 300;
    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(argv[i], "--dir") == 0 && v)
            dir = v, i++;
        else if (strcmp(argv[i], "--junctions") == 0 && v)
            J = atoi(v), i++;
        else if (strcmp(argv[i], "--sites") == 0 && v)
            nsites = atoi(v), i++;
        else if (strcmp(argv[i], "--routes") == 0 && v)
            nroutes = atoi(v), i++;
        else if (strcmp(argv[i], "--region-seconds") == 0 && v)
            region_cap = atof(v), i++;
        else {
            fprintf(stderr, "usage: mb-roads-bench --dir DIR [--junctions J] [--sites N] "
                            "[--routes R] [--region-seconds S]\n");
            return 2;
        }
    }
    if (!dir || J < 10 || J > 2000 || nsites < 100 || nroutes < 10) {
        fprintf(stderr, "mb-roads-bench: --dir is required; J 10-2000, N >= 100, R >= 10\n");
        return 2;
    }
    struct mb_error err;
    char osm[4200], db[4200], roadsdir[4200];
    snprintf(osm, sizeof osm, "%s/region.osm", dir);
    snprintf(db, sizeof db, "%s/market.db", dir);
    snprintf(roadsdir, sizeof roadsdir, "%s/roads", dir);

    /* 1. The extract and the build. */
    long nodes;
    double road_km;
    double t0 = now();
    if (write_extract(osm, &nodes, &road_km) != 0) {
        fprintf(stderr, "mb-roads-bench: cannot write %s\n", osm);
        return 1;
    }
    struct stat sb;
    stat(osm, &sb);
    printf("network: %d x %d junctions 1.25 km apart, %ld nodes, %.0f km of road, "
           "extract %.0f MB (written in %.1f s)\n", J, J, nodes, road_km,
           (double)sb.st_size / 1e6, now() - t0);
    t0 = now();
    if (mb_roads_build(osm, roadsdir, &err) != 0)
        return fail("build", &err);
    double build_s = now() - t0;
    double dbsize = 0;
    const char *files[] = { "mb-nodes.mem", "mb-segments.mem", "mb-ways.mem",
                            "mb-relations.mem" };
    for (int k = 0; k < 4; k++) {
        char p[4300];
        snprintf(p, sizeof p, "%s/%s", roadsdir, files[k]);
        if (stat(p, &sb) == 0)
            dbsize += (double)sb.st_size;
    }
    printf("build (planetsplitter): %.1f s, database %.0f MB, %.0f nodes/s\n", build_s,
           dbsize / 1e6, nodes / build_s);
    remove(osm);

    struct mb_roads *roads;
    t0 = now();
    if (mb_roads_open(roadsdir, &mb_road_truck, &roads, &err) != 0)
        return fail("open", &err);
    printf("open (files hashed against the manifest): %.2f s\n", now() - t0);

    /* 2. Routes per second, and the cache read as the reference. */
    struct mb_store *st;
    if (mb_store_open(&st, ":memory:", &err) != 0)
        return fail("store", &err);
    struct mb_market m;
    if (mb_market_init(&m, &err) != 0)
        return fail("market", &err);
    m.roads_on = true;
    struct mb_org org = { .name = "Bench AS" };
    if (mb_store_org_create(st, &org, &err) != 0)
        return fail("org", &err);
    struct mb_site_rec *a = calloc((size_t)nroutes, sizeof *a), *b = calloc((size_t)nroutes,
                                                                            sizeof *b);
    double *ms = calloc((size_t)nroutes, sizeof *ms), sum_km = 0;
    int ok = 0;
    mb_store_begin(st, &err);
    for (int k = 0; k < nroutes; k++) {
        double la, lo, la2, lo2, d;
        do {
            place(&la, &lo);
            place(&la2, &lo2);
            d = hypot((la2 - la) * 111.2, (lo2 - lo) * 111.2 * 0.4478);
        } while (d > 50 || d < 2);
        if (put_site(st, org.id, MB_TYPE_SUPPLY, la, lo, &a[k], &err) ||
            put_site(st, org.id, MB_TYPE_LANDFILL, la2, lo2, &b[k], &err))
            return fail("site", &err);
    }
    if (mb_store_commit(st, &err) != 0)
        return fail("commit", &err);
    double route_s = 0;
    for (int k = 0; k < nroutes; k++) {
        struct mb_haul_km h;
        double t = now();
        if (mb_haul_km(st, roads, &m.rates, &a[k], &b[k], m.detour_factor, &h, &err) != 0)
            return fail("route", &err);
        ms[k] = (now() - t) * 1000;
        route_s += ms[k] / 1000;
        if (h.source == MB_KM_ROAD)
            ok++, sum_km += h.km;
    }
    double read_s = 0;
    for (int k = 0; k < nroutes; k++) {
        struct mb_haul_km h;
        double t = now();
        if (mb_haul_km_cached(st, true, &a[k], &b[k], m.detour_factor, &h, &err) != 0)
            return fail("cache", &err);
        read_s += now() - t;
    }
    qsort(ms, (size_t)nroutes, sizeof *ms, cmp_double);
    printf("routes (quickest, 50 t, pairs 2-50 km apart in a straight line, one core, each routed and cached): "
           "%d, %d by road, mean %.1f km; %.2f ms per route (p50 %.2f, p99 %.2f), "
           "%.0f routes/s\n", nroutes, ok, ok ? sum_km / ok : 0, route_s * 1000 / nroutes,
           ms[nroutes / 2], ms[nroutes * 99 / 100], nroutes / route_s);
    printf("reference, same pairs read from the cache: %.3f ms per pair; routing / reading "
           "= %.0f\n", read_s * 1000 / nroutes, route_s / read_s);

    /* 3. A region of N sites in a database file, filled from scratch,
     * then new listings. */
    mb_store_close(st);
    if (mb_store_open(&st, db, &err) != 0)
        return fail("store", &err);
    if (mb_store_org_create(st, &org, &err) != 0)
        return fail("org", &err);
    mb_store_begin(st, &err);
    /* Facilities at the demo region's share (25 of 463 sites). */
    int nfac = nsites * 25 / 463;
    for (int k = 0; k < nsites; k++) {
        double la, lo;
        place(&la, &lo);
        enum mb_site_type t = k < nfac ? (k % 3 == 0 ? MB_TYPE_PLANT : MB_TYPE_LANDFILL)
                              : k % 2 ? MB_TYPE_SUPPLY : MB_TYPE_NEED;
        struct mb_site_rec r;
        if (put_site(st, org.id, t, la, lo, &r, &err))
            return fail("site", &err);
    }
    if (mb_store_commit(st, &err) != 0)
        return fail("commit", &err);
    int64_t waiting;
    mb_store_road_queue_count(st, &waiting, &err);
    struct mb_road_fill all = { 0 };
    t0 = now();
    bool capped = false;
    while (waiting > 0) {
        if (mb_road_fill_queue(st, roads, &m, 10, 0, &all, &err) != 0)
            return fail("fill", &err);
        mb_store_road_queue_count(st, &waiting, &err);
        if (now() - t0 > region_cap && waiting > 0) {
            capped = true;
            break;
        }
    }
    double fill_s = now() - t0;
    double per_site = fill_s / (double)all.sites;
    printf("region of %d sites (%d facilities) from scratch: %zu sites in %.1f s, %zu pairs, "
           "%zu routed (%.0f per site), %.1f ms per site", nsites, nfac,
           all.sites, fill_s, all.pairs, all.routed, (double)all.routed / (double)all.sites,
           per_site * 1000);
    if (capped)
        printf("; stopped after %.0f s, projected for all: %.0f s (%.1f min)", region_cap,
               per_site * (double)(all.sites + (size_t)waiting),
               per_site * (double)(all.sites + (size_t)waiting) / 60);
    printf("\n");
    /* When capped, the rest waits in the queue; a new listing comes
     * first (newest first), so the figure below holds while it does. */
    /* New listings: all their pairs (no budget), then as the server does
     * it, the nearest first within its budget of 0.8 s. */
    for (int pass = 0; pass < 2; pass++) {
        double lst[20];
        size_t pairs = 0, routed = 0, later = 0;
        for (int k = 0; k < 20; k++) {
            double la, lo;
            place(&la, &lo);
            struct mb_site_rec r;
            if (put_site(st, org.id, k % 2 ? MB_TYPE_SUPPLY : MB_TYPE_NEED, la, lo, &r, &err))
                return fail("site", &err);
            struct mb_road_fill one = { 0 };
            double t = now();
            if (mb_road_fill_queue(st, roads, &m, 1, pass ? 0.8 : 0, &one, &err) != 0)
                return fail("fill", &err);
            lst[k] = now() - t;
            pairs += one.pairs;
            routed += one.routed;
            later += one.later;
        }
        qsort(lst, 20, sizeof *lst, cmp_double);
        if (pass == 0)
            printf("a new listing, all its pairs (20 listings): median %.2f s, max %.2f s, %.0f "
                   "pairs and %.0f routed per listing\n", lst[10], lst[19], pairs / 20.0,
                   routed / 20.0);
        else
            printf("a new listing as the server does it, nearest pairs first within 0.8 s (20 "
                   "listings): median %.2f s, max %.2f s (target < 1 s), %.0f pairs routed per "
                   "listing, %zu of 20 with far pairs left for later\n", lst[10], lst[19],
                   routed / 20.0, later);
    }
    free(a);
    free(b);
    free(ms);
    mb_market_release(&m);
    mb_store_close(st);
    mb_roads_close(roads);
    return 0;
}
