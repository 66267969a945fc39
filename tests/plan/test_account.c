/*
 * test_account.c - the plan's accounting, by hand: a fixed part per load
 * and empty returns, well to wheel against tank to wheel, masses nobody
 * in the region can place valued outside it in the plan and today's
 * practice alike, the objective switch, and ranges that hold the central
 * figure and collapse when every factor is exact.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/plan_report.h"
#include "plan/plan.h"
#include "plan/scenario.h"
#include "report/forecast.h"
#include "domain/unit.h"
#include "domain/month.h"

#define HEAD "{\"format\": \"massebank-scenario/1\", \"horizon\": {\"from\": \"2026-01\", " \
    "\"to\": \"2026-01\"}, "

static void run(const char *json, struct mb_scenario *s, struct mb_plan *p)
{
    struct mb_problems probs;
    int rc = mb_scenario_parse(s, json, strlen(json), &probs);
    cr_assert_eq(rc, 0, "%s: %s", probs.n ? probs.items[0].path : "",
                 probs.n ? probs.items[0].message : "");
    struct mb_error err;
    struct mb_plan_options opt = { 0 };
    opt.draws = 200;
    cr_assert_eq(mb_plan_run(s, &opt, p, &err), 0, "%s", err.message);
}

/* 2 900 t from a pit to a landfill 10 road km away, in one month: with the
 * register's truck (29 t, 1 l and 600 NOK a load, 0.50 l/km out, 0.35
 * back, 21 NOK per km driven) that is 100 loads, 200 movements. */
#define HAUL(extra, boundary, distance) HEAD "\"co2_price_nok_per_t\": 0, " extra \
    "\"transport\": {\"boundary\": \"" boundary "\", \"fuel_mix\": {\"diesel\": 1}, " \
    "\"distances\": [{\"from\": \"pit\", \"to\": \"dump\", " distance "}]}, " \
    "\"sites\": [{\"id\": \"pit\", \"kind\": \"source\", \"lat\": 63.40, \"lon\": 10.40, " \
    "\"material\": \"rock.blasted\", \"class\": 1, \"amount\": {\"value\": 2900, \"unit\": \"t\"}, " \
    "\"window\": {\"from\": \"2026-01\", \"to\": \"2026-01\"}}, {\"id\": \"dump\", " \
    "\"kind\": \"landfill\", \"lat\": 63.45, \"lon\": 10.40, \"accepts\": [\"*\"], " \
    "\"capacity_per_year\": {\"value\": 100000, \"unit\": \"t\"}, \"gate_fee_nok_per_t\": 100, " \
    "\"co2_kg_per_t\": 0}]}"
#define ONE_HAUL(boundary) HAUL("", boundary, "\"km\": 10")

Test(account, fixed_part_per_load_and_empty_returns)
{
    struct mb_scenario s;
    struct mb_plan p;
    run(ONE_HAUL("ttw"), &s, &p);
    const struct mb_totals *t = &p.totals;
    cr_assert_float_eq(t->truckloads, 100, 1e-9);
    cr_assert_float_eq(t->movements, 200, 1e-9, "a loaded trip and an empty return");
    cr_assert_float_eq(t->tonne_km, 29000, 1e-6);
    cr_assert_float_eq(t->vehicle_km, 2000, 1e-6);
    /* fuel: 100 loads x (1 + 10 x 0.50 + 10 x 0.35) = 950 l; 2.66 kg/l TTW */
    cr_assert_float_eq(t->co2_transport_kg, 950 * 2.66, 1e-6);
    cr_assert_float_eq(t->co2_kg, 950 * 2.66, 1e-6);
    /* cost: 100 x (600 + 20 km x 21) + 2 900 t x 100 NOK gate fee */
    cr_assert_float_eq(t->cost_nok, 100 * (600 + 20 * 21) + 2900 * 100, 1e-6);
    /* today's practice does the same here: nothing saved, nothing lost */
    cr_assert_float_eq(p.savings.co2_kg, 0, 1e-6);
    mb_plan_release(&p);
    mb_scenario_release(&s);
}

