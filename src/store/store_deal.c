/*
 * store/store_deal.c - deals and deliveries (load tickets) in the SQLite
 * store (see store.h, "deals, deliveries"). The rules - who may do what,
 * which state may follow which, how much of a listing is left - are
 * market/deal.c's; this file keeps rows and answers the sums those rules
 * need. Every write is one transaction, or joins the caller's (deal.c
 * runs a check and its write in one BEGIN IMMEDIATE transaction, so two
 * reservations cannot both see the same amount left).
 */
#include "store/store_sqlite.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/text.h"

static const char *const deal_state_names[MB_DEAL_STATE_COUNT] = {
    "reserved", "agreed", "completed", "declined", "cancelled",
};

const char *mb_deal_state_name(enum mb_deal_state s)
{
    return (unsigned)s < MB_DEAL_STATE_COUNT ? deal_state_names[s] : "unknown";
}

int mb_deal_state_parse(const char *s)
{
    for (int i = 0; s && i < MB_DEAL_STATE_COUNT; i++)
        if (strcmp(s, deal_state_names[i]) == 0)
            return i;
    return -1;
}

static const char *const delivery_state_names[MB_DELIVERY_STATE_COUNT] = {
    "registered", "confirmed", "disputed",
};

const char *mb_delivery_state_name(enum mb_delivery_state s)
{
    return (unsigned)s < MB_DELIVERY_STATE_COUNT ? delivery_state_names[s] : "unknown";
}

int mb_delivery_state_parse(const char *s)
{
    for (int i = 0; s && i < MB_DELIVERY_STATE_COUNT; i++)
        if (strcmp(s, delivery_state_names[i]) == 0)
            return i;
    return -1;
}

/* 0 binds NULL: "none" for optional references. */
static void bind_ref(sqlite3_stmt *s, int idx, int64_t id)
{
    if (id > 0)
        mb_st_bound(sqlite3_bind_int64(s, idx, id));
    else
        mb_st_bound(sqlite3_bind_null(s, idx));
}

/* ---- deals ------------------------------------------------------------------ */

#define DEAL_COLS "d.id, d.listing_id, d.org_id, d.user_id, d.counterpart_site," \
    " d.hauler_org, d.amount_t, d.amount_value, d.amount_unit, d.price, d.from_m, d.to_m," \
    " d.use, d.note, d.state, d.created, d.updated, d.version"

static int read_deal(sqlite3_stmt *s, struct mb_deal *d, struct mb_error *err)
{
    int state = mb_deal_state_parse((const char *)sqlite3_column_text(s, 14));
    if (state < 0)
        return mb_error_set(err, MB_EDATA, "state", "the database holds an unknown deal state");
    memset(d, 0, sizeof *d);
    d->id = sqlite3_column_int64(s, 0);
    d->listing_id = sqlite3_column_int64(s, 1);
    d->org_id = sqlite3_column_int64(s, 2);
    d->user_id = sqlite3_column_int64(s, 3);
    d->counterpart_site = sqlite3_column_int64(s, 4);
    d->hauler_org = sqlite3_column_int64(s, 5);
    d->amount_t = sqlite3_column_double(s, 6);
    d->amount_value = sqlite3_column_double(s, 7);
    mb_st_col_copy(s, 8, d->amount_unit, sizeof d->amount_unit);
    d->price_nok_per_t = sqlite3_column_double(s, 9);
    d->from_m = sqlite3_column_int(s, 10);
    d->to_m = sqlite3_column_int(s, 11);
    mb_st_col_copy(s, 12, d->use, sizeof d->use);
    mb_st_col_copy(s, 13, d->note, sizeof d->note);
    d->state = (enum mb_deal_state)state;
    d->created = sqlite3_column_int64(s, 15);
    d->updated = sqlite3_column_int64(s, 16);
    d->version = sqlite3_column_int64(s, 17);
    return 0;
}

