/*
 * test_whatif.c - what-if planning (plan/whatif.h): a region planned
 * once, then changed at random one listing at a time (resized, moved,
 * withdrawn, shifted, added beside another, a landfill closing), each
 * change planned warm from the kept basis and cold from nothing; the two
 * optima must agree to 1e-7. The warm plans must really start warm: most
 * rows and columns are found by name.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "plan/gen.h"
#include "plan/plan.h"
#include "plan/whatif.h"

static int plan_doc(json_t *doc, struct mb_whatif *w, struct mb_plan *plan)
{
    char *text = mb_xjson_dumps(doc, JSON_COMPACT);
    struct mb_scenario s;
    struct mb_problems probs;
    int rc = mb_scenario_parse(&s, text, strlen(text), &probs);
    if (rc)
        cr_log_error("scenario refused: %s: %s", probs.n ? probs.items[0].path : "",
                     probs.n ? probs.items[0].message : "");
    mb_problems_release(&probs);
    free(text);
    if (rc)
        return rc;
    struct mb_plan_options opt = { 0 };
    opt.draws = -1;
    opt.whatif = w;
    struct mb_error err;
    mb_error_clear(&err);
    rc = mb_plan_run(&s, &opt, plan, &err);
    if (rc)
        cr_log_error("plan failed: %s: %s", err.field, err.message);
    mb_scenario_release(&s);
    return rc;
}

/* n random changes to the generated region, each planned warm and cold. */
static void changes(const struct mb_gen_options *o, int n, uint64_t seed)
{
    char *text = mb_gen_scenario(o);
    json_error_t jerr;
    json_t *doc = json_loads(text, 0, &jerr);
    free(text);
    cr_assert_not_null(doc);
    struct mb_whatif w;
    mb_whatif_init(&w);
    struct mb_plan p;
    cr_assert_eq(plan_doc(doc, &w, &p), 0);
    cr_assert_eq(p.warm_matched, 0, "the first plan starts cold");
    mb_plan_release(&p);
    cr_assert_gt(w.n, 0, "the basis is kept");
    uint64_t rng = seed;
    int kinds[6] = { 0 };
    size_t matched = 0, rows = 0;
    int deltas = 0;
    for (int k = 0; k < n; k++) {
        char what[160];
        cr_assert_eq(mb_gen_change(doc, &rng, what, sizeof what), 0);
        kinds[strstr(what, "resized") ? 0 : strstr(what, "moved") ? 1
              : strstr(what, "withdrawn") ? 2 : strstr(what, "shifted") ? 3
              : strstr(what, "beside") ? 4 : 5]++;
        struct mb_plan warm, cold;
        cr_assert_eq(plan_doc(doc, &w, &warm), 0, "change %d: %s", k + 1, what);
        cr_assert_eq(plan_doc(doc, NULL, &cold), 0, "change %d: %s", k + 1, what);
        double a = warm.solver_objective, b = cold.solver_objective;
        cr_assert_leq(fabs(a - b), 1e-7 * fmax(1.0, fabs(b)),
                      "change %d (%s): warm %.10g, cold %.10g", k + 1, what, a, b);
        cr_assert_leq(fabs(warm.totals.landfill_t - cold.totals.landfill_t) +
                          fabs(warm.totals.unplaced_t - cold.totals.unplaced_t),
                      1e-4 * fmax(1.0, cold.totals.landfill_t) + 1e-3,
                      "change %d (%s): landfill %.3f vs %.3f", k + 1, what,
                      warm.totals.landfill_t, cold.totals.landfill_t);
        matched += warm.warm_matched;
        deltas += warm.delta_model;
        rows += warm.rows;
        mb_plan_release(&warm);
        mb_plan_release(&cold);
    }
    for (int k = 0; k < 6; k++)
        cr_assert_gt(kinds[k], 0, "every kind of change is drawn (kind %d)", k);
    /* Every change touches one site: each model is built from the last
     * (unless a change brings a commodity the region did not have). */
    cr_assert_geq(deltas, n * 9 / 10, "%d of %d models built from the last", deltas, n);
    /* Kept statuses are the basic columns, those at an upper bound and the
     * rows whose slack is not basic: about a row's worth per row. */
    cr_assert_gt(matched, rows / 2, "the warm plans found %zu of about %zu statuses by name",
                 matched, rows);
    json_decref(doc);
    mb_whatif_release(&w);
}

