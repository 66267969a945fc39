/*
 * store/store_site.c - sites in the SQLite store (see store.h): put, get,
 * status changes and search.
 *
 * A site is one row of `site` plus its rows in site_material (written
 * here, in the same transaction) and in site_rtree and site_fts (written
 * by the schema's triggers, in the same statement), so a site is never
 * visible without its index rows.
 *
 * Search builds its SQL from fixed fragments: only the shape of a query
 * (which filters are set, which types and statuses) reaches the SQL text,
 * every value is a bound parameter. The same shapes repeat, so both the
 * page and the count statement of a shape come from the connection's
 * statement cache. A spatial filter (box or radius) drives the query from
 * the R*Tree; the exact tests (box edges, great-circle distance) are then
 * applied to the row's own double-precision position, since the R*Tree
 * stores 32-bit bounds rounded outwards.
 */
#include "store/store_sqlite.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/alloc.h"
#include "core/text.h"
#include "domain/geo.h"

#define SITE_COLS                                                                    \
    "s.id, s.org_id, s.type, s.status, s.title, s.municipality, s.lat, s.lon,"      \
    " s.material, s.cls, s.amount_t, s.from_m, s.to_m, s.price, s.co2, s.keywords," \
    " s.limits, s.created, s.updated, s.version"
enum { COL_DOC = 20 };

#define SEARCH_DEFAULT_LIMIT 50
#define SEARCH_MAX_LIMIT 1000
/* More words than this in a keyword search is not a person typing. */
#define SEARCH_MAX_WORDS 32

/* ---- the materials cache -------------------------------------------------------
 *
 * Reading a site's materials is a query of its own, and a facility lists a
 * dozen or more (its accepts expanded over the catalog): a match request
 * read about fifteen rows of site_material per facility in reach, the
 * largest cost of a match after the spatial search. Materials change only
 * with a put, which raises the site's version, so a site's list is cached
 * per process under (database file, id, version, created, updated): an
 * entry whose key no longer matches the row just read is simply not used.
 * The database file is its device and inode (a path may be reused by
 * another file), read once per search; ":memory:" and temporary databases
 * are not cached. Direct-mapped by id, one mutex: a hit copies a few
 * short strings under it. A site edited with SQL that keeps the version
 * (not something the store does) would be served its old list; see
 * docs/store.md. */
#define MAT_CACHE_SLOTS 16384

struct db_ident {
    bool ok;            /* a file database: the cache may be used */
    uint64_t dev, ino;
};

struct mat_entry {
    uint64_t dev, ino;
    int64_t id, version, created, updated; /* id 0: empty */
    size_t n;
    char *blob;         /* n strings, each ending in '\0', owned */
};

static struct mat_entry mat_cache[MAT_CACHE_SLOTS];
static pthread_mutex_t mat_lock = PTHREAD_MUTEX_INITIALIZER;

static struct db_ident db_ident_of(struct mb_store *st)
{
    struct db_ident d = { 0 };
    const char *path = sqlite3_db_filename(st->db, "main");
    struct stat sb;
    if (path && *path && stat(path, &sb) == 0) {
        d.ok = true;
        d.dev = (uint64_t)sb.st_dev;
        d.ino = (uint64_t)sb.st_ino;
    }
    return d;
}

static struct mat_entry *mat_slot(int64_t id)
{
    uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ull;
    return &mat_cache[h >> 50]; /* 14 bits: MAT_CACHE_SLOTS */
}

static bool mat_key_eq(const struct mat_entry *e, const struct db_ident *d,
                       const struct mb_site_rec *r)
{
    return e->id == r->id && e->version == r->version && e->created == r->created &&
           e->updated == r->updated && e->dev == d->dev && e->ino == d->ino;
}

/* Fill r's materials from the cache; false on a miss. */
static bool mat_cache_get(const struct db_ident *d, struct mb_site_rec *r)
{
    bool hit = false;
    pthread_mutex_lock(&mat_lock);
    struct mat_entry *e = mat_slot(r->id);
    if (e->id && mat_key_eq(e, d, r)) {
        hit = true;
        r->nmaterials = e->n;
        r->materials = e->n ? mb_xcalloc(e->n, sizeof *r->materials) : NULL;
        const char *p = e->blob;
        for (size_t i = 0; i < e->n; i++) {
            size_t len = strlen(p);
            r->materials[i] = mb_xstrndup(p, len);
            p += len + 1;
        }
    }
    pthread_mutex_unlock(&mat_lock);
    return hit;
}

static void mat_cache_put(const struct db_ident *d, const struct mb_site_rec *r)
{
    size_t len = 0;
    for (size_t i = 0; i < r->nmaterials; i++)
        len += strlen(r->materials[i]) + 1;
    char *blob = mb_xmalloc(len ? len : 1), *p = blob;
    for (size_t i = 0; i < r->nmaterials; i++) {
        size_t k = strlen(r->materials[i]) + 1;
        memcpy(p, r->materials[i], k);
        p += k;
    }
    pthread_mutex_lock(&mat_lock);
    struct mat_entry *e = mat_slot(r->id);
    char *old = e->blob;
    *e = (struct mat_entry){ .dev = d->dev, .ino = d->ino, .id = r->id, .version = r->version,
                             .created = r->created, .updated = r->updated,
                             .n = r->nmaterials, .blob = blob };
    pthread_mutex_unlock(&mat_lock);
    free(old);
}

/* r's materials, in order: from the cache when `d` allows it, else read
 * (and cached). r's id, version, created and updated must be set. */
