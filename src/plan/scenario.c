/*
 * scenario.c - reading and validating "massebank-scenario/1" documents.
 *
 * Validation walks the whole document and collects every problem with
 * its JSON path before anything is solved: a user fixing a scenario sees
 * all mistakes at once, not one per run. Unknown keys are problems too
 * (a misspelt "gate_fee" must not silently become the default).
 */
#include "plan/scenario.h"

#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/ferry.h"
#include "core/text.h"
#include "domain/month.h"
#include "domain/boundary.h"
#include "domain/municipality.h"
#include "domain/unit.h"
#include "plan/defaults.h"

void mb_problems_add(struct mb_problems *p, const char *path, const char *fmt, ...)
{
    p->items = mb_xgrow(p->items, &p->cap, p->n + 1, sizeof *p->items);
    struct mb_problem *x = &p->items[p->n++];
    snprintf(x->path, sizeof x->path, "%s", path);
    va_list ap;
    va_start(ap, fmt);
    mb_words_vformat(x->message, sizeof x->message, &x->words, fmt, ap);
    va_end(ap);
}

void mb_problems_release(struct mb_problems *p)
{
    if (!p)
        return;
    free(p->items);
    memset(p, 0, sizeof *p);
}

static const char *const kind_names[] = { "source", "need", "landfill", "storage",
                                          "plant", "quarry" };

const char *mb_site_kind_name(enum mb_site_kind k)
{
    return (unsigned)k < MB_SITE_KIND_COUNT ? kind_names[k] : "?";
}

struct ctx {
    struct mb_problems *p;
    struct mb_scenario *s;
    struct mb_geo *geo;
    const struct mb_municipalities *mu; /* shared, read-only (reference_data) */
};

/* The built-in catalog and municipality table are parsed from their
 * compiled-in CSV once per process: parsing them on every scenario cost a
 * quarter of the time of a listing written through the API. Each scenario
 * gets its own copy of the catalog (it may override entries); the
 * municipalities are shared read-only. */
static pthread_once_t reference_once = PTHREAD_ONCE_INIT;
static struct mb_catalog reference_catalog;
static struct mb_municipalities reference_munis;
static struct mb_error reference_err;
static int reference_rc;

/* Each thread keeps its PROJ context and transformations between parses
 * (released when the thread ends): making them again for every scenario
 * with a UTM position cost 7.5 ms, per listing written through the API. */
static pthread_once_t geo_once = PTHREAD_ONCE_INIT;
static pthread_key_t geo_key;

static void geo_destroy(void *g)
{
    mb_geo_free(g);
}

static void geo_key_create(void)
{
    pthread_key_create(&geo_key, geo_destroy);
}

static int thread_geo(struct mb_geo **out, struct mb_error *err)
{
    pthread_once(&geo_once, geo_key_create);
    struct mb_geo *g = pthread_getspecific(geo_key);
    if (!g) {
        int rc = mb_geo_new(&g, err);
        if (rc)
            return rc;
        if (pthread_setspecific(geo_key, g) != 0) {
            mb_geo_free(g);
            return mb_error_set(err, MB_EPROJ, "", "cannot keep the coordinate "
                                "transformations for this thread");
        }
    }
    *out = g;
    return 0;
}

static void load_reference_data(void)
{
    mb_error_clear(&reference_err);
    reference_rc = mb_catalog_init(&reference_catalog, &reference_err);
    if (reference_rc == 0)
        reference_rc = mb_municipalities_init(&reference_munis, &reference_err);
}

static int reference_data(struct mb_catalog *catalog, const struct mb_municipalities **munis,
                          struct mb_error *err)
{
    pthread_once(&reference_once, load_reference_data);
    if (reference_rc) {
        if (err)
            *err = reference_err;
        return reference_rc;
    }
    catalog->n = catalog->cap = reference_catalog.n;
    catalog->items = mb_xmalloc((catalog->n ? catalog->n : 1) * sizeof *catalog->items);
    memcpy(catalog->items, reference_catalog.items, catalog->n * sizeof *catalog->items);
    *munis = &reference_munis;
    return 0;
}

const struct mb_municipalities *mb_scenario_municipalities(struct mb_error *err)
{
    pthread_once(&reference_once, load_reference_data);
    if (reference_rc) {
        if (err)
            *err = reference_err;
        return NULL;
    }
    return &reference_munis;
}

static void sub(char *out, size_t n, const char *path, const char *key)
{
    if (path[0])
        snprintf(out, n, "%s.%s", path, key);
    else
        snprintf(out, n, "%s", key);
}

/* Report keys of obj that are not in the NULL-terminated list. */
static void check_keys(struct ctx *c, json_t *obj, const char *path,
                       const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        (void)v;
        int ok = 0;
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(*a, key) == 0)
                ok = 1;
        if (!ok) {
            char p[160];
            sub(p, sizeof p, path, key);
            mb_problems_add(c->p, p, "unknown field");
        }
    }
}

static json_t *get(json_t *obj, const char *key)
{
    return json_is_object(obj) ? json_object_get(obj, key) : NULL;
}

/* The value at obj.key with its path in p; NULL if absent (a problem when
 * required). Every typed getter starts here. */
static json_t *field(struct ctx *c, json_t *obj, const char *key, const char *path,
                     bool required, char *p, size_t n)
{
    sub(p, n, path, key);
    json_t *v = get(obj, key);
    if (!v && required)
        mb_problems_add(c->p, p, "is required");
    return v;
}

/* A string field; NULL if absent (a problem if required) or not a string. */
static const char *get_str(struct ctx *c, json_t *obj, const char *key,
                           const char *path, bool required)
{
    char p[160];
    json_t *v = field(c, obj, key, path, required, p, sizeof p);
    if (!v)
        return NULL;
    if (!json_is_string(v)) {
        mb_problems_add(c->p, p, "must be a string");
        return NULL;
    }
    return json_string_value(v);
}

/* A number field in [lo, hi]; returns false (and leaves *out) if absent or
 * bad. Absent is a problem only when required. */
static bool get_num(struct ctx *c, json_t *obj, const char *key, const char *path,
                    double *out, bool required, double lo, double hi)
{
    char p[160];
    json_t *v = field(c, obj, key, path, required, p, sizeof p);
    if (!v)
        return false;
    if (!json_is_number(v)) {
        mb_problems_add(c->p, p, "must be a number");
        return false;
    }
    double x = json_number_value(v);
    if (!isfinite(x) || x < lo || x > hi) {
        if (x < 0 && lo >= 0)
            mb_problems_add(c->p, p, "must not be negative (got %g)", x);
        else
            mb_problems_add(c->p, p, "must be between %g and %g (got %g)", lo, hi, x);
        return false;
    }
    *out = x;
    return true;
}

static bool get_month(struct ctx *c, json_t *obj, const char *key, const char *path,
                      int *out, bool required)
{
    char p[160];
    sub(p, sizeof p, path, key);
    const char *v = get_str(c, obj, key, path, required);
    if (!v)
        return false;
    struct mb_error err;
    if (mb_month_parse(v, out, p, &err)) {
        mb_problems_add(c->p, p, "%s", err.message);
        return false;
    }
    return true;
}

/* A nested object with a fixed set of keys: NULL (with a problem when it
 * is required or not an object) if absent or wrong; its path in `p`. */
static json_t *get_object(struct ctx *c, json_t *obj, const char *key,
                          const char *path, bool required, const char *shape,
                          const char *const *keys, char *p, size_t n)
{
    json_t *v = field(c, obj, key, path, required, p, n);
    if (!v)
        return NULL;
    if (!json_is_object(v)) {
        mb_problems_add(c->p, p, "must be an object %s", shape);
        return NULL;
    }
    check_keys(c, v, p, keys);
    return v;
}

/* {"from": "YYYY-MM", "to": "YYYY-MM"} inside the horizon. */
static bool get_window(struct ctx *c, json_t *obj, const char *path, int *from,
                       int *to, bool required, bool check_horizon)
{
    char p[160];
    static const char *const keys[] = { "from", "to", NULL };
    json_t *w = get_object(c, obj, "window", path, required,
                           "{\"from\": \"YYYY-MM\", \"to\": \"YYYY-MM\"}", keys, p,
                           sizeof p);
    if (!w)
        return false;
    bool ok = get_month(c, w, "from", p, from, true);
    ok &= get_month(c, w, "to", p, to, true);
    if (!ok)
        return false;
    if (*to < *from) {
        mb_problems_add(c->p, p, "ends before it starts (to is before from)");
        return false;
    }
    if (check_horizon && (*from < c->s->from || *to > c->s->to)) {
        char a[8], b[8];
        mb_month_format(c->s->from, a);
        mb_month_format(c->s->to, b);
        mb_problems_add(c->p, p, "lies outside the horizon %s..%s", a, b);
        return false;
    }
    return true;
}

