/*
 * store_loads.c - loads (deliveries) flattened with their deal, listing
 * and sites, for reports and exports (see store.h, "loads for reports").
 *
 * One query walks the deliveries in time order and joins what a report
 * needs to place each load: where the masses arose (municipality), what
 * they are (material), and what kind of site received them. It runs in
 * one read snapshot, so a report never mixes two states of the market.
 */
#include <sqlite3.h>
#include <string.h>

#include "store/store.h"
#include "store/store_sqlite.h"

/* Material: the sending site's, else the counterpart's, else the
 * listing's. Municipality: the sending site's, else the listing's. */
static const char LOADS_SQL[] =
    "SELECT d.id, d.deal_id, dl.listing_id, d.seq, d.at, d.amount_t, d.truck,"
    " d.euro_class, d.state,"
    " COALESCE(NULLIF(f.material, ''), NULLIF(c.material, ''), l.material),"
    " COALESCE(NULLIF(f.municipality, ''), l.municipality),"
    " COALESCE(f.type, ''), COALESCE(t.type, ''), COALESCE(d.from_site, 0),"
    " COALESCE(d.to_site, 0), COALESCE(f.lat, l.lat), COALESCE(f.lon, l.lon),"
    " t.lat, t.lon, dl.use, l.type, COALESCE(f.title, ''), COALESCE(t.title, ''),"
    " dl.org_id, l.org_id, COALESCE(dl.hauler_org, 0)"
    " FROM delivery d JOIN deal dl ON dl.id = d.deal_id"
    " JOIN site l ON l.id = dl.listing_id"
    " LEFT JOIN site f ON f.id = d.from_site"
    " LEFT JOIN site t ON t.id = d.to_site"
    " LEFT JOIN site c ON c.id = dl.counterpart_site"
    " WHERE (?1 = 0 OR d.at >= ?1) AND (?2 = 0 OR d.at < ?2)"
    " AND (?3 = 0 OR d.state = 'confirmed')"
    " AND (?4 = 0 OR dl.org_id = ?4 OR l.org_id = ?4 OR dl.hauler_org = ?4)"
    " ORDER BY d.at, d.id";

static int type_or_none(const char *s)
{
    return *s ? mb_site_type_parse(s) : -1;
}

int mb_store_loads(struct mb_store *st, const struct mb_load_query *q,
                   mb_load_fn fn, void *ctx, struct mb_error *err)
{
    bool opened;
    int rc = mb_st_read_begin(st, &opened, err);
    if (rc)
        return rc;
    sqlite3_stmt *s;
    rc = mb_st_prepare(st, LOADS_SQL, &s, err);
    if (rc) {
        mb_st_read_end(st, opened);
        return rc;
    }
    mb_st_bound(sqlite3_bind_int64(s, 1, q->from_at));
    mb_st_bound(sqlite3_bind_int64(s, 2, q->to_at));
    mb_st_bound(sqlite3_bind_int(s, 3, q->confirmed_only));
    mb_st_bound(sqlite3_bind_int64(s, 4, q->party_org));
    while ((rc = mb_st_step(s)) == SQLITE_ROW) {
        struct mb_load l;
        memset(&l, 0, sizeof l);
        l.delivery_id = sqlite3_column_int64(s, 0);
        l.deal_id = sqlite3_column_int64(s, 1);
        l.listing_id = sqlite3_column_int64(s, 2);
        l.seq = sqlite3_column_int64(s, 3);
        l.at = sqlite3_column_int64(s, 4);
        l.amount_t = sqlite3_column_double(s, 5);
        mb_st_col_copy(s, 6, l.truck, sizeof l.truck);
        mb_st_col_copy(s, 7, l.euro_class, sizeof l.euro_class);
        char state[16];
        mb_st_col_copy(s, 8, state, sizeof state);
        l.state = mb_delivery_state_parse(state);
        mb_st_col_copy(s, 9, l.material, sizeof l.material);
        mb_st_col_copy(s, 10, l.municipality, sizeof l.municipality);
        char type[16];
        mb_st_col_copy(s, 11, type, sizeof type);
        l.from_type = type_or_none(type);
        mb_st_col_copy(s, 12, type, sizeof type);
        l.to_type = type_or_none(type);
        l.from_site = sqlite3_column_int64(s, 13);
        l.to_site = sqlite3_column_int64(s, 14);
        l.from_lat = sqlite3_column_double(s, 15);
        l.from_lon = sqlite3_column_double(s, 16);
        l.has_to_pos = sqlite3_column_type(s, 17) != SQLITE_NULL;
        l.to_lat = sqlite3_column_double(s, 17);
        l.to_lon = sqlite3_column_double(s, 18);
        mb_st_col_copy(s, 19, l.use, sizeof l.use);
        mb_st_col_copy(s, 20, type, sizeof type);
        l.listing_type = type_or_none(type);
        mb_st_col_copy(s, 21, l.from_title, sizeof l.from_title);
        mb_st_col_copy(s, 22, l.to_title, sizeof l.to_title);
        l.reserving_org = sqlite3_column_int64(s, 23);
        l.listing_org = sqlite3_column_int64(s, 24);
        l.hauler_org = sqlite3_column_int64(s, 25);
        if (fn(&l, ctx) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    if (rc != SQLITE_DONE)
        rc = mb_st_error(st, rc, NULL, err);
    else
        rc = 0;
    mb_st_finish(s);
    mb_st_read_end(st, opened);
    return rc;
}
