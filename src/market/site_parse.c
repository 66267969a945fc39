/*
 * site_parse.c - a listing or facility body to a stored site record
 * (mb_market_parse_site, see market.h and docs/listings.md).
 *
 * A body is a scenario site object with the market's own fields added.
 * This file checks the market fields itself (type, title or name,
 * description, keywords, a listing's price, a supply's lab results, a
 * receiver's limit values) and hands the rest to the scenario reader as a
 * one-site scenario, so the site fields are validated by exactly the code
 * that plans with them; the reader's problem paths ("sites[0].amount.unit")
 * are mapped back to the body ("amount.unit"). Every problem of the body
 * is reported at once; *rec is filled only when there is none.
 *
 * Data flow: body text -> jansson -> market fields checked and removed ->
 * scenario text -> mb_scenario_parse -> struct mb_site -> record columns;
 * the record's doc is the body normalised (codes canonical, lab values as
 * numbers) plus "class_from_lab" when the lab results set the class.
 */
#include "market/market.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/text.h"
#include "domain/boundary.h"
#include "domain/geo.h"
#include "domain/quality_json.h"
#include "domain/sampling.h"
#include "domain/unit.h"
#include "market/places.h"

const char *const mb_market_only_fields[] = { "type", "title", "description", "keywords",
                                              "lab", "limits", "leaching_limits",
                                              "acceptance", "accepts_class_range",
                                              "natural", "samples", "sampled_area_m2",
                                              "property", "id", "kind", NULL };

/* Limits of the market's own text fields, in characters (code points). */
#define TITLE_MAX_CHARS 160
#define DESCRIPTION_MAX_CHARS 4000
#define KEYWORDS_MAX 20
#define KEYWORD_MAX_CHARS 40
#define LAB_MAX 100 /* as POST /api/classify; the table has 74 substances */
#define MB_SAMPLES_MAX 200
#define PRICE_MAX 1e5

/* ---- a growable text buffer ------------------------------------------------ */

struct buf {
    char *s;
    size_t n, cap;
};

static void buf_add(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void buf_add(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (k < 0)
        return;
    b->s = mb_xgrow(b->s, &b->cap, b->n + (size_t)k + 1, 1);
    va_start(ap, fmt);
    vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
    va_end(ap);
    b->n += (size_t)k;
}

/* ---- text fields ----------------------------------------------------------- */

/* Control characters (mb_text_has_control); line breaks and tabs only
 * where `multiline`. Jansson has already refused malformed UTF-8. */
static bool has_control(const char *s, bool multiline)
{
    return mb_text_has_control(s, strlen(s), multiline);
}

/* A text field of 1..max characters; NULL if absent or bad (with a
 * problem when bad, or absent and required). */
static const char *get_text(struct mb_problems *p, json_t *o, const char *key,
                            bool required, size_t max, bool multiline)
{
    json_t *v = json_object_get(o, key);
    if (!v) {
        if (required)
            mb_problems_add(p, key, "is required");
        return NULL;
    }
    if (!json_is_string(v)) {
        mb_problems_add(p, key, "must be a string");
        return NULL;
    }
    const char *s = json_string_value(v);
    size_t n = mb_utf8_chars(s);
    if (strlen(s) != json_string_length(v)) {
        mb_problems_add(p, key, "must not contain a NUL character");
        return NULL;
    }
    if (n == 0 && required) {
        mb_problems_add(p, key, "must not be empty");
        return NULL;
    }
    if (n > max) {
        mb_problems_add(p, key, "must be at most %zu characters (got %zu)", max, n);
        return NULL;
    }
    if (has_control(s, multiline)) {
        mb_problems_add(p, key, "must not contain control characters%s",
                        multiline ? " other than line breaks and tabs" : "");
        return NULL;
    }
    return s;
}

static void check_keywords(struct mb_problems *p, json_t *o)
{
    json_t *v = json_object_get(o, "keywords");
    if (!v)
        return;
    if (!json_is_array(v)) {
        mb_problems_add(p, "keywords", "must be a list of words");
        return;
    }
    if (json_array_size(v) > KEYWORDS_MAX) {
        mb_problems_add(p, "keywords", "at most %d keywords (got %zu)", KEYWORDS_MAX,
                        json_array_size(v));
        return;
    }
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e) {
        char path[32];
        snprintf(path, sizeof path, "keywords[%zu]", i);
        const char *s = json_string_value(e);
        if (!s)
            mb_problems_add(p, path, "must be a string");
        else if (!*s || mb_utf8_chars(s) > KEYWORD_MAX_CHARS)
            mb_problems_add(p, path, "must be 1-%d characters", KEYWORD_MAX_CHARS);
        else if (has_control(s, false) || strlen(s) != json_string_length(e))
            mb_problems_add(p, path, "must not contain control characters");
    }
}

/* ---- lab results and limit values ------------------------------------------ */

struct lab {
    struct mb_measurement *m;
    size_t n;
    json_t *norm;            /* normalised "lab" array */
    struct mb_classification cls; /* released by lab_release */
    bool classified;         /* the results give a class */
    const struct mb_background *bg; /* natural background applied, or NULL */
    json_t *samples;         /* normalised "samples", or NULL (a single "lab") */
    size_t nsamples;
    double area_m2;          /* "sampled_area_m2", or NAN */
    int npoints;             /* distinct sample positions; 0 when some have none */
};

static void lab_release(struct lab *l)
{
    free(l->m);
    json_decref(l->norm);
    json_decref(l->samples);
    mb_classification_release(&l->cls);
    memset(l, 0, sizeof *l);
}

/* Parse a list of lab results (at path `at`: "lab" or "samples[2].lab")
 * into out (room for LAB_MAX) and its normalised form norm. Returns false
 * with problems named by item. */
