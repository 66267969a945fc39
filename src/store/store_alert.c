/*
 * store_alert.c - alerts (schema 10): saved searches, the notifications
 * they and the matching of listings raise, each user's mail preferences,
 * the cursor into the site change log, and the durable outbox of mails.
 * What fits what, and who is told, is market/alerts.c's business; this
 * file stores.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "store/store_sqlite.h"

/* ---- saved searches ---------------------------------------------------------- */

void mb_saved_searches_release(struct mb_saved_search *items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(items[i].doc);
    free(items);
}

#define SEARCH_COLS \
    "id, user_id, org_id, name, types, material, class, lat, lon, radius_km, from_m, to_m," \
    " email, doc, created"

static int read_search(sqlite3_stmt *s, void *item, struct mb_error *err)
{
    (void)err;
    struct mb_saved_search *q = item;
    q->id = sqlite3_column_int64(s, 0);
    q->user_id = sqlite3_column_int64(s, 1);
    q->org_id = sqlite3_column_int64(s, 2);
    mb_st_col_copy(s, 3, q->name, sizeof q->name);
    q->types = (unsigned)sqlite3_column_int64(s, 4);
    mb_st_col_copy(s, 5, q->material, sizeof q->material);
    q->cls = sqlite3_column_int(s, 6);
    q->near = sqlite3_column_type(s, 7) != SQLITE_NULL;
    q->lat = sqlite3_column_double(s, 7);
    q->lon = sqlite3_column_double(s, 8);
    q->radius_km = sqlite3_column_double(s, 9);
    q->from_m = sqlite3_column_int(s, 10);
    q->to_m = sqlite3_column_int(s, 11);
    mb_st_col_copy(s, 12, q->email, sizeof q->email);
    q->doc = sqlite3_column_type(s, 13) == SQLITE_NULL ? NULL : mb_st_col_dup(s, 13);
    q->created = sqlite3_column_int64(s, 14);
    return 0;
}

static int collect_searches(struct mb_store *st, sqlite3_stmt *s, struct mb_saved_search **items,
                            size_t *n, struct mb_error *err)
{
    void *v;
    int rc = mb_st_collect(st, s, sizeof **items, read_search, &v, n, err);
    *items = v;
    return rc;
}

int mb_store_saved_search_add(struct mb_store *st, struct mb_saved_search *q,
                              struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    q->created = (int64_t)time(NULL);
    rc = mb_st_prepare(st, "INSERT INTO saved_search(user_id, org_id, name, types, material,"
                       " class, lat, lon, radius_km, from_m, to_m, email, doc, created)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &s, err);
    if (!rc) {
        mb_st_bound(sqlite3_bind_int64(s, 1, q->user_id));
        mb_st_bound(sqlite3_bind_int64(s, 2, q->org_id));
        mb_st_bind_text(s, 3, q->name);
        mb_st_bound(sqlite3_bind_int64(s, 4, q->types));
        mb_st_bind_text(s, 5, q->material);
        mb_st_bound(sqlite3_bind_int(s, 6, q->cls));
        if (q->near) {
            mb_st_bound(sqlite3_bind_double(s, 7, q->lat));
            mb_st_bound(sqlite3_bind_double(s, 8, q->lon));
        }
        mb_st_bound(sqlite3_bind_double(s, 9, q->near ? q->radius_km : 0));
        mb_st_bound(sqlite3_bind_int(s, 10, q->from_m));
        mb_st_bound(sqlite3_bind_int(s, 11, q->to_m));
        mb_st_bind_text(s, 12, q->email);
        mb_st_bind_text(s, 13, q->doc ? q->doc : "{}");
        mb_st_bound(sqlite3_bind_int64(s, 14, q->created));
        rc = mb_st_exec(st, s, "user_id", err);
    }
    if (!rc)
        q->id = sqlite3_last_insert_rowid(st->db);
    return mb_st_tx_end(st, rc, err);
}

int mb_store_saved_searches(struct mb_store *st, int64_t user_id,
                            struct mb_saved_search **items, size_t *n, struct mb_error *err)
{
    sqlite3_stmt *s;
    *items = NULL;
    *n = 0;
    int rc = mb_st_prepare(st, "SELECT " SEARCH_COLS " FROM saved_search WHERE user_id = ?"
                           " ORDER BY id", &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, user_id));
    return collect_searches(st, s, items, n, err);
}

