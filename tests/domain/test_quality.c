/*
 * test_quality.c - condition classes (TA-2553/2009): the table against an
 * independent transcription, every class boundary from both sides, whole
 * samples, detection limits, flags and bad input (with messages that keep
 * the number parser's reason and stay valid UTF-8).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "core/text.h"
#include "domain/quality.h"

static struct mb_class_table tab;

static void setup(void)
{
    struct mb_error err;
    cr_assert_eq(mb_class_table_init(&tab, &err), 0, "%s: %s", err.field, err.message);
}

static void teardown(void)
{
    mb_class_table_release(&tab);
}

TestSuite(quality, .init = setup, .fini = teardown);

/* The rows verified against a consultant report reproducing TA-2553
 * (Multiconsult 128943-RIGm-RAP-001, tables 2-3), typed in here on their
 * own so a slip in data/condition-classes.csv is caught. mg/kg TS. */
static const struct {
    const char *code;
    double b[5];
} official[] = {
    { "As", { 8, 20, 50, 600, 1000 } },      { "Pb", { 60, 100, 300, 700, 2500 } },
    { "Cd", { 1.5, 10, 15, 30, 1000 } },     { "Hg", { 1, 2, 4, 10, 1000 } },
    { "Cu", { 100, 200, 1000, 8500, 25000 } }, { "Zn", { 200, 500, 1000, 5000, 25000 } },
    { "Cr", { 50, 200, 500, 2800, 25000 } }, { "Ni", { 60, 135, 200, 1200, 2500 } },
    { "PAH16", { 2, 8, 50, 150, 2500 } },    { "BaP", { 0.1, 0.5, 5, 15, 100 } },
    { "C8-C10", { 10, 10, 40, 50, 20000 } }, { "C10-C12", { 50, 60, 130, 300, 20000 } },
    { "C12-C35", { 100, 300, 600, 2000, 20000 } },
};

Test(quality, table_matches_official_values)
{
    cr_assert_str_eq(tab.version, "NO-TA2553-2009");
    for (size_t i = 0; i < sizeof official / sizeof *official; i++) {
        const struct mb_substance *s = mb_class_table_find(&tab, official[i].code);
        cr_assert_not_null(s, "%s", official[i].code);
        cr_assert_eq(s->nbounds, 5, "%s", official[i].code);
        cr_assert_eq(s->status, 'V', "%s", official[i].code);
        for (int k = 0; k < 5; k++)
            cr_assert_eq(s->upper[k], official[i].b[k], "%s class %d", s->code, k + 1);
    }
    /* The 21 substances of TA-2553 with classes, 37 with a normverdi only
     * (58 normverdier in forurensningsforskriften kap. 2 vedlegg 1), and
     * 16 landfill-acceptance parameters; every row names its source. */
    size_t classed = 0, only_norm = 0, params = 0;
    for (size_t i = 0; i < tab.n; i++) {
        int nb = tab.items[i].nbounds;
        nb == 5 ? classed++ : nb == 1 ? only_norm++ : params++;
        cr_assert(tab.items[i].source[0], "%s has no source", tab.items[i].code);
        cr_assert(strcmp(tab.items[i].unit, "mg/kg") == 0 || nb == 0, "%s",
                  tab.items[i].code);
    }
    cr_assert_eq(classed, 21);
    cr_assert_eq(only_norm, 37);
    cr_assert_eq(params, 16);
}

/* Normverdier of forurensningsforskriften kap. 2 vedlegg 1 added beyond
 * TA-2553, typed in from the research note (domain-norway.md 1.4). */
Test(quality, normverdier_of_the_regulation)
{
    static const struct {
        const char *name;
        double nv;
    } v[] = { { "Cyanid (fri)", 1 },      { "Lindan", 0.001 },   { "Monoklorbenzen", 0.03 },
              { "1,2-Diklorbenzen", 0.1 }, { "1,4-Diklorbenzen", 0.07 },
              { "Heksaklorbenzen", 0.01 }, { "Tetrakloreten", 0.01 },
              { "Pentaklorfenol", 0.006 }, { "Naftalen", 0.8 }, { "PFOS", 0.1 },
              { "TBT", 0.015 },           { "PBDE-209", 0.002 }, { "MTBE", 0.2 } };
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        const struct mb_substance *s = mb_class_table_find(&tab, v[i].name);
        cr_assert_not_null(s, "%s", v[i].name);
        cr_assert_eq(s->nbounds, 1, "%s", v[i].name);
        cr_assert_eq(s->upper[0], v[i].nv, "%s", v[i].name);
    }
}

