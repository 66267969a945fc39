/*
 * test_store.c - the SQLite store: migrations, organisations, users,
 * tokens, sites (round trip, updates, every search filter, visibility,
 * paging), all-or-nothing writes checked with the fingerprint,
 * transactions, concurrent opening, documents and jobs.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/text.h"
#include "store/store.h"
#include "store/store_sqlite.h"
#include "support/tmpdir.h"

static struct mb_store *open_mem(void)
{
    struct mb_store *st = NULL;
    struct mb_error err;
    int rc = mb_store_open(&st, ":memory:", &err);
    cr_assert_eq(rc, 0, "open: %s", err.message);
    return st;
}

static void fingerprint(struct mb_store *st, char *buf, size_t size)
{
    struct mb_error err;
    cr_assert_eq(mb_store_fingerprint(st, buf, size, &err), 0, "%s", err.message);
}

static int64_t make_org(struct mb_store *st, const char *name, const char *orgnr)
{
    struct mb_org o = {0};
    snprintf(o.name, sizeof o.name, "%s", name);
    snprintf(o.orgnr, sizeof o.orgnr, "%s", orgnr);
    struct mb_error err;
    cr_assert_eq(mb_store_org_create(st, &o, &err), 0, "org: %s", err.message);
    cr_assert_gt(o.id, 0);
    return o.id;
}

static int64_t make_user(struct mb_store *st, int64_t org, const char *email)
{
    struct mb_user u = {.org_id = org, .role = MB_ROLE_CONTRACTOR};
    snprintf(u.email, sizeof u.email, "%s", email);
    snprintf(u.name, sizeof u.name, "Kari");
    struct mb_error err;
    cr_assert_eq(mb_store_user_create(st, &u, "$argon2id$x", &err), 0, "%s", err.message);
    return u.id;
}

/* A published supply with everything the filters look at. */
static struct mb_site_rec site(int64_t org, enum mb_site_type type, const char *title,
                               double lat, double lon, const char *material)
{
    struct mb_site_rec r = {0};
    r.org_id = org;
    r.type = type;
    r.status = MB_STATUS_PUBLISHED;
    snprintf(r.title, sizeof r.title, "%s", title);
    r.lat = lat;
    r.lon = lon;
    snprintf(r.material, sizeof r.material, "%s", material);
    r.cls = 1;
    r.amount_t = 1000;
    r.from_m = MB_NO_MONTH_FROM;
    r.to_m = MB_NO_MONTH_TO;
    return r;
}

/* Store r (with its one material) and return its id. */
static int64_t put(struct mb_store *st, struct mb_site_rec *r)
{
    char *mats[1] = {r->material};
    if (!r->materials && r->material[0]) {
        r->materials = mats;
        r->nmaterials = 1;
    }
    struct mb_error err;
    int rc = mb_store_site_put(st, r, &err);
    if (r->materials == mats) {
        r->materials = NULL;
        r->nmaterials = 0;
    }
    cr_assert_eq(rc, 0, "put: %s (%s)", err.message, err.field);
    return r->id;
}

static int64_t put_site(struct mb_store *st, int64_t org, enum mb_site_type type,
                        const char *title, double lat, double lon, const char *material)
{
    struct mb_site_rec r = site(org, type, title, lat, lon, material);
    return put(st, &r);
}

/* Search and return the ids found, in order, as "1,2,3". */
static const char *ids(struct mb_store *st, const struct mb_site_query *q, size_t *total)
{
    static char buf[4096];
    struct mb_site_page p;
    struct mb_error err;
    int rc = mb_store_site_search(st, q, &p, &err);
    cr_assert_eq(rc, 0, "search: %s (%s)", err.message, err.field);
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < p.n; i++)
        o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%lld", i ? "," : "",
                              (long long)p.items[i].id);
    if (total)
        *total = p.total;
    mb_site_page_release(&p);
    return buf;
}

/* ---- migrations -------------------------------------------------------------- */

Test(store, migration_reaches_the_current_version)
{
    char *path = tmpfile_path("v1.db");
    struct mb_store *st;
    struct mb_error err;
    cr_assert_eq(mb_store_open(&st, path, &err), 0, "%s", err.message);
    cr_assert_eq(mb_store_schema_version(st), MB_STORE_SCHEMA_VERSION);
    mb_store_close(st);
    free(path);
}

Test(store, reopening_keeps_data_and_does_not_migrate_again)
{
    char *path = tmpfile_path("re.db");
    struct mb_store *st;
    struct mb_error err;
    cr_assert_eq(mb_store_open(&st, path, &err), 0, "%s", err.message);
    int64_t org = make_org(st, "Graveco", "912345678");
    put_site(st, org, MB_TYPE_SUPPLY, "Leire fra Lade", 63.44, 10.45, "CLAY");
    char before[128], after[128];
    fingerprint(st, before, sizeof before);
    mb_store_close(st);
    cr_assert_eq(mb_store_open(&st, path, &err), 0, "%s", err.message);
    cr_assert_eq(mb_store_schema_version(st), MB_STORE_SCHEMA_VERSION);
    fingerprint(st, after, sizeof after);
    cr_assert_str_eq(before, after);
    struct mb_org o;
    cr_assert_eq(mb_store_org_get(st, org, &o, &err), 0);
    cr_assert_str_eq(o.name, "Graveco");
    mb_store_close(st);
    free(path);
}

Test(store, newer_schema_is_refused)
{
    char *path = tmpfile_path("new.db");
    struct mb_store *st;
    struct mb_error err;
    cr_assert_eq(mb_store_open(&st, path, &err), 0, "%s", err.message);
    mb_store_close(st);
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    char sql[64], want[32];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", MB_STORE_SCHEMA_VERSION + 1);
    snprintf(want, sizeof want, "version %d", MB_STORE_SCHEMA_VERSION + 1);
    cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    st = (struct mb_store *)1;
    cr_assert_eq(mb_store_open(&st, path, &err), MB_EINVAL);
    cr_assert_null(st);
    cr_assert(strstr(err.message, want), "%s", err.message);
    free(path);
}

struct opener {
    const char *path;
    int rc;
    int version;
    char message[320];
};

static void *open_thread(void *arg)
{
    struct opener *o = arg;
    struct mb_store *st = NULL;
    struct mb_error err = {0};
    o->rc = mb_store_open(&st, o->path, &err);
    snprintf(o->message, sizeof o->message, "%s", err.message);
    if (!o->rc) {
        o->version = mb_store_schema_version(st);
        /* Each also writes, so the writers contend for the lock too. */
        struct mb_org org = {0};
        snprintf(org.name, sizeof org.name, "T");
        if (mb_store_org_create(st, &org, &err) != 0) {
            o->rc = err.code;
            snprintf(o->message, sizeof o->message, "%s", err.message);
        }
        mb_store_close(st);
    }
    return NULL;
}

Test(store, concurrent_opening_of_a_new_file_succeeds)
{
    for (int round = 0; round < 5; round++) {
        char name[32];
        snprintf(name, sizeof name, "conc%d.db", round);
        char *path = tmpfile_path(name);
        enum { N = 6 };
        pthread_t t[N];
        struct opener o[N];
        for (int i = 0; i < N; i++) {
            o[i] = (struct opener){.path = path};
            cr_assert_eq(pthread_create(&t[i], NULL, open_thread, &o[i]), 0);
        }
        for (int i = 0; i < N; i++)
            pthread_join(t[i], NULL);
        for (int i = 0; i < N; i++) {
            cr_assert_eq(o[i].rc, 0, "round %d thread %d: %s", round, i, o[i].message);
            cr_assert_eq(o[i].version, MB_STORE_SCHEMA_VERSION);
        }
        struct mb_store *st;
        struct mb_error err;
        cr_assert_eq(mb_store_open(&st, path, &err), 0);
        struct mb_org *orgs;
        size_t n;
        cr_assert_eq(mb_store_org_list(st, &orgs, &n, &err), 0);
        cr_assert_eq(n, N);
        free(orgs);
        mb_store_close(st);
        free(path);
    }
}

/* ---- organisations, users, tokens ------------------------------------------------ */

