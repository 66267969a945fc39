/*
 * test_market.c - the market's rules: listing and facility bodies to
 * records (every field filled, every problem named at a path relative to
 * the body), the API view, ranking of matches with exclusions and savings,
 * and a region turned into a scenario the planner reads.
 *
 * Records for matching are built in memory: no store is needed.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/geo.h"
#include "domain/month.h"
#include "core/strbuf.h"
#include "market/market.h"
#include "plan/defaults.h"
#include "plan/factors.h"

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

TestSuite(market, .init = setup, .fini = teardown);

static int parse(enum mb_site_family f, const char *body, struct mb_site_rec *rec,
                 struct mb_problems *p)
{
    memset(rec, 0, sizeof *rec);
    return mb_market_parse_site(&M, f, body, strlen(body), rec, p);
}

/* The problem at `path` whose message contains `text`, or NULL. */
static const struct mb_problem *find(const struct mb_problems *p, const char *path,
                                     const char *text)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->items[i].path, path) == 0 && strstr(p->items[i].message, text))
            return &p->items[i];
    return NULL;
}

static void dump(const struct mb_problems *p)
{
    for (size_t i = 0; i < p->n; i++)
        fprintf(stderr, "  problem %s: %s\n", p->items[i].path, p->items[i].message);
}

/* Parse a body that must fail, and check a problem at path with text. */
static void expect_problem(enum mb_site_family f, const char *body, const char *path,
                           const char *text)
{
    struct mb_site_rec rec;
    struct mb_problems p;
    int rc = parse(f, body, &rec, &p);
    if (!find(&p, path, text))
        dump(&p);
    cr_assert_eq(rc, MB_EINVAL);
    cr_assert_not_null(find(&p, path, text), "no problem at '%s' with '%s'", path, text);
    for (size_t i = 0; i < p.n; i++)
        cr_assert(strncmp(p.items[i].path, "sites", 5) != 0,
                     "path '%s' is not relative to the body", p.items[i].path);
    mb_problems_release(&p);
}

static int month(const char *s)
{
    int m = 0;
    cr_assert_eq(mb_month_parse(s, &m, "m", NULL), 0);
    return m;
}

static double density(const char *code)
{
    const struct mb_material *mat = mb_catalog_find(&M.catalog, code);
    cr_assert_not_null(mat);
    return mat->density;
}

static bool rec_has(const struct mb_site_rec *r, const char *code)
{
    for (size_t i = 0; i < r->nmaterials; i++)
        if (strcmp(r->materials[i], code) == 0)
            return true;
    return false;
}

#define SUPPLY_BODY                                                                     \
    "{\"type\": \"supply\", \"title\": \"Sprengstein fra Bjørvika\", "                  \
    "\"description\": \"Ren sprengstein\", \"keywords\": [\"stein\", \"fjell\"], "      \
    "\"price_nok_per_t\": -20, \"lat\": 59.905, \"lon\": 10.755, "                      \
    "\"material\": \"R.SPR\", \"class\": 1, \"amount\": {\"value\": 1000, \"unit\": "  \
    "\"pfm3\"}, \"window\": {\"from\": \"2026-03\", \"to\": \"2026-05\"}}"

/* ---- bodies ------------------------------------------------------------------ */

/* A register factor's central value. */
static double reg(enum mb_factor_id id)
{
    const struct mb_factor_info *r = mb_factor_register(NULL);
    cr_assert_not_null(r);
    return r[id].central;
}

/* Machine diesel at sites is stated tank to wheel and scaled to WTW. */
#define WTW_SCALE (3.24 / 2.66)

Test(market, supply_fills_the_record)
{
    struct mb_site_rec r;
    struct mb_problems p;
    int rc = parse(MB_FAMILY_LISTING, SUPPLY_BODY, &r, &p);
    dump(&p);
    cr_assert_eq(rc, 0);
    cr_assert_eq(p.n, 0);
    cr_assert_eq(r.type, MB_TYPE_SUPPLY);
    cr_assert_str_eq(r.title, "Sprengstein fra Bjørvika");
    cr_assert_str_eq(r.material, "rock.blasted");
    cr_assert_eq(r.nmaterials, 1);
    cr_assert_str_eq(r.materials[0], "rock.blasted");
    cr_assert_eq(r.cls, 1);
    /* 1000 fm3 of blasted rock = 1000 x density (t/fm3) */
    cr_assert_float_eq(r.amount_t, 1000 * density("rock.blasted"), 1e-9);
    cr_assert_float_eq(r.amount_t, 2700, 1e-9);
    cr_assert_eq(r.from_m, month("2026-03"));
    cr_assert_eq(r.to_m, month("2026-05"));
    cr_assert_float_eq(r.lat, 59.905, 1e-12);
    cr_assert_float_eq(r.lon, 10.755, 1e-12);
    cr_assert_float_eq(r.price_nok_per_t, -20, 1e-12);
    cr_assert_float_eq(r.co2_kg_per_t, 0, 1e-12);
    cr_assert_str_eq(r.keywords, "Sprengstein fra Bjørvika Ren sprengstein stein fjell");
    cr_assert_null(r.limits);
    cr_assert_not_null(r.doc);
    /* normalised: canonical code and unit, numbers as numbers, sorted keys */
    cr_assert_not_null(strstr(r.doc, "\"material\":\"rock.blasted\""), "%s", r.doc);
    cr_assert_not_null(strstr(r.doc, "\"unit\":\"fm3\""), "%s", r.doc);
    cr_assert_null(strstr(r.doc, "class_from_lab"));
    cr_assert_eq(strncmp(r.doc, "{\"amount\":", 10), 0, "%s", r.doc);
    mb_site_rec_release(&r);
}

Test(market, need_fills_the_record)
{
    const char *body =
        "{\"type\": \"need\", \"title\": \"Veg Fornebu\", \"lat\": 59.9, \"lon\": 10.62, "
        "\"municipality\": \"Bærum\", \"material\": \"0/32\", \"accepts\": [\"rock.*\"], "
        "\"max_class\": 2, \"amount\": {\"value\": 500, \"unit\": \"t\"}, "
        "\"window\": {\"from\": \"2026-04\", \"to\": \"2026-09\"}, "
        "\"limits\": {\"bly\": 60, \"As\": 8}, \"price_nok_per_t\": 30}";
    struct mb_site_rec r;
    struct mb_problems p;
    int rc = parse(MB_FAMILY_LISTING, body, &r, &p);
    dump(&p);
    cr_assert_eq(rc, 0);
    cr_assert_eq(r.type, MB_TYPE_NEED);
    cr_assert_str_eq(r.material, "product.crushed.0-32");
    cr_assert_str_eq(r.materials[0], "product.crushed.0-32");
    cr_assert(rec_has(&r, "rock.blasted"));
    cr_assert(rec_has(&r, "rock.tunnel"));
    cr_assert_not(rec_has(&r, "soil.clay"));
    cr_assert_eq(r.cls, 2);
    cr_assert_float_eq(r.amount_t, 500, 1e-9);
    cr_assert_str_eq(r.municipality, "3201");
    cr_assert_eq(r.from_m, month("2026-04"));
    cr_assert_eq(r.to_m, month("2026-09"));
    cr_assert_float_eq(r.price_nok_per_t, 30, 1e-9);
    /* limit values under canonical codes, in the limits column */
    cr_assert_not_null(strstr(r.limits, "Pb=60"), "%s", r.limits);
    cr_assert_not_null(strstr(r.limits, "As=8"), "%s", r.limits);
    cr_assert_not_null(strstr(r.doc, "\"municipality\":\"3201\""), "%s", r.doc);
    cr_assert_not_null(strstr(r.doc, "\"Pb\":60"), "%s", r.doc);
    mb_site_rec_release(&r);
}

