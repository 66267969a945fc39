/*
 * test_audit.c - the audit log's hash chain (market/audit.c,
 * store_audit.c): entries link to each other, and verification names the
 * first entry that was edited, deleted or reordered behind the program's
 * back (with sqlite3 on the file, the triggers dropped first).
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>

#include "market/audit.h"
#include "market/audit_key.h"
#include "support/tmpdir.h"

/* A database file with n entries; returns its path (a static buffer: one
 * log per test process). */
static char *make_log(const char *name, int n)
{
    static char path[4096];
    char *made = tmpfile_path(name);
    snprintf(path, sizeof path, "%s", made);
    free(made);
    struct mb_store *st;
    struct mb_error err;
    cr_assert_eq(mb_store_open(&st, path, &err), 0, "%s", err.message);
    struct mb_user u = { .id = 7, .org_id = 3 };
    for (int i = 1; i <= n; i++) {
        json_t *d = json_pack("{s:i, s:s}", "i", i, "text", "blå \"stein\"\n");
        cr_assert_eq(mb_audit_append(st, &u, i % 2 ? "deal" : "listing", 100 + i, "update", d,
                                     &err), 0, "%s", err.message);
        json_decref(d);
    }
    mb_store_close(st);
    return path;
}

static struct mb_audit_report verify(const char *path)
{
    struct mb_store *st;
    struct mb_error err;
    struct mb_audit_report rep;
    cr_assert_eq(mb_store_open(&st, path, &err), 0, "%s", err.message);
    cr_assert_eq(mb_audit_verify(st, NULL, &rep, &err), 0, "%s", err.message);
    mb_store_close(st);
    return rep;
}

static void tamper(const char *path, const char *sql)
{
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    cr_assert_eq(rc, SQLITE_OK, "%s: %s", sql, msg ? msg : "");
    sqlite3_close(db);
}

#define UNGUARD "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; "

Test(audit, chain_links_and_verifies)
{
    char *path = make_log("ok.db", 1200); /* more than two pages */
    struct mb_audit_report rep = verify(path);
    cr_assert_eq(rep.problem, MB_AUDIT_OK, "%s", rep.message);
    cr_assert_eq(rep.entries, 1200);
    cr_assert_eq(strlen(rep.head), 64);
    struct mb_store *st;
    struct mb_error err;
    cr_assert_eq(mb_store_open(&st, path, &err), 0);
    struct mb_audit_entry *e;
    size_t n;
    cr_assert_eq(mb_store_audit_list(st, 0, 2, NULL, 0, &e, &n, &err), 0);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(e[0].prev_hash, MB_AUDIT_GENESIS);
    cr_assert_str_eq(e[1].prev_hash, e[0].hash);
    char h[65];
    mb_audit_hash(&e[1], h);
    cr_assert_str_eq(h, e[1].hash);
    mb_audit_entries_free(e, n);
    /* The program cannot change or delete an entry. */
    cr_assert_eq(mb_store_begin(st, &err), 0);
    mb_store_rollback(st);
    mb_store_close(st);
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_neq(sqlite3_exec(db, "UPDATE audit SET action = 'x' WHERE seq = 1", NULL, NULL,
                               NULL), SQLITE_OK);
    cr_assert_neq(sqlite3_exec(db, "DELETE FROM audit WHERE seq = 1", NULL, NULL, NULL),
                  SQLITE_OK);
    sqlite3_close(db);
}

Test(audit, empty_log_is_intact)
{
    char *path = make_log("empty.db", 0);
    struct mb_audit_report rep = verify(path);
    cr_assert_eq(rep.problem, MB_AUDIT_OK);
    cr_assert_eq(rep.entries, 0);
    cr_assert_str_eq(rep.head, "");
}

Test(audit, an_edited_entry_is_named)
{
    char *path = make_log("edited.db", 10);
    tamper(path, UNGUARD "UPDATE audit SET detail = '{\"i\":99}' WHERE seq = 6");
    struct mb_audit_report rep = verify(path);
    cr_assert_eq(rep.problem, MB_AUDIT_EDITED, "%s", rep.message);
    cr_assert_eq(rep.bad_seq, 6);
    cr_assert(strstr(rep.message, "entry 6"), "%s", rep.message);
}

