/*
 * test_plan.c - the planning engine: hand-made cases with known answers,
 * agreement with an independent LP solver (glpsol on the written LP) on
 * hand-made and generated regions, and invariants every plan must keep.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/month.h"
#include "domain/unit.h"
#include "plan/demo.h"
#include "plan/gen.h"
#include "plan/model.h"
#include "report/plan_report.h"
#include "plan/plan.h"
#include "plan/scenario.h"
#include "support/tmpdir.h"

static void load_case(const char *name, struct mb_scenario *s)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/plan/cases/%s", getenv("MB_SOURCE_ROOT"), name);
    struct mb_problems p;
    int rc = mb_scenario_read(s, path, &p);
    cr_assert_eq(rc, 0, "%s: %s: %s", name, p.n ? p.items[0].path : "",
                 p.n ? p.items[0].message : "");
}

static void load_text(const char *json, struct mb_scenario *s)
{
    struct mb_problems p;
    int rc = mb_scenario_parse(s, json, strlen(json), &p);
    cr_assert_eq(rc, 0, "%s: %s", p.n ? p.items[0].path : "", p.n ? p.items[0].message : "");
}

/* Solve, optionally writing the LP to `lp_path`. */
static void solve(const struct mb_scenario *s, struct mb_plan *p, const char *lp_path,
                  int pricing)
{
    struct mb_plan_options opt = { 0 };
    opt.pricing = pricing;
    if (lp_path) {
        opt.write_lp = fopen(lp_path, "w");
        cr_assert_not_null(opt.write_lp);
    }
    struct mb_error err;
    cr_assert_eq(mb_plan_run(s, &opt, p, &err), 0, "%s", err.message);
    if (opt.write_lp)
        fclose(opt.write_lp);
}

/* Optimum found by glpsol for an LP file (its plain solution format keeps
 * full precision: line "s bas ROWS COLS PRIM DUAL OBJ"). */
static double glpsol_objective(const char *lp_path)
{
    char *sol = tmpfile_path("glpsol.sol");
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "glpsol --lp '%s' -w '%s' >/dev/null 2>&1", lp_path, sol);
    cr_assert_eq(system(cmd), 0, "glpsol failed on %s (is glpk-utils installed?)", lp_path);
    char *text = file_read(sol);
    cr_assert_not_null(text);
    double obj = NAN;
    for (char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        int r, c;
        char ps, ds;
        if (sscanf(line, "s bas %d %d %c %c %lf", &r, &c, &ps, &ds, &obj) == 5) {
            cr_assert_eq(ps, 'f', "glpsol: primal not feasible");
            cr_assert_eq(ds, 'f', "glpsol: dual not feasible (not optimal)");
            break;
        }
    }
    free(text);
    free(sol);
    cr_assert(isfinite(obj), "no objective in glpsol's solution");
    return obj;
}

static void agrees_with_glpsol(const struct mb_scenario *s, int pricing)
{
    char *lp = tmpfile_path("model.lp");
    struct mb_plan p;
    solve(s, &p, lp, pricing);
    double g = glpsol_objective(lp);
    cr_assert(fabs(p.solver_objective - g) <= 1e-7 * (1 + fabs(g)),
              "Clp %.10f vs glpsol %.10f", p.solver_objective, g);
    mb_plan_release(&p);
    free(lp);
}

static double flow_t(const struct mb_scenario *s, const struct mb_plan *p,
                     const char *from, const char *to, const char *month)
{
    double t = 0;
    for (size_t i = 0; i < p->nflows; i++) {
        const struct mb_flow *f = &p->flows[i];
        char m[8];
        mb_month_format(f->month, m);
        if ((!from || strcmp(s->sites[f->from].id, from) == 0) &&
            (!to || strcmp(s->sites[f->to].id, to) == 0) && (!month || strcmp(m, month) == 0))
            t += f->t;
    }
    return t;
}

