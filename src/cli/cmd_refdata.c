/*
 * cmd_refdata.c - `massebank refdata` (load and check the Trondheim
 * reference tables) and `massebank demo` (the main job until the server
 * exists: the region's figures and a tour of the commands).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/material.h"
#include "domain/municipality.h"
#include "domain/quality.h"
#include "domain/refdata.h"
#include "domain/refdata_json.h"
#include "domain/unit.h"
#include "plan/demo.h"
#include "plan/plan.h"
#include "plan/scenario.h"

static int load(const char *dir, struct mb_municipalities *mu, struct mb_refdata *r,
                struct mb_error *err)
{
    if (mb_municipalities_init(mu, err))
        return err->code;
    if (mb_refdata_load(r, dir, mu, err)) {
        mb_municipalities_release(mu);
        return err->code;
    }
    return 0;
}

static void print_report(const struct mb_refdata *r)
{
    printf("Trondheim region reference data\n\nLandfills for clean masses (IKAP):\n");
    printf("  %-24s %-12s %12s %12s  %s\n", "name", "municipality", "m3/year",
           "to 2030", "status");
    double yearly = 0;
    for (size_t i = 0; i < r->nlandfills; i++) {
        const struct mb_ref_landfill *l = &r->landfills[i];
        yearly += l->yearly_m3;
        printf("  ");
        cli_pad(stdout, l->name, 25);
        cli_pad(stdout, l->muni ? l->muni->name
                                : l->municipality[0] ? l->municipality : "-", 12);
        printf(" %12.0f %12.0f  %s\n", l->yearly_m3, l->sum_to_2030_m3, l->status);
    }
    printf("  %-37s %12.0f\n\nExpected landfill capacity in operation:\n", "sum",
           yearly);
    for (size_t i = 0; i < r->nyears; i++)
        printf("  %d %10.0f m3\n", r->years[i].year, r->years[i].capacity_m3);
    double total = 0;
    printf("\nClean surplus delivered to landfill in 2020 (MEF):\n");
    for (size_t i = 0; i < r->nsurplus; i++) {
        total += r->surplus[i].landfill_m3;
        printf("  ");
        cli_pad(stdout, r->surplus[i].muni->name, 17);
        printf("%s %10.0f m3\n", r->surplus[i].muni->code, r->surplus[i].landfill_m3);
    }
    printf("  %-21s %10.0f m3\n", "sum", total);
    printf("\nFindings (%zu warnings, %zu notes):\n",
           mb_refdata_count(r, MB_FINDING_WARNING), mb_refdata_count(r, MB_FINDING_INFO));
    for (size_t i = 0; i < r->nfindings; i++) {
        const struct mb_finding *f = &r->findings[i];
        if (f->line)
            printf("  %s %s line %zu: %s\n", f->level ? "WARNING" : "note   ", f->table,
                   f->line, f->message);
        else
            printf("  %s %s: %s\n", f->level ? "WARNING" : "note   ", f->table,
                   f->message);
    }
}

int cmd_refdata(int argc, char **argv)
{
    const char *dir = NULL;
    bool json = false, strict = false;
    for (int i = 1; i < argc; i++) {
        int m = cli_opt_value(argc, argv, &i, "--dir", &dir, "refdata");
        if (m < 0)
            return EXIT_USAGE;
        if (m)
            continue;
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (strcmp(argv[i], "--strict") == 0)
            strict = true;
        else
            return cli_usage("refdata", "unknown argument '%s'", argv[i]);
    }
    struct mb_error err;
    mb_error_clear(&err);
    struct mb_municipalities mu;
    struct mb_refdata r;
    if (load(dir, &mu, &r, &err))
        return cli_fail(&err);
    if (json) {
        json_t *j = mb_refdata_json(&r);
        cli_print_json(stdout, j);
        json_decref(j);
    } else {
        print_report(&r);
    }
    int rc = strict && mb_refdata_count(&r, MB_FINDING_WARNING) ? EXIT_REFUSED : 0;
    mb_refdata_release(&r);
    mb_municipalities_release(&mu);
    return rc;
}

/* The demo plan: the Trondheim region's scenario solved and compared with
 * today's practice. */