static int load_materials(struct mb_store *st, const struct db_ident *d, struct mb_site_rec *r,
                          struct mb_error *err)
{
    if (d && d->ok && mat_cache_get(d, r))
        return 0;
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "SELECT material FROM site_material WHERE site_id = ?"
                           " ORDER BY pos", &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, r->id));
    size_t cap = 0;
    while ((rc = mb_st_step(s)) == SQLITE_ROW) {
        r->materials = mb_xgrow(r->materials, &cap, r->nmaterials + 1, sizeof *r->materials);
        r->materials[r->nmaterials++] = mb_st_col_dup(s, 0);
    }
    rc = rc == SQLITE_DONE ? 0 : mb_st_error(st, rc, NULL, err);
    mb_st_finish(s);
    if (!rc && d && d->ok) {
        bool complete = true; /* a NULL material (never stored) is not cached */
        for (size_t i = 0; i < r->nmaterials; i++)
            complete = complete && r->materials[i];
        if (complete)
            mat_cache_put(d, r);
    }
    return rc;
}

/* Fill *r from a row of SITE_COLS (+ doc at COL_DOC) and, when
 * `materials`, its materials (through the cache when `d` is a file
 * database's identity; NULL reads them). On failure *r holds nothing to
 * release. */
static int read_site(struct mb_store *st, sqlite3_stmt *s, struct mb_site_rec *r,
                     bool materials, const struct db_ident *d, struct mb_error *err)
{
    memset(r, 0, sizeof *r);
    int type = mb_site_type_parse((const char *)sqlite3_column_text(s, 2));
    int status = mb_status_parse((const char *)sqlite3_column_text(s, 3));
    if (type < 0 || status < 0)
        return mb_error_set(err, MB_EDATA, type < 0 ? "type" : "status",
                            "the database holds an unknown value");
    r->id = sqlite3_column_int64(s, 0);
    r->org_id = sqlite3_column_int64(s, 1);
    r->type = (enum mb_site_type)type;
    r->status = (enum mb_status)status;
    mb_st_col_copy(s, 4, r->title, sizeof r->title);
    mb_st_col_copy(s, 5, r->municipality, sizeof r->municipality);
    r->lat = sqlite3_column_double(s, 6);
    r->lon = sqlite3_column_double(s, 7);
    mb_st_col_copy(s, 8, r->material, sizeof r->material);
    r->cls = sqlite3_column_int(s, 9);
    r->amount_t = sqlite3_column_double(s, 10);
    r->from_m = sqlite3_column_int(s, 11);
    r->to_m = sqlite3_column_int(s, 12);
    r->price_nok_per_t = sqlite3_column_double(s, 13);
    r->co2_kg_per_t = sqlite3_column_double(s, 14);
    r->keywords = mb_st_col_dup(s, 15);
    r->limits = mb_st_col_dup(s, 16);
    r->created = sqlite3_column_int64(s, 17);
    r->updated = sqlite3_column_int64(s, 18);
    r->version = sqlite3_column_int64(s, 19);
    r->doc = mb_st_col_dup(s, COL_DOC);
    int rc = materials ? load_materials(st, d, r, err) : 0;
    if (rc)
        mb_site_rec_release(r);
    return rc;
}

const char mb_st_site_cols[] = SITE_COLS;

int mb_st_read_site(struct mb_store *st, sqlite3_stmt *s, struct mb_site_rec *r,
                    struct mb_error *err)
{
    return read_site(st, s, r, false, NULL, err);
}

int mb_st_site_read(struct mb_store *st, int64_t id, struct mb_site_rec *r, bool *found,
                    struct mb_error *err)
{
    sqlite3_stmt *s;
    memset(r, 0, sizeof *r);
    *found = false;
    int rc = mb_st_prepare(st, "SELECT " SITE_COLS ", s.doc FROM site s WHERE s.id = ?",
                           &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, id));
    rc = mb_st_step(s);
    if (rc == SQLITE_ROW) {
        rc = read_site(st, s, r, true, NULL, err);
        *found = rc == 0;
    } else {
        rc = rc == SQLITE_DONE ? 0 : mb_st_error(st, rc, NULL, err);
    }
    mb_st_finish(s);
    return rc;
}

/* ---- put, get, status -------------------------------------------------------- */

/* Bind the columns a put writes, in this order, from index 1. */
#define PUT_COLS                                                                      \
    "org_id, type, status, title, municipality, lat, lon, material, cls, amount_t,"  \
    " from_m, to_m, price, co2, keywords, limits, doc"
enum { PUT_NCOLS = 17 };

static void bind_put_cols(sqlite3_stmt *s, const struct mb_site_rec *r)
{
    mb_st_bound(sqlite3_bind_int64(s, 1, r->org_id));
    mb_st_bind_text(s, 2, mb_site_type_name(r->type));
    mb_st_bind_text(s, 3, mb_status_name(r->status));
    mb_st_bind_text(s, 4, r->title);
    mb_st_bind_text(s, 5, r->municipality);
    mb_st_bound(sqlite3_bind_double(s, 6, r->lat));
    mb_st_bound(sqlite3_bind_double(s, 7, r->lon));
    mb_st_bind_text(s, 8, r->material);
    mb_st_bound(sqlite3_bind_int(s, 9, r->cls));
    mb_st_bound(sqlite3_bind_double(s, 10, r->amount_t));
    mb_st_bound(sqlite3_bind_int(s, 11, r->from_m));
    mb_st_bound(sqlite3_bind_int(s, 12, r->to_m));
    mb_st_bound(sqlite3_bind_double(s, 13, r->price_nok_per_t));
    mb_st_bound(sqlite3_bind_double(s, 14, r->co2_kg_per_t));
    mb_st_bind_text(s, 15, r->keywords);
    mb_st_bind_text(s, 16, r->limits);
    mb_st_bind_text(s, 17, r->doc);
}

