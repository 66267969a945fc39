/*
 * labreport.c - reading lab reports into sample sets (see labreport.h).
 */
#include "exchange/labreport.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/text.h"
#include "domain/geo.h"
#include "domain/quality_json.h"

enum role {
    R_NONE, R_ID, R_CLIENT_ID, R_PARAM, R_RESULT, R_UNIT, R_METHOD, R_DEPTH, R_FROM, R_TO, R_LAT, R_LON,
    R_NORTH, R_EAST, R_EPSG, R_IGNORE, R_RESULT_COLUMN
};

/* Lower-case ASCII letters and digits and any non-ASCII byte (ø), the rest
 * dropped: "Prøve nr." -> "prøvenr". */
static void fold(const char *s, char *out, size_t n)
{
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && k + 2 < n; p++) {
        if (isalnum(*p)) {
            out[k++] = (char)tolower(*p);
        } else if (p[0] == 0xC3 && (p[1] == 0x86 || p[1] == 0x98 || p[1] == 0x85)) {
            out[k++] = (char)p[0]; /* Æ Ø Å as æ ø å */
            out[k++] = (char)(p[1] + 0x20);
            p++;
        } else if (*p >= 0x80) {
            out[k++] = (char)*p;
        }
    }
    out[k] = '\0';
}

static bool in(const char *key, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(key, *list) == 0)
            return true;
    return false;
}

static enum role role_of(const char *header)
{
    static const char *const ids[] = { "sample", "sampleid", "samplename", "prøve", "prove",
        "prøvenr", "prøvenummer", "prøvenavn", "prøvepunkt", "prøveid", "id", "labnr",
        "labnummer", NULL };
    static const char *const client_ids[] = { "prøvemerking", "kundensprøvemerking",
        "kundeprøvemerking", "clientsampleid", "prøvemerkingkunde", NULL };
    static const char *const params[] = { "parameter", "analyse", "analysevariabel",
        "komponent", "analysis", "analytt", NULL };
    static const char *const results[] = { "resultat", "verdi", "result", "value",
        "måleverdi", NULL };
    static const char *const units[] = { "enhet", "unit", "enheter", NULL };
    static const char *const methods[] = { "metode", "method", "analysemetode", NULL };
    static const char *const depth[] = { "dybde", "depth", "dybdem", "depthm",
        "dybdeintervall", NULL };
    static const char *const from[] = { "dybdefra", "fradybde", "depthfrom", "dybdefram",
        "fram", "fra", "topp", "toppm", NULL };
    static const char *const to[] = { "dybdetil", "tildybde", "depthto", "dybdetilm",
        "tilm", "til", "bunn", "bunnm", NULL };
    static const char *const lat[] = { "lat", "latitude", "breddegrad", NULL };
    static const char *const lon[] = { "lon", "longitude", "lengdegrad", NULL };
    static const char *const north[] = { "nord", "northing", "n", "y", "nordm", NULL };
    static const char *const east[] = { "øst", "ost", "easting", "e", "x", "østm", NULL };
    static const char *const epsg[] = { "epsg", "koordinatsystem", "crs", "srid", NULL };
    static const char *const skip[] = { "merknad", "kommentar", "note", "comment",
        "analysedato", "dato", "date", "lab", "laboratorium", "mu", "måleusikkerhet", "loq",
        "rapportgrense", "prøvetype", "matriks", "sted", "location", "prøvetakingsdato",
        "prøvetaker", "ordrenr", "rapportnr", "akkreditert", NULL };
    char k[96];
    fold(header, k, sizeof k);
    return in(k, client_ids) ? R_CLIENT_ID : in(k, ids) ? R_ID : in(k, params) ? R_PARAM : in(k, results) ? R_RESULT
         : in(k, units) ? R_UNIT : in(k, methods) ? R_METHOD : in(k, depth) ? R_DEPTH
         : in(k, from) ? R_FROM : in(k, to) ? R_TO : in(k, lat) ? R_LAT : in(k, lon) ? R_LON
         : in(k, north) ? R_NORTH : in(k, east) ? R_EAST : in(k, epsg) ? R_EPSG
         : in(k, skip) ? R_IGNORE : R_NONE;
}

