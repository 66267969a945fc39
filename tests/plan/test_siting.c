/*
 * test_siting.c - where to open a storage site (plan/siting.h): the
 * choice against plans of the scenario with each candidate written in by
 * hand, the candidates' own cost and CO2 counted, a saving per opened
 * candidate, and bad candidate input refused with the field named.
 *
 * The scenario is tests/plan/cases/storage-bridge.json without its
 * storage: 3000 t of blasted rock in January 20 km from a landfill, a
 * road needing 3000 t in April, 2 km apart. A storage between them lets
 * the rock wait for the road; one far away is of no use.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan.h"
#include "plan/scenario.h"
#include "core/splitmix.h"
#include "plan/siting.h"

#define SITES_BUT_STORAGE \
    "{\"id\": \"dig\", \"kind\": \"source\", \"lat\": 63.40, \"lon\": 10.40, \"material\": " \
    "\"rock.blasted\", \"class\": 1, \"amount\": {\"value\": 3000, \"unit\": \"t\"}, " \
    "\"window\": {\"from\": \"2026-01\", \"to\": \"2026-01\"}}, {\"id\": \"road\", \"kind\": " \
    "\"need\", \"lat\": 63.42, \"lon\": 10.40, \"material\": \"rock.blasted\", \"amount\": " \
    "{\"value\": 3000, \"unit\": \"t\"}, \"window\": {\"from\": \"2026-04\", \"to\": " \
    "\"2026-04\"}}, {\"id\": \"deponi\", \"kind\": \"landfill\", \"lat\": 63.60, \"lon\": " \
    "10.40, \"accepts\": [\"*\"], \"capacity_per_year\": {\"value\": 100000, \"unit\": " \
    "\"t\"}, \"gate_fee_nok_per_t\": 150, \"co2_kg_per_t\": 0}, {\"id\": \"pukkverk\", " \
    "\"kind\": \"quarry\", \"lat\": 63.20, \"lon\": 10.40, \"offers\": [\"rock.blasted\"], " \
    "\"price_nok_per_t\": 100, \"co2_kg_per_t\": 3}"

#define SCENARIO(extra_sites) "{\"format\": \"massebank-scenario/1\", \"horizon\": " \
    "{\"from\": \"2026-01\", \"to\": \"2026-06\"}, \"co2_price_nok_per_t\": 2000, " \
    "\"transport\": {\"cost_nok_per_tkm\": 2, \"co2_kg_per_tkm\": 0.1, \"detour_factor\": " \
    "1.0}, \"sites\": [" SITES_BUT_STORAGE extra_sites "]}"

#define STORAGE(id, lat) "{\"id\": \"" id "\", \"kind\": \"storage\", \"lat\": " lat ", " \
    "\"lon\": 10.40, \"accepts\": [\"rock.*\"], \"capacity\": {\"value\": 10000, \"unit\": " \
    "\"t\"}, \"handling_nok_per_t\": 20, \"holding_nok_per_t_month\": 1, \"co2_kg_per_t\": 0"

#define NEAR STORAGE("lager-midt", "63.41")
#define FAR STORAGE("lager-fjernt", "63.55")
#define OWN(per_year, opening, co2) ", \"nok_per_year\": " per_year ", \"opening_nok\": " \
    opening ", \"co2_kg_per_year\": " co2 "}"

static const char *scenario = SCENARIO("");

/* The plan's value (cost with CO2 at its price) of a scenario. */
static double plan_value(const char *json)
{
    struct mb_scenario s;
    struct mb_problems p;
    cr_assert_eq(mb_scenario_parse(&s, json, strlen(json), &p), 0, "%s: %s",
                 p.n ? p.items[0].path : "", p.n ? p.items[0].message : "");
    struct mb_plan_options opt = { 0 };
    opt.draws = -1;
    struct mb_plan plan;
    struct mb_error err;
    cr_assert_eq(mb_plan_run(&s, &opt, &plan, &err), 0, "%s", err.message);
    double v = plan.totals.objective;
    mb_plan_release(&plan);
    mb_scenario_release(&s);
    return v;
}

static void parse(const char *cands, struct mb_candidates *c)
{
    struct mb_problems p;
    int rc = mb_candidates_parse(c, scenario, strlen(scenario), cands, strlen(cands), &p);
    cr_assert_eq(rc, 0, "%s: %s", p.n ? p.items[0].path : "", p.n ? p.items[0].message : "");
    mb_problems_release(&p);
}