static int put_row(struct mb_store *st, struct mb_site_rec *r, int64_t now, int64_t *id,
                   int64_t *created, int64_t *version, struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc;
    if (r->id == 0) {
        rc = mb_st_prepare(st, "INSERT INTO site(" PUT_COLS ", created, updated, version)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                           " ?18, ?18, 1)", &s, err);
        if (rc)
            return rc;
        bind_put_cols(s, r);
        mb_st_bound(sqlite3_bind_int64(s, PUT_NCOLS + 1, now));
        if ((rc = mb_st_exec(st, s, "org_id", err)))
            return rc;
        *id = sqlite3_last_insert_rowid(st->db);
        *created = now;
        *version = 1;
        return 0;
    }
    rc = mb_st_prepare(st, "UPDATE site SET org_id = ?, type = ?, status = ?, title = ?,"
                       " municipality = ?, lat = ?, lon = ?, material = ?, cls = ?,"
                       " amount_t = ?, from_m = ?, to_m = ?, price = ?, co2 = ?,"
                       " keywords = ?, limits = ?, doc = ?, updated = ?18,"
                       " version = version + 1 WHERE id = ?19 RETURNING created, version",
                       &s, err);
    if (rc)
        return rc;
    bind_put_cols(s, r);
    mb_st_bound(sqlite3_bind_int64(s, PUT_NCOLS + 1, now));
    mb_st_bound(sqlite3_bind_int64(s, PUT_NCOLS + 2, r->id));
    rc = mb_st_step(s);
    if (rc == SQLITE_ROW) {
        *id = r->id;
        *created = sqlite3_column_int64(s, 0);
        *version = sqlite3_column_int64(s, 1);
        rc = mb_st_step(s);
    }
    if (rc == SQLITE_DONE)
        rc = *id ? 0 : mb_error_set(err, MB_ENOTFOUND, "id", "no site %lld", (long long)r->id);
    else
        rc = mb_st_error(st, rc, "org_id", err);
    mb_st_finish(s);
    if (rc)
        return rc;
    rc = mb_st_prepare(st, "DELETE FROM site_material WHERE site_id = ?", &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, r->id));
    return mb_st_exec(st, s, NULL, err);
}

int mb_store_site_put(struct mb_store *st, struct mb_site_rec *r, struct mb_error *err)
{
    if ((unsigned)r->type >= MB_TYPE_COUNT)
        return mb_error_set(err, MB_EINVAL, "type", "is not a site type");
    if ((unsigned)r->status >= MB_STATUS_COUNT)
        return mb_error_set(err, MB_EINVAL, "status", "is not a status");
    if (r->id < 0)
        return mb_error_set(err, MB_EINVAL, "id", "must not be negative");
    if (r->nmaterials > 64)
        return mb_error_set(err, MB_EINVAL, "materials", "a site lists at most 64 materials");
    for (size_t i = 0; i < r->nmaterials; i++)
        if (!r->materials[i])
            return mb_error_set(err, MB_EINVAL, "materials", "has a missing entry");
    int64_t now = (int64_t)time(NULL), id = 0, created = 0, version = 0;
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    rc = put_row(st, r, now, &id, &created, &version, err);
    if (!rc && r->nmaterials) {
        sqlite3_stmt *s;
        rc = mb_st_prepare(st, "INSERT INTO site_material(site_id, pos, material)"
                           " VALUES (?, ?, ?)", &s, err);
        for (size_t i = 0; !rc && i < r->nmaterials; i++) {
            /* A material listed twice (in any case) is stored once, so a
             * search driven by site_material meets each site once. */
            bool seen = false;
            for (size_t k = 0; k < i && !seen; k++)
                seen = mb_text_casecmp(r->materials[k], r->materials[i]) == 0;
            if (seen)
                continue;
            mb_st_bound(sqlite3_bind_int64(s, 1, id));
            mb_st_bound(sqlite3_bind_int64(s, 2, (int64_t)i));
            mb_st_bind_text(s, 3, r->materials[i]);
            rc = mb_st_exec(st, s, NULL, err);
        }
    }
    rc = mb_st_tx_end(st, rc, err);
    if (!rc) {
        r->id = id;
        r->created = created;
        r->updated = now;
        r->version = version;
    }
    return rc;
}

int mb_store_site_get(struct mb_store *st, int64_t id, struct mb_site_rec *out,
                      struct mb_error *err)
{
    bool found;
    int rc = mb_st_site_read(st, id, out, &found, err);
    if (rc == 0 && !found)
        rc = mb_error_set(err, MB_ENOTFOUND, "id", "no site %lld", (long long)id);
    return rc;
}

int mb_store_site_set_status(struct mb_store *st, int64_t id, enum mb_status status,
                             struct mb_error *err)
{
    if ((unsigned)status >= MB_STATUS_COUNT)
        return mb_error_set(err, MB_EINVAL, "status", "is not a status");
    sqlite3_stmt *s;
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    rc = mb_st_prepare(st, "UPDATE site SET status = ?, updated = ?, version = version + 1"
                       " WHERE id = ?", &s, err);
    if (!rc) {
        mb_st_bind_text(s, 1, mb_status_name(status));
        mb_st_bound(sqlite3_bind_int64(s, 2, (int64_t)time(NULL)));
        mb_st_bound(sqlite3_bind_int64(s, 3, id));
        rc = mb_st_exec(st, s, NULL, err);
        if (!rc && sqlite3_changes(st->db) == 0)
            rc = mb_error_set(err, MB_ENOTFOUND, "id", "no site %lld", (long long)id);
    }
    return mb_st_tx_end(st, rc, err);
}

/* ---- search: building the SQL ------------------------------------------------ */

enum bind_kind { BIND_INT, BIND_DOUBLE, BIND_TEXT };

struct bind {
    enum bind_kind kind;
    int64_t i;
    double d;
    const char *s;   /* borrowed from the query or the FTS buffer */
};

#define MAX_BINDS 24

