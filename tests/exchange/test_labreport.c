/*
 * test_labreport.c - lab reports as labs export them: the long layout
 * (a row per analysis, Eurofins/ALS style) and the wide one (a row per
 * sample, units in the header or in a units row), depths, UTM and WGS84
 * positions, "<" values and decimal commas, skipped dry-matter rows, and
 * every refusal with its row and column named.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "domain/quality.h"
#include "exchange/labreport.h"
#include "exchange/sheet.h"

static struct mb_class_table tab;

static void setup(void)
{
    struct mb_error err;
    cr_assert_eq(mb_class_table_init(&tab, &err), 0, "%s", err.message);
}

static void teardown(void)
{
    mb_class_table_release(&tab);
}

TestSuite(labreport, .init = setup, .fini = teardown);

static int read_csv(const char *csv, struct mb_lab_report *rep, struct mb_error *err)
{
    struct mb_xchg_sheet s;
    int rc = mb_xchg_sheet_from_csv(&s, csv, strlen(csv), "lab.csv", err);
    if (rc)
        return rc;
    rc = mb_labrep_read(&tab, &s, "lab.csv", rep, err);
    mb_xchg_sheet_release(&s);
    return rc;
}

static const struct mb_measurement *find(const struct mb_lab_sample *x, const char *code,
                                         bool leached)
{
    for (size_t i = 0; i < x->n; i++)
        if (strcmp(x->m[i].substance->code, code) == 0 && x->m[i].leached == leached)
            return &x->m[i];
    return NULL;
}

Test(labreport, long_layout_as_eurofins_exports_it)
{
    const char *csv =
        "Prøvenr;Dybde;Parameter;Resultat;Enhet;Metode\n"
        "SK1;0-1;As (Arsen);2,5;mg/kg TS;ICP-MS\n"
        "SK1;0-1;Pb (Bly);85;mg/kg TS;ICP-MS\n"
        "SK1;0-1;Sum PAH(16) EPA;<0,5;mg/kg TS;GC-MS\n"
        "SK1;0-1;Tørrstoff;85,2;%;\n"
        "SK1;0-1;Ba;25;mg/kg;NS-EN 12457-2 (L/S=10)\n"
        "SK2;1,0–2,0 m;Cd;300;µg/kg;ICP-MS\n"
        "SK2;1,0–2,0 m;Klorid;900;mg/kg (L/S=10);\n";
    struct mb_lab_report rep;
    struct mb_error err;
    cr_assert_eq(read_csv(csv, &rep, &err), 0, "%s: %s", err.field, err.message);
    cr_assert(rep.long_layout);
    cr_assert_eq(rep.n, 2);
    const struct mb_lab_sample *a = &rep.samples[0], *b = &rep.samples[1];
    cr_assert_str_eq(a->id, "SK1");
    cr_assert_eq(a->depth_from, 0);
    cr_assert_eq(a->depth_to, 1);
    cr_assert_eq(a->n, 4, "dry matter is skipped");
    cr_assert_float_eq(find(a, "As", false)->value, 2.5, 1e-12);
    cr_assert(find(a, "PAH16", false)->below_loq);
    cr_assert_float_eq(find(a, "Ba", true)->value, 25, 1e-12);
    cr_assert_eq(b->depth_from, 1);
    cr_assert_eq(b->depth_to, 2);
    cr_assert_float_eq(find(b, "Cd", false)->value, 0.3, 1e-12);
    cr_assert_not_null(find(b, "Cl", true));
    json_t *j = mb_labrep_json(&rep);
    cr_assert_eq(json_array_size(j), 2);
    cr_assert_eq(json_number_value(json_object_get(json_array_get(j, 1), "depth_to_m")), 2);
    json_decref(j);
    mb_labrep_release(&rep);
}

/* A bare "%" after a symbol is the unit, not noise to fold away. */
Test(labreport, a_percent_unit_in_the_header)
{
    struct mb_lab_report rep;
    struct mb_error err;
    cr_assert_eq(read_csv("Prøve,Pb (%),Krom (III),Sum PAH(16),Arsen (As)\nA,\"0,02\",60,3,9\n",
                          &rep, &err), 0, "%s: %s", err.field, err.message);
    cr_assert_float_eq(find(&rep.samples[0], "Pb", false)->value, 200, 1e-9);
    cr_assert_float_eq(find(&rep.samples[0], "Cr", false)->value, 60, 1e-9);
    cr_assert_float_eq(find(&rep.samples[0], "PAH16", false)->value, 3, 1e-9);
    cr_assert_float_eq(find(&rep.samples[0], "As", false)->value, 9, 1e-9);
    mb_labrep_release(&rep);
}

Test(labreport, wide_layout_with_a_units_row_and_utm)
{
    const char *csv =
        "Prøve,Dybde fra,Dybde til,Nord,Øst,EPSG,Pb,Cd,Ba (L/S=10)\n"
        "Enhet,,,,,,mg/kg TS,µg/kg,mg/kg\n"
        "P1,0,1,6643000,597000,25832,40,300,5\n"
        "P2,\"0,5\",\"1,5\",6643050,597050,25832,120,<100,30\n";
    struct mb_lab_report rep;
    struct mb_error err;
    cr_assert_eq(read_csv(csv, &rep, &err), 0, "%s: %s", err.field, err.message);
    cr_assert_not(rep.long_layout);
    cr_assert_eq(rep.n, 2);
    const struct mb_lab_sample *b = &rep.samples[1];
    cr_assert_float_eq(find(b, "Cd", false)->value, 0.1, 1e-12);
    cr_assert(find(b, "Cd", false)->below_loq);
    cr_assert_float_eq(find(b, "Ba", true)->value, 30, 1e-12);
    cr_assert(b->has_pos);
    cr_assert(b->lat > 59.8 && b->lat < 60.0 && b->lon > 10.6 && b->lon < 10.8,
              "%f %f", b->lat, b->lon);
    cr_assert_eq(b->depth_from, 0.5);
    mb_labrep_release(&rep);
}