/* Names as Norwegian labs print them find the same substance, and no two
 * substances share a name after folding (the loader refuses that). */
Test(quality, lab_names_and_aliases)
{
    static const char *const pairs[] = {
        "As (Arsen)", "As",          "Cu (Kopper)", "Cu",        "Krom (III)", "Cr",
        "Krom total", "Cr",          "Sum PAH(16)", "PAH16",     "Sum PAH(16) EPA", "PAH16",
        "Sum PAH-16*", "PAH16",      "Benso(a)pyren", "BaP",     "Benso(a)pyren^", "BaP",
        "Sum 7 PCB", "PCB7",         "Cr(VI)", "CrVI",           "Tetrakloretylen", "PCE",
        "Klorid", "Cl",              "Glødetap", "LOI",          "Olje C10-C40", "Olje",
        "Fenolindeks", "Fenolindeks", "Fenol", "Fenol",          "Barium", "Ba",
    };
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i += 2) {
        const struct mb_substance *s = mb_class_table_find(&tab, pairs[i]);
        cr_assert_not_null(s, "%s", pairs[i]);
        cr_assert_str_eq(s->code, pairs[i + 1], "%s", pairs[i]);
    }
    cr_assert_null(mb_class_table_find(&tab, "Unobtainium"));
    /* every code, name and alias of every substance finds that substance */
    for (size_t i = 0; i < tab.n; i++) {
        cr_assert_eq(mb_class_table_find(&tab, tab.items[i].code), &tab.items[i]);
        cr_assert_eq(mb_class_table_find(&tab, tab.items[i].name), &tab.items[i], "%s",
                     tab.items[i].name);
    }
}

Test(quality, units_are_converted_or_refused)
{
    struct mb_measurement m;
    struct mb_error err;
    cr_assert_eq(mb_measurement_parse_as(&tab, "Pb", "80000", "µg/kg", false, &m, &err), 0,
                 "%s", err.message);
    cr_assert_float_eq(m.value, 80, 1e-9);
    cr_assert_eq(mb_measurement_parse_as(&tab, "Pb", "0,08", "g/kg", false, &m, &err), 0);
    cr_assert_float_eq(m.value, 80, 1e-9);
    cr_assert_eq(mb_measurement_parse_as(&tab, "Pb", "80", "mg/kg TS", false, &m, &err), 0);
    cr_assert_float_eq(m.value, 80, 1e-9);
    cr_assert_eq(mb_measurement_parse_as(&tab, "TOC", "2,5", "%", false, &m, &err), 0);
    cr_assert_float_eq(m.value, 2.5, 1e-9);
    cr_assert_eq(mb_measurement_parse_as(&tab, "TOC", "25000", "mg/kg", false, &m, &err), 0);
    cr_assert_float_eq(m.value, 2.5, 1e-9);
    cr_assert_eq(mb_measurement_parse_as(&tab, "Ba", "<0,3", "mg/kg", true, &m, &err), 0);
    cr_assert(m.leached && m.below_loq);
    /* an eluate's mg/l is refused with how to convert it */
    cr_assert_eq(mb_measurement_parse_as(&tab, "Ba", "2", "mg/l", true, &m, &err),
                 MB_EINVAL);
    cr_assert_str_eq(err.field, "Ba");
    cr_assert(strstr(err.message, "L/S = 10"), "%s", err.message);
    cr_assert_eq(mb_measurement_parse_as(&tab, "Pb", "2", "ppb", false, &m, &err),
                 MB_EINVAL);
    cr_assert(strstr(err.message, "unknown unit 'ppb'"), "%s", err.message);
    cr_assert_eq(mb_measurement_parse_as(&tab, "pH", "15", NULL, false, &m, &err),
                 MB_EINVAL);
    cr_assert_eq(mb_measurement_parse_as(&tab, "TOC", "1", NULL, true, &m, &err),
                 MB_EINVAL);
    cr_assert_eq(mb_measurement_parse_as(&tab, "Pb", "-3", "mg/kg", false, &m, &err),
                 MB_EINVAL);
    cr_assert_eq(mb_measurement_parse_as(&tab, "Pb", "2000", "g/kg", false, &m, &err),
                 MB_EINVAL);
}