static int deal_row(sqlite3_stmt *s, void *item, struct mb_error *err)
{
    return read_deal(s, item, err);
}

int mb_store_deal_insert(struct mb_store *st, struct mb_deal *d, struct mb_error *err)
{
    if ((unsigned)d->state >= MB_DEAL_STATE_COUNT)
        return mb_error_set(err, MB_EINVAL, "state", "is not a deal state");
    sqlite3_stmt *s;
    int64_t now = (int64_t)time(NULL);
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    rc = mb_st_prepare(st, "INSERT INTO deal(listing_id, org_id, user_id, counterpart_site,"
                       " hauler_org, amount_t, amount_value, amount_unit, price, from_m, to_m,"
                       " use, note, state, created, updated, version)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)", &s, err);
    if (!rc) {
        mb_st_bound(sqlite3_bind_int64(s, 1, d->listing_id));
        mb_st_bound(sqlite3_bind_int64(s, 2, d->org_id));
        mb_st_bound(sqlite3_bind_int64(s, 3, d->user_id));
        bind_ref(s, 4, d->counterpart_site);
        bind_ref(s, 5, d->hauler_org);
        mb_st_bound(sqlite3_bind_double(s, 6, d->amount_t));
        mb_st_bound(sqlite3_bind_double(s, 7, d->amount_value));
        mb_st_bind_text(s, 8, d->amount_unit);
        mb_st_bound(sqlite3_bind_double(s, 9, d->price_nok_per_t));
        mb_st_bound(sqlite3_bind_int(s, 10, d->from_m));
        mb_st_bound(sqlite3_bind_int(s, 11, d->to_m));
        mb_st_bind_text(s, 12, d->use);
        mb_st_bind_text(s, 13, d->note);
        mb_st_bind_text(s, 14, mb_deal_state_name(d->state));
        mb_st_bound(sqlite3_bind_int64(s, 15, now));
        mb_st_bound(sqlite3_bind_int64(s, 16, now));
        rc = mb_st_exec(st, s, "listing_id", err);
    }
    int64_t id = sqlite3_last_insert_rowid(st->db);
    rc = mb_st_tx_end(st, rc, err);
    if (!rc) {
        d->id = id;
        d->created = d->updated = now;
        d->version = 1;
    }
    return rc;
}

int mb_store_deal_get(struct mb_store *st, int64_t id, struct mb_deal *out,
                      struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "SELECT " DEAL_COLS " FROM deal d WHERE d.id = ?", &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, id));
    rc = mb_st_step(s);
    if (rc == SQLITE_ROW)
        rc = read_deal(s, out, err);
    else if (rc == SQLITE_DONE)
        rc = mb_error_set(err, MB_ENOTFOUND, "id", "no deal %lld", (long long)id);
    else
        rc = mb_st_error(st, rc, NULL, err);
    mb_st_finish(s);
    return rc;
}

int mb_store_deal_set_state(struct mb_store *st, int64_t id, enum mb_deal_state state,
                            struct mb_error *err)
{
    if ((unsigned)state >= MB_DEAL_STATE_COUNT)
        return mb_error_set(err, MB_EINVAL, "state", "is not a deal state");
    sqlite3_stmt *s;
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    rc = mb_st_prepare(st, "UPDATE deal SET state = ?, updated = ?, version = version + 1"
                       " WHERE id = ?", &s, err);
    if (!rc) {
        mb_st_bind_text(s, 1, mb_deal_state_name(state));
        mb_st_bound(sqlite3_bind_int64(s, 2, (int64_t)time(NULL)));
        mb_st_bound(sqlite3_bind_int64(s, 3, id));
        rc = mb_st_exec(st, s, NULL, err);
        if (!rc && sqlite3_changes(st->db) == 0)
            rc = mb_error_set(err, MB_ENOTFOUND, "id", "no deal %lld", (long long)id);
    }
    return mb_st_tx_end(st, rc, err);
}