Test(plan_cases, storage_bridges_a_time_gap)
{
    struct mb_scenario s;
    struct mb_plan p;
    load_case("storage-bridge.json", &s);
    solve(&s, &p, NULL, 0);
    cr_assert_float_eq(flow_t(&s, &p, "dig", "store", "2026-01"), 3000, 1e-6);
    cr_assert_float_eq(flow_t(&s, &p, "store", "road", "2026-04"), 3000, 1e-6);
    cr_assert_float_eq(p.totals.reused_t, 3000, 1e-6);
    cr_assert_float_eq(p.totals.landfill_t, 0, 1e-6);
    cr_assert_float_eq(p.totals.virgin_t, 0, 1e-6);
    /* Cost by hand: 2 x 1.11195 km x 2 NOK/tkm x 3000 t + handling 20 x 3000
     * + holding 1 NOK/t-month x 3000 t x 3 months (Jan, Feb, Mar ends). */
    double km = p.flows[0].km;
    cr_assert_float_eq(p.totals.cost_nok, 2 * km * 2 * 3000 + 20 * 3000 + 9000, 1e-6);
    /* Baseline: landfill the surplus, buy the need from the quarry. */
    cr_assert_float_eq(p.baseline.landfill_t, 3000, 1e-6);
    cr_assert_float_eq(p.baseline.virgin_t, 3000, 1e-6);
    cr_assert_float_eq(p.savings.landfill_t, 3000, 1e-6);
    mb_plan_release(&p);
    mb_scenario_release(&s);
}

Test(plan_cases, plant_turns_rock_into_aggregate)
{
    struct mb_scenario s;
    struct mb_plan p;
    load_case("plant-aggregate.json", &s);
    solve(&s, &p, NULL, 0);
    /* Each month: 1000 t arises, the plant takes its 800 t capacity and
     * makes 600 t 0/32 (all needed) and 200 t 20/120 (100 t needed). */
    for (int m = 1; m <= 3; m++) {
        char month[8];
        snprintf(month, sizeof month, "2026-%02d", m);
        cr_assert_float_eq(flow_t(&s, &p, "tunnel", "crusher", month), 800, 1e-6);
        cr_assert_float_eq(flow_t(&s, &p, "crusher", "base-course", month), 600, 1e-6);
        cr_assert_float_eq(flow_t(&s, &p, "crusher", "fill", month), 100, 1e-6);
        cr_assert_float_eq(flow_t(&s, &p, "crusher", "deponi", month), 100, 1e-6);
        cr_assert_float_eq(flow_t(&s, &p, "tunnel", "deponi", month), 200, 1e-6);
    }
    cr_assert_float_eq(p.totals.reused_t, 2100, 1e-6);
    cr_assert_float_eq(p.totals.virgin_t, 0, 1e-6);
    cr_assert_float_eq(p.baseline.virgin_t, 2100, 1e-6);
    mb_plan_release(&p);
    mb_scenario_release(&s);
}

Test(plan_cases, landfill_capacity_runs_out_each_year)
{
    struct mb_scenario s;
    struct mb_plan p;
    load_case("landfill-runs-out.json", &s);
    solve(&s, &p, NULL, 0);
    /* 2200 fm3 a year of moraine at 2.20 t/fm3 = 4840 t near, the rest
     * (6000 - 4840 = 1160 t each calendar year) goes far. */
    double near26 = 0, near27 = 0, far = 0;
    for (size_t i = 0; i < p.nflows; i++) {
        const struct mb_flow *f = &p.flows[i];
        if (strcmp(s.sites[f->to].id, "near") == 0 && mb_month_year(f->month) == 2026)
            near26 += f->t;
        else if (strcmp(s.sites[f->to].id, "near") == 0)
            near27 += f->t;
        else
            far += f->t;
    }
    cr_assert_float_eq(near26, 4840, 1e-6);
    cr_assert_float_eq(near27, 4840, 1e-6);
    cr_assert_float_eq(far, 2320, 1e-6);
    /* The greedy baseline does the same here. */
    cr_assert_float_eq(p.baseline.landfill_t, 12000, 1e-6);
    cr_assert_float_eq(p.baseline.cost_nok, p.totals.cost_nok, 1e-6);
    mb_plan_release(&p);
    mb_scenario_release(&s);
}

