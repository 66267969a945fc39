/*
 * test_acceptance.c - landfill acceptance templates (avfallsforskriften
 * vedlegg II) and natural background values: the inert leaching limits
 * against the decision's text, every limit at and just above, detection
 * limits above a limit, alternatives, not-measured limits, and the
 * background table.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/acceptance.h"
#include "domain/background.h"
#include "domain/quality.h"

static struct mb_class_table tab;
static struct mb_accept_table acc;
static struct mb_background_table bgt;

static void setup(void)
{
    struct mb_error err;
    cr_assert_eq(mb_class_table_init(&tab, &err), 0, "%s", err.message);
    cr_assert_eq(mb_accept_table_init(&acc, &tab, &err), 0, "%s: %s", err.field,
                 err.message);
    cr_assert_eq(mb_background_table_init(&bgt, &tab, &err), 0, "%s: %s", err.field,
                 err.message);
}

static void teardown(void)
{
    mb_background_table_release(&bgt);
    mb_accept_table_release(&acc);
    mb_class_table_release(&tab);
}

TestSuite(acceptance, .init = setup, .fini = teardown);

/* Decision 2003/33/EC 2.1.2.1, L/S = 10 l/kg, mg/kg dry matter, typed in
 * from the decision's text on their own. */
Test(acceptance, inert_leaching_limits_match_the_decision)
{
    static const struct {
        const char *code;
        double limit;
    } v[] = { { "As", 0.5 }, { "Ba", 20 }, { "Cd", 0.04 }, { "Cr", 0.5 },  { "Cu", 2 },
              { "Hg", 0.01 }, { "Mo", 0.5 }, { "Ni", 0.4 }, { "Pb", 0.5 }, { "Sb", 0.06 },
              { "Se", 0.1 }, { "Zn", 4 },   { "Cl", 800 }, { "F", 10 },    { "SO4", 1000 },
              { "Fenolindeks", 1 }, { "DOC", 500 }, { "TDS", 4000 } };
    const struct mb_accept_template *t = mb_accept_find(&acc, "inert");
    cr_assert_not_null(t);
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        bool found = false;
        for (size_t k = 0; k < t->n; k++)
            if (t->items[k].leached && strcmp(t->items[k].substance->code, v[i].code) == 0) {
                cr_assert_eq(t->items[k].limit, v[i].limit, "%s", v[i].code);
                cr_assert_eq(t->items[k].status, 'V', "%s", v[i].code);
                found = true;
            }
        cr_assert(found, "%s", v[i].code);
    }
    cr_assert_null(mb_accept_find(&acc, "sanitary"));
    cr_assert_str_eq(mb_accept_name_nb(t), "Deponi for inert avfall");
}

/* Every limit of every template: at the limit accepted, just above it
 * excluded with the value and the limit named, below a detection limit
 * above it open. */
Test(acceptance, every_limit_at_and_just_above)
{
    for (int ti = 0; ti < MB_ACCEPT_TEMPLATES; ti++) {
        const struct mb_accept_template *t = &acc.t[ti];
        for (size_t k = 0; k < t->n; k++) {
            const struct mb_accept_limit *x = &t->items[k];
            struct mb_measurement m = { x->substance, x->limit, false, x->leached };
            struct mb_accept_verdict v;
            mb_accept_check(t, &m, 1, &v);
            cr_assert_eq(v.nexceeded, 0, "%s %s at the limit", t->name, x->substance->code);
            cr_assert_eq(v.nmissing, x->either[0] ? t->n - 2 : t->n - 1); /* an alternative passing covers its group */
            m.value = nextafter(x->limit, INFINITY);
            mb_accept_check(t, &m, 1, &v);
            if (x->either[0]) {
                /* the alternative is not measured: this one decides */
                cr_assert_eq(v.nexceeded, 1, "%s %s", t->name, x->substance->code);
            } else {
                cr_assert_eq(v.nexceeded, 1, "%s %s above", t->name, x->substance->code);
                cr_assert_eq(v.limit, x);
                cr_assert_not(v.accepted);
                char why[240];
                mb_accept_reason(t, &v, why, sizeof why);
                cr_assert(strstr(why, x->substance->code), "%s", why);
                cr_assert(strstr(why, "vedlegg II"), "%s", why);
            }
            m.below_loq = true;
            m.value = x->limit * 2;
            mb_accept_check(t, &m, 1, &v);
            cr_assert_eq(v.nexceeded, 0);
            if (!x->either[0])
                cr_assert(v.open && !v.accepted, "%s %s", t->name, x->substance->code);
        }
    }
}

