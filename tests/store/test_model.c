/*
 * test_model.c - the store's in-memory read model (store_model.c) against
 * the SQL search it stands in for: random writes from two connections
 * (and raw SQL, as another program would write), each followed by random
 * map, radius and material searches that must come back byte for byte as
 * SQL gives them; a search inside a caller's transaction; the migration
 * of a version-3 file; threads writing and searching at once.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "support/tmpdir.h"

static uint64_t seed = 7;

static double rnd(void)
{
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(seed >> 11) / 9007199254740992.0;
}

static int rndi(int n)
{
    return (int)(rnd() * n);
}

static struct mb_store *open_file(const char *path, bool model)
{
    struct mb_store *st;
    struct mb_error err;
    cr_assert_eq(mb_store_open(&st, path, &err), 0, "open: %s", err.message);
    mb_store_model_enable(st, model);
    return st;
}

static int64_t make_org(struct mb_store *st, const char *name)
{
    struct mb_org o = { 0 };
    snprintf(o.name, sizeof o.name, "%s", name);
    struct mb_error err;
    cr_assert_eq(mb_store_org_create(st, &o, &err), 0, "org: %s", err.message);
    return o.id;
}

static const char *const MATS[] = { "rock.blasted", "soil.clay", "soil.sand",
                                    "product.crushed.0-32", "Soil.Clay", "peat" };
enum { NMATS = 6 };

/* A few hundred sites in two clusters, some on the very same spot. */
static double spot_lat[8], spot_lon[8];

static void random_site(struct mb_site_rec *r, int64_t org, char mats[4][32])
{
    r->org_id = org;
    r->type = (enum mb_site_type)rndi(MB_TYPE_COUNT);
    r->status = rnd() < 0.7 ? MB_STATUS_PUBLISHED
                : (enum mb_status)rndi(MB_STATUS_COUNT);
    static const char *const titles[] = { "Site", "Sprengstein Bærum", "Leire fra Lade",
                                          "Grøft – Åsen", "Masse-utskifting", "ØRLAND kai" };
    snprintf(r->title, sizeof r->title, "%s %d", titles[rndi(6)], rndi(1000));
    snprintf(r->municipality, sizeof r->municipality, "%s", rnd() < 0.5 ? "0301" : "");
    if (rnd() < 0.2) {
        int k = rndi(8);
        r->lat = spot_lat[k];
        r->lon = spot_lon[k];
    } else {
        bool north = rnd() < 0.5;
        r->lat = (north ? 63.4 : 59.9) + (rnd() - 0.5) * 0.6;
        r->lon = (north ? 10.4 : 10.75) + (rnd() - 0.5) * 1.2;
    }
    r->cls = 1 + rndi(5);
    r->amount_t = rnd() < 0.1 ? -1 : rndi(5000);
    if (rnd() < 0.2) {
        r->from_m = MB_NO_MONTH_FROM;
        r->to_m = MB_NO_MONTH_TO;
    } else {
        r->from_m = 24300 + rndi(24);
        r->to_m = r->from_m + rndi(12);
    }
    r->price_nok_per_t = rndi(300) - 100;
    r->co2_kg_per_t = rnd();
    r->nmaterials = 1 + (size_t)rndi(3);
    for (size_t i = 0; i < r->nmaterials; i++)
        snprintf(mats[i], 32, "%s", MATS[rndi(NMATS)]);
    snprintf(r->material, sizeof r->material, "%s", mats[0]);
    static char *const keywords[] = { "leire grøft", "Grus, sand", "bærum", "" };
    r->keywords = rnd() < 0.5 ? keywords[rndi(4)] : NULL;
    r->limits = rnd() < 0.5 ? "Pb=60;As=8" : NULL;
    r->doc = rnd() < 0.9 ? "{\"type\":\"supply\",\"title\":\"x\"}" : NULL;
}

