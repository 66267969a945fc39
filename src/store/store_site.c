/*
 * store/store_site.c - sites in the SQLite store (see store.h): put, get,
 * status changes and search.
 *
 * A site is one row of `site` plus its rows in site_material (written
 * here, in the same transaction) and in site_rtree and site_fts (written
 * by the schema's triggers, in the same statement), so a site is never
 * visible without its index rows.
 *
 * Search runs the SQL that store_filter.c builds from the query's
 * filters: only the shape of a query (which filters are set, which types
 * and statuses) reaches the SQL text, every value is a bound parameter.
 * The same shapes repeat, so both the page and the count statement of a
 * shape come from the connection's statement cache. A spatial filter (box
 * or radius) drives the query from the R*Tree, which stores 32-bit bounds
 * rounded outwards; the radius is tested on those in C (run_rt_page), and
 * a page is then put in the order of the exact stored positions. What the
 * read model covers (store_model.c) it answers from the same filters.
 */
#include "store/store_filter.h"
#include "store/store_sqlite.h"

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

int mb_store_site_delete(struct mb_store *st, int64_t id, struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    rc = mb_st_prepare(st, "DELETE FROM site WHERE id = ?", &s, err);
    if (!rc) {
        mb_st_bound(sqlite3_bind_int64(s, 1, id));
        rc = mb_st_exec(st, s, "id", err);
        if (!rc && sqlite3_changes(st->db) == 0)
            rc = mb_error_set(err, MB_ENOTFOUND, "id", "no site %lld", (long long)id);
    }
    return mb_st_tx_end(st, rc, err);
}

int mb_store_staged_add(struct mb_store *st, int64_t site_id, const char *batch,
                        enum mb_status status, size_t total, struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    rc = mb_st_prepare(st, "INSERT INTO site_staged(site_id, batch, status, total)"
                       " VALUES (?, ?, ?, ?)", &s, err);
    if (!rc) {
        mb_st_bound(sqlite3_bind_int64(s, 1, site_id));
        mb_st_bind_text(s, 2, batch);
        mb_st_bind_text(s, 3, mb_status_name(status));
        mb_st_bound(sqlite3_bind_int64(s, 4, (int64_t)total));
        rc = mb_st_exec(st, s, NULL, err);
    }
    return mb_st_tx_end(st, rc, err);
}

int mb_store_staged_list(struct mb_store *st, const char *batch, struct mb_staged **items,
                         size_t *n, struct mb_error *err)
{
    *items = NULL;
    *n = 0;
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "SELECT g.site_id, g.batch, g.status, s.status, g.total,"
                           " s.version FROM site_staged g JOIN site s ON s.id = g.site_id"
                           " WHERE ?1 IS NULL OR g.batch = ?1 ORDER BY g.batch, g.site_id", &s,
                           err);
    if (rc)
        return rc;
    mb_st_bind_text(s, 1, batch);
    size_t cap = 0;
    while ((rc = mb_st_step(s)) == SQLITE_ROW) {
        *items = mb_xgrow(*items, &cap, *n + 1, sizeof **items);
        struct mb_staged *g = &(*items)[(*n)++];
        g->site_id = sqlite3_column_int64(s, 0);
        mb_st_col_copy(s, 1, g->batch, sizeof g->batch);
        char a[16], b[16];
        mb_st_col_copy(s, 2, a, sizeof a);
        mb_st_col_copy(s, 3, b, sizeof b);
        g->status = (enum mb_status)mb_status_parse(a);
        g->now = (enum mb_status)mb_status_parse(b);
        g->total = (size_t)sqlite3_column_int64(s, 4);
        g->version = sqlite3_column_int64(s, 5);
    }
    rc = rc == SQLITE_DONE ? 0 : mb_st_error(st, rc, NULL, err);
    mb_st_finish(s);
    if (rc) {
        free(*items);
        *items = NULL;
        *n = 0;
    }
    return rc;
}

int mb_store_staged_clear(struct mb_store *st, const char *batch, struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    rc = mb_st_prepare(st, "DELETE FROM site_staged WHERE batch = ?", &s, err);
    if (!rc) {
        mb_st_bind_text(s, 1, batch);
        rc = mb_st_exec(st, s, NULL, err);
    }
    return mb_st_tx_end(st, rc, err);
}