Test(store, org_create_get_list_and_unique_orgnr)
{
    struct mb_store *st = open_mem();
    struct mb_error err;
    int64_t a = make_org(st, "Vegvesen", "971032081");
    int64_t b = make_org(st, "Anleggsfirma", "");
    make_org(st, "Another without number", "");
    struct mb_org o;
    cr_assert_eq(mb_store_org_get(st, a, &o, &err), 0);
    cr_assert_str_eq(o.orgnr, "971032081");
    cr_assert_gt(o.created, 0);
    cr_assert_eq(mb_store_org_get(st, 999, &o, &err), MB_ENOTFOUND);

    char before[128], after[128];
    fingerprint(st, before, sizeof before);
    struct mb_org dup = {0};
    snprintf(dup.name, sizeof dup.name, "Copy");
    snprintf(dup.orgnr, sizeof dup.orgnr, "971032081");
    cr_assert_eq(mb_store_org_create(st, &dup, &err), MB_ECONFLICT);
    cr_assert_str_eq(err.field, "orgnr");
    snprintf(dup.orgnr, sizeof dup.orgnr, "12ab");
    cr_assert_eq(mb_store_org_create(st, &dup, &err), MB_EINVAL);
    cr_assert_str_eq(err.field, "orgnr");
    fingerprint(st, after, sizeof after);
    cr_assert_str_eq(before, after);

    struct mb_org *list;
    size_t n;
    cr_assert_eq(mb_store_org_list(st, &list, &n, &err), 0);
    cr_assert_eq(n, 3);
    cr_assert_eq(list[0].id, b);  /* by name: "Anleggsfirma" first */
    free(list);
    mb_store_close(st);
}

Test(store, user_email_is_lower_case_unique_and_found_in_any_case)
{
    struct mb_store *st = open_mem();
    struct mb_error err;
    int64_t org = make_org(st, "Graveco", "");
    struct mb_user u = {.org_id = org, .role = MB_ROLE_HAULER};
    snprintf(u.email, sizeof u.email, "Ola.Nordmann@Example.NO");
    snprintf(u.name, sizeof u.name, "Ola");
    cr_assert_eq(mb_store_user_create(st, &u, "$argon2id$v=19$hash", &err), 0, "%s",
                 err.message);
    cr_assert_str_eq(u.email, "ola.nordmann@example.no");

    struct mb_user got;
    char hash[128];
    cr_assert_eq(mb_store_user_by_email(st, "OLA.NORDMANN@example.no", &got, hash,
                                        sizeof hash, &err), 0);
    cr_assert_eq(got.id, u.id);
    cr_assert_eq(got.role, MB_ROLE_HAULER);
    cr_assert_str_eq(hash, "$argon2id$v=19$hash");
    cr_assert_eq(mb_store_user_get(st, u.id, &got, &err), 0);
    cr_assert_str_eq(got.name, "Ola");
    cr_assert_eq(mb_store_user_by_email(st, "kari@example.no", &got, hash, sizeof hash,
                                        &err), MB_ENOTFOUND);

    char before[128], after[128];
    fingerprint(st, before, sizeof before);
    struct mb_user dup = {.org_id = org, .role = MB_ROLE_ADMIN};
    snprintf(dup.email, sizeof dup.email, "ola.NORDMANN@example.no");
    cr_assert_eq(mb_store_user_create(st, &dup, "h", &err), MB_ECONFLICT);
    cr_assert_str_eq(err.field, "email");
    fingerprint(st, after, sizeof after);
    cr_assert_str_eq(before, after);

    struct mb_user *list;
    size_t n;
    cr_assert_eq(mb_store_user_list(st, org, &list, &n, &err), 0);
    cr_assert_eq(n, 1);
    free(list);
    mb_store_close(st);
}

Test(store, user_of_unknown_org_is_refused_naming_org_id)
{
    struct mb_store *st = open_mem();
    struct mb_error err;
    char before[128], after[128];
    fingerprint(st, before, sizeof before);
    struct mb_user u = {.org_id = 42, .role = MB_ROLE_ADMIN};
    snprintf(u.email, sizeof u.email, "a@b.no");
    cr_assert_eq(mb_store_user_create(st, &u, "h", &err), MB_EINVAL);
    cr_assert_str_eq(err.field, "org_id");
    fingerprint(st, after, sizeof after);
    cr_assert_str_eq(before, after);
    mb_store_close(st);
}

Test(store, tokens_expire_and_can_be_deleted)
{
    struct mb_store *st = open_mem();
    struct mb_error err;
    int64_t org = make_org(st, "Graveco", "");
    int64_t uid = make_user(st, org, "kari@example.no");
    int64_t now = (int64_t)time(NULL);
    cr_assert_eq(mb_store_token_add(st, "aa11", uid, now + 1000, &err), 0, "%s", err.message);
    cr_assert_eq(mb_store_token_add(st, "bb22", uid, now + 5000, &err), 0);
    cr_assert_eq(mb_store_token_add(st, "cc33", 777, now + 5000, &err), MB_EINVAL);
    cr_assert_str_eq(err.field, "user_id");
    struct mb_user u;
    cr_assert_eq(mb_store_token_user(st, "aa11", now + 999, &u, &err), 0);
    cr_assert_eq(u.id, uid);
    cr_assert_str_eq(u.email, "kari@example.no");
    cr_assert_eq(mb_store_token_user(st, "aa11", now + 1000, &u, &err), MB_ENOTFOUND);
    cr_assert_eq(mb_store_token_user(st, "zz", 0, &u, &err), MB_ENOTFOUND);
    cr_assert_eq(mb_store_token_delete(st, "bb22", &err), 0);
    cr_assert_eq(mb_store_token_user(st, "bb22", 0, &u, &err), MB_ENOTFOUND);
    cr_assert_eq(mb_store_token_delete(st, "bb22", &err), MB_ENOTFOUND);
    mb_store_close(st);
}

/* A sign-in removes the user's expired tokens (and nobody else's), so the
 * table does not grow with every sign-in for ever. */
Test(store, a_new_token_clears_the_users_expired_ones)
{
    struct mb_store *st = open_mem();
    struct mb_error err;
    int64_t org = make_org(st, "Graveco", "");
    int64_t kari = make_user(st, org, "kari@example.no");
    int64_t ola = make_user(st, org, "ola@example.no");
    int64_t now = (int64_t)time(NULL);
    cr_assert_eq(mb_store_token_add(st, "old-kari", kari, now - 10, &err), 0);
    cr_assert_eq(mb_store_token_add(st, "old-ola", ola, now - 10, &err), 0);
    cr_assert_eq(mb_store_token_add(st, "live-kari", kari, now + 100, &err), 0);
    struct mb_user u;
    /* Asked as of a time before they expired: Kari's old token is gone,
     * Ola's is still there (he has not signed in since). */
    cr_assert_eq(mb_store_token_user(st, "old-kari", now - 100, &u, &err), MB_ENOTFOUND);
    cr_assert_eq(mb_store_token_user(st, "old-ola", now - 100, &u, &err), 0);
    cr_assert_eq(mb_store_token_user(st, "live-kari", now, &u, &err), 0);
    mb_store_close(st);
}

/* ---- sites -------------------------------------------------------------------- */

