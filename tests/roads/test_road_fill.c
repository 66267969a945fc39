/*
 * test_road_fill.c - road distances in matches and plans on the fjord
 * region (tests/data/roads/fjord.osm): the durable queue the store fills
 * when a site is written, the fill that brings the cache up to date, the
 * matches that read it, and a region plan that chooses another landfill
 * than the detour-factor plan because the drive goes round the fjord.
 *
 * The region: a supply at W (63.400 N 10.300 E), landfill E across the
 * fjord (63.400 N 10.500 E): 10.0 km in a straight line, 13.0 km by the
 * estimate, 23.3 km by road (the ferry is slower, the bridge takes 10 t,
 * the south road no trucks); landfill NE (63.460 N 10.500 E): 12.0 km in a
 * straight line, 15.6 km by the estimate, 16.7 km by road.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/geo.h"
#include "market/listing.h"
#include "market/market.h"
#include "market/road_km.h"
#include "plan/plan.h"
#include "plan/scenario.h"
#include "report/mhp.h"
#include "core/strbuf.h"
#include "report/rdoc_html.h"
#include "roads/roads.h"
#include "store/store.h"
#include "support/tmpdir.h"

/* Metres of one segment as Routino stores it (test_roads.c). */
static double seg_km(double la1, double lo1, double la2, double lo2)
{
    const double r = 6378137.0, d = 3.14159265358979323846 / 180.0;
    la1 *= d, la2 *= d;
    double dla = la2 - la1, dlo = (lo2 - lo1) * d;
    double h = sin(dla / 2) * sin(dla / 2) + cos(la1) * cos(la2) * sin(dlo / 2) * sin(dlo / 2);
    return floor(2 * r * asin(sqrt(h))) / 1000.0;
}

/* W -> 7 -> 5 -> 6 -> 8 -> 4: round the fjord to E. */
static double north_to_e(void)
{
    return seg_km(63.400, 10.300, 63.420, 10.300) + seg_km(63.420, 10.300, 63.460, 10.300) +
           seg_km(63.460, 10.300, 63.460, 10.500) + seg_km(63.460, 10.500, 63.420, 10.500) +
           seg_km(63.420, 10.500, 63.400, 10.500);
}

/* W -> 7 -> 5 -> 6: to NE. */
static double north_to_ne(void)
{
    return seg_km(63.400, 10.300, 63.420, 10.300) + seg_km(63.420, 10.300, 63.460, 10.300) +
           seg_km(63.460, 10.300, 63.460, 10.500);
}

struct world {
    struct mb_store *st;
    struct mb_market m;
    struct mb_user dev, op;
    struct mb_roads *roads;
    int64_t w, e, ne, sea, island;
};

static struct mb_user make_user(struct mb_store *st, const char *org_name, const char *email,
                                enum mb_role role)
{
    struct mb_error err;
    struct mb_org o = { 0 };
    snprintf(o.name, sizeof o.name, "%s", org_name);
    cr_assert_eq(mb_store_org_create(st, &o, &err), 0, "%s", err.message);
    struct mb_user u = { 0 };
    u.org_id = o.id;
    u.role = role;
    snprintf(u.email, sizeof u.email, "%s", email);
    snprintf(u.name, sizeof u.name, "%s", email);
    cr_assert_eq(mb_store_user_create(st, &u, "x", &err), 0, "%s", err.message);
    return u;
}

static int64_t create(struct world *w, const struct mb_user *who, enum mb_site_family f,
                      const char *body)
{
    struct mb_site_rec rec = { 0 };
    struct mb_problems p = { 0 };
    int rc = mb_market_parse_site(&w->m, f, body, strlen(body), &rec, &p);
    cr_assert_eq(rc, 0, "%s: %s", p.n ? p.items[0].path : "", p.n ? p.items[0].message : "");
    struct mb_error err;
    cr_assert_eq(mb_listing_create(w->st, who, f, MB_STATUS_PUBLISHED, &rec, &err), 0, "%s",
                 err.message);
    int64_t id = rec.id;
    mb_site_rec_release(&rec);
    return id;
}