/* Which table a search is driven from (its outer loop). */
enum driver {
    DRIVE_RTREE,     /* box or radius: the R*Tree yields the candidates */
    DRIVE_MRTREE,    /* box or radius and a material: the per-material R*Tree */
    DRIVE_FTS,       /* keywords: the FTS index yields them */
    DRIVE_MATERIAL,  /* a material: site_material's index yields them */
    DRIVE_ORG,       /* one organisation's sites */
    DRIVE_SCAN,      /* no selective filter: site_search index or rowid scan */
};

/* A query under construction: the WHERE text and its parameters. The
 * buffer is large enough for every combination of fragments below; an
 * overflow would be a programming error and is reported as MB_EINTERNAL. */
struct qb {
    enum driver driver;
    /* Alias of the table that holds status, type, org_id, lat, lon,
     * from_m, to_m and id: "r" when the R*Tree drives (they are its
     * auxiliary columns, so most searches never read a site row), else
     * "s". needs_site: a filter reads another site column (join site s). */
    const char *a;
    bool needs_site;
    char where[1536];
    size_t len;
    bool overflow;
    struct bind binds[MAX_BINDS];
    int nbinds;
};

static void qb_add(struct qb *b, const char *text)
{
    size_t n = strlen(text);
    if (b->len + n >= sizeof b->where) {
        b->overflow = true;
        return;
    }
    memcpy(b->where + b->len, text, n + 1);
    b->len += n;
}

/* Register a parameter and append its placeholder "?N". */
static int qb_param(struct qb *b, struct bind v)
{
    if (b->nbinds >= MAX_BINDS) {
        b->overflow = true;
        return 0;
    }
    b->binds[b->nbinds++] = v;
    char ph[16];
    snprintf(ph, sizeof ph, "?%d", b->nbinds);
    qb_add(b, ph);
    return b->nbinds;
}

static int qb_int(struct qb *b, int64_t v)
{
    return qb_param(b, (struct bind){.kind = BIND_INT, .i = v});
}

static int qb_double(struct qb *b, double v)
{
    return qb_param(b, (struct bind){.kind = BIND_DOUBLE, .d = v});
}

static int qb_text(struct qb *b, const char *v)
{
    return qb_param(b, (struct bind){.kind = BIND_TEXT, .s = v});
}

/* Append "s.col IN ('a', 'b')" for the set bits of `set`; the names are
 * the schema's fixed words, never user text. */