/* Parameters labs report that are no result to classify. */
static bool is_skipped_parameter(const char *name)
{
    char k[96];
    fold(name, k, sizeof k);
    return strncmp(k, "tørrstoff", strlen("tørrstoff")) == 0 || strcmp(k, "ts") == 0 ||
           strcmp(k, "tsprosent") == 0 || strncmp(k, "vanninnhold", 11) == 0 ||
           strncmp(k, "drymatter", 9) == 0 || strncmp(k, "kornfordeling", 13) == 0;
}

struct ctx {
    const struct mb_class_table *t;
    const struct mb_xchg_sheet *s;
    const char *name;
    struct mb_error *err;
    struct mb_geo *geo;
    int col[R_RESULT_COLUMN];
    struct mb_lab_report *out;
};

/* The error location: "lab.csv line 7, Pb". */
static int fail_at(struct ctx *c, size_t row, const char *column, int code, const char *fmt,
                   ...) __attribute__((format(printf, 5, 6)));

static int fail_at(struct ctx *c, size_t row, const char *column, int code, const char *fmt,
                   ...)
{
    char msg[sizeof c->err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char where[96], q[44];
    snprintf(where, sizeof where, "%s %s %zu%s%s", c->name, c->s->xlsx ? "row" : "line", row,
             column ? ", " : "", column ? mb_text_clip(q, sizeof q, column) : "");
    return mb_error_set(c->err, code, where, "%s", msg);
}

/* Keep a result that is not judged, each name once. */
static void skip(struct mb_lab_report *r, const char *name)
{
    for (size_t i = 0; i < r->nskipped; i++)
        if (strcmp(r->skipped[i], name) == 0)
            return;
    if (r->nskipped == 200)
        return;
    r->skipped = mb_xrealloc(r->skipped, (r->nskipped + 1) * sizeof *r->skipped);
    r->skipped[r->nskipped++] = mb_xstrdup(name);
}

/* The L/S ratio a method, unit or name text states: 10, 2 (or another
 * ratio, not judged), or 0 when it names none. NS-EN 12457-2 and -4 are
 * one-stage L/S = 10; -1 is L/S = 2; -3 has both steps and must say which. */
static int ls_ratio(const char *text)
{
    char k[160];
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p && n + 1 < sizeof k; p++)
        if (isalnum(*p) || *p == '-' || *p == '/' || *p == '=' || *p == ',' || *p == '.')
            k[n++] = (char)tolower(*p);
    k[n] = '\0';
    if (strstr(k, "l/s=10") || strstr(k, "l/s10") || strstr(k, "ls=10") || strstr(k, "ls10"))
        return 10;
    if (strstr(k, "l/s=2") || strstr(k, "l/s2") || strstr(k, "ls=2") || strstr(k, "ls2") ||
        strstr(k, "l/s=8") || strstr(k, "l/s=0,1") || strstr(k, "l/s=0.1") ||
        strstr(k, "12457-1") || strstr(k, "12457-3"))
        return 2;
    if (strstr(k, "12457-2") || strstr(k, "12457-4") || strstr(k, "ristetest") ||
        strstr(k, "utlekking"))
        return 10;
    return 0;
}

/* A unit cell as labs write it, "mg/kg TS" or "mg/kg (L/S=10)", into
 * unit without the leaching mark; true when it marks L/S = 10. */
static bool unit_cell(const char *text, char *unit, size_t n)
{
    bool leach = ls_ratio(text) == 10;
    mb_text_copy(unit, n, text);
    char *paren = strchr(unit, '(');
    if (paren && leach)
        *paren = '\0';
    size_t ul = strlen(unit);
    while (ul && unit[ul - 1] == ' ')
        unit[--ul] = '\0';
    return leach;
}