Test(account, norwegian_road_diesel_by_default)
{
    /* ONE_HAUL without its fuel_mix: the default, road diesel with 13 %
     * bio (counted as HVO): tank to wheel 87 % x 2.66 kg/l. */
    const char *json = HEAD "\"co2_price_nok_per_t\": 0, \"transport\": {\"boundary\": "
        "\"ttw\", \"distances\": [{\"from\": \"pit\", \"to\": \"dump\", \"km\": 10}]}, "
        "\"sites\": [{\"id\": \"pit\", \"kind\": \"source\", \"lat\": 63.40, \"lon\": 10.40, "
        "\"material\": \"rock.blasted\", \"class\": 1, \"amount\": {\"value\": 2900, \"unit\": "
        "\"t\"}, \"window\": {\"from\": \"2026-01\", \"to\": \"2026-01\"}}, {\"id\": \"dump\", "
        "\"kind\": \"landfill\", \"lat\": 63.45, \"lon\": 10.40, \"accepts\": [\"*\"], "
        "\"capacity_per_year\": {\"value\": 100000, \"unit\": \"t\"}, \"gate_fee_nok_per_t\": "
        "100, \"co2_kg_per_t\": 0}]}";
    struct mb_scenario s;
    struct mb_plan p;
    run(json, &s, &p);
    cr_assert_float_eq(p.totals.co2_kg, 950 * 0.87 * 2.66, 1e-6);
    mb_plan_release(&p);
    mb_scenario_release(&s);
}

Test(account, boundary_switch)
{
    struct mb_scenario s;
    struct mb_plan p;
    run(ONE_HAUL("wtw"), &s, &p);
    cr_assert_float_eq(p.totals.co2_kg, 950 * 3.24, 1e-6, "3.24 kg CO2e/l well to wheel");
    char *json = mb_report_plan_json(&s, &p);
    cr_assert(strstr(json, "\"boundary\": \"wtw\""), "the plan names its boundary");
    free(json);
    mb_plan_release(&p);
    mb_scenario_release(&s);
    /* All HVO100 from waste oils: 0.49 kg CO2e/l well to wheel. */
    const char *hvo = HEAD "\"co2_price_nok_per_t\": 0, \"transport\": {\"fuel_mix\": "
        "{\"hvo100\": 1}, \"distances\": [{\"from\": \"pit\", \"to\": \"dump\", \"km\": 10}]}, "
        "\"sites\": [{\"id\": \"pit\", \"kind\": \"source\", \"lat\": 63.40, \"lon\": 10.40, "
        "\"material\": \"rock.blasted\", \"class\": 1, \"amount\": {\"value\": 2900, \"unit\": "
        "\"t\"}, \"window\": {\"from\": \"2026-01\", \"to\": \"2026-01\"}}, {\"id\": \"dump\", "
        "\"kind\": \"landfill\", \"lat\": 63.45, \"lon\": 10.40, \"accepts\": [\"*\"], "
        "\"capacity_per_year\": {\"value\": 100000, \"unit\": \"t\"}, \"gate_fee_nok_per_t\": "
        "100, \"co2_kg_per_t\": 0}]}";
    run(hvo, &s, &p);
    cr_assert_float_eq(p.totals.co2_kg, 950 * 0.49, 1e-6);
    mb_plan_release(&p);
    mb_scenario_release(&s);
}

/* A source with no landfill in reach: its 2 900 t go 60 km to a landfill
 * outside the region at 150 NOK/t, in the plan and in today's practice. */
Test(account, overflow_is_valued_in_both)
{
    const char *json = HEAD "\"co2_price_nok_per_t\": 0, \"transport\": {\"boundary\": \"ttw\", "
        "\"fuel_mix\": {\"diesel\": 1}}, "
        "\"sites\": [{\"id\": \"pit\", \"kind\": \"source\", \"lat\": 63.40, \"lon\": 10.40, "
        "\"material\": \"soil.clay\", \"class\": 1, \"amount\": {\"value\": 2900, \"unit\": \"t\"}, "
        "\"window\": {\"from\": \"2026-01\", \"to\": \"2026-01\"}}, {\"id\": \"dump\", "
        "\"kind\": \"landfill\", \"lat\": 63.45, \"lon\": 10.40, \"accepts\": [\"rock.*\"], "
        "\"capacity_per_year\": {\"value\": 100000, \"unit\": \"t\"}}]}";
    struct mb_scenario s;
    struct mb_plan p;
    run(json, &s, &p);
    double cost = 100 * (600 + 120 * 21) + 2900 * 150.0;
    /* 100 loads x (1 + 60 x 0.85) l x 2.66 + 2 900 t x 0.5 kg handling */
    double co2 = 100 * (1 + 60 * 0.85) * 2.66 + 2900 * 0.5;
    for (int k = 0; k < 2; k++) {
        const struct mb_totals *t = k ? &p.baseline : &p.totals;
        cr_assert_float_eq(t->unplaced_t, 2900, 1e-6);
        cr_assert_float_eq(t->cost_nok, cost, 1e-6);
        cr_assert_float_eq(t->overflow_cost_nok, cost, 1e-6);
        cr_assert_float_eq(t->co2_kg, co2, 1e-6);
        cr_assert_float_eq(t->truckloads, 100, 1e-9);
        cr_assert_float_eq(t->tonne_km, 2900 * 60, 1e-6);
    }
    cr_assert_float_eq(p.savings.co2_kg, 0, 1e-6, "no saving from ignoring masses");
    /* the range of a zero saving is zero: both move together */
    cr_assert_float_eq(p.uncertainty.saving[MB_M_CO2].low, 0, 1e-6);
    cr_assert_float_eq(p.uncertainty.saving[MB_M_CO2].high, 0, 1e-6);
    mb_plan_release(&p);
    mb_scenario_release(&s);
}