/* A material code to a catalog index, -1 with a problem if unknown. */
static int material_at(struct ctx *c, const char *code, const char *path)
{
    struct mb_error err;
    const struct mb_material *m = mb_catalog_lookup(&c->s->catalog, code, path, &err);
    if (!m) {
        mb_problems_add(c->p, path, "%s", err.message);
        return -1;
    }
    return (int)(m - c->s->catalog.items);
}

/* {"value": x, "unit": "t|fm3|lm3"}; for amounts of one material the value
 * is converted to tonnes with that material (material >= 0). */
static bool get_quantity(struct ctx *c, json_t *obj, const char *key,
                         const char *path, int material, double *tonnes,
                         struct mb_capacity *cap, bool required)
{
    char p[160], q[180];
    static const char *const keys[] = { "value", "unit", NULL };
    json_t *v = get_object(c, obj, key, path, required,
                           "{\"value\": number, \"unit\": \"t\"|\"fm3\"|\"lm3\"}", keys,
                           p, sizeof p);
    if (!v)
        return false;
    double x = 0;
    bool ok = get_num(c, v, "value", p, &x, true, 0, MB_AMOUNT_MAX);
    /* A site's amount is a lot to move: at least MB_AMOUNT_MIN (a
     * capacity may be 0: closed for the period). */
    if (ok && tonnes && !(x >= MB_AMOUNT_MIN)) {
        char q2[180];
        sub(q2, sizeof q2, p, "value");
        mb_problems_add(c->p, q2, "must be at least %g (got %g)", MB_AMOUNT_MIN, x);
        ok = false;
    }
    const char *u = get_str(c, v, "unit", p, true);
    enum mb_unit unit = MB_UNIT_T;
    if (u) {
        struct mb_error err;
        sub(q, sizeof q, p, "unit");
        if (mb_unit_parse(u, &unit, q, &err)) {
            mb_problems_add(c->p, q, "%s", err.message);
            ok = false;
        }
    } else {
        ok = false;
    }
    if (!ok)
        return false;
    if (cap) {
        cap->value = x;
        cap->unit = (int)unit;
    }
    if (tonnes) {
        if (material < 0)
            return false;
        mb_unit_convert(&c->s->catalog.items[material], x, unit, MB_UNIT_T, tonnes, NULL);
    }
    return true;
}

/* "accepts"/"offers": list of codes, aliases, "group.*" or "*". */
static void get_material_set(struct ctx *c, json_t *obj, const char *key,
                             const char *path, bool *set, bool required)
{
    char p[160], q[180];
    sub(p, sizeof p, path, key);
    json_t *v = get(obj, key);
    if (!v) {
        if (required)
            mb_problems_add(c->p, p, "is required");
        return;
    }
    if (!json_is_array(v) || json_array_size(v) == 0) {
        mb_problems_add(c->p, p, "must be a non-empty list of material codes "
                        "(\"rock.*\" means all rock)");
        return;
    }
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e) {
        snprintf(q, sizeof q, "%s[%zu]", p, i);
        if (!json_is_string(e)) {
            mb_problems_add(c->p, q, "must be a string");
            continue;
        }
        const char *code = json_string_value(e);
        size_t n = strlen(code);
        /* "*" and "group.*" leave out materials that need an approval
         * (acid-forming rock): a receiver names those on their own. */
        if (strcmp(code, "*") == 0) {
            for (size_t k = 0; k < c->s->catalog.n; k++)
                set[k] |= !c->s->catalog.items[k].approval[0];
        } else if (n > 2 && strcmp(code + n - 2, ".*") == 0) {
            int any = 0;
            for (size_t k = 0; k < c->s->catalog.n; k++) {
                const char *g = mb_material_group_name(c->s->catalog.items[k].group);
                if (strlen(g) == n - 2 && strncmp(g, code, n - 2) == 0) {
                    set[k] |= !c->s->catalog.items[k].approval[0];
                    any = 1;
                }
            }
            if (!any)
                mb_problems_add(c->p, q, "'%s' names no group; groups are rock, soil, "
                                "recycled and product", code);
        } else {
            int m = material_at(c, code, q);
            if (m >= 0)
                set[m] = true;
        }
    }
}

/* A material that needs an approval (acid-forming rock) goes only to a
 * landfill, storage or plant that names it and gives the permit that
 * approves it; never to a construction site (a need), which reuses masses.
 * So neither the planner nor matching can send it anywhere else. */
static void check_approvals(struct ctx *c, json_t *o, const char *path,
                            const struct mb_site *site)
{
    char p[160];
    sub(p, sizeof p, path, "acid_rock_permit");
    json_t *pv = get(o, "acid_rock_permit");
    const char *permit = json_string_value(pv);
    size_t visible = 0;
    for (const unsigned char *q = (const unsigned char *)(permit ? permit : ""); *q; q++)
        visible += *q > ' ' && (*q & 0xC0) != 0x80;
    if (pv && (!permit || visible < 3 || mb_utf8_chars(permit) > 200 ||
               mb_text_has_control(permit, strlen(permit), false))) {
        mb_problems_add(c->p, p, "must be a text of 3 to 200 characters, not only spaces "
                        "and without control characters: the permit that approves the "
                        "site for acid-forming rock (authority, date, reference)");
        return;
    }
    bool named = false;
    for (size_t k = 0; k < c->s->catalog.n; k++) {
        const struct mb_material *m = &c->s->catalog.items[k];
        if (!m->approval[0] || !site->accepts[k])
            continue;
        named = true;
        if (site->kind == MB_SITE_NEED) {
            char q[160];
            sub(q, sizeof q, path, site->material == (int)k ? "material" : "accepts");
            mb_problems_add(c->p, q, "%s (%s) cannot be reused at a construction site: "
                            "it goes only to a landfill, storage or plant approved for it",
                            m->code, m->name_en);
        } else if (!permit) {
            mb_problems_add(c->p, p, "is required to accept %s (%s): the permit that "
                            "approves the site for it (authority, date, reference)",
                            m->code, m->name_en);
        }
    }
    if (permit && !named)
        mb_problems_add(c->p, p, "is only read from a site whose accepts names rock.acid");
}

/* Position: lat/lon, or utm {epsg, easting, northing}, or municipality. */
static void get_position(struct ctx *c, json_t *o, const char *path,
                         struct mb_site *site)
{
    char p[160];
    json_t *utm = get(o, "utm");
    bool has_lat = get(o, "lat") || get(o, "lon");
    const char *mun = get_str(c, o, "municipality", path, false);
    const struct mb_municipality *m = NULL;
    if (mun) {
        m = mb_municipality_find(c->mu, mun);
        sub(p, sizeof p, path, "municipality");
        if (!m)
            mb_problems_add(c->p, p, "unknown municipality '%.40s' (give its 4-digit "
                            "code or name)", mun);
        else
            memcpy(site->municipality, m->code, 5);
    }
    if (has_lat && utm) {
        mb_problems_add(c->p, path, "give lat/lon or utm, not both");
        return;
    }
    struct mb_error err;
    if (has_lat) {
        double lat = NAN, lon = NAN;
        bool ok = get_num(c, o, "lat", path, &lat, true, -90, 90);
        ok &= get_num(c, o, "lon", path, &lon, true, -180, 180);
        if (!ok)
            return;
        site->pos.lat = lat;
        site->pos.lon = lon;
    } else if (utm) {
        sub(p, sizeof p, path, "utm");
        if (!json_is_object(utm)) {
            mb_problems_add(c->p, p, "must be an object {\"epsg\", \"easting\", "
                            "\"northing\"}");
            return;
        }
        static const char *const keys[] = { "epsg", "easting", "northing", NULL };
        check_keys(c, utm, p, keys);
        double epsg = 0, e = 0, n = 0;
        bool ok = get_num(c, utm, "epsg", p, &epsg, true, 0, 99999);
        ok &= get_num(c, utm, "easting", p, &e, true, -5e6, 5e6);
        ok &= get_num(c, utm, "northing", p, &n, true, 0, 1e7);
        if (!ok)
            return;
        if (epsg != 25832 && epsg != 25833 && epsg != 25835) {
            char q[180];
            sub(q, sizeof q, p, "epsg");
            mb_problems_add(c->p, q, "must be 25832, 25833 or 25835 (EUREF89 UTM)");
            return;
        }
        if (mb_geo_to_wgs84(c->geo, (int)epsg, e, n, &site->pos, &err)) {
            mb_problems_add(c->p, p, "%s", err.message);
            return;
        }
    } else if (m) {
        site->pos = m->point;
        site->approximate = true;
    } else {
        mb_problems_add(c->p, path, "needs a position: lat and lon, utm, or a "
                        "municipality");
        return;
    }
    if (mb_geo_check_norway(site->pos, path, &err)) {
        /* Name the coordinate that is out of range (lat when both are). */
        char q[200];
        bool lat_bad = site->pos.lat < MB_NORWAY_LAT_MIN || site->pos.lat > MB_NORWAY_LAT_MAX;
        snprintf(q, sizeof q, "%s.%s", path, lat_bad ? "lat" : "lon");
        mb_problems_add(c->p, has_lat ? q : p, "%s", err.message);
        return;
    }
    /* The municipality follows from the position (2024 boundaries); a
     * named one must agree with it. */
    const struct mb_boundaries *b = mb_boundaries_shared(&err);
    if (!b) {
        mb_problems_add(c->p, path, "%s", err.message);
        return;
    }
    sub(p, sizeof p, path, "municipality");
    char code[5];
    if (mb_place_municipality(b, site->pos, m ? m->code : NULL, code, p, &err))
        mb_problems_add(c->p, p, "%s", err.message);
    else
        memcpy(site->municipality, code, 5);
}