Test(store, site_round_trip_keeps_every_field)
{
    struct mb_store *st = open_mem();
    struct mb_error err;
    int64_t org = make_org(st, "Graveco", "");
    struct mb_site_rec r = site(org, MB_TYPE_NEED, "Fylling til Bærum grøft", 59.91, 10.52,
                                "SAND");
    r.status = MB_STATUS_DRAFT;
    snprintf(r.municipality, sizeof r.municipality, "3024");
    char *mats[] = {"SAND", "GRAVEL", "CRUSHED_ROCK"};
    r.materials = mats;
    r.nmaterials = 3;
    r.cls = 3;
    r.amount_t = 12345.5;
    r.from_m = 24300;
    r.to_m = 24310;
    r.price_nok_per_t = -42.25;
    r.co2_kg_per_t = 1.5;
    r.keywords = "fylling veg";
    r.limits = "Pb=60;As=8";
    r.doc = "{\"title\":\"Fylling\",\"n\":[1,2]}";
    cr_assert_eq(mb_store_site_put(st, &r, &err), 0, "%s (%s)", err.message, err.field);
    cr_assert_gt(r.id, 0);
    cr_assert_eq(r.version, 1);
    cr_assert_gt(r.created, 0);
    cr_assert_eq(r.updated, r.created);

    struct mb_site_rec g;
    cr_assert_eq(mb_store_site_get(st, r.id, &g, &err), 0, "%s", err.message);
    cr_assert_eq(g.id, r.id);
    cr_assert_eq(g.org_id, org);
    cr_assert_eq(g.type, MB_TYPE_NEED);
    cr_assert_eq(g.status, MB_STATUS_DRAFT);
    cr_assert_str_eq(g.title, "Fylling til Bærum grøft");
    cr_assert_str_eq(g.municipality, "3024");
    cr_assert_eq(g.lat, 59.91);
    cr_assert_eq(g.lon, 10.52);
    cr_assert_str_eq(g.material, "SAND");
    cr_assert_eq(g.nmaterials, 3);
    cr_assert_str_eq(g.materials[0], "SAND");
    cr_assert_str_eq(g.materials[1], "GRAVEL");
    cr_assert_str_eq(g.materials[2], "CRUSHED_ROCK");
    cr_assert_eq(g.cls, 3);
    cr_assert_eq(g.amount_t, 12345.5);
    cr_assert_eq(g.from_m, 24300);
    cr_assert_eq(g.to_m, 24310);
    cr_assert_eq(g.price_nok_per_t, -42.25);
    cr_assert_eq(g.co2_kg_per_t, 1.5);
    cr_assert_str_eq(g.keywords, "fylling veg");
    cr_assert_str_eq(g.limits, "Pb=60;As=8");
    cr_assert_str_eq(g.doc, r.doc);
    cr_assert_eq(g.created, r.created);
    cr_assert_eq(g.updated, r.updated);
    cr_assert_eq(g.version, 1);

    struct mb_site_rec c;
    mb_site_rec_copy(&c, &g);
    cr_assert_neq(c.materials, g.materials);
    cr_assert_str_eq(c.materials[2], "CRUSHED_ROCK");
    cr_assert_str_eq(c.doc, g.doc);
    mb_site_rec_release(&c);
    mb_site_rec_release(&g);
    cr_assert_eq(mb_store_site_get(st, r.id + 100, &g, &err), MB_ENOTFOUND);
    mb_store_close(st);
}

Test(store, site_null_texts_round_trip_as_null)
{
    struct mb_store *st = open_mem();
    struct mb_error err;
    int64_t id = put_site(st, make_org(st, "O", ""), MB_TYPE_LANDFILL, "Deponi", 63, 10, "");
    struct mb_site_rec g;
    cr_assert_eq(mb_store_site_get(st, id, &g, &err), 0);
    cr_assert_null(g.keywords);
    cr_assert_null(g.limits);
    cr_assert_null(g.doc);
    cr_assert_eq(g.nmaterials, 0);
    mb_site_rec_release(&g);
    mb_store_close(st);
}

Test(store, update_bumps_version_keeps_created_and_replaces_index_rows)
{
    struct mb_store *st = open_mem();
    struct mb_error err;
    int64_t org = make_org(st, "Graveco", "");
    struct mb_site_rec r = site(org, MB_TYPE_SUPPLY, "Leire Lade", 63.44, 10.45, "CLAY");
    r.keywords = "blåleire";
    put(st, &r);
    int64_t created = r.created;
    snprintf(r.title, sizeof r.title, "Sand Heimdal");
    snprintf(r.material, sizeof r.material, "SAND");
    r.keywords = "morene";
    r.lat = 63.35;
    r.lon = 10.36;
    put(st, &r);
    cr_assert_eq(r.version, 2);
    cr_assert_eq(r.created, created);

    struct mb_site_rec g;
    cr_assert_eq(mb_store_site_get(st, r.id, &g, &err), 0);
    cr_assert_eq(g.version, 2);
    cr_assert_str_eq(g.title, "Sand Heimdal");
    cr_assert_eq(g.nmaterials, 1);
    cr_assert_str_eq(g.materials[0], "SAND");
    mb_site_rec_release(&g);

    /* The old material, words and position no longer find it. */
    struct mb_site_query q = {.material = "CLAY"};
    cr_assert_str_eq(ids(st, &q, NULL), "");
    q = (struct mb_site_query){.text = "blåleire"};
    cr_assert_str_eq(ids(st, &q, NULL), "");
    q = (struct mb_site_query){.text = "moren"};
    cr_assert_str_eq(ids(st, &q, NULL), "1");
    q = (struct mb_site_query){.has_box = true, .min_lat = 63.43, .max_lat = 63.45,
                               .min_lon = 10.44, .max_lon = 10.46};
    cr_assert_str_eq(ids(st, &q, NULL), "");
    q.min_lat = 63.3;
    q.min_lon = 10.3;
    cr_assert_str_eq(ids(st, &q, NULL), "1");

    cr_assert_eq(mb_store_site_set_status(st, r.id, MB_STATUS_CLOSED, &err), 0);
    cr_assert_eq(mb_store_site_get(st, r.id, &g, &err), 0);
    cr_assert_eq(g.status, MB_STATUS_CLOSED);
    cr_assert_eq(g.version, 3);
    mb_site_rec_release(&g);
    cr_assert_eq(mb_store_site_set_status(st, 99, MB_STATUS_CLOSED, &err), MB_ENOTFOUND);

    struct mb_site_rec missing = site(org, MB_TYPE_SUPPLY, "X", 63, 10, "SAND");
    missing.id = 99;
    char before[128], after[128];
    fingerprint(st, before, sizeof before);
    cr_assert_eq(mb_store_site_put(st, &missing, &err), MB_ENOTFOUND);
    fingerprint(st, after, sizeof after);
    cr_assert_str_eq(before, after);
    mb_store_close(st);
}

Test(store, failing_puts_change_nothing)
{
    struct mb_store *st = open_mem();
    struct mb_error err;
    int64_t org = make_org(st, "Graveco", "");
    put_site(st, org, MB_TYPE_SUPPLY, "Leire", 63.4, 10.4, "CLAY");
    char before[128], after[128];
    fingerprint(st, before, sizeof before);

    struct mb_site_rec r = site(org + 50, MB_TYPE_SUPPLY, "Ghost", 63, 10, "SAND");
    char *mats[] = {"SAND"};
    r.materials = mats;
    r.nmaterials = 1;
    cr_assert_eq(mb_store_site_put(st, &r, &err), MB_EINVAL);
    cr_assert_str_eq(err.field, "org_id");
    cr_assert_eq(r.id, 0);

    r = site(org, MB_TYPE_SUPPLY, "Bad class", 63, 10, "SAND");
    r.cls = 9;
    cr_assert_eq(mb_store_site_put(st, &r, &err), MB_EINVAL);
    cr_assert_str_eq(err.field, "class");

    /* The row is fine, its second material is not: nothing is kept. */
    r = site(org, MB_TYPE_NEED, "Half", 63, 10, "SAND");
    char *bad[] = {"SAND", ""};
    r.materials = bad;
    r.nmaterials = 2;
    cr_assert_eq(mb_store_site_put(st, &r, &err), MB_EINVAL);
    cr_assert_str_eq(err.field, "materials");

    r = site(org, MB_TYPE_SUPPLY, "Bad doc", 63, 10, "SAND");
    r.doc = "{not json";
    cr_assert_eq(mb_store_site_put(st, &r, &err), MB_EINVAL);
    cr_assert_str_eq(err.field, "doc");

    r = site(org, MB_TYPE_SUPPLY, "Bad window", 63, 10, "SAND");
    r.from_m = 5;
    r.to_m = 4;
    cr_assert_eq(mb_store_site_put(st, &r, &err), MB_EINVAL);
    cr_assert_str_eq(err.field, "window");

    fingerprint(st, after, sizeof after);
    cr_assert_str_eq(before, after);
    struct mb_site_query q = {.statuses = 0xF, .all_visible = true};
    size_t total;
    cr_assert_str_eq(ids(st, &q, &total), "1");
    mb_store_close(st);
}

Test(store, fingerprint_sees_every_change)
{
    struct mb_store *st = open_mem();
    struct mb_error err;
    char a[128], b[128], c[128];
    int64_t org = make_org(st, "Graveco", "");
    int64_t id = put_site(st, org, MB_TYPE_SUPPLY, "Leire", 63.4, 10.4, "CLAY");
    fingerprint(st, a, sizeof a);
    cr_assert_eq(mb_store_site_set_status(st, id, MB_STATUS_RESERVED, &err), 0);
    fingerprint(st, b, sizeof b);
    cr_assert_str_neq(a, b);
    make_user(st, org, "x@y.no");
    fingerprint(st, c, sizeof c);
    cr_assert_str_neq(b, c);
    mb_store_close(st);
}