Test(plan_cases, classes_block_flows)
{
    struct mb_scenario s;
    struct mb_plan p;
    load_case("class-blocks.json", &s);
    solve(&s, &p, NULL, 0);
    cr_assert_float_eq(flow_t(&s, &p, "old-fill", "park", NULL), 0, 1e-9);
    cr_assert_float_eq(flow_t(&s, &p, "old-fill", "clean-deponi", NULL), 0, 1e-9);
    cr_assert_float_eq(flow_t(&s, &p, "old-fill", "industry", NULL), 500, 1e-6);
    cr_assert_float_eq(flow_t(&s, &p, "old-fill", "tk3-deponi", NULL), 1500, 1e-6);
    cr_assert_float_eq(flow_t(&s, &p, "pukkverk", "park", NULL), 2000, 1e-6);
    for (size_t i = 0; i < p.nflows; i++)
        cr_assert(p.flows[i].cls <= s.sites[p.flows[i].to].max_class || 
                  s.sites[p.flows[i].to].kind == MB_SITE_QUARRY);
    mb_plan_release(&p);
    mb_scenario_release(&s);
}

Test(plan_cases, a_source_with_nowhere_to_go_is_reported)
{
    struct mb_scenario s;
    struct mb_plan p;
    load_case("nowhere-to-go.json", &s);
    solve(&s, &p, NULL, 0);
    /* 1000 fm3 of quick clay at 1.85 t/fm3, over February and March. */
    cr_assert_float_eq(p.totals.unplaced_t, 1850, 1e-6);
    cr_assert_eq(p.nunplaced, 2);
    cr_assert_float_eq(p.unplaced[0].t, 925, 1e-6);
    cr_assert_float_eq(p.totals.unmet_t, 500, 1e-6, "no quarry offers gravel");
    cr_assert_eq(p.nflows, 0);
    cr_assert_float_eq(p.baseline.unplaced_t, 1850, 1e-6);
    cr_assert(s.sites[0].approximate, "placed by municipality");
    /* The plan JSON names them. */
    char *json = mb_report_plan_json(&s, &p);
    cr_assert(strstr(json, "\"unplaced\"") && strstr(json, "\"slide\""));
    free(json);
    mb_plan_release(&p);
    mb_scenario_release(&s);
}

/* Issue 14: alum shale goes only to the receiver approved for it, however
 * near and cheap the others are ("*" and "rock.*" leave it out, a need
 * can never take it); with that receiver full the rest stays unplaced. */
Test(plan_cases, acid_rock_only_to_an_approved_receiver)
{
    struct mb_scenario s;
    struct mb_plan p;
    load_case("acid-rock.json", &s);
    solve(&s, &p, NULL, 0);
    double to_approved = 0;
    for (size_t i = 0; i < p.nflows; i++) {
        cr_assert_str_eq(s.sites[p.flows[i].to].id, "approved", "acid rock sent to %s",
                         s.sites[p.flows[i].to].id);
        to_approved += p.flows[i].t;
    }
    /* the approved landfill takes 600 t in the year; 300 t are left */
    cr_assert_float_eq(to_approved, 600, 1e-6);
    cr_assert_float_eq(p.totals.unplaced_t, 300, 1e-6);
    /* and not sent to the landfill outside the region either: stranded */
    cr_assert_float_eq(p.totals.stranded_t, 300, 1e-6);
    cr_assert_float_eq(p.baseline.stranded_t, 300, 1e-6);
    mb_plan_release(&p);
    mb_scenario_release(&s);
    /* without the approved landfill it is all unplaced */
    static const char *const none =
        "{\"format\": \"massebank-scenario/1\", \"horizon\": {\"from\": \"2026-01\", "
        "\"to\": \"2026-01\"}, \"sites\": [{\"id\": \"a\", \"kind\": \"source\", \"lat\": "
        "59.9, \"lon\": 10.7, \"material\": \"rock.acid\", \"class\": 1, \"amount\": "
        "{\"value\": 100, \"unit\": \"t\"}, \"window\": {\"from\": \"2026-01\", \"to\": "
        "\"2026-01\"}}, {\"id\": \"b\", \"kind\": \"landfill\", \"lat\": 59.9, \"lon\": 10.71, "
        "\"accepts\": [\"*\"], \"capacity_per_year\": {\"value\": 100000, \"unit\": \"t\"}}]}";
    load_text(none, &s);
    solve(&s, &p, NULL, 0);
    cr_assert_eq(p.nflows, 0);
    cr_assert_float_eq(p.totals.unplaced_t, 100, 1e-6);
    cr_assert_float_eq(p.totals.stranded_t, 100, 1e-6);
    mb_plan_release(&p);
    mb_scenario_release(&s);
}