/* "capacity_per_year" and/or "capacity_by_year": {"unit": "t|fm3|lm3|pm3",
 * "YYYY": number, ...}. Years the latter does not list keep the former;
 * without the former they have no room (a landfill) or no limit (a
 * quarry). Both must use one unit. A landfill needs one of them. */
static void get_yearly_capacity(struct ctx *c, json_t *o, const char *path,
                                struct mb_site *site, bool landfill)
{
    char p[160];
    site->capacity.value = -1;
    bool per_year = get_quantity(c, o, "capacity_per_year", path, -1, NULL,
                                 &site->capacity, false);
    sub(p, sizeof p, path, "capacity_by_year");
    json_t *by = get(o, "capacity_by_year");
    if (!by) {
        if (landfill && !per_year && !get(o, "capacity_per_year")) {
            sub(p, sizeof p, path, "capacity_per_year");
            mb_problems_add(c->p, p, "is required (or capacity_by_year)");
        }
        return;
    }
    if (!json_is_object(by)) {
        mb_problems_add(c->p, p, "must be an object {\"unit\": \"pm3\", \"2027\": "
                        "number, ...}");
        return;
    }
    const char *u = get_str(c, by, "unit", p, true);
    enum mb_unit unit = MB_UNIT_T;
    if (u) {
        struct mb_error err;
        char q[180];
        sub(q, sizeof q, p, "unit");
        if (mb_unit_parse(u, &unit, q, &err)) {
            mb_problems_add(c->p, q, "%s", err.message);
            return;
        }
    } else {
        return;
    }
    if (per_year && site->capacity.unit != (int)unit) {
        mb_problems_add(c->p, p, "uses %s, capacity_per_year %s: give both in one unit",
                        mb_unit_symbol(unit), mb_unit_symbol(site->capacity.unit));
        return;
    }
    int y0 = mb_month_year(c->s->from), Y = mb_month_year(c->s->to) - y0 + 1;
    if (!per_year) {
        site->capacity.unit = (int)unit;
        site->capacity.value = landfill ? 0 : -1;
    }
    site->cap_year = mb_xmalloc((size_t)Y * sizeof *site->cap_year);
    for (int y = 0; y < Y; y++)
        site->cap_year[y] = site->capacity.value;
    const char *key;
    json_t *v;
    bool in_horizon = false;
    json_object_foreach(by, key, v) {
        if (strcmp(key, "unit") == 0)
            continue;
        char q[180];
        snprintf(q, sizeof q, "%s.%.20s", p, key);
        char *end;
        long year = strtol(key, &end, 10);
        if (*end || end == key || strlen(key) != 4 || year < 1900 || year > 2200) {
            mb_problems_add(c->p, q, "is not a year (YYYY)");
            continue;
        }
        double x = json_is_number(v) ? json_number_value(v) : NAN;
        if (json_is_number(v) && x < 0) {
            mb_problems_add(c->p, q, "must not be negative (got %g)", x);
            continue;
        }
        if (!(x >= 0 && x <= MB_AMOUNT_MAX)) {
            mb_problems_add(c->p, q, "must be a number of %s, 0 to %g",
                            mb_unit_symbol(unit), MB_AMOUNT_MAX);
            continue;
        }
        if (year >= y0 && year < y0 + Y) {
            site->cap_year[year - y0] = x;
            in_horizon = true;
        }
    }
    if (!in_horizon && !per_year)
        mb_problems_add(c->p, p, "lists no year of the horizon (%d-%d) and there is no "
                        "capacity_per_year: the site would never take anything", y0,
                        y0 + Y - 1);
}

double mb_site_year_capacity(const struct mb_scenario *s, const struct mb_site *x, int year)
{
    int y = year - mb_month_year(s->from);
    if (x->cap_year && y >= 0 && y <= mb_month_year(s->to) - mb_month_year(s->from))
        return x->cap_year[y];
    return x->capacity.value;
}

/* A site's own value of a field, or the register factor's central value
 * (and *factor = its id, so the ranges vary it). */
static void site_value(struct ctx *c, json_t *o, const char *path, const char *key,
                       enum mb_factor_id id, double *value, signed char *factor)
{
    double x[MB_F_COUNT];
    mb_factors_central(&c->s->factors, x);
    *factor = (signed char)id;
    *value = c->s->factors.v[id].central * mb_site_factor_scale(c->s, x, id);
    if (get_num(c, o, key, path, value, false, 0, 1e5))
        *factor = -1;
}

double mb_site_factor_scale(const struct mb_scenario *s, const double *x,
                            enum mb_factor_id id)
{
    bool machine = id == MB_F_LANDFILL_CO2 || id == MB_F_STORAGE_CO2 || id == MB_F_PLANT_CO2;
    const struct mb_factor_info *reg = mb_factor_register(NULL);
    if ((!machine && id != MB_F_FERRY_CO2) || !reg || reg[MB_F_DIESEL_TTW].central <= 0 ||
        reg[MB_F_DIESEL_WTW].central <= 0)
        return 1;
    /* The register states machine CO2 at its central 2.66 kg CO2 per litre
     * (tank to wheel), a ferry's at 3.24 (well to wheel): litres = kg /
     * that, valued at the boundary's (drawn) factor. */
    double per_l = s->transport.boundary == MB_BOUNDARY_WTW ? x[MB_F_DIESEL_WTW]
                                                             : x[MB_F_DIESEL_TTW];
    return per_l / reg[machine ? MB_F_DIESEL_TTW : MB_F_DIESEL_WTW].central;
}