static void refused(const char *csv, const char *field, const char *msg)
{
    struct mb_lab_report rep;
    struct mb_error err;
    cr_assert_neq(read_csv(csv, &rep, &err), 0, "accepted: %s", csv);
    cr_assert_str_eq(err.field, field, "%s: %s", err.field, err.message);
    cr_assert(strstr(err.message, msg), "'%s' lacks '%s'", err.message, msg);
    cr_assert_null(rep.samples);
}

Test(labreport, bad_reports_are_refused_with_row_and_column)
{
    refused("Prøve,Pb\nA,-4\n", "lab.csv line 2, Pb", "negative");
    refused("Prøve,Pb\nA,mye\n", "lab.csv line 2, Pb", "not");
    refused("Prøve,Ba (mg/l)\nA,2\n", "lab.csv line 1, Ba (mg/l)", "eluate");
    refused("Prøve,Pb (ppb)\nA,2\n", "lab.csv line 1, Pb (ppb)", "unknown unit");
    refused("Prøve,Unobtainium\nA,2\n", "lab.csv", "sample A has no results");
    refused("Prøve,Dybde fra,Dybde til,Pb\nA,2,1,40\n", "lab.csv line 2, Dybde til",
            "below its bottom");
    refused("Prøve,Dybde,Pb\nA,-1,40\n", "lab.csv line 2, Dybde", "not");
    refused("Pb,Cd\n4,1\n", "lab.csv line 1", "no sample id column");
    refused("Prøvenr;Parameter;Resultat;Enhet\nA;Pb;2;mg/l\n", "lab.csv line 2, Enhet",
            "eluate");
    refused("Prøvenr;Parameter;Resultat\nA;Pb;2\nA;Bly;3\n", "lab.csv line 3, Resultat",
            "twice");
    refused("Prøve,Nord,Øst,Pb\nA,6643000,597000,4\n", "lab.csv line 2, Nord", "EPSG");
    refused("Prøve,lat,lon,Pb\nA,48.1,11.5,4\n", "lab.csv line 2, lat", "");
    refused("Prøve,Pb\n,4\n", "lab.csv line 2, Prøve", "empty");
    refused("Prøve,Pb\n\"A\nB\",4\n", "lab.csv line 3, Prøve", "control characters");
    refused("Prøve,Dybde fra,Dybde til,Pb\nA,-1,1,40\n", "lab.csv line 2, Dybde fra",
            "not negative");
}

/* Lines a standard soil package holds that the table does not judge
 * (congeners, single PAH compounds, L/S = 2 steps) are kept aside and
 * named, not refused; Eurofins' "Arsen (As)" reads; the client's marking
 * is the sample id when the lab's number is there too. */
Test(labreport, congeners_and_other_steps_are_named_not_refused)
{
    const char *csv =
        "Prøvenummer;Kundens prøvemerking;Parameter;Resultat;Enhet;Metode\n"
        "EUNO-1;SK1;Arsen (As);2,5;mg/kg TS;\n"
        "EUNO-1;SK1;PCB 153;<0,002;mg/kg TS;\n"
        "EUNO-1;SK1;Acenaftylen;<0,01;mg/kg TS;\n"
        "EUNO-1;SK1;Sum >C12-C35;45;mg/kg TS;\n"
        "EUNO-1;SK1;As;0,02;mg/kg;NS-EN 12457-3 L/S=2\n"
        "EUNO-1;SK1;Ba;12;mg/kg;NS-EN 12457-2\n";
    struct mb_lab_report rep;
    struct mb_error err;
    cr_assert_eq(read_csv(csv, &rep, &err), 0, "%s: %s", err.field, err.message);
    cr_assert_eq(rep.n, 1);
    cr_assert_str_eq(rep.samples[0].id, "SK1");
    cr_assert_float_eq(find(&rep.samples[0], "As", false)->value, 2.5, 1e-12);
    cr_assert_float_eq(find(&rep.samples[0], "C12-C35", false)->value, 45, 1e-12);
    cr_assert_null(find(&rep.samples[0], "As", true), "L/S = 2 is not L/S = 10");
    cr_assert_not_null(find(&rep.samples[0], "Ba", true));
    cr_assert_eq(rep.nskipped, 3);
    cr_assert_str_eq(rep.skipped[0], "PCB 153");
    cr_assert_str_eq(rep.skipped[1], "Acenaftylen");
    cr_assert(strstr(rep.skipped[2], "As (L/S = 2"), "%s", rep.skipped[2]);
    mb_labrep_release(&rep);
}

/* Found by fuzzing: a bottom depth without a top column named the top's
 * missing column. */
Test(labreport, a_bottom_without_a_top_column)
{
    struct mb_lab_report rep;
    struct mb_error err;
    cr_assert_neq(read_csv("Prøve,Dybde til,Pb\nA,1,4\n", &rep, &err), 0);
    cr_assert_str_eq(err.field, "lab.csv line 2, Dybde til");
    cr_assert(strstr(err.message, "top of the sample is missing"), "%s", err.message);
}
