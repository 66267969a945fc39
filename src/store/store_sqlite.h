/*
 * store/store_sqlite.h - private to the SQLite back-end of the store
 * (store_sqlite.c, store_site.c): the connection record, the cache of
 * prepared statements, transactions and the mapping of SQLite errors to
 * MB_E* codes. Nothing outside src/store includes this file.
 *
 * Statement discipline: every statement comes from mb_st_prepare (which
 * hands it out reset and with its bindings cleared) and is given back
 * with mb_st_finish as soon as the caller is done with it, on every path.
 * A cached statement left un-reset would hold a read snapshot open, which
 * in WAL mode stalls checkpoints and hides other connections' writes.
 */
#ifndef MB_STORE_STORE_SQLITE_H
#define MB_STORE_STORE_SQLITE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

/* Slots in the per-connection statement cache. The fixed statements of
 * the store are about 35; the rest hold the shapes of site searches,
 * which repeat (a shape is the set of filters used, not their values).
 * A statement is evicted only when it is the least recently handed out,
 * and no call holds more than three statements at once, so a statement
 * in use is never evicted. */
#define MB_ST_CACHE_SIZE 96

struct mb_st_slot {
    uint64_t hash;        /* FNV-1a of sql, to skip most strcmp calls */
    char *sql;            /* owned; NULL for an empty slot */
    sqlite3_stmt *stmt;   /* owned */
    uint64_t used;        /* tick of the last hand-out, for LRU eviction */
};

/* site_rtree keeps type, status and window as dimensions scaled far below
 * a degree, so they filter exactly but do not steer the tree's splits
 * (store_sqlite.c, MIGRATION_1). Months are clamped to [0, MB_RT_T_MAX]
 * (year 3333; an open window is MB_NO_MONTH_TO). 32-bit floats keep these
 * values apart: their spacing is 10^5 times their rounding. */
#define MB_RT_TY_SCALE 1e-6
#define MB_RT_ST_SCALE 1e-6
#define MB_RT_T_SCALE 1e-9
#define MB_RT_T_MAX 40000
#define MB_STR_(x) #x
#define MB_STR(x) MB_STR_(x)

struct mb_site_model;

struct mb_store {
    sqlite3 *db;
    int depth;            /* open transaction levels: 0 none, 1 BEGIN, >1 SAVEPOINTs */
    uint64_t tick;
    struct mb_site_model *model; /* the process's read model of this file, or NULL */
    bool model_off;       /* mb_store_model_enable(st, false) */
    struct mb_st_slot cache[MB_ST_CACHE_SIZE];
    /* site_fts's tokenizer (mb_st_tokens), made at first use */
    fts5_tokenizer tok_api;
    Fts5Tokenizer *tok;
    bool tok_failed;
};

/* A cached prepared statement for `sql` (reset, bindings cleared). On
 * failure returns MB_EIO with SQLite's message. The statement stays owned
 * by the cache; give it back with mb_st_finish. */
int mb_st_prepare(struct mb_store *st, const char *sql, sqlite3_stmt **out,
                  struct mb_error *err);

/* Reset a statement and clear its bindings (strings are bound
 * SQLITE_STATIC, so they must not outlive the caller's buffers). */
void mb_st_finish(sqlite3_stmt *stmt);

/* Map SQLite result `rc` (extended) and the connection's message to an
 * MB_E* code in err: unique -> MB_ECONFLICT naming the column; foreign
 * key -> MB_EINVAL naming `fk_field`; CHECK and NOT NULL -> MB_EINVAL
 * naming the constraint or column; anything else -> MB_EIO. Call it
 * before resetting the statement that failed. */
int mb_st_error(struct mb_store *st, int rc, const char *fk_field, struct mb_error *err);

/* Step a statement that returns no rows, then finish it. 0 or an error
 * as mb_st_error. */
int mb_st_exec(struct mb_store *st, sqlite3_stmt *stmt, const char *fk_field,
               struct mb_error *err);

/* Run fixed SQL through the cache (no parameters, no rows). */
int mb_st_run(struct mb_store *st, const char *sql, struct mb_error *err);

/* Read one row of a statement into *item (a zeroed struct of the list's
 * type); 0 or an MB_E* code with err filled. */
typedef int (*mb_st_row_fn)(sqlite3_stmt *stmt, void *item, struct mb_error *err);

/* Step a prepared statement to its end, reading each row with `read` into
 * a growing malloc'ed array of `size`-byte items, then finish it. Returns
 * 0 with the array in *items and its length in *n (the caller frees it),
 * or an error (as mb_st_error, or read's) with *items NULL and *n 0. The
 * items must own no memory of their own (a list of plain structs). */
int mb_st_collect(struct mb_store *st, sqlite3_stmt *stmt, size_t size, mb_st_row_fn read,
                  void **items, size_t *n, struct mb_error *err);