Test(acceptance, leaching_decides_and_the_reason_names_the_value)
{
    struct mb_measurement m[3];
    struct mb_error err;
    cr_assert_eq(mb_measurement_parse_as(&tab, "Pb", "80", NULL, false, &m[0], &err), 0);
    cr_assert_eq(mb_measurement_parse_as(&tab, "Ba", "25", NULL, true, &m[1], &err), 0);
    cr_assert_eq(mb_measurement_parse_as(&tab, "Cl", "<100", NULL, true, &m[2], &err), 0);
    struct mb_accept_verdict v;
    mb_accept_check(mb_accept_find(&acc, "inert"), m, 3, &v);
    cr_assert_not(v.accepted);
    cr_assert_eq(v.nexceeded, 1);
    char why[240];
    mb_accept_reason(mb_accept_find(&acc, "inert"), &v, why, sizeof why);
    cr_assert_str_eq(why, "Ba leached at L/S = 10: 25 mg/kg is above the limit 20 mg/kg of the "
                     "landfill template 'inert' (avfallsforskriften vedlegg II)");
    cr_assert(v.nmissing > 10); /* the lab measured 2 of the 22 */
    /* the ordinary landfill: nothing exceeded, most not analysed */
    const struct mb_accept_template *ord = mb_accept_find(&acc, "ordinary");
    mb_accept_check(ord, m, 3, &v);
    cr_assert_not(v.accepted);
    cr_assert_eq(v.nexceeded, 0);
    cr_assert_str_eq(mb_accept_verdict_code(ord, &v), "incomplete");
    mb_accept_check(ord, m, 0, &v);
    cr_assert_str_eq(mb_accept_verdict_code(ord, &v), "not_judged");
    /* every limit analysed at its value: accepted */
    struct mb_measurement all[32];
    for (size_t k = 0; k < ord->n; k++)
        all[k] = (struct mb_measurement){ ord->items[k].substance, ord->items[k].limit,
                                          false, ord->items[k].leached };
    mb_accept_check(ord, all, ord->n, &v);
    cr_assert(v.accepted);
    cr_assert_str_eq(mb_accept_verdict_code(ord, &v), "accepted");
}

/* Hazardous waste landfill: TOC 6 % or LOI 10 % - one passing is enough. */
Test(acceptance, either_group)
{
    const struct mb_accept_template *t = mb_accept_find(&acc, "hazardous");
    struct mb_measurement m[2];
    struct mb_error err;
    cr_assert_eq(mb_measurement_parse_as(&tab, "TOC", "8", "%", false, &m[0], &err), 0);
    cr_assert_eq(mb_measurement_parse_as(&tab, "LOI", "9", "%", false, &m[1], &err), 0);
    struct mb_accept_verdict v;
    mb_accept_check(t, m, 2, &v);
    cr_assert_eq(v.nexceeded, 0);
    m[1].value = 11;
    mb_accept_check(t, m, 2, &v);
    cr_assert_eq(v.nexceeded, 2);
}

Test(acceptance, background_table)
{
    const struct mb_background *b = mb_background_find(&bgt, "5001");
    cr_assert_not_null(b);
    cr_assert_str_eq(b->area, "Trondheim (5001)");
    cr_assert_eq(b->n, 2);
    cr_assert_str_eq(b->items[0].substance->code, "Cr");
    cr_assert_eq(b->items[0].value, 100);
    cr_assert_str_eq(b->items[1].substance->code, "Ni");
    cr_assert_eq(b->items[1].value, 75);
    cr_assert_eq(b->status, 'V');
    cr_assert(strstr(b->source, "Faktaark 63"));
    cr_assert_null(mb_background_find(&bgt, "0301"));
    cr_assert_null(mb_background_find(&bgt, NULL));
}

static char *read_doc(const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", getenv("MB_SOURCE_ROOT"), rel);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    static char buf[1 << 18];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

/* docs/condition-classes.md lists every value with its source: each
 * substance's row with its bounds and source key, each template limit. */
Test(acceptance, the_documentation_lists_every_value)
{
    const char *doc = read_doc("docs/condition-classes.md");
    for (size_t i = 0; i < tab.n; i++) {
        const struct mb_substance *s = &tab.items[i];
        char row[160];
        snprintf(row, sizeof row, "| %s | %s | ", s->name, s->code);
        cr_assert(strstr(doc, row), "docs/condition-classes.md lacks the row '%s'", row);
        char src[40];
        snprintf(src, sizeof src, "| %s | %s |", s->status == 'V' ? "V" : "S", s->source);
        cr_assert(s->nbounds == 0 || strstr(doc, src), "%s", s->source);
    }
    cr_assert(strstr(doc, "| Ba | 20 | 100 | 300 |"));
    cr_assert(strstr(doc, "| 5001 Trondheim | Cr | 100 | V |"));
}