static void parse_site(struct ctx *c, json_t *o, const char *path, struct mb_site *site)
{
    site->accepts = mb_xcalloc(c->s->catalog.n ? c->s->catalog.n : 1, sizeof(bool));
    site->material = -1;
    site->from = c->s->from;
    site->to = c->s->to;
    site->capacity.value = -1;
    if (!json_is_object(o)) {
        mb_problems_add(c->p, path, "must be an object");
        return;
    }
    const char *id = get_str(c, o, "id", path, true);
    const char *name = get_str(c, o, "name", path, false);
    const char *kind = get_str(c, o, "kind", path, true);
    char p[160];
    if (id) {
        sub(p, sizeof p, path, "id");
        if (!*id || !mb_text_copy(site->id, sizeof site->id, id))
            mb_problems_add(c->p, p, "must be 1-63 bytes");
    }
    mb_text_copy(site->name, sizeof site->name, name ? name : site->id);
    int k = -1;
    for (int i = 0; kind && i < MB_SITE_KIND_COUNT; i++)
        if (strcmp(kind, kind_names[i]) == 0)
            k = i;
    if (kind && k < 0) {
        sub(p, sizeof p, path, "kind");
        mb_problems_add(c->p, p, "'%.30s' is not a kind; use source, need, landfill, "
                        "storage, plant or quarry", kind);
    }
    if (k < 0)
        return;
    site->kind = (enum mb_site_kind)k;
    static const char *const common[] = { "id", "name", "kind", "lat", "lon", "utm",
                                          "municipality", "approximate", "detour_factor" };
    static const char *const extra[MB_SITE_KIND_COUNT][10] = {
        [MB_SITE_SOURCE] = { "material", "class", "amount", "window" },
        [MB_SITE_NEED] = { "material", "accepts", "max_class", "amount", "window" },
        [MB_SITE_LANDFILL] = { "accepts", "max_class", "capacity_per_year",
                               "capacity_by_year", "gate_fee_nok_per_t", "co2_kg_per_t",
                               "window", "acid_rock_permit" },
        [MB_SITE_STORAGE] = { "accepts", "max_class", "capacity", "handling_nok_per_t",
                              "holding_nok_per_t_month", "co2_kg_per_t", "window",
                              "acid_rock_permit" },
        [MB_SITE_PLANT] = { "accepts", "max_class", "capacity_per_month", "yields",
                            "processing_nok_per_t", "co2_kg_per_t", "window",
                            "acid_rock_permit" },
        [MB_SITE_QUARRY] = { "offers", "capacity_per_year", "capacity_by_year",
                             "price_nok_per_t", "co2_kg_per_t", "window" },
    };
    const char *allowed[24];
    size_t na = 0;
    for (size_t i = 0; i < sizeof common / sizeof *common; i++)
        allowed[na++] = common[i];
    for (size_t i = 0; i < 10 && extra[k][i]; i++)
        allowed[na++] = extra[k][i];
    allowed[na] = NULL;
    check_keys(c, o, path, allowed);
    get_position(c, o, path, site);
    json_t *ap = get(o, "approximate");
    if (ap && !json_is_boolean(ap)) {
        sub(p, sizeof p, path, "approximate");
        mb_problems_add(c->p, p, "must be true or false");
    } else if (json_is_true(ap)) {
        site->approximate = true; /* a position known only roughly */
    }
    get_num(c, o, "detour_factor", path, &site->detour, false, 1.0, 5.0);

    double cls = 1, maxc = 1;
    switch (site->kind) {
    case MB_SITE_SOURCE: {
        const char *mat = get_str(c, o, "material", path, true);
        if (mat) {
            sub(p, sizeof p, path, "material");
            site->material = material_at(c, mat, p);
        }
        get_num(c, o, "class", path, &cls, true, 1, 5);
        sub(p, sizeof p, path, "class");
        if (cls != floor(cls))
            mb_problems_add(c->p, p, "must be a whole class 1-5");
        site->cls = (int)cls;
        get_window(c, o, path, &site->from, &site->to, true, true);
        get_quantity(c, o, "amount", path, site->material, &site->amount_t, NULL, true);
        break;
    }
    case MB_SITE_NEED: {
        const char *mat = get_str(c, o, "material", path, true);
        if (mat) {
            sub(p, sizeof p, path, "material");
            site->material = material_at(c, mat, p);
            if (site->material >= 0)
                site->accepts[site->material] = true;
        }
        get_material_set(c, o, "accepts", path, site->accepts, false);
        get_num(c, o, "max_class", path, &maxc, false, 1, 5);
        site->max_class = (int)maxc;
        get_window(c, o, path, &site->from, &site->to, true, true);
        get_quantity(c, o, "amount", path, site->material, &site->amount_t, NULL, true);
        break;
    }
    case MB_SITE_LANDFILL:
        get_material_set(c, o, "accepts", path, site->accepts, true);
        get_num(c, o, "max_class", path, &maxc, false, 1, 5);
        get_yearly_capacity(c, o, path, site, true);
        site_value(c, o, path, "gate_fee_nok_per_t", MB_F_GATE_FEE, &site->fee_nok_per_t,
                   &site->fee_factor);
        site_value(c, o, path, "co2_kg_per_t", MB_F_LANDFILL_CO2, &site->co2_kg_per_t,
                   &site->co2_factor);
        get_window(c, o, path, &site->from, &site->to, false, false);
        break;
    case MB_SITE_STORAGE:
        get_material_set(c, o, "accepts", path, site->accepts, true);
        get_num(c, o, "max_class", path, &maxc, false, 1, 5);
        get_quantity(c, o, "capacity", path, -1, NULL, &site->capacity, true);
        site_value(c, o, path, "handling_nok_per_t", MB_F_STORAGE_NOK, &site->fee_nok_per_t,
                   &site->fee_factor);
        site_value(c, o, path, "holding_nok_per_t_month", MB_F_STORAGE_HOLDING,
                   &site->holding_nok_per_t_month, &site->holding_factor);
        site_value(c, o, path, "co2_kg_per_t", MB_F_STORAGE_CO2, &site->co2_kg_per_t,
                   &site->co2_factor);
        get_window(c, o, path, &site->from, &site->to, false, false);
        break;
    case MB_SITE_PLANT: {
        get_material_set(c, o, "accepts", path, site->accepts, true);
        get_num(c, o, "max_class", path, &maxc, false, 1, 5);
        get_quantity(c, o, "capacity_per_month", path, -1, NULL, &site->capacity, true);
        site_value(c, o, path, "processing_nok_per_t", MB_F_PLANT_NOK, &site->fee_nok_per_t,
                   &site->fee_factor);
        site_value(c, o, path, "co2_kg_per_t", MB_F_PLANT_CO2, &site->co2_kg_per_t,
                   &site->co2_factor);
        get_window(c, o, path, &site->from, &site->to, false, false);
        sub(p, sizeof p, path, "yields");
        json_t *y = get(o, "yields");
        if (!json_is_array(y) || json_array_size(y) == 0) {
            mb_problems_add(c->p, p, "is required: a list of {\"material\", \"share\"} "
                            "adding up to 1");
            break;
        }
        if (json_array_size(y) > 8) {
            mb_problems_add(c->p, p, "at most 8 output materials");
            break;
        }
        site->yields = mb_xcalloc(json_array_size(y), sizeof *site->yields);
        double total = 0;
        size_t i;
        json_t *e;
        json_array_foreach(y, i, e) {
            char q[180];
            snprintf(q, sizeof q, "%s[%zu]", p, i);
            if (!json_is_object(e)) {
                mb_problems_add(c->p, q, "must be an object");
                continue;
            }
            static const char *const keys[] = { "material", "share", NULL };
            check_keys(c, e, q, keys);
            struct mb_yield *yl = &site->yields[site->nyields];
            const char *mat = get_str(c, e, "material", q, true);
            char r[200];
            sub(r, sizeof r, q, "material");
            yl->material = mat ? material_at(c, mat, r) : -1;
            if (get_num(c, e, "share", q, &yl->share, true, 0, 1) && yl->material >= 0) {
                for (size_t j = 0; j < site->nyields; j++)
                    if (site->yields[j].material == yl->material)
                        mb_problems_add(c->p, r, "appears twice in the yields");
                total += yl->share;
                site->nyields++;
            }
        }
        if (site->nyields == json_array_size(y) && fabs(total - 1) > 1e-6)
            mb_problems_add(c->p, p, "shares add up to %g; they must add up to 1 "
                            "(mass is neither made nor lost)", total);
        break;
    }
    case MB_SITE_QUARRY:
        get_material_set(c, o, "offers", path, site->accepts, true);
        get_yearly_capacity(c, o, path, site, false);
        site_value(c, o, path, "price_nok_per_t", MB_F_QUARRY_PRICE, &site->fee_nok_per_t,
                   &site->fee_factor);
        /* Without its own EPD value a quarry's production CO2 is the
         * register's for each product it delivers; co2_kg_per_t then holds
         * the crushed-aggregate value for callers that need one number. */
        site->co2_factor = MB_CO2_BY_PRODUCT;
        site->co2_kg_per_t = c->s->factors.v[MB_F_PROD_CRUSHED].central;
        if (get_num(c, o, "co2_kg_per_t", path, &site->co2_kg_per_t, false, 0, 1e4))
            site->co2_factor = -1; /* the quarry's own EPD value */
        get_window(c, o, path, &site->from, &site->to, false, false);
        break;
    default:
        break;
    }
    sub(p, sizeof p, path, "max_class");
    if (maxc != floor(maxc))
        mb_problems_add(c->p, p, "must be a whole class 1-5");
    site->max_class = (int)maxc;
    if (site->kind == MB_SITE_QUARRY)
        site->max_class = 1; /* virgin material is clean */
    check_approvals(c, o, path, site);
}

/* A factor value: a number (exact: low = central = high) or {"low",
 * "central", "high"} with low <= central <= high, each within [lo, hi]. */
static bool get_factor(struct ctx *c, json_t *v, const char *p, double lo, double hi,
                       struct mb_factor_range *out)
{
    if (json_is_number(v)) {
        double x = json_number_value(v);
        if (!isfinite(x) || x < lo || x > hi) {
            mb_problems_add(c->p, p, "must be between %g and %g (got %g)", lo, hi, x);
            return false;
        }
        *out = (struct mb_factor_range){ x, x, x };
        return true;
    }
    if (!json_is_object(v)) {
        mb_problems_add(c->p, p, "must be a number or {\"low\", \"central\", \"high\"}");
        return false;
    }
    static const char *const keys[] = { "low", "central", "high", NULL };
    check_keys(c, v, p, keys);
    struct mb_factor_range r;
    bool ok = get_num(c, v, "low", p, &r.low, true, lo, hi);
    ok &= get_num(c, v, "central", p, &r.central, true, lo, hi);
    ok &= get_num(c, v, "high", p, &r.high, true, lo, hi);
    if (ok && !(r.low <= r.central && r.central <= r.high)) {
        mb_problems_add(c->p, p, "needs low <= central <= high (got %g, %g, %g)", r.low,
                        r.central, r.high);
        ok = false;
    }
    if (ok)
        *out = r;
    return ok;
}