Test(whatif, hundred_changes_small_region, .timeout = 600)
{
    struct mb_gen_options o;
    cr_assert_eq(mb_gen_preset("small", &o, NULL), 0);
    o.seed = 7;
    changes(&o, 100, 11);
}

/* 400 listings over two years (about 11,000 columns): the warm path
 * prices columns into a working set from the kept basis, the cold one
 * hands Clp's dual simplex the whole LP: two ways to the same optimum. */
Test(whatif, hundred_changes_with_pricing, .timeout = 900)
{
    struct mb_gen_options o;
    cr_assert_eq(mb_gen_preset("small", &o, NULL), 0);
    o.seed = 3;
    o.listings = 400;
    o.months = 24;
    changes(&o, 100, 5);
}

/* A basis from another region is only a poor start, never a wrong answer. */
Test(whatif, unrelated_basis_still_exact)
{
    struct mb_gen_options o;
    cr_assert_eq(mb_gen_preset("small", &o, NULL), 0);
    o.seed = 1;
    char *a = mb_gen_scenario(&o);
    o.seed = 2;
    char *b = mb_gen_scenario(&o);
    json_t *da = json_loads(a, 0, NULL), *db = json_loads(b, 0, NULL);
    free(a);
    free(b);
    struct mb_whatif w;
    mb_whatif_init(&w);
    struct mb_plan p, warm, cold;
    cr_assert_eq(plan_doc(da, &w, &p), 0);
    mb_plan_release(&p);
    cr_assert_eq(plan_doc(db, &w, &warm), 0);
    cr_assert_eq(plan_doc(db, NULL, &cold), 0);
    cr_assert_leq(fabs(warm.solver_objective - cold.solver_objective),
                  1e-7 * fmax(1.0, fabs(cold.solver_objective)));
    mb_plan_release(&warm);
    mb_plan_release(&cold);
    json_decref(da);
    json_decref(db);
    mb_whatif_release(&w);
}

/* Edits that touch what a site's fingerprint must see, one after the
 * other on a small region with a distance table: each warm plan equals a
 * cold one, and the model is built from the last one unless the edit
 * brings a new commodity. */
#define EDIT_SCENARIO "{\"format\": \"massebank-scenario/1\", \"horizon\": {\"from\": " \
    "\"2026-01\", \"to\": \"2027-12\"}, \"co2_price_nok_per_t\": 2000, \"transport\": " \
    "{\"distances\": [{\"from\": \"s1\", \"to\": \"lf\", \"km\": 14}, {\"from\": \"s2\", " \
    "\"to\": \"n1\", \"km\": 9}]}, \"sites\": [" \
    "{\"id\": \"s1\", \"kind\": \"source\", \"lat\": 63.40, \"lon\": 10.40, \"material\": " \
    "\"rock.blasted\", \"class\": 1, \"amount\": {\"value\": 9000, \"unit\": \"t\"}, " \
    "\"window\": {\"from\": \"2026-01\", \"to\": \"2026-06\"}}, " \
    "{\"id\": \"s2\", \"kind\": \"source\", \"lat\": 63.43, \"lon\": 10.45, \"material\": " \
    "\"rock.blasted\", \"class\": 1, \"amount\": {\"value\": 5000, \"unit\": \"t\"}, " \
    "\"window\": {\"from\": \"2026-03\", \"to\": \"2026-09\"}}, " \
    "{\"id\": \"n1\", \"kind\": \"need\", \"lat\": 63.41, \"lon\": 10.50, \"material\": " \
    "\"rock.blasted\", \"amount\": {\"value\": 6000, \"unit\": \"t\"}, \"window\": {\"from\": " \
    "\"2026-04\", \"to\": \"2026-08\"}}, " \
    "{\"id\": \"lf\", \"kind\": \"landfill\", \"lat\": 63.50, \"lon\": 10.40, \"accepts\": " \
    "[\"*\"], \"capacity_per_year\": {\"value\": 8000, \"unit\": \"t\"}, " \
    "\"gate_fee_nok_per_t\": 150}, " \
    "{\"id\": \"lf2\", \"kind\": \"landfill\", \"lat\": 63.30, \"lon\": 10.60, \"accepts\": " \
    "[\"*\"], \"capacity_per_year\": {\"value\": 50000, \"unit\": \"t\"}, " \
    "\"gate_fee_nok_per_t\": 190}, " \
    "{\"id\": \"q\", \"kind\": \"quarry\", \"lat\": 63.35, \"lon\": 10.30, \"offers\": " \
    "[\"rock.blasted\"], \"price_nok_per_t\": 120}]}"