static void qb_in_names(struct qb *b, const char *col, unsigned set, int count,
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

static void bind_all(sqlite3_stmt *s, const struct qb *b)
{
    for (int i = 0; i < b->nbinds; i++) {
        const struct bind *v = &b->binds[i];
        switch (v->kind) {
        case BIND_INT: mb_st_bound(sqlite3_bind_int64(s, i + 1, v->i)); break;
        case BIND_DOUBLE: mb_st_bound(sqlite3_bind_double(s, i + 1, v->d)); break;
        case BIND_TEXT: mb_st_bind_text(s, i + 1, v->s); break;
        }
    }
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

static bool lat_ok(double v)
{
    return v >= -90 && v <= 90;
}

static bool lon_ok(double v)
{
    return v >= -180 && v <= 180;
}

/* "r.max_<dim> >= lo AND r.min_<dim> <= hi": the entries of an R*Tree
 * whose extent in dimension <dim> meets [lo, hi]. */
static void qb_dim_range(struct qb *b, const char *dim, double lo, double hi)
{
    char part[48];
    snprintf(part, sizeof part, "r.max_%s >= ", dim);
    qb_add(b, part);
    qb_double(b, lo);
    snprintf(part, sizeof part, " AND r.min_%s <= ", dim);
    qb_add(b, part);
    qb_double(b, hi);
}

/* A site column as the driving table holds it: the R*Tree keeps position
 * as 32-bit floats rounded outwards (about 0.4 m at Norway's latitudes:
 * a map box's edge is that exact). */
static const char *col_of(const struct qb *b, const char *name)
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

static const char *from_clause(const struct qb *b, bool scan_rows)
{
    switch (b->driver) {
    case DRIVE_RTREE:
        return b->needs_site ? " FROM site_rtree r CROSS JOIN site s ON s.id = r.id"
                             : " FROM site_rtree r";
    case DRIVE_MRTREE:
        return b->needs_site ? " FROM site_mrtree r CROSS JOIN site s ON s.id = r.id / 64"
                             : " FROM site_mrtree r";
    case DRIVE_FTS: return " FROM site_fts CROSS JOIN site s ON s.id = site_fts.rowid";
    case DRIVE_MATERIAL: return " FROM site_material m CROSS JOIN site s ON s.id = m.site_id";
    case DRIVE_ORG: return " FROM site s INDEXED BY site_org";
    case DRIVE_SCAN: break;
    }
    /* The covering index answers every non-text filter without reading
     * the table (counts); a rowid scan finds the first page of a common
     * match without sorting (see run_page). */
    return scan_rows ? " FROM site s NOT INDEXED" : " FROM site s INDEXED BY site_search";
}

int mb_st_query_box(const struct mb_site_query *q, double box[4], bool *empty,
                    struct mb_error *err)
{
    *empty = false;
    box[0] = -90; /* min_lat, min_lon, max_lat, max_lon */
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

/* Check the query and build its WHERE into b (the FROM follows from
 * b->driver). *empty is set when no site can match (e.g. no visible
 * status asked for). *fts receives the FTS query buffer (caller frees). */
static int build_where(const struct mb_site_query *q, int64_t material_id, struct qb *b,
                       bool *empty, char **fts, int *dist_param, struct mb_error *err)
{
    *empty = false;
    *fts = NULL;
    *dist_param = 0;
    const unsigned public_set = 1u << MB_STATUS_PUBLISHED | 1u << MB_STATUS_RESERVED;
    const unsigned all_statuses = (1u << MB_STATUS_COUNT) - 1;
    const unsigned all_types = (1u << MB_TYPE_COUNT) - 1;

    double box[4];
    int arc = mb_st_query_box(q, box, empty, err);
    if (arc)
        return arc;
    if (q->text && *q->text) {
        *fts = fts_query(q->text);
        if (!*fts)
            return mb_error_set(err, MB_EINVAL, "text", "has more than %d words",
                                SEARCH_MAX_WORDS);
    }
    bool has_text = *fts && **fts;
    bool has_material = q->material && *q->material;

    /* Drive from the most selective thing the query names. */
    if ((q->has_box || q->has_radius) && has_material)
        b->driver = DRIVE_MRTREE;
    else if (q->has_box || q->has_radius)
        b->driver = DRIVE_RTREE;
    else if (has_text)
        b->driver = DRIVE_FTS;
    else if (has_material)
        b->driver = DRIVE_MATERIAL;
    else if (q->org_id)
        b->driver = DRIVE_ORG;
    else
        b->driver = DRIVE_SCAN;

    /* "r": site_rtree drives; "m": site_mrtree drives; "s": the site table. */
    b->a = b->driver == DRIVE_RTREE ? "r" : b->driver == DRIVE_MRTREE ? "m" : "s";
    bool rt = b->driver == DRIVE_RTREE || b->driver == DRIVE_MRTREE;
#define COL(name) col_of(b, name)
    bool has_where = false;
    /* AND() starts the WHERE clause or continues it. */
#define AND() (has_where ? qb_add(b, " AND ") : (qb_add(b, " WHERE "), has_where = true))
    if (has_material && material_id <= 0)
        *empty = true; /* no site has ever listed this material */
    if (b->driver == DRIVE_MRTREE) {
        /* key = material number * 8 + type number (see MIGRATION_2): the
         * asked types' span of keys, exact when the types are contiguous
         * (else the type filter below reads the site row). */
        unsigned t = q->types ? q->types & ((1u << MB_TYPE_COUNT) - 1) : (1u << MB_TYPE_COUNT) - 1;
        int lo = 0, hi = MB_TYPE_COUNT - 1;
        if (t)
            contiguous(t, &lo, &hi);
        AND();
        qb_add(b, "r.max_k >= ");
        qb_int(b, material_id * 8 + lo);
        qb_add(b, " AND r.min_k <= ");
        qb_int(b, material_id * 8 + hi);
    }
    if (b->driver == DRIVE_RTREE || b->driver == DRIVE_MRTREE) {
        AND();
        qb_add(b, "r.max_lat >= ");
        qb_double(b, box[0]);
        qb_add(b, " AND r.min_lat <= ");
        qb_double(b, box[2]);
        qb_add(b, " AND r.max_lon >= ");
        qb_double(b, box[1]);
        qb_add(b, " AND r.min_lon <= ");
        qb_double(b, box[3]);
    } else if (b->driver == DRIVE_FTS) {
        AND();
        qb_add(b, "site_fts MATCH ");
        qb_text(b, *fts);
    } else if (b->driver == DRIVE_MATERIAL) {
        AND();
        qb_add(b, "m.material = ");
        qb_text(b, q->material);
    }

    /* Visibility: published and reserved sites are everybody's; drafts
     * and closed sites only their organisation's (or an admin's). The
     * status list comes first so that it can use the indexes. */
    unsigned asked = q->statuses ? (q->statuses & all_statuses) : public_set;
    unsigned pub = asked & public_set;
    unsigned priv = q->all_visible || q->viewer_org ? asked & ~public_set : 0;
    asked = pub | priv;
    if (!asked)
        *empty = true;
    int lo, hi;
    if (rt && (!priv || q->all_visible) && asked && contiguous(asked, &lo, &hi)) {
        /* The R*Tree's status dimension is the exact filter. */
        AND();
        qb_dim_range(b, "st", lo * MB_RT_ST_SCALE, hi * MB_RT_ST_SCALE);
    } else {
        b->needs_site = true;
        AND();
        qb_in_names(b, "s.status", asked, MB_STATUS_COUNT, status_name_i);
        if (priv && !q->all_visible) {
            qb_add(b, " AND (");
            if (pub) {
                qb_in_names(b, "s.status", pub, MB_STATUS_COUNT, status_name_i);
                qb_add(b, " OR ");
            }
            qb_add(b, "s.org_id = ");
            qb_int(b, q->viewer_org);
            qb_add(b, ")");
        }
    }

    if (q->types) {
        unsigned types = q->types & all_types;
        if (!types) {
            *empty = true;
        } else if (types != all_types) {
            if (b->driver == DRIVE_MRTREE && contiguous(types, &lo, &hi)) {
                /* The key range above is exact. */
            } else if (b->driver == DRIVE_RTREE && contiguous(types, &lo, &hi)) {
                AND();
                qb_dim_range(b, "ty", lo * MB_RT_TY_SCALE, hi * MB_RT_TY_SCALE);
            } else {
                b->needs_site = true;
                AND();
                qb_in_names(b, "s.type", types, MB_TYPE_COUNT, type_name_i);
            }
        }
    }
    if (q->org_id) {
        b->needs_site = true;
        AND();
        qb_add(b, "s.org_id = ");
        qb_int(b, q->org_id);
    }
    if (q->has_box && !rt) {
        AND();
        qb_add(b, COL("lat"));
        qb_add(b, " BETWEEN ");
        qb_double(b, q->min_lat);
        qb_add(b, " AND ");
        qb_double(b, q->max_lat);
        qb_add(b, " AND ");
        qb_add(b, COL("lon"));
        qb_add(b, " BETWEEN ");
        qb_double(b, q->min_lon);
        qb_add(b, " AND ");
        qb_double(b, q->max_lon);
    }
    /* A radius always drives from an R*Tree (rt): run_rt_page tests and
     * orders by the great-circle distance in C, once per entry. */
    if (q->has_radius && !rt) {
        AND();
        qb_add(b, "mb_dist_km(");
        int p = qb_double(b, q->lat);
        qb_add(b, ", ");
        qb_double(b, q->lon);
        qb_add(b, ", ");
        qb_add(b, COL("lat"));
        qb_add(b, ", ");
        qb_add(b, COL("lon"));
        qb_add(b, ") <= ");
        qb_double(b, q->radius_km);
        *dist_param = p;
    }
    if (has_material && b->driver != DRIVE_MATERIAL && b->driver != DRIVE_MRTREE) {
        AND();
        /* A point lookup per candidate in (material, site_id): cheaper than
         * materialising every site of the material when another index
         * already narrowed the candidates. */
        qb_add(b, "EXISTS (SELECT 1 FROM site_material mm WHERE mm.material = ");
        qb_text(b, q->material);
        qb_add(b, " AND mm.site_id = ");
        qb_add(b, COL("id"));
        qb_add(b, ")");
    }
    /* max_class filters supplies only: for needs and facilities cls is the
     * highest class they take, which a class ceiling does not restrict. */
    if (q->max_class > 0) {
        AND();
        b->needs_site = true;
        qb_add(b, "(s.type <> 'supply' OR s.cls <= ");
        qb_int(b, q->max_class);
        qb_add(b, ")");
    }
    if ((q->from_m || q->to_m) && rt) {
        /* The scaled, clamped month dimension (store_sqlite.h). */
        double to = fmin(q->to_m ? q->to_m : MB_NO_MONTH_TO, MB_RT_T_MAX);
        double from = fmin(fmax(q->from_m, 0), MB_RT_T_MAX);
        AND();
        qb_dim_range(b, "t", from * MB_RT_T_SCALE, to * MB_RT_T_SCALE);
    } else if (q->from_m || q->to_m) {
        int to = q->to_m ? q->to_m : MB_NO_MONTH_TO;
        AND();
        qb_add(b, COL("from_m"));
        qb_add(b, " <= ");
        qb_int(b, to);
        qb_add(b, " AND ");
        qb_add(b, COL("to_m"));
        qb_add(b, " >= ");
        qb_int(b, q->from_m);
    }
    if (q->min_amount_t > 0) {
        AND();
        b->needs_site = true;
        qb_add(b, "(s.amount_t >= ");
        qb_double(b, q->min_amount_t);
        qb_add(b, " OR s.amount_t < 0)");
    }
    if (has_text && b->driver != DRIVE_FTS) {
        AND();
        qb_add(b, COL("id"));
        qb_add(b, " IN (SELECT rowid FROM site_fts WHERE site_fts MATCH ");
        qb_text(b, *fts);
        qb_add(b, ")");
    }
    if (q->exclude_id) {
        AND();
        qb_add(b, COL("id"));
        qb_add(b, " <> ");
        qb_int(b, q->exclude_id);
    }
#undef COL
#undef AND
    if (b->overflow)
        return mb_error_set(err, MB_EINTERNAL, "", "search query too complex (internal limit)");
    return 0;
}

/* Step a prepared, bound statement that yields one integer (or no row:
 * *out is left as it was), then finish it. */
static int scalar_int64(struct mb_store *st, sqlite3_stmt *s, int64_t *out,
                        struct mb_error *err)
{
    int rc = mb_st_step(s);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : mb_st_error(st, rc, NULL, err);
    mb_st_finish(s);
    return rc;
}

static int run_count(struct mb_store *st, const struct qb *b, size_t *total,
                     struct mb_error *err)
{
    char sql[sizeof b->where + 128];
    snprintf(sql, sizeof sql, "SELECT count(*)%s%s", from_clause(b, false), b->where);
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, sql, &s, err);
    if (rc)
        return rc;
    bind_all(s, b);
    int64_t n = 0;
    rc = scalar_int64(st, s, &n, err);
    *total = (size_t)n;
    return rc;
}

/* Highest site id: the number of rows a rowid scan may have to read. */
static int max_site_id(struct mb_store *st, int64_t *out, struct mb_error *err)
{
    sqlite3_stmt *s;
    *out = 0;
    int rc = mb_st_prepare(st, "SELECT coalesce(max(id), 0) FROM site", &s, err);
    return rc ? rc : scalar_int64(st, s, out, err);
}

/* The rows of the given ids, in that order: one cached statement per row
 * (a rowid seek). Binding the whole page as one JSON array measured no
 * faster under load. */
static int fetch_rows(struct mb_store *st, const int64_t *ids, size_t n,
                      const struct mb_site_query *q, struct mb_site_page *out,
                      struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, q->want_doc ? "SELECT " SITE_COLS ", s.doc FROM site s WHERE s.id = ?"
                                        : "SELECT " SITE_COLS ", NULL FROM site s WHERE s.id = ?",
                           &s, err);
    if (rc)
        return rc;
    out->items = mb_xcalloc(n ? n : 1, sizeof *out->items);
    struct db_ident d = { 0 };
    if (!q->no_materials && n)
        d = db_ident_of(st);
    for (size_t i = 0; i < n && !rc; i++) {
        sqlite3_reset(s);
        mb_st_bound(sqlite3_bind_int64(s, 1, ids[i]));
        rc = mb_st_step(s);
        if (rc == SQLITE_ROW) {
            rc = read_site(st, s, &out->items[out->n], !q->no_materials, &d, err);
            if (!rc)
                out->n++;
        } else {
            rc = rc == SQLITE_DONE ? mb_error_set(err, MB_EINTERNAL, "", "site %lld vanished",
                                                  (long long)ids[i])
                                   : mb_st_error(st, rc, NULL, err);
        }
    }
    mb_st_finish(s);
    return rc;
}

/* The ids of one page, in order, then their rows. Only ids go through
 * the sort, so sorting thousands of candidates stays cheap. */
static int run_page(struct mb_store *st, const struct mb_site_query *q, const struct qb *b,
                    int dist_param, bool scan_rows, size_t limit, struct mb_site_page *out,
                    struct mb_error *err)
{
    char sql[sizeof b->where + 512];
    char order[96];
    if (dist_param)
        snprintf(order, sizeof order, " ORDER BY mb_dist_km(?%d, ?%d, %s, %s), %s",
                 dist_param, dist_param + 1, col_of(b, "lat"), col_of(b, "lon"),
                 col_of(b, "id"));
    else
        snprintf(order, sizeof order, " ORDER BY %s", col_of(b, "id"));
    snprintf(sql, sizeof sql, "SELECT %s%s%s%s LIMIT ?%d OFFSET ?%d", col_of(b, "id"),
             from_clause(b, scan_rows), b->where, order, b->nbinds + 1, b->nbinds + 2);
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, sql, &s, err);
    if (rc)
        return rc;
    bind_all(s, b);
    mb_st_bound(sqlite3_bind_int64(s, b->nbinds + 1, (int64_t)limit));
    int64_t offset = q->offset > INT64_MAX ? INT64_MAX : (int64_t)q->offset;
    mb_st_bound(sqlite3_bind_int64(s, b->nbinds + 2, offset));
    int64_t *ids = mb_xcalloc(limit, sizeof *ids);
    size_t n = 0;
    while (n < limit && (rc = mb_st_step(s)) == SQLITE_ROW)
        ids[n++] = sqlite3_column_int64(s, 0);
    rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : mb_st_error(st, rc, NULL, err);
    mb_st_finish(s);
    if (!rc)
        rc = fetch_rows(st, ids, n, q, out, err);
    free(ids);
    return rc;
}