/* A near landfill with a high fee and a far one with a low fee: money
 * chooses the far one, CO2 the near one. */
#define TWO_DUMPS(objective) HEAD "\"co2_price_nok_per_t\": 0, \"objective\": \"" objective \
    "\", \"transport\": {\"distances\": [{\"from\": \"pit\", \"to\": \"near\", \"km\": 5}, " \
    "{\"from\": \"pit\", \"to\": \"far\", \"km\": 40}]}, \"sites\": [{\"id\": \"pit\", " \
    "\"kind\": \"source\", \"lat\": 63.40, \"lon\": 10.40, \"material\": \"rock.blasted\", " \
    "\"class\": 1, \"amount\": {\"value\": 2900, \"unit\": \"t\"}, \"window\": {\"from\": " \
    "\"2026-01\", \"to\": \"2026-01\"}}, {\"id\": \"near\", \"kind\": \"landfill\", " \
    "\"lat\": 63.41, \"lon\": 10.40, \"accepts\": [\"*\"], \"capacity_per_year\": {\"value\": " \
    "100000, \"unit\": \"t\"}, \"gate_fee_nok_per_t\": 300, \"co2_kg_per_t\": 0}, {\"id\": " \
    "\"far\", \"kind\": \"landfill\", \"lat\": 63.60, \"lon\": 10.40, \"accepts\": [\"*\"], " \
    "\"capacity_per_year\": {\"value\": 100000, \"unit\": \"t\"}, \"gate_fee_nok_per_t\": 50, " \
    "\"co2_kg_per_t\": 0}]}"

static double to_site(const struct mb_scenario *s, const struct mb_plan *p, const char *id)
{
    double t = 0;
    for (size_t i = 0; i < p->nflows; i++)
        if (strcmp(s->sites[p->flows[i].to].id, id) == 0)
            t += p->flows[i].t;
    return t;
}

Test(account, objective_switch)
{
    struct mb_scenario s;
    struct mb_plan p;
    run(TWO_DUMPS("cost"), &s, &p);
    cr_assert_float_eq(to_site(&s, &p, "far"), 2900, 1e-6);
    mb_plan_release(&p);
    mb_scenario_release(&s);
    run(TWO_DUMPS("co2"), &s, &p);
    cr_assert_float_eq(to_site(&s, &p, "near"), 2900, 1e-6);
    char *json = mb_report_plan_json(&s, &p);
    cr_assert(strstr(json, "\"objective\": \"co2\""), "the plan names its objective");
    free(json);
    mb_plan_release(&p);
    mb_scenario_release(&s);
}

/* Reuse saves virgin material: the range holds the central saving, and
 * the sensitivity table ranks production of the product bought first. */
Test(account, ranges_and_sensitivity)
{
    const char *json = HEAD "\"sites\": [{\"id\": \"pit\", \"kind\": \"source\", \"lat\": 63.40, "
        "\"lon\": 10.40, \"material\": \"product.crushed.0-32\", \"class\": 1, \"amount\": "
        "{\"value\": 29000, \"unit\": \"t\"}, \"window\": {\"from\": \"2026-01\", \"to\": "
        "\"2026-01\"}}, {\"id\": \"road\", \"kind\": \"need\", \"lat\": 63.41, \"lon\": 10.40, "
        "\"material\": \"product.crushed.0-32\", \"amount\": {\"value\": 29000, \"unit\": \"t\"}, "
        "\"window\": {\"from\": \"2026-01\", \"to\": \"2026-01\"}}, {\"id\": \"dump\", \"kind\": "
        "\"landfill\", \"lat\": 63.42, \"lon\": 10.40, \"accepts\": [\"*\"], "
        "\"capacity_per_year\": {\"value\": 1000000, \"unit\": \"t\"}}, {\"id\": \"q\", "
        "\"kind\": \"quarry\", \"lat\": 63.43, \"lon\": 10.40, \"offers\": [\"product.*\"]}]}";
    struct mb_scenario s;
    struct mb_plan p;
    run(json, &s, &p);
    const struct mb_band *b = &p.uncertainty.saving[MB_M_CO2];
    cr_assert_gt(b->central, 0);
    cr_assert(b->low < b->central && b->central < b->high, "%f %f %f", b->low, b->central,
              b->high);
    cr_assert_float_eq(b->central, p.savings.co2_kg, 1e-6);
    cr_assert_gt(p.uncertainty.nswing[MB_M_CO2], 0);
    cr_assert_eq(p.uncertainty.swing[MB_M_CO2][0].factor, MB_F_PROD_CRUSHED,
                 "got %s first", mb_factor_key(p.uncertainty.swing[MB_M_CO2][0].factor));
    /* 29 000 t of 0/32 not bought: 3.5 kg/t central, 2 and 6 at the ends */
    const struct mb_swing *w = &p.uncertainty.swing[MB_M_CO2][0];
    cr_assert_float_eq(w->at_high - w->at_low, 29000 * (6.0 - 2.0), 1e-6);
    /* Counted tonnes have no range. */
    const struct mb_band *v = &p.uncertainty.saving[MB_M_VIRGIN_T];
    cr_assert_float_eq(v->low, v->high, 1e-9);
    cr_assert_float_eq(v->central, 29000, 1e-6);
    double low = b->low;
    mb_plan_release(&p);
    mb_scenario_release(&s);
    /* The same draws give the same ranges. */
    struct mb_plan q;
    run(json, &s, &q);
    cr_assert_float_eq(q.uncertainty.saving[MB_M_CO2].low, low, 0, "runs repeat");
    mb_plan_release(&q);
    mb_scenario_release(&s);
}

