/*
 * test_listing.c - the rules of listings and facilities (market/listing.c):
 * the status machine, who may see, create and change a site, stale
 * versions, and that every change writes exactly one audit entry while a
 * refused one writes nothing.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "market/audit.h"
#include "market/listing.h"

struct world {
    struct mb_store *st;
    struct mb_market m;
    struct mb_user owner, other, hauler, admin, operator;
};

static struct mb_user make_user(struct mb_store *st, const char *org_name, const char *email,
                                enum mb_role role)
{
    struct mb_error err;
    struct mb_org o = { 0 };
    snprintf(o.name, sizeof o.name, "%s", org_name);
    cr_assert_eq(mb_store_org_create(st, &o, &err), 0, "%s", err.message);
    struct mb_user u = { 0 };
    u.org_id = o.id;
    u.role = role;
    snprintf(u.email, sizeof u.email, "%s", email);
    snprintf(u.name, sizeof u.name, "%s", email);
    cr_assert_eq(mb_store_user_create(st, &u, "x", &err), 0, "%s", err.message);
    return u;
}

static void setup(struct world *w)
{
    struct mb_error err;
    memset(w, 0, sizeof *w);
    cr_assert_eq(mb_store_open(&w->st, ":memory:", &err), 0, "%s", err.message);
    cr_assert_eq(mb_market_init(&w->m, &err), 0, "%s", err.message);
    w->owner = make_user(w->st, "Utbygger AS", "u@x.no", MB_ROLE_DEVELOPER);
    w->other = make_user(w->st, "Entreprenør AS", "e@x.no", MB_ROLE_CONTRACTOR);
    w->hauler = make_user(w->st, "Transport AS", "t@x.no", MB_ROLE_HAULER);
    w->admin = make_user(w->st, "Admin", "a@x.no", MB_ROLE_ADMIN);
    w->operator = make_user(w->st, "Deponi AS", "d@x.no", MB_ROLE_OPERATOR);
}

static void teardown(struct world *w)
{
    mb_market_release(&w->m);
    mb_store_close(w->st);
}

static struct mb_site_rec supply(struct world *w, double tonnes)
{
    char body[512];
    snprintf(body, sizeof body, "{\"type\": \"supply\", \"title\": \"Stein\", \"lat\": 63.44,"
             " \"lon\": 10.45, \"material\": \"rock.blasted\", \"class\": 1, \"amount\":"
             " {\"value\": %g, \"unit\": \"t\"}, \"window\": {\"from\": \"2026-03\", \"to\":"
             " \"2026-08\"}}", tonnes);
    struct mb_site_rec rec = { 0 };
    struct mb_problems p = { 0 };
    int rc = mb_market_parse_site(&w->m, MB_FAMILY_LISTING, body, strlen(body), &rec, &p);
    cr_assert_eq(rc, 0, "%s: %s", p.n ? p.items[0].path : "", p.n ? p.items[0].message : "");
    return rec;
}

static int64_t entries(struct world *w)
{
    int64_t n;
    struct mb_error err;
    cr_assert_eq(mb_store_audit_count(w->st, &n, &err), 0);
    return n;
}

static void fingerprint(struct world *w, char buf[128])
{
    struct mb_error err;
    cr_assert_eq(mb_store_fingerprint(w->st, buf, 128, &err), 0, "%s", err.message);
}

/* A published supply of the owner; its id. */
static int64_t created(struct world *w, enum mb_status status)
{
    struct mb_site_rec rec = supply(w, 500);
    struct mb_error err;
    cr_assert_eq(mb_listing_create(w->st, &w->owner, MB_FAMILY_LISTING, status, &rec, &err), 0,
                 "%s", err.message);
    int64_t id = rec.id;
    cr_assert_eq(rec.org_id, w->owner.org_id);
    cr_assert_eq(rec.version, 1);
    mb_site_rec_release(&rec);
    return id;
}