int mb_store_deal_list(struct mb_store *st, int64_t listing_id, int64_t party_org,
                       int state, struct mb_deal **items, size_t *n, struct mb_error *err)
{
    *items = NULL;
    *n = 0;
    sqlite3_stmt *s;
    /* One fixed statement: a zero or negative parameter switches its
     * filter off. */
    int rc = mb_st_prepare(st, "SELECT " DEAL_COLS " FROM deal d JOIN site l"
                           " ON l.id = d.listing_id"
                           " WHERE (?1 = 0 OR d.listing_id = ?1)"
                           " AND (?2 = 0 OR d.org_id = ?2 OR d.hauler_org = ?2"
                           "  OR l.org_id = ?2 OR d.counterpart_site IN"
                           "  (SELECT f.id FROM site f WHERE f.org_id = ?2"
                           "   AND f.type NOT IN ('supply', 'need')))"
                           " AND (?3 IS NULL OR d.state = ?3) ORDER BY d.id", &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, listing_id));
    mb_st_bound(sqlite3_bind_int64(s, 2, party_org));
    mb_st_bind_text(s, 3, state >= 0 ? mb_deal_state_name((enum mb_deal_state)state) : NULL);
    void *arr;
    rc = mb_st_collect(st, s, sizeof **items, deal_row, &arr, n, err);
    *items = arr;
    return rc;
}

int mb_store_listing_amounts(struct mb_store *st, int64_t listing_id,
                             struct mb_listing_amounts *out, struct mb_error *err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *s;
    /* Per deal its confirmed, disputed-not-replaced and pending tonnes;
     * then the listing's sums. Committed counts the loads waiting for their
     * receiver with the confirmed ones, whatever the deal's state, so
     * masses on the road are never offered twice. A disputed load counts as open again once
     * a later load names it in `replaces`. */
    int rc = mb_st_prepare(st,
        "WITH per AS (SELECT d.id, d.state, d.amount_t,"
        "  (SELECT coalesce(sum(v.amount_t), 0) FROM delivery v WHERE v.deal_id = d.id"
        "    AND v.state = 'confirmed') AS conf,"
        "  (SELECT coalesce(sum(v.amount_t), 0) FROM delivery v WHERE v.deal_id = d.id"
        "    AND v.state = 'disputed' AND NOT EXISTS (SELECT 1 FROM delivery w"
        "    WHERE w.replaces = v.id)) AS disp,"
        "  (SELECT coalesce(sum(v.amount_t), 0) FROM delivery v WHERE v.deal_id = d.id"
        "    AND v.state = 'registered') AS pend"
        "  FROM deal d WHERE d.listing_id = ?)"
        " SELECT coalesce(sum(CASE WHEN state IN ('reserved', 'agreed')"
        "   THEN max(amount_t, conf + pend) ELSE conf + pend END), 0),"
        "  coalesce(sum(conf), 0), coalesce(sum(disp), 0), coalesce(sum(pend), 0) FROM per",
        &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, listing_id));
    rc = mb_st_step(s);
    if (rc == SQLITE_ROW) {
        out->committed_t = sqlite3_column_double(s, 0);
        out->confirmed_t = sqlite3_column_double(s, 1);
        out->disputed_t = sqlite3_column_double(s, 2);
        out->pending_t = sqlite3_column_double(s, 3);
        rc = 0;
    } else {
        rc = mb_st_error(st, rc, NULL, err);
    }
    mb_st_finish(s);
    return rc;
}

/* ---- deliveries -------------------------------------------------------------- */

#define DELIVERY_COLS "v.id, v.deal_id, v.seq, v.code, v.truck, v.euro_class, v.amount_t," \
    " v.amount_value, v.amount_unit, v.at, v.from_site, v.to_site, v.state, v.reason," \
    " v.replaces, v.user_id, v.org_id, v.decided_by, v.decided_at, v.created, v.version"