/* "factors": {"key": value, ...}, keys from the register (massebank
 * factors). Shares stay within 0..1, everything else is not negative. */
static void parse_factors(struct ctx *c, json_t *f)
{
    if (!f)
        return;
    if (!json_is_object(f)) {
        mb_problems_add(c->p, "factors", "must be an object {\"factor key\": value}");
        return;
    }
    const char *key;
    json_t *v;
    json_object_foreach(f, key, v) {
        char p[160];
        snprintf(p, sizeof p, "factors.%.100s", key);
        int id = mb_factor_find(key);
        if (id < 0) {
            mb_problems_add(c->p, p, "is not a factor ('massebank factors' lists them)");
            continue;
        }
        /* The same limits as the fields that set them one by one. */
        double lo = 0, hi = 1e5;
        switch (id) {
        case MB_F_EMPTY_RETURN: hi = 1; break;
        case MB_F_PAYLOAD: lo = 1, hi = 100; break;
        case MB_F_FUEL_LOADED: case MB_F_FUEL_EMPTY: hi = 5; break;
        case MB_F_FUEL_PER_LOAD: hi = 100; break;
        case MB_F_KWH_LOADED: case MB_F_KWH_EMPTY: hi = 20; break;
        case MB_F_COST_PER_KM: hi = 1e4; break;
        case MB_F_DIESEL_TTW: case MB_F_DIESEL_WTW: case MB_F_HVO_TTW: case MB_F_HVO_WTW:
        case MB_F_FAME_WTW: hi = 10; break;
        case MB_F_GRID: hi = 2; break;
        case MB_F_ROAD_BIO_SHARE: hi = 1; break;
        case MB_F_OVERFLOW_KM: case MB_F_OVERFLOW_QUARRY_KM: hi = 5000; break;
        default: break;
        }
        if (get_factor(c, v, p, lo, hi, &c->s->factors.v[id]))
            c->s->factors.origin[id] = MB_FACTOR_SCENARIO;
    }
}

/* Set a factor from a transport field: exact, set by the scenario. */
static void set_exact(struct ctx *c, const char *path, enum mb_factor_id id, double x)
{
    struct mb_scenario *s = c->s;
    if (s->factors.origin[id] == MB_FACTOR_SCENARIO) {
        mb_problems_add(c->p, path, "is also given as factors.%s; give it once",
                        mb_factor_key(id));
        return;
    }
    s->factors.v[id] = (struct mb_factor_range){ x, x, x };
    s->factors.origin[id] = MB_FACTOR_SCENARIO;
}

/* Set a factor from a vehicle type: its value with the register's
 * relative range, unless the scenario's factors set it. */
static void set_vehicle(struct mb_scenario *s, const struct mb_factor_info *reg,
                        enum mb_factor_id id, double x)
{
    if (s->factors.origin[id] == MB_FACTOR_SCENARIO)
        return;
    const struct mb_factor_info *r = &reg[id];
    double k = r->central > 0 ? x / r->central : 1;
    s->factors.v[id] = (struct mb_factor_range){ r->low * k, x, r->high * k };
    s->factors.origin[id] = MB_FACTOR_VEHICLE;
}

static void parse_fuel_mix(struct ctx *c, json_t *m)
{
    struct mb_transport *tr = &c->s->transport;
    if (!json_is_object(m) || json_object_size(m) == 0) {
        mb_problems_add(c->p, "transport.fuel_mix", "must be an object of shares, e.g. "
                        "{\"diesel\": 0.8, \"hvo100\": 0.2}");
        return;
    }
    double mix[MB_FUEL_COUNT] = { 0 }, total = 0;
    bool ok = true;
    const char *key;
    json_t *v;
    json_object_foreach(m, key, v) {
        char p[160];
        snprintf(p, sizeof p, "transport.fuel_mix.%.60s", key);
        int fuel = mb_fuel_parse(key);
        if (fuel < 0) {
            mb_problems_add(c->p, p, "is not a fuel; use diesel_no, diesel, b7, hvo100 or "
                            "electric");
            ok = false;
            continue;
        }
        double x = json_is_number(v) ? json_number_value(v) : -1;
        if (!(x >= 0 && x <= 1)) {
            mb_problems_add(c->p, p, "must be a share between 0 and 1");
            ok = false;
            continue;
        }
        mix[fuel] = x;
        total += x;
    }
    if (ok && fabs(total - 1) > 1e-6) {
        mb_problems_add(c->p, "transport.fuel_mix", "shares add up to %g; they must add "
                        "up to 1", total);
        ok = false;
    }
    if (ok)
        memcpy(tr->fuel_mix, mix, sizeof mix);
}

/* "out_of_region": {"landfill_km", "gate_fee_nok_per_t", "quarry_km"}:
 * where masses go that nobody in the region can place, and where needs
 * nobody in the region covers are bought; shorthand for the overflow.*
 * factors. */
static void parse_out_of_region(struct ctx *c, json_t *o)
{
    if (!o)
        return;
    static const char *const keys[] = { "landfill_km", "gate_fee_nok_per_t", "quarry_km",
                                        NULL };
    static const enum mb_factor_id ids[] = { MB_F_OVERFLOW_KM, MB_F_OVERFLOW_FEE,
                                             MB_F_OVERFLOW_QUARRY_KM };
    if (!json_is_object(o)) {
        mb_problems_add(c->p, "out_of_region", "must be an object {\"landfill_km\", "
                        "\"gate_fee_nok_per_t\", \"quarry_km\"}");
        return;
    }
    check_keys(c, o, "out_of_region", keys);
    for (int i = 0; i < 3; i++) {
        json_t *v = json_object_get(o, keys[i]);
        char p[64];
        snprintf(p, sizeof p, "out_of_region.%s", keys[i]);
        if (v && c->s->factors.origin[ids[i]] == MB_FACTOR_SCENARIO)
            mb_problems_add(c->p, p, "is also given as factors.%s; give it once",
                            mb_factor_key(ids[i]));
        else if (v && get_factor(c, v, p, 0, i == 1 ? 1e5 : 5000, &c->s->factors.v[ids[i]]))
            c->s->factors.origin[ids[i]] = MB_FACTOR_SCENARIO;
    }
}

/* A factor the transport settings leave without effect is refused rather
 * than reported as used: with co2_kg_per_tkm fixed, fuel and energy per km
 * do nothing; with cost_nok_per_tkm fixed, the cost per km does nothing. */
static void check_unused_factors(struct ctx *c, json_t *f)
{
    if (!json_is_object(f))
        return;
    static const enum mb_factor_id per_km_co2[] = { MB_F_FUEL_LOADED, MB_F_FUEL_EMPTY,
                                                     MB_F_KWH_LOADED, MB_F_KWH_EMPTY };
    for (size_t k = 0; k < 4 && c->s->transport.fixed_co2_tkm; k++)
        if (json_object_get(f, mb_factor_key(per_km_co2[k]))) {
            char p[160];
            snprintf(p, sizeof p, "factors.%s", mb_factor_key(per_km_co2[k]));
            mb_problems_add(c->p, p, "has no effect: transport.co2_kg_per_tkm fixes the CO2 "
                            "per tonne-km; give one or the other");
        }
    if (c->s->transport.fixed_cost_tkm && json_object_get(f, mb_factor_key(MB_F_COST_PER_KM))) {
        char p[160];
        snprintf(p, sizeof p, "factors.%s", mb_factor_key(MB_F_COST_PER_KM));
        mb_problems_add(c->p, p, "has no effect: transport.cost_nok_per_tkm fixes the cost "
                        "per tonne-km; give one or the other");
    }
}