Test(listing, the_status_machine)
{
    enum { D = MB_STATUS_DRAFT, P = MB_STATUS_PUBLISHED, R = MB_STATUS_RESERVED,
           C = MB_STATUS_CLOSED };
    /* from \ to:          D  P  R  C */
    static const int ok[4][4] = { [D] = { 1, 1, 0, 1 }, [P] = { 1, 1, 1, 1 },
                                  [R] = { 0, 1, 1, 1 }, [C] = { 0, 0, 0, 1 } };
    for (int f = 0; f < 4; f++)
        for (int t = 0; t < 4; t++)
            cr_expect_eq(mb_listing_may_move((enum mb_status)f, (enum mb_status)t), ok[f][t],
                         "%s -> %s", mb_status_name((enum mb_status)f),
                         mb_status_name((enum mb_status)t));
    cr_expect_not(mb_listing_may_move(MB_STATUS_DRAFT, (enum mb_status)MB_STATUS_COUNT));
}

Test(listing, a_change_writes_one_entry_and_a_refusal_writes_nothing)
{
    struct world w;
    setup(&w);
    struct mb_error err;
    int64_t n0 = entries(&w);
    int64_t id = created(&w, MB_STATUS_DRAFT);
    cr_assert_eq(entries(&w), n0 + 1, "create: one entry");

    struct mb_site_rec rec = supply(&w, 600), out;
    cr_assert_eq(mb_listing_update(w.st, &w.owner, MB_FAMILY_LISTING, id, 1, &rec, &err), 0,
                 "%s", err.message);
    cr_assert_eq(rec.version, 2);
    cr_assert_eq(rec.status, MB_STATUS_DRAFT, "an update keeps the status");
    mb_site_rec_release(&rec);
    cr_assert_eq(entries(&w), n0 + 2, "update: one entry");
    struct mb_audit_entry *items;
    size_t n;
    cr_assert_eq(mb_store_audit_list(w.st, 0, 100, "listing", id, &items, &n, &err), 0);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(items[1].action, "update");
    cr_assert(strstr(items[1].detail, "\"amount\""), "the entry names what changed: %s",
              items[1].detail);
    mb_audit_entries_free(items, n);

    char before[128], after[128];
    fingerprint(&w, before);
    /* Another organisation, a role that may not, a stale version, a step
     * outside the machine, the other family: refused, nothing written. */
    rec = supply(&w, 700);
    cr_assert_eq(mb_listing_update(w.st, &w.other, MB_FAMILY_LISTING, id, -1, &rec, &err),
                 MB_ENOTFOUND, "a draft is hidden from other organisations");
    cr_assert_eq(mb_listing_update(w.st, &w.owner, MB_FAMILY_LISTING, id, 1, &rec, &err),
                 MB_ESTALE);
    cr_assert_str_eq(err.field, "version");
    cr_assert_eq(mb_listing_update(w.st, &w.owner, MB_FAMILY_FACILITY, id, -1, &rec, &err),
                 MB_ENOTFOUND);
    cr_assert_eq(mb_listing_set_status(w.st, &w.owner, MB_FAMILY_LISTING, id, -1,
                                       MB_STATUS_RESERVED, &out, &err), MB_ECONFLICT,
                 "a draft cannot be reserved");
    cr_assert_str_eq(err.field, "status");
    cr_assert_eq(mb_listing_create(w.st, &w.hauler, MB_FAMILY_LISTING, MB_STATUS_DRAFT, &rec,
                                   &err), MB_EFORBIDDEN);
    cr_assert_str_eq(err.field, "role");
    cr_assert_eq(mb_listing_create(w.st, &w.owner, MB_FAMILY_LISTING, MB_STATUS_CLOSED, &rec,
                                   &err), MB_EINVAL, "a new site is draft or published");
    cr_assert_str_eq(err.field, "status");
    fingerprint(&w, after);
    cr_assert_str_eq(before, after);

    /* Published, the other organisation sees it but may not change it. */
    cr_assert_eq(mb_listing_set_status(w.st, &w.owner, MB_FAMILY_LISTING, id, 2,
                                       MB_STATUS_PUBLISHED, &out, &err), 0, "%s", err.message);
    cr_assert_eq(out.status, MB_STATUS_PUBLISHED);
    cr_assert_eq(out.version, 3);
    mb_site_rec_release(&out);
    cr_assert_eq(entries(&w), n0 + 3, "status: one entry");
    cr_assert_eq(mb_listing_set_status(w.st, &w.owner, MB_FAMILY_LISTING, id, -1,
                                       MB_STATUS_PUBLISHED, &out, &err), 0);
    mb_site_rec_release(&out);
    cr_assert_eq(entries(&w), n0 + 3, "setting the status it has writes nothing");
    fingerprint(&w, before);
    cr_assert_eq(mb_listing_update(w.st, &w.other, MB_FAMILY_LISTING, id, -1, &rec, &err),
                 MB_EFORBIDDEN);
    cr_assert_str_eq(err.field, "id");
    fingerprint(&w, after);
    cr_assert_str_eq(before, after);

    /* An administrator may; then closed is final. */
    cr_assert_eq(mb_listing_set_status(w.st, &w.admin, MB_FAMILY_LISTING, id, -1,
                                       MB_STATUS_CLOSED, &out, &err), 0, "%s", err.message);
    mb_site_rec_release(&out);
    cr_assert_eq(mb_listing_update(w.st, &w.owner, MB_FAMILY_LISTING, id, -1, &rec, &err),
                 MB_ECONFLICT);
    cr_assert_str_eq(err.field, "status");
    cr_assert_eq(mb_listing_set_status(w.st, &w.owner, MB_FAMILY_LISTING, id, -1,
                                       MB_STATUS_PUBLISHED, &out, &err), MB_ECONFLICT);
    mb_site_rec_release(&rec);
    teardown(&w);
}