static int64_t put_random(struct mb_store *st, int64_t id, int64_t org)
{
    struct mb_site_rec r = { 0 };
    char mats[4][32];
    char *ml[4] = { mats[0], mats[1], mats[2], mats[3] };
    random_site(&r, org, mats);
    r.materials = ml;
    r.id = id;
    struct mb_error err;
    int rc = mb_store_site_put(st, &r, &err);
    /* An update may name a site another program deleted. */
    if (id && rc == MB_ENOTFOUND)
        return 0;
    cr_assert_eq(rc, 0, "put: %s (%s)", err.message, err.field);
    return r.id;
}

static bool str_eq(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Every field of two records, including doc and materials. */
static void assert_rec_eq(const struct mb_site_rec *a, const struct mb_site_rec *b,
                          const char *what)
{
    cr_assert_eq(a->id, b->id, "%s: id %lld vs %lld", what, (long long)a->id,
                 (long long)b->id);
    cr_assert(a->org_id == b->org_id && a->type == b->type && a->status == b->status &&
              strcmp(a->title, b->title) == 0 && strcmp(a->municipality, b->municipality) == 0
              && memcmp(&a->lat, &b->lat, sizeof a->lat) == 0 &&
              memcmp(&a->lon, &b->lon, sizeof a->lon) == 0 &&
              strcmp(a->material, b->material) == 0 && a->cls == b->cls &&
              memcmp(&a->amount_t, &b->amount_t, sizeof a->amount_t) == 0 &&
              a->from_m == b->from_m && a->to_m == b->to_m &&
              memcmp(&a->price_nok_per_t, &b->price_nok_per_t, sizeof(double)) == 0 &&
              memcmp(&a->co2_kg_per_t, &b->co2_kg_per_t, sizeof(double)) == 0 &&
              str_eq(a->keywords, b->keywords) && str_eq(a->limits, b->limits) &&
              str_eq(a->doc, b->doc) && a->created == b->created &&
              a->updated == b->updated && a->version == b->version &&
              a->nmaterials == b->nmaterials,
              "%s: site %lld differs", what, (long long)a->id);
    for (size_t i = 0; i < a->nmaterials; i++)
        cr_assert(str_eq(a->materials[i], b->materials[i]), "%s: site %lld material %zu",
                  what, (long long)a->id, i);
}

/* The same search through SQL (sql) and the model (model): same code,
 * same page, same total. */
static int nonempty; /* comparisons that found sites */

static void compare(struct mb_store *sql, struct mb_store *model,
                    const struct mb_site_query *q, const char *what)
{
    struct mb_site_page a, b;
    struct mb_error ea, eb;
    int ra = mb_store_site_search(sql, q, &a, &ea);
    int rb = mb_store_site_search(model, q, &b, &eb);
    cr_assert_eq(ra, rb, "%s: rc %d vs %d", what, ra, rb);
    if (ra) {
        cr_assert_str_eq(ea.field, eb.field);
        cr_assert_str_eq(ea.message, eb.message);
        return;
    }
    if (a.n != b.n || a.total != b.total)
        fprintf(stderr, "%s: box %d %.9f %.9f %.9f %.9f radius %d %.9f %.9f %.3f mat %s"
                " types %u statuses %u viewer %lld all %d org %lld class %d window %d-%d"
                " amount %g exclude %lld text '%s' limit %zu offset %zu no_total %d"
                " sql n %zu total %zu, model n %zu total %zu\n", what, q->has_box,
                q->min_lat, q->min_lon, q->max_lat, q->max_lon, q->has_radius, q->lat, q->lon,
                q->radius_km, q->material ? q->material : "-", q->types, q->statuses,
                (long long)q->viewer_org, q->all_visible, (long long)q->org_id, q->max_class,
                q->from_m, q->to_m, q->min_amount_t, (long long)q->exclude_id,
                q->text ? q->text : "", q->limit, q->offset, q->no_total, a.n, a.total, b.n,
                b.total);
    cr_assert_eq(a.n, b.n, "%s: %zu vs %zu sites", what, a.n, b.n);
    cr_assert_eq(a.total, b.total, "%s: total %zu vs %zu", what, a.total, b.total);
    nonempty += a.n > 0;
    for (size_t i = 0; i < a.n; i++)
        assert_rec_eq(&a.items[i], &b.items[i], what);
    mb_site_page_release(&a);
    mb_site_page_release(&b);
}

/* A random search of the shapes the model answers (and a few it does
 * not, which both answer through SQL). Box edges fall on and next to
 * site positions, where the R*Tree's 32-bit rounding decides. */
static void random_query(struct mb_site_query *q, int64_t org, int64_t maxid)
{
    memset(q, 0, sizeof *q);
    double lat = rnd() < 0.5 ? 63.4 : 59.9, lon = rnd() < 0.5 ? 10.4 : 10.75;
    if (rnd() < 0.3) {
        int k = rndi(8);
        lat = spot_lat[k];
        lon = spot_lon[k];
    }
    lat += (rnd() - 0.5) * 0.5;
    lon += (rnd() - 0.5) * 1.0;
    double nudge = rnd() < 0.5 ? 0 : (rnd() - 0.5) * 2e-7;
    switch (rndi(4)) {
    case 0:
    case 1:
        q->has_box = true;
        q->min_lat = lat - rnd() * 0.3 + nudge;
        q->max_lat = lat + rnd() * 0.3 - nudge;
        q->min_lon = lon - rnd() * 0.5;
        q->max_lon = lon + rnd() * 0.5;
        if (rnd() < 0.3) { /* an edge exactly on a spot */
            int k = rndi(8);
            q->min_lat = spot_lat[k] + nudge;
            q->max_lon = spot_lon[k] - nudge;
            if (q->max_lat < q->min_lat)
                q->max_lat = q->min_lat + 0.2;
            if (q->min_lon > q->max_lon)
                q->min_lon = q->max_lon - 0.2;
        }
        if (rnd() < 0.02) { /* refused */
            double t = q->min_lat;
            q->min_lat = q->max_lat + 1;
            q->max_lat = t;
        }
        break;
    case 2:
        q->has_radius = true;
        q->lat = lat;
        q->lon = lon;
        q->radius_km = rnd() < 0.05 ? 400 : 0.5 + rnd() * 30;
        if (rnd() < 0.1) { /* a site on the circle's centre */
            int k = rndi(8);
            q->lat = spot_lat[k];
            q->lon = spot_lon[k];
        }
        break;
    default:
        q->has_radius = true;
        q->lat = lat;
        q->lon = lon;
        q->radius_km = 1 + rnd() * 20;
        q->has_box = rnd() < 0.3;
        q->min_lat = lat - 0.05;
        q->max_lat = lat + 0.2;
        q->min_lon = lon - 0.3;
        q->max_lon = lon + 0.1;
        break;
    }
    if (rnd() < 0.5)
        q->material = MATS[rndi(NMATS)];
    if (rnd() < 0.05)
        q->material = "never.listed";
    if (rnd() < 0.5)
        q->types = rnd() < 0.8 ? (unsigned)(1 + rndi((1 << MB_TYPE_COUNT) - 1))
                               : 1u << MB_TYPE_COUNT;
    switch (rndi(6)) {
    case 0: q->statuses = 1u << MB_STATUS_PUBLISHED; break;
    case 1: q->statuses = 1u << MB_STATUS_RESERVED; break;
    case 2: q->statuses = 1u << MB_STATUS_DRAFT; break;
    case 3: q->statuses = (1u << MB_STATUS_COUNT) - 1; q->viewer_org = org; break;
    default: break;
    }
    if (rnd() < 0.2)
        q->viewer_org = org;
    if (rnd() < 0.05)
        q->all_visible = true;
    if (rnd() < 0.2)
        q->org_id = org;
    if (rnd() < 0.3)
        q->max_class = 1 + rndi(5);
    if (rnd() < 0.4) {
        q->from_m = rnd() < 0.1 ? -5 : 24300 + rndi(30);
        q->to_m = rnd() < 0.2 ? 0 : q->from_m + rndi(6);
    }
    if (rnd() < 0.2)
        q->min_amount_t = rndi(4000);
    if (rnd() < 0.2)
        q->exclude_id = 1 + rndi((int)maxid);
    /* Words of one token each are tested by the model, others (a phrase
     * to FTS5: "grøft–leire", "utskifting·x") by SQL; no word filters nothing. */
    static const char *const texts[] = { " ,. ", "leire", "LEI", "grø", "gro", "bærum",
                                         "baerum", "Site 1", "grøft–leire", "s", "åsen",
                                         "Asen", "ørland", "masse-utskifting", "utskifting·x",
                                         "l", "kai 3", "grus sand" };
    if (rnd() < 0.2)
        q->text = texts[rndi((int)(sizeof texts / sizeof texts[0]))];
    q->limit = rnd() < 0.1 ? 1000 : 1 + (size_t)rndi(30);
    q->offset = rnd() < 0.6 ? 0 : (size_t)rndi(60);
    q->want_doc = rnd() < 0.5;
    q->no_materials = rnd() < 0.5;
    q->no_total = rnd() < 0.3;
}

static void warm(struct mb_store *st)
{
    struct mb_error err;
    cr_assert_eq(mb_store_model_warm(st, &err), 0, "warm: %s", err.message);
}

static void raw(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &msg), SQLITE_OK, "%s: %s", sql,
                 msg ? msg : "");
}