/* ---- search driven by an R*Tree: one pass ---------------------------------------
 *
 * A box or radius search reads every R*Tree entry that passes its filters
 * anyway (to sort them), and the count of a page read them all again. Here
 * one statement yields each entry's id and 32-bit position; the radius test
 * and the order are applied in C - the same great-circle function on the
 * same values that mb_dist_km would apply in SQL, so the same sites come in
 * the same order (distance, then id; or id) - and the number of entries is
 * the total. Only the page's rows are then read. */

#define hit mb_st_hit

static int hit_by_km(const struct hit *a, const struct hit *b)
{
    if (a->km != b->km)
        return a->km < b->km ? -1 : 1;
    return (a->id > b->id) - (a->id < b->id);
}

static int hit_by_id(const struct hit *a, const struct hit *b)
{
    return (a->id > b->id) - (a->id < b->id);
}

static int hit_cmp_km(const void *a, const void *b)
{
    return hit_by_km(a, b);
}

static int hit_cmp_id(const void *a, const void *b)
{
    return hit_by_id(a, b);
}

/* Restore the max-heap h[0..k) (by cmp) below position p. */
static void sift_down(struct hit *h, size_t k, size_t p,
                      int (*cmp)(const struct hit *, const struct hit *))
{
    for (;;) {
        size_t c = 2 * p + 1;
        if (c >= k)
            return;
        if (c + 1 < k && cmp(&h[c + 1], &h[c]) > 0)
            c++;
        if (cmp(&h[c], &h[p]) <= 0)
            return;
        struct hit t = h[c];
        h[c] = h[p];
        h[p] = t;
        p = c;
    }
}