/* A landfill that fills in placed m3 with a capacity per year: blasted
 * rock takes 1.4 pm3 per fm3. 2 700 t a year (1 000 fm3 = 1 400 pm3)
 * arise; the landfill takes 1 400 pm3 in 2026, 700 in 2027 and none in
 * 2028, so 1 350 t of 2027 and all of 2028 go out of the region, and the
 * forecast says capacity runs out in 2027 with the plan too. */
Test(account, capacity_by_year_in_placed_m3)
{
    const char *json = "{\"format\": \"massebank-scenario/1\", \"horizon\": {\"from\": "
        "\"2026-01\", \"to\": \"2028-12\"}, \"sites\": [{\"id\": \"pit\", \"kind\": \"source\", "
        "\"lat\": 63.40, \"lon\": 10.40, \"material\": \"rock.blasted\", \"class\": 1, "
        "\"amount\": {\"value\": 8100, \"unit\": \"t\"}, \"window\": {\"from\": \"2026-01\", "
        "\"to\": \"2028-12\"}}, {\"id\": \"dump\", \"kind\": \"landfill\", \"lat\": 63.45, "
        "\"lon\": 10.40, \"accepts\": [\"*\"], \"capacity_by_year\": {\"unit\": \"pm3\", "
        "\"2026\": 1400, \"2027\": 700}}]}";
    struct mb_scenario s;
    struct mb_plan p;
    run(json, &s, &p);
    double y[3] = { 0 };
    for (size_t i = 0; i < p.nflows; i++)
        y[p.flows[i].month / 12 - 2026] += p.flows[i].t;
    cr_assert_float_eq(y[0], 2700, 1e-6);
    cr_assert_float_eq(y[1], 1350, 1e-6);
    cr_assert_float_eq(y[2], 0, 1e-6, "no year listed and no capacity_per_year: no room");
    cr_assert_float_eq(p.totals.unplaced_t, 1350 + 2700, 1e-6);
    cr_assert_float_eq(p.baseline.unplaced_t, 1350 + 2700, 1e-6);
    struct mb_forecast fc;
    mb_forecast_build(&s, &p, &fc);
    cr_assert_eq(fc.runs_out[MB_PRACTICE_PLAN], 2027);
    cr_assert_eq(fc.years[2].landfills_open, 1, "a year with no room is open");
    cr_assert_eq(fc.years[2].landfills_full[MB_PRACTICE_PLAN], 1, "... and full");
    cr_assert_float_eq(fc.landfills[0].capacity[1], 700, 1e-9);
    cr_assert_eq(fc.landfills[0].unit, MB_UNIT_PM3);
    mb_forecast_release(&fc);
    mb_plan_release(&p);
    mb_scenario_release(&s);
}

static void refused_with(const char *json, const char *path, const char *message)
{
    struct mb_scenario s;
    struct mb_problems p;
    cr_assert_eq(mb_scenario_parse(&s, json, strlen(json), &p), MB_EINVAL, "accepted %s", json);
    bool found = false;
    for (size_t i = 0; i < p.n; i++)
        found |= strcmp(p.items[i].path, path) == 0 && strstr(p.items[i].message, message);
    for (size_t i = 0; !found && i < p.n; i++)
        fprintf(stderr, "  got %s: %s\n", p.items[i].path, p.items[i].message);
    cr_assert(found, "no problem %s: ...%s...", path, message);
    mb_problems_release(&p);
}