Test(siting, the_storage_between_opens_and_its_saving_is_the_plans_difference)
{
    struct mb_candidates c;
    parse("{\"format\": \"massebank-candidates/1\", \"candidates\": [" NEAR
          OWN("20000", "10000", "500") ", " FAR OWN("20000", "10000", "0") "]}", &c);
    struct mb_siting r;
    struct mb_error err;
    cr_assert_eq(mb_siting_run(scenario, strlen(scenario), &c, 2, &r, &err), 0, "%s",
                 err.message);
    cr_assert_eq(r.subsets, 4, "none, each alone, both");
    cr_assert(r.open[0] && !r.open[1], "the storage between opens, the far one not");
    /* Against plans with the storage written into the scenario by hand:
     * half a year of 20 000 NOK, 10 000 to open, 250 kg CO2 at 2 000 NOK/t. */
    double none = plan_value(scenario);
    double with_near = plan_value(SCENARIO(", " NEAR "}"));
    double own = 0.5 * 20000 + 10000 + 2000 * 0.5 * 500 / 1000.0;
    cr_assert_float_eq(r.value_none, none, 1e-6);
    cr_assert_float_eq(r.value, with_near + own, 1e-6, "%.3f vs %.3f", r.value,
                       with_near + own);
    cr_assert_float_eq(r.own_nok, 20000, 1e-9);
    cr_assert_float_eq(r.own_co2_kg, 250, 1e-9);
    cr_assert_float_eq(r.saving[0], none - r.value, 1e-6, "alone, its saving is the whole one");
    cr_assert_gt(r.saving[0], 0);
    cr_assert_float_eq(r.best.landfill_all_t, 0, 1e-6, "the rock waits for the road");
    cr_assert_float_eq(r.none.landfill_all_t, 3000, 1e-6);
    mb_siting_release(&r);
    mb_candidates_release(&c);
}

Test(siting, a_candidate_dearer_than_what_it_saves_stays_closed)
{
    struct mb_candidates c;
    parse("{\"format\": \"massebank-candidates/1\", \"candidates\": [" NEAR
          OWN("1e9", "0", "0") "]}", &c);
    struct mb_siting r;
    struct mb_error err;
    cr_assert_eq(mb_siting_run(scenario, strlen(scenario), &c, 1, &r, &err), 0, "%s",
                 err.message);
    cr_assert_not(r.open[0]);
    cr_assert_float_eq(r.value, r.value_none, 1e-9);
    cr_assert_float_eq(r.own_nok, 0, 1e-9);
    mb_siting_release(&r);
    mb_candidates_release(&c);
}

/* Two storages between, either one enough: with at most one, the
 * cheaper opens; with both allowed, still one (the second brings
 * nothing but its cost). */
Test(siting, at_most_k_and_the_cheaper_of_two_alike)
{
    struct mb_candidates c;
    parse("{\"format\": \"massebank-candidates/1\", \"candidates\": [" NEAR
          OWN("30000", "0", "0") ", " STORAGE("lager-midt-2", "63.41") OWN("10000", "0", "0")
          "]}", &c);
    struct mb_siting r;
    struct mb_error err;
    for (int k = 1; k <= 2; k++) {
        cr_assert_eq(mb_siting_run(scenario, strlen(scenario), &c, k, &r, &err), 0, "%s",
                     err.message);
        cr_assert(!r.open[0] && r.open[1], "k = %d: the cheaper one", k);
        cr_assert_eq(r.subsets, k == 1 ? 3u : 4u);
        mb_siting_release(&r);
    }
    cr_assert_eq(mb_siting_run(scenario, strlen(scenario), &c, 3, &r, &err), MB_EINVAL);
    cr_assert_str_eq(err.field, "max");
    cr_assert_eq(mb_siting_run(scenario, strlen(scenario), &c, 0, &r, &err), MB_EINVAL);
    mb_candidates_release(&c);
}

static void refused(const char *cands, const char *path, const char *message)
{
    struct mb_candidates c;
    struct mb_problems p;
    cr_assert_eq(mb_candidates_parse(&c, scenario, strlen(scenario), cands, strlen(cands), &p),
                 MB_EINVAL, "accepted %s", cands);
    bool found = false;
    for (size_t i = 0; i < p.n; i++)
        found |= strcmp(p.items[i].path, path) == 0 && strstr(p.items[i].message, message);
    for (size_t i = 0; !found && i < p.n; i++)
        fprintf(stderr, "  got %s: %s\n", p.items[i].path, p.items[i].message);
    cr_assert(found, "no problem %s: ...%s...", path, message);
    cr_assert_eq(c.n, 0, "nothing kept");
    mb_problems_release(&p);
}