/* ---- search ---------------------------------------------------------------------- */

Test(store, search_box_uses_exact_edges)
{
    struct mb_store *st = open_mem();
    int64_t org = make_org(st, "O", "");
    put_site(st, org, MB_TYPE_SUPPLY, "Trondheim", 63.43, 10.39, "SAND");  /* 1 */
    put_site(st, org, MB_TYPE_SUPPLY, "Oslo", 59.91, 10.75, "SAND");       /* 2 */
    put_site(st, org, MB_TYPE_SUPPLY, "Stjørdal", 63.47, 10.92, "SAND");   /* 3 */
    struct mb_site_query q = {.has_box = true, .min_lat = 63, .max_lat = 64,
                              .min_lon = 10, .max_lon = 11};
    size_t total;
    cr_assert_str_eq(ids(st, &q, &total), "1,3");
    cr_assert_eq(total, 2);
    q.max_lon = 10.9199;  /* just west of Stjørdal */
    cr_assert_str_eq(ids(st, &q, NULL), "1");
    q.min_lat = 65;
    struct mb_site_page p;
    struct mb_error err;
    cr_assert_eq(mb_store_site_search(st, &q, &p, &err), MB_EINVAL);
    cr_assert_str_eq(err.field, "box");
    mb_store_close(st);
}

Test(store, search_radius_orders_by_distance_and_leaves_far_sites_out)
{
    struct mb_store *st = open_mem();
    int64_t org = make_org(st, "O", "");
    put_site(st, org, MB_TYPE_SUPPLY, "Melhus 17 km", 63.285, 10.278, "SAND");  /* 1 */
    put_site(st, org, MB_TYPE_SUPPLY, "Sentrum 0 km", 63.4305, 10.3951, "SAND"); /* 2 */
    put_site(st, org, MB_TYPE_SUPPLY, "Oslo 390 km", 59.91, 10.75, "SAND");     /* 3 */
    put_site(st, org, MB_TYPE_SUPPLY, "Heimdal 10 km", 63.35, 10.36, "SAND");   /* 4 */
    /* 25 km north of the centre: just outside a 24 km circle, although
     * inside its bounding box's corner region is not needed for that. */
    put_site(st, org, MB_TYPE_SUPPLY, "North 25 km", 63.655, 10.3951, "SAND");  /* 5 */
    /* Inside the 24 km box's corner but 30 km away. */
    put_site(st, org, MB_TYPE_SUPPLY, "Corner", 63.6, 10.75, "SAND");            /* 6 */
    struct mb_site_query q = {.has_radius = true, .lat = 63.4305, .lon = 10.3951,
                              .radius_km = 24};
    size_t total;
    cr_assert_str_eq(ids(st, &q, &total), "2,4,1");
    cr_assert_eq(total, 3);
    q.radius_km = 1000;
    cr_assert_str_eq(ids(st, &q, &total), "2,4,1,5,6,3");
    q.radius_km = -1;
    struct mb_site_page p;
    struct mb_error err;
    cr_assert_eq(mb_store_site_search(st, &q, &p, &err), MB_EINVAL);
    cr_assert_str_eq(err.field, "radius");
    mb_store_close(st);
}

Test(store, search_material_class_window_amount_types_exclude)
{
    struct mb_store *st = open_mem();
    int64_t org = make_org(st, "O", "");
    struct mb_site_rec r;

    r = site(org, MB_TYPE_SUPPLY, "Clean sand", 63, 10, "SAND");  /* 1 */
    r.cls = 1;
    r.amount_t = 500;
    r.from_m = 100;
    r.to_m = 110;
    put(st, &r);
    r = site(org, MB_TYPE_SUPPLY, "Dirty clay", 63, 10, "CLAY");  /* 2 */
    r.cls = 4;
    r.amount_t = 5000;
    r.from_m = 120;
    r.to_m = 130;
    put(st, &r);
    r = site(org, MB_TYPE_LANDFILL, "Deponi", 63, 10, "");        /* 3 */
    char *accepts[] = {"CLAY", "SAND"};
    r.materials = accepts;
    r.nmaterials = 2;
    r.cls = 2;                      /* takes up to class 2 */
    r.amount_t = -1;                /* unlimited */
    put(st, &r);
    r = site(org, MB_TYPE_NEED, "Needs 50 t gravel", 63, 10, "GRAVEL");  /* 4 */
    r.amount_t = 50;
    r.from_m = 105;
    r.to_m = 125;
    put(st, &r);

    struct mb_site_query q = {.material = "clay"};  /* codes compare in any case */
    cr_assert_str_eq(ids(st, &q, NULL), "2,3");
    q = (struct mb_site_query){.max_class = 2};
    cr_assert_str_eq(ids(st, &q, NULL), "1,3,4");  /* the landfill's cls is not filtered */
    q = (struct mb_site_query){.from_m = 111, .to_m = 119};
    cr_assert_str_eq(ids(st, &q, NULL), "3,4");
    q = (struct mb_site_query){.from_m = 110, .to_m = 110};
    cr_assert_str_eq(ids(st, &q, NULL), "1,3,4");
    q = (struct mb_site_query){.from_m = 126};
    cr_assert_str_eq(ids(st, &q, NULL), "2,3");
    q = (struct mb_site_query){.min_amount_t = 1000};
    cr_assert_str_eq(ids(st, &q, NULL), "2,3");
    q = (struct mb_site_query){.types = 1u << MB_TYPE_SUPPLY | 1u << MB_TYPE_NEED};
    cr_assert_str_eq(ids(st, &q, NULL), "1,2,4");
    q = (struct mb_site_query){.types = 1u << MB_TYPE_LANDFILL, .material = "SAND"};
    cr_assert_str_eq(ids(st, &q, NULL), "3");
    q = (struct mb_site_query){.exclude_id = 2, .material = "CLAY"};
    cr_assert_str_eq(ids(st, &q, NULL), "3");
    int64_t other = make_org(st, "P", "");
    put_site(st, other, MB_TYPE_SUPPLY, "Other's", 63, 10, "SAND");   /* 5 */
    q = (struct mb_site_query){.org_id = other};
    cr_assert_str_eq(ids(st, &q, NULL), "5");
    mb_store_close(st);
}

Test(store, search_text_matches_prefixes_and_survives_hostile_input)
{
    struct mb_store *st = open_mem();
    int64_t org = make_org(st, "O", "");
    struct mb_site_rec r = site(org, MB_TYPE_SUPPLY, "Overskudd Bærum grøft", 59.9, 10.5,
                                "SAND");
    r.keywords = "rene masser \"AND\" (vei)";
    put(st, &r);                                                         /* 1 */
    put_site(st, org, MB_TYPE_SUPPLY, "Leire fra Lade", 63.4, 10.4, "CLAY");  /* 2 */

    struct mb_site_query q = {.text = "Bærum grøft"};
    cr_assert_str_eq(ids(st, &q, NULL), "1");
    q.text = "BÆR grø";
    cr_assert_str_eq(ids(st, &q, NULL), "1");
    q.text = "lei lade";
    cr_assert_str_eq(ids(st, &q, NULL), "2");
    q.text = "leire bærum";  /* every word must match */
    cr_assert_str_eq(ids(st, &q, NULL), "");
    q.text = "masser";       /* keywords are searched too */
    cr_assert_str_eq(ids(st, &q, NULL), "1");

    const char *hostile[] = {
        "\"", "\"\"\"", "(", ")", "((vei", "AND", "OR", "NOT", "NEAR(a b)", "*", "**",
        "a*b", "title:leire", "^leire", "- leire", "\"leire", "leire\" OR \"x",
        "'; DROP TABLE site; --", "{title keywords}: x", "Bærum\"grøft", "«»", "+",
        "leire AND", "AND leire", "NOT leire", "\\", "%_",
    };
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        struct mb_site_page p;
        struct mb_error err;
        q.text = hostile[i];
        int rc = mb_store_site_search(st, &q, &p, &err);
        cr_assert_eq(rc, 0, "'%s': %s", hostile[i], err.message);
        mb_site_page_release(&p);
    }
    /* Operators are words like any other. */
    q.text = "AND";
    cr_assert_str_eq(ids(st, &q, NULL), "1");
    q.text = "(vei";
    cr_assert_str_eq(ids(st, &q, NULL), "1");
    q.text = "\"leire";
    cr_assert_str_eq(ids(st, &q, NULL), "2");
    q.text = "***";          /* no word at all: no text filter */
    cr_assert_str_eq(ids(st, &q, NULL), "1,2");
    mb_store_close(st);
}