static int64_t landfill(struct world *w, const char *name, double lat, double lon, int fee)
{
    char body[512];
    snprintf(body, sizeof body, "{\"type\": \"landfill\", \"name\": \"%s\", \"lat\": %.3f,"
             " \"lon\": %.3f, \"accepts\": [\"rock.*\"], \"max_class\": 2,"
             " \"capacity_per_year\": {\"value\": 50000, \"unit\": \"t\"},"
             " \"gate_fee_nok_per_t\": %d}", name, lat, lon, fee);
    return create(w, &w->op, MB_FAMILY_FACILITY, body);
}

static const char *built(void)
{
    static char dir[4200];
    if (dir[0])
        return dir;
    struct mb_error err;
    snprintf(dir, sizeof dir, "%s/roads", tmpdir());
    char osm[4200];
    snprintf(osm, sizeof osm, "%s/tests/data/roads/fjord.osm", getenv("MB_SOURCE_ROOT"));
    cr_assert_eq(mb_roads_build(osm, dir, &err), 0, "%s", err.message);
    return dir;
}

static void setup(struct world *w)
{
    struct mb_error err;
    memset(w, 0, sizeof *w);
    cr_assert_eq(mb_store_open(&w->st, ":memory:", &err), 0, "%s", err.message);
    cr_assert_eq(mb_market_init(&w->m, &err), 0, "%s", err.message);
    w->m.roads_on = true;
    w->dev = make_user(w->st, "Utbygger AS", "u@x.no", MB_ROLE_DEVELOPER);
    w->op = make_user(w->st, "Deponi AS", "d@x.no", MB_ROLE_OPERATOR);
    cr_assert_eq(mb_roads_open(built(), &mb_road_truck, &w->roads, &err), 0, "%s",
                 err.message);
    w->w = create(w, &w->dev, MB_FAMILY_LISTING,
                  "{\"type\": \"supply\", \"title\": \"Sprengstein W\", \"lat\": 63.400,"
                  " \"lon\": 10.300, \"material\": \"rock.blasted\", \"class\": 1,"
                  " \"amount\": {\"value\": 1000, \"unit\": \"t\"},"
                  " \"window\": {\"from\": \"2026-03\", \"to\": \"2026-08\"}}");
    w->e = landfill(w, "Deponi E", 63.400, 10.500, 120);
    w->ne = landfill(w, "Deponi NE", 63.460, 10.500, 120);
    /* In the fjord, no road near; dear, so it is never the choice. */
    w->sea = landfill(w, "Deponi i sjøen", 63.440, 10.400, 900);
}

static void teardown(struct world *w)
{
    mb_roads_close(w->roads);
    mb_market_release(&w->m);
    mb_store_close(w->st);
}

static const struct mb_match *find(const struct mb_match_result *r, int64_t id)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->items[i].site_id == id)
            return &r->items[i];
    return NULL;
}

static void matches(struct world *w, struct mb_match_result *r)
{
    struct mb_site_rec rec;
    struct mb_error err;
    cr_assert_eq(mb_store_site_get(w->st, w->w, &rec, &err), 0, "%s", err.message);
    size_t ncands;
    bool truncated;
    cr_assert_eq(mb_match_find(w->st, &w->m, &rec, 20, 0, r, &ncands, &truncated, &err), 0,
                 "%s", err.message);
    mb_site_rec_release(&rec);
}

Test(road_fill, written_sites_wait_in_the_queue_newest_first)
{
    struct world w;
    setup(&w);
    struct mb_error err;
    int64_t n, site, seq;
    bool found;
    cr_assert_eq(mb_store_road_queue_count(w.st, &n, &err), 0);
    cr_assert_eq(n, 4, "the four sites just written wait");
    cr_assert_eq(mb_store_road_queue_next(w.st, &site, &seq, &found, &err), 0);
    cr_assert(found);
    cr_assert_eq(site, w.sea, "the newest write first");
    /* Done with an older number does not take off a site written again. */
    struct mb_road_fill f = { 0 };
    cr_assert_eq(mb_road_fill_queue(w.st, w.roads, &w.m, 0, 0, &f, &err), 0, "%s", err.message);
    cr_assert_eq(f.sites, 4);
    cr_assert_eq(mb_store_road_queue_count(w.st, &n, &err), 0);
    cr_assert_eq(n, 0);
    cr_assert_eq(mb_store_road_queue_add(w.st, w.e, &err), 0);
    cr_assert_eq(mb_store_road_queue_next(w.st, &site, &seq, &found, &err), 0);
    cr_assert_eq(site, w.e);
    cr_assert_eq(mb_store_road_queue_add(w.st, w.w, &err), 0);
    cr_assert_eq(mb_store_road_queue_done(w.st, w.w, seq, &err), 0);
    cr_assert_eq(mb_store_road_queue_count(w.st, &n, &err), 0);
    cr_assert_eq(n, 2, "another number: the entry of W stays");
    teardown(&w);
}