#define FILE_OF(x) "{\"format\": \"massebank-candidates/1\", \"candidates\": [" x "]}"

Test(siting, bad_candidates_are_refused_with_the_field_named)
{
    refused(FILE_OF(NEAR OWN("-5", "0", "0")), "candidates[0].nok_per_year",
            "must be a number from 0");
    refused(FILE_OF(NEAR OWN("5", "-1", "0")), "candidates[0].opening_nok",
            "must be a number from 0");
    refused(FILE_OF(NEAR "}"), "candidates[0].nok_per_year", "is required");
    refused(FILE_OF("{\"id\": \"x\", \"kind\": \"storage\", \"lat\": 63.41, \"lon\": 10.40, "
                    "\"accepts\": [\"rock.*\"], \"nok_per_year\": 1}"),
            "candidates[0].capacity", "is required");
    refused(FILE_OF(STORAGE("langt-unna", "40.0") OWN("1", "0", "0")), "candidates[0].lat",
            "");
    refused(FILE_OF("{\"id\": \"x\", \"kind\": \"landfill\", \"lat\": 63.41, \"lon\": 10.40, "
                    "\"nok_per_year\": 1}"),
            "candidates[0].kind", "must be storage or plant");
    refused(FILE_OF(STORAGE("deponi", "63.41") OWN("1", "0", "0")), "candidates[0].id",
            "is a site of the scenario already");
    refused(FILE_OF(NEAR OWN("1", "0", "0") ", " NEAR OWN("2", "0", "0")), "candidates[1].id",
            "is candidates[0] too");
    refused("{\"format\": \"massebank-candidates/1\", \"candidates\": []}", "candidates",
            "must be a list of 1 to");
    refused("{\"format\": \"x\", \"candidates\": [" NEAR OWN("1", "0", "0") "]}", "format",
            "massebank-candidates/1");
    refused("[1, 2", "candidates file", "is not valid JSON: line 1");
    refused("{\"format\": \"massebank-candidates/1\", \"extra\": 1, \"candidates\": [" NEAR
            OWN("1", "0", "0") "]}", "extra", "unknown field");
    /* Named by their place in the file, a non-object before them too. */
    refused(FILE_OF("1, " NEAR OWN("1", "0", "0") ", " NEAR OWN("2", "0", "0")),
            "candidates[2].id", "is candidates[1] too");
    refused(FILE_OF(STORAGE("lager\\u001b[31m", "63.41") OWN("1", "0", "0")),
            "candidates[0].id", "no control characters");
}

/* The mixed-integer program against every subset: random candidate
 * storage sites between and around the dig and the road (position,
 * capacity, yearly and opening cost), at most k of them; the MIP's
 * choice costs what the best subset costs, with a proven gap of 0. */
Test(siting, the_mip_finds_what_every_subset_finds)
{
    uint64_t seed = 20261207;
    int rounds_open = 0, rounds_closed = 0;
    for (int round = 0; round < 12; round++) {
        size_t n = 2 + (size_t)(mb_splitmix_next(&seed) % 3);
        char text[8192];
        size_t o = (size_t)snprintf(text, sizeof text,
                                    "{\"format\": \"massebank-candidates/1\", \"candidates\": [");
        for (size_t i = 0; i < n; i++) {
            double lat = 63.39 + (double)(mb_splitmix_next(&seed) % 1000) / 1000 * 0.2;
            double lon = 10.35 + (double)(mb_splitmix_next(&seed) % 1000) / 1000 * 0.1;
            double cap = 500 + (double)(mb_splitmix_next(&seed) % 5000);
            double year = (double)(mb_splitmix_next(&seed) % 400000);
            double opening = (double)(mb_splitmix_next(&seed) % 200000);
            o += (size_t)snprintf(text + o, sizeof text - o,
                "%s{\"id\": \"c%zu\", \"kind\": \"storage\", \"lat\": %.4f, \"lon\": %.4f, "
                "\"accepts\": [\"rock.*\"], \"capacity\": {\"value\": %.0f, \"unit\": \"t\"}, "
                "\"handling_nok_per_t\": 20, \"nok_per_year\": %.0f, \"opening_nok\": %.0f, "
                "\"co2_kg_per_year\": 100}", i ? ", " : "", i, lat, lon, cap, year, opening);
        }
        snprintf(text + o, sizeof text - o, "]}");
        struct mb_candidates c;
        parse(text, &c);
        int k = 1 + (int)(mb_splitmix_next(&seed) % n);
        struct mb_siting all, mip;
        struct mb_error err;
        double gap;
        cr_assert_eq(mb_siting_run(scenario, strlen(scenario), &c, k, &all, &err), 0, "%s",
                     err.message);
        cr_assert_eq(mb_siting_mip(scenario, strlen(scenario), &c, k, 60, &mip, &gap, &err), 0,
                     "%s", err.message);
        cr_assert_float_eq(gap, 0, 1e-12);
        cr_assert_float_eq(mip.value, all.value, 1e-6 * fabs(all.value) + 1e-6,
                           "round %d (%zu candidates, k %d): MIP %.3f, every subset %.3f",
                           round, n, k, mip.value, all.value);
        int opened = 0;
        for (size_t i = 0; i < n; i++)
            opened += mip.open[i];
        cr_assert_leq(opened, k);
        rounds_open += opened > 0;
        rounds_closed += opened < (int)n;
        mb_siting_release(&all);
        mb_siting_release(&mip);
        mb_candidates_release(&c);
    }
    cr_assert(rounds_open > 0 && rounds_closed > 0, "some open, some stay closed: %d %d",
              rounds_open, rounds_closed);
}