Test(market, landfill_storage_plant_quarry_fill_the_record)
{
    struct mb_site_rec r;
    struct mb_problems p;
    const char *landfill =
        "{\"type\": \"landfill\", \"name\": \"Deponi Øst\", \"lat\": 59.95, \"lon\": 10.9, "
        "\"accepts\": [\"soil.*\"], \"max_class\": 2, \"capacity_per_year\": {\"value\": "
        "50000, \"unit\": \"tonn\"}, \"gate_fee_nok_per_t\": 120, \"limits\": {\"Pb\": 100}}";
    cr_assert_eq(parse(MB_FAMILY_FACILITY, landfill, &r, &p), 0);
    cr_assert_eq(r.type, MB_TYPE_LANDFILL);
    cr_assert_str_eq(r.title, "Deponi Øst");
    cr_assert_str_eq(r.material, "");
    cr_assert(rec_has(&r, "soil.moraine"));
    cr_assert_not(rec_has(&r, "rock.blasted"));
    cr_assert_eq(r.cls, 2);
    cr_assert_float_eq(r.amount_t, 50000, 1e-9);
    cr_assert_float_eq(r.price_nok_per_t, 120, 1e-9);
    cr_assert_float_eq(r.co2_kg_per_t, reg(MB_F_LANDFILL_CO2) * WTW_SCALE, 1e-9);
    cr_assert_eq(r.from_m, MB_NO_MONTH_FROM);
    cr_assert_eq(r.to_m, MB_NO_MONTH_TO);
    cr_assert_str_eq(r.limits, "Pb=100");
    mb_site_rec_release(&r);

    /* capacity in fm3: tonnes of the first material (catalog order) */
    const char *storage =
        "{\"type\": \"storage\", \"name\": \"Mellomlager\", \"lat\": 59.95, \"lon\": 10.9, "
        "\"accepts\": [\"rock.tunnel\", \"rock.blasted\"], \"capacity\": {\"value\": 1000, "
        "\"unit\": \"fm3\"}, \"window\": {\"from\": \"2026-01\", \"to\": \"2027-12\"}}";
    cr_assert_eq(parse(MB_FAMILY_FACILITY, storage, &r, &p), 0);
    cr_assert_eq(r.type, MB_TYPE_STORAGE);
    cr_assert_eq(r.nmaterials, 2);
    cr_assert_str_eq(r.materials[0], "rock.blasted");
    cr_assert_float_eq(r.amount_t, 1000 * density("rock.blasted"), 1e-9);
    cr_assert_float_eq(r.price_nok_per_t, reg(MB_F_STORAGE_NOK), 1e-9);
    cr_assert_eq(r.from_m, month("2026-01"));
    cr_assert_eq(r.to_m, month("2027-12"));
    cr_assert_eq(r.cls, 1);
    mb_site_rec_release(&r);

    /* a plant gives and takes: inputs and yield outputs */
    const char *plant =
        "{\"type\": \"plant\", \"name\": \"Knuseverk\", \"lat\": 59.95, \"lon\": 10.9, "
        "\"accepts\": [\"rock.blasted\"], \"max_class\": 1, \"capacity_per_month\": "
        "{\"value\": 8000, \"unit\": \"t\"}, \"yields\": [{\"material\": \"0/32\", "
        "\"share\": 0.7}, {\"material\": \"product.crushed.0-4\", \"share\": 0.3}]}";
    int rc = parse(MB_FAMILY_FACILITY, plant, &r, &p);
    dump(&p);
    cr_assert_eq(rc, 0);
    cr_assert_eq(r.nmaterials, 3);
    cr_assert(rec_has(&r, "rock.blasted"));
    cr_assert(rec_has(&r, "product.crushed.0-32"));
    cr_assert(rec_has(&r, "product.crushed.0-4"));
    cr_assert_float_eq(r.amount_t, 8000, 1e-9);
    cr_assert_float_eq(r.co2_kg_per_t, reg(MB_F_PLANT_CO2) * WTW_SCALE, 1e-9);
    cr_assert_not_null(strstr(r.doc, "\"material\":\"product.crushed.0-32\""), "%s", r.doc);
    mb_site_rec_release(&r);

    const char *quarry =
        "{\"type\": \"quarry\", \"name\": \"Pukkverk\", \"utm\": {\"epsg\": 25832, "
        "\"easting\": 597000, \"northing\": 6643000}, \"offers\": [\"pukk\", \"0/32\"], "
        "\"price_nok_per_t\": 180, \"keywords\": [\"pukk\"]}";
    rc = parse(MB_FAMILY_FACILITY, quarry, &r, &p);
    dump(&p);
    cr_assert_eq(rc, 0);
    cr_assert_eq(r.type, MB_TYPE_QUARRY);
    cr_assert_eq(r.cls, 1);
    cr_assert_float_eq(r.amount_t, -1, 1e-12); /* no capacity: unlimited */
    cr_assert_float_eq(r.price_nok_per_t, 180, 1e-9);
    cr_assert_float_eq(r.co2_kg_per_t, reg(MB_F_PROD_CRUSHED), 1e-9);
    cr_assert(rec_has(&r, "product.crushed.0-32"));
    cr_assert(r.lat > 59.8 && r.lat < 60.0 && r.lon > 10.6 && r.lon < 10.9,
              "%f %f", r.lat, r.lon);
    cr_assert_str_eq(r.keywords, "Pukkverk pukk");
    mb_site_rec_release(&r);
}