static void parse_transport(struct ctx *c, json_t *t, const struct mb_factor_info *reg)
{
    struct mb_scenario *s = c->s;
    struct mb_transport *tr = &s->transport;
    tr->detour_factor = MB_DEFAULT_DETOUR_FACTOR;
    tr->max_km = MB_DEFAULT_MAX_KM;
    tr->boundary = MB_BOUNDARY_WTW;
    tr->fuel_mix[MB_FUEL_DIESEL_NO] = 1;
    if (t) {
        if (!json_is_object(t)) {
            mb_problems_add(c->p, "transport", "must be an object");
            return;
        }
        static const char *const keys[] = { "vehicle", "payload_t", "cost_nok_per_tkm",
            "cost_nok_per_truck_km", "cost_nok_per_load", "co2_kg_per_tkm",
            "fuel_l_per_km_loaded", "fuel_l_per_km_empty", "fuel_l_per_load",
            "empty_return", "boundary", "fuel_mix", "detour_factor", "max_km",
            "distances", NULL };
        check_keys(c, t, "transport", keys);
        const char *vehicle = get_str(c, t, "vehicle", "transport", false);
        if (vehicle) {
            static const struct mb_vehicle_type types[] = { MB_VEHICLE_TYPES };
            size_t k;
            for (k = 0; k < sizeof types / sizeof *types; k++)
                if (strcmp(types[k].name, vehicle) == 0)
                    break;
            if (k == sizeof types / sizeof *types) {
                mb_problems_add(c->p, "transport.vehicle", "unknown vehicle type; use "
                                "tipper_3axle, tipper_4axle, truck_trailer, semi_trailer "
                                "or truck_trailer_60t");
            } else {
                mb_text_copy(tr->vehicle, sizeof tr->vehicle, vehicle);
                set_vehicle(s, reg, MB_F_PAYLOAD, types[k].payload_t);
                set_vehicle(s, reg, MB_F_FUEL_LOADED, types[k].fuel_loaded);
                set_vehicle(s, reg, MB_F_FUEL_EMPTY, types[k].fuel_empty);
            }
        }
        double x;
        if (get_num(c, t, "payload_t", "transport", &x, false, 1, 100))
            set_exact(c, "transport.payload_t", MB_F_PAYLOAD, x);
        tr->fixed_cost_tkm = get_num(c, t, "cost_nok_per_tkm", "transport",
                                     &tr->cost_nok_per_tkm, false, 0, 1000);
        if (get_num(c, t, "cost_nok_per_truck_km", "transport", &x, false, 0, 1e4)) {
            if (tr->fixed_cost_tkm)
                mb_problems_add(c->p, "transport", "give cost_nok_per_tkm or "
                                "cost_nok_per_truck_km, not both");
            set_exact(c, "transport.cost_nok_per_truck_km", MB_F_COST_PER_KM, x);
        }
        if (get_num(c, t, "cost_nok_per_load", "transport", &x, false, 0, 1e5))
            set_exact(c, "transport.cost_nok_per_load", MB_F_COST_PER_LOAD, x);
        tr->fixed_co2_tkm = get_num(c, t, "co2_kg_per_tkm", "transport",
                                    &tr->co2_kg_per_tkm, false, 0, 10);
        bool fl = false;
        if (get_num(c, t, "fuel_l_per_km_loaded", "transport", &x, false, 0, 5))
            set_exact(c, "transport.fuel_l_per_km_loaded", MB_F_FUEL_LOADED, x), fl = true;
        if (get_num(c, t, "fuel_l_per_km_empty", "transport", &x, false, 0, 5))
            set_exact(c, "transport.fuel_l_per_km_empty", MB_F_FUEL_EMPTY, x), fl = true;
        if (fl && tr->fixed_co2_tkm)
            mb_problems_add(c->p, "transport", "give co2_kg_per_tkm or fuel use, not "
                            "both");
        if (get_num(c, t, "fuel_l_per_load", "transport", &x, false, 0, 100))
            set_exact(c, "transport.fuel_l_per_load", MB_F_FUEL_PER_LOAD, x);
        json_t *er = json_object_get(t, "empty_return");
        if (er && !json_is_boolean(er))
            mb_problems_add(c->p, "transport.empty_return", "must be true or false");
        else if (er && !json_is_true(er))
            set_exact(c, "transport.empty_return", MB_F_EMPTY_RETURN, 0);
        const char *bd = get_str(c, t, "boundary", "transport", false);
        if (bd) {
            int b = mb_boundary_parse(bd);
            if (b < 0)
                mb_problems_add(c->p, "transport.boundary", "'%.30s' is not a boundary; "
                                "use wtw (well to wheel) or ttw (tank to wheel)", bd);
            else
                tr->boundary = (enum mb_boundary)b;
        }
        json_t *mix = json_object_get(t, "fuel_mix");
        if (mix)
            parse_fuel_mix(c, mix);
        get_num(c, t, "detour_factor", "transport", &tr->detour_factor, false, 1, 5);
        get_num(c, t, "max_km", "transport", &tr->max_km, false, 1, 5000);
    }
}

void mb_transport_rates(const struct mb_scenario *s, const double *x, struct mb_rates *r)
{
    const struct mb_transport *tr = &s->transport;
    double p = x[MB_F_PAYLOAD], er = x[MB_F_EMPTY_RETURN];
    double kg_l = mb_factors_kg_per_litre(x, tr->boundary, tr->fuel_mix);
    double kg_kwh = mb_factors_kg_per_kwh(x, tr->boundary);
    double el = tr->fuel_mix[MB_FUEL_ELECTRIC];
    r->payload_t = p;
    r->empty_share = er;
    /* Per load: the fixed part; per km: loaded out, and back empty on a
     * share er of the loads. Divided by the payload: per tonne. The
     * electric share's fixed part is taken as zero (no idling). */
    r->nok_per_t = x[MB_F_COST_PER_LOAD] / p;
    r->nok_per_tkm = tr->fixed_cost_tkm ? tr->cost_nok_per_tkm
                                        : x[MB_F_COST_PER_KM] * (1 + er) / p;
    r->co2_per_t = x[MB_F_FUEL_PER_LOAD] * kg_l / p;
    r->co2_per_tkm = tr->fixed_co2_tkm
        ? tr->co2_kg_per_tkm
        : ((x[MB_F_FUEL_LOADED] + er * x[MB_F_FUEL_EMPTY]) * kg_l +
           el * (x[MB_F_KWH_LOADED] + er * x[MB_F_KWH_EMPTY]) * kg_kwh) / p;
    /* On a ferry, each crossing: a ticket and the wait at the quay, at the
     * truck's hourly cost; each km on board: the truck's time at the
     * crossing speed and its share of the ferry's emissions; loaded, and
     * back empty on a share er of the loads. */
    double trips = (1 + er) / p, hour = x[MB_F_COST_PER_HOUR];
    r->ferry_nok_per_t = (x[MB_F_FERRY_TICKET] + x[MB_F_FERRY_WAIT] / 60.0 * hour) * trips;
    r->ferry_nok_per_tkm = hour / MB_FERRY_KPH * trips;
    r->ferry_co2_per_tkm = x[MB_F_FERRY_CO2] * mb_site_factor_scale(s, x, MB_F_FERRY_CO2) * trips;
}

void mb_rates_ferry(const struct mb_rates *r, double ferry_km, int crossings,
                    double *nok_per_t, double *co2_per_t)
{
    *nok_per_t = crossings * r->ferry_nok_per_t + ferry_km * r->ferry_nok_per_tkm;
    *co2_per_t = mb_ferry_co2_km(ferry_km, crossings) * r->ferry_co2_per_tkm;
}

void mb_rates_haul(const struct mb_rates *r, double km, double ferry_km, int crossings,
                   double *nok_per_t, double *co2_per_t)
{
    double road_km = km - ferry_km, ferry_nok, ferry_co2;
    mb_rates_ferry(r, ferry_km, crossings, &ferry_nok, &ferry_co2);
    *nok_per_t = r->nok_per_t + road_km * r->nok_per_tkm + ferry_nok;
    *co2_per_t = r->co2_per_t + road_km * r->co2_per_tkm + ferry_co2;
}

void mb_scenario_haul(const struct mb_scenario *s, size_t a, size_t b, double *km,
                      double *nok_per_t, double *co2_per_t)
{
    double k = mb_scenario_km(s, a, b), ferry_km;
    int crossings = mb_scenario_ferry(s, a, b, &ferry_km);
    const struct mb_transport *t = &s->transport;
    struct mb_rates r = { t->payload_t, 0, t->nok_per_t, t->nok_per_tkm, t->co2_per_t,
                          t->co2_per_tkm, t->ferry_nok_per_t, t->ferry_nok_per_tkm,
                          t->ferry_co2_per_tkm };
    if (km)
        *km = k;
    mb_rates_haul(&r, k, ferry_km, crossings, nok_per_t, co2_per_t);
}

int mb_scenario_ferry(const struct mb_scenario *s, size_t a, size_t b, double *ferry_km)
{
    /* An explicit distance (the road database's or a table's) may have
     * ferries; the estimate does not know of any. */
    const struct mb_distance *d;
    enum mb_km_kind kind = mb_scenario_km_kind(s, a, b, &d);
    bool known = d && (kind == MB_KM_KIND_ROAD || kind == MB_KM_KIND_TABLE);
    *ferry_km = known ? d->ferry_km : 0;
    return known ? d->ferry_crossings : 0;
}

int mb_transport_default_rates(struct mb_rates *r, struct mb_error *err)
{
    struct mb_scenario s;
    memset(&s, 0, sizeof s);
    int rc = mb_factors_init(&s.factors, err);
    if (rc)
        return rc;
    s.transport.boundary = MB_BOUNDARY_WTW;
    s.transport.fuel_mix[MB_FUEL_DIESEL_NO] = 1;
    double x[MB_F_COUNT];
    mb_factors_central(&s.factors, x);
    mb_transport_rates(&s, x, r);
    return 0;
}