Test(listing, who_sees_a_site)
{
    struct world w;
    setup(&w);
    int64_t id = created(&w, MB_STATUS_DRAFT);
    struct mb_site_rec rec;
    struct mb_error err;
    cr_assert_eq(mb_listing_get(w.st, NULL, MB_FAMILY_LISTING, id, &rec, &err), MB_ENOTFOUND,
                 "a draft is hidden from the public");
    cr_assert_eq(mb_listing_get(w.st, &w.other, MB_FAMILY_LISTING, id, &rec, &err),
                 MB_ENOTFOUND);
    cr_assert_eq(mb_listing_get(w.st, &w.owner, MB_FAMILY_LISTING, id, &rec, &err), 0);
    cr_assert(mb_listing_visible(&w.admin, &rec));
    cr_assert_not(mb_listing_visible(NULL, &rec));
    rec.status = MB_STATUS_RESERVED;
    cr_assert(mb_listing_visible(NULL, &rec));
    mb_site_rec_release(&rec);
    teardown(&w);
}

Test(listing, the_deal_rule_reserves_and_frees_only_its_own_reservation)
{
    struct world w;
    setup(&w);
    int64_t id = created(&w, MB_STATUS_PUBLISHED);
    struct mb_site_rec rec;
    struct mb_error err;
    cr_assert_eq(mb_store_site_get(w.st, id, &rec, &err), 0);
    int64_t n0 = entries(&w);
    /* Nothing left: reserved, with the deal named. */
    cr_assert_eq(mb_listing_follow_deals(w.st, &w.other, &rec, 7, 500, 0, NULL, &err), 0);
    mb_site_rec_release(&rec);
    cr_assert_eq(mb_store_site_get(w.st, id, &rec, &err), 0);
    cr_assert_eq(rec.status, MB_STATUS_RESERVED);
    cr_assert_eq(entries(&w), n0 + 1);
    /* Freed from nothing: published again. */
    cr_assert_eq(mb_listing_follow_deals(w.st, &w.other, &rec, 7, 0, 200, NULL, &err), 0);
    mb_site_rec_release(&rec);
    cr_assert_eq(mb_store_site_get(w.st, id, &rec, &err), 0);
    cr_assert_eq(rec.status, MB_STATUS_PUBLISHED);
    mb_site_rec_release(&rec);
    /* Reserved by hand with 300 t left: a freed deal leaves it reserved. */
    cr_assert_eq(mb_listing_set_status(w.st, &w.owner, MB_FAMILY_LISTING, id, -1,
                                       MB_STATUS_RESERVED, &rec, &err), 0);
    int64_t n1 = entries(&w);
    cr_assert_eq(mb_listing_follow_deals(w.st, &w.other, &rec, 8, 300, 500, NULL, &err), 0);
    mb_site_rec_release(&rec);
    cr_assert_eq(mb_store_site_get(w.st, id, &rec, &err), 0);
    cr_assert_eq(rec.status, MB_STATUS_RESERVED);
    cr_assert_eq(entries(&w), n1, "no change, no entry");
    mb_site_rec_release(&rec);
    teardown(&w);
}