static const char *cell(const struct mb_xchg_srow *r, int col)
{
    return col >= 0 ? r->cells[col].text : "";
}

static struct mb_lab_sample *sample_for(struct ctx *c, const char *id, size_t row, int *rc)
{
    for (size_t i = 0; i < c->out->n; i++)
        if (strcmp(c->out->samples[i].id, id) == 0)
            return &c->out->samples[i];
    if (!*id) {
        *rc = fail_at(c, row, c->s->header[c->col[R_ID]], MB_EINVAL, "the sample id is empty");
        return NULL;
    }
    if (c->out->n == MB_LABREP_MAX_SAMPLES) {
        *rc = fail_at(c, row, NULL, MB_EINVAL, "more than %d samples in one report",
                      MB_LABREP_MAX_SAMPLES);
        return NULL;
    }
    c->out->samples = mb_xrealloc(c->out->samples, (c->out->n + 1) * sizeof *c->out->samples);
    struct mb_lab_sample *x = &c->out->samples[c->out->n++];
    memset(x, 0, sizeof *x);
    /* the same rule as a listing's sample ids (market/site_parse.c) */
    if (mb_utf8_chars(id) > 63 || !mb_text_copy(x->id, sizeof x->id, id) ||
        mb_text_has_control(id, strlen(id), false)) {
        c->out->n--;
        *rc = fail_at(c, row, c->s->header[c->col[R_ID]], MB_EINVAL, "the sample id must be "
                      "1 to 63 characters without control characters (line breaks)");
        return NULL;
    }
    x->depth_from = x->depth_to = NAN;
    x->m = mb_xcalloc(MB_LABREP_MAX_RESULTS, sizeof *x->m);
    return x;
}

/* "0-1", "0,5–1,0 m", "1,5": the interval in metres. */
static int parse_depth(struct ctx *c, size_t row, const char *col, const char *text,
                       double *from, double *to)
{
    char buf[64];
    if (!mb_text_copy(buf, sizeof buf, text))
        return fail_at(c, row, col, MB_EINVAL, "'%.40s' is not a depth in metres", text);
    size_t n = strlen(buf);
    while (n && (buf[n - 1] == ' ' || buf[n - 1] == 'm'))
        buf[--n] = '\0';
    char *dash = strstr(buf, "\xE2\x80\x93"); /* en dash */
    size_t dl = 3;
    if (!dash) {
        dash = strchr(buf + (buf[0] == '-' ? 1 : 0), '-');
        dl = 1;
    }
    struct mb_error e;
    if (dash) {
        *dash = '\0';
        if (mb_parse_number(buf, from, col, &e) || mb_parse_number(dash + dl, to, col, &e))
            return fail_at(c, row, col, MB_EINVAL, "'%.40s' is not a depth interval in "
                           "metres such as 0-1 or 0,5-1,0", text);
    } else {
        if (mb_parse_number(buf, from, col, &e))
            return fail_at(c, row, col, MB_EINVAL, "'%.40s' is not a depth in metres", text);
        *to = *from;
    }
    return 0;
}

static int check_depth(struct ctx *c, size_t row, const char *col, double from, double to)
{
    if (!(from >= 0) || !(to >= 0))
        return fail_at(c, row, col, MB_EINVAL, "a depth is metres below the terrain, not "
                       "negative (got %g-%g)", from, to);
    if (from > to)
        return fail_at(c, row, col, MB_EINVAL, "the sample's top %g m is below its bottom "
                       "%g m", from, to);
    if (to > 200)
        return fail_at(c, row, col, MB_EINVAL, "%g m is deeper than any excavation "
                       "(at most 200 m)", to);
    return 0;
}

/* Depth and position of a row, set on the sample (a second, different
 * one is an error). */