#define DUMP(cap) HEAD "\"sites\": [{\"id\": \"dump\", \"kind\": \"landfill\", \"lat\": 63.45, " \
    "\"lon\": 10.40, \"accepts\": [\"*\"], " cap "}]}"

Test(account, bad_yearly_capacities_are_named)
{
    refused_with(DUMP("\"capacity_by_year\": {\"unit\": \"pm3\", \"2026\": -5}"),
                 "sites[0].capacity_by_year.2026", "must not be negative");
    refused_with(DUMP("\"capacity_by_year\": {\"unit\": \"pm3\", \"26\": 5}"),
                 "sites[0].capacity_by_year.26", "not a year");
    refused_with(DUMP("\"capacity_by_year\": {\"2026\": 5}"),
                 "sites[0].capacity_by_year.unit", "is required");
    refused_with(DUMP("\"capacity_by_year\": {\"unit\": \"m3\", \"2026\": 5}"),
                 "sites[0].capacity_by_year.unit", "does not say the state");
    refused_with(DUMP("\"capacity_per_year\": {\"value\": 5, \"unit\": \"t\"}, "
                      "\"capacity_by_year\": {\"unit\": \"pm3\", \"2026\": 5}"),
                 "sites[0].capacity_by_year", "one unit");
    refused_with(DUMP("\"gate_fee_nok_per_t\": 5"), "sites[0].capacity_per_year",
                 "is required");
}

/* A chain source -> plant -> storage -> plant -> need is served with no
 * quarry anywhere: every commodity a plant can make exists, also from
 * another plant's output. */
Test(account, plant_chain_needs_no_quarry)
{
    const char *json = HEAD "\"sites\": [{\"id\": \"cut\", \"kind\": \"source\", \"lat\": 63.40, "
        "\"lon\": 10.40, \"material\": \"rock.blasted\", \"class\": 1, \"amount\": {\"value\": "
        "1000, \"unit\": \"t\"}, \"window\": {\"from\": \"2026-01\", \"to\": \"2026-01\"}}, "
        "{\"id\": \"crusher\", \"kind\": \"plant\", \"lat\": 63.41, \"lon\": 10.40, \"accepts\": "
        "[\"rock.blasted\"], \"capacity_per_month\": {\"value\": 5000, \"unit\": \"t\"}, "
        "\"yields\": [{\"material\": \"product.crushed.0-150\", \"share\": 1}]}, {\"id\": "
        "\"store\", \"kind\": \"storage\", \"lat\": 63.42, \"lon\": 10.40, \"accepts\": "
        "[\"product.*\"], \"capacity\": {\"value\": 5000, \"unit\": \"t\"}}, {\"id\": "
        "\"screen\", \"kind\": \"plant\", \"lat\": 63.43, \"lon\": 10.40, \"accepts\": "
        "[\"product.crushed.0-150\"], \"capacity_per_month\": {\"value\": 5000, \"unit\": "
        "\"t\"}, \"yields\": [{\"material\": \"product.crushed.0-32\", \"share\": 1}]}, "
        "{\"id\": \"road\", \"kind\": \"need\", \"lat\": 63.44, \"lon\": 10.40, \"material\": "
        "\"product.crushed.0-32\", \"amount\": {\"value\": 1000, \"unit\": \"t\"}, \"window\": "
        "{\"from\": \"2026-01\", \"to\": \"2026-01\"}}]}";
    struct mb_scenario s;
    struct mb_plan p;
    run(json, &s, &p);
    cr_assert_float_eq(p.totals.unmet_t, 0, 1e-6);
    cr_assert_float_eq(p.totals.unplaced_t, 0, 1e-6);
    cr_assert_float_eq(to_site(&s, &p, "road"), 1000, 1e-6);
    cr_assert_float_eq(to_site(&s, &p, "screen"), 1000, 1e-6);
    mb_plan_release(&p);
    mb_scenario_release(&s);
}

/* An explicit distance may be 0.5 km shorter than the straight line. Two
 * sites 10.36 km apart, given 10 km, with max_km 10, lie two cells apart
 * in a grid of 10 km cells: the arc must still be built. */
