/*
 * store_roads.c - the cache of road distances between sites (schema
 * versions 14 and 16, docs/roads.md): one row per directed pair, valid while the
 * road database's version and both sites' positions are those it was
 * computed for.
 */
#include <sqlite3.h>
#include <string.h>

#include "core/text.h"
#include "store/store_sqlite.h"

#define ROAD_COLS "from_site, to_site, db_version, from_lat, from_lon, to_lat, to_lon," \
    " status, km, minutes, ferry_km, computed, ferry_crossings"

static int read_row(sqlite3_stmt *s, void *item, struct mb_error *err)
{
    (void)err;
    struct mb_road_row *out = item;
    out->from_site = sqlite3_column_int64(s, 0);
    out->to_site = sqlite3_column_int64(s, 1);
    mb_st_col_copy(s, 2, out->db_version, sizeof out->db_version);
    out->from_lat = sqlite3_column_double(s, 3);
    out->from_lon = sqlite3_column_double(s, 4);
    out->to_lat = sqlite3_column_double(s, 5);
    out->to_lon = sqlite3_column_double(s, 6);
    mb_st_col_copy(s, 7, out->status, sizeof out->status);
    out->km = sqlite3_column_double(s, 8);
    out->minutes = sqlite3_column_double(s, 9);
    out->ferry_km = sqlite3_column_double(s, 10);
    out->computed = sqlite3_column_int64(s, 11);
    out->ferry_crossings = sqlite3_column_int(s, 12);
    return 0;
}

int mb_store_road_get(struct mb_store *st, int64_t from, int64_t to, const char *db_version,
                      double from_lat, double from_lon, double to_lat, double to_lon,
                      struct mb_road_row *out, bool *found, struct mb_error *err)
{
    *found = false;
    memset(out, 0, sizeof *out);
    sqlite3_stmt *s;
    /* Positions compare exactly: they are the sites' stored doubles. */
    int rc = mb_st_prepare(st, "SELECT " ROAD_COLS " FROM road_distance WHERE from_site = ?"
                           " AND to_site = ? AND (?3 IS NULL OR db_version = ?3) AND from_lat = ?"
                           " AND from_lon = ? AND to_lat = ? AND to_lon = ?", &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, from));
    mb_st_bound(sqlite3_bind_int64(s, 2, to));
    mb_st_bind_text(s, 3, db_version);
    mb_st_bound(sqlite3_bind_double(s, 4, from_lat));
    mb_st_bound(sqlite3_bind_double(s, 5, from_lon));
    mb_st_bound(sqlite3_bind_double(s, 6, to_lat));
    mb_st_bound(sqlite3_bind_double(s, 7, to_lon));
    rc = mb_st_step(s);
    if (rc == SQLITE_ROW) {
        read_row(s, out, err);
        *found = true;
        rc = 0;
    } else {
        rc = rc == SQLITE_DONE ? 0 : mb_st_error(st, rc, NULL, err);
    }
    mb_st_finish(s);
    return rc;
}

int mb_store_road_put(struct mb_store *st, const struct mb_road_row *row,
                      struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "INSERT OR REPLACE INTO road_distance(" ROAD_COLS ")"
                           " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &s, err);
    if (rc)
        return rc;
    bool road = strcmp(row->status, "road") == 0;
    mb_st_bound(sqlite3_bind_int64(s, 1, row->from_site));
    mb_st_bound(sqlite3_bind_int64(s, 2, row->to_site));
    mb_st_bind_text(s, 3, row->db_version);
    mb_st_bound(sqlite3_bind_double(s, 4, row->from_lat));
    mb_st_bound(sqlite3_bind_double(s, 5, row->from_lon));
    mb_st_bound(sqlite3_bind_double(s, 6, row->to_lat));
    mb_st_bound(sqlite3_bind_double(s, 7, row->to_lon));
    mb_st_bind_text(s, 8, row->status);
    mb_st_bound(road ? sqlite3_bind_double(s, 9, row->km) : sqlite3_bind_null(s, 9));
    mb_st_bound(road ? sqlite3_bind_double(s, 10, row->minutes) : sqlite3_bind_null(s, 10));
    mb_st_bound(sqlite3_bind_double(s, 11, road ? row->ferry_km : 0.0));
    mb_st_bound(sqlite3_bind_int64(s, 12, row->computed));
    mb_st_bound(sqlite3_bind_int(s, 13, road ? row->ferry_crossings : 0));
    return mb_st_exec(st, s, "from_site", err);
}