Test(store, search_visibility_of_drafts_and_closed_sites)
{
    struct mb_store *st = open_mem();
    int64_t mine = make_org(st, "Mine", ""), theirs = make_org(st, "Theirs", "");
    struct mb_site_rec r = site(mine, MB_TYPE_SUPPLY, "Draft", 63, 10, "SAND");
    r.status = MB_STATUS_DRAFT;
    put(st, &r);                                                     /* 1 */
    put_site(st, mine, MB_TYPE_SUPPLY, "Published", 63, 10, "SAND"); /* 2 */
    r = site(theirs, MB_TYPE_SUPPLY, "Their closed", 63, 10, "SAND");
    r.status = MB_STATUS_CLOSED;
    put(st, &r);                                                     /* 3 */
    r = site(theirs, MB_TYPE_SUPPLY, "Their reserved", 63, 10, "SAND");
    r.status = MB_STATUS_RESERVED;
    put(st, &r);                                                     /* 4 */

    const unsigned all = 0xF;
    struct mb_site_query q = {0};
    cr_assert_str_eq(ids(st, &q, NULL), "2,4");  /* default: published + reserved */
    q.viewer_org = mine;
    cr_assert_str_eq(ids(st, &q, NULL), "2,4");  /* drafts only when asked for */
    q.statuses = all;
    cr_assert_str_eq(ids(st, &q, NULL), "1,2,4");
    q.viewer_org = theirs;
    cr_assert_str_eq(ids(st, &q, NULL), "2,3,4");
    q.viewer_org = 0;
    cr_assert_str_eq(ids(st, &q, NULL), "2,4");
    q.statuses = 1u << MB_STATUS_DRAFT;
    cr_assert_str_eq(ids(st, &q, NULL), "");
    q.all_visible = true;
    cr_assert_str_eq(ids(st, &q, NULL), "1");
    q.statuses = all;
    cr_assert_str_eq(ids(st, &q, NULL), "1,2,3,4");
    mb_store_close(st);
}

Test(store, search_pages_and_counts_all_matches)
{
    struct mb_store *st = open_mem();
    int64_t org = make_org(st, "O", "");
    struct mb_error err;
    cr_assert_eq(mb_store_begin(st, &err), 0);
    for (int i = 0; i < 120; i++) {
        char title[32];
        snprintf(title, sizeof title, "Site %d", i);
        put_site(st, org, i % 3 ? MB_TYPE_SUPPLY : MB_TYPE_NEED, title, 63 + i * 0.001, 10,
                 "SAND");
    }
    cr_assert_eq(mb_store_commit(st, &err), 0);
    struct mb_site_query q = {.limit = 7, .offset = 14};
    size_t total;
    cr_assert_str_eq(ids(st, &q, &total), "15,16,17,18,19,20,21");
    cr_assert_eq(total, 120);
    q = (struct mb_site_query){0};
    struct mb_site_page p;
    cr_assert_eq(mb_store_site_search(st, &q, &p, &err), 0);
    cr_assert_eq(p.n, 50);  /* the default page */
    cr_assert_eq(p.total, 120);
    cr_assert_null(p.items[0].doc);
    mb_site_page_release(&p);
    q = (struct mb_site_query){.limit = 50, .offset = 100};
    cr_assert_eq(mb_store_site_search(st, &q, &p, &err), 0);
    cr_assert_eq(p.n, 20);
    cr_assert_eq(p.total, 120);
    mb_site_page_release(&p);
    q = (struct mb_site_query){.limit = 10, .offset = 500};
    cr_assert_str_eq(ids(st, &q, &total), "");
    cr_assert_eq(total, 120);
    q = (struct mb_site_query){.types = 1u << MB_TYPE_NEED, .limit = 10, .offset = 30,
                               .has_radius = true, .lat = 63, .lon = 10, .radius_km = 100};
    cr_assert_str_eq(ids(st, &q, &total), "91,94,97,100,103,106,109,112,115,118");
    cr_assert_eq(total, 40);
    q = (struct mb_site_query){.limit = 1001};
    cr_assert_eq(mb_store_site_search(st, &q, &p, &err), MB_EINVAL);
    cr_assert_str_eq(err.field, "limit");
    q = (struct mb_site_query){.limit = 1000};
    cr_assert_str_eq(ids(st, &q, &total), ids(st, &q, NULL));
    cr_assert_eq(total, 120);
    mb_store_close(st);
}

Test(store, search_fills_doc_and_materials_when_asked)
{
    struct mb_store *st = open_mem();
    struct mb_error err;
    struct mb_site_rec r = site(make_org(st, "O", ""), MB_TYPE_SUPPLY, "S", 63, 10, "SAND");
    r.doc = "{\"a\":1}";
    put(st, &r);
    struct mb_site_query q = {.want_doc = true};
    struct mb_site_page p;
    cr_assert_eq(mb_store_site_search(st, &q, &p, &err), 0);
    cr_assert_eq(p.n, 1);
    cr_assert_str_eq(p.items[0].doc, "{\"a\":1}");
    cr_assert_eq(p.items[0].nmaterials, 1);
    cr_assert_str_eq(p.items[0].materials[0], "SAND");
    mb_site_page_release(&p);
    mb_store_close(st);
}

/* ---- transactions ------------------------------------------------------------------ */

Test(store, rollback_of_an_explicit_transaction_leaves_nothing)
{
    struct mb_store *st = open_mem();
    struct mb_error err;
    int64_t org = make_org(st, "O", "");
    char before[128], after[128];
    fingerprint(st, before, sizeof before);
    cr_assert_eq(mb_store_begin(st, &err), 0, "%s", err.message);
    put_site(st, org, MB_TYPE_SUPPLY, "A", 63, 10, "SAND");
    put_site(st, org, MB_TYPE_NEED, "B", 63, 10, "SAND");
    mb_store_rollback(st);
    fingerprint(st, after, sizeof after);
    cr_assert_str_eq(before, after);
    struct mb_site_query q = {0};
    cr_assert_str_eq(ids(st, &q, NULL), "");
    mb_store_close(st);
}

Test(store, a_failed_write_inside_a_transaction_undoes_only_itself)
{
    struct mb_store *st = open_mem();
    struct mb_error err;
    int64_t org = make_org(st, "O", "");
    cr_assert_eq(mb_store_begin(st, &err), 0);
    int64_t a = put_site(st, org, MB_TYPE_SUPPLY, "A", 63, 10, "SAND");
    struct mb_site_rec bad = site(org, MB_TYPE_NEED, "Bad", 63, 10, "");
    char *mats[] = {"SAND", ""};
    bad.materials = mats;
    bad.nmaterials = 2;
    cr_assert_eq(mb_store_site_put(st, &bad, &err), MB_EINVAL);
    cr_assert_eq(mb_store_commit(st, &err), 0, "%s", err.message);
    struct mb_site_query q = {0};
    char want[16];
    snprintf(want, sizeof want, "%lld", (long long)a);
    cr_assert_str_eq(ids(st, &q, NULL), want);
    struct mb_site_query m = {.material = "SAND"};
    cr_assert_str_eq(ids(st, &m, NULL), want);  /* no stray material row of "Bad" */
    cr_assert_eq(mb_store_commit(st, &err), MB_EINVAL);  /* nothing open */
    mb_store_close(st);
}

Test(store, committed_transaction_is_seen_by_another_connection)
{
    char *path = tmpfile_path("tx.db");
    struct mb_store *a, *b;
    struct mb_error err;
    cr_assert_eq(mb_store_open(&a, path, &err), 0);
    cr_assert_eq(mb_store_open(&b, path, &err), 0);
    int64_t org = make_org(a, "O", "");
    cr_assert_eq(mb_store_begin(a, &err), 0);
    put_site(a, org, MB_TYPE_SUPPLY, "A", 63, 10, "SAND");
    struct mb_site_query q = {0};
    cr_assert_str_eq(ids(b, &q, NULL), "");  /* not yet committed */
    cr_assert_eq(mb_store_commit(a, &err), 0);
    cr_assert_str_eq(ids(b, &q, NULL), "1");
    mb_store_close(a);
    mb_store_close(b);
    free(path);
}