Test(account, explicit_distance_within_reach_across_grid_cells)
{
    const char *json = HEAD "\"transport\": {\"max_km\": 10, \"distances\": [{\"from\": \"a\", "
        "\"to\": \"b\", \"km\": 10}]}, \"sites\": [{\"id\": \"a\", \"kind\": \"source\", "
        "\"lat\": 63.3474, \"lon\": 10.40, \"material\": \"rock.blasted\", \"class\": 1, "
        "\"amount\": {\"value\": 1000, \"unit\": \"t\"}, \"window\": {\"from\": \"2026-01\", "
        "\"to\": \"2026-01\"}}, {\"id\": \"b\", \"kind\": \"landfill\", \"lat\": 63.4406, "
        "\"lon\": 10.40, \"accepts\": [\"*\"], \"capacity_per_year\": {\"value\": 100000, "
        "\"unit\": \"t\"}}]}";
    struct mb_scenario s;
    struct mb_plan p;
    run(json, &s, &p);
    cr_assert_float_eq(to_site(&s, &p, "b"), 1000, 1e-6);
    cr_assert_float_eq(p.totals.unplaced_t, 0, 1e-6);
    cr_assert_float_eq(p.baseline.unplaced_t, 0, 1e-6, "today's practice reaches it too");
    mb_plan_release(&p);
    mb_scenario_release(&s);
}

Test(account, a_pair_given_twice_must_agree)
{
    refused_with(HEAD "\"transport\": {\"distances\": [{\"from\": \"a\", \"to\": \"b\", "
        "\"km\": 10}, {\"from\": \"b\", \"to\": \"a\", \"km\": 50}]}, \"sites\": [{\"id\": "
        "\"a\", \"kind\": \"source\", \"lat\": 63.40, \"lon\": 10.40, \"material\": "
        "\"rock.blasted\", \"class\": 1, \"amount\": {\"value\": 1000, \"unit\": \"t\"}, "
        "\"window\": {\"from\": \"2026-01\", \"to\": \"2026-01\"}}, {\"id\": \"b\", \"kind\": "
        "\"landfill\", \"lat\": 63.41, \"lon\": 10.40, \"accepts\": [\"*\"], "
        "\"capacity_per_year\": {\"value\": 100000, \"unit\": \"t\"}}]}",
        "transport.distances[1]", "transport.distances[0] gives 10 km");
}

/* Contaminated masses (class 2) nobody in the region takes: the landfill
 * outside takes clean masses only, so they are stranded, carry the
 * penalty in the solver and no cost or CO2 in the figures. */
Test(account, contaminated_masses_with_no_receiver_are_stranded)
{
    const char *json = HEAD "\"co2_price_nok_per_t\": 0, \"sites\": [{\"id\": \"pit\", "
        "\"kind\": \"source\", \"lat\": 63.40, \"lon\": 10.40, \"material\": \"soil.fill\", "
        "\"class\": 2, \"amount\": {\"value\": 500, \"unit\": \"t\"}, \"window\": {\"from\": "
        "\"2026-01\", \"to\": \"2026-01\"}}, {\"id\": \"dump\", \"kind\": \"landfill\", "
        "\"lat\": 63.45, \"lon\": 10.40, \"accepts\": [\"*\"], \"capacity_per_year\": "
        "{\"value\": 100000, \"unit\": \"t\"}}]}";
    struct mb_scenario s;
    struct mb_plan p;
    run(json, &s, &p);
    for (int k = 0; k < 2; k++) {
        const struct mb_totals *t = k ? &p.baseline : &p.totals;
        cr_assert_float_eq(t->unplaced_t, 500, 1e-6);
        cr_assert_float_eq(t->stranded_t, 500, 1e-6);
        cr_assert_float_eq(t->cost_nok, 0, 1e-6);
        cr_assert_float_eq(t->co2_kg, 0, 1e-6);
        cr_assert_float_eq(t->landfill_all_t, 0, 1e-6);
    }
    cr_assert_float_eq(p.solver_objective, 500 * MB_PENALTY_NOK_PER_T, 1e-3);
    mb_plan_release(&p);
    mb_scenario_release(&s);
}

/* An exported tonne is a real option: a landfill in the region 80 km
 * away loses to the landfill outside at 60 km, in the plan and today. */
