/*
 * import.c - listings and facilities from a sheet (see import.h).
 *
 * Three passes, nothing written before the last:
 *   1. the header: every column known (Norwegian or English name, case,
 *      spaces and underscores alike), none twice, the required ones there;
 *   2. each row: cells -> the API body (cell-level problems such as a
 *      number that is not one are found here), then the market's parser;
 *      its problems, which have JSON paths ("amount.unit", "lab[1].value"),
 *      are mapped back to the column the user filled;
 *   3. with no problem anywhere: every row written, all or nothing, in
 *      bounded batches (mb_listing_insert_many), so other writers wait at
 *      most one batch.
 * Empty cells leave a field out, so the parser's defaults and "is
 * required" messages apply exactly as they do to an API body.
 */
#include "exchange/import.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/text.h"
#include "exchange/export.h"
#include "market/listing.h"

/* Which field of the body a column fills. */
enum field {
    F_TYPE, F_TITLE, F_NAME, F_DESCRIPTION, F_KEYWORDS, F_MATERIAL, F_ACCEPTS, F_OFFERS,
    F_CLASS, F_MAX_CLASS, F_AMOUNT, F_UNIT, F_FROM, F_TO, F_LAT, F_LON, F_EAST, F_NORTH,
    F_EPSG, F_MUNICIPALITY, F_PRICE, F_LAB, F_LIMITS, F_STATUS, F_CAPACITY,
    F_CAPACITY_UNIT, F_FEE, F_HOLDING, F_CO2, F_YIELDS, F_IGNORED, F_COUNT
};

enum { FAM_L = 1, FAM_F = 2, FAM_ALL = 3 };

static const struct column_def {
    enum field field;
    unsigned families;
    const char *names[5]; /* English first, then Norwegian and other spellings */
} defs[] = {
    { F_TYPE, FAM_ALL, { "type", NULL } },
    { F_TITLE, FAM_L, { "title", "tittel", NULL } },
    { F_NAME, FAM_F, { "name", "navn", NULL } },
    { F_DESCRIPTION, FAM_ALL, { "description", "beskrivelse", NULL } },
    { F_KEYWORDS, FAM_ALL, { "keywords", "nøkkelord", "stikkord", NULL } },
    { F_MATERIAL, FAM_L, { "material", "materiale", "masse", NULL } },
    { F_ACCEPTS, FAM_ALL, { "accepts", "tar_imot", "mottar", NULL } },
    { F_OFFERS, FAM_F, { "offers", "tilbyr", "leverer", NULL } },
    { F_CLASS, FAM_L, { "class", "tilstandsklasse", "klasse", NULL } },
    { F_MAX_CLASS, FAM_ALL, { "max_class", "maks_klasse", "maks_tilstandsklasse", NULL } },
    { F_AMOUNT, FAM_L, { "amount", "mengde", NULL } },
    { F_UNIT, FAM_L, { "unit", "enhet", NULL } },
    { F_FROM, FAM_ALL, { "from", "fra", NULL } },
    { F_TO, FAM_ALL, { "to", "til", NULL } },
    { F_LAT, FAM_ALL, { "lat", "breddegrad", "latitude", NULL } },
    { F_LON, FAM_ALL, { "lon", "lengdegrad", "longitude", NULL } },
    { F_EAST, FAM_ALL, { "east", "øst", "easting", "ost", NULL } },
    { F_NORTH, FAM_ALL, { "north", "nord", "northing", NULL } },
    { F_EPSG, FAM_ALL, { "epsg", NULL } },
    { F_MUNICIPALITY, FAM_ALL, { "municipality", "kommune", "kommunenummer", NULL } },
    { F_PRICE, FAM_L, { "price_nok_per_t", "pris", "pris_nok_per_t", "price", NULL } },
    { F_LAB, FAM_L, { "lab", "analyse", "analyseresultater", NULL } },
    { F_LIMITS, FAM_ALL, { "limits", "grenseverdier", NULL } },
    { F_STATUS, FAM_ALL, { "status", NULL } },
    { F_CAPACITY, FAM_F, { "capacity", "kapasitet", NULL } },
    { F_CAPACITY_UNIT, FAM_F, { "capacity_unit", "kapasitet_enhet", "kapasitetsenhet",
                                NULL } },
    { F_FEE, FAM_F, { "fee_nok_per_t", "gebyr", "gebyr_nok_per_t", "fee", NULL } },
    { F_HOLDING, FAM_F, { "holding_nok_per_t_month", "lagerleie",
                          "lagerleie_nok_per_t_mnd", NULL } },
    { F_CO2, FAM_F, { "co2_kg_per_t", "co2", NULL } },
    { F_YIELDS, FAM_F, { "yields", "utbytte", NULL } },
    /* Read-only columns of an export: accepted so an export imports again,
     * and ignored. */
    { F_IGNORED, FAM_ALL, { "id", "organisation", "organisasjon", NULL } },
    { F_IGNORED, FAM_ALL, { "created", "opprettet", "updated", "endret", NULL } },
    { F_IGNORED, FAM_L, { "amount_t", "mengde_t", NULL } },
    { F_IGNORED, FAM_F, { "capacity_t", "kapasitet_t", NULL } },
    /* The names an export writes next to the codes (exchange/names.h). */
    { F_IGNORED, FAM_ALL, { "type_name", "status_name", "municipality_name", NULL } },
    { F_IGNORED, FAM_L, { "material_name", NULL } },
    { F_IGNORED, FAM_ALL, { "accepts_names", NULL } },
    { F_IGNORED, FAM_F, { "offers_names", NULL } },
};
#define NDEFS (sizeof defs / sizeof *defs)

