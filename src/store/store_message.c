/*
 * store_message.c - conversations (schema 8): threads about a listing or
 * a deal, their messages, and what each user has read. Who may read or
 * write a thread is market/messages.c's business; this file stores.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "store/store_sqlite.h"

void mb_messages_release(struct mb_message *items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(items[i].body);
    free(items);
}

#define THREAD_COLS "t.id, t.kind, t.subject_id, t.asker_org, t.created, t.last_at"

static void read_thread(sqlite3_stmt *s, struct mb_thread *t)
{
    t->id = sqlite3_column_int64(s, 0);
    mb_st_col_copy(s, 1, t->kind, sizeof t->kind);
    t->subject_id = sqlite3_column_int64(s, 2);
    t->asker_org = sqlite3_column_int64(s, 3);
    t->created = sqlite3_column_int64(s, 4);
    t->last_at = sqlite3_column_int64(s, 5);
}

static int one_thread(struct mb_store *st, sqlite3_stmt *s, struct mb_thread *out,
                      struct mb_error *err)
{
    int rc = mb_st_step(s);
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        read_thread(s, out);
        rc = 0;
    } else if (rc == SQLITE_DONE) {
        rc = mb_error_set(err, MB_ENOTFOUND, "thread", "no such conversation");
    } else {
        rc = mb_st_error(st, rc, NULL, err);
    }
    mb_st_finish(s);
    return rc;
}

int mb_store_thread_by_id(struct mb_store *st, int64_t id, struct mb_thread *out,
                          struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "SELECT " THREAD_COLS " FROM thread t WHERE t.id = ?", &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, id));
    return one_thread(st, s, out, err);
}

int mb_store_thread_get(struct mb_store *st, const char *kind, int64_t subject_id,
                        int64_t asker_org, bool create, struct mb_thread *out,
                        struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    if (create) {
        int64_t now = (int64_t)time(NULL);
        rc = mb_st_prepare(st, "INSERT INTO thread(kind, subject_id, asker_org, created, last_at)"
                           " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", &s, err);
        if (!rc) {
            mb_st_bind_text(s, 1, kind);
            mb_st_bound(sqlite3_bind_int64(s, 2, subject_id));
            mb_st_bound(sqlite3_bind_int64(s, 3, asker_org));
            mb_st_bound(sqlite3_bind_int64(s, 4, now));
            mb_st_bound(sqlite3_bind_int64(s, 5, now));
            rc = mb_st_exec(st, s, NULL, err);
        }
    }
    if (!rc)
        rc = mb_st_prepare(st, "SELECT " THREAD_COLS " FROM thread t WHERE t.kind = ?"
                           " AND t.subject_id = ? AND t.asker_org = ?", &s, err);
    if (!rc) {
        mb_st_bind_text(s, 1, kind);
        mb_st_bound(sqlite3_bind_int64(s, 2, subject_id));
        mb_st_bound(sqlite3_bind_int64(s, 3, asker_org));
        rc = one_thread(st, s, out, err);
    }
    return mb_st_tx_end(st, rc, err);
}

/* Counts for user ?1: messages, and those after the user's last read
 * that other organisations wrote (a colleague's message is one's own
 * side's, not news). */
#define COUNTS \
    ", (SELECT count(*) FROM message m WHERE m.thread_id = t.id)," \
    " (SELECT count(*) FROM message m WHERE m.thread_id = t.id" \
    "   AND m.org_id <> (SELECT u.org_id FROM user u WHERE u.id = ?1)" \
    "   AND m.id > COALESCE((SELECT r.last_message FROM thread_read r" \
    "   WHERE r.thread_id = t.id AND r.user_id = ?1), 0))"

static int read_counted(sqlite3_stmt *s, void *item, struct mb_error *err)
{
    (void)err;
    struct mb_thread *t = item;
    read_thread(s, t);
    t->messages = sqlite3_column_int64(s, 6);
    t->unread = sqlite3_column_int64(s, 7);
    return 0;
}

int mb_store_threads_of(struct mb_store *st, const char *kind, int64_t subject_id,
                        int64_t user_id, struct mb_thread **items, size_t *n,
                        struct mb_error *err)
{
    sqlite3_stmt *s;
    *items = NULL;
    *n = 0;
    int rc = mb_st_prepare(st, "SELECT " THREAD_COLS COUNTS " FROM thread t WHERE t.kind = ?2"
                           " AND t.subject_id = ?3 ORDER BY t.last_at DESC, t.id DESC", &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, user_id));
    mb_st_bind_text(s, 2, kind);
    mb_st_bound(sqlite3_bind_int64(s, 3, subject_id));
    void *v;
    rc = mb_st_collect(st, s, sizeof **items, read_counted, &v, n, err);
    *items = v;
    return rc;
}

