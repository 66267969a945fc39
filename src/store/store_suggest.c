/*
 * store_suggest.c - the suggestions a regional plan makes to the parties
 * of its flows between listings (table suggestion, schema 12). What a
 * suggestion holds and who may act on it is market/suggest.c's business;
 * this file keeps the rows.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store_sqlite.h"

static const char *const state_names[] = { "open", "accepted", "superseded" };

const char *mb_suggestion_state_name(enum mb_suggestion_state s)
{
    return (unsigned)s < 3 ? state_names[s] : "?";
}

static enum mb_suggestion_state state_parse(const char *s)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(s, state_names[i]) == 0)
            return (enum mb_suggestion_state)i;
    return MB_SUGGESTION_SUPERSEDED;
}

#define SUGGESTION_SELECT \
    "SELECT g.id, g.job_id, g.supply_id, g.need_id, g.material, g.tonnes, g.from_m, g.to_m," \
    " g.km, g.co2_kg, g.baseline_co2_kg, g.state, g.supply_dismissed, g.need_dismissed," \
    " coalesce(g.deal_id, 0), g.decided_by, g.created, g.updated, a.org_id, b.org_id," \
    " a.title, b.title, coalesce(json_extract(j.request, '$.name'), ''), coalesce(o.name, '')," \
    " coalesce(oa.name, ''), coalesce(ob.name, ''), a.status, b.status" \
    " FROM suggestion g JOIN site a ON a.id = g.supply_id JOIN site b ON b.id = g.need_id" \
    " JOIN job j ON j.id = g.job_id LEFT JOIN user u ON u.id = j.user_id" \
    " LEFT JOIN org o ON o.id = u.org_id LEFT JOIN org oa ON oa.id = a.org_id" \
    " LEFT JOIN org ob ON ob.id = b.org_id"

static int read_suggestion(sqlite3_stmt *s, void *item, struct mb_error *err)
{
    (void)err;
    struct mb_suggestion *g = item;
    char state[16];
    g->id = sqlite3_column_int64(s, 0);
    g->job_id = sqlite3_column_int64(s, 1);
    g->supply_id = sqlite3_column_int64(s, 2);
    g->need_id = sqlite3_column_int64(s, 3);
    mb_st_col_copy(s, 4, g->material, sizeof g->material);
    g->tonnes = sqlite3_column_double(s, 5);
    g->from_m = sqlite3_column_int(s, 6);
    g->to_m = sqlite3_column_int(s, 7);
    g->km = sqlite3_column_double(s, 8);
    g->co2_kg = sqlite3_column_double(s, 9);
    g->baseline_co2_kg = sqlite3_column_double(s, 10);
    mb_st_col_copy(s, 11, state, sizeof state);
    g->state = state_parse(state);
    g->supply_dismissed = sqlite3_column_int(s, 12) != 0;
    g->need_dismissed = sqlite3_column_int(s, 13) != 0;
    g->deal_id = sqlite3_column_int64(s, 14);
    g->decided_by = sqlite3_column_int64(s, 15);
    g->created = sqlite3_column_int64(s, 16);
    g->updated = sqlite3_column_int64(s, 17);
    g->supply_org = sqlite3_column_int64(s, 18);
    g->need_org = sqlite3_column_int64(s, 19);
    mb_st_col_copy(s, 20, g->supply_title, sizeof g->supply_title);
    mb_st_col_copy(s, 21, g->need_title, sizeof g->need_title);
    mb_st_col_copy(s, 22, g->plan_name, sizeof g->plan_name);
    mb_st_col_copy(s, 23, g->planner_org, sizeof g->planner_org);
    mb_st_col_copy(s, 24, g->supply_org_name, sizeof g->supply_org_name);
    mb_st_col_copy(s, 25, g->need_org_name, sizeof g->need_org_name);
    mb_st_col_copy(s, 26, g->supply_status, sizeof g->supply_status);
    mb_st_col_copy(s, 27, g->need_status, sizeof g->need_status);
    return 0;
}

int mb_store_suggestions_add(struct mb_store *st, const struct mb_suggestion *items, size_t n,
                             struct mb_error *err)
{
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    int64_t now = (int64_t)time(NULL);
    for (size_t i = 0; i < n && !rc; i++) {
        const struct mb_suggestion *g = &items[i];
        sqlite3_stmt *s;
        rc = mb_st_prepare(st, "UPDATE suggestion SET state = 'superseded', updated = ?4"
                           " WHERE supply_id = ?1 AND need_id = ?2 AND job_id <> ?3"
                           " AND state = 'open'", &s, err);
        if (rc)
            break;
        mb_st_bound(sqlite3_bind_int64(s, 1, g->supply_id));
        mb_st_bound(sqlite3_bind_int64(s, 2, g->need_id));
        mb_st_bound(sqlite3_bind_int64(s, 3, g->job_id));
        mb_st_bound(sqlite3_bind_int64(s, 4, now));
        if ((rc = mb_st_exec(st, s, NULL, err)) != 0)
            break;
        rc = mb_st_prepare(st, "INSERT INTO suggestion(job_id, supply_id, need_id, material,"
                           " tonnes, from_m, to_m, km, co2_kg, baseline_co2_kg, created, updated,"
                           " supply_dismissed, need_dismissed)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11,"
                           " coalesce((SELECT max(supply_dismissed) FROM suggestion"
                           "   WHERE supply_id = ?2 AND need_id = ?3), 0),"
                           " coalesce((SELECT max(need_dismissed) FROM suggestion"
                           "   WHERE supply_id = ?2 AND need_id = ?3), 0))"
                           " ON CONFLICT(job_id, supply_id, need_id) DO NOTHING", &s, err);
        if (rc)
            break;
        mb_st_bound(sqlite3_bind_int64(s, 1, g->job_id));
        mb_st_bound(sqlite3_bind_int64(s, 2, g->supply_id));
        mb_st_bound(sqlite3_bind_int64(s, 3, g->need_id));
        mb_st_bind_text(s, 4, g->material);
        mb_st_bound(sqlite3_bind_double(s, 5, g->tonnes));
        mb_st_bound(sqlite3_bind_int(s, 6, g->from_m));
        mb_st_bound(sqlite3_bind_int(s, 7, g->to_m));
        mb_st_bound(sqlite3_bind_double(s, 8, g->km));
        mb_st_bound(sqlite3_bind_double(s, 9, g->co2_kg));
        mb_st_bound(sqlite3_bind_double(s, 10, g->baseline_co2_kg));
        mb_st_bound(sqlite3_bind_int64(s, 11, now));
        rc = mb_st_exec(st, s, "job_id", err);
    }
    return mb_st_tx_end(st, rc, err);
}

int mb_store_suggestions_of_org(struct mb_store *st, int64_t org_id, size_t limit,
                                struct mb_suggestion **items, size_t *n,
                                struct mb_error *err)
{
    sqlite3_stmt *s;
    *items = NULL;
    *n = 0;
    int rc = mb_st_prepare(st, SUGGESTION_SELECT " WHERE ?1 = 0 OR a.org_id = ?1"
                           " OR b.org_id = ?1 ORDER BY g.id DESC LIMIT ?2", &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, org_id));
    mb_st_bound(sqlite3_bind_int64(s, 2, (sqlite3_int64)limit));
    void *v;
    rc = mb_st_collect(st, s, sizeof **items, read_suggestion, &v, n, err);
    *items = v;
    return rc;
}

int mb_store_deal_between(struct mb_store *st, int64_t a, int64_t b, int64_t *deal_id,
                          struct mb_error *err)
{
    sqlite3_stmt *s;
    *deal_id = 0;
    int rc = mb_st_prepare(st, "SELECT max(id) FROM deal WHERE state IN ('reserved', 'agreed',"
                           " 'completed') AND ((listing_id = ?1 AND counterpart_site = ?2)"
                           " OR (listing_id = ?2 AND counterpart_site = ?1))", &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, a));
    mb_st_bound(sqlite3_bind_int64(s, 2, b));
    if ((rc = mb_st_step(s)) == SQLITE_ROW) {
        *deal_id = sqlite3_column_int64(s, 0);
        rc = 0;
    } else {
        rc = rc == SQLITE_DONE ? 0 : mb_st_error(st, rc, NULL, err);
    }
    mb_st_finish(s);
    return rc;
}

int mb_store_suggestion_get(struct mb_store *st, int64_t id, struct mb_suggestion *out,
                            struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, SUGGESTION_SELECT " WHERE g.id = ?", &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, id));
    void *v;
    size_t n;
    rc = mb_st_collect(st, s, sizeof *out, read_suggestion, &v, &n, err);
    if (rc == 0 && n == 0)
        rc = mb_error_set(err, MB_ENOTFOUND, "id", "no suggestion %lld", (long long)id);
    if (rc == 0)
        memcpy(out, v, sizeof *out);
    free(v);
    return rc;
}

int mb_store_suggestion_decide(struct mb_store *st, int64_t id, int64_t deal_id,
                               bool supply_side, int64_t by_user, struct mb_error *err)
{
    sqlite3_stmt *s;
    const char *sql = deal_id > 0
        ? "UPDATE suggestion SET state = 'accepted', deal_id = ?2, decided_by = ?3,"
          " updated = ?4 WHERE id = ?1 AND state = 'open'"
        : supply_side
        ? "UPDATE suggestion SET supply_dismissed = 1, decided_by = ?3, updated = ?4"
          " WHERE id = ?1 AND state = 'open' AND ?2 = 0"
        : "UPDATE suggestion SET need_dismissed = 1, decided_by = ?3, updated = ?4"
          " WHERE id = ?1 AND state = 'open' AND ?2 = 0";
    int rc = mb_st_prepare(st, sql, &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, id));
    mb_st_bound(sqlite3_bind_int64(s, 2, deal_id > 0 ? deal_id : 0));
    mb_st_bound(sqlite3_bind_int64(s, 3, by_user));
    mb_st_bound(sqlite3_bind_int64(s, 4, (int64_t)time(NULL)));
    if ((rc = mb_st_exec(st, s, "deal_id", err)) != 0)
        return rc;
    if (sqlite3_changes(st->db) == 0)
        return mb_error_set(err, MB_ECONFLICT, "state", "the suggestion is no longer open");
    return 0;
}