Test(market, lab_results_set_the_class)
{
    const char *body =
        "{\"type\": \"supply\", \"title\": \"Gravemasser\", \"lat\": 59.9, \"lon\": 10.75, "
        "\"material\": \"soil.fill\", \"amount\": {\"value\": 300, \"unit\": \"t\"}, "
        "\"window\": {\"from\": \"2026-03\", \"to\": \"2026-03\"}, \"lab\": ["
        "{\"substance\": \"Pb\", \"value\": \"80\"}, {\"substance\": \"Arsen\", \"value\": 5}, "
        "{\"substance\": \"Cd\", \"value\": \"<0,5\"}]}";
    struct mb_site_rec r;
    struct mb_problems p;
    int rc = parse(MB_FAMILY_LISTING, body, &r, &p);
    dump(&p);
    cr_assert_eq(rc, 0);
    /* Pb 80 mg/kg lies above the class-1 bound 60 and within class 2 (<= 100) */
    const struct mb_substance *pb = mb_class_table_find(&M.classes, "Pb");
    cr_assert(80 > pb->upper[0] && 80 <= pb->upper[1]);
    cr_assert_eq(r.cls, 2);
    json_t *doc = json_loads(r.doc, 0, NULL);
    json_t *cfl = json_object_get(doc, "class_from_lab");
    cr_assert_not_null(cfl, "%s", r.doc);
    cr_assert_eq(json_integer_value(json_object_get(cfl, "class")), 2);
    cr_assert_str_eq(json_string_value(json_object_get(cfl, "substance")), "Pb");
    cr_assert_float_eq(json_number_value(json_object_get(cfl, "value")), 80, 1e-9);
    cr_assert_float_eq(json_number_value(json_object_get(cfl, "limit")), pb->upper[0], 1e-9);
    cr_assert_eq(json_integer_value(json_object_get(doc, "class")), 2);
    /* lab normalised: codes, numbers; below-LOQ kept as text */
    json_t *lab = json_object_get(doc, "lab");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(lab, 1), "substance")),
                     "As");
    cr_assert(json_is_number(json_object_get(json_array_get(lab, 0), "value")));
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(lab, 2), "value")),
                     "<0.5");
    json_decref(doc);
    /* lab values in the terms column, below detection as "<limit" */
    cr_assert_str_eq(r.limits, "Pb=80;As=5;Cd=<0.5");
    mb_site_rec_release(&r);
}

Test(market, lab_problems)
{
    const char *pre =
        "{\"type\": \"supply\", \"title\": \"Gravemasser\", \"lat\": 59.9, \"lon\": 10.75, "
        "\"material\": \"soil.fill\", \"amount\": {\"value\": 300, \"unit\": \"t\"}, "
        "\"window\": {\"from\": \"2026-03\", \"to\": \"2026-03\"}, ";
    char body[1024];
    /* stated class disagrees with the lab */
    snprintf(body, sizeof body, "%s\"class\": 1, \"lab\": [{\"substance\": \"Pb\", "
             "\"value\": 80}]}", pre);
    expect_problem(MB_FAMILY_LISTING, body, "class", "class 2 (Pb 80 mg/kg is above 60");
    /* a stated class that agrees is fine */
    snprintf(body, sizeof body, "%s\"class\": 2, \"lab\": [{\"substance\": \"Pb\", "
             "\"value\": 80}]}", pre);
    struct mb_site_rec r;
    struct mb_problems p;
    cr_assert_eq(parse(MB_FAMILY_LISTING, body, &r, &p), 0);
    mb_site_rec_release(&r);
    /* above class 5 */
    snprintf(body, sizeof body, "%s\"lab\": [{\"substance\": \"Pb\", \"value\": 3000}]}", pre);
    expect_problem(MB_FAMILY_LISTING, body, "lab", "hazardous waste");
    cr_assert_eq(parse(MB_FAMILY_LISTING, body, &r, &p), MB_EINVAL);
    cr_assert_eq(p.n, 1, "only the lab problem, no 'class is required'");
    mb_problems_release(&p);
    /* unknown substance */
    snprintf(body, sizeof body, "%s\"lab\": [{\"substance\": \"Pb\", \"value\": 3}, "
             "{\"substance\": \"Unobtainium\", \"value\": 3}]}", pre);
    expect_problem(MB_FAMILY_LISTING, body, "lab[1].substance", "unknown substance");
    /* bad value */
    snprintf(body, sizeof body, "%s\"lab\": [{\"substance\": \"Pb\", \"value\": \"mye\"}]}",
             pre);
    expect_problem(MB_FAMILY_LISTING, body, "lab[0].value", "mye");
    /* lab on a need, limits on a supply */
    expect_problem(MB_FAMILY_LISTING,
                   "{\"type\": \"need\", \"title\": \"x\", \"lab\": []}", "lab",
                   "only a supply");
    snprintf(body, sizeof body, "%s\"class\": 1, \"limits\": {\"Pb\": 3}}", pre);
    expect_problem(MB_FAMILY_LISTING, body, "limits", "receivers");
    /* a limit for an unknown substance, and a negative one */
    expect_problem(MB_FAMILY_FACILITY,
                   "{\"type\": \"landfill\", \"name\": \"D\", \"lat\": 59.9, \"lon\": 10.7, "
                   "\"accepts\": [\"*\"], \"capacity_per_year\": {\"value\": 1, \"unit\": "
                   "\"t\"}, \"limits\": {\"Zz\": 1, \"Pb\": -1}}",
                   "limits.Zz", "unknown substance");
    expect_problem(MB_FAMILY_FACILITY,
                   "{\"type\": \"landfill\", \"name\": \"D\", \"lat\": 59.9, \"lon\": 10.7, "
                   "\"accepts\": [\"*\"], \"capacity_per_year\": {\"value\": 1, \"unit\": "
                   "\"t\"}, \"limits\": {\"Zz\": 1, \"Pb\": -1}}",
                   "limits.Pb", "between 0");
}

/* A supply body with one field replaced by `field` (text "KEY": VALUE). */
static void supply_with(char *buf, size_t n, const char *amount, const char *window,
                        const char *pos, const char *extra)
{
    snprintf(buf, n,
             "{\"type\": \"supply\", \"title\": \"T\", %s, \"material\": \"rock.blasted\", "
             "\"class\": 1, \"amount\": %s, \"window\": %s%s}",
             pos, amount, window, extra);
}

#define AMOUNT_OK "{\"value\": 10, \"unit\": \"t\"}"
#define WINDOW_OK "{\"from\": \"2026-01\", \"to\": \"2026-02\"}"
#define POS_OK "\"lat\": 59.9, \"lon\": 10.75"

