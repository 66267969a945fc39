/*
 * store/store_audit.c - the audit log's rows in the SQLite store (see
 * store.h, "the audit log"). The store keeps entries as it is given them
 * and reads them back in sequence order; the hash chain that makes the
 * log tamper-evident is computed and checked by market/audit.c. The
 * schema refuses UPDATE and DELETE on the table (store_sqlite.c,
 * MIGRATION_3); an entry is appended inside the transaction of the change
 * it records, so the two are written together or not at all.
 */
#include "store/store_sqlite.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/strbuf.h"

void mb_audit_entry_release(struct mb_audit_entry *e)
{
    if (!e)
        return;
    free(e->detail);
    e->detail = NULL;
}

void mb_audit_entries_free(struct mb_audit_entry *items, size_t n)
{
    for (size_t i = 0; items && i < n; i++)
        mb_audit_entry_release(&items[i]);
    free(items);
}

int mb_store_audit_last(struct mb_store *st, int64_t *seq, char hash[65],
                        struct mb_error *err)
{
    *seq = 0;
    hash[0] = '\0';
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", &s,
                           err);
    if (rc)
        return rc;
    rc = mb_st_step(s);
    if (rc == SQLITE_ROW) {
        *seq = sqlite3_column_int64(s, 0);
        mb_st_col_copy(s, 1, hash, 65);
        rc = 0;
    } else if (rc == SQLITE_DONE) {
        rc = 0;
    } else {
        rc = mb_st_error(st, rc, NULL, err);
    }
    mb_st_finish(s);
    return rc;
}

int mb_store_audit_insert(struct mb_store *st, const struct mb_audit_entry *e,
                          struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    rc = mb_st_prepare(st, "INSERT INTO audit(seq, at, user_id, org_id, entity, entity_id,"
                       " action, detail, prev_hash, hash, state, sig)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       &s, err);
    if (!rc) {
        mb_st_bound(sqlite3_bind_int64(s, 1, e->seq));
        mb_st_bound(sqlite3_bind_int64(s, 2, e->at));
        mb_st_bound(sqlite3_bind_int64(s, 3, e->user_id));
        mb_st_bound(sqlite3_bind_int64(s, 4, e->org_id));
        mb_st_bind_text(s, 5, e->entity);
        mb_st_bound(sqlite3_bind_int64(s, 6, e->entity_id));
        mb_st_bind_text(s, 7, e->action);
        mb_st_bind_text(s, 8, e->detail ? e->detail : "{}");
        mb_st_bind_text(s, 9, e->prev_hash);
        mb_st_bind_text(s, 10, e->hash);
        mb_st_bind_text(s, 11, e->state);
        mb_st_bind_text(s, 12, e->sig);
        rc = mb_st_exec(st, s, NULL, err);
    }
    return mb_st_tx_end(st, rc, err);
}

int mb_store_audit_list(struct mb_store *st, int64_t after, size_t limit, const char *entity,
                        int64_t entity_id, struct mb_audit_entry **items, size_t *n,
                        struct mb_error *err)
{
    *items = NULL;
    *n = 0;
    sqlite3_stmt *s;
    /* A deal's history holds its deliveries' entries too: they are the
     * deal's loads. */
    int rc = mb_st_prepare(st, "SELECT seq, at, user_id, org_id, entity, entity_id, action,"
                           " detail, prev_hash, hash, state, sig FROM audit WHERE seq > ?1"
                           " AND (?2 IS NULL OR (entity = ?2 AND (?3 = 0 OR entity_id = ?3))"
                           "  OR (?2 = 'deal' AND ?3 <> 0 AND entity = 'delivery'"
                           "   AND entity_id IN (SELECT id FROM delivery WHERE deal_id = ?3)))"
                           " ORDER BY seq LIMIT ?4", &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, after));
    mb_st_bind_text(s, 2, entity);
    mb_st_bound(sqlite3_bind_int64(s, 3, entity_id));
    mb_st_bound(sqlite3_bind_int64(s, 4, (int64_t)(limit ? limit : 100)));
    size_t cap = 0;
    while ((rc = mb_st_step(s)) == SQLITE_ROW) {
        *items = mb_xgrow(*items, &cap, *n + 1, sizeof **items);
        struct mb_audit_entry *e = &(*items)[(*n)++];
        memset(e, 0, sizeof *e);
        e->seq = sqlite3_column_int64(s, 0);
        e->at = sqlite3_column_int64(s, 1);
        e->user_id = sqlite3_column_int64(s, 2);
        e->org_id = sqlite3_column_int64(s, 3);
        mb_st_col_copy(s, 4, e->entity, sizeof e->entity);
        e->entity_id = sqlite3_column_int64(s, 5);
        mb_st_col_copy(s, 6, e->action, sizeof e->action);
        e->detail = mb_st_col_dup(s, 7);
        if (!e->detail)
            e->detail = mb_xstrdup("");
        mb_st_col_copy(s, 8, e->prev_hash, sizeof e->prev_hash);
        mb_st_col_copy(s, 9, e->hash, sizeof e->hash);
        mb_st_col_copy(s, 10, e->state, sizeof e->state);
        mb_st_col_copy(s, 11, e->sig, sizeof e->sig);
    }
    rc = rc == SQLITE_DONE ? 0 : mb_st_error(st, rc, NULL, err);
    mb_st_finish(s);
    if (rc) {
        mb_audit_entries_free(*items, *n);
        *items = NULL;
        *n = 0;
    }
    return rc;
}