/* ---- documents and jobs ------------------------------------------------------------- */

Test(store, documents_add_get_list)
{
    struct mb_store *st = open_mem();
    struct mb_error err;
    int64_t site_id = put_site(st, make_org(st, "O", ""), MB_TYPE_SUPPLY, "S", 63, 10, "SAND");
    const char *sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    struct mb_document d = {.site_id = site_id, .size = 4};
    snprintf(d.name, sizeof d.name, "prøver.pdf");
    snprintf(d.mime, sizeof d.mime, "application/pdf");
    snprintf(d.sha256, sizeof d.sha256, "%s", sha);
    cr_assert_eq(mb_store_document_add(st, &d, &err), 0, "%s", err.message);
    struct mb_document d2 = d;
    snprintf(d2.name, sizeof d2.name, "kart.png");
    cr_assert_eq(mb_store_document_add(st, &d2, &err), 0);
    cr_assert_gt(d2.id, d.id);

    struct mb_document g;
    cr_assert_eq(mb_store_document_get(st, d.id, &g, &err), 0);
    cr_assert_str_eq(g.name, "prøver.pdf");
    cr_assert_str_eq(g.sha256, sha);
    cr_assert_eq(g.size, 4);
    cr_assert_eq(mb_store_document_get(st, 99, &g, &err), MB_ENOTFOUND);

    struct mb_document *list;
    size_t n;
    cr_assert_eq(mb_store_document_list(st, site_id, &list, &n, &err), 0);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(list[1].name, "kart.png");
    free(list);

    struct mb_document orphan = d;
    orphan.site_id = 99;
    cr_assert_eq(mb_store_document_add(st, &orphan, &err), MB_EINVAL);
    cr_assert_str_eq(err.field, "site_id");
    mb_store_close(st);
}

Test(store, jobs_create_update_and_fail_stale)
{
    struct mb_store *st = open_mem();
    struct mb_error err;
    int64_t uid = make_user(st, make_org(st, "O", ""), "k@x.no");
    struct mb_job a = {.user_id = uid, .state = MB_JOB_QUEUED, .request = "{\"r\":1}"};
    struct mb_job b = {.user_id = uid, .state = MB_JOB_QUEUED, .request = "{\"r\":2}"};
    struct mb_job c = {.user_id = uid, .state = MB_JOB_QUEUED, .request = "{\"r\":3}"};
    cr_assert_eq(mb_store_job_create(st, &a, &err), 0, "%s", err.message);
    cr_assert_eq(mb_store_job_create(st, &b, &err), 0);
    cr_assert_eq(mb_store_job_create(st, &c, &err), 0);
    cr_assert_eq(mb_store_job_update(st, a.id, MB_JOB_RUNNING, "pricing round 3", NULL, &err),
                 0);
    cr_assert_eq(mb_store_job_update(st, c.id, MB_JOB_DONE, "done", "{\"plan\":[]}", &err), 0);
    cr_assert_eq(mb_store_job_update(st, 99, MB_JOB_DONE, "", NULL, &err), MB_ENOTFOUND);

    struct mb_job g;
    cr_assert_eq(mb_store_job_get(st, a.id, &g, &err), 0);
    cr_assert_eq(g.state, MB_JOB_RUNNING);
    cr_assert_str_eq(g.message, "pricing round 3");
    cr_assert_str_eq(g.request, "{\"r\":1}");
    cr_assert_null(g.result);
    cr_assert_eq(g.finished, 0);
    mb_job_release(&g);

    cr_assert_eq(mb_store_job_fail_stale(st, &err), 0);
    for (int i = 0; i < 2; i++) {
        cr_assert_eq(mb_store_job_get(st, i ? b.id : a.id, &g, &err), 0);
        cr_assert_eq(g.state, MB_JOB_FAILED);
        cr_assert_str_eq(g.message, "the server stopped before the plan finished");
        cr_assert_gt(g.finished, 0);
        mb_job_release(&g);
    }
    cr_assert_eq(mb_store_job_get(st, c.id, &g, &err), 0);
    cr_assert_eq(g.state, MB_JOB_DONE);
    cr_assert_str_eq(g.result, "{\"plan\":[]}");
    mb_job_release(&g);

    struct mb_job orphan = {.user_id = 99, .request = "{}"};
    cr_assert_eq(mb_store_job_create(st, &orphan, &err), MB_EINVAL);
    cr_assert_str_eq(err.field, "user_id");
    mb_store_close(st);
}

/* ---- names --------------------------------------------------------------------- */

Test(store, names_parse_back)
{
    for (int i = 0; i < MB_ROLE_COUNT; i++)
        cr_assert_eq(mb_role_parse(mb_role_name((enum mb_role)i)), i);
    for (int i = 0; i < MB_TYPE_COUNT; i++)
        cr_assert_eq(mb_site_type_parse(mb_site_type_name((enum mb_site_type)i)), i);
    for (int i = 0; i < MB_STATUS_COUNT; i++)
        cr_assert_eq(mb_status_parse(mb_status_name((enum mb_status)i)), i);
    cr_assert_eq(mb_role_parse("root"), -1);
    cr_assert_eq(mb_site_type_parse(NULL), -1);
    cr_assert_str_eq(mb_site_type_name(MB_TYPE_QUARRY), "quarry");
    cr_assert_str_eq(mb_job_state_name(MB_JOB_FAILED), "failed");
}

Test(store, search_combines_drivers_and_lists_a_site_once)
{
    struct mb_store *st = open_mem();
    int64_t org = make_org(st, "O", "");
    struct mb_site_rec r = site(org, MB_TYPE_LANDFILL, "Deponi Heggstad", 63.39, 10.35, "");
    char *mats[] = {"SAND", "sand", "CLAY"};  /* the same code twice */
    r.materials = mats;
    r.nmaterials = 3;
    put(st, &r);                                                               /* 1 */
    put_site(st, org, MB_TYPE_SUPPLY, "Sand Heggstad", 63.39, 10.35, "SAND");  /* 2 */
    put_site(st, org, MB_TYPE_SUPPLY, "Leire Heggstad", 63.39, 10.35, "CLAY"); /* 3 */
    size_t total;
    struct mb_site_query q = {.material = "SAND"};
    cr_assert_str_eq(ids(st, &q, &total), "1,2");
    cr_assert_eq(total, 2);
    q.text = "heggstad";        /* text drives, material filters */
    cr_assert_str_eq(ids(st, &q, NULL), "1,2");
    q.text = "deponi";
    cr_assert_str_eq(ids(st, &q, NULL), "1");
    q = (struct mb_site_query){.has_box = true, .min_lat = 63, .max_lat = 64, .min_lon = 10,
                               .max_lon = 11, .text = "leire", .material = "clay"};
    cr_assert_str_eq(ids(st, &q, NULL), "3");
    mb_store_close(st);
}

/* ---- the per-material spatial index (schema version 2) ------------------------- */

/* Great-circle km, as the store's mb_dist_km (independent copy). */
static double km_between(double lat1, double lon1, double lat2, double lon2)
{
    const double rad = 3.14159265358979323846 / 180.0;
    double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * 6371.0088 * asin(sqrt(a));
}

struct sim {
    double lat, lon;
    int type, from, to, mat[2], nmat;
    int status;
    int64_t id;
};

/* A radius + material (+ types + window) search is answered from
 * site_mrtree; it must find exactly the sites a brute-force filter finds,
 * also after sites moved, changed window, materials or status. */