Test(model, equals_sql_over_random_writes_from_two_connections)
{
    char *path = tmpfile_path("model.db");
    struct mb_store *w1 = open_file(path, false), *w2 = open_file(path, false);
    struct mb_store *sql = open_file(path, false);
    struct mb_store *m1 = open_file(path, true), *m2 = open_file(path, true);
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    raw(db, "PRAGMA foreign_keys = ON");
    for (int k = 0; k < 8; k++) {
        spot_lat[k] = (k < 4 ? 63.4 : 59.9) + (rnd() - 0.5) * 0.4;
        spot_lon[k] = (k < 4 ? 10.4 : 10.75) + (rnd() - 0.5) * 0.8;
    }
    int64_t org = make_org(w1, "Graveco"), org2 = make_org(w2, "Masseco");
    int64_t maxid = 0;
    for (int i = 0; i < 300; i++)
        maxid = put_random(i % 2 ? w1 : w2, 0, i % 3 ? org : org2);
    warm(m1);
    int queries = 0;
    for (int step = 0; step < 400; step++) {
        struct mb_store *w = rnd() < 0.5 ? w1 : w2;
        int64_t id = 1 + rndi((int)maxid);
        struct mb_error err;
        char sqlbuf[256];
        switch (rndi(8)) {
        case 0:
            maxid = put_random(w, 0, rnd() < 0.5 ? org : org2);
            break;
        case 1:
        case 2: /* update: moves, new materials, status, window, ... */
            put_random(w, id, rnd() < 0.5 ? org : org2);
            break;
        case 3:
            mb_store_site_set_status(w, id, (enum mb_status)rndi(MB_STATUS_COUNT), &err);
            break;
        case 4: /* another program deletes a site */
            snprintf(sqlbuf, sizeof sqlbuf, "DELETE FROM site WHERE id = %lld",
                     (long long)id);
            raw(db, sqlbuf);
            break;
        case 5: /* another program moves a site (keeping materials) */
            snprintf(sqlbuf, sizeof sqlbuf, "UPDATE site SET lat = lat + 0.01, version ="
                     " version + 1 WHERE id = %lld", (long long)id);
            raw(db, sqlbuf);
            break;
        case 6: { /* a write inside a transaction of w, rolled back */
            struct mb_site_query q;
            cr_assert_eq(mb_store_begin(w, &err), 0);
            put_random(w, 0, org);
            random_query(&q, org, maxid);
            q.material = NULL;
            struct mb_site_page p;
            mb_store_site_search(w, &q, &p, &err); /* SQL inside the transaction */
            mb_site_page_release(&p);
            mb_store_rollback(w);
            break;
        }
        default: /* several writes in one transaction */
            cr_assert_eq(mb_store_begin(w, &err), 0);
            for (int k = 0; k < 3; k++) {
                int64_t got = put_random(w, rnd() < 0.5 ? 0 : id, org);
                maxid = got > maxid ? got : maxid;
            }
            cr_assert_eq(mb_store_commit(w, &err), 0, "%s", err.message);
            break;
        }
        for (int k = 0; k < 6; k++) {
            struct mb_site_query q;
            random_query(&q, org, maxid);
            char what[64];
            snprintf(what, sizeof what, "step %d query %d", step, k);
            compare(sql, k % 2 ? m1 : m2, &q, what);
            queries++;
            if (k == 2) { /* a write of the other connection between two reads */
                put_random(w == w1 ? w2 : w1, id, org);
                compare(sql, m1, &q, what);
            }
        }
    }
    /* A material changed by another program without touching the site row:
     * the change log's material triggers. (SQL's materials cache keys on the
     * site's version, which such an edit keeps; compare without materials.) */
    raw(db, "BEGIN IMMEDIATE");
    raw(db, "DELETE FROM site_material WHERE site_id IN (SELECT id FROM site"
            " WHERE status = 'published' LIMIT 20)");
    raw(db, "INSERT INTO site_material(site_id, pos, material) SELECT id, 0, 'peat'"
            " FROM site WHERE status = 'published' LIMIT 20");
    raw(db, "COMMIT");
    for (int k = 0; k < 200; k++) {
        struct mb_site_query q;
        random_query(&q, org, maxid);
        q.no_materials = true;
        compare(sql, m1, &q, "after a material edit");
    }
    struct mb_store_model_info info;
    cr_assert_eq(mb_store_model_info(m1, &info), 0);
    cr_assert(info.enabled && info.loaded);
    cr_assert_eq(info.full_loads, 1, "caught up, not reloaded: %llu loads",
                 (unsigned long long)info.full_loads);
    cr_assert_gt(info.applied, 300);
    cr_assert_gt(queries, 2000);
    cr_assert_gt(nonempty, queries / 3, "%d of %d searches found sites", nonempty, queries);
    sqlite3_close(db);
    mb_store_close(w1);
    mb_store_close(w2);
    mb_store_close(sql);
    mb_store_close(m1);
    mb_store_close(m2);
    free(path);
}