int mb_store_audit_count(struct mb_store *st, int64_t *n, struct mb_error *err)
{
    *n = 0;
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "SELECT count(*) FROM audit", &s, err);
    if (rc)
        return rc;
    rc = mb_st_step(s);
    if (rc == SQLITE_ROW) {
        *n = sqlite3_column_int64(s, 0);
        rc = 0;
    } else {
        rc = mb_st_error(st, rc, NULL, err);
    }
    mb_st_finish(s);
    return rc;
}

int mb_store_audit_snapshot_begin(struct mb_store *st, bool *opened, struct mb_error *err)
{
    return mb_st_read_begin(st, opened, err);
}

void mb_store_audit_snapshot_end(struct mb_store *st, bool opened)
{
    mb_st_read_end(st, opened);
}

const char *mb_store_file(struct mb_store *st)
{
    const char *f = sqlite3_db_filename(st->db, "main");
    return f ? f : "";
}

/* The columns each covered table is hashed by, in this order. A column
 * added to one of these tables later must be added here with a new
 * "massebank-row/N" tag, so that rows written before still verify. */
static const struct row_table {
    const char *table, *sql;
} row_tables[] = {
    { "site", "SELECT id, org_id, type, status, title, municipality, lat, lon, material, cls,"
                 " amount_t, from_m, to_m, price, co2, keywords, limits, doc, created, updated,"
                 " version FROM site WHERE id = ?" },
    { "deal", "SELECT id, listing_id, org_id, user_id, counterpart_site, hauler_org, amount_t,"
              " amount_value, amount_unit, price, from_m, to_m, use, note, state, created,"
              " updated, version FROM deal WHERE id = ?" },
    { "delivery", "SELECT id, deal_id, seq, code, truck, euro_class, amount_t, amount_value,"
                  " amount_unit, at, from_site, to_site, state, reason, replaces, user_id,"
                  " org_id, decided_by, decided_at, created, version FROM delivery WHERE id = ?" },
    { "org", "SELECT id, name, orgnr, created FROM org WHERE id = ?" },
    { "org_contact", "SELECT org_id, name, phone, email, updated FROM org_contact"
                     " WHERE org_id = ?" },
    { "user", "SELECT id, org_id, email, name, role, password_hash, created FROM user"
              " WHERE id = ?" },
    { "document", "SELECT id, site_id, name, mime, sha256, size, created FROM document"
                  " WHERE id = ?" },
    { "message", "SELECT id, thread_id, user_id, org_id, body, created FROM message"
                 " WHERE id = ?" },
};

/* One value: a type letter, then for text its byte length, ":" and the
 * bytes; integers in decimal, reals as %.17g (exact), NULL as "n". */
