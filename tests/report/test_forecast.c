/*
 * test_forecast.c - the forecast of landfill capacity per year, with and
 * without reuse, on small scenarios whose answers are worked out by hand in
 * the comments.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "plan/plan.h"
#include "plan/scenario.h"
#include "report/forecast.h"

static void plan_text(const char *json, struct mb_scenario *s, struct mb_plan *p)
{
    struct mb_problems pr;
    int rc = mb_scenario_parse(s, json, strlen(json), &pr);
    cr_assert_eq(rc, 0, "%s: %s", pr.n ? pr.items[0].path : "", pr.n ? pr.items[0].message : "");
    struct mb_plan_options opt = { 0 };
    struct mb_error err;
    cr_assert_eq(mb_plan_run(s, &opt, p, &err), 0, "%s", err.message);
}

#define NEAR(a, b) cr_assert(fabs((a) - (b)) < 1e-6, "%s = %.9g, expected %.9g", #a, (double)(a), (double)(b))

/* 12,000 t of moraine over twelve months (2026-07 to 2027-06): 6,000 t in
 * each calendar year. One landfill 1 km away takes 4,000 t a year; a need
 * 2 km away takes 4,000 t over the same twelve months (2,000 t a year).
 * Today (no reuse): 4,000 t a year landfilled, 2,000 t a year left with
 * nowhere to go although the landfill takes moraine: capacity has run out
 * in 2026. The plan sends 2,000 t a year to the need and 4,000 t to the
 * landfill: it fits, the landfill is full both years, nothing runs out. */
static const char *const SQUEEZE =
    "{\"format\":\"massebank-scenario/1\",\"name\":\"squeeze\","
    "\"horizon\":{\"from\":\"2026-07\",\"to\":\"2027-06\"},\"co2_price_nok_per_t\":0,"
    "\"transport\":{\"cost_nok_per_tkm\":2,\"co2_kg_per_tkm\":0.1,\"cost_nok_per_load\":0,\"fuel_l_per_load\":0,\"detour_factor\":1.0},"
    "\"sites\":["
    "{\"id\":\"dig\",\"kind\":\"source\",\"lat\":63.40,\"lon\":10.40,\"material\":\"soil.moraine\","
    "\"class\":1,\"amount\":{\"value\":12000,\"unit\":\"t\"},"
    "\"window\":{\"from\":\"2026-07\",\"to\":\"2027-06\"}},"
    "{\"id\":\"fill\",\"kind\":\"landfill\",\"lat\":63.409,\"lon\":10.40,\"accepts\":[\"soil.*\"],"
    "\"capacity_per_year\":{\"value\":4000,\"unit\":\"t\"},\"gate_fee_nok_per_t\":100},"
    "{\"id\":\"road\",\"kind\":\"need\",\"lat\":63.418,\"lon\":10.40,\"material\":\"soil.moraine\","
    "\"max_class\":1,\"amount\":{\"value\":4000,\"unit\":\"t\"},"
    "\"window\":{\"from\":\"2026-07\",\"to\":\"2027-06\"}}]}";

Test(forecast, reuse_keeps_capacity_from_running_out)
{
    struct mb_scenario s;
    struct mb_plan p;
    plan_text(SQUEEZE, &s, &p);
    struct mb_forecast f;
    mb_forecast_build(&s, &p, &f);
    cr_assert_eq(f.y0, 2026);
    cr_assert_eq(f.nyears, 2);
    for (int y = 0; y < 2; y++) {
        const struct mb_forecast_year *fy = &f.years[y];
        cr_assert_eq(fy->months, 6);
        NEAR(fy->surplus_t, 6000);
        NEAR(fy->need_t, 2000);
        NEAR(fy->reused_t, 2000);
        NEAR(fy->landfill_t[MB_PRACTICE_TODAY], 4000);
        NEAR(fy->unplaced_t[MB_PRACTICE_TODAY], 2000);
        NEAR(fy->capacity_short_t[MB_PRACTICE_TODAY], 2000);
        NEAR(fy->landfill_t[MB_PRACTICE_PLAN], 4000);
        NEAR(fy->unplaced_t[MB_PRACTICE_PLAN], 0);
        NEAR(fy->capacity_short_t[MB_PRACTICE_PLAN], 0);
        cr_assert_eq(fy->landfills_open, 1);
        cr_assert_eq(fy->landfills_full[MB_PRACTICE_TODAY], 1);
        cr_assert_eq(fy->landfills_full[MB_PRACTICE_PLAN], 1);
    }
    cr_assert_eq(f.runs_out[MB_PRACTICE_TODAY], 2026);
    cr_assert_eq(f.runs_out[MB_PRACTICE_PLAN], 0);
    cr_assert_eq(f.nlandfills, 1);
    cr_assert_eq(f.landfills[0].full_year[MB_PRACTICE_TODAY], 2026);
    NEAR(f.landfills[0].capacity[1], 4000);
    NEAR(f.landfills[0].used[MB_PRACTICE_PLAN][1], 4000);

    json_t *j = mb_forecast_json(&s, &f);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(j, "runs_out"), "today")), 2026);
    cr_assert(json_is_null(json_object_get(json_object_get(j, "runs_out"), "plan")));
    json_decref(j);
    mb_forecast_release(&f);
    mb_plan_release(&p);
    mb_scenario_release(&s);
}