Test(store, material_radius_search_equals_brute_force)
{
    static const char *const mats[] = { "rock.blasted", "soil.clay", "soil.sand", "product.crushed.0-32" };
    struct mb_store *st;
    struct mb_error err;
    cr_assert_eq(mb_store_open(&st, ":memory:", &err), 0, "%s", err.message);
    int64_t org = make_org(st, "Graveco", "");
    enum { N = 300 };
    static struct sim s[N];
    uint64_t seed = 42;
#define RND() (seed = seed * 6364136223846793005ull + 1442695040888963407ull, (double)(seed >> 11) / 9007199254740992.0)
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < N; i++) {
            /* Some sites have no window: the R*Tree clamps open ends. */
            struct sim *x = &s[i];
            x->lat = 63.0 + RND() * 0.8;
            x->lon = 10.0 + RND() * 1.2;
            x->type = (int)(RND() * MB_TYPE_COUNT);
            x->from = 24300 + (int)(RND() * 24);
            x->to = x->from + (int)(RND() * 12);
            if (RND() < 0.15) {
                x->from = MB_NO_MONTH_FROM;
                x->to = MB_NO_MONTH_TO;
            }
            x->nmat = 1 + (RND() < 0.3);
            x->mat[0] = (int)(RND() * 4);
            x->mat[1] = (x->mat[0] + 1) % 4;
            x->status = RND() < 0.8 ? MB_STATUS_PUBLISHED : MB_STATUS_DRAFT;
            struct mb_site_rec r = site(org, (enum mb_site_type)x->type, "S", x->lat, x->lon,
                                        mats[x->mat[0]]);
            char m0[32], m1[32];
            snprintf(m0, sizeof m0, "%s", mats[x->mat[0]]);
            snprintf(m1, sizeof m1, "%s", mats[x->mat[1]]);
            char *ml[2] = { m0, m1 };
            r.materials = ml;
            r.nmaterials = (size_t)x->nmat;
            r.from_m = x->from;
            r.to_m = x->to;
            r.status = (enum mb_status)x->status;
            r.id = round ? x->id : 0; /* the second round moves and changes every site */
            cr_assert_eq(mb_store_site_put(st, &r, &err), 0, "%s", err.message);
            x->id = r.id;
        }
        for (int k = 0; k < 40; k++) {
            struct mb_site_query q = { 0 };
            q.has_radius = true;
            q.lat = 63.0 + RND() * 0.8;
            q.lon = 10.0 + RND() * 1.2;
            q.radius_km = 5 + RND() * 30;
            int m = (int)(RND() * 4);
            /* Every other query without a material: the R*Tree with its
             * type, status and window dimensions answers those. */
            bool any_mat = k % 4 >= 2;
            q.material = any_mat ? NULL : mats[m];
            bool all = k % 5 == 0;
            if (all) {
                q.statuses = (1u << MB_STATUS_COUNT) - 1;
                q.all_visible = true;
            }
            q.types = k % 3 == 0 ? 0 : 1u << (int)(RND() * MB_TYPE_COUNT) | 1u << MB_TYPE_NEED;
            if (k % 2) {
                q.from_m = 24300 + (int)(RND() * 24);
                q.to_m = q.from_m + 2;
            }
            q.limit = 1000;
            size_t want = 0;
            for (int i = 0; i < N; i++) {
                const struct sim *x = &s[i];
                bool has = any_mat || x->mat[0] == m || (x->nmat == 2 && x->mat[1] == m);
                bool type_ok = !q.types || ((q.types >> x->type) & 1u);
                bool win = !q.from_m || (x->from <= q.to_m && x->to >= q.from_m);
                if (has && type_ok && win && (all || x->status == MB_STATUS_PUBLISHED) &&
                    km_between(q.lat, q.lon, x->lat, x->lon) <= q.radius_km)
                    want++;
            }
            struct mb_site_page p;
            cr_assert_eq(mb_store_site_search(st, &q, &p, &err), 0, "%s", err.message);
            cr_assert_eq(p.n, want, "round %d query %d: found %zu, brute force %zu", round, k,
                         p.n, want);
            /* Nearest first, by the stored (exact) positions. */
            for (size_t i = 1; i < p.n; i++)
                cr_assert_leq(km_between(q.lat, q.lon, p.items[i - 1].lat, p.items[i - 1].lon),
                              km_between(q.lat, q.lon, p.items[i].lat, p.items[i].lon) + 1e-9);
            mb_site_page_release(&p);
        }
    }
#undef RND
    mb_store_close(st);
}

/* The materials of searched sites are cached per process by (file, id,
 * version): a second connection to the same file must see every put of
 * the first at once - new materials, a status change, a closure - and a
 * page's total must equal the count of the brute force. */
Test(store, material_cache_follows_writes_of_another_connection)
{
    char *path = tmpfile_path("cache.db");
    struct mb_store *a, *b;
    struct mb_error err;
    cr_assert_eq(mb_store_open(&a, path, &err), 0, "%s", err.message);
    cr_assert_eq(mb_store_open(&b, path, &err), 0, "%s", err.message);
    int64_t org = make_org(a, "Graveco", "");
    struct mb_site_rec r = site(org, MB_TYPE_LANDFILL, "Deponi", 59.9, 10.75, "soil.clay");
    char m0[32] = "soil.clay", m1[32] = "soil.sand";
    char *ml[2] = { m0, m1 };
    r.materials = ml;
    r.nmaterials = 2;
    cr_assert_eq(mb_store_site_put(a, &r, &err), 0, "%s", err.message);
    struct mb_site_query q = { 0 };
    q.has_radius = true;
    q.lat = 59.9;
    q.lon = 10.75;
    q.radius_km = 5;
    struct mb_site_page p;
    for (int pass = 0; pass < 2; pass++) { /* the second pass is served from the cache */
        cr_assert_eq(mb_store_site_search(b, &q, &p, &err), 0, "%s", err.message);
        cr_assert_eq(p.n, 1);
        cr_assert_eq(p.items[0].nmaterials, 2);
        cr_assert_str_eq(p.items[0].materials[1], "soil.sand");
        mb_site_page_release(&p);
    }
    /* New materials from the first connection. */
    snprintf(m1, sizeof m1, "rock.blasted");
    cr_assert_eq(mb_store_site_put(a, &r, &err), 0, "%s", err.message);
    cr_assert_eq(mb_store_site_search(b, &q, &p, &err), 0, "%s", err.message);
    cr_assert_eq(p.n, 1);
    cr_assert_str_eq(p.items[0].materials[1], "rock.blasted");
    mb_site_page_release(&p);
    /* Found through the new material, not the old one. */
    q.material = "soil.sand";
    cr_assert_eq(mb_store_site_search(b, &q, &p, &err), 0, "%s", err.message);
    cr_assert_eq(p.n, 0);
    mb_site_page_release(&p);
    q.material = "rock.blasted";
    cr_assert_eq(mb_store_site_search(b, &q, &p, &err), 0, "%s", err.message);
    cr_assert_eq(p.n, 1);
    cr_assert_eq(p.items[0].nmaterials, 2);
    mb_site_page_release(&p);
    /* Reserved, then closed by the first connection. */
    cr_assert_eq(mb_store_site_set_status(a, r.id, MB_STATUS_RESERVED, &err), 0);
    cr_assert_eq(mb_store_site_search(b, &q, &p, &err), 0, "%s", err.message);
    cr_assert_eq(p.n, 1);
    cr_assert_eq(p.items[0].status, MB_STATUS_RESERVED);
    cr_assert_eq(p.items[0].nmaterials, 2);
    mb_site_page_release(&p);
    cr_assert_eq(mb_store_site_set_status(a, r.id, MB_STATUS_CLOSED, &err), 0);
    cr_assert_eq(mb_store_site_search(b, &q, &p, &err), 0, "%s", err.message);
    cr_assert_eq(p.n, 0);
    mb_site_page_release(&p);
    /* Paged: the total of one pass over the R*Tree is the count. */
    q.material = NULL;
    for (int i = 0; i < 7; i++) {
        struct mb_site_rec s = site(org, MB_TYPE_NEED, "N", 59.9 + i * 0.001, 10.75, "soil.clay");
        cr_assert_eq(mb_store_site_put(a, &s, &err), 0, "%s", err.message);
    }
    q.limit = 3;
    q.offset = 3;
    cr_assert_eq(mb_store_site_search(b, &q, &p, &err), 0, "%s", err.message);
    cr_assert_eq(p.n, 3);
    cr_assert_eq(p.total, 7);
    mb_site_page_release(&p);
    q.offset = 9;
    cr_assert_eq(mb_store_site_search(b, &q, &p, &err), 0, "%s", err.message);
    cr_assert_eq(p.n, 0);
    cr_assert_eq(p.total, 7);
    mb_site_page_release(&p);
    mb_store_close(a);
    mb_store_close(b);
    free(path);
}

