/*
 * store_join.c - joining (schema 11): organisations waiting for an
 * administrator's approval, and the single-use tokens of invitations and
 * password resets (stored as hashes). Who may do what is
 * market/joining.c's business; this file stores.
 */
#include <string.h>

#include "core/text.h"
#include "store/store_sqlite.h"

static void read_status(sqlite3_stmt *s, struct mb_org_status *o)
{
    o->org_id = sqlite3_column_int64(s, 0);
    mb_st_col_copy(s, 1, o->state, sizeof o->state);
    o->applied = sqlite3_column_int64(s, 2);
    o->decided = sqlite3_column_int64(s, 3);
    o->decided_by = sqlite3_column_int64(s, 4);
    mb_st_col_copy(s, 5, o->note, sizeof o->note);
}

#define STATUS_COLS "org_id, state, applied, decided, decided_by, note"

int mb_store_org_status(struct mb_store *st, int64_t org_id, struct mb_org_status *out,
                        struct mb_error *err)
{
    sqlite3_stmt *s;
    memset(out, 0, sizeof *out);
    out->org_id = org_id;
    mb_text_copy(out->state, sizeof out->state, "verified");
    int rc = mb_st_prepare(st, "SELECT " STATUS_COLS " FROM org_status WHERE org_id = ?", &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, org_id));
    int step = mb_st_step(s);
    if (step == SQLITE_ROW)
        read_status(s, out);
    else if (step != SQLITE_DONE)
        rc = mb_st_error(st, step, NULL, err);
    mb_st_finish(s);
    return rc;
}

int mb_store_org_status_put(struct mb_store *st, const struct mb_org_status *o,
                            struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "INSERT OR REPLACE INTO org_status(" STATUS_COLS ")"
                           " VALUES (?, ?, ?, ?, ?, ?)", &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, o->org_id));
    mb_st_bind_text(s, 2, o->state);
    mb_st_bound(sqlite3_bind_int64(s, 3, o->applied));
    mb_st_bound(sqlite3_bind_int64(s, 4, o->decided));
    mb_st_bound(sqlite3_bind_int64(s, 5, o->decided_by));
    mb_st_bind_text(s, 6, o->note);
    return mb_st_exec(st, s, "org_id", err);
}

static int read_status_row(sqlite3_stmt *s, void *item, struct mb_error *err)
{
    (void)err;
    read_status(s, item);
    return 0;
}

int mb_store_org_status_list(struct mb_store *st, const char *state,
                             struct mb_org_status **items, size_t *n, struct mb_error *err)
{
    sqlite3_stmt *s;
    *items = NULL;
    *n = 0;
    int rc = mb_st_prepare(st, "SELECT " STATUS_COLS " FROM org_status WHERE state = ?"
                           " ORDER BY applied, org_id", &s, err);
    if (rc)
        return rc;
    mb_st_bind_text(s, 1, state);
    void *v;
    rc = mb_st_collect(st, s, sizeof **items, read_status_row, &v, n, err);
    *items = v;
    return rc;
}

#define TOKEN_COLS "hash, kind, user_id, org_id, email, role, by_user, created, expires, used"

int mb_store_account_token_add(struct mb_store *st, const struct mb_account_token *t,
                               struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "INSERT INTO account_token(" TOKEN_COLS ")"
                           " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)", &s, err);
    if (rc)
        return rc;
    mb_st_bind_text(s, 1, t->hash);
    mb_st_bind_text(s, 2, t->kind);
    mb_st_bound(sqlite3_bind_int64(s, 3, t->user_id));
    mb_st_bound(sqlite3_bind_int64(s, 4, t->org_id));
    mb_st_bind_text(s, 5, t->email);
    mb_st_bind_text(s, 6, t->role);
    mb_st_bound(sqlite3_bind_int64(s, 7, t->by_user));
    mb_st_bound(sqlite3_bind_int64(s, 8, t->created));
    mb_st_bound(sqlite3_bind_int64(s, 9, t->expires));
    return mb_st_exec(st, s, "token", err);
}