/* What a match asks (radius growing, material, counterpart types, window,
 * the listing excluded, no total) on a larger market. */
Test(model, match_shaped_searches_equal_sql)
{
    char *path = tmpfile_path("match.db");
    struct mb_store *w = open_file(path, false), *sql = open_file(path, false);
    struct mb_store *m = open_file(path, true);
    for (int k = 0; k < 8; k++) {
        spot_lat[k] = 59.9 + (rnd() - 0.5) * 0.4;
        spot_lon[k] = 10.75 + (rnd() - 0.5) * 0.8;
    }
    int64_t org = make_org(w, "Graveco");
    struct mb_error err;
    cr_assert_eq(mb_store_begin(w, &err), 0);
    for (int i = 0; i < 3000; i++)
        put_random(w, 0, org);
    cr_assert_eq(mb_store_commit(w, &err), 0);
    warm(m);
    for (int i = 0; i < 300; i++) {
        struct mb_site_query q = { 0 };
        q.statuses = 1u << MB_STATUS_PUBLISHED | 1u << MB_STATUS_RESERVED;
        q.has_radius = true;
        q.lat = 59.9 + (rnd() - 0.5) * 0.6;
        q.lon = 10.75 + (rnd() - 0.5) * 1.2;
        q.exclude_id = 1 + rndi(3000);
        q.no_total = true;
        q.from_m = 24300 + rndi(24);
        q.to_m = q.from_m + rndi(8);
        q.types = i % 2 ? 1u << MB_TYPE_NEED : 1u << MB_TYPE_LANDFILL | 1u << MB_TYPE_STORAGE |
                                                    1u << MB_TYPE_PLANT;
        q.material = i % 3 ? MATS[rndi(NMATS)] : NULL;
        q.limit = i % 2 ? 40 : 1000;
        for (double r = 10; r < 200; r *= 3) {
            q.radius_km = r;
            compare(sql, m, &q, "match");
        }
        if (i % 10 == 0)
            put_random(w, 1 + rndi(3000), org);
    }
    mb_store_close(w);
    mb_store_close(sql);
    mb_store_close(m);
    free(path);
}