Test(market, site_field_problems_have_relative_paths)
{
    char b[1024];
    supply_with(b, sizeof b, AMOUNT_OK, WINDOW_OK, POS_OK, ", \"gate_fee\": 150");
    expect_problem(MB_FAMILY_LISTING, b, "gate_fee", "unknown field");
    supply_with(b, sizeof b, "{\"value\": 10, \"unit\": \"m3\"}", WINDOW_OK, POS_OK, "");
    expect_problem(MB_FAMILY_LISTING, b, "amount.unit", "fm3");
    supply_with(b, sizeof b, "{\"value\": -5, \"unit\": \"t\"}", WINDOW_OK, POS_OK, "");
    expect_problem(MB_FAMILY_LISTING, b, "amount.value", "negative");
    supply_with(b, sizeof b, AMOUNT_OK, "{\"from\": \"2026-05\", \"to\": \"2026-02\"}",
                POS_OK, "");
    expect_problem(MB_FAMILY_LISTING, b, "window", "ends before it starts");
    supply_with(b, sizeof b, AMOUNT_OK, WINDOW_OK, "\"lat\": 10.75, \"lon\": 59.9", "");
    expect_problem(MB_FAMILY_LISTING, b, "lat", "outside Norway");
    supply_with(b, sizeof b, AMOUNT_OK, WINDOW_OK, POS_OK, ", \"id\": \"a\"");
    expect_problem(MB_FAMILY_LISTING, b, "id", "unknown field");
    snprintf(b, sizeof b, "{\"type\": \"supply\", \"title\": \"T\", " POS_OK
             ", \"material\": \"rock.blast\", \"class\": 1, \"amount\": " AMOUNT_OK
             ", \"window\": " WINDOW_OK "}");
    expect_problem(MB_FAMILY_LISTING, b, "material", "did you mean rock.blasted");
    /* listings need a window */
    snprintf(b, sizeof b, "{\"type\": \"need\", \"title\": \"T\", " POS_OK
             ", \"material\": \"rock.blasted\", \"amount\": " AMOUNT_OK "}");
    expect_problem(MB_FAMILY_LISTING, b, "window", "is required");
    /* a listing's "name" is its title: the reader's problems map back */
    snprintf(b, sizeof b, "{\"type\": \"supply\", \"title\": 5, " POS_OK
             ", \"material\": \"rock.blasted\", \"class\": 1, \"amount\": " AMOUNT_OK
             ", \"window\": " WINDOW_OK "}");
    expect_problem(MB_FAMILY_LISTING, b, "title", "must be a string");
}

Test(market, body_problems)
{
    expect_problem(MB_FAMILY_LISTING, "{\"type\": \"supply\", \"title\": ", "",
                   "not valid JSON");
    expect_problem(MB_FAMILY_LISTING, "{\"type\": \"supply\",\n \"title\": }", "",
                   "line 2");
    expect_problem(MB_FAMILY_LISTING, "[1, 2]", "", "JSON object");
    expect_problem(MB_FAMILY_LISTING, "{\"type\": \"supply\", \"type\": \"need\"}", "",
                   "duplicate");
    /* broken UTF-8 (jansson refuses it) */
    expect_problem(MB_FAMILY_LISTING, "{\"type\": \"supply\", \"title\": \"\xC3\x28\"}", "",
                   "not valid JSON");
    expect_problem(MB_FAMILY_LISTING, "{\"type\": \"landfill\", \"title\": \"x\"}", "type",
                   "facility type");
    expect_problem(MB_FAMILY_FACILITY, "{\"type\": \"supply\", \"name\": \"x\"}", "type",
                   "listing type");
    expect_problem(MB_FAMILY_LISTING, "{\"type\": \"mine\", \"title\": \"x\"}", "type",
                   "supply or need");
    char b[1024];
    snprintf(b, sizeof b, "{\"type\": \"supply\", " POS_OK
             ", \"material\": \"rock.blasted\", \"class\": 1, \"amount\": " AMOUNT_OK
             ", \"window\": " WINDOW_OK "}");
    expect_problem(MB_FAMILY_LISTING, b, "title", "is required");
    supply_with(b, sizeof b, AMOUNT_OK, WINDOW_OK, POS_OK, ", \"description\": \"a\\u0001b\"");
    expect_problem(MB_FAMILY_LISTING, b, "description", "control");
    supply_with(b, sizeof b, AMOUNT_OK, WINDOW_OK, POS_OK,
                ", \"keywords\": [\"ok\", \"0123456789012345678901234567890123456789x\"]");
    expect_problem(MB_FAMILY_LISTING, b, "keywords[1]", "1-40");
    supply_with(b, sizeof b, AMOUNT_OK, WINDOW_OK, POS_OK, ", \"kind\": \"source\"");
    expect_problem(MB_FAMILY_LISTING, b, "kind", "unknown field");
    /* a title over 160 characters (counted as characters, not bytes) */
    char t[400];
    for (int i = 0; i < 161; i++)
        memcpy(t + 2 * i, "ø", 2);
    t[322] = '\0';
    snprintf(b, sizeof b, "{\"type\": \"need\", \"title\": \"%s\"}", t);
    expect_problem(MB_FAMILY_LISTING, b, "title", "at most 160 characters (got 161)");
    /* a need's price may not be negative */
    snprintf(b, sizeof b, "{\"type\": \"need\", \"title\": \"x\", \"price_nok_per_t\": -1}");
    expect_problem(MB_FAMILY_LISTING, b, "price_nok_per_t", "only a supply");
}

Test(market, every_problem_at_once_and_rec_untouched)
{
    const char *body =
        "{\"type\": \"supply\", \"lat\": 59.9, \"lon\": 10.75, \"material\": \"rock.blasted\", "
        "\"class\": 1, \"amount\": {\"value\": 10, \"unit\": \"m3\"}, \"window\": "
        "{\"from\": \"2026-01\", \"to\": \"2026-02\"}, \"colour\": \"grey\", "
        "\"price_nok_per_t\": \"free\", \"lab\": [{\"substance\": \"Xx\", \"value\": 1}]}";
    struct mb_site_rec r;
    memset(&r, 0x5A, sizeof r);
    struct mb_site_rec copy = r;
    struct mb_problems p;
    int rc = mb_market_parse_site(&M, MB_FAMILY_LISTING, body, strlen(body), &r, &p);
    cr_assert_eq(rc, MB_EINVAL);
    cr_assert_not_null(find(&p, "title", "is required"));
    cr_assert_not_null(find(&p, "amount.unit", "m3"));
    cr_assert_not_null(find(&p, "colour", "unknown field"));
    cr_assert_not_null(find(&p, "price_nok_per_t", "must be a number"));
    cr_assert_not_null(find(&p, "lab[0].substance", "unknown substance"));
    cr_assert_eq(p.n, 5);
    cr_assert_eq(memcmp(&r, &copy, sizeof r), 0, "rec was changed on failure");
    mb_problems_release(&p);
}