Test(account, the_way_out_is_an_option_at_its_cost)
{
    const char *json = HEAD "\"co2_price_nok_per_t\": 0, \"transport\": {\"distances\": "
        "[{\"from\": \"pit\", \"to\": \"far\", \"km\": 80}]}, \"sites\": [{\"id\": \"pit\", "
        "\"kind\": \"source\", \"lat\": 63.40, \"lon\": 10.40, \"material\": \"rock.blasted\", "
        "\"class\": 1, \"amount\": {\"value\": 2900, \"unit\": \"t\"}, \"window\": {\"from\": "
        "\"2026-01\", \"to\": \"2026-01\"}}, {\"id\": \"far\", \"kind\": \"landfill\", "
        "\"lat\": 63.45, \"lon\": 10.40, \"accepts\": [\"*\"], \"capacity_per_year\": "
        "{\"value\": 100000, \"unit\": \"t\"}, \"gate_fee_nok_per_t\": 150}]}";
    struct mb_scenario s;
    struct mb_plan p;
    run(json, &s, &p);
    cr_assert_float_eq(to_site(&s, &p, "far"), 0, 1e-6);
    cr_assert_float_eq(p.totals.unplaced_t, 2900, 1e-6);
    cr_assert_float_eq(p.baseline.unplaced_t, 2900, 1e-6, "today's practice goes out too");
    cr_assert_float_eq(p.totals.landfill_all_t, 2900, 1e-6);
    /* 100 loads x (600 + 120 km x 21) + 2 900 t x 150 */
    cr_assert_float_eq(p.totals.cost_nok, 100 * (600 + 120 * 21) + 2900 * 150.0, 1e-6);
    cr_assert_float_eq(p.solver_objective, p.totals.objective, 1e-6);
    mb_plan_release(&p);
    mb_scenario_release(&s);
}

/* The haul of ONE_HAUL over 10 km by road with a ferry part, tank to
 * wheel, diesel; the way out of the region far enough never to be
 * cheaper. */
#define FERRY_HAUL(ferry) HAUL("\"out_of_region\": {\"landfill_km\": 500}, ", "ttw", \
                               "\"km\": 10, \"source\": \"road\", " ferry)

/* A ferry on the way, by hand from the register's central values: 100
 * loads and 100 empty returns, each crossing with a 410 NOK ticket and 18
 * minutes' wait at 1 500 NOK an hour, 4 km on board at 18 km/h (the
 * truck's time, not its fuel), the ferry's 10 kg CO2e per km well to wheel
 * scaled to tank to wheel by 2.66 / 3.24. The road part is 6 km. */
Test(account, a_ferry_crossing_is_priced_by_hand)
{
    struct mb_scenario s;
    struct mb_plan p;
    run(FERRY_HAUL("\"ferry_km\": 4, \"ferry_crossings\": 1"), &s, &p);
    const struct mb_totals *t = &p.totals;
    cr_assert_float_eq(t->truckloads, 100, 1e-9);
    cr_assert_float_eq(t->tonne_km, 29000, 1e-6, "tonne-km count the whole haul");
    double road_l = 100 * (1 + 6 * 0.50 + 6 * 0.35);
    double ferry_kg = 200 * 4 * 10 * 2.66 / 3.24;
    cr_assert_float_eq(t->co2_transport_kg, road_l * 2.66 + ferry_kg, 1e-6, "%.3f",
                       t->co2_transport_kg);
    double cost = 100 * (600 + 12 * 21) + 200 * (410 + 18.0 / 60 * 1500) +
                  200 * 4.0 / 18 * 1500 + 2900 * 100;
    cr_assert_float_eq(t->cost_nok, cost, 1e-6, "%.3f, by hand %.3f", t->cost_nok, cost);
    /* The flow's own figures add up the same way. */
    cr_assert_eq(p.nflows, 1);
    cr_assert_float_eq(p.flows[0].cost_nok, cost, 1e-6);
    cr_assert_float_eq(p.flows[0].co2_kg, road_l * 2.66 + ferry_kg, 1e-6);
    mb_plan_release(&p);
    mb_scenario_release(&s);

    /* A 500 m crossing counts its emissions over 2 km (docking); a file
     * without ferry_crossings gets one. */
    run(FERRY_HAUL("\"ferry_km\": 0.5"), &s, &p);
    road_l = 100 * (1 + 9.5 * 0.50 + 9.5 * 0.35);
    cr_assert_float_eq(p.totals.co2_transport_kg, road_l * 2.66 + 200 * 2 * 10 * 2.66 / 3.24,
                       1e-6, "%.3f", p.totals.co2_transport_kg);
    mb_plan_release(&p);
    mb_scenario_release(&s);

    /* Two crossings: two tickets and two waits. */
    run(FERRY_HAUL("\"ferry_km\": 4, \"ferry_crossings\": 2"), &s, &p);
    cr_assert_float_eq(p.totals.cost_nok, cost + 200 * (410 + 18.0 / 60 * 1500), 1e-6, "%.3f %.3f %zu",
                       p.totals.cost_nok, cost + 200 * (410 + 18.0 / 60 * 1500), p.nflows);
    mb_plan_release(&p);
    mb_scenario_release(&s);
}