static int run_ids(struct mb_store *st, const char *sql, int64_t a, int64_t b, int *changes,
                   struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, sql, &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, a));
    mb_st_bound(sqlite3_bind_int64(s, 2, b));
    rc = mb_st_exec(st, s, NULL, err);
    if (!rc && changes)
        *changes = sqlite3_changes(st->db);
    return rc;
}

int mb_store_saved_search_delete(struct mb_store *st, int64_t user_id, int64_t id,
                                 struct mb_error *err)
{
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    int gone = 0;
    rc = run_ids(st, "DELETE FROM saved_search WHERE user_id = ?1 AND id = ?2", user_id, id,
                 &gone, err);
    if (!rc && gone == 0)
        rc = mb_error_set(err, MB_ENOTFOUND, "id", "you have no saved search %lld",
                          (long long)id);
    if (!rc)
        rc = run_ids(st, "DELETE FROM notification WHERE user_id = ?1 AND search_id = ?2",
                     user_id, id, NULL, err);
    return mb_st_tx_end(st, rc, err);
}

int mb_store_saved_searches_for(struct mb_store *st, const struct mb_site_rec *site,
                                struct mb_saved_search **items, size_t *n,
                                struct mb_error *err)
{
    sqlite3_stmt *s;
    *items = NULL;
    *n = 0;
    /* A box in degrees: a degree of latitude is 111.2 km; of longitude,
     * 111.2 km x cos(latitude), taken at the site's latitude with 10 %
     * to spare for the centre's (the caller checks the distance). */
    double lon_km = 111.2 * cos(site->lat * 3.14159265358979 / 180.0) * 0.9;
    if (lon_km < 1)
        lon_km = 1;
    /* The window and the class are checked here too (the same rules as
     * mb_saved_search_fits), and the search's document is not read: the
     * pass needs neither, and a row not decoded is the cheapest. */
    int rc = mb_st_prepare(st, "SELECT id, user_id, org_id, name, types, material, class, lat,"
                           " lon, radius_km, from_m, to_m, email, NULL, created FROM saved_search"
                           " WHERE (types >> ?1) & 1 AND org_id <> ?2"
                           " AND from_m <= ?7 AND to_m >= ?6"
                           " AND (class = 0 OR (CASE WHEN ?9 THEN ?8 <= class"
                           "   ELSE ?8 >= class END))"
                           " AND (lat IS NULL OR (abs(lat - ?3) * 111.2 <= radius_km * 1.01"
                           "   AND abs(lon - ?4) * ?5 <= radius_km * 1.01))"
                           " ORDER BY id", &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int(s, 1, (int)site->type));
    mb_st_bound(sqlite3_bind_int64(s, 2, site->org_id));
    mb_st_bound(sqlite3_bind_double(s, 3, site->lat));
    mb_st_bound(sqlite3_bind_double(s, 4, site->lon));
    mb_st_bound(sqlite3_bind_double(s, 5, lon_km));
    mb_st_bound(sqlite3_bind_int(s, 6, site->from_m));
    mb_st_bound(sqlite3_bind_int(s, 7, site->to_m));
    mb_st_bound(sqlite3_bind_int(s, 8, site->cls));
    mb_st_bound(sqlite3_bind_int(s, 9, site->type == MB_TYPE_SUPPLY));
    return collect_searches(st, s, items, n, err);
}

/* ---- notifications ------------------------------------------------------------ */