/* Leaching results and parameters get no class and do not change the
 * sample's class; a total and a leached value of one substance may stand
 * side by side, the same one twice may not. */
Test(quality, leaching_results_are_not_classed)
{
    struct mb_measurement m[4];
    struct mb_error err;
    cr_assert_eq(mb_measurement_parse_as(&tab, "Pb", "80", NULL, false, &m[0], &err), 0);
    cr_assert_eq(mb_measurement_parse_as(&tab, "Pb", "0,4", NULL, true, &m[1], &err), 0);
    cr_assert_eq(mb_measurement_parse_as(&tab, "Cl", "900", NULL, true, &m[2], &err), 0);
    cr_assert_eq(mb_measurement_parse_as(&tab, "TOC", "1,2", "%", false, &m[3], &err), 0);
    struct mb_classification c;
    cr_assert_eq(mb_classify(m, 4, &c, &err), 0, "%s", err.message);
    cr_assert_eq(c.cls, 2);
    cr_assert_eq(c.decider, 0);
    cr_assert(c.results[1].unclassed && c.results[1].leached);
    cr_assert(c.results[2].unclassed && c.results[3].unclassed);
    cr_assert_not(c.risk_assessment);
    mb_classification_release(&c);
    /* only parameters: no class, and said so */
    cr_assert_eq(mb_classify(m + 2, 2, &c, &err), 0);
    cr_assert_eq(c.cls, 0);
    cr_assert(c.no_class);
    cr_assert_not(c.risk_assessment);
    mb_classification_release(&c);
    m[1] = m[0];
    cr_assert_eq(mb_classify(m, 2, &c, &err), MB_EINVAL);
}

/* Natural background (Trondheim: Cr 100, Ni 75): at or below it class 1
 * and named as within background; above it the usual classes. */
Test(quality, background_changes_the_class)
{
    const struct mb_substance *cr = mb_class_table_find(&tab, "Cr");
    const struct mb_substance *ni = mb_class_table_find(&tab, "Ni");
    struct mb_background bg = { .area = "Trondheim", .n = 2 };
    bg.items[0] = (struct mb_background_value){ cr, 100 };
    bg.items[1] = (struct mb_background_value){ ni, 75 };
    struct mb_measurement m[2] = { { cr, 100, false, false }, { ni, 75, false, false } };
    struct mb_classification c;
    struct mb_error err;
    cr_assert_eq(mb_classify(m, 2, &c, &err), 0);
    cr_assert_eq(c.cls, 2); /* without the background: class 2 */
    mb_classification_release(&c);
    cr_assert_eq(mb_classify_bg(m, 2, &bg, &c, &err), 0);
    cr_assert_eq(c.cls, 1);
    cr_assert_eq(c.nbackground, 2);
    cr_assert(c.results[0].within_background);
    cr_assert_eq(c.results[0].background, 100);
    cr_assert_not(c.contaminated);
    mb_classification_release(&c);
    /* just above the background: the class the value lies in */
    m[0].value = nextafter(100, INFINITY);
    cr_assert_eq(mb_classify_bg(m, 2, &bg, &c, &err), 0);
    cr_assert_eq(c.cls, 2);
    cr_assert_not(c.results[0].within_background);
    cr_assert(c.contaminated);
    mb_classification_release(&c);
    /* a background below the normverdi changes nothing */
    bg.items[0].value = 20;
    m[0].value = 40;
    cr_assert_eq(mb_classify_bg(m, 1, &bg, &c, &err), 0);
    cr_assert_eq(c.cls, 1);
    cr_assert_not(c.results[0].within_background);
    mb_classification_release(&c);
}