static bool parse_items(const struct mb_market *m, struct mb_problems *p, json_t *v,
                        const char *at, struct mb_measurement *out, size_t *n, json_t *norm)
{
    if (!json_is_array(v) || json_array_size(v) == 0) {
        mb_problems_add(p, at, "must be a non-empty list of {\"substance\": \"Pb\", "
                        "\"value\": 80} (mg/kg dry matter), with optional \"unit\" and "
                        "\"leached\"");
        return false;
    }
    if (json_array_size(v) > LAB_MAX) {
        mb_problems_add(p, at, "at most %d results", LAB_MAX);
        return false;
    }
    size_t before = p->n;
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e) {
        struct mb_error err;
        char f[64], path[160];
        struct mb_measurement *mm = &out[*n];
        if (mb_lab_item_parse(&m->classes, e, i, mm, f, sizeof f, &err)) {
            snprintf(path, sizeof path, "%.100s%s", at, f + 3); /* f is "lab[i]..." */
            mb_problems_add(p, path, "%s", err.message);
            continue;
        }
        bool dup = false;
        for (size_t j = 0; j < *n; j++)
            if (out[j].substance == mm->substance && out[j].leached == mm->leached)
                dup = true;
        if (dup) {
            snprintf(path, sizeof path, "%.100s[%zu].substance", at, i);
            mb_problems_add(p, path, "%s%s is given twice in one sample",
                            mm->substance->code, mm->leached ? " (leached)" : "");
            continue;
        }
        json_t *ne = mb_measurement_json(mm); /* in the substance's own unit */
        json_array_append_new(norm, ne);
        (*n)++;
    }
    return p->n == before && *n > 0;
}

/* Classify l's measurements (with the natural background bg, or NULL).
 * A sample above class 5 or without a class is a problem at `at`.
 * Returns true when the results are good; l->classified then says
 * whether they give a class (leaching results and parameters only give
 * none). */
static bool classify_lab(struct mb_problems *p, const char *at,
                         const struct mb_background *bg, struct lab *l)
{
    struct mb_error err;
    if (mb_classify_bg(l->m, l->n, bg, &l->cls, &err)) {
        mb_problems_add(p, at, "%s", err.message);
        return false;
    }
    l->bg = bg;
    if (l->cls.no_class)
        return true; /* leaching results and parameters only: the class is given */
    l->classified = true;
    const struct mb_substance_result *d = &l->cls.results[l->cls.decider];
    if (l->cls.likely_hazardous) {
        mb_problems_add(p, at, "%s %g mg/kg is above the class-5 bound %g mg/kg: "
                        "likely hazardous waste (avfallsforskriften ch. 11), which "
                        "cannot be listed as clean masses", d->substance->code,
                        d->value, d->lower);
        return false;
    }
    if (l->cls.cls == 0 || l->cls.risk_assessment) {
        for (size_t k = 0; k < l->cls.n; k++) {
            const struct mb_substance_result *r = &l->cls.results[k];
            if (r->cls != 0 || r->unclassed)
                continue;
            char path[64];
            if (l->nsamples)
                snprintf(path, sizeof path, "%s", at);
            else
                snprintf(path, sizeof path, "lab[%zu].value", k);
            mb_problems_add(p, path, "%s %g mg/kg is above its normverdi %g mg/kg, "
                            "which has no condition class: a site-specific risk "
                            "assessment is needed before the masses can be listed",
                            r->substance->code, r->value, r->substance->upper[0]);
        }
        return false;
    }
    return true;
}

/* Parse "lab" into measurements and classify the sample. */
static bool parse_lab(const struct mb_market *m, struct mb_problems *p, json_t *v,
                      const struct mb_background *bg, struct lab *l)
{
    l->m = mb_xcalloc(LAB_MAX, sizeof *l->m);
    l->norm = json_array();
    if (!parse_items(m, p, v, "lab", l->m, &l->n, l->norm))
        return false;
    return classify_lab(p, "lab", bg, l);
}

/* A number field of a sample: false (with a problem) when present and
 * not a number within [lo, hi]. */
static bool sample_num(struct mb_problems *p, json_t *o, const char *at, const char *key,
                       double lo, double hi, double *out)
{
    json_t *x = json_object_get(o, key);
    *out = NAN;
    if (!x)
        return true;
    double v = json_number_value(x);
    if (!json_is_number(x) || !isfinite(v) || v < lo || v > hi) {
        mb_problems_add(p, at, "%s must be a number from %g to %g", key, lo, hi);
        return false;
    }
    *out = v;
    return true;
}

/* "samples": [{"id", "depth_from_m", "depth_to_m", "lat", "lon", "lab"}]:
 * each sample classified on its own (shown per sample), the set judged by
 * its worst value of each substance (what a receiver must be able to
 * take), the lower end of the range the highest of the samples' lower
 * ends. */
