/*
 * test_cli.c - end-to-end tests: run the built `massebank` binary as a user
 * would and check exit status, output and error messages. Bad input must
 * give a message naming the field, a non-zero exit, and no output file.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "cli/run.h"
#include "support/tmpdir.h"

#define EXPECT(r, code, where, text)                                            \
    do {                                                                        \
        cr_assert_eq((r).status, (code), "exit %d, stderr: %s stdout: %s",     \
                     (r).status, (r).err, (r).out);                             \
        cr_assert(strstr((r).where, (text)), #where " lacks '%s': %s", (text),  \
                  (r).where);                                                   \
    } while (0)

/* Parse one JSON document from text; fails the test if it is not JSON. */
static json_t *json_of(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, JSON_REJECT_DUPLICATES | JSON_DISABLE_EOF_CHECK, &e);
    cr_assert_not_null(j, "not JSON (%s): %s", e.text, text);
    return j;
}

Test(cli, help_version_and_unknown_command)
{
    struct run_result r = run("help", NULL);
    EXPECT(r, 0, out, "classify");
    cr_assert(strstr(r.out, "convert") && strstr(r.out, "refdata"));
    run_free(&r);
    r = run("version", NULL);
    EXPECT(r, 0, out, "massebank 0.");
    run_free(&r);
    r = run("frobnicate", NULL);
    EXPECT(r, 2, err, "unknown command 'frobnicate'");
    run_free(&r);
    r = run(NULL);
    cr_assert_eq(r.status, 2);
    run_free(&r);
    r = run("help", "convert", NULL);
    EXPECT(r, 0, out, "AMOUNT UNIT MATERIAL");
    run_free(&r);
}