static struct mb_classification classify1(const struct mb_substance *s, double v)
{
    struct mb_measurement m = { s, v, false };
    struct mb_classification c;
    struct mb_error err;
    cr_assert_eq(mb_classify(&m, 1, &c, &err), 0, "%s", err.message);
    return c;
}

Test(quality, every_boundary_both_sides)
{
    for (size_t i = 0; i < tab.n; i++) {
        const struct mb_substance *s = &tab.items[i];
        for (int k = 0; k < s->nbounds; k++) {
            double b = s->upper[k];
            /* On the bound: still class k+1 (equal is not above). */
            struct mb_classification c = classify1(s, b);
            int expect = k + 1;
            /* With equal consecutive bounds (C8-C10: 10, 10) the lowest class wins. */
            while (expect > 1 && s->upper[expect - 2] == b)
                expect--;
            cr_assert_eq(c.cls, expect, "%s = %g (bound of class %d)", s->code, b, k + 1);
            cr_assert_not(c.likely_hazardous, "%s = %g", s->code, b);
            cr_assert_eq(c.contaminated, k > 0 && s->upper[0] < b, "%s = %g", s->code, b);
            mb_classification_release(&c);
            /* Just above: the next class (or hazardous / no class at the top). */
            double above = nextafter(b, INFINITY);
            c = classify1(s, above);
            if (s->nbounds == 1) {
                cr_assert_eq(c.cls, 0, "%s just above normverdi gets no class", s->code);
                cr_assert(c.risk_assessment, "%s", s->code);
            } else if (k == 4) {
                cr_assert_eq(c.cls, 5, "%s above class 5", s->code);
                cr_assert(c.likely_hazardous, "%s above class 5", s->code);
            } else {
                int next = k + 2;
                while (next < 5 && s->upper[next - 1] == s->upper[next - 2] &&
                       s->upper[next - 1] < above)
                    next++;
                cr_assert_eq(c.cls, next, "%s = %.17g (just above %g)", s->code, above, b);
                cr_assert_not(c.likely_hazardous);
            }
            cr_assert(c.contaminated, "%s above %g", s->code, b);
            mb_classification_release(&c);
            /* Just below: still class k+1, or lower where bounds repeat. */
            double below = nextafter(b, 0);
            c = classify1(s, below);
            int want = k + 1;
            while (want > 1 && s->upper[want - 2] >= below)
                want--;
            cr_assert_eq(c.cls, want, "%s = %.17g (just below %g)", s->code, below, b);
            cr_assert_not(c.likely_hazardous);
            mb_classification_release(&c);
        }
    }
}

Test(quality, empty_class_two_of_c8_c10)
{
    /* C8-C10 has 10 as the bound of both class 1 and class 2: 10 is class 1,
     * 10.5 skips the empty class 2 and is class 3. */
    const struct mb_substance *s = mb_class_table_find(&tab, "C8-C10");
    struct mb_classification c = classify1(s, 10.5);
    cr_assert_eq(c.cls, 3);
    mb_classification_release(&c);
}

static struct mb_classification sample(const char *const *pairs, size_t n)
{
    struct mb_measurement m[32];
    struct mb_error err;
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(mb_measurement_parse(&tab, pairs[2 * i], pairs[2 * i + 1], &m[i],
                                          &err), 0, "%s=%s: %s", pairs[2 * i],
                     pairs[2 * i + 1], err.message);
    struct mb_classification c;
    cr_assert_eq(mb_classify(m, n, &c, &err), 0, "%s", err.message);
    return c;
}

Test(quality, worst_substance_decides_and_is_named)
{
    const char *p[] = { "As", "12", "Pb", "180", "Zn", "90", "PAH16", "3,5" };
    struct mb_classification c = sample(p, 4);
    cr_assert_eq(c.cls, 3); /* Pb 180: above 100, within 300 */
    const struct mb_substance_result *d = &c.results[c.decider];
    cr_assert_str_eq(d->substance->code, "Pb");
    cr_assert_eq(d->lower, 100);
    cr_assert_eq(d->upper, 300);
    cr_assert_float_eq(mb_classification_factor(&c), 1.8, 1e-12);
    cr_assert_eq(c.results[0].cls, 2); /* As 12 */
    cr_assert_eq(c.results[2].cls, 1); /* Zn 90 */
    cr_assert_eq(c.results[3].cls, 2); /* PAH16 3.5 */
    cr_assert(c.contaminated);
    cr_assert_not(c.likely_hazardous);
    mb_classification_release(&c);
}

