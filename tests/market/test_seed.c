/*
 * test_seed.c - condition classes in the demo market (market/seed_quality.c):
 * the dressed demo scenario has surpluses in classes 1-4, mostly clean;
 * every contaminated one carries lab results that the product's classifier
 * puts in its class, and passes the listing rules, which refuse a class
 * the lab results contradict; landfills take classes 2-5; the dressing is
 * deterministic and leaves the planning demo as it was.
 *
 * The scenario document is dressed in memory: no store is needed (the API
 * tests in tests/api/test_demo_quality.py read the seeded server).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/quality_json.h"
#include "market/market.h"
#include "market/seed.h"
#include "plan/demo.h"

static struct mb_market M;

static void setup(void)
{
    struct mb_error err;
    cr_assert_eq(mb_market_init(&M, &err), 0, "%s", err.message);
}

static void teardown(void)
{
    mb_market_release(&M);
}

TestSuite(market_seed, .init = setup, .fini = teardown);

static json_t *scenario(void)
{
    struct mb_error err;
    char *text = mb_demo_trondheim(&err);
    cr_assert_not_null(text, "%s", err.message);
    json_t *doc = json_loads(text, 0, NULL);
    free(text);
    cr_assert_not_null(doc);
    return doc;
}

static json_t *dressed(void)
{
    struct mb_error err;
    json_t *doc = scenario();
    cr_assert_eq(mb_seed_demo_quality(doc, &M.classes, &err), 0, "%s", err.message);
    return doc;
}

static bool is_kind(json_t *site, const char *kind)
{
    const char *k = json_string_value(json_object_get(site, "kind"));
    return k && strcmp(k, kind) == 0;
}

/* The class the classifier gives a site's "lab" array; the lower end of
 * the range in *lo. */
static int lab_class(json_t *lab, int *lo)
{
    size_t n = json_array_size(lab);
    cr_assert(n > 0 && n <= 100);
    struct mb_measurement ms[100];
    for (size_t i = 0; i < n; i++) {
        char field[64];
        struct mb_error err;
        cr_assert_eq(mb_lab_item_parse(&M.classes, json_array_get(lab, i), i, &ms[i], field,
                                       sizeof field, &err), 0, "%s: %s", field, err.message);
    }
    struct mb_classification c;
    struct mb_error err;
    cr_assert_eq(mb_classify(ms, n, &c, &err), 0, "%s", err.message);
    int cls = c.cls;
    *lo = c.cls_min;
    mb_classification_release(&c);
    return cls;
}

Test(market_seed, surpluses_in_classes_1_to_4_with_lab_results_that_give_the_class)
{
    json_t *doc = dressed(), *site;
    size_t i, by_class[6] = { 0 }, sources = 0;
    json_array_foreach(json_object_get(doc, "sites"), i, site) {
        if (!is_kind(site, "source"))
            continue;
        sources++;
        json_int_t c = json_integer_value(json_object_get(site, "class"));
        cr_assert(c >= 1 && c <= 4, "class %lld", (long long)c);
        by_class[c]++;
        json_t *lab = json_object_get(site, "lab");
        if (c == 1) {
            cr_assert_null(lab, "a clean demo surplus has no lab results");
            continue;
        }
        int lo, got = lab_class(lab, &lo);
        cr_assert_eq(got, c, "site %zu: class %lld, its lab results give %d", i,
                     (long long)c, got);
        cr_assert_eq(lo, c, "site %zu: a class range %d-%d", i, lo, got);
        cr_assert(strstr(json_string_value(json_object_get(site, "description")),
                         "laget for demoen"), "the description says the values are invented");
    }
    cr_assert_eq(sources, 252, "the scenario's surpluses, no more, no fewer");
    for (int c = 1; c <= 4; c++)
        cr_assert(by_class[c] > 0, "no demo surplus in class %d", c);
    /* Most stay clean (MEF counts clean masses): 10-20 % contaminated. */
    size_t dirty = by_class[2] + by_class[3] + by_class[4];
    cr_assert(dirty * 10 >= sources && dirty * 5 <= sources, "%zu of %zu contaminated",
              dirty, sources);
    /* The figures docs/demo-region.md gives. */
    cr_assert_eq(by_class[1], 221);
    cr_assert_eq(by_class[2], 17);
    cr_assert_eq(by_class[3], 7);
    cr_assert_eq(by_class[4], 7);
    json_decref(doc);
}

