/*
 * store_address.c - official addresses (schema 6) and the municipality of
 * sites written before the store knew boundaries.
 *
 * Addresses come from Kartverket's "Matrikkelen - Adresse" download
 * (exchange/addresses.c reads it); the store keeps one row per address
 * and its entry in address_fts, whose content is the address table
 * itself, so every write here writes both in the same transaction. A
 * re-import replaces the addresses of the municipalities it holds. The
 * search turns the words a user types into an FTS5 prefix query: each
 * word a quoted prefix term (a lone digit an exact one), all required
 * ("storg 12" finds "Storgata 12B"); FTS5 syntax in the input is never interpreted, because every
 * word is quoted and quotes are dropped.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/strbuf.h"
#include "store/store_sqlite.h"

/* ---- sites without a municipality ----------------------------------------- */

static int read_unplaced(sqlite3_stmt *s, void *item, struct mb_error *err)
{
    (void)err;
    struct mb_site_pos *p = item;
    p->id = sqlite3_column_int64(s, 0);
    p->type = mb_site_type_parse((const char *)sqlite3_column_text(s, 1));
    p->lat = sqlite3_column_double(s, 2);
    p->lon = sqlite3_column_double(s, 3);
    return 0;
}

int mb_store_site_unplaced(struct mb_store *st, struct mb_site_pos **items, size_t *n,
                           struct mb_error *err)
{
    sqlite3_stmt *s;
    *items = NULL;
    *n = 0;
    int rc = mb_st_prepare(st, "SELECT id, type, lat, lon FROM site WHERE municipality = ''"
                           " ORDER BY id", &s, err);
    if (rc)
        return rc;
    void *v;
    rc = mb_st_collect(st, s, sizeof **items, read_unplaced, &v, n, err);
    *items = v;
    return rc;
}

int mb_store_site_set_municipality(struct mb_store *st, int64_t id, const char *code,
                                   struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    /* The doc shows the municipality as the API does since schema 6. */
    rc = mb_st_prepare(st, "UPDATE site SET municipality = ?1, doc = CASE WHEN doc IS NULL"
                       " THEN NULL ELSE json_set(doc, '$.municipality', ?1) END"
                       " WHERE id = ?2", &s, err);
    if (!rc) {
        mb_st_bind_text(s, 1, code);
        mb_st_bound(sqlite3_bind_int64(s, 2, id));
        rc = mb_st_exec(st, s, NULL, err);
        if (!rc && sqlite3_changes(st->db) == 0)
            rc = mb_error_set(err, MB_ENOTFOUND, "id", "no site %lld", (long long)id);
    }
    return mb_st_tx_end(st, rc, err);
}

/* ---- addresses ------------------------------------------------------------- */

int mb_store_address_clear(struct mb_store *st, const char *kommune, struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    rc = mb_st_prepare(st, "INSERT INTO address_fts(address_fts, rowid, text, poststed, kommune)"
                       " SELECT 'delete', id, text, poststed, kommune FROM address"
                       " WHERE kommune = ?", &s, err);
    if (!rc) {
        mb_st_bind_text(s, 1, kommune);
        rc = mb_st_exec(st, s, NULL, err);
    }
    if (!rc)
        rc = mb_st_prepare(st, "DELETE FROM address WHERE kommune = ?", &s, err);
    if (!rc) {
        mb_st_bind_text(s, 1, kommune);
        rc = mb_st_exec(st, s, NULL, err);
    }
    return mb_st_tx_end(st, rc, err);
}

int mb_store_address_add(struct mb_store *st, struct mb_address *a, struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    rc = mb_st_prepare(st, "INSERT INTO address(kommune, text, postnr, poststed, gnr, bnr, fnr,"
                       " lat, lon) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", &s, err);
    if (!rc) {
        mb_st_bind_text(s, 1, a->kommune);
        mb_st_bind_text(s, 2, a->text);
        mb_st_bind_text(s, 3, a->postnr);
        mb_st_bind_text(s, 4, a->poststed);
        mb_st_bound(sqlite3_bind_int(s, 5, a->gnr));
        mb_st_bound(sqlite3_bind_int(s, 6, a->bnr));
        mb_st_bound(sqlite3_bind_int(s, 7, a->fnr));
        mb_st_bound(sqlite3_bind_double(s, 8, a->lat));
        mb_st_bound(sqlite3_bind_double(s, 9, a->lon));
        rc = mb_st_exec(st, s, NULL, err);
    }
    if (!rc) {
        a->id = sqlite3_last_insert_rowid(st->db);
        rc = mb_st_prepare(st, "INSERT INTO address_fts(rowid, text, poststed, kommune)"
                           " VALUES (?, ?, ?, ?)", &s, err);
    }
    if (!rc) {
        mb_st_bound(sqlite3_bind_int64(s, 1, a->id));
        mb_st_bind_text(s, 2, a->text);
        mb_st_bind_text(s, 3, a->poststed);
        mb_st_bind_text(s, 4, a->kommune);
        rc = mb_st_exec(st, s, NULL, err);
    }
    return mb_st_tx_end(st, rc, err);
}