Test(market, site_json_and_feature)
{
    struct mb_site_rec r;
    struct mb_problems p;
    cr_assert_eq(parse(MB_FAMILY_LISTING, SUPPLY_BODY, &r, &p), 0);
    r.id = 42;
    r.org_id = 7;
    r.status = MB_STATUS_PUBLISHED;
    r.created = 1767225600; /* 2026-01-01T00:00:00Z */
    r.updated = 1767225600 + 3600 + 61;
    r.version = 3;
    json_t *j = mb_market_site_json(&r);
    cr_assert_eq(json_integer_value(json_object_get(j, "id")), 42);
    cr_assert_eq(json_integer_value(json_object_get(j, "org_id")), 7);
    cr_assert_str_eq(json_string_value(json_object_get(j, "type")), "supply");
    cr_assert_str_eq(json_string_value(json_object_get(j, "status")), "published");
    cr_assert_str_eq(json_string_value(json_object_get(j, "created")), "2026-01-01T00:00:00Z");
    cr_assert_str_eq(json_string_value(json_object_get(j, "updated")), "2026-01-01T01:01:01Z");
    cr_assert_eq(json_integer_value(json_object_get(j, "version")), 3);
    cr_assert_str_eq(json_string_value(json_object_get(j, "title")), "Sprengstein fra Bjørvika");
    cr_assert_str_eq(json_string_value(json_object_get(j, "material")), "rock.blasted");
    json_decref(j);

    json_t *f = mb_market_site_feature(&r);
    cr_assert_str_eq(json_string_value(json_object_get(f, "type")), "Feature");
    cr_assert_eq(json_integer_value(json_object_get(f, "id")), 42);
    json_t *g = json_object_get(f, "geometry");
    cr_assert_str_eq(json_string_value(json_object_get(g, "type")), "Point");
    json_t *c = json_object_get(g, "coordinates");
    cr_assert_float_eq(json_number_value(json_array_get(c, 0)), 10.755, 1e-12);
    cr_assert_float_eq(json_number_value(json_array_get(c, 1)), 59.905, 1e-12);
    json_t *props = json_object_get(f, "properties");
    cr_assert_str_eq(json_string_value(json_object_get(props, "status")), "published");
    json_decref(f);
    mb_site_rec_release(&r);
}

/* ---- matches ----------------------------------------------------------------- */

static char *RB[] = { "rock.blasted" };
static char *P32[] = { "product.crushed.0-32" };

static struct mb_site_rec site(int64_t id, enum mb_site_type t, double lat, double lon,
                               int cls, double amount, const char *from, const char *to,
                               char **materials)
{
    struct mb_site_rec r;
    memset(&r, 0, sizeof r);
    r.id = id;
    r.type = t;
    r.status = MB_STATUS_PUBLISHED;
    snprintf(r.title, sizeof r.title, "site %lld", (long long)id);
    r.lat = lat;
    r.lon = lon;
    r.cls = cls;
    r.amount_t = amount;
    r.from_m = from ? month(from) : MB_NO_MONTH_FROM;
    r.to_m = to ? month(to) : MB_NO_MONTH_TO;
    r.materials = materials;
    r.nmaterials = 1;
    if (t == MB_TYPE_SUPPLY || t == MB_TYPE_NEED)
        snprintf(r.material, sizeof r.material, "%s", materials[0]);
    return r;
}

/* What a match should cost per tonne, from the default factors. */
static double km_to(double lat0, double lon0, double lat, double lon)
{
    return mb_geo_distance_km((struct mb_point){ lat0, lon0 }, (struct mb_point){ lat, lon }) *
           MB_DEFAULT_DETOUR_FACTOR;
}

/* By hand from the register's central values: a 29 t load, 1 l diesel and
 * 600 NOK fixed, 0.50 l/km out and 0.35 back at E_ROAD kg CO2e/l (well to
 * wheel), 21 NOK per km driven both ways, CO2 at 2 000 NOK/t. */
/* kg CO2e per litre of Norwegian road diesel (87 % fossil at 3.24, 13 %
 * HVO at 0.49), well to wheel. */
#define E_ROAD (0.87 * 3.24 + 0.13 * 0.49)

static double co2_per_tkm(void)
{
    return (0.50 + 0.35) * E_ROAD / 29;
}

static double total_per_t(double km, double fee, double co2_site)
{
    double co2 = (1.0 + km * (0.50 + 0.35)) * E_ROAD / 29 + co2_site;
    return (600.0 + km * 21 * 2) / 29 + fee + 2000.0 / 1000 * co2;
}

static const struct mb_match_excluded *excluded(const struct mb_match_result *res, int64_t id)
{
    for (size_t i = 0; i < res->nexcluded; i++)
        if (res->excluded[i].site_id == id)
            return &res->excluded[i];
    return NULL;
}

Test(market, counterpart_types)
{
    unsigned s = mb_match_counterpart_types(MB_TYPE_SUPPLY);
    cr_assert_eq(s, 1u << MB_TYPE_NEED | 1u << MB_TYPE_STORAGE | 1u << MB_TYPE_PLANT |
                    1u << MB_TYPE_LANDFILL);
    unsigned n = mb_match_counterpart_types(MB_TYPE_NEED);
    cr_assert_eq(n, 1u << MB_TYPE_SUPPLY | 1u << MB_TYPE_STORAGE | 1u << MB_TYPE_PLANT |
                    1u << MB_TYPE_QUARRY);
    cr_assert_eq(mb_match_counterpart_types(MB_TYPE_LANDFILL), 0);
}