static int row_place(struct ctx *c, const struct mb_xchg_srow *r, struct mb_lab_sample *x)
{
    const char *const *h = (const char *const *)c->s->header;
    double from = NAN, to = NAN;
    int rc = 0;
    if (c->col[R_DEPTH] >= 0 && *cell(r, c->col[R_DEPTH])) {
        rc = parse_depth(c, r->row, h[c->col[R_DEPTH]], cell(r, c->col[R_DEPTH]), &from, &to);
    } else if (c->col[R_FROM] >= 0 || c->col[R_TO] >= 0) {
        const char *f = cell(r, c->col[R_FROM]), *t = cell(r, c->col[R_TO]);
        struct mb_error e;
        if (*f && mb_parse_number(f, &from, "", &e))
            return fail_at(c, r->row, h[c->col[R_FROM]], MB_EINVAL, "'%.40s' is not a depth "
                           "in metres", f);
        if (*t && mb_parse_number(t, &to, "", &e))
            return fail_at(c, r->row, h[c->col[R_TO]], MB_EINVAL, "'%.40s' is not a depth in "
                           "metres", t);
        if (*f && !*t)
            to = from;
        if (*t && !*f)
            return fail_at(c, r->row, h[c->col[R_FROM] >= 0 ? c->col[R_FROM] : c->col[R_TO]],
                           MB_EINVAL, "the top of the sample is missing (give \"Dybde fra\" "
                           "with \"Dybde til\")");
    }
    if (rc)
        return rc;
    if (!isnan(from)) {
        const char *col = c->col[R_DEPTH] >= 0 ? h[c->col[R_DEPTH]]
                        : (c->col[R_FROM] >= 0 && !(from >= 0)) || c->col[R_TO] < 0
                            ? h[c->col[R_FROM]]
                            : h[c->col[R_TO]];
        if ((rc = check_depth(c, r->row, col, from, to)))
            return rc;
        if (!isnan(x->depth_from) && (x->depth_from != from || x->depth_to != to))
            return fail_at(c, r->row, col, MB_EINVAL, "sample %s has two depths (%g-%g m "
                           "and %g-%g m)", x->id, x->depth_from, x->depth_to, from, to);
        x->depth_from = from;
        x->depth_to = to;
    }
    struct mb_point p = { 0, 0 };
    bool have = false;
    struct mb_error e;
    if (c->col[R_LAT] >= 0 && *cell(r, c->col[R_LAT])) {
        if (mb_parse_number(cell(r, c->col[R_LAT]), &p.lat, "", &e) ||
            mb_parse_number(cell(r, c->col[R_LON]), &p.lon, "", &e))
            return fail_at(c, r->row, h[c->col[R_LAT]], MB_EINVAL, "latitude and longitude "
                           "must be numbers (WGS84 degrees)");
        have = true;
    } else if (c->col[R_NORTH] >= 0 && *cell(r, c->col[R_NORTH])) {
        double nn, ee;
        int epsg = 0;
        if (c->col[R_EPSG] < 0 || !*cell(r, c->col[R_EPSG]))
            return fail_at(c, r->row, h[c->col[R_NORTH]], MB_EINVAL, "UTM coordinates need "
                           "their EPSG code (25832, 25833 or 25835) in a column 'EPSG'");
        if (mb_geo_parse_epsg(cell(r, c->col[R_EPSG]), &epsg, "EPSG", &e))
            return fail_at(c, r->row, h[c->col[R_EPSG]], MB_EINVAL, "%s", e.message);
        if (mb_parse_number(cell(r, c->col[R_NORTH]), &nn, "", &e) ||
            mb_parse_number(cell(r, c->col[R_EAST]), &ee, "", &e))
            return fail_at(c, r->row, h[c->col[R_NORTH]], MB_EINVAL, "northing and easting "
                           "must be numbers in metres");
        if (!c->geo && mb_geo_new(&c->geo, &e))
            return mb_error_set(c->err, e.code, e.field, "%s", e.message);
        if (mb_geo_to_wgs84(c->geo, epsg, ee, nn, &p, &e))
            return fail_at(c, r->row, h[c->col[R_NORTH]], MB_EINVAL, "%s", e.message);
        have = true;
    }
    if (have) {
        if (mb_geo_check_norway(p, "", &e))
            return fail_at(c, r->row, h[c->col[R_LAT] >= 0 ? c->col[R_LAT] : c->col[R_NORTH]],
                           MB_EINVAL, "%s", e.message);
        if (x->has_pos && (fabs(x->lat - p.lat) > 1e-9 || fabs(x->lon - p.lon) > 1e-9))
            return fail_at(c, r->row, NULL, MB_EINVAL, "sample %s has two positions", x->id);
        x->has_pos = true;
        x->lat = p.lat;
        x->lon = p.lon;
    }
    return 0;
}