Test(road_fill, matches_read_road_distances_once_the_queue_is_done)
{
    struct world w;
    setup(&w);
    struct mb_error err;
    struct mb_match_result r;
    /* Before the fill: estimates that say the road figure is on its way. */
    matches(&w, &r);
    const struct mb_match *e = find(&r, w.e), *ne = find(&r, w.ne);
    cr_assert(e && ne);
    cr_assert(!e->by_road);
    cr_assert_str_eq(e->km_why, "not_computed");
    cr_assert_float_eq(e->km, 13.0, 0.1, "%f", e->km);
    cr_assert_lt(e - r.items, ne - r.items, "by the estimate E is nearer");
    mb_match_result_release(&r);

    struct mb_road_fill f = { 0 };
    cr_assert_eq(mb_road_fill_queue(w.st, w.roads, &w.m, 0, 0, &f, &err), 0, "%s", err.message);
    cr_assert_eq(f.sites, 4);
    cr_assert_eq(f.routed, 3, "W to each landfill, once (the landfills' fills find them)");
    cr_assert_eq(f.pairs, 6, "each landfill's fill looks at its pair with W again");

    matches(&w, &r);
    e = find(&r, w.e), ne = find(&r, w.ne);
    const struct mb_match *sea = find(&r, w.sea);
    cr_assert(e && ne && sea);
    cr_assert(e->by_road && ne->by_road);
    cr_assert_float_eq(e->km, north_to_e(), 0.003, "%f", e->km);
    cr_assert_float_eq(ne->km, north_to_ne(), 0.003, "%f", ne->km);
    cr_assert_float_eq(e->minutes, 20.0, 0.2, "%f", e->minutes);
    cr_assert_eq(e->ferry_km, 0, "the tipper drives round: the ferry is slower");
    cr_assert_lt(ne - r.items, e - r.items, "by road NE is nearer");
    /* A landfill with no road near: the estimate, and why; never the
     * alternative (today's practice is a landfill a truck reaches). */
    cr_assert(!sea->by_road);
    cr_assert_str_eq(sea->km_why, "no_road_near");
    cr_assert_gt(sea->km, 0);
    cr_assert(r.has_alternative);
    cr_assert_eq(r.alternative_site_id, w.ne);
    mb_match_result_release(&r);
    /* A free landfill in the fjord ranks first by its estimate, marked,
     * but is not the alternative: no truck reaches it. */
    int64_t free_sea = landfill(&w, "Gratis i sjøen", 63.445, 10.400, 0);
    struct mb_road_fill f2 = { 0 };
    cr_assert_eq(mb_road_fill_queue(w.st, w.roads, &w.m, 0, 0, &f2, &err), 0, "%s",
                 err.message);
    matches(&w, &r);
    cr_assert_eq(r.items[0].site_id, free_sea);
    cr_assert_str_eq(r.items[0].km_why, "no_road_near");
    cr_assert_eq(r.alternative_site_id, w.ne);
    mb_match_result_release(&r);

    /* Filling again routes nothing: the cache is up to date. */
    cr_assert_eq(mb_road_fill_requeue(w.st, &err), 0);
    struct mb_road_fill again = { 0 };
    cr_assert_eq(mb_road_fill_queue(w.st, w.roads, &w.m, 0, 0, &again, &err), 0);
    cr_assert_eq(again.sites, 5);
    cr_assert_eq(again.routed, 0);
    teardown(&w);
}