static bool parse_samples(const struct mb_market *m, struct mb_problems *p, json_t *v,
                          const struct mb_background *bg, struct lab *l)
{
    size_t ns = json_array_size(v);
    if (!json_is_array(v) || ns == 0 || ns > MB_SAMPLES_MAX) {
        mb_problems_add(p, "samples", "must be a list of 1 to %d samples {\"id\", "
                        "\"depth_from_m\", \"depth_to_m\", \"lat\", \"lon\", \"lab\"}",
                        MB_SAMPLES_MAX);
        return false;
    }
    size_t before = p->n;
    l->m = mb_xcalloc(LAB_MAX * 2, sizeof *l->m);
    l->samples = json_array();
    l->nsamples = ns;
    int cls_min = 0;
    bool all_pos = true;
    double (*pts)[2] = mb_xcalloc(ns, sizeof *pts);
    int npts = 0;
    struct mb_measurement *one = mb_xcalloc(LAB_MAX, sizeof *one);
    size_t i;
    json_t *o;
    json_array_foreach(v, i, o) {
        char at[48], lat_at[64];
        snprintf(at, sizeof at, "samples[%zu]", i);
        if (!json_is_object(o)) {
            mb_problems_add(p, at, "must be an object {\"id\", \"lab\", ...}");
            continue;
        }
        const char *key;
        json_t *x;
        json_object_foreach(o, key, x) {
            static const char *const known[] = { "id", "depth_from_m", "depth_to_m", "lat",
                                                 "lon", "lab", NULL };
            bool ok = false;
            for (const char *const *k = known; *k; k++)
                ok |= strcmp(key, *k) == 0;
            if (!ok) {
                char k2[44], q[96];
                snprintf(q, sizeof q, "%s.%s", at, mb_text_clip(k2, sizeof k2, key));
                mb_problems_add(p, q, "unknown field");
            }
        }
        const char *id = json_string_value(json_object_get(o, "id"));
        char q[96];
        snprintf(q, sizeof q, "%s.id", at);
        if (!id || !*id || mb_utf8_chars(id) > 63 || has_control(id, false)) {
            mb_problems_add(p, q, "is required: the sample's id as the lab report names it "
                            "(1 to 63 characters)");
        } else {
            for (size_t j = 0; j < i; j++)
                if (json_equal(json_object_get(json_array_get(v, j), "id"),
                               json_object_get(o, "id")))
                    mb_problems_add(p, q, "'%s' is given twice", id);
        }
        double from, to, lat, lon;
        snprintf(q, sizeof q, "%s.depth_from_m", at);
        bool dok = sample_num(p, o, q, "depth_from_m", 0, 200, &from);
        snprintf(q, sizeof q, "%s.depth_to_m", at);
        dok &= sample_num(p, o, q, "depth_to_m", 0, 200, &to);
        if (dok && isnan(from) != isnan(to)) {
            mb_problems_add(p, q, "give both depth_from_m and depth_to_m, or neither");
        } else if (dok && from > to) {
            snprintf(q, sizeof q, "%s.depth_from_m", at);
            mb_problems_add(p, q, "the sample's top %g m is below its bottom %g m", from, to);
        }
        snprintf(lat_at, sizeof lat_at, "%s.lat", at);
        bool pok = sample_num(p, o, lat_at, "lat", -90, 90, &lat);
        snprintf(q, sizeof q, "%s.lon", at);
        pok &= sample_num(p, o, q, "lon", -180, 180, &lon);
        if (pok && isnan(lat) != isnan(lon)) {
            mb_problems_add(p, lat_at, "give both lat and lon, or neither");
        } else if (pok && !isnan(lat)) {
            struct mb_error err;
            if (mb_geo_check_norway((struct mb_point){ lat, lon }, lat_at, &err))
                mb_problems_add(p, lat_at, "%s", err.message);
        }
        /* this sample's results */
        json_t *norm = json_array();
        size_t n = 0;
        snprintf(q, sizeof q, "%s.lab", at);
        bool ok = parse_items(m, p, json_object_get(o, "lab"), q, one, &n, norm);
        json_t *ns_doc = json_pack("{s:O, s:o}", "id", json_object_get(o, "id"), "lab", norm);
        if (!isnan(from)) {
            json_object_set_new(ns_doc, "depth_from_m", json_real(from));
            json_object_set_new(ns_doc, "depth_to_m", json_real(isnan(to) ? from : to));
        }
        if (!isnan(lat) && !isnan(lon)) {
            json_object_set_new(ns_doc, "lat", json_real(lat));
            json_object_set_new(ns_doc, "lon", json_real(lon));
            bool seen = false;
            for (int k = 0; k < npts && !seen; k++)
                seen = fabs(pts[k][0] - lat) < 1e-7 && fabs(pts[k][1] - lon) < 1e-7;
            if (!seen) {
                pts[npts][0] = lat;
                pts[npts][1] = lon;
                npts++;
            }
        } else {
            all_pos = false;
        }
        if (ok) {
            struct mb_classification c;
            struct mb_error err;
            if (mb_classify_bg(one, n, bg, &c, &err) == 0) {
                if (!c.no_class && c.cls > 0) {
                    json_object_set_new(ns_doc, "class", json_integer(c.cls));
                    json_object_set_new(ns_doc, "class_min", json_integer(c.cls_min));
                    if (c.cls_min > cls_min)
                        cls_min = c.cls_min;
                }
                mb_classification_release(&c);
            } else {
                mb_problems_add(p, q, "%s", err.message);
            }
            /* the envelope: per substance the worst value of the set */
            for (size_t k = 0; k < n; k++) {
                size_t j = 0;
                while (j < l->n && !(l->m[j].substance == one[k].substance &&
                                     l->m[j].leached == one[k].leached))
                    j++;
                if (j == l->n) {
                    if (l->n == LAB_MAX * 2) {
                        mb_problems_add(p, "samples", "more than %d different results in "
                                        "the set", LAB_MAX * 2);
                        break;
                    }
                    l->m[l->n++] = one[k];
                } else if (one[k].value > l->m[j].value ||
                           (one[k].value == l->m[j].value && !one[k].below_loq)) {
                    l->m[j] = one[k];
                }
            }
        }
        json_array_append_new(l->samples, ns_doc);
    }
    free(one);
    free(pts);
    l->npoints = all_pos ? npts : 0;
    if (p->n != before || l->n == 0)
        return false;
    if (!classify_lab(p, "samples", bg, l))
        return false;
    /* What the measured values prove for the set: the highest lower end. */
    if (l->classified && cls_min > l->cls.cls_min && cls_min <= l->cls.cls_max)
        l->cls.cls_min = cls_min;
    return true;
}

/* "limits": {"Pb": 60, "As": 8} (total content, in each substance's unit)
 * or "leaching_limits": {"Ba": 20} (leached at L/S = 10, mg/kg) ->
 * normalised object with canonical codes. */