int mb_store_notification_raise(struct mb_store *st, struct mb_notification *n, bool *fresh,
                                bool *raised, struct mb_error *err)
{
    sqlite3_stmt *s;
    *fresh = *raised = false;
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    int64_t now = (int64_t)time(NULL);
    rc = mb_st_prepare(st, "INSERT INTO notification(user_id, site_id, search_id, for_site,"
                       " site_version, first_version, created, updated, mail)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?6, ?7)"
                       " ON CONFLICT(user_id, site_id, search_id, for_site) DO NOTHING", &s, err);
    if (!rc) {
        mb_st_bound(sqlite3_bind_int64(s, 1, n->user_id));
        mb_st_bound(sqlite3_bind_int64(s, 2, n->site_id));
        mb_st_bound(sqlite3_bind_int64(s, 3, n->search_id));
        mb_st_bound(sqlite3_bind_int64(s, 4, n->for_site));
        mb_st_bound(sqlite3_bind_int64(s, 5, n->site_version));
        mb_st_bound(sqlite3_bind_int64(s, 6, now));
        mb_st_bind_text(s, 7, n->mail);
        rc = mb_st_exec(st, s, NULL, err);
    }
    if (!rc && sqlite3_changes(st->db) > 0) {
        *fresh = *raised = true;
        n->id = sqlite3_last_insert_rowid(st->db);
        n->created = n->updated = now;
        return mb_st_tx_end(st, 0, err);
    }
    /* Raised before: again, unread, for a newer version only. The mail
     * state is kept: a change is told in the app, not mailed again. */
    if (!rc)
        rc = mb_st_prepare(st, "UPDATE notification SET site_version = ?5, updated = ?6, read = 0"
                           " WHERE user_id = ?1 AND site_id = ?2 AND search_id = ?3"
                           " AND for_site = ?4 AND site_version < ?5 RETURNING id", &s, err);
    if (!rc) {
        mb_st_bound(sqlite3_bind_int64(s, 1, n->user_id));
        mb_st_bound(sqlite3_bind_int64(s, 2, n->site_id));
        mb_st_bound(sqlite3_bind_int64(s, 3, n->search_id));
        mb_st_bound(sqlite3_bind_int64(s, 4, n->for_site));
        mb_st_bound(sqlite3_bind_int64(s, 5, n->site_version));
        mb_st_bound(sqlite3_bind_int64(s, 6, now));
        int step = mb_st_step(s);
        if (step == SQLITE_ROW) {
            n->id = sqlite3_column_int64(s, 0);
            n->updated = now;
            *raised = true;
            step = mb_st_step(s);
        }
        if (step != SQLITE_DONE)
            rc = mb_st_error(st, step, NULL, err);
        mb_st_finish(s);
    }
    return mb_st_tx_end(st, rc, err);
}

#define NOTE_COLS \
    "n.id, n.user_id, n.site_id, n.search_id, n.for_site, n.site_version, n.created," \
    " n.updated, n.read, n.mail, coalesce(q.name, ''), coalesce(f.title, ''), n.first_version," \
    " coalesce(f.type NOT IN ('supply', 'need'), 0)"
#define NOTE_JOINS \
    " FROM notification n LEFT JOIN saved_search q ON q.id = n.search_id" \
    " LEFT JOIN site f ON f.id = n.for_site"

static int read_note(sqlite3_stmt *s, void *item, struct mb_error *err)
{
    (void)err;
    struct mb_notification *n = item;
    n->id = sqlite3_column_int64(s, 0);
    n->user_id = sqlite3_column_int64(s, 1);
    n->site_id = sqlite3_column_int64(s, 2);
    n->search_id = sqlite3_column_int64(s, 3);
    n->for_site = sqlite3_column_int64(s, 4);
    n->site_version = sqlite3_column_int64(s, 5);
    n->created = sqlite3_column_int64(s, 6);
    n->updated = sqlite3_column_int64(s, 7);
    n->read = sqlite3_column_int(s, 8) != 0;
    mb_st_col_copy(s, 9, n->mail, sizeof n->mail);
    mb_st_col_copy(s, 10, n->search_name, sizeof n->search_name);
    mb_st_col_copy(s, 11, n->for_title, sizeof n->for_title);
    n->first_version = sqlite3_column_int64(s, 12);
    n->for_facility = sqlite3_column_int(s, 13) != 0;
    return 0;
}

static int collect_notes(struct mb_store *st, sqlite3_stmt *s, struct mb_notification **items,
                         size_t *n, struct mb_error *err)
{
    void *v;
    int rc = mb_st_collect(st, s, sizeof **items, read_note, &v, n, err);
    *items = v;
    return rc;
}

/* What a user may still see of a notification: the site published or
 * reserved (a draft or closed listing is not shown to others). */
