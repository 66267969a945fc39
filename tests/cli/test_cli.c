/*
 * test_cli.c - end-to-end tests: run the built `massebank` binary as a user
 * would and check exit status, output and error messages. Bad input must
 * give a message naming the field (in valid UTF-8), a non-zero exit, and no
 * output file; -o replaces its target atomically, keeps its mode, writes
 * through links, never overwrites the input, and "-o -" is standard output.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/run.h"
#include "core/csvtable.h"
#include "core/text.h"
#include "store/store.h"
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
    EXPECT(r, 0, out, "= 21600 t = 8000 fm3 = 12000 lm3 = 11200 pm3 placed");
    run_free(&r);
    /* Placed (compacted) m3, what a landfill fills: blasted rock 1.4 per fm3. */
    r = run("convert", "1400", "pam3", "rock.blasted", "--to", "fm3", NULL);
    EXPECT(r, 0, out, "1400 pm3 rock.blasted = 1000 fm3");
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
    cr_assert(strstr(r.out, "CONTAMINATED, no class: Toluen is above its normverdi"), "%s",
              r.out);
    cr_assert_null(strstr(r.out, "Meget god"), "%s", r.out);
    run_free(&r);
    r = run("classify", "As=2", "Pb=5", NULL);
    EXPECT(r, 0, out, "no analysed substance above its normverdi");
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
        { { "classify", NULL }, 2, "one of them" },
        { { "classify", "Pb=1", "--csv", "x.csv", NULL }, 2, "one of them" },
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
    csv_refused("c1.csv", S("sample,Pb\nA,10\nB,-4\n"), "c1.csv line 3, Pb: a concentration cannot be negative");
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