static json_t *parse_limits(const struct mb_market *m, struct mb_problems *p, json_t *v,
                            const char *name, bool leached)
{
    if (!json_is_object(v)) {
        mb_problems_add(p, name, "must be an object of substance codes and limit values in "
                        "mg/kg%s, e.g. {\"%s\": %s}", leached ? " leached at L/S = 10" : "",
                        leached ? "Ba" : "Pb", leached ? "20" : "60");
        return NULL;
    }
    json_t *out = json_object();
    const char *key;
    json_t *x;
    json_object_foreach(v, key, x) {
        char q[80], k[44];
        snprintf(q, sizeof q, "%s.%s", name, mb_text_clip(k, sizeof k, key));
        const struct mb_substance *s = mb_class_table_find(&m->classes, key);
        if (!s) {
            mb_problems_add(p, q, "unknown substance '%s'; use a code, name or lab name "
                            "of the substance table (GET /api/substances)", k);
            continue;
        }
        if (leached && strcmp(s->unit, "mg/kg") != 0) {
            mb_problems_add(p, q, "%s is not a leaching result", s->code);
            continue;
        }
        if (!json_is_number(x)) {
            mb_problems_add(p, q, "must be a number in %s", s->unit);
            continue;
        }
        double lim = json_number_value(x);
        double top = strcmp(s->unit, "mg/kg") == 0 ? 1e6 : strcmp(s->unit, "%") == 0 ? 100 : 14;
        if (!isfinite(lim) || lim < 0 || lim > top) {
            mb_problems_add(p, q, "must be between 0 and %.10g %s (got %g)", top, s->unit, lim);
            continue;
        }
        if (json_object_get(out, s->code)) {
            mb_problems_add(p, q, "%s is given twice", s->code);
            continue;
        }
        json_object_set_new(out, s->code, json_real(lim));
    }
    return out;
}

/* ---- the body as a scenario site -------------------------------------------- */

static const char *const kind_of_type[MB_TYPE_COUNT] = {
    [MB_TYPE_SUPPLY] = "source", [MB_TYPE_NEED] = "need",
    [MB_TYPE_LANDFILL] = "landfill", [MB_TYPE_STORAGE] = "storage",
    [MB_TYPE_PLANT] = "plant", [MB_TYPE_QUARRY] = "quarry",
};

/* The capacity field of each facility type (NULL for listings). */
static const char *capacity_key(enum mb_site_type t)
{
    switch (t) {
    case MB_TYPE_LANDFILL:
    case MB_TYPE_QUARRY:
        return "capacity_per_year";
    case MB_TYPE_STORAGE:
        return "capacity";
    case MB_TYPE_PLANT:
        return "capacity_per_month";
    default:
        return NULL;
    }
}

/* Map a reader's path "sites[0].X" to "X" ("sites[0]" to ""); a listing's
 * "name" is its "title". */
static void map_path(char *out, size_t n, const char *path, bool listing)
{
    const char *pre = "sites[0]";
    size_t k = strlen(pre);
    const char *rest = path;
    if (strncmp(path, pre, k) == 0) {
        rest = path + k;
        if (*rest == '.')
            rest++;
    } else {
        rest = "";
    }
    if (listing && strcmp(rest, "name") == 0)
        rest = "title";
    snprintf(out, n, "%s", rest);
}

/* Canonical code of a material text, or the text itself ("rock.*", "*",
 * or something the reader refused). */
static json_t *canonical_code(const struct mb_market *m, json_t *v)
{
    const char *s = json_string_value(v);
    const struct mb_material *mat = s ? mb_catalog_find(&m->catalog, s) : NULL;
    return mat ? json_string(mat->code) : json_incref(v);
}

static void normalise_list(const struct mb_market *m, json_t *doc, const char *key)
{
    json_t *v = json_object_get(doc, key);
    if (!json_is_array(v))
        return;
    json_t *out = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e) json_array_append_new(out, canonical_code(m, e));
    json_object_set_new(doc, key, out);
}

static void normalise_quantity(json_t *doc, const char *key)
{
    json_t *v = json_object_get(doc, key);
    enum mb_unit u;
    const char *us = json_string_value(json_object_get(v, "unit"));
    if (!us || mb_unit_parse(us, &u, key, NULL))
        return;
    json_t *c = json_copy(v);
    json_object_set_new(c, "unit", json_string(mb_unit_symbol(u)));
    json_object_set_new(doc, key, c);
}

/* How many samples the set has against the recommended minimum for its
 * area (domain/sampling.h; an estimate of status U, and said so). */
static json_t *sampling_json(const struct lab *l)
{
    char st[2] = { MB_SAMPLING_STATUS, '\0' };
    json_t *o = json_pack("{s:I, s:s, s:s}", "samples", (json_int_t)l->nsamples, "status", st,
                          "source", MB_SAMPLING_SOURCE);
    if (isnan(l->area_m2)) {
        json_object_set_new(o, "area_m2", json_null());
        json_object_set_new(o, "note", json_string("give sampled_area_m2 to check the number "
                                                   "of samples against the recommended "
                                                   "sampling density"));
        return o;
    }
    /* The guidance counts sampling points (places), not samples: depth
     * samples from one borehole are one point. Without positions the
     * samples stand in for points, and the answer says so. */
    int min = mb_sampling_min_points(l->area_m2);
    int points = l->npoints ? l->npoints : (int)l->nsamples;
    json_object_set_new(o, "area_m2", json_real(l->area_m2));
    json_object_set_new(o, "points", l->npoints ? json_integer(l->npoints) : json_null());
    json_object_set_new(o, "recommended_min", json_integer(min));
    json_object_set_new(o, "too_few", json_boolean(points < min));
    if (!l->npoints)
        json_object_set_new(o, "note", json_string("the samples have no positions, so each "
                                                   "is counted as its own sampling point; "
                                                   "give lat and lon to count points"));
    return o;
}