static int demo_plan(struct mb_error *err)
{
    char *json = mb_demo_trondheim(err);
    if (!json)
        return err->code;
    struct mb_scenario s;
    struct mb_problems probs;
    int rc = mb_scenario_parse(&s, json, strlen(json), &probs);
    free(json);
    if (rc) {
        mb_error_set(err, MB_EDATA, "demo", "the demo scenario is invalid: %s: %s",
                     probs.n ? probs.items[0].path : "", probs.n ? probs.items[0].message : "");
        mb_problems_release(&probs);
        return MB_EDATA;
    }
    struct mb_plan plan;
    rc = mb_plan_run(&s, NULL, &plan, err);
    if (rc == 0) {
        const struct mb_totals *t = &plan.totals, *b = &plan.baseline;
        printf("\nDemo plan, %s (%zu sites, %d months, solved in %.2f s):\n", s.name,
               s.nsites, plan.nmonths, plan.build_seconds + plan.solve_seconds);
        printf("  %-26s %14s %14s %14s\n", "", "plan", "today", "saved");
        printf("  %-26s %14.0f %14.0f %14.0f\n", "to landfill (fm3)", t->landfill_fm3,
               b->landfill_fm3, b->landfill_fm3 - t->landfill_fm3);
        printf("  %-26s %14.0f %14.0f %14.0f\n", "virgin material (t)", t->virgin_t,
               b->virgin_t, b->virgin_t - t->virgin_t);
        printf("  %-26s %14.0f %14.0f %14.0f\n", "CO2 (t)", t->co2_kg / 1e3,
               b->co2_kg / 1e3, (b->co2_kg - t->co2_kg) / 1e3);
        printf("  %-26s %14.0f %14.0f %14.0f\n", "truckloads", t->truckloads,
               b->truckloads, b->truckloads - t->truckloads);
        printf("  %-26s %14.1f %14.1f %14.1f\n", "cost (MNOK)", t->cost_nok / 1e6,
               b->cost_nok / 1e6, (b->cost_nok - t->cost_nok) / 1e6);
        printf("  %-26s %14.0f %14.0f\n", "reused (t)", t->reused_t, b->reused_t);
        printf("  %-26s %14.0f %14.0f %14.0f\n", "landfilled anywhere (t)",
               t->landfill_all_t, b->landfill_all_t, b->landfill_all_t - t->landfill_all_t);
        printf("  %-26s %14.0f %14.0f\n", "out of the region (t)", t->unplaced_t,
               b->unplaced_t);
        printf("  (masses the region's landfills cannot take go to a landfill outside it, "
               "counted in cost and CO2 for both)\n");
        const struct mb_band *c = &plan.uncertainty.saving[MB_M_CO2];
        printf("  CO2 saved %.0f t, %.0f to %.0f t with the factors' ranges (well to wheel; "
               "5th-95th percentile).\n", c->central / 1e3, c->low / 1e3, c->high / 1e3);
        printf("  (massebank plan data/demo/trondheim.json --sensitivity shows it month by "
               "month, with every range and the factors behind them.)\n");
        mb_plan_release(&plan);
    }
    mb_scenario_release(&s);
    return rc;
}

/* The Bærum estimate: the scenario planned, its savings with their
 * ranges, and what the 300,000 t claim would need. */
static int demo_baerum(bool scenario_only)
{
    struct mb_error err;
    mb_error_clear(&err);
    char *json = mb_demo_baerum(&err);
    if (!json)
        return cli_fail(&err);
    if (scenario_only) {
        printf("%s\n", json);
        free(json);
        return 0;
    }
    struct mb_scenario s;
    struct mb_problems probs;
    int rc = mb_scenario_parse(&s, json, strlen(json), &probs);
    free(json);
    if (rc) {
        mb_error_set(&err, MB_EDATA, "demo", "the Bærum scenario is invalid: %s: %s",
                     probs.n ? probs.items[0].path : "", probs.n ? probs.items[0].message : "");
        mb_problems_release(&probs);
        return cli_fail(&err);
    }
    struct mb_plan p;
    if ((rc = mb_plan_run(&s, NULL, &p, &err)) != 0) {
        mb_scenario_release(&s);
        return cli_fail(&err);
    }
    struct mb_claim c;
    mb_demo_baerum_claim(&s, &p, &c);
    const struct mb_band *co2 = &p.uncertainty.saving[MB_M_CO2];
    printf("Bærum Ressursbank, an estimate (docs/baerum-estimate.md states every "
           "assumption)\n\n");
    printf("Surplus of the six projects, 2020-2030: %.1f million t (14 million m3 read as "
           "solid m3).\n", c.surplus_t / 1e6);
    double need_t = 0;
    for (size_t i = 0; i < s.nsites; i++)
        if (s.sites[i].kind == MB_SITE_NEED)
            need_t += s.sites[i].amount_t;
    printf("The region's projects need %.1f million t (assumed: half the surplus); %.1f "
           "million t of it is reused\nthrough a crushing plant, the rest arises in months "
           "nobody needs it.\n", need_t / 1e6, c.reused_t / 1e6);
    printf("CO2e saved: %.0f t, %.0f to %.0f t with the factors' ranges (well to wheel, "
           "5th-95th percentile of %d draws).\n", co2->central / 1e3, co2->low / 1e3,
           co2->high / 1e3, p.uncertainty.draws);
    printf("  that is %.1f kg CO2e per tonne reused; truckloads saved %.0f; cost saved "
           "%.0f MNOK.\n", c.per_t, p.savings.truckloads, p.savings.cost_nok / 1e6);
    printf("\nThe claim: 300,000 t CO2e saved by six projects. It would hold if, each "
           "alone:\n");
    printf("  - every tonne reused saved %.1f kg instead of %.1f; or\n", c.per_t_needed,
           c.per_t);
    if (c.share_needed <= 1)
        printf("  - %.0f %% of the surplus were reused instead of %.0f %%; or\n",
               100 * c.share_needed, 100 * c.reused_t / c.surplus_t);
    else
        printf("  - %.0f %% of the surplus were reused (more than all of it: not alone); "
               "or\n", 100 * c.share_needed);
    printf("  - today's landfills lay %.0f km away instead of %.0f km; or\n",
           c.landfill_km_needed, c.landfill_km);
    printf("  - producing virgin aggregate emitted %.1f kg CO2e per tonne instead of "
           "%.1f.\n", c.production_needed, c.production);
    printf("The claim's calculation was not found in public sources, so which of these it "
           "assumed is not known.\n");
    printf("\nThe sources disagree on the volume: 14 million m3 = 943,000 loads (Klimasats "
           "2017), 21 million m3 = 943,000 loads and 24 million m3 = over 1 million loads "
           "(two Bærum kommune pages).\n");
    printf("943,000 loads for %.1f million t is %.0f t a load: only a 60 t truck carries "
           "that; at %.0f t a load it is %.0f loads, or the m3 were loose.\n",
           c.surplus_t / 1e6, c.t_per_load_claimed, s.transport.payload_t,
           ceil(c.surplus_t / s.transport.payload_t));
    mb_plan_release(&p);
    mb_scenario_release(&s);
    return 0;
}

