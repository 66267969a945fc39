/*
 * store/store_filter.c - the search filters (see store_filter.h): a query
 * checked and normalised once, then one table, FILTERS, with a row per
 * filter that holds everything about it - whether a query sets it, its
 * SQL (the term when its index drives the search, and the term when
 * another does) and its in-memory test. The SQL search (store_site.c)
 * walks the table to build its WHERE clause, the read model
 * (store_model.c) to test its sites, so the two cannot drift apart; the
 * differential test (tests/store/test_model.c) compares their answers.
 *
 * Only the shape of a query (which filters are set, which types and
 * statuses) reaches the SQL text; every value is a bound parameter, so
 * the same shapes repeat and come from the connection's statement cache.
 * An area (box or radius) drives the query from an R*Tree; the terms then
 * test the R*Tree's dimensions, which hold positions as 32-bit floats
 * rounded outwards and type, status and months scaled (store_sqlite.h,
 * MB_RT_*). The in-memory tests read the same values (struct
 * mb_sf_entry), so a box edge that falls between a site's float bounds
 * decides alike in both.
 *
 * The radius stays outside the table: it is not a WHERE term; both
 * searches test it in C on each candidate's R*Tree position
 * (mb_sf_within), since the distance is also their order. Keywords are
 * FTS5 in SQL; in memory each word is tested as FTS5 matches it (a prefix
 * of one of the site's tokens, made by site_fts's own tokenizer), which
 * is exact when each word is one token (mb_sf_text_terms); other words
 * leave the query to SQL.
 */
#include "store/store_filter.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/strbuf.h"
#include "domain/geo.h"
#include "store/store_sqlite.h"

/* More words than this in a keyword search is not a person typing. */
#define SEARCH_MAX_WORDS 32

#define PUBLIC_SET (1u << MB_STATUS_PUBLISHED | 1u << MB_STATUS_RESERVED)
#define ALL_STATUSES ((1u << MB_STATUS_COUNT) - 1)
#define ALL_TYPES ((1u << MB_TYPE_COUNT) - 1)
#define BIT(id) (1u << (id))

/* ---- SQLite's R*Tree rounding (rtree.c, rtreeValueDown/Up) -------------- */

#define RNDTOWARDS (1.0 - 1.0 / 8388608.0)
#define RNDAWAY (1.0 + 1.0 / 8388608.0)

static float rt_down(double d)
{
    float f = (float)d;
    if (f > d)
        f = (float)(d * (d < 0 ? RNDAWAY : RNDTOWARDS));
    return f;
}

static float rt_up(double d)
{
    float f = (float)d;
    if (f < d)
        f = (float)(d * (d < 0 ? RNDTOWARDS : RNDAWAY));
    return f;
}

static int32_t clamp_month(int64_t m)
{
    return (int32_t)(m < 0 ? 0 : m > MB_RT_T_MAX ? MB_RT_T_MAX : m);
}

/* The bit of a word's first bytes (at most WORD_PREFIX) in an entry's
 * `words` (FNV-1a). */
#define WORD_PREFIX 3

static uint64_t word_bit(const char *w, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len && i < WORD_PREFIX; i++)
        h = (h ^ (unsigned char)w[i]) * 16777619u;
    return 1ull << (h >> 26);
}

/* Every prefix of every token, up to WORD_PREFIX bytes: a term's bit is
 * then set in the entry of every site with a token it is a prefix of. */
static uint64_t token_bits(const char *tokens, size_t n)
{
    uint64_t bits = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(tokens);
        for (size_t k = 1; k <= len && k <= WORD_PREFIX; k++)
            bits |= word_bit(tokens, k);
        tokens += len + 1;
    }
    return bits;
}

void mb_sf_entry_init(struct mb_sf_site *s)
{
    s->e = (struct mb_sf_entry){
        .words = token_bits(s->tokens, s->ntokens),
        .id = s->rec.id,
        .lat_lo = rt_down(s->rec.lat), .lat_hi = rt_up(s->rec.lat),
        .lon_lo = rt_down(s->rec.lon), .lon_hi = rt_up(s->rec.lon),
        .t_lo = clamp_month(s->rec.from_m), .t_hi = clamp_month(s->rec.to_m),
        .type = (uint8_t)s->rec.type, .status = (uint8_t)s->rec.status, .s = s,
    };
}

/* ---- the query, checked and normalised ----------------------------------- */

static bool lat_ok(double v)
{
    return v >= -90 && v <= 90;
}

static bool lon_ok(double v)
{
    return v >= -180 && v <= 180;
}