Test(road_fill, a_site_out_of_time_keeps_its_nearest_pairs_and_waits_at_the_end)
{
    struct world w;
    setup(&w);
    struct mb_error err;
    struct mb_road_fill f = { 0 };
    /* W with no time: its nearest pair is routed, the rest wait. */
    bool done;
    cr_assert_eq(mb_road_fill_site(w.st, w.roads, &w.m, w.w, 1e-9, &done, &f, &err), 0, "%s",
                 err.message);
    cr_assert(!done);
    cr_assert_eq(f.routed, 1, "one route at least, however short the time");
    cr_assert_eq(f.pairs, 1);
    /* The nearest of the three: the landfill in the fjord (6.7 km). */
    struct mb_match_result r;
    matches(&w, &r);
    cr_assert_str_eq(find(&r, w.sea)->km_why, "no_road_near", "routed: no road near it");
    cr_assert_str_eq(find(&r, w.e)->km_why, "not_computed");
    mb_match_result_release(&r);
    /* Through the queue with no time: W (the landfills' entries taken
     * off) routes one more pair and goes back in the queue with the last
     * left; with time, it is finished. */
    int64_t site, seq;
    bool found;
    for (;;) {
        cr_assert_eq(mb_store_road_queue_next(w.st, &site, &seq, &found, &err), 0);
        cr_assert(found);
        if (site == w.w)
            break;
        cr_assert_eq(mb_store_road_queue_done(w.st, site, seq, &err), 0);
    }
    struct mb_road_fill g = { 0 };
    cr_assert_eq(mb_road_fill_queue(w.st, w.roads, &w.m, 1, 1e-9, &g, &err), 0, "%s",
                 err.message);
    cr_assert_eq(g.later, 1);
    cr_assert_eq(g.routed, 1, "E, the next nearest");
    int64_t seq2;
    cr_assert_eq(mb_store_road_queue_next(w.st, &site, &seq2, &found, &err), 0);
    cr_assert(found && site == w.w && seq2 > seq, "back in the queue with a later number");
    struct mb_road_fill h = { 0 };
    cr_assert_eq(mb_road_fill_queue(w.st, w.roads, &w.m, 0, 0, &h, &err), 0, "%s",
                 err.message);
    cr_assert_eq(h.routed, 1, "NE, the last");
    cr_assert_eq(h.later, 0);
    int64_t n;
    cr_assert_eq(mb_store_road_queue_count(w.st, &n, &err), 0);
    cr_assert_eq(n, 0);
    matches(&w, &r);
    cr_assert(find(&r, w.e)->by_road && find(&r, w.ne)->by_road);
    mb_match_result_release(&r);
    teardown(&w);
}

Test(road_fill, a_moved_site_forgets_its_pairs_and_waits_again)
{
    struct world w;
    setup(&w);
    struct mb_error err;
    struct mb_road_fill f = { 0 };
    cr_assert_eq(mb_road_fill_queue(w.st, w.roads, &w.m, 0, 0, &f, &err), 0, "%s", err.message);
    struct mb_site_rec rec;
    cr_assert_eq(mb_store_site_get(w.st, w.e, &rec, &err), 0);
    rec.lat = 63.420; /* node 8, on the road north of E */
    cr_assert_eq(mb_store_site_put(w.st, &rec, &err), 0, "%s", err.message);
    mb_site_rec_release(&rec);
    int64_t n;
    cr_assert_eq(mb_store_road_queue_count(w.st, &n, &err), 0);
    cr_assert_eq(n, 1);
    struct mb_match_result r;
    matches(&w, &r);
    cr_assert(!find(&r, w.e)->by_road, "the old figure is gone with the move");
    cr_assert_str_eq(find(&r, w.e)->km_why, "not_computed");
    mb_match_result_release(&r);
    struct mb_road_fill g = { 0 };
    cr_assert_eq(mb_road_fill_queue(w.st, w.roads, &w.m, 0, 0, &g, &err), 0, "%s", err.message);
    cr_assert_eq(g.routed, 1);
    matches(&w, &r);
    cr_assert(find(&r, w.e)->by_road);
    cr_assert_float_eq(find(&r, w.e)->km, north_to_e() - seg_km(63.420, 10.500, 63.400, 10.500),
                       0.003);
    mb_match_result_release(&r);
    teardown(&w);
}

