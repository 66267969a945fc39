/*
 * cmd_plan.c - `massebank plan`: solve a scenario file, write the plan as
 * JSON and print a summary a planner can read: tonnes reused, landfill
 * avoided, CO2 and truckloads saved, month by month.
 */
#include <limits.h>
#include <sys/stat.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/alloc.h"
#include "core/clock.h"
#include "domain/month.h"
#include "market/market.h"
#include "domain/municipality.h"
#include "report/plan_report.h"
#include "plan/plan.h"
#include "plan/scenario.h"
#include "report/forecast.h"

static void progress(const char *line, const struct mb_words *words, void *ctx)
{
    (void)ctx;
    (void)words; /* the CLI speaks English */
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

/* What the figures count, their range and what moves them most. */
static void method(FILE *f, const struct mb_scenario *s, const struct mb_plan *p)
{
    const struct mb_transport *tr = &s->transport;
    fprintf(f, "\nMethod: objective %s; transport and machines CO2e %s (%s), production "
            "of virgin material cradle to gate (A1-A3); fuel", mb_objective_name(s->objective),
            tr->boundary == MB_BOUNDARY_WTW ? "well to wheel" : "tank to wheel",
            "EN 16258 / ISO 14083 terms");
    for (int k = 0; k < MB_FUEL_COUNT; k++) {
        if (!(tr->fuel_mix[k] > 0))
            continue;
        if (k == MB_FUEL_DIESEL_NO)
            fprintf(f, " Norwegian road diesel (%.0f %% bio) %.0f %%",
                    100 * s->factors.v[MB_F_ROAD_BIO_SHARE].central, 100 * tr->fuel_mix[k]);
        else
            fprintf(f, " %s %.0f %%", mb_fuel_name(k), 100 * tr->fuel_mix[k]);
    }
    fprintf(f, "; a load costs %.0f NOK and %.2f kg CO2e fixed, plus %.3f NOK and "
            "%.4f kg per loaded tonne-km (empty return included), %.1f t a load.\n",
            tr->nok_per_t * tr->payload_t, tr->co2_per_t * tr->payload_t, tr->nok_per_tkm,
            tr->co2_per_tkm, tr->payload_t);
    bool ferries = false;
    for (size_t i = 0; i < s->ndistances; i++)
        ferries = ferries || s->distances[i].ferry_crossings > 0;
    if (ferries)
        fprintf(f, "Ferries: a crossing costs %.2f NOK per tonne (ticket and the wait at the "
                "quay); a tonne-km on board %.3f NOK (the truck's time) and %.4f kg CO2e (the "
                "truck's share of the ferry's emissions), instead of driving.\n",
                tr->ferry_nok_per_t, tr->ferry_nok_per_tkm, tr->ferry_co2_per_tkm);
    if (tr->boundary == MB_BOUNDARY_TTW &&
        tr->fuel_mix[MB_FUEL_HVO100] + tr->fuel_mix[MB_FUEL_ELECTRIC] +
        tr->fuel_mix[MB_FUEL_B7] > 0)
        fprintf(f, "Note: tank to wheel, HVO, FAME and electricity count zero; well to wheel "
                "(the default) counts their production.\n");
    fprintf(f, "Masses nobody in the region can place go %.0f km to a landfill outside it "
            "(%.0f NOK/t); needs nobody covers come %.0f km from outside; in both the plan "
            "and today's practice.\n", s->factors.v[MB_F_OVERFLOW_KM].central,
            s->factors.v[MB_F_OVERFLOW_FEE].central,
            s->factors.v[MB_F_OVERFLOW_QUARRY_KM].central);
    const struct mb_uncertainty *u = &p->uncertainty;
    if (u->draws <= 0)
        return;
    fprintf(f, "\nSavings (today - plan): central, and the 5th-95th percentile over %d "
            "draws of the factors (seed %llu):\n", u->draws, u->seed);
    static const struct { enum mb_metric m; const char *label; double scale; } rows[] = {
        { MB_M_CO2, "CO2e (t)", 1e3 },
        { MB_M_CO2_OUTSIDE, "  of it out of region", 1e3 },
        { MB_M_COST, "cost (MNOK)", 1e6 },
        { MB_M_TRUCKLOADS, "truckloads", 1 }, { MB_M_MOVEMENTS, "truck movements", 1 },
        { MB_M_TONNE_KM, "tonne-km (1000)", 1e3 },
        { MB_M_LANDFILL_FM3, "landfill volume (fm3)", 1 },
        { MB_M_LANDFILL_ALL, "landfilled anywhere (t)", 1 },
        { MB_M_VIRGIN_T, "virgin material (t)", 1 } };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        const struct mb_band *b = &u->saving[rows[i].m];
        double k = rows[i].scale;
        if (b->high - b->low <= 1e-9 * (1 + fabs(b->central)))
            fprintf(f, "  %-22s %14.1f   (counted, no factor moves it)\n", rows[i].label,
                    b->central / k);
        else
            fprintf(f, "  %-22s %14.1f   (%.1f to %.1f)\n", rows[i].label, b->central / k,
                    b->low / k, b->high / k);
    }
    const struct mb_factor_info *reg = mb_factor_register(NULL);
    if (!reg)
        return;
    if (u->nswing[MB_M_CO2] == 0)
        return;
    fprintf(f, "The CO2e saving moves most with:");
    for (int k = 0; k < u->nswing[MB_M_CO2] && k < 3; k++) {
        const struct mb_swing *w = &u->swing[MB_M_CO2][k];
        fprintf(f, "%s %s (%.1f to %.1f t)", k ? ";" : "", reg[w->factor].key,
                w->at_low / 1e3, w->at_high / 1e3);
    }
    fprintf(f, ".\n");
}