static void add_value(struct mb_strbuf *b, sqlite3_stmt *s, int col)
{
    switch (sqlite3_column_type(s, col)) {
    case SQLITE_INTEGER:
        mb_strbuf_addf(b, "i%lld\n", (long long)sqlite3_column_int64(s, col));
        break;
    case SQLITE_FLOAT:
        mb_strbuf_addf(b, "r%.17g\n", sqlite3_column_double(s, col));
        break;
    case SQLITE_NULL:
        mb_strbuf_adds(b, "n\n");
        break;
    default: {
        const unsigned char *t = sqlite3_column_text(s, col);
        size_t n = (size_t)sqlite3_column_bytes(s, col);
        mb_strbuf_addf(b, "t%zu:", n);
        mb_strbuf_add(b, (const char *)t, n);
        mb_strbuf_adds(b, "\n");
    }
    }
}

int mb_store_audit_row_hash(struct mb_store *st, const char *entity, int64_t id,
                            char out[65], struct mb_error *err)
{
    out[0] = '\0';
    /* Entities name their table, but sites (listings and facilities) and
     * organisations. */
    bool site = strcmp(entity, "listing") == 0 || strcmp(entity, "facility") == 0;
    const char *table = site ? "site" : strcmp(entity, "organisation") == 0 ? "org" : entity;
    const struct row_table *t = NULL;
    for (size_t i = 0; i < sizeof row_tables / sizeof row_tables[0]; i++)
        if (strcmp(row_tables[i].table, table) == 0)
            t = &row_tables[i];
    if (!t)
        return 0;
    struct mb_strbuf b = { 0 };
    mb_strbuf_addf(&b, "massebank-row/1\n%s\n", t->table);
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, t->sql, &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, id));
    bool found = false;
    if ((rc = mb_st_step(s)) == SQLITE_ROW) {
        found = true;
        for (int c = 0; c < sqlite3_column_count(s); c++)
            add_value(&b, s, c);
        rc = 0;
    } else {
        rc = rc == SQLITE_DONE ? 0 : mb_st_error(st, rc, NULL, err);
    }
    mb_st_finish(s);
    if (!rc && found && site) {
        rc = mb_st_prepare(st, "SELECT material FROM site_material WHERE site_id = ?"
                           " ORDER BY pos", &s, err);
        if (!rc) {
            mb_st_bound(sqlite3_bind_int64(s, 1, id));
            while ((rc = mb_st_step(s)) == SQLITE_ROW) {
                mb_strbuf_adds(&b, "m");
                add_value(&b, s, 0);
            }
            rc = rc == SQLITE_DONE ? 0 : mb_st_error(st, rc, NULL, err);
            mb_st_finish(s);
        }
    }
    if (!rc && found) {
        unsigned char h[crypto_hash_sha256_BYTES];
        crypto_hash_sha256(h, (const unsigned char *)b.s, b.len);
        sodium_bin2hex(out, 65, h, sizeof h);
    }
    mb_strbuf_release(&b);
    return rc;
}

int mb_store_audit_rows(struct mb_store *st,
                        int (*fn)(const char *entity, int64_t id, void *cls), void *cls,
                        struct mb_error *err)
{
    static const char *const sql =
        "SELECT CASE WHEN type IN ('supply', 'need') THEN 'listing' ELSE 'facility' END, id"
        " FROM site"
        " UNION ALL SELECT 'deal', id FROM deal"
        " UNION ALL SELECT 'delivery', id FROM delivery"
        " UNION ALL SELECT 'organisation', id FROM org"
        " UNION ALL SELECT 'org_contact', org_id FROM org_contact"
        " UNION ALL SELECT 'user', id FROM user"
        " UNION ALL SELECT 'document', id FROM document"
        " UNION ALL SELECT 'message', id FROM message";
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, sql, &s, err);
    if (rc)
        return rc;
    int stop = 0;
    while (!stop && (rc = mb_st_step(s)) == SQLITE_ROW) {
        char entity[16];
        mb_st_col_copy(s, 0, entity, sizeof entity);
        stop = fn(entity, sqlite3_column_int64(s, 1), cls);
    }
    rc = stop ? stop : rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : mb_st_error(st, rc, NULL, err);
    mb_st_finish(s);
    return rc;
}