/* A box around a circle of radius_km that contains the whole circle
 * (with 1% to spare for rounding), for the R*Tree. Near a pole or across
 * the antimeridian the longitude range becomes the whole world, which is
 * still correct: the exact distance test follows. */
static void radius_box(double lat, double lon, double radius_km, double box[4])
{
    const double deg = 180.0 / 3.14159265358979323846;
    double dlat = radius_km / MB_EARTH_RADIUS_KM * deg * 1.01;
    double lo = lat - dlat, hi = lat + dlat;
    box[0] = lo < -90 ? -90 : lo;
    box[2] = hi > 90 ? 90 : hi;
    double far = fabs(lo) > fabs(hi) ? fabs(lo) : fabs(hi);
    double dlon = far < 89.0 ? dlat / cos(far / deg) : 360;
    if (dlon >= 180 || lon - dlon < -180 || lon + dlon > 180) {
        box[1] = -180;
        box[3] = 180;
    } else {
        box[1] = lon - dlon;
        box[3] = lon + dlon;
    }
}

/* The search's area as a box (min_lat, min_lon, max_lat, max_lon): the
 * query's box and the box around its radius, intersected; *empty when
 * they do not meet. */
static int query_box(const struct mb_site_query *q, double box[4], bool *empty,
                     struct mb_error *err)
{
    *empty = false;
    box[0] = -90;
    box[1] = -180;
    box[2] = 90;
    box[3] = 180;
    if (q->has_box) {
        if (!lat_ok(q->min_lat) || !lat_ok(q->max_lat) || q->min_lat > q->max_lat)
            return mb_error_set(err, MB_EINVAL, "box", "latitudes must be -90 to 90, "
                                "south before north");
        if (!lon_ok(q->min_lon) || !lon_ok(q->max_lon) || q->min_lon > q->max_lon)
            return mb_error_set(err, MB_EINVAL, "box", "longitudes must be -180 to 180, "
                                "west before east");
        box[0] = q->min_lat;
        box[1] = q->min_lon;
        box[2] = q->max_lat;
        box[3] = q->max_lon;
    }
    if (q->has_radius) {
        if (!lat_ok(q->lat) || !lon_ok(q->lon))
            return mb_error_set(err, MB_EINVAL, "radius", "the centre is not a WGS84 position");
        if (!(q->radius_km > 0) || !isfinite(q->radius_km))
            return mb_error_set(err, MB_EINVAL, "radius", "must be a positive distance in km");
        double rb[4];
        radius_box(q->lat, q->lon, q->radius_km, rb);
        box[0] = fmax(box[0], rb[0]);
        box[1] = fmax(box[1], rb[1]);
        box[2] = fmin(box[2], rb[2]);
        box[3] = fmin(box[3], rb[3]);
        if (box[0] > box[2] || box[1] > box[3])
            *empty = true;
    }
    return 0;
}

/* Turn the user's words into an FTS5 query that cannot be a syntax error:
 * the text is split at white space and ASCII punctuation (so quotes,
 * parentheses, '*', ':' and '^' are only separators), and each remaining
 * run of letters and digits becomes a quoted string with a prefix star:
 * `Bærum (grøft*` -> `"Bærum"* "grøft"*`, all of which must match. A run
 * can contain no '"' (it is punctuation), so quoting needs no escapes.
 * Returns a new string, "" when the text holds no word, or NULL when it
 * holds too many. */