/* The trade-off curve (--tradeoff): each point, and what a tonne of CO2
 * saved costs between neighbours. */
static void tradeoff_table(FILE *f, const struct mb_plan *p)
{
    const struct mb_tradeoff *t = &p->tradeoff;
    if (t->n == 0)
        return;
    fprintf(f, "\nTrade-off between cost and CO2 (%d plans, %.2f s):\n", t->n, t->seconds);
    fprintf(f, "  %-24s %14s %12s %12s %14s %16s\n", "objective", "cost (MNOK)", "CO2e (t)",
            "truckloads", "landfill (fm3)", "NOK per t CO2e");
    for (int k = 0; k < t->n; k++) {
        const struct mb_tradeoff_point *q = &t->points[k];
        char label[48], step[32] = "-";
        if (q->co2_price >= 0)
            snprintf(label, sizeof label, "cost, CO2 at %.0f NOK/t", q->co2_price);
        else
            snprintf(label, sizeof label, "minimum CO2");
        if (k > 0) {
            double dc = q->cost_nok - t->points[k - 1].cost_nok;
            double de = (t->points[k - 1].co2_kg - q->co2_kg) / 1e3;
            if (de > 1e-6)
                snprintf(step, sizeof step, "%.0f", dc / de);
        }
        fprintf(f, "  %-24s %14.3f %12.1f %12.0f %14.0f %16s\n", label, q->cost_nok / 1e6,
                q->co2_kg / 1e3, q->truckloads, q->landfill_fm3, step);
    }
    fprintf(f, "  (NOK per t CO2e: the extra cost per tonne saved against the point above)\n");
}