/* The section (mb_siting_json) says what the answer says: the storage
 * between open with its saving and break-even, the closed one with
 * neither, the totals with it and with none, and the saving's ranges
 * from paired draws around the central figure. */
Test(siting_json, the_section_carries_the_answer_and_its_ranges)
{
    struct mb_candidates c;
    parse("{\"format\": \"massebank-candidates/1\", \"candidates\": [" NEAR
          OWN("20000", "10000", "500") ", " FAR OWN("20000", "10000", "0") "]}", &c);
    struct mb_siting r;
    struct mb_error err;
    double gap;
    cr_assert_eq(mb_siting_mip(scenario, strlen(scenario), &c, 2, 60, &r, &gap, &err), 0, "%s",
                 err.message);
    json_t *o = mb_siting_json(&c, &r);
    json_t *s = json_object_get(o, "saving");
    cr_assert(json_is_null(json_object_get(s, "co2_kg_range")), "no ranges before they are drawn");
    json_decref(o);
    cr_assert_eq(mb_siting_ranges(scenario, strlen(scenario), &c, 200, 0, &r, &err), 0, "%s",
                 err.message);
    o = mb_siting_json(&c, &r);
    cr_assert_str_eq(json_string_value(json_object_get(o, "format")), "massebank-siting/1");
    cr_assert_str_eq(json_string_value(json_object_get(o, "method")), "mip");
    cr_assert_eq(json_integer_value(json_object_get(o, "max_open")), 2);
    cr_assert_eq(json_integer_value(json_object_get(o, "opened")), 1);
    cr_assert_float_eq(json_real_value(json_object_get(o, "gap")), 0, 1e-12);
    cr_assert_float_eq(json_real_value(json_object_get(o, "years")), 0.5, 1e-12);
    json_t *near = json_array_get(json_object_get(o, "candidates"), 0);
    json_t *far = json_array_get(json_object_get(o, "candidates"), 1);
    cr_assert_str_eq(json_string_value(json_object_get(near, "id")), "lager-midt");
    cr_assert_str_eq(json_string_value(json_object_get(near, "kind")), "storage");
    cr_assert_float_eq(json_number_value(json_object_get(near, "lat")), 63.41, 1e-12);
    cr_assert(json_is_true(json_object_get(near, "open")));
    cr_assert(json_is_false(json_object_get(far, "open")));
    double saving = json_real_value(json_object_get(near, "saving_nok"));
    cr_assert_float_eq(saving, r.value_none - r.value, 1e-3, "alone, its saving is the whole one");
    cr_assert_gt(saving, 0);
    /* 20 000 NOK a year, plus the saving over half a year */
    cr_assert_float_eq(json_real_value(json_object_get(near, "break_even_nok_per_year")),
                       20000 + saving / 0.5, 1e-3);
    cr_assert_float_eq(json_real_value(json_object_get(near, "own_nok")), 20000, 1e-9);
    cr_assert_float_eq(json_real_value(json_object_get(near, "own_co2_kg")), 250, 1e-9);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(near, "capacity"), "value")),
                 10000);
    cr_assert(json_is_null(json_object_get(far, "saving_nok")));
    cr_assert(json_is_null(json_object_get(far, "break_even_nok_per_year")));
    json_t *best = json_object_get(o, "best"), *none = json_object_get(o, "none");
    cr_assert_float_eq(json_real_value(json_object_get(best, "landfill_t")), 0, 1e-6);
    cr_assert_float_eq(json_real_value(json_object_get(none, "landfill_t")), 3000, 1e-6);
    cr_assert_gt(json_real_value(json_object_get(none, "truckloads")), 0);
    s = json_object_get(o, "saving");
    cr_assert_float_eq(json_real_value(json_object_get(s, "landfill_t")), 3000, 1e-6);
    cr_assert_float_eq(json_real_value(json_object_get(s, "value_nok")), saving, 1e-3);
    double co2 = json_real_value(json_object_get(s, "co2_kg"));
    cr_assert_float_eq(co2, r.none.co2_kg - r.best.co2_kg - 250, 1e-6, "its own CO2 counted");
    json_t *band = json_object_get(s, "co2_kg_range");
    double lo = json_real_value(json_object_get(band, "low"));
    double mid = json_real_value(json_object_get(band, "central"));
    double hi = json_real_value(json_object_get(band, "high"));
    cr_assert_float_eq(mid, co2, 1e-6, "the central draw is the plans' own figure");
    cr_assert(lo <= mid && mid <= hi, "%.1f %.1f %.1f", lo, mid, hi);
    cr_assert_lt(lo, hi, "the register's ranges move the saving: %.1f %.1f", lo, hi);
    cr_assert_eq(json_integer_value(json_object_get(s, "draws")), 200);
    /* Alone, the storage's own CO2 saving is the choice's, draw for draw. */
    json_t *each = json_object_get(near, "co2_saving_kg");
    cr_assert_float_eq(json_real_value(json_object_get(each, "low")), lo, 1e-6);
    cr_assert_float_eq(json_real_value(json_object_get(each, "central")), mid, 1e-6);
    cr_assert_float_eq(json_real_value(json_object_get(each, "high")), hi, 1e-6);
    cr_assert(json_is_null(json_object_get(far, "co2_saving_kg")));
    json_decref(o);
    mb_siting_release(&r);
    mb_candidates_release(&c);
}