/* A version-3 file (before the change log) migrates to version 4, and the
 * model then serves what SQL serves, also after new writes. */
Test(model, a_version_3_file_migrates_and_is_served)
{
    char *path = tmpfile_path("v3.db");
    struct mb_store *st = open_file(path, false);
    int64_t org = make_org(st, "Graveco");
    for (int k = 0; k < 8; k++) {
        spot_lat[k] = 63.4 + (rnd() - 0.5) * 0.4;
        spot_lon[k] = 10.4 + (rnd() - 0.5) * 0.8;
    }
    for (int i = 0; i < 100; i++)
        put_random(st, 0, org);
    mb_store_close(st);
    /* Back to version 3: what MIGRATION_4 and MIGRATION_5 made is dropped. */
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    raw(db, "DROP TRIGGER site_change_ai; DROP TRIGGER site_change_au;"
            " DROP TRIGGER site_change_ad; DROP TRIGGER site_material_change_ai;"
            " DROP TRIGGER site_material_change_au; DROP TRIGGER site_material_change_ad;"
            " DROP TABLE site_change; DROP TABLE site_change_floor;"
            " ALTER TABLE audit DROP COLUMN state; ALTER TABLE audit DROP COLUMN sig;"
            " DROP TABLE site_staged; DROP TABLE address_fts; DROP TABLE address;"
            " DROP TABLE org_contact; DROP TABLE thread_read; DROP TABLE message;"
            " DROP TABLE thread; ALTER TABLE document DROP COLUMN kind;"
            " DROP TRIGGER road_queue_ai; DROP TRIGGER road_queue_au; DROP TRIGGER road_queue_moved; DROP TRIGGER road_queue_material; DROP TABLE road_queue; DROP TABLE road_distance; DROP TABLE job_words; DROP TABLE suggestion; DROP TABLE alert_cursor; DROP TABLE outbox; DROP TABLE alert_pref; DROP TABLE notification; DROP TABLE saved_search; DROP TABLE account_token; DROP TABLE org_status;"
            " PRAGMA user_version = 3;");
    /* A version-3 program's writes. */
    raw(db, "UPDATE site SET status = 'closed' WHERE id % 7 = 0;"
            " UPDATE site SET lat = lat + 0.002, version = version + 1 WHERE id % 5 = 0");
    sqlite3_close(db);
    struct mb_store *sql = open_file(path, false), *m = open_file(path, true);
    cr_assert_eq(mb_store_schema_version(m), MB_STORE_SCHEMA_VERSION);
    warm(m);
    for (int i = 0; i < 300; i++) {
        struct mb_site_query q;
        random_query(&q, org, 100);
        compare(sql, m, &q, "migrated");
        if (i % 20 == 0)
            put_random(sql, 1 + rndi(100), org);
    }
    struct mb_store_model_info info;
    cr_assert_eq(mb_store_model_info(m, &info), 0);
    cr_assert(info.loaded && info.seq > 0);
    mb_store_close(sql);
    mb_store_close(m);
    free(path);
}