/* The full sensitivity table (--sensitivity). */
static void sensitivity(FILE *f, const struct mb_plan *p)
{
    const struct mb_uncertainty *u = &p->uncertainty;
    const struct mb_factor_info *reg = mb_factor_register(NULL);
    if (!reg || u->draws <= 0)
        return;
    static const enum mb_metric ms[] = { MB_M_CO2, MB_M_COST, MB_M_TRUCKLOADS };
    static const char *const names[] = { "CO2e saving (t)", "cost saving (MNOK)",
                                         "truckloads saved" };
    static const double scale[] = { 1e3, 1e6, 1 };
    for (size_t i = 0; i < 3; i++) {
        fprintf(f, "\nSensitivity of the %s, factor at low / at high (others central):\n",
                names[i]);
        for (int k = 0; k < u->nswing[ms[i]]; k++) {
            const struct mb_swing *w = &u->swing[ms[i]][k];
            fprintf(f, "  %-34s %14.1f %14.1f\n", reg[w->factor].key,
                    w->at_low / scale[i], w->at_high / scale[i]);
        }
    }
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
    ROW("  transport", co2_transport_kg, 1e3, "%16.1f");
    ROW("  handling", co2_handling_kg, 1e3, "%16.1f");
    ROW("  production", co2_production_kg, 1e3, "%16.1f");
    ROW("truckloads (loaded)", truckloads, 1, "%16.0f");
    ROW("truck movements", movements, 1, "%16.0f");
    ROW("tonne-km (1000)", tonne_km, 1e3, "%16.1f");
    ROW("vehicle-km (1000)", vehicle_km, 1e3, "%16.1f");
    ROW("to landfill (t)", landfill_t, 1, "%16.0f");
    ROW("  landfilled anywhere", landfill_all_t, 1, "%16.0f");
    ROW("landfill volume (fm3)", landfill_fm3, 1, "%16.0f");
    ROW("  placed (pm3)", landfill_pm3, 1, "%16.0f");
    ROW("virgin material (t)", virgin_t, 1, "%16.0f");
    ROW("reused (t)", reused_t, 1, "%16.0f");
    ROW("out of region (t)", unplaced_t, 1, "%16.0f");
    ROW("  stranded (t)", stranded_t, 1, "%16.0f");
    ROW("need unmet (t)", unmet_t, 1, "%16.0f");
    ROW("out of region (MNOK)", overflow_cost_nok, 1e6, "%16.3f");
    ROW("out of region CO2 (t)", overflow_co2_kg, 1e3, "%16.1f");
#undef ROW
    method(f, s, p);
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

/* A region of the market database `db` as a scenario (see
 * mb_market_region_plan_scenario): municipalities by code or name. */
static int region_scenario(const char *db, const char *const *munis, size_t nmunis,
                           const char *from, const char *to, struct mb_scenario *s,
                           struct mb_error *err)
{
    struct mb_municipalities table;
    int rc = mb_municipalities_init(&table, err);
    if (rc)
        return rc;
    json_t *codes = json_array();
    for (size_t i = 0; i < nmunis && !rc; i++) {
        const struct mb_municipality *mu = mb_municipality_find(&table, munis[i]);
        if (!mu)
            rc = mb_error_set(err, MB_EINVAL, "--municipality", "'%s' is not a Norwegian "
                              "municipality (code or name)", munis[i]);
        else
            json_array_append_new(codes, json_string(mu->code));
    }
    mb_municipalities_release(&table);
    json_t *req = json_pack("{s:o,s:s,s:s}", "municipalities", codes, "from", from, "to", to);
    struct mb_store *st = NULL;
    struct mb_market m;
    bool have_market = false;
    json_t *scn = NULL;
    if (!rc)
        rc = cli_open_db(db, &st, err);
    if (!rc && !(rc = mb_market_init(&m, err)))
        have_market = true;
    if (!rc)
        rc = mb_market_region_plan_scenario(st, &m, req, &scn, err);
    if (!rc) {
        char *text = mb_xjson_dumps(scn, JSON_COMPACT | JSON_REAL_PRECISION(17));
        struct mb_problems probs;
        if (mb_scenario_parse(s, text, strlen(text), &probs) != 0) {
            rc = mb_error_set(err, MB_EINVAL, "--db", "the region gives no plannable "
                              "scenario: %s: %s", probs.n ? probs.items[0].path : "",
                              probs.n ? probs.items[0].message : "");
            mb_problems_release(&probs);
        }
        free(text);
    }
    json_decref(scn);
    json_decref(req);
    if (have_market)
        mb_market_release(&m);
    if (st)
        mb_store_close(st);
    return rc;
}

int cmd_plan(int argc, char **argv)
{
    const char *in = NULL, *out = NULL, *lp = NULL, *pricing = NULL, *dimacs = NULL,
               *objective = NULL, *draws_s = NULL, *db = NULL, *from = NULL, *to = NULL;
    const char *munis[100];
    size_t nmunis = 0;
    bool quiet = false, sens = false, tradeoff = false;
    for (int i = 1; i < argc; i++) {
        int m;
        if ((m = cli_opt_value(argc, argv, &i, "-o", &out, "plan")) ||
            (m = cli_opt_value(argc, argv, &i, "--write-lp", &lp, "plan")) ||
            (m = cli_opt_value(argc, argv, &i, "--pricing", &pricing, "plan")) ||
            (m = cli_opt_value(argc, argv, &i, "--write-dimacs", &dimacs, "plan")) ||
            (m = cli_opt_value(argc, argv, &i, "--objective", &objective, "plan")) ||
            (m = cli_opt_value(argc, argv, &i, "--draws", &draws_s, "plan")) ||
            (m = cli_opt_value(argc, argv, &i, "--db", &db, "plan")) ||
            (m = cli_opt_value(argc, argv, &i, "--from", &from, "plan")) ||
            (m = cli_opt_value(argc, argv, &i, "--to", &to, "plan"))) {
            if (m < 0)
                return EXIT_USAGE;
        } else if ((m = cli_opt_value(argc, argv, &i, "--municipality", &munis[nmunis],
                                      "plan"))) {
            if (m < 0)
                return EXIT_USAGE;
            if (++nmunis == sizeof munis / sizeof *munis)
                return cli_usage("plan", "at most 99 municipalities");
        } else if (strcmp(argv[i], "--quiet") == 0) {
            quiet = true;
        } else if (strcmp(argv[i], "--sensitivity") == 0) {
            sens = true;
        } else if (strcmp(argv[i], "--tradeoff") == 0) {
            tradeoff = true;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage("plan", "unknown option %s", argv[i]);
        } else if (!in) {
            in = argv[i];
        } else {
            return cli_usage("plan", "one scenario file at a time");
        }
    }
    if (db && in)
        return cli_usage("plan", "give a scenario file or --db with a region, not both");
    if (db && (!nmunis || !from || !to))
        return cli_usage("plan", "--db plans a region of the market: give --municipality "
                         "N (one or more), --from YYYY-MM and --to YYYY-MM");
    if (!db && (nmunis || from || to))
        return cli_usage("plan", "--municipality, --from and --to need --db");
    if (!in && !db)
        return cli_usage("plan", "give a scenario file: massebank plan SCENARIO.json, or a "
                         "region: massebank plan --db FILE --municipality N --from YYYY-MM "
                         "--to YYYY-MM");
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
    if (sens && draws_s && strcmp(draws_s, "0") == 0)
        return cli_usage("plan", "--sensitivity needs draws; leave out --draws 0");
    if (out && !*out)
        return cli_usage("plan", "-o needs a file name");
    if (out) {
        /* Refuse before solving what could only fail after it. */
        struct stat a, b;
        if (in && stat(in, &a) == 0 && stat(out, &b) == 0 && a.st_dev == b.st_dev &&
            a.st_ino == b.st_ino)
            return cli_usage("plan", "-o would overwrite the scenario %s", in);
        char dir[PATH_MAX];
        snprintf(dir, sizeof dir, "%s", out);
        char *slash = strrchr(dir, '/');
        if (slash == dir)
            slash[1] = '\0';
        else if (slash)
            *slash = '\0';
        else
            snprintf(dir, sizeof dir, ".");
        if (access(dir, W_OK) != 0) {
            struct mb_error e;
            mb_error_set(&e, MB_EIO, "-o", "cannot write %s: %s is not a folder we may "
                         "write in", out, dir);
            return cli_fail(&e);
        }
    }
    int objective_kind = -1;
    if (objective && (objective_kind = mb_objective_parse(objective)) < 0)
        return cli_usage("plan", "--objective takes cost, co2 or landfill");
    int draws = 0;
    if (draws_s) {
        char *end;
        long d = strtol(draws_s, &end, 10);
        if (*end || end == draws_s || d < 0 || d > 100000)
            return cli_usage("plan", "--draws takes a number of draws from 0 (no ranges) "
                             "to 100000");
        draws = d == 0 ? -1 : (int)d;
    }
    struct mb_scenario s;
    struct mb_problems probs;
    int rc;
    if (db) {
        struct mb_error rerr;
        mb_error_clear(&rerr);
        if ((rc = region_scenario(db, munis, nmunis, from, to, &s, &rerr)) != 0)
            return cli_fail(&rerr);
        memset(&probs, 0, sizeof probs);
    } else {
        rc = mb_scenario_read(&s, in, &probs);
    }
    if (rc) {
        for (size_t i = 0; i < probs.n; i++)
            fprintf(stderr, "massebank: %s%s%s\n", probs.items[i].path,
                    probs.items[i].path[0] ? ": " : "", probs.items[i].message);
        fprintf(stderr, "massebank: %zu problem%s in %s; nothing was solved\n", probs.n,
                probs.n == 1 ? "" : "s", in);
        mb_problems_release(&probs);
        return EXIT_REFUSED;
    }
    if (objective_kind >= 0)
        s.objective = (enum mb_objective)objective_kind;
    struct mb_error err;
    mb_error_clear(&err);
    /* The LP and DIMACS files are written whole or not at all: a refused
     * model or a failed write leaves an existing file as it was. */
    struct cli_out lpo = { 0 }, dmo = { 0 };
    if (lp && (rc = cli_out_open(&lpo, lp, "--write-lp", &err)) != 0) {
        rc = cli_fail(&err);
        goto out;
    }
    if (dimacs && (rc = cli_out_open(&dmo, dimacs, "--write-dimacs", &err)) != 0) {
        cli_out_abort(&lpo);
        rc = cli_fail(&err);
        goto out;
    }
    struct mb_plan_options opt = { lpo.f, dmo.f, quiet ? NULL : progress, NULL, pricing_mode,
                                   draws, 0 };
    struct mb_plan plan;
    rc = mb_plan_run(&s, &opt, &plan, &err);
    if (rc) {
        cli_out_abort(&lpo);
        cli_out_abort(&dmo);
    } else if ((lp && (rc = cli_out_commit(&lpo, &err)) != 0) ||
               (dimacs && (rc = cli_out_commit(&dmo, &err)) != 0)) {
        cli_out_abort(&dmo);
        mb_plan_release(&plan);
    }
    if (rc) {
        rc = cli_fail(&err);
        goto out;
    }
    if (tradeoff && (rc = mb_tradeoff_run(&s, &plan.tradeoff, &err)) != 0) {
        mb_plan_release(&plan);
        rc = cli_fail(&err);
        goto out;
    }
    double t0 = mb_clock_seconds();
    char *json = mb_report_plan_json(&s, &plan);
    if (!quiet)
        fprintf(stderr, "massebank plan: plan as JSON in %.2f s\n",
                mb_clock_seconds() - t0);
    if (out) {
        if (cli_write_output(out, json, strlen(json), &err)) {
            rc = cli_fail(&err);
        } else if (!quiet) {
            summary(stdout, &s, &plan);
            if (sens)
                sensitivity(stdout, &plan);
            tradeoff_table(stdout, &plan);
        }
    } else {
        fputs(json, stdout);
        fputc('\n', stdout);
        if (!quiet) {
            summary(stderr, &s, &plan);
            if (sens)
                sensitivity(stderr, &plan);
            tradeoff_table(stderr, &plan);
        }
    }
    free(json);
    mb_plan_release(&plan);
out:
    mb_scenario_release(&s);
    return rc;
}