Test(quality, tie_in_class_goes_to_larger_exceedance)
{
    /* Both class 2: As 19 is 2.4x its limit 8, Pb 65 is 1.08x its limit 60. */
    const char *p[] = { "Pb", "65", "As", "19" };
    struct mb_classification c = sample(p, 2);
    cr_assert_eq(c.cls, 2);
    cr_assert_str_eq(c.results[c.decider].substance->code, "As");
    mb_classification_release(&c);
}

Test(quality, clean_sample_names_nearest_to_normverdi)
{
    const char *p[] = { "As", "2", "Pb", "50", "Hg", "<0,1" };
    struct mb_classification c = sample(p, 3);
    cr_assert_eq(c.cls, 1);
    cr_assert_not(c.contaminated);
    cr_assert_str_eq(c.results[c.decider].substance->code, "Pb"); /* 50/60 > 2/8 */
    cr_assert_eq(mb_classification_factor(&c), 0);
    mb_classification_release(&c);
}

Test(quality, below_detection_gives_a_range)
{
    const char *p[] = { "Cd", "<0,5", "PCB7", "<0.05" };
    struct mb_classification c = sample(p, 2);
    /* PCB7 below 0.05 may be class 1 (<= 0.01) or class 2 (<= 0.5). */
    cr_assert_eq(c.cls_min, 1);
    cr_assert_eq(c.cls_max, 2);
    cr_assert_eq(c.cls, 2, "the class is the upper end");
    cr_assert_eq(c.open_decider, 1);
    cr_assert(c.results[0].below_loq);
    cr_assert_not(c.results[0].loq_above_normverdi); /* 0.5 <= 1.5 */
    cr_assert_not(mb_substance_result_open(&c, 0));
    cr_assert(c.results[1].loq_above_normverdi);     /* 0.05 > 0.01 */
    cr_assert(mb_substance_result_open(&c, 1));
    cr_assert(c.loq_note);
    cr_assert_not(c.contaminated);
    mb_classification_release(&c);
    /* The review's case: benzene below 0.05 is anything from class 1 to
     * class 4 (bounds 0.01, 0.015, 0.04, 0.05); just above 0.05, to 5. */
    const char *b[] = { "Benzen", "<0,05", "Pb", "70" };
    c = sample(b, 2);
    cr_assert_eq(c.cls_min, 2); /* Pb 70 > 60 */
    cr_assert_eq(c.cls, 4);
    cr_assert_str_eq(c.results[c.open_decider].substance->code, "Benzen");
    mb_classification_release(&c);
    const char *b5[] = { "Benzen", "<0,0500001" };
    c = sample(b5, 1);
    cr_assert_eq(c.cls, 5);
    mb_classification_release(&c);
    const char *b1[] = { "Benzen", "<0,01" };
    c = sample(b1, 1);
    cr_assert_eq(c.cls_min, 1);
    cr_assert_eq(c.cls, 1, "a limit at the normverdi proves class 1");
    mb_classification_release(&c);
    const char *big[] = { "Benzen", "<2000" };
    c = sample(big, 1);
    cr_assert_eq(c.cls, 5);
    cr_assert(c.likely_hazardous_possible);
    cr_assert_not(c.likely_hazardous);
    mb_classification_release(&c);
    const char *q[] = { "Hg", "i.p.", "Pb", "n.d." };
    c = sample(q, 2);
    cr_assert_eq(c.cls, 1);
    cr_assert(c.results[0].below_loq && c.results[0].value == 0);
    mb_classification_release(&c);
}

