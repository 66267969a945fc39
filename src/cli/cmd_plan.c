/*
 * cmd_plan.c - `massebank plan`: solve a scenario file, write the plan as
 * JSON and print a summary a planner can read: tonnes reused, landfill
 * avoided, CO2 and truckloads saved, month by month.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "domain/month.h"
#include "plan/plan.h"
#include "plan/scenario.h"
#include "report/forecast.h"

static void progress(const char *line, void *ctx)
{
    (void)ctx;
    fprintf(stderr, "massebank plan: %s\n", line);
}

/* Landfill capacity by year: the year the region runs out and the year
 * each landfill is full, with today's practice and with the plan. */
static void forecast(FILE *f, const struct mb_scenario *s, const struct mb_plan *p)
{
    struct mb_forecast fc;
    mb_forecast_build(s, p, &fc);
    fprintf(f, "\nLandfill capacity by year:  surplus t | landfill t plan/today"
               " | full landfills plan/today of open | short of room t plan/today\n");
    for (int y = 0; y < fc.nyears; y++) {
        const struct mb_forecast_year *fy = &fc.years[y];
        fprintf(f, "  %d %10.0f | %10.0f / %10.0f | %3d / %3d of %3d | %10.0f / %10.0f\n",
                fy->year, fy->surplus_t, fy->landfill_t[MB_PRACTICE_PLAN],
                fy->landfill_t[MB_PRACTICE_TODAY], fy->landfills_full[MB_PRACTICE_PLAN],
                fy->landfills_full[MB_PRACTICE_TODAY], fy->landfills_open,
                fy->capacity_short_t[MB_PRACTICE_PLAN],
                fy->capacity_short_t[MB_PRACTICE_TODAY]);
    }
    for (int pr = MB_PRACTICE_TODAY; pr < MB_PRACTICE_COUNT; pr++) {
        const char *who = pr == MB_PRACTICE_PLAN ? "With the plan" : "With today's practice";
        if (fc.runs_out[pr])
            fprintf(f, "%s, landfill capacity runs out in %d.\n", who, fc.runs_out[pr]);
        else
            fprintf(f, "%s, landfill capacity lasts the horizon.\n", who);
    }
    mb_forecast_release(&fc);
}

static void summary(FILE *f, const struct mb_scenario *s, const struct mb_plan *p)
{
    const struct mb_totals *t = &p->totals, *b = &p->baseline, *d = &p->savings;
    fprintf(f, "%s: %zu sites, %d months\n\n", s->name[0] ? s->name : "scenario",
            s->nsites, p->nmonths);
    fprintf(f, "%-22s %16s %16s %16s\n", "", "plan", "today", "today - plan");
#define ROW(label, field, scale, fmt)                                           \
    fprintf(f, "%-22s " fmt " " fmt " " fmt "\n", label, t->field / (scale),   \
            b->field / (scale), d->field / (scale))
    ROW("cost (MNOK)", cost_nok, 1e6, "%16.3f");
    ROW("CO2 (t)", co2_kg, 1e3, "%16.1f");
    ROW("objective (MNOK)", objective, 1e6, "%16.3f");
    ROW("truckloads", truckloads, 1, "%16.0f");
    ROW("tonne-km (1000)", tonne_km, 1e3, "%16.1f");
    ROW("to landfill (t)", landfill_t, 1, "%16.0f");
    ROW("landfill volume (fm3)", landfill_fm3, 1, "%16.0f");
    ROW("virgin material (t)", virgin_t, 1, "%16.0f");
    ROW("reused (t)", reused_t, 1, "%16.0f");
    ROW("unplaced (t)", unplaced_t, 1, "%16.0f");
    ROW("need unmet (t)", unmet_t, 1, "%16.0f");
#undef ROW
    fprintf(f, "\nBy month:  reused t | landfill t plan/today | CO2 t saved | truckloads saved\n");
    for (int m = 0; m < p->nmonths; m++) {
        const struct mb_totals *pm = &p->months[m], *bm = &p->baseline_months[m];
        char month[8];
        mb_month_format(s->from + m, month);
        fprintf(f, "  %s %10.0f | %10.0f / %10.0f | %9.1f | %8.0f\n", month,
                pm->reused_t, pm->landfill_t, bm->landfill_t,
                (bm->co2_kg - pm->co2_kg) / 1e3, bm->truckloads - pm->truckloads);
    }
    forecast(f, s, p);
    if (p->nunplaced || p->nunmet)
        fprintf(f, "\n%zu source-months have masses with nowhere to go and %zu "
                "need-months go unmet: see \"unplaced\" and \"unmet\" in the plan.\n",
                p->nunplaced, p->nunmet);
}

