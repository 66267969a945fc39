/*
 * cmd_whatif.c - `massebank whatif SCENARIO.json [--changes N] [--seed S]
 * [--check] [--json]`: what-if planning measured. The scenario is planned
 * once, keeping its basis (plan/whatif.h); then N random changes (a
 * listing resized, moved, withdrawn, shifted, added; a landfill closing:
 * mb_gen_change), one after the other, are each planned warm from the
 * last basis and, with --check, cold as well, and the two optima
 * compared. Prints each change, its times and the largest difference.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/alloc.h"
#include "plan/gen.h"
#include "plan/plan.h"
#include "plan/whatif.h"

/* Plan scenario text; *plan released by the caller on success. */
static int plan_text(const char *text, struct mb_whatif *w, struct mb_plan *plan,
                     struct mb_error *err)
{
    struct mb_scenario s;
    struct mb_problems probs;
    if (mb_scenario_parse(&s, text, strlen(text), &probs) != 0) {
        mb_error_set(err, MB_EINVAL, probs.n ? probs.items[0].path : "scenario", "%s",
                     probs.n ? probs.items[0].message : "refused");
        mb_problems_release(&probs);
        return MB_EINVAL;
    }
    mb_problems_release(&probs);
    struct mb_plan_options opt = { 0 };
    opt.draws = -1;
    opt.whatif = w;
    int rc = mb_plan_run(&s, &opt, plan, err);
    mb_scenario_release(&s);
    return rc;
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, by_double);
    return n ? (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2) : 0;
}

int cmd_whatif(int argc, char **argv)
{
    const char *in = NULL, *n_s = NULL, *seed_s = NULL;
    bool check = false, json = false;
    for (int i = 1; i < argc; i++) {
        int m;
        if ((m = cli_opt_value(argc, argv, &i, "--changes", &n_s, "whatif")) != 0 ||
            (m = cli_opt_value(argc, argv, &i, "--seed", &seed_s, "whatif")) != 0) {
            if (m < 0)
                return EXIT_USAGE;
        } else if (strcmp(argv[i], "--check") == 0) {
            check = true;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage("whatif", "unknown option '%s'", argv[i]);
        } else if (!in) {
            in = argv[i];
        } else {
            return cli_usage("whatif", "give one scenario, not '%s' too", argv[i]);
        }
    }
    if (!in)
        return cli_usage("whatif", "give a scenario: massebank whatif SCENARIO.json");
    long n = 10;
    unsigned long long seed = 1;
    char *end;
    if (n_s) {
        errno = 0;
        n = strtol(n_s, &end, 10);
        if (*end || end == n_s || errno || n < 1 || n > 10000)
            return cli_usage("whatif", "--changes takes a number from 1 to 10000");
    }
    if (seed_s) {
        errno = 0;
        seed = strtoull(seed_s, &end, 10);
        if (*end || end == seed_s || errno || seed_s[0] == '-')
            return cli_usage("whatif", "--seed takes a whole number");
    }
    struct mb_error err;
    mb_error_clear(&err);
    json_error_t jerr;
    json_t *doc = json_load_file(in, 0, &jerr);
    if (!doc) {
        mb_error_set(&err, MB_EINVAL, "scenario", "cannot read %s: %s (line %d)", in,
                     jerr.text, jerr.line);
        return cli_fail(&err);
    }
    struct mb_whatif w;
    mb_whatif_init(&w);
    struct mb_plan plan;
    char *text = mb_xjson_dumps(doc, JSON_COMPACT);
    int rc = plan_text(text, &w, &plan, &err);
    free(text);
    if (rc) {
        json_decref(doc);
        mb_whatif_release(&w);
        return cli_fail(&err);
    }
    double cold0 = plan.solve_seconds;
    mb_plan_release(&plan);
    double *warm = mb_xcalloc((size_t)n, sizeof *warm);
    double *cold = mb_xcalloc((size_t)n, sizeof *cold);
    double *build = mb_xcalloc((size_t)n, sizeof *build);
    double worst = 0;
    uint64_t rng = seed;
    json_t *changes = json_array();
    if (!json)
        printf("first plan, cold: %.1f ms\n"
               "  # change                                   build ms  warm ms%s\n",
               cold0 * 1e3, check ? "  cold ms  |warm-cold|/cold" : "");
    long k = 0;
    for (; k < n && rc == 0; k++) {
        char what[160];
        if (mb_gen_change(doc, &rng, what, sizeof what) != 0) {
            rc = mb_error_set(&err, MB_EINVAL, "scenario", "has no listing to change");
            break;
        }
        text = mb_xjson_dumps(doc, JSON_COMPACT);
        struct mb_plan a, b;
        if ((rc = plan_text(text, &w, &a, &err)) != 0) {
            free(text);
            break;
        }
        warm[k] = a.solve_seconds;
        build[k] = a.build_seconds;
        double diff = -1;
        if (check) {
            if ((rc = plan_text(text, NULL, &b, &err)) != 0) {
                mb_plan_release(&a);
                free(text);
                break;
            }
            cold[k] = b.solve_seconds;
            diff = fabs(a.solver_objective - b.solver_objective) /
                   fmax(1.0, fabs(b.solver_objective));
            worst = fmax(worst, diff);
            mb_plan_release(&b);
        }
        free(text);
        if (json)
            json_array_append_new(changes, json_pack("{s:s,s:f,s:f,s:f,s:f,s:f,s:b,s:i}", "change",
                                                     what, "build_s", build[k], "warm_s",
                                                     warm[k], "cold_s", cold[k],
                                                     "objective", a.solver_objective,
                                                     "difference", diff, "from_last_model",
                                                     a.delta_model, "iterations",
                                                     a.iterations));
        else if (check)
            printf("%3ld %-40.40s %8.1f %8.1f %8.1f  %.1e\n", k + 1, what, build[k] * 1e3,
                   warm[k] * 1e3, cold[k] * 1e3, diff);
        else
            printf("%3ld %-40.40s %8.1f %8.1f\n", k + 1, what, build[k] * 1e3, warm[k] * 1e3);
        mb_plan_release(&a);
    }
    json_decref(doc);
    mb_whatif_release(&w);
    if (rc) {
        json_decref(changes);
        free(warm);
        free(cold);
        free(build);
        return cli_fail(&err);
    }
    double mw = median(warm, (int)n), mc = median(cold, (int)n), mbld = median(build, (int)n);
    if (json) {
        json_t *o = json_pack("{s:f,s:i,s:f,s:f,s:o,s:o}", "first_cold_s", cold0, "changes",
                              (int)n, "median_build_s", mbld, "median_warm_s", mw, "checked",
                              json_boolean(check), "steps", changes);
        if (check) {
            json_object_set_new(o, "median_cold_s", json_real(mc));
            json_object_set_new(o, "max_difference", json_real(worst));
        }
        cli_print_json(stdout, o);
        fputc('\n', stdout);
        json_decref(o);
    } else {
        json_decref(changes);
        printf("median over %ld changes: model built in %.1f ms, solved warm in %.1f ms", n,
               mbld * 1e3, mw * 1e3);
        if (check)
            printf(", cold in %.1f ms (%.1f times); largest difference of the optimum %.1e",
                   mc * 1e3, mw > 0 ? mc / mw : 0, worst);
        printf("\n");
    }
    free(warm);
    free(cold);
    free(build);
    return 0;
}