int mb_store_address_count(struct mb_store *st, int64_t *n, struct mb_error *err)
{
    sqlite3_stmt *s;
    *n = 0;
    int rc = mb_st_prepare(st, "SELECT count(*) FROM address", &s, err);
    if (rc)
        return rc;
    int step = mb_st_step(s);
    if (step == SQLITE_ROW)
        *n = sqlite3_column_int64(s, 0);
    else
        rc = mb_st_error(st, step, NULL, err);
    mb_st_finish(s);
    return rc;
}

/* The FTS5 query of what a user typed: each run of letters and digits
 * (any byte of a multi-byte UTF-8 character counts as a letter) becomes
 * a quoted prefix term; at most 8 words. False when there is no word. */
static bool fts_query(const char *q, const char *kommune, struct mb_strbuf *b)
{
    size_t words = 0;
    const unsigned char *p = (const unsigned char *)q;
    while (*p && words < 8) {
        while (*p && !(*p >= 0x80 || (*p >= '0' && *p <= '9') || ((*p | 0x20) >= 'a' &&
                                                                   (*p | 0x20) <= 'z')))
            p++;
        const unsigned char *w = p;
        while (*p >= 0x80 || (*p >= '0' && *p <= '9') || ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z'))
            p++;
        if (p == w)
            break;
        mb_strbuf_adds(b, words ? " AND \"" : "\"");
        mb_strbuf_add(b, (const char *)w, (size_t)(p - w));
        /* A lone digit is a house number typed whole ("Storgata 1"): as a
         * prefix it would expand to every number from 1 to 19999 and cost
         * 100 ms over the country's addresses (bench/geo-bench). */
        bool digit = p - w == 1 && *w >= '0' && *w <= '9';
        mb_strbuf_adds(b, digit ? "\"" : "\"*");
        words++;
    }
    if (words && kommune && kommune[0]) {
        mb_strbuf_adds(b, " AND kommune : \"");
        mb_strbuf_adds(b, kommune);
        mb_strbuf_adds(b, "\"");
    }
    return words > 0;
}

static int read_address(sqlite3_stmt *s, void *item, struct mb_error *err)
{
    (void)err;
    struct mb_address *a = item;
    a->id = sqlite3_column_int64(s, 0);
    mb_st_col_copy(s, 1, a->kommune, sizeof a->kommune);
    mb_st_col_copy(s, 2, a->text, sizeof a->text);
    mb_st_col_copy(s, 3, a->postnr, sizeof a->postnr);
    mb_st_col_copy(s, 4, a->poststed, sizeof a->poststed);
    a->gnr = sqlite3_column_int(s, 5);
    a->bnr = sqlite3_column_int(s, 6);
    a->fnr = sqlite3_column_int(s, 7);
    a->lat = sqlite3_column_double(s, 8);
    a->lon = sqlite3_column_double(s, 9);
    return 0;
}

int mb_store_address_search(struct mb_store *st, const char *q, const char *kommune,
                            size_t limit, struct mb_address **items, size_t *n,
                            struct mb_error *err)
{
    *items = NULL;
    *n = 0;
    struct mb_strbuf b = { 0 };
    if (!fts_query(q, kommune, &b)) {
        mb_strbuf_release(&b);
        return 0;
    }
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "SELECT a.id, a.kommune, a.text, a.postnr, a.poststed, a.gnr,"
                           " a.bnr, a.fnr, a.lat, a.lon FROM address_fts f"
                           " JOIN address a ON a.id = f.rowid"
                           " WHERE address_fts MATCH ?1 LIMIT ?2", &s, err);
    if (!rc) {
        mb_st_bind_text(s, 1, b.s);
        mb_st_bound(sqlite3_bind_int64(s, 2, (sqlite3_int64)limit));
        void *v;
        rc = mb_st_collect(st, s, sizeof **items, read_address, &v, n, err);
        *items = v;
    }
    mb_strbuf_release(&b);
    return rc;
}