int cmd_plan(int argc, char **argv)
{
    const char *in = NULL, *out = NULL, *lp = NULL, *pricing = NULL, *dimacs = NULL;
    bool quiet = false;
    for (int i = 1; i < argc; i++) {
        int m;
        if ((m = cli_opt_value(argc, argv, &i, "-o", &out, "plan")) ||
            (m = cli_opt_value(argc, argv, &i, "--write-lp", &lp, "plan")) ||
            (m = cli_opt_value(argc, argv, &i, "--pricing", &pricing, "plan")) ||
            (m = cli_opt_value(argc, argv, &i, "--write-dimacs", &dimacs, "plan"))) {
            if (m < 0)
                return EXIT_USAGE;
        } else if (strcmp(argv[i], "--quiet") == 0) {
            quiet = true;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage("plan", "unknown option %s", argv[i]);
        } else if (!in) {
            in = argv[i];
        } else {
            return cli_usage("plan", "one scenario file at a time");
        }
    }
    if (!in)
        return cli_usage("plan", "give a scenario file: massebank plan SCENARIO.json");
    int pricing_mode = 0;
    if (pricing) {
        if (strcmp(pricing, "auto") == 0)
            pricing_mode = 0;
        else if (strcmp(pricing, "never") == 0)
            pricing_mode = 1;
        else if (strcmp(pricing, "always") == 0)
            pricing_mode = 2;
        else
            return cli_usage("plan", "--pricing takes auto, never or always");
    }
    struct mb_scenario s;
    struct mb_problems probs;
    int rc = mb_scenario_read(&s, in, &probs);
    if (rc) {
        for (size_t i = 0; i < probs.n; i++)
            fprintf(stderr, "massebank: %s%s%s\n", probs.items[i].path,
                    probs.items[i].path[0] ? ": " : "", probs.items[i].message);
        fprintf(stderr, "massebank: %zu problem%s in %s; nothing was solved\n", probs.n,
                probs.n == 1 ? "" : "s", in);
        mb_problems_release(&probs);
        return EXIT_REFUSED;
    }
    struct mb_error err;
    mb_error_clear(&err);
    FILE *lpf = NULL;
    char lptmp[4096] = "";
    if (lp) {
        snprintf(lptmp, sizeof lptmp, "%s.tmp", lp);
        lpf = fopen(lptmp, "w");
        if (!lpf) {
            mb_error_set(&err, MB_EIO, "--write-lp", "cannot create %s", lp);
            rc = cli_fail(&err);
            goto out;
        }
    }
    FILE *df = NULL;
    if (dimacs && !(df = fopen(dimacs, "w"))) {
        mb_error_set(&err, MB_EIO, "--write-dimacs", "cannot create %s", dimacs);
        if (lpf) {
            fclose(lpf);
            remove(lptmp);
        }
        rc = cli_fail(&err);
        goto out;
    }
    struct mb_plan_options opt = { lpf, df, quiet ? NULL : progress, NULL, pricing_mode };
    struct mb_plan plan;
    rc = mb_plan_run(&s, &opt, &plan, &err);
    if (df && (fclose(df) != 0 || rc))
        remove(dimacs);
    if (lpf) {
        if (fclose(lpf) != 0 || rc || rename(lptmp, lp) != 0)
            remove(lptmp);
    }
    if (rc) {
        rc = cli_fail(&err);
        goto out;
    }
    double t0 = mb_clock_seconds();
    char *json = mb_plan_json(&s, &plan);
    if (!quiet)
        fprintf(stderr, "massebank plan: plan as JSON in %.2f s\n",
                mb_clock_seconds() - t0);
    if (out) {
        if (cli_write_output(out, json, strlen(json), &err))
            rc = cli_fail(&err);
        else
            summary(stdout, &s, &plan);
    } else {
        fputs(json, stdout);
        fputc('\n', stdout);
        if (!quiet)
            summary(stderr, &s, &plan);
    }
    free(json);
    mb_plan_release(&plan);
out:
    mb_scenario_release(&s);
    return rc;
}
