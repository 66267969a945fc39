/*
 * cmd_refdata.c - `massebank refdata` (load and check the Trondheim
 * reference tables) and `massebank demo` (the main job until the server
 * exists: the region's figures and a tour of the commands).
 */
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
        printf("  %-26s %14.0f %14.0f\n", "unplaced (t)", t->unplaced_t, b->unplaced_t);
        printf("  (unplaced masses go to a landfill outside the region, counted in cost "
               "and CO2 for both)\n");
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

int cmd_demo(int argc, char **argv)
{
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
        return cli_usage("demo", "takes no arguments but --scenario");
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