/* The landfill the plan sends W's masses to, and the kind of that haul. */
static const char *plan_choice(struct world *w, bool roads, char kind[16])
{
    static char to[64];
    struct mb_error err;
    json_t *req = json_pack("{s:s, s:s}", "from", "2026-01", "to", "2026-12");
    json_t *scn;
    cr_assert_eq(mb_market_region_plan_scenario(w->st, &w->m, req, &scn, &err), 0, "%s",
                 err.message);
    json_decref(req);
    json_t *d = json_object_get(json_object_get(scn, "transport"), "distances");
    if (!roads) {
        json_object_del(json_object_get(scn, "transport"), "distances");
    } else {
        /* W-E and W-NE by road, W-island none; the sea landfill has no road
         * near it: the estimate. */
        size_t road = 0, none = 0, i;
        json_t *x;
        json_array_foreach(d, i, x) {
            const char *src = json_string_value(json_object_get(x, "source"));
            road += strcmp(src, "road") == 0;
            none += strcmp(src, "none") == 0;
            cr_assert(strcmp(src, "none") != 0 || !json_object_get(x, "km"));
        }
        cr_assert_eq(road, 2);
        cr_assert_eq(none, w->island != 0);
    }
    char *text = json_dumps(scn, 0);
    json_decref(scn);
    struct mb_scenario s;
    struct mb_problems p = { 0 };
    cr_assert_eq(mb_scenario_parse(&s, text, strlen(text), &p), 0, "%s: %s",
                 p.n ? p.items[0].path : "", p.n ? p.items[0].message : "");
    free(text);
    struct mb_plan_options opt = { .draws = -1 };
    struct mb_plan plan;
    cr_assert_eq(mb_plan_run(&s, &opt, &plan, &err), 0, "%s", err.message);
    /* The month flows from W: all to one landfill. */
    double t = 0;
    to[0] = '\0';
    char from[32];
    snprintf(from, sizeof from, "L%lld", (long long)w->w);
    for (size_t i = 0; i < plan.nflows; i++) {
        const struct mb_flow *x = &plan.flows[i];
        if (strcmp(s.sites[x->from].id, from) != 0 || x->t <= 0)
            continue;
        cr_assert(!to[0] || strcmp(to, s.sites[x->to].name) == 0, "%s and %s", to,
                  s.sites[x->to].name);
        t += x->t;
        snprintf(to, sizeof to, "%s", s.sites[x->to].name);
        snprintf(kind, 16, "%s", mb_km_kind_name(mb_scenario_km_kind(&s, x->from, x->to, NULL)));
    }
    cr_assert_float_eq(t, 1000, 1e-6, "all of W's masses go to one landfill");
    mb_plan_release(&plan);
    mb_scenario_release(&s);
    return to;
}

Test(road_fill, the_plan_chooses_another_landfill_by_road)
{
    struct world w;
    setup(&w);
    struct mb_error err;
    struct mb_road_fill f = { 0 };
    cr_assert_eq(mb_road_fill_queue(w.st, w.roads, &w.m, 0, 0, &f, &err), 0, "%s", err.message);
    char kind[16];
    cr_assert_str_eq(plan_choice(&w, false, kind), "Deponi E",
                     "by the detour factor E is 13.0 km, NE 15.6 km");
    cr_assert_str_eq(kind, "estimate");
    cr_assert_str_eq(plan_choice(&w, true, kind), "Deponi NE",
                     "by road E is 23.3 km round the fjord, NE 16.7 km");
    cr_assert_str_eq(kind, "road");
    teardown(&w);
}

Test(road_fill, a_plan_sends_nothing_where_no_road_goes)
{
    /* A free landfill on an island with no ferry (Øyvegen, 63.500 N): by
     * the estimate it is the cheapest (15.9 km, no gate fee), so the
     * detour-factor plan sends W's masses there; the road database finds
     * no route to it, the scenario says so ("none") and the plan with road
     * distances sends them to NE. */
    struct world w;
    setup(&w);
    w.island = landfill(&w, "Deponi på øya", 63.500, 10.400, 0);
    struct mb_error err;
    struct mb_road_fill f = { 0 };
    cr_assert_eq(mb_road_fill_queue(w.st, w.roads, &w.m, 0, 0, &f, &err), 0, "%s", err.message);
    struct mb_match_result r;
    matches(&w, &r);
    const struct mb_match *isl = find(&r, w.island);
    cr_assert(isl && !isl->by_road);
    cr_assert_str_eq(isl->km_why, "no_route");
    cr_assert_neq(r.alternative_site_id, w.island, "no truck reaches it");
    mb_match_result_release(&r);
    char kind[16];
    cr_assert_str_eq(plan_choice(&w, false, kind), "Deponi på øya");
    cr_assert_str_eq(plan_choice(&w, true, kind), "Deponi NE");
    cr_assert_str_eq(kind, "road");
    teardown(&w);
}