#define NOTE_VISIBLE \
    " AND n.site_id IN (SELECT id FROM site WHERE status IN ('published', 'reserved'))"

int mb_store_notifications(struct mb_store *st, int64_t user_id, size_t limit,
                           struct mb_notification **items, size_t *n, int64_t *unread,
                           struct mb_error *err)
{
    sqlite3_stmt *s;
    *items = NULL;
    *n = 0;
    *unread = 0;
    bool opened;
    int rc = mb_st_read_begin(st, &opened, err);
    if (rc)
        return rc;
    rc = mb_st_prepare(st, "SELECT count(DISTINCT n.site_id) FROM notification n"
                       " WHERE n.user_id = ? AND n.read = 0" NOTE_VISIBLE, &s, err);
    if (!rc) {
        mb_st_bound(sqlite3_bind_int64(s, 1, user_id));
        int step = mb_st_step(s);
        if (step == SQLITE_ROW)
            *unread = sqlite3_column_int64(s, 0);
        else
            rc = mb_st_error(st, step, NULL, err);
        mb_st_finish(s);
    }
    if (!rc)
        rc = mb_st_prepare(st, "SELECT " NOTE_COLS NOTE_JOINS " WHERE n.user_id = ?"
                           NOTE_VISIBLE " ORDER BY n.updated DESC, n.id DESC LIMIT ?", &s, err);
    if (!rc) {
        mb_st_bound(sqlite3_bind_int64(s, 1, user_id));
        mb_st_bound(sqlite3_bind_int64(s, 2, (sqlite3_int64)limit));
        rc = collect_notes(st, s, items, n, err);
    }
    mb_st_read_end(st, opened);
    return rc;
}

int mb_store_notifications_read(struct mb_store *st, int64_t user_id, const int64_t *ids,
                                size_t nids, size_t *changed, struct mb_error *err)
{
    *changed = 0;
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    int c = 0;
    if (nids == 0) {
        rc = run_ids(st, "UPDATE notification SET read = 1 WHERE user_id = ?1 AND read = 0"
                     " AND ?2 = ?2", user_id, 0, &c, err);
        *changed = (size_t)c;
    }
    for (size_t i = 0; i < nids && !rc; i++) {
        rc = run_ids(st, "UPDATE notification SET read = 1 WHERE user_id = ?1 AND id = ?2"
                     " AND read = 0", user_id, ids[i], &c, err);
        *changed += (size_t)c;
    }
    return mb_st_tx_end(st, rc, err);
}

static int read_id(sqlite3_stmt *s, void *item, struct mb_error *err)
{
    (void)err;
    *(int64_t *)item = sqlite3_column_int64(s, 0);
    return 0;
}

static int collect_ids(struct mb_store *st, sqlite3_stmt *s, int64_t **ids, size_t *n,
                       struct mb_error *err)
{
    void *v;
    int rc = mb_st_collect(st, s, sizeof **ids, read_id, &v, n, err);
    *ids = v;
    return rc;
}

int mb_store_org_user_ids(struct mb_store *st, int64_t org_id, int64_t **ids, size_t *n,
                          struct mb_error *err)
{
    sqlite3_stmt *s;
    *ids = NULL;
    *n = 0;
    int rc = mb_st_prepare(st, "SELECT id FROM user WHERE org_id = ? ORDER BY id", &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, org_id));
    return collect_ids(st, s, ids, n, err);
}

/* ---- preferences ---------------------------------------------------------------- */

static int one_pref(struct mb_store *st, sqlite3_stmt *s, struct mb_alert_pref *out,
                    struct mb_error *err)
{
    int step = mb_st_step(s);
    int rc = 0;
    if (step == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        out->user_id = sqlite3_column_int64(s, 0);
        mb_st_col_copy(s, 1, out->match_email, sizeof out->match_email);
        mb_st_col_copy(s, 2, out->token, sizeof out->token);
        out->last_digest = sqlite3_column_int64(s, 3);
    } else if (step == SQLITE_DONE) {
        rc = mb_error_set(err, MB_ENOTFOUND, "token", "this unsubscribe link is not known");
    } else {
        rc = mb_st_error(st, step, NULL, err);
    }
    mb_st_finish(s);
    return rc;
}