Test(plan_glpsol, hand_made_cases_agree)
{
    static const char *const cases[] = { "storage-bridge.json", "plant-aggregate.json",
        "landfill-runs-out.json", "class-blocks.json", "nowhere-to-go.json",
        "acid-rock.json" };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct mb_scenario s;
        load_case(cases[i], &s);
        agrees_with_glpsol(&s, 0);
        mb_scenario_release(&s);
    }
}

/* Every plan keeps these, whatever the instance. */
static void check_invariants(const struct mb_scenario *s, const struct mb_plan *p)
{
    double *out = calloc(s->nsites, sizeof *out), *in = calloc(s->nsites, sizeof *in);
    for (size_t i = 0; i < p->nflows; i++) {
        const struct mb_flow *f = &p->flows[i];
        const struct mb_site *a = &s->sites[f->from], *b = &s->sites[f->to];
        out[f->from] += f->t;
        in[f->to] += f->t;
        cr_assert(f->month >= a->from && f->month <= a->to, "sender inactive");
        cr_assert(f->month >= b->from && f->month <= b->to, "receiver inactive");
        cr_assert(b->accepts[f->material], "%s does not take %s", b->id,
                  s->catalog.items[f->material].code);
        cr_assert(f->cls <= b->max_class, "class %d to %s (max %d)", f->cls, b->id,
                  b->max_class);
        cr_assert(f->km <= s->transport.max_km + 1e-9);
        if (a->kind == MB_SITE_SOURCE)
            cr_assert(f->material == a->material && f->cls == a->cls);
    }
    for (size_t i = 0; i < p->nunplaced; i++)
        out[p->unplaced[i].site] += p->unplaced[i].t;
    for (size_t i = 0; i < p->nunmet; i++)
        in[p->unmet[i].site] += p->unmet[i].t;
    for (size_t i = 0; i < s->nsites; i++) {
        const struct mb_site *x = &s->sites[i];
        double tol = 1e-6 * (1 + x->amount_t);
        if (x->kind == MB_SITE_SOURCE)
            cr_assert(fabs(out[i] - x->amount_t) <= tol, "%s: %f of %f t leave", x->id,
                      out[i], x->amount_t);
        if (x->kind == MB_SITE_NEED)
            cr_assert(fabs(in[i] - x->amount_t) <= tol, "%s: %f of %f t arrive", x->id,
                      in[i], x->amount_t);
        if (x->kind == MB_SITE_STORAGE)
            cr_assert(fabs(in[i] - out[i]) <= 1e-6 * (1 + in[i]), "%s ends with stock", x->id);
    }
    /* Landfill capacity per calendar year, in its own unit. */
    for (size_t i = 0; i < s->nsites; i++) {
        const struct mb_site *x = &s->sites[i];
        if (x->kind != MB_SITE_LANDFILL)
            continue;
        for (int y = mb_month_year(s->from); y <= mb_month_year(s->to); y++) {
            double cap = mb_site_year_capacity(s, x, y);
            if (cap < 0)
                continue;
            double used = 0;
            for (size_t k = 0; k < p->nflows; k++)
                if (p->flows[k].to == i && mb_month_year(p->flows[k].month) == y)
                    used += p->flows[k].t *
                            mb_capacity_weight(s, &x->capacity, p->flows[k].material);
            cr_assert(used <= cap * (1 + 1e-7) + 1e-6, "%s %d: %f > %f", x->id, y, used,
                      cap);
        }
    }
    /* The baseline is a feasible plan too, so the optimum is no worse. */
    double base = p->baseline.objective + MB_PENALTY_NOK_PER_T * p->baseline.stranded_t;
    cr_assert(p->solver_objective <= base * (1 + 1e-9) + 1e-6, "plan %f worse than baseline %f",
              p->solver_objective, base);
    /* The reported objective is the solver's: masses sent out of the
     * region are valued, not penalised. */
    double mine = p->totals.objective + MB_PENALTY_NOK_PER_T * p->totals.stranded_t;
    cr_assert(fabs(mine - p->solver_objective) <= 1e-7 * (1 + fabs(mine)), "%f vs %f", mine,
              p->solver_objective);
    free(in);
    free(out);
}