/* The doc: the body with codes canonical, lab and limits normalised. */
static json_t *normalise(const struct mb_market *m, json_t *root, enum mb_site_type type,
                         const struct mb_site *site, struct lab *lab, json_t *limits,
                         json_t *leach_limits)
{
    json_t *doc = json_copy(root);
    if (json_object_get(doc, "material"))
        json_object_set_new(doc, "material",
                            json_string(m->catalog.items[site->material].code));
    normalise_list(m, doc, "accepts");
    normalise_list(m, doc, "offers");
    json_t *y = json_object_get(doc, "yields");
    if (json_is_array(y)) {
        json_t *out = json_array();
        size_t i;
        json_t *e;
        json_array_foreach(y, i, e) {
            json_t *c = json_copy(e);
            json_object_set_new(c, "material",
                                canonical_code(m, json_object_get(e, "material")));
            json_array_append_new(out, c);
        }
        json_object_set_new(doc, "yields", out);
    }
    normalise_quantity(doc, "amount");
    const char *ck = capacity_key(type);
    if (ck)
        normalise_quantity(doc, ck);
    /* The municipality as the position gives it (or as named and
     * agreeing with it): the 2024 code. */
    if (site->municipality[0])
        json_object_set_new(doc, "municipality", json_string(site->municipality));
    else
        json_object_del(doc, "municipality");
    if (limits)
        json_object_set(doc, "limits", limits);
    const struct mb_accept_template *tpl =
        mb_accept_find(&m->accept, json_string_value(json_object_get(root, "acceptance")));
    if (tpl)
        json_object_set_new(doc, "acceptance", json_string(tpl->name));
    if (leach_limits)
        json_object_set(doc, "leaching_limits", leach_limits);
    if (type == MB_TYPE_SUPPLY)
        json_object_set_new(doc, "class", json_integer(site->cls));
    if (lab->samples)
        json_object_set(doc, "samples", lab->samples);
    else if (lab->norm && lab->n)
        json_object_set(doc, "lab", lab->norm);
    if (lab->n) {
        /* What the lab results say: the class range and what leaves it
         * open, the background applied, each landfill template's verdict. */
        const struct mb_classification *c = &lab->cls;
        json_t *cfl = json_pack("{s:o, s:o}", "background", mb_background_json(lab->bg),
                                "acceptance", mb_acceptance_json(&m->accept, lab->m, lab->n));
        if (lab->classified) {
            const struct mb_substance_result *d = &c->results[c->decider];
            json_object_update_new(cfl, json_pack("{s:i, s:i, s:i, s:o, s:s, s:f, s:f}",
                                                  "class", c->cls, "class_min", c->cls_min,
                                                  "class_max", c->cls_max, "open",
                                                  mb_open_json(c), "substance",
                                                  d->substance->code, "value", d->value,
                                                  "limit", d->lower));
        }
        if (lab->samples)
            json_object_set_new(cfl, "sampling", sampling_json(lab));
        json_object_set_new(doc, "class_from_lab", cfl);
    }
    return doc;
}

/* ---- the record ------------------------------------------------------------- */

static void add_material(struct mb_site_rec *r, const char *code)
{
    for (size_t i = 0; i < r->nmaterials; i++)
        if (strcmp(r->materials[i], code) == 0)
            return;
    r->materials = mb_xrealloc(r->materials, (r->nmaterials + 1) * sizeof *r->materials);
    r->materials[r->nmaterials++] = mb_xstrdup(code);
}


/* "property": the cadastral number of the site's land ("5001-414/3").
 * Its municipality must be the position's (within the boundaries'
 * tolerance, where it then decides: the property register is exact, the
 * generalised boundary is not). */
static void check_property(json_t *root, struct mb_site *site, char out[32],
                           struct mb_problems *p)
{
    json_t *v = json_object_get(root, "property");
    if (!v)
        return;
    struct mb_error err;
    char kommune[5];
    if (!json_is_string(v)) {
        mb_problems_add(p, "property", "must be text: kommunenummer-gnr/bnr, e.g. 5001-414/3");
        return;
    }
    if (mb_property_parse(json_string_value(v), out, kommune, "property", &err)) {
        mb_problems_add(p, "property", "%s", err.message);
        out[0] = '\0';
        return;
    }
    /* A named municipality (or the one a site without a position was
     * placed by) and the property must name the same municipality. */
    if ((json_object_get(root, "municipality") || site->approximate) &&
        strcmp(kommune, site->municipality) != 0) {
        const char *pn = mb_boundaries_name(kommune), *sn = mb_boundaries_name(site->municipality);
        mb_problems_add(p, "property", "the property %s lies in %s %s, not in the municipality "
                        "given, %s %s", out, kommune, pn ? pn : "", site->municipality,
                        sn ? sn : "");
        out[0] = '\0';
        return;
    }
    const struct mb_boundaries *b = mb_boundaries_shared(&err);
    char code[5];
    if (!b || mb_place_municipality(b, site->pos, kommune, code, "property", &err)) {
        mb_problems_add(p, "property", "%s", err.message);
        out[0] = '\0';
        return;
    }
    memcpy(site->municipality, code, 5);
}

/* The municipality of a lat/lon position in the body, for rules that
 * apply before the site itself is parsed (the background values of
 * natural masses); a UTM position is converted only later, so it must
 * name its municipality. True when one was found. */
static bool position_municipality(json_t *root, char out[5])
{
    json_t *lat = json_object_get(root, "lat"), *lon = json_object_get(root, "lon");
    if (!json_is_number(lat) || !json_is_number(lon))
        return false;
    const struct mb_boundaries *b = mb_boundaries_shared(NULL);
    struct mb_point pt = { json_number_value(lat), json_number_value(lon) };
    struct mb_error err;
    if (!b || mb_geo_check_norway(pt, "lat", &err))
        return false;
    mb_place_municipality(b, pt, NULL, out, "municipality", &err);
    return out[0] != '\0';
}