/* The log keeps a bounded tail: a model that slept through more changes
 * than the tail holds loads everything again, and is exact. */
Test(model, a_model_behind_the_pruned_log_reloads)
{
    char *path = tmpfile_path("prune.db");
    struct mb_store *w = open_file(path, false), *sql = open_file(path, false);
    struct mb_store *m = open_file(path, true);
    int64_t org = make_org(w, "Graveco");
    for (int i = 0; i < 50; i++)
        put_random(w, 0, org);
    struct mb_site_query q = { .has_box = true, .min_lat = -90, .max_lat = 90,
                               .min_lon = -180, .max_lon = 180, .limit = 1000,
                               .want_doc = true };
    warm(m);
    compare(sql, m, &q, "first");
    /* 70,000 changes of one site: past the kept tail of 65,536. */
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    raw(db, "BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
            " WHERE i < 70000) INSERT INTO site_change(site_id) SELECT 1 FROM n; COMMIT");
    raw(db, "UPDATE site SET status = 'closed', version = version + 1 WHERE id = 2");
    sqlite3_stmt *s;
    cr_assert_eq(sqlite3_prepare_v2(db, "SELECT seq FROM site_change_floor", -1, &s, NULL),
                 SQLITE_OK);
    cr_assert_eq(sqlite3_step(s), SQLITE_ROW);
    cr_assert_gt(sqlite3_column_int64(s, 0), 1000);
    sqlite3_finalize(s);
    sqlite3_close(db);
    compare(sql, m, &q, "after the prune");
    struct mb_store_model_info info;
    cr_assert_eq(mb_store_model_info(m, &info), 0);
    cr_assert_eq(info.full_loads, 2);
    mb_store_close(w);
    mb_store_close(sql);
    mb_store_close(m);
    free(path);
}