Test(market_seed, landfills_take_classes_2_to_5)
{
    json_t *doc = dressed(), *site;
    size_t i, by_max[6] = { 0 };
    json_array_foreach(json_object_get(doc, "sites"), i, site) {
        if (!is_kind(site, "landfill"))
            continue;
        json_t *mc = json_object_get(site, "max_class");
        json_int_t c = mc ? json_integer_value(mc) : 1;
        cr_assert(c >= 1 && c <= 5);
        by_max[c]++;
    }
    cr_assert_eq(by_max[1], 13, "the IKAP landfills stay for clean masses");
    cr_assert_eq(by_max[2], 1);
    cr_assert_eq(by_max[3], 1);
    cr_assert_eq(by_max[4], 0);
    cr_assert_eq(by_max[5], 1);
    json_decref(doc);
}

/* A scenario site as the API body the seed makes of it (seed.c's
 * body_of, less the title and keywords it adds). */
static char *body_text(json_t *site, const char *type)
{
    json_t *b = json_deep_copy(site);
    json_object_del(b, "id");
    json_object_del(b, "kind");
    json_object_del(b, "capacity_by_year");
    json_object_del(b, "approximate");
    json_object_set_new(b, "type", json_string(type));
    if (strcmp(type, "supply") == 0) {
        json_object_del(b, "name");
        json_object_set_new(b, "title", json_string("Demo"));
    }
    char *text = json_dumps(b, JSON_COMPACT);
    json_decref(b);
    return text;
}

static int parse(json_t *site, const char *type, struct mb_site_rec *rec,
                 struct mb_problems *p)
{
    char *text = body_text(site, type);
    memset(rec, 0, sizeof *rec);
    memset(p, 0, sizeof *p);
    enum mb_site_family fam = strcmp(type, "supply") == 0 ? MB_FAMILY_LISTING
                                                          : MB_FAMILY_FACILITY;
    int rc = mb_market_parse_site(&M, fam, text, strlen(text), rec, p);
    free(text);
    return rc;
}

Test(market_seed, dressed_sites_pass_the_listing_rules_which_refuse_a_wrong_class)
{
    json_t *doc = dressed(), *site, *class3 = NULL;
    size_t i, checked = 0;
    json_array_foreach(json_object_get(doc, "sites"), i, site) {
        bool src = is_kind(site, "source") && json_object_get(site, "lab");
        bool fill = is_kind(site, "landfill") && json_integer_value(
                                                     json_object_get(site, "max_class")) > 1;
        if (!src && !fill)
            continue;
        struct mb_site_rec rec;
        struct mb_problems p;
        int rc = parse(site, src ? "supply" : "landfill", &rec, &p);
        cr_assert_eq(rc, 0, "site %zu refused: %s: %s", i, p.n ? p.items[0].path : "",
                     p.n ? p.items[0].message : "");
        json_int_t want = json_integer_value(
            json_object_get(site, src ? "class" : "max_class"));
        cr_assert_eq(rec.cls, want);
        if (src) {
            /* The lab values go to the limits column that matching reads. */
            cr_assert(rec.limits && strstr(rec.limits, "Pb="), "%s", rec.limits);
            if (want == 3 && !class3)
                class3 = site;
        }
        mb_site_rec_release(&rec);
        mb_problems_release(&p);
        checked++;
    }
    cr_assert_eq(checked, 31 + 3);
    /* A class the lab results contradict is refused, so a seed that drew
     * wrong values could not load. */
    cr_assert_not_null(class3);
    json_object_set_new(class3, "class", json_integer(2));
    struct mb_site_rec rec;
    struct mb_problems p;
    cr_assert_neq(parse(class3, "supply", &rec, &p), 0);
    cr_assert(p.n >= 1 && strcmp(p.items[0].path, "class") == 0, "%s",
              p.n ? p.items[0].path : "");
    cr_assert(strstr(p.items[0].message, "give class 3"), "%s", p.items[0].message);
    mb_site_rec_release(&rec);
    mb_problems_release(&p);
    json_decref(doc);
}

Test(market_seed, deterministic_and_the_planning_demo_stays_clean)
{
    json_t *a = dressed(), *b = dressed();
    char *ta = json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS);
    char *tb = json_dumps(b, JSON_COMPACT | JSON_SORT_KEYS);
    cr_assert_str_eq(ta, tb, "the same demo every time");
    free(ta);
    free(tb);
    json_decref(a);
    json_decref(b);
    /* The scenario itself (massebank demo, the planning figures) is not
     * dressed: every surplus class 1, no lab results, 13 landfills. */
    json_t *plain = scenario(), *site;
    size_t i, landfills = 0;
    json_array_foreach(json_object_get(plain, "sites"), i, site) {
        if (is_kind(site, "source")) {
            cr_assert_eq(json_integer_value(json_object_get(site, "class")), 1);
            cr_assert_null(json_object_get(site, "lab"));
        }
        landfills += is_kind(site, "landfill");
    }
    cr_assert_eq(landfills, 13);
    json_decref(plain);
}