/* Every bind goes through mb_st_bound(sqlite3_bind_...(...)): a failed
 * bind (a wrong index, a value too big, no memory) would otherwise leave
 * the parameter NULL and the statement run anyway. The first failure of
 * the thread's current statement is kept until its step: mb_st_step then
 * returns SQLITE_MISUSE without running it (and mb_st_exec an
 * MB_EINTERNAL error naming the bind), and mb_st_prepare forgets it for
 * the next statement. mb_st_bound returns rc. */
int mb_st_bound(int rc);
int mb_st_step(sqlite3_stmt *stmt);

/* Bind text with SQLITE_STATIC (NULL binds NULL). */
int mb_st_bind_text(sqlite3_stmt *stmt, int idx, const char *s);

/* Column as a bounded copy ("" for NULL) or as a new string (NULL for
 * NULL). */
void mb_st_col_copy(sqlite3_stmt *stmt, int col, char *buf, size_t size);
char *mb_st_col_dup(sqlite3_stmt *stmt, int col);

/* Write transactions. tx_begin opens BEGIN IMMEDIATE at depth 0 (so a
 * writer takes the write lock up front and waits in busy_timeout instead
 * of failing on a lock upgrade) or a SAVEPOINT inside an open
 * transaction. tx_end commits (rc == 0) or rolls back that level and
 * returns rc, or the commit's error. */
int mb_st_tx_begin(struct mb_store *st, struct mb_error *err);
int mb_st_tx_end(struct mb_store *st, int rc, struct mb_error *err);

/* A read snapshot for calls that run several queries (search): BEGIN at
 * depth 0, nothing inside a transaction. read_end ends what read_begin
 * opened. */
int mb_st_read_begin(struct mb_store *st, bool *opened, struct mb_error *err);
void mb_st_read_end(struct mb_store *st, bool opened);

/* ---- shared by the SQL search (store_site.c) and the read model
 * (store_model.c), so that both answer alike ---------------------------- */

/* Fill *r from a row of store_site.c's SITE_COLS followed by doc (no
 * materials). On failure *r holds nothing to release. */
int mb_st_read_site(struct mb_store *st, sqlite3_stmt *s, struct mb_site_rec *r,
                    struct mb_error *err);
/* The columns mb_st_read_site reads, for a statement over `site s`. */
extern const char mb_st_site_cols[];
/* Read site `id` with its doc and materials (no cache); *found is false
 * when there is no such row (then *r is empty and 0 is returned). */
int mb_st_site_read(struct mb_store *st, int64_t id, struct mb_site_rec *r, bool *found,
                    struct mb_error *err);

/* One candidate of a spatial search: site id and great-circle km from the
 * centre of a radius search (0 without one). */
struct mb_st_hit {
    int64_t id;
    double km;
};
/* Put the k smallest of h[0..n) in order (by km then id when by_km, else
 * by id) into h[0..k). */
void mb_st_hits_smallest(struct mb_st_hit *h, size_t n, size_t k, bool by_km);
/* Sort a page by the exact great-circle distance of its stored positions
 * from (lat, lon), then id. */
void mb_st_sort_by_distance(double lat, double lon, struct mb_site_page *p);

/* Append the tokens site_fts makes of `text` (its tokenizer, MIGRATION_1's
 * "unicode61 remove_diacritics 2": lower case, diacritics removed), each
 * followed by a NUL, to *out; *n is raised by their number. `query`:
 * tokenize as a MATCH prefix term, else as a document. Tokens longer than
 * FTS5 keeps (32768 bytes) are cut as it cuts them. MB_EIO when FTS5's
 * tokenizer is not available (nothing appended). */
struct mb_strbuf;
int mb_st_tokens(struct mb_store *st, const char *text, size_t len, bool query,
                 struct mb_strbuf *out, size_t *n);

/* ---- the read model (store_model.c) ----------------------------------- */

/* The model of the database file `st` has open (shared by every
 * connection of the process to that file; NULL for ":memory:" and
 * temporary databases or when MB_STORE_MODEL=0 is in the environment),
 * taken at open and given back at close. */
struct mb_site_model *mb_st_model_acquire(struct mb_store *st);
void mb_st_model_release(struct mb_site_model *m);

/* Answer a search from the model: 0 or an error as mb_store_site_search,
 * or MB_ST_MODEL_DECLINED when it cannot (the caller asks SQL). The caller
 * has checked the limit, that f (store_filter.h, from the query) is not
 * empty and that the query's shape is the model's (mb_st_model_covers,
 * which also turns the query's keywords into the terms the model tests). */
#define MB_ST_MODEL_DECLINED 1
struct mb_sf;
bool mb_st_model_covers(struct mb_store *st, struct mb_sf *f);
int mb_st_model_search(struct mb_store *st, const struct mb_sf *f, size_t limit,
                       struct mb_site_page *out, struct mb_error *err);

#endif
