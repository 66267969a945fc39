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

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

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
                       " action, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                           " detail, prev_hash, hash FROM audit WHERE seq > ?1"
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