static int read_delivery(sqlite3_stmt *s, struct mb_delivery *d, struct mb_error *err)
{
    int state = mb_delivery_state_parse((const char *)sqlite3_column_text(s, 12));
    if (state < 0)
        return mb_error_set(err, MB_EDATA, "state",
                            "the database holds an unknown delivery state");
    memset(d, 0, sizeof *d);
    d->id = sqlite3_column_int64(s, 0);
    d->deal_id = sqlite3_column_int64(s, 1);
    d->seq = sqlite3_column_int64(s, 2);
    mb_st_col_copy(s, 3, d->code, sizeof d->code);
    mb_st_col_copy(s, 4, d->truck, sizeof d->truck);
    mb_st_col_copy(s, 5, d->euro_class, sizeof d->euro_class);
    d->amount_t = sqlite3_column_double(s, 6);
    d->amount_value = sqlite3_column_double(s, 7);
    mb_st_col_copy(s, 8, d->amount_unit, sizeof d->amount_unit);
    d->at = sqlite3_column_int64(s, 9);
    d->from_site = sqlite3_column_int64(s, 10);
    d->to_site = sqlite3_column_int64(s, 11);
    d->state = (enum mb_delivery_state)state;
    mb_st_col_copy(s, 13, d->reason, sizeof d->reason);
    d->replaces = sqlite3_column_int64(s, 14);
    d->user_id = sqlite3_column_int64(s, 15);
    d->org_id = sqlite3_column_int64(s, 16);
    d->decided_by = sqlite3_column_int64(s, 17);
    d->decided_at = sqlite3_column_int64(s, 18);
    d->created = sqlite3_column_int64(s, 19);
    d->version = sqlite3_column_int64(s, 20);
    return 0;
}

static int delivery_row(sqlite3_stmt *s, void *item, struct mb_error *err)
{
    return read_delivery(s, item, err);
}

int mb_store_delivery_insert(struct mb_store *st, struct mb_delivery *d,
                             struct mb_error *err)
{
    sqlite3_stmt *s;
    int64_t now = (int64_t)time(NULL), seq = 0;
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    /* The next number inside the write transaction: no two loads of a
     * deal get the same one, and none is skipped. */
    rc = mb_st_prepare(st, "SELECT coalesce(max(seq), 0) + 1 FROM delivery WHERE deal_id = ?",
                       &s, err);
    if (!rc) {
        mb_st_bound(sqlite3_bind_int64(s, 1, d->deal_id));
        int step = mb_st_step(s);
        if (step == SQLITE_ROW)
            seq = sqlite3_column_int64(s, 0);
        else
            rc = mb_st_error(st, step, NULL, err);
        mb_st_finish(s);
    }
    if (!rc)
        rc = mb_st_prepare(st, "INSERT INTO delivery(deal_id, seq, code, truck, euro_class,"
                           " amount_t, amount_value, amount_unit, at, from_site, to_site,"
                           " state, reason, replaces, user_id, org_id, created, version)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'registered', '', ?, ?,"
                           " ?, ?, 1)", &s, err);
    if (!rc) {
        mb_st_bound(sqlite3_bind_int64(s, 1, d->deal_id));
        mb_st_bound(sqlite3_bind_int64(s, 2, seq));
        mb_st_bind_text(s, 3, d->code);
        mb_st_bind_text(s, 4, d->truck);
        mb_st_bind_text(s, 5, d->euro_class);
        mb_st_bound(sqlite3_bind_double(s, 6, d->amount_t));
        mb_st_bound(sqlite3_bind_double(s, 7, d->amount_value));
        mb_st_bind_text(s, 8, d->amount_unit);
        mb_st_bound(sqlite3_bind_int64(s, 9, d->at));
        bind_ref(s, 10, d->from_site);
        bind_ref(s, 11, d->to_site);
        bind_ref(s, 12, d->replaces);
        mb_st_bound(sqlite3_bind_int64(s, 13, d->user_id));
        mb_st_bound(sqlite3_bind_int64(s, 14, d->org_id));
        mb_st_bound(sqlite3_bind_int64(s, 15, now));
        rc = mb_st_exec(st, s, "deal_id", err);
    }
    int64_t id = sqlite3_last_insert_rowid(st->db);
    rc = mb_st_tx_end(st, rc, err);
    if (!rc) {
        d->id = id;
        d->seq = seq;
        d->state = MB_DELIVERY_REGISTERED;
        d->reason[0] = '\0';
        d->decided_by = d->decided_at = 0;
        d->created = now;
        d->version = 1;
    }
    return rc;
}