/* A bind that fails (here an index the statement does not have) stops
 * its statement instead of running it with the parameter NULL, and the
 * next statement is not affected. */
Test(store, a_failed_bind_stops_the_statement)
{
    struct mb_store *st;
    struct mb_error err;
    cr_assert_eq(mb_store_open(&st, ":memory:", &err), 0, "%s", err.message);
    sqlite3_stmt *s;
    cr_assert_eq(mb_st_prepare(st, "INSERT INTO org(name, orgnr, created) VALUES (?, '', 0)",
                               &s, &err), 0, "%s", err.message);
    cr_assert_neq(mb_st_bound(sqlite3_bind_text(s, 5, "x", -1, SQLITE_STATIC)), SQLITE_OK);
    cr_assert_eq(mb_st_exec(st, s, NULL, &err), MB_EINTERNAL);
    cr_assert(strstr(err.message, "could not be bound"), "%s", err.message);
    struct mb_org o = { 0 };
    mb_text_copy(o.name, sizeof o.name, "Etter AS");
    cr_assert_eq(mb_store_org_create(st, &o, &err), 0, "the next statement runs: %s",
                 err.message);
    mb_store_close(st);
}

/* ---- road distances between sites ------------------------------------------- */

Test(store, a_road_distance_is_valid_only_for_its_database_and_positions)
{
    struct mb_store *st = open_mem();
    struct mb_error err;
    int64_t org = make_org(st, "Vei AS", "");
    int64_t a = put_site(st, org, MB_TYPE_SUPPLY, "Fra", 63.40, 10.30, "rock.blasted");
    int64_t b = put_site(st, org, MB_TYPE_NEED, "Til", 63.40, 10.50, "rock.blasted");
    struct mb_road_row row = { .from_site = a, .to_site = b, .db_version = "v1",
                               .from_lat = 63.40, .from_lon = 10.30, .to_lat = 63.40,
                               .to_lon = 10.50, .status = "road", .km = 23.304,
                               .minutes = 19.97, .ferry_km = 0, .computed = 1 };
    cr_assert_eq(mb_store_road_put(st, &row, &err), 0, "%s", err.message);
    struct mb_road_row got;
    bool found;
    cr_assert_eq(mb_store_road_get(st, a, b, "v1", 63.40, 10.30, 63.40, 10.50, &got, &found,
                                   &err), 0, "%s", err.message);
    cr_assert(found);
    cr_assert_str_eq(got.status, "road");
    cr_assert_float_eq(got.km, 23.304, 1e-9);
    /* Directed: the way back is another pair. */
    cr_assert_eq(mb_store_road_get(st, b, a, "v1", 63.40, 10.50, 63.40, 10.30, &got, &found,
                                   &err), 0);
    cr_assert_not(found);
    /* Another database, or a site that moved: stale. */
    cr_assert_eq(mb_store_road_get(st, a, b, "v2", 63.40, 10.30, 63.40, 10.50, &got, &found,
                                   &err), 0);
    cr_assert_not(found);
    cr_assert_eq(mb_store_road_get(st, a, b, "v1", 63.41, 10.30, 63.40, 10.50, &got, &found,
                                   &err), 0);
    cr_assert_not(found);
    /* No road: no km, and the database refuses a 'road' without them. */
    struct mb_road_row none = row;
    snprintf(none.status, sizeof none.status, "no_road_near");
    none.km = 99;
    cr_assert_eq(mb_store_road_put(st, &none, &err), 0, "%s", err.message);
    cr_assert_eq(mb_store_road_get(st, a, b, "v1", 63.40, 10.30, 63.40, 10.50, &got, &found,
                                   &err), 0);
    cr_assert(found);
    cr_assert_str_eq(got.status, "no_road_near");
    cr_assert_float_eq(got.km, 0, 1e-9, "no km is kept for a pair without a road");
    struct mb_road_row bad = row;
    snprintf(bad.status, sizeof bad.status, "teleport");
    cr_assert_neq(mb_store_road_put(st, &bad, &err), 0);
    /* Forgetting a site, or deleting it, removes its pairs. */
    cr_assert_eq(mb_store_road_put(st, &row, &err), 0);
    cr_assert_eq(mb_store_road_forget(st, b, &err), 0, "%s", err.message);
    cr_assert_eq(mb_store_road_get(st, a, b, "v1", 63.40, 10.30, 63.40, 10.50, &got, &found,
                                   &err), 0);
    cr_assert_not(found);
    cr_assert_eq(mb_store_road_put(st, &row, &err), 0);
    cr_assert_eq(mb_store_site_delete(st, a, &err), 0, "%s", err.message);
    cr_assert_eq(mb_store_road_get(st, a, b, "v1", 63.40, 10.30, 63.40, 10.50, &got, &found,
                                   &err), 0);
    cr_assert_not(found);
    mb_store_close(st);
}

/* Schema 16: a drive's ferries are counted. A row cached before it with a
 * ferry part does not know how many: the migration deletes it and queues
 * both sites, so it is computed again; a row without a ferry stays. */
Test(store, ferry_crossings_arrive_with_schema_16)
{
    char *path = tmpfile_path("ferry.db");
    struct mb_store *st;
    struct mb_error err;
    cr_assert_eq(mb_store_open(&st, path, &err), 0, "%s", err.message);
    int64_t org = make_org(st, "Ferje AS", "");
    int64_t a = put_site(st, org, MB_TYPE_SUPPLY, "Fra", 63.40, 10.30, "rock.blasted");
    int64_t b = put_site(st, org, MB_TYPE_NEED, "Til", 63.40, 10.50, "rock.blasted");
    int64_t c = put_site(st, org, MB_TYPE_NEED, "Nord", 63.46, 10.50, "rock.blasted");
    struct mb_road_row row = { .from_site = a, .to_site = b, .db_version = "v1",
                               .from_lat = 63.40, .from_lon = 10.30, .to_lat = 63.40,
                               .to_lon = 10.50, .status = "road", .km = 9.967,
                               .minutes = 28.3, .ferry_km = 7.975, .ferry_crossings = 1,
                               .computed = 1 };
    cr_assert_eq(mb_store_road_put(st, &row, &err), 0, "%s", err.message);
    struct mb_road_row got, land = { .from_site = a, .to_site = c, .db_version = "v1",
                                     .from_lat = 63.40, .from_lon = 10.30, .to_lat = 63.46,
                                     .to_lon = 10.50, .status = "road", .km = 16.6,
                                     .minutes = 15, .computed = 1 };
    cr_assert_eq(mb_store_road_put(st, &land, &err), 0, "%s", err.message);
    bool found;
    cr_assert_eq(mb_store_road_get(st, a, b, "v1", 63.40, 10.30, 63.40, 10.50, &got, &found,
                                   &err), 0);
    cr_assert(found);
    cr_assert_eq(got.ferry_crossings, 1, "kept: %d", got.ferry_crossings);
    mb_store_close(st);
    /* Back to schema 15, with the queue worked off. */
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, "DELETE FROM road_queue;"
                              "ALTER TABLE road_distance DROP COLUMN ferry_crossings;"
                              "PRAGMA user_version = 15", NULL, NULL, NULL), SQLITE_OK,
                 "%s", sqlite3_errmsg(db));
    sqlite3_close(db);
    cr_assert_eq(mb_store_open(&st, path, &err), 0, "%s", err.message);
    cr_assert_eq(mb_store_schema_version(st), 16);
    cr_assert_eq(mb_store_road_get(st, a, b, "v1", 63.40, 10.30, 63.40, 10.50, &got, &found,
                                   &err), 0);
    cr_assert_not(found, "a ferry row without its crossings is computed again");
    cr_assert_eq(mb_store_road_get(st, a, c, "v1", 63.40, 10.30, 63.46, 10.50, &got, &found,
                                   &err), 0);
    cr_assert(found, "a row without a ferry stays");
    cr_assert_eq(got.ferry_crossings, 0);
    int64_t waiting = 0;
    cr_assert_eq(mb_store_road_queue_count(st, &waiting, &err), 0, "%s", err.message);
    cr_assert_eq(waiting, 2, "both ends of the ferry pair are queued: %lld", (long long)waiting);
    mb_store_close(st);
    free(path);
}