Test(quality, hazardous_flag_above_class_5)
{
    const char *p[] = { "Cu", "26000", "As", "700" };
    struct mb_classification c = sample(p, 2);
    cr_assert_eq(c.cls, 5);
    cr_assert(c.likely_hazardous);
    cr_assert_str_eq(c.results[c.decider].substance->code, "Cu");
    cr_assert_eq(c.results[c.decider].lower, 25000);
    cr_assert(isinf(c.results[c.decider].upper));
    mb_classification_release(&c);
}

Test(quality, hazardous_outranks_plain_class_5)
{
    /* As 900 is class 5, 1.5x over its class-4 bound 600; Pb 2600 is above
     * class 5 by only 1.04x, yet above class 5 must decide. */
    const char *p[] = { "As", "900", "Pb", "2600" };
    struct mb_classification c = sample(p, 2);
    cr_assert_str_eq(c.results[c.decider].substance->code, "Pb");
    cr_assert(c.likely_hazardous);
    mb_classification_release(&c);
}

Test(quality, normverdi_only_substance_flags_risk_assessment)
{
    const char *p[] = { "Toluen", "0,5", "Pb", "70" };
    struct mb_classification c = sample(p, 2);
    /* Toluene above its normverdi makes the ground contaminated (§ 2-3)
     * and has no classes: the sample has no class (not Pb's class 2);
     * the classed substances give the lower end. */
    cr_assert_eq(c.cls, 0);
    cr_assert_eq(c.cls_min, 2);
    cr_assert(c.risk_assessment);
    cr_assert_eq(c.results[0].cls, 0);
    cr_assert_str_eq(c.results[c.decider].substance->code, "Toluen");
    mb_classification_release(&c);
    const char *q[] = { "Xylen", "1" };
    c = sample(q, 1);
    cr_assert_eq(c.cls, 0, "no classed substance: no class at all");
    cr_assert(c.risk_assessment && c.contaminated);
    mb_classification_release(&c);
    const char *r[] = { "Xylen", "0,2" };
    c = sample(r, 1);
    cr_assert_eq(c.cls, 1);
    cr_assert_not(c.risk_assessment);
    mb_classification_release(&c);
}

Test(quality, names_codes_and_spellings)
{
    cr_assert_eq(mb_class_table_find(&tab, "pb"), mb_class_table_find(&tab, "Bly"));
    cr_assert_eq(mb_class_table_find(&tab, "PAH-16"), mb_class_table_find(&tab, "PAH16"));
    cr_assert_eq(mb_class_table_find(&tab, "B(a)P"), mb_class_table_find(&tab, "BaP"));
    cr_assert_eq(mb_class_table_find(&tab, "kvikksølv"), mb_class_table_find(&tab, "Hg"));
    cr_assert_eq(mb_class_table_find(&tab, "cr vi"), mb_class_table_find(&tab, "CrVI"));
    cr_assert_neq(mb_class_table_find(&tab, "Cr"), mb_class_table_find(&tab, "CrVI"));
    cr_assert_null(mb_class_table_find(&tab, "Unobtainium"));
    cr_assert_null(mb_class_table_find(&tab, "()"));
}

static void refused(const char *subst, const char *value, int code, const char *field)
{
    struct mb_measurement m;
    struct mb_error err;
    mb_error_clear(&err);
    cr_assert_eq(mb_measurement_parse(&tab, subst, value, &m, &err), code, "%s=%s",
                 subst, value);
    cr_assert_str_eq(err.field, field, "%s=%s", subst, value);
    cr_assert(strlen(err.message) > 10);
}

Test(quality, bad_values_refused)
{
    refused("Xx", "1", MB_ENOTFOUND, "Xx");
    refused("Pb", "-1", MB_EINVAL, "Pb");
    refused("Pb", "abc", MB_EINVAL, "Pb");
    refused("Pb", "", MB_EINVAL, "Pb");
    refused("Pb", "1,2.3", MB_EINVAL, "Pb");
    refused("Pb", ">100", MB_EINVAL, "Pb");
    refused("Pb", "<", MB_EINVAL, "Pb");
    refused("Pb", "2000000", MB_EINVAL, "Pb");
    refused("arsen", "nan", MB_EINVAL, "As");
}