Test(market, supply_matches_ranked_with_exclusions_and_saving)
{
    const double lat0 = 59.90, lon0 = 10.75;
    struct mb_site_rec L = site(1, MB_TYPE_SUPPLY, lat0, lon0, 2, 1000, "2026-03",
                                "2026-05", RB);
    L.limits = "Pb=80;As=5";
    struct mb_site_rec c[10];
    size_t n = 0;
    c[n++] = site(10, MB_TYPE_NEED, 59.95, 10.75, 2, 500, "2026-04", "2026-06", RB);
    c[n++] = site(11, MB_TYPE_NEED, 59.92, 10.75, 3, 2000, "2026-01", "2026-12", RB);
    c[n++] = site(12, MB_TYPE_NEED, 60.00, 10.75, 2, 800, "2026-05", "2026-05", RB);
    c[n] = site(20, MB_TYPE_LANDFILL, 59.93, 10.75, 2, 100000, NULL, NULL, RB);
    c[n].price_nok_per_t = 150;
    c[n++].co2_kg_per_t = 0.5;
    c[n++] = site(13, MB_TYPE_NEED, 61.50, 10.75, 2, 500, "2026-03", "2026-05", RB); /* far */
    c[n++] = site(14, MB_TYPE_NEED, 59.91, 10.75, 1, 500, "2026-03", "2026-05", RB); /* class */
    c[n] = site(15, MB_TYPE_NEED, 59.91, 10.76, 2, 500, "2026-03", "2026-05", RB);   /* Pb */
    c[n++].limits = "As=8;Pb=60";
    c[n] = site(16, MB_TYPE_NEED, 59.91, 10.75, 2, 500, "2026-03", "2026-05", RB);   /* draft */
    c[n++].status = MB_STATUS_DRAFT;
    c[n++] = site(30, MB_TYPE_QUARRY, 59.91, 10.75, 1, -1, NULL, NULL, RB); /* wrong type */
    c[n++] = site(17, MB_TYPE_NEED, 59.91, 10.75, 2, 500, "2026-07", "2026-08", RB); /* window */

    struct mb_match_result res;
    struct mb_error err;
    cr_assert_eq(mb_match_rank(&M, &L, c, n, 10, &res, &err), 0);
    cr_assert_eq(res.n, 4);
    cr_assert_eq(res.items[0].site_id, 11);
    cr_assert_eq(res.items[1].site_id, 10);
    cr_assert_eq(res.items[2].site_id, 12);
    cr_assert_eq(res.items[3].site_id, 20);
    for (size_t i = 1; i < res.n; i++)
        cr_assert(res.items[i - 1].total_nok_per_t <= res.items[i].total_nok_per_t);

    /* the exclusions, each with its reason */
    cr_assert_eq(res.nexcluded, 4);
    cr_assert_not_null(strstr(excluded(&res, 13)->reason, "longest haul"));
    cr_assert_not_null(strstr(excluded(&res, 14)->reason, "up to class 1"));
    cr_assert_str_eq(excluded(&res, 15)->reason,
                     "Pb 80 mg/kg is above the receiver's limit 60 mg/kg");
    cr_assert_not_null(strstr(excluded(&res, 17)->reason, "windows"));
    cr_assert_null(excluded(&res, 16));
    cr_assert_null(excluded(&res, 30));

    /* figures of the best match, by hand from the default factors */
    const struct mb_match *b = &res.items[0];
    double km11 = km_to(lat0, lon0, 59.92, 10.75);
    cr_assert_float_eq(b->km, km11, 1e-9);
    cr_assert_float_eq(b->transport_nok_per_t, (600 + km11 * 21 * 2) / 29, 1e-9);
    cr_assert_float_eq(b->fee_nok_per_t, 0, 1e-12);
    cr_assert_float_eq(b->co2_kg_per_t, (1 + km11 * 0.85) * E_ROAD / 29, 1e-9);
    cr_assert_float_eq(b->total_nok_per_t, total_per_t(km11, 0, 0), 1e-9);
    cr_assert_eq(b->overlap_months, 3);
    cr_assert_float_eq(b->amount_t, 1000, 1e-9);
    cr_assert_eq(res.items[1].overlap_months, 2);
    cr_assert_float_eq(res.items[1].amount_t, 500, 1e-9);
    cr_assert_eq(res.items[3].overlap_months, 3); /* landfill without window */
    cr_assert_float_eq(res.items[3].amount_t, 1000, 1e-9);
    cr_assert_float_eq(res.items[3].fee_nok_per_t, 150, 1e-12);

    /* the alternative is the landfill; saving = its total - this total */
    double km20 = km_to(lat0, lon0, 59.93, 10.75);
    double alt = total_per_t(km20, 150, 0.5);
    cr_assert(res.has_alternative);
    cr_assert_eq(res.alternative_site_id, 20);
    cr_assert_float_eq(res.alternative_total_nok_per_t, alt, 1e-9);
    cr_assert_float_eq(b->saving_nok_per_t, alt - total_per_t(km11, 0, 0), 1e-9);
    cr_assert_float_eq(b->saving_co2_kg_per_t,
                       km20 * co2_per_tkm() + 0.5 - km11 * co2_per_tkm(), 1e-9);
    cr_assert(b->saving_nok_per_t > 150);
    /* the worked example in docs/listings.md */
    cr_assert_float_eq(b->total_nok_per_t, 25.56, 0.005);
    cr_assert_float_eq(b->saving_nok_per_t, 153.34, 0.01);
    cr_assert_float_eq(res.items[3].total_nok_per_t, 178.90, 0.005);
    cr_assert_float_eq(res.items[3].saving_nok_per_t, 0, 1e-12);
    mb_match_result_release(&res);

    /* limit */
    cr_assert_eq(mb_match_rank(&M, &L, c, n, 2, &res, &err), 0);
    cr_assert_eq(res.n, 2);
    cr_assert_eq(res.items[1].site_id, 10);
    cr_assert(res.has_alternative); /* found among all, not only the first two */
    mb_match_result_release(&res);

    /* a facility is no listing */
    cr_assert_eq(mb_match_rank(&M, &c[3], c, n, 10, &res, &err), MB_EINVAL);
}

Test(market, need_matches_against_quarry)
{
    const double lat0 = 59.90, lon0 = 10.75;
    struct mb_site_rec L = site(2, MB_TYPE_NEED, lat0, lon0, 1, 3000, "2026-03", "2026-04",
                                P32);
    L.limits = "Pb=40";
    struct mb_site_rec c[6];
    size_t n = 0;
    c[n] = site(40, MB_TYPE_QUARRY, 59.99, 10.75, 1, -1, NULL, NULL, P32);
    c[n].price_nok_per_t = 220;
    c[n++].co2_kg_per_t = 3;
    c[n] = site(41, MB_TYPE_QUARRY, 60.10, 10.75, 1, 50000, NULL, NULL, P32);
    c[n].price_nok_per_t = 100;
    c[n++].co2_kg_per_t = 3;
    c[n] = site(42, MB_TYPE_SUPPLY, 59.94, 10.75, 1, 1000, "2026-01", "2026-03", P32);
    c[n].limits = "Pb=10";
    c[n++].price_nok_per_t = 50; /* a transfer: not in the ranking */
    c[n] = site(43, MB_TYPE_SUPPLY, 59.92, 10.75, 1, 1000, "2026-01", "2026-03", P32);
    c[n++].limits = "Pb=50"; /* above the need's own limit 40 */
    c[n++] = site(44, MB_TYPE_SUPPLY, 59.92, 10.75, 2, 1000, "2026-01", "2026-03", P32);
    c[n++] = site(45, MB_TYPE_SUPPLY, 59.92, 10.75, 1, 1000, "2026-01", "2026-03", RB);

    struct mb_match_result res;
    struct mb_error err;
    cr_assert_eq(mb_match_rank(&M, &L, c, n, 0, &res, &err), 0);
    cr_assert_eq(res.n, 3);
    cr_assert_eq(res.items[0].site_id, 42);
    cr_assert_float_eq(res.items[0].fee_nok_per_t, 0, 1e-12);
    cr_assert_float_eq(res.items[0].amount_t, 1000, 1e-9);
    cr_assert_eq(res.items[0].overlap_months, 1);
    cr_assert_str_eq(excluded(&res, 43)->reason,
                     "Pb 50 mg/kg is above the receiver's limit 40 mg/kg");
    cr_assert_not_null(excluded(&res, 44));
    cr_assert_null(excluded(&res, 45)); /* other material: not a counterpart at all */

    double t40 = total_per_t(km_to(lat0, lon0, 59.99, 10.75), 220, 3);
    double t41 = total_per_t(km_to(lat0, lon0, 60.10, 10.75), 100, 3);
    double best = t40 < t41 ? t40 : t41;
    cr_assert(res.has_alternative);
    cr_assert_eq(res.alternative_site_id, t40 < t41 ? 40 : 41);
    cr_assert_float_eq(res.alternative_total_nok_per_t, best, 1e-9);
    double t42 = total_per_t(km_to(lat0, lon0, 59.94, 10.75), 0, 0);
    cr_assert_float_eq(res.items[0].saving_nok_per_t, best - t42, 1e-9);
    /* the unlimited quarry offers the whole need */
    for (size_t i = 0; i < res.n; i++)
        if (res.items[i].site_id == 40)
            cr_assert_float_eq(res.items[i].amount_t, 3000, 1e-9);
    mb_match_result_release(&res);
}