static json_t *site_of(json_t *doc, const char *id)
{
    json_t *sites = json_object_get(doc, "sites");
    for (size_t i = 0; i < json_array_size(sites); i++)
        if (strcmp(json_string_value(json_object_get(json_array_get(sites, i), "id")), id) == 0)
            return json_array_get(sites, i);
    return NULL;
}

Test(whatif, edits_a_fingerprint_must_see)
{
    json_t *doc = json_loads(EDIT_SCENARIO, 0, NULL);
    cr_assert_not_null(doc);
    struct mb_whatif w;
    mb_whatif_init(&w);
    struct mb_plan p;
    cr_assert_eq(plan_doc(doc, &w, &p), 0);
    mb_plan_release(&p);
    json_t *dist = json_object_get(json_object_get(doc, "transport"), "distances");
    for (int k = 0; k < 6; k++) {
        const char *what = "";
        bool new_commodity = false;
        switch (k) {
        case 0: /* a distance between two unchanged sites gets longer */
            json_object_set_new(json_array_get(dist, 0), "km", json_real(40));
            what = "distance";
            break;
        case 1: /* a landfill's room in one year */
            json_object_set_new(site_of(doc, "lf"), "capacity_by_year",
                                json_pack("{s:s,s:f}", "unit", "t", "2026", 1000.0));
            what = "capacity_by_year";
            break;
        case 2: { /* the same id, another kind: the need becomes a surplus */
            json_t *n1 = site_of(doc, "n1");
            json_object_set_new(n1, "kind", json_string("source"));
            json_object_set_new(n1, "class", json_integer(1));
            json_object_del(n1, "accepts");
            what = "kind";
            break;
        }
        case 3: /* a surplus of a material the region had none of */
            json_object_set_new(site_of(doc, "s2"), "material", json_string("soil.clay"));
            what = "new commodity";
            new_commodity = true;
            break;
        case 4: /* and back: the commodity goes again */
            json_object_set_new(site_of(doc, "s2"), "material", json_string("rock.blasted"));
            what = "commodity gone";
            new_commodity = true;
            break;
        default: /* a gate fee */
            json_object_set_new(site_of(doc, "lf2"), "gate_fee_nok_per_t", json_real(90));
            what = "fee";
            break;
        }
        struct mb_plan warm, cold;
        cr_assert_eq(plan_doc(doc, &w, &warm), 0, "%s", what);
        cr_assert_eq(plan_doc(doc, NULL, &cold), 0, "%s", what);
        cr_assert_leq(fabs(warm.solver_objective - cold.solver_objective),
                      1e-7 * fmax(1.0, fabs(cold.solver_objective)), "%s: warm %.10g, cold %.10g",
                      what, warm.solver_objective, cold.solver_objective);
        cr_assert_eq(warm.delta_model, !new_commodity, "%s: built from the last model: %d", what,
                     warm.delta_model);
        cr_assert_eq(warm.rows, cold.rows, "%s", what);
        cr_assert_eq(warm.cols, cold.cols, "%s", what);
        mb_plan_release(&warm);
        mb_plan_release(&cold);
    }
    json_decref(doc);
    mb_whatif_release(&w);
}