/* The draws are paired: a choice that opens nothing is valued against
 * none under the same draw each time, so its saving is 0 on every draw,
 * not the spread of two independent runs. */
Test(siting_json, paired_draws_leave_no_spread_when_the_plans_are_the_same)
{
    struct mb_candidates c;
    parse("{\"format\": \"massebank-candidates/1\", \"candidates\": [" NEAR
          OWN("1e9", "0", "0") "]}", &c);
    struct mb_siting r;
    struct mb_error err;
    cr_assert_eq(mb_siting_run(scenario, strlen(scenario), &c, 1, &r, &err), 0, "%s",
                 err.message);
    cr_assert_not(r.open[0]);
    cr_assert_eq(mb_siting_ranges(scenario, strlen(scenario), &c, 200, 0, &r, &err), 0, "%s",
                 err.message);
    cr_assert_float_eq(r.co2_saving_kg.low, 0, 1e-9);
    cr_assert_float_eq(r.co2_saving_kg.high, 0, 1e-9);
    cr_assert_float_eq(r.cost_saving_nok.low, 0, 1e-9);
    cr_assert_float_eq(r.cost_saving_nok.high, 0, 1e-9);
    mb_siting_release(&r);
    mb_candidates_release(&c);
}

/* A candidate that costs nothing and brings nothing (far away, no use):
 * opening it ties with leaving it closed, and neither the MIP nor the
 * enumeration names it as a site to open. */
Test(siting, a_free_candidate_that_brings_nothing_stays_closed)
{
    struct mb_candidates c;
    parse("{\"format\": \"massebank-candidates/1\", \"candidates\": [" NEAR
          OWN("1000", "0", "0") ", " FAR OWN("0", "0", "0") "]}", &c);
    for (int mip = 0; mip < 2; mip++) {
        struct mb_siting r;
        struct mb_error err;
        double gap = 0;
        int rc = mip ? mb_siting_mip(scenario, strlen(scenario), &c, 2, 60, &r, &gap, &err)
                     : mb_siting_run(scenario, strlen(scenario), &c, 2, &r, &err);
        cr_assert_eq(rc, 0, "%s", err.message);
        cr_assert(r.open[0], "the storage between opens (%s)", mip ? "mip" : "enumerate");
        cr_assert_not(r.open[1], "the far free one stays closed (%s)", mip ? "mip" : "enumerate");
        mb_siting_release(&r);
    }
    mb_candidates_release(&c);
}