static const char *const objective_names[MB_OBJECTIVE_COUNT] = { "cost", "co2",
                                                                   "landfill" };

const char *mb_objective_name(enum mb_objective o)
{
    return o < MB_OBJECTIVE_COUNT ? objective_names[o] : "";
}

int mb_objective_parse(const char *s)
{
    return mb_text_index(objective_names, MB_OBJECTIVE_COUNT, s);
}

enum mb_factor_id mb_production_factor(const struct mb_material *m)
{
    if (strncmp(m->code, "product.recycled.", 17) == 0 || m->group == MB_GROUP_RECYCLED)
        return MB_F_PROD_RECYCLED;
    if (strncmp(m->code, "product.crushed.", 16) == 0)
        return MB_F_PROD_CRUSHED;
    if (m->group == MB_GROUP_ROCK)
        return MB_F_PROD_ROCK;
    return MB_F_PROD_SAND_GRAVEL;
}

/* Distances by pair (the lookup's order)... */
static int cmp_pair(const void *a, const void *b)
{
    const struct mb_distance *x = a, *y = b;
    if (x->a != y->a)
        return x->a < y->a ? -1 : 1;
    return (x->b > y->b) - (x->b < y->b);
}

/* ...and within a pair given twice, in the file's order (the sort's). */
static int cmp_distance(const void *a, const void *b)
{
    const struct mb_distance *x = a, *y = b;
    int c = cmp_pair(a, b);
    return c ? c : (x->item > y->item) - (x->item < y->item);
}

static long site_index(const struct mb_scenario *s, const char *id)
{
    for (size_t i = 0; i < s->nsites; i++)
        if (strcmp(s->sites[i].id, id) == 0)
            return (long)i;
    return -1;
}

static void parse_distances(struct ctx *c, json_t *t)
{
    json_t *d = get(t, "distances");
    if (!d)
        return;
    if (!json_is_array(d)) {
        mb_problems_add(c->p, "transport.distances", "must be a list of {\"from\", "
                        "\"to\", \"km\"}");
        return;
    }
    struct mb_scenario *s = c->s;
    s->distances = mb_xcalloc(2 * json_array_size(d) + 1, sizeof *s->distances);
    size_t i;
    json_t *e;
    json_array_foreach(d, i, e) {
        char p[160];
        snprintf(p, sizeof p, "transport.distances[%zu]", i);
        if (!json_is_object(e)) {
            mb_problems_add(c->p, p, "must be an object");
            continue;
        }
        static const char *const keys[] = { "from", "to", "km", "source", "minutes",
                                            "ferry_km", "ferry_crossings", NULL };
        check_keys(c, e, p, keys);
        const char *a = get_str(c, e, "from", p, true), *b = get_str(c, e, "to", p, true);
        double km = INFINITY, minutes = 0, ferry_km = 0, crossings = 0;
        /* Where the figure comes from: a table (the default), the road
         * database (then with its time and ferry part, if known), or no
         * road between the two ("none": no km, no haul). */
        enum mb_km_kind kind = MB_KM_KIND_TABLE;
        const char *src = get_str(c, e, "source", p, false);
        bool ok = true;
        if (src && strcmp(src, "road") == 0) {
            kind = MB_KM_KIND_ROAD;
        } else if (src && strcmp(src, "none") == 0) {
            kind = MB_KM_KIND_NONE;
        } else if (src && strcmp(src, "table") != 0) {
            char q[180];
            sub(q, sizeof q, p, "source");
            mb_problems_add(c->p, q, "unknown source '%.40s' (road, table, none)", src);
            ok = false;
        }
        if (kind == MB_KM_KIND_NONE) {
            if (json_object_get(e, "km")) {
                char q[180];
                sub(q, sizeof q, p, "km");
                mb_problems_add(c->p, q, "a pair with no road between has no km");
                ok = false;
            }
        } else if (!get_num(c, e, "km", p, &km, true, 0, 10000)) {
            ok = false;
        }
        if (json_object_get(e, "minutes") && !get_num(c, e, "minutes", p, &minutes, false, 0,
                                                      100000))
            ok = false;
        if (json_object_get(e, "ferry_km") && !get_num(c, e, "ferry_km", p, &ferry_km, false, 0,
                                                       10000))
            ok = false;
        if (json_object_get(e, "ferry_crossings") &&
            !get_num(c, e, "ferry_crossings", p, &crossings, false, 0, 100))
            ok = false;
        if (ok && crossings != floor(crossings)) {
            char q[180];
            sub(q, sizeof q, p, "ferry_crossings");
            mb_problems_add(c->p, q, "must be a whole number");
            ok = false;
        }
        /* A drive with km on a ferry takes at least one; a file that gives
         * ferry_km alone (written before crossings were counted) one. */
        if (ok && ferry_km > 0 && !json_object_get(e, "ferry_crossings"))
            crossings = 1;
        if (ok && ferry_km > 0 && crossings < 1) {
            char q[180];
            sub(q, sizeof q, p, "ferry_crossings");
            mb_problems_add(c->p, q, "a drive with km on a ferry takes at least one ferry");
            ok = false;
        }
        if (ok && crossings > 0 && !(ferry_km > 0)) {
            char q[180];
            sub(q, sizeof q, p, "ferry_km");
            mb_problems_add(c->p, q, "%g ferries but no km on a ferry", crossings);
            ok = false;
        }
        if (ok && ferry_km > km) {
            char q[180];
            sub(q, sizeof q, p, "ferry_km");
            mb_problems_add(c->p, q, "%g km on ferries is more than the whole %g km", ferry_km,
                            km);
            ok = false;
        }
        long ia = a ? site_index(s, a) : -1, ib = b ? site_index(s, b) : -1;
        if (a && ia < 0)
            mb_problems_add(c->p, p, "no site with id '%.60s'", a);
        if (b && ib < 0)
            mb_problems_add(c->p, p, "no site with id '%.60s'", b);
        if (!ok || ia < 0 || ib < 0)
            continue;
        if (ia == ib) {
            mb_problems_add(c->p, p, "from and to are the same site");
            continue;
        }
        double gc = mb_geo_distance_km(s->sites[ia].pos, s->sites[ib].pos);
        if (kind != MB_KM_KIND_NONE && km + MB_DISTANCE_SLACK_KM < gc) {
            char q[180];
            sub(q, sizeof q, p, "km");
            mb_problems_add(c->p, q, "%g km is shorter than the straight line "
                            "(%.1f km)", km, gc);
            continue;
        }
        s->distances[s->ndistances++] = (struct mb_distance){ (size_t)ia, (size_t)ib, km, i, kind,
                                                              minutes, ferry_km, (int)crossings };
        s->distances[s->ndistances++] = (struct mb_distance){ (size_t)ib, (size_t)ia, km, i, kind,
                                                              minutes, ferry_km, (int)crossings };
    }
    qsort(s->distances, s->ndistances, sizeof *s->distances, cmp_distance);
    /* A pair given twice must agree: otherwise which one counted would
     * depend on the sort. Each contradiction is named once (a < b); within
     * a pair the sort keeps the file's order, so x is the earlier. */
    for (size_t k = 1; k < s->ndistances; k++) {
        const struct mb_distance *x = &s->distances[k - 1], *y = &s->distances[k];
        if (x->a != y->a || x->b != y->b || x->a > x->b)
            continue;
        char p[160];
        snprintf(p, sizeof p, "transport.distances[%zu]", y->item);
        if (x->km != y->km)
            mb_problems_add(c->p, p, "gives %g km between '%.40s' and '%.40s', but "
                            "transport.distances[%zu] gives %g km; give each pair once", y->km,
                            s->sites[x->a].id, s->sites[x->b].id, x->item, x->km);
        else if (x->kind != y->kind || x->ferry_km != y->ferry_km ||
                 x->ferry_crossings != y->ferry_crossings || x->minutes != y->minutes)
            mb_problems_add(c->p, p, "gives '%.40s' and '%.40s' another source, time or ferries "
                            "than transport.distances[%zu]; give each pair once",
                            s->sites[x->a].id, s->sites[x->b].id, x->item);
    }
}

const char *mb_km_kind_name(enum mb_km_kind k)
{
    static const char *const names[MB_KM_KIND_COUNT] = { "estimate", "table", "road", "none" };
    return (unsigned)k < MB_KM_KIND_COUNT ? names[k] : "estimate";
}

static const struct mb_distance *explicit_km(const struct mb_scenario *s, size_t a, size_t b)
{
    if (!s->ndistances)
        return NULL;
    struct mb_distance key = { .a = a, .b = b };
    return bsearch(&key, s->distances, s->ndistances, sizeof key, cmp_pair);
}

enum mb_km_kind mb_scenario_km_kind(const struct mb_scenario *s, size_t a, size_t b,
                                    const struct mb_distance **d)
{
    const struct mb_distance *x = explicit_km(s, a, b);
    if (d)
        *d = x;
    return x ? x->kind : MB_KM_KIND_ESTIMATE;
}