/* ---- search: running the SQL ---------------------------------------------------
 *
 * The filters and the WHERE clause they make are store_filter.c's; here
 * the statements built from them are run. */

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

static int run_count(struct mb_store *st, const struct mb_sf_sql *b, size_t *total,
                     struct mb_error *err)
{
    char sql[sizeof b->where + 128];
    snprintf(sql, sizeof sql, "SELECT count(*)%s%s", mb_sf_from(b, false), b->where);
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, sql, &s, err);
    if (rc)
        return rc;
    mb_sf_bind_all(s, b);
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
 * the sort, so sorting thousands of candidates stays cheap. The order is
 * by id: an area, and so a radius, always drives from an R*Tree, and such
 * searches go to run_rt_page. */
static int run_page(struct mb_store *st, const struct mb_site_query *q,
                    const struct mb_sf_sql *b, bool scan_rows, size_t limit,
                    struct mb_site_page *out, struct mb_error *err)
{
    char sql[sizeof b->where + 512];
    snprintf(sql, sizeof sql, "SELECT %s%s%s ORDER BY %s LIMIT ?%d OFFSET ?%d",
             mb_sf_col(b, "id"), mb_sf_from(b, scan_rows), b->where, mb_sf_col(b, "id"),
             b->nbinds + 1, b->nbinds + 2);
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, sql, &s, err);
    if (rc)
        return rc;
    mb_sf_bind_all(s, b);
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
 * entries that pass every filter (the radius tested here, as the read
 * model does: mb_sf_within). */
static int run_rt_page(struct mb_store *st, const struct mb_sf *f, const struct mb_sf_sql *b,
                       size_t limit, struct mb_site_page *out, size_t *total,
                       struct mb_error *err)
{
    const struct mb_site_query *q = f->q;
    char sql[sizeof b->where + 256];
    snprintf(sql, sizeof sql, "SELECT %s, r.min_lat, r.min_lon%s%s", mb_sf_col(b, "id"),
             mb_sf_from(b, false), b->where);
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, sql, &s, err);
    if (rc)
        return rc;
    mb_sf_bind_all(s, b);
    struct hit *h = NULL;
    size_t n = 0, cap = 0;
    while ((rc = mb_st_step(s)) == SQLITE_ROW) {
        struct hit x = { sqlite3_column_int64(s, 0), 0 };
        if (!mb_sf_within(f, sqlite3_column_double(s, 1), sqlite3_column_double(s, 2), &x.km))
            continue;
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
    struct mb_sf f;
    struct mb_sf_sql b;
    bool opened = false;
    int rc = mb_sf_prepare(&f, q, err);
    if (rc)
        return rc;
    if (f.empty)
        goto out;
    if (mb_st_model_covers(st, &f)) {
        /* The read model answers map searches and match candidates (not
         * keywords: mb_sf_in_memory). */
        rc = mb_st_model_search(st, &f, limit, out, err);
        if (rc != MB_ST_MODEL_DECLINED)
            goto out;
        rc = 0;
    }
    if (f.set & 1u << MB_SF_MATERIAL) {
        int64_t material_id = 0;
        if ((rc = material_id_of(st, q->material, &material_id, err)))
            goto out;
        mb_sf_set_material_id(&f, material_id);
    }
    if (f.empty || (rc = mb_sf_where(&f, &b, err)))
        goto out;
    if ((rc = mb_st_read_begin(st, &opened, err)))
        goto out;
    if (b.driver == MB_SF_DRIVE_SCAN) {
        /* Count first (index only), then choose: a rowid scan reads about
         * (offset + limit) * rows / total rows and needs no sort; the
         * index reads `total` entries and sorts their ids. */
        int64_t rows = 0;
        if ((rc = run_count(st, &b, &out->total, err)) || (rc = max_site_id(st, &rows, err)))
            goto out;
        if (q->offset < out->total) {
            double scan = ((double)q->offset + (double)limit) * (double)rows / (double)out->total;
            rc = run_page(st, q, &b, scan <= (double)out->total, limit, out, err);
        }
    } else if (b.a[0] != 's') {
        size_t total = 0;
        rc = run_rt_page(st, &f, &b, limit, out, &total, err);
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
        rc = run_page(st, q, &b, false, limit, out, err);
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
    mb_sf_release(&f);
    if (rc) {
        mb_site_page_release(out);
        out->total = 0;
    }
    return rc;
}