/* Put the `k` smallest of h[0..n) (by cmp) sorted into h[0..k): a
 * max-heap of k when n is much larger than k, else a full sort. */
static void smallest_sorted(struct hit *h, size_t n, size_t k,
                            int (*cmp)(const struct hit *, const struct hit *))
{
    int (*qcmp)(const void *, const void *) = cmp == hit_by_km ? hit_cmp_km : hit_cmp_id;
    if (k == 0)
        return;
    if (n <= 4 * k + 64) {
        qsort(h, n, sizeof *h, qcmp);
        return;
    }
    /* h[0..k) becomes a max-heap of the smallest seen so far. */
    for (size_t i = k / 2; i-- > 0;)
        sift_down(h, k, i, cmp);
    for (size_t i = k; i < n; i++) {
        if (cmp(&h[i], &h[0]) >= 0)
            continue;
        h[0] = h[i];
        sift_down(h, k, 0, cmp);
    }
    qsort(h, k, sizeof *h, qcmp);
}

void mb_st_hits_smallest(struct mb_st_hit *h, size_t n, size_t k, bool by_km)
{
    smallest_sorted(h, n, k, by_km ? hit_by_km : hit_by_id);
}

/* The page of an R*Tree-driven search and, in *total, the number of
 * entries that pass every filter. */
static int run_rt_page(struct mb_store *st, const struct mb_site_query *q, const struct qb *b,
                       size_t limit, struct mb_site_page *out, size_t *total,
                       struct mb_error *err)
{
    char sql[sizeof b->where + 256];
    snprintf(sql, sizeof sql, "SELECT %s, r.min_lat, r.min_lon%s%s", col_of(b, "id"),
             from_clause(b, false), b->where);
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, sql, &s, err);
    if (rc)
        return rc;
    bind_all(s, b);
    struct mb_point centre = { q->lat, q->lon };
    struct hit *h = NULL;
    size_t n = 0, cap = 0;
    while ((rc = mb_st_step(s)) == SQLITE_ROW) {
        struct hit x = { sqlite3_column_int64(s, 0), 0 };
        if (q->has_radius) {
            struct mb_point p = { sqlite3_column_double(s, 1), sqlite3_column_double(s, 2) };
            x.km = mb_geo_distance_km(centre, p);
            if (!(x.km <= q->radius_km))
                continue;
        }
        h = mb_xgrow(h, &cap, n + 1, sizeof *h);
        h[n++] = x;
    }
    rc = rc == SQLITE_DONE ? 0 : mb_st_error(st, rc, NULL, err);
    mb_st_finish(s);
    *total = n;
    size_t first = q->offset < n ? q->offset : n;
    size_t end = n - first > limit ? first + limit : n;
    if (!rc) {
        smallest_sorted(h, n, end, q->has_radius ? hit_by_km : hit_by_id);
        int64_t *ids = mb_xcalloc(end - first + 1, sizeof *ids);
        for (size_t i = first; i < end; i++)
            ids[i - first] = h[i].id;
        rc = fetch_rows(st, ids, end - first, q, out, err);
        free(ids);
    }
    free(h);
    return rc;
}