Test(cli, roads_build_and_route_on_the_fjord)
{
    /* As a municipality would: build the region's road database from an
     * extract, then ask for drives (tests/roads/test_roads.c checks the
     * figures against the file's coordinates; here the command line). */
    char osm[4200];
    snprintf(osm, sizeof osm, "%s/tests/data/roads/fjord.osm", getenv("MB_SOURCE_ROOT"));
    const char *dir = tmpfile_path("roads");
    struct run_result r = run("roads", "build", osm, "-o", dir, NULL);
    EXPECT(r, 0, out, "road database built in");
    run_free(&r);
    r = run("roads", "route", "--roads", dir, "63.400,10.300", "63.400,10.500", NULL);
    EXPECT(r, 0, out, "23.304 km by road");
    run_free(&r);
    r = run("roads", "route", "--roads", dir, "63.400,10.300", "63.400,10.500", "--shortest",
            "--json", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *j = json_of(r.out);
    cr_assert_str_eq(json_string_value(json_object_get(j, "status")), "road");
    cr_assert_float_eq(json_real_value(json_object_get(j, "km")), 9.967, 0.002);
    cr_assert_float_eq(json_real_value(json_object_get(j, "ferry_km")), 7.975, 0.002);
    cr_assert_eq(json_integer_value(json_object_get(j, "ferry_crossings")), 1);
    json_decref(j);
    run_free(&r);
    r = run("roads", "route", "--roads", dir, "63.44,10.40", "63.400,10.500", NULL);
    EXPECT(r, 0, out, "no road distance: a point has no road");
    run_free(&r);
    const struct {
        const char *a[9];
        int status;
        const char *msg;
    } bad[] = {
        { { "roads", "build", osm, "-o", NULL }, 2, "roads build EXTRACT" },
        { { "roads", "build", "/no/such.osm", "-o", "/tmp/x", NULL }, 1, "extract: /no/such.osm" },
        { { "roads", "route", "--roads", "/no/such/dir", "63.4,10.3", "63.4,10.5", NULL }, 1,
          "roads: /no/such/dir: no road database here" },
        { { "roads", "route", "--roads", "DIR", "63.4;10.3", "63.4,10.5", NULL }, 1,
          "from: '63.4;10.3' is not a position" },
        { { "roads", "route", "--roads", "DIR", "63.4,10.3", "95,10.5", NULL }, 1, "to: latitude" },
        { { "roads", "route", "--roads", "DIR", "63.4,10.3", "63.4,10.5", "--weight", "60",
            NULL }, 1, "vehicle: weight 0-51 t" },
        { { "roads", "fly", NULL }, 2, "roads build EXTRACT" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *a[9];
        for (size_t k = 0; k < 9; k++)
            a[k] = bad[i].a[k] && strcmp(bad[i].a[k], "DIR") == 0 ? dir : bad[i].a[k];
        r = run_cli(a);
        cr_assert_eq(r.status, bad[i].status, "case %zu: exit %d: %s", i, r.status, r.err);
        cr_assert(strstr(r.err, bad[i].msg), "case %zu: '%s' lacks '%s'", i, r.err, bad[i].msg);
        cr_assert_str_eq(r.out, "");
        run_free(&r);
    }
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

/* True if s is valid UTF-8 (messages go into JSON for the server). */
static bool utf8_ok(const char *s)
{
    return mb_utf8_valid(s, strlen(s), NULL);
}

Test(cli, coord_huge_epsg_refused)
{
    /* F1: under UBSan this aborted (float-cast-overflow). */
    struct run_result r = run("coord", "--from", "1e300", "1", "2", NULL);
    EXPECT(r, 1, err, "--from: '1e300' is not a supported coordinate system");
    cr_assert_str_eq(r.out, "");
    run_free(&r);
}

Test(cli, classify_csv_hash_sample_is_data)
{
    /* F2: sample "#2" with Pb 5000 must not disappear. */
    char *p = tmpfile_write("h.csv", "sample,Pb,As\nP1,5,3\n#2,5000,3\nP3,1,1\n");
    struct run_result r = run("classify", "--csv", p, NULL);
    EXPECT(r, 0, out, "#2: above class 5 - likely HAZARDOUS WASTE");
    cr_assert(strstr(r.out, "P1:") && strstr(r.out, "P3:"), "%s", r.out);
    run_free(&r);
    free(p);
}

Test(cli, classify_csv_lone_cr)
{
    /* F3 */
    char *p = tmpfile_write("cr.csv", "# note\rsample,Pb\rP1,5\r");
    struct run_result r = run("classify", "--csv", p, NULL);
    EXPECT(r, 0, out, "P1: class 1");
    run_free(&r);
    free(p);
    p = tmpfile_write("cr2.csv", "sample,Pb\rP1,5\rP2,x\r");
    r = run("classify", "--csv", p, NULL);
    EXPECT(r, 1, err, "cr2.csv line 3, Pb: 'x' is not");
    run_free(&r);
    free(p);
}

Test(cli, classify_csv_literal_quote_in_field)
{
    /* F4: 12" is a literal quote, not the start of a quoted field. */
    char *p = tmpfile_write("q2.csv", "sample,Pb,note\nP1,5,12\" pipe\nP2,6,x\n");
    struct run_result r = run("classify", "--csv", p, NULL);
    EXPECT(r, 0, out, "P2: class 1");
    run_free(&r);
    free(p);
}

Test(cli, materials_csv_quotes_fields)
{
    /* F5: a '"' in a name is doubled; the output reads back as written. */
    char *ov = tmpfile_write("qov.csv", "code,group,name_nb,name_en,density,bulking\n"
                             "new.x,rock,\"a,b\",\"c\"\"d\",2.5,1.4\n");
    struct run_result r = run("materials", "--csv", "--materials", ov, NULL);
    EXPECT(r, 0, out, "new.x,rock,\"a,b\",\"c\"\"d\",2.500,1.400,");
    struct mb_csv_table t;
    struct mb_error err;
    cr_assert_eq(mb_csv_parse(&t, r.out, strlen(r.out), "out.csv", &err), 0, "%s",
                 err.message);
    const struct mb_csv_row *last = &t.rows[t.nrows - 1];
    cr_assert_str_eq(mb_csv_get(last, mb_csv_column(&t, "name_nb")), "a,b");
    cr_assert_str_eq(mb_csv_get(last, mb_csv_column(&t, "name_en")), "c\"d");
    cr_assert_str_eq(mb_csv_get(&t.rows[0], mb_csv_column(&t, "ewc_hazardous")),
                     "17 05 03*");
    mb_csv_release(&t);
    run_free(&r);
    free(ov);
}

Test(cli, duplicate_column_in_overlay_refused)
{
    /* F6 */
    char *ov = tmpfile_write("dup.csv", "code,density,density\nrock.blasted,2.5,3.0\n");
    struct run_result r = run("convert", "1", "fm3", "rock.blasted", "--materials", ov,
                              NULL);
    EXPECT(r, 1, err, "column 'density' appears twice");
    cr_assert_str_eq(r.out, "");
    run_free(&r);
    free(ov);
}

Test(cli, output_may_not_be_the_input)
{
    /* F8: -o in.csv would have replaced the lab data with the results. */
    const char *lab = "sample,Pb\nA,10\n";
    char *in = tmpfile_write("in.csv", lab);
    struct run_result r = run("classify", "--csv", in, "-o", in, NULL);
    EXPECT(r, 1, err, "is the input file");
    run_free(&r);
    char *kept = file_read(in);
    cr_assert_str_eq(kept, lab);
    free(kept);
    /* The same file through a link is the same file. */
    char *link = tmpfile_path("in-link.csv");
    cr_assert_eq(symlink(in, link), 0);
    r = run("classify", "--csv", in, "-o", link, NULL);
    EXPECT(r, 1, err, "is the input file");
    run_free(&r);
    kept = file_read(in);
    cr_assert_str_eq(kept, lab);
    free(kept);
    free(link);
    free(in);
}

/* Names in directory `dir` other than . and .., joined by spaces. */
static void dir_names(const char *dir, char *buf, size_t n)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "%s", dir);
    size_t len = 0;
    buf[0] = '\0';
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            len += (size_t)snprintf(buf + len, len < n ? n - len : 0, "%s ", e->d_name);
    closedir(d);
}

Test(cli, output_keeps_the_mode)
{
    /* F8: a 0600 file became 0644; no temporary file may be left behind. */
    char *in = tmpfile_write("lab2.csv", "sample,Pb\nA,10\n");
    char *dir = tmpfile_path("o");
    cr_assert_eq(mkdir(dir, 0700), 0);
    char *out = tmpfile_write("o/res.txt", "old\n");
    cr_assert_eq(chmod(out, 0600), 0);
    struct run_result r = run("classify", "--csv", in, "-o", out, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_free(&r);
    struct stat st;
    cr_assert_eq(stat(out, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600, "mode %o", (unsigned)(st.st_mode & 0777));
    char *text = file_read(out);
    cr_assert(strstr(text, "A: class 1"), "%s", text);
    free(text);
    char names[512];
    dir_names(dir, names, sizeof names);
    cr_assert_str_eq(names, "res.txt ");
    free(dir);
    free(out);
    free(in);
}

Test(cli, output_writes_through_a_link)
{
    /* F8: the link was replaced by a regular file. */
    char *dir = tmpfile_path("l");
    cr_assert_eq(mkdir(dir, 0700), 0);
    char *out = tmpfile_write("l/res.txt", "old\n");
    char *link = tmpfile_path("l/link.txt");
    cr_assert_eq(symlink("res.txt", link), 0); /* relative, as ln -s makes them */
    struct run_result r = run("classify", "Pb=700", "-o", link, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_free(&r);
    struct stat st;
    cr_assert_eq(lstat(link, &st), 0);
    cr_assert(S_ISLNK(st.st_mode), "the link was replaced by a file");
    char *text = file_read(out);
    cr_assert(strstr(text, "class 4"), "%s", text);
    free(text);
    char names[512];
    dir_names(dir, names, sizeof names);
    cr_assert(strlen(names) == strlen("res.txt link.txt "), "%s", names);
    free(link);
    free(out);
    free(dir);
}

Test(cli, output_temp_file_named_apart_from_the_target)
{
    /* F8: the temporary file was PATH.tmpPID, which a name near NAME_MAX
     * (255 bytes) cannot take; it is now made by mkstemp beside PATH. */
    char name[256];
    memset(name, 'r', 250);
    memcpy(name + 250, ".txt", 5);
    char *out = tmpfile_path(name);
    struct run_result r = run("classify", "Pb=80", "-o", out, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_free(&r);
    char *text = file_read(out);
    cr_assert_not_null(text);
    cr_assert(strstr(text, "class 2"), "%s", text);
    free(text);
    free(out);
}

Test(cli, output_dash_is_standard_output)
{
    /* F8: "-o -" writes to standard output, not to a file named "-". */
    cr_assert_eq(chdir(tmpdir()), 0);
    struct run_result r = run("classify", "Pb=80", "-o", "-", NULL);
    EXPECT(r, 0, out, "class 2");
    run_free(&r);
    struct stat st;
    cr_assert_neq(stat("-", &st), 0, "a file named '-' was created");
    r = run("classify", "Pb=80", "-o", tmpdir(), NULL);
    EXPECT(r, 1, err, "is a directory");
    run_free(&r);
}

/* Each case exits 1 with a message containing msg and prints nothing. */
struct refusal {
    const char *a[6];
    const char *msg;
};

static void refused(const struct refusal *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct run_result r = run_cli(cases[i].a);
        cr_assert_eq(r.status, 1, "case %zu: exit %d: %s", i, r.status, r.err);
        cr_assert(strstr(r.err, cases[i].msg), "case %zu: '%s' lacks '%s'", i, r.err,
                  cases[i].msg);
        cr_assert_str_eq(r.out, "");
        run_free(&r);
    }
}

Test(cli, digit_groups_of_three_only)
{
    /* W1: "1 5" gave 15 t, "Pb=5 6" Pb 56, "As=0,5 9" As 0.59. */
    static const struct refusal cases[] = {
        { { "convert", "1 5", "t", "rock.blasted", NULL }, "amount: '1 5' is not a number" },
        { { "classify", "Pb=5 6", NULL }, "Pb: '5 6' is not a number" },
        { { "classify", "As=0,5 9", NULL }, "As: '0,5 9'" },
    };
    refused(cases, sizeof cases / sizeof *cases);
    struct run_result r = run("convert", "12 000", "t", "rock.blasted", "--to", "t", NULL);
    EXPECT(r, 0, out, "12000 t rock.blasted = 12000 t");
    run_free(&r);
}

Test(cli, comma_thousands_refused_as_ambiguous)
{
    /* W2: "1,500" gave 1.5 t. */
    static const struct refusal cases[] = {
        { { "convert", "1,500", "t", "rock.blasted", NULL }, "amount: '1,500' is ambiguous: "
          "write 1500 for the whole number or 1.5 for the decimal" },
        { { "classify", "Pb=12,500", NULL }, "12500" },
    };
    refused(cases, sizeof cases / sizeof *cases);
    struct run_result r = run("convert", "0,500", "t", "rock.blasted", "--to", "t", NULL);
    EXPECT(r, 0, out, "0.5 t rock.blasted = 0.5 t");
    run_free(&r);
}

Test(cli, tiny_and_long_numbers_named)
{
    /* M1: not "is not a number". */
    char digits[101];
    memset(digits, '9', 100);
    digits[100] = '\0';
    const struct refusal cases[] = {
        { { "convert", "1e-400", "t", "rock.blasted", NULL }, "'1e-400' is too small" },
        { { "convert", "4e-320", "t", "rock.blasted", NULL }, "too small" },
        { { "convert", digits, "t", "rock.blasted", NULL }, "too many digits" },
    };
    refused(cases, sizeof cases / sizeof *cases);
}

Test(cli, convert_prints_plain_decimals)
{
    /* W4: 12345678 t came back as 1.23457e+07 t. */
    struct run_result r = run("convert", "12345678", "t", "rock.blasted", NULL);
    EXPECT(r, 0, out, "12345678 t rock.blasted = 12345678 t = 4572473.33333 fm3 = "
           "6858710 lm3");
    run_free(&r);
    r = run("convert", "1e10", "lm3", "rock.blasted", "--to", "t", NULL);
    EXPECT(r, 0, out, "10000000000 lm3 rock.blasted = 18000000000 t");
    run_free(&r);
    r = run("convert", "0,001", "t", "soil.clay", "--to", "fm3", NULL);
    EXPECT(r, 0, out, "0.001 t soil.clay = 0.000526315789474 fm3");
    run_free(&r);
}

Test(cli, negative_zero_prints_as_zero)
{
    /* W5 */
    struct run_result r = run("convert", "-0", "t", "rock.blasted", NULL);
    EXPECT(r, 0, out, "0 t rock.blasted = 0 t = 0 fm3 = 0 lm3");
    cr_assert_null(strstr(r.out, "-0"), "%s", r.out);
    run_free(&r);
    r = run("classify", "bly=-0", NULL);
    EXPECT(r, 0, out, "Pb 0 mg/kg");
    run_free(&r);
}

Test(cli, coord_swap_hint_only_when_it_helps)
{
    /* M2 */
    struct run_result r = run("coord", "0", "0", NULL);
    EXPECT(r, 1, err, "outside Norway");
    cr_assert_null(strstr(r.err, "swapped"), "%s", r.err);
    run_free(&r);
    r = run("coord", "40", "-100", NULL);
    EXPECT(r, 1, err, "outside Norway");
    cr_assert_null(strstr(r.err, "swapped"), "%s", r.err);
    run_free(&r);
    r = run("coord", "10.39", "63.43", NULL);
    EXPECT(r, 1, err, "swapped");
    run_free(&r);
}

Test(cli, coord_outside_point_printed_precisely)
{
    /* M3: was "71.40000 N 31.30000 E is outside Norway (latitude 57.9-71.4". */
    struct run_result r = run("coord", "71.40000001", "31.3", NULL);
    EXPECT(r, 1, err, "71.40000001 N 31.30000 E is outside Norway");
    run_free(&r);
}

Test(cli, classify_single_column_suggests_semicolon)
{
    /* M4: a one-column Norwegian file. */
    char *p = tmpfile_write("one.csv", "Pb\n0,5\n");
    struct run_result r = run("classify", "--csv", p, NULL);
    EXPECT(r, 1, err, "one.csv line 2: 2 fields, but the header has 1");
    cr_assert(strstr(r.err, "';'"), "%s", r.err);
    run_free(&r);
    free(p);
}

Test(cli, classify_not_detected_in_words)
{
    /* M5: i.p. is not "<0". */
    struct run_result r = run("classify", "Pb=I.P.", NULL);
    EXPECT(r, 0, out, "highest relative to its normverdi: Pb not detected");
    cr_assert_null(strstr(r.out, "<0"), "%s", r.out);
    run_free(&r);
}

Test(cli, classify_csv_directory_named)
{
    /* M8 */
    struct run_result r = run("classify", "--csv", tmpdir(), NULL);
    EXPECT(r, 1, err, "is a directory");
    run_free(&r);
}

Test(cli, classify_long_substance_name_shown)
{
    /* M9: was "substance: name too long". */
    char arg[6000];
    memset(arg, 'P', 5000);
    memcpy(arg + 5000, "=5", 3);
    struct run_result r = run("classify", arg, NULL);
    EXPECT(r, 1, err, "unknown substance 'PPPPPPPPPP");
    cr_assert(strstr(r.err, "massebank: PPPPPPPPPP"), "%s", r.err);
    cr_assert(strlen(r.err) < 400, "%zu bytes", strlen(r.err));
    run_free(&r);
}

Test(cli, classify_row_errors_name_the_file)
{
    /* M10: like parse errors, "lab.csv line 3". */
    char *p = tmpfile_write("m10.csv", "sample,Pb\nA,10\nB,-4\n");
    struct run_result r = run("classify", "--csv", p, NULL);
    EXPECT(r, 1, err, "m10.csv line 3, Pb: a concentration cannot be negative");
    run_free(&r);
    free(p);
    p = tmpfile_write("m10b.csv", "sample,Pb,Foo\nA,10,1\n");
    r = run("classify", "--csv", p, NULL);
    EXPECT(r, 1, err, "m10b.csv header: column 'Foo'");
    run_free(&r);
    free(p);
}

Test(cli, messages_are_valid_utf8)
{
    /* M6: '%.40s' cut an 'æ' in two. */
    char value[128] = "Pb=x", name[128] = "x";
    for (int i = 0; i < 30; i++) {
        memcpy(value + 4 + 2 * i, "\xC3\xA6", 3);
        memcpy(name + 1 + 2 * i, "\xC3\xA6", 3);
    }
    memcpy(name + strlen(name), "=5", 3);
    struct run_result r = run("classify", value, NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(utf8_ok(r.err), "%s", r.err);
    run_free(&r);
    r = run("classify", name, NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(utf8_ok(r.err), "%s", r.err);
    run_free(&r);
    r = run("distance", value, "63.4,10.4", NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(utf8_ok(r.err), "%s", r.err);
    run_free(&r);
}

Test(cli, trailing_tab_and_no_break_space)
{
    /* N1: a trailing space was accepted, a tab or U+00A0 was not. */
    struct run_result r = run("convert", "5\t", "t", "rock.blasted", NULL);
    EXPECT(r, 0, out, "5 t rock.blasted");
    run_free(&r);
    r = run("convert", "5\xC2\xA0", "t", "rock.blasted", NULL);
    EXPECT(r, 0, out, "5 t rock.blasted");
    run_free(&r);
    r = run("classify", "Pb=i.p.\t", NULL);
    EXPECT(r, 0, out, "not detected");
    run_free(&r);
}

Test(cli, classify_two_id_columns_refused)
{
    /* N2: the last id column won silently. */
    char *p = tmpfile_write("n2.csv", "sample,id,Pb\nA,B,1\n");
    struct run_result r = run("classify", "--csv", p, NULL);
    EXPECT(r, 1, err, "columns 'sample' and 'id' are both sample ids");
    run_free(&r);
    free(p);
    p = tmpfile_write("n2b.csv", "sample,Sample,Pb\nA,B,1\n");
    r = run("classify", "--csv", p, NULL);
    EXPECT(r, 1, err, "appears twice");
    run_free(&r);
    free(p);
}

Test(cli, classify_empty_excel_row_skipped)
{
    /* N3: Excel's trailing "," row. */
    char *p = tmpfile_write("n3.csv", "sample,Pb\nA,1\n,\n");
    struct run_result r = run("classify", "--csv", p, NULL);
    EXPECT(r, 0, out, "A: class 1");
    run_free(&r);
    free(p);
}

Test(cli, refdata_empty_dir_refused)
{
    /* N7: --dir "" read /landfills.csv. */
    struct run_result r = run("refdata", "--dir", "", NULL);
    EXPECT(r, 1, err, "dir: the directory name is empty");
    cr_assert_str_eq(r.out, "");
    run_free(&r);
}

/* Issue 14: leaching results, lab units in headers, natural background and
 * the landfill templates through the command line. */
Test(cli, classify_leaching_background_and_templates)
{
    struct run_result r = run("classify", "Pb=80", "L.Ba=25", "Cr=90", "--natural",
                              "--municipality", "5001", NULL);
    EXPECT(r, 0, out, "within the natural background 100 of Trondheim (5001)");
    cr_assert(strstr(r.out, "Inert waste landfill: NOT ACCEPTED - Ba leached at L/S = 10: "
                            "25 mg/kg is above the limit 20 mg/kg of the landfill template "
                            "'inert'"),
              "%s", r.out);
    cr_assert(strstr(r.out, "class 2 (God / Good)"), "%s", r.out);
    run_free(&r);
    /* without the background Cr 90 is class 2 and decides */
    r = run("classify", "Cr=90", NULL);
    EXPECT(r, 0, out, "class 2");
    run_free(&r);
    r = run("classify", "Cr=90", "--natural", "--municipality", "5001", "--json", NULL);
    EXPECT(r, 0, out, "\"within_background\":true");
    cr_assert(strstr(r.out, "\"verdict\":\"not_judged\""), "%s", r.out);
    cr_assert(strstr(r.out, "Faktaark 63"), "%s", r.out);
    run_free(&r);
    /* a CSV with the lab's units and a leaching column */
    char *p = tmpfile_write("units.csv", "Prøvenr,Pb (µg/kg),Ba (L/S=10),Sum PAH(16) EPA\n"
                                         "S1,80000,25,3\n");
    r = run("classify", "--csv", p, "--json", NULL);
    EXPECT(r, 0, out, "\"class\":2");
    cr_assert(strstr(r.out, "\"leached\":true"), "%s", r.out);
    run_free(&r);
    free(p);
    p = tmpfile_write("eluate.csv", "sample,Ba (mg/l)\nS1,2\n");
    r = run("classify", "--csv", p, NULL);
    EXPECT(r, 1, err, "eluate");
    cr_assert(strstr(r.err, "L/S = 10"), "%s", r.err);
    run_free(&r);
    free(p);
    r = run("classify", "Pb=80", "--natural", NULL);
    EXPECT(r, 2, err, "--municipality");
    run_free(&r);
    r = run("classify", "--list", NULL);
    EXPECT(r, 0, out, "PCE\tTetrakloreten\tmg/kg\t0.01\tS\tFF-V1");
    run_free(&r);
}

/* A published site straight into the store (the CLI has no command that
 * publishes one). */
static void stored_site(struct mb_store *st, int64_t org, enum mb_site_type type, double lat,
                        double lon)
{
    struct mb_site_rec r = { 0 };
    r.org_id = org;
    r.type = type;
    r.status = MB_STATUS_PUBLISHED;
    snprintf(r.title, sizeof r.title, "Sted");
    r.lat = lat;
    r.lon = lon;
    snprintf(r.material, sizeof r.material, "rock.blasted");
    char *mats[1] = { r.material };
    r.materials = mats;
    r.nmaterials = 1;
    r.cls = 1;
    r.amount_t = 100;
    r.from_m = MB_NO_MONTH_FROM;
    r.to_m = MB_NO_MONTH_TO;
    struct mb_error err;
    cr_assert_eq(mb_store_site_put(st, &r, &err), 0, "%s", err.message);
}

Test(cli, roads_fill_brings_a_market_up_to_date)
{
    char osm[4200];
    snprintf(osm, sizeof osm, "%s/tests/data/roads/fjord.osm", getenv("MB_SOURCE_ROOT"));
    const char *dir = tmpfile_path("roads-fill");
    struct run_result r = run("roads", "build", osm, "-o", dir, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_free(&r);
    const char *db = tmpfile_path("fill.db");
    struct mb_store *st;
    struct mb_error err;
    cr_assert_eq(mb_store_open(&st, db, &err), 0, "%s", err.message);
    struct mb_org o = { .name = "Fjord AS" };
    cr_assert_eq(mb_store_org_create(st, &o, &err), 0, "%s", err.message);
    stored_site(st, o.id, MB_TYPE_SUPPLY, 63.400, 10.300);
    stored_site(st, o.id, MB_TYPE_LANDFILL, 63.400, 10.500);
    stored_site(st, o.id, MB_TYPE_LANDFILL, 63.460, 10.500);
    mb_store_close(st);
    r = run("roads", "fill", "--db", db, "--roads", dir, "--json", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *j = json_of(r.out);
    cr_assert_eq(json_integer_value(json_object_get(j, "sites")), 3);
    cr_assert_eq(json_integer_value(json_object_get(j, "routed")), 2, "W to each landfill");
    json_decref(j);
    run_free(&r);
    /* Again, every site: nothing left to route. */
    r = run("roads", "fill", "--db", db, "--roads", dir, "--all", NULL);
    EXPECT(r, 0, out, "3 sites: 4 pairs, 0 of them routed now");
    run_free(&r);
    r = run("roads", "fill", "--db", "/no/such.db", "--roads", dir, NULL);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "--db"), "%s", r.err);
    run_free(&r);
    r = run("roads", "fill", "--db", db, "--roads", "/no/such/dir", NULL);
    EXPECT(r, 1, err, "no road database here");
    run_free(&r);
    r = run("roads", "fill", "--db", db, NULL);
    EXPECT(r, 2, err, "roads fill --db FILE --roads DIR");
    run_free(&r);
}