int mb_store_alert_pref(struct mb_store *st, int64_t user_id, const char *new_token,
                        struct mb_alert_pref *out, struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    rc = mb_st_prepare(st, "INSERT INTO alert_pref(user_id, token, last_digest) VALUES (?, ?, ?)"
                       " ON CONFLICT(user_id) DO NOTHING", &s, err);
    if (!rc) {
        mb_st_bound(sqlite3_bind_int64(s, 1, user_id));
        mb_st_bind_text(s, 2, new_token);
        mb_st_bound(sqlite3_bind_int64(s, 3, (int64_t)time(NULL)));
        rc = mb_st_exec(st, s, "user_id", err);
    }
    if (!rc)
        rc = mb_st_prepare(st, "SELECT user_id, match_email, token, last_digest FROM alert_pref"
                           " WHERE user_id = ?", &s, err);
    if (!rc) {
        mb_st_bound(sqlite3_bind_int64(s, 1, user_id));
        rc = one_pref(st, s, out, err);
    }
    return mb_st_tx_end(st, rc, err);
}

int mb_store_alert_pref_set(struct mb_store *st, int64_t user_id, const char *match_email,
                            struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "UPDATE alert_pref SET match_email = ? WHERE user_id = ?", &s,
                           err);
    if (rc)
        return rc;
    mb_st_bind_text(s, 1, match_email);
    mb_st_bound(sqlite3_bind_int64(s, 2, user_id));
    return mb_st_exec(st, s, NULL, err);
}

int mb_store_alert_pref_by_token(struct mb_store *st, const char *token,
                                 struct mb_alert_pref *out, struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "SELECT user_id, match_email, token, last_digest FROM alert_pref"
                           " WHERE token = ?", &s, err);
    if (rc)
        return rc;
    mb_st_bind_text(s, 1, token);
    return one_pref(st, s, out, err);
}

int mb_store_alert_unsubscribe(struct mb_store *st, int64_t user_id, struct mb_error *err)
{
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    rc = run_ids(st, "UPDATE alert_pref SET match_email = 'none' WHERE user_id = ?1 AND ?2 = ?2",
                 user_id, 0, NULL, err);
    if (!rc)
        rc = run_ids(st, "UPDATE saved_search SET email = 'none' WHERE user_id = ?1 AND ?2 = ?2",
                     user_id, 0, NULL, err);
    if (!rc)
        rc = run_ids(st, "UPDATE notification SET mail = 'none' WHERE user_id = ?1"
                     " AND mail = 'daily' AND ?2 = ?2", user_id, 0, NULL, err);
    /* Alert mail not yet sent is not sent (mails with an unsubscribe
     * link are alerts; a reset or an invitation has none). */
    if (!rc)
        rc = run_ids(st, "UPDATE outbox SET state = 'failed', next_try = 0,"
                     " error = 'unsubscribed' WHERE user_id = ?1 AND state = 'pending'"
                     " AND unsubscribe <> '' AND ?2 = ?2", user_id, 0, NULL, err);
    return mb_st_tx_end(st, rc, err);
}

/* ---- the change cursor ------------------------------------------------------------- */

static int read_one_int64(struct mb_store *st, const char *sql, int64_t *out,
                          struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, sql, &s, err);
    if (rc)
        return rc;
    int step = mb_st_step(s);
    if (step == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    else
        rc = step == SQLITE_DONE ? mb_error_set(err, MB_EIO, NULL, "no row for: %s", sql)
                                 : mb_st_error(st, step, NULL, err);
    mb_st_finish(s);
    return rc;
}