static void generated(uint64_t seed, int listings, int months, bool transport_only,
                      struct mb_scenario *s)
{
    struct mb_gen_options o = { .seed = seed };
    struct mb_error err;
    cr_assert_eq(mb_gen_preset("small", &o, &err), 0);
    o.listings = listings;
    o.months = months;
    o.transport_only = transport_only;
    char *json = mb_gen_scenario(&o);
    load_text(json, s);
    free(json);
}

Test(plan_glpsol, generated_regions_agree_and_keep_invariants, .timeout = 600)
{
    for (uint64_t seed = 1; seed <= 12; seed++) {
        struct mb_scenario s;
        generated(seed, 20 + (int)seed * 5, 6 + (int)(seed % 4) * 3, seed % 3 == 0, &s);
        agrees_with_glpsol(&s, 0);
        struct mb_plan p;
        solve(&s, &p, NULL, 0);
        check_invariants(&s, &p);
        mb_plan_release(&p);
        mb_scenario_release(&s);
    }
}

Test(plan_glpsol, pricing_finds_the_same_optimum, .timeout = 600)
{
    /* Column generation must reach the optimum of the whole LP. */
    for (uint64_t seed = 21; seed <= 24; seed++) {
        struct mb_scenario s;
        generated(seed, 120, 12, false, &s);
        struct mb_plan full, priced;
        solve(&s, &full, NULL, 1);
        solve(&s, &priced, NULL, 2);
        cr_assert(fabs(full.solver_objective - priced.solver_objective) <=
                  1e-7 * (1 + fabs(full.solver_objective)), "seed %llu: %f vs %f",
                  (unsigned long long)seed, full.solver_objective, priced.solver_objective);
        check_invariants(&s, &priced);
        agrees_with_glpsol(&s, 2);
        mb_plan_release(&full);
        mb_plan_release(&priced);
        mb_scenario_release(&s);
    }
}

Test(plan_glpsol, independent_regions_solved_apart_agree, .timeout = 600)
{
    /* Sites around several Norwegian cities, max_km 60: regions no haul
     * connects are solved one by one; the sum must be the whole optimum. */
    for (uint64_t seed = 31; seed <= 33; seed++) {
        struct mb_gen_options o = { .seed = seed };
        struct mb_error err;
        cr_assert_eq(mb_gen_preset("national", &o, &err), 0);
        o.listings = 150;
        o.landfills = 20;
        o.storages = 4;
        o.plants = 3;
        o.quarries = 10;
        o.months = 12;
        char *json = mb_gen_scenario(&o);
        struct mb_scenario s;
        load_text(json, &s);
        free(json);
        struct mb_plan p;
        solve(&s, &p, NULL, 0);
        cr_assert_gt(p.components, 1, "seed %llu: one region only", (unsigned long long)seed);
        check_invariants(&s, &p);
        mb_plan_release(&p);
        agrees_with_glpsol(&s, 0);
        agrees_with_glpsol(&s, 2);
        mb_scenario_release(&s);
    }
}

Test(plan_gen, same_seed_same_scenario)
{
    struct mb_gen_options a = { .seed = 7 }, b = { .seed = 7 }, c = { .seed = 8 };
    struct mb_error err;
    mb_gen_preset("trondheim", &a, &err);
    mb_gen_preset("trondheim", &b, &err);
    mb_gen_preset("trondheim", &c, &err);
    a.listings = b.listings = c.listings = 50;
    char *x = mb_gen_scenario(&a), *y = mb_gen_scenario(&b), *z = mb_gen_scenario(&c);
    cr_assert_str_eq(x, y);
    cr_assert_str_neq(x, z);
    struct mb_scenario s;
    load_text(x, &s);
    cr_assert_eq(s.nsites, 50 + 15 + 3 + 2 + 4);
    cr_assert_eq(mb_scenario_months(&s), 72);
    mb_scenario_release(&s);
    free(x);
    free(y);
    free(z);
    cr_assert_neq(mb_gen_preset("galaxy", &a, &err), 0);
}

