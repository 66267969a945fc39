/*
 * store_plan.c - the regional plans (plan jobs) as a list, with the
 * plan's totals read out of the stored result by SQLite's JSON functions
 * (so a list of fifty plans does not parse fifty results). Who sees which
 * is market/region.c's business.
 */
#include <stdlib.h>

#include "store/store_sqlite.h"

void mb_plan_rows_release(struct mb_plan_row *items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(items[i].request);
        free(items[i].totals);
        free(items[i].baseline);
        free(items[i].savings);
    }
    free(items);
}

static int read_plan_row(sqlite3_stmt *s, void *item, struct mb_error *err)
{
    (void)err;
    struct mb_plan_row *p = item;
    p->id = sqlite3_column_int64(s, 0);
    p->user_id = sqlite3_column_int64(s, 1);
    mb_st_col_copy(s, 2, p->state, sizeof p->state);
    p->request = mb_st_col_dup(s, 3);
    p->totals = sqlite3_column_type(s, 4) == SQLITE_NULL ? NULL : mb_st_col_dup(s, 4);
    p->baseline = sqlite3_column_type(s, 5) == SQLITE_NULL ? NULL : mb_st_col_dup(s, 5);
    p->savings = sqlite3_column_type(s, 6) == SQLITE_NULL ? NULL : mb_st_col_dup(s, 6);
    mb_st_col_copy(s, 7, p->user_name, sizeof p->user_name);
    p->created = sqlite3_column_int64(s, 8);
    p->finished = sqlite3_column_int64(s, 9);
    return 0;
}

int mb_store_plan_rows(struct mb_store *st, int64_t org_id, size_t limit,
                       struct mb_plan_row **items, size_t *n, struct mb_error *err)
{
    sqlite3_stmt *s;
    *items = NULL;
    *n = 0;
    int rc = mb_st_prepare(st, "SELECT j.id, j.user_id, j.state, j.request,"
                           " json_extract(j.result, '$.plan.totals'),"
                           " json_extract(j.result, '$.plan.baseline'),"
                           " json_extract(j.result, '$.plan.savings'), u.name, j.created,"
                           " j.finished FROM job j JOIN user u ON u.id = j.user_id"
                           " WHERE ?1 = 0 OR u.org_id = ?1 ORDER BY j.id DESC LIMIT ?2", &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, org_id));
    mb_st_bound(sqlite3_bind_int64(s, 2, (sqlite3_int64)limit));
    void *v;
    rc = mb_st_collect(st, s, sizeof **items, read_plan_row, &v, n, err);
    *items = v;
    return rc;
}