int mb_store_alert_changes(struct mb_store *st, size_t max, int64_t *cursor, int64_t *upto,
                           int64_t **ids, size_t *n, struct mb_error *err)
{
    sqlite3_stmt *s;
    *ids = NULL;
    *n = 0;
    bool opened;
    int rc = mb_st_read_begin(st, &opened, err);
    if (rc)
        return rc;
    int64_t floor_seq = 0;
    rc = read_one_int64(st, "SELECT seq FROM alert_cursor WHERE id = 1", cursor, err);
    if (!rc)
        rc = read_one_int64(st, "SELECT seq FROM site_change_floor", &floor_seq, err);
    if (!rc && *cursor < floor_seq)
        *cursor = floor_seq;
    /* The last change row of this batch. */
    if (!rc)
        rc = mb_st_prepare(st, "SELECT coalesce(max(seq), ?1) FROM (SELECT seq FROM site_change"
                           " WHERE seq > ?1 ORDER BY seq LIMIT ?2)", &s, err);
    if (!rc) {
        mb_st_bound(sqlite3_bind_int64(s, 1, *cursor));
        mb_st_bound(sqlite3_bind_int64(s, 2, (sqlite3_int64)max));
        int step = mb_st_step(s);
        if (step == SQLITE_ROW)
            *upto = sqlite3_column_int64(s, 0);
        else
            rc = mb_st_error(st, step, NULL, err);
        mb_st_finish(s);
    }
    if (!rc)
        rc = mb_st_prepare(st, "SELECT DISTINCT site_id FROM site_change WHERE seq > ? AND"
                           " seq <= ? ORDER BY site_id", &s, err);
    if (!rc) {
        mb_st_bound(sqlite3_bind_int64(s, 1, *cursor));
        mb_st_bound(sqlite3_bind_int64(s, 2, *upto));
        rc = collect_ids(st, s, ids, n, err);
    }
    mb_st_read_end(st, opened);
    return rc;
}

int mb_store_alert_cursor_set(struct mb_store *st, int64_t from, int64_t to,
                              struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "UPDATE alert_cursor SET seq = ?2 WHERE id = 1 AND seq <= ?1",
                           &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, from));
    mb_st_bound(sqlite3_bind_int64(s, 2, to));
    rc = mb_st_exec(st, s, NULL, err);
    if (!rc && sqlite3_changes(st->db) == 0)
        rc = mb_error_set(err, MB_ECONFLICT, "cursor", "another process looked at these "
                          "changes first");
    return rc;
}

int mb_store_alert_cursor_skip(struct mb_store *st, struct mb_error *err)
{
    return mb_st_run(st, "UPDATE alert_cursor SET seq = (SELECT coalesce(max(seq), 0)"
                     " FROM site_change) WHERE id = 1", err);
}

/* ---- digests ------------------------------------------------------------------------- */

int mb_store_digest_due(struct mb_store *st, int64_t before, int64_t **ids, size_t *n,
                        struct mb_error *err)
{
    sqlite3_stmt *s;
    *ids = NULL;
    *n = 0;
    int rc = mb_st_prepare(st, "SELECT DISTINCT n.user_id FROM notification n"
                           " JOIN alert_pref p ON p.user_id = n.user_id"
                           " WHERE n.mail = 'daily' AND p.last_digest <= ?"
                           " ORDER BY n.user_id", &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, before));
    return collect_ids(st, s, ids, n, err);
}

int mb_store_digest_items(struct mb_store *st, int64_t user_id,
                          struct mb_notification **items, size_t *n, struct mb_error *err)
{
    sqlite3_stmt *s;
    *items = NULL;
    *n = 0;
    int rc = mb_st_prepare(st, "SELECT " NOTE_COLS NOTE_JOINS " WHERE n.user_id = ?"
                           " AND n.mail = 'daily' ORDER BY n.id", &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, user_id));
    return collect_notes(st, s, items, n, err);
}

int mb_store_digest_done(struct mb_store *st, int64_t user_id, int64_t now,
                         struct mb_error *err)
{
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    rc = run_ids(st, "UPDATE notification SET mail = 'done' WHERE user_id = ?1 AND mail = 'daily'"
                 " AND ?2 = ?2", user_id, 0, NULL, err);
    if (!rc)
        rc = run_ids(st, "UPDATE alert_pref SET last_digest = ?2 WHERE user_id = ?1", user_id,
                     now, NULL, err);
    return mb_st_tx_end(st, rc, err);
}

/* ---- the outbox --------------------------------------------------------------------- */

void mb_mail_release(struct mb_mail *m)
{
    free(m->subject);
    free(m->body);
    m->subject = m->body = NULL;
}