/* The number written right after `marker` in a doc ("3,264", "43,921.5",
 * "5,712,466,773,880"): commas dropped. Fails the test when the doc has
 * no such marker. */
static double doc_number(const char *doc, const char *name, const char *marker)
{
    const char *at = strstr(doc, marker);
    cr_assert_not_null(at, "%s no longer says \"%s\"", name, marker);
    at += strlen(marker);
    while (*at == ' ' || *at == '\n' || *at == '(')
        at++;
    char buf[64];
    size_t n = 0;
    for (; *at && n + 1 < sizeof buf; at++) {
        if (*at == ',' && at[1] >= '0' && at[1] <= '9')
            continue;
        if (!((*at >= '0' && *at <= '9') || *at == '.' || *at == '-'))
            break;
        buf[n++] = *at;
    }
    buf[n] = '\0';
    cr_assert_gt(n, 0, "%s: no number after \"%s\"", name, marker);
    return strtod(buf, NULL);
}

static char *doc_read(const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", getenv("MB_SOURCE_ROOT"), rel);
    char *text = file_read(path);
    cr_assert_not_null(text, "cannot read %s", path);
    return text;
}

/* Figures the docs quote from the demo come from the engine: model size,
 * the optimum glpsol must agree with, and the CO2 saving with its range. */
static void docs_quote_the_demo(const struct mb_scenario *s, const struct mb_plan *p)
{
    char *pm = doc_read("docs/planning-model.md"), *dr = doc_read("docs/demo-region.md"),
         *cm = doc_read("docs/climate-method.md");
    const char *PM = "docs/planning-model.md", *DR = "docs/demo-region.md",
               *CM = "docs/climate-method.md";
    cr_assert_eq(doc_number(pm, PM, "Model size for the demo region ("), (double)s->nsites);
    cr_assert_eq(doc_number(pm, PM, "sites, 72 months):"), (double)p->rows);
    cr_assert_eq(doc_number(pm, PM, "rows,"), (double)p->cols);
    cr_assert_eq(doc_number(pm, PM, "columns,"), (double)p->nonzeros);
    cr_assert_eq(doc_number(dr, DR, "reports the model:"), (double)p->rows);
    double obj = doc_number(pm, PM, "For the demo region both give");
    cr_assert(fabs(obj - p->solver_objective) <= 1.0 + 1e-9 * fabs(obj),
              "%s says %.0f, the engine %.0f", PM, obj, p->solver_objective);
    const struct mb_band *c = &p->uncertainty.saving[MB_M_CO2];
    cr_assert_float_eq(doc_number(cm, CM, "CO2e (t)"), c->central / 1e3, 0.051);
    cr_assert_float_eq(doc_number(dr, DR, "CO2 falls by"), c->central / 1e3, 0.51);
    cr_assert_float_eq(doc_number(dr, DR, "(5th-95th percentile"), c->low / 1e3, 0.51);
    cr_assert_float_eq(doc_number(cm, CM, "truckloads  "), p->savings.truckloads, 0.51);
    free(pm);
    free(dr);
    free(cm);
}