Test(quality, empty_and_duplicate_samples_refused)
{
    struct mb_classification c;
    struct mb_error err;
    cr_assert_eq(mb_classify(NULL, 0, &c, &err), MB_EINVAL);
    struct mb_measurement m[2];
    mb_measurement_parse(&tab, "Pb", "10", &m[0], &err);
    mb_measurement_parse(&tab, "bly", "20", &m[1], &err);
    cr_assert_eq(mb_classify(m, 2, &c, &err), MB_EINVAL);
    cr_assert_str_eq(err.field, "Pb");
    cr_assert(strstr(err.message, "twice"));
    cr_assert_null(c.results);
}

Test(quality, class_names)
{
    cr_assert_str_eq(mb_class_name_nb(1), "Meget god");
    cr_assert_str_eq(mb_class_name_nb(5), "Svært dårlig");
    cr_assert_str_eq(mb_class_name_en(3), "Moderate");
}

static const char *value_error(const char *subst, const char *value)
{
    static struct mb_error err;
    struct mb_measurement m;
    mb_error_clear(&err);
    cr_assert_neq(mb_measurement_parse(&tab, subst, value, &m, &err), 0, "%s=%s parsed",
                  subst, value);
    cr_assert(mb_utf8_valid(err.message, strlen(err.message), NULL), "%s", err.message);
    cr_assert(mb_utf8_valid(err.field, strlen(err.field), NULL), "%s", err.field);
    return err.message;
}

Test(quality, number_refusals_keep_their_reason)
{
    /* W1, W2, M1 through the lab-value parser. */
    cr_assert(strstr(value_error("Pb", "1,500"), "1500"), "%s", value_error("Pb", "1,500"));
    cr_assert(strstr(value_error("Pb", "<1,500"), "ambiguous"));
    cr_assert(strstr(value_error("Pb", "5 6"), "groups of three"));
    cr_assert(strstr(value_error("As", "0,5 9"), "decimal mark"));
    cr_assert(strstr(value_error("Pb", "1e-400"), "too small"));
    cr_assert(strstr(value_error("Pb", "abc"), "'abc' is not a concentration"));
}

Test(quality, white_space_around_values)
{
    /* N1: "i.p. " and a trailing tab or no-break space. */
    struct mb_measurement m;
    struct mb_error err;
    cr_assert_eq(mb_measurement_parse(&tab, "Pb", "i.p. ", &m, &err), 0, "%s", err.message);
    cr_assert(m.below_loq);
    cr_assert_eq(mb_measurement_parse(&tab, "Pb", " n.d.\t", &m, &err), 0, "%s",
                 err.message);
    cr_assert_eq(mb_measurement_parse(&tab, "Pb", "ikke påvist\xC2\xA0", &m, &err), 0);
    cr_assert_eq(mb_measurement_parse(&tab, "Pb", "12\t", &m, &err), 0, "%s", err.message);
    cr_assert_eq(m.value, 12);
    cr_assert_not(m.below_loq);
}

Test(quality, negative_zero_is_zero)
{
    /* W5: "bly=-0" printed "Pb -0 mg/kg". */
    struct mb_measurement m;
    struct mb_error err;
    cr_assert_eq(mb_measurement_parse(&tab, "Pb", "-0", &m, &err), 0, "%s", err.message);
    cr_assert_eq(m.value, 0);
    cr_assert_not(signbit(m.value));
}

Test(quality, long_names_and_values_cut_between_characters)
{
    /* M6: "xæææ..." as a substance and as a value. */
    char s[128] = "x";
    for (int i = 0; i < 30; i++)
        memcpy(s + 1 + 2 * i, "\xC3\xA6", 3);
    const char *msg = value_error(s, "5");
    cr_assert(strstr(msg, "unknown substance"), "%s", msg);
    msg = value_error("Pb", s);
    cr_assert(strstr(msg, "is not a concentration"), "%s", msg);
    char gt[130] = ">";
    memcpy(gt + 1, s, strlen(s) + 1);
    msg = value_error("Pb", gt);
    cr_assert(strstr(msg, "lower bound"), "%s", msg);
}