int mb_store_outbox_add(struct mb_store *st, int64_t user_id, const char *to,
                        const char *subject, const char *body, const char *unsubscribe,
                        struct mb_error *err)
{
    sqlite3_stmt *s;
    int64_t now = (int64_t)time(NULL);
    int rc = mb_st_prepare(st, "INSERT INTO outbox(user_id, to_addr, subject, body, unsubscribe,"
                           " created, next_try) VALUES (?, ?, ?, ?, ?, ?, ?)", &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, user_id));
    mb_st_bind_text(s, 2, to);
    mb_st_bind_text(s, 3, subject);
    mb_st_bind_text(s, 4, body);
    mb_st_bind_text(s, 5, unsubscribe);
    mb_st_bound(sqlite3_bind_int64(s, 6, now));
    mb_st_bound(sqlite3_bind_int64(s, 7, now));
    return mb_st_exec(st, s, "to", err);
}

#define MAIL_COLS "id, user_id, to_addr, subject, body, unsubscribe, created, state, attempts"

static int read_mail(sqlite3_stmt *s, void *item, struct mb_error *err)
{
    (void)err;
    struct mb_mail *m = item;
    m->id = sqlite3_column_int64(s, 0);
    m->user_id = sqlite3_column_int64(s, 1);
    mb_st_col_copy(s, 2, m->to, sizeof m->to);
    m->subject = mb_st_col_dup(s, 3);
    m->body = mb_st_col_dup(s, 4);
    mb_st_col_copy(s, 5, m->unsubscribe, sizeof m->unsubscribe);
    m->created = sqlite3_column_int64(s, 6);
    mb_st_col_copy(s, 7, m->state, sizeof m->state);
    m->attempts = sqlite3_column_int(s, 8);
    return 0;
}

int mb_store_outbox_claim(struct mb_store *st, int64_t now, int64_t lease, struct mb_mail *out,
                          bool *found, struct mb_error *err)
{
    sqlite3_stmt *s;
    *found = false;
    memset(out, 0, sizeof *out);
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    rc = mb_st_prepare(st, "UPDATE outbox SET state = 'sending', attempts = attempts + 1,"
                       " next_try = ?1 + ?2 WHERE id = (SELECT id FROM outbox WHERE state IN"
                       " ('pending', 'sending') AND next_try <= ?1 ORDER BY next_try, id LIMIT 1)"
                       " RETURNING " MAIL_COLS,
                       &s, err);
    if (!rc) {
        mb_st_bound(sqlite3_bind_int64(s, 1, now));
        mb_st_bound(sqlite3_bind_int64(s, 2, lease));
        int step = mb_st_step(s);
        if (step == SQLITE_ROW) {
            read_mail(s, out, NULL);
            *found = true;
            step = mb_st_step(s);
        }
        if (step != SQLITE_DONE)
            rc = mb_st_error(st, step, NULL, err);
        mb_st_finish(s);
    }
    if (rc && *found) {
        mb_mail_release(out);
        *found = false;
    }
    return mb_st_tx_end(st, rc, err);
}

int mb_store_outbox_done(struct mb_store *st, int64_t id, const char *error, int64_t now,
                         int64_t next_try, struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "UPDATE outbox SET state = ?2, sent = ?3, next_try = ?4,"
                           " error = ?5 WHERE id = ?1", &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, id));
    mb_st_bind_text(s, 2, !error ? "sent" : next_try ? "pending" : "failed");
    mb_st_bound(sqlite3_bind_int64(s, 3, error ? 0 : now));
    mb_st_bound(sqlite3_bind_int64(s, 4, next_try));
    mb_st_bind_text(s, 5, error ? error : "");
    return mb_st_exec(st, s, NULL, err);
}

int mb_store_outbox_list(struct mb_store *st, size_t limit, struct mb_mail **items, size_t *n,
                         struct mb_error *err)
{
    sqlite3_stmt *s;
    *items = NULL;
    *n = 0;
    int rc = mb_st_prepare(st, "SELECT " MAIL_COLS " FROM outbox ORDER BY id DESC LIMIT ?", &s,
                           err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, (sqlite3_int64)limit));
    void *v;
    rc = mb_st_collect(st, s, sizeof **items, read_mail, &v, n, err);
    *items = v;
    return rc;
}