Test(plan_demo, shipped_demo_matches_generator_and_places_everything, .timeout = 120)
{
    struct mb_error err;
    char *json = mb_demo_trondheim(&err);
    cr_assert_not_null(json, "%s", err.message);
    char path[1024];
    snprintf(path, sizeof path, "%s/data/demo/trondheim.json", getenv("MB_SOURCE_ROOT"));
    char *shipped = file_read(path);
    cr_assert_not_null(shipped, "%s missing", path);
    /* The shipped file is `massebank demo --scenario` (plus a newline). */
    cr_assert_eq(strncmp(shipped, json, strlen(json)), 0,
                 "data/demo/trondheim.json is stale: regenerate it with "
                 "'massebank demo --scenario > data/demo/trondheim.json'");
    struct mb_scenario s;
    load_text(json, &s);
    struct mb_plan p;
    solve(&s, &p, NULL, 0);
    check_invariants(&s, &p);
    /* With the region's own expected capacity per year (the IKAP sum row,
     * in placed m3), today's practice runs out of landfill capacity, and
     * so does the plan, later and with less to send out of the region;
     * it buys less virgin material and emits less CO2. */
    cr_assert_gt(p.baseline.unplaced_t, 0);
    cr_assert_gt(p.totals.unplaced_t, 0);
    cr_assert_lt(p.totals.unplaced_t, p.baseline.unplaced_t);
    for (size_t i = 0; i < s.nsites; i++)
        if (s.sites[i].kind == MB_SITE_LANDFILL) {
            cr_assert_not_null(s.sites[i].cap_year, "%s has no yearly capacity", s.sites[i].id);
            cr_assert_eq(s.sites[i].capacity.unit, MB_UNIT_PM3);
        }
    cr_assert_gt(p.savings.virgin_t, 0);
    cr_assert_gt(p.savings.co2_kg, 0);
    /* Indre Fosen's sites carry the fjord detour. */
    bool fosen = false;
    for (size_t i = 0; i < s.nsites; i++)
        if (strcmp(s.sites[i].municipality, "5054") == 0) {
            cr_assert_float_eq(s.sites[i].detour, 2.5, 1e-12, "%s", s.sites[i].id);
            fosen = true;
        }
    cr_assert(fosen);
    docs_quote_the_demo(&s, &p);
    mb_plan_release(&p);
    mb_scenario_release(&s);
    free(shipped);
    free(json);
}

/* Re-plan the Bærum scenario with one change and return the CO2 saved. */
static double baerum_saving(json_t *doc)
{
    char *text = json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(17));
    struct mb_scenario s;
    load_text(text, &s);
    struct mb_plan p;
    solve(&s, &p, NULL, 0);
    double saved = p.savings.co2_kg;
    mb_plan_release(&p);
    mb_scenario_release(&s);
    free(text);
    return saved;
}

/* The Bærum estimate: the shipped file is the generator's, and each lever
 * the note names ("it would hold if ...") does give 300,000 t when the
 * scenario is planned again with that one change. */
Test(plan_demo, baerum_estimate_and_what_the_claim_needs, .timeout = 120)
{
    struct mb_error err;
    char *json = mb_demo_baerum(&err);
    cr_assert_not_null(json, "%s", err.message);
    char path[1024];
    snprintf(path, sizeof path, "%s/data/demo/baerum.json", getenv("MB_SOURCE_ROOT"));
    char *shipped = file_read(path);
    cr_assert_not_null(shipped);
    cr_assert_eq(strncmp(shipped, json, strlen(json)), 0, "data/demo/baerum.json is stale: "
                 "'massebank demo --region baerum --scenario > data/demo/baerum.json'");
    struct mb_scenario s;
    load_text(json, &s);
    struct mb_plan p;
    solve(&s, &p, NULL, 0);
    check_invariants(&s, &p);
    struct mb_claim c;
    mb_demo_baerum_claim(&s, &p, &c);
    cr_assert_gt(c.saving_kg, 0);
    cr_assert_float_eq(c.per_t_needed * c.reused_t, 300e6, 1e-3);
    cr_assert_gt(c.landfill_km_needed, c.landfill_km);
    mb_plan_release(&p);
    mb_scenario_release(&s);
    /* Today's landfills at the distance the note names. */
    json_t *doc = json_loads(json, 0, NULL);
    json_t *d;
    size_t i;
    json_array_foreach(json_object_get(json_object_get(doc, "transport"), "distances"), i, d)
        if (strcmp(json_string_value(json_object_get(d, "to")), "deponi") == 0 &&
            strcmp(json_string_value(json_object_get(d, "from")), "steinskogen") != 0)
            json_object_set_new(d, "km", json_real(c.landfill_km_needed));
    cr_assert_float_eq(baerum_saving(doc), 300e6, 300e6 * 0.005);
    json_decref(doc);
    /* Or virgin aggregate at the production factor the note names. */
    doc = json_loads(json, 0, NULL);
    json_object_set_new(doc, "factors", json_pack("{s:f}", "production.crushed_kg_per_t",
                                                  c.production_needed));
    cr_assert_float_eq(baerum_saving(doc), 300e6, 300e6 * 0.005);
    json_decref(doc);
    free(shipped);
    free(json);
}