static int one_delivery(struct mb_store *st, sqlite3_stmt *s, struct mb_delivery *out,
                        const char *field, struct mb_error *err)
{
    int rc = mb_st_step(s);
    if (rc == SQLITE_ROW)
        rc = read_delivery(s, out, err);
    else if (rc == SQLITE_DONE)
        rc = mb_error_set(err, MB_ENOTFOUND, field, "no such delivery");
    else
        rc = mb_st_error(st, rc, NULL, err);
    mb_st_finish(s);
    return rc;
}

int mb_store_delivery_get(struct mb_store *st, int64_t id, struct mb_delivery *out,
                          struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "SELECT " DELIVERY_COLS " FROM delivery v WHERE v.id = ?", &s,
                           err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, id));
    return one_delivery(st, s, out, "id", err);
}

int mb_store_delivery_by_code(struct mb_store *st, const char *code,
                              struct mb_delivery *out, struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "SELECT " DELIVERY_COLS " FROM delivery v WHERE v.code = ?",
                           &s, err);
    if (rc)
        return rc;
    mb_st_bind_text(s, 1, code);
    return one_delivery(st, s, out, "code", err);
}

int mb_store_delivery_decide(struct mb_store *st, int64_t id, enum mb_delivery_state state,
                             const char *reason, int64_t user_id, struct mb_error *err)
{
    if ((unsigned)state >= MB_DELIVERY_STATE_COUNT)
        return mb_error_set(err, MB_EINVAL, "state", "is not a delivery state");
    sqlite3_stmt *s;
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    rc = mb_st_prepare(st, "UPDATE delivery SET state = ?, reason = ?, decided_by = ?,"
                       " decided_at = ?, version = version + 1 WHERE id = ?", &s, err);
    if (!rc) {
        mb_st_bind_text(s, 1, mb_delivery_state_name(state));
        mb_st_bind_text(s, 2, reason ? reason : "");
        bind_ref(s, 3, user_id);
        mb_st_bound(sqlite3_bind_int64(s, 4, (int64_t)time(NULL)));
        mb_st_bound(sqlite3_bind_int64(s, 5, id));
        rc = mb_st_exec(st, s, NULL, err);
        if (!rc && sqlite3_changes(st->db) == 0)
            rc = mb_error_set(err, MB_ENOTFOUND, "id", "no delivery %lld", (long long)id);
    }
    return mb_st_tx_end(st, rc, err);
}

int mb_store_delivery_list(struct mb_store *st, int64_t deal_id, int64_t listing_id,
                           struct mb_delivery **items, size_t *n, struct mb_error *err)
{
    *items = NULL;
    *n = 0;
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "SELECT " DELIVERY_COLS " FROM delivery v JOIN deal d"
                           " ON d.id = v.deal_id WHERE (?1 = 0 OR v.deal_id = ?1)"
                           " AND (?2 = 0 OR d.listing_id = ?2) ORDER BY v.deal_id, v.seq",
                           &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, deal_id));
    mb_st_bound(sqlite3_bind_int64(s, 2, listing_id));
    void *arr;
    rc = mb_st_collect(st, s, sizeof **items, delivery_row, &arr, n, err);
    *items = arr;
    return rc;
}