int mb_store_message_add(struct mb_store *st, struct mb_message *m, struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    m->created = (int64_t)time(NULL);
    rc = mb_st_prepare(st, "INSERT INTO message(thread_id, user_id, org_id, body, created)"
                       " VALUES (?, ?, ?, ?, ?)", &s, err);
    if (!rc) {
        mb_st_bound(sqlite3_bind_int64(s, 1, m->thread_id));
        mb_st_bound(sqlite3_bind_int64(s, 2, m->user_id));
        mb_st_bound(sqlite3_bind_int64(s, 3, m->org_id));
        mb_st_bind_text(s, 4, m->body);
        mb_st_bound(sqlite3_bind_int64(s, 5, m->created));
        rc = mb_st_exec(st, s, "thread_id", err);
    }
    if (!rc) {
        m->id = sqlite3_last_insert_rowid(st->db);
        rc = mb_st_prepare(st, "UPDATE thread SET last_at = ? WHERE id = ?", &s, err);
    }
    if (!rc) {
        mb_st_bound(sqlite3_bind_int64(s, 1, m->created));
        mb_st_bound(sqlite3_bind_int64(s, 2, m->thread_id));
        rc = mb_st_exec(st, s, NULL, err);
    }
    return mb_st_tx_end(st, rc, err);
}

static int read_message(sqlite3_stmt *s, void *item, struct mb_error *err)
{
    (void)err;
    struct mb_message *m = item;
    m->id = sqlite3_column_int64(s, 0);
    m->thread_id = sqlite3_column_int64(s, 1);
    m->user_id = sqlite3_column_int64(s, 2);
    m->org_id = sqlite3_column_int64(s, 3);
    m->body = mb_st_col_dup(s, 4);
    m->created = sqlite3_column_int64(s, 5);
    mb_st_col_copy(s, 6, m->user_name, sizeof m->user_name);
    mb_st_col_copy(s, 7, m->org_name, sizeof m->org_name);
    return 0;
}

int mb_store_messages(struct mb_store *st, int64_t thread_id, struct mb_message **items,
                      size_t *n, struct mb_error *err)
{
    sqlite3_stmt *s;
    *items = NULL;
    *n = 0;
    int rc = mb_st_prepare(st, "SELECT m.id, m.thread_id, m.user_id, m.org_id, m.body, m.created,"
                           " u.name, o.name FROM message m JOIN user u ON u.id = m.user_id"
                           " JOIN org o ON o.id = m.org_id WHERE m.thread_id = ? ORDER BY m.id",
                           &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, thread_id));
    void *v;
    rc = mb_st_collect(st, s, sizeof **items, read_message, &v, n, err);
    *items = v;
    return rc;
}

int mb_store_thread_mark_read(struct mb_store *st, int64_t thread_id, int64_t user_id,
                              struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    rc = mb_st_prepare(st, "INSERT INTO thread_read(thread_id, user_id, last_message)"
                       " SELECT ?1, ?2, COALESCE(max(id), 0) FROM message WHERE thread_id = ?1"
                       " ON CONFLICT(thread_id, user_id) DO UPDATE SET"
                       " last_message = excluded.last_message"
                       " WHERE excluded.last_message > thread_read.last_message", &s, err);
    if (!rc) {
        mb_st_bound(sqlite3_bind_int64(s, 1, thread_id));
        mb_st_bound(sqlite3_bind_int64(s, 2, user_id));
        rc = mb_st_exec(st, s, NULL, err);
    }
    return mb_st_tx_end(st, rc, err);
}

int mb_store_threads_inbox(struct mb_store *st, int64_t org_id, int64_t user_id,
                            size_t limit, struct mb_thread **items, size_t *n,
                            struct mb_error *err)
{
    sqlite3_stmt *s;
    *items = NULL;
    *n = 0;
    int rc = mb_st_prepare(st,
        "SELECT * FROM (SELECT " THREAD_COLS COUNTS " FROM thread t WHERE"
        " (t.kind = 'listing' AND t.subject_id IN (SELECT id FROM site WHERE org_id = ?2"
        "   OR (t.asker_org = ?2 AND status IN ('published', 'reserved'))))"
        " OR (t.kind = 'deal' AND t.subject_id IN (SELECT d.id FROM deal d"
        "   JOIN site l ON l.id = d.listing_id LEFT JOIN site c ON c.id = d.counterpart_site"
        "   WHERE l.org_id = ?2 OR d.org_id = ?2 OR d.hauler_org = ?2"
        "   OR (c.org_id = ?2 AND c.type NOT IN ('supply', 'need')))))"
        " ORDER BY last_at DESC, id DESC LIMIT ?3", &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, user_id));
    mb_st_bound(sqlite3_bind_int64(s, 2, org_id));
    mb_st_bound(sqlite3_bind_int64(s, 3, (sqlite3_int64)limit));
    void *v;
    rc = mb_st_collect(st, s, sizeof **items, read_counted, &v, n, err);
    *items = v;
    return rc;
}