/* Header names compare ignoring case (æøå too) and with spaces, hyphens
 * and underscores alike: "Maks klasse" is max_class's "maks_klasse". */
static bool name_is(const char *header, const char *name)
{
    char a[96];
    mb_text_copy(a, sizeof a, header);
    for (char *p = a; *p; p++)
        if (*p == ' ' || *p == '-')
            *p = '_';
    return mb_text_casecmp(a, name) == 0;
}

static const struct column_def *find_def(const char *header, unsigned *families)
{
    *families = 0;
    /* A header an export wrote for people ("Pris (kr/t)") is its column. */
    const char *code = mb_xchg_column_of_label(header);
    if (code)
        header = code;
    for (size_t i = 0; i < NDEFS; i++)
        for (size_t k = 0; k < 5 && defs[i].names[k]; k++)
            if (name_is(header, defs[i].names[k])) {
                *families |= defs[i].families;
                return &defs[i];
            }
    return NULL;
}

void mb_xchg_report_release(struct mb_xchg_report *r)
{
    if (!r)
        return;
    free(r->items);
    for (size_t i = 0; i < r->nsites; i++)
        mb_site_rec_release(&r->sites[i]);
    free(r->sites);
    memset(r, 0, sizeof *r);
}

static void report(struct mb_xchg_report *r, size_t row, const char *column,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void report(struct mb_xchg_report *r, size_t row, const char *column,
                   const char *fmt, ...)
{
    r->items = mb_xgrow(r->items, &r->cap, r->n + 1, sizeof *r->items);
    struct mb_xchg_row_error *e = &r->items[r->n++];
    e->row = row;
    mb_text_copy(e->column, sizeof e->column, column ? column : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
}

/* The layout of the user's header: which column fills which field. */
struct layout {
    int col[F_COUNT];         /* column index per field, or -1 */
    const char *name[F_COUNT];/* the header as the user wrote it */
};

static const char *family_name(enum mb_site_family f)
{
    return f == MB_FAMILY_LISTING ? "listings" : "facilities";
}

static void check_header(const struct mb_xchg_sheet *s, enum mb_site_family fam,
                         struct layout *lay, struct mb_xchg_report *rep)
{
    unsigned want = fam == MB_FAMILY_LISTING ? FAM_L : FAM_F;
    for (int f = 0; f < F_COUNT; f++) {
        lay->col[f] = -1;
        lay->name[f] = "";
    }
    for (size_t c = 0; c < s->ncols; c++) {
        const char *h = s->header[c];
        unsigned fams;
        const struct column_def *d = find_def(h, &fams);
        if (!d) {
            report(rep, s->header_row, h, "unknown column; docs/exchange.md lists the "
                   "columns of %s (e.g. type, %s, lat, lon)", family_name(fam),
                   fam == MB_FAMILY_LISTING ? "title, material, amount, unit, from, to"
                                            : "name, accepts, capacity, capacity_unit");
            continue;
        }
        if (!(d->families & want)) {
            report(rep, s->header_row, h, "is a column of %s, not of %s",
                   family_name(fam == MB_FAMILY_LISTING ? MB_FAMILY_FACILITY
                                                        : MB_FAMILY_LISTING),
                   family_name(fam));
            continue;
        }
        if (d->field == F_IGNORED)
            continue;
        if (lay->col[d->field] >= 0) {
            report(rep, s->header_row, h, "is the same column as '%s'; give it once",
                   lay->name[d->field]);
            continue;
        }
        lay->col[d->field] = (int)c;
        lay->name[d->field] = h;
    }
    static const enum field listing_req[] = { F_TYPE, F_TITLE, F_MATERIAL, F_AMOUNT,
                                              F_UNIT, F_FROM, F_TO };
    static const enum field facility_req[] = { F_TYPE, F_NAME };
    const enum field *req = fam == MB_FAMILY_LISTING ? listing_req : facility_req;
    size_t nreq = fam == MB_FAMILY_LISTING ? sizeof listing_req / sizeof *listing_req
                                           : sizeof facility_req / sizeof *facility_req;
    for (size_t i = 0; i < nreq; i++)
        if (lay->col[req[i]] < 0)
            for (size_t k = 0; k < NDEFS; k++)
                if (defs[k].field == req[i]) {
                    report(rep, s->header_row, defs[k].names[0], "a required column is "
                           "missing (name it '%s' or '%s')", defs[k].names[0],
                           defs[k].names[1] ? defs[k].names[1] : defs[k].names[0]);
                    break;
                }
    bool latlon = lay->col[F_LAT] >= 0 && lay->col[F_LON] >= 0;
    bool utm = lay->col[F_EAST] >= 0 && lay->col[F_NORTH] >= 0 && lay->col[F_EPSG] >= 0;
    if (!latlon && !utm && lay->col[F_MUNICIPALITY] < 0)
        report(rep, s->header_row, "", "no position columns: give lat and lon "
               "(breddegrad, lengdegrad), east, north and epsg (øst, nord, epsg) or "
               "municipality (kommune)");
}

/* ---- one row -> body ------------------------------------------------------ */

struct row_ctx {
    const struct mb_xchg_srow *row;
    const struct layout *lay;
    struct mb_xchg_report *rep;
    bool bad;
};

/* The cell of a field, or NULL when the column is absent or the cell empty.
 * The apostrophe the CSV export puts before formula-like text goes. */
static const char *cell(const struct row_ctx *rc, enum field f, bool *number)
{
    int c = rc->lay->col[f];
    if (c < 0)
        return NULL;
    const struct mb_xchg_scell *sc = &rc->row->cells[c];
    if (!sc->text[0])
        return NULL;
    if (number)
        *number = sc->number;
    if (sc->text[0] == '\'' && sc->text[1] && strchr("=+-@\t\r", sc->text[1]))
        return sc->text + 1;
    return sc->text;
}

static json_t *number_of(struct row_ctx *rc, enum field f, bool whole)
{
    const char *s = cell(rc, f, NULL);
    if (!s)
        return NULL;
    double v;
    struct mb_error e;
    if (mb_parse_number(s, &v, "", &e)) {
        report(rc->rep, rc->row->row, rc->lay->name[f], "%s", e.message);
        rc->bad = true;
        return NULL;
    }
    if (whole && v == floor(v) && fabs(v) < 1e15)
        return json_integer((json_int_t)v);
    return json_real(v);
}

/* Split "a; b, c" on the given separators into trimmed, non-empty items. */
static json_t *split(const char *s, const char *seps)
{
    json_t *a = json_array();
    char *copy = mb_xstrdup(s);
    char *p = copy;
    while (p) {
        char *end = p + strcspn(p, seps);
        char *next = *end ? end + 1 : NULL;
        *end = '\0';
        mb_text_trim(p);
        if (*p)
            json_array_append_new(a, json_string(p));
        p = next;
    }
    free(copy);
    return a;
}

/* "Pb=80; As=<0,5" -> pairs; each item must have '='. Calls add(key,
 * value) for each; returns false (after a report) on a malformed item. */
static bool pairs(struct row_ctx *rc, enum field f, const char *s,
                  bool (*add)(struct row_ctx *, enum field, json_t *, const char *,
                              const char *),
                  json_t *into)
{
    json_t *items = split(s, ";");
    size_t i;
    json_t *it;
    bool ok = true;
    json_array_foreach(items, i, it) {
        char *item = mb_xstrdup(json_string_value(it));
        char *eq = strchr(item, '=');
        if (!eq) {
            char q[44];
            report(rc->rep, rc->row->row, rc->lay->name[f], "'%s' is not NAME=VALUE; "
                   "separate several with ';', e.g. 'Pb=80; As=5'",
                   mb_text_clip(q, sizeof q, item));
            ok = false;
        } else {
            *eq = '\0';
            mb_text_trim(item);
            mb_text_trim(eq + 1);
            ok = add(rc, f, into, item, eq + 1) && ok;
        }
        free(item);
    }
    json_decref(items);
    if (!ok)
        rc->bad = true;
    return ok;
}

static bool add_lab(struct row_ctx *rc, enum field f, json_t *into, const char *k,
                    const char *v)
{
    (void)rc;
    (void)f;
    json_array_append_new(into, json_pack("{s:s, s:s}", "substance", k, "value", v));
    return true;
}

static bool add_number_pair(struct row_ctx *rc, enum field f, json_t *into, const char *k,
                            const char *v, const char *kkey, const char *vkey)
{
    double d;
    struct mb_error e;
    if (mb_parse_number(v, &d, "", &e)) {
        char q[44];
        report(rc->rep, rc->row->row, rc->lay->name[f], "%s: %s",
               mb_text_clip(q, sizeof q, k), e.message);
        return false;
    }
    if (kkey)
        json_array_append_new(into, json_pack("{s:s, s:f}", kkey, k, vkey, d));
    else
        json_object_set_new(into, k, json_real(d));
    return true;
}

static bool add_limit(struct row_ctx *rc, enum field f, json_t *into, const char *k,
                      const char *v)
{
    return add_number_pair(rc, f, into, k, v, NULL, NULL);
}

static bool add_yield(struct row_ctx *rc, enum field f, json_t *into, const char *k,
                      const char *v)
{
    return add_number_pair(rc, f, into, k, v, "material", "share");
}

/* A month cell: "YYYY-MM" as text, or an Excel date (a day number since
 * 1899-12-30, the 1900 date system) which Excel makes of "2026-03". */
static json_t *month_of(struct row_ctx *rc, enum field f)
{
    bool number = false;
    const char *s = cell(rc, f, &number);
    if (!s)
        return NULL;
    if (number) {
        double d = strtod(s, NULL);
        if (d >= 61 && d < 2958466) {
            time_t t = (time_t)((floor(d) - 25569) * 86400);
            struct tm tm;
            char buf[16];
            if (gmtime_r(&t, &tm)) {
                snprintf(buf, sizeof buf, "%04d-%02d", tm.tm_year + 1900, tm.tm_mon + 1);
                return json_string(buf);
            }
        }
    }
    return json_string(s);
}

/* Norwegian names of the types, as users write them. */
static const char *type_value(const char *s)
{
    static const char *const map[][2] = {
        { "tilbud", "supply" }, { "overskudd", "supply" }, { "behov", "need" },
        { "deponi", "landfill" }, { "mellomlager", "storage" }, { "anlegg", "plant" },
        { "knuseverk", "plant" }, { "pukkverk", "quarry" }, { "steinbrudd", "quarry" },
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (mb_text_casecmp(s, map[i][0]) == 0)
            return map[i][1];
    static const char *const en[] = { "supply", "need", "landfill", "storage", "plant",
                                      "quarry" };
    for (size_t i = 0; i < sizeof en / sizeof *en; i++)
        if (mb_text_casecmp(s, en[i]) == 0)
            return en[i];
    return s;
}

static const char *fee_key(const char *type)
{
    if (strcmp(type, "landfill") == 0) return "gate_fee_nok_per_t";
    if (strcmp(type, "storage") == 0) return "handling_nok_per_t";
    if (strcmp(type, "plant") == 0) return "processing_nok_per_t";
    if (strcmp(type, "quarry") == 0) return "price_nok_per_t";
    return "fee_nok_per_t";
}

static const char *capacity_key(const char *type)
{
    if (strcmp(type, "landfill") == 0 || strcmp(type, "quarry") == 0)
        return "capacity_per_year";
    if (strcmp(type, "storage") == 0) return "capacity";
    if (strcmp(type, "plant") == 0) return "capacity_per_month";
    return "capacity";
}

static void set(json_t *o, const char *key, json_t *v)
{
    if (v)
        json_object_set_new(o, key, v);
}

static void set_text(struct row_ctx *rc, json_t *o, const char *key, enum field f)
{
    const char *s = cell(rc, f, NULL);
    if (s)
        json_object_set_new(o, key, json_string(s));
}

/* A quantity {value, unit} from two columns; either may be missing (the
 * parser then names the missing part). */
static void quantity(struct row_ctx *rc, json_t *o, const char *key, enum field fv,
                     enum field fu)
{
    json_t *v = number_of(rc, fv, false);
    const char *u = cell(rc, fu, NULL);
    if (!v && !u)
        return;
    json_t *q = json_object();
    set(q, "value", v);
    if (u)
        json_object_set_new(q, "unit", json_string(u));
    json_object_set_new(o, key, q);
}

static json_t *row_body(struct row_ctx *rc, enum mb_site_family fam)
{
    json_t *b = json_object();
    const char *type = cell(rc, F_TYPE, NULL);
    type = type ? type_value(type) : "";
    if (*type)
        json_object_set_new(b, "type", json_string(type));
    set_text(rc, b, fam == MB_FAMILY_LISTING ? "title" : "name",
             fam == MB_FAMILY_LISTING ? F_TITLE : F_NAME);
    set_text(rc, b, "description", F_DESCRIPTION);
    const char *s;
    if ((s = cell(rc, F_KEYWORDS, NULL)))
        json_object_set_new(b, "keywords", split(s, ";"));
    set_text(rc, b, "material", F_MATERIAL);
    if ((s = cell(rc, F_ACCEPTS, NULL)))
        json_object_set_new(b, "accepts", split(s, ";,"));
    if ((s = cell(rc, F_OFFERS, NULL)))
        json_object_set_new(b, "offers", split(s, ";,"));
    set(b, "class", number_of(rc, F_CLASS, true));
    set(b, "max_class", number_of(rc, F_MAX_CLASS, true));
    quantity(rc, b, "amount", F_AMOUNT, F_UNIT);
    json_t *from = month_of(rc, F_FROM), *to = month_of(rc, F_TO);
    if (from || to) {
        json_t *w = json_object();
        set(w, "from", from);
        set(w, "to", to);
        json_object_set_new(b, "window", w);
    }
    set(b, "lat", number_of(rc, F_LAT, false));
    set(b, "lon", number_of(rc, F_LON, false));
    json_t *e = number_of(rc, F_EAST, false), *n = number_of(rc, F_NORTH, false);
    json_t *epsg = number_of(rc, F_EPSG, true);
    if (e || n || epsg) {
        json_t *u = json_object();
        set(u, "epsg", epsg);
        set(u, "easting", e);
        set(u, "northing", n);
        json_object_set_new(b, "utm", u);
    }
    bool number = false;
    if ((s = cell(rc, F_MUNICIPALITY, &number))) {
        /* Excel turns the code 0301 into the number 301. */
        char code[8];
        char *end;
        long v = number ? strtol(s, &end, 10) : 0;
        if (number && !*end && v > 0 && v < 10000) {
            snprintf(code, sizeof code, "%04ld", v);
            json_object_set_new(b, "municipality", json_string(code));
        } else {
            json_object_set_new(b, "municipality", json_string(s));
        }
    }
    set(b, "price_nok_per_t", number_of(rc, F_PRICE, false));
    if ((s = cell(rc, F_LAB, NULL))) {
        json_t *lab = json_array();
        if (pairs(rc, F_LAB, s, add_lab, lab))
            json_object_set_new(b, "lab", lab);
        else
            json_decref(lab);
    }
    if ((s = cell(rc, F_LIMITS, NULL))) {
        json_t *lim = json_object();
        if (pairs(rc, F_LIMITS, s, add_limit, lim))
            json_object_set_new(b, "limits", lim);
        else
            json_decref(lim);
    }
    if (fam == MB_FAMILY_FACILITY) {
        quantity(rc, b, capacity_key(type), F_CAPACITY, F_CAPACITY_UNIT);
        set(b, fee_key(type), number_of(rc, F_FEE, false));
        set(b, "holding_nok_per_t_month", number_of(rc, F_HOLDING, false));
        set(b, "co2_kg_per_t", number_of(rc, F_CO2, false));
        if ((s = cell(rc, F_YIELDS, NULL))) {
            json_t *y = json_array();
            if (pairs(rc, F_YIELDS, s, add_yield, y))
                json_object_set_new(b, "yields", y);
            else
                json_decref(y);
        }
    }
    return b;
}

/* The column a problem path of the body belongs to: the longest field
 * prefix ("amount.unit" before "amount"). */
static const char *column_of(const struct layout *lay, const char *path,
                             enum mb_site_family fam)
{
    static const struct { const char *prefix; enum field f; } map[] = {
        { "type", F_TYPE }, { "title", F_TITLE }, { "name", F_NAME },
        { "description", F_DESCRIPTION }, { "keywords", F_KEYWORDS },
        { "material", F_MATERIAL }, { "accepts", F_ACCEPTS }, { "offers", F_OFFERS },
        { "class", F_CLASS }, { "max_class", F_MAX_CLASS }, { "amount", F_AMOUNT },
        { "amount.value", F_AMOUNT }, { "amount.unit", F_UNIT }, { "window", F_FROM },
        { "window.from", F_FROM }, { "window.to", F_TO }, { "lat", F_LAT },
        { "lon", F_LON }, { "utm", F_EAST }, { "utm.easting", F_EAST },
        { "utm.northing", F_NORTH }, { "utm.epsg", F_EPSG },
        { "municipality", F_MUNICIPALITY }, { "lab", F_LAB }, { "limits", F_LIMITS },
        { "capacity", F_CAPACITY }, { "capacity_per_year", F_CAPACITY },
        { "capacity_per_month", F_CAPACITY }, { "capacity.unit", F_CAPACITY_UNIT },
        { "capacity_per_year.unit", F_CAPACITY_UNIT },
        { "capacity_per_month.unit", F_CAPACITY_UNIT },
        { "gate_fee_nok_per_t", F_FEE }, { "handling_nok_per_t", F_FEE },
        { "processing_nok_per_t", F_FEE },
        { "holding_nok_per_t_month", F_HOLDING }, { "co2_kg_per_t", F_CO2 },
        { "yields", F_YIELDS },
    };
    int best = -1;
    size_t best_len = 0;
    for (size_t i = 0; i < sizeof map / sizeof *map; i++) {
        size_t n = strlen(map[i].prefix);
        if (strncmp(path, map[i].prefix, n) == 0 &&
            (path[n] == '\0' || path[n] == '.' || path[n] == '[') && n > best_len) {
            best = (int)map[i].f;
            best_len = n;
        }
    }
    /* price_nok_per_t is a listing's price or a quarry's fee. */
    if (strncmp(path, "price_nok_per_t", 15) == 0)
        best = fam == MB_FAMILY_LISTING ? F_PRICE : F_FEE;
    if (best < 0 || lay->col[best] < 0)
        return path;
    return lay->name[best];
}

/* Status column: a new site is a draft or published. */
static int row_status(struct row_ctx *rc, enum mb_status *out)
{
    const char *s = cell(rc, F_STATUS, NULL);
    *out = MB_STATUS_DRAFT;
    if (!s || mb_text_casecmp(s, "draft") == 0 || mb_text_casecmp(s, "utkast") == 0)
        return 0;
    if (mb_text_casecmp(s, "published") == 0 || mb_text_casecmp(s, "publisert") == 0) {
        *out = MB_STATUS_PUBLISHED;
        return 0;
    }
    char q[44];
    report(rc->rep, rc->row->row, rc->lay->name[F_STATUS], "'%s': an imported site is "
           "draft (utkast) or published (publisert)", mb_text_clip(q, sizeof q, s));
    rc->bad = true;
    return -1;
}

int mb_xchg_import(struct mb_store *st, const struct mb_market *m,
                   enum mb_site_family family, const struct mb_xchg_sheet *sheet,
                   const struct mb_xchg_import_opts *opts, struct mb_xchg_report *rep,
                   struct mb_error *err)
{
    memset(rep, 0, sizeof *rep);
    struct mb_org org;
    int rc = mb_store_org_get(st, opts->org_id, &org, err);
    if (rc) {
        if (rc == MB_ENOTFOUND)
            mb_error_set(err, MB_ENOTFOUND, "org", "no organisation with id %lld",
                         (long long)opts->org_id);
        return rc;
    }
    rep->rows = sheet->nrows;
    struct layout lay;
    check_header(sheet, family, &lay, rep);
    if (rep->n)
        goto refused;
    if (sheet->nrows == 0) {
        report(rep, sheet->header_row, "", "the sheet has a header but no rows");
        goto refused;
    }
    struct mb_site_rec *recs = mb_xcalloc(sheet->nrows, sizeof *recs);
    for (size_t i = 0; i < sheet->nrows; i++) {
        struct row_ctx rc_ = { &sheet->rows[i], &lay, rep, false };
        enum mb_status status;
        row_status(&rc_, &status);
        json_t *body = row_body(&rc_, family);
        if (rc_.bad) {
            json_decref(body);
            continue;
        }
        char *text = mb_xjson_dumps(body, JSON_COMPACT);
        json_decref(body);
        struct mb_problems probs = { 0 };
        if (mb_market_parse_site(m, family, text, strlen(text), &recs[i], &probs) != 0) {
            for (size_t k = 0; k < probs.n; k++)
                report(rep, sheet->rows[i].row,
                       column_of(&lay, probs.items[k].path, family), "%s",
                       probs.items[k].message);
            mb_problems_release(&probs);
            memset(&recs[i], 0, sizeof recs[i]);
        } else {
            recs[i].org_id = opts->org_id;
            recs[i].status = status;
        }
        free(text);
    }
    if (rep->n == 0 && !opts->dry_run) {
        /* The entry POST /api/listings writes, marked as an import; in
         * bounded batches, all or nothing (mb_listing_insert_many). */
        json_t *mark = json_pack("{s:b}", "import", 1);
        size_t failed;
        rc = mb_listing_insert_many(st, opts->who, recs, sheet->nrows, mark, opts->stop_after,
                                    &failed, err);
        json_decref(mark);
        if (rc && failed < sheet->nrows) {
            char where[32];
            snprintf(where, sizeof where, "row %zu", sheet->rows[failed].row);
            mb_error_prefix_field(err, where);
        }
        if (rc == 0) {
            rep->imported = sheet->nrows;
            rep->first_id = recs[0].id;
            rep->last_id = recs[sheet->nrows - 1].id;
        }
    }
    if (rc == 0 && rep->n == 0) {
        rep->sites = recs; /* the report owns them now */
        rep->nsites = sheet->nrows;
    } else {
        for (size_t i = 0; i < sheet->nrows; i++)
            mb_site_rec_release(&recs[i]);
        free(recs);
    }
    if (rc)
        return rc;
    if (rep->n == 0)
        return 0;
refused:
    /* The report is in row order: the header first, then the rows. */
    if (family == MB_FAMILY_LISTING)
        return mb_error_set(err, MB_EINVAL, "", "%zu problem(s) in the listings; nothing was "
                            "imported", rep->n);
    return mb_error_set(err, MB_EINVAL, "", "%zu problem(s) in the facilities; nothing was "
                        "imported", rep->n);
}