Test(cli, convert_issue_example)
{
    struct run_result r = run("convert", "12000", "lm3", "rock.blasted", "--to", "t", NULL);
    EXPECT(r, 0, out, "12000 lm3 rock.blasted = 21600 t");
    cr_assert(strstr(r.out, "estimate"), "factors must be labelled: %s", r.out);
    run_free(&r);
    r = run("convert", "8 000", "fm3", "R.SPR", NULL);
    EXPECT(r, 0, out, "= 21600 t = 8000 fm3 = 12000 lm3");
    run_free(&r);
    r = run("convert", "1,5", "t", "soil.clay", "--to=fm3", "--json", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *j = json_of(r.out);
    cr_assert_float_eq(json_real_value(json_object_get(j, "result")), 1.5 / 1.9, 1e-9);
    cr_assert_float_eq(json_real_value(json_object_get(j, "lm3")), 1.5 / 1.9 * 1.3, 1e-9);
    json_decref(j);
    run_free(&r);
}

Test(cli, convert_bad_input)
{
    static const struct {
        const char *a[8];
        int status;
        const char *msg;
    } cases[] = {
        { { "convert", "12000", "m3", "rock.blasted", NULL }, 1, "unit: 'm3' does not say" },
        { { "convert", "-5", "t", "rock.blasted", NULL }, 1, "amount: must not be negative" },
        { { "convert", "12k", "t", "rock.blasted", NULL }, 1, "amount: '12k' is not a number" },
        { { "convert", "1,000.5", "t", "rock.blasted", NULL }, 1, "amount: " },
        { { "convert", "1e11", "t", "rock.blasted", NULL }, 1, "amount: " },
        { { "convert", "5", "kg", "rock.blasted", NULL }, 1, "unit: unknown unit 'kg'" },
        { { "convert", "5", "t", "rock.blast", NULL }, 1, "material: unknown material 'rock.blast'" },
        { { "convert", "5", "t", "rock.blasted", "--to", "m3", NULL }, 1, "--to: 'm3'" },
        { { "convert", "5", "t", NULL }, 2, "give AMOUNT UNIT MATERIAL" },
        { { "convert", "5", "t", "rock.blasted", "x", NULL }, 2, "too many" },
        { { "convert", "5", "t", "rock.blasted", "--to", NULL }, 2, "needs a value" },
        { { "convert", "5", "t", "rock.blasted", "--bogus", NULL }, 2, "unknown option" },
        { { "convert", "5", "t", "sprengstein\xFF", NULL }, 1, "argument 4: not valid UTF-8" },
        { { "convert", "5", "t", "rock.blasted", "--materials", "/nonexistent.csv", NULL }, 1,
          "cannot open /nonexistent.csv" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct run_result r = run_cli(cases[i].a);
        cr_assert_eq(r.status, cases[i].status, "case %zu: exit %d: %s", i, r.status, r.err);
        cr_assert(strstr(r.err, cases[i].msg), "case %zu: '%s' lacks '%s'", i, r.err,
                  cases[i].msg);
        cr_assert_str_eq(r.out, "", "case %zu printed output: %s", i, r.out);
        run_free(&r);
    }
}

Test(cli, materials_list_json_and_overlay)
{
    struct run_result r = run("materials", NULL);
    EXPECT(r, 0, out, "rock.blasted");
    cr_assert(strstr(r.out, "product.crushed.0-32") && strstr(r.out, "17 05 04"));
    run_free(&r);
    r = run("materials", "--json", NULL);
    json_t *j = json_of(r.out);
    cr_assert(json_array_size(j) >= 25);
    json_t *first = json_array_get(j, 0);
    cr_assert_str_eq(json_string_value(json_object_get(first, "code")), "rock.blasted");
    cr_assert_str_eq(json_string_value(json_object_get(first, "density_status")), "estimate");
    json_decref(j);
    run_free(&r);
    char *p = tmpfile_write("ov.csv", "code,density,density_status\nrock.blasted,2.75,V\n");
    r = run("convert", "1", "fm3", "rock.blasted", "--to", "t", "--materials", p, NULL);
    EXPECT(r, 0, out, "= 2.75 t");
    run_free(&r);
    free(p);
    p = tmpfile_write("ovbad.csv", "code,density\nrock.blasted,2.75\nrock.tbm,x\n");
    r = run("materials", "--materials", p, NULL);
    EXPECT(r, 1, err, "ovbad.csv line 3, density");
    cr_assert_str_eq(r.out, "");
    run_free(&r);
    free(p);
}

Test(cli, classify_arguments)
{
    struct run_result r = run("classify", "As=12", "Pb=80", "PAH16=<0,5", NULL);
    EXPECT(r, 0, out, "class 2 (God / Good)");
    cr_assert(strstr(r.out, "decided by As"), "%s", r.out);
    run_free(&r);
    r = run("classify", "pb=700", "--json", NULL);
    json_t *j = json_of(r.out);
    cr_assert_eq(json_integer_value(json_object_get(j, "class")), 4);
    json_t *d = json_object_get(j, "decided_by");
    cr_assert_str_eq(json_string_value(json_object_get(d, "substance")), "Pb");
    cr_assert_eq(json_real_value(json_object_get(d, "limit")), 300);
    cr_assert_eq(json_real_value(json_object_get(d, "over_by")), 400);
    cr_assert(json_is_false(json_object_get(j, "clean")));
    json_decref(j);
    run_free(&r);
    r = run("classify", "Zn=30000", NULL);
    EXPECT(r, 0, out, "HAZARDOUS");
    run_free(&r);
    r = run("classify", "Toluen=0,5", "As=2", NULL);
    EXPECT(r, 0, out, "site-specific risk assessment");
    run_free(&r);
    r = run("classify", "As=2", "Pb=5", NULL);
    EXPECT(r, 0, out, "clean masses");
    run_free(&r);
}

Test(cli, classify_bad_arguments)
{
    static const struct {
        const char *a[6];
        int status;
        const char *msg;
    } cases[] = {
        { { "classify", "Xx=1", NULL }, 1, "Xx: unknown substance 'Xx'" },
        { { "classify", "Pb=-3", NULL }, 1, "Pb: a concentration cannot be negative" },
        { { "classify", "Pb=abc", NULL }, 1, "Pb: 'abc' is not a concentration" },
        { { "classify", "Pb", NULL }, 1, "SUBSTANCE=VALUE" },
        { { "classify", "=5", NULL }, 1, "SUBSTANCE=VALUE" },
        { { "classify", "Pb=1", "bly=2", NULL }, 1, "twice" },
        { { "classify", "Pb=>50", NULL }, 1, "lower bound" },
        { { "classify", NULL }, 2, "not both" },
        { { "classify", "Pb=1", "--csv", "x.csv", NULL }, 2, "not both" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct run_result r = run_cli(cases[i].a);
        cr_assert_eq(r.status, cases[i].status, "case %zu: exit %d: %s", i, r.status, r.err);
        cr_assert(strstr(r.err, cases[i].msg), "case %zu: '%s' lacks '%s'", i, r.err,
                  cases[i].msg);
        cr_assert_str_eq(r.out, "");
        run_free(&r);
    }
}

Test(cli, classify_csv_norwegian_lab_export)
{
    /* Semicolons, decimal commas, '<' values, an empty (not analysed) cell,
     * a comment column, a BOM: as a Norwegian spreadsheet exports it. */
    char *p = tmpfile_write("lab.csv",
        "\xEF\xBB\xBFPrøve;As;Pb;Cd;PAH16;Kommentar\n"
        "P1;2,1;15;<0,2;0,5;ren\n"
        "P2;25;180;0,4;;fylling\n"
        "P3;4;2600;1;1;\n");
    char *out = tmpfile_path("result.jsonl");
    struct run_result r = run("classify", "--csv", p, "--json", "-o", out, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "", "with -o nothing goes to stdout");
    run_free(&r);
    char *text = file_read(out);
    cr_assert_not_null(text);
    int classes[3], n = 0;
    const char *ids[3] = { "P1", "P2", "P3" };
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        cr_assert(n < 3);
        json_t *j = json_of(line);
        cr_assert_str_eq(json_string_value(json_object_get(j, "sample")), ids[n]);
        classes[n] = (int)json_integer_value(json_object_get(j, "class"));
        if (n == 2)
            cr_assert(json_is_true(json_object_get(j, "likely_hazardous_waste")));
        json_decref(j);
        n++;
    }
    cr_assert_eq(n, 3);
    cr_assert_eq(classes[0], 1);
    cr_assert_eq(classes[1], 3); /* Pb 180, As 25: both class 3; Pb 1.8x vs As 1.25x */
    cr_assert_eq(classes[2], 5);
    free(text);
    free(out);
    free(p);
}

/* A bad CSV names line and column, and leaves an existing output file as it was. */
static void csv_refused(const char *name, const char *csv, size_t len, const char *msg)
{
    char *p = tmpfile_write_n(name, csv, len);
    char *out = tmpfile_write("keep.txt", "previous results\n");
    struct run_result r = run("classify", "--csv", p, "-o", out, NULL);
    cr_assert_eq(r.status, 1, "%s: exit %d: %s", name, r.status, r.err);
    cr_assert(strstr(r.err, msg), "%s: '%s' lacks '%s'", name, r.err, msg);
    char *kept = file_read(out);
    cr_assert_str_eq(kept, "previous results\n", "%s overwrote the output", name);
    free(kept);
    run_free(&r);
    free(out);
    free(p);
}

Test(cli, classify_csv_bad_input_writes_nothing)
{
#define S(x) x, sizeof(x) - 1
    csv_refused("c1.csv", S("sample,Pb\nA,10\nB,-4\n"), "line 3, Pb: a concentration cannot be negative");
    csv_refused("c2.csv", S("sample,Pb\nA,10\nB,ti\n"), "line 3, Pb: 'ti' is not");
    csv_refused("c3.csv", S("sample,Pb,Foo\nA,10,1\n"), "column 'Foo'");
    csv_refused("c4.csv", S("sample,Pb,As\nA,10\n"), "line 2: 2 fields");
    csv_refused("c5.csv", S("sample,Pb\nA,\n"), "line 2: no lab results");
    csv_refused("c6.csv", S("sample,Pb\n"), "has no samples");
    csv_refused("c7.csv", S("sample,Pb,Bly\nA,1,2\n"), "same substance");
    csv_refused("c8.csv", S("sample,Pb\nBl\xE5,1\n"), "line 2: not valid UTF-8");
    csv_refused("c9.csv", S("sample,Pb\n\"A,1\n"), "quote");
#undef S
    char *out = tmpfile_path("never.txt");
    struct run_result r = run("classify", "--csv", "/nonexistent/lab.csv", "-o", out, NULL);
    EXPECT(r, 1, err, "cannot open /nonexistent/lab.csv");
    cr_assert_null(file_read(out), "no output file may appear");
    run_free(&r);
    free(out);
}

Test(cli, coord_and_distance)
{
    struct run_result r = run("coord", "63.4305", "10.3951", "--json", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *j = json_of(r.out);
    json_t *z = json_object_get(j, "EPSG:25832");
    cr_assert_float_eq(json_real_value(json_object_get(z, "easting")), 569618.6, 0.5);
    cr_assert_float_eq(json_real_value(json_object_get(z, "northing")), 7034313.8, 0.5);
    cr_assert_eq(json_integer_value(json_object_get(j, "usual_utm_epsg")), 25832);
    json_decref(j);
    run_free(&r);
    /* Back from UTM 32 to WGS84. */
    r = run("coord", "--from", "EPSG:25832", "569618.6", "7034313.8", "--json", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    j = json_of(r.out);
    cr_assert_float_eq(json_real_value(json_object_get(j, "lat")), 63.4305, 1e-5);
    cr_assert_float_eq(json_real_value(json_object_get(j, "lon")), 10.3951, 1e-5);
    json_decref(j);
    run_free(&r);
    r = run("coord", "63,4305", "10,3951", NULL);
    EXPECT(r, 0, out, "63.430500 N 10.395100 E");
    run_free(&r);
    r = run("distance", "63.4305,10.3951", "59.9139;10.7522", NULL);
    EXPECT(r, 0, out, "km great circle");
    run_free(&r);
}

Test(cli, coord_bad_input)
{
    static const struct {
        const char *a[7];
        int status;
        const char *msg;
    } cases[] = {
        { { "coord", "10.39", "63.43", NULL }, 1, "position: 10.39000 N 63.43000 E is outside Norway" },
        { { "coord", "55.68", "12.57", NULL }, 1, "outside Norway" },
        { { "coord", "95", "10", NULL }, 1, "latitude 95" },
        { { "coord", "north", "10", NULL }, 1, "position: 'north' is not a number" },
        { { "coord", "--from", "3857", "1", "2", NULL }, 1, "--from: '3857' is not a supported" },
        { { "coord", "--from", "25832", "1e9", "1e9", NULL }, 1, "not a UTM coordinate" },
        { { "coord", "63.4", NULL }, 2, "two numbers" },
        { { "distance", "63.4305", "59.9,10.7", NULL }, 1, "from: '63.4305' is not a position" },
        { { "distance", "63.4,10.4", "48.85,2.35", NULL }, 1, "to: " },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct run_result r = run_cli(cases[i].a);
        cr_assert_eq(r.status, cases[i].status, "case %zu: exit %d: %s", i, r.status, r.err);
        cr_assert(strstr(r.err, cases[i].msg), "case %zu: '%s' lacks '%s'", i, r.err,
                  cases[i].msg);
        cr_assert_str_eq(r.out, "");
        run_free(&r);
    }
    struct run_result r = run("coord", "55.68", "12.57", "--anywhere", NULL);
    cr_assert_eq(r.status, 0, "--anywhere accepts Copenhagen: %s", r.err);
    run_free(&r);
}

Test(cli, refdata_reports_inconsistencies)
{
    struct run_result r = run("refdata", NULL);
    EXPECT(r, 0, out, "WARNING landfills.csv line 19: Furufjellgrønt appears again");
    cr_assert(strstr(r.out, "1508219"), "%s", r.out);
    run_free(&r);
    r = run("refdata", "--strict", NULL);
    cr_assert_eq(r.status, 1, "--strict fails on warnings");
    run_free(&r);
    r = run("refdata", "--json", NULL);
    cr_assert_eq(r.status, 0);
    json_t *j = json_of(r.out);
    cr_assert_eq(json_array_size(json_object_get(j, "landfills")), 15);
    cr_assert(json_array_size(json_object_get(j, "findings")) >= 7);
    json_decref(j);
    run_free(&r);
    r = run("refdata", "--dir", "/nonexistent", NULL);
    EXPECT(r, 1, err, "cannot open /nonexistent/landfills.csv");
    cr_assert_str_eq(r.out, "");
    run_free(&r);
}

Test(cli, demo_is_the_main_job)
{
    struct run_result r = run("demo", NULL);
    EXPECT(r, 0, out, "Trondheim");
    cr_assert(strstr(r.out, "20000 fm3 of blasted rock = 54000 t = 30000 lm3"), "%s", r.out);
    run_free(&r);
}