Test(listing, facilities_are_for_operators_and_authorities)
{
    struct world w;
    setup(&w);
    const char *body = "{\"type\": \"landfill\", \"name\": \"Deponi\", \"lat\": 63.4,"
                       " \"lon\": 10.4, \"accepts\": [\"soil.*\"], \"max_class\": 2,"
                       " \"capacity_per_year\": {\"value\": 50000, \"unit\": \"t\"},"
                       " \"gate_fee_nok_per_t\": 150}";
    struct mb_site_rec rec = { 0 };
    struct mb_problems p = { 0 };
    int rc = mb_market_parse_site(&w.m, MB_FAMILY_FACILITY, body, strlen(body), &rec, &p);
    cr_assert_eq(rc, 0, "%s: %s", p.n ? p.items[0].path : "", p.n ? p.items[0].message : "");
    struct mb_error err;
    cr_assert_eq(mb_listing_create(w.st, &w.owner, MB_FAMILY_FACILITY, MB_STATUS_PUBLISHED,
                                   &rec, &err), MB_EFORBIDDEN, "a developer runs no landfill");
    cr_assert_eq(mb_listing_create(w.st, &w.operator, MB_FAMILY_LISTING, MB_STATUS_PUBLISHED,
                                   &rec, &err), MB_EINVAL, "a landfill is no listing");
    cr_assert_eq(mb_listing_create(w.st, &w.operator, MB_FAMILY_FACILITY, MB_STATUS_PUBLISHED,
                                   &rec, &err), 0, "%s", err.message);
    cr_assert_eq(mb_listing_family(rec.type), MB_FAMILY_FACILITY);
    mb_site_rec_release(&rec);
    teardown(&w);
}

/* Issue 13: listings of 0 t, -0.0 t or 1e-300 t were accepted. */
Test(listing, an_amount_below_a_tenth_is_refused)
{
    struct world w;
    setup(&w);
    static const char *const values[] = { "0", "-0.0", "1e-300", "0.09" };
    for (size_t i = 0; i < 4; i++) {
        char body[512];
        snprintf(body, sizeof body, "{\"type\": \"supply\", \"title\": \"Stein\", \"lat\":"
                 " 63.44, \"lon\": 10.45, \"material\": \"rock.blasted\", \"class\": 1,"
                 " \"amount\": {\"value\": %s, \"unit\": \"t\"}, \"window\": {\"from\":"
                 " \"2026-03\", \"to\": \"2026-08\"}}", values[i]);
        struct mb_site_rec rec = { 0 };
        struct mb_problems p = { 0 };
        cr_assert_neq(mb_market_parse_site(&w.m, MB_FAMILY_LISTING, body, strlen(body), &rec,
                                           &p), 0, "%s t", values[i]);
        cr_assert(p.n >= 1);
        cr_assert_str_eq(p.items[0].path, "amount.value", "%s", p.items[0].path);
        mb_problems_release(&p);
    }
    struct mb_site_rec ok = supply(&w, 0.1);
    mb_site_rec_release(&ok);
    teardown(&w);
}

/* ---- a large import in bounded batches (mb_listing_insert_many) ---------- */

#include "support/tmpdir.h"