/* A drive across the ferry (as the road database gives the shortest way
 * from W to E: 9.967 km, 7.975 of them on one ferry) is priced as the
 * factor register says, by hand: per load 600 NOK; per km driven 21 NOK
 * there and back; per crossing a 410 NOK ticket and 18 minutes at 1 500
 * NOK an hour, there and back; per km on board the truck's time at
 * 18 km/h, there and back; all over a 29 t load. */
Test(road_fill, a_ferry_crossing_is_priced_in_the_match)
{
    struct world w;
    setup(&w);
    struct mb_error err;
    struct mb_road_fill f = { 0 };
    cr_assert_eq(mb_road_fill_queue(w.st, w.roads, &w.m, 0, 0, &f, &err), 0, "%s", err.message);
    struct mb_site_rec a, b;
    cr_assert_eq(mb_store_site_get(w.st, w.w, &a, &err), 0);
    cr_assert_eq(mb_store_site_get(w.st, w.e, &b, &err), 0);
    struct mb_road_leg leg = { .status = MB_ROAD_OK, .km = 9.967, .minutes = 28.3,
                               .ferry_km = 7.975, .ferry_crossings = 1 };
    struct mb_road_row row;
    mb_road_row_of(&row, &a, &b, mb_roads_version(w.roads), &leg);
    cr_assert_eq(mb_store_road_put(w.st, &row, &err), 0, "%s", err.message);
    struct mb_match_result r;
    matches(&w, &r);
    const struct mb_match *e = find(&r, w.e);
    cr_assert(e && e->by_road);
    cr_assert_eq(e->ferry_crossings, 1);
    double trips = 2.0 / 29;
    double want = 600.0 / 29 + (9.967 - 7.975) * 21 * trips + (410 + 18.0 / 60 * 1500) * trips +
                  7.975 * 1500 / 18.0 * trips;
    cr_assert_float_eq(e->transport_nok_per_t, want, 1e-9, "%.4f NOK/t, by hand %.4f",
                       e->transport_nok_per_t, want);
    /* CO2: the road part at the truck's rate, the ferry part at the
     * ferry's share (10 kg per km well to wheel, there and back). */
    cr_assert_gt(b.co2_kg_per_t, 0);
    double co2 = w.m.co2_kg_per_t + (9.967 - 7.975) * w.m.co2_kg_per_tkm + 7.975 * 10 * trips +
                 b.co2_kg_per_t; /* and handling at the landfill */
    cr_assert_float_eq(e->co2_kg_per_t, co2, 1e-9, "%.4f kg/t, by hand %.4f", e->co2_kg_per_t,
                       co2);
    mb_match_result_release(&r);
    /* With NE gone, the mass handling plan of W sends it across to E,
     * prices the flow the same way and says how ferries are counted. */
    cr_assert_eq(mb_store_site_delete(w.st, w.ne, &err), 0, "%s", err.message);
    struct mb_mhp p;
    cr_assert_eq(mb_mhp_build(w.st, &w.m, &w.w, 1, "Fjordprosjektet", &p, &err), 0, "%s",
                 err.message);
    const struct mb_mhp_flow *fl = NULL;
    for (size_t i = 0; i < p.nflows; i++)
        if (p.flows[i].to_id == w.e)
            fl = &p.flows[i];
    cr_assert_not_null(fl, "a flow to E");
    cr_assert_eq(fl->ferry_crossings, 1);
    cr_assert_float_eq(fl->co2_kg, fl->t * co2, 1e-6);
    struct mb_rdoc d;
    mb_mhp_document(&p, &w.m, "nb", "2026-12-07", &d);
    struct mb_strbuf sb = { 0 };
    mb_rdoc_html(&d, &sb);
    char *html = mb_strbuf_take(&sb);
    cr_assert(strstr(html, "Ferje: 1 av strømmene krysser med ferje"), "the ferry paragraph");
    char per_t[64];
    snprintf(per_t, sizeof per_t, "%.2f", (410 + 18.0 / 60 * 1500) * trips);
    *strchr(per_t, '.') = ',';
    cr_assert(strstr(html, per_t), "the crossing's %s NOK per tonne", per_t);
    free(html);
    mb_rdoc_release(&d);
    mb_mhp_release(&p);
    mb_site_rec_release(&a);
    mb_site_rec_release(&b);
    teardown(&w);
}