static void fill_rec(const struct mb_market *m, enum mb_site_type type, json_t *root,
                     const struct mb_scenario *s, struct lab *lab, json_t *limits,
                     json_t *leach_limits, json_t *doc, struct mb_site_rec *r)
{
    const struct mb_site *site = &s->sites[0];
    bool listing = type == MB_TYPE_SUPPLY || type == MB_TYPE_NEED;
    r->type = type;
    mb_text_copy(r->title, sizeof r->title,
                 json_string_value(json_object_get(root, listing ? "title" : "name")));
    mb_text_copy(r->municipality, sizeof r->municipality, site->municipality);
    r->lat = site->pos.lat;
    r->lon = site->pos.lon;
    r->material[0] = '\0';
    r->materials = NULL;
    r->nmaterials = 0;
    if (listing)
        mb_text_copy(r->material, sizeof r->material, s->catalog.items[site->material].code);
    if (type == MB_TYPE_SUPPLY) {
        add_material(r, s->catalog.items[site->material].code);
    } else {
        /* A need's own material first, then the catalog order. */
        if (type == MB_TYPE_NEED)
            add_material(r, s->catalog.items[site->material].code);
        for (size_t k = 0; k < s->catalog.n; k++)
            if (site->accepts[k])
                add_material(r, s->catalog.items[k].code);
        for (size_t k = 0; k < site->nyields; k++)
            add_material(r, s->catalog.items[site->yields[k].material].code);
    }
    r->cls = type == MB_TYPE_SUPPLY ? site->cls : site->max_class;
    if (listing) {
        r->amount_t = site->amount_t;
    } else if (site->capacity.value < 0) {
        r->amount_t = -1;
    } else if (site->capacity.unit == MB_UNIT_T) {
        r->amount_t = site->capacity.value;
    } else {
        /* A volume capacity holds different tonnages of different
         * materials; the record shows it in tonnes of the site's first
         * material (docs/listings.md). */
        const struct mb_material *first = mb_catalog_find(&s->catalog, r->materials[0]);
        if (!first || mb_unit_convert(first, site->capacity.value,
                                      (enum mb_unit)site->capacity.unit, MB_UNIT_T,
                                      &r->amount_t, NULL))
            r->amount_t = -1;
    }
    if (listing || json_object_get(root, "window")) {
        r->from_m = site->from;
        r->to_m = site->to;
    } else {
        r->from_m = MB_NO_MONTH_FROM;
        r->to_m = MB_NO_MONTH_TO;
    }
    if (listing) {
        json_t *pr = json_object_get(root, "price_nok_per_t");
        r->price_nok_per_t = pr ? json_number_value(pr) : 0;
        r->co2_kg_per_t = 0;
    } else {
        r->price_nok_per_t = site->fee_nok_per_t;
        r->co2_kg_per_t = site->co2_kg_per_t;
    }

    struct buf kw = { 0 };
    buf_add(&kw, "%s", json_string_value(json_object_get(root, listing ? "title" : "name")));
    const char *desc = json_string_value(json_object_get(root, "description"));
    if (desc && *desc)
        buf_add(&kw, " %s", desc);
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(root, "keywords"), i, e) buf_add(&kw, " %s",
                                                                        json_string_value(e));
    r->keywords = kw.s;

    /* The terms column (market/terms.h): a receiver's limits, leaching
     * limits, template and range acceptance; a supply's lab values with
     * detection limits as "<x" and the lower end of its class range. */
    struct buf lim = { 0 };
    const char *key;
    json_t *v;
    if (limits)
        json_object_foreach(limits, key, v)
            buf_add(&lim, "%s%s=%.10g", lim.n ? ";" : "", key, json_number_value(v));
    if (leach_limits)
        json_object_foreach(leach_limits, key, v)
            buf_add(&lim, "%sL.%s=%.10g", lim.n ? ";" : "", key, json_number_value(v));
    const char *acc = json_string_value(json_object_get(root, "acceptance"));
    if (acc && type != MB_TYPE_SUPPLY)
        buf_add(&lim, "%s@tpl=%s", lim.n ? ";" : "", mb_accept_find(&m->accept, acc)->name);
    if (json_is_true(json_object_get(root, "accepts_class_range")) && type != MB_TYPE_SUPPLY)
        buf_add(&lim, "%s@range", lim.n ? ";" : "");
    if (type == MB_TYPE_SUPPLY && lab->n) {
        for (size_t k = 0; k < lab->n; k++)
            buf_add(&lim, "%s%s%s=%s%.10g", lim.n ? ";" : "", lab->m[k].leached ? "L." : "",
                    lab->m[k].substance->code, lab->m[k].below_loq ? "<" : "",
                    lab->m[k].value);
        if (lab->classified && lab->cls.cls_min < lab->cls.cls_max)
            buf_add(&lim, ";@min=%d", lab->cls.cls_min);
    }
    r->limits = lim.s;
    r->doc = mb_xjson_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(15));
}

/* ---- the entry point --------------------------------------------------------- */