Test(account, bad_ferry_crossings_are_named)
{
    /* The same pair twice with other ferries: which counted would be
     * chance. */
    refused_with(HEAD "\"transport\": {\"distances\": [{\"from\": \"pit\", \"to\": \"dump\", "
                 "\"km\": 10, \"source\": \"road\", \"ferry_km\": 4, \"ferry_crossings\": 1}, "
                 "{\"from\": \"dump\", \"to\": \"pit\", \"km\": 10, \"source\": \"road\", "
                 "\"ferry_km\": 9, \"ferry_crossings\": 50}]}, \"sites\": [{\"id\": \"pit\", "
                 "\"kind\": \"landfill\", \"lat\": 63.40, \"lon\": 10.40, \"accepts\": [\"*\"], "
                 "\"capacity_per_year\": {\"value\": 1, \"unit\": \"t\"}}, "
                 "{\"id\": \"dump\", \"kind\": \"landfill\", \"lat\": 63.45, \"lon\": 10.40, "
                 "\"accepts\": [\"*\"], \"capacity_per_year\": {\"value\": 1, \"unit\": "
                 "\"t\"}}]}",
                 "transport.distances[1]", "another source, time or ferries than "
                 "transport.distances[0]");
    refused_with(FERRY_HAUL("\"ferry_km\": 4, \"ferry_crossings\": 0"),
                 "transport.distances[0].ferry_crossings", "takes at least one ferry");
    refused_with(FERRY_HAUL("\"ferry_crossings\": 2"), "transport.distances[0].ferry_km",
                 "2 ferries but no km on a ferry");
    refused_with(FERRY_HAUL("\"ferry_km\": 4, \"ferry_crossings\": 1.5"),
                 "transport.distances[0].ferry_crossings", "must be a whole number");
    refused_with(FERRY_HAUL("\"ferry_km\": 4, \"ferry_crossings\": -1"),
                 "transport.distances[0].ferry_crossings", "");
}

/* Today's practice takes the landfill nearest by the haul's cost, not by
 * km: a landfill 12 km away across a ferry (one crossing, 8 km on board)
 * costs more per tonne than one 20 km away by road, and a haulier drives
 * round. The same ferry in a distance table is priced as from the road
 * database. */
Test(account, the_baseline_drives_round_rather_than_pay_for_a_ferry)
{
    const char *json = HEAD "\"out_of_region\": {\"landfill_km\": 500}, \"transport\": "
        "{\"distances\": [{\"from\": \"pit\", \"to\": \"across\", \"km\": 12, \"source\": "
        "\"road\", \"ferry_km\": 8, \"ferry_crossings\": 1}, {\"from\": \"pit\", \"to\": "
        "\"round\", \"km\": 20, \"source\": \"road\"}]}, "
        "\"sites\": [{\"id\": \"pit\", \"kind\": \"source\", \"lat\": 63.40, \"lon\": 10.40, "
        "\"material\": \"rock.blasted\", \"class\": 1, \"amount\": {\"value\": 2900, \"unit\": "
        "\"t\"}, \"window\": {\"from\": \"2026-01\", \"to\": \"2026-01\"}}, {\"id\": \"across\", "
        "\"kind\": \"landfill\", \"lat\": 63.40, \"lon\": 10.60, \"accepts\": [\"*\"], "
        "\"capacity_per_year\": {\"value\": 100000, \"unit\": \"t\"}}, {\"id\": \"round\", "
        "\"kind\": \"landfill\", \"lat\": 63.55, \"lon\": 10.40, \"accepts\": [\"*\"], "
        "\"capacity_per_year\": {\"value\": 100000, \"unit\": \"t\"}}]}";
    struct mb_scenario s;
    struct mb_plan p;
    run(json, &s, &p);
    cr_assert_gt(p.nbaseline_flows, 0);
    for (size_t i = 0; i < p.nbaseline_flows; i++) {
        cr_assert_str_eq(s.sites[p.baseline_flows[i].to].id, "round",
                         "today's practice pays for the ferry");
        cr_assert_float_eq(p.baseline_flows[i].km, 20, 1e-9, "the given distance");
    }
    cr_assert_float_eq(p.savings.cost_nok, 0, 1e-6, "the plan does the same: no saving");
    mb_plan_release(&p);
    mb_scenario_release(&s);

    struct mb_plan q;
    struct mb_scenario t;
    run(FERRY_HAUL("\"ferry_km\": 4, \"ferry_crossings\": 1"), &s, &p);
    run(HAUL("\"out_of_region\": {\"landfill_km\": 500}, ", "ttw",
             "\"km\": 10, \"source\": \"table\", \"ferry_km\": 4, \"ferry_crossings\": 1"), &t, &q);
    cr_assert_float_eq(q.totals.cost_nok, p.totals.cost_nok, 1e-6);
    cr_assert_float_eq(q.totals.co2_kg, p.totals.co2_kg, 1e-6);
    mb_plan_release(&q);
    mb_scenario_release(&t);
    mb_plan_release(&p);
    mb_scenario_release(&s);
}
