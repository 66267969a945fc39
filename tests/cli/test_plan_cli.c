/*
 * test_plan_cli.c - end-to-end tests of `massebank plan`, `gen` and `demo`
 * through the built binary.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli/run.h"
#include "support/tmpdir.h"

static char *case_path(const char *name)
{
    char *p = malloc(1024);
    snprintf(p, 1024, "%s/tests/plan/cases/%s", getenv("MB_SOURCE_ROOT"), name);
    return p;
}

Test(plan_cli, plan_writes_json_lp_and_summary)
{
    char *in = case_path("storage-bridge.json");
    char *out = tmpfile_path("plan.json"), *lp = tmpfile_path("plan.lp");
    struct run_result r = run("plan", in, "-o", out, "--write-lp", lp, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "to landfill (t)") && strstr(r.out, "By month"), "%s", r.out);
    cr_assert(strstr(r.err, "solved: optimum"), "progress line: %s", r.err);
    char *text = file_read(out);
    json_error_t e;
    json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &e);
    cr_assert_not_null(j, "%s", e.text);
    cr_assert_str_eq(json_string_value(json_object_get(j, "format")), "massebank-plan/1");
    static const char *const fields[] = { "objective", "cost_nok", "co2_kg", "tonne_km",
        "truckloads", "landfill_t", "virgin_t", "reused_t", "unplaced_t" };
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        for (const char *o = "totals"; o; o = strcmp(o, "totals") == 0 ? "baseline"
                                          : strcmp(o, "baseline") == 0 ? "savings" : NULL)
            cr_assert(json_is_number(json_object_get(json_object_get(j, o), fields[i])),
                      "%s.%s", o, fields[i]);
    cr_assert_eq(json_array_size(json_object_get(j, "flows")), 2);
    cr_assert_float_eq(json_number_value(json_object_get(json_object_get(j, "savings"),
                       "landfill_t")), 3000, 1e-6);
    json_decref(j);
    free(text);
    char *lptext = file_read(lp);
    cr_assert(lptext && strstr(lptext, "Minimize") && strstr(lptext, "Subject To"));
    free(lptext);
    run_free(&r);
    free(in);
    free(out);
    free(lp);
}

Test(plan_cli, bad_scenarios_list_every_problem_and_write_nothing)
{
    char *bad = tmpfile_write("bad.json", "{\"format\": \"massebank-scenario/1\","
        " \"horizon\": {\"from\": \"2026-01\", \"to\": \"2026-03\"}, \"sites\": ["
        "{\"id\": \"a\", \"kind\": \"source\", \"lat\": 63.4, \"lon\": 10.4, \"material\": \"rok\","
        " \"class\": 1, \"amount\": {\"value\": -3, \"unit\": \"t\"},"
        " \"window\": {\"from\": \"2026-03\", \"to\": \"2026-01\"}}]}");
    char *out = tmpfile_path("never.json");
    struct run_result r = run("plan", bad, "-o", out, NULL);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "sites[0].material"), "%s", r.err);
    cr_assert(strstr(r.err, "sites[0].amount.value: must not be negative"), "%s", r.err);
    cr_assert(strstr(r.err, "sites[0].window: ends before it starts"), "%s", r.err);
    cr_assert(strstr(r.err, "3 problems"), "%s", r.err);
    cr_assert_null(file_read(out), "no plan may be written");
    run_free(&r);
    r = run("plan", "/nonexistent.json", NULL);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "cannot open /nonexistent.json"), "%s", r.err);
    run_free(&r);
    r = run("plan", NULL);
    cr_assert_eq(r.status, 2);
    run_free(&r);
    r = run("plan", bad, "--pricing", "sometimes", NULL);
    cr_assert_eq(r.status, 2);
    run_free(&r);
    free(bad);
    free(out);
}

Test(plan_cli, gen_is_reproducible_and_plannable)
{
    char *a = tmpfile_path("a.json"), *b = tmpfile_path("b.json");
    struct run_result r = run("gen", "--preset", "small", "--seed", "5", "-o", a, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_free(&r);
    r = run("gen", "--preset", "small", "--seed", "5", "-o", b, NULL);
    run_free(&r);
    char *x = file_read(a), *y = file_read(b);
    cr_assert_str_eq(x, y);
    r = run("plan", a, "--quiet", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\"format\": \"massebank-plan/1\""));
    run_free(&r);
    r = run("gen", "--preset", "mars", NULL);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "unknown preset"), "%s", r.err);
    run_free(&r);
    r = run("gen", "--seed", "-1", NULL);
    cr_assert_eq(r.status, 1);
    run_free(&r);
    free(x);
    free(y);
    free(a);
    free(b);
}

Test(plan_cli, demo_shows_the_region_plan)
{
    struct run_result r = run("demo", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "Demo plan") && strstr(r.out, "to landfill (fm3)"), "%s", r.out);
    run_free(&r);
}