Test(audit, an_edited_and_rehashed_entry_breaks_the_next_link)
{
    char *path = make_log("rehashed.db", 10);
    /* Whoever edits entry 4 and gives it a fresh hash still breaks 5. */
    tamper(path, UNGUARD "UPDATE audit SET user_id = 1, hash = "
           "'1111111111111111111111111111111111111111111111111111111111111111' WHERE seq = 4");
    struct mb_audit_report rep = verify(path);
    cr_assert_eq(rep.bad_seq, 4, "%s", rep.message);
    char *path2 = make_log("rehashed2.db", 10);
    struct mb_store *st;
    struct mb_error err;
    cr_assert_eq(mb_store_open(&st, path2, &err), 0);
    struct mb_audit_entry *e;
    size_t n;
    cr_assert_eq(mb_store_audit_list(st, 3, 1, NULL, 0, &e, &n, &err), 0);
    e[0].user_id = 1;
    char h[65], sql[400];
    mb_audit_hash(&e[0], h);
    mb_audit_entries_free(e, n);
    mb_store_close(st);
    snprintf(sql, sizeof sql, UNGUARD "UPDATE audit SET user_id = 1, hash = '%s' WHERE seq = 4",
             h);
    tamper(path2, sql);
    rep = verify(path2);
    cr_assert_eq(rep.problem, MB_AUDIT_BROKEN, "%s", rep.message);
    cr_assert_eq(rep.bad_seq, 5);
}

Test(audit, a_deleted_entry_is_named)
{
    char *path = make_log("deleted.db", 10);
    tamper(path, UNGUARD "DELETE FROM audit WHERE seq = 3");
    struct mb_audit_report rep = verify(path);
    cr_assert_eq(rep.problem, MB_AUDIT_MISSING, "%s", rep.message);
    cr_assert_eq(rep.bad_seq, 3);
    char *first = make_log("deleted1.db", 5);
    tamper(first, UNGUARD "DELETE FROM audit WHERE seq = 1");
    rep = verify(first);
    cr_assert_eq(rep.problem, MB_AUDIT_MISSING);
    cr_assert_eq(rep.bad_seq, 1);
}

Test(audit, reordered_entries_are_named)
{
    char *path = make_log("reordered.db", 10);
    /* Swap entries 5 and 6 (everything but their place). */
    tamper(path, UNGUARD
           "CREATE TEMP TABLE t AS SELECT * FROM audit WHERE seq IN (5, 6);"
           "UPDATE audit SET (at, user_id, org_id, entity, entity_id, action, detail, prev_hash,"
           " hash) = (SELECT at, user_id, org_id, entity, entity_id, action, detail, prev_hash,"
           " hash FROM t WHERE t.seq = 11 - audit.seq) WHERE seq IN (5, 6);");
    struct mb_audit_report rep = verify(path);
    cr_assert_eq(rep.problem, MB_AUDIT_REORDERED, "%s", rep.message);
    cr_assert_eq(rep.bad_seq, 5);
    cr_assert(strstr(rep.message, "reordered"), "%s", rep.message);
}

Test(audit, diff_names_changed_fields)
{
    json_t *a = json_pack("{s:s, s:i, s:i}", "title", "A", "n", 1, "gone", 2);
    json_t *b = json_pack("{s:s, s:i, s:b}", "title", "B", "n", 1, "new", 1);
    json_t *d = mb_audit_diff(a, b);
    cr_assert_eq(json_object_size(d), 3);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(d, "title"), "to")), "B");
    cr_assert(json_is_null(json_object_get(json_object_get(d, "gone"), "to")));
    cr_assert(json_is_null(json_object_get(json_object_get(d, "new"), "from")));
    json_decref(a);
    json_decref(b);
    json_decref(d);
}

/* The key file is made once with mode 0600 and signs; a head made with it
 * parses back and any change to it breaks its signature. */