/* The same source with no landfill in reach (the only one lies 300 km
 * away, beyond the default longest haul) and no need: everything is
 * unplaced under both practices, but no landfill capacity ran out, so the
 * forecast does not say it did. */
Test(forecast, nowhere_in_reach_is_not_a_capacity_shortage)
{
    static const char *const FAR =
        "{\"format\":\"massebank-scenario/1\",\"name\":\"far\","
        "\"horizon\":{\"from\":\"2026-07\",\"to\":\"2027-06\"},\"co2_price_nok_per_t\":0,"
        "\"transport\":{\"cost_nok_per_tkm\":2,\"co2_kg_per_tkm\":0.1,\"cost_nok_per_load\":0,\"fuel_l_per_load\":0,\"detour_factor\":1.0},"
        "\"sites\":["
        "{\"id\":\"dig\",\"kind\":\"source\",\"lat\":63.40,\"lon\":10.40,\"material\":\"soil.moraine\","
        "\"class\":1,\"amount\":{\"value\":12000,\"unit\":\"t\"},"
        "\"window\":{\"from\":\"2026-07\",\"to\":\"2027-06\"}},"
        "{\"id\":\"fill\",\"kind\":\"landfill\",\"lat\":60.70,\"lon\":10.40,\"accepts\":[\"soil.*\"],"
        "\"capacity_per_year\":{\"value\":4000,\"unit\":\"t\"},\"gate_fee_nok_per_t\":100}]}";
    struct mb_scenario s;
    struct mb_plan p;
    plan_text(FAR, &s, &p);
    struct mb_forecast f;
    mb_forecast_build(&s, &p, &f);
    for (int y = 0; y < 2; y++)
        for (int pr = 0; pr < MB_PRACTICE_COUNT; pr++) {
            NEAR(f.years[y].unplaced_t[pr], 6000);
            NEAR(f.years[y].capacity_short_t[pr], 0);
            cr_assert_eq(f.years[y].landfills_full[pr], 0);
        }
    cr_assert_eq(f.runs_out[MB_PRACTICE_TODAY], 0);
    cr_assert_eq(f.runs_out[MB_PRACTICE_PLAN], 0);
    mb_forecast_release(&f);
    mb_plan_release(&p);
    mb_scenario_release(&s);
}

/* Capacity in fm3 is used in fm3: moraine at its catalog density fills a
 * 2,200 fm3 landfill with 2,200 x density tonnes, and the year it is full
 * is named. */
Test(forecast, capacity_in_solid_m3)
{
    struct mb_scenario s;
    struct mb_plan p;
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/plan/cases/landfill-runs-out.json",
             getenv("MB_SOURCE_ROOT"));
    struct mb_problems pr;
    cr_assert_eq(mb_scenario_read(&s, path, &pr), 0);
    struct mb_plan_options opt = { 0 };
    struct mb_error err;
    cr_assert_eq(mb_plan_run(&s, &opt, &p, &err), 0, "%s", err.message);
    struct mb_forecast f;
    mb_forecast_build(&s, &p, &f);
    cr_assert_eq(f.nlandfills, 2);
    const struct mb_forecast_landfill *near = &f.landfills[0], *far = &f.landfills[1];
    cr_assert_str_eq(s.sites[near->site].id, "near");
    for (int y = 0; y < 2; y++) {
        NEAR(near->used[MB_PRACTICE_PLAN][y], 2200);
        /* 6,000 t a year arise; the rest after the near landfill's 2,200
         * fm3 goes to the far one, in tonnes. */
        double near_t = 2200 * s.catalog.items[s.sites[0].material].density;
        NEAR(far->used[MB_PRACTICE_PLAN][y], 6000 - near_t);
        NEAR(far->used[MB_PRACTICE_TODAY][y], 6000 - near_t);
    }
    cr_assert_eq(near->full_year[MB_PRACTICE_TODAY], 2026);
    cr_assert_eq(far->full_year[MB_PRACTICE_TODAY], 0);
    cr_assert_eq(f.runs_out[MB_PRACTICE_TODAY], 0);
    mb_forecast_release(&f);
    mb_plan_release(&p);
    mb_scenario_release(&s);
}