static size_t count(struct mb_store *st, const char *sql)
{
    sqlite3 *db;
    cr_assert_eq(sqlite3_open_v2(mb_store_file(st), &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *s;
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK, "%s", sql);
    cr_assert_eq(sqlite3_step(s), SQLITE_ROW);
    size_t n = (size_t)sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return n;
}

static struct mb_site_rec *many(struct world *w, size_t n)
{
    struct mb_site_rec *recs = calloc(n, sizeof *recs);
    for (size_t i = 0; i < n; i++) {
        recs[i] = supply(w, 100 + (double)i);
        recs[i].org_id = w->owner.org_id;
        recs[i].status = i % 3 ? MB_STATUS_PUBLISHED : MB_STATUS_DRAFT;
    }
    return recs;
}

static void file_world(struct world *w, const char *name)
{
    struct mb_error err;
    setup(w);
    mb_store_close(w->st);
    char *path = tmpfile_path(name);
    cr_assert_eq(mb_store_open(&w->st, path, &err), 0, "%s", err.message);
    free(path);
    w->owner = make_user(w->st, "Utbygger AS", "u@x.no", MB_ROLE_DEVELOPER);
}

Test(listing, many_sites_are_written_in_batches_all_or_nothing)
{
    struct world w;
    file_world(&w, "many.db");
    size_t n = 3 * MB_LISTING_BATCH + 5, failed;
    struct mb_site_rec *recs = many(&w, n);
    struct mb_error err;
    json_t *mark = json_pack("{s:b}", "import", 1);
    cr_assert_eq(mb_listing_insert_many(w.st, &w.owner, recs, n, mark, 0, &failed, &err), 0,
                 "%s", err.message);
    cr_assert_eq(failed, n);
    for (size_t i = 0; i < n; i++) {
        struct mb_site_rec got;
        cr_assert_eq(mb_store_site_get(w.st, recs[i].id, &got, &err), 0);
        cr_assert_eq(got.status, recs[i].status, "site %zu", i);
        cr_assert_eq(got.version, recs[i].version, "site %zu", i);
        mb_site_rec_release(&got);
    }
    cr_assert_eq(count(w.st, "SELECT count(*) FROM site_staged"), 0);
    /* One create entry per site, one status entry per published one. */
    cr_assert_eq(count(w.st, "SELECT count(*) FROM audit WHERE action = 'create'"), n);
    cr_assert_eq(count(w.st, "SELECT count(*) FROM audit WHERE action = 'status'"),
                 n - (n + 2) / 3);
    struct mb_audit_report rep;
    cr_assert_eq(mb_audit_verify(w.st, NULL, &rep, &err), 0);
    cr_assert_eq(rep.problem, MB_AUDIT_OK, "%s", rep.message);
    for (size_t i = 0; i < n; i++)
        mb_site_rec_release(&recs[i]);
    free(recs);
    json_decref(mark);
    teardown(&w);
}

Test(listing, a_crashed_import_is_rolled_back)
{
    struct world w;
    file_world(&w, "crash.db");
    size_t n = 4 * MB_LISTING_BATCH, failed;
    struct mb_site_rec *recs = many(&w, n);
    struct mb_error err;
    /* Two batches written, then the "process dies": drafts and notes stay. */
    cr_assert_eq(mb_listing_insert_many(w.st, &w.owner, recs, n, NULL, 2, &failed, &err),
                 MB_EINTERNAL);
    cr_assert_eq(count(w.st, "SELECT count(*) FROM site_staged"), 2 * MB_LISTING_BATCH);
    /* Nobody else sees them: they are drafts. */
    cr_assert_eq(count(w.st, "SELECT count(*) FROM site s JOIN site_staged g ON g.site_id = s.id"
                             " WHERE s.status <> 'draft'"), 0);
    size_t rolled;
    cr_assert_eq(mb_listing_recover_staged(w.st, &rolled, &err), 0, "%s", err.message);
    cr_assert_eq(rolled, 2 * MB_LISTING_BATCH);
    cr_assert_eq(count(w.st, "SELECT count(*) FROM site"), 0);
    cr_assert_eq(count(w.st, "SELECT count(*) FROM site_staged"), 0);
    cr_assert_eq(count(w.st, "SELECT count(*) FROM audit WHERE action = 'delete'"),
                 2 * MB_LISTING_BATCH);
    /* The log still holds: a deleted site's last entry names no row. */
    struct mb_audit_check chk = { .rows = true };
    struct mb_audit_report rep;
    cr_assert_eq(mb_audit_verify(w.st, &chk, &rep, &err), 0);
    cr_assert(rep.problem == MB_AUDIT_OK || rep.problem == MB_AUDIT_ROW_UNAUDITED, "%s",
              rep.message); /* users made without entries by this test's world */
    /* A second recovery finds nothing; a new import works. */
    cr_assert_eq(mb_listing_recover_staged(w.st, &rolled, &err), 0);
    cr_assert_eq(rolled, 0);
    for (size_t i = 0; i < n; i++)
        recs[i].id = 0;
    cr_assert_eq(mb_listing_insert_many(w.st, &w.owner, recs, n, NULL, 0, &failed, &err), 0,
                 "%s", err.message);
    cr_assert_eq(count(w.st, "SELECT count(*) FROM site"), n);
    for (size_t i = 0; i < n; i++)
        mb_site_rec_release(&recs[i]);
    free(recs);
    teardown(&w);
}

/* An import at work holds its lock: another process's recovery leaves it. */
Test(listing, a_running_import_is_not_rolled_back)
{
    struct world w;
    file_world(&w, "running.db");
    size_t n = 2 * MB_LISTING_BATCH, failed;
    struct mb_site_rec *recs = many(&w, n);
    struct mb_error err;
    cr_assert_eq(mb_listing_insert_many(w.st, &w.owner, recs, n, NULL, 1, &failed, &err),
                 MB_EINTERNAL);
    /* Hold the crashed batch's lock as a live importer would. */
    sqlite3 *db;
    cr_assert_eq(sqlite3_open_v2(mb_store_file(w.st), &db, SQLITE_OPEN_READONLY, NULL),
                 SQLITE_OK);
    sqlite3_stmt *s;
    cr_assert_eq(sqlite3_prepare_v2(db, "SELECT batch FROM site_staged LIMIT 1", -1, &s, NULL),
                 SQLITE_OK);
    cr_assert_eq(sqlite3_step(s), SQLITE_ROW);
    char lock[4200];
    snprintf(lock, sizeof lock, "%s.import-%s", mb_store_file(w.st),
             (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    sqlite3_close(db);
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        int fd = open(lock, O_RDWR);
        flock(fd, LOCK_EX);
        sleep(3);
        _exit(0);
    }
    nanosleep(&(struct timespec){ .tv_nsec = 300000000 }, NULL);
    size_t rolled;
    cr_assert_eq(mb_listing_recover_staged(w.st, &rolled, &err), 0);
    cr_assert_eq(rolled, 0, "a live import was rolled back");
    cr_assert_eq(count(w.st, "SELECT count(*) FROM site_staged"), MB_LISTING_BATCH);
    int status;
    waitpid(pid, &status, 0);
    cr_assert_eq(mb_listing_recover_staged(w.st, &rolled, &err), 0);
    cr_assert_eq(rolled, MB_LISTING_BATCH);
    for (size_t i = 0; i < n; i++)
        mb_site_rec_release(&recs[i]);
    free(recs);
    teardown(&w);
}

static void exec_sql(struct mb_store *st, const char *sql)
{
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(mb_store_file(st), &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK, "%s: %s", sql,
                 sqlite3_errmsg(db));
    sqlite3_close(db);
}

/* A crash after every site was written: the import is completed, not
 * undone - published ones may already be reserved by others. */
Test(listing, an_import_cut_while_publishing_is_completed)
{
    struct world w;
    file_world(&w, "forward.db");
    size_t n = 2 * MB_LISTING_BATCH, failed;
    struct mb_site_rec *recs = many(&w, n);
    struct mb_error err;
    /* Two batches written, one published, then the crash. */
    cr_assert_eq(mb_listing_insert_many(w.st, &w.owner, recs, n, NULL, 3, &failed, &err),
                 MB_EINTERNAL);
    cr_assert_gt(count(w.st, "SELECT count(*) FROM site WHERE status = 'published'"), 0);
    cr_assert_gt(count(w.st, "SELECT count(*) FROM site_staged g JOIN site s ON s.id ="
                             " g.site_id WHERE g.status = 'published' AND s.status = 'draft'"),
                 0);
    size_t rolled;
    cr_assert_eq(mb_listing_recover_staged(w.st, &rolled, &err), 0, "%s", err.message);
    cr_assert_eq(rolled, 0);
    cr_assert_eq(count(w.st, "SELECT count(*) FROM site"), n);
    cr_assert_eq(count(w.st, "SELECT count(*) FROM site WHERE status = 'published'"),
                 n - (n + 2) / 3);
    cr_assert_eq(count(w.st, "SELECT count(*) FROM site_staged"), 0);
    for (size_t i = 0; i < n; i++)
        mb_site_rec_release(&recs[i]);
    free(recs);
    teardown(&w);
}

/* A note added to site_staged by hand (anyone with the file can) deletes
 * or publishes nothing: only sites as an import wrote them are settled. */
Test(listing, a_forged_staging_note_touches_nothing)
{
    struct world w;
    file_world(&w, "forged.db");
    struct mb_error err;
    struct mb_site_rec a = supply(&w, 100), b = supply(&w, 200);
    cr_assert_eq(mb_listing_create(w.st, &w.owner, MB_FAMILY_LISTING, MB_STATUS_PUBLISHED, &a,
                                   &err), 0, "%s", err.message);
    cr_assert_eq(mb_listing_create(w.st, &w.owner, MB_FAMILY_LISTING, MB_STATUS_DRAFT, &b,
                                   &err), 0, "%s", err.message);
    char sql[256];
    snprintf(sql, sizeof sql, "INSERT INTO site_staged VALUES (%lld, 'aaaaaaaaaaaaaaaaaaaaaaaa',"
             " 'draft', 5), (%lld, 'bbbbbbbbbbbbbbbbbbbbbbbb', 'published', 1)",
             (long long)a.id, (long long)b.id);
    exec_sql(w.st, sql);
    size_t rolled;
    cr_assert_eq(mb_listing_recover_staged(w.st, &rolled, &err), 0);
    cr_assert_eq(rolled, 0);
    cr_assert_eq(count(w.st, "SELECT count(*) FROM site"), 2);
    cr_assert_eq(count(w.st, "SELECT count(*) FROM site WHERE status = 'draft'"), 1);
    cr_assert_eq(count(w.st, "SELECT count(*) FROM site_staged"), 0);
    mb_site_rec_release(&a);
    mb_site_rec_release(&b);
    teardown(&w);
}

/* A colleague closing one of the drafts while the import publishes: it
 * stays closed (the import publishes only untouched drafts). */
Test(listing, a_draft_closed_during_an_import_stays_closed)
{
    struct world w;
    file_world(&w, "closed.db");
    size_t n = 2 * MB_LISTING_BATCH, failed;
    struct mb_site_rec *recs = many(&w, n);
    struct mb_error err;
    cr_assert_eq(mb_listing_insert_many(w.st, &w.owner, recs, n, NULL, 2, &failed, &err),
                 MB_EINTERNAL); /* every site written, none published yet */
    int64_t victim = recs[1].id; /* to be published */
    cr_assert_eq(recs[1].status, MB_STATUS_PUBLISHED);
    struct mb_site_rec out;
    cr_assert_eq(mb_listing_set_status(w.st, &w.owner, MB_FAMILY_LISTING, victim, -1,
                                       MB_STATUS_CLOSED, &out, &err), 0, "%s", err.message);
    mb_site_rec_release(&out);
    size_t rolled;
    cr_assert_eq(mb_listing_recover_staged(w.st, &rolled, &err), 0);
    struct mb_site_rec got;
    cr_assert_eq(mb_store_site_get(w.st, victim, &got, &err), 0);
    cr_assert_eq(got.status, MB_STATUS_CLOSED);
    mb_site_rec_release(&got);
    cr_assert_eq(count(w.st, "SELECT count(*) FROM site WHERE status = 'published'"),
                 n - (n + 2) / 3 - 1);
    for (size_t i = 0; i < n; i++)
        mb_site_rec_release(&recs[i]);
    free(recs);
    teardown(&w);
}

/* A site deleted by a rollback and put back by hand is found. */
Test(listing, a_deleted_site_put_back_is_found)
{
    struct world w;
    file_world(&w, "putback.db");
    size_t n = MB_LISTING_BATCH + 1, failed;
    struct mb_site_rec *recs = many(&w, n);
    struct mb_error err;
    cr_assert_eq(mb_listing_insert_many(w.st, &w.owner, recs, n, NULL, 1, &failed, &err),
                 MB_EINTERNAL);
    size_t rolled;
    cr_assert_eq(mb_listing_recover_staged(w.st, &rolled, &err), 0);
    cr_assert_eq(rolled, MB_LISTING_BATCH);
    char sql[512];
    snprintf(sql, sizeof sql, "INSERT INTO site(id, org_id, type, status, title, lat, lon,"
             " material, cls, amount_t, from_m, to_m, price, co2, created, updated, version)"
             " VALUES (%lld, %lld, 'supply', 'published', 'Gjenferd', 63.4, 10.4,"
             " 'rock.blasted', 1, 100, 24315, 24320, 0, 0, 0, 0, 1)",
             (long long)recs[0].id, (long long)w.owner.org_id);
    exec_sql(w.st, sql);
    struct mb_audit_check chk = { .rows = true };
    struct mb_audit_report rep;
    cr_assert_eq(mb_audit_verify(w.st, &chk, &rep, &err), 0);
    cr_assert_eq(rep.problem, MB_AUDIT_ROW_UNAUDITED);
    cr_assert(strstr(rep.message, "was deleted by entry"), "%s", rep.message);
    for (size_t i = 0; i < n; i++)
        mb_site_rec_release(&recs[i]);
    free(recs);
    teardown(&w);
}