double mb_scenario_km(const struct mb_scenario *s, size_t a, size_t b)
{
    const struct mb_distance *d = explicit_km(s, a, b);
    if (d)
        return d->km;
    double f = s->transport.detour_factor;
    if (s->sites[a].detour > f)
        f = s->sites[a].detour;
    if (s->sites[b].detour > f)
        f = s->sites[b].detour;
    return f * mb_geo_distance_km(s->sites[a].pos, s->sites[b].pos);
}

/* Site indexes ordered by id, then by index (a thread-local pointer for
 * qsort, as elsewhere). */
static _Thread_local const struct mb_scenario *sort_scenario;

static int by_id(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    int c = strcmp(sort_scenario->sites[i].id, sort_scenario->sites[j].id);
    return c ? c : (i > j) - (i < j);
}

/* Checks across sites once each is read. Duplicate ids are found by
 * sorting (a pairwise check took seconds on a national scenario); each
 * later site with a taken id is reported against the first one. */
static void check_sites(struct ctx *c)
{
    struct mb_scenario *s = c->s;
    size_t *order = mb_xmalloc((s->nsites + 1) * sizeof *order);
    long *first = mb_xmalloc((s->nsites + 1) * sizeof *first);
    for (size_t i = 0; i < s->nsites; i++) {
        order[i] = i;
        first[i] = -1;
    }
    sort_scenario = s;
    qsort(order, s->nsites, sizeof *order, by_id);
    sort_scenario = NULL;
    for (size_t k = 1; k < s->nsites; k++) {
        size_t i = order[k], prev = order[k - 1];
        if (s->sites[i].id[0] && strcmp(s->sites[i].id, s->sites[prev].id) == 0)
            first[i] = first[prev] >= 0 ? first[prev] : (long)prev;
    }
    free(order);
    for (size_t i = 0; i < s->nsites; i++) {
        struct mb_site *x = &s->sites[i];
        char p[64];
        snprintf(p, sizeof p, "sites[%zu].id", i);
        if (first[i] >= 0)
            mb_problems_add(c->p, p, "'%s' is also the id of sites[%ld]", x->id, first[i]);
        snprintf(p, sizeof p, "sites[%zu].window", i);
        if (x->kind >= MB_SITE_LANDFILL && x->to < x->from)
            mb_problems_add(c->p, p, "ends before it starts");
    }
    free(first);
}

int mb_scenario_parse(struct mb_scenario *s, const char *text, size_t len,
                      struct mb_problems *problems)
{
    memset(s, 0, sizeof *s);
    memset(problems, 0, sizeof *problems);
    struct ctx c = { .p = problems, .s = s };
    struct mb_error err;
    size_t bad;
    if (!mb_utf8_valid(text, len, &bad)) {
        mb_problems_add(problems, "", "not valid UTF-8 (byte %zu)", bad + 1);
        return MB_EINVAL;
    }
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        mb_problems_add(problems, "", "not valid JSON: %s (line %d, column %d)",
                        jerr.text, jerr.line, jerr.column);
        return MB_EINVAL;
    }
    if (reference_data(&s->catalog, &c.mu, &err) || thread_geo(&c.geo, &err)) {
        mb_problems_add(problems, "", "%s", err.message);
        goto out;
    }
    if (!json_is_object(root)) {
        mb_problems_add(problems, "", "a scenario is a JSON object");
        goto out;
    }
    static const char *const keys[] = { "format", "name", "horizon",
        "co2_price_nok_per_t", "objective", "factors", "out_of_region", "transport",
        "sites", NULL };
    check_keys(&c, root, "", keys);
    const char *fmt = get_str(&c, root, "format", "", true);
    if (fmt && strcmp(fmt, MB_SCENARIO_FORMAT) != 0)
        mb_problems_add(problems, "format", "'%.40s' is not supported; this version "
                        "reads \"%s\"", fmt, MB_SCENARIO_FORMAT);
    const char *name = get_str(&c, root, "name", "", false);
    mb_text_copy(s->name, sizeof s->name, name ? name : "");
    json_t *h = get(root, "horizon");
    if (!json_is_object(h)) {
        mb_problems_add(problems, "horizon", h ? "must be an object {\"from\", \"to\"}"
                                               : "is required");
        goto out;
    }
    static const char *const hkeys[] = { "from", "to", NULL };
    check_keys(&c, h, "horizon", hkeys);
    bool hok = get_month(&c, h, "from", "horizon", &s->from, true);
    hok &= get_month(&c, h, "to", "horizon", &s->to, true);
    if (hok && s->to < s->from)
        mb_problems_add(problems, "horizon", "ends before it starts");
    else if (hok && s->to - s->from + 1 > 600)
        mb_problems_add(problems, "horizon", "is longer than 50 years");
    if (!hok || s->to < s->from)
        goto out;
    const struct mb_factor_info *reg = mb_factor_register(&err);
    if (!reg || mb_factors_init(&s->factors, &err)) {
        mb_problems_add(problems, "factors", "%s", err.message);
        goto out;
    }
    parse_factors(&c, get(root, "factors"));
    double price;
    if (get_num(&c, root, "co2_price_nok_per_t", "", &price, false, 0, 1e5))
        set_exact(&c, "co2_price_nok_per_t", MB_F_CO2_PRICE, price);
    const char *objective = get_str(&c, root, "objective", "", false);
    if (objective) {
        int o = mb_objective_parse(objective);
        if (o < 0)
            mb_problems_add(problems, "objective", "'%.30s' is not an objective; use cost, "
                            "co2 or landfill", objective);
        else
            s->objective = (enum mb_objective)o;
    }
    parse_out_of_region(&c, get(root, "out_of_region"));
    parse_transport(&c, get(root, "transport"), reg);
    check_unused_factors(&c, get(root, "factors"));
    s->co2_price_nok_per_t = s->factors.v[MB_F_CO2_PRICE].central;
    json_t *sites = get(root, "sites");
    if (!json_is_array(sites) || json_array_size(sites) == 0) {
        mb_problems_add(problems, "sites", "is required: a non-empty list of sites");
        goto out;
    }
    s->nsites = json_array_size(sites);
    s->sites = mb_xcalloc(s->nsites, sizeof *s->sites);
    size_t i;
    json_t *e;
    json_array_foreach(sites, i, e) {
        char p[32];
        snprintf(p, sizeof p, "sites[%zu]", i);
        parse_site(&c, e, p, &s->sites[i]);
    }
    check_sites(&c);
    if (!problems->n)
        parse_distances(&c, get(root, "transport"));
    if (!problems->n) {
        double x[MB_F_COUNT];
        struct mb_rates r;
        mb_factors_central(&s->factors, x);
        mb_transport_rates(s, x, &r);
        s->transport.payload_t = r.payload_t;
        s->transport.nok_per_t = r.nok_per_t;
        s->transport.nok_per_tkm = r.nok_per_tkm;
        s->transport.co2_per_t = r.co2_per_t;
        s->transport.co2_per_tkm = r.co2_per_tkm;
        s->transport.ferry_nok_per_t = r.ferry_nok_per_t;
        s->transport.ferry_nok_per_tkm = r.ferry_nok_per_tkm;
        s->transport.ferry_co2_per_tkm = r.ferry_co2_per_tkm;
    }
out:
    json_decref(root);
    if (problems->n) {
        mb_scenario_release(s);
        return MB_EINVAL;
    }
    return 0;
}

int mb_scenario_read(struct mb_scenario *s, const char *path,
                     struct mb_problems *problems)
{
    memset(s, 0, sizeof *s);
    memset(problems, 0, sizeof *problems);
    FILE *f = fopen(path, "rb");
    if (!f) {
        mb_problems_add(problems, "", "cannot open %s", path);
        return MB_EIO;
    }
    size_t cap = 0, n = 0;
    char *buf = NULL;
    size_t got;
    do {
        buf = mb_xgrow(buf, &cap, n + (1u << 16), 1);
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0 && n <= (256u << 20));
    int rc;
    if (ferror(f)) {
        mb_problems_add(problems, "", "cannot read %s", path);
        rc = MB_EIO;
    } else if (n > (256u << 20)) {
        mb_problems_add(problems, "", "%s is larger than 256 MiB", path);
        rc = MB_EINVAL;
    } else {
        rc = mb_scenario_parse(s, buf, n, problems);
    }
    free(buf);
    fclose(f);
    return rc;
}

void mb_scenario_release(struct mb_scenario *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nsites; i++) {
        free(s->sites[i].accepts);
        free(s->sites[i].yields);
        free(s->sites[i].cap_year);
    }
    free(s->sites);
    free(s->distances);
    mb_catalog_release(&s->catalog);
    memset(s, 0, sizeof *s);
}