int cmd_demo(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "--region") == 0) {
        if (strcmp(argv[2], "trondheim") != 0 && strcmp(argv[2], "baerum") != 0)
            return cli_usage("demo", "--region takes trondheim or baerum");
        if (argc > 4 || (argc == 4 && strcmp(argv[3], "--scenario") != 0))
            return cli_usage("demo", "takes --region NAME and --scenario");
        if (strcmp(argv[2], "baerum") == 0)
            return demo_baerum(argc == 4);
        argv += 2;
        argc -= 2;
    }
    if (argc > 1 && strcmp(argv[1], "--scenario") == 0 && argc == 2) {
        struct mb_error err;
        char *json = mb_demo_trondheim(&err);
        if (!json)
            return cli_fail(&err);
        printf("%s\n", json);
        free(json);
        return 0;
    }
    if (argc > 1)
        return cli_usage("demo", "takes [--region trondheim|baerum] [--scenario]");
    struct mb_error err;
    mb_error_clear(&err);
    struct mb_municipalities mu;
    struct mb_refdata r;
    struct mb_catalog cat;
    struct mb_class_table tab;
    if (load(NULL, &mu, &r, &err))
        return cli_fail(&err);
    if (mb_catalog_init(&cat, &err) || mb_class_table_init(&tab, &err)) {
        mb_refdata_release(&r);
        mb_municipalities_release(&mu);
        return cli_fail(&err);
    }
    printf("massebank - surplus masses, the Trondheim region (demo data)\n"
           "===========================================================\n\n");
    print_report(&r);
    const struct mb_material *rock = mb_catalog_find(&cat, "rock.blasted");
    double t = 0, lm3 = 0;
    if (rock) {
        mb_unit_convert(rock, 20000, MB_UNIT_FM3, MB_UNIT_T, &t, NULL);
        mb_unit_convert(rock, 20000, MB_UNIT_FM3, MB_UNIT_LM3, &lm3, NULL);
    }
    printf("\nThe domain core: %zu materials, %zu substances in condition-class table "
           "%s.\n", cat.n, tab.n, tab.version);
    printf("Example: 20000 fm3 of blasted rock = %.0f t = %.0f lm3 on trucks.\n", t, lm3);
    int rc = demo_plan(&err) ? cli_fail(&err) : 0;
    printf("\nTry:\n"
           "  massebank plan data/demo/trondheim.json -o plan.json\n"
           "  massebank convert 12000 lm3 rock.blasted --to t\n"
           "  massebank materials\n"
           "  massebank classify As=12 Pb=80 PAH16=\"<0,5\"\n"
           "  massebank classify --csv samples.csv --json\n"
           "  massebank coord 63.4305 10.3951\n"
           "  massebank coord --from 25832 597000 6643000\n"
           "  massebank distance 63.4305,10.3951 63.3381,10.4751\n"
           "  massebank gen --preset trondheim --seed 1 -o region.json\n"
           "  massebank refdata --json\n");
    mb_class_table_release(&tab);
    mb_catalog_release(&cat);
    mb_refdata_release(&r);
    mb_municipalities_release(&mu);
    return rc;
}