Test(audit, key_file_signs_and_heads_round_trip)
{
    char *db = tmpfile_path("keyed.db");
    char path[4200];
    cr_assert(mb_audit_key_path(db, path, sizeof path));
    struct mb_audit_key k, again;
    bool found;
    struct mb_error err;
    cr_assert_eq(mb_audit_key_load(path, false, 0, &k, &found, &err), 0);
    cr_assert_not(found);
    cr_assert_eq(mb_audit_key_load(path, true, 1, &k, &found, &err), 0, "%s", err.message);
    cr_assert(found && k.has_secret);
    struct stat sb;
    cr_assert_eq(stat(path, &sb), 0);
    cr_assert_eq(sb.st_mode & 0777, 0600);
    cr_assert_eq(mb_audit_key_load(path, true, 1, &again, &found, &err), 0);
    cr_assert_eq(memcmp(k.pk, again.pk, 32), 0, "a second load makes no new key");
    cr_assert(again.has_secret && again.since == 1, "read back whole");
    char sig[129];
    const char *hash = "9f2c0000000000000000000000000000000000000000000000000000000000ab";
    mb_audit_key_sign(&k, hash, sig);
    cr_assert(mb_audit_key_check(k.pk, hash, sig));
    cr_assert_not(mb_audit_key_check(k.pk, "9f2c0000000000000000000000000000000000000000000000"
                                           "000000000000ac", sig));
    json_t *h = mb_audit_head_json(&k, 42, hash, 1800000000);
    struct mb_audit_head head;
    cr_assert_eq(mb_audit_head_parse(h, &head, &err), 0, "%s", err.message);
    cr_assert_eq(head.seq, 42);
    cr_assert_str_eq(head.at, "2027-01-15T08:00:00Z");
    json_object_set_new(h, "seq", json_integer(41));
    cr_assert_eq(mb_audit_head_parse(h, &head, &err), MB_EINVAL);
    cr_assert_str_eq(err.field, "signature");
    json_decref(h);
    free(db);
}

/* Entries of a file database are signed and name their row; verify with
 * the key and rows finds an entry without a row (a deal id the store has
 * never seen is "gone") - here every entry names ids with no row. */
Test(audit, entries_are_signed_and_checked_with_the_key)
{
    char *path = make_log("signed.db", 3);
    char kp[4200];
    cr_assert(mb_audit_key_path(path, kp, sizeof kp));
    struct mb_audit_key k;
    bool found;
    struct mb_error err;
    cr_assert_eq(mb_audit_key_load(kp, false, 0, &k, &found, &err), 0);
    cr_assert(found, "the first append made the key");
    struct mb_store *st;
    cr_assert_eq(mb_store_open(&st, path, &err), 0);
    /* From the key file's "since" on, every entry must name its row; these
     * name deal and listing ids that have no row, so that is found. */
    cr_assert_eq(k.since, 1);
    struct mb_audit_check chk = { .key = k.pk, .since = k.since };
    struct mb_audit_report rep;
    cr_assert_eq(mb_audit_verify(st, &chk, &rep, &err), 0);
    cr_assert_eq(rep.problem, MB_AUDIT_FORGED);
    cr_assert(strstr(rep.message, "names no row"), "%s", rep.message);
    /* The signatures themselves hold: checked alone (rows from later on). */
    chk.since = 100;
    cr_assert_eq(mb_audit_verify(st, &chk, &rep, &err), 0);
    cr_assert_eq(rep.problem, MB_AUDIT_OK, "%s", rep.message);
    cr_assert_eq(rep.signed_entries, 3);
    /* Another key: every signature fails, the first is named. */
    unsigned char other[32];
    memcpy(other, k.pk, 32);
    other[0] ^= 1;
    chk.key = other;
    chk.since = 100;
    cr_assert_eq(mb_audit_verify(st, &chk, &rep, &err), 0);
    cr_assert_eq(rep.problem, MB_AUDIT_FORGED);
    cr_assert_eq(rep.bad_seq, 1);
    mb_store_close(st);
}