/* Threads writing and searching at once (for the sanitizers and TSan);
 * afterwards the model equals SQL. */
struct worker {
    const char *path;
    int64_t org;
    int id;
    uint64_t seed;
};

static double wrnd(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(*s >> 11) / 9007199254740992.0;
}

static void *work(void *arg)
{
    struct worker *wk = arg;
    struct mb_store *st;
    struct mb_error err;
    if (mb_store_open(&st, wk->path, &err))
        return (void *)1;
    for (int i = 0; i < 300; i++) {
        if (wk->id < 2) {
            struct mb_site_rec r = { .org_id = wk->org, .type = MB_TYPE_SUPPLY,
                                     .status = MB_STATUS_PUBLISHED, .cls = 1,
                                     .amount_t = 10, .from_m = 24300, .to_m = 24310 };
            snprintf(r.title, sizeof r.title, "T");
            snprintf(r.material, sizeof r.material, "soil.clay");
            char m0[16] = "soil.clay";
            char *ml[1] = { m0 };
            r.materials = ml;
            r.nmaterials = 1;
            r.lat = 59.9 + wrnd(&wk->seed) * 0.1;
            r.lon = 10.7 + wrnd(&wk->seed) * 0.1;
            r.id = i % 3 ? 0 : 1 + (int64_t)(wrnd(&wk->seed) * 100);
            r.status = i % 5 ? MB_STATUS_PUBLISHED : MB_STATUS_CLOSED;
            mb_store_site_put(st, &r, &err);
        } else {
            struct mb_site_query q = { .has_radius = true, .lat = 59.95, .lon = 10.75,
                                       .radius_km = 3 + wrnd(&wk->seed) * 5,
                                       .material = i % 2 ? "soil.clay" : NULL,
                                       .limit = 20 };
            struct mb_site_page p;
            if (mb_store_site_search(st, &q, &p, &err) == 0)
                mb_site_page_release(&p);
        }
    }
    mb_store_close(st);
    return NULL;
}

Test(model, threads_write_and_search_at_once)
{
    char *path = tmpfile_path("threads.db");
    struct mb_store *sql = open_file(path, false), *m = open_file(path, true);
    int64_t org = make_org(sql, "Graveco");
    warm(m);
    enum { N = 4 };
    pthread_t t[N];
    struct worker wk[N];
    for (int i = 0; i < N; i++) {
        wk[i] = (struct worker){ .path = path, .org = org, .id = i, .seed = 11 + (uint64_t)i };
        cr_assert_eq(pthread_create(&t[i], NULL, work, &wk[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        void *ret;
        pthread_join(t[i], &ret);
        cr_assert_null(ret);
    }
    for (int i = 0; i < 100; i++) {
        struct mb_site_query q;
        random_query(&q, org, 600);
        compare(sql, m, &q, "after the threads");
    }
    mb_store_close(sql);
    mb_store_close(m);
    free(path);
}
