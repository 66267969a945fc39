/*
 * store_jobqueue.c - finding the next plan job to run (see store.h).
 */
#include <sqlite3.h>

#include "store/store.h"
#include "store/store_sqlite.h"

int mb_store_job_next_queued(struct mb_store *st, int64_t *id, struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "SELECT id FROM job WHERE state = 'queued' ORDER BY id LIMIT 1",
                           &s, err);
    if (rc)
        return rc;
    rc = mb_st_step(s);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(s, 0);
        mb_st_finish(s);
        return 0;
    }
    if (rc == SQLITE_DONE) {
        mb_st_finish(s);
        return mb_error_set(err, MB_ENOTFOUND, "job", "no job is queued");
    }
    rc = mb_st_error(st, rc, NULL, err);
    mb_st_finish(s);
    return rc;
}