/* ---- region scenario ------------------------------------------------------------ */

Test(market, region_scenario_reads_back)
{
    const char *bodies[][2] = {
        { "L", "{\"type\": \"supply\", \"title\": \"Graving\", \"lat\": 59.9, \"lon\": 10.75, "
               "\"material\": \"rock.blasted\", \"lab\": [{\"substance\": \"Pb\", \"value\": 80}], "
               "\"amount\": {\"value\": 1200, \"unit\": \"t\"}, \"price_nok_per_t\": -10, "
               "\"window\": {\"from\": \"2025-11\", \"to\": \"2026-02\"}}" },
        { "L", "{\"type\": \"need\", \"title\": \"Fylling\", \"lat\": 59.92, \"lon\": 10.75, "
               "\"material\": \"rock.blasted\", \"max_class\": 2, \"limits\": {\"Pb\": 100}, "
               "\"amount\": {\"value\": 300, \"unit\": \"fm3\"}, "
               "\"window\": {\"from\": \"2026-03\", \"to\": \"2026-04\"}}" },
        { "F", "{\"type\": \"landfill\", \"name\": \"Deponi\", \"lat\": 59.95, \"lon\": 10.8, "
               "\"accepts\": [\"*\"], \"max_class\": 2, \"capacity_per_year\": {\"value\": "
               "10000, \"unit\": \"t\"}, \"window\": {\"from\": \"2025-01\", \"to\": \"2026-03\"}}" },
        { "F", "{\"type\": \"quarry\", \"name\": \"Pukkverk\", \"lat\": 59.99, \"lon\": 10.8, "
               "\"offers\": [\"rock.*\"], \"price_nok_per_t\": 200}" },
        { "L", "{\"type\": \"need\", \"title\": \"Senere\", \"lat\": 59.92, \"lon\": 10.75, "
               "\"material\": \"rock.blasted\", \"amount\": {\"value\": 300, \"unit\": \"t\"}, "
               "\"window\": {\"from\": \"2027-03\", \"to\": \"2027-04\"}}" },
    };
    enum { N = sizeof bodies / sizeof *bodies };
    struct mb_site_rec recs[N];
    for (size_t i = 0; i < N; i++) {
        struct mb_problems p;
        int rc = parse(bodies[i][0][0] == 'L' ? MB_FAMILY_LISTING : MB_FAMILY_FACILITY,
                       bodies[i][1], &recs[i], &p);
        dump(&p);
        cr_assert_eq(rc, 0, "body %zu", i);
        recs[i].id = (int64_t)i + 1;
    }
    json_t *sc = mb_market_region_scenario(&M, recs, N, month("2026-01"), month("2026-06"),
                                           "Oslo");
    char *text = json_dumps(sc, JSON_COMPACT);
    json_decref(sc);
    struct mb_scenario s;
    struct mb_problems p;
    int rc = mb_scenario_parse(&s, text, strlen(text), &p);
    dump(&p);
    cr_assert_eq(rc, 0, "%s", text);
    cr_assert_str_eq(s.name, "Oslo");
    cr_assert_eq(s.nsites, 4); /* the 2027 need lies outside */
    cr_assert_str_eq(s.sites[0].id, "L1");
    cr_assert_eq(s.sites[0].kind, MB_SITE_SOURCE);
    cr_assert_str_eq(s.sites[0].name, "Graving");
    cr_assert_eq(s.sites[0].cls, 2); /* from the lab */
    /* 2025-11..2026-02 clipped to 2026-01..02: 2 of 4 months, half the amount */
    cr_assert_eq(s.sites[0].from, month("2026-01"));
    cr_assert_eq(s.sites[0].to, month("2026-02"));
    cr_assert_float_eq(s.sites[0].amount_t, 600, 1e-9);
    cr_assert_str_eq(s.sites[1].id, "L2");
    cr_assert_eq(s.sites[1].kind, MB_SITE_NEED);
    cr_assert_float_eq(s.sites[1].amount_t, 300 * density("rock.blasted"), 1e-9);
    cr_assert_str_eq(s.sites[2].id, "F3");
    cr_assert_eq(s.sites[2].kind, MB_SITE_LANDFILL);
    cr_assert_eq(s.sites[2].from, month("2026-01"));
    cr_assert_eq(s.sites[2].to, month("2026-03"));
    cr_assert_str_eq(s.sites[3].id, "F4");
    cr_assert_eq(s.sites[3].kind, MB_SITE_QUARRY);
    cr_assert_float_eq(s.sites[3].fee_nok_per_t, 200, 1e-9);
    cr_assert_eq(s.sites[3].from, month("2026-01"));
    cr_assert_eq(s.sites[3].to, month("2026-06"));
    /* the market's factors travel with it */
    cr_assert_float_eq(s.transport.nok_per_tkm, M.cost_nok_per_tkm, 1e-12);
    cr_assert_float_eq(s.transport.co2_per_tkm, M.co2_kg_per_tkm, 1e-12);
    cr_assert_float_eq(s.transport.nok_per_t, M.cost_nok_per_t, 1e-12);
    cr_assert_float_eq(s.co2_price_nok_per_t, M.co2_price_nok_per_t, 1e-12);
    mb_scenario_release(&s);
    free(text);
    for (size_t i = 0; i < N; i++)
        mb_site_rec_release(&recs[i]);
}

/* The search lists splice the view from the stored text
 * (mb_market_site_json_append); it must say exactly what
 * mb_market_site_json says, for a site with lat/lon, one placed by its
 * municipality, with and without distance, and as a GeoJSON Feature. */