static int add_result(struct ctx *c, size_t row, const char *col, struct mb_lab_sample *x,
                      const struct mb_substance *sub, const char *value, const char *unit,
                      bool leached)
{
    for (size_t i = 0; i < x->n; i++)
        if (x->m[i].substance == sub && x->m[i].leached == leached)
            return fail_at(c, row, col, MB_EINVAL, "sample %s has %s%s twice", x->id,
                           sub->code, leached ? " (leached)" : "");
    if (x->n == MB_LABREP_MAX_RESULTS)
        return fail_at(c, row, col, MB_EINVAL, "more than %d results for sample %s",
                       MB_LABREP_MAX_RESULTS, x->id);
    struct mb_error e;
    if (mb_measurement_parse_as(c->t, sub->code, value, unit, leached, &x->m[x->n], &e))
        return fail_at(c, row, col, MB_EINVAL, "%s", e.message);
    x->n++;
    return 0;
}

static int read_long(struct ctx *c)
{
    const struct mb_xchg_sheet *s = c->s;
    for (size_t i = 0; i < s->nrows; i++) {
        const struct mb_xchg_srow *r = &s->rows[i];
        int rc = 0;
        struct mb_lab_sample *x = sample_for(c, cell(r, c->col[R_ID]), r->row, &rc);
        if (!x)
            return rc;
        if ((rc = row_place(c, r, x)))
            return rc;
        const char *pname = cell(r, c->col[R_PARAM]);
        const char *pcol = s->header[c->col[R_PARAM]];
        if (!*pname)
            return fail_at(c, r->row, pcol, MB_EINVAL, "the parameter is empty");
        if (is_skipped_parameter(pname))
            continue;
        const struct mb_substance *sub;
        bool leached;
        char unit[48];
        struct mb_error e;
        const char *ucell = cell(r, c->col[R_UNIT]);
        const char *mcell = c->col[R_METHOD] >= 0 ? cell(r, c->col[R_METHOD]) : "";
        int ratio = ls_ratio(pname);
        if (!ratio)
            ratio = ls_ratio(ucell);
        if (!ratio)
            ratio = ls_ratio(mcell);
        if (ratio && ratio != 10) {
            char what[160];
            snprintf(what, sizeof what, "%.100s (L/S = 2 or another step than L/S = 10)",
                     pname);
            skip(c->out, what);
            continue;
        }
        rc = mb_result_name_parse(c->t, pname, pcol, &sub, &leached, unit, sizeof unit, &e);
        if (rc == MB_ENOTFOUND) {
            skip(c->out, pname); /* a congener, a sub-fraction: not judged, and said */
            continue;
        }
        if (rc)
            return fail_at(c, r->row, pcol, rc, "%s", e.message);
        if (ratio == 10)
            leached = true;
        if (*ucell)
            unit_cell(ucell, unit, sizeof unit);
        double f;
        if (mb_unit_scale(sub, unit, "", &f, &e))
            return fail_at(c, r->row, c->col[R_UNIT] >= 0 ? s->header[c->col[R_UNIT]] : pcol,
                           MB_EINVAL, "%s", e.message);
        rc = add_result(c, r->row, s->header[c->col[R_RESULT]], x, sub,
                        cell(r, c->col[R_RESULT]), unit, leached);
        if (rc)
            return rc;
    }
    return 0;
}