int mb_store_account_token_get(struct mb_store *st, const char *hash,
                               struct mb_account_token *out, struct mb_error *err)
{
    sqlite3_stmt *s;
    memset(out, 0, sizeof *out);
    int rc = mb_st_prepare(st, "SELECT " TOKEN_COLS " FROM account_token WHERE hash = ?", &s,
                           err);
    if (rc)
        return rc;
    mb_st_bind_text(s, 1, hash);
    int step = mb_st_step(s);
    if (step == SQLITE_ROW) {
        mb_st_col_copy(s, 0, out->hash, sizeof out->hash);
        mb_st_col_copy(s, 1, out->kind, sizeof out->kind);
        out->user_id = sqlite3_column_int64(s, 2);
        out->org_id = sqlite3_column_int64(s, 3);
        mb_st_col_copy(s, 4, out->email, sizeof out->email);
        mb_st_col_copy(s, 5, out->role, sizeof out->role);
        out->by_user = sqlite3_column_int64(s, 6);
        out->created = sqlite3_column_int64(s, 7);
        out->expires = sqlite3_column_int64(s, 8);
        out->used = sqlite3_column_int(s, 9) != 0;
    } else if (step == SQLITE_DONE) {
        rc = mb_error_set(err, MB_ENOTFOUND, "token", "this link is not known");
    } else {
        rc = mb_st_error(st, step, NULL, err);
    }
    mb_st_finish(s);
    return rc;
}

int mb_store_account_token_use(struct mb_store *st, const char *hash, struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "UPDATE account_token SET used = 1 WHERE hash = ? AND used = 0",
                           &s, err);
    if (rc)
        return rc;
    mb_st_bind_text(s, 1, hash);
    rc = mb_st_exec(st, s, NULL, err);
    if (!rc && sqlite3_changes(st->db) == 0)
        rc = mb_error_set(err, MB_ECONFLICT, "token", "this link has been used already");
    return rc;
}

int mb_store_account_tokens_since(struct mb_store *st, const char *kind, int64_t user_id,
                                  int64_t since, int64_t *n, struct mb_error *err)
{
    sqlite3_stmt *s;
    *n = 0;
    int rc = mb_st_prepare(st, "SELECT count(*) FROM account_token WHERE kind = ? AND user_id = ?"
                           " AND created >= ?", &s, err);
    if (rc)
        return rc;
    mb_st_bind_text(s, 1, kind);
    mb_st_bound(sqlite3_bind_int64(s, 2, user_id));
    mb_st_bound(sqlite3_bind_int64(s, 3, since));
    int step = mb_st_step(s);
    if (step == SQLITE_ROW)
        *n = sqlite3_column_int64(s, 0);
    else
        rc = mb_st_error(st, step, NULL, err);
    mb_st_finish(s);
    return rc;
}

static int read_id(sqlite3_stmt *s, void *item, struct mb_error *err)
{
    (void)err;
    *(int64_t *)item = sqlite3_column_int64(s, 0);
    return 0;
}

int mb_store_admin_ids(struct mb_store *st, int64_t **ids, size_t *n, struct mb_error *err)
{
    sqlite3_stmt *s;
    *ids = NULL;
    *n = 0;
    int rc = mb_st_prepare(st, "SELECT id FROM user WHERE role = 'admin' ORDER BY id", &s, err);
    if (rc)
        return rc;
    void *v;
    rc = mb_st_collect(st, s, sizeof **ids, read_id, &v, n, err);
    *ids = v;
    return rc;
}

int mb_store_invitations_since(struct mb_store *st, int64_t by_user, const char *email,
                               int64_t since, int64_t *by_count, int64_t *to_count,
                               struct mb_error *err)
{
    sqlite3_stmt *s;
    *by_count = *to_count = 0;
    int rc = mb_st_prepare(st, "SELECT coalesce(sum(by_user = ?1), 0), coalesce(sum(email = ?2), 0)"
                           " FROM account_token WHERE kind = 'invite' AND created >= ?3", &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, by_user));
    mb_st_bind_text(s, 2, email);
    mb_st_bound(sqlite3_bind_int64(s, 3, since));
    int step = mb_st_step(s);
    if (step == SQLITE_ROW) {
        *by_count = sqlite3_column_int64(s, 0);
        *to_count = sqlite3_column_int64(s, 1);
    } else {
        rc = mb_st_error(st, step, NULL, err);
    }
    mb_st_finish(s);
    return rc;
}