Test(market, spliced_view_equals_the_parsed_view)
{
    static const char *const bodies[] = {
        "{\"type\": \"supply\", \"title\": \"Sprengstein \\\"E6\\\" Støren\", \"lat\": 63.03, "
        "\"lon\": 10.28, \"material\": \"rock.blasted\", \"class\": 1, \"amount\": {\"value\": 1200, "
        "\"unit\": \"fm3\"}, \"window\": {\"from\": \"2027-03\", \"to\": \"2027-06\"}, "
        "\"keywords\": [\"tunnel\", \"lat\"], \"description\": \"\\\"lat\\\": 1\"}",
        "{\"type\": \"landfill\", \"name\": \"Deponi\", \"municipality\": \"5001\", "
        "\"accepts\": [\"rock.*\"], \"max_class\": 1, \"capacity_per_year\": {\"value\": 1000, "
        "\"unit\": \"t\"}}",
    };
    for (size_t k = 0; k < 2; k++) {
        struct mb_site_rec rec;
        struct mb_problems p = { 0 };
        cr_assert_eq(parse(k ? MB_FAMILY_FACILITY : MB_FAMILY_LISTING, bodies[k], &rec, &p), 0);
        rec.id = 41 + (int64_t)k;
        rec.org_id = 7;
        rec.status = k ? MB_STATUS_RESERVED : MB_STATUS_PUBLISHED;
        rec.created = 1790000000;
        rec.updated = 1790000300;
        rec.version = 3;
        for (int variant = 0; variant < 3; variant++) {
            double km = variant == 1 ? 12.5 : -1;
            bool feature = variant == 2;
            struct mb_strbuf b = { 0 };
            mb_market_site_json_append(&b, &rec, km, feature);
            json_error_t je;
            json_t *got = json_loads(b.s, JSON_REJECT_DUPLICATES, &je);
            cr_assert_not_null(got, "not JSON (%s): %s", je.text, b.s);
            json_t *want = feature ? mb_market_site_feature(&rec) : mb_market_site_json(&rec);
            if (km >= 0)
                json_object_set_new(want, "distance_km", json_real(km));
            /* Positions are printed to 7 decimals (1 cm): compare them apart. */
            json_t *gp = json_object_get(feature ? json_object_get(got, "properties") : got,
                                         "position");
            json_t *wp = json_object_get(feature ? json_object_get(want, "properties") : want,
                                         "position");
            cr_assert_float_eq(json_real_value(json_object_get(gp, "lat")),
                               json_real_value(json_object_get(wp, "lat")), 1e-7);
            cr_assert_eq(json_is_true(json_object_get(gp, "approximate")),
                         json_is_true(json_object_get(wp, "approximate")));
            cr_assert_eq(json_is_true(json_object_get(gp, "approximate")), k == 1);
            json_object_set(gp, "lat", json_object_get(wp, "lat"));
            json_object_set(gp, "lon", json_object_get(wp, "lon"));
            if (feature) {
                json_t *gc = json_object_get(json_object_get(got, "geometry"), "coordinates");
                json_t *wc = json_object_get(json_object_get(want, "geometry"), "coordinates");
                cr_assert_float_eq(json_real_value(json_array_get(gc, 0)),
                                   json_real_value(json_array_get(wc, 0)), 1e-7);
                json_object_set(json_object_get(got, "geometry"), "coordinates", wc);
            }
            char *gs = json_dumps(got, JSON_SORT_KEYS), *ws = json_dumps(want, JSON_SORT_KEYS);
            cr_assert(json_equal(got, want), "spliced %s\nparsed  %s", gs, ws);
            free(gs);
            free(ws);
            json_decref(got);
            json_decref(want);
            mb_strbuf_release(&b);
        }
        mb_site_rec_release(&rec);
    }
}

/* Issue 14: a class range, leaching limits and landfill templates decide
 * matches by one rule, and the reason names the exact value. */
Test(market, ranges_leaching_limits_and_templates_in_matching)
{
    const double lat0 = 59.90, lon0 = 10.75;
    /* class 2-4: benzene not detected below 0.05 (class 4), Pb 70 (class 2) */
    struct mb_site_rec L = site(1, MB_TYPE_SUPPLY, lat0, lon0, 4, 1000, "2026-03",
                                "2026-05", RB);
    L.limits = "Pb=70;Benzen=<0.05;L.Ba=25;@min=2";
    struct mb_site_rec c[8];
    size_t n = 0;
    c[n++] = site(10, MB_TYPE_NEED, 59.91, 10.75, 2, 500, "2026-03", "2026-05", RB);
    c[n] = site(11, MB_TYPE_NEED, 59.91, 10.75, 2, 500, "2026-03", "2026-05", RB);
    c[n++].limits = "@range";
    c[n] = site(12, MB_TYPE_NEED, 59.91, 10.75, 4, 500, "2026-03", "2026-05", RB);
    c[n++].limits = "L.Ba=20";
    c[n] = site(13, MB_TYPE_LANDFILL, 59.91, 10.75, 4, 100000, NULL, NULL, RB);
    c[n++].limits = "@tpl=inert";
    c[n] = site(14, MB_TYPE_LANDFILL, 59.91, 10.75, 4, 100000, NULL, NULL, RB);
    c[n++].limits = "@tpl=ordinary";
    c[n] = site(15, MB_TYPE_NEED, 59.91, 10.75, 4, 500, "2026-03", "2026-05", RB);
    c[n++].limits = "Benzen=0.01";
    c[n] = site(16, MB_TYPE_NEED, 59.91, 10.75, 4, 500, "2026-03", "2026-05", RB);
    c[n++].limits = "Benzen=0.01;@range";
    struct mb_match_result res;
    struct mb_error err;
    cr_assert_eq(mb_match_rank(&M, &L, c, n, 10, &res, &err), 0);
    cr_assert_str_eq(excluded(&res, 10)->reason,
                     "class 2-4 masses (a detection limit leaves the class open up to 4); "
                     "the receiver takes up to class 2 and does not accept class ranges");
    cr_assert_null(excluded(&res, 11)); /* accepts the range: judged as class 2 */
    cr_assert_str_eq(excluded(&res, 12)->reason,
                     "Ba leached at L/S = 10: 25 mg/kg is above the receiver's limit 20 mg/kg");
    cr_assert_str_eq(excluded(&res, 13)->reason,
                     "Ba leached at L/S = 10: 25 mg/kg is above the limit 20 mg/kg of the "
                     "landfill template 'inert' (avfallsforskriften vedlegg II)");
    /* The reason keeps its words through the pass-on, for the reader's
     * language: the template and its six values. */
    const struct mb_words *w = &excluded(&res, 13)->words;
    cr_assert_str_eq(w->tmpl, "%s leached at L/S = 10: %g %s is above the limit %g %s of the "
                     "landfill template '%s' (avfallsforskriften vedlegg II)");
    cr_assert_eq(w->n, 6);
    cr_assert_str_eq(w->v[0].text, "Ba");
    cr_assert_float_eq(w->v[1].num, 25.0, 1e-9);
    cr_assert_str_eq(w->v[5].text, "inert");
    cr_assert_null(excluded(&res, 14)); /* ordinary: Ba 25 <= 100 */
    cr_assert(strstr(excluded(&res, 15)->reason, "not detected below 0.05 mg/kg, which is "
                                                 "above the receiver's limit 0.01 mg/kg"),
              "%s", excluded(&res, 15)->reason);
    cr_assert_null(excluded(&res, 16));
    cr_assert_eq(res.n, 3);
    mb_match_result_release(&res);
    /* at the limit: taken */
    L.limits = "Pb=70;L.Ba=20";
    L.cls = 2;
    cr_assert_eq(mb_match_rank(&M, &L, c, n, 10, &res, &err), 0);
    cr_assert_null(excluded(&res, 12));
    cr_assert_null(excluded(&res, 13));
    mb_match_result_release(&res);
}