static char *fts_query(const char *text)
{
    size_t len = strlen(text);
    char *out = mb_xmalloc(len * 2 + 8);
    size_t o = 0;
    int words = 0;
    const unsigned char *p = (const unsigned char *)text;
    while (*p) {
        while (*p && *p < 0x80 && !(*p >= '0' && *p <= '9') && !(*p >= 'a' && *p <= 'z')
               && !(*p >= 'A' && *p <= 'Z'))
            p++;
        if (!*p)
            break;
        if (++words > SEARCH_MAX_WORDS) {
            free(out);
            return NULL;
        }
        if (o)
            out[o++] = ' ';
        out[o++] = '"';
        while (*p && (*p >= 0x80 || (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z')
                      || (*p >= 'A' && *p <= 'Z')))
            out[o++] = (char)*p++;
        out[o++] = '"';
        out[o++] = '*';
    }
    out[o] = '\0';
    return out;
}

/* ---- building SQL ------------------------------------------------------------ */

static void qb_add(struct mb_sf_sql *b, const char *text)
{
    size_t n = strlen(text);
    if (b->len + n >= sizeof b->where) {
        b->overflow = true;
        return;
    }
    memcpy(b->where + b->len, text, n + 1);
    b->len += n;
}

/* Start the WHERE clause or continue it with AND. */
static void qb_and(struct mb_sf_sql *b)
{
    qb_add(b, b->len ? " AND " : " WHERE ");
}

/* Register a parameter and append its placeholder "?N". */
static int qb_param(struct mb_sf_sql *b, struct mb_sf_bind v)
{
    if (b->nbinds >= MB_SF_MAX_BINDS) {
        b->overflow = true;
        return 0;
    }
    b->binds[b->nbinds++] = v;
    char ph[16];
    snprintf(ph, sizeof ph, "?%d", b->nbinds);
    qb_add(b, ph);
    return b->nbinds;
}

static int qb_int(struct mb_sf_sql *b, int64_t v)
{
    return qb_param(b, (struct mb_sf_bind){ .kind = MB_SF_BIND_INT, .i = v });
}

static int qb_double(struct mb_sf_sql *b, double v)
{
    return qb_param(b, (struct mb_sf_bind){ .kind = MB_SF_BIND_DOUBLE, .d = v });
}

static int qb_text(struct mb_sf_sql *b, const char *v)
{
    return qb_param(b, (struct mb_sf_bind){ .kind = MB_SF_BIND_TEXT, .s = v });
}

/* Append "s.col IN ('a', 'b')" for the set bits of `set`; the names are
 * the schema's fixed words, never user text. */
static void qb_in_names(struct mb_sf_sql *b, const char *col, unsigned set, int count,
                        const char *(*name)(int))
{
    qb_add(b, col);
    qb_add(b, " IN (");
    bool first = true;
    for (int i = 0; i < count; i++)
        if (set & (1u << i)) {
            qb_add(b, first ? "'" : ", '");
            qb_add(b, name(i));
            qb_add(b, "'");
            first = false;
        }
    qb_add(b, ")");
}

static const char *type_name_i(int i)
{
    return mb_site_type_name((enum mb_site_type)i);
}

static const char *status_name_i(int i)
{
    return mb_status_name((enum mb_status)i);
}

/* "r.max_<dim> >= lo AND r.min_<dim> <= hi": the entries of an R*Tree
 * whose extent in dimension <dim> meets [lo, hi]. */
static void qb_dim_range(struct mb_sf_sql *b, const char *dim, double lo, double hi)
{
    char part[48];
    snprintf(part, sizeof part, "r.max_%s >= ", dim);
    qb_add(b, part);
    qb_double(b, lo);
    snprintf(part, sizeof part, " AND r.min_%s <= ", dim);
    qb_add(b, part);
    qb_double(b, hi);
}

/* Lowest and highest set bit of a non-empty set, and whether the bits in
 * between are all set (then a range is the exact set). */
static bool contiguous(unsigned set, int *lo, int *hi)
{
    *lo = 0;
    while (!((set >> *lo) & 1u))
        ++*lo;
    *hi = 31;
    while (!((set >> *hi) & 1u))
        --*hi;
    for (int i = *lo; i <= *hi; i++)
        if (!((set >> i) & 1u))
            return false;
    return true;
}

static bool rt_drives(const struct mb_sf_sql *b)
{
    return b->driver == MB_SF_DRIVE_RTREE || b->driver == MB_SF_DRIVE_MRTREE;
}

const char *mb_sf_col(const struct mb_sf_sql *b, const char *name)
{
    static const char *const rt[][2] = {
        { "lat", "r.min_lat" }, { "lon", "r.min_lon" }, { "id", "r.id" },
    };
    if (b->a[0] == 'r' || b->a[0] == 'm') {
        /* site_mrtree's entry id is site_id * 64 + pos. */
        if (b->a[0] == 'm' && strcmp(name, "id") == 0)
            return "(r.id / 64)";
        for (size_t i = 0; i < sizeof rt / sizeof rt[0]; i++)
            if (strcmp(rt[i][0], name) == 0)
                return rt[i][1];
    }
    static const char *const sc[][2] = {
        { "lat", "s.lat" }, { "lon", "s.lon" }, { "from_m", "s.from_m" }, { "to_m", "s.to_m" },
        { "id", "s.id" }, { "status", "s.status" }, { "type", "s.type" }, { "org_id", "s.org_id" },
    };
    for (size_t i = 0; i < sizeof sc / sizeof sc[0]; i++)
        if (strcmp(sc[i][0], name) == 0)
            return sc[i][1];
    return name;
}

void mb_sf_bind_all(sqlite3_stmt *s, const struct mb_sf_sql *b)
{
    for (int i = 0; i < b->nbinds; i++) {
        const struct mb_sf_bind *v = &b->binds[i];
        switch (v->kind) {
        case MB_SF_BIND_INT: mb_st_bound(sqlite3_bind_int64(s, i + 1, v->i)); break;
        case MB_SF_BIND_DOUBLE: mb_st_bound(sqlite3_bind_double(s, i + 1, v->d)); break;
        case MB_SF_BIND_TEXT: mb_st_bind_text(s, i + 1, v->s); break;
        }
    }
}

/* ---- the filters ----------------------------------------------------------------
 *
 * Each filter: set (the query asks for it; f is normalised), drive (its
 * terms when its index drives the search, see DRIVERS), where (its terms
 * otherwise, given b->driver; NULL: none) and test (its in-memory test on
 * one entry, in an R*Tree-driven search). KEEP(name) makes name_keep, the
 * row's test over a batch (one call per filter and batch rather than per
 * entry: the model tests thousands of entries per search); NULL where a
 * filter is SQL only. on_row: the test reads the site, not only its
 * entry; such tests run last, as each may cost a cache miss. */

/* Keep, in order, those of e[0..n) that pass name_test; return how many. */
#define KEEP(name)                                                                     \
    static size_t name##_keep(const struct mb_sf *f, const struct mb_sf_entry **e,     \
                              size_t n)                                                \
    {                                                                                  \
        size_t k = 0;                                                                  \
        for (size_t i = 0; i < n; i++)                                                 \
            if (name##_test(f, e[i]))                                                  \
                e[k++] = e[i];                                                         \
        return k;                                                                      \
    }

/* The area: the box (or the box around the radius) on the R*Tree's
 * rounded bounds. An area always drives (DRIVERS), so it has no other
 * term; the radius itself is mb_sf_within's. */
static bool area_set(const struct mb_sf *f)
{
    return f->q->has_box || f->q->has_radius;
}

static void area_drive(const struct mb_sf *f, struct mb_sf_sql *b)
{
    qb_and(b);
    qb_add(b, "r.max_lat >= ");
    qb_double(b, f->box[0]);
    qb_add(b, " AND r.min_lat <= ");
    qb_double(b, f->box[2]);
    qb_add(b, " AND r.max_lon >= ");
    qb_double(b, f->box[1]);
    qb_add(b, " AND r.min_lon <= ");
    qb_double(b, f->box[3]);
}

static bool area_test(const struct mb_sf *f, const struct mb_sf_entry *e)
{
    return (double)e->lat_hi >= f->box[0] && (double)e->lat_lo <= f->box[2] &&
           (double)e->lon_hi >= f->box[1] && (double)e->lon_lo <= f->box[3];
}
KEEP(area)

/* Visibility: published and reserved sites are everybody's; drafts and
 * closed sites only their organisation's (or an admin's). The status
 * list comes first so that it can use the indexes. */
static bool status_set(const struct mb_sf *f)
{
    (void)f;
    return true;
}

static void status_where(const struct mb_sf *f, struct mb_sf_sql *b)
{
    unsigned asked = f->pub | f->priv;
    int lo, hi;
    if (rt_drives(b) && (!f->priv || f->q->all_visible) && asked && contiguous(asked, &lo, &hi)) {
        /* The R*Tree's status dimension is the exact filter. */
        qb_and(b);
        qb_dim_range(b, "st", lo * MB_RT_ST_SCALE, hi * MB_RT_ST_SCALE);
        return;
    }
    b->needs_site = true;
    qb_and(b);
    qb_in_names(b, "s.status", asked, MB_STATUS_COUNT, status_name_i);
    if (f->priv && !f->q->all_visible) {
        qb_add(b, " AND (");
        if (f->pub) {
            qb_in_names(b, "s.status", f->pub, MB_STATUS_COUNT, status_name_i);
            qb_add(b, " OR ");
        }
        qb_add(b, "s.org_id = ");
        qb_int(b, f->q->viewer_org);
        qb_add(b, ")");
    }
}

static bool status_test(const struct mb_sf *f, const struct mb_sf_entry *e)
{
    if (!((f->pub | f->priv) >> e->status & 1u))
        return false;
    /* Only a viewer's own sites in a private status (never in the model). */
    return !f->priv || f->q->all_visible || (f->pub >> e->status & 1u) ||
           e->s->rec.org_id == f->q->viewer_org;
}
KEEP(status)

static bool type_set(const struct mb_sf *f)
{
    return f->types != ALL_TYPES;
}

static void type_where(const struct mb_sf *f, struct mb_sf_sql *b)
{
    int lo, hi;
    if (b->driver == MB_SF_DRIVE_MRTREE && f->types && contiguous(f->types, &lo, &hi)) {
        /* The material's key range (material_drive) is exact. */
    } else if (b->driver == MB_SF_DRIVE_RTREE && f->types && contiguous(f->types, &lo, &hi)) {
        qb_and(b);
        qb_dim_range(b, "ty", lo * MB_RT_TY_SCALE, hi * MB_RT_TY_SCALE);
    } else {
        b->needs_site = true;
        qb_and(b);
        qb_in_names(b, "s.type", f->types, MB_TYPE_COUNT, type_name_i);
    }
}

static bool type_test(const struct mb_sf *f, const struct mb_sf_entry *e)
{
    return f->types >> e->type & 1u;
}
KEEP(type)

static bool org_set(const struct mb_sf *f)
{
    return f->q->org_id != 0;
}

static void org_where(const struct mb_sf *f, struct mb_sf_sql *b)
{
    b->needs_site = true;
    qb_and(b);
    qb_add(b, "s.org_id = ");
    qb_int(b, f->q->org_id);
}

static bool org_test(const struct mb_sf *f, const struct mb_sf_entry *e)
{
    return e->s->rec.org_id == f->q->org_id;
}
KEEP(org)

/* Material codes compare case-insensitively (NOCASE), in site_material
 * and in material_code, whose id the model's sites keep. */
static bool material_set(const struct mb_sf *f)
{
    return f->q->material && *f->q->material;
}

static void material_drive(const struct mb_sf *f, struct mb_sf_sql *b)
{
    qb_and(b);
    if (b->driver == MB_SF_DRIVE_MATERIAL) {
        qb_add(b, "m.material = ");
        qb_text(b, f->q->material);
        return;
    }
    /* site_mrtree: key = material number * 8 + type number (see
     * MIGRATION_2): the asked types' span of keys, exact when the types
     * are contiguous (else type_where reads the site row). */
    int lo = 0, hi = MB_TYPE_COUNT - 1;
    if (f->types)
        contiguous(f->types, &lo, &hi);
    qb_add(b, "r.max_k >= ");
    qb_int(b, f->material_id * 8 + lo);
    qb_add(b, " AND r.min_k <= ");
    qb_int(b, f->material_id * 8 + hi);
}

static void material_where(const struct mb_sf *f, struct mb_sf_sql *b)
{
    if (b->driver == MB_SF_DRIVE_MATERIAL || b->driver == MB_SF_DRIVE_MRTREE)
        return;
    /* A point lookup per candidate in (material, site_id): cheaper than
     * materialising every site of the material when another index
     * already narrowed the candidates. */
    qb_and(b);
    qb_add(b, "EXISTS (SELECT 1 FROM site_material mm WHERE mm.material = ");
    qb_text(b, f->q->material);
    qb_add(b, " AND mm.site_id = ");
    qb_add(b, mb_sf_col(b, "id"));
    qb_add(b, ")");
}

static bool material_test(const struct mb_sf *f, const struct mb_sf_entry *e)
{
    const struct mb_sf_site *s = e->s;
    for (size_t i = 0; i < s->nmats; i++)
        if (s->mats[i] == f->material_id)
            return true;
    return false;
}
KEEP(material)

/* max_class filters supplies only: for needs and facilities cls is the
 * highest class they take, which a class ceiling does not restrict. */
static bool class_set(const struct mb_sf *f)
{
    return f->q->max_class > 0;
}

static void class_where(const struct mb_sf *f, struct mb_sf_sql *b)
{
    qb_and(b);
    b->needs_site = true;
    qb_add(b, "(s.type <> 'supply' OR s.cls <= ");
    qb_int(b, f->q->max_class);
    qb_add(b, ")");
}

static bool class_test(const struct mb_sf *f, const struct mb_sf_entry *e)
{
    const struct mb_site_rec *r = &e->s->rec;
    return !(r->type == MB_TYPE_SUPPLY && r->cls > f->q->max_class);
}
KEEP(class)

/* The window overlaps [from_m, to_m]; to_m 0 is open-ended. On an R*Tree
 * the months are its scaled, clamped dimension (store_sqlite.h): the
 * start clamped to [0, MB_RT_T_MAX], the end only from above (an end
 * before 0 finds nothing). */
static bool window_set(const struct mb_sf *f)
{
    return f->q->from_m || f->q->to_m;
}

static void window_where(const struct mb_sf *f, struct mb_sf_sql *b)
{
    qb_and(b);
    if (rt_drives(b)) {
        qb_dim_range(b, "t", f->from * MB_RT_T_SCALE, f->to * MB_RT_T_SCALE);
        return;
    }
    int to = f->q->to_m ? f->q->to_m : MB_NO_MONTH_TO;
    qb_add(b, mb_sf_col(b, "from_m"));
    qb_add(b, " <= ");
    qb_int(b, to);
    qb_add(b, " AND ");
    qb_add(b, mb_sf_col(b, "to_m"));
    qb_add(b, " >= ");
    qb_int(b, f->q->from_m);
}

static bool window_test(const struct mb_sf *f, const struct mb_sf_entry *e)
{
    return e->t_hi >= f->from && e->t_lo <= f->to;
}
KEEP(window)

/* Unlimited facilities (amount_t -1) take any amount. */
static bool amount_set(const struct mb_sf *f)
{
    return f->q->min_amount_t > 0;
}

static void amount_where(const struct mb_sf *f, struct mb_sf_sql *b)
{
    qb_and(b);
    b->needs_site = true;
    qb_add(b, "(s.amount_t >= ");
    qb_double(b, f->q->min_amount_t);
    qb_add(b, " OR s.amount_t < 0)");
}

static bool amount_test(const struct mb_sf *f, const struct mb_sf_entry *e)
{
    const struct mb_site_rec *r = &e->s->rec;
    return r->amount_t >= f->q->min_amount_t || r->amount_t < 0;
}
KEEP(amount)

/* Keywords: FTS5 over title and keywords, in SQL only (the model holds
 * no text index; mb_sf_in_memory is false for such a query). Text
 * without a word filters nothing. */
static bool text_set(const struct mb_sf *f)
{
    return f->fts && *f->fts;
}

static void text_drive(const struct mb_sf *f, struct mb_sf_sql *b)
{
    qb_and(b);
    qb_add(b, "site_fts MATCH ");
    qb_text(b, f->fts);
}

static void text_where(const struct mb_sf *f, struct mb_sf_sql *b)
{
    if (b->driver == MB_SF_DRIVE_FTS)
        return;
    qb_and(b);
    qb_add(b, mb_sf_col(b, "id"));
    qb_add(b, " IN (SELECT rowid FROM site_fts WHERE site_fts MATCH ");
    qb_text(b, f->fts);
    qb_add(b, ")");
}

/* FTS5's match of the query `"w1"* "w2"* ...` (each word one token,
 * mb_sf_text_terms): every term is a prefix of some token of the title or
 * the keywords (either column; FTS5 compares the tokens' bytes). */
static bool text_test(const struct mb_sf *f, const struct mb_sf_entry *e)
{
    /* Most sites lack some term's first bytes: told by the entry alone. */
    if ((e->words & f->term_bits) != f->term_bits)
        return false;
    const struct mb_sf_site *s = e->s;
    const char *term = f->terms;
    for (size_t t = 0; t < f->nterms; t++) {
        size_t tl = strlen(term);
        bool found = false;
        const char *tok = s->tokens;
        for (size_t i = 0; i < s->ntokens && !found; i++) {
            size_t kl = strlen(tok);
            found = kl >= tl && memcmp(tok, term, tl) == 0;
            tok += kl + 1;
        }
        if (!found)
            return false;
        term += tl + 1;
    }
    return true;
}
KEEP(text)

static bool exclude_set(const struct mb_sf *f)
{
    return f->q->exclude_id != 0;
}

static void exclude_where(const struct mb_sf *f, struct mb_sf_sql *b)
{
    qb_and(b);
    qb_add(b, mb_sf_col(b, "id"));
    qb_add(b, " <> ");
    qb_int(b, f->q->exclude_id);
}

static bool exclude_test(const struct mb_sf *f, const struct mb_sf_entry *e)
{
    return e->id != f->q->exclude_id;
}
KEEP(exclude)

struct filter {
    bool (*set)(const struct mb_sf *f);
    void (*drive)(const struct mb_sf *f, struct mb_sf_sql *b);
    void (*where)(const struct mb_sf *f, struct mb_sf_sql *b);
    size_t (*keep)(const struct mb_sf *f, const struct mb_sf_entry **e, size_t n);
    bool on_row;
};

/* The table. A new filter is its functions above, its id in enum
 * mb_sf_id (store_filter.h) and a row here: mb_sf_where, mb_sf_keep and
 * mb_sf_in_memory follow from it. */
static const struct filter FILTERS[MB_SF_COUNT] = {
    [MB_SF_AREA] = { area_set, area_drive, NULL, area_keep, false },
    [MB_SF_STATUS] = { status_set, NULL, status_where, status_keep, false },
    [MB_SF_TYPE] = { type_set, NULL, type_where, type_keep, false },
    [MB_SF_ORG] = { org_set, NULL, org_where, org_keep, true },
    [MB_SF_MATERIAL] = { material_set, material_drive, material_where, material_keep, true },
    [MB_SF_CLASS] = { class_set, NULL, class_where, class_keep, true },
    [MB_SF_WINDOW] = { window_set, NULL, window_where, window_keep, false },
    [MB_SF_AMOUNT] = { amount_set, NULL, amount_where, amount_keep, true },
    [MB_SF_TEXT] = { text_set, text_drive, text_where, text_keep, true },
    [MB_SF_EXCLUDE] = { exclude_set, NULL, exclude_where, exclude_keep, false },
};

/* The drivers, most selective first: the first whose filters the query
 * all sets drives it, and those filters' drive terms (in `by` order)
 * open its WHERE clause. The first two need only an area (and a
 * material), so an area always drives from an R*Tree: the area has no
 * other term, and the radius is tested on the R*Tree's positions. */
static const struct driver {
    enum mb_sf_driver id;
    unsigned needs;           /* BIT()s of the filters it needs */
    enum mb_sf_id by[2];      /* the filters whose drive terms it uses */
    int nby;
    const char *alias;
    const char *from, *from_site; /* FROM, and FROM joined to site s */
} DRIVERS[] = {
    { MB_SF_DRIVE_MRTREE, BIT(MB_SF_AREA) | BIT(MB_SF_MATERIAL), { MB_SF_MATERIAL, MB_SF_AREA },
      2, "m", " FROM site_mrtree r", " FROM site_mrtree r CROSS JOIN site s ON s.id = r.id / 64" },
    { MB_SF_DRIVE_RTREE, BIT(MB_SF_AREA), { MB_SF_AREA }, 1, "r", " FROM site_rtree r",
      " FROM site_rtree r CROSS JOIN site s ON s.id = r.id" },
    { MB_SF_DRIVE_FTS, BIT(MB_SF_TEXT), { MB_SF_TEXT }, 1, "s",
      " FROM site_fts CROSS JOIN site s ON s.id = site_fts.rowid",
      " FROM site_fts CROSS JOIN site s ON s.id = site_fts.rowid" },
    { MB_SF_DRIVE_MATERIAL, BIT(MB_SF_MATERIAL), { MB_SF_MATERIAL }, 1, "s",
      " FROM site_material m CROSS JOIN site s ON s.id = m.site_id",
      " FROM site_material m CROSS JOIN site s ON s.id = m.site_id" },
    /* The organisation's term is an ordinary one: only the index differs. */
    { MB_SF_DRIVE_ORG, BIT(MB_SF_ORG), { 0 }, 0, "s", " FROM site s INDEXED BY site_org",
      " FROM site s INDEXED BY site_org" },
    /* The covering index answers every non-text filter without reading
     * the table (counts); a rowid scan (mb_sf_from's scan_rows) finds the
     * first page of a common match without sorting (see run_page). */
    { MB_SF_DRIVE_SCAN, 0, { 0 }, 0, "s", " FROM site s INDEXED BY site_search",
      " FROM site s INDEXED BY site_search" },
};

/* ---- the public functions ------------------------------------------------------- */

int mb_sf_prepare(struct mb_sf *f, const struct mb_site_query *q, struct mb_error *err)
{
    memset(f, 0, sizeof *f);
    f->q = q;
    int rc = query_box(q, f->box, &f->empty, err);
    if (rc)
        return rc;
    if (q->text && *q->text) {
        f->fts = fts_query(q->text);
        if (!f->fts)
            return mb_error_set(err, MB_EINVAL, "text", "has more than %d words",
                                SEARCH_MAX_WORDS);
    }
    unsigned asked = q->statuses ? q->statuses & ALL_STATUSES : PUBLIC_SET;
    f->pub = asked & PUBLIC_SET;
    f->priv = q->all_visible || q->viewer_org ? asked & ~PUBLIC_SET : 0;
    f->types = q->types ? q->types & ALL_TYPES : ALL_TYPES;
    if (!(f->pub | f->priv) || !f->types)
        f->empty = true;
    int64_t to = q->to_m ? q->to_m : MB_NO_MONTH_TO;
    f->from = clamp_month(q->from_m);
    f->to = (int32_t)(to > MB_RT_T_MAX ? MB_RT_T_MAX : to);
    for (int k = 0; k < MB_SF_COUNT; k++)
        if (FILTERS[k].set(f))
            f->set |= BIT(k);
    /* The tests on the entry first, then those that read the site. */
    for (int pass = 0; pass < 2; pass++)
        for (int k = 0; k < MB_SF_COUNT; k++)
            if ((f->set & BIT(k)) && FILTERS[k].keep && FILTERS[k].on_row == (pass == 1))
                f->tests[f->ntests++] = (uint8_t)k;
    return 0;
}

void mb_sf_release(struct mb_sf *f)
{
    free(f->fts);
    free(f->terms);
    f->fts = NULL;
    f->terms = NULL;
}

int mb_sf_text_terms(struct mb_sf *f, struct mb_store *st)
{
    if (!(f->set & BIT(MB_SF_TEXT)))
        return 0;
    if (f->terms_ready)
        return 0;
    /* f->fts is fts_query's `"w1"* "w2"*`: the words between the quotes
     * (a word holds no '"'). */
    struct mb_strbuf b = { 0 };
    size_t n = 0;
    int rc = 0;
    for (const char *p = strchr(f->fts, '"'); p && !rc; p = strchr(p, '"')) {
        const char *end = strchr(p + 1, '"');
        if (!end)
            break;
        size_t got = 0;
        rc = mb_st_tokens(st, p + 1, (size_t)(end - p - 1), true, &b, &got);
        /* None (FTS5 drops such a phrase) or several (a phrase): SQL. */
        if (!rc && got != 1)
            rc = MB_EINVAL;
        n += got;
        p = end + 1;
    }
    if (rc || !n) {
        mb_strbuf_release(&b);
        return rc ? rc : MB_EINVAL;
    }
    f->terms = mb_strbuf_take(&b);
    f->nterms = n;
    f->term_bits = 0;
    for (const char *t = f->terms; n--; t += strlen(t) + 1)
        f->term_bits |= word_bit(t, strlen(t));
    f->terms_ready = true;
    return 0;
}

void mb_sf_set_material_id(struct mb_sf *f, int64_t id)
{
    if (!(f->set & BIT(MB_SF_MATERIAL)))
        return;
    f->material_id = id;
    if (id <= 0)
        f->empty = true; /* no site has ever listed this material */
}

bool mb_sf_in_memory(const struct mb_sf *f)
{
    for (int k = 0; k < MB_SF_COUNT; k++)
        if ((f->set & BIT(k)) && !FILTERS[k].keep)
            return false;
    /* Keywords are tested on the terms mb_sf_text_terms made. */
    return !(f->set & BIT(MB_SF_TEXT)) || f->terms_ready;
}

size_t mb_sf_keep(const struct mb_sf *f, const struct mb_sf_entry **e, size_t n,
                  unsigned given)
{
    for (int i = 0; i < f->ntests && n; i++) {
        int k = f->tests[i];
        if (!(given & BIT(k)))
            n = FILTERS[k].keep(f, e, n);
    }
    return n;
}

bool mb_sf_within(const struct mb_sf *f, double lat, double lon, double *km)
{
    *km = 0;
    if (!f->q->has_radius)
        return true;
    *km = mb_geo_distance_km((struct mb_point){ f->q->lat, f->q->lon },
                             (struct mb_point){ lat, lon });
    return *km <= f->q->radius_km;
}

int mb_sf_where(const struct mb_sf *f, struct mb_sf_sql *b, struct mb_error *err)
{
    memset(b, 0, sizeof *b);
    const struct driver *d = DRIVERS;
    while ((f->set & d->needs) != d->needs)
        d++; /* the last needs nothing */
    b->driver = d->id;
    b->a = d->alias;
    for (int i = 0; i < d->nby; i++)
        FILTERS[d->by[i]].drive(f, b);
    for (int k = 0; k < MB_SF_COUNT; k++)
        if ((f->set & BIT(k)) && FILTERS[k].where)
            FILTERS[k].where(f, b);
    if (b->overflow)
        return mb_error_set(err, MB_EINTERNAL, "", "search query too complex (internal limit)");
    return 0;
}

const char *mb_sf_from(const struct mb_sf_sql *b, bool scan_rows)
{
    if (b->driver == MB_SF_DRIVE_SCAN && scan_rows)
        return " FROM site s NOT INDEXED";
    for (size_t i = 0; i < sizeof DRIVERS / sizeof DRIVERS[0]; i++)
        if (DRIVERS[i].id == b->driver)
            return b->needs_site ? DRIVERS[i].from_site : DRIVERS[i].from;
    return "";
}
