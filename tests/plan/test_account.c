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

#include "plan/plan.h"
#include "plan/scenario.h"

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
#define ONE_HAUL(boundary) HEAD "\"co2_price_nok_per_t\": 0, \"transport\": {\"boundary\": \"" \
    boundary "\", \"distances\": [{\"from\": \"pit\", \"to\": \"dump\", \"km\": 10}]}, " \
    "\"sites\": [{\"id\": \"pit\", \"kind\": \"source\", \"lat\": 63.40, \"lon\": 10.40, " \
    "\"material\": \"rock.blasted\", \"class\": 1, \"amount\": {\"value\": 2900, \"unit\": \"t\"}, " \
    "\"window\": {\"from\": \"2026-01\", \"to\": \"2026-01\"}}, {\"id\": \"dump\", " \
    "\"kind\": \"landfill\", \"lat\": 63.45, \"lon\": 10.40, \"accepts\": [\"*\"], " \
    "\"capacity_per_year\": {\"value\": 100000, \"unit\": \"t\"}, \"gate_fee_nok_per_t\": 100, " \
    "\"co2_kg_per_t\": 0}]}"

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

Test(account, boundary_switch)
{
    struct mb_scenario s;
    struct mb_plan p;
    run(ONE_HAUL("wtw"), &s, &p);
    cr_assert_float_eq(p.totals.co2_kg, 950 * 3.24, 1e-6, "3.24 kg CO2e/l well to wheel");
    char *json = mb_plan_json(&s, &p);
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
    const char *json = HEAD "\"co2_price_nok_per_t\": 0, \"transport\": {\"boundary\": \"ttw\"}, "
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
    char *json = mb_plan_json(&s, &p);
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
    /* 29 000 t of 0/32 not bought: 3.5 kg/t central, 2.5 and 4.5 at the ends */
    const struct mb_swing *w = &p.uncertainty.swing[MB_M_CO2][0];
    cr_assert_float_eq(w->at_high - w->at_low, 29000 * (4.5 - 2.5), 1e-6);
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