int mb_store_road_list(struct mb_store *st, struct mb_road_row **rows, size_t *n,
                       struct mb_error *err)
{
    *rows = NULL;
    *n = 0;
    sqlite3_stmt *s;
    /* Only the pairs of open sites at their present positions: a plan
     * reads no row of a closed, draft or moved site. */
    int rc = mb_st_prepare(st, "SELECT r.from_site, r.to_site, r.db_version, r.from_lat,"
                           " r.from_lon, r.to_lat, r.to_lon, r.status, r.km, r.minutes,"
                           " r.ferry_km, r.computed, r.ferry_crossings FROM road_distance r"
                           " JOIN site a ON a.id = r.from_site AND a.lat = r.from_lat"
                           "  AND a.lon = r.from_lon"
                           " JOIN site b ON b.id = r.to_site AND b.lat = r.to_lat"
                           "  AND b.lon = r.to_lon"
                           " WHERE r.status IN ('road', 'no_route')"
                           "  AND a.status IN ('published', 'reserved')"
                           "  AND b.status IN ('published', 'reserved')"
                           " ORDER BY r.from_site, r.to_site", &s, err);
    if (rc)
        return rc;
    void *v = NULL;
    rc = mb_st_collect(st, s, sizeof **rows, read_row, &v, n, err);
    *rows = v;
    return rc;
}

int mb_store_road_forget(struct mb_store *st, int64_t site, struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "DELETE FROM road_distance WHERE from_site = ?1 OR to_site = ?1",
                           &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, site));
    return mb_st_exec(st, s, NULL, err);
}

int mb_store_road_queue_next(struct mb_store *st, int64_t *site, int64_t *seq, bool *found,
                             struct mb_error *err)
{
    *found = false;
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "SELECT site_id, seq FROM road_queue ORDER BY seq LIMIT 1", &s,
                           err);
    if (rc)
        return rc;
    rc = mb_st_step(s);
    if (rc == SQLITE_ROW) {
        *site = sqlite3_column_int64(s, 0);
        *seq = sqlite3_column_int64(s, 1);
        *found = true;
        rc = 0;
    } else {
        rc = rc == SQLITE_DONE ? 0 : mb_st_error(st, rc, NULL, err);
    }
    mb_st_finish(s);
    return rc;
}

int mb_store_road_queue_done(struct mb_store *st, int64_t site, int64_t seq,
                             struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "DELETE FROM road_queue WHERE site_id = ? AND seq = ?", &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, site));
    mb_st_bound(sqlite3_bind_int64(s, 2, seq));
    return mb_st_exec(st, s, NULL, err);
}

int mb_store_road_queue_later(struct mb_store *st, int64_t site, int64_t seq,
                              struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "UPDATE road_queue SET seq = (SELECT max(seq) + 1 FROM road_queue)"
                           " WHERE site_id = ? AND seq = ?", &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, site));
    mb_st_bound(sqlite3_bind_int64(s, 2, seq));
    return mb_st_exec(st, s, NULL, err);
}

int mb_store_road_queue_add(struct mb_store *st, int64_t site, struct mb_error *err)
{
    if (site == 0)
        /* Every site in the market, after those already waiting; one
         * already waiting keeps its place. */
        return mb_st_run(st, "INSERT OR IGNORE INTO road_queue(site_id, seq)"
                         " SELECT id, (SELECT coalesce(max(seq), 0) FROM road_queue) + id"
                         " FROM site WHERE status IN ('published', 'reserved')", err);
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "INSERT OR IGNORE INTO road_queue(site_id, seq)"
                           " SELECT id, (SELECT coalesce(min(seq), 0) - 1 FROM road_queue)"
                           " FROM site WHERE id = ?", &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, site));
    return mb_st_exec(st, s, NULL, err);
}

int mb_store_road_queue_count(struct mb_store *st, int64_t *n, struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "SELECT count(*) FROM road_queue", &s, err);
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