struct wcol {
    const struct mb_substance *s;
    bool leached;
    char unit[48];
};

static int read_wide(struct ctx *c)
{
    const struct mb_xchg_sheet *s = c->s;
    struct wcol *w = mb_xcalloc(s->ncols, sizeof *w);
    int rc = 0;
    for (size_t k = 0; k < s->ncols && !rc; k++) {
        if (role_of(s->header[k]) != R_NONE || is_skipped_parameter(s->header[k]))
            continue;
        int ratio = ls_ratio(s->header[k]);
        if (ratio && ratio != 10) {
            skip(c->out, s->header[k]);
            continue;
        }
        struct mb_error e;
        rc = mb_result_name_parse(c->t, s->header[k], s->header[k], &w[k].s, &w[k].leached,
                                  w[k].unit, sizeof w[k].unit, &e);
        if (rc == MB_ENOTFOUND) {
            skip(c->out, s->header[k]);
            w[k].s = NULL;
            rc = 0;
            continue;
        }
        if (rc)
            rc = fail_at(c, s->header_row, s->header[k], rc, "%s", e.message);
        for (size_t j = 0; j < k && !rc; j++)
            if (w[j].s && w[j].s == w[k].s && w[j].leached == w[k].leached)
                rc = fail_at(c, s->header_row, s->header[k], MB_EINVAL, "columns '%.40s' and "
                             "'%.40s' are the same result", s->header[j], s->header[k]);
    }
    size_t first = 0;
    /* A units row under the header: no id (or "Enhet"), every result cell
     * a unit of its column. */
    if (!rc && s->nrows) {
        const struct mb_xchg_srow *r = &s->rows[0];
        char idk[32];
        fold(cell(r, c->col[R_ID]), idk, sizeof idk);
        if (!idk[0] || strcmp(idk, "enhet") == 0 || strcmp(idk, "unit") == 0) {
            bool units = true, any = false;
            for (size_t k = 0; k < s->ncols && units; k++) {
                if (!w[k].s || !*cell(r, (int)k))
                    continue;
                struct mb_error e;
                double f;
                char u[48];
                unit_cell(cell(r, (int)k), u, sizeof u);
                units = mb_unit_scale(w[k].s, u, "", &f, &e) == 0 ||
                        strstr(e.message, "eluate") != NULL;
                any = true;
            }
            if (units && any) {
                for (size_t k = 0; k < s->ncols && !rc; k++) {
                    if (!w[k].s || !*cell(r, (int)k))
                        continue;
                    char u[48];
                    if (unit_cell(cell(r, (int)k), u, sizeof u))
                        w[k].leached = true;
                    struct mb_error e;
                    double f;
                    if (mb_unit_scale(w[k].s, u, "", &f, &e))
                        rc = fail_at(c, r->row, s->header[k], MB_EINVAL, "%s", e.message);
                    mb_text_copy(w[k].unit, sizeof w[k].unit, u);
                }
                first = 1;
            }
        }
    }
    for (size_t i = first; i < s->nrows && !rc; i++) {
        const struct mb_xchg_srow *r = &s->rows[i];
        struct mb_lab_sample *x = sample_for(c, cell(r, c->col[R_ID]), r->row, &rc);
        if (!x)
            break;
        rc = row_place(c, r, x);
        for (size_t k = 0; k < s->ncols && !rc; k++)
            if (w[k].s && *cell(r, (int)k))
                rc = add_result(c, r->row, s->header[k], x, w[k].s, cell(r, (int)k),
                                w[k].unit, w[k].leached);
    }
    free(w);
    return rc;
}