int mb_market_parse_site(const struct mb_market *m, enum mb_site_family family,
                         const char *body, size_t len, struct mb_site_rec *rec,
                         struct mb_problems *problems)
{
    struct mb_problems *p = problems;
    memset(p, 0, sizeof *p);
    json_error_t jerr;
    json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        mb_problems_add(p, "", "not valid JSON: %s (line %d, column %d)", jerr.text,
                        jerr.line, jerr.column);
        return MB_EINVAL;
    }
    bool listing_family = family == MB_FAMILY_LISTING;
    json_t *site = NULL, *limits = NULL, *leach_limits = NULL, *doc = NULL;
    char *scen_text = NULL;
    struct lab lab = { 0 };
    struct mb_scenario s;
    bool have_scenario = false;
    if (!json_is_object(root)) {
        mb_problems_add(p, "", "a %s is a JSON object",
                        listing_family ? "listing" : "facility");
        goto out;
    }

    /* type, in the family of the call */
    int type = -1;
    json_t *tv = json_object_get(root, "type");
    const char *ts = json_string_value(tv);
    const char *expect = listing_family ? "supply or need"
                                        : "landfill, storage, plant or quarry";
    if (!tv) {
        mb_problems_add(p, "type", "is required: %s", expect);
    } else if (!ts) {
        mb_problems_add(p, "type", "must be a string: %s", expect);
    } else {
        type = mb_site_type_parse(ts);
        bool is_listing = type == MB_TYPE_SUPPLY || type == MB_TYPE_NEED;
        char q[44];
        if (type < 0) {
            mb_problems_add(p, "type", "'%s' is not a type; use %s",
                            mb_text_clip(q, sizeof q, ts), expect);
        } else if (is_listing != listing_family) {
            mb_problems_add(p, "type", "'%s' is a %s type; here the type is %s", ts,
                            is_listing ? "listing" : "facility", expect);
            type = -1;
        }
    }
    bool listing = listing_family;

    /* the market's own fields */
    const char *title_key = listing ? "title" : "name";
    get_text(p, root, title_key, true, TITLE_MAX_CHARS, false);
    get_text(p, root, "description", false, DESCRIPTION_MAX_CHARS, true);
    check_keywords(p, root);
    static const char *const reserved[] = { "id", "kind", NULL };
    for (const char *const *k = reserved; *k; k++)
        if (json_object_get(root, *k))
            mb_problems_add(p, *k, "unknown field%s",
                            strcmp(*k, "kind") == 0 ? " (the market's field is \"type\")"
                                                    : " (the market assigns ids)");
    if (listing && json_object_get(root, "name"))
        mb_problems_add(p, "name", "unknown field (a listing has a \"title\")");
    if (!listing && json_object_get(root, "title"))
        mb_problems_add(p, "title", "unknown field (a facility has a \"name\")");
    json_t *pr = listing ? json_object_get(root, "price_nok_per_t") : NULL;
    if (pr) {
        double lo = type == MB_TYPE_SUPPLY ? -PRICE_MAX : 0;
        double x = json_number_value(pr);
        if (!json_is_number(pr))
            mb_problems_add(p, "price_nok_per_t", "must be a number (NOK per tonne)");
        else if (!isfinite(x) || x < lo || x > PRICE_MAX)
            mb_problems_add(p, "price_nok_per_t", "must be between %g and %g NOK per "
                            "tonne (got %g)%s", lo, PRICE_MAX, x,
                            type == MB_TYPE_NEED && x < 0 ? "; only a supply may have a "
                            "negative price" : "");
    }
    /* Natural masses: the background values of the municipality the
     * masses come from apply to the lab results (§ 2-3 a). */
    json_t *natv = json_object_get(root, "natural");
    const struct mb_background *bg = NULL;
    bool natural = false;
    if (natv && type >= 0 && type != MB_TYPE_SUPPLY) {
        mb_problems_add(p, "natural", "unknown field (only a supply's masses can be natural)");
    } else if (natv && !json_is_boolean(natv)) {
        mb_problems_add(p, "natural", "must be true or false");
    } else if (json_is_true(natv)) {
        natural = true;
        const char *mun = json_string_value(json_object_get(root, "municipality"));
        char at[5] = "";
        if (!mun && position_municipality(root, at))
            mun = at;
        if (!mun)
            mb_problems_add(p, "natural", "needs \"municipality\" or a position in "
                            "Norway (lat/lon): the natural background values are those of "
                            "the place the masses come from");
        else
            bg = mb_background_find(&m->background, mun);
    }
    json_t *labv = json_object_get(root, "lab");
    json_t *samplesv = json_object_get(root, "samples");
    json_t *areav = json_object_get(root, "sampled_area_m2");
    bool lab_ok = false;
    if (labv && type >= 0 && type != MB_TYPE_SUPPLY)
        mb_problems_add(p, "lab", "unknown field (only a supply carries lab results)");
    else if (samplesv && type >= 0 && type != MB_TYPE_SUPPLY)
        mb_problems_add(p, "samples", "unknown field (only a supply carries lab results)");
    else if (labv && samplesv)
        mb_problems_add(p, "samples", "give one sample as \"lab\" or a set as \"samples\", "
                        "not both");
    else if (labv && type == MB_TYPE_SUPPLY)
        lab_ok = parse_lab(m, p, labv, bg, &lab);
    else if (samplesv && type == MB_TYPE_SUPPLY)
        lab_ok = parse_samples(m, p, samplesv, bg, &lab);
    if (samplesv && !labv)
        labv = samplesv; /* the class comes from the set as from one sample */
    double area = NAN;
    if (areav && !json_object_get(root, "samples")) {
        mb_problems_add(p, "sampled_area_m2", "is read with \"samples\" only: the area the "
                        "sample set covers");
    } else if (areav) {
        area = json_number_value(areav);
        if (!json_is_number(areav) || !isfinite(area) || area < 1 || area > 1e8) {
            mb_problems_add(p, "sampled_area_m2", "must be the sampled area in m2, from 1 to "
                            "100000000");
            area = NAN;
        }
    }
    lab.area_m2 = area;
    if (natural && !labv && type == MB_TYPE_SUPPLY)
        mb_problems_add(p, "natural", "is read with \"lab\" results only: the background "
                        "values change how lab results are classed");
    /* A receiver's own limits on top of its template. */
    bool receiver = type == MB_TYPE_NEED || type == MB_TYPE_LANDFILL ||
                    type == MB_TYPE_STORAGE || type == MB_TYPE_PLANT;
    static const char *const receiver_only[] = { "limits", "leaching_limits", "acceptance",
                                                  "accepts_class_range", NULL };
    for (const char *const *k = receiver_only; *k; k++)
        if (json_object_get(root, *k) && type >= 0 && !receiver)
            mb_problems_add(p, *k, "unknown field (limit values belong to receivers: a need, "
                            "landfill, storage or plant%s)", type == MB_TYPE_SUPPLY ?
                            "; a supply gives \"lab\" results" : "");
    json_t *limv = json_object_get(root, "limits");
    if (limv && receiver)
        limits = parse_limits(m, p, limv, "limits", false);
    json_t *leachv = json_object_get(root, "leaching_limits");
    if (leachv && receiver)
        leach_limits = parse_limits(m, p, leachv, "leaching_limits", true);
    json_t *accv = json_object_get(root, "acceptance");
    const char *acc = json_string_value(accv);
    if (accv && receiver && (!acc || !mb_accept_find(&m->accept, acc)))
        mb_problems_add(p, "acceptance", "must be a landfill acceptance template: inert, "
                        "ordinary or hazardous (avfallsforskriften vedlegg II)");
    json_t *rangev = json_object_get(root, "accepts_class_range");
    if (rangev && receiver && !json_is_boolean(rangev))
        mb_problems_add(p, "accepts_class_range", "must be true or false");
    json_t *cv = json_object_get(root, "class");
    if (lab_ok && lab.classified && type == MB_TYPE_SUPPLY && json_is_number(cv) &&
        json_number_value(cv) != lab.cls.cls) {
        const struct mb_substance_result *d = &lab.cls.results[lab.cls.decider];
        if (lab.cls.cls_max > lab.cls.cls_min) {
            const struct mb_substance_result *o = &lab.cls.results[lab.cls.open_decider];
            mb_problems_add(p, "class", "the lab results give class %d-%d, counted as %d "
                            "(%s not detected below %g mg/kg, which lies in class %d), not "
                            "%g", lab.cls.cls_min, lab.cls.cls_max, lab.cls.cls,
                            o->substance->code, o->value, o->cls_max, json_number_value(cv));
        } else if (lab.cls.cls == 1) {
            mb_problems_add(p, "class", "the lab results give class 1 (every substance "
                            "at or below its normverdi%s), not %g",
                            lab.cls.nbackground ? " or natural background" : "",
                            json_number_value(cv));
        } else {
            mb_problems_add(p, "class", "the lab results give class %d (%s %g mg/kg is "
                            "above %g mg/kg), not %g", lab.cls.cls, d->substance->code,
                            d->value, d->lower, json_number_value(cv));
        }
    }
    if (lab_ok && !lab.classified && type == MB_TYPE_SUPPLY && !cv)
        mb_problems_add(p, "class", "is required: the lab results are leaching results and "
                        "parameters only, which give no condition class");
    if (type < 0)
        goto out;

    /* A facility in the market keeps one capacity per period; yearly
     * capacities belong to planning scenarios for now. Refused, not
     * dropped. */
    if (json_object_get(root, "capacity_by_year"))
        mb_problems_add(p, "capacity_by_year", "is read in planning scenarios only; a "
                        "facility in the market gives capacity_per_year");
    if (json_object_get(root, "approximate"))
        mb_problems_add(p, "approximate", "is read in planning scenarios only; in the "
                        "market a position is as given");
    /* the site fields, through the scenario reader */
    site = json_copy(root);
    for (const char *const *k = mb_market_only_fields; *k; k++)
        json_object_del(site, *k);
    if (listing) {
        json_object_del(site, "price_nok_per_t");
        json_object_del(site, "name");
        json_t *t = json_object_get(root, "title");
        if (json_is_string(t))
            json_object_set(site, "name", t);
    }
    /* The lab's class stands in for a missing "class". When the lab
     * results themselves are wrong, their problem is reported already and
     * a stand-in keeps "class: is required" from adding a false one. */
    if (labv && type == MB_TYPE_SUPPLY && !json_object_get(site, "class"))
        json_object_set_new(site, "class",
                            json_integer(lab_ok && lab.classified ? lab.cls.cls : 1));
    json_object_set_new(site, "id", json_string("x"));
    json_object_set_new(site, "kind", json_string(kind_of_type[type]));
    json_t *scen = json_pack("{s:s, s:{s:s, s:s}, s:[O]}", "format", MB_SCENARIO_FORMAT,
                             "horizon", "from", "2000-01", "to", "2049-12", "sites", site);
    scen_text = mb_xjson_dumps(scen, JSON_COMPACT | JSON_REAL_PRECISION(17));
    json_decref(scen);
    struct mb_problems sp;
    if (mb_scenario_parse(&s, scen_text, strlen(scen_text), &sp)) {
        for (size_t i = 0; i < sp.n; i++) {
            char path[160];
            map_path(path, sizeof path, sp.items[i].path, listing);
            mb_problems_add(p, path, "%s", sp.items[i].message);
        }
    } else {
        have_scenario = true;
    }
    mb_problems_release(&sp);
    /* Listings need a window; the reader requires one for sources and
     * needs already (scenario.c, get_window(..., true, true)), so nothing
     * is added here. */
    if (!p->n && natural) {
        int mat = s.sites[0].material;
        if (mat >= 0 && s.catalog.items[mat].approval[0])
            mb_problems_add(p, "natural", "acid-forming rock never counts as natural "
                            "background (forurensningsforskriften § 2-3 a)");
    }
    char property[32] = "";
    if (!p->n)
        check_property(root, &s.sites[0], property, p);
    if (p->n)
        goto out;

    doc = normalise(m, root, (enum mb_site_type)type, &s.sites[0], &lab, limits,
                    leach_limits);
    if (property[0])
        json_object_set_new(doc, "property", json_string(property));
    fill_rec(m, (enum mb_site_type)type, root, &s, &lab, limits, leach_limits, doc, rec);
out:
    if (have_scenario)
        mb_scenario_release(&s);
    free(scen_text);
    json_decref(doc);
    json_decref(site);
    json_decref(limits);
    json_decref(leach_limits);
    lab_release(&lab);
    json_decref(root);
    return p->n ? MB_EINVAL : 0;
}