/* The number of a material code in material_code (0 when unknown). */
static int material_id_of(struct mb_store *st, const char *code, int64_t *id,
                          struct mb_error *err)
{
    sqlite3_stmt *s;
    *id = 0;
    int rc = mb_st_prepare(st, "SELECT id FROM material_code WHERE code = ?", &s, err);
    if (rc)
        return rc;
    mb_st_bind_text(s, 1, code);
    return scalar_int64(st, s, id, err);
}

/* The R*Trees order by their 32-bit positions (within a metre); the page
 * is put in the exact order of the stored positions, so that the order
 * agrees with the distances a caller computes. Across a page boundary two
 * sites less than a metre apart in distance may still come swapped. */
struct by_km {
    double km;
    int64_t id;
    size_t at;   /* index in the page */
};

static int by_exact_distance(const void *x, const void *y)
{
    const struct by_km *a = x, *b = y;
    if (a->km != b->km)
        return a->km < b->km ? -1 : 1;
    return (a->id > b->id) - (a->id < b->id);
}

/* Each distance is computed once (not once per comparison), then the
 * records are moved into that order. */
void mb_st_sort_by_distance(double lat, double lon, struct mb_site_page *p)
{
    if (p->n < 2)
        return;
    struct mb_point centre = { lat, lon };
    struct by_km *k = mb_xcalloc(p->n, sizeof *k);
    for (size_t i = 0; i < p->n; i++)
        k[i] = (struct by_km){ mb_geo_distance_km(centre, (struct mb_point){ p->items[i].lat,
                                                                             p->items[i].lon }),
                               p->items[i].id, i };
    qsort(k, p->n, sizeof *k, by_exact_distance);
    struct mb_site_rec *sorted = mb_xcalloc(p->n, sizeof *sorted);
    for (size_t i = 0; i < p->n; i++)
        sorted[i] = p->items[k[i].at];
    memcpy(p->items, sorted, p->n * sizeof *sorted);
    free(sorted);
    free(k);
}

int mb_store_site_search(struct mb_store *st, const struct mb_site_query *q,
                         struct mb_site_page *out, struct mb_error *err)
{
    memset(out, 0, sizeof *out);
    size_t limit = q->limit ? q->limit : SEARCH_DEFAULT_LIMIT;
    if (limit > SEARCH_MAX_LIMIT)
        return mb_error_set(err, MB_EINVAL, "limit", "must be 1 to %d", SEARCH_MAX_LIMIT);
    struct qb b = {.len = 0};
    bool empty, opened = false;
    char *fts = NULL;
    int dist_param;
    int64_t material_id = 0;
    int rc = 0;
    if (mb_st_model_covers(st, q)) {
        /* The read model answers map searches and match candidates when
         * the query names no keywords (text without a word filters
         * nothing, as below); it refuses what build_where refuses. */
        char *words = q->text && *q->text ? fts_query(q->text) : NULL;
        bool text = words && *words;
        bool too_many = q->text && *q->text && !words;
        free(words);
        if (!text && !too_many) {
            double box[4];
            if ((rc = mb_st_query_box(q, box, &empty, err)) != 0)
                return rc;
            if (empty)
                return 0;
            rc = mb_st_model_search(st, q, limit, box, out, err);
            if (rc != MB_ST_MODEL_DECLINED)
                return rc;
            rc = 0;
        }
    }
    if (q->material && *q->material)
        rc = material_id_of(st, q->material, &material_id, err);
    if (!rc)
        rc = build_where(q, material_id, &b, &empty, &fts, &dist_param, err);
    if (rc || empty)
        goto out;
    if ((rc = mb_st_read_begin(st, &opened, err)))
        goto out;
    if (b.driver == DRIVE_SCAN) {
        /* Count first (index only), then choose: a rowid scan reads about
         * (offset + limit) * rows / total rows and needs no sort; the
         * index reads `total` entries and sorts their ids. */
        int64_t rows = 0;
        if ((rc = run_count(st, &b, &out->total, err)) || (rc = max_site_id(st, &rows, err)))
            goto out;
        if (q->offset < out->total) {
            double scan = ((double)q->offset + (double)limit) * (double)rows / (double)out->total;
            rc = run_page(st, q, &b, dist_param, scan <= (double)out->total, limit, out, err);
        }
    } else if (b.a[0] != 's') {
        size_t total = 0;
        rc = run_rt_page(st, q, &b, limit, out, &total, err);
        if (!rc && q->has_radius)
            mb_st_sort_by_distance(q->lat, q->lon, out);
        /* The same totals the page and count statements gave. */
        if (!rc && out->n < limit && (out->n > 0 || q->offset == 0))
            out->total = q->offset + out->n;
        else if (!rc && q->no_total)
            out->total = q->offset + out->n + (out->n == limit);
        else
            out->total = total;
    } else {
        rc = run_page(st, q, &b, dist_param, false, limit, out, err);
        /* A short page that is not past the end tells the total by itself. */
        if (!rc && out->n < limit && (out->n > 0 || q->offset == 0))
            out->total = q->offset + out->n;
        else if (!rc && q->no_total)
            out->total = q->offset + out->n + (out->n == limit);
        else if (!rc)
            rc = run_count(st, &b, &out->total, err);
    }
out:
    mb_st_read_end(st, opened);
    free(fts);
    if (rc) {
        mb_site_page_release(out);
        out->total = 0;
    }
    return rc;
}