int mb_labrep_read(const struct mb_class_table *t, const struct mb_xchg_sheet *s,
                   const char *name, struct mb_lab_report *out, struct mb_error *err)
{
    memset(out, 0, sizeof *out);
    struct ctx c = { t, s, name, err, NULL, { 0 }, out };
    for (int k = 0; k < R_RESULT_COLUMN; k++)
        c.col[k] = -1;
    int rc = 0;
    for (size_t k = 0; k < s->ncols && !rc; k++) {
        enum role ro = role_of(s->header[k]);
        if (ro == R_NONE || ro == R_IGNORE)
            continue;
        if (c.col[ro] >= 0)
            rc = fail_at(&c, s->header_row, s->header[k], MB_EINVAL, "columns '%.40s' and "
                         "'%.40s' say the same; keep one", s->header[c.col[ro]], s->header[k]);
        c.col[ro] = (int)k;
    }
    /* The client's marking names the sample the client knows ("SK1"); the
     * lab's own number is then only a reference. */
    if (c.col[R_CLIENT_ID] >= 0)
        c.col[R_ID] = c.col[R_CLIENT_ID];
    if (!rc && c.col[R_ID] < 0)
        rc = fail_at(&c, s->header_row, NULL, MB_EINVAL, "no sample id column (\"Prøvenr\", "
                     "\"Prøve\", \"Sample\")");
    if (!rc && (c.col[R_LAT] >= 0) != (c.col[R_LON] >= 0))
        rc = fail_at(&c, s->header_row, NULL, MB_EINVAL, "give both latitude and longitude");
    if (!rc && (c.col[R_NORTH] >= 0) != (c.col[R_EAST] >= 0))
        rc = fail_at(&c, s->header_row, NULL, MB_EINVAL, "give both northing and easting");
    out->long_layout = c.col[R_PARAM] >= 0;
    if (!rc && out->long_layout && c.col[R_RESULT] < 0)
        rc = fail_at(&c, s->header_row, NULL, MB_EINVAL, "a report with a parameter column "
                     "needs a result column (\"Resultat\")");
    if (!rc)
        rc = out->long_layout ? read_long(&c) : read_wide(&c);
    for (size_t i = 0; i < out->n && !rc; i++)
        if (out->samples[i].n == 0)
            rc = mb_error_set(err, MB_EINVAL, name, "sample %s has no results",
                              out->samples[i].id);
    if (!rc && out->n == 0)
        rc = mb_error_set(err, MB_EINVAL, name, "the report has no samples");
    mb_geo_free(c.geo);
    if (rc)
        mb_labrep_release(out);
    return rc;
}

void mb_labrep_release(struct mb_lab_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        free(r->samples[i].m);
    free(r->samples);
    for (size_t i = 0; i < r->nskipped; i++)
        free(r->skipped[i]);
    free(r->skipped);
    memset(r, 0, sizeof *r);
}

json_t *mb_labrep_json(const struct mb_lab_report *r)
{
    json_t *out = json_array();
    for (size_t i = 0; i < r->n; i++) {
        const struct mb_lab_sample *x = &r->samples[i];
        json_t *lab = json_array();
        for (size_t k = 0; k < x->n; k++)
            json_array_append_new(lab, mb_measurement_json(&x->m[k]));
        json_t *o = json_pack("{s:s, s:o}", "id", x->id, "lab", lab);
        if (!isnan(x->depth_from)) {
            json_object_set_new(o, "depth_from_m", json_real(x->depth_from));
            json_object_set_new(o, "depth_to_m", json_real(x->depth_to));
        }
        if (x->has_pos) {
            json_object_set_new(o, "lat", json_real(x->lat));
            json_object_set_new(o, "lon", json_real(x->lon));
        }
        json_array_append_new(out, o);
    }
    return out;
}

int mb_labrep_points(const struct mb_lab_report *r)
{
    int n = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (!r->samples[i].has_pos)
            return 0;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = fabs(r->samples[j].lat - r->samples[i].lat) < 1e-7 &&
                   fabs(r->samples[j].lon - r->samples[i].lon) < 1e-7;
        n += !seen;
    }
    return n;
}
